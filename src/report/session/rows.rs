//! The finding rows of a session export: one per finding of the scan and one per record
//! confirmed fixed that the scan no longer has, each with its triage state, record and the
//! rule that hides it, and the group (section) it is printed in.

use crate::checks::{self, Severity};
use crate::findings::suppress::SuppressionRule;
use crate::findings::triage::{timestamp, Note, TriageRecord, TriageState};
use crate::findings::{Finding, Platform, ResourceRef};

/// The sections findings are grouped in. A suppressed finding is in `Suppressed` whatever
/// its triage state (the state is still shown).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Open,
    Acknowledged,
    InProgress,
    RiskAccepted,
    FalsePositive,
    Fixed,
    Suppressed,
}

impl Group {
    pub const ALL: [Group; 7] = [
        Group::Open,
        Group::Acknowledged,
        Group::InProgress,
        Group::RiskAccepted,
        Group::FalsePositive,
        Group::Fixed,
        Group::Suppressed,
    ];

    /// Lower-case words, as in tables: `risk accepted`.
    pub fn label(self) -> &'static str {
        match self {
            Group::Open => "open",
            Group::Acknowledged => "acknowledged",
            Group::InProgress => "in progress",
            Group::RiskAccepted => "risk accepted",
            Group::FalsePositive => "false positive",
            Group::Fixed => "fixed",
            Group::Suppressed => "suppressed",
        }
    }

    /// Machine name, as in JSON and CSV: `risk_accepted`.
    pub fn key(self) -> &'static str {
        match self {
            Group::Open => "open",
            Group::Acknowledged => "acknowledged",
            Group::InProgress => "in_progress",
            Group::RiskAccepted => "risk_accepted",
            Group::FalsePositive => "false_positive",
            Group::Fixed => "fixed",
            Group::Suppressed => "suppressed",
        }
    }

    pub(super) fn index(self) -> usize {
        self as usize
    }

    pub(super) fn of(state: &TriageState) -> Group {
        match state {
            TriageState::Open => Group::Open,
            TriageState::Acknowledged => Group::Acknowledged,
            TriageState::InProgress => Group::InProgress,
            TriageState::RiskAccepted { .. } => Group::RiskAccepted,
            TriageState::FalsePositive { .. } => Group::FalsePositive,
            TriageState::Fixed { .. } => Group::Fixed,
        }
    }
}

/// Machine name of a triage state (`in_progress`).
pub fn state_key(state: &TriageState) -> &'static str {
    Group::of(state).key()
}

/// The rule hiding a finding: its id, and the rule itself when the rule set still has it.
#[derive(Debug, Clone, Copy)]
pub struct RuleRef<'a> {
    pub id: &'a str,
    pub rule: Option<&'a SuppressionRule>,
}

impl RuleRef<'_> {
    pub fn reason(&self) -> &str {
        self.rule.map_or("", |r| r.reason.as_str())
    }
    /// RFC 3339, or empty when the rule never expires (or is gone).
    pub fn expires(&self) -> String {
        self.rule
            .and_then(|r| r.expires)
            .map(timestamp)
            .unwrap_or_default()
    }
}

/// One finding (or one record confirmed fixed) as every format prints it.
#[derive(Debug, Clone)]
pub struct Row<'a> {
    pub severity: Severity,
    pub check_id: &'a str,
    pub title: &'a str,
    pub resource: &'a ResourceRef,
    pub fingerprint: &'a str,
    /// `None` for a record confirmed fixed whose finding this scan no longer has.
    pub finding: Option<&'a Finding>,
    pub state: &'a TriageState,
    pub record: Option<&'a TriageRecord>,
    pub suppressed_by: Option<RuleRef<'a>>,
    pub group: Group,
}

impl Row<'_> {
    pub fn owner(&self) -> &str {
        self.record.and_then(|r| r.owner.as_deref()).unwrap_or("")
    }
    pub fn notes(&self) -> &[Note] {
        self.record.map_or(&[], |r| r.notes.as_slice())
    }
    /// When a finding confirmed fixed was found again.
    pub fn reopened(&self) -> Option<&str> {
        self.record.and_then(|r| r.reopened.as_deref())
    }
    /// The triage reason (risk accepted, false positive), or empty.
    pub fn reason(&self) -> &str {
        self.state.reason().unwrap_or("")
    }
    /// The risk acceptance's expiry, or empty.
    pub fn expires(&self) -> &str {
        match self.state {
            TriageState::RiskAccepted { expires, .. } => expires,
            _ => "",
        }
    }
    /// When a scan confirmed the fix, or empty.
    pub fn confirmed_at(&self) -> &str {
        match self.state {
            TriageState::Fixed { confirmed_at } => confirmed_at,
            _ => "",
        }
    }
    pub fn platform(&self) -> &'static str {
        platform_key(self.resource.platform)
    }

    /// The state-specific facts in one phrase: `reason "..."; expires ...`, `confirmed
    /// fixed at ...`, `reopened at ...`, `by rule-1: reason; expires ...`.
    pub fn detail(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if let Some(rule) = &self.suppressed_by {
            let mut s = format!("by rule {}", rule.id);
            if !rule.reason().is_empty() {
                s.push_str(&format!(": {}", rule.reason()));
            }
            let expires = rule.expires();
            s.push_str(&match expires.as_str() {
                "" => "; never expires".to_string(),
                e => format!("; expires {e}"),
            });
            parts.push(s);
            parts.push(format!("triage state {}", self.state.label()));
        }
        if !self.reason().is_empty() {
            parts.push(format!("reason: {}", self.reason()));
        }
        if !self.expires().is_empty() {
            parts.push(format!("expires {}", self.expires()));
        }
        if !self.confirmed_at().is_empty() {
            parts.push(format!(
                "confirmed fixed by the scan at {}",
                self.confirmed_at()
            ));
        }
        if let Some(at) = self.reopened() {
            parts.push(format!("reopened at {at}: a confirmed fix did not hold"));
        }
        parts.join("; ")
    }
}

pub fn platform_key(p: Platform) -> &'static str {
    match p {
        Platform::Docker => "docker",
        Platform::Kubernetes => "kubernetes",
    }
}

/// A record confirmed fixed whose finding the scan no longer has: severity and title from
/// the catalog (info and the check id for a check this version does not know).
pub(super) fn fixed_row(r: &TriageRecord) -> Row<'_> {
    let check = checks::find(&r.check_id);
    Row {
        severity: check.map_or(Severity::Info, |c| c.severity),
        check_id: &r.check_id,
        title: check.map_or(r.check_id.as_str(), |c| c.title),
        resource: &r.resource,
        fingerprint: &r.fingerprint,
        finding: None,
        state: &r.state,
        record: Some(r),
        suppressed_by: None,
        group: Group::Fixed,
    }
}
