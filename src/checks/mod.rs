//! The check catalog. Every check is a pure function over a [`Snapshot`] plus complete
//! metadata (stable id, severity, rationale, remediation, the field's cross-references and
//! the compliance controls it serves). One file per check family.

pub mod benchmarks;
pub mod catalog;
pub mod engine;
pub mod frameworks;
pub mod glob;
pub mod input;
pub mod manual;
mod support;

pub mod docker_container;
pub mod docker_host;
pub mod docker_image;
pub mod kube_network;
pub mod kube_pss;
pub mod kube_rbac;
pub mod kube_workload;
pub mod secrets;

use serde::{Deserialize, Serialize};

use crate::findings::{fingerprint, Evidence, Finding, ResourceRef};
use crate::model::{DataKind, Snapshot};

pub use catalog::{catalog, find};
pub use engine::{run, CheckResult, Outcome, ScanResult, Selection};
pub use frameworks::{Control, Framework};
pub use input::Input;
pub use support::*;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    #[default]
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    DockerHost,
    DockerImage,
    DockerContainer,
    KubeWorkload,
    KubeRbac,
    KubeNetwork,
    Secrets,
}

impl Family {
    pub const ALL: [Family; 7] = [
        Family::DockerHost,
        Family::DockerImage,
        Family::DockerContainer,
        Family::KubeWorkload,
        Family::KubeRbac,
        Family::KubeNetwork,
        Family::Secrets,
    ];
    pub fn label(self) -> &'static str {
        match self {
            Family::DockerHost => "Docker host and daemon",
            Family::DockerImage => "Docker image",
            Family::DockerContainer => "Docker container runtime",
            Family::KubeWorkload => "Kubernetes workload",
            Family::KubeRbac => "Kubernetes RBAC",
            Family::KubeNetwork => "Kubernetes network and exposure",
            Family::Secrets => "Secrets",
        }
    }
}

/// A check: metadata plus the pure function that evaluates it.
#[derive(Clone, Copy)]
pub struct Check {
    /// Stable id, never reused: `DC-005`.
    pub id: &'static str,
    pub title: &'static str,
    pub family: Family,
    pub severity: Severity,
    /// Why it matters, for the detail pane and reports.
    pub rationale: &'static str,
    /// What to change, concretely.
    pub remediation: &'static str,
    /// The field's ids: `CIS-D 5.5`, `PSS baseline`, `KSV-0017`, `CKV_K8S_16`, `C-0057`.
    pub refs: &'static [&'static str],
    /// Compliance controls this check serves.
    pub controls: &'static [Control],
    /// The data the check reads; if any is missing the check is "not evaluated".
    pub needs: &'static [DataKind],
    pub run: fn(&Input<'_>, &mut Out),
}

impl std::fmt::Debug for Check {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Check").field("id", &self.id).finish()
    }
}

impl Check {
    pub fn serves(&self, framework: Framework) -> bool {
        self.controls.iter().any(|c| c.framework == framework)
            || benchmarks::serves(self, framework)
    }
    /// Run this check alone over a snapshot (tests and the engine).
    pub fn evaluate(&self, snapshot: &Snapshot) -> Vec<Finding> {
        self.evaluate_in(&Input::new(snapshot))
    }
    /// Run this check over an input whose shared lookups other checks may already have
    /// built (the engine builds one [`Input`] per scan).
    pub fn evaluate_in(&self, input: &Input<'_>) -> Vec<Finding> {
        let mut out = Out::new(self);
        (self.run)(input, &mut out);
        out.findings
    }
}

/// Where a check puts its findings; fills in id, severity, title and fingerprint.
pub struct Out<'a> {
    check: &'a Check,
    findings: Vec<Finding>,
}

impl<'a> Out<'a> {
    pub fn new(check: &'a Check) -> Self {
        Out {
            check,
            findings: Vec::new(),
        }
    }

    /// Record a finding at the check's severity.
    pub fn emit(
        &mut self,
        resource: ResourceRef,
        discriminator: impl Into<String>,
        message: impl Into<String>,
        evidence: Vec<Evidence>,
    ) {
        self.emit_with(
            self.check.severity,
            resource,
            discriminator,
            message,
            evidence,
        )
    }

    /// Record a finding at another severity (e.g. a sensitive mount that is also writable).
    pub fn emit_with(
        &mut self,
        severity: Severity,
        resource: ResourceRef,
        discriminator: impl Into<String>,
        message: impl Into<String>,
        evidence: Vec<Evidence>,
    ) {
        let discriminator = discriminator.into();
        let fp = fingerprint(self.check.id, &resource, &discriminator);
        self.findings.push(Finding {
            check_id: self.check.id.to_string(),
            severity,
            title: self.check.title.to_string(),
            resource,
            message: message.into(),
            evidence,
            discriminator,
            fingerprint: fp,
        });
    }

    pub fn into_findings(self) -> Vec<Finding> {
        self.findings
    }
}
