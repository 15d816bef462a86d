//! Which sources a command reads, and loading them into one snapshot.

use clap::Args;
use std::path::PathBuf;

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
}

impl SourceArgs {
    pub fn is_empty(&self) -> bool {
        self.from.is_empty() && !self.demo
    }

    /// Load and merge every requested source. Warnings go to stderr unless `quiet`.
    pub fn load(&self, quiet: bool) -> Result<Loaded, UserError> {
        if self.is_empty() {
            return Err(UserError::usage(
                "no input: give --from PATH (files or directories) or --demo. \
                 Live Docker and Kubernetes sources are not available in this version yet.",
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
