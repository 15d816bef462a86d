//! Installing a finished scan: the tables (rows built by the scan task), then triage and
//! suppressions as the scan task settled them (`tui::settle`), or settled here when the
//! scan brought none or the operator changed the book, the rules or the disabled checks
//! while it ran. The findings view is filtered once.

use std::sync::Arc;

use super::{findings_table, App, Route, TableState};
use crate::findings::suppress::Evaluation;
use crate::session::{Event, SuppressionAction};
use crate::tui::msg::{Effect, Prebuilt, Workbench};
use crate::tui::rows::{check_rows, CheckRow, InventoryTab};
use crate::tui::settle::{self, SettleInputs, Settled};

impl App {
    /// What the scan task needs to settle triage and suppressions off the UI task:
    /// clones of the book, the rules and the disabled checks, and the clock.
    pub fn settle_inputs(&self) -> SettleInputs {
        SettleInputs {
            book: self.triage.clone(),
            rules: self.rules.clone(),
            disabled: self.disabled.clone(),
            clock: self.clock,
        }
    }

    /// Install a finished scan: every table's rows (built once), then triage and
    /// suppressions brought in line with it (the effects record and save what changed).
    pub fn load(&mut self, mut bench: Workbench) -> Vec<Effect> {
        let mut pre = match bench.prebuilt.take() {
            Some(p) => {
                Arc::try_unwrap(p).unwrap_or_else(|_| Prebuilt::build(&bench.snapshot, &bench.scan))
            }
            None => Prebuilt::build(&bench.snapshot, &bench.scan),
        };
        let settled = match pre.settled.take() {
            Some(s) if s.from.same_as(&self.triage, &self.rules, &self.disabled) => s,
            // None settled, or settled from what the operator has changed since.
            _ => settle::settle(
                &bench.snapshot,
                &bench.scan,
                self.settle_inputs(),
                &mut pre.findings,
            ),
        };
        self.totals = Some(pre.totals);
        self.top_checks = pre.top_checks;
        // The operator's filter survives a rescan (a remediation's verification rescans).
        let (filter, query) = (
            std::mem::take(&mut self.findings.filter),
            self.findings.query.clone(),
        );
        self.findings = findings_table(pre.findings);
        self.findings.filter = filter;
        self.findings.query = query;
        self.checks = TableState::new(check_rows(&bench.scan, &self.disabled), &CheckRow::COLUMNS);
        self.inventory = InventoryTab::ALL
            .iter()
            .zip(pre.inventory)
            .map(|(tab, rows)| TableState::new(rows, tab.columns()))
            .collect();
        // Findings of a previous scan may not exist any more.
        self.marks.clear();
        self.routes.retain(|r| {
            matches!(
                r,
                Route::Overview
                    | Route::Inventory
                    | Route::Checks
                    | Route::Rules
                    | Route::Log
                    | Route::Dpia
                    | Route::Findings { resource: None }
            )
        });
        if self.routes.is_empty() {
            self.routes.push(Route::Overview);
        }
        self.data = Some(bench);
        let mut effects = self.adopt(settled);
        self.refresh_findings();
        if matches!(self.route(), Route::Dpia) {
            effects.push(Effect::BuildDpia {
                scan_id: self.data_scan,
            });
        }
        effects
    }

    /// Take the settled evaluation and book: rules that expired since the session
    /// started are recorded once, then each change the reconciliation made, then the
    /// book is saved.
    fn adopt(&mut self, settled: Settled) -> Vec<Effect> {
        let summary = settled.summary();
        self.triage = settled.book;
        let mut effects = self.set_evaluation(settled.evaluation, settled.hides);
        if let Some(text) = summary {
            effects.extend(settled.events.into_iter().map(Effect::Record));
            effects.push(Effect::SaveTriage(Box::new(self.triage.clone())));
            self.say(text);
        }
        effects
    }

    /// A new rule evaluation: the expired rules not yet recorded in this session's log.
    pub(super) fn set_evaluation(
        &mut self,
        evaluation: Evaluation,
        hides: std::collections::BTreeMap<String, usize>,
    ) -> Vec<Effect> {
        self.evaluation = evaluation;
        self.rule_hides = hides;
        let mut effects = Vec::new();
        for id in self.evaluation.expired.clone() {
            if self.expired_logged.insert(id.clone()) {
                effects.push(Effect::Record(Event::Suppression {
                    action: SuppressionAction::Expired,
                    rule_id: id.clone(),
                    rule: self.rule_text(&id),
                }));
            }
        }
        effects
    }
}
