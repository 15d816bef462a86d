//! The objects of one namespace around its workloads: ServiceAccounts, ConfigMaps,
//! Secrets, Roles, RoleBindings, NetworkPolicies, Services and Ingresses.

use base64::Engine;
use serde_json::{json, Map, Value};

use super::cluster::rule;
use super::meta::{map, object, Head, Manager, DAY};
use super::plan::{App, AppKind, Expose, NetPol, NsKind, NsPlan, Profile};
use super::rng::{hex_of, Rng};
use super::template::{common_labels, component, selector_labels};
use super::Gen;

/// The public hostname of the ingress controller's load balancer.
const INGRESS_LB: &str = "a3f1c0e9d2b8411e9b8a0e6f4c2d7b15-1289450716.us-east-1.elb.amazonaws.com";

pub(crate) fn emit(g: &mut Gen, ns: &NsPlan) {
    let mut rng = Rng::for_key(g.seed, &format!("namespace/{}", ns.name));
    let mut out = Vec::new();
    service_accounts(g.seed, ns, &mut rng, &mut out);
    config_maps(g.seed, ns, &mut rng, &mut out);
    secrets(g.seed, ns, &mut rng, &mut out);
    rbac(g.seed, ns, &mut out);
    network_policies(g.seed, ns, &mut out);
    for v in out {
        g.emit(v);
    }
    services(g, ns);
    ingresses(g, ns);
}

fn b64(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(text)
}

fn fields(pairs: Vec<(&str, Value)>) -> Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// Head of an object a team created next to workload `app` (or the namespace).
fn team_head(kind: &'static str, ns: &NsPlan, name: &str, owner_app: Option<&App>) -> Head {
    let created = owner_app.map_or(ns.created + 600, |a| a.created);
    let mut h = Head::new(kind, Some(&ns.name), name, created);
    let (label_name, comp, manager) = match owner_app {
        Some(a) => (a.name.as_str(), component(a.profile), a.manager),
        None => (ns.name.as_str(), "config", Manager::ArgoCd),
    };
    h.labels = common_labels(ns, label_name, comp);
    h.manager = manager;
    if manager == Manager::Helm {
        h.labels
            .insert("app.kubernetes.io/managed-by".into(), json!("Helm"));
        h.annotations
            .insert("meta.helm.sh/release-name".into(), json!(label_name));
        h.annotations
            .insert("meta.helm.sh/release-namespace".into(), json!(ns.name));
    }
    h
}

// ---------------------------------------------------------------- ServiceAccounts

fn service_accounts(seed: u64, ns: &NsPlan, rng: &mut Rng, out: &mut Vec<Value>) {
    out.push(object(
        seed,
        Head::new("ServiceAccount", Some(&ns.name), "default", ns.created),
        Map::new(),
    ));
    for app in ns.apps.iter().filter(|a| !a.risks.default_sa) {
        let mut h = team_head("ServiceAccount", ns, &app.name, Some(app));
        let mut body = Map::new();
        if rng.chance(200) {
            h.annotations.insert(
                "eks.amazonaws.com/role-arn".into(),
                json!(format!(
                    "arn:aws:iam::402188213451:role/{}-{}",
                    ns.name, app.name
                )),
            );
        }
        if rng.chance(300) {
            body.insert("automountServiceAccountToken".into(), json!(false));
        }
        out.push(object(seed, h, body));
    }
    if ns.kind == NsKind::KubeSystem {
        for name in ["external-secrets", "ebs-csi-controller-sa"] {
            let mut h = Head::new("ServiceAccount", Some(&ns.name), name, ns.created + DAY);
            h.manager = Manager::Helm;
            out.push(object(seed, h, Map::new()));
        }
    }
}

// ---------------------------------------------------------------- ConfigMaps

/// A PEM block of `lines` 64-character lines of base64 text.
fn pem(label: &str, rng: &mut Rng, lines: usize) -> String {
    let mut s = format!("-----BEGIN {label}-----\n");
    for _ in 0..lines {
        s.push_str(&rng.chars(
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
            64,
        ));
        s.push('\n');
    }
    s.push_str(&format!("-----END {label}-----\n"));
    s
}

fn config_map(seed: u64, h: Head, data: Vec<(&str, String)>) -> Value {
    let data: Map<String, Value> = data
        .into_iter()
        .map(|(k, v)| (k.to_string(), json!(v)))
        .collect();
    object(seed, h, fields(vec![("data", Value::Object(data))]))
}

fn config_maps(seed: u64, ns: &NsPlan, rng: &mut Rng, out: &mut Vec<Value>) {
    let mut ca_rng = Rng::for_key(seed, "cluster-ca");
    let mut h = Head::new("ConfigMap", Some(&ns.name), "kube-root-ca.crt", ns.created);
    h.manager = Manager::Controller;
    h.annotations.insert(
        "kubernetes.io/description".into(),
        json!("Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters."),
    );
    out.push(config_map(
        seed,
        h,
        vec![("ca.crt", pem("CERTIFICATE", &mut ca_rng, 17))],
    ));
    for app in ns.apps.iter().filter(|a| a.has_config) {
        let mut data = vec![
            (
                "features",
                format!(
                    "new-checkout={},dark-mode=false,beta-search={}",
                    rng.chance(500),
                    rng.chance(300)
                ),
            ),
            (
                "app.properties",
                format!(
                    "server.port=8080\nlog.format=json\ncache.ttl={}\n",
                    rng.pick(&[60, 300, 900])
                ),
            ),
        ];
        if app.config_leak {
            let leak = if rng.chance(500) {
                format!(
                    "spring:\n  datasource:\n    url: jdbc:postgresql://postgres:5432/app\n    username: app\n    password: {}-{}\n",
                    rng.pick(&["Autumn", "Hunter", "Welcome"]),
                    rng.range(100, 999)
                )
            } else {
                format!(
                    "[default]\naws_access_key_id = AKIA{}\nregion = us-east-1\n",
                    rng.upper_alnum(16)
                )
            };
            data.push(("application.yaml", leak));
        }
        let h = team_head("ConfigMap", ns, &format!("{}-config", app.name), Some(app));
        out.push(config_map(seed, h, data));
    }
    let platform: Vec<(&str, Vec<(&str, String)>)> = match ns.kind {
        NsKind::KubeSystem => vec![
            ("coredns", vec![("Corefile", ".:53 {\n    errors\n    health {\n        lameduck 5s\n    }\n    ready\n    kubernetes cluster.local in-addr.arpa ip6.arpa {\n      pods insecure\n      fallthrough in-addr.arpa ip6.arpa\n    }\n    prometheus :9153\n    forward . /etc/resolv.conf\n    cache 30\n    loop\n    reload\n    loadbalance\n}\n".to_string())]),
            ("kube-proxy-config", vec![("config", "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: iptables\nclusterCIDR: \"\"\nmetricsBindAddress: 0.0.0.0:10249\n".to_string())]),
            ("aws-auth", vec![("mapRoles", "- groups:\n  - system:bootstrappers\n  - system:nodes\n  rolearn: arn:aws:iam::402188213451:role/eks-node-role\n  username: system:node:{{EC2PrivateDNSName}}\n- groups:\n  - system:masters\n  rolearn: arn:aws:iam::402188213451:role/platform-admins\n  username: platform-admin\n".to_string())]),
        ],
        NsKind::KubePublic => vec![(
            "cluster-info",
            vec![("kubeconfig", format!(
                "apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: {}\n    server: https://{}.gr7.us-east-1.eks.amazonaws.com\n  name: \"\"\nkind: Config\n",
                b64(&pem("CERTIFICATE", &mut Rng::for_key(seed, "cluster-ca"), 17)),
                hex_of(seed, "endpoint", 32).to_uppercase()
            ))],
        )],
        NsKind::Monitoring => vec![
            ("fluent-bit", vec![("fluent-bit.conf", "[SERVICE]\n    Flush 1\n    Log_Level info\n    HTTP_Server On\n    HTTP_Port 2020\n[INPUT]\n    Name tail\n    Path /var/log/containers/*.log\n    multiline.parser docker, cri\n[OUTPUT]\n    Name cloudwatch_logs\n    Match *\n    region us-east-1\n".to_string())]),
            ("prometheus-server", vec![("prometheus.yml", "global:\n  scrape_interval: 30s\nscrape_configs:\n- job_name: kubernetes-pods\n  kubernetes_sd_configs:\n  - role: pod\n".to_string())]),
        ],
        NsKind::IngressNginx => vec![(
            "ingress-nginx-controller",
            vec![("allow-snippet-annotations", "false".to_string()), ("use-forwarded-headers", "true".to_string())],
        )],
        _ => Vec::new(),
    };
    for (name, data) in platform {
        let mut h = Head::new("ConfigMap", Some(&ns.name), name, ns.created + 300);
        h.manager = Manager::Helm;
        out.push(config_map(seed, h, data));
    }
}

// ---------------------------------------------------------------- Secrets

fn secret(seed: u64, h: Head, kind: &str, data: Vec<(&str, String)>) -> Value {
    let data: Map<String, Value> = data
        .into_iter()
        .map(|(k, v)| (k.to_string(), json!(b64(&v))))
        .collect();
    object(
        seed,
        h,
        fields(vec![("type", json!(kind)), ("data", Value::Object(data))]),
    )
}

fn password(rng: &mut Rng) -> String {
    rng.base64ish(24).replace(['/', '+'], "x")
}

fn secrets(seed: u64, ns: &NsPlan, rng: &mut Rng, out: &mut Vec<Value>) {
    for app in &ns.apps {
        if app.uses_db {
            let h = team_head("Secret", ns, &format!("{}-db", app.name), Some(app));
            out.push(secret(
                seed,
                h,
                "Opaque",
                vec![
                    ("username", app.name.replace('-', "_")),
                    ("password", password(rng)),
                ],
            ));
        }
        if matches!(
            app.profile,
            Profile::Postgres | Profile::Redis | Profile::RabbitMq
        ) {
            let h = team_head(
                "Secret",
                ns,
                &format!("{}-credentials", app.name),
                Some(app),
            );
            let mut data = vec![("password", password(rng))];
            if app.profile == Profile::RabbitMq {
                data.push(("erlang-cookie", rng.upper_alnum(20)));
            }
            out.push(secret(seed, h, "Opaque", data));
        }
        if app.ingress == Some(true) {
            let h = team_head("Secret", ns, &format!("{}-tls", app.name), Some(app));
            out.push(secret(
                seed,
                h,
                "kubernetes.io/tls",
                vec![
                    ("tls.crt", pem("CERTIFICATE", rng, 6)),
                    ("tls.key", pem("PRIVATE KEY", rng, 4)),
                ],
            ));
        }
        if app.profile == Profile::Grafana {
            let h = team_head("Secret", ns, "grafana", Some(app));
            out.push(secret(
                seed,
                h,
                "Opaque",
                vec![
                    ("admin-user", "admin".into()),
                    ("admin-password", password(rng)),
                ],
            ));
        }
        if app.manager == Manager::Helm && app.kind != AppKind::Pod {
            let version = rng.range(1, 12);
            let mut h = Head::new(
                "Secret",
                Some(&ns.name),
                &format!("sh.helm.release.v1.{}.v{version}", app.name),
                app.created,
            );
            h.manager = Manager::Helm;
            h.labels = map([
                ("name", app.name.clone()),
                ("owner", "helm".into()),
                ("status", "deployed".into()),
                ("version", version.to_string()),
            ]);
            out.push(secret(
                seed,
                h,
                "helm.sh/release.v1",
                vec![("release", rng.base64ish(96))],
            ));
        }
    }
    if ns.regcred {
        let auth = b64(&format!("ci:{}", password(rng)));
        let config = format!("{{\"auths\":{{\"registry.example.com\":{{\"auth\":\"{auth}\"}}}}}}");
        let h = team_head("Secret", ns, "regcred", None);
        out.push(secret(
            seed,
            h,
            "kubernetes.io/dockerconfigjson",
            vec![(".dockerconfigjson", config)],
        ));
    }
}

// ---------------------------------------------------------------- RBAC

fn role(seed: u64, ns: &NsPlan, name: &str, rules: Vec<Value>) -> Value {
    let h = team_head("Role", ns, name, None);
    object(seed, h, fields(vec![("rules", Value::Array(rules))]))
}

fn role_binding(
    seed: u64,
    ns: &NsPlan,
    name: &str,
    role_kind: &str,
    role: &str,
    subjects: Vec<Value>,
) -> Value {
    let h = team_head("RoleBinding", ns, name, None);
    object(
        seed,
        h,
        fields(vec![
            (
                "roleRef",
                json!({"apiGroup": "rbac.authorization.k8s.io", "kind": role_kind, "name": role}),
            ),
            ("subjects", Value::Array(subjects)),
        ]),
    )
}

fn group(name: &str) -> Value {
    json!({"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": name})
}

fn user(name: &str) -> Value {
    json!({"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": name})
}

fn account(ns: &NsPlan, name: &str) -> Value {
    json!({"kind": "ServiceAccount", "name": name, "namespace": ns.name})
}

fn rbac(seed: u64, ns: &NsPlan, out: &mut Vec<Value>) {
    const READ: &[&str] = &["get", "list", "watch"];
    match ns.kind {
        NsKind::KubeSystem => {
            out.push(role(
                seed,
                ns,
                "extension-apiserver-authentication-reader",
                vec![json!({
                "apiGroups": [""], "resources": ["configmaps"], "verbs": ["get", "list", "watch"],
                "resourceNames": ["extension-apiserver-authentication"]})],
            ));
            out.push(role_binding(
                seed,
                ns,
                "metrics-server-auth-reader",
                "Role",
                "extension-apiserver-authentication-reader",
                vec![account(ns, "metrics-server")],
            ));
        }
        NsKind::IngressNginx => {
            out.push(role(
                seed,
                ns,
                "ingress-nginx",
                vec![
                    rule(
                        &[""],
                        &["configmaps", "pods", "secrets", "endpoints"],
                        &["get"],
                    ),
                    rule(
                        &["coordination.k8s.io"],
                        &["leases"],
                        &["get", "create", "update"],
                    ),
                ],
            ));
            out.push(role_binding(
                seed,
                ns,
                "ingress-nginx",
                "Role",
                "ingress-nginx",
                vec![account(ns, "ingress-nginx-controller")],
            ));
        }
        NsKind::App => app_rbac(seed, ns, out, READ),
        _ => {}
    }
}

fn app_rbac(seed: u64, ns: &NsPlan, out: &mut Vec<Value>, read: &[&str]) {
    let mut dev = vec![
        rule(
            &[""],
            &[
                "pods",
                "pods/log",
                "services",
                "endpoints",
                "configmaps",
                "events",
                "persistentvolumeclaims",
            ],
            read,
        ),
        rule(
            &["apps"],
            &["deployments", "replicasets", "statefulsets", "daemonsets"],
            read,
        ),
        rule(&["batch"], &["jobs", "cronjobs"], read),
    ];
    if ns.dev_exec {
        dev.push(rule(
            &[""],
            &["pods/exec", "pods/portforward"],
            &["create", "get"],
        ));
    }
    out.push(role(seed, ns, "developer", dev));
    out.push(role_binding(
        seed,
        ns,
        "developers",
        "Role",
        "developer",
        vec![group(&format!("{}-developers", ns.team))],
    ));
    out.push(role_binding(
        seed,
        ns,
        "team-admins",
        "ClusterRole",
        "admin",
        vec![group(&format!("{}-leads", ns.team))],
    ));
    out.push(role_binding(
        seed,
        ns,
        "viewers",
        "ClusterRole",
        "view",
        vec![group("support-engineers")],
    ));
    for app in ns
        .apps
        .iter()
        .filter(|a| a.profile == Profile::Worker && !a.risks.default_sa)
    {
        let name = format!("{}-leader-election", app.name);
        out.push(role(
            seed,
            ns,
            &name,
            vec![rule(
                &["coordination.k8s.io"],
                &["leases"],
                &["get", "create", "update"],
            )],
        ));
        out.push(role_binding(
            seed,
            ns,
            &name,
            "Role",
            &name,
            vec![account(ns, &app.name)],
        ));
    }
    if ns.secret_reader {
        let holder = ns.apps.first().map_or("default", App::service_account);
        out.push(role(
            seed,
            ns,
            "secret-reader",
            vec![rule(&[""], &["secrets"], &["get", "list"])],
        ));
        out.push(role_binding(
            seed,
            ns,
            "secret-reader",
            "Role",
            "secret-reader",
            vec![account(ns, holder)],
        ));
    }
    if ns.wildcard_role {
        out.push(role(
            seed,
            ns,
            "ops-admin",
            vec![rule(&["*"], &["*"], &["*"])],
        ));
        out.push(role_binding(
            seed,
            ns,
            "ops-admin",
            "Role",
            "ops-admin",
            vec![user("oncall@example.com")],
        ));
    }
    if ns.deployer_role {
        out.push(role(
            seed,
            ns,
            "ci-deployer",
            vec![
                rule(
                    &["apps"],
                    &["deployments"],
                    &["get", "list", "create", "update", "patch"],
                ),
                rule(
                    &[""],
                    &["services", "configmaps"],
                    &["get", "list", "create", "update", "patch"],
                ),
            ],
        ));
        out.push(role_binding(
            seed,
            ns,
            "ci-deployer",
            "Role",
            "ci-deployer",
            vec![user("ci-bot@example.com")],
        ));
    }
}

// ---------------------------------------------------------------- NetworkPolicies

fn policy(seed: u64, ns: &NsPlan, name: &str, spec: Value) -> Value {
    let h = team_head("NetworkPolicy", ns, name, None);
    object(seed, h, fields(vec![("spec", spec)]))
}

fn ns_selector(name: &str) -> Value {
    json!({"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": name}}})
}

fn network_policies(seed: u64, ns: &NsPlan, out: &mut Vec<Value>) {
    if ns.netpol == NetPol::None {
        return;
    }
    if ns.netpol == NetPol::Full {
        out.push(policy(
            seed,
            ns,
            "default-deny-all",
            json!({"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}),
        ));
        out.push(policy(seed, ns, "allow-dns", json!({
            "podSelector": {},
            "policyTypes": ["Egress"],
            "egress": [{
                "to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
                        "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}],
                "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}],
            }],
        })));
        out.push(policy(
            seed,
            ns,
            "allow-same-namespace",
            json!({
                "podSelector": {},
                "policyTypes": ["Ingress", "Egress"],
                "ingress": [{"from": [{"podSelector": {}}]}],
                "egress": [{"to": [{"podSelector": {}}]}],
            }),
        ));
        out.push(policy(seed, ns, "allow-egress-https", json!({
            "podSelector": {"matchLabels": {"app.kubernetes.io/component": "backend"}},
            "policyTypes": ["Egress"],
            "egress": [{"to": [{"ipBlock": {"cidr": "0.0.0.0/0", "except": ["10.0.0.0/8", "169.254.169.254/32"]}}],
                        "ports": [{"protocol": "TCP", "port": 443}]}],
        })));
    }
    for app in ns.apps.iter().filter(|a| a.ingress.is_some()) {
        out.push(policy(seed, ns, &format!("allow-ingress-nginx-to-{}", app.name), json!({
            "podSelector": {"matchLabels": selector_labels(app)},
            "policyTypes": ["Ingress"],
            "ingress": [{"from": [ns_selector("ingress-nginx")], "ports": [{"protocol": "TCP", "port": 8080}]}],
        })));
    }
    out.push(policy(seed, ns, "allow-prometheus-scrape", json!({
        "podSelector": {"matchLabels": {"app.kubernetes.io/component": "backend"}},
        "policyTypes": ["Ingress"],
        "ingress": [{"from": [ns_selector("monitoring")], "ports": [{"protocol": "TCP", "port": 9090}]}],
    })));
    if ns.stale_policy {
        out.push(policy(seed, ns, "allow-legacy-api", json!({
            "podSelector": {"matchLabels": {"app.kubernetes.io/name": "legacy-api"}},
            "policyTypes": ["Ingress"],
            "ingress": [{"from": [{"podSelector": {"matchLabels": {"app.kubernetes.io/component": "frontend"}}}]}],
        })));
    }
}

// ---------------------------------------------------------------- Services

/// Service ports of a workload: (name, port, target port name, protocol).
fn service_ports(profile: Profile) -> &'static [(&'static str, u16, &'static str, &'static str)] {
    match profile {
        Profile::Postgres => &[("postgresql", 5432, "postgresql", "TCP")],
        Profile::Redis => &[("redis", 6379, "redis", "TCP")],
        Profile::RabbitMq => &[
            ("amqp", 5672, "amqp", "TCP"),
            ("management", 15672, "management", "TCP"),
        ],
        Profile::Kafka => &[("kafka", 9092, "kafka", "TCP")],
        Profile::CoreDns => &[
            ("dns", 53, "dns", "UDP"),
            ("dns-tcp", 53, "dns-tcp", "TCP"),
            ("metrics", 9153, "metrics", "TCP"),
        ],
        Profile::MetricsServer => &[("https", 443, "https", "TCP")],
        Profile::IngressController => {
            &[("http", 80, "http", "TCP"), ("https", 443, "https", "TCP")]
        }
        Profile::Prometheus => &[("http", 80, "web", "TCP")],
        Profile::Grafana => &[("service", 80, "grafana", "TCP")],
        _ => &[("http", 80, "http", "TCP")],
    }
}

struct ServiceDef<'a> {
    name: String,
    app: Option<&'a App>,
    kind: &'static str,
    selector: Map<String, Value>,
    ports: Vec<Value>,
    cluster_ip: String,
    annotations: Map<String, Value>,
    lb_hostname: Option<String>,
    extra: Map<String, Value>,
}

fn service(g: &mut Gen, ns: &NsPlan, d: ServiceDef) {
    let mut h = match d.app {
        Some(app) => team_head("Service", ns, &d.name, Some(app)),
        None => {
            let mut h = Head::new("Service", Some(&ns.name), &d.name, ns.created);
            h.labels = map([
                ("component", "apiserver".into()),
                ("provider", "kubernetes".into()),
            ]);
            h
        }
    };
    h.annotations.extend(d.annotations);
    let mut spec = json!({
        "type": d.kind,
        "ports": d.ports,
        "sessionAffinity": "None",
    });
    if d.kind != "ExternalName" {
        spec["clusterIP"] = json!(d.cluster_ip);
        spec["clusterIPs"] = json!([d.cluster_ip]);
        spec["internalTrafficPolicy"] = json!("Cluster");
        spec["ipFamilies"] = json!(["IPv4"]);
        spec["ipFamilyPolicy"] = json!("SingleStack");
    }
    if !d.selector.is_empty() {
        spec["selector"] = Value::Object(d.selector);
    }
    if matches!(d.kind, "NodePort" | "LoadBalancer") {
        spec["externalTrafficPolicy"] = json!("Cluster");
    }
    if d.kind == "LoadBalancer" {
        spec["allocateLoadBalancerNodePorts"] = json!(true);
    }
    if let Some(m) = spec.as_object_mut() {
        m.extend(d.extra);
    }
    let status = match d.lb_hostname {
        Some(host) => json!({"loadBalancer": {"ingress": [{"hostname": host}]}}),
        None => json!({"loadBalancer": {}}),
    };
    let v = object(g.seed, h, fields(vec![("spec", spec), ("status", status)]));
    g.emit(v);
}

fn services(g: &mut Gen, ns: &NsPlan) {
    if ns.kind == NsKind::Default {
        service(
            g,
            ns,
            ServiceDef {
                name: "kubernetes".into(),
                app: None,
                kind: "ClusterIP",
                selector: Map::new(),
                ports: vec![
                    json!({"name": "https", "port": 443, "protocol": "TCP", "targetPort": 443}),
                ],
                cluster_ip: Gen::reserved_service_ip(1),
                annotations: Map::new(),
                lb_hostname: None,
                extra: Map::new(),
            },
        );
    }
    for app in ns.apps.iter().filter(|a| a.expose != Expose::None) {
        app_services(g, ns, app);
    }
    if ns.is_app() && Rng::for_key(g.seed, &format!("external/{}", ns.name)).chance(100) {
        let target = format!(
            "legacy-db.cluster-{}.us-east-1.rds.amazonaws.com",
            hex_of(g.seed, &ns.name, 12)
        );
        let mut h = team_head("Service", ns, "legacy-db", None);
        h.created = ns.created + DAY;
        let spec = json!({"type": "ExternalName", "sessionAffinity": "None", "externalName": target,
            "ports": [{"name": "postgresql", "port": 5432, "protocol": "TCP", "targetPort": 5432}]});
        let v = object(
            g.seed,
            h,
            fields(vec![
                ("spec", spec),
                ("status", json!({"loadBalancer": {}})),
            ]),
        );
        g.emit(v);
    }
}

fn app_services(g: &mut Gen, ns: &NsPlan, app: &App) {
    let (kind, internal) = match app.expose {
        Expose::NodePort => ("NodePort", false),
        Expose::LoadBalancer => ("LoadBalancer", false),
        Expose::InternalLoadBalancer => ("LoadBalancer", true),
        _ => ("ClusterIP", false),
    };
    let ports: Vec<Value> = service_ports(app.profile)
        .iter()
        .map(|(name, port, target, proto)| {
            let mut p =
                json!({"name": name, "port": port, "protocol": proto, "targetPort": target});
            if kind != "ClusterIP" {
                p["nodePort"] = json!(g.node_port());
            }
            p
        })
        .collect();
    let mut annotations = Map::new();
    let mut lb_hostname = None;
    if kind == "LoadBalancer" {
        annotations.insert(
            "service.beta.kubernetes.io/aws-load-balancer-type".into(),
            json!("nlb"),
        );
        let id = hex_of(g.seed, &format!("lb/{}/{}", ns.name, app.name), 16);
        let mut host = format!(
            "k8s-{}-{}-{id}.elb.us-east-1.amazonaws.com",
            short(&ns.name),
            short(&app.name)
        );
        if internal {
            annotations.insert(
                "service.beta.kubernetes.io/aws-load-balancer-scheme".into(),
                json!("internal"),
            );
            host = format!("internal-{host}");
        }
        if app.profile == Profile::IngressController {
            host = INGRESS_LB.to_string();
        }
        lb_hostname = Some(host);
    }
    if app.profile == Profile::Prometheus || app.profile == Profile::CoreDns {
        annotations.insert("prometheus.io/scrape".into(), json!("true"));
    }
    let (name, cluster_ip) = match app.profile {
        Profile::CoreDns => ("kube-dns".to_string(), Gen::reserved_service_ip(10)),
        _ => (app.name.clone(), g.service_ip()),
    };
    let selector = selector_labels(app);
    if app.kind == AppKind::StatefulSet {
        let mut extra = Map::new();
        extra.insert("publishNotReadyAddresses".into(), json!(true));
        service(
            g,
            ns,
            ServiceDef {
                name: format!("{}-headless", app.name),
                app: Some(app),
                kind: "ClusterIP",
                selector: selector.clone(),
                ports: ports.clone(),
                cluster_ip: "None".into(),
                annotations: Map::new(),
                lb_hostname: None,
                extra,
            },
        );
    }
    service(
        g,
        ns,
        ServiceDef {
            name,
            app: Some(app),
            kind,
            selector: selector.clone(),
            ports,
            cluster_ip,
            annotations,
            lb_hostname,
            extra: Map::new(),
        },
    );
    if app.profile == Profile::IngressController {
        let ip = g.service_ip();
        service(
            g,
            ns,
            ServiceDef {
                name: "ingress-nginx-controller-admission".into(),
                app: Some(app),
                kind: "ClusterIP",
                selector,
                ports: vec![
                    json!({"name": "https-webhook", "port": 443, "protocol": "TCP", "targetPort": "webhook"}),
                ],
                cluster_ip: ip,
                annotations: Map::new(),
                lb_hostname: None,
                extra: Map::new(),
            },
        );
    }
}

/// The first 8 characters, as the AWS load balancer controller truncates names.
fn short(name: &str) -> &str {
    &name[..name.len().min(8)]
}

// ---------------------------------------------------------------- Ingresses

fn ingresses(g: &mut Gen, ns: &NsPlan) {
    for app in &ns.apps {
        let Some(tls) = app.ingress else { continue };
        let host = format!("{}.{}.example.com", app.name, ns.name);
        let mut h = team_head("Ingress", ns, &app.name, Some(app));
        let mut spec = json!({
            "ingressClassName": "nginx",
            "rules": [{"host": host, "http": {"paths": [{"path": "/", "pathType": "Prefix",
                "backend": {"service": {"name": app.name, "port": {"number": 80}}}}]}}],
        });
        if tls {
            h.annotations.insert(
                "cert-manager.io/cluster-issuer".into(),
                json!("letsencrypt-prod"),
            );
            h.annotations.insert(
                "nginx.ingress.kubernetes.io/ssl-redirect".into(),
                json!("true"),
            );
            spec["tls"] = json!([{"hosts": [host], "secretName": format!("{}-tls", app.name)}]);
        }
        h.generation = Some(1);
        let status = json!({"loadBalancer": {"ingress": [{"hostname": INGRESS_LB}]}});
        let v = object(g.seed, h, fields(vec![("spec", spec), ("status", status)]));
        g.emit(v);
    }
}
