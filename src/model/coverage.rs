//! What a snapshot could and could not read. A check whose data is missing reports
//! "not evaluated" with the reason recorded here; it never passes.

use serde::{Deserialize, Serialize};

/// The kinds of data checks depend on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataKind {
    DockerEngine,
    DockerContainers,
    DockerImages,
    DockerImageHistory,
    DockerNetworks,
    DockerVolumes,
    /// How the daemon was reached (unix socket, tcp, tls); only live sources know.
    DockerConnection,
    KubeNodes,
    KubeNamespaces,
    KubeWorkloads,
    KubeServices,
    KubeIngresses,
    KubeNetworkPolicies,
    KubeServiceAccounts,
    KubeRbac,
    KubeConfigMaps,
    KubeSecrets,
}

impl DataKind {
    pub const ALL: [DataKind; 17] = [
        DataKind::DockerEngine,
        DataKind::DockerContainers,
        DataKind::DockerImages,
        DataKind::DockerImageHistory,
        DataKind::DockerNetworks,
        DataKind::DockerVolumes,
        DataKind::DockerConnection,
        DataKind::KubeNodes,
        DataKind::KubeNamespaces,
        DataKind::KubeWorkloads,
        DataKind::KubeServices,
        DataKind::KubeIngresses,
        DataKind::KubeNetworkPolicies,
        DataKind::KubeServiceAccounts,
        DataKind::KubeRbac,
        DataKind::KubeConfigMaps,
        DataKind::KubeSecrets,
    ];

    pub fn label(self) -> &'static str {
        match self {
            DataKind::DockerEngine => "Docker engine info",
            DataKind::DockerContainers => "Docker containers",
            DataKind::DockerImages => "Docker images",
            DataKind::DockerImageHistory => "Docker image history",
            DataKind::DockerNetworks => "Docker networks",
            DataKind::DockerVolumes => "Docker volumes",
            DataKind::DockerConnection => "Docker connection",
            DataKind::KubeNodes => "Kubernetes nodes",
            DataKind::KubeNamespaces => "Kubernetes namespaces",
            DataKind::KubeWorkloads => "Kubernetes workloads (pods and controllers)",
            DataKind::KubeServices => "Kubernetes services",
            DataKind::KubeIngresses => "Kubernetes ingresses",
            DataKind::KubeNetworkPolicies => "Kubernetes network policies",
            DataKind::KubeServiceAccounts => "Kubernetes service accounts",
            DataKind::KubeRbac => "Kubernetes RBAC roles and bindings",
            DataKind::KubeConfigMaps => "Kubernetes config maps",
            DataKind::KubeSecrets => "Kubernetes secrets (metadata)",
        }
    }

    pub fn is_docker(self) -> bool {
        matches!(
            self,
            DataKind::DockerEngine
                | DataKind::DockerContainers
                | DataKind::DockerImages
                | DataKind::DockerImageHistory
                | DataKind::DockerNetworks
                | DataKind::DockerVolumes
                | DataKind::DockerConnection
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CoverageStatus {
    /// The data was read (possibly zero objects of the kind exist).
    Collected,
    /// The data could not be read (forbidden, missing API, timeout, not in the inputs).
    Missing,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoverageEntry {
    pub kind: DataKind,
    pub status: CoverageStatus,
    /// Where: a namespace, a host, "cluster", or a file path.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub scope: String,
    /// Why it is missing, and what to do about it. Empty when collected.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Coverage {
    pub entries: Vec<CoverageEntry>,
}

/// How much of one kind of data a snapshot holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Availability {
    Complete,
    /// Some scopes were read and some were not; the reasons say which.
    Partial(Vec<String>),
    /// Nothing could be read; the reasons say why.
    Missing(Vec<String>),
    /// The scan never looked for this kind (no source of that domain).
    Absent,
}

impl Coverage {
    pub fn collected(&mut self, kind: DataKind, scope: impl Into<String>) {
        let scope = scope.into();
        let exists = self
            .entries
            .iter()
            .any(|e| e.kind == kind && e.scope == scope && e.status == CoverageStatus::Collected);
        if !exists {
            self.entries.push(CoverageEntry {
                kind,
                status: CoverageStatus::Collected,
                scope,
                reason: String::new(),
            });
        }
    }

    pub fn missing(&mut self, kind: DataKind, scope: impl Into<String>, reason: impl Into<String>) {
        self.entries.push(CoverageEntry {
            kind,
            status: CoverageStatus::Missing,
            scope: scope.into(),
            reason: reason.into(),
        });
    }

    pub fn extend(&mut self, other: Coverage) {
        for e in other.entries {
            match e.status {
                CoverageStatus::Collected => self.collected(e.kind, e.scope),
                CoverageStatus::Missing => {
                    if !self.entries.contains(&e) {
                        self.entries.push(e)
                    }
                }
            }
        }
    }

    pub fn availability(&self, kind: DataKind) -> Availability {
        let mut any_collected = false;
        let mut reasons = Vec::new();
        for e in self.entries.iter().filter(|e| e.kind == kind) {
            match e.status {
                CoverageStatus::Collected => any_collected = true,
                CoverageStatus::Missing => {
                    let r = if e.scope.is_empty() {
                        e.reason.clone()
                    } else {
                        format!("{}: {}", e.scope, e.reason)
                    };
                    if !reasons.contains(&r) {
                        reasons.push(r);
                    }
                }
            }
        }
        match (any_collected, reasons.is_empty()) {
            (true, true) => Availability::Complete,
            (true, false) => Availability::Partial(reasons),
            (false, false) => Availability::Missing(reasons),
            (false, true) => Availability::Absent,
        }
    }

    /// Every gap, for "what was not evaluated" sections of reports.
    pub fn gaps(&self) -> impl Iterator<Item = &CoverageEntry> {
        self.entries
            .iter()
            .filter(|e| e.status == CoverageStatus::Missing)
    }

    pub fn has_domain(&self, docker: bool) -> bool {
        self.entries.iter().any(|e| e.kind.is_docker() == docker)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn availability_distinguishes_complete_partial_missing_absent() {
        let mut c = Coverage::default();
        assert_eq!(c.availability(DataKind::KubeRbac), Availability::Absent);
        c.missing(DataKind::KubeRbac, "cluster", "403 Forbidden");
        assert!(matches!(
            c.availability(DataKind::KubeRbac),
            Availability::Missing(_)
        ));
        c.collected(DataKind::KubeWorkloads, "prod");
        assert_eq!(
            c.availability(DataKind::KubeWorkloads),
            Availability::Complete
        );
        c.missing(DataKind::KubeWorkloads, "kube-system", "403 Forbidden");
        match c.availability(DataKind::KubeWorkloads) {
            Availability::Partial(r) => assert_eq!(r, vec!["kube-system: 403 Forbidden"]),
            other => panic!("expected partial, got {other:?}"),
        }
    }
}
