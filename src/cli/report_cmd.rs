//! `docket report --framework NAME`: sources -> snapshot -> checks -> suppression rules ->
//! one framework's compliance report (every control with its status, and a score). The
//! sources, check selection and rules are handled exactly as `docket scan` does (its
//! helpers, not a copy).

use std::path::{Path, PathBuf};

use clap::Args;

use super::{output, scan, OutputArgs, SourceArgs, UserError};
use crate::checks::{self, Framework};
use crate::report::framework::{self, FrameworkFormat};

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub sources: SourceArgs,
    /// The framework: gdpr, pci, hipaa, soc2, nist-800-190, cis-docker, pss, or `all`
    /// for every one in one document.
    #[arg(long, value_name = "NAME")]
    pub framework: String,
    /// Report format: markdown, html, json, csv.
    #[arg(short, long, default_value = "markdown", value_parser = parse_format)]
    pub format: FrameworkFormat,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Only these checks (same syntax as `docket scan --checks`); the controls of the
    /// others are reported as not evaluated.
    #[arg(long, value_delimiter = ',', value_name = "GLOB")]
    pub checks: Vec<String>,
    /// Skip these checks; their controls are reported as not evaluated, with the reason.
    #[arg(long = "skip-checks", value_delimiter = ',', value_name = "GLOB")]
    pub skip_checks: Vec<String>,
    /// Suppression rules to apply (default: suppressions.toml in the --workspace, else in
    /// the config dir, when it exists). Suppressed findings make a control accepted, with
    /// the rule's reason, never passed.
    #[arg(long, value_name = "FILE", conflicts_with = "no_suppress")]
    pub rules: Option<PathBuf>,
    /// Apply no suppression rules: every finding is active.
    #[arg(long)]
    pub no_suppress: bool,
    /// Do not print warnings and the score line on stderr.
    #[arg(short, long)]
    pub quiet: bool,
}

fn parse_format(s: &str) -> Result<FrameworkFormat, String> {
    FrameworkFormat::parse(s).ok_or_else(|| {
        let names: Vec<&str> = FrameworkFormat::ALL.iter().map(|f| f.name()).collect();
        format!("unknown format {s:?}; use one of: {}", names.join(", "))
    })
}

/// The frameworks `--framework` names (`all`: every one).
pub fn frameworks(name: &str) -> Result<Vec<Framework>, UserError> {
    if name.trim().eq_ignore_ascii_case("all") {
        return Ok(Framework::ALL.to_vec());
    }
    Framework::parse(name).map(|f| vec![f]).ok_or_else(|| {
        let names: Vec<String> = Framework::ALL
            .iter()
            .map(|f| format!("{} ({})", f.slug(), f.name()))
            .collect();
        UserError::usage(format!(
            "unknown framework {name:?}; use one of: {}, or all",
            names.join(", ")
        ))
    })
}

pub fn run(args: &ReportArgs, workspace: Option<&Path>) -> Result<u8, UserError> {
    // Usage errors first: nothing is read before the arguments make sense.
    let wanted = frameworks(&args.framework)?;
    let selection = scan::selection(&args.checks, &args.skip_checks, &[])?;
    let rules = scan::rules(args.rules.as_deref(), args.no_suppress, workspace)?;
    let loaded = args.sources.load(args.quiet)?;
    let result = checks::run(&loaded.snapshot, &selection);
    let now = scan::now_rfc3339();
    let report = scan::report_for(&loaded.snapshot, &result, rules.as_ref(), &now);
    let reports: Vec<_> = wanted
        .into_iter()
        .map(|f| framework::build(&report, f))
        .collect();
    let text = framework::render_all(&reports, args.format);
    output::emit(&text, args.output.output.as_deref())?;
    if !args.quiet {
        if let Some(s) = &report.suppressions {
            for w in super::suppress_cmd::rule_warnings(s) {
                eprintln!("docket: warning: {w}");
            }
        }
        for r in &reports {
            eprintln!("docket: {}: score {}", r.framework.name(), r.score.line());
        }
    }
    Ok(0)
}
