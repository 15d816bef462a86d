//! The SARIF report validates against the official SARIF 2.1.0 schema
//! (tests/fixtures/schemas/sarif-schema-2.1.0.json), plain and aggregated, with formats
//! (uri, uri-reference, date-time) checked too.

use docket::checks::{self, CheckResult, Outcome, ScanResult, Selection, Severity};
use docket::findings::{fingerprint, Evidence, Finding, ResourceRef};
use docket::model::{DataKind, Snapshot};
use docket::report::{self, sarif, Format, Report};
use docket::testkit;
use serde_json::Value;

const SCHEMA: &str = "tests/fixtures/schemas/sarif-schema-2.1.0.json";

fn snapshot() -> Snapshot {
    let mut web = testkit::container("web");
    web.privileged = true;
    web.user = String::new();
    web.readonly_rootfs = false;
    let mut odd = testkit::container("<script>alert(\"x\")</script> ünïcode");
    odd.privileged = true;
    odd.pids_limit = None;
    let mut snap = testkit::docker(vec![web, odd, testkit::container("fine")]);
    let mut dep = testkit::deployment("prod", "api");
    if let Some(c) = dep.pod.containers.first_mut() {
        c.security_context.privileged = Some(true);
        c.security_context.allow_privilege_escalation = None;
    }
    let mut kube = testkit::kube(vec![dep]);
    kube.coverage = Default::default();
    for k in DataKind::ALL.into_iter().filter(|k| !k.is_docker()) {
        if k == DataKind::KubeRbac {
            kube.coverage
                .missing(k, "cluster", "403 Forbidden: grant list on roles");
        } else {
            kube.coverage.collected(k, "cluster");
        }
    }
    snap.merge(kube);
    snap
}

/// The real engine's result, plus a finding of a check this catalog does not know and a
/// hand-made not-evaluated check, so every SARIF path is exercised whatever checks exist.
fn scan(snap: &Snapshot) -> ScanResult {
    let mut scan = checks::run(snap, &Selection::default());
    let r = ResourceRef::kube("ClusterRole", None, "odd name/with slash");
    scan.findings.push(Finding {
        check_id: "ZZ-999".into(),
        severity: Severity::Medium,
        title: "From a newer catalog".into(),
        fingerprint: fingerprint("ZZ-999", &r, ""),
        resource: r,
        message: "message with \"quotes\" and <html>".into(),
        evidence: vec![Evidence::new("rules[0].verbs", "*")],
        discriminator: String::new(),
    });
    scan.results.push(CheckResult {
        check_id: "ZZ-998".into(),
        outcome: Outcome::NotEvaluated(vec!["data missing".into()]),
        findings: 0,
    });
    scan
}

fn validate(instance: &Value) -> Vec<String> {
    let text = match std::fs::read_to_string(SCHEMA) {
        Ok(t) => t,
        Err(e) => panic!("{SCHEMA}: {e}; run the tests from the crate root"),
    };
    let schema: Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => panic!("{SCHEMA}: not JSON: {e}"),
    };
    let validator = match jsonschema::draft7::options()
        .should_validate_formats(true)
        .build(&schema)
    {
        Ok(v) => v,
        Err(e) => panic!("{SCHEMA}: not a valid draft-07 schema: {e}"),
    };
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect()
}

fn assert_valid(text: &str, what: &str) -> Value {
    let v: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => panic!("{what}: SARIF output is not JSON: {e}"),
    };
    let errors = validate(&v);
    assert!(
        errors.is_empty(),
        "{what}: {} schema errors:\n{}",
        errors.len(),
        errors.join("\n")
    );
    v
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let snap = snapshot();
    let scan = scan(&snap);
    let report = Report::new(&snap, &scan, "2026-11-02T10:00:00Z");
    let text = report::render(&report, Format::Sarif);
    let v = assert_valid(&text, "plain");
    let run = &v["runs"][0];
    let results = run["results"].as_array().map_or(0, Vec::len);
    assert_eq!(results, scan.findings.len());
    assert!(results > 0, "the sample should produce findings");
    let notes = run["invocations"][0]["toolConfigurationNotifications"]
        .as_array()
        .map_or(0, Vec::len);
    assert!(notes > 0, "not-evaluated checks must be notified");
}

#[test]
fn aggregated_sarif_validates_too() {
    let snap = snapshot();
    let scan = scan(&snap);
    let report = Report::new(&snap, &scan, "2026-11-02T10:00:00Z");
    let text = sarif::render_with_limit(&report, 1);
    let v = assert_valid(&text, "aggregated");
    assert_eq!(v["runs"][0]["properties"]["docket/aggregated"], true);
    assert_eq!(v["runs"][0]["results"].as_array().map(Vec::len), Some(1));
}

#[test]
fn empty_scan_validates() {
    let snap = Snapshot::new();
    let scan = ScanResult::default();
    let report = Report::new(&snap, &scan, "");
    assert_valid(&report::render(&report, Format::Sarif), "empty");
}

/// Guards against a vacuous validator: a log missing required parts is rejected.
#[test]
fn the_validator_rejects_broken_logs() {
    let snap = snapshot();
    let scan = scan(&snap);
    let report = Report::new(&snap, &scan, "2026-11-02T10:00:00Z");
    let mut v: Value = serde_json::from_str(&report::render(&report, Format::Sarif))
        .unwrap_or_else(|e| panic!("SARIF output is not JSON: {e}"));
    if let Some(r) = v["runs"][0]["results"][0].as_object_mut() {
        r.remove("message");
    }
    v["runs"][0]["tool"]["driver"]["rules"][0]["defaultConfiguration"]["level"] =
        Value::from("fatal");
    let errors = validate(&v);
    assert!(errors.len() >= 2, "expected errors, got {errors:?}");
}
