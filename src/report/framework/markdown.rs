//! A framework report as Markdown: the score and its definition, one table row per control
//! (every control of the mapping, exactly once), then the findings of failed controls,
//! the suppressed findings of accepted ones, the reasons of not evaluated ones and the
//! evidence to collect for manual ones. Text from data goes through the scan report's
//! escaping ([`text`], [`code`]).

use std::fmt::Write as _;

use super::{ControlEntry, FrameworkReport, SCORE_DEFINITION};
use crate::report::markdown::{code, text};
use crate::report::suppressed::expires_text;
use crate::report::ControlStatus;

pub fn render(reports: &[FrameworkReport]) -> String {
    let mut o = String::new();
    for (i, r) in reports.iter().enumerate() {
        if i > 0 {
            o.push_str("\n---\n\n");
        }
        one(&mut o, r);
    }
    o
}

fn one(o: &mut String, r: &FrameworkReport) {
    let _ = writeln!(o, "# {}: compliance report\n", text(r.framework.name()));
    let _ = writeln!(
        o,
        "Generated {} by Docket {}.\n",
        text(&r.generated_at),
        r.tool_version
    );
    if !r.sources.is_empty() {
        let sources: Vec<String> = r.sources.iter().map(|s| code(s)).collect();
        let _ = writeln!(o, "Sources: {}.\n", sources.join(", "));
    }
    match &r.suppressions {
        Some(origin) => {
            let _ = writeln!(o, "Suppression rules applied from {}.\n", code(origin));
        }
        None => o.push_str("No suppression rules applied.\n\n"),
    }
    let _ = writeln!(o, "**Score: {}**\n", text(&r.score.line()));
    let _ = writeln!(o, "{}\n", text(SCORE_DEFINITION));
    o.push_str("| Status | Controls |\n|---|---:|\n");
    for s in ControlStatus::ALL {
        let _ = writeln!(o, "| {} | {} |", s.label(), r.score.count(s));
    }
    let _ = writeln!(o, "| **total** | **{}** |\n", r.score.total());

    o.push_str("## Controls\n\n| Control | Title | Status | Detail |\n|---|---|---|---|\n");
    for c in &r.controls {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} |",
            text(c.control.id),
            text(c.control.title),
            status(c.status),
            text(&c.detail())
        );
    }
    o.push('\n');

    section(
        o,
        r,
        ControlStatus::Failed,
        "Failed controls: findings",
        |o, c| {
            o.push_str("| Severity | Check | Resource | Message |\n|---|---|---|---|\n");
            for f in &c.findings {
                let _ = writeln!(
                    o,
                    "| {} | {} | {} | {} |",
                    f.finding.severity,
                    text(&f.finding.check_id),
                    text(&f.finding.resource.display()),
                    text(&f.finding.message)
                );
            }
        },
    );
    section(
        o,
        r,
        ControlStatus::Accepted,
        "Accepted controls: suppressed findings",
        |o, c| {
            o.push_str("| Severity | Check | Resource | Rule | Reason | Expires |\n|---|---|---|---|---|---|\n");
            for s in &c.accepted {
                let f = s.finding.finding;
                let _ = writeln!(
                    o,
                    "| {} | {} | {} | {} | {} | {} |",
                    f.severity,
                    text(&f.check_id),
                    text(&f.resource.display()),
                    text(&s.rule.id),
                    text(&s.rule.reason),
                    text(&expires_text(s.rule))
                );
            }
        },
    );
    section(
        o,
        r,
        ControlStatus::NotEvaluated,
        "Not evaluated: why",
        |o, c| {
            for why in &c.reasons {
                let _ = writeln!(o, "- {}", text(why));
            }
        },
    );
    section(
        o,
        r,
        ControlStatus::Manual,
        "Manual controls: evidence to collect",
        |o, c| {
            let _ = writeln!(o, "{}", text(&c.detail()));
        },
    );
    if !r.coverage_gaps.is_empty() {
        o.push_str("## Coverage gaps of this scan\n\n");
        for g in &r.coverage_gaps {
            let _ = writeln!(o, "- {}", text(g));
        }
        o.push('\n');
    }
}

/// A heading and one sub-section per control of `wanted` status (nothing when none).
fn section(
    o: &mut String,
    r: &FrameworkReport,
    wanted: ControlStatus,
    heading: &str,
    body: impl Fn(&mut String, &ControlEntry),
) {
    let items: Vec<&ControlEntry> = r.controls.iter().filter(|c| c.status == wanted).collect();
    if items.is_empty() {
        return;
    }
    let _ = writeln!(o, "## {heading}\n");
    for c in items {
        let _ = writeln!(o, "### {}: {}\n", text(c.control.id), text(c.control.title));
        body(o, c);
        o.push('\n');
    }
}

fn status(s: ControlStatus) -> String {
    match s {
        ControlStatus::Failed | ControlStatus::NotEvaluated => format!("**{}**", s.label()),
        _ => s.label().to_string(),
    }
}
