//! `docket diff OLD NEW`: which findings are new, resolved and unchanged between two
//! inputs, each a Docket snapshot, a `docket scan -f json` report or a session JSON export
//! (detected from the content). Exit 0, or 2 with the file, line and column of bad input.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use serde_json::json;

use super::{output, OutputArgs, UserError};
use crate::findings::diff::{diff, Baseline, Diff};
use crate::findings::Finding;
use crate::report::markdown::{code, text};
use crate::session::event::one_line;
use crate::sources::files::MAX_INPUT_BYTES;

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier input: a Docket snapshot, a `docket scan -f json` report or a session
    /// JSON export.
    pub old: PathBuf,
    /// The later input (any of the same kinds).
    pub new: PathBuf,
    /// Output format. The table leaves out the unchanged findings' rows (json and markdown
    /// list them).
    #[arg(short, long, value_enum, default_value = "table")]
    pub format: DiffFormat,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Table,
    Json,
    #[value(alias = "md")]
    Markdown,
}

pub fn run(args: &DiffArgs) -> Result<u8, UserError> {
    let old = load(&args.old)?;
    let new = load(&args.new)?;
    let d = diff(&old, &new.findings);
    let text = render(&d, &old, &new, args.format);
    output::emit(&text, args.output.output.as_deref())?;
    Ok(0)
}

fn load(path: &Path) -> Result<Baseline, UserError> {
    let origin = path.display().to_string();
    let unreadable = |e: std::io::Error| {
        UserError::usage(format!(
            "cannot read {origin}: {e}. Check the path; `docket diff` takes two files."
        ))
    };
    let size = std::fs::metadata(path).map_err(unreadable)?.len();
    if size > MAX_INPUT_BYTES {
        return Err(UserError::usage(format!(
            "{origin}: the file is too big ({} MiB; the limit is {} MiB)",
            size / (1024 * 1024),
            MAX_INPUT_BYTES / (1024 * 1024)
        )));
    }
    let bytes = std::fs::read(path).map_err(unreadable)?;
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        let (line, col) = crate::located::line_col(&bytes, e.valid_up_to());
        UserError::usage(
            crate::located::Located::new(
                &origin,
                "invalid UTF-8: this is not a JSON file Docket wrote",
                "give a Docket snapshot, a `docket scan -f json` report or a session JSON export",
            )
            .at(Some(line), Some(col))
            .to_string(),
        )
    })?;
    Baseline::parse(text, &origin).map_err(|e| UserError::usage(e.to_string()))
}

/// The diff in one format.
pub fn render(d: &Diff, old: &Baseline, new: &Baseline, format: DiffFormat) -> String {
    match format {
        DiffFormat::Table => table(d, old, new),
        DiffFormat::Json => json(d, old, new),
        DiffFormat::Markdown => markdown(d, old, new),
    }
}

fn counts(d: &Diff) -> String {
    format!(
        "{} new, {} resolved, {} unchanged",
        d.new.len(),
        d.resolved.len(),
        d.unchanged.len()
    )
}

/// A warning when the later input could not read everything: "resolved" may mean unread.
fn gaps_note(new: &Baseline) -> Option<String> {
    let n = new.coverage_gaps.len();
    (n > 0).then(|| {
        format!(
            "{} has {n} coverage gap{}: a finding listed as resolved may simply not have been read this time",
            new.origin,
            if n == 1 { "" } else { "s" }
        )
    })
}

fn table(d: &Diff, old: &Baseline, new: &Baseline) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{} ({}) -> {} ({})\n{}",
        one_line(&old.origin),
        old.kind.label(),
        one_line(&new.origin),
        new.kind.label(),
        counts(d)
    );
    for (name, list) in [("NEW", &d.new), ("RESOLVED", &d.resolved)] {
        let _ = writeln!(o, "\n{name} ({})", list.len());
        for f in list {
            let _ = writeln!(
                o,
                "  {:<8} {:<10} {}  {}  {}",
                f.severity.as_str(),
                one_line(&f.check_id),
                f.fingerprint,
                one_line(&f.resource.display()),
                one_line(&f.title)
            );
        }
    }
    let _ = writeln!(
        o,
        "\nUNCHANGED ({}): listed by -f json and -f markdown",
        d.unchanged.len()
    );
    if let Some(note) = gaps_note(new) {
        let _ = writeln!(o, "\nnote: {}", one_line(&note));
        for g in &new.coverage_gaps {
            let _ = writeln!(o, "  - {}", one_line(g));
        }
    }
    o
}

fn side(b: &Baseline) -> serde_json::Value {
    json!({
        "origin": b.origin,
        "kind": b.kind.label(),
        "findings": b.findings.len(),
        "coverage_gaps": b.coverage_gaps,
        "head_hash": b.head_hash,
    })
}

fn json(d: &Diff, old: &Baseline, new: &Baseline) -> String {
    let value = json!({
        "baseline": side(old),
        "current": side(new),
        "counts": {
            "new": d.new.len(),
            "resolved": d.resolved.len(),
            "unchanged": d.unchanged.len(),
        },
        "new": d.new,
        "resolved": d.resolved,
        "unchanged": d.unchanged,
    });
    let mut s = serde_json::to_string_pretty(&value)
        .unwrap_or_else(|e| format!("{{\"error\": {:?}}}", e.to_string()));
    s.push('\n');
    s
}

fn markdown(d: &Diff, old: &Baseline, new: &Baseline) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "# Findings diff\n\n{} ({}) → {} ({}): {}.\n",
        code(&old.origin),
        old.kind.label(),
        code(&new.origin),
        new.kind.label(),
        counts(d)
    );
    if let Some(note) = gaps_note(new) {
        let _ = writeln!(o, "> {}\n", text(&note));
    }
    let lists: [(&str, &[Finding]); 3] = [
        ("New", &d.new),
        ("Resolved", &d.resolved),
        ("Unchanged", &d.unchanged),
    ];
    for (name, list) in lists {
        let _ = writeln!(o, "## {name} ({})\n", list.len());
        if list.is_empty() {
            let _ = writeln!(o, "None.\n");
            continue;
        }
        let _ = writeln!(
            o,
            "| Severity | Check | Resource | Fingerprint |\n|---|---|---|---|"
        );
        for f in list {
            let _ = writeln!(
                o,
                "| {} | {} {} | {} | {} |",
                f.severity,
                code(&f.check_id),
                text(&f.title),
                text(&f.resource.display()),
                code(&f.fingerprint)
            );
        }
        o.push('\n');
    }
    o
}
