//! Remediation plans over the embedded demo: golden plans for every check family, and
//! properties every plan must have (never panics, targets controllers, leaks no canary,
//! patches parse as YAML and name the finding's container).

use docket::checks::{self, Selection};
use docket::findings::Finding;
use docket::model::Snapshot;
use docket::remediate::{self, PlanKind, Target};

fn demo() -> (Snapshot, Vec<Finding>) {
    let loaded = docket::sources::demo::load().expect("the embedded demo loads");
    let scan = checks::run(&loaded.snapshot, &Selection::default());
    (loaded.snapshot, scan.findings)
}

/// The first finding (in the scan's deterministic order) of `check` on resource `name`,
/// with discriminator `disc` when given.
fn pick<'a>(findings: &'a [Finding], check: &str, name: &str, disc: Option<&str>) -> &'a Finding {
    findings
        .iter()
        .find(|f| {
            f.check_id == check
                && f.resource.name == name
                && disc.is_none_or(|d| f.discriminator == d)
        })
        .unwrap_or_else(|| panic!("the demo has no {check} finding on {name} ({disc:?})"))
}

/// The rendered plans of the chosen findings, separated by a rule.
fn plans(picks: &[(&str, &str, Option<&str>)]) -> String {
    let (snap, findings) = demo();
    picks
        .iter()
        .map(|(check, name, disc)| {
            remediate::render(&remediate::plan(pick(&findings, check, name, *disc), &snap))
        })
        .collect::<Vec<_>>()
        .join("\n----------------------------------------\n")
}

#[test]
fn golden_docker_container() {
    insta::assert_snapshot!(plans(&[
        ("DC-001", "netdata", None),
        ("DC-003", "lumen-backup-run-3f9a1c2d7e64", Some("SYS_ADMIN")),
        ("DC-010", "jenkins", None),
        ("DC-018", "jenkins", None),
        ("DC-022", "lumen-nginx-1", Some("443/tcp")),
        ("DC-023", "jenkins", Some("50000/tcp")),
        ("DC-027", "jenkins", None),
    ]));
}

#[test]
fn golden_docker_image() {
    insta::assert_snapshot!(plans(&[
        ("DI-001", "atmoz/sftp:alpine", None),
        ("DI-005", "lumen-api:latest", None),
        ("DI-007", "jenkins", None),
    ]));
}

#[test]
fn golden_docker_host() {
    insta::assert_snapshot!(plans(&[
        ("DH-003", "legacy-01", None),
        ("DH-007", "legacy-01", None),
        ("DH-002", "legacy-01", None),
    ]));
}

#[test]
fn golden_kube_workload() {
    insta::assert_snapshot!(plans(&[
        ("KW-001", "aws-node", None),
        ("KW-003", "postgres-backup", None),
        ("KW-009", "postgres-backup", Some("backups")),
        ("KW-010", "node-exporter", Some("root")),
        ("KW-013", "aws-node", Some("NET_ADMIN")),
        ("KW-022", "postgres-backup", None),
        ("KW-024", "postgres-backup", None),
        ("KW-025", "kube-proxy", None),
        ("KW-027", "postgres-backup", None),
        ("KW-032", "postgres-backup", None),
        ("KW-034", "ci", None),
    ]));
}

#[test]
fn golden_kube_rbac() {
    insta::assert_snapshot!(plans(&[
        ("KR-001", "ci-runner-cluster-admin", None),
        ("KR-002", "dba-full-access", None),
        ("KR-007", "all-staff-readonly", None),
    ]));
}

#[test]
fn golden_kube_network() {
    insta::assert_snapshot!(plans(&[
        ("KN-001", "postgres-backup", None),
        ("KN-002", "ci", Some("egress")),
        ("KN-005", "video-turn", None),
    ]));
}

#[test]
fn golden_secrets() {
    insta::assert_snapshot!(plans(&[
        ("SC-001", "reminder-dispatch", None),
        ("SC-002", "jenkins", None),
        ("SC-005", "runner-npmrc", None),
    ]));
}

#[test]
fn every_demo_finding_gets_a_plan_on_its_controller() {
    let (snap, findings) = demo();
    assert!(findings.len() > 100, "the demo has findings");
    for f in &findings {
        let p = remediate::plan(f, &snap);
        assert_eq!(p.fingerprint, f.fingerprint);
        assert_eq!(p.check_id, f.check_id);
        assert!(!p.summary.is_empty(), "{}: empty summary", f.check_id);
        if let Target::Kube {
            kind,
            namespace,
            name,
            ..
        } = &p.target
        {
            if kind == "Pod" {
                let owned = snap.kube.workloads.iter().any(|w| {
                    w.meta.name == *name
                        && w.meta.namespace.as_deref() == namespace.as_deref()
                        && (!w.meta.owner_references.is_empty() || w.controller.is_some())
                });
                assert!(
                    !owned,
                    "{}: plan targets controller-owned pod {name}",
                    f.check_id
                );
            }
        }
        assert_eq!(
            remediate::digest(&p),
            remediate::digest(&remediate::plan(f, &snap))
        );
        assert_eq!(remediate::digest(&p).len(), 64);
    }
}

#[test]
fn every_workload_check_with_a_demo_finding_gets_a_patch() {
    let (snap, findings) = demo();
    // Decisions, not field changes: these are manual on purpose. KW-032 is a patch only
    // when the snapshot knows the image's digest (`kw032_pins_a_digest_the_snapshot_knows`).
    let manual = ["KW-029", "KW-031", "KW-033"];
    for f in findings
        .iter()
        .filter(|f| f.check_id.starts_with("KW-") && f.check_id != "KW-032")
    {
        let p = remediate::plan(f, &snap);
        let patched = matches!(p.kind, PlanKind::KubePatch { .. });
        assert_eq!(
            patched,
            !manual.contains(&f.check_id.as_str()),
            "{} on {}: {}",
            f.check_id,
            f.resource.display(),
            remediate::render(&p)
        );
    }
}

#[test]
fn plans_never_contain_canaries() {
    let (snap, findings) = demo();
    let canaries: Vec<&str> = include_str!("fixtures/canaries.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    assert!(canaries.len() > 5);
    for f in &findings {
        let text = remediate::render(&remediate::plan(f, &snap));
        for c in &canaries {
            assert!(
                !text.contains(c),
                "{}: plan leaks canary {c}:\n{text}",
                f.check_id
            );
        }
    }
}

/// Whether any map in the YAML value has `name: <want>`.
fn names(v: &serde_json::Value, want: &str) -> bool {
    match v {
        serde_json::Value::Object(m) => {
            m.get("name").and_then(|n| n.as_str()) == Some(want)
                || m.values().any(|x| names(x, want))
        }
        serde_json::Value::Array(a) => a.iter().any(|x| names(x, want)),
        _ => false,
    }
}

#[test]
fn patches_parse_as_yaml_and_name_the_container() {
    let (snap, findings) = demo();
    let mut patches = 0;
    for f in &findings {
        let p = remediate::plan(f, &snap);
        let (yaml, diff) = match &p.kind {
            PlanKind::KubePatch { patch_yaml, diff } => (patch_yaml, diff),
            PlanKind::KubeManifest {
                manifest_yaml,
                diff,
            } => (manifest_yaml, diff),
            _ => continue,
        };
        patches += 1;
        let v: serde_json::Value = serde_saphyr::from_str(yaml)
            .unwrap_or_else(|e| panic!("{}: patch is not YAML: {e}\n{yaml}", f.check_id));
        assert!(v.is_object(), "{}: {yaml}", f.check_id);
        if let (PlanKind::KubePatch { .. }, Some(c)) = (&p.kind, &f.resource.container) {
            assert!(
                names(&v, c),
                "{}: patch does not name container {c}:\n{yaml}",
                f.check_id
            );
        }
        assert!(
            diff.lines().any(|l| {
                (l.starts_with('+') && !l.starts_with("+++"))
                    || (l.starts_with('-') && !l.starts_with("---"))
            }),
            "{}: diff changes nothing:\n{diff}",
            f.check_id
        );
    }
    assert!(patches > 50, "only {patches} patches");
}

#[test]
fn cronjob_patches_go_under_the_job_template() {
    let (snap, findings) = demo();
    let f = pick(&findings, "KW-002", "postgres-backup", None);
    let p = remediate::plan(f, &snap);
    let PlanKind::KubePatch { patch_yaml, .. } = &p.kind else {
        panic!("KW-002 is a patch: {p:?}");
    };
    assert!(patch_yaml.starts_with("spec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n          - name: pg-dump\n"), "{patch_yaml}");
    assert_eq!(
        p.target,
        Target::Kube {
            api_version: "batch/v1".into(),
            kind: "CronJob".into(),
            namespace: Some("data".into()),
            name: "postgres-backup".into()
        }
    );
}

#[test]
fn unknown_objects_fall_back_to_the_checks_remediation() {
    let (_, findings) = demo();
    let f = pick(&findings, "KW-001", "aws-node", None);
    let p = remediate::plan(f, &Snapshot::new());
    let PlanKind::Manual { steps } = &p.kind else {
        panic!("no object, no patch: {p:?}");
    };
    let check = checks::find("KW-001").expect("KW-001 exists");
    assert_eq!(steps, &vec![check.remediation.to_string()]);
    assert!(matches!(p.target, Target::Kube { ref kind, .. } if kind == "DaemonSet"));
}

#[test]
fn kw032_pins_a_digest_the_snapshot_knows() {
    let (mut snap, findings) = demo();
    let f = pick(&findings, "KW-032", "postgres-backup", None);
    let image = "registry.lumen.health/ops/pg-backup:1.4.0";
    let digest = format!("sha256:{}", "ab".repeat(32));
    snap.docker.images.push(docket::model::Image {
        id: "sha256:feed".into(),
        repo_tags: vec![image.into()],
        repo_digests: vec![format!("registry.lumen.health/ops/pg-backup@{digest}")],
        ..Default::default()
    });
    let p = remediate::plan(f, &snap);
    let PlanKind::KubePatch { patch_yaml, diff } = &p.kind else {
        panic!("a known digest gives a patch: {p:?}");
    };
    assert!(
        patch_yaml.contains(&format!("image: {image}@{digest}")),
        "{patch_yaml}"
    );
    assert!(
        diff.contains(&format!("-            image: {image}\n")),
        "{diff}"
    );
    assert!(
        diff.contains(&format!("+            image: {image}@{digest}\n")),
        "{diff}"
    );
}
