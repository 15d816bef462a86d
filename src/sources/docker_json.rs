//! Docker Engine API objects (as `docker inspect`, `docker image inspect`, `docker info
//! --format '{{json .}}'`, `docker network inspect` and `GET /images/{id}/history` print
//! them) normalized into the model. The live Docker source feeds `serde_json::to_value` of
//! its bollard objects through these same functions.
//!
//! Every free-text value (env, labels, command, history) is scrubbed here, before it
//! enters the snapshot.

use serde_json::Value;

use super::value::{
    arr, bool_at, get, i64_at, keys, opt_i64, opt_str, scalar_string, scrubbed_map, str_at, strings,
};
use crate::model::{
    Container, ContainerState, DeviceMapping, DockerHost, DockerNetwork, DockerVolume, EnvVar,
    Healthcheck, HistoryEntry, Image, Mount, PortBinding, RestartPolicy, SecretHit,
};
use crate::secrets;

/// `docker inspect` of a container: has `State`, `HostConfig` and `Config`.
pub fn is_container(v: &Value) -> bool {
    has_all(v, &["State", "HostConfig", "Config"])
}

/// `docker image inspect`: has `RepoTags` or `RootFS` (and is not a container).
pub fn is_image(v: &Value) -> bool {
    !is_container(v) && (has_all(v, &["RepoTags"]) || has_all(v, &["RootFS"]))
}

/// `docker network inspect`: has `Driver` and `IPAM`.
pub fn is_network(v: &Value) -> bool {
    has_all(v, &["Driver", "IPAM"])
}

/// `docker volume inspect`: has `Mountpoint` and `Driver` (and no `IPAM`).
pub fn is_volume(v: &Value) -> bool {
    has_all(v, &["Mountpoint", "Driver", "Name"]) && get(v, &["IPAM"]).is_none()
}

/// One entry of `GET /images/{id}/history`: has `CreatedBy` and `Created`.
pub fn is_history_entry(v: &Value) -> bool {
    has_all(v, &["CreatedBy", "Created"])
}

/// `docker info --format '{{json .}}'`: has `ServerVersion` and `Driver`.
pub fn is_host_info(v: &Value) -> bool {
    has_all(v, &["ServerVersion", "Driver"])
}

fn has_all(v: &Value, fields: &[&str]) -> bool {
    v.as_object()
        .is_some_and(|m| fields.iter().all(|f| m.contains_key(*f)))
}

/// `Config.Env` style `NAME=value` strings, scrubbed.
fn env_list(v: &Value, path: &[&str], hits: &mut Vec<SecretHit>) -> Vec<EnvVar> {
    strings::<String>(v, path)
        .iter()
        .map(|entry| {
            let (name, value) = match entry.split_once('=') {
                Some((n, val)) => (n, Some(val)),
                None => (entry.as_str(), None),
            };
            let (value, h) = secrets::scrub_env(name, value, &format!("env.{name}"));
            hits.extend(h);
            EnvVar {
                name: name.to_string().into(),
                value,
            }
        })
        .collect()
}

/// A command-like field: an array of strings, or (older engines) one string.
fn command_list(v: &Value, path: &[&str]) -> Vec<String> {
    match get(v, path) {
        Some(Value::String(s)) => vec![s.clone()],
        _ => strings(v, path),
    }
}

fn healthcheck(v: &Value, path: &[&str]) -> Option<Healthcheck> {
    let hc = get(v, path)?;
    if !hc.is_object() {
        return None;
    }
    Some(Healthcheck {
        test: command_list(hc, &["Test"]),
    })
}

/// `docker inspect` of one container.
pub fn container(v: &Value) -> Container {
    let mut hits = Vec::new();
    let hc = |f: &str| str_at(v, &["HostConfig", f]);
    let mut port_bindings = Vec::new();
    if let Some(pb) = get(v, &["HostConfig", "PortBindings"]).and_then(Value::as_object) {
        for (port, bindings) in pb {
            for b in bindings.as_array().map(Vec::as_slice).unwrap_or(&[]) {
                port_bindings.push(PortBinding {
                    container_port: port.clone(),
                    host_ip: str_at(b, &["HostIp"]),
                    host_port: str_at(b, &["HostPort"]),
                });
            }
        }
    }
    port_bindings.sort();
    let devices = arr(v, &["HostConfig", "Devices"])
        .iter()
        .map(|d| DeviceMapping {
            path_on_host: str_at(d, &["PathOnHost"]),
            path_in_container: str_at(d, &["PathInContainer"]),
            cgroup_permissions: str_at(d, &["CgroupPermissions"]),
        })
        .collect();
    let mounts = arr(v, &["Mounts"])
        .iter()
        .map(|m| Mount {
            kind: str_at(m, &["Type"]),
            source: str_at(m, &["Source"]),
            destination: str_at(m, &["Destination"]),
            rw: bool_at(m, &["RW"]),
            propagation: str_at(m, &["Propagation"]),
        })
        .collect();
    let mut command = Vec::new();
    let path: String = str_at(v, &["Path"]);
    if !path.is_empty() {
        command.push(path);
    }
    command.extend(command_list(v, &["Args"]));
    let (command, h) = secrets::scrub_args(&command, "command");
    hits.extend(h);
    let env = env_list(v, &["Config", "Env"], &mut hits);
    let labels = scrubbed_map(v, &["Config", "Labels"], "label", &mut hits);
    Container {
        id: str_at(v, &["Id"]),
        name: str_at::<String>(v, &["Name"])
            .trim_start_matches('/')
            .to_string(),
        host: String::new(),
        image: str_at(v, &["Config", "Image"]),
        image_id: str_at(v, &["Image"]),
        created: str_at(v, &["Created"]),
        state: ContainerState {
            status: str_at(v, &["State", "Status"]),
            running: bool_at(v, &["State", "Running"]),
            health: opt_str(v, &["State", "Health", "Status"]),
        },
        user: str_at(v, &["Config", "User"]),
        privileged: bool_at(v, &["HostConfig", "Privileged"]),
        cap_add: strings(v, &["HostConfig", "CapAdd"]),
        cap_drop: strings(v, &["HostConfig", "CapDrop"]),
        security_opt: strings(v, &["HostConfig", "SecurityOpt"]),
        apparmor_profile: str_at(v, &["AppArmorProfile"]),
        network_mode: hc("NetworkMode"),
        pid_mode: hc("PidMode"),
        ipc_mode: hc("IpcMode"),
        uts_mode: hc("UTSMode"),
        userns_mode: hc("UsernsMode"),
        cgroupns_mode: hc("CgroupnsMode"),
        devices,
        readonly_rootfs: bool_at(v, &["HostConfig", "ReadonlyRootfs"]),
        memory: i64_at(v, &["HostConfig", "Memory"]),
        nano_cpus: i64_at(v, &["HostConfig", "NanoCpus"]),
        cpu_shares: i64_at(v, &["HostConfig", "CpuShares"]),
        cpu_quota: i64_at(v, &["HostConfig", "CpuQuota"]),
        pids_limit: opt_i64(v, &["HostConfig", "PidsLimit"]),
        restart_policy: RestartPolicy {
            name: str_at(v, &["HostConfig", "RestartPolicy", "Name"]),
            maximum_retry_count: i64_at(v, &["HostConfig", "RestartPolicy", "MaximumRetryCount"]),
        },
        port_bindings,
        mounts,
        networks: keys(v, &["NetworkSettings", "Networks"]),
        env,
        labels,
        command,
        healthcheck: healthcheck(v, &["Config", "Healthcheck"]),
        secrets: hits,
    }
}

/// `docker image inspect` of one image (history is attached separately).
pub fn image(v: &Value) -> Image {
    let mut hits = Vec::new();
    let env = env_list(v, &["Config", "Env"], &mut hits);
    let labels = scrubbed_map(v, &["Config", "Labels"], "label", &mut hits);
    let (entrypoint, h) =
        secrets::scrub_args(&command_list(v, &["Config", "Entrypoint"]), "entrypoint");
    hits.extend(h);
    let (cmd, h) = secrets::scrub_args(&command_list(v, &["Config", "Cmd"]), "cmd");
    hits.extend(h);
    Image {
        id: str_at(v, &["Id"]),
        host: String::new(),
        repo_tags: strings(v, &["RepoTags"]),
        repo_digests: strings(v, &["RepoDigests"]),
        created: str_at(v, &["Created"]),
        os: str_at(v, &["Os"]),
        architecture: str_at(v, &["Architecture"]),
        user: str_at(v, &["Config", "User"]),
        healthcheck: healthcheck(v, &["Config", "Healthcheck"]),
        env,
        exposed_ports: keys(v, &["Config", "ExposedPorts"]),
        volumes: keys(v, &["Config", "Volumes"]),
        labels,
        entrypoint,
        cmd,
        history: Vec::new(),
        history_collected: false,
        secrets: hits,
    }
}

/// `docker info --format '{{json .}}'` (the Engine API `GET /info`).
pub fn host_info(v: &Value) -> DockerHost {
    let mut insecure = strings(v, &["RegistryConfig", "InsecureRegistryCIDRs"]);
    if let Some(idx) = get(v, &["RegistryConfig", "IndexConfigs"]).and_then(Value::as_object) {
        for (key, cfg) in idx {
            if get(cfg, &["Secure"]).and_then(Value::as_bool) == Some(false) {
                let name = opt_str(cfg, &["Name"]).unwrap_or_else(|| key.clone());
                if !insecure.contains(&name) {
                    insecure.push(name);
                }
            }
        }
    }
    DockerHost {
        name: str_at(v, &["Name"]),
        id: str_at(v, &["ID"]),
        server_version: str_at(v, &["ServerVersion"]),
        operating_system: str_at(v, &["OperatingSystem"]),
        kernel_version: str_at(v, &["KernelVersion"]),
        architecture: str_at(v, &["Architecture"]),
        driver: str_at(v, &["Driver"]),
        logging_driver: str_at(v, &["LoggingDriver"]),
        cgroup_driver: str_at(v, &["CgroupDriver"]),
        security_options: strings(v, &["SecurityOptions"]),
        live_restore_enabled: bool_at(v, &["LiveRestoreEnabled"]),
        experimental_build: bool_at(v, &["ExperimentalBuild"]),
        insecure_registries: insecure,
        authorization_plugins: strings(v, &["Plugins", "Authorization"]),
        swarm_state: str_at(v, &["Swarm", "LocalNodeState"]),
        containers_total: i64_at(v, &["Containers"]),
        images_total: i64_at(v, &["Images"]),
        endpoint: None,
        endpoint_tls: None,
    }
}

/// An image history as `GET /images/{id}/history` returns it (newest first).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    /// The first entry's `Id`: the image the history belongs to (None when `<missing>`).
    pub image_id: Option<String>,
    pub entries: Vec<HistoryEntry>,
    /// Secrets found in `CreatedBy` (values redacted), located `history[i]`.
    pub secrets: Vec<SecretHit>,
}

/// Normalize a history array (anything else gives an empty history).
pub fn history(v: &Value) -> History {
    let items = v.as_array().map(Vec::as_slice).unwrap_or(&[]);
    let image_id = items
        .first()
        .and_then(|e| get(e, &["Id"]))
        .and_then(Value::as_str)
        .filter(|id| !id.is_empty() && *id != "<missing>")
        .map(str::to_string);
    let mut out = History {
        image_id,
        ..History::default()
    };
    for (i, e) in items.iter().enumerate() {
        let (created_by, h) = secrets::scrub(
            &str_at::<String>(e, &["CreatedBy"]),
            &format!("history[{i}]"),
        );
        out.secrets.extend(h);
        out.entries.push(HistoryEntry {
            created_by,
            empty_layer: opt_i64(e, &["Size"]) == Some(0),
        });
    }
    out
}

/// Attach a history to its image and mark it collected.
pub fn attach_history(image: &mut Image, history: History) {
    image.history = history.entries;
    image.history_collected = true;
    image
        .secrets
        .retain(|h| !h.location.starts_with("history["));
    image.secrets.extend(history.secrets);
}

/// `docker network inspect` of one network.
pub fn network(v: &Value) -> DockerNetwork {
    let mut containers: Vec<String> = get(v, &["Containers"])
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(id, c)| opt_str(c, &["Name"]).unwrap_or_else(|| id.clone()))
                .collect()
        })
        .unwrap_or_default();
    containers.sort();
    let mut options = std::collections::BTreeMap::new();
    if let Some(m) = get(v, &["Options"]).and_then(Value::as_object) {
        for (k, val) in m {
            if let Some(s) = scalar_string(val) {
                options.insert(k.clone(), secrets::scrub(&s, &format!("option:{k}")).0);
            }
        }
    }
    DockerNetwork {
        id: str_at(v, &["Id"]),
        name: str_at(v, &["Name"]),
        host: String::new(),
        driver: str_at(v, &["Driver"]),
        scope: str_at(v, &["Scope"]),
        internal: bool_at(v, &["Internal"]),
        options,
        containers,
    }
}

pub fn volume(v: &Value) -> DockerVolume {
    let map = |key: &str| {
        let mut out = std::collections::BTreeMap::new();
        if let Some(m) = get(v, &[key]).and_then(Value::as_object) {
            for (k, val) in m {
                if let Some(s) = scalar_string(val) {
                    let loc = format!("{}:{k}", key.to_ascii_lowercase());
                    out.insert(k.clone(), secrets::scrub(&s, &loc).0);
                }
            }
        }
        out
    };
    DockerVolume {
        name: str_at(v, &["Name"]),
        host: String::new(),
        driver: str_at(v, &["Driver"]),
        mountpoint: str_at(v, &["Mountpoint"]),
        scope: str_at(v, &["Scope"]),
        labels: map("Labels").into(),
        options: map("Options"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EnvValue;
    use serde_json::json;

    #[test]
    fn container_normalizes_host_config_and_scrubs() {
        let v = json!({
            "Id": "abc", "Name": "/web", "Image": "sha256:1", "Path": "app",
            "Args": ["--password", "hunter2hunter2", "--port", "80"],
            "State": {"Status": "running", "Running": true, "Health": {"Status": "healthy"}},
            "HostConfig": {"Privileged": true, "CapAdd": ["NET_ADMIN"], "CapDrop": null,
                "PidsLimit": null, "Memory": "lots",
                "PortBindings": {"443/tcp": [{"HostIp": "", "HostPort": "443"}],
                                  "80/tcp": [{"HostIp": "127.0.0.1", "HostPort": "8080"}]}},
            "Config": {"Env": ["DB_PASSWORD=s3cr3t-value", "PATH=/bin", "EMPTY"],
                       "Labels": {"k": "AKIAABCDEFGHIJKLMNOP"}, "Image": "web:1"},
            "NetworkSettings": {"Networks": {"bridge": {}}}
        });
        let c = container(&v);
        assert_eq!(c.name, "web");
        assert!(c.privileged);
        assert_eq!(c.cap_add, vec!["NET_ADMIN"]);
        assert!(c.cap_drop.is_empty());
        assert_eq!(c.memory, 0, "wrong type reads as default");
        assert_eq!(c.pids_limit, None);
        assert_eq!(c.port_bindings[0].container_port, "443/tcp");
        assert_eq!(c.port_bindings[1].host_ip, "127.0.0.1");
        assert_eq!(c.state.health.as_deref(), Some("healthy"));
        assert_eq!(c.networks, vec!["bridge"]);
        assert!(matches!(c.env[0].value, EnvValue::Redacted { .. }));
        assert!(matches!(c.env[2].value, EnvValue::Empty));
        let text = serde_json::to_string(&c).unwrap_or_default();
        assert!(!text.contains("s3cr3t-value"));
        assert!(!text.contains("hunter2hunter2"));
        assert!(!text.contains("AKIAABCDEFGHIJKLMNOP"));
        assert!(c.secrets.len() >= 3, "{:?}", c.secrets);
    }

    #[test]
    fn host_info_collects_insecure_registries() {
        let v = json!({"ServerVersion": "27.0", "Driver": "overlay2", "Name": "h1",
            "RegistryConfig": {"InsecureRegistryCIDRs": ["127.0.0.0/8"],
              "IndexConfigs": {"docker.io": {"Name": "docker.io", "Secure": true},
                               "reg.local:5000": {"Name": "reg.local:5000", "Secure": false}}},
            "Plugins": {"Authorization": null}, "Swarm": {"LocalNodeState": "inactive"}});
        let h = host_info(&v);
        assert_eq!(h.insecure_registries, vec!["127.0.0.0/8", "reg.local:5000"]);
        assert!(h.authorization_plugins.is_empty());
        assert_eq!(h.swarm_state, "inactive");
    }

    #[test]
    fn history_takes_image_id_from_first_entry_and_scrubs() {
        let v = json!([
            {"Id": "sha256:img", "Created": 1, "CreatedBy": "/bin/sh -c #(nop) ENV API_KEY=AKIAABCDEFGHIJKLMNOP", "Size": 0},
            {"Id": "<missing>", "Created": 0, "CreatedBy": "ADD file:x in /", "Size": 100}
        ]);
        let h = history(&v);
        assert_eq!(h.image_id.as_deref(), Some("sha256:img"));
        assert!(h.entries[0].empty_layer);
        assert!(!h.entries[0].created_by.contains("AKIAABCDEFGHIJKLMNOP"));
        assert_eq!(h.secrets[0].location, "history[0]");
    }
}

#[cfg(test)]
mod volume_tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn volume_normalizes_and_scrubs_options() {
        let v = json!({"Name": "pgdata", "Driver": "local", "Mountpoint": "/var/lib/docker/volumes/pgdata/_data",
            "Scope": "local", "Labels": {"com.docker.compose.project": "lumen"},
            "Options": {"type": "cifs", "o": "username=svc,password=canaryVolPass99"}});
        assert!(is_volume(&v) && !is_network(&v));
        let vol = volume(&v);
        assert_eq!(
            (vol.name.as_str(), vol.driver.as_str()),
            ("pgdata", "local")
        );
        assert_eq!(
            vol.labels
                .get("com.docker.compose.project")
                .unwrap()
                .as_str(),
            "lumen"
        );
        assert!(
            !vol.options["o"].contains("canaryVolPass99"),
            "{:?}",
            vol.options
        );
    }
}
