//! Per-framework compliance reports: for one framework, EVERY control of its mapping with
//! its status, the evidence behind it and a score. Pure: built from a [`Report`] (so the
//! suppressions applied to a scan apply here too) and rendered by one file per format.
//!
//! Status of a control (the same rules as [`control_status`], which decides it):
//! - failed: a serving check has active findings (listed: check, resource, severity);
//! - accepted: its only findings are suppressed (listed with rule, reason, expiry);
//! - not evaluated: a serving check could not run, ran on partial data, was disabled or
//!   is not in the scan (the reasons are listed);
//! - passed: every serving check of a platform in the scan ran on complete data and
//!   found nothing;
//! - manual: no automated check serves it; the report says what evidence an auditor
//!   needs and where it usually lives.
//!
//! Score = passed / (passed + failed + accepted): an accepted risk is a decision, not
//! compliance, so it counts against the score; manual and not evaluated controls are
//! excluded (no verdict), and the report says how many were excluded.

pub mod csv;
pub mod guidance;
pub mod html;
pub mod json;
pub mod markdown;

use crate::checks::{Control, Framework, Outcome};
use crate::report::suppressed::{rule_note, SuppressedFinding};
use crate::report::{control_status, serving_checks, ControlStatus, Report, ReportFinding};

/// The formats of `docket report`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameworkFormat {
    Markdown,
    Html,
    Json,
    Csv,
}

impl FrameworkFormat {
    pub const ALL: [FrameworkFormat; 4] = [
        FrameworkFormat::Markdown,
        FrameworkFormat::Html,
        FrameworkFormat::Json,
        FrameworkFormat::Csv,
    ];
    pub fn name(self) -> &'static str {
        match self {
            FrameworkFormat::Markdown => "markdown",
            FrameworkFormat::Html => "html",
            FrameworkFormat::Json => "json",
            FrameworkFormat::Csv => "csv",
        }
    }
    /// Case-insensitive; `md` and `htm` are accepted.
    pub fn parse(s: &str) -> Option<FrameworkFormat> {
        match s.trim().to_ascii_lowercase().as_str() {
            "md" => Some(FrameworkFormat::Markdown),
            "htm" => Some(FrameworkFormat::Html),
            other => FrameworkFormat::ALL.into_iter().find(|f| f.name() == other),
        }
    }
    pub fn extension(self) -> &'static str {
        match self {
            FrameworkFormat::Markdown => "md",
            other => other.name(),
        }
    }
}

impl std::fmt::Display for FrameworkFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// How the score is computed, stated in every format.
pub const SCORE_DEFINITION: &str = "Score = passed / (passed + failed + accepted). Accepted \
     risks (findings hidden by a suppression rule) count against the score, never as passed. \
     Manual and not evaluated controls are excluded: they have no verdict from the checks.";

/// Controls by status, and the score.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Score {
    pub passed: usize,
    pub failed: usize,
    pub accepted: usize,
    pub not_evaluated: usize,
    pub manual: usize,
}

impl Score {
    pub fn of(statuses: impl IntoIterator<Item = ControlStatus>) -> Score {
        let mut s = Score::default();
        for status in statuses {
            match status {
                ControlStatus::Passed => s.passed += 1,
                ControlStatus::Failed => s.failed += 1,
                ControlStatus::Accepted => s.accepted += 1,
                ControlStatus::NotEvaluated => s.not_evaluated += 1,
                ControlStatus::Manual => s.manual += 1,
            }
        }
        s
    }
    /// The denominator: controls with a verdict.
    pub fn assessed(&self) -> usize {
        self.passed + self.failed + self.accepted
    }
    pub fn total(&self) -> usize {
        self.assessed() + self.not_evaluated + self.manual
    }
    pub fn count(&self, status: ControlStatus) -> usize {
        match status {
            ControlStatus::Passed => self.passed,
            ControlStatus::Failed => self.failed,
            ControlStatus::Accepted => self.accepted,
            ControlStatus::NotEvaluated => self.not_evaluated,
            ControlStatus::Manual => self.manual,
        }
    }
    /// Per mille, rounded half up (`None` when no control was assessed).
    pub fn per_mille(&self) -> Option<usize> {
        let d = self.assessed();
        (d > 0).then(|| (self.passed * 1000 + d / 2) / d)
    }
    /// `62.5%` or `n/a`.
    pub fn percent_text(&self) -> String {
        match self.per_mille() {
            Some(pm) => format!("{}.{}%", pm / 10, pm % 10),
            None => "n/a".to_string(),
        }
    }
    /// `62.5% (5 passed of 8 assessed; excluded: 3 not evaluated, 2 manual)`.
    pub fn line(&self) -> String {
        format!(
            "{} ({} passed of {} assessed; excluded: {} not evaluated, {} manual)",
            self.percent_text(),
            self.passed,
            self.assessed(),
            self.not_evaluated,
            self.manual
        )
    }
}

/// A catalog check serving a control, with what it did in this scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServingCheck {
    pub id: &'static str,
    pub title: &'static str,
    /// `evaluated`, `partial`, `not evaluated`, `not applicable`, `disabled`, or
    /// `not in this scan`.
    pub outcome: &'static str,
    pub findings: usize,
    pub suppressed: usize,
}

/// One control of the framework with its status and evidence.
#[derive(Debug, Clone)]
pub struct ControlEntry<'a> {
    pub control: &'static Control,
    pub status: ControlStatus,
    /// The catalog's checks serving it (empty: manual).
    pub checks: Vec<ServingCheck>,
    /// Active findings of the serving checks, in report order.
    pub findings: Vec<ReportFinding<'a>>,
    /// Suppressed findings of the serving checks, with their rule.
    pub accepted: Vec<SuppressedFinding<'a>>,
    /// Why serving checks did not fully run: `KN-001, KN-002: not evaluated: REASON`.
    /// Checks of a platform the scan had no source for are listed as not applicable.
    pub reasons: Vec<String>,
    /// For a manual control: the evidence an auditor needs and where it usually lives.
    pub guidance: Option<&'static str>,
}

impl ControlEntry<'_> {
    /// One line saying why the control has its status.
    pub fn detail(&self) -> String {
        let ids = |pred: &dyn Fn(&ServingCheck) -> bool| -> String {
            self.checks
                .iter()
                .filter(|c| pred(c))
                .map(|c| c.id)
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self.status {
            ControlStatus::Failed => format!(
                "{} finding{} from {}",
                self.findings.len(),
                crate::report::plural(self.findings.len()),
                ids(&|c| c.findings > 0)
            ),
            ControlStatus::Accepted => {
                let mut rules: Vec<String> = Vec::new();
                for s in &self.accepted {
                    let note = rule_note(s.rule);
                    if !rules.contains(&note) {
                        rules.push(note);
                    }
                }
                format!(
                    "{} suppressed finding{} accepted: {}",
                    self.accepted.len(),
                    crate::report::plural(self.accepted.len()),
                    rules.join("; ")
                )
            }
            ControlStatus::NotEvaluated => self.reasons.join("; "),
            ControlStatus::Passed => {
                let mut s = format!(
                    "{} ran on complete data and found nothing",
                    ids(&|c| c.outcome == "evaluated")
                );
                if !self.reasons.is_empty() {
                    s.push_str("; out of scope: ");
                    s.push_str(&self.reasons.join("; "));
                }
                s
            }
            ControlStatus::Manual => self
                .guidance
                .unwrap_or("no automated check serves this control; collect evidence by hand")
                .to_string(),
        }
    }
}

/// One framework's report.
#[derive(Debug, Clone)]
pub struct FrameworkReport<'a> {
    pub framework: Framework,
    pub tool_version: &'static str,
    pub generated_at: String,
    /// `kind location`, one per source of the scan.
    pub sources: Vec<String>,
    /// Every control of the framework's mapping, in mapping order.
    pub controls: Vec<ControlEntry<'a>>,
    pub score: Score,
    /// The suppression rules file applied, if any.
    pub suppressions: Option<String>,
    /// Coverage gaps of the scan: `kind (scope): reason`.
    pub coverage_gaps: Vec<String>,
}

/// Build the report of one framework from a scan report.
pub fn build<'a>(report: &Report<'a>, framework: Framework) -> FrameworkReport<'a> {
    let controls: Vec<ControlEntry<'a>> = framework
        .controls()
        .map(|control| entry(report, control))
        .collect();
    let score = Score::of(controls.iter().map(|c| c.status));
    FrameworkReport {
        framework,
        tool_version: report.tool_version,
        generated_at: report.generated_at.clone(),
        sources: report
            .sources
            .iter()
            .map(|s| format!("{} {}", crate::report::source_kind(&s.kind), s.location))
            .collect(),
        controls,
        score,
        suppressions: report.suppressions.as_ref().map(|s| s.origin.clone()),
        coverage_gaps: report
            .coverage_gaps
            .iter()
            .map(|g| format!("{} ({}): {}", g.kind.label(), g.scope, g.reason))
            .collect(),
    }
}

/// Every framework's report, in [`Framework::ALL`] order.
pub fn build_all<'a>(report: &Report<'a>) -> Vec<FrameworkReport<'a>> {
    Framework::ALL
        .into_iter()
        .map(|f| build(report, f))
        .collect()
}

fn entry<'a>(report: &Report<'a>, control: &'static Control) -> ControlEntry<'a> {
    let serves = |id: &str| serving_checks(control).any(|c| c.id.eq_ignore_ascii_case(id));
    let mut checks = Vec::new();
    // (reason, check ids) in first-seen order, so a gap shared by many checks is one line.
    let mut reasons: Vec<(String, Vec<&'static str>)> = Vec::new();
    for check in serving_checks(control) {
        let row = report.check_row(check.id);
        let (outcome, why): (&'static str, Option<String>) = match row.map(|r| r.outcome) {
            None => ("not in this scan", Some("not in this scan".to_string())),
            Some(Outcome::Evaluated) => ("evaluated", None),
            Some(Outcome::Disabled) => (
                "disabled",
                Some("disabled (check selection, e.g. --checks / --skip-checks, or switched off in the workbench)".to_string()),
            ),
            Some(o @ (Outcome::Partial(r) | Outcome::NotEvaluated(r) | Outcome::NotApplicable(r))) => {
                (o.label(), Some(format!("{}: {}", o.label(), r.join("; "))))
            }
        };
        if let Some(why) = why {
            match reasons.iter_mut().find(|(w, _)| *w == why) {
                Some((_, ids)) => ids.push(check.id),
                None => reasons.push((why, vec![check.id])),
            }
        }
        checks.push(ServingCheck {
            id: check.id,
            title: check.title,
            outcome,
            findings: row.map_or(0, |r| r.findings),
            suppressed: row.map_or(0, |r| r.suppressed),
        });
    }
    let findings = report
        .findings
        .iter()
        .filter(|f| serves(&f.finding.check_id))
        .copied()
        .collect();
    let accepted = report
        .suppressed()
        .iter()
        .filter(|s| serves(&s.finding.finding.check_id))
        .copied()
        .collect();
    let status = control_status(control, &report.checks);
    ControlEntry {
        control,
        status,
        guidance: if checks.is_empty() {
            guidance::for_control(control)
        } else {
            None
        },
        checks,
        findings,
        accepted,
        reasons: reasons
            .into_iter()
            .map(|(why, ids)| format!("{}: {why}", ids.join(", ")))
            .collect(),
    }
}

/// Render one framework's report.
pub fn render(report: &FrameworkReport, format: FrameworkFormat) -> String {
    render_all(std::slice::from_ref(report), format)
}

/// Render several frameworks' reports as one document (`--framework all`).
pub fn render_all(reports: &[FrameworkReport], format: FrameworkFormat) -> String {
    match format {
        FrameworkFormat::Markdown => markdown::render(reports),
        FrameworkFormat::Html => html::render(reports),
        FrameworkFormat::Json => json::render(reports),
        FrameworkFormat::Csv => csv::render(reports),
    }
}

#[cfg(test)]
mod tests;
