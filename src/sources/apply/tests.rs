//! The pure parts of the apply path: which plans become which changes, how they are named,
//! the dry-run gate, and re-running a check on re-read objects.

use serde_json::json;

use super::recheck::recheck;
use super::*;
use crate::checks::{self, Selection};
use crate::model::DataKind;
use crate::sources::kube_json;

fn demo() -> (Snapshot, Vec<Finding>) {
    let loaded = crate::sources::demo::load().unwrap();
    let scan = checks::run(&loaded.snapshot, &Selection::default());
    (loaded.snapshot, scan.findings)
}

fn change_of(check: &str, name: &str, disc: Option<&str>) -> Option<Change> {
    let (snap, findings) = demo();
    let f = findings
        .iter()
        .find(|f| {
            f.check_id == check
                && f.resource.name == name
                && disc.is_none_or(|d| f.discriminator == d)
        })
        .unwrap();
    change_for(&crate::remediate::plan(f, &snap))
}

#[test]
fn docker_plans_give_their_containment_and_never_a_recreation() {
    let stop = change_of("DC-010", "jenkins", None).unwrap();
    assert_eq!(
        stop,
        Change::Contain {
            host: "legacy-01".into(),
            container: "jenkins".into(),
            action: ContainmentAction::Stop
        }
    );
    assert_eq!(stop.describe(), "stop container jenkins on host legacy-01");
    assert_eq!(stop.object(), "jenkins");
    let pause = change_of("DC-018", "jenkins", None).unwrap();
    assert_eq!(
        pause.describe(),
        "pause container jenkins on host legacy-01"
    );
    // netdata is not running: its plan has no containment, and a re-creation is never applied.
    assert_eq!(change_of("DC-001", "netdata", None), None);
}

#[test]
fn kube_plans_give_the_patch_or_manifest_unless_a_placeholder_is_left() {
    let patch = change_of("KW-001", "aws-node", None).unwrap();
    let Change::KubePatch {
        api_version,
        kind,
        namespace,
        name,
        patch_yaml,
    } = &patch
    else {
        panic!("{patch:?}")
    };
    assert_eq!(
        (
            api_version.as_str(),
            kind.as_str(),
            namespace.as_deref(),
            name.as_str()
        ),
        ("apps/v1", "DaemonSet", Some("kube-system"), "aws-node")
    );
    assert_eq!(patch.describe(), "patch DaemonSet kube-system/aws-node");
    assert_eq!(
        yaml_to_json(patch_yaml).unwrap(),
        json!({"spec": {"template": {"spec": {"initContainers": [
            {"name": "aws-vpc-cni-init", "securityContext": {"privileged": false}}
        ]}}}})
    );
    let create = change_of("KN-002", "ci", Some("egress")).unwrap();
    assert!(matches!(create, Change::KubeCreate { .. }));
    assert_eq!(create.object(), "NetworkPolicy ci/default-deny-egress");
    assert_eq!(
        create.describe(),
        "create NetworkPolicy ci/default-deny-egress"
    );
    // KR-002's patch lists `<apiGroups>` placeholders; KR-001 is manual steps.
    assert_eq!(change_of("KR-002", "dba-full-access", None), None);
    assert_eq!(change_of("KR-001", "ci-runner-cluster-admin", None), None);
}

#[test]
fn apply_refuses_without_a_dry_run_of_that_exact_change() {
    let applier = Applier {
        docker: None,
        kube: None,
        dry_run_ok: Mutex::new(Vec::new()),
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let pause = Change::Contain {
        host: String::new(),
        container: "web".into(),
        action: ContainmentAction::Pause,
    };
    let err = rt.block_on(applier.apply(&pause)).unwrap_err();
    assert_eq!(err.kind, ApplyErrorKind::NoDryRun);
    assert_eq!(err.object, "web");
    // A failed dry run (here: no Docker connection) records nothing.
    let err = rt.block_on(applier.dry_run(&pause)).unwrap_err();
    assert_eq!(err.kind, ApplyErrorKind::NotConnected);
    assert!(err.next.contains("--docker"), "{err}");
    assert_eq!(
        rt.block_on(applier.apply(&pause)).unwrap_err().kind,
        ApplyErrorKind::NoDryRun
    );
    // A passed dry run allows that change once, and not a different one.
    applier.passed().push(pause.clone());
    let stop = Change::Contain {
        host: String::new(),
        container: "web".into(),
        action: ContainmentAction::Stop,
    };
    assert_eq!(
        rt.block_on(applier.apply(&stop)).unwrap_err().kind,
        ApplyErrorKind::NoDryRun
    );
    assert_eq!(
        rt.block_on(applier.apply(&pause)).unwrap_err().kind,
        ApplyErrorKind::NotConnected
    );
    assert_eq!(
        rt.block_on(applier.apply(&pause)).unwrap_err().kind,
        ApplyErrorKind::NoDryRun
    );
}

fn daemonset(privileged: bool, rv: &str) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "DaemonSet",
        "metadata": {"name": "agent", "namespace": "ops", "resourceVersion": rv},
        "spec": {"template": {"metadata": {"labels": {"app": "agent"}},
            "spec": {"containers": [{"name": "agent", "image": "agent:1",
                "securityContext": {"privileged": privileged}}]}}}})
}

fn snapshot_of(objects: &[Value]) -> Snapshot {
    let mut snap = Snapshot::new();
    let mut warnings = Vec::new();
    for o in objects {
        let data = kube_json::add_object(o, &mut snap, &mut warnings).unwrap();
        snap.coverage.collected(data, "cluster");
    }
    snap
}

fn finding(check: &str, snap: &Snapshot) -> Finding {
    checks::find(check).unwrap().evaluate(snap).remove(0)
}

#[test]
fn recheck_resolves_only_when_the_reread_object_no_longer_has_the_finding() {
    let before = snapshot_of(&[daemonset(true, "10")]);
    let f = finding("KW-001", &before);
    let fixed = [("DaemonSet".to_string(), daemonset(false, "11"))];
    let v = recheck(&fixed, &f, None, "DaemonSet ops/agent");
    assert!(v.resolved, "{}", v.detail);
    assert_eq!(
        v.detail,
        format!(
            "re-read DaemonSet ops/agent (resourceVersion 11): KW-001 no longer finds {} \
             (DaemonSet ops/agent [agent]): resolved",
            f.fingerprint
        )
    );
    let same = [("DaemonSet".to_string(), daemonset(true, "12"))];
    let v = recheck(&same, &f, None, "DaemonSet ops/agent");
    assert!(!v.resolved);
    assert!(v.detail.contains("KW-001 still finds"), "{}", v.detail);
    // In the scan's snapshot, the old version is replaced, not kept beside the new one.
    let v = recheck(&fixed, &f, Some(&before), "DaemonSet ops/agent");
    assert!(v.resolved, "{}", v.detail);
}

#[test]
fn recheck_says_when_the_object_alone_is_not_enough() {
    let ns = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}});
    let mut before = snapshot_of(std::slice::from_ref(&ns));
    before
        .coverage
        .collected(DataKind::KubeNetworkPolicies, "cluster");
    let f = checks::find("KN-002")
        .unwrap()
        .evaluate(&before)
        .into_iter()
        .find(|f| f.discriminator == "ingress")
        .unwrap();
    let only_ns = [("Namespace".to_string(), ns.clone())];
    let v = recheck(&only_ns, &f, None, "Namespace shop");
    assert!(!v.resolved);
    assert!(
        v.detail.contains("KN-002 needs more than that object")
            && v.detail.contains("Kubernetes network policies"),
        "{}",
        v.detail
    );
    let policy = json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
        "metadata": {"name": "default-deny-ingress", "namespace": "shop"},
        "spec": {"podSelector": {}, "policyTypes": ["Ingress"]}});
    let both = [
        ("NetworkPolicy".to_string(), policy),
        ("Namespace".to_string(), ns),
    ];
    let v = recheck(&both, &f, None, "NetworkPolicy shop/default-deny-ingress");
    assert!(v.resolved, "{}", v.detail);
}
