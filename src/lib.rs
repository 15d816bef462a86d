//! Docket: a terminal compliance workbench for containers.
//!
//! Data flows one way: [`sources`] -> [`model::Snapshot`] -> [`checks`] -> [`findings`] ->
//! [`report`]. Only `sources` does IO; everything after the snapshot is pure.

pub mod checks;
pub mod cli;
pub mod dpia;
pub mod findings;
pub mod located;
pub mod model;
pub mod remediate;
pub mod report;
pub mod secrets;
pub mod session;
pub mod sources;
pub mod store;
pub mod synth;
#[doc(hidden)]
pub mod testkit;
pub mod tui;
