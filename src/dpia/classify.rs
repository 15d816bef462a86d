//! Which containers and workloads are data stores, and why.
//!
//! A resource is a data store when at least one rule fires:
//! - **image**: the image's repository name (the last path segment, without tag or digest)
//!   is a known data-store product (`postgres`, `bitnami/kafka`, `quay.io/minio/minio`).
//!   Whole names only: `postgres-exporter` or `redis-commander` are not stores.
//! - **label**: `docket.io/data-store=true`, or `app.kubernetes.io/component` one of
//!   [`STORE_COMPONENTS`] (`database`, `cache`, ...). `docket.io/data-store=false` vetoes
//!   every rule (the label form of an override).
//! - **volume**: a mounted PersistentVolumeClaim (including a StatefulSet's
//!   volumeClaimTemplates), a Docker named volume, or a host path mounted read-write that
//!   is not a system path ([`SYSTEM_PATHS`]).
//!
//! The Docket labels (on the container, the pod template or the workload; for Kubernetes
//! also on the namespace as a default) describe the data: `docket.io/data-classification`
//! (comma-separated [`CATEGORIES`]), `docket.io/owner`, `docket.io/purpose`,
//! `docket.io/retention`. A classification label alone does not make a store: the demo
//! labels every service with the data it handles.

pub use super::images::{image_repository_name, store_image};
use super::lookup::Lookup;
use super::DataStore;
use crate::findings::ResourceRef;
use crate::model::{Container, Snapshot, WorkloadKind, WorkloadUnit};

pub const LABEL_CLASSIFICATION: &str = "docket.io/data-classification";
pub const LABEL_OWNER: &str = "docket.io/owner";
pub const LABEL_PURPOSE: &str = "docket.io/purpose";
pub const LABEL_RETENTION: &str = "docket.io/retention";
pub const LABEL_DATA_STORE: &str = "docket.io/data-store";
pub const LABEL_COMPONENT: &str = "app.kubernetes.io/component";

/// The data categories the classification label knows (`health` is read as
/// `special-category`, `pci`/`cardholder` as `payment`).
pub const CATEGORIES: [&str; 5] = [
    "personal",
    "special-category",
    "payment",
    "internal",
    "public",
];

/// `app.kubernetes.io/component` values that mean "holds data".
pub const STORE_COMPONENTS: &[&str] = &[
    "database",
    "db",
    "datastore",
    "data-store",
    "cache",
    "storage",
    "object-storage",
    "queue",
    "message-broker",
    "broker",
    "search",
];

/// Host paths that are system state, not application data: mounting them is a finding of
/// its own (CIS-D 5.6, KSV-0023), not a data store.
pub const SYSTEM_PATHS: &[&str] = &[
    "/",
    "/proc",
    "/sys",
    "/dev",
    "/run",
    "/var/run",
    "/etc",
    "/usr",
    "/lib",
    "/lib64",
    "/bin",
    "/sbin",
    "/boot",
    "/opt/cni",
    "/var/lib/cni",
    "/var/log",
    "/var/lib/docker",
    "/var/lib/kubelet",
    "/var/lib/containerd",
    "/tmp",
];

/// Whether a host path is system state rather than application data.
pub fn is_system_path(path: &str) -> bool {
    let p = path.trim_end_matches('/');
    let p = if p.is_empty() { "/" } else { p };
    p.ends_with(".sock")
        || SYSTEM_PATHS
            .iter()
            .any(|s| p == *s || (*s != "/" && p.starts_with(&format!("{s}/"))))
}

/// Every data store in the snapshot, Docker containers first, in inventory order.
pub fn data_stores(snapshot: &Snapshot) -> Vec<DataStore> {
    candidates_in(&Lookup::new(snapshot))
        .into_iter()
        .filter(Candidate::is_store)
        .map(|c| c.store)
        .collect()
}

/// Every container and workload with what the rules said about it, stores or not (the
/// overrides can mark any of them).
#[derive(Debug, Clone)]
pub struct Candidate {
    /// `why` is empty when no rule fired.
    pub store: DataStore,
    /// `docket.io/data-store=false` on the resource: never a store unless an override says so.
    pub veto: Option<String>,
}

impl Candidate {
    pub fn is_store(&self) -> bool {
        self.veto.is_none() && !self.store.why.is_empty()
    }
}

/// Candidates for every Docker container and every Kubernetes controller.
pub fn candidates(snapshot: &Snapshot) -> Vec<Candidate> {
    candidates_in(&Lookup::new(snapshot))
}

/// [`candidates`] with the snapshot's indexes already built.
pub fn candidates_in(lookup: &Lookup<'_>) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = lookup
        .snapshot
        .docker
        .containers
        .iter()
        .map(|c| inspect_container(lookup, c))
        .collect();
    out.extend(lookup.units.iter().map(|u| inspect_workload(lookup, u)));
    out
}

fn dedup_keep_order(v: &mut Vec<String>) {
    let mut seen = std::collections::BTreeSet::new();
    v.retain(|x| seen.insert(x.clone()));
}

fn split_veto(r: Result<Vec<String>, String>) -> (Vec<String>, Option<String>) {
    match r {
        Ok(why) => (why, None),
        Err(veto) => (Vec::new(), Some(veto)),
    }
}

/// Rules that fired on labels; `Err(reason)` when `docket.io/data-store=false` vetoes.
fn label_rules(labels: &crate::model::Labels) -> Result<Vec<String>, String> {
    let mut why = Vec::new();
    match labels
        .get(LABEL_DATA_STORE)
        .map(|v| v.trim().to_ascii_lowercase())
    {
        Some(v) if v == "false" || v == "no" => {
            return Err(format!("label {LABEL_DATA_STORE}={v}"));
        }
        Some(v) if v == "true" || v == "yes" => why.push(format!("label {LABEL_DATA_STORE}={v}")),
        _ => {}
    }
    if let Some(c) = labels.get(LABEL_COMPONENT) {
        if STORE_COMPONENTS.contains(&c.trim().to_ascii_lowercase().as_str()) {
            why.push(format!("label {LABEL_COMPONENT}={c}"));
        }
    }
    Ok(why)
}

/// A Docker container: image, labels, volumes and read-write binds.
pub fn classify_container(lookup: &Lookup<'_>, c: &Container) -> Option<DataStore> {
    let cand = inspect_container(lookup, c);
    cand.is_store().then_some(cand.store)
}

/// A Kubernetes workload (one per controller): image, labels, PVCs and host paths.
pub fn classify_workload(lookup: &Lookup<'_>, unit: &WorkloadUnit<'_>) -> Option<DataStore> {
    let cand = inspect_workload(lookup, unit);
    cand.is_store().then_some(cand.store)
}

fn inspect_container(lookup: &Lookup<'_>, c: &Container) -> Candidate {
    let (mut why, veto) = split_veto(label_rules(&c.labels));
    let image_name = lookup
        .image_of(c)
        .and_then(|i| i.repo_tags.first().cloned())
        .unwrap_or_else(|| c.image.clone());
    for reference in [c.image.as_str(), image_name.as_str()] {
        if let Some(what) = store_image(reference) {
            why.insert(0, format!("image {reference}: {what}"));
            break;
        }
    }
    let mut storage = Vec::new();
    for m in &c.mounts {
        match m.kind.as_str() {
            "volume" => {
                let (name, driver) = docker_volume(lookup, c, &m.source);
                let via = driver.map(|d| format!(" (driver {d})")).unwrap_or_default();
                why.push(format!(
                    "named volume {name}{via} mounted at {}",
                    m.destination
                ));
                storage.push(format!("volume {name}{via} -> {}", m.destination));
            }
            "bind" if m.rw && !is_system_path(&m.source) => {
                why.push(format!(
                    "host path {} mounted read-write at {}",
                    m.source, m.destination
                ));
                storage.push(format!("host path {} -> {}", m.source, m.destination));
            }
            _ => {}
        }
    }
    let resource = ResourceRef::docker("Container", &c.name, &c.host);
    let mut store = describe(resource, why, storage, &[&c.labels]);
    note_missing(&mut store);
    Candidate { store, veto }
}

/// A volume mount's name and (non-local) driver. `docker inspect` gives the volume's
/// mountpoint as `Source`; the name is the volume whose mountpoint that is, else the
/// `/var/lib/docker/volumes/<name>/_data` segment.
fn docker_volume<'a>(
    lookup: &Lookup<'a>,
    c: &Container,
    source: &str,
) -> (String, Option<&'a str>) {
    let vol = lookup.volume(c, source);
    let name = match vol {
        Some(v) => v.name.clone(),
        None => source
            .strip_suffix("/_data")
            .and_then(|p| p.rsplit('/').next())
            .filter(|n| !n.is_empty())
            .unwrap_or(source)
            .to_string(),
    };
    let driver = vol
        .map(|v| v.driver.as_str())
        .filter(|d| !d.is_empty() && *d != "local");
    (name, driver)
}

fn inspect_workload(lookup: &Lookup<'_>, unit: &WorkloadUnit<'_>) -> Candidate {
    let w = unit.workload;
    let pod = unit.pod();
    let ns_labels = lookup
        .namespace(unit.namespace())
        .map(|n| n.meta.labels.clone())
        .unwrap_or_default();
    let (mut why, mut veto) = split_veto(label_rules(&pod.labels));
    let (more, veto2) = split_veto(label_rules(&w.meta.labels));
    veto = veto.or(veto2);
    for r in more {
        if !why.contains(&r) {
            why.push(r);
        }
    }
    let mut images = Vec::new();
    for c in pod.all_containers() {
        if let Some(what) = store_image(&c.image) {
            images.push(format!("image {} [{}]: {what}", c.image, c.name));
        }
    }
    why.splice(0..0, images);
    let mut storage = Vec::new();
    for c in pod.all_containers() {
        for m in &c.volume_mounts {
            let vol = pod.volumes.iter().find(|v| v.name == m.name);
            match vol {
                Some(v) if v.kind == "persistentVolumeClaim" => {
                    let claim = v.reference.as_deref().unwrap_or(&v.name);
                    why.push(format!(
                        "PVC {claim} mounted at {} [{}]",
                        m.mount_path, c.name
                    ));
                    storage.push(format!("PVC {claim} -> {}", m.mount_path));
                }
                Some(v) if v.kind == "hostPath" => {
                    let path = v.host_path.as_deref().unwrap_or_default();
                    if !m.read_only && !is_system_path(path) {
                        why.push(format!(
                            "host path {path} mounted read-write at {} [{}]",
                            m.mount_path, c.name
                        ));
                        storage.push(format!("host path {path} -> {}", m.mount_path));
                    }
                }
                None if unit.kind == WorkloadKind::StatefulSet => {
                    // Not a pod volume: a volumeClaimTemplate, one PVC per replica.
                    let claims = format!("{}-{}-<ordinal>", m.name, unit.name);
                    why.push(format!(
                        "volumeClaimTemplate {} (PVCs {claims}) mounted at {} [{}]",
                        m.name, m.mount_path, c.name
                    ));
                    storage.push(format!(
                        "PVC {claims} (volumeClaimTemplate {}) -> {}",
                        m.name, m.mount_path
                    ));
                }
                _ => {}
            }
        }
    }
    dedup_keep_order(&mut storage);
    let resource = ResourceRef::kube(unit.kind.as_str(), Some(unit.namespace()), unit.name);
    let mut store = describe(resource, why, storage, &[&pod.labels, &w.meta.labels]);
    fill_from_namespace(&mut store, &ns_labels, unit.namespace());
    Candidate { store, veto }
}

/// Categories, owner, purpose and retention from the first label set that has each.
fn describe(
    resource: ResourceRef,
    why: Vec<String>,
    mut storage: Vec<String>,
    labels: &[&crate::model::Labels],
) -> DataStore {
    let get = |key: &str| {
        labels
            .iter()
            .find_map(|l| l.get(key))
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let mut store = DataStore::new(resource);
    store.why = why;
    dedup_keep_order(&mut storage);
    if storage.is_empty() {
        store.unknown.push(
            "no persistent volume: data lives in memory or the container's writable layer \
             (lost when it is re-created, unless replicated elsewhere)"
                .to_string(),
        );
    }
    store.storage = storage;
    store.owner = get(LABEL_OWNER);
    store.purpose = get(LABEL_PURPOSE);
    store.retention = get(LABEL_RETENTION);
    if let Some(v) = get(LABEL_CLASSIFICATION) {
        let (cats, unknown) = parse_categories(&v);
        store.categories = cats;
        store.unknown.extend(unknown.into_iter().map(|u| {
            format!(
                "unrecognised {LABEL_CLASSIFICATION} value {u:?} (known: {})",
                CATEGORIES.join(", ")
            )
        }));
    }
    store
}

/// Namespace labels as defaults for what the workload does not say; then say what is
/// still unknown.
fn fill_from_namespace(store: &mut DataStore, ns: &crate::model::Labels, name: &str) {
    let get = |key: &str| {
        ns.get(key)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    if store.categories.is_empty() {
        if let Some(v) = get(LABEL_CLASSIFICATION) {
            store.categories = parse_categories(&v).0;
            // Only a note on a store: it is not a rule and must not make one.
            if !store.why.is_empty() {
                store.why.push(format!(
                    "categories from namespace {name} label {LABEL_CLASSIFICATION}={v}"
                ));
            }
        }
    }
    if store.owner.is_none() {
        store.owner = get(LABEL_OWNER);
    }
    note_missing(store);
}

/// Record the missing classification and owner as unknowns (once).
pub(crate) fn note_missing(store: &mut DataStore) {
    let cat = format!("data categories unknown: no {LABEL_CLASSIFICATION} label");
    if store.categories.is_empty() && !store.unknown.contains(&cat) {
        store.unknown.push(cat);
    }
    let own = format!("owner unknown: no {LABEL_OWNER} label");
    if store.owner.is_none() && !store.unknown.contains(&own) {
        store.unknown.push(own);
    }
}

/// `personal, health` -> (`[personal, special-category]`, unrecognised values).
pub fn parse_categories(value: &str) -> (Vec<String>, Vec<String>) {
    let mut cats = Vec::new();
    let mut unknown = Vec::new();
    for part in value.split(',').map(|p| p.trim().to_ascii_lowercase()) {
        if part.is_empty() {
            continue;
        }
        let canon = match part.as_str() {
            "health" | "special" | "special_category" | "sensitive" => "special-category",
            "pci" | "cardholder" => "payment",
            p => p,
        };
        if CATEGORIES.contains(&canon) {
            if !cats.iter().any(|c| c == canon) {
                cats.push(canon.to_string());
            }
        } else {
            unknown.push(part.clone());
        }
    }
    (cats, unknown)
}
