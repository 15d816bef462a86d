//! A **stand-in** for the Kubernetes API server, for tests and manual measurements.
//!
//! No real API server can run on the machines Docket is developed and tested on, so this
//! small HTTP/1.1 server on 127.0.0.1 answers the REST paths Docket's live source calls,
//! from fixture objects shaped like `kubectl get -o json` output. It mimics what a client
//! can observe of a real server: typed lists whose items carry no `kind`/`apiVersion`,
//! paging with `limit`/`continue`, `PartialObjectMetadataList` answers when the Accept
//! header asks for them, and errors as real `Status` objects. Faults (403, 404, 410, 429,
//! 503, 401, slow answers, dropped connections) are injected per resource so that the real
//! kube-rs client code is exercised end to end through a kubeconfig.
//!
//! The server runs on its own thread with its own tokio runtime, so it serves sync tests
//! (which spawn the `docket` binary) and async tests alike. It is not a Kubernetes
//! implementation: watches and label/field selectors are refused with a 400 that names the
//! stand-in (rather than silently ignored). Besides GET, the write requests Docket's apply
//! path sends are served (`kube_standin_write.rs`): PATCH (strategic merge or JSON merge
//! patch) and POST of one object, with `dryRun=All`, `fieldManager`, 404/409/415/422 as a
//! real server answers them; written objects are stored and served by later GETs.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[path = "kube_fixtures.rs"]
pub mod fixtures;
#[path = "kube_standin_write.rs"]
mod write;
/// Re-exported because most tests want it; not every test crate does.
#[allow(unused_imports)]
pub use fixtures::small_cluster;

/// The user named in 403 messages, as a real server names the caller.
pub const STANDIN_USER: &str = "system:serviceaccount:docket:scanner";

/// Largest request head accepted; a real client's is far smaller.
const MAX_HEAD: usize = 64 * 1024;

/// Which objects the stand-in serves. Objects are kubectl-shaped (with "kind" and "apiVersion").
#[derive(Debug, Clone, Default)]
pub struct Cluster {
    pub objects: Vec<Value>,
}

impl Cluster {
    /// A cluster from `kubectl get -o json` output: a `List` (or any `*List`) is flattened
    /// into its items, an array into its elements, a single object is kept as is.
    pub fn from_json(value: Value) -> Cluster {
        let mut objects = Vec::new();
        flatten_into(value, &mut objects);
        Cluster { objects }
    }

    /// `kind` (apiVersion) of every object the stand-in cannot serve because its kind is
    /// not in the resource table or it has no name; such objects are left out.
    pub fn unserved(&self) -> Vec<String> {
        self.objects
            .iter()
            .filter(|o| parse_object(o).is_none())
            .map(|o| format!("{} ({})", str_at(o, "kind"), str_at(o, "apiVersion")))
            .collect()
    }
}

fn flatten_into(value: Value, out: &mut Vec<Value>) {
    match value {
        Value::Array(items) => items.into_iter().for_each(|v| flatten_into(v, out)),
        Value::Object(mut map) if is_list_kind(&map) => {
            if let Some(Value::Array(items)) = map.remove("items") {
                items.into_iter().for_each(|v| flatten_into(v, out));
            }
        }
        other => out.push(other),
    }
}

fn is_list_kind(map: &serde_json::Map<String, Value>) -> bool {
    map.get("kind")
        .and_then(Value::as_str)
        .is_some_and(|k| k.ends_with("List"))
}

/// Faults injected per resource plural. Counters are per plural (across namespaces) and
/// decrement per request.
#[derive(Debug, Default, Clone)]
pub struct Faults {
    /// Resource plurals ("pods", "clusterroles") answering 403 at any scope.
    pub forbidden: Vec<String>,
    /// (plural, namespace) answering 403 only in that namespace.
    pub forbidden_in_namespace: Vec<(String, String)>,
    /// Plurals answering 404 as if the API were not served, e.g. "ingresses".
    pub missing: Vec<String>,
    /// Plurals whose first request carrying a continue token gets 410 Gone (reason Expired).
    pub expire_continue_once: Vec<String>,
    /// Plural and how many 429s it answers before it succeeds.
    pub too_many_requests: Vec<(String, usize)>,
    /// Retry-After header value and details.retryAfterSeconds on 429s.
    pub retry_after_secs: u64,
    /// Plural and how many 503s it answers before it succeeds.
    pub server_errors: Vec<(String, usize)>,
    /// Plural and how long every request for it sleeps before being answered.
    pub slow: Vec<(String, Duration)>,
    /// Plural and how many of its requests get their connection closed without a response.
    pub drop_connection: Vec<(String, usize)>,
    /// When set, requests without `Authorization: Bearer <token>` get 401.
    pub require_token: Option<String>,
    /// (verb, plural) answering 403 for that verb only, e.g. ("patch", "deployments"):
    /// reads still work, as for a read-only service account.
    pub forbidden_verbs: Vec<(String, String)>,
    /// Plurals whose writes (PATCH, POST, dry runs included) get 422 Invalid, as when
    /// validation or an admission webhook rejects the object.
    pub invalid_writes: Vec<String>,
}

/// One request the stand-in received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRecord {
    pub method: String,
    /// The path as sent, without the query.
    pub path: String,
    /// Query parameters, percent-decoded, in the order sent.
    pub query: Vec<(String, String)>,
    /// The Accept header ("" when absent; several headers are joined with ", ").
    pub accept: String,
    pub authorization: Option<String>,
    /// The status answered; 0 when the connection was dropped (or no answer yet).
    pub status: u16,
    /// The Content-Type header ("" when absent).
    pub content_type: String,
    /// The request body as text ("" for GETs).
    pub body: String,
}

impl RequestRecord {
    /// The value of query parameter `name`, if sent.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A running stand-in; stopped by [`StandIn::stop`] or on drop.
pub struct StandIn {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl StandIn {
    /// Starts a stand-in on a free port of 127.0.0.1. Panics if no port can be bound.
    pub fn start(cluster: Cluster, faults: Faults) -> StandIn {
        StandIn::start_on(0, cluster, faults).expect("bind the Kubernetes API stand-in")
    }

    /// Starts a stand-in on `127.0.0.1:port` (0 picks a free port).
    pub fn start_on(port: u16, cluster: Cluster, faults: Faults) -> std::io::Result<StandIn> {
        let listener = std::net::TcpListener::bind(("127.0.0.1", port))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::new(&cluster, faults, addr));
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("kube-standin")
            .enable_all()
            .build()?;
        let (tx, rx) = tokio::sync::oneshot::channel();
        let served = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("kube-standin".into())
            .spawn(move || runtime.block_on(accept_loop(listener, served, rx)))?;
        Ok(StandIn {
            addr,
            shared,
            shutdown: Some(tx),
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Everything received so far, in the order received.
    pub fn requests(&self) -> Vec<RequestRecord> {
        lock(&self.shared.log).clone()
    }

    /// How many requests were received so far.
    pub fn request_count(&self) -> usize {
        lock(&self.shared.log).len()
    }

    /// A kubeconfig context named `name` pointing at this stand-in.
    pub fn context(&self, name: &str, user: UserSpec) -> ContextSpec {
        ContextSpec {
            name: name.to_string(),
            server: self.url(),
            namespace: None,
            user,
        }
    }

    /// Stops serving and frees the port; open connections are closed.
    pub fn stop(mut self) {
        self.shutdown_now();
    }

    fn shutdown_now(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        self.shutdown_now();
    }
}

/// State shared by every connection of one stand-in.
struct Shared {
    /// Behind a lock because PATCH and POST change it.
    store: std::sync::RwLock<Store>,
    faults: Faults,
    counters: Mutex<FaultCounters>,
    log: Mutex<Vec<RequestRecord>>,
    addr: SocketAddr,
}

impl Shared {
    fn new(cluster: &Cluster, faults: Faults, addr: SocketAddr) -> Shared {
        Shared {
            store: std::sync::RwLock::new(Store::build(cluster)),
            counters: Mutex::new(FaultCounters::new(&faults)),
            faults,
            log: Mutex::new(Vec::new()),
            addr,
        }
    }

    /// Logs a request on arrival, so the log keeps arrival order; returns its index.
    fn record(&self, req: &Request) -> usize {
        let mut log = lock(&self.log);
        log.push(RequestRecord {
            method: req.method.clone(),
            path: req.path.clone(),
            query: req.query.clone(),
            accept: req.accept.clone(),
            authorization: req.authorization.clone(),
            status: 0,
            content_type: req.content_type.clone(),
            body: String::from_utf8_lossy(&req.body).into_owned(),
        });
        log.len() - 1
    }

    fn set_status(&self, index: usize, status: u16) {
        if let Some(rec) = lock(&self.log).get_mut(index) {
            rec.status = status;
        }
    }
}

/// A poisoned lock only means another connection task panicked; the data is still usable.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

// ---------------------------------------------------------------------------------------
// Resource table and object store
// ---------------------------------------------------------------------------------------

/// One kind the stand-in serves: kind <-> plural <-> group/version <-> scope.
#[derive(Debug)]
struct ResourceType {
    kind: &'static str,
    plural: &'static str,
    group: &'static str,
    version: &'static str,
    namespaced: bool,
    short_names: &'static [&'static str],
}

impl ResourceType {
    fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }
}

const fn rt(
    kind: &'static str,
    plural: &'static str,
    group: &'static str,
    namespaced: bool,
    short_names: &'static [&'static str],
) -> ResourceType {
    ResourceType {
        kind,
        plural,
        group,
        version: "v1",
        namespaced,
        short_names,
    }
}

const RBAC: &str = "rbac.authorization.k8s.io";
const NETWORKING: &str = "networking.k8s.io";

const RESOURCES: &[ResourceType] = &[
    rt("Namespace", "namespaces", "", false, &["ns"]),
    rt("Node", "nodes", "", false, &["no"]),
    rt("Pod", "pods", "", true, &["po"]),
    rt("Service", "services", "", true, &["svc"]),
    rt("ServiceAccount", "serviceaccounts", "", true, &["sa"]),
    rt("ConfigMap", "configmaps", "", true, &["cm"]),
    rt("Secret", "secrets", "", true, &[]),
    rt("Deployment", "deployments", "apps", true, &["deploy"]),
    rt("ReplicaSet", "replicasets", "apps", true, &["rs"]),
    rt("StatefulSet", "statefulsets", "apps", true, &["sts"]),
    rt("DaemonSet", "daemonsets", "apps", true, &["ds"]),
    rt("Job", "jobs", "batch", true, &[]),
    rt("CronJob", "cronjobs", "batch", true, &["cj"]),
    rt("Ingress", "ingresses", NETWORKING, true, &["ing"]),
    rt(
        "NetworkPolicy",
        "networkpolicies",
        NETWORKING,
        true,
        &["netpol"],
    ),
    rt("Role", "roles", RBAC, true, &[]),
    rt("RoleBinding", "rolebindings", RBAC, true, &[]),
    rt("ClusterRole", "clusterroles", RBAC, false, &[]),
    rt(
        "ClusterRoleBinding",
        "clusterrolebindings",
        RBAC,
        false,
        &[],
    ),
];

fn resource_by_kind(api_version: &str, kind: &str) -> Option<&'static ResourceType> {
    RESOURCES
        .iter()
        .find(|r| r.kind == kind && r.api_version() == api_version)
}

fn resource_by_path(group: &str, version: &str, plural: &str) -> Option<&'static ResourceType> {
    RESOURCES
        .iter()
        .find(|r| r.group == group && r.version == version && r.plural == plural)
}

/// Groups in table order, each once.
fn groups() -> Vec<&'static str> {
    let mut seen = Vec::new();
    for r in RESOURCES {
        if !r.group.is_empty() && !seen.contains(&r.group) {
            seen.push(r.group);
        }
    }
    seen
}

/// One served object, pre-rendered: serving large lists is then concatenation, so the
/// stand-in is not what a measurement measures.
struct Stored {
    /// `namespace/name` for namespaced objects, `name` otherwise: the etcd key order.
    key: String,
    namespace: Option<String>,
    name: String,
    /// The object without kind/apiVersion, as items of a typed list.
    item_json: String,
    /// The object as a `PartialObjectMetadata`.
    meta_json: String,
}

struct Store {
    by_plural: HashMap<&'static str, Vec<Stored>>,
    resource_version: u64,
}

impl Store {
    fn build(cluster: &Cluster) -> Store {
        let mut by_plural: HashMap<&'static str, Vec<Stored>> = HashMap::new();
        let mut max_rv = 0;
        for obj in &cluster.objects {
            let Some((ty, stored)) = parse_object(obj) else {
                continue;
            };
            max_rv = max_rv.max(
                str_at(&obj["metadata"], "resourceVersion")
                    .parse()
                    .unwrap_or(0),
            );
            by_plural.entry(ty.plural).or_default().push(stored);
        }
        for items in by_plural.values_mut() {
            items.sort_by(|a, b| a.key.cmp(&b.key));
            items.dedup_by(|a, b| a.key == b.key);
        }
        Store {
            by_plural,
            resource_version: max_rv + 1,
        }
    }

    /// Objects of `plural`, in key order, restricted to `namespace` when given.
    fn items(&self, plural: &str, namespace: Option<&str>) -> Vec<&Stored> {
        let all = self.by_plural.get(plural).map(Vec::as_slice).unwrap_or(&[]);
        all.iter()
            .filter(|s| namespace.is_none() || s.namespace.as_deref() == namespace)
            .collect()
    }
}

fn parse_object(obj: &Value) -> Option<(&'static ResourceType, Stored)> {
    let ty = resource_by_kind(str_at(obj, "apiVersion"), str_at(obj, "kind"))?;
    let meta = obj.get("metadata")?;
    let name = meta.get("name")?.as_str()?.to_string();
    let namespace = ty.namespaced.then(|| {
        meta.get("namespace")
            .and_then(Value::as_str)
            .unwrap_or("default")
            .to_string()
    });
    let key = match &namespace {
        Some(ns) => format!("{ns}/{name}"),
        None => name.clone(),
    };
    let mut item = obj.clone();
    if let Some(map) = item.as_object_mut() {
        map.remove("kind");
        map.remove("apiVersion");
    }
    let partial =
        json!({"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": meta});
    let stored = Stored {
        key,
        namespace,
        name,
        item_json: item.to_string(),
        meta_json: partial.to_string(),
    };
    Some((ty, stored))
}

fn str_at<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

// ---------------------------------------------------------------------------------------
// Faults
// ---------------------------------------------------------------------------------------

/// Counters that faults consume, per plural.
struct FaultCounters {
    drops: HashMap<String, usize>,
    throttles: HashMap<String, usize>,
    unavailable: HashMap<String, usize>,
    expired_once: HashSet<String>,
}

impl FaultCounters {
    fn new(f: &Faults) -> FaultCounters {
        FaultCounters {
            drops: f.drop_connection.iter().cloned().collect(),
            throttles: f.too_many_requests.iter().cloned().collect(),
            unavailable: f.server_errors.iter().cloned().collect(),
            expired_once: HashSet::new(),
        }
    }
}

/// Takes one from `plural`'s counter; true when it had one left.
fn take(counters: &mut HashMap<String, usize>, plural: &str) -> bool {
    match counters.get_mut(plural) {
        Some(n) if *n > 0 => {
            *n -= 1;
            true
        }
        _ => false,
    }
}

// ---------------------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------------------

/// The parts of a request the stand-in looks at.
#[derive(Debug)]
struct Request {
    method: String,
    path: String,
    query: Vec<(String, String)>,
    accept: String,
    authorization: Option<String>,
    close: bool,
    content_length: usize,
    content_type: String,
    body: Vec<u8>,
}

impl Request {
    fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// An answer, or a connection closed without one.
enum Outcome {
    Respond(Response),
    Drop,
}

struct Response {
    status: u16,
    body: String,
    retry_after: Option<u64>,
}

impl Response {
    fn ok(body: String) -> Response {
        Response {
            status: 200,
            body,
            retry_after: None,
        }
    }
}

async fn accept_loop(
    listener: std::net::TcpListener,
    shared: Arc<Shared>,
    mut shutdown: tokio::sync::oneshot::Receiver<()>,
) {
    let listener = match TcpListener::from_std(listener) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("kube stand-in: cannot listen: {e}");
            return;
        }
    };
    loop {
        tokio::select! {
            _ = &mut shutdown => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    tokio::spawn(serve_connection(stream, Arc::clone(&shared)));
                }
                // Out of descriptors and the like: wait instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
        }
    }
}

/// Serves requests on one connection until the client closes it, asks to, or a fault
/// drops it.
async fn serve_connection(mut stream: TcpStream, shared: Arc<Shared>) {
    let mut buf = Vec::new();
    while let Some(head) = read_head(&mut stream, &mut buf).await {
        let mut req = match parse_head(&head) {
            Ok(req) => req,
            Err(message) => {
                let resp = status_response(400, "BadRequest", &message, None);
                let _ = write_response(&mut stream, &resp, true).await;
                return;
            }
        };
        match read_body(&mut stream, &mut buf, req.content_length).await {
            Some(body) => req.body = body,
            None => return,
        }
        let index = shared.record(&req);
        let outcome = respond(&shared, &req).await;
        let Outcome::Respond(resp) = outcome else {
            return;
        };
        shared.set_status(index, resp.status);
        if write_response(&mut stream, &resp, req.close).await.is_err() || req.close {
            let _ = stream.shutdown().await;
            return;
        }
    }
}

/// Reads until a full request head is buffered and returns it; bytes after it stay in
/// `buf` (pipelined requests, bodies). None when the peer closed or the head is too big.
async fn read_head(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Option<Vec<u8>> {
    let mut chunk = [0u8; 8192];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            return Some(buf.drain(..end + 4).collect());
        }
        if buf.len() > MAX_HEAD {
            return None;
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

/// Reads a request body of `len` bytes (PATCH and POST carry one; GETs have none).
async fn read_body(stream: &mut TcpStream, buf: &mut Vec<u8>, mut len: usize) -> Option<Vec<u8>> {
    let mut chunk = [0u8; 8192];
    let mut body = Vec::with_capacity(len.min(1 << 20));
    loop {
        let have = len.min(buf.len());
        body.extend(buf.drain(..have));
        len -= have;
        if len == 0 {
            return Some(body);
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

fn parse_head(head: &[u8]) -> Result<Request, String> {
    let text = std::str::from_utf8(head).map_err(|_| "request head is not UTF-8".to_string())?;
    let mut lines = text.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let parts: Vec<&str> = request_line.split(' ').collect();
    let [method, target, version] = parts[..] else {
        return Err(format!("malformed request line {request_line:?}"));
    };
    if !version.starts_with("HTTP/1.") {
        return Err(format!("unsupported protocol {version:?}"));
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let mut req = Request {
        method: method.to_string(),
        path: path.to_string(),
        query: parse_query(query),
        accept: String::new(),
        authorization: None,
        close: version == "HTTP/1.0",
        content_length: 0,
        content_type: String::new(),
        body: Vec::new(),
    };
    for line in lines.filter(|l| !l.is_empty()) {
        apply_header(&mut req, line)?;
    }
    Ok(req)
}

fn apply_header(req: &mut Request, line: &str) -> Result<(), String> {
    let (name, value) = line
        .split_once(':')
        .ok_or_else(|| format!("malformed header line {line:?}"))?;
    let value = value.trim();
    match name.trim().to_ascii_lowercase().as_str() {
        "accept" if req.accept.is_empty() => req.accept = value.to_string(),
        "accept" => req.accept = format!("{}, {value}", req.accept),
        "authorization" => req.authorization = Some(value.to_string()),
        "content-type" => req.content_type = value.to_string(),
        "connection" => {
            let has = |t: &str| value.split(',').any(|v| v.trim().eq_ignore_ascii_case(t));
            req.close = has("close") || (req.close && !has("keep-alive"));
        }
        "content-length" => {
            req.content_length = value
                .parse()
                .map_err(|_| format!("bad Content-Length {value:?}"))?;
        }
        "transfer-encoding" => return Err("request bodies must use Content-Length".to_string()),
        _ => {}
    }
    Ok(())
}

fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

/// Form decoding: `%XX` escapes and `+` for space; a stray `%` is kept literally.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
                continue;
            }
            (b'+', _) => out.push(b' '),
            (b, _) => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

async fn write_response(
    stream: &mut TcpStream,
    resp: &Response,
    close: bool,
) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: application/json\r\nCache-Control: no-cache, private\r\nContent-Length: {}\r\n",
        resp.status,
        reason_phrase(resp.status),
        resp.body.len()
    );
    if let Some(secs) = resp.retry_after {
        let _ = write!(head, "Retry-After: {secs}\r\n");
    }
    if close {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(resp.body.as_bytes()).await?;
    stream.flush().await
}

fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        410 => "Gone",
        429 => "Too Many Requests",
        503 => "Service Unavailable",
        201 => "Created",
        409 => "Conflict",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Entity",
        _ => "Unknown",
    }
}

// ---------------------------------------------------------------------------------------
// Routing
// ---------------------------------------------------------------------------------------

/// What a path asks for.
#[derive(Debug)]
enum Route {
    Version,
    CoreVersions,
    Groups,
    Group(String),
    GroupVersion(String, String),
    Resource(ResourceRequest),
    Unknown,
}

#[derive(Debug)]
struct ResourceRequest {
    ty: &'static ResourceType,
    namespace: Option<String>,
    name: Option<String>,
}

fn route(path: &str) -> Route {
    let segments: Vec<&str> = path.strip_prefix('/').unwrap_or(path).split('/').collect();
    match segments[..] {
        ["version"] => Route::Version,
        ["api"] => Route::CoreVersions,
        ["apis"] => Route::Groups,
        ["api", "v1"] => Route::GroupVersion(String::new(), "v1".into()),
        ["apis", g] => Route::Group(g.to_string()),
        ["apis", g, v] => Route::GroupVersion(g.to_string(), v.to_string()),
        ["api", "v1", ref rest @ ..] => resource_route("", "v1", rest),
        ["apis", g, v, ref rest @ ..] => resource_route(g, v, rest),
        _ => Route::Unknown,
    }
}

/// `{plural}`, `{plural}/{name}`, `namespaces/{ns}/{plural}` or
/// `namespaces/{ns}/{plural}/{name}` under a group version.
fn resource_route(group: &str, version: &str, rest: &[&str]) -> Route {
    let (namespace, plural, name) = match rest {
        [plural] => (None, *plural, None),
        ["namespaces", ns, plural] => (Some(*ns), *plural, None),
        ["namespaces", ns, plural, name] => (Some(*ns), *plural, Some(*name)),
        [plural, name] => (None, *plural, Some(*name)),
        _ => return Route::Unknown,
    };
    let Some(ty) = resource_by_path(group, version, plural) else {
        return Route::Unknown;
    };
    let empty = |s: Option<&str>| s.is_some_and(str::is_empty);
    if (namespace.is_some() && !ty.namespaced) || empty(namespace) || empty(name) {
        return Route::Unknown;
    }
    Route::Resource(ResourceRequest {
        ty,
        namespace: namespace.map(str::to_string),
        name: name.map(str::to_string),
    })
}

async fn respond(shared: &Shared, req: &Request) -> Outcome {
    if let Some(token) = &shared.faults.require_token {
        if req.authorization.as_deref() != Some(format!("Bearer {token}").as_str()) {
            return Outcome::Respond(status_response(401, "Unauthorized", "Unauthorized", None));
        }
    }
    let routed = route(&req.path);
    let writable = write::is_write(&req.method) && matches!(routed, Route::Resource(_));
    if req.method != "GET" && !writable {
        let message = "the server does not allow this method on the requested resource";
        return Outcome::Respond(status_response(405, "MethodNotAllowed", message, None));
    }
    let resp = match routed {
        Route::Version => Response::ok(version_json().to_string()),
        Route::CoreVersions => Response::ok(core_versions_json(shared.addr).to_string()),
        Route::Groups => Response::ok(group_list_json(&shared.faults).to_string()),
        Route::Group(g) => group_json(&g, &shared.faults).map_or_else(not_found_path, Response::ok),
        Route::GroupVersion(g, v) => {
            resource_list_json(&g, &v, &shared.faults).map_or_else(not_found_path, Response::ok)
        }
        Route::Resource(rr) => return resource(shared, req, &rr).await,
        Route::Unknown => not_found_path(),
    };
    Outcome::Respond(resp)
}

/// A resource request: faults first, then the object or the list.
async fn resource(shared: &Shared, req: &Request, rr: &ResourceRequest) -> Outcome {
    let plural = rr.ty.plural;
    if let Some((_, delay)) = shared.faults.slow.iter().find(|(p, _)| p == plural) {
        tokio::time::sleep(*delay).await;
    }
    if let Some(outcome) = inject_fault(shared, req, rr) {
        return outcome;
    }
    if req.method != "GET" {
        return Outcome::Respond(write::write(shared, req, rr));
    }
    let store = shared.store.read().unwrap_or_else(|e| e.into_inner());
    let resp = match &rr.name {
        Some(name) => get_object(&store, req, rr, name),
        None => list(&store, req, rr),
    };
    Outcome::Respond(resp.unwrap_or_else(|e| e))
}

fn inject_fault(shared: &Shared, req: &Request, rr: &ResourceRequest) -> Option<Outcome> {
    let f = &shared.faults;
    let plural = rr.ty.plural;
    let mut counters = lock(&shared.counters);
    if take(&mut counters.drops, plural) {
        return Some(Outcome::Drop);
    }
    let resp = if f.missing.iter().any(|p| p == plural) {
        not_found_path()
    } else if is_forbidden(f, req, rr) {
        forbidden(rr, write::verb(req, rr))
    } else if take(&mut counters.throttles, plural) {
        too_many_requests(f.retry_after_secs)
    } else if take(&mut counters.unavailable, plural) {
        let message = "the server is currently unable to handle the request";
        status_response(503, "ServiceUnavailable", message, None)
    } else if req.param("continue").is_some_and(|c| !c.is_empty())
        && f.expire_continue_once.iter().any(|p| p == plural)
        && counters.expired_once.insert(plural.to_string())
    {
        expired()
    } else {
        return None;
    };
    Some(Outcome::Respond(resp))
}

fn is_forbidden(f: &Faults, req: &Request, rr: &ResourceRequest) -> bool {
    let plural = rr.ty.plural;
    let verb = write::verb(req, rr);
    f.forbidden.iter().any(|p| p == plural)
        || f.forbidden_verbs
            .iter()
            .any(|(v, p)| v == verb && p == plural)
        || f.forbidden_in_namespace
            .iter()
            .any(|(p, ns)| p == plural && Some(ns) == rr.namespace.as_ref())
}

// ---------------------------------------------------------------------------------------
// Objects and lists
// ---------------------------------------------------------------------------------------

/// Which representation the Accept header negotiates.
#[derive(Debug, PartialEq)]
enum Representation {
    Full,
    Metadata,
}

/// Picks the first media range of `accept` the stand-in can serve, like a real server's
/// content negotiation: plain JSON, or `as=PartialObjectMetadata[List]` of meta.k8s.io/v1.
fn negotiate(accept: &str, list: bool) -> Option<Representation> {
    if accept.trim().is_empty() {
        return Some(Representation::Full);
    }
    let wanted = if list {
        "PartialObjectMetadataList"
    } else {
        "PartialObjectMetadata"
    };
    accept.split(',').find_map(|range| {
        let mut parts = range.split(';').map(str::trim);
        let media = parts.next().unwrap_or_default();
        if !matches!(media, "application/json" | "application/*" | "*/*") {
            return None;
        }
        let params: HashMap<&str, &str> = parts.filter_map(|p| p.split_once('=')).collect();
        match (params.get("as"), params.get("g"), params.get("v")) {
            (None, _, _) => Some(Representation::Full),
            (Some(a), Some(&"meta.k8s.io"), Some(&"v1")) if *a == wanted => {
                Some(Representation::Metadata)
            }
            _ => None,
        }
    })
}

fn not_acceptable() -> Response {
    let message = "only the following media types are accepted: application/json, application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1, application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";
    status_response(406, "NotAcceptable", message, None)
}

fn get_object(
    store: &Store,
    req: &Request,
    rr: &ResourceRequest,
    name: &str,
) -> Result<Response, Response> {
    let representation = negotiate(&req.accept, false).ok_or_else(not_acceptable)?;
    let found = store
        .items(rr.ty.plural, rr.namespace.as_deref())
        .into_iter()
        .find(|s| s.name == name)
        .ok_or_else(|| not_found_object(rr.ty, name))?;
    let body = match representation {
        Representation::Metadata => found.meta_json.clone(),
        Representation::Full => with_type(rr.ty, &found.item_json),
    };
    Ok(Response::ok(body))
}

/// Puts kind and apiVersion back in front of an item, as a real server does for a get.
fn with_type(ty: &ResourceType, item_json: &str) -> String {
    let rest = item_json.strip_prefix('{').unwrap_or(item_json);
    let sep = if rest.starts_with('}') { "" } else { "," };
    format!(
        "{{\"kind\":{},\"apiVersion\":{}{sep}{rest}",
        json!(ty.kind),
        json!(ty.api_version())
    )
}

fn list(store: &Store, req: &Request, rr: &ResourceRequest) -> Result<Response, Response> {
    refuse_unsupported(req)?;
    let representation = negotiate(&req.accept, true).ok_or_else(not_acceptable)?;
    let limit = parse_limit(req.param("limit"))?;
    let token = match req.param("continue").filter(|c| !c.is_empty()) {
        Some(c) => Some(
            decode_continue(c)
                .map_err(|e| bad_request(&format!("continue key is not valid: {e}")))?,
        ),
        None => None,
    };
    let items = store.items(rr.ty.plural, rr.namespace.as_deref());
    let relative = |s: &Stored| -> String {
        match &rr.namespace {
            Some(_) => s.name.clone(),
            None => s.key.clone(),
        }
    };
    let first = token
        .as_ref()
        .map_or(0, |t| items.partition_point(|s| relative(s) < t.start));
    let rest = &items[first..];
    let page = &rest[..limit.unwrap_or(rest.len()).min(rest.len())];
    let rv = token.as_ref().map_or(store.resource_version, |t| t.rv);
    let mut meta = json!({"resourceVersion": rv.to_string()});
    if let Some(last) = page.last().filter(|_| page.len() < rest.len()) {
        meta["continue"] = json!(encode_continue(rv, &format!("{}\u{0}", relative(last))));
        meta["remainingItemCount"] = json!(rest.len() - page.len());
    }
    Ok(Response::ok(list_body(rr.ty, &representation, &meta, page)))
}

fn list_body(
    ty: &ResourceType,
    representation: &Representation,
    meta: &Value,
    page: &[&Stored],
) -> String {
    let (kind, api_version) = match representation {
        Representation::Full => (format!("{}List", ty.kind), ty.api_version()),
        Representation::Metadata => (
            "PartialObjectMetadataList".to_string(),
            "meta.k8s.io/v1".to_string(),
        ),
    };
    let size: usize = page.iter().map(|s| s.item_json.len() + 1).sum();
    let mut body = String::with_capacity(size + 256);
    let _ = write!(
        body,
        "{{\"kind\":{},\"apiVersion\":{},\"metadata\":{meta},\"items\":[",
        json!(kind),
        json!(api_version)
    );
    for (i, s) in page.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        body.push_str(match representation {
            Representation::Full => &s.item_json,
            Representation::Metadata => &s.meta_json,
        });
    }
    body.push_str("]}");
    body
}

/// Watches and selectors would need a real server's semantics; answering them as plain
/// lists would make a test pass for the wrong reason, so they fail loudly instead.
fn refuse_unsupported(req: &Request) -> Result<(), Response> {
    let watch = req.param("watch").is_some_and(|w| w == "true" || w == "1");
    let selector = ["labelSelector", "fieldSelector"]
        .into_iter()
        .find(|p| req.param(p).is_some_and(|v| !v.is_empty()));
    match (watch, selector) {
        (true, _) => Err(bad_request(
            "the Kubernetes API stand-in does not support watch",
        )),
        (_, Some(p)) => Err(bad_request(&format!(
            "the Kubernetes API stand-in does not support {p}"
        ))),
        _ => Ok(()),
    }
}

/// `limit` as a real server reads it: absent or <= 0 means everything.
fn parse_limit(raw: Option<&str>) -> Result<Option<usize>, Response> {
    let Some(raw) = raw else { return Ok(None) };
    let n: i64 = raw.parse().map_err(|_| {
        bad_request(&format!(
            "limit: Invalid value: {raw:?}: must be an integer"
        ))
    })?;
    Ok(usize::try_from(n).ok().filter(|n| *n > 0))
}

/// A decoded continue token: the list's resourceVersion and the key to start at.
struct ContinueToken {
    rv: u64,
    start: String,
}

/// Tokens look like a real server's: unpadded URL-safe base64 of
/// `{"v":"meta.k8s.io/v1","rv":N,"start":"<last key>\u0000"}`.
fn encode_continue(rv: u64, start: &str) -> String {
    let raw = json!({"v": "meta.k8s.io/v1", "rv": rv, "start": start}).to_string();
    base64_encode(raw.as_bytes(), URL_ALPHABET, false)
}

fn decode_continue(token: &str) -> Result<ContinueToken, String> {
    let bytes = base64url_decode(token)?;
    let v: Value = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
    if v.get("v").and_then(Value::as_str) != Some("meta.k8s.io/v1") {
        return Err("got invalid or unsupported continue token version".to_string());
    }
    let rv = v.get("rv").and_then(Value::as_u64).filter(|rv| *rv > 0);
    let start = v
        .get("start")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty());
    match (rv, start) {
        (Some(rv), Some(start)) => Ok(ContinueToken {
            rv,
            start: start.to_string(),
        }),
        (None, _) => {
            Err("incorrect encoded start resourceVersion (version meta.k8s.io/v1)".to_string())
        }
        (_, None) => Err("encoded start key is empty".to_string()),
    }
}

const URL_ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const STD_ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Base64 with the given alphabet; `pad` adds `=` like the standard encoding.
fn base64_encode(bytes: &[u8], alphabet: &[u8; 64], pad: bool) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(char::from(alphabet[(n >> (18 - 6 * i)) as usize & 63]));
        }
        if pad {
            out.push_str(&"=="[..3 - chunk.len()]);
        }
    }
    out
}

/// Standard padded base64, as Secret `data` values are written.
pub fn base64_std(bytes: &[u8]) -> String {
    base64_encode(bytes, STD_ALPHABET, true)
}

fn base64url_decode(text: &str) -> Result<Vec<u8>, String> {
    let illegal = |i: usize| format!("illegal base64 data at input byte {i}");
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for (i, c) in text.bytes().enumerate() {
        let pos = URL_ALPHABET
            .iter()
            .position(|a| *a == c)
            .ok_or_else(|| illegal(i))?;
        acc = (acc << 6) | pos as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    if text.len() % 4 == 1 {
        return Err(illegal(text.len() - 1));
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// Status objects and discovery documents
// ---------------------------------------------------------------------------------------

fn status_json(code: u16, reason: &str, message: &str, details: Option<Value>) -> Value {
    let mut v = json!({
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code,
    });
    if let Some(d) = details {
        v["details"] = d;
    }
    v
}

fn status_response(code: u16, reason: &str, message: &str, details: Option<Value>) -> Response {
    Response {
        status: code,
        body: status_json(code, reason, message, details).to_string(),
        retry_after: None,
    }
}

fn bad_request(message: &str) -> Response {
    status_response(400, "BadRequest", message, None)
}

fn not_found_path() -> Response {
    status_response(
        404,
        "NotFound",
        "the server could not find the requested resource",
        None,
    )
}

fn not_found_object(ty: &ResourceType, name: &str) -> Response {
    let mut details = json!({"name": name, "kind": ty.plural});
    if !ty.group.is_empty() {
        details["group"] = json!(ty.group);
    }
    let message = format!("{} \"{name}\" not found", qualified(ty));
    status_response(404, "NotFound", &message, Some(details))
}

/// `pods`, `deployments.apps`: how a real server names a resource in messages.
fn qualified(ty: &ResourceType) -> String {
    if ty.group.is_empty() {
        ty.plural.to_string()
    } else {
        format!("{}.{}", ty.plural, ty.group)
    }
}

/// 403 for `verb` (get, list, patch, create) on the requested resource.
fn forbidden(rr: &ResourceRequest, verb: &str) -> Response {
    let ty = rr.ty;
    let subject = match &rr.name {
        Some(name) => format!("{} \"{name}\"", qualified(ty)),
        None => qualified(ty),
    };
    let scope = match &rr.namespace {
        Some(ns) => format!("in the namespace \"{ns}\""),
        None => "at the cluster scope".to_string(),
    };
    let message = format!(
        "{subject} is forbidden: User \"{STANDIN_USER}\" cannot {verb} resource \"{}\" in API group \"{}\" {scope}",
        ty.plural, ty.group
    );
    let mut details = json!({"kind": ty.plural});
    if let Some(name) = &rr.name {
        details["name"] = json!(name);
    }
    if !ty.group.is_empty() {
        details["group"] = json!(ty.group);
    }
    status_response(403, "Forbidden", &message, Some(details))
}

fn expired() -> Response {
    let message = "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.";
    status_response(410, "Expired", message, None)
}

fn too_many_requests(retry_after: u64) -> Response {
    let details = json!({"retryAfterSeconds": retry_after});
    let mut resp = status_response(
        429,
        "TooManyRequests",
        "Too many requests, please try again later.",
        Some(details),
    );
    resp.retry_after = Some(retry_after);
    resp
}

fn version_json() -> Value {
    json!({
        "major": "1",
        "minor": "31",
        "gitVersion": "v1.31.2",
        "gitCommit": "0000000000000000000000000000000000000000",
        "gitTreeState": "clean",
        "buildDate": "2024-10-22T20:28:14Z",
        "goVersion": "go1.22.8",
        "compiler": "gc",
        "platform": "linux/amd64"
    })
}

fn core_versions_json(addr: SocketAddr) -> Value {
    json!({
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": addr.to_string()}]
    })
}

/// Resources of a group version that are served (not faulted as missing).
fn served(group: &str, version: &str, faults: &Faults) -> Vec<&'static ResourceType> {
    RESOURCES
        .iter()
        .filter(|r| r.group == group && r.version == version)
        .filter(|r| !faults.missing.iter().any(|m| m == r.plural))
        .collect()
}

fn group_json_value(group: &str) -> Value {
    let gv = json!({"groupVersion": format!("{group}/v1"), "version": "v1"});
    json!({"name": group, "versions": [gv], "preferredVersion": gv})
}

fn group_list_json(faults: &Faults) -> Value {
    let groups: Vec<Value> = groups()
        .into_iter()
        .filter(|g| !served(g, "v1", faults).is_empty())
        .map(group_json_value)
        .collect();
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
}

fn group_json(group: &str, faults: &Faults) -> Option<String> {
    if group.is_empty() || served(group, "v1", faults).is_empty() {
        return None;
    }
    let mut v = group_json_value(group);
    v["kind"] = json!("APIGroup");
    v["apiVersion"] = json!("v1");
    Some(v.to_string())
}

fn resource_list_json(group: &str, version: &str, faults: &Faults) -> Option<String> {
    let resources = served(group, version, faults);
    if resources.is_empty() {
        return None;
    }
    let verbs = [
        "create",
        "delete",
        "deletecollection",
        "get",
        "list",
        "patch",
        "update",
        "watch",
    ];
    let entries: Vec<Value> = resources
        .iter()
        .map(|r| {
            json!({
                "name": r.plural,
                "singularName": r.kind.to_ascii_lowercase(),
                "namespaced": r.namespaced,
                "kind": r.kind,
                "verbs": verbs,
                "shortNames": r.short_names,
            })
        })
        .collect();
    let group_version = if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    };
    let v = json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": group_version, "resources": entries});
    Some(v.to_string())
}

// ---------------------------------------------------------------------------------------
// Kubeconfig and exec credential plugin
// ---------------------------------------------------------------------------------------

/// One context in a generated kubeconfig.
#[derive(Debug, Clone)]
pub struct ContextSpec {
    pub name: String,
    pub server: String,
    pub namespace: Option<String>,
    pub user: UserSpec,
}

/// How a context's user authenticates.
#[derive(Debug, Clone)]
pub enum UserSpec {
    Token(String),
    Exec {
        command: String,
        args: Vec<String>,
        env: Vec<(String, String)>,
    },
    None,
}

/// Write a kubeconfig (YAML, apiVersion v1, kind Config) with these contexts (one cluster
/// and one user per context, named after it) and `current-context` = first.
pub fn write_kubeconfig(path: &Path, contexts: &[ContextSpec]) -> std::io::Result<()> {
    let first = contexts.first().ok_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "a kubeconfig needs at least one context",
        )
    })?;
    std::fs::write(path, kubeconfig_yaml(contexts, &first.name))
}

fn kubeconfig_yaml(contexts: &[ContextSpec], current: &str) -> String {
    let mut y = String::from("apiVersion: v1\nkind: Config\npreferences: {}\n");
    let _ = writeln!(y, "current-context: {}", q(current));
    y.push_str("clusters:\n");
    for c in contexts {
        let _ = write!(
            y,
            "- name: {}\n  cluster:\n    server: {}\n",
            q(&c.name),
            q(&c.server)
        );
    }
    y.push_str("contexts:\n");
    for c in contexts {
        let _ = write!(
            y,
            "- name: {n}\n  context:\n    cluster: {n}\n    user: {n}\n",
            n = q(&c.name)
        );
        if let Some(ns) = &c.namespace {
            let _ = writeln!(y, "    namespace: {}", q(ns));
        }
    }
    y.push_str("users:\n");
    for c in contexts {
        let _ = writeln!(y, "- name: {}", q(&c.name));
        y.push_str(&user_yaml(&c.user));
    }
    y
}

fn user_yaml(user: &UserSpec) -> String {
    match user {
        UserSpec::None => "  user: {}\n".to_string(),
        UserSpec::Token(token) => format!("  user:\n    token: {}\n", q(token)),
        UserSpec::Exec { command, args, env } => {
            let mut y = String::from(
                "  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n",
            );
            let _ = writeln!(y, "      command: {}", q(command));
            let args: Vec<String> = args.iter().map(|a| q(a)).collect();
            let _ = writeln!(y, "      args: [{}]", args.join(", "));
            y.push_str("      env:");
            y.push_str(if env.is_empty() { " []\n" } else { "\n" });
            for (name, value) in env {
                let _ = write!(
                    y,
                    "      - name: {}\n        value: {}\n",
                    q(name),
                    q(value)
                );
            }
            y.push_str("      interactiveMode: Never\n      provideClusterInfo: false\n");
            y
        }
    }
}

/// A YAML double-quoted scalar: JSON string escapes are valid YAML escapes.
fn q(s: &str) -> String {
    Value::from(s).to_string()
}

/// Write an executable shell script that behaves like an exec credential plugin: prints an
/// ExecCredential (client.authentication.k8s.io/v1) with status.token = token, after
/// sleeping `delay_secs` (0 = none). Each run appends a line to `<path>.calls`, which
/// [`exec_plugin_calls`] counts. Returns the script's path. Panics if it cannot be written.
pub fn write_exec_plugin(dir: &Path, name: &str, token: &str, delay_secs: u64) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    let credential = json!({
        "apiVersion": "client.authentication.k8s.io/v1",
        "kind": "ExecCredential",
        "status": {"token": token}
    });
    let calls = calls_path(&path);
    let mut script = String::from("#!/bin/sh\n");
    let _ = writeln!(script, "echo run >> {}", sh_quote(&calls.to_string_lossy()));
    if delay_secs > 0 {
        let _ = writeln!(script, "sleep {delay_secs}");
    }
    let _ = writeln!(
        script,
        "printf '%s\\n' {}",
        sh_quote(&credential.to_string())
    );
    std::fs::write(&path, script).expect("write the exec plugin script");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
        .expect("make the exec plugin executable");
    path
}

/// How many times the plugin written by [`write_exec_plugin`] at `plugin` has run.
pub fn exec_plugin_calls(plugin: &Path) -> usize {
    std::fs::read_to_string(calls_path(plugin)).map_or(0, |s| s.lines().count())
}

fn calls_path(plugin: &Path) -> PathBuf {
    let mut name = plugin.as_os_str().to_owned();
    name.push(".calls");
    PathBuf::from(name)
}

/// A single-quoted shell word.
fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}
