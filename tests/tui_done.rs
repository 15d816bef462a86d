//! Issue 6's "done means", as a new user would do it, in a real terminal against the real
//! test Docker daemon: triage ten findings, suppress two with an expiry, contain one
//! container (stop, after typing its name), export the session as HTML and Markdown, verify
//! the log; then change one byte of the log and see `docket log verify` name that line.
//!
//! Needs tmux and a Docker daemon (tests/run.sh provides both as root); skipped without
//! them, except with `CI=true`, where that fails.

#[path = "support/tmux.rs"]
mod tmux;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tmux::Tmux;

const SCENARIO: &str = "tests/docker/scenario.sh";
const SOCKET: &str = "/var/run/docker.sock";

fn ci() -> bool {
    std::env::var("CI").as_deref() == Ok("true")
}

fn daemon_available() -> bool {
    let ok = Command::new("docker")
        .args(["-H", &format!("unix://{SOCKET}"), "info"])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(ok || !ci(), "CI=true but no Docker daemon at {SOCKET}");
    ok
}

fn sh(args: &[&str]) -> Output {
    Command::new("bash")
        .arg(SCENARIO)
        .args(args)
        .output()
        .expect("bash runs")
}

struct Scenario(String);

impl Drop for Scenario {
    fn drop(&mut self) {
        let _ = sh(&["down", &self.0]);
    }
}

fn docket(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_docket"))
        .args(args)
        .output()
        .expect("docket runs")
}

fn only_file(dir: &Path, ext: &str) -> PathBuf {
    let files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    files[0].clone()
}

/// The visible row count in the findings title: `findings /FILTER [12/135]` -> 12.
fn visible(screen: &str) -> usize {
    let title = screen.lines().nth(1).unwrap_or_default();
    let start = title.rfind('[').map_or(0, |i| i + 1);
    title[start..]
        .split('/')
        .next()
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no row count in {title:?}"))
}

fn kinds(log: &str) -> Vec<String> {
    log.lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("json line");
            let kind = v["kind"].as_str().unwrap_or("").to_string();
            match kind.as_str() {
                "suppression" | "remediation" => {
                    format!("{kind} {}", v["action"].as_str().unwrap_or(""))
                }
                _ => kind,
            }
        })
        .collect()
}

#[test]
fn triage_suppress_contain_export_and_verify_the_session_then_detect_an_edited_byte() {
    if !daemon_available() {
        eprintln!("no Docker daemon: skipping");
        return;
    }
    let prefix = format!("dkt{}done", std::process::id());
    let up = sh(&["up", &prefix]);
    assert!(
        up.status.success(),
        "scenario up: {}",
        String::from_utf8_lossy(&up.stderr)
    );
    let _scenario = Scenario(prefix.clone());

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let ws = root.join("client-a");
    let cmd = format!(
        "env DOCKET_CONFIG_DIR={d}/cfg DOCKET_DATA_DIR={d}/data DOCKET_STATE_DIR={d}/state \
         DOCKER_HOST=unix://{SOCKET} {bin} --docker --allow-changes --workspace {ws}; \
         echo \"EXITED:$?\"; sleep 60",
        d = root.display(),
        bin = env!("CARGO_BIN_EXE_docket"),
        ws = ws.display(),
    );
    let Some(t) = Tmux::start(&cmd, dir) else {
        return;
    };
    let s = t.wait_for("findings by severity");
    assert!(s.contains("CHANGES ALLOWED"), "{s}");

    // Triage ten of this scenario's findings at once.
    t.keys(&["3"]);
    t.wait_for("findings [");
    t.keys(&["/", &format!("name:{prefix}"), "Enter"]);
    let s = t.wait_for(&format!("findings /name:{prefix}"));
    let shown = visible(&s);
    assert!(shown >= 12, "the scenario has findings to work on: {s}");
    for _ in 0..10 {
        t.keys(&["Space"]);
    }
    t.wait_for("10 marked");
    t.keys(&["a"]);
    t.wait_for("10 findings acknowledged");

    // Two suppression rules with an expiry: the default 90 days, then a date.
    t.keys(&["G", "s"]);
    t.wait_for("New suppression rule");
    t.keys(&["lab container, torn down after the test", "C-s"]);
    t.wait_for(&format!("[{}/", shown - 1));
    t.keys(&["G", "s"]);
    t.wait_for("New suppression rule");
    t.keys(&["accepted until the rebuild", "Tab"]);
    t.keys(&["BSpace", "BSpace", "BSpace", "2030-06-30", "Enter"]);
    t.wait_for(&format!("[{}/", shown - 2));

    // Containment: stop the container that mounts the Docker socket.
    let victim = format!("{prefix}-socket");
    t.keys(&["/", "C-u", &format!("check:DC-010 name:{victim}"), "Enter"]);
    t.wait_for(&format!("{victim} [1/"));
    t.keys(&["A"]);
    t.wait_for("Apply remediation");
    t.keys(&[&victim, "Enter"]);
    let s = t.wait_for("verified:");
    assert!(!s.contains("apply failed"), "{s}");
    let state = Command::new("docker")
        .args(["inspect", "-f", "{{.State.Running}}", &victim])
        .output()
        .expect("docker inspect");
    assert_eq!(String::from_utf8_lossy(&state.stdout).trim(), "false");

    // Export the session twice, look at the log, quit.
    t.keys(&[":", "export session html", "Enter"]);
    t.wait_for("session exported");
    t.keys(&[":", "export session md", "Enter"]);
    t.wait_for(".md (log head");
    t.keys(&["6"]);
    t.wait_for("chain intact");
    t.keys(&["q"]);
    t.wait_for("EXITED:0");

    // The log holds every step, in order, and verifies.
    let log_path = only_file(&ws.join("sessions"), "jsonl");
    let log = std::fs::read_to_string(&log_path).unwrap();
    let k = kinds(&log);
    assert_eq!(k.iter().filter(|k| *k == "triage").count(), 10, "{k:?}");
    assert_eq!(
        k.iter().filter(|k| *k == "suppression created").count(),
        2,
        "{k:?}"
    );
    let remediation: Vec<&String> = k.iter().filter(|k| k.starts_with("remediation")).collect();
    assert_eq!(
        remediation,
        [
            "remediation planned",
            "remediation applied",
            "remediation applied",
            "remediation verified"
        ],
        "{k:?}"
    );
    assert_eq!(k.iter().filter(|k| *k == "export").count(), 2, "{k:?}");
    assert_eq!(k.first().map(String::as_str), Some("session_start"));
    assert_eq!(k.last().map(String::as_str), Some("session_end"));
    let verified = docket(&["log", "verify", &log_path.display().to_string()]);
    assert_eq!(verified.status.code(), Some(0), "{verified:?}");

    // Each export names a head the log contains.
    let line_hashes: Vec<String> = log
        .split_inclusive('\n')
        .map(|l| docket::session::line_hash(l.as_bytes()))
        .collect();
    for ext in ["html", "md"] {
        let export = std::fs::read_to_string(only_file(&ws.join("exports"), ext)).unwrap();
        assert!(
            line_hashes.iter().any(|h| export.contains(h.as_str())),
            "the {ext} export names no head of the log"
        );
        assert!(export.contains("lab container, torn down after the test"));
    }

    // The state outlived the session, in the workspace.
    let triage: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(ws.join("triage.json")).unwrap()).unwrap();
    let acknowledged = triage["records"]
        .as_array()
        .expect("records")
        .iter()
        .filter(|r| r["state"]["name"] == "acknowledged")
        .count();
    assert_eq!(acknowledged, 10, "{triage}");
    let rules = std::fs::read_to_string(ws.join("suppressions.toml")).unwrap();
    assert!(
        rules.contains("expires = \"2030-06-30T00:00:00Z\""),
        "{rules}"
    );

    // Change one byte of line 5: verify fails and names line 5.
    let mut bytes = log.into_bytes();
    let line5 = bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .nth(3)
        .map(|(i, _)| i + 1)
        .expect("five lines");
    let at = line5 + 10;
    bytes[at] = if bytes[at] == b'1' { b'2' } else { b'1' };
    std::fs::write(&log_path, &bytes).unwrap();
    let bad = docket(&["log", "verify", &log_path.display().to_string()]);
    assert_eq!(bad.status.code(), Some(1));
    let out =
        String::from_utf8_lossy(&bad.stdout).to_string() + &String::from_utf8_lossy(&bad.stderr);
    assert!(out.contains(":5: line 5"), "{out}");
}
