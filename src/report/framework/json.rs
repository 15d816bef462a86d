//! A framework report as JSON, pretty-printed and deterministic:
//!
//! ```text
//! { "report_version": 1, "framework": "pci", "name": "PCI DSS v4.0",
//!   "generated_at": "...", "docket_version": "...", "sources": ["demo ..."],
//!   "suppression_file": null,
//!   "score": { "percent": 62.5, "passed": 5, "failed": 2, "accepted": 1,
//!              "not_evaluated": 3, "manual": 2, "assessed": 8, "total": 13,
//!              "definition": "Score = ..." },
//!   "controls": [{ "id": "2.2", "title": "...", "status": "failed", "detail": "...",
//!                  "checks": [{ "id": "DC-001", "outcome": "evaluated", "findings": 2,
//!                               "suppressed": 0 }],
//!                  "findings": [{ "check_id", "severity", "resource", "resource_path",
//!                                 "message", "fingerprint" }],
//!                  "accepted": [{ ...finding, "rule": "id", "reason": "...", "expires": "..." }],
//!                  "reasons": ["KN-001: not evaluated: ..."], "guidance": null }],
//!   "coverage_gaps": ["..."] }
//! ```
//!
//! One framework renders as that object; several (`--framework all`) as
//! `{ "report_version": 1, "frameworks": [ ... ] }`.

use serde_json::{json, Value};

use super::{ControlEntry, FrameworkReport, SCORE_DEFINITION};
use crate::findings::Finding;
use crate::report::resource_path;
use crate::report::suppressed::expires_text;

pub fn render(reports: &[FrameworkReport]) -> String {
    let value = match reports {
        [one] => framework(one),
        many => json!({
            "report_version": 1,
            "frameworks": many.iter().map(framework).collect::<Vec<_>>(),
        }),
    };
    let mut s = serde_json::to_string_pretty(&value).unwrap_or_else(|e| {
        // Serializing a tree of strings and numbers cannot fail; say so if it ever does.
        format!("{{\"error\": \"cannot serialize the report: {e}\"}}")
    });
    s.push('\n');
    s
}

fn framework(r: &FrameworkReport) -> Value {
    let s = &r.score;
    let percent = s.per_mille().map(|pm| pm as f64 / 10.0);
    json!({
        "report_version": 1,
        "framework": r.framework.slug(),
        "name": r.framework.name(),
        "generated_at": r.generated_at,
        "docket_version": r.tool_version,
        "sources": r.sources,
        "suppression_file": r.suppressions,
        "score": {
            "percent": percent,
            "passed": s.passed,
            "failed": s.failed,
            "accepted": s.accepted,
            "not_evaluated": s.not_evaluated,
            "manual": s.manual,
            "assessed": s.assessed(),
            "total": s.total(),
            "definition": SCORE_DEFINITION,
        },
        "controls": r.controls.iter().map(control).collect::<Vec<_>>(),
        "coverage_gaps": r.coverage_gaps,
    })
}

fn control(c: &ControlEntry) -> Value {
    json!({
        "id": c.control.id,
        "title": c.control.title,
        "status": c.status.key(),
        "detail": c.detail(),
        "checks": c.checks.iter().map(|k| json!({
            "id": k.id,
            "title": k.title,
            "outcome": k.outcome,
            "findings": k.findings,
            "suppressed": k.suppressed,
        })).collect::<Vec<_>>(),
        "findings": c.findings.iter().map(|f| finding(f.finding)).collect::<Vec<_>>(),
        "accepted": c.accepted.iter().map(|s| {
            let mut v = finding(s.finding.finding);
            v["rule"] = json!(s.rule.id);
            v["reason"] = json!(s.rule.reason);
            v["expires"] = json!(expires_text(s.rule));
            v
        }).collect::<Vec<_>>(),
        "reasons": c.reasons,
        "guidance": c.guidance,
    })
}

fn finding(f: &Finding) -> Value {
    json!({
        "check_id": f.check_id,
        "severity": f.severity.as_str(),
        "resource": f.resource.display(),
        "resource_path": resource_path(&f.resource),
        "message": f.message,
        "fingerprint": f.fingerprint,
    })
}
