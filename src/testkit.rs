//! Builders for small snapshots in tests (unit tests, integration tests and benches).
//! Each builder marks the data it provides as collected, like a real source would.

use crate::model::*;

/// A snapshot with Docker data collected (engine, containers, images, history, networks)
/// and the given containers.
pub fn docker(containers: Vec<Container>) -> Snapshot {
    let mut s = Snapshot::new();
    for k in [
        DataKind::DockerEngine,
        DataKind::DockerContainers,
        DataKind::DockerImages,
        DataKind::DockerImageHistory,
        DataKind::DockerNetworks,
    ] {
        s.coverage.collected(k, "testhost");
    }
    s.docker.containers = containers;
    s
}

/// A hardened Docker container: non-root, read-only, caps dropped, limits, no-new-privileges,
/// seccomp and AppArmor default, health check, restart on-failure:3, on a user network.
pub fn container(name: &str) -> Container {
    Container {
        id: format!(
            "{:0<64}",
            name.bytes().map(|b| format!("{b:02x}")).collect::<String>()
        ),
        name: name.to_string(),
        host: "testhost".into(),
        image: "registry.example.com/app@sha256:0000".into(),
        image_id: "sha256:1111".into(),
        state: ContainerState {
            status: "running".into(),
            running: true,
            health: Some("healthy".into()),
        },
        user: "10001:10001".into(),
        cap_drop: vec!["ALL".into()],
        security_opt: vec!["no-new-privileges:true".into()],
        apparmor_profile: "docker-default".into(),
        network_mode: "appnet".into(),
        pid_mode: String::new(),
        ipc_mode: "private".into(),
        readonly_rootfs: true,
        memory: 256 * 1024 * 1024,
        nano_cpus: 500_000_000,
        pids_limit: Some(100),
        restart_policy: RestartPolicy {
            name: "on-failure".into(),
            maximum_retry_count: 3,
        },
        networks: vec!["appnet".into()],
        healthcheck: Some(Healthcheck {
            test: vec!["CMD".into(), "/healthz".into()],
        }),
        ..Default::default()
    }
}

/// A hardened image: non-root user, health check, tagged and pushed (has a digest).
pub fn image(tag: &str) -> Image {
    Image {
        id: "sha256:1111".into(),
        host: "testhost".into(),
        repo_tags: vec![tag.to_string()],
        repo_digests: vec![format!(
            "{}@sha256:{:0>64}",
            tag.rsplit_once(':').map_or(tag, |(r, _)| r),
            "ab"
        )],
        user: "10001".into(),
        healthcheck: Some(Healthcheck {
            test: vec!["CMD".into(), "/healthz".into()],
        }),
        history: vec![HistoryEntry {
            created_by: "COPY app /app # buildkit".into(),
            empty_layer: false,
        }],
        history_collected: true,
        ..Default::default()
    }
}

/// A Docker host configured the way CIS Docker asks.
pub fn host(name: &str) -> DockerHost {
    DockerHost {
        name: name.into(),
        id: "HOSTID".into(),
        server_version: "28.2.2".into(),
        driver: "overlay2".into(),
        logging_driver: "journald".into(),
        security_options: vec![
            "name=seccomp,profile=builtin".into(),
            "name=rootless".into(),
            "name=userns".into(),
            "name=apparmor".into(),
        ],
        live_restore_enabled: true,
        authorization_plugins: vec!["opa-docker-authz".into()],
        swarm_state: "inactive".into(),
        endpoint: Some("unix:///var/run/docker.sock".into()),
        endpoint_tls: None,
        ..Default::default()
    }
}

/// A snapshot with every Kubernetes kind collected and the given workloads.
pub fn kube(workloads: Vec<Workload>) -> Snapshot {
    let mut s = Snapshot::new();
    for k in DataKind::ALL.into_iter().filter(|k| !k.is_docker()) {
        s.coverage.collected(k, "cluster");
    }
    s.kube.workloads = workloads;
    s
}

/// A hardened container spec (restricted PSS, limits, probes, digest-pinned image).
pub fn kcontainer(name: &str) -> ContainerSpec {
    ContainerSpec {
        name: name.to_string().into(),
        image: "registry.example.com/app:1.4.2@sha256:00ff".into(),
        image_pull_policy: Some("IfNotPresent".into()),
        security_context: ContainerSecurityContext {
            privileged: Some(false),
            allow_privilege_escalation: Some(false),
            run_as_non_root: Some(true),
            run_as_user: Some(10001),
            run_as_group: Some(10001),
            read_only_root_filesystem: Some(true),
            capabilities_drop: vec!["ALL".into()],
            seccomp_profile: Some(SeccompProfile {
                kind: "RuntimeDefault".into(),
                localhost_profile: None,
            }),
            ..Default::default()
        },
        resources: Resources {
            requests_cpu: Some("100m".into()),
            requests_memory: Some("128Mi".into()),
            limits_cpu: Some("500m".into()),
            limits_memory: Some("256Mi".into()),
        },
        liveness_probe: true,
        readiness_probe: true,
        ..Default::default()
    }
}

/// A hardened Deployment in namespace `ns` with one container `app`.
pub fn deployment(ns: &str, name: &str) -> Workload {
    let mut labels = std::collections::BTreeMap::new();
    labels.insert("app".to_string(), name.to_string());
    Workload {
        kind: WorkloadKind::Deployment,
        meta: ObjectMeta {
            name: name.into(),
            namespace: Some(ns.into()),
            uid: format!("uid-{ns}-{name}").into(),
            labels: labels.clone().into(),
            ..Default::default()
        },
        replicas: Some(2),
        pod: PodSpec {
            labels: labels.into(),
            service_account_name: name.into(),
            automount_service_account_token: Some(false),
            security_context: PodSecurityContext {
                run_as_non_root: Some(true),
                seccomp_profile: Some(SeccompProfile {
                    kind: "RuntimeDefault".into(),
                    localhost_profile: None,
                }),
                ..Default::default()
            },
            containers: vec![kcontainer("app")],
            ..Default::default()
        },
        ..Default::default()
    }
}

/// A namespace with restricted Pod Security Admission labels.
pub fn namespace(name: &str) -> Namespace {
    let mut labels = std::collections::BTreeMap::new();
    labels.insert(
        "pod-security.kubernetes.io/enforce".into(),
        "restricted".into(),
    );
    Namespace {
        meta: ObjectMeta {
            name: name.into(),
            labels: labels.into(),
            ..Default::default()
        },
        phase: "Active".into(),
    }
}

/// Evaluate one check by id; panics (in tests) if the id is unknown.
pub fn run_check(id: &str, snapshot: &Snapshot) -> Vec<crate::findings::Finding> {
    match crate::checks::find(id) {
        Some(c) => c.evaluate(snapshot),
        None => panic!("no check {id}"),
    }
}
