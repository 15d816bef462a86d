//! Triage, suppression, the session log view and applying a remediation, driven through
//! the workbench's keys without a terminal. Effects (session-log records, saves, applies)
//! are asserted exactly; the forms, the rules view and the log view are insta snapshots.

#[path = "support/tui_harness.rs"]
mod tui_harness;

use crossterm::event::KeyCode;
use docket::findings::suppress::RuleSet;
use docket::findings::triage::TriageState;
use docket::session::{Event, RemediationAction, SuppressionAction};
use docket::tui::app::dialog::Field;
use docket::tui::app::{DialogKind, Route};
use docket::tui::msg::{ApplyStage, ApplyStep, Effect, LogLine, LogView, Msg};
use tui_harness::{bench_of, demo_snapshot, test_now, Harness};

fn records(fx: &[Effect]) -> Vec<&Event> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Record(ev) => Some(ev),
            _ => None,
        })
        .collect()
}

fn saves_triage(fx: &[Effect]) -> bool {
    fx.iter().any(|e| matches!(e, Effect::SaveTriage(_)))
}

fn open_findings(h: &mut Harness, filter: &str) {
    h.key(KeyCode::Char('3'));
    h.key(KeyCode::Char('/'));
    h.chars(filter);
    h.key(KeyCode::Enter);
}

fn flash(h: &Harness) -> String {
    h.app
        .flash
        .as_ref()
        .map(|f| f.text.clone())
        .unwrap_or_default()
}

#[test]
fn ten_marked_findings_are_acknowledged_in_one_keypress_each_logged_and_saved() {
    let mut h = Harness::loaded();
    open_findings(&mut h, "");
    for _ in 0..10 {
        h.key(KeyCode::Char(' '));
    }
    assert_eq!(h.app.marks.len(), 10);
    let marked: Vec<String> = {
        let bench = h.app.data.as_ref().unwrap();
        h.app
            .marks
            .iter()
            .map(|&i| bench.scan.findings[i].fingerprint.clone())
            .collect()
    };
    let fx = h.key(KeyCode::Char('a'));
    let events = records(&fx);
    assert_eq!(events.len(), 10, "one log line per finding");
    for (ev, fp) in events.iter().zip(&marked) {
        match ev {
            Event::Triage {
                fingerprint,
                from,
                to,
                by,
                ..
            } => {
                assert_eq!(fingerprint, fp);
                assert_eq!(
                    (from.as_str(), to.as_str(), by.as_str()),
                    ("open", "acknowledged", "ana")
                );
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    // The records come before the save: the log line is durable first.
    assert!(matches!(fx.last(), Some(Effect::SaveTriage(book)) if book.records.len() == 10));
    assert!(
        h.app.marks.is_empty(),
        "marks are cleared after a bulk change"
    );
    for fp in &marked {
        assert_eq!(h.app.triage.state_of(fp), &TriageState::Acknowledged);
    }
    let shown: Vec<&str> = h.app.findings.rows.iter().map(|r| r.state).collect();
    assert_eq!(shown.iter().filter(|s| **s == "acknowledged").count(), 10);
    assert_eq!(flash(&h), "10 findings acknowledged");

    // Again on the same rows: nothing changes, nothing is logged, the reason is said.
    for fp in &marked {
        let i = h
            .app
            .data
            .as_ref()
            .unwrap()
            .scan
            .findings
            .iter()
            .position(|f| &f.fingerprint == fp)
            .unwrap();
        h.app.marks.insert(i);
    }
    let fx = h.key(KeyCode::Char('a'));
    assert!(records(&fx).is_empty());
    assert!(!saves_triage(&fx));
    assert!(
        flash(&h).contains("the finding is already acknowledged"),
        "{}",
        flash(&h)
    );
}

#[test]
fn risk_acceptance_needs_a_reason_and_an_expiry_and_keeps_the_form_open_until_given() {
    let mut h = Harness::loaded();
    open_findings(&mut h, "");
    let f = h.selected_finding();
    assert!(h.key(KeyCode::Char('x')).is_empty());
    assert!(matches!(
        h.app.dialog.as_ref().map(|d| &d.kind),
        Some(DialogKind::RiskAccept { targets }) if targets.len() == 1
    ));
    insta::assert_snapshot!("triage_risk_accept_form", h.screen(110, 30));

    // No reason: refused, the form stays with the reason.
    let fx = h.ctrl('s');
    assert!(fx.is_empty());
    let err = h
        .app
        .dialog
        .as_ref()
        .and_then(|d| d.error.clone())
        .unwrap_or_default();
    assert!(err.contains("a reason is required"), "{err}");

    h.chars("compensating WAF rule;\n");
    h.chars("agreed with CISO");
    h.key(KeyCode::Tab);
    // Replace the proposed 90d with a date in the past: refused with the time.
    for _ in 0..3 {
        h.key(KeyCode::Backspace);
    }
    h.chars("2020-01-01");
    assert!(h.key(KeyCode::Enter).is_empty());
    let err = h
        .app
        .dialog
        .as_ref()
        .and_then(|d| d.error.clone())
        .unwrap_or_default();
    assert!(err.contains("not in the future"), "{err}");
    for _ in 0..10 {
        h.key(KeyCode::Backspace);
    }
    h.chars("30d");
    let fx = h.key(KeyCode::Enter);
    assert!(h.app.dialog.is_none());
    match records(&fx).as_slice() {
        [Event::Triage {
            fingerprint,
            to,
            reason,
            expires,
            ..
        }] => {
            assert_eq!(fingerprint, &f.fingerprint);
            assert_eq!(to, "risk accepted");
            assert_eq!(
                reason.as_deref(),
                Some("compensating WAF rule;\nagreed with CISO")
            );
            assert_eq!(expires.as_deref(), Some("2026-12-31T12:00:00Z"));
        }
        other => panic!("{other:?}"),
    }
    assert!(saves_triage(&fx));
    assert_eq!(
        h.app.triage.state_of(&f.fingerprint).label(),
        "risk accepted"
    );
}

#[test]
fn false_positive_note_and_owner_are_recorded_and_shown_in_the_detail() {
    let mut h = Harness::loaded();
    open_findings(&mut h, "");
    let f = h.selected_finding();
    h.key(KeyCode::Char('f'));
    h.chars("the image is distroless; the scanner reads a stale label");
    let fx = h.ctrl('s');
    assert!(
        matches!(records(&fx).as_slice(), [Event::Triage { to, .. }] if to == "false positive")
    );

    h.key(KeyCode::Char('n'));
    h.chars("checked with the app team\nticket SEC-1234");
    let fx = h.ctrl('s');
    match records(&fx).as_slice() {
        [Event::Note { text, author, .. }] => {
            assert_eq!(text, "checked with the app team\nticket SEC-1234");
            assert_eq!(author, "ana");
        }
        other => panic!("{other:?}"),
    }

    h.key(KeyCode::Char('@'));
    h.chars("team-payments");
    let fx = h.key(KeyCode::Enter);
    assert!(matches!(
        records(&fx).as_slice(),
        [Event::Owner { owner: Some(o), .. }] if o == "team-payments"
    ));
    let r = h.app.triage.get(&f.fingerprint).expect("record");
    assert_eq!(r.owner.as_deref(), Some("team-payments"));
    assert_eq!(r.notes.len(), 1);

    h.key(KeyCode::Enter); // detail
    assert!(matches!(h.app.route(), Route::Detail { .. }));
    let screen = h.screen(110, 34);
    assert!(screen.contains("false positive"), "{screen}");
    assert!(screen.contains("team-payments"), "{screen}");
    assert!(screen.contains("ticket SEC-1234"), "{screen}");

    // Esc in a form cancels without a trace.
    h.key(KeyCode::Char('n'));
    h.chars("draft");
    let fx = h.key(KeyCode::Esc);
    assert!(fx.is_empty());
    assert!(h.app.dialog.is_none());
    assert_eq!(
        h.app.triage.get(&f.fingerprint).map(|r| r.notes.len()),
        Some(1)
    );
}

/// The demo with the first privileged container made unprivileged.
fn demo_without(check: &str) -> (docket::model::Snapshot, String) {
    let mut snap = demo_snapshot();
    let scan = docket::checks::run(&snap, &docket::checks::Selection::default());
    let f = scan
        .findings
        .iter()
        .find(|f| f.check_id == check)
        .expect("demo has the finding")
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

#[test]
fn a_rescan_that_no_longer_finds_it_confirms_fixed_and_a_return_reopens_it() {
    let mut h = Harness::loaded();
    let (fixed_snap, fp) = demo_without("DC-001");
    open_findings(&mut h, "check:DC-001");
    assert_eq!(h.selected_finding().fingerprint, fp);
    h.key(KeyCode::Char('i'));
    assert_eq!(h.app.triage.state_of(&fp), &TriageState::InProgress);

    let fx = h.finish_scan(bench_of(fixed_snap));
    let fixed: Vec<&Event> = records(&fx)
        .into_iter()
        .filter(|e| matches!(e, Event::Triage { fingerprint, .. } if *fingerprint == fp))
        .collect();
    assert!(
        matches!(fixed.as_slice(), [Event::Triage { from, to, by, .. }] if from == "in progress" && to == "fixed" && by == "docket scan"),
        "{fixed:?}"
    );
    assert!(saves_triage(&fx));
    assert!(matches!(
        h.app.triage.state_of(&fp),
        TriageState::Fixed { .. }
    ));

    // A person cannot move a confirmed fix.
    let fx = h.finish_scan(tui_harness::demo_bench());
    assert!(records(&fx).iter().any(
        |e| matches!(e, Event::Triage { fingerprint, from, to, .. } if *fingerprint == fp && from == "fixed" && to == "open")
    ));
    let row = h
        .app
        .findings
        .rows
        .iter()
        .find(|r| h.app.data.as_ref().unwrap().scan.findings[r.index].fingerprint == fp)
        .expect("row");
    assert_eq!(row.state, "reopened");
}

#[test]
fn a_check_disabled_for_the_session_does_not_confirm_its_findings_fixed() {
    let mut h = Harness::loaded();
    let (fixed_snap, fp) = demo_without("DC-001");
    open_findings(&mut h, "check:DC-001");
    h.key(KeyCode::Char('a'));
    h.app.disabled.insert("DC-001".into());
    h.finish_scan(bench_of(fixed_snap));
    assert_eq!(h.app.triage.state_of(&fp), &TriageState::Acknowledged);
}

#[test]
fn an_expired_risk_acceptance_reopens_at_the_next_scan() {
    let mut h = Harness::loaded();
    open_findings(&mut h, "");
    let fp = h.selected_finding().fingerprint;
    h.key(KeyCode::Char('x'));
    h.chars("temporary");
    h.key(KeyCode::Tab);
    for _ in 0..3 {
        h.key(KeyCode::Backspace);
    }
    h.chars("1d");
    h.key(KeyCode::Enter);
    assert_eq!(h.app.triage.state_of(&fp).label(), "risk accepted");
    fn two_days_later() -> time::OffsetDateTime {
        test_now() + time::Duration::days(2)
    }
    h.app.clock = two_days_later;
    let fx = h.finish_scan(tui_harness::demo_bench());
    assert!(records(&fx).iter().any(
        |e| matches!(e, Event::Triage { fingerprint, from, to, reason, .. } if *fingerprint == fp && from == "risk accepted" && to == "open" && reason.as_deref().is_some_and(|r| r.contains("expired")))
    ));
}

fn rule_text(h: &Harness) -> String {
    h.app
        .dialog
        .as_ref()
        .map(|d| d.value(0))
        .unwrap_or_default()
}

fn set_rule_text(h: &mut Harness, text: &str) {
    let d = h.app.dialog.as_mut().expect("editor open");
    d.fields[0] = Field::text("rule", "", text);
}

#[test]
fn a_rule_written_from_a_finding_hides_it_one_keypress_away_with_its_rule() {
    let mut h = Harness::loaded();
    open_findings(&mut h, "check:DC-001");
    let f = h.selected_finding();
    let before = h.app.findings.view.visible.len();
    h.key(KeyCode::Char('s'));
    let text = h
        .app
        .dialog
        .as_ref()
        .map(|d| d.value(2))
        .unwrap_or_default();
    assert!(text.contains("checks = [\"DC-001\"]"), "{text}");
    assert!(
        text.contains(&format!("workload = \"Container/{}\"", f.resource.name)),
        "{text}"
    );
    for key in ["reason", "expires", "id", "author"] {
        assert!(
            !text.contains(&format!("{key} = ")),
            "{key} has its own field: {text}"
        );
    }
    assert_eq!(
        h.app.dialog.as_ref().map(|d| d.value(1)).as_deref(),
        Some("90d")
    );
    insta::assert_snapshot!("rule_editor_new", h.screen(110, 30));

    // No reason: the error names the line, the editor stays.
    assert!(h.ctrl('s').is_empty());
    let err = h
        .app
        .dialog
        .as_ref()
        .and_then(|d| d.error.clone())
        .unwrap_or_default();
    assert!(
        err.contains("rule editor:") && err.contains("has no reason"),
        "{err}"
    );

    h.chars("lab host, isolated VLAN");
    let fx = h.ctrl('s');
    assert!(h.app.dialog.is_none());
    let id = match records(&fx).as_slice() {
        [Event::Suppression {
            action: SuppressionAction::Created,
            rule_id,
            rule,
        }] => {
            assert!(
                rule.contains("reason = \"lab host, isolated VLAN\""),
                "{rule}"
            );
            assert!(
                rule.contains("expires = \"2027-03-01T12:00:00Z\""),
                "{rule}"
            );
            assert!(rule.contains("author = \"ana\""), "{rule}");
            rule_id.clone()
        }
        other => panic!("{other:?}"),
    };
    assert!(fx
        .iter()
        .any(|e| matches!(e, Effect::SaveRules(r) if r.rules.len() == 1)));
    assert_eq!(h.app.evaluation.rule_for(&f.fingerprint), Some(id.as_str()));
    assert_eq!(h.app.findings.view.visible.len(), before - 1, "hidden");

    // S shows it again, marked suppressed; the detail names the rule and its reason.
    h.key(KeyCode::Char('S'));
    assert_eq!(h.app.findings.view.visible.len(), before);
    let row = h.app.findings.current().expect("row");
    assert_eq!(row.state, "suppressed");
    h.key(KeyCode::Enter);
    let screen = h.screen(110, 34);
    assert!(
        screen.contains(&format!("by {id}: lab host, isolated VLAN")),
        "{screen}"
    );

    // The rules view: active, one match; enter lists exactly that finding.
    h.key(KeyCode::Char('5'));
    assert!(matches!(h.app.route(), Route::Rules));
    insta::assert_snapshot!("rules_view", h.screen(110, 24));
    h.key(KeyCode::Enter);
    assert_eq!(h.app.findings.view.visible.len(), 1);
    assert_eq!(h.selected_finding().fingerprint, f.fingerprint);
}

#[test]
fn rules_are_edited_and_deleted_from_the_rules_view_with_a_typed_confirmation() {
    let mut h = Harness::loaded();
    h.app.rules = RuleSet::from_toml(
        "[[rule]]\nid = \"lab\"\nchecks = [\"DC-001\"]\nreason = \"lab\"\n\n[[rule]]\nid = \"old\"\nchecks = [\"DC-0*\"]\nreason = \"legacy\"\nexpires = \"2020-01-01T00:00:00Z\"\n\n[[rule]]\nid = \"nothing\"\nchecks = [\"NOPE-1\"]\nreason = \"typo\"\n",
        "test",
    )
    .expect("rules");
    let fx = h.finish_scan(tui_harness::demo_bench());
    // The expired rule is logged once, hides nothing, and is flagged; the typo is unused.
    assert!(matches!(
        records(&fx).iter().filter(|e| matches!(e, Event::Suppression { .. })).collect::<Vec<_>>().as_slice(),
        [Event::Suppression { action: SuppressionAction::Expired, rule_id, .. }] if rule_id == "old"
    ));
    let fx = h.finish_scan(tui_harness::demo_bench());
    assert!(
        !records(&fx)
            .iter()
            .any(|e| matches!(e, Event::Suppression { .. })),
        "logged once per session"
    );
    assert!(h.app.evaluation.suppressed.values().all(|id| id == "lab"));
    assert_eq!(h.app.evaluation.unused, ["nothing"]);
    h.key(KeyCode::Char('5'));
    let screen = h.screen(110, 24);
    assert!(
        screen.contains("expired") && screen.contains("unused") && screen.contains("active"),
        "{screen}"
    );

    // Edit the first rule's reason.
    h.key(KeyCode::Char('e'));
    let text = rule_text(&h);
    assert!(text.contains("id = \"lab\""), "{text}");
    set_rule_text(
        &mut h,
        &text.replace("reason = \"lab\"", "reason = \"lab, until the rebuild\""),
    );
    let fx = h.ctrl('s');
    assert!(matches!(
        records(&fx).as_slice(),
        [Event::Suppression { action: SuppressionAction::Edited, rule_id, rule }] if rule_id == "lab" && rule.contains("until the rebuild")
    ));
    assert_eq!(
        h.app.rules.get("lab").map(|r| r.reason.as_str()),
        Some("lab, until the rebuild")
    );

    // Delete it: the id must be typed.
    h.key(KeyCode::Char('d'));
    h.chars("la");
    assert!(h.key(KeyCode::Enter).is_empty());
    assert!(h
        .app
        .dialog
        .as_ref()
        .and_then(|d| d.error.clone())
        .is_some());
    h.chars("b");
    let fx = h.key(KeyCode::Enter);
    assert!(matches!(
        records(&fx).as_slice(),
        [Event::Suppression { action: SuppressionAction::Deleted, rule_id, .. }] if rule_id == "lab"
    ));
    assert!(fx
        .iter()
        .any(|e| matches!(e, Effect::SaveRules(r) if r.rules.len() == 2)));
    assert!(h.app.evaluation.suppressed.is_empty());
}

#[test]
fn the_log_view_shows_the_log_read_back_and_says_whether_the_chain_holds() {
    let mut h = Harness::loaded();
    h.app.session_log = Some("/tmp/docket/sessions/s.jsonl".into());
    let fx = h.key(KeyCode::Char('6'));
    assert!(matches!(fx.as_slice(), [Effect::ReadLog]));
    assert!(matches!(h.app.route(), Route::Log));
    let line = |seq: u64, kind: &str, summary: &str| LogLine {
        seq,
        at: format!("2026-12-01T12:0{seq}:00Z"),
        kind: kind.into(),
        summary: summary.into(),
    };
    h.msg(Msg::Log(LogView {
        path: "/tmp/docket/sessions/s.jsonl".into(),
        lines: vec![
            line(0, "session_start", "ana on box, docket 0.1.0"),
            line(1, "scan", "589 findings"),
            line(
                2,
                "triage",
                "DC-001 Container api: open -> acknowledged by ana",
            ),
        ],
        status: "chain intact: 3 lines, head 0123456789abcdef…".into(),
        intact: true,
    }));
    insta::assert_snapshot!("log_view", h.screen(100, 14));
    h.msg(Msg::Log(LogView {
        status: "CHAIN BROKEN at line 2: hash mismatch".into(),
        intact: false,
        ..LogView::default()
    }));
    assert!(flash(&h).contains("CHAIN BROKEN at line 2"));
    // :log reaches it too.
    h.key(KeyCode::Char('1'));
    h.key(KeyCode::Char(':'));
    h.chars("log");
    assert!(matches!(
        h.key(KeyCode::Enter).as_slice(),
        [Effect::ReadLog]
    ));
}

/// A demo finding whose plan offers containment (a running container).
fn containable(h: &Harness) -> (docket::findings::Finding, String) {
    let bench = h.app.data.as_ref().unwrap();
    bench
        .scan
        .findings
        .iter()
        .find_map(|f| {
            let plan = docket::remediate::plan(f, &bench.snapshot);
            docket::tui::app::applicable(&plan)
                .ok()
                .filter(|_| plan.containment.is_some())
                .map(|(_, object)| (f.clone(), object))
        })
        .expect("a containable finding in the demo")
}

#[test]
fn applying_is_refused_read_only_and_otherwise_confirmed_by_typing_the_object() {
    let mut h = Harness::loaded();
    let (f, object) = containable(&h);
    open_findings(
        &mut h,
        &format!("check:{} name:{}", f.check_id, f.resource.name),
    );
    assert_eq!(h.selected_finding().fingerprint, f.fingerprint);

    // Read-only by default.
    assert!(h.key(KeyCode::Char('A')).is_empty());
    assert!(h.app.dialog.is_none());
    assert!(flash(&h).contains("--allow-changes"), "{}", flash(&h));

    h.app.allow_changes = true;
    h.key(KeyCode::Char('A'));
    assert!(matches!(
        h.app.dialog.as_ref().map(|d| &d.kind),
        Some(DialogKind::Apply { .. })
    ));
    insta::assert_snapshot!("apply_confirm", h.screen(110, 24));
    h.chars("wrong");
    assert!(
        h.key(KeyCode::Enter).is_empty(),
        "a wrong name applies nothing"
    );
    for _ in 0..5 {
        h.key(KeyCode::Backspace);
    }
    h.chars(&object);
    let fx = h.key(KeyCode::Enter);
    assert!(
        matches!(
            fx.as_slice(),
            [Effect::Record(Event::Remediation { action: RemediationAction::Planned, .. }), Effect::Apply(req)] if req.finding.fingerprint == f.fingerprint
        ),
        "{fx:?}"
    );

    // The runtime reports each step; each is logged; verification triggers a rescan.
    let step = |stage: ApplyStage| {
        Msg::Apply(ApplyStep {
            fingerprint: f.fingerprint.clone(),
            target: "container".into(),
            plan_digest: "d".into(),
            stage,
            detail: "ok".into(),
        })
    };
    let fx = h.msg(step(ApplyStage::DryRun));
    assert!(matches!(
        records(&fx).as_slice(),
        [Event::Remediation {
            action: RemediationAction::Applied,
            dry_run: true,
            ..
        }]
    ));
    let fx = h.msg(step(ApplyStage::Applied));
    assert!(matches!(
        records(&fx).as_slice(),
        [Event::Remediation {
            action: RemediationAction::Applied,
            dry_run: false,
            ..
        }]
    ));
    let fx = h.msg(step(ApplyStage::Verified));
    assert!(matches!(
        records(&fx).as_slice(),
        [Event::Remediation {
            action: RemediationAction::Verified,
            ..
        }]
    ));
    assert!(fx.iter().any(|e| matches!(e, Effect::StartScan { .. })));
    let fx = h.msg(step(ApplyStage::Failed));
    assert!(matches!(
        records(&fx).as_slice(),
        [Event::Remediation {
            action: RemediationAction::Failed,
            ..
        }]
    ));
}

#[test]
fn the_session_export_is_asked_for_in_each_format_and_refused_in_others() {
    let mut h = Harness::loaded();
    for (typed, ext) in [
        ("session html", "html"),
        ("session md", "md"),
        ("session", "md"),
        ("session json", "json"),
        ("session csv", "csv"),
    ] {
        h.key(KeyCode::Char(':'));
        h.chars(&format!("export {typed}"));
        let fx = h.key(KeyCode::Enter);
        match fx.as_slice() {
            [Effect::ExportSession { format, path }] => {
                assert_eq!(format.extension(), ext);
                assert_eq!(
                    path.file_name().and_then(|n| n.to_str()),
                    Some(format!("docket-session-20261201T120000.{ext}").as_str())
                );
            }
            other => panic!("{typed}: {other:?}"),
        }
    }
    h.key(KeyCode::Char(':'));
    h.chars("export session pdf");
    assert!(h.key(KeyCode::Enter).is_empty());
    assert!(flash(&h).contains("md, html, json, csv"), "{}", flash(&h));
}

#[test]
fn copying_a_plan_puts_its_text_on_the_clipboard_and_records_it() {
    let mut h = Harness::loaded();
    open_findings(&mut h, "check:DC-001");
    let f = h.selected_finding();
    h.key(KeyCode::Enter);
    let fx = h.key(KeyCode::Char('c'));
    let bench = h.app.data.as_ref().unwrap();
    let plan = docket::remediate::plan(&f, &bench.snapshot);
    match fx.as_slice() {
        [Effect::Copy(text), Effect::Record(Event::Remediation {
            action: RemediationAction::Copied,
            fingerprint,
            plan_digest,
            ..
        })] => {
            assert_eq!(text, &docket::remediate::render(&plan));
            assert_eq!(fingerprint, &f.fingerprint);
            assert_eq!(plan_digest, &docket::remediate::digest(&plan));
        }
        other => panic!("{other:?}"),
    }
}
