//! The DPIA register as CSV: one row per processing system, multi-valued cells one item
//! per line (spreadsheets show them wrapped). RFC 4180 quoting and the formula guard of
//! [`super::csv::field`].

use super::csv::field;
use crate::dpia::measures::Measure;
use crate::dpia::{Register, RegisterRow};

pub const HEADER: [&str; 16] = [
    "system",
    "scope",
    "grouped_by",
    "data_stores",
    "data_categories",
    "storage",
    "reachability",
    "external_exposure",
    "measures_failing",
    "measures_in_place",
    "residual_risks",
    "owners",
    "purposes",
    "retention",
    "unknown",
    "classification_why",
];

pub fn render(register: &Register) -> String {
    let mut out = String::new();
    push_row(&mut out, &HEADER.map(String::from));
    for row in &register.rows {
        push_row(&mut out, &cells(row));
    }
    out
}

fn cells(row: &RegisterRow) -> [String; 16] {
    let lines = |v: Vec<String>| v.join("\n");
    let per_store = |f: &dyn Fn(&crate::dpia::StoreEntry) -> String| {
        lines(
            row.stores
                .iter()
                .map(|e| format!("{}: {}", e.store.name(), f(e)))
                .collect(),
        )
    };
    [
        row.system.clone(),
        row.scope.clone(),
        row.grouped_by.clone(),
        lines(row.stores.iter().map(|e| e.store.name()).collect()),
        if row.categories.is_empty() {
            "unknown".to_string()
        } else {
            row.categories.join("\n")
        },
        lines(row.storage_lines()),
        per_store(&|e| e.inside()),
        per_store(&|e| {
            let paths: Vec<String> = e
                .reach
                .paths
                .iter()
                .filter(|p| p.is_external())
                .map(|p| match &p.blocked_by {
                    Some(b) => format!("{} (blocked by {b})", p.brief()),
                    None => p.brief(),
                })
                .collect();
            if paths.is_empty() {
                e.reach.exposure.label().to_string()
            } else {
                format!("{} via {}", e.reach.exposure.label(), paths.join(" | "))
            }
        }),
        lines(row.measures_failing.iter().map(failing).collect()),
        lines(
            row.measures_in_place
                .iter()
                .map(|m| format!("{} passed: {}", m.check_id, m.title))
                .collect(),
        ),
        lines(row.residual_risks.clone()),
        lines(row.owners.clone()),
        lines(row.purposes.clone()),
        lines(row.retention.clone()),
        lines(row.unknown.clone()),
        per_store(&|e| e.store.why.join("; ")),
    ]
}

/// `KW-010 high: Root filesystem writable [Art. 32(1)(b)] on StatefulSet data/postgres [postgres]`
pub fn failing(m: &Measure) -> String {
    let sev = m.severity.map(|s| s.as_str()).unwrap_or("unknown");
    format!(
        "{} {sev}: {} [{}] on {}",
        m.check_id,
        m.title,
        m.controls.join(", "),
        m.resources.join(", ")
    )
}

fn push_row(out: &mut String, cells: &[String]) {
    let line: Vec<String> = cells.iter().map(|c| field(c)).collect();
    out.push_str(&line.join(","));
    out.push_str("\r\n");
}
