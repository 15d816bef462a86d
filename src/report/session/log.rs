//! What the session log says, for the export: who started the session, when the last scan
//! ran, every remediation event and how many events of each kind. One pass over the entries.

use std::collections::HashMap;

use super::SessionInput;
use crate::findings::Finding;
use crate::session::{Event, RemediationAction};

/// One remediation event of the log.
#[derive(Debug, Clone)]
pub struct RemediationRow<'a> {
    pub at: &'a str,
    pub action: RemediationAction,
    pub fingerprint: &'a str,
    /// Check id and title of the finding, when this scan has it.
    pub check: Option<(&'a str, &'a str)>,
    pub target: &'a str,
    pub plan_digest: &'a str,
    pub dry_run: bool,
    pub detail: &'a str,
}

pub const ACTIONS: [RemediationAction; 6] = [
    RemediationAction::Planned,
    RemediationAction::Viewed,
    RemediationAction::Copied,
    RemediationAction::Applied,
    RemediationAction::Verified,
    RemediationAction::Failed,
];

pub fn action_key(a: RemediationAction) -> &'static str {
    match a {
        RemediationAction::Planned => "planned",
        RemediationAction::Viewed => "viewed",
        RemediationAction::Copied => "copied",
        RemediationAction::Applied => "applied",
        RemediationAction::Verified => "verified",
        RemediationAction::Failed => "failed",
    }
}

/// Who ran the session, from the log's first `session_start`.
#[derive(Debug, Clone)]
pub struct Start<'a> {
    pub at: &'a str,
    pub operator: &'a str,
    pub host: &'a str,
    pub docket_version: &'a str,
    pub sources: &'a [String],
    pub contexts: &'a [String],
    pub read_only: bool,
}

/// How many log entries of each kind, in a fixed order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Activity {
    pub entries: usize,
    pub scans: usize,
    pub triage: usize,
    pub notes: usize,
    pub owners: usize,
    pub suppressions: usize,
    pub remediations: usize,
    pub exports: usize,
}

impl Activity {
    /// `2 scans, 3 triage changes, 1 note, ...` (kinds with none left out).
    pub fn line(&self) -> String {
        let items = [
            (self.scans, "scan", "scans"),
            (self.triage, "triage change", "triage changes"),
            (self.notes, "note", "notes"),
            (self.owners, "owner change", "owner changes"),
            (
                self.suppressions,
                "suppression change",
                "suppression changes",
            ),
            (self.remediations, "remediation event", "remediation events"),
            (self.exports, "export", "exports"),
        ];
        let parts: Vec<String> = items
            .iter()
            .filter(|(n, _, _)| *n > 0)
            .map(|(n, one, many)| format!("{n} {}", if *n == 1 { one } else { many }))
            .collect();
        if parts.is_empty() {
            "no events".to_string()
        } else {
            parts.join(", ")
        }
    }
}

pub(super) type FromLog<'a> = (
    Option<Start<'a>>,
    Option<&'a str>,
    Vec<RemediationRow<'a>>,
    Activity,
);

/// One pass over the log: the first session start, the last scan time, the remediation
/// events and the counts.
pub(super) fn from_log<'a>(input: &'a SessionInput<'a>) -> FromLog<'a> {
    let mut start = None;
    let mut scanned_at = None;
    let mut remediations = Vec::new();
    let mut activity = Activity {
        entries: input.entries.len(),
        ..Activity::default()
    };
    // Built only when the log has remediations to name the check of.
    let mut by_fp: Option<HashMap<&str, &Finding>> = None;
    for entry in input.entries {
        match &entry.event {
            Event::SessionStart {
                operator,
                host,
                docket_version,
                sources,
                contexts,
                read_only,
            } if start.is_none() => {
                start = Some(Start {
                    at: &entry.at,
                    operator,
                    host,
                    docket_version,
                    sources,
                    contexts,
                    read_only: *read_only,
                })
            }
            Event::Scan { .. } => {
                activity.scans += 1;
                scanned_at = Some(entry.at.as_str());
            }
            Event::Triage { .. } => activity.triage += 1,
            Event::Note { .. } => activity.notes += 1,
            Event::Owner { .. } => activity.owners += 1,
            Event::Suppression { .. } => activity.suppressions += 1,
            Event::Export { .. } => activity.exports += 1,
            Event::Remediation {
                action,
                fingerprint,
                target,
                plan_digest,
                dry_run,
                detail,
            } => {
                activity.remediations += 1;
                remediations.push(RemediationRow {
                    at: &entry.at,
                    action: *action,
                    fingerprint,
                    check: by_fp
                        .get_or_insert_with(|| {
                            input
                                .scan
                                .findings
                                .iter()
                                .map(|f| (f.fingerprint.as_str(), f))
                                .collect()
                        })
                        .get(fingerprint.as_str())
                        .map(|f| (f.check_id.as_str(), f.title.as_str())),
                    target,
                    plan_digest,
                    dry_run: *dry_run,
                    detail,
                });
            }
            Event::SessionStart { .. } | Event::SessionEnd {} => {}
        }
    }
    (start, scanned_at, remediations, activity)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn activity_line_names_only_kinds_that_happened() {
        let a = Activity {
            entries: 5,
            scans: 2,
            notes: 1,
            ..Activity::default()
        };
        assert_eq!(a.line(), "2 scans, 1 note");
        assert_eq!(Activity::default().line(), "no events");
    }
}
