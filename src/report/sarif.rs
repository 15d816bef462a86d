//! SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.
//!
//! One run. `tool.driver.rules` holds every check that ran or was selected but not
//! evaluated; not-evaluated (and partial) checks are also listed in
//! `invocations[0].toolConfigurationNotifications`, coverage gaps and the manual items in
//! `toolExecutionNotifications`, so a viewer never shows "no results" for a check that did
//! not run without saying so.
//!
//! Resources are not files: each result carries a logical location (`kind: resource`)
//! and a physical location whose URI is the same pseudo-path
//! (`kubernetes/prod/Deployment/api/app`, `docker/host/Container/web`), because GitHub needs
//! a physical location.
//!
//! GitHub's limits are kept: at most [`MAX_RESULTS`] results per run (past that, results
//! are aggregated per check and namespace or host, and the run says so), [`MAX_RULES`]
//! rules, [`MAX_TAGS`] tags per rule, one location per result.
//!
//! Suppressed findings stay results, with SARIF's own `suppressions` (`kind: external`,
//! `status: accepted`, the rule's reason as `justification`, its id and expiry as
//! properties), so viewers show them as suppressed. They are left out, with a notification
//! saying so, when the run is aggregated or they would pass the result limit. Expired and
//! unused rules are tool execution notifications.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::suppressed::{expires_text, RuleStatus, SuppressedFinding};
use super::{outcome_reasons, resource_path, CheckRow, Report, ReportFinding};
use crate::checks::{Outcome, Severity};
use crate::findings::{fingerprint, Platform, ResourceRef};

pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
pub const SARIF_VERSION: &str = "2.1.0";
/// GitHub code scanning: results per run.
pub const MAX_RESULTS: usize = 25_000;
/// GitHub code scanning: rules per run.
pub const MAX_RULES: usize = 25_000;
/// GitHub code scanning: tags per rule.
pub const MAX_TAGS: usize = 20;
/// Key of the partial fingerprint (bump the suffix if the fingerprint scheme changes).
pub const FINGERPRINT_KEY: &str = "docket/v1";

pub fn render(report: &Report) -> String {
    render_with_limit(report, MAX_RESULTS)
}

/// Render with another result limit (tests; tools with lower limits).
pub fn render_with_limit(report: &Report, max_results: usize) -> String {
    let mut s = serde_json::to_string_pretty(&to_value(report, max_results))
        .unwrap_or_else(|e| format!("{{\"error\": {:?}}}", e.to_string()));
    s.push('\n');
    s
}

pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub's `security-severity` (a CVSS-like score as a string).
pub fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

pub fn to_value(report: &Report, max_results: usize) -> Value {
    // Rules: every check that ran or was not evaluated, plus any check with findings.
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    let mut rules: Vec<Value> = Vec::new();
    for row in &report.checks {
        let wanted = row.outcome.ran() || row.is_not_evaluated() || row.findings > 0;
        if !wanted || index.contains_key(row.id) || rules.len() >= MAX_RULES {
            continue;
        }
        index.insert(row.id, rules.len());
        rules.push(rule(row));
    }

    let original = report.findings.len();
    let aggregated = original > max_results;
    let (mut results, groups) = if aggregated {
        aggregate(report, &index)
    } else {
        let r: Vec<Value> = report.findings.iter().map(|f| result(f, &index)).collect();
        (r, 0)
    };
    let truncated = results.len() > max_results;
    let dropped = results.len().saturating_sub(max_results);
    results.truncate(max_results);
    let suppressed = report.suppressed();
    let list_suppressed = !aggregated && results.len() + suppressed.len() <= max_results;
    if list_suppressed {
        results.extend(suppressed.iter().map(|s| suppressed_result(s, &index)));
    }

    // Checks that did not run, or ran on partial data.
    let mut config_notes: Vec<Value> = Vec::new();
    for row in &report.checks {
        let (lvl, what) = match row.outcome {
            Outcome::NotEvaluated(_) => ("warning", "was not evaluated (this is not a pass)"),
            Outcome::Partial(_) => ("note", "ran on partial data (findings may be missing)"),
            _ => continue,
        };
        let mut n = json!({
            "descriptor": {"id": row.id},
            "level": lvl,
            "message": {"text": format!(
                "{} ({}) {}: {}",
                row.id,
                row.title(),
                what,
                outcome_reasons(row.outcome).join("; ")
            )},
        });
        if let Some(i) = index.get(row.id) {
            n["associatedRule"] = json!({"id": row.id, "index": i});
        }
        config_notes.push(n);
    }

    let mut exec_notes: Vec<Value> = Vec::new();
    if aggregated {
        exec_notes.push(json!({
            "descriptor": {"id": "docket/aggregated"},
            "level": "warning",
            "message": {"text": format!(
                "{original} findings exceed the limit of {max_results} results per run: results are aggregated, one per check and namespace or host ({groups} groups), with the count in each message. Use the JSON or CSV report for every finding."
            )},
        }));
    }
    if truncated {
        exec_notes.push(json!({
            "descriptor": {"id": "docket/truncated"},
            "level": "warning",
            "message": {"text": format!(
                "{dropped} aggregated results over the limit of {max_results} were left out. Use the JSON or CSV report for every finding."
            )},
        }));
    }
    if !list_suppressed && !suppressed.is_empty() {
        exec_notes.push(json!({
            "descriptor": {"id": "docket/suppressed-omitted"},
            "level": "note",
            "message": {"text": format!(
                "{} suppressed findings are not listed as results (the run is over the limit of {max_results} results). Use the JSON or CSV report for them.",
                suppressed.len()
            )},
        }));
    }
    if let Some(s) = &report.suppressions {
        for u in s.rules.iter().filter(|u| u.status != RuleStatus::Active) {
            let what = match u.status {
                RuleStatus::Expired => format!(
                    "expired at {} and hides nothing; renew it or delete it",
                    expires_text(u.rule)
                ),
                _ => "matches no finding of this scan; delete it if it is stale".to_string(),
            };
            exec_notes.push(json!({
                "descriptor": {"id": format!("docket/suppression-{}", u.status.label())},
                "level": if u.status == RuleStatus::Expired { "warning" } else { "note" },
                "message": {"text": format!(
                    "Suppression rule {} in {} {what}.",
                    u.rule.id, s.origin
                )},
            }));
        }
    }
    for g in &report.coverage_gaps {
        let scope = if g.scope.is_empty() {
            String::new()
        } else {
            format!(" [{}]", g.scope)
        };
        exec_notes.push(json!({
            "descriptor": {"id": "docket/coverage-gap"},
            "level": "warning",
            "message": {"text": format!(
                "Coverage gap: {}{} could not be read: {}. Checks needing it were not evaluated.",
                g.kind.label(),
                scope,
                g.reason
            )},
        }));
    }
    if !report.manual.is_empty() {
        let refs: Vec<&str> = report.manual.iter().map(|m| m.reference).collect();
        exec_notes.push(json!({
            "descriptor": {"id": "docket/manual"},
            "level": "note",
            "message": {"text": format!(
                "{} benchmark items need host access and manual evidence (never reported as passed): {}",
                report.manual.len(),
                refs.join(", ")
            )},
        }));
    }

    let not_evaluated: Vec<&str> = report.not_evaluated().map(|c| c.id).collect();
    let manual: Vec<Value> = report
        .manual
        .iter()
        .map(|m| json!({"reference": m.reference, "title": m.title, "evidence": m.evidence}))
        .collect();
    let mut run_props = json!({
        "docket/aggregated": aggregated,
        "docket/originalResultCount": original,
        "docket/generatedAt": report.generated_at,
        "docket/notEvaluated": not_evaluated,
        "docket/coverageGaps": report.coverage_gaps.len(),
        "docket/manual": manual,
        "docket/caveat": report.caveat(),
    });
    if let Some(s) = &report.suppressions {
        run_props["docket/suppressed"] = json!(suppressed.len());
        run_props["docket/suppressionFile"] = json!(s.origin);
    }
    if truncated {
        run_props["docket/truncated"] = json!(true);
        run_props["docket/droppedResultCount"] = json!(dropped);
    }

    json!({
        "$schema": SCHEMA_URI,
        "version": SARIF_VERSION,
        "runs": [{
            "tool": {"driver": {
                "name": report.tool_name,
                "semanticVersion": report.tool_version,
                "version": report.tool_version,
                "rules": rules,
            }},
            "invocations": [{
                "executionSuccessful": true,
                "toolConfigurationNotifications": config_notes,
                "toolExecutionNotifications": exec_notes,
            }],
            "results": results,
            "properties": run_props,
        }],
    })
}

fn rule(row: &CheckRow) -> Value {
    let severity = row.severity();
    let title = non_empty(row.title(), row.id);
    let (rationale, remediation, refs) = match row.check {
        Some(c) => (c.rationale, c.remediation, c.refs),
        None => (
            "This check is not in this version's catalog; its findings are reported as given.",
            "See the documentation of the Docket version that produced the finding.",
            &[][..],
        ),
    };
    let mut tags: Vec<String> = vec!["security".to_string()];
    for r in refs {
        if tags.len() >= MAX_TAGS {
            break;
        }
        if !tags.iter().any(|t| t == r) {
            tags.push(r.to_string());
        }
    }
    let mut md = format!("**Remediation:** {remediation}");
    if !refs.is_empty() {
        md.push_str(&format!("\n\n**References:** {}", refs.join(", ")));
    }
    if let Some(c) = row.check {
        if !c.controls.is_empty() {
            md.push_str(&format!(
                "\n\n**Controls:** {}",
                super::control_labels(c.controls).join(", ")
            ));
        }
    }
    json!({
        "id": row.id,
        "name": rule_name(title, row.id),
        "shortDescription": {"text": title},
        "fullDescription": {"text": non_empty(rationale, title)},
        "help": {"text": non_empty(remediation, title), "markdown": md},
        "defaultConfiguration": {"level": level(severity)},
        "properties": {
            "tags": tags,
            "security-severity": security_severity(severity),
            "precision": "high",
        },
    })
}

fn non_empty<'s>(s: &'s str, fallback: &'s str) -> &'s str {
    if s.trim().is_empty() {
        fallback
    } else {
        s
    }
}

/// `Container runs privileged` -> `ContainerRunsPrivileged`.
fn rule_name(title: &str, id: &str) -> String {
    let name: String = title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + cs.as_str(),
                None => String::new(),
            }
        })
        .collect();
    if name.is_empty() {
        id.to_string()
    } else {
        name
    }
}

fn location(path: &str, kind: &str, name: &str) -> Value {
    json!({
        "physicalLocation": {"artifactLocation": {"uri": path}},
        "logicalLocations": [{"name": name, "fullyQualifiedName": path, "kind": kind}],
    })
}

fn result(rf: &ReportFinding, index: &BTreeMap<&str, usize>) -> Value {
    let f = rf.finding;
    let path = resource_path(&f.resource);
    let evidence: Vec<Value> = f
        .evidence
        .iter()
        .map(|e| json!({"path": e.path, "observed": e.observed}))
        .collect();
    let mut r = json!({
        "ruleId": f.check_id,
        "level": level(f.severity),
        "message": {"text": format!("{} ({})", non_empty(&f.message, &f.title), f.resource.display())},
        "locations": [location(&path, "resource", &f.resource.name)],
        "partialFingerprints": {FINGERPRINT_KEY: f.fingerprint},
        "properties": {
            "evidence": evidence,
            "resource": f.resource.display(),
            "severity": f.severity.as_str(),
        },
    });
    if let Some(i) = index.get(f.check_id.as_str()) {
        r["ruleIndex"] = json!(i);
    }
    r
}

/// A suppressed finding: its result with SARIF's native suppression.
fn suppressed_result(s: &SuppressedFinding, index: &BTreeMap<&str, usize>) -> Value {
    let mut r = result(&s.finding, index);
    let mut props = json!({
        "docket/ruleId": s.rule.id,
        "docket/expires": expires_text(s.rule),
    });
    if let Some(author) = &s.rule.author {
        props["docket/author"] = json!(author);
    }
    r["suppressions"] = json!([{
        "kind": "external",
        "status": "accepted",
        "justification": s.rule.reason,
        "properties": props,
    }]);
    r
}

/// The scope findings are aggregated over: the namespace (or cluster) for Kubernetes, the
/// host for Docker.
fn scope(r: &ResourceRef) -> (String, &'static str, ResourceRef) {
    match r.platform {
        Platform::Kubernetes => match &r.namespace {
            Some(ns) => (
                format!("kubernetes/{}", super::percent_encode(ns)),
                "namespace",
                ResourceRef::kube("Namespace", None, ns),
            ),
            None => (
                "kubernetes/_cluster".to_string(),
                "cluster",
                ResourceRef::kube("Cluster", None, ""),
            ),
        },
        Platform::Docker => {
            let host = r.host.as_deref().unwrap_or("");
            (
                format!("docker/{}", super::percent_encode(host)),
                "host",
                ResourceRef::docker("Host", host, host),
            )
        }
    }
}

struct Group<'r> {
    check_id: &'r str,
    title: &'r str,
    path: String,
    kind: &'static str,
    anchor: ResourceRef,
    worst: Severity,
    count: usize,
    first: &'r ReportFinding<'r>,
}

/// One result per (check, namespace-or-host), in first-seen order. Returns the results
/// and the number of groups.
fn aggregate(report: &Report, index: &BTreeMap<&str, usize>) -> (Vec<Value>, usize) {
    let mut groups: Vec<Group> = Vec::new();
    let mut by_key: BTreeMap<(&str, String), usize> = BTreeMap::new();
    for rf in &report.findings {
        let f = rf.finding;
        let (path, kind, anchor) = scope(&f.resource);
        let key = (f.check_id.as_str(), path.clone());
        match by_key.get(&key) {
            Some(&i) => {
                let g = &mut groups[i];
                g.count += 1;
                g.worst = g.worst.max(f.severity);
            }
            None => {
                by_key.insert(key, groups.len());
                groups.push(Group {
                    check_id: &f.check_id,
                    title: &f.title,
                    path,
                    kind,
                    anchor,
                    worst: f.severity,
                    count: 1,
                    first: rf,
                });
            }
        }
    }
    let n = groups.len();
    let results = groups
        .into_iter()
        .map(|g| {
            let name = g.anchor.name.clone();
            let mut r = json!({
                "ruleId": g.check_id,
                "level": level(g.worst),
                "message": {"text": format!(
                    "{} findings of {} ({}) in {} (aggregated); first: {} ({})",
                    g.count,
                    g.check_id,
                    g.title,
                    g.path,
                    g.first.finding.message,
                    g.first.finding.resource.display()
                )},
                "locations": [location(&g.path, g.kind, &name)],
                "partialFingerprints": {
                    FINGERPRINT_KEY: fingerprint(g.check_id, &g.anchor, "docket-aggregate")
                },
                "properties": {
                    "docket/count": g.count,
                    "resource": g.path,
                    "severity": g.worst.as_str(),
                },
            });
            if let Some(i) = index.get(g.check_id) {
                r["ruleIndex"] = json!(i);
            }
            r
        })
        .collect();
    (results, n)
}

#[cfg(test)]
mod tests {
    use super::super::{fixture, Report};
    use super::*;

    fn sarif(report: &Report) -> Value {
        serde_json::from_str(&render(report)).expect("valid JSON")
    }

    #[test]
    fn one_run_with_rules_results_and_locations() {
        let (snap, scan) = fixture::sample();
        let r = Report::new(&snap, &scan, fixture::NOW);
        let v = sarif(&r);
        assert_eq!(v["$schema"], SCHEMA_URI);
        assert_eq!(v["version"], "2.1.0");
        let run = &v["runs"][0];
        assert_eq!(run["tool"]["driver"]["name"], "Docket");
        let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
        let ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
        // Ran, partial, not evaluated, and the unknown check with a finding; not the
        // disabled or not-applicable ones.
        assert!(ids.contains(&"DC-001"));
        assert!(ids.contains(&fixture::PARTIAL_ID));
        assert!(ids.contains(&fixture::NOT_EVALUATED_ID));
        assert!(ids.contains(&fixture::UNKNOWN_ID));
        assert!(!ids.contains(&"DC-003"));
        assert!(!ids.contains(&"DH-901"));
        let dc1 = &rules[ids.iter().position(|i| *i == "DC-001").expect("DC-001")];
        assert_eq!(dc1["properties"]["security-severity"], "9.5");
        assert_eq!(dc1["defaultConfiguration"]["level"], "error");
        assert!(dc1["properties"]["tags"].as_array().expect("tags").len() <= MAX_TAGS);

        let results = run["results"].as_array().expect("results");
        assert_eq!(results.len(), scan.findings.len());
        for res in results {
            let idx = res["ruleIndex"].as_u64().expect("ruleIndex") as usize;
            assert_eq!(rules[idx]["id"], res["ruleId"]);
            let loc = &res["locations"][0];
            assert_eq!(
                loc["physicalLocation"]["artifactLocation"]["uri"],
                loc["logicalLocations"][0]["fullyQualifiedName"]
            );
            assert!(res["partialFingerprints"][FINGERPRINT_KEY].is_string());
        }
        let kube = results
            .iter()
            .find(|r| r["ruleId"] == fixture::UNKNOWN_ID)
            .expect("kube result");
        assert_eq!(
            kube["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
            "kubernetes/prod/Deployment/api/app"
        );
        assert_eq!(kube["level"], "error");
        assert_eq!(run["properties"]["docket/aggregated"], false);
    }

    #[test]
    fn not_evaluated_checks_are_configuration_notifications() {
        let (snap, scan) = fixture::sample();
        let r = Report::new(&snap, &scan, fixture::NOW);
        let v = sarif(&r);
        let inv = &v["runs"][0]["invocations"][0];
        assert_eq!(inv["executionSuccessful"], true);
        let notes = inv["toolConfigurationNotifications"]
            .as_array()
            .expect("notes");
        let ne = notes
            .iter()
            .find(|n| n["descriptor"]["id"] == fixture::NOT_EVALUATED_ID)
            .expect("not evaluated notification");
        assert_eq!(ne["level"], "warning");
        assert!(ne["message"]["text"]
            .as_str()
            .is_some_and(|t| t.contains("403 Forbidden")));
        let exec = inv["toolExecutionNotifications"].as_array().expect("exec");
        assert!(exec
            .iter()
            .any(|n| n["descriptor"]["id"] == "docket/coverage-gap"));
        assert!(exec
            .iter()
            .any(|n| n["descriptor"]["id"] == "docket/manual"));
    }

    #[test]
    fn past_the_limit_results_are_aggregated_per_check_and_namespace() {
        let (snap, scan) = fixture::many(MAX_RESULTS + 1, 7);
        let r = Report::new(&snap, &scan, fixture::NOW);
        let v = to_value(&r, MAX_RESULTS);
        let run = &v["runs"][0];
        let results = run["results"].as_array().expect("results");
        assert_eq!(results.len(), 7);
        assert_eq!(run["properties"]["docket/aggregated"], true);
        assert_eq!(
            run["properties"]["docket/originalResultCount"],
            MAX_RESULTS + 1
        );
        let total: u64 = results
            .iter()
            .filter_map(|r| r["properties"]["docket/count"].as_u64())
            .sum();
        assert_eq!(total as usize, MAX_RESULTS + 1);
        assert!(results[0]["message"]["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("3572 findings of DC-001")));
        assert_eq!(
            results[0]["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
            "kubernetes/ns-0"
        );
        let exec = run["invocations"][0]["toolExecutionNotifications"]
            .as_array()
            .expect("exec");
        assert!(exec
            .iter()
            .any(|n| n["descriptor"]["id"] == "docket/aggregated"));
        // At the limit exactly: no aggregation.
        let (snap, scan) = fixture::many(50, 7);
        let r = Report::new(&snap, &scan, fixture::NOW);
        let v = to_value(&r, 50);
        assert_eq!(v["runs"][0]["results"].as_array().map(Vec::len), Some(50));
    }

    #[test]
    fn aggregated_groups_over_the_limit_are_truncated_and_said_so() {
        let (snap, scan) = fixture::many(30, 30);
        let r = Report::new(&snap, &scan, fixture::NOW);
        let v = to_value(&r, 10);
        let run = &v["runs"][0];
        assert_eq!(run["results"].as_array().map(Vec::len), Some(10));
        assert_eq!(run["properties"]["docket/truncated"], true);
        assert_eq!(run["properties"]["docket/droppedResultCount"], 20);
    }

    #[test]
    fn rule_names_and_levels() {
        assert_eq!(
            rule_name("Container runs privileged", "X"),
            "ContainerRunsPrivileged"
        );
        assert_eq!(rule_name("!!", "X-1"), "X-1");
        assert_eq!(level(Severity::Medium), "warning");
        assert_eq!(level(Severity::Info), "note");
    }
}
