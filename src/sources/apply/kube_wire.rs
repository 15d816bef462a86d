//! What a Kubernetes change becomes on the wire (method, path, content type, JSON body),
//! and what the API server's error answers mean for the operator.

use http::Method;
use serde_json::Value;

use super::{manifest_identity, yaml_to_json, ApplyError, ApplyErrorKind, Change};
use crate::sources::kube_live::kinds::{Resource, RESOURCES};

const SMP: &str = "application/strategic-merge-patch+json";

/// One write, resolved from a change: where it goes and what it carries.
pub(super) struct Write {
    pub verb: &'static str,
    pub method: Method,
    pub path: String,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    pub res: &'static Resource,
    pub namespace: Option<String>,
    pub name: String,
    /// "Deployment shop/web".
    pub object: String,
}

/// The object a request is about, for error messages.
#[derive(Clone, Copy)]
pub(super) struct About<'a> {
    /// The RBAC verb of the request: get, patch, create.
    pub verb: &'a str,
    pub res: &'a Resource,
    pub namespace: Option<&'a str>,
    /// "Deployment shop/web".
    pub object: &'a str,
}

impl Write {
    pub fn about(&self) -> About<'_> {
        About {
            verb: self.verb,
            res: self.res,
            namespace: self.namespace.as_deref(),
            object: &self.object,
        }
    }
}

/// An error answer as an operator reads it: the verb a 403 lacks, 404 gone, 409
/// conflict, 422 invalid.
pub(super) fn status_error(
    context: &str,
    status: u16,
    body: &[u8],
    about: &About,
    what: &str,
) -> ApplyError {
    let About {
        verb,
        res,
        namespace,
        object,
    } = *about;
    let message = status_message(body);
    let said = format!("{what}: the API server answered {status}: {message}");
    let ctx = context;
    let group = if res.group.is_empty() {
        "\"\" (core)"
    } else {
        res.group
    };
    let scope = match namespace.filter(|_| res.namespaced) {
        Some(ns) => format!("in namespace {ns}"),
        None => "cluster-wide".to_string(),
    };
    let (kind, next) = match status {
        401 => (
            ApplyErrorKind::Forbidden,
            format!("the credentials of context {ctx} were rejected: refresh them (`kubectl --context {ctx} get ns`)"),
        ),
        403 => (
            ApplyErrorKind::Forbidden,
            format!(
                "the RBAC verb `{verb}` on resource `{}` (API group {group}) {scope} is \
                 missing: grant it to the user of context {ctx} (a Role rule {{apiGroups: \
                 [\"{}\"], resources: [\"{}\"], verbs: [\"{verb}\"]}}); `kubectl --context {ctx} \
                 auth can-i {verb} {}` checks it",
                res.plural,
                res.group,
                res.plural,
                qualified(res)
            ),
        ),
        404 if verb == "create" => (
            ApplyErrorKind::NotFound,
            format!("the namespace or the API {} {} is missing: check with `kubectl --context {ctx} get ns` and `kubectl api-resources`", res.api_version(), res.plural),
        ),
        404 => (
            ApplyErrorKind::NotFound,
            format!("{object} is gone (deleted or renamed since the scan): rescan and plan again"),
        ),
        409 if verb == "create" => (
            ApplyErrorKind::Conflict,
            format!("{object} already exists: compare it with the plan (`kubectl --context {ctx} get {} -o yaml`) and rescan", kubectl_ref(res, namespace, object)),
        ),
        409 => (
            ApplyErrorKind::Conflict,
            "the object changed while Docket wrote it: rescan and try again".to_string(),
        ),
        400 | 415 | 422 => (
            ApplyErrorKind::Invalid,
            format!("the API server rejected the {} as invalid: the object may differ from the scan; rescan, review the plan, or edit it and apply with kubectl", if verb == "create" { "manifest" } else { "patch" }),
        ),
        _ => (
            ApplyErrorKind::Server,
            format!("retry later; if it persists, check the API server (`kubectl --context {ctx} get --raw /readyz`)"),
        ),
    };
    ApplyError::new(kind, object, said, next)
}

/// Where a change goes: the resource, the path and the JSON body.
pub(super) fn write_for(change: &Change) -> Result<Write, ApplyError> {
    let object = change.object();
    let invalid = |said: String| {
        ApplyError::new(
            ApplyErrorKind::Invalid,
            &object,
            said,
            "the plan could not be turned into a request: copy it and apply it with kubectl",
        )
    };
    let (api_version, kind, namespace, name, body, patch) = match change {
        Change::KubePatch {
            api_version,
            kind,
            namespace,
            name,
            patch_yaml,
        } => (
            api_version.clone(),
            kind.clone(),
            namespace.clone(),
            name.clone(),
            yaml_to_json(patch_yaml).map_err(invalid)?,
            true,
        ),
        Change::KubeCreate { manifest_yaml } => {
            let id = manifest_identity(manifest_yaml).ok_or_else(|| {
                invalid("the manifest has no apiVersion, kind or metadata.name".to_string())
            })?;
            let body = yaml_to_json(manifest_yaml).map_err(invalid)?;
            (id.api_version, id.kind, id.namespace, id.name, body, false)
        }
        Change::Contain { .. } => {
            return Err(ApplyError::new(
                ApplyErrorKind::Refused,
                &object,
                "not a Kubernetes change",
                "send containment to the Docker connection",
            ))
        }
    };
    let res = RESOURCES
        .iter()
        .find(|r| r.kind == kind && r.api_version() == api_version)
        .ok_or_else(|| {
            ApplyError::new(
                ApplyErrorKind::Refused,
                &object,
                format!(
                    "Docket only writes the kinds it reads, and {api_version} {kind} is not one"
                ),
                "copy the plan and apply it with kubectl",
            )
        })?;
    if res.namespaced && namespace.is_none() {
        return Err(invalid(format!(
            "{kind} is namespaced but the plan names no namespace"
        )));
    }
    let body = serde_json::to_vec(&body).map_err(|e| invalid(e.to_string()))?;
    let namespace = namespace.filter(|_| res.namespaced);
    Ok(if patch {
        Write {
            verb: "patch",
            method: Method::PATCH,
            path: object_path(res, namespace.as_deref(), &name),
            content_type: SMP,
            body,
            res,
            namespace,
            name,
            object,
        }
    } else {
        Write {
            verb: "create",
            method: Method::POST,
            path: res.list_path(namespace.as_deref()),
            content_type: "application/json",
            body,
            res,
            namespace,
            name,
            object,
        }
    })
}

/// `/apis/apps/v1/namespaces/shop/deployments/web`.
pub(super) fn object_path(res: &Resource, namespace: Option<&str>, name: &str) -> String {
    format!("{}/{name}", res.list_path(namespace))
}

/// `deployments.apps`, `pods`: how kubectl and the API server name a resource.
pub(super) fn qualified(res: &Resource) -> String {
    if res.group.is_empty() {
        res.plural.to_string()
    } else {
        format!("{}.{}", res.plural, res.group)
    }
}

/// `networkpolicies.networking.k8s.io default-deny-ingress -n shop` for messages.
pub(super) fn kubectl_ref(res: &Resource, namespace: Option<&str>, object: &str) -> String {
    let name = object.rsplit('/').next().unwrap_or(object);
    let name = name.rsplit(' ').next().unwrap_or(name);
    match namespace {
        Some(ns) => format!("{} {name} -n {ns}", qualified(res)),
        None => format!("{} {name}", qualified(res)),
    }
}

/// " (at generation 4)" when the answer carries one.
pub(super) fn generation(v: &Value) -> String {
    v.pointer("/metadata/generation")
        .and_then(Value::as_i64)
        .map(|g| format!(" (at generation {g})"))
        .unwrap_or_default()
}

/// The `message` of a `Status` body, or the start of whatever came back.
pub(super) fn status_message(body: &[u8]) -> String {
    serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v.get("message").and_then(Value::as_str).map(str::to_string))
        .unwrap_or_else(|| String::from_utf8_lossy(body).chars().take(200).collect())
}
