//! Sources: the only code that reads the outside world. Each turns its input into a
//! [`crate::model::Snapshot`] fragment; fragments are merged into one snapshot.
//!
//! File inputs (`--from PATH`) are read by [`load_paths`] / [`load_bytes`]; the format of
//! each file is detected from its content, never from its name (see [`files`]). The
//! normalizers in [`docker_json`] and [`kube_json`] take `serde_json::Value`s shaped like the
//! Docker Engine and Kubernetes APIs, so live sources can feed `serde_json::to_value(obj)`
//! through the same code and get the same snapshot (and so the same finding fingerprints).

pub mod demo;
pub mod docker_json;
pub mod docker_live;
pub mod files;
pub mod kube_json;
pub mod kube_live;
mod value;

use crate::model::Snapshot;

pub use files::{load_bytes, load_paths, MAX_INPUT_BYTES};

/// A loaded snapshot plus the warnings met on the way (skipped documents, unknown kinds,
/// fields of the wrong type). Warnings are for the person running Docket, one line each.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub snapshot: Snapshot,
    pub warnings: Vec<String>,
}

/// An input Docket cannot read, with where and what to do next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceError {
    /// The file path (or name) the error is about.
    pub origin: String,
    /// 1-based line, when the parser reports one.
    pub line: Option<usize>,
    /// 1-based column, when the parser reports one.
    pub column: Option<usize>,
    pub message: String,
    /// The next step for the person running Docket.
    pub hint: String,
}

impl SourceError {
    pub fn new(origin: &str, message: impl Into<String>, hint: impl Into<String>) -> Self {
        SourceError {
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
}

impl std::fmt::Display for SourceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        crate::located::write_located(
            f,
            &self.origin,
            self.line,
            self.column,
            &self.message,
            &self.hint,
        )
    }
}

impl std::error::Error for SourceError {}
