//! `docket scan`: sources -> snapshot -> checks -> report, headless.

use clap::Args;

use super::checks_cmd::parse_framework;
use super::{output, OutputArgs, SourceArgs, UserError};
use crate::checks::{self, Selection, Severity};
use crate::report::{self, Format, Report};

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
    /// Only checks that serve these frameworks: gdpr, pci, hipaa, soc2, nist-800-190.
    #[arg(long, value_delimiter = ',', value_name = "NAME")]
    pub framework: Vec<String>,
    /// Exit 1 when a finding at or above this severity exists
    /// (critical, high, medium, low, info).
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    pub fail_on: Option<Severity>,
    /// Do not print warnings and the summary line on stderr.
    #[arg(short, long)]
    pub quiet: bool,
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

pub fn run(args: &ScanArgs) -> Result<u8, UserError> {
    let selection = Selection {
        include: args.checks.clone(),
        exclude: args.skip_checks.clone(),
        frameworks: args
            .framework
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
    let loaded = args.sources.load(args.quiet)?;
    finish(args, &selection, loaded)
}

/// Checks and report for an already loaded snapshot.
fn finish(
    args: &ScanArgs,
    selection: &Selection,
    loaded: crate::sources::Loaded,
) -> Result<u8, UserError> {
    let scan = checks::run(&loaded.snapshot, selection);
    let now = now_rfc3339();
    let report = Report::new(&loaded.snapshot, &scan, &now);
    let text = report::render(&report, args.format);
    output::emit(&text, args.output.output.as_deref())?;
    if !args.quiet {
        eprintln!("docket: {}", summary_line(&scan));
    }
    let failing = args
        .fail_on
        .is_some_and(|min| scan.findings.iter().any(|f| f.severity >= min));
    Ok(if failing { 1 } else { 0 })
}

/// `docket` with no subcommand: scan what was given; else whatever answers (the local
/// Docker daemon, the current kube context); else the embedded demo, saying so.
pub fn run_default(sources: &SourceArgs) -> Result<u8, UserError> {
    let mut args = ScanArgs {
        sources: sources.clone(),
        format: Format::Table,
        output: OutputArgs { output: None },
        checks: Vec::new(),
        skip_checks: Vec::new(),
        framework: Vec::new(),
        fail_on: None,
        quiet: false,
    };
    if !sources.is_empty() {
        return run(&args);
    }
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
        args.sources.demo = true;
        return run(&args);
    }
    for w in &loaded.warnings {
        eprintln!("docket: warning: {w}");
    }
    finish(&args, &Selection::default(), loaded)
}

fn summary_line(scan: &checks::ScanResult) -> String {
    let count = |s: Severity| scan.findings.iter().filter(|f| f.severity == s).count();
    let not_eval = scan
        .results
        .iter()
        .filter(|r| matches!(r.outcome, checks::Outcome::NotEvaluated(_)))
        .count();
    format!(
        "{} findings (critical {}, high {}, medium {}, low {}, info {}); {} checks not evaluated",
        scan.findings.len(),
        count(Severity::Critical),
        count(Severity::High),
        count(Severity::Medium),
        count(Severity::Low),
        count(Severity::Info),
        not_eval
    )
}

fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
