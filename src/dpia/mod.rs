//! DPIA inventory (issue 7): which containers and workloads hold data ([`classify`]),
//! who can reach them ([`reach`]), a reviewer's corrections ([`overrides`]) and the register
//! of processing systems ([`register`]). Pure: works on a [`crate::model::Snapshot`] and the
//! findings of a scan; no IO, no bollard/kube/ratatui.

pub mod classify;
pub mod images;
pub mod lookup;
pub mod measures;
pub mod overrides;
pub mod reach;
pub mod register;
pub mod risks;
pub mod systems;
#[cfg(test)]
mod tests;

pub use overrides::Overrides;
pub use register::{register, Register, RegisterRow, StoreEntry};

use serde::Serialize;

use crate::findings::ResourceRef;

/// A container or workload classified as holding data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DataStore {
    /// Docker `Container` or Kubernetes workload (`Deployment`, `StatefulSet`, ...), named
    /// like findings name it (the top-level controller, no container).
    pub resource: ResourceRef,
    /// Why it was classified as a data store: one line per rule that fired.
    pub why: Vec<String>,
    /// Data categories (`personal`, `special-category`, `payment`, `internal`, `public`);
    /// empty when no classification label says so (unknown).
    pub categories: Vec<String>,
    /// Where the data lives: `volume pgdata -> /var/lib/postgresql/data`, `PVC ...`.
    pub storage: Vec<String>,
    /// Owner from the `docket.io/owner` label (or an override).
    pub owner: Option<String>,
    /// Purpose of the processing from `docket.io/purpose` (or an override).
    pub purpose: Option<String>,
    /// Retention from `docket.io/retention`.
    pub retention: Option<String>,
    /// What the classification could not tell (no classification label, ...).
    pub unknown: Vec<String>,
}

/// `StatefulSet data/postgres [postgres]`, `Container lumen-redis-1`: a resource as the
/// register names it (the scope column says the host or cluster).
pub fn resource_name(r: &ResourceRef) -> String {
    let mut s = overrides::resource_key(r);
    if let Some(c) = &r.container {
        s.push_str(&format!(" [{c}]"));
    }
    s
}

impl DataStore {
    /// `StatefulSet data/postgres`: what the register shows and `dpia.toml` matches.
    pub fn name(&self) -> String {
        resource_name(&self.resource)
    }

    /// A store with only its resource set (tests and other modules fill in the rest).
    pub fn new(resource: ResourceRef) -> Self {
        DataStore {
            resource,
            why: Vec::new(),
            categories: Vec::new(),
            storage: Vec::new(),
            owner: None,
            purpose: None,
            retention: None,
            unknown: Vec::new(),
        }
    }
}
