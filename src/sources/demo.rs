//! The embedded demo inventory: "Lumen Health", a small telehealth company with a legacy
//! Docker host (`legacy-01`, a compose stack) and an EKS cluster (`lumen-prod`).
//!
//! The demo is stored in the same raw formats operators export (`docker inspect`,
//! `docker info --format '{{json .}}'`, Engine API image history, `kubectl get -o yaml`
//! manifests) under `assets/demo/`, and goes through the real file parsers
//! ([`super::load_bytes`]), so the demo exercises the same code as `--from PATH`.
//! It holds planted problems for every check family, hardened examples that should pass
//! (`lumen-reminders-1` on Docker, `payments/payment-gateway` on Kubernetes), and canary
//! secrets (listed in `tests/fixtures/canaries.txt`) that must never reach any output.
//!
//! The data is regenerated with `assets/demo/generate_docker.py` and
//! `assets/demo/generate_kube.py`; the JSON/YAML files are what is embedded.

use super::{load_bytes, Loaded, SourceError};
use crate::model::{Coverage, CoverageStatus, DataKind, Image, Snapshot, SourceInfo, SourceKind};

/// The Docker engine name in `assets/demo/docker/info.json`.
pub const DEMO_DOCKER_HOST: &str = "legacy-01";
/// The Kubernetes cluster name of the demo.
pub const DEMO_CLUSTER: &str = "lumen-prod";
/// The fixed time the demo snapshot claims to have been taken (keeps age-based checks,
/// reports and fingerprints reproducible).
pub const DEMO_CREATED_AT: &str = "2026-11-01T09:00:00Z";
/// `SourceInfo::location` of the demo.
pub const DEMO_LOCATION: &str = "embedded demo: Lumen Health";

macro_rules! demo_file {
    ($path:literal) => {
        (
            $path,
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/demo/", $path)),
        )
    };
}

/// Every embedded file, in load order: images before their histories.
pub const FILES: &[(&str, &str)] = &[
    demo_file!("docker/info.json"),
    demo_file!("docker/images.json"),
    demo_file!("docker/containers.json"),
    demo_file!("docker/networks.json"),
    demo_file!("docker/volumes.json"),
    demo_file!("docker/history/api.json"),
    demo_file!("docker/history/nginx.json"),
    demo_file!("docker/history/pgbackup.json"),
    demo_file!("docker/history/reminders.json"),
    demo_file!("docker/history/sftp.json"),
    demo_file!("docker/history/worker.json"),
    demo_file!("kube/namespaces.yaml"),
    demo_file!("kube/nodes.yaml"),
    demo_file!("kube/rbac.yaml"),
    demo_file!("kube/default.yaml"),
    demo_file!("kube/kube-system.yaml"),
    demo_file!("kube/ingress.yaml"),
    demo_file!("kube/web.yaml"),
    demo_file!("kube/patients.yaml"),
    demo_file!("kube/payments.yaml"),
    demo_file!("kube/data.yaml"),
    demo_file!("kube/monitoring.yaml"),
    demo_file!("kube/ci.yaml"),
];

/// Load the demo inventory into one snapshot.
pub fn load() -> Result<Loaded, SourceError> {
    let mut snapshot = Snapshot::new();
    let mut warnings = Vec::new();
    for (name, text) in FILES {
        let origin = format!("assets/demo/{name}");
        let loaded = load_bytes(&origin, text.as_bytes()).map_err(|mut e| {
            e.hint = format!(
                "the embedded demo is broken (a bug in this build of Docket): {}",
                e.hint
            );
            e
        })?;
        warnings.extend(loaded.warnings);
        merge_file(&mut snapshot, loaded.snapshot);
    }
    fill_docker_host(&mut snapshot);
    snapshot.coverage = demo_coverage(&snapshot.coverage);
    snapshot.created_at = DEMO_CREATED_AT.to_string();
    snapshot.kube.cluster = Some(DEMO_CLUSTER.to_string().into());
    let detail = snapshot
        .counts()
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(what, n)| format!("{n} {what}"))
        .collect::<Vec<_>>()
        .join(", ");
    snapshot.sources = vec![SourceInfo {
        kind: SourceKind::Demo,
        location: DEMO_LOCATION.to_string(),
        detail,
    }];
    Ok(Loaded { snapshot, warnings })
}

/// An image known only from its history file (`GET /images/{id}/history`).
fn is_history_stub(i: &Image) -> bool {
    i.history_collected && i.created.is_empty() && i.repo_tags.is_empty()
}

/// Merge one file's snapshot, attaching image histories to the images read earlier.
fn merge_file(acc: &mut Snapshot, mut snap: Snapshot) {
    let incoming = std::mem::take(&mut snap.docker.images);
    for image in incoming {
        match acc.docker.images.iter_mut().find(|e| e.id == image.id) {
            Some(existing) if is_history_stub(&image) && !existing.history_collected => {
                existing.history = image.history;
                existing.history_collected = true;
                existing.secrets.extend(image.secrets);
            }
            _ => snap.docker.images.push(image),
        }
    }
    acc.merge(snap);
}

/// The demo's Docker files all come from one engine: give its objects that host.
fn fill_docker_host(s: &mut Snapshot) {
    let d = &mut s.docker;
    let fill = |h: &mut String| {
        if h.is_empty() {
            *h = DEMO_DOCKER_HOST.to_string();
        }
    };
    d.containers.iter_mut().for_each(|c| fill(&mut c.host));
    d.images.iter_mut().for_each(|i| fill(&mut i.host));
    d.networks.iter_mut().for_each(|n| fill(&mut n.host));
}

/// Coverage scoped to the demo's host and cluster instead of one entry per embedded file,
/// plus the one thing exported files cannot tell: how the daemon was reached.
fn demo_coverage(from_files: &Coverage) -> Coverage {
    let mut c = Coverage::default();
    for e in &from_files.entries {
        let scope = if e.kind.is_docker() {
            DEMO_DOCKER_HOST
        } else {
            DEMO_CLUSTER
        };
        match e.status {
            CoverageStatus::Collected => c.collected(e.kind, scope),
            CoverageStatus::Missing => c.missing(e.kind, scope, e.reason.clone()),
        }
    }
    c.missing(
        DataKind::DockerConnection,
        DEMO_DOCKER_HOST,
        "the demo was exported to files; how the daemon is reached (unix socket, TCP, TLS) \
         is only known to a live scan",
    );
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Availability;

    fn demo() -> Snapshot {
        match load() {
            Ok(l) => {
                assert!(
                    l.warnings.is_empty(),
                    "unexpected warnings: {:#?}",
                    l.warnings
                );
                l.snapshot
            }
            Err(e) => panic!("the demo does not load: {e}"),
        }
    }

    fn canaries() -> Vec<&'static str> {
        include_str!("../../tests/fixtures/canaries.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    }

    #[test]
    fn every_asset_file_is_embedded() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/demo");
        let mut on_disk = Vec::new();
        for sub in ["docker", "docker/history", "kube"] {
            let entries = std::fs::read_dir(format!("{dir}/{sub}")).map_err(|e| e.to_string());
            for entry in entries.into_iter().flatten().flatten() {
                let name = entry.file_name().to_string_lossy().to_string();
                if name.ends_with(".json") || name.ends_with(".yaml") {
                    on_disk.push(format!("{sub}/{name}"));
                }
            }
        }
        on_disk.sort();
        let mut embedded: Vec<String> = FILES.iter().map(|(n, _)| n.to_string()).collect();
        embedded.sort();
        assert_eq!(on_disk, embedded, "add new demo files to FILES");
    }

    #[test]
    fn loads_with_expected_counts() {
        let s = demo();
        let d = &s.docker;
        let k = &s.kube;
        assert_eq!(d.hosts.len(), 1);
        assert_eq!(d.hosts[0].name, DEMO_DOCKER_HOST);
        assert!(
            (10..=20).contains(&d.containers.len()),
            "{}",
            d.containers.len()
        );
        assert!(
            (20..=40).contains(&k.workloads.len()),
            "{}",
            k.workloads.len()
        );
        assert_eq!(k.nodes.len(), 3);
        assert_eq!(k.namespaces.len(), 9);
        assert!(d.containers.iter().all(|c| c.host == DEMO_DOCKER_HOST));
        // Every container's image is in the inventory, and histories joined their images.
        for c in &d.containers {
            assert!(d.image_of(c).is_some(), "{} has no image", c.name);
        }
        assert_eq!(d.images.iter().filter(|i| i.history_collected).count(), 6);
        assert!(
            d.images.iter().all(|i| !i.repo_tags.is_empty()),
            "history stub left over"
        );
        // Controllers, their ReplicaSets and Pods collapse into one unit per controller.
        let units = k.units();
        assert!((25..=35).contains(&units.len()), "{}", units.len());
        assert!(units
            .iter()
            .any(|u| u.name == "patient-api" && u.kind == crate::model::WorkloadKind::Deployment));
        assert!(!units
            .iter()
            .any(|u| u.name.starts_with("patient-api-7d4b9c6f5")));
        assert_eq!(s.created_at, DEMO_CREATED_AT);
        assert_eq!(k.cluster.as_deref(), Some(DEMO_CLUSTER));
        assert_eq!(s.sources.len(), 1);
        assert_eq!(s.sources[0].kind, SourceKind::Demo);
        assert!(
            s.sources[0].detail.contains("14 containers"),
            "{}",
            s.sources[0].detail
        );
    }

    #[test]
    fn every_data_kind_but_the_connection_is_collected() {
        let s = demo();
        for kind in DataKind::ALL {
            let a = s.coverage.availability(kind);
            if kind == DataKind::DockerConnection {
                assert!(matches!(a, Availability::Missing(_)), "{kind:?}: {a:?}");
            } else {
                assert_eq!(a, Availability::Complete, "{kind:?}");
            }
        }
    }

    #[test]
    fn planted_secrets_are_found_and_none_is_kept_in_clear() {
        let s = demo();
        let list = canaries();
        assert!(list.len() >= 7, "{list:?}");
        // The canaries really are in the embedded inputs (else this test proves nothing).
        let inputs: String = FILES.iter().map(|(_, t)| *t).collect();
        for c in &list {
            assert!(
                inputs.contains(c),
                "canary {c:?} is not planted in assets/demo"
            );
        }
        let json = serde_json::to_string(&s).unwrap_or_default();
        assert!(json.len() > 10_000);
        for c in &list {
            assert!(
                !json.contains(c),
                "the demo snapshot holds the canary {c:?} in clear"
            );
        }
        // ...and they were detected, not merely dropped.
        let docker_hits: usize = s.docker.containers.iter().map(|c| c.secrets.len()).sum();
        let image_hits: usize = s.docker.images.iter().map(|i| i.secrets.len()).sum();
        let pod_hits: usize = s
            .kube
            .workloads
            .iter()
            .flat_map(|w| w.pod.all_containers())
            .map(|c| c.secrets.len())
            .sum();
        let meta_hits: usize = s.kube.workloads.iter().map(|w| w.secrets.len()).sum();
        let cm_hits: usize = s.kube.config_maps.iter().map(|c| c.secrets.len()).sum();
        assert!(docker_hits >= 6, "{docker_hits}");
        assert!(image_hits >= 2, "{image_hits}");
        assert!(pod_hits >= 5, "{pod_hits}");
        assert!(meta_hits >= 1, "{meta_hits}");
        assert!(cm_hits >= 3, "{cm_hits}");
    }

    #[test]
    fn dpia_labels_are_present() {
        let s = demo();
        let classified = s
            .docker
            .containers
            .iter()
            .filter(|c| c.labels.contains_key("docket.io/data-classification"))
            .count();
        assert_eq!(classified, s.docker.containers.len());
        let special = s
            .kube
            .units()
            .iter()
            .filter(|u| {
                u.pod()
                    .labels
                    .get("docket.io/data-classification")
                    .map(crate::model::Str::as_str)
                    == Some("special-category")
            })
            .count();
        assert!(special >= 4, "{special}");
    }

    #[test]
    fn load_is_deterministic() {
        assert_eq!(demo(), demo());
    }
}
