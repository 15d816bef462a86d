//! Findings: what a check found, on which resource, with what evidence, under a stable
//! fingerprint (same resource + same problem = same fingerprint, across rescans, restarts
//! and input order).

pub mod diff;
pub mod suppress;
pub mod suppress_import;
pub mod triage;
pub mod triage_coverage;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::checks::Severity;

/// The object a finding is about. Kubernetes findings name the top-level controller and
/// the container (not the pod replica); Docker findings name the container or image.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ResourceRef {
    /// `docker` or `kubernetes`.
    pub platform: Platform,
    /// Container, Image, Host, Network, Deployment, Pod, ..., Namespace, ClusterRole, ...
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    pub name: String,
    /// The container inside a pod template, when the finding is about one container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    /// Docker host (engine name) when known. Informational: not part of the fingerprint,
    /// so the same container read live or from `docker inspect` JSON matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    Docker,
    Kubernetes,
}

impl ResourceRef {
    pub fn docker(kind: &str, name: &str, host: &str) -> Self {
        ResourceRef {
            platform: Platform::Docker,
            kind: kind.to_string(),
            namespace: None,
            name: name.to_string(),
            container: None,
            host: (!host.is_empty()).then(|| host.to_string()),
        }
    }

    pub fn kube(kind: &str, namespace: Option<&str>, name: &str) -> Self {
        ResourceRef {
            platform: Platform::Kubernetes,
            kind: kind.to_string(),
            namespace: namespace.filter(|n| !n.is_empty()).map(str::to_string),
            name: name.to_string(),
            container: None,
            host: None,
        }
    }

    pub fn with_container(mut self, container: &str) -> Self {
        self.container = Some(container.to_string());
        self
    }

    /// `Deployment prod/api [app]`, `Container web`, `ClusterRole admin`.
    pub fn display(&self) -> String {
        let mut s = format!("{} ", self.kind);
        if let Some(ns) = &self.namespace {
            s.push_str(ns);
            s.push('/');
        }
        s.push_str(&self.name);
        if let Some(c) = &self.container {
            s.push_str(&format!(" [{c}]"));
        }
        if let Some(h) = &self.host {
            s.push_str(&format!(" @{h}"));
        }
        s
    }

    /// The identity used in fingerprints: platform, kind, namespace, name, container.
    pub fn identity(&self) -> String {
        format!(
            "{:?}|{}|{}|{}|{}",
            self.platform,
            self.kind,
            self.namespace.as_deref().unwrap_or(""),
            self.name,
            self.container.as_deref().unwrap_or("")
        )
    }
}

/// One observed fact that made a check fail: the field path in the source object and
/// the value seen there (already redacted where sensitive).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub path: String,
    pub observed: String,
}

impl Evidence {
    pub fn new(path: impl Into<String>, observed: impl Into<String>) -> Self {
        Evidence {
            path: path.into(),
            observed: observed.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub check_id: String,
    pub severity: Severity,
    pub title: String,
    pub resource: ResourceRef,
    /// One sentence about this resource: what is wrong here.
    pub message: String,
    pub evidence: Vec<Evidence>,
    /// Distinguishes several findings of one check on one resource (a mount path, a
    /// capability, an env var name). Part of the fingerprint.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub discriminator: String,
    /// 16 hex digits of SHA-256 over check id, resource identity and discriminator.
    pub fingerprint: String,
}

pub fn fingerprint(check_id: &str, resource: &ResourceRef, discriminator: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"docket-finding-v1\0");
    h.update(check_id.as_bytes());
    h.update(b"\0");
    h.update(resource.identity().as_bytes());
    h.update(b"\0");
    h.update(discriminator.as_bytes());
    h.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Deterministic order: severity (worst first), then check, resource, discriminator.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.check_id.cmp(&b.check_id))
            .then_with(|| a.resource.cmp(&b.resource))
            .then_with(|| a.discriminator.cmp(&b.discriminator))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_depends_on_check_resource_and_discriminator_not_host() {
        let a = ResourceRef::docker("Container", "web", "host-a");
        let b = ResourceRef::docker("Container", "web", "");
        assert_eq!(fingerprint("D", &a, ""), fingerprint("D", &b, ""));
        assert_ne!(fingerprint("D", &a, ""), fingerprint("E", &a, ""));
        assert_ne!(fingerprint("D", &a, "x"), fingerprint("D", &a, "y"));
        let c = ResourceRef::kube("Deployment", Some("prod"), "web").with_container("app");
        let d = ResourceRef::kube("Deployment", Some("prod"), "web").with_container("sidecar");
        assert_ne!(fingerprint("K", &c, ""), fingerprint("K", &d, ""));
        assert_eq!(fingerprint("K", &c, "").len(), 16);
    }
}
