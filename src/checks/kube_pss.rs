//! Kubernetes workload checks, part one: the Pod Security Standards (baseline and
//! restricted) and the NSA/CISA hardening guide's pod security context items (KW-001 to
//! KW-021). Hygiene checks (resources, probes, images, service accounts, namespaces) are
//! in `kube_workload.rs`; both files form the `KubeWorkload` family.
//!
//! Container fields are read per controller (not per replica) with `kube_containers`, and
//! findings name the container; pod-level fields (host namespaces, volumes, sysctls) name
//! the workload. Security-context fields a container can inherit are read effectively:
//! the container's value, else the pod's.

use super::frameworks::*;
use super::input::Input;
use super::{
    cap_name, kube_containers, pod_path, unit_ref, Check, Family, KubeContainer, Out, Severity,
};
use crate::findings::Evidence;
use crate::model::{DataKind, WorkloadUnit};

const NEEDS: &[DataKind] = &[DataKind::KubeWorkloads];

/// Capabilities the PSS baseline profile allows a container to add.
const PSS_BASELINE_CAPS: &[&str] = &[
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];
/// Added capabilities that amount to host root on their own.
const CRITICAL_CAPS: &[&str] = &["ALL", "SYS_ADMIN", "SYS_MODULE"];
/// Added capabilities with known escapes or network-wide reach.
const HIGH_CAPS: &[&str] = &[
    "NET_RAW",
    "NET_ADMIN",
    "SYS_PTRACE",
    "DAC_READ_SEARCH",
    "SYS_RAWIO",
    "SYS_BOOT",
    "BPF",
    "PERFMON",
];

/// SELinux types the PSS baseline profile allows.
const PSS_SELINUX_TYPES: &[&str] = &[
    "container_t",
    "container_init_t",
    "container_kvm_t",
    "container_engine_t",
];

/// Sysctls the PSS baseline profile allows.
const SAFE_SYSCTLS: &[&str] = &[
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
];

/// Volume types the PSS restricted profile allows (hostPath is reported by KW-009).
const CORE_VOLUMES: &[&str] = &[
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "persistentVolumeClaim",
    "projected",
    "secret",
];

/// Socket file names of container runtimes.
const RUNTIME_SOCKETS: &[&str] = &[
    "docker.sock",
    "containerd.sock",
    "crio.sock",
    "podman.sock",
    "cri-dockerd.sock",
    "dockershim.sock",
];
/// Host directories that hold a runtime socket: mounting one mounts the socket.
const RUNTIME_SOCKET_DIRS: &[&str] = &[
    "/",
    "/var",
    "/run",
    "/var/run",
    "/run/containerd",
    "/var/run/containerd",
    "/run/crio",
    "/var/run/crio",
    "/run/podman",
    "/var/run/podman",
    "/run/docker",
    "/var/run/docker",
];

pub const CHECKS: &[Check] = &[
    Check {
        id: "KW-001",
        title: "Container runs privileged",
        family: Family::KubeWorkload,
        severity: Severity::Critical,
        rationale: "A privileged container gets every capability, every host device and no seccomp or AppArmor confinement: root in it is root on the node, and from the node the cluster.",
        remediation: "Set `securityContext.privileged: false` on the container (or remove the field) and add only the capabilities the workload needs under `securityContext.capabilities.add`.",
        refs: &["PSS baseline", "NSA", "KSV-0017", "CKV_K8S_16", "C-0057"],
        controls: HOST_ISOLATION,
        needs: NEEDS,
        run: privileged,
    },
    Check {
        id: "KW-002",
        title: "Privilege escalation allowed",
        family: Family::KubeWorkload,
        severity: Severity::High,
        rationale: "Unless allowPrivilegeEscalation is false, no_new_privs is not set, so a process in the container can gain privileges through setuid or setcap binaries.",
        remediation: "Set `securityContext.allowPrivilegeEscalation: false` on every container.",
        refs: &["PSS restricted", "KSV-0001", "CKV_K8S_20", "C-0016"],
        controls: RUNTIME_HARDENING,
        needs: NEEDS,
        run: privilege_escalation,
    },
    Check {
        id: "KW-003",
        title: "Container may run as root",
        family: Family::KubeWorkload,
        severity: Severity::High,
        rationale: "With runAsNonRoot not true and no non-zero runAsUser, the container runs as whatever user the image names, often root (UID 0), which is root on the node once any isolation layer fails.",
        remediation: "Set `securityContext.runAsNonRoot: true` (pod or container) and `securityContext.runAsUser: 10001` (a UID the image can run as).",
        refs: &["PSS restricted", "KSV-0012", "CKV_K8S_23", "C-0013"],
        controls: RUNTIME_HARDENING,
        needs: NEEDS,
        run: may_run_as_root,
    },
    Check {
        id: "KW-004",
        title: "Container runs with root UID or GID 0",
        family: Family::KubeWorkload,
        severity: Severity::High,
        rationale: "runAsUser: 0 runs the container as root explicitly; runAsGroup, fsGroup or supplementalGroups 0 give its processes the root group and write access to files owned by it.",
        remediation: "Set `securityContext.runAsUser: 10001` and `securityContext.runAsGroup: 10001` (and `fsGroup`, `supplementalGroups` on the pod) to non-zero IDs.",
        refs: &["KSV-0105", "PSS restricted"],
        controls: RUNTIME_HARDENING,
        needs: NEEDS,
        run: root_ids,
    },
    Check {
        id: "KW-005",
        title: "UID or GID below 10000",
        family: Family::KubeWorkload,
        severity: Severity::Low,
        rationale: "UIDs and GIDs below 10000 overlap the node's system and regular users; a container process escaping with such an ID gets that host user's files and rights.",
        remediation: "Set `securityContext.runAsUser: 10001` and `securityContext.runAsGroup: 10001` (any ID of 10000 or more).",
        refs: &["KSV-0020", "KSV-0021", "CKV_K8S_40"],
        controls: RUNTIME_HARDENING,
        needs: NEEDS,
        run: low_ids,
    },
    Check {
        id: "KW-006",
        title: "Pod shares the host network",
        family: Family::KubeWorkload,
        severity: Severity::High,
        rationale: "With hostNetwork the pod sees every node interface, can bind any node port, sniff traffic and reach services listening on the node's localhost, bypassing NetworkPolicies.",
        remediation: "Set `hostNetwork: false` in the pod spec (or remove it) and expose ports through a Service.",
        refs: &["PSS baseline", "KSV-0009", "CKV_K8S_19", "C-0041"],
        controls: HOST_ISOLATION,
        needs: NEEDS,
        run: host_network,
    },
    Check {
        id: "KW-007",
        title: "Pod shares the host PID namespace",
        family: Family::KubeWorkload,
        severity: Severity::Critical,
        rationale: "With hostPID the pod sees and can signal every process on the node, read their environments and command lines and, with ptrace, enter them.",
        remediation: "Set `hostPID: false` in the pod spec (or remove it).",
        refs: &["PSS baseline", "KSV-0010", "CKV_K8S_17", "C-0038"],
        controls: HOST_ISOLATION,
        needs: NEEDS,
        run: host_pid,
    },
    Check {
        id: "KW-008",
        title: "Pod shares the host IPC namespace",
        family: Family::KubeWorkload,
        severity: Severity::High,
        rationale: "With hostIPC the pod shares System V shared memory, semaphores and message queues with node processes and can read or corrupt their data.",
        remediation: "Set `hostIPC: false` in the pod spec (or remove it).",
        refs: &["PSS baseline", "KSV-0008", "CKV_K8S_18", "C-0038"],
        controls: HOST_ISOLATION,
        needs: NEEDS,
        run: host_ipc,
    },
    Check {
        id: "KW-009",
        title: "hostPath volume",
        family: Family::KubeWorkload,
        severity: Severity::High,
        rationale: "A hostPath volume exposes the node's filesystem to the pod: credentials, kubelet state and other pods' data; mounted writable, it lets the pod change the node.",
        remediation: "Replace the `volumes[].hostPath` with an emptyDir, configMap, secret or PVC; if it must stay, mount it with `volumeMounts[].readOnly: true`.",
        refs: &["PSS baseline", "KSV-0023", "C-0048", "KSV-0121", "C-0045"],
        controls: HOST_ISOLATION,
        needs: NEEDS,
        run: host_path,
    },
    Check {
        id: "KW-010",
        title: "Container runtime socket mounted",
        family: Family::KubeWorkload,
        severity: Severity::Critical,
        rationale: "Whoever reaches the Docker, containerd or CRI-O socket can start a privileged container with the node's root filesystem: mounting it is handing out node root.",
        remediation: "Remove the `volumes[].hostPath` that points at the runtime socket (or its directory); use the Kubernetes API or a narrow, authorizing proxy instead.",
        refs: &["KSV-0006", "CKV_K8S_27", "C-0074"],
        controls: HOST_ISOLATION,
        needs: NEEDS,
        run: runtime_socket,
    },
    Check {
        id: "KW-011",
        title: "Capability added beyond NET_BIND_SERVICE",
        family: Family::KubeWorkload,
        severity: Severity::Medium,
        rationale: "The PSS restricted profile allows adding only NET_BIND_SERVICE; every other added capability widens what root in the container may do to the kernel.",
        remediation: "Remove the entry from `securityContext.capabilities.add`; keep only `NET_BIND_SERVICE` if the process binds a low port.",
        refs: &["PSS restricted", "KSV-0022", "C-0046"],
        controls: RUNTIME_HARDENING,
        needs: NEEDS,
        run: caps_added,
    },
    Check {
        id: "KW-012",
        title: "ALL capabilities not dropped",
        family: Family::KubeWorkload,
        severity: Severity::Medium,
        rationale: "Without dropping ALL the container keeps the runtime's default set (CHOWN, DAC_OVERRIDE, FOWNER, SETUID, SETGID, NET_RAW, ...), more than most services use.",
        remediation: "Set `securityContext.capabilities.drop: [\"ALL\"]` and add back only what is needed under `capabilities.add`.",
        refs: &["PSS restricted", "KSV-0003", "KSV-0106", "CKV_K8S_37", "C-0046"],
        controls: RUNTIME_HARDENING,
        needs: NEEDS,
        run: caps_not_dropped,
    },
    Check {
        id: "KW-013",
        title: "Dangerous capability added",
        family: Family::KubeWorkload,
        severity: Severity::Critical,
        rationale: "SYS_ADMIN, SYS_MODULE and ALL amount to node root; NET_RAW, NET_ADMIN, SYS_PTRACE and the other capabilities outside the PSS baseline set enable spoofing, tracing and known container escapes.",
        remediation: "Remove the capability from `securityContext.capabilities.add` and set `securityContext.capabilities.drop: [\"ALL\"]`.",
        refs: &["KSV-0005", "KSV-0119", "KSV-0120", "CKV_K8S_39", "CKV_K8S_28", "PSS baseline"],
        controls: RUNTIME_HARDENING,
        needs: NEEDS,
        run: dangerous_caps,
    },
    Check {
        id: "KW-014",
        title: "Seccomp profile unset or Unconfined",
        family: Family::KubeWorkload,
        severity: Severity::High,
        rationale: "Without a seccomp profile (unset defaults to Unconfined on most clusters) every system call is reachable, including those kernel exploits and container escapes rely on.",
        remediation: "Set `securityContext.seccompProfile.type: RuntimeDefault` on the pod (or `Localhost` with a reviewed profile).",
        refs: &["PSS restricted", "PSS baseline", "KSV-0104", "KSV-0030", "CKV_K8S_31", "C-0210"],
        controls: RUNTIME_HARDENING,
        needs: NEEDS,
        run: seccomp,
    },
    Check {
        id: "KW-015",
        title: "AppArmor unconfined",
        family: Family::KubeWorkload,
        severity: Severity::High,
        rationale: "An Unconfined AppArmor profile removes the runtime's default policy that blocks writes to /proc and /sys and mounting, one of the layers that stops a container escape.",
        remediation: "Set `securityContext.appArmorProfile.type: RuntimeDefault` (or `Localhost`), or remove the Unconfined annotation.",
        refs: &["PSS baseline", "KSV-0002", "C-0055"],
        controls: RUNTIME_HARDENING,
        needs: NEEDS,
        run: apparmor,
    },
    Check {
        id: "KW-016",
        title: "Custom SELinux type",
        family: Family::KubeWorkload,
        severity: Severity::Medium,
        rationale: "An SELinux type other than container_t, container_init_t, container_kvm_t or container_engine_t can lift the confinement SELinux gives containers (spc_t is unconfined).",
        remediation: "Remove `securityContext.seLinuxOptions.type` or set it to `container_t`.",
        refs: &["PSS baseline", "KSV-0025"],
        controls: RUNTIME_HARDENING,
        needs: NEEDS,
        run: selinux,
    },
    Check {
        id: "KW-017",
        title: "procMount Unmasked",
        family: Family::KubeWorkload,
        severity: Severity::High,
        rationale: "An Unmasked /proc exposes the kernel interfaces the runtime normally hides or makes read-only (/proc/sys, /proc/sysrq-trigger, /proc/kcore), a classic escape path.",
        remediation: "Remove `securityContext.procMount` or set `securityContext.procMount: Default`.",
        refs: &["PSS baseline", "KSV-0027"],
        controls: HOST_ISOLATION,
        needs: NEEDS,
        run: proc_mount,
    },
    Check {
        id: "KW-018",
        title: "Unsafe sysctl",
        family: Family::KubeWorkload,
        severity: Severity::Medium,
        rationale: "Sysctls outside the PSS baseline's safe set are not namespaced or not isolated per pod: setting them changes the node kernel for every pod on it.",
        remediation: "Remove the entry from `securityContext.sysctls` in the pod spec, or tune the node itself.",
        refs: &["PSS baseline", "KSV-0026"],
        controls: HOST_ISOLATION,
        needs: NEEDS,
        run: unsafe_sysctls,
    },
    Check {
        id: "KW-019",
        title: "Windows HostProcess container",
        family: Family::KubeWorkload,
        severity: Severity::Critical,
        rationale: "A Windows HostProcess container runs directly on the node with the node's network and filesystem and, usually, as SYSTEM: there is no isolation left.",
        remediation: "Set `securityContext.windowsOptions.hostProcess: false` (or remove it) on the pod and its containers.",
        refs: &["PSS baseline", "KSV-0103"],
        controls: HOST_ISOLATION,
        needs: NEEDS,
        run: windows_host_process,
    },
    Check {
        id: "KW-020",
        title: "Non-core volume type",
        family: Family::KubeWorkload,
        severity: Severity::Medium,
        rationale: "The PSS restricted profile allows only configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected and secret volumes; other in-tree types (nfs, iscsi, rbd, ...) reach node or network storage directly. hostPath is reported by KW-009.",
        remediation: "Replace the volume with a `persistentVolumeClaim` (backed by a StorageClass or PersistentVolume) or another allowed type.",
        refs: &["KSV-0028"],
        controls: HOST_ISOLATION,
        needs: NEEDS,
        run: non_core_volumes,
    },
    Check {
        id: "KW-021",
        title: "hostPort set",
        family: Family::KubeWorkload,
        severity: Severity::Medium,
        rationale: "A hostPort opens the port on the node's own address, outside Services and often outside NetworkPolicies, and pins the pod to nodes where the port is free.",
        remediation: "Remove `ports[].hostPort` from the container and expose it through a Service (ClusterIP, or NodePort/LoadBalancer when needed).",
        refs: &["PSS baseline", "KSV-0024", "CKV_K8S_26", "C-0044"],
        controls: EXPOSURE,
        needs: NEEDS,
        run: host_ports,
    },
];

// ---- helpers -------------------------------------------------------------------------

/// Evidence for a security-context field the container inherits from the pod: where it
/// is set (container, else pod), or the container's path with `unset`.
fn effective<T: ToString>(
    kc: &KubeContainer,
    field: &str,
    container: Option<T>,
    pod: Option<T>,
) -> Evidence {
    let field = format!("securityContext.{field}");
    match (container, pod) {
        (Some(v), _) => Evidence::new(kc.path(&field), v.to_string()),
        (None, Some(v)) => Evidence::new(pod_path(&kc.unit, &field), v.to_string()),
        (None, None) => Evidence::new(kc.path(&field), "unset"),
    }
}

fn label(kc: &KubeContainer) -> String {
    let kind = if kc.container.init {
        "init container"
    } else {
        "container"
    };
    format!("{kind} {}", kc.container.name)
}

/// Clean an absolute host path: collapse `//`, drop `.` and a trailing slash.
fn clean_path(p: &str) -> String {
    let parts: Vec<&str> = p
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    format!("/{}", parts.join("/"))
}

fn is_runtime_socket(p: &str) -> bool {
    let file = p.rsplit('/').next().unwrap_or(p);
    RUNTIME_SOCKETS.contains(&file) || RUNTIME_SOCKET_DIRS.contains(&p)
}

/// Containers of a unit that mount volume `name` writable, as evidence.
fn writable_mounts(u: &WorkloadUnit, name: &str) -> Vec<Evidence> {
    let mut ev = Vec::new();
    for container in u.pod().all_containers() {
        let kc = KubeContainer {
            unit: *u,
            container,
        };
        for (j, m) in container.volume_mounts.iter().enumerate() {
            if m.name == name && !m.read_only {
                ev.push(Evidence::new(
                    kc.path(&format!("volumeMounts[{j}].readOnly")),
                    format!("false ({} at {})", container.name, m.mount_path),
                ));
            }
        }
    }
    ev
}

// ---- checks --------------------------------------------------------------------------

fn privileged(s: &Input, out: &mut Out) {
    for kc in kube_containers(s) {
        if kc.container.security_context.privileged == Some(true) {
            out.emit(
                kc.resource(),
                "",
                format!("{} runs privileged", label(&kc)),
                vec![Evidence::new(kc.path("securityContext.privileged"), "true")],
            );
        }
    }
}

fn privilege_escalation(s: &Input, out: &mut Out) {
    for kc in kube_containers(s) {
        let v = kc.container.security_context.allow_privilege_escalation;
        if v == Some(false) {
            continue;
        }
        let observed = v.map_or("unset (defaults to true)".to_string(), |b| b.to_string());
        out.emit(
            kc.resource(),
            "",
            format!(
                "{} does not set allowPrivilegeEscalation to false",
                label(&kc)
            ),
            vec![Evidence::new(
                kc.path("securityContext.allowPrivilegeEscalation"),
                observed,
            )],
        );
    }
}

fn may_run_as_root(s: &Input, out: &mut Out) {
    for kc in kube_containers(s) {
        let non_root = kc.run_as_non_root() == Some(true);
        let uid_set = kc.run_as_user().is_some_and(|u| u > 0);
        if non_root || uid_set {
            continue;
        }
        let c = &kc.container.security_context;
        let p = &kc.pod().security_context;
        out.emit(
            kc.resource(),
            "",
            format!(
                "{} may run as root: runAsNonRoot is not true and runAsUser is not above 0",
                label(&kc)
            ),
            vec![
                effective(&kc, "runAsNonRoot", c.run_as_non_root, p.run_as_non_root),
                effective(&kc, "runAsUser", c.run_as_user, p.run_as_user),
            ],
        );
    }
}

fn root_ids(s: &Input, out: &mut Out) {
    for kc in kube_containers(s) {
        let c = &kc.container.security_context;
        let p = &kc.pod().security_context;
        let mut ev = Vec::new();
        if kc.run_as_user() == Some(0) {
            ev.push(effective(&kc, "runAsUser", c.run_as_user, p.run_as_user));
        }
        if kc.run_as_group() == Some(0) {
            ev.push(effective(&kc, "runAsGroup", c.run_as_group, p.run_as_group));
        }
        if p.fs_group == Some(0) {
            ev.push(Evidence::new(
                pod_path(&kc.unit, "securityContext.fsGroup"),
                "0",
            ));
        }
        if let Some(i) = p.supplemental_groups.iter().position(|g| *g == 0) {
            ev.push(Evidence::new(
                pod_path(
                    &kc.unit,
                    &format!("securityContext.supplementalGroups[{i}]"),
                ),
                "0",
            ));
        }
        if !ev.is_empty() {
            out.emit(
                kc.resource(),
                "",
                format!("{} runs with root UID or GID 0", label(&kc)),
                ev,
            );
        }
    }
}

fn low_ids(s: &Input, out: &mut Out) {
    let low = |id: Option<i64>| id.is_some_and(|v| v > 0 && v < 10000);
    for kc in kube_containers(s) {
        let c = &kc.container.security_context;
        let p = &kc.pod().security_context;
        let mut ev = Vec::new();
        if low(kc.run_as_user()) {
            ev.push(effective(&kc, "runAsUser", c.run_as_user, p.run_as_user));
        }
        if low(kc.run_as_group()) {
            ev.push(effective(&kc, "runAsGroup", c.run_as_group, p.run_as_group));
        }
        if !ev.is_empty() {
            out.emit(
                kc.resource(),
                "",
                format!("{} runs with a UID or GID below 10000", label(&kc)),
                ev,
            );
        }
    }
}

/// One finding per workload whose pod spec sets the boolean `field`.
fn host_namespace(
    s: &Input,
    out: &mut Out,
    field: &str,
    what: &str,
    get: fn(&WorkloadUnit) -> bool,
) {
    for u in s.units() {
        if get(&u) {
            out.emit(
                unit_ref(&u),
                "",
                format!("{} {} shares the host {what} namespace", u.kind, u.name),
                vec![Evidence::new(pod_path(&u, field), "true")],
            );
        }
    }
}

fn host_network(s: &Input, out: &mut Out) {
    host_namespace(s, out, "hostNetwork", "network", |u| u.pod().host_network);
}

fn host_pid(s: &Input, out: &mut Out) {
    host_namespace(s, out, "hostPID", "PID", |u| u.pod().host_pid);
}

fn host_ipc(s: &Input, out: &mut Out) {
    host_namespace(s, out, "hostIPC", "IPC", |u| u.pod().host_ipc);
}

fn host_path(s: &Input, out: &mut Out) {
    for u in s.units() {
        for (i, v) in u.pod().volumes.iter().enumerate() {
            if v.kind != "hostPath" {
                continue;
            }
            let path = v.host_path.clone().unwrap_or_default();
            let mut ev = vec![Evidence::new(
                pod_path(&u, &format!("volumes[{i}].hostPath.path")),
                path.clone(),
            )];
            let writable = writable_mounts(&u, &v.name);
            let (sev, mode) = if writable.is_empty() {
                (Severity::High, "")
            } else {
                (Severity::Critical, ", mounted writable")
            };
            ev.extend(writable);
            out.emit_with(
                sev,
                unit_ref(&u),
                v.name.clone(),
                format!(
                    "{} {} mounts host path {path} as volume {}{mode}",
                    u.kind, u.name, v.name
                ),
                ev,
            );
        }
    }
}

fn runtime_socket(s: &Input, out: &mut Out) {
    for u in s.units() {
        for (i, v) in u.pod().volumes.iter().enumerate() {
            let Some(raw) = v.host_path.as_deref().filter(|_| v.kind == "hostPath") else {
                continue;
            };
            let path = clean_path(raw);
            if !is_runtime_socket(&path) {
                continue;
            }
            out.emit(
                unit_ref(&u),
                v.name.clone(),
                format!(
                    "{} {} mounts the container runtime socket (or its directory) {path} as volume {}",
                    u.kind, u.name, v.name
                ),
                vec![Evidence::new(
                    pod_path(&u, &format!("volumes[{i}].hostPath.path")),
                    raw.to_string(),
                )],
            );
        }
    }
}

/// Added capabilities of a container: (index, raw value, normalized name).
fn added_caps<'a>(kc: &KubeContainer<'a>) -> impl Iterator<Item = (usize, &'a str, String)> {
    kc.container
        .security_context
        .capabilities_add
        .iter()
        .enumerate()
        .map(|(i, raw)| (i, raw.as_str(), cap_name(raw)))
        .filter(|(_, _, cap)| !cap.is_empty())
}

fn caps_added(s: &Input, out: &mut Out) {
    for kc in kube_containers(s) {
        for (i, raw, cap) in added_caps(&kc) {
            if cap == "NET_BIND_SERVICE" {
                continue;
            }
            out.emit(
                kc.resource(),
                cap.clone(),
                format!("{} adds capability {cap}", label(&kc)),
                vec![Evidence::new(
                    kc.path(&format!("securityContext.capabilities.add[{i}]")),
                    raw,
                )],
            );
        }
    }
}

fn caps_not_dropped(s: &Input, out: &mut Out) {
    for kc in kube_containers(s) {
        let drop = &kc.container.security_context.capabilities_drop;
        if drop.iter().any(|d| cap_name(d) == "ALL") {
            continue;
        }
        out.emit(
            kc.resource(),
            "",
            format!("{} does not drop ALL capabilities", label(&kc)),
            vec![Evidence::new(
                kc.path("securityContext.capabilities.drop"),
                format!("{drop:?}"),
            )],
        );
    }
}

fn dangerous_caps(s: &Input, out: &mut Out) {
    for kc in kube_containers(s) {
        for (i, raw, cap) in added_caps(&kc) {
            if PSS_BASELINE_CAPS.contains(&cap.as_str()) {
                continue;
            }
            let sev = if CRITICAL_CAPS.contains(&cap.as_str()) {
                Severity::Critical
            } else if HIGH_CAPS.contains(&cap.as_str()) {
                Severity::High
            } else {
                Severity::Medium
            };
            out.emit_with(
                sev,
                kc.resource(),
                cap.clone(),
                format!(
                    "{} adds {cap}, a capability outside the PSS baseline set",
                    label(&kc)
                ),
                vec![Evidence::new(
                    kc.path(&format!("securityContext.capabilities.add[{i}]")),
                    raw,
                )],
            );
        }
    }
}

fn seccomp(s: &Input, out: &mut Out) {
    for kc in kube_containers(s) {
        let unconfined = match kc.seccomp() {
            None => true,
            Some(p) => p.kind.trim().is_empty() || p.kind.eq_ignore_ascii_case("Unconfined"),
        };
        if !unconfined {
            continue;
        }
        let kind = |p: &crate::model::SeccompProfile| p.kind.clone();
        let c = kc
            .container
            .security_context
            .seccomp_profile
            .as_ref()
            .map(kind);
        let p = kc.pod().security_context.seccomp_profile.as_ref().map(kind);
        out.emit(
            kc.resource(),
            "",
            format!("{} runs without a seccomp profile", label(&kc)),
            vec![effective(&kc, "seccompProfile.type", c, p)],
        );
    }
}

fn apparmor(s: &Input, out: &mut Out) {
    for kc in kube_containers(s) {
        if !kc
            .apparmor()
            .is_some_and(|a| a.trim().eq_ignore_ascii_case("Unconfined"))
        {
            continue;
        }
        let c = kc.container.security_context.apparmor_profile.as_deref();
        let p = kc.pod().security_context.apparmor_profile.as_deref();
        out.emit(
            kc.resource(),
            "",
            format!("{} runs AppArmor Unconfined", label(&kc)),
            vec![effective(&kc, "appArmorProfile.type", c, p)],
        );
    }
}

fn selinux(s: &Input, out: &mut Out) {
    let custom = |t: &Option<crate::model::Str>| {
        t.as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty() && !PSS_SELINUX_TYPES.contains(t))
            .map(str::to_string)
    };
    for kc in kube_containers(s) {
        let mut ev = Vec::new();
        if let Some(t) = custom(&kc.pod().security_context.selinux_type) {
            ev.push(Evidence::new(
                pod_path(&kc.unit, "securityContext.seLinuxOptions.type"),
                t,
            ));
        }
        if let Some(t) = custom(&kc.container.security_context.selinux_type) {
            ev.push(Evidence::new(
                kc.path("securityContext.seLinuxOptions.type"),
                t,
            ));
        }
        if !ev.is_empty() {
            out.emit(
                kc.resource(),
                "",
                format!("{} runs with a custom SELinux type", label(&kc)),
                ev,
            );
        }
    }
}

fn proc_mount(s: &Input, out: &mut Out) {
    for kc in kube_containers(s) {
        let Some(pm) = kc.container.security_context.proc_mount.as_deref() else {
            continue;
        };
        if pm.trim().eq_ignore_ascii_case("Unmasked") {
            out.emit(
                kc.resource(),
                "",
                format!("{} mounts /proc Unmasked", label(&kc)),
                vec![Evidence::new(
                    kc.path("securityContext.procMount"),
                    pm.to_string(),
                )],
            );
        }
    }
}

fn unsafe_sysctls(s: &Input, out: &mut Out) {
    for u in s.units() {
        for (i, sc) in u.pod().security_context.sysctls.iter().enumerate() {
            let name = sc.name.trim();
            if SAFE_SYSCTLS.contains(&name) {
                continue;
            }
            out.emit(
                unit_ref(&u),
                name.to_string(),
                format!("{} {} sets the unsafe sysctl {name}", u.kind, u.name),
                vec![Evidence::new(
                    pod_path(&u, &format!("securityContext.sysctls[{i}].name")),
                    format!("{name}={}", sc.value),
                )],
            );
        }
    }
}

fn windows_host_process(s: &Input, out: &mut Out) {
    for kc in kube_containers(s) {
        let mut ev = Vec::new();
        if kc.pod().security_context.windows_host_process == Some(true) {
            ev.push(Evidence::new(
                pod_path(&kc.unit, "securityContext.windowsOptions.hostProcess"),
                "true",
            ));
        }
        if kc.container.security_context.windows_host_process == Some(true) {
            ev.push(Evidence::new(
                kc.path("securityContext.windowsOptions.hostProcess"),
                "true",
            ));
        }
        if !ev.is_empty() {
            out.emit(
                kc.resource(),
                "",
                format!("{} is a Windows HostProcess container", label(&kc)),
                ev,
            );
        }
    }
}

fn non_core_volumes(s: &Input, out: &mut Out) {
    for u in s.units() {
        for (i, v) in u.pod().volumes.iter().enumerate() {
            let kind = v.kind.trim();
            if kind.is_empty() || kind == "hostPath" || CORE_VOLUMES.contains(&kind) {
                continue;
            }
            out.emit(
                unit_ref(&u),
                v.name.clone(),
                format!(
                    "{} {} uses volume {} of type {kind}, not allowed by PSS restricted",
                    u.kind, u.name, v.name
                ),
                vec![Evidence::new(
                    pod_path(&u, &format!("volumes[{i}].{kind}")),
                    kind.to_string(),
                )],
            );
        }
    }
}

fn host_ports(s: &Input, out: &mut Out) {
    for kc in kube_containers(s) {
        for (i, p) in kc.container.ports.iter().enumerate() {
            let Some(hp) = p.host_port.filter(|hp| *hp > 0) else {
                continue;
            };
            out.emit(
                kc.resource(),
                hp.to_string(),
                format!(
                    "{} binds host port {hp} (container port {})",
                    label(&kc),
                    p.container_port
                ),
                vec![Evidence::new(
                    kc.path(&format!("ports[{i}].hostPort")),
                    hp.to_string(),
                )],
            );
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use crate::checks::Severity;
    use crate::findings::Finding;
    use crate::model::{
        ContainerPort, ContainerSpec, ServiceAccount, Snapshot, Sysctl, Volume, VolumeMount,
        Workload,
    };
    use crate::testkit::{deployment, kcontainer, kube, namespace, run_check};

    /// The hardened `prod` setting: namespace with PSA labels and service accounts with
    /// automount off for each workload name.
    pub(crate) fn snap(workloads: Vec<Workload>) -> Snapshot {
        let mut s = kube(workloads);
        s.kube.namespaces = vec![namespace("prod")];
        s.kube.service_accounts = ["good", "bad"]
            .iter()
            .map(|n| ServiceAccount {
                meta: crate::model::ObjectMeta {
                    name: n.to_string().into(),
                    namespace: Some("prod".into()),
                    ..Default::default()
                },
                automount_service_account_token: Some(false),
            })
            .collect();
        s
    }

    /// A hardened Deployment `prod/bad` changed by `f`.
    pub(crate) fn bad(f: impl FnOnce(&mut Workload)) -> Workload {
        let mut w = deployment("prod", "bad");
        f(&mut w);
        w
    }

    /// A hardened Deployment `prod/bad` whose container `app` is changed by `f`.
    pub(crate) fn bad_container(f: impl FnOnce(&mut ContainerSpec)) -> Workload {
        bad(|w| f(&mut w.pod.containers[0]))
    }

    /// Run `id` over `bad` plus a hardened Deployment; only `bad` has findings.
    pub(crate) fn only_bad(id: &str, bad: Workload) -> Vec<Finding> {
        let f = run_check(id, &snap(vec![bad, deployment("prod", "good")]));
        assert!(!f.is_empty(), "{id}: no finding");
        for x in &f {
            assert_eq!(x.resource.name, "bad", "{id}: {x:?}");
            assert_eq!(x.resource.kind, "Deployment");
            assert_eq!(x.resource.namespace.as_deref(), Some("prod"));
            assert_eq!(x.check_id, id);
        }
        f
    }

    pub(crate) fn passes(id: &str, w: Workload) {
        let f = run_check(id, &snap(vec![w]));
        assert!(f.is_empty(), "{id}: unexpected {f:?}");
    }

    const C0: &str = "spec.template.spec.containers[0]";
    const POD: &str = "spec.template.spec";

    #[test]
    fn kw001_privileged() {
        let f = only_bad(
            "KW-001",
            bad_container(|c| c.security_context.privileged = Some(true)),
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].resource.container.as_deref(), Some("app"));
        assert_eq!(f[0].severity, Severity::Critical);
        assert_eq!(
            f[0].evidence[0].path,
            format!("{C0}.securityContext.privileged")
        );
        passes(
            "KW-001",
            bad_container(|c| c.security_context.privileged = None),
        );
    }

    #[test]
    fn kw002_privilege_escalation() {
        for v in [None, Some(true)] {
            let f = only_bad(
                "KW-002",
                bad_container(|c| c.security_context.allow_privilege_escalation = v),
            );
            assert_eq!(
                f[0].evidence[0].path,
                format!("{C0}.securityContext.allowPrivilegeEscalation")
            );
        }
        passes("KW-002", deployment("prod", "good"));
    }

    #[test]
    fn kw003_may_run_as_root() {
        let w = bad(|w| {
            w.pod.security_context.run_as_non_root = None;
            let sc = &mut w.pod.containers[0].security_context;
            sc.run_as_non_root = None;
            sc.run_as_user = None;
        });
        let f = only_bad("KW-003", w);
        assert_eq!(
            f[0].evidence[0].path,
            format!("{C0}.securityContext.runAsNonRoot")
        );
        assert_eq!(f[0].evidence[0].observed, "unset");
        // Container false overrides the pod's true.
        let w = bad(|w| {
            let sc = &mut w.pod.containers[0].security_context;
            sc.run_as_non_root = Some(false);
            sc.run_as_user = None;
        });
        assert_eq!(only_bad("KW-003", w)[0].evidence[0].observed, "false");
        // runAsNonRoot from the pod alone is enough.
        passes(
            "KW-003",
            bad_container(|c| {
                c.security_context.run_as_non_root = None;
                c.security_context.run_as_user = None;
            }),
        );
        // A non-zero UID alone is enough.
        passes(
            "KW-003",
            bad(|w| {
                w.pod.security_context.run_as_non_root = None;
                w.pod.containers[0].security_context.run_as_non_root = None;
            }),
        );
    }

    #[test]
    fn kw004_root_ids() {
        let f = only_bad(
            "KW-004",
            bad_container(|c| c.security_context.run_as_user = Some(0)),
        );
        assert_eq!(
            f[0].evidence[0].path,
            format!("{C0}.securityContext.runAsUser")
        );
        let f = only_bad("KW-004", bad(|w| w.pod.security_context.fs_group = Some(0)));
        assert_eq!(
            f[0].evidence[0].path,
            format!("{POD}.securityContext.fsGroup")
        );
        passes("KW-004", deployment("prod", "good"));
    }

    #[test]
    fn kw005_low_ids() {
        let f = only_bad(
            "KW-005",
            bad_container(|c| c.security_context.run_as_group = Some(1000)),
        );
        assert_eq!(
            f[0].evidence[0].path,
            format!("{C0}.securityContext.runAsGroup")
        );
        // Pod-level UID inherited by a container that sets none.
        let f = only_bad(
            "KW-005",
            bad(|w| {
                w.pod.security_context.run_as_user = Some(1000);
                w.pod.containers[0].security_context.run_as_user = None;
            }),
        );
        assert_eq!(
            f[0].evidence[0].path,
            format!("{POD}.securityContext.runAsUser")
        );
        // Unset or 0 is not this check's business.
        passes(
            "KW-005",
            bad_container(|c| {
                c.security_context.run_as_user = Some(0);
                c.security_context.run_as_group = None;
            }),
        );
    }

    #[test]
    fn kw006_to_kw008_host_namespaces() {
        type Set = fn(&mut Workload);
        let cases: [(&str, &str, Set); 3] = [
            ("KW-006", "hostNetwork", |w| w.pod.host_network = true),
            ("KW-007", "hostPID", |w| w.pod.host_pid = true),
            ("KW-008", "hostIPC", |w| w.pod.host_ipc = true),
        ];
        for (id, field, set) in cases {
            let f = only_bad(id, bad(set));
            assert_eq!(f.len(), 1);
            assert_eq!(
                f[0].resource.container, None,
                "{id}: attributed to workload"
            );
            assert_eq!(f[0].evidence[0].path, format!("{POD}.{field}"));
            passes(id, deployment("prod", "good"));
        }
    }

    fn host_volume(name: &str, path: &str) -> Volume {
        Volume {
            name: name.into(),
            kind: "hostPath".into(),
            host_path: Some(path.into()),
            reference: None,
        }
    }

    fn mount(name: &str, read_only: bool) -> VolumeMount {
        VolumeMount {
            name: name.into(),
            mount_path: format!("/mnt/{name}").into(),
            read_only,
        }
    }

    #[test]
    fn kw009_host_path() {
        let f = only_bad(
            "KW-009",
            bad(|w| {
                w.pod.volumes = vec![host_volume("logs", "/var/log"), host_volume("etc", "/etc")];
                w.pod.containers[0].volume_mounts = vec![mount("logs", true), mount("etc", false)];
            }),
        );
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].discriminator, "logs");
        assert_eq!(f[0].severity, Severity::High);
        assert_eq!(
            f[0].evidence[0].path,
            format!("{POD}.volumes[0].hostPath.path")
        );
        assert_eq!(f[1].discriminator, "etc");
        assert_eq!(f[1].severity, Severity::Critical);
        assert_eq!(
            f[1].evidence[1].path,
            format!("{C0}.volumeMounts[1].readOnly")
        );
        passes(
            "KW-009",
            bad(|w| {
                w.pod.volumes = vec![Volume {
                    name: "tmp".into(),
                    kind: "emptyDir".into(),
                    ..Default::default()
                }]
            }),
        );
    }

    #[test]
    fn kw010_runtime_socket() {
        for path in [
            "/var/run/docker.sock",
            "/run/containerd/containerd.sock",
            "/var/run/crio/crio.sock",
            "//run/docker.sock",
            "/var/run/",
            "/",
        ] {
            let f = only_bad(
                "KW-010",
                bad(|w| w.pod.volumes = vec![host_volume("sock", path)]),
            );
            assert_eq!(f.len(), 1, "{path}");
            assert_eq!(f[0].discriminator, "sock");
            assert_eq!(
                f[0].evidence[0].path,
                format!("{POD}.volumes[0].hostPath.path")
            );
        }
        passes(
            "KW-010",
            bad(|w| w.pod.volumes = vec![host_volume("d", "/srv/docker.socket.d")]),
        );
    }

    #[test]
    fn kw011_caps_added() {
        let f = only_bad(
            "KW-011",
            bad_container(|c| {
                c.security_context.capabilities_add =
                    vec!["NET_BIND_SERVICE".into(), "CHOWN".into()]
            }),
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].discriminator, "CHOWN");
        assert_eq!(
            f[0].evidence[0].path,
            format!("{C0}.securityContext.capabilities.add[1]")
        );
        passes(
            "KW-011",
            bad_container(|c| {
                c.security_context.capabilities_add = vec!["NET_BIND_SERVICE".into()]
            }),
        );
    }

    #[test]
    fn kw012_caps_not_dropped() {
        let f = only_bad(
            "KW-012",
            bad_container(|c| c.security_context.capabilities_drop = vec!["NET_RAW".into()]),
        );
        assert_eq!(
            f[0].evidence[0].path,
            format!("{C0}.securityContext.capabilities.drop")
        );
        passes(
            "KW-012",
            bad_container(|c| c.security_context.capabilities_drop = vec!["all".into()]),
        );
    }

    #[test]
    fn kw013_dangerous_caps() {
        let f = only_bad(
            "KW-013",
            bad_container(|c| {
                c.security_context.capabilities_add = vec![
                    "CHOWN".into(),
                    "SYS_ADMIN".into(),
                    "CAP_NET_RAW".into(),
                    "WAKE_ALARM".into(),
                ]
            }),
        );
        assert_eq!(f.len(), 3);
        assert_eq!(f[0].discriminator, "SYS_ADMIN");
        assert_eq!(f[0].severity, Severity::Critical);
        assert_eq!(
            f[0].evidence[0].path,
            format!("{C0}.securityContext.capabilities.add[1]")
        );
        assert_eq!(f[1].discriminator, "NET_RAW");
        assert_eq!(f[1].severity, Severity::High);
        assert_eq!(f[2].severity, Severity::Medium);
        passes(
            "KW-013",
            bad_container(|c| {
                c.security_context.capabilities_add =
                    vec!["CHOWN".into(), "NET_BIND_SERVICE".into()]
            }),
        );
    }

    #[test]
    fn kw014_seccomp() {
        // Unset everywhere.
        let f = only_bad(
            "KW-014",
            bad(|w| {
                w.pod.security_context.seccomp_profile = None;
                w.pod.containers[0].security_context.seccomp_profile = None;
            }),
        );
        assert_eq!(
            f[0].evidence[0].path,
            format!("{C0}.securityContext.seccompProfile.type")
        );
        // Unconfined on the container overrides the pod's RuntimeDefault.
        let f = only_bad(
            "KW-014",
            bad_container(|c| {
                if let Some(p) = c.security_context.seccomp_profile.as_mut() {
                    p.kind = "Unconfined".into();
                }
            }),
        );
        assert_eq!(f[0].evidence[0].observed, "Unconfined");
        // Pod-level RuntimeDefault alone is enough.
        passes(
            "KW-014",
            bad_container(|c| c.security_context.seccomp_profile = None),
        );
    }

    #[test]
    fn kw015_apparmor() {
        let f = only_bad(
            "KW-015",
            bad(|w| w.pod.security_context.apparmor_profile = Some("Unconfined".into())),
        );
        assert_eq!(
            f[0].evidence[0].path,
            format!("{POD}.securityContext.appArmorProfile.type")
        );
        passes(
            "KW-015",
            bad(|w| w.pod.security_context.apparmor_profile = Some("RuntimeDefault".into())),
        );
    }

    #[test]
    fn kw016_selinux() {
        let f = only_bad(
            "KW-016",
            bad_container(|c| c.security_context.selinux_type = Some("spc_t".into())),
        );
        assert_eq!(
            f[0].evidence[0].path,
            format!("{C0}.securityContext.seLinuxOptions.type")
        );
        passes(
            "KW-016",
            bad_container(|c| c.security_context.selinux_type = Some("container_t".into())),
        );
    }

    #[test]
    fn kw017_proc_mount() {
        let f = only_bad(
            "KW-017",
            bad_container(|c| c.security_context.proc_mount = Some("Unmasked".into())),
        );
        assert_eq!(
            f[0].evidence[0].path,
            format!("{C0}.securityContext.procMount")
        );
        passes(
            "KW-017",
            bad_container(|c| c.security_context.proc_mount = Some("Default".into())),
        );
    }

    #[test]
    fn kw018_unsafe_sysctls() {
        let sysctl = |n: &str| Sysctl {
            name: n.into(),
            value: "1".into(),
        };
        let f = only_bad(
            "KW-018",
            bad(|w| {
                w.pod.security_context.sysctls =
                    vec![sysctl("net.ipv4.tcp_syncookies"), sysctl("kernel.msgmax")]
            }),
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].discriminator, "kernel.msgmax");
        assert_eq!(
            f[0].evidence[0].path,
            format!("{POD}.securityContext.sysctls[1].name")
        );
        passes(
            "KW-018",
            bad(|w| w.pod.security_context.sysctls = vec![sysctl("kernel.shm_rmid_forced")]),
        );
    }

    #[test]
    fn kw019_windows_host_process() {
        let f = only_bad(
            "KW-019",
            bad_container(|c| c.security_context.windows_host_process = Some(true)),
        );
        assert_eq!(
            f[0].evidence[0].path,
            format!("{C0}.securityContext.windowsOptions.hostProcess")
        );
        passes(
            "KW-019",
            bad_container(|c| c.security_context.windows_host_process = Some(false)),
        );
    }

    #[test]
    fn kw020_non_core_volumes() {
        let vol = |name: &str, kind: &str| Volume {
            name: name.into(),
            kind: kind.into(),
            ..Default::default()
        };
        let f = only_bad(
            "KW-020",
            bad(|w| {
                w.pod.volumes = vec![
                    vol("cfg", "configMap"),
                    vol("share", "nfs"),
                    host_volume("h", "/srv"),
                ]
            }),
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].discriminator, "share");
        assert_eq!(f[0].evidence[0].path, format!("{POD}.volumes[1].nfs"));
        passes(
            "KW-020",
            bad(|w| {
                w.pod.volumes = vec![vol("data", "persistentVolumeClaim"), vol("p", "projected")]
            }),
        );
    }

    #[test]
    fn kw021_host_ports() {
        let port = |cp: i64, hp: Option<i64>| ContainerPort {
            container_port: cp,
            host_port: hp,
            protocol: "TCP".into(),
            name: String::new().into(),
        };
        let f = only_bad(
            "KW-021",
            bad_container(|c| c.ports = vec![port(8080, None), port(9100, Some(9100))]),
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].discriminator, "9100");
        assert_eq!(f[0].evidence[0].path, format!("{C0}.ports[1].hostPort"));
        passes(
            "KW-021",
            bad_container(|c| c.ports = vec![port(8080, None), port(8081, Some(0))]),
        );
    }

    #[test]
    fn init_containers_are_checked_with_their_own_path() {
        let mut init = kcontainer("setup");
        init.init = true;
        init.security_context.privileged = Some(true);
        let f = only_bad("KW-001", bad(|w| w.pod.init_containers = vec![init]));
        assert_eq!(f[0].resource.container.as_deref(), Some("setup"));
        assert_eq!(
            f[0].evidence[0].path,
            "spec.template.spec.initContainers[0].securityContext.privileged"
        );
        assert!(f[0].message.contains("init container"));
    }
}
