//! File inputs (`--from PATH`): files and directories, each file's format detected from
//! its content (never its name):
//!
//! | content                                                   | format                    |
//! |-----------------------------------------------------------|---------------------------|
//! | JSON object with `schema_version`                          | Docket snapshot           |
//! | JSON object with `ServerVersion` + `Driver`                | `docker info` JSON        |
//! | JSON object with `apiVersion` + `kind` (or a `*List`)      | `kubectl get -o json`     |
//! | JSON array of containers / images / networks               | `docker inspect` JSON     |
//! | JSON array of `CreatedBy` + `Created` entries              | image history (Engine API)|
//! | anything else that parses as YAML                          | Kubernetes manifests      |
//!
//! Limits: a file over [`MAX_INPUT_BYTES`] (a Docket snapshot: [`MAX_SNAPSHOT_BYTES`]) is
//! refused before it is read; YAML is parsed
//! with a budget (depth, documents, alias expansion) so alias bombs and deep nesting fail
//! fast; JSON nesting is limited by `serde_json` (128 levels).
//!
//! Directories are walked recursively in name order; hidden entries (`.git`, `.cache`) and
//! symlinked directories are skipped, and only `*.json`, `*.yaml` and `*.yml` files are read.
//! A file named on the command line that Docket cannot use is an error. Inside a directory,
//! a file that parses but holds nothing Docket reads (an empty file, only custom resources,
//! a non-Kubernetes YAML) is skipped with a warning, while a broken file (syntax error, too
//! big, binary, newer schema) is still an error: a scan must not silently miss an input.

use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::{docker_json, kube_json, Loaded, SourceError};
use crate::model::{DataKind, Image, Snapshot, SourceInfo, SourceKind, SNAPSHOT_SCHEMA_VERSION};

/// The largest input file Docket reads (checked from metadata before reading).
pub const MAX_INPUT_BYTES: u64 = 512 * 1024 * 1024;
/// The largest Docket snapshot read (a 150,000-pod cluster is about 700 MB).
pub const MAX_SNAPSHOT_BYTES: u64 = 2 * 1024 * 1024 * 1024;
/// YAML nesting limit (Kubernetes objects are a few dozen levels deep at most).
const YAML_MAX_DEPTH: usize = 256;
/// YAML documents per file.
const YAML_MAX_DOCUMENTS: usize = 100_000;
/// Directory nesting limit for `--from DIR`.
const MAX_DIR_DEPTH: usize = 64;

const EXPECTED: &str = "Docket reads: Docket snapshots, `kubectl get ... -o json`, Kubernetes \
    YAML manifests, `docker inspect` / `docker image inspect` / `docker network inspect` / `docker volume inspect` JSON, \
    `docker info --format '{{json .}}'`, and image history JSON from the Engine API";

/// Why a file gave nothing: broken (always an error) or merely not for Docket (an error
/// when named on the command line, a warning inside a directory).
enum Fail {
    Broken(SourceError),
    Unrecognized(SourceError),
}

impl Fail {
    fn into_error(self) -> SourceError {
        match self {
            Fail::Broken(e) | Fail::Unrecognized(e) => e,
        }
    }
}

/// Load one input from memory; the format is detected from the content. `origin` (a path
/// or a name) is used in messages, coverage scopes and the snapshot's source list.
pub fn load_bytes(origin: &str, bytes: &[u8]) -> Result<Loaded, SourceError> {
    crate::model::interning(|| load_one(origin, bytes))
        .map(|(l, _)| l)
        .map_err(Fail::into_error)
}

/// What a file turned out to be, for the cross-file steps of [`load_paths`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Snapshot,
    Other,
}

fn load_one(origin: &str, bytes: &[u8]) -> Result<(Loaded, Format), Fail> {
    let limit = if looks_like_snapshot(&bytes[..bytes.len().min(32)]) {
        MAX_SNAPSHOT_BYTES
    } else {
        MAX_INPUT_BYTES
    };
    if bytes.len() as u64 > limit {
        return Err(Fail::Broken(too_big(origin, bytes.len() as u64, limit)));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Fail::Unrecognized(SourceError::new(
            origin,
            "the file is empty",
            format!("give a file with content. {EXPECTED}"),
        )));
    }
    let probe = &bytes[..bytes.len().min(8192)];
    if probe.contains(&0) {
        return Err(Fail::Broken(SourceError::new(
            origin,
            "this is a binary file, not JSON or YAML",
            format!("check the path. {EXPECTED}"),
        )));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let (line, col) = line_col(bytes, e.valid_up_to());
            return Err(Fail::Broken(
                SourceError::new(
                    origin,
                    "invalid UTF-8: the file is not text in UTF-8",
                    "re-export the file as UTF-8 (kubectl and docker write UTF-8; an editor or \
                     a Windows shell redirect may have changed the encoding)",
                )
                .at(Some(line), Some(col)),
            ));
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if let Some(loaded) = fast_snapshot(text) {
        return Ok((loaded, Format::Snapshot));
    }
    let first = text.trim_start().chars().next();
    let docs = if matches!(first, Some('{') | Some('[')) {
        match serde_json::from_str::<Value>(text) {
            Ok(v) => vec![v],
            // JSON-looking text can still be a YAML flow document (`{kind: Pod, ...}`).
            Err(json_err) => match parse_yaml(origin, text) {
                Ok(docs) if !docs.is_empty() => docs,
                _ => return Err(Fail::Broken(json_error(origin, &json_err))),
            },
        }
    } else {
        parse_yaml(origin, text).map_err(Fail::Broken)?
    };
    let json = matches!(first, Some('{') | Some('['));
    if json && docs.len() == 1 && docs[0].get("schema_version").is_some() {
        return load_snapshot(origin, text, &docs[0]).map(|l| (l, Format::Snapshot));
    }
    let mut b = Builder::new(origin);
    for (i, doc) in docs.iter().enumerate() {
        b.document(doc, i + 1, docs.len(), json);
    }
    b.finish(docs.len(), json).map(|l| (l, Format::Other))
}

fn too_big(origin: &str, len: u64, limit: u64) -> SourceError {
    SourceError::new(
        origin,
        format!(
            "the file is too big ({} MiB; the limit is {} MiB)",
            len / (1024 * 1024),
            limit / (1024 * 1024)
        ),
        "split the input (e.g. one `kubectl get` per namespace or kind) and pass a directory",
    )
}

use crate::located::line_col;

fn json_error(origin: &str, e: &serde_json::Error) -> SourceError {
    let hint = match e.classify() {
        serde_json::error::Category::Eof => {
            "the JSON ends early: the file looks truncated; re-run the export and check it finished"
        }
        _ if e.to_string().contains("recursion limit") => {
            "the JSON is nested too deeply to be a Kubernetes or Docker object; check the file"
        }
        _ => "fix the JSON syntax at that position, or re-run the export",
    };
    let msg = e.to_string();
    // serde_json appends " at line L column C"; the position is printed by SourceError.
    let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
    SourceError::new(origin, format!("invalid JSON: {msg}"), hint)
        .at(Some(e.line()), Some(e.column()))
}

fn yaml_options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: YAML_MAX_DEPTH,
            max_documents: YAML_MAX_DOCUMENTS,
            max_reader_input_bytes: Some(MAX_INPUT_BYTES as usize),
            max_total_scalar_bytes: MAX_INPUT_BYTES as usize,
            max_events: 100_000_000,
            max_nodes: 50_000_000,
            max_aliases: 10_000,
            max_anchors: 10_000,
            max_recorded_anchor_events: 200_000,
        },
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: 200_000,
            max_replay_stack_depth: 32,
            max_alias_expansions_per_anchor: 10_000,
        },
        // Error messages must never quote the input: it may hold secrets.
        with_snippet: false,
    }
}

/// Stack for the YAML parser thread. The deserializer recurses once per nesting level
/// (several KiB per level in debug builds), so the depth limit alone does not make deep
/// input safe on a small stack (tokio workers and test threads have 2 MiB). Only the
/// pages actually touched are committed.
const YAML_STACK_BYTES: usize = 64 * 1024 * 1024;

fn parse_yaml(origin: &str, text: &str) -> Result<Vec<Value>, SourceError> {
    let parsed = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("docket-yaml".into())
            .stack_size(YAML_STACK_BYTES)
            .spawn_scoped(scope, || {
                serde_saphyr::from_multiple_with_options::<Value>(text, yaml_options())
            })
            .map(|handle| handle.join())
    });
    let parsed = match parsed {
        Ok(Ok(result)) => result,
        Ok(Err(_)) | Err(_) => {
            return Err(SourceError::new(
                origin,
                "the YAML parser failed on this file",
                "check that the file is a Kubernetes manifest; please report this as a bug",
            ))
        }
    };
    parsed.map_err(|e| {
        let loc = e.location();
        let line = loc.map(|l| l.line() as usize).filter(|l| *l > 0);
        let col = loc.map(|l| l.column() as usize).filter(|c| *c > 0);
        let msg = e.to_string();
        let hint = if msg.contains("alias") || msg.contains("anchor") {
            "the YAML expands aliases beyond Docket's limits (an alias bomb?); export the \
             objects with `kubectl get -o yaml` instead"
        } else if msg.contains("depth") || msg.contains("nesting") || msg.contains("recursion") {
            "the YAML is nested too deeply to be a Kubernetes object; check the file"
        } else if msg.contains("budget") {
            "the YAML exceeds Docket's parsing limits; split it into smaller files"
        } else {
            "fix the YAML syntax at that position (a linter such as yamllint shows more)"
        };
        let msg = first_line(&msg);
        let msg = msg.split(" at line ").next().unwrap_or(msg);
        SourceError::new(origin, format!("invalid YAML: {msg}"), hint).at(line, col)
    })
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s).trim()
}

/// A snapshot as Docket writes it (`{"schema_version":` first) parsed straight into the
/// model, in one pass: the general path below parses every file into a `Value` first,
/// which for a 150,000-pod snapshot (about 700 MB) doubled the time and the memory. Any
/// failure (a damaged file, a newer schema) returns `None`, and the general path gives
/// the located error.
fn fast_snapshot(text: &str) -> Option<Loaded> {
    let rest = text.trim_start().strip_prefix('{')?.trim_start();
    let rest = rest.strip_prefix("\"schema_version\"")?.trim_start();
    rest.strip_prefix(':')?;
    let snapshot = serde_json::from_str::<Snapshot>(text).ok()?;
    (snapshot.schema_version <= SNAPSHOT_SCHEMA_VERSION).then_some(Loaded {
        snapshot,
        warnings: Vec::new(),
    })
}

fn load_snapshot(origin: &str, text: &str, v: &Value) -> Result<Loaded, Fail> {
    let version = v.get("schema_version").and_then(Value::as_u64);
    match version {
        Some(n) if n > u64::from(SNAPSHOT_SCHEMA_VERSION) => {
            return Err(Fail::Broken(SourceError::new(
                origin,
                format!(
                    "this snapshot has schema version {n}, newer than this Docket reads \
                     ({SNAPSHOT_SCHEMA_VERSION})"
                ),
                "upgrade Docket to the version that wrote the snapshot, or re-create the \
                 snapshot with this version (`docket snapshot save`)",
            )))
        }
        Some(_) => {}
        None => {
            return Err(Fail::Broken(SourceError::new(
                origin,
                "`schema_version` is not a number",
                "this looks like a Docket snapshot but is damaged; re-create it with `docket snapshot save`",
            )))
        }
    }
    match serde_json::from_str::<Snapshot>(text) {
        Ok(snapshot) => Ok(Loaded {
            snapshot,
            warnings: Vec::new(),
        }),
        Err(e) => {
            let mut err = json_error(origin, &e);
            err.message = format!("not a valid Docket snapshot: {}", err.message);
            err.hint = "re-create the snapshot with `docket snapshot save`".into();
            Err(Fail::Broken(err))
        }
    }
}

/// Accumulates what the documents of one file contribute.
struct Builder<'a> {
    origin: &'a str,
    snap: Snapshot,
    warnings: Vec<String>,
    /// Kinds Docket does not read, with counts.
    unknown: BTreeMap<String, usize>,
    /// Format labels with object counts, for `SourceInfo::detail`.
    formats: BTreeMap<&'static str, usize>,
    /// Documents that were not Kubernetes/Docker objects (1-based indexes).
    skipped_docs: Vec<usize>,
}

impl<'a> Builder<'a> {
    fn new(origin: &'a str) -> Self {
        Builder {
            origin,
            snap: Snapshot::new(),
            warnings: Vec::new(),
            unknown: BTreeMap::new(),
            formats: BTreeMap::new(),
            skipped_docs: Vec::new(),
        }
    }

    fn scope(&self) -> String {
        format!("file:{}", self.origin)
    }

    fn collected(&mut self, kind: DataKind) {
        let scope = self.scope();
        self.snap.coverage.collected(kind, scope);
    }

    fn document(&mut self, doc: &Value, index: usize, total: usize, json: bool) {
        let fmt_kube = if json {
            "Kubernetes JSON"
        } else {
            "Kubernetes YAML"
        };
        match doc {
            Value::Object(m) if docker_json::is_host_info(doc) && !m.contains_key("kind") => {
                self.snap.docker.hosts.push(docker_json::host_info(doc));
                self.collected(DataKind::DockerEngine);
                *self.formats.entry("docker info").or_default() += 1;
            }
            Value::Object(m)
                if m.contains_key("kind")
                    && (m.contains_key("apiVersion") || m.contains_key("items")) =>
            {
                let n = self.kube(doc);
                if n > 0 {
                    *self.formats.entry(fmt_kube).or_default() += n;
                }
            }
            Value::Array(items) if !items.is_empty() => {
                if items.iter().all(docker_json::is_history_entry) {
                    self.history(doc);
                } else {
                    self.docker_array(items, index, total);
                }
            }
            _ => self.skipped_docs.push(index),
        }
    }

    /// A Kubernetes object or list; returns the number of objects read.
    fn kube(&mut self, doc: &Value) -> usize {
        let kind = doc.get("kind").and_then(Value::as_str).unwrap_or_default();
        let items = doc.get("items").and_then(Value::as_array);
        let Some(items) = items.filter(|_| kind == "List" || kind.ends_with("List")) else {
            return self.kube_object(kind, doc);
        };
        // A typed list (`NetworkPolicyList`) says which kind was collected even when empty.
        let implied = kind.strip_suffix("List").filter(|k| !k.is_empty());
        if let Some(data) = implied.and_then(kube_json::data_kind) {
            self.collected(data);
            if items.is_empty() {
                *self
                    .formats
                    .entry("empty typed Kubernetes list")
                    .or_default() += 1;
            }
        }
        let mut n = 0;
        for item in items {
            let item_kind = item
                .get("kind")
                .and_then(Value::as_str)
                .or(implied)
                .unwrap_or_default();
            n += self.kube_object(item_kind, item);
        }
        n
    }

    fn kube_object(&mut self, kind: &str, v: &Value) -> usize {
        match kube_json::add_object_of_kind(kind, v, &mut self.snap, &mut self.warnings) {
            Some(data) => {
                self.collected(data);
                1
            }
            None => {
                let name = if kind.is_empty() { "(no kind)" } else { kind };
                *self.unknown.entry(name.to_string()).or_default() += 1;
                0
            }
        }
    }

    fn docker_array(&mut self, items: &[Value], index: usize, total: usize) {
        for (i, item) in items.iter().enumerate() {
            if docker_json::is_container(item) {
                self.snap
                    .docker
                    .containers
                    .push(docker_json::container(item));
                self.collected(DataKind::DockerContainers);
                *self.formats.entry("docker inspect containers").or_default() += 1;
            } else if docker_json::is_image(item) {
                self.snap.docker.images.push(docker_json::image(item));
                self.collected(DataKind::DockerImages);
                *self.formats.entry("docker image inspect").or_default() += 1;
            } else if docker_json::is_network(item) {
                self.snap.docker.networks.push(docker_json::network(item));
                self.collected(DataKind::DockerNetworks);
                *self.formats.entry("docker network inspect").or_default() += 1;
            } else if docker_json::is_volume(item) {
                self.snap.docker.volumes.push(docker_json::volume(item));
                self.collected(DataKind::DockerVolumes);
                *self.formats.entry("docker volume inspect").or_default() += 1;
            } else if item.get("kind").is_some() {
                // A JSON array of Kubernetes objects (not what kubectl writes, but plain).
                let kind = item.get("kind").and_then(Value::as_str).unwrap_or_default();
                if self.kube_object(kind, item) > 0 {
                    *self.formats.entry("Kubernetes JSON").or_default() += 1;
                }
            } else {
                let doc = if total > 1 {
                    format!("document {index}, ")
                } else {
                    String::new()
                };
                self.warnings.push(format!(
                    "{}: {doc}element [{i}] is not a Docker container, image, network or volume; skipped",
                    self.origin
                ));
            }
        }
    }

    fn history(&mut self, doc: &Value) {
        let h = docker_json::history(doc);
        let Some(id) = h.image_id.clone() else {
            self.warnings.push(format!(
                "{}: image history whose first entry has no image `Id` (`<missing>`); skipped. \
                 Export it with the image id: `curl --unix-socket /var/run/docker.sock \
                 http://localhost/images/<id>/history`",
                self.origin
            ));
            return;
        };
        let mut image = Image {
            id,
            ..Image::default()
        };
        docker_json::attach_history(&mut image, h);
        self.snap.docker.images.push(image);
        self.collected(DataKind::DockerImageHistory);
        *self.formats.entry("image history").or_default() += 1;
    }

    fn finish(mut self, total_docs: usize, json: bool) -> Result<Loaded, Fail> {
        if !self.skipped_docs.is_empty() && (!json || total_docs > 1) {
            let list: Vec<String> = self.skipped_docs.iter().map(|d| format!("#{d}")).collect();
            self.warnings.push(format!(
                "{}: skipped {} YAML document(s) that are not Kubernetes objects (no apiVersion \
                 and kind): {}",
                self.origin,
                list.len(),
                list.join(", ")
            ));
        }
        let unknown: Vec<String> = self
            .unknown
            .iter()
            .map(|(k, n)| format!("{k} ({n})"))
            .collect();
        if self.formats.is_empty() && self.snap.coverage.entries.is_empty() {
            let (message, hint) = if !unknown.is_empty() {
                (
                    format!(
                        "nothing Docket can read: the file holds only kinds Docket does not \
                         check: {}",
                        unknown.join(", ")
                    ),
                    format!(
                        "Docket reads these Kubernetes kinds: {}",
                        kube_json::KINDS
                            .iter()
                            .map(|k| k.kind)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            } else if json {
                (
                    "nothing Docket can read: the JSON is not a format Docket knows".to_string(),
                    EXPECTED.to_string(),
                )
            } else {
                (
                    "nothing Docket can read: no Kubernetes objects (apiVersion and kind) in \
                     the YAML"
                        .to_string(),
                    EXPECTED.to_string(),
                )
            };
            return Err(Fail::Unrecognized(SourceError::new(
                self.origin,
                message,
                hint,
            )));
        }
        if !unknown.is_empty() {
            self.warnings.push(format!(
                "{}: skipped objects of kinds Docket does not check: {}",
                self.origin,
                unknown.join(", ")
            ));
        }
        let detail = self
            .formats
            .iter()
            .map(|(f, n)| format!("{f} ({n})"))
            .collect::<Vec<_>>()
            .join(", ");
        self.snap.sources.push(SourceInfo {
            kind: SourceKind::File,
            location: self.origin.to_string(),
            detail,
        });
        Ok(Loaded {
            snapshot: self.snap,
            warnings: self.warnings,
        })
    }
}

/// Load files and directories (recursive, name order, hidden entries skipped) and merge
/// them into one snapshot. Image histories are attached to their images across files;
/// when the inputs hold exactly one `docker info`, Docker objects read from files get
/// that engine's name as their host.
pub fn load_paths(paths: &[PathBuf]) -> Result<Loaded, SourceError> {
    // One interning scope for all files: replicas in different files share their strings.
    crate::model::interning(|| load_all(paths))
}

fn load_all(paths: &[PathBuf]) -> Result<Loaded, SourceError> {
    if paths.is_empty() {
        return Err(SourceError::new(
            "--from",
            "no input paths given",
            "give a file or directory with --from PATH",
        ));
    }
    let mut warnings = Vec::new();
    let mut loaded: Vec<(Loaded, Format)> = Vec::new();
    for path in paths {
        let origin = path.display().to_string();
        let meta = std::fs::metadata(path).map_err(|e| io_error(&origin, &e))?;
        if meta.is_dir() {
            let mut files = Vec::new();
            let mut other = 0usize;
            walk(path, 0, &mut files, &mut other, &mut warnings)?;
            if other > 0 {
                warnings.push(format!(
                    "{origin}: skipped {other} file(s) that are not *.json, *.yaml or *.yml"
                ));
            }
            let before = loaded.len();
            for file in files {
                let forigin = file.display().to_string();
                match read_file(&file).and_then(|bytes| load_one(&forigin, &bytes)) {
                    Ok(l) => loaded.push(l),
                    Err(Fail::Unrecognized(e)) => {
                        warnings.push(format!("{e} (skipped)").replace('\n', " "))
                    }
                    Err(Fail::Broken(e)) => return Err(e),
                }
            }
            if loaded.len() == before {
                return Err(SourceError::new(
                    &origin,
                    "no readable input files in this directory",
                    format!(
                        "put *.json / *.yaml / *.yml exports in it (hidden files are skipped). \
                         {EXPECTED}"
                    ),
                ));
            }
        } else {
            let bytes = read_file(path).map_err(Fail::into_error)?;
            loaded.push(load_one(&origin, &bytes).map_err(Fail::into_error)?);
        }
    }
    fill_docker_host(&mut loaded);
    let mut snapshot = Snapshot::new();
    for (l, _) in loaded {
        warnings.extend(l.warnings);
        merge_file(&mut snapshot, l.snapshot);
    }
    Ok(Loaded { snapshot, warnings })
}

fn io_error(origin: &str, e: &std::io::Error) -> SourceError {
    let (message, hint) = match e.kind() {
        std::io::ErrorKind::NotFound => (
            "no such file or directory".to_string(),
            "check the path given with --from",
        ),
        std::io::ErrorKind::PermissionDenied => (
            "permission denied".to_string(),
            "run Docket as a user that can read the file, or copy it somewhere readable",
        ),
        _ => (
            format!("cannot read: {e}"),
            "check the path given with --from",
        ),
    };
    SourceError::new(origin, message, hint)
}

/// Read a regular file, refusing it from its metadata when over the size cap.
fn read_file(path: &Path) -> Result<Vec<u8>, Fail> {
    let origin = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| Fail::Broken(io_error(&origin, &e)))?;
    if !meta.is_file() {
        return Err(Fail::Broken(SourceError::new(
            &origin,
            "not a regular file",
            "give a file or a directory (devices, pipes and sockets are not read)",
        )));
    }
    let mut file = std::fs::File::open(path).map_err(|e| Fail::Broken(io_error(&origin, &e)))?;
    let mut head = [0u8; 32];
    let n = file
        .read(&mut head)
        .map_err(|e| Fail::Broken(io_error(&origin, &e)))?;
    let limit = if looks_like_snapshot(&head[..n]) {
        MAX_SNAPSHOT_BYTES
    } else {
        MAX_INPUT_BYTES
    };
    if meta.len() > limit {
        return Err(Fail::Broken(too_big(&origin, meta.len(), limit)));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    bytes.extend_from_slice(&head[..n]);
    file.take(limit + 1 - n as u64)
        .read_to_end(&mut bytes)
        .map_err(|e| Fail::Broken(io_error(&origin, &e)))?;
    if bytes.len() as u64 > limit {
        return Err(Fail::Broken(too_big(&origin, bytes.len() as u64, limit)));
    }
    Ok(bytes)
}

/// A file that starts as Docket writes snapshots (`{"schema_version":`), allowed up to
/// [`MAX_SNAPSHOT_BYTES`]: it is parsed in one typed pass, without the YAML or `Value`
/// stages that the general limit protects.
fn looks_like_snapshot(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let text = head.trim_ascii_start();
    text.strip_prefix(b"{")
        .map(|t| t.trim_ascii_start().starts_with(b"\"schema_version\""))
        .unwrap_or(false)
}

fn is_input_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".json", ".yaml", ".yml"]
        .iter()
        .any(|e| lower.ends_with(e))
}

fn walk(
    dir: &Path,
    depth: usize,
    files: &mut Vec<PathBuf>,
    other: &mut usize,
    warnings: &mut Vec<String>,
) -> Result<(), SourceError> {
    let origin = dir.display().to_string();
    if depth > MAX_DIR_DEPTH {
        warnings.push(format!(
            "{origin}: directories nested deeper than {MAX_DIR_DEPTH}; skipped"
        ));
        return Ok(());
    }
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| io_error(&origin, &e))?
        .filter_map(Result::ok)
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().to_string();
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        let Ok(ft) = entry.file_type() else { continue };
        if ft.is_dir() {
            walk(&path, depth + 1, files, other, warnings)?;
        } else if ft.is_symlink() && path.is_dir() {
            warnings.push(format!(
                "{}: symbolic link to a directory; skipped (give its target with --from)",
                path.display()
            ));
        } else if is_input_name(&name) {
            files.push(path);
        } else {
            *other += 1;
        }
    }
    Ok(())
}

/// With exactly one `docker info` among the files, Docker objects read from files (not
/// from Docket snapshots) whose host is unknown belong to that engine.
fn fill_docker_host(loaded: &mut [(Loaded, Format)]) {
    let mut names: Vec<&str> = loaded
        .iter()
        .filter(|(_, f)| *f == Format::Other)
        .flat_map(|(l, _)| l.snapshot.docker.hosts.iter().map(|h| h.name.as_str()))
        .collect();
    names.sort_unstable();
    names.dedup();
    let [name] = names.as_slice() else { return };
    let name = name.to_string();
    for (l, f) in loaded.iter_mut() {
        if *f != Format::Other {
            continue;
        }
        let d = &mut l.snapshot.docker;
        let fill = |h: &mut String| {
            if h.is_empty() {
                h.clone_from(&name)
            }
        };
        d.containers.iter_mut().for_each(|c| fill(&mut c.host));
        d.images.iter_mut().for_each(|i| fill(&mut i.host));
        d.networks.iter_mut().for_each(|n| fill(&mut n.host));
        d.volumes.iter_mut().for_each(|v| fill(&mut v.host));
    }
}

/// An image known only from its history file.
fn is_history_stub(i: &Image) -> bool {
    i.history_collected
        && i.created.is_empty()
        && i.repo_tags.is_empty()
        && i.repo_digests.is_empty()
}

/// Merge a file's snapshot, first joining images with their history from other files.
fn merge_file(acc: &mut Snapshot, mut snap: Snapshot) {
    let incoming = std::mem::take(&mut snap.docker.images);
    for image in incoming {
        let existing = acc.docker.images.iter_mut().find(|e| {
            e.id == image.id && (e.host == image.host || e.host.is_empty() || image.host.is_empty())
        });
        match existing {
            Some(e) if is_history_stub(e) && !is_history_stub(&image) => {
                let stub = std::mem::replace(e, image);
                e.history = stub.history;
                e.history_collected = true;
                e.secrets.extend(stub.secrets);
            }
            Some(e) if is_history_stub(&image) && !e.history_collected => {
                e.history = image.history;
                e.history_collected = true;
                e.secrets.extend(image.secrets);
            }
            _ => snap.docker.images.push(image),
        }
    }
    acc.merge(snap);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        assert_eq!(line_col(b"ab\ncd", 4), (2, 2));
        assert_eq!(line_col("é\nxé".as_bytes(), 6), (2, 3));
    }

    #[test]
    fn yaml_flow_document_starting_with_brace_is_read() {
        let l = load_bytes(
            "x.yaml",
            b"{apiVersion: v1, kind: Namespace, metadata: {name: a}}",
        )
        .map_err(|e| e.to_string());
        assert_eq!(l.map(|l| l.snapshot.kube.namespaces.len()), Ok(1));
    }

    #[test]
    fn typed_empty_list_marks_coverage() {
        let l = load_bytes(
            "np.json",
            br#"{"apiVersion":"v1","kind":"NetworkPolicyList","items":[]}"#,
        );
        let l = l.map_err(|e| e.to_string());
        let Ok(l) = l else { panic!("{l:?}") };
        assert_eq!(
            l.snapshot
                .coverage
                .availability(DataKind::KubeNetworkPolicies),
            crate::model::Availability::Complete
        );
    }

    #[test]
    fn typed_list_items_without_kind_take_the_list_kind() {
        let l = load_bytes(
            "pods.json",
            br#"{"apiVersion":"v1","kind":"PodList","items":[{"metadata":{"name":"p","namespace":"a"},"spec":{"containers":[{"name":"c"}]}}]}"#,
        );
        assert_eq!(l.map(|l| l.snapshot.kube.workloads.len()).ok(), Some(1));
    }

    #[test]
    fn newer_snapshot_schema_is_refused() {
        let e = load_bytes("s.json", br#"{"schema_version": 99}"#).err();
        let e = e.map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("schema version 99"), "{e}");
        assert!(e.contains("upgrade Docket"), "{e}");
    }
}
