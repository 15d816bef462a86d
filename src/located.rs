//! Errors that point into a file, written one way everywhere: `origin:line:col: message`
//! then the hint, and the byte offset -> line/column conversion their parsers need.
//! Shared by input files (`sources::SourceError`), user configuration
//! (`tui::config::ConfigError`) and suppression rules (`findings::suppress::RuleError`),
//! which are all this one type.

use std::fmt;

/// A problem in a file (an input, a rules file), with where it is and what to do next.
/// `sources::SourceError`, `tui::config::ConfigError` and `findings::suppress::RuleError`
/// are this type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// The file path (or name) the error is about.
    pub origin: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column (in characters), when known.
    pub column: Option<usize>,
    pub message: String,
    /// The next step for the person running Docket.
    pub hint: String,
}

impl Located {
    pub fn new(origin: &str, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Located {
            origin: origin.to_string(),
            line: None,
            column: None,
            message: message.into(),
            hint: hint.into(),
        }
    }

    pub fn at(mut self, line: Option<usize>, column: Option<usize>) -> Self {
        self.line = line;
        self.column = column;
        self
    }

    /// Position from a byte offset into `text`.
    pub fn at_offset(self, text: &str, offset: usize) -> Self {
        let (line, column) = line_col(text.as_bytes(), offset);
        self.at(Some(line), Some(column))
    }
}

impl Located {
    /// A TOML syntax (or type) error in `text` read from `origin`, located from its span.
    pub fn from_toml(err: &toml::de::Error, text: &str, origin: &str) -> Self {
        let base = Located::new(
            origin,
            err.message().trim_end().to_string(),
            "fix the TOML syntax (https://toml.io); the position is where the parser stopped",
        );
        match err.span() {
            Some(span) => base.at_offset(text, span.start),
            None => base,
        }
    }
}

impl fmt::Display for Located {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_located(
            f,
            &self.origin,
            self.line,
            self.column,
            &self.message,
            &self.hint,
        )
    }
}

impl std::error::Error for Located {}

/// 1-based line and column (in characters) of a byte offset. An offset past the end
/// points just after the last character; an offset inside a multi-byte character points
/// at that character.
pub fn line_col(bytes: &[u8], offset: usize) -> (usize, usize) {
    let mut end = offset.min(bytes.len());
    while end > 0 && end < bytes.len() && (bytes[end] & 0xC0) == 0x80 {
        end -= 1;
    }
    let before = &bytes[..end];
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(&before[start..]).chars().count() + 1;
    (line, column)
}

/// `origin[:line[:col]]: message` and, when there is one, the hint on its own line.
pub fn write_located(
    f: &mut fmt::Formatter<'_>,
    origin: &str,
    line: Option<usize>,
    column: Option<usize>,
    message: &str,
    hint: &str,
) -> fmt::Result {
    f.write_str(origin)?;
    if let Some(line) = line {
        write!(f, ":{line}")?;
        if let Some(col) = column {
            write!(f, ":{col}")?;
        }
    }
    write!(f, ": {message}")?;
    if !hint.is_empty() {
        write!(f, "\n  hint: {hint}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::line_col;

    #[test]
    fn lines_and_characters_not_bytes() {
        let text = "ab\ncé:x\n";
        assert_eq!(line_col(text.as_bytes(), 0), (1, 1));
        assert_eq!(line_col(text.as_bytes(), 3), (2, 1));
        // After "cé" (3 bytes): column 3 in characters.
        assert_eq!(line_col(text.as_bytes(), 6), (2, 3));
        // Inside the two bytes of 'é': that character.
        assert_eq!(line_col(text.as_bytes(), 5), (2, 2));
        assert_eq!(line_col(text.as_bytes(), 999), (3, 1));
    }
}
