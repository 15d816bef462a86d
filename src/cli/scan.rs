//! `docket scan`: sources -> snapshot -> checks -> suppression rules -> report, headless.

use std::path::{Path, PathBuf};

use clap::Args;

use super::checks_cmd::parse_framework;
use super::{output, OutputArgs, SourceArgs, UserError};
use crate::checks::{self, ScanResult, Selection, Severity};
use crate::findings::suppress::{RuleSet, SnapshotContext};
use crate::model::Snapshot;
use crate::report::{self, Format, Report};
use time::OffsetDateTime;

#[derive(Debug, Args)]
pub struct ScanArgs {
    #[command(flatten)]
    pub sources: SourceArgs,
    /// Report format: table, json, sarif, markdown, html, csv, junit.
    #[arg(short, long, default_value = "table", value_parser = parse_format)]
    pub format: Format,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Only these checks: ids or cross-references, globs allowed (`DC-*`, `CIS-D 5.*`).
    /// Comma-separated or repeated.
    #[arg(long, value_delimiter = ',', value_name = "GLOB")]
    pub checks: Vec<String>,
    /// Skip these checks (same syntax as --checks).
    #[arg(long = "skip-checks", value_delimiter = ',', value_name = "GLOB")]
    pub skip_checks: Vec<String>,
    /// Only checks that serve these frameworks: gdpr, pci, hipaa, soc2, nist-800-190,
    /// cis-docker, pss.
    #[arg(long, value_delimiter = ',', value_name = "NAME")]
    pub framework: Vec<String>,
    /// Exit 1 when a finding at or above this severity exists
    /// (critical, high, medium, low, info).
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    pub fail_on: Option<Severity>,
    /// Do not print warnings and the summary line on stderr.
    #[arg(short, long)]
    pub quiet: bool,
    /// Suppression rules to apply (default: suppressions.toml in the --workspace, else in
    /// the config dir, when it exists). Suppressed findings are reported apart, with the
    /// rule, and do not count for --fail-on.
    #[arg(long, value_name = "FILE", conflicts_with = "no_suppress")]
    pub rules: Option<PathBuf>,
    /// Apply no suppression rules: every finding is active.
    #[arg(long)]
    pub no_suppress: bool,
}

fn parse_format(s: &str) -> Result<Format, String> {
    Format::parse(s).ok_or_else(|| {
        let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
        format!("unknown format {s:?}; use one of: {}", names.join(", "))
    })
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    Severity::parse(s).ok_or_else(|| {
        format!("unknown severity {s:?}; use one of: critical, high, medium, low, info")
    })
}

pub fn run(args: &ScanArgs, workspace: Option<&Path>) -> Result<u8, UserError> {
    let selection = selection(&args.checks, &args.skip_checks, &args.framework)?;
    let loaded = args.sources.load(args.quiet)?;
    finish(args, &selection, loaded, workspace)
}

/// The checks `--checks`, `--skip-checks` and `--framework` select; a pattern that
/// matches no check or an unknown framework is a usage error.
pub(super) fn selection(
    checks: &[String],
    skip_checks: &[String],
    frameworks: &[String],
) -> Result<Selection, UserError> {
    let selection = Selection {
        include: checks.to_vec(),
        exclude: skip_checks.to_vec(),
        frameworks: frameworks
            .iter()
            .map(|f| parse_framework(f))
            .collect::<Result<_, _>>()?,
    };
    let unknown = selection.unknown_patterns();
    if !unknown.is_empty() {
        return Err(UserError::usage(format!(
            "no check matches {}; `docket checks list` shows ids and references",
            unknown.join(", ")
        )));
    }
    Ok(selection)
}

/// The suppression rules `--rules` / `--no-suppress` ask for (default: the workspace's
/// or config dir's file when it exists), with the name of their file.
pub(super) fn rules(
    rules: Option<&Path>,
    no_suppress: bool,
    workspace: Option<&Path>,
) -> Result<Option<(RuleSet, String)>, UserError> {
    if no_suppress {
        Ok(None)
    } else {
        super::suppress_cmd::rules_for_scan(rules, workspace)
    }
}

/// The report of a scan with the rules (if any) applied as of now.
pub(super) fn report_for<'a>(
    snapshot: &'a Snapshot,
    scan: &'a ScanResult,
    rules: Option<&'a (RuleSet, String)>,
    now: &str,
) -> Report<'a> {
    match rules {
        Some((set, origin)) => {
            let ctx = SnapshotContext::new(snapshot);
            let eval = set.evaluate(&scan.findings, &ctx, OffsetDateTime::now_utc());
            Report::with_suppressions(snapshot, scan, now, set, &eval, origin)
        }
        None => Report::new(snapshot, scan, now),
    }
}

/// Checks and report for an already loaded snapshot.
fn finish(
    args: &ScanArgs,
    selection: &Selection,
    loaded: crate::sources::Loaded,
    workspace: Option<&Path>,
) -> Result<u8, UserError> {
    // Read the rules before scanning: a broken rules file stops the scan early.
    let rules = rules(args.rules.as_deref(), args.no_suppress, workspace)?;
    let scan = checks::run(&loaded.snapshot, selection);
    let now = now_rfc3339();
    let report = report_for(&loaded.snapshot, &scan, rules.as_ref(), &now);
    output::emit_with(args.output.output.as_deref(), &mut |out| {
        report::write(&report, args.format, out)
    })?;
    if !args.quiet {
        if let Some(s) = &report.suppressions {
            for w in super::suppress_cmd::rule_warnings(s) {
                eprintln!("docket: warning: {w}");
            }
        }
        eprintln!("docket: {}", summary_line(&report));
    }
    let failing = args
        .fail_on
        .is_some_and(|min| report.findings.iter().any(|f| f.finding.severity >= min));
    // The process ends here: freeing a 150,000-pod inventory object by object took
    // seconds, and the OS takes the memory back at once.
    std::mem::forget(report);
    std::mem::forget(scan);
    std::mem::forget(loaded);
    Ok(if failing { 1 } else { 0 })
}

/// `docket` with no subcommand: scan what was given; else whatever answers (the local
/// Docker daemon, the current kube context); else the embedded demo, saying so.
pub fn run_default(sources: &SourceArgs, workspace: Option<&Path>) -> Result<u8, UserError> {
    let args = ScanArgs {
        sources: sources.clone(),
        format: Format::Table,
        output: OutputArgs { output: None },
        checks: Vec::new(),
        skip_checks: Vec::new(),
        framework: Vec::new(),
        fail_on: None,
        quiet: false,
        rules: None,
        no_suppress: false,
    };
    if !sources.is_empty() {
        return run(&args, workspace);
    }
    let loaded = load_auto(sources)?;
    finish(&args, &Selection::default(), loaded, workspace)
}

/// What `docket` scans when given no source: the local Docker daemon and the current
/// kube context, whichever answer; else the embedded demo, saying so on stderr.
pub(super) fn load_auto(sources: &SourceArgs) -> Result<crate::sources::Loaded, UserError> {
    let mut loaded = crate::sources::Loaded::default();
    let mut unreachable = Vec::new();
    match super::inputs::live_docker(None, false) {
        Ok(live) => {
            loaded.snapshot.merge(live.snapshot);
            loaded.warnings.extend(live.warnings);
        }
        Err(e) => unreachable.push(e.message),
    }
    if super::live_kube::configured(&sources.kube) {
        match super::live_kube::live_kube(&sources.kube, false) {
            Ok(live) => {
                loaded.snapshot.merge(live.snapshot);
                loaded.warnings.extend(live.warnings);
            }
            Err(e) => unreachable.push(e.message),
        }
    } else {
        unreachable.push("no kube context is configured".to_string());
    }
    if loaded.snapshot.sources.is_empty() {
        eprintln!(
            "docket: no input given and nothing reachable:\n  - {}\ndocket: showing the \
             embedded demo inventory (Lumen Health). Scan your own with `docket scan \
             --docker`, `docket scan --kube` or `docket scan --from PATH`.",
            unreachable.join("\n  - ")
        );
        let demo = SourceArgs {
            demo: true,
            ..sources.clone()
        };
        return demo.load(false);
    }
    for w in &loaded.warnings {
        eprintln!("docket: warning: {w}");
    }
    Ok(loaded)
}

/// Active findings by severity, suppressed ones when rules were applied, and the checks
/// that could not run.
fn summary_line(report: &Report) -> String {
    let t = &report.totals;
    let suppressed = match &report.suppressions {
        Some(s) => format!("; {} suppressed", s.findings.len()),
        None => String::new(),
    };
    format!(
        "{} findings (critical {}, high {}, medium {}, low {}, info {}){suppressed}; {} checks not evaluated",
        t.findings,
        t.severity(Severity::Critical),
        t.severity(Severity::High),
        t.severity(Severity::Medium),
        t.severity(Severity::Low),
        t.severity(Severity::Info),
        t.checks.not_evaluated
    )
}

pub(super) fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
