//! One row per catalog check: what it is, whether it ran, what it found.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};

use super::text::{SearchBuilder, SearchText};
use super::{Column, SortKey, TableRow};
use crate::checks::{self, Check, Family, Outcome, ScanResult, Severity};
use crate::tui::query::{Field, Filterable};

/// OUTCOME of a check the scan has no result for (no scan yet).
pub const NOT_RUN: &str = "not run";

#[derive(Debug, Clone)]
pub struct CheckRow {
    pub id: &'static str,
    pub severity: Severity,
    pub family: Family,
    pub title: &'static str,
    /// [`Outcome::label`], or [`NOT_RUN`].
    pub outcome: &'static str,
    pub findings: usize,
    /// False when switched off for the session or deselected for the scan.
    pub enabled: bool,
    findings_text: String,
    search: SearchText,
}

impl CheckRow {
    /// Columns: ID, SEVERITY, FAMILY, TITLE, OUTCOME, FINDINGS, ENABLED.
    pub const COLUMNS: [Column; 7] = [
        Column {
            title: "ID",
            width: 8,
        },
        Column {
            title: "SEVERITY",
            width: 8,
        },
        Column {
            title: "FAMILY",
            width: 24,
        },
        Column {
            title: "TITLE",
            width: 40,
        },
        Column {
            title: "OUTCOME",
            width: 14,
        },
        Column {
            title: "FINDINGS",
            width: 8,
        },
        Column {
            title: "ENABLED",
            width: 7,
        },
    ];
    /// The fields `field:` terms can use on this table (`state:` is the outcome).
    pub const FIELDS: &'static [Field] = &[
        Field::Severity,
        Field::Check,
        Field::Family,
        Field::Title,
        Field::State,
        Field::Source,
    ];

    fn enabled_cell(&self) -> &'static str {
        if self.enabled {
            "yes"
        } else {
            "no"
        }
    }
}

impl Filterable for CheckRow {
    fn field(&self, name: Field) -> Option<&str> {
        self.search.field(name)
    }
    fn text(&self) -> &str {
        self.search.text()
    }
    fn severity(&self) -> Option<Severity> {
        Some(self.severity)
    }
}

impl TableRow for CheckRow {
    fn cells(&self) -> Vec<Cow<'_, str>> {
        vec![
            Cow::Borrowed(self.id),
            Cow::Borrowed(self.severity.as_str()),
            Cow::Borrowed(self.family.label()),
            Cow::Borrowed(self.title),
            Cow::Borrowed(self.outcome),
            Cow::Borrowed(&self.findings_text),
            Cow::Borrowed(self.enabled_cell()),
        ]
    }

    fn sort_key(&self, column: usize) -> SortKey<'_> {
        let field = |f| SortKey::Text(self.search.field(f).unwrap_or(""));
        match column {
            0 => field(Field::Check),
            1 => SortKey::Num(self.severity as i64),
            2 => field(Field::Family),
            3 => field(Field::Title),
            4 => field(Field::State),
            5 => SortKey::Num(i64::try_from(self.findings).unwrap_or(i64::MAX)),
            6 => SortKey::Num(i64::from(self.enabled)),
            _ => SortKey::Num(0),
        }
    }
}

/// One row per check of the catalog, in catalog order, with the scan's outcome and
/// finding count. `disabled` holds the ids switched off for this session.
pub fn check_rows(scan: &ScanResult, disabled: &BTreeSet<String>) -> Vec<CheckRow> {
    let results: HashMap<&str, _> = scan
        .results
        .iter()
        .map(|r| (r.check_id.as_str(), r))
        .collect();
    checks::catalog()
        .iter()
        .map(|check| {
            let result = results.get(check.id);
            let outcome = result.map(|r| &r.outcome);
            let enabled =
                !disabled.contains(check.id) && !matches!(outcome, Some(Outcome::Disabled));
            check_row(
                check,
                outcome.map_or(NOT_RUN, Outcome::label),
                result.map_or(0, |r| r.findings),
                enabled,
            )
        })
        .collect()
}

fn check_row(
    check: &'static Check,
    outcome: &'static str,
    findings: usize,
    enabled: bool,
) -> CheckRow {
    let findings_text = findings.to_string();
    let mut b = SearchBuilder::with_capacity(check.title.len() + 64);
    b.column(check.id, Some(Field::Check));
    b.column(check.severity.as_str(), Some(Field::Severity));
    b.column(check.family.label(), Some(Field::Family));
    b.column(check.title, Some(Field::Title));
    b.column(outcome, Some(Field::State));
    b.column(&findings_text, None);
    b.end_visible();
    b.hidden(Field::Source, check_source(check));
    CheckRow {
        id: check.id,
        severity: check.severity,
        family: check.family,
        title: check.title,
        outcome,
        findings,
        enabled,
        findings_text,
        search: b.finish(),
    }
}

/// The platforms a check reads, from the data kinds it needs.
fn check_source(check: &Check) -> &'static str {
    let docker = check.needs.iter().any(|k| k.is_docker());
    let kube = check.needs.iter().any(|k| !k.is_docker());
    match (docker, kube) {
        (true, true) => "docker kubernetes",
        (true, false) => "docker",
        (false, _) => "kubernetes",
    }
}
