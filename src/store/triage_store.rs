//! The triage store: a [`TriageBook`] as `triage.json` in the data directory or in a
//! `--workspace DIR`, guarded by `triage.lock` so two Docket processes never write it at
//! once.
//!
//! The file is `{"version": 1, "records": [...]}`, pretty and sorted by fingerprint so it
//! diffs well. A damaged file is an error that names the line and column: starting from an
//! empty book instead would overwrite the operator's decisions at the next save.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::atomic::{create_private_dir, sync_dir, write_and_rename};
use crate::findings::triage::{TriageBook, TriageRecord};

/// The store file inside the store directory.
pub const FILE_NAME: &str = "triage.json";
/// The lock file inside the store directory; it holds the owner's process id.
pub const LOCK_NAME: &str = "triage.lock";
/// Where a save is written before it is renamed over [`FILE_NAME`]. One fixed name is
/// enough: the lock guarantees a single writer, and a leftover is removed on open.
pub const TEMP_NAME: &str = ".triage.json.tmp";
/// The file format this build reads and writes.
pub const FORMAT_VERSION: u64 = 1;

/// Why the store could not be opened, read or written; each message names the file and
/// what to do.
#[derive(Debug)]
pub enum StoreError {
    CreateDir {
        dir: PathBuf,
        source: io::Error,
    },
    /// Another live process (possibly this one) holds the lock.
    Locked {
        pid: u32,
        lock: PathBuf,
    },
    /// The lock file exists but does not hold a process id.
    LockUnreadable {
        lock: PathBuf,
    },
    Lock {
        lock: PathBuf,
        source: io::Error,
    },
    Read {
        path: PathBuf,
        source: io::Error,
    },
    /// Not valid JSON, or not the shape of a triage store; 1-based line and column.
    Corrupt {
        path: PathBuf,
        line: usize,
        column: usize,
        detail: String,
    },
    UnsupportedVersion {
        path: PathBuf,
        found: u64,
    },
    DuplicateRecord {
        path: PathBuf,
        fingerprint: String,
    },
    /// The save failed before the rename: the previous file is untouched.
    Save {
        path: PathBuf,
        source: io::Error,
    },
    /// The new file is in place but the directory could not be flushed to disk.
    Durability {
        dir: PathBuf,
        source: io::Error,
    },
}

const MOVE_AWAY_HINT: &str = "restore it from the session log or a backup, or move it away \
     (the next start then begins with no triage state)";

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::CreateDir { dir, source } => write!(
                f,
                "cannot create the triage store directory {}: {source}; choose another with --workspace DIR",
                dir.display()
            ),
            StoreError::Locked { pid, lock } => write!(
                f,
                "the triage store is in use by Docket process {pid} (lock file {}): close that Docket first, or delete the lock file if no process {pid} is running",
                lock.display()
            ),
            StoreError::LockUnreadable { lock } => write!(
                f,
                "the lock file {} does not hold a process id: if no other Docket is running, delete it",
                lock.display()
            ),
            StoreError::Lock { lock, source } => {
                write!(f, "cannot create the lock file {}: {source}", lock.display())
            }
            StoreError::Read { path, source } => {
                write!(f, "cannot read the triage store {}: {source}", path.display())
            }
            StoreError::Corrupt {
                path,
                line,
                column,
                detail,
            } => write!(
                f,
                "{}:{line}:{column}: the triage store is damaged ({detail}); Docket will not start from an empty store over it: {MOVE_AWAY_HINT}, e.g. mv {} {}.damaged",
                path.display(),
                path.display(),
                path.display()
            ),
            StoreError::UnsupportedVersion { path, found } => write!(
                f,
                "{}: triage store format version {found}, but this Docket reads version {FORMAT_VERSION}: use a newer Docket, or {MOVE_AWAY_HINT}",
                path.display()
            ),
            StoreError::DuplicateRecord { path, fingerprint } => write!(
                f,
                "{}: fingerprint {fingerprint} appears more than once (the file was edited by hand?): keep one record for it, or {MOVE_AWAY_HINT}",
                path.display()
            ),
            StoreError::Save { path, source } => write!(
                f,
                "cannot save triage state to {}: {source}; the previous file was left as it was",
                path.display()
            ),
            StoreError::Durability { dir, source } => write!(
                f,
                "saved the triage store but could not flush the directory {} to disk ({source}): a power loss now could undo the save",
                dir.display()
            ),
        }
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StoreError::CreateDir { source, .. }
            | StoreError::Lock { source, .. }
            | StoreError::Read { source, .. }
            | StoreError::Save { source, .. }
            | StoreError::Durability { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// An open triage store. Holds the lock until dropped.
#[derive(Debug)]
pub struct TriageStore {
    dir: PathBuf,
    file: PathBuf,
    _lock: LockFile,
}

impl TriageStore {
    /// Open the store in `dir` (the data directory, or the `--workspace DIR`): create the
    /// directory (mode 0700 on unix, since notes may describe weaknesses), take the lock,
    /// and remove a temp file left by a writer that was killed.
    pub fn open(dir: &Path) -> Result<TriageStore, StoreError> {
        create_private_dir(dir).map_err(|source| StoreError::CreateDir {
            dir: dir.to_path_buf(),
            source,
        })?;
        let lock = LockFile::acquire(&dir.join(LOCK_NAME))?;
        let temp = dir.join(TEMP_NAME);
        if fs::symlink_metadata(&temp).is_ok_and(|m| m.is_file()) {
            // Ignoring a failure is safe: the next save truncates the file anyway.
            let _ = fs::remove_file(&temp);
        }
        Ok(TriageStore {
            dir: dir.to_path_buf(),
            file: dir.join(FILE_NAME),
            _lock: lock,
        })
    }

    /// The store directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// `<dir>/triage.json`.
    pub fn path(&self) -> &Path {
        &self.file
    }

    /// The saved book; an empty one when no file exists yet. A damaged file is an error,
    /// never an empty book.
    pub fn load(&self) -> Result<TriageBook, StoreError> {
        let mut text = String::new();
        match File::open(&self.file).and_then(|mut f| f.read_to_string(&mut text)) {
            Ok(_) => decode(&text, &self.file),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(TriageBook::default()),
            Err(source) => Err(StoreError::Read {
                path: self.file.clone(),
                source,
            }),
        }
    }

    /// Replace the file with `book`, atomically and durably.
    pub fn save(&self, book: &TriageBook) -> Result<(), StoreError> {
        let bytes = encode(book).map_err(|e| StoreError::Save {
            path: self.file.clone(),
            source: io::Error::other(e),
        })?;
        self.save_with(&mut |w| w.write_all(&bytes))
    }

    /// [`TriageStore::save`] with the bytes produced by `write`, so tests can fail a save
    /// halfway through.
    fn save_with(
        &self,
        write: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
    ) -> Result<(), StoreError> {
        let temp = self.dir.join(TEMP_NAME);
        write_and_rename(&temp, &self.file, None, write).map_err(|source| {
            // The temp file is useless now; the next open would remove it anyway.
            let _ = fs::remove_file(&temp);
            StoreError::Save {
                path: self.file.clone(),
                source,
            }
        })?;
        sync_dir(&self.dir).map_err(|source| StoreError::Durability {
            dir: self.dir.clone(),
            source,
        })
    }
}

/// The on-disk shape, written.
#[derive(Serialize)]
struct FileOut<'a> {
    version: u64,
    records: Vec<&'a TriageRecord>,
}

/// Read first, alone, so a newer format is reported as such and not as a parse error.
#[derive(Deserialize)]
struct Header {
    version: u64,
}

#[derive(Deserialize)]
struct Body {
    records: Vec<TriageRecord>,
}

/// The file's bytes: pretty JSON, records sorted by fingerprint, final newline.
pub fn encode(book: &TriageBook) -> Result<Vec<u8>, serde_json::Error> {
    let out = FileOut {
        version: FORMAT_VERSION,
        records: book.records.values().collect(),
    };
    let mut bytes = serde_json::to_vec_pretty(&out)?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Parse a store file's text; `path` is only used in errors.
pub fn decode(text: &str, path: &Path) -> Result<TriageBook, StoreError> {
    let corrupt = |e: serde_json::Error| StoreError::Corrupt {
        path: path.to_path_buf(),
        line: e.line(),
        column: e.column(),
        detail: e.to_string(),
    };
    let header: Header = serde_json::from_str(text).map_err(corrupt)?;
    if header.version != FORMAT_VERSION {
        return Err(StoreError::UnsupportedVersion {
            path: path.to_path_buf(),
            found: header.version,
        });
    }
    let body: Body = serde_json::from_str(text).map_err(corrupt)?;
    let mut book = TriageBook::default();
    for record in body.records {
        let fingerprint = record.fingerprint.clone();
        if book.records.insert(fingerprint.clone(), record).is_some() {
            return Err(StoreError::DuplicateRecord {
                path: path.to_path_buf(),
                fingerprint,
            });
        }
    }
    Ok(book)
}

/// `triage.lock`, created exclusively and holding our pid; removed on drop.
#[derive(Debug)]
struct LockFile {
    path: PathBuf,
}

impl LockFile {
    /// Take the lock. A lock whose process is gone (killed, crashed) is stale and taken
    /// over. Two processes taking over the same stale lock at the same instant can race;
    /// the exclusive create still lets only one of them write its pid.
    fn acquire(path: &Path) -> Result<LockFile, StoreError> {
        for _ in 0..2 {
            match create_exclusive(path) {
                Ok(()) => {
                    return Ok(LockFile {
                        path: path.to_path_buf(),
                    })
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                Err(source) => {
                    return Err(StoreError::Lock {
                        lock: path.to_path_buf(),
                        source,
                    })
                }
            }
            match lock_holder(path)? {
                // Gone between our create and our read: try again.
                None => continue,
                Some(pid) if process_is_running(pid) => {
                    return Err(StoreError::Locked {
                        pid,
                        lock: path.to_path_buf(),
                    })
                }
                Some(_) => match fs::remove_file(path) {
                    Ok(()) => {}
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                    Err(source) => {
                        return Err(StoreError::Lock {
                            lock: path.to_path_buf(),
                            source,
                        })
                    }
                },
            }
        }
        // Someone else took the stale lock in between.
        match lock_holder(path)? {
            Some(pid) => Err(StoreError::Locked {
                pid,
                lock: path.to_path_buf(),
            }),
            None => Err(StoreError::LockUnreadable {
                lock: path.to_path_buf(),
            }),
        }
    }
}

impl Drop for LockFile {
    fn drop(&mut self) {
        // Only remove our own lock: never one another process took over.
        if lock_holder(&self.path).is_ok_and(|pid| pid == Some(std::process::id())) {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// `O_CREAT | O_EXCL`, then the pid, flushed to disk so a reader never sees an empty lock
/// for longer than the write takes.
fn create_exclusive(path: &Path) -> io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    writeln!(file, "{}", std::process::id())?;
    file.sync_all()
}

/// The pid in a lock file; `Ok(None)` when the file is gone.
fn lock_holder(path: &Path) -> Result<Option<u32>, StoreError> {
    match fs::read_to_string(path) {
        Ok(text) => text
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| StoreError::LockUnreadable {
                lock: path.to_path_buf(),
            }),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(StoreError::Lock {
            lock: path.to_path_buf(),
            source,
        }),
    }
}

/// Whether `pid` is a live process. On Linux, `/proc/<pid>` exists and is not a zombie (a
/// zombie can no longer write). Elsewhere, or without `/proc`, the answer is "yes": a lock
/// is never broken on a guess; the error tells the user how to remove it.
fn process_is_running(pid: u32) -> bool {
    if !cfg!(target_os = "linux") || !Path::new("/proc/self").exists() {
        return true;
    }
    match fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => proc_state(&stat) != Some('Z'),
        Err(e) if e.kind() == io::ErrorKind::NotFound => false,
        Err(_) => true,
    }
}

/// The state letter in `/proc/<pid>/stat` ("123 (name) S ..."); the name may contain
/// spaces and parentheses, so read after the last `)`.
fn proc_state(stat: &str) -> Option<char> {
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.trim_start().chars().next()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::triage::{TriageRecord, TriageState};
    use crate::findings::ResourceRef;

    fn book(n: usize) -> TriageBook {
        let mut book = TriageBook::default();
        for i in 0..n {
            let fingerprint = format!("{i:016x}");
            book.records.insert(
                fingerprint.clone(),
                TriageRecord {
                    fingerprint,
                    state: TriageState::Acknowledged,
                    owner: None,
                    notes: Vec::new(),
                    history: Vec::new(),
                    reopened: None,
                    check_id: "K8S-TEST".into(),
                    resource: ResourceRef::kube("Deployment", Some("prod"), &format!("w{i}")),
                },
            );
        }
        book
    }

    #[test]
    fn a_save_that_fails_midway_leaves_the_old_file_intact() {
        let dir = tempfile::tempdir().unwrap();
        let store = TriageStore::open(dir.path()).unwrap();
        store.save(&book(3)).unwrap();
        let before = fs::read(store.path()).unwrap();
        let bytes = encode(&book(50)).unwrap();
        let err = store
            .save_with(&mut |w| {
                w.write_all(&bytes[..bytes.len() / 2])?;
                w.flush()?;
                Err(io::Error::other("disk full (simulated)"))
            })
            .unwrap_err();
        assert!(matches!(err, StoreError::Save { .. }), "{err:?}");
        assert!(err.to_string().contains("previous file was left as it was"));
        assert_eq!(fs::read(store.path()).unwrap(), before);
        assert_eq!(store.load().unwrap(), book(3));
        assert!(
            !dir.path().join(TEMP_NAME).exists(),
            "temp file left behind"
        );
    }

    #[test]
    fn a_save_that_cannot_create_its_temp_file_leaves_the_old_file_intact() {
        let dir = tempfile::tempdir().unwrap();
        let store = TriageStore::open(dir.path()).unwrap();
        store.save(&book(2)).unwrap();
        fs::create_dir(dir.path().join(TEMP_NAME)).unwrap();
        let err = store.save(&book(9)).unwrap_err();
        assert!(matches!(err, StoreError::Save { .. }), "{err:?}");
        assert_eq!(store.load().unwrap(), book(2));
    }

    #[test]
    fn open_removes_a_temp_file_left_by_a_killed_writer() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(TEMP_NAME), b"{\"version\": 1, \"reco").unwrap();
        let _store = TriageStore::open(dir.path()).unwrap();
        assert!(!dir.path().join(TEMP_NAME).exists());
    }

    #[test]
    fn proc_state_reads_after_the_last_parenthesis() {
        assert_eq!(proc_state("42 (docket) S 1 2 3"), Some('S'));
        assert_eq!(proc_state("42 (a) b) Z 1"), Some('Z'));
        assert_eq!(proc_state("garbage"), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn this_process_is_running_and_a_reaped_child_is_not() {
        assert!(process_is_running(std::process::id()));
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        assert!(!process_is_running(pid));
    }
}
