//! The lock a suppression rules writer holds for the moment of a write:
//! `suppressions.lock`, created exclusively and holding the writer's process id.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::rules_store::RulesStoreError;

/// `suppressions.lock`, created exclusively with our pid; removed on drop. A lock whose
/// process is gone is taken over; a live one is waited for, then reported.
#[derive(Debug)]
pub(crate) struct LockFile {
    path: PathBuf,
}

impl LockFile {
    pub(crate) fn acquire(path: &Path, wait: Duration) -> Result<LockFile, RulesStoreError> {
        let started = Instant::now();
        loop {
            let mut options = OpenOptions::new();
            options.write(true).create_new(true);
            match options.open(path) {
                Ok(mut file) => {
                    let _ = writeln!(file, "{}", std::process::id());
                    return Ok(LockFile {
                        path: path.to_path_buf(),
                    });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                Err(source) => {
                    return Err(RulesStoreError::Lock {
                        lock: path.to_path_buf(),
                        source,
                    })
                }
            }
            let holder = fs::read_to_string(path).unwrap_or_default();
            let pid = holder.trim().parse::<u32>().ok();
            if pid.is_some_and(|p| !process_is_running(p)) {
                let _ = fs::remove_file(path);
                continue;
            }
            if started.elapsed() >= wait {
                return Err(RulesStoreError::Locked {
                    lock: path.to_path_buf(),
                    holder: pid.map_or_else(|| "(unknown)".to_string(), |p| p.to_string()),
                });
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for LockFile {
    fn drop(&mut self) {
        let ours = fs::read_to_string(&self.path)
            .is_ok_and(|t| t.trim() == std::process::id().to_string());
        if ours {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// On Linux, whether `/proc/<pid>` exists; elsewhere assume it does (never break a lock on
/// a guess: the error says how to remove it).
fn process_is_running(pid: u32) -> bool {
    if !cfg!(target_os = "linux") || !Path::new("/proc/self").exists() {
        return true;
    }
    Path::new(&format!("/proc/{pid}")).exists()
}
