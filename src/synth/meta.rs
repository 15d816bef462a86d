//! Object envelopes: `apiVersion`, `kind` and a `metadata` shaped like the API server's
//! (uid, resourceVersion, creationTimestamp, ownerReferences, generation and the
//! `managedFields` bulk a live source must strip), plus RFC 3339 times.

use serde_json::{json, Map, Value};

use super::rng::{hash, uuid};

/// 2025-03-03T08:00:00Z: the day the synthetic cluster was created.
pub(crate) const BASE_TIME: i64 = 1_740_988_800;
pub(crate) const DAY: i64 = 86_400;
/// The moment the synthetic "kubectl get" was run: 240 days after [`BASE_TIME`].
pub(crate) const NOW: i64 = BASE_TIME + 240 * DAY;

/// `YYYY-MM-DDTHH:MM:SSZ` for a Unix time (UTC), the form the API server writes.
pub(crate) fn rfc3339(t: i64) -> String {
    let days = t.div_euclid(DAY);
    let secs = t.rem_euclid(DAY);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// Proleptic Gregorian date of a day count since 1970-01-01 (400-year era arithmetic).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// The `apiVersion` of each kind the generator produces.
pub(crate) fn api_version(kind: &str) -> &'static str {
    match kind {
        "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" => "apps/v1",
        "Job" | "CronJob" => "batch/v1",
        "Ingress" | "NetworkPolicy" => "networking.k8s.io/v1",
        "Role" | "ClusterRole" | "RoleBinding" | "ClusterRoleBinding" => {
            "rbac.authorization.k8s.io/v1"
        }
        _ => "v1",
    }
}

/// The deterministic uid of an object: anything that refers to it recomputes the same.
pub(crate) fn uid_of(seed: u64, kind: &str, namespace: Option<&str>, name: &str) -> String {
    uuid(
        seed,
        &format!("{kind}/{}/{name}", namespace.unwrap_or_default()),
    )
}

/// Who last wrote an object's spec, which decides its `managedFields` and a few labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Manager {
    /// `kubectl apply` (client side): also leaves `last-applied-configuration`.
    Kubectl,
    Helm,
    /// Argo CD server-side apply.
    ArgoCd,
    /// Objects a controller creates (ReplicaSets, Pods, Jobs of a CronJob).
    Controller,
    /// `kubectl run` / `kubectl create` of a bare pod.
    KubectlRun,
    /// Objects the API server creates itself (default accounts, bootstrap RBAC).
    System,
    /// Nodes register themselves.
    Kubelet,
}

impl Manager {
    fn entry(self) -> (&'static str, &'static str) {
        match self {
            Manager::Kubectl => ("kubectl-client-side-apply", "Update"),
            Manager::Helm => ("helm", "Update"),
            Manager::ArgoCd => ("argocd-controller", "Apply"),
            Manager::Controller => ("kube-controller-manager", "Update"),
            Manager::KubectlRun => ("kubectl-run", "Update"),
            Manager::System => ("kube-apiserver", "Update"),
            Manager::Kubelet => ("kubelet", "Update"),
        }
    }
}

/// A controller owner reference.
#[derive(Debug, Clone)]
pub(crate) struct Owner {
    pub kind: &'static str,
    pub name: String,
    pub uid: String,
}

/// Everything in `metadata` except what is derived (uid, resourceVersion, managedFields).
#[derive(Debug, Clone)]
pub(crate) struct Head {
    pub kind: &'static str,
    pub name: String,
    pub namespace: Option<String>,
    pub created: i64,
    pub labels: Map<String, Value>,
    pub annotations: Map<String, Value>,
    pub owner: Option<Owner>,
    pub generate_name: Option<String>,
    pub generation: Option<i64>,
    pub manager: Manager,
}

impl Head {
    pub(crate) fn new(
        kind: &'static str,
        namespace: Option<&str>,
        name: &str,
        created: i64,
    ) -> Self {
        Head {
            kind,
            name: name.to_string(),
            namespace: namespace.map(str::to_string),
            created,
            labels: Map::new(),
            annotations: Map::new(),
            owner: None,
            generate_name: None,
            generation: None,
            manager: Manager::System,
        }
    }

    pub(crate) fn uid(&self, seed: u64) -> String {
        uid_of(seed, self.kind, self.namespace.as_deref(), &self.name)
    }

    /// This object as the controller owner of another.
    pub(crate) fn as_owner(&self, seed: u64) -> Owner {
        Owner {
            kind: self.kind,
            name: self.name.clone(),
            uid: self.uid(seed),
        }
    }
}

/// The component that writes an object's `status`, when the kind has one.
fn status_manager(kind: &str) -> &'static str {
    match kind {
        "Pod" | "Node" => "kubelet",
        "Service" => "aws-cloud-controller-manager",
        "Ingress" => "nginx-ingress-controller",
        _ => "kube-controller-manager",
    }
}

/// Assemble an API object: envelope, metadata (with managedFields derived from the
/// body) and the body's top-level fields (`spec`, `status`, `data`, `rules`, ...).
pub(crate) fn object(seed: u64, head: Head, body: Map<String, Value>) -> Value {
    object_with(seed, head, body, Vec::new())
}

/// Field sets computed ahead for some top-level body fields (`spec`, `status`), so the
/// replicas of one workload do not each rebuild the same `managedFields` bulk.
pub(crate) type Precomputed = Vec<(&'static str, Value)>;

/// [`object`], with some field sets computed ahead.
pub(crate) fn object_with(
    seed: u64,
    head: Head,
    body: Map<String, Value>,
    pre: Precomputed,
) -> Value {
    let uid = head.uid(seed);
    let version = api_version(head.kind);
    let key = format!(
        "{}/{}",
        head.namespace.as_deref().unwrap_or_default(),
        head.name
    );
    let rv = 1_000_000 + hash(seed ^ 0x5256, &key) % 900_000_000;
    let mut meta = Map::new();
    meta.insert("name".into(), json!(head.name));
    if let Some(ns) = &head.namespace {
        meta.insert("namespace".into(), json!(ns));
    }
    if let Some(g) = &head.generate_name {
        meta.insert("generateName".into(), json!(g));
    }
    meta.insert("uid".into(), json!(uid));
    meta.insert("resourceVersion".into(), json!(rv.to_string()));
    meta.insert("creationTimestamp".into(), json!(rfc3339(head.created)));
    if let Some(g) = head.generation {
        meta.insert("generation".into(), json!(g));
    }
    if let Some(o) = &head.owner {
        meta.insert(
            "ownerReferences".into(),
            json!([{
                "apiVersion": api_version(o.kind),
                "kind": o.kind,
                "name": o.name,
                "uid": o.uid,
                "controller": true,
                "blockOwnerDeletion": true,
            }]),
        );
    }
    let managed = managed_fields(&head, &meta, &body, version, pre);
    if !head.labels.is_empty() {
        meta.insert("labels".into(), Value::Object(head.labels));
    }
    if !head.annotations.is_empty() {
        meta.insert("annotations".into(), Value::Object(head.annotations));
    }
    meta.insert("managedFields".into(), managed);
    let mut out = Map::new();
    out.insert("apiVersion".into(), json!(version));
    out.insert("kind".into(), json!(head.kind));
    out.insert("metadata".into(), Value::Object(meta));
    out.extend(body);
    Value::Object(out)
}

/// One or two `managedFields` entries: the spec writer's, and the status writer's when
/// the body has a status. Field sets are derived from the body itself (FieldsV1).
fn managed_fields(
    head: &Head,
    meta: &Map<String, Value>,
    body: &Map<String, Value>,
    api_version: &str,
    mut pre: Precomputed,
) -> Value {
    let mut take = |key: &str, v: &Value| match pre.iter().position(|(k, _)| *k == key) {
        Some(i) => pre.swap_remove(i).1,
        None => top_fields(v),
    };
    let (manager, operation) = head.manager.entry();
    let mut meta_fields = Map::new();
    for (k, v) in [("labels", &head.labels), ("annotations", &head.annotations)] {
        if !v.is_empty() {
            meta_fields.insert(field_key(k), map_fields(v));
        }
    }
    for k in ["generateName", "ownerReferences"] {
        if let Some(v) = meta.get(k) {
            meta_fields.insert(field_key(k), fields_child(v));
        }
    }
    let mut spec_fields = Map::new();
    if !meta_fields.is_empty() {
        spec_fields.insert("f:metadata".into(), Value::Object(meta_fields));
    }
    for (k, v) in body.iter().filter(|(k, _)| *k != "status") {
        spec_fields.insert(field_key(k), take(k, v));
    }
    let time = rfc3339(head.created);
    let mut entries = vec![entry(api_version, spec_fields, manager, operation, time)];
    if let Some(status) = body
        .get("status")
        .filter(|s| s.as_object().is_some_and(|m| !m.is_empty()))
    {
        let mut fields = Map::new();
        fields.insert("f:status".into(), take("status", status));
        let time = rfc3339(head.created + 42);
        let mut e = entry(
            api_version,
            fields,
            status_manager(head.kind),
            "Update",
            time,
        );
        e.insert("subresource".into(), json!("status"));
        entries.push(e);
    }
    Value::Array(entries.into_iter().map(Value::Object).collect())
}

/// One `managedFields` entry. Built field by field: `json!` would copy the field set
/// through serde once more, which dominated generation time.
fn entry(
    api_version: &str,
    fields: Map<String, Value>,
    manager: &str,
    operation: &str,
    time: String,
) -> Map<String, Value> {
    let mut e = Map::new();
    e.insert("apiVersion".into(), json!(api_version));
    e.insert("fieldsType".into(), json!("FieldsV1"));
    e.insert("fieldsV1".into(), Value::Object(fields));
    e.insert("manager".into(), json!(manager));
    e.insert("operation".into(), json!(operation));
    e.insert("time".into(), Value::String(time));
    e
}

/// The FieldsV1 set of a value: `f:<field>` per map key, `k:{...}` per keyed list item,
/// `.` for the node itself, `{}` for leaves and atomic lists.
#[cfg(test)]
pub(crate) fn fields_v1(v: &Value) -> Value {
    let mut out = Map::new();
    if let Value::Object(m) = v {
        for (k, c) in m {
            out.insert(field_key(k), top_fields(c));
        }
    }
    Value::Object(out)
}

/// Fields of a top-level field (`f:metadata`, `f:spec`): no `.` entry of its own.
pub(crate) fn top_fields(v: &Value) -> Value {
    let mut child = fields_child(v);
    if let Some(m) = child.as_object_mut() {
        m.remove(".");
    }
    child
}

fn map_fields(m: &Map<String, Value>) -> Value {
    let mut out = Map::new();
    out.insert(".".into(), json!({}));
    for (k, c) in m {
        out.insert(field_key(k), fields_child(c));
    }
    Value::Object(out)
}

pub(crate) fn fields_child(v: &Value) -> Value {
    match v {
        Value::Object(m) if !m.is_empty() => map_fields(m),
        Value::Array(items) if !items.is_empty() => {
            let keys: Option<Vec<String>> = items.iter().map(list_key).collect();
            let Some(keys) = keys else {
                return json!({});
            };
            let mut out = Map::new();
            for (key, item) in keys.into_iter().zip(items) {
                out.insert(key, fields_child(item));
            }
            Value::Object(out)
        }
        _ => json!({}),
    }
}

/// The merge key of an associative list item, as the API server writes it.
fn list_key(item: &Value) -> Option<String> {
    const MERGE_KEYS: &[&[&str]] = &[
        &["containerPort", "protocol"],
        &["port", "protocol"],
        &["mountPath"],
        &["uid"],
        &["type"],
        &["name"],
    ];
    let m = item.as_object()?;
    let fields = MERGE_KEYS
        .iter()
        .find(|fields| fields.iter().all(|f| m.contains_key(*f)))?;
    let mut key = String::from("k:{");
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            key.push(',');
        }
        key.push('"');
        key.push_str(f);
        key.push_str("\":");
        key.push_str(&m.get(*f)?.to_string());
    }
    key.push('}');
    Some(key)
}

/// `f:<field>`.
fn field_key(k: &str) -> String {
    let mut s = String::with_capacity(k.len() + 2);
    s.push_str("f:");
    s.push_str(k);
    s
}

/// A `Map` from string pairs.
pub(crate) fn map<'a>(pairs: impl IntoIterator<Item = (&'a str, String)>) -> Map<String, Value> {
    pairs
        .into_iter()
        .map(|(k, v)| (k.to_string(), Value::String(v)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_format_as_rfc3339_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(BASE_TIME), "2025-03-03T08:00:00Z");
        assert_eq!(rfc3339(951_782_400 + 3661), "2000-02-29T01:01:01Z");
        assert_eq!(rfc3339(NOW), "2025-10-29T08:00:00Z");
    }

    #[test]
    fn fields_v1_uses_merge_keys() {
        let f = fields_v1(
            &json!({"spec": {"containers": [{"name": "web", "image": "x",
            "ports": [{"containerPort": 80, "protocol": "TCP"}]}], "args": ["a"]}}),
        );
        let c = &f["f:spec"]["f:containers"]["k:{\"name\":\"web\"}"];
        assert!(c["f:image"].is_object());
        assert!(c["f:ports"]["k:{\"containerPort\":80,\"protocol\":\"TCP\"}"].is_object());
        assert_eq!(f["f:spec"]["f:args"], json!({}));
        assert!(f["f:spec"].get(".").is_none());
        assert!(c.get(".").is_some());
    }
}
