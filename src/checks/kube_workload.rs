//! Kubernetes workload checks, part two: NSA/CISA hardening and hygiene (KW-022 to
//! KW-034): read-only root filesystem, resources, probes, service account tokens,
//! namespaces, image references, naked pods and Pod Security Admission labels. The Pod
//! Security Standards checks (KW-001 to KW-021) are in `kube_pss.rs`.

use super::frameworks::*;
use super::input::Input;
use super::{
    kube_containers, parse_image_ref, pod_path, unit_ref, Check, Family, KubeContainer, Out,
    Severity,
};
use crate::findings::{Evidence, ResourceRef};
use crate::model::{DataKind, WorkloadKind, WorkloadUnit};

const NEEDS: &[DataKind] = &[DataKind::KubeWorkloads];
const NEEDS_SA: &[DataKind] = &[DataKind::KubeWorkloads, DataKind::KubeServiceAccounts];
const NEEDS_NS: &[DataKind] = &[DataKind::KubeNamespaces];

/// Workloads of different sensitivity mixed in one shared namespace.
const WORKLOAD_SEPARATION: &[Control] = &[GDPR_32, PCI_2_2, SOC2_CC6_1, NIST_4_3_4];

/// Namespaces Kubernetes itself creates and runs system components in.
const SYSTEM_NAMESPACES: &[&str] = &["kube-system", "kube-public", "kube-node-lease"];

const PSA_ENFORCE: &str = "pod-security.kubernetes.io/enforce";

pub const CHECKS: &[Check] = &[
    Check {
        id: "KW-022",
        title: "Root filesystem writable",
        family: Family::KubeWorkload,
        severity: Severity::Medium,
        rationale: "A writable root filesystem lets an attacker drop tools, modify binaries and persist inside the container; a read-only one makes drift visible and limits damage.",
        remediation: "Set `securityContext.readOnlyRootFilesystem: true` and mount an `emptyDir` at the paths the process writes to (e.g. /tmp).",
        refs: &["NSA", "KSV-0014", "CKV_K8S_22", "C-0017"],
        controls: RUNTIME_HARDENING,
        needs: NEEDS,
        run: writable_rootfs,
    },
    Check {
        id: "KW-023",
        title: "CPU requests or limits missing",
        family: Family::KubeWorkload,
        severity: Severity::Medium,
        rationale: "Without a CPU request the scheduler cannot place the pod sensibly, and without a CPU limit one busy or compromised container can starve every other pod on its node.",
        remediation: "Set `resources.requests.cpu: 100m` and `resources.limits.cpu: 500m` (sized for the workload) on the container, or a LimitRange in the namespace.",
        refs: &["KSV-0011", "KSV-0015", "CKV_K8S_10", "CKV_K8S_11", "C-0270"],
        controls: RESOURCE_LIMITS,
        needs: NEEDS,
        run: cpu_resources,
    },
    Check {
        id: "KW-024",
        title: "Memory requests or limits missing",
        family: Family::KubeWorkload,
        severity: Severity::Medium,
        rationale: "Without a memory limit one container can exhaust node memory and get other pods OOM-killed or evicted; without a request the scheduler overcommits the node.",
        remediation: "Set `resources.requests.memory: 128Mi` and `resources.limits.memory: 256Mi` (sized for the workload) on the container, or a LimitRange in the namespace.",
        refs: &["KSV-0016", "KSV-0018", "CKV_K8S_12", "CKV_K8S_13", "C-0271"],
        controls: RESOURCE_LIMITS,
        needs: NEEDS,
        run: memory_resources,
    },
    Check {
        id: "KW-025",
        title: "Liveness probe missing",
        family: Family::KubeWorkload,
        severity: Severity::Low,
        rationale: "Without a liveness probe the kubelet only restarts a container whose process exits; a hung or deadlocked service keeps running and keeps failing requests.",
        remediation: "Add `livenessProbe: {httpGet: {path: /healthz, port: 8080}}` (or `exec`/`tcpSocket`) to the container.",
        refs: &["CKV_K8S_8", "C-0056"],
        controls: RESOURCE_LIMITS,
        needs: NEEDS,
        run: liveness,
    },
    Check {
        id: "KW-026",
        title: "Readiness probe missing",
        family: Family::KubeWorkload,
        severity: Severity::Low,
        rationale: "Without a readiness probe a pod receives Service traffic as soon as its process starts, before it can serve, and stays in rotation while it cannot.",
        remediation: "Add `readinessProbe: {httpGet: {path: /ready, port: 8080}}` (or `exec`/`tcpSocket`) to the container.",
        refs: &["CKV_K8S_9", "C-0018"],
        controls: RESOURCE_LIMITS,
        needs: NEEDS,
        run: readiness,
    },
    Check {
        id: "KW-027",
        title: "Service account token automounted",
        family: Family::KubeWorkload,
        severity: Severity::Medium,
        rationale: "An automounted service account token gives anyone who compromises the pod the pod's Kubernetes API identity; most applications never call the API and need no token.",
        remediation: "Set `automountServiceAccountToken: false` in the pod spec (or on the ServiceAccount) and mount a projected token only where the API is used.",
        refs: &["NSA", "KSV-0036", "CKV_K8S_38", "C-0034"],
        controls: LEAST_PRIVILEGE,
        needs: NEEDS_SA,
        run: token_automounted,
    },
    Check {
        id: "KW-028",
        title: "Default service account used",
        family: Family::KubeWorkload,
        severity: Severity::Medium,
        rationale: "Every pod that names no service account shares the namespace's `default` one, so a role bound to it for one workload is granted to all of them.",
        remediation: "Create a ServiceAccount per workload and set `serviceAccountName: <name>` in the pod spec; leave `default` with `automountServiceAccountToken: false` and no bindings.",
        refs: &["CIS-K 5.1.5", "CKV_K8S_41", "CKV_K8S_42"],
        controls: LEAST_PRIVILEGE,
        needs: NEEDS,
        run: default_service_account,
    },
    Check {
        id: "KW-029",
        title: "Workload in the default namespace",
        family: Family::KubeWorkload,
        severity: Severity::Low,
        rationale: "The default namespace is where everything unlabelled lands: policies, quotas and RBAC scoped to it end up shared by unrelated workloads of different sensitivity.",
        remediation: "Create a namespace for the application and set `metadata.namespace: <app>` (e.g. `kubectl create namespace app` and redeploy there).",
        refs: &["CIS-K 5.7.4", "KSV-0110", "CKV_K8S_21", "C-0061"],
        controls: WORKLOAD_SEPARATION,
        needs: NEEDS,
        run: default_namespace,
    },
    Check {
        id: "KW-030",
        title: "imagePullPolicy not Always for a mutable tag",
        family: Family::KubeWorkload,
        severity: Severity::Low,
        rationale: "With a tag (not a digest) and a pull policy other than Always, each node runs whatever image it cached under that tag, so replicas can run different code and a cached image skips registry authorization.",
        remediation: "Set `imagePullPolicy: Always`, or better pin the image by digest: `image: registry/app:1.4.2@sha256:<digest>`.",
        refs: &["CKV_K8S_15", "C-0075"],
        controls: IMAGE_TRUST,
        needs: NEEDS,
        run: pull_policy,
    },
    Check {
        id: "KW-031",
        title: "Image tag latest or missing",
        family: Family::KubeWorkload,
        severity: Severity::Low,
        rationale: "`latest` (or no tag) names whatever was pushed last: what runs cannot be told from the manifest, rollbacks are not reproducible and an untested image can arrive on any restart.",
        remediation: "Set `image: registry/app:1.4.2@sha256:<digest>` (a version tag, pinned by digest) on the container.",
        refs: &["KSV-0013", "CKV_K8S_14", "DS-0001"],
        controls: IMAGE_TRUST,
        needs: NEEDS,
        run: latest_tag,
    },
    Check {
        id: "KW-032",
        title: "Image not pinned by digest",
        family: Family::KubeWorkload,
        severity: Severity::Medium,
        rationale: "A tag can be moved to another image at any time by anyone who can push to the repository; only a digest guarantees the container runs the image that was reviewed.",
        remediation: "Set `image: registry/app:1.4.2@sha256:<digest>` on the container (e.g. resolve with `crane digest` or `docker buildx imagetools inspect`).",
        refs: &["CKV_K8S_43", "C-0306"],
        controls: IMAGE_TRUST,
        needs: NEEDS,
        run: no_digest,
    },
    Check {
        id: "KW-033",
        title: "Naked pod",
        family: Family::KubeWorkload,
        severity: Severity::Low,
        rationale: "A Pod created directly, with no owning controller, is not rescheduled when its node fails, is not rolled out or rolled back and escapes the reviews that controller manifests get.",
        remediation: "Run the pod from a controller: a `kind: Deployment` (or StatefulSet, DaemonSet, Job) with this pod spec under `spec.template`.",
        refs: &["KSV-0107", "C-0073"],
        controls: RESOURCE_LIMITS,
        needs: NEEDS,
        run: naked_pod,
    },
    Check {
        id: "KW-034",
        title: "Namespace without Pod Security Admission enforcement",
        family: Family::KubeWorkload,
        severity: Severity::Medium,
        rationale: "Without a pod-security.kubernetes.io/enforce label of baseline or restricted (or with privileged), the API server admits privileged, host-namespace and hostPath pods into the namespace.",
        remediation: "Label the namespace: `metadata.labels: {pod-security.kubernetes.io/enforce: restricted}` (`kubectl label ns <ns> pod-security.kubernetes.io/enforce=restricted`).",
        refs: &["CIS-K 5.2.1", "Popeye POP-1603"],
        controls: RUNTIME_HARDENING,
        needs: NEEDS_NS,
        run: namespace_psa,
    },
];

// ---- helpers -------------------------------------------------------------------------

fn label(kc: &KubeContainer) -> String {
    let kind = if kc.container.init {
        "init container"
    } else {
        "container"
    };
    format!("{kind} {}", kc.container.name)
}

/// Fields among `fields` that are unset or empty, as evidence.
fn missing(kc: &KubeContainer, fields: [(&str, &Option<crate::model::Str>); 2]) -> Vec<Evidence> {
    fields
        .into_iter()
        .filter(|(_, v)| v.as_deref().is_none_or(|v| v.trim().is_empty()))
        .map(|(f, _)| Evidence::new(kc.path(f), "unset"))
        .collect()
}

/// Jobs run to completion: liveness and readiness probes do not apply.
fn is_batch(u: &WorkloadUnit) -> bool {
    let batch = |k: WorkloadKind| matches!(k, WorkloadKind::Job | WorkloadKind::CronJob);
    batch(u.kind)
        || batch(u.workload.kind)
        || u.workload
            .meta
            .controller()
            .and_then(|o| WorkloadKind::parse(&o.kind))
            .is_some_and(batch)
}

/// Whether the pod gets a service account token, with the evidence that decides it.
fn token_mounted(s: &Input, u: &WorkloadUnit) -> (bool, Vec<Evidence>) {
    let pod = u.pod();
    let path = pod_path(u, "automountServiceAccountToken");
    match pod.automount_service_account_token {
        Some(v) => (v, vec![Evidence::new(path, v.to_string())]),
        None => {
            let name = pod.service_account();
            let sa_path = format!("ServiceAccount/{name}.automountServiceAccountToken");
            let sa = s.service_account(u.namespace(), name);
            let (mounted, observed) = match sa.map(|a| a.automount_service_account_token) {
                Some(Some(v)) => (v, v.to_string()),
                Some(None) => (true, "unset (defaults to true)".to_string()),
                None => (
                    true,
                    "ServiceAccount not in the snapshot (the API defaults to mounting)".into(),
                ),
            };
            (
                mounted,
                vec![
                    Evidence::new(path, "unset"),
                    Evidence::new(sa_path, observed),
                ],
            )
        }
    }
}

// ---- checks --------------------------------------------------------------------------

fn writable_rootfs(s: &Input, out: &mut Out) {
    for kc in kube_containers(s) {
        let v = kc.container.security_context.read_only_root_filesystem;
        if v == Some(true) {
            continue;
        }
        out.emit(
            kc.resource(),
            "",
            format!("{} has a writable root filesystem", label(&kc)),
            vec![Evidence::new(
                kc.path("securityContext.readOnlyRootFilesystem"),
                v.map_or("unset".to_string(), |b| b.to_string()),
            )],
        );
    }
}

fn cpu_resources(s: &Input, out: &mut Out) {
    for kc in kube_containers(s) {
        let r = &kc.container.resources;
        let ev = missing(
            &kc,
            [
                ("resources.requests.cpu", &r.requests_cpu),
                ("resources.limits.cpu", &r.limits_cpu),
            ],
        );
        if !ev.is_empty() {
            out.emit(
                kc.resource(),
                "",
                format!("{} does not set CPU requests and limits", label(&kc)),
                ev,
            );
        }
    }
}

fn memory_resources(s: &Input, out: &mut Out) {
    for kc in kube_containers(s) {
        let r = &kc.container.resources;
        let ev = missing(
            &kc,
            [
                ("resources.requests.memory", &r.requests_memory),
                ("resources.limits.memory", &r.limits_memory),
            ],
        );
        if !ev.is_empty() {
            out.emit(
                kc.resource(),
                "",
                format!("{} does not set memory requests and limits", label(&kc)),
                ev,
            );
        }
    }
}

fn probe(s: &Input, out: &mut Out, field: &str, has: fn(&crate::model::ContainerSpec) -> bool) {
    for kc in kube_containers(s) {
        if kc.container.init || is_batch(&kc.unit) || has(kc.container) {
            continue;
        }
        out.emit(
            kc.resource(),
            "",
            format!("{} has no {field}", label(&kc)),
            vec![Evidence::new(kc.path(field), "unset")],
        );
    }
}

fn liveness(s: &Input, out: &mut Out) {
    probe(s, out, "livenessProbe", |c| c.liveness_probe);
}

fn readiness(s: &Input, out: &mut Out) {
    probe(s, out, "readinessProbe", |c| c.readiness_probe);
}

fn token_automounted(s: &Input, out: &mut Out) {
    for u in s.units() {
        let (mounted, ev) = token_mounted(s, &u);
        if mounted {
            out.emit(
                unit_ref(&u),
                "",
                format!(
                    "{} {} gets the token of service account {} mounted",
                    u.kind,
                    u.name,
                    u.pod().service_account()
                ),
                ev,
            );
        }
    }
}

fn default_service_account(s: &Input, out: &mut Out) {
    for u in s.units() {
        let pod = u.pod();
        if pod.service_account() != "default" {
            continue;
        }
        let observed = if pod.service_account_name.is_empty() {
            "unset (default)"
        } else {
            "default"
        };
        let (mounted, _) = token_mounted(s, &u);
        let (sev, note) = if mounted {
            (Severity::Medium, "with its token mounted")
        } else {
            (Severity::Low, "without mounting its token")
        };
        out.emit_with(
            sev,
            unit_ref(&u),
            "",
            format!(
                "{} {} runs as the namespace's default service account, {note}",
                u.kind, u.name
            ),
            vec![Evidence::new(pod_path(&u, "serviceAccountName"), observed)],
        );
    }
}

fn default_namespace(s: &Input, out: &mut Out) {
    for u in s.units() {
        if u.namespace() == "default" {
            out.emit(
                unit_ref(&u),
                "",
                format!("{} {} runs in the default namespace", u.kind, u.name),
                vec![Evidence::new("metadata.namespace", "default")],
            );
        }
    }
}

fn pull_policy(s: &Input, out: &mut Out) {
    for kc in kube_containers(s) {
        let image = kc.container.image.trim();
        if image.is_empty() {
            continue;
        }
        let r = parse_image_ref(image);
        if r.digest.is_some() {
            continue;
        }
        let latest = r.tag.is_none_or(|t| t == "latest");
        let observed = match kc.container.image_pull_policy.as_deref().map(str::trim) {
            Some(p) if !p.is_empty() => p.to_string(),
            // The API defaults to Always for `latest` or no tag, IfNotPresent otherwise.
            _ if latest => continue,
            _ => "unset (defaults to IfNotPresent)".to_string(),
        };
        if observed == "Always" {
            continue;
        }
        out.emit(
            kc.resource(),
            "",
            format!(
                "{} pulls mutable image {image} with imagePullPolicy {observed}",
                label(&kc)
            ),
            vec![
                Evidence::new(kc.path("imagePullPolicy"), observed.clone()),
                Evidence::new(kc.path("image"), image),
            ],
        );
    }
}

fn latest_tag(s: &Input, out: &mut Out) {
    for kc in kube_containers(s) {
        let image = kc.container.image.trim();
        if image.is_empty() {
            continue;
        }
        let r = parse_image_ref(image);
        if r.digest.is_some() || r.tag.is_some_and(|t| t != "latest") {
            continue;
        }
        let what = if r.tag.is_some() {
            "the latest tag"
        } else {
            "no tag"
        };
        out.emit(
            kc.resource(),
            "",
            format!("{} uses image {image} with {what}", label(&kc)),
            vec![Evidence::new(kc.path("image"), image)],
        );
    }
}

fn no_digest(s: &Input, out: &mut Out) {
    for kc in kube_containers(s) {
        let image = kc.container.image.trim();
        if image.is_empty() || parse_image_ref(image).digest.is_some() {
            continue;
        }
        out.emit(
            kc.resource(),
            "",
            format!("{} uses image {image}, not pinned by digest", label(&kc)),
            vec![Evidence::new(kc.path("image"), image)],
        );
    }
}

fn naked_pod(s: &Input, out: &mut Out) {
    for u in s.units() {
        let w = u.workload;
        if w.kind != WorkloadKind::Pod
            || !w.meta.owner_references.is_empty()
            || w.controller.is_some()
        {
            continue;
        }
        out.emit(
            unit_ref(&u),
            "",
            format!("Pod {} has no owning controller", u.name),
            vec![Evidence::new("metadata.ownerReferences", "unset")],
        );
    }
}

fn namespace_psa(s: &Input, out: &mut Out) {
    for ns in &s.kube.namespaces {
        let level = ns.psa_level("enforce").map(str::trim);
        if level.is_some_and(|l| !l.is_empty() && !l.eq_ignore_ascii_case("privileged")) {
            continue;
        }
        let name = ns.meta.name.as_str();
        let sev = if SYSTEM_NAMESPACES.contains(&name) {
            Severity::Low
        } else {
            Severity::Medium
        };
        let (observed, what) = match level {
            Some(l) if !l.is_empty() => (l.to_string(), format!("enforces the {l} level")),
            _ => ("unset".to_string(), "has no enforce label".to_string()),
        };
        out.emit_with(
            sev,
            ResourceRef::kube("Namespace", None, name),
            "",
            format!("namespace {name} {what} for Pod Security Admission"),
            vec![Evidence::new(
                format!("metadata.labels[\"{PSA_ENFORCE}\"]"),
                observed,
            )],
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::kube_pss::tests::{bad, bad_container, only_bad, passes, snap};
    use crate::checks::Severity;
    use crate::model::{ControllerRef, ObjectMeta, OwnerRef, ServiceAccount, WorkloadKind};
    use crate::testkit::{deployment, kcontainer, kube, namespace, run_check};

    const C0: &str = "spec.template.spec.containers[0]";
    const POD: &str = "spec.template.spec";

    /// Every KW check, from both files of the family.
    fn all_kw() -> impl Iterator<Item = &'static crate::checks::Check> {
        super::CHECKS.iter().chain(super::super::kube_pss::CHECKS)
    }

    #[test]
    fn hardened_deployment_has_no_findings() {
        let mut s = kube(vec![deployment("prod", "web")]);
        s.kube.namespaces = vec![namespace("prod")];
        s.kube.service_accounts = vec![ServiceAccount {
            meta: ObjectMeta {
                name: "web".into(),
                namespace: Some("prod".into()),
                ..Default::default()
            },
            automount_service_account_token: Some(false),
        }];
        let mut n = 0;
        for c in all_kw() {
            n += 1;
            let f = c.evaluate(&s);
            assert!(
                f.is_empty(),
                "{} fired on the hardened deployment: {f:?}",
                c.id
            );
        }
        assert_eq!(n, 34, "every KW check was evaluated");
    }

    #[test]
    fn ids_are_kw_001_to_034() {
        let mut ids: Vec<&str> = all_kw().map(|c| c.id).collect();
        ids.sort();
        let want: Vec<String> = (1..=34).map(|i| format!("KW-{i:03}")).collect();
        assert_eq!(ids, want);
        for c in all_kw() {
            assert_eq!(c.family, crate::checks::Family::KubeWorkload);
            assert!(c.needs.iter().all(|d| !d.is_docker()), "{}", c.id);
        }
    }

    #[test]
    fn replicas_collapse_into_the_deployment() {
        let owner = |kind: &str, name: &str| OwnerRef {
            kind: kind.into(),
            name: name.into(),
            uid: format!("uid-{name}").into(),
            controller: true,
        };
        let mut dep = deployment("prod", "web");
        dep.pod.containers[0].security_context.privileged = Some(true);
        let mut rs = dep.clone();
        rs.kind = WorkloadKind::ReplicaSet;
        rs.meta.name = "web-7d4b9c".into();
        rs.meta.owner_references = vec![owner("Deployment", "web")];
        rs.controller = Some(ControllerRef {
            kind: WorkloadKind::Deployment,
            name: "web".into(),
        });
        let pod = |name: &str| {
            let mut p = rs.clone();
            p.kind = WorkloadKind::Pod;
            p.meta.name = name.into();
            p.meta.owner_references = vec![owner("ReplicaSet", "web-7d4b9c")];
            p
        };
        let (p1, p2) = (pod("web-7d4b9c-aaaaa"), pod("web-7d4b9c-bbbbb"));
        let f = run_check("KW-001", &kube(vec![dep, rs, p1.clone(), p2.clone()]));
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].resource.kind, "Deployment");
        assert_eq!(f[0].resource.name, "web");
        assert_eq!(f[0].resource.container.as_deref(), Some("app"));
        assert_eq!(
            f[0].evidence[0].path,
            "spec.template.spec.containers[0].securityContext.privileged"
        );
        // Pods alone (controllers not collected) still collapse into the Deployment.
        let g = run_check("KW-001", &kube(vec![p1, p2]));
        assert_eq!(g.len(), 1, "{g:?}");
        assert_eq!(g[0].resource.kind, "Deployment");
        assert_eq!(g[0].fingerprint, f[0].fingerprint);
    }

    #[test]
    fn kw022_writable_rootfs() {
        let f = only_bad(
            "KW-022",
            bad_container(|c| c.security_context.read_only_root_filesystem = None),
        );
        assert_eq!(
            f[0].evidence[0].path,
            format!("{C0}.securityContext.readOnlyRootFilesystem")
        );
        passes("KW-022", deployment("prod", "good"));
    }

    #[test]
    fn kw023_kw024_resources() {
        let f = only_bad("KW-023", bad_container(|c| c.resources.limits_cpu = None));
        assert_eq!(f[0].evidence.len(), 1);
        assert_eq!(f[0].evidence[0].path, format!("{C0}.resources.limits.cpu"));
        passes(
            "KW-023",
            bad_container(|c| c.resources.requests_memory = None),
        );
        let f = only_bad(
            "KW-024",
            bad_container(|c| {
                c.resources.requests_memory = None;
                c.resources.limits_memory = Some(" ".into());
            }),
        );
        assert_eq!(f[0].evidence.len(), 2);
        assert_eq!(
            f[0].evidence[0].path,
            format!("{C0}.resources.requests.memory")
        );
        passes("KW-024", bad_container(|c| c.resources.limits_cpu = None));
    }

    #[test]
    fn kw025_kw026_probes() {
        let f = only_bad("KW-025", bad_container(|c| c.liveness_probe = false));
        assert_eq!(f[0].evidence[0].path, format!("{C0}.livenessProbe"));
        let f = only_bad("KW-026", bad_container(|c| c.readiness_probe = false));
        assert_eq!(f[0].evidence[0].path, format!("{C0}.readinessProbe"));
        for id in ["KW-025", "KW-026"] {
            // Init containers and Jobs are exempt.
            let mut init = kcontainer("setup");
            init.init = true;
            init.liveness_probe = false;
            init.readiness_probe = false;
            passes(id, bad(|w| w.pod.init_containers = vec![init]));
            passes(
                id,
                bad(|w| {
                    w.kind = WorkloadKind::Job;
                    w.pod.containers[0].liveness_probe = false;
                    w.pod.containers[0].readiness_probe = false;
                }),
            );
        }
    }

    #[test]
    fn kw027_token_automounted() {
        // Pod says nothing, its ServiceAccount is not in the snapshot.
        let f = only_bad(
            "KW-027",
            bad(|w| {
                w.pod.automount_service_account_token = None;
                w.pod.service_account_name = "ghost".into();
            }),
        );
        assert_eq!(f[0].resource.container, None);
        assert_eq!(
            f[0].evidence[0].path,
            format!("{POD}.automountServiceAccountToken")
        );
        assert!(f[0].evidence[1].observed.contains("not in the snapshot"));
        // Pod true overrides a ServiceAccount false.
        let f = only_bad(
            "KW-027",
            bad(|w| w.pod.automount_service_account_token = Some(true)),
        );
        assert_eq!(f[0].evidence[0].observed, "true");
        // Pod unset, ServiceAccount `bad` (in `snap`) has automount false.
        passes(
            "KW-027",
            bad(|w| w.pod.automount_service_account_token = None),
        );
    }

    #[test]
    fn kw028_default_service_account() {
        let f = only_bad(
            "KW-028",
            bad(|w| {
                w.pod.service_account_name = String::new().into();
                w.pod.automount_service_account_token = None;
            }),
        );
        assert_eq!(f[0].evidence[0].path, format!("{POD}.serviceAccountName"));
        assert_eq!(f[0].severity, Severity::Medium);
        // Token not mounted: still reported, at low severity.
        let f = only_bad(
            "KW-028",
            bad(|w| w.pod.service_account_name = "default".into()),
        );
        assert_eq!(f[0].severity, Severity::Low);
        passes("KW-028", deployment("prod", "good"));
    }

    #[test]
    fn kw029_default_namespace() {
        let mut w = deployment("default", "bad");
        w.pod.service_account_name = "bad".into();
        let f = run_check("KW-029", &snap(vec![w, deployment("prod", "good")]));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].resource.namespace.as_deref(), Some("default"));
        assert_eq!(f[0].evidence[0].path, "metadata.namespace");
        passes("KW-029", deployment("prod", "good"));
    }

    #[test]
    fn kw030_to_kw032_images() {
        // Version tag, no digest, IfNotPresent: KW-030 and KW-032, not KW-031.
        let tagged = || bad_container(|c| c.image = "registry.example.com/app:1.4.2".into());
        let f = only_bad("KW-030", tagged());
        assert_eq!(f[0].evidence[0].path, format!("{C0}.imagePullPolicy"));
        assert_eq!(f[0].evidence[0].observed, "IfNotPresent");
        let f = only_bad("KW-032", tagged());
        assert_eq!(f[0].evidence[0].path, format!("{C0}.image"));
        passes("KW-031", tagged());
        // Unset policy on a version tag defaults to IfNotPresent.
        let f = only_bad(
            "KW-030",
            bad_container(|c| {
                c.image = "app:2".into();
                c.image_pull_policy = None;
            }),
        );
        assert!(f[0].evidence[0].observed.contains("IfNotPresent"));
        // Latest: KW-031; unset policy defaults to Always, so no KW-030.
        for image in ["nginx", "nginx:latest", "localhost:5000/nginx"] {
            let w = bad_container(|c| {
                c.image = image.into();
                c.image_pull_policy = None;
            });
            let f = only_bad("KW-031", w.clone());
            assert_eq!(f[0].evidence[0].path, format!("{C0}.image"), "{image}");
            passes("KW-030", w);
        }
        passes(
            "KW-030",
            bad_container(|c| {
                c.image = "app:1.0".into();
                c.image_pull_policy = Some("Always".into());
            }),
        );
        // Digest-pinned: none of the three.
        for id in ["KW-030", "KW-031", "KW-032"] {
            passes(id, bad_container(|c| c.image = "app@sha256:00ff".into()));
        }
    }

    #[test]
    fn kw033_naked_pod() {
        let mut pod = deployment("prod", "bad");
        pod.kind = WorkloadKind::Pod;
        let f = only_bad_pod(pod.clone());
        assert_eq!(f[0].evidence[0].path, "metadata.ownerReferences");
        let mut owned = pod;
        owned.meta.owner_references = vec![OwnerRef {
            kind: "Job".into(),
            name: "batch".into(),
            ..Default::default()
        }];
        passes("KW-033", owned);
        passes("KW-033", deployment("prod", "good"));
    }

    fn only_bad_pod(pod: crate::model::Workload) -> Vec<crate::findings::Finding> {
        let f = run_check("KW-033", &snap(vec![pod, deployment("prod", "good")]));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].resource.kind, "Pod");
        assert_eq!(f[0].resource.name, "bad");
        f
    }

    #[test]
    fn kw034_namespace_psa() {
        let mut s = snap(vec![]);
        let mut privileged = namespace("legacy");
        privileged
            .meta
            .labels
            .insert(super::PSA_ENFORCE, "privileged");
        let mut unlabelled = namespace("kube-system");
        unlabelled.meta.labels.clear();
        s.kube.namespaces = vec![namespace("prod"), privileged, unlabelled];
        let f = run_check("KW-034", &s);
        assert_eq!(f.len(), 2, "{f:?}");
        assert_eq!(f[0].resource.kind, "Namespace");
        assert_eq!(f[0].resource.name, "legacy");
        assert_eq!(f[0].resource.namespace, None);
        assert_eq!(f[0].severity, Severity::Medium);
        assert_eq!(
            f[0].evidence[0].path,
            "metadata.labels[\"pod-security.kubernetes.io/enforce\"]"
        );
        assert_eq!(f[0].evidence[0].observed, "privileged");
        assert_eq!(f[1].resource.name, "kube-system");
        assert_eq!(f[1].severity, Severity::Low);
        assert!(run_check("KW-034", &snap(vec![])).is_empty());
    }
}
