//! The TUI's log file (`docket.log` in the state dir): the screen belongs to the UI, so
//! diagnostics go here. Lines are handed to a writer thread, so logging never blocks the
//! event loop; a log that cannot be opened is simply off.

use std::io::Write;
use std::path::Path;
use std::sync::mpsc::{sync_channel, SyncSender};

pub struct Log {
    tx: Option<SyncSender<String>>,
}

impl Log {
    /// Append to `path` (directories created); `Log::off()` when that fails.
    pub fn open(path: &Path) -> Log {
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let Ok(mut file) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
        else {
            return Log::off();
        };
        let (tx, rx) = sync_channel::<String>(256);
        let spawned = std::thread::Builder::new()
            .name("docket-log".into())
            .spawn(move || {
                for line in rx {
                    let _ = writeln!(file, "{line}");
                }
            });
        Log {
            tx: spawned.ok().map(|_| tx),
        }
    }

    pub fn off() -> Log {
        Log { tx: None }
    }

    /// Log a line with a timestamp; dropped (never blocking) when the writer is behind.
    pub fn line(&self, text: &str) {
        if let Some(tx) = &self.tx {
            let now = time::OffsetDateTime::now_utc()
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default();
            let _ = tx.try_send(format!("{now} {text}"));
        }
    }
}
