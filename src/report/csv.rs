//! CSV (RFC 4180: CRLF line ends, fields quoted when they hold a comma, quote or line
//! break, quotes doubled). One row per finding. CSV has no trailing section, so what was not
//! evaluated comes as extra rows, told apart by the `severity` column:
//!
//! - `not_evaluated`: a selected check that could not run (`message` = reasons);
//! - `partial`: a check that ran on incomplete data (`message` = reasons);
//! - `coverage_gap`: data that could not be read (`title` = data kind, `namespace` = scope);
//! - `manual`: a benchmark item needing host access (`check_id` = reference,
//!   `message` = evidence to collect).
//!
//! Findings hidden by a suppression rule come after the active findings, one row each
//! with their real severity and the last three columns filled: `suppressed_by` (the rule
//! id), `suppression_reason` and `suppression_expires` (RFC 3339 or `never`). Those columns
//! are empty on every other row, so "active findings" is `suppressed_by` empty.
//!
//! Cells that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or
//! carriage return) get a leading `'`.

use super::{control_labels, evidence_line, outcome_reasons, Report};
use crate::checks::Outcome;
use crate::findings::Platform;

pub const HEADER: [&str; 17] = [
    "severity",
    "check_id",
    "title",
    "platform",
    "kind",
    "namespace",
    "name",
    "container",
    "host",
    "message",
    "evidence",
    "fingerprint",
    "refs",
    "controls",
    "suppressed_by",
    "suppression_reason",
    "suppression_expires",
];

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    push_row(&mut out, &HEADER);
    let active = report.findings.iter().map(|rf| (rf, None));
    let suppressed = report
        .suppressed()
        .iter()
        .map(|s| (&s.finding, Some(s.rule)));
    for (rf, rule) in active.chain(suppressed) {
        let f = rf.finding;
        let r = &f.resource;
        let platform = match r.platform {
            Platform::Docker => "docker",
            Platform::Kubernetes => "kubernetes",
        };
        let refs = rf.refs().join("; ");
        let controls = control_labels(rf.controls()).join("; ");
        let evidence = evidence_line(f);
        let expires = rule
            .map(super::suppressed::expires_text)
            .unwrap_or_default();
        push_row(
            &mut out,
            &[
                f.severity.as_str(),
                &f.check_id,
                &f.title,
                platform,
                &r.kind,
                r.namespace.as_deref().unwrap_or(""),
                &r.name,
                r.container.as_deref().unwrap_or(""),
                r.host.as_deref().unwrap_or(""),
                &f.message,
                &evidence,
                &f.fingerprint,
                &refs,
                &controls,
                rule.map_or("", |r| r.id.as_str()),
                rule.map_or("", |r| r.reason.as_str()),
                &expires,
            ],
        );
    }
    for row in &report.checks {
        let severity = match row.outcome {
            Outcome::NotEvaluated(_) => "not_evaluated",
            Outcome::Partial(_) => "partial",
            _ => continue,
        };
        let reasons = outcome_reasons(row.outcome).join("; ");
        let refs = row.check.map(|c| c.refs.join("; ")).unwrap_or_default();
        let controls = row
            .check
            .map(|c| control_labels(c.controls).join("; "))
            .unwrap_or_default();
        push_row(
            &mut out,
            &[
                severity,
                row.id,
                row.title(),
                "",
                "",
                "",
                "",
                "",
                "",
                &reasons,
                "",
                "",
                &refs,
                &controls,
            ],
        );
    }
    for g in &report.coverage_gaps {
        push_row(
            &mut out,
            &[
                "coverage_gap",
                "",
                g.kind.label(),
                if g.kind.is_docker() {
                    "docker"
                } else {
                    "kubernetes"
                },
                "",
                &g.scope,
                "",
                "",
                "",
                &g.reason,
                "",
                "",
                "",
                "",
            ],
        );
    }
    for m in report.manual {
        push_row(
            &mut out,
            &[
                "manual",
                m.reference,
                m.title,
                "",
                "",
                "",
                "",
                "",
                "",
                m.evidence,
                "",
                "",
                "",
                "",
            ],
        );
    }
    out
}

/// One row; cells missing at the end (the suppression columns) are written empty.
fn push_row(out: &mut String, cells: &[&str]) {
    for i in 0..cells.len().max(HEADER.len()) {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&field(cells.get(i).copied().unwrap_or("")));
    }
    out.push_str("\r\n");
}

/// One field: formula-guarded, then quoted if needed.
pub fn field(s: &str) -> String {
    let guarded = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

#[cfg(test)]
mod tests {
    use super::super::{fixture, Report};
    use super::*;

    /// A minimal RFC 4180 reader, to check the output parses back.
    fn parse(s: &str) -> Vec<Vec<String>> {
        let mut rows = Vec::new();
        let mut row = Vec::new();
        let mut cell = String::new();
        let mut quoted = false;
        let mut chars = s.chars().peekable();
        while let Some(c) = chars.next() {
            match (quoted, c) {
                (true, '"') if chars.peek() == Some(&'"') => {
                    chars.next();
                    cell.push('"');
                }
                (true, '"') => quoted = false,
                (true, c) => cell.push(c),
                (false, '"') => quoted = true,
                (false, ',') => row.push(std::mem::take(&mut cell)),
                (false, '\r') => {}
                (false, '\n') => {
                    row.push(std::mem::take(&mut cell));
                    rows.push(std::mem::take(&mut row));
                }
                (false, c) => cell.push(c),
            }
        }
        rows
    }

    #[test]
    fn header_rows_and_not_evaluated_rows() {
        let (snap, scan) = fixture::sample();
        let r = Report::new(&snap, &scan, fixture::NOW);
        let out = render(&r);
        let rows = parse(&out);
        assert_eq!(rows[0], HEADER.map(String::from).to_vec());
        assert!(rows.iter().all(|r| r.len() == HEADER.len()), "ragged rows");
        assert!(out.ends_with("\r\n"));
        let ne = rows
            .iter()
            .find(|r| r[0] == "not_evaluated")
            .expect("not evaluated row");
        assert_eq!(ne[1], fixture::NOT_EVALUATED_ID);
        assert!(ne[9].contains("403 Forbidden"));
        assert!(rows
            .iter()
            .any(|r| r[0] == "partial" && r[1] == fixture::PARTIAL_ID));
        assert!(rows
            .iter()
            .any(|r| r[0] == "coverage_gap" && r[5] == "kube-system"));
        assert_eq!(
            rows.iter().filter(|r| r[0] == "manual").count(),
            r.manual.len()
        );
        assert_eq!(
            rows.iter().filter(|r| r[0] == "critical").count(),
            3,
            "one row per critical finding"
        );
    }

    #[test]
    fn quoting_and_formula_injection() {
        let (snap, scan) = fixture::sample();
        let r = Report::new(&snap, &scan, fixture::NOW);
        let rows = parse(&render(&r));
        // The container named like a formula is neutralised, and round-trips otherwise.
        assert!(rows
            .iter()
            .any(|r| r[6] == format!("'{}", fixture::FORMULA)));
        assert!(rows
            .iter()
            .any(|r| r[9] == "'+SUM(1,2) starts like a formula"));
        assert!(
            rows.iter().any(|r| r[6] == fixture::XSS),
            "quotes round-trip"
        );
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("line\nbreak"), "\"line\nbreak\"");
        assert_eq!(field("=1+1"), "'=1+1");
        assert_eq!(field("-2"), "'-2");
        assert_eq!(field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(field("\tx"), "'\tx");
        assert_eq!(field("\rx"), "\"'\rx\"");
        assert_eq!(field("plain"), "plain");
        for row in &rows {
            for cell in row {
                assert!(
                    !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "formula cell {cell:?}"
                );
            }
        }
    }
}
