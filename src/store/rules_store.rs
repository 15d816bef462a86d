//! The suppression rules file: `suppressions.toml` in the `--workspace DIR` or the user
//! config dir, read into a [`RuleSet`] and written back atomically (temp file, fsync,
//! rename, fsync of the directory), so a crash or a full disk never leaves half a file.
//!
//! People edit this file by hand too, so nothing is held open: [`RulesStore::open`] does no
//! IO, [`RulesStore::load`] reads whatever is there, and writers (`docket suppress add`,
//! `import`, the workbench's rule editor) take `suppressions.lock` only for the moment of
//! a write, so two Docket processes never lose each other's rules. [`RulesStore::append`]
//! adds rules after the existing text, keeping the operator's comments and layout;
//! [`RulesStore::save`] rewrites the whole file (edits and deletions).

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::atomic::{create_private_dir, sync_dir, write_and_rename};
use super::rules_lock::LockFile;
use crate::findings::suppress::{RuleError, RuleSet, SuppressionRule};
use crate::tui::config::Paths;

/// The rules file inside its directory.
pub const FILE_NAME: &str = "suppressions.toml";
/// Held during a save or a read-modify-write; holds the writer's process id.
pub const LOCK_NAME: &str = "suppressions.lock";
/// Written, flushed, then renamed over the rules file (one name is enough under the lock).
pub const TEMP_NAME: &str = ".suppressions.toml.tmp";
/// How long a writer waits for another one to finish before giving up.
const LOCK_WAIT: Duration = Duration::from_secs(3);

/// Why the rules file could not be read or written; each message names the file and what
/// to do next.
#[derive(Debug)]
pub enum RulesStoreError {
    Read {
        path: PathBuf,
        source: io::Error,
    },
    /// The file is not valid rules: file, line, column and the fix.
    Invalid(RuleError),
    /// The rules could not be turned into TOML (should not happen; named anyway).
    Encode {
        path: PathBuf,
        detail: String,
    },
    CreateDir {
        dir: PathBuf,
        source: io::Error,
    },
    /// Another Docket process is writing the rules.
    Locked {
        lock: PathBuf,
        holder: String,
    },
    Lock {
        lock: PathBuf,
        source: io::Error,
    },
    /// The write failed before the rename: the previous file is untouched.
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

impl std::fmt::Display for RulesStoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RulesStoreError::Read { path, source } => write!(
                f,
                "cannot read the suppression rules {}: {source}",
                path.display()
            ),
            RulesStoreError::Invalid(e) => write!(f, "{e}"),
            RulesStoreError::Encode { path, detail } => write!(
                f,
                "cannot write the suppression rules {}: {detail}; the previous file was left as it was",
                path.display()
            ),
            RulesStoreError::CreateDir { dir, source } => write!(
                f,
                "cannot create the directory {} for the suppression rules: {source}; choose another with --workspace DIR",
                dir.display()
            ),
            RulesStoreError::Locked { lock, holder } => write!(
                f,
                "the suppression rules are being written by Docket process {holder} (lock file {}): try again, or delete the lock file if no such process is running",
                lock.display()
            ),
            RulesStoreError::Lock { lock, source } => {
                write!(f, "cannot create the lock file {}: {source}", lock.display())
            }
            RulesStoreError::Save { path, source } => write!(
                f,
                "cannot save the suppression rules to {}: {source}; the previous file was left as it was",
                path.display()
            ),
            RulesStoreError::Durability { dir, source } => write!(
                f,
                "saved the suppression rules but could not flush the directory {} to disk ({source}): a power loss now could undo the save",
                dir.display()
            ),
        }
    }
}

impl std::error::Error for RulesStoreError {}

/// What [`RulesStore::append`] did, by rule id in the order given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Appended {
    pub added: Vec<String>,
    /// Already in the file (same id): not written again.
    pub skipped: Vec<String>,
}

/// Where the rules file is; opening does no IO.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RulesStore {
    dir: PathBuf,
    file: PathBuf,
}

impl RulesStore {
    /// The rules file `suppressions.toml` in `dir`.
    pub fn open(dir: &Path) -> RulesStore {
        RulesStore {
            dir: dir.to_path_buf(),
            file: dir.join(FILE_NAME),
        }
    }

    /// A rules file under any name (`--rules FILE`); the lock and temp file go next to it.
    pub fn at_file(file: &Path) -> RulesStore {
        let dir = match file.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        RulesStore {
            dir,
            file: file.to_path_buf(),
        }
    }

    /// The workspace's rules when a workspace is given, else the user config dir's.
    pub fn for_workspace(workspace: Option<&Path>, paths: &Paths) -> RulesStore {
        RulesStore::open(workspace.unwrap_or(&paths.config_dir))
    }

    /// The rules file.
    pub fn path(&self) -> &Path {
        &self.file
    }

    /// Whether the rules file exists (a missing file is an empty set, not an error).
    pub fn exists(&self) -> bool {
        self.file.exists()
    }

    /// The rules; an empty set when the file does not exist. A file that cannot be parsed
    /// is an error naming its line and column, never an empty set.
    pub fn load(&self) -> Result<RuleSet, RulesStoreError> {
        match self.read_text()? {
            Some(text) => self.parse(&text),
            None => Ok(RuleSet::default()),
        }
    }

    fn parse(&self, text: &str) -> Result<RuleSet, RulesStoreError> {
        RuleSet::from_toml(text, &self.file.display().to_string()).map_err(RulesStoreError::Invalid)
    }

    /// The file's text; `None` when it does not exist.
    fn read_text(&self) -> Result<Option<String>, RulesStoreError> {
        let bytes = match fs::read(&self.file) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(RulesStoreError::Read {
                    path: self.file.clone(),
                    source,
                })
            }
        };
        String::from_utf8(bytes).map(Some).map_err(|e| {
            let offset = e.utf8_error().valid_up_to();
            let valid = String::from_utf8_lossy(&e.as_bytes()[..offset]).into_owned();
            RulesStoreError::Invalid(
                RuleError::new(
                    &self.file.display().to_string(),
                    "the suppression rules are not UTF-8 text",
                    "save the file as UTF-8",
                )
                .at_offset(&valid, offset),
            )
        })
    }

    /// Append rules to the file under the lock, keeping the existing text (comments,
    /// layout) as it is. A rule whose id is already in the file is skipped and returned in
    /// [`Appended::skipped`]. Nothing is written when no rule is new.
    pub fn append(&self, rules: &[SuppressionRule]) -> Result<Appended, RulesStoreError> {
        let _lock = self.lock()?;
        let old = self.read_text()?;
        let mut all = match &old {
            Some(text) => self.parse(text)?,
            None => RuleSet::default(),
        };
        let mut added = RuleSet::default();
        let mut outcome = Appended::default();
        for rule in rules {
            if all.get(&rule.id).is_some() {
                outcome.skipped.push(rule.id.clone());
            } else {
                all.rules.push(rule.clone());
                added.rules.push(rule.clone());
                outcome.added.push(rule.id.clone());
            }
        }
        if added.rules.is_empty() {
            return Ok(outcome);
        }
        let tail = added.to_toml().map_err(|detail| RulesStoreError::Encode {
            path: self.file.clone(),
            detail,
        })?;
        let mut text = old.unwrap_or_else(|| HEADER.to_string());
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        if !text.is_empty() && !text.ends_with("\n\n") {
            text.push('\n');
        }
        text.push_str(&tail);
        // The joined text must read back as exactly the old rules plus the new ones.
        if self.parse(&text)? != all {
            return Err(RulesStoreError::Encode {
                path: self.file.clone(),
                detail: "the appended rules do not read back as written".to_string(),
            });
        }
        self.save_with(&mut |w| w.write_all(text.as_bytes()))?;
        Ok(outcome)
    }

    /// Replace the file with `rules`, atomically and durably, under the lock. Comments in
    /// the old file are not kept (only the standard header is written).
    pub fn save(&self, rules: &RuleSet) -> Result<(), RulesStoreError> {
        let _lock = self.lock()?;
        self.save_locked(rules)
    }

    fn lock(&self) -> Result<LockFile, RulesStoreError> {
        create_private_dir(&self.dir).map_err(|source| RulesStoreError::CreateDir {
            dir: self.dir.clone(),
            source,
        })?;
        LockFile::acquire(&self.dir.join(LOCK_NAME), LOCK_WAIT)
    }

    fn save_locked(&self, rules: &RuleSet) -> Result<(), RulesStoreError> {
        let text = rules.to_toml().map_err(|detail| RulesStoreError::Encode {
            path: self.file.clone(),
            detail,
        })?;
        let text = format!("{HEADER}{text}");
        self.save_with(&mut |w| w.write_all(text.as_bytes()))
    }

    /// The save with the bytes produced by `write`, so tests can fail it halfway through.
    fn save_with(
        &self,
        write: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
    ) -> Result<(), RulesStoreError> {
        let temp = self.dir.join(TEMP_NAME);
        let mode = fs::metadata(&self.file).ok().map(|m| m.permissions());
        write_and_rename(&temp, &self.file, mode, write).map_err(|source| {
            if fs::symlink_metadata(&temp).is_ok_and(|m| m.is_file()) {
                let _ = fs::remove_file(&temp);
            }
            RulesStoreError::Save {
                path: self.file.clone(),
                source,
            }
        })?;
        sync_dir(&self.dir).map_err(|source| RulesStoreError::Durability {
            dir: self.dir.clone(),
            source,
        })
    }
}

/// The comment at the top of a file Docket creates or rewrites.
const HEADER: &str = "# Docket suppression rules (docket suppress list | add | import | check).\n\
# Each [[rule]] needs checks and a reason; scope, author, created and expires are optional.\n\
# Adding rules keeps this file's text; editing or deleting one in the workbench rewrites it.\n\n";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::suppress::SuppressionRule;

    fn set(n: usize) -> RuleSet {
        let mut rules = RuleSet::default();
        for i in 0..n {
            rules
                .push(SuppressionRule::new(
                    vec![format!("KW-00{}", i + 1)],
                    format!("reason {i}"),
                ))
                .unwrap();
        }
        rules
    }

    #[test]
    fn a_save_that_fails_midway_leaves_the_old_file_intact() {
        let dir = tempfile::tempdir().unwrap();
        let store = RulesStore::open(dir.path());
        store.save(&set(1)).unwrap();
        let before = fs::read(store.path()).unwrap();
        let err = store
            .save_with(&mut |w| {
                w.write_all(b"[[rule]]\nid = \"half")?;
                w.flush()?;
                Err(io::Error::other("disk full (simulated)"))
            })
            .unwrap_err();
        assert!(matches!(err, RulesStoreError::Save { .. }), "{err:?}");
        assert_eq!(fs::read(store.path()).unwrap(), before);
        assert_eq!(store.load().unwrap(), set(1));
        assert!(!dir.path().join(TEMP_NAME).exists());
    }

    #[test]
    fn append_keeps_the_text_and_skips_known_ids() {
        let dir = tempfile::tempdir().unwrap();
        let store = RulesStore::open(dir.path());
        let original = "# our rules\n[[rule]]\nid = \"keep\"\nchecks = [\"KW-001\"]\nreason = \"why\" # inline\n";
        fs::write(store.path(), original).unwrap();
        let new = SuppressionRule::new(vec!["KW-002".into()], "b");
        let mut dup = SuppressionRule::new(vec!["KW-003".into()], "c");
        dup.id = "keep".into();
        let out = store.append(&[new.clone(), dup]).unwrap();
        assert_eq!(out.added, vec![new.id.clone()]);
        assert_eq!(out.skipped, vec!["keep".to_string()]);
        let text = fs::read_to_string(store.path()).unwrap();
        assert!(text.starts_with(original), "{text}");
        let loaded = store.load().unwrap();
        assert_eq!(loaded.rules.len(), 2);
        assert_eq!(loaded.rules[0].id, "keep");
        assert_eq!(loaded.rules[1], new);
        // Nothing new: the file is not touched.
        let again = store.append(std::slice::from_ref(&new)).unwrap();
        assert!(again.added.is_empty());
        assert_eq!(fs::read_to_string(store.path()).unwrap(), text);
    }

    #[test]
    fn a_stale_lock_of_a_dead_process_is_taken_over_a_live_one_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let lock = dir.path().join(LOCK_NAME);
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        fs::write(&lock, format!("{dead}\n")).unwrap();
        let store = RulesStore::open(dir.path());
        store.save(&set(2)).unwrap();
        assert!(!lock.exists(), "the lock is released after the save");
        // Our own pid is a live holder: the writer waits, then names it.
        fs::write(&lock, format!("{}\n", std::process::id())).unwrap();
        let err = LockFile::acquire(&lock, Duration::from_millis(120)).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains(&format!("Docket process {}", std::process::id())),
            "{text}"
        );
        assert_eq!(store.load().unwrap(), set(2));
    }
}
