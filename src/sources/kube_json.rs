//! Kubernetes API objects (as `kubectl get -o json`, manifests, or `serde_json::to_value` of
//! a kube-rs object) normalized into the model. One small function per kind, dispatched
//! through the [`KINDS`] table.
//!
//! Security rules applied here: env, command, args, labels and annotations are scrubbed;
//! `kubectl.kubernetes.io/last-applied-configuration` is dropped; ConfigMap values are
//! scanned and dropped (keys and hits kept); Secret values are never read at all (key names
//! only); `managedFields` and `status` bulk are never copied.

use serde_json::Value;

use super::value::{
    arr, bool_at, get, keys, opt_bool, opt_i64, opt_str, scalar_string, scrubbed_map, str_at,
    str_map, strings,
};
use crate::model::{
    ConfigMap, ContainerPort, ContainerSecurityContext, ContainerSpec, ControllerRef, DataKind,
    EnvFromSource, EnvValue, EnvVar, Ingress, IngressBackend, LabelSelector,
    LabelSelectorRequirement, Labels, Namespace, NetworkPolicy, NetworkPolicyPeer,
    NetworkPolicyPort, NetworkPolicyRule, Node, ObjectMeta, OwnerRef, PodSecurityContext, PodSpec,
    PolicyRule, Resources, Role, RoleBinding, RoleRef, SeccompProfile, SecretHit, SecretMeta,
    Service, ServiceAccount, ServicePort, Snapshot, Str, Subject, Sysctl, Volume, VolumeMount,
    Workload, WorkloadKind,
};
use crate::secrets;

type Normalizer = fn(kind: &str, v: &Value, snap: &mut Snapshot, warnings: &mut Vec<String>);

/// One supported kind: its name, the data it provides, whether it is namespaced, and
/// the function that adds it to a snapshot.
pub struct KindEntry {
    pub kind: &'static str,
    pub data: DataKind,
    pub namespaced: bool,
    normalize: Normalizer,
}

const fn k(
    kind: &'static str,
    data: DataKind,
    namespaced: bool,
    normalize: Normalizer,
) -> KindEntry {
    KindEntry {
        kind,
        data,
        namespaced,
        normalize,
    }
}

/// Every Kubernetes kind Docket reads.
pub const KINDS: &[KindEntry] = &[
    k("Namespace", DataKind::KubeNamespaces, false, namespace),
    k("Node", DataKind::KubeNodes, false, node),
    k("Pod", DataKind::KubeWorkloads, true, workload),
    k("Deployment", DataKind::KubeWorkloads, true, workload),
    k("ReplicaSet", DataKind::KubeWorkloads, true, workload),
    k("StatefulSet", DataKind::KubeWorkloads, true, workload),
    k("DaemonSet", DataKind::KubeWorkloads, true, workload),
    k("Job", DataKind::KubeWorkloads, true, workload),
    k("CronJob", DataKind::KubeWorkloads, true, workload),
    k(
        "ReplicationController",
        DataKind::KubeWorkloads,
        true,
        workload,
    ),
    k("Service", DataKind::KubeServices, true, service),
    k("Ingress", DataKind::KubeIngresses, true, ingress),
    k(
        "NetworkPolicy",
        DataKind::KubeNetworkPolicies,
        true,
        network_policy,
    ),
    k(
        "ServiceAccount",
        DataKind::KubeServiceAccounts,
        true,
        service_account,
    ),
    k("Role", DataKind::KubeRbac, true, role),
    k("ClusterRole", DataKind::KubeRbac, false, role),
    k("RoleBinding", DataKind::KubeRbac, true, binding),
    k("ClusterRoleBinding", DataKind::KubeRbac, false, binding),
    k("ConfigMap", DataKind::KubeConfigMaps, true, config_map),
    k("Secret", DataKind::KubeSecrets, true, secret),
];

/// The table entry of a kind, if Docket reads it.
pub fn kind_entry(kind: &str) -> Option<&'static KindEntry> {
    KINDS.iter().find(|e| e.kind == kind)
}

/// The data a kind provides, if Docket reads it.
pub fn data_kind(kind: &str) -> Option<DataKind> {
    kind_entry(kind).map(|e| e.data)
}

/// Add one Kubernetes object (with `kind`) to the snapshot. Returns the data kind it was
/// added as, or `None` when its kind is not one Docket reads (the caller counts those and
/// warns once per kind). Coverage is left to the caller, which knows the scope.
pub fn add_object(v: &Value, snap: &mut Snapshot, warnings: &mut Vec<String>) -> Option<DataKind> {
    let kind = get(v, &["kind"]).and_then(Value::as_str)?;
    add_object_of_kind(kind, v, snap, warnings)
}

/// Like [`add_object`], with the kind given: items of typed lists (`PodList`) as the API
/// server returns them carry no `kind` of their own.
pub fn add_object_of_kind(
    kind: &str,
    v: &Value,
    snap: &mut Snapshot,
    warnings: &mut Vec<String>,
) -> Option<DataKind> {
    let entry = kind_entry(kind)?;
    if !v.is_object() {
        warnings.push(format!("a {kind} that is not an object was skipped"));
        return None;
    }
    (entry.normalize)(kind, v, snap, warnings);
    Some(entry.data)
}

/// `metadata`, with labels and annotations scrubbed (hits appended to `hits`) and the
/// last-applied-configuration annotation dropped. Namespaced objects without a namespace
/// (manifests) are placed in `default`, where `kubectl apply` would put them.
fn meta(kind: &str, v: &Value, hits: &mut Vec<SecretHit>) -> ObjectMeta {
    let namespaced = kind_entry(kind).is_some_and(|e| e.namespaced);
    let namespace = match opt_str::<String>(v, &["metadata", "namespace"]) {
        Some(ns) if namespaced && !ns.is_empty() => Some(ns.into()),
        _ if namespaced => Some("default".into()),
        _ => None,
    };
    ObjectMeta {
        name: str_at(v, &["metadata", "name"]),
        namespace,
        uid: Str::unshared(str_at(v, &["metadata", "uid"])),
        creation_timestamp: Str::unshared(str_at(v, &["metadata", "creationTimestamp"])),
        labels: scrubbed_map(v, &["metadata", "labels"], "label", hits),
        annotations: scrubbed_map(v, &["metadata", "annotations"], "annotation", hits),
        owner_references: arr(v, &["metadata", "ownerReferences"])
            .iter()
            .map(|o| OwnerRef {
                kind: str_at(o, &["kind"]),
                name: str_at(o, &["name"]),
                uid: Str::unshared(str_at(o, &["uid"])),
                controller: bool_at(o, &["controller"]),
            })
            .collect(),
    }
}

fn selector(v: Option<&Value>) -> Option<LabelSelector> {
    let v = v.filter(|v| v.is_object())?;
    Some(LabelSelector {
        match_labels: str_map(v, &["matchLabels"]).into(),
        match_expressions: arr(v, &["matchExpressions"])
            .iter()
            .map(|e| LabelSelectorRequirement {
                key: str_at(e, &["key"]),
                operator: str_at(e, &["operator"]),
                values: strings(e, &["values"]),
            })
            .collect(),
    })
}

// ---------------------------------------------------------------- workloads

fn workload(kind: &str, v: &Value, snap: &mut Snapshot, warnings: &mut Vec<String>) {
    let Some(wkind) = WorkloadKind::parse(kind) else {
        return;
    };
    let mut hits = Vec::new();
    let meta = meta(kind, v, &mut hits);
    let template = match wkind {
        WorkloadKind::Pod => Some(v),
        WorkloadKind::CronJob => get(v, &["spec", "jobTemplate", "spec", "template"]),
        _ => get(v, &["spec", "template"]),
    };
    let empty = Value::Null;
    let template = template.unwrap_or(&empty);
    let (labels, annotations) = if wkind == WorkloadKind::Pod {
        (meta.labels.clone(), meta.annotations.clone())
    } else {
        (
            scrubbed_map(
                template,
                &["metadata", "labels"],
                "template.label",
                &mut hits,
            ),
            scrubbed_map(
                template,
                &["metadata", "annotations"],
                "template.annotation",
                &mut hits,
            ),
        )
    };
    let spec = get(template, &["spec"]).unwrap_or(&empty);
    if !spec.is_object() {
        warnings.push(format!(
            "{kind} {}: no pod template at {}; its containers are not checked",
            meta.key(),
            wkind.template_path()
        ));
    }
    let pod = pod_spec(spec, labels, annotations);
    let controller = controller_of(wkind, v, &meta);
    let phase = if wkind == WorkloadKind::Pod {
        opt_str(v, &["status", "phase"])
    } else {
        None
    };
    snap.kube.workloads.push(Workload {
        kind: wkind,
        replicas: opt_i64(v, &["spec", "replicas"]),
        schedule: opt_str(v, &["spec", "schedule"]).filter(|_| wkind == WorkloadKind::CronJob),
        phase,
        pod,
        controller,
        secrets: hits,
        meta,
    });
}

/// The top-level controller of a workload, from its owner references:
///
/// - Pod of ReplicaSet `X-<hash>` labelled `pod-template-hash=<hash>` -> Deployment `X`;
/// - ReplicaSet owned by a Deployment -> that Deployment; Job owned by a CronJob -> it;
/// - Pod owned by Job `<cron>-<8 or more digits>` -> CronJob `<cron>`. This is a
///   heuristic: the CronJob controller names its Jobs `<cronjob>-<scheduled time in
///   minutes>`; a hand-made Job named like that is attributed to a CronJob too;
/// - any other workload owner (StatefulSet, DaemonSet, Job, ...) -> that owner;
/// - no owner, or a non-workload owner (a Node for static pods) -> `None`.
pub fn controller_of(kind: WorkloadKind, v: &Value, meta: &ObjectMeta) -> Option<ControllerRef> {
    let owner = meta.controller()?;
    let okind = WorkloadKind::parse(&owner.kind)?;
    let to = |kind: WorkloadKind, name: &str| {
        Some(ControllerRef {
            kind,
            name: name.to_string().into(),
        })
    };
    match (kind, okind) {
        (WorkloadKind::Pod, WorkloadKind::ReplicaSet) => {
            let hash: String = str_at(v, &["metadata", "labels", "pod-template-hash"]);
            match owner.name.strip_suffix(&format!("-{hash}")) {
                Some(deploy) if !hash.is_empty() && !deploy.is_empty() => {
                    to(WorkloadKind::Deployment, deploy)
                }
                _ => to(WorkloadKind::ReplicaSet, &owner.name),
            }
        }
        (WorkloadKind::Pod, WorkloadKind::Job) => match owner.name.rsplit_once('-') {
            Some((cron, stamp))
                if !cron.is_empty()
                    && stamp.len() >= 8
                    && stamp.bytes().all(|b| b.is_ascii_digit()) =>
            {
                to(WorkloadKind::CronJob, cron)
            }
            _ => to(WorkloadKind::Job, &owner.name),
        },
        (_, okind) => to(okind, &owner.name),
    }
}

/// Pre-1.30 AppArmor annotation value to a profile type.
fn apparmor_from_annotation(value: &str) -> Option<String> {
    Some(match value {
        "runtime/default" => "RuntimeDefault".to_string(),
        "unconfined" => "Unconfined".to_string(),
        v if v.starts_with("localhost/") => "Localhost".to_string(),
        _ => return None,
    })
}

/// Pre-1.19 seccomp annotation value to a profile.
fn seccomp_from_annotation(value: &str) -> Option<SeccompProfile> {
    let (kind, localhost_profile) = match value {
        "runtime/default" | "docker/default" => ("RuntimeDefault", None),
        "unconfined" => ("Unconfined", None),
        v => ("Localhost", Some(v.strip_prefix("localhost/")?.to_string())),
    };
    Some(SeccompProfile {
        kind: kind.to_string().into(),
        localhost_profile: localhost_profile.map(Str::from),
    })
}

fn seccomp(v: &Value) -> Option<SeccompProfile> {
    let s = get(v, &["seccompProfile"]).filter(|s| s.is_object())?;
    Some(SeccompProfile {
        kind: str_at(s, &["type"]),
        localhost_profile: opt_str(s, &["localhostProfile"]),
    })
}

fn pod_spec(spec: &Value, labels: Labels, annotations: Labels) -> PodSpec {
    let sc = get(spec, &["securityContext"]).unwrap_or(&Value::Null);
    let mut security_context = PodSecurityContext {
        run_as_user: opt_i64(sc, &["runAsUser"]),
        run_as_group: opt_i64(sc, &["runAsGroup"]),
        run_as_non_root: opt_bool(sc, &["runAsNonRoot"]),
        fs_group: opt_i64(sc, &["fsGroup"]),
        supplemental_groups: arr(sc, &["supplementalGroups"])
            .iter()
            .filter_map(Value::as_i64)
            .collect(),
        seccomp_profile: seccomp(sc),
        apparmor_profile: opt_str(sc, &["appArmorProfile", "type"]),
        selinux_type: opt_str(sc, &["seLinuxOptions", "type"]),
        sysctls: arr(sc, &["sysctls"])
            .iter()
            .map(|s| Sysctl {
                name: str_at(s, &["name"]),
                value: get(s, &["value"])
                    .and_then(scalar_string)
                    .unwrap_or_default()
                    .into(),
            })
            .collect(),
        windows_host_process: opt_bool(sc, &["windowsOptions", "hostProcess"]),
    };
    if security_context.seccomp_profile.is_none() {
        security_context.seccomp_profile = annotations
            .get("seccomp.security.alpha.kubernetes.io/pod")
            .and_then(|a| seccomp_from_annotation(a));
    }
    let volumes = arr(spec, &["volumes"])
        .iter()
        .map(|vol| {
            let kind = vol
                .as_object()
                .and_then(|m| m.keys().find(|k| *k != "name").cloned())
                .unwrap_or_default();
            let reference = match kind.as_str() {
                "secret" => opt_str(vol, &["secret", "secretName"]),
                "configMap" => opt_str(vol, &["configMap", "name"]),
                "persistentVolumeClaim" => opt_str(vol, &["persistentVolumeClaim", "claimName"]),
                _ => None,
            };
            Volume {
                name: str_at(vol, &["name"]),
                host_path: opt_str(vol, &["hostPath", "path"]),
                reference,
                kind: kind.into(),
            }
        })
        .collect();
    let containers = |key: &str, init: bool| -> Vec<ContainerSpec> {
        arr(spec, &[key])
            .iter()
            .enumerate()
            .map(|(i, c)| container_spec(c, i, init, &annotations))
            .collect()
    };
    PodSpec {
        service_account_name: opt_str(spec, &["serviceAccountName"])
            .or_else(|| opt_str(spec, &["serviceAccount"]))
            .unwrap_or_default(),
        automount_service_account_token: opt_bool(spec, &["automountServiceAccountToken"]),
        host_network: bool_at(spec, &["hostNetwork"]),
        host_pid: bool_at(spec, &["hostPID"]),
        host_ipc: bool_at(spec, &["hostIPC"]),
        security_context,
        volumes,
        containers: containers("containers", false),
        init_containers: containers("initContainers", true),
        node_name: opt_str(spec, &["nodeName"]),
        labels,
        annotations,
    }
}

fn env_var(e: &Value, hits: &mut Vec<SecretHit>) -> EnvVar {
    let name: Str = str_at(e, &["name"]);
    let key_ref = |kind: &str| {
        get(e, &["valueFrom", kind])
            .filter(|r| r.is_object())
            .map(|r| {
                (
                    str_at(r, &["name"]),
                    str_at(r, &["key"]),
                    bool_at(r, &["optional"]),
                )
            })
    };
    let value = if let Some((name, key, optional)) = key_ref("secretKeyRef") {
        EnvValue::SecretRef {
            name,
            key,
            optional,
        }
    } else if let Some((name, key, optional)) = key_ref("configMapKeyRef") {
        EnvValue::ConfigMapRef {
            name,
            key,
            optional,
        }
    } else if let Some(path) = opt_str(e, &["valueFrom", "fieldRef", "fieldPath"]) {
        EnvValue::FieldRef { path }
    } else if let Some(res) = opt_str(e, &["valueFrom", "resourceFieldRef", "resource"]) {
        EnvValue::FieldRef { path: res }
    } else {
        let raw = get(e, &["value"]).and_then(scalar_string);
        let (value, h) = secrets::scrub_env(&name, raw.as_deref(), &format!("env.{name}"));
        hits.extend(h);
        value
    };
    EnvVar { name, value }
}

fn container_spec(c: &Value, index: usize, init: bool, annotations: &Labels) -> ContainerSpec {
    let mut hits = Vec::new();
    let name = str_at(c, &["name"]);
    let (command, h) = secrets::scrub_args(&strings(c, &["command"]), "command");
    hits.extend(h);
    let (args, h) = secrets::scrub_args(&strings(c, &["args"]), "args");
    hits.extend(h);
    let env = arr(c, &["env"])
        .iter()
        .map(|e| env_var(e, &mut hits))
        .collect();
    let env_from = arr(c, &["envFrom"])
        .iter()
        .filter_map(|e| {
            let (kind, r) = if let Some(r) = get(e, &["secretRef"]) {
                ("Secret", r)
            } else {
                ("ConfigMap", get(e, &["configMapRef"])?)
            };
            Some(EnvFromSource {
                kind: kind.to_string().into(),
                name: str_at(r, &["name"]),
                optional: bool_at(r, &["optional"]),
            })
        })
        .collect();
    let sc = get(c, &["securityContext"]).unwrap_or(&Value::Null);
    let mut security_context = ContainerSecurityContext {
        privileged: opt_bool(sc, &["privileged"]),
        allow_privilege_escalation: opt_bool(sc, &["allowPrivilegeEscalation"]),
        run_as_user: opt_i64(sc, &["runAsUser"]),
        run_as_group: opt_i64(sc, &["runAsGroup"]),
        run_as_non_root: opt_bool(sc, &["runAsNonRoot"]),
        read_only_root_filesystem: opt_bool(sc, &["readOnlyRootFilesystem"]),
        capabilities_add: strings(sc, &["capabilities", "add"]),
        capabilities_drop: strings(sc, &["capabilities", "drop"]),
        seccomp_profile: seccomp(sc),
        apparmor_profile: opt_str(sc, &["appArmorProfile", "type"]),
        selinux_type: opt_str(sc, &["seLinuxOptions", "type"]),
        proc_mount: opt_str(sc, &["procMount"]),
        windows_host_process: opt_bool(sc, &["windowsOptions", "hostProcess"]),
    };
    if security_context.apparmor_profile.is_none() {
        security_context.apparmor_profile = annotations
            .get(&format!(
                "container.apparmor.security.beta.kubernetes.io/{name}"
            ))
            .and_then(|a| apparmor_from_annotation(a))
            .map(Str::from);
    }
    if security_context.seccomp_profile.is_none() {
        security_context.seccomp_profile = annotations
            .get(&format!(
                "container.seccomp.security.alpha.kubernetes.io/{name}"
            ))
            .and_then(|a| seccomp_from_annotation(a));
    }
    let quantity = |path: &[&str]| get(c, path).and_then(scalar_string).map(Str::from);
    ContainerSpec {
        image: str_at(c, &["image"]),
        image_pull_policy: opt_str(c, &["imagePullPolicy"]),
        command: command.into_iter().map(Str::from).collect(),
        args: args.into_iter().map(Str::from).collect(),
        env,
        env_from,
        ports: arr(c, &["ports"])
            .iter()
            .map(|p| ContainerPort {
                container_port: opt_i64(p, &["containerPort"]).unwrap_or(0),
                host_port: opt_i64(p, &["hostPort"]),
                protocol: opt_str(p, &["protocol"]).unwrap_or_else(|| "TCP".into()),
                name: str_at(p, &["name"]),
            })
            .collect(),
        security_context,
        resources: Resources {
            requests_cpu: quantity(&["resources", "requests", "cpu"]),
            requests_memory: quantity(&["resources", "requests", "memory"]),
            limits_cpu: quantity(&["resources", "limits", "cpu"]),
            limits_memory: quantity(&["resources", "limits", "memory"]),
        },
        liveness_probe: get(c, &["livenessProbe"]).is_some_and(Value::is_object),
        readiness_probe: get(c, &["readinessProbe"]).is_some_and(Value::is_object),
        startup_probe: get(c, &["startupProbe"]).is_some_and(Value::is_object),
        volume_mounts: arr(c, &["volumeMounts"])
            .iter()
            .map(|m| VolumeMount {
                name: str_at(m, &["name"]),
                mount_path: str_at(m, &["mountPath"]),
                read_only: bool_at(m, &["readOnly"]),
            })
            .collect(),
        init,
        index,
        secrets: hits,
        name,
    }
}

// ---------------------------------------------------------------- cluster objects

fn namespace(kind: &str, v: &Value, snap: &mut Snapshot, _: &mut Vec<String>) {
    snap.kube.namespaces.push(Namespace {
        meta: meta(kind, v, &mut Vec::new()),
        phase: str_at(v, &["status", "phase"]),
    });
}

fn node(kind: &str, v: &Value, snap: &mut Snapshot, _: &mut Vec<String>) {
    let addresses = |t: &str| -> Vec<Str> {
        arr(v, &["status", "addresses"])
            .iter()
            .filter(|a| str_at::<String>(a, &["type"]) == t)
            .map(|a| str_at(a, &["address"]))
            .collect()
    };
    let info = |f: &str| str_at(v, &["status", "nodeInfo", f]);
    snap.kube.nodes.push(Node {
        meta: meta(kind, v, &mut Vec::new()),
        kubelet_version: info("kubeletVersion"),
        os_image: info("osImage"),
        kernel_version: info("kernelVersion"),
        container_runtime: info("containerRuntimeVersion"),
        internal_ips: addresses("InternalIP"),
        external_ips: addresses("ExternalIP"),
        unschedulable: bool_at(v, &["spec", "unschedulable"]),
    });
}

fn service(kind: &str, v: &Value, snap: &mut Snapshot, _: &mut Vec<String>) {
    let spec = get(v, &["spec"]).unwrap_or(&Value::Null);
    let load_balancer_ingress = arr(v, &["status", "loadBalancer", "ingress"])
        .iter()
        .filter_map(|i| opt_str(i, &["ip"]).or_else(|| opt_str(i, &["hostname"])))
        .collect();
    snap.kube.services.push(Service {
        meta: meta(kind, v, &mut Vec::new()),
        service_type: opt_str(spec, &["type"]).unwrap_or_else(|| "ClusterIP".into()),
        selector: str_map(spec, &["selector"]).into(),
        ports: arr(spec, &["ports"])
            .iter()
            .map(|p| ServicePort {
                name: str_at(p, &["name"]),
                port: opt_i64(p, &["port"]).unwrap_or(0),
                target_port: get(p, &["targetPort"])
                    .and_then(scalar_string)
                    .unwrap_or_default()
                    .into(),
                node_port: opt_i64(p, &["nodePort"]),
                protocol: opt_str(p, &["protocol"]).unwrap_or_else(|| "TCP".into()),
            })
            .collect(),
        cluster_ip: str_at(spec, &["clusterIP"]),
        external_ips: strings(spec, &["externalIPs"]),
        load_balancer_ingress,
        external_name: opt_str(spec, &["externalName"]),
    });
}

/// `networking.k8s.io/v1` backends, plus the old `serviceName`/`servicePort` form.
fn ingress_backend(host: &str, path: &str, b: &Value) -> Option<IngressBackend> {
    let (service, port) = if let Some(svc) = get(b, &["service"]).filter(|s| s.is_object()) {
        let port = get(svc, &["port", "number"])
            .and_then(scalar_string)
            .or_else(|| opt_str(svc, &["port", "name"]))
            .unwrap_or_default();
        (str_at(svc, &["name"]), port)
    } else {
        let name = opt_str(b, &["serviceName"])?;
        let port = get(b, &["servicePort"])
            .and_then(scalar_string)
            .unwrap_or_default();
        (name, port)
    };
    Some(IngressBackend {
        host: host.to_string().into(),
        path: path.to_string().into(),
        service,
        port: port.into(),
    })
}

fn ingress(kind: &str, v: &Value, snap: &mut Snapshot, _: &mut Vec<String>) {
    let spec = get(v, &["spec"]).unwrap_or(&Value::Null);
    let meta = meta(kind, v, &mut Vec::new());
    let mut backends = Vec::new();
    for rule in arr(spec, &["rules"]) {
        let host: Str = str_at(rule, &["host"]);
        for p in arr(rule, &["http", "paths"]) {
            let path: Str = str_at(p, &["path"]);
            if let Some(b) = get(p, &["backend"]).and_then(|b| ingress_backend(&host, &path, b)) {
                backends.push(b);
            }
        }
    }
    let default = get(spec, &["defaultBackend"]).or_else(|| get(spec, &["backend"]));
    if let Some(b) = default.and_then(|b| ingress_backend("", "", b)) {
        backends.push(b);
    }
    let tls = arr(spec, &["tls"]);
    let ingress_class = opt_str(spec, &["ingressClassName"])
        .or_else(|| meta.annotations.get("kubernetes.io/ingress.class").cloned());
    snap.kube.ingresses.push(Ingress {
        ingress_class,
        backends,
        tls_hosts: tls.iter().flat_map(|t| strings(t, &["hosts"])).collect(),
        has_tls: !tls.is_empty(),
        meta,
    });
}

fn np_rules(spec: &Value, key: &str, peers_key: &str) -> Vec<NetworkPolicyRule> {
    arr(spec, &[key])
        .iter()
        .map(|r| NetworkPolicyRule {
            peers: arr(r, &[peers_key])
                .iter()
                .map(|p| NetworkPolicyPeer {
                    pod_selector: selector(get(p, &["podSelector"])),
                    namespace_selector: selector(get(p, &["namespaceSelector"])),
                    ip_block: opt_str(p, &["ipBlock", "cidr"]),
                    ip_block_except: strings(p, &["ipBlock", "except"]),
                })
                .collect(),
            ports: arr(r, &["ports"])
                .iter()
                .map(|p| NetworkPolicyPort {
                    protocol: opt_str(p, &["protocol"]).unwrap_or_else(|| "TCP".into()),
                    port: get(p, &["port"]).and_then(scalar_string).map(Str::from),
                })
                .collect(),
        })
        .collect()
}

fn network_policy(kind: &str, v: &Value, snap: &mut Snapshot, _: &mut Vec<String>) {
    let spec = get(v, &["spec"]).unwrap_or(&Value::Null);
    let ingress = np_rules(spec, "ingress", "from");
    let egress = np_rules(spec, "egress", "to");
    // As the API server defaults it: Ingress always, Egress when there are egress rules.
    let policy_types = match get(spec, &["policyTypes"]).and_then(Value::as_array) {
        Some(_) => strings(spec, &["policyTypes"]),
        None if egress.is_empty() => vec!["Ingress".into()],
        None => vec!["Ingress".into(), "Egress".into()],
    };
    snap.kube.network_policies.push(NetworkPolicy {
        meta: meta(kind, v, &mut Vec::new()),
        pod_selector: selector(get(spec, &["podSelector"])).unwrap_or_default(),
        policy_types,
        ingress,
        egress,
    });
}

fn service_account(kind: &str, v: &Value, snap: &mut Snapshot, _: &mut Vec<String>) {
    snap.kube.service_accounts.push(ServiceAccount {
        meta: meta(kind, v, &mut Vec::new()),
        automount_service_account_token: opt_bool(v, &["automountServiceAccountToken"]),
    });
}

fn role(kind: &str, v: &Value, snap: &mut Snapshot, _: &mut Vec<String>) {
    snap.kube.roles.push(Role {
        meta: meta(kind, v, &mut Vec::new()),
        cluster: kind == "ClusterRole",
        rules: arr(v, &["rules"])
            .iter()
            .map(|r| PolicyRule {
                api_groups: strings(r, &["apiGroups"]),
                resources: strings(r, &["resources"]),
                verbs: strings(r, &["verbs"]),
                resource_names: strings(r, &["resourceNames"]),
                non_resource_urls: strings(r, &["nonResourceURLs"]),
            })
            .collect(),
    });
}

fn binding(kind: &str, v: &Value, snap: &mut Snapshot, _: &mut Vec<String>) {
    snap.kube.bindings.push(RoleBinding {
        meta: meta(kind, v, &mut Vec::new()),
        cluster: kind == "ClusterRoleBinding",
        role_ref: RoleRef {
            kind: str_at(v, &["roleRef", "kind"]),
            name: str_at(v, &["roleRef", "name"]),
        },
        subjects: arr(v, &["subjects"])
            .iter()
            .map(|s| Subject {
                kind: str_at(s, &["kind"]),
                name: str_at(s, &["name"]),
                namespace: opt_str(s, &["namespace"]),
            })
            .collect(),
    });
}

fn config_map(kind: &str, v: &Value, snap: &mut Snapshot, _: &mut Vec<String>) {
    let mut hits = Vec::new();
    let meta = meta(kind, v, &mut hits);
    let mut keys_out = Vec::new();
    for section in ["data", "binaryData"] {
        if let Some(m) = get(v, &[section]).and_then(Value::as_object) {
            for (key, val) in m {
                keys_out.push(key.clone().into());
                if let Some(text) = scalar_string(val) {
                    let (_, h) = secrets::scrub(&text, &format!("{section}.{key}"));
                    hits.extend(h);
                }
            }
        }
    }
    snap.kube.config_maps.push(ConfigMap {
        meta,
        keys: keys_out,
        secrets: hits,
    });
}

/// Secrets: metadata, type and key names. The values are never read, not even to scan.
fn secret(kind: &str, v: &Value, snap: &mut Snapshot, _: &mut Vec<String>) {
    let mut key_names = keys(v, &["data"]);
    for k in keys(v, &["stringData"]) {
        if !key_names.contains(&k) {
            key_names.push(k);
        }
    }
    snap.kube.secrets.push(SecretMeta {
        meta: meta(kind, v, &mut Vec::new()),
        secret_type: opt_str(v, &["type"]).unwrap_or_else(|| "Opaque".into()),
        keys: key_names.into_iter().map(Str::from).collect(),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn one(v: Value) -> Snapshot {
        let mut s = Snapshot::new();
        let mut w = Vec::new();
        assert!(add_object(&v, &mut s, &mut w).is_some(), "{v}");
        s
    }

    fn pod_owned_by(owner_kind: &str, owner: &str, labels: Value) -> Workload {
        let s = one(json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "p", "namespace": "ns", "labels": labels,
              "ownerReferences": [{"kind": owner_kind, "name": owner, "controller": true}]},
            "spec": {"containers": [{"name": "c"}]}}));
        s.kube.workloads[0].clone()
    }

    #[test]
    fn controller_identity_rules() {
        let w = pod_owned_by(
            "ReplicaSet",
            "web-7d4b9c",
            json!({"pod-template-hash": "7d4b9c"}),
        );
        assert_eq!(w.controller_identity(), (WorkloadKind::Deployment, "web"));
        let w = pod_owned_by("ReplicaSet", "web-7d4b9c", json!({}));
        assert_eq!(
            w.controller_identity(),
            (WorkloadKind::ReplicaSet, "web-7d4b9c")
        );
        let w = pod_owned_by("Job", "backup-28812345", json!({}));
        assert_eq!(w.controller_identity(), (WorkloadKind::CronJob, "backup"));
        let w = pod_owned_by("Job", "migrate-v2", json!({}));
        assert_eq!(w.controller_identity(), (WorkloadKind::Job, "migrate-v2"));
        let w = pod_owned_by("StatefulSet", "db", json!({}));
        assert_eq!(w.controller_identity(), (WorkloadKind::StatefulSet, "db"));
        let w = pod_owned_by("Node", "node-1", json!({}));
        assert_eq!(w.controller, None);
        let s = one(
            json!({"kind": "Job", "metadata": {"name": "backup-1", "namespace": "ns",
            "ownerReferences": [{"kind": "CronJob", "name": "backup", "controller": true}]}}),
        );
        assert_eq!(
            s.kube.workloads[0].controller_identity(),
            (WorkloadKind::CronJob, "backup")
        );
    }

    #[test]
    fn env_refs_and_literal_secrets() {
        let s = one(json!({"kind": "Deployment", "metadata": {"name": "d"},
            "spec": {"template": {"metadata": {"labels": {"app": "d"}},
              "spec": {"containers": [{"name": "c", "env": [
                {"name": "DB_PASSWORD", "value": "plain-text-pw"},
                {"name": "TOKEN", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}},
                {"name": "CFG", "valueFrom": {"configMapKeyRef": {"name": "cm", "key": "k", "optional": true}}},
                {"name": "NODE", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}},
                {"name": "PORT", "value": 8080}]}]}}}}));
        let w = &s.kube.workloads[0];
        assert_eq!(w.meta.namespace.as_deref(), Some("default"));
        let env = &w.pod.containers[0].env;
        assert!(matches!(env[0].value, EnvValue::Redacted { .. }));
        assert!(matches!(&env[1].value, EnvValue::SecretRef { name, .. } if name == "s"));
        assert!(matches!(
            &env[2].value,
            EnvValue::ConfigMapRef { optional: true, .. }
        ));
        assert!(matches!(&env[3].value, EnvValue::FieldRef { path } if path == "spec.nodeName"));
        assert!(matches!(&env[4].value, EnvValue::Literal { value } if value == "8080"));
        assert_eq!(w.pod.containers[0].secrets.len(), 1);
        assert_eq!(
            w.pod.labels.get("app").map(crate::model::Str::as_str),
            Some("d")
        );
        assert!(!serde_json::to_string(&s)
            .unwrap_or_default()
            .contains("plain-text-pw"));
    }

    #[test]
    fn legacy_annotations_fold_into_security_context() {
        let s = one(
            json!({"kind": "Pod", "metadata": {"name": "p", "namespace": "n", "annotations": {
            "container.apparmor.security.beta.kubernetes.io/c": "localhost/prof",
            "seccomp.security.alpha.kubernetes.io/pod": "runtime/default"}},
            "spec": {"containers": [{"name": "c"}, {"name": "d", "securityContext": {"appArmorProfile": {"type": "Unconfined"}}}]}}),
        );
        let p = &s.kube.workloads[0].pod;
        assert_eq!(
            p.security_context
                .seccomp_profile
                .as_ref()
                .map(|s| s.kind.as_str()),
            Some("RuntimeDefault")
        );
        assert_eq!(
            p.containers[0].security_context.apparmor_profile.as_deref(),
            Some("Localhost")
        );
        assert_eq!(
            p.containers[1].security_context.apparmor_profile.as_deref(),
            Some("Unconfined")
        );
        assert_eq!(p.containers[1].index, 1);
    }

    #[test]
    fn network_policy_types_default_like_the_api() {
        let s = one(
            json!({"kind": "NetworkPolicy", "metadata": {"name": "a", "namespace": "n"},
            "spec": {"podSelector": {}, "egress": [{"to": [{"ipBlock": {"cidr": "10.0.0.0/8"}}], "ports": [{"port": 53, "protocol": "UDP"}]}]}}),
        );
        let np = &s.kube.network_policies[0];
        assert_eq!(np.policy_types, vec!["Ingress", "Egress"]);
        assert_eq!(np.egress[0].ports[0].port.as_deref(), Some("53"));
        let s = one(
            json!({"kind": "NetworkPolicy", "metadata": {"name": "a", "namespace": "n"}, "spec": {"podSelector": {}}}),
        );
        assert_eq!(s.kube.network_policies[0].policy_types, vec!["Ingress"]);
        let s = one(
            json!({"kind": "NetworkPolicy", "metadata": {"name": "a", "namespace": "n"},
            "spec": {"podSelector": {}, "policyTypes": ["Egress"]}}),
        );
        assert_eq!(s.kube.network_policies[0].policy_types, vec!["Egress"]);
    }

    #[test]
    fn secret_values_are_never_read_and_config_map_values_dropped() {
        let s = one(
            json!({"kind": "Secret", "metadata": {"name": "s", "namespace": "n",
            "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{\"data\":{\"pw\":\"c2VjcmV0\"}}"}},
            "type": "Opaque", "data": {"pw": "c2VjcmV0"}}),
        );
        assert_eq!(s.kube.secrets[0].keys, vec!["pw"]);
        assert!(s.kube.secrets[0].meta.annotations.is_empty());
        assert!(!serde_json::to_string(&s)
            .unwrap_or_default()
            .contains("c2VjcmV0"));
        let s = one(
            json!({"kind": "ConfigMap", "metadata": {"name": "c", "namespace": "n"},
            "data": {"app.conf": "aws_key = AKIAABCDEFGHIJKLMNOP\nmode = prod"}}),
        );
        let cm = &s.kube.config_maps[0];
        assert_eq!(cm.keys, vec!["app.conf"]);
        assert_eq!(cm.secrets[0].location, "data.app.conf");
        assert!(!serde_json::to_string(&s)
            .unwrap_or_default()
            .contains("mode = prod"));
    }

    #[test]
    fn wrong_types_do_not_panic() {
        let s = one(
            json!({"kind": "Pod", "metadata": {"name": 5, "labels": [1, 2]},
            "spec": {"containers": "nope", "securityContext": {"runAsUser": "root"}, "volumes": [1, {"name": "v"}]}}),
        );
        let w = &s.kube.workloads[0];
        assert_eq!(w.meta.name, "");
        assert!(w.pod.containers.is_empty());
        assert_eq!(w.pod.security_context.run_as_user, None);
        let mut snap = Snapshot::new();
        assert_eq!(
            add_object(&json!({"kind": "Widget"}), &mut snap, &mut Vec::new()),
            None
        );
        assert_eq!(add_object(&json!([1]), &mut snap, &mut Vec::new()), None);
    }

    #[test]
    fn services_and_ingresses() {
        let s = one(
            json!({"kind": "Service", "metadata": {"name": "s", "namespace": "n"},
            "spec": {"selector": {"app": "a"}, "ports": [{"port": 80, "targetPort": "http"}, {"port": 443, "targetPort": 8443, "nodePort": 30443}]},
            "status": {"loadBalancer": {"ingress": [{"hostname": "lb.example.com"}]}}}),
        );
        let svc = &s.kube.services[0];
        assert_eq!(svc.service_type, "ClusterIP");
        assert_eq!(svc.ports[1].target_port, "8443");
        assert_eq!(svc.ports[1].node_port, Some(30443));
        assert_eq!(svc.load_balancer_ingress, vec!["lb.example.com"]);
        let s = one(
            json!({"kind": "Ingress", "metadata": {"name": "i", "namespace": "n"},
            "spec": {"ingressClassName": "nginx", "tls": [{"hosts": ["a.example.com"]}],
              "defaultBackend": {"service": {"name": "def", "port": {"name": "http"}}},
              "rules": [{"host": "a.example.com", "http": {"paths": [{"path": "/", "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}]}}),
        );
        let ing = &s.kube.ingresses[0];
        assert_eq!(
            ing.backends[0],
            IngressBackend {
                host: "a.example.com".into(),
                path: "/".into(),
                service: "web".into(),
                port: "80".into()
            }
        );
        assert_eq!(ing.backends[1].service, "def");
        assert!(ing.has_tls);
        assert_eq!(ing.ingress_class.as_deref(), Some("nginx"));
    }
}
