//! The session export as one self-contained HTML file: inline CSS, no script, no external
//! URL, print-friendly. Everything from data goes through the scan report's
//! [`escape_html`]; notes keep their line breaks as `<br>`.

use std::fmt::Write as _;

use super::model::{action_key, Group, Row, SessionModel};
use crate::report::html::escape_html as esc;
use crate::report::CheckRow;

const CSS: &str = "
body { font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif; color: #1b1f24; margin: 2rem auto; max-width: 80rem; padding: 0 1rem; }
h2 { border-bottom: 1px solid #d0d7de; padding-bottom: .2rem; margin-top: 2rem; }
.muted { color: #57606a; }
.verify, .caveat { border-left: 4px solid #bf8700; background: #fff8c5; padding: .5rem .8rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { border: 1px solid #d0d7de; padding: .3rem .5rem; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: #f6f8fa; }
td.num { text-align: right; width: 6rem; }
code { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #f6f8fa; padding: 0 .2rem; }
@media print { body { margin: 0; max-width: none; } tr { break-inside: avoid; } }
";

pub fn render(m: &SessionModel) -> String {
    let mut o = String::new();
    let input = m.input;
    let title = format!("{} session export", m.report.tool_name);
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<h1>{}</h1>\n",
        esc(&title),
        esc(&title)
    );
    let _ = writeln!(
        o,
        "<p class=\"muted\">Generated {} by {} {}.</p>",
        esc(input.generated_at),
        esc(m.report.tool_name),
        esc(m.report.tool_version)
    );
    let _ = writeln!(
        o,
        "<p class=\"verify\"><strong>Check this export against its session log:</strong> <code>{}</code> must print <code>ok</code>. It fails if a line of the log was changed, or if lines written up to this export were removed.</p>",
        esc(&m.verify_command())
    );

    o.push_str("<h2>Summary</h2>\n<table>\n");
    let field = |o: &mut String, name: &str, value: &str| {
        let _ = writeln!(o, "<tr><th>{}</th><td>{value}</td></tr>", esc(name));
    };
    match &m.start {
        Some(s) => {
            field(&mut o, "Operator", &esc(s.operator));
            field(&mut o, "Host", &esc(s.host));
            field(&mut o, "Docket version", &esc(s.docket_version));
            field(&mut o, "Sources", &list(s.sources));
            field(&mut o, "Contexts", &list(s.contexts));
            let mode = if s.read_only {
                " (read-only)"
            } else {
                " (changes allowed)"
            };
            field(&mut o, "Session started", &format!("{}{mode}", esc(s.at)));
        }
        None => field(&mut o, "Operator", "(the log has no session start)"),
    }
    field(&mut o, "Last scan", &or_none(m.scanned_at));
    field(
        &mut o,
        "Session log",
        &format!("<code>{}</code>", esc(input.log_path)),
    );
    field(
        &mut o,
        "Log head hash",
        &format!("<code>{}</code>", esc(input.head_hash)),
    );
    field(
        &mut o,
        "Log entries",
        &format!("{}: {}", m.activity.entries, esc(&m.activity.line())),
    );
    o.push_str("</table>\n");
    let _ = writeln!(o, "<p>{}</p>", esc(&m.findings_line()));
    o.push_str("<table>\n<tr><th>Severity</th><th class=\"num\">Findings</th></tr>\n");
    for (s, n) in &m.report.totals.by_severity {
        let _ = writeln!(o, "<tr><td>{s}</td><td class=\"num\">{n}</td></tr>");
    }
    o.push_str(
        "</table>\n<table>\n<tr><th>Triage state</th><th class=\"num\">Findings</th></tr>\n",
    );
    for g in Group::ALL {
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td class=\"num\">{}</td></tr>",
            g.label(),
            m.group_len(g)
        );
    }
    let counts: Vec<String> = m
        .remediation_counts()
        .iter()
        .map(|(a, n)| format!("{} {n}", action_key(*a)))
        .collect();
    let _ = writeln!(
        o,
        "</table>\n<p>Remediation events: {}.</p>\n<p class=\"caveat\">{}</p>",
        counts.join(", "),
        esc(&m.report.caveat())
    );

    o.push_str("<h2>Findings by state</h2>\n");
    for g in Group::ALL {
        let _ = writeln!(
            o,
            "<h3>{} ({})</h3>",
            capitalized(g.label()),
            m.group_len(g)
        );
        if m.group_len(g) == 0 {
            o.push_str("<p>None.</p>\n");
            continue;
        }
        o.push_str("<table>\n<tr><th>Severity</th><th>Check</th><th>Resource</th><th>Owner</th><th>Detail</th><th>Notes</th><th>Fingerprint</th></tr>\n");
        for row in m.group(g) {
            finding_row(&mut o, row);
        }
        o.push_str("</table>\n");
    }

    o.push_str("<h2>Suppression rules</h2>\n");
    if m.rules.is_empty() {
        o.push_str("<p>None.</p>\n");
    } else {
        o.push_str("<table>\n<tr><th>Rule</th><th>Status</th><th class=\"num\">Matches</th><th class=\"num\">Hides</th><th>Checks</th><th>Scope</th><th>Reason</th><th>Author</th><th>Created</th><th>Expires</th></tr>\n");
        for r in &m.rules {
            let expires = r.expires();
            let _ = writeln!(
                o,
                "<tr><td><code>{}</code></td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&r.rule.id),
                r.status.label(),
                r.matches,
                r.hides,
                esc(&r.rule.checks.join(", ")),
                esc(&r.scope()),
                lines(&r.rule.reason),
                or_none(r.author()),
                or_none(&r.created()),
                if expires.is_empty() { "never".to_string() } else { esc(&expires) },
            );
        }
        o.push_str("</table>\n");
    }

    o.push_str("<h2>Remediations</h2>\n");
    if m.remediations.is_empty() {
        o.push_str("<p>None recorded in the session log.</p>\n");
    } else {
        o.push_str("<table>\n<tr><th>At</th><th>Action</th><th>Check</th><th>Target</th><th>Dry run</th><th>Detail</th><th>Plan digest</th><th>Fingerprint</th></tr>\n");
        for r in &m.remediations {
            let check = r
                .check
                .map(|(id, title)| format!("<code>{}</code> {}", esc(id), esc(title)))
                .unwrap_or_else(|| "(not in this scan)".to_string());
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td>{}</td><td>{check}</td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td><td><code>{}</code></td></tr>",
                esc(r.at),
                action_key(r.action),
                esc(r.target),
                if r.dry_run { "yes" } else { "no" },
                or_none(r.detail),
                esc(r.plan_digest),
                esc(r.fingerprint),
            );
        }
        o.push_str("</table>\n");
    }

    o.push_str("<h2>Framework posture</h2>\n<ul>\n");
    for line in &m.posture {
        let _ = writeln!(o, "<li>{}</li>", esc(line));
    }
    o.push_str("</ul>\n<p>Suppressed findings count as accepted, not passed. Per-control detail: <code>docket report --framework NAME</code>.</p>\n");
    o.push_str("<h2>Not evaluated</h2>\n<p>These checks were selected but could not run: they did <strong>not</strong> pass.</p>\n");
    let ne: Vec<_> = m.report.not_evaluated().collect();
    if ne.is_empty() {
        o.push_str("<p>None.</p>\n");
    } else {
        check_table(&mut o, &ne);
    }
    let partial: Vec<_> = m.report.partial().collect();
    if !partial.is_empty() {
        o.push_str("<h3>Partially evaluated</h3>\n<p>Ran on incomplete data; findings may be missing.</p>\n");
        check_table(&mut o, &partial);
    }

    o.push_str("<h2>Coverage gaps</h2>\n");
    if m.report.coverage_gaps.is_empty() {
        o.push_str("<p>None: every kind of data the sources offer was read.</p>\n");
    } else {
        o.push_str("<table>\n<tr><th>Data</th><th>Scope</th><th>Reason</th></tr>\n");
        for g in &m.report.coverage_gaps {
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(g.kind.label()),
                esc(&g.scope),
                esc(&g.reason)
            );
        }
        o.push_str("</table>\n");
    }
    o.push_str("</body>\n</html>\n");
    o
}

fn finding_row(o: &mut String, row: &Row) {
    let notes: Vec<String> = row
        .notes()
        .iter()
        .map(|n| format!("{} {}: {}", esc(&n.at), esc(&n.author), lines(&n.text)))
        .collect();
    let _ = writeln!(
        o,
        "<tr><td>{}</td><td><code>{}</code> {}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>",
        row.severity,
        esc(row.check_id),
        esc(row.title),
        esc(&row.resource.display()),
        esc(row.owner()),
        lines(&row.detail()),
        notes.join("<br>"),
        esc(row.fingerprint),
    );
}

fn check_table(o: &mut String, rows: &[&CheckRow]) {
    o.push_str("<table>\n<tr><th>Check</th><th>Title</th><th>Reasons</th></tr>\n");
    for c in rows {
        let reasons: Vec<String> = c.reasons().iter().map(|r| esc(r)).collect();
        let _ = writeln!(
            o,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
            esc(c.id),
            esc(c.title()),
            reasons.join("<br>")
        );
    }
    o.push_str("</table>\n");
}

/// Escaped, with each line break as `<br>` (operator text is multi-line).
fn lines(s: &str) -> String {
    s.lines().map(esc).collect::<Vec<_>>().join("<br>")
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "(none)".to_string()
    } else {
        esc(&items.join(", "))
    }
}

fn or_none(s: &str) -> String {
    if s.is_empty() {
        "(none)".to_string()
    } else {
        esc(s)
    }
}

fn capitalized(s: &str) -> String {
    let mut cs = s.chars();
    match cs.next() {
        Some(c) => c.to_uppercase().collect::<String>() + cs.as_str(),
        None => String::new(),
    }
}
