//! What the operator feels at each cluster size: one frame of every view drawn into a
//! 160x45 TestBackend (only visible rows are built), sorting, filter keystrokes through
//! the whole app path (key -> input line -> query parse -> filter -> sort -> clamp), and
//! installing a finished scan with a triage book and 20 suppression rules (what the UI
//! task pays on each rescan).
//!
//! Sizes are pods of a synthetic cluster (`docket::synth`) scanned by the whole catalog
//! (about 2.9 findings per pod): `DOCKET_BENCH_PODS=1000,10000,150000` (the default).
//! Groups are named `tui_<pods>_pods`. Issue 8's budgets at 150,000 pods: a frame under
//! 16 ms, a filter keystroke under 50 ms.

/// The allocator of the `docket` binary, so the figures are the product's.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use docket::checks::{self, Selection};
use docket::findings::suppress::RuleSet;
use docket::findings::triage::{TriageBook, TriageState};
use docket::synth::{self, ClusterSpec};
use docket::tui::app::App;
use docket::tui::keymap::Keymap;
use docket::tui::msg::{LogLine, LogView, Msg, Prebuilt, ScanEvent, Workbench};
use docket::tui::theme::Theme;
use docket::tui::views;

/// `DOCKET_BENCH_PODS` (comma-separated), else the default sizes.
fn sizes() -> Vec<usize> {
    docket::synth::bench_sizes(std::env::var("DOCKET_BENCH_PODS").ok().as_deref())
}

fn workbench(pods: usize) -> Workbench {
    let started = Instant::now();
    // The generator's objects normalize without warnings (synth::tests checks it).
    let (snap, _) = synth::snapshot(&ClusterSpec::with_pods(pods));
    let warnings = Vec::new();
    let scan = checks::run(&snap, &Selection::default());
    eprintln!(
        "tui_frame bench: {pods} pods -> {} findings ({:.1} s)",
        scan.findings.len(),
        started.elapsed().as_secs_f64()
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

/// Every 150th finding acknowledged, and records of findings this scan does not have
/// (fixed by the reconciliation).
fn triage_book(bench: &Workbench) -> TriageBook {
    let now = time::OffsetDateTime::now_utc();
    let mut book = TriageBook::default();
    for f in bench.scan.findings.iter().step_by(150) {
        let _ = book.set_state(f, TriageState::Acknowledged, "bench", now);
    }
    for f in bench.scan.findings.iter().skip(7).step_by(1500).take(50) {
        let mut gone = f.clone();
        gone.fingerprint = format!("gone-{}", f.fingerprint);
        let _ = book.set_state(&gone, TriageState::InProgress, "bench", now);
    }
    book
}

/// 20 rules over three namespaces (one matches nothing).
fn rules() -> RuleSet {
    let mut text = String::new();
    for (i, ns) in ["payments-prod", "shop-prod", "nope"]
        .iter()
        .cycle()
        .take(20)
        .enumerate()
    {
        text.push_str(&format!(
            "[[rule]]\nid = \"r{i}\"\nchecks = [\"KW-0{:02}\"]\nreason = \"bench\"\n[rule.scope]\nnamespace = \"{ns}*\"\n\n",
            i % 30 + 1
        ));
    }
    RuleSet::from_toml(&text, "bench").expect("rules")
}

fn key(app: &mut App, keymap: &Keymap, code: KeyCode) {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)), keymap);
}

fn keys(app: &mut App, keymap: &Keymap, text: &str) {
    for c in text.chars() {
        key(app, keymap, KeyCode::Char(c));
    }
}

/// What the scan task sends: the rows built, triage and suppressions settled off the UI
/// task against the book and rules the app had when the scan started.
fn finished(app: &App, bench: &Workbench) -> Workbench {
    let mut w = bench.clone();
    w.prebuilt = Some(Arc::new(Prebuilt::build_settled(
        &w.snapshot,
        &w.scan,
        app.settle_inputs(),
    )));
    w
}

fn benches(c: &mut Criterion) {
    for pods in sizes() {
        at_size(c, pods);
    }
}

fn at_size(c: &mut Criterion, pods: usize) {
    let keymap = Keymap::defaults();
    let theme = Theme::builtin("dark").expect("dark theme");
    let bench = workbench(pods);
    let book = triage_book(&bench);
    let rules = rules();
    let big = bench.scan.findings.len() > 100_000;

    let mut app = App::new(std::env::temp_dir());
    app.triage = book.clone();
    app.rules = rules.clone();
    app.start();
    let started = Instant::now();
    let w = finished(&app, &bench);
    eprintln!(
        "tui_frame bench: rows built and settled in {:.0} ms (scan task)",
        started.elapsed().as_secs_f64() * 1e3
    );
    app.update(
        Msg::Scan {
            id: 1,
            event: ScanEvent::Finished(Box::new(w)),
        },
        &keymap,
    );
    eprintln!(
        "tui_frame bench: {} triage records, {} rules, {} suppressed",
        app.triage.records.len(),
        app.rules.rules.len(),
        app.evaluation.suppressed.len()
    );
    let mut term = Terminal::new(TestBackend::new(160, 45)).expect("terminal");
    let mut g = c.benchmark_group(format!("tui_{pods}_pods"));
    g.sample_size(if big { 20 } else { 50 })
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(if big { 4 } else { 2 }));
    let mut frame = |g: &mut criterion::BenchmarkGroup<_>, name: &str, app: &App| {
        g.bench_function(name, |b| {
            b.iter(|| {
                term.draw(|f| views::draw(f, app, &keymap, &theme))
                    .expect("draw");
            })
        });
    };

    key(&mut app, &keymap, KeyCode::Char('1'));
    frame(&mut g, "frame_overview", &app);
    key(&mut app, &keymap, KeyCode::Char('2'));
    for _ in docket::tui::rows::InventoryTab::ALL {
        // `]` cycles the tabs.
        let name = format!("frame_inventory_{:?}", app.inventory_tab).to_lowercase();
        frame(&mut g, &name, &app);
        key(&mut app, &keymap, KeyCode::Char(']'));
    }
    key(&mut app, &keymap, KeyCode::Char('3'));
    frame(&mut g, "frame_findings", &app);
    key(&mut app, &keymap, KeyCode::Char('b'));
    frame(&mut g, "frame_findings_grouped_by_check", &app);
    key(&mut app, &keymap, KeyCode::Char('b'));
    key(&mut app, &keymap, KeyCode::Char('b'));
    key(&mut app, &keymap, KeyCode::Enter);
    frame(&mut g, "frame_detail", &app);
    key(&mut app, &keymap, KeyCode::Esc);
    key(&mut app, &keymap, KeyCode::Char('4'));
    frame(&mut g, "frame_checks", &app);
    key(&mut app, &keymap, KeyCode::Char('5'));
    frame(&mut g, "frame_rules", &app);
    key(&mut app, &keymap, KeyCode::Char('6'));
    app.update(Msg::Log(log_view()), &keymap);
    frame(&mut g, "frame_log", &app);
    key(&mut app, &keymap, KeyCode::Char('7'));
    let started = Instant::now();
    let register = docket::dpia::register(
        &bench.snapshot,
        &bench.scan,
        &docket::dpia::overrides::Overrides::default(),
    );
    eprintln!(
        "tui_frame bench: DPIA register built in {:.1} s (off the UI task in the app)",
        started.elapsed().as_secs_f64()
    );
    app.update(
        Msg::Dpia {
            scan_id: app.data_scan,
            register: Ok(Box::new(register)),
        },
        &keymap,
    );
    frame(&mut g, "frame_dpia", &app);

    // Sorting all rows of the findings table by the next column.
    key(&mut app, &keymap, KeyCode::Char('3'));
    g.bench_function("sort_next_column_all_rows", |b| {
        b.iter(|| key(&mut app, &keymap, KeyCode::Char('o')))
    });
    // Back to the default sort (severity, worst first): six columns.
    while app.findings.view.sort_column != 0 {
        key(&mut app, &keymap, KeyCode::Char('o'));
    }

    // Filter keystrokes. Each iteration types one character and deletes it again: a
    // narrowing keystroke then a widening one, as an operator refining a filter.
    key(&mut app, &keymap, KeyCode::Char('/'));
    keys(&mut app, &keymap, "sev:>=medium pay");
    eprintln!(
        "tui_frame bench: `sev:>=medium pay` shows {} rows",
        app.findings.view.visible.len()
    );
    g.bench_function("filter_type_and_delete_one_char", |b| {
        b.iter(|| {
            key(&mut app, &keymap, KeyCode::Char('m'));
            key(&mut app, &keymap, KeyCode::Backspace);
            black_box(app.findings.view.visible.len());
        })
    });
    // The worst keystrokes: the first character typed into an empty filter tests every
    // row. Each iteration clears the line (ctrl-u: back to every row, a remembered
    // result) and types one character, cycling through letters.
    key(&mut app, &keymap, KeyCode::Esc);
    key(&mut app, &keymap, KeyCode::Char('/'));
    let mut next = 0usize;
    g.bench_function("filter_clear_and_type_first_char_all_rows", |b| {
        b.iter(|| {
            app.update(
                Msg::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)),
                &keymap,
            );
            next = (next + 1) % 26;
            key(
                &mut app,
                &keymap,
                KeyCode::Char((b'a' + next as u8) as char),
            );
            black_box(app.findings.view.visible.len());
        })
    });
    // Correcting the last character: Backspace returns to a remembered result, the new
    // character narrows it (`!sev:info pa` -> `!sev:info p` -> `!sev:info p<c>`, cycling
    // through 26 letters).
    key(&mut app, &keymap, KeyCode::Esc);
    key(&mut app, &keymap, KeyCode::Char('/'));
    keys(&mut app, &keymap, "!sev:info pa");
    g.bench_function("filter_replace_last_char", |b| {
        b.iter(|| {
            key(&mut app, &keymap, KeyCode::Backspace);
            next = (next + 1) % 26;
            key(
                &mut app,
                &keymap,
                KeyCode::Char((b'a' + next as u8) as char),
            );
            black_box(app.findings.view.visible.len());
        })
    });
    key(&mut app, &keymap, KeyCode::Esc);
    key(&mut app, &keymap, KeyCode::Char('/'));
    keys(&mut app, &keymap, "sev:>=medium pay");
    key(&mut app, &keymap, KeyCode::Enter);
    frame(&mut g, "frame_findings_filtered", &app);
    g.finish();
    drop(app);

    install(c, pods, &bench, &book, &rules);
}

/// A session log of 200 lines, as the log view shows it.
fn log_view() -> LogView {
    LogView {
        path: "/tmp/session.jsonl".into(),
        lines: (0..200)
            .map(|seq| LogLine {
                seq,
                at: "2026-12-01T12:00:00Z".into(),
                kind: "triage".into(),
                summary: format!("finding {seq} acknowledged by bench"),
            })
            .collect(),
        status: "chain intact: 200 lines".into(),
        intact: true,
    }
}

/// Installing a finished scan with a triage book and 20 rules: the rows, the rule
/// evaluation and the reconciliation come settled from the scan task, so this is what
/// the UI task pays (moving tables in, adopting the results, one refresh).
fn install(c: &mut Criterion, pods: usize, bench: &Workbench, book: &TriageBook, rules: &RuleSet) {
    let mut g = c.benchmark_group(format!("tui_{pods}_pods"));
    let big = bench.scan.findings.len() > 100_000;
    g.sample_size(10)
        .measurement_time(Duration::from_secs(if big { 20 } else { 4 }));
    let fresh = || {
        let mut app = App::new(std::env::temp_dir());
        app.triage = book.clone();
        app.rules = rules.clone();
        app
    };
    g.bench_function("install_scan_with_triage_and_rules", |b| {
        b.iter_batched(
            || {
                let app = fresh();
                let w = finished(&app, bench);
                (app, w)
            },
            |(mut app, w)| {
                black_box(app.load(w).len());
                app
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

criterion_group!(tui_frame, benches);
criterion_main!(tui_frame);
