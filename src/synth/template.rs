//! Pod templates: labels, containers, images, probes, resources, env, volumes and the
//! security context of one workload, with the misconfigurations its [`Risks`] ask for.
//! Controllers embed the template; their pods copy it and add what the API server and
//! the scheduler fill in (see `workloads.rs`).

use serde_json::{json, Map, Value};

use super::meta::{map, rfc3339, Manager, DAY};
use super::plan::{
    App, AppKind, Hardening, ImageStyle, LiteralSecret, NsPlan, Profile, ResourceLevel, Risks,
};
use super::rng::{hex_of, Rng};

/// The EKS account that serves add-on images.
const ECR: &str = "602401143452.dkr.ecr.us-east-1.amazonaws.com";

pub(crate) struct Template {
    /// The controller's `spec.selector.matchLabels`.
    pub selector: Map<String, Value>,
    /// `spec.template.metadata.labels` (a superset of the selector).
    pub labels: Map<String, Value>,
    pub annotations: Map<String, Value>,
    /// `spec.template.spec`.
    pub spec: Map<String, Value>,
}

/// Labels every team-created object carries: name, product, component, owner.
pub(crate) fn common_labels(ns: &NsPlan, name: &str, component: &str) -> Map<String, Value> {
    let part_of = if ns.is_app() { ns.team } else { "platform" };
    map([
        ("app.kubernetes.io/name", name.to_string()),
        ("app.kubernetes.io/part-of", part_of.to_string()),
        ("app.kubernetes.io/component", component.to_string()),
        ("example.com/team", ns.team.to_string()),
    ])
}

pub(crate) fn component(profile: Profile) -> &'static str {
    match profile {
        Profile::Web => "frontend",
        Profile::Api => "backend",
        Profile::Worker => "worker",
        Profile::Postgres => "database",
        Profile::Redis => "cache",
        Profile::RabbitMq | Profile::Kafka => "queue",
        Profile::Migrate | Profile::Backup | Profile::Report => "batch",
        Profile::Debug => "debug",
        Profile::CoreDns | Profile::KubeProxy | Profile::AwsNode => "networking",
        Profile::IngressController => "controller",
        Profile::MetricsServer
        | Profile::Prometheus
        | Profile::Grafana
        | Profile::FluentBit
        | Profile::NodeExporter => "observability",
    }
}

/// The selector labels of a workload: what its Services and policies match on.
pub(crate) fn selector_labels(app: &App) -> Map<String, Value> {
    match app.profile {
        Profile::CoreDns => map([("k8s-app", "kube-dns".to_string())]),
        Profile::KubeProxy | Profile::AwsNode => map([("k8s-app", app.name.clone())]),
        Profile::Debug => map([("run", app.name.clone())]),
        _ => map([
            ("app.kubernetes.io/name", app.name.clone()),
            ("app.kubernetes.io/instance", app.name.clone()),
        ]),
    }
}

/// `v1.12.3`, stable per workload.
pub(crate) fn app_version(seed: u64, ns: &NsPlan, app: &App) -> String {
    let mut rng = Rng::for_key(seed, &format!("version/{}/{}", ns.name, app.name));
    format!(
        "v{}.{}.{}",
        rng.range(1, 4),
        rng.range(0, 24),
        rng.range(0, 12)
    )
}

/// How a container is checked for health.
enum Probe {
    Http(&'static str, &'static str),
    Https(&'static str, &'static str),
    Tcp(&'static str),
    Exec(&'static [&'static str]),
    None,
}

/// A container before it is rendered, with the pieces the pod needs (volumes).
struct Container {
    name: String,
    image: String,
    ports: Vec<(&'static str, u16, &'static str)>,
    command: Vec<String>,
    args: Vec<String>,
    env: Vec<Value>,
    env_from: Vec<Value>,
    probe: Probe,
    /// requests cpu, requests memory, limits cpu, limits memory
    resources: (&'static str, &'static str, &'static str, &'static str),
    mounts: Vec<Value>,
    uid: i64,
}

impl Container {
    fn new(name: &str, image: String) -> Self {
        Container {
            name: name.to_string(),
            image,
            ports: Vec::new(),
            command: Vec::new(),
            args: Vec::new(),
            env: Vec::new(),
            env_from: Vec::new(),
            probe: Probe::None,
            resources: ("100m", "128Mi", "500m", "256Mi"),
            mounts: Vec::new(),
            uid: 10001,
        }
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn env(name: &str, value: impl Into<String>) -> Value {
    json!({"name": name, "value": value.into()})
}

fn env_field(name: &str, path: &str) -> Value {
    json!({"name": name, "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": path}}})
}

fn env_secret(name: &str, secret: &str, key: &str) -> Value {
    json!({"name": name, "valueFrom": {"secretKeyRef": {"name": secret, "key": key}}})
}

fn env_config(name: &str, config_map: &str, key: &str) -> Value {
    json!({"name": name, "valueFrom": {"configMapKeyRef": {"name": config_map, "key": key}}})
}

fn mount(name: &str, path: &str, read_only: bool) -> Value {
    if read_only {
        json!({"name": name, "mountPath": path, "readOnly": true})
    } else {
        json!({"name": name, "mountPath": path})
    }
}

fn host_path(name: &str, path: &str, kind: &str) -> Value {
    json!({"name": name, "hostPath": {"path": path, "type": kind}})
}

/// The registry image of a team's own workload, in the style the risks ask for.
fn team_image(seed: u64, ns: &NsPlan, repo: &str, version: &str, style: ImageStyle) -> String {
    let base = format!("registry.example.com/{}/{repo}", ns.team);
    match style {
        ImageStyle::Semver => format!("{base}:{version}"),
        ImageStyle::Digest => format!(
            "{base}@sha256:{}",
            hex_of(seed, &format!("{base}:{version}"), 64)
        ),
        ImageStyle::Latest => format!("{base}:latest"),
        ImageStyle::Untagged => format!("ghcr.io/example-org/{repo}"),
    }
}

/// The first database of the namespace, for connection settings.
fn db_host(ns: &NsPlan) -> String {
    let db = ns
        .apps
        .iter()
        .find(|a| a.profile == Profile::Postgres)
        .map_or("postgres", |a| a.name.as_str());
    format!("{db}.{}.svc.cluster.local", ns.name)
}

/// Build the pod template of one workload.
pub(crate) fn template(seed: u64, ns: &NsPlan, app: &App) -> Template {
    let mut rng = Rng::for_key(seed, &format!("template/{}/{}", ns.name, app.name));
    let version = app_version(seed, ns, app);
    let risks = app.risks;
    let mut volumes: Vec<Value> = Vec::new();
    let mut main = main_container(seed, ns, app, &version, &mut rng, &mut volumes);
    wire(&mut main, &mut volumes, ns, app, &mut rng);
    let mut containers = vec![render(main, risks, true, &mut rng)];
    let first_sidecar = rng.index(SIDECARS.len());
    for i in 0..usize::from(risks.sidecars) {
        let c = sidecar(first_sidecar + i);
        containers.push(render(c, risks, false, &mut rng));
    }
    let mut spec = Map::new();
    if risks.init || app.profile == Profile::AwsNode {
        let c = init_container(seed, ns, app, &version, &mut rng);
        let mut v = render(c, risks, false, &mut rng);
        if app.profile == Profile::AwsNode {
            v["securityContext"] = json!({"privileged": true});
        }
        spec.insert("initContainers".into(), Value::Array(vec![v]));
    }
    spec.insert("containers".into(), Value::Array(containers));
    pod_level(&mut spec, ns, app, &mut rng, volumes);
    let (labels, annotations) = template_meta(seed, ns, app, &spec, &version, &mut rng);
    Template {
        selector: selector_labels(app),
        labels,
        annotations,
        spec,
    }
}

/// Connect the main container to its namespace: database credentials, its ConfigMap,
/// and the planted problems that live in env and volumes.
fn wire(main: &mut Container, volumes: &mut Vec<Value>, ns: &NsPlan, app: &App, rng: &mut Rng) {
    let risks = app.risks;
    if app.uses_db {
        main.env.push(env("DB_HOST", db_host(ns)));
        let secret = format!("{}-db", app.name);
        main.env
            .push(env_secret("DB_PASSWORD", &secret, "password"));
    }
    if app.has_config {
        let config = format!("{}-config", app.name);
        main.env
            .push(env_config("FEATURE_FLAGS", &config, "features"));
        main.env_from
            .push(json!({"configMapRef": {"name": config}}));
        volumes.push(json!({"name": "config", "configMap": {"name": config, "defaultMode": 420}}));
        main.mounts.push(mount("config", "/etc/app", true));
    }
    if risks.missing_ref {
        if rng.chance(500) {
            let secret = format!("{}-legacy-credentials", app.name);
            main.env
                .push(env_secret("PARTNER_API_KEY", &secret, "api-key"));
        } else {
            main.env_from
                .push(json!({"configMapRef": {"name": "shared-settings"}}));
        }
    }
    if let Some(kind) = risks.literal_secret {
        main.env.extend(literal_secret(kind, rng, ns));
    }
    if risks.docker_socket {
        volumes.push(host_path("docker-sock", "/var/run/docker.sock", "Socket"));
        main.mounts
            .push(mount("docker-sock", "/var/run/docker.sock", false));
    }
    if risks.hardening == Hardening::Full {
        volumes.push(json!({"name": "tmp", "emptyDir": {}}));
        main.mounts.push(mount("tmp", "/tmp", false));
    }
}

/// Template labels (selector plus the team's labels; `kubectl run` pods mostly carry
/// only `run`) and annotations (scraping, restarts, Helm config checksums).
fn template_meta(
    seed: u64,
    ns: &NsPlan,
    app: &App,
    spec: &Map<String, Value>,
    version: &str,
    rng: &mut Rng,
) -> (Map<String, Value>, Map<String, Value>) {
    let mut labels = selector_labels(app);
    if app.kind != AppKind::Pod || rng.chance(500) {
        labels.extend(common_labels(ns, &app.name, component(app.profile)));
        labels.insert("app.kubernetes.io/version".into(), json!(version));
    }
    let mut annotations = Map::new();
    if main_has_metrics(spec) {
        annotations.insert("prometheus.io/scrape".into(), json!("true"));
        annotations.insert("prometheus.io/port".into(), json!("9090"));
    }
    if app.kind == AppKind::Deployment && rng.chance(200) {
        annotations.insert(
            "kubectl.kubernetes.io/restartedAt".into(),
            json!(rfc3339(app.created + 3 * DAY)),
        );
    }
    if app.has_config && app.manager == Manager::Helm {
        annotations.insert(
            "checksum/config".into(),
            json!(hex_of(seed, &format!("cm/{}/{}", ns.name, app.name), 64)),
        );
    }
    (labels, annotations)
}

fn main_has_metrics(spec: &Map<String, Value>) -> bool {
    spec.get("containers")
        .and_then(|c| c.get(0))
        .and_then(|c| c.get("ports"))
        .and_then(Value::as_array)
        .is_some_and(|ports| ports.iter().any(|p| p["containerPort"] == 9090))
}

/// Pod-level fields: service account, host namespaces, security context, volumes.
fn pod_level(
    spec: &mut Map<String, Value>,
    ns: &NsPlan,
    app: &App,
    rng: &mut Rng,
    volumes: Vec<Value>,
) {
    let risks = app.risks;
    let sa = app.service_account();
    let batch = matches!(app.kind, AppKind::Job | AppKind::CronJob);
    let restart = match (batch, app.profile) {
        (true, Profile::Migrate) => "Never",
        (true, _) => "OnFailure",
        _ => "Always",
    };
    spec.insert("restartPolicy".into(), json!(restart));
    spec.insert(
        "dnsPolicy".into(),
        json!(if risks.host_network {
            "ClusterFirstWithHostNet"
        } else {
            "ClusterFirst"
        }),
    );
    spec.insert("schedulerName".into(), json!("default-scheduler"));
    spec.insert(
        "terminationGracePeriodSeconds".into(),
        json!(if batch { 30 } else { rng.pick(&[30, 30, 60]) }),
    );
    spec.insert("serviceAccountName".into(), json!(sa));
    spec.insert("serviceAccount".into(), json!(sa));
    if let Some(a) = risks.automount {
        spec.insert("automountServiceAccountToken".into(), json!(a));
    }
    if risks.host_network {
        spec.insert("hostNetwork".into(), json!(true));
    }
    if risks.host_pid {
        spec.insert("hostPID".into(), json!(true));
    }
    let uid = match app.profile {
        Profile::Postgres | Profile::Redis | Profile::RabbitMq => 999,
        Profile::Kafka => 1001,
        Profile::Prometheus | Profile::NodeExporter => 65534,
        Profile::Grafana => 472,
        Profile::IngressController => 101,
        _ => 10001,
    };
    let mut sc = match risks.hardening {
        Hardening::Full => {
            json!({"runAsNonRoot": true, "runAsUser": uid, "runAsGroup": uid, "fsGroup": uid,
            "seccompProfile": {"type": "RuntimeDefault"}})
        }
        Hardening::Partial => json!({"runAsNonRoot": true, "runAsUser": uid, "fsGroup": uid}),
        Hardening::None => json!({}),
    };
    if risks.no_seccomp {
        if let Some(m) = sc.as_object_mut() {
            m.remove("seccompProfile");
        }
    }
    spec.insert("securityContext".into(), sc);
    if ns.regcred && !app.profile.is_vendor() {
        spec.insert("imagePullSecrets".into(), json!([{"name": "regcred"}]));
    }
    if app.kind == AppKind::DaemonSet {
        spec.insert("priorityClassName".into(), json!("system-node-critical"));
        spec.insert("tolerations".into(), json!([{"operator": "Exists"}]));
        spec.insert("nodeSelector".into(), json!({"kubernetes.io/os": "linux"}));
    } else if app.kind == AppKind::Deployment && app.pods > 1 && rng.chance(300) {
        spec.insert(
            "affinity".into(),
            json!({"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{
            "weight": 100,
            "podAffinityTerm": {"topologyKey": "topology.kubernetes.io/zone",
                "labelSelector": {"matchLabels": selector_labels(app)}}}]}}),
        );
    }
    if !volumes.is_empty() {
        spec.insert("volumes".into(), Value::Array(volumes));
    }
}

/// Render a container with its security context, probes and resources.
fn render(c: Container, risks: Risks, main: bool, rng: &mut Rng) -> Value {
    let mut v = Map::new();
    v.insert("name".into(), json!(c.name));
    let mutable = c.image.ends_with(":latest")
        || !c
            .image
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .contains([':', '@']);
    v.insert("image".into(), json!(c.image));
    v.insert(
        "imagePullPolicy".into(),
        json!(if mutable { "Always" } else { "IfNotPresent" }),
    );
    if !c.command.is_empty() {
        v.insert("command".into(), json!(c.command));
    }
    if !c.args.is_empty() {
        v.insert("args".into(), json!(c.args));
    }
    if !c.ports.is_empty() {
        let ports: Vec<Value> = c
            .ports
            .iter()
            .map(|(name, port, proto)| json!({"name": name, "containerPort": port, "protocol": proto}))
            .collect();
        v.insert("ports".into(), Value::Array(ports));
    }
    if !c.env.is_empty() {
        v.insert("env".into(), Value::Array(c.env));
    }
    if !c.env_from.is_empty() {
        v.insert("envFrom".into(), Value::Array(c.env_from));
    }
    let (rc, rm, lc, lm) = c.resources;
    let resources = match risks.resources {
        ResourceLevel::Full => {
            json!({"requests": {"cpu": rc, "memory": rm}, "limits": {"cpu": lc, "memory": lm}})
        }
        ResourceLevel::RequestsOnly => {
            json!({"requests": {"cpu": rc, "memory": rm}, "limits": {"memory": lm}})
        }
        ResourceLevel::None => json!({}),
    };
    v.insert("resources".into(), resources);
    if risks.probes {
        if let Some(p) = probe(&c.probe, 10) {
            v.insert("livenessProbe".into(), p);
        }
        if let Some(p) = probe(&c.probe, 5) {
            v.insert("readinessProbe".into(), p);
        }
        if main && matches!(c.probe, Probe::Http(..)) && rng.chance(200) {
            if let Some(mut p) = probe(&c.probe, 5) {
                p["failureThreshold"] = json!(30);
                v.insert("startupProbe".into(), p);
            }
        }
    }
    v.insert(
        "securityContext".into(),
        security_context(risks, main, c.uid),
    );
    if v["securityContext"].as_object().is_some_and(Map::is_empty) {
        v.remove("securityContext");
    }
    if !c.mounts.is_empty() {
        v.insert("volumeMounts".into(), Value::Array(c.mounts));
    }
    v.insert(
        "terminationMessagePath".into(),
        json!("/dev/termination-log"),
    );
    v.insert("terminationMessagePolicy".into(), json!("File"));
    Value::Object(v)
}

fn probe(p: &Probe, period: u64) -> Option<Value> {
    let mut v = match p {
        Probe::Http(path, port) => {
            json!({"httpGet": {"path": path, "port": port, "scheme": "HTTP"}})
        }
        Probe::Https(path, port) => {
            json!({"httpGet": {"path": path, "port": port, "scheme": "HTTPS"}})
        }
        Probe::Tcp(port) => json!({"tcpSocket": {"port": port}}),
        Probe::Exec(cmd) => json!({"exec": {"command": cmd}}),
        Probe::None => return None,
    };
    v["initialDelaySeconds"] = json!(period);
    v["periodSeconds"] = json!(period);
    v["timeoutSeconds"] = json!(1);
    v["successThreshold"] = json!(1);
    v["failureThreshold"] = json!(3);
    Some(v)
}

/// The container security context: the hardened set, weakened as the risks ask (only
/// the main container carries the planted problems; sidecars follow the hardening).
fn security_context(risks: Risks, main: bool, uid: i64) -> Value {
    let mut sc = match risks.hardening {
        Hardening::Full => {
            json!({"allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true,
            "runAsNonRoot": true, "capabilities": {"drop": ["ALL"]}})
        }
        Hardening::Partial => json!({"allowPrivilegeEscalation": false}),
        Hardening::None => json!({}),
    };
    if risks.writable_root && risks.hardening == Hardening::Full {
        sc["readOnlyRootFilesystem"] = json!(false);
    }
    if !main {
        return sc;
    }
    if uid != 10001 && risks.hardening != Hardening::None {
        sc["runAsUser"] = json!(uid);
    }
    if risks.run_as_root {
        sc["runAsUser"] = json!(0);
        if risks.hardening != Hardening::None {
            sc["runAsNonRoot"] = json!(false);
        }
    }
    if risks.privileged {
        sc["privileged"] = json!(true);
        sc["allowPrivilegeEscalation"] = json!(true);
    }
    if let Some(cap) = risks.cap_add {
        sc["capabilities"]["add"] = json!([cap]);
    }
    sc
}

/// Fake but pattern-matching literal secrets (the values differ per workload).
fn literal_secret(kind: LiteralSecret, rng: &mut Rng, ns: &NsPlan) -> Vec<Value> {
    match kind {
        LiteralSecret::AwsKeys => vec![
            env("AWS_ACCESS_KEY_ID", format!("AKIA{}", rng.upper_alnum(16))),
            env("AWS_SECRET_ACCESS_KEY", rng.base64ish(40)),
            env("AWS_REGION", "us-east-1"),
        ],
        LiteralSecret::Password => vec![env(
            "DB_PASSWORD",
            format!(
                "{}-{}",
                rng.pick(&["Summer", "Winter", "Spring"]),
                rng.range(1000, 9999)
            ),
        )],
        LiteralSecret::DatabaseUrl => vec![env(
            "DATABASE_URL",
            format!(
                "postgres://app:{}@{}:5432/app",
                rng.base64ish(16).replace(['/', '+'], "x"),
                db_host(ns)
            ),
        )],
    }
}

/// The workload's own container: built by the profile's family, plus the env every
/// in-house service gets.
fn main_container(
    seed: u64,
    ns: &NsPlan,
    app: &App,
    version: &str,
    rng: &mut Rng,
    volumes: &mut Vec<Value>,
) -> Container {
    let mut c = match app.profile {
        Profile::Postgres | Profile::Redis | Profile::RabbitMq | Profile::Kafka => {
            data_container(app, rng)
        }
        Profile::CoreDns
        | Profile::MetricsServer
        | Profile::IngressController
        | Profile::Prometheus
        | Profile::Grafana => control_plane_container(app, volumes),
        Profile::KubeProxy | Profile::AwsNode | Profile::FluentBit | Profile::NodeExporter => {
            node_agent_container(app, volumes)
        }
        _ => team_container(seed, ns, app, version, rng),
    };
    c.env.push(env_field("POD_NAMESPACE", "metadata.namespace"));
    if matches!(app.profile, Profile::Web | Profile::Api | Profile::Worker) {
        c.env.push(env(
            "LOG_LEVEL",
            rng.pick(&["info", "info", "debug", "warn"]),
        ));
        c.env.push(env_field("POD_NAME", "metadata.name"));
        if rng.chance(500) {
            c.env.push(env(
                "OTEL_EXPORTER_OTLP_ENDPOINT",
                "http://otel-collector.monitoring:4317",
            ));
        }
    }
    c
}

/// Containers of the teams' own services, batch jobs and debug pods.
fn team_container(seed: u64, ns: &NsPlan, app: &App, version: &str, rng: &mut Rng) -> Container {
    let style = app.risks.image;
    let own = |repo: &str| team_image(seed, ns, repo, version, style);
    let name = app.name.as_str();
    match app.profile {
        Profile::Web => {
            let image = if rng.chance(300) {
                rng.pick(&[
                    "nginx:1.25.4",
                    "nginxinc/nginx-unprivileged:1.25-alpine",
                    "nginx:1.25",
                ])
                .to_string()
            } else {
                own(name)
            };
            let mut c = Container::new(name, image);
            c.ports.push(("http", 8080, "TCP"));
            c.probe = Probe::Http("/healthz", "http");
            c
        }
        Profile::Api => {
            let mut c = Container::new(name, own(name));
            c.ports.push(("http", 8080, "TCP"));
            if rng.chance(500) {
                c.ports.push(("metrics", 9090, "TCP"));
            }
            if rng.chance(200) {
                c.ports.push(("grpc", 50051, "TCP"));
            }
            c.probe = Probe::Http("/healthz", "http");
            c.resources = ("250m", "256Mi", "1", "512Mi");
            c
        }
        Profile::Worker => {
            let mut c = Container::new(name, own(name));
            c.args = strings(&["--concurrency", "8"]);
            if rng.chance(500) {
                c.ports.push(("metrics", 9090, "TCP"));
                c.probe = Probe::Http("/healthz", "metrics");
            } else {
                c.probe = Probe::Exec(&["cat", "/tmp/healthy"]);
            }
            c.resources = ("200m", "256Mi", "1", "1Gi");
            c
        }
        Profile::Migrate => {
            let mut c = Container::new("migrate", own(&format!("{name}-migrations")));
            c.command = strings(&["/app/migrate", "up"]);
            c
        }
        Profile::Backup => {
            let mut c = Container::new(
                "backup",
                "registry.example.com/platform/pg-backup:1.8.0".to_string(),
            );
            c.command = strings(&["/bin/sh", "-c"]);
            c.args = vec![format!(
                "pg_dump -h {} -U app app | gzip | aws s3 cp - s3://example-backups/{}/$(date +%F).sql.gz",
                db_host(ns),
                ns.name
            )];
            c
        }
        Profile::Report => {
            let mut c = Container::new(name, own(name));
            c.args = strings(&["--since", "24h"]);
            c
        }
        _ => {
            let image = rng.pick(&[
                "nicolaka/netshoot:latest",
                "busybox",
                "alpine:3.19",
                "ubuntu:22.04",
                "curlimages/curl:8.6.0",
            ]);
            let mut c = Container::new(name, image.to_string());
            c.command = strings(&["sleep", "infinity"]);
            c
        }
    }
}

/// Containers of the databases, caches and queues, from their public images.
fn data_container(app: &App, rng: &mut Rng) -> Container {
    let name = app.name.as_str();
    match app.profile {
        Profile::Postgres => {
            let image = rng.pick(&[
                "postgres:16.2",
                "postgres:15.6",
                "postgres:16",
                "bitnami/postgresql:16.2.0-debian-12-r6",
            ]);
            let mut c = Container::new("postgres", image.to_string());
            c.ports.push(("postgresql", 5432, "TCP"));
            c.env = vec![
                env("POSTGRES_USER", "app"),
                env_secret(
                    "POSTGRES_PASSWORD",
                    &format!("{name}-credentials"),
                    "password",
                ),
                env("PGDATA", "/var/lib/postgresql/data/pgdata"),
            ];
            c.probe = Probe::Exec(&["pg_isready", "-U", "app"]);
            c.mounts
                .push(mount("data", "/var/lib/postgresql/data", false));
            c.resources = ("500m", "1Gi", "2", "4Gi");
            c.uid = 999;
            c
        }
        Profile::Redis => {
            let image = rng.pick(&["redis:7.2.4", "redis:7", "bitnami/redis:7.2.4-debian-12-r9"]);
            let mut c = Container::new("redis", image.to_string());
            c.ports.push(("redis", 6379, "TCP"));
            c.args = strings(&["--requirepass", "$(REDIS_PASSWORD)", "--appendonly", "yes"]);
            c.env = vec![env_secret(
                "REDIS_PASSWORD",
                &format!("{name}-credentials"),
                "password",
            )];
            c.probe = Probe::Tcp("redis");
            c.mounts.push(mount("data", "/data", false));
            c.resources = ("100m", "256Mi", "500m", "1Gi");
            c.uid = 999;
            c
        }
        Profile::RabbitMq => {
            let mut c = Container::new("rabbitmq", "rabbitmq:3.12-management".to_string());
            c.ports = vec![("amqp", 5672, "TCP"), ("management", 15672, "TCP")];
            c.env = vec![
                env("RABBITMQ_DEFAULT_USER", "app"),
                env_secret(
                    "RABBITMQ_DEFAULT_PASS",
                    &format!("{name}-credentials"),
                    "password",
                ),
                env_secret(
                    "RABBITMQ_ERLANG_COOKIE",
                    &format!("{name}-credentials"),
                    "erlang-cookie",
                ),
            ];
            c.probe = Probe::Exec(&["rabbitmq-diagnostics", "-q", "ping"]);
            c.mounts.push(mount("data", "/var/lib/rabbitmq", false));
            c.resources = ("250m", "512Mi", "1", "2Gi");
            c.uid = 999;
            c
        }
        _ => {
            let mut c = Container::new("kafka", "bitnami/kafka:3.6.1".to_string());
            c.ports = vec![("kafka", 9092, "TCP"), ("controller", 9093, "TCP")];
            c.env = vec![
                env("KAFKA_CFG_PROCESS_ROLES", "controller,broker"),
                env(
                    "KAFKA_CFG_LISTENERS",
                    "PLAINTEXT://:9092,CONTROLLER://:9093",
                ),
                env_field("KAFKA_POD_NAME", "metadata.name"),
            ];
            c.probe = Probe::Tcp("kafka");
            c.mounts.push(mount("data", "/bitnami/kafka", false));
            c.resources = ("500m", "2Gi", "2", "4Gi");
            c.uid = 1001;
            c
        }
    }
}

/// Containers of the platform Deployments, as their charts ship them.
fn control_plane_container(app: &App, volumes: &mut Vec<Value>) -> Container {
    match app.profile {
        Profile::CoreDns => {
            let mut c = Container::new("coredns", "registry.k8s.io/coredns/coredns:v1.11.1".into());
            c.args = strings(&["-conf", "/etc/coredns/Corefile"]);
            c.ports = vec![
                ("dns", 53, "UDP"),
                ("dns-tcp", 53, "TCP"),
                ("metrics", 9153, "TCP"),
            ];
            c.probe = Probe::Http("/health", "metrics");
            c.mounts.push(mount("config-volume", "/etc/coredns", true));
            volumes.push(
                json!({"name": "config-volume", "configMap": {"name": "coredns", "defaultMode": 420,
                "items": [{"key": "Corefile", "path": "Corefile"}]}}),
            );
            c
        }
        Profile::MetricsServer => {
            let mut c = Container::new(
                "metrics-server",
                "registry.k8s.io/metrics-server/metrics-server:v0.7.0".into(),
            );
            c.args = strings(&[
                "--cert-dir=/tmp",
                "--secure-port=10250",
                "--kubelet-preferred-address-types=InternalIP",
                "--metric-resolution=15s",
            ]);
            c.ports = vec![("https", 10250, "TCP")];
            c.probe = Probe::Https("/livez", "https");
            c
        }
        Profile::IngressController => {
            let image = format!(
                "registry.k8s.io/ingress-nginx/controller:v1.9.6@sha256:{}",
                "1405cc613bd95b2c6edd8b2a152510ae91c7e62aea4698500d23b2145960ab9c"
            );
            let mut c = Container::new("controller", image);
            c.args = strings(&[
                "/nginx-ingress-controller",
                "--publish-service=$(POD_NAMESPACE)/ingress-nginx-controller",
                "--election-id=ingress-nginx-leader",
                "--controller-class=k8s.io/ingress-nginx",
            ]);
            c.ports = vec![
                ("http", 80, "TCP"),
                ("https", 443, "TCP"),
                ("webhook", 8443, "TCP"),
                ("metrics", 10254, "TCP"),
            ];
            c.probe = Probe::Http("/healthz", "metrics");
            c.uid = 101;
            c
        }
        Profile::Prometheus => {
            let mut c = Container::new(
                "prometheus-server",
                "quay.io/prometheus/prometheus:v2.49.1".into(),
            );
            c.args = strings(&[
                "--storage.tsdb.retention.time=15d",
                "--config.file=/etc/config/prometheus.yml",
            ]);
            c.ports = vec![("web", 9090, "TCP")];
            c.probe = Probe::Http("/-/healthy", "web");
            c.resources = ("500m", "2Gi", "2", "8Gi");
            c.uid = 65534;
            c
        }
        _ => {
            let mut c = Container::new("grafana", "grafana/grafana:latest".into());
            c.ports = vec![("grafana", 3000, "TCP")];
            c.env = vec![
                env_secret("GF_SECURITY_ADMIN_USER", "grafana", "admin-user"),
                env_secret("GF_SECURITY_ADMIN_PASSWORD", "grafana", "admin-password"),
            ];
            c.probe = Probe::Http("/api/health", "grafana");
            c.uid = 472;
            c
        }
    }
}

/// Containers of the node agents (DaemonSets), as their vendors ship them.
fn node_agent_container(app: &App, volumes: &mut Vec<Value>) -> Container {
    let name = app.name.as_str();
    match app.profile {
        Profile::KubeProxy => {
            let mut c = Container::new(
                "kube-proxy",
                format!("{ECR}/eks/kube-proxy:v1.29.0-minimal-eksbuild.1"),
            );
            c.command = strings(&[
                "kube-proxy",
                "--v=2",
                "--config=/var/lib/kube-proxy-config/config",
                "--hostname-override=$(NODE_NAME)",
            ]);
            c.env = vec![env_field("NODE_NAME", "spec.nodeName")];
            c.probe = Probe::None;
            c.mounts = vec![
                mount("varlog", "/var/log", false),
                mount("xtables-lock", "/run/xtables.lock", false),
                mount("lib-modules", "/lib/modules", true),
                mount("config", "/var/lib/kube-proxy-config/", false),
            ];
            volumes.extend([
                host_path("varlog", "/var/log", ""),
                host_path("xtables-lock", "/run/xtables.lock", "FileOrCreate"),
                host_path("lib-modules", "/lib/modules", ""),
                json!({"name": "config", "configMap": {"name": "kube-proxy-config", "defaultMode": 420}}),
            ]);
            c
        }
        Profile::AwsNode => {
            let mut c = Container::new(
                "aws-node",
                format!("{ECR}/amazon-k8s-cni:v1.16.0-eksbuild.1"),
            );
            c.ports = vec![("metrics", 61678, "TCP")];
            c.env = vec![
                env("AWS_VPC_K8S_CNI_LOGLEVEL", "DEBUG"),
                env("ENABLE_PREFIX_DELEGATION", "false"),
                env_field("MY_NODE_NAME", "spec.nodeName"),
            ];
            c.probe = Probe::Exec(&[
                "/app/grpc-health-probe",
                "-addr=:50051",
                "-connect-timeout=5s",
                "-rpc-timeout=5s",
            ]);
            c.mounts = vec![
                mount("cni-bin-dir", "/host/opt/cni/bin", false),
                mount("cni-net-dir", "/host/etc/cni/net.d", false),
                mount("log-dir", "/host/var/log/aws-routed-eni", false),
                mount("run-dir", "/var/run/aws-node", false),
                mount("xtables-lock", "/run/xtables.lock", false),
            ];
            volumes.extend([
                host_path("cni-bin-dir", "/opt/cni/bin", ""),
                host_path("cni-net-dir", "/etc/cni/net.d", ""),
                host_path("log-dir", "/var/log/aws-routed-eni", "DirectoryOrCreate"),
                host_path("run-dir", "/var/run/aws-node", "DirectoryOrCreate"),
                host_path("xtables-lock", "/run/xtables.lock", "FileOrCreate"),
            ]);
            c
        }
        Profile::FluentBit => {
            let mut c = Container::new(
                "fluent-bit",
                "cr.fluentbit.io/fluent/fluent-bit:2.2.2".into(),
            );
            c.ports = vec![("http", 2020, "TCP")];
            c.probe = Probe::Http("/", "http");
            c.mounts = vec![
                mount("config", "/fluent-bit/etc/", false),
                mount("varlog", "/var/log", true),
                mount("varlibdockercontainers", "/var/lib/docker/containers", true),
                mount("etcmachineid", "/etc/machine-id", true),
            ];
            volumes.extend([
                json!({"name": "config", "configMap": {"name": "fluent-bit", "defaultMode": 420}}),
                host_path("varlog", "/var/log", ""),
                host_path("varlibdockercontainers", "/var/lib/docker/containers", ""),
                host_path("etcmachineid", "/etc/machine-id", "File"),
            ]);
            c
        }
        _ => {
            // NodeExporter (and anything unforeseen): the host metrics agent.
            let mut c = Container::new(name, "quay.io/prometheus/node-exporter:v1.7.0".into());
            c.args = strings(&[
                "--path.procfs=/host/proc",
                "--path.sysfs=/host/sys",
                "--path.rootfs=/host/root",
            ]);
            c.ports = vec![("metrics", 9100, "TCP")];
            c.probe = Probe::Http("/", "metrics");
            c.uid = 65534;
            c.mounts = vec![
                mount("proc", "/host/proc", true),
                mount("sys", "/host/sys", true),
                mount("root", "/host/root", true),
            ];
            volumes.extend([
                host_path("proc", "/proc", ""),
                host_path("sys", "/sys", ""),
                host_path("root", "/", ""),
            ]);
            c
        }
    }
}

/// Sidecars: (name, image, port name, port).
const SIDECARS: &[(&str, &str, &str, u16)] = &[
    ("envoy", "envoyproxy/envoy:v1.29.1", "admin", 9901),
    (
        "otel-collector",
        "otel/opentelemetry-collector-contrib:0.92.0",
        "otlp",
        4317,
    ),
    (
        "cloud-sql-proxy",
        "gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.8.1",
        "",
        0,
    ),
    (
        "oauth2-proxy",
        "quay.io/oauth2-proxy/oauth2-proxy:v7.5.1",
        "proxy",
        4180,
    ),
    (
        "log-shipper",
        "cr.fluentbit.io/fluent/fluent-bit:2.2.2",
        "",
        0,
    ),
];

/// A sidecar: mesh proxy, telemetry, database proxy or auth proxy. Consecutive slots
/// give different sidecars, so a pod never has two of the same name.
fn sidecar(slot: usize) -> Container {
    let (name, image, port_name, port) = SIDECARS[slot % SIDECARS.len()];
    let mut c = Container::new(name, image.to_string());
    if port > 0 {
        c.ports.push((port_name, port, "TCP"));
        c.probe = Probe::Tcp(port_name);
    }
    c.resources = ("50m", "64Mi", "200m", "128Mi");
    c.uid = 10002;
    c
}

/// An init container: wait for a dependency, run migrations, or fix permissions.
fn init_container(seed: u64, ns: &NsPlan, app: &App, version: &str, rng: &mut Rng) -> Container {
    if app.profile == Profile::AwsNode {
        let mut c = Container::new(
            "aws-vpc-cni-init",
            format!("{ECR}/amazon-k8s-cni-init:v1.16.0-eksbuild.1"),
        );
        c.env = vec![env("DISABLE_TCP_EARLY_DEMUX", "false")];
        return c;
    }
    match rng.below(3) {
        0 => {
            let mut c = Container::new("wait-for-db", "busybox:1.36".into());
            c.command = vec![
                "sh".into(),
                "-c".into(),
                format!("until nc -z {} 5432; do sleep 2; done", db_host(ns)),
            ];
            c
        }
        1 => {
            let mut c = Container::new(
                "migrate",
                team_image(
                    seed,
                    ns,
                    &format!("{}-migrations", app.name),
                    version,
                    ImageStyle::Semver,
                ),
            );
            c.command = strings(&["/app/migrate", "up"]);
            c
        }
        _ => {
            let mut c = Container::new("fix-permissions", "alpine".into());
            c.command = strings(&["sh", "-c", "chown -R 10001:10001 /data"]);
            c
        }
    }
}
