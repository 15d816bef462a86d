//! The headless scan pipeline on the embedded demo: load (parse + normalize + scrub),
//! run the whole catalog, render reports. Larger synthetic inventories come with the
//! generator (see the Performance section of the README).

/// The allocator of the `docket` binary, so the figures are the product's.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

use docket::checks::{self, Selection};
use docket::report::{self, Format, Report};

fn demo(c: &mut Criterion) {
    c.bench_function("demo/load", |b| {
        b.iter(|| black_box(docket::sources::demo::load().map(|l| l.snapshot.kube.workloads.len())))
    });
    let Ok(loaded) = docket::sources::demo::load() else {
        return;
    };
    let snapshot = loaded.snapshot;
    c.bench_function("demo/checks", |b| {
        b.iter(|| black_box(checks::run(&snapshot, &Selection::default()).findings.len()))
    });
    let scan = checks::run(&snapshot, &Selection::default());
    for format in [Format::Json, Format::Sarif, Format::Html] {
        c.bench_function(&format!("demo/render-{}", format.name()), |b| {
            b.iter(|| {
                let report = Report::new(&snapshot, &scan, "2026-11-01T09:00:00Z");
                black_box(report::render(&report, format).len())
            })
        });
    }
}

criterion_group!(benches, demo);
criterion_main!(benches);
