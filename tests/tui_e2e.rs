//! End to end in a real terminal: the `docket` binary runs in tmux on the demo, keys are
//! typed, the screen is read back, and after quitting the terminal must be restored
//! (normal screen, cursor shown, the shell's next output readable).
//!
//! Needs tmux: skipped when it is missing, except with `CI=true`, where that fails.

use std::path::Path;

#[path = "support/tmux.rs"]
mod tmux;

use tmux::Tmux;

/// The one session log under `data/sessions`, verified, as its event kinds.
fn session_kinds(dir: &Path) -> Vec<String> {
    let sessions = dir.join("data").join("sessions");
    let files: Vec<_> = std::fs::read_dir(&sessions)
        .expect("a sessions directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let report = docket::session::verify_file(&files[0]).expect("readable");
    assert!(report.is_ok(), "{:?}", report.first_bad);
    std::fs::read_to_string(&files[0])
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["kind"].as_str().unwrap_or("").to_string()
        })
        .collect()
}

fn command(dir: &Path) -> String {
    // After docket exits, print a marker so the test can see the shell got the terminal
    // back, then keep the pane open for the capture.
    format!(
        "env DOCKET_CONFIG_DIR={d}/cfg DOCKET_DATA_DIR={d}/data DOCKET_STATE_DIR={d}/state \
         {bin} --demo; echo \"EXITED:$?\"; sleep 30",
        d = dir.display(),
        bin = env!("CARGO_BIN_EXE_docket"),
    )
}

#[test]
fn the_workbench_runs_in_a_real_terminal_and_restores_it_on_quit() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let cmd = command(&root);
    let Some(t) = Tmux::start(&cmd, dir) else {
        return;
    };
    let s = t.wait_for("findings by severity");
    assert!(s.contains("READ-ONLY") && s.contains("Lumen Health"), "{s}");
    assert_eq!(
        t.tmux(&["display", "-p", "-t", "e2e", "#{alternate_on}"])
            .trim(),
        "1"
    );

    // Findings, filtered by a field term, then a detail.
    t.keys(&["3"]);
    t.wait_for("findings [");
    t.keys(&["/", "sev:critical", "Enter"]);
    let s = t.wait_for("findings /sev:critical");
    assert!(!s.contains(" high "), "only critical rows: {s}");
    t.keys(&["Enter"]);
    t.wait_for("why it matters");
    t.keys(&["Escape"]);

    // The palette with completion, the inventory, help.
    t.keys(&[":", "na", "Tab", "Enter"]);
    t.wait_for("Namespaces 9");
    t.keys(&["?"]);
    t.wait_for("help (esc closes)");
    t.keys(&["Escape"]);
    t.keys(&["C-s"]);
    let s = t.wait_for("exported to");
    assert!(s.contains("docket-namespaces-"), "{s}");

    // A resize redraws without a crash.
    t.tmux(&["resize-window", "-t", "e2e", "-x", "100", "-y", "30"]);
    t.wait_for("READ-ONLY");

    t.keys(&["q"]);
    let s = t.wait_for("EXITED:0");
    assert_eq!(
        t.tmux(&["display", "-p", "-t", "e2e", "#{alternate_on}"])
            .trim(),
        "0",
        "the alternate screen was left"
    );
    assert_eq!(
        t.tmux(&["display", "-p", "-t", "e2e", "#{cursor_flag}"])
            .trim(),
        "1",
        "the cursor is visible again"
    );
    assert!(
        !s.contains("READ-ONLY"),
        "the UI is gone from the screen: {s}"
    );
    // The session left a verified, hash-chained record of what was seen and done.
    assert_eq!(
        session_kinds(&root),
        vec!["session_start", "scan", "export", "session_end"]
    );
}
