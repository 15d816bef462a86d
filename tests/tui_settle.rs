//! Triage and suppressions settled by the scan task (off the UI task) against the book and
//! rules the app had when the scan started: the app adopts them when nothing changed
//! since, with exactly the effects of settling itself, and settles again when the
//! operator changed the book or the rules while the scan ran.

#[path = "support/tui_harness.rs"]
mod tui_harness;

use crossterm::event::KeyCode;
use docket::findings::suppress::RuleSet;
use docket::findings::triage::TriageState;
use docket::session::Event;
use docket::tui::msg::{Effect, Prebuilt, Workbench};
use std::sync::Arc;
use tui_harness::{bench_of, demo_snapshot, Harness};

/// The demo without DC-001 on one container, and that finding's fingerprint.
fn demo_without_dc001() -> (docket::model::Snapshot, String) {
    let mut snap = demo_snapshot();
    let scan = docket::checks::run(&snap, &docket::checks::Selection::default());
    let f = scan
        .findings
        .iter()
        .find(|f| f.check_id == "DC-001")
        .expect("demo has DC-001")
        .clone();
    let c = snap
        .docker
        .containers
        .iter_mut()
        .find(|c| c.name == f.resource.name)
        .expect("container");
    c.privileged = false;
    (snap, f.fingerprint)
}

/// A harness with DC-001 in progress and a rule hiding every DC-002 finding.
fn prepared() -> (Harness, String) {
    let mut h = Harness::loaded();
    let (_, fp) = demo_without_dc001();
    h.key(KeyCode::Char('3'));
    h.key(KeyCode::Char('/'));
    h.chars("check:DC-001");
    h.key(KeyCode::Enter);
    assert_eq!(h.selected_finding().fingerprint, fp);
    h.key(KeyCode::Char('i'));
    h.app.rules = RuleSet::from_toml(
        "[[rule]]\nid = \"no-dc2\"\nchecks = [\"DC-002\"]\nreason = \"test\"\n",
        "test",
    )
    .expect("rule");
    (h, fp)
}

/// What the scan task sends: rows built and triage settled from `inputs`.
fn settled_bench(
    snap: docket::model::Snapshot,
    inputs: docket::tui::settle::SettleInputs,
) -> Workbench {
    let mut w = bench_of(snap);
    w.prebuilt = Some(Arc::new(Prebuilt::build_settled(
        &w.snapshot,
        &w.scan,
        inputs,
    )));
    w
}

fn triage_records(fx: &[Effect]) -> Vec<(String, String, String)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Record(Event::Triage {
                fingerprint,
                from,
                to,
                ..
            }) => Some((fingerprint.clone(), from.clone(), to.clone())),
            _ => None,
        })
        .collect()
}

fn states(h: &Harness) -> Vec<(usize, &'static str)> {
    let mut v: Vec<_> = h
        .app
        .findings
        .rows
        .iter()
        .map(|r| (r.index, r.state))
        .collect();
    v.sort();
    v
}

#[test]
fn settled_off_the_ui_task_is_adopted_with_the_same_effects_and_states() {
    let (mut here, fp) = prepared();
    let (mut off, _) = prepared();
    let (snap, _) = demo_without_dc001();

    let fx_here = here.finish_scan(bench_of(snap.clone()));
    let inputs = off.app.settle_inputs();
    let fx_off = off.finish_scan(settled_bench(snap, inputs));

    assert_eq!(
        triage_records(&fx_off),
        [(fp.clone(), "in progress".to_string(), "fixed".to_string())]
    );
    assert_eq!(format!("{fx_off:?}"), format!("{fx_here:?}"));
    assert_eq!(off.app.triage, here.app.triage);
    assert_eq!(off.app.evaluation, here.app.evaluation);
    assert_eq!(off.app.rule_hides, here.app.rule_hides);
    assert_eq!(states(&off), states(&here));
    assert_eq!(
        off.app.findings.view.visible,
        here.app.findings.view.visible
    );
    let suppressed = states(&off)
        .iter()
        .filter(|(_, s)| *s == "suppressed")
        .count();
    assert_eq!(off.app.rule_hides.get("no-dc2"), Some(&suppressed));
    assert!(suppressed > 0);
    assert!(matches!(
        off.app.triage.state_of(&fp),
        TriageState::Fixed { .. }
    ));
    assert!(off
        .app
        .flash
        .as_ref()
        .is_some_and(|f| f.text == "triage: 1 confirmed fixed"));
}

#[test]
fn a_book_changed_while_the_scan_ran_is_settled_again_by_the_app() {
    let (mut h, fp) = prepared();
    let (snap, _) = demo_without_dc001();
    // The scan starts with the finding in progress ...
    let inputs = h.app.settle_inputs();
    // ... and the operator acknowledges it before the scan finishes.
    h.key(KeyCode::Char('a'));
    assert_eq!(h.app.triage.state_of(&fp), &TriageState::Acknowledged);
    let fx = h.finish_scan(settled_bench(snap, inputs));
    // Fixed from what the book says now (acknowledged), not from the stale copy.
    assert_eq!(
        triage_records(&fx),
        [(fp.clone(), "acknowledged".to_string(), "fixed".to_string())]
    );
    let history = &h.app.triage.get(&fp).expect("record").history;
    assert_eq!(
        history.iter().map(|t| t.to.label()).collect::<Vec<_>>(),
        ["in progress", "acknowledged", "fixed"]
    );
}

#[test]
fn rules_changed_while_the_scan_ran_are_evaluated_again_by_the_app() {
    let (mut h, _) = prepared();
    let (snap, _) = demo_without_dc001();
    let inputs = h.app.settle_inputs();
    h.app.rules = RuleSet::default();
    h.finish_scan(settled_bench(snap, inputs));
    assert!(h.app.evaluation.suppressed.is_empty());
    assert!(h.app.rule_hides.is_empty());
    assert!(h.app.findings.rows.iter().all(|r| r.state != "suppressed"));
}
