//! The data layer under the TUI tables: building the rows once per scan, and what a
//! keystroke costs (filter, narrow, sort, group).
//!
//! The findings are real: a synthetic cluster from `docket::synth` is normalized through
//! `kube_json` and scanned by the whole catalog (about 2.9 findings per pod). Sizes are
//! pods: `DOCKET_BENCH_PODS=1000,10000,150000` (the default); groups are named
//! `tui_rows_<pods>_pods`.

/// The allocator of the `docket` binary, so the figures are the product's.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use std::hint::black_box;
use std::time::{Duration, Instant};

use docket::checks::{self, ScanResult, Selection};
use docket::synth::{self, ClusterSpec};
use docket::tui::query::Query;
use docket::tui::rows::{finding_rows, group_findings, FindingRow, Grouping, TableView};

/// RESOURCE column of the findings table.
const RESOURCE: usize = 3;

/// `DOCKET_BENCH_PODS` (comma-separated), else the default sizes.
fn sizes() -> Vec<usize> {
    synth::bench_sizes(std::env::var("DOCKET_BENCH_PODS").ok().as_deref())
}

/// Generate a cluster of `pods` pods, normalize it as a file input would be, and scan it.
fn scan_cluster(pods: usize) -> ScanResult {
    let started = Instant::now();
    let (snap, _) = synth::snapshot(&ClusterSpec::with_pods(pods));
    let scan = checks::run(&snap, &Selection::default());
    eprintln!(
        "tui bench: {pods} pods -> {} findings ({:.1} s)",
        scan.findings.len(),
        started.elapsed().as_secs_f64()
    );
    scan
}

fn view(rows: &[FindingRow], query: &str) -> TableView {
    let (column, descending) = FindingRow::DEFAULT_SORT;
    let mut v = TableView::sorted_by(column, descending);
    v.refresh(rows, &Query::parse(query));
    v
}

fn tables(c: &mut Criterion) {
    for pods in sizes() {
        at_size(c, pods);
    }
}

fn at_size(c: &mut Criterion, pods: usize) {
    let scan = scan_cluster(pods);
    let rows = finding_rows(&scan);
    for q in ["sev:high", "pay", "paym", "ns:pay.*-prod !check:KW-0"] {
        eprintln!(
            "tui bench: `{q}` shows {} rows",
            view(&rows, q).visible.len()
        );
    }

    let mut g = c.benchmark_group(format!("tui_rows_{pods}_pods"));
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));

    g.bench_function("finding_rows", |b| {
        b.iter_with_large_drop(|| finding_rows(&scan))
    });
    for (name, q) in [
        ("refresh/empty", ""),
        ("refresh/sev:high", "sev:high"),
        ("refresh/word pay", "pay"),
        (
            "refresh/regex ns:team-.*-prod !check:KW-0",
            "ns:team-.*-prod !check:KW-0",
        ),
        (
            "refresh/regex ns:pay.*-prod !check:KW-0",
            "ns:pay.*-prod !check:KW-0",
        ),
    ] {
        let query = Query::parse(q);
        let mut v = view(&rows, "");
        g.bench_function(name, |b| {
            b.iter(|| {
                v.refresh(&rows, &query);
                black_box(v.visible.len())
            })
        });
    }

    // What a keystroke pays when every row is filtered again: the sort order is kept, so
    // this is the filter pass alone.
    for (name, q) in [
        ("refilter/sev:high", "sev:high"),
        ("refilter/word pay", "pay"),
        ("refilter/!sev:info pa", "!sev:info pa"),
    ] {
        let query = Query::parse(q);
        let mut v = view(&rows, "");
        g.bench_function(name, |b| {
            b.iter(|| {
                v.refilter(&rows, &query, &|_| true);
                black_box(v.visible.len())
            })
        });
    }

    let pay = view(&rows, "pay");
    let paym = Query::parse("paym");
    g.bench_function("keystroke pay->paym (set_query)", |b| {
        b.iter_batched_ref(
            || pay.clone(),
            |v| {
                v.set_query(&rows, &paym);
                black_box(v.visible.len())
            },
            BatchSize::LargeInput,
        )
    });

    let all = view(&rows, "");
    g.bench_function("set_sort resource (all rows)", |b| {
        b.iter_batched_ref(
            || all.clone(),
            |v| {
                v.set_sort(&rows, RESOURCE, false);
                black_box(v.visible.len())
            },
            BatchSize::LargeInput,
        )
    });

    for by in [Grouping::ByCheck, Grouping::ByResource] {
        g.bench_function(format!("group {by:?} (all rows)"), |b| {
            b.iter(|| black_box(group_findings(&rows, &all.visible, by).len()))
        });
    }
    g.finish();
}

criterion_group!(benches, tables);
criterion_main!(benches);
