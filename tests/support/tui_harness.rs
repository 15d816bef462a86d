//! Drive the workbench without a terminal: messages in, effects out, screens rendered to
//! ratatui's TestBackend. Shared by the TUI test crates (`#[path]`-included).
#![allow(dead_code)]

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use docket::checks::{self, Selection};
use docket::model::Snapshot;
use docket::tui::app::App;
use docket::tui::keymap::Keymap;
use docket::tui::msg::{Effect, Msg, ScanEvent, Workbench};
use docket::tui::theme::Theme;
use docket::tui::views;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::sync::Arc;
use std::time::Duration;

/// The fixed clock of the TUI tests.
pub fn test_now() -> time::OffsetDateTime {
    time::macros::datetime!(2026-12-01 12:00:00 UTC)
}

pub fn bench_of(snapshot: Snapshot) -> Workbench {
    let scan = checks::run(&snapshot, &Selection::default());
    Workbench {
        snapshot: Arc::new(snapshot),
        scan: Arc::new(scan),
        scanned_at: "2026-12-01T12:04:31Z".into(),
        took: Duration::from_millis(140),
        source_errors: Vec::new(),
        warnings: Vec::new(),
        fallback_demo: true,
        prebuilt: None,
    }
}

pub fn demo_snapshot() -> Snapshot {
    docket::sources::demo::load().expect("demo").snapshot
}

pub fn demo_bench() -> Workbench {
    bench_of(demo_snapshot())
}

pub struct Harness {
    pub app: App,
    pub keymap: Keymap,
    pub theme: Theme,
    next_scan: u64,
}

impl Harness {
    /// An app that started a scan and received the demo as its result.
    pub fn loaded() -> Harness {
        let mut h = Harness::empty();
        let fx = h.app.start();
        assert!(matches!(fx.as_slice(), [Effect::StartScan { id: 1 }]));
        h.next_scan = 1;
        h.finish_scan(demo_bench());
        h
    }

    pub fn empty() -> Harness {
        let mut app = App::new(std::path::PathBuf::from("/tmp/docket-exports"));
        app.operator = "ana".into();
        app.clock = test_now;
        Harness {
            app,
            keymap: Keymap::defaults(),
            theme: Theme::builtin("dark").expect("dark theme"),
            next_scan: 0,
        }
    }

    /// Deliver `bench` as the result of the running scan (starting one if none runs).
    pub fn finish_scan(&mut self, bench: Workbench) -> Vec<Effect> {
        let id = match self.app.scan.running {
            Some(id) => id,
            None => {
                let fx = self.key(KeyCode::Char('r'));
                match fx.as_slice() {
                    [Effect::StartScan { id }] => *id,
                    other => panic!("r did not start a scan: {other:?}"),
                }
            }
        };
        self.next_scan = id;
        self.msg(Msg::Scan {
            id,
            event: ScanEvent::Finished(Box::new(bench)),
        })
    }

    pub fn msg(&mut self, m: Msg) -> Vec<Effect> {
        self.app.update(m, &self.keymap)
    }

    pub fn key(&mut self, code: KeyCode) -> Vec<Effect> {
        self.key_mod(code, KeyModifiers::NONE)
    }

    pub fn key_mod(&mut self, code: KeyCode, m: KeyModifiers) -> Vec<Effect> {
        self.msg(Msg::Key(KeyEvent::new(code, m)))
    }

    pub fn ctrl(&mut self, c: char) -> Vec<Effect> {
        self.key_mod(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    pub fn chars(&mut self, text: &str) -> Vec<Effect> {
        let mut out = Vec::new();
        for c in text.chars() {
            out.extend(self.key(KeyCode::Char(c)));
        }
        out
    }

    pub fn screen(&self, w: u16, h: u16) -> String {
        let mut term = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        term.draw(|f| views::draw(f, &self.app, &self.keymap, &self.theme))
            .expect("draw");
        let buf = term.backend().buffer().clone();
        let mut out = String::new();
        for y in 0..buf.area.height {
            let line: String = (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect();
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }

    /// The finding under the cursor of the findings table.
    pub fn selected_finding(&self) -> docket::findings::Finding {
        let row = self.app.findings.current().expect("a selected row");
        let bench = self.app.data.as_ref().expect("loaded");
        bench.scan.findings[row.index].clone()
    }
}
