//! The session export as CSV (RFC 4180, quoting and formula guard as the scan report's
//! [`field`]): one row per finding, then one per record confirmed fixed that the scan no
//! longer has. Every row carries the session log's head hash in `log_head`, so a row cut
//! out of the file still names the log state it came from.
//!
//! As in the scan report's CSV, what was not evaluated comes as extra rows after the
//! findings, told apart by the `state` column: `not_evaluated` and `partial` (a check;
//! `check_id`, `title`, reasons in `reason`) and `coverage_gap` (`title` = data kind,
//! `namespace` = scope, `reason` = why).

use super::model::{state_key, Row, SessionModel};
use crate::checks::Outcome;
use crate::report::csv::field;

pub const HEADER: [&str; 23] = [
    "severity",
    "state",
    "check_id",
    "title",
    "platform",
    "kind",
    "namespace",
    "name",
    "container",
    "host",
    "owner",
    "reason",
    "expires",
    "confirmed_at",
    "reopened",
    "suppressed_by",
    "suppression_reason",
    "suppression_expires",
    "notes",
    "message",
    "fingerprint",
    "log_path",
    "log_head",
];

pub fn render(m: &SessionModel) -> String {
    let mut out = String::with_capacity(256 * (m.rows.len() + 1));
    push_row(&mut out, &HEADER);
    let head = m.input.head_hash;
    let path = m.input.log_path;
    for row in &m.rows {
        finding_row(&mut out, row, path, head);
    }
    for c in &m.report.checks {
        let state = match c.outcome {
            Outcome::NotEvaluated(_) => "not_evaluated",
            Outcome::Partial(_) => "partial",
            _ => continue,
        };
        let reasons = c.reasons().join("; ");
        let severity = c.severity();
        let mut cells = [""; 23];
        cells[0] = severity.as_str();
        cells[1] = state;
        cells[2] = c.id;
        cells[3] = c.title();
        cells[11] = &reasons;
        cells[21] = path;
        cells[22] = head;
        push_row(&mut out, &cells);
    }
    for g in &m.report.coverage_gaps {
        let mut cells = [""; 23];
        cells[1] = "coverage_gap";
        cells[3] = g.kind.label();
        cells[4] = if g.kind.is_docker() {
            "docker"
        } else {
            "kubernetes"
        };
        cells[6] = &g.scope;
        cells[11] = &g.reason;
        cells[21] = path;
        cells[22] = head;
        push_row(&mut out, &cells);
    }
    out
}

fn finding_row(out: &mut String, row: &Row, path: &str, head: &str) {
    let r = row.resource;
    let notes: Vec<String> = row
        .notes()
        .iter()
        .map(|n| format!("{} {}: {}", n.at, n.author, n.text))
        .collect();
    let notes = notes.join("\n");
    let (rule, rule_reason, rule_expires) = match &row.suppressed_by {
        Some(s) => (s.id, s.reason(), s.expires()),
        None => ("", "", String::new()),
    };
    let cells: [&str; 23] = [
        row.severity.as_str(),
        state_key(row.state),
        row.check_id,
        row.title,
        row.platform(),
        &r.kind,
        r.namespace.as_deref().unwrap_or(""),
        &r.name,
        r.container.as_deref().unwrap_or(""),
        r.host.as_deref().unwrap_or(""),
        row.owner(),
        row.reason(),
        row.expires(),
        row.confirmed_at(),
        row.reopened().unwrap_or(""),
        rule,
        rule_reason,
        &rule_expires,
        &notes,
        row.finding.map_or("", |f| f.message.as_str()),
        row.fingerprint,
        path,
        head,
    ];
    push_row(out, &cells);
}

fn push_row(out: &mut String, cells: &[&str]) {
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&field(c));
    }
    out.push_str("\r\n");
}
