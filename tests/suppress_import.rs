//! Suppression importers against realistic Trivy and kubescape files
//! (`tests/fixtures/suppress/`), and suppression rules evaluated on the embedded demo.

use std::path::PathBuf;

use docket::checks::{self, Selection};
use docket::findings::suppress::{RuleSet, Scope, SnapshotContext, SuppressionRule};
use docket::findings::suppress_import::{
    import_file, import_kubescape, import_trivyignore, import_trivyignore_yaml, map_foreign_id,
    ImportFormat, ImportReport,
};
use docket::findings::Platform;
use time::macros::datetime;
use time::OffsetDateTime;

const NOW: OffsetDateTime = datetime!(2026-12-01 12:00 UTC);

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/suppress")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// (checks, reason, expires, scope) of each rule: everything but the generated id and
/// the provenance, which are asserted separately.
fn summary(report: &ImportReport) -> Vec<(Vec<String>, String, Option<OffsetDateTime>, Scope)> {
    report
        .rules
        .iter()
        .map(|r| {
            (
                r.checks.clone(),
                r.reason.clone(),
                r.expires,
                r.scope.clone(),
            )
        })
        .collect()
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn unmapped(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

fn assert_provenance(report: &ImportReport) {
    for rule in &report.rules {
        assert_eq!(rule.author.as_deref(), Some("import"), "{rule:?}");
        assert_eq!(rule.created, Some(NOW), "{rule:?}");
        assert_eq!(rule.id, rule.generated_id(), "{rule:?}");
    }
}

#[test]
fn foreign_ids_map_through_cross_references_in_every_spelling() {
    for id in [
        "KSV-0017",
        "KSV017",
        "AVD-KSV-0017",
        "ksv-17",
        "C-0057",
        "c-0057",
        "CKV_K8S_16",
    ] {
        assert_eq!(map_foreign_id(id), vec!["KW-001"], "{id}");
    }
    assert_eq!(map_foreign_id("KSV001"), vec!["DC-008", "KW-002"]);
    assert!(map_foreign_id("KSV-0999").is_empty());
    assert!(map_foreign_id("CVE-2023-44487").is_empty());
    assert!(map_foreign_id("").is_empty());
}

#[test]
fn trivyignore_maps_ids_reads_expiry_and_reports_the_rest() {
    let report = import_trivyignore(".trivyignore", &fixture(".trivyignore"), NOW);
    assert_eq!(
        summary(&report),
        vec![
            (
                strings(&["KW-001"]),
                "aws-node and kube-proxy need privileged access to program the node network"
                    .to_string(),
                Some(datetime!(2027-01-31 00:00 UTC)),
                Scope::default(),
            ),
            (
                strings(&["DC-008", "KW-002"]),
                "imported from .trivyignore".to_string(),
                None,
                Scope::default(),
            ),
            (
                strings(&["DC-018", "KW-022"]),
                "imported from .trivyignore".to_string(),
                Some(datetime!(2026-06-30 00:00 UTC)),
                Scope::default(),
            ),
        ]
    );
    assert_eq!(
        report.unmapped,
        unmapped(&[
            (
                "line 9: CVE-2023-44487",
                "a vulnerability id: Docket checks configuration and does not scan for CVEs"
            ),
            (
                "line 10: KSV-0999",
                "no Docket check cross-references `KSV-0999`"
            ),
            (
                "line 11: DS002 exp:2027-02-30",
                "expiry `exp:2027-02-30` is not a date (YYYY-MM-DD)"
            ),
            (
                "line 12: aws-access-key-id",
                "no Docket check cross-references `aws-access-key-id`"
            ),
            (
                "line 14: KSV012 --severity HIGH",
                "unknown option `HIGH` (only exp:YYYY-MM-DD)"
            ),
        ])
    );
    assert_provenance(&report);
    // The import already past its expiry is imported and flagged, not dropped.
    let set = RuleSet {
        rules: report.rules.clone(),
    };
    let eval = set.evaluate(&[], &docket::findings::suppress::NoContext, NOW);
    assert_eq!(eval.expired, vec![report.rules[2].id.clone()]);
}

#[test]
fn trivyignore_yaml_maps_misconfigurations_and_explains_the_other_sections() {
    let report =
        import_trivyignore_yaml(".trivyignore.yaml", &fixture(".trivyignore.yaml"), NOW).unwrap();
    assert_eq!(
        summary(&report),
        vec![
            (
                strings(&["KW-001"]),
                "aws-node and kube-proxy need privileged access; replaced by Cilium in Q1"
                    .to_string(),
                Some(datetime!(2027-01-31 00:00 UTC)),
                Scope::default(),
            ),
            (
                strings(&["DC-027", "KW-003"]),
                "imported from .trivyignore.yaml".to_string(),
                None,
                Scope::default(),
            ),
        ]
    );
    let secret_why = "a Trivy secret rule names a detector, not a location; suppress Docket's \
                      secret checks (SC-*) with a scoped rule instead";
    let paths_why = "limited to paths, which Docket cannot match (it scans objects, not files): \
                     importing it would hide the check everywhere; create a scoped rule";
    let cve_why = "a vulnerability ignore: Docket checks configuration and does not scan for CVEs";
    assert_eq!(
        report.unmapped,
        unmapped(&[
            (
                "licenses[0]: GPL-3.0",
                "a license ignore: Docket does not check licenses"
            ),
            ("misconfigurations[2]: AVD-DS-0002", paths_why),
            (
                "misconfigurations[3]: AVD-KSV-0999",
                "no Docket check cross-references `AVD-KSV-0999`"
            ),
            ("misconfigurations[4]: (no id)", "the entry has no id"),
            (
                "misconfigurations[5]: C-0016",
                "expired_at is not a date (YYYY-MM-DD)"
            ),
            ("secrets[0]: aws-access-key-id", secret_why),
            ("vulnerabilities[0]: CVE-2022-40897", cve_why),
            ("vulnerabilities[1]: CVE-2023-2650", cve_why),
        ])
    );
    assert_provenance(&report);
}

#[test]
fn kubescape_exceptions_become_scoped_rules() {
    let report = import_kubescape(
        "exceptions.json",
        &fixture("kubescape-exceptions.json"),
        NOW,
    )
    .unwrap();
    let kube = |f: fn(&mut Scope)| {
        let mut scope = Scope {
            source: Some(Platform::Kubernetes),
            ..Scope::default()
        };
        f(&mut scope);
        scope
    };
    assert_eq!(
        summary(&report),
        vec![
            (
                strings(&["KW-001"]),
                "exclude-kube-system-privileged".to_string(),
                None,
                kube(|s| {
                    s.namespace = Some("kube-system".into());
                    s.workload = Some("DaemonSet/kube-proxy".into());
                }),
            ),
            (
                strings(&["KW-001"]),
                "exclude-kube-system-privileged".to_string(),
                None,
                kube(|s| {
                    s.context = Some("lumen-prod".into());
                    s.namespace = Some("kube-system".into());
                    s.workload = Some("aws-node*".into());
                }),
            ),
            (
                strings(&["KW-009"]),
                "observability agents read host metrics".to_string(),
                None,
                kube(|s| {
                    s.namespace = Some("monitoring".into());
                    s.labels = [(
                        "app.kubernetes.io/part-of".to_string(),
                        "observability".to_string(),
                    )]
                    .into();
                }),
            ),
        ]
    );
    assert_eq!(
        report.unmapped,
        unmapped(&[
            (
                "exclude-kube-system-privileged: C-0999",
                "no Docket check cross-references `C-0999`"
            ),
            (
                "monitoring-host-access: framework NSA",
                "excepts a whole framework: Docket imports per-control exceptions only; list \
                 the controlIDs"
            ),
            (
                "ignore-nsa-in-ci: framework NSA",
                "excepts a whole framework: Docket imports per-control exceptions only; list \
                 the controlIDs"
            ),
            (
                "data-stores-escalation: resources[0]",
                "attribute `name` regex `(postgres|redis)-.*` cannot be expressed as a glob \
                 (only literals, `.*` and `.`); write the rule by hand"
            ),
            (
                "data-stores-escalation: resources[1]",
                "designatorType `Wlid`: only Attributes designators can be expressed as a \
                 Docket scope"
            ),
            (
                "accept-log4j",
                "policyType `vulnerabilityExceptionPolicy`: only posture exceptions map to \
                 Docket checks"
            ),
        ])
    );
    assert_provenance(&report);
}

#[test]
fn broken_import_files_fail_with_a_position() {
    let e = import_kubescape("ex.json", "[\n  {\"name\": \"a\",\n", NOW).unwrap_err();
    assert_eq!(e.origin, "ex.json");
    assert_eq!(e.line, Some(3), "{e}");
    let e = import_kubescape("ex.json", "\"just a string\"", NOW).unwrap_err();
    assert!(e.message.contains("JSON list"), "{e}");
    let e = import_trivyignore_yaml("t.yaml", "misconfigurations:\n  - id: [unclosed\n", NOW)
        .unwrap_err();
    assert_eq!(e.origin, "t.yaml");
    assert!(e.line.is_some_and(|l| l >= 2), "{e}");
    let e = import_trivyignore_yaml("t.yaml", "- just\n- a list\n", NOW).unwrap_err();
    assert!(e.message.contains("mapping of sections"), "{e}");
    // An empty YAML file is an empty import, not an error.
    assert_eq!(
        import_trivyignore_yaml("t.yaml", "", NOW).unwrap(),
        ImportReport::default()
    );
}

#[test]
fn import_file_detects_the_format() {
    assert_eq!(
        ImportFormat::detect("a/.trivyignore", "KSV001\n"),
        ImportFormat::TrivyIgnore
    );
    assert_eq!(
        ImportFormat::detect(".trivyignore.yaml", ""),
        ImportFormat::TrivyIgnoreYaml
    );
    assert_eq!(
        ImportFormat::detect("ex.txt", " [ ]"),
        ImportFormat::KubescapeExceptions
    );
    let text = fixture("kubescape-exceptions.json");
    assert_eq!(
        import_file("kubescape-exceptions.json", &text, NOW).unwrap(),
        import_kubescape("kubescape-exceptions.json", &text, NOW).unwrap()
    );
}

#[test]
fn imported_rules_round_trip_through_the_rules_file() {
    let mut set = RuleSet::default();
    for name in [
        ".trivyignore",
        ".trivyignore.yaml",
        "kubescape-exceptions.json",
    ] {
        for rule in import_file(name, &fixture(name), NOW).unwrap().rules {
            // The same acceptance imported from two files is one rule.
            let _ = set.push(rule);
        }
    }
    assert_eq!(set.rules.len(), 8);
    let text = set.to_toml().unwrap();
    assert_eq!(
        RuleSet::from_toml(&text, "suppressions.toml").unwrap(),
        set,
        "{text}"
    );
}

/// The demo's privileged containers: KW-001 on aws-node (its init container) and kube-proxy in kube-system,
/// and more elsewhere. A rule for KSV-0017 scoped to kube-system hides exactly the
/// kube-system ones.
#[test]
fn demo_rule_for_ksv_0017_in_kube_system_hides_exactly_those_findings() {
    let loaded = docket::sources::demo::load().unwrap();
    let scan = checks::run(&loaded.snapshot, &Selection::default());
    let mut rule = SuppressionRule::new(vec!["KSV-0017".into()], "node agents need it");
    rule.scope.namespace = Some("kube-system".into());
    let set = RuleSet { rules: vec![rule] };
    let ctx = SnapshotContext::new(&loaded.snapshot);
    let eval = set.evaluate(&scan.findings, &ctx, NOW);

    let expected: Vec<&str> = scan
        .findings
        .iter()
        .filter(|f| {
            f.check_id == "KW-001" && f.resource.namespace.as_deref() == Some("kube-system")
        })
        .map(|f| f.fingerprint.as_str())
        .collect();
    let mut names: Vec<String> = scan
        .findings
        .iter()
        .filter(|f| expected.contains(&f.fingerprint.as_str()))
        .map(|f| f.resource.display())
        .collect();
    names.sort();
    assert_eq!(
        names,
        vec![
            "DaemonSet kube-system/aws-node [aws-vpc-cni-init]",
            "DaemonSet kube-system/kube-proxy [kube-proxy]"
        ]
    );
    let elsewhere = scan
        .findings
        .iter()
        .filter(|f| f.check_id == "KW-001" && !expected.contains(&f.fingerprint.as_str()))
        .count();
    assert!(
        elsewhere > 0,
        "the demo has privileged containers outside kube-system too"
    );
    let mut suppressed: Vec<&str> = eval.suppressed.keys().map(String::as_str).collect();
    suppressed.sort();
    let mut want = expected.clone();
    want.sort();
    assert_eq!(suppressed, want);
    assert!(eval.unused.is_empty() && eval.expired.is_empty());
}

/// Facts from the snapshot: the demo cluster's name, a container's image and a
/// workload's labels scope rules on the demo.
#[test]
fn snapshot_context_supplies_context_image_and_labels_on_the_demo() {
    let loaded = docket::sources::demo::load().unwrap();
    let scan = checks::run(&loaded.snapshot, &Selection::default());
    let ctx = SnapshotContext::new(&loaded.snapshot);
    let kube_proxy = scan
        .findings
        .iter()
        .find(|f| f.check_id == "KW-001" && f.resource.name == "kube-proxy")
        .unwrap();
    use docket::findings::suppress::MatchContext;
    assert_eq!(ctx.context(kube_proxy).as_deref(), Some("lumen-prod"));
    let image = ctx.image(kube_proxy).unwrap();
    assert!(image.contains("kube-proxy"), "{image}");
    let labels = ctx.labels(kube_proxy);
    assert!(!labels.is_empty(), "kube-proxy carries labels in the demo");

    let (key, value) = labels.iter().next().unwrap();
    let mut rule = SuppressionRule::new(vec!["KW-001".into()], "scoped by facts");
    rule.scope.context = Some("lumen-*".into());
    rule.scope.image = Some("*kube-proxy*".into());
    rule.scope.labels = [(key.to_string(), value.to_string())].into();
    assert!(rule.matches(kube_proxy, &ctx));
    rule.scope.context = Some("other-cluster".into());
    assert!(!rule.matches(kube_proxy, &ctx));
}
