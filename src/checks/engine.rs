//! Runs the catalog over a snapshot. A check whose data is missing is "not evaluated"
//! with the coverage reason; a check of a platform the scan never looked at is "not
//! applicable"; neither ever counts as passed.

use serde::{Deserialize, Serialize};

use super::{catalog, glob, Check, Framework};
use crate::findings::{self, Finding};
use crate::model::{Availability, Snapshot};

/// Which checks to run.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Globs over check ids and cross-references; empty = all.
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    /// Only checks that serve one of these; empty = all.
    pub frameworks: Vec<Framework>,
}

impl Selection {
    pub fn selects(&self, check: &Check) -> bool {
        let hit = |pats: &[String]| {
            pats.iter().any(|p| {
                glob::matches(p, check.id) || check.refs.iter().any(|r| glob::matches(p, r))
            })
        };
        (self.include.is_empty() || hit(&self.include))
            && !hit(&self.exclude)
            && (self.frameworks.is_empty() || self.frameworks.iter().any(|f| check.serves(*f)))
    }
    /// Patterns that select no check at all: almost always a typo worth reporting.
    pub fn unknown_patterns(&self) -> Vec<String> {
        self.include
            .iter()
            .chain(&self.exclude)
            .filter(|p| {
                !catalog()
                    .iter()
                    .any(|c| glob::matches(p, c.id) || c.refs.iter().any(|r| glob::matches(p, r)))
            })
            .cloned()
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "status", content = "reasons")]
pub enum Outcome {
    /// Ran on complete data.
    Evaluated,
    /// Ran, but some of its data could not be read; findings may be missing.
    Partial(Vec<String>),
    /// Did not run: data missing.
    NotEvaluated(Vec<String>),
    /// The scan has no source of this check's platform.
    NotApplicable(Vec<String>),
    /// Switched off by selection.
    Disabled,
}

impl Outcome {
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Evaluated => "evaluated",
            Outcome::Partial(_) => "partial",
            Outcome::NotEvaluated(_) => "not evaluated",
            Outcome::NotApplicable(_) => "not applicable",
            Outcome::Disabled => "disabled",
        }
    }
    pub fn ran(&self) -> bool {
        matches!(self, Outcome::Evaluated | Outcome::Partial(_))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckResult {
    pub check_id: String,
    pub outcome: Outcome,
    pub findings: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanResult {
    pub findings: Vec<Finding>,
    pub results: Vec<CheckResult>,
}

impl ScanResult {
    pub fn result(&self, check_id: &str) -> Option<&CheckResult> {
        self.results.iter().find(|r| r.check_id == check_id)
    }
}

/// Decide whether a check can run on this snapshot.
pub fn outcome_for(check: &Check, snapshot: &Snapshot) -> Outcome {
    let mut partial = Vec::new();
    let mut missing = Vec::new();
    let mut absent = Vec::new();
    for kind in check.needs {
        match snapshot.coverage.availability(*kind) {
            Availability::Complete => {}
            Availability::Partial(r) => partial.extend(r),
            Availability::Missing(r) => {
                missing.extend(r.into_iter().map(|r| format!("{}: {r}", kind.label())))
            }
            Availability::Absent => absent.push(*kind),
        }
    }
    if !absent.is_empty() {
        let docker = absent[0].is_docker();
        let platform = if docker { "Docker" } else { "Kubernetes" };
        if !snapshot.coverage.has_domain(docker) {
            return Outcome::NotApplicable(vec![format!("no {platform} source in this scan")]);
        }
        missing.extend(absent.into_iter().map(|k| {
            format!(
                "{} not in the inputs: add them (e.g. a live source or an export of that kind)",
                k.label()
            )
        }));
    }
    if !missing.is_empty() {
        Outcome::NotEvaluated(missing)
    } else if !partial.is_empty() {
        Outcome::Partial(partial)
    } else {
        Outcome::Evaluated
    }
}

pub fn run(snapshot: &Snapshot, selection: &Selection) -> ScanResult {
    let mut all = Vec::new();
    let mut results = Vec::with_capacity(catalog().len());
    let input = super::Input::new(snapshot);
    for check in catalog() {
        if !selection.selects(check) {
            results.push(CheckResult {
                check_id: check.id.to_string(),
                outcome: Outcome::Disabled,
                findings: 0,
            });
            continue;
        }
        let outcome = outcome_for(check, snapshot);
        let t0 = std::time::Instant::now();
        let findings = if outcome.ran() {
            let f = check.evaluate_in(&input);
            if std::env::var_os("DOCKET_CHECK_TIMES").is_some() {
                eprintln!(
                    "CHECKTIME {} {:.1} ms {}",
                    check.id,
                    t0.elapsed().as_secs_f64() * 1000.0,
                    f.len()
                );
            }
            f
        } else {
            Vec::new()
        };
        results.push(CheckResult {
            check_id: check.id.to_string(),
            outcome,
            findings: findings.len(),
        });
        all.extend(findings);
    }
    findings::sort(&mut all);
    // The same problem reported twice (e.g. an object given in two input files) is one.
    all.dedup_by(|a, b| a.fingerprint == b.fingerprint);
    ScanResult {
        findings: all,
        results,
    }
}
