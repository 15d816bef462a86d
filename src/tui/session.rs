//! The workbench's session log: one append-only, hash-chained file per session
//! (`crate::session`), written by the runtime: session start, every finished scan, every
//! export, session end. Each append is fsynced before the action counts as done; the
//! short blocking write runs under `block_in_place` so the async runtime keeps serving.

use std::collections::BTreeMap;
use std::path::Path;

use super::log::Log;
use super::msg::{SourcePlan, Workbench};
use crate::session::{Event, SessionLog};

pub struct Session {
    log: Option<SessionLog>,
}

fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

impl Session {
    /// Start the session log in `dir` (the workspace or the data dir). A log that cannot be
    /// created is reported (returned as the error text) and the session runs without one.
    pub fn start(
        dir: &Path,
        plan: &SourcePlan,
        diag: &Log,
        read_only: bool,
    ) -> (Session, Option<String>) {
        let at = now();
        let mut log = match SessionLog::create(dir, &at) {
            Ok(l) => l,
            Err(e) => {
                let msg = format!("no session log: {e}");
                diag.line(&msg);
                return (Session { log: None }, Some(msg));
            }
        };
        let event = Event::SessionStart {
            operator: operator(),
            host: std::fs::read_to_string("/etc/hostname")
                .map(|h| h.trim().to_string())
                .or_else(|_| std::env::var("HOSTNAME"))
                .unwrap_or_else(|_| "unknown".into()),
            docket_version: env!("CARGO_PKG_VERSION").to_string(),
            sources: describe(plan),
            contexts: plan
                .kube
                .as_ref()
                .and_then(|(t, _)| t.context.clone())
                .into_iter()
                .collect(),
            read_only,
        };
        let mut problem = None;
        if let Err(e) = log.append(&at, event) {
            problem = Some(format!("session log: {e}"));
        }
        diag.line(&format!("session log {}", log.path().display()));
        (Session { log: Some(log) }, problem)
    }

    pub fn path(&self) -> Option<&Path> {
        self.log.as_ref().map(|l| l.path())
    }

    pub fn head(&self) -> Option<String> {
        self.log.as_ref().map(|l| l.head())
    }

    fn append(&mut self, event: Event) -> Result<(), String> {
        let Some(log) = self.log.as_mut() else {
            return Ok(());
        };
        tokio::task::block_in_place(|| log.append(&now(), event))
            .map(|_| ())
            .map_err(|e| format!("session log: {e}"))
    }

    pub fn scan(&mut self, id: u64, bench: &Workbench) -> Result<(), String> {
        let mut by_severity = BTreeMap::new();
        for f in &bench.scan.findings {
            *by_severity
                .entry(f.severity.as_str().to_string())
                .or_insert(0u64) += 1;
        }
        let coverage_gaps = bench
            .snapshot
            .coverage
            .gaps()
            .map(|g| format!("{} ({}): {}", g.kind.label(), g.scope, g.reason))
            .chain(bench.source_errors.iter().cloned())
            .collect();
        self.append(Event::Scan {
            id: id.to_string(),
            findings: bench.scan.findings.len() as u64,
            by_severity,
            coverage_gaps,
            took_ms: bench.took.as_millis() as u64,
        })
    }

    pub fn export(&mut self, format: &str, path: &Path) -> Result<(), String> {
        let head_hash = self.head().unwrap_or_default();
        self.append(Event::Export {
            format: format.to_string(),
            path: path.display().to_string(),
            head_hash,
        })
    }

    /// Any other event the app asks to record (remediation viewed, later triage).
    pub fn record(&mut self, event: Event) -> Result<(), String> {
        self.append(event)
    }

    pub fn end(&mut self) -> Result<(), String> {
        self.append(Event::SessionEnd {})
    }
}

/// Who is at the keyboard: the OS user (`USER`, else `USERNAME`), else "unknown".
pub fn operator() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| "unknown".into())
}

/// The planned sources, for the session-start line.
fn describe(plan: &SourcePlan) -> Vec<String> {
    let mut out = Vec::new();
    if plan.auto {
        out.push("auto (local Docker, current kube context, else the demo)".into());
    }
    if plan.demo {
        out.push("demo".into());
    }
    if let Some(host) = &plan.docker {
        out.push(format!(
            "docker {}",
            host.as_deref().unwrap_or("(environment)")
        ));
    }
    if let Some((t, _)) = &plan.kube {
        out.push(format!(
            "kube {}",
            t.context.as_deref().unwrap_or("(current context)")
        ));
    }
    out.extend(plan.from.iter().map(|p| format!("file {}", p.display())));
    out
}
