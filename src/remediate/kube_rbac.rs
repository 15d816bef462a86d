//! Plans for the RBAC checks (KR-001 to KR-008). Two have a patch: a wildcard rule
//! narrowed (KR-002) and a broad group removed from a binding's subjects (KR-007). The
//! others are decisions about who may do what, so they are manual steps with commands.

use super::kube::{api_version, object_patch};
use super::yaml::Y;
use super::{default_target, object_words, Draft, PlanKind, Target};
use crate::findings::Finding;
use crate::model::{PolicyRule, Role, RoleBinding, Snapshot, Str};

pub(crate) fn plan(f: &Finding, s: &Snapshot) -> Option<Draft> {
    match f.check_id.as_str() {
        "KR-002" => wildcard(f, s),
        "KR-007" => broad_subject(f, s),
        _ => Some(manual(f, s)),
    }
}

fn find_role<'a>(f: &Finding, s: &'a Snapshot) -> Option<&'a Role> {
    let cluster = f.resource.kind == "ClusterRole";
    let ns = f.resource.namespace.as_deref().unwrap_or("");
    s.kube.roles.iter().find(|r| {
        r.cluster == cluster
            && r.meta.name == f.resource.name
            && (cluster || r.meta.namespace_str() == ns)
    })
}

fn find_binding<'a>(f: &Finding, s: &'a Snapshot) -> Option<&'a RoleBinding> {
    let cluster = f.resource.kind == "ClusterRoleBinding";
    let ns = f.resource.namespace.as_deref().unwrap_or("");
    s.kube.bindings.iter().find(|b| {
        b.cluster == cluster
            && b.meta.name == f.resource.name
            && (cluster || b.meta.namespace_str() == ns)
    })
}

fn target(kind: &str, ns: Option<&str>, name: &str) -> Target {
    Target::Kube {
        api_version: api_version(kind).into(),
        kind: kind.into(),
        namespace: ns.filter(|n| !n.is_empty()).map(str::to_string),
        name: name.into(),
    }
}

fn rule_tree(r: &PolicyRule) -> Y {
    let mut m = Vec::new();
    if !r.non_resource_urls.is_empty() {
        m.push(("nonResourceURLs", Y::strs(&r.non_resource_urls)));
    } else {
        m.push(("apiGroups", Y::strs(&r.api_groups)));
        m.push(("resources", Y::strs(&r.resources)));
    }
    if !r.resource_names.is_empty() {
        m.push(("resourceNames", Y::strs(&r.resource_names)));
    }
    m.push(("verbs", Y::strs(&r.verbs)));
    Y::map(m)
}

/// KR-002: the rule with `*` verbs narrowed to read-only and `*` groups/resources as
/// placeholders to fill; `rules` has no merge key, so the patch carries the whole list.
fn wildcard(f: &Finding, s: &Snapshot) -> Option<Draft> {
    let role = find_role(f, s)?;
    let i: usize = f
        .discriminator
        .strip_prefix("rules[")?
        .strip_suffix(']')?
        .parse()
        .ok()?;
    role.rules.get(i)?;
    let star = |l: &[Str]| l.iter().any(|v| v == "*");
    let fixed: Vec<Y> = role
        .rules
        .iter()
        .enumerate()
        .map(|(j, r)| {
            if j != i {
                return rule_tree(r);
            }
            let list = |l: &[Str], what: &str| {
                if star(l) {
                    Y::List(vec![Y::placeholder(
                        &format!("<{what}>"),
                        &format!("list the {what} the subject needs"),
                    )])
                } else {
                    Y::strs(l)
                }
            };
            let verbs = if star(&r.verbs) {
                Y::strs(&["get", "list", "watch"])
            } else {
                Y::strs(&r.verbs)
            };
            let mut m = vec![
                ("apiGroups", list(&r.api_groups, "apiGroups")),
                ("resources", list(&r.resources, "resources")),
            ];
            if !r.resource_names.is_empty() {
                m.push(("resourceNames", Y::strs(&r.resource_names)));
            }
            m.push(("verbs", verbs));
            Y::map(m)
        })
        .collect();
    let full = Y::map(vec![(
        "rules",
        Y::List(role.rules.iter().map(rule_tree).collect()),
    )]);
    let patch = Y::map(vec![("rules", Y::List(fixed))]);
    let kind = role.kind();
    let mut caveats = vec![format!("the patch replaces the whole rules list of {kind} {}; placeholders must be filled before applying", role.meta.key())];
    if star(&role.rules[i].verbs) {
        caveats.push("wildcard verbs become get, list, watch: subjects that write through this rule lose that access; add the write verbs they really use".into());
    }
    Some(object_patch(
        target(kind, role.meta.namespace.as_deref(), &role.meta.name),
        &format!("{kind} {}", role.meta.key()),
        &full,
        patch,
        format!(
            "{kind} {}: replace the wildcards in rule {i} with explicit lists",
            role.meta.key()
        ),
        caveats,
    ))
}

/// KR-007: the binding without the broad group (or manual deletion if none remains).
fn broad_subject(f: &Finding, s: &Snapshot) -> Option<Draft> {
    let b = find_binding(f, s)?;
    let subject = |x: &crate::model::Subject| {
        let mut m = vec![("kind", Y::str(&x.kind)), ("name", Y::str(&x.name))];
        if x.kind == "User" || x.kind == "Group" {
            m.push(("apiGroup", Y::str("rbac.authorization.k8s.io")));
        }
        if let Some(ns) = &x.namespace {
            m.push(("namespace", Y::str(ns)));
        }
        Y::map(m)
    };
    let keep: Vec<Y> = b
        .subjects
        .iter()
        .filter(|x| x.name != f.discriminator)
        .map(subject)
        .collect();
    if keep.len() == b.subjects.len() || keep.is_empty() {
        return Some(manual(f, s));
    }
    let kind = b.kind();
    let full = Y::map(vec![(
        "subjects",
        Y::List(b.subjects.iter().map(subject).collect()),
    )]);
    let patch = Y::map(vec![("subjects", Y::List(keep))]);
    Some(object_patch(
        target(kind, b.meta.namespace.as_deref(), &b.meta.name),
        &format!("{kind} {}", b.meta.key()),
        &full,
        patch,
        format!(
            "{kind} {}: remove subject {}",
            b.meta.key(),
            f.discriminator
        ),
        vec![format!(
            "everyone in {} loses the role: bind the specific users or groups that need it",
            f.discriminator
        )],
    ))
}

fn manual(f: &Finding, s: &Snapshot) -> Draft {
    let r = &f.resource;
    let ns_flag = r
        .namespace
        .as_deref()
        .map(|n| format!(" -n {n}"))
        .unwrap_or_default();
    let obj = format!("{} {}", r.kind.to_ascii_lowercase(), r.name);
    let backup = format!(
        "Back up the object: `kubectl get {obj}{ns_flag} -o yaml > {}-{}.yaml`.",
        r.kind.to_ascii_lowercase(),
        r.name
    );
    let rule = f.discriminator.clone();
    let (what, steps, caveat): (String, Vec<String>, &str) = match f.check_id.as_str() {
        "KR-001" => ("bind a narrower role instead of cluster-admin".into(), vec![
            backup,
            format!("For each subject that needs access, bind a namespaced Role: `kubectl create rolebinding <name> --role=<role> --serviceaccount=<ns>:<sa> -n <ns>` (or --user/--group)."),
            format!("Delete the binding: `kubectl delete {obj}`.")],
            "the subjects lose cluster-wide access at once: agree the narrower roles with their owners first"),
        "KR-003" | "KR-004" | "KR-005" | "KR-006" => {
            let drop = match f.check_id.as_str() {
                "KR-003" => "`secrets` (and `*`) from the rule's resources, or narrow it to `verbs: [get]` with `resourceNames: [<the-secret>]`",
                "KR-004" => "`create` (and `*`) on pods and workload resources from the rule",
                "KR-005" => "`pods/exec`, `pods/attach` and `nodes/proxy` from the rule's resources",
                _ => "the `bind`, `escalate` and `impersonate` verbs (and `*`), or restrict them with `resourceNames`",
            };
            (format!("narrow {rule}"), vec![backup,
                format!("Edit the role: `kubectl edit {obj}{ns_flag}` and in {rule} remove {drop}."),
                format!("Check who loses what: `kubectl auth can-i --list --as=<subject>{ns_flag}` for each subject bound to it.")],
             "the rule's subjects lose that permission: check with their owners (a controller may need it)")
        }
        "KR-007" => (
            format!("replace {rule} in the binding by the subjects that need the role"),
            vec![
                backup,
                format!("{rule} is the only subject: delete the binding (`kubectl delete {obj}{ns_flag}`)."),
                format!("Re-create it for the specific users, groups or service accounts that need the role: `kubectl create {} {} --{}={} --group=<group>{ns_flag}`.",
                    r.kind.to_ascii_lowercase(), r.name,
                    if r.kind == "ClusterRoleBinding" { "clusterrole" } else { "role" },
                    find_binding(f, s).map_or("<role>", |b| b.role_ref.name.as_str())),
            ],
            "everyone in the group loses the role until the narrower binding exists",
        ),
        "KR-008" => {
            let sa = r.name.clone();
            let ns = r.namespace.clone().unwrap_or_default();
            let binding = f.evidence.iter().find_map(|e| e.path.split_once(".subjects").map(|(b, _)| b.to_string())).unwrap_or_else(|| "<binding>".into());
            ("give the workload its own, narrow service account".into(), vec![
                format!("Create an account: `kubectl create serviceaccount {sa} -n {ns}` and bind it a Role with only the verbs the app uses (`kubectl create role ...`, `kubectl create rolebinding ... --serviceaccount={ns}:{sa}`)."),
                format!("Point the workload at it: `kubectl patch {} {} -n {ns} --type=strategic -p '{{\"spec\":{{\"template\":{{\"spec\":{{\"serviceAccountName\":\"{sa}\"}}}}}}}}'` (CronJob: under spec.jobTemplate.spec.template).", r.kind.to_ascii_lowercase(), r.name),
                format!("Remove or narrow the powerful grant ({binding}) once nothing else depends on it.")],
             "the workload loses the cluster-wide power: check what it calls (audit log) before switching")
        }
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
