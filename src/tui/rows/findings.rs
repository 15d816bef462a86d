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
    check: Arc<CheckPart>,
    resource: Arc<ResourcePart>,
    /// Sort ranks of CHECK, TITLE, RESOURCE and NAMESPACE among the scan's distinct
    /// values (by lowercase text): sorting 150,000 rows compares integers instead of
    /// chasing each row's string.
    ranks: [u32; 4],
    /// SEV, CHECK, TITLE, RESOURCE, NAMESPACE, lowercased: what bare terms search.
    search: SearchText,
}

/// What every finding of one check shares (a few dozen per scan).
#[derive(Debug)]
struct CheckPart {
    id: Box<str>,
    title: Box<str>,
    /// Lowercase family label, for `family:`.
    family: Box<str>,
    /// Dense id: equal ids, same check.
    group: u32,
}

/// What every finding on one resource shares.
#[derive(Debug)]
struct ResourcePart {
    label: Box<str>,
    namespace: Box<str>,
    /// Lowercase kind, name, host, image and source, for field terms.
    fields: SearchText,
    /// Dense id: equal ids, same resource.
    group: u32,
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
        &self.check.id
    }
    pub fn title(&self) -> &str {
        &self.check.title
    }
    /// `Deployment prod/api [app]`, `Container legacy-01/web`, `Host legacy-01`.
    pub fn resource(&self) -> &str {
        &self.resource.label
    }
    pub fn namespace(&self) -> &str {
        &self.resource.namespace
    }

    /// The group this row falls in under `by` (None for [`Grouping::None`]).
    pub fn group_id(&self, by: Grouping) -> Option<u32> {
        match by {
            Grouping::None => None,
            Grouping::ByCheck => Some(self.check.group),
            Grouping::ByResource => Some(self.resource.group),
        }
    }
}

impl Filterable for FindingRow {
    fn field(&self, name: Field) -> Option<&str> {
        match name {
            Field::State => Some(self.state),
            Field::Family => Some(&self.check.family),
            Field::Kind | Field::Name | Field::Host | Field::Image | Field::Source => {
                self.resource.fields.field(name)
            }
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
            Cow::Borrowed(&*self.check.id),
            Cow::Borrowed(&*self.check.title),
            Cow::Borrowed(&*self.resource.label),
            Cow::Borrowed(&*self.resource.namespace),
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

/// Build the rows of every finding of a scan, in the scan's order (severity, check,
/// resource). What a check or a resource contributes is built once and shared.
pub fn finding_rows(scan: &ScanResult) -> Vec<FindingRow> {
    let mut checks: HashMap<&str, Arc<CheckPart>> = HashMap::new();
    let mut resources: HashMap<&ResourceRef, Arc<ResourcePart>> = HashMap::new();
    let mut rows = Vec::with_capacity(scan.findings.len());
    let mut last_check: Option<Arc<CheckPart>> = None;
    for (index, finding) in scan.findings.iter().enumerate() {
        // Findings come grouped by check: most rows skip the lookup.
        let check = match last_check.take() {
            Some(c) if *c.id == *finding.check_id => c,
            _ => {
                let next = dense_id(checks.len());
                let part = checks
                    .entry(finding.check_id.as_str())
                    .or_insert_with(|| Arc::new(check_part(finding, next)));
                Arc::clone(part)
            }
        };
        let next = dense_id(resources.len());
        let resource = resources
            .entry(&finding.resource)
            .or_insert_with(|| Arc::new(resource_part(&finding.resource, next)));
        let resource = Arc::clone(resource);
        rows.push(finding_row(index, finding.severity, &check, resource));
        last_check = Some(check);
    }
    let check_ids = ranks(checks.values().map(|c| (c.group, &*c.id)));
    let titles = ranks(checks.values().map(|c| (c.group, &*c.title)));
    let labels = ranks(resources.values().map(|r| (r.group, &*r.label)));
    let namespaces = ranks(resources.values().map(|r| (r.group, &*r.namespace)));
    for row in &mut rows {
        let (c, r) = (row.check.group as usize, row.resource.group as usize);
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

fn check_part(finding: &Finding, group: u32) -> CheckPart {
    let label = checks::find(&finding.check_id).map_or("", |c| c.family.label());
    let mut family = String::with_capacity(label.len());
    fold_case_into(&mut family, label);
    CheckPart {
        id: finding.check_id.as_str().into(),
        title: finding.title.as_str().into(),
        family: family.into(),
        group,
    }
}

fn resource_part(r: &ResourceRef, group: u32) -> ResourcePart {
    let mut b = SearchBuilder::with_capacity(r.kind.len() + 2 * r.name.len() + 32);
    b.hidden(Field::Kind, &r.kind);
    b.hidden(Field::Name, &r.name);
    if let Some(host) = &r.host {
        b.hidden(Field::Host, host);
    }
    if r.kind == "Image" {
        b.hidden(Field::Image, &r.name);
    }
    b.hidden(Field::Source, platform_name(r.platform));
    ResourcePart {
        label: resource_label(r).into(),
        namespace: r.namespace.as_deref().unwrap_or("").into(),
        fields: b.finish(),
        group,
    }
}

fn finding_row(
    index: usize,
    severity: Severity,
    check: &Arc<CheckPart>,
    resource: Arc<ResourcePart>,
) -> FindingRow {
    let parts = [
        severity.as_str(),
        &check.id,
        &check.title,
        &resource.label,
        &resource.namespace,
    ];
    let bytes = parts.iter().map(|p| p.len()).sum::<usize>() + parts.len() - 1;
    let mut b = SearchBuilder::with_capacity(bytes);
    b.column(severity.as_str(), Some(Field::Severity));
    b.column(&check.id, Some(Field::Check));
    b.column(&check.title, Some(Field::Title));
    b.column(&resource.label, None);
    b.column(&resource.namespace, Some(Field::Namespace));
    FindingRow {
        index,
        severity,
        state: OPEN,
        check: Arc::clone(check),
        resource,
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
            row.check.id.to_string(),
            format!("{} {}", row.check.id, row.check.title),
        ),
        _ => (
            row.resource.label.to_string(),
            row.resource.label.to_string(),
        ),
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
