//! The workbench's state on disk: the triage book and the suppression rules, loaded before
//! the terminal is touched (so a damaged file is an ordinary error naming its line) and
//! saved by the runtime after each change; and the session log read back for the log view.

use std::path::{Path, PathBuf};

use super::config::Paths;
use super::msg::{LogLine, LogView};
use crate::findings::suppress::RuleSet;
use crate::findings::triage::TriageBook;
use crate::store::rules_store::RulesStore;
use crate::store::TriageStore;

/// Triage and rules, with where they are kept.
pub struct WorkState {
    pub triage_store: TriageStore,
    pub book: TriageBook,
    pub rules_store: RulesStore,
    pub rules: RuleSet,
    /// The reviewer's DPIA corrections (`dpia.toml` in the workspace, else the config dir);
    /// an error names the file and line and is shown in the DPIA view.
    pub dpia_overrides: Result<crate::dpia::Overrides, String>,
}

impl WorkState {
    /// Triage in the workspace (else the data dir), rules in the workspace (else the config
    /// dir). Errors name the file and what to do.
    pub fn load(workspace: Option<&Path>, paths: &Paths) -> Result<WorkState, String> {
        let dir: PathBuf = workspace.unwrap_or(&paths.data_dir).to_path_buf();
        let triage_store = TriageStore::open(&dir).map_err(|e| e.to_string())?;
        let book = triage_store.load().map_err(|e| e.to_string())?;
        let rules_store = RulesStore::for_workspace(workspace, paths);
        let rules = rules_store.load().map_err(|e| e.to_string())?;
        let dpia_file = workspace.unwrap_or(&paths.config_dir).join("dpia.toml");
        let dpia_overrides = match std::fs::read_to_string(&dpia_file) {
            Ok(text) => crate::dpia::Overrides::from_toml(&text, &dpia_file.display().to_string())
                .map_err(|e| e.to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Default::default()),
            Err(e) => Err(format!("cannot read {}: {e}", dpia_file.display())),
        };
        Ok(WorkState {
            triage_store,
            book,
            rules_store,
            rules,
            dpia_overrides,
        })
    }

    pub fn save_triage(&self, book: &TriageBook) -> Result<(), String> {
        tokio::task::block_in_place(|| self.triage_store.save(book)).map_err(|e| e.to_string())
    }

    pub fn save_rules(&self, rules: &RuleSet) -> Result<(), String> {
        tokio::task::block_in_place(|| self.rules_store.save(rules)).map_err(|e| e.to_string())
    }
}

/// Read and verify a session log for the log view (blocking: run it off the UI task).
pub fn read_log(path: &Path) -> LogView {
    let shown = path.display().to_string();
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            return LogView {
                path: shown.clone(),
                lines: Vec::new(),
                status: format!("cannot read the session log {shown}: {e}"),
                intact: false,
            }
        }
    };
    let report = crate::session::verify(&bytes);
    let read = crate::session::read::entries(&bytes);
    let lines = read
        .entries
        .iter()
        .map(|e| LogLine {
            seq: e.seq,
            at: e.at.clone(),
            kind: e.event.kind().to_string(),
            summary: e.event.summary(),
        })
        .collect();
    let head: String = report.head.chars().take(16).collect();
    let (status, intact) = match &report.first_bad {
        None => (
            format!(
                "chain intact: {} lines, head {head}… (`docket log verify {shown}`)",
                report.lines
            ),
            true,
        ),
        Some(bad) => (
            format!(
                "CHAIN BROKEN at line {}: {} ({} lines verified before it)",
                bad.line, bad.why, report.lines
            ),
            false,
        ),
    };
    LogView {
        path: shown,
        lines,
        status,
        intact,
    }
}

/// A session export, done off the UI task: read the log back, render, write atomically.
pub struct SessionExport {
    pub bench: super::msg::Workbench,
    pub book: TriageBook,
    pub rules: RuleSet,
    pub evaluation: crate::findings::suppress::Evaluation,
    pub log_path: Option<PathBuf>,
    pub head: String,
    pub format: crate::report::session::SessionFormat,
    pub path: PathBuf,
}

impl SessionExport {
    pub fn write(self) -> Result<String, String> {
        let entries = match &self.log_path {
            Some(p) => std::fs::read(p)
                .map(|b| crate::session::read::entries(&b).entries)
                .map_err(|e| format!("cannot read the session log {}: {e}", p.display()))?,
            None => Vec::new(),
        };
        let log_path = self
            .log_path
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "(no session log)".into());
        let generated_at = crate::findings::triage::timestamp(time::OffsetDateTime::now_utc());
        let input = crate::report::session::SessionInput {
            snapshot: &self.bench.snapshot,
            scan: &self.bench.scan,
            book: &self.book,
            rules: &self.rules,
            evaluation: &self.evaluation,
            entries: &entries,
            log_path: &log_path,
            head_hash: &self.head,
            generated_at: &generated_at,
        };
        let text = crate::report::session::render(&input, self.format);
        if let Some(dir) = self.path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        crate::cli::write_atomic(&self.path, text.as_bytes())
            .map(|_| {
                format!(
                    "session exported to {} (log head {})",
                    self.path.display(),
                    self.head.chars().take(12).collect::<String>()
                )
            })
            .map_err(|e| format!("cannot write {}: {e}", self.path.display()))
    }
}
