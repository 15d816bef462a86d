//! Writes for the Kubernetes API **stand-in** (a child module of `kube_standin.rs`): PATCH
//! of one object and POST of a new one, as Docket's apply path sends them.
//!
//! What a real API server does and the stand-in mimics: `dryRun=All` runs everything and
//! stores nothing (any other dryRun value is a 400); `fieldManager` is recorded in
//! `metadata.managedFields`; a write bumps `resourceVersion` (and `generation` when the
//! spec changed); PATCH answers 200 with the object, POST 201; unknown patch media types
//! are 415, a missing object 404, an existing name 409 AlreadyExists, a body of the wrong
//! kind or namespace 400, a missing name 422.
//!
//! Simplified, and said here: strategic merge patch merges lists of objects by the merge
//! keys of the core types Docket patches (`name` for containers, volumes, env; `mountPath`
//! for volumeMounts; `containerPort` / `port` for ports) and replaces every other list;
//! `$patch: delete` removes a keyed item; other `$` directives are ignored. JSON patch
//! (`application/json-patch+json`) and server-side apply are not served (415).

use super::*;

const SMP: &str = "application/strategic-merge-patch+json";
const MERGE: &str = "application/merge-patch+json";
/// The time written objects carry (the stand-in has no clock of its own).
const WRITE_TIME: &str = "2026-12-01T12:00:00Z";

impl StandIn {
    /// The object as stored now (kubectl-shaped, with kind and apiVersion), after any
    /// writes; `namespace` is ignored for cluster-scoped kinds.
    pub fn object(&self, plural: &str, namespace: Option<&str>, name: &str) -> Option<Value> {
        let ty = RESOURCES.iter().find(|r| r.plural == plural)?;
        let store = self.shared.store.read().unwrap_or_else(|e| e.into_inner());
        let ns = namespace.filter(|_| ty.namespaced);
        let found = store
            .items(plural, ns)
            .into_iter()
            .find(|s| s.name == name)?;
        serde_json::from_str(&with_type(ty, &found.item_json)).ok()
    }
}

/// Methods this module serves on resource paths.
pub(super) fn is_write(method: &str) -> bool {
    method == "PATCH" || method == "POST"
}

/// The RBAC verb a request needs.
pub(super) fn verb(req: &Request, rr: &ResourceRequest) -> &'static str {
    match (req.method.as_str(), rr.name.is_some()) {
        ("PATCH", _) => "patch",
        ("POST", _) => "create",
        (_, true) => "get",
        _ => "list",
    }
}

/// A PATCH on an object or a POST on a collection (faults were injected before).
pub(super) fn write(shared: &Shared, req: &Request, rr: &ResourceRequest) -> Response {
    let dry_run = match req.param("dryRun") {
        None => false,
        Some("All") => true,
        Some(other) => {
            return bad_request(&format!(
                "Invalid dryRun value {other:?}: supported values: \"All\""
            ))
        }
    };
    let manager = req.param("fieldManager").unwrap_or("unknown").to_string();
    let result = match (req.method.as_str(), &rr.name) {
        ("PATCH", Some(name)) => patch(shared, req, rr, name, dry_run, &manager),
        ("POST", None) => create(shared, req, rr, dry_run, &manager),
        _ => Err(status_response(
            405,
            "MethodNotAllowed",
            "the server does not allow this method on the requested resource",
            None,
        )),
    };
    result.unwrap_or_else(|e| e)
}

fn media_type(req: &Request) -> String {
    req.content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

fn unsupported_media(got: &str) -> Response {
    let message = format!(
        "the body of the request was in an unknown format - accepted media types include: \
         {SMP}, {MERGE} (the Kubernetes API stand-in does not serve application/json-patch+json \
         or apply patches; got {got:?})"
    );
    status_response(415, "UnsupportedMediaType", &message, None)
}

fn invalid(ty: &ResourceType, name: &str, detail: &str) -> Response {
    let kind = if ty.group.is_empty() {
        ty.kind.to_string()
    } else {
        format!("{}.{}", ty.kind, ty.group)
    };
    let message = format!("{kind} \"{name}\" is invalid: {detail}");
    let details = json!({"name": name, "kind": ty.kind, "group": ty.group});
    status_response(422, "Invalid", &message, Some(details))
}

fn body_json(req: &Request) -> Result<Value, Response> {
    serde_json::from_slice(&req.body)
        .map_err(|e| bad_request(&format!("the request body is not JSON: {e}")))
}

fn rejected_by_fault(shared: &Shared, ty: &ResourceType, name: &str) -> Result<(), Response> {
    if shared.faults.invalid_writes.iter().any(|p| p == ty.plural) {
        return Err(invalid(
            ty,
            name,
            "spec: Invalid value: rejected by the Kubernetes API stand-in (fault invalid_writes)",
        ));
    }
    Ok(())
}

fn patch(
    shared: &Shared,
    req: &Request,
    rr: &ResourceRequest,
    name: &str,
    dry_run: bool,
    manager: &str,
) -> Result<Response, Response> {
    let media = media_type(req);
    if media != SMP && media != MERGE {
        return Err(unsupported_media(&media));
    }
    let patch = body_json(req)?;
    let ty = rr.ty;
    let mut store = shared.store.write().unwrap_or_else(|e| e.into_inner());
    let found = store
        .items(ty.plural, rr.namespace.as_deref())
        .into_iter()
        .find(|s| s.name == name)
        .map(|s| (s.key.clone(), s.item_json.clone()))
        .ok_or_else(|| not_found_object(ty, name))?;
    rejected_by_fault(shared, ty, name)?;
    let mut obj: Value = serde_json::from_str(&with_type(ty, &found.1))
        .map_err(|e| bad_request(&format!("stored object is not JSON: {e}")))?;
    let before = obj.get("spec").cloned();
    if media == SMP {
        strategic_merge(&mut obj, &patch);
    } else {
        merge_patch(&mut obj, &patch);
    }
    if obj.pointer("/metadata/name").and_then(Value::as_str) != Some(name) {
        return Err(invalid(
            ty,
            name,
            "metadata.name: Invalid value: field is immutable",
        ));
    }
    if obj.get("spec").cloned() != before {
        let generation = obj.pointer("/metadata/generation").and_then(Value::as_i64);
        obj["metadata"]["generation"] = json!(generation.unwrap_or(1) + 1);
    }
    stamp(&mut obj, ty, manager, store.resource_version + 1);
    if !dry_run {
        store.resource_version += 1;
        let (_, stored) =
            parse_object(&obj).ok_or_else(|| bad_request("patched object lost its identity"))?;
        if let Some(items) = store.by_plural.get_mut(ty.plural) {
            if let Some(slot) = items.iter_mut().find(|s| s.key == found.0) {
                *slot = stored;
            }
        }
    }
    Ok(Response::ok(obj.to_string()))
}

fn create(
    shared: &Shared,
    req: &Request,
    rr: &ResourceRequest,
    dry_run: bool,
    manager: &str,
) -> Result<Response, Response> {
    let media = media_type(req);
    if media != "application/json" {
        return Err(unsupported_media(&media));
    }
    let mut obj = body_json(req)?;
    let ty = rr.ty;
    let (api_version, kind) = (str_at(&obj, "apiVersion"), str_at(&obj, "kind"));
    if api_version != ty.api_version() || kind != ty.kind {
        return Err(bad_request(&format!(
            "the API version in the data ({api_version}) or the kind ({kind}) does not match \
             the expected {} {}",
            ty.api_version(),
            ty.kind
        )));
    }
    let name = obj
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if name.is_empty() {
        return Err(invalid(
            ty,
            "",
            "metadata.name: Required value: name or generateName is required",
        ));
    }
    if ty.namespaced {
        let in_body = obj.pointer("/metadata/namespace").and_then(Value::as_str);
        match (in_body, rr.namespace.as_deref()) {
            (Some(b), Some(p)) if b != p => {
                return Err(bad_request(
                    "the namespace of the provided object does not match the namespace sent on the request",
                ))
            }
            (None, Some(p)) => obj["metadata"]["namespace"] = json!(p),
            _ => {}
        }
    }
    let mut store = shared.store.write().unwrap_or_else(|e| e.into_inner());
    let ns = obj
        .pointer("/metadata/namespace")
        .and_then(Value::as_str)
        .map(str::to_string);
    let exists = store
        .items(ty.plural, ns.as_deref().filter(|_| ty.namespaced))
        .into_iter()
        .any(|s| s.name == name);
    if exists {
        let message = format!("{} \"{name}\" already exists", qualified(ty));
        let details = json!({"name": name, "kind": ty.plural, "group": ty.group});
        return Err(status_response(
            409,
            "AlreadyExists",
            &message,
            Some(details),
        ));
    }
    rejected_by_fault(shared, ty, &name)?;
    let rv = store.resource_version + 1;
    obj["metadata"]["uid"] = json!(format!("00000000-0000-4000-8000-{rv:012}"));
    obj["metadata"]["creationTimestamp"] = json!(WRITE_TIME);
    obj["metadata"]["generation"] = json!(1);
    stamp(&mut obj, ty, manager, rv);
    if !dry_run {
        store.resource_version = rv;
        let (_, stored) =
            parse_object(&obj).ok_or_else(|| bad_request("object has no identity"))?;
        let items = store.by_plural.entry(ty.plural).or_default();
        let at = items.partition_point(|s| s.key < stored.key);
        items.insert(at, stored);
    }
    Ok(Response {
        status: 201,
        body: obj.to_string(),
        retry_after: None,
    })
}

/// resourceVersion and a managedFields entry for the writer.
fn stamp(obj: &mut Value, ty: &ResourceType, manager: &str, rv: u64) {
    obj["metadata"]["resourceVersion"] = json!(rv.to_string());
    let entry = json!({
        "apiVersion": ty.api_version(),
        "fieldsType": "FieldsV1",
        "fieldsV1": {},
        "manager": manager,
        "operation": "Update",
        "time": WRITE_TIME
    });
    match obj["metadata"]
        .get_mut("managedFields")
        .and_then(Value::as_array_mut)
    {
        Some(list) => list.push(entry),
        None => obj["metadata"]["managedFields"] = json!([entry]),
    }
}

/// The merge key of a list field, for the core types Docket patches.
fn merge_key(field: &str, items: &[Value]) -> Option<&'static str> {
    match field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "volumes"
        | "env"
        | "imagePullSecrets" => Some("name"),
        "volumeMounts" => Some("mountPath"),
        "ports" if items.iter().all(|i| i.get("containerPort").is_some()) => Some("containerPort"),
        "ports" => Some("port"),
        _ => None,
    }
}

/// Strategic merge patch, simplified (see the module comment).
fn strategic_merge(target: &mut Value, patch: &Value) {
    let Value::Object(p) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = json!({});
    }
    let Value::Object(t) = target else { return };
    for (key, value) in p {
        if key.starts_with('$') {
            continue;
        }
        if value.is_null() {
            t.remove(key);
            continue;
        }
        match (t.get_mut(key), value) {
            (Some(existing), Value::Object(_)) => strategic_merge(existing, value),
            (Some(Value::Array(existing)), Value::Array(items)) => match merge_key(key, items) {
                Some(k) => merge_list(existing, items, k),
                None => *existing = items.clone(),
            },
            (_, Value::Object(_)) => {
                let mut fresh = json!({});
                strategic_merge(&mut fresh, value);
                t.insert(key.clone(), fresh);
            }
            _ => {
                t.insert(key.clone(), value.clone());
            }
        }
    }
}

fn merge_list(existing: &mut Vec<Value>, items: &[Value], key: &str) {
    for item in items {
        let Some(id) = item.get(key).cloned() else {
            existing.push(item.clone());
            continue;
        };
        let at = existing.iter().position(|e| e.get(key) == Some(&id));
        let delete = item.get("$patch").and_then(Value::as_str) == Some("delete");
        match (at, delete) {
            (Some(i), true) => {
                existing.remove(i);
            }
            (Some(i), false) => strategic_merge(&mut existing[i], item),
            (None, true) => {}
            (None, false) => {
                let mut fresh = json!({});
                strategic_merge(&mut fresh, item);
                existing.push(fresh);
            }
        }
    }
}

/// JSON merge patch (RFC 7386): objects merge, `null` removes, everything else replaces.
fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(p) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = json!({});
    }
    let Value::Object(t) = target else { return };
    for (key, value) in p {
        if value.is_null() {
            t.remove(key);
        } else {
            merge_patch(t.entry(key.clone()).or_insert(Value::Null), value);
        }
    }
}
