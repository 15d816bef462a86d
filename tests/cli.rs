//! The `docket` binary as a user runs it: commands, formats, exit codes, error messages.

use std::path::Path;
use std::process::{Command, Output};

fn docket(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_docket"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the docket binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn checks_list_prints_the_whole_catalog() {
    let o = docket(&["checks", "list", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let n = v.as_array().map(Vec::len).unwrap_or(0);
    assert!(n >= 70, "catalog has {n} checks, expected at least 70");
    let text = stdout(&docket(&["checks", "list"]));
    assert!(
        text.contains("DC-001") && text.contains("CIS-D 5.5"),
        "{text}"
    );
}

#[test]
fn checks_list_filters_by_framework() {
    let all = docket(&["checks", "list", "--json"]);
    let pci = docket(&["checks", "list", "--json", "--framework", "pci"]);
    let count = |o: &Output| {
        serde_json::from_slice::<serde_json::Value>(&o.stdout)
            .ok()
            .and_then(|v| v.as_array().map(Vec::len))
            .unwrap_or(0)
    };
    assert!(count(&pci) > 0 && count(&pci) <= count(&all));
    let bad = docket(&["checks", "list", "--framework", "iso27001"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("unknown framework"),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn checks_show_prints_metadata_and_rejects_unknown_ids() {
    let o = docket(&["checks", "show", "dc-001"]);
    assert!(o.status.success());
    let text = stdout(&o);
    for part in [
        "DC-001",
        "Why it matters",
        "How to fix",
        "PCI DSS v4.0",
        "CIS-D 5.5",
    ] {
        assert!(text.contains(part), "missing {part}: {text}");
    }
    let o = docket(&["checks", "show", "NOPE-1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("docket checks list"));
}

#[test]
fn scan_demo_in_every_format() {
    for format in ["table", "json", "sarif", "markdown", "html", "csv", "junit"] {
        let o = docket(&["scan", "--demo", "--format", format, "--quiet"]);
        assert_eq!(o.status.code(), Some(0), "{format}: {}", stderr(&o));
        assert!(o.stdout.len() > 500, "{format}: output too short");
        if matches!(format, "json" | "sarif") {
            serde_json::from_slice::<serde_json::Value>(&o.stdout)
                .unwrap_or_else(|e| panic!("{format} is not JSON: {e}"));
        }
    }
}

#[test]
fn fail_on_sets_exit_code_1_only_at_or_above_the_threshold() {
    let o = docket(&["scan", "--demo", "--fail-on", "critical", "--quiet"]);
    assert_eq!(o.status.code(), Some(1), "the demo has critical findings");
    // A selection with only low/info checks cannot fail at critical.
    let o = docket(&[
        "scan",
        "--demo",
        "--checks",
        "DC-025",
        "--fail-on",
        "critical",
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn check_selection_with_globs_and_skip() {
    let o = docket(&[
        "scan", "--demo", "--format", "json", "--checks", "DC-*", "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let findings = v["findings"].as_array().cloned().unwrap_or_default();
    assert!(!findings.is_empty());
    assert!(findings
        .iter()
        .all(|f| f["check_id"].as_str().unwrap_or("").starts_with("DC-")));
    let o = docket(&[
        "scan",
        "--demo",
        "--format",
        "json",
        "--checks",
        "DC-*",
        "--skip-checks",
        "DC-001",
        "--quiet",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let findings = v["findings"].as_array().cloned().unwrap_or_default();
    assert!(findings.iter().all(|f| f["check_id"] != "DC-001"));
    let o = docket(&["scan", "--demo", "--checks", "ZZ-*"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no check matches"), "{}", stderr(&o));
}

#[test]
fn usage_and_input_errors_exit_2_and_name_the_problem() {
    let o = docket(&["scan"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--from"), "{}", stderr(&o));

    let o = docket(&["scan", "--demo", "--format", "pdf"]);
    assert_eq!(o.status.code(), Some(2));

    let o = docket(&["scan", "--from", "/nonexistent/docket-input.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("/nonexistent/docket-input.json"),
        "{}",
        stderr(&o)
    );

    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("truncated.json");
    std::fs::write(
        &bad,
        br#"{"apiVersion": "v1", "kind": "List", "items": [ {"kind": "Pod""#,
    )
    .expect("write");
    let o = docket(&["scan", "--from", bad.to_str().unwrap_or_default()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("truncated.json"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
}

#[test]
fn output_file_is_written_and_snapshot_round_trips() {
    let dir = tempfile::tempdir().expect("tempdir");
    let report = dir.path().join("report.sarif");
    let o = docket(&[
        "scan",
        "--demo",
        "--format",
        "sarif",
        "--quiet",
        "--output",
        report.to_str().unwrap_or_default(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(o.stdout.is_empty(), "report went to the file, not stdout");
    let sarif: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&report).expect("report")).expect("json");
    assert_eq!(sarif["version"], "2.1.0");

    let snap = dir.path().join("demo-snapshot.json");
    let o = docket(&[
        "snapshot",
        "save",
        snap.to_str().unwrap_or_default(),
        "--demo",
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let from_demo = docket(&["scan", "--demo", "--format", "json", "--quiet"]);
    let from_file = docket(&[
        "scan",
        "--from",
        snap.to_str().unwrap_or_default(),
        "--format",
        "json",
        "--quiet",
    ]);
    let findings = |o: &Output| {
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        v["findings"].clone()
    };
    assert_eq!(
        findings(&from_demo),
        findings(&from_file),
        "a saved snapshot read back gives the same findings and fingerprints"
    );
    assert!(Path::new(&snap).exists());
}

#[test]
fn no_subcommand_falls_back_to_the_demo_with_a_banner() {
    // Nothing reachable: point Docker at a socket that does not exist.
    let o = Command::new(env!("CARGO_BIN_EXE_docket"))
        .env("DOCKER_HOST", "unix:///nonexistent/docket-test.sock")
        .output()
        .expect("the docket binary runs");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("demo"), "{}", stderr(&o));
    assert!(stdout(&o).contains("DC-0") || stdout(&o).contains("KW-0"));
}

#[test]
fn an_unreachable_docker_daemon_is_a_quick_actionable_error() {
    let started = std::time::Instant::now();
    let o = docket(&["scan", "--docker-host", "tcp://127.0.0.1:1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(started.elapsed().as_secs() < 10);
    let err = stderr(&o);
    assert!(
        err.contains("tcp://127.0.0.1:1") && err.contains("--docker-host"),
        "{err}"
    );
}

#[test]
fn log_verify_exit_codes_say_ok_tampered_or_unreadable() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut log =
        docket::session::SessionLog::create(dir.path(), "2026-12-01T10:00:00Z").expect("log");
    for i in 0..4 {
        log.append(
            "2026-12-01T10:00:01Z",
            docket::session::Event::Note {
                fingerprint: format!("{i:016x}"),
                author: "alice".into(),
                text: format!("note {i}"),
            },
        )
        .expect("append");
    }
    let path = log.path().to_path_buf();
    let file = path.to_str().unwrap_or_default();
    let ok = docket(&["log", "verify", file]);
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    assert!(stdout(&ok).contains("ok: 4 lines"), "{}", stdout(&ok));
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::write(&path, text.replacen("note 2", "note X", 1)).expect("write");
    let bad = docket(&["log", "verify", file]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stdout(&bad).contains(":3: line 3 was changed"),
        "{}",
        stdout(&bad)
    );
    let missing = docket(&["log", "verify", "/nonexistent/session.jsonl"]);
    assert_eq!(missing.status.code(), Some(2));
}
