//! The events a session log records, and the line that carries one.
//!
//! Field names are the log's file format: renaming one breaks every log already written,
//! so they are spelled out here once and never derived from Rust names that might change.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One line of the log: the chain fields, then the event (`kind` and its fields).
/// Serialized in this field order, which is the documented line layout.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// 0-based position in the log; a gap means a removed line.
    pub seq: u64,
    /// RFC 3339 time given by the caller (the clock is injected, never read here).
    pub at: String,
    /// Hex SHA-256 of the previous line's exact bytes, or of [`super::GENESIS`].
    pub prev: String,
    #[serde(flatten)]
    pub event: Event,
}

/// What happened. `kind` in the file is the snake_case variant name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    /// Who ran Docket where, on which inputs.
    SessionStart {
        operator: String,
        host: String,
        docket_version: String,
        sources: Vec<String>,
        contexts: Vec<String>,
        read_only: bool,
    },
    /// One completed scan: counts and what could not be read.
    Scan {
        id: String,
        findings: u64,
        /// Severity name (`critical`, `high`, ...) -> count.
        by_severity: BTreeMap<String, u64>,
        coverage_gaps: Vec<String>,
        took_ms: u64,
    },
    /// A finding's triage state changed.
    Triage {
        fingerprint: String,
        check_id: String,
        resource: String,
        from: String,
        to: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
        /// RFC 3339 expiry of a risk acceptance.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        expires: Option<String>,
        by: String,
    },
    /// A note added to a finding.
    Note {
        fingerprint: String,
        author: String,
        text: String,
    },
    /// A finding's owner was set (`Some`) or cleared (`None`, written as `null`).
    Owner {
        fingerprint: String,
        owner: Option<String>,
    },
    /// A suppression rule changed.
    Suppression {
        action: SuppressionAction,
        rule_id: String,
        /// The rule as written to the rules file (TOML) or its JSON.
        rule: String,
    },
    /// A remediation plan was planned, viewed, copied, applied, verified or failed.
    Remediation {
        action: RemediationAction,
        fingerprint: String,
        /// The object acted on (`Deployment payments/api`, `container lumen-api-1`).
        target: String,
        /// Hash of the plan's text, so an auditor can tie the action to the plan shown.
        plan_digest: String,
        dry_run: bool,
        detail: String,
    },
    /// The session was exported; `head_hash` is the log's head when it was written.
    Export {
        format: String,
        path: String,
        head_hash: String,
    },
    /// The operator ended the session normally (its absence means a crash or a kill).
    SessionEnd {},
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SuppressionAction {
    Created,
    Edited,
    Deleted,
    Expired,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemediationAction {
    Planned,
    Viewed,
    Copied,
    Applied,
    Verified,
    Failed,
}

impl Event {
    /// The `kind` written to the file.
    pub fn kind(&self) -> &'static str {
        match self {
            Event::SessionStart { .. } => "session_start",
            Event::Scan { .. } => "scan",
            Event::Triage { .. } => "triage",
            Event::Note { .. } => "note",
            Event::Owner { .. } => "owner",
            Event::Suppression { .. } => "suppression",
            Event::Remediation { .. } => "remediation",
            Event::Export { .. } => "export",
            Event::SessionEnd {} => "session_end",
        }
    }

    /// The same event with every string passed through [`crate::secrets::scrub`]. Every
    /// string, not a chosen list: notes, reasons, details, rule text and even source
    /// names (a URL with a password) are free text an operator or a cluster wrote, and
    /// hashes, ids and enum names contain nothing the patterns match.
    pub fn scrubbed(&self) -> Result<Event, serde_json::Error> {
        let mut value = serde_json::to_value(self)?;
        scrub_strings(&mut value, &format!("session log {}", self.kind()));
        serde_json::from_value(value)
    }

    /// One readable line for `docket log show`: what happened, without the chain fields.
    /// Text from the log is shown with control characters escaped (see [`one_line`]).
    pub fn summary(&self) -> String {
        match self {
            Event::SessionStart {
                operator,
                host,
                docket_version,
                sources,
                contexts,
                read_only,
            } => format!(
                "{operator} on {host}, docket {docket_version}, sources [{}], contexts [{}]{}",
                one_line(&sources.join(", ")),
                one_line(&contexts.join(", ")),
                if *read_only { ", read-only" } else { "" }
            ),
            Event::Scan {
                id,
                findings,
                by_severity,
                coverage_gaps,
                took_ms,
            } => scan_summary(id, *findings, by_severity, coverage_gaps.len(), *took_ms),
            Event::Triage {
                fingerprint,
                check_id,
                resource,
                from,
                to,
                reason,
                expires,
                by,
            } => {
                let mut s = format!("{fingerprint} {check_id} {resource}: {from} -> {to} by {by}");
                if let Some(r) = reason {
                    s.push_str(&format!(", reason {:?}", r));
                }
                if let Some(e) = expires {
                    s.push_str(&format!(", expires {e}"));
                }
                one_line(&s)
            }
            Event::Note {
                fingerprint,
                author,
                text,
            } => one_line(&format!("{fingerprint} {author}: {text}")),
            Event::Owner { fingerprint, owner } => match owner {
                Some(o) => one_line(&format!("{fingerprint} owner {o}")),
                None => one_line(&format!("{fingerprint} owner cleared")),
            },
            Event::Suppression {
                action, rule_id, ..
            } => one_line(&format!("rule {rule_id} {}", action_name(action))),
            Event::Remediation {
                action,
                fingerprint,
                target,
                plan_digest,
                dry_run,
                detail,
            } => one_line(&format!(
                "{} {fingerprint} on {target} (plan {}){}{}{detail}",
                action_name(action),
                short(plan_digest),
                if *dry_run { " dry run" } else { "" },
                if detail.is_empty() { "" } else { ": " },
            )),
            Event::Export {
                format,
                path,
                head_hash,
            } => one_line(&format!("{format} to {path}, head {}", short(head_hash))),
            Event::SessionEnd {} => "session ended".to_string(),
        }
    }
}

fn scan_summary(
    id: &str,
    findings: u64,
    by_severity: &BTreeMap<String, u64>,
    gaps: usize,
    took_ms: u64,
) -> String {
    let counts: Vec<String> = by_severity
        .iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect();
    one_line(&format!(
        "scan {id}: {findings} findings ({}), {gaps} coverage gaps, {took_ms} ms",
        counts.join(", ")
    ))
}

/// The snake_case name an action has in the file.
fn action_name<T: Serialize>(action: &T) -> String {
    match serde_json::to_value(action) {
        Ok(Value::String(s)) => s,
        _ => "?".to_string(),
    }
}

/// The first 12 characters of a hash: enough to recognise it on screen.
fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

/// `text` on one line with control characters escaped (`\n`, `\u{1b}`), so a note
/// cannot break the one-line-per-event layout or send escape sequences to a terminal.
pub fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

fn scrub_strings(value: &mut Value, location: &str) {
    match value {
        Value::String(s) => {
            let (clean, hits) = crate::secrets::scrub(s, location);
            if !hits.is_empty() {
                *s = clean;
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                scrub_strings(item, &format!("{location}[{i}]"));
            }
        }
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                scrub_strings(item, &format!("{location}.{key}"));
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_serializes_chain_fields_first_then_kind_then_fields() {
        let entry = Entry {
            seq: 3,
            at: "2025-01-02T03:04:05Z".into(),
            prev: "ab".into(),
            event: Event::Note {
                fingerprint: "00112233aabbccdd".into(),
                author: "ana".into(),
                text: "looks fine".into(),
            },
        };
        let json = serde_json::to_string(&entry).unwrap();
        assert_eq!(
            json,
            r#"{"seq":3,"at":"2025-01-02T03:04:05Z","prev":"ab","kind":"note","fingerprint":"00112233aabbccdd","author":"ana","text":"looks fine"}"#
        );
        let back: Entry = serde_json::from_str(&json).unwrap();
        assert_eq!(back, entry);
    }

    #[test]
    fn session_end_and_optional_fields_have_a_stable_shape() {
        let end = serde_json::to_string(&Event::SessionEnd {}).unwrap();
        assert_eq!(end, r#"{"kind":"session_end"}"#);
        let triage = Event::Triage {
            fingerprint: "f".into(),
            check_id: "c".into(),
            resource: "r".into(),
            from: "open".into(),
            to: "acknowledged".into(),
            reason: None,
            expires: None,
            by: "ana".into(),
        };
        let json = serde_json::to_string(&triage).unwrap();
        assert!(
            !json.contains("reason") && !json.contains("expires"),
            "{json}"
        );
        let owner = serde_json::to_string(&Event::Owner {
            fingerprint: "f".into(),
            owner: None,
        })
        .unwrap();
        assert_eq!(owner, r#"{"kind":"owner","fingerprint":"f","owner":null}"#);
    }

    #[test]
    fn scrubbed_redacts_secrets_in_nested_strings_and_keeps_the_rest() {
        let event = Event::SessionStart {
            operator: "ana".into(),
            host: "laptop".into(),
            docket_version: "0.1.0".into(),
            sources: vec!["postgres://app:Canary-Pa55w0rd-Lumen@db:5432/x".into()],
            contexts: vec!["prod".into()],
            read_only: true,
        };
        let clean = event.scrubbed().unwrap();
        let json = serde_json::to_string(&clean).unwrap();
        assert!(!json.contains("Canary-Pa55w0rd-Lumen"), "{json}");
        assert!(json.contains("postgres://app:"), "{json}");
        assert!(json.contains(r#""operator":"ana""#), "{json}");
    }

    #[test]
    fn summary_is_one_line_with_control_characters_escaped() {
        let note = Event::Note {
            fingerprint: "00112233aabbccdd".into(),
            author: "ana".into(),
            text: "first\nsecond \u{1b}[2J".into(),
        };
        let s = note.summary();
        assert_eq!(s, "00112233aabbccdd ana: first\\nsecond \\u{1b}[2J");
        let rem = Event::Remediation {
            action: RemediationAction::Applied,
            fingerprint: "fp".into(),
            target: "Deployment shop/web".into(),
            plan_digest: "0123456789abcdef0123".into(),
            dry_run: true,
            detail: "server-side dry run ok".into(),
        };
        assert_eq!(
            rem.summary(),
            "applied fp on Deployment shop/web (plan 0123456789ab) dry run: server-side dry run ok"
        );
    }
}
