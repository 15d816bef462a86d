//! `--kube` and its kubectl-style flags, and running the live Kubernetes source for the
//! command line (progress on stderr when it is a terminal, a summary line after).

use clap::Args;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use super::UserError;
use crate::sources::kube_live::{self, KubeTarget, LiveKube, Options, Progress, Stage};

#[derive(Debug, Args, Clone, Default)]
pub struct KubeArgs {
    /// Scan the live Kubernetes cluster of the current kube context (kubeconfig from
    /// KUBECONFIG or ~/.kube/config, else the in-cluster service account).
    #[arg(long, global = true)]
    pub kube: bool,
    /// Kubeconfig file to use instead of KUBECONFIG / ~/.kube/config (implies --kube).
    #[arg(long, value_name = "FILE", global = true)]
    pub kubeconfig: Option<PathBuf>,
    /// Kube context to scan instead of the current one (implies --kube).
    #[arg(long, value_name = "NAME", global = true)]
    pub context: Option<String>,
    /// Scan only this namespace (default: the context's namespace; implies --kube).
    #[arg(short = 'n', long, value_name = "NS", global = true)]
    pub namespace: Option<String>,
    /// Scan every namespace (implies --kube).
    #[arg(short = 'A', long, global = true, conflicts_with = "namespace")]
    pub all_namespaces: bool,
    /// Seconds one Kubernetes API request may take.
    #[arg(long, value_name = "SECS", default_value_t = 30, global = true)]
    pub request_timeout: u64,
    /// Seconds the whole Kubernetes scan may take; what is unread by then is reported as
    /// a coverage gap.
    #[arg(long, value_name = "SECS", default_value_t = 300, global = true)]
    pub deadline: u64,
    /// Seconds an exec credential plugin (aws, gke-gcloud-auth-plugin, kubelogin) may run.
    #[arg(long, value_name = "SECS", default_value_t = 60, global = true)]
    pub exec_timeout: u64,
}

impl KubeArgs {
    pub fn wants_kube(&self) -> bool {
        self.kube
            || self.kubeconfig.is_some()
            || self.context.is_some()
            || self.namespace.is_some()
            || self.all_namespaces
    }

    pub(crate) fn target(&self) -> KubeTarget {
        KubeTarget {
            kubeconfig: self.kubeconfig.clone(),
            context: self.context.clone(),
            namespace: self.namespace.clone(),
            all_namespaces: self.all_namespaces,
        }
    }

    pub(crate) fn options(&self) -> Options {
        Options {
            request_timeout: Duration::from_secs(self.request_timeout.max(1)),
            deadline: Duration::from_secs(self.deadline.max(1)),
            exec_timeout: Duration::from_secs(self.exec_timeout.max(1)),
            terminal: std::io::stdin().is_terminal() && std::io::stderr().is_terminal(),
            ..Options::default()
        }
    }
}

/// Resolve only: is a kube context configured at all? (For `docket` with no flags.)
pub fn configured(args: &KubeArgs) -> bool {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    runtime()
        .ok()
        .and_then(|rt| {
            rt.block_on(kube_live::resolve(
                &args.target(),
                &|k| std::env::var(k).ok(),
                home.as_deref(),
            ))
            .ok()
        })
        .is_some()
}

fn runtime() -> Result<tokio::runtime::Runtime, UserError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| UserError::usage(format!("cannot start the async runtime: {e}")))
}

/// Scan the live cluster. Progress goes to stderr when it is a terminal.
pub fn live_kube(args: &KubeArgs, quiet: bool) -> Result<LiveKube, UserError> {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let rt = runtime()?;
    let conn = rt
        .block_on(kube_live::resolve(
            &args.target(),
            &|k| std::env::var(k).ok(),
            home.as_deref(),
        ))
        .map_err(UserError::usage)?;
    let opts = args.options();
    if let Some(exec) = &conn.exec {
        // Name the program before it runs: it is code from the kubeconfig.
        if !quiet {
            eprintln!(
                "docket: context {} authenticates with the exec credential plugin `{}` \
                 (timeout {} s)",
                conn.context,
                exec.describe(),
                opts.exec_timeout.as_secs()
            );
        }
    }
    let show = !quiet && std::io::stderr().is_terminal();
    let progress = move |p: &Progress| {
        if show {
            let stage = match &p.stage {
                Stage::Listing => "listing".to_string(),
                Stage::Retrying(why) => format!("retrying ({why})"),
                Stage::Restarted => "restarted (continue token expired)".to_string(),
                Stage::Done => "done".to_string(),
                Stage::Failed(_) => "not read".to_string(),
            };
            eprint!(
                "\r\x1b[2Kdocket: kube {}: {} objects, {} pages, {stage}",
                p.resource, p.objects, p.pages
            );
        }
    };
    let started = std::time::Instant::now();
    let result = rt.block_on(kube_live::collect(&conn, &opts, &progress));
    if show {
        eprintln!();
    }
    let live = result.map_err(|message| UserError { message, code: 2 })?;
    if !quiet {
        let k = &live.snapshot.kube;
        let gaps = live.kinds.iter().filter(|r| r.gap.is_some()).count();
        eprintln!(
            "docket: kube {} ({}, {}): {} nodes, {} namespaces, {} workloads in {:.2} s ({} API \
             requests{})",
            conn.context,
            live.server_version,
            conn.scope,
            k.nodes.len(),
            k.namespaces.len(),
            k.workloads.len(),
            started.elapsed().as_secs_f64(),
            live.requests,
            if gaps > 0 {
                format!(", {gaps} kinds not fully read: see the coverage section")
            } else {
                String::new()
            }
        );
        for r in live.kinds.iter().filter(|r| r.gap.is_some()) {
            eprintln!(
                "docket: warning: kube {}: {}",
                r.resource,
                r.gap.as_deref().unwrap_or_default()
            );
        }
    }
    Ok(live)
}
