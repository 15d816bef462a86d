//! Modal dialogs: the triage forms (reason and expiry, false positive, note, owner), the
//! suppression rule editor and the confirmations. Each field is a `ratatui-textarea`
//! (multi-line where the text is), so editing works as operators expect: arrows, home/end,
//! ctrl-w, ctrl-u, undo. The dialog only edits text; what a submitted dialog does is
//! decided in `triage.rs` / `rules.rs` from its [`DialogKind`].

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::TextArea;

/// What the dialog is for, and what it acts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DialogKind {
    /// Risk accepted: reason and expiry. `targets` are finding indices.
    RiskAccept { targets: Vec<usize> },
    /// False positive: reason.
    FalsePositive { targets: Vec<usize> },
    /// A note (multi-line).
    Note { targets: Vec<usize> },
    /// The owner (one line; empty clears).
    Owner { targets: Vec<usize> },
    /// A suppression rule as TOML: a new one (`editing: None`) or an edit of rule `id`.
    Rule { editing: Option<String> },
    /// Delete rule `id`: the operator types the id.
    DeleteRule { id: String },
    /// Apply a remediation change: the operator types the object's name.
    Apply {
        finding: usize,
        /// The object as the confirmation names it, which must be typed back.
        object: String,
    },
}

/// One text field.
pub struct Field {
    pub label: &'static str,
    /// Shown under the field: accepted formats, what happens when empty.
    pub hint: String,
    pub area: TextArea<'static>,
    pub multiline: bool,
}

impl Field {
    pub fn line(label: &'static str, hint: impl Into<String>, text: &str) -> Field {
        Field::new(label, hint, text, false)
    }

    pub fn text(label: &'static str, hint: impl Into<String>, text: &str) -> Field {
        Field::new(label, hint, text, true)
    }

    fn new(label: &'static str, hint: impl Into<String>, text: &str, multiline: bool) -> Field {
        let lines: Vec<String> = if text.is_empty() {
            vec![String::new()]
        } else {
            text.lines().map(str::to_string).collect()
        };
        let mut area = TextArea::new(lines);
        // A line starts at its end, ready to type; a text box at its top, so the whole of
        // a pre-filled text (a rule) is in view.
        if !multiline {
            area.move_cursor(ratatui_textarea::CursorMove::End);
        }
        Field {
            label,
            hint: hint.into(),
            area,
            multiline,
        }
    }

    /// The text as typed (lines joined with `\n`).
    pub fn value(&self) -> String {
        self.area.lines().join("\n")
    }
}

pub struct Dialog {
    pub kind: DialogKind,
    pub title: String,
    /// What the dialog acts on, in words ("KW-001 on Deployment shop/web [web]").
    pub subject: Vec<String>,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// Why the last submit was refused; the dialog stays open with the text kept.
    pub error: Option<String>,
}

/// What a key did to the dialog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialogKey {
    Edited,
    Submit,
    Cancel,
}

impl Dialog {
    pub fn new(kind: DialogKind, title: impl Into<String>, subject: Vec<String>) -> Dialog {
        Dialog {
            kind,
            title: title.into(),
            subject,
            fields: Vec::new(),
            focus: 0,
            error: None,
        }
    }

    pub fn with(mut self, field: Field) -> Dialog {
        self.fields.push(field);
        self
    }

    /// The value of field `i` (empty when there is none).
    pub fn value(&self, i: usize) -> String {
        self.fields.get(i).map(Field::value).unwrap_or_default()
    }

    /// Keys: esc cancels, tab / shift-tab move between fields, ctrl-s submits, enter submits
    /// from a one-line field (and is a new line in a multi-line one); everything else edits.
    pub fn key(&mut self, key: KeyEvent) -> DialogKey {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Esc => return DialogKey::Cancel,
            KeyCode::Char('s') if ctrl => return DialogKey::Submit,
            KeyCode::Tab if !self.fields.is_empty() => {
                self.focus = (self.focus + 1) % self.fields.len();
                return DialogKey::Edited;
            }
            KeyCode::BackTab if !self.fields.is_empty() => {
                self.focus = (self.focus + self.fields.len() - 1) % self.fields.len();
                return DialogKey::Edited;
            }
            KeyCode::Enter => {
                let multiline = self.fields.get(self.focus).is_some_and(|f| f.multiline);
                if !multiline || ctrl || key.modifiers.contains(KeyModifiers::ALT) {
                    return DialogKey::Submit;
                }
            }
            _ => {}
        }
        if let Some(f) = self.fields.get_mut(self.focus) {
            f.area.input(key);
            self.error = None;
        }
        DialogKey::Edited
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn typed(d: &mut Dialog, text: &str) {
        for c in text.chars() {
            let code = if c == '\n' {
                KeyCode::Enter
            } else {
                KeyCode::Char(c)
            };
            d.key(key(code));
        }
    }

    fn form() -> Dialog {
        Dialog::new(DialogKind::Note { targets: vec![1] }, "note", Vec::new())
            .with(Field::line("owner", "", "al"))
            .with(Field::text("note", "", ""))
    }

    #[test]
    fn typing_goes_to_the_focused_field_and_tab_moves() {
        let mut d = form();
        typed(&mut d, "ice");
        assert_eq!(d.value(0), "alice");
        assert_eq!(d.key(key(KeyCode::Tab)), DialogKey::Edited);
        typed(&mut d, "line one\nline two");
        assert_eq!(d.value(1), "line one\nline two");
        assert_eq!(d.key(key(KeyCode::BackTab)), DialogKey::Edited);
        assert_eq!(d.focus, 0);
    }

    #[test]
    fn enter_submits_a_one_line_field_ctrl_s_submits_any_esc_cancels() {
        let mut d = form();
        assert_eq!(d.key(key(KeyCode::Enter)), DialogKey::Submit);
        d.key(key(KeyCode::Tab));
        assert_eq!(d.key(key(KeyCode::Enter)), DialogKey::Edited);
        assert_eq!(
            d.key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)),
            DialogKey::Submit
        );
        assert_eq!(d.key(key(KeyCode::Esc)), DialogKey::Cancel);
    }

    #[test]
    fn editing_clears_the_last_error() {
        let mut d = form();
        d.error = Some("reason required".into());
        typed(&mut d, "x");
        assert_eq!(d.error, None);
    }
}
