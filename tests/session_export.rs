//! Session exports (issue 6, item 5): golden files of the four formats on a small
//! hand-built session (a book with a record in every triage state, fixed and reopened
//! included; an active, an expired and an unused rule; a remediation applied and verified in
//! a real session log), the head hash in every format and checked against the real log by
//! the command the export prints, no canary in any format, and 150,000 findings.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use docket::checks::{self, CheckResult, Outcome, ScanResult, Selection, Severity};
use docket::findings::suppress::{Evaluation, NoContext, RuleSet, SnapshotContext};
use docket::findings::triage::{reconcile, TriageBook, TriageState};
use docket::findings::{fingerprint, sort, Finding, ResourceRef};
use docket::model::{DataKind, Snapshot, SourceInfo, SourceKind};
use docket::report::session::{render, SessionFormat, SessionInput};
use docket::session::{self, Entry, Event, RemediationAction, SessionLog, SuppressionAction};
use time::macros::datetime;
use time::OffsetDateTime;

const GENERATED: &str = "2025-06-01T12:30:00Z";
const LOG_PATH: &str = "/var/lib/docket/sessions/20250601T090000Z-4242.jsonl";
const NOW: OffsetDateTime = datetime!(2025-06-01 12:00:00 UTC);

const RULES: &str = r#"
[[rule]]
id = "rule-metrics"
checks = ["DC-011"]
reason = "the metrics agent needs the host network"
author = "ana"
created = "2025-05-01T00:00:00Z"
expires = "2026-01-01T00:00:00Z"
[rule.scope]
workload = "Container/metrics"

[[rule]]
id = "rule-legacy"
checks = ["DI-001"]
reason = "legacy image, replaced in May"
author = "bob"
expires = "2025-05-31T00:00:00Z"
[rule.scope]
workload = "Image/legacy:*"

[[rule]]
id = "rule-unused"
checks = ["KR-*"]
reason = "no cluster in this engagement"
"#;

fn finding(check: &str, resource: ResourceRef, message: &str) -> Finding {
    let c = checks::find(check).expect("check in the catalog");
    Finding {
        check_id: check.into(),
        severity: c.severity,
        title: c.title.into(),
        fingerprint: fingerprint(check, &resource, ""),
        resource,
        message: message.into(),
        evidence: Vec::new(),
        discriminator: String::new(),
    }
}

fn container(name: &str) -> ResourceRef {
    ResourceRef::docker("Container", name, "lab")
}

fn image(name: &str) -> ResourceRef {
    ResourceRef::docker("Image", name, "lab")
}

/// The hand-built session, with its log written by the real writer in a temp dir.
struct Fixture {
    snapshot: Snapshot,
    scan: ScanResult,
    book: TriageBook,
    rules: RuleSet,
    evaluation: Evaluation,
    entries: Vec<Entry>,
    head: String,
    log_file: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

/// Fingerprints by role.
struct Fps {
    reopened: String,
    plain: String,
    ack: String,
    progress: String,
    accepted: String,
    false_positive: String,
    suppressed: String,
    expired_rule: String,
    gone: String,
}

fn findings() -> (Vec<Finding>, Finding, Finding) {
    let reopened = finding(
        "DC-001",
        container("web"),
        "container web runs with --privileged",
    );
    let gone = finding(
        "DC-010",
        container("old-runner"),
        "container old-runner mounts the Docker socket",
    );
    let mut all = vec![
        reopened.clone(),
        finding("DI-002", image("app:1"), "image app:1 has no HEALTHCHECK"),
        finding(
            "DC-011",
            container("cache"),
            "container cache shares the host network namespace",
        ),
        finding(
            "KW-001",
            ResourceRef::kube("Deployment", Some("shop"), "api").with_container("app"),
            "container app runs privileged",
        ),
        finding(
            "DI-006",
            image("app:latest"),
            "image app:latest is tagged latest",
        ),
        finding(
            "DC-008",
            container("web"),
            "no-new-privileges not set on web",
        ),
        finding(
            "DC-011",
            container("metrics"),
            "container metrics shares the host network namespace",
        ),
        finding("DI-001", image("legacy:2"), "image legacy:2 runs as root"),
    ];
    sort(&mut all);
    (all, reopened, gone)
}

fn fps(all: &[Finding], gone: &Finding) -> Fps {
    let fp = |check: &str, name: &str| {
        all.iter()
            .find(|f| f.check_id == check && f.resource.name == name)
            .map(|f| f.fingerprint.clone())
            .expect("fixture finding")
    };
    Fps {
        reopened: fp("DC-001", "web"),
        plain: fp("DI-002", "app:1"),
        ack: fp("DC-011", "cache"),
        progress: fp("KW-001", "api"),
        accepted: fp("DI-006", "app:latest"),
        false_positive: fp("DC-008", "web"),
        suppressed: fp("DC-011", "metrics"),
        expired_rule: fp("DI-001", "legacy:2"),
        gone: gone.fingerprint.clone(),
    }
}

fn fixture() -> (Fixture, Fps) {
    let (all, reopened, gone) = findings();
    let ids = fps(&all, &gone);
    let by_fp = |fp: &str| all.iter().find(|f| f.fingerprint == fp).expect("finding");

    // Triage as an operator would: states, an owner, a note; then two scans confirm one
    // record fixed and reopen another.
    let mut book = TriageBook::default();
    let t0 = datetime!(2025-06-01 09:10:00 UTC);
    book.set_state(&gone, TriageState::Acknowledged, "ana", t0)
        .unwrap();
    book.set_state(&reopened, TriageState::InProgress, "ana", t0)
        .unwrap();
    book.set_state(by_fp(&ids.ack), TriageState::Acknowledged, "ana", t0)
        .unwrap();
    book.set_owner(by_fp(&ids.ack), Some("team-platform"));
    book.set_state(by_fp(&ids.progress), TriageState::InProgress, "bob", t0)
        .unwrap();
    book.add_note(
        by_fp(&ids.progress),
        "bob",
        "patch drafted <b>PR 42</b>\nneeds | review & sign-off",
        t0,
    )
    .unwrap();
    let accepted = TriageState::RiskAccepted {
        reason: "vendor image; pinned by digest in Q3".into(),
        expires: "2025-12-31T00:00:00Z".into(),
    };
    book.set_state(by_fp(&ids.accepted), accepted, "ana", t0)
        .unwrap();
    let fp_state = TriageState::FalsePositive {
        reason: "no-new-privileges is set in daemon.json".into(),
    };
    book.set_state(by_fp(&ids.false_positive), fp_state, "ana", t0)
        .unwrap();
    let without = |skip: &[&str]| -> Vec<Finding> {
        all.iter()
            .filter(|f| !skip.contains(&f.fingerprint.as_str()))
            .cloned()
            .collect()
    };
    reconcile(
        &mut book,
        &without(&[&ids.reopened]),
        &|_| true,
        datetime!(2025-06-01 10:00:00 UTC),
    );
    reconcile(
        &mut book,
        &all,
        &|_| true,
        datetime!(2025-06-01 11:00:00 UTC),
    );

    let rules = RuleSet::from_toml(RULES, "suppressions.toml").unwrap();
    let evaluation = rules.evaluate(&all, &NoContext, NOW);

    let mut snapshot = Snapshot::new();
    snapshot.created_at = "2025-06-01T08:59:00Z".into();
    snapshot.sources.push(SourceInfo {
        kind: SourceKind::Docker,
        location: "unix:///var/run/docker.sock".into(),
        detail: "Docker 27.3.1".into(),
    });
    snapshot.coverage.missing(
        DataKind::DockerImageHistory,
        "lab",
        "the daemon answered 500 for 2 images",
    );
    let results = vec![
        CheckResult {
            check_id: "DC-001".into(),
            outcome: Outcome::Evaluated,
            findings: 1,
        },
        CheckResult {
            check_id: "DI-003".into(),
            outcome: Outcome::NotEvaluated(vec!["image history could not be read".into()]),
            findings: 0,
        },
        CheckResult {
            check_id: "DI-005".into(),
            outcome: Outcome::Partial(vec!["history missing for 2 images".into()]),
            findings: 0,
        },
    ];
    let scan = ScanResult {
        findings: all.clone(),
        results,
    };

    let dir = tempfile::tempdir().unwrap();
    let mut log = SessionLog::create(dir.path(), "2025-06-01T09:00:00Z").unwrap();
    let events = session_events(&ids);
    for (at, event) in events {
        log.append(at, event).unwrap();
    }
    let head = log.head();
    let log_file = log.path().to_path_buf();
    let read = session::read::entries(&std::fs::read(&log_file).unwrap());
    assert!(read.unreadable.is_empty());
    let fixture = Fixture {
        snapshot,
        scan,
        book,
        rules,
        evaluation,
        entries: read.entries,
        head,
        log_file,
        _dir: dir,
    };
    (fixture, ids)
}

fn session_events(ids: &Fps) -> Vec<(&'static str, Event)> {
    let remediation = |action, dry_run, detail: &str| Event::Remediation {
        action,
        fingerprint: ids.ack.clone(),
        target: "container cache on host lab".into(),
        plan_digest: "5f1c0ffee0ddba11".into(),
        dry_run,
        detail: detail.into(),
    };
    vec![
        (
            "2025-06-01T09:00:00Z",
            Event::SessionStart {
                operator: "ana".into(),
                host: "laptop".into(),
                docket_version: "0.1.0".into(),
                sources: vec!["docker unix:///var/run/docker.sock".into()],
                contexts: vec![],
                read_only: false,
            },
        ),
        (
            "2025-06-01T09:01:00Z",
            Event::Scan {
                id: "1".into(),
                findings: 8,
                by_severity: BTreeMap::from([("high".to_string(), 3)]),
                coverage_gaps: vec!["image history (lab)".into()],
                took_ms: 40,
            },
        ),
        (
            "2025-06-01T09:10:00Z",
            Event::Triage {
                fingerprint: ids.ack.clone(),
                check_id: "DC-011".into(),
                resource: "Container cache @lab".into(),
                from: "open".into(),
                to: "acknowledged".into(),
                reason: None,
                expires: None,
                by: "ana".into(),
            },
        ),
        (
            "2025-06-01T09:20:00Z",
            Event::Suppression {
                action: SuppressionAction::Created,
                rule_id: "rule-metrics".into(),
                rule: "checks = [\"DC-011\"]".into(),
            },
        ),
        (
            "2025-06-01T09:30:00Z",
            remediation(RemediationAction::Planned, false, ""),
        ),
        (
            "2025-06-01T09:31:00Z",
            remediation(RemediationAction::Applied, false, "paused container cache"),
        ),
        (
            "2025-06-01T09:32:00Z",
            remediation(
                RemediationAction::Verified,
                false,
                "container cache is paused",
            ),
        ),
        (
            "2025-06-01T11:00:00Z",
            Event::Scan {
                id: "2".into(),
                findings: 8,
                by_severity: BTreeMap::from([("high".to_string(), 3)]),
                coverage_gaps: vec![],
                took_ms: 38,
            },
        ),
    ]
}

fn input<'a>(f: &'a Fixture, log_path: &'a str) -> SessionInput<'a> {
    SessionInput {
        snapshot: &f.snapshot,
        scan: &f.scan,
        book: &f.book,
        rules: &f.rules,
        evaluation: &f.evaluation,
        entries: &f.entries,
        log_path,
        head_hash: &f.head,
        generated_at: GENERATED,
    }
}

fn golden(name: &str, text: String) {
    insta::with_settings!({
        snapshot_path => "golden/session",
        prepend_module_to_snapshot => false,
    }, {
        insta::assert_snapshot!(name, text);
    });
}

#[test]
fn golden_markdown() {
    let (f, _) = fixture();
    golden(
        "session_markdown",
        render(&input(&f, LOG_PATH), SessionFormat::Markdown),
    );
}

#[test]
fn golden_html() {
    let (f, _) = fixture();
    golden(
        "session_html",
        render(&input(&f, LOG_PATH), SessionFormat::Html),
    );
}

#[test]
fn golden_json() {
    let (f, _) = fixture();
    golden(
        "session_json",
        render(&input(&f, LOG_PATH), SessionFormat::Json),
    );
}

#[test]
fn golden_csv() {
    let (f, _) = fixture();
    golden(
        "session_csv",
        render(&input(&f, LOG_PATH), SessionFormat::Csv),
    );
}

/// A minimal RFC 4180 reader (quoted fields may hold commas, quotes and line breaks).
fn parse_csv(s: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut cell, mut quoted) = (Vec::new(), Vec::new(), String::new(), false);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut cell)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => cell.push(c),
        }
    }
    rows
}

#[test]
fn the_head_hash_is_in_every_format_and_on_every_csv_row() {
    let (f, _) = fixture();
    assert_eq!(f.head.len(), 64);
    let input = input(&f, LOG_PATH);
    for format in SessionFormat::ALL {
        let out = render(&input, format);
        assert!(out.contains(&f.head), "{format}: no head hash");
    }
    let md = render(&input, SessionFormat::Markdown);
    assert!(md.contains(&format!("`docket log verify {LOG_PATH} --head {}`", f.head)));
    let json: serde_json::Value =
        serde_json::from_str(&render(&input, SessionFormat::Json)).unwrap();
    assert_eq!(json["session"]["head_hash"], f.head.as_str());
    assert_eq!(json["session"]["log_path"], LOG_PATH);
    let rows = parse_csv(&render(&input, SessionFormat::Csv));
    let head_col = rows[0].iter().position(|c| c == "log_head").unwrap();
    // 8 findings + 1 fixed record + 1 not evaluated + 1 partial + 1 coverage gap.
    assert_eq!(rows.len(), 1 + 12);
    for row in &rows[1..] {
        assert_eq!(row.len(), rows[0].len(), "ragged row {row:?}");
        assert_eq!(row[head_col], f.head);
    }
}

#[test]
fn findings_are_grouped_by_triage_state_with_rules_and_remediations() {
    let (f, ids) = fixture();
    let v: serde_json::Value =
        serde_json::from_str(&render(&input(&f, LOG_PATH), SessionFormat::Json)).unwrap();
    let s = &v["summary"];
    assert_eq!(
        s["by_state"],
        serde_json::json!({"open": 3, "acknowledged": 1, "in_progress": 1, "risk_accepted": 1,
            "false_positive": 1, "fixed": 1, "suppressed": 1})
    );
    assert_eq!(
        (s["findings"].as_u64(), s["suppressed"].as_u64()),
        (Some(8), Some(1))
    );
    assert_eq!(s["fixed_no_longer_found"], 1);
    assert_eq!(
        s["remediations"],
        serde_json::json!({"planned": 1, "viewed": 0, "copied": 0, "applied": 1, "verified": 1,
            "failed": 0})
    );
    let by_fp: BTreeMap<&str, &serde_json::Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["fingerprint"].as_str().unwrap(), f))
        .collect();
    assert_eq!(by_fp.len(), 8);
    let state = |fp: &str| by_fp[fp]["state"].as_str().unwrap();
    assert_eq!(state(&ids.plain), "open");
    assert_eq!(state(&ids.reopened), "open");
    assert_eq!(
        by_fp[ids.reopened.as_str()]["reopened"],
        "2025-06-01T11:00:00Z"
    );
    assert_eq!(state(&ids.ack), "acknowledged");
    assert_eq!(by_fp[ids.ack.as_str()]["owner"], "team-platform");
    assert_eq!(state(&ids.progress), "in_progress");
    assert_eq!(
        by_fp[ids.progress.as_str()]["notes"][0]["text"],
        "patch drafted <b>PR 42</b>\nneeds | review & sign-off"
    );
    assert_eq!(state(&ids.accepted), "risk_accepted");
    assert_eq!(
        by_fp[ids.accepted.as_str()]["expires"],
        "2025-12-31T00:00:00Z"
    );
    assert_eq!(state(&ids.false_positive), "false_positive");
    assert_eq!(
        by_fp[ids.suppressed.as_str()]["suppressed_by"],
        serde_json::json!({"rule": "rule-metrics", "reason": "the metrics agent needs the host network",
            "expires": "2026-01-01T00:00:00Z"})
    );
    // Matched only by the expired rule: not suppressed.
    assert!(by_fp[ids.expired_rule.as_str()]["suppressed_by"].is_null());
    let fixed = v["fixed"].as_array().unwrap();
    assert_eq!(fixed.len(), 1);
    assert_eq!(fixed[0]["fingerprint"], ids.gone.as_str());
    assert_eq!(fixed[0]["confirmed_at"], "2025-06-01T10:00:00Z");
    assert_eq!(fixed[0]["severity"], Severity::Critical.as_str());
    let rules: Vec<(&str, &str, u64, u64)> = v["suppression_rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap(),
                r["status"].as_str().unwrap(),
                r["matches"].as_u64().unwrap(),
                r["hides"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rules,
        [
            ("rule-metrics", "active", 1, 1),
            ("rule-legacy", "expired", 1, 0),
            ("rule-unused", "unused", 0, 0)
        ]
    );
    let rem: Vec<(&str, &str, &str)> = v["remediations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["action"].as_str().unwrap(),
                r["check_id"].as_str().unwrap(),
                r["detail"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rem,
        [
            ("planned", "DC-011", ""),
            ("applied", "DC-011", "paused container cache"),
            ("verified", "DC-011", "container cache is paused")
        ]
    );
    assert_eq!(v["session"]["operator"], "ana");
    assert_eq!(v["session"]["last_scan_at"], "2025-06-01T11:00:00Z");
    assert_eq!(v["session"]["entries"], 8);
}

#[test]
fn operator_text_is_escaped_in_html_and_markdown() {
    let (f, _) = fixture();
    let input = input(&f, LOG_PATH);
    let html = render(&input, SessionFormat::Html);
    assert!(!html.contains("<b>PR 42</b>"), "raw HTML from a note");
    assert!(
        html.contains("patch drafted &lt;b&gt;PR 42&lt;/b&gt;<br>needs | review &amp; sign-off")
    );
    assert_eq!(
        html.matches("<table>").count(),
        html.matches("</table>").count()
    );
    let md = render(&input, SessionFormat::Markdown);
    assert!(!md.contains("<b>PR 42</b>"));
    assert!(
        md.contains("patch drafted &lt;b&gt;PR 42&lt;/b&gt;<br>needs \\| review &amp; sign-off")
    );
}

/// The command an export prints checks it against the real log: ok as written, and a
/// failure once a line up to the export is cut from the end.
#[test]
fn the_printed_verify_command_checks_the_export_against_its_log() {
    let (f, _) = fixture();
    let path = f.log_file.display().to_string();
    let v: serde_json::Value =
        serde_json::from_str(&render(&input(&f, &path), SessionFormat::Json)).unwrap();
    let cmd = v["session"]["verify_command"].as_str().unwrap();
    assert_eq!(cmd, format!("docket log verify {path} --head {}", f.head));
    let run = |file: &Path| {
        Command::new(env!("CARGO_BIN_EXE_docket"))
            .args(["log", "verify"])
            .arg(file)
            .args(["--head", &f.head])
            .output()
            .unwrap()
    };
    let ok = run(&f.log_file);
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).ends_with("; the expected head is line 8\n"));
    let bytes = std::fs::read(&f.log_file).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    let cut: String = text.lines().take(7).map(|l| format!("{l}\n")).collect();
    let cut_file = f.log_file.with_extension("cut.jsonl");
    std::fs::write(&cut_file, cut).unwrap();
    let bad = run(&cut_file);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stdout).contains("is not the hash of any of the 7 lines"));
}

/// Planted in assets/demo (tests/fixtures/canaries.txt).
fn demo_canaries() -> Vec<String> {
    include_str!("fixtures/canaries.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

#[test]
fn no_canary_in_any_format_of_a_demo_session() {
    let canaries = demo_canaries();
    assert!(canaries.len() >= 6);
    let loaded = docket::sources::demo::load().unwrap();
    let snapshot = loaded.snapshot;
    let scan = checks::run(&snapshot, &Selection::default());
    let mut book = TriageBook::default();
    for (i, f) in scan.findings.iter().take(12).enumerate() {
        let state = match i % 3 {
            0 => TriageState::Acknowledged,
            1 => TriageState::InProgress,
            _ => TriageState::FalsePositive {
                reason: "checked by hand".into(),
            },
        };
        book.set_state(f, state, "ana", NOW).unwrap();
        book.add_note(f, "ana", "looked at it", NOW).unwrap();
    }
    let rules = RuleSet::from_toml(RULES, "suppressions.toml").unwrap();
    let evaluation = rules.evaluate(&scan.findings, &SnapshotContext::new(&snapshot), NOW);
    // Secrets in log text go through the writer's scrubbing, as in a real session.
    let dir = tempfile::tempdir().unwrap();
    let mut log = SessionLog::create(dir.path(), "2025-06-01T09:00:00Z").unwrap();
    let first = &scan.findings[0];
    let leaky = [
        Event::SessionStart {
            operator: "ana".into(),
            host: "laptop".into(),
            docket_version: "0.1.0".into(),
            sources: vec!["postgres://app:Canary-Pa55w0rd-Lumen@db:5432/x".into()],
            contexts: vec![],
            read_only: true,
        },
        Event::Remediation {
            action: RemediationAction::Failed,
            fingerprint: first.fingerprint.clone(),
            target: first.resource.display(),
            plan_digest: "00".into(),
            dry_run: true,
            detail: "env AWS_ACCESS_KEY_ID=AKIALUMENCANARY00001 GITHUB_TOKEN=ghp_canaryLumenDemoToken0000111122223333".into(),
        },
    ];
    for event in leaky {
        log.append("2025-06-01T09:00:00Z", event).unwrap();
    }
    let entries = session::read::entries(&std::fs::read(log.path()).unwrap()).entries;
    assert_eq!(entries.len(), 2);
    let head = log.head();
    let path = log.path().display().to_string();
    let input = SessionInput {
        snapshot: &snapshot,
        scan: &scan,
        book: &book,
        rules: &rules,
        evaluation: &evaluation,
        entries: &entries,
        log_path: &path,
        head_hash: &head,
        generated_at: GENERATED,
    };
    for format in SessionFormat::ALL {
        let out = render(&input, format);
        assert!(
            out.contains(&first.fingerprint),
            "{format}: the demo findings are missing"
        );
        for c in &canaries {
            assert!(
                !out.contains(c.as_str()),
                "{format} export contains the canary {c:?}"
            );
        }
    }
}

/// 150,000 findings, a third of them triaged, through every format: linear work (a
/// quadratic step would not finish), exact row counts.
#[test]
fn exports_150000_findings() {
    const N: usize = 150_000;
    let mut all: Vec<Finding> = (0..N)
        .map(|i| {
            let r = ResourceRef::kube(
                "Deployment",
                Some(&format!("ns-{}", i % 300)),
                &format!("app-{i}"),
            )
            .with_container("main");
            finding(if i % 2 == 0 { "KW-001" } else { "DC-011" }, r, "m")
        })
        .collect();
    sort(&mut all);
    let mut book = TriageBook::default();
    for f in all.iter().step_by(3) {
        book.set_state(f, TriageState::Acknowledged, "ana", NOW)
            .unwrap();
    }
    let rules = RuleSet::from_toml(RULES, "s.toml").unwrap();
    let evaluation = rules.evaluate(&all, &NoContext, NOW);
    let snapshot = Snapshot::new();
    let scan = ScanResult {
        findings: all,
        results: Vec::new(),
    };
    let head = "ab".repeat(32);
    let input = SessionInput {
        snapshot: &snapshot,
        scan: &scan,
        book: &book,
        rules: &rules,
        evaluation: &evaluation,
        entries: &[],
        log_path: LOG_PATH,
        head_hash: &head,
        generated_at: GENERATED,
    };
    let csv = render(&input, SessionFormat::Csv);
    assert_eq!(csv.matches("\r\n").count(), N + 1);
    let json: serde_json::Value =
        serde_json::from_str(&render(&input, SessionFormat::Json)).unwrap();
    assert_eq!(json["findings"].as_array().map(Vec::len), Some(N));
    assert_eq!(json["summary"]["by_state"]["acknowledged"], N.div_ceil(3));
    let md = render(&input, SessionFormat::Markdown);
    assert_eq!(md.matches("| `KW-001` ").count(), N / 2);
    let html = render(&input, SessionFormat::Html);
    assert_eq!(html.matches("<code>DC-011</code>").count(), N / 2);
}
