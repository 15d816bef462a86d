//! `docket suppress import FILE`: Trivy and kubescape ignore files into Docket rules,
//! appended to the rules file (duplicates by id skipped and said). Every entry that could
//! not be mapped is printed with its line in FILE: the importer names entries the way
//! each format does (`line 7: ...`, `misconfigurations[3]: ...`, `policy: resources[1]`),
//! and [`entry_line`] finds that place in the text.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use time::OffsetDateTime;

use super::suppress_cmd::{scope_text, store_error, store_for};
use super::UserError;
use crate::findings::suppress::SuppressionRule;
use crate::findings::suppress_import::{
    import_kubescape, import_trivyignore, import_trivyignore_yaml, ImportFormat,
};
use crate::report::suppressed::expires_text;

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The file to import: .trivyignore, .trivyignore.yaml or a kubescape exceptions JSON.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Its format (auto: by name, then content).
    #[arg(long, value_enum, default_value = "auto")]
    pub format: FormatArg,
    /// Author recorded on the imported rules (default: `import`).
    #[arg(long, value_name = "NAME")]
    pub author: Option<String>,
    /// Print what would be imported and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// The rules file to append to (default: suppressions.toml in the --workspace, else
    /// the config dir).
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Auto,
    Trivyignore,
    TrivyignoreYaml,
    Kubescape,
}

pub fn run(args: &ImportArgs, workspace: Option<&Path>) -> Result<u8, UserError> {
    let origin = args.file.display().to_string();
    let text = std::fs::read_to_string(&args.file).map_err(|e| {
        UserError::usage(format!(
            "cannot read {origin}: {e}; give the path of a .trivyignore, .trivyignore.yaml or kubescape exceptions file"
        ))
    })?;
    let format = match args.format {
        FormatArg::Auto => ImportFormat::detect(&origin, &text),
        FormatArg::Trivyignore => ImportFormat::TrivyIgnore,
        FormatArg::TrivyignoreYaml => ImportFormat::TrivyIgnoreYaml,
        FormatArg::Kubescape => ImportFormat::KubescapeExceptions,
    };
    let now = OffsetDateTime::now_utc();
    let now = now.replace_nanosecond(0).unwrap_or(now);
    let report = match format {
        ImportFormat::TrivyIgnore => Ok(import_trivyignore(&origin, &text, now)),
        ImportFormat::TrivyIgnoreYaml => import_trivyignore_yaml(&origin, &text, now),
        ImportFormat::KubescapeExceptions => import_kubescape(&origin, &text, now),
    }
    .map_err(|e| UserError::usage(e.to_string()))?;
    let mut rules: Vec<SuppressionRule> = Vec::new();
    for mut rule in report.rules {
        if let Some(author) = args.author.as_deref().filter(|a| !a.trim().is_empty()) {
            rule.author = Some(author.trim().to_string());
        }
        rule.id = content_id(&rule);
        if !rules.iter().any(|r| r.id == rule.id) {
            rules.push(rule);
        }
    }

    let store = store_for(args.rules.as_deref(), workspace);
    let target = store.path().display().to_string();
    let (added, skipped): (Vec<&SuppressionRule>, Vec<&SuppressionRule>) = if args.dry_run {
        let existing = store.load().map_err(store_error)?;
        rules.iter().partition(|r| existing.get(&r.id).is_none())
    } else {
        let outcome = store.append(&rules).map_err(store_error)?;
        rules.iter().partition(|r| !outcome.skipped.contains(&r.id))
    };

    let verb = if args.dry_run {
        "Would import"
    } else {
        "Imported"
    };
    println!(
        "{verb} {} rule{} from {origin} ({}) into {target}{}",
        added.len(),
        crate::report::plural(added.len()),
        format_name(format),
        if added.is_empty() { "." } else { ":" }
    );
    for r in &added {
        let stale = if r.is_expired(now) {
            " (already expired: hides nothing)"
        } else {
            ""
        };
        println!(
            "  {}  checks {}; scope {}; expires {}{stale}; reason: {}",
            r.id,
            r.checks.join(", "),
            scope_text(&r.scope),
            expires_text(r),
            r.reason
        );
    }
    if !skipped.is_empty() {
        println!(
            "Skipped {} rule{} already in {target} (same id):",
            skipped.len(),
            crate::report::plural(skipped.len())
        );
        for r in &skipped {
            println!("  {}  checks {}", r.id, r.checks.join(", "));
        }
    }
    if report.unmapped.is_empty() {
        println!("Every entry was mapped.");
    } else {
        println!(
            "Could not map {} entr{} (not imported):",
            report.unmapped.len(),
            if report.unmapped.len() == 1 {
                "y"
            } else {
                "ies"
            }
        );
        let mut located: Vec<(Option<usize>, String, &String)> = report
            .unmapped
            .iter()
            .map(|(entry, why)| {
                let (line, shown) = entry_line(format, &text, entry);
                (line, shown, why)
            })
            .collect();
        // In file order; entries without a line last, in the importer's order.
        located.sort_by_key(|(line, _, _)| line.unwrap_or(usize::MAX));
        for (line, shown, why) in located {
            match line {
                Some(line) => println!("  {origin}:{line}: {shown}: {why}"),
                None => println!("  {origin}: {shown}: {why}"),
            }
        }
    }
    Ok(0)
}

/// The generated id of a rule without its creation time, so the same rule imported or
/// added again later gets the same id and is recognised as a duplicate.
pub(super) fn content_id(rule: &SuppressionRule) -> String {
    let mut timeless = rule.clone();
    timeless.created = None;
    timeless.generated_id()
}

fn format_name(format: ImportFormat) -> &'static str {
    match format {
        ImportFormat::TrivyIgnore => "trivyignore",
        ImportFormat::TrivyIgnoreYaml => "trivyignore-yaml",
        ImportFormat::KubescapeExceptions => "kubescape",
    }
}

/// The 1-based line of an unmapped entry in the imported text, and the entry as shown
/// after it (without a `line N: ` prefix the line number replaces).
pub fn entry_line(format: ImportFormat, text: &str, entry: &str) -> (Option<usize>, String) {
    match format {
        ImportFormat::TrivyIgnore => {
            let parsed = entry.strip_prefix("line ").and_then(|rest| {
                let (n, shown) = rest.split_once(": ")?;
                Some((n.parse().ok()?, shown.to_string()))
            });
            match parsed {
                Some((n, shown)) => (Some(n), shown),
                None => (None, entry.to_string()),
            }
        }
        ImportFormat::TrivyIgnoreYaml => (yaml_entry_line(text, entry), entry.to_string()),
        ImportFormat::KubescapeExceptions => (kubescape_entry_line(text, entry), entry.to_string()),
    }
}

/// `section[index]: id` (or `section`) -> the line of that list item (or section key) in a
/// block-style YAML mapping of lists.
fn yaml_entry_line(text: &str, entry: &str) -> Option<usize> {
    let head = entry.split(": ").next().unwrap_or(entry);
    let (section, index) = match head.split_once('[') {
        Some((s, rest)) => (s, Some(rest.strip_suffix(']')?.parse::<usize>().ok()?)),
        None => (head, None),
    };
    let lines: Vec<&str> = text.lines().collect();
    let key = format!("{section}:");
    let start = lines.iter().position(|l| l.starts_with(&key))?;
    let Some(index) = index else {
        return Some(start + 1);
    };
    let mut item_indent = None;
    let mut seen = 0;
    for (i, line) in lines.iter().enumerate().skip(start + 1) {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = line.len() - trimmed.len();
        if indent == 0 && !trimmed.starts_with('-') {
            break;
        }
        if trimmed == "-" || trimmed.starts_with("- ") {
            if *item_indent.get_or_insert(indent) != indent {
                continue;
            }
            if seen == index {
                return Some(i + 1);
            }
            seen += 1;
        }
    }
    None
}

/// `policy`, `policy: resources[i]`, `policy: C-0999` or `policy: framework NSA` -> the
/// line of the policy's `"name"`, or of the resource / control / framework after it.
fn kubescape_entry_line(text: &str, entry: &str) -> Option<usize> {
    let lines: Vec<&str> = text.lines().collect();
    // (line index, name) of every `"name": "..."`; the longest name the entry starts with
    // is the policy's.
    let pattern = regex::Regex::new(r#""name"\s*:\s*"((?:[^"\\]|\\.)*)""#).ok()?;
    let mut best: Option<(usize, &str)> = None;
    for (i, line) in lines.iter().enumerate() {
        for cap in pattern.captures_iter(line) {
            let Some(name) = cap.get(1).map(|m| m.as_str()) else {
                continue;
            };
            let fits = entry == name || entry.starts_with(&format!("{name}: "));
            if fits && best.is_none_or(|(_, b)| name.len() > b.len()) {
                best = Some((i, name));
            }
        }
    }
    let (at, name) = best?;
    let Some(rest) = entry.strip_prefix(name).and_then(|r| r.strip_prefix(": ")) else {
        return Some(at + 1);
    };
    let after = || lines.iter().enumerate().skip(at);
    let found = if let Some(i) = rest
        .strip_prefix("resources[")
        .and_then(|r| r.strip_suffix(']'))
        .and_then(|n| n.parse::<usize>().ok())
    {
        after()
            .filter(|(_, l)| l.contains("\"designatorType\""))
            .nth(i)
    } else if let Some(fw) = rest.strip_prefix("framework ") {
        let quoted = format!("\"{fw}\"");
        after().find(|(_, l)| l.contains("\"frameworkName\"") && l.contains(&quoted))
    } else {
        let quoted = format!("\"{rest}\"");
        after().find(|(_, l)| l.contains(&quoted))
    };
    Some(found.map_or(at, |(i, _)| i) + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_items_are_counted_per_section_skipping_nested_lists() {
        let text = "# c\nmisconfigurations:\n  - id: A\n    paths:\n      - x\n  - id: B\n\nsecrets:\n- id: C\n";
        let line = |e: &str| yaml_entry_line(text, e);
        assert_eq!(line("misconfigurations[0]: A"), Some(3));
        assert_eq!(line("misconfigurations[1]: B"), Some(6));
        assert_eq!(line("misconfigurations[2]: Z"), None);
        assert_eq!(line("secrets[0]: C"), Some(9));
        assert_eq!(line("secrets"), Some(8));
        assert_eq!(line("licenses[0]: GPL"), None);
    }

    #[test]
    fn kubescape_entries_point_at_their_policy_and_part() {
        let text = "[\n {\n  \"name\": \"p\",\n  \"resources\": [\n   {\"designatorType\": \"A\"},\n   {\"designatorType\": \"B\"}\n  ],\n  \"posturePolicies\": [{\"controlID\": \"C-1\"}, {\"frameworkName\": \"NSA\"}]\n },\n {\"name\": \"p: q\"}\n]\n";
        let line = |e: &str| kubescape_entry_line(text, e);
        assert_eq!(line("p"), Some(3));
        assert_eq!(line("p: resources[1]"), Some(6));
        assert_eq!(line("p: C-1"), Some(8));
        assert_eq!(line("p: framework NSA"), Some(8));
        assert_eq!(line("p: q"), Some(10), "the longest matching name wins");
        assert_eq!(line("exception #3"), None);
    }
}
