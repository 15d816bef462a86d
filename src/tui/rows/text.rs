//! The lowercase search text of one row, built once per scan: the visible columns joined
//! by newlines (what bare filter terms search), then hidden field values, with the byte
//! span of every field and column so field terms and sort keys are slices, not copies.

use crate::tui::query::{fold_case_into, Field};

/// Byte range in a row's search text. `u16` keeps 150,000 rows small; a value that would
/// go past 64 KiB is cut (no real name, title or image reference is that long).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    start: u16,
    end: u16,
}

impl Span {
    /// No value: start after end, which no real span has.
    const NONE: Span = Span { start: 1, end: 0 };
}

#[derive(Debug, Clone)]
pub(crate) struct SearchText {
    text: Box<str>,
    /// Length of the visible part (bare terms search only that).
    visible: u16,
    fields: [Span; Field::COUNT],
}

impl SearchText {
    pub(crate) fn text(&self) -> &str {
        self.text.get(..usize::from(self.visible)).unwrap_or("")
    }

    pub(crate) fn field(&self, field: Field) -> Option<&str> {
        let span = self.fields[field.index()];
        (span != Span::NONE).then(|| self.slice(span))
    }

    pub(crate) fn slice(&self, span: Span) -> &str {
        self.text
            .get(usize::from(span.start)..usize::from(span.end))
            .unwrap_or("")
    }
}

/// Builds a [`SearchText`]: first the visible columns ([`SearchBuilder::column`]), then
/// [`SearchBuilder::end_visible`], then hidden fields ([`SearchBuilder::hidden`]).
pub(crate) struct SearchBuilder {
    text: String,
    /// Values pushed so far (each after the first is preceded by a newline).
    values: usize,
    visible: Option<u16>,
    fields: [Span; Field::COUNT],
}

impl SearchBuilder {
    /// `bytes`: the lengths of the values plus one separator between each two; exact
    /// for ASCII values, so boxing the text does not reallocate.
    pub(crate) fn with_capacity(bytes: usize) -> Self {
        SearchBuilder {
            text: String::with_capacity(bytes),
            values: 0,
            visible: None,
            fields: [Span::NONE; Field::COUNT],
        }
    }

    /// Append a visible column (and record it as `field` when given); returns its span
    /// for sort keys.
    pub(crate) fn column(&mut self, value: &str, field: Option<Field>) -> Span {
        let span = self.push(value);
        if let Some(f) = field {
            self.fields[f.index()] = span;
        }
        span
    }

    /// Close the visible part; later values are only reachable by field terms.
    pub(crate) fn end_visible(&mut self) {
        self.visible = Some(self.offset());
    }

    /// A field that is not a column of its own (or only part of one).
    pub(crate) fn hidden(&mut self, field: Field, value: &str) {
        let span = self.push(value);
        self.fields[field.index()] = span;
    }

    pub(crate) fn finish(self) -> SearchText {
        let visible = self.visible.unwrap_or_else(|| self.offset());
        SearchText {
            text: self.text.into_boxed_str(),
            visible,
            fields: self.fields,
        }
    }

    fn offset(&self) -> u16 {
        u16::try_from(self.text.len()).unwrap_or(u16::MAX)
    }

    /// A newline separator (except before the first value), then `value` lowercased;
    /// the text is cut at [`u16::MAX`] bytes.
    fn push(&mut self, value: &str) -> Span {
        let limit = usize::from(u16::MAX);
        if self.values > 0 && self.text.len() < limit {
            self.text.push('\n');
        }
        self.values += 1;
        let start = self.offset();
        if self.text.len() < limit {
            fold_case_into(&mut self.text, value);
            if self.text.len() > limit {
                let mut cut = limit;
                while !self.text.is_char_boundary(cut) {
                    cut -= 1;
                }
                self.text.truncate(cut);
            }
        }
        Span {
            start,
            end: self.offset(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visible_text_fields_and_spans() {
        let mut b = SearchBuilder::with_capacity(64);
        let check = b.column("KW-001", Some(Field::Check));
        b.column("Privileged\nContainer", Some(Field::Title));
        b.end_visible();
        b.hidden(Field::Name, "Web");
        let s = b.finish();
        assert_eq!(s.text(), "kw-001\nprivileged container");
        assert_eq!(s.field(Field::Check), Some("kw-001"));
        assert_eq!(s.field(Field::Name), Some("web"));
        assert_eq!(s.field(Field::Host), None);
        assert_eq!(s.slice(check), "kw-001");
    }

    #[test]
    fn without_hidden_fields_the_whole_text_is_visible() {
        let mut b = SearchBuilder::with_capacity(8);
        b.column("A", Some(Field::Name));
        b.column("", Some(Field::Host));
        let s = b.finish();
        assert_eq!(s.text(), "a\n");
        assert_eq!(s.field(Field::Host), Some(""));
    }

    #[test]
    fn unicode_is_lowercased_and_huge_values_are_cut() {
        let mut b = SearchBuilder::with_capacity(8);
        b.column("ÄÖ-Straße", Some(Field::Name));
        let long = "x".repeat(70_000);
        b.column(&long, Some(Field::Title));
        b.end_visible();
        b.hidden(Field::Host, "after");
        let s = b.finish();
        assert_eq!(s.field(Field::Name), Some("äö-straße"));
        assert!(s.field(Field::Title).is_some_and(|t| t.len() > 60_000));
        assert!(s.field(Field::Host).is_some());
    }
}
