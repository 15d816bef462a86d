//! Kubernetes inventory, normalized from API objects. Names follow the API so evidence
//! paths (`spec.containers[0].securityContext.privileged`) read like the object.

use super::exact;
use super::interned::Str;
use super::labels::Labels;
use serde::{Deserialize, Serialize};

use super::text::{EnvVar, SecretHit};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct KubeInventory {
    /// Context or cluster name when a live source knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<Str>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub nodes: Vec<Node>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub namespaces: Vec<Namespace>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub workloads: Vec<Workload>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub services: Vec<Service>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub ingresses: Vec<Ingress>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub network_policies: Vec<NetworkPolicy>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub service_accounts: Vec<ServiceAccount>,
    /// Roles and ClusterRoles.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub roles: Vec<Role>,
    /// RoleBindings and ClusterRoleBindings.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub bindings: Vec<RoleBinding>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub config_maps: Vec<ConfigMap>,
    /// Secrets as metadata only: names, types and key names, never values.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub secrets: Vec<SecretMeta>,
}

impl KubeInventory {
    pub fn merge(&mut self, other: KubeInventory) {
        if self.cluster.is_none() {
            self.cluster = other.cluster;
        }
        super::append(&mut self.nodes, other.nodes);
        super::append(&mut self.namespaces, other.namespaces);
        super::append(&mut self.workloads, other.workloads);
        super::append(&mut self.services, other.services);
        super::append(&mut self.ingresses, other.ingresses);
        super::append(&mut self.network_policies, other.network_policies);
        super::append(&mut self.service_accounts, other.service_accounts);
        super::append(&mut self.roles, other.roles);
        super::append(&mut self.bindings, other.bindings);
        super::append(&mut self.config_maps, other.config_maps);
        super::append(&mut self.secrets, other.secrets);
        use super::dedup_objects as d;
        d(&mut self.nodes, |o| (0, &o.meta));
        d(&mut self.namespaces, |o| (0, &o.meta));
        d(&mut self.workloads, |o| (o.kind as u8, &o.meta));
        d(&mut self.services, |o| (0, &o.meta));
        d(&mut self.ingresses, |o| (0, &o.meta));
        d(&mut self.network_policies, |o| (0, &o.meta));
        d(&mut self.service_accounts, |o| (0, &o.meta));
        d(&mut self.roles, |o| (u8::from(o.cluster), &o.meta));
        d(&mut self.bindings, |o| (u8::from(o.cluster), &o.meta));
        d(&mut self.config_maps, |o| (0, &o.meta));
        d(&mut self.secrets, |o| (0, &o.meta));
    }

    pub fn namespace(&self, name: &str) -> Option<&Namespace> {
        self.namespaces.iter().find(|n| n.meta.name == name)
    }

    /// The pod templates to evaluate, one per controller: a pod or ReplicaSet whose owner
    /// is in the snapshot is covered by that owner; replicas of the same controller
    /// collapse into one unit named after the controller (stable across pod restarts).
    pub fn units(&self) -> Vec<WorkloadUnit<'_>> {
        // Hash sets of borrowed keys: at 150,000 pods the ordered sets and a namespace
        // string per workload made this the most expensive step of the catalog.
        let present: std::collections::HashSet<(WorkloadKind, &str, &str)> = self
            .workloads
            .iter()
            .map(|w| (w.kind, w.meta.namespace_str(), w.meta.name.as_str()))
            .collect();
        let mut seen = std::collections::HashSet::with_capacity(self.workloads.len());
        let mut units = Vec::new();
        for w in &self.workloads {
            let ns = w.meta.namespace_str();
            let owned_by_present = w.meta.owner_references.iter().any(|o| {
                WorkloadKind::parse(&o.kind)
                    .is_some_and(|k| present.contains(&(k, ns, o.name.as_str())))
            });
            if owned_by_present {
                continue;
            }
            let (kind, name) = w.controller_identity();
            if seen.insert((ns, kind, name)) {
                units.push(WorkloadUnit {
                    workload: w,
                    kind,
                    name,
                });
            }
        }
        units
    }
}

/// One pod template to check, attributed to its top-level controller.
#[derive(Debug, Clone, Copy)]
pub struct WorkloadUnit<'a> {
    pub workload: &'a Workload,
    /// The controller kind findings are attributed to (Deployment for a ReplicaSet's pod).
    pub kind: WorkloadKind,
    pub name: &'a str,
}

impl<'a> WorkloadUnit<'a> {
    pub fn namespace(&self) -> &'a str {
        self.workload.meta.namespace_str()
    }
    pub fn pod(&self) -> &'a PodSpec {
        &self.workload.pod
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnerRef {
    pub kind: Str,
    pub name: Str,
    #[serde(
        default,
        skip_serializing_if = "str::is_empty",
        deserialize_with = "super::interned::unshared"
    )]
    pub uid: Str,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub controller: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectMeta {
    pub name: Str,
    /// None for cluster-scoped objects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<Str>,
    #[serde(
        default,
        skip_serializing_if = "str::is_empty",
        deserialize_with = "super::interned::unshared"
    )]
    pub uid: Str,
    #[serde(
        default,
        skip_serializing_if = "str::is_empty",
        deserialize_with = "super::interned::unshared"
    )]
    pub creation_timestamp: Str,
    /// Scrubbed of secrets.
    #[serde(default, skip_serializing_if = "Labels::is_empty")]
    pub labels: Labels,
    /// Scrubbed of secrets; `kubectl.kubernetes.io/last-applied-configuration` dropped.
    #[serde(default, skip_serializing_if = "Labels::is_empty")]
    pub annotations: Labels,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub owner_references: Vec<OwnerRef>,
}

impl ObjectMeta {
    pub fn namespace_str(&self) -> &str {
        self.namespace.as_deref().unwrap_or("")
    }
    /// `namespace/name`, or `name` for cluster-scoped objects.
    pub fn key(&self) -> String {
        match &self.namespace {
            Some(ns) if !ns.is_empty() => format!("{ns}/{}", self.name),
            _ => self.name.to_string(),
        }
    }
    pub fn controller(&self) -> Option<&OwnerRef> {
        self.owner_references
            .iter()
            .find(|o| o.controller)
            .or(self.owner_references.first())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Node {
    pub meta: ObjectMeta,
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub kubelet_version: Str,
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub os_image: Str,
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub kernel_version: Str,
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub container_runtime: Str,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub internal_ips: Vec<Str>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub external_ips: Vec<Str>,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub unschedulable: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Namespace {
    /// Labels include Pod Security Admission's `pod-security.kubernetes.io/*`.
    pub meta: ObjectMeta,
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub phase: Str,
}

impl Namespace {
    /// The PSA level for a mode (enforce, audit, warn), when labelled.
    pub fn psa_level(&self, mode: &str) -> Option<&str> {
        self.meta
            .labels
            .get(&format!("pod-security.kubernetes.io/{mode}"))
            .map(Str::as_str)
    }
}

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub enum WorkloadKind {
    #[default]
    Pod,
    Deployment,
    ReplicaSet,
    StatefulSet,
    DaemonSet,
    Job,
    CronJob,
    ReplicationController,
}

impl WorkloadKind {
    pub fn parse(kind: &str) -> Option<WorkloadKind> {
        Some(match kind {
            "Pod" => WorkloadKind::Pod,
            "Deployment" => WorkloadKind::Deployment,
            "ReplicaSet" => WorkloadKind::ReplicaSet,
            "StatefulSet" => WorkloadKind::StatefulSet,
            "DaemonSet" => WorkloadKind::DaemonSet,
            "Job" => WorkloadKind::Job,
            "CronJob" => WorkloadKind::CronJob,
            "ReplicationController" => WorkloadKind::ReplicationController,
            _ => return None,
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            WorkloadKind::Pod => "Pod",
            WorkloadKind::Deployment => "Deployment",
            WorkloadKind::ReplicaSet => "ReplicaSet",
            WorkloadKind::StatefulSet => "StatefulSet",
            WorkloadKind::DaemonSet => "DaemonSet",
            WorkloadKind::Job => "Job",
            WorkloadKind::CronJob => "CronJob",
            WorkloadKind::ReplicationController => "ReplicationController",
        }
    }
    /// Where the pod template lives in the object, for evidence paths.
    pub fn template_path(self) -> &'static str {
        match self {
            WorkloadKind::Pod => "spec",
            WorkloadKind::CronJob => "spec.jobTemplate.spec.template.spec",
            _ => "spec.template.spec",
        }
    }
}

impl std::fmt::Display for WorkloadKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A Pod or a controller with its pod template.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Workload {
    pub kind: WorkloadKind,
    pub meta: ObjectMeta,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i64>,
    /// CronJob schedule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<Str>,
    /// Pod phase for Pods (Running, Pending, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<Str>,
    pub pod: PodSpec,
    /// The top-level controller this object belongs to, derived when normalizing:
    /// a Pod of ReplicaSet `web-7d4b9c` with `pod-template-hash=7d4b9c` belongs to
    /// Deployment `web`; a Job created by CronJob `backup` belongs to `backup`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub controller: Option<ControllerRef>,
    /// Secrets found in the labels and annotations of the object and its pod template
    /// (values redacted). Container-level hits are in each `ContainerSpec::secrets`.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub secrets: Vec<SecretHit>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ControllerRef {
    pub kind: WorkloadKind,
    pub name: Str,
}

impl Workload {
    /// (kind, name) findings are attributed to: the derived top-level controller, else self.
    pub fn controller_identity(&self) -> (WorkloadKind, &str) {
        match &self.controller {
            Some(c) => (c.kind, c.name.as_str()),
            None => (self.kind, self.meta.name.as_str()),
        }
    }
    pub fn containers_with_init(&self) -> impl Iterator<Item = &ContainerSpec> {
        self.pod
            .init_containers
            .iter()
            .chain(self.pod.containers.iter())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeccompProfile {
    /// RuntimeDefault, Localhost, Unconfined
    #[serde(rename = "type")]
    pub kind: Str,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub localhost_profile: Option<Str>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sysctl {
    pub name: Str,
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub value: Str,
}

/// The pod-level `securityContext` (plus the pre-1.30 AppArmor and seccomp annotations,
/// folded in when normalizing).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PodSecurityContext {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_as_user: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_as_group: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_as_non_root: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fs_group: Option<i64>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub supplemental_groups: Vec<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seccomp_profile: Option<SeccompProfile>,
    /// AppArmor profile type: RuntimeDefault, Localhost, Unconfined.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apparmor_profile: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selinux_type: Option<Str>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub sysctls: Vec<Sysctl>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub windows_host_process: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ContainerSecurityContext {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privileged: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_privilege_escalation: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_as_user: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_as_group: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_as_non_root: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_only_root_filesystem: Option<bool>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub capabilities_add: Vec<Str>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub capabilities_drop: Vec<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seccomp_profile: Option<SeccompProfile>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apparmor_profile: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selinux_type: Option<Str>,
    /// Default or Unmasked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proc_mount: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub windows_host_process: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resources {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests_cpu: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests_memory: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limits_cpu: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limits_memory: Option<Str>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContainerPort {
    pub container_port: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_port: Option<i64>,
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub protocol: Str,
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub name: Str,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VolumeMount {
    pub name: Str,
    pub mount_path: Str,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub read_only: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvFromSource {
    /// "Secret" or "ConfigMap".
    pub kind: Str,
    pub name: Str,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub optional: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ContainerSpec {
    pub name: Str,
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub image: Str,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_pull_policy: Option<Str>,
    /// Scrubbed.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub command: Vec<Str>,
    /// Scrubbed.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub args: Vec<Str>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub env: Vec<EnvVar>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub env_from: Vec<EnvFromSource>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub ports: Vec<ContainerPort>,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub security_context: ContainerSecurityContext,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub resources: Resources,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub liveness_probe: bool,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub readiness_probe: bool,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub startup_probe: bool,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub volume_mounts: Vec<VolumeMount>,
    /// True for init containers.
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub init: bool,
    /// Index in `containers` or `initContainers`, for evidence paths.
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub index: usize,
    /// Secrets found in env, command and args (values redacted).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub secrets: Vec<SecretHit>,
}

impl ContainerSpec {
    /// `containers[2]` or `initContainers[0]`.
    pub fn path(&self) -> Str {
        if self.init {
            format!("initContainers[{}]", self.index).into()
        } else {
            format!("containers[{}]", self.index).into()
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Volume {
    pub name: Str,
    /// The volume source key: hostPath, emptyDir, secret, configMap,
    /// persistentVolumeClaim, projected, downwardAPI, csi, ephemeral, nfs, ...
    pub kind: Str,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_path: Option<Str>,
    /// Secret or ConfigMap name, or PVC claim name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<Str>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PodSpec {
    /// Template labels (what Services and NetworkPolicies select on).
    #[serde(default, skip_serializing_if = "Labels::is_empty")]
    pub labels: Labels,
    #[serde(default, skip_serializing_if = "Labels::is_empty")]
    pub annotations: Labels,
    /// Empty means `default`.
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub service_account_name: Str,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub automount_service_account_token: Option<bool>,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub host_network: bool,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub host_pid: bool,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub host_ipc: bool,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub security_context: PodSecurityContext,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub volumes: Vec<Volume>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub containers: Vec<ContainerSpec>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub init_containers: Vec<ContainerSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_name: Option<Str>,
}

impl PodSpec {
    pub fn service_account(&self) -> &str {
        if self.service_account_name.is_empty() {
            "default"
        } else {
            &self.service_account_name
        }
    }
    pub fn all_containers(&self) -> impl Iterator<Item = &ContainerSpec> {
        self.init_containers.iter().chain(self.containers.iter())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServicePort {
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub name: Str,
    pub port: i64,
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub target_port: Str,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_port: Option<i64>,
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub protocol: Str,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Service {
    pub meta: ObjectMeta,
    /// ClusterIP, NodePort, LoadBalancer, ExternalName
    #[serde(rename = "type", default)]
    pub service_type: Str,
    #[serde(default, skip_serializing_if = "Labels::is_empty")]
    pub selector: Labels,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub ports: Vec<ServicePort>,
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub cluster_ip: Str,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub external_ips: Vec<Str>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub load_balancer_ingress: Vec<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_name: Option<Str>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IngressBackend {
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub host: Str,
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub path: Str,
    pub service: Str,
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub port: Str,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Ingress {
    pub meta: ObjectMeta,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ingress_class: Option<Str>,
    /// Every (host, path) -> service route, plus the default backend with empty host.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub backends: Vec<IngressBackend>,
    /// Hosts covered by `spec.tls`.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub tls_hosts: Vec<Str>,
    /// Whether `spec.tls` is present at all.
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub has_tls: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelSelectorRequirement {
    pub key: Str,
    /// In, NotIn, Exists, DoesNotExist
    pub operator: Str,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub values: Vec<Str>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelSelector {
    #[serde(default, skip_serializing_if = "Labels::is_empty")]
    pub match_labels: Labels,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub match_expressions: Vec<LabelSelectorRequirement>,
}

impl LabelSelector {
    /// Kubernetes semantics: an empty selector matches everything.
    pub fn matches(&self, labels: &Labels) -> bool {
        self.match_labels
            .iter()
            .all(|(k, v)| labels.get(k) == Some(v))
            && self.match_expressions.iter().all(|e| {
                let val = labels.get(&e.key);
                match e.operator.as_str() {
                    "In" => val.is_some_and(|v| e.values.contains(v)),
                    "NotIn" => val.is_none_or(|v| !e.values.contains(v)),
                    "Exists" => val.is_some(),
                    "DoesNotExist" => val.is_none(),
                    _ => false,
                }
            })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkPolicyPeer {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_selector: Option<LabelSelector>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace_selector: Option<LabelSelector>,
    /// ipBlock.cidr
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_block: Option<Str>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub ip_block_except: Vec<Str>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkPolicyPort {
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub protocol: Str,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<Str>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkPolicyRule {
    /// Empty `from`/`to` means all peers.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub peers: Vec<NetworkPolicyPeer>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub ports: Vec<NetworkPolicyPort>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NetworkPolicy {
    pub meta: ObjectMeta,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub pod_selector: LabelSelector,
    /// Ingress, Egress (as defaulted by the API: Ingress always, Egress when egress rules exist).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub policy_types: Vec<Str>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub ingress: Vec<NetworkPolicyRule>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub egress: Vec<NetworkPolicyRule>,
}

impl NetworkPolicy {
    pub fn applies_to_ingress(&self) -> bool {
        self.policy_types.iter().any(|t| t == "Ingress")
    }
    pub fn applies_to_egress(&self) -> bool {
        self.policy_types.iter().any(|t| t == "Egress")
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ServiceAccount {
    pub meta: ObjectMeta,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub automount_service_account_token: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyRule {
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub api_groups: Vec<Str>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub resources: Vec<Str>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub verbs: Vec<Str>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub resource_names: Vec<Str>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub non_resource_urls: Vec<Str>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Role {
    pub meta: ObjectMeta,
    /// True for ClusterRole.
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub cluster: bool,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub rules: Vec<PolicyRule>,
}

impl Role {
    pub fn kind(&self) -> &'static str {
        if self.cluster {
            "ClusterRole"
        } else {
            "Role"
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject {
    /// User, Group, ServiceAccount
    pub kind: Str,
    pub name: Str,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<Str>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleRef {
    /// Role or ClusterRole
    pub kind: Str,
    pub name: Str,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RoleBinding {
    pub meta: ObjectMeta,
    /// True for ClusterRoleBinding.
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub cluster: bool,
    pub role_ref: RoleRef,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub subjects: Vec<Subject>,
}

impl RoleBinding {
    pub fn kind(&self) -> &'static str {
        if self.cluster {
            "ClusterRoleBinding"
        } else {
            "RoleBinding"
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ConfigMap {
    pub meta: ObjectMeta,
    /// Keys of `data` and `binaryData`; values are not kept.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub keys: Vec<Str>,
    /// Secrets found in the values (redacted).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub secrets: Vec<SecretHit>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SecretMeta {
    pub meta: ObjectMeta,
    #[serde(rename = "type", default)]
    pub secret_type: Str,
    /// Key names only.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub keys: Vec<Str>,
}
