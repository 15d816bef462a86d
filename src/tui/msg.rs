//! Messages into the app and effects out of it. `App::update` turns a `Msg` into state
//! changes and a list of `Effect`s; the runtime (`run.rs`) performs effects and feeds their
//! results back as messages. Nothing here does IO.

use crossterm::event::{KeyEvent, MouseEvent};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::checks::ScanResult;
use crate::model::Snapshot;
use crate::sources::kube_live::{KubeTarget, Options as KubeOptions};

/// What to scan. Built by the CLI from the same flags as `docket scan`.
#[derive(Debug, Clone, Default)]
pub struct SourcePlan {
    pub demo: bool,
    pub from: Vec<PathBuf>,
    /// `Some(flag)` scans Docker (`flag` = `--docker-host`, if given).
    pub docker: Option<Option<String>>,
    pub kube: Option<(KubeTarget, KubeOptions)>,
    /// Nothing was given: try Docker and the current kube context, fall back to the demo.
    pub auto: bool,
}

/// A finished scan: what the views show.
#[derive(Debug, Clone)]
pub struct Workbench {
    pub snapshot: Arc<Snapshot>,
    pub scan: Arc<ScanResult>,
    /// RFC 3339 time the scan finished.
    pub scanned_at: String,
    pub took: Duration,
    /// Sources that could not be read (the scan went on without them).
    pub source_errors: Vec<String>,
    pub warnings: Vec<String>,
    /// The embedded demo is shown because nothing else was reachable.
    pub fallback_demo: bool,
}

/// Progress of one source (and kind, for Kubernetes) during a scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanProgress {
    /// `docker`, `kube`, `files`, `demo`, `checks`.
    pub source: String,
    /// A kind (`pods`) or a stage (`containers`), empty for the source as a whole.
    pub item: String,
    pub objects: usize,
    pub done: bool,
    /// Retrying, not readable (with why), ...
    pub note: String,
}

/// What the background scan reports.
#[derive(Debug, Clone)]
pub enum ScanEvent {
    Progress(ScanProgress),
    Finished(Box<Workbench>),
    /// Nothing at all could be loaded.
    Failed(String),
}

#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize(u16, u16),
    Tick,
    /// From scan number `id`; stale ids are ignored (the latest scan wins).
    Scan {
        id: u64,
        event: ScanEvent,
    },
    /// An effect finished (an export was written, ...): a line for the flash bar.
    Done(Result<String, String>),
}

#[derive(Debug, Clone)]
pub enum Effect {
    /// Start scan `id`, cancelling any running one.
    StartScan {
        id: u64,
    },
    CancelScan,
    /// Write `content` to `path` atomically and report back with `Msg::Done`.
    Write {
        path: PathBuf,
        content: String,
    },
    Quit,
}
