//! The session log: what is written, that the hash chain names the first line of every
//! kind of tampering, that secrets never reach it, and that a `kill -9` never loses an
//! acknowledged line.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use docket::session::{
    self, verify, verify_against_head, verify_file, Entry, Event, RemediationAction, SessionLog,
    SuppressionAction,
};

const T0: &str = "2025-03-01T09:00:00Z";

/// One event of every kind, in the order a session might produce them.
fn every_kind() -> Vec<Event> {
    vec![
        Event::SessionStart {
            operator: "ana".into(),
            host: "audit-laptop".into(),
            docket_version: "0.1.0".into(),
            sources: vec!["docker:unix:///var/run/docker.sock".into(), "kube".into()],
            contexts: vec!["prod-eu".into()],
            read_only: true,
        },
        Event::Scan {
            id: "scan-1".into(),
            findings: 42,
            by_severity: BTreeMap::from([("critical".into(), 2), ("high".into(), 7)]),
            coverage_gaps: vec!["kube secrets: forbidden".into()],
            took_ms: 1234,
        },
        Event::Triage {
            fingerprint: "00112233aabbccdd".into(),
            check_id: "KUBE-POD-PRIVILEGED".into(),
            resource: "Deployment shop/web container app".into(),
            from: "open".into(),
            to: "risk_accepted".into(),
            reason: Some("vendor appliance, isolated node pool".into()),
            expires: Some("2025-06-01T00:00:00Z".into()),
            by: "ana".into(),
        },
        Event::Note {
            fingerprint: "00112233aabbccdd".into(),
            author: "ana".into(),
            text: "ticket SEC-1234\nsecond line".into(),
        },
        Event::Owner {
            fingerprint: "00112233aabbccdd".into(),
            owner: Some("platform-team".into()),
        },
        Event::Suppression {
            action: SuppressionAction::Created,
            rule_id: "r-1".into(),
            rule: "checks = [\"DOCKER-*\"]\nreason = \"lab hosts\"\n".into(),
        },
        Event::Remediation {
            action: RemediationAction::Applied,
            fingerprint: "00112233aabbccdd".into(),
            target: "Deployment shop/web".into(),
            plan_digest: session::line_hash(b"plan"),
            dry_run: false,
            detail: "patched; rescan clean".into(),
        },
        Event::Export {
            format: "markdown".into(),
            path: "/tmp/report.md".into(),
            head_hash: session::genesis_hash(),
        },
        Event::SessionEnd {},
    ]
}

/// Write `every_kind()` to a new log; returns the file's bytes and the log's head.
fn write_sample(dir: &Path) -> (Vec<u8>, String, std::path::PathBuf) {
    let mut log = SessionLog::create(dir, T0).unwrap();
    for (i, event) in every_kind().into_iter().enumerate() {
        log.append(&format!("2025-03-01T09:{i:02}:00Z"), event)
            .unwrap();
    }
    let bytes = std::fs::read(log.path()).unwrap();
    (bytes, log.head(), log.path().to_path_buf())
}

fn lines(bytes: &[u8]) -> Vec<Vec<u8>> {
    session::verify::split_lines(bytes)
        .map(<[u8]>::to_vec)
        .collect()
}

fn first_bad(bytes: &[u8]) -> (usize, String) {
    let bad = verify(bytes).first_bad.expect("verification should fail");
    (bad.line, bad.why)
}

#[test]
fn round_trip_every_event_kind_with_the_chain_fields_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let (bytes, head, path) = write_sample(dir.path());
    assert!(path.starts_with(dir.path().join("sessions")));
    let mut prev = session::genesis_hash();
    let stored = lines(&bytes);
    assert_eq!(stored.len(), every_kind().len());
    for (i, (line, event)) in stored.iter().zip(every_kind()).enumerate() {
        let text = std::str::from_utf8(line).unwrap();
        assert!(
            text.starts_with(&format!(
                r#"{{"seq":{i},"at":"2025-03-01T09:{i:02}:00Z","prev":"{prev}","kind":""#
            )),
            "{text}"
        );
        let entry: Entry = serde_json::from_str(text).unwrap();
        assert_eq!(entry.event, event);
        prev = session::line_hash(line);
    }
    assert_eq!(prev, head);
}

#[cfg(unix)]
#[test]
fn the_log_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let (_, _, path) = write_sample(dir.path());
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn an_untouched_log_verifies_with_the_writers_head() {
    let dir = tempfile::tempdir().unwrap();
    let (_, head, path) = write_sample(dir.path());
    let report = verify_file(&path).unwrap();
    assert_eq!(report.first_bad, None);
    assert_eq!(report.lines, 9);
    assert_eq!(report.head, head);
    assert!(verify_file(&dir.path().join("missing.jsonl")).is_err());
}

#[test]
fn editing_any_byte_of_a_middle_line_names_that_line() {
    let dir = tempfile::tempdir().unwrap();
    let (bytes, _, _) = write_sample(dir.path());
    let stored = lines(&bytes);
    let start: usize = stored[..4].iter().map(Vec::len).sum();
    // Line 5 (the owner event), every byte including its newline.
    for offset in start..start + stored[4].len() {
        let mut copy = bytes.clone();
        copy[offset] = if copy[offset] == b'a' { b'b' } else { b'a' };
        let (line, why) = first_bad(&copy);
        assert_eq!(line, 5, "byte {} of line 5: {why}", offset - start);
    }
    // A change in the content is seen from the next line, and said so.
    let text = String::from_utf8(bytes).unwrap();
    let edited = text.replace("platform-team", "platform-teaM");
    assert_eq!(
        first_bad(edited.as_bytes()),
        (
            5,
            "line 5 was changed (line 6 records a different hash)".to_string()
        )
    );
}

#[test]
fn a_deleted_line_is_named_where_the_gap_is() {
    let dir = tempfile::tempdir().unwrap();
    let (bytes, _, _) = write_sample(dir.path());
    let mut stored = lines(&bytes);
    stored.remove(3);
    let (line, why) = first_bad(&stored.concat());
    assert_eq!(line, 4, "{why}");
    assert_eq!(
        why,
        "line 4 has seq 4 where 3 was expected: 1 line(s) were removed before it"
    );
    let mut stored = lines(&bytes);
    stored.remove(0);
    let (line, why) = first_bad(&stored.concat());
    assert_eq!(line, 1, "{why}");
    assert!(why.contains("first lines of the log were removed"), "{why}");
}

#[test]
fn swapped_lines_are_named_as_out_of_order() {
    let dir = tempfile::tempdir().unwrap();
    let (bytes, _, _) = write_sample(dir.path());
    let mut stored = lines(&bytes);
    stored.swap(2, 3);
    let (line, why) = first_bad(&stored.concat());
    assert_eq!(line, 3, "{why}");
    assert_eq!(
        why,
        "line 3 is out of order: it has seq 3 where 2 was expected, and seq 2 is at line 4"
    );
}

#[test]
fn a_cut_file_names_its_incomplete_last_line() {
    let dir = tempfile::tempdir().unwrap();
    let (bytes, _, _) = write_sample(dir.path());
    let stored = lines(&bytes);
    let at_line_9: usize = stored[..8].iter().map(Vec::len).sum();
    let cut = &bytes[..at_line_9 + 20];
    let report = verify(cut);
    assert_eq!(report.lines, 8);
    let bad = report.first_bad.unwrap();
    assert_eq!(
        (bad.line, bad.why.as_str()),
        (9, "line 9 is incomplete: the log was cut")
    );
    // Only the newline missing is a cut too.
    let (line, why) = first_bad(&bytes[..bytes.len() - 1]);
    assert_eq!(
        (line, why.as_str()),
        (9, "line 9 is incomplete: the log was cut")
    );
    // Cut in the middle of line 5: what is left of it is the last line.
    let at_line_5: usize = stored[..4].iter().map(Vec::len).sum();
    assert_eq!(first_bad(&bytes[..at_line_5 + 3]).0, 5);
}

#[test]
fn appended_garbage_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let (bytes, _, _) = write_sample(dir.path());
    let mut with_line = bytes.clone();
    with_line.extend_from_slice(b"rm -rf / # not json\n");
    let (line, why) = first_bad(&with_line);
    assert_eq!(line, 10, "{why}");
    assert!(why.starts_with("line 10 is not JSON"), "{why}");
    let mut without_newline = bytes.clone();
    without_newline.extend_from_slice(b"{\"seq\":9");
    assert_eq!(
        first_bad(&without_newline),
        (10, "line 10 is incomplete: the log was cut".to_string())
    );
    let mut object = bytes;
    object.extend_from_slice(b"{\"hello\":\"world\"}\n");
    let (line, why) = first_bad(&object);
    assert_eq!(line, 10, "{why}");
    assert!(why.contains("not a session log entry"), "{why}");
}

#[test]
fn a_log_chained_from_another_genesis_fails_at_line_1() {
    let dir = tempfile::tempdir().unwrap();
    let (bytes, _, _) = write_sample(dir.path());
    // Rebuild the whole chain consistently from another start: only the genesis is wrong.
    let mut prev = session::line_hash(b"docket-session-log-v0");
    let mut forged = Vec::new();
    for line in lines(&bytes) {
        let mut entry: serde_json::Value = serde_json::from_slice(&line).unwrap();
        entry["prev"] = prev.clone().into();
        let mut out = serde_json::to_vec(&entry).unwrap();
        out.push(b'\n');
        prev = session::line_hash(&out);
        forged.extend_from_slice(&out);
    }
    let (line, why) = first_bad(&forged);
    assert_eq!(line, 1, "{why}");
    assert!(
        why.contains("does not start from the genesis hash"),
        "{why}"
    );
}

#[test]
fn removing_the_last_lines_is_caught_only_against_an_exported_head() {
    let dir = tempfile::tempdir().unwrap();
    let mut log = SessionLog::create(dir.path(), T0).unwrap();
    let mut exported = String::new();
    for (i, event) in every_kind().into_iter().enumerate() {
        let head = log
            .append(&format!("2025-03-01T09:{i:02}:00Z"), event)
            .unwrap();
        if i == 6 {
            exported = head; // an export written after line 7
        }
    }
    let bytes = std::fs::read(log.path()).unwrap();
    let full = verify_against_head(&bytes, &exported);
    assert_eq!(full.first_bad, None);
    assert_eq!(full.head_line, Some(7));
    let stored = lines(&bytes);
    // Lines after the export point: the file alone and the export both accept it.
    let after = stored[..7].concat();
    assert!(verify(&after).is_ok());
    assert_eq!(verify_against_head(&after, &exported).head_line, Some(7));
    // Lines up to the export point: the file alone cannot tell, the export can.
    let before = stored[..6].concat();
    assert!(verify(&before).is_ok(), "the documented limit");
    let report = verify_against_head(&before, &exported);
    let bad = report.first_bad.unwrap();
    assert_eq!(bad.line, 7);
    assert!(
        bad.why.contains("not the hash of any of the 6 lines"),
        "{}",
        bad.why
    );
}

/// The canaries of tests/fixtures/canaries.txt.
fn canaries() -> Vec<String> {
    include_str!("fixtures/canaries.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// Each canary the way an operator might paste it into a note: in the context that
/// makes it recognisably a secret (a bare random word cannot be told from prose).
const PASTED: &[&str] = &[
    "found AKIALUMENCANARY00001 in the env",
    "the runner token is ghp_canaryLumenDemoToken0000111122223333, rotate it",
    "bot: xoxb-2742197735-4851190437-canaryLumenDemoSlackBot",
    "dsn postgres://app:Canary-Pa55w0rd-Lumen@db:5432/patients",
    "auth header eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJjYW5hcnktbHVtZW4tZGVtbyIsInJvbGUiOiJncmFmYW5hLWFsZXJ0cyJ9.Y2FuYXJ5LWx1bWVuLWRlbW8tc2lnbmF0dXJl seen",
    "DB_PASSWORD=canary-db-pass-lumen",
    "MINIO_ROOT_PASSWORD: canary-minio-root-lumen",
    "API_TOKEN=canary-api-token-lumen-0001",
    "key:\n-----BEGIN PRIVATE KEY-----\nMIIEcanaryLUMENdemoKEYdoNotUse\nbHVtZW4taGVhbHRoLWRlbW8tY2FuYXJ5LW5vdC1hLXJlYWwta2V5LWxpbmUtdHdv\n-----END PRIVATE KEY-----\n",
];

#[test]
fn secrets_in_notes_and_other_text_never_reach_the_log() {
    let canaries = canaries();
    assert!(canaries.len() >= 10, "{canaries:?}");
    for c in &canaries {
        assert!(
            PASTED.iter().any(|p| p.contains(c.as_str())),
            "canary {c:?} is not planted by this test"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let mut log = SessionLog::create(dir.path(), T0).unwrap();
    for text in PASTED {
        log.append(
            T0,
            Event::Note {
                fingerprint: "00112233aabbccdd".into(),
                author: "ana".into(),
                text: text.to_string(),
            },
        )
        .unwrap();
    }
    let all = PASTED.join(" ");
    log.append(
        T0,
        Event::Remediation {
            action: RemediationAction::Failed,
            fingerprint: "00112233aabbccdd".into(),
            target: "container lumen-api-1".into(),
            plan_digest: session::line_hash(b"plan"),
            dry_run: true,
            detail: all.clone(),
        },
    )
    .unwrap();
    log.append(
        T0,
        Event::Suppression {
            action: SuppressionAction::Edited,
            rule_id: "r-2".into(),
            rule: format!("reason = {all:?}"),
        },
    )
    .unwrap();
    let bytes = std::fs::read(log.path()).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    for c in &canaries {
        assert!(!text.contains(c.as_str()), "the log holds the canary {c:?}");
    }
    assert!(
        text.contains("AKIA********#"),
        "redactions are visible: {text}"
    );
    assert!(verify(&bytes).is_ok());
}

/// Set in the child process of the kill test: the directory it writes its log to.
const CHILD_DIR: &str = "DOCKET_SESSION_LOG_KILL_CHILD_DIR";

/// The child of `a_kill_9_never_loses_an_acknowledged_line`: appends as fast as it can
/// and prints `acked SEQ` after each append returns. Run alone it does nothing.
#[test]
fn kill_child_writer() {
    let Ok(dir) = std::env::var(CHILD_DIR) else {
        return;
    };
    use std::io::Write;
    let mut log = SessionLog::create(Path::new(&dir), T0).unwrap();
    let mut out = std::io::stdout().lock();
    for seq in 0u64.. {
        let event = Event::Note {
            fingerprint: format!("{seq:016x}"),
            author: "child".into(),
            text: "x".repeat(usize::try_from(seq % 200).unwrap()),
        };
        log.append(T0, event).unwrap();
        writeln!(out, "acked {seq}").unwrap();
        out.flush().unwrap();
    }
}

#[test]
fn a_kill_9_never_loses_an_acknowledged_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "kill_child_writer",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_DIR, dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut all = String::new();
        let mut buf = [0u8; 4096];
        // Read until the child is gone; note when the first ack arrives.
        let mut first_ack = None;
        loop {
            match stdout.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    all.push_str(&String::from_utf8_lossy(&buf[..n]));
                    if first_ack.is_none() && all.contains("acked ") {
                        first_ack = Some(Instant::now());
                    }
                }
            }
        }
        all
    });
    // Let it run ~300 ms after it has started writing (startup time varies).
    let deadline = Instant::now() + Duration::from_secs(20);
    let sessions = dir.path().join("sessions");
    while Instant::now() < deadline && !has_lines(&sessions) {
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(300));
    child.kill().unwrap(); // SIGKILL on unix
    child.wait().unwrap();
    let printed = reader.join().unwrap();
    let acked: Vec<u64> = printed
        .lines()
        .filter_map(|l| l.strip_prefix("acked "))
        .map(|s| s.trim().parse().unwrap())
        .collect();
    assert!(
        acked.len() >= 5,
        "the child acknowledged too little: {printed:?}"
    );

    let files: Vec<_> = std::fs::read_dir(&sessions).unwrap().collect();
    assert_eq!(files.len(), 1);
    let bytes = std::fs::read(files[0].as_ref().unwrap().path()).unwrap();
    let report = verify(&bytes);
    let total = lines(&bytes).len();
    if let Some(bad) = &report.first_bad {
        assert_eq!(
            bad.line, total,
            "only the last line may be bad: {}",
            bad.why
        );
        assert_eq!(
            bad.why,
            format!("line {total} is incomplete: the log was cut")
        );
    }
    let stored: Vec<u64> = lines(&bytes)[..report.lines]
        .iter()
        .map(|l| serde_json::from_slice::<Entry>(l).unwrap().seq)
        .collect();
    for seq in &acked {
        assert!(
            stored.contains(seq),
            "acknowledged seq {seq} is not in the log"
        );
    }
}

fn has_lines(sessions: &Path) -> bool {
    std::fs::read_dir(sessions)
        .into_iter()
        .flatten()
        .flatten()
        .any(|f| f.metadata().is_ok_and(|m| m.len() > 0))
}
