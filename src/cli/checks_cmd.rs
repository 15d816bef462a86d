//! `docket checks list` and `docket checks show ID`.

use clap::Subcommand;
use std::fmt::Write;

use super::{output, UserError};
use crate::checks::{catalog, find, manual::MANUAL, Check, Framework};

#[derive(Debug, Subcommand)]
pub enum ChecksCmd {
    /// List the catalog: id, severity, family, title, cross-references.
    List {
        /// Only checks that serve this framework (gdpr, pci, hipaa, soc2, nist-800-190,
        /// cis-docker, pss).
        #[arg(long)]
        framework: Option<String>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Show one check in full: rationale, remediation, references, controls.
    Show { id: String },
}

pub fn run(cmd: &ChecksCmd) -> Result<u8, UserError> {
    match cmd {
        ChecksCmd::List { framework, json } => {
            let fw = framework.as_deref().map(parse_framework).transpose()?;
            let checks: Vec<&Check> = catalog()
                .iter()
                .filter(|c| fw.is_none_or(|f| c.serves(f)))
                .collect();
            let text = if *json {
                list_json(&checks)?
            } else {
                list_table(&checks)
            };
            output::emit(&text, None)?;
            Ok(0)
        }
        ChecksCmd::Show { id } => {
            let check = find(id).ok_or_else(|| {
                UserError::usage(format!(
                    "no check with id {id:?}; `docket checks list` shows the catalog"
                ))
            })?;
            output::emit(&show(check), None)?;
            Ok(0)
        }
    }
}

pub fn parse_framework(s: &str) -> Result<Framework, UserError> {
    Framework::parse(s).ok_or_else(|| {
        let names: Vec<&str> = Framework::ALL.iter().map(|f| f.slug()).collect();
        UserError::usage(format!(
            "unknown framework {s:?}; use one of: {}",
            names.join(", ")
        ))
    })
}

fn list_table(checks: &[&Check]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{:<7} {:<8} {:<26} TITLE  [REFERENCES]",
        "ID", "SEVERITY", "FAMILY"
    );
    for c in checks {
        let _ = writeln!(
            s,
            "{:<7} {:<8} {:<26} {}  [{}]",
            c.id,
            c.severity.as_str(),
            c.family.label(),
            c.title,
            c.refs.join("; ")
        );
    }
    let _ = writeln!(
        s,
        "\n{} checks; {} benchmark items need host access and are reported as manual.",
        checks.len(),
        MANUAL.len()
    );
    s
}

fn list_json(checks: &[&Check]) -> Result<String, UserError> {
    let items: Vec<serde_json::Value> = checks.iter().map(|c| check_json(c)).collect();
    serde_json::to_string_pretty(&items)
        .map_err(|e| UserError::usage(format!("cannot serialize the catalog: {e}")))
}

fn check_json(c: &Check) -> serde_json::Value {
    serde_json::json!({
        "id": c.id,
        "title": c.title,
        "family": c.family,
        "severity": c.severity,
        "rationale": c.rationale,
        "remediation": c.remediation,
        "refs": c.refs,
        "controls": c.controls.iter().map(|k| serde_json::json!({
            "framework": k.framework.name(), "id": k.id, "title": k.title
        })).collect::<Vec<_>>(),
        "needs": c.needs,
    })
}

fn show(c: &Check) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{}  {}", c.id, c.title);
    let _ = writeln!(s, "severity:    {}", c.severity);
    let _ = writeln!(s, "family:      {}", c.family.label());
    let _ = writeln!(s, "references:  {}", c.refs.join("; "));
    let needs: Vec<&str> = c.needs.iter().map(|n| n.label()).collect();
    let _ = writeln!(s, "reads:       {}", needs.join(", "));
    let _ = writeln!(s, "\nWhy it matters\n  {}", c.rationale);
    let _ = writeln!(s, "\nHow to fix\n  {}", c.remediation);
    let _ = writeln!(s, "\nCompliance controls");
    for k in c.controls {
        let _ = writeln!(s, "  {:<20} {:<22} {}", k.framework.name(), k.id, k.title);
    }
    s
}
