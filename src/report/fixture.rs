//! A small hand-built scan for the renderers' tests: bad Docker containers (one named like
//! an XSS payload, one like a spreadsheet formula), a bad Deployment, a finding of a check
//! id that is not in the catalog, and every kind of outcome. The ScanResult is built by
//! hand so these tests do not depend on which checks exist.

use crate::checks::{self, CheckResult, Out, Outcome, ScanResult, Severity};
use crate::findings::{self, fingerprint, Evidence, Finding, ResourceRef};
use crate::model::{DataKind, Snapshot};
use crate::testkit;

pub const NOW: &str = "2026-11-02T10:00:00Z";
pub const XSS: &str = "<script>alert(\"x\")</script>";
pub const FORMULA: &str = "=cmd|' /C calc'!A0";
pub const UNKNOWN_ID: &str = "ZZ-999";
pub const UNKNOWN_TITLE: &str = "Check from a newer catalog";
pub const NOT_EVALUATED_ID: &str = "KR-901";
pub const PARTIAL_ID: &str = "KW-901";

pub fn snapshot() -> Snapshot {
    let mut web = testkit::container("web");
    web.privileged = true;
    let mut xss = testkit::container(XSS);
    xss.privileged = true;
    let mut formula = testkit::container(FORMULA);
    formula.privileged = true;
    let mut snap = testkit::docker(vec![web, xss, formula]);

    let mut dep = testkit::deployment("prod", "api");
    if let Some(c) = dep.pod.containers.first_mut() {
        c.security_context.privileged = Some(true);
    }
    let mut kube = testkit::kube(vec![dep]);
    kube.coverage
        .missing(DataKind::KubeWorkloads, "kube-system", "403 Forbidden");
    snap.merge(kube);
    snap
}

/// The snapshot and a hand-built scan of it.
pub fn sample() -> (Snapshot, ScanResult) {
    let snap = snapshot();
    let mut found: Vec<Finding> = Vec::new();

    if let Some(dc1) = checks::find("DC-001") {
        let mut out = Out::new(dc1);
        for c in &snap.docker.containers {
            let message = if c.name == XSS {
                "Runs privileged: `--privileged` | \"quoted\" & <b>bold</b>".to_string()
            } else {
                "Container runs with --privileged".to_string()
            };
            out.emit(
                checks::container_ref(c),
                "",
                message,
                vec![Evidence::new(
                    "HostConfig.Privileged",
                    format!("true {XSS}"),
                )],
            );
        }
        found.extend(out.into_findings());
    }

    let resource = ResourceRef::kube("Deployment", Some("prod"), "api").with_container("app");
    found.push(Finding {
        check_id: UNKNOWN_ID.into(),
        severity: Severity::High,
        title: UNKNOWN_TITLE.into(),
        resource: resource.clone(),
        message: "Container is privileged".into(),
        evidence: vec![Evidence::new(
            "spec.template.spec.containers[0].securityContext.privileged",
            "true",
        )],
        discriminator: String::new(),
        fingerprint: fingerprint(UNKNOWN_ID, &resource, ""),
    });
    let low = ResourceRef::docker("Image", "registry.example.com/app:latest", "testhost");
    found.push(Finding {
        check_id: PARTIAL_ID.into(),
        severity: Severity::Low,
        title: "Low finding".into(),
        resource: low.clone(),
        message: "+SUM(1,2) starts like a formula".into(),
        evidence: vec![],
        discriminator: "d".into(),
        fingerprint: fingerprint(PARTIAL_ID, &low, "d"),
    });
    findings::sort(&mut found);

    let count = |id: &str| found.iter().filter(|f| f.check_id == id).count();
    let results = vec![
        CheckResult {
            check_id: "DC-001".into(),
            outcome: Outcome::Evaluated,
            findings: count("DC-001"),
        },
        CheckResult {
            check_id: "DC-003".into(),
            outcome: Outcome::Disabled,
            findings: 0,
        },
        CheckResult {
            check_id: "DH-901".into(),
            outcome: Outcome::NotApplicable(vec!["no Docker host source in this scan".into()]),
            findings: 0,
        },
        CheckResult {
            check_id: PARTIAL_ID.into(),
            outcome: Outcome::Partial(vec!["kube-system: 403 Forbidden".into()]),
            findings: count(PARTIAL_ID),
        },
        CheckResult {
            check_id: NOT_EVALUATED_ID.into(),
            outcome: Outcome::NotEvaluated(vec![format!(
                "Kubernetes RBAC roles and bindings: cluster: 403 Forbidden {XSS}"
            )]),
            findings: 0,
        },
    ];
    (
        snap,
        ScanResult {
            findings: found,
            results,
        },
    )
}

/// A scan with `n` synthetic findings of one check, spread over `spread` namespaces.
pub fn many(n: usize, spread: usize) -> (Snapshot, ScanResult) {
    let snap = testkit::kube(Vec::new());
    let mut found = Vec::with_capacity(n);
    for i in 0..n {
        let ns = format!("ns-{}", i % spread.max(1));
        let name = format!("app-{i}");
        let r = ResourceRef::kube("Deployment", Some(&ns), &name).with_container("app");
        found.push(Finding {
            check_id: "DC-001".into(),
            severity: Severity::Critical,
            title: "Synthetic".into(),
            fingerprint: fingerprint("DC-001", &r, ""),
            resource: r,
            message: "synthetic finding".into(),
            evidence: vec![],
            discriminator: String::new(),
        });
    }
    let results = vec![CheckResult {
        check_id: "DC-001".into(),
        outcome: Outcome::Evaluated,
        findings: n,
    }];
    (
        snap,
        ScanResult {
            findings: found,
            results,
        },
    )
}
