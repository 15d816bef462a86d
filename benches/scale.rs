//! The pipeline at real cluster sizes: a synthetic cluster (`docket::synth`, the same
//! generator as `docket demo generate`) of 1,000, 10,000 and 150,000 pods, measured stage by
//! stage: loading a saved snapshot (parse + validate through the `--from` path), the whole
//! catalog, triage reconciliation and suppression evaluation on the findings, and the DPIA
//! register (classification + connection map + measures).
//!
//! Sizes: `DOCKET_BENCH_PODS=1000,10000` (default `1000,10000,150000`). The 150,000-pod
//! cluster takes minutes to generate and several GB of memory.

/// The allocator of the `docket` binary, so the figures are the product's.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use std::collections::BTreeSet;
use std::hint::black_box;
use std::time::{Duration, Instant};

use docket::checks::{self, Selection};
use docket::findings::suppress::{RuleSet, SnapshotContext};
use docket::findings::triage::{reconcile, TriageBook, TriageState};
use docket::findings::triage_coverage::ScanCoverage;
use docket::model::Snapshot;
use docket::synth::{self, ClusterSpec};

fn sizes() -> Vec<usize> {
    synth::bench_sizes(std::env::var("DOCKET_BENCH_PODS").ok().as_deref())
}

fn cluster(pods: usize) -> Snapshot {
    synth::snapshot(&ClusterSpec::with_pods(pods)).0
}

/// Twenty rules of the shapes operators write: a check in some namespaces, a glob over a
/// family, a cross-reference, and a few that match nothing.
fn rules() -> RuleSet {
    let mut text = String::new();
    for (i, (checks, ns)) in [
        ("KW-001", "payments-*"),
        ("KW-0*", "shop-*"),
        ("C-0057", "*"),
        ("KN-00?", "team-*"),
        ("NOPE-1", "*"),
    ]
    .iter()
    .cycle()
    .take(20)
    .enumerate()
    {
        text.push_str(&format!(
            "[[rule]]\nid = \"r{i}\"\nchecks = [\"{checks}\"]\nreason = \"bench\"\n[rule.scope]\nnamespace = \"{ns}{i}\"\n\n"
        ));
    }
    RuleSet::from_toml(&text, "bench").expect("bench rules")
}

fn scale(c: &mut Criterion) {
    for pods in sizes() {
        let started = Instant::now();
        let snap = cluster(pods);
        let json = serde_json::to_string(&snap).expect("snapshot json");
        let scan = checks::run(&snap, &Selection::default());
        eprintln!(
            "scale bench: {pods} pods -> {} workloads, {} nodes, {} MB snapshot, {} findings ({:.1} s to set up)",
            snap.kube.workloads.len(),
            snap.kube.nodes.len(),
            json.len() / 1_000_000,
            scan.findings.len(),
            started.elapsed().as_secs_f64()
        );
        let mut g = c.benchmark_group(format!("scale_{pods}_pods"));
        g.sample_size(10)
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(if pods > 50_000 { 30 } else { 5 }));

        g.bench_function("snapshot_load", |b| {
            b.iter_with_large_drop(|| {
                docket::sources::files::load_bytes("bench.json", json.as_bytes())
                    .map(|l| l.snapshot.kube.workloads.len())
            })
        });
        g.bench_function("catalog", |b| {
            b.iter_with_large_drop(|| checks::run(&snap, &Selection::default()))
        });

        let now = time::OffsetDateTime::now_utc();
        let mut book = TriageBook::default();
        for f in scan.findings.iter().step_by(100) {
            let _ = book.set_state(f, TriageState::Acknowledged, "bench", now);
        }
        let none = BTreeSet::new();
        g.bench_function("triage_reconcile", |b| {
            b.iter_batched(
                || book.clone(),
                |mut book| {
                    let cov = ScanCoverage::new(&snap, &scan, &none);
                    black_box(reconcile(
                        &mut book,
                        &scan.findings,
                        &|r| cov.covers(r),
                        now,
                    ))
                },
                BatchSize::LargeInput,
            )
        });
        let rules = rules();
        g.bench_function("suppression_evaluate_20_rules", |b| {
            b.iter(|| {
                let ctx = SnapshotContext::new(&snap);
                black_box(rules.evaluate(&scan.findings, &ctx, now).suppressed.len())
            })
        });
        g.bench_function("dpia_register", |b| {
            b.iter_with_large_drop(|| docket::dpia::register(&snap, &scan, &Default::default()))
        });
        g.finish();
    }
}

criterion_group!(benches, scale);
criterion_main!(benches);
