//! The JSON report: a stable, documented shape, pretty-printed and deterministic (objects
//! are built from ordered data, never from a hash map's iteration order).
//!
//! ```text
//! {
//!   "report_version": 1,
//!   "docket_version": "0.1.0",
//!   "generated_at": "2026-11-02T10:00:00Z",
//!   "sources": [{ "kind": "file", "location": "...", "detail": "..." }],
//!   "summary": {
//!     "findings": 12,
//!     "by_severity": { "critical": 1, "high": 3, "medium": 5, "low": 2, "info": 1 },
//!     "by_family": { "docker_host": 0, ..., "secrets": 2 },   // plus "unknown" if any
//!     "by_framework": [{ "framework": "pci", "name": "PCI DSS v4.0", "findings": 7,
//!                        "controls": 13, "failed": 3, "accepted": 1,
//!                        "not_evaluated": 2, "passed": 5, "manual": 2 }],
//!     "checks": { "total": 90, "evaluated": 80, "partial": 2, "not_evaluated": 3,
//!                 "not_applicable": 5, "disabled": 0 },
//!     "coverage_gaps": 1, "manual_items": 18,
//!     "suppressed": 2, "suppression_file": "/home/me/.config/docket/suppressions.toml",
//!     "caveat": "Not evaluated is not passed: ..."
//!   },
//!   "findings": [{ "check_id", "severity", "title", "family", "resource": {platform, kind,
//!                  namespace?, name, container?, host?}, "resource_path", "message",
//!                  "evidence": [{path, observed}], "discriminator", "fingerprint",
//!                  "refs": [...], "controls": [{framework, id, title}], "remediation" }],
//!   "checks": [{ "id", "title", "family", "severity", "outcome", "reasons": [...], "findings" }],
//!   "coverage_gaps": [{ "kind", "label", "scope", "reason" }],
//!   "manual": [{ "reference", "title", "evidence" }],
//!   "suppressed": [{ ...every finding field..., "suppression": { "rule_id", "reason",
//!                    "author", "expires" } }],
//!   "suppression_rules": [{ "id", "checks", "scope", "reason", "author", "created",
//!                           "expires", "status", "suppressed", "matched" }]
//! }
//! ```
//! Suppressed findings are not in `findings` nor in any count of `summary` but
//! `suppressed`; `suppression_file` is null and both lists are empty when no rules were
//! applied. `status` is `active`, `expired` (hides nothing) or `unused` (matches nothing);
//! times are RFC 3339, `expires` null for a rule that never expires.
//! `outcome` is one of `evaluated`, `partial`, `not_evaluated`, `not_applicable`, `disabled`.
//! `family` is null for a check id this version's catalog does not know.

use serde_json::{json, Map, Value};

use super::suppressed::{expires_text, RuleUsage, SuppressedFinding};
use super::{family_key, outcome_key, resource_path, source_kind, Report, ReportFinding};
use crate::checks::Control;

/// Bumped when a field changes meaning or is removed (adding fields does not bump it).
pub const REPORT_VERSION: u32 = 1;

pub fn render(report: &Report) -> String {
    let mut out = Vec::new();
    match write(report, &mut out) {
        Ok(()) => String::from_utf8(out).unwrap_or_default(),
        // Serializing values built from strings and numbers cannot fail; stay total anyway.
        Err(e) => format!("{{\"error\": {:?}}}\n", e.to_string()),
    }
}

/// Write the report to `out` as it is serialized: at 434,000 findings the text is 813 MB,
/// which `docket scan -f json -o FILE` no longer holds in memory.
pub fn write(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    // The findings are serialized one at a time instead of as one `Value` tree (at
    // 434,000 findings the tree took several GB). Keys come out sorted, as `to_value` (a
    // `Map` without `preserve_order`) gives them, so both paths agree.
    let mut rest = match to_value_without_findings(report) {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    rest.remove("findings");
    rest.remove("suppressed");
    let top = Streamed { rest, report };
    serde_json::to_writer_pretty(&mut *out, &top)?;
    out.write_all(b"\n")
}

/// The top-level object with `findings` and `suppressed` produced lazily.
struct Streamed<'r, 'a> {
    rest: Map<String, Value>,
    report: &'r Report<'a>,
}

impl serde::Serialize for Streamed<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut keys: Vec<&str> = self.rest.keys().map(String::as_str).collect();
        keys.extend(["findings", "suppressed"]);
        keys.sort_unstable();
        let mut map = ser.serialize_map(Some(keys.len()))?;
        let suppressed = self.report.suppressed();
        for key in keys {
            match key {
                "findings" => map.serialize_entry(key, &Each(&self.report.findings, finding))?,
                "suppressed" => map.serialize_entry(key, &Each(suppressed, self::suppressed))?,
                _ => map.serialize_entry(key, &self.rest[key])?,
            }
        }
        map.end()
    }
}

/// A list serialized one element's `Value` at a time.
struct Each<'s, T>(&'s [T], fn(&T) -> Value);

impl<T> serde::Serialize for Each<'_, T> {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = ser.serialize_seq(Some(self.0.len()))?;
        for item in self.0 {
            seq.serialize_element(&(self.1)(item))?;
        }
        seq.end()
    }
}

/// The report as a JSON value (also used by tests and other exporters).
pub fn to_value(report: &Report) -> Value {
    let mut v = to_value_without_findings(report);
    v["findings"] = Value::Array(report.findings.iter().map(finding).collect());
    v["suppressed"] = Value::Array(report.suppressed().iter().map(suppressed).collect());
    v
}

/// Everything but the `findings` and `suppressed` lists (empty here).
fn to_value_without_findings(report: &Report) -> Value {
    let t = &report.totals;
    let mut by_severity = Map::new();
    for (s, n) in &t.by_severity {
        by_severity.insert(s.as_str().to_string(), json!(n));
    }
    let mut by_family = Map::new();
    for (f, n) in &t.by_family {
        by_family.insert(family_key(*f).to_string(), json!(n));
    }
    if t.unknown_family > 0 {
        by_family.insert("unknown".into(), json!(t.unknown_family));
    }
    let by_framework: Vec<Value> = t
        .by_framework
        .iter()
        .map(|p| {
            json!({
                "framework": p.framework.slug(),
                "name": p.framework.name(),
                "findings": p.findings,
                "controls": p.controls,
                "failed": p.failed,
                "accepted": p.accepted,
                "not_evaluated": p.not_evaluated,
                "passed": p.passed,
                "manual": p.manual,
            })
        })
        .collect();
    let c = &t.checks;
    let summary = json!({
        "findings": t.findings,
        "by_severity": by_severity,
        "by_family": by_family,
        "by_framework": by_framework,
        "checks": {
            "total": report.checks.len(),
            "evaluated": c.evaluated,
            "partial": c.partial,
            "not_evaluated": c.not_evaluated,
            "not_applicable": c.not_applicable,
            "disabled": c.disabled,
        },
        "coverage_gaps": report.coverage_gaps.len(),
        "manual_items": report.manual.len(),
        "suppressed": report.suppressed().len(),
        "suppression_file": report.suppressions.as_ref().map(|s| &s.origin),
        "caveat": report.caveat(),
    });

    let sources: Vec<Value> = report
        .sources
        .iter()
        .map(|s| {
            json!({
                "kind": source_kind(&s.kind),
                "location": s.location,
                "detail": s.detail,
            })
        })
        .collect();
    let checks: Vec<Value> = report
        .checks
        .iter()
        .map(|c| {
            json!({
                "id": c.id,
                "title": c.title(),
                "family": c.family().map(family_key),
                "severity": c.severity().as_str(),
                "outcome": outcome_key(c.outcome),
                "reasons": c.reasons(),
                "findings": c.findings,
            })
        })
        .collect();
    let gaps: Vec<Value> = report
        .coverage_gaps
        .iter()
        .map(|g| {
            json!({
                "kind": g.kind,
                "label": g.kind.label(),
                "scope": g.scope,
                "reason": g.reason,
            })
        })
        .collect();
    let manual: Vec<Value> = report
        .manual
        .iter()
        .map(|m| {
            json!({
                "reference": m.reference,
                "title": m.title,
                "evidence": m.evidence,
            })
        })
        .collect();

    json!({
        "report_version": REPORT_VERSION,
        "docket_version": report.tool_version,
        "generated_at": report.generated_at,
        "sources": sources,
        "summary": summary,
        "findings": [],
        "checks": checks,
        "coverage_gaps": gaps,
        "manual": manual,
        "suppressed": [],
        "suppression_rules": report
            .suppressions
            .as_ref()
            .map_or_else(Vec::new, |s| s.rules.iter().map(rule_usage).collect()),
    })
}

fn suppressed(s: &SuppressedFinding) -> Value {
    let mut v = finding(&s.finding);
    v["suppression"] = json!({
        "rule_id": s.rule.id,
        "reason": s.rule.reason,
        "author": s.rule.author,
        "expires": s.rule.expires.map(|_| expires_text(s.rule)),
    });
    v
}

fn rule_usage(u: &RuleUsage) -> Value {
    let r = u.rule;
    let time = |t: Option<time::OffsetDateTime>| {
        t.and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
    };
    json!({
        "id": r.id,
        "checks": r.checks,
        "scope": r.scope,
        "reason": r.reason,
        "author": r.author,
        "created": time(r.created),
        "expires": time(r.expires),
        "status": u.status.label(),
        "suppressed": u.suppressed,
        "matched": u.matched,
    })
}

fn controls(cs: &[Control]) -> Vec<Value> {
    cs.iter()
        .map(|c| json!({"framework": c.framework.slug(), "id": c.id, "title": c.title}))
        .collect()
}

fn finding(rf: &ReportFinding) -> Value {
    let f = rf.finding;
    let evidence: Vec<Value> = f
        .evidence
        .iter()
        .map(|e| json!({"path": e.path, "observed": e.observed}))
        .collect();
    json!({
        "check_id": f.check_id,
        "severity": f.severity.as_str(),
        "title": f.title,
        "family": rf.family().map(family_key),
        "resource": f.resource,
        "resource_path": resource_path(&f.resource),
        "message": f.message,
        "evidence": evidence,
        "discriminator": f.discriminator,
        "fingerprint": f.fingerprint,
        "refs": rf.refs(),
        "controls": controls(rf.controls()),
        "remediation": rf.check.map(|c| c.remediation),
    })
}

#[cfg(test)]
mod tests {
    use super::super::{fixture, Report};
    use super::*;

    fn sample() -> Value {
        let (snap, scan) = fixture::sample();
        let r = Report::new(&snap, &scan, fixture::NOW);
        let text = render(&r);
        serde_json::from_str(&text).expect("report is valid JSON")
    }

    /// The streamed rendering is byte for byte the pretty-printed `to_value`.
    #[test]
    fn streamed_render_equals_the_value_tree() {
        let (snap, scan) = fixture::sample();
        let r = Report::new(&snap, &scan, fixture::NOW);
        assert!(r.findings.len() > 3);
        let mut expected = serde_json::to_string_pretty(&to_value(&r)).expect("json");
        expected.push('\n');
        assert_eq!(render(&r), expected);
    }

    #[test]
    fn has_the_documented_top_level_shape() {
        let v = sample();
        for key in [
            "docket_version",
            "generated_at",
            "sources",
            "summary",
            "findings",
            "checks",
            "coverage_gaps",
            "manual",
        ] {
            assert!(v.get(key).is_some(), "missing {key}");
        }
        assert_eq!(v["generated_at"], fixture::NOW);
        assert_eq!(v["summary"]["by_severity"]["critical"], 3);
        assert_eq!(v["summary"]["checks"]["not_evaluated"], 1);
        assert_eq!(v["summary"]["by_family"]["unknown"], 2);
    }

    #[test]
    fn checks_carry_outcomes_and_reasons() {
        let v = sample();
        let checks = v["checks"].as_array().expect("checks array");
        let ne = checks
            .iter()
            .find(|c| c["id"] == fixture::NOT_EVALUATED_ID)
            .expect("not evaluated check listed");
        assert_eq!(ne["outcome"], "not_evaluated");
        assert!(ne["reasons"][0]
            .as_str()
            .is_some_and(|r| r.contains("403 Forbidden")));
        let dc = checks.iter().find(|c| c["id"] == "DC-001").expect("DC-001");
        assert_eq!(dc["outcome"], "evaluated");
        assert_eq!(dc["findings"], 3);
        assert_eq!(v["coverage_gaps"][0]["scope"], "kube-system");
        assert_eq!(v["coverage_gaps"][0]["kind"], "kube_workloads");
        assert!(!v["manual"].as_array().expect("manual").is_empty());
    }

    #[test]
    fn findings_keep_data_verbatim_and_unknown_checks_have_null_metadata() {
        let v = sample();
        let findings = v["findings"].as_array().expect("findings");
        assert!(findings
            .iter()
            .any(|f| f["resource"]["name"] == fixture::XSS));
        let unknown = findings
            .iter()
            .find(|f| f["check_id"] == fixture::UNKNOWN_ID)
            .expect("unknown finding");
        assert!(unknown["family"].is_null());
        assert!(unknown["remediation"].is_null());
        assert_eq!(
            unknown["resource_path"],
            "kubernetes/prod/Deployment/api/app"
        );
    }
}
