//! `docket snapshot save FILE`: the merged, normalized snapshot as JSON.

use clap::Subcommand;
use std::path::PathBuf;

use super::{output, SourceArgs, UserError};

#[derive(Debug, Subcommand)]
pub enum SnapshotCmd {
    /// Load the sources and save the normalized snapshot (secrets already redacted).
    Save {
        /// Where to write the snapshot JSON.
        file: PathBuf,
        #[command(flatten)]
        sources: SourceArgs,
        /// Do not print warnings.
        #[arg(short, long)]
        quiet: bool,
    },
}

pub fn run(cmd: &SnapshotCmd) -> Result<u8, UserError> {
    match cmd {
        SnapshotCmd::Save {
            file,
            sources,
            quiet,
        } => {
            let loaded = sources.load(*quiet)?;
            let json = serde_json::to_string(&loaded.snapshot)
                .map_err(|e| UserError::usage(format!("cannot serialize the snapshot: {e}")))?;
            output::emit(&json, Some(file))?;
            if !quiet {
                let total: usize = loaded.snapshot.counts().iter().map(|(_, n)| n).sum();
                eprintln!("docket: saved {total} objects to {}", file.display());
            }
            Ok(0)
        }
    }
}
