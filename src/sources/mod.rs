//! Sources: the only code that reads the outside world. Each turns its input into a
//! [`crate::model::Snapshot`] fragment; fragments are merged into one snapshot.
//!
//! File inputs (`--from PATH`) are read by [`load_paths`] / [`load_bytes`]; the format of
//! each file is detected from its content, never from its name (see [`files`]). The
//! normalizers in [`docker_json`] and [`kube_json`] take `serde_json::Value`s shaped like the
//! Docker Engine and Kubernetes APIs, so live sources can feed `serde_json::to_value(obj)`
//! through the same code and get the same snapshot (and so the same finding fingerprints).

pub mod apply;
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
pub type SourceError = crate::located::Located;
