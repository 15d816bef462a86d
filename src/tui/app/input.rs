//! The two input lines: `:` (commands, with aliases and Tab completion) and `/` (the live
//! filter of the current table). Pure: editing, parsing, completion.

use crate::tui::rows::InventoryTab;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    Palette,
    Filter,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub kind: InputKind,
    pub text: String,
    /// Cursor position in chars.
    pub cursor: usize,
    /// The filter before editing started, restored by Esc.
    pub before: String,
}

impl Input {
    pub fn new(kind: InputKind, text: &str) -> Input {
        Input {
            kind,
            text: text.to_string(),
            cursor: text.chars().count(),
            before: text.to_string(),
        }
    }

    fn byte_at(&self, chars: usize) -> usize {
        self.text
            .char_indices()
            .nth(chars)
            .map_or(self.text.len(), |(i, _)| i)
    }

    pub fn insert(&mut self, c: char) {
        let at = self.byte_at(self.cursor);
        self.text.insert(at, c);
        self.cursor += 1;
    }

    pub fn backspace(&mut self) {
        if self.cursor > 0 {
            self.cursor -= 1;
            let at = self.byte_at(self.cursor);
            self.text.remove(at);
        }
    }

    pub fn delete(&mut self) {
        if self.cursor < self.text.chars().count() {
            let at = self.byte_at(self.cursor);
            self.text.remove(at);
        }
    }

    pub fn left(&mut self) {
        self.cursor = self.cursor.saturating_sub(1);
    }

    pub fn right(&mut self) {
        self.cursor = (self.cursor + 1).min(self.text.chars().count());
    }

    pub fn home(&mut self) {
        self.cursor = 0;
    }

    pub fn end(&mut self) {
        self.cursor = self.text.chars().count();
    }

    /// ctrl-w: delete the word before the cursor.
    pub fn delete_word(&mut self) {
        while self.cursor > 0 && self.char_before().is_some_and(char::is_whitespace) {
            self.backspace();
        }
        while self.cursor > 0 && self.char_before().is_some_and(|c| !c.is_whitespace()) {
            self.backspace();
        }
    }

    pub fn clear(&mut self) {
        self.text.clear();
        self.cursor = 0;
    }

    fn char_before(&self) -> Option<char> {
        self.text.chars().nth(self.cursor.checked_sub(1)?)
    }

    /// Tab in the palette: complete the command (or its argument) as far as it is unique.
    pub fn complete(&mut self) -> Vec<&'static str> {
        let (done, candidates) = complete(&self.text);
        if let Some(text) = done {
            self.text = text;
            self.end();
        }
        candidates
    }
}

/// A palette command: its name, aliases, argument and what it does (for help and completion).
pub struct Command {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub arg: &'static str,
    pub desc: &'static str,
}

pub const COMMANDS: &[Command] = &[
    Command {
        name: "overview",
        aliases: &["o", "home", "dash"],
        arg: "",
        desc: "the overview dashboard",
    },
    Command {
        name: "inventory",
        aliases: &["inv"],
        arg: "",
        desc: "the inventory tables",
    },
    Command {
        name: "hosts",
        aliases: &["host", "nodes", "no"],
        arg: "",
        desc: "Docker hosts",
    },
    Command {
        name: "images",
        aliases: &["image", "img"],
        arg: "",
        desc: "container images",
    },
    Command {
        name: "containers",
        aliases: &["container", "co"],
        arg: "",
        desc: "Docker containers",
    },
    Command {
        name: "workloads",
        aliases: &["workload", "wl", "pods", "po", "deploy", "deployments"],
        arg: "",
        desc: "Kubernetes workloads",
    },
    Command {
        name: "namespaces",
        aliases: &["namespace", "ns"],
        arg: "",
        desc: "Kubernetes namespaces",
    },
    Command {
        name: "findings",
        aliases: &["finding", "fi", "f"],
        arg: "[FILTER]",
        desc: "the findings table, optionally filtered",
    },
    Command {
        name: "checks",
        aliases: &["check", "ck"],
        arg: "",
        desc: "the check catalog",
    },
    Command {
        name: "rules",
        aliases: &["suppressions", "sup", "suppress"],
        arg: "",
        desc: "suppression rules: status, matches, edit, delete",
    },
    Command {
        name: "log",
        aliases: &["session", "audit"],
        arg: "",
        desc: "this session's log, read back and verified",
    },
    Command {
        name: "dpia",
        aliases: &["register", "privacy", "gdpr"],
        arg: "",
        desc: "DPIA register: data stores, who can reach them, failing measures",
    },
    Command {
        name: "scan",
        aliases: &["rescan", "refresh"],
        arg: "",
        desc: "rescan every source",
    },
    Command {
        name: "cancel",
        aliases: &[],
        arg: "",
        desc: "cancel the running scan",
    },
    Command {
        name: "ctx",
        aliases: &["context"],
        arg: "NAME",
        desc: "rescan with another kube context",
    },
    Command {
        name: "export",
        aliases: &["save"],
        arg: "[csv|md|json] | session [md|html|json|csv]",
        desc: "export the current view, or the whole session with the log's head hash",
    },
    Command {
        name: "help",
        aliases: &["h", "?"],
        arg: "",
        desc: "the key bindings",
    },
    Command {
        name: "quit",
        aliases: &["q", "q!", "exit"],
        arg: "",
        desc: "quit Docket",
    },
];

/// Export formats `:export` takes.
pub const EXPORT_FORMATS: &[&str] = &["csv", "md", "json"];

/// What a palette line means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    Overview,
    Inventory(Option<InventoryTab>),
    Findings(Option<String>),
    Checks,
    Rules,
    Log,
    Dpia,
    Scan,
    Cancel,
    Context(String),
    Export(String),
    /// The whole session (triage, suppressions, remediations, coverage) with the log's head.
    ExportSession(String),
    Help,
    Quit,
}

/// Parse a palette line; an error says what is wrong and what exists.
pub fn parse(line: &str) -> Result<Parsed, String> {
    let line = line.trim().trim_start_matches(':');
    let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
    let rest = rest.trim();
    let Some(cmd) = lookup(word) else {
        return Err(format!(
            "unknown command {word:?}; Tab completes, :help lists the keys"
        ));
    };
    let arg = (!rest.is_empty()).then(|| rest.to_string());
    Ok(match cmd.name {
        "overview" => Parsed::Overview,
        "inventory" => Parsed::Inventory(None),
        "hosts" => Parsed::Inventory(Some(InventoryTab::Hosts)),
        "images" => Parsed::Inventory(Some(InventoryTab::Images)),
        "containers" => Parsed::Inventory(Some(InventoryTab::Containers)),
        "workloads" => Parsed::Inventory(Some(InventoryTab::Workloads)),
        "namespaces" => Parsed::Inventory(Some(InventoryTab::Namespaces)),
        "findings" => Parsed::Findings(arg),
        "checks" => Parsed::Checks,
        "rules" => Parsed::Rules,
        "log" => Parsed::Log,
        "dpia" => Parsed::Dpia,
        "scan" => Parsed::Scan,
        "cancel" => Parsed::Cancel,
        "ctx" => match arg {
            Some(name) => Parsed::Context(name),
            None => return Err(":ctx needs a context name (kubectl config get-contexts)".into()),
        },
        "export" if arg.as_deref().is_some_and(|a| a.starts_with("session")) => {
            let f = arg
                .as_deref()
                .and_then(|a| a.strip_prefix("session"))
                .map(str::trim)
                .filter(|f| !f.is_empty())
                .unwrap_or("md");
            if crate::report::session::SessionFormat::parse(f).is_none() {
                return Err(format!(
                    "export session as {f}? use one of: md, html, json, csv"
                ));
            }
            Parsed::ExportSession(f.to_string())
        }
        "export" => {
            let f = arg.unwrap_or_else(|| "csv".to_string());
            if !EXPORT_FORMATS.contains(&f.as_str()) {
                return Err(format!(
                    "export to {f}? use one of: {}",
                    EXPORT_FORMATS.join(", ")
                ));
            }
            Parsed::Export(f)
        }
        "help" => Parsed::Help,
        _ => Parsed::Quit,
    })
}

fn lookup(word: &str) -> Option<&'static Command> {
    let w = word.to_ascii_lowercase();
    COMMANDS
        .iter()
        .find(|c| c.name == w || c.aliases.contains(&w.as_str()))
}

/// Complete `line`: the new text when it grew, and the candidates (for the hint line).
pub fn complete(line: &str) -> (Option<String>, Vec<&'static str>) {
    let (word, rest) = match line.split_once(' ') {
        Some((w, r)) => (w, Some(r)),
        None => (line, None),
    };
    let candidates: Vec<&'static str> = match rest {
        None => COMMANDS
            .iter()
            .map(|c| c.name)
            .filter(|n| n.starts_with(&word.to_ascii_lowercase()))
            .collect(),
        Some(arg) if lookup(word).is_some_and(|c| c.name == "export") => EXPORT_FORMATS
            .iter()
            .copied()
            .filter(|f| f.starts_with(arg.trim()))
            .collect(),
        Some(_) => Vec::new(),
    };
    let prefix = common_prefix(&candidates);
    let typed = rest.map_or(word, |r| r.trim());
    let grown = match (candidates.len(), rest) {
        (0, _) => None,
        (1, None) => Some(format!("{} ", candidates[0])),
        (1, Some(_)) => Some(format!("{word} {}", candidates[0])),
        (_, None) if prefix.len() > typed.len() => Some(prefix.to_string()),
        (_, Some(_)) if prefix.len() > typed.len() => Some(format!("{word} {prefix}")),
        _ => None,
    };
    (grown, candidates)
}

fn common_prefix<'a>(words: &[&'a str]) -> &'a str {
    let Some(first) = words.first() else {
        return "";
    };
    let mut len = first.len();
    for w in &words[1..] {
        len = first
            .bytes()
            .zip(w.bytes())
            .take(len)
            .take_while(|(a, b)| a == b)
            .count();
    }
    &first[..len]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_and_arguments_parse() {
        assert_eq!(
            parse("ns"),
            Ok(Parsed::Inventory(Some(InventoryTab::Namespaces)))
        );
        assert_eq!(
            parse(":co"),
            Ok(Parsed::Inventory(Some(InventoryTab::Containers)))
        );
        assert_eq!(parse("q"), Ok(Parsed::Quit));
        assert_eq!(
            parse("findings sev:high ns:prod"),
            Ok(Parsed::Findings(Some("sev:high ns:prod".into())))
        );
        assert_eq!(parse("ctx prod-eu"), Ok(Parsed::Context("prod-eu".into())));
        assert_eq!(parse("export md"), Ok(Parsed::Export("md".into())));
        assert_eq!(parse("export"), Ok(Parsed::Export("csv".into())));
        assert!(parse("export pdf").unwrap_err().contains("csv, md, json"));
        assert!(parse("ctx").is_err());
        assert!(parse("frobnicate").unwrap_err().contains("unknown command"));
    }

    #[test]
    fn tab_completes_commands_and_export_formats() {
        assert_eq!(
            complete("wo"),
            (Some("workloads ".into()), vec!["workloads"])
        );
        let (grown, c) = complete("c");
        assert_eq!(
            grown, None,
            "containers, checks, cancel, ctx share only 'c'"
        );
        assert_eq!(c.len(), 4);
        assert_eq!(complete("ch").0, Some("checks ".into()));
        assert_eq!(complete("export m").0, Some("export md".into()));
        assert_eq!(complete("zz"), (None, vec![]));
    }

    #[test]
    fn editing_handles_unicode_and_words() {
        let mut i = Input::new(InputKind::Filter, "ns:prod");
        i.insert(' ');
        for c in "café".chars() {
            i.insert(c);
        }
        assert_eq!(i.text, "ns:prod café");
        i.left();
        i.backspace();
        assert_eq!(i.text, "ns:prod caé");
        i.end();
        i.delete_word();
        assert_eq!(i.text, "ns:prod ");
        i.home();
        i.delete();
        assert_eq!(i.text, "s:prod ");
        assert_eq!(i.before, "ns:prod");
    }
}
