//! The DPIA view in the workbench: opening it asks the runtime for the register of the
//! loaded scan (once per scan), the register is drawn store by store with the connection
//! map of the selected one, and Enter lists the findings of that store's system.

#[path = "support/tui_harness.rs"]
mod tui_harness;

use crossterm::event::KeyCode;
use docket::tui::app::Route;
use docket::tui::msg::{Effect, Msg};
use tui_harness::Harness;

fn demo_register(h: &Harness) -> docket::dpia::Register {
    let bench = h.app.data.as_ref().expect("loaded");
    docket::dpia::register(&bench.snapshot, &bench.scan, &Default::default())
}

#[test]
fn the_register_is_built_once_per_scan_and_drawn_with_the_connection_map() {
    let mut h = Harness::loaded();
    let fx = h.key(KeyCode::Char('7'));
    assert!(
        matches!(fx.as_slice(), [Effect::BuildDpia { scan_id: 1 }]),
        "{fx:?}"
    );
    assert!(matches!(h.app.route(), Route::Dpia));
    assert!(h.screen(120, 20).contains("building the register"));

    let register = demo_register(&h);
    let stores: usize = register.rows.iter().map(|r| r.stores.len()).sum();
    assert!(stores > 0, "the demo has data stores");
    h.msg(Msg::Dpia {
        scan_id: 1,
        register: Ok(Box::new(register.clone())),
    });
    assert_eq!(h.app.dpia_stores().len(), stores);
    insta::assert_snapshot!("dpia_view", h.screen(140, 44));

    // Opening it again for the same scan builds nothing; a rescan while it is open rebuilds.
    h.key(KeyCode::Char('1'));
    assert!(h.key(KeyCode::Char('7')).is_empty());
    let fx = h.finish_scan(tui_harness::demo_bench());
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::BuildDpia { scan_id } if *scan_id == h.app.data_scan)),
        "{fx:?}"
    );

    // j moves store by store; Enter lists the findings of the selected store's system.
    h.msg(Msg::Dpia {
        scan_id: h.app.data_scan,
        register: Ok(Box::new(register.clone())),
    });
    h.key(KeyCode::Char('j'));
    assert_eq!(h.app.list_selected, 1.min(stores - 1));
    let (row, _) = h.app.dpia_stores()[h.app.list_selected];
    let system = register.rows[row].clone();
    h.key(KeyCode::Enter);
    match h.app.route() {
        Route::Findings {
            resource: Some(filter),
        } => {
            assert_eq!(filter.label, format!("data stores of {}", system.system));
            let bench = h.app.data.as_ref().unwrap();
            for &i in &filter.findings {
                let r = &bench.scan.findings[i].resource;
                assert!(
                    system.stores.iter().any(|s| s.store.resource.name == r.name
                        && s.store.resource.kind == r.kind
                        && s.store.resource.namespace == r.namespace),
                    "{r:?} is not a store of {}",
                    system.system
                );
            }
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_register_that_could_not_be_built_says_why() {
    let mut h = Harness::loaded();
    h.key(KeyCode::Char(':'));
    h.chars("dpia");
    let fx = h.key(KeyCode::Enter);
    assert!(matches!(fx.as_slice(), [Effect::BuildDpia { .. }]));
    h.msg(Msg::Dpia {
        scan_id: 1,
        register: Err("/ws/dpia.toml:3:1: unknown key `categry`".into()),
    });
    assert!(h.screen(120, 20).contains("dpia.toml:3:1: unknown key"));
}
