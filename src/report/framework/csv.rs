//! A framework report as CSV (RFC 4180, CRLF, formula-guarded cells via the scan report's
//! [`field`]). The `record` column tells the rows apart:
//!
//! - `control`: one row per control of the mapping (exactly once), with `status` and
//!   `detail` (the findings count, the acceptance, the reasons, or the evidence to collect);
//! - `finding`: an active finding of a failed control (check, severity, resource, message);
//! - `accepted`: a suppressed finding of an accepted control, with `rule`, `reason`,
//!   `expires`;
//! - `score`: one row per framework, `detail` = the score line and its definition.
//!
//! Several frameworks share one header; the `framework` column says which.

use super::{FrameworkReport, SCORE_DEFINITION};
use crate::report::csv::field;
use crate::report::suppressed::expires_text;

pub const HEADER: [&str; 13] = [
    "framework",
    "record",
    "control",
    "title",
    "status",
    "detail",
    "check_id",
    "severity",
    "resource",
    "message",
    "rule",
    "reason",
    "expires",
];

pub fn render(reports: &[FrameworkReport]) -> String {
    let mut out = String::new();
    row(&mut out, &HEADER);
    for r in reports {
        let fw = r.framework.slug();
        let score = format!("{}. {SCORE_DEFINITION}", r.score.line());
        row(
            &mut out,
            &[fw, "score", "", "", "", &score, "", "", "", "", "", "", ""],
        );
        for c in &r.controls {
            let detail = c.detail();
            row(
                &mut out,
                &[
                    fw,
                    "control",
                    c.control.id,
                    c.control.title,
                    c.status.key(),
                    &detail,
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                ],
            );
            for f in &c.findings {
                let f = f.finding;
                let resource = f.resource.display();
                row(
                    &mut out,
                    &[
                        fw,
                        "finding",
                        c.control.id,
                        c.control.title,
                        c.status.key(),
                        "",
                        &f.check_id,
                        f.severity.as_str(),
                        &resource,
                        &f.message,
                        "",
                        "",
                        "",
                    ],
                );
            }
            for s in &c.accepted {
                let f = s.finding.finding;
                let resource = f.resource.display();
                let expires = expires_text(s.rule);
                row(
                    &mut out,
                    &[
                        fw,
                        "accepted",
                        c.control.id,
                        c.control.title,
                        c.status.key(),
                        "",
                        &f.check_id,
                        f.severity.as_str(),
                        &resource,
                        &f.message,
                        &s.rule.id,
                        &s.rule.reason,
                        &expires,
                    ],
                );
            }
        }
    }
    out
}

fn row(out: &mut String, cells: &[&str]) {
    let fields: Vec<String> = cells.iter().map(|c| field(c)).collect();
    out.push_str(&fields.join(","));
    out.push_str("\r\n");
}
