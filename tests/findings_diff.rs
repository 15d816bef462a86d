//! `docket diff` and `findings::diff` (issue 6, item 5): new, resolved and unchanged
//! findings by fingerprint, between the embedded demo and the demo with two containers
//! changed; each baseline kind (snapshot, scan JSON report with suppressed findings,
//! session JSON export); bad input named with file, line and column; the command end to end.

use std::collections::BTreeSet;
use std::process::{Command, Output};

use docket::checks::{self, ScanResult, Selection};
use docket::findings::diff::{diff, Baseline, BaselineKind};
use docket::findings::suppress::{NoContext, RuleSet};
use docket::findings::triage::TriageBook;
use docket::findings::Finding;
use docket::model::Snapshot;
use docket::report::session::{render as render_session, SessionFormat, SessionInput};
use docket::report::{self, Format, Report};
use time::macros::datetime;

const NOW: &str = "2025-06-01T12:00:00Z";

fn demo() -> Snapshot {
    docket::sources::demo::load().unwrap().snapshot
}

/// The demo after an operator fixed one container and broke another: netdata no longer
/// runs privileged, lumen-redis-1 now shares the host network.
fn changed_demo() -> Snapshot {
    let mut snap = demo();
    let containers = &mut snap.docker.containers;
    let netdata = containers.iter_mut().find(|c| c.name == "netdata").unwrap();
    assert!(netdata.privileged, "the demo's netdata runs privileged");
    netdata.privileged = false;
    let redis = containers
        .iter_mut()
        .find(|c| c.name == "lumen-redis-1")
        .unwrap();
    assert_eq!(redis.network_mode, "lumen_backend");
    redis.network_mode = "host".into();
    snap
}

fn scan(snap: &Snapshot) -> ScanResult {
    checks::run(snap, &Selection::default())
}

fn keys(findings: &[Finding]) -> Vec<(String, String)> {
    findings
        .iter()
        .map(|f| (f.check_id.clone(), f.resource.name.clone()))
        .collect()
}

fn fingerprints(findings: &[Finding]) -> BTreeSet<&str> {
    findings.iter().map(|f| f.fingerprint.as_str()).collect()
}

#[test]
fn demo_against_the_demo_with_two_containers_changed() {
    let old = Baseline::from_snapshot("old.json", &demo());
    let new = scan(&changed_demo());
    let d = diff(&old, &new.findings);
    assert_eq!(
        keys(&d.new),
        [("DC-011".to_string(), "lumen-redis-1".to_string())]
    );
    assert_eq!(
        keys(&d.resolved),
        [("DC-001".to_string(), "netdata".to_string())]
    );
    assert_eq!(d.unchanged.len(), old.findings.len() - 1);
    assert_eq!(d.unchanged.len(), new.findings.len() - 1);
    // Exactly the other findings, by fingerprint, in the engine's order (worst first).
    let mut others: Vec<Finding> = new
        .findings
        .iter()
        .filter(|f| f.fingerprint != d.new[0].fingerprint)
        .cloned()
        .collect();
    docket::findings::sort(&mut others);
    assert_eq!(d.unchanged, others);
    // The same input on both sides: nothing new, nothing resolved.
    let same = diff(&old, &scan(&demo()).findings);
    assert!(same.new.is_empty() && same.resolved.is_empty());
    assert_eq!(same.unchanged.len(), old.findings.len());
}

#[test]
fn every_baseline_kind_reads_back_the_same_findings() {
    let snap = demo();
    let result = scan(&snap);
    let want = fingerprints(&result.findings);
    assert!(want.len() > 20, "the demo has findings");

    let snapshot_json = serde_json::to_string(&snap).unwrap();
    let b = Baseline::parse(&snapshot_json, "snap.json").unwrap();
    assert_eq!(b.kind, BaselineKind::Snapshot);
    assert_eq!(fingerprints(&b.findings), want);

    let report_json = report::render(&Report::new(&snap, &result, NOW), Format::Json);
    let b = Baseline::parse(&report_json, "scan.json").unwrap();
    assert_eq!(b.kind, BaselineKind::ScanReport);
    assert_eq!(fingerprints(&b.findings), want);
    // Findings as the JSON report writes them come back whole.
    let first = &result.findings[0];
    let back = b
        .findings
        .iter()
        .find(|f| f.fingerprint == first.fingerprint)
        .unwrap();
    assert_eq!(back, first);

    let rules = RuleSet::from_toml(
        "[[rule]]\nid = \"hide-dc\"\nchecks = [\"DC-*\"]\nreason = \"lab\"\n",
        "s.toml",
    )
    .unwrap();
    let eval = rules.evaluate(
        &result.findings,
        &NoContext,
        datetime!(2025-06-01 12:00 UTC),
    );
    let hidden = eval.suppressed.len();
    assert!(hidden > 0);
    let suppressed = Report::with_suppressions(&snap, &result, NOW, &rules, &eval, "s.toml");
    let b = Baseline::parse(&report::render(&suppressed, Format::Json), "s.json").unwrap();
    assert_eq!(
        fingerprints(&b.findings),
        want,
        "suppressed findings still exist"
    );

    let book = TriageBook::default();
    let export = render_session(
        &SessionInput {
            snapshot: &snap,
            scan: &result,
            book: &book,
            rules: &rules,
            evaluation: &eval,
            entries: &[],
            log_path: "/logs/s.jsonl",
            head_hash: "ab12",
            generated_at: NOW,
        },
        SessionFormat::Json,
    );
    let b = Baseline::parse(&export, "session.json").unwrap();
    assert_eq!(b.kind, BaselineKind::SessionExport);
    assert_eq!(b.head_hash.as_deref(), Some("ab12"));
    assert_eq!(fingerprints(&b.findings), want);
}

#[test]
fn coverage_gaps_of_the_input_are_kept() {
    let mut snap = demo();
    snap.coverage.missing(
        docket::model::DataKind::KubeRbac,
        "prod",
        "403 Forbidden: list clusterroles",
    );
    let b = Baseline::from_snapshot("s.json", &snap);
    assert!(b
        .coverage_gaps
        .iter()
        .any(|g| g.ends_with("(prod): 403 Forbidden: list clusterroles")));
    let report_json = report::render(&Report::new(&snap, &scan(&snap), NOW), Format::Json);
    let r = Baseline::parse(&report_json, "r.json").unwrap();
    assert_eq!(r.coverage_gaps, b.coverage_gaps);
}

fn error(text: &str) -> String {
    Baseline::parse(text, "old.json").unwrap_err().to_string()
}

#[test]
fn bad_input_is_named_with_line_and_column() {
    let truncated = "{\n  \"report_version\": 1,\n  \"findings\": [\n    {\"check_id\": \"DC-001\"";
    let e = error(truncated);
    assert!(e.starts_with("old.json:4:"), "{e}");
    assert!(e.contains("truncated"), "{e}");

    let bad_severity = "{\n  \"report_version\": 1,\n  \"findings\": [\n    {\"check_id\": \"DC-001\", \"severity\": \"urgent\",\n     \"title\": \"t\", \"resource\": {\"platform\": \"docker\", \"kind\": \"Container\", \"name\": \"x\"}, \"fingerprint\": \"f\"}\n  ]\n}\n";
    let e = error(bad_severity);
    assert!(e.starts_with("old.json:4:"), "{e}");
    assert!(
        e.contains("not a valid scan report (JSON)") && e.contains("urgent"),
        "{e}"
    );

    let missing = "{\"findings\": [{\"check_id\": \"DC-001\"}]}";
    let e = error(missing);
    assert!(e.starts_with("old.json:1:"), "{e}");
    assert!(e.contains("missing field"), "{e}");

    assert_eq!(
        error("[1, 2]"),
        "old.json:1:1: expected a JSON object at the top level\n  hint: give a Docket snapshot (`docket snapshot save`), a `docket scan -f json` report or a session export in JSON"
    );
    let e = error("{\"kind\": \"Pod\"}");
    assert!(
        e.starts_with("old.json:1:1: not a Docket snapshot, scan report or session export"),
        "{e}"
    );
    assert!(error("  \n").starts_with("old.json: the file is empty"));
    let e = error("{\"schema_version\": 99}");
    assert!(e.contains("schema version 99, newer"), "{e}");
    let e = error("{\"schema_version\": 1, \"docker\": {\"containers\": 5}}");
    assert!(
        e.starts_with("old.json:1:") && e.contains("not a valid Docket snapshot"),
        "{e}"
    );
    let e = error("{\"findings\": []} trailing");
    assert!(e.starts_with("old.json:1:18:"), "{e}");
}

fn docket(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_docket"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn the_diff_command_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.json");
    let new = dir.path().join("new.json");
    std::fs::write(&old, serde_json::to_string(&demo()).unwrap()).unwrap();
    let changed = changed_demo();
    let report_json = report::render(&Report::new(&changed, &scan(&changed), NOW), Format::Json);
    std::fs::write(&new, report_json).unwrap();

    let out = dir.path().join("diff.json");
    let o = docket(&[
        "diff".as_ref(),
        old.as_os_str(),
        new.as_os_str(),
        "-f".as_ref(),
        "json".as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(
        (
            v["counts"]["new"].as_u64(),
            v["counts"]["resolved"].as_u64()
        ),
        (Some(1), Some(1))
    );
    assert_eq!(v["new"][0]["check_id"], "DC-011");
    assert_eq!(v["new"][0]["resource"]["name"], "lumen-redis-1");
    assert_eq!(v["resolved"][0]["resource"]["name"], "netdata");
    assert_eq!(v["baseline"]["kind"], "Docket snapshot");
    assert_eq!(v["current"]["kind"], "scan report (JSON)");

    let o = docket(&["diff".as_ref(), old.as_os_str(), new.as_os_str()]);
    let table = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success());
    assert!(table.contains("\nNEW (1)\n  high     DC-011"), "{table}");
    assert!(
        table.contains("\nRESOLVED (1)\n  critical DC-001"),
        "{table}"
    );
    let unchanged = v["counts"]["unchanged"].as_u64().unwrap();
    assert!(table.contains(&format!("1 new, 1 resolved, {unchanged} unchanged")));

    let o = docket(&[
        "diff".as_ref(),
        old.as_os_str(),
        new.as_os_str(),
        "-f".as_ref(),
        "md".as_ref(),
    ]);
    let md = String::from_utf8_lossy(&o.stdout);
    assert!(
        md.contains("## New (1)\n\n| Severity | Check | Resource | Fingerprint |"),
        "{md}"
    );
    assert!(md.contains(&format!("## Unchanged ({unchanged})")));

    let broken = dir.path().join("broken.json");
    std::fs::write(
        &broken,
        "{\n  \"findings\": [\n    {\"check_id\": 7}\n  ]\n}\n",
    )
    .unwrap();
    let o = docket(&["diff".as_ref(), broken.as_os_str(), new.as_os_str()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.starts_with(&format!("docket: {}:3:", broken.display())),
        "{err}"
    );
    let o = docket(&[
        "diff".as_ref(),
        dir.path().join("nope.json").as_os_str(),
        new.as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("nope.json"));
    std::fs::write(&broken, b"{\"findings\": [\xff]}").unwrap();
    let o = docket(&["diff".as_ref(), broken.as_os_str(), new.as_os_str()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains(":1:15: invalid UTF-8"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}
