//! Container runtime checks (CIS Docker Benchmark section 5), over `docker inspect` data.
//!
//! Every container in the snapshot is evaluated whatever its state: a created or stopped
//! container keeps its configuration and runs with it the next time it starts.

use super::frameworks::*;
use super::input::Input;
use super::{cap_name, container_ref, Check, Family, Out, Severity};
use crate::findings::Evidence;
use crate::model::{Container, DataKind, DockerHost, Image, Mount, PortBinding, Snapshot};

const NEEDS: &[DataKind] = &[DataKind::DockerContainers];
const NEEDS_IMAGE: &[DataKind] = &[DataKind::DockerContainers, DataKind::DockerImages];
const NEEDS_ENGINE: &[DataKind] = &[DataKind::DockerContainers, DataKind::DockerEngine];

/// Capabilities that give a container a path to the host or to other containers.
const DANGEROUS_CAPS: &[&str] = &[
    "ALL",
    "SYS_ADMIN",
    "SYS_MODULE",
    "SYS_PTRACE",
    "NET_ADMIN",
    "DAC_READ_SEARCH",
    "SYS_RAWIO",
    "SYS_BOOT",
    "BPF",
    "PERFMON",
];
/// Of those, the ones that amount to host root on their own.
const CRITICAL_CAPS: &[&str] = &["ALL", "SYS_ADMIN", "SYS_MODULE"];

/// Host directories CIS Docker 5.6 names.
const SENSITIVE_DIRS: &[&str] = &["/boot", "/dev", "/etc", "/lib", "/proc", "/sys", "/usr"];

/// Socket file names of container runtimes: whoever can write to one controls the host.
const RUNTIME_SOCKETS: &[&str] = &[
    "docker.sock",
    "containerd.sock",
    "crio.sock",
    "podman.sock",
    "cri-dockerd.sock",
    "dockershim.sock",
];

pub const CHECKS: &[Check] = &[
    Check {
        id: "DC-001",
        title: "Container runs privileged",
        family: Family::DockerContainer,
        severity: Severity::Critical,
        rationale: "A privileged container gets every capability, every host device and no seccomp or AppArmor confinement: root in it is root on the host.",
        remediation: "Remove `--privileged` (compose: `privileged: true`); add only the capabilities and devices the workload needs with `--cap-add` and `--device`.",
        refs: &["CIS-D 5.5", "PSS baseline: privileged", "NIST 800-190 4.4.3"],
        controls: HOST_ISOLATION,
        needs: NEEDS,
        run: privileged,
    },
    Check {
        id: "DC-002",
        title: "Capabilities added to the container",
        family: Family::DockerContainer,
        severity: Severity::Medium,
        rationale: "Each capability added with --cap-add widens what root in the container may do to the kernel; beyond NET_BIND_SERVICE none is needed by ordinary services.",
        remediation: "Remove the capability from `--cap-add` (compose: the `cap_add:` list); if the process only needs a low port, keep `--cap-add NET_BIND_SERVICE` alone.",
        refs: &["CIS-D 5.4", "PSS baseline: capabilities", "KSV-0022", "CKV_K8S_25"],
        controls: RUNTIME_HARDENING,
        needs: NEEDS,
        run: caps_added,
    },
    Check {
        id: "DC-003",
        title: "Dangerous capability added to the container",
        family: Family::DockerContainer,
        severity: Severity::Critical,
        rationale: "SYS_ADMIN, SYS_MODULE, SYS_PTRACE, NET_ADMIN, DAC_READ_SEARCH, SYS_RAWIO, SYS_BOOT, BPF and PERFMON each give known container escapes or host-wide control (mounting, loading kernel modules, reading any file, tracing host processes).",
        remediation: "Drop the capability from `--cap-add` (compose: `cap_add:`) and run with `--cap-drop ALL` (compose: `cap_drop: [ALL]`); move work that needs it out of the container.",
        refs: &["CIS-D 5.4", "KSV-0005", "CKV_K8S_39", "PSS baseline: capabilities"],
        controls: RUNTIME_HARDENING,
        needs: NEEDS,
        run: dangerous_caps,
    },
    Check {
        id: "DC-004",
        title: "Capabilities not dropped",
        family: Family::DockerContainer,
        severity: Severity::Medium,
        rationale: "Without --cap-drop ALL the container keeps Docker's default set (CHOWN, DAC_OVERRIDE, FOWNER, SETUID, SETGID, NET_RAW, MKNOD, ...), more than most services use.",
        remediation: "Start with `--cap-drop ALL` and add back only what is needed with `--cap-add` (compose: `cap_drop: [ALL]` plus `cap_add:`).",
        refs: &["CIS-D 5.4", "PSS restricted: capabilities", "KSV-0003", "CKV_K8S_37"],
        controls: RUNTIME_HARDENING,
        needs: NEEDS,
        run: caps_not_dropped,
    },
    Check {
        id: "DC-005",
        title: "AppArmor profile unconfined",
        family: Family::DockerContainer,
        severity: Severity::High,
        rationale: "An unconfined AppArmor profile removes the docker-default policy that blocks writes to /proc and /sys and mounting, one of the layers that stops a container escape.",
        remediation: "Remove `--security-opt apparmor=unconfined` (compose: `security_opt: [\"apparmor=unconfined\"]`); use the default or a custom profile with `--security-opt apparmor=<profile>`.",
        refs: &["CIS-D 5.2", "PSS baseline: AppArmor", "KSV-0002"],
        controls: RUNTIME_HARDENING,
        needs: NEEDS,
        run: apparmor_unconfined,
    },
    Check {
        id: "DC-006",
        title: "No SELinux options on an SELinux host",
        family: Family::DockerContainer,
        severity: Severity::Medium,
        rationale: "On a daemon running with SELinux (SecurityOptions name=selinux) a container without label options gets only the default type, and label=disable turns separation off. Evaluated only where the host lists name=selinux; on other hosts SELinux options have no effect and nothing is reported.",
        remediation: "Set an SELinux label with `--security-opt label=type:<type>` or `label=level:<level>` (compose: `security_opt: [\"label=type:container_t\"]`) and never `label=disable`.",
        refs: &["CIS-D 5.3", "PSS baseline: SELinux", "KSV-0025"],
        controls: RUNTIME_HARDENING,
        needs: NEEDS_ENGINE,
        run: no_selinux,
    },
    Check {
        id: "DC-007",
        title: "Seccomp unconfined",
        family: Family::DockerContainer,
        severity: Severity::High,
        rationale: "seccomp=unconfined removes Docker's default system-call filter, exposing about 44 rarely needed syscalls (keyctl, bpf, unshare, mount...) that kernel exploits rely on.",
        remediation: "Remove `--security-opt seccomp=unconfined` (compose: `security_opt: [\"seccomp=unconfined\"]`); if a syscall is missing, use a custom profile with `--security-opt seccomp=<profile.json>`.",
        refs: &["CIS-D 5.22", "PSS baseline: seccomp", "KSV-0104"],
        controls: RUNTIME_HARDENING,
        needs: NEEDS,
        run: seccomp_unconfined,
    },
    Check {
        id: "DC-008",
        title: "no-new-privileges not set",
        family: Family::DockerContainer,
        severity: Severity::Medium,
        rationale: "Without no-new-privileges a process in the container can gain privileges through setuid or setcap binaries, turning a foothold as a normal user into root.",
        remediation: "Run with `--security-opt no-new-privileges:true` (compose: `security_opt: [\"no-new-privileges:true\"]`), or set `\"no-new-privileges\": true` in daemon.json.",
        refs: &["CIS-D 5.26", "PSS restricted: allowPrivilegeEscalation", "KSV-0001"],
        controls: RUNTIME_HARDENING,
        needs: NEEDS,
        run: no_new_privileges,
    },
    Check {
        id: "DC-009",
        title: "Sensitive host directory mounted",
        family: Family::DockerContainer,
        severity: Severity::High,
        rationale: "Bind-mounting /, /boot, /dev, /etc, /lib, /proc, /sys or /usr exposes host configuration, credentials and binaries; writable, it lets the container change the host.",
        remediation: "Remove the bind mount (`-v /etc:/host/etc`; compose: the `volumes:` entry) or mount only the single file needed, read-only (`-v /etc/foo:/foo:ro`; compose `:ro` or `read_only: true`).",
        refs: &["CIS-D 5.6", "PSS baseline: hostPath volumes", "KSV-0023", "KSV-0121"],
        controls: HOST_ISOLATION,
        needs: NEEDS,
        run: sensitive_mounts,
    },
    Check {
        id: "DC-010",
        title: "Container runtime socket mounted",
        family: Family::DockerContainer,
        severity: Severity::Critical,
        rationale: "Whoever reaches the Docker (or containerd, CRI-O, Podman) socket can start a privileged container with the host's root filesystem: mounting it is handing out host root.",
        remediation: "Remove `-v /var/run/docker.sock:/var/run/docker.sock` (compose: the `volumes:` entry); if the tool really needs the API, put an authorizing proxy with a narrow allow list in front of it.",
        refs: &["CIS-D 5.32", "KSV-0006", "CKV_K8S_27", "C-0074"],
        controls: HOST_ISOLATION,
        needs: NEEDS,
        run: runtime_socket,
    },
    Check {
        id: "DC-011",
        title: "Host network namespace shared",
        family: Family::DockerContainer,
        severity: Severity::High,
        rationale: "With --network host the container sees every host interface, can bind any host port and reach services listening on localhost, bypassing Docker's network isolation.",
        remediation: "Remove `--network host` (compose: `network_mode: host`); attach a user-defined network and publish only the ports needed with `-p` (compose: `ports:`).",
        refs: &["CIS-D 5.10", "PSS baseline: host namespaces", "KSV-0009", "CKV_K8S_19"],
        controls: HOST_ISOLATION,
        needs: NEEDS,
        run: host_network,
    },
    Check {
        id: "DC-012",
        title: "Host PID namespace shared",
        family: Family::DockerContainer,
        severity: Severity::Critical,
        rationale: "With --pid host the container sees and can signal every host process, read their environments and, with ptrace, enter them: host isolation is gone.",
        remediation: "Remove `--pid host` (compose: `pid: host`).",
        refs: &["CIS-D 5.16", "PSS baseline: host namespaces", "KSV-0010", "CKV_K8S_17"],
        controls: HOST_ISOLATION,
        needs: NEEDS,
        run: host_pid,
    },
    Check {
        id: "DC-013",
        title: "Host IPC namespace shared",
        family: Family::DockerContainer,
        severity: Severity::High,
        rationale: "With --ipc host the container shares System V shared memory, semaphores and message queues with host processes and can read or corrupt their data.",
        remediation: "Remove `--ipc host` (compose: `ipc: host`); use the default `--ipc private` or `shareable` between the containers that need it.",
        refs: &["CIS-D 5.17", "PSS baseline: host namespaces", "KSV-0008", "CKV_K8S_18"],
        controls: HOST_ISOLATION,
        needs: NEEDS,
        run: host_ipc,
    },
    Check {
        id: "DC-014",
        title: "Host UTS namespace shared",
        family: Family::DockerContainer,
        severity: Severity::Medium,
        rationale: "With --uts host the container shares the host's hostname and domain name and, with enough privilege, can change them for the whole host.",
        remediation: "Remove `--uts host` (compose: `uts: host`); set a name with `--hostname` (compose: `hostname:`) instead.",
        refs: &["CIS-D 5.21", "PSS baseline: host namespaces"],
        controls: HOST_ISOLATION,
        needs: NEEDS,
        run: host_uts,
    },
    Check {
        id: "DC-015",
        title: "Host user namespace shared",
        family: Family::DockerContainer,
        severity: Severity::Medium,
        rationale: "--userns host opts the container out of the daemon's user-namespace remapping, so root in the container is root (UID 0) on the host again.",
        remediation: "Remove `--userns host` (compose: `userns_mode: host`) so the daemon's `userns-remap` applies.",
        refs: &["CIS-D 5.31", "PSS baseline: host namespaces"],
        controls: HOST_ISOLATION,
        needs: NEEDS,
        run: host_userns,
    },
    Check {
        id: "DC-016",
        title: "Host device exposed to the container",
        family: Family::DockerContainer,
        severity: Severity::High,
        rationale: "A host device passed with --device (disks, /dev/mem, /dev/kmsg, GPUs) gives direct access to hardware and kernel interfaces outside the container's filesystem.",
        remediation: "Remove the `--device` flag (compose: the `devices:` entry), or restrict it to the permissions needed, e.g. `--device /dev/ttyUSB0:/dev/ttyUSB0:r`.",
        refs: &["CIS-D 5.18", "NIST 800-190 4.4.3"],
        controls: HOST_ISOLATION,
        needs: NEEDS,
        run: host_devices,
    },
    Check {
        id: "DC-017",
        title: "Mount propagation shared",
        family: Family::DockerContainer,
        severity: Severity::Medium,
        rationale: "A mount with shared or rshared propagation lets mounts made inside the container appear on the host (and the reverse), crossing the mount namespace boundary.",
        remediation: "Drop the `shared`/`rshared` option from the mount (`--mount type=bind,...,bind-propagation=rprivate`; compose long syntax `bind: {propagation: rprivate}`).",
        refs: &["CIS-D 5.20", "NIST 800-190 4.4.3"],
        controls: HOST_ISOLATION,
        needs: NEEDS,
        run: shared_propagation,
    },
    Check {
        id: "DC-018",
        title: "Root filesystem writable",
        family: Family::DockerContainer,
        severity: Severity::Medium,
        rationale: "A writable root filesystem lets an attacker drop tools, modify binaries and persist inside the container; a read-only one makes drift visible and limits damage.",
        remediation: "Run with `--read-only` (compose: `read_only: true`) and give writable paths explicitly with `--tmpfs /tmp` (compose: `tmpfs:`) or volumes.",
        refs: &["CIS-D 5.13", "KSV-0014", "CKV_K8S_22", "C-0017"],
        controls: RUNTIME_HARDENING,
        needs: NEEDS,
        run: writable_rootfs,
    },
    Check {
        id: "DC-019",
        title: "No memory limit",
        family: Family::DockerContainer,
        severity: Severity::Medium,
        rationale: "Without a memory limit one container can exhaust host memory and get other containers, or the daemon itself, killed by the OOM killer.",
        remediation: "Set `--memory 512m` (compose: `mem_limit: 512m` or `deploy.resources.limits.memory`).",
        refs: &["CIS-D 5.11", "KSV-0018", "CKV_K8S_13"],
        controls: RESOURCE_LIMITS,
        needs: NEEDS,
        run: no_memory_limit,
    },
    Check {
        id: "DC-020",
        title: "No CPU limit",
        family: Family::DockerContainer,
        severity: Severity::Medium,
        rationale: "With neither CPU shares, a CPU quota nor --cpus set, one busy container competes with every other on equal terms and can starve them.",
        remediation: "Set `--cpus 1.5` or `--cpu-shares 512` (compose: `cpus: 1.5`, `cpu_shares: 512` or `deploy.resources.limits.cpus`).",
        refs: &["CIS-D 5.12", "KSV-0011", "CKV_K8S_11"],
        controls: RESOURCE_LIMITS,
        needs: NEEDS,
        run: no_cpu_limit,
    },
    Check {
        id: "DC-021",
        title: "No PIDs limit",
        family: Family::DockerContainer,
        severity: Severity::Medium,
        rationale: "Without a PIDs limit a fork bomb or runaway worker pool in one container can use up the host's process table and stop everything else from starting processes.",
        remediation: "Set `--pids-limit 200` (compose: `pids_limit: 200` or `deploy.resources.limits.pids`).",
        refs: &["CIS-D 5.29"],
        controls: RESOURCE_LIMITS,
        needs: NEEDS,
        run: no_pids_limit,
    },
    Check {
        id: "DC-022",
        title: "Privileged host port published",
        family: Family::DockerContainer,
        severity: Severity::Low,
        rationale: "Host ports below 1024 are reserved for services the host administrator runs; publishing a container on one can shadow or impersonate such a service.",
        remediation: "Publish on a port of 1024 or more (`-p 8080:80`; compose `ports: [\"8080:80\"]`) and put a proxy in front if the well-known port is needed.",
        refs: &["CIS-D 5.8", "PSS baseline: host ports", "KSV-0024"],
        controls: EXPOSURE,
        needs: NEEDS,
        run: privileged_ports,
    },
    Check {
        id: "DC-023",
        title: "Port published on all interfaces",
        family: Family::DockerContainer,
        severity: Severity::Medium,
        rationale: "A port published without a host address listens on every interface (0.0.0.0 and ::), including public ones, and Docker's iptables rules bypass host firewalls such as ufw.",
        remediation: "Bind to one address: `-p 127.0.0.1:8080:80` (compose `ports: [\"127.0.0.1:8080:80\"]`), or the internal interface that should receive the traffic.",
        refs: &["CIS-D 5.14", "PSS baseline: host ports"],
        controls: EXPOSURE,
        needs: NEEDS,
        run: all_interfaces,
    },
    Check {
        id: "DC-024",
        title: "Restart policy not on-failure with a retry limit",
        family: Family::DockerContainer,
        severity: Severity::Low,
        rationale: "A container restarted forever (always, unless-stopped, or on-failure without a limit) can hide a crash loop and keep retrying an attack or exhausting resources; CIS asks for on-failure with at most 5 retries.",
        remediation: "Use `--restart on-failure:5` (compose: `restart: on-failure:5` or `deploy.restart_policy: {condition: on-failure, max_attempts: 5}`).",
        refs: &["CIS-D 5.15"],
        controls: RESOURCE_LIMITS,
        needs: NEEDS,
        run: restart_policy,
    },
    Check {
        id: "DC-025",
        title: "No health check, or unhealthy",
        family: Family::DockerContainer,
        severity: Severity::Low,
        rationale: "Without a health check Docker only knows whether the process runs, not whether it serves, so a hung service stays in rotation; an unhealthy status is a failure nobody acted on.",
        remediation: "Add `--health-cmd 'curl -f http://localhost/ || exit 1'` (compose: `healthcheck: {test: [...]}`) or a `HEALTHCHECK` in the Dockerfile; do not use `--no-healthcheck`.",
        refs: &["CIS-D 5.27", "CIS-D 4.6", "CKV_K8S_8"],
        controls: RESOURCE_LIMITS,
        needs: NEEDS_IMAGE,
        run: health,
    },
    Check {
        id: "DC-026",
        title: "Attached to the default bridge",
        family: Family::DockerContainer,
        severity: Severity::Low,
        rationale: "All containers on the default docker0 bridge can reach each other unfiltered, and it offers no name resolution or isolation between unrelated applications.",
        remediation: "Create a user-defined network (`docker network create appnet`) and run with `--network appnet` (compose: a `networks:` entry; compose projects get their own network by default).",
        refs: &["CIS-D 5.30", "NIST 800-190 4.3.3"],
        controls: SEGMENTATION,
        needs: NEEDS,
        run: default_bridge,
    },
    Check {
        id: "DC-027",
        title: "Container runs as root",
        family: Family::DockerContainer,
        severity: Severity::Medium,
        rationale: "A process running as UID 0 in the container is root on the host once any isolation layer fails (a kernel bug, a mounted socket, a shared namespace) and can change the whole container filesystem.",
        remediation: "Run as an unprivileged user: `--user 10001:10001` (compose: `user: \"10001:10001\"`), or set `USER` in the Dockerfile.",
        refs: &["CIS-D 4.1", "PSS restricted: running as non-root", "KSV-0012"],
        controls: RUNTIME_HARDENING,
        needs: NEEDS_IMAGE,
        run: runs_as_root,
    },
];

// ---- helpers -------------------------------------------------------------------------

/// `seccomp=unconfined`, `seccomp:unconfined`, `no-new-privileges` -> (key, value).
fn split_opt(opt: &str) -> (String, &str) {
    let opt = opt.trim();
    match opt.find(['=', ':']) {
        Some(i) => (opt[..i].trim().to_ascii_lowercase(), opt[i + 1..].trim()),
        None => (opt.to_ascii_lowercase(), ""),
    }
}

/// Security options whose key is `key`, with their index in `HostConfig.SecurityOpt`.
fn sec_opts<'a>(c: &'a Container, key: &'a str) -> impl Iterator<Item = (usize, &'a str)> + 'a {
    c.security_opt.iter().enumerate().filter_map(move |(i, o)| {
        let (k, v) = split_opt(o);
        (k == key).then_some((i, v))
    })
}

fn opt_path(i: usize) -> String {
    format!("HostConfig.SecurityOpt[{i}]")
}

fn mount_path(i: usize, field: &str) -> String {
    format!("Mounts[{i}].{field}")
}

/// `HostConfig.PortBindings["80/tcp"][0].<field>` for the binding at `idx` of the list.
fn port_path(bindings: &[PortBinding], idx: usize, field: &str) -> String {
    let b = &bindings[idx];
    let nth = bindings[..idx]
        .iter()
        .filter(|o| o.container_port == b.container_port)
        .count();
    format!(
        "HostConfig.PortBindings[\"{}\"][{nth}].{field}",
        b.container_port
    )
}

/// Clean an absolute host path: collapse `//`, drop `.` and a trailing slash.
fn clean_path(p: &str) -> String {
    let parts: Vec<&str> = p
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    format!("/{}", parts.join("/"))
}

/// A host path bind-mounted into the container (binds; volumes and tmpfs are not host paths).
fn host_source(m: &Mount) -> Option<String> {
    let is_bind =
        m.kind.eq_ignore_ascii_case("bind") || (m.kind.is_empty() && m.source.starts_with('/'));
    (is_bind && m.source.starts_with('/')).then(|| clean_path(&m.source))
}

fn is_sensitive_dir(p: &str) -> bool {
    p == "/"
        || SENSITIVE_DIRS
            .iter()
            .any(|d| p == *d || p.strip_prefix(d).is_some_and(|r| r.starts_with('/')))
}

fn is_runtime_socket(p: &str) -> bool {
    let file = p.rsplit('/').next().unwrap_or(p);
    RUNTIME_SOCKETS.contains(&file)
}

/// The Docker host a container runs on: by name, else the only host of the snapshot.
fn host_of<'a>(s: &'a Snapshot, c: &Container) -> Option<&'a DockerHost> {
    let hosts = &s.docker.hosts;
    hosts
        .iter()
        .find(|h| !c.host.is_empty() && h.name == c.host)
        .or(if hosts.len() == 1 {
            hosts.first()
        } else {
            None
        })
}

/// `0`, `root`, `0:0`, `root:wheel`: a user spec whose user part is root.
fn is_root_user(user: &str) -> bool {
    let u = user.trim().split(':').next().unwrap_or("").trim();
    u == "0" || u.eq_ignore_ascii_case("root")
}

fn image_name(i: &Image) -> String {
    i.display_name()
}

// ---- checks --------------------------------------------------------------------------

fn privileged(s: &Input, out: &mut Out) {
    for c in s.docker.containers.iter().filter(|c| c.privileged) {
        out.emit(
            container_ref(c),
            "",
            format!("container {} runs with --privileged", c.name),
            vec![Evidence::new("HostConfig.Privileged", "true")],
        );
    }
}

fn caps_added(s: &Input, out: &mut Out) {
    for c in &s.docker.containers {
        for (i, raw) in c.cap_add.iter().enumerate() {
            let cap = cap_name(raw);
            if cap.is_empty() || cap == "NET_BIND_SERVICE" {
                continue;
            }
            out.emit(
                container_ref(c),
                cap.clone(),
                format!("container {} adds capability {cap}", c.name),
                vec![Evidence::new(
                    format!("HostConfig.CapAdd[{i}]"),
                    raw.clone(),
                )],
            );
        }
    }
}

fn dangerous_caps(s: &Input, out: &mut Out) {
    for c in &s.docker.containers {
        for (i, raw) in c.cap_add.iter().enumerate() {
            let cap = cap_name(raw);
            if !DANGEROUS_CAPS.contains(&cap.as_str()) {
                continue;
            }
            let sev = if CRITICAL_CAPS.contains(&cap.as_str()) {
                Severity::Critical
            } else {
                Severity::High
            };
            out.emit_with(
                sev,
                container_ref(c),
                cap.clone(),
                format!("container {} adds the dangerous capability {cap}", c.name),
                vec![Evidence::new(
                    format!("HostConfig.CapAdd[{i}]"),
                    raw.clone(),
                )],
            );
        }
    }
}

fn caps_not_dropped(s: &Input, out: &mut Out) {
    for c in &s.docker.containers {
        if c.cap_drop.iter().any(|d| cap_name(d) == "ALL") {
            continue;
        }
        out.emit(
            container_ref(c),
            "",
            format!("container {} does not drop ALL capabilities", c.name),
            vec![Evidence::new(
                "HostConfig.CapDrop",
                format!("{:?}", c.cap_drop),
            )],
        );
    }
}

fn apparmor_unconfined(s: &Input, out: &mut Out) {
    for c in &s.docker.containers {
        let mut ev = Vec::new();
        if c.apparmor_profile.trim().eq_ignore_ascii_case("unconfined") {
            ev.push(Evidence::new("AppArmorProfile", c.apparmor_profile.clone()));
        }
        for (i, v) in sec_opts(c, "apparmor") {
            if v.eq_ignore_ascii_case("unconfined") {
                ev.push(Evidence::new(opt_path(i), c.security_opt[i].clone()));
            }
        }
        if !ev.is_empty() {
            out.emit(
                container_ref(c),
                "",
                format!("container {} runs without AppArmor confinement", c.name),
                ev,
            );
        }
    }
}

fn no_selinux(s: &Input, out: &mut Out) {
    for c in &s.docker.containers {
        // SELinux options only mean something where the daemon runs with SELinux.
        let Some(h) = host_of(s, c) else { continue };
        if h.security_option("selinux").is_none() {
            continue;
        }
        let labels: Vec<(usize, &str)> = sec_opts(c, "label").collect();
        let disabled = labels
            .iter()
            .find(|(_, v)| v.eq_ignore_ascii_case("disable"));
        if let Some((i, _)) = disabled {
            out.emit(
                container_ref(c),
                "",
                format!(
                    "container {} disables SELinux labeling on SELinux host {}",
                    c.name, h.name
                ),
                vec![Evidence::new(opt_path(*i), c.security_opt[*i].clone())],
            );
        } else if labels.is_empty() {
            out.emit(
                container_ref(c),
                "",
                format!(
                    "container {} sets no SELinux label options on SELinux host {}",
                    c.name, h.name
                ),
                vec![Evidence::new(
                    "HostConfig.SecurityOpt",
                    format!("{:?}", c.security_opt),
                )],
            );
        }
    }
}

fn seccomp_unconfined(s: &Input, out: &mut Out) {
    for c in &s.docker.containers {
        let ev: Vec<Evidence> = sec_opts(c, "seccomp")
            .filter(|(_, v)| v.eq_ignore_ascii_case("unconfined"))
            .map(|(i, _)| Evidence::new(opt_path(i), c.security_opt[i].clone()))
            .collect();
        if !ev.is_empty() {
            out.emit(
                container_ref(c),
                "",
                format!("container {} runs without a seccomp profile", c.name),
                ev,
            );
        }
    }
}

fn no_new_privileges(s: &Input, out: &mut Out) {
    for c in &s.docker.containers {
        let set = sec_opts(c, "no-new-privileges")
            .any(|(_, v)| v.is_empty() || v.eq_ignore_ascii_case("true"));
        if set {
            continue;
        }
        out.emit(
            container_ref(c),
            "",
            format!("container {} does not set no-new-privileges", c.name),
            vec![Evidence::new(
                "HostConfig.SecurityOpt",
                format!("{:?}", c.security_opt),
            )],
        );
    }
}

fn sensitive_mounts(s: &Input, out: &mut Out) {
    for c in &s.docker.containers {
        for (i, m) in c.mounts.iter().enumerate() {
            let Some(src) = host_source(m) else { continue };
            if !is_sensitive_dir(&src) {
                continue;
            }
            let (sev, mode) = if m.rw {
                (Severity::Critical, "read-write")
            } else {
                (Severity::High, "read-only")
            };
            out.emit_with(
                sev,
                container_ref(c),
                m.destination.clone(),
                format!(
                    "container {} mounts host {src} at {} ({mode})",
                    c.name, m.destination
                ),
                vec![
                    Evidence::new(mount_path(i, "Source"), m.source.clone()),
                    Evidence::new(mount_path(i, "RW"), m.rw.to_string()),
                ],
            );
        }
    }
}

fn runtime_socket(s: &Input, out: &mut Out) {
    for c in &s.docker.containers {
        for (i, m) in c.mounts.iter().enumerate() {
            let Some(src) = host_source(m) else { continue };
            if !is_runtime_socket(&src) {
                continue;
            }
            out.emit(
                container_ref(c),
                m.destination.clone(),
                format!(
                    "container {} mounts the runtime socket {src} at {}",
                    c.name, m.destination
                ),
                vec![Evidence::new(mount_path(i, "Source"), m.source.clone())],
            );
        }
    }
}

/// One finding per container whose `<mode>` field is `host`.
fn host_mode(s: &Input, out: &mut Out, field: &str, what: &str, get: fn(&Container) -> &str) {
    for c in &s.docker.containers {
        let v = get(c);
        if v.trim().eq_ignore_ascii_case("host") {
            out.emit(
                container_ref(c),
                "",
                format!("container {} shares the host {what} namespace", c.name),
                vec![Evidence::new(format!("HostConfig.{field}"), v.to_string())],
            );
        }
    }
}

fn host_network(s: &Input, out: &mut Out) {
    host_mode(s, out, "NetworkMode", "network", |c| &c.network_mode);
}

fn host_pid(s: &Input, out: &mut Out) {
    host_mode(s, out, "PidMode", "PID", |c| &c.pid_mode);
}

fn host_ipc(s: &Input, out: &mut Out) {
    host_mode(s, out, "IpcMode", "IPC", |c| &c.ipc_mode);
}

fn host_uts(s: &Input, out: &mut Out) {
    host_mode(s, out, "UTSMode", "UTS", |c| &c.uts_mode);
}

fn host_userns(s: &Input, out: &mut Out) {
    host_mode(s, out, "UsernsMode", "user", |c| &c.userns_mode);
}

fn host_devices(s: &Input, out: &mut Out) {
    for c in &s.docker.containers {
        for (i, d) in c.devices.iter().enumerate() {
            out.emit(
                container_ref(c),
                d.path_on_host.clone(),
                format!("container {} has host device {}", c.name, d.path_on_host),
                vec![Evidence::new(
                    format!("HostConfig.Devices[{i}].PathOnHost"),
                    d.path_on_host.clone(),
                )],
            );
        }
    }
}

fn shared_propagation(s: &Input, out: &mut Out) {
    for c in &s.docker.containers {
        for (i, m) in c.mounts.iter().enumerate() {
            let p = m.propagation.trim().to_ascii_lowercase();
            if p != "shared" && p != "rshared" {
                continue;
            }
            out.emit(
                container_ref(c),
                m.destination.clone(),
                format!(
                    "container {} mounts {} with {p} propagation",
                    c.name, m.destination
                ),
                vec![Evidence::new(
                    mount_path(i, "Propagation"),
                    m.propagation.clone(),
                )],
            );
        }
    }
}

fn writable_rootfs(s: &Input, out: &mut Out) {
    for c in s.docker.containers.iter().filter(|c| !c.readonly_rootfs) {
        out.emit(
            container_ref(c),
            "",
            format!("container {} has a writable root filesystem", c.name),
            vec![Evidence::new("HostConfig.ReadonlyRootfs", "false")],
        );
    }
}

fn no_memory_limit(s: &Input, out: &mut Out) {
    for c in s.docker.containers.iter().filter(|c| c.memory <= 0) {
        out.emit(
            container_ref(c),
            "",
            format!("container {} has no memory limit", c.name),
            vec![Evidence::new("HostConfig.Memory", c.memory.to_string())],
        );
    }
}

fn no_cpu_limit(s: &Input, out: &mut Out) {
    for c in &s.docker.containers {
        if c.nano_cpus > 0 || c.cpu_quota > 0 || c.cpu_shares > 0 {
            continue;
        }
        out.emit(
            container_ref(c),
            "",
            format!("container {} has no CPU limit or shares", c.name),
            vec![
                Evidence::new("HostConfig.NanoCpus", c.nano_cpus.to_string()),
                Evidence::new("HostConfig.CpuQuota", c.cpu_quota.to_string()),
                Evidence::new("HostConfig.CpuShares", c.cpu_shares.to_string()),
            ],
        );
    }
}

fn no_pids_limit(s: &Input, out: &mut Out) {
    for c in &s.docker.containers {
        if c.pids_limit.is_some_and(|n| n > 0) {
            continue;
        }
        let seen = c.pids_limit.map_or("null".to_string(), |n| n.to_string());
        out.emit(
            container_ref(c),
            "",
            format!("container {} has no PIDs limit", c.name),
            vec![Evidence::new("HostConfig.PidsLimit", seen)],
        );
    }
}

/// One finding per published container port (several bindings of one port, e.g. IPv4 and
/// IPv6, are one finding with an evidence line each, so the fingerprint stays unique).
fn per_port(
    s: &Snapshot,
    out: &mut Out,
    field: &str,
    bad: fn(&PortBinding) -> bool,
    message: fn(&Container, &PortBinding) -> String,
) {
    for c in &s.docker.containers {
        let b = &c.port_bindings;
        let mut done: Vec<&str> = Vec::new();
        for (i, first) in b.iter().enumerate() {
            if !bad(first) || done.contains(&first.container_port.as_str()) {
                continue;
            }
            done.push(&first.container_port);
            let ev = (i..b.len())
                .filter(|&j| b[j].container_port == first.container_port && bad(&b[j]))
                .map(|j| {
                    let seen = if field == "HostIp" {
                        &b[j].host_ip
                    } else {
                        &b[j].host_port
                    };
                    Evidence::new(port_path(b, j, field), seen.clone())
                })
                .collect();
            out.emit(
                container_ref(c),
                first.container_port.clone(),
                message(c, first),
                ev,
            );
        }
    }
}

fn privileged_ports(s: &Input, out: &mut Out) {
    per_port(
        s,
        out,
        "HostPort",
        |p| p.host_port_number().is_some_and(|n| n > 0 && n < 1024),
        |c, p| {
            format!(
                "container {} publishes {} on privileged host port {}",
                c.name, p.container_port, p.host_port
            )
        },
    );
}

fn all_interfaces(s: &Input, out: &mut Out) {
    per_port(s, out, "HostIp", PortBinding::on_all_interfaces, |c, p| {
        format!(
            "container {} publishes {} on all host interfaces",
            c.name, p.container_port
        )
    });
}

fn restart_policy(s: &Input, out: &mut Out) {
    for c in &s.docker.containers {
        let p = &c.restart_policy;
        let name = p.name.trim().to_ascii_lowercase();
        let why = match name.as_str() {
            "always" | "unless-stopped" => format!("restarts {name}, without limit"),
            "on-failure" if p.maximum_retry_count <= 0 => {
                "restarts on failure without a retry limit".to_string()
            }
            "on-failure" if p.maximum_retry_count > 5 => {
                format!(
                    "restarts on failure up to {} times (more than 5)",
                    p.maximum_retry_count
                )
            }
            _ => continue,
        };
        out.emit(
            container_ref(c),
            "",
            format!("container {} {why}", c.name),
            vec![
                Evidence::new("HostConfig.RestartPolicy.Name", p.name.clone()),
                Evidence::new(
                    "HostConfig.RestartPolicy.MaximumRetryCount",
                    p.maximum_retry_count.to_string(),
                ),
            ],
        );
    }
}

fn health(s: &Input, out: &mut Out) {
    for c in &s.docker.containers {
        let status = c.state.health.as_deref().map(str::trim).unwrap_or("");
        if status.eq_ignore_ascii_case("unhealthy") {
            out.emit(
                container_ref(c),
                "unhealthy",
                format!("container {} reports unhealthy", c.name),
                vec![Evidence::new("State.Health.Status", status.to_string())],
            );
        }
        if !status.is_empty() && !status.eq_ignore_ascii_case("none") {
            continue; // a health status means a health check runs
        }
        let own = c.healthcheck.as_ref().filter(|h| !h.test.is_empty());
        let image = s.docker.image_of(c);
        let has = match own {
            Some(h) => !h.is_disabled(),
            None => image
                .and_then(|i| i.healthcheck.as_ref())
                .is_some_and(|h| !h.is_disabled()),
        };
        if has {
            continue;
        }
        let own_seen = own.map_or("null".to_string(), |h| format!("{:?}", h.test));
        let mut ev = vec![Evidence::new("Config.Healthcheck", own_seen)];
        let msg = match (own, image) {
            (Some(_), _) => format!("container {} disables the health check (--no-healthcheck)", c.name),
            (None, Some(i)) => {
                ev.push(Evidence::new(
                    format!("Image({}).Config.Healthcheck", image_name(i)),
                    i.healthcheck.as_ref().map_or("null".to_string(), |h| format!("{:?}", h.test)),
                ));
                format!("container {} has no health check, nor does its image {}", c.name, image_name(i))
            }
            (None, None) => format!(
                "container {} has no health check (image {} not in the snapshot, so its HEALTHCHECK is unknown)",
                c.name, c.image
            ),
        };
        out.emit(container_ref(c), "", msg, ev);
    }
}

fn default_bridge(s: &Input, out: &mut Out) {
    for c in &s.docker.containers {
        let mode = c.network_mode.trim();
        let mut ev = Vec::new();
        if mode == "default" || mode == "bridge" {
            ev.push(Evidence::new("HostConfig.NetworkMode", mode.to_string()));
        }
        if c.networks.iter().any(|n| n == "bridge") {
            ev.push(Evidence::new("NetworkSettings.Networks", "bridge"));
        }
        if !ev.is_empty() {
            out.emit(
                container_ref(c),
                "",
                format!(
                    "container {} is attached to the default bridge network",
                    c.name
                ),
                ev,
            );
        }
    }
}

fn runs_as_root(s: &Input, out: &mut Out) {
    for c in &s.docker.containers {
        let user = c.user.trim();
        let msg = if !user.is_empty() {
            if !is_root_user(user) {
                continue;
            }
            format!("container {} runs as user {user} (root)", c.name)
        } else {
            match s.docker.image_of(c) {
                Some(i) if !i.user.trim().is_empty() && !is_root_user(&i.user) => continue,
                Some(i) => format!(
                    "container {} sets no user and its image {} runs as root",
                    c.name,
                    image_name(i)
                ),
                None => format!(
                    "container {} sets no user; image {} is not in the snapshot, so its user is unknown and defaults to root",
                    c.name, c.image
                ),
            }
        };
        let mut ev = vec![Evidence::new("Config.User", user.to_string())];
        if user.is_empty() {
            if let Some(i) = s.docker.image_of(c) {
                ev.push(Evidence::new(
                    format!("Image({}).Config.User", image_name(i)),
                    i.user.clone(),
                ));
            }
        }
        out.emit(container_ref(c), "", msg, ev);
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::Severity;
    use crate::findings::Finding;
    use crate::model::{
        Container, DeviceMapping, Healthcheck, Mount, PortBinding, RestartPolicy, Snapshot,
    };
    use crate::testkit::{container, docker, host, image, run_check};

    /// A snapshot with the hardened image and host, and the given containers.
    fn snap(containers: Vec<Container>) -> Snapshot {
        let mut s = docker(containers);
        s.docker.images = vec![image("registry.example.com/app:1.0")];
        s.docker.hosts = vec![host("testhost")];
        s
    }

    /// Run `id` over a bad container plus a hardened one; the bad one is the only finding.
    fn only_bad(id: &str, bad: Container) -> Vec<Finding> {
        let f = run_check(id, &snap(vec![bad, container("good")]));
        assert!(!f.is_empty(), "{id}: no finding");
        assert!(f
            .iter()
            .all(|f| f.resource.name == "bad" && f.check_id == id));
        f
    }

    fn passes(id: &str, c: Container) {
        let f = run_check(id, &snap(vec![c]));
        assert!(f.is_empty(), "{id}: unexpected {f:?}");
    }

    fn bind(src: &str, dst: &str, rw: bool) -> Mount {
        Mount {
            kind: "bind".into(),
            source: src.into(),
            destination: dst.into(),
            rw,
            propagation: "rprivate".into(),
        }
    }

    fn port(cport: &str, ip: &str, hport: &str) -> PortBinding {
        PortBinding {
            container_port: cport.into(),
            host_ip: ip.into(),
            host_port: hport.into(),
        }
    }

    #[test]
    fn hardened_container_has_no_findings() {
        let s = snap(vec![container("x")]);
        for c in super::CHECKS {
            let f = c.evaluate(&s);
            assert!(
                f.is_empty(),
                "{} fired on the hardened container: {f:?}",
                c.id
            );
        }
        // Also on an SELinux host when the container carries a label option.
        let mut s = snap(vec![container("x")]);
        s.docker.hosts[0]
            .security_options
            .push("name=selinux".into());
        s.docker.containers[0]
            .security_opt
            .push("label=type:container_t".into());
        for c in super::CHECKS {
            assert!(c.evaluate(&s).is_empty(), "{} fired on SELinux host", c.id);
        }
    }

    #[test]
    fn dc001_privileged() {
        let mut bad = container("bad");
        bad.privileged = true;
        let f = only_bad("DC-001", bad);
        assert_eq!(f[0].evidence[0].path, "HostConfig.Privileged");
        passes("DC-001", container("good"));
    }

    #[test]
    fn dc002_caps_added() {
        let mut bad = container("bad");
        bad.cap_add = vec![
            "NET_BIND_SERVICE".into(),
            "cap_chown".into(),
            "SYS_ADMIN".into(),
        ];
        let f = only_bad("DC-002", bad);
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].discriminator, "CHOWN");
        assert_eq!(f[0].evidence[0].path, "HostConfig.CapAdd[1]");
        assert_eq!(f[1].discriminator, "SYS_ADMIN");
        assert_ne!(f[0].fingerprint, f[1].fingerprint);
        let mut ok = container("good");
        ok.cap_add = vec!["CAP_NET_BIND_SERVICE".into()];
        passes("DC-002", ok);
    }

    #[test]
    fn dc003_dangerous_caps() {
        let mut bad = container("bad");
        bad.cap_add = vec!["CHOWN".into(), "CAP_SYS_ADMIN".into(), "net_admin".into()];
        let f = only_bad("DC-003", bad);
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].discriminator, "SYS_ADMIN");
        assert_eq!(f[0].severity, Severity::Critical);
        assert_eq!(f[0].evidence[0].path, "HostConfig.CapAdd[1]");
        assert_eq!(f[1].discriminator, "NET_ADMIN");
        assert_eq!(f[1].severity, Severity::High);
        let mut ok = container("good");
        ok.cap_add = vec!["CHOWN".into(), "NET_BIND_SERVICE".into()];
        passes("DC-003", ok);
    }

    #[test]
    fn dc004_caps_not_dropped() {
        let mut bad = container("bad");
        bad.cap_drop = vec!["NET_RAW".into()];
        let f = only_bad("DC-004", bad);
        assert_eq!(f[0].evidence[0].path, "HostConfig.CapDrop");
        let mut ok = container("good");
        ok.cap_drop = vec!["cap_all".into()];
        passes("DC-004", ok);
    }

    #[test]
    fn dc005_apparmor_unconfined() {
        let mut bad = container("bad");
        bad.security_opt.push("apparmor:unconfined".into());
        let f = only_bad("DC-005", bad);
        assert_eq!(f[0].evidence[0].path, "HostConfig.SecurityOpt[1]");
        let mut bad = container("bad");
        bad.apparmor_profile = "unconfined".into();
        assert_eq!(
            only_bad("DC-005", bad)[0].evidence[0].path,
            "AppArmorProfile"
        );
        let mut ok = container("good");
        ok.security_opt.push("apparmor=my-profile".into());
        passes("DC-005", ok);
    }

    #[test]
    fn dc006_selinux_only_on_selinux_hosts() {
        let selinux = |containers| {
            let mut s = snap(containers);
            s.docker.hosts[0]
                .security_options
                .push("name=selinux".into());
            s
        };
        let f = run_check("DC-006", &selinux(vec![container("bad")]));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].resource.name, "bad");
        assert_eq!(f[0].evidence[0].path, "HostConfig.SecurityOpt");
        let mut off = container("bad");
        off.security_opt.push("label=disable".into());
        let f = run_check("DC-006", &selinux(vec![off]));
        assert_eq!(f[0].evidence[0].path, "HostConfig.SecurityOpt[1]");
        // A labelled container on an SELinux host passes.
        let mut ok = container("good");
        ok.security_opt.push("label:level:s0:c100,c200".into());
        assert!(run_check("DC-006", &selinux(vec![ok])).is_empty());
        // Without SELinux on the host, nothing is reported.
        passes("DC-006", container("good"));
        // The only host is used when the container's host name is unknown.
        let mut anon = container("bad");
        anon.host = String::new();
        assert_eq!(run_check("DC-006", &selinux(vec![anon])).len(), 1);
    }

    #[test]
    fn dc007_seccomp_unconfined() {
        let mut bad = container("bad");
        bad.security_opt.push("seccomp=unconfined".into());
        let f = only_bad("DC-007", bad);
        assert_eq!(f[0].evidence[0].path, "HostConfig.SecurityOpt[1]");
        let mut ok = container("good");
        ok.security_opt
            .push("seccomp=/etc/docker/seccomp.json".into());
        passes("DC-007", ok);
    }

    #[test]
    fn dc008_no_new_privileges() {
        let mut bad = container("bad");
        bad.security_opt = vec!["no-new-privileges:false".into()];
        let f = only_bad("DC-008", bad);
        assert_eq!(f[0].evidence[0].path, "HostConfig.SecurityOpt");
        for opt in ["no-new-privileges", "no-new-privileges=true"] {
            let mut ok = container("good");
            ok.security_opt = vec![opt.into()];
            passes("DC-008", ok);
        }
    }

    #[test]
    fn dc009_sensitive_mounts() {
        let mut bad = container("bad");
        bad.mounts = vec![
            bind("/srv/data", "/data", true),
            bind("/etc/", "/host/etc", false),
            bind("/", "/host", true),
        ];
        let f = only_bad("DC-009", bad);
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].discriminator, "/host/etc");
        assert_eq!(f[0].severity, Severity::High);
        assert_eq!(f[0].evidence[0].path, "Mounts[1].Source");
        assert_eq!(f[1].discriminator, "/host");
        assert_eq!(f[1].severity, Severity::Critical);
        let mut ok = container("good");
        ok.mounts = vec![
            bind("/etcetera", "/x", true),
            bind("/srv/usr", "/y", true),
            Mount {
                kind: "volume".into(),
                source: "etc".into(),
                destination: "/etc/app".into(),
                rw: true,
                propagation: String::new(),
            },
        ];
        passes("DC-009", ok);
    }

    #[test]
    fn dc010_runtime_socket() {
        let mut bad = container("bad");
        bad.mounts = vec![bind("/var/run/docker.sock", "/var/run/docker.sock", true)];
        let f = only_bad("DC-010", bad);
        assert_eq!(f[0].discriminator, "/var/run/docker.sock");
        assert_eq!(f[0].evidence[0].path, "Mounts[0].Source");
        let mut bad = container("bad");
        bad.mounts = vec![bind("/run/containerd/containerd.sock", "/c.sock", false)];
        assert_eq!(only_bad("DC-010", bad).len(), 1);
        let mut ok = container("good");
        ok.mounts = vec![bind("/srv/docker.socket.d", "/x", false)];
        passes("DC-010", ok);
    }

    #[test]
    fn dc011_to_dc015_host_namespaces() {
        type Set = fn(&mut Container);
        let cases: [(&str, &str, Set); 5] = [
            ("DC-011", "HostConfig.NetworkMode", |c| {
                c.network_mode = "host".into()
            }),
            ("DC-012", "HostConfig.PidMode", |c| {
                c.pid_mode = "host".into()
            }),
            ("DC-013", "HostConfig.IpcMode", |c| {
                c.ipc_mode = "host".into()
            }),
            ("DC-014", "HostConfig.UTSMode", |c| {
                c.uts_mode = "host".into()
            }),
            ("DC-015", "HostConfig.UsernsMode", |c| {
                c.userns_mode = "host".into()
            }),
        ];
        for (id, path, set) in cases {
            let mut bad = container("bad");
            set(&mut bad);
            let f = only_bad(id, bad);
            assert_eq!(f.len(), 1, "{id}");
            assert_eq!(f[0].evidence[0].path, path);
            passes(id, container("good"));
        }
        let mut shared = container("good");
        shared.pid_mode = "container:abc".into();
        passes("DC-012", shared);
    }

    #[test]
    fn dc016_host_devices() {
        let mut bad = container("bad");
        bad.devices = vec![DeviceMapping {
            path_on_host: "/dev/sda".into(),
            path_in_container: "/dev/sda".into(),
            cgroup_permissions: "rwm".into(),
        }];
        let f = only_bad("DC-016", bad);
        assert_eq!(f[0].discriminator, "/dev/sda");
        assert_eq!(f[0].evidence[0].path, "HostConfig.Devices[0].PathOnHost");
        passes("DC-016", container("good"));
    }

    #[test]
    fn dc017_shared_propagation() {
        let mut bad = container("bad");
        let mut m = bind("/srv/a", "/a", false);
        m.propagation = "rshared".into();
        bad.mounts = vec![bind("/srv/b", "/b", false), m];
        let f = only_bad("DC-017", bad);
        assert_eq!(f[0].discriminator, "/a");
        assert_eq!(f[0].evidence[0].path, "Mounts[1].Propagation");
        let mut ok = container("good");
        let mut m = bind("/srv/a", "/a", false);
        m.propagation = "rslave".into();
        ok.mounts = vec![m];
        passes("DC-017", ok);
    }

    #[test]
    fn dc018_writable_rootfs() {
        let mut bad = container("bad");
        bad.readonly_rootfs = false;
        assert_eq!(
            only_bad("DC-018", bad)[0].evidence[0].path,
            "HostConfig.ReadonlyRootfs"
        );
        passes("DC-018", container("good"));
    }

    #[test]
    fn dc019_to_dc021_limits() {
        let mut bad = container("bad");
        bad.memory = 0;
        assert_eq!(
            only_bad("DC-019", bad)[0].evidence[0].path,
            "HostConfig.Memory"
        );
        passes("DC-019", container("good"));

        let mut bad = container("bad");
        bad.nano_cpus = 0;
        assert_eq!(
            only_bad("DC-020", bad)[0].evidence[0].path,
            "HostConfig.NanoCpus"
        );
        let mut shares = container("good");
        shares.nano_cpus = 0;
        shares.cpu_shares = 512;
        passes("DC-020", shares);

        for limit in [None, Some(-1), Some(0)] {
            let mut bad = container("bad");
            bad.pids_limit = limit;
            assert_eq!(
                only_bad("DC-021", bad)[0].evidence[0].path,
                "HostConfig.PidsLimit"
            );
        }
        passes("DC-021", container("good"));
    }

    #[test]
    fn dc022_privileged_host_port() {
        let mut bad = container("bad");
        bad.port_bindings = vec![
            port("8080/tcp", "127.0.0.1", "8080"),
            port("80/tcp", "127.0.0.1", "80"),
            port("80/tcp", "::1", "80"),
        ];
        let f = only_bad("DC-022", bad);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].discriminator, "80/tcp");
        assert_eq!(f[0].evidence.len(), 2);
        assert_eq!(
            f[0].evidence[0].path,
            "HostConfig.PortBindings[\"80/tcp\"][0].HostPort"
        );
        assert_eq!(
            f[0].evidence[1].path,
            "HostConfig.PortBindings[\"80/tcp\"][1].HostPort"
        );
        let mut ok = container("good");
        ok.port_bindings = vec![
            port("80/tcp", "127.0.0.1", "8080"),
            port("81/tcp", "127.0.0.1", ""),
        ];
        passes("DC-022", ok);
    }

    #[test]
    fn dc023_all_interfaces() {
        let mut bad = container("bad");
        bad.port_bindings = vec![
            port("443/tcp", "127.0.0.1", "8443"),
            port("80/tcp", "", "8080"),
            port("53/udp", "::", "5353"),
        ];
        let f = only_bad("DC-023", bad);
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].discriminator, "80/tcp");
        assert_eq!(
            f[0].evidence[0].path,
            "HostConfig.PortBindings[\"80/tcp\"][0].HostIp"
        );
        assert_eq!(f[1].discriminator, "53/udp");
        let mut ok = container("good");
        ok.port_bindings = vec![port("80/tcp", "10.0.0.5", "8080")];
        passes("DC-023", ok);
    }

    #[test]
    fn dc024_restart_policy() {
        for (name, n) in [
            ("always", 0),
            ("unless-stopped", 0),
            ("on-failure", 0),
            ("on-failure", 10),
        ] {
            let mut bad = container("bad");
            bad.restart_policy = RestartPolicy {
                name: name.into(),
                maximum_retry_count: n,
            };
            let f = only_bad("DC-024", bad);
            assert_eq!(f[0].evidence[0].path, "HostConfig.RestartPolicy.Name");
        }
        for name in ["", "no"] {
            let mut ok = container("good");
            ok.restart_policy = RestartPolicy {
                name: name.into(),
                maximum_retry_count: 0,
            };
            passes("DC-024", ok);
        }
        let mut five = container("good");
        five.restart_policy.maximum_retry_count = 5;
        passes("DC-024", five);
    }

    #[test]
    fn dc025_health() {
        // No health check on the container nor its image.
        let mut bad = container("bad");
        bad.healthcheck = None;
        bad.state.health = None;
        let mut s = snap(vec![bad, container("good")]);
        s.docker.images[0].healthcheck = None;
        let f = run_check("DC-025", &s);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].resource.name, "bad");
        assert_eq!(f[0].evidence[0].path, "Config.Healthcheck");
        assert!(f[0].evidence[1].path.ends_with(".Config.Healthcheck"));
        // The image's health check counts when the container sets none.
        let mut inherits = container("good");
        inherits.healthcheck = None;
        inherits.state.health = None;
        passes("DC-025", inherits);
        // --no-healthcheck overrides the image.
        let mut disabled = container("bad");
        disabled.healthcheck = Some(Healthcheck {
            test: vec!["NONE".into()],
        });
        disabled.state.health = None;
        assert!(only_bad("DC-025", disabled)[0].message.contains("disables"));
        // Unknown image: flagged, and says so.
        let mut unknown = container("bad");
        unknown.healthcheck = None;
        unknown.state.health = None;
        let f = run_check("DC-025", &docker(vec![unknown]));
        assert!(f[0].message.contains("not in the snapshot"));
        // Unhealthy: a separate finding.
        let mut sick = container("bad");
        sick.state.health = Some("unhealthy".into());
        let f = only_bad("DC-025", sick);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].discriminator, "unhealthy");
        assert_eq!(f[0].evidence[0].path, "State.Health.Status");
        passes("DC-025", container("good"));
    }

    #[test]
    fn dc026_default_bridge() {
        let mut bad = container("bad");
        bad.network_mode = "bridge".into();
        assert_eq!(
            only_bad("DC-026", bad)[0].evidence[0].path,
            "HostConfig.NetworkMode"
        );
        let mut bad = container("bad");
        bad.networks.push("bridge".into());
        assert_eq!(
            only_bad("DC-026", bad)[0].evidence[0].path,
            "NetworkSettings.Networks"
        );
        passes("DC-026", container("good"));
    }

    #[test]
    fn dc027_runs_as_root() {
        for user in ["0", "root", "0:10001"] {
            let mut bad = container("bad");
            bad.user = user.into();
            let f = only_bad("DC-027", bad);
            assert_eq!(f[0].evidence[0].path, "Config.User");
        }
        // Empty user, image runs as root.
        let mut bad = container("bad");
        bad.user = String::new();
        let mut s = snap(vec![bad]);
        s.docker.images[0].user = String::new();
        let f = run_check("DC-027", &s);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].resource.name, "bad");
        assert!(f[0].evidence[1].path.ends_with(".Config.User"));
        // Empty user, image unknown: flagged, saying the image user is unknown.
        let mut unknown = container("bad");
        unknown.user = String::new();
        let f = run_check("DC-027", &docker(vec![unknown]));
        assert!(f[0].message.contains("unknown"));
        // Empty user, image with a non-root USER: passes.
        let mut inherits = container("good");
        inherits.user = String::new();
        passes("DC-027", inherits);
        passes("DC-027", container("good"));
    }
}
