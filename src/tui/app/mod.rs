//! The one owner of the TUI's state. `update` is pure: a message in, state changed, effects
//! out; the runtime performs the effects. Views only read the state.

mod actions;
mod apply;
pub mod dialog;
mod dpia;
mod export;
pub mod input;
mod install;
mod log_view;
mod raw;
mod route;
mod rules;
mod scan_status;
mod table;
pub mod triage;

use std::cell::Cell;
use std::collections::{BTreeSet, HashSet};

use crossterm::event::{KeyEvent, KeyEventKind, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;

pub use apply::applicable;
pub use dialog::{Dialog, DialogKey, DialogKind};
pub use input::{Input, InputKind};
pub use route::{ResourceFilter, Route};
pub use scan_status::ScanStatus;
pub use table::TableState;

use super::action::Layer;
use super::keymap::Keymap;
use super::msg::{Effect, Msg, ScanEvent, Workbench};
use super::rows::{CheckRow, FindingRow, Grouping, InventoryRow, InventoryTab};
use crate::report::Totals;

/// A transient message under the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flash {
    pub text: String,
    pub error: bool,
    /// Cleared at this tick.
    pub until: u64,
}

/// The memo behind [`App::groups`].
pub type GroupMemo =
    std::cell::RefCell<Option<((u64, Grouping), std::sync::Arc<Vec<super::rows::Group>>)>>;

/// How long a flash stays, in ticks (250 ms each).
const FLASH_TICKS: u64 = 16;

pub struct App {
    pub routes: Vec<Route>,
    pub data: Option<Workbench>,
    /// Summary numbers of the current scan, for the overview.
    pub totals: Option<Totals>,
    /// Per check with findings: (id, findings, worst severity), worst first; counted once
    /// per scan so the overview stays cheap with 150,000 findings.
    pub top_checks: Vec<(String, usize, crate::checks::Severity)>,
    pub findings: TableState<FindingRow>,
    pub checks: TableState<CheckRow>,
    pub inventory_tab: InventoryTab,
    pub inventory: Vec<TableState<InventoryRow>>,
    pub grouping: Grouping,
    /// Selected group while the findings are grouped.
    pub group_selected: usize,
    /// The groups last computed: ((view generation, grouping), groups); see `groups()`.
    pub group_memo: GroupMemo,
    /// Checks disabled for this session: their findings are hidden everywhere.
    pub disabled: BTreeSet<String>,
    /// Marked findings (indices into `ScanResult.findings`), for bulk actions.
    pub marks: BTreeSet<usize>,
    pub input: Option<Input>,
    pub help: bool,
    /// The raw (normalized, redacted) object overlay.
    pub raw: Option<String>,
    pub detail_tab: usize,
    pub scroll: u16,
    pub flash: Option<Flash>,
    pub scan: ScanStatus,
    /// Where the current table was drawn, for mouse clicks (set by the views).
    pub table_area: Cell<Rect>,
    pub quit: bool,
    pub dirty: bool,
    /// Directory exports are written to.
    pub export_dir: std::path::PathBuf,
    /// The session log of this session, shown in the overview.
    pub session_log: Option<std::path::PathBuf>,
    /// Kube context override from `:ctx NAME`.
    pub context: Option<String>,
    pub tick: u64,
    /// What the operator decided about findings (loaded from the triage store).
    pub triage: crate::findings::triage::TriageBook,
    /// Suppression rules (from the rules file) and what they do to the current scan.
    pub rules: crate::findings::suppress::RuleSet,
    pub evaluation: crate::findings::suppress::Evaluation,
    /// Rule id -> findings of the current scan it hides (counted once per evaluation).
    pub rule_hides: std::collections::BTreeMap<String, usize>,
    /// Suppressed findings are hidden unless this is on (`S`).
    pub show_suppressed: bool,
    /// The open modal form, if any: it takes every key.
    pub dialog: Option<Dialog>,
    /// Who triage changes are made by (the OS user unless configured).
    pub operator: String,
    /// The clock triage reads (injected so tests decide what time it is).
    pub clock: fn() -> time::OffsetDateTime,
    /// Where the rules live (shown in the rules view and the editor).
    pub rules_path: Option<std::path::PathBuf>,
    /// Expired rules already recorded in the session log.
    pub expired_logged: BTreeSet<String>,
    /// Selected row of the rules view.
    pub list_selected: usize,
    /// The session log as last read back, for the log view.
    pub log_view: Option<super::msg::LogView>,
    /// Started with `--allow-changes`: remediations may be applied (after confirmation).
    pub allow_changes: bool,
    /// The DPIA register of the current scan (built on demand), and the scan it is of.
    pub dpia: Option<(u64, Result<Box<crate::dpia::Register>, String>)>,
    /// The id of the scan whose results are loaded.
    pub data_scan: u64,
}

impl App {
    pub fn new(export_dir: std::path::PathBuf) -> App {
        App {
            routes: vec![Route::Overview],
            data: None,
            totals: None,
            top_checks: Vec::new(),
            findings: findings_table(Vec::new()),
            checks: TableState::new(Vec::new(), &CheckRow::COLUMNS),
            inventory_tab: InventoryTab::Containers,
            inventory: InventoryTab::ALL
                .iter()
                .map(|tab| TableState::new(Vec::new(), tab.columns()))
                .collect(),
            grouping: Grouping::None,
            group_selected: 0,
            group_memo: Default::default(),
            disabled: BTreeSet::new(),
            marks: BTreeSet::new(),
            input: None,
            help: false,
            raw: None,
            detail_tab: 0,
            scroll: 0,
            flash: None,
            scan: ScanStatus::default(),
            table_area: Cell::new(Rect::default()),
            quit: false,
            dirty: true,
            export_dir,
            context: None,
            session_log: None,
            tick: 0,
            triage: Default::default(),
            rules: Default::default(),
            evaluation: Default::default(),
            rule_hides: Default::default(),
            show_suppressed: false,
            dialog: None,
            operator: "operator".into(),
            clock: time::OffsetDateTime::now_utc,
            rules_path: None,
            expired_logged: BTreeSet::new(),
            list_selected: 0,
            log_view: None,
            allow_changes: false,
            dpia: None,
            data_scan: 0,
        }
    }

    /// The effects to run at start-up: the first scan.
    pub fn start(&mut self) -> Vec<Effect> {
        self.rescan()
    }

    pub fn route(&self) -> &Route {
        self.routes.last().unwrap_or(&Route::Overview)
    }

    /// The keymap layer of what has focus.
    pub fn layer(&self) -> Layer {
        if let Some(i) = &self.input {
            return match i.kind {
                InputKind::Palette => Layer::Palette,
                InputKind::Filter => Layer::Filter,
            };
        }
        if self.help {
            return Layer::Help;
        }
        if self.raw.is_some() {
            return Layer::Detail;
        }
        match self.route() {
            Route::Overview => Layer::Overview,
            Route::Detail { .. } | Route::XRay { .. } => Layer::Detail,
            Route::Rules => Layer::Rules,
            Route::Log => Layer::Log,
            Route::Dpia => Layer::Dpia,
            _ => Layer::Table,
        }
    }

    pub fn update(&mut self, msg: Msg, keymap: &Keymap) -> Vec<Effect> {
        match msg {
            Msg::Key(key) if key.kind != KeyEventKind::Release => {
                self.dirty = true;
                self.key(key, keymap)
            }
            Msg::Key(_) => Vec::new(),
            Msg::Mouse(m) => self.mouse(m),
            Msg::Resize(..) => {
                self.dirty = true;
                Vec::new()
            }
            Msg::Tick => {
                self.tick += 1;
                if self.flash.as_ref().is_some_and(|f| f.until <= self.tick) {
                    self.flash = None;
                    self.dirty = true;
                }
                if self.scan.running.is_some() {
                    self.dirty = true;
                }
                Vec::new()
            }
            Msg::Scan { id, event } => {
                if self.scan.running != Some(id) {
                    return Vec::new(); // a cancelled or superseded scan
                }
                self.dirty = true;
                if matches!(event, ScanEvent::Finished(_)) {
                    self.data_scan = id;
                }
                self.scan_event(event)
            }
            Msg::Done(Ok(text)) => {
                self.say(text);
                Vec::new()
            }
            Msg::Done(Err(text)) => {
                self.error(text);
                Vec::new()
            }
            Msg::Log(view) => {
                self.log_loaded(view);
                Vec::new()
            }
            Msg::Apply(step) => {
                self.dirty = true;
                self.apply_step(step)
            }
            Msg::Dpia { scan_id, register } => {
                self.dirty = true;
                self.dpia = Some((scan_id, register));
                Vec::new()
            }
        }
    }

    fn key(&mut self, key: KeyEvent, keymap: &Keymap) -> Vec<Effect> {
        if self.dialog.is_some() {
            return self.dialog_key(key);
        }
        if self.input.is_some() {
            return self.input_key(key, keymap);
        }
        match keymap.resolve(self.layer(), &key) {
            Some(action) => self.act(action),
            None => Vec::new(),
        }
    }

    fn mouse(&mut self, m: MouseEvent) -> Vec<Effect> {
        match m.kind {
            MouseEventKind::ScrollDown => {
                self.dirty = true;
                self.act(super::action::Action::Down)
            }
            MouseEventKind::ScrollUp => {
                self.dirty = true;
                self.act(super::action::Action::Up)
            }
            MouseEventKind::Down(_) => {
                let area = self.table_area.get();
                // Row 0 of the area is the header.
                if m.column >= area.x
                    && m.column < area.x + area.width
                    && m.row > area.y
                    && m.row < area.y + area.height
                {
                    let pos = (m.row - area.y - 1) as usize;
                    if let Some(t) = self.current_table_mut() {
                        let target = t.offset() + pos;
                        if target < t.len() {
                            t.set_selected(target);
                        }
                    }
                    self.dirty = true;
                }
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    fn scan_event(&mut self, event: ScanEvent) -> Vec<Effect> {
        match event {
            ScanEvent::Progress(p) => {
                self.scan.progress(p);
                Vec::new()
            }
            ScanEvent::Failed(message) => {
                self.scan.running = None;
                self.error(format!("scan failed: {message}"));
                Vec::new()
            }
            ScanEvent::Finished(bench) => {
                self.scan.running = None;
                let errors = bench.source_errors.len();
                // A message still showing (an apply's verification) outranks this one.
                if self.flash.is_none() {
                    self.say("scan complete".to_string());
                }
                let effects = self.load(*bench);
                if errors > 0 {
                    self.error(format!(
                        "{errors} source(s) could not be read: see the overview"
                    ));
                }
                effects
            }
        }
    }

    /// Keys while a dialog is open: it takes them all.
    fn dialog_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        self.dirty = true;
        let Some(d) = self.dialog.as_mut() else {
            return Vec::new();
        };
        match d.key(key) {
            DialogKey::Edited => Vec::new(),
            DialogKey::Cancel => {
                self.dialog = None;
                Vec::new()
            }
            DialogKey::Submit => match self.dialog.take() {
                Some(d) => self.submit_dialog(d),
                None => Vec::new(),
            },
        }
    }

    /// A submitted dialog: each kind is handled where its domain lives.
    fn submit_dialog(&mut self, d: Dialog) -> Vec<Effect> {
        match d.kind {
            DialogKind::RiskAccept { .. }
            | DialogKind::FalsePositive { .. }
            | DialogKind::Note { .. }
            | DialogKind::Owner { .. } => self.submit_triage(d),
            DialogKind::Rule { .. } | DialogKind::DeleteRule { .. } => self.submit_rule(d),
            DialogKind::Apply { .. } => self.submit_apply(d),
        }
    }

    /// Re-apply what hides findings: the filter, disabled checks, a resource drill-down.
    pub fn refresh_findings(&mut self) {
        let (disabled, only) = self.findings_scope();
        let show_suppressed = self.show_suppressed;
        self.findings.refresh(&|r: &FindingRow| {
            (show_suppressed || r.state != "suppressed")
                && keep_finding(r, &disabled, only.as_ref())
        });
    }

    fn findings_scope(&self) -> (BTreeSet<String>, Option<HashSet<usize>>) {
        let only = match self.route() {
            Route::Findings { resource: Some(r) } => Some(r.findings.iter().copied().collect()),
            _ => None,
        };
        (self.disabled.clone(), only)
    }

    /// The table of the current route, if it has one.
    pub fn current_table_mut(&mut self) -> Option<&mut dyn TableNav> {
        match self.route() {
            Route::Findings { .. } => Some(&mut self.findings),
            Route::Checks => Some(&mut self.checks),
            Route::Inventory => {
                let i = self.inventory_index();
                self.inventory.get_mut(i).map(|t| t as &mut dyn TableNav)
            }
            _ => None,
        }
    }

    pub fn inventory_index(&self) -> usize {
        InventoryTab::ALL
            .iter()
            .position(|t| *t == self.inventory_tab)
            .unwrap_or(0)
    }

    pub fn say(&mut self, text: String) {
        self.flash = Some(Flash {
            text,
            error: false,
            until: self.tick + FLASH_TICKS,
        });
        self.dirty = true;
    }

    pub fn error(&mut self, text: String) {
        self.flash = Some(Flash {
            text,
            error: true,
            until: self.tick + FLASH_TICKS * 2,
        });
        self.dirty = true;
    }
}

/// The findings table, worst first; filtered by the first `refresh_findings`.
pub fn findings_table(rows: Vec<FindingRow>) -> TableState<FindingRow> {
    let (column, descending) = FindingRow::DEFAULT_SORT;
    TableState::unfiltered(rows, &FindingRow::COLUMNS, column, descending)
}

fn keep_finding(
    r: &FindingRow,
    disabled: &BTreeSet<String>,
    only: Option<&HashSet<usize>>,
) -> bool {
    !disabled.contains(r.check_id()) && only.is_none_or(|o| o.contains(&r.index))
}

/// What navigation needs from any table, whatever its row type.
pub trait TableNav {
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    fn offset(&self) -> usize;
    fn selected(&self) -> usize;
    fn set_selected(&mut self, i: usize);
    fn move_by(&mut self, delta: isize);
    fn top(&mut self);
    fn bottom(&mut self);
    fn sort_next(&mut self);
    fn sort_reverse(&mut self);
}

impl<R: super::rows::TableRow> TableNav for TableState<R> {
    fn len(&self) -> usize {
        TableState::len(self)
    }
    fn offset(&self) -> usize {
        self.offset.get()
    }
    fn selected(&self) -> usize {
        self.selected
    }
    fn set_selected(&mut self, i: usize) {
        self.selected = i.min(TableState::len(self).saturating_sub(1));
    }
    fn move_by(&mut self, delta: isize) {
        TableState::move_by(self, delta)
    }
    fn top(&mut self) {
        TableState::top(self)
    }
    fn bottom(&mut self) {
        TableState::bottom(self)
    }
    fn sort_next(&mut self) {
        TableState::sort_next(self)
    }
    fn sort_reverse(&mut self) {
        TableState::sort_reverse(self)
    }
}
