//! Kubernetes network segmentation and exposure checks: NetworkPolicy coverage of pods and
//! namespaces, Services and Ingresses that reach outside the cluster, and sensitive web
//! interfaces (dashboards, notebooks, admin UIs) behind them.
//!
//! A namespace whose NetworkPolicies could not be read (coverage gap for that namespace or
//! the whole cluster) is skipped by the policy checks: an unread policy is not an absent one.

use super::frameworks::*;
use super::input::Input;
use super::{parse_image_ref, unit_ref, Check, Family, Out, Severity};
use crate::findings::{Evidence, ResourceRef};
use crate::model::{
    CoverageStatus, DataKind, LabelSelector, NetworkPolicy, Service, Snapshot, WorkloadKind,
    WorkloadUnit,
};

const NEEDS_POD_POLICY: &[DataKind] = &[DataKind::KubeWorkloads, DataKind::KubeNetworkPolicies];
const NEEDS_NS_POLICY: &[DataKind] = &[DataKind::KubeNamespaces, DataKind::KubeNetworkPolicies];
const NEEDS_SERVICES: &[DataKind] = &[DataKind::KubeServices];
const NEEDS_INGRESSES: &[DataKind] = &[DataKind::KubeIngresses];
const NEEDS_SENSITIVE: &[DataKind] = &[
    DataKind::KubeServices,
    DataKind::KubeIngresses,
    DataKind::KubeWorkloads,
];

/// Namespaces the platform runs itself in.
const PLATFORM_NAMESPACES: &[&str] = &["kube-system", "kube-public", "kube-node-lease"];

/// Annotations that make a LoadBalancer internal on the major clouds.
const INTERNAL_LB_ANNOTATIONS: &[(&str, &str)] = &[
    ("service.beta.kubernetes.io/aws-load-balancer-internal", ""),
    (
        "service.beta.kubernetes.io/aws-load-balancer-scheme",
        "internal",
    ),
    ("networking.gke.io/load-balancer-type", "Internal"),
    ("cloud.google.com/load-balancer-type", "Internal"),
    (
        "service.beta.kubernetes.io/azure-load-balancer-internal",
        "true",
    ),
    (
        "service.beta.kubernetes.io/oci-load-balancer-internal",
        "true",
    ),
];

pub const CHECKS: &[Check] = &[
    Check {
        id: "KN-001",
        title: "Pods selected by no NetworkPolicy",
        family: Family::KubeNetwork,
        severity: Severity::Medium,
        rationale: "Pods that no NetworkPolicy selects accept traffic from, and send traffic to, every pod in every namespace: one compromised workload can reach them directly. kube-system is skipped (its add-ons are the network).",
        remediation: "Add a NetworkPolicy whose podSelector matches the workload's pod labels and allows only the callers it needs, e.g. `spec: {podSelector: {matchLabels: {app: api}}, policyTypes: [Ingress], ingress: [{from: [{podSelector: {matchLabels: {app: web}}}]}]}`, then `kubectl apply -f netpol.yaml`.",
        refs: &["CIS-K 5.3.2", "kube-score pod-networkpolicy", "Polaris missingNetworkPolicy", "CKV2_K8S_6", "C-0260"],
        controls: SEGMENTATION,
        needs: NEEDS_POD_POLICY,
        run: pods_without_policy,
    },
    Check {
        id: "KN-002",
        title: "Namespace without default-deny NetworkPolicy",
        family: Family::KubeNetwork,
        severity: Severity::Medium,
        rationale: "Without a default-deny policy (empty podSelector, no rules) every new pod in the namespace is open until someone writes a policy for it; with one, traffic is denied unless allowed. Ingress and egress are separate. kube-system, kube-public and kube-node-lease are skipped.",
        remediation: "Apply a NetworkPolicy `{apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: default-deny, namespace: <ns>}, spec: {podSelector: {}, policyTypes: [Ingress, Egress]}}` with `kubectl apply -f` and then allow the flows each app needs (remember DNS egress to kube-system).",
        refs: &["C-0030", "POP-1205"],
        controls: SEGMENTATION,
        needs: NEEDS_NS_POLICY,
        run: no_default_deny,
    },
    Check {
        id: "KN-003",
        title: "NetworkPolicy selects no pods",
        family: Family::KubeNetwork,
        severity: Severity::Low,
        rationale: "A NetworkPolicy whose podSelector matches no pod template in its namespace protects nothing; it usually means a label was renamed and the workload it was written for is now unprotected.",
        remediation: "Fix the policy's `spec.podSelector` to match the workload's pod template labels (`kubectl get deploy <name> -o jsonpath='{.spec.template.metadata.labels}'`), or delete the stale policy.",
        refs: &["kube-score networkpolicy-targets-pod"],
        controls: SEGMENTATION,
        needs: NEEDS_POD_POLICY,
        run: policy_selects_nothing,
    },
    Check {
        id: "KN-004",
        title: "Service exposed outside the cluster",
        family: Family::KubeNetwork,
        severity: Severity::Medium,
        rationale: "A NodePort Service opens a port on every node, and a LoadBalancer Service gets an external address; both bypass Ingress-level TLS, authentication and rate limits and put the pods straight on the network.",
        remediation: "Use `spec.type: ClusterIP` and publish through an Ingress or Gateway with TLS; if a LoadBalancer is needed, make it internal (e.g. `service.beta.kubernetes.io/aws-load-balancer-internal: \"true\"`) and restrict `spec.loadBalancerSourceRanges`.",
        refs: &["kube-score service-type", "C-0256"],
        controls: EXPOSURE,
        needs: NEEDS_SERVICES,
        run: exposed_services,
    },
    Check {
        id: "KN-005",
        title: "Service sets externalIPs",
        family: Family::KubeNetwork,
        severity: Severity::Medium,
        rationale: "spec.externalIPs makes kube-proxy capture traffic for any address the Service names, so whoever can create a Service can intercept traffic to that IP (CVE-2020-8554); the addresses are not validated by the cluster.",
        remediation: "Remove `spec.externalIPs` (`kubectl patch svc <name> --type=json -p '[{\"op\":\"remove\",\"path\":\"/spec/externalIPs\"}]'`), use a LoadBalancer or Ingress instead, and block the field with the DenyServiceExternalIPs admission plugin.",
        refs: &["KSV-0108"],
        controls: EXPOSURE,
        needs: NEEDS_SERVICES,
        run: external_ips,
    },
    Check {
        id: "KN-006",
        title: "Ingress without TLS",
        family: Family::KubeNetwork,
        severity: Severity::Medium,
        rationale: "An Ingress host not covered by spec.tls is served over plain HTTP: credentials, session cookies and personal data cross the network readable and modifiable by anyone on the path.",
        remediation: "Add `spec.tls: [{hosts: [\"<host>\"], secretName: <host>-tls}]` covering every rule host (cert-manager: annotate `cert-manager.io/cluster-issuer: <issuer>`), and redirect HTTP to HTTPS.",
        refs: &["Polaris tlsSettingsMissing", "C-0263"],
        controls: TRANSPORT,
        needs: NEEDS_INGRESSES,
        run: ingress_without_tls,
    },
    Check {
        id: "KN-007",
        title: "Sensitive interface exposed",
        family: Family::KubeNetwork,
        severity: Severity::High,
        rationale: "Dashboards, notebooks and admin UIs (Kubernetes Dashboard, Jupyter, Kibana, Grafana, Prometheus, Alertmanager, Argo CD, phpMyAdmin, Adminer, pgAdmin, Jenkins, RabbitMQ management, Kafka UI, elasticsearch-head, MinIO console) run code, read data or change the cluster; exposed through a NodePort, LoadBalancer or Ingress they are a favourite first foothold.",
        remediation: "Make the Service `type: ClusterIP` and reach the UI with `kubectl port-forward svc/<name> 8080:80`, or put it behind an Ingress with authentication (e.g. oauth2-proxy, `nginx.ingress.kubernetes.io/auth-url`) and an IP allow list (`nginx.ingress.kubernetes.io/whitelist-source-range`).",
        refs: &["C-0021"],
        controls: EXPOSURE,
        needs: NEEDS_SENSITIVE,
        run: sensitive_interface,
    },
];

// ---- helpers -------------------------------------------------------------------------

/// Whether `kind` could not be read for namespace `ns` (or for the whole cluster).
fn unread(s: &Snapshot, kind: DataKind, ns: &str) -> bool {
    s.coverage.entries.iter().any(|e| {
        e.kind == kind
            && e.status == CoverageStatus::Missing
            && (e.scope == ns || e.scope.is_empty() || e.scope == "cluster")
    })
}

/// `spec.template.metadata.labels` (or the Pod's / CronJob's equivalent).
fn template_labels_path(kind: WorkloadKind) -> String {
    match kind.template_path().strip_suffix(".spec") {
        Some(base) => format!("{base}.metadata.labels"),
        None => "metadata.labels".to_string(),
    }
}

fn map_str(m: &crate::model::Labels) -> String {
    let parts: Vec<String> = m.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("{{{}}}", parts.join(", "))
}

fn selector_str(sel: &LabelSelector) -> String {
    let mut parts: Vec<String> = sel
        .match_labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    parts.extend(
        sel.match_expressions
            .iter()
            .map(|e| format!("{} {} [{}]", e.key, e.operator, e.values.join(", "))),
    );
    format!("{{{}}}", parts.join(", "))
}

fn selector_is_empty(sel: &LabelSelector) -> bool {
    sel.match_labels.is_empty() && sel.match_expressions.is_empty()
}

fn policy_ref(p: &NetworkPolicy) -> ResourceRef {
    ResourceRef::kube("NetworkPolicy", p.meta.namespace.as_deref(), &p.meta.name)
}

fn service_ref(svc: &Service) -> ResourceRef {
    ResourceRef::kube("Service", svc.meta.namespace.as_deref(), &svc.meta.name)
}

fn is_exposed_type(t: &str) -> bool {
    t == "NodePort" || t == "LoadBalancer"
}

fn is_internal_lb(svc: &Service) -> bool {
    INTERNAL_LB_ANNOTATIONS.iter().any(|(k, v)| {
        svc.meta
            .annotations
            .get(k)
            .is_some_and(|val| v.is_empty() || val.eq_ignore_ascii_case(v))
    })
}

/// Workload units a Service's selector picks (none for a Service without a selector).
fn selected_units<'a>(svc: &Service, s: &Input<'a>) -> Vec<WorkloadUnit<'a>> {
    if svc.selector.is_empty() {
        return Vec::new();
    }
    s.units_in(svc.meta.namespace_str())
        .filter(|u| {
            svc.selector
                .iter()
                .all(|(k, v)| u.pod().labels.get(k) == Some(v))
        })
        .collect()
}

/// The kind of sensitive interface an image reference runs, if any.
pub fn sensitive_ui(image: &str) -> Option<&'static str> {
    let lower = image.to_ascii_lowercase();
    let r = parse_image_ref(&lower);
    let repo = r.repository;
    let last = repo.rsplit('/').next().unwrap_or(repo);
    let tag = r.tag.unwrap_or("");
    Some(match last {
        _ if repo.contains("kubernetes-dashboard")
            || repo.starts_with("kubernetesui/dashboard") =>
        {
            "Kubernetes Dashboard"
        }
        "dashboard" if repo.contains("kubernetes") => "Kubernetes Dashboard",
        _ if last.starts_with("jupyter") || repo.starts_with("jupyter/") => "Jupyter notebook",
        "kibana" => "Kibana",
        "grafana" | "grafana-oss" | "grafana-enterprise" => "Grafana",
        "prometheus" => "Prometheus",
        "alertmanager" => "Alertmanager",
        "argocd" | "argocd-server" => "Argo CD server",
        "phpmyadmin" => "phpMyAdmin",
        "adminer" => "Adminer",
        _ if last.starts_with("pgadmin") => "pgAdmin",
        "jenkins" => "Jenkins",
        "rabbitmq" if tag.contains("management") => "RabbitMQ management",
        "kafka-ui" => "Kafka UI",
        "elasticsearch-head" => "elasticsearch-head",
        "console" | "minio" if repo.contains("minio") => "MinIO console",
        _ => return None,
    })
}

/// (evidence, labels) for the sensitive interfaces run by the given units.
fn sensitive_evidence(units: &[WorkloadUnit<'_>]) -> (Vec<Evidence>, Vec<String>) {
    let mut ev = Vec::new();
    let mut what = Vec::new();
    for u in units {
        for c in u.pod().all_containers() {
            if let Some(ui) = sensitive_ui(&c.image) {
                ev.push(Evidence::new(
                    format!(
                        "{}/{}.{}.{}.image",
                        u.kind,
                        u.name,
                        u.kind.template_path(),
                        c.path()
                    ),
                    c.image.clone(),
                ));
                what.push(format!("{ui} ({} {})", u.kind, u.name));
            }
        }
    }
    what.dedup();
    (ev, what)
}

// ---- checks --------------------------------------------------------------------------

fn pods_without_policy(s: &Input, out: &mut Out) {
    for u in s.units() {
        let ns = u.namespace();
        if ns == "kube-system" || unread(s, DataKind::KubeNetworkPolicies, ns) {
            continue;
        }
        let covered = s
            .policies_in(ns)
            .iter()
            .any(|p| p.pod_selector.matches(&u.pod().labels));
        if covered {
            continue;
        }
        out.emit(
            unit_ref(&u),
            "",
            format!(
                "{} {ns}/{} has pods that no NetworkPolicy in {ns} selects",
                u.kind, u.name
            ),
            vec![Evidence::new(
                template_labels_path(u.workload.kind),
                map_str(&u.pod().labels),
            )],
        );
    }
}

fn no_default_deny(s: &Input, out: &mut Out) {
    for ns in &s.kube.namespaces {
        let name = ns.meta.name.as_str();
        if PLATFORM_NAMESPACES.contains(&name) || unread(s, DataKind::KubeNetworkPolicies, name) {
            continue;
        }
        let policies = s.policies_in(name);
        let empty_sel: Vec<&&NetworkPolicy> = policies
            .iter()
            .filter(|p| selector_is_empty(&p.pod_selector))
            .collect();
        let deny_in = empty_sel
            .iter()
            .any(|p| p.applies_to_ingress() && p.ingress.is_empty());
        let deny_out = empty_sel
            .iter()
            .any(|p| p.applies_to_egress() && p.egress.is_empty());
        for (missing, dir, ty) in [
            (!deny_in, "ingress", "Ingress"),
            (!deny_out, "egress", "Egress"),
        ] {
            if !missing {
                continue;
            }
            out.emit(
                ResourceRef::kube("Namespace", None, name),
                dir,
                format!("namespace {name} has no default-deny {dir} NetworkPolicy"),
                vec![Evidence::new(
                    "networkPolicies",
                    format!(
                        "{} policies; none with podSelector {{}}, policyTypes [{ty}] and no {dir} rules",
                        policies.len()
                    ),
                )],
            );
        }
    }
}

fn policy_selects_nothing(s: &Input, out: &mut Out) {
    for p in &s.kube.network_policies {
        if selector_is_empty(&p.pod_selector) {
            continue;
        }
        let ns = p.meta.namespace_str();
        if unread(s, DataKind::KubeWorkloads, ns) {
            continue;
        }
        let hit = s
            .workloads_in(ns)
            .iter()
            .any(|w| p.pod_selector.matches(&w.pod.labels));
        if hit {
            continue;
        }
        out.emit(
            policy_ref(p),
            "",
            format!(
                "NetworkPolicy {} selects no pod template in namespace {ns}",
                p.meta.key()
            ),
            vec![Evidence::new(
                "spec.podSelector",
                selector_str(&p.pod_selector),
            )],
        );
    }
}

fn exposed_services(s: &Input, out: &mut Out) {
    for svc in &s.kube.services {
        if !is_exposed_type(&svc.service_type) {
            continue;
        }
        let mut ev = vec![Evidence::new("spec.type", svc.service_type.clone())];
        for (i, p) in svc.ports.iter().enumerate() {
            if let Some(np) = p.node_port {
                ev.push(Evidence::new(
                    format!("spec.ports[{i}].nodePort"),
                    np.to_string(),
                ));
            }
        }
        if !svc.load_balancer_ingress.is_empty() {
            ev.push(Evidence::new(
                "status.loadBalancer.ingress",
                format!("[{}]", svc.load_balancer_ingress.join(", ")),
            ));
        }
        let internal = svc.service_type == "LoadBalancer" && is_internal_lb(svc);
        let sev = match (svc.service_type.as_str(), internal) {
            ("LoadBalancer", false) => Severity::High,
            ("LoadBalancer", true) => Severity::Low,
            _ => Severity::Medium,
        };
        let how = if internal {
            "an internal load balancer"
        } else if svc.service_type == "LoadBalancer" {
            "an external load balancer"
        } else {
            "a port on every node"
        };
        out.emit_with(
            sev,
            service_ref(svc),
            "",
            format!(
                "Service {} is type {} and is reachable through {how}",
                svc.meta.key(),
                svc.service_type
            ),
            ev,
        );
    }
}

fn external_ips(s: &Input, out: &mut Out) {
    for svc in s
        .kube
        .services
        .iter()
        .filter(|s| !s.external_ips.is_empty())
    {
        out.emit(
            service_ref(svc),
            "",
            format!(
                "Service {} claims external IPs {}",
                svc.meta.key(),
                svc.external_ips.join(", ")
            ),
            vec![Evidence::new(
                "spec.externalIPs",
                format!("[{}]", svc.external_ips.join(", ")),
            )],
        );
    }
}

/// `*.example.com` covers `api.example.com` (one label), not `example.com` or `a.b.example.com`.
fn tls_covers(tls_host: &str, host: &str) -> bool {
    if tls_host.eq_ignore_ascii_case(host) {
        return true;
    }
    match tls_host.strip_prefix("*.") {
        Some(suffix) => host
            .split_once('.')
            .is_some_and(|(_, rest)| rest.eq_ignore_ascii_case(suffix)),
        None => false,
    }
}

fn ingress_without_tls(s: &Input, out: &mut Out) {
    for ing in &s.kube.ingresses {
        let r = ResourceRef::kube("Ingress", ing.meta.namespace.as_deref(), &ing.meta.name);
        if !ing.has_tls {
            out.emit(
                r,
                "",
                format!(
                    "Ingress {} has no spec.tls: served over plain HTTP",
                    ing.meta.key()
                ),
                vec![Evidence::new("spec.tls", "absent")],
            );
            continue;
        }
        // A tls entry without hosts covers every host with the controller's default cert.
        if ing.tls_hosts.is_empty() {
            continue;
        }
        let mut hosts: Vec<&str> = ing
            .backends
            .iter()
            .map(|b| b.host.as_str())
            .filter(|h| !h.is_empty())
            .collect();
        hosts.sort_unstable();
        hosts.dedup();
        for host in hosts {
            if ing.tls_hosts.iter().any(|t| tls_covers(t, host)) {
                continue;
            }
            out.emit(
                r.clone(),
                host,
                format!(
                    "Ingress {} serves host {host} without TLS (spec.tls covers {})",
                    ing.meta.key(),
                    ing.tls_hosts.join(", ")
                ),
                vec![
                    Evidence::new("spec.rules[].host", host),
                    Evidence::new(
                        "spec.tls[].hosts",
                        format!("[{}]", ing.tls_hosts.join(", ")),
                    ),
                ],
            );
        }
    }
}

fn sensitive_interface(s: &Input, out: &mut Out) {
    for svc in s
        .kube
        .services
        .iter()
        .filter(|s| is_exposed_type(&s.service_type))
    {
        let (mut ev, what) = sensitive_evidence(&selected_units(svc, s));
        if ev.is_empty() {
            continue;
        }
        ev.insert(0, Evidence::new("spec.type", svc.service_type.clone()));
        out.emit(
            service_ref(svc),
            "",
            format!(
                "Service {} ({}) exposes {}",
                svc.meta.key(),
                svc.service_type,
                what.join(", ")
            ),
            ev,
        );
    }
    for ing in &s.kube.ingresses {
        let ns = ing.meta.namespace_str();
        let mut names: Vec<&str> = ing.backends.iter().map(|b| b.service.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        for name in names {
            let Some(svc) = s.service(ns, name) else {
                continue;
            };
            let (mut ev, what) = sensitive_evidence(&selected_units(svc, s));
            if ev.is_empty() {
                continue;
            }
            let hosts: Vec<&str> = ing
                .backends
                .iter()
                .filter(|b| b.service == name)
                .map(|b| {
                    if b.host.is_empty() {
                        "*"
                    } else {
                        b.host.as_str()
                    }
                })
                .collect();
            ev.insert(
                0,
                Evidence::new("spec.rules[].http.paths[].backend.service.name", name),
            );
            out.emit(
                ResourceRef::kube("Ingress", Some(ns), &ing.meta.name),
                name,
                format!(
                    "Ingress {} routes {} to Service {name}, which runs {}",
                    ing.meta.key(),
                    hosts.join(", "),
                    what.join(", ")
                ),
                ev,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::Finding;
    use crate::model::{
        Ingress, IngressBackend, LabelSelectorRequirement, NetworkPolicyRule, ObjectMeta,
        ServicePort, Workload,
    };
    use crate::testkit::{deployment, kube, namespace, run_check};

    fn meta(ns: &str, name: &str) -> ObjectMeta {
        ObjectMeta {
            name: name.into(),
            namespace: Some(ns.into()),
            ..Default::default()
        }
    }

    fn labels(pairs: &[(&str, &str)]) -> crate::model::Labels {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn policy(ns: &str, name: &str, sel: &[(&str, &str)], types: &[&str]) -> NetworkPolicy {
        NetworkPolicy {
            meta: meta(ns, name),
            pod_selector: LabelSelector {
                match_labels: labels(sel),
                ..Default::default()
            },
            policy_types: types
                .iter()
                .map(|t| t.to_string())
                .map(crate::model::Str::from)
                .collect(),
            ..Default::default()
        }
    }

    fn service(ns: &str, name: &str, ty: &str, sel: &[(&str, &str)]) -> Service {
        Service {
            meta: meta(ns, name),
            service_type: ty.into(),
            selector: labels(sel),
            ports: vec![ServicePort {
                port: 80,
                node_port: (ty != "ClusterIP").then_some(30080),
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    fn ingress(ns: &str, name: &str, routes: &[(&str, &str)], tls: Option<&[&str]>) -> Ingress {
        Ingress {
            meta: meta(ns, name),
            backends: routes
                .iter()
                .map(|(h, svc)| IngressBackend {
                    host: h.to_string().into(),
                    path: "/".into(),
                    service: svc.to_string().into(),
                    port: "80".into(),
                })
                .collect(),
            has_tls: tls.is_some(),
            tls_hosts: tls
                .unwrap_or_default()
                .iter()
                .map(|h| h.to_string())
                .map(crate::model::Str::from)
                .collect(),
            ..Default::default()
        }
    }

    fn with_image(mut w: Workload, image: &str) -> Workload {
        w.pod.containers[0].image = image.into();
        w
    }

    fn none(id: &str, s: &Snapshot) {
        let f = run_check(id, s);
        assert!(f.is_empty(), "{id}: unexpected {f:?}");
    }

    fn one(id: &str, s: &Snapshot) -> Finding {
        let f = run_check(id, s);
        assert_eq!(f.len(), 1, "{id}: {f:?}");
        f.into_iter().next().unwrap_or_else(|| unreachable!())
    }

    #[test]
    fn kn001_pod_without_policy() {
        let mut s = kube(vec![
            deployment("prod", "api"),
            deployment("prod", "web"),
            deployment("kube-system", "coredns"),
        ]);
        s.kube.network_policies = vec![
            policy("prod", "api", &[("app", "api")], &["Ingress"]),
            // Same labels, other namespace: does not protect prod/web.
            policy("other", "web", &[("app", "web")], &["Ingress"]),
        ];
        let f = one("KN-001", &s);
        assert_eq!(f.resource.kind, "Deployment");
        assert_eq!(f.resource.name, "web");
        assert_eq!(f.evidence[0].path, "spec.template.metadata.labels");
        assert_eq!(f.evidence[0].observed, "{app=web}");
        // An empty selector (default deny) covers every pod in the namespace.
        s.kube
            .network_policies
            .push(policy("prod", "deny", &[], &["Ingress"]));
        none("KN-001", &s);
        // Policies that could not be read are not treated as absent.
        let mut s = kube(vec![deployment("prod", "web")]);
        s.coverage
            .missing(DataKind::KubeNetworkPolicies, "prod", "403 Forbidden");
        none("KN-001", &s);
    }

    #[test]
    fn kn002_default_deny_per_direction() {
        let mut s = kube(vec![]);
        s.kube.namespaces = vec![namespace("prod"), namespace("kube-system")];
        // Ingress default deny, but the egress policy has an allow rule: not a deny.
        let mut egress = policy("prod", "egress", &[], &["Egress"]);
        egress.egress = vec![NetworkPolicyRule::default()];
        s.kube.network_policies = vec![policy("prod", "deny-in", &[], &["Ingress"]), egress];
        let f = one("KN-002", &s);
        assert_eq!(f.resource.kind, "Namespace");
        assert_eq!(f.resource.name, "prod");
        assert_eq!(f.discriminator, "egress");
        assert_eq!(f.evidence[0].path, "networkPolicies");
        // Both directions missing: two findings.
        s.kube.network_policies.clear();
        assert_eq!(run_check("KN-002", &s).len(), 2);
        s.kube.network_policies = vec![policy("prod", "deny", &[], &["Ingress", "Egress"])];
        none("KN-002", &s);
    }

    #[test]
    fn kn003_policy_selects_nothing() {
        let mut s = kube(vec![deployment("prod", "api")]);
        let mut stale = policy("prod", "stale", &[], &["Ingress"]);
        stale.pod_selector.match_expressions = vec![LabelSelectorRequirement {
            key: "app".into(),
            operator: "In".into(),
            values: vec!["api-v1".into()],
        }];
        s.kube.network_policies = vec![
            policy("prod", "api", &[("app", "api")], &["Ingress"]),
            stale,
            policy("prod", "deny", &[], &["Ingress"]),
        ];
        let f = one("KN-003", &s);
        assert_eq!(f.resource.kind, "NetworkPolicy");
        assert_eq!(f.resource.name, "stale");
        assert_eq!(f.evidence[0].path, "spec.podSelector");
        assert_eq!(f.evidence[0].observed, "{app In [api-v1]}");
        s.kube.network_policies.remove(1);
        none("KN-003", &s);
    }

    #[test]
    fn kn004_exposed_services() {
        let mut s = kube(vec![]);
        let mut internal = service("prod", "internal", "LoadBalancer", &[("app", "a")]);
        internal.meta.annotations = labels(&[(
            "service.beta.kubernetes.io/azure-load-balancer-internal",
            "true",
        )]);
        s.kube.services = vec![
            service("prod", "api", "ClusterIP", &[("app", "api")]),
            service("prod", "nodeport", "NodePort", &[("app", "api")]),
            service("prod", "public", "LoadBalancer", &[("app", "api")]),
            internal,
        ];
        let f = run_check("KN-004", &s);
        assert_eq!(f.len(), 3, "{f:?}");
        let by = |n: &str| f.iter().find(|x| x.resource.name == n).map(|x| x.severity);
        assert_eq!(by("nodeport"), Some(Severity::Medium));
        assert_eq!(by("public"), Some(Severity::High));
        assert_eq!(by("internal"), Some(Severity::Low));
        assert_eq!(f[0].evidence[0].path, "spec.type");
        assert!(f
            .iter()
            .all(|x| x.evidence[1].path == "spec.ports[0].nodePort"));
        s.kube.services.truncate(1);
        none("KN-004", &s);
    }

    #[test]
    fn kn005_external_ips() {
        let mut s = kube(vec![]);
        let mut svc = service("prod", "api", "ClusterIP", &[("app", "api")]);
        svc.external_ips = vec!["203.0.113.7".into()];
        s.kube.services = vec![svc, service("prod", "web", "ClusterIP", &[("app", "web")])];
        let f = one("KN-005", &s);
        assert_eq!(f.resource.name, "api");
        assert_eq!(f.evidence[0].path, "spec.externalIPs");
        assert_eq!(f.evidence[0].observed, "[203.0.113.7]");
        s.kube.services.remove(0);
        none("KN-005", &s);
    }

    #[test]
    fn kn006_ingress_tls() {
        let mut s = kube(vec![]);
        s.kube.ingresses = vec![
            ingress("prod", "plain", &[("a.example.com", "api")], None),
            ingress(
                "prod",
                "partial",
                &[("api.example.com", "api"), ("admin.other.org", "admin")],
                Some(&["*.example.com"]),
            ),
        ];
        let f = run_check("KN-006", &s);
        assert_eq!(f.len(), 2, "{f:?}");
        let plain = f.iter().find(|x| x.resource.name == "plain");
        assert_eq!(plain.map(|x| x.evidence[0].path.as_str()), Some("spec.tls"));
        let partial = f.iter().find(|x| x.resource.name == "partial");
        assert_eq!(
            partial.map(|x| x.discriminator.as_str()),
            Some("admin.other.org")
        );
        s.kube.ingresses = vec![ingress(
            "prod",
            "ok",
            &[("api.example.com", "api"), ("example.com", "web")],
            Some(&["*.example.com", "example.com"]),
        )];
        none("KN-006", &s);
    }

    #[test]
    fn kn007_sensitive_interfaces() {
        let mut s = kube(vec![
            with_image(
                deployment("mon", "grafana"),
                "docker.io/grafana/grafana:11.1.0",
            ),
            with_image(
                deployment("mon", "jupyter"),
                "quay.io/jupyter/base-notebook:latest",
            ),
            deployment("mon", "api"),
        ]);
        s.kube.services = vec![
            service("mon", "grafana", "NodePort", &[("app", "grafana")]),
            service("mon", "jupyter", "ClusterIP", &[("app", "jupyter")]),
            service("mon", "api", "LoadBalancer", &[("app", "api")]),
        ];
        s.kube.ingresses = vec![ingress(
            "mon",
            "notebooks",
            &[("nb.example.com", "jupyter"), ("api.example.com", "api")],
            Some(&["nb.example.com", "api.example.com"]),
        )];
        let f = run_check("KN-007", &s);
        assert_eq!(f.len(), 2, "{f:?}");
        let svc = f.iter().find(|x| x.resource.kind == "Service");
        let svc = svc.unwrap_or_else(|| panic!("no service finding: {f:?}"));
        assert_eq!(svc.resource.name, "grafana");
        assert_eq!(
            svc.evidence[1].path,
            "Deployment/grafana.spec.template.spec.containers[0].image"
        );
        let ing = f.iter().find(|x| x.resource.kind == "Ingress");
        let ing = ing.unwrap_or_else(|| panic!("no ingress finding: {f:?}"));
        assert_eq!(ing.discriminator, "jupyter");
        assert!(ing.message.contains("Jupyter"));
        // The same UI behind a ClusterIP Service with no Ingress passes.
        s.kube.ingresses.clear();
        s.kube.services[0].service_type = "ClusterIP".into();
        none("KN-007", &s);
    }

    #[test]
    fn sensitive_images() {
        assert_eq!(
            sensitive_ui("kubernetesui/dashboard:v2.7.0"),
            Some("Kubernetes Dashboard")
        );
        assert_eq!(
            sensitive_ui("rabbitmq:3.13-management"),
            Some("RabbitMQ management")
        );
        assert_eq!(sensitive_ui("rabbitmq:3.13"), None);
        assert_eq!(sensitive_ui("dpage/pgadmin4:8"), Some("pgAdmin"));
        assert_eq!(
            sensitive_ui("quay.io/minio/minio:latest"),
            Some("MinIO console")
        );
        assert_eq!(sensitive_ui("grafana/loki:3.0"), None);
        assert_eq!(sensitive_ui("nginx:1.27"), None);
    }
}
