//! A framework report as one self-contained HTML file (inline CSS, no script): the score
//! and its definition, one `<tr class="control">` per control of the mapping, then a
//! `<details>` per failed, accepted, not evaluated and manual control with its evidence.
//! Several frameworks (`--framework all`) become sections of one document. Everything
//! from data goes through [`escape_html`].

use std::fmt::Write as _;

use super::{ControlEntry, FrameworkReport, SCORE_DEFINITION};
use crate::report::html::escape_html as e;
use crate::report::suppressed::expires_text;
use crate::report::ControlStatus;

const CSS: &str = "
body { font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif; color: #1b1f24; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; }
h2 { border-bottom: 1px solid #d0d7de; padding-bottom: .2rem; margin-top: 2rem; }
.muted { color: #57606a; }
.score { font-size: 1.2rem; font-weight: 600; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { border: 1px solid #d0d7de; padding: .3rem .5rem; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: #f6f8fa; }
td.num { text-align: right; width: 6rem; }
code { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #f6f8fa; padding: 0 .2rem; }
.st { color: #fff; padding: 0 .4rem; border-radius: .3rem; font-size: 12px; white-space: nowrap; }
.st-failed { background: #cf222e; } .st-accepted { background: #8250df; } .st-not_evaluated { background: #bf8700; }
.st-passed { background: #1a7f37; } .st-manual { background: #6e7781; }
details { border: 1px solid #d0d7de; padding: .4rem .8rem; margin: .4rem 0; }
summary { cursor: pointer; font-weight: 600; }
@media print { body { margin: 0; max-width: none; } details { break-inside: avoid; } .st { print-color-adjust: exact; -webkit-print-color-adjust: exact; } }
";

pub fn render(reports: &[FrameworkReport]) -> String {
    let title = match reports {
        [one] => format!("{}: compliance report", one.framework.name()),
        _ => "Compliance reports per framework".to_string(),
    };
    let mut o = String::new();
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<h1>{}</h1>\n",
        e(&title),
        e(&title)
    );
    for r in reports {
        one(&mut o, r, reports.len() > 1);
    }
    o.push_str("</body>\n</html>\n");
    o
}

fn one(o: &mut String, r: &FrameworkReport, many: bool) {
    let _ = writeln!(o, "<section id=\"{}\">", e(r.framework.slug()));
    if many {
        let _ = writeln!(o, "<h2>{}</h2>", e(r.framework.name()));
    }
    let _ = writeln!(
        o,
        "<p class=\"muted\">Generated {} by Docket {}.{}</p>",
        e(&r.generated_at),
        e(r.tool_version),
        if r.sources.is_empty() {
            String::new()
        } else {
            format!(" Sources: {}.", e(&r.sources.join(", ")))
        }
    );
    let rules = match &r.suppressions {
        Some(origin) => format!("Suppression rules applied from <code>{}</code>.", e(origin)),
        None => "No suppression rules applied.".to_string(),
    };
    let _ = writeln!(o, "<p class=\"muted\">{rules}</p>");
    let _ = writeln!(o, "<p class=\"score\">Score: {}</p>", e(&r.score.line()));
    let _ = writeln!(o, "<p>{}</p>", e(SCORE_DEFINITION));
    o.push_str("<table>\n<tr><th>Status</th><th class=\"num\">Controls</th></tr>\n");
    for s in ControlStatus::ALL {
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td class=\"num\">{}</td></tr>",
            badge(s),
            r.score.count(s)
        );
    }
    let _ = writeln!(
        o,
        "<tr><th>total</th><th class=\"num\">{}</th></tr>\n</table>",
        r.score.total()
    );

    o.push_str("<h3>Controls</h3>\n<table>\n<tr><th>Control</th><th>Title</th><th>Status</th><th>Detail</th></tr>\n");
    for c in &r.controls {
        let _ = writeln!(
            o,
            "<tr class=\"control\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            e(c.control.id),
            e(c.control.title),
            badge(c.status),
            e(&c.detail())
        );
    }
    o.push_str("</table>\n");

    for status in [
        ControlStatus::Failed,
        ControlStatus::Accepted,
        ControlStatus::NotEvaluated,
        ControlStatus::Manual,
    ] {
        let items: Vec<&ControlEntry> = r.controls.iter().filter(|c| c.status == status).collect();
        if items.is_empty() {
            continue;
        }
        let _ = writeln!(o, "<h3>{} controls</h3>", e(status.label()));
        for c in items {
            let _ = writeln!(
                o,
                "<details open>\n<summary>{}: {}</summary>",
                e(c.control.id),
                e(c.control.title)
            );
            body(o, c);
            o.push_str("</details>\n");
        }
    }
    if !r.coverage_gaps.is_empty() {
        o.push_str("<h3>Coverage gaps of this scan</h3>\n<ul>\n");
        for g in &r.coverage_gaps {
            let _ = writeln!(o, "<li>{}</li>", e(g));
        }
        o.push_str("</ul>\n");
    }
    o.push_str("</section>\n");
}

fn body(o: &mut String, c: &ControlEntry) {
    match c.status {
        ControlStatus::Failed => {
            o.push_str("<table>\n<tr><th>Severity</th><th>Check</th><th>Resource</th><th>Message</th></tr>\n");
            for f in &c.findings {
                let _ = writeln!(
                    o,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    f.finding.severity,
                    e(&f.finding.check_id),
                    e(&f.finding.resource.display()),
                    e(&f.finding.message)
                );
            }
            o.push_str("</table>\n");
        }
        ControlStatus::Accepted => {
            o.push_str("<table>\n<tr><th>Severity</th><th>Check</th><th>Resource</th><th>Rule</th><th>Reason</th><th>Expires</th></tr>\n");
            for s in &c.accepted {
                let f = s.finding.finding;
                let _ = writeln!(
                    o,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    f.severity,
                    e(&f.check_id),
                    e(&f.resource.display()),
                    e(&s.rule.id),
                    e(&s.rule.reason),
                    e(&expires_text(s.rule))
                );
            }
            o.push_str("</table>\n");
        }
        ControlStatus::NotEvaluated => {
            o.push_str("<ul>\n");
            for why in &c.reasons {
                let _ = writeln!(o, "<li>{}</li>", e(why));
            }
            o.push_str("</ul>\n");
        }
        ControlStatus::Passed | ControlStatus::Manual => {
            let _ = writeln!(o, "<p>{}</p>", e(&c.detail()));
        }
    }
}

fn badge(s: ControlStatus) -> String {
    format!("<span class=\"st st-{}\">{}</span>", s.key(), e(s.label()))
}
