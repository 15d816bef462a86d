//! Whether a scan fully read what a triage record is about: the question [`reconcile`]
//! asks before it calls an absent finding fixed. A finding that vanished because its data
//! could not be read (a 403, a namespace-restricted scan, a Docker host that was not
//! scanned, a check switched off) is a coverage gap, never a fix.
//!
//! Pure: the snapshot and the scan result are the only inputs.
//!
//! [`reconcile`]: super::triage::reconcile

use std::collections::{BTreeSet, HashSet};

use super::triage::TriageRecord;
use super::Platform;
use crate::checks::{self, Outcome, ScanResult};
use crate::model::{CoverageStatus, Snapshot};

/// What a scan read, asked once per record.
pub struct ScanCoverage<'a> {
    snapshot: &'a Snapshot,
    scan: &'a ScanResult,
    disabled: &'a BTreeSet<String>,
    hosts: HashSet<&'a str>,
    namespaces: HashSet<&'a str>,
}

impl<'a> ScanCoverage<'a> {
    /// `disabled`: checks switched off for the session (their findings were not looked for).
    pub fn new(
        snapshot: &'a Snapshot,
        scan: &'a ScanResult,
        disabled: &'a BTreeSet<String>,
    ) -> ScanCoverage<'a> {
        ScanCoverage {
            snapshot,
            scan,
            disabled,
            hosts: snapshot
                .docker
                .hosts
                .iter()
                .map(|h| h.name.as_str())
                .collect(),
            namespaces: snapshot
                .kube
                .namespaces
                .iter()
                .map(|n| n.meta.name.as_str())
                .collect(),
        }
    }

    /// True when the scan would have found this record's finding had it still been there.
    pub fn covers(&self, record: &TriageRecord) -> bool {
        if self.disabled.contains(&record.check_id) {
            return false;
        }
        // A check that did not run, or ran on partial data, proves nothing by silence.
        let ran_fully = self
            .scan
            .result(&record.check_id)
            .is_some_and(|r| r.outcome == Outcome::Evaluated);
        if !ran_fully {
            return false;
        }
        let Some(check) = checks::find(&record.check_id) else {
            return false;
        };
        let r = &record.resource;
        match r.platform {
            Platform::Docker => match &r.host {
                // Another host's containers are not in this scan.
                Some(host) => self.hosts.contains(host.as_str()),
                None => !self.hosts.is_empty(),
            },
            Platform::Kubernetes => match &r.namespace {
                Some(ns) => check
                    .needs
                    .iter()
                    .filter(|k| !k.is_docker())
                    .all(|kind| self.namespace_read(*kind, ns)),
                None => true,
            },
        }
    }

    /// Whether data of `kind` was read for namespace `ns`: no gap names the namespace (or
    /// the whole cluster), and the reads were not limited to other namespaces (`-n other`).
    fn namespace_read(&self, kind: crate::model::DataKind, ns: &str) -> bool {
        let mut collected = Vec::new();
        for e in self
            .snapshot
            .coverage
            .entries
            .iter()
            .filter(|e| e.kind == kind)
        {
            match e.status {
                CoverageStatus::Missing if e.scope == ns || e.scope == "cluster" => return false,
                CoverageStatus::Missing => {}
                CoverageStatus::Collected => collected.push(e.scope.as_str()),
            }
        }
        // Scopes are a namespace name for a namespace-restricted read, else "cluster" or a
        // file path. Reads that were all namespace-restricted must include this namespace.
        let only_namespaces =
            !collected.is_empty() && collected.iter().all(|s| self.namespaces.contains(s));
        !only_namespaces || collected.contains(&ns)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::{CheckResult, Severity};
    use crate::findings::{fingerprint, Finding, ResourceRef};
    use crate::model::{DataKind, DockerHost, Namespace};

    fn record(check: &str, resource: ResourceRef) -> TriageRecord {
        TriageRecord::new(&Finding {
            check_id: check.into(),
            severity: Severity::High,
            title: "t".into(),
            fingerprint: fingerprint(check, &resource, ""),
            resource,
            message: "m".into(),
            evidence: Vec::new(),
            discriminator: String::new(),
        })
    }

    fn scan(check: &str, outcome: Outcome) -> ScanResult {
        ScanResult {
            findings: Vec::new(),
            results: vec![CheckResult {
                check_id: check.into(),
                outcome,
                findings: 0,
            }],
        }
    }

    /// A kube check that needs workloads (the first KW check of the catalog).
    fn kube_check() -> &'static str {
        checks::catalog()
            .iter()
            .find(|c| c.needs.contains(&DataKind::KubeWorkloads))
            .map(|c| c.id)
            .unwrap_or("KW-001")
    }

    fn docker_check() -> &'static str {
        checks::catalog()
            .iter()
            .find(|c| c.needs.contains(&DataKind::DockerContainers))
            .map(|c| c.id)
            .unwrap_or("DC-001")
    }

    fn kube_snapshot(collected_scope: &str, namespaces: &[&str]) -> Snapshot {
        let mut s = Snapshot::new();
        for kind in [
            DataKind::KubeWorkloads,
            DataKind::KubeNamespaces,
            DataKind::KubeNetworkPolicies,
            DataKind::KubeServices,
            DataKind::KubeRbac,
            DataKind::KubeServiceAccounts,
            DataKind::KubeNodes,
            DataKind::KubeIngresses,
            DataKind::KubeConfigMaps,
            DataKind::KubeSecrets,
        ] {
            s.coverage.collected(kind, collected_scope);
        }
        for ns in namespaces {
            let mut n = Namespace::default();
            n.meta.name = ns.to_string().into();
            s.kube.namespaces.push(n);
        }
        s
    }

    #[test]
    fn a_cluster_wide_read_covers_every_namespace() {
        let id = kube_check();
        let snap = kube_snapshot("cluster", &["prod"]);
        let scan = scan(id, Outcome::Evaluated);
        let none = BTreeSet::new();
        let cov = ScanCoverage::new(&snap, &scan, &none);
        let r = record(id, ResourceRef::kube("Deployment", Some("gone"), "api"));
        assert!(cov.covers(&r), "a deleted namespace's findings are fixed");
    }

    #[test]
    fn a_namespace_restricted_read_covers_only_that_namespace() {
        let id = kube_check();
        let snap = kube_snapshot("prod", &["prod"]);
        let scan = scan(id, Outcome::Evaluated);
        let none = BTreeSet::new();
        let cov = ScanCoverage::new(&snap, &scan, &none);
        assert!(cov.covers(&record(
            id,
            ResourceRef::kube("Deployment", Some("prod"), "api")
        )));
        assert!(!cov.covers(&record(
            id,
            ResourceRef::kube("Deployment", Some("staging"), "api")
        )));
    }

    #[test]
    fn a_gap_for_the_namespace_or_the_cluster_is_not_coverage() {
        let id = kube_check();
        let mut snap = kube_snapshot("cluster", &["prod", "dev"]);
        snap.coverage
            .missing(DataKind::KubeWorkloads, "prod", "403 Forbidden");
        let scan = scan(id, Outcome::Evaluated);
        let none = BTreeSet::new();
        let cov = ScanCoverage::new(&snap, &scan, &none);
        assert!(!cov.covers(&record(
            id,
            ResourceRef::kube("Deployment", Some("prod"), "api")
        )));
        assert!(cov.covers(&record(
            id,
            ResourceRef::kube("Deployment", Some("dev"), "api")
        )));
    }

    #[test]
    fn partial_not_evaluated_and_disabled_checks_cover_nothing() {
        let id = kube_check();
        let snap = kube_snapshot("cluster", &[]);
        let r = record(id, ResourceRef::kube("Deployment", Some("prod"), "api"));
        let none = BTreeSet::new();
        for outcome in [
            Outcome::Partial(vec!["x".into()]),
            Outcome::NotEvaluated(vec!["x".into()]),
            Outcome::Disabled,
        ] {
            let scan = scan(id, outcome.clone());
            assert!(
                !ScanCoverage::new(&snap, &scan, &none).covers(&r),
                "{outcome:?}"
            );
        }
        let scan = scan(id, Outcome::Evaluated);
        let disabled: BTreeSet<String> = [id.to_string()].into();
        assert!(!ScanCoverage::new(&snap, &scan, &disabled).covers(&r));
        let other = ScanResult::default();
        assert!(!ScanCoverage::new(&snap, &other, &none).covers(&r));
    }

    #[test]
    fn docker_records_need_their_host_in_the_scan() {
        let id = docker_check();
        let mut snap = Snapshot::new();
        snap.docker.hosts.push(DockerHost {
            name: "web-01".into(),
            ..DockerHost::default()
        });
        snap.coverage
            .collected(DataKind::DockerContainers, "web-01");
        let scan = scan(id, Outcome::Evaluated);
        let none = BTreeSet::new();
        let cov = ScanCoverage::new(&snap, &scan, &none);
        assert!(cov.covers(&record(
            id,
            ResourceRef::docker("Container", "api", "web-01")
        )));
        assert!(!cov.covers(&record(
            id,
            ResourceRef::docker("Container", "api", "db-01")
        )));
    }
}
