//! The two benchmark frameworks reported per control: the CIS Docker Benchmark (v1.6.0
//! numbering, as docker-bench-security uses it) and the Kubernetes Pod Security Standards.
//!
//! Checks do not list these controls in `Check::controls`: they are derived from what the
//! catalog already cites. A check serves a CIS Docker control when its references name it
//! (`CIS-D 5.5`); a Kubernetes workload check serves the PSS controls of [`PSS_BY_CHECK`]
//! (the catalog's `PSS baseline` / `PSS restricted` references, made precise per
//! control). Docker container checks cite their PSS twin as a cross-reference only: PSS is
//! a Kubernetes admission standard, so only Kubernetes checks serve it.

use super::frameworks::{Control, Framework};
use super::Check;

const fn cis(id: &'static str, title: &'static str) -> Control {
    Control {
        framework: Framework::CisDocker,
        id,
        title,
    }
}

const fn pss(id: &'static str, title: &'static str) -> Control {
    Control {
        framework: Framework::Pss,
        id,
        title,
    }
}

/// The CIS Docker Benchmark items the catalog and the manual list cite, plus the
/// container-runtime and image items no automated check can see (so they are reported as
/// manual, not left out). Swarm section 7 is listed only for the item a check reads.
pub const CIS_DOCKER: &[Control] = &[
    cis("1.1.1", "Separate partition for containers"),
    cis(
        "1.1.2",
        "Only trusted users are allowed to control the Docker daemon",
    ),
    cis(
        "1.1.3-1.1.18",
        "Auditing of the Docker daemon, its files and directories",
    ),
    cis("1.2.1", "Container host has been hardened"),
    cis("1.2.2", "The version of Docker is up to date"),
    cis(
        "2.1",
        "Run the Docker daemon as a non-root user, if possible",
    ),
    cis(
        "2.2",
        "Network traffic is restricted between containers on the default bridge",
    ),
    cis("2.3", "The logging level is set to 'info'"),
    cis("2.4", "Docker is allowed to make changes to iptables"),
    cis("2.5", "Insecure registries are not used"),
    cis("2.6", "aufs storage driver is not used"),
    cis(
        "2.7",
        "TLS authentication for the Docker daemon is configured",
    ),
    cis("2.8", "The default ulimit is configured appropriately"),
    cis("2.9", "User namespace support is enabled"),
    cis("2.10", "The default cgroup usage has been confirmed"),
    cis("2.11", "The base device size is not changed until needed"),
    cis(
        "2.12",
        "Authorization for Docker client commands is enabled",
    ),
    cis("2.13", "Centralized and remote logging is configured"),
    cis(
        "2.14",
        "Containers are restricted from acquiring new privileges",
    ),
    cis("2.15", "Live restore is enabled"),
    cis("2.16", "Userland proxy is disabled"),
    cis(
        "2.17",
        "A daemon-wide custom seccomp profile is applied if appropriate",
    ),
    cis(
        "2.18",
        "Experimental features are not implemented in production",
    ),
    cis(
        "3.1-3.24",
        "Ownership and permissions of Docker daemon configuration files",
    ),
    cis("4.1", "A user for the container has been created"),
    cis("4.2", "Containers use only trusted base images"),
    cis(
        "4.3",
        "Unnecessary packages are not installed in the container",
    ),
    cis(
        "4.4",
        "Images are scanned and rebuilt to include security patches",
    ),
    cis("4.5", "Content trust for Docker is enabled"),
    cis(
        "4.6",
        "HEALTHCHECK instructions have been added to container images",
    ),
    cis(
        "4.7",
        "Update instructions are not used alone in Dockerfiles",
    ),
    cis("4.8", "setuid and setgid permissions are removed"),
    cis("4.9", "COPY is used instead of ADD in Dockerfiles"),
    cis("4.10", "Secrets are not stored in Dockerfiles"),
    cis("4.11", "Only verified packages are installed"),
    cis("4.12", "All signed artifacts are validated"),
    cis("5.1", "Swarm mode is not enabled, if not needed"),
    cis("5.2", "An AppArmor profile is enabled, if applicable"),
    cis("5.3", "SELinux security options are set, if applicable"),
    cis(
        "5.4",
        "Linux kernel capabilities are restricted within containers",
    ),
    cis("5.5", "Privileged containers are not used"),
    cis(
        "5.6",
        "Sensitive host system directories are not mounted on containers",
    ),
    cis("5.7", "sshd is not run within containers"),
    cis("5.8", "Privileged ports are not mapped within containers"),
    cis("5.9", "Only needed ports are open on the container"),
    cis("5.10", "The host's network namespace is not shared"),
    cis("5.11", "The memory usage for containers is limited"),
    cis("5.12", "CPU priority is set appropriately on containers"),
    cis(
        "5.13",
        "The container's root filesystem is mounted as read only",
    ),
    cis(
        "5.14",
        "Incoming container traffic is bound to a specific host interface",
    ),
    cis(
        "5.15",
        "The 'on-failure' container restart policy is set to '5'",
    ),
    cis("5.16", "The host's process namespace is not shared"),
    cis("5.17", "The host's IPC namespace is not shared"),
    cis(
        "5.18",
        "Host devices are not directly exposed to containers",
    ),
    cis(
        "5.19",
        "The default ulimit is overwritten at runtime if needed",
    ),
    cis("5.20", "Mount propagation mode is not set to shared"),
    cis("5.21", "The host's UTS namespace is not shared"),
    cis("5.22", "The default seccomp profile is not disabled"),
    cis(
        "5.23",
        "docker exec commands are not used with the privileged option",
    ),
    cis(
        "5.24",
        "docker exec commands are not used with the user=root option",
    ),
    cis("5.25", "cgroup usage is confirmed"),
    cis(
        "5.26",
        "The container is restricted from acquiring additional privileges",
    ),
    cis("5.27", "Container health is checked at runtime"),
    cis(
        "5.28",
        "Docker commands always make use of the latest version of their image",
    ),
    cis("5.29", "The PIDs cgroup limit is used"),
    cis("5.30", "Docker's default bridge 'docker0' is not used"),
    cis("5.31", "The host's user namespaces are not shared"),
    cis(
        "5.32",
        "The Docker socket is not mounted inside any containers",
    ),
    cis("6.1-6.2", "Image and container sprawl is avoided"),
    cis(
        "7.3",
        "All Docker swarm overlay network traffic is encrypted",
    ),
];

pub const PSS_HOST_PROCESS: Control = pss(
    "baseline: HostProcess",
    "Windows HostProcess containers are disallowed",
);
pub const PSS_HOST_NAMESPACES: Control = pss(
    "baseline: Host Namespaces",
    "Sharing the host network, PID and IPC namespaces is disallowed",
);
pub const PSS_PRIVILEGED: Control = pss(
    "baseline: Privileged Containers",
    "Privileged containers are disallowed",
);
pub const PSS_CAPABILITIES: Control = pss(
    "baseline: Capabilities",
    "Adding capabilities beyond the default set is disallowed",
);
pub const PSS_HOST_PATH: Control = pss(
    "baseline: HostPath Volumes",
    "hostPath volumes are forbidden",
);
pub const PSS_HOST_PORTS: Control = pss(
    "baseline: Host Ports",
    "Host ports are disallowed or restricted to a known list",
);
pub const PSS_APPARMOR: Control = pss(
    "baseline: AppArmor",
    "Overriding or disabling the default AppArmor profile is restricted",
);
pub const PSS_SELINUX: Control = pss(
    "baseline: SELinux",
    "Setting a custom SELinux type or user/role is forbidden",
);
pub const PSS_PROC_MOUNT: Control = pss(
    "baseline: /proc Mount Type",
    "The default /proc masks are required",
);
pub const PSS_SECCOMP_BASELINE: Control = pss(
    "baseline: Seccomp",
    "The seccomp profile is not explicitly set to Unconfined",
);
pub const PSS_SYSCTLS: Control = pss(
    "baseline: Sysctls",
    "Only the safe subset of sysctls is allowed",
);
pub const PSS_VOLUME_TYPES: Control = pss(
    "restricted: Volume Types",
    "Only core, non-host volume types are permitted",
);
pub const PSS_PRIVILEGE_ESCALATION: Control = pss(
    "restricted: Privilege Escalation",
    "Privilege escalation (setuid binaries, file capabilities) is disallowed",
);
pub const PSS_NON_ROOT: Control = pss(
    "restricted: Running as Non-root",
    "Containers are required to run as non-root (runAsNonRoot: true)",
);
pub const PSS_NON_ROOT_USER: Control =
    pss("restricted: Running as Non-root user", "runAsUser is not 0");
pub const PSS_SECCOMP_RESTRICTED: Control = pss(
    "restricted: Seccomp",
    "A seccomp profile (RuntimeDefault or Localhost) is explicitly set",
);
pub const PSS_CAPABILITIES_RESTRICTED: Control = pss(
    "restricted: Capabilities",
    "Containers drop ALL capabilities and may add back only NET_BIND_SERVICE",
);

/// Every control of the Pod Security Standards, baseline then restricted, in the order
/// of the Kubernetes documentation.
pub const PSS: &[Control] = &[
    PSS_HOST_PROCESS,
    PSS_HOST_NAMESPACES,
    PSS_PRIVILEGED,
    PSS_CAPABILITIES,
    PSS_HOST_PATH,
    PSS_HOST_PORTS,
    PSS_APPARMOR,
    PSS_SELINUX,
    PSS_PROC_MOUNT,
    PSS_SECCOMP_BASELINE,
    PSS_SYSCTLS,
    PSS_VOLUME_TYPES,
    PSS_PRIVILEGE_ESCALATION,
    PSS_NON_ROOT,
    PSS_NON_ROOT_USER,
    PSS_SECCOMP_RESTRICTED,
    PSS_CAPABILITIES_RESTRICTED,
];

/// Which PSS controls each Kubernetes workload check serves.
pub const PSS_BY_CHECK: &[(&str, &[Control])] = &[
    ("KW-001", &[PSS_PRIVILEGED]),
    ("KW-002", &[PSS_PRIVILEGE_ESCALATION]),
    ("KW-003", &[PSS_NON_ROOT]),
    ("KW-004", &[PSS_NON_ROOT_USER]),
    ("KW-006", &[PSS_HOST_NAMESPACES]),
    ("KW-007", &[PSS_HOST_NAMESPACES]),
    ("KW-008", &[PSS_HOST_NAMESPACES]),
    ("KW-009", &[PSS_HOST_PATH]),
    ("KW-010", &[PSS_HOST_PATH]),
    ("KW-011", &[PSS_CAPABILITIES_RESTRICTED]),
    ("KW-012", &[PSS_CAPABILITIES_RESTRICTED]),
    ("KW-013", &[PSS_CAPABILITIES]),
    ("KW-014", &[PSS_SECCOMP_BASELINE, PSS_SECCOMP_RESTRICTED]),
    ("KW-015", &[PSS_APPARMOR]),
    ("KW-016", &[PSS_SELINUX]),
    ("KW-017", &[PSS_PROC_MOUNT]),
    ("KW-018", &[PSS_SYSCTLS]),
    ("KW-019", &[PSS_HOST_PROCESS]),
    ("KW-020", &[PSS_VOLUME_TYPES]),
    ("KW-021", &[PSS_HOST_PORTS]),
];

/// Does `check` serve this CIS Docker or PSS control? (Always false for the others.)
pub fn serves_control(check: &Check, control: &Control) -> bool {
    match control.framework {
        Framework::CisDocker => check
            .refs
            .iter()
            .any(|r| r.strip_prefix("CIS-D ") == Some(control.id)),
        Framework::Pss => PSS_BY_CHECK
            .iter()
            .any(|(id, ctls)| *id == check.id && ctls.contains(control)),
        _ => false,
    }
}

/// Does `check` serve any control of this benchmark framework?
pub fn serves(check: &Check, framework: Framework) -> bool {
    let list = match framework {
        Framework::CisDocker => CIS_DOCKER,
        Framework::Pss => PSS,
        _ => return false,
    };
    list.iter().any(|c| serves_control(check, c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::{catalog, find, Family};
    use std::collections::BTreeSet;

    #[test]
    fn every_cis_d_reference_of_a_check_is_a_control() {
        for check in catalog() {
            for r in check.refs {
                if let Some(id) = r.strip_prefix("CIS-D ") {
                    assert!(
                        CIS_DOCKER.iter().any(|c| c.id == id),
                        "{}: CIS-D {id} is not in CIS_DOCKER",
                        check.id
                    );
                }
            }
        }
    }

    #[test]
    fn every_manual_cis_d_item_is_a_control() {
        for m in crate::checks::manual::MANUAL {
            if let Some(id) = m.reference.strip_prefix("CIS-D ") {
                assert!(CIS_DOCKER.iter().any(|c| c.id == id), "{id} missing");
            }
        }
    }

    #[test]
    fn ids_are_unique_per_framework() {
        for list in [CIS_DOCKER, PSS] {
            let ids: BTreeSet<&str> = list.iter().map(|c| c.id).collect();
            assert_eq!(ids.len(), list.len());
        }
    }

    #[test]
    fn pss_map_names_kubernetes_checks_citing_pss_or_a_host_path() {
        for (id, _) in PSS_BY_CHECK {
            let check = find(id).unwrap_or_else(|| panic!("{id} not in the catalog"));
            assert_eq!(check.family, Family::KubeWorkload, "{id}");
        }
        // Every Kubernetes check that cites PSS is mapped to at least one control.
        for check in catalog()
            .iter()
            .filter(|c| c.family == Family::KubeWorkload)
        {
            if check.refs.iter().any(|r| r.starts_with("PSS")) {
                assert!(serves(check, Framework::Pss), "{} unmapped", check.id);
            }
        }
    }

    #[test]
    fn serving_is_exact() {
        let dc1 = find("DC-001").unwrap();
        assert!(serves_control(dc1, &cis("5.5", "")));
        assert!(!serves_control(dc1, &cis("5.50", "")));
        assert!(
            !serves(dc1, Framework::Pss),
            "Docker checks do not serve PSS"
        );
        let kw14 = find("KW-014").unwrap();
        assert!(serves_control(kw14, &PSS_SECCOMP_BASELINE));
        assert!(serves_control(kw14, &PSS_SECCOMP_RESTRICTED));
        assert!(!serves_control(kw14, &PSS_PRIVILEGED));
        assert!(!serves(kw14, Framework::CisDocker));
    }
}
