//! Cluster-scoped objects: Namespaces, Nodes, ClusterRoles and ClusterRoleBindings.

use serde_json::{json, Map, Value};

use super::meta::{map, object, rfc3339, Head, Manager, BASE_TIME, DAY, NOW};
use super::plan::{NsPlan, Plan};
use super::rng::{hex_of, Rng};
use super::{dotted, Gen};

const ZONES: &[&str] = &["us-east-1a", "us-east-1b", "us-east-1c"];

/// Node `i`'s address: one /19 subnet per zone, round-robin over the zones.
fn node_addr(i: usize) -> u32 {
    let zone = (i % ZONES.len()) as u32;
    (10 << 24) + ((zone * 32) << 8) + 10 + (i / ZONES.len()) as u32
}

pub(crate) fn node_ip(i: usize) -> String {
    dotted(node_addr(i))
}

/// EKS-style node name: `ip-10-0-32-17.ec2.internal`.
pub(crate) fn node_name(i: usize) -> String {
    format!("ip-{}.ec2.internal", node_ip(i).replace('.', "-"))
}

pub(crate) fn emit(g: &mut Gen, plan: &Plan) {
    for ns in &plan.namespaces {
        let v = namespace(g.seed, ns);
        g.emit(v);
    }
    for i in 0..plan.nodes {
        let v = node(g.seed, i);
        g.emit(v);
    }
    for v in cluster_roles(g.seed) {
        g.emit(v);
    }
    for v in cluster_role_bindings(g.seed, plan) {
        g.emit(v);
    }
}

fn namespace(seed: u64, ns: &NsPlan) -> Value {
    let mut h = Head::new("Namespace", None, &ns.name, ns.created);
    h.labels
        .insert("kubernetes.io/metadata.name".into(), json!(ns.name));
    if ns.is_app() {
        h.labels.insert("example.com/team".into(), json!(ns.team));
        h.labels.insert("example.com/env".into(), json!(ns.env));
        h.labels
            .insert("app.kubernetes.io/part-of".into(), json!(ns.team));
        h.manager = Manager::ArgoCd;
    }
    if let Some(level) = ns.psa {
        h.labels
            .insert("pod-security.kubernetes.io/enforce".into(), json!(level));
        h.labels.insert(
            "pod-security.kubernetes.io/enforce-version".into(),
            json!("latest"),
        );
        if level != "restricted" {
            h.labels.insert(
                "pod-security.kubernetes.io/warn".into(),
                json!("restricted"),
            );
            h.labels.insert(
                "pod-security.kubernetes.io/audit".into(),
                json!("restricted"),
            );
        }
    }
    let body = [
        ("spec".to_string(), json!({"finalizers": ["kubernetes"]})),
        ("status".to_string(), json!({"phase": "Active"})),
    ];
    object(seed, h, body.into_iter().collect())
}

/// A node of one of three pools (general purpose, memory optimized, Graviton), with a
/// realistic spread of kubelet versions mid-upgrade and the odd cordoned node.
fn node(seed: u64, i: usize) -> Value {
    let name = node_name(i);
    let ip = node_ip(i);
    let zone = ZONES[i % ZONES.len()];
    let mut rng = Rng::for_key(seed, &format!("node/{i}"));
    let (pool, instance, arch, cpu, memory) = match rng.below(10) {
        0 => ("memory", "r6i.2xlarge", "amd64", "8", "65023524Ki"),
        1 => ("graviton", "m7g.2xlarge", "arm64", "8", "32408304Ki"),
        _ => ("general", "m6i.2xlarge", "amd64", "8", "32408304Ki"),
    };
    let kubelet = rng.weighted(&[
        ("v1.29.3-eks-ae9a62a", 85),
        ("v1.28.8-eks-ae9a62a", 12),
        ("v1.27.12-eks-ae9a62a", 3),
    ]);
    let runtime = rng.weighted(&[("containerd://1.7.11", 90), ("containerd://1.6.28", 10)]);
    let instance_id = format!("i-0{}", rng.hex(16));
    let mut h = Head::new(
        "Node",
        None,
        &name,
        BASE_TIME + rng.below(200 * DAY as u64) as i64,
    );
    h.manager = Manager::Kubelet;
    h.labels = map([
        ("beta.kubernetes.io/arch", arch.to_string()),
        ("beta.kubernetes.io/instance-type", instance.to_string()),
        ("beta.kubernetes.io/os", "linux".to_string()),
        ("eks.amazonaws.com/capacityType", "ON_DEMAND".to_string()),
        ("eks.amazonaws.com/nodegroup", format!("{pool}-pool")),
        ("kubernetes.io/arch", arch.to_string()),
        ("kubernetes.io/hostname", name.clone()),
        ("kubernetes.io/os", "linux".to_string()),
        ("node-role.kubernetes.io/worker", String::new()),
        ("node.kubernetes.io/instance-type", instance.to_string()),
        ("topology.kubernetes.io/region", "us-east-1".to_string()),
        ("topology.kubernetes.io/zone", zone.to_string()),
    ]);
    h.annotations = map([
        ("alpha.kubernetes.io/provided-node-ip", ip.clone()),
        ("node.alpha.kubernetes.io/ttl", "0".to_string()),
        (
            "volumes.kubernetes.io/controller-managed-attach-detach",
            "true".to_string(),
        ),
    ]);
    let mut spec = json!({"providerID": format!("aws:///{zone}/{instance_id}")});
    let cordoned = rng.chance(5);
    if cordoned {
        spec["unschedulable"] = json!(true);
        spec["taints"] = json!([{"effect": "NoSchedule", "key": "node.kubernetes.io/unschedulable",
            "timeAdded": rfc3339(NOW - 3 * DAY)}]);
    }
    let mut addresses = vec![
        json!({"type": "InternalIP", "address": ip}),
        json!({"type": "InternalDNS", "address": name}),
        json!({"type": "Hostname", "address": name}),
    ];
    if rng.chance(100) {
        let public = format!(
            "54.{}.{}.{}",
            rng.range(80, 240),
            rng.range(0, 255),
            rng.range(1, 254)
        );
        addresses.insert(1, json!({"type": "ExternalIP", "address": public}));
    }
    let heartbeat = rfc3339(NOW - 30);
    let condition = |kind: &str, status: &str, reason: &str, message: &str| {
        json!({"type": kind, "status": status, "reason": reason, "message": message,
            "lastHeartbeatTime": heartbeat, "lastTransitionTime": rfc3339(h.created + 60)})
    };
    let status = json!({
        "addresses": addresses,
        "allocatable": {"cpu": "7910m", "ephemeral-storage": "95551679124", "memory": memory, "pods": "58"},
        "capacity": {"cpu": cpu, "ephemeral-storage": "104845292Ki", "memory": memory, "pods": "58"},
        "conditions": [
            condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
            condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
            condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
            condition("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
        ],
        "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
        "nodeInfo": {
            "architecture": arch,
            "bootID": super::rng::uuid(seed, &format!("boot/{i}")),
            "containerRuntimeVersion": runtime,
            "kernelVersion": if arch == "arm64" { "6.1.82-99.168.amzn2023.aarch64" } else { "6.1.82-99.168.amzn2023.x86_64" },
            "kubeProxyVersion": kubelet,
            "kubeletVersion": kubelet,
            "machineID": hex_of(seed, &format!("machine/{i}"), 32),
            "operatingSystem": "linux",
            "osImage": "Amazon Linux 2023.4.20240416",
            "systemUUID": format!("ec2{}", hex_of(seed, &format!("sys/{i}"), 5)),
        },
    });
    let body: Map<String, Value> = [("spec".to_string(), spec), ("status".to_string(), status)]
        .into_iter()
        .collect();
    object(seed, h, body)
}

/// A PolicyRule.
pub(crate) fn rule(groups: &[&str], resources: &[&str], verbs: &[&str]) -> Value {
    json!({"apiGroups": groups, "resources": resources, "verbs": verbs})
}

const READ: &[&str] = &["get", "list", "watch"];
const WRITE: &[&str] = &["create", "delete", "deletecollection", "patch", "update"];

fn cluster_role(
    seed: u64,
    name: &str,
    labels: Map<String, Value>,
    rules: Vec<Value>,
    aggregate: Option<&str>,
) -> Value {
    let mut h = Head::new("ClusterRole", None, name, BASE_TIME);
    h.labels = labels;
    let system =
        name.starts_with("system:") || matches!(name, "cluster-admin" | "admin" | "edit" | "view");
    if system {
        h.labels
            .insert("kubernetes.io/bootstrapping".into(), json!("rbac-defaults"));
        h.annotations.insert(
            "rbac.authorization.kubernetes.io/autoupdate".into(),
            json!("true"),
        );
    } else {
        h.manager = Manager::Helm;
        h.created = BASE_TIME + DAY;
    }
    let mut body = Map::new();
    if let Some(label) = aggregate {
        body.insert(
            "aggregationRule".into(),
            json!({"clusterRoleSelectors": [{"matchLabels": {label: "true"}}]}),
        );
    }
    body.insert("rules".into(), Value::Array(rules));
    object(seed, h, body)
}

/// Built-in roles (cluster-admin, the aggregated admin/edit/view, a few `system:` ones)
/// and the platform's own, two of which are too broad (a wildcard and bind/escalate).
fn cluster_roles(seed: u64) -> Vec<Value> {
    let core_read = rule(
        &[""],
        &[
            "configmaps",
            "endpoints",
            "persistentvolumeclaims",
            "pods",
            "pods/log",
            "pods/status",
            "replicationcontrollers",
            "services",
            "events",
            "limitranges",
            "namespaces",
            "resourcequotas",
            "serviceaccounts",
        ],
        READ,
    );
    let apps_read = rule(
        &["apps"],
        &["daemonsets", "deployments", "replicasets", "statefulsets"],
        READ,
    );
    let batch_read = rule(&["batch"], &["cronjobs", "jobs"], READ);
    let net_read = rule(
        &["networking.k8s.io"],
        &["ingresses", "networkpolicies"],
        READ,
    );
    let aggregated = |label: &str| map([(label, "true".to_string())]);
    vec![
        cluster_role(
            seed,
            "cluster-admin",
            Map::new(),
            vec![
                rule(&["*"], &["*"], &["*"]),
                json!({"nonResourceURLs": ["*"], "verbs": ["*"]}),
            ],
            None,
        ),
        cluster_role(
            seed,
            "admin",
            Map::new(),
            vec![
                rule(
                    &[""],
                    &[
                        "pods/attach",
                        "pods/exec",
                        "pods/portforward",
                        "pods/proxy",
                        "secrets",
                        "services/proxy",
                    ],
                    READ,
                ),
                rule(
                    &[""],
                    &[
                        "pods",
                        "pods/attach",
                        "pods/exec",
                        "pods/portforward",
                        "secrets",
                        "services",
                        "configmaps",
                    ],
                    WRITE,
                ),
                rule(
                    &["apps"],
                    &["daemonsets", "deployments", "replicasets", "statefulsets"],
                    WRITE,
                ),
                rule(
                    &["rbac.authorization.k8s.io"],
                    &["rolebindings", "roles"],
                    &[
                        "create", "delete", "get", "list", "patch", "update", "watch",
                    ],
                ),
            ],
            Some("rbac.authorization.k8s.io/aggregate-to-admin"),
        ),
        cluster_role(
            seed,
            "edit",
            aggregated("rbac.authorization.k8s.io/aggregate-to-admin"),
            vec![
                rule(
                    &[""],
                    &[
                        "pods",
                        "pods/attach",
                        "pods/exec",
                        "pods/portforward",
                        "secrets",
                        "services",
                        "configmaps",
                    ],
                    WRITE,
                ),
                rule(
                    &["apps"],
                    &["daemonsets", "deployments", "replicasets", "statefulsets"],
                    WRITE,
                ),
                rule(&["batch"], &["cronjobs", "jobs"], WRITE),
            ],
            Some("rbac.authorization.k8s.io/aggregate-to-edit"),
        ),
        cluster_role(
            seed,
            "view",
            aggregated("rbac.authorization.k8s.io/aggregate-to-edit"),
            vec![core_read, apps_read, batch_read, net_read],
            Some("rbac.authorization.k8s.io/aggregate-to-view"),
        ),
        cluster_role(
            seed,
            "system:basic-user",
            Map::new(),
            vec![rule(
                &["authorization.k8s.io"],
                &["selfsubjectaccessreviews", "selfsubjectrulesreviews"],
                &["create"],
            )],
            None,
        ),
        cluster_role(
            seed,
            "system:discovery",
            Map::new(),
            vec![
                json!({"nonResourceURLs": ["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*", "/readyz", "/version", "/version/"], "verbs": ["get"]}),
            ],
            None,
        ),
        cluster_role(
            seed,
            "system:public-info-viewer",
            Map::new(),
            vec![
                json!({"nonResourceURLs": ["/healthz", "/livez", "/readyz", "/version", "/version/"], "verbs": ["get"]}),
            ],
            None,
        ),
        cluster_role(
            seed,
            "system:node-proxier",
            Map::new(),
            vec![
                rule(&[""], &["endpoints", "services"], &["list", "watch"]),
                rule(&[""], &["nodes"], READ),
                rule(
                    &["", "events.k8s.io"],
                    &["events"],
                    &["create", "patch", "update"],
                ),
                rule(
                    &["discovery.k8s.io"],
                    &["endpointslices"],
                    &["list", "watch"],
                ),
            ],
            None,
        ),
        cluster_role(
            seed,
            "system:coredns",
            Map::new(),
            vec![
                rule(
                    &[""],
                    &["endpoints", "services", "pods", "namespaces"],
                    &["list", "watch"],
                ),
                rule(
                    &["discovery.k8s.io"],
                    &["endpointslices"],
                    &["list", "watch"],
                ),
            ],
            None,
        ),
        cluster_role(
            seed,
            "aggregate-metrics-view",
            aggregated("rbac.authorization.k8s.io/aggregate-to-view"),
            vec![rule(&["metrics.k8s.io"], &["pods", "nodes"], READ)],
            None,
        ),
        cluster_role(
            seed,
            "prometheus-server",
            Map::new(),
            vec![
                rule(
                    &[""],
                    &[
                        "nodes",
                        "nodes/metrics",
                        "services",
                        "endpoints",
                        "pods",
                        "ingresses",
                        "configmaps",
                    ],
                    READ,
                ),
                rule(&["networking.k8s.io"], &["ingresses"], READ),
                json!({"nonResourceURLs": ["/metrics"], "verbs": ["get"]}),
            ],
            None,
        ),
        cluster_role(
            seed,
            "ingress-nginx",
            Map::new(),
            vec![
                rule(
                    &[""],
                    &[
                        "configmaps",
                        "endpoints",
                        "nodes",
                        "pods",
                        "secrets",
                        "namespaces",
                    ],
                    &["list", "watch"],
                ),
                rule(
                    &["networking.k8s.io"],
                    &["ingresses", "ingressclasses"],
                    READ,
                ),
                rule(&["networking.k8s.io"], &["ingresses/status"], &["update"]),
            ],
            None,
        ),
        cluster_role(
            seed,
            "fluent-bit",
            Map::new(),
            vec![rule(&[""], &["namespaces", "pods"], READ)],
            None,
        ),
        cluster_role(
            seed,
            "aws-node",
            Map::new(),
            vec![
                rule(&[""], &["pods", "namespaces", "nodes"], READ),
                rule(&["crd.k8s.amazonaws.com"], &["eniconfigs"], READ),
            ],
            None,
        ),
        cluster_role(
            seed,
            "system:metrics-server",
            Map::new(),
            vec![
                rule(&[""], &["nodes/metrics"], &["get"]),
                rule(&[""], &["pods", "nodes"], READ),
            ],
            None,
        ),
        cluster_role(
            seed,
            "ci-deployer",
            Map::new(),
            vec![
                rule(&["apps", "batch"], &["*"], &["*"]),
                rule(
                    &[""],
                    &["services", "configmaps"],
                    &["get", "list", "create", "update", "patch"],
                ),
            ],
            None,
        ),
        cluster_role(
            seed,
            "namespace-provisioner",
            Map::new(),
            vec![
                rule(
                    &[""],
                    &["namespaces", "resourcequotas", "limitranges"],
                    &["get", "list", "create", "update"],
                ),
                rule(
                    &["rbac.authorization.k8s.io"],
                    &["roles", "rolebindings"],
                    &["get", "list", "create", "update", "bind", "escalate"],
                ),
            ],
            None,
        ),
        cluster_role(
            seed,
            "secret-sync",
            Map::new(),
            vec![rule(
                &[""],
                &["secrets"],
                &["get", "list", "watch", "create", "update"],
            )],
            None,
        ),
    ]
}

fn subject(kind: &str, name: &str, namespace: Option<&str>) -> Value {
    match (kind, namespace) {
        ("ServiceAccount", Some(ns)) => json!({"kind": kind, "name": name, "namespace": ns}),
        _ => json!({"apiGroup": "rbac.authorization.k8s.io", "kind": kind, "name": name}),
    }
}

fn binding(seed: u64, name: &str, role: &str, subjects: Vec<Value>, system: bool) -> Value {
    let mut h = Head::new("ClusterRoleBinding", None, name, BASE_TIME);
    if system {
        h.labels
            .insert("kubernetes.io/bootstrapping".into(), json!("rbac-defaults"));
        h.annotations.insert(
            "rbac.authorization.kubernetes.io/autoupdate".into(),
            json!("true"),
        );
    } else {
        h.manager = Manager::Helm;
        h.created = BASE_TIME + DAY;
    }
    let body: Map<String, Value> = [
        (
            "roleRef".to_string(),
            json!({"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role}),
        ),
        ("subjects".to_string(), Value::Array(subjects)),
    ]
    .into_iter()
    .collect();
    object(seed, h, body)
}

/// Built-in bindings, the platform's, and three risky ones: cluster-admin for one
/// workload's service account, `view` for every authenticated user, and the broad CI
/// and provisioning roles for automation users.
fn cluster_role_bindings(seed: u64, plan: &Plan) -> Vec<Value> {
    let group = |name: &str| subject("Group", name, None);
    let user = |name: &str| subject("User", name, None);
    let sa = |ns: &str, name: &str| subject("ServiceAccount", name, Some(ns));
    let mut out = vec![
        binding(
            seed,
            "cluster-admin",
            "cluster-admin",
            vec![group("system:masters")],
            true,
        ),
        binding(
            seed,
            "system:basic-user",
            "system:basic-user",
            vec![group("system:authenticated")],
            true,
        ),
        binding(
            seed,
            "system:discovery",
            "system:discovery",
            vec![group("system:authenticated")],
            true,
        ),
        binding(
            seed,
            "system:public-info-viewer",
            "system:public-info-viewer",
            vec![
                group("system:authenticated"),
                group("system:unauthenticated"),
            ],
            true,
        ),
        binding(
            seed,
            "system:node-proxier",
            "system:node-proxier",
            vec![user("system:kube-proxy")],
            true,
        ),
        binding(
            seed,
            "system:coredns",
            "system:coredns",
            vec![sa("kube-system", "coredns")],
            true,
        ),
        binding(
            seed,
            "aws-node",
            "aws-node",
            vec![sa("kube-system", "aws-node")],
            false,
        ),
        binding(
            seed,
            "system:metrics-server",
            "system:metrics-server",
            vec![sa("kube-system", "metrics-server")],
            false,
        ),
        binding(
            seed,
            "prometheus-server",
            "prometheus-server",
            vec![sa("monitoring", "prometheus-server")],
            false,
        ),
        binding(
            seed,
            "fluent-bit",
            "fluent-bit",
            vec![sa("monitoring", "fluent-bit")],
            false,
        ),
        binding(
            seed,
            "ingress-nginx",
            "ingress-nginx",
            vec![sa("ingress-nginx", "ingress-nginx-controller")],
            false,
        ),
        binding(
            seed,
            "secret-sync",
            "secret-sync",
            vec![sa("kube-system", "external-secrets")],
            false,
        ),
        binding(
            seed,
            "ci-deployer",
            "ci-deployer",
            vec![user("ci-bot@example.com")],
            false,
        ),
        binding(
            seed,
            "namespace-provisioner",
            "namespace-provisioner",
            vec![user("platform-automation@example.com")],
            false,
        ),
        binding(
            seed,
            "authenticated-view",
            "view",
            vec![group("system:authenticated")],
            false,
        ),
    ];
    if let Some((ns, account)) = &plan.admin_sa {
        out.push(binding(
            seed,
            &format!("{account}-cluster-admin"),
            "cluster-admin",
            vec![sa(ns, account)],
            false,
        ));
    }
    out
}
