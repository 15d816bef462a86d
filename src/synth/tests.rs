//! Tests of the generator: determinism, exact sizes, object shapes, referential
//! integrity, and that Docket's own pipeline (normalizer, file loader, checks) reads the
//! output as a realistic cluster with a realistic share of problems.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::*;
use crate::checks::{self, Selection, Severity};
use crate::model::{DataKind, Snapshot, WorkloadKind};
use crate::sources::kube_json;

fn objects(pods: usize) -> Vec<Value> {
    generate_vec(&ClusterSpec::with_pods(pods))
}

fn kind(v: &Value) -> &str {
    v["kind"].as_str().unwrap_or_default()
}

fn name(v: &Value) -> &str {
    v["metadata"]["name"].as_str().unwrap_or_default()
}

fn ns(v: &Value) -> &str {
    v["metadata"]["namespace"].as_str().unwrap_or_default()
}

/// Objects by (kind, namespace, name).
fn index(objs: &[Value]) -> BTreeMap<(&str, &str, &str), &Value> {
    objs.iter()
        .map(|v| ((kind(v), ns(v), name(v)), v))
        .collect()
}

/// Normalize every object as a live source would, marking every kind collected.
fn load(objs: &[Value]) -> (Snapshot, Vec<String>) {
    let mut snap = Snapshot::new();
    let mut warnings = Vec::new();
    for v in objs {
        let data = kube_json::add_object(v, &mut snap, &mut warnings);
        assert!(data.is_some(), "{} {}/{} not read", kind(v), ns(v), name(v));
        if let Some(d) = data {
            snap.coverage.collected(d, "cluster");
        }
    }
    (snap, warnings)
}

#[test]
fn same_spec_gives_identical_output_and_seeds_differ() {
    let spec = ClusterSpec { pods: 400, seed: 9 };
    let a = serde_json::to_string(&generate_vec(&spec)).unwrap();
    let b = serde_json::to_string(&generate_vec(&spec)).unwrap();
    assert!(a == b, "two runs of the same spec differ");
    let c = serde_json::to_string(&generate_vec(&ClusterSpec {
        pods: 400,
        seed: 10,
    }))
    .unwrap();
    assert!(a != c, "a different seed gave the same cluster");
}

#[test]
fn pod_count_is_exact() {
    for pods in [0, 1, 7, 100, 5_000] {
        let mut n = 0;
        generate(&ClusterSpec::with_pods(pods), &mut |v| {
            if kind(&v) == "Pod" {
                n += 1;
            }
        });
        assert_eq!(n, pods, "pods for a spec of {pods}");
    }
}

#[test]
fn sizes_follow_the_pod_count() {
    let objs = objects(3_000);
    let count = |k: &str| objs.iter().filter(|v| kind(v) == k).count();
    assert_eq!(count("Node"), 100);
    assert_eq!(count("Namespace"), 6 + 60);
    let ds_pods = objs
        .iter()
        .filter(|v| kind(v) == "Pod" && v["metadata"]["ownerReferences"][0]["kind"] == "DaemonSet")
        .count();
    assert!((200..=300).contains(&ds_pods), "{ds_pods} DaemonSet pods");
    assert_eq!(count("ReplicaSet"), 2 * count("Deployment"));
}

#[test]
fn every_kind_is_produced_with_its_api_version() {
    let objs = objects(2_000);
    let expected = [
        ("Namespace", "v1"),
        ("Node", "v1"),
        ("Pod", "v1"),
        ("Deployment", "apps/v1"),
        ("ReplicaSet", "apps/v1"),
        ("StatefulSet", "apps/v1"),
        ("DaemonSet", "apps/v1"),
        ("Job", "batch/v1"),
        ("CronJob", "batch/v1"),
        ("Service", "v1"),
        ("Ingress", "networking.k8s.io/v1"),
        ("NetworkPolicy", "networking.k8s.io/v1"),
        ("ServiceAccount", "v1"),
        ("Role", "rbac.authorization.k8s.io/v1"),
        ("ClusterRole", "rbac.authorization.k8s.io/v1"),
        ("RoleBinding", "rbac.authorization.k8s.io/v1"),
        ("ClusterRoleBinding", "rbac.authorization.k8s.io/v1"),
        ("ConfigMap", "v1"),
        ("Secret", "v1"),
    ];
    for (k, api) in expected {
        let of_kind: Vec<&Value> = objs.iter().filter(|v| kind(v) == k).collect();
        assert!(!of_kind.is_empty(), "no {k}");
        assert!(
            of_kind.iter().all(|v| v["apiVersion"] == api),
            "{k} apiVersion"
        );
    }
    let kinds: BTreeSet<&str> = objs.iter().map(kind).collect();
    assert_eq!(kinds.len(), expected.len(), "{kinds:?}");
    let types: BTreeSet<&str> = objs
        .iter()
        .filter(|v| kind(v) == "Service")
        .map(|v| {
            if v["spec"]["clusterIP"] == "None" {
                "headless"
            } else {
                v["spec"]["type"].as_str().unwrap_or_default()
            }
        })
        .collect();
    for t in [
        "ClusterIP",
        "NodePort",
        "LoadBalancer",
        "ExternalName",
        "headless",
    ] {
        assert!(types.contains(t), "no {t} Service: {types:?}");
    }
}

#[test]
fn objects_carry_api_server_metadata() {
    let objs = objects(600);
    let now = meta::rfc3339(meta::NOW);
    let mut uids = BTreeSet::new();
    let mut keys = BTreeSet::new();
    for v in &objs {
        let m = &v["metadata"];
        let what = format!("{} {}/{}", kind(v), ns(v), name(v));
        assert!(keys.insert((kind(v), ns(v), name(v))), "duplicate {what}");
        let uid = m["uid"].as_str().unwrap_or_default();
        assert_eq!(uid.len(), 36, "{what}");
        assert!(uids.insert(uid.to_string()), "duplicate uid on {what}");
        assert!(
            m["resourceVersion"]
                .as_str()
                .is_some_and(|r| r.parse::<u64>().is_ok()),
            "{what}"
        );
        let created = m["creationTimestamp"].as_str().unwrap_or_default();
        assert!(
            created.starts_with("2025-") && created.ends_with('Z') && created.len() == 20,
            "{what}: {created}"
        );
        assert!(
            created <= now.as_str(),
            "{what} created after the snapshot: {created}"
        );
        let managed = m["managedFields"].as_array().map_or(0, Vec::len);
        assert!(
            (1..=2).contains(&managed),
            "{what}: {managed} managedFields entries"
        );
        assert_eq!(m["managedFields"][0]["fieldsType"], "FieldsV1", "{what}");
        let namespaced = kube_json::kind_entry(kind(v)).is_some_and(|e| e.namespaced);
        assert_eq!(m["namespace"].is_string(), namespaced, "{what}");
    }
    let pods: Vec<&Value> = objs.iter().filter(|v| kind(v) == "Pod").collect();
    for p in &pods {
        let what = format!("Pod {}/{}", ns(p), name(p));
        let s = &p["status"];
        if s["phase"] != "Pending" {
            assert!(
                p["spec"]["nodeName"]
                    .as_str()
                    .is_some_and(|n| n.starts_with("ip-10-")),
                "{what}"
            );
            assert!(s["podIP"].is_string() && s["hostIP"].is_string(), "{what}");
            let cs = s["containerStatuses"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default();
            let containers = p["spec"]["containers"].as_array().map_or(0, Vec::len);
            assert!(
                (1..=3).contains(&containers),
                "{what}: {containers} containers"
            );
            assert_eq!(cs.len(), containers, "{what}");
            assert!(
                cs.iter().all(|c| c["imageID"]
                    .as_str()
                    .is_some_and(|i| i.contains("@sha256:"))),
                "{what}"
            );
        }
        assert!(
            p["metadata"]["labels"]["app.kubernetes.io/name"].is_string()
                || p["metadata"]["labels"]["run"].is_string()
                || p["metadata"]["labels"]["k8s-app"].is_string(),
            "{what}"
        );
    }
    let running = pods
        .iter()
        .filter(|p| p["status"]["phase"] == "Running")
        .count();
    assert!(
        running * 10 > pods.len() * 8,
        "{running} of {} pods running",
        pods.len()
    );
}

#[test]
fn every_object_normalizes_without_warnings() {
    let objs = objects(2_000);
    let (snap, warnings) = load(&objs);
    assert!(warnings.is_empty(), "{warnings:?}");
    let pods = snap
        .kube
        .workloads
        .iter()
        .filter(|w| w.kind == WorkloadKind::Pod)
        .count();
    assert_eq!(pods, 2_000);
    assert_eq!(snap.kube.nodes.len(), 66);
    assert!(snap
        .kube
        .nodes
        .iter()
        .all(|n| !n.kubelet_version.is_empty() && !n.internal_ips.is_empty()));
    let counts = snap.counts();
    let empty: Vec<&str> = counts
        .iter()
        .filter(|(what, n)| {
            *n == 0 && !what.contains("docker") && !matches!(*what, "images" | "containers")
        })
        .map(|(what, _)| *what)
        .collect();
    assert!(empty.is_empty(), "nothing in {empty:?}");
}

#[test]
fn controller_chains_resolve() {
    let objs = objects(1_500);
    let by_key = index(&objs);
    let owner = |v: &Value| -> Option<(String, String, String)> {
        let o = &v["metadata"]["ownerReferences"][0];
        assert_eq!(o["controller"], true, "{} {}", kind(v), name(v));
        Some((
            o["kind"].as_str()?.to_string(),
            o["name"].as_str()?.to_string(),
            o["uid"].as_str()?.to_string(),
        ))
    };
    let resolve = |v: &Value| -> &Value {
        let Some((k, n, uid)) = owner(v) else {
            panic!("{} {} has no owner", kind(v), name(v))
        };
        let Some(o) = by_key.get(&(k.as_str(), ns(v), n.as_str())) else {
            panic!("{} {}/{}: owner {k} {n} missing", kind(v), ns(v), name(v))
        };
        assert_eq!(
            o["metadata"]["uid"],
            uid.as_str(),
            "owner uid of {}",
            name(v)
        );
        o
    };
    let mut chains = BTreeMap::<&str, usize>::new();
    for p in objs
        .iter()
        .filter(|v| kind(v) == "Pod" && v["metadata"]["ownerReferences"].is_array())
    {
        let o = resolve(p);
        *chains.entry(kind(o)).or_default() += 1;
        match kind(o) {
            "ReplicaSet" => {
                let hash = p["metadata"]["labels"]["pod-template-hash"]
                    .as_str()
                    .unwrap_or_default();
                assert!(!hash.is_empty() && name(o).ends_with(hash), "{}", name(p));
                assert!(name(p).starts_with(name(o)), "{}", name(p));
                assert_eq!(kind(resolve(o)), "Deployment");
            }
            "Job" => {
                if o["metadata"]["ownerReferences"].is_array() {
                    assert_eq!(kind(resolve(o)), "CronJob");
                }
            }
            "StatefulSet" | "DaemonSet" => {}
            other => panic!("unexpected pod owner {other}"),
        }
    }
    for k in ["ReplicaSet", "StatefulSet", "DaemonSet", "Job"] {
        assert!(
            chains.get(k).is_some_and(|n| *n > 0),
            "no pods owned by a {k}: {chains:?}"
        );
    }
    let (snap, _) = load(&objs);
    let via_cron = snap
        .kube
        .workloads
        .iter()
        .filter(|w| {
            w.kind == WorkloadKind::Pod && w.controller_identity().0 == WorkloadKind::CronJob
        })
        .count();
    assert!(via_cron > 0, "no pod attributed to a CronJob");
    let units = snap.kube.units();
    assert!(
        units.iter().all(|u| u.kind != WorkloadKind::ReplicaSet),
        "a ReplicaSet unit: chain broken"
    );
}

#[test]
fn references_resolve() {
    let objs = objects(1_500);
    let by_key = index(&objs);
    let mut missing_refs = 0;
    for p in objs.iter().filter(|v| kind(v) == "Pod") {
        let n = ns(p);
        let sa = p["spec"]["serviceAccountName"].as_str().unwrap_or_default();
        assert!(
            by_key.contains_key(&("ServiceAccount", n, sa)),
            "{}/{}: account {sa}",
            n,
            name(p)
        );
        let containers = p["spec"]["containers"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default();
        for c in containers {
            let env = c["env"].as_array().map(Vec::as_slice).unwrap_or_default();
            for e in env {
                for (field, k) in [("secretKeyRef", "Secret"), ("configMapKeyRef", "ConfigMap")] {
                    if let Some(r) = e["valueFrom"][field]["name"].as_str() {
                        if !by_key.contains_key(&(k, n, r)) {
                            missing_refs += 1;
                            assert!(
                                r.ends_with("-legacy-credentials"),
                                "{}/{}: {k} {r}",
                                n,
                                name(p)
                            );
                        }
                    }
                }
            }
        }
        if let Some(node) = p["spec"]["nodeName"].as_str() {
            assert!(by_key.contains_key(&("Node", "", node)), "node {node}");
        }
    }
    assert!(missing_refs > 0, "no planted reference to a missing Secret");
    for v in objs.iter().filter(|v| kind(v) == "Ingress") {
        let svc = v["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["name"]
            .as_str()
            .unwrap_or_default();
        assert!(
            by_key.contains_key(&("Service", ns(v), svc)),
            "ingress {}",
            name(v)
        );
        if let Some(secret) = v["spec"]["tls"][0]["secretName"].as_str() {
            assert!(
                by_key.contains_key(&("Secret", ns(v), secret)),
                "ingress {}",
                name(v)
            );
        }
    }
}

#[test]
fn every_service_selector_matches_a_pod() {
    let objs = objects(2_000);
    let (snap, _) = load(&objs);
    let mut pods_by_ns: BTreeMap<&str, Vec<&crate::model::Labels>> = BTreeMap::new();
    for w in snap
        .kube
        .workloads
        .iter()
        .filter(|w| w.kind == WorkloadKind::Pod)
    {
        pods_by_ns
            .entry(w.meta.namespace_str())
            .or_default()
            .push(&w.pod.labels);
    }
    let mut checked = 0;
    for s in snap.kube.services.iter().filter(|s| !s.selector.is_empty()) {
        let pods = pods_by_ns
            .get(s.meta.namespace_str())
            .map(Vec::as_slice)
            .unwrap_or_default();
        let hit = pods
            .iter()
            .any(|labels| s.selector.iter().all(|(k, v)| labels.get(k) == Some(v)));
        assert!(hit, "Service {} selects no pod", s.meta.key());
        checked += 1;
    }
    assert!(checked > 50, "only {checked} services with selectors");
}

#[test]
fn checks_find_a_realistic_share_of_problems() {
    let objs = objects(5_000);
    let (snap, warnings) = load(&objs);
    assert!(warnings.is_empty());
    let scan = checks::run(&snap, &Selection::default());
    let fired: BTreeSet<&str> = scan.findings.iter().map(|f| f.check_id.as_str()).collect();
    for id in [
        "KW-001", // privileged container
        "KW-006", // host network
        "KW-007", // host PID
        "KW-010", // container runtime socket
        "KW-013", // dangerous capability
        "KW-023", // CPU limits missing
        "KW-025", // liveness probe missing
        "KW-034", // namespace without PSA enforcement
        "KR-001", // cluster-admin bound to a service account
        "KR-002", // wildcard
        "KR-003", // reads secrets
        "KR-007", // system:authenticated
        "KR-008", // workload can take over the cluster
        "KN-001", // pods selected by no policy
        "KN-002", // no default deny
        "KN-004", // exposed service
        "KN-006", // ingress without TLS
        "SC-001", // literal secret in env
        "SC-005", // secret in a ConfigMap
        "SC-007", // missing Secret or ConfigMap
    ] {
        assert!(fired.contains(id), "{id} did not fire; fired: {fired:?}");
    }
    for r in &scan.results {
        let kube =
            checks::find(&r.check_id).is_some_and(|c| c.needs.iter().all(|k| !k.is_docker()));
        assert!(
            !kube || r.outcome.ran(),
            "{} did not run: {:?}",
            r.check_id,
            r.outcome
        );
    }
    // Pods whose workload has a critical finding: a small minority.
    let critical: BTreeSet<(&str, &str, &str)> = scan
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Critical)
        .map(|f| {
            (
                f.resource.kind.as_str(),
                f.resource.namespace.as_deref().unwrap_or_default(),
                f.resource.name.as_str(),
            )
        })
        .collect();
    let pods: Vec<_> = snap
        .kube
        .workloads
        .iter()
        .filter(|w| w.kind == WorkloadKind::Pod)
        .collect();
    let bad = pods
        .iter()
        .filter(|w| {
            let (k, n) = w.controller_identity();
            critical.contains(&(k.as_str(), w.meta.namespace_str(), n))
        })
        .count();
    let share = bad as f64 / pods.len() as f64;
    assert!(
        share > 0.01 && share < 0.15,
        "{bad} of {} pods critical",
        pods.len()
    );
}

#[test]
fn planted_secrets_are_redacted_by_the_normalizer() {
    let objs = objects(3_000);
    let (snap, _) = load(&objs);
    let hits: Vec<&str> = snap
        .kube
        .workloads
        .iter()
        .flat_map(|w| w.pod.containers.iter())
        .flat_map(|c| c.secrets.iter().map(|h| h.rule.as_str()))
        .collect();
    for rule in ["aws-access-key-id", "secret-name", "url-credentials"] {
        assert!(hits.contains(&rule), "no {rule} hit: {hits:?}");
    }
    let planted: Vec<&str> = objs
        .iter()
        .filter(|v| kind(v) == "Pod")
        .flat_map(|p| p["spec"]["containers"].as_array().into_iter().flatten())
        .flat_map(|c| c["env"].as_array().into_iter().flatten())
        .filter(|e| e["name"] == "AWS_ACCESS_KEY_ID")
        .filter_map(|e| e["value"].as_str())
        .collect();
    assert!(!planted.is_empty());
    let text = serde_json::to_string(&snap).unwrap();
    assert!(
        planted.iter().all(|k| !text.contains(k)),
        "a planted key survived normalization"
    );
}

#[test]
fn kubectl_list_loads_like_objects_one_by_one() {
    let objs = objects(500);
    let (one_by_one, _) = load(&objs);
    let list = kubectl_list(objs);
    assert_eq!(list["kind"], "List");
    assert_eq!(list["metadata"]["resourceVersion"], "");
    let bytes = serde_json::to_vec(&list).unwrap();
    let loaded = crate::sources::load_bytes("synth.json", &bytes).map_err(|e| e.to_string());
    let Ok(loaded) = loaded else {
        panic!("{loaded:?}")
    };
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let s = &loaded.snapshot;
    assert_eq!(s.kube.workloads.len(), one_by_one.kube.workloads.len());
    assert_eq!(s.counts(), one_by_one.counts());
    assert_eq!(
        s.coverage.availability(DataKind::KubeRbac),
        crate::model::Availability::Complete
    );
}

/// A snapshot leaves default fields out and is read back in one typed pass when it
/// starts with `schema_version` (as Docket writes it), through the general path when its
/// keys come in another order: both give back exactly the snapshot that was saved.
#[test]
fn snapshots_round_trip_through_both_load_paths() {
    let (snap, _) = load(&objects(500));
    assert!(snap.kube.workloads.len() > 500);
    let written = serde_json::to_vec(&snap).unwrap();
    assert!(written.starts_with(b"{\"schema_version\":"));
    assert!(!String::from_utf8_lossy(&written).contains(":null"));
    let reordered = serde_json::to_vec(&serde_json::to_value(&snap).unwrap()).unwrap();
    assert!(!reordered.starts_with(b"{\"schema_version\""));
    for bytes in [written, reordered] {
        let loaded = crate::sources::load_bytes("snap.json", &bytes).map_err(|e| e.to_string());
        let Ok(loaded) = loaded else {
            panic!("{loaded:?}")
        };
        assert_eq!(loaded.snapshot, snap);
    }
}

#[test]
fn bench_sizes_read_a_list_of_pod_counts_else_the_three_defaults() {
    assert_eq!(bench_sizes(Some("1000, 10_000,x")), [1_000, 10_000]);
    assert_eq!(bench_sizes(Some("")), [1_000, 10_000, 150_000]);
    assert_eq!(bench_sizes(Some("many")), [1_000, 10_000, 150_000]);
    assert_eq!(bench_sizes(None), [1_000, 10_000, 150_000]);
}
