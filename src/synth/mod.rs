//! A deterministic generator of realistic synthetic Kubernetes clusters, for the
//! Kubernetes API stand-in of the tests, for benches at 1,000 to 150,000 pods, and for
//! `docket demo generate`. Pure code: no IO, no clock, no randomness but a seeded
//! SplitMix64 ([`rng`]), so the same [`ClusterSpec`] always gives byte-identical output.
//!
//! Objects are shaped like the items of `kubectl get <kind> -o json` (with `apiVersion`
//! and `kind`, `metadata.managedFields`, `status`, `ownerReferences`) and are streamed
//! through a callback, so 150,000 pods never sit in memory twice.
//!
//! ## What a cluster of N pods holds
//!
//! - `max(3, N/30)` nodes (5,000 at 150,000 pods) and `6 + clamp(N/50, 3, 9,994)`
//!   namespaces: `default`, `kube-system`, `kube-public`, `kube-node-lease`,
//!   `ingress-nginx`, `monitoring`, then application namespaces `<team>-<env>`.
//! - Exactly N pods: about 10% from DaemonSets (whole sets of nodes, so at most 10%),
//!   12% from StatefulSets, 5% from Jobs (most owned by CronJobs), 3% bare Pods, and the
//!   rest (about 70%) from Deployments, each with its current ReplicaSet and one older
//!   ReplicaSet scaled to 0.
//! - Per namespace: ServiceAccounts, ConfigMaps (`kube-root-ca.crt` included), Secrets,
//!   Roles and RoleBindings, NetworkPolicies (in most application namespaces),
//!   Services of every type selecting the workloads' pods, Ingresses (TLS on most).
//!   Cluster-wide: Namespaces (some with Pod Security Admission labels), Nodes,
//!   ClusterRoles (built-in, aggregated and custom) and ClusterRoleBindings.
//! - Planted problems at realistic rates (a few percent of workloads each): privileged
//!   containers, host namespaces, the Docker socket, dangerous capabilities, root users,
//!   missing probes and limits, literal secrets in env and ConfigMaps, references to
//!   missing Secrets, RBAC wildcards and Secret readers, cluster-admin bound to one
//!   workload's service account, `view` bound to `system:authenticated`, namespaces
//!   without NetworkPolicies, Ingresses without TLS. Platform DaemonSets look like their
//!   vendors ship them (kube-proxy and the CNI agent are privileged), so a tenth or so of
//!   the pods belong to a workload with a critical finding.
//!
//! Secret values are fake (an `AKIA` key id of random characters, `Summer-1234`
//! passwords) but match the patterns of [`crate::secrets`], so they are detected and
//! redacted like real ones.

mod cluster;
mod meta;
mod namespace;
mod plan;
mod rng;
mod template;
mod workloads;

#[cfg(test)]
mod tests;

use serde_json::{json, Value};

/// The seed of [`ClusterSpec::with_pods`].
pub const DEFAULT_SEED: u64 = 0x00D0_C0E7_5EED;

/// What to generate: the number of pods (every other size follows from it) and a seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClusterSpec {
    pub pods: usize,
    pub seed: u64,
}

impl ClusterSpec {
    /// A cluster of `pods` pods with the default seed.
    pub fn with_pods(pods: usize) -> Self {
        ClusterSpec {
            pods,
            seed: DEFAULT_SEED,
        }
    }
}

impl Default for ClusterSpec {
    fn default() -> Self {
        ClusterSpec::with_pods(1_000)
    }
}

/// Stream every object of the cluster to `emit`: cluster-scoped objects first
/// (Namespaces, Nodes, ClusterRoles, ClusterRoleBindings), then namespace by namespace
/// the accounts, config, RBAC, policies, Services and Ingresses, then each workload's
/// controller objects followed by its pods.
/// The cluster sizes the benches run at: a comma-separated list of pod counts (`_` allowed
/// as a digit separator), as given in `DOCKET_BENCH_PODS`; 1,000, 10,000 and 150,000 pods
/// when unset or when nothing in it is a number.
pub fn bench_sizes(spec: Option<&str>) -> Vec<usize> {
    let sizes: Vec<usize> = spec
        .unwrap_or_default()
        .split(',')
        .filter_map(|s| s.trim().replace('_', "").parse().ok())
        .collect();
    if sizes.is_empty() {
        vec![1_000, 10_000, 150_000]
    } else {
        sizes
    }
}

pub fn generate(spec: &ClusterSpec, emit: &mut dyn FnMut(Value)) {
    let plan = plan::plan(spec);
    let mut g = Gen::new(spec.seed, plan.nodes, emit);
    cluster::emit(&mut g, &plan);
    for ns in &plan.namespaces {
        namespace::emit(&mut g, ns);
        for app in &ns.apps {
            workloads::emit(&mut g, ns, app);
        }
    }
}

/// Every object of the cluster, in [`generate`]'s order.
pub fn generate_vec(spec: &ClusterSpec) -> Vec<Value> {
    let mut out = Vec::new();
    generate(spec, &mut |v| out.push(v));
    out
}

/// Wrap objects as `kubectl get ... -o json` does for mixed kinds.
pub fn kubectl_list(objects: Vec<Value>) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "List",
        "items": objects,
        "metadata": {"resourceVersion": ""},
    })
}

/// The generator's running state: the seed, the node count, address counters and the
/// output callback.
pub(crate) struct Gen<'e> {
    pub seed: u64,
    pub nodes: usize,
    emit: &'e mut dyn FnMut(Value),
    pod_ips: u32,
    service_ips: u32,
    node_ports: u32,
}

/// Pod IPs come from 10.64.0.0/10 (four million addresses), Service IPs from
/// 172.20.0.0/14 after the reserved `.1` (kubernetes) and `.10` (kube-dns).
const POD_CIDR: u32 = 10 << 24 | 64 << 16;
const SERVICE_CIDR: u32 = 172 << 24 | 20 << 16;

impl<'e> Gen<'e> {
    fn new(seed: u64, nodes: usize, emit: &'e mut dyn FnMut(Value)) -> Self {
        Gen {
            seed,
            nodes,
            emit,
            pod_ips: 0,
            service_ips: 16,
            node_ports: 0,
        }
    }

    pub(crate) fn emit(&mut self, v: Value) {
        (self.emit)(v)
    }

    pub(crate) fn pod_ip(&mut self) -> String {
        self.pod_ips += 1;
        dotted(POD_CIDR + self.pod_ips)
    }

    pub(crate) fn service_ip(&mut self) -> String {
        self.service_ips += 1;
        dotted(SERVICE_CIDR + (self.service_ips & 0x3_FFFF))
    }

    /// Fixed Service IPs (`.1` for `kubernetes`, `.10` for `kube-dns`).
    pub(crate) fn reserved_service_ip(host: u32) -> String {
        dotted(SERVICE_CIDR + host)
    }

    /// The next NodePort in 30000-32767.
    pub(crate) fn node_port(&mut self) -> u32 {
        self.node_ports += 1;
        30_000 + self.node_ports % 2_768
    }
}

/// An IPv4 address in dotted form.
pub(crate) fn dotted(ip: u32) -> String {
    let [a, b, c, d] = ip.to_be_bytes();
    format!("{a}.{b}.{c}.{d}")
}

/// The generated cluster as a Docket snapshot (through the same normalizer as file and
/// live inputs), every Kubernetes kind marked collected, with the number of objects read.
/// Used by `docket demo generate --format snapshot`, the benches and tests.
pub fn snapshot(spec: &ClusterSpec) -> (crate::model::Snapshot, usize) {
    use crate::model::{DataKind, Snapshot, SourceInfo, SourceKind};
    let mut snap = Snapshot::new();
    let mut warnings = Vec::new();
    let mut objects = 0;
    crate::model::interning(|| {
        generate(spec, &mut |obj| {
            if crate::sources::kube_json::add_object(&obj, &mut snap, &mut warnings).is_some() {
                objects += 1;
            }
        })
    });
    for kind in DataKind::ALL.into_iter().filter(|k| !k.is_docker()) {
        snap.coverage.collected(kind, "cluster");
    }
    snap.kube.cluster = Some(format!("synthetic-{}", spec.pods).into());
    snap.sources.push(SourceInfo {
        kind: SourceKind::File,
        location: format!("synthetic-{}", spec.pods),
        detail: format!(
            "docket demo generate --pods {} --seed {}",
            spec.pods, spec.seed
        ),
    });
    (snap, objects)
}
