//! Which sources a command reads, and loading them into one snapshot.

use clap::Args;
use std::path::PathBuf;

use super::live_kube::{live_kube, KubeArgs};
use super::UserError;
use crate::sources::{self, Loaded};

#[derive(Debug, Args, Clone, Default)]
pub struct SourceArgs {
    /// Read inputs from a file or directory (recursive): Docket snapshots, `kubectl get -o
    /// json`, Kubernetes YAML manifests, `docker inspect` / `docker info` JSON. Repeatable.
    #[arg(long = "from", value_name = "PATH", global = true)]
    pub from: Vec<PathBuf>,
    /// Scan the embedded demo inventory (a small telehealth company).
    #[arg(long, global = true)]
    pub demo: bool,
    /// Scan the live Docker daemon (DOCKER_HOST, DOCKER_CONTEXT or the CLI's current
    /// context, else the default socket).
    #[arg(long, global = true)]
    pub docker: bool,
    /// Docker daemon to scan (implies --docker): unix:///var/run/docker.sock, tcp://host:2376.
    #[arg(long, value_name = "URL", global = true)]
    pub docker_host: Option<String>,
    #[command(flatten)]
    pub kube: KubeArgs,
}

impl SourceArgs {
    pub fn is_empty(&self) -> bool {
        self.from.is_empty() && !self.demo && !self.wants_docker() && !self.kube.wants_kube()
    }

    /// What the TUI scans: the same flags, or (with none) whatever answers.
    pub fn plan(&self) -> crate::tui::msg::SourcePlan {
        crate::tui::msg::SourcePlan {
            demo: self.demo,
            from: self.from.clone(),
            docker: self.wants_docker().then(|| self.docker_host.clone()),
            kube: self
                .kube
                .wants_kube()
                .then(|| (self.kube.target(), self.kube.options())),
            auto: self.is_empty(),
        }
    }

    pub fn wants_docker(&self) -> bool {
        self.docker || self.docker_host.is_some()
    }

    /// Load and merge every requested source. Warnings go to stderr unless `quiet`.
    pub fn load(&self, quiet: bool) -> Result<Loaded, UserError> {
        if self.is_empty() {
            return Err(UserError::usage(
                "no input: give --docker, --kube, --from PATH (files or directories) or \
                 --demo.",
            ));
        }
        let mut loaded = Loaded {
            snapshot: crate::model::Snapshot::new(),
            warnings: Vec::new(),
        };
        if self.demo {
            let demo = sources::demo::load()?;
            loaded.snapshot.merge(demo.snapshot);
            loaded.warnings.extend(demo.warnings);
        }
        if self.wants_docker() {
            let live = live_docker(self.docker_host.as_deref(), quiet)?;
            loaded.snapshot.merge(live.snapshot);
            loaded.warnings.extend(live.warnings);
        }
        if self.kube.wants_kube() {
            let live = live_kube(&self.kube, quiet)?;
            loaded.snapshot.merge(live.snapshot);
            loaded.warnings.extend(live.warnings);
        }
        if !self.from.is_empty() {
            let files = sources::load_paths(&self.from)?;
            loaded.snapshot.merge(files.snapshot);
            loaded.warnings.extend(files.warnings);
        }
        if !quiet {
            for w in &loaded.warnings {
                eprintln!("docket: warning: {w}");
            }
        }
        Ok(loaded)
    }
}

/// Scan the live Docker daemon. Progress goes to stderr when it is a terminal.
pub fn live_docker(
    flag: Option<&str>,
    quiet: bool,
) -> Result<sources::docker_live::LiveDocker, UserError> {
    use std::io::IsTerminal;
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let endpoint = sources::docker_live::resolve(flag, &|k| std::env::var(k).ok(), home.as_deref())
        .map_err(UserError::usage)?;
    let show = !quiet && std::io::stderr().is_terminal();
    let progress = move |msg: &str| {
        if show {
            eprint!("\r\x1b[2Kdocket: {msg}");
        }
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| UserError::usage(format!("cannot start the async runtime: {e}")))?;
    let started = std::time::Instant::now();
    let result = runtime.block_on(sources::docker_live::collect(&endpoint, &progress));
    if show {
        eprintln!();
    }
    let live = result.map_err(|message| UserError { message, code: 2 })?;
    if !quiet {
        let d = &live.snapshot.docker;
        eprintln!(
            "docket: docker {}: {} containers, {} images, {} networks in {:.2} s ({} API requests)",
            endpoint.host,
            d.containers.len(),
            d.images.len(),
            d.networks.len(),
            started.elapsed().as_secs_f64(),
            live.requests
        );
    }
    Ok(live)
}
