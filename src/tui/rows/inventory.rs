//! Inventory tables (hosts, images, containers, workloads, namespaces) with the columns
//! k9s and lazydocker users expect, each row counting its findings and carrying the
//! [`ResourceKey`] that selects them.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use super::text::{SearchBuilder, SearchText, Span};
use super::{Column, SortKey, TableRow};
use crate::checks::{ScanResult, Severity};
use crate::findings::{Platform, ResourceRef};
use crate::model::{Container, DockerHost, Image, Namespace, Snapshot, WorkloadKind, WorkloadUnit};
use crate::tui::query::{Field, Filterable};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum InventoryTab {
    Hosts,
    Images,
    Containers,
    Workloads,
    Namespaces,
}

const fn col(title: &'static str, width: u16) -> Column {
    Column { title, width }
}

const HOST_COLUMNS: &[Column] = &[
    col("NAME", 20),
    col("ENDPOINT", 30),
    col("VERSION", 10),
    col("CONTAINERS", 10),
    col("FINDINGS", 8),
];
const IMAGE_COLUMNS: &[Column] = &[
    col("REPO:TAG", 40),
    col("ID", 12),
    col("USER", 10),
    col("CONTAINERS", 10),
    col("FINDINGS", 8),
];
const CONTAINER_COLUMNS: &[Column] = &[
    col("NAME", 24),
    col("HOST", 14),
    col("IMAGE", 30),
    col("STATE", 12),
    col("USER", 8),
    col("PRIVILEGED", 10),
    col("PORTS", 24),
    col("FINDINGS", 8),
];
const WORKLOAD_COLUMNS: &[Column] = &[
    col("KIND", 12),
    col("NAMESPACE", 16),
    col("NAME", 28),
    col("PODS", 5),
    col("REPLICAS", 8),
    col("SERVICE ACCOUNT", 18),
    col("IMAGES", 36),
    col("FINDINGS", 8),
];
const NAMESPACE_COLUMNS: &[Column] = &[
    col("NAME", 24),
    col("PSS", 10),
    col("WORKLOADS", 9),
    col("NETWORK POLICIES", 16),
    col("FINDINGS", 8),
];

impl InventoryTab {
    pub const ALL: [InventoryTab; 5] = [
        InventoryTab::Hosts,
        InventoryTab::Images,
        InventoryTab::Containers,
        InventoryTab::Workloads,
        InventoryTab::Namespaces,
    ];

    pub fn title(self) -> &'static str {
        match self {
            InventoryTab::Hosts => "Hosts",
            InventoryTab::Images => "Images",
            InventoryTab::Containers => "Containers",
            InventoryTab::Workloads => "Workloads",
            InventoryTab::Namespaces => "Namespaces",
        }
    }

    /// The columns of this tab; FINDINGS is always last.
    pub fn columns(self) -> &'static [Column] {
        match self {
            InventoryTab::Hosts => HOST_COLUMNS,
            InventoryTab::Images => IMAGE_COLUMNS,
            InventoryTab::Containers => CONTAINER_COLUMNS,
            InventoryTab::Workloads => WORKLOAD_COLUMNS,
            InventoryTab::Namespaces => NAMESPACE_COLUMNS,
        }
    }

    /// The fields `field:` terms can use on this tab (`sev:` is the worst finding).
    pub fn fields(self) -> &'static [Field] {
        const HOSTS: &[Field] = &[Field::Severity, Field::Name, Field::Host, Field::Source];
        const IMAGES: &[Field] = &[
            Field::Severity,
            Field::Name,
            Field::Image,
            Field::Host,
            Field::Source,
        ];
        const CONTAINERS: &[Field] = &[
            Field::Severity,
            Field::Name,
            Field::Host,
            Field::Image,
            Field::State,
            Field::Source,
        ];
        const WORKLOADS: &[Field] = &[
            Field::Severity,
            Field::Kind,
            Field::Namespace,
            Field::Name,
            Field::Image,
            Field::Source,
            Field::Context,
        ];
        const NAMESPACES: &[Field] = &[
            Field::Severity,
            Field::Name,
            Field::Namespace,
            Field::State,
            Field::Source,
            Field::Context,
        ];
        match self {
            InventoryTab::Hosts => HOSTS,
            InventoryTab::Images => IMAGES,
            InventoryTab::Containers => CONTAINERS,
            InventoryTab::Workloads => WORKLOADS,
            InventoryTab::Namespaces => NAMESPACES,
        }
    }
}

/// Identifies an inventory object, to jump from its row to its findings. Each key covers
/// the object and what it contains, the way an operator reads the table:
///
/// - a host: its own findings and those of every container, image and network on it;
/// - an image or a container: its own findings;
/// - a workload (the top-level controller, or a bare pod): its findings and its
///   containers' (findings name the controller, see `KubeInventory::units`);
/// - a namespace: the Namespace object's findings and those of everything in it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ResourceKey {
    Host {
        name: String,
    },
    /// `name` is `Image::display_name()`, as findings name images.
    Image {
        name: String,
        host: String,
    },
    Container {
        name: String,
        host: String,
    },
    Workload {
        kind: WorkloadKind,
        namespace: String,
        name: String,
    },
    Namespace {
        name: String,
    },
}

/// The borrowed identity findings are counted under: one tuple shape for every tab.
type TallyKey<'a> = (&'a str, &'a str, &'a str);

impl ResourceKey {
    pub fn tab(&self) -> InventoryTab {
        match self {
            ResourceKey::Host { .. } => InventoryTab::Hosts,
            ResourceKey::Image { .. } => InventoryTab::Images,
            ResourceKey::Container { .. } => InventoryTab::Containers,
            ResourceKey::Workload { .. } => InventoryTab::Workloads,
            ResourceKey::Namespace { .. } => InventoryTab::Namespaces,
        }
    }

    /// Whether a finding on `resource` belongs to this object (see the type's doc).
    pub fn matches(&self, resource: &ResourceRef) -> bool {
        tally_key(self.tab(), resource) == Some(self.tally_key())
    }

    fn tally_key(&self) -> TallyKey<'_> {
        match self {
            ResourceKey::Host { name } | ResourceKey::Namespace { name } => (name, "", ""),
            ResourceKey::Image { name, host } | ResourceKey::Container { name, host } => {
                (name, host, "")
            }
            ResourceKey::Workload {
                kind,
                namespace,
                name,
            } => (kind.as_str(), namespace, name),
        }
    }
}

/// The object of `tab` a finding on `r` is counted under, if any.
fn tally_key(tab: InventoryTab, r: &ResourceRef) -> Option<TallyKey<'_>> {
    let host = r.host.as_deref().unwrap_or("");
    let docker = r.platform == Platform::Docker;
    match tab {
        InventoryTab::Hosts if docker && r.kind == "Host" => Some((&r.name, "", "")),
        InventoryTab::Hosts if docker => r.host.as_deref().map(|h| (h, "", "")),
        InventoryTab::Images if docker && r.kind == "Image" => Some((&r.name, host, "")),
        InventoryTab::Containers if docker && r.kind == "Container" => Some((&r.name, host, "")),
        InventoryTab::Workloads if !docker && WorkloadKind::parse(&r.kind).is_some() => {
            Some((&r.kind, r.namespace.as_deref().unwrap_or(""), &r.name))
        }
        InventoryTab::Namespaces if !docker && r.kind == "Namespace" => Some((&r.name, "", "")),
        InventoryTab::Namespaces if !docker => r.namespace.as_deref().map(|n| (n, "", "")),
        _ => None,
    }
}

/// Findings per object of one tab: their indices (in scan order) and the worst severity.
type Tally<'a> = HashMap<TallyKey<'a>, (Vec<usize>, Severity)>;

fn tally(scan: &ScanResult, tab: InventoryTab) -> Tally<'_> {
    let mut out: Tally<'_> = HashMap::new();
    for (index, f) in scan.findings.iter().enumerate() {
        if let Some(key) = tally_key(tab, &f.resource) {
            let entry = out.entry(key).or_insert((Vec::new(), f.severity));
            entry.0.push(index);
            entry.1 = entry.1.max(f.severity);
        }
    }
    out
}

/// A row of an inventory tab.
#[derive(Debug, Clone)]
pub struct InventoryRow {
    pub tab: InventoryTab,
    pub key: ResourceKey,
    /// `Container legacy-01/web`, `Deployment prod/api`, `Namespace prod`.
    label: String,
    /// Indices into `ScanResult::findings` of this object's findings, in scan order.
    findings: Vec<usize>,
    worst: Option<Severity>,
    cells: Vec<String>,
    /// Per column: the number numeric columns sort by (`-` cells sort as -1).
    numbers: Vec<Option<i64>>,
    columns: Vec<Span>,
    search: SearchText,
}

impl InventoryRow {
    /// Indices into `ScanResult::findings` of this object's findings (see [`ResourceKey`]
    /// for what an object covers), worst first as the scan sorted them.
    pub fn findings(&self) -> &[usize] {
        &self.findings
    }
    /// The worst of those findings; also what `sev:` filters on.
    pub fn worst(&self) -> Option<Severity> {
        self.worst
    }
    /// What the row is, for titles and breadcrumbs: `Deployment prod/api`.
    pub fn label(&self) -> &str {
        &self.label
    }
}

impl Filterable for InventoryRow {
    fn field(&self, name: Field) -> Option<&str> {
        self.search.field(name)
    }
    fn text(&self) -> &str {
        self.search.text()
    }
    fn severity(&self) -> Option<Severity> {
        self.worst
    }
}

impl TableRow for InventoryRow {
    fn cells(&self) -> Vec<Cow<'_, str>> {
        self.cells
            .iter()
            .map(|c| Cow::Borrowed(c.as_str()))
            .collect()
    }

    fn sort_key(&self, column: usize) -> SortKey<'_> {
        match (self.numbers.get(column), self.columns.get(column)) {
            (Some(Some(n)), _) => SortKey::Num(*n),
            (_, Some(span)) => SortKey::Text(self.search.slice(*span)),
            _ => SortKey::Num(0),
        }
    }
}

/// The rows of one inventory tab, in snapshot order, with finding counts from `scan`.
pub fn inventory_rows(snap: &Snapshot, scan: &ScanResult, tab: InventoryTab) -> Vec<InventoryRow> {
    let tally = tally(scan, tab);
    let drafts = match tab {
        InventoryTab::Hosts => host_drafts(snap),
        InventoryTab::Images => image_drafts(snap),
        InventoryTab::Containers => container_drafts(snap),
        InventoryTab::Workloads => workload_drafts(snap),
        InventoryTab::Namespaces => namespace_drafts(snap),
    };
    drafts.into_iter().map(|d| d.finish(&tally)).collect()
}

/// A row before its findings are counted.
struct Draft {
    key: ResourceKey,
    label: String,
    cells: Vec<(String, Option<i64>, Option<Field>)>,
    hidden: Vec<(Field, String)>,
}

impl Draft {
    fn new(key: ResourceKey, label: String) -> Self {
        Draft {
            key,
            label,
            cells: Vec::with_capacity(8),
            hidden: Vec::new(),
        }
    }

    /// A text cell; empty shows `-`, while the field (if any) stays empty.
    fn text(mut self, value: &str, field: Option<Field>) -> Self {
        if value.is_empty() {
            self.cells.push(("-".to_string(), None, None));
            if let Some(f) = field {
                self.hidden.push((f, String::new()));
            }
        } else {
            self.cells.push((value.to_string(), None, field));
        }
        self
    }

    /// A numeric cell; unknown shows `-`.
    fn num(mut self, n: Option<usize>) -> Self {
        let n = n.map(|n| i64::try_from(n).unwrap_or(i64::MAX));
        let shown = n.map_or_else(|| "-".to_string(), |n| n.to_string());
        self.cells.push((shown, Some(n.unwrap_or(-1)), None));
        self
    }

    fn hidden(mut self, field: Field, value: &str) -> Self {
        self.hidden.push((field, value.to_string()));
        self
    }

    fn finish(self, tally: &Tally<'_>) -> InventoryRow {
        let tab = self.key.tab();
        let (findings, worst) = match tally.get(&self.key.tally_key()) {
            Some((indices, worst)) => (indices.clone(), Some(*worst)),
            None => (Vec::new(), None),
        };
        let draft = self.num(Some(findings.len()));
        let mut b = SearchBuilder::with_capacity(128);
        let columns = draft
            .cells
            .iter()
            .map(|(text, _, field)| b.column(text, *field))
            .collect();
        b.end_visible();
        for (field, value) in &draft.hidden {
            b.hidden(*field, value);
        }
        InventoryRow {
            tab,
            key: draft.key,
            label: draft.label,
            findings,
            worst,
            numbers: draft.cells.iter().map(|c| c.1).collect(),
            cells: draft.cells.into_iter().map(|c| c.0).collect(),
            columns,
            search: b.finish(),
        }
    }
}

fn host_drafts(snap: &Snapshot) -> Vec<Draft> {
    let mut per_host: HashMap<&str, usize> = HashMap::new();
    for c in &snap.docker.containers {
        *per_host.entry(c.host.as_str()).or_default() += 1;
    }
    let docker_host = |h: &DockerHost| {
        Draft::new(
            ResourceKey::Host {
                name: h.name.clone(),
            },
            format!("Host {}", h.name),
        )
        .text(&h.name, Some(Field::Name))
        .text(h.endpoint.as_deref().unwrap_or(""), None)
        .text(&h.server_version, None)
        .num(Some(per_host.get(h.name.as_str()).copied().unwrap_or(0)))
        .hidden(Field::Host, &h.name)
        .hidden(Field::Source, "docker")
    };
    snap.docker.hosts.iter().map(docker_host).collect()
}

/// Containers running an image: same id, same host (or a host unknown on either side),
/// the rule of `DockerInventory::image_of`.
fn containers_of(image: &Image, by_image: &HashMap<&str, Vec<&str>>) -> usize {
    by_image.get(image.id.as_str()).map_or(0, |hosts| {
        hosts
            .iter()
            .filter(|h| h.is_empty() || image.host.is_empty() || **h == image.host)
            .count()
    })
}

fn image_drafts(snap: &Snapshot) -> Vec<Draft> {
    let mut by_image: HashMap<&str, Vec<&str>> = HashMap::new();
    for c in &snap.docker.containers {
        by_image.entry(&c.image_id).or_default().push(&c.host);
    }
    snap.docker
        .images
        .iter()
        .map(|i| {
            let name = i.display_name();
            let user = if i.user.is_empty() { "root" } else { &i.user };
            Draft::new(
                ResourceKey::Image {
                    name: name.clone(),
                    host: i.host.clone(),
                },
                scoped("Image", &i.host, &name),
            )
            .text(&name, Some(Field::Name))
            .text(&crate::model::short_id(&i.id), None)
            .text(user, None)
            .num(Some(containers_of(i, &by_image)))
            .hidden(Field::Image, &name)
            .hidden(Field::Host, &i.host)
            .hidden(Field::Source, "docker")
        })
        .collect()
}

fn container_drafts(snap: &Snapshot) -> Vec<Draft> {
    let images: HashMap<(&str, &str), &Image> = snap
        .docker
        .images
        .iter()
        .map(|i| ((i.id.as_str(), i.host.as_str()), i))
        .collect();
    snap.docker
        .containers
        .iter()
        .map(|c| {
            let image = images
                .get(&(c.image_id.as_str(), c.host.as_str()))
                .copied()
                .or_else(|| snap.docker.image_of(c));
            Draft::new(
                ResourceKey::Container {
                    name: c.name.clone(),
                    host: c.host.clone(),
                },
                scoped("Container", &c.host, &c.name),
            )
            .text(&c.name, Some(Field::Name))
            .text(&c.host, Some(Field::Host))
            .text(&c.image, Some(Field::Image))
            .text(&container_state(c), Some(Field::State))
            .text(effective_user(c, image), None)
            .text(if c.privileged { "yes" } else { "no" }, None)
            .text(&ports(c), None)
            .hidden(Field::Source, "docker")
        })
        .collect()
}

/// `Kind scope/name`, or `Kind name` without a scope (host or namespace).
fn scoped(kind: &str, scope: &str, name: &str) -> String {
    if scope.is_empty() {
        format!("{kind} {name}")
    } else {
        format!("{kind} {scope}/{name}")
    }
}

/// `running`, `running (unhealthy)`, `exited`.
fn container_state(c: &Container) -> String {
    match &c.state.health {
        Some(h) if !h.is_empty() => format!("{} ({h})", c.state.status),
        _ => c.state.status.clone(),
    }
}

/// The user the process runs as: the container's, else the image's, else root.
fn effective_user<'a>(c: &'a Container, image: Option<&'a Image>) -> &'a str {
    let image_user = image.map_or("", |i| i.user.as_str());
    [c.user.as_str(), image_user]
        .into_iter()
        .find(|u| !u.is_empty())
        .unwrap_or("root")
}

/// `0.0.0.0:8080->80/tcp, 443/tcp` as `docker ps` prints published ports.
fn ports(c: &Container) -> String {
    let one = |p: &crate::model::PortBinding| match (p.host_ip.as_str(), p.host_port.as_str()) {
        (_, "") => p.container_port.clone(),
        ("", hp) => format!("{hp}->{}", p.container_port),
        (ip, hp) => format!("{ip}:{hp}->{}", p.container_port),
    };
    c.port_bindings
        .iter()
        .map(one)
        .collect::<Vec<_>>()
        .join(", ")
}

fn workload_drafts(snap: &Snapshot) -> Vec<Draft> {
    // Pods seen per controller: (namespace, controller kind, controller name).
    let mut pods: HashMap<(&str, WorkloadKind, &str), usize> = HashMap::new();
    for w in snap
        .kube
        .workloads
        .iter()
        .filter(|w| w.kind == WorkloadKind::Pod)
    {
        let (kind, name) = w.controller_identity();
        *pods
            .entry((w.meta.namespace_str(), kind, name))
            .or_default() += 1;
    }
    let context = snap.kube.cluster.as_deref().unwrap_or("");
    snap.kube
        .units()
        .into_iter()
        .map(|u| {
            let seen = pods.get(&(u.namespace(), u.kind, u.name)).copied();
            workload_draft(&u, seen, context)
        })
        .collect()
}

fn workload_draft(u: &WorkloadUnit<'_>, pods: Option<usize>, context: &str) -> Draft {
    // Desired replicas are known only when the unit is the controller object itself.
    let replicas = (u.workload.kind == u.kind)
        .then_some(u.workload.replicas)
        .flatten()
        .map(|r| usize::try_from(r).unwrap_or(0));
    let mut images: Vec<&str> = Vec::new();
    for c in u.pod().all_containers() {
        if !images.contains(&c.image.as_str()) {
            images.push(&c.image);
        }
    }
    Draft::new(
        ResourceKey::Workload {
            kind: u.kind,
            namespace: u.namespace().to_string(),
            name: u.name.to_string(),
        },
        scoped(u.kind.as_str(), u.namespace(), u.name),
    )
    .text(u.kind.as_str(), Some(Field::Kind))
    .text(u.namespace(), Some(Field::Namespace))
    .text(u.name, Some(Field::Name))
    .num(pods)
    .num(replicas)
    .text(u.pod().service_account(), None)
    .text(&images.join(", "), Some(Field::Image))
    .hidden(Field::Source, "kubernetes")
    .hidden(Field::Context, context)
}

fn namespace_drafts(snap: &Snapshot) -> Vec<Draft> {
    let k = &snap.kube;
    let mut workloads: BTreeMap<&str, usize> = BTreeMap::new();
    let units = k.units();
    for u in &units {
        *workloads.entry(u.namespace()).or_default() += 1;
    }
    let mut policies: HashMap<&str, usize> = HashMap::new();
    for p in &k.network_policies {
        *policies.entry(p.meta.namespace_str()).or_default() += 1;
    }
    // Namespaces known only from their workloads (the Namespace list was not read).
    let unlisted = workloads
        .keys()
        .filter(|ns| k.namespace(ns).is_none())
        .map(|ns| (*ns, None));
    let listed = k.namespaces.iter().map(|n| (n.meta.name.as_str(), Some(n)));
    let context = k.cluster.as_deref().unwrap_or("");
    listed
        .chain(unlisted)
        .map(|(name, ns)| {
            Draft::new(
                ResourceKey::Namespace {
                    name: name.to_string(),
                },
                format!("Namespace {name}"),
            )
            .text(name, Some(Field::Name))
            .text(pss_enforce(ns), None)
            .num(Some(workloads.get(name).copied().unwrap_or(0)))
            .num(Some(policies.get(name).copied().unwrap_or(0)))
            .hidden(Field::Namespace, name)
            .hidden(Field::State, ns.map_or("", |n| n.phase.as_str()))
            .hidden(Field::Source, "kubernetes")
            .hidden(Field::Context, context)
        })
        .collect()
}

/// The Pod Security Admission enforce level; `?` when the namespace was not read.
fn pss_enforce(ns: Option<&Namespace>) -> &str {
    match ns {
        Some(n) => n.psa_level("enforce").unwrap_or("-"),
        None => "?",
    }
}
