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
    /// Table rows and summaries built by the scan task (off the UI task: at 150,000
    /// findings they take a few hundred ms). `None`: the app builds them.
    pub prebuilt: Option<Arc<Prebuilt>>,
}

/// What the views need that is computed once per scan.
#[derive(Debug)]
pub struct Prebuilt {
    pub findings: Vec<crate::tui::rows::FindingRow>,
    /// One list per `InventoryTab::ALL` entry.
    pub inventory: Vec<Vec<crate::tui::rows::InventoryRow>>,
    pub totals: crate::report::Totals,
    pub top_checks: Vec<(String, usize, crate::checks::Severity)>,
    /// Triage and suppressions settled against this scan (the finding rows' states set),
    /// from the book and rules the app had when the scan started; `None`: the app
    /// settles them.
    pub settled: Option<crate::tui::settle::Settled>,
}

impl Prebuilt {
    /// The rows, with triage and suppressions settled from `inputs`: what the scan task
    /// builds off the UI task.
    pub fn build_settled(
        snapshot: &Snapshot,
        scan: &ScanResult,
        inputs: crate::tui::settle::SettleInputs,
    ) -> Prebuilt {
        let mut pre = Prebuilt::build(snapshot, scan);
        pre.settled = Some(crate::tui::settle::settle(
            snapshot,
            scan,
            inputs,
            &mut pre.findings,
        ));
        pre
    }

    pub fn build(snapshot: &Snapshot, scan: &ScanResult) -> Prebuilt {
        use crate::tui::rows::{finding_rows, inventory_rows, InventoryTab};
        Prebuilt {
            findings: finding_rows(scan),
            inventory: InventoryTab::ALL
                .iter()
                .map(|tab| inventory_rows(snapshot, scan, *tab))
                .collect(),
            totals: crate::report::Report::new(snapshot, scan, "").totals,
            top_checks: top_checks(scan),
            settled: None,
        }
    }
}

/// Per check with findings: (id, findings, worst severity), worst first.
pub fn top_checks(scan: &ScanResult) -> Vec<(String, usize, crate::checks::Severity)> {
    let mut by: std::collections::HashMap<&str, (usize, crate::checks::Severity)> =
        std::collections::HashMap::new();
    for f in &scan.findings {
        let e = by.entry(&f.check_id).or_insert((0, f.severity));
        e.0 += 1;
        e.1 = e.1.max(f.severity);
    }
    let mut v: Vec<_> = by
        .into_iter()
        .map(|(id, (n, s))| (id.to_string(), n, s))
        .collect();
    v.sort_by(|a, b| b.2.cmp(&a.2).then(b.1.cmp(&a.1)).then(a.0.cmp(&b.0)));
    v
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
    /// The session log was read back for the log view.
    Log(LogView),
    /// A step of a remediation apply.
    Apply(ApplyStep),
    /// The DPIA register of scan `scan_id` (or why it could not be built).
    Dpia {
        scan_id: u64,
        register: Result<Box<crate::dpia::Register>, String>,
    },
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
    /// Append an event to the session log (fsynced before anything else happens).
    Record(crate::session::Event),
    /// Save the triage book (atomically) to the triage store.
    SaveTriage(Box<crate::findings::triage::TriageBook>),
    /// Save the suppression rules (atomically) to the rules file.
    SaveRules(Box<crate::findings::suppress::RuleSet>),
    /// Read the session log back (and verify its chain) for the log view.
    ReadLog,
    /// Build the DPIA register of the current scan (off the UI task).
    BuildDpia {
        scan_id: u64,
    },
    /// Export the session: record the export, then write the file naming the log's head.
    ExportSession {
        format: crate::report::session::SessionFormat,
        path: PathBuf,
    },
    /// Put text on the terminal's clipboard (OSC 52; terminals that support it).
    Copy(String),
    /// Dry-run, apply and verify a remediation change, reporting each step.
    Apply(Box<ApplyRequest>),
    Quit,
}

/// A confirmed remediation the runtime should carry out.
#[derive(Debug, Clone)]
pub struct ApplyRequest {
    pub finding: crate::findings::Finding,
    pub plan: crate::remediate::Plan,
}

/// The session log as the log view shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogView {
    pub path: String,
    /// One line per entry: `seq`, time, kind, summary.
    pub lines: Vec<LogLine>,
    /// "chain intact: 42 lines, head 3f2a..." or the first bad line.
    pub status: String,
    pub intact: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub seq: u64,
    pub at: String,
    pub kind: String,
    pub summary: String,
}

/// One step of an apply, reported back to the app (which records it in the session log).
#[derive(Debug, Clone)]
pub struct ApplyStep {
    pub fingerprint: String,
    pub target: String,
    pub plan_digest: String,
    pub stage: ApplyStage,
    pub detail: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplyStage {
    DryRun,
    Applied,
    Verified,
    NotVerified,
    Failed,
}
