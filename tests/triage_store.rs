//! The triage store on a real filesystem: round trips, damaged files, the lock, and a
//! writer killed with SIGKILL in the middle of its saves.

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use docket::findings::triage::{Note, Transition, TriageBook, TriageRecord, TriageState};
use docket::findings::ResourceRef;
use docket::store::triage_store::{FILE_NAME, LOCK_NAME};
use docket::store::{StoreError, TriageStore};

/// A book whose every record says which `generation` wrote it, with a size that depends
/// on the generation, so a file mixing two saves or cut short cannot pass for a whole one.
fn book(generation: usize) -> TriageBook {
    let mut book = TriageBook::default();
    for i in 0..(800 + generation % 400) {
        let fingerprint = format!("{:016x}", i * 7919);
        let state = match i % 4 {
            0 => TriageState::Acknowledged,
            1 => TriageState::RiskAccepted {
                reason: format!("generation {generation}: compensating control"),
                expires: "2030-01-01T00:00:00Z".into(),
            },
            2 => TriageState::FalsePositive {
                reason: "lab cluster \"only\"\nsecond line".into(),
            },
            _ => TriageState::Fixed {
                confirmed_at: "2025-06-01T12:00:00Z".into(),
            },
        };
        let record = TriageRecord {
            fingerprint: fingerprint.clone(),
            history: vec![Transition {
                at: "2025-06-01T12:00:00Z".into(),
                by: "ana".into(),
                from: TriageState::Open,
                to: state.clone(),
                reason: state.reason().map(str::to_string),
            }],
            state,
            owner: (i % 3 == 0).then(|| "team-ä".to_string()),
            notes: vec![Note {
                at: "2025-06-01T12:00:00Z".into(),
                author: "ana".into(),
                text: format!("generation {generation}\nnote for record {i}"),
            }],
            reopened: (i % 5 == 0).then(|| "2025-06-02T00:00:00Z".to_string()),
            check_id: format!("K8S-{:03}", i % 40),
            resource: ResourceRef::kube("Deployment", Some("prod"), &format!("web-{i}"))
                .with_container("app"),
        };
        book.records.insert(fingerprint, record);
    }
    book
}

/// The generation a loaded book claims, from its first record's note.
fn generation_of(book: &TriageBook) -> usize {
    let first = book.records.values().next().expect("book is empty");
    let text = &first.notes[0].text;
    text.lines().next().unwrap()["generation ".len()..]
        .parse()
        .unwrap()
}

#[test]
fn a_saved_book_loads_back_equal_from_a_new_store() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("engagement").join("client-a");
    {
        let store = TriageStore::open(&ws).unwrap();
        assert_eq!(store.path(), ws.join(FILE_NAME));
        assert_eq!(store.load().unwrap(), TriageBook::default(), "missing file");
        store.save(&book(7)).unwrap();
    }
    let store = TriageStore::open(&ws).unwrap();
    assert_eq!(store.load().unwrap(), book(7));

    let text = fs::read_to_string(store.path()).unwrap();
    assert!(
        text.starts_with("{\n  \"version\": 1,\n  \"records\": [\n"),
        "{text:.80}"
    );
    assert!(text.ends_with("}\n"));
    let fingerprints: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("      \"fingerprint\": \""))
        .collect();
    let mut sorted = fingerprints.clone();
    sorted.sort();
    assert_eq!(fingerprints.len(), book(7).records.len());
    assert_eq!(
        fingerprints, sorted,
        "records are not sorted by fingerprint"
    );
}

#[cfg(unix)]
#[test]
fn a_new_workspace_is_private_to_the_user() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    let store = TriageStore::open(&ws).unwrap();
    store.save(&book(1)).unwrap();
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&ws), 0o700);
    assert_eq!(mode(store.path()), 0o600);
}

fn load_text(text: &str) -> (StoreError, String) {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join(FILE_NAME), text).unwrap();
    let store = TriageStore::open(dir.path()).unwrap();
    let err = store.load().unwrap_err();
    let path = store.path().display().to_string();
    // A failed load must not touch the file.
    assert_eq!(fs::read_to_string(store.path()).unwrap(), text);
    (err, path)
}

#[test]
fn a_damaged_file_is_an_error_naming_file_line_and_column() {
    let (err, path) = load_text("{\n  \"version\": 1,\n  \"records\": [ {,\n  ]\n}\n");
    match &err {
        StoreError::Corrupt { line, column, .. } => assert_eq!((*line, *column), (3, 17)),
        other => panic!("{other:?}"),
    }
    let msg = err.to_string();
    assert!(msg.starts_with(&format!("{path}:3:17: ")), "{msg}");
    assert!(msg.contains("session log"), "{msg}");
    assert!(msg.contains("move it away"), "{msg}");
}

#[test]
fn empty_truncated_and_misshapen_files_never_load_as_an_empty_book() {
    let whole = String::from_utf8(docket::store::triage_store::encode(&book(3)).unwrap()).unwrap();
    let cases = [
        String::new(),
        whole[..whole.len() / 2].to_string(),
        whole[..whole.len() - 3].to_string(),
        "{\"records\": []}".to_string(),
        "{\"version\": 1, \"records\": [{\"fingerprint\": \"ab\"}]}".to_string(),
        "[]".to_string(),
    ];
    for text in cases {
        let (err, _) = load_text(&text);
        assert!(
            matches!(err, StoreError::Corrupt { .. }),
            "{text:.60}: {err:?}"
        );
    }
}

#[test]
fn a_newer_format_and_duplicate_records_are_named() {
    let (err, _) = load_text("{\"version\": 2, \"records\": [], \"extra\": {}}");
    assert!(
        matches!(err, StoreError::UnsupportedVersion { found: 2, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("reads version 1"));

    let one = book(0).records.into_values().next().unwrap();
    let dup = serde_json::json!({"version": 1, "records": [one, one]}).to_string();
    let (err, _) = load_text(&dup);
    match &err {
        StoreError::DuplicateRecord { fingerprint, .. } => {
            assert_eq!(fingerprint, "0000000000000000")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_live_lock_is_refused_naming_pid_and_file_and_released_on_drop() {
    let dir = tempfile::tempdir().unwrap();
    let lock = dir.path().join(LOCK_NAME);
    let first = TriageStore::open(dir.path()).unwrap();
    assert_eq!(
        fs::read_to_string(&lock).unwrap().trim(),
        std::process::id().to_string()
    );
    let err = TriageStore::open(dir.path()).unwrap_err();
    match &err {
        StoreError::Locked { pid, lock: named } => {
            assert_eq!(*pid, std::process::id());
            assert_eq!(named, &lock);
        }
        other => panic!("{other:?}"),
    }
    let msg = err.to_string();
    assert!(msg.contains(&std::process::id().to_string()), "{msg}");
    assert!(msg.contains(&lock.display().to_string()), "{msg}");
    drop(first);
    assert!(!lock.exists(), "lock not removed on drop");
    TriageStore::open(dir.path()).unwrap();
}

#[cfg(target_os = "linux")]
#[test]
fn a_lock_held_by_another_live_process_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut sleeper = Command::new("sleep").arg("30").spawn().unwrap();
    fs::write(dir.path().join(LOCK_NAME), format!("{}\n", sleeper.id())).unwrap();
    let result = TriageStore::open(dir.path());
    sleeper.kill().unwrap();
    sleeper.wait().unwrap();
    match result {
        Err(StoreError::Locked { pid, .. }) => assert_eq!(pid, sleeper.id()),
        other => panic!("{other:?}"),
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_stale_lock_of_a_dead_process_is_taken_over() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new("true").spawn().unwrap();
    let dead = child.id();
    child.wait().unwrap();
    let lock = dir.path().join(LOCK_NAME);
    fs::write(&lock, format!("{dead}\n")).unwrap();
    let _store = TriageStore::open(dir.path()).unwrap();
    assert_eq!(
        fs::read_to_string(&lock).unwrap().trim(),
        std::process::id().to_string()
    );
}

#[test]
fn a_lock_without_a_pid_is_refused_with_advice() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join(LOCK_NAME), "").unwrap();
    let err = TriageStore::open(dir.path()).unwrap_err();
    assert!(matches!(err, StoreError::LockUnreadable { .. }), "{err:?}");
    assert!(err.to_string().contains("delete it"));
}

const CHILD_DIR_ENV: &str = "DOCKET_TEST_TRIAGE_WRITER_DIR";
const CHILD_TEST: &str = "child_writer_saves_until_killed";

/// Not a test on its own: the body of the child process that
/// `a_killed_writer_never_leaves_a_half_written_file` starts and kills.
#[test]
#[ignore = "run as a child process by a_killed_writer_never_leaves_a_half_written_file"]
fn child_writer_saves_until_killed() {
    let dir = std::env::var_os(CHILD_DIR_ENV).expect("run by the killed-writer test");
    let store = TriageStore::open(Path::new(&dir)).unwrap();
    // A cap, so a parent that dies before killing us does not leave us running forever.
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut generation = 1;
    while Instant::now() < deadline {
        store.save(&book(generation)).unwrap();
        generation += 1;
    }
}

/// Start the child writer, let it save for `after` past its first save, SIGKILL it.
fn kill_writer_after(dir: &Path, after: Duration) {
    let file = dir.join(FILE_NAME);
    if file.exists() {
        fs::remove_file(&file).unwrap();
    }
    let exe = std::env::current_exe().unwrap();
    let mut child = Command::new(exe)
        .args(["--exact", CHILD_TEST, "--ignored", "--test-threads=1"])
        .env(CHILD_DIR_ENV, dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while !file.exists() {
        if started.elapsed() > Duration::from_secs(30) || child.try_wait().unwrap().is_some() {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the child writer never saved");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(after);
    assert!(
        child.try_wait().unwrap().is_none(),
        "the child stopped before it was killed"
    );
    child.kill().unwrap(); // SIGKILL on unix: no destructor, no cleanup runs
    child.wait().unwrap();
    // Killed without cleanup: the lock it held is still there, naming it.
    let lock = fs::read_to_string(dir.join(LOCK_NAME)).unwrap();
    assert_eq!(lock.trim(), child.id().to_string());
}

#[cfg(target_os = "linux")]
#[test]
fn a_killed_writer_never_leaves_a_half_written_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut generations = Vec::new();
    for after_ms in [200, 230, 260] {
        kill_writer_after(dir.path(), Duration::from_millis(after_ms));
        // The stale lock of the dead writer is taken over; the book is one whole save.
        let store = TriageStore::open(dir.path()).unwrap();
        let loaded = store.load().unwrap();
        let generation = generation_of(&loaded);
        assert_eq!(loaded, book(generation), "a mixed or partial book");
        generations.push(generation);
    }
    assert!(
        generations.iter().any(|g| *g > 1),
        "the writer was killed before its second save: {generations:?}"
    );
}
