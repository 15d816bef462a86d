//! Kubernetes RBAC checks (CIS Kubernetes Benchmark section 5.1), over Roles, ClusterRoles
//! and their bindings, plus the service-account graph (workload -> ServiceAccount ->
//! bindings -> rules) that shows which workloads could take over the cluster.
//!
//! Roles and bindings named `system:*` are the control plane's own (kube-controller-manager,
//! kube-scheduler, node bootstrap, aggregation): they are skipped by the rule checks
//! (KR-002 to KR-006), since an operator cannot change them and they would fire on every
//! cluster. What they are bound to is still checked (KR-001, KR-007, KR-008).

use super::frameworks::*;
use super::input::Input;
use super::{pod_path, unit_ref, Check, Family, Out, Severity};
use crate::findings::{Evidence, ResourceRef};
use crate::model::{
    DataKind, KubeInventory, PolicyRule, Role, RoleBinding, Snapshot, Str, Subject, WorkloadUnit,
};

const NEEDS: &[DataKind] = &[DataKind::KubeRbac];
const NEEDS_GRAPH: &[DataKind] = &[DataKind::KubeRbac, DataKind::KubeWorkloads];

/// Groups and users every cluster hands out without an operator's say.
const ANONYMOUS: &[&str] = &["system:anonymous", "system:unauthenticated"];
const BROAD_GROUPS: &[&str] = &[
    "system:anonymous",
    "system:unauthenticated",
    "system:authenticated",
    "system:masters",
];
/// The built-in bindings that give discovery and self-review to every caller.
const BUILTIN_PUBLIC_BINDINGS: &[&str] = &[
    "system:basic-user",
    "system:discovery",
    "system:public-info-viewer",
];

pub const CHECKS: &[Check] = &[
    Check {
        id: "KR-001",
        title: "cluster-admin bound to non-system subjects",
        family: Family::KubeRbac,
        severity: Severity::Critical,
        rationale: "cluster-admin allows every verb on every resource in every namespace; each user, group or service account bound to it (beyond the control plane's own system: identities) is a full cluster compromise when its credentials leak.",
        remediation: "Replace the binding with a narrower role: `kubectl delete clusterrolebinding <name>` and bind a Role in the namespace that is needed (`kubectl create rolebinding <name> --role=<role> --user=<user> -n <ns>`); keep break-glass admin access out of everyday credentials.",
        refs: &["CIS-K 5.1.1", "KSV-0111", "C-0185", "C-0035"],
        controls: LEAST_PRIVILEGE,
        needs: NEEDS,
        run: cluster_admin_bound,
    },
    Check {
        id: "KR-002",
        title: "Wildcard in RBAC rule",
        family: Family::KubeRbac,
        severity: Severity::High,
        rationale: "A `*` in verbs, resources or apiGroups grants everything that exists now and everything added later (new CRDs, new subresources), so nobody can say what the role allows. The built-in cluster-admin and the platform's system:* roles are skipped.",
        remediation: "List the verbs, resources and apiGroups the subject needs explicitly, e.g. `rules: [{apiGroups: [\"apps\"], resources: [\"deployments\"], verbs: [\"get\", \"list\", \"watch\"]}]`, and re-apply the role with `kubectl apply -f role.yaml`.",
        refs: &["CIS-K 5.1.3", "KSV-0044", "KSV-0045", "KSV-0046", "CKV_K8S_49", "C-0187"],
        controls: LEAST_PRIVILEGE,
        needs: NEEDS,
        run: wildcards,
    },
    Check {
        id: "KR-003",
        title: "Role can read Secrets",
        family: Family::KubeRbac,
        severity: Severity::High,
        rationale: "get, list or watch on secrets reveals every credential, token and key stored in the namespace (or the cluster, for a ClusterRole bound cluster-wide); list and watch cannot be narrowed by resourceNames. The platform's system:* roles are skipped.",
        remediation: "Remove `secrets` (and `*`) from the rule's resources, or narrow it to `verbs: [\"get\"]` with `resourceNames: [\"<the-one-secret>\"]`; mount the secret into the workload instead of reading it through the API.",
        refs: &["CIS-K 5.1.2", "KSV-0041", "C-0015", "C-0186"],
        controls: LEAST_PRIVILEGE,
        needs: NEEDS,
        run: reads_secrets,
    },
    Check {
        id: "KR-004",
        title: "Role can create pods or workloads",
        family: Family::KubeRbac,
        severity: Severity::High,
        rationale: "Whoever can create a pod (directly or through a Deployment, DaemonSet, StatefulSet, ReplicaSet, Job or CronJob) can run it as any service account of the namespace and mount its secrets, and, without Pod Security Admission, as privileged on a node. The platform's system:* roles are skipped.",
        remediation: "Drop `create` (and `*`) on pods and workload resources from the rule; let a CI/CD identity or GitOps controller deploy, and enforce Pod Security Admission (`kubectl label ns <ns> pod-security.kubernetes.io/enforce=restricted`).",
        refs: &["CIS-K 5.1.4", "KSV-0048", "C-0188"],
        controls: LEAST_PRIVILEGE,
        needs: NEEDS,
        run: creates_workloads,
    },
    Check {
        id: "KR-005",
        title: "Role grants pods/exec, pods/attach or nodes/proxy",
        family: Family::KubeRbac,
        severity: Severity::High,
        rationale: "pods/exec and pods/attach give a shell in running containers with their service account tokens and data; nodes/proxy reaches the kubelet API and runs commands in any pod on the node, bypassing admission and audit. The platform's system:* roles are skipped.",
        remediation: "Remove `pods/exec`, `pods/attach` and `nodes/proxy` from the rule's resources (`kubectl edit role <name>`); grant interactive access through a separate, audited break-glass role bound only when needed.",
        refs: &["CIS-K 5.1.10", "KSV-0053", "KSV-0054", "KSV-0047", "C-0002"],
        controls: LEAST_PRIVILEGE,
        needs: NEEDS,
        run: exec_and_proxy,
    },
    Check {
        id: "KR-006",
        title: "Role grants bind, escalate or impersonate",
        family: Family::KubeRbac,
        severity: Severity::High,
        rationale: "bind and escalate let a subject grant itself roles with permissions it does not hold, and impersonate lets it act as any user, group or service account: each is a direct path to cluster-admin. The platform's system:* roles are skipped.",
        remediation: "Remove the `bind`, `escalate` and `impersonate` verbs (and `*`) from the rule; if a controller must bind roles, restrict it with `resourceNames: [\"<role>\"]` to the roles it hands out.",
        refs: &["CIS-K 5.1.8", "KSV-0043", "KSV-0050", "KSV-0051", "KSV-0052", "C-0191", "C-0065"],
        controls: LEAST_PRIVILEGE,
        needs: NEEDS,
        run: bind_escalate_impersonate,
    },
    Check {
        id: "KR-007",
        title: "Binding to anonymous, all authenticated users or system:masters",
        family: Family::KubeRbac,
        severity: Severity::High,
        rationale: "system:anonymous and system:unauthenticated are everyone who can reach the API server, system:authenticated is every identity including every service account, and system:masters bypasses RBAC entirely; granting any of them a role widens it to all. The built-in discovery bindings (system:basic-user, system:discovery, system:public-info-viewer) and the bootstrap cluster-admin binding of system:masters are skipped.",
        remediation: "Remove the broad group from the binding's subjects (`kubectl edit clusterrolebinding <name>`) and bind the specific users, groups or service accounts that need the role.",
        refs: &["CIS-K 5.1.7", "KSV-0122", "KSV-0123", "C-0262", "C-0265"],
        controls: LEAST_PRIVILEGE,
        needs: NEEDS,
        run: broad_subjects,
    },
    Check {
        id: "KR-008",
        title: "Workload's service account can take over the cluster",
        family: Family::KubeRbac,
        severity: Severity::Critical,
        rationale: "A workload runs with its service account's token; when that account holds `*` on `*`, creates pods or reads Secrets cluster-wide, can bind, escalate or impersonate, or reaches nodes/proxy, one compromised container becomes the whole cluster. Found by walking pod template -> serviceAccountName -> (Cluster)RoleBindings -> rules, including the system:serviceaccounts and system:authenticated groups.",
        remediation: "Give the workload its own service account (`serviceAccountName: <app>`) bound only to a namespaced Role with the verbs it needs; remove the powerful binding (`kubectl delete clusterrolebinding <name>`), and set `automountServiceAccountToken: false` where the app does not call the API.",
        refs: &["C-0272", "C-0267"],
        controls: LEAST_PRIVILEGE,
        needs: NEEDS_GRAPH,
        run: workload_takeover,
    },
];

// ---- shared RBAC model helpers (also used by the DPIA module) ------------------------

/// What one RBAC rule lets its holder do, in the terms the checks care about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Power {
    /// `*` verbs on `*` resources.
    Wildcard,
    CreateWorkloads,
    ReadSecrets,
    ExecAttach,
    NodeProxy,
    Bind,
    Escalate,
    Impersonate,
}

impl Power {
    pub fn label(self) -> &'static str {
        match self {
            Power::Wildcard => "* on *",
            Power::CreateWorkloads => "create pods/workloads",
            Power::ReadSecrets => "read secrets",
            Power::ExecAttach => "pods/exec or pods/attach",
            Power::NodeProxy => "nodes/proxy",
            Power::Bind => "bind",
            Power::Escalate => "escalate",
            Power::Impersonate => "impersonate",
        }
    }

    /// Whether this power, granted in the given scope, amounts to a cluster takeover.
    pub fn is_takeover(self, cluster_wide: bool) -> bool {
        match self {
            Power::Wildcard | Power::CreateWorkloads | Power::ReadSecrets => cluster_wide,
            Power::Bind | Power::Escalate | Power::Impersonate | Power::NodeProxy => true,
            Power::ExecAttach => false,
        }
    }
}

fn has_any(list: &[Str], wanted: &[&str]) -> bool {
    list.iter()
        .any(|v| v == "*" || wanted.contains(&v.as_str()))
}

/// apiGroups match; an empty list (invalid for resource rules) is read as the core group.
fn group_ok(rule: &PolicyRule, groups: &[&str]) -> bool {
    rule.api_groups.is_empty() || has_any(&rule.api_groups, groups)
}

/// resources match, with `*` and `pods/*` style subresource wildcards.
fn resource_ok(rule: &PolicyRule, wanted: &[&str]) -> bool {
    rule.resources.iter().any(|r| {
        r == "*"
            || wanted.contains(&r.as_str())
            || r.strip_suffix("/*").is_some_and(|base| {
                wanted
                    .iter()
                    .any(|w| w.split_once('/').is_some_and(|(b, _)| b == base))
            })
    })
}

fn grants(rule: &PolicyRule, groups: &[&str], resources: &[&str], verbs: &[&str]) -> bool {
    has_any(&rule.verbs, verbs) && group_ok(rule, groups) && resource_ok(rule, resources)
}

/// Every [`Power`] a rule grants.
pub fn rule_powers(rule: &PolicyRule) -> Vec<Power> {
    let mut p = Vec::new();
    let wild = |l: &[Str]| l.iter().any(|v| v == "*");
    if wild(&rule.verbs) && wild(&rule.resources) {
        p.push(Power::Wildcard);
    }
    let create = &["create"];
    if grants(rule, &[""], &["pods", "replicationcontrollers"], create)
        || grants(
            rule,
            &["apps", "extensions"],
            &["deployments", "daemonsets", "statefulsets", "replicasets"],
            create,
        )
        || grants(rule, &["batch"], &["jobs", "cronjobs"], create)
    {
        p.push(Power::CreateWorkloads);
    }
    if grants(rule, &[""], &["secrets"], &["get", "list", "watch"]) {
        p.push(Power::ReadSecrets);
    }
    if grants(
        rule,
        &[""],
        &["pods/exec", "pods/attach"],
        &["create", "get"],
    ) {
        p.push(Power::ExecAttach);
    }
    if grants(rule, &[""], &["nodes/proxy"], &["create", "get"]) {
        p.push(Power::NodeProxy);
    }
    let rbac = &["rbac.authorization.k8s.io"];
    let roles = &["roles", "clusterroles"];
    if grants(rule, rbac, roles, &["bind"]) {
        p.push(Power::Bind);
    }
    if grants(rule, rbac, roles, &["escalate"]) {
        p.push(Power::Escalate);
    }
    if grants(
        rule,
        &["", "authentication.k8s.io"],
        &["users", "groups", "serviceaccounts", "uids", "userextras"],
        &["impersonate"],
    ) {
        p.push(Power::Impersonate);
    }
    p
}

/// The role a binding refers to, when it is in the snapshot.
pub fn bound_role<'a>(kube: &'a KubeInventory, b: &RoleBinding) -> Option<&'a Role> {
    let cluster = b.role_ref.kind == "ClusterRole";
    kube.roles.iter().find(|r| {
        r.cluster == cluster
            && r.meta.name == b.role_ref.name
            && (cluster || r.meta.namespace_str() == b.meta.namespace_str())
    })
}

/// One path from a service account to a rule it holds.
#[derive(Debug, Clone, Copy)]
pub struct SaGrant<'a> {
    pub binding: &'a RoleBinding,
    /// Index of the subject of the binding that names the account (or its group).
    pub subject_index: usize,
    pub role: &'a Role,
    pub rule_index: usize,
    pub rule: &'a PolicyRule,
    /// Granted through a ClusterRoleBinding: in every namespace.
    pub cluster_wide: bool,
}

/// Whether a binding subject covers service account `namespace/name`: the account itself,
/// its `system:serviceaccount:` user name, or a group every service account is in.
pub fn subject_covers_sa(subject: &Subject, binding_ns: &str, namespace: &str, name: &str) -> bool {
    match subject.kind.as_str() {
        "ServiceAccount" => {
            let ns = subject
                .namespace
                .as_deref()
                .filter(|n| !n.is_empty())
                .unwrap_or(binding_ns);
            subject.name == name && ns == namespace
        }
        "User" => subject.name == format!("system:serviceaccount:{namespace}:{name}"),
        "Group" => {
            subject.name == "system:serviceaccounts"
                || subject.name == "system:authenticated"
                || subject.name == format!("system:serviceaccounts:{namespace}")
        }
        _ => false,
    }
}

/// Every rule service account `namespace/name` holds, through every binding in the
/// snapshot (bindings whose role is not in the snapshot are skipped).
pub fn service_account_grants<'a>(
    kube: &'a KubeInventory,
    namespace: &str,
    name: &str,
) -> Vec<SaGrant<'a>> {
    grants_through(
        kube.bindings.iter(),
        |b| bound_role(kube, b),
        namespace,
        name,
    )
}

/// [`service_account_grants`] through the scan's indexes: the same grants in the same
/// order, without reading every binding and role per account.
pub fn indexed_grants<'a>(s: &Input<'a>, namespace: &str, name: &str) -> Vec<SaGrant<'a>> {
    grants_through(
        s.bindings_for_sa(namespace, name).into_iter(),
        |b| s.bound_role(b),
        namespace,
        name,
    )
}

fn grants_through<'a>(
    bindings: impl Iterator<Item = &'a RoleBinding>,
    role_of: impl Fn(&RoleBinding) -> Option<&'a Role>,
    namespace: &str,
    name: &str,
) -> Vec<SaGrant<'a>> {
    let mut out = Vec::new();
    for b in bindings {
        let Some(subject_index) = b
            .subjects
            .iter()
            .position(|s| subject_covers_sa(s, b.meta.namespace_str(), namespace, name))
        else {
            continue;
        };
        let Some(role) = role_of(b) else {
            continue;
        };
        for (rule_index, rule) in role.rules.iter().enumerate() {
            out.push(SaGrant {
                binding: b,
                subject_index,
                role,
                rule_index,
                rule,
                cluster_wide: b.cluster,
            });
        }
    }
    out
}

// ---- local helpers --------------------------------------------------------------------

fn role_ref(r: &Role) -> ResourceRef {
    ResourceRef::kube(r.kind(), r.meta.namespace.as_deref(), &r.meta.name)
}

fn binding_ref(b: &RoleBinding) -> ResourceRef {
    ResourceRef::kube(b.kind(), b.meta.namespace.as_deref(), &b.meta.name)
}

fn is_system(name: &str) -> bool {
    name.starts_with("system:")
}

fn list(v: &[Str]) -> String {
    format!("[{}]", v.join(", "))
}

/// Roles the rule checks (KR-002..KR-006) evaluate: not the platform's own.
fn custom_roles(s: &Snapshot) -> impl Iterator<Item = &Role> {
    s.kube
        .roles
        .iter()
        .filter(|r| !is_system(&r.meta.name) && (!r.cluster || r.meta.name != "cluster-admin"))
}

fn rule_evidence(i: usize, rule: &PolicyRule) -> Vec<Evidence> {
    vec![
        Evidence::new(format!("rules[{i}].apiGroups"), list(&rule.api_groups)),
        Evidence::new(format!("rules[{i}].resources"), list(&rule.resources)),
        Evidence::new(format!("rules[{i}].verbs"), list(&rule.verbs)),
    ]
}

/// One finding per rule of a non-system role that grants one of `powers`.
fn rules_granting(s: &Input, out: &mut Out, powers: &[Power], what: &str) {
    for role in custom_roles(s) {
        for (i, rule) in role.rules.iter().enumerate() {
            let found: Vec<&str> = rule_powers(rule)
                .into_iter()
                .filter(|p| powers.contains(p))
                .map(Power::label)
                .collect();
            if found.is_empty() {
                continue;
            }
            let mut ev = rule_evidence(i, rule);
            if !rule.resource_names.is_empty() {
                ev.push(Evidence::new(
                    format!("rules[{i}].resourceNames"),
                    list(&rule.resource_names),
                ));
            }
            out.emit(
                role_ref(role),
                format!("rules[{i}]"),
                format!(
                    "{} {} rule {i} {what} ({})",
                    role.kind(),
                    role.meta.key(),
                    found.join(", ")
                ),
                ev,
            );
        }
    }
}

// ---- checks --------------------------------------------------------------------------

fn cluster_admin_bound(s: &Input, out: &mut Out) {
    for b in &s.kube.bindings {
        if b.role_ref.kind != "ClusterRole" || b.role_ref.name != "cluster-admin" {
            continue;
        }
        let ev: Vec<Evidence> = b
            .subjects
            .iter()
            .enumerate()
            .filter(|(_, sub)| {
                let kube_system_sa = sub.kind == "ServiceAccount"
                    && sub.namespace.as_deref().unwrap_or(b.meta.namespace_str()) == "kube-system";
                !is_system(&sub.name) && !kube_system_sa
            })
            .map(|(i, sub)| {
                let who = match &sub.namespace {
                    Some(ns) if !ns.is_empty() => format!("{} {ns}/{}", sub.kind, sub.name),
                    _ => format!("{} {}", sub.kind, sub.name),
                };
                Evidence::new(format!("subjects[{i}]"), who)
            })
            .collect();
        if ev.is_empty() {
            continue;
        }
        let names: Vec<&str> = ev.iter().map(|e| e.observed.as_str()).collect();
        let mut evidence = vec![Evidence::new("roleRef.name", "cluster-admin")];
        let msg = format!(
            "{} {} binds cluster-admin to {}",
            b.kind(),
            b.meta.key(),
            names.join(", ")
        );
        evidence.extend(ev);
        out.emit(binding_ref(b), "", msg, evidence);
    }
}

fn wildcards(s: &Input, out: &mut Out) {
    for role in custom_roles(s) {
        for (i, rule) in role.rules.iter().enumerate() {
            let fields = [
                ("apiGroups", &rule.api_groups),
                ("resources", &rule.resources),
                ("verbs", &rule.verbs),
            ];
            let ev: Vec<Evidence> = fields
                .iter()
                .filter(|(_, v)| v.iter().any(|x| x == "*"))
                .map(|(f, v)| Evidence::new(format!("rules[{i}].{f}"), list(v)))
                .collect();
            if ev.is_empty() {
                continue;
            }
            let which: Vec<&str> = fields
                .iter()
                .filter(|(_, v)| v.iter().any(|x| x == "*"))
                .map(|(f, _)| *f)
                .collect();
            out.emit(
                role_ref(role),
                format!("rules[{i}]"),
                format!(
                    "{} {} rule {i} uses a wildcard in {}",
                    role.kind(),
                    role.meta.key(),
                    which.join(", ")
                ),
                ev,
            );
        }
    }
}

fn reads_secrets(s: &Input, out: &mut Out) {
    rules_granting(
        s,
        out,
        &[Power::ReadSecrets],
        "can get, list or watch secrets",
    );
}

fn creates_workloads(s: &Input, out: &mut Out) {
    rules_granting(
        s,
        out,
        &[Power::CreateWorkloads],
        "can create pods or workloads",
    );
}

fn exec_and_proxy(s: &Input, out: &mut Out) {
    rules_granting(
        s,
        out,
        &[Power::ExecAttach, Power::NodeProxy],
        "reaches into running pods or the kubelet",
    );
}

fn bind_escalate_impersonate(s: &Input, out: &mut Out) {
    rules_granting(
        s,
        out,
        &[Power::Bind, Power::Escalate, Power::Impersonate],
        "can grant itself more permissions",
    );
}

fn broad_subjects(s: &Input, out: &mut Out) {
    for b in &s.kube.bindings {
        if BUILTIN_PUBLIC_BINDINGS.contains(&b.meta.name.as_str()) {
            continue;
        }
        for (i, sub) in b.subjects.iter().enumerate() {
            if !matches!(sub.kind.as_str(), "Group" | "User")
                || !BROAD_GROUPS.contains(&sub.name.as_str())
            {
                continue;
            }
            // The bootstrap binding of system:masters to cluster-admin is how the API
            // server's own admin credentials work; membership is hard-wired anyway.
            if sub.name == "system:masters"
                && b.cluster
                && b.meta.name == "cluster-admin"
                && b.role_ref.name == "cluster-admin"
            {
                continue;
            }
            let sev = if ANONYMOUS.contains(&sub.name.as_str()) {
                Severity::Critical
            } else {
                Severity::High
            };
            out.emit_with(
                sev,
                binding_ref(b),
                sub.name.clone(),
                format!(
                    "{} {} grants {} {} to {}",
                    b.kind(),
                    b.meta.key(),
                    b.role_ref.kind,
                    b.role_ref.name,
                    sub.name
                ),
                vec![
                    Evidence::new(format!("subjects[{i}].name"), sub.name.clone()),
                    Evidence::new(
                        "roleRef",
                        format!("{} {}", b.role_ref.kind, b.role_ref.name),
                    ),
                ],
            );
        }
    }
}

/// The takeover paths of one workload's service account: (grant, takeover powers).
pub fn takeover_paths<'a>(
    s: &Input<'a>,
    unit: &WorkloadUnit<'_>,
) -> Vec<(SaGrant<'a>, Vec<Power>)> {
    indexed_grants(s, unit.namespace(), unit.pod().service_account())
        .into_iter()
        .filter_map(|g| {
            let p: Vec<Power> = rule_powers(g.rule)
                .into_iter()
                .filter(|p| p.is_takeover(g.cluster_wide))
                .collect();
            (!p.is_empty()).then_some((g, p))
        })
        .collect()
}

fn workload_takeover(s: &Input, out: &mut Out) {
    for unit in s.units() {
        let paths = takeover_paths(s, &unit);
        if paths.is_empty() {
            continue;
        }
        let ns = unit.namespace();
        let sa = unit.pod().service_account();
        let sa_obj = s.service_account(ns, sa);
        let mounted = unit
            .pod()
            .automount_service_account_token
            .or(sa_obj.and_then(|a| a.automount_service_account_token))
            .unwrap_or(true);
        let mut ev = vec![Evidence::new(
            pod_path(&unit, "serviceAccountName"),
            sa.to_string(),
        )];
        let mut via = Vec::new();
        for (g, powers) in &paths {
            let b = format!("{}/{}", g.binding.kind(), g.binding.meta.key());
            let r = format!("{}/{}", g.role.kind(), g.role.meta.key());
            let labels: Vec<&str> = powers.iter().map(|p| p.label()).collect();
            let subject_path = format!("{b}.subjects[{}]", g.subject_index);
            if !ev.iter().any(|e| e.path == subject_path) {
                if let Some(sub) = g.binding.subjects.get(g.subject_index) {
                    ev.push(Evidence::new(
                        subject_path,
                        format!("{} {}", sub.kind, sub.name),
                    ));
                }
            }
            ev.push(Evidence::new(
                format!("{r}.rules[{}]", g.rule_index),
                format!(
                    "apiGroups={} resources={} verbs={} ({})",
                    list(&g.rule.api_groups),
                    list(&g.rule.resources),
                    list(&g.rule.verbs),
                    labels.join(", ")
                ),
            ));
            via.push(format!("{} via {b} -> {r}", labels.join(", ")));
        }
        via.dedup();
        let (sev, token) = if mounted {
            (Severity::Critical, "")
        } else {
            (
                Severity::High,
                " (its token is not automounted, so only a pod spec change exposes it)",
            )
        };
        out.emit_with(
            sev,
            unit_ref(&unit),
            "",
            format!(
                "{} {ns}/{} runs as service account {ns}/{sa}, which can take over the cluster: {}{token}",
                unit.kind,
                unit.name,
                via.join("; ")
            ),
            ev,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::Finding;
    use crate::model::{ObjectMeta, RoleRef, ServiceAccount};
    use crate::testkit::{deployment, kube, run_check};

    fn strs(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn rule(groups: &[&str], resources: &[&str], verbs: &[&str]) -> PolicyRule {
        PolicyRule {
            api_groups: strs(groups).into_iter().map(Into::into).collect(),
            resources: strs(resources).into_iter().map(Into::into).collect(),
            verbs: strs(verbs).into_iter().map(Into::into).collect(),
            ..Default::default()
        }
    }

    fn meta(ns: Option<&str>, name: &str) -> ObjectMeta {
        ObjectMeta {
            name: name.into(),
            namespace: ns.map(str::to_string).map(Into::into),
            ..Default::default()
        }
    }

    fn cluster_role(name: &str, rules: Vec<PolicyRule>) -> Role {
        Role {
            meta: meta(None, name),
            cluster: true,
            rules,
        }
    }

    fn ns_role(ns: &str, name: &str, rules: Vec<PolicyRule>) -> Role {
        Role {
            meta: meta(Some(ns), name),
            cluster: false,
            rules,
        }
    }

    fn subject(kind: &str, name: &str, ns: Option<&str>) -> Subject {
        Subject {
            kind: kind.into(),
            name: name.into(),
            namespace: ns.map(str::to_string).map(Into::into),
        }
    }

    fn crb(name: &str, role: &str, subjects: Vec<Subject>) -> RoleBinding {
        RoleBinding {
            meta: meta(None, name),
            cluster: true,
            role_ref: RoleRef {
                kind: "ClusterRole".into(),
                name: role.into(),
            },
            subjects,
        }
    }

    fn rb(ns: &str, name: &str, kind: &str, role: &str, subjects: Vec<Subject>) -> RoleBinding {
        RoleBinding {
            meta: meta(Some(ns), name),
            cluster: false,
            role_ref: RoleRef {
                kind: kind.into(),
                name: role.into(),
            },
            subjects,
        }
    }

    fn with_roles(roles: Vec<Role>, bindings: Vec<RoleBinding>) -> Snapshot {
        let mut s = kube(vec![]);
        s.kube.roles = roles;
        s.kube.bindings = bindings;
        s
    }

    fn one(id: &str, s: &Snapshot) -> Finding {
        let f = run_check(id, s);
        assert_eq!(f.len(), 1, "{id}: {f:?}");
        f.into_iter().next().unwrap_or_else(|| unreachable!())
    }

    fn none(id: &str, s: &Snapshot) {
        let f = run_check(id, s);
        assert!(f.is_empty(), "{id}: unexpected {f:?}");
    }

    /// The roles every cluster ships, which the rule checks must leave alone.
    fn builtins() -> (Vec<Role>, Vec<RoleBinding>) {
        let roles = vec![
            cluster_role("cluster-admin", vec![rule(&["*"], &["*"], &["*"])]),
            cluster_role(
                "system:controller:clusterrole-aggregation-controller",
                vec![rule(&["*"], &["*"], &["*"])],
            ),
            cluster_role(
                "system:kube-controller-manager",
                vec![rule(
                    &[""],
                    &["secrets"],
                    &["get", "list", "watch", "create"],
                )],
            ),
            cluster_role(
                "system:public-info-viewer",
                vec![PolicyRule {
                    verbs: strs(&["get"]).into_iter().map(Into::into).collect(),
                    non_resource_urls: strs(&["/healthz", "/version"])
                        .into_iter()
                        .map(Into::into)
                        .collect(),
                    ..Default::default()
                }],
            ),
        ];
        let bindings = vec![
            crb(
                "cluster-admin",
                "cluster-admin",
                vec![subject("Group", "system:masters", None)],
            ),
            crb(
                "system:public-info-viewer",
                "system:public-info-viewer",
                vec![
                    subject("Group", "system:authenticated", None),
                    subject("Group", "system:unauthenticated", None),
                ],
            ),
            crb(
                "system:kube-controller-manager",
                "system:kube-controller-manager",
                vec![subject("User", "system:kube-controller-manager", None)],
            ),
        ];
        (roles, bindings)
    }

    fn builtin_snapshot() -> Snapshot {
        let (r, b) = builtins();
        with_roles(r, b)
    }

    #[test]
    fn builtin_rbac_has_no_findings() {
        let mut s = builtin_snapshot();
        s.kube.workloads = vec![deployment("prod", "api")];
        for c in CHECKS {
            let f = c.evaluate(&s);
            assert!(f.is_empty(), "{} fired on built-in RBAC: {f:?}", c.id);
        }
    }

    #[test]
    fn kr001_cluster_admin_bound_to_user() {
        let mut s = builtin_snapshot();
        s.kube.bindings.push(crb(
            "ops-admins",
            "cluster-admin",
            vec![
                subject("Group", "system:masters", None),
                subject("User", "alice@example.com", None),
                subject("ServiceAccount", "kube-proxy", Some("kube-system")),
            ],
        ));
        let f = one("KR-001", &s);
        assert_eq!(f.resource.kind, "ClusterRoleBinding");
        assert_eq!(f.resource.name, "ops-admins");
        assert_eq!(f.severity, Severity::Critical);
        assert_eq!(f.evidence[1].path, "subjects[1]");
        assert_eq!(f.evidence[1].observed, "User alice@example.com");
        assert_eq!(f.evidence.len(), 2);
        // A RoleBinding granting cluster-admin to a namespace SA counts too.
        let mut s = builtin_snapshot();
        s.kube.bindings.push(rb(
            "prod",
            "ci",
            "ClusterRole",
            "cluster-admin",
            vec![subject("ServiceAccount", "deployer", None)],
        ));
        let f = one("KR-001", &s);
        assert_eq!(f.resource.namespace.as_deref(), Some("prod"));
        assert_eq!(f.evidence[1].observed, "ServiceAccount deployer");
        none("KR-001", &builtin_snapshot());
    }

    #[test]
    fn kr002_wildcards_one_per_rule() {
        let mut s = builtin_snapshot();
        s.kube.roles.push(cluster_role(
            "operator",
            vec![
                rule(&["apps"], &["deployments"], &["get"]),
                rule(&["*"], &["configmaps"], &["get"]),
                rule(&[""], &["*"], &["*"]),
            ],
        ));
        let f = run_check("KR-002", &s);
        assert_eq!(f.len(), 2, "{f:?}");
        assert_eq!(f[0].resource.kind, "ClusterRole");
        assert_eq!(f[0].resource.name, "operator");
        assert_eq!(f[0].discriminator, "rules[1]");
        assert_eq!(f[0].evidence[0].path, "rules[1].apiGroups");
        assert_eq!(f[1].evidence[0].path, "rules[2].resources");
        assert_eq!(f[1].evidence[1].path, "rules[2].verbs");
        // Explicit lists pass.
        let mut s = builtin_snapshot();
        s.kube.roles.push(cluster_role(
            "reader",
            vec![rule(&["apps"], &["deployments"], &["get", "list"])],
        ));
        none("KR-002", &s);
    }

    #[test]
    fn kr003_reads_secrets() {
        let mut s = builtin_snapshot();
        s.kube.roles.push(ns_role(
            "prod",
            "app",
            vec![
                rule(&[""], &["configmaps"], &["get"]),
                rule(&[""], &["secrets"], &["list"]),
            ],
        ));
        let f = one("KR-003", &s);
        assert_eq!(f.resource.kind, "Role");
        assert_eq!(f.resource.namespace.as_deref(), Some("prod"));
        assert_eq!(f.discriminator, "rules[1]");
        assert_eq!(f.evidence[2].path, "rules[1].verbs");
        assert_eq!(f.evidence[2].observed, "[list]");
        // Creating a secret is not reading one; a wrong API group grants nothing.
        let mut s = builtin_snapshot();
        s.kube.roles.push(ns_role(
            "prod",
            "app",
            vec![
                rule(&[""], &["secrets"], &["create"]),
                rule(&["apps"], &["secrets"], &["get"]),
            ],
        ));
        none("KR-003", &s);
    }

    #[test]
    fn kr004_creates_workloads() {
        let mut s = builtin_snapshot();
        s.kube.roles.push(cluster_role(
            "deployer",
            vec![
                rule(&["apps"], &["deployments"], &["get", "list"]),
                rule(&["batch"], &["cronjobs"], &["create"]),
            ],
        ));
        let f = one("KR-004", &s);
        assert_eq!(f.resource.name, "deployer");
        assert_eq!(f.evidence[1].path, "rules[1].resources");
        let mut s = builtin_snapshot();
        s.kube.roles.push(cluster_role(
            "viewer",
            vec![rule(
                &["", "apps"],
                &["pods", "deployments"],
                &["get", "list", "watch"],
            )],
        ));
        none("KR-004", &s);
    }

    #[test]
    fn kr005_exec_attach_node_proxy() {
        let mut s = builtin_snapshot();
        s.kube.roles.push(ns_role(
            "prod",
            "debugger",
            vec![
                rule(&[""], &["pods"], &["get"]),
                rule(&[""], &["pods/exec"], &["create"]),
            ],
        ));
        s.kube.roles.push(cluster_role(
            "metrics",
            vec![rule(&[""], &["nodes/proxy"], &["get"])],
        ));
        let f = run_check("KR-005", &s);
        assert_eq!(f.len(), 2, "{f:?}");
        assert!(f.iter().any(|f| f.resource.name == "debugger"
            && f.evidence[1].path == "rules[1].resources"
            && f.evidence[1].observed == "[pods/exec]"));
        assert!(f.iter().any(|f| f.resource.name == "metrics"));
        let mut s = builtin_snapshot();
        s.kube.roles.push(ns_role(
            "prod",
            "logs",
            vec![rule(&[""], &["pods", "pods/log"], &["get"])],
        ));
        none("KR-005", &s);
    }

    #[test]
    fn kr006_bind_escalate_impersonate() {
        let mut s = builtin_snapshot();
        s.kube.roles.push(cluster_role(
            "rbac-manager",
            vec![
                rule(
                    &["rbac.authorization.k8s.io"],
                    &["clusterroles"],
                    &["escalate"],
                ),
                rule(&[""], &["serviceaccounts"], &["impersonate"]),
            ],
        ));
        let f = run_check("KR-006", &s);
        assert_eq!(f.len(), 2, "{f:?}");
        assert_eq!(f[0].discriminator, "rules[0]");
        assert!(f[0].message.contains("escalate"));
        assert!(f[1].message.contains("impersonate"));
        let mut s = builtin_snapshot();
        s.kube.roles.push(cluster_role(
            "rbac-reader",
            vec![rule(
                &["rbac.authorization.k8s.io"],
                &["roles"],
                &["get", "list"],
            )],
        ));
        none("KR-006", &s);
    }

    #[test]
    fn kr007_broad_groups() {
        let mut s = builtin_snapshot();
        s.kube.bindings.push(crb(
            "anon-view",
            "view",
            vec![subject("User", "system:anonymous", None)],
        ));
        s.kube.bindings.push(rb(
            "prod",
            "everyone",
            "ClusterRole",
            "edit",
            vec![subject("Group", "system:authenticated", None)],
        ));
        let f = run_check("KR-007", &s);
        assert_eq!(f.len(), 2, "{f:?}");
        let anon = f.iter().find(|f| f.resource.name == "anon-view");
        let anon = anon.unwrap_or_else(|| panic!("no anon finding: {f:?}"));
        assert_eq!(anon.severity, Severity::Critical);
        assert_eq!(anon.evidence[0].path, "subjects[0].name");
        let auth = f.iter().find(|f| f.resource.name == "everyone");
        let auth = auth.unwrap_or_else(|| panic!("no authenticated finding: {f:?}"));
        assert_eq!(auth.severity, Severity::High);
        assert_eq!(auth.resource.kind, "RoleBinding");
        // The built-in discovery bindings pass.
        none("KR-007", &builtin_snapshot());
    }

    #[test]
    fn kr008_workload_sa_takeover_graph() {
        let (mut roles, mut bindings) = builtins();
        roles.push(cluster_role(
            "deployer",
            vec![
                rule(&[""], &["configmaps"], &["get"]),
                rule(&["apps"], &["deployments"], &["create", "update"]),
            ],
        ));
        bindings.push(crb(
            "ci-deployer",
            "deployer",
            vec![subject("ServiceAccount", "ci", Some("build"))],
        ));
        let mut s = with_roles(roles, bindings);
        let mut ci = deployment("build", "ci");
        ci.pod.automount_service_account_token = None;
        s.kube.workloads = vec![ci, deployment("prod", "api")];
        let f = one("KR-008", &s);
        assert_eq!(f.resource.kind, "Deployment");
        assert_eq!(f.resource.name, "ci");
        assert_eq!(f.resource.namespace.as_deref(), Some("build"));
        assert_eq!(f.severity, Severity::Critical);
        assert_eq!(f.evidence[0].path, "spec.template.spec.serviceAccountName");
        assert_eq!(
            f.evidence[1].path,
            "ClusterRoleBinding/ci-deployer.subjects[0]"
        );
        assert_eq!(f.evidence[2].path, "ClusterRole/deployer.rules[1]");
        assert!(f
            .message
            .contains("ClusterRoleBinding/ci-deployer -> ClusterRole/deployer"));

        // The same role bound only in the namespace is not a cluster takeover.
        let (mut roles, mut bindings) = builtins();
        roles.push(cluster_role(
            "deployer",
            vec![rule(&["apps"], &["deployments"], &["create"])],
        ));
        bindings.push(rb(
            "build",
            "ci-deployer",
            "ClusterRole",
            "deployer",
            vec![subject("ServiceAccount", "ci", None)],
        ));
        let mut s = with_roles(roles, bindings);
        s.kube.workloads = vec![deployment("build", "ci")];
        none("KR-008", &s);
    }

    #[test]
    fn kr008_group_subjects_and_token_mount() {
        // Escalate granted to every service account of the namespace; token not mounted
        // (pod says false): still reported, one step lower.
        let (mut roles, mut bindings) = builtins();
        roles.push(ns_role(
            "prod",
            "grant",
            vec![rule(
                &["rbac.authorization.k8s.io"],
                &["roles"],
                &["escalate", "bind"],
            )],
        ));
        bindings.push(rb(
            "prod",
            "all-sas",
            "Role",
            "grant",
            vec![subject("Group", "system:serviceaccounts:prod", None)],
        ));
        let mut s = with_roles(roles, bindings);
        s.kube.workloads = vec![deployment("prod", "api"), deployment("other", "web")];
        s.kube.service_accounts = vec![ServiceAccount {
            meta: meta(Some("prod"), "api"),
            automount_service_account_token: Some(true),
        }];
        let f = one("KR-008", &s);
        assert_eq!(f.resource.name, "api");
        assert_eq!(f.severity, Severity::High);
        assert!(f.message.contains("bind, escalate"), "{}", f.message);
        assert_eq!(f.evidence[2].path, "Role/prod/grant.rules[0]");
    }

    #[test]
    fn powers_of_rules() {
        assert!(rule_powers(&rule(&[""], &["pods/*"], &["create"])).contains(&Power::ExecAttach));
        assert!(rule_powers(&rule(&["*"], &["*"], &["*"])).contains(&Power::Impersonate));
        assert!(rule_powers(&rule(&[""], &["pods"], &["get"])).is_empty());
    }
}
