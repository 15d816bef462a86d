//! Triage: what the operator decided about each finding, keyed by its fingerprint.
//!
//! Pure: no IO and no system clock. Every operation takes `now` so tests (and a session
//! replayed from its log) decide what time it is. Records are created lazily: a finding
//! without a record is [`TriageState::Open`], so a scan never has to write anything for
//! findings nobody has looked at. [`crate::store`] persists a [`TriageBook`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::findings::{Finding, ResourceRef};

/// Who is named in the history for changes made by a scan rather than a person.
pub const SCAN_ACTOR: &str = "docket scan";

/// Where a finding stands. `Fixed` is only ever set by [`reconcile`]: a person saying
/// "fixed" proves nothing, a rescan that no longer finds it does.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(tag = "name", rename_all = "snake_case")]
pub enum TriageState {
    #[default]
    Open,
    Acknowledged,
    InProgress,
    /// Accepted for a while: the expiry (RFC 3339) forces a second look.
    RiskAccepted {
        reason: String,
        expires: String,
    },
    FalsePositive {
        reason: String,
    },
    /// Confirmed by the scan at `confirmed_at` (RFC 3339) that no longer found it.
    Fixed {
        confirmed_at: String,
    },
}

impl TriageState {
    /// Lower-case words for tables, messages and reports: `risk accepted`.
    pub fn label(&self) -> &'static str {
        match self {
            TriageState::Open => "open",
            TriageState::Acknowledged => "acknowledged",
            TriageState::InProgress => "in progress",
            TriageState::RiskAccepted { .. } => "risk accepted",
            TriageState::FalsePositive { .. } => "false positive",
            TriageState::Fixed { .. } => "fixed",
        }
    }

    /// The reason carried by the state, when it has one.
    pub fn reason(&self) -> Option<&str> {
        match self {
            TriageState::RiskAccepted { reason, .. } | TriageState::FalsePositive { reason } => {
                Some(reason)
            }
            _ => None,
        }
    }

    /// Closed states no longer ask for work: risk accepted, false positive, fixed.
    pub fn is_closed(&self) -> bool {
        matches!(
            self,
            TriageState::RiskAccepted { .. }
                | TriageState::FalsePositive { .. }
                | TriageState::Fixed { .. }
        )
    }
}

impl std::fmt::Display for TriageState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// A free-text note (multi-line) on a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub at: String,
    pub author: String,
    pub text: String,
}

/// One state change, kept forever so a report can show how a finding got where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transition {
    pub at: String,
    pub by: String,
    pub from: TriageState,
    pub to: TriageState,
    /// Why: the operator's reason, or what the scan saw ("reopened: found again ...").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Everything known about one finding's triage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TriageRecord {
    pub fingerprint: String,
    pub state: TriageState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default)]
    pub notes: Vec<Note>,
    #[serde(default)]
    pub history: Vec<Transition>,
    /// When a finding confirmed fixed was found again (the latest time), so the operator
    /// sees that a fix did not hold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reopened: Option<String>,
    pub check_id: String,
    /// The resource as last seen. Kept structured (not only as display text) so reports
    /// can name it after the finding is gone and so a coverage predicate can ask whether
    /// its kind and namespace were read by a scan; [`TriageRecord::resource_display`] gives
    /// the text.
    pub resource: ResourceRef,
}

impl TriageRecord {
    /// A fresh, open record for a finding.
    pub fn new(finding: &Finding) -> TriageRecord {
        TriageRecord {
            fingerprint: finding.fingerprint.clone(),
            state: TriageState::Open,
            owner: None,
            notes: Vec::new(),
            history: Vec::new(),
            reopened: None,
            check_id: finding.check_id.clone(),
            resource: finding.resource.clone(),
        }
    }

    /// `Deployment prod/api [app]`.
    pub fn resource_display(&self) -> String {
        self.resource.display()
    }

    fn transition(&mut self, to: TriageState, by: &str, at: &str, reason: Option<String>) {
        let from = std::mem::replace(&mut self.state, to.clone());
        self.history.push(Transition {
            at: at.to_string(),
            by: by.to_string(),
            from,
            to,
            reason,
        });
    }
}

/// Why a triage change was refused, worded so the person can fix the input and retry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TriageError {
    /// Risk accepted and false positive need a reason (`state` is the label).
    ReasonRequired {
        state: &'static str,
    },
    ExpiryRequired,
    ExpiryInvalid {
        value: String,
        detail: String,
    },
    ExpiryNotInFuture {
        value: String,
        now: String,
    },
    FixedByHand,
    /// The record is fixed: only a scan can move it (by finding it again).
    ConfirmedFixed {
        confirmed_at: String,
    },
    Unchanged {
        state: &'static str,
    },
    ActorRequired,
    EmptyNote,
    UnknownFingerprint {
        fingerprint: String,
    },
}

impl std::fmt::Display for TriageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TriageError::ReasonRequired { state } => write!(
                f,
                "a reason is required to mark a finding {state}: say why, so a reviewer can judge it later"
            ),
            TriageError::ExpiryRequired => f.write_str(
                "risk acceptance needs an expiry date so it gets reviewed again: give an RFC 3339 time such as 2026-01-31T00:00:00Z",
            ),
            TriageError::ExpiryInvalid { value, detail } => write!(
                f,
                "expiry '{value}' is not an RFC 3339 time ({detail}): write it like 2026-01-31T00:00:00Z"
            ),
            TriageError::ExpiryNotInFuture { value, now } => write!(
                f,
                "expiry {value} is not in the future (now is {now}): choose a later date"
            ),
            TriageError::FixedByHand => f.write_str(
                "fixed is confirmed by a rescan that no longer finds it: fix the resource, then rescan",
            ),
            TriageError::ConfirmedFixed { confirmed_at } => write!(
                f,
                "this finding was confirmed fixed by the scan at {confirmed_at}; it reopens by itself if a scan finds it again"
            ),
            TriageError::Unchanged { state } => write!(f, "the finding is already {state}"),
            TriageError::ActorRequired => {
                f.write_str("the change must name who made it (operator name is empty)")
            }
            TriageError::EmptyNote => f.write_str("the note is empty: write something or cancel"),
            TriageError::UnknownFingerprint { fingerprint } => write!(
                f,
                "no finding with fingerprint {fingerprint} in this scan or in the triage store: rescan, or check the fingerprint"
            ),
        }
    }
}

impl std::error::Error for TriageError {}

/// RFC 3339 in UTC, whole seconds: how every time in a record is written.
pub fn timestamp(now: OffsetDateTime) -> String {
    let utc = now.to_offset(time::UtcOffset::UTC);
    let utc = utc.replace_nanosecond(0).unwrap_or(utc);
    // Formatting fails only for years outside 0000..=9999, which no real clock reports;
    // the Display form still says exactly what time it was.
    utc.format(&Rfc3339).unwrap_or_else(|_| utc.to_string())
}

fn parse_time(value: &str) -> Result<OffsetDateTime, TriageError> {
    OffsetDateTime::parse(value.trim(), &Rfc3339).map_err(|e| TriageError::ExpiryInvalid {
        value: value.to_string(),
        detail: e.to_string(),
    })
}

fn required_actor(by: &str) -> Result<&str, TriageError> {
    match by.trim() {
        "" => Err(TriageError::ActorRequired),
        by => Ok(by),
    }
}

fn required_reason(reason: &str, state: &'static str) -> Result<String, TriageError> {
    match reason.trim() {
        "" => Err(TriageError::ReasonRequired { state }),
        r => Ok(r.to_string()),
    }
}

/// Check a state a person asked for and normalise it (trimmed reason, expiry in UTC).
/// Check a state a person asks for (reason, expiry in the future, not fixed) without
/// applying it: forms use it to keep a dialog open on input errors.
pub fn validated(new: TriageState, now: OffsetDateTime) -> Result<TriageState, TriageError> {
    match new {
        TriageState::Fixed { .. } => Err(TriageError::FixedByHand),
        TriageState::FalsePositive { reason } => Ok(TriageState::FalsePositive {
            reason: required_reason(&reason, "false positive")?,
        }),
        TriageState::RiskAccepted { reason, expires } => {
            let reason = required_reason(&reason, "risk accepted")?;
            if expires.trim().is_empty() {
                return Err(TriageError::ExpiryRequired);
            }
            let at = parse_time(&expires)?;
            if at <= now {
                return Err(TriageError::ExpiryNotInFuture {
                    value: expires.trim().to_string(),
                    now: timestamp(now),
                });
            }
            Ok(TriageState::RiskAccepted {
                reason,
                expires: timestamp(at),
            })
        }
        open_or_working => Ok(open_or_working),
    }
}

/// A person changes a finding's state. Refused: setting fixed, changing a record that a
/// scan confirmed fixed, a missing reason or expiry, an expiry not in the future, and a
/// change to the identical state (so bulk results show which rows did nothing).
pub fn set_state(
    record: &mut TriageRecord,
    new: TriageState,
    by: &str,
    now: OffsetDateTime,
) -> Result<(), TriageError> {
    let by = required_actor(by)?;
    if let TriageState::Fixed { confirmed_at } = &record.state {
        return Err(TriageError::ConfirmedFixed {
            confirmed_at: confirmed_at.clone(),
        });
    }
    let new = validated(new, now)?;
    if new == record.state {
        return Err(TriageError::Unchanged { state: new.label() });
    }
    let reason = new.reason().map(str::to_string);
    record.transition(new, by, &timestamp(now), reason);
    Ok(())
}

/// Append a note. Leading and trailing blank lines are dropped; the text is otherwise
/// kept as written (it is multi-line).
pub fn add_note(
    record: &mut TriageRecord,
    author: &str,
    text: &str,
    now: OffsetDateTime,
) -> Result<(), TriageError> {
    let author = required_actor(author)?;
    let text = text.trim_matches(|c| c == '\n' || c == '\r').trim_end();
    if text.trim().is_empty() {
        return Err(TriageError::EmptyNote);
    }
    record.notes.push(Note {
        at: timestamp(now),
        author: author.to_string(),
        text: text.to_string(),
    });
    Ok(())
}

/// Set or clear (`None` or blank) the owner. Returns the previous owner so the caller can
/// log the change.
pub fn set_owner(record: &mut TriageRecord, owner: Option<&str>) -> Option<String> {
    let owner = owner.map(str::trim).filter(|o| !o.is_empty());
    std::mem::replace(&mut record.owner, owner.map(str::to_string))
}

/// The outcome of one row of a bulk change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkOutcome {
    pub fingerprint: String,
    pub result: Result<(), TriageError>,
}

/// All triage records, by fingerprint (sorted, so saved files and reports are stable).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TriageBook {
    pub records: BTreeMap<String, TriageRecord>,
}

impl TriageBook {
    /// The state of a fingerprint; open when nobody has triaged it.
    pub fn state_of(&self, fingerprint: &str) -> &TriageState {
        const OPEN: TriageState = TriageState::Open;
        self.records.get(fingerprint).map_or(&OPEN, |r| &r.state)
    }

    pub fn get(&self, fingerprint: &str) -> Option<&TriageRecord> {
        self.records.get(fingerprint)
    }

    /// Run `op` on the finding's record, creating it only if `op` succeeds, so a refused
    /// change never leaves an empty record behind.
    fn with_record<T>(
        &mut self,
        finding: &Finding,
        op: impl FnOnce(&mut TriageRecord) -> Result<T, TriageError>,
    ) -> Result<T, TriageError> {
        if let Some(record) = self.records.get_mut(&finding.fingerprint) {
            return op(record);
        }
        let mut record = TriageRecord::new(finding);
        let out = op(&mut record)?;
        self.records.insert(record.fingerprint.clone(), record);
        Ok(out)
    }

    /// [`set_state`] on a finding of the current scan (its record is created if needed).
    pub fn set_state(
        &mut self,
        finding: &Finding,
        new: TriageState,
        by: &str,
        now: OffsetDateTime,
    ) -> Result<(), TriageError> {
        self.with_record(finding, |r| set_state(r, new, by, now))
    }

    /// [`add_note`] on a finding of the current scan.
    pub fn add_note(
        &mut self,
        finding: &Finding,
        author: &str,
        text: &str,
        now: OffsetDateTime,
    ) -> Result<(), TriageError> {
        self.with_record(finding, |r| add_note(r, author, text, now))
    }

    /// [`set_owner`] on a finding of the current scan; returns the previous owner.
    pub fn set_owner(&mut self, finding: &Finding, owner: Option<&str>) -> Option<String> {
        self.with_record(finding, |r| Ok(set_owner(r, owner)))
            .unwrap_or_default()
    }

    /// [`add_note`] by fingerprint, for records whose finding is gone (a fixed one).
    pub fn add_note_to(
        &mut self,
        fingerprint: &str,
        author: &str,
        text: &str,
        now: OffsetDateTime,
    ) -> Result<(), TriageError> {
        let record =
            self.records
                .get_mut(fingerprint)
                .ok_or_else(|| TriageError::UnknownFingerprint {
                    fingerprint: fingerprint.to_string(),
                })?;
        add_note(record, author, text, now)
    }

    /// Bulk triage of marked rows: every row is tried, and each gets its own result, so one
    /// refused row (say, already in that state) does not stop the others.
    pub fn set_state_many(
        &mut self,
        findings: &[&Finding],
        new: &TriageState,
        by: &str,
        now: OffsetDateTime,
    ) -> Vec<BulkOutcome> {
        findings
            .iter()
            .map(|f| BulkOutcome {
                fingerprint: f.fingerprint.clone(),
                result: self.set_state(f, new.clone(), by, now),
            })
            .collect()
    }
}

/// What a scan changed in the book, by fingerprint (each list sorted).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReconcileReport {
    /// Absent from a scan that covered them: now fixed.
    pub fixed: Vec<String>,
    /// Confirmed fixed before, found again: now open, `reopened` set.
    pub reopened: Vec<String>,
    /// Risk acceptances past their expiry: now open.
    pub expired: Vec<String>,
    /// Absent, but the scan could not read their data (coverage gap): left as they were.
    pub not_covered: Vec<String>,
}

impl ReconcileReport {
    pub fn is_empty(&self) -> bool {
        self.fixed.is_empty()
            && self.reopened.is_empty()
            && self.expired.is_empty()
            && self.not_covered.is_empty()
    }
}

/// Reopen every risk acceptance whose expiry has passed. Runs inside [`reconcile`], and is
/// also useful on start-up, before any scan. An expiry that does not parse (a hand-edited
/// store) counts as expired: an acceptance must never outlive its review date by accident.
pub fn expire_due(book: &mut TriageBook, now: OffsetDateTime) -> Vec<String> {
    let at = timestamp(now);
    let mut expired = Vec::new();
    for record in book.records.values_mut() {
        let TriageState::RiskAccepted { expires, .. } = &record.state else {
            continue;
        };
        let reason = match OffsetDateTime::parse(expires.trim(), &Rfc3339) {
            Ok(t) if t > now => continue,
            Ok(_) => format!("risk acceptance expired on {expires}"),
            Err(_) => format!("risk acceptance expiry '{expires}' is not an RFC 3339 time"),
        };
        record.transition(TriageState::Open, SCAN_ACTOR, &at, Some(reason));
        expired.push(record.fingerprint.clone());
    }
    expired
}

/// Bring the book in line with a scan's findings.
///
/// - a record absent from the scan becomes fixed (confirmed now), but only when
///   `covered(record)` says the scan fully read that record's data; otherwise it is a
///   coverage gap, not a fix, and the record is left alone (listed in `not_covered`);
/// - a fixed record whose finding is back becomes open with `reopened = now`;
/// - an expired risk acceptance becomes open;
/// - findings without a record get none (open is the default).
pub fn reconcile(
    book: &mut TriageBook,
    current: &[Finding],
    covered: &dyn Fn(&TriageRecord) -> bool,
    now: OffsetDateTime,
) -> ReconcileReport {
    let at = timestamp(now);
    let present: std::collections::HashMap<&str, &Finding> = current
        .iter()
        .map(|f| (f.fingerprint.as_str(), f))
        .collect();
    let mut report = ReconcileReport {
        expired: expire_due(book, now),
        ..ReconcileReport::default()
    };
    for record in book.records.values_mut() {
        match present.get(record.fingerprint.as_str()) {
            Some(finding) => {
                // Same fingerprint, same identity; the host shown may have changed.
                record.resource = finding.resource.clone();
                if matches!(record.state, TriageState::Fixed { .. }) {
                    let reason = format!("reopened: found again by the scan at {at}");
                    record.transition(TriageState::Open, SCAN_ACTOR, &at, Some(reason));
                    record.reopened = Some(at.clone());
                    report.reopened.push(record.fingerprint.clone());
                }
            }
            None if matches!(record.state, TriageState::Fixed { .. }) => {}
            None if !covered(record) => report.not_covered.push(record.fingerprint.clone()),
            None => {
                let fixed = TriageState::Fixed {
                    confirmed_at: at.clone(),
                };
                let reason = format!("no longer found by the scan at {at}");
                record.transition(fixed, SCAN_ACTOR, &at, Some(reason));
                report.fixed.push(record.fingerprint.clone());
            }
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;
    use crate::checks::Severity;
    use crate::findings::fingerprint;

    const NOW: OffsetDateTime = datetime!(2025-06-01 12:00:00 UTC);

    fn finding(name: &str) -> Finding {
        let resource = ResourceRef::kube("Deployment", Some("prod"), name).with_container("app");
        Finding {
            check_id: "K8S-TEST".into(),
            severity: Severity::High,
            title: "test".into(),
            fingerprint: fingerprint("K8S-TEST", &resource, ""),
            resource,
            message: "m".into(),
            evidence: Vec::new(),
            discriminator: String::new(),
        }
    }

    fn accepted(expires: &str) -> TriageState {
        TriageState::RiskAccepted {
            reason: "compensating control".into(),
            expires: expires.into(),
        }
    }

    fn fp(reason: &str) -> TriageState {
        TriageState::FalsePositive {
            reason: reason.into(),
        }
    }

    fn record_in(state: TriageState) -> TriageRecord {
        let mut r = TriageRecord::new(&finding("web"));
        r.state = state;
        r
    }

    /// The states a person may choose, each valid at `NOW`.
    fn manual_targets() -> Vec<TriageState> {
        vec![
            TriageState::Open,
            TriageState::Acknowledged,
            TriageState::InProgress,
            accepted("2025-07-01T00:00:00Z"),
            fp("not reachable from outside"),
        ]
    }

    #[test]
    fn every_manual_transition_between_different_states_is_allowed_and_recorded() {
        for from in manual_targets() {
            for to in manual_targets() {
                let mut r = record_in(from.clone());
                let result = set_state(&mut r, to.clone(), "ana", NOW);
                if from == to {
                    assert_eq!(
                        result,
                        Err(TriageError::Unchanged { state: to.label() }),
                        "{from} -> {to}"
                    );
                    assert!(r.history.is_empty());
                    continue;
                }
                assert_eq!(result, Ok(()), "{from} -> {to}");
                assert_eq!(r.state, to);
                assert_eq!(
                    r.history,
                    vec![Transition {
                        at: "2025-06-01T12:00:00Z".into(),
                        by: "ana".into(),
                        from: from.clone(),
                        to: to.clone(),
                        reason: to.reason().map(str::to_string),
                    }]
                );
            }
        }
    }

    #[test]
    fn fixed_cannot_be_set_by_hand_from_any_state() {
        for from in manual_targets() {
            let mut r = record_in(from.clone());
            let fixed = TriageState::Fixed {
                confirmed_at: "2025-06-01T12:00:00Z".into(),
            };
            let err = set_state(&mut r, fixed, "ana", NOW).unwrap_err();
            assert_eq!(err, TriageError::FixedByHand, "from {from}");
            assert!(err.to_string().contains("confirmed by a rescan"));
            assert_eq!(r.state, from);
            assert!(r.history.is_empty());
        }
    }

    #[test]
    fn a_record_confirmed_fixed_refuses_every_manual_change() {
        let fixed = TriageState::Fixed {
            confirmed_at: "2025-05-01T00:00:00Z".into(),
        };
        for to in manual_targets() {
            let mut r = record_in(fixed.clone());
            let err = set_state(&mut r, to, "ana", NOW).unwrap_err();
            assert_eq!(
                err,
                TriageError::ConfirmedFixed {
                    confirmed_at: "2025-05-01T00:00:00Z".into()
                }
            );
            assert!(err.to_string().contains("reopens by itself"));
            assert_eq!(r.state, fixed);
        }
    }

    #[test]
    fn reasons_are_required_and_trimmed() {
        for blank in ["", "   ", "\n\t"] {
            let mut r = record_in(TriageState::Open);
            assert_eq!(
                set_state(&mut r, fp(blank), "ana", NOW),
                Err(TriageError::ReasonRequired {
                    state: "false positive"
                })
            );
            let ra = TriageState::RiskAccepted {
                reason: blank.into(),
                expires: "2025-07-01T00:00:00Z".into(),
            };
            let err = set_state(&mut r, ra, "ana", NOW).unwrap_err();
            assert_eq!(
                err,
                TriageError::ReasonRequired {
                    state: "risk accepted"
                }
            );
            assert!(err.to_string().contains("say why"));
            assert_eq!(r.state, TriageState::Open);
        }
        let mut r = record_in(TriageState::Open);
        set_state(&mut r, fp("  test namespace only \n"), "ana", NOW).unwrap();
        assert_eq!(r.state, fp("test namespace only"));
    }

    #[test]
    fn risk_acceptance_needs_a_valid_future_expiry_by_the_injected_clock() {
        let cases = [
            ("", TriageError::ExpiryRequired),
            ("  ", TriageError::ExpiryRequired),
            (
                "2025-06-01T12:00:00Z",
                TriageError::ExpiryNotInFuture {
                    value: "2025-06-01T12:00:00Z".into(),
                    now: "2025-06-01T12:00:00Z".into(),
                },
            ),
            (
                "2024-12-31T00:00:00Z",
                TriageError::ExpiryNotInFuture {
                    value: "2024-12-31T00:00:00Z".into(),
                    now: "2025-06-01T12:00:00Z".into(),
                },
            ),
        ];
        for (expires, want) in cases {
            let mut r = record_in(TriageState::Open);
            assert_eq!(set_state(&mut r, accepted(expires), "ana", NOW), Err(want));
        }
        for bad in ["next month", "2025-13-01T00:00:00Z", "2025-07-01"] {
            let mut r = record_in(TriageState::Open);
            let err = set_state(&mut r, accepted(bad), "ana", NOW).unwrap_err();
            assert!(
                matches!(&err, TriageError::ExpiryInvalid { value, .. } if value == bad),
                "{bad}: {err:?}"
            );
            assert!(err.to_string().contains("2026-01-31T00:00:00Z"));
        }
        // One second in the future is fine; the same expiry a day later is refused.
        let mut r = record_in(TriageState::Open);
        assert_eq!(
            set_state(&mut r, accepted("2025-06-01T12:00:01Z"), "ana", NOW),
            Ok(())
        );
        let mut r = record_in(TriageState::Open);
        let later = datetime!(2025-06-02 00:00:00 UTC);
        assert!(set_state(&mut r, accepted("2025-06-01T12:00:01Z"), "ana", later).is_err());
    }

    #[test]
    fn expiry_is_normalised_to_utc_and_can_be_extended() {
        let mut r = record_in(TriageState::Open);
        set_state(&mut r, accepted("2025-07-01T02:00:00+02:00"), "ana", NOW).unwrap();
        assert_eq!(r.state, accepted("2025-07-01T00:00:00Z"));
        set_state(&mut r, accepted("2025-08-01T00:00:00Z"), "ana", NOW).unwrap();
        assert_eq!(r.state, accepted("2025-08-01T00:00:00Z"));
        assert_eq!(r.history.len(), 2);
    }

    #[test]
    fn changes_must_name_who_made_them() {
        let mut r = record_in(TriageState::Open);
        assert_eq!(
            set_state(&mut r, TriageState::Acknowledged, " ", NOW),
            Err(TriageError::ActorRequired)
        );
        assert_eq!(
            add_note(&mut r, "", "text", NOW),
            Err(TriageError::ActorRequired)
        );
    }

    #[test]
    fn notes_keep_multi_line_text_and_refuse_blank_ones() {
        let mut r = record_in(TriageState::Open);
        assert_eq!(
            add_note(&mut r, "ana", " \n \n", NOW),
            Err(TriageError::EmptyNote)
        );
        add_note(&mut r, "ana", "\nline one\n  line two\n\n", NOW).unwrap();
        assert_eq!(
            r.notes,
            vec![Note {
                at: "2025-06-01T12:00:00Z".into(),
                author: "ana".into(),
                text: "line one\n  line two".into(),
            }]
        );
    }

    #[test]
    fn owner_is_set_trimmed_cleared_and_the_previous_one_returned() {
        let mut r = record_in(TriageState::Open);
        assert_eq!(set_owner(&mut r, Some(" team-a ")), None);
        assert_eq!(r.owner.as_deref(), Some("team-a"));
        assert_eq!(set_owner(&mut r, Some("  ")), Some("team-a".into()));
        assert_eq!(r.owner, None);
    }

    #[test]
    fn book_defaults_to_open_and_creates_records_only_on_success() {
        let mut book = TriageBook::default();
        let f = finding("web");
        assert_eq!(book.state_of(&f.fingerprint), &TriageState::Open);
        assert!(book
            .set_state(&f, fp(""), "ana", NOW)
            .is_err_and(|e| matches!(e, TriageError::ReasonRequired { .. })));
        assert!(book.records.is_empty(), "a refused change left a record");
        book.set_state(&f, TriageState::InProgress, "ana", NOW)
            .unwrap();
        assert_eq!(book.state_of(&f.fingerprint), &TriageState::InProgress);
        let r = book.get(&f.fingerprint).unwrap();
        assert_eq!(r.check_id, "K8S-TEST");
        assert_eq!(r.resource_display(), "Deployment prod/web [app]");
        assert_eq!(book.set_owner(&f, Some("bob")), None);
        book.add_note(&f, "ana", "looking", NOW).unwrap();
        assert_eq!(
            book.add_note_to("0000000000000000", "ana", "x", NOW),
            Err(TriageError::UnknownFingerprint {
                fingerprint: "0000000000000000".into()
            })
        );
    }

    #[test]
    fn bulk_changes_report_each_row() {
        let mut book = TriageBook::default();
        let (a, b, c) = (finding("a"), finding("b"), finding("c"));
        book.set_state(&b, TriageState::Acknowledged, "ana", NOW)
            .unwrap();
        let out = book.set_state_many(&[&a, &b, &c], &TriageState::Acknowledged, "ana", NOW);
        let results: Vec<_> = out
            .iter()
            .map(|o| (o.fingerprint.as_str(), o.result.clone()))
            .collect();
        assert_eq!(
            results,
            vec![
                (a.fingerprint.as_str(), Ok(())),
                (
                    b.fingerprint.as_str(),
                    Err(TriageError::Unchanged {
                        state: "acknowledged"
                    })
                ),
                (c.fingerprint.as_str(), Ok(())),
            ]
        );
        for f in [&a, &b, &c] {
            assert_eq!(book.state_of(&f.fingerprint), &TriageState::Acknowledged);
        }
    }

    fn book_with(states: &[(&Finding, TriageState)]) -> TriageBook {
        let mut book = TriageBook::default();
        for (f, state) in states {
            book.records
                .insert(f.fingerprint.clone(), record_in_for(f, state.clone()));
        }
        book
    }

    fn record_in_for(f: &Finding, state: TriageState) -> TriageRecord {
        let mut r = TriageRecord::new(f);
        r.state = state;
        r
    }

    const SCAN: OffsetDateTime = datetime!(2025-06-10 08:30:00 UTC);

    #[test]
    fn absent_from_a_covering_scan_means_fixed_for_every_unfixed_state() {
        let fs: Vec<Finding> = (0..5).map(|i| finding(&format!("w{i}"))).collect();
        let states: Vec<(&Finding, TriageState)> = fs.iter().zip(manual_targets()).collect();
        let mut book = book_with(&states);
        let report = reconcile(&mut book, &[], &|_| true, SCAN);
        let mut want: Vec<_> = fs.iter().map(|f| f.fingerprint.clone()).collect();
        want.sort();
        assert_eq!(report.fixed, want);
        for (f, before) in states {
            let r = book.get(&f.fingerprint).unwrap();
            assert_eq!(
                r.state,
                TriageState::Fixed {
                    confirmed_at: "2025-06-10T08:30:00Z".into()
                }
            );
            let last = r.history.last().unwrap();
            assert_eq!((&last.from, last.by.as_str()), (&before, SCAN_ACTOR));
        }
        // A second scan without them changes nothing more.
        let again = reconcile(&mut book, &[], &|_| true, SCAN);
        assert!(again.is_empty());
        assert!(book.records.values().all(|r| r.history.len() == 1));
    }

    #[test]
    fn absent_because_of_a_coverage_gap_is_not_fixed() {
        let (gap, read) = (finding("in-gap"), finding("read"));
        let mut book = book_with(&[
            (&gap, TriageState::Acknowledged),
            (&read, TriageState::Acknowledged),
        ]);
        // The caller says only resources named "read" were fully read.
        let covered = |r: &TriageRecord| r.resource.name == "read";
        let report = reconcile(&mut book, &[], &covered, SCAN);
        assert_eq!(report.not_covered, vec![gap.fingerprint.clone()]);
        assert_eq!(report.fixed, vec![read.fingerprint.clone()]);
        assert_eq!(book.state_of(&gap.fingerprint), &TriageState::Acknowledged);
        assert!(book.get(&gap.fingerprint).unwrap().history.is_empty());
    }

    #[test]
    fn a_fixed_finding_found_again_reopens_and_says_so() {
        let f = finding("web");
        let mut book = book_with(&[(&f, TriageState::Acknowledged)]);
        reconcile(&mut book, &[], &|_| true, NOW);
        let report = reconcile(&mut book, std::slice::from_ref(&f), &|_| true, SCAN);
        assert_eq!(report.reopened, vec![f.fingerprint.clone()]);
        let r = book.get(&f.fingerprint).unwrap();
        assert_eq!(r.state, TriageState::Open);
        assert_eq!(r.reopened.as_deref(), Some("2025-06-10T08:30:00Z"));
        let last = r.history.last().unwrap();
        assert_eq!(
            last.reason.as_deref(),
            Some("reopened: found again by the scan at 2025-06-10T08:30:00Z")
        );
        assert_eq!(
            last.from,
            TriageState::Fixed {
                confirmed_at: "2025-06-01T12:00:00Z".into()
            }
        );
    }

    #[test]
    fn present_findings_keep_their_state_and_new_ones_get_no_record() {
        let (known, new) = (finding("known"), finding("new"));
        let mut book = book_with(&[(&known, fp("lab only"))]);
        let report = reconcile(&mut book, &[known.clone(), new.clone()], &|_| true, SCAN);
        assert!(report.is_empty(), "{report:?}");
        assert_eq!(book.state_of(&known.fingerprint), &fp("lab only"));
        assert!(book.get(&new.fingerprint).is_none());
    }

    #[test]
    fn an_expired_risk_acceptance_reopens_and_a_current_one_stays() {
        let (old, current, garbled) = (finding("old"), finding("current"), finding("garbled"));
        let mut book = book_with(&[
            (&old, accepted("2025-06-10T08:30:00Z")),
            (&current, accepted("2025-06-10T08:30:01Z")),
            (&garbled, accepted("soon")),
        ]);
        let all = [old.clone(), current.clone(), garbled.clone()];
        let report = reconcile(&mut book, &all, &|_| true, SCAN);
        let mut want = vec![old.fingerprint.clone(), garbled.fingerprint.clone()];
        want.sort();
        assert_eq!(report.expired, want);
        assert_eq!(book.state_of(&old.fingerprint), &TriageState::Open);
        assert_eq!(
            book.get(&old.fingerprint).unwrap().history[0]
                .reason
                .as_deref(),
            Some("risk acceptance expired on 2025-06-10T08:30:00Z")
        );
        assert_eq!(book.state_of(&garbled.fingerprint), &TriageState::Open);
        assert_eq!(
            book.state_of(&current.fingerprint),
            &accepted("2025-06-10T08:30:01Z")
        );
        // expire_due alone (no scan) finds nothing more to do.
        assert!(expire_due(&mut book, SCAN).is_empty());
    }

    #[test]
    fn records_round_trip_through_json() {
        let f = finding("web");
        let mut book = TriageBook::default();
        book.set_state(&f, accepted("2025-07-01T00:00:00Z"), "ana", NOW)
            .unwrap();
        book.add_note(&f, "ana", "two\nlines", NOW).unwrap();
        let r = book.get(&f.fingerprint).unwrap();
        let json = serde_json::to_string(r).unwrap();
        assert!(json.contains(r#""name":"risk_accepted""#), "{json}");
        let back: TriageRecord = serde_json::from_str(&json).unwrap();
        assert_eq!(&back, r);
    }
}
