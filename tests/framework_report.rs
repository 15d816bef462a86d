//! Per-framework compliance reports (issue 7, item 4): goldens on the demo, every control
//! of every framework exactly once in each format, accepted / not evaluated with their
//! reasons on the demo, and the `docket report` command's exit codes.

use std::process::{Command, Output};

use docket::checks::{self, Framework, Selection};
use docket::findings::suppress::{RuleSet, SnapshotContext, SuppressionRule};
use docket::model::{CoverageStatus, DataKind, Snapshot};
use docket::report::framework::{self, FrameworkFormat};
use docket::report::html::escape_html;
use docket::report::markdown::text;
use docket::report::{ControlStatus, Report};
use time::macros::datetime;

const FIXED_TIME: &str = "2026-11-01T09:00:00Z";

fn demo() -> Snapshot {
    docket::sources::demo::load()
        .expect("the embedded demo loads")
        .snapshot
}

fn golden(name: &str, text: String) {
    insta::with_settings!({
        snapshot_path => "golden/framework",
        prepend_module_to_snapshot => false,
    }, {
        insta::assert_snapshot!(name, text);
    });
}

fn demo_render(fw: Framework, format: FrameworkFormat) -> String {
    let snap = demo();
    let scan = checks::run(&snap, &Selection::default());
    let report = Report::new(&snap, &scan, FIXED_TIME);
    framework::render(&framework::build(&report, fw), format)
}

#[test]
fn golden_gdpr_and_pci_in_every_format() {
    for fw in [Framework::Gdpr, Framework::PciDss4] {
        for format in FrameworkFormat::ALL {
            golden(
                &format!("{}_{}", fw.slug(), format.name()),
                demo_render(fw, format),
            );
        }
    }
}

#[test]
fn golden_pss_and_cis_docker_markdown() {
    golden(
        "pss_markdown",
        demo_render(Framework::Pss, FrameworkFormat::Markdown),
    );
    golden(
        "cis-docker_markdown",
        demo_render(Framework::CisDocker, FrameworkFormat::Markdown),
    );
}

/// A minimal RFC 4180 reader (quoted fields may hold commas, quotes and line breaks).
fn parse_csv(s: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut field) = (Vec::new(), Vec::new(), String::new());
    let mut quoted = false;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    rows
}

#[test]
fn every_control_of_every_framework_appears_exactly_once_in_each_format() {
    let snap = demo();
    let scan = checks::run(&snap, &Selection::default());
    let report = Report::new(&snap, &scan, FIXED_TIME);
    for fw in Framework::ALL {
        let r = framework::build(&report, fw);
        let controls: Vec<_> = fw.controls().collect();
        assert!(
            controls.len() >= 6,
            "{}: only {}",
            fw.name(),
            controls.len()
        );
        assert_eq!(r.controls.len(), controls.len(), "{}", fw.name());
        assert_eq!(r.score.total(), controls.len(), "{}", fw.name());

        let md = framework::render(&r, FrameworkFormat::Markdown);
        let html = framework::render(&r, FrameworkFormat::Html);
        let json: serde_json::Value =
            serde_json::from_str(&framework::render(&r, FrameworkFormat::Json)).expect("json");
        let csv = parse_csv(&framework::render(&r, FrameworkFormat::Csv));
        assert_eq!(csv[0][1], "record");
        let json_controls = json["controls"].as_array().expect("controls array");
        assert_eq!(json_controls.len(), controls.len(), "{} json", fw.name());
        let csv_controls = csv.iter().filter(|row| row[1] == "control").count();
        assert_eq!(csv_controls, controls.len(), "{} csv", fw.name());

        for c in controls {
            let what = format!("{} {}", fw.name(), c.id);
            let md_row = format!("| {} | {} | ", text(c.id), text(c.title));
            assert_eq!(md.matches(&md_row).count(), 1, "{what}: markdown");
            let html_row = format!(
                "<tr class=\"control\"><td>{}</td><td>{}</td>",
                escape_html(c.id),
                escape_html(c.title)
            );
            assert_eq!(html.matches(&html_row).count(), 1, "{what}: html");
            let n = json_controls.iter().filter(|v| v["id"] == c.id).count();
            assert_eq!(n, 1, "{what}: json");
            let n = csv
                .iter()
                .filter(|row| row[1] == "control" && row[2] == c.id)
                .count();
            assert_eq!(n, 1, "{what}: csv");
        }
    }
}

#[test]
fn demo_scan_with_the_network_policies_forbidden_leaves_their_controls_not_evaluated() {
    let mut snap = demo();
    let gap = "403 Forbidden: grant list on networkpolicies (assets/rbac/docket-reader.yaml)";
    snap.coverage
        .entries
        .retain(|e| e.kind != DataKind::KubeNetworkPolicies);
    snap.coverage
        .missing(DataKind::KubeNetworkPolicies, "cluster", gap);
    assert!(snap
        .coverage
        .entries
        .iter()
        .any(|e| e.status == CoverageStatus::Missing && e.reason == gap));
    // Only the network-policy checks, so no other check's findings fail their controls.
    let only_network = Selection {
        include: vec!["KN-001".into(), "KN-002".into(), "KN-003".into()],
        ..Selection::default()
    };
    let scan = checks::run(&snap, &only_network);
    let report = Report::new(&snap, &scan, FIXED_TIME);
    let mut seen = 0;
    for fw in Framework::ALL {
        let r = framework::build(&report, fw);
        for c in r
            .controls
            .iter()
            .filter(|c| c.checks.iter().any(|k| k.id == "KN-001"))
        {
            let k = c.checks.iter().find(|k| k.id == "KN-001").expect("KN-001");
            assert_eq!(k.outcome, "not evaluated");
            assert_eq!(
                c.status,
                ControlStatus::NotEvaluated,
                "{} {}",
                fw.name(),
                c.control.id
            );
            seen += 1;
            assert!(
                c.reasons.iter().any(|r| r.contains("KN-001")
                    && r.contains(": not evaluated: Kubernetes network policies: cluster: ")
                    && r.contains(gap)),
                "{:?}",
                c.reasons
            );
        }
    }
    let kn1 = checks::find("KN-001").expect("KN-001");
    assert_eq!(seen, kn1.controls.len(), "every control KN-001 serves");
}

#[test]
fn demo_findings_suppressed_by_a_rule_make_their_controls_accepted() {
    let snap = demo();
    let scan = checks::run(&snap, &Selection::default());
    // Suppress every finding of the checks serving PSS baseline: Privileged Containers.
    let mut rule = SuppressionRule::new(vec!["KW-001".into()], "break-glass debug pods, ADR-7");
    rule.id = "privileged-debug".into();
    rule.expires = Some(datetime!(2027-06-30 0:00 UTC));
    let set = RuleSet { rules: vec![rule] };
    let eval = set.evaluate(
        &scan.findings,
        &SnapshotContext::new(&snap),
        datetime!(2026-11-01 0:00 UTC),
    );
    let report = Report::with_suppressions(&snap, &scan, FIXED_TIME, &set, &eval, "s.toml");
    let r = framework::build(&report, Framework::Pss);
    let c = r
        .controls
        .iter()
        .find(|c| c.control.id == "baseline: Privileged Containers")
        .expect("control");
    assert!(!c.accepted.is_empty(), "the demo has privileged pods");
    assert_eq!(c.status, ControlStatus::Accepted);
    assert!(c.findings.is_empty());
    assert!(c.detail().contains(
        "suppressed by privileged-debug: break-glass debug pods, ADR-7 (expires 2027-06-30T00:00:00Z)"
    ));
    let unsuppressed = Report::new(&snap, &scan, FIXED_TIME);
    let before = framework::build(&unsuppressed, Framework::Pss);
    assert_eq!(before.score.failed, r.score.failed + 1);
    assert_eq!(r.score.accepted, before.score.accepted + 1);
    assert_eq!(
        r.score.passed, before.score.passed,
        "accepted is never passed"
    );
}

fn docket(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_docket"))
        .args(args)
        .env("NO_COLOR", "1")
        .env("DOCKET_CONFIG_DIR", "/nonexistent/docket-test-config")
        .output()
        .expect("the docket binary runs")
}

#[test]
fn unknown_framework_exits_2_with_the_list() {
    let o = docket(&["report", "--demo", "--framework", "iso27001"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("unknown framework \"iso27001\""), "{err}");
    for fw in Framework::ALL {
        assert!(err.contains(fw.slug()), "{err}: {} missing", fw.slug());
    }
    assert!(err.contains("or all"), "{err}");
    assert!(o.stdout.is_empty());
}

#[test]
fn report_command_skip_checks_makes_controls_not_evaluated() {
    let o = docket(&[
        "report",
        "--demo",
        "--framework",
        "pss",
        "--format",
        "json",
        "--skip-checks",
        "KW-019",
        "--no-suppress",
        "-q",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["framework"], "pss");
    let hp = v["controls"]
        .as_array()
        .expect("controls")
        .iter()
        .find(|c| c["id"] == "baseline: HostProcess")
        .expect("HostProcess control");
    assert_eq!(hp["status"], "not_evaluated");
    assert_eq!(
        hp["reasons"][0],
        "KW-019: disabled (check selection, e.g. --checks / --skip-checks, or switched off in the workbench)"
    );

    // `all` prints every framework in one document.
    let o = docket(&["report", "--demo", "--framework", "all", "-f", "csv", "-q"]);
    assert_eq!(o.status.code(), Some(0));
    let rows = parse_csv(&String::from_utf8_lossy(&o.stdout));
    for fw in Framework::ALL {
        let n = rows
            .iter()
            .filter(|r| r[0] == fw.slug() && r[1] == "control")
            .count();
        assert_eq!(n, fw.controls().count(), "{}", fw.slug());
    }
}
