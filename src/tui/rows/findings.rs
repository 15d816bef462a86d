//! One row per finding, and grouping of the visible findings by check or by resource.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use super::text::{SearchBuilder, SearchText};
use super::{Column, SortKey, TableRow};
use crate::checks::{self, ScanResult, Severity};
use crate::findings::{Finding, Platform, ResourceRef};
use crate::tui::query::{fold_case_into, Field, Filterable};

/// The triage state every finding has until triage exists (issue 6).
pub const OPEN: &str = "open";

/// A finding as the findings table shows and searches it.
#[derive(Debug, Clone)]
pub struct FindingRow {
    /// Index into `ScanResult::findings`.
    pub index: usize,
    pub severity: Severity,
    /// Triage state, lowercase (`open`, ...). Searched by `state:` only, not by bare
    /// words, so the lead can change it without rebuilding the row.
    pub state: &'static str,
    /// Shared by every finding of one check / one resource (few distinct values).
    check: Arc<str>,
    title: Arc<str>,
    resource: Arc<str>,
    namespace: Arc<str>,
    /// Dense ids for grouping: equal ids, same check / same resource.
    check_group: u32,
    resource_group: u32,
    /// Sort ranks of CHECK, TITLE, RESOURCE and NAMESPACE among the scan's distinct
    /// values (by lowercase text): sorting 150,000 rows compares integers instead of
    /// chasing each row's string.
    ranks: [u32; 4],
    search: SearchText,
}

impl FindingRow {
    /// Columns: SEV, CHECK, TITLE, RESOURCE, NAMESPACE, STATE.
    pub const COLUMNS: [Column; 6] = [
        Column {
            title: "SEV",
            width: 8,
        },
        Column {
            title: "CHECK",
            width: 8,
        },
        Column {
            title: "TITLE",
            width: 36,
        },
        Column {
            title: "RESOURCE",
            width: 40,
        },
        Column {
            title: "NAMESPACE",
            width: 16,
        },
        Column {
            title: "STATE",
            width: 10,
        },
    ];
    /// The sort a findings table starts with: severity, worst first.
    pub const DEFAULT_SORT: (usize, bool) = (0, true);
    /// The fields `field:` terms can use on this table.
    pub const FIELDS: &'static [Field] = &[
        Field::Severity,
        Field::Check,
        Field::Title,
        Field::Namespace,
        Field::Kind,
        Field::Name,
        Field::Host,
        Field::Image,
        Field::Family,
        Field::Source,
        Field::State,
    ];

    pub fn check_id(&self) -> &str {
        &self.check
    }
    pub fn title(&self) -> &str {
        &self.title
    }
    /// `Deployment prod/api [app]`, `Container legacy-01/web`, `Host legacy-01`.
    pub fn resource(&self) -> &str {
        &self.resource
    }
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The group this row falls in under `by` (None for [`Grouping::None`]).
    pub fn group_id(&self, by: Grouping) -> Option<u32> {
        match by {
            Grouping::None => None,
            Grouping::ByCheck => Some(self.check_group),
            Grouping::ByResource => Some(self.resource_group),
        }
    }
}

impl Filterable for FindingRow {
    fn field(&self, name: Field) -> Option<&str> {
        match name {
            Field::State => Some(self.state),
            _ => self.search.field(name),
        }
    }
    fn text(&self) -> &str {
        self.search.text()
    }
    fn severity(&self) -> Option<Severity> {
        Some(self.severity)
    }
}

impl TableRow for FindingRow {
    fn cells(&self) -> Vec<Cow<'_, str>> {
        vec![
            Cow::Borrowed(self.severity.as_str()),
            Cow::Borrowed(&*self.check),
            Cow::Borrowed(&*self.title),
            Cow::Borrowed(&*self.resource),
            Cow::Borrowed(&*self.namespace),
            Cow::Borrowed(self.state),
        ]
    }

    fn sort_key(&self, column: usize) -> SortKey<'_> {
        match column {
            0 => SortKey::Num(self.severity as i64),
            1..=4 => SortKey::Num(i64::from(self.ranks[column - 1])),
            5 => SortKey::Text(self.state),
            _ => SortKey::Num(0),
        }
    }
}

/// What one check contributes to its rows, computed once per check.
struct CheckInfo {
    id: Arc<str>,
    title: Arc<str>,
    family: &'static str,
    group: u32,
}

/// What one resource contributes to its rows, computed once per resource.
struct ResourceInfo {
    label: Arc<str>,
    namespace: Arc<str>,
    group: u32,
}

/// Build the rows of every finding of a scan, in the scan's order (severity, check,
/// resource). Check and resource strings are shared between rows.
pub fn finding_rows(scan: &ScanResult) -> Vec<FindingRow> {
    let mut checks: HashMap<&str, CheckInfo> = HashMap::new();
    let mut resources: HashMap<&ResourceRef, ResourceInfo> = HashMap::new();
    let mut rows = Vec::with_capacity(scan.findings.len());
    for (index, finding) in scan.findings.iter().enumerate() {
        let next = dense_id(checks.len());
        let check = checks
            .entry(finding.check_id.as_str())
            .or_insert_with(|| check_info(finding, next));
        let next = dense_id(resources.len());
        let resource = resources
            .entry(&finding.resource)
            .or_insert_with(|| ResourceInfo {
                label: resource_label(&finding.resource).into(),
                namespace: finding.resource.namespace.as_deref().unwrap_or("").into(),
                group: next,
            });
        rows.push(finding_row(index, finding, check, resource));
    }
    let check_ids = ranks(checks.values().map(|c| (c.group, &*c.id)));
    let titles = ranks(checks.values().map(|c| (c.group, &*c.title)));
    let labels = ranks(resources.values().map(|r| (r.group, &*r.label)));
    let namespaces = ranks(resources.values().map(|r| (r.group, &*r.namespace)));
    for row in &mut rows {
        let (c, r) = (row.check_group as usize, row.resource_group as usize);
        row.ranks = [check_ids[c], titles[c], labels[r], namespaces[r]];
    }
    rows
}

fn dense_id(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

/// For values given as (dense id, text): each id's rank in lowercase text order, equal
/// texts sharing a rank (so ties fall back to row order, as with text keys).
fn ranks<'a>(values: impl Iterator<Item = (u32, &'a str)>) -> Vec<u32> {
    let mut keyed: Vec<(String, u32)> = values
        .map(|(id, text)| {
            let mut lower = String::with_capacity(text.len());
            fold_case_into(&mut lower, text);
            (lower, id)
        })
        .collect();
    keyed.sort_unstable();
    let mut out = vec![0; keyed.len()];
    let mut rank = 0;
    for (i, (text, id)) in keyed.iter().enumerate() {
        if i > 0 && keyed[i - 1].0 != *text {
            rank += 1;
        }
        if let Some(slot) = out.get_mut(*id as usize) {
            *slot = rank;
        }
    }
    out
}

fn check_info(finding: &Finding, group: u32) -> CheckInfo {
    CheckInfo {
        id: finding.check_id.as_str().into(),
        title: finding.title.as_str().into(),
        family: checks::find(&finding.check_id).map_or("", |c| c.family.label()),
        group,
    }
}

fn finding_row(
    index: usize,
    finding: &Finding,
    check: &CheckInfo,
    resource: &ResourceInfo,
) -> FindingRow {
    let r = &finding.resource;
    let mut b = SearchBuilder::with_capacity(
        check.title.len() + 2 * resource.label.len() + check.family.len() + 32,
    );
    b.column(finding.severity.as_str(), Some(Field::Severity));
    b.column(&check.id, Some(Field::Check));
    b.column(&check.title, Some(Field::Title));
    b.column(&resource.label, None);
    b.column(&resource.namespace, Some(Field::Namespace));
    b.end_visible();
    b.hidden(Field::Kind, &r.kind);
    b.hidden(Field::Name, &r.name);
    if let Some(host) = &r.host {
        b.hidden(Field::Host, host);
    }
    if r.kind == "Image" {
        b.hidden(Field::Image, &r.name);
    }
    b.hidden(Field::Family, check.family);
    b.hidden(Field::Source, platform_name(r.platform));
    FindingRow {
        index,
        severity: finding.severity,
        state: OPEN,
        check: check.id.clone(),
        title: check.title.clone(),
        resource: resource.label.clone(),
        namespace: resource.namespace.clone(),
        check_group: check.group,
        resource_group: resource.group,
        ranks: [0; 4],
        search: b.finish(),
    }
}

/// `docker` or `kubernetes`, as `source:` matches it.
pub(crate) fn platform_name(p: Platform) -> &'static str {
    match p {
        Platform::Docker => "docker",
        Platform::Kubernetes => "kubernetes",
    }
}

/// The RESOURCE cell: kind, then namespace (Kubernetes) or host (Docker), name and
/// container: `Deployment prod/api [app]`, `Container legacy-01/web`, `Host legacy-01`.
pub fn resource_label(r: &ResourceRef) -> String {
    let mut s = String::with_capacity(r.kind.len() + r.name.len() + 32);
    s.push_str(&r.kind);
    s.push(' ');
    let scope = match r.platform {
        Platform::Kubernetes => r.namespace.as_deref(),
        Platform::Docker if r.kind == "Host" => None,
        Platform::Docker => r.host.as_deref(),
    };
    if let Some(scope) = scope.filter(|s| !s.is_empty()) {
        s.push_str(scope);
        s.push('/');
    }
    s.push_str(&r.name);
    if let Some(c) = &r.container {
        s.push_str(" [");
        s.push_str(c);
        s.push(']');
    }
    s
}

/// How the findings table groups rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Grouping {
    #[default]
    None,
    ByCheck,
    ByResource,
}

impl Grouping {
    /// The next mode, for the `GroupNext` action.
    pub fn next(self) -> Grouping {
        match self {
            Grouping::None => Grouping::ByCheck,
            Grouping::ByCheck => Grouping::ByResource,
            Grouping::ByResource => Grouping::None,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Grouping::None => "not grouped",
            Grouping::ByCheck => "by check",
            Grouping::ByResource => "by resource",
        }
    }
}

/// A group of visible findings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// [`FindingRow::group_id`] of the members, to list or filter them.
    pub id: u32,
    /// The check id, or the resource label.
    pub key: String,
    /// `KW-003 Privileged container`, or the resource label.
    pub label: String,
    pub count: usize,
    pub worst: Severity,
    /// Position in `visible` of the first member.
    pub first: usize,
}

/// Group the visible findings, in order of first appearance in `visible` (so groups
/// follow the current sort). Empty for [`Grouping::None`].
pub fn group_findings(rows: &[FindingRow], visible: &[u32], by: Grouping) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    // Group id -> position in `groups`; ids are dense, so a vector beats a hash map.
    let mut slot: Vec<u32> = Vec::new();
    for (position, &i) in visible.iter().enumerate() {
        let Some(row) = rows.get(i as usize) else {
            continue;
        };
        let Some(id) = row.group_id(by) else {
            return Vec::new();
        };
        let at = id as usize;
        if slot.len() <= at {
            slot.resize(at + 1, u32::MAX);
        }
        match groups.get_mut(slot[at] as usize) {
            Some(g) => {
                g.count += 1;
                g.worst = g.worst.max(row.severity);
            }
            None => {
                slot[at] = u32::try_from(groups.len()).unwrap_or(u32::MAX);
                groups.push(new_group(row, id, by, position));
            }
        }
    }
    groups
}

fn new_group(row: &FindingRow, id: u32, by: Grouping, first: usize) -> Group {
    let (key, label) = match by {
        Grouping::ByCheck => (
            row.check.to_string(),
            format!("{} {}", row.check, row.title),
        ),
        _ => (row.resource.to_string(), row.resource.to_string()),
    };
    Group {
        id,
        key,
        label,
        count: 1,
        worst: row.severity,
        first,
    }
}
