//! Framework reports on hand-made scans with known answers.

use super::*;
use crate::checks::benchmarks::{PSS_HOST_PROCESS, PSS_PRIVILEGED};
use crate::checks::{catalog, find, CheckResult, Out, ScanResult};
use crate::findings::suppress::{NoContext, RuleSet, SuppressionRule};
use crate::findings::{Finding, ResourceRef};
use crate::model::Snapshot;
use time::macros::datetime;

const NOW: &str = "2026-11-01T09:00:00Z";

/// Every catalog check evaluated on complete data, with `outcomes` overriding some.
fn scan(outcomes: &[(&str, Outcome)], findings: Vec<Finding>) -> ScanResult {
    let results = catalog()
        .iter()
        .map(|c| CheckResult {
            check_id: c.id.to_string(),
            outcome: outcomes
                .iter()
                .find(|(id, _)| *id == c.id)
                .map_or(Outcome::Evaluated, |(_, o)| o.clone()),
            findings: findings.iter().filter(|f| f.check_id == c.id).count(),
        })
        .collect();
    ScanResult { findings, results }
}

fn finding(check: &str, name: &str) -> Finding {
    let check = find(check).expect("check in catalog");
    let mut out = Out::new(check);
    out.emit(
        ResourceRef::kube("Deployment", Some("prod"), name).with_container("app"),
        "",
        "found",
        vec![],
    );
    out.into_findings().remove(0)
}

fn entry<'a>(r: &'a FrameworkReport, id: &str) -> &'a ControlEntry<'a> {
    r.controls
        .iter()
        .find(|c| c.control.id == id)
        .unwrap_or_else(|| panic!("control {id} missing"))
}

#[test]
fn score_arithmetic_on_a_hand_made_case() {
    use ControlStatus::*;
    let s = Score::of([
        Passed,
        Passed,
        Failed,
        Accepted,
        NotEvaluated,
        Manual,
        Passed,
        Manual,
    ]);
    assert_eq!(
        s,
        Score {
            passed: 3,
            failed: 1,
            accepted: 1,
            not_evaluated: 1,
            manual: 2
        }
    );
    assert_eq!(s.assessed(), 5);
    assert_eq!(s.total(), 8);
    assert_eq!(s.per_mille(), Some(600));
    assert_eq!(
        s.line(),
        "60.0% (3 passed of 5 assessed; excluded: 1 not evaluated, 2 manual)"
    );
    // Rounding half up to one decimal: 2/3 = 66.7%, 1/8 = 12.5%.
    assert_eq!(Score::of([Passed, Passed, Failed]).percent_text(), "66.7%");
    let eighth = Score {
        passed: 1,
        failed: 7,
        ..Score::default()
    };
    assert_eq!(eighth.percent_text(), "12.5%");
    // Nothing assessed: no score rather than 0% or 100%.
    let none = Score::of([Manual, NotEvaluated]);
    assert_eq!(none.per_mille(), None);
    assert_eq!(none.percent_text(), "n/a");
}

#[test]
fn a_clean_complete_scan_passes_every_automated_control() {
    let snap = Snapshot::new();
    let scan = scan(&[], vec![]);
    let report = Report::new(&snap, &scan, NOW);
    for fw in Framework::ALL {
        let r = build(&report, fw);
        assert_eq!(r.controls.len(), fw.controls().count());
        for c in &r.controls {
            let expected = if c.checks.is_empty() {
                ControlStatus::Manual
            } else {
                ControlStatus::Passed
            };
            assert_eq!(c.status, expected, "{} {}", fw.name(), c.control.id);
        }
        assert_eq!(r.score.failed + r.score.accepted + r.score.not_evaluated, 0);
    }
}

#[test]
fn a_control_with_only_suppressed_findings_is_accepted_with_the_reason() {
    let snap = Snapshot::new();
    let findings = vec![finding("KW-019", "win"), finding("KW-001", "priv")];
    let scan = scan(&[], findings);
    let mut rule =
        SuppressionRule::new(vec!["KW-019".into()], "legacy Windows node, ticket OPS-12");
    rule.id = "win-hostprocess".into();
    rule.expires = Some(datetime!(2027-03-31 0:00 UTC));
    let set = RuleSet { rules: vec![rule] };
    let eval = set.evaluate(&scan.findings, &NoContext, datetime!(2026-11-01 0:00 UTC));
    let report = Report::with_suppressions(&snap, &scan, NOW, &set, &eval, "rules.toml");
    let r = build(&report, Framework::Pss);

    let host_process = entry(&r, PSS_HOST_PROCESS.id);
    assert_eq!(host_process.status, ControlStatus::Accepted);
    assert_eq!(host_process.findings.len(), 0);
    assert_eq!(host_process.accepted.len(), 1);
    assert_eq!(
        host_process.detail(),
        "1 suppressed finding accepted: suppressed by win-hostprocess: legacy Windows node, \
         ticket OPS-12 (expires 2027-03-31T00:00:00Z)"
    );
    // The unsuppressed one still fails its control.
    let privileged = entry(&r, PSS_PRIVILEGED.id);
    assert_eq!(privileged.status, ControlStatus::Failed);
    assert_eq!(privileged.detail(), "1 finding from KW-001");
    // Accepted is in the denominator, not the numerator.
    assert_eq!(r.score.accepted, 1);
    assert_eq!(r.score.failed, 1);
    assert_eq!(r.score.passed, PSS_COUNT - 2);
    // The scan report's posture agrees (this used to call the accepted control passed).
    let p = report
        .totals
        .by_framework
        .iter()
        .find(|p| p.framework == Framework::Pss)
        .expect("pss posture");
    assert_eq!((p.failed, p.accepted, p.passed), (1, 1, PSS_COUNT - 2));
    for format in FrameworkFormat::ALL {
        let out = render(&r, format);
        assert!(out.contains("win-hostprocess"), "{format}: rule id");
        assert!(out.contains("ticket OPS-12"), "{format}: reason");
        assert!(out.contains("2027-03-31T00:00:00Z"), "{format}: expiry");
    }
}

const PSS_COUNT: usize = crate::checks::benchmarks::PSS.len();

#[test]
fn a_coverage_gap_makes_the_controls_of_its_checks_not_evaluated_with_the_reason() {
    let snap = Snapshot::new();
    let gap = "Kubernetes network policies: cluster: 403 Forbidden (grant list on networkpolicies)";
    let scan = scan(
        &[
            ("KN-001", Outcome::NotEvaluated(vec![gap.into()])),
            ("KN-002", Outcome::NotEvaluated(vec![gap.into()])),
        ],
        vec![],
    );
    let report = Report::new(&snap, &scan, NOW);
    let r = build(&report, Framework::Nist800190);
    let kn1 = find("KN-001").expect("KN-001");
    let served: Vec<&ControlEntry> = r
        .controls
        .iter()
        .filter(|c| c.checks.iter().any(|k| k.id == "KN-001"))
        .collect();
    assert!(!served.is_empty(), "KN-001 serves NIST controls");
    for c in served {
        assert_eq!(c.status, ControlStatus::NotEvaluated, "{}", c.control.id);
        assert!(kn1.controls.contains(c.control));
        let both = c.checks.iter().any(|k| k.id == "KN-002");
        let ids = if both { "KN-001, KN-002" } else { "KN-001" };
        assert_eq!(c.reasons, vec![format!("{ids}: not evaluated: {gap}")]);
        assert_eq!(c.detail(), c.reasons[0]);
    }
}

#[test]
fn a_disabled_check_makes_its_controls_not_evaluated_and_other_platforms_are_out_of_scope() {
    let snap = Snapshot::new();
    let na = || Outcome::NotApplicable(vec!["no Docker source in this scan".into()]);
    let mut outcomes: Vec<(&str, Outcome)> = catalog()
        .iter()
        .filter(|c| c.needs.iter().all(|k| k.is_docker()))
        .map(|c| (c.id, na()))
        .collect();
    outcomes.push(("KW-019", Outcome::Disabled));
    let scan = scan(&outcomes, vec![]);
    let report = Report::new(&snap, &scan, NOW);

    let pss = build(&report, Framework::Pss);
    let hp = entry(&pss, PSS_HOST_PROCESS.id);
    assert_eq!(hp.status, ControlStatus::NotEvaluated);
    assert_eq!(
        hp.reasons,
        vec!["KW-019: disabled (check selection, e.g. --checks / --skip-checks, or switched off in the workbench)"]
    );
    // CIS Docker on a scan without Docker: nothing ran, so not evaluated, never passed.
    let cis = build(&report, Framework::CisDocker);
    let c55 = entry(&cis, "5.5");
    assert_eq!(c55.status, ControlStatus::NotEvaluated);
    assert_eq!(
        c55.reasons,
        vec!["DC-001: not applicable: no Docker source in this scan"]
    );
    assert_eq!(cis.score.passed, 0);
    // A control served by Kubernetes and Docker checks passes on the Kubernetes ones and
    // says the Docker ones were out of scope (KW-019, disabled above, serves it too).
    outcomes.pop();
    let kube_only = super::tests::scan(&outcomes, vec![]);
    let report = Report::new(&snap, &kube_only, NOW);
    let nist = build(&report, Framework::Nist800190);
    let c443 = entry(&nist, "4.4.3");
    assert_eq!(c443.status, ControlStatus::Passed);
    let detail = c443.detail();
    assert!(detail.starts_with("KW-001, KW-002, "), "{detail}");
    assert!(
        detail.contains(" ran on complete data and found nothing; out of scope: DH-002, "),
        "{detail}"
    );
    assert!(
        detail.ends_with(", DC-027: not applicable: no Docker source in this scan"),
        "{detail}"
    );
}

#[test]
fn a_partial_check_with_findings_fails_and_without_is_not_evaluated() {
    let snap = Snapshot::new();
    let partial = Outcome::Partial(vec!["namespace kube-system: 403 Forbidden".into()]);
    let with = scan(&[("KW-001", partial.clone())], vec![finding("KW-001", "a")]);
    let without = scan(&[("KW-001", partial)], vec![]);
    let r1 = Report::new(&snap, &with, NOW);
    let r2 = Report::new(&snap, &without, NOW);
    assert_eq!(
        entry(&build(&r1, Framework::Pss), PSS_PRIVILEGED.id).status,
        ControlStatus::Failed
    );
    let e = build(&r2, Framework::Pss);
    let c = entry(&e, PSS_PRIVILEGED.id);
    assert_eq!(c.status, ControlStatus::NotEvaluated);
    assert_eq!(
        c.reasons,
        vec!["KW-001: partial: namespace kube-system: 403 Forbidden"]
    );
}

#[test]
fn a_check_missing_from_the_scan_leaves_its_controls_not_evaluated() {
    let snap = Snapshot::new();
    let mut s = scan(&[], vec![]);
    s.results.retain(|r| r.check_id != "KW-019");
    let report = Report::new(&snap, &s, NOW);
    let r = build(&report, Framework::Pss);
    let hp = entry(&r, PSS_HOST_PROCESS.id);
    assert_eq!(hp.status, ControlStatus::NotEvaluated);
    assert_eq!(hp.reasons, vec!["KW-019: not in this scan"]);
}

#[test]
fn manual_controls_carry_their_guidance_in_every_format() {
    let snap = Snapshot::new();
    let scan = scan(&[], vec![]);
    let report = Report::new(&snap, &scan, NOW);
    let r = build(&report, Framework::PciDss4);
    let policy = entry(&r, "12.1");
    assert_eq!(policy.status, ControlStatus::Manual);
    let text = policy.guidance.expect("guidance");
    assert!(text.contains("ISMS / GRC tool"), "{text}");
    for format in FrameworkFormat::ALL {
        let out = render(&r, format);
        // HTML escapes `/`-free text unchanged; every format keeps the words.
        assert!(out.contains("information security policy"), "{format}");
        assert!(out.contains("ISMS / GRC tool"), "{format}");
    }
}

#[test]
fn formats_parse_back() {
    for f in FrameworkFormat::ALL {
        assert_eq!(FrameworkFormat::parse(f.name()), Some(f));
        assert_eq!(FrameworkFormat::parse(&f.name().to_uppercase()), Some(f));
    }
    assert_eq!(
        FrameworkFormat::parse("md"),
        Some(FrameworkFormat::Markdown)
    );
    assert_eq!(FrameworkFormat::parse("sarif"), None);
}
