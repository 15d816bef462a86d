//! What each action does to the state, and the input lines' keys. One small function per
//! concern; `act` only dispatches.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::input::{self, Input, InputKind, Parsed};
use super::route::{ResourceFilter, Route};
use super::triage::{FormVerb, QuickVerb};
use super::App;
use crate::tui::action::Action;
use crate::tui::keymap::Keymap;
use crate::tui::msg::Effect;
use crate::tui::rows::{check_rows, Grouping, InventoryTab};

/// Rows a page key moves.
const PAGE: isize = 20;

impl App {
    pub(super) fn act(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Quit => {
                self.quit = true;
                vec![Effect::Quit]
            }
            Action::Back => {
                self.back();
                Vec::new()
            }
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom => {
                self.navigate(action);
                Vec::new()
            }
            Action::NextTab | Action::PrevTab => {
                self.tab(action == Action::NextTab);
                self.plan_viewed()
            }
            Action::Enter => {
                self.enter();
                Vec::new()
            }
            Action::Palette => {
                self.input = Some(Input::new(InputKind::Palette, ""));
                Vec::new()
            }
            Action::Filter => {
                self.open_filter();
                Vec::new()
            }
            Action::Help => {
                self.help = !self.help;
                Vec::new()
            }
            Action::Mark | Action::MarkAll | Action::ClearMarks => {
                self.mark(action);
                Vec::new()
            }
            Action::Rescan => self.rescan(),
            Action::CancelScan => self.cancel(),
            Action::Export => self.export("csv"),
            Action::SortNext | Action::SortReverse => {
                if let Some(t) = self.current_table_mut() {
                    if action == Action::SortNext {
                        t.sort_next()
                    } else {
                        t.sort_reverse()
                    }
                }
                Vec::new()
            }
            Action::GroupNext => {
                self.group_next();
                Vec::new()
            }
            Action::ToggleCheck => {
                self.toggle_check();
                Vec::new()
            }
            Action::RawObject => {
                self.raw_object();
                Vec::new()
            }
            Action::Overview => self.go(Route::Overview),
            Action::Inventory => self.go(Route::Inventory),
            Action::Findings => self.go(Route::Findings { resource: None }),
            Action::Checks => self.go(Route::Checks),
            Action::Acknowledge => self.triage_quick(QuickVerb::Acknowledge),
            Action::InProgress => self.triage_quick(QuickVerb::InProgress),
            Action::Reopen => self.triage_quick(QuickVerb::Reopen),
            Action::RiskAccept => self.form(FormVerb::RiskAccept),
            Action::FalsePositive => self.form(FormVerb::FalsePositive),
            Action::Note => self.form(FormVerb::Note),
            Action::Owner => self.form(FormVerb::Owner),
            Action::Suppress => {
                self.suppress_selected();
                Vec::new()
            }
            Action::ToggleSuppressed => {
                self.toggle_suppressed();
                Vec::new()
            }
            Action::Apply => {
                self.apply_selected();
                Vec::new()
            }
            Action::CopyPlan => self.copy_plan(),
            Action::Edit => {
                self.edit_rule();
                Vec::new()
            }
            Action::Delete => {
                self.delete_rule();
                Vec::new()
            }
            Action::Rules => {
                self.list_selected = 0;
                self.go(Route::Rules)
            }
            Action::Log => self.open_log(),
            Action::Dpia => self.open_dpia(),
        }
    }

    fn form(&mut self, verb: FormVerb) -> Vec<Effect> {
        self.open_form(verb);
        Vec::new()
    }

    /// Switch to a top-level view (the breadcrumbs restart there).
    fn go(&mut self, route: Route) -> Vec<Effect> {
        self.help = false;
        self.raw = None;
        self.routes = vec![route];
        if matches!(self.route(), Route::Findings { .. }) {
            self.refresh_findings();
        }
        Vec::new()
    }

    fn back(&mut self) {
        if self.help {
            self.help = false;
        } else if self.raw.is_some() {
            self.raw = None;
        } else if self.routes.len() > 1 {
            let left = self.routes.pop();
            if matches!(left, Some(Route::Findings { resource: Some(_) })) {
                self.refresh_findings();
            }
            self.scroll = 0;
        } else if let Some(t) = self.current_filter_text() {
            if !t.is_empty() {
                self.apply_filter("");
            }
        }
    }

    fn navigate(&mut self, action: Action) {
        if matches!(self.route(), Route::Rules | Route::Dpia) && !self.help {
            let len = match self.route() {
                Route::Dpia => self.dpia_stores().len(),
                _ => self.rules.rules.len(),
            };
            let last = len.saturating_sub(1);
            self.list_selected = match action {
                Action::Up => self.list_selected.saturating_sub(1),
                Action::Down => (self.list_selected + 1).min(last),
                Action::PageUp => self.list_selected.saturating_sub(PAGE as usize),
                Action::PageDown => (self.list_selected + PAGE as usize).min(last),
                Action::Top => 0,
                _ => last,
            };
            return;
        }
        if self.help
            || self.raw.is_some()
            || matches!(
                self.route(),
                Route::Detail { .. } | Route::XRay { .. } | Route::Overview | Route::Log
            )
        {
            self.scroll = match action {
                Action::Up => self.scroll.saturating_sub(1),
                Action::Down => self.scroll.saturating_add(1),
                Action::PageUp => self.scroll.saturating_sub(PAGE as u16),
                Action::PageDown => self.scroll.saturating_add(PAGE as u16),
                Action::Top => 0,
                _ => self.scroll.saturating_add(1000),
            };
            return;
        }
        if self.grouped() {
            let n = self.groups().len();
            let last = n.saturating_sub(1) as isize;
            let at = self.group_selected as isize;
            let to = match action {
                Action::Up => at - 1,
                Action::Down => at + 1,
                Action::PageUp => at - PAGE,
                Action::PageDown => at + PAGE,
                Action::Top => 0,
                _ => last,
            };
            self.group_selected = to.clamp(0, last.max(0)) as usize;
            return;
        }
        if let Some(t) = self.current_table_mut() {
            match action {
                Action::Up => t.move_by(-1),
                Action::Down => t.move_by(1),
                Action::PageUp => t.move_by(-PAGE),
                Action::PageDown => t.move_by(PAGE),
                Action::Top => t.top(),
                _ => t.bottom(),
            }
        }
    }

    fn tab(&mut self, forward: bool) {
        match self.route() {
            Route::Inventory => {
                let n = InventoryTab::ALL.len();
                let i = self.inventory_index();
                let next = if forward {
                    (i + 1) % n
                } else {
                    (i + n - 1) % n
                };
                self.inventory_tab = InventoryTab::ALL[next];
            }
            Route::Detail { .. } => {
                self.detail_tab = if forward {
                    (self.detail_tab + 1) % DETAIL_TABS
                } else {
                    (self.detail_tab + DETAIL_TABS - 1) % DETAIL_TABS
                };
                self.scroll = 0;
            }
            _ => {}
        }
    }

    /// Opening the remediation tab of a finding is recorded in the session log.
    fn plan_viewed(&self) -> Vec<Effect> {
        let (Route::Detail { index }, Some(bench)) = (self.route(), &self.data) else {
            return Vec::new();
        };
        if self.detail_tab != REMEDIATION_TAB {
            return Vec::new();
        }
        let Some(f) = bench.scan.findings.get(*index) else {
            return Vec::new();
        };
        let plan = crate::remediate::plan(f, &bench.snapshot);
        vec![Effect::Record(crate::session::Event::Remediation {
            action: crate::session::RemediationAction::Viewed,
            fingerprint: f.fingerprint.clone(),
            target: plan.summary.clone(),
            plan_digest: crate::remediate::digest(&plan),
            dry_run: false,
            detail: format!("{} plan viewed", f.check_id),
        })]
    }

    /// Enter: finding -> detail; inventory row -> x-ray; check -> its findings.
    fn enter(&mut self) {
        match self.route().clone() {
            Route::Findings { .. } if self.grouped() => {
                let groups = self.groups();
                if let Some(g) = groups.get(self.group_selected) {
                    let by = self.grouping;
                    let findings = self
                        .findings
                        .view
                        .visible
                        .iter()
                        .map(|&i| &self.findings.rows[i as usize])
                        .filter(|r| r.group_id(by) == Some(g.id))
                        .map(|r| r.index)
                        .collect();
                    let filter = ResourceFilter {
                        label: g.label.clone(),
                        findings,
                    };
                    self.grouping = Grouping::None;
                    self.routes.push(Route::Findings {
                        resource: Some(filter),
                    });
                    self.refresh_findings();
                }
            }
            Route::Findings { .. } => {
                if let Some(r) = self.findings.current() {
                    let index = r.index;
                    self.detail_tab = 0;
                    self.scroll = 0;
                    self.routes.push(Route::Detail { index });
                }
            }
            Route::Inventory => {
                let tab = self.inventory_tab;
                let i = self.inventory_index();
                if let Some(t) = self.inventory.get(i) {
                    if let Some(&row) = t.view.visible.get(t.selected) {
                        self.scroll = 0;
                        self.routes.push(Route::XRay {
                            tab,
                            row: row as usize,
                        });
                    }
                }
            }
            Route::XRay { tab, row } => {
                let i = InventoryTab::ALL
                    .iter()
                    .position(|t| *t == tab)
                    .unwrap_or(0);
                if let Some(r) = self.inventory.get(i).and_then(|t| t.rows.get(row)) {
                    let filter = ResourceFilter {
                        label: r.label().to_string(),
                        findings: r.findings().to_vec(),
                    };
                    self.routes.push(Route::Findings {
                        resource: Some(filter),
                    });
                    self.refresh_findings();
                }
            }
            Route::Checks => {
                if let Some(id) = self.checks.current().map(|c| c.id.to_string()) {
                    self.routes.push(Route::Findings { resource: None });
                    self.apply_filter(&format!("check:{id}"));
                }
            }
            Route::Overview => {
                self.go(Route::Findings { resource: None });
            }
            Route::Rules => self.rule_matches(),
            Route::Dpia => self.dpia_findings(),
            Route::Detail { .. } | Route::Log => {}
        }
    }

    fn open_filter(&mut self) {
        if let Some(text) = self.current_filter_text() {
            self.input = Some(Input::new(InputKind::Filter, &text));
        } else {
            self.say("this view has no table to filter".into());
        }
    }

    fn current_filter_text(&self) -> Option<String> {
        match self.route() {
            Route::Findings { .. } => Some(self.findings.filter.clone()),
            Route::Checks => Some(self.checks.filter.clone()),
            Route::Inventory => self
                .inventory
                .get(self.inventory_index())
                .map(|t| t.filter.clone()),
            _ => None,
        }
    }

    /// Apply a filter to the current table (live, on every keystroke).
    pub(super) fn apply_filter(&mut self, text: &str) {
        let (disabled, only) = self.findings_scope();
        let problems = match self.route() {
            Route::Findings { .. } => {
                self.findings
                    .set_filter(text, &|r| super::keep_finding(r, &disabled, only.as_ref()));
                self.findings.query.problems().to_vec()
            }
            Route::Checks => {
                self.checks.set_filter(text, &|_| true);
                self.checks.query.problems().to_vec()
            }
            Route::Inventory => {
                let i = self.inventory_index();
                match self.inventory.get_mut(i) {
                    Some(t) => {
                        t.set_filter(text, &|_| true);
                        t.query.problems().to_vec()
                    }
                    None => Vec::new(),
                }
            }
            _ => Vec::new(),
        };
        if let Some(p) = problems.first() {
            self.error(p.clone());
        }
    }

    fn mark(&mut self, action: Action) {
        if !matches!(self.route(), Route::Findings { .. }) {
            self.say("marks apply to findings".into());
            return;
        }
        match action {
            Action::Mark => {
                if let Some(i) = self.findings.current().map(|r| r.index) {
                    if !self.marks.remove(&i) {
                        self.marks.insert(i);
                    }
                    self.findings.move_by(1);
                }
            }
            Action::MarkAll => {
                let rows = &self.findings.rows;
                self.marks.extend(
                    self.findings
                        .view
                        .visible
                        .iter()
                        .map(|&i| rows[i as usize].index),
                );
                self.say(format!("{} findings marked", self.marks.len()));
            }
            _ => self.marks.clear(),
        }
    }

    /// The findings table is showing groups.
    pub(super) fn grouped(&self) -> bool {
        self.grouping != Grouping::None && matches!(self.route(), Route::Findings { .. })
    }

    /// The groups of the visible findings, computed once per change of the view or the
    /// grouping (a frame of a grouped table with 150,000 findings would otherwise group
    /// them all again).
    pub fn groups(&self) -> std::sync::Arc<Vec<crate::tui::rows::Group>> {
        let key = (self.findings.view.generation(), self.grouping);
        if let Some((k, groups)) = &*self.group_memo.borrow() {
            if *k == key {
                return std::sync::Arc::clone(groups);
            }
        }
        let groups = std::sync::Arc::new(crate::tui::rows::group_findings(
            &self.findings.rows,
            &self.findings.view.visible,
            self.grouping,
        ));
        *self.group_memo.borrow_mut() = Some((key, std::sync::Arc::clone(&groups)));
        groups
    }

    fn group_next(&mut self) {
        self.grouping = self.grouping.next();
        self.group_selected = 0;
        let label = match self.grouping {
            Grouping::None => "not grouped",
            Grouping::ByCheck => "grouped by check",
            Grouping::ByResource => "grouped by resource",
        };
        self.say(label.into());
    }

    fn toggle_check(&mut self) {
        let Some(id) = self.checks.current().map(|c| c.id.to_string()) else {
            return;
        };
        let enabled = if self.disabled.remove(&id) {
            true
        } else {
            self.disabled.insert(id.clone());
            false
        };
        if let Some(bench) = &self.data {
            let (sel, filter) = (self.checks.selected, self.checks.filter.clone());
            self.checks = super::TableState::new(
                check_rows(&bench.scan, &self.disabled),
                &crate::tui::rows::CheckRow::COLUMNS,
            );
            self.checks.set_filter(&filter, &|_| true);
            self.checks.selected = sel.min(self.checks.len().saturating_sub(1));
        }
        self.refresh_findings();
        self.say(format!(
            "{id} {} for this session",
            if enabled { "enabled" } else { "disabled" }
        ));
    }

    fn raw_object(&mut self) {
        let Some(bench) = &self.data else { return };
        let text = match self.route() {
            Route::Detail { index } => bench
                .scan
                .findings
                .get(*index)
                .and_then(|f| serde_json::to_string_pretty(f).ok()),
            Route::Findings { .. } => self
                .findings
                .current()
                .and_then(|r| bench.scan.findings.get(r.index))
                .and_then(|f| serde_json::to_string_pretty(f).ok()),
            Route::Inventory | Route::XRay { .. } => {
                let i = self.inventory_index();
                self.inventory
                    .get(i)
                    .and_then(|t| t.current())
                    .and_then(|r| super::raw::object(&bench.snapshot, &r.key))
            }
            _ => None,
        };
        match text {
            Some(t) => {
                self.scroll = 0;
                self.raw = Some(t);
            }
            None => self.say("nothing selected".into()),
        }
    }

    /// Start a new scan; a running one is cancelled (the latest wins).
    pub(super) fn rescan(&mut self) -> Vec<Effect> {
        let id = self.scan.begin();
        self.dirty = true;
        vec![Effect::StartScan { id }]
    }

    fn cancel(&mut self) -> Vec<Effect> {
        if self.scan.running.take().is_some() {
            self.say("scan cancelled; showing the previous results".into());
            vec![Effect::CancelScan]
        } else {
            self.say("no scan is running".into());
            Vec::new()
        }
    }

    /// Keys while an input line is open: characters edit, the keymap does the rest.
    pub(super) fn input_key(&mut self, key: KeyEvent, keymap: &Keymap) -> Vec<Effect> {
        let plain = !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        let Some(input) = self.input.as_mut() else {
            return Vec::new();
        };
        let kind = input.kind;
        let mut edited = true;
        match key.code {
            KeyCode::Char(c) if plain => input.insert(c),
            KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => input.clear(),
            KeyCode::Char('w') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                input.delete_word()
            }
            KeyCode::Backspace => input.backspace(),
            KeyCode::Delete => input.delete(),
            KeyCode::Left => input.left(),
            KeyCode::Right => input.right(),
            KeyCode::Home => input.home(),
            KeyCode::End => input.end(),
            _ => edited = false,
        }
        if edited {
            if kind == InputKind::Filter {
                let text = input.text.clone();
                self.apply_filter(&text);
            }
            return Vec::new();
        }
        match keymap.resolve(self.layer(), &key) {
            Some(Action::Enter) => self.submit(),
            Some(Action::Back) => {
                if let Some(i) = self.input.take() {
                    if i.kind == InputKind::Filter {
                        self.apply_filter(&i.before);
                    }
                }
                Vec::new()
            }
            Some(Action::NextTab) if kind == InputKind::Palette => {
                if let Some(i) = self.input.as_mut() {
                    let candidates = i.complete();
                    if candidates.len() > 1 {
                        self.say(candidates.join("  "));
                    }
                }
                Vec::new()
            }
            Some(Action::Quit) => self.act(Action::Quit),
            _ => Vec::new(),
        }
    }

    fn submit(&mut self) -> Vec<Effect> {
        let Some(input) = self.input.take() else {
            return Vec::new();
        };
        if input.kind == InputKind::Filter {
            return Vec::new(); // already applied live
        }
        if input.text.trim().is_empty() {
            return Vec::new();
        }
        match input::parse(&input.text) {
            Ok(cmd) => self.command(cmd),
            Err(e) => {
                self.error(e);
                Vec::new()
            }
        }
    }

    fn command(&mut self, cmd: Parsed) -> Vec<Effect> {
        match cmd {
            Parsed::Overview => self.go(Route::Overview),
            Parsed::Inventory(tab) => {
                if let Some(tab) = tab {
                    self.inventory_tab = tab;
                }
                self.go(Route::Inventory)
            }
            Parsed::Findings(filter) => {
                let fx = self.go(Route::Findings { resource: None });
                if let Some(f) = filter {
                    self.apply_filter(&f);
                }
                fx
            }
            Parsed::Checks => self.go(Route::Checks),
            Parsed::Rules => self.act(Action::Rules),
            Parsed::Log => self.act(Action::Log),
            Parsed::Dpia => self.act(Action::Dpia),
            Parsed::Scan => self.rescan(),
            Parsed::Cancel => self.cancel(),
            Parsed::Context(name) => {
                self.context = Some(name.clone());
                self.say(format!("rescanning with kube context {name}"));
                self.rescan()
            }
            Parsed::Export(format) => self.export(&format),
            Parsed::ExportSession(format) => self.export_session(&format),
            Parsed::Help => {
                self.help = true;
                Vec::new()
            }
            Parsed::Quit => self.act(Action::Quit),
        }
    }
}

/// Tabs of the finding detail pane: overview, evidence, remediation, references.
pub const DETAIL_TABS: usize = 4;
const REMEDIATION_TAB: usize = 2;
