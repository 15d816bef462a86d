//! Appending to a session log, one durable line at a time.
//!
//! An action is reported done only after its line is on disk: each append is one
//! `write_all` of the whole line followed by `sync_data`, so a `kill -9` (or a crash) right
//! after an acknowledged append cannot lose it, and a kill during an append leaves at
//! worst one incomplete last line, which [`super::verify()`] reports as such.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::event::{Entry, Event};

#[derive(Debug, thiserror::Error)]
pub enum LogError {
    #[error("cannot write the session log {path}: {source}. Check that the directory exists, is writable and the disk is not full.")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{at:?} is not an RFC 3339 time (like 2025-01-31T09:30:00Z)")]
    BadTime { at: String },
    #[error("cannot serialize a session log event: {0}")]
    Serialize(#[from] serde_json::Error),
    #[error("the session log {path} stopped accepting events after an earlier write error ({reason}); start a new session")]
    Broken { path: PathBuf, reason: String },
}

/// An open session log. Owns the file; the chain state (next seq, head hash) lives here,
/// so one process must not open two writers on one file (file names include the pid).
#[derive(Debug)]
pub struct SessionLog {
    path: PathBuf,
    file: File,
    next_seq: u64,
    head: String,
    /// Set after a failed write: the file may end in a partial line, and chaining a new
    /// line after it would make an honest log look tampered with.
    broken: Option<String>,
}

impl SessionLog {
    /// Create a new log `<dir>/sessions/<started_at as YYYYMMDDTHHMMSSZ>-<pid>.jsonl`
    /// (mode 0600 on unix: it names hosts, people and findings). `started_at` is an
    /// RFC 3339 time from the caller's clock. Never opens an existing file: a name
    /// already taken gets a `-1`, `-2`... suffix.
    pub fn create(dir: &Path, started_at: &str) -> Result<SessionLog, LogError> {
        let started = parse_time(started_at)?;
        let sessions = dir.join("sessions");
        crate::store::atomic::create_private_dir(&sessions).map_err(|source| LogError::Io {
            path: sessions.clone(),
            source,
        })?;
        let stem = format!("{}-{}", file_stamp(started), std::process::id());
        let (path, file) = create_unique(&sessions, &stem)?;
        sync_dir(&sessions);
        Ok(SessionLog {
            path,
            file,
            next_seq: 0,
            head: super::genesis_hash(),
            broken: None,
        })
    }

    /// Append `event` at time `at` (RFC 3339) and return the new line's hash (the new
    /// head). Every string in the event is scrubbed of secrets first. Returns only once
    /// the line is written and synced to disk.
    pub fn append(&mut self, at: &str, event: Event) -> Result<String, LogError> {
        if let Some(reason) = &self.broken {
            return Err(LogError::Broken {
                path: self.path.clone(),
                reason: reason.clone(),
            });
        }
        parse_time(at)?;
        let entry = Entry {
            seq: self.next_seq,
            at: at.to_string(),
            prev: self.head.clone(),
            event: event.scrubbed()?,
        };
        let mut line = serde_json::to_vec(&entry)?;
        line.push(b'\n');
        if let Err(source) = self.write_durably(&line) {
            self.broken = Some(source.to_string());
            return Err(LogError::Io {
                path: self.path.clone(),
                source,
            });
        }
        self.head = super::line_hash(&line);
        self.next_seq += 1;
        Ok(self.head.clone())
    }

    /// The hash of the last line written (the genesis hash before the first): what an
    /// export records so a later truncation of the log can be detected.
    pub fn head(&self) -> String {
        self.head.clone()
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How many lines have been written.
    pub fn len(&self) -> u64 {
        self.next_seq
    }

    pub fn is_empty(&self) -> bool {
        self.next_seq == 0
    }

    fn write_durably(&mut self, line: &[u8]) -> std::io::Result<()> {
        self.file.write_all(line)?;
        self.file.flush()?;
        self.file.sync_data()
    }
}

fn parse_time(at: &str) -> Result<OffsetDateTime, LogError> {
    OffsetDateTime::parse(at, &Rfc3339).map_err(|_| LogError::BadTime { at: at.to_string() })
}

/// `20250131T093000Z`: sortable, and free of `:` (not allowed in Windows file names).
fn file_stamp(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

fn create_unique(dir: &Path, stem: &str) -> Result<(PathBuf, File), LogError> {
    let mut n = 0u32;
    loop {
        let name = if n == 0 {
            format!("{stem}.jsonl")
        } else {
            format!("{stem}-{n}.jsonl")
        };
        let path = dir.join(name);
        match open_new(&path) {
            Ok(file) => return Ok((path, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 1000 => n += 1,
            Err(source) => return Err(LogError::Io { path, source }),
        }
    }
}

fn open_new(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.append(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Best effort: the line itself is already fsynced; this makes the new file's entry durable.
fn sync_dir(dir: &Path) {
    let _ = crate::store::atomic::sync_dir(dir);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_name_is_the_utc_start_time_and_pid() {
        let dir = tempfile::tempdir().unwrap();
        let log = SessionLog::create(dir.path(), "2025-01-31T10:30:00+01:00").unwrap();
        let name = log
            .path()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert_eq!(
            name,
            format!("20250131T093000Z-{}.jsonl", std::process::id())
        );
        let again = SessionLog::create(dir.path(), "2025-01-31T09:30:00Z").unwrap();
        assert_ne!(again.path(), log.path());
    }

    #[test]
    fn bad_times_are_refused_before_anything_is_written() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            SessionLog::create(dir.path(), "yesterday"),
            Err(LogError::BadTime { .. })
        ));
        let mut log = SessionLog::create(dir.path(), "2025-01-31T09:30:00Z").unwrap();
        let err = log.append("31/01/2025", Event::SessionEnd {}).unwrap_err();
        assert!(err.to_string().contains("RFC 3339"), "{err}");
        assert!(log.is_empty());
        assert_eq!(std::fs::read(log.path()).unwrap(), b"");
    }

    #[test]
    fn head_starts_at_genesis_and_follows_each_line() {
        let dir = tempfile::tempdir().unwrap();
        let mut log = SessionLog::create(dir.path(), "2025-01-31T09:30:00Z").unwrap();
        assert_eq!(log.head(), crate::session::genesis_hash());
        let h = log
            .append("2025-01-31T09:30:01Z", Event::SessionEnd {})
            .unwrap();
        let bytes = std::fs::read(log.path()).unwrap();
        assert_eq!(h, crate::session::line_hash(&bytes));
        assert_eq!(log.head(), h);
        assert_eq!(log.len(), 1);
    }
}
