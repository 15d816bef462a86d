//! Row models, views, grouping and scrolling, on the embedded demo and on small tables.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use super::*;
use crate::checks::{self, ScanResult, Selection, Severity};
use crate::findings::Platform;
use crate::model::{Snapshot, WorkloadKind};
use crate::tui::query::Field;

fn demo() -> &'static (Snapshot, ScanResult) {
    static DEMO: OnceLock<(Snapshot, ScanResult)> = OnceLock::new();
    DEMO.get_or_init(|| {
        let snap = crate::sources::demo::load().unwrap().snapshot;
        let scan = checks::run(&snap, &Selection::default());
        (snap, scan)
    })
}

fn demo_findings() -> &'static [FindingRow] {
    static ROWS: OnceLock<Vec<FindingRow>> = OnceLock::new();
    ROWS.get_or_init(|| finding_rows(&demo().1))
}

fn view<R: TableRow>(rows: &[R], query: &str, column: usize, descending: bool) -> TableView {
    let mut v = TableView::sorted_by(column, descending);
    v.refresh(rows, &Query::parse(query));
    v
}

/// The sort keys of the visible rows must be ordered, ties in row order.
fn assert_sorted<R: TableRow>(rows: &[R], v: &TableView) {
    for w in v.visible.windows(2) {
        let (a, b) = (&rows[w[0] as usize], &rows[w[1] as usize]);
        let (ka, kb) = (a.sort_key(v.sort_column), b.sort_key(v.sort_column));
        let ordered = if v.descending { ka >= kb } else { ka <= kb };
        assert!(ordered, "{ka:?} then {kb:?}");
        if ka == kb {
            assert!(w[0] < w[1], "ties keep row order");
        }
    }
}

#[test]
fn finding_rows_mirror_the_scan() {
    let (_, scan) = demo();
    let rows = demo_findings();
    assert!(rows.len() > 50, "the demo plants many findings");
    assert_eq!(rows.len(), scan.findings.len());
    for (i, (row, f)) in rows.iter().zip(&scan.findings).enumerate() {
        assert_eq!(row.index, i);
        assert_eq!(row.severity, f.severity);
        assert_eq!(row.state, "open");
        assert_eq!(row.cells().len(), FindingRow::COLUMNS.len());
        assert_eq!(row.check_id(), f.check_id);
        let lower = f.check_id.to_lowercase();
        assert_eq!(row.field(Field::Check), Some(lower.as_str()));
        assert!(row.text().contains(&lower));
        assert_eq!(
            row.field(Field::Kind),
            Some(f.resource.kind.to_lowercase().as_str())
        );
        assert_eq!(row.field(Field::State), Some("open"));
        let source = match f.resource.platform {
            Platform::Docker => "docker",
            Platform::Kubernetes => "kubernetes",
        };
        assert_eq!(row.field(Field::Source), Some(source));
        assert!(row.field(Field::Family).is_some_and(|f| !f.is_empty()));
        // Bare terms search exactly the visible columns but STATE (hidden fields are not
        // in the text).
        let cells = row.cells();
        let visible = cells[..5].join("\n").to_lowercase();
        assert_eq!(row.text(), visible);
    }
}

#[test]
fn resource_labels() {
    use crate::findings::ResourceRef;
    use findings::resource_label;
    let r = ResourceRef::kube("Deployment", Some("prod"), "api").with_container("app");
    assert_eq!(resource_label(&r), "Deployment prod/api [app]");
    let r = ResourceRef::kube("ClusterRole", None, "admin");
    assert_eq!(resource_label(&r), "ClusterRole admin");
    let r = ResourceRef::docker("Container", "web", "legacy-01");
    assert_eq!(resource_label(&r), "Container legacy-01/web");
    let r = ResourceRef::docker("Host", "legacy-01", "legacy-01");
    assert_eq!(resource_label(&r), "Host legacy-01");
    let r = ResourceRef::docker("Container", "web", "");
    assert_eq!(resource_label(&r), "Container web");
}

#[test]
fn default_findings_sort_is_worst_first_then_scan_order() {
    let rows = demo_findings();
    let (col, desc) = FindingRow::DEFAULT_SORT;
    let v = view(rows, "", col, desc);
    assert_eq!(v.visible.len(), rows.len());
    assert_sorted(rows, &v);
    // The scan already sorts worst first, so the default view is row order.
    assert!(v.visible.windows(2).all(|w| w[0] < w[1]));
    let ascending = view(rows, "", col, false);
    assert_sorted(rows, &ascending);
    let least = rows.iter().map(|r| r.severity).min();
    assert_eq!(Some(rows[ascending.visible[0] as usize].severity), least);
}

#[test]
fn set_sort_resorts_visible_rows_deterministically() {
    let rows = demo_findings();
    for column in 0..=FindingRow::COLUMNS.len() {
        for descending in [false, true] {
            let mut v = view(rows, "sev:>=medium", 0, true);
            let before: BTreeSet<u32> = v.visible.iter().copied().collect();
            v.set_sort(rows, column, descending);
            assert_eq!((v.sort_column, v.descending), (column, descending));
            assert_sorted(rows, &v);
            let after: BTreeSet<u32> = v.visible.iter().copied().collect();
            assert_eq!(before, after, "sorting never adds or drops rows");
            // Same result as a fresh refresh with that sort, whatever the order before.
            let fresh = view(rows, "sev:>=medium", column, descending);
            assert_eq!(v.visible, fresh.visible);
        }
    }
}

#[test]
fn text_columns_sort_by_lowercase_text() {
    let rows = demo_findings();
    for column in 1..=4 {
        let v = view(rows, "", column, false);
        let cells: Vec<String> = v
            .visible
            .iter()
            .map(|&i| rows[i as usize].cells()[column].to_lowercase())
            .collect();
        assert!(cells.windows(2).all(|w| w[0] <= w[1]), "column {column}");
        let v = view(rows, "", column, true);
        let first = rows[v.visible[0] as usize].cells()[column].to_lowercase();
        assert_eq!(Some(&first), cells.last(), "column {column} descending");
    }
}

#[test]
fn filters_select_the_right_rows() {
    let (_, scan) = demo();
    let rows = demo_findings();
    let v = view(rows, "sev:high", 0, true);
    let highs = scan
        .findings
        .iter()
        .filter(|f| f.severity == Severity::High)
        .count();
    assert!(highs > 0);
    assert_eq!(v.visible.len(), highs);
    let v = view(rows, "sev:>=high !source:docker", 0, true);
    assert!(!v.visible.is_empty());
    for &i in &v.visible {
        let f = &scan.findings[rows[i as usize].index];
        assert!(f.severity >= Severity::High && f.resource.platform == Platform::Kubernetes);
    }
    let v = view(rows, "check:^kw-", 0, true);
    assert!(v
        .visible
        .iter()
        .all(|&i| rows[i as usize].check_id().starts_with("KW-")));
    // state is searchable by field even though it is not in the text.
    assert_eq!(view(rows, "state:open", 0, true).visible.len(), rows.len());
    assert!(view(rows, "state:closed", 0, true).visible.is_empty());
}

#[test]
fn set_query_narrows_incrementally_and_matches_refresh() {
    let rows = demo_findings();
    let mut v = TableView::sorted_by(3, false);
    v.refresh(rows, &Query::parse(""));
    for q in [
        "p",
        "pr",
        "pri",
        "priv",
        "pri",
        "",
        "ns:pay",
        "ns:payments sev:>=m",
        "ns:pay",
    ] {
        let query = Query::parse(q);
        v.set_query(rows, &query);
        let fresh = view(rows, q, 3, false);
        assert_eq!(v.visible, fresh.visible, "after {q:?}");
        assert_eq!(v.query().is_empty(), q.is_empty());
    }
}

#[test]
fn set_query_after_set_sort_keeps_the_new_sort() {
    let rows = demo_findings();
    let mut v = view(rows, "", 0, true);
    v.set_sort(rows, 1, false);
    v.set_query(rows, &Query::parse("kw"));
    assert_sorted(rows, &v);
    assert_eq!(v.visible, view(rows, "kw", 1, false).visible);
}

#[test]
fn position_and_row_at() {
    let rows = demo_findings();
    let v = view(rows, "sev:critical", 0, true);
    let first = v.visible[0];
    assert_eq!(v.position(first), Some(0));
    assert_eq!(v.row_at(0), Some(first as usize));
    assert_eq!(v.row_at(v.visible.len()), None);
}

#[test]
fn grouping_counts_and_order() {
    let rows = demo_findings();
    let v = view(rows, "", 0, true);
    assert!(group_findings(rows, &v.visible, Grouping::None).is_empty());
    for by in [Grouping::ByCheck, Grouping::ByResource] {
        let groups = group_findings(rows, &v.visible, by);
        assert!(groups.len() > 1);
        assert_eq!(
            groups.iter().map(|g| g.count).sum::<usize>(),
            v.visible.len()
        );
        let mut firsts = Vec::new();
        for g in &groups {
            let members: Vec<&FindingRow> = v
                .visible
                .iter()
                .map(|&i| &rows[i as usize])
                .filter(|r| r.group_id(by) == Some(g.id))
                .collect();
            assert_eq!(members.len(), g.count, "{}", g.label);
            assert_eq!(members.iter().map(|r| r.severity).max(), Some(g.worst));
            let first = &rows[v.visible[g.first] as usize];
            assert_eq!(first.group_id(by), Some(g.id));
            assert!(v.visible[..g.first]
                .iter()
                .all(|&i| rows[i as usize].group_id(by) != Some(g.id)));
            let key = match by {
                Grouping::ByCheck => first.check_id(),
                _ => first.resource(),
            };
            assert_eq!(g.key, key);
            firsts.push(g.first);
        }
        assert!(
            firsts.windows(2).all(|w| w[0] < w[1]),
            "groups in order of appearance"
        );
    }
    let by_check = group_findings(rows, &v.visible, Grouping::ByCheck);
    let distinct: BTreeSet<&str> = rows.iter().map(|r| r.check_id()).collect();
    assert_eq!(by_check.len(), distinct.len());
    assert_eq!(Grouping::None.next().next().next(), Grouping::None);
}

#[test]
fn grouping_a_filtered_view() {
    let rows = demo_findings();
    let v = view(rows, "sev:critical", 0, true);
    let groups = group_findings(rows, &v.visible, Grouping::ByResource);
    assert!(groups.iter().all(|g| g.worst == Severity::Critical));
    assert_eq!(
        groups.iter().map(|g| g.count).sum::<usize>(),
        v.visible.len()
    );
    assert!(group_findings(rows, &[], Grouping::ByCheck).is_empty());
}

#[test]
fn visible_window_edges() {
    assert_eq!(visible_window(0, 0, 0, 10), (0, 0..0));
    assert_eq!(visible_window(0, 5, 3, 10), (0, 0..0));
    assert_eq!(visible_window(5, 2, 0, 0), (0, 0..0));
    // Fewer rows than the height: everything, from the top.
    assert_eq!(visible_window(5, 4, 0, 10), (0, 0..5));
    assert_eq!(visible_window(5, 4, 3, 10), (0, 0..5));
    // Moving down inside the window keeps the offset; past it scrolls by one.
    assert_eq!(visible_window(100, 9, 0, 10), (0, 0..10));
    assert_eq!(visible_window(100, 10, 0, 10), (1, 1..11));
    // Moving above the window scrolls up to the selection.
    assert_eq!(visible_window(100, 3, 20, 10), (3, 3..13));
    // Last row.
    assert_eq!(visible_window(100, 99, 0, 10), (90, 90..100));
    // A selection past the end (rows vanished) clamps to the last row.
    assert_eq!(visible_window(30, 500, 80, 10), (20, 20..30));
    // The table shrank under a large offset: no blank lines at the bottom.
    assert_eq!(visible_window(12, 11, 50, 10), (2, 2..12));
    assert_eq!(visible_window(12, 5, 50, 10), (2, 2..12));
    // Height one.
    assert_eq!(visible_window(3, 2, 0, 1), (2, 2..3));
}

#[test]
fn check_rows_cover_the_catalog() {
    let (_, scan) = demo();
    let disabled: BTreeSet<String> = ["KW-001".to_string()].into();
    let rows = check_rows(scan, &disabled);
    assert_eq!(rows.len(), checks::catalog().len());
    for (row, check) in rows.iter().zip(checks::catalog()) {
        assert_eq!(row.id, check.id);
        assert_eq!(row.cells().len(), CheckRow::COLUMNS.len());
        let result = scan.result(check.id).unwrap();
        assert_eq!(row.outcome, result.outcome.label());
        assert_eq!(row.findings, result.findings);
        assert_eq!(row.enabled, check.id != "KW-001");
        assert_eq!(row.field(Field::State), Some(row.outcome));
    }
    let off = rows.iter().find(|r| r.id == "KW-001").unwrap();
    assert_eq!(off.cells()[6], "no");
    // A scan that has not run yet: every check "not run".
    let empty = check_rows(&ScanResult::default(), &BTreeSet::new());
    assert!(empty.iter().all(|r| r.outcome == super::checks::NOT_RUN));
}

#[test]
fn check_rows_filter_and_sort() {
    let (_, scan) = demo();
    let rows = check_rows(scan, &BTreeSet::new());
    let v = view(&rows, "family:rbac", 0, false);
    assert!(!v.visible.is_empty());
    assert!(v
        .visible
        .iter()
        .all(|&i| rows[i as usize].id.starts_with("KR-")));
    let v = view(&rows, "source:docker", 0, false);
    assert!(v
        .visible
        .iter()
        .any(|&i| rows[i as usize].id.starts_with("DC-")));
    assert!(v
        .visible
        .iter()
        .all(|&i| !rows[i as usize].id.starts_with("KW-")));
    let v = view(&rows, "", 5, true);
    assert_sorted(&rows, &v);
    let top = &rows[v.visible[0] as usize];
    assert_eq!(top.findings, rows.iter().map(|r| r.findings).max().unwrap());
}

/// Findings of `scan` that belong to some row of `tab`, per [`ResourceKey::matches`].
fn owned_findings(rows: &[InventoryRow], scan: &ScanResult) -> usize {
    scan.findings
        .iter()
        .filter(|f| rows.iter().any(|r| r.key.matches(&f.resource)))
        .count()
}

#[test]
fn inventory_tabs_on_the_demo() {
    let (snap, scan) = demo();
    for tab in InventoryTab::ALL {
        let rows = inventory_rows(snap, scan, tab);
        assert!(!rows.is_empty(), "{}", tab.title());
        for r in &rows {
            assert_eq!(r.tab, tab);
            assert_eq!(r.key.tab(), tab);
            assert_eq!(r.cells().len(), tab.columns().len(), "{}", tab.title());
            assert_eq!(r.cells().last().unwrap(), &r.findings().len().to_string());
            // The row's findings are exactly those its key matches.
            let matched: Vec<usize> = (0..scan.findings.len())
                .filter(|&i| r.key.matches(&scan.findings[i].resource))
                .collect();
            assert_eq!(r.findings(), matched.as_slice(), "{}", r.label());
            let worst = r
                .findings()
                .iter()
                .map(|&i| scan.findings[i].severity)
                .max();
            assert_eq!(r.worst(), worst);
        }
        // Keys are unique, so no finding is counted twice.
        let keys: BTreeSet<&ResourceKey> = rows.iter().map(|r| &r.key).collect();
        assert_eq!(keys.len(), rows.len(), "{}", tab.title());
        let counted: usize = rows.iter().map(|r| r.findings().len()).sum();
        assert_eq!(counted, owned_findings(&rows, scan), "{}", tab.title());
    }
}

#[test]
fn container_rows_match_the_snapshot() {
    let (snap, scan) = demo();
    let rows = inventory_rows(snap, scan, InventoryTab::Containers);
    assert_eq!(rows.len(), snap.docker.containers.len());
    let on_containers = scan
        .findings
        .iter()
        .filter(|f| f.resource.platform == Platform::Docker && f.resource.kind == "Container")
        .count();
    assert!(on_containers > 0);
    assert_eq!(
        rows.iter().map(|r| r.findings().len()).sum::<usize>(),
        on_containers
    );
    let privileged = snap
        .docker
        .containers
        .iter()
        .filter(|c| c.privileged)
        .count();
    let shown = rows.iter().filter(|r| r.cells()[5] == "yes").count();
    assert_eq!(shown, privileged);
    assert!(rows
        .iter()
        .all(|r| r.field(Field::Host) == Some("legacy-01")));
    let v = view(&rows, "sev:>=high", 7, true);
    assert!(!v.visible.is_empty());
    assert!(v
        .visible
        .iter()
        .all(|&i| rows[i as usize].worst() >= Some(Severity::High)));
    assert_sorted(&rows, &v);
}

#[test]
fn workload_rows_are_the_units_with_their_containers_findings() {
    let (snap, scan) = demo();
    let rows = inventory_rows(snap, scan, InventoryTab::Workloads);
    assert_eq!(rows.len(), snap.kube.units().len());
    let on_workloads = scan
        .findings
        .iter()
        .filter(|f| {
            f.resource.platform == Platform::Kubernetes
                && WorkloadKind::parse(&f.resource.kind).is_some()
        })
        .count();
    assert_eq!(
        rows.iter().map(|r| r.findings().len()).sum::<usize>(),
        on_workloads
    );
    // Some workload gathers findings from its containers as well as its own.
    let mixed = rows.iter().any(|r| {
        let fs = r.findings().iter().map(|&i| &scan.findings[i].resource);
        let kinds: BTreeSet<bool> = fs.map(|res| res.container.is_some()).collect();
        kinds.len() == 2
    });
    assert!(mixed);
    let v = view(&rows, "kind:deployment ns:payments", 2, false);
    assert!(!v.visible.is_empty());
    for &i in &v.visible {
        let r = &rows[i as usize];
        assert!(
            matches!(&r.key, ResourceKey::Workload { kind: WorkloadKind::Deployment, namespace, .. } if namespace == "payments")
        );
    }
}

#[test]
fn namespace_and_host_rows() {
    let (snap, scan) = demo();
    let ns = inventory_rows(snap, scan, InventoryTab::Namespaces);
    assert!(ns.len() >= snap.kube.namespaces.len());
    let in_namespaces = scan
        .findings
        .iter()
        .filter(|f| {
            f.resource.platform == Platform::Kubernetes
                && (f.resource.kind == "Namespace" || f.resource.namespace.is_some())
        })
        .count();
    assert_eq!(
        ns.iter().map(|r| r.findings().len()).sum::<usize>(),
        in_namespaces
    );
    let mut units: BTreeMap<&str, usize> = BTreeMap::new();
    for u in snap.kube.units() {
        *units.entry(u.namespace()).or_default() += 1;
    }
    for r in &ns {
        let ResourceKey::Namespace { name } = &r.key else {
            panic!("namespace key");
        };
        let expected = units.get(name.as_str()).copied().unwrap_or(0);
        assert_eq!(r.cells()[2], expected.to_string(), "{name}");
    }
    let hosts = inventory_rows(snap, scan, InventoryTab::Hosts);
    assert_eq!(hosts.len(), snap.docker.hosts.len());
    let docker = scan
        .findings
        .iter()
        .filter(|f| f.resource.platform == Platform::Docker)
        .count();
    assert_eq!(
        hosts.iter().map(|r| r.findings().len()).sum::<usize>(),
        docker
    );
    assert_eq!(
        hosts[0].cells()[3],
        snap.docker.containers.len().to_string()
    );
}

#[test]
fn image_rows_count_their_containers() {
    let (snap, scan) = demo();
    let rows = inventory_rows(snap, scan, InventoryTab::Images);
    assert_eq!(rows.len(), snap.docker.images.len());
    let total: usize = rows
        .iter()
        .map(|r| r.cells()[3].parse::<usize>().unwrap())
        .sum();
    let with_image = snap
        .docker
        .containers
        .iter()
        .filter(|c| snap.docker.image_of(c).is_some())
        .count();
    assert_eq!(total, with_image);
}

#[test]
fn empty_snapshot_and_scan_give_empty_tables() {
    let snap = Snapshot::new();
    let scan = ScanResult::default();
    for tab in InventoryTab::ALL {
        assert!(inventory_rows(&snap, &scan, tab).is_empty());
    }
    assert!(finding_rows(&scan).is_empty());
    let rows: Vec<FindingRow> = Vec::new();
    let mut v = TableView::new();
    v.refresh(&rows, &Query::parse("x"));
    assert!(v.visible.is_empty());
    v.set_sort(&rows, 3, true);
    assert!(v.visible.is_empty());
}
