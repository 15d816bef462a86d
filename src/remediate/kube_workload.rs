//! Plans for the Kubernetes workload checks (KW-001 to KW-034): a strategic merge patch on
//! the owning controller's pod template wherever a field change fixes the finding, manual
//! steps where the fix is a decision (moving namespaces, resolving a digest the snapshot
//! does not know, wrapping a bare pod in a controller).

use super::kube::{
    api_version, container_patch, container_security, object_patch, template_patch,
    workload_target, WorkloadTarget,
};
use super::yaml::Y;
use super::{object_words, Draft, PlanKind, Target};
use crate::checks::cap_name;
use crate::findings::Finding;
use crate::model::{ContainerSpec, Snapshot, Str};

/// The UID and GID plans run workloads as: non-zero and above the host's user range.
const SAFE_ID: i64 = 10001;

pub(crate) fn plan(f: &Finding, s: &Snapshot) -> Option<Draft> {
    if f.check_id == "KW-034" {
        return namespace_psa(f, s);
    }
    let t = workload_target(f, s)?;
    let c = t.container(f.resource.container.as_deref());
    match (f.check_id.as_str(), c) {
        ("KW-029", _) => Some(manual_namespace(f, &t)),
        ("KW-033", _) => Some(manual_naked_pod(f, &t)),
        ("KW-006" | "KW-007" | "KW-008" | "KW-009" | "KW-010" | "KW-018", _)
        | ("KW-020" | "KW-027" | "KW-028", _) => pod_level(f, &t),
        (_, Some(c)) => container_level(f, s, &t, c),
        _ => None,
    }
}

fn words(t: &WorkloadTarget, c: &ContainerSpec) -> String {
    format!("{} (container {})", t.words(), c.name)
}

/// A patch of one container's securityContext.
fn security(
    t: &WorkloadTarget,
    c: &ContainerSpec,
    what: &str,
    fields: Vec<(&str, Y)>,
    caveats: Vec<String>,
) -> Draft {
    let summary = format!("{}: {what}", words(t, c));
    template_patch(t, container_security(c, fields), summary, caveats)
}

fn container_level(
    f: &Finding,
    s: &Snapshot,
    t: &WorkloadTarget,
    c: &ContainerSpec,
) -> Option<Draft> {
    let sc = &c.security_context;
    let pod_sc = &t.pod().security_context;
    let d = match f.check_id.as_str() {
        "KW-001" => security(t, c, "set privileged to false", vec![("privileged", Y::bool(false))],
            vec!["add back only the capabilities the process needs under capabilities.add; a node agent that truly needs host access should be accepted with a reason instead".into()]),
        "KW-002" => security(t, c, "set allowPrivilegeEscalation to false",
            vec![("allowPrivilegeEscalation", Y::bool(false))],
            vec!["setuid/setcap binaries in the image (sudo, ping on old images) stop gaining privileges".into()]),
        "KW-003" => security(t, c, &format!("run as non-root user {SAFE_ID}"),
            vec![("runAsNonRoot", Y::bool(true)), ("runAsUser", Y::int(SAFE_ID))],
            vec![format!("the image must run as UID {SAFE_ID}: files it writes (data dirs, /tmp, caches) must be writable by that UID, or set fsGroup on the pod")]),
        "KW-004" | "KW-005" => return Some(ids(f, t, c)),
        "KW-011" | "KW-013" => return caps_without(f, t, c),
        "KW-012" => {
            let mut fields = vec![("drop", Y::strs(&["ALL"]))];
            if !sc.capabilities_add.is_empty() {
                fields.insert(0, ("add", Y::strs(&sc.capabilities_add)));
            }
            security(t, c, "drop ALL capabilities", vec![("capabilities", Y::map(fields))],
                vec!["the process loses CHOWN, SETUID, SETGID, NET_RAW and the rest of the runtime's default set; add back what it needs under capabilities.add".into()])
        }
        // Findings are per container: the fix goes on the container, which overrides
        // whatever the pod sets and leaves the pod's other containers alone.
        "KW-014" => security(t, c, "set seccompProfile RuntimeDefault",
            vec![("seccompProfile", Y::map(vec![("type", Y::str("RuntimeDefault"))]))],
            vec!["a syscall the runtime's default profile blocks fails with EPERM: test the workload with RuntimeDefault first".into()]),
        "KW-015" => security(t, c, "set appArmorProfile RuntimeDefault",
            vec![("appArmorProfile", Y::map(vec![("type", Y::str("RuntimeDefault"))]))],
            vec![format!("on clusters before 1.30, also remove the annotation container.apparmor.security.beta.kubernetes.io/{}", c.name)]),
        "KW-016" => {
            let mut cav = vec!["a process that relied on the custom type (e.g. spc_t for host access) loses it".to_string()];
            if pod_sc.selinux_type.is_some() {
                cav.push("the pod's securityContext.seLinuxOptions.type stays for its other containers: review it too".into());
            }
            security(t, c, "set seLinuxOptions.type container_t",
                vec![("seLinuxOptions", Y::map(vec![("type", Y::str("container_t"))]))], cav)
        }
        "KW-017" => security(t, c, "set procMount Default", vec![("procMount", Y::str("Default"))], vec![]),
        "KW-019" => {
            let mut patch = container_security(c, vec![("windowsOptions", Y::map(vec![("hostProcess", Y::bool(false))]))]);
            if pod_sc.windows_host_process == Some(true) {
                patch = super::yaml::combine(&patch, &Y::map(vec![("securityContext", Y::map(vec![("windowsOptions", Y::map(vec![("hostProcess", Y::bool(false))]))]))]));
            }
            let cav = vec!["a HostProcess pod also sets hostNetwork: true; remove it too, and expect the workload to lose direct node access".to_string()];
            template_patch(t, patch, format!("{}: set windowsOptions.hostProcess to false", words(t, c)), cav)
        }
        "KW-021" => {
            let port = c.ports.iter().find(|p| p.host_port.is_some_and(|h| h.to_string() == f.discriminator))?;
            let patch = container_patch(c, vec![("ports", Y::List(vec![Y::map(vec![
                ("containerPort", Y::int(port.container_port)), ("hostPort", Y::Null)])]))]);
            template_patch(t, patch, format!("{}: remove hostPort {}", words(t, c), f.discriminator),
                vec![format!("clients that reach the node on port {} must use a Service instead (NodePort or LoadBalancer if they are outside the cluster)", f.discriminator)])
        }
        "KW-022" => return Some(read_only_root(t, c)),
        "KW-023" => return Some(resources(t, c, "cpu", ("100m", "500m"))),
        "KW-024" => return Some(resources(t, c, "memory", ("128Mi", "256Mi"))),
        "KW-025" => return Some(probe(t, c, "livenessProbe", "/healthz")),
        "KW-026" => return Some(probe(t, c, "readinessProbe", "/ready")),
        "KW-030" => {
            let mut patch = vec![("imagePullPolicy", Y::str("Always"))];
            let mut what = "set imagePullPolicy Always".to_string();
            if let Some(pinned) = digest_ref(s, &c.image) {
                patch.insert(0, ("image", Y::str(&pinned)));
                what.push_str(&format!(" and pin {pinned}"));
            }
            template_patch(t, container_patch(c, patch), format!("{}: {what}", words(t, c)),
                vec!["every pod start pulls from the registry: pods cannot start while it is unreachable".into()])
        }
        "KW-031" | "KW-032" => return pin_image(f, s, t, c),
        _ => return None,
    };
    Some(d)
}

/// KW-004 / KW-005: container runAsUser/runAsGroup to 10001, and the pod's root groups.
fn ids(f: &Finding, t: &WorkloadTarget, c: &ContainerSpec) -> Draft {
    let mut fields = Vec::new();
    let mut pod = Vec::new();
    for e in &f.evidence {
        let field = e.path.rsplit('.').next().unwrap_or_default();
        if field == "fsGroup" {
            pod.push(("fsGroup", Y::int(SAFE_ID)));
        } else if field.starts_with("supplementalGroups") {
            let keep: Vec<Y> = t
                .pod()
                .security_context
                .supplemental_groups
                .iter()
                .filter(|g| **g != 0)
                .map(|g| Y::int(*g))
                .collect();
            pod.push(("supplementalGroups", Y::List(keep)));
        } else if field == "runAsUser" || field == "runAsGroup" {
            let key = if field == "runAsUser" {
                "runAsUser"
            } else {
                "runAsGroup"
            };
            if !fields.iter().any(|(k, _)| *k == key) {
                fields.push((key, Y::int(SAFE_ID)));
            }
        }
    }
    let mut patch = if fields.is_empty() {
        Y::Map(Vec::new())
    } else {
        container_security(c, fields)
    };
    if !pod.is_empty() {
        patch = super::yaml::combine(&patch, &Y::map(vec![("securityContext", Y::map(pod))]));
    }
    let summary = format!("{}: run with UID/GID {SAFE_ID}", words(t, c));
    template_patch(t, patch, summary, vec![format!(
        "files the process owns in the image or on volumes must be readable and writable by {SAFE_ID} (rebuild with `USER {SAFE_ID}:{SAFE_ID}` or set fsGroup)")])
}

/// KW-011 / KW-013: the add list without the capability (KW-013 also drops ALL).
fn caps_without(f: &Finding, t: &WorkloadTarget, c: &ContainerSpec) -> Option<Draft> {
    let sc = &c.security_context;
    let keep: Vec<&Str> = sc
        .capabilities_add
        .iter()
        .filter(|a| cap_name(a) != f.discriminator)
        .collect();
    if keep.len() == sc.capabilities_add.len() {
        return None;
    }
    let mut caps = vec![("add", Y::List(keep.iter().map(|k| Y::str(k)).collect()))];
    let mut what = format!("remove capability {}", f.discriminator);
    if f.check_id == "KW-013" && !sc.capabilities_drop.iter().any(|d| cap_name(d) == "ALL") {
        caps.push(("drop", Y::strs(&["ALL"])));
        what.push_str(" and drop ALL");
    }
    Some(security(t, c, &what, vec![("capabilities", Y::map(caps))], vec![format!(
        "whatever the process does with {} fails after the change; a CNI or node agent that needs it should be accepted with a reason instead",
        f.discriminator)]))
}

fn read_only_root(t: &WorkloadTarget, c: &ContainerSpec) -> Draft {
    let mut fields = vec![(
        "securityContext",
        Y::map(vec![("readOnlyRootFilesystem", Y::bool(true))]),
    )];
    let has_tmp = c.volume_mounts.iter().any(|m| m.mount_path == "/tmp");
    let free_name = !t.pod().volumes.iter().any(|v| v.name == "tmp");
    let mut patch;
    let mut caveats = vec!["the app must tolerate a read-only root: every path it writes to needs a volume (an emptyDir at /tmp is added here)".to_string()];
    if !has_tmp && free_name {
        fields.push((
            "volumeMounts",
            Y::List(vec![Y::map(vec![
                ("name", Y::str("tmp")),
                ("mountPath", Y::str("/tmp")),
            ])]),
        ));
        patch = container_patch(c, fields);
        patch = super::yaml::combine(
            &patch,
            &Y::map(vec![(
                "volumes",
                Y::List(vec![Y::map(vec![
                    ("name", Y::str("tmp")),
                    ("emptyDir", Y::empty_map()),
                ])]),
            )]),
        );
    } else {
        patch = container_patch(c, fields);
        caveats[0] =
            "the app must tolerate a read-only root: every path it writes to needs a volume"
                .to_string();
    }
    template_patch(
        t,
        patch,
        format!("{}: make the root filesystem read-only", words(t, c)),
        caveats,
    )
}

/// KW-023 / KW-024: the missing requests and limits, with placeholder sizes.
fn resources(t: &WorkloadTarget, c: &ContainerSpec, what: &str, (req, lim): (&str, &str)) -> Draft {
    let r = &c.resources;
    let (have_req, have_lim) = if what == "cpu" {
        (&r.requests_cpu, &r.limits_cpu)
    } else {
        (&r.requests_memory, &r.limits_memory)
    };
    let set = |v: &Option<Str>| v.as_deref().is_some_and(|x| !x.trim().is_empty());
    let mut res = Vec::new();
    if !set(have_req) {
        res.push((
            "requests",
            Y::map(vec![(
                what,
                Y::placeholder(req, "size from observed usage"),
            )]),
        ));
    }
    if !set(have_lim) {
        res.push((
            "limits",
            Y::map(vec![(what, Y::placeholder(lim, "size from observed peak"))]),
        ));
    }
    let patch = container_patch(c, vec![("resources", Y::map(res))]);
    let caveat = if what == "cpu" {
        format!("{req}/{lim} are placeholders: size them from observed usage (`kubectl top pod`); a CPU limit below the peak throttles the process")
    } else {
        format!("{req}/{lim} are placeholders: size them from observed usage (`kubectl top pod`); a memory limit below the peak gets the container OOM-killed")
    };
    template_patch(
        t,
        patch,
        format!("{}: set {what} requests and limits", words(t, c)),
        vec![caveat],
    )
}

/// KW-025 / KW-026: a probe template on the container's first port (or 8080).
fn probe(t: &WorkloadTarget, c: &ContainerSpec, key: &str, path: &str) -> Draft {
    let port = c.ports.first().map(|p| p.container_port).unwrap_or(8080);
    let probe = Y::map(vec![
        (
            "httpGet",
            Y::map(vec![
                ("path", Y::placeholder(path, "the app's health endpoint")),
                ("port", Y::int(port)),
            ]),
        ),
        ("periodSeconds", Y::int(10)),
        ("failureThreshold", Y::int(3)),
    ]);
    let patch = container_patch(c, vec![(key, probe)]);
    template_patch(t, patch, format!("{}: add a {key} (template)", words(t, c)), vec![
        format!("this {key} is a template: the operator must fill in the real endpoint (or use exec/tcpSocket) before applying; a wrong probe restarts or unreadies healthy pods"),
    ])
}

/// The image pinned by a digest the snapshot knows (a Docker image with that tag and a
/// registry digest), e.g. `app:1.4.2@sha256:...`.
fn digest_ref(s: &Snapshot, image: &str) -> Option<String> {
    let repo = image
        .rsplit_once(':')
        .filter(|(_, t)| !t.contains('/'))
        .map_or(image, |(r, _)| r);
    s.docker
        .images
        .iter()
        .filter(|i| i.repo_tags.iter().any(|t| t == image))
        .find_map(|i| {
            i.repo_digests.iter().find_map(|d| {
                let (r, dg) = d.split_once('@')?;
                (r == repo).then(|| format!("{image}@{dg}"))
            })
        })
}

fn pin_image(f: &Finding, s: &Snapshot, t: &WorkloadTarget, c: &ContainerSpec) -> Option<Draft> {
    if let Some(pinned) = digest_ref(s, &c.image).filter(|_| f.check_id == "KW-032") {
        let patch = container_patch(c, vec![("image", Y::str(&pinned))]);
        return Some(template_patch(t, patch, format!("{}: pin the image by digest", words(t, c)),
            vec!["the digest is the one the snapshot saw for this tag: confirm it is the build you mean to run".into()]));
    }
    let (kind, ns, name) = (t.kind.as_str().to_ascii_lowercase(), t.namespace, t.name);
    let mut steps = Vec::new();
    if f.check_id == "KW-031" {
        steps.push(format!(
            "Choose a version tag for {} instead of latest (or no tag).",
            c.image
        ));
    }
    steps.push(format!("Resolve the digest of the image: `crane digest {}` (or `docker buildx imagetools inspect {}`).", c.image, c.image));
    steps.push(format!("Set it on the container: `kubectl set image {kind}/{name} {}=<image>:<tag>@sha256:<digest> -n {ns}`.", c.name));
    steps.push(
        "Update the manifest in source control the same way, so the next deploy keeps the pin."
            .to_string(),
    );
    Some(Draft {
        summary: format!(
            "{}: pin the image by digest (manual: the snapshot does not know its digest)",
            words(t, c)
        ),
        target: t.target(),
        kind: PlanKind::Manual { steps },
        containment: None,
        caveats: t.caveats(),
    })
}

fn pod_level(f: &Finding, t: &WorkloadTarget) -> Option<Draft> {
    let pod = t.pod();
    let disc = f.discriminator.as_str();
    let host_ns = |key: &str, why: &str| {
        template_patch(
            t,
            Y::map(vec![(key, Y::bool(false))]),
            format!("{}: set {key} to false", t.words()),
            vec![why.to_string()],
        )
    };
    let d = match f.check_id.as_str() {
        "KW-006" => host_ns("hostNetwork", "the pod gets its own network namespace: node ports it bound move to the pod IP (expose them with a Service); CNI and node agents need hostNetwork and should be accepted with a reason instead"),
        "KW-007" => host_ns("hostPID", "the pod no longer sees node processes: node monitoring agents that read /proc of the host stop working"),
        "KW-008" => host_ns("hostIPC", "shared memory with node processes stops working"),
        "KW-009" => return host_path(t, disc),
        "KW-010" => {
            let mut patch = Y::map(vec![("volumes", Y::List(vec![Y::map(vec![("name", Y::str(disc)), ("$patch", Y::str("delete"))])]))]);
            for c in pod.all_containers() {
                let mounts: Vec<Y> = c.volume_mounts.iter().filter(|m| m.name == disc)
                    .map(|m| Y::map(vec![("mountPath", Y::str(&m.mount_path)), ("$patch", Y::str("delete"))])).collect();
                if !mounts.is_empty() {
                    patch = super::yaml::combine(&patch, &container_patch(c, vec![("volumeMounts", Y::List(mounts))]));
                }
            }
            template_patch(t, patch, format!("{}: remove volume {disc} (the runtime socket) and its mounts", t.words()),
                vec!["whatever used the socket (image builds, container metrics) stops working: give it the Kubernetes API or an authorizing proxy instead".into()])
        }
        "KW-018" => {
            let keep: Vec<_> = pod.security_context.sysctls.iter().filter(|s| s.name.trim() != disc).cloned().collect();
            let patch = Y::map(vec![("securityContext", Y::map(vec![("sysctls", super::kube::sysctls_tree(&keep))]))]);
            template_patch(t, patch, format!("{}: remove sysctl {disc}", t.words()),
                vec![format!("if the workload needs {disc}, tune it on the node instead (and taint the node for this workload)")])
        }
        "KW-027" => template_patch(t, Y::map(vec![("automountServiceAccountToken", Y::bool(false))]),
            format!("{}: stop mounting the service account token", t.words()),
            vec!["an app that calls the Kubernetes API loses its token: mount a projected serviceAccountToken volume in that container only".into()]),
        "KW-028" => {
            let sa = t.name;
            template_patch(t, Y::map(vec![("serviceAccountName", Y::str(sa))]),
                format!("{}: run as its own service account {sa}", t.words()),
                vec![format!("create the account first: `kubectl create serviceaccount {sa} -n {}`, and bind it only the Role the app needs", t.namespace)])
        }
        _ => return None,
    };
    Some(d)
}

/// KW-009: a writable hostPath becomes read-only in every container mounting it; one
/// already read-only is replaced by an emptyDir.
fn host_path(t: &WorkloadTarget, volume: &str) -> Option<Draft> {
    let mut patch = Y::Map(Vec::new());
    for c in t.pod().all_containers() {
        let mounts: Vec<Y> = c
            .volume_mounts
            .iter()
            .filter(|m| m.name == volume && !m.read_only)
            .map(|m| {
                Y::map(vec![
                    ("mountPath", Y::str(&m.mount_path)),
                    ("readOnly", Y::bool(true)),
                ])
            })
            .collect();
        if !mounts.is_empty() {
            patch = super::yaml::combine(
                &patch,
                &container_patch(c, vec![("volumeMounts", Y::List(mounts))]),
            );
        }
    }
    if !matches!(&patch, Y::Map(m) if m.is_empty()) {
        return Some(template_patch(t, patch, format!("{}: mount hostPath volume {volume} read-only", t.words()),
            vec![format!("the process can no longer write to the host path; if it must (e.g. backups), replace volume {volume} by a PersistentVolumeClaim instead")]));
    }
    let patch = Y::map(vec![(
        "volumes",
        Y::List(vec![Y::map(vec![
            ("name", Y::str(volume)),
            ("hostPath", Y::Null),
            ("emptyDir", Y::empty_map()),
        ])]),
    )]);
    Some(template_patch(t, patch, format!("{}: replace hostPath volume {volume} by an emptyDir", t.words()),
        vec!["the pod no longer sees the host's files; data it read there must come from a ConfigMap, Secret or PVC".into()]))
}

fn manual_namespace(f: &Finding, t: &WorkloadTarget) -> Draft {
    let kind = t.kind.as_str().to_ascii_lowercase();
    Draft {
        summary: format!("{}: move it out of the default namespace (manual)", object_words(f)),
        target: t.target(),
        kind: PlanKind::Manual { steps: vec![
            format!("Create a namespace for the application: `kubectl create namespace {}`.", t.name),
            format!("Export the object: `kubectl get {kind} {} -n default -o yaml > {}.yaml`, set `metadata.namespace: {}` and drop status, uid and resourceVersion.", t.name, t.name, t.name),
            format!("Create it there (`kubectl apply -f {}.yaml`) with its ConfigMaps, Secrets and ServiceAccount, then delete the old one: `kubectl delete {kind} {} -n default`.", t.name, t.name),
        ]},
        containment: None,
        caveats: vec!["Services, NetworkPolicies and RBAC that name the default namespace must move too".into()],
    }
}

fn manual_naked_pod(f: &Finding, t: &WorkloadTarget) -> Draft {
    Draft {
        summary: format!("{}: run it from a Deployment (manual)", object_words(f)),
        target: t.target(),
        kind: PlanKind::Manual { steps: vec![
            format!("Export the pod: `kubectl get pod {} -n {} -o yaml > {}.yaml`.", t.name, t.namespace, t.name),
            format!("Write a Deployment (apiVersion apps/v1) named {} with `replicas: 1`, a selector on a label such as `app: {}`, and the pod's `spec` under `spec.template.spec` (labels under `spec.template.metadata.labels`).", t.name, t.name),
            format!("`kubectl apply -f deployment.yaml`, check it is Ready, then `kubectl delete pod {} -n {}`.", t.name, t.namespace),
        ]},
        containment: None,
        caveats: vec!["a debugging pod that is no longer needed is better deleted than wrapped".into()],
    }
}

/// KW-034: label the namespace for PSA enforcement.
fn namespace_psa(f: &Finding, s: &Snapshot) -> Option<Draft> {
    let name = f.resource.name.as_str();
    let ns = s.kube.namespace(name)?;
    let key = "pod-security.kubernetes.io/enforce";
    let mut labels = Vec::new();
    if let Some(v) = ns.meta.labels.get(key) {
        labels.push((key.to_string(), Y::str(v)));
    }
    let full = Y::map(vec![("metadata", Y::map(vec![("labels", Y::Map(labels))]))]);
    let patch = Y::map(vec![(
        "metadata",
        Y::map(vec![(
            "labels",
            Y::Map(vec![(key.to_string(), Y::str("restricted"))]),
        )]),
    )]);
    let target = Target::Kube {
        api_version: api_version("Namespace").into(),
        kind: "Namespace".into(),
        namespace: None,
        name: name.into(),
    };
    Some(object_patch(target, &format!("Namespace {name}"), &full, patch,
        format!("Namespace {name}: enforce the restricted Pod Security Standard"),
        vec![
            format!("run `kubectl label --dry-run=server --overwrite ns {name} {key}=restricted` first: it lists the running pods that would violate the level"),
            "enforcement applies to new pods only; if the dry run warns, start with baseline and fix the workloads".into(),
        ]))
}
