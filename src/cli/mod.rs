//! Command line: parse, dispatch, map errors to exit codes (0 ok, 1 findings at or above
//! `--fail-on`, 2 usage or input error). The binary's `main` only calls [`main`].

mod checks_cmd;
mod config_cmd;
mod demo_cmd;
mod diff_cmd;
mod dpia_cmd;
mod inputs;
mod live_kube;
mod log_cmd;
mod output;
mod remediate_cmd;
mod report_cmd;
mod scan;
mod snapshot_cmd;
mod suppress_add_cmd;
mod suppress_cmd;
mod suppress_import_cmd;

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

pub use inputs::SourceArgs;
pub use output::write_atomic;

#[derive(Debug, Parser)]
#[command(
    name = "docket",
    version,
    about = "A terminal compliance workbench for containers: inventory Docker and Kubernetes, run security and compliance checks, triage findings.",
    after_help = "With no subcommand Docket opens the interactive workbench on what it can reach (the embedded demo when nothing is); when output is not a terminal it prints a table instead.\nExit codes: 0 ok, 1 findings at or above --fail-on, 2 usage or input error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub sources: SourceArgs,
    /// Keep this engagement's state (session logs, exports; triage and suppressions as they
    /// arrive) in DIR instead of the data dir, e.g. one directory per client.
    #[arg(long, value_name = "DIR", global = true)]
    pub workspace: Option<PathBuf>,
    /// Let the workbench apply remediations (Kubernetes patches after a server-side dry run,
    /// Docker pause/stop), each after a confirmation that names the object and recorded in
    /// the session log. Without it Docket changes nothing.
    #[arg(long)]
    pub allow_changes: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan sources headlessly and print or write a report.
    Scan(scan::ScanArgs),
    /// Browse the check catalog.
    #[command(subcommand)]
    Checks(checks_cmd::ChecksCmd),
    /// Save the normalized snapshot of the sources to a JSON file (`--from` reads it back).
    #[command(subcommand)]
    Snapshot(snapshot_cmd::SnapshotCmd),
    /// Where Docket keeps its config, data and state files, and whether they are valid.
    #[command(subcommand)]
    Config(config_cmd::ConfigCmd),
    /// Verify or read a session log (tamper-evident: each line carries the previous
    /// line's SHA-256).
    #[command(subcommand)]
    Log(log_cmd::LogCmd),
    /// The synthetic cluster generator (`docket demo generate --pods 150000 -o big.json`).
    #[command(subcommand)]
    Demo(demo_cmd::DemoCmd),
    /// New, resolved and unchanged findings between two inputs (snapshots, `scan -f json`
    /// reports or session JSON exports), by fingerprint.
    Diff(diff_cmd::DiffArgs),
    /// The DPIA register: data stores, who can reach them, failing GDPR Art. 32/25
    /// measures and residual risks per processing system, as Markdown or CSV.
    Dpia(dpia_cmd::DpiaArgs),
    /// Suppression rules (accepted risks with a reason and an optional expiry): list them
    /// with their matches, add one, import Trivy / kubescape ignore files, check the file.
    #[command(subcommand)]
    Suppress(suppress_cmd::SuppressCmd),
    /// Print a finding's remediation plan, or apply it (Docker containment, Kubernetes
    /// patch after a server-side dry run) with --allow-changes and a confirmation.
    #[command(subcommand)]
    Remediate(remediate_cmd::RemediateCmd),
    /// A compliance report per framework: every control with its status (failed with
    /// findings, accepted with the rule's reason, not evaluated with why, passed, manual
    /// with the evidence to collect) and a score.
    Report(report_cmd::ReportArgs),
}

/// Options shared by every report-writing command.
#[derive(Debug, Args, Clone)]
pub struct OutputArgs {
    /// Write to this file instead of standard output (written atomically).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// An error for the user: what happened and what to do; printed without a backtrace.
#[derive(Debug)]
pub struct UserError {
    pub message: String,
    pub code: u8,
}

impl UserError {
    pub fn usage(message: impl Into<String>) -> Self {
        UserError {
            message: message.into(),
            code: 2,
        }
    }
}

impl From<crate::sources::SourceError> for UserError {
    fn from(e: crate::sources::SourceError) -> Self {
        UserError::usage(e.to_string())
    }
}

/// The workbench opens when a person is at a terminal; pipes and CI get the headless table.
fn interactive() -> bool {
    use std::io::IsTerminal;
    std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Scan(args)) => scan::run(&args, cli.workspace.as_deref()),
        Some(Command::Checks(cmd)) => checks_cmd::run(&cmd),
        Some(Command::Snapshot(cmd)) => snapshot_cmd::run(&cmd),
        Some(Command::Demo(cmd)) => demo_cmd::run(&cmd),
        Some(Command::Diff(args)) => diff_cmd::run(&args),
        Some(Command::Dpia(args)) => dpia_cmd::run(&args, cli.workspace.as_deref()),
        Some(Command::Config(cmd)) => config_cmd::run(&cmd),
        Some(Command::Log(cmd)) => log_cmd::run(&cmd),
        Some(Command::Suppress(cmd)) => suppress_cmd::run(&cmd, cli.workspace.as_deref()),
        Some(Command::Remediate(cmd)) => remediate_cmd::run(&cmd, cli.workspace.as_deref()),
        Some(Command::Report(args)) => report_cmd::run(&args, cli.workspace.as_deref()),
        None if interactive() => {
            crate::tui::launch(cli.sources.plan(), cli.workspace.clone(), cli.allow_changes)
                .map(|_| 0)
                .map_err(UserError::usage)
        }
        None => scan::run_default(&cli.sources, cli.workspace.as_deref()),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("docket: {}", e.message);
            ExitCode::from(e.code)
        }
    }
}
