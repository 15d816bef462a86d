//! Kubernetes reachability: NetworkPolicies selecting a store's pods, the Services that
//! select them, and the ways in from outside (Ingress routes, NodePort / LoadBalancer /
//! externalIPs, hostPort, hostNetwork), plus one hop through an exposed workload.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::gaps::ScopedGaps;
use super::kube_hops::enters;
use super::kube_paths::{ingress_paths, node_paths, service_paths};
use super::kube_peers::{policy_sources, selector_str, NsIndex, PeerCache};
use super::{blank, Exposure, Hop, NodeKind, ReachPath, Reachability, StoreReach};
use crate::dpia::lookup::{
    ingress_policies_by_namespace, ingresses_by_backend, services_by_namespace, SelectorIndex,
};
use crate::findings::ResourceRef;
use crate::model::{DataKind, Ingress, NetworkPolicy, Service, Snapshot, Workload, WorkloadUnit};

/// What one workload looks like from outside: its reachability and its own ways in.
pub(super) struct UnitView {
    pub(super) reach: Reachability,
    /// Direct paths ending at this workload (as a [`NodeKind::Store`] hop).
    pub(super) direct: Vec<ReachPath>,
    services: Vec<ResourceRef>,
    notes: Vec<String>,
    unknown: Vec<String>,
    /// Why a missing direct path may exist (Services or Ingresses unread).
    exposure_gap: Option<String>,
}

pub(super) struct KubeCtx<'a> {
    pub(super) units: Vec<WorkloadUnit<'a>>,
    pub(super) views: Vec<UnitView>,
    /// (kind, namespace, name) of each unit -> its index (the last unit so named).
    index: BTreeMap<(&'a str, &'a str, &'a str), usize>,
    /// (kind, namespace, name) of each unit -> the first unit so named.
    first: HashMap<(&'a str, &'a str, &'a str), usize>,
    /// Workloads by (kind, namespace, name), for stores named by a ReplicaSet or Pod.
    workloads: HashMap<(&'a str, &'a str, &'a str), Vec<&'a Workload>>,
    /// Per unit: its direct paths another workload's traffic can come in by (open, and not
    /// a hostNetwork pod without declared ports).
    pub(super) entries: Vec<usize>,
    /// Units with at least one such path, in unit order, and the sum of `entries`.
    pub(super) exposed: Vec<usize>,
    pub(super) entries_total: usize,
}

/// What every unit's view is built from, indexed once.
struct ViewInputs<'a, 'n> {
    units: &'n [WorkloadUnit<'a>],
    ns: &'n NsIndex,
    node_ips: Vec<String>,
    /// Per namespace of a unit: why NetworkPolicies, Services, Ingresses are not known.
    gaps: HashMap<&'a str, [Option<String>; 3]>,
    policies: HashMap<&'a str, SelectorIndex<'a, NetworkPolicy>>,
    services: HashMap<&'a str, SelectorIndex<'a, Service>>,
    ingresses: HashMap<(&'a str, &'a str), Vec<&'a Ingress>>,
}

impl<'a> KubeCtx<'a> {
    /// `units` are `s.kube.units()` (the caller may have them already).
    pub(super) fn new(s: &'a Snapshot, units: Vec<WorkloadUnit<'a>>) -> Self {
        let ns = NsIndex::new(s, &units);
        let others = ns.names();
        let inputs = ViewInputs {
            units: &units,
            ns: &ns,
            node_ips: node_external_ips(s),
            gaps: namespace_gaps(s, &units, others),
            policies: ingress_policies_by_namespace(s),
            services: services_by_namespace(s),
            ingresses: ingresses_by_backend(s),
        };
        let mut peers = PeerCache::new(&units);
        let views: Vec<UnitView> = (0..units.len())
            .map(|i| view(&inputs, i, &mut peers))
            .collect();
        drop(peers);
        drop(inputs);
        let index = units
            .iter()
            .enumerate()
            .map(|(i, u)| ((u.kind.as_str(), u.namespace(), u.name), i))
            .collect();
        let mut first = HashMap::new();
        for (i, u) in units.iter().enumerate() {
            first
                .entry((u.kind.as_str(), u.namespace(), u.name))
                .or_insert(i);
        }
        let mut workloads: HashMap<_, Vec<&Workload>> = HashMap::new();
        for w in &s.kube.workloads {
            workloads
                .entry((
                    w.kind.as_str(),
                    w.meta.namespace_str(),
                    w.meta.name.as_str(),
                ))
                .or_default()
                .push(w);
        }
        let entries: Vec<usize> = views
            .iter()
            .map(|v| v.direct.iter().filter(|p| enters(p)).count())
            .collect();
        let exposed = (0..units.len()).filter(|&j| entries[j] > 0).collect();
        let entries_total = entries.iter().sum();
        KubeCtx {
            units,
            views,
            index,
            first,
            workloads,
            entries,
            exposed,
            entries_total,
        }
    }

    pub(super) fn find(&self, r: &ResourceRef) -> Option<usize> {
        let ns = r.namespace.as_deref().unwrap_or("");
        let by_unit = self
            .index
            .get(&(r.kind.as_str(), ns, r.name.as_str()))
            .copied();
        by_unit.or_else(|| {
            // A store named by a ReplicaSet or Pod that belongs to a controller: the first
            // unit that is the controller of one so named.
            self.workloads
                .get(&(r.kind.as_str(), ns, r.name.as_str()))?
                .iter()
                .filter_map(|w| {
                    let (kind, name) = w.controller_identity();
                    self.first.get(&(kind.as_str(), ns, name)).copied()
                })
                .min()
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
}

fn store_label(r: &ResourceRef) -> String {
    format!(
        "{} {}/{}",
        r.kind,
        r.namespace.as_deref().unwrap_or(""),
        r.name
    )
}

pub(super) fn unit_label(u: &WorkloadUnit<'_>) -> String {
    format!("{} {}/{}", u.kind, u.namespace(), u.name)
}

pub(super) fn unit_ref(u: &WorkloadUnit<'_>) -> ResourceRef {
    ResourceRef::kube(u.kind.as_str(), Some(u.namespace()), u.name)
}

pub(super) fn relabel_store(p: &ReachPath, label: &str) -> ReachPath {
    let mut p = p.clone();
    if let Some(last) = p.hops.last_mut() {
        last.label = label.to_string();
    }
    p
}

/// The coverage gaps of every unit's namespace, asked once per namespace.
fn namespace_gaps<'a>(
    s: &Snapshot,
    units: &[WorkloadUnit<'a>],
    others: BTreeSet<&str>,
) -> HashMap<&'a str, [Option<String>; 3]> {
    let kinds = [
        DataKind::KubeNetworkPolicies,
        DataKind::KubeServices,
        DataKind::KubeIngresses,
    ];
    let scoped = kinds.map(|k| ScopedGaps::new(s, k, others.clone()));
    let mut out = HashMap::new();
    for u in units {
        out.entry(u.namespace())
            .or_insert_with(|| scoped.each_ref().map(|g| g.gap(u.namespace())));
    }
    out
}

fn node_external_ips(s: &Snapshot) -> Vec<String> {
    let mut ips: Vec<String> = s
        .kube
        .nodes
        .iter()
        .flat_map(|n| n.external_ips.iter().map(|ip| ip.to_string()))
        .collect();
    ips.sort();
    ips.dedup();
    ips
}

fn view<'n>(inputs: &ViewInputs<'_, 'n>, i: usize, peers: &mut PeerCache<'n>) -> UnitView {
    let u = &inputs.units[i];
    let ns = u.namespace();
    let mut unknown = Vec::new();
    let mut notes = Vec::new();
    let labels = &u.pod().labels;

    let [policy_gap, svc_gap, ing_gap] = inputs.gaps.get(ns).cloned().unwrap_or_default();
    let ns_policies = inputs.policies.get(ns);
    let policies: Vec<&NetworkPolicy> = ns_policies
        .map(|p| p.candidates(labels))
        .unwrap_or_default()
        .into_iter()
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
        let (sources, ns_note) = policy_sources(inputs.units, i, &policies, inputs.ns, peers);
        unknown.extend(ns_note);
        Reachability::Restricted { sources }
    };

    if reach == Reachability::ClusterWide {
        let others: Vec<String> = ns_policies
            .map(|p| p.items.as_slice())
            .unwrap_or_default()
            .iter()
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
    unknown.extend(svc_gap.iter().cloned());
    unknown.extend(ing_gap.iter().cloned());
    let selecting = inputs
        .services
        .get(ns)
        .map(|idx| idx.candidates(labels))
        .unwrap_or_default();
    for svc in selecting.into_iter().filter(|svc| selects(svc, u)) {
        services.push(ResourceRef::kube(
            "Service",
            svc.meta.namespace.as_deref(),
            &svc.meta.name,
        ));
        service_paths(svc, &store, &inputs.node_ips, &mut direct);
        let routes = inputs.ingresses.get(&(ns, svc.meta.name.as_str()));
        for ing in routes.into_iter().flatten() {
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
