//! Golden (snapshot) tests of the demo scan: any change to findings, fingerprints or the
//! report shapes shows up as a reviewable diff (`cargo insta review`).

use docket::checks::{self, Selection};
use docket::report::{self, Format, Report};

const FIXED_TIME: &str = "2026-11-01T09:00:00Z";

fn demo_report(format: Format) -> String {
    let loaded = docket::sources::demo::load().expect("the embedded demo loads");
    let scan = checks::run(&loaded.snapshot, &Selection::default());
    let report = Report::new(&loaded.snapshot, &scan, FIXED_TIME);
    report::render(&report, format)
}

#[test]
fn demo_scan_json() {
    insta::assert_snapshot!("demo_scan_json", demo_report(Format::Json));
}

#[test]
fn demo_scan_sarif() {
    insta::assert_snapshot!("demo_scan_sarif", demo_report(Format::Sarif));
}

#[test]
fn demo_sarif_validates_against_the_2_1_0_schema() {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/schemas/sarif-schema-2.1.0.json"))
            .expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let sarif: serde_json::Value =
        serde_json::from_str(&demo_report(Format::Sarif)).expect("SARIF is JSON");
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema errors:\n{}",
        errors.join("\n")
    );
}

#[test]
fn demo_scan_is_deterministic() {
    assert_eq!(demo_report(Format::Json), demo_report(Format::Json));
}
