//! Which processing system a data store belongs to (one register row per system).
//!
//! - Kubernetes: the `app.kubernetes.io/part-of` label (pod template, then workload), else
//!   `app.kubernetes.io/name`, else the namespace. Systems are per cluster: a `part-of`
//!   application spans namespaces.
//! - Docker: the compose project (`com.docker.compose.project`), else the first
//!   user-defined network the container shares with another container (not `bridge`,
//!   `host`, `none`), else the container alone. Systems are per Docker host.

use super::lookup::Lookup;
use super::DataStore;
use crate::findings::Platform;
use crate::model::{Container, Workload};

/// A processing system's identity: what the register row is named after.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SystemKey {
    /// `Docker legacy-01`, `Kubernetes lumen-prod`.
    pub scope: String,
    /// `lumen`, `data`, `jenkins`.
    pub name: String,
    /// The rule that grouped it: `compose project lumen`, `label app.kubernetes.io/part-of=lumen`.
    pub rule: String,
}

const PART_OF: &str = "app.kubernetes.io/part-of";
const APP_NAME: &str = "app.kubernetes.io/name";
const COMPOSE_PROJECT: &str = "com.docker.compose.project";

/// The system a store belongs to.
pub fn system_of(lookup: &Lookup<'_>, store: &DataStore) -> SystemKey {
    let snapshot = lookup.snapshot;
    let r = &store.resource;
    match r.platform {
        Platform::Docker => {
            let host = r.host.clone().unwrap_or_default();
            let scope = if host.is_empty() {
                "Docker".to_string()
            } else {
                format!("Docker {host}")
            };
            let c = lookup.container(&r.name, |h| host.is_empty() || h == host);
            let (name, rule) = match c {
                Some(c) => docker_group(lookup, c),
                None => (r.name.clone(), "the container alone".to_string()),
            };
            SystemKey { scope, name, rule }
        }
        Platform::Kubernetes => {
            let cluster = snapshot.kube.cluster.clone().unwrap_or_default();
            let scope = if cluster.is_empty() {
                "Kubernetes".to_string()
            } else {
                format!("Kubernetes {cluster}")
            };
            let ns = r.namespace.clone().unwrap_or_default();
            let w = lookup.workload(&r.kind, &ns, &r.name);
            let (name, rule) = match w {
                Some(w) => kube_group(w, &ns),
                None => (ns.clone(), format!("namespace {ns}")),
            };
            SystemKey { scope, name, rule }
        }
    }
}

fn docker_group(lookup: &Lookup<'_>, c: &Container) -> (String, String) {
    if let Some(p) = c.labels.get(COMPOSE_PROJECT).filter(|p| !p.is_empty()) {
        return (p.to_string(), format!("compose project {p}"));
    }
    let shared = c.networks.iter().find(|n| {
        !matches!(n.as_str(), "bridge" | "host" | "none" | "default")
            && lookup.network_shared(&c.host, n, &c.name)
    });
    match shared {
        Some(n) => (n.clone(), format!("shared network {n}")),
        None => (c.name.clone(), "the container alone".to_string()),
    }
}

fn kube_group(w: &Workload, ns: &str) -> (String, String) {
    for key in [PART_OF, APP_NAME] {
        let v = w
            .pod
            .labels
            .get(key)
            .or_else(|| w.meta.labels.get(key))
            .filter(|v| !v.is_empty());
        if let Some(v) = v {
            return (v.to_string(), format!("label {key}={v}"));
        }
    }
    (ns.to_string(), format!("namespace {ns}"))
}
