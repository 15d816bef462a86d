//! Controllers and their pods: Deployment -> ReplicaSets -> Pods, StatefulSet -> Pods,
//! DaemonSet -> one Pod per node, Job -> Pod, CronJob -> Jobs -> Pods, and bare Pods.
//! Pods copy their controller's template and add what the API server, the scheduler and
//! the kubelet fill in (node, service-account token volume, tolerations, status).

use serde_json::{json, Map, Value};

use super::cluster::{node_ip, node_name};
use super::meta::{
    fields_child, object, object_with, rfc3339, top_fields, uid_of, Head, Manager, Owner,
    Precomputed, DAY, NOW,
};
use super::plan::{App, AppKind, NsPlan, Profile, ResourceLevel};
use super::rng::{hex_of, k8s_hash, Rng};
use super::template::{app_version, common_labels, component, template, Template};
use super::Gen;

pub(crate) fn emit(g: &mut Gen, ns: &NsPlan, app: &App) {
    let t = template(g.seed, ns, app);
    let mut ps = PodStream {
        rng: Rng::for_key(g.seed, &format!("pods/{}/{}", ns.name, app.name)),
        cache: PodCache::default(),
    };
    match app.kind {
        AppKind::Deployment => deployment(g, ns, app, t, &mut ps),
        AppKind::StatefulSet => stateful_set(g, ns, app, t, &mut ps),
        AppKind::DaemonSet => daemon_set(g, ns, app, t, &mut ps),
        AppKind::Job => job(g, ns, app, t, &mut ps),
        AppKind::CronJob => cron_job(g, ns, app, t, &mut ps),
        AppKind::Pod => bare_pod(g, ns, app, t, &mut ps),
    }
}

/// Metadata of a top-level controller: the team's labels plus what its deployment tool
/// leaves behind (Helm labels and annotations, Argo CD's tracking id, kubectl's
/// last-applied-configuration, added by [`finish_controller`]).
fn controller_head(g: &Gen, ns: &NsPlan, app: &App, kind: &'static str) -> Head {
    let mut h = Head::new(kind, Some(&ns.name), &app.name, app.created);
    h.labels = common_labels(ns, &app.name, component(app.profile));
    h.labels
        .insert("app.kubernetes.io/instance".into(), json!(app.name));
    h.labels.insert(
        "app.kubernetes.io/version".into(),
        json!(app_version(g.seed, ns, app)),
    );
    h.manager = app.manager;
    match app.manager {
        Manager::Helm => {
            h.labels
                .insert("app.kubernetes.io/managed-by".into(), json!("Helm"));
            h.labels.insert(
                "helm.sh/chart".into(),
                json!(format!("{}-1.{}.0", app.name, app.name.len())),
            );
            h.annotations
                .insert("meta.helm.sh/release-name".into(), json!(app.name));
            h.annotations
                .insert("meta.helm.sh/release-namespace".into(), json!(ns.name));
        }
        Manager::ArgoCd => {
            h.annotations.insert(
                "argocd.argoproj.io/tracking-id".into(),
                json!(format!("{}:apps/{kind}:{}/{}", ns.team, ns.name, app.name)),
            );
        }
        _ => {}
    }
    h
}

/// Emit a controller, adding `last-applied-configuration` for kubectl-managed ones (the
/// annotation the normalizer must drop: it repeats the whole spec, env included).
fn finish_controller(g: &mut Gen, head: Head, body: Map<String, Value>) -> Owner {
    finish_controller_with(g, head, body, Vec::new())
}

/// [`finish_controller`], with some field sets computed ahead.
fn finish_controller_with(
    g: &mut Gen,
    mut head: Head,
    body: Map<String, Value>,
    pre: Precomputed,
) -> Owner {
    if head.manager == Manager::Kubectl {
        let mut meta = json!({"name": head.name, "namespace": head.namespace});
        meta["labels"] = Value::Object(head.labels.clone());
        let mut applied =
            json!({"apiVersion": super::meta::api_version(head.kind), "kind": head.kind});
        applied["metadata"] = meta;
        applied["spec"] = body.get("spec").cloned().unwrap_or_default();
        head.annotations.insert(
            "kubectl.kubernetes.io/last-applied-configuration".into(),
            json!(format!("{applied}\n")),
        );
    }
    let owner = head.as_owner(g.seed);
    let v = object_with(g.seed, head, body, pre);
    g.emit(v);
    owner
}

/// The field set of a controller's `spec` whose `template` field set is already known
/// (it is the bulk, and the same for a Deployment and its ReplicaSets).
fn controller_spec_fields(spec: &Value, template: Value) -> Value {
    let mut out = Map::new();
    if let Some(m) = spec.as_object() {
        for (k, v) in m.iter().filter(|(k, _)| *k != "template") {
            out.insert(format!("f:{k}"), fields_child(v));
        }
    }
    out.insert("f:template".into(), template);
    Value::Object(out)
}

/// A template field set with one more label.
fn with_label_field(mut template: Value, label: &str) -> Value {
    if let Some(labels) = template
        .pointer_mut("/f:metadata/f:labels")
        .and_then(Value::as_object_mut)
    {
        labels.insert(format!("f:{label}"), json!({}));
    }
    template
}

/// `spec.template` of a controller, with extra labels.
fn template_value(t: &Template, extra: &[(&str, String)]) -> Value {
    let mut labels = t.labels.clone();
    for (k, v) in extra {
        labels.insert((*k).to_string(), json!(v));
    }
    let mut meta = Map::new();
    meta.insert("creationTimestamp".into(), Value::Null);
    meta.insert("labels".into(), Value::Object(labels));
    if !t.annotations.is_empty() {
        meta.insert("annotations".into(), Value::Object(t.annotations.clone()));
    }
    let mut out = Map::new();
    out.insert("metadata".into(), Value::Object(meta));
    out.insert("spec".into(), Value::Object(t.spec.clone()));
    Value::Object(out)
}

fn selector_with(t: &Template, extra: &[(&str, String)]) -> Value {
    let mut m = t.selector.clone();
    for (k, v) in extra {
        m.insert((*k).to_string(), json!(v));
    }
    let mut out = Map::new();
    out.insert("matchLabels".into(), Value::Object(m));
    Value::Object(out)
}

fn condition(kind: &str, status: &str, reason: &str, message: &str, at: i64) -> Value {
    json!({"type": kind, "status": status, "reason": reason, "message": message,
        "lastTransitionTime": rfc3339(at), "lastUpdateTime": rfc3339(at)})
}

fn body(pairs: Vec<(&str, Value)>) -> Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

// ---------------------------------------------------------------- Deployments

fn deployment(g: &mut Gen, ns: &NsPlan, app: &App, t: Template, ps: &mut PodStream) {
    let revision = ps.rng.range(2, 40) as i64;
    let key = format!("{}/{}", ns.name, app.name);
    let hash = k8s_hash(g.seed, &format!("{key}/{revision}"), 10);
    let old_hash = k8s_hash(g.seed, &format!("{key}/{}", revision - 1), 10);
    let rolled_out = app.created + (NOW - app.created) / 2;
    let replicas = app.pods as i64;

    let mut head = controller_head(g, ns, app, "Deployment");
    head.generation = Some(revision + ps.rng.range(0, 2) as i64);
    head.annotations.insert(
        "deployment.kubernetes.io/revision".into(),
        json!(revision.to_string()),
    );
    let generation = head.generation;
    let mut spec = json!({
        "replicas": replicas,
        "revisionHistoryLimit": 10,
        "progressDeadlineSeconds": 600,
        "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
    });
    spec["selector"] = selector_with(&t, &[]);
    spec["template"] = template_value(&t, &[]);
    let status = json!({
        "observedGeneration": generation,
        "replicas": replicas,
        "updatedReplicas": replicas,
        "readyReplicas": replicas,
        "availableReplicas": replicas,
        "conditions": [
            condition("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.", rolled_out),
            condition("Progressing", "True", "NewReplicaSetAvailable",
                &format!("ReplicaSet \"{}-{hash}\" has successfully progressed.", app.name), rolled_out),
        ],
    });
    let template_fields = fields_child(&spec["template"]);
    let rs_template_fields = with_label_field(template_fields.clone(), "pod-template-hash");
    let pre = vec![("spec", controller_spec_fields(&spec, template_fields))];
    let deploy =
        finish_controller_with(g, head, body(vec![("spec", spec), ("status", status)]), pre);

    let rs = |name_hash: &str, rev: i64, count: i64, created: i64| {
        let extra = [("pod-template-hash", name_hash.to_string())];
        let mut h = Head::new(
            "ReplicaSet",
            Some(&ns.name),
            &format!("{}-{name_hash}", app.name),
            created,
        );
        h.labels = t.labels.clone();
        h.labels
            .insert("pod-template-hash".into(), json!(name_hash));
        h.annotations = super::meta::map([
            (
                "deployment.kubernetes.io/desired-replicas",
                replicas.to_string(),
            ),
            (
                "deployment.kubernetes.io/max-replicas",
                (replicas + (replicas + 3) / 4).to_string(),
            ),
            ("deployment.kubernetes.io/revision", rev.to_string()),
        ]);
        h.owner = Some(deploy.clone());
        h.generation = Some(if count == 0 { 3 } else { 1 });
        h.manager = Manager::Controller;
        let mut spec = json!({"replicas": count});
        spec["selector"] = selector_with(&t, &extra);
        spec["template"] = template_value(&t, &extra);
        let status = if count == 0 {
            json!({"replicas": 0, "observedGeneration": 3})
        } else {
            json!({"replicas": count, "fullyLabeledReplicas": count, "readyReplicas": count,
                "availableReplicas": count, "observedGeneration": 1})
        };
        let pre = vec![(
            "spec",
            controller_spec_fields(&spec, rs_template_fields.clone()),
        )];
        (h, body(vec![("spec", spec), ("status", status)]), pre)
    };
    let (h, b, pre) = rs(&hash, revision, replicas, rolled_out);
    let owner = h.as_owner(g.seed);
    g.emit(object_with(g.seed, h, b, pre));
    let (h, b, pre) = rs(&old_hash, revision - 1, 0, app.created);
    g.emit(object_with(g.seed, h, b, pre));

    for _ in 0..app.pods {
        let name = format!("{}-{hash}-{}", app.name, ps.rng.suffix(5));
        let mut p = PodArgs::new(name, &t, Some(owner.clone()), rolled_out, &mut ps.rng);
        p.generate_name = Some(format!("{}-{hash}-", app.name));
        p.labels.insert("pod-template-hash".into(), json!(hash));
        pod(g, ns, app, p, ps);
    }
}

// ---------------------------------------------------------------- StatefulSets

fn stateful_set(g: &mut Gen, ns: &NsPlan, app: &App, t: Template, ps: &mut PodStream) {
    let replicas = app.pods as i64;
    let revision = format!(
        "{}-{}",
        app.name,
        k8s_hash(g.seed, &format!("sts/{}/{}", ns.name, app.name), 10)
    );
    let storage = match app.profile {
        Profile::Postgres => "100Gi",
        Profile::Kafka => "200Gi",
        _ => "20Gi",
    };
    let mut head = controller_head(g, ns, app, "StatefulSet");
    head.generation = Some(ps.rng.range(1, 6) as i64);
    let mut spec = json!({
        "replicas": replicas,
        "serviceName": format!("{}-headless", app.name),
        "podManagementPolicy": if app.profile == Profile::Kafka { "Parallel" } else { "OrderedReady" },
        "revisionHistoryLimit": 10,
        "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}},
        "persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Retain", "whenScaled": "Retain"},
        "volumeClaimTemplates": [{
            "apiVersion": "v1",
            "kind": "PersistentVolumeClaim",
            "metadata": {"creationTimestamp": null, "name": "data"},
            "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": storage}},
                "storageClassName": "gp3", "volumeMode": "Filesystem"},
            "status": {"phase": "Pending"},
        }],
    });
    spec["selector"] = selector_with(&t, &[]);
    spec["template"] = template_value(&t, &[]);
    let status = json!({
        "observedGeneration": head.generation,
        "replicas": replicas,
        "readyReplicas": replicas,
        "currentReplicas": replicas,
        "updatedReplicas": replicas,
        "availableReplicas": replicas,
        "currentRevision": revision,
        "updateRevision": revision,
        "collisionCount": 0,
    });
    let owner = finish_controller(g, head, body(vec![("spec", spec), ("status", status)]));
    for i in 0..app.pods {
        let name = format!("{}-{i}", app.name);
        let mut p = PodArgs::new(
            name.clone(),
            &t,
            Some(owner.clone()),
            app.created,
            &mut ps.rng,
        );
        p.labels
            .insert("controller-revision-hash".into(), json!(revision));
        p.labels
            .insert("statefulset.kubernetes.io/pod-name".into(), json!(name));
        p.labels
            .insert("apps.kubernetes.io/pod-index".into(), json!(i.to_string()));
        p.hostname = Some((name.clone(), format!("{}-headless", app.name)));
        p.volumes.push(
            json!({"name": "data", "persistentVolumeClaim": {"claimName": format!("data-{name}")}}),
        );
        pod(g, ns, app, p, ps);
    }
}

// ---------------------------------------------------------------- DaemonSets

fn daemon_set(g: &mut Gen, ns: &NsPlan, app: &App, t: Template, ps: &mut PodStream) {
    let n = app.pods as i64;
    let hash = k8s_hash(g.seed, &format!("ds/{}/{}", ns.name, app.name), 10);
    let mut head = controller_head(g, ns, app, "DaemonSet");
    head.generation = Some(ps.rng.range(1, 9) as i64);
    let generation = head.generation.unwrap_or(1);
    let mut spec = json!({
        "revisionHistoryLimit": 10,
        "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": "10%"}},
    });
    spec["selector"] = selector_with(&t, &[]);
    spec["template"] = template_value(&t, &[]);
    let status = json!({
        "currentNumberScheduled": n,
        "desiredNumberScheduled": n,
        "numberAvailable": n,
        "numberMisscheduled": 0,
        "numberReady": n,
        "observedGeneration": generation,
        "updatedNumberScheduled": n,
    });
    let owner = finish_controller(g, head, body(vec![("spec", spec), ("status", status)]));
    for node in 0..app.pods {
        let name = format!("{}-{}", app.name, ps.rng.suffix(5));
        let mut p = PodArgs::new(name, &t, Some(owner.clone()), app.created, &mut ps.rng);
        p.generate_name = Some(format!("{}-", app.name));
        p.labels
            .insert("controller-revision-hash".into(), json!(hash));
        p.labels.insert(
            "pod-template-generation".into(),
            json!(generation.to_string()),
        );
        p.node = Some(node);
        p.pin_to_node = true;
        pod(g, ns, app, p, ps);
    }
}

// ---------------------------------------------------------------- Jobs

/// Job labels the controller adds to its pods (and to the Job's template).
fn job_labels(uid: &str, job: &str) -> [(&'static str, String); 4] {
    [
        ("batch.kubernetes.io/controller-uid", uid.to_string()),
        ("batch.kubernetes.io/job-name", job.to_string()),
        ("controller-uid", uid.to_string()),
        ("job-name", job.to_string()),
    ]
}

fn job_spec(t: &Template, uid: Option<&str>, job: &str) -> Value {
    let mut spec = json!({
        "backoffLimit": 6,
        "completionMode": "NonIndexed",
        "completions": 1,
        "parallelism": 1,
        "podReplacementPolicy": "TerminatingOrFailed",
        "suspend": false,
    });
    match uid {
        Some(uid) => {
            let extra = job_labels(uid, job);
            spec["selector"] = json!({"matchLabels": {"batch.kubernetes.io/controller-uid": uid}});
            spec["manualSelector"] = json!(false);
            spec["template"] = template_value(t, &extra);
        }
        None => spec["template"] = template_value(t, &[]),
    }
    spec
}

fn job_status(start: i64, end: i64) -> Value {
    json!({
        "startTime": rfc3339(start),
        "completionTime": rfc3339(end),
        "succeeded": 1,
        "ready": 0,
        "terminating": 0,
        "uncountedTerminatedPods": {},
        "conditions": [
            {"type": "SuccessCriteriaMet", "status": "True", "reason": "CompletionsReached",
             "message": "Reached expected number of succeeded pods",
             "lastProbeTime": rfc3339(end), "lastTransitionTime": rfc3339(end)},
            {"type": "Complete", "status": "True", "reason": "CompletionsReached",
             "message": "Reached expected number of succeeded pods",
             "lastProbeTime": rfc3339(end), "lastTransitionTime": rfc3339(end)},
        ],
    })
}

/// The pod of a finished Job.
fn job_pod(
    g: &mut Gen,
    ns: &NsPlan,
    app: &App,
    t: &Template,
    job: &Owner,
    start: i64,
    ps: &mut PodStream,
) {
    let name = format!("{}-{}", job.name, ps.rng.suffix(5));
    let mut p = PodArgs::new(name, t, Some(job.clone()), start, &mut ps.rng);
    p.generate_name = Some(format!("{}-", job.name));
    for (k, v) in job_labels(&job.uid, &job.name) {
        p.labels.insert(k.into(), json!(v));
    }
    p.state = PodState::Succeeded;
    p.created = start + 1;
    pod(g, ns, app, p, ps);
}

fn job(g: &mut Gen, ns: &NsPlan, app: &App, t: Template, ps: &mut PodStream) {
    let uid = uid_of(g.seed, "Job", Some(&ns.name), &app.name);
    let mut head = controller_head(g, ns, app, "Job");
    head.generation = Some(1);
    let start = app.created;
    let end = start + ps.rng.range(20, 600) as i64;
    let spec = job_spec(&t, Some(&uid), &app.name);
    let owner = finish_controller(
        g,
        head,
        body(vec![("spec", spec), ("status", job_status(start, end))]),
    );
    job_pod(g, ns, app, &t, &owner, start, ps);
}

fn cron_job(g: &mut Gen, ns: &NsPlan, app: &App, t: Template, ps: &mut PodStream) {
    let (schedule, every_min) = match app.profile {
        Profile::Backup => ("0 2 * * *", 1440),
        _ => ps.rng.pick(&[
            ("0 * * * *", 60),
            ("*/30 * * * *", 30),
            ("15 3 * * *", 1440),
        ]),
    };
    // The last run started at least 20 minutes before "now" and has finished.
    let last = (NOW / 60 - 20) / every_min * every_min;
    let mut head = controller_head(g, ns, app, "CronJob");
    head.generation = Some(ps.rng.range(1, 4) as i64);
    let mut spec = json!({
        "schedule": schedule,
        "concurrencyPolicy": "Forbid",
        "failedJobsHistoryLimit": 1,
        "successfulJobsHistoryLimit": 3,
        "suspend": false,
        "jobTemplate": {"metadata": {"creationTimestamp": null}},
    });
    spec["jobTemplate"]["spec"] = job_spec(&t, None, "");
    let status = json!({
        "lastScheduleTime": rfc3339(last * 60),
        "lastSuccessfulTime": rfc3339(last * 60 + 95),
    });
    let cron = finish_controller(g, head, body(vec![("spec", spec), ("status", status)]));
    for j in 0..app.pods as i64 {
        // The CronJob controller names Jobs after the scheduled time in minutes.
        let stamp = last - (app.pods as i64 - 1 - j) * every_min;
        let name = format!("{}-{stamp}", app.name);
        let start = stamp * 60;
        let uid = uid_of(g.seed, "Job", Some(&ns.name), &name);
        let mut h = Head::new("Job", Some(&ns.name), &name, start);
        h.owner = Some(cron.clone());
        h.manager = Manager::Controller;
        h.generation = Some(1);
        h.annotations.insert(
            "batch.kubernetes.io/cronjob-scheduled-timestamp".into(),
            json!(rfc3339(start)),
        );
        let spec = job_spec(&t, Some(&uid), &name);
        let end = start + ps.rng.range(20, 900) as i64;
        let owner = h.as_owner(g.seed);
        g.emit(object(
            g.seed,
            h,
            body(vec![("spec", spec), ("status", job_status(start, end))]),
        ));
        job_pod(g, ns, app, &t, &owner, start, ps);
    }
}

// ---------------------------------------------------------------- bare Pods

fn bare_pod(g: &mut Gen, ns: &NsPlan, app: &App, t: Template, ps: &mut PodStream) {
    let mut p = PodArgs::new(app.name.clone(), &t, None, app.created, &mut ps.rng);
    p.manager = Manager::KubectlRun;
    p.created = NOW - ps.rng.range(1, 20 * DAY as u64) as i64;
    pod(g, ns, app, p, ps);
}

// ---------------------------------------------------------------- Pods

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PodState {
    Running,
    CrashLoop,
    Pending,
    Succeeded,
}

/// One pod to emit, before the per-pod fields are added.
struct PodArgs {
    name: String,
    generate_name: Option<String>,
    labels: Map<String, Value>,
    annotations: Map<String, Value>,
    owner: Option<Owner>,
    spec: Map<String, Value>,
    created: i64,
    state: PodState,
    node: Option<usize>,
    /// DaemonSet pods carry a node affinity for their node.
    pin_to_node: bool,
    /// StatefulSet pods: (hostname, subdomain).
    hostname: Option<(String, String)>,
    volumes: Vec<Value>,
    manager: Manager,
}

impl PodArgs {
    fn new(
        name: String,
        t: &Template,
        owner: Option<Owner>,
        not_before: i64,
        rng: &mut Rng,
    ) -> Self {
        let created = (NOW - rng.range(3600, 30 * DAY as u64) as i64).max(not_before + 60);
        let state = match rng.below(1000) {
            0..=9 => PodState::CrashLoop,
            10..=13 => PodState::Pending,
            _ => PodState::Running,
        };
        PodArgs {
            name,
            generate_name: None,
            labels: t.labels.clone(),
            annotations: t.annotations.clone(),
            owner,
            spec: t.spec.clone(),
            created,
            state,
            node: None,
            pin_to_node: false,
            hostname: None,
            volumes: Vec::new(),
            manager: Manager::Controller,
        }
    }
}

/// The pods of one workload: their random stream, and the `managedFields` bulk they
/// share (every replica has the same field set but for its token volume's name).
struct PodStream {
    rng: Rng,
    cache: PodCache,
}

#[derive(Default)]
struct PodCache {
    /// Spec field set of a scheduled pod, with the token volume name it was built for.
    spec: Option<(Value, Option<String>)>,
    /// Status field sets by pod state.
    status: Vec<(PodState, Value)>,
}

impl PodCache {
    /// The spec field set for a pod whose token volume is `token`: computed once per
    /// workload, then copied with the volume's merge key renamed.
    fn spec_fields(&mut self, spec: &Value, token: Option<&str>, scheduled: bool) -> Value {
        let Some((cached, cached_token)) = self.spec.as_ref().filter(|_| scheduled) else {
            let fields = top_fields(spec);
            if scheduled {
                self.spec = Some((fields.clone(), token.map(str::to_string)));
            }
            return fields;
        };
        let mut fields = cached.clone();
        if let (Some(old), Some(new)) = (cached_token, token) {
            if let Some(vols) = fields.get_mut("f:volumes").and_then(Value::as_object_mut) {
                if let Some(v) = vols.remove(&volume_key(old)) {
                    vols.insert(volume_key(new), v);
                }
            }
        }
        fields
    }

    fn status_fields(&mut self, state: PodState, status: &Value) -> Value {
        if let Some((_, f)) = self.status.iter().find(|(s, _)| *s == state) {
            return f.clone();
        }
        let f = top_fields(status);
        self.status.push((state, f.clone()));
        f
    }
}

/// The FieldsV1 merge key of a volume.
fn volume_key(name: &str) -> String {
    format!("k:{{\"name\":\"{name}\"}}")
}

/// Fill in a pod's node, token volume and status, and emit it.
fn pod(g: &mut Gen, ns: &NsPlan, app: &App, mut p: PodArgs, ps: &mut PodStream) {
    let rng = &mut ps.rng;
    if p.state == PodState::Pending && p.node.is_some() {
        p.state = PodState::Running;
    }
    let node = match p.state {
        PodState::Pending => None,
        _ => Some(p.node.unwrap_or_else(|| rng.index(g.nodes))),
    };
    let spec = &mut p.spec;
    if let Some(n) = node {
        spec.insert("nodeName".into(), json!(node_name(n)));
    }
    if p.pin_to_node {
        if let Some(n) = node {
            spec.insert("affinity".into(), json!({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [{"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node_name(n)]}]}]}}}));
        }
    }
    if let Some((hostname, subdomain)) = &p.hostname {
        spec.insert("hostname".into(), json!(hostname));
        spec.insert("subdomain".into(), json!(subdomain));
    }
    spec.insert("enableServiceLinks".into(), json!(true));
    spec.insert("preemptionPolicy".into(), json!("PreemptLowerPriority"));
    let critical = spec.contains_key("priorityClassName");
    spec.insert(
        "priority".into(),
        json!(if critical { 2_000_001_000 } else { 0 }),
    );
    add_default_tolerations(spec);
    let automount = spec
        .get("automountServiceAccountToken")
        .and_then(Value::as_bool)
        != Some(false);
    let token = automount.then(|| add_token_volume(spec, rng));
    if !p.volumes.is_empty() {
        let vols = spec.entry("volumes").or_insert_with(|| json!([]));
        if let Some(list) = vols.as_array_mut() {
            list.append(&mut p.volumes);
        }
    }
    let host_ip = node.map(node_ip);
    let pod_ip = match (&host_ip, spec.get("hostNetwork") == Some(&json!(true))) {
        (Some(ip), true) => Some(ip.clone()),
        (Some(_), false) => Some(g.pod_ip()),
        (None, _) => None,
    };
    let status = pod_status(g, &p, app, host_ip, pod_ip, rng);
    let mut h = Head::new("Pod", Some(&ns.name), &p.name, p.created);
    h.labels = p.labels;
    h.annotations = p.annotations;
    h.owner = p.owner;
    h.generate_name = p.generate_name;
    h.manager = p.manager;
    let spec = Value::Object(p.spec);
    let fields = vec![
        (
            "spec",
            ps.cache
                .spec_fields(&spec, token.as_deref(), node.is_some()),
        ),
        ("status", ps.cache.status_fields(p.state, &status)),
    ];
    let v = object_with(
        g.seed,
        h,
        body(vec![("spec", spec), ("status", status)]),
        fields,
    );
    g.emit(v);
}

/// The tolerations the DefaultTolerationSeconds admission plugin adds to every pod.
fn add_default_tolerations(spec: &mut Map<String, Value>) {
    let tolerations = spec.entry("tolerations").or_insert_with(|| json!([]));
    if let Some(list) = tolerations.as_array_mut() {
        for key in [
            "node.kubernetes.io/not-ready",
            "node.kubernetes.io/unreachable",
        ] {
            list.push(json!({"effect": "NoExecute", "key": key, "operator": "Exists", "tolerationSeconds": 300}));
        }
    }
}

/// The projected service-account token volume the ServiceAccount admission plugin adds,
/// mounted read-only into every container.
fn add_token_volume(spec: &mut Map<String, Value>, rng: &mut Rng) -> String {
    let name = format!("kube-api-access-{}", rng.suffix(5));
    let volume = json!({"name": name, "projected": {"defaultMode": 420, "sources": [
        {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
        {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
        {"downwardAPI": {"items": [{"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}, "path": "namespace"}]}},
    ]}});
    let mount = json!({"name": name, "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "readOnly": true});
    for key in ["initContainers", "containers"] {
        if let Some(list) = spec.get_mut(key).and_then(Value::as_array_mut) {
            for c in list {
                if let Some(c) = c.as_object_mut() {
                    let mounts = c.entry("volumeMounts").or_insert_with(|| json!([]));
                    if let Some(m) = mounts.as_array_mut() {
                        m.push(mount.clone());
                    }
                }
            }
        }
    }
    let vols = spec.entry("volumes").or_insert_with(|| json!([]));
    if let Some(list) = vols.as_array_mut() {
        list.push(volume);
    }
    name
}

/// `docker.io/library/nginx:1.25` for `nginx:1.25`: the image as the kubelet reports it.
fn full_image(image: &str) -> String {
    let first = image.split('/').next().unwrap_or_default();
    let has_registry =
        image.contains('/') && (first.contains('.') || first.contains(':') || first == "localhost");
    let name = if has_registry {
        image.to_string()
    } else if image.contains('/') {
        format!("docker.io/{image}")
    } else {
        format!("docker.io/library/{image}")
    };
    let last = name.rsplit('/').next().unwrap_or_default();
    if last.contains(':') || last.contains('@') {
        name
    } else {
        format!("{name}:latest")
    }
}

/// `repo@sha256:<digest>`: the digest is a function of the reference, so every pod
/// running the same image reports the same imageID.
fn image_id(seed: u64, image: &str) -> String {
    let full = full_image(image);
    if full.contains("@sha256:") {
        return full;
    }
    let repo = match full.rsplit_once(':') {
        Some((repo, tag)) if !tag.contains('/') => repo,
        _ => full.as_str(),
    };
    format!("{repo}@sha256:{}", hex_of(seed, &full, 64))
}

fn pod_condition(kind: &str, ok: bool, at: i64) -> Value {
    json!({"type": kind, "status": if ok { "True" } else { "False" }, "lastProbeTime": null,
        "lastTransitionTime": rfc3339(at)})
}

fn qos_class(app: &App) -> &'static str {
    match app.risks.resources {
        ResourceLevel::None => "BestEffort",
        _ => "Burstable",
    }
}

fn pod_status(
    g: &Gen,
    p: &PodArgs,
    app: &App,
    host_ip: Option<String>,
    pod_ip: Option<String>,
    rng: &mut Rng,
) -> Value {
    let start = p.created + 2;
    let mut s = Map::new();
    s.insert("qosClass".into(), json!(qos_class(app)));
    if p.state == PodState::Pending {
        s.insert("phase".into(), json!("Pending"));
        s.insert("conditions".into(), json!([{"type": "PodScheduled", "status": "False", "lastProbeTime": null,
            "lastTransitionTime": rfc3339(p.created), "reason": "Unschedulable",
            "message": format!("0/{n} nodes are available: {n} Insufficient cpu. preemption: 0/{n} nodes are available: {n} No preemption victims found for incoming pod.", n = g.nodes)}]));
        return Value::Object(s);
    }
    let running = p.state == PodState::Running;
    let done = p.state == PodState::Succeeded;
    let ready = running;
    s.insert(
        "phase".into(),
        json!(if done { "Succeeded" } else { "Running" }),
    );
    s.insert(
        "conditions".into(),
        json!([
            pod_condition("PodReadyToStartContainers", !done, start + 3),
            pod_condition("Initialized", true, start + 4),
            pod_condition("Ready", ready, start + 12),
            pod_condition("ContainersReady", ready, start + 12),
            pod_condition("PodScheduled", true, p.created),
        ]),
    );
    if let Some(ip) = host_ip {
        s.insert("hostIP".into(), json!(ip));
        s.insert("hostIPs".into(), json!([{"ip": ip}]));
    }
    if let Some(ip) = pod_ip {
        s.insert("podIP".into(), json!(ip));
        s.insert("podIPs".into(), json!([{"ip": ip}]));
    }
    s.insert("startTime".into(), json!(rfc3339(start)));
    let statuses = |key: &str, init: bool, rng: &mut Rng| -> Vec<Value> {
        let list = p
            .spec
            .get(key)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        list.iter()
            .enumerate()
            .map(|(i, c)| {
                let image = c["image"].as_str().unwrap_or_default();
                let id = format!("containerd://{}", rng.hex(64));
                let crash = p.state == PodState::CrashLoop && i == 0 && !init;
                let state = if init || done {
                    json!({"terminated": {"containerID": id, "exitCode": 0, "reason": "Completed",
                        "startedAt": rfc3339(start + 1), "finishedAt": rfc3339(start + 3)}})
                } else if crash {
                    json!({"waiting": {"reason": "CrashLoopBackOff",
                        "message": format!("back-off 5m0s restarting failed container={} pod={}", c["name"].as_str().unwrap_or_default(), p.name)}})
                } else {
                    json!({"running": {"startedAt": rfc3339(start + 5)}})
                };
                let mut v = json!({
                    "name": c["name"],
                    "image": full_image(image),
                    "imageID": image_id(g.seed, image),
                    "containerID": id,
                    "ready": !crash && !init && !done,
                    "restartCount": if crash { rng.range(20, 400) } else { 0 },
                    "started": !crash && !init && !done,
                    "state": state,
                    "lastState": {},
                });
                if crash {
                    v["lastState"] = json!({"terminated": {"containerID": id, "exitCode": 1, "reason": "Error",
                        "startedAt": rfc3339(NOW - 400), "finishedAt": rfc3339(NOW - 390)}});
                }
                v
            })
            .collect()
    };
    let init = statuses("initContainers", true, rng);
    if !init.is_empty() {
        s.insert("initContainerStatuses".into(), Value::Array(init));
    }
    s.insert(
        "containerStatuses".into(),
        Value::Array(statuses("containers", false, rng)),
    );
    Value::Object(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_reported_in_full() {
        assert_eq!(full_image("nginx:1.25"), "docker.io/library/nginx:1.25");
        assert_eq!(full_image("busybox"), "docker.io/library/busybox:latest");
        assert_eq!(
            full_image("bitnami/kafka:3.6.1"),
            "docker.io/bitnami/kafka:3.6.1"
        );
        assert_eq!(
            full_image("ghcr.io/example-org/app"),
            "ghcr.io/example-org/app:latest"
        );
        let id = image_id(1, "nginx:1.25");
        assert!(id.starts_with("docker.io/library/nginx@sha256:"), "{id}");
        assert_eq!(id.len(), "docker.io/library/nginx@sha256:".len() + 64);
        assert_eq!(id, image_id(1, "nginx:1.25"));
        let pinned = "registry.example.com/a/b@sha256:abcd";
        assert_eq!(image_id(1, pinned), pinned);
    }
}
