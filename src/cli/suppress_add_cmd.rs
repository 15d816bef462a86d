//! `docket suppress add`: one rule from the command line, appended to the rules file.

use std::path::{Path, PathBuf};

use clap::Args;
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime, Time};

use super::suppress_cmd::{scope_text, store_error, store_for};
use super::UserError;
use crate::findings::suppress::{unknown_check_patterns, RuleSet, Scope, SuppressionRule};
use crate::report::suppressed::expires_text;

#[derive(Debug, Args)]
pub struct AddArgs {
    /// Check ids or cross-references, globs allowed (`KW-001`, `C-0057`, `DC-*`).
    /// Comma-separated or repeated.
    #[arg(
        long = "check",
        value_delimiter = ',',
        value_name = "ID",
        required = true
    )]
    pub checks: Vec<String>,
    /// Why this risk is accepted (required).
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
    /// Only in this namespace (glob).
    #[arg(long, value_name = "NS")]
    pub namespace: Option<String>,
    /// Only this workload: `Kind/name` or `name` (globs), e.g. `DaemonSet/netdata`.
    #[arg(long, value_name = "K/N")]
    pub workload: Option<String>,
    /// Only this container (glob).
    #[arg(long, value_name = "C")]
    pub container: Option<String>,
    /// Only containers of this image (glob), e.g. `netdata/netdata:*`.
    #[arg(long, value_name = "GLOB")]
    pub image: Option<String>,
    /// Only in this kube context / cluster, or on this Docker host (glob).
    #[arg(long, value_name = "CTX")]
    pub context: Option<String>,
    /// When the rule stops suppressing: RFC 3339 (`2027-01-31T00:00:00Z`) or a date
    /// (`2027-01-31`, meaning 00:00 UTC that day).
    #[arg(long, value_name = "TIME")]
    pub expires: Option<String>,
    /// Who accepts the risk (default: $USER).
    #[arg(long, value_name = "NAME")]
    pub author: Option<String>,
    /// The rule's id (default: generated from its content, so adding the same rule twice
    /// is refused).
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,
    /// The rules file to add to (default: suppressions.toml in the --workspace, else the
    /// config dir).
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
}

pub fn run(args: &AddArgs, workspace: Option<&Path>) -> Result<u8, UserError> {
    let now = OffsetDateTime::now_utc();
    let now = now.replace_nanosecond(0).unwrap_or(now);
    let reason = args.reason.trim();
    if reason.is_empty() {
        return Err(UserError::usage(
            "--reason is empty: say why this risk is accepted (a suppression nobody can explain is a hole)",
        ));
    }
    let checks: Vec<String> = args
        .checks
        .iter()
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .collect();
    if checks.is_empty() {
        return Err(UserError::usage(
            "--check is empty: give a check id, cross-reference or glob",
        ));
    }
    let expires = match &args.expires {
        Some(text) => {
            let t = parse_expires(text).map_err(UserError::usage)?;
            if t <= now {
                return Err(UserError::usage(format!(
                    "--expires {text} is in the past: the rule would hide nothing; give a later time"
                )));
            }
            Some(t)
        }
        None => None,
    };
    let author = args
        .author
        .clone()
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("LOGNAME").ok())
        .filter(|a| !a.trim().is_empty());
    let mut rule = SuppressionRule::new(checks, reason);
    rule.author = author;
    rule.created = Some(now);
    rule.expires = expires;
    rule.scope = Scope {
        namespace: args.namespace.clone(),
        workload: args.workload.clone(),
        container: args.container.clone(),
        image: args.image.clone(),
        context: args.context.clone(),
        ..Scope::default()
    };
    rule.id = match &args.id {
        Some(id) if id.trim().is_empty() => {
            return Err(UserError::usage(
                "--id is empty: give a name or leave it out",
            ))
        }
        Some(id) => id.trim().to_string(),
        None => super::suppress_import_cmd::content_id(&rule),
    };
    let unknown = unknown_check_patterns(&RuleSet {
        rules: vec![rule.clone()],
    });
    if !unknown.is_empty() {
        let patterns: Vec<&str> = unknown.iter().map(|(_, p)| p.as_str()).collect();
        return Err(UserError::usage(format!(
            "no check matches {}; `docket checks list` shows ids and cross-references",
            patterns.join(", ")
        )));
    }
    let store = store_for(args.rules.as_deref(), workspace);
    let outcome = store
        .append(std::slice::from_ref(&rule))
        .map_err(store_error)?;
    if !outcome.skipped.is_empty() {
        return Err(UserError::usage(format!(
            "{}: a rule with id `{}` already exists; give another --id, or edit that rule",
            store.path().display(),
            rule.id
        )));
    }
    println!(
        "Added rule {} to {}: checks {}; scope {}; expires {}; reason: {}",
        rule.id,
        store.path().display(),
        rule.checks.join(", "),
        scope_text(&rule.scope),
        expires_text(&rule),
        rule.reason
    );
    Ok(0)
}

/// RFC 3339, or `YYYY-MM-DD` for 00:00 UTC that day (as Trivy reads its dates).
pub(super) fn parse_expires(text: &str) -> Result<OffsetDateTime, String> {
    let text = text.trim();
    if let Ok(t) = OffsetDateTime::parse(text, &Rfc3339) {
        return Ok(t);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text, &format)
        .map(|d| d.with_time(Time::MIDNIGHT).assume_utc())
        .map_err(|_| {
            format!("--expires {text:?} is not a time: write 2027-01-31 or 2027-01-31T00:00:00Z")
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn expires_takes_dates_and_rfc3339() {
        assert_eq!(
            parse_expires("2027-01-31"),
            Ok(datetime!(2027-01-31 0:00 UTC))
        );
        assert_eq!(
            parse_expires("2027-01-31T12:30:00+02:00"),
            Ok(datetime!(2027-01-31 10:30 UTC))
        );
        assert!(parse_expires("2027-02-30").is_err());
        assert!(parse_expires("next week").is_err());
    }
}
