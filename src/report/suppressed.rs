//! Suppressed findings in reports. A report built with
//! [`Report::with_suppressions`] leaves the findings an unexpired rule hides out of its
//! findings, totals, check rows and framework posture (so `--fail-on` and CI ignore them),
//! and lists them here with the rule that hid them: its id, reason, author and expiry.
//! Every format shows them: SARIF as results with native `suppressions`, JSON as a
//! `suppressed` array, table / Markdown / HTML in a "Suppressed" section with counts per
//! rule, CSV in extra rows with `suppressed_by`, JUnit as skipped cases.

use time::format_description::well_known::Rfc3339;

use super::{Report, ReportFinding};
use crate::checks::{self, ScanResult};
use crate::findings::suppress::{Evaluation, RuleSet, SuppressionRule};
use crate::findings::Finding;
use crate::model::Snapshot;

/// One finding a rule hides.
#[derive(Debug, Clone, Copy)]
pub struct SuppressedFinding<'a> {
    pub finding: ReportFinding<'a>,
    pub rule: &'a SuppressionRule,
}

/// Where a rule stands after this scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleStatus {
    /// Not expired and matching at least one finding.
    Active,
    /// Past its expiry: hides nothing, and says so.
    Expired,
    /// Matches no finding of this scan.
    Unused,
}

impl RuleStatus {
    pub fn label(self) -> &'static str {
        match self {
            RuleStatus::Active => "active",
            RuleStatus::Expired => "expired",
            RuleStatus::Unused => "unused",
        }
    }
}

/// One rule of the file with what it did in this scan.
#[derive(Debug, Clone, Copy)]
pub struct RuleUsage<'a> {
    pub rule: &'a SuppressionRule,
    pub status: RuleStatus,
    /// Findings this rule hides (it was the first unexpired rule matching them).
    pub suppressed: usize,
    /// Findings its checks and scope match, whether or not it hides them.
    pub matched: usize,
}

/// The suppressions applied to a report.
#[derive(Debug, Clone)]
pub struct Suppressions<'a> {
    /// The rules file, as the operator should find it.
    pub origin: String,
    /// In the order of the scan's findings.
    pub findings: Vec<SuppressedFinding<'a>>,
    /// Every rule of the file, in file order.
    pub rules: Vec<RuleUsage<'a>>,
}

impl Suppressions<'_> {
    /// `3 findings suppressed by 2 of 4 rules in FILE (1 expired, 1 unused)`.
    pub fn line(&self) -> String {
        let n = self.findings.len();
        let hiding = self.rules.iter().filter(|r| r.suppressed > 0).count();
        let count = |s: RuleStatus| self.rules.iter().filter(|r| r.status == s).count();
        format!(
            "{n} finding{} suppressed by {hiding} of {} rule{} in {} ({} expired, {} unused)",
            super::plural(n),
            self.rules.len(),
            super::plural(self.rules.len()),
            self.origin,
            count(RuleStatus::Expired),
            count(RuleStatus::Unused),
        )
    }
}

/// A rule's expiry as RFC 3339, or `never`.
pub fn expires_text(rule: &SuppressionRule) -> String {
    rule.expires
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| "never".to_string())
}

/// `rule-id (reason; expires X)`: one line naming why a finding is hidden.
pub fn rule_note(rule: &SuppressionRule) -> String {
    format!(
        "suppressed by {}: {} (expires {})",
        rule.id,
        rule.reason,
        expires_text(rule)
    )
}

impl<'a> Report<'a> {
    /// A report with the findings `eval` says are suppressed taken out of the findings,
    /// totals and check rows and listed in [`Report::suppressions`]. `origin` names the
    /// rules file.
    pub fn with_suppressions(
        snapshot: &'a Snapshot,
        scan: &'a ScanResult,
        generated_at: &str,
        rules: &'a RuleSet,
        eval: &Evaluation,
        origin: &str,
    ) -> Self {
        let rule_of = |f: &Finding| -> Option<&'a SuppressionRule> {
            eval.rule_for(&f.fingerprint).and_then(|id| rules.get(id))
        };
        let mut report = Report::build(snapshot, scan, generated_at, &|f| rule_of(f).is_some());
        let findings: Vec<SuppressedFinding<'a>> = scan
            .findings
            .iter()
            .filter_map(|f| {
                rule_of(f).map(|rule| SuppressedFinding {
                    finding: ReportFinding {
                        finding: f,
                        check: checks::find(&f.check_id),
                    },
                    rule,
                })
            })
            .collect();
        let usage = rules
            .rules
            .iter()
            .map(|rule| {
                let matched = eval.matches.get(&rule.id).map_or(0, Vec::len);
                let status = if eval.expired.contains(&rule.id) {
                    RuleStatus::Expired
                } else if matched == 0 {
                    RuleStatus::Unused
                } else {
                    RuleStatus::Active
                };
                RuleUsage {
                    rule,
                    status,
                    suppressed: findings.iter().filter(|s| s.rule.id == rule.id).count(),
                    matched,
                }
            })
            .collect();
        report.suppressions = Some(Suppressions {
            origin: origin.to_string(),
            findings,
            rules: usage,
        });
        report
    }

    /// The suppressed findings (none when no rules were applied).
    pub fn suppressed(&self) -> &[SuppressedFinding<'a>] {
        self.suppressions
            .as_ref()
            .map_or(&[][..], |s| s.findings.as_slice())
    }
}

#[cfg(test)]
mod tests {
    use super::super::{fixture, render, Format};
    use super::*;
    use crate::findings::suppress::{NoContext, Scope};
    use time::macros::datetime;

    /// A rule hiding every finding of the fixture's first check, an expired one and an
    /// unused one.
    fn rules(first_check: &str) -> RuleSet {
        let mut hide = SuppressionRule::new(vec![first_check.to_string()], "accepted | <risk>");
        hide.id = "hide".into();
        hide.expires = Some(datetime!(2099-01-01 0:00 UTC));
        let mut old = SuppressionRule::new(vec!["*".to_string()], "old");
        old.id = "old".into();
        old.expires = Some(datetime!(2000-01-01 0:00 UTC));
        let mut unused = SuppressionRule::new(vec!["DC-001".to_string()], "none");
        unused.id = "unused".into();
        unused.scope = Scope {
            namespace: Some("nowhere".into()),
            ..Scope::default()
        };
        RuleSet {
            rules: vec![old, hide, unused],
        }
    }

    #[test]
    fn suppressed_findings_leave_totals_and_rows_and_every_format_lists_them() {
        let (snap, scan) = fixture::sample();
        let first = scan.findings[0].check_id.clone();
        let hidden = scan.findings.iter().filter(|f| f.check_id == first).count();
        let set = rules(&first);
        let eval = set.evaluate(&scan.findings, &NoContext, datetime!(2026-12-01 0:00 UTC));
        let plain = Report::new(&snap, &scan, fixture::NOW);
        let r = Report::with_suppressions(&snap, &scan, fixture::NOW, &set, &eval, "s.toml");
        assert_eq!(r.totals.findings, plain.totals.findings - hidden);
        assert_eq!(r.findings.len(), plain.findings.len() - hidden);
        assert_eq!(r.check_row(&first).map(|c| c.findings), Some(0));
        assert_eq!(r.suppressed().len(), hidden);
        // The streamed JSON (findings and suppressed written one at a time) is the tree.
        let mut tree = serde_json::to_string_pretty(&super::super::json::to_value(&r)).unwrap();
        tree.push('\n');
        assert_eq!(super::super::json::render(&r), tree);
        let s = r.suppressions.as_ref().unwrap();
        let status: Vec<(&str, RuleStatus, usize)> = s
            .rules
            .iter()
            .map(|u| (u.rule.id.as_str(), u.status, u.suppressed))
            .collect();
        assert_eq!(
            status,
            vec![
                ("old", RuleStatus::Expired, 0),
                ("hide", RuleStatus::Active, hidden),
                ("unused", RuleStatus::Unused, 0)
            ]
        );
        for f in Format::ALL {
            let out = render(&r, f);
            assert!(out.contains("hide"), "{f}: rule id missing");
            assert!(out.contains("2099-01-01T00:00:00Z"), "{f}: expiry missing");
            assert!(out.contains("accepted"), "{f}: reason missing");
            assert_ne!(out, render(&plain, f), "{f}: same as unsuppressed");
        }
    }
}
