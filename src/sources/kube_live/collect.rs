//! Read the inventory from the API server: every resource of [`RESOURCES`], listed in pages
//! of 500 with `continue`, several kinds at once under a cap, each page normalized through
//! `kube_json` and dropped (raw objects, managedFields included, never accumulate).
//!
//! Failures stay local to their kind and become coverage gaps with the reason: 403 (not
//! allowed), 404 (not served), an expired continue token that keeps expiring (410, the list
//! restarts up to [`MAX_RESTARTS`] times), timeouts, dropped connections, the overall
//! deadline. 429 and 5xx are retried with backoff, honouring `Retry-After`.

use futures_util::stream::{self, StreamExt};
use serde::Deserialize;
use serde_json::Value;
use std::time::Duration;
use tokio::time::Instant;

use super::connect::{tune, Connection, Scope};
use super::kinds::{Resource, METADATA_ONLY_ACCEPT, RESOURCES};
use super::request::{Failure, Fetcher};
use crate::model::{Snapshot, SourceInfo, SourceKind};
use crate::sources::kube_json;

/// Kinds listed at the same time.
pub const CONCURRENCY: usize = 6;
/// Objects per page (`limit`), as kubectl and kube-rs reflectors use.
pub const PAGE_SIZE: usize = 500;
/// How often a list whose continue token expired (410) is restarted from the beginning.
pub const MAX_RESTARTS: u32 = 3;

/// Limits of one live scan.
#[derive(Debug, Clone)]
pub struct Options {
    /// Per request (connect, send, whole answer).
    pub request_timeout: Duration,
    /// For the whole scan: what is not read by then is a labelled coverage gap.
    pub deadline: Duration,
    /// How long an exec credential plugin may run.
    pub exec_timeout: Duration,
    pub concurrency: usize,
    pub page_size: usize,
    /// Whether an exec plugin may use the terminal (stdin/stderr) to log the person in.
    pub terminal: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            request_timeout: Duration::from_secs(30),
            deadline: Duration::from_secs(300),
            exec_timeout: Duration::from_secs(60),
            concurrency: CONCURRENCY,
            page_size: PAGE_SIZE,
            terminal: false,
        }
    }
}

/// What the scan of one resource is doing, for progress displays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    Listing,
    /// Waiting before a retry; the text says why (429, 503, dropped connection).
    Retrying(String),
    /// The list restarted after its continue token expired.
    Restarted,
    Done,
    Failed(String),
}

/// One progress report: a resource, how far it got, what it is doing.
#[derive(Debug, Clone)]
pub struct Progress {
    pub resource: &'static str,
    pub objects: usize,
    pub pages: usize,
    pub stage: Stage,
}

/// How one resource went, for summaries and the performance notes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindReport {
    pub resource: &'static str,
    pub objects: usize,
    pub pages: usize,
    pub restarts: u32,
    /// Why it is missing or incomplete; `None` when it was read completely.
    pub gap: Option<String>,
}

/// The result of a live scan.
#[derive(Debug)]
pub struct LiveKube {
    pub snapshot: Snapshot,
    pub warnings: Vec<String>,
    /// HTTP requests sent, retries included.
    pub requests: usize,
    pub server_version: String,
    pub kinds: Vec<KindReport>,
}

struct Ctx<'a> {
    fetch: Fetcher,
    scope: &'a Scope,
    page_size: usize,
    progress: &'a (dyn Fn(&Progress) + Sync),
}

/// Scan the cluster of `conn`. Errors only when the API server cannot be used at all
/// (exec plugin failed, unreachable, credentials rejected); everything after the first
/// answer degrades into coverage gaps.
pub async fn collect(
    conn: &Connection,
    opts: &Options,
    progress: &(dyn Fn(&Progress) + Sync),
) -> Result<LiveKube, String> {
    let started = Instant::now();
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
    let fetch = Fetcher::new(
        client,
        opts.request_timeout,
        started + opts.deadline,
        opts.deadline,
    );
    let server_version = version(&fetch, conn, &server).await?;
    let ctx = Ctx {
        fetch,
        scope: &conn.scope,
        page_size: opts.page_size.max(1),
        progress,
    };
    // Futures built up front (not in a `map` closure) so the whole scan future is `Send`
    // and can run as a spawned task under the TUI.
    let lists: Vec<_> = RESOURCES
        .iter()
        .enumerate()
        .map(|(i, res)| list_at(&ctx, i, res))
        .collect();
    let mut listed: Vec<(usize, Listed)> = stream::iter(lists)
        .buffer_unordered(opts.concurrency.max(1))
        .collect()
        .await;
    // Merge in table order, so the snapshot does not depend on which list finished first.
    listed.sort_by_key(|(i, _)| *i);
    let listed: Vec<Listed> = listed.into_iter().map(|(_, l)| l).collect();
    if listed.iter().all(|l| l.unauthorized) {
        return Err(format!(
            "context {}: the API server at {server} rejected the credentials (401 \
             Unauthorized) for every kind. Refresh them (`kubectl --context {} get ns` shows \
             the same error).",
            conn.context, conn.context
        ));
    }
    let mut snap = Snapshot::new();
    snap.created_at = now();
    snap.sources.push(SourceInfo {
        kind: SourceKind::Kube,
        location: conn.context.clone(),
        detail: format!(
            "Kubernetes {server_version} at {server}, {} ({})",
            conn.scope, conn.origin
        ),
    });
    snap.kube.cluster = Some(conn.context.clone().into());
    let mut warnings = Vec::new();
    let mut kinds = Vec::new();
    for l in listed {
        let scope = coverage_scope(&conn.scope, l.res);
        match &l.report.gap {
            None => snap.coverage.collected(l.res.data(), scope),
            Some(reason) => snap.coverage.missing(l.res.data(), scope, reason.clone()),
        }
        snap.merge(l.snapshot);
        warnings.extend(l.warnings);
        kinds.push(l.report);
    }
    if let Scope::Namespace(ns) = &conn.scope {
        // Only the scanned namespace's objects were read: other namespaces must not look
        // empty (no policies, no workloads) to the checks.
        snap.kube.namespaces.retain(|n| &n.meta.name == ns);
    }
    Ok(LiveKube {
        snapshot: snap,
        warnings,
        requests: ctx.fetch.requests(),
        server_version,
        kinds,
    })
}

/// `GET /version`: the first request, which tells "unreachable" from "reachable".
async fn version(fetch: &Fetcher, conn: &Connection, server: &str) -> Result<String, String> {
    let unreachable = |why: String| {
        format!(
            "cannot reach the Kubernetes API server at {server} (context {}, from {}): {why}. \
             Is the cluster up and this network allowed to reach it? `kubectl --context {} \
             get --raw /version` shows the same.",
            conn.context, conn.origin, conn.context
        )
    };
    match fetch.get("/version", "application/json", &|_| {}).await {
        Ok(body) => {
            let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            Ok(v.get("gitVersion")
                .and_then(Value::as_str)
                .unwrap_or("(unknown version)")
                .to_string())
        }
        // Some clusters restrict /version; the lists will tell what can be read.
        Err(Failure::Forbidden(_)) | Err(Failure::NotServed) => {
            Ok("(version not readable)".to_string())
        }
        Err(Failure::Unauthorized(m)) => Err(format!(
            "context {}: the API server at {server} rejected the credentials (401 \
             Unauthorized: {m}). Refresh them and try `kubectl --context {} get ns`.",
            conn.context, conn.context
        )),
        Err(f) => Err(unreachable(f.describe())),
    }
}

/// The coverage scope of a resource: its namespace, or `cluster`.
fn coverage_scope(scope: &Scope, res: &Resource) -> String {
    match scope.namespace() {
        Some(ns) if res.namespaced => ns.to_string(),
        _ => "cluster".to_string(),
    }
}

struct Listed {
    res: &'static Resource,
    snapshot: Snapshot,
    warnings: Vec<String>,
    report: KindReport,
    unauthorized: bool,
}

#[derive(Deserialize)]
struct ListPage {
    #[serde(default)]
    metadata: ListMeta,
    #[serde(default)]
    items: Option<Vec<Value>>,
}

#[derive(Deserialize, Default)]
struct ListMeta {
    #[serde(rename = "continue", default)]
    continue_token: Option<String>,
}

async fn list_at(ctx: &Ctx<'_>, i: usize, res: &'static Resource) -> (usize, Listed) {
    (i, list(ctx, res).await)
}

/// List one resource completely (all pages), restarting on an expired continue token.
async fn list(ctx: &Ctx<'_>, res: &'static Resource) -> Listed {
    let path = res.list_path(ctx.scope.namespace());
    let accept = if res.metadata_only {
        METADATA_ONLY_ACCEPT
    } else {
        "application/json"
    };
    let mut restarts = 0;
    loop {
        let mut l = Listed {
            res,
            snapshot: Snapshot::new(),
            warnings: Vec::new(),
            report: KindReport {
                resource: res.plural,
                objects: 0,
                pages: 0,
                restarts,
                gap: None,
            },
            unauthorized: false,
        };
        let mut token: Option<String> = None;
        let failure = loop {
            let report = |stage: Stage, objects: usize, pages: usize| {
                (ctx.progress)(&Progress {
                    resource: res.plural,
                    objects,
                    pages,
                    stage,
                })
            };
            let (objects, pages) = (l.report.objects, l.report.pages);
            let retrying = |why: &str| report(Stage::Retrying(why.to_string()), objects, pages);
            let url = page_url(&path, ctx.page_size, token.as_deref());
            let body = match ctx.fetch.get(&url, accept, &retrying).await {
                Ok(body) => body,
                Err(f) => break Some(f),
            };
            let page: ListPage = match serde_json::from_slice(&body) {
                Ok(p) => p,
                Err(e) => {
                    break Some(Failure::BadResponse(format!(
                        "the answer to GET {url} is not a list: {e}"
                    )))
                }
            };
            drop(body);
            l.report.pages += 1;
            // The replicas of a page share their strings and label maps (model::interned).
            crate::model::interning(|| {
                for item in page.items.unwrap_or_default() {
                    let item = if res.metadata_only {
                        metadata_only(item)
                    } else {
                        strip(item)
                    };
                    let added = kube_json::add_object_of_kind(
                        res.kind,
                        &item,
                        &mut l.snapshot,
                        &mut l.warnings,
                    );
                    if added.is_some() {
                        l.report.objects += 1;
                    }
                }
            });
            report(Stage::Listing, l.report.objects, l.report.pages);
            match page.metadata.continue_token.filter(|t| !t.is_empty()) {
                Some(t) => token = Some(t),
                None => break None,
            }
        };
        match failure {
            None => {
                (ctx.progress)(&Progress {
                    resource: res.plural,
                    objects: l.report.objects,
                    pages: l.report.pages,
                    stage: Stage::Done,
                });
                return l;
            }
            Some(Failure::Expired) if token.is_some() && restarts < MAX_RESTARTS => {
                restarts += 1;
                (ctx.progress)(&Progress {
                    resource: res.plural,
                    objects: 0,
                    pages: 0,
                    stage: Stage::Restarted,
                });
                continue;
            }
            Some(f) => {
                l.unauthorized = matches!(f, Failure::Unauthorized(_));
                let mut reason = gap_reason(res, &f, restarts);
                if l.report.objects > 0 {
                    reason = format!(
                        "incomplete: {} objects read, then {reason}",
                        l.report.objects
                    );
                }
                (ctx.progress)(&Progress {
                    resource: res.plural,
                    objects: l.report.objects,
                    pages: l.report.pages,
                    stage: Stage::Failed(reason.clone()),
                });
                l.report.gap = Some(reason);
                return l;
            }
        }
    }
}

fn page_url(path: &str, limit: usize, token: Option<&str>) -> String {
    match token {
        None => format!("{path}?limit={limit}"),
        Some(t) => format!("{path}?limit={limit}&continue={}", percent_encode(t)),
    }
}

/// Percent-encode a continue token for a query string (tokens are base64, so `+`, `/`
/// and `=` must be escaped).
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Drop what Docket never keeps before the object goes further: managedFields (often
/// half the object) and the last-applied-configuration annotation (a full copy of the
/// object as applied, secrets and all).
fn strip(mut item: Value) -> Value {
    if let Some(meta) = item.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.remove("managedFields");
        if let Some(ann) = meta.get_mut("annotations").and_then(Value::as_object_mut) {
            ann.remove("kubectl.kubernetes.io/last-applied-configuration");
        }
    }
    item
}

/// Keep only `metadata` (stripped), whatever the server sent: a Secret's data must never
/// reach the normalizer even if a server ignored the metadata-only Accept header. The type
/// is not part of metadata, so it is recorded as unknown (empty).
fn metadata_only(item: Value) -> Value {
    let meta = strip(item)
        .get_mut("metadata")
        .map(Value::take)
        .unwrap_or(Value::Null);
    serde_json::json!({ "metadata": meta, "type": "" })
}

/// The coverage reason for a failed list: what happened and what to do.
fn gap_reason(res: &Resource, f: &Failure, restarts: u32) -> String {
    let what = res.display();
    match f {
        Failure::Forbidden(m) => {
            format!("403 Forbidden ({m}); grant list on {what} (assets/rbac/docket-reader.yaml)")
        }
        Failure::NotServed => format!(
            "{} {} is not served by this API server (404)",
            res.api_version(),
            res.plural
        ),
        Failure::Expired => format!(
            "the list of {what} kept expiring (410 Gone) after {restarts} restarts; the \
             cluster changes faster than it can be paged"
        ),
        other => other.describe(),
    }
}

fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strip_removes_bulk_and_last_applied() {
        let v = strip(
            json!({"metadata": {"name": "a", "managedFields": [{"manager": "x"}],
            "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}", "k": "v"}}}),
        );
        assert_eq!(
            v,
            json!({"metadata": {"name": "a", "annotations": {"k": "v"}}})
        );
    }

    #[test]
    fn metadata_only_drops_data_even_when_the_server_sent_it() {
        let v = metadata_only(json!({"kind": "Secret", "metadata": {"name": "db"},
            "data": {"password": "c2VjcmV0"}, "stringData": {"x": "y"}}));
        assert_eq!(v, json!({"metadata": {"name": "db"}, "type": ""}));
    }

    #[test]
    fn continue_tokens_are_escaped() {
        assert_eq!(
            page_url("/api/v1/pods", 500, Some("ab+/=c")),
            "/api/v1/pods?limit=500&continue=ab%2B%2F%3Dc"
        );
        assert_eq!(
            page_url("/api/v1/pods", 500, None),
            "/api/v1/pods?limit=500"
        );
    }

    #[test]
    fn gap_reasons_say_what_to_do() {
        let pods = RESOURCES.iter().find(|r| r.plural == "pods").unwrap();
        let r = gap_reason(pods, &Failure::Forbidden("pods is forbidden".into()), 0);
        assert!(r.contains("403") && r.contains("docket-reader.yaml"), "{r}");
        let ing = RESOURCES.iter().find(|r| r.plural == "ingresses").unwrap();
        assert!(gap_reason(ing, &Failure::NotServed, 0).contains("networking.k8s.io/v1"));
        assert!(gap_reason(pods, &Failure::Expired, 3).contains("410"));
    }

    #[test]
    fn coverage_scope_is_the_namespace_for_namespaced_kinds_only() {
        let ns = Scope::Namespace("prod".into());
        let pods = RESOURCES.iter().find(|r| r.plural == "pods").unwrap();
        let nodes = RESOURCES.iter().find(|r| r.plural == "nodes").unwrap();
        assert_eq!(coverage_scope(&ns, pods), "prod");
        assert_eq!(coverage_scope(&ns, nodes), "cluster");
        assert_eq!(coverage_scope(&Scope::AllNamespaces, pods), "cluster");
    }
}
