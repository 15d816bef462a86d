//! `docket dpia`: the DPIA register (data stores, reachability, measures, risks) as CSV or
//! Markdown. Reads the sources like `docket scan`, runs every check, applies the reviewer's
//! corrections (`dpia.toml` in the workspace, or `--overrides FILE`).

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use super::{output, OutputArgs, SourceArgs, UserError};
use crate::checks::{self, Selection};
use crate::dpia::overrides::{Overrides, FILE_NAME};
use crate::report::{dpia_csv, dpia_markdown};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DpiaFormat {
    Markdown,
    Csv,
}

#[derive(Debug, Args)]
pub struct DpiaArgs {
    #[command(flatten)]
    pub sources: SourceArgs,
    /// Register format.
    #[arg(short, long, value_enum, default_value = "markdown")]
    pub format: DpiaFormat,
    #[command(flatten)]
    pub output: OutputArgs,
    /// The reviewer's corrections (default: dpia.toml in the --workspace, when it exists).
    #[arg(long, value_name = "FILE")]
    pub overrides: Option<PathBuf>,
    /// Do not print warnings and the summary line on stderr.
    #[arg(short, long)]
    pub quiet: bool,
}

pub fn run(args: &DpiaArgs, workspace: Option<&Path>) -> Result<u8, UserError> {
    // Read the corrections first: a broken file stops before a long live scan.
    let overrides = load_overrides(args.overrides.as_deref(), workspace)?;
    let loaded = args.sources.load(args.quiet)?;
    let scan = checks::run(&loaded.snapshot, &Selection::default());
    let register = crate::dpia::register(&loaded.snapshot, &scan, &overrides);
    let text = match args.format {
        DpiaFormat::Markdown => dpia_markdown::render(&register),
        DpiaFormat::Csv => dpia_csv::render(&register),
    };
    output::emit(&text, args.output.output.as_deref())?;
    if !args.quiet {
        for w in &register.warnings {
            eprintln!("docket: warning: {w}");
        }
        let exposed = register
            .rows
            .iter()
            .flat_map(|r| &r.stores)
            .filter(|e| e.reach.exposure.label().starts_with("internet"))
            .count();
        eprintln!(
            "docket: {} data stores in {} processing systems; {exposed} reachable from the \
             internet (directly or one hop)",
            register.stores.len(),
            register.rows.len()
        );
    }
    Ok(0)
}

/// `--overrides FILE` (must exist), else `dpia.toml` in the workspace (when present).
pub(super) fn load_overrides(
    file: Option<&Path>,
    workspace: Option<&Path>,
) -> Result<Overrides, UserError> {
    let path = match (file, workspace) {
        (Some(f), _) => f.to_path_buf(),
        (None, Some(ws)) => {
            let p = ws.join(FILE_NAME);
            if !p.exists() {
                return Ok(Overrides::default());
            }
            p
        }
        (None, None) => return Ok(Overrides::default()),
    };
    let origin = path.display().to_string();
    let text = std::fs::read_to_string(&path).map_err(|e| {
        UserError::usage(format!(
            "cannot read the DPIA corrections {origin}: {e}; check the path (the file is \
             optional: without --overrides Docket reads {FILE_NAME} from the workspace)"
        ))
    })?;
    Overrides::from_toml(&text, &origin).map_err(|e| UserError::usage(e.to_string()))
}
