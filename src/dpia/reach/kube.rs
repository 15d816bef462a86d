//! Kubernetes reachability: NetworkPolicies selecting a store's pods, the Services that
//! select them, and the ways in from outside (Ingress routes, NodePort / LoadBalancer /
//! externalIPs, hostPort, hostNetwork), plus one hop through an exposed workload.

use std::collections::BTreeMap;

use super::gaps::gap;
use super::kube_paths::{ingress_paths, node_paths, service_paths};
use super::kube_peers::{policy_sources, selector_str, NsIndex};
use super::{blank, Exposure, Hop, NodeKind, ReachPath, Reachability, SourceKind, StoreReach};
use crate::findings::ResourceRef;
use crate::model::{DataKind, NetworkPolicy, Service, Snapshot, WorkloadUnit};

/// What one workload looks like from outside: its reachability and its own ways in.
struct UnitView {
    reach: Reachability,
    /// Direct paths ending at this workload (as a [`NodeKind::Store`] hop).
    direct: Vec<ReachPath>,
    services: Vec<ResourceRef>,
    notes: Vec<String>,
    unknown: Vec<String>,
    /// Why a missing direct path may exist (Services or Ingresses unread).
    exposure_gap: Option<String>,
}

pub(super) struct KubeCtx<'a> {
    s: &'a Snapshot,
    units: Vec<WorkloadUnit<'a>>,
    views: Vec<UnitView>,
    /// (kind, namespace, name) of each unit -> its index.
    index: BTreeMap<(&'a str, &'a str, &'a str), usize>,
}

impl<'a> KubeCtx<'a> {
    pub(super) fn new(s: &'a Snapshot) -> Self {
        let units = s.kube.units();
        let ns = NsIndex::new(s, &units);
        let node_ips = node_external_ips(s);
        let views = units
            .iter()
            .enumerate()
            .map(|(i, u)| view(s, &units, i, u, &ns, &node_ips))
            .collect();
        let index = units
            .iter()
            .enumerate()
            .map(|(i, u)| ((u.kind.as_str(), u.namespace(), u.name), i))
            .collect();
        KubeCtx {
            s,
            units,
            views,
            index,
        }
    }

    fn find(&self, r: &ResourceRef) -> Option<usize> {
        let ns = r.namespace.as_deref().unwrap_or("");
        let by_unit = self
            .index
            .get(&(r.kind.as_str(), ns, r.name.as_str()))
            .copied();
        by_unit.or_else(|| {
            // A store named by a ReplicaSet or Pod that belongs to a controller.
            self.units.iter().position(|u| {
                u.namespace() == ns
                    && self.s.kube.workloads.iter().any(|w| {
                        w.kind.as_str() == r.kind
                            && w.meta.name == r.name
                            && w.meta.namespace_str() == ns
                            && w.controller_identity() == (u.kind, u.name)
                    })
            })
        })
    }

    pub(super) fn store(&self, r: &ResourceRef) -> Option<StoreReach> {
        let i = self.find(r)?;
        let v = &self.views[i];
        let mut out = blank(r.clone(), v.reach.clone());
        out.services = v.services.clone();
        out.notes = v.notes.clone();
        out.unknown = v.unknown.clone();
        out.paths = v
            .direct
            .iter()
            .map(|p| relabel_store(p, &store_label(r)))
            .collect();
        let (one_hop, omitted) = self.one_hop(i, &store_label(r));
        out.paths_omitted = omitted;
        let any_one_hop = !one_hop.is_empty();
        out.paths.extend(one_hop);
        let direct_open = v.direct.iter().any(|p| p.blocked_by.is_none());
        out.exposure = if direct_open {
            Exposure::Direct
        } else if let Some(why) = v.exposure_gap.clone().or(match &v.reach {
            Reachability::Unknown { why } => Some(why.clone()),
            _ => None,
        }) {
            Exposure::Unknown { why }
        } else if any_one_hop {
            Exposure::OneHop
        } else {
            Exposure::NotExposed
        };
        Some(out)
    }

    /// Paths through another exposed workload that may connect to unit `i`.
    fn one_hop(&self, i: usize, store: &str) -> (Vec<ReachPath>, usize) {
        let callers: Vec<(usize, Vec<String>)> = match &self.views[i].reach {
            Reachability::ClusterWide | Reachability::HostNetwork => {
                (0..self.units.len()).map(|j| (j, Vec::new())).collect()
            }
            Reachability::Restricted { sources } => {
                let mut out: Vec<(usize, Vec<String>)> = Vec::new();
                for src in sources {
                    let members: Vec<usize> = match src.kind {
                        SourceKind::Anyone => (0..self.units.len()).collect(),
                        _ => src.members.iter().filter_map(|m| self.find(m)).collect(),
                    };
                    for j in members {
                        if !out.iter().any(|(k, _)| *k == j) {
                            out.push((j, src.ports.clone()));
                        }
                    }
                }
                out
            }
            Reachability::Isolated { .. } | Reachability::Unknown { .. } => Vec::new(),
        };
        let mut paths = Vec::new();
        let mut omitted = 0;
        for (j, ports) in callers {
            if j == i {
                continue;
            }
            let caller = unit_label(&self.units[j]);
            // A hostNetwork pod without declared ports: what it listens on is unknown.
            let portless_node = |p: &ReachPath| {
                p.hops
                    .get(1)
                    .is_some_and(|h| h.kind == NodeKind::Node && h.port.is_none())
            };
            for p in self.views[j]
                .direct
                .iter()
                .filter(|p| p.blocked_by.is_none() && !portless_node(p))
            {
                if paths.len() >= super::ONE_HOP_LIMIT {
                    omitted += 1;
                    continue;
                }
                let mut hops = relabel_store(p, &caller).hops;
                if let Some(last) = hops.last_mut() {
                    last.kind = NodeKind::Workload;
                }
                let port = (!ports.is_empty()).then(|| ports.join(","));
                hops.push(Hop::new(NodeKind::Store, store, port));
                paths.push(ReachPath {
                    hops,
                    one_hop: true,
                    blocked_by: None,
                });
            }
        }
        (paths, omitted)
    }
}

fn store_label(r: &ResourceRef) -> String {
    format!(
        "{} {}/{}",
        r.kind,
        r.namespace.as_deref().unwrap_or(""),
        r.name
    )
}

fn unit_label(u: &WorkloadUnit<'_>) -> String {
    format!("{} {}/{}", u.kind, u.namespace(), u.name)
}

pub(super) fn unit_ref(u: &WorkloadUnit<'_>) -> ResourceRef {
    ResourceRef::kube(u.kind.as_str(), Some(u.namespace()), u.name)
}

fn relabel_store(p: &ReachPath, label: &str) -> ReachPath {
    let mut p = p.clone();
    if let Some(last) = p.hops.last_mut() {
        last.label = label.to_string();
    }
    p
}

fn node_external_ips(s: &Snapshot) -> Vec<String> {
    let mut ips: Vec<String> = s
        .kube
        .nodes
        .iter()
        .flat_map(|n| n.external_ips.iter().cloned())
        .collect();
    ips.sort();
    ips.dedup();
    ips
}

fn view(
    s: &Snapshot,
    units: &[WorkloadUnit<'_>],
    i: usize,
    u: &WorkloadUnit<'_>,
    ns_index: &NsIndex,
    node_ips: &[String],
) -> UnitView {
    let ns = u.namespace();
    let others = ns_index.names();
    let mut unknown = Vec::new();
    let mut notes = Vec::new();
    let labels = &u.pod().labels;

    let policy_gap = gap(s, DataKind::KubeNetworkPolicies, ns, &others);
    let policies: Vec<&NetworkPolicy> = s
        .kube
        .network_policies
        .iter()
        .filter(|p| p.meta.namespace_str() == ns)
        .filter(|p| p.policy_types.is_empty() || p.applies_to_ingress())
        .filter(|p| p.pod_selector.matches(labels))
        .collect();
    let reach = if u.pod().host_network {
        notes.push(
            "hostNetwork: true: the pods listen on the node's addresses and NetworkPolicies do not apply to them".to_string(),
        );
        Reachability::HostNetwork
    } else if let Some(why) = policy_gap.clone() {
        unknown.push(why.clone());
        Reachability::Unknown { why }
    } else if policies.is_empty() {
        Reachability::ClusterWide
    } else if policies.iter().all(|p| p.ingress.is_empty()) {
        let names: Vec<String> = policies
            .iter()
            .map(|p| format!("NetworkPolicy {}", p.meta.key()))
            .collect();
        Reachability::Isolated {
            why: format!(
                "{} selects its pods and allows no ingress",
                names.join(", ")
            ),
        }
    } else {
        let (sources, ns_note) = policy_sources(units, i, &policies, ns_index);
        unknown.extend(ns_note);
        Reachability::Restricted { sources }
    };

    if reach == Reachability::ClusterWide {
        let others: Vec<String> = s
            .kube
            .network_policies
            .iter()
            .filter(|p| p.meta.namespace_str() == ns)
            .filter(|p| p.policy_types.is_empty() || p.applies_to_ingress())
            .map(|p| format!("{} selects {}", p.meta.name, selector_str(&p.pod_selector)))
            .collect();
        if !others.is_empty() {
            notes.push(format!(
                "NetworkPolicies in {ns} select other pods, not these: {}",
                others.join("; ")
            ));
        }
    }
    let blocked_by = match &reach {
        Reachability::Isolated { why } => Some(why.clone()),
        _ => None,
    };
    let store = Hop::new(NodeKind::Store, unit_label(u), None);
    let mut direct = Vec::new();
    let mut services = Vec::new();
    let svc_gap = gap(s, DataKind::KubeServices, ns, &others);
    let ing_gap = gap(s, DataKind::KubeIngresses, ns, &others);
    unknown.extend(svc_gap.iter().cloned());
    unknown.extend(ing_gap.iter().cloned());
    for svc in s.kube.services.iter().filter(|svc| selects(svc, u)) {
        services.push(ResourceRef::kube(
            "Service",
            svc.meta.namespace.as_deref(),
            &svc.meta.name,
        ));
        service_paths(svc, &store, node_ips, &mut direct);
        for ing in s
            .kube
            .ingresses
            .iter()
            .filter(|g| g.meta.namespace_str() == ns)
        {
            ingress_paths(ing, svc, &store, &mut direct);
        }
    }
    node_paths(u, &store, &mut direct);
    for p in &mut direct {
        p.blocked_by = blocked_by.clone();
    }
    UnitView {
        reach,
        direct,
        services,
        notes,
        unknown,
        exposure_gap: svc_gap.or(ing_gap),
    }
}

/// A Service selects the unit's pods: same namespace, a selector, all of it in the labels.
fn selects(svc: &Service, u: &WorkloadUnit<'_>) -> bool {
    svc.meta.namespace_str() == u.namespace()
        && svc.service_type != "ExternalName"
        && !svc.selector.is_empty()
        && svc
            .selector
            .iter()
            .all(|(k, v)| u.pod().labels.get(k) == Some(v))
}
