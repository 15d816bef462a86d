//! Kubernetes changes: a strategic merge patch (`PATCH`) on the object a plan names, or a
//! new object (`POST`), each sent first with `dryRun=All` and always with
//! `fieldManager=docket`; verification re-reads the object (`GET`) and re-runs the check.
//!
//! Writes are sent once, never retried: a timeout leaves it open whether the server applied
//! the change, and the error says so.

use std::time::Duration;

use bytes::Bytes;
use http::{header, Method};
use serde_json::Value;

use super::kube_wire::{generation, object_path, status_error, write_for, About, Write};
use super::recheck::recheck;
use super::{kube_words, ApplyError, ApplyErrorKind, Change, KubeOptions, Verification};
use crate::findings::Finding;
use crate::model::Snapshot;
use crate::sources::kube_live::connect::tune;
use crate::sources::kube_live::kinds::{Resource, RESOURCES};
use crate::sources::kube_live::{self, KubeTarget};

/// The field manager Docket's writes are recorded under (`metadata.managedFields`).
pub const FIELD_MANAGER: &str = "docket";

pub(super) struct KubeApplier {
    client: kube::Client,
    context: String,
    server: String,
    timeout: Duration,
}

impl KubeApplier {
    pub async fn connect(target: &KubeTarget, opts: &KubeOptions) -> Result<KubeApplier, String> {
        let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
        let conn = kube_live::resolve(target, &|k| std::env::var(k).ok(), home.as_deref()).await?;
        let mut config = conn.config.clone();
        tune(&mut config, opts.request_timeout);
        if let Some(exec) = &conn.exec {
            exec.authenticate(&mut config, opts.exec_timeout, opts.terminal)
                .await?;
        }
        let server = config.cluster_url.to_string();
        let client = kube::Client::try_from(config).map_err(|e| {
            format!(
                "context {}: cannot build a client for {server}: {e}",
                conn.context
            )
        })?;
        Ok(KubeApplier {
            client,
            context: conn.context,
            server,
            timeout: opts.request_timeout,
        })
    }

    pub async fn dry_run(&self, change: &Change) -> Result<String, ApplyError> {
        let w = write_for(change)?;
        if w.res.kind == "Pod" {
            self.refuse_owned_pod(&w).await?;
        }
        let answer = self.send_write(&w, true).await?;
        Ok(format!(
            "server-side dry run (dryRun=All) accepted by {} (context {}): {} would be {}{}; \
             admission and validation passed, nothing was stored",
            self.server,
            self.context,
            w.object,
            done(w.verb),
            generation(&answer)
        ))
    }

    pub async fn apply(&self, change: &Change) -> Result<String, ApplyError> {
        let w = write_for(change)?;
        let answer = self.send_write(&w, false).await?;
        let rv = answer
            .pointer("/metadata/resourceVersion")
            .and_then(Value::as_str)
            .unwrap_or("?");
        let rollout = if w.verb == "patch" && w.res.kind != "Pod" {
            "; its pods are replaced by the controller's rollout"
        } else {
            ""
        };
        Ok(format!(
            "{} {} on {} (context {}, fieldManager {FIELD_MANAGER}, resourceVersion {rv}){rollout}",
            done(w.verb),
            w.object,
            self.server,
            self.context,
        ))
    }

    pub async fn verify(
        &self,
        change: &Change,
        finding: &Finding,
        context: Option<&Snapshot>,
    ) -> Result<Verification, ApplyError> {
        let w = write_for(change)?;
        let mut reread = vec![(
            w.res.kind.to_string(),
            self.get(&w.object, w.res, w.namespace.as_deref(), &w.name)
                .await?,
        )];
        let mut words = vec![w.object.clone()];
        // A created object fixes a finding on another object (a namespace, a workload):
        // that one is re-read too, so the check sees both.
        if let Change::KubeCreate { .. } = change {
            let r = &finding.resource;
            let same = r.kind == w.res.kind && r.name == w.name && r.namespace == w.namespace;
            if let Some(res) = RESOURCES
                .iter()
                .find(|x| x.kind == r.kind)
                .filter(|_| !same)
            {
                let ns = r.namespace.as_deref().filter(|_| res.namespaced);
                let object = kube_words(&r.kind, ns, &r.name);
                reread.push((r.kind.clone(), self.get(&object, res, ns, &r.name).await?));
                words.push(object);
            }
        }
        Ok(recheck(&reread, finding, context, &words.join(" and ")))
    }

    /// A patch on a pod that a controller owns would be undone by the controller: the
    /// plan must target the controller instead.
    async fn refuse_owned_pod(&self, w: &Write) -> Result<(), ApplyError> {
        let pod = self
            .get(&w.object, w.res, w.namespace.as_deref(), &w.name)
            .await?;
        let owner = pod
            .pointer("/metadata/ownerReferences")
            .and_then(Value::as_array)
            .and_then(|refs| {
                refs.iter()
                    .find(|o| o.get("controller").and_then(Value::as_bool) == Some(true))
            });
        match owner {
            None => Ok(()),
            Some(o) => {
                let kind = o
                    .get("kind")
                    .and_then(Value::as_str)
                    .unwrap_or("controller");
                let name = o.get("name").and_then(Value::as_str).unwrap_or("?");
                Err(ApplyError::new(
                    ApplyErrorKind::Refused,
                    &w.object,
                    format!("the pod is owned by {kind} {name}, which would undo the patch"),
                    format!("patch {kind} {name} (its template) instead: plan again from a rescan"),
                ))
            }
        }
    }

    async fn send_write(&self, w: &Write, dry_run: bool) -> Result<Value, ApplyError> {
        let query = if dry_run {
            format!("?dryRun=All&fieldManager={FIELD_MANAGER}")
        } else {
            format!("?fieldManager={FIELD_MANAGER}")
        };
        let uri = format!("{}{query}", w.path);
        let what = if dry_run {
            format!("dry run of {} {}", w.verb, w.object)
        } else {
            format!("{} {}", w.verb, w.object)
        };
        let (status, body) = self
            .send(w.method.clone(), &uri, Some(w.content_type), w.body.clone())
            .await
            .map_err(|said| self.transport_error(&w.object, &what, said, !dry_run))?;
        if (200..300).contains(&status) {
            return serde_json::from_slice(&body).map_err(|e| {
                ApplyError::new(
                    ApplyErrorKind::Server,
                    &w.object,
                    format!("{what}: the answer ({status}) is not a JSON object: {e}"),
                    "check the API server (`kubectl get --raw /version`) and rescan",
                )
            });
        }
        Err(status_error(
            &self.context,
            status,
            &body,
            &w.about(),
            &what,
        ))
    }

    async fn get(
        &self,
        object: &str,
        res: &'static Resource,
        namespace: Option<&str>,
        name: &str,
    ) -> Result<Value, ApplyError> {
        let path = object_path(res, namespace, name);
        let what = format!("re-read {object}");
        let (status, body) = self
            .send(Method::GET, &path, None, Vec::new())
            .await
            .map_err(|said| self.transport_error(object, &what, said, false))?;
        if status == 200 {
            return serde_json::from_slice(&body).map_err(|e| {
                ApplyError::new(
                    ApplyErrorKind::Server,
                    object,
                    format!("{what}: the answer is not a JSON object: {e}"),
                    "rescan to confirm",
                )
            });
        }
        let about = About {
            verb: "get",
            res,
            namespace,
            object,
        };
        Err(status_error(&self.context, status, &body, &about, &what))
    }

    /// One request with the per-request timeout; the status and whole body, or why not.
    async fn send(
        &self,
        method: Method,
        uri: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> Result<(u16, Bytes), String> {
        let mut builder = http::Request::builder()
            .method(method)
            .uri(uri)
            .header(header::ACCEPT, "application/json");
        if let Some(ct) = content_type {
            builder = builder.header(header::CONTENT_TYPE, ct);
        }
        let request = builder
            .body(kube::client::Body::from(body))
            .map_err(|e| format!("cannot build the request: {e}"))?;
        let exchange = async {
            let response = self.client.send(request).await.map_err(|e| e.to_string())?;
            let status = response.status().as_u16();
            let bytes = response
                .into_body()
                .collect_bytes()
                .await
                .map_err(|e| format!("the connection dropped mid-answer: {e}"))?;
            Ok((status, bytes))
        };
        match tokio::time::timeout(self.timeout, exchange).await {
            Err(_) => Err(format!("no answer within {} s", self.timeout.as_secs())),
            Ok(r) => r,
        }
    }

    fn transport_error(&self, object: &str, what: &str, said: String, write: bool) -> ApplyError {
        let next = if write {
            format!(
                "the change may or may not have been made: check with `kubectl --context {} get` \
                 and rescan before trying again",
                self.context
            )
        } else {
            format!(
                "check that {} is reachable (`kubectl --context {} get --raw /version`) and retry",
                self.server, self.context
            )
        };
        ApplyError::new(
            ApplyErrorKind::Unreachable,
            object,
            format!("{what}: {said}"),
            next,
        )
    }
}

/// "patched", "created".
fn done(verb: &str) -> &'static str {
    if verb == "patch" {
        "patched"
    } else {
        "created"
    }
}
