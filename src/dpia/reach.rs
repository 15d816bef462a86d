//! Connection map: who can reach each data store, and the paths from the outside world to
//! it (issue 7, part 2). Pure: reads the [`Snapshot`] and the classified [`DataStore`]s.
//!
//! Per store it answers three questions:
//! - **who inside can connect** ([`Reachability`]): Kubernetes NetworkPolicies selecting the
//!   store's pods (none = every pod in the cluster; no ingress rules = isolated; otherwise the
//!   peers the rules allow, resolved to workloads), Docker networks shared with other
//!   containers (and the default bridge's inter-container communication setting);
//! - **how the outside world gets in** ([`Exposure`], [`ReachPath`]): Ingress routes,
//!   NodePort / LoadBalancer / externalIPs Services, hostPort / hostNetwork, Docker ports
//!   published on all interfaces or on the host only, host network mode; plus "one hop"
//!   paths through an exposed workload or container that may connect to the store;
//! - **what is not known** (`unknown`): a kind the scan could not read (a 403 on
//!   NetworkPolicies, Services or Ingresses) makes the answer [`Reachability::Unknown`] or
//!   [`Exposure::Unknown`], never "isolated" or "not exposed".
//!
//! Limits, said plainly: only ingress policies on the store side are evaluated (egress
//! policies of the callers may block more); paths go at most one workload deep; a path
//! through a Service is marked blocked only when the store's policies allow no ingress at all.

mod docker;
mod gaps;
mod graph;
mod kube;
mod kube_hops;
mod kube_paths;
mod kube_peers;

use serde::Serialize;

pub use graph::{GraphEdge, GraphNode, Hop, NodeKind, ReachGraph, ReachPath, TreeLine};

use super::DataStore;
use crate::findings::{Platform, ResourceRef};
use crate::model::{Snapshot, WorkloadUnit};

/// At most this many "one hop" paths are kept per store (the rest are counted).
pub const ONE_HOP_LIMIT: usize = 40;

/// Who and what can reach every data store.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ConnectionMap {
    /// One entry per data store, in the order the stores were given.
    pub stores: Vec<StoreReach>,
}

impl ConnectionMap {
    /// The entry for a store, by its resource (host ignored, like fingerprints).
    pub fn get(&self, store: &ResourceRef) -> Option<&StoreReach> {
        self.stores
            .iter()
            .find(|r| r.store.identity() == store.identity())
    }
}

/// Reachability of one data store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoreReach {
    pub store: ResourceRef,
    /// Who inside the cluster or on the Docker host can open connections to it.
    pub reach: Reachability,
    /// Whether the outside world can get to it.
    pub exposure: Exposure,
    /// Paths from the outside world (Internet) or the Docker host to the store: direct ones
    /// first, then one hop through an exposed workload or container.
    pub paths: Vec<ReachPath>,
    /// One-hop paths left out beyond [`ONE_HOP_LIMIT`].
    pub paths_omitted: usize,
    /// Services selecting the store's pods (Kubernetes only).
    pub services: Vec<ResourceRef>,
    /// Facts a reader needs to read the answer right ("hostNetwork: NetworkPolicies do not
    /// apply", "inter-container communication is disabled on bridge").
    pub notes: Vec<String>,
    /// What could not be read and so is not in the answer.
    pub unknown: Vec<String>,
    /// One line: how the outside world gets in, and who inside can connect.
    pub summary: String,
}

impl StoreReach {
    /// The paths merged into a graph (nodes deduplicated by kind and label).
    pub fn graph(&self) -> ReachGraph {
        ReachGraph::from_paths(&self.paths)
    }

    /// The paths as an indented tree with shared prefixes merged, for the TUI.
    pub fn tree(&self) -> Vec<TreeLine> {
        graph::tree(&self.paths)
    }
}

/// Who inside can connect to the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Reachability {
    /// Kubernetes: no NetworkPolicy selects the store's pods, so every pod in the cluster can.
    ClusterWide,
    /// The store uses the host's network (Docker `--network host`, Kubernetes
    /// `hostNetwork: true`): everything that reaches the host's addresses can connect, and
    /// NetworkPolicies do not apply.
    HostNetwork,
    /// Only these sources can connect (NetworkPolicy allow rules, shared Docker networks).
    Restricted { sources: Vec<Source> },
    /// Nothing else can connect (policies allow no ingress, network mode none, alone on its
    /// networks).
    Isolated { why: String },
    /// The data needed to tell could not be read; never read as isolated.
    Unknown { why: String },
}

impl Reachability {
    /// Short label for tables: `cluster-wide`, `host network`, `restricted`, `isolated`, `unknown`.
    pub fn label(&self) -> &'static str {
        match self {
            Reachability::ClusterWide => "cluster-wide",
            Reachability::HostNetwork => "host network",
            Reachability::Restricted { .. } => "restricted",
            Reachability::Isolated { .. } => "isolated",
            Reachability::Unknown { .. } => "unknown",
        }
    }
}

/// What kind of peer a [`Source`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// A NetworkPolicy rule without `from`: any source at all.
    Anyone,
    /// `podSelector` alone: pods in the policy's namespace.
    Pods,
    /// `namespaceSelector` alone: any pod in the matching namespaces.
    Namespaces,
    /// `namespaceSelector` and `podSelector` together.
    PodsInNamespaces,
    /// `ipBlock`: addresses, not workloads.
    IpBlock,
    /// Containers sharing a Docker network with the store.
    DockerNetwork,
    /// Containers in host network mode on the same Docker host (the host reaches every
    /// container address).
    DockerHost,
}

/// One kind of caller allowed to connect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    pub kind: SourceKind,
    /// Plain words: `any pod in namespace patients`, `pods app=web in namespace shop`,
    /// `addresses in 10.0.0.0/8`, `containers on network lumen_backend`.
    pub description: String,
    /// The workloads or containers that match now; empty for addresses and for `Anyone`.
    pub members: Vec<ResourceRef>,
    /// The ports they may connect to; empty = every port.
    pub ports: Vec<String>,
    /// What grants it: `NetworkPolicy data/allow-api`, `network lumen_backend`.
    pub granted_by: String,
}

/// Whether the outside world can get to the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Exposure {
    /// The store itself is reachable from outside (Ingress, NodePort, LoadBalancer,
    /// externalIPs, hostPort, hostNetwork, a port published on all interfaces, host network).
    Direct,
    /// Not published itself, but an exposed workload or container may connect to it.
    OneHop,
    /// Only from the Docker host itself (ports published on 127.0.0.1).
    HostOnly,
    /// No way in from outside was found, and everything needed to tell was read.
    NotExposed,
    /// No way in was found, but something needed to tell could not be read.
    Unknown { why: String },
}

impl Exposure {
    /// Short label for tables.
    pub fn label(&self) -> &'static str {
        match self {
            Exposure::Direct => "internet",
            Exposure::OneHop => "internet (one hop)",
            Exposure::HostOnly => "host only",
            Exposure::NotExposed => "not exposed",
            Exposure::Unknown { .. } => "unknown",
        }
    }
}

/// Who can reach each data store. Stores not found in the snapshot get
/// [`Reachability::Unknown`] with the reason.
pub fn connection_map(snapshot: &Snapshot, stores: &[DataStore]) -> ConnectionMap {
    let refs: Vec<&ResourceRef> = stores.iter().map(|d| &d.resource).collect();
    connection_map_of(snapshot, &refs)
}

/// [`connection_map`] with the snapshot's workload units already computed
/// (`snapshot.kube.units()`, as the register's lookups hold them).
pub fn connection_map_with_units<'a>(
    snapshot: &'a Snapshot,
    units: Vec<WorkloadUnit<'a>>,
    stores: &[DataStore],
) -> ConnectionMap {
    let refs: Vec<&ResourceRef> = stores.iter().map(|d| &d.resource).collect();
    map_of(snapshot, Some(units), &refs)
}

/// [`connection_map`] for bare resources (a Docker `Container` or a Kubernetes workload).
pub fn connection_map_of(snapshot: &Snapshot, stores: &[&ResourceRef]) -> ConnectionMap {
    map_of(snapshot, None, stores)
}

fn map_of<'a>(
    snapshot: &'a Snapshot,
    units: Option<Vec<WorkloadUnit<'a>>>,
    stores: &[&ResourceRef],
) -> ConnectionMap {
    let kube_ctx = stores
        .iter()
        .any(|r| r.platform == Platform::Kubernetes)
        .then(|| kube::KubeCtx::new(snapshot, units.unwrap_or_else(|| snapshot.kube.units())));
    let docker_ctx = stores
        .iter()
        .any(|r| r.platform == Platform::Docker)
        .then(|| docker::DockerCtx::new(snapshot));
    let stores = stores
        .iter()
        .map(|r| {
            let mut reach = match r.platform {
                Platform::Kubernetes => kube_ctx.as_ref().and_then(|c| c.store(r)),
                Platform::Docker => docker_ctx.as_ref().and_then(|c| c.store(r)),
            }
            .unwrap_or_else(|| not_found(r));
            // Direct paths first, then one hop; within each, Ingress routes before Services,
            // host ports and node ports (the most telling path leads the summary).
            reach
                .paths
                .sort_by_key(|p| (p.one_hop, p.hops.get(1).map(|h| entry_rank(h.kind))));
            reach.summary = summary(&reach);
            reach
        })
        .collect();
    ConnectionMap { stores }
}

fn entry_rank(k: NodeKind) -> u8 {
    match k {
        NodeKind::IngressRoute => 0,
        NodeKind::Service => 1,
        NodeKind::Host => 2,
        NodeKind::Node => 3,
        _ => 4,
    }
}

/// The answer for a store the snapshot does not hold.
fn not_found(r: &ResourceRef) -> StoreReach {
    let why = format!(
        "{} is not in the snapshot (rescan, or correct the override)",
        r.display()
    );
    StoreReach {
        store: r.clone(),
        reach: Reachability::Unknown { why: why.clone() },
        exposure: Exposure::Unknown { why: why.clone() },
        paths: Vec::new(),
        paths_omitted: 0,
        services: Vec::new(),
        notes: Vec::new(),
        unknown: vec![why],
        summary: String::new(),
    }
}

/// An empty answer for `store` with the given reachability, filled in by the platforms.
fn blank(store: ResourceRef, reach: Reachability) -> StoreReach {
    StoreReach {
        store,
        reach,
        exposure: Exposure::NotExposed,
        paths: Vec::new(),
        paths_omitted: 0,
        services: Vec::new(),
        notes: Vec::new(),
        unknown: Vec::new(),
        summary: String::new(),
    }
}

/// The one-line summary: the way in from outside, then who inside can connect.
pub fn summary(r: &StoreReach) -> String {
    let outside = exposure_phrase(r);
    let inside = match &r.reach {
        Reachability::ClusterWide => {
            "any pod in the cluster (no NetworkPolicy selects it)".to_string()
        }
        Reachability::HostNetwork => {
            "on the host network: anything that reaches the host can connect".to_string()
        }
        Reachability::Restricted { sources } => {
            let parts: Vec<String> = sources.iter().map(source_phrase).collect();
            format!("only from {}", parts.join("; "))
        }
        Reachability::Isolated { why } => format!("isolated: {why}"),
        Reachability::Unknown { why } => format!("reachability unknown: {why}"),
    };
    format!("{outside}; {inside}")
}

fn exposure_phrase(r: &StoreReach) -> String {
    let open: Vec<&ReachPath> = r.paths.iter().filter(|p| p.blocked_by.is_none()).collect();
    let first_of = |kind: PathKind| open.iter().find(|p| kind.matches(p));
    let more = |shown: usize| {
        let n = open.len() - shown + r.paths_omitted;
        if n > 0 {
            format!(" (+{n} more)")
        } else {
            String::new()
        }
    };
    match &r.exposure {
        Exposure::Direct => match first_of(PathKind::Direct) {
            Some(p) => format!("reachable from the internet via {}{}", p.brief(), more(1)),
            None => "reachable from the internet".to_string(),
        },
        Exposure::OneHop => match first_of(PathKind::OneHop) {
            Some(p) => format!(
                "reachable from the internet in one hop via {}{}",
                p.brief(),
                more(1)
            ),
            None => "reachable from the internet in one hop".to_string(),
        },
        Exposure::HostOnly => match first_of(PathKind::Host) {
            Some(p) => format!("published on the host only via {}", p.brief()),
            None => "published on the host only".to_string(),
        },
        Exposure::NotExposed => "not exposed outside".to_string(),
        Exposure::Unknown { why } => format!("exposure unknown: {why}"),
    }
}

fn source_phrase(s: &Source) -> String {
    let mut out = s.description.clone();
    if !s.members.is_empty() {
        let names: Vec<String> = s.members.iter().map(member_name).collect();
        out.push_str(&format!(" ({})", names.join(", ")));
    }
    if !s.ports.is_empty() {
        out.push_str(&format!(" on {}", s.ports.join(", ")));
    }
    out
}

/// `Deployment web` / `container web-1`: a member named without its namespace.
fn member_name(r: &ResourceRef) -> String {
    match r.platform {
        Platform::Docker => r.name.clone(),
        Platform::Kubernetes => format!("{} {}", r.kind, r.name),
    }
}

#[derive(Clone, Copy)]
enum PathKind {
    Direct,
    OneHop,
    Host,
}

impl PathKind {
    fn matches(self, p: &ReachPath) -> bool {
        match self {
            PathKind::Direct => p.is_external() && !p.is_one_hop(),
            PathKind::OneHop => p.is_external() && p.is_one_hop(),
            PathKind::Host => !p.is_external(),
        }
    }
}
