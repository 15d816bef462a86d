//! The DPIA register: one row per processing system (an application with its data stores,
//! grouped as [`super::systems`] documents), with the data categories, where the data is
//! stored, who and what can reach it (from [`super::reach`]), the GDPR Art. 32 / 25
//! measures in place and failing (from the scan, [`super::measures`]), residual risks
//! ([`super::risks`]), owners, and what is unknown. A starting point for the record of
//! processing (Art. 30) and the impact assessment (Art. 35), not a substitute for either.

use std::collections::HashSet;

use serde::Serialize;

use super::classify::candidates_in;
use super::lookup::Lookup;
use super::measures::{measures, system_resources, FindingIndex, Measure};
use super::overrides::{Excluded, Overrides};
use super::reach::{connection_map_with_units, Reachability, StoreReach};
use super::systems::{system_of, SystemKey};
use super::{risks, DataStore};
use crate::checks::ScanResult;
use crate::findings::Platform;
use crate::model::{CoverageStatus, DataKind, Snapshot};

/// The whole register.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Register {
    /// One row per processing system, Docker before Kubernetes, then by name.
    pub rows: Vec<RegisterRow>,
    /// Every data store after the corrections, in inventory order.
    pub stores: Vec<DataStore>,
    /// Resources a reviewer excluded in `dpia.toml`.
    pub excluded: Vec<Excluded>,
    /// Corrections that matched nothing, with file:line.
    pub warnings: Vec<String>,
    /// Where the corrections came from (empty: none).
    pub overrides_origin: String,
    /// What the snapshot was built from (`embedded demo: Lumen Health`).
    pub sources: Vec<String>,
    /// When the snapshot was taken (RFC 3339).
    pub snapshot_time: String,
}

/// One processing system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegisterRow {
    /// `lumen`.
    pub system: String,
    /// `Docker legacy-01`, `Kubernetes lumen-prod`.
    pub scope: String,
    /// How the stores were grouped: `compose project lumen`.
    pub grouped_by: String,
    pub stores: Vec<StoreEntry>,
    /// Union of the stores' categories; empty = unknown.
    pub categories: Vec<String>,
    pub owners: Vec<String>,
    pub purposes: Vec<String>,
    pub retention: Vec<String>,
    pub measures_failing: Vec<Measure>,
    pub measures_in_place: Vec<Measure>,
    pub residual_risks: Vec<String>,
    pub unknown: Vec<String>,
}

/// A data store in a row, with its reachability.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoreEntry {
    pub store: DataStore,
    pub reach: StoreReach,
    /// Check ids failing on this store's own resources: the store, and its image and host
    /// (Docker) or its Services, Ingresses and namespace (Kubernetes).
    pub failing: Vec<String>,
}

impl StoreEntry {
    /// Who inside can connect, without the exposure part of the reach summary.
    pub fn inside(&self) -> String {
        match &self.reach.reach {
            Reachability::ClusterWide => {
                "any pod in the cluster (no NetworkPolicy selects it)".to_string()
            }
            Reachability::HostNetwork => {
                "anything that reaches the host (host network)".to_string()
            }
            Reachability::Restricted { sources } => sources
                .iter()
                .map(|s| {
                    let n = s.members.len();
                    let ports = if s.ports.is_empty() {
                        String::new()
                    } else {
                        format!(" on {}", s.ports.join(", "))
                    };
                    match n {
                        0 => format!("{}{ports}", s.description),
                        1..=4 => {
                            let names: Vec<String> =
                                s.members.iter().map(super::resource_name).collect();
                            format!("{}{ports} ({})", s.description, names.join(", "))
                        }
                        _ => format!("{}{ports} ({n} now)", s.description),
                    }
                })
                .collect::<Vec<_>>()
                .join("; "),
            Reachability::Isolated { why } => format!("nothing else: {why}"),
            Reachability::Unknown { why } => format!("unknown: {why}"),
        }
    }
}

impl RegisterRow {
    /// `lumen (Docker legacy-01)`.
    pub fn title(&self) -> String {
        format!("{} ({})", self.system, self.scope)
    }
    /// `volume lumen_pgdata -> /var/lib/postgresql/data` prefixed by the store name.
    pub fn storage_lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        for e in &self.stores {
            for s in &e.store.storage {
                out.push(format!("{}: {s}", e.store.name()));
            }
            if e.store.storage.is_empty() {
                out.push(format!("{}: no persistent volume", e.store.name()));
            }
        }
        out
    }
}

/// Classify, correct, map and group: the register of a scan.
pub fn register(snapshot: &Snapshot, scan: &ScanResult, overrides: &Overrides) -> Register {
    let lookup = Lookup::new(snapshot);
    let applied = overrides.apply(candidates_in(&lookup));
    let map = connection_map_with_units(snapshot, lookup.units.clone(), &applied.stores);
    // One reach entry per store, in the same order (the connection map's contract).
    let mut groups: Vec<(SystemKey, Vec<(&DataStore, &StoreReach)>)> = Vec::new();
    let mut position: std::collections::HashMap<(String, String), usize> =
        std::collections::HashMap::new();
    for (s, reach) in applied.stores.iter().zip(&map.stores) {
        let key = system_of(&lookup, s);
        match position.get(&(key.scope.clone(), key.name.clone())) {
            Some(&i) => groups[i].1.push((s, reach)),
            None => {
                position.insert((key.scope.clone(), key.name.clone()), groups.len());
                groups.push((key, vec![(s, reach)]));
            }
        }
    }
    let index = FindingIndex::new(scan);
    let mut rows: Vec<RegisterRow> = groups
        .into_iter()
        .map(|(key, pairs)| row(&lookup, &index, key, &pairs))
        .collect();
    rows.sort_by(|a, b| a.scope.cmp(&b.scope).then_with(|| a.system.cmp(&b.system)));
    Register {
        rows,
        stores: applied.stores,
        excluded: applied.excluded,
        warnings: applied.warnings,
        overrides_origin: overrides.origin.clone(),
        sources: snapshot
            .sources
            .iter()
            .map(|s| s.location.clone())
            .collect(),
        snapshot_time: snapshot.created_at.clone(),
    }
}

fn row(
    lookup: &Lookup<'_>,
    index: &FindingIndex,
    key: SystemKey,
    pairs: &[(&DataStore, &StoreReach)],
) -> RegisterRow {
    let stores: Vec<&DataStore> = pairs.iter().map(|(s, _)| *s).collect();
    let platform = stores
        .first()
        .map(|s| s.resource.platform)
        .unwrap_or(Platform::Docker);
    let snapshot = lookup.snapshot;
    let resources = system_resources(lookup, &stores);
    let m = measures(index, platform, &resources);
    let entries: Vec<StoreEntry> = pairs
        .iter()
        .map(|(s, reach)| {
            let own = system_resources(lookup, &[*s]);
            let failing = measures(index, platform, &own)
                .failing
                .into_iter()
                .map(|m| m.check_id)
                .collect();
            StoreEntry {
                store: (*s).clone(),
                reach: (*reach).clone(),
                failing,
            }
        })
        .collect();
    let union = |f: &dyn Fn(&DataStore) -> Vec<String>| {
        let mut out: Vec<String> = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        for s in &stores {
            for v in f(s) {
                if seen.insert(v.clone()) {
                    out.push(v);
                }
            }
        }
        out
    };
    let mut unknown = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for e in &entries {
        let name = e.store.name();
        for u in e.store.unknown.iter().chain(&e.reach.unknown) {
            let line = format!("{name}: {u}");
            if seen.insert(line.clone()) {
                unknown.push(line);
            }
        }
    }
    unknown.extend(coverage_gaps(snapshot, platform));
    unknown.extend(m.not_evaluated.iter().cloned());
    let mut r = RegisterRow {
        system: key.name,
        scope: key.scope,
        grouped_by: key.rule,
        categories: union(&|s| s.categories.clone()),
        owners: union(&|s| s.owner.iter().cloned().collect()),
        purposes: union(&|s| s.purpose.iter().cloned().collect()),
        retention: union(&|s| {
            s.retention
                .iter()
                .map(|r| format!("{}: {r}", s.name()))
                .collect()
        }),
        stores: entries,
        measures_failing: m.failing,
        measures_in_place: m.in_place,
        residual_risks: Vec::new(),
        unknown,
    };
    r.residual_risks = risks::residual_risks(&r);
    r
}

/// Gaps in the data the register is built from, for this platform.
fn coverage_gaps(snapshot: &Snapshot, platform: Platform) -> Vec<String> {
    const KINDS: [DataKind; 9] = [
        DataKind::DockerContainers,
        DataKind::DockerImages,
        DataKind::DockerNetworks,
        DataKind::DockerVolumes,
        DataKind::KubeNamespaces,
        DataKind::KubeWorkloads,
        DataKind::KubeServices,
        DataKind::KubeIngresses,
        DataKind::KubeNetworkPolicies,
    ];
    let docker = platform == Platform::Docker;
    snapshot
        .coverage
        .entries
        .iter()
        .filter(|e| {
            e.status == CoverageStatus::Missing
                && e.kind.is_docker() == docker
                && KINDS.contains(&e.kind)
        })
        .map(|e| {
            let scope = if e.scope.is_empty() {
                String::new()
            } else {
                format!(" ({})", e.scope)
            };
            format!("{} not read{scope}: {}", e.kind.label(), e.reason)
        })
        .collect()
}
