//! What every session export format prints, gathered once from a [`SessionInput`]: one row
//! per finding (plus records confirmed fixed that the scan no longer has), grouped by
//! triage state ([`super::rows`]), the rules with their status, the remediation events and
//! the session facts from the log ([`super::log`]). Linear in the number of findings:
//! lookups go through maps built once.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::log::from_log;
pub use super::log::{action_key, Activity, RemediationRow, Start, ACTIONS};
use super::rows::fixed_row;
pub use super::rows::{platform_key, state_key, Group, Row, RuleRef};
use super::SessionInput;
use crate::findings::suppress::{Scope, SuppressionRule};
use crate::findings::triage::{timestamp, TriageState};
use crate::report::suppressed::RuleStatus;
use crate::report::Report;
use crate::session::RemediationAction;

/// One suppression rule with what it did to this scan.
#[derive(Debug, Clone)]
pub struct RuleRow<'a> {
    pub rule: &'a SuppressionRule,
    pub status: RuleStatus,
    /// Findings its checks and scope match (whether or not it hides them).
    pub matches: usize,
    /// Findings it hides (the first unexpired matching rule wins).
    pub hides: usize,
}

impl RuleRow<'_> {
    pub fn created(&self) -> String {
        self.rule.created.map(timestamp).unwrap_or_default()
    }
    pub fn expires(&self) -> String {
        self.rule.expires.map(timestamp).unwrap_or_default()
    }
    pub fn author(&self) -> &str {
        self.rule.author.as_deref().unwrap_or("")
    }
    pub fn scope(&self) -> String {
        scope_text(&self.rule.scope)
    }
}

/// `namespace=prod, workload=Deployment/api`, or `everywhere`.
pub fn scope_text(s: &Scope) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(p) = s.source {
        parts.push(format!("source={}", platform_key(p)));
    }
    let fields = [
        ("context", &s.context),
        ("namespace", &s.namespace),
        ("workload", &s.workload),
        ("container", &s.container),
        ("image", &s.image),
    ];
    for (name, value) in fields {
        if let Some(v) = value {
            parts.push(format!("{name}={v}"));
        }
    }
    for (k, v) in &s.labels {
        parts.push(format!("label {k}={v}"));
    }
    if parts.is_empty() {
        "everywhere".to_string()
    } else {
        parts.join(", ")
    }
}

/// Everything a session export prints.
pub struct SessionModel<'a> {
    pub input: &'a SessionInput<'a>,
    /// The scan report's gathering: totals by severity, not evaluated, coverage gaps.
    pub report: Report<'a>,
    pub start: Option<Start<'a>>,
    /// Time of the last scan the log records, else the snapshot's time (may be empty).
    pub scanned_at: &'a str,
    pub rows: Vec<Row<'a>>,
    /// Indices into `rows`, per group in [`Group::ALL`] order.
    groups: [Vec<usize>; 7],
    pub rules: Vec<RuleRow<'a>>,
    pub remediations: Vec<RemediationRow<'a>>,
    pub activity: Activity,
    /// Each framework's posture with suppressed findings counted as accepted (with their
    /// reason), never as passed: `FrameworkPosture::line()` per framework.
    pub posture: Vec<String>,
}

impl<'a> SessionModel<'a> {
    pub fn new(input: &'a SessionInput<'a>) -> Self {
        let report = Report::new(input.snapshot, input.scan, input.generated_at);
        let rule_by_id: HashMap<&str, &SuppressionRule> = input
            .rules
            .rules
            .iter()
            .map(|r| (r.id.as_str(), r))
            .collect();
        let mut rows: Vec<Row<'a>> = Vec::with_capacity(input.scan.findings.len());
        let mut present: HashSet<&str> = HashSet::with_capacity(input.scan.findings.len());
        for f in &input.scan.findings {
            present.insert(&f.fingerprint);
            let state = input.book.state_of(&f.fingerprint);
            let suppressed_by = input.evaluation.rule_for(&f.fingerprint).map(|id| RuleRef {
                id,
                rule: rule_by_id.get(id).copied(),
            });
            rows.push(Row {
                severity: f.severity,
                check_id: &f.check_id,
                title: &f.title,
                resource: &f.resource,
                fingerprint: &f.fingerprint,
                finding: Some(f),
                state,
                record: input.book.get(&f.fingerprint),
                group: if suppressed_by.is_some() {
                    Group::Suppressed
                } else {
                    Group::of(state)
                },
                suppressed_by,
            });
        }
        let mut gone: Vec<Row<'a>> = input
            .book
            .records
            .values()
            .filter(|r| matches!(r.state, TriageState::Fixed { .. }))
            .filter(|r| !present.contains(r.fingerprint.as_str()))
            .map(fixed_row)
            .collect();
        gone.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| a.check_id.cmp(b.check_id))
                .then_with(|| a.resource.cmp(b.resource))
                .then_with(|| a.fingerprint.cmp(b.fingerprint))
        });
        rows.extend(gone);
        let mut groups: [Vec<usize>; 7] = Default::default();
        for (i, row) in rows.iter().enumerate() {
            groups[row.group.index()].push(i);
        }
        let (start, scanned_at, remediations, activity) = from_log(input);
        let posture = Report::with_suppressions(
            input.snapshot,
            input.scan,
            input.generated_at,
            input.rules,
            input.evaluation,
            "session",
        )
        .totals
        .by_framework
        .iter()
        .map(|p| p.line())
        .collect();
        SessionModel {
            posture,
            input,
            scanned_at: scanned_at.unwrap_or(&input.snapshot.created_at),
            report,
            start,
            rows,
            groups,
            rules: rule_rows(input),
            remediations,
            activity,
        }
    }

    /// The rows of one group, in order (worst first).
    pub fn group(&self, g: Group) -> impl Iterator<Item = &Row<'a>> {
        self.groups[g.index()].iter().map(|&i| &self.rows[i])
    }

    pub fn group_len(&self, g: Group) -> usize {
        self.groups[g.index()].len()
    }

    /// How many remediation events of each action, in [`ACTIONS`] order.
    pub fn remediation_counts(&self) -> Vec<(RemediationAction, usize)> {
        ACTIONS
            .iter()
            .map(|a| {
                (
                    *a,
                    self.remediations.iter().filter(|r| r.action == *a).count(),
                )
            })
            .collect()
    }

    /// The command that checks this export's head hash against its log.
    pub fn verify_command(&self) -> String {
        format!(
            "docket log verify {} --head {}",
            shell_quote(self.input.log_path),
            self.input.head_hash
        )
    }

    /// `12 findings in the scan (critical 1, high 3, ...); 2 suppressed; 1 fixed and no longer found`.
    pub fn findings_line(&self) -> String {
        let t = &self.report.totals;
        let sev: Vec<String> = t
            .by_severity
            .iter()
            .map(|(s, n)| format!("{s} {n}"))
            .collect();
        let gone = self.rows.len() - self.input.scan.findings.len();
        format!(
            "{} finding{} in the scan ({}); {} suppressed; {} record{} confirmed fixed and no longer found",
            t.findings,
            crate::report::plural(t.findings),
            sev.join(", "),
            self.group_len(Group::Suppressed),
            gone,
            crate::report::plural(gone),
        )
    }
}

fn rule_rows<'a>(input: &'a SessionInput<'a>) -> Vec<RuleRow<'a>> {
    let eval = input.evaluation;
    let expired: BTreeSet<&str> = eval.expired.iter().map(String::as_str).collect();
    let unused: BTreeSet<&str> = eval.unused.iter().map(String::as_str).collect();
    let mut hides: BTreeMap<&str, usize> = BTreeMap::new();
    for id in eval.suppressed.values() {
        *hides.entry(id).or_default() += 1;
    }
    input
        .rules
        .rules
        .iter()
        .map(|rule| {
            let id = rule.id.as_str();
            let status = if expired.contains(id) {
                RuleStatus::Expired
            } else if unused.contains(id) {
                RuleStatus::Unused
            } else {
                RuleStatus::Active
            };
            RuleRow {
                rule,
                status,
                matches: eval.matches.get(id).map_or(0, Vec::len),
                hides: hides.get(id).copied().unwrap_or(0),
            }
        })
        .collect()
}

/// A path as a shell word: as is when it only has safe characters, else single-quoted.
pub fn shell_quote(s: &str) -> String {
    let safe = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+:@,=~".contains(c));
    if safe {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_quote_leaves_plain_paths_and_quotes_the_rest() {
        assert_eq!(shell_quote("/a/b-1.jsonl"), "/a/b-1.jsonl");
        assert_eq!(shell_quote("/a b/it's"), "'/a b/it'\\''s'");
        assert_eq!(shell_quote(""), "''");
    }
}
