//! File sources against realistic fixtures (tests/fixtures/inputs): kubectl JSON lists with
//! managedFields/status/ownerReferences, multi-document manifests, and the Docker CLI's
//! inspect/info output plus Engine API image history. Checks the normalized fields, the
//! coverage, controller identity, that planted secrets never reach the snapshot, and that a
//! saved snapshot loads back equal.

use std::path::{Path, PathBuf};

use docket::model::{
    Availability, DataKind, EnvValue, Snapshot, SourceKind, Workload, WorkloadKind,
};
use docket::sources::{self, docker_json, Loaded};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/inputs")
}

fn load(rel: &str) -> Loaded {
    match sources::load_paths(&[fixtures().join(rel)]) {
        Ok(l) => l,
        Err(e) => panic!("loading {rel}: {e}"),
    }
}

fn workload<'a>(s: &'a Snapshot, kind: WorkloadKind, name: &str) -> &'a Workload {
    s.kube
        .workloads
        .iter()
        .find(|w| w.kind == kind && w.meta.name == name)
        .unwrap_or_else(|| panic!("no {kind} {name}"))
}

/// Values planted in the fixtures that must never appear in a snapshot in clear.
const CANARIES: &[&str] = &[
    "AKIAFIXTURECANARY001",
    "FIXTURECANARYPEMBODYDONOTLEAK",
    "canary-db-password-7731",
    "canary-agent-token-5521",
    "canary-image-secret-8842",
    // base64 of a Secret's value: Secret values are never read, not even scrubbed.
    "Y2FuYXJ5LXNlY3JldC12YWx1ZS05OTE",
];

#[test]
fn planted_secrets_are_in_the_fixtures_and_in_no_snapshot() {
    let mut inputs = String::new();
    for sub in ["kube", "docker"] {
        let mut entries: Vec<_> = std::fs::read_dir(fixtures().join(sub))
            .expect("fixture dir")
            .filter_map(Result::ok)
            .collect();
        entries.sort_by_key(|e| e.path());
        for e in entries {
            inputs.push_str(&std::fs::read_to_string(e.path()).expect("fixture"));
        }
    }
    for c in CANARIES {
        assert!(
            inputs.contains(c),
            "canary {c} is not planted: this test would prove nothing"
        );
    }
    let l = load(".");
    let json = serde_json::to_string(&l.snapshot).expect("serialize");
    let pretty = serde_json::to_string_pretty(&l.snapshot).expect("serialize");
    for c in CANARIES {
        assert!(!json.contains(c), "snapshot contains canary {c}");
        assert!(!pretty.contains(c), "pretty snapshot contains canary {c}");
        for w in &l.warnings {
            assert!(!w.contains(c), "warning contains canary {c}: {w}");
        }
    }
    // The PEM block in a ConfigMap and in a container env were found, not just dropped.
    assert!(json.contains("private-key"), "no private-key hit recorded");
    assert!(
        json.contains("aws-access-key-id"),
        "no AWS key hit recorded"
    );
}

#[test]
fn kubectl_list_normalizes_pods_and_strips_bulk() {
    let l = load("kube/pods-and-replicasets.json");
    let s = &l.snapshot;
    let pod = workload(s, WorkloadKind::Pod, "billing-api-6f7c9d8b5d-x2x7q");
    assert_eq!(pod.meta.namespace.as_deref(), Some("billing"));
    assert_eq!(pod.phase.as_deref(), Some("Running"));
    assert_eq!(pod.pod.service_account_name, "billing");
    assert_eq!(pod.pod.automount_service_account_token, Some(true));
    assert_eq!(pod.pod.node_name.as_deref(), Some("worker-2"));
    assert_eq!(pod.pod.security_context.fs_group, Some(2000));
    assert_eq!(
        pod.pod
            .security_context
            .seccomp_profile
            .as_ref()
            .map(|p| p.kind.as_str()),
        Some("RuntimeDefault")
    );
    assert_eq!(
        pod.pod.labels.get("app").map(docket::model::Str::as_str),
        Some("billing-api")
    );

    let api = &pod.pod.containers[0];
    assert_eq!((api.name.as_str(), api.index, api.init), ("api", 0, false));
    assert_eq!(api.image, "registry.example.com/billing/api:2.4.1");
    let sc = &api.security_context;
    assert_eq!(sc.run_as_user, Some(10001));
    assert_eq!(sc.allow_privilege_escalation, Some(false));
    assert_eq!(sc.read_only_root_filesystem, Some(true));
    assert_eq!(sc.capabilities_add, vec!["NET_BIND_SERVICE"]);
    assert_eq!(sc.capabilities_drop, vec!["ALL"]);
    // Legacy AppArmor annotation folded into the container's context.
    assert_eq!(sc.apparmor_profile.as_deref(), Some("RuntimeDefault"));
    assert_eq!(api.resources.limits_cpu.as_deref(), Some("1"));
    assert_eq!(api.resources.requests_memory.as_deref(), Some("256Mi"));
    assert!(api.liveness_probe && !api.readiness_probe && !api.startup_probe);
    assert_eq!(api.ports[0].container_port, 8080);
    assert_eq!(api.volume_mounts[0].mount_path, "/etc/billing");
    assert!(api.volume_mounts[0].read_only);
    assert_eq!(api.env_from[0].kind, "Secret");
    assert_eq!(api.env_from[0].name, "billing-extra");
    let env = |n: &str| &api.env.iter().find(|e| e.name == n).expect("env").value;
    assert!(
        matches!(env("AWS_ACCESS_KEY_ID"), EnvValue::Redacted { rule, .. } if rule == "aws-access-key-id")
    );
    assert!(
        matches!(env("DB_PASSWORD"), EnvValue::SecretRef { name, key, .. } if name == "billing-db" && key == "password")
    );
    assert!(
        matches!(env("LOG_LEVEL"), EnvValue::ConfigMapRef { name, .. } if name == "billing-config")
    );
    assert!(matches!(env("POD_IP"), EnvValue::FieldRef { path } if path == "status.podIP"));
    assert!(matches!(env("REGION"), EnvValue::Literal { value } if value == "eu-west-1"));
    // `--db-password <value>`: the flag's value is redacted.
    assert!(api.args[2].contains("********"), "{:?}", api.args);
    assert!(api
        .secrets
        .iter()
        .any(|h| h.location == "env.AWS_ACCESS_KEY_ID"));
    assert!(api.secrets.iter().any(|h| h.location == "args[2]"));
    // The annotation holding a key was scrubbed, and the hit is on the workload.
    assert!(pod
        .secrets
        .iter()
        .any(|h| h.location == "annotation:example.com/debug-credentials"));

    let init = &pod.pod.init_containers[0];
    assert_eq!(
        (init.name.as_str(), init.index, init.init),
        ("wait-db", 0, true)
    );
    assert_eq!(init.security_context.privileged, Some(true));
    assert_eq!(init.path(), "initContainers[0]");

    let vols = &pod.pod.volumes;
    assert_eq!(vols[0].kind, "configMap");
    assert_eq!(vols[0].reference.as_deref(), Some("billing-config"));
    assert_eq!(vols[1].kind, "projected");

    let agent = workload(s, WorkloadKind::Pod, "node-agent-4kqzp");
    assert!(agent.pod.host_network && agent.pod.host_pid && !agent.pod.host_ipc);
    assert_eq!(agent.pod.volumes[0].kind, "hostPath");
    assert_eq!(agent.pod.volumes[0].host_path.as_deref(), Some("/"));

    // managedFields and status bulk are never copied.
    let json = serde_json::to_string(s).expect("serialize");
    for bulk in [
        "managedFields",
        "kube-controller-manager",
        "f:metadata",
        "containerd://9f1d",
        "10.244.2.17",
        "qosClass",
    ] {
        assert!(!json.contains(bulk), "snapshot holds {bulk}");
    }

    // Unknown kinds are skipped with a count.
    assert!(
        l.warnings.iter().any(|w| w.contains("Certificate (1)")),
        "{:?}",
        l.warnings
    );
    let cov = &s.coverage;
    assert_eq!(
        cov.availability(DataKind::KubeWorkloads),
        Availability::Complete
    );
    assert!(cov.entries.iter().any(|e| e.kind == DataKind::KubeWorkloads
        && e.scope.starts_with("file:")
        && e.scope.ends_with("pods-and-replicasets.json")));
    assert_eq!(cov.availability(DataKind::KubeRbac), Availability::Absent);
    assert_eq!(s.sources.len(), 1);
    assert_eq!(s.sources[0].kind, SourceKind::File);
}

#[test]
fn controller_identity_from_owner_references() {
    let s = load("kube/pods-and-replicasets.json").snapshot;
    let id = |kind, name| workload(&s, kind, name).controller_identity();
    assert_eq!(
        id(WorkloadKind::Pod, "billing-api-6f7c9d8b5d-x2x7q"),
        (WorkloadKind::Deployment, "billing-api")
    );
    assert_eq!(
        id(WorkloadKind::ReplicaSet, "billing-api-6f7c9d8b5d"),
        (WorkloadKind::Deployment, "billing-api")
    );
    assert_eq!(
        id(WorkloadKind::Pod, "nightly-report-29322840-8qvzt"),
        (WorkloadKind::CronJob, "nightly-report")
    );
    assert_eq!(
        id(WorkloadKind::Pod, "node-agent-4kqzp"),
        (WorkloadKind::DaemonSet, "node-agent")
    );
    // Pod and ReplicaSet of one Deployment collapse into one unit named after it.
    let units = s.kube.units();
    let billing: Vec<_> = units.iter().filter(|u| u.name == "billing-api").collect();
    assert_eq!(billing.len(), 1, "{units:?}");
    assert_eq!(billing[0].kind, WorkloadKind::Deployment);
}

#[test]
fn cluster_objects_and_secret_metadata() {
    let l = load("kube/cluster.json");
    let k = &l.snapshot.kube;
    let ns = k.namespace("billing").expect("namespace");
    assert_eq!(ns.phase, "Active");
    assert_eq!(ns.psa_level("enforce"), Some("baseline"));
    assert_eq!(ns.meta.namespace, None);
    let node = &k.nodes[0];
    assert_eq!(node.kubelet_version, "v1.31.2");
    assert_eq!(node.os_image, "Ubuntu 24.04.1 LTS");
    assert_eq!(node.kernel_version, "6.8.0-45-generic");
    assert_eq!(node.container_runtime, "containerd://1.7.18");
    assert_eq!(node.internal_ips, vec!["10.0.1.12"]);
    assert_eq!(node.external_ips, vec!["203.0.113.12"]);
    assert_eq!(
        k.service_accounts[0].automount_service_account_token,
        Some(false)
    );
    let role = &k.roles[0];
    assert!(role.cluster);
    assert_eq!(role.rules[0].resources, vec!["secrets"]);
    assert_eq!(role.rules[1].non_resource_urls, vec!["/metrics"]);
    let b = &k.bindings[0];
    assert!(b.cluster);
    assert_eq!(
        (b.role_ref.kind.as_str(), b.role_ref.name.as_str()),
        ("ClusterRole", "billing-reader")
    );
    assert_eq!(b.subjects[0].namespace.as_deref(), Some("billing"));
    assert_eq!(b.subjects[1].kind, "Group");
    let secret = &k.secrets[0];
    assert_eq!(secret.secret_type, "Opaque");
    assert_eq!(secret.keys, vec!["password", "username"]);
    assert!(
        secret.meta.annotations.is_empty(),
        "last-applied-configuration must be dropped"
    );
    for kind in [
        DataKind::KubeNamespaces,
        DataKind::KubeNodes,
        DataKind::KubeServiceAccounts,
        DataKind::KubeRbac,
        DataKind::KubeSecrets,
    ] {
        assert_eq!(
            l.snapshot.coverage.availability(kind),
            Availability::Complete,
            "{kind:?}"
        );
    }
}

#[test]
fn typed_empty_list_marks_its_kind_collected() {
    let l = load("kube/networkpolicies-empty.json");
    assert!(l.snapshot.kube.network_policies.is_empty());
    assert_eq!(
        l.snapshot
            .coverage
            .availability(DataKind::KubeNetworkPolicies),
        Availability::Complete
    );
}

#[test]
fn yaml_manifests_with_a_non_kubernetes_document() {
    let l = load("kube/manifests.yaml");
    let s = &l.snapshot;
    assert!(
        l.warnings
            .iter()
            .any(|w| w.contains("manifests.yaml") && w.contains("#2")),
        "{:?}",
        l.warnings
    );
    let d = workload(s, WorkloadKind::Deployment, "portal-web");
    assert_eq!(d.meta.namespace.as_deref(), Some("portal"));
    assert_eq!(d.replicas, Some(3));
    assert!(
        d.meta.annotations.is_empty(),
        "last-applied-configuration must be dropped"
    );
    assert_eq!(d.controller, None);
    assert_eq!(
        d.pod
            .labels
            .get("app.kubernetes.io/name")
            .map(docket::model::Str::as_str),
        Some("portal-web")
    );
    let web = &d.pod.containers[0];
    assert_eq!(
        web.security_context.apparmor_profile.as_deref(),
        Some("Localhost")
    );
    assert_eq!(web.resources.limits_cpu.as_deref(), Some("1"));
    assert_eq!(web.resources.requests_cpu.as_deref(), Some("100m"));
    assert!(web.readiness_probe);
    assert!(web.args[1].starts_with("--token="), "{:?}", web.args);
    assert!(web.env[0].is_literal_secret());
    assert!(matches!(&web.env[1].value, EnvValue::Literal { value } if value == "new-ui,audit"));

    let svc = &s.kube.services[0];
    assert_eq!(svc.service_type, "LoadBalancer");
    assert_eq!(svc.ports[0].target_port, "https");
    assert_eq!(svc.ports[0].node_port, Some(31443));
    assert_eq!(svc.external_ips, vec!["198.51.100.7"]);

    let ing = &s.kube.ingresses[0];
    assert!(ing.has_tls);
    assert_eq!(ing.tls_hosts, vec!["portal.example.com"]);
    assert_eq!(ing.backends[0].service, "portal-web");
    assert_eq!(ing.backends[0].port, "https");
    assert_eq!(ing.ingress_class.as_deref(), Some("nginx"));

    let np = &s.kube.network_policies[0];
    assert_eq!(np.policy_types, vec!["Ingress"]);
    assert!(np.ingress[0].peers[0].namespace_selector.is_some());
    assert_eq!(np.ingress[0].ports[0].port.as_deref(), Some("8443"));
    assert_eq!(np.ingress[0].ports[0].protocol, "TCP");

    let cm = &s.kube.config_maps[0];
    assert_eq!(cm.keys, vec!["app.properties", "tls.key"]);
    assert!(cm
        .secrets
        .iter()
        .any(|h| h.rule == "private-key" && h.location == "data.tls.key"));

    let cron = workload(s, WorkloadKind::CronJob, "portal-cleanup");
    assert_eq!(cron.schedule.as_deref(), Some("17 3 * * *"));
    assert_eq!(
        cron.pod.containers[0].command,
        vec!["/cleanup", "--older-than=30d"]
    );
    assert_eq!(
        cron.pod
            .security_context
            .seccomp_profile
            .as_ref()
            .map(|p| p.kind.as_str()),
        Some("RuntimeDefault")
    );
    for kind in [
        DataKind::KubeWorkloads,
        DataKind::KubeServices,
        DataKind::KubeIngresses,
        DataKind::KubeNetworkPolicies,
        DataKind::KubeConfigMaps,
    ] {
        assert_eq!(
            s.coverage.availability(kind),
            Availability::Complete,
            "{kind:?}"
        );
    }
}

#[test]
fn docker_inspect_info_history_and_networks() {
    let l = load("docker");
    let d = &l.snapshot.docker;
    assert_eq!(d.hosts.len(), 1);
    let host = &d.hosts[0];
    assert_eq!(host.name, "build-host-01");
    assert_eq!(host.server_version, "27.3.1");
    assert_eq!(host.driver, "overlay2");
    assert_eq!(host.cgroup_driver, "systemd");
    assert_eq!(host.security_options.len(), 3);
    assert_eq!(
        host.insecure_registries,
        vec!["127.0.0.0/8", "registry.internal:5000"]
    );
    assert_eq!(host.swarm_state, "inactive");
    assert_eq!((host.containers_total, host.images_total), (2, 2));
    assert_eq!(host.endpoint, None);

    // Exactly one `docker info` in the set: file objects get its host name.
    assert!(d.containers.iter().all(|c| c.host == "build-host-01"));
    assert!(d.images.iter().all(|i| i.host == "build-host-01"));
    assert!(d.networks.iter().all(|n| n.host == "build-host-01"));

    let web = d.containers.iter().find(|c| c.name == "web").expect("web");
    assert_eq!(web.image, "registry.example.com/web/nginx:1.27.2");
    assert!(web.image_id.starts_with("sha256:9b1c"));
    assert_eq!(web.user, "101:101");
    assert!(web.readonly_rootfs && !web.privileged);
    assert_eq!(web.cap_add, vec!["NET_ADMIN"]);
    assert_eq!(web.security_opt, vec!["no-new-privileges:true"]);
    assert_eq!(
        (web.memory, web.nano_cpus, web.cpu_shares),
        (268435456, 500000000, 512)
    );
    assert_eq!(web.pids_limit, Some(200));
    assert_eq!(web.restart_policy.name, "on-failure");
    assert_eq!(web.restart_policy.maximum_retry_count, 5);
    assert_eq!(web.port_bindings.len(), 2);
    assert_eq!(web.port_bindings[0].container_port, "443/tcp");
    assert_eq!(web.port_bindings[0].host_ip, "127.0.0.1");
    assert!(web.port_bindings[1].on_all_interfaces());
    assert_eq!(web.mounts[0].source, "/srv/www");
    assert!(!web.mounts[0].rw);
    assert_eq!(web.networks, vec!["bridge"]);
    assert_eq!(web.apparmor_profile, "docker-default");
    assert_eq!(web.state.health.as_deref(), Some("healthy"));
    assert_eq!(
        web.command,
        vec!["/docker-entrypoint.sh", "nginx", "-g", "daemon off;"]
    );
    assert_eq!(web.compose_service(), Some(("shop", "web")));
    assert!(web.healthcheck.as_ref().is_some_and(|h| !h.is_disabled()));
    assert!(web
        .secrets
        .iter()
        .any(|h| h.location == "env.UPSTREAM_AWS_KEY"));

    let agent = d
        .containers
        .iter()
        .find(|c| c.name == "ops-agent")
        .expect("agent");
    assert!(agent.privileged);
    assert_eq!(
        (
            agent.network_mode.as_str(),
            agent.pid_mode.as_str(),
            agent.ipc_mode.as_str(),
            agent.uts_mode.as_str()
        ),
        ("host", "host", "host", "host")
    );
    assert_eq!(agent.userns_mode, "host");
    assert_eq!(agent.cgroupns_mode, "host");
    assert_eq!(agent.devices[0].path_on_host, "/dev/kmsg");
    assert_eq!(agent.pids_limit, None);
    assert_eq!(agent.state.status, "created");
    assert!(!agent.state.running);
    assert_eq!(agent.mounts[1].propagation, "rshared");
    assert!(agent.mounts[0].rw);
    assert!(agent.command[2].contains("********"), "{:?}", agent.command);
    let rules: Vec<_> = agent.secrets.iter().map(|h| h.rule.as_str()).collect();
    assert!(rules.contains(&"private-key"), "{rules:?}");
    assert!(matches!(agent.env[2].value, EnvValue::Empty));

    let nginx = d
        .images
        .iter()
        .find(|i| i.id.starts_with("sha256:9b1c"))
        .expect("image");
    assert_eq!(
        nginx.repo_tags,
        vec!["registry.example.com/web/nginx:1.27.2"]
    );
    assert_eq!(nginx.exposed_ports, vec!["80/tcp"]);
    assert!(nginx.history_collected, "history attached across files");
    assert_eq!(nginx.history.len(), 4);
    assert!(nginx.history[0].empty_layer && !nginx.history[1].empty_layer);
    assert!(nginx.secrets.iter().any(|h| h.location == "history[1]"));
    let agent_img = d
        .images
        .iter()
        .find(|i| i.id.starts_with("sha256:1a2b"))
        .expect("image");
    assert!(!agent_img.history_collected);
    assert!(agent_img
        .healthcheck
        .as_ref()
        .is_some_and(|h| h.is_disabled()));
    assert_eq!(agent_img.volumes, vec!["/data"]);
    assert!(agent_img.env[1].is_literal_secret());
    assert_eq!(d.images.len(), 2, "history stub merged into its image");

    let bridge = d
        .networks
        .iter()
        .find(|n| n.name == "bridge")
        .expect("bridge");
    assert_eq!(bridge.containers, vec!["web"]);
    assert_eq!(
        bridge
            .options
            .get("com.docker.network.bridge.enable_icc")
            .map(String::as_str),
        Some("true")
    );
    assert!(d.networks.iter().any(|n| n.name == "backend" && n.internal));

    for kind in [
        DataKind::DockerEngine,
        DataKind::DockerContainers,
        DataKind::DockerImages,
        DataKind::DockerImageHistory,
        DataKind::DockerNetworks,
    ] {
        assert_eq!(
            l.snapshot.coverage.availability(kind),
            Availability::Complete,
            "{kind:?}"
        );
    }
    assert_eq!(
        l.snapshot.coverage.availability(DataKind::DockerConnection),
        Availability::Absent
    );
    // Sources are listed in path order (directories are walked sorted).
    let locs: Vec<_> = l
        .snapshot
        .sources
        .iter()
        .map(|s| s.location.clone())
        .collect();
    let mut sorted = locs.clone();
    sorted.sort();
    assert_eq!(locs, sorted);
}

#[test]
fn history_file_alone_keeps_an_image_stub() {
    let l = load("docker/history-nginx.json");
    let img = &l.snapshot.docker.images[0];
    assert!(img.id.starts_with("sha256:9b1c"));
    assert!(img.history_collected);
    assert_eq!(img.host, "", "no docker info: host unknown");
}

#[test]
fn container_from_file_equals_the_live_normalizer() {
    // The live source will feed `serde_json::to_value(bollard object)` to the same fn.
    let text = std::fs::read_to_string(fixtures().join("docker/containers.json")).expect("read");
    let v: serde_json::Value = serde_json::from_str(&text).expect("json");
    let direct = docker_json::container(&v[0]);
    let from_file = sources::load_bytes("containers.json", text.as_bytes()).expect("load");
    assert_eq!(from_file.snapshot.docker.containers[0], direct);
}

#[test]
fn mixed_docker_inspect_array() {
    let text = format!(
        "[{}, {}]",
        serde_json::json!({"Id": "c1", "Name": "/a", "State": {}, "HostConfig": {}, "Config": {}}),
        serde_json::json!({"Id": "sha256:i1", "RepoTags": ["a:1"], "RootFS": {}})
    );
    let l = sources::load_bytes("mixed.json", text.as_bytes()).expect("load");
    assert_eq!(l.snapshot.docker.containers.len(), 1);
    assert_eq!(l.snapshot.docker.images.len(), 1);
    assert_eq!(
        l.snapshot.coverage.availability(DataKind::DockerImages),
        Availability::Complete
    );
}

#[test]
fn yaml_kind_list_is_read() {
    let yaml = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ServiceAccount\n  metadata: {name: a, namespace: b}\n";
    let l = sources::load_bytes("list.yaml", yaml.as_bytes()).expect("load");
    assert_eq!(l.snapshot.kube.service_accounts[0].meta.key(), "b/a");
}

#[test]
fn saved_snapshot_loads_back_equal() {
    let original = load(".").snapshot;
    assert!(!original.kube.workloads.is_empty() && !original.docker.containers.is_empty());
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("snapshot.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&original).expect("ser")).expect("write");
    let back = sources::load_paths(std::slice::from_ref(&path)).expect("load back");
    assert_eq!(back.snapshot, original);
    assert!(back.warnings.is_empty(), "{:?}", back.warnings);
    let bytes = std::fs::read(&path).expect("read");
    let direct = sources::load_bytes("snapshot.json", &bytes).expect("load");
    assert_eq!(direct.snapshot, original);
}

#[test]
fn two_docker_infos_leave_file_objects_without_a_host() {
    let dir = tempfile::tempdir().expect("tempdir");
    let info = std::fs::read_to_string(fixtures().join("docker/info.json")).expect("info");
    std::fs::write(dir.path().join("a-info.json"), &info).expect("write");
    std::fs::write(
        dir.path().join("b-info.json"),
        info.replace("build-host-01", "build-host-02"),
    )
    .expect("write");
    std::fs::copy(
        fixtures().join("docker/containers.json"),
        dir.path().join("c.json"),
    )
    .expect("copy");
    let l = sources::load_paths(&[dir.path().to_path_buf()]).expect("load");
    assert_eq!(l.snapshot.docker.hosts.len(), 2);
    assert!(l
        .snapshot
        .docker
        .containers
        .iter()
        .all(|c| c.host.is_empty()));
}
