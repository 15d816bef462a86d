//! Suppression rules in the workbench: evaluated after every scan (which finding each rule
//! hides, expired and unused rules), a rule written from a finding (narrow scope, pre-filled
//! TOML in the editor), edit and delete from the rules view, and the findings a rule
//! matches. Every change is recorded in the session log and saved by the runtime.

use super::dialog::{Dialog, DialogKind, Field};
use super::{App, ResourceFilter, Route};
use crate::findings::suppress::{narrow_rule_for, RuleSet, SnapshotContext};
use crate::session::{Event, SuppressionAction};
use crate::tui::msg::Effect;

/// How long a new rule lasts unless the operator changes `expires` in the editor.
const DEFAULT_RULE_DAYS: i64 = 90;

/// Keys the new-rule form asks for in fields of their own.
const FORM_KEYS: [&str; 5] = [
    "id = ",
    "reason = ",
    "author = ",
    "created = ",
    "expires = ",
];

const EDITOR_HINT: &str = "reason is required; [rule.scope] keys: source context namespace \
                           workload container image labels";

impl App {
    /// Evaluate the rules against the current findings (after the operator changed
    /// them); rules that expired since the session started are recorded once.
    pub(super) fn evaluate_rules(&mut self) -> Vec<Effect> {
        let Some(bench) = &self.data else {
            return Vec::new();
        };
        let now = (self.clock)();
        let ctx = SnapshotContext::new(&bench.snapshot);
        let evaluation = self.rules.evaluate(&bench.scan.findings, &ctx, now);
        let hides = crate::tui::settle::hides(&evaluation);
        let effects = self.set_evaluation(evaluation, hides);
        self.refresh_states();
        effects
    }

    /// The TOML of one rule, for the log and the editor.
    pub(super) fn rule_text(&self, id: &str) -> String {
        let one = RuleSet {
            rules: self.rules.get(id).cloned().into_iter().collect(),
        };
        one.to_toml().unwrap_or_default()
    }

    pub(super) fn toggle_suppressed(&mut self) {
        self.show_suppressed = !self.show_suppressed;
        let hidden = self.evaluation.suppressed.len();
        self.refresh_findings();
        self.say(if self.show_suppressed {
            format!("showing {hidden} suppressed findings (state: suppressed)")
        } else {
            format!("{hidden} suppressed findings hidden; S shows them")
        });
    }

    /// Open the editor on the narrowest rule for the selected finding.
    pub(super) fn suppress_selected(&mut self) {
        let targets = self.triage_targets();
        let (Some(&index), Some(bench)) = (targets.first(), &self.data) else {
            self.say("select a finding to write a suppression rule for".into());
            return;
        };
        let Some(finding) = bench.scan.findings.get(index) else {
            return;
        };
        let now = (self.clock)();
        let ctx = SnapshotContext::new(&bench.snapshot);
        let rule = narrow_rule_for(finding, &ctx, &self.operator, "", now);
        let text = RuleSet { rules: vec![rule] }.to_toml().unwrap_or_default();
        // Reason, expiry and author have their own fields; no id: the file generates one
        // from the final content.
        let text: String = text
            .lines()
            .filter(|l| !FORM_KEYS.iter().any(|k| l.starts_with(k)))
            .map(|l| format!("{l}\n"))
            .collect();
        let mut subject = self.subject(&[index]);
        if targets.len() > 1 {
            subject.push(
                "(the rule is written for this finding; widen the scope to cover more)".into(),
            );
        }
        self.dialog = Some(
            Dialog::new(
                DialogKind::Rule { editing: None },
                "New suppression rule",
                subject,
            )
            .with(Field::text(
                "reason",
                "required: why these findings are accepted",
                "",
            ))
            .with(Field::line(
                "expires",
                "2027-03-31, 30d, 12w, an RFC 3339 time, or empty for never",
                &format!("{DEFAULT_RULE_DAYS}d"),
            ))
            .with(Field::text("rule", EDITOR_HINT, &text)),
        );
    }

    /// The rule selected in the rules view.
    pub(super) fn selected_rule(&self) -> Option<String> {
        self.rules
            .rules
            .get(self.list_selected)
            .map(|r| r.id.clone())
    }

    pub(super) fn edit_rule(&mut self) {
        let Some(id) = self.selected_rule() else {
            self.say("no rule selected".into());
            return;
        };
        let text = self.rule_text(&id);
        self.dialog = Some(
            Dialog::new(
                DialogKind::Rule {
                    editing: Some(id.clone()),
                },
                format!("Edit rule {id}"),
                vec![format!("rules file: {}", self.rules_origin())],
            )
            .with(Field::text("rule", EDITOR_HINT, &text)),
        );
    }

    pub(super) fn delete_rule(&mut self) {
        let Some(id) = self.selected_rule() else {
            self.say("no rule selected".into());
            return;
        };
        let matches = self.evaluation.matches.get(&id).map_or(0, Vec::len);
        self.dialog = Some(
            Dialog::new(
                DialogKind::DeleteRule { id: id.clone() },
                format!("Delete rule {id}?"),
                vec![
                    format!("it matches {matches} finding(s) of this scan; they will show again"),
                    format!("type the rule id ({id}) and press enter"),
                ],
            )
            .with(Field::line("rule id", "esc cancels", "")),
        );
    }

    fn rules_origin(&self) -> String {
        self.rules_path
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "suppressions.toml".into())
    }

    /// A rule editor or delete confirmation was submitted.
    pub(super) fn submit_rule(&mut self, mut dialog: Dialog) -> Vec<Effect> {
        match dialog.kind.clone() {
            DialogKind::DeleteRule { id } => {
                if dialog.value(0).trim() != id {
                    dialog.error = Some(format!("type {id} exactly to delete it"));
                    self.dialog = Some(dialog);
                    return Vec::new();
                }
                let text = self.rule_text(&id);
                self.rules.rules.retain(|r| r.id != id);
                self.list_selected = self
                    .list_selected
                    .min(self.rules.rules.len().saturating_sub(1));
                self.say(format!("rule {id} deleted"));
                self.rules_changed(SuppressionAction::Deleted, id, text)
            }
            DialogKind::Rule { editing } => {
                let text = match &editing {
                    Some(_) => dialog.value(0),
                    None => match self.new_rule_text(&dialog) {
                        Ok(t) => t,
                        Err(e) => {
                            dialog.error = Some(e);
                            self.dialog = Some(dialog);
                            return Vec::new();
                        }
                    },
                };
                let parsed = match RuleSet::from_toml(&text, "rule editor") {
                    Ok(set) if set.rules.len() == 1 => set,
                    Ok(set) => {
                        dialog.error = Some(format!(
                            "the editor holds {} rules: write exactly one [[rule]]",
                            set.rules.len()
                        ));
                        self.dialog = Some(dialog);
                        return Vec::new();
                    }
                    Err(e) => {
                        dialog.error = Some(e.to_string());
                        self.dialog = Some(dialog);
                        return Vec::new();
                    }
                };
                let Some(rule) = parsed.rules.into_iter().next() else {
                    return Vec::new();
                };
                let id = rule.id.clone();
                let mut next = self.rules.clone();
                let action = match &editing {
                    Some(old) => {
                        match next.rules.iter_mut().find(|r| &r.id == old) {
                            Some(slot) => *slot = rule,
                            None => next.rules.push(rule),
                        }
                        SuppressionAction::Edited
                    }
                    None => {
                        if let Err(e) = next.push(rule) {
                            dialog.error = Some(e);
                            self.dialog = Some(dialog);
                            return Vec::new();
                        }
                        SuppressionAction::Created
                    }
                };
                let duplicate = next.rules.iter().filter(|r| r.id == id).count() > 1;
                if duplicate {
                    dialog.error = Some(format!("another rule already has the id {id}"));
                    self.dialog = Some(dialog);
                    return Vec::new();
                }
                self.rules = next;
                let text = self.rule_text(&id);
                let effects = self.rules_changed(action, id.clone(), text);
                let hidden = self.evaluation.matches.get(&id).map_or(0, Vec::len);
                self.say(format!(
                    "rule {id} {}: matches {hidden} finding(s)",
                    if editing.is_some() {
                        "saved"
                    } else {
                        "created"
                    }
                ));
                effects
            }
            _ => Vec::new(),
        }
    }

    /// The TOML of a new rule: the editor's checks and scope with the form's reason,
    /// expiry, author and creation time put in (TOML-quoted).
    fn new_rule_text(&self, dialog: &Dialog) -> Result<String, String> {
        let now = (self.clock)();
        let quote = |s: &str| toml::Value::String(s.to_string()).to_string();
        let mut extra = format!(
            "reason = {}\nauthor = {}\ncreated = {}\n",
            quote(dialog.value(0).trim()),
            quote(&self.operator),
            quote(&crate::findings::triage::timestamp(now)),
        );
        let expires = dialog.value(1);
        if !expires.trim().is_empty() {
            let at = super::triage::parse_expiry(&expires, now)?;
            extra.push_str(&format!("expires = {}\n", quote(&at)));
        }
        let body = dialog.value(2);
        match body.find("[[rule]]") {
            Some(i) => {
                let split = i + "[[rule]]".len();
                Ok(format!(
                    "{}\n{extra}{}",
                    &body[..split],
                    body[split..].trim_start_matches('\n')
                ))
            }
            None => Err("the rule text must start with [[rule]]".into()),
        }
    }

    /// Record, save, and re-evaluate after a change to the rules.
    fn rules_changed(
        &mut self,
        action: SuppressionAction,
        id: String,
        text: String,
    ) -> Vec<Effect> {
        let mut effects = vec![
            Effect::Record(Event::Suppression {
                action,
                rule_id: id,
                rule: text,
            }),
            Effect::SaveRules(Box::new(self.rules.clone())),
        ];
        effects.extend(self.evaluate_rules());
        effects
    }

    /// Enter on a rule: the findings it matches (suppressed or not), as a table.
    pub(super) fn rule_matches(&mut self) {
        let (Some(id), Some(bench)) = (self.selected_rule(), &self.data) else {
            return;
        };
        let wanted: std::collections::HashSet<&str> = self
            .evaluation
            .matches
            .get(&id)
            .map(|v| v.iter().map(String::as_str).collect())
            .unwrap_or_default();
        let findings = bench
            .scan
            .findings
            .iter()
            .enumerate()
            .filter(|(_, f)| wanted.contains(f.fingerprint.as_str()))
            .map(|(i, _)| i)
            .collect();
        self.show_suppressed = true;
        self.routes.push(Route::Findings {
            resource: Some(ResourceFilter {
                label: format!("rule {id}"),
                findings,
            }),
        });
        self.refresh_findings();
    }
}
