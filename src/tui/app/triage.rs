//! Triage from the workbench: the verbs (acknowledge, in progress, reopen, risk accept,
//! false positive, note, owner) on the selected finding or on every marked one, the
//! reconciliation of the book with each finished scan, and the state shown in the rows.
//! Every change is recorded in the session log (before it is reported done) and the book
//! is saved (atomically) by the runtime.

use std::collections::BTreeSet;

use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use super::dialog::{Dialog, DialogKind, Field};
use super::{App, Route};
use crate::findings::triage::{timestamp, TriageError, TriageState};
use crate::findings::Finding;
use crate::session::Event;
use crate::tui::msg::Effect;

/// How long a risk acceptance lasts when the operator keeps the proposed expiry.
pub const DEFAULT_ACCEPTANCE: &str = "90d";

/// The verbs that need no text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuickVerb {
    Acknowledge,
    InProgress,
    Reopen,
}

/// The verbs that open a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormVerb {
    RiskAccept,
    FalsePositive,
    Note,
    Owner,
}

impl App {
    /// What a triage verb acts on: the marked findings, else the one selected or open.
    pub(super) fn triage_targets(&self) -> Vec<usize> {
        if !self.marks.is_empty() && matches!(self.route(), Route::Findings { .. }) {
            return self.marks.iter().copied().collect();
        }
        match self.route() {
            Route::Detail { index } => vec![*index],
            Route::Findings { .. } if !self.grouped() => self
                .findings
                .current()
                .map(|r| r.index)
                .into_iter()
                .collect(),
            _ => Vec::new(),
        }
    }

    fn target_findings(&self, targets: &[usize]) -> Vec<Finding> {
        let Some(bench) = &self.data else {
            return Vec::new();
        };
        targets
            .iter()
            .filter_map(|&i| bench.scan.findings.get(i).cloned())
            .collect()
    }

    pub(super) fn triage_quick(&mut self, verb: QuickVerb) -> Vec<Effect> {
        let targets = self.triage_targets();
        if targets.is_empty() {
            self.say("select a finding (or mark some with space) to triage".into());
            return Vec::new();
        }
        let state = match verb {
            QuickVerb::Acknowledge => TriageState::Acknowledged,
            QuickVerb::InProgress => TriageState::InProgress,
            QuickVerb::Reopen => TriageState::Open,
        };
        self.apply_state(&targets, state)
    }

    pub(super) fn open_form(&mut self, verb: FormVerb) {
        let targets = self.triage_targets();
        if targets.is_empty() {
            self.say("select a finding (or mark some with space) to triage".into());
            return;
        }
        let subject = self.subject(&targets);
        let n = targets.len();
        let what = if n == 1 {
            "finding".to_string()
        } else {
            format!("{n} findings")
        };
        let dialog = match verb {
            FormVerb::RiskAccept => Dialog::new(
                DialogKind::RiskAccept { targets },
                format!("Accept the risk of {what}"),
                subject,
            )
            .with(Field::text(
                "reason",
                "required: why the risk is acceptable, and who agreed",
                "",
            ))
            .with(Field::line(
                "expires",
                "required: 2027-03-31, 30d, 12w or an RFC 3339 time; it reopens then",
                DEFAULT_ACCEPTANCE,
            )),
            FormVerb::FalsePositive => Dialog::new(
                DialogKind::FalsePositive { targets },
                format!("Mark {what} false positive"),
                subject,
            )
            .with(Field::text(
                "reason",
                "required: why the check is wrong here",
                "",
            )),
            FormVerb::Note => Dialog::new(
                DialogKind::Note { targets },
                format!("Note on {what}"),
                subject,
            )
            .with(Field::text("note", "enter: new line · ctrl-s: save", "")),
            FormVerb::Owner => {
                let current = self.current_owner(&targets);
                Dialog::new(
                    DialogKind::Owner { targets },
                    format!("Owner of {what}"),
                    subject,
                )
                .with(Field::line(
                    "owner",
                    "a person or team; empty clears the owner",
                    &current,
                ))
            }
        };
        self.dialog = Some(dialog);
    }

    fn current_owner(&self, targets: &[usize]) -> String {
        let Some(bench) = &self.data else {
            return String::new();
        };
        let owners: BTreeSet<&str> = targets
            .iter()
            .filter_map(|&i| bench.scan.findings.get(i))
            .filter_map(|f| self.triage.get(&f.fingerprint))
            .filter_map(|r| r.owner.as_deref())
            .collect();
        match owners.len() {
            1 => owners.into_iter().next().unwrap_or_default().to_string(),
            _ => String::new(),
        }
    }

    /// Up to five lines naming what a dialog acts on.
    pub(super) fn subject(&self, targets: &[usize]) -> Vec<String> {
        let fs = self.target_findings(targets);
        let mut lines: Vec<String> = fs
            .iter()
            .take(5)
            .map(|f| {
                format!(
                    "{} {} on {}",
                    f.severity.as_str(),
                    f.check_id,
                    f.resource.display()
                )
            })
            .collect();
        if fs.len() > 5 {
            lines.push(format!("... and {} more", fs.len() - 5));
        }
        lines
    }

    /// A triage form was submitted: validate, change the book, record, save. A refused
    /// change keeps the dialog open with the reason.
    pub(super) fn submit_triage(&mut self, dialog: Dialog) -> Vec<Effect> {
        let now = (self.clock)();
        match dialog.kind.clone() {
            DialogKind::RiskAccept { targets } => {
                let reason = dialog.value(0).trim().to_string();
                let expires = match parse_expiry(dialog.value(1).trim(), now) {
                    Ok(e) => e,
                    Err(e) => return self.refuse(dialog, e),
                };
                let state = TriageState::RiskAccepted { reason, expires };
                self.apply_state_or_refuse(dialog, &targets, state)
            }
            DialogKind::FalsePositive { targets } => {
                let reason = dialog.value(0).trim().to_string();
                let state = TriageState::FalsePositive { reason };
                self.apply_state_or_refuse(dialog, &targets, state)
            }
            DialogKind::Note { targets } => self.add_notes(dialog, &targets, now),
            DialogKind::Owner { targets } => {
                let owner = dialog.value(0).trim().to_string();
                self.set_owners(&targets, &owner)
            }
            _ => Vec::new(),
        }
    }

    fn refuse(&mut self, mut dialog: Dialog, why: String) -> Vec<Effect> {
        dialog.error = Some(why);
        self.dialog = Some(dialog);
        Vec::new()
    }

    /// Validation errors that are the same for every row (a missing reason, a bad expiry)
    /// keep the form open; anything else is reported per row.
    fn apply_state_or_refuse(
        &mut self,
        dialog: Dialog,
        targets: &[usize],
        state: TriageState,
    ) -> Vec<Effect> {
        let now = (self.clock)();
        if self.operator.trim().is_empty() {
            return self.refuse(dialog, TriageError::ActorRequired.to_string());
        }
        if let Err(e) = crate::findings::triage::validated(state.clone(), now) {
            return self.refuse(dialog, e.to_string());
        }
        self.apply_state(targets, state)
    }

    /// Set `state` on every target; one log line per change; a summary in the flash bar.
    fn apply_state(&mut self, targets: &[usize], state: TriageState) -> Vec<Effect> {
        let now = (self.clock)();
        let findings = self.target_findings(targets);
        let mut effects = Vec::new();
        let mut refused: Vec<String> = Vec::new();
        let mut changed = 0usize;
        for f in &findings {
            let from = self.triage.state_of(&f.fingerprint).label();
            match self.triage.set_state(f, state.clone(), &self.operator, now) {
                Ok(()) => {
                    changed += 1;
                    effects.push(Effect::Record(Event::Triage {
                        fingerprint: f.fingerprint.clone(),
                        check_id: f.check_id.clone(),
                        resource: f.resource.display(),
                        from: from.to_string(),
                        to: state.label().to_string(),
                        reason: state.reason().map(str::to_string),
                        expires: match &state {
                            TriageState::RiskAccepted { expires, .. } => Some(expires.clone()),
                            _ => None,
                        },
                        by: self.operator.clone(),
                    }));
                }
                Err(e) => refused.push(e.to_string()),
            }
        }
        if changed > 0 {
            effects.push(Effect::SaveTriage(Box::new(self.triage.clone())));
            self.marks.clear();
            self.refresh_states();
        }
        let mut text = format!(
            "{changed} finding{} {}",
            if changed == 1 { "" } else { "s" },
            state.label()
        );
        if let Some(first) = refused.first() {
            text.push_str(&format!("; {} unchanged: {first}", refused.len()));
            if changed == 0 {
                self.error(text);
                return effects;
            }
        }
        self.say(text);
        effects
    }

    fn add_notes(&mut self, dialog: Dialog, targets: &[usize], now: OffsetDateTime) -> Vec<Effect> {
        let text = dialog.value(0);
        let findings = self.target_findings(targets);
        let mut effects = Vec::new();
        for f in &findings {
            match self.triage.add_note(f, &self.operator, &text, now) {
                Ok(()) => effects.push(Effect::Record(Event::Note {
                    fingerprint: f.fingerprint.clone(),
                    author: self.operator.clone(),
                    text: text.trim_matches('\n').trim_end().to_string(),
                })),
                Err(e) => return self.refuse(dialog, e.to_string()),
            }
        }
        if !effects.is_empty() {
            effects.push(Effect::SaveTriage(Box::new(self.triage.clone())));
            self.say(format!("note added to {} finding(s)", findings.len()));
        }
        effects
    }

    fn set_owners(&mut self, targets: &[usize], owner: &str) -> Vec<Effect> {
        let findings = self.target_findings(targets);
        let mut effects = Vec::new();
        let new = (!owner.is_empty()).then(|| owner.to_string());
        for f in &findings {
            let before = self.triage.set_owner(f, new.as_deref());
            if before != new {
                effects.push(Effect::Record(Event::Owner {
                    fingerprint: f.fingerprint.clone(),
                    owner: new.clone(),
                }));
            }
        }
        if !effects.is_empty() {
            effects.push(Effect::SaveTriage(Box::new(self.triage.clone())));
        }
        self.say(match &new {
            Some(o) => format!("owner {o} on {} finding(s)", findings.len()),
            None => format!("owner cleared on {} finding(s)", findings.len()),
        });
        effects
    }

    /// Put every row's state label in line with the book and the suppressions.
    pub(super) fn refresh_states(&mut self) {
        let Some(bench) = &self.data else { return };
        crate::tui::settle::set_states(
            &mut self.findings.rows,
            &bench.scan.findings,
            &self.evaluation,
            &self.triage,
        );
        self.findings.view.rows_changed();
        self.refresh_findings();
    }
}

/// An expiry as typed: `30d`, `12w`, `2027-03-31` (midnight UTC) or RFC 3339.
pub fn parse_expiry(text: &str, now: OffsetDateTime) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(TriageError::ExpiryRequired.to_string());
    }
    let relative = |n: &str, unit: i64| -> Option<String> {
        let n: i64 = n.parse().ok().filter(|n| *n > 0 && *n <= 3650)?;
        Some(timestamp(now + Duration::days(n * unit)))
    };
    if let Some(n) = text.strip_suffix('d') {
        if let Some(t) = relative(n, 1) {
            return Ok(t);
        }
    }
    if let Some(n) = text.strip_suffix('w') {
        if let Some(t) = relative(n, 7) {
            return Ok(t);
        }
    }
    if text.len() == 10 {
        let full = format!("{text}T00:00:00Z");
        if OffsetDateTime::parse(&full, &Rfc3339).is_ok() {
            return Ok(full);
        }
    }
    match OffsetDateTime::parse(text, &Rfc3339) {
        Ok(t) => Ok(timestamp(t)),
        Err(_) => Err(format!(
            "expiry '{text}' is not a date: write 2027-03-31, 30d, 12w or an RFC 3339 time"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn expiry_forms() {
        let now = datetime!(2026-12-01 10:00:00 UTC);
        assert_eq!(
            parse_expiry("30d", now).as_deref(),
            Ok("2026-12-31T10:00:00Z")
        );
        assert_eq!(
            parse_expiry("2w", now).as_deref(),
            Ok("2026-12-15T10:00:00Z")
        );
        assert_eq!(
            parse_expiry("2027-03-31", now).as_deref(),
            Ok("2027-03-31T00:00:00Z")
        );
        assert_eq!(
            parse_expiry("2027-03-31T12:00:00+02:00", now).as_deref(),
            Ok("2027-03-31T10:00:00Z")
        );
        assert!(parse_expiry("", now).is_err());
        assert!(parse_expiry("0d", now).is_err());
        assert!(parse_expiry("soon", now).unwrap_err().contains("soon"));
    }
}
