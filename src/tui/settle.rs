//! Triage and suppressions settled against a finished scan: which rule hides which
//! finding, the reconciliation of the triage book (fixed only when the scan covered the
//! finding's data, reopened, expired) with the session-log events it calls for, and the
//! STATE column of every finding row.
//!
//! Pure. The scan task runs it off the UI task on clones of the book, rules and disabled
//! checks the app had when the scan started ([`SettleInputs`]); the app adopts the result
//! when those are still what it has, and settles again itself when the operator changed
//! them while the scan ran (see `App::load`). At 150,000 pods this is a few hundred ms the
//! UI task no longer pays.

use std::collections::{BTreeMap, BTreeSet};

use time::OffsetDateTime;

use super::rows::FindingRow;
use crate::checks::ScanResult;
use crate::findings::suppress::{Evaluation, RuleSet, SnapshotContext};
use crate::findings::triage::{reconcile, ReconcileReport, TriageBook, TriageState, SCAN_ACTOR};
use crate::findings::triage_coverage::ScanCoverage;
use crate::findings::Finding;
use crate::model::Snapshot;
use crate::session::Event;

/// What settling reads from the app.
#[derive(Debug, Clone)]
pub struct SettleInputs {
    pub book: TriageBook,
    pub rules: RuleSet,
    /// Checks disabled for the session: their findings are not confirmed fixed.
    pub disabled: BTreeSet<String>,
    /// The app's clock (tests inject one).
    pub clock: fn() -> OffsetDateTime,
}

impl SettleInputs {
    /// Whether these are (still) the app's book, rules and disabled checks.
    pub fn same_as(&self, book: &TriageBook, rules: &RuleSet, disabled: &BTreeSet<String>) -> bool {
        self.disabled == *disabled && self.rules == *rules && self.book == *book
    }
}

/// Triage and suppressions settled against one scan.
#[derive(Debug, Clone)]
pub struct Settled {
    /// What this was settled from (the book as it was before the reconciliation).
    pub from: SettleInputs,
    /// The book after the reconciliation.
    pub book: TriageBook,
    pub evaluation: Evaluation,
    /// Rule id -> findings it hides in this scan (the rules view shows it per frame).
    pub hides: BTreeMap<String, usize>,
    pub report: ReconcileReport,
    /// One event per change the reconciliation made, by the scan actor.
    pub events: Vec<Event>,
}

impl Settled {
    /// `triage: 3 confirmed fixed, 1 reopened (found again)` when the scan changed the book.
    pub fn summary(&self) -> Option<String> {
        let mut parts = Vec::new();
        for (n, what) in [
            (self.report.fixed.len(), "confirmed fixed"),
            (self.report.reopened.len(), "reopened (found again)"),
            (self.report.expired.len(), "risk acceptances expired"),
        ] {
            if n > 0 {
                parts.push(format!("{n} {what}"));
            }
        }
        (!self.events.is_empty()).then(|| format!("triage: {}", parts.join(", ")))
    }
}

/// Evaluate the rules, reconcile the book, and set the state of every row of `rows`
/// (finding rows of `scan`).
pub fn settle(
    snapshot: &Snapshot,
    scan: &ScanResult,
    from: SettleInputs,
    rows: &mut [FindingRow],
) -> Settled {
    let now = (from.clock)();
    let evaluation = from
        .rules
        .evaluate(&scan.findings, &SnapshotContext::new(snapshot), now);
    let mut book = from.book.clone();
    let coverage = ScanCoverage::new(snapshot, scan, &from.disabled);
    let report = reconcile(&mut book, &scan.findings, &|r| coverage.covers(r), now);
    let events = triage_events(&from.book, &book, &report);
    set_states(rows, &scan.findings, &evaluation, &book);
    Settled {
        hides: hides(&evaluation),
        from,
        book,
        evaluation,
        report,
        events,
    }
}

/// Rule id -> number of findings it hides.
pub fn hides(evaluation: &Evaluation) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for id in evaluation.suppressed.values() {
        *out.entry(id.clone()).or_insert(0) += 1;
    }
    out
}

fn triage_events(before: &TriageBook, after: &TriageBook, report: &ReconcileReport) -> Vec<Event> {
    let mut events = Vec::new();
    for fp in report
        .fixed
        .iter()
        .chain(&report.reopened)
        .chain(&report.expired)
    {
        let (Some(old), Some(new)) = (before.get(fp), after.get(fp)) else {
            continue;
        };
        events.push(Event::Triage {
            fingerprint: fp.clone(),
            check_id: new.check_id.clone(),
            resource: new.resource_display(),
            from: old.state.label().to_string(),
            to: new.state.label().to_string(),
            reason: new.history.last().and_then(|t| t.reason.clone()),
            expires: None,
            by: SCAN_ACTOR.to_string(),
        });
    }
    events
}

/// Put every row's state label in line with the book and the suppressions.
pub fn set_states(
    rows: &mut [FindingRow],
    findings: &[Finding],
    evaluation: &Evaluation,
    book: &TriageBook,
) {
    // Most findings are neither suppressed nor triaged: skip the lookups when both are empty.
    let nothing = evaluation.suppressed.is_empty() && book.records.is_empty();
    for row in rows {
        row.state = match findings.get(row.index) {
            Some(_) if nothing => "open",
            Some(f) => state_of(f, evaluation, book),
            None => continue,
        };
    }
}

/// The STATE label of one finding.
pub fn state_of(f: &Finding, evaluation: &Evaluation, book: &TriageBook) -> &'static str {
    if evaluation.rule_for(&f.fingerprint).is_some() {
        return "suppressed";
    }
    match book.get(&f.fingerprint) {
        Some(r) if r.state == TriageState::Open && r.reopened.is_some() => "reopened",
        Some(r) => r.state.label(),
        None => "open",
    }
}
