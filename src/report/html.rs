//! One self-contained HTML file: inline CSS, no script, no external URL. Summary first
//! (severity bars, families, frameworks), then a table per severity, then a section per
//! failing check (rationale, remediation, refs, controls), the suppressed findings by rule
//! (when rules were applied), then not evaluated, coverage gaps
//! and manual checks. Everything that comes from data goes through [`escape_html`].
//! Print-friendly: `<details open>` and a print stylesheet.

use std::fmt::Write as _;

use super::{control_labels, plural, source_kind, Report};
use crate::checks::Severity;

const CSS: &str = "
:root { --fg:#1b1f24; --muted:#57606a; --line:#d0d7de; --bg:#ffffff; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif; color: var(--fg); background: var(--bg); margin: 2rem auto; max-width: 72rem; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { border-bottom: 1px solid var(--line); padding-bottom: .2rem; margin-top: 2rem; }
.muted { color: var(--muted); }
.caveat { border-left: 4px solid #bf8700; background: #fff8c5; padding: .5rem .8rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { border: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: #f6f8fa; }
td.num { text-align: right; width: 6rem; }
code { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #f6f8fa; padding: 0 .2rem; }
code.fp { white-space: nowrap; }
.bar { height: .8rem; background: #eaeef2; min-width: 10rem; }
.bar > span { display: block; height: 100%; }
.sev-critical { background: #8b0000; } .sev-high { background: #cf222e; } .sev-medium { background: #bf8700; }
.sev-low { background: #0969da; } .sev-info { background: #6e7781; }
.badge { color: #fff; padding: 0 .4rem; border-radius: .3rem; font-size: 12px; }
details { border: 1px solid var(--line); padding: .4rem .8rem; margin: .4rem 0; }
summary { cursor: pointer; font-weight: 600; }
@media print { body { margin: 0; max-width: none; } details { break-inside: avoid; } .bar > span { print-color-adjust: exact; -webkit-print-color-adjust: exact; } }
";

pub fn render(report: &Report) -> String {
    let mut o = String::new();
    let t = &report.totals;
    let title = format!("{} scan report", report.tool_name);
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        escape_html(&title)
    );
    let _ = writeln!(o, "<h1>{}</h1>", escape_html(&title));
    let _ = writeln!(
        o,
        "<p class=\"muted\">Generated {} by {} {}.</p>",
        escape_html(&report.generated_at),
        escape_html(report.tool_name),
        escape_html(report.tool_version)
    );
    let _ = writeln!(
        o,
        "<p class=\"caveat\">{}</p>",
        escape_html(&report.caveat())
    );
    if !report.sources.is_empty() {
        o.push_str("<p>Sources:</p>\n<ul>\n");
        for s in report.sources {
            let _ = writeln!(
                o,
                "<li>{} <code>{}</code> {}</li>",
                source_kind(&s.kind),
                escape_html(&s.location),
                escape_html(&s.detail)
            );
        }
        o.push_str("</ul>\n");
    }

    // Summary.
    o.push_str("<h2>Summary</h2>\n");
    let _ = writeln!(o, "<p>{}</p>", escape_html(&report.summary_line()));
    o.push_str(
        "<table>\n<tr><th>Severity</th><th class=\"num\">Findings</th><th>Share</th></tr>\n",
    );
    let max = t
        .by_severity
        .iter()
        .map(|(_, n)| *n)
        .max()
        .unwrap_or(0)
        .max(1);
    for (s, n) in &t.by_severity {
        let pct = n * 100 / max;
        let _ = writeln!(
            o,
            "<tr><td>{s}</td><td class=\"num\">{n}</td><td><div class=\"bar\"><span class=\"sev-{s}\" style=\"width:{pct}%\"></span></div></td></tr>"
        );
    }
    let _ = writeln!(
        o,
        "<tr><th>total</th><th class=\"num\">{}</th><th></th></tr>\n</table>",
        t.findings
    );
    o.push_str("<table>\n<tr><th>Family</th><th class=\"num\">Findings</th></tr>\n");
    for (f, n) in &t.by_family {
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td class=\"num\">{n}</td></tr>",
            escape_html(f.label())
        );
    }
    if t.unknown_family > 0 {
        let _ = writeln!(
            o,
            "<tr><td>(checks not in this catalog)</td><td class=\"num\">{}</td></tr>",
            t.unknown_family
        );
    }
    o.push_str("</table>\n");
    let c = &t.checks;
    let _ = writeln!(
        o,
        "<table>\n<tr><th>Check outcome</th><th class=\"num\">Checks</th></tr>\n<tr><td>evaluated</td><td class=\"num\">{}</td></tr>\n<tr><td>partial (findings may be missing)</td><td class=\"num\">{}</td></tr>\n<tr><td><strong>not evaluated</strong></td><td class=\"num\"><strong>{}</strong></td></tr>\n<tr><td>not applicable</td><td class=\"num\">{}</td></tr>\n<tr><td>disabled</td><td class=\"num\">{}</td></tr>\n</table>",
        c.evaluated, c.partial, c.not_evaluated, c.not_applicable, c.disabled
    );
    o.push_str("<table>\n<tr><th>Framework</th><th class=\"num\">Findings</th><th class=\"num\">Controls failed</th><th class=\"num\">Accepted</th><th class=\"num\">Not evaluated</th><th class=\"num\">Passed</th><th class=\"num\">Manual</th><th class=\"num\">Controls</th></tr>\n");
    for p in &t.by_framework {
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape_html(p.framework.name()),
            p.findings,
            p.failed,
            p.accepted,
            p.not_evaluated,
            p.passed,
            p.manual,
            p.controls
        );
    }
    o.push_str("</table>\n");

    // Findings per severity.
    o.push_str("<h2>Findings</h2>\n");
    if report.findings.is_empty() {
        o.push_str("<p>No findings in the checks that ran.</p>\n");
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
        let _ = writeln!(
            o,
            "<h3><span class=\"badge sev-{sev}\">{sev}</span> {} finding{}</h3>",
            items.len(),
            plural(items.len())
        );
        o.push_str("<table>\n<tr><th>Check</th><th>Resource</th><th>Message</th><th>Evidence</th><th>Fingerprint</th></tr>\n");
        for rf in items {
            let f = rf.finding;
            let evidence: Vec<String> = f
                .evidence
                .iter()
                .map(|e| {
                    format!(
                        "<code>{}</code> = <code>{}</code>",
                        escape_html(&e.path),
                        escape_html(&e.observed)
                    )
                })
                .collect();
            let _ = writeln!(
                o,
                "<tr><td><code>{}</code> {}</td><td>{}</td><td>{}</td><td>{}</td><td><code class=\"fp\">{}</code></td></tr>",
                escape_html(&f.check_id),
                escape_html(&f.title),
                escape_html(&f.resource.display()),
                escape_html(&f.message),
                evidence.join("<br>"),
                escape_html(&f.fingerprint)
            );
        }
        o.push_str("</table>\n");
    }

    // Details per failing check.
    let failing: Vec<_> = report.checks.iter().filter(|c| c.findings > 0).collect();
    if !failing.is_empty() {
        o.push_str("<h2>Failing checks</h2>\n");
    }
    for row in failing {
        let _ = writeln!(
            o,
            "<details open>\n<summary><span class=\"badge sev-{}\">{}</span> <code>{}</code> {} ({} finding{})</summary>",
            row.severity(),
            row.severity(),
            escape_html(row.id),
            escape_html(row.title()),
            row.findings,
            plural(row.findings)
        );
        match row.check {
            Some(c) => {
                let _ = writeln!(
                    o,
                    "<p><strong>Why:</strong> {}</p>\n<p><strong>Remediation:</strong> {}</p>\n<p><strong>References:</strong> {}</p>\n<p><strong>Controls:</strong> {}</p>",
                    escape_html(c.rationale),
                    escape_html(c.remediation),
                    escape_html(&c.refs.join(", ")),
                    escape_html(&control_labels(c.controls).join(", "))
                );
            }
            None => o.push_str(
                "<p>This check is not in this version's catalog: no rationale or remediation available.</p>\n",
            ),
        }
        o.push_str("<ul>\n");
        for rf in report.findings_of(row.id) {
            let _ = writeln!(
                o,
                "<li>{}: {}</li>",
                escape_html(&rf.finding.resource.display()),
                escape_html(&rf.finding.message)
            );
        }
        o.push_str("</ul>\n</details>\n");
    }

    suppressed(&mut o, report);

    // Not evaluated.
    o.push_str("<h2>Not evaluated</h2>\n<p>These checks were selected but could not run: they did <strong>not</strong> pass.</p>\n");
    let ne: Vec<_> = report.not_evaluated().collect();
    if ne.is_empty() {
        o.push_str("<p>None.</p>\n");
    } else {
        check_table(&mut o, &ne);
    }
    let partial: Vec<_> = report.partial().collect();
    if !partial.is_empty() {
        o.push_str("<h3>Partially evaluated</h3>\n<p>Ran on incomplete data; findings may be missing.</p>\n");
        check_table(&mut o, &partial);
    }
    let na = report.totals.checks.not_applicable;
    if na > 0 {
        let _ = writeln!(
            o,
            "<p>{na} check{} not applicable (no source of that platform in this scan).</p>",
            plural(na)
        );
    }
    if report.totals.checks.disabled > 0 {
        let _ = writeln!(
            o,
            "<p>{} check{} disabled by selection.</p>",
            report.totals.checks.disabled,
            plural(report.totals.checks.disabled)
        );
    }

    o.push_str("<h2>Coverage gaps</h2>\n");
    if report.coverage_gaps.is_empty() {
        o.push_str("<p>None: every kind of data the sources offer was read.</p>\n");
    } else {
        o.push_str("<table>\n<tr><th>Data</th><th>Scope</th><th>Reason</th></tr>\n");
        for g in &report.coverage_gaps {
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape_html(g.kind.label()),
                escape_html(&g.scope),
                escape_html(&g.reason)
            );
        }
        o.push_str("</table>\n");
    }

    o.push_str("<h2>Manual checks</h2>\n");
    let _ = writeln!(
        o,
        "<p>{} benchmark item{} need host access and are never reported as passed. Evidence to collect:</p>",
        report.manual.len(),
        plural(report.manual.len())
    );
    o.push_str("<table>\n<tr><th>Reference</th><th>Item</th><th>Evidence</th></tr>\n");
    for m in report.manual {
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape_html(m.reference),
            escape_html(m.title),
            escape_html(m.evidence)
        );
    }
    o.push_str("</table>\n</body>\n</html>\n");
    o
}

/// Counts per rule, then each suppressed finding with its rule.
fn suppressed(o: &mut String, report: &Report) {
    let Some(s) = &report.suppressions else {
        return;
    };
    let _ = writeln!(
        o,
        "<h2>Suppressed</h2>\n<p>{} (not counted above).</p>",
        escape_html(&s.line())
    );
    o.push_str("<table>\n<tr><th>Rule</th><th>Status</th><th class=\"num\">Suppressed</th><th class=\"num\">Matched</th><th>Expires</th><th>Author</th><th>Reason</th></tr>\n");
    for u in &s.rules {
        let _ = writeln!(
            o,
            "<tr><td><code>{}</code></td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape_html(&u.rule.id),
            u.status.label(),
            u.suppressed,
            u.matched,
            escape_html(&super::suppressed::expires_text(u.rule)),
            escape_html(u.rule.author.as_deref().unwrap_or("")),
            escape_html(&u.rule.reason)
        );
    }
    o.push_str("</table>\n");
    if s.findings.is_empty() {
        return;
    }
    o.push_str("<table>\n<tr><th>Check</th><th>Severity</th><th>Resource</th><th>Rule</th><th>Fingerprint</th></tr>\n");
    for sf in &s.findings {
        let f = sf.finding.finding;
        let _ = writeln!(
            o,
            "<tr><td><code>{}</code> {}</td><td><span class=\"badge sev-{sev}\">{sev}</span></td><td>{}</td><td><code>{}</code></td><td><code class=\"fp\">{}</code></td></tr>",
            escape_html(&f.check_id),
            escape_html(&f.title),
            escape_html(&f.resource.display()),
            escape_html(&sf.rule.id),
            escape_html(&f.fingerprint),
            sev = f.severity
        );
    }
    o.push_str("</table>\n");
}

fn reasons(rs: &[String]) -> String {
    rs.iter()
        .map(|r| escape_html(r))
        .collect::<Vec<_>>()
        .join("<br>")
}

/// Escape text for HTML element content and quoted attribute values. Control characters
/// (other than tab and line breaks) become U+FFFD.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// A table of checks with the reasons they did not (fully) run.
fn check_table(o: &mut String, rows: &[&super::CheckRow]) {
    o.push_str("<table>\n<tr><th>Check</th><th>Title</th><th>Reasons</th></tr>\n");
    for c in rows {
        let _ = writeln!(
            o,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
            escape_html(c.id),
            escape_html(c.title()),
            reasons(c.reasons())
        );
    }
    o.push_str("</table>\n");
}

#[cfg(test)]
mod tests {
    use super::super::{fixture, Report};
    use super::*;

    fn sample() -> String {
        let (snap, scan) = fixture::sample();
        render(&Report::new(&snap, &scan, fixture::NOW))
    }

    #[test]
    fn escapes_everything_from_data() {
        let out = sample();
        assert!(!out.contains("<script"), "script tag leaked");
        assert!(!out.contains("<b>bold"), "HTML from a message leaked");
        assert!(out.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
        assert!(out.contains("=cmd|&#39; /C calc&#39;!A0"));
        assert_eq!(
            escape_html("a&<>\"'\u{1b}"),
            "a&amp;&lt;&gt;&quot;&#39;\u{fffd}"
        );
    }

    #[test]
    fn self_contained_and_summary_first() {
        let out = sample();
        assert!(out.starts_with("<!DOCTYPE html>"));
        for needle in ["href=", "src=", "url(", "@import", "<link", "<script"] {
            assert!(
                !out.contains(needle),
                "external resource or script: {needle}"
            );
        }
        let pos = |s: &str| out.find(s).unwrap_or_else(|| panic!("missing {s}"));
        assert!(pos("<h2>Summary</h2>") < pos("<h2>Findings</h2>"));
        assert!(pos("<h2>Findings</h2>") < pos("<h2>Not evaluated</h2>"));
        assert!(pos("<h2>Not evaluated</h2>") < pos("<h2>Coverage gaps</h2>"));
        assert!(pos("<h2>Coverage gaps</h2>") < pos("<h2>Manual checks</h2>"));
        assert!(out.contains("sev-critical\" style=\"width:100%\""));
        assert!(out.contains("<details open>"));
        // Balanced tables and details.
        assert_eq!(
            out.matches("<table>").count(),
            out.matches("</table>").count()
        );
        assert_eq!(
            out.matches("<details").count(),
            out.matches("</details>").count()
        );
    }
}
