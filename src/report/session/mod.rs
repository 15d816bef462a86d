//! Session exports: what an operator did in one session, for an auditor. Pure: the caller
//! passes the snapshot, the scan, the triage book, the suppression rules and their
//! evaluation, the session log's entries and its head hash, and the time.
//!
//! Every format gives the same content, in this order: a summary (who, where, which
//! sources, when, totals by severity and by triage state, how many suppressed, the session
//! log's path and head hash and the command that checks the two against each other), the
//! findings grouped by triage state (suppressed ones in their own group, with the rule that
//! hides them), the suppression rules with status and matches, the remediations the log
//! records, then what was not evaluated and the coverage gaps.
//!
//! [`model`] gathers the rows once (linear in the number of findings); each format file only
//! prints them. Operator text (notes, reasons) is printed as written, escaped for the
//! format; nothing else that could carry a secret is printed (no evidence values).

pub mod csv;
pub mod html;
pub mod json;
pub mod log;
pub mod markdown;
pub mod model;
pub mod rows;

use crate::checks::ScanResult;
use crate::findings::suppress::{Evaluation, RuleSet};
use crate::findings::triage::TriageBook;
use crate::model::Snapshot;
use crate::session::Entry;

/// Everything a session export is made from.
pub struct SessionInput<'a> {
    pub snapshot: &'a Snapshot,
    pub scan: &'a ScanResult,
    pub book: &'a TriageBook,
    pub rules: &'a RuleSet,
    pub evaluation: &'a Evaluation,
    /// The session log read back so far (remediations, triage activity, scans, exports).
    pub entries: &'a [Entry],
    pub log_path: &'a str,
    /// The log's head hash when the export is written (`SessionLog::head()`).
    pub head_hash: &'a str,
    /// RFC 3339; injected (no clock reads in report code).
    pub generated_at: &'a str,
}

/// The formats a session can be exported in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionFormat {
    Markdown,
    Html,
    Json,
    Csv,
}

impl SessionFormat {
    pub const ALL: [SessionFormat; 4] = [
        SessionFormat::Markdown,
        SessionFormat::Html,
        SessionFormat::Json,
        SessionFormat::Csv,
    ];

    /// Case-insensitive: `markdown`/`md`, `html`/`htm`, `json`, `csv`.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "markdown" | "md" => Some(SessionFormat::Markdown),
            "html" | "htm" => Some(SessionFormat::Html),
            "json" => Some(SessionFormat::Json),
            "csv" => Some(SessionFormat::Csv),
            _ => None,
        }
    }

    /// The name in messages and in the session log's export event.
    pub fn name(self) -> &'static str {
        match self {
            SessionFormat::Markdown => "markdown",
            SessionFormat::Html => "html",
            SessionFormat::Json => "json",
            SessionFormat::Csv => "csv",
        }
    }

    /// File extension without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            SessionFormat::Markdown => "md",
            SessionFormat::Html => "html",
            SessionFormat::Json => "json",
            SessionFormat::Csv => "csv",
        }
    }
}

impl std::fmt::Display for SessionFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Render the session export in one format.
pub fn render(input: &SessionInput, format: SessionFormat) -> String {
    let m = model::SessionModel::new(input);
    match format {
        SessionFormat::Markdown => markdown::render(&m),
        SessionFormat::Html => html::render(&m),
        SessionFormat::Json => json::render(&m),
        SessionFormat::Csv => csv::render(&m),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse_back_and_have_extensions() {
        for f in SessionFormat::ALL {
            assert_eq!(SessionFormat::parse(f.name()), Some(f));
            assert_eq!(SessionFormat::parse(&f.name().to_uppercase()), Some(f));
            assert_eq!(SessionFormat::parse(f.extension()), Some(f));
        }
        assert_eq!(SessionFormat::parse(" md "), Some(SessionFormat::Markdown));
        assert_eq!(SessionFormat::parse("sarif"), None);
    }
}
