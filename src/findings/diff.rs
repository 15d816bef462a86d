//! Diff of two sets of findings by fingerprint: new (only in the current set), resolved
//! (only in the baseline) and unchanged (in both). Pure: the caller passes the text.
//!
//! A [`Baseline`] is read from a Docket snapshot (the checks are run on it), a
//! `docket scan -f json` report (its `findings` and `suppressed` arrays) or a session JSON
//! export (its `findings`); the kind is detected from the content, never the file name.
//! A finding "resolved" while the current input has coverage gaps may only be unread: the
//! gaps are kept so a caller can say so.

use std::collections::HashSet;

use serde::de::IgnoredAny;
use serde::Deserialize;

use super::{sort, Evidence, Finding, ResourceRef};
use crate::checks::{self, Selection, Severity};
use crate::located::Located;
use crate::model::{Snapshot, SNAPSHOT_SCHEMA_VERSION};

/// What a baseline file turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaselineKind {
    Snapshot,
    ScanReport,
    SessionExport,
}

impl BaselineKind {
    pub fn label(self) -> &'static str {
        match self {
            BaselineKind::Snapshot => "Docket snapshot",
            BaselineKind::ScanReport => "scan report (JSON)",
            BaselineKind::SessionExport => "session export (JSON)",
        }
    }
}

/// One side of a diff: the findings of an earlier (or the current) scan.
#[derive(Debug, Clone, PartialEq)]
pub struct Baseline {
    /// The file, as named in messages.
    pub origin: String,
    pub kind: BaselineKind,
    /// Sorted worst first, one per fingerprint.
    pub findings: Vec<Finding>,
    /// Data that input could not read, as `label (scope): reason`.
    pub coverage_gaps: Vec<String>,
    /// The session log head hash a session export names.
    pub head_hash: Option<String>,
}

/// The result of [`diff`]; each list sorted worst first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Diff {
    /// In the current findings, not in the baseline.
    pub new: Vec<Finding>,
    /// In the baseline, no longer in the current findings.
    pub resolved: Vec<Finding>,
    /// In both (the current version of each).
    pub unchanged: Vec<Finding>,
}

/// Compare by fingerprint.
pub fn diff(baseline: &Baseline, current: &[Finding]) -> Diff {
    let old: HashSet<&str> = baseline
        .findings
        .iter()
        .map(|f| f.fingerprint.as_str())
        .collect();
    let now: HashSet<&str> = current.iter().map(|f| f.fingerprint.as_str()).collect();
    let mut out = Diff::default();
    let mut seen: HashSet<&str> = HashSet::with_capacity(current.len());
    for f in current {
        if !seen.insert(&f.fingerprint) {
            continue;
        }
        if old.contains(f.fingerprint.as_str()) {
            out.unchanged.push(f.clone());
        } else {
            out.new.push(f.clone());
        }
    }
    out.resolved = baseline
        .findings
        .iter()
        .filter(|f| !now.contains(f.fingerprint.as_str()))
        .cloned()
        .collect();
    sort(&mut out.new);
    sort(&mut out.resolved);
    sort(&mut out.unchanged);
    out
}

const HINT: &str = "give a Docket snapshot (`docket snapshot save`), a `docket scan -f json` \
    report or a session export in JSON";

/// The top-level keys that tell the kinds apart; values are skipped, not built.
#[derive(Deserialize)]
struct Probe {
    schema_version: Option<serde_json::Value>,
    report_version: Option<IgnoredAny>,
    session_export_version: Option<IgnoredAny>,
    findings: Option<IgnoredAny>,
}

/// A finding as the JSON report and the session export write it (extra fields ignored).
#[derive(Deserialize)]
struct Item {
    check_id: String,
    severity: Severity,
    title: String,
    resource: ResourceRef,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    evidence: Vec<Evidence>,
    #[serde(default)]
    discriminator: Option<String>,
    fingerprint: String,
}

#[derive(Deserialize)]
struct Gap {
    #[serde(default)]
    label: String,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    reason: String,
}

#[derive(Deserialize)]
struct SessionHead {
    head_hash: Option<String>,
}

#[derive(Deserialize)]
struct Doc {
    findings: Vec<Item>,
    #[serde(default)]
    suppressed: Vec<Item>,
    #[serde(default)]
    coverage_gaps: Vec<Gap>,
    #[serde(default)]
    session: Option<SessionHead>,
}

impl Baseline {
    /// Detect and read a baseline. Errors name `origin`, the line and column, and what to do.
    pub fn parse(text: &str, origin: &str) -> Result<Baseline, Located> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if text.trim().is_empty() {
            return Err(Located::new(origin, "the file is empty", HINT));
        }
        let probe: Probe = serde_json::from_str(text).map_err(|e| json_error(origin, text, &e))?;
        if let Some(version) = &probe.schema_version {
            return match version.as_u64() {
                Some(n) if n <= u64::from(SNAPSHOT_SCHEMA_VERSION) => {
                    let snapshot: Snapshot = serde_json::from_str(text).map_err(|e| {
                        let mut err = json_error(origin, text, &e);
                        err.message = format!("not a valid Docket snapshot: {}", err.message);
                        err
                    })?;
                    Ok(Baseline::from_snapshot(origin, &snapshot))
                }
                Some(n) => Err(Located::new(
                    origin,
                    format!(
                        "this snapshot has schema version {n}, newer than this Docket reads ({SNAPSHOT_SCHEMA_VERSION})"
                    ),
                    "upgrade Docket, or re-create the snapshot with this version",
                )),
                None => Err(Located::new(
                    origin,
                    "`schema_version` is not a number",
                    "this looks like a Docket snapshot but is damaged; re-create it with `docket snapshot save`",
                )),
            };
        }
        let kind = if probe.session_export_version.is_some() {
            BaselineKind::SessionExport
        } else if probe.report_version.is_some() || probe.findings.is_some() {
            BaselineKind::ScanReport
        } else {
            return Err(Located::new(
                origin,
                "not a Docket snapshot, scan report or session export: no `schema_version`, \
                 `findings` or `session_export_version` at the top level",
                HINT,
            )
            .at(Some(1), Some(1)));
        };
        let doc: Doc = serde_json::from_str(text).map_err(|e| {
            let mut err = json_error(origin, text, &e);
            err.message = format!("not a valid {}: {}", kind.label(), err.message);
            err
        })?;
        let findings = doc
            .findings
            .into_iter()
            .chain(doc.suppressed)
            .map(Item::into_finding)
            .collect();
        Ok(Baseline {
            origin: origin.to_string(),
            kind,
            findings: dedup_sorted(findings),
            coverage_gaps: doc
                .coverage_gaps
                .iter()
                .map(|g| gap_text(&g.label, &g.scope, &g.reason))
                .collect(),
            head_hash: doc.session.and_then(|s| s.head_hash),
        })
    }

    /// The findings of the catalog's checks (every check) on a snapshot.
    pub fn from_snapshot(origin: &str, snapshot: &Snapshot) -> Baseline {
        let scan = checks::run(snapshot, &Selection::default());
        Baseline {
            origin: origin.to_string(),
            kind: BaselineKind::Snapshot,
            findings: dedup_sorted(scan.findings),
            coverage_gaps: snapshot
                .coverage
                .gaps()
                .map(|g| gap_text(g.kind.label(), &g.scope, &g.reason))
                .collect(),
            head_hash: None,
        }
    }
}

impl Item {
    fn into_finding(self) -> Finding {
        Finding {
            check_id: self.check_id,
            severity: self.severity,
            title: self.title,
            resource: self.resource,
            message: self.message.unwrap_or_default(),
            evidence: self.evidence,
            discriminator: self.discriminator.unwrap_or_default(),
            fingerprint: self.fingerprint,
        }
    }
}

fn gap_text(label: &str, scope: &str, reason: &str) -> String {
    if scope.is_empty() {
        format!("{label}: {reason}")
    } else {
        format!("{label} ({scope}): {reason}")
    }
}

/// Sorted worst first, the first of each fingerprint kept.
fn dedup_sorted(mut findings: Vec<Finding>) -> Vec<Finding> {
    let mut seen: HashSet<String> = HashSet::with_capacity(findings.len());
    findings.retain(|f| seen.insert(f.fingerprint.clone()));
    sort(&mut findings);
    findings
}

/// A serde_json error at its line and column, worded for a person. A top level that is
/// not an object is pointed at where it starts (serde_json points after it).
fn json_error(origin: &str, text: &str, e: &serde_json::Error) -> Located {
    use serde_json::error::Category;
    let raw = e.to_string();
    let message = raw.split(" at line ").next().unwrap_or(&raw).to_string();
    let (message, hint) = match e.classify() {
        Category::Eof => (
            message,
            "the JSON ends early: the file looks truncated; write it again".to_string(),
        ),
        Category::Syntax => (message, "fix the JSON syntax at that position".to_string()),
        Category::Data if message.contains("expected struct Probe") => {
            let start = text.len() - text.trim_start().len();
            return Located::new(origin, "expected a JSON object at the top level", HINT)
                .at_offset(text, start);
        }
        Category::Data | Category::Io => (
            message,
            "the value at that position is not what Docket writes there; re-create the file with Docket"
                .to_string(),
        ),
    };
    let err = Located::new(origin, message, hint);
    if e.line() == 0 {
        err
    } else {
        err.at(Some(e.line()), Some(e.column()))
    }
}
