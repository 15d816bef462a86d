//! Plans for the network and exposure checks (KN-001 to KN-007): NetworkPolicy manifests
//! for pods and namespaces without one, a patch removing a Service's externalIPs, and
//! manual steps where exposure is a decision (Service type, TLS certificates, UIs).

use super::kube::{api_version, manifest, object_patch, workload_target};
use super::yaml::Y;
use super::{default_target, object_words, Draft, PlanKind, Target};
use crate::findings::Finding;
use crate::model::Snapshot;

pub(crate) fn plan(f: &Finding, s: &Snapshot) -> Option<Draft> {
    match f.check_id.as_str() {
        "KN-001" => workload_policy(f, s),
        "KN-002" => default_deny(f),
        "KN-005" => external_ips(f, s),
        "KN-003" | "KN-004" | "KN-006" | "KN-007" => Some(manual(f, s)),
        _ => None,
    }
}

fn policy_target(ns: &str, name: &str) -> Target {
    Target::Kube {
        api_version: api_version("NetworkPolicy").into(),
        kind: "NetworkPolicy".into(),
        namespace: Some(ns.into()),
        name: name.into(),
    }
}

fn policy(ns: &str, name: &str, spec: Y) -> Y {
    Y::map(vec![
        ("apiVersion", Y::str("networking.k8s.io/v1")),
        ("kind", Y::str("NetworkPolicy")),
        (
            "metadata",
            Y::map(vec![("name", Y::str(name)), ("namespace", Y::str(ns))]),
        ),
        ("spec", spec),
    ])
}

/// KN-002: `default-deny-ingress` / `default-deny-egress` for the namespace.
fn default_deny(f: &Finding) -> Option<Draft> {
    let ns = f.resource.name.as_str();
    let (dir, ty) = match f.discriminator.as_str() {
        "ingress" => ("ingress", "Ingress"),
        "egress" => ("egress", "Egress"),
        _ => return None,
    };
    let name = format!("default-deny-{dir}");
    let spec = Y::map(vec![
        ("podSelector", Y::empty_map()),
        ("policyTypes", Y::strs(&[ty])),
    ]);
    let mut caveats = vec![format!("every {dir} flow of namespace {ns} not allowed by another NetworkPolicy stops: write the allow policies for the flows the apps need before applying")];
    if dir == "egress" {
        caveats.push("allow DNS in a separate policy first: egress to namespace kube-system, pods k8s-app=kube-dns, UDP and TCP port 53".into());
    }
    Some(manifest(
        policy_target(ns, &name),
        &format!("NetworkPolicy {ns}/{name}"),
        policy(ns, &name, spec),
        format!("Namespace {ns}: add a default-deny {dir} NetworkPolicy"),
        caveats,
    ))
}

/// KN-001: a policy selecting the workload's pods that admits traffic from its own
/// namespace only, a starting point to narrow to the real callers.
fn workload_policy(f: &Finding, s: &Snapshot) -> Option<Draft> {
    let t = workload_target(f, s)?;
    let labels = &t.pod().labels;
    if labels.is_empty() {
        return None;
    }
    let match_labels = Y::Map(
        labels
            .iter()
            .filter(|(k, _)| k.as_str() != "pod-template-hash")
            .map(|(k, v)| (k.to_string(), Y::str(v)))
            .collect(),
    );
    let name = format!("{}-ingress", t.name);
    let spec = Y::map(vec![
        ("podSelector", Y::map(vec![("matchLabels", match_labels)])),
        ("policyTypes", Y::strs(&["Ingress"])),
        (
            "ingress",
            Y::List(vec![Y::map(vec![(
                "from",
                Y::List(vec![Y::map(vec![("podSelector", Y::empty_map())])]),
            )])]),
        ),
    ]);
    Some(manifest(policy_target(t.namespace, &name), &format!("NetworkPolicy {}/{name}", t.namespace), policy(t.namespace, &name, spec),
        format!("{}: add a NetworkPolicy admitting traffic from its own namespace only", t.words()),
        vec![format!("callers outside namespace {} (ingress controller, monitoring) are cut off: add them as peers, and narrow `from` to the pods that really call it", t.namespace)]))
}

/// KN-005: remove `spec.externalIPs` from the Service.
fn external_ips(f: &Finding, s: &Snapshot) -> Option<Draft> {
    let ns = f.resource.namespace.as_deref().unwrap_or("");
    let svc = s
        .kube
        .services
        .iter()
        .find(|x| x.meta.name == f.resource.name && x.meta.namespace_str() == ns)?;
    let full = Y::map(vec![(
        "spec",
        Y::map(vec![("externalIPs", Y::strs(&svc.external_ips))]),
    )]);
    let patch = Y::map(vec![("spec", Y::map(vec![("externalIPs", Y::Null)]))]);
    let target = Target::Kube {
        api_version: "v1".into(),
        kind: "Service".into(),
        namespace: Some(ns.into()),
        name: svc.meta.name.to_string(),
    };
    Some(object_patch(target, &format!("Service {ns}/{}", svc.meta.name), &full, patch,
        format!("Service {ns}/{}: remove externalIPs", svc.meta.name),
        vec!["clients that reach the service on those addresses need a LoadBalancer or Ingress instead; block the field cluster-wide with the DenyServiceExternalIPs admission plugin".into()]))
}

fn manual(f: &Finding, s: &Snapshot) -> Draft {
    let r = &f.resource;
    let ns = r.namespace.clone().unwrap_or_default();
    let name = &r.name;
    let (what, steps, caveat): (&str, Vec<String>, &str) = match f.check_id.as_str() {
        "KN-003" => ("fix or delete the policy that selects nothing", vec![
            format!("Compare its selector with the pods': `kubectl get networkpolicy {name} -n {ns} -o jsonpath='{{.spec.podSelector}}'` and `kubectl get pods -n {ns} --show-labels`."),
            format!("Fix `spec.podSelector` to the workload's template labels (`kubectl edit networkpolicy {name} -n {ns}`), or delete the stale policy: `kubectl delete networkpolicy {name} -n {ns}`.")],
            "a policy that selects nothing protects nothing: the pods it was meant for are open"),
        "KN-004" => ("stop exposing the Service outside the cluster", vec![
            format!("If it should not be reachable from outside: `kubectl patch svc {name} -n {ns} -p '{{\"spec\":{{\"type\":\"ClusterIP\"}}}}'` and publish through an Ingress with TLS."),
            format!("If it must stay a LoadBalancer: make it internal (cloud annotation, e.g. service.beta.kubernetes.io/aws-load-balancer-internal: \"true\") and restrict `spec.loadBalancerSourceRanges`: `kubectl edit svc {name} -n {ns}`.")],
            "an ingress controller's own Service is meant to be public: restrict source ranges rather than change the type"),
        "KN-006" => ("serve the Ingress over TLS", vec![
            format!("Obtain a certificate for its hosts (cert-manager: `kubectl annotate ingress {name} -n {ns} cert-manager.io/cluster-issuer=<issuer>`)."),
            format!("Add `spec.tls: [{{hosts: [<every rule host>], secretName: {name}-tls}}]` (`kubectl edit ingress {name} -n {ns}`) and redirect HTTP to HTTPS.")],
            "the certificate must exist (or be issuable) before clients are redirected"),
        "KN-007" => ("put the sensitive interface behind authentication", vec![
            format!("If it need not be public: remove it from the Ingress or Service and reach it with `kubectl port-forward -n {ns} svc/<service> 8080:80`."),
            format!("Otherwise put authentication in front (e.g. oauth2-proxy with `nginx.ingress.kubernetes.io/auth-url`) and an IP allow list (`nginx.ingress.kubernetes.io/whitelist-source-range`) on {} {ns}/{name}.", r.kind)],
            "the interface's own login is not enough for an admin UI exposed to the internet"),
        _ => return super::fallback(f, s),
    };
    Draft {
        summary: format!("{}: {what} (manual)", object_words(f)),
        target: default_target(f, s),
        kind: PlanKind::Manual { steps },
        containment: None,
        caveats: vec![caveat.to_string()],
    }
}
