//! What the operator feels with 150,000 findings: one frame of each view drawn into a
//! 160x45 TestBackend (only visible rows are built), and one filter keystroke through the
//! whole app path (key -> input line -> query parse -> filter -> sort -> clamp).
//!
//! The findings come from a synthetic cluster (`docket::synth`) scanned by the whole
//! catalog: about 2.9 findings per pod, so 53,000 pods (about 152,000 findings).

use criterion::{criterion_group, criterion_main, Criterion};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use docket::checks::{self, Selection};
use docket::model::{DataKind, Snapshot};
use docket::sources::kube_json;
use docket::synth::{self, ClusterSpec};
use docket::tui::app::App;
use docket::tui::keymap::Keymap;
use docket::tui::msg::{Msg, ScanEvent, Workbench};
use docket::tui::theme::Theme;
use docket::tui::views;

const PODS: usize = 53_000;

fn workbench() -> Workbench {
    let mut snap = Snapshot::new();
    let mut warnings = Vec::new();
    synth::generate(&ClusterSpec::with_pods(PODS), &mut |obj| {
        kube_json::add_object(&obj, &mut snap, &mut warnings);
    });
    for kind in DataKind::ALL.into_iter().filter(|k| !k.is_docker()) {
        snap.coverage.collected(kind, "cluster");
    }
    let scan = checks::run(&snap, &Selection::default());
    eprintln!(
        "tui_frame bench: {PODS} pods -> {} findings",
        scan.findings.len()
    );
    Workbench {
        snapshot: Arc::new(snap),
        scan: Arc::new(scan),
        scanned_at: "2026-12-01T12:00:00Z".into(),
        took: Duration::from_secs(1),
        source_errors: Vec::new(),
        warnings,
        fallback_demo: false,
        prebuilt: None,
    }
}

fn key(app: &mut App, keymap: &Keymap, code: KeyCode) {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)), keymap);
}

fn benches(c: &mut Criterion) {
    let keymap = Keymap::defaults();
    let theme = Theme::builtin("dark").expect("dark theme");
    let mut app = App::new(std::env::temp_dir());
    app.start();
    app.update(
        Msg::Scan {
            id: 1,
            event: ScanEvent::Finished(Box::new(workbench())),
        },
        &keymap,
    );
    let mut term = Terminal::new(TestBackend::new(160, 45)).expect("terminal");
    let mut g = c.benchmark_group("tui_150k");
    g.sample_size(20).measurement_time(Duration::from_secs(4));
    for (view, keys) in [
        ("frame_overview", "1"),
        ("frame_findings", "3"),
        ("frame_checks", "4"),
        ("frame_inventory_workloads", "2"),
    ] {
        for k in keys.chars() {
            key(&mut app, &keymap, KeyCode::Char(k));
        }
        if view == "frame_inventory_workloads" {
            key(&mut app, &keymap, KeyCode::Char(']'));
        }
        g.bench_function(view, |b| {
            b.iter(|| {
                term.draw(|f| views::draw(f, &app, &keymap, &theme))
                    .expect("draw");
            })
        });
    }
    // Sorting all rows of the findings table by the next column.
    key(&mut app, &keymap, KeyCode::Char('3'));
    g.bench_function("sort_next_column_all_rows", |b| {
        b.iter(|| key(&mut app, &keymap, KeyCode::Char('o')))
    });
    // A filter typed one key at a time: each iteration types one more character and
    // deletes it again (two keystrokes over all rows), as an operator refining a filter.
    key(&mut app, &keymap, KeyCode::Char('/'));
    for ch in "sev:>=medium pay".chars() {
        key(&mut app, &keymap, KeyCode::Char(ch));
    }
    eprintln!(
        "tui_frame bench: filter matches {} rows",
        app.findings.view.visible.len()
    );
    g.bench_function("filter_two_keystrokes", |b| {
        b.iter(|| {
            key(&mut app, &keymap, KeyCode::Char('m'));
            key(&mut app, &keymap, KeyCode::Backspace);
            black_box(app.findings.view.visible.len());
        })
    });
    key(&mut app, &keymap, KeyCode::Enter);
    g.bench_function("frame_findings_filtered", |b| {
        b.iter(|| {
            term.draw(|f| views::draw(f, &app, &keymap, &theme))
                .expect("draw");
        })
    });
    g.finish();
    install(c);
}

/// Installing a finished scan when the operator has a triage book and suppression rules:
/// the tables, rule evaluation, reconciliation with coverage, and the state column. The
/// rows are prebuilt (off the UI task in the app), so this is what the UI task pays.
fn install(c: &mut Criterion) {
    use docket::findings::suppress::RuleSet;
    use docket::findings::triage::{TriageBook, TriageState};
    use docket::tui::msg::Prebuilt;
    let bench = workbench();
    let now = time::OffsetDateTime::now_utc();
    let mut book = TriageBook::default();
    for f in bench.scan.findings.iter().step_by(150) {
        let _ = book.set_state(f, TriageState::Acknowledged, "bench", now);
    }
    let mut rules = String::new();
    for (i, ns) in ["payments-prod", "shop-prod", "nope"]
        .iter()
        .cycle()
        .take(20)
        .enumerate()
    {
        rules.push_str(&format!(
            "[[rule]]\nid = \"r{i}\"\nchecks = [\"KW-0{:02}\"]\nreason = \"bench\"\n[rule.scope]\nnamespace = \"{ns}*\"\n\n",
            i % 30 + 1
        ));
    }
    let rules = RuleSet::from_toml(&rules, "bench").expect("rules");
    eprintln!(
        "tui_frame bench: {} triage records, {} rules",
        book.records.len(),
        rules.rules.len()
    );
    let mut g = c.benchmark_group("tui_150k");
    g.sample_size(10).measurement_time(Duration::from_secs(8));
    g.bench_function("install_scan_with_triage_and_rules", |b| {
        b.iter_batched(
            || {
                let mut w = bench.clone();
                w.prebuilt = Some(Arc::new(Prebuilt::build(&w.snapshot, &w.scan)));
                let mut app = App::new(std::env::temp_dir());
                app.triage = book.clone();
                app.rules = rules.clone();
                (app, w)
            },
            |(mut app, w)| {
                black_box(app.load(w).len());
                app
            },
            criterion::BatchSize::PerIteration,
        )
    });
    g.finish();
}

criterion_group!(tui_frame, benches);
criterion_main!(tui_frame);
