//! Markdown (GitHub-flavoured): a heading, the summary tables, framework posture, the
//! findings grouped by severity, the suppressed ones by rule (when rules were applied),
//! then what was not evaluated, coverage gaps and manual
//! checks. Text from data is escaped (`|`, backticks, Markdown punctuation, HTML); evidence
//! goes in code spans whose fence is longer than any backtick run inside.

use std::fmt::Write as _;

use super::{plural, source_kind, ControlStatus, Report};
use crate::checks::Severity;

pub fn render(report: &Report) -> String {
    let mut o = String::new();
    let t = &report.totals;

    let _ = writeln!(o, "# {} scan report\n", report.tool_name);
    let _ = writeln!(
        o,
        "Generated {} by {} {}.\n",
        text(&report.generated_at),
        report.tool_name,
        report.tool_version
    );
    let _ = writeln!(o, "> **{}**\n", text(&report.caveat()));
    if !report.sources.is_empty() {
        let _ = writeln!(o, "Sources:\n");
        for s in report.sources {
            let detail = if s.detail.is_empty() {
                String::new()
            } else {
                format!(" ({})", text(&s.detail))
            };
            let _ = writeln!(
                o,
                "- {} {}{}",
                source_kind(&s.kind),
                code(&s.location),
                detail
            );
        }
        o.push('\n');
    }

    // Summary.
    let _ = writeln!(o, "## Summary\n");
    let _ = writeln!(o, "{}\n", text(&report.summary_line()));
    let _ = writeln!(o, "| Severity | Findings |\n|---|---:|");
    for (s, n) in &t.by_severity {
        let _ = writeln!(o, "| {s} | {n} |");
    }
    let _ = writeln!(o, "| **total** | **{}** |\n", t.findings);
    let _ = writeln!(o, "| Family | Findings |\n|---|---:|");
    for (f, n) in &t.by_family {
        let _ = writeln!(o, "| {} | {n} |", f.label());
    }
    if t.unknown_family > 0 {
        let _ = writeln!(o, "| (checks not in this catalog) | {} |", t.unknown_family);
    }
    o.push('\n');
    let c = &t.checks;
    let _ = writeln!(o, "| Check outcome | Checks |\n|---|---:|");
    let _ = writeln!(o, "| evaluated | {} |", c.evaluated);
    let _ = writeln!(o, "| partial (findings may be missing) | {} |", c.partial);
    let _ = writeln!(o, "| **not evaluated** | **{}** |", c.not_evaluated);
    let _ = writeln!(o, "| not applicable | {} |", c.not_applicable);
    let _ = writeln!(o, "| disabled | {} |\n", c.disabled);

    let _ = writeln!(o, "### Framework posture\n");
    let _ = writeln!(
        o,
        "A control is *{}* when a check serving it has findings, *{}* when its only findings are suppressed, *{}* when a check serving it could not run, ran on partial data or was disabled, *{}* when every check serving it ran and found nothing, and *{}* when no automated check covers it.\n",
        ControlStatus::Failed.label(),
        ControlStatus::Accepted.label(),
        ControlStatus::NotEvaluated.label(),
        ControlStatus::Passed.label(),
        ControlStatus::Manual.label(),
    );
    for p in &t.by_framework {
        let _ = writeln!(o, "- {}", text(&p.line()));
    }
    o.push('\n');

    // Findings by severity.
    let _ = writeln!(o, "## Findings\n");
    if report.findings.is_empty() {
        let _ = writeln!(o, "No findings in the checks that ran.\n");
    }
    for sev in Severity::ALL {
        let items: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.finding.severity == sev)
            .collect();
        if items.is_empty() {
            continue;
        }
        let _ = writeln!(o, "### {} ({})\n", capitalize(sev.as_str()), items.len());
        let _ = writeln!(
            o,
            "| Check | Resource | Message | Evidence | Fingerprint |\n|---|---|---|---|---|"
        );
        for rf in &items {
            let f = rf.finding;
            let evidence: Vec<String> = f
                .evidence
                .iter()
                .map(|e| format!("{} = {}", code(&e.path), code(&e.observed)))
                .collect();
            let _ = writeln!(
                o,
                "| {} {} | {} | {} | {} | {} |",
                code(&f.check_id),
                text(&f.title),
                text(&f.resource.display()),
                text(&f.message),
                evidence.join("<br>"),
                code(&f.fingerprint),
            );
        }
        o.push('\n');
        let _ = writeln!(o, "Remediation:\n");
        let mut seen: Vec<&str> = Vec::new();
        for rf in &items {
            let id = rf.finding.check_id.as_str();
            if seen.contains(&id) {
                continue;
            }
            seen.push(id);
            match rf.check {
                Some(c) => {
                    let _ = writeln!(
                        o,
                        "- {} {}: {} (refs: {})",
                        code(c.id),
                        text(c.title),
                        c.remediation,
                        text(&c.refs.join(", "))
                    );
                }
                None => {
                    let _ = writeln!(
                        o,
                        "- {} {}: not in this version's catalog; no remediation text.",
                        code(id),
                        text(&rf.finding.title)
                    );
                }
            }
        }
        o.push('\n');
    }

    suppressed(&mut o, report);

    // What was not evaluated.
    let _ = writeln!(o, "## Not evaluated\n");
    let _ = writeln!(
        o,
        "These checks were selected but could not run: they did **not** pass.\n"
    );
    let ne: Vec<_> = report.not_evaluated().collect();
    if ne.is_empty() {
        let _ = writeln!(o, "None.\n");
    } else {
        check_table(&mut o, &ne);
    }
    let partial: Vec<_> = report.partial().collect();
    if !partial.is_empty() {
        let _ = writeln!(
            o,
            "Partially evaluated (ran on incomplete data; findings may be missing):\n"
        );
        check_table(&mut o, &partial);
    }
    let na = report.totals.checks.not_applicable;
    if na > 0 {
        let _ = writeln!(
            o,
            "{na} check{} not applicable (no source of that platform in this scan).\n",
            plural(na)
        );
    }
    if report.totals.checks.disabled > 0 {
        let _ = writeln!(
            o,
            "{} check{} disabled by selection.\n",
            report.totals.checks.disabled,
            plural(report.totals.checks.disabled)
        );
    }

    let _ = writeln!(o, "## Coverage gaps\n");
    if report.coverage_gaps.is_empty() {
        let _ = writeln!(o, "None: every kind of data the sources offer was read.\n");
    } else {
        let _ = writeln!(o, "| Data | Scope | Reason |\n|---|---|---|");
        for g in &report.coverage_gaps {
            let _ = writeln!(
                o,
                "| {} | {} | {} |",
                text(g.kind.label()),
                text(&g.scope),
                text(&g.reason)
            );
        }
        o.push('\n');
    }

    let _ = writeln!(o, "## Manual checks\n");
    let _ = writeln!(
        o,
        "{} benchmark item{} need host access and are never reported as passed. Evidence to collect:\n",
        report.manual.len(),
        plural(report.manual.len())
    );
    let _ = writeln!(o, "| Reference | Item | Evidence |\n|---|---|---|");
    for m in report.manual {
        // Catalog text: Markdown on purpose; only the cell separator needs escaping.
        let _ = writeln!(
            o,
            "| {} | {} | {} |",
            text(m.reference),
            text(m.title),
            m.evidence.replace('|', "\\|")
        );
    }
    o
}

/// Counts per rule, then each suppressed finding with its rule.
fn suppressed(o: &mut String, report: &Report) {
    let Some(s) = &report.suppressions else {
        return;
    };
    let _ = writeln!(o, "## Suppressed\n");
    let _ = writeln!(o, "{} (not counted above).\n", text(&s.line()));
    let _ = writeln!(
        o,
        "| Rule | Status | Suppressed | Matched | Expires | Author | Reason |\n|---|---|---:|---:|---|---|---|"
    );
    for u in &s.rules {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} | {} |",
            code(&u.rule.id),
            u.status.label(),
            u.suppressed,
            u.matched,
            text(&super::suppressed::expires_text(u.rule)),
            text(u.rule.author.as_deref().unwrap_or("")),
            text(&u.rule.reason)
        );
    }
    o.push('\n');
    if s.findings.is_empty() {
        return;
    }
    let _ = writeln!(
        o,
        "| Check | Severity | Resource | Rule | Fingerprint |\n|---|---|---|---|---|"
    );
    for sf in &s.findings {
        let f = sf.finding.finding;
        let _ = writeln!(
            o,
            "| {} {} | {} | {} | {} | {} |",
            code(&f.check_id),
            text(&f.title),
            f.severity,
            text(&f.resource.display()),
            code(&sf.rule.id),
            code(&f.fingerprint)
        );
    }
    o.push('\n');
}

fn capitalize(s: &str) -> String {
    let mut cs = s.chars();
    match cs.next() {
        Some(c) => c.to_uppercase().collect::<String>() + cs.as_str(),
        None => String::new(),
    }
}

fn reasons(rs: &[String]) -> String {
    rs.iter().map(|r| text(r)).collect::<Vec<_>>().join("<br>")
}

/// Inline text from data, safe in a paragraph and in a table cell: Markdown punctuation
/// backslash-escaped, HTML special characters as entities, line breaks as spaces.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '#' | '!' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// A code span that survives any content: the fence is one backtick longer than the
/// longest run inside, padded when the content touches a backtick, `|` escaped for tables.
pub fn code(s: &str) -> String {
    let body: String = s
        .chars()
        .map(|c| match c {
            '\n' | '\r' | '\t' => ' ',
            c if c.is_control() => '\u{fffd}',
            c => c,
        })
        .collect::<String>()
        .replace('|', "\\|");
    if body.trim().is_empty() {
        return "(empty)".to_string();
    }
    let mut longest = 0;
    let mut run = 0;
    for c in body.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat(longest + 1);
    if body.starts_with('`') || body.ends_with('`') {
        format!("{fence} {body} {fence}")
    } else {
        format!("{fence}{body}{fence}")
    }
}

/// A table of checks with the reasons they did not (fully) run.
fn check_table(o: &mut String, rows: &[&super::CheckRow]) {
    let _ = writeln!(o, "| Check | Title | Reasons |\n|---|---|---|");
    for c in rows {
        let _ = writeln!(
            o,
            "| {} | {} | {} |",
            code(c.id),
            text(c.title()),
            reasons(c.reasons())
        );
    }
    o.push('\n');
}

#[cfg(test)]
mod tests {
    use super::super::{fixture, Report};
    use super::*;

    /// The output with every code span removed (naive: spans opened and closed by the same
    /// backtick run on one line).
    fn outside_code(s: &str) -> String {
        let mut out = String::new();
        for line in s.lines() {
            let mut rest = line;
            while let Some(start) = rest.find('`') {
                out.push_str(&rest[..start]);
                let after = &rest[start..];
                let run = after.chars().take_while(|c| *c == '`').count();
                let fence = "`".repeat(run);
                match after[run..].find(&fence) {
                    Some(end) => rest = &after[run + end + run..],
                    None => {
                        rest = &after[run..];
                    }
                }
            }
            out.push_str(rest);
            out.push('\n');
        }
        out
    }

    #[test]
    fn sections_in_order() {
        let (snap, scan) = fixture::sample();
        let r = Report::new(&snap, &scan, fixture::NOW);
        let out = render(&r);
        let pos = |s: &str| out.find(s).unwrap_or_else(|| panic!("missing {s}"));
        assert!(pos("# Docket scan report") < pos("## Summary"));
        assert!(pos("## Summary") < pos("### Framework posture"));
        assert!(pos("### Framework posture") < pos("### Critical (3)"));
        assert!(pos("### Critical (3)") < pos("### High (1)"));
        assert!(pos("### High (1)") < pos("## Not evaluated"));
        assert!(pos("## Not evaluated") < pos("## Coverage gaps"));
        assert!(pos("## Coverage gaps") < pos("## Manual checks"));
        assert!(out.contains("| `KR-901` |"));
        assert!(out.contains(
            "| Kubernetes workloads (pods and controllers) | kube-system | 403 Forbidden |"
        ));
        assert!(out.contains("PCI DSS v4.0: "));
    }

    #[test]
    fn data_is_escaped_outside_code_spans() {
        let (snap, scan) = fixture::sample();
        let r = Report::new(&snap, &scan, fixture::NOW);
        let out = render(&r);
        let plain = outside_code(&out);
        assert!(!plain.contains("<script"), "raw HTML outside code spans");
        assert!(!plain.contains("<b>"), "raw HTML outside code spans");
        assert!(out.contains("Container &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
        assert!(out.contains("Runs privileged: \\`--privileged\\` \\| &quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt;"));
        // Every table row keeps its column count despite `|` in the data.
        for line in out.lines().filter(|l| l.starts_with("| `DC-001`")) {
            let cells = line.replace("\\|", "").matches('|').count();
            assert_eq!(cells, 6, "broken row: {line}");
        }
    }

    #[test]
    fn code_spans_survive_backticks_and_pipes() {
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x`"), "`` `x` ``");
        assert_eq!(code("a|b"), "`a\\|b`");
        assert_eq!(code(""), "(empty)");
        assert_eq!(text("a_b*c\nd"), "a\\_b\\*c d");
    }
}
