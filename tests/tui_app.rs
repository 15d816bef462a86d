//! The workbench without a terminal: message sequences drive the app state and the effects
//! it asks for are asserted; whole screens are rendered to ratatui's TestBackend and
//! compared with insta snapshots (tests/snapshots/tui_app__*.snap; review with `cargo insta
//! review`).

#[path = "support/tui_harness.rs"]
mod tui_harness;

use crossterm::event::{KeyCode, KeyModifiers};
use docket::tui::app::Route;
use docket::tui::msg::{Effect, Msg, ScanEvent, ScanProgress};
use docket::tui::rows::InventoryTab;
use tui_harness::{demo_bench, Harness};

fn findings_visible(h: &Harness) -> usize {
    h.app.findings.view.visible.len()
}

#[test]
fn the_first_scan_is_requested_at_start_and_stale_results_are_ignored() {
    let mut h = Harness::empty();
    assert!(matches!(
        h.app.start().as_slice(),
        [Effect::StartScan { id: 1 }]
    ));
    // A rescan supersedes scan 1: its result must not land.
    assert!(matches!(
        h.key(KeyCode::Char('r')).as_slice(),
        [Effect::StartScan { id: 2 }]
    ));
    h.msg(Msg::Scan {
        id: 1,
        event: ScanEvent::Finished(Box::new(demo_bench())),
    });
    assert!(
        h.app.data.is_none(),
        "a superseded scan's result is dropped"
    );
    h.msg(Msg::Scan {
        id: 2,
        event: ScanEvent::Finished(Box::new(demo_bench())),
    });
    assert!(h.app.data.is_some());
    assert_eq!(h.app.scan.running, None);
}

#[test]
fn cancel_stops_the_running_scan_and_keeps_the_previous_results() {
    let mut h = Harness::loaded();
    h.key(KeyCode::Char('r'));
    assert!(h.app.scan.running.is_some());
    let fx = h.key(KeyCode::Char('C'));
    assert!(matches!(fx.as_slice(), [Effect::CancelScan]));
    assert!(h.app.scan.running.is_none());
    assert!(h.app.data.is_some());
}

#[test]
fn views_are_reachable_by_number_keys_and_by_palette_commands() {
    let mut h = Harness::loaded();
    h.key(KeyCode::Char('3'));
    assert!(matches!(h.app.route(), Route::Findings { resource: None }));
    h.key(KeyCode::Char('4'));
    assert_eq!(h.app.route(), &Route::Checks);
    h.key(KeyCode::Char('2'));
    assert_eq!(h.app.route(), &Route::Inventory);
    h.key(KeyCode::Char('1'));
    assert_eq!(h.app.route(), &Route::Overview);
    for (cmd, tab) in [
        ("ns", InventoryTab::Namespaces),
        ("co", InventoryTab::Containers),
        ("images", InventoryTab::Images),
        ("wl", InventoryTab::Workloads),
        ("hosts", InventoryTab::Hosts),
    ] {
        h.key(KeyCode::Char(':'));
        h.chars(cmd);
        h.key(KeyCode::Enter);
        assert_eq!(h.app.route(), &Route::Inventory, ":{cmd}");
        assert_eq!(h.app.inventory_tab, tab, ":{cmd}");
    }
    h.key(KeyCode::Char(':'));
    h.chars("che");
    h.key(KeyCode::Tab);
    assert_eq!(
        h.app.input.as_ref().map(|i| i.text.as_str()),
        Some("checks ")
    );
    h.key(KeyCode::Enter);
    assert_eq!(h.app.route(), &Route::Checks);
    h.key(KeyCode::Char(':'));
    h.chars("bogus");
    h.key(KeyCode::Enter);
    assert!(h.app.flash.as_ref().is_some_and(|f| f.error));
    h.key(KeyCode::Char(':'));
    h.chars("q");
    assert!(matches!(h.key(KeyCode::Enter).as_slice(), [Effect::Quit]));
}

#[test]
fn the_filter_applies_live_and_escape_restores_the_previous_one() {
    let mut h = Harness::loaded();
    h.key(KeyCode::Char('3'));
    let all = findings_visible(&h);
    assert_eq!(all, h.app.data.as_ref().unwrap().scan.findings.len());
    h.key(KeyCode::Char('/'));
    h.chars("sev:critical");
    let critical = findings_visible(&h);
    assert!(critical > 0 && critical < all, "{critical} of {all}");
    h.key(KeyCode::Enter);
    assert_eq!(h.app.findings.filter, "sev:critical");
    h.key(KeyCode::Char('/'));
    h.chars(" !check:KW-");
    let fewer = findings_visible(&h);
    assert!(fewer < critical);
    h.key(KeyCode::Esc);
    assert_eq!(
        h.app.findings.filter, "sev:critical",
        "esc undoes this edit only"
    );
    assert_eq!(findings_visible(&h), critical);
    // Esc on the table clears the filter.
    h.key(KeyCode::Esc);
    assert_eq!(findings_visible(&h), all);
}

#[test]
fn enter_drills_down_and_escape_walks_back_along_the_breadcrumbs() {
    let mut h = Harness::loaded();
    h.key(KeyCode::Char(':'));
    h.chars("wl");
    h.key(KeyCode::Enter);
    // The first workload with findings.
    let pos = h.app.inventory[h.app.inventory_index()]
        .view
        .visible
        .iter()
        .position(|&i| {
            !h.app.inventory[h.app.inventory_index()].rows[i as usize]
                .findings()
                .is_empty()
        })
        .expect("a workload with findings");
    for _ in 0..pos {
        h.key(KeyCode::Char('j'));
    }
    h.key(KeyCode::Enter);
    assert!(matches!(h.app.route(), Route::XRay { .. }));
    h.key(KeyCode::Enter);
    let n = match h.app.route() {
        Route::Findings { resource: Some(r) } => r.findings.len(),
        other => panic!("expected the workload's findings, got {other:?}"),
    };
    assert_eq!(findings_visible(&h), n);
    h.key(KeyCode::Enter);
    assert!(matches!(h.app.route(), Route::Detail { .. }));
    h.key(KeyCode::Char(']'));
    assert_eq!(h.app.detail_tab, 1);
    h.key(KeyCode::Esc);
    h.key(KeyCode::Esc);
    assert!(matches!(h.app.route(), Route::XRay { .. }));
    h.key(KeyCode::Esc);
    assert_eq!(h.app.route(), &Route::Inventory);
    assert_eq!(h.app.routes.len(), 1);
}

#[test]
fn disabling_a_check_hides_its_findings_until_enabled_again() {
    let mut h = Harness::loaded();
    h.key(KeyCode::Char('4'));
    h.key(KeyCode::Char('/'));
    h.chars("KW-009");
    h.key(KeyCode::Enter);
    let id = h.app.checks.current().map(|c| c.id).expect("KW-009 row");
    assert_eq!(id, "KW-009");
    h.key(KeyCode::Char('e'));
    assert!(h.app.disabled.contains("KW-009"));
    h.key(KeyCode::Char('3'));
    let shown = |h: &Harness| {
        let bench = h.app.data.as_ref().unwrap();
        h.app
            .findings
            .view
            .visible
            .iter()
            .filter(|&&i| {
                bench.scan.findings[h.app.findings.rows[i as usize].index].check_id == "KW-009"
            })
            .count()
    };
    assert_eq!(shown(&h), 0);
    h.key(KeyCode::Char('4'));
    h.key(KeyCode::Char('e'));
    h.key(KeyCode::Char('3'));
    assert!(shown(&h) > 0);
}

#[test]
fn marks_sort_group_and_export() {
    let mut h = Harness::loaded();
    h.key(KeyCode::Char('3'));
    h.key(KeyCode::Char(' '));
    h.key(KeyCode::Char(' '));
    assert_eq!(h.app.marks.len(), 2);
    h.key_mod(KeyCode::Char('a'), KeyModifiers::CONTROL);
    assert_eq!(h.app.marks.len(), findings_visible(&h));
    h.key(KeyCode::Char('M'));
    assert!(h.app.marks.is_empty());
    let before = h.app.findings.view.sort_column;
    h.key(KeyCode::Char('o'));
    assert_ne!(h.app.findings.view.sort_column, before);
    h.key(KeyCode::Char('b'));
    assert_ne!(h.app.grouping, docket::tui::rows::Grouping::None);
    h.key(KeyCode::Char('/'));
    h.chars("sev:critical");
    h.key(KeyCode::Enter);
    let fx = h.key_mod(KeyCode::Char('s'), KeyModifiers::CONTROL);
    let [Effect::Write { path, content }] = fx.as_slice() else {
        panic!("ctrl-s asks for one write: {fx:?}");
    };
    assert!(
        path.display().to_string().ends_with(".csv"),
        "{}",
        path.display()
    );
    assert_eq!(
        content.lines().count(),
        1 + findings_visible(&h),
        "header + visible rows"
    );
    assert!(content.starts_with("SEV,CHECK,"));
    for canary in include_str!("fixtures/canaries.txt")
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        assert!(!content.contains(canary), "{canary} exported");
    }
}

#[test]
fn progress_and_failures_reach_the_state_without_a_crash() {
    let mut h = Harness::empty();
    h.app.start();
    h.msg(Msg::Scan {
        id: 1,
        event: ScanEvent::Progress(ScanProgress {
            source: "kube".into(),
            item: "pods".into(),
            objects: 1500,
            done: false,
            note: String::new(),
        }),
    });
    assert!(h.app.scan.line().contains("kube pods 1500"));
    h.msg(Msg::Scan {
        id: 1,
        event: ScanEvent::Failed("cannot reach the Docker daemon".into()),
    });
    assert!(h
        .app
        .flash
        .as_ref()
        .is_some_and(|f| f.error && f.text.contains("Docker")));
    // Keys on an empty app do nothing harmful.
    for c in [
        '3', 'j', 'k', 'G', 'g', ' ', 'o', 'b', 'e', 'y', '4', '2', ']', '[',
    ] {
        h.key(KeyCode::Char(c));
    }
    h.key(KeyCode::Enter);
    h.key(KeyCode::Esc);
    let _ = h.screen(100, 30);
}

// Whole-screen snapshots, one per view and state.

#[test]
fn screen_overview_loading() {
    let mut h = Harness::empty();
    h.app.start();
    h.msg(Msg::Scan {
        id: 1,
        event: ScanEvent::Progress(ScanProgress {
            source: "kube".into(),
            item: "pods".into(),
            objects: 3500,
            done: false,
            note: "retrying: 429 too many requests".into(),
        }),
    });
    insta::assert_snapshot!(h.screen(120, 30));
}

#[test]
fn screen_overview_loaded() {
    insta::assert_snapshot!(Harness::loaded().screen(160, 45));
}

#[test]
fn screen_findings_loaded_filtered_empty_and_grouped() {
    let mut h = Harness::loaded();
    h.key(KeyCode::Char('3'));
    insta::assert_snapshot!("findings_loaded", h.screen(160, 30));
    h.key(KeyCode::Char('/'));
    h.chars("sev:critical ns:kube");
    insta::assert_snapshot!("findings_filter_typing", h.screen(160, 20));
    h.key(KeyCode::Enter);
    h.key(KeyCode::Char('/'));
    h.chars(" nothing-matches-this");
    h.key(KeyCode::Enter);
    insta::assert_snapshot!("findings_empty", h.screen(120, 12));
    h.key(KeyCode::Esc);
    h.key(KeyCode::Char('b'));
    insta::assert_snapshot!("findings_grouped", h.screen(120, 30));
}

#[test]
fn screen_detail_tabs() {
    let mut h = Harness::loaded();
    h.key(KeyCode::Char('3'));
    h.key(KeyCode::Enter);
    insta::assert_snapshot!("detail_overview", h.screen(120, 24));
    h.key(KeyCode::Char(']'));
    insta::assert_snapshot!("detail_evidence", h.screen(120, 24));
    h.key(KeyCode::Char(']'));
    h.key(KeyCode::Char(']'));
    insta::assert_snapshot!("detail_references", h.screen(120, 24));
}

#[test]
fn screen_inventory_checks_xray_help_palette_and_error() {
    let mut h = Harness::loaded();
    h.key(KeyCode::Char('2'));
    insta::assert_snapshot!("inventory_containers", h.screen(160, 24));
    h.key(KeyCode::Char(']'));
    insta::assert_snapshot!("inventory_workloads", h.screen(160, 24));
    h.key(KeyCode::Enter);
    insta::assert_snapshot!("xray", h.screen(140, 24));
    h.key(KeyCode::Char('4'));
    insta::assert_snapshot!("checks", h.screen(160, 24));
    h.key(KeyCode::Char('?'));
    insta::assert_snapshot!("help", h.screen(120, 50));
    h.key(KeyCode::Esc);
    h.key(KeyCode::Char(':'));
    h.chars("ex");
    insta::assert_snapshot!("palette", h.screen(120, 10));
    h.key(KeyCode::Enter);
    insta::assert_snapshot!("error_flash", h.screen(120, 10));
}

#[test]
fn a_group_opens_as_the_table_of_its_findings() {
    let mut h = Harness::loaded();
    h.key(KeyCode::Char('3'));
    h.key(KeyCode::Char('b'));
    assert_eq!(h.app.grouping, docket::tui::rows::Grouping::ByCheck);
    h.key(KeyCode::Char('j'));
    assert_eq!(h.app.group_selected, 1);
    h.key(KeyCode::Enter);
    let (label, n) = match h.app.route() {
        Route::Findings { resource: Some(r) } => (r.label.clone(), r.findings.len()),
        other => panic!("expected a group's findings, got {other:?}"),
    };
    assert!(n > 0);
    assert_eq!(findings_visible(&h), n);
    let bench = h.app.data.as_ref().unwrap();
    let check = &bench.scan.findings[h.app.findings.current().unwrap().index].check_id;
    assert!(label.contains(check.as_str()), "{label} / {check}");
    h.key(KeyCode::Esc);
    assert_eq!(findings_visible(&h), bench_findings(&h));
}

fn bench_findings(h: &Harness) -> usize {
    h.app.data.as_ref().map_or(0, |d| d.scan.findings.len())
}

#[test]
fn the_remediation_tab_shows_the_plan_and_records_that_it_was_viewed() {
    let mut h = Harness::loaded();
    h.key(KeyCode::Char('3'));
    h.key(KeyCode::Enter);
    assert!(
        h.key(KeyCode::Char(']')).is_empty(),
        "evidence is not logged"
    );
    let fx = h.key(KeyCode::Char(']'));
    match fx.as_slice() {
        [Effect::Record(docket::session::Event::Remediation {
            action,
            plan_digest,
            ..
        })] => {
            assert_eq!(*action, docket::session::RemediationAction::Viewed);
            assert_eq!(plan_digest.len(), 64);
        }
        other => panic!("expected one remediation record, got {other:?}"),
    }
    insta::assert_snapshot!("detail_remediation", h.screen(120, 30));
}
