//! Applying Kubernetes remediations through the real kube-rs client against the API
//! stand-in (tests/support/kube_standin.rs, which stands in for an API server that cannot
//! run here): a server-side dry run before every write, strategic merge patches on the
//! controller (never its pods) with fieldManager docket, verification by re-reading the
//! object, RBAC, validation and conflict errors, a default-deny NetworkPolicy created by
//! POST, and the `docket remediate apply` command end to end with its session log.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use docket::checks::{self, Selection};
use docket::findings::Finding;
use docket::model::Snapshot;
use docket::remediate;
use docket::sources::apply::{change_for, Applier, ApplyErrorKind, Change, KubeOptions};
use docket::sources::kube_live::{self, KubeTarget};
use serde_json::{json, Value};
use support::kube_standin::{
    fixtures, small_cluster, write_kubeconfig, Faults, RequestRecord, StandIn, UserSpec,
};

const SMP: &str = "application/strategic-merge-patch+json";
const DEPLOYMENT_PATH: &str = "/apis/apps/v1/namespaces/shop/deployments/web";
const POLICIES_PATH: &str = "/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies";

/// A stand-in, a kubeconfig pointing at it, and what a live scan of it found.
struct Cluster {
    standin: StandIn,
    _dir: tempfile::TempDir,
    kubeconfig: PathBuf,
    snapshot: Snapshot,
    findings: Vec<Finding>,
}

fn opts() -> KubeOptions {
    KubeOptions {
        request_timeout: Duration::from_secs(10),
        deadline: Duration::from_secs(60),
        exec_timeout: Duration::from_secs(10),
        ..KubeOptions::default()
    }
}

fn target(kubeconfig: &Path) -> KubeTarget {
    KubeTarget {
        kubeconfig: Some(kubeconfig.to_path_buf()),
        context: None,
        namespace: None,
        all_namespaces: true,
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn cluster(faults: Faults) -> Cluster {
    let standin = StandIn::start(small_cluster(), faults);
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    write_kubeconfig(
        &kubeconfig,
        &[standin.context("standin", UserSpec::Token("t0ken-apply".into()))],
    )
    .unwrap();
    let live = runtime()
        .block_on(async {
            let conn = kube_live::resolve(&target(&kubeconfig), &|_| None, None).await?;
            kube_live::collect(&conn, &opts(), &|_| {}).await
        })
        .expect("live scan of the stand-in");
    let findings = checks::run(&live.snapshot, &Selection::default()).findings;
    Cluster {
        standin,
        _dir: dir,
        kubeconfig,
        snapshot: live.snapshot,
        findings,
    }
}

impl Cluster {
    fn finding(&self, check: &str, kind: &str, name: &str) -> Finding {
        self.findings
            .iter()
            .find(|f| f.check_id == check && f.resource.kind == kind && f.resource.name == name)
            .unwrap_or_else(|| panic!("no {check} finding on {kind} {name}"))
            .clone()
    }
    fn change(&self, f: &Finding) -> Change {
        change_for(&remediate::plan(f, &self.snapshot)).expect("an applicable change")
    }
    fn applier(&self, rt: &tokio::runtime::Runtime) -> Applier {
        rt.block_on(Applier::connect(
            None,
            Some((target(&self.kubeconfig), opts())),
        ))
        .unwrap()
    }
    /// Every request that was not a GET.
    fn writes(&self) -> Vec<RequestRecord> {
        self.standin
            .requests()
            .into_iter()
            .filter(|r| r.method != "GET")
            .collect()
    }
    fn deployment(&self) -> Value {
        self.standin
            .object("deployments", Some("shop"), "web")
            .unwrap()
    }
}

/// KW-022's patch for container `web` of Deployment shop/web, as JSON.
fn kw022_patch() -> Value {
    json!({"spec": {"template": {"spec": {
        "containers": [{"name": "web", "securityContext": {"readOnlyRootFilesystem": true},
            "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}]}],
        "volumes": [{"name": "tmp", "emptyDir": {}}]
    }}}})
}

#[test]
fn a_dry_run_precedes_the_real_patch_on_the_deployment_and_the_reread_verifies_it() {
    let c = cluster(Faults::default());
    let rt = runtime();
    let f = c.finding("KW-022", "Deployment", "web");
    assert_eq!(f.resource.container.as_deref(), Some("web"));
    let change = c.change(&f);
    assert_eq!(change.describe(), "patch Deployment shop/web");
    let applier = c.applier(&rt);

    let out = rt.block_on(applier.dry_run(&change)).unwrap();
    assert!(
        out.starts_with("server-side dry run (dryRun=All) accepted by http://127.0.0.1:"),
        "{out}"
    );
    assert!(
        out.contains(": Deployment shop/web would be patched (at generation 4); admission and validation passed, nothing was stored"),
        "{out}"
    );
    assert_eq!(
        c.deployment()["metadata"]["generation"],
        3,
        "a dry run stores nothing"
    );
    let out = rt.block_on(applier.apply(&change)).unwrap();
    assert!(
        out.starts_with("patched Deployment shop/web on http://127.0.0.1:"),
        "{out}"
    );

    let writes = c.writes();
    assert_eq!(writes.len(), 2, "{writes:#?}");
    for (w, dry) in writes.iter().zip([true, false]) {
        assert_eq!(
            (w.method.as_str(), w.path.as_str()),
            ("PATCH", DEPLOYMENT_PATH)
        );
        assert_eq!(w.content_type, SMP);
        assert_eq!(w.param("fieldManager"), Some("docket"));
        assert_eq!(w.param("dryRun"), dry.then_some("All"));
        assert_eq!(w.status, 200);
        assert_eq!(
            serde_json::from_str::<Value>(&w.body).unwrap(),
            kw022_patch()
        );
    }
    // Merged, not replaced: the container keeps its other settings; generation moved on.
    let d = c.deployment();
    let web = &d["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(
        web["securityContext"],
        json!({"allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]},
            "runAsNonRoot": true, "runAsUser": 10001, "readOnlyRootFilesystem": true})
    );
    assert_eq!(
        web["volumeMounts"],
        json!([{"name": "tmp", "mountPath": "/tmp"}])
    );
    assert_eq!(
        d["spec"]["template"]["spec"]["volumes"],
        json!([{"name": "tmp", "emptyDir": {}}])
    );
    assert_eq!(d["metadata"]["generation"], 4);
    let managers: Vec<&str> = d["metadata"]["managedFields"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["manager"].as_str())
        .collect();
    assert_eq!(managers.last(), Some(&"docket"));
    // The pods were not touched: the controller rolls them.
    let pod = c
        .standin
        .object("pods", Some("shop"), fixtures::PODS[0])
        .unwrap();
    assert!(pod["spec"]["containers"][0]["securityContext"]
        .get("readOnlyRootFilesystem")
        .is_none());

    let v = rt
        .block_on(applier.verify_with(&change, &f, Some(&c.snapshot)))
        .unwrap();
    assert!(v.resolved, "{}", v.detail);
    assert!(
        v.detail
            .starts_with("re-read Deployment shop/web (resourceVersion ")
            && v.detail.ends_with(&format!(
                "KW-022 no longer finds {} (Deployment shop/web [web]): resolved",
                f.fingerprint
            )),
        "{}",
        v.detail
    );
    assert!(rt.block_on(applier.verify(&change, &f)).unwrap().resolved);
    let gets_of_the_deployment = c
        .standin
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path == DEPLOYMENT_PATH)
        .count();
    assert_eq!(
        gets_of_the_deployment, 2,
        "verify re-reads that object only"
    );
    // One dry run allows one apply.
    let again = rt.block_on(applier.apply(&change)).unwrap_err();
    assert_eq!(again.kind, ApplyErrorKind::NoDryRun);
    assert_eq!(c.writes().len(), 2);
}

#[test]
fn the_patch_of_an_unfixed_object_does_not_verify() {
    let c = cluster(Faults::default());
    let rt = runtime();
    let f = c.finding("KW-022", "Deployment", "web");
    // A different finding's change applied: KW-022 is still there when re-read.
    let other = c.finding("KW-027", "Deployment", "web");
    let change = c.change(&other);
    let applier = c.applier(&rt);
    rt.block_on(applier.dry_run(&change)).unwrap();
    rt.block_on(applier.apply(&change)).unwrap();
    let v = rt.block_on(applier.verify(&change, &f)).unwrap();
    assert!(!v.resolved);
    assert!(
        v.detail
            .contains(&format!("KW-022 still finds {}", f.fingerprint)),
        "{}",
        v.detail
    );
}

#[test]
fn a_forbidden_patch_names_the_missing_rbac_verb_and_nothing_is_written() {
    let c = cluster(Faults {
        forbidden_verbs: vec![("patch".into(), "deployments".into())],
        ..Faults::default()
    });
    let rt = runtime();
    let change = c.change(&c.finding("KW-022", "Deployment", "web"));
    let applier = c.applier(&rt);
    let err = rt.block_on(applier.dry_run(&change)).unwrap_err();
    assert_eq!(err.kind, ApplyErrorKind::Forbidden);
    assert_eq!(err.object, "Deployment shop/web");
    assert!(
        err.said.starts_with("dry run of patch Deployment shop/web: the API server answered 403: deployments.apps \"web\" is forbidden: User \"system:serviceaccount:docket:scanner\" cannot patch resource \"deployments\""),
        "{}",
        err.said
    );
    assert!(
        err.next.starts_with(
            "the RBAC verb `patch` on resource `deployments` (API group apps) in namespace shop is missing"
        ) && err.next.contains("auth can-i patch deployments.apps"),
        "{}",
        err.next
    );
    assert_eq!(
        rt.block_on(applier.apply(&change)).unwrap_err().kind,
        ApplyErrorKind::NoDryRun
    );
    let writes = c.writes();
    assert_eq!(writes.len(), 1);
    assert_eq!(writes[0].status, 403);
    assert_eq!(c.deployment()["metadata"]["generation"], 3);
}

#[test]
fn a_failing_dry_run_stops_the_apply() {
    let c = cluster(Faults {
        invalid_writes: vec!["deployments".into()],
        ..Faults::default()
    });
    let rt = runtime();
    let change = c.change(&c.finding("KW-022", "Deployment", "web"));
    let applier = c.applier(&rt);
    let err = rt.block_on(applier.dry_run(&change)).unwrap_err();
    assert_eq!(err.kind, ApplyErrorKind::Invalid);
    assert!(
        err.said
            .contains("answered 422: Deployment.apps \"web\" is invalid"),
        "{}",
        err.said
    );
    assert!(
        err.next
            .starts_with("the API server rejected the patch as invalid"),
        "{}",
        err.next
    );
    let err = rt.block_on(applier.apply(&change)).unwrap_err();
    assert_eq!(err.kind, ApplyErrorKind::NoDryRun);
    let writes = c.writes();
    assert_eq!(
        writes.len(),
        1,
        "no real PATCH after the failed dry run: {writes:#?}"
    );
    assert_eq!(writes[0].param("dryRun"), Some("All"));
    assert_eq!(c.deployment()["metadata"]["generation"], 3);
}

#[test]
fn a_default_deny_policy_is_created_by_post_after_a_dry_run_and_verified() {
    let c = cluster(Faults::default());
    let rt = runtime();
    let f = c
        .findings
        .iter()
        .find(|f| {
            f.check_id == "KN-002" && f.resource.name == "shop" && f.discriminator == "ingress"
        })
        .unwrap()
        .clone();
    let change = c.change(&f);
    assert_eq!(
        change.describe(),
        "create NetworkPolicy shop/default-deny-ingress"
    );
    let applier = c.applier(&rt);
    let policy = || {
        c.standin
            .object("networkpolicies", Some("shop"), "default-deny-ingress")
    };

    rt.block_on(applier.dry_run(&change)).unwrap();
    assert_eq!(policy(), None, "a dry run creates nothing");
    let out = rt.block_on(applier.apply(&change)).unwrap();
    assert!(
        out.starts_with("created NetworkPolicy shop/default-deny-ingress"),
        "{out}"
    );
    let writes = c.writes();
    assert_eq!(writes.len(), 2);
    for (w, dry) in writes.iter().zip([true, false]) {
        assert_eq!(
            (w.method.as_str(), w.path.as_str()),
            ("POST", POLICIES_PATH)
        );
        assert_eq!(w.content_type, "application/json");
        assert_eq!(w.param("dryRun"), dry.then_some("All"));
        assert_eq!(w.param("fieldManager"), Some("docket"));
        assert_eq!(w.status, 201);
    }
    let stored = policy().unwrap();
    assert_eq!(
        stored["spec"],
        json!({"podSelector": {}, "policyTypes": ["Ingress"]})
    );

    let v = rt.block_on(applier.verify(&change, &f)).unwrap();
    assert!(v.resolved, "{}", v.detail);
    assert!(
        v.detail.starts_with(
            "re-read NetworkPolicy shop/default-deny-ingress and Namespace shop (resourceVersion"
        ),
        "{}",
        v.detail
    );
    assert!(
        rt.block_on(applier.verify_with(&change, &f, Some(&c.snapshot)))
            .unwrap()
            .resolved
    );

    // A second create is a conflict the dry run already reports.
    let err = rt.block_on(applier.dry_run(&change)).unwrap_err();
    assert_eq!(err.kind, ApplyErrorKind::Conflict);
    assert!(
        err.said.contains(
            "409: networkpolicies.networking.k8s.io \"default-deny-ingress\" already exists"
        ),
        "{}",
        err.said
    );
}

#[test]
fn a_pod_owned_by_a_controller_is_never_patched_and_a_gone_object_is_named() {
    let c = cluster(Faults::default());
    let rt = runtime();
    let applier = c.applier(&rt);
    let patch = |kind: &str, name: &str| Change::KubePatch {
        api_version: if kind == "Pod" { "v1" } else { "apps/v1" }.into(),
        kind: kind.into(),
        namespace: Some("shop".into()),
        name: name.into(),
        patch_yaml: "spec:\n  activeDeadlineSeconds: 5\n".into(),
    };
    let err = rt
        .block_on(applier.dry_run(&patch("Pod", fixtures::PODS[0])))
        .unwrap_err();
    assert_eq!(err.kind, ApplyErrorKind::Refused);
    assert_eq!(
        err.said,
        format!(
            "the pod is owned by ReplicaSet {}, which would undo the patch",
            fixtures::REPLICASET
        )
    );
    let err = rt
        .block_on(applier.dry_run(&patch("Deployment", "gone")))
        .unwrap_err();
    assert_eq!(err.kind, ApplyErrorKind::NotFound);
    assert_eq!(err.object, "Deployment shop/gone");
    assert!(
        err.said
            .ends_with("answered 404: deployments.apps \"gone\" not found"),
        "{}",
        err.said
    );
    assert!(
        err.next.starts_with("Deployment shop/gone is gone"),
        "{}",
        err.next
    );
    let writes = c.writes();
    assert_eq!(writes.len(), 1, "{writes:#?}");
    assert_eq!(
        writes[0].path,
        "/apis/apps/v1/namespaces/shop/deployments/gone"
    );
}

#[test]
fn the_remediate_command_applies_a_patch_and_logs_it() {
    let c = cluster(Faults::default());
    let fp = c.finding("KW-022", "Deployment", "web").fingerprint;
    let workspace = tempfile::tempdir().unwrap();
    let run = |extra: &[&str]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_docket"));
        cmd.args(["remediate", "apply", &fp, "--kubeconfig"])
            .arg(&c.kubeconfig)
            .arg("-A")
            .arg("--workspace")
            .arg(workspace.path())
            .args(extra)
            .env("HOME", workspace.path());
        cmd.output().unwrap()
    };
    let o = run(&["--allow-changes"]);
    assert_eq!(o.status.code(), Some(2), "no terminal and no --confirm");
    assert!(String::from_utf8_lossy(&o.stderr).contains("pass --confirm \"Deployment shop/web\""));
    assert!(c.writes().is_empty());
    let o = run(&["--allow-changes", "--confirm", "Deployment shop/web"]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        stdout.contains("\nchange:  patch Deployment shop/web\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("\nverified: re-read Deployment shop/web"),
        "{stdout}"
    );
    assert_eq!(c.writes().len(), 2);
    let log = stdout
        .lines()
        .find_map(|l| l.strip_prefix("session log: "))
        .map(PathBuf::from)
        .unwrap();
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(!text.contains(fixtures::ENV_CANARY));
    let kinds: Vec<String> = text
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            format!(
                "{} {} {}",
                v["kind"].as_str().unwrap(),
                v["action"].as_str().unwrap_or("-"),
                v["dry_run"]
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "session_start - null",
            "remediation planned false",
            "remediation applied true",
            "remediation applied false",
            "remediation verified false",
            "session_end - null"
        ]
    );
    let verify = Command::new(env!("CARGO_BIN_EXE_docket"))
        .args(["log", "verify"])
        .arg(&log)
        .output()
        .unwrap();
    assert_eq!(
        verify.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&verify.stdout)
    );
}
