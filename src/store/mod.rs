//! Persistent state that outlives a session: the triage store (and, later, the session
//! log). The only modules besides `cli` that write files; every write here is atomic and
//! durable (temp file, fsync, rename, fsync of the directory), because losing or
//! half-writing an operator's decisions is worse than failing loudly.

pub(crate) mod atomic;
mod rules_lock;
pub mod rules_store;
pub mod triage_store;

pub use rules_store::{RulesStore, RulesStoreError};
pub use triage_store::{StoreError, TriageStore};
