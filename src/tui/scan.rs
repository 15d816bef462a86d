//! The background scan: load every planned source (live ones concurrently), run the
//! checks, and report progress and the result as messages. Runs as one tokio task the
//! runtime aborts when a newer scan starts or the operator cancels (the latest wins).
//! Never touches the terminal.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::mpsc::Sender;

use super::msg::{Msg, Prebuilt, ScanEvent, ScanProgress, SourcePlan, Workbench};
use super::settle::SettleInputs;
use crate::checks::{self, Selection};
use crate::model::Snapshot;
use crate::sources::{self, docker_live, kube_live};

/// Run scan `id` and send its progress and result on `tx`. Triage and suppressions are
/// settled here against `inputs` (the app's book, rules and disabled checks when the scan
/// started), off the UI task.
pub async fn run(id: u64, plan: SourcePlan, inputs: SettleInputs, tx: Sender<Msg>) {
    let started = Instant::now();
    let send = |event: ScanEvent| {
        // Progress may be dropped when the UI is behind; results are awaited below.
        let _ = tx.try_send(Msg::Scan { id, event });
    };
    let progress = |source: &str, item: &str, objects: usize, done: bool, note: &str| {
        send(ScanEvent::Progress(ScanProgress {
            source: source.to_string(),
            item: item.to_string(),
            objects,
            done,
            note: note.to_string(),
        }))
    };
    let mut snap = Snapshot::new();
    let mut warnings = Vec::new();
    let mut errors = Vec::new();

    let docker_flag = plan.docker.clone().or(plan.auto.then_some(None));
    let docker = async {
        match docker_flag {
            None => None,
            Some(flag) => Some(scan_docker(flag.as_deref(), &progress).await),
        }
    };
    let kube = async {
        match &plan.kube {
            Some((target, opts)) => Some(scan_kube(target, opts, &progress).await),
            None if plan.auto => {
                let target = kube_live::KubeTarget::default();
                match resolve(&target).await {
                    // No kube context configured: nothing to try, not an error.
                    Err(_) => None,
                    Ok(_) => {
                        Some(scan_kube(&target, &kube_live::Options::default(), &progress).await)
                    }
                }
            }
            None => None,
        }
    };
    let (docker, kube) = tokio::join!(docker, kube);
    for result in [docker, kube].into_iter().flatten() {
        match result {
            Ok((s, w)) => {
                snap.merge(s);
                warnings.extend(w);
            }
            Err(e) => errors.push(e),
        }
    }
    if !plan.from.is_empty() {
        progress("files", "", 0, false, "");
        match blocking_load(plan.from.clone()).await {
            Ok(l) => {
                progress(
                    "files",
                    "",
                    l.snapshot.counts().iter().map(|c| c.1).sum(),
                    true,
                    "",
                );
                snap.merge(l.snapshot);
                warnings.extend(l.warnings);
            }
            Err(e) => errors.push(e),
        }
    }
    let fallback_demo = plan.auto && snap.sources.is_empty();
    if plan.demo || fallback_demo {
        match tokio::task::spawn_blocking(sources::demo::load).await {
            Ok(Ok(l)) => {
                progress("demo", "", 0, true, "");
                snap.merge(l.snapshot);
            }
            Ok(Err(e)) => errors.push(e.to_string()),
            Err(e) => errors.push(format!("loading the demo failed: {e}")),
        }
    }
    if snap.sources.is_empty() {
        send(ScanEvent::Failed(if errors.is_empty() {
            "nothing to scan".to_string()
        } else {
            errors.join("; ")
        }));
        return;
    }
    progress("checks", "", 0, false, "");
    let snap = Arc::new(snap);
    let for_checks = Arc::clone(&snap);
    // Checks, the table rows, rule evaluation and triage reconciliation, off the UI task.
    let (scan, prebuilt) = match tokio::task::spawn_blocking(move || {
        let scan = checks::run(&for_checks, &Selection::default());
        let pre = Prebuilt::build_settled(&for_checks, &scan, inputs);
        (scan, pre)
    })
    .await
    {
        Ok(s) => s,
        Err(e) => {
            send(ScanEvent::Failed(format!("the checks failed: {e}")));
            return;
        }
    };
    progress("checks", "", scan.findings.len(), true, "");
    let bench = Workbench {
        snapshot: snap,
        scan: Arc::new(scan),
        scanned_at: now(),
        took: started.elapsed(),
        source_errors: errors,
        warnings,
        fallback_demo,
        prebuilt: Some(Arc::new(prebuilt)),
    };
    // The result must arrive: wait for room in the channel.
    let _ = tx
        .send(Msg::Scan {
            id,
            event: ScanEvent::Finished(Box::new(bench)),
        })
        .await;
}

type Progress<'a> = dyn Fn(&str, &str, usize, bool, &str) + Sync + 'a;

async fn scan_docker(
    flag: Option<&str>,
    progress: &Progress<'_>,
) -> Result<(Snapshot, Vec<String>), String> {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let endpoint = docker_live::resolve(flag, &|k| std::env::var(k).ok(), home.as_deref())?;
    progress("docker", "", 0, false, &endpoint.host);
    let report = |stage: &str| progress("docker", stage, 0, false, "");
    let live = docker_live::collect(&endpoint, &report).await;
    match live {
        Ok(l) => {
            progress("docker", "", l.snapshot.docker.containers.len(), true, "");
            Ok((l.snapshot, l.warnings))
        }
        Err(e) => {
            progress("docker", "", 0, true, "unreachable");
            Err(e)
        }
    }
}

async fn resolve(target: &kube_live::KubeTarget) -> Result<kube_live::Connection, String> {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    kube_live::resolve(target, &|k| std::env::var(k).ok(), home.as_deref()).await
}

async fn scan_kube(
    target: &kube_live::KubeTarget,
    opts: &kube_live::Options,
    progress: &Progress<'_>,
) -> Result<(Snapshot, Vec<String>), String> {
    let conn = resolve(target).await?;
    progress("kube", "", 0, false, &conn.context);
    let report = |p: &kube_live::Progress| {
        let (done, note) = match &p.stage {
            kube_live::Stage::Listing => (false, String::new()),
            kube_live::Stage::Retrying(why) => (false, format!("retrying: {why}")),
            kube_live::Stage::Restarted => (false, "restarted (410)".to_string()),
            kube_live::Stage::Done => (true, String::new()),
            kube_live::Stage::Failed(why) => (true, why.clone()),
        };
        progress("kube", p.resource, p.objects, done, &note);
    };
    // The TUI owns the terminal: an exec plugin must not prompt on it.
    let opts = kube_live::Options {
        terminal: false,
        ..opts.clone()
    };
    let live = kube_live::collect(&conn, &opts, &report).await;
    match live {
        Ok(l) => {
            progress("kube", "", l.snapshot.kube.workloads.len(), true, "");
            Ok((l.snapshot, l.warnings))
        }
        Err(e) => {
            progress("kube", "", 0, true, "unreachable");
            Err(e)
        }
    }
}

async fn blocking_load(paths: Vec<PathBuf>) -> Result<sources::Loaded, String> {
    match tokio::task::spawn_blocking(move || sources::load_paths(&paths)).await {
        Ok(r) => r.map_err(|e| e.to_string()),
        Err(e) => Err(format!("reading the files failed: {e}")),
    }
}

fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
