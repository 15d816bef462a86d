//! `docket remediate show FINGERPRINT` prints a finding's plan; `docket remediate apply
//! FINGERPRINT --allow-changes` applies it (Docker containment, Kubernetes patch or
//! manifest) for scripted incident response: confirmation naming the object, dry run,
//! apply, verify, each step printed and written to a session log.
//!
//! Exit codes: 0 applied and verified; 1 the dry run, the apply or the verification failed
//! (or the finding is still there), the message says which; 2 nothing was attempted (no
//! --allow-changes, no or wrong confirmation, unknown fingerprint, a plan Docket cannot
//! apply).

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};

use super::{SourceArgs, UserError};
use crate::checks::{self, Selection};
use crate::findings::Finding;
use crate::remediate::{self, Plan};
use crate::session::{Event, RemediationAction, SessionLog};
use crate::sources::apply::{change_for, Applier, Change};

#[derive(Debug, Subcommand)]
pub enum RemediateCmd {
    /// Print the remediation plan for one finding (read-only).
    Show(ShowArgs),
    /// Apply a finding's plan: pause/stop the container (Docker) or patch/create the object
    /// (Kubernetes, after a server-side dry run), then re-read it to verify. Needs
    /// --allow-changes and a confirmation naming the object; writes a session log.
    /// Exit 0 applied and verified, 1 a step failed or the finding remains, 2 nothing attempted.
    Apply(ApplyArgs),
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The finding's fingerprint (16 hex digits, as `docket scan -f json` prints it).
    pub fingerprint: String,
    #[command(flatten)]
    pub sources: SourceArgs,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// The finding's fingerprint (16 hex digits, as `docket scan -f json` prints it).
    pub fingerprint: String,
    /// Allow this command to change the container or cluster (read-only without it).
    #[arg(long)]
    pub allow_changes: bool,
    /// The object exactly as printed (`lumen-api-1`, `Deployment shop/web`): required
    /// without a terminal; at a terminal Docket asks for it instead.
    #[arg(long, value_name = "OBJECT")]
    pub confirm: Option<String>,
    #[command(flatten)]
    pub sources: SourceArgs,
}

pub fn run(cmd: &RemediateCmd, workspace: Option<&Path>) -> Result<u8, UserError> {
    match cmd {
        RemediateCmd::Show(args) => {
            let (plan, _, _) = plan_for(&args.sources, &args.fingerprint)?;
            print!("{}", remediate::render(&plan));
            match change_for(&plan) {
                Some(c) => eprintln!(
                    "docket: `docket remediate apply {} --allow-changes` can {}",
                    plan.fingerprint,
                    c.describe()
                ),
                None => {
                    eprintln!("docket: Docket cannot apply this plan itself; follow it by hand")
                }
            }
            Ok(0)
        }
        RemediateCmd::Apply(args) => apply(args, workspace),
    }
}

/// Scan, find the finding, plan it.
fn plan_for(
    sources: &SourceArgs,
    fingerprint: &str,
) -> Result<(Plan, Finding, crate::model::Snapshot), UserError> {
    let loaded = sources.load(false)?;
    let scan = checks::run(&loaded.snapshot, &Selection::default());
    let finding = scan
        .findings
        .into_iter()
        .find(|f| f.fingerprint == fingerprint)
        .ok_or_else(|| {
            UserError::usage(format!(
                "no finding has fingerprint {fingerprint:?} in this scan: `docket scan -f json` \
                 (with the same source flags) lists the fingerprints; a fixed finding is no \
                 longer found"
            ))
        })?;
    let plan = remediate::plan(&finding, &loaded.snapshot);
    Ok((plan, finding, loaded.snapshot))
}

fn apply(args: &ApplyArgs, workspace: Option<&Path>) -> Result<u8, UserError> {
    if !args.allow_changes {
        return Err(UserError::usage(
            "Docket is read-only by default: `docket remediate apply` changes a container or a \
             cluster only with --allow-changes (`docket remediate show FINGERPRINT` prints the \
             plan without changing anything)",
        ));
    }
    let (plan, finding, snapshot) = plan_for(&args.sources, &args.fingerprint)?;
    let change = change_for(&plan).ok_or_else(|| {
        UserError::usage(format!(
            "Docket cannot apply the plan for {} itself (manual steps, a container re-creation \
             or placeholders to fill): print it with `docket remediate show {}` and follow it",
            plan.fingerprint, plan.fingerprint
        ))
    })?;
    let connection = connection_for(&change, &args.sources)?;
    let object = change.object();
    println!(
        "finding: {} {} on {}",
        finding.fingerprint,
        finding.check_id,
        finding.resource.display()
    );
    println!("change:  {}", change.describe());
    println!("object:  {object}");
    confirm(args.confirm.as_deref(), &object)?;

    let dir = match workspace {
        Some(w) => w.to_path_buf(),
        None => crate::tui::config::Paths::discover().data_dir,
    };
    let mut log = Log::start(&dir, &args.sources, &plan, &change)?;
    let code = steps(&mut log, &change, &finding, &snapshot, connection);
    let ended = log.record_end();
    println!("session log: {}", log.path().display());
    match (code, ended) {
        (code, Ok(())) => Ok(code),
        (_, Err(e)) => Err(UserError {
            message: e,
            code: 1,
        }),
    }
}

/// The connection the applier needs for this change, from the source flags.
type Connection = (
    Option<Option<String>>,
    Option<(
        crate::sources::kube_live::KubeTarget,
        crate::sources::apply::KubeOptions,
    )>,
);

fn connection_for(change: &Change, sources: &SourceArgs) -> Result<Connection, UserError> {
    match change {
        Change::Contain { .. } if sources.wants_docker() => {
            Ok((Some(sources.docker_host.clone()), None))
        }
        Change::Contain { .. } => Err(UserError::usage(
            "the finding is on a Docker container but this scan did not read a live daemon: \
             scan with --docker (or --docker-host URL) so Docket knows which daemon to change",
        )),
        _ if sources.kube.wants_kube() => {
            Ok((None, Some((sources.kube.target(), sources.kube.options()))))
        }
        _ => Err(UserError::usage(
            "the finding is on a Kubernetes object but this scan did not read a live cluster: \
             scan with --kube (or --context NAME) so Docket knows which cluster to change",
        )),
    }
}

/// The operator names the object: `--confirm`, else typed at the terminal.
fn confirm(given: Option<&str>, object: &str) -> Result<(), UserError> {
    let typed = match given {
        Some(c) => c.to_string(),
        None if std::io::stdin().is_terminal() => {
            eprint!("docket: type the object's name to confirm ({object}): ");
            let _ = std::io::stderr().flush();
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .map_err(|e| UserError::usage(format!("cannot read the confirmation: {e}")))?;
            line.trim_end_matches(['\n', '\r']).to_string()
        }
        None => {
            return Err(UserError::usage(format!(
                "no terminal to confirm on: pass --confirm \"{object}\" (the object exactly as \
                 printed) to apply without one; nothing was changed"
            )))
        }
    };
    if typed != object {
        return Err(UserError::usage(format!(
            "the confirmation {typed:?} does not name the object \"{object}\": nothing was changed"
        )));
    }
    Ok(())
}

/// Dry run, apply, verify: each outcome printed and logged. Returns the exit code.
fn steps(
    log: &mut Log,
    change: &Change,
    finding: &Finding,
    snapshot: &crate::model::Snapshot,
    (docker, kube): Connection,
) -> u8 {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return log.fail(false, format!("cannot start the async runtime: {e}")),
    };
    let applier = match runtime.block_on(Applier::connect(docker, kube)) {
        Ok(a) => a,
        Err(e) => return log.fail(true, format!("not connected, nothing was changed: {e}")),
    };
    match runtime.block_on(applier.dry_run(change)) {
        Ok(out) => {
            println!("dry run: {out}");
            if let Err(e) = log.record(RemediationAction::Applied, true, &out) {
                return log.fail(true, format!("{e}; the change was not applied"));
            }
        }
        Err(e) => return log.fail(true, format!("dry run failed, nothing was changed: {e}")),
    }
    match runtime.block_on(applier.apply(change)) {
        Ok(out) => {
            println!("applied: {out}");
            if let Err(e) = log.record(RemediationAction::Applied, false, &out) {
                eprintln!("docket: the change WAS applied but {e}");
                return 1;
            }
        }
        Err(e) => return log.fail(false, format!("apply failed: {e}")),
    }
    match runtime.block_on(applier.verify_with(change, finding, Some(snapshot))) {
        Ok(v) if v.resolved => {
            println!("verified: {}", v.detail);
            match log.record(RemediationAction::Verified, false, &v.detail) {
                Ok(()) => 0,
                Err(e) => {
                    eprintln!("docket: {e}");
                    1
                }
            }
        }
        Ok(v) => log.fail(false, format!("not verified: {}", v.detail)),
        Err(e) => log.fail(false, format!("verification failed: {e}")),
    }
}

/// The session log of one `remediate apply`.
struct Log {
    log: SessionLog,
    fingerprint: String,
    target: String,
    digest: String,
}

fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

impl Log {
    /// Session start (not read-only) and the plan: written before anything is changed.
    fn start(
        dir: &Path,
        sources: &SourceArgs,
        plan: &Plan,
        change: &Change,
    ) -> Result<Log, UserError> {
        let fail =
            |e: crate::session::LogError| UserError::usage(format!("nothing was changed: {e}"));
        let at = now();
        let log = SessionLog::create(dir, &at).map_err(fail)?;
        let mut log = Log {
            log,
            fingerprint: plan.fingerprint.clone(),
            target: change.object(),
            digest: remediate::digest(plan),
        };
        let start = Event::SessionStart {
            operator: std::env::var("USER")
                .or_else(|_| std::env::var("USERNAME"))
                .unwrap_or_else(|_| "unknown".into()),
            host: std::fs::read_to_string("/etc/hostname")
                .map(|h| h.trim().to_string())
                .or_else(|_| std::env::var("HOSTNAME"))
                .unwrap_or_else(|_| "unknown".into()),
            docket_version: env!("CARGO_PKG_VERSION").to_string(),
            sources: describe(sources),
            contexts: sources.kube.context.clone().into_iter().collect(),
            read_only: false,
        };
        log.log.append(&at, start).map_err(fail)?;
        log.record(RemediationAction::Planned, false, &change.describe())
            .map_err(|e| UserError::usage(format!("nothing was changed: {e}")))?;
        Ok(log)
    }

    fn path(&self) -> PathBuf {
        self.log.path().to_path_buf()
    }

    fn record(
        &mut self,
        action: RemediationAction,
        dry_run: bool,
        detail: &str,
    ) -> Result<(), String> {
        let event = Event::Remediation {
            action,
            fingerprint: self.fingerprint.clone(),
            target: self.target.clone(),
            plan_digest: self.digest.clone(),
            dry_run,
            detail: detail.to_string(),
        };
        self.log
            .append(&now(), event)
            .map(|_| ())
            .map_err(|e| format!("session log: {e}"))
    }

    /// Print and log a failed step; exit code 1.
    fn fail(&mut self, dry_run: bool, message: String) -> u8 {
        eprintln!("docket: {message}");
        if let Err(e) = self.record(RemediationAction::Failed, dry_run, &message) {
            eprintln!("docket: {e}");
        }
        1
    }

    fn record_end(&mut self) -> Result<(), String> {
        self.log
            .append(&now(), Event::SessionEnd {})
            .map(|_| ())
            .map_err(|e| format!("session log: {e}"))
    }
}

/// The sources of the session-start line.
fn describe(s: &SourceArgs) -> Vec<String> {
    let mut out = Vec::new();
    if s.wants_docker() {
        out.push(format!(
            "docker {}",
            s.docker_host.as_deref().unwrap_or("(environment)")
        ));
    }
    if s.kube.wants_kube() {
        out.push(format!(
            "kube {}",
            s.kube.context.as_deref().unwrap_or("(current context)")
        ));
    }
    if s.demo {
        out.push("demo".to_string());
    }
    out.extend(s.from.iter().map(|p| format!("file {}", p.display())));
    out
}
