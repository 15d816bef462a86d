//! The session export as JSON: a stable shape, pretty-printed, deterministic (serialized
//! from structs, so keys keep the order below), streamed from borrowed rows (no value tree,
//! so 150,000 findings cost only the output text).
//!
//! ```text
//! {
//!   "session_export_version": 1, "docket_version", "generated_at",
//!   "session": { "log_path", "head_hash", "verify_command", "started_at", "operator",
//!                "host", "docket_version", "sources", "contexts", "read_only",
//!                "last_scan_at", "entries", "activity": { "scans", "triage", "notes",
//!                "owners", "suppressions", "remediations", "exports" } },
//!   "summary": { "findings", "by_severity": {critical..info}, "by_state": {open..suppressed},
//!                "suppressed", "fixed_no_longer_found", "remediations": {planned..failed},
//!                "coverage_gaps", "not_evaluated", "caveat" },
//!   "findings": [{ "fingerprint", "severity", "check_id", "title", "resource",
//!                  "resource_display", "message", "discriminator", "state", "reason",
//!                  "expires", "confirmed_at", "reopened", "owner", "notes": [{at, author, text}],
//!                  "suppressed_by": null | { "rule", "reason", "expires" } }],
//!   "fixed": [ same shape: records confirmed fixed that the scan no longer has ],
//!   "suppression_rules": [{ "id", "status", "matches", "hides", "checks", "scope",
//!                           "scope_text", "reason", "author", "created", "expires" }],
//!   "remediations": [{ "at", "action", "fingerprint", "check_id", "target", "dry_run",
//!                      "detail", "plan_digest" }],
//!   "not_evaluated": [{ "id", "title", "outcome", "reasons" }],   // and partial ones
//!   "coverage_gaps": [{ "kind", "label", "scope", "reason" }]
//! }
//! ```
//! `findings` holds every finding of the scan (suppressed ones too, with `suppressed_by`),
//! which is what `docket diff` reads back from an export. `state` is the triage state
//! (`open`, `acknowledged`, `in_progress`, `risk_accepted`, `false_positive`, `fixed`).

use serde::Serialize;

use super::model::{action_key, state_key, Group, Row, SessionModel};
use crate::checks::Severity;
use crate::findings::suppress::Scope;
use crate::findings::triage::Note;
use crate::findings::ResourceRef;
use crate::model::DataKind;
use crate::report::outcome_key;
use crate::session::RemediationAction;

/// Bumped when a field changes meaning or is removed (adding fields does not bump it).
pub const SESSION_EXPORT_VERSION: u32 = 1;

pub fn render(m: &SessionModel) -> String {
    let export = build(m);
    let mut s = serde_json::to_string_pretty(&export).unwrap_or_else(|e| {
        // Only strings, numbers and derived types: cannot fail; stay total anyway.
        format!("{{\"error\": {:?}}}", e.to_string())
    });
    s.push('\n');
    s
}

#[derive(Serialize)]
struct Export<'a> {
    session_export_version: u32,
    docket_version: &'a str,
    generated_at: &'a str,
    session: Session<'a>,
    summary: Summary,
    findings: Vec<FindingOut<'a>>,
    fixed: Vec<FindingOut<'a>>,
    suppression_rules: Vec<RuleOut<'a>>,
    remediations: Vec<RemediationOut<'a>>,
    not_evaluated: Vec<CheckOut<'a>>,
    coverage_gaps: Vec<GapOut<'a>>,
    /// One line per framework; suppressed findings count as accepted, not passed.
    framework_posture: &'a [String],
}

#[derive(Serialize)]
struct Session<'a> {
    log_path: &'a str,
    head_hash: &'a str,
    verify_command: String,
    started_at: Option<&'a str>,
    operator: Option<&'a str>,
    host: Option<&'a str>,
    docket_version: Option<&'a str>,
    sources: &'a [String],
    contexts: &'a [String],
    read_only: Option<bool>,
    last_scan_at: &'a str,
    entries: usize,
    activity: Activity,
}

#[derive(Serialize)]
struct Activity {
    scans: usize,
    triage: usize,
    notes: usize,
    owners: usize,
    suppressions: usize,
    remediations: usize,
    exports: usize,
}

#[derive(Serialize)]
struct Summary {
    findings: usize,
    by_severity: BySeverity,
    by_state: ByState,
    suppressed: usize,
    fixed_no_longer_found: usize,
    remediations: ByAction,
    coverage_gaps: usize,
    not_evaluated: usize,
    caveat: String,
}

#[derive(Serialize)]
struct BySeverity {
    critical: usize,
    high: usize,
    medium: usize,
    low: usize,
    info: usize,
}

#[derive(Serialize)]
struct ByState {
    open: usize,
    acknowledged: usize,
    in_progress: usize,
    risk_accepted: usize,
    false_positive: usize,
    fixed: usize,
    suppressed: usize,
}

#[derive(Serialize)]
struct ByAction {
    planned: usize,
    viewed: usize,
    copied: usize,
    applied: usize,
    verified: usize,
    failed: usize,
}

#[derive(Serialize)]
struct FindingOut<'a> {
    fingerprint: &'a str,
    severity: Severity,
    check_id: &'a str,
    title: &'a str,
    resource: &'a ResourceRef,
    resource_display: String,
    message: Option<&'a str>,
    discriminator: Option<&'a str>,
    state: &'static str,
    reason: Option<&'a str>,
    expires: Option<&'a str>,
    confirmed_at: Option<&'a str>,
    reopened: Option<&'a str>,
    owner: Option<&'a str>,
    notes: &'a [Note],
    suppressed_by: Option<SuppressedOut<'a>>,
}

#[derive(Serialize)]
struct SuppressedOut<'a> {
    rule: &'a str,
    reason: Option<&'a str>,
    expires: Option<String>,
}

#[derive(Serialize)]
struct RuleOut<'a> {
    id: &'a str,
    status: &'static str,
    matches: usize,
    hides: usize,
    checks: &'a [String],
    scope: &'a Scope,
    scope_text: String,
    reason: &'a str,
    author: Option<&'a str>,
    created: Option<String>,
    expires: Option<String>,
}

#[derive(Serialize)]
struct RemediationOut<'a> {
    at: &'a str,
    action: &'static str,
    fingerprint: &'a str,
    check_id: Option<&'a str>,
    target: &'a str,
    dry_run: bool,
    detail: &'a str,
    plan_digest: &'a str,
}

#[derive(Serialize)]
struct CheckOut<'a> {
    id: &'a str,
    title: &'a str,
    outcome: &'static str,
    reasons: &'a [String],
}

#[derive(Serialize)]
struct GapOut<'a> {
    kind: DataKind,
    label: &'static str,
    scope: &'a str,
    reason: &'a str,
}

fn some(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

fn finding<'a>(row: &'a Row<'a>) -> FindingOut<'a> {
    FindingOut {
        fingerprint: row.fingerprint,
        severity: row.severity,
        check_id: row.check_id,
        title: row.title,
        resource: row.resource,
        resource_display: row.resource.display(),
        message: row.finding.map(|f| f.message.as_str()),
        discriminator: row.finding.map(|f| f.discriminator.as_str()),
        state: state_key(row.state),
        reason: row.state.reason(),
        expires: some(row.expires()),
        confirmed_at: some(row.confirmed_at()),
        reopened: row.reopened(),
        owner: some(row.owner()),
        notes: match row.record {
            Some(r) => &r.notes,
            None => &[],
        },
        suppressed_by: row.suppressed_by.map(|r| SuppressedOut {
            rule: r.id,
            reason: r.rule.map(|rule| rule.reason.as_str()),
            expires: some(&r.expires()).map(str::to_string),
        }),
    }
}

fn build<'a>(m: &'a SessionModel<'a>) -> Export<'a> {
    let input = m.input;
    let t = &m.report.totals;
    let start = m.start.as_ref();
    let a = &m.activity;
    let count =
        |action: RemediationAction| m.remediations.iter().filter(|r| r.action == action).count();
    let (present, gone): (Vec<&Row>, Vec<&Row>) = m.rows.iter().partition(|r| r.finding.is_some());
    let not_evaluated = m.report.not_evaluated().chain(m.report.partial());
    Export {
        session_export_version: SESSION_EXPORT_VERSION,
        docket_version: m.report.tool_version,
        generated_at: input.generated_at,
        session: Session {
            log_path: input.log_path,
            head_hash: input.head_hash,
            verify_command: m.verify_command(),
            started_at: start.map(|s| s.at),
            operator: start.map(|s| s.operator),
            host: start.map(|s| s.host),
            docket_version: start.map(|s| s.docket_version),
            sources: start.map_or(&[], |s| s.sources),
            contexts: start.map_or(&[], |s| s.contexts),
            read_only: start.map(|s| s.read_only),
            last_scan_at: m.scanned_at,
            entries: a.entries,
            activity: Activity {
                scans: a.scans,
                triage: a.triage,
                notes: a.notes,
                owners: a.owners,
                suppressions: a.suppressions,
                remediations: a.remediations,
                exports: a.exports,
            },
        },
        summary: Summary {
            findings: t.findings,
            by_severity: BySeverity {
                critical: t.severity(Severity::Critical),
                high: t.severity(Severity::High),
                medium: t.severity(Severity::Medium),
                low: t.severity(Severity::Low),
                info: t.severity(Severity::Info),
            },
            by_state: ByState {
                open: m.group_len(Group::Open),
                acknowledged: m.group_len(Group::Acknowledged),
                in_progress: m.group_len(Group::InProgress),
                risk_accepted: m.group_len(Group::RiskAccepted),
                false_positive: m.group_len(Group::FalsePositive),
                fixed: m.group_len(Group::Fixed),
                suppressed: m.group_len(Group::Suppressed),
            },
            suppressed: m.group_len(Group::Suppressed),
            fixed_no_longer_found: gone.len(),
            remediations: ByAction {
                planned: count(RemediationAction::Planned),
                viewed: count(RemediationAction::Viewed),
                copied: count(RemediationAction::Copied),
                applied: count(RemediationAction::Applied),
                verified: count(RemediationAction::Verified),
                failed: count(RemediationAction::Failed),
            },
            coverage_gaps: m.report.coverage_gaps.len(),
            not_evaluated: t.checks.not_evaluated,
            caveat: m.report.caveat(),
        },
        findings: present.into_iter().map(finding).collect(),
        fixed: gone.into_iter().map(finding).collect(),
        suppression_rules: m
            .rules
            .iter()
            .map(|r| RuleOut {
                id: &r.rule.id,
                status: r.status.label(),
                matches: r.matches,
                hides: r.hides,
                checks: &r.rule.checks,
                scope: &r.rule.scope,
                scope_text: r.scope(),
                reason: &r.rule.reason,
                author: r.rule.author.as_deref(),
                created: some(&r.created()).map(str::to_string),
                expires: some(&r.expires()).map(str::to_string),
            })
            .collect(),
        remediations: m
            .remediations
            .iter()
            .map(|r| RemediationOut {
                at: r.at,
                action: action_key(r.action),
                fingerprint: r.fingerprint,
                check_id: r.check.map(|(id, _)| id),
                target: r.target,
                dry_run: r.dry_run,
                detail: r.detail,
                plan_digest: r.plan_digest,
            })
            .collect(),
        not_evaluated: not_evaluated
            .map(|c| CheckOut {
                id: c.id,
                title: c.title(),
                outcome: outcome_key(c.outcome),
                reasons: c.reasons(),
            })
            .collect(),
        framework_posture: &m.posture,
        coverage_gaps: m
            .report
            .coverage_gaps
            .iter()
            .map(|g| GapOut {
                kind: g.kind,
                label: g.kind.label(),
                scope: &g.scope,
                reason: &g.reason,
            })
            .collect(),
    }
}
