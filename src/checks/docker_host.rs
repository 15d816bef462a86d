//! Docker host and daemon checks (CIS Docker Benchmark sections 1.2, 2, 5.1 and 7), over
//! `docker info` data, the daemon's networks and the connection Docket used to reach it.
//!
//! Daemon settings that live only in files (daemon.json, systemd units, audit rules) are not
//! visible through the Engine API; those items are listed in `manual.rs`, never passed here.

use super::frameworks::*;
use super::input::Input;
use super::{host_ref, Check, Family, Out, Severity};
use crate::findings::{Evidence, ResourceRef};
use crate::model::{DataKind, DockerHost, DockerNetwork, Snapshot};

const NEEDS: &[DataKind] = &[DataKind::DockerEngine];
const NEEDS_NETWORKS: &[DataKind] = &[DataKind::DockerEngine, DataKind::DockerNetworks];
const NEEDS_CONNECTION: &[DataKind] = &[DataKind::DockerEngine, DataKind::DockerConnection];

/// The oldest Docker Engine major release still receiving security fixes upstream.
///
/// Docker Engine majors and their upstream support, as of 2026-11 (see
/// <https://docs.docker.com/engine/release-notes/> and the moby release policy: the latest
/// major plus the previous one get patches):
///
/// | major | status       |
/// |-------|--------------|
/// | 29    | supported    |
/// | 28    | supported    |
/// | 27    | supported (oldest still patched) |
/// | <= 26 | end of life  |
///
/// Review this constant with every Docker major release.
pub const OLDEST_SUPPORTED_MAJOR: u32 = 27;

/// Insecure registry ranges the daemon always lists by default (loopback); not a finding.
const DEFAULT_INSECURE: &[&str] = &["127.0.0.0/8", "::1/128"];

/// Logging drivers that keep logs only on the host (lost with it, unsent to a collector).
const LOCAL_LOG_DRIVERS: &[&str] = &["", "json-file", "local", "none"];

/// Bridge option that turns inter-container communication off when "false".
const ICC_OPTION: &str = "com.docker.network.bridge.enable_icc";

pub const CHECKS: &[Check] = &[
    Check {
        id: "DH-001",
        title: "Docker Engine version is end of life",
        family: Family::DockerHost,
        severity: Severity::Medium,
        rationale: "Docker Engine majors older than the supported releases get no more security fixes: runc, containerd and BuildKit escapes fixed since (e.g. CVE-2024-21626 'Leaky Vessels') stay open on the host.",
        remediation: "Upgrade the engine to a supported major (`apt-get install docker-ce docker-ce-cli containerd.io` from download.docker.com, or your distribution's current package) and keep it on a patch cadence.",
        refs: &["CIS-D 1.2.2"],
        controls: &[GDPR_32, PCI_6_3, SOC2_CC7_1, NIST_4_4_1],
        needs: NEEDS,
        run: engine_version,
    },
    Check {
        id: "DH-002",
        title: "Docker daemon not running rootless",
        family: Family::DockerHost,
        severity: Severity::Medium,
        rationale: "A rootful daemon runs as host root: any escape from a container, or anyone who reaches the API socket, gets root on the host. Rootless mode runs dockerd and containers as an unprivileged user.",
        remediation: "Run the daemon in rootless mode (`dockerd-rootless-setuptool.sh install` as a normal user, then `DOCKER_HOST=unix://$XDG_RUNTIME_DIR/docker.sock`); where that is not possible, enable user namespace remapping (`\"userns-remap\": \"default\"` in daemon.json).",
        refs: &["CIS-D 2.1"],
        controls: &[GDPR_32, PCI_2_2, PCI_7_2, SOC2_CC6_1, NIST_4_4_3, NIST_4_5_4],
        needs: NEEDS,
        run: not_rootless,
    },
    Check {
        id: "DH-003",
        title: "Inter-container communication enabled on the default bridge",
        family: Family::DockerHost,
        severity: Severity::Medium,
        rationale: "With icc on, every container on the default docker0 bridge can reach every port of every other one: one compromised container can probe and attack all unrelated services on the host.",
        remediation: "Set `\"icc\": false` in /etc/docker/daemon.json (or start dockerd with `--icc=false`) and restart the daemon; connect containers that must talk on user-defined networks (`docker network create appnet`, `--network appnet`).",
        refs: &["CIS-D 2.2"],
        controls: SEGMENTATION,
        needs: NEEDS_NETWORKS,
        run: bridge_icc,
    },
    Check {
        id: "DH-004",
        title: "Insecure registries configured",
        family: Family::DockerHost,
        severity: Severity::High,
        rationale: "The daemon pulls from insecure registries over plain HTTP or with unchecked certificates: anyone on the path can read the credentials and swap the image for a malicious one.",
        remediation: "Remove the entries from `\"insecure-registries\"` in /etc/docker/daemon.json (or the `--insecure-registry` flags) and give the registry a certificate the host trusts (/etc/docker/certs.d/<registry>/ca.crt).",
        refs: &["CIS-D 2.5"],
        controls: TRANSPORT,
        needs: NEEDS,
        run: insecure_registries,
    },
    Check {
        id: "DH-005",
        title: "aufs storage driver in use",
        family: Family::DockerHost,
        severity: Severity::Low,
        rationale: "aufs is deprecated, removed from Docker Engine 24 and from mainline kernels, and known for kernel crashes and security problems; hosts still on it run an unmaintained storage path.",
        remediation: "Switch to overlay2: set `\"storage-driver\": \"overlay2\"` in /etc/docker/daemon.json, export the images and volumes you need, restart the daemon and re-pull or re-create them.",
        refs: &["CIS-D 2.6"],
        controls: DAEMON_CONFIG,
        needs: NEEDS,
        run: aufs,
    },
    Check {
        id: "DH-006",
        title: "Docker daemon reached over TCP without TLS",
        family: Family::DockerHost,
        severity: Severity::High,
        rationale: "The Docker API over plain TCP has no authentication and no encryption: whoever reaches the port can start a privileged container with the host's root filesystem, and the traffic (including registry credentials) can be read.",
        remediation: "Expose the daemon only with TLS client authentication: `--tlsverify --tlscacert ca.pem --tlscert server-cert.pem --tlskey server-key.pem -H tcp://0.0.0.0:2376` (daemon.json `tls`, `tlsverify`, `hosts`), connect with `DOCKER_TLS_VERIFY=1`, or use `ssh://` or the unix socket instead.",
        refs: &["CIS-D 2.7"],
        controls: &[GDPR_32, PCI_2_2_5, PCI_4_2_1, HIPAA_312_D, HIPAA_312_E, SOC2_CC6_1, NIST_4_5_1],
        needs: NEEDS_CONNECTION,
        run: tcp_without_tls,
    },
    Check {
        id: "DH-007",
        title: "User namespace remapping not enabled",
        family: Family::DockerHost,
        severity: Severity::Medium,
        rationale: "Without user namespace remapping (or rootless mode) UID 0 in a container is UID 0 on the host, so any container escape or writable host mount acts as host root.",
        remediation: "Set `\"userns-remap\": \"default\"` in /etc/docker/daemon.json (or `dockerd --userns-remap=default`), restart the daemon and re-pull images; or run the daemon rootless.",
        refs: &["CIS-D 2.9"],
        controls: &[GDPR_32, PCI_2_2, PCI_7_2, SOC2_CC6_1, NIST_4_4_3, NIST_4_5_4],
        needs: NEEDS,
        run: no_userns,
    },
    Check {
        id: "DH-008",
        title: "No authorization plugin on the Docker daemon",
        family: Family::DockerHost,
        severity: Severity::Medium,
        rationale: "Without an authorization plugin every client that reaches the API may do anything, including run privileged containers; there is no per-user or per-action control over the daemon.",
        remediation: "Install an authorization plugin (e.g. opa-docker-authz) and enable it with `\"authorization-plugins\": [\"opa-docker-authz\"]` in /etc/docker/daemon.json (or `--authorization-plugin`), with a policy that denies privileged and host-namespace containers.",
        refs: &["CIS-D 2.12"],
        controls: &[GDPR_32, PCI_7_2, HIPAA_312_A, SOC2_CC6_1, NIST_4_3_1],
        needs: NEEDS,
        run: no_authz,
    },
    Check {
        id: "DH-009",
        title: "Container logs kept only on the host",
        family: Family::DockerHost,
        severity: Severity::Low,
        rationale: "With the json-file, local or none logging driver, container logs stay on the host (or are dropped): they are lost with the host, can be altered by an intruder on it, and reach no central monitoring.",
        remediation: "Set a remote logging driver in /etc/docker/daemon.json, e.g. `\"log-driver\": \"journald\"` forwarded to your collector, `syslog` with `\"log-opts\": {\"syslog-address\": \"tcp+tls://logs.example:6514\"}`, `fluentd` or `gelf`, and restart the daemon.",
        refs: &["CIS-D 2.13"],
        controls: AUDIT_LOGGING,
        needs: NEEDS,
        run: local_logging,
    },
    Check {
        id: "DH-010",
        title: "Live restore disabled",
        family: Family::DockerHost,
        severity: Severity::Low,
        rationale: "Without live-restore, every daemon restart or upgrade stops all containers, so applying a daemon security patch costs an outage and tends to be postponed.",
        remediation: "Set `\"live-restore\": true` in /etc/docker/daemon.json (or `dockerd --live-restore`) and reload the daemon (`systemctl reload docker`). Not applicable to swarm managers.",
        refs: &["CIS-D 2.15"],
        controls: DAEMON_CONFIG,
        needs: NEEDS,
        run: no_live_restore,
    },
    Check {
        id: "DH-011",
        title: "Experimental daemon features enabled",
        family: Family::DockerHost,
        severity: Severity::Low,
        rationale: "Experimental features are unstable, less reviewed and may change or disappear between releases; a production daemon should not run them.",
        remediation: "Remove `\"experimental\": true` from /etc/docker/daemon.json (or the `--experimental` flag) and restart the daemon.",
        refs: &["CIS-D 2.18"],
        controls: DAEMON_CONFIG,
        needs: NEEDS,
        run: experimental,
    },
    Check {
        id: "DH-012",
        title: "Default seccomp profile replaced or disabled",
        family: Family::DockerHost,
        severity: Severity::Medium,
        rationale: "Docker's built-in seccomp profile blocks about 44 rarely needed system calls that kernel exploits rely on; a daemon without seccomp, or with a replacement profile, gives every container that wider kernel surface by default.",
        remediation: "Remove `\"seccomp-profile\"` from /etc/docker/daemon.json (or the `--seccomp-profile` flag) so the built-in profile applies; if a replacement is needed, derive it from moby's default profile and review it. Use a kernel built with CONFIG_SECCOMP.",
        refs: &["CIS-D 2.17"],
        controls: &[GDPR_32, PCI_2_2, PCI_2_2_6, SOC2_CC6_1, NIST_4_4_3, NIST_4_5_1],
        needs: NEEDS,
        run: seccomp_profile,
    },
    Check {
        id: "DH-013",
        title: "Swarm mode active",
        family: Family::DockerHost,
        severity: Severity::Low,
        rationale: "Swarm mode opens management and overlay ports (2377, 7946, 4789) and keeps cluster secrets on the node; where no swarm services are needed it is attack surface with no use.",
        remediation: "If the host does not need swarm services, leave the swarm: `docker swarm leave` (managers: `docker swarm leave --force` after draining), then close ports 2377/tcp, 7946/tcp+udp and 4789/udp.",
        refs: &["CIS-D 5.1"],
        controls: &[GDPR_32, PCI_2_2_4, SOC2_CC6_1, NIST_4_5_1],
        needs: NEEDS,
        run: swarm_active,
    },
    Check {
        id: "DH-014",
        title: "Overlay network not encrypted",
        family: Family::DockerHost,
        severity: Severity::Medium,
        rationale: "Traffic between containers on an unencrypted overlay network crosses the hosts' network as plain VXLAN: anyone on that network can read and inject it.",
        remediation: "Create overlay networks with encryption: `docker network create --driver overlay --opt encrypted <name>` (compose: `driver_opts: {encrypted: \"\"}`), move services to it and remove the old network.",
        refs: &["CIS-D 7.3"],
        controls: &[GDPR_32, PCI_4_2_1, HIPAA_312_E, SOC2_CC6_1, NIST_4_3_3],
        needs: NEEDS_NETWORKS,
        run: overlay_unencrypted,
    },
];

// ---- helpers -------------------------------------------------------------------------

fn has_option(h: &DockerHost, name: &str) -> bool {
    h.security_option(name).is_some()
}

fn options_observed(h: &DockerHost) -> String {
    if h.security_options.is_empty() {
        "[]".to_string()
    } else {
        h.security_options.join(", ")
    }
}

/// The major of `28.2.2`, `17.03.0-ce`, `27.0.0-rc.1`, `v26.1.4`.
fn major_version(v: &str) -> Option<u32> {
    let v = v.trim();
    let v = v.strip_prefix(['v', 'V']).unwrap_or(v);
    let major: String = v.chars().take_while(char::is_ascii_digit).collect();
    if major.is_empty() {
        return None;
    }
    major.parse().ok()
}

/// The resource a network's finding is about: the host it belongs to (by name, else the
/// only host of the snapshot), or a Host with the network's own (possibly empty) host name.
fn network_host(s: &Snapshot, n: &DockerNetwork) -> ResourceRef {
    let hosts = &s.docker.hosts;
    let found = hosts
        .iter()
        .find(|h| !n.host.is_empty() && h.name == n.host)
        .or(if n.host.is_empty() && hosts.len() == 1 {
            hosts.first()
        } else {
            None
        });
    match found {
        Some(h) => host_ref(h),
        None => ResourceRef::docker("Host", &n.host, &n.host),
    }
}

fn option_path(key: &str) -> String {
    format!("Options[\"{key}\"]")
}

/// `tcp://127.0.0.1:2375` -> true; remote or unparseable addresses -> false.
fn is_loopback_endpoint(endpoint: &str) -> bool {
    let rest = endpoint.split_once("://").map_or(endpoint, |(_, r)| r);
    let authority = rest.split('/').next().unwrap_or("");
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        authority.rsplit_once(':').map_or(authority, |(h, _)| h)
    };
    host.eq_ignore_ascii_case("localhost") || host.starts_with("127.") || host == "::1"
}

// ---- checks --------------------------------------------------------------------------

fn engine_version(s: &Input, out: &mut Out) {
    for h in &s.docker.hosts {
        // Unparseable or empty versions cannot be judged: no evidence, no finding.
        let Some(major) = major_version(&h.server_version) else {
            continue;
        };
        // Docker jumped from 1.13 to 17.03: majors 2..=16 are not Docker Engine versions
        // (a Podman or other API-compatible engine reports its own version there).
        if (2..=16).contains(&major) || major >= OLDEST_SUPPORTED_MAJOR {
            continue;
        }
        out.emit(
            host_ref(h),
            "",
            format!(
                "host {} runs Docker Engine {}, end of life (oldest supported major: {OLDEST_SUPPORTED_MAJOR})",
                h.name, h.server_version
            ),
            vec![Evidence::new("ServerVersion", h.server_version.clone())],
        );
    }
}

fn not_rootless(s: &Input, out: &mut Out) {
    for h in s.docker.hosts.iter().filter(|h| !has_option(h, "rootless")) {
        out.emit(
            host_ref(h),
            "",
            format!(
                "the Docker daemon on {} runs as root (no name=rootless in SecurityOptions)",
                h.name
            ),
            vec![Evidence::new("SecurityOptions", options_observed(h))],
        );
    }
}

fn bridge_icc(s: &Input, out: &mut Out) {
    for n in s.docker.networks.iter().filter(|n| n.name == "bridge") {
        let value = n.options.get(ICC_OPTION).map(|v| v.trim());
        if value.is_some_and(|v| v.eq_ignore_ascii_case("false")) {
            continue;
        }
        let observed =
            value.map_or_else(|| "(not set: defaults to true)".to_string(), str::to_string);
        out.emit(
            network_host(s, n),
            "bridge",
            "containers on the default bridge network can all reach each other (icc enabled)",
            vec![Evidence::new(option_path(ICC_OPTION), observed)],
        );
    }
}

fn insecure_registries(s: &Input, out: &mut Out) {
    for h in &s.docker.hosts {
        for r in h
            .insecure_registries
            .iter()
            .map(|r| r.trim())
            .filter(|r| !r.is_empty() && !DEFAULT_INSECURE.contains(r))
        {
            let evidence = if r.contains('/') {
                Evidence::new("RegistryConfig.InsecureRegistryCIDRs", r.to_string())
            } else {
                Evidence::new(
                    format!("RegistryConfig.IndexConfigs[\"{r}\"].Secure"),
                    "false",
                )
            };
            out.emit(
                host_ref(h),
                r.to_string(),
                format!(
                    "the daemon on {} trusts registry {r} without TLS verification",
                    h.name
                ),
                vec![evidence],
            );
        }
    }
}

fn aufs(s: &Input, out: &mut Out) {
    for h in s
        .docker
        .hosts
        .iter()
        .filter(|h| h.driver.trim().eq_ignore_ascii_case("aufs"))
    {
        out.emit(
            host_ref(h),
            "",
            format!("host {} uses the deprecated aufs storage driver", h.name),
            vec![Evidence::new("Driver", h.driver.clone())],
        );
    }
}

fn tcp_without_tls(s: &Input, out: &mut Out) {
    for h in &s.docker.hosts {
        let Some(endpoint) = h.endpoint.as_deref().map(str::trim) else {
            continue;
        };
        let lower = endpoint.to_ascii_lowercase();
        let tcp = lower.starts_with("tcp://") || lower.starts_with("http://");
        if !tcp || h.endpoint_tls != Some(false) {
            continue;
        }
        // Plain TCP beyond loopback is open to the network: host root for anyone reaching it.
        let (severity, reach) = if is_loopback_endpoint(endpoint) {
            (Severity::High, "on loopback")
        } else {
            (Severity::Critical, "from the network")
        };
        out.emit_with(
            severity,
            host_ref(h),
            "",
            format!(
                "the Docker API of {} was reached at {endpoint} without TLS, unauthenticated {reach}",
                h.name
            ),
            vec![
                Evidence::new("Connection.Endpoint", endpoint.to_string()),
                Evidence::new("Connection.TLS", "false"),
            ],
        );
    }
}

fn no_userns(s: &Input, out: &mut Out) {
    for h in s
        .docker
        .hosts
        .iter()
        .filter(|h| !has_option(h, "userns") && !has_option(h, "rootless"))
    {
        out.emit(
            host_ref(h),
            "",
            format!(
                "the daemon on {} does not remap user namespaces: root in a container is root on the host",
                h.name
            ),
            vec![Evidence::new("SecurityOptions", options_observed(h))],
        );
    }
}

fn no_authz(s: &Input, out: &mut Out) {
    for h in s
        .docker
        .hosts
        .iter()
        .filter(|h| h.authorization_plugins.iter().all(|p| p.trim().is_empty()))
    {
        out.emit(
            host_ref(h),
            "",
            format!("the daemon on {} has no authorization plugin", h.name),
            vec![Evidence::new("Plugins.Authorization", "[]")],
        );
    }
}

fn local_logging(s: &Input, out: &mut Out) {
    for h in &s.docker.hosts {
        let driver = h.logging_driver.trim();
        if !LOCAL_LOG_DRIVERS
            .iter()
            .any(|d| d.eq_ignore_ascii_case(driver))
        {
            continue;
        }
        let msg = if driver.eq_ignore_ascii_case("none") {
            format!(
                "the daemon on {} discards container logs (logging driver none)",
                h.name
            )
        } else {
            let shown = if driver.is_empty() {
                "default json-file"
            } else {
                driver
            };
            format!(
                "the daemon on {} keeps container logs only on the host (logging driver {shown})",
                h.name
            )
        };
        out.emit(
            host_ref(h),
            "",
            msg,
            vec![Evidence::new("LoggingDriver", driver.to_string())],
        );
    }
}

fn no_live_restore(s: &Input, out: &mut Out) {
    for h in &s.docker.hosts {
        // Live restore is incompatible with swarm mode; docker-bench passes it there too.
        if h.live_restore_enabled || h.swarm_state.trim().eq_ignore_ascii_case("active") {
            continue;
        }
        out.emit(
            host_ref(h),
            "",
            format!(
                "live-restore is off on {}: a daemon restart stops every container",
                h.name
            ),
            vec![Evidence::new("LiveRestoreEnabled", "false")],
        );
    }
}

fn experimental(s: &Input, out: &mut Out) {
    for h in s.docker.hosts.iter().filter(|h| h.experimental_build) {
        out.emit(
            host_ref(h),
            "",
            format!("the daemon on {} runs with experimental features", h.name),
            vec![Evidence::new("ExperimentalBuild", "true")],
        );
    }
}

fn seccomp_profile(s: &Input, out: &mut Out) {
    for h in &s.docker.hosts {
        let found = h
            .security_options
            .iter()
            .enumerate()
            .find(|(_, o)| o.split(',').next().map(str::trim) == Some("name=seccomp"));
        match found {
            None => {
                // Windows daemons have no seccomp at all; nothing to report there.
                if h.operating_system.to_ascii_lowercase().contains("windows") {
                    continue;
                }
                out.emit(
                    host_ref(h),
                    "",
                    format!(
                        "the daemon on {} applies no seccomp profile to containers",
                        h.name
                    ),
                    vec![Evidence::new("SecurityOptions", options_observed(h))],
                );
            }
            Some((i, opt)) => {
                let profile = opt
                    .split(',')
                    .filter_map(|kv| kv.trim().strip_prefix("profile="))
                    .next()
                    .unwrap_or("builtin")
                    .trim();
                let (severity, what) = match profile.to_ascii_lowercase().as_str() {
                    "builtin" | "default" => continue,
                    "unconfined" => (
                        Severity::High,
                        "disables seccomp for every container by default",
                    ),
                    _ => (
                        Severity::Low,
                        "replaces Docker's default seccomp profile with a custom one; review it",
                    ),
                };
                out.emit_with(
                    severity,
                    host_ref(h),
                    "",
                    format!("the daemon on {} {what} ({profile})", h.name),
                    vec![Evidence::new(format!("SecurityOptions[{i}]"), opt.clone())],
                );
            }
        }
    }
}

fn swarm_active(s: &Input, out: &mut Out) {
    for h in s
        .docker
        .hosts
        .iter()
        .filter(|h| h.swarm_state.trim().eq_ignore_ascii_case("active"))
    {
        out.emit(
            host_ref(h),
            "",
            format!(
                "host {} is a swarm node; confirm swarm mode is needed",
                h.name
            ),
            vec![Evidence::new("Swarm.LocalNodeState", h.swarm_state.clone())],
        );
    }
}

fn overlay_unencrypted(s: &Input, out: &mut Out) {
    for n in s
        .docker
        .networks
        .iter()
        .filter(|n| n.driver.trim().eq_ignore_ascii_case("overlay"))
        .filter(|n| !n.options.contains_key("encrypted"))
    {
        let host = network_host(s, n).host.unwrap_or_default();
        out.emit(
            ResourceRef::docker("Network", &n.name, &host),
            "",
            format!(
                "overlay network {} carries traffic between hosts unencrypted",
                n.name
            ),
            vec![Evidence::new(option_path("encrypted"), "(not set)")],
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::Severity;
    use crate::findings::Finding;
    use crate::model::{DataKind, DockerHost, DockerNetwork, Snapshot};
    use crate::testkit::{docker, host, run_check};

    fn snap(h: DockerHost) -> Snapshot {
        let mut s = docker(vec![]);
        s.coverage.collected(DataKind::DockerConnection, "testhost");
        s.docker.hosts = vec![h];
        s
    }

    fn bad_host(id: &str, set: impl FnOnce(&mut DockerHost)) -> Vec<Finding> {
        let mut h = host("bad");
        set(&mut h);
        let mut s = snap(h);
        s.docker.hosts.push(host("good"));
        let f = run_check(id, &s);
        assert!(!f.is_empty(), "{id}: no finding");
        for f in &f {
            assert_eq!(f.check_id, id);
            assert_eq!(f.resource.kind, "Host");
            assert_eq!(f.resource.name, "bad");
        }
        f
    }

    fn passes(id: &str, set: impl FnOnce(&mut DockerHost)) {
        let mut h = host("good");
        set(&mut h);
        let f = run_check(id, &snap(h));
        assert!(f.is_empty(), "{id}: unexpected {f:?}");
    }

    fn net(name: &str, driver: &str, opts: &[(&str, &str)]) -> DockerNetwork {
        DockerNetwork {
            id: format!("id-{name}"),
            name: name.into(),
            host: "testhost".into(),
            driver: driver.into(),
            scope: "local".into(),
            options: opts
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..Default::default()
        }
    }

    fn hardened_networks() -> Vec<DockerNetwork> {
        vec![
            net("bridge", "bridge", &[(super::ICC_OPTION, "false")]),
            net("appnet", "overlay", &[("encrypted", "")]),
        ]
    }

    #[test]
    fn hardened_host_has_no_findings() {
        let mut s = snap(host("testhost"));
        s.docker.networks = hardened_networks();
        for c in super::CHECKS {
            let f = c.evaluate(&s);
            assert!(f.is_empty(), "{} fired on the hardened host: {f:?}", c.id);
        }
    }

    #[test]
    fn dh001_engine_version() {
        for v in ["26.1.4", "20.10.24", "17.03.0-ce", "1.13.1", "v24.0.7"] {
            let f = bad_host("DH-001", |h| h.server_version = v.into());
            assert_eq!(f[0].evidence[0].path, "ServerVersion");
            assert_eq!(f[0].evidence[0].observed, v);
        }
        for v in ["27.0.0-rc.1", "28.2.2", "31.0.0", "", "unknown", "4.9.3"] {
            passes("DH-001", |h| h.server_version = v.into());
        }
    }

    #[test]
    fn dh002_rootless() {
        let f = bad_host("DH-002", |h| {
            h.security_options.retain(|o| o != "name=rootless")
        });
        assert_eq!(f[0].evidence[0].path, "SecurityOptions");
        assert!(!f[0].evidence[0].observed.contains("rootless"));
        passes("DH-002", |_| {});
    }

    #[test]
    fn dh003_icc_on_default_bridge() {
        for opts in [vec![], vec![(super::ICC_OPTION, "true")]] {
            let mut s = snap(host("testhost"));
            s.docker.networks = vec![net("bridge", "bridge", &opts), net("appnet", "bridge", &[])];
            let f = run_check("DH-003", &s);
            assert_eq!(f.len(), 1, "{f:?}");
            assert_eq!(f[0].resource.kind, "Host");
            assert_eq!(f[0].resource.name, "testhost");
            assert_eq!(
                f[0].evidence[0].path,
                "Options[\"com.docker.network.bridge.enable_icc\"]"
            );
        }
        // A network of an unknown host among several: attributed to Host "".
        let mut s = snap(host("a"));
        s.docker.hosts.push(host("b"));
        let mut n = net("bridge", "bridge", &[]);
        n.host = String::new();
        s.docker.networks = vec![n];
        let f = run_check("DH-003", &s);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].resource.name, "");
        let mut s = snap(host("testhost"));
        s.docker.networks = hardened_networks();
        assert!(run_check("DH-003", &s).is_empty());
    }

    #[test]
    fn dh004_insecure_registries() {
        let f = bad_host("DH-004", |h| {
            h.insecure_registries = vec![
                "127.0.0.0/8".into(),
                "::1/128".into(),
                "10.0.0.0/8".into(),
                "registry.local:5000".into(),
            ]
        });
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].discriminator, "10.0.0.0/8");
        assert_eq!(
            f[0].evidence[0].path,
            "RegistryConfig.InsecureRegistryCIDRs"
        );
        assert_eq!(
            f[1].evidence[0].path,
            "RegistryConfig.IndexConfigs[\"registry.local:5000\"].Secure"
        );
        passes("DH-004", |h| {
            h.insecure_registries = vec!["127.0.0.0/8".into()]
        });
    }

    #[test]
    fn dh005_aufs() {
        let f = bad_host("DH-005", |h| h.driver = "aufs".into());
        assert_eq!(f[0].evidence[0].path, "Driver");
        passes("DH-005", |h| h.driver = "overlay2".into());
    }

    #[test]
    fn dh006_tcp_without_tls() {
        let f = bad_host("DH-006", |h| {
            h.endpoint = Some("tcp://10.1.2.3:2375".into());
            h.endpoint_tls = Some(false);
        });
        assert_eq!(f[0].severity, Severity::Critical);
        assert_eq!(f[0].evidence[0].path, "Connection.Endpoint");
        assert_eq!(f[0].evidence[1].path, "Connection.TLS");
        let f = bad_host("DH-006", |h| {
            h.endpoint = Some("tcp://127.0.0.1:2375".into());
            h.endpoint_tls = Some(false);
        });
        assert_eq!(f[0].severity, Severity::High);
        passes("DH-006", |h| {
            h.endpoint = Some("tcp://10.1.2.3:2376".into());
            h.endpoint_tls = Some(true);
        });
        // Unknown TLS (from files) is not evidence of plain TCP.
        passes("DH-006", |h| {
            h.endpoint = Some("tcp://10.1.2.3:2375".into())
        });
        passes("DH-006", |h| h.endpoint_tls = Some(false));
    }

    #[test]
    fn dh007_userns() {
        let f = bad_host("DH-007", |h| {
            h.security_options = vec!["name=seccomp,profile=builtin".into()]
        });
        assert_eq!(f[0].evidence[0].path, "SecurityOptions");
        // Rootless mode runs in a user namespace already.
        passes("DH-007", |h| {
            h.security_options.retain(|o| o != "name=userns")
        });
        passes("DH-007", |h| {
            h.security_options.retain(|o| o != "name=rootless")
        });
    }

    #[test]
    fn dh008_authz() {
        let f = bad_host("DH-008", |h| h.authorization_plugins.clear());
        assert_eq!(f[0].evidence[0].path, "Plugins.Authorization");
        passes("DH-008", |_| {});
    }

    #[test]
    fn dh009_logging() {
        for d in ["json-file", "local", "none", ""] {
            let f = bad_host("DH-009", |h| h.logging_driver = d.into());
            assert_eq!(f[0].evidence[0].path, "LoggingDriver");
        }
        for d in ["journald", "syslog", "fluentd", "gelf"] {
            passes("DH-009", |h| h.logging_driver = d.into());
        }
    }

    #[test]
    fn dh010_live_restore() {
        let f = bad_host("DH-010", |h| h.live_restore_enabled = false);
        assert_eq!(f[0].evidence[0].path, "LiveRestoreEnabled");
        passes("DH-010", |h| {
            h.live_restore_enabled = false;
            h.swarm_state = "active".into();
        });
        passes("DH-010", |_| {});
    }

    #[test]
    fn dh011_experimental() {
        let f = bad_host("DH-011", |h| h.experimental_build = true);
        assert_eq!(f[0].evidence[0].path, "ExperimentalBuild");
        passes("DH-011", |_| {});
    }

    #[test]
    fn dh012_seccomp() {
        let f = bad_host("DH-012", |h| {
            h.security_options = vec![
                "name=apparmor".into(),
                "name=seccomp,profile=unconfined".into(),
            ]
        });
        assert_eq!(f[0].severity, Severity::High);
        assert_eq!(f[0].evidence[0].path, "SecurityOptions[1]");
        let f = bad_host("DH-012", |h| {
            h.security_options = vec!["name=seccomp,profile=/etc/docker/seccomp.json".into()]
        });
        assert_eq!(f[0].severity, Severity::Low);
        let f = bad_host("DH-012", |h| {
            h.security_options = vec!["name=rootless".into()]
        });
        assert_eq!(f[0].severity, Severity::Medium);
        assert_eq!(f[0].evidence[0].path, "SecurityOptions");
        passes("DH-012", |h| {
            h.security_options = vec!["name=seccomp,profile=default".into()]
        });
        passes("DH-012", |h| {
            h.security_options.clear();
            h.operating_system = "Windows Server 2022 Datacenter".into();
        });
        passes("DH-012", |_| {});
    }

    #[test]
    fn dh013_swarm() {
        let f = bad_host("DH-013", |h| h.swarm_state = "active".into());
        assert_eq!(f[0].evidence[0].path, "Swarm.LocalNodeState");
        passes("DH-013", |h| h.swarm_state = "inactive".into());
        passes("DH-013", |h| h.swarm_state = String::new());
    }

    #[test]
    fn dh014_overlay_unencrypted() {
        let mut s = snap(host("testhost"));
        s.docker.networks = vec![
            net(
                "ingress",
                "overlay",
                &[("com.docker.network.driver.overlay.vxlanid_list", "4096")],
            ),
            net("secure", "overlay", &[("encrypted", "")]),
            net("local", "bridge", &[]),
        ];
        let f = run_check("DH-014", &s);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].resource.kind, "Network");
        assert_eq!(f[0].resource.name, "ingress");
        assert_eq!(f[0].resource.host.as_deref(), Some("testhost"));
        assert_eq!(f[0].evidence[0].path, "Options[\"encrypted\"]");
        let mut s = snap(host("testhost"));
        s.docker.networks = hardened_networks();
        assert!(run_check("DH-014", &s).is_empty());
    }
}
