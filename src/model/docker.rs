//! Docker inventory: engine info, images, containers, networks. Field names follow the
//! Engine API (`docker info`, `docker image inspect`, `docker inspect`) so a reader can map
//! a finding's evidence path back to the object.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::labels::Labels;

use super::text::{EnvVar, SecretHit};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DockerInventory {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hosts: Vec<DockerHost>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<Image>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub containers: Vec<Container>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub networks: Vec<DockerNetwork>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub volumes: Vec<DockerVolume>,
}

impl DockerInventory {
    pub fn merge(&mut self, other: DockerInventory) {
        self.hosts.extend(other.hosts);
        self.images.extend(other.images);
        self.containers.extend(other.containers);
        self.networks.extend(other.networks);
        self.volumes.extend(other.volumes);
        super::dedup_by_key(&mut self.hosts, |h| h.name.clone());
        super::dedup_by_key(&mut self.images, |i| (i.host.clone(), i.id.clone()));
        super::dedup_by_key(&mut self.containers, |c| (c.host.clone(), c.id.clone()));
        super::dedup_by_key(&mut self.networks, |n| (n.host.clone(), n.id.clone()));
        super::dedup_by_key(&mut self.volumes, |v| (v.host.clone(), v.name.clone()));
    }

    /// The image a container runs, by image id on the same host (or any host when the
    /// container's host is unknown).
    pub fn image_of(&self, c: &Container) -> Option<&Image> {
        self.images.iter().find(|i| {
            i.id == c.image_id && (c.host.is_empty() || i.host.is_empty() || i.host == c.host)
        })
    }
}

/// `docker info` (+ `docker version`), and how the daemon was reached.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DockerHost {
    /// Engine `Name` (the host name); the host key other Docker objects refer to.
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub server_version: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub operating_system: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kernel_version: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub architecture: String,
    /// Storage driver (`Driver`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub driver: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub logging_driver: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub cgroup_driver: String,
    /// Raw `SecurityOptions`, e.g. `name=seccomp,profile=builtin`, `name=rootless`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub security_options: Vec<String>,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub live_restore_enabled: bool,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub experimental_build: bool,
    /// `RegistryConfig.InsecureRegistryCIDRs` plus index names marked `Secure: false`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub insecure_registries: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authorization_plugins: Vec<String>,
    /// `Swarm.LocalNodeState` (inactive, active, pending, ...).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub swarm_state: String,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub containers_total: i64,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub images_total: i64,
    /// How the daemon was reached, when a live source knows: `unix:///var/run/docker.sock`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// Whether that connection used TLS (None when not known, e.g. from files).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint_tls: Option<bool>,
}

impl DockerHost {
    /// The `name=...` security options, parsed into (name, [key=value...]).
    pub fn security_option(&self, name: &str) -> Option<&str> {
        self.security_options
            .iter()
            .find(|o| o.split(',').next() == Some(&format!("name={name}")))
            .map(String::as_str)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Healthcheck {
    /// `Test`, e.g. `["CMD-SHELL", "curl -f http://localhost/"]`, or `["NONE"]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub test: Vec<String>,
}

impl Healthcheck {
    pub fn is_disabled(&self) -> bool {
        self.test.first().map(String::as_str) == Some("NONE") || self.test.is_empty()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// `CreatedBy`, scrubbed of secrets.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub created_by: String,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub empty_layer: bool,
}

/// `docker image inspect` (+ history).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Image {
    /// `sha256:...`
    pub id: String,
    /// The host it was read from (engine name), empty when unknown.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub host: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub repo_tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub repo_digests: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub created: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub os: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub architecture: String,
    /// `Config.User`; empty means root.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub user: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub healthcheck: Option<Healthcheck>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub env: Vec<EnvVar>,
    /// `Config.ExposedPorts` keys, e.g. `22/tcp`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exposed_ports: Vec<String>,
    /// `Config.Volumes` keys.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub volumes: Vec<String>,
    #[serde(default, skip_serializing_if = "Labels::is_empty")]
    pub labels: Labels,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entrypoint: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cmd: Vec<String>,
    /// Newest first, as `docker history` lists it. Empty with `history_collected` false
    /// when the history was not read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<HistoryEntry>,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub history_collected: bool,
    /// Secrets found in env, labels, cmd, entrypoint and history (values redacted).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secrets: Vec<SecretHit>,
}

impl Image {
    /// The best human name: first tag, else first digest, else the short id.
    pub fn display_name(&self) -> String {
        self.repo_tags
            .first()
            .or(self.repo_digests.first())
            .cloned()
            .unwrap_or_else(|| short_id(&self.id))
    }
}

pub fn short_id(id: &str) -> String {
    let id = id.strip_prefix("sha256:").unwrap_or(id);
    id.chars().take(12).collect()
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ContainerState {
    /// created, running, paused, restarting, removing, exited, dead
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub status: String,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub running: bool,
    /// `State.Health.Status` when the container has a health check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RestartPolicy {
    /// "", no, always, unless-stopped, on-failure
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub maximum_retry_count: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PortBinding {
    /// `80/tcp`
    pub container_port: String,
    /// "" or 0.0.0.0 or :: means all interfaces.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub host_ip: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub host_port: String,
}

impl PortBinding {
    pub fn on_all_interfaces(&self) -> bool {
        matches!(self.host_ip.as_str(), "" | "0.0.0.0" | "::" | "[::]")
    }
    pub fn host_port_number(&self) -> Option<u16> {
        self.host_port.parse().ok()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mount {
    /// bind, volume, tmpfs, npipe, cluster
    #[serde(rename = "type", default)]
    pub kind: String,
    /// Host path for binds, volume name for volumes.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
    pub destination: String,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub rw: bool,
    /// rprivate, private, shared, rshared, slave, rslave, or empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub propagation: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceMapping {
    pub path_on_host: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub path_in_container: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub cgroup_permissions: String,
}

/// `docker inspect` of a container: the fields CIS Docker section 5 reads.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Container {
    pub id: String,
    /// Without the leading slash.
    pub name: String,
    /// Engine name of the host, empty when unknown (a bare `docker inspect` file).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub host: String,
    /// `Config.Image`: the reference the container was started with.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub image: String,
    /// `Image`: the image id.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub image_id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub created: String,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub state: ContainerState,
    /// `Config.User`; empty means the image's user (root when the image sets none).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub user: String,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub privileged: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cap_add: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cap_drop: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub security_opt: Vec<String>,
    /// `AppArmorProfile` (empty when AppArmor is not in use on the host).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub apparmor_profile: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub network_mode: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub pid_mode: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub ipc_mode: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub uts_mode: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub userns_mode: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub cgroupns_mode: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub devices: Vec<DeviceMapping>,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub readonly_rootfs: bool,
    /// Bytes; 0 = unlimited.
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub memory: i64,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub nano_cpus: i64,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub cpu_shares: i64,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub cpu_quota: i64,
    /// None or <= 0 = unlimited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pids_limit: Option<i64>,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub restart_policy: RestartPolicy,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub port_bindings: Vec<PortBinding>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mounts: Vec<Mount>,
    /// Names of the networks the container is attached to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub networks: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub env: Vec<EnvVar>,
    #[serde(default, skip_serializing_if = "Labels::is_empty")]
    pub labels: Labels,
    /// `Path` + `Args`, scrubbed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub command: Vec<String>,
    /// `Config.Healthcheck` of the container (overrides the image's when set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub healthcheck: Option<Healthcheck>,
    /// Secrets found in env, labels and command (values redacted).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secrets: Vec<SecretHit>,
}

impl Container {
    pub fn short_id(&self) -> String {
        short_id(&self.id)
    }
    /// Compose project and service, when the container was created by compose.
    pub fn compose_service(&self) -> Option<(&str, &str)> {
        Some((
            self.labels.get("com.docker.compose.project")?.as_str(),
            self.labels.get("com.docker.compose.service")?.as_str(),
        ))
    }
}

/// `docker network inspect`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DockerNetwork {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub host: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub driver: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub scope: String,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub internal: bool,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub options: BTreeMap<String, String>,
    /// Names of attached containers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub containers: Vec<String>,
}

/// `docker volume inspect`: where persistent data lives (the DPIA reads these).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DockerVolume {
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub host: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub driver: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub mountpoint: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub scope: String,
    /// Scrubbed.
    #[serde(default, skip_serializing_if = "Labels::is_empty")]
    pub labels: Labels,
    /// Driver options (scrubbed): an NFS or CIFS volume names its server here.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub options: BTreeMap<String, String>,
}
