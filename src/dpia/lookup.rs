//! Indexes over a snapshot, built once per register or connection map, so that looking up a
//! store's container, workload, Services, Ingresses or NetworkPolicies costs what the
//! answer holds rather than a scan of the whole inventory (issue 8: at 10,000 pods the
//! per-store scans made the register superlinear).
//!
//! Every lookup returns what the linear scan it replaces returned, in the same order (the
//! snapshot's): the register and the connection map stay byte-identical.

use std::collections::HashMap;

use crate::model::{
    Container, DockerVolume, Image, Ingress, Namespace, NetworkPolicy, Service, Snapshot, Workload,
    WorkloadUnit,
};

/// Items of one namespace with a label selector each, indexed by the selector's first
/// `key=value` pair: the items that may select a pod are those whose first pair is among
/// the pod's labels, plus those without a `matchLabels` pair (checked one by one).
pub(crate) struct SelectorIndex<'a, T> {
    /// In snapshot order.
    pub items: Vec<&'a T>,
    by_pair: HashMap<(&'a str, &'a str), Vec<usize>>,
    /// Items whose selector has no `key=value` pair (empty or expressions only).
    always: Vec<usize>,
}

impl<'a, T> SelectorIndex<'a, T> {
    fn new() -> Self {
        SelectorIndex {
            items: Vec::new(),
            by_pair: HashMap::new(),
            always: Vec::new(),
        }
    }

    fn push(&mut self, item: &'a T, first_pair: Option<(&'a str, &'a str)>) {
        let i = self.items.len();
        self.items.push(item);
        match first_pair {
            Some(pair) => self.by_pair.entry(pair).or_default().push(i),
            None => self.always.push(i),
        }
    }

    /// Items that may select a pod with `labels` (a superset of the matches), in snapshot
    /// order; the caller applies the full selector.
    pub fn candidates(&self, labels: &crate::model::Labels) -> Vec<&'a T> {
        let mut idx: Vec<usize> = self.always.clone();
        for (k, v) in labels {
            if let Some(b) = self.by_pair.get(&(k.as_str(), v.as_str())) {
                idx.extend(b);
            }
        }
        idx.sort_unstable();
        idx.dedup();
        idx.into_iter().map(|i| self.items[i]).collect()
    }
}

fn first_pair(m: &crate::model::Labels) -> Option<(&str, &str)> {
    m.iter().next().map(|(k, v)| (k.as_str(), v.as_str()))
}

/// Services by namespace, for Services selecting a pod. Services without a selector select
/// nothing and are left out.
pub(crate) fn services_by_namespace(s: &Snapshot) -> HashMap<&str, SelectorIndex<'_, Service>> {
    let mut out: HashMap<&str, SelectorIndex<'_, Service>> = HashMap::new();
    for svc in &s.kube.services {
        if let Some(pair) = first_pair(&svc.selector) {
            out.entry(svc.meta.namespace_str())
                .or_insert_with(SelectorIndex::new)
                .push(svc, Some(pair));
        }
    }
    out
}

/// NetworkPolicies that apply to ingress (`policyTypes` empty or naming `Ingress`), by
/// namespace.
pub(crate) fn ingress_policies_by_namespace(
    s: &Snapshot,
) -> HashMap<&str, SelectorIndex<'_, NetworkPolicy>> {
    let mut out: HashMap<&str, SelectorIndex<'_, NetworkPolicy>> = HashMap::new();
    for p in s
        .kube
        .network_policies
        .iter()
        .filter(|p| p.policy_types.is_empty() || p.applies_to_ingress())
    {
        out.entry(p.meta.namespace_str())
            .or_insert_with(SelectorIndex::new)
            .push(p, first_pair(&p.pod_selector.match_labels));
    }
    out
}

/// Whether a Service's selector (non-empty) is all in `labels`.
pub(crate) fn service_selects(svc: &Service, labels: &crate::model::Labels) -> bool {
    !svc.selector.is_empty() && svc.selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

/// Ingresses by (namespace, backend Service name), each Ingress once per Service, in
/// snapshot order.
pub(crate) fn ingresses_by_backend(s: &Snapshot) -> HashMap<(&str, &str), Vec<&Ingress>> {
    let mut out: HashMap<(&str, &str), Vec<&Ingress>> = HashMap::new();
    for ing in &s.kube.ingresses {
        let ns = ing.meta.namespace_str();
        for b in &ing.backends {
            let list = out.entry((ns, b.service.as_str())).or_default();
            if !list.last().is_some_and(|l| std::ptr::eq(*l, ing)) {
                list.push(ing);
            }
        }
    }
    out
}

/// The register's lookups: workloads, units, containers, Services, Ingresses, namespaces.
pub struct Lookup<'a> {
    pub snapshot: &'a Snapshot,
    /// `KubeInventory::units()`, computed once.
    pub units: Vec<WorkloadUnit<'a>>,
    /// (kind, namespace, name) -> the first such workload.
    workloads: HashMap<(&'a str, &'a str, &'a str), &'a Workload>,
    /// (controller kind, namespace, name) -> the first such unit.
    unit_keys: HashMap<(&'a str, &'a str, &'a str), usize>,
    /// Images by id, in snapshot order.
    images: HashMap<&'a str, Vec<&'a Image>>,
    /// Volume positions by name and by (non-empty) mountpoint.
    volumes: HashMap<&'a str, Vec<usize>>,
    /// Containers by name, in snapshot order.
    containers: HashMap<&'a str, Vec<&'a Container>>,
    /// (host, network) -> (the first container's name, whether another name shares it).
    networks: HashMap<(&'a str, &'a str), (&'a str, bool)>,
    services: HashMap<&'a str, SelectorIndex<'a, Service>>,
    ingresses: HashMap<(&'a str, &'a str), Vec<&'a Ingress>>,
    namespaces: HashMap<&'a str, &'a Namespace>,
}

impl<'a> Lookup<'a> {
    pub fn new(snapshot: &'a Snapshot) -> Self {
        let k = &snapshot.kube;
        let units = k.units();
        let mut workloads = HashMap::new();
        for w in &k.workloads {
            workloads
                .entry((
                    w.kind.as_str(),
                    w.meta.namespace_str(),
                    w.meta.name.as_str(),
                ))
                .or_insert(w);
        }
        let mut unit_keys = HashMap::new();
        for (i, u) in units.iter().enumerate() {
            unit_keys
                .entry((u.kind.as_str(), u.namespace(), u.name))
                .or_insert(i);
        }
        let mut images: HashMap<&str, Vec<&Image>> = HashMap::new();
        for i in &snapshot.docker.images {
            images.entry(i.id.as_str()).or_default().push(i);
        }
        let mut volumes: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, v) in snapshot.docker.volumes.iter().enumerate() {
            volumes.entry(v.name.as_str()).or_default().push(i);
            if !v.mountpoint.is_empty() && v.mountpoint != v.name {
                volumes.entry(v.mountpoint.as_str()).or_default().push(i);
            }
        }
        let mut containers: HashMap<&str, Vec<&Container>> = HashMap::new();
        let mut networks: HashMap<(&str, &str), (&str, bool)> = HashMap::new();
        for c in &snapshot.docker.containers {
            containers.entry(c.name.as_str()).or_default().push(c);
            for n in &c.networks {
                let e = networks
                    .entry((c.host.as_str(), n.as_str()))
                    .or_insert((c.name.as_str(), false));
                e.1 |= e.0 != c.name;
            }
        }
        let mut namespaces = HashMap::new();
        for n in &k.namespaces {
            namespaces.entry(n.meta.name.as_str()).or_insert(n);
        }
        Lookup {
            snapshot,
            units,
            workloads,
            unit_keys,
            images,
            volumes,
            containers,
            networks,
            services: services_by_namespace(snapshot),
            ingresses: ingresses_by_backend(snapshot),
            namespaces,
        }
    }

    /// The workload a store names: the controller itself, or a pod/ReplicaSet it owns
    /// (the first unit named so).
    pub fn workload(&self, kind: &str, ns: &str, name: &str) -> Option<&'a Workload> {
        self.workloads.get(&(kind, ns, name)).copied().or_else(|| {
            self.unit_keys
                .get(&(kind, ns, name))
                .map(|&i| self.units[i].workload)
        })
    }

    /// The first container named `name` for which `host_ok(container host)` holds.
    pub fn container(&self, name: &str, host_ok: impl Fn(&str) -> bool) -> Option<&'a Container> {
        self.containers
            .get(name)
            .and_then(|cs| cs.iter().find(|c| host_ok(&c.host)).copied())
    }

    /// The image a container runs, as [`crate::model::DockerInventory::image_of`] finds it.
    pub fn image_of(&self, c: &Container) -> Option<&'a Image> {
        self.images.get(c.image_id.as_str()).and_then(|is| {
            is.iter()
                .find(|i| c.host.is_empty() || i.host.is_empty() || i.host == c.host)
                .copied()
        })
    }

    /// The first volume named `source` or mounted at `source` on the container's host (or
    /// either host unknown).
    pub fn volume(&self, c: &Container, source: &str) -> Option<&'a DockerVolume> {
        let all = &self.snapshot.docker.volumes;
        self.volumes.get(source).and_then(|is| {
            is.iter()
                .copied()
                .filter(|&i| {
                    let v = &all[i];
                    v.host.is_empty() || c.host.is_empty() || v.host == c.host
                })
                .min()
                .map(|i| &all[i])
        })
    }

    /// Whether a container not named `name` on `host` is attached to `network`.
    pub fn network_shared(&self, host: &str, network: &str, name: &str) -> bool {
        self.networks
            .get(&(host, network))
            .is_some_and(|(first, other)| *first != name || *other)
    }

    /// Services in `ns` with a selector that is all in `labels`, in snapshot order.
    pub fn services_selecting(&self, ns: &str, labels: &crate::model::Labels) -> Vec<&'a Service> {
        self.services
            .get(ns)
            .map(|idx| idx.candidates(labels))
            .unwrap_or_default()
            .into_iter()
            .filter(|s| service_selects(s, labels))
            .collect()
    }

    /// Ingresses in `ns` with a backend `service`, in snapshot order.
    pub fn ingresses_to(&self, ns: &str, service: &str) -> Vec<&'a Ingress> {
        self.ingresses
            .get(&(ns, service))
            .cloned()
            .unwrap_or_default()
    }

    pub fn namespace(&self, name: &str) -> Option<&'a Namespace> {
        self.namespaces.get(name).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LabelSelector;

    fn labels(pairs: &[(&str, &str)]) -> crate::model::Labels {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn candidates_are_the_matching_buckets_and_the_unindexed_in_snapshot_order() {
        let sels = [
            LabelSelector {
                match_labels: labels(&[("app", "db")]),
                ..Default::default()
            },
            LabelSelector::default(),
            LabelSelector {
                match_labels: labels(&[("app", "web")]),
                ..Default::default()
            },
            LabelSelector {
                match_labels: labels(&[("app", "db"), ("tier", "x")]),
                ..Default::default()
            },
        ];
        let mut idx = SelectorIndex::new();
        for s in &sels {
            idx.push(s, first_pair(&s.match_labels));
        }
        let got: Vec<usize> = idx
            .candidates(&labels(&[("app", "db"), ("tier", "y")]))
            .into_iter()
            .map(|s| sels.iter().position(|x| std::ptr::eq(x, s)).unwrap())
            .collect();
        assert_eq!(got, vec![0, 1, 3]);
        let none: Vec<usize> = idx
            .candidates(&labels(&[("tier", "x")]))
            .into_iter()
            .map(|s| sels.iter().position(|x| std::ptr::eq(x, s)).unwrap())
            .collect();
        assert_eq!(none, vec![1]);
    }
}
