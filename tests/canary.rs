//! Secrets never leak: after scanning inputs with planted canary secrets (the demo and the
//! file fixtures), no output of any format, no saved snapshot and nothing printed on the
//! terminal contains a canary value in clear.

use std::process::Command;

/// Planted in tests/fixtures/inputs by the file-source fixtures.
const FIXTURE_CANARIES: &[&str] = &[
    "AKIAFIXTURECANARY001",
    "FIXTURECANARYPEMBODYDONOTLEAK",
    "canary-db-password-7731",
    "canary-agent-token-5521",
    "canary-image-secret-8842",
];

/// Planted in assets/demo, listed by the demo's author.
fn demo_canaries() -> Vec<String> {
    let text = include_str!("fixtures/canaries.txt");
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

fn assert_clean(what: &str, bytes: &[u8], canaries: &[String]) {
    let text = String::from_utf8_lossy(bytes);
    for c in canaries {
        assert!(
            !text.contains(c.as_str()),
            "{what} contains the canary {c:?} in clear"
        );
    }
}

#[test]
fn no_output_contains_a_canary() {
    let demo = demo_canaries();
    assert!(
        demo.len() >= 6,
        "the demo canary list is too short: {demo:?}"
    );
    let canaries: Vec<String> = demo
        .iter()
        .cloned()
        .chain(FIXTURE_CANARIES.iter().map(|s| s.to_string()))
        .collect();
    let dir = tempfile::tempdir().expect("tempdir");
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/inputs");
    let bin = env!("CARGO_BIN_EXE_docket");
    for format in ["table", "json", "sarif", "markdown", "html", "csv", "junit"] {
        let out = dir.path().join(format!("report.{format}"));
        let o = Command::new(bin)
            .args([
                "scan", "--demo", "--from", fixtures, "--format", format, "--output",
            ])
            .arg(&out)
            .output()
            .expect("docket runs");
        assert_eq!(
            o.status.code(),
            Some(0),
            "{format}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert_clean(
            &format!("{format} report"),
            &std::fs::read(&out).expect("report"),
            &canaries,
        );
        assert_clean(&format!("{format} stderr"), &o.stderr, &canaries);
        assert_clean(&format!("{format} stdout"), &o.stdout, &canaries);
    }
    let snap = dir.path().join("snapshot.json");
    let o = Command::new(bin)
        .args(["snapshot", "save"])
        .arg(&snap)
        .args(["--demo", "--from", fixtures])
        .output()
        .expect("docket runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_clean(
        "saved snapshot",
        &std::fs::read(&snap).expect("snapshot"),
        &canaries,
    );
    // The canaries really are in the inputs: otherwise this test proves nothing.
    assert_planted("assets/demo", &demo);
    let fixtures: Vec<String> = FIXTURE_CANARIES.iter().map(|s| s.to_string()).collect();
    assert_planted("tests/fixtures/inputs", &fixtures);
}

fn assert_planted(dir: &str, canaries: &[String]) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut inputs = String::new();
    for entry in walk(&root) {
        inputs.push_str(&std::fs::read_to_string(entry).unwrap_or_default());
    }
    for c in canaries {
        assert!(
            inputs.contains(c.as_str()),
            "canary {c:?} is not planted in {dir}"
        );
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}
