//! The normalized, versioned snapshot: everything the checks read, nothing that holds a
//! secret in clear. Sources build it; checks, findings, DPIA and reports only read it.
//!
//! Invariant: every free-text field that came from outside (env values, args, labels,
//! annotations, image history, ConfigMap data) has been passed through
//! [`crate::secrets::scrub`] before it is stored here.

pub mod coverage;
pub mod docker;
pub mod interned;
pub mod kube;
pub mod labels;
pub mod text;

use serde::{Deserialize, Serialize};

pub use coverage::{Availability, Coverage, CoverageEntry, CoverageStatus, DataKind};
pub use docker::*;
pub use interned::{interning, Str};
pub use kube::*;
pub use labels::Labels;
pub use text::{EnvValue, EnvVar, SecretHit};

/// Bumped whenever a stored field changes meaning; readers refuse newer versions.
pub const SNAPSHOT_SCHEMA_VERSION: u32 = 1;

/// Where a part of the snapshot came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// A file given with `--from` (the format is in `detail`).
    File,
    /// The embedded demo inventory.
    Demo,
    /// A live Docker daemon.
    Docker,
    /// A live Kubernetes API server.
    Kube,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceInfo {
    pub kind: SourceKind,
    /// File path, daemon endpoint or kube context.
    pub location: String,
    /// Format or version details, e.g. "kubectl List JSON (42 objects)".
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub detail: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub schema_version: u32,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub docket_version: String,
    /// RFC 3339 time the snapshot was taken (or the newest input's, for files).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub created_at: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<SourceInfo>,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub coverage: Coverage,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub docker: DockerInventory,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub kube: KubeInventory,
}

impl Snapshot {
    pub fn new() -> Self {
        Snapshot {
            schema_version: SNAPSHOT_SCHEMA_VERSION,
            docket_version: env!("CARGO_PKG_VERSION").to_string(),
            ..Default::default()
        }
    }

    /// Merge `other` into `self`: inventories are concatenated (duplicates by identity are
    /// dropped, first wins), sources and coverage entries are appended.
    pub fn merge(&mut self, other: Snapshot) {
        self.sources.extend(other.sources);
        self.coverage.extend(other.coverage);
        self.docker.merge(other.docker);
        self.kube.merge(other.kube);
        if other.created_at > self.created_at {
            self.created_at = other.created_at;
        }
    }

    /// Object counts by kind, for summaries and progress lines.
    pub fn counts(&self) -> Vec<(&'static str, usize)> {
        let d = &self.docker;
        let k = &self.kube;
        vec![
            ("docker hosts", d.hosts.len()),
            ("images", d.images.len()),
            ("containers", d.containers.len()),
            ("docker networks", d.networks.len()),
            ("docker volumes", d.volumes.len()),
            ("nodes", k.nodes.len()),
            ("namespaces", k.namespaces.len()),
            ("workloads", k.workloads.len()),
            ("services", k.services.len()),
            ("ingresses", k.ingresses.len()),
            ("network policies", k.network_policies.len()),
            ("service accounts", k.service_accounts.len()),
            ("roles", k.roles.len()),
            ("role bindings", k.bindings.len()),
            ("config maps", k.config_maps.len()),
            ("secrets (metadata)", k.secrets.len()),
        ]
    }
}

/// Drop later items whose key was already seen, keeping order.
/// `into.extend(items)`, but moving the vector when `into` is empty: merging one
/// 150,000-pod file into a new snapshot copied every object once more.
pub(crate) fn append<T>(into: &mut Vec<T>, items: Vec<T>) {
    if into.is_empty() {
        *into = items;
    } else {
        into.extend(items);
    }
}

pub(crate) fn dedup_by_key<T, K: Ord>(items: &mut Vec<T>, key: impl Fn(&T) -> K) {
    let mut seen = std::collections::BTreeSet::new();
    items.retain(|item| seen.insert(key(item)));
}

/// Keep the first of objects with the same (discriminant, namespace, name), hashing
/// borrowed keys: loading a 150,000-pod snapshot spent seconds allocating a key string per
/// object for the BTreeSet of [`dedup_by_key`].
pub(crate) fn dedup_objects<T>(items: &mut Vec<T>, key: fn(&T) -> (u8, &kube::ObjectMeta)) {
    let keep: Vec<bool> = {
        let mut seen = std::collections::HashSet::with_capacity(items.len());
        items
            .iter()
            .map(|item| {
                let (d, meta) = key(item);
                seen.insert((d, meta.namespace_str(), meta.name.as_str()))
            })
            .collect()
    };
    if keep.iter().all(|k| *k) {
        return;
    }
    let mut keep = keep.into_iter();
    items.retain(|_| keep.next().unwrap_or(true));
}

/// A list read without spare capacity. A vector grows by doubling from four elements, so
/// a pod's one container took room for four (2 KB) and the 264,710 workloads of a
/// 150,000-pod snapshot room for 524,288: half the memory of the loaded model was spare.
pub(crate) fn exact<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    let mut v = Vec::<T>::deserialize(d)?;
    v.shrink_to_fit();
    Ok(v)
}

/// For `skip_serializing_if` on `#[serde(default)]` fields: a snapshot leaves out what
/// reads back as the default (a 150,000-pod snapshot is about half the size without the
/// `null`s, `false`s and empty lists).
pub(crate) fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

#[cfg(test)]
mod tests {
    #[derive(serde::Deserialize)]
    struct List {
        #[serde(deserialize_with = "super::exact")]
        items: Vec<u32>,
    }

    #[test]
    fn lists_are_read_whole_in_order_without_spare_room() {
        for n in [0usize, 1, 2, 3, 4096, 4097, 10_000] {
            let items: Vec<u32> = (0..n as u32).collect();
            let json = serde_json::json!({ "items": items }).to_string();
            let read: List = serde_json::from_str(&json).unwrap();
            assert_eq!(read.items, items, "{n} items");
            assert_eq!(read.items.capacity(), n, "{n} items");
        }
    }
}
