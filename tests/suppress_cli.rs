//! Suppression rules on disk and in `docket scan`, end to end: the rules store (round trip,
//! atomic save, located errors), `docket suppress list | add | import | check`, and scans
//! with rules in every way that matters (exact findings hidden, `--fail-on`, expired rules,
//! `--no-suppress`, SARIF still valid). Expected counts are computed from the demo's own
//! findings, never hard-coded. Every run gets its own config, data and state dirs.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use docket::findings::suppress::{RuleSet, Scope, SuppressionRule};
use docket::store::rules_store::{RulesStoreError, TEMP_NAME};
use docket::store::RulesStore;
use serde_json::Value;
use time::macros::datetime;

const SARIF_SCHEMA: &str = "tests/fixtures/schemas/sarif-schema-2.1.0.json";

/// Isolated config / data / state dirs and a workspace for one test.
struct Env {
    root: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            root: tempfile::tempdir().unwrap(),
        }
    }
    fn config(&self) -> PathBuf {
        self.root.path().join("config")
    }
    fn workspace(&self) -> PathBuf {
        self.root.path().join("workspace")
    }
    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_docket"))
            .args(args)
            .env("DOCKET_CONFIG_DIR", self.config())
            .env("DOCKET_DATA_DIR", self.root.path().join("data"))
            .env("DOCKET_STATE_DIR", self.root.path().join("state"))
            .env("NO_COLOR", "1")
            .env_remove("USER")
            .env_remove("LOGNAME")
            .output()
            .unwrap()
    }
    /// `docket scan --demo -f json -q` plus `extra`: the report and the process output.
    fn scan_json(&self, extra: &[&str]) -> (Value, Output) {
        let mut args = vec!["scan", "--demo", "-f", "json"];
        args.extend_from_slice(extra);
        let out = self.run(&args);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        (serde_json::from_slice(&out.stdout).unwrap(), out)
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/suppress")
        .join(name)
}

fn list<'v>(v: &'v Value, key: &str) -> &'v Vec<Value> {
    v[key].as_array().unwrap()
}

fn fingerprints<'v>(items: impl IntoIterator<Item = &'v Value>) -> BTreeSet<String> {
    items
        .into_iter()
        .map(|f| f["fingerprint"].as_str().unwrap().to_string())
        .collect()
}

/// The demo's findings with no rules applied.
fn baseline(env: &Env) -> Vec<Value> {
    let (v, _) = env.scan_json(&["--no-suppress"]);
    list(&v, "findings").clone()
}

fn ws(env: &Env) -> String {
    env.workspace().display().to_string()
}

// ---- the store ----------------------------------------------------------------------

fn sample_rules() -> RuleSet {
    let mut scoped = SuppressionRule::new(vec!["KW-001".into(), "C-0057".into()], "netdata");
    scoped.author = Some("maria@lumen.health".into());
    scoped.created = Some(datetime!(2026-11-20 10:00 UTC));
    scoped.expires = Some(datetime!(2027-01-31 0:00 UTC));
    scoped.scope = Scope {
        namespace: Some("monitoring".into()),
        workload: Some("DaemonSet/netdata".into()),
        labels: [("app.kubernetes.io/part-of".into(), "observ*".into())].into(),
        ..Scope::default()
    };
    scoped.id = "netdata".into();
    let plain = SuppressionRule::new(vec!["DC-0*".into()], "legacy host, replaced in Q1");
    RuleSet {
        rules: vec![scoped, plain],
    }
}

#[test]
fn store_round_trips_and_a_failed_save_leaves_the_old_file() {
    let dir = tempfile::tempdir().unwrap();
    let store = RulesStore::open(dir.path());
    assert_eq!(store.path(), dir.path().join("suppressions.toml"));
    assert_eq!(store.load().unwrap(), RuleSet::default(), "missing = empty");
    let rules = sample_rules();
    store.save(&rules).unwrap();
    assert_eq!(store.load().unwrap(), rules);
    let before = std::fs::read(store.path()).unwrap();

    // The temp file cannot be created (a directory is in its place): the save fails
    // before the rename and the old file is byte for byte what it was. (A read-only
    // directory would do the same for a normal user; these tests run as root.)
    std::fs::create_dir(dir.path().join(TEMP_NAME)).unwrap();
    let mut more = rules.clone();
    more.push(SuppressionRule::new(vec!["KW-003".into()], "x"))
        .unwrap();
    let err = store.save(&more).unwrap_err();
    assert!(matches!(err, RulesStoreError::Save { .. }), "{err:?}");
    assert!(
        err.to_string().contains("previous file was left as it was"),
        "{err}"
    );
    assert_eq!(std::fs::read(store.path()).unwrap(), before);
    assert_eq!(store.load().unwrap(), rules);
    // Appending fails the same way and leaves the file alone too.
    assert!(store.append(&more.rules[2..]).is_err());
    assert_eq!(std::fs::read(store.path()).unwrap(), before);
    assert!(
        !dir.path().join("suppressions.lock").exists(),
        "lock released"
    );
}

#[test]
fn for_workspace_prefers_the_workspace_over_the_config_dir() {
    let paths = docket::tui::config::Paths::resolve(
        &|name| match name {
            "DOCKET_CONFIG_DIR" => Some("/cfg".into()),
            _ => None,
        },
        None,
    );
    assert_eq!(
        RulesStore::for_workspace(None, &paths).path(),
        Path::new("/cfg/suppressions.toml")
    );
    assert_eq!(
        RulesStore::for_workspace(Some(Path::new("/ws")), &paths).path(),
        Path::new("/ws/suppressions.toml")
    );
}

#[test]
fn parse_errors_name_file_line_and_column() {
    let err = RulesStore::at_file(&fixture("rules/missing-reason.toml"))
        .load()
        .unwrap_err();
    let RulesStoreError::Invalid(located) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(located.line, Some(9), "{err}");
    assert!(
        located
            .message
            .contains("rule `monitoring-host` has no reason"),
        "{err}"
    );
    assert!(located.origin.ends_with("missing-reason.toml"));
    let err = RulesStore::at_file(&fixture("rules/broken-syntax.toml"))
        .load()
        .unwrap_err();
    assert!(err.to_string().contains("broken-syntax.toml:4:"), "{err}");
}

// ---- docket suppress import ------------------------------------------------------------

/// The `FILE:LINE:` of every unmapped entry printed, in order.
fn unmapped_lines(out: &str, file: &Path) -> Vec<usize> {
    let prefix = format!("  {}:", file.display());
    out.lines()
        .filter_map(|l| l.strip_prefix(&prefix))
        .filter_map(|rest| rest.split(':').next()?.parse().ok())
        .collect()
}

fn checks_of(store: &RulesStore) -> Vec<Vec<String>> {
    store
        .load()
        .unwrap()
        .rules
        .into_iter()
        .map(|r| r.checks)
        .collect()
}

#[test]
fn import_trivyignore_lists_unmapped_lines_and_skips_duplicates() {
    let env = Env::new();
    let file = fixture(".trivyignore");
    let out = env.run(&[
        "--workspace",
        &ws(&env),
        "suppress",
        "import",
        &file.to_string_lossy(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("Imported 3 rules from"), "{text}");
    assert_eq!(
        unmapped_lines(&text, &file),
        vec![9, 10, 11, 12, 14],
        "{text}"
    );
    assert!(
        text.contains(":9: CVE-2023-44487: a vulnerability id"),
        "{text}"
    );
    assert!(
        text.contains(":14: KSV012 --severity HIGH: unknown option"),
        "{text}"
    );
    let store = RulesStore::open(&env.workspace());
    assert_eq!(
        checks_of(&store),
        vec![
            vec!["KW-001".to_string()],
            vec!["DC-008".to_string(), "KW-002".to_string()],
            vec!["DC-018".to_string(), "KW-022".to_string()],
        ]
    );
    let written = std::fs::read(store.path()).unwrap();
    // Again (ids do not depend on the import time): every rule is a duplicate.
    let again = env.run(&[
        "--workspace",
        &ws(&env),
        "suppress",
        "import",
        &file.to_string_lossy(),
    ]);
    let text = stdout(&again);
    assert!(text.contains("Imported 0 rules"), "{text}");
    assert!(text.contains("Skipped 3 rules already in"), "{text}");
    assert_eq!(std::fs::read(store.path()).unwrap(), written);
}

#[test]
fn import_trivyignore_yaml_with_author_lists_unmapped_lines_in_file_order() {
    let env = Env::new();
    let file = fixture(".trivyignore.yaml");
    let out = env.run(&[
        "--workspace",
        &ws(&env),
        "suppress",
        "import",
        &file.to_string_lossy(),
        "--format",
        "trivyignore-yaml",
        "--author",
        "sec-team",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("Imported 2 rules"), "{text}");
    assert_eq!(
        unmapped_lines(&text, &file),
        vec![7, 11, 12, 13, 17, 21, 24, 29],
        "{text}"
    );
    assert!(text.contains(":29: licenses[0]: GPL-3.0:"), "{text}");
    let rules = RulesStore::open(&env.workspace()).load().unwrap();
    assert_eq!(rules.rules.len(), 2);
    for r in &rules.rules {
        assert_eq!(r.author.as_deref(), Some("sec-team"));
    }
    assert_eq!(rules.rules[0].expires, Some(datetime!(2027-01-31 0:00 UTC)));
}

#[test]
fn import_kubescape_dry_run_writes_nothing_then_imports_scoped_rules() {
    let env = Env::new();
    let file = fixture("kubescape-exceptions.json");
    let path = file.to_string_lossy();
    let dry = env.run(&[
        "--workspace",
        &ws(&env),
        "suppress",
        "import",
        &path,
        "--dry-run",
    ]);
    assert_eq!(dry.status.code(), Some(0), "{}", stderr(&dry));
    assert!(
        stdout(&dry).contains("Would import 3 rules"),
        "{}",
        stdout(&dry)
    );
    let store = RulesStore::open(&env.workspace());
    assert!(!store.path().exists(), "a dry run wrote the rules file");

    let out = env.run(&["--workspace", &ws(&env), "suppress", "import", &path]);
    let text = stdout(&out);
    assert!(text.contains("Imported 3 rules"), "{text}");
    assert_eq!(
        unmapped_lines(&text, &file),
        vec![16, 29, 36, 43, 44, 49],
        "{text}"
    );
    assert!(
        text.contains(":44: data-stores-escalation: resources[1]: designatorType `Wlid`"),
        "{text}"
    );
    let rules = store.load().unwrap();
    assert_eq!(
        rules.rules[0].scope.workload.as_deref(),
        Some("DaemonSet/kube-proxy")
    );
    assert_eq!(rules.rules[1].scope.workload.as_deref(), Some("aws-node*"));
}

#[test]
fn import_of_a_broken_file_is_an_error_with_its_position() {
    let env = Env::new();
    let bad = env.root.path().join("bad.json");
    std::fs::write(&bad, "[\n  {\"name\": \"x\",\n").unwrap();
    let out = env.run(&["suppress", "import", &bad.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(&format!("{}:3:", bad.display())),
        "{}",
        stderr(&out)
    );
}

// ---- docket scan with rules ------------------------------------------------------------

fn add(env: &Env, args: &[&str]) -> Output {
    let workspace = ws(env);
    let mut all = vec!["--workspace", workspace.as_str(), "suppress", "add"];
    all.extend_from_slice(args);
    let out = env.run(&all);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    out
}

fn is(f: &Value, check: &str, field: &str, value: &str) -> bool {
    f["check_id"] == check && f["resource"][field] == value
}

#[test]
fn a_rule_hides_exactly_the_findings_it_matches() {
    let env = Env::new();
    let all = baseline(&env);
    // KW-002 in the monitoring namespace, and KW-001 (named by its kubescape reference
    // C-0057) on DaemonSets only.
    let e: Vec<&Value> = all
        .iter()
        .filter(|f| is(f, "KW-002", "namespace", "monitoring"))
        .collect();
    let d: Vec<&Value> = all
        .iter()
        .filter(|f| is(f, "KW-001", "kind", "DaemonSet"))
        .collect();
    let kw002 = all.iter().filter(|f| f["check_id"] == "KW-002").count();
    assert!(!e.is_empty() && e.len() < kw002, "the scope must matter");
    assert!(!d.is_empty());
    add(
        &env,
        &[
            "--check",
            "KW-002",
            "--namespace",
            "monitoring",
            "--reason",
            "agents",
            "--id",
            "mon",
            "--expires",
            "2099-12-31",
        ],
    );
    add(
        &env,
        &[
            "--check",
            "C-0057",
            "--workload",
            "DaemonSet/*",
            "--reason",
            "node agents",
            "--id",
            "ds",
        ],
    );

    let (v, out) = env.scan_json(&["--workspace", &ws(&env)]);
    let hidden: BTreeSet<String> = fingerprints(e.iter().copied().chain(d.iter().copied()));
    let expected_active: BTreeSet<String> =
        fingerprints(&all).difference(&hidden).cloned().collect();
    assert_eq!(fingerprints(list(&v, "findings")), expected_active);
    assert_eq!(fingerprints(list(&v, "suppressed")), hidden);
    assert_eq!(v["summary"]["findings"], all.len() - hidden.len());
    assert_eq!(v["summary"]["suppressed"], hidden.len());
    for s in list(&v, "suppressed") {
        let rule = if s["check_id"] == "KW-002" {
            "mon"
        } else {
            "ds"
        };
        assert_eq!(s["suppression"]["rule_id"], rule);
    }
    let mon = &list(&v, "suppressed")
        .iter()
        .find(|s| s["suppression"]["rule_id"] == "mon")
        .unwrap()["suppression"];
    assert_eq!(mon["reason"], "agents");
    assert_eq!(mon["expires"], "2099-12-31T00:00:00Z");
    let row = list(&v, "checks")
        .iter()
        .find(|c| c["id"] == "KW-002")
        .unwrap();
    assert_eq!(row["findings"], kw002 - e.len());
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));

    // `suppress list` counts the same matches.
    let listed = env.run(&["--workspace", &ws(&env), "suppress", "list", "--demo"]);
    let text = stdout(&listed);
    assert!(
        text.contains(&format!(
            "mon  active  {0} matched, {0} suppressed",
            e.len()
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!("ds  active  {0} matched, {0} suppressed", d.len())),
        "{text}"
    );
    assert!(text.contains("scope    workload=DaemonSet/*"), "{text}");
}

#[test]
fn fail_on_ignores_suppressed_findings() {
    let env = Env::new();
    let all = baseline(&env);
    let critical: BTreeSet<&str> = all
        .iter()
        .filter(|f| f["severity"] == "critical")
        .map(|f| f["check_id"].as_str().unwrap())
        .collect();
    assert!(!critical.is_empty());
    let joined = critical.iter().copied().collect::<Vec<_>>().join(",");
    add(
        &env,
        &["--check", &joined, "--reason", "accepted for the pilot"],
    );
    let args = |extra: &str| {
        let mut a = vec![
            "--workspace".to_string(),
            ws(&env),
            "scan".into(),
            "--demo".into(),
        ];
        a.extend([
            "--fail-on".into(),
            "critical".into(),
            "-o".into(),
            "/dev/null".into(),
        ]);
        if !extra.is_empty() {
            a.push(extra.into());
        }
        a
    };
    let run = |extra: &str| {
        let a = args(extra);
        env.run(&a.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let suppressed = run("");
    assert_eq!(suppressed.status.code(), Some(0), "{}", stderr(&suppressed));
    assert!(
        stderr(&suppressed).contains("(critical 0,"),
        "{}",
        stderr(&suppressed)
    );
    assert_eq!(run("--no-suppress").status.code(), Some(1));
}

#[test]
fn an_expired_rule_hides_nothing_and_is_warned() {
    let env = Env::new();
    let all = baseline(&env);
    let rules = fixture("rules/expired.toml");
    let (v, out) = env.scan_json(&["--rules", &rules.to_string_lossy()]);
    assert_eq!(fingerprints(list(&v, "findings")), fingerprints(&all));
    assert!(list(&v, "suppressed").is_empty());
    let rule = &list(&v, "suppression_rules")[0];
    assert_eq!(rule["status"], "expired");
    let matching = all
        .iter()
        .filter(|f| f["check_id"] == "KW-001" || f["check_id"] == "KW-002")
        .count();
    assert_eq!(rule["matched"], matching);
    assert!(
        stderr(&out).contains(&format!(
            "{}: suppression rule `old-privileged-exception` expired at 2026-01-31T00:00:00Z",
            rules.display()
        )),
        "{}",
        stderr(&out)
    );
}

#[test]
fn no_suppress_reports_every_finding() {
    let env = Env::new();
    let all = baseline(&env);
    add(&env, &["--check", "KW-*", "--reason", "everything kube"]);
    let (with, _) = env.scan_json(&["--workspace", &ws(&env)]);
    assert!(!list(&with, "suppressed").is_empty());
    let (v, _) = env.scan_json(&["--workspace", &ws(&env), "--no-suppress"]);
    assert_eq!(fingerprints(list(&v, "findings")), fingerprints(&all));
    assert!(list(&v, "suppressed").is_empty());
    assert!(v["summary"]["suppression_file"].is_null());
    let both = env.run(&["scan", "--demo", "--no-suppress", "--rules", "x.toml"]);
    assert_eq!(both.status.code(), Some(2));
}

#[test]
fn the_config_dir_rules_apply_unless_a_workspace_is_given() {
    let env = Env::new();
    let out = env.run(&[
        "suppress",
        "add",
        "--check",
        "DC-*",
        "--reason",
        "legacy host",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(env.config().join("suppressions.toml").exists());
    let (v, _) = env.scan_json(&[]);
    assert!(list(&v, "suppressed")
        .iter()
        .all(|s| s["check_id"].as_str().unwrap().starts_with("DC-")));
    assert!(!list(&v, "suppressed").is_empty());
    let (w, _) = env.scan_json(&["--workspace", &ws(&env)]);
    assert!(
        list(&w, "suppressed").is_empty(),
        "the workspace has no rules"
    );
}

#[test]
fn sarif_with_suppressions_validates_against_the_schema() {
    let env = Env::new();
    let all = baseline(&env);
    add(
        &env,
        &[
            "--check",
            "KW-002",
            "--reason",
            "accepted \"quoted\" <risk>",
            "--expires",
            "2099-01-01",
        ],
    );
    let hidden = all.iter().filter(|f| f["check_id"] == "KW-002").count();
    let out = env.run(&["--workspace", &ws(&env), "scan", "--demo", "-f", "sarif"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(SARIF_SCHEMA).unwrap()).unwrap();
    let validator = jsonschema::draft7::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), all.len());
    let suppressed: Vec<&Value> = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(suppressed.len(), hidden);
    for r in suppressed {
        assert_eq!(r["ruleId"], "KW-002");
        let s = &r["suppressions"][0];
        assert_eq!(s["kind"], "external");
        assert_eq!(s["justification"], "accepted \"quoted\" <risk>");
        assert_eq!(s["properties"]["docket/expires"], "2099-01-01T00:00:00Z");
    }
}

// ---- errors and checks -----------------------------------------------------------------

#[test]
fn a_missing_reason_is_an_error_with_its_line() {
    let env = Env::new();
    let rules = fixture("rules/missing-reason.toml");
    let at = format!("{}:9:", rules.display());
    let scan = env.run(&["scan", "--demo", "--rules", &rules.to_string_lossy()]);
    assert_eq!(scan.status.code(), Some(2));
    assert!(stderr(&scan).contains(&at), "{}", stderr(&scan));
    assert!(stderr(&scan).contains("rule `monitoring-host` has no reason"));
    assert!(scan.stdout.is_empty(), "no report from a broken rules file");
    let check = env.run(&["suppress", "check", "--rules", &rules.to_string_lossy()]);
    assert_eq!(check.status.code(), Some(2));
    assert!(stderr(&check).contains(&at), "{}", stderr(&check));
    // The default file is not skipped when broken either.
    std::fs::create_dir_all(env.workspace()).unwrap();
    std::fs::copy(&rules, env.workspace().join("suppressions.toml")).unwrap();
    let ws_scan = env.run(&["--workspace", &ws(&env), "scan", "--demo"]);
    assert_eq!(ws_scan.status.code(), Some(2));
    assert!(
        stderr(&ws_scan).contains("suppressions.toml:9:"),
        "{}",
        stderr(&ws_scan)
    );
    // And on the command line the reason is required.
    let add = env.run(&["suppress", "add", "--check", "KW-001"]);
    assert_eq!(add.status.code(), Some(2));
    assert!(stderr(&add).contains("--reason"), "{}", stderr(&add));
    let blank = env.run(&["suppress", "add", "--check", "KW-001", "--reason", "  "]);
    assert_eq!(blank.status.code(), Some(2));
}

#[test]
fn add_refuses_unknown_checks_past_expiry_and_duplicates() {
    let env = Env::new();
    let typo = env.run(&["suppress", "add", "--check", "KX-001", "--reason", "x"]);
    assert_eq!(typo.status.code(), Some(2));
    assert!(
        stderr(&typo).contains("no check matches KX-001"),
        "{}",
        stderr(&typo)
    );
    let past = env.run(&[
        "suppress",
        "add",
        "--check",
        "KW-001",
        "--reason",
        "x",
        "--expires",
        "2020-01-01",
    ]);
    assert_eq!(past.status.code(), Some(2));
    assert!(stderr(&past).contains("in the past"), "{}", stderr(&past));
    let bad = env.run(&[
        "suppress",
        "add",
        "--check",
        "KW-001",
        "--reason",
        "x",
        "--expires",
        "soon",
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(!env.config().join("suppressions.toml").exists());
    let args = [
        "suppress", "add", "--check", "KW-001", "--reason", "x", "--author", "maria",
    ];
    assert_eq!(env.run(&args).status.code(), Some(0));
    let again = env.run(&args);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );
    let rules = RulesStore::open(&env.config()).load().unwrap();
    assert_eq!(rules.rules.len(), 1);
    assert_eq!(rules.rules[0].author.as_deref(), Some("maria"));
}

#[test]
fn a_failed_add_leaves_the_rules_file_untouched() {
    let env = Env::new();
    add(&env, &["--check", "KW-001", "--reason", "first"]);
    let file = env.workspace().join("suppressions.toml");
    let before = std::fs::read(&file).unwrap();
    std::fs::create_dir(env.workspace().join(TEMP_NAME)).unwrap();
    let out = env.run(&[
        "--workspace",
        &ws(&env),
        "suppress",
        "add",
        "--check",
        "KW-002",
        "--reason",
        "second",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("previous file was left as it was"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(&file).unwrap(), before);
}

#[test]
fn check_lists_unknown_patterns_and_expired_rules() {
    let env = Env::new();
    let file = env.root.path().join("rules.toml");
    std::fs::write(
        &file,
        "[[rule]]\nid = \"typo\"\nchecks = [\"KW-001\", \"KX-9*\"]\nreason = \"r\"\n\n[[rule]]\nid = \"old\"\nchecks = [\"DC-001\"]\nreason = \"r\"\nexpires = \"2020-01-01T00:00:00Z\"\n",
    )
    .unwrap();
    let out = env.run(&["suppress", "check", "--rules", &file.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("2 rules valid; 1 unknown check pattern, 1 expired"),
        "{text}"
    );
    assert!(
        text.contains("rule `typo`: `KX-9*` matches no check"),
        "{text}"
    );
    assert!(
        text.contains("rule `old` expired at 2020-01-01T00:00:00Z"),
        "{text}"
    );
    let missing = env.run(&["suppress", "check", "--rules", "/nonexistent/rules.toml"]);
    assert_eq!(missing.status.code(), Some(2));
}
