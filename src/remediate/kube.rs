//! What the Kubernetes families share: the controller a finding's patch targets, the
//! fragment of its pod template as YAML (from the snapshot), and the patch + diff draft.

use super::yaml::{merge, project, Y};
use super::{Draft, PlanKind, Target};
use crate::findings::Finding;
use crate::model::{ContainerSpec, PodSpec, Snapshot, Str, Workload, WorkloadKind};

/// `apiVersion` of the kinds plans target.
pub(crate) fn api_version(kind: &str) -> &'static str {
    match kind {
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" => "apps/v1",
        "Job" | "CronJob" => "batch/v1",
        "Role" | "ClusterRole" | "RoleBinding" | "ClusterRoleBinding" => {
            "rbac.authorization.k8s.io/v1"
        }
        "NetworkPolicy" | "Ingress" => "networking.k8s.io/v1",
        _ => "v1",
    }
}

/// The controller a workload finding's patch goes to, and the template it holds.
#[derive(Clone, Copy)]
pub(crate) struct WorkloadTarget<'a> {
    pub workload: &'a Workload,
    pub kind: WorkloadKind,
    pub namespace: &'a str,
    pub name: &'a str,
    /// The snapshot held only a pod of this controller (the controller itself was not
    /// read); its template is assumed to match the pod.
    pub from_pod: bool,
}

impl<'a> WorkloadTarget<'a> {
    pub fn target(&self) -> Target {
        Target::Kube {
            api_version: api_version(self.kind.as_str()).to_string(),
            kind: self.kind.as_str().to_string(),
            namespace: Some(self.namespace.to_string()).filter(|n| !n.is_empty()),
            name: self.name.to_string(),
        }
    }
    pub fn pod(&self) -> &'a PodSpec {
        &self.workload.pod
    }
    /// "Deployment shop/web".
    pub fn words(&self) -> String {
        format!("{} {}/{}", self.kind, self.namespace, self.name)
    }
    /// A container of the template by name (init containers included).
    pub fn container(&self, name: Option<&str>) -> Option<&'a ContainerSpec> {
        let name = name?;
        self.pod().all_containers().find(|c| c.name == name)
    }
    /// Caveats every plan on this target carries.
    pub fn caveats(&self) -> Vec<String> {
        let mut c = Vec::new();
        if self.from_pod {
            c.push(format!(
                "only a pod of {} was in the snapshot: check that its template still matches before applying",
                self.words()
            ));
        }
        if self.kind == WorkloadKind::Pod {
            c.push("a bare Pod cannot change most of its spec in place: delete and re-create it with the change (or run it from a Deployment, see KW-033)".to_string());
        }
        c
    }
}

/// The controller a Kubernetes workload finding names, found among the snapshot's
/// workload units. A pod whose owner is not in the snapshot is resolved to that owner
/// (from its owner references), so a plan never targets a controller-owned pod.
pub(crate) fn workload_target<'a>(
    finding: &Finding,
    snapshot: &'a Snapshot,
) -> Option<WorkloadTarget<'a>> {
    let r = &finding.resource;
    let ns = r.namespace.as_deref().unwrap_or("");
    let unit = snapshot
        .kube
        .units()
        .into_iter()
        .find(|u| u.kind.as_str() == r.kind && u.name == r.name && u.namespace() == ns)?;
    let mut t = WorkloadTarget {
        workload: unit.workload,
        kind: unit.kind,
        namespace: unit.namespace(),
        name: unit.name,
        from_pod: unit.workload.kind == WorkloadKind::Pod && unit.kind != WorkloadKind::Pod,
    };
    if t.kind == WorkloadKind::Pod {
        if let Some(owner) = unit.workload.meta.controller() {
            t.kind = WorkloadKind::parse(&owner.kind)?;
            t.name = owner.name.as_str();
            t.from_pod = true;
        }
    }
    Some(t)
}

// ---- the object fragment, from the snapshot -----------------------------------------

fn opt<T>(entries: &mut Vec<(&'static str, Y)>, key: &'static str, v: Option<T>, f: fn(T) -> Y) {
    if let Some(v) = v {
        entries.push((key, f(v)));
    }
}

fn typed(kind: &str) -> Y {
    Y::map(vec![("type", Y::str(kind))])
}

/// The pod spec as the snapshot knows it, in API field names.
pub(crate) fn pod_tree(pod: &PodSpec) -> Y {
    let mut e: Vec<(&str, Y)> = Vec::new();
    if !pod.service_account_name.is_empty() {
        e.push(("serviceAccountName", Y::str(&pod.service_account_name)));
    }
    opt(
        &mut e,
        "automountServiceAccountToken",
        pod.automount_service_account_token,
        Y::bool,
    );
    for (key, on) in [
        ("hostNetwork", pod.host_network),
        ("hostPID", pod.host_pid),
        ("hostIPC", pod.host_ipc),
    ] {
        if on {
            e.push((key, Y::bool(true)));
        }
    }
    let sc = &pod.security_context;
    let mut s: Vec<(&str, Y)> = Vec::new();
    opt(&mut s, "runAsUser", sc.run_as_user, Y::int);
    opt(&mut s, "runAsGroup", sc.run_as_group, Y::int);
    opt(&mut s, "runAsNonRoot", sc.run_as_non_root, Y::bool);
    opt(&mut s, "fsGroup", sc.fs_group, Y::int);
    if !sc.supplemental_groups.is_empty() {
        let groups = sc.supplemental_groups.iter().map(|g| Y::int(*g)).collect();
        s.push(("supplementalGroups", Y::List(groups)));
    }
    if let Some(p) = &sc.seccomp_profile {
        s.push(("seccompProfile", typed(&p.kind)));
    }
    if let Some(a) = &sc.apparmor_profile {
        s.push(("appArmorProfile", typed(a)));
    }
    if let Some(t) = &sc.selinux_type {
        s.push(("seLinuxOptions", typed(t)));
    }
    if !sc.sysctls.is_empty() {
        s.push(("sysctls", sysctls_tree(&sc.sysctls)));
    }
    if let Some(h) = sc.windows_host_process {
        s.push(("windowsOptions", Y::map(vec![("hostProcess", Y::bool(h))])));
    }
    if !s.is_empty() {
        e.push(("securityContext", Y::map(s)));
    }
    if !pod.volumes.is_empty() {
        e.push((
            "volumes",
            Y::List(pod.volumes.iter().map(volume_tree).collect()),
        ));
    }
    if !pod.init_containers.is_empty() {
        let list = pod.init_containers.iter().map(container_tree).collect();
        e.push(("initContainers", Y::List(list)));
    }
    if !pod.containers.is_empty() {
        let list = pod.containers.iter().map(container_tree).collect();
        e.push(("containers", Y::List(list)));
    }
    Y::map(e)
}

pub(crate) fn sysctls_tree(list: &[crate::model::Sysctl]) -> Y {
    Y::List(
        list.iter()
            .map(|s| Y::map(vec![("name", Y::str(&s.name)), ("value", Y::str(&s.value))]))
            .collect(),
    )
}

fn volume_tree(v: &crate::model::Volume) -> Y {
    let source = match (v.kind.as_str(), &v.host_path, &v.reference) {
        ("hostPath", Some(p), _) => Y::map(vec![("path", Y::str(p))]),
        ("secret", _, Some(r)) => Y::map(vec![("secretName", Y::str(r))]),
        ("configMap", _, Some(r)) => Y::map(vec![("name", Y::str(r))]),
        ("persistentVolumeClaim", _, Some(r)) => Y::map(vec![("claimName", Y::str(r))]),
        _ => Y::empty_map(),
    };
    Y::Map(vec![
        ("name".to_string(), Y::str(&v.name)),
        (v.kind.to_string(), source),
    ])
}

fn container_tree(c: &ContainerSpec) -> Y {
    let mut e: Vec<(&str, Y)> = vec![("name", Y::str(&c.name))];
    if !c.image.is_empty() {
        e.push(("image", Y::str(&c.image)));
    }
    if let Some(p) = &c.image_pull_policy {
        e.push(("imagePullPolicy", Y::str(p)));
    }
    if !c.ports.is_empty() {
        let ports = c
            .ports
            .iter()
            .map(|p| {
                let mut m = vec![("containerPort", Y::int(p.container_port))];
                opt(&mut m, "hostPort", p.host_port, Y::int);
                Y::map(m)
            })
            .collect();
        e.push(("ports", Y::List(ports)));
    }
    let sc = container_security_tree(c);
    if !matches!(&sc, Y::Map(m) if m.is_empty()) {
        e.push(("securityContext", sc));
    }
    let r = &c.resources;
    let pair = |cpu: &Option<Str>, mem: &Option<Str>| {
        let mut m = Vec::new();
        if let Some(v) = cpu {
            m.push(("cpu", Y::str(v)));
        }
        if let Some(v) = mem {
            m.push(("memory", Y::str(v)));
        }
        m
    };
    let mut res = Vec::new();
    for (key, m) in [
        ("requests", pair(&r.requests_cpu, &r.requests_memory)),
        ("limits", pair(&r.limits_cpu, &r.limits_memory)),
    ] {
        if !m.is_empty() {
            res.push((key, Y::map(m)));
        }
    }
    if !res.is_empty() {
        e.push(("resources", Y::map(res)));
    }
    if !c.volume_mounts.is_empty() {
        let mounts = c
            .volume_mounts
            .iter()
            .map(|m| {
                let mut v = vec![
                    ("name", Y::str(&m.name)),
                    ("mountPath", Y::str(&m.mount_path)),
                ];
                if m.read_only {
                    v.push(("readOnly", Y::bool(true)));
                }
                Y::map(v)
            })
            .collect();
        e.push(("volumeMounts", Y::List(mounts)));
    }
    Y::map(e)
}

fn container_security_tree(c: &ContainerSpec) -> Y {
    let sc = &c.security_context;
    let mut s: Vec<(&str, Y)> = Vec::new();
    opt(&mut s, "privileged", sc.privileged, Y::bool);
    opt(
        &mut s,
        "allowPrivilegeEscalation",
        sc.allow_privilege_escalation,
        Y::bool,
    );
    opt(&mut s, "runAsUser", sc.run_as_user, Y::int);
    opt(&mut s, "runAsGroup", sc.run_as_group, Y::int);
    opt(&mut s, "runAsNonRoot", sc.run_as_non_root, Y::bool);
    opt(
        &mut s,
        "readOnlyRootFilesystem",
        sc.read_only_root_filesystem,
        Y::bool,
    );
    let mut caps = Vec::new();
    if !sc.capabilities_add.is_empty() {
        caps.push(("add", Y::strs(&sc.capabilities_add)));
    }
    if !sc.capabilities_drop.is_empty() {
        caps.push(("drop", Y::strs(&sc.capabilities_drop)));
    }
    if !caps.is_empty() {
        s.push(("capabilities", Y::map(caps)));
    }
    if let Some(p) = &sc.seccomp_profile {
        s.push(("seccompProfile", typed(&p.kind)));
    }
    if let Some(a) = &sc.apparmor_profile {
        s.push(("appArmorProfile", typed(a)));
    }
    if let Some(t) = &sc.selinux_type {
        s.push(("seLinuxOptions", typed(t)));
    }
    if let Some(p) = &sc.proc_mount {
        s.push(("procMount", Y::str(p)));
    }
    if let Some(h) = sc.windows_host_process {
        s.push(("windowsOptions", Y::map(vec![("hostProcess", Y::bool(h))])));
    }
    Y::map(s)
}

// ---- patches ------------------------------------------------------------------------

/// A pod-spec patch fragment that changes one container: `{containers: [{name, ...}]}`
/// (or `initContainers`), the container selected by name as strategic merge expects.
pub(crate) fn container_patch(c: &ContainerSpec, fields: Vec<(&str, Y)>) -> Y {
    let list = if c.init {
        "initContainers"
    } else {
        "containers"
    };
    let mut item = vec![("name", Y::str(&c.name))];
    item.extend(fields);
    Y::map(vec![(list, Y::List(vec![Y::map(item)]))])
}

/// `{securityContext: {...}}` for one container.
pub(crate) fn container_security(c: &ContainerSpec, fields: Vec<(&str, Y)>) -> Y {
    container_patch(c, vec![("securityContext", Y::map(fields))])
}

/// The draft for a patch to the pod template of `t`: the patch nested at the template
/// path of the controller's kind, and the diff of the fragment it changes.
pub(crate) fn template_patch(
    t: &WorkloadTarget,
    pod_patch: Y,
    summary: String,
    mut caveats: Vec<String>,
) -> Draft {
    let path = t.kind.template_path();
    let patch = pod_patch.nest(path);
    let full = pod_tree(t.pod()).nest(path);
    caveats.extend(t.caveats());
    object_patch(t.target(), &t.words(), &full, patch, summary, caveats)
}

/// The draft for a patch to any object whose current fragment is `full`.
pub(crate) fn object_patch(
    target: Target,
    label: &str,
    full: &Y,
    patch: Y,
    summary: String,
    caveats: Vec<String>,
) -> Draft {
    let before = project(full, &patch);
    let after = merge(&before, &patch);
    let diff = super::diff::unified(&render_fragment(&before), &render_fragment(&after), label);
    Draft {
        summary,
        target,
        kind: PlanKind::KubePatch {
            patch_yaml: patch.render(),
            diff,
        },
        containment: None,
        caveats,
    }
}

/// An absent fragment renders as nothing (not `{}`), so the diff shows only additions.
fn render_fragment(y: &Y) -> String {
    match y {
        Y::Map(m) if m.is_empty() => String::new(),
        other => other.render_skeleton(),
    }
}

/// The draft for a new object: its manifest, shown in the diff as all added lines.
pub(crate) fn manifest(
    target: Target,
    label: &str,
    object: Y,
    summary: String,
    caveats: Vec<String>,
) -> Draft {
    let text = object.render();
    Draft {
        summary,
        target,
        kind: PlanKind::KubeManifest {
            diff: super::diff::unified("", &text, label),
            manifest_yaml: text,
        },
        containment: None,
        caveats,
    }
}
