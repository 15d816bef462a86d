//! `docket suppress list | add | import | check`: the suppression rules file from the
//! command line (`add` and `import` have their own files), and how `docket scan` finds it. The rules live in `suppressions.toml` in
//! the `--workspace DIR`, else in the config dir; `--rules FILE` names another file.
//! Reading and matching are pure (`findings::suppress`); writing is `store::RulesStore`.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::{SourceArgs, UserError};
use crate::checks::{self, Selection};
use crate::findings::suppress::{
    unknown_check_patterns, RuleSet, Scope, SnapshotContext, SuppressionRule,
};
use crate::report::suppressed::{expires_text, RuleStatus, Suppressions};
use crate::report::Report;
use crate::store::{RulesStore, RulesStoreError};
use crate::tui::config::Paths;

#[derive(Debug, Subcommand)]
pub enum SuppressCmd {
    /// Every rule with its status (active, expired, unused) and how many findings of a
    /// scan it matches and hides. Scans the source flags given, else what `docket` would
    /// (local Docker, current kube context, else the demo).
    List(ListArgs),
    /// Add one rule (a reason is required).
    Add(super::suppress_add_cmd::AddArgs),
    /// Append the rules of a .trivyignore, .trivyignore.yaml or kubescape exceptions file,
    /// mapped through the catalog's cross-references; entries that cannot be mapped are
    /// listed with their line.
    Import(super::suppress_import_cmd::ImportArgs),
    /// Validate the rules file: syntax (file:line:col), unknown check patterns, expired
    /// rules. Exit 2 when the file is invalid.
    Check(CheckArgs),
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub sources: SourceArgs,
    /// The rules file (default: suppressions.toml in the --workspace, else the config dir).
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The rules file (default: suppressions.toml in the --workspace, else the config dir).
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
}

pub fn run(cmd: &SuppressCmd, workspace: Option<&Path>) -> Result<u8, UserError> {
    match cmd {
        SuppressCmd::List(args) => list(args, workspace),
        SuppressCmd::Add(args) => super::suppress_add_cmd::run(args, workspace),
        SuppressCmd::Import(args) => super::suppress_import_cmd::run(args, workspace),
        SuppressCmd::Check(args) => check(args, workspace),
    }
}

/// `--rules FILE`, else `suppressions.toml` in the workspace, else in the config dir.
pub(super) fn store_for(rules: Option<&Path>, workspace: Option<&Path>) -> RulesStore {
    match rules {
        Some(file) => RulesStore::at_file(file),
        None => RulesStore::for_workspace(workspace, &Paths::discover()),
    }
}

pub(super) fn store_error(e: RulesStoreError) -> UserError {
    UserError::usage(e.to_string())
}

/// The rules `docket scan` applies, with the file they came from: `--rules FILE` (which
/// must exist), else the default file when it exists, else none. A broken file is an
/// error (exit 2), never silently ignored.
pub(super) fn rules_for_scan(
    rules: Option<&Path>,
    workspace: Option<&Path>,
) -> Result<Option<(RuleSet, String)>, UserError> {
    let store = store_for(rules, workspace);
    if !store.exists() {
        return match rules {
            Some(file) => Err(UserError::usage(format!(
                "the rules file {} does not exist: check the path, or create it with \
                 `docket suppress add --rules {} --check ID --reason TEXT`",
                file.display(),
                file.display()
            ))),
            None => Ok(None),
        };
    }
    let set = store.load().map_err(store_error)?;
    Ok(Some((set, store.path().display().to_string())))
}

/// One stderr warning per expired or unused rule, naming the file and the rule.
pub(super) fn rule_warnings(s: &Suppressions) -> Vec<String> {
    s.rules
        .iter()
        .filter_map(|u| match u.status {
            RuleStatus::Expired => Some(format!(
                "{}: suppression rule `{}` expired at {} and hides nothing; renew its expires or delete it",
                s.origin,
                u.rule.id,
                expires_text(u.rule)
            )),
            RuleStatus::Unused => Some(format!(
                "{}: suppression rule `{}` matches no finding of this scan; delete it if it is stale",
                s.origin, u.rule.id
            )),
            RuleStatus::Active => None,
        })
        .collect()
}

fn list(args: &ListArgs, workspace: Option<&Path>) -> Result<u8, UserError> {
    let store = store_for(args.rules.as_deref(), workspace);
    if !store.exists() {
        if args.rules.is_some() {
            return Err(UserError::usage(format!(
                "the rules file {} does not exist",
                store.path().display()
            )));
        }
        println!(
            "No suppression rules: {} does not exist. Add one with `docket suppress add --check ID --reason TEXT`.",
            store.path().display()
        );
        return Ok(0);
    }
    let set = store.load().map_err(store_error)?;
    let loaded = if args.sources.is_empty() {
        super::scan::load_auto(&args.sources)?
    } else {
        args.sources.load(false)?
    };
    let scan = checks::run(&loaded.snapshot, &Selection::default());
    let eval = set.evaluate(
        &scan.findings,
        &SnapshotContext::new(&loaded.snapshot),
        OffsetDateTime::now_utc(),
    );
    let origin = store.path().display().to_string();
    let report = Report::with_suppressions(&loaded.snapshot, &scan, "", &set, &eval, &origin);
    let Some(s) = &report.suppressions else {
        return Ok(0);
    };
    let scanned: Vec<String> = loaded
        .snapshot
        .sources
        .iter()
        .map(|s| s.location.clone())
        .collect();
    println!("{}", s.line());
    println!(
        "Scanned {}: {} findings active, {} suppressed.",
        scanned.join(", "),
        report.findings.len(),
        s.findings.len()
    );
    for u in &s.rules {
        let r = u.rule;
        println!();
        println!(
            "{}  {}  {} matched, {} suppressed",
            r.id,
            u.status.label(),
            u.matched,
            u.suppressed
        );
        println!("  checks   {}", r.checks.join(", "));
        println!("  scope    {}", scope_text(&r.scope));
        println!("  reason   {}", r.reason);
        println!(
            "  author   {}   created {}   expires {}",
            r.author.as_deref().unwrap_or("(none)"),
            r.created
                .and_then(|t| t.format(&Rfc3339).ok())
                .unwrap_or_else(|| "(unknown)".to_string()),
            expires_text(r)
        );
    }
    Ok(0)
}

/// `namespace=monitoring, workload=DaemonSet/netdata`, or `everywhere`.
pub(super) fn scope_text(scope: &Scope) -> String {
    let mut parts = Vec::new();
    if let Some(p) = scope.source {
        parts.push(format!("source={}", format!("{p:?}").to_lowercase()));
    }
    let fields = [
        ("context", &scope.context),
        ("namespace", &scope.namespace),
        ("workload", &scope.workload),
        ("container", &scope.container),
        ("image", &scope.image),
    ];
    for (name, value) in fields {
        if let Some(v) = value {
            parts.push(format!("{name}={v}"));
        }
    }
    for (k, v) in &scope.labels {
        parts.push(format!("label {k}={v}"));
    }
    if parts.is_empty() {
        "everywhere".to_string()
    } else {
        parts.join(", ")
    }
}

fn check(args: &CheckArgs, workspace: Option<&Path>) -> Result<u8, UserError> {
    let store = store_for(args.rules.as_deref(), workspace);
    if !store.exists() {
        if args.rules.is_some() {
            return Err(UserError::usage(format!(
                "the rules file {} does not exist",
                store.path().display()
            )));
        }
        println!(
            "{}: no rules file (nothing to check)",
            store.path().display()
        );
        return Ok(0);
    }
    let set = store.load().map_err(store_error)?;
    let path = store.path().display();
    let now = OffsetDateTime::now_utc();
    let unknown = unknown_check_patterns(&set);
    let expired: Vec<&SuppressionRule> = set.rules.iter().filter(|r| r.is_expired(now)).collect();
    println!(
        "{path}: {} rule{} valid; {} unknown check pattern{}, {} expired",
        set.rules.len(),
        crate::report::plural(set.rules.len()),
        unknown.len(),
        crate::report::plural(unknown.len()),
        expired.len()
    );
    for (id, pattern) in &unknown {
        println!(
            "  warning: rule `{id}`: `{pattern}` matches no check id or cross-reference in the catalog (a typo?); `docket checks list` shows them"
        );
    }
    for r in expired {
        println!(
            "  warning: rule `{}` expired at {} and hides nothing; renew its expires or delete it",
            r.id,
            expires_text(r)
        );
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_text_names_each_field() {
        assert_eq!(scope_text(&Scope::default()), "everywhere");
        let scope = Scope {
            source: Some(crate::findings::Platform::Kubernetes),
            namespace: Some("monitoring".into()),
            workload: Some("DaemonSet/netdata".into()),
            labels: [("team".to_string(), "obs*".to_string())].into(),
            ..Scope::default()
        };
        assert_eq!(
            scope_text(&scope),
            "source=kubernetes, namespace=monitoring, workload=DaemonSet/netdata, label team=obs*"
        );
    }
}
