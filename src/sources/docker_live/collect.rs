use bollard::query_parameters::{
    InspectContainerOptions, InspectNetworkOptions, ListContainersOptionsBuilder,
    ListImagesOptionsBuilder, ListNetworksOptions, ListVolumesOptions,
};
use bollard::{Docker, API_DEFAULT_VERSION};
use futures_util::stream::{self, StreamExt};
use serde::Serialize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use super::Endpoint;
use crate::model::{DataKind, Snapshot, SourceInfo, SourceKind};
use crate::sources::docker_json;

/// Requests in flight against one daemon.
pub const CONCURRENCY: usize = 8;
/// Per-request timeout, seconds.
pub const REQUEST_TIMEOUT_SECS: u64 = 20;
/// How long to wait for the first answer before calling the daemon unreachable.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The result of a live scan.
#[derive(Debug)]
pub struct LiveDocker {
    pub snapshot: Snapshot,
    pub warnings: Vec<String>,
    /// API requests made, for the performance notes.
    pub requests: usize,
}

struct Ctx<'a> {
    docker: Docker,
    endpoint: &'a Endpoint,
    requests: AtomicUsize,
    progress: &'a (dyn Fn(&str) + Sync),
}

impl Ctx<'_> {
    fn count(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }
    fn unreachable(&self, e: &dyn std::fmt::Display) -> String {
        format!(
            "cannot reach the Docker daemon at {} (from {}): {e}. Is dockerd running and may \
             this user use it? Set DOCKER_HOST or --docker-host to scan another daemon.",
            self.endpoint.host, self.endpoint.origin
        )
    }
}

pub(crate) fn connect(endpoint: &Endpoint) -> Result<Docker, String> {
    let host = endpoint.host.as_str();
    let result = if host.starts_with("unix://") || host.starts_with('/') {
        Docker::connect_with_unix(host, REQUEST_TIMEOUT_SECS, API_DEFAULT_VERSION)
    } else if let Some(dir) = &endpoint.tls_dir {
        Docker::connect_with_ssl(
            host,
            &dir.join("key.pem"),
            &dir.join("cert.pem"),
            &dir.join("ca.pem"),
            REQUEST_TIMEOUT_SECS,
            API_DEFAULT_VERSION,
        )
    } else if host.starts_with("tcp://") || host.starts_with("http://") {
        Docker::connect_with_http(host, REQUEST_TIMEOUT_SECS, API_DEFAULT_VERSION)
    } else {
        return Err(format!(
            "unsupported Docker host {host:?} (from {}): use unix:///path/to/docker.sock or \
             tcp://host:port",
            endpoint.origin
        ));
    };
    result.map_err(|e| {
        format!(
            "cannot reach the Docker daemon at {host} (from {}): {e}. Is dockerd running? Set \
             DOCKER_HOST or --docker-host to scan another daemon.",
            endpoint.origin
        )
    })
}

fn to_value<T: Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}

/// Scan one daemon. Errors only when the daemon cannot be reached at all; everything
/// after the first answer degrades into coverage gaps.
pub async fn collect(
    endpoint: &Endpoint,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<LiveDocker, String> {
    let docker = connect(endpoint)?;
    let ctx = Ctx {
        docker,
        endpoint,
        requests: AtomicUsize::new(0),
        progress,
    };
    ctx.count();
    match tokio::time::timeout(CONNECT_TIMEOUT, ctx.docker.info()).await {
        Err(_) => Err(ctx.unreachable(&format!("no answer within {}s", CONNECT_TIMEOUT.as_secs()))),
        Ok(Err(e)) => Err(ctx.unreachable(&e)),
        Ok(Ok(info)) => Ok(scan(&ctx, to_value(&info)).await),
    }
}

async fn scan(ctx: &Ctx<'_>, info: serde_json::Value) -> LiveDocker {
    let mut snap = Snapshot::new();
    let mut warnings = Vec::new();
    let mut host = docker_json::host_info(&info);
    host.endpoint = Some(ctx.endpoint.host.clone());
    host.endpoint_tls = Some(ctx.endpoint.uses_tls());
    if ctx.endpoint.is_tcp() && !ctx.endpoint.uses_tls() {
        warnings.push(format!(
            "the Docker daemon at {} is reached over plain TCP without TLS: anyone on the \
             network can control it (CIS Docker 2.7)",
            ctx.endpoint.host
        ));
    }
    let name = host.name.clone();
    snap.created_at = now();
    snap.sources.push(SourceInfo {
        kind: SourceKind::Docker,
        location: ctx.endpoint.host.clone(),
        detail: format!(
            "Docker {} on {name} ({})",
            host.server_version, ctx.endpoint.origin
        ),
    });
    snap.coverage.collected(DataKind::DockerEngine, &name);
    snap.coverage.collected(DataKind::DockerConnection, &name);
    snap.docker.hosts.push(host);

    containers(ctx, &mut snap, &mut warnings, &name).await;
    images(ctx, &mut snap, &mut warnings, &name).await;
    networks(ctx, &mut snap, &mut warnings, &name).await;
    volumes(ctx, &mut snap, &name).await;
    LiveDocker {
        snapshot: snap,
        warnings,
        requests: ctx.requests.load(Ordering::Relaxed),
    }
}

/// Fetch one object per id with at most [`CONCURRENCY`] requests in flight, keeping
/// each result next to its id (order is not preserved; callers sort).
async fn fetch_all<T, F, Fut>(ids: Vec<String>, fetch: F) -> Vec<(String, T)>
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = T>,
{
    stream::iter(ids)
        .map(|id| {
            let fut = fetch(id.clone());
            async move { (id, fut.await) }
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await
}

fn not_found(e: &bollard::errors::Error) -> bool {
    matches!(
        e,
        bollard::errors::Error::DockerResponseServerError {
            status_code: 404,
            ..
        }
    )
}

async fn containers(ctx: &Ctx<'_>, snap: &mut Snapshot, warnings: &mut Vec<String>, host: &str) {
    (ctx.progress)("docker: listing containers");
    ctx.count();
    // all=true: stopped and created containers too; never size=true (it walks every layer).
    let list = ctx
        .docker
        .list_containers(Some(
            ListContainersOptionsBuilder::default().all(true).build(),
        ))
        .await;
    let ids: Vec<String> = match list {
        Ok(l) => l.into_iter().filter_map(|c| c.id).collect(),
        Err(e) => {
            snap.coverage.missing(
                DataKind::DockerContainers,
                host,
                format!("listing containers failed: {e}"),
            );
            return;
        }
    };
    let total = ids.len();
    let results = fetch_all(ids, |id| async move {
        ctx.count();
        ctx.docker
            .inspect_container(&id, None::<InspectContainerOptions>)
            .await
            .map(|v| to_value(&v))
    })
    .await;
    let mut failed = Vec::new();
    for (id, r) in results {
        match r {
            Ok(v) => {
                let mut c = docker_json::container(&v);
                c.host = host.to_string();
                snap.docker.containers.push(c);
            }
            Err(e) if not_found(&e) => warnings.push(format!(
                "container {} was removed during the scan",
                crate::model::short_id(&id)
            )),
            Err(e) => failed.push(format!("{}: {e}", crate::model::short_id(&id))),
        }
    }
    snap.docker.containers.sort_by(|a, b| a.name.cmp(&b.name));
    (ctx.progress)(&format!(
        "docker: inspected {} of {total} containers",
        snap.docker.containers.len()
    ));
    if failed.is_empty() {
        snap.coverage.collected(DataKind::DockerContainers, host);
    } else {
        if !snap.docker.containers.is_empty() {
            snap.coverage.collected(DataKind::DockerContainers, host);
        }
        snap.coverage.missing(
            DataKind::DockerContainers,
            host,
            format!(
                "{} of {total} containers could not be inspected ({})",
                failed.len(),
                failed
                    .iter()
                    .take(3)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        );
    }
}

async fn images(ctx: &Ctx<'_>, snap: &mut Snapshot, warnings: &mut Vec<String>, host: &str) {
    (ctx.progress)("docker: listing images");
    ctx.count();
    let list = ctx
        .docker
        .list_images(Some(ListImagesOptionsBuilder::default().all(false).build()))
        .await;
    let ids: Vec<String> = match list {
        Ok(l) => l.into_iter().map(|i| i.id).collect(),
        Err(e) => {
            snap.coverage.missing(
                DataKind::DockerImages,
                host,
                format!("listing images failed: {e}"),
            );
            snap.coverage.missing(
                DataKind::DockerImageHistory,
                host,
                "images could not be listed",
            );
            return;
        }
    };
    let total = ids.len();
    let results = fetch_all(ids, |id| async move {
        ctx.count();
        let inspect = ctx.docker.inspect_image(&id).await.map(|v| to_value(&v));
        ctx.count();
        let history = ctx.docker.image_history(&id).await.map(|v| to_value(&v));
        (inspect, history)
    })
    .await;
    let (mut failed, mut history_failed) = (Vec::new(), 0usize);
    for (id, (inspect, history)) in results {
        match inspect {
            Ok(v) => {
                let mut image = docker_json::image(&v);
                image.host = host.to_string();
                match history {
                    Ok(h) => docker_json::attach_history(&mut image, docker_json::history(&h)),
                    Err(_) => history_failed += 1,
                }
                snap.docker.images.push(image);
            }
            Err(e) if not_found(&e) => warnings.push(format!(
                "image {} was removed during the scan",
                crate::model::short_id(&id)
            )),
            Err(e) => failed.push(format!("{}: {e}", crate::model::short_id(&id))),
        }
    }
    snap.docker.images.sort_by(|a, b| a.id.cmp(&b.id));
    (ctx.progress)(&format!(
        "docker: inspected {} of {total} images",
        snap.docker.images.len()
    ));
    snap.coverage.collected(DataKind::DockerImages, host);
    if !failed.is_empty() {
        snap.coverage.missing(
            DataKind::DockerImages,
            host,
            format!(
                "{} of {total} images could not be inspected ({})",
                failed.len(),
                failed.join("; ")
            ),
        );
    }
    snap.coverage.collected(DataKind::DockerImageHistory, host);
    if history_failed > 0 {
        snap.coverage.missing(
            DataKind::DockerImageHistory,
            host,
            format!("the history of {history_failed} of {total} images could not be read"),
        );
    }
}

async fn networks(ctx: &Ctx<'_>, snap: &mut Snapshot, warnings: &mut Vec<String>, host: &str) {
    ctx.count();
    let list = ctx.docker.list_networks(None::<ListNetworksOptions>).await;
    let ids: Vec<String> = match list {
        Ok(l) => l.into_iter().filter_map(|n| n.id).collect(),
        Err(e) => {
            snap.coverage.missing(
                DataKind::DockerNetworks,
                host,
                format!("listing networks failed: {e}"),
            );
            return;
        }
    };
    let results = fetch_all(ids, |id| async move {
        ctx.count();
        ctx.docker
            .inspect_network(&id, None::<InspectNetworkOptions>)
            .await
            .map(|v| to_value(&v))
    })
    .await;
    let mut failed = 0usize;
    for (_, r) in results {
        match r {
            Ok(v) => {
                let mut n = docker_json::network(&v);
                n.host = host.to_string();
                snap.docker.networks.push(n);
            }
            Err(e) if not_found(&e) => {
                warnings.push("a network was removed during the scan".into())
            }
            Err(_) => failed += 1,
        }
    }
    snap.docker.networks.sort_by(|a, b| a.name.cmp(&b.name));
    snap.coverage.collected(DataKind::DockerNetworks, host);
    if failed > 0 {
        snap.coverage.missing(
            DataKind::DockerNetworks,
            host,
            format!("{failed} networks could not be inspected"),
        );
    }
}

/// The volume list carries every field `docker volume inspect` shows: one request.
async fn volumes(ctx: &Ctx<'_>, snap: &mut Snapshot, host: &str) {
    ctx.count();
    match ctx.docker.list_volumes(None::<ListVolumesOptions>).await {
        Ok(list) => {
            for v in list.volumes.unwrap_or_default() {
                let mut vol = docker_json::volume(&to_value(&v));
                vol.host = host.to_string();
                snap.docker.volumes.push(vol);
            }
            snap.docker.volumes.sort_by(|a, b| a.name.cmp(&b.name));
            snap.coverage.collected(DataKind::DockerVolumes, host);
        }
        Err(e) => snap.coverage.missing(
            DataKind::DockerVolumes,
            host,
            format!("listing volumes failed: {e}"),
        ),
    }
}

fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
