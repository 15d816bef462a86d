//! The session export as Markdown (GitHub-flavoured). Text from data goes through the scan
//! report's escaping ([`text`], [`code`]), so a note cannot break a table or inject HTML.

use std::fmt::Write as _;

use super::model::{action_key, Group, Row, SessionModel};
use crate::report::markdown::{code, text};
use crate::report::CheckRow;

pub fn render(m: &SessionModel) -> String {
    let mut o = String::new();
    let input = m.input;
    let _ = writeln!(o, "# {} session export\n", m.report.tool_name);
    let _ = writeln!(
        o,
        "Generated {} by {} {}.\n",
        text(input.generated_at),
        m.report.tool_name,
        m.report.tool_version
    );
    let _ = writeln!(
        o,
        "> **Check this export against its session log:** {} must print `ok`. It fails if a line of the log was changed, or if lines written up to this export were removed.\n",
        code(&m.verify_command())
    );

    let _ = writeln!(o, "## Summary\n");
    let _ = writeln!(o, "| Field | Value |\n|---|---|");
    match &m.start {
        Some(s) => {
            let _ = writeln!(o, "| Operator | {} |", text(s.operator));
            let _ = writeln!(o, "| Host | {} |", text(s.host));
            let _ = writeln!(o, "| Docket version | {} |", text(s.docket_version));
            let _ = writeln!(o, "| Sources | {} |", list(s.sources));
            let _ = writeln!(o, "| Contexts | {} |", list(s.contexts));
            let _ = writeln!(
                o,
                "| Session started | {}{} |",
                text(s.at),
                if s.read_only {
                    " (read-only)"
                } else {
                    " (changes allowed)"
                }
            );
        }
        None => {
            let _ = writeln!(o, "| Operator | (the log has no session start) |");
        }
    }
    let _ = writeln!(o, "| Last scan | {} |", or_none(m.scanned_at));
    let _ = writeln!(o, "| Session log | {} |", code(input.log_path));
    let _ = writeln!(o, "| Log head hash | {} |", code(input.head_hash));
    let _ = writeln!(
        o,
        "| Log entries | {}: {} |\n",
        m.activity.entries,
        m.activity.line()
    );
    let _ = writeln!(o, "{}\n", text(&m.findings_line()));
    let _ = writeln!(o, "| Severity | Findings |\n|---|---:|");
    for (s, n) in &m.report.totals.by_severity {
        let _ = writeln!(o, "| {s} | {n} |");
    }
    let _ = writeln!(o, "\n| Triage state | Findings |\n|---|---:|");
    for g in Group::ALL {
        let _ = writeln!(o, "| {} | {} |", g.label(), m.group_len(g));
    }
    let counts: Vec<String> = m
        .remediation_counts()
        .iter()
        .map(|(a, n)| format!("{} {n}", action_key(*a)))
        .collect();
    let _ = writeln!(o, "\nRemediation events: {}.\n", counts.join(", "));
    let _ = writeln!(o, "> {}\n", text(&m.report.caveat()));

    let _ = writeln!(o, "## Findings by state\n");
    for g in Group::ALL {
        let _ = writeln!(o, "### {} ({})\n", capitalized(g.label()), m.group_len(g));
        if m.group_len(g) == 0 {
            let _ = writeln!(o, "None.\n");
            continue;
        }
        let _ = writeln!(
            o,
            "| Severity | Check | Resource | Owner | Detail | Notes | Fingerprint |\n|---|---|---|---|---|---|---|"
        );
        for row in m.group(g) {
            finding_row(&mut o, row);
        }
        o.push('\n');
    }

    let _ = writeln!(o, "## Suppression rules\n");
    if m.rules.is_empty() {
        let _ = writeln!(o, "None.\n");
    } else {
        let _ = writeln!(
            o,
            "| Rule | Status | Matches | Hides | Checks | Scope | Reason | Author | Created | Expires |\n|---|---|---:|---:|---|---|---|---|---|---|"
        );
        for r in &m.rules {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                code(&r.rule.id),
                r.status.label(),
                r.matches,
                r.hides,
                text(&r.rule.checks.join(", ")),
                text(&r.scope()),
                text(&r.rule.reason),
                or_none(r.author()),
                or_none(&r.created()),
                or_text(&r.expires(), "never"),
            );
        }
        o.push('\n');
    }

    let _ = writeln!(o, "## Remediations\n");
    if m.remediations.is_empty() {
        let _ = writeln!(o, "None recorded in the session log.\n");
    } else {
        let _ = writeln!(
            o,
            "| At | Action | Check | Target | Dry run | Detail | Plan digest | Fingerprint |\n|---|---|---|---|---|---|---|---|"
        );
        for r in &m.remediations {
            let check = r
                .check
                .map(|(id, title)| format!("{} {}", code(id), text(title)))
                .unwrap_or_else(|| "(not in this scan)".to_string());
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} | {} | {} | {} |",
                text(r.at),
                action_key(r.action),
                check,
                text(r.target),
                if r.dry_run { "yes" } else { "no" },
                or_none(r.detail),
                code(r.plan_digest),
                code(r.fingerprint),
            );
        }
        o.push('\n');
    }

    let _ = writeln!(o, "## Framework posture\n");
    for line in &m.posture {
        let _ = writeln!(o, "- {}", text(line));
    }
    let _ = writeln!(
        o,
        "\nSuppressed findings count as accepted, not passed. Per-control detail: `docket report --framework NAME`.\n"
    );
    let _ = writeln!(o, "## Not evaluated\n");
    let _ = writeln!(
        o,
        "These checks were selected but could not run: they did **not** pass.\n"
    );
    let ne: Vec<_> = m.report.not_evaluated().collect();
    if ne.is_empty() {
        let _ = writeln!(o, "None.\n");
    } else {
        check_table(&mut o, &ne);
    }
    let partial: Vec<_> = m.report.partial().collect();
    if !partial.is_empty() {
        let _ = writeln!(
            o,
            "Partially evaluated (ran on incomplete data; findings may be missing):\n"
        );
        check_table(&mut o, &partial);
    }

    let _ = writeln!(o, "## Coverage gaps\n");
    if m.report.coverage_gaps.is_empty() {
        let _ = writeln!(o, "None: every kind of data the sources offer was read.");
    } else {
        let _ = writeln!(o, "| Data | Scope | Reason |\n|---|---|---|");
        for g in &m.report.coverage_gaps {
            let _ = writeln!(
                o,
                "| {} | {} | {} |",
                text(g.kind.label()),
                text(&g.scope),
                text(&g.reason)
            );
        }
    }
    o
}

fn finding_row(o: &mut String, row: &Row) {
    let notes: Vec<String> = row
        .notes()
        .iter()
        .map(|n| {
            let lines: Vec<String> = n.text.lines().map(text).collect();
            format!(
                "{} {}: {}",
                text(&n.at),
                text(&n.author),
                lines.join("<br>")
            )
        })
        .collect();
    let _ = writeln!(
        o,
        "| {} | {} {} | {} | {} | {} | {} | {} |",
        row.severity,
        code(row.check_id),
        text(row.title),
        text(&row.resource.display()),
        text(row.owner()),
        text(&row.detail()),
        notes.join("<br>"),
        code(row.fingerprint),
    );
}

fn check_table(o: &mut String, rows: &[&CheckRow]) {
    let _ = writeln!(o, "| Check | Title | Reasons |\n|---|---|---|");
    for c in rows {
        let reasons: Vec<String> = c.reasons().iter().map(|r| text(r)).collect();
        let _ = writeln!(
            o,
            "| {} | {} | {} |",
            code(c.id),
            text(c.title()),
            reasons.join("<br>")
        );
    }
    o.push('\n');
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "(none)".to_string()
    } else {
        text(&items.join(", "))
    }
}

fn or_none(s: &str) -> String {
    or_text(s, "(none)")
}

fn or_text(s: &str, empty: &str) -> String {
    if s.is_empty() {
        empty.to_string()
    } else {
        text(s)
    }
}

fn capitalized(s: &str) -> String {
    let mut cs = s.chars();
    match cs.next() {
        Some(c) => c.to_uppercase().collect::<String>() + cs.as_str(),
        None => String::new(),
    }
}
