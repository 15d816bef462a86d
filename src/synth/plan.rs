//! Sizing and allocation: how many nodes and namespaces a cluster of N pods has, which
//! workloads exist where, and which of them carry which misconfiguration. The plan holds
//! one small record per workload (not per pod), so even 150,000 pods plan in a few MiB;
//! objects are built from it one at a time while streaming.

use std::collections::BTreeSet;

use super::meta::{Manager, BASE_TIME, DAY};
use super::rng::Rng;
use super::ClusterSpec;

/// Kubernetes' scalability threshold for namespaces.
pub(crate) const MAX_NAMESPACES: usize = 10_000;

/// Built-in and platform namespaces every cluster has, before the application ones.
const PLATFORM: &[(&str, NsKind)] = &[
    ("default", NsKind::Default),
    ("kube-system", NsKind::KubeSystem),
    ("kube-public", NsKind::KubePublic),
    ("kube-node-lease", NsKind::NodeLease),
    ("ingress-nginx", NsKind::IngressNginx),
    ("monitoring", NsKind::Monitoring),
];

/// Teams owning application namespaces (also the `app.kubernetes.io/part-of` product).
const TEAMS: &[&str] = &[
    "payments",
    "checkout",
    "search",
    "identity",
    "catalog",
    "orders",
    "shipping",
    "billing",
    "growth",
    "media",
    "messaging",
    "analytics",
    "risk",
    "support",
    "loyalty",
    "pricing",
    "inventory",
    "partners",
    "mobile-backend",
    "platform-tools",
];
const ENVS: &[&str] = &["prod", "staging", "dev"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NsKind {
    Default,
    KubeSystem,
    KubePublic,
    NodeLease,
    IngressNginx,
    Monitoring,
    App,
}

/// How far a namespace went with NetworkPolicies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NetPol {
    None,
    /// Allow rules for some workloads, no default deny.
    Partial,
    /// Default deny in both directions, DNS egress, and allow rules per workload.
    Full,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AppKind {
    Deployment,
    StatefulSet,
    DaemonSet,
    Job,
    CronJob,
    Pod,
}

/// What a workload is: decides its image, ports, probes, volumes and service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Profile {
    Web,
    Api,
    Worker,
    Postgres,
    Redis,
    RabbitMq,
    Kafka,
    Migrate,
    Backup,
    Report,
    Debug,
    CoreDns,
    MetricsServer,
    IngressController,
    Prometheus,
    Grafana,
    KubeProxy,
    AwsNode,
    FluentBit,
    NodeExporter,
}

impl Profile {
    /// Base names of workloads of this profile (suffixed `-2`, `-3` on collisions).
    fn words(self) -> &'static [&'static str] {
        match self {
            Profile::Web => &[
                "web",
                "frontend",
                "storefront",
                "portal",
                "admin-ui",
                "docs",
                "landing",
            ],
            Profile::Api => &[
                "api",
                "checkout",
                "cart",
                "catalog",
                "search",
                "auth",
                "billing",
                "orders",
                "inventory",
                "pricing",
                "profile",
                "accounts",
                "ledger",
                "gateway",
                "graphql",
                "notifications",
                "recommendations",
            ],
            Profile::Worker => &[
                "worker",
                "mailer",
                "indexer",
                "thumbnailer",
                "event-consumer",
                "sync",
                "webhook-relay",
                "outbox-relay",
            ],
            Profile::Postgres => &["postgres", "orders-db", "ledger-db"],
            Profile::Redis => &["redis", "session-cache"],
            Profile::RabbitMq => &["rabbitmq"],
            Profile::Kafka => &["kafka"],
            Profile::Migrate => &["db-migrate", "schema-migration", "seed-data"],
            Profile::Backup => &["backup", "pg-backup", "snapshot-export"],
            Profile::Report => &[
                "nightly-report",
                "cleanup",
                "reconcile",
                "invoice-run",
                "cache-warmup",
            ],
            Profile::Debug => &["debug", "netshoot", "tmp-shell", "test-pod"],
            Profile::CoreDns => &["coredns"],
            Profile::MetricsServer => &["metrics-server"],
            Profile::IngressController => &["ingress-nginx-controller"],
            Profile::Prometheus => &["prometheus-server"],
            Profile::Grafana => &["grafana"],
            Profile::KubeProxy => &["kube-proxy"],
            Profile::AwsNode => &["aws-node"],
            Profile::FluentBit => &["fluent-bit"],
            Profile::NodeExporter => &["node-exporter"],
        }
    }

    /// Vendor images (databases, platform components) are harder to harden fully.
    pub(crate) fn is_vendor(self) -> bool {
        !matches!(
            self,
            Profile::Web
                | Profile::Api
                | Profile::Worker
                | Profile::Migrate
                | Profile::Backup
                | Profile::Report
        )
    }

    /// Serves HTTP behind a Service.
    pub(crate) fn serves(self) -> bool {
        matches!(
            self,
            Profile::Web
                | Profile::Api
                | Profile::Postgres
                | Profile::Redis
                | Profile::RabbitMq
                | Profile::Kafka
                | Profile::CoreDns
                | Profile::MetricsServer
                | Profile::IngressController
                | Profile::Prometheus
                | Profile::Grafana
        )
    }
}

/// How much of the hardened security context a workload sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hardening {
    /// runAsNonRoot, read-only root, no escalation, drop ALL, RuntimeDefault seccomp.
    Full,
    /// Non-root and no escalation only.
    Partial,
    /// No securityContext at all.
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ResourceLevel {
    Full,
    RequestsOnly,
    None,
}

/// Literal secrets planted in env (fake values shaped like real ones).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LiteralSecret {
    AwsKeys,
    Password,
    DatabaseUrl,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ImageStyle {
    /// `registry.example.com/team/app:v1.4.2`
    Semver,
    /// `registry.example.com/team/app@sha256:...`
    Digest,
    /// `registry.example.com/team/app:latest`
    Latest,
    /// `ghcr.io/example-org/app` (no tag)
    Untagged,
}

/// The pod-template choices of one workload, misconfigurations included.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Risks {
    pub hardening: Hardening,
    /// Fully hardened but without a seccomp profile (the item teams forget most).
    pub no_seccomp: bool,
    /// Fully hardened but with a writable root filesystem.
    pub writable_root: bool,
    pub privileged: bool,
    pub host_network: bool,
    pub host_pid: bool,
    pub docker_socket: bool,
    pub cap_add: Option<&'static str>,
    pub run_as_root: bool,
    pub probes: bool,
    pub resources: ResourceLevel,
    pub literal_secret: Option<LiteralSecret>,
    pub missing_ref: bool,
    pub default_sa: bool,
    pub automount: Option<bool>,
    pub image: ImageStyle,
    pub sidecars: u8,
    pub init: bool,
}

impl Risks {
    /// Draw a workload's choices. Rates are per mille and chosen so that a few percent of
    /// workloads carry each class of problem, as in a real, imperfect cluster.
    fn draw(rng: &mut Rng, profile: Profile) -> Risks {
        let vendor = profile.is_vendor();
        let debug = profile == Profile::Debug;
        let batch = matches!(
            profile,
            Profile::Migrate | Profile::Backup | Profile::Report
        );
        let hardening = if debug {
            Hardening::None
        } else if vendor {
            rng.weighted(&[
                (Hardening::Full, 20),
                (Hardening::Partial, 50),
                (Hardening::None, 30),
            ])
        } else {
            rng.weighted(&[
                (Hardening::Full, 72),
                (Hardening::Partial, 18),
                (Hardening::None, 10),
            ])
        };
        let cap_add = if rng.chance(4) {
            Some("SYS_ADMIN")
        } else if rng.chance(10) {
            Some("NET_ADMIN")
        } else {
            None
        };
        let literal_secret = if !vendor && rng.chance(30) {
            Some(rng.pick(&[
                LiteralSecret::AwsKeys,
                LiteralSecret::Password,
                LiteralSecret::DatabaseUrl,
            ]))
        } else {
            None
        };
        Risks {
            hardening,
            no_seccomp: rng.chance(120),
            writable_root: rng.chance(100),
            privileged: rng.chance(if debug { 150 } else { 6 }),
            host_network: rng.chance(if debug { 100 } else { 5 }),
            host_pid: rng.chance(3),
            docker_socket: !vendor && rng.chance(5),
            cap_add,
            run_as_root: debug || rng.chance(25),
            probes: !batch && !debug && rng.chance(850),
            resources: if debug {
                ResourceLevel::None
            } else {
                rng.weighted(&[
                    (ResourceLevel::Full, 70),
                    (ResourceLevel::RequestsOnly, 18),
                    (ResourceLevel::None, 12),
                ])
            },
            literal_secret,
            missing_ref: !vendor && rng.chance(20),
            default_sa: debug || rng.chance(150),
            automount: if rng.chance(450) { Some(false) } else { None },
            image: rng.weighted(&[
                (ImageStyle::Semver, 55),
                (ImageStyle::Digest, 30),
                (ImageStyle::Latest, 10),
                (ImageStyle::Untagged, 5),
            ]),
            sidecars: if debug || batch {
                0
            } else {
                rng.weighted(&[(0, 65), (1, 28), (2, 7)])
            },
            init: !debug && !batch && rng.chance(200),
        }
    }

    /// Fixed choices for platform components, whose manifests are what their vendors ship.
    fn platform(profile: Profile) -> Risks {
        let mut r = Risks {
            hardening: Hardening::Partial,
            no_seccomp: false,
            writable_root: false,
            privileged: false,
            host_network: false,
            host_pid: false,
            docker_socket: false,
            cap_add: None,
            run_as_root: false,
            probes: true,
            resources: ResourceLevel::RequestsOnly,
            literal_secret: None,
            missing_ref: false,
            default_sa: false,
            automount: None,
            image: ImageStyle::Semver,
            sidecars: 0,
            init: false,
        };
        match profile {
            Profile::KubeProxy => {
                r.hardening = Hardening::None;
                r.privileged = true;
                r.host_network = true;
                r.run_as_root = true;
            }
            Profile::AwsNode => {
                r.hardening = Hardening::None;
                r.host_network = true;
                r.cap_add = Some("NET_ADMIN");
                r.run_as_root = true;
                r.init = true;
            }
            Profile::FluentBit => {
                r.hardening = Hardening::None;
                r.run_as_root = true;
            }
            Profile::NodeExporter => {
                r.host_network = true;
                r.host_pid = true;
            }
            Profile::CoreDns | Profile::MetricsServer => r.hardening = Hardening::Full,
            Profile::Grafana => r.image = ImageStyle::Latest,
            _ => {}
        }
        r
    }
}

/// How a serving workload is exposed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Expose {
    None,
    ClusterIp,
    NodePort,
    LoadBalancer,
    /// A LoadBalancer annotated as internal.
    InternalLoadBalancer,
}

/// One workload: a controller with its pods, a CronJob with its retained Jobs, or a
/// bare Pod.
#[derive(Debug, Clone)]
pub(crate) struct App {
    pub name: String,
    pub kind: AppKind,
    pub profile: Profile,
    /// Pods it owns (for a CronJob: retained Jobs, one pod each).
    pub pods: usize,
    pub created: i64,
    pub manager: Manager,
    pub risks: Risks,
    pub expose: Expose,
    /// An Ingress routes to it; `Some(true)` with TLS.
    pub ingress: Option<bool>,
    /// Reads `DB_PASSWORD` from Secret `<name>-db` (which exists).
    pub uses_db: bool,
    /// Has a ConfigMap `<name>-config` mounted and referenced from env.
    pub has_config: bool,
    /// The ConfigMap holds a secret-looking value.
    pub config_leak: bool,
    /// Its service account is bound to cluster-admin (the planted takeover path).
    pub cluster_admin: bool,
}

impl App {
    /// The service account its pods run as.
    pub(crate) fn service_account(&self) -> &str {
        if self.risks.default_sa {
            "default"
        } else {
            &self.name
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct NsPlan {
    pub name: String,
    pub kind: NsKind,
    pub team: &'static str,
    pub env: &'static str,
    pub created: i64,
    /// `pod-security.kubernetes.io/enforce` level, when labelled.
    pub psa: Option<&'static str>,
    pub netpol: NetPol,
    pub regcred: bool,
    /// The developer Role also allows `pods/exec`.
    pub dev_exec: bool,
    /// A Role that reads Secrets, bound to one workload's account.
    pub secret_reader: bool,
    /// An `ops-admin` Role with `*` everywhere.
    pub wildcard_role: bool,
    /// A Role that can create Deployments, bound to a CI user.
    pub deployer_role: bool,
    /// A NetworkPolicy left behind for a workload that no longer exists.
    pub stale_policy: bool,
    pub apps: Vec<App>,
    names: BTreeSet<String>,
}

impl NsPlan {
    fn new(name: String, kind: NsKind, team: &'static str, env: &'static str) -> Self {
        NsPlan {
            name,
            kind,
            team,
            env,
            created: BASE_TIME,
            psa: None,
            netpol: NetPol::None,
            regcred: false,
            dev_exec: false,
            secret_reader: false,
            wildcard_role: false,
            deployer_role: false,
            stale_policy: false,
            apps: Vec::new(),
            names: BTreeSet::new(),
        }
    }

    /// A name not yet used in this namespace: `base`, else `base-2`, `base-3`, ...
    fn unique(&mut self, base: &str) -> String {
        let mut name = base.to_string();
        let mut n = 2;
        while self.names.contains(&name) {
            name = format!("{base}-{n}");
            n += 1;
        }
        self.names.insert(name.clone());
        name
    }

    pub(crate) fn is_app(&self) -> bool {
        self.kind == NsKind::App
    }
}

/// The whole cluster, one record per namespace and workload.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub nodes: usize,
    pub namespaces: Vec<NsPlan>,
    /// `(namespace, service account)` bound to cluster-admin by a ClusterRoleBinding.
    pub admin_sa: Option<(String, String)>,
}

#[cfg(test)]
impl Plan {
    pub(crate) fn total_pods(&self) -> usize {
        self.namespaces
            .iter()
            .flat_map(|n| &n.apps)
            .map(|a| a.pods)
            .sum()
    }
}

/// Shares of the pod count per workload class, in percent; Deployments take the rest
/// (about 70%) so the total is exact.
const DAEMONSET_PERCENT: usize = 10;
const STATEFULSET_PERCENT: usize = 12;
const JOB_PERCENT: usize = 5;
const BARE_POD_PERCENT: usize = 3;

/// DaemonSets in the order they are added while the DaemonSet budget allows one more
/// full set of nodes.
const DAEMONSETS: &[(Profile, NsKind)] = &[
    (Profile::KubeProxy, NsKind::KubeSystem),
    (Profile::AwsNode, NsKind::KubeSystem),
    (Profile::FluentBit, NsKind::Monitoring),
    (Profile::NodeExporter, NsKind::Monitoring),
];

/// Platform Deployments, added when the cluster has room for them (`replicas`).
const PLATFORM_DEPLOYMENTS: &[(Profile, NsKind, usize)] = &[
    (Profile::CoreDns, NsKind::KubeSystem, 2),
    (Profile::MetricsServer, NsKind::KubeSystem, 1),
    (Profile::IngressController, NsKind::IngressNginx, 2),
    (Profile::Prometheus, NsKind::Monitoring, 1),
    (Profile::Grafana, NsKind::Monitoring, 1),
];

/// Build the plan of a cluster. Sizes: `max(3, pods/30)` nodes; `6 + clamp(pods/50, 3,
/// 9,994)` namespaces (six built-in/platform ones plus application namespaces, at most
/// 10,000 in all). Every pod is accounted for: the sum over workloads is exactly
/// `spec.pods`.
pub(crate) fn plan(spec: &ClusterSpec) -> Plan {
    let p = spec.pods;
    let mut rng = Rng::for_key(spec.seed, "plan");
    let nodes = (p / 30).max(3);
    let app_ns = (p / 50).clamp(3, MAX_NAMESPACES - PLATFORM.len());
    let mut namespaces = namespaces(&mut rng, app_ns);
    let mut b = Allocator {
        rng: &mut rng,
        namespaces: &mut namespaces,
        app_ns,
    };

    let mut ds_pods = 0;
    for (profile, ns) in DAEMONSETS {
        if ds_pods + nodes <= p * DAEMONSET_PERCENT / 100 {
            b.add_platform(*profile, *ns, AppKind::DaemonSet, nodes);
            ds_pods += nodes;
        }
    }
    let sts_pods = p * STATEFULSET_PERCENT / 100;
    let job_pods = p * JOB_PERCENT / 100;
    let bare_pods = p * BARE_POD_PERCENT / 100;
    let mut deploy_pods = p - ds_pods - sts_pods - job_pods - bare_pods;
    let platform: usize = PLATFORM_DEPLOYMENTS.iter().map(|d| d.2).sum();
    if deploy_pods >= 6 * platform {
        for (profile, ns, replicas) in PLATFORM_DEPLOYMENTS {
            b.add_platform(*profile, *ns, AppKind::Deployment, *replicas);
        }
        deploy_pods -= platform;
    }
    b.fill(deploy_pods, |rng| {
        let profile = rng.weighted(&[
            (Profile::Web, 25),
            (Profile::Api, 55),
            (Profile::Worker, 20),
        ]);
        let replicas = rng.weighted(&[
            (1, 20),
            (2, 30),
            (3, 25),
            (4, 8),
            (5, 5),
            (6, 5),
            (8, 3),
            (10, 2),
            (20, 2),
        ]);
        (AppKind::Deployment, profile, replicas)
    });
    b.fill(sts_pods, |rng| {
        let profile = rng.weighted(&[
            (Profile::Postgres, 45),
            (Profile::Redis, 30),
            (Profile::RabbitMq, 10),
            (Profile::Kafka, 15),
        ]);
        (
            AppKind::StatefulSet,
            profile,
            rng.weighted(&[(1, 40), (3, 50), (5, 10)]),
        )
    });
    b.fill(job_pods, |rng| {
        if rng.chance(400) {
            (AppKind::Job, Profile::Migrate, 1)
        } else {
            let profile = rng.pick(&[Profile::Backup, Profile::Report]);
            (AppKind::CronJob, profile, rng.range(1, 3) as usize)
        }
    });
    b.fill(bare_pods, |_| (AppKind::Pod, Profile::Debug, 1));

    let admin_sa = plant_cluster_admin(&mut namespaces);
    Plan {
        nodes,
        namespaces,
        admin_sa,
    }
}

/// The platform namespaces and `app_ns` application namespaces named `<team>-<env>`
/// (`-<n>` once the combinations run out), each with its own policy choices.
fn namespaces(rng: &mut Rng, app_ns: usize) -> Vec<NsPlan> {
    let mut out: Vec<NsPlan> = PLATFORM
        .iter()
        .map(|(name, kind)| {
            let mut ns = NsPlan::new(name.to_string(), *kind, "platform-tools", "prod");
            ns.psa = match kind {
                NsKind::IngressNginx => Some("baseline"),
                NsKind::Monitoring => Some("privileged"),
                _ => None,
            };
            ns
        })
        .collect();
    let combos = TEAMS.len() * ENVS.len();
    for i in 0..app_ns {
        let team = TEAMS[i % TEAMS.len()];
        let env = ENVS[(i / TEAMS.len()) % ENVS.len()];
        let name = if i < combos {
            format!("{team}-{env}")
        } else {
            format!("{team}-{env}-{}", i / combos + 1)
        };
        let mut ns = NsPlan::new(name, NsKind::App, team, env);
        ns.created = BASE_TIME + rng.below(60 * DAY as u64) as i64;
        ns.psa = rng.weighted(&[
            (Some("restricted"), 30),
            (Some("baseline"), 30),
            (Some("privileged"), 5),
            (None, 35),
        ]);
        ns.netpol = rng.weighted(&[
            (NetPol::Full, 70),
            (NetPol::Partial, 15),
            (NetPol::None, 15),
        ]);
        ns.regcred = rng.chance(400);
        ns.dev_exec = rng.chance(300);
        ns.secret_reader = rng.chance(200);
        ns.wildcard_role = rng.chance(50);
        ns.deployer_role = rng.chance(100);
        ns.stale_policy = ns.netpol != NetPol::None && rng.chance(50);
        out.push(ns);
    }
    out
}

/// Places workloads in namespaces.
struct Allocator<'a> {
    rng: &'a mut Rng,
    namespaces: &'a mut [NsPlan],
    app_ns: usize,
}

impl Allocator<'_> {
    /// An application namespace, skewed towards the first ones so sizes vary (the
    /// minimum of two uniform draws).
    fn app_namespace(&mut self) -> usize {
        let a = self.rng.index(self.app_ns);
        let b = self.rng.index(self.app_ns);
        PLATFORM.len() + a.min(b)
    }

    fn namespace_of(&self, kind: NsKind) -> usize {
        self.namespaces
            .iter()
            .position(|n| n.kind == kind)
            .unwrap_or_default()
    }

    fn add_platform(&mut self, profile: Profile, ns: NsKind, kind: AppKind, pods: usize) {
        let i = self.namespace_of(ns);
        let mut app = self.app(i, kind, profile, pods);
        app.risks = Risks::platform(profile);
        app.manager = Manager::Helm;
        app.expose = match profile {
            Profile::IngressController => Expose::LoadBalancer,
            p if p.serves() => Expose::ClusterIp,
            _ => Expose::None,
        };
        app.ingress = (profile == Profile::Grafana).then_some(false);
        self.namespaces[i].apps.push(app);
    }

    /// Add workloads drawn by `draw` until exactly `budget` pods are placed (the last
    /// workload gets what is left).
    fn fill(&mut self, budget: usize, draw: impl Fn(&mut Rng) -> (AppKind, Profile, usize)) {
        let mut left = budget;
        while left > 0 {
            let (kind, profile, pods) = draw(self.rng);
            let pods = pods.clamp(1, left);
            left -= pods;
            let i = if profile == Profile::Debug && self.rng.chance(350) {
                self.namespace_of(NsKind::Default)
            } else {
                self.app_namespace()
            };
            let app = self.app(i, kind, profile, pods);
            self.namespaces[i].apps.push(app);
        }
    }

    fn app(&mut self, ns: usize, kind: AppKind, profile: Profile, pods: usize) -> App {
        let rng = &mut *self.rng;
        let n = &mut self.namespaces[ns];
        let name = n.unique(rng.pick(profile.words()));
        let serving = profile.serves() && kind != AppKind::Pod;
        let expose = if !serving {
            Expose::None
        } else if matches!(profile, Profile::Web | Profile::Api) {
            rng.weighted(&[
                (Expose::ClusterIp, 880),
                (Expose::NodePort, 50),
                (Expose::LoadBalancer, 40),
                (Expose::InternalLoadBalancer, 30),
            ])
        } else {
            Expose::ClusterIp
        };
        let ingress_rate = match profile {
            Profile::Web => 600,
            Profile::Api => 250,
            _ => 0,
        };
        let ingress = (expose != Expose::None && rng.chance(ingress_rate)).then(|| rng.chance(850));
        let app_like = matches!(profile, Profile::Web | Profile::Api | Profile::Worker);
        let has_config = app_like && rng.chance(600);
        App {
            name,
            kind,
            profile,
            pods,
            created: n.created + rng.below(120 * DAY as u64) as i64,
            manager: rng.weighted(&[
                (Manager::Helm, 45),
                (Manager::ArgoCd, 30),
                (Manager::Kubectl, 25),
            ]),
            risks: Risks::draw(rng, profile),
            expose,
            ingress,
            uses_db: app_like && rng.chance(450),
            has_config,
            config_leak: has_config && rng.chance(30),
            cluster_admin: false,
        }
    }
}

/// Bind cluster-admin to one workload's own service account (the first CronJob's, else
/// the first application Deployment's): a realistic "CI job that can do anything".
fn plant_cluster_admin(namespaces: &mut [NsPlan]) -> Option<(String, String)> {
    let find = |namespaces: &[NsPlan], kind: AppKind| {
        namespaces.iter().enumerate().find_map(|(i, n)| {
            let j = n.apps.iter().position(|a| a.kind == kind && n.is_app())?;
            Some((i, j))
        })
    };
    let (i, j) =
        find(namespaces, AppKind::CronJob).or_else(|| find(namespaces, AppKind::Deployment))?;
    let ns = &mut namespaces[i];
    let app = &mut ns.apps[j];
    app.cluster_admin = true;
    app.risks.default_sa = false;
    Some((ns.name.clone(), app.name.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_follow_the_pod_count() {
        let p = plan(&ClusterSpec::with_pods(150_000));
        assert_eq!(p.nodes, 5_000);
        assert_eq!(p.namespaces.len(), PLATFORM.len() + 3_000);
        assert_eq!(p.total_pods(), 150_000);
        let p = plan(&ClusterSpec::with_pods(1));
        assert_eq!((p.nodes, p.namespaces.len()), (3, PLATFORM.len() + 3));
        let p = plan(&ClusterSpec::with_pods(600_000));
        assert_eq!(p.namespaces.len(), MAX_NAMESPACES);
    }

    #[test]
    fn names_are_unique_per_namespace() {
        let p = plan(&ClusterSpec::with_pods(20_000));
        for ns in &p.namespaces {
            let names: BTreeSet<&str> = ns.apps.iter().map(|a| a.name.as_str()).collect();
            assert_eq!(names.len(), ns.apps.len(), "{}", ns.name);
        }
        let names: BTreeSet<&str> = p.namespaces.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names.len(), p.namespaces.len());
    }
}
