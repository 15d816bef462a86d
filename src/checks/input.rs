//! What a check reads: the snapshot, plus lookups the catalog shares, each built once per
//! scan on first use. At 150,000 pods the catalog spent most of its time re-deriving the
//! same things per check (the workload units: 0.1 s per check at 30,000 pods) and in
//! per-object scans (every binding per pod, every workload per policy), which made it
//! quadratic. Checks see the snapshot through `Deref`, so `s.kube.services` still reads.

use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};
use std::ops::Deref;

use crate::model::{
    KubeInventory, NetworkPolicy, Role, RoleBinding, Service, ServiceAccount, Snapshot, Workload,
    WorkloadUnit,
};

pub struct Input<'a> {
    snapshot: &'a Snapshot,
    units: OnceCell<Vec<WorkloadUnit<'a>>>,
    units_by_ns: OnceCell<HashMap<&'a str, Vec<usize>>>,
    workloads_by_ns: OnceCell<HashMap<&'a str, Vec<&'a Workload>>>,
    service_accounts: OnceCell<HashMap<(&'a str, &'a str), &'a ServiceAccount>>,
    services: OnceCell<HashMap<(&'a str, &'a str), &'a Service>>,
    policies_by_ns: OnceCell<HashMap<&'a str, Vec<&'a NetworkPolicy>>>,
    secrets: OnceCell<HashSet<(&'a str, &'a str)>>,
    config_maps: OnceCell<HashSet<(&'a str, &'a str)>>,
    rbac: OnceCell<RbacIndex<'a>>,
}

impl<'a> Deref for Input<'a> {
    type Target = Snapshot;
    fn deref(&self) -> &Snapshot {
        self.snapshot
    }
}

impl<'a> Input<'a> {
    pub fn new(snapshot: &'a Snapshot) -> Self {
        Input {
            snapshot,
            units: OnceCell::new(),
            units_by_ns: OnceCell::new(),
            workloads_by_ns: OnceCell::new(),
            service_accounts: OnceCell::new(),
            services: OnceCell::new(),
            policies_by_ns: OnceCell::new(),
            secrets: OnceCell::new(),
            config_maps: OnceCell::new(),
            rbac: OnceCell::new(),
        }
    }

    pub fn snapshot(&self) -> &'a Snapshot {
        self.snapshot
    }

    /// The pod templates to evaluate, one per controller ([`KubeInventory::units`]).
    pub fn units(&self) -> impl Iterator<Item = WorkloadUnit<'a>> + '_ {
        self.unit_list().iter().copied()
    }

    pub fn unit_list(&self) -> &[WorkloadUnit<'a>] {
        self.units.get_or_init(|| self.snapshot.kube.units())
    }

    /// The units of one namespace, in snapshot order.
    pub fn units_in(&self, namespace: &str) -> impl Iterator<Item = WorkloadUnit<'a>> + '_ {
        let by_ns = self.units_by_ns.get_or_init(|| {
            let mut map: HashMap<&'a str, Vec<usize>> = HashMap::new();
            for (i, u) in self.unit_list().iter().enumerate() {
                map.entry(u.namespace()).or_default().push(i);
            }
            map
        });
        let list = self.unit_list();
        by_ns
            .get(namespace)
            .into_iter()
            .flatten()
            .map(move |i| list[*i])
    }

    /// Every workload object (pods, ReplicaSets, controllers) of one namespace.
    pub fn workloads_in(&self, namespace: &str) -> &[&'a Workload] {
        let by_ns = self.workloads_by_ns.get_or_init(|| {
            let mut map: HashMap<&'a str, Vec<&'a Workload>> = HashMap::new();
            for w in &self.snapshot.kube.workloads {
                map.entry(w.meta.namespace_str()).or_default().push(w);
            }
            map
        });
        by_ns.get(namespace).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The NetworkPolicies of one namespace, in snapshot order.
    pub fn policies_in(&self, namespace: &str) -> &[&'a NetworkPolicy] {
        let by_ns = self.policies_by_ns.get_or_init(|| {
            let mut map: HashMap<&'a str, Vec<&'a NetworkPolicy>> = HashMap::new();
            for p in &self.snapshot.kube.network_policies {
                map.entry(p.meta.namespace_str()).or_default().push(p);
            }
            map
        });
        by_ns.get(namespace).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The Service `namespace/name` (the first, if given twice).
    pub fn service(&self, namespace: &str, name: &str) -> Option<&'a Service> {
        let map = self.services.get_or_init(|| {
            let mut map = HashMap::new();
            for svc in &self.snapshot.kube.services {
                map.entry((svc.meta.namespace_str(), svc.meta.name.as_str()))
                    .or_insert(svc);
            }
            map
        });
        map.get(&(namespace, name)).copied()
    }

    /// Whether the snapshot has Secret `namespace/name` (metadata only).
    pub fn has_secret(&self, namespace: &str, name: &str) -> bool {
        let set = self.secrets.get_or_init(|| {
            let kube = &self.snapshot.kube;
            kube.secrets
                .iter()
                .map(|x| (x.meta.namespace_str(), x.meta.name.as_str()))
                .collect()
        });
        set.contains(&(namespace, name))
    }

    /// Whether the snapshot has ConfigMap `namespace/name`.
    pub fn has_config_map(&self, namespace: &str, name: &str) -> bool {
        let set = self.config_maps.get_or_init(|| {
            let kube = &self.snapshot.kube;
            kube.config_maps
                .iter()
                .map(|x| (x.meta.namespace_str(), x.meta.name.as_str()))
                .collect()
        });
        set.contains(&(namespace, name))
    }

    /// The service account `namespace/name`, if the snapshot has it.
    pub fn service_account(&self, namespace: &str, name: &str) -> Option<&'a ServiceAccount> {
        let map = self.service_accounts.get_or_init(|| {
            let mut map = HashMap::new();
            for a in &self.snapshot.kube.service_accounts {
                map.entry((a.meta.namespace_str(), a.meta.name.as_str()))
                    .or_insert(a);
            }
            map
        });
        map.get(&(namespace, name)).copied()
    }

    /// Bindings that may name service account `namespace/name` (directly, as its user
    /// name, or through a service-account group), in snapshot order: a superset that the
    /// caller filters with `subject_covers_sa`.
    pub fn bindings_for_sa(&self, namespace: &str, name: &str) -> Vec<&'a RoleBinding> {
        self.rbac
            .get_or_init(|| RbacIndex::new(&self.snapshot.kube))
            .candidates(&self.snapshot.kube, namespace, name)
    }

    /// The role a binding refers to, looked up by kind, namespace and name.
    pub fn bound_role(&self, b: &RoleBinding) -> Option<&'a Role> {
        self.rbac
            .get_or_init(|| RbacIndex::new(&self.snapshot.kube))
            .role(b)
    }
}

/// Bindings by the service accounts their subjects can name, and roles by name.
struct RbacIndex<'a> {
    /// (namespace, name) of a ServiceAccount subject or `system:serviceaccount:NS:NAME` user.
    by_account: HashMap<(String, String), Vec<usize>>,
    /// Namespace of a `system:serviceaccounts:NS` group.
    by_namespace: HashMap<String, Vec<usize>>,
    /// Bindings to every service account (`system:serviceaccounts`, `system:authenticated`).
    everyone: Vec<usize>,
    /// (cluster-scoped, namespace or "" for cluster roles, name) -> the first such role.
    roles: HashMap<(bool, &'a str, &'a str), &'a Role>,
}

impl<'a> RbacIndex<'a> {
    fn new(kube: &'a KubeInventory) -> Self {
        let mut idx = RbacIndex {
            by_account: HashMap::new(),
            by_namespace: HashMap::new(),
            everyone: Vec::new(),
            roles: HashMap::new(),
        };
        for (i, b) in kube.bindings.iter().enumerate() {
            let binding_ns = b.meta.namespace_str();
            for s in &b.subjects {
                match s.kind.as_str() {
                    "ServiceAccount" => {
                        let ns = s
                            .namespace
                            .as_deref()
                            .filter(|n| !n.is_empty())
                            .unwrap_or(binding_ns);
                        idx.by_account
                            .entry((ns.to_string(), s.name.to_string()))
                            .or_default()
                            .push(i);
                    }
                    "User" => {
                        let parts = s
                            .name
                            .strip_prefix("system:serviceaccount:")
                            .and_then(|rest| rest.split_once(':'));
                        if let Some((ns, name)) = parts {
                            idx.by_account
                                .entry((ns.to_string(), name.to_string()))
                                .or_default()
                                .push(i);
                        }
                    }
                    "Group" => match s.name.strip_prefix("system:serviceaccounts:") {
                        Some(ns) => idx.by_namespace.entry(ns.to_string()).or_default().push(i),
                        None if s.name == "system:serviceaccounts"
                            || s.name == "system:authenticated" =>
                        {
                            idx.everyone.push(i)
                        }
                        None => {}
                    },
                    _ => {}
                }
            }
        }
        for r in &kube.roles {
            // A binding finds a ClusterRole by name alone, a Role by namespace and name.
            let ns = if r.cluster {
                ""
            } else {
                r.meta.namespace_str()
            };
            idx.roles
                .entry((r.cluster, ns, r.meta.name.as_str()))
                .or_insert(r);
        }
        idx
    }

    fn candidates(&self, kube: &'a KubeInventory, ns: &str, name: &str) -> Vec<&'a RoleBinding> {
        let mut ids: Vec<usize> = self
            .by_account
            .get(&(ns.to_string(), name.to_string()))
            .into_iter()
            .flatten()
            .chain(self.by_namespace.get(ns).into_iter().flatten())
            .chain(&self.everyone)
            .copied()
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids.into_iter().map(|i| &kube.bindings[i]).collect()
    }

    fn role(&self, b: &RoleBinding) -> Option<&'a Role> {
        let cluster = b.role_ref.kind == "ClusterRole";
        let ns = if cluster { "" } else { b.meta.namespace_str() };
        self.roles
            .get(&(cluster, ns, b.role_ref.name.as_str()))
            .copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::kube_rbac::{indexed_grants, service_account_grants};
    use crate::synth::{self, ClusterSpec};

    fn cluster(pods: usize) -> Snapshot {
        synth::snapshot(&ClusterSpec::with_pods(pods)).0
    }

    fn grant_keys(g: &[crate::checks::kube_rbac::SaGrant<'_>]) -> Vec<(String, usize, usize)> {
        g.iter()
            .map(|g| (g.binding.meta.key(), g.subject_index, g.rule_index))
            .collect()
    }

    /// The indexed lookups answer exactly what the linear scans they replace answer, for
    /// every service account and unit of a synthetic cluster and of the demo.
    #[test]
    fn indexed_lookups_match_the_linear_scans() {
        let demo = crate::sources::demo::load().expect("demo").snapshot;
        for snap in [cluster(600), demo] {
            let input = Input::new(&snap);
            let kube = &snap.kube;
            let mut accounts: Vec<(&str, &str)> = kube
                .service_accounts
                .iter()
                .map(|a| (a.meta.namespace_str(), a.meta.name.as_str()))
                .chain(
                    input
                        .units()
                        .map(|u| (u.namespace(), u.pod().service_account())),
                )
                .collect();
            accounts.sort_unstable();
            accounts.dedup();
            assert!(accounts.len() > 20, "{} accounts", accounts.len());
            let mut with_grants = 0;
            for (ns, name) in accounts {
                let linear = service_account_grants(kube, ns, name);
                with_grants += usize::from(!linear.is_empty());
                assert_eq!(
                    grant_keys(&indexed_grants(&input, ns, name)),
                    grant_keys(&linear),
                    "{ns}/{name}"
                );
                let sa = kube
                    .service_accounts
                    .iter()
                    .find(|a| a.meta.name == name && a.meta.namespace_str() == ns);
                assert_eq!(
                    input.service_account(ns, name).map(|a| &a.meta),
                    sa.map(|a| &a.meta)
                );
            }
            assert!(
                with_grants > 0,
                "no account has grants: the test would prove nothing"
            );
            for b in &kube.bindings {
                let linear = crate::checks::kube_rbac::bound_role(kube, b).map(|r| &r.meta);
                assert_eq!(
                    input.bound_role(b).map(|r| &r.meta),
                    linear,
                    "{}",
                    b.meta.key()
                );
            }
            for ns in &kube.namespaces {
                let ns = ns.meta.name.as_str();
                let linear: Vec<&str> = kube
                    .units()
                    .into_iter()
                    .filter(|u| u.namespace() == ns)
                    .map(|u| u.name)
                    .collect();
                let indexed: Vec<&str> = input.units_in(ns).map(|u| u.name).collect();
                assert_eq!(indexed, linear, "{ns}");
            }
        }
    }
}
