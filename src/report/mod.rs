//! Reports: one pure renderer per format, `&Report -> String`.
//!
//! [`Report`] gathers everything a renderer needs from a snapshot and a scan result, in a
//! deterministic order (the findings in the order the engine sorted them, the checks in
//! catalog order, sources and coverage gaps in snapshot order). Every format states what was
//! NOT evaluated (checks not evaluated with their reasons, coverage gaps, manual benchmark
//! items), so a reader never mistakes "not evaluated" for "passed".
//!
//! Renderers never panic on odd data: a finding whose check id is not in the catalog is
//! rendered with the metadata the finding itself carries.

pub mod csv;
pub mod dpia_csv;
pub mod dpia_markdown;
pub mod framework;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod session;
pub mod suppressed;
pub mod table;

use std::collections::{HashMap, HashSet};

use crate::checks::manual::{ManualItem, MANUAL};
use crate::checks::{self, Check, CheckResult, Family, Framework, Outcome, ScanResult, Severity};
use crate::findings::{Finding, Platform, ResourceRef};
use crate::model::{CoverageEntry, Snapshot, SourceInfo, SourceKind};

/// The output formats of `docket scan` and exports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Sarif,
    Markdown,
    Html,
    Csv,
    Junit,
}

impl Format {
    pub const ALL: [Format; 7] = [
        Format::Table,
        Format::Json,
        Format::Sarif,
        Format::Markdown,
        Format::Html,
        Format::Csv,
        Format::Junit,
    ];

    /// The name used on the command line (`--format sarif`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::Csv => "csv",
            Format::Junit => "junit",
        }
    }

    /// Case-insensitive; accepts a few common aliases (`md`, `xml`, `text`, `txt`).
    pub fn parse(s: &str) -> Option<Format> {
        let s = s.trim().to_ascii_lowercase();
        let alias = match s.as_str() {
            "md" => Some(Format::Markdown),
            "htm" => Some(Format::Html),
            "xml" | "junit-xml" => Some(Format::Junit),
            "text" | "txt" => Some(Format::Table),
            _ => None,
        };
        alias.or_else(|| Format::ALL.into_iter().find(|f| f.name() == s))
    }

    /// File extension without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Table => "txt",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Markdown => "md",
            Format::Html => "html",
            Format::Csv => "csv",
            Format::Junit => "xml",
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Write a report in one format to `out`; JSON is written as it is serialized, the other
/// formats are rendered first.
pub fn write(report: &Report, format: Format, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    match format {
        Format::Json => json::write(report, out),
        _ => {
            let text = render(report, format);
            out.write_all(text.as_bytes())?;
            if !text.ends_with('\n') {
                out.write_all(b"\n")?;
            }
            Ok(())
        }
    }
}

/// Render a report in one format.
pub fn render(report: &Report, format: Format) -> String {
    match format {
        Format::Table => table::render(report),
        Format::Json => json::render(report),
        Format::Sarif => sarif::render(report),
        Format::Markdown => markdown::render(report),
        Format::Html => html::render(report),
        Format::Csv => csv::render(report),
        Format::Junit => junit::render(report),
    }
}

pub const TOOL_NAME: &str = "Docket";
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");

/// One finding with the catalog metadata of its check (`None` if the id is unknown).
#[derive(Debug, Clone, Copy)]
pub struct ReportFinding<'a> {
    pub finding: &'a Finding,
    pub check: Option<&'static Check>,
}

impl ReportFinding<'_> {
    pub fn refs(&self) -> &'static [&'static str] {
        self.check.map_or(&[], |c| c.refs)
    }
    pub fn controls(&self) -> &'static [checks::Control] {
        self.check.map_or(&[], |c| c.controls)
    }
    pub fn family(&self) -> Option<Family> {
        self.check.map(|c| c.family)
    }
}

/// One check of the scan with its outcome.
#[derive(Debug, Clone)]
pub struct CheckRow<'a> {
    pub id: &'a str,
    pub check: Option<&'static Check>,
    pub outcome: &'a Outcome,
    /// Active findings (suppressed ones not counted).
    pub findings: usize,
    /// Findings a suppression rule hides (accepted risks).
    pub suppressed: usize,
    /// Title of the first finding, used when the check is not in the catalog.
    fallback_title: Option<&'a str>,
    fallback_severity: Severity,
}

impl CheckRow<'_> {
    pub fn title(&self) -> &str {
        match (self.check, self.fallback_title) {
            (Some(c), _) => c.title,
            (None, Some(t)) => t,
            (None, None) => "(check not in this version's catalog)",
        }
    }
    pub fn severity(&self) -> Severity {
        self.check.map_or(self.fallback_severity, |c| c.severity)
    }
    pub fn family(&self) -> Option<Family> {
        self.check.map(|c| c.family)
    }
    /// Reasons given by the outcome (empty for evaluated and disabled).
    pub fn reasons(&self) -> &[String] {
        outcome_reasons(self.outcome)
    }
    /// Did not run at all although it was selected (data missing).
    pub fn is_not_evaluated(&self) -> bool {
        matches!(self.outcome, Outcome::NotEvaluated(_))
    }
}

pub fn outcome_reasons(outcome: &Outcome) -> &[String] {
    match outcome {
        Outcome::Partial(r) | Outcome::NotEvaluated(r) | Outcome::NotApplicable(r) => r,
        Outcome::Evaluated | Outcome::Disabled => &[],
    }
}

/// Machine name of an outcome (`not_evaluated`), as in the JSON report.
pub fn outcome_key(outcome: &Outcome) -> &'static str {
    match outcome {
        Outcome::Evaluated => "evaluated",
        Outcome::Partial(_) => "partial",
        Outcome::NotEvaluated(_) => "not_evaluated",
        Outcome::NotApplicable(_) => "not_applicable",
        Outcome::Disabled => "disabled",
    }
}

/// Machine name of a family (`docker_container`), as in the JSON report.
pub fn family_key(family: Family) -> &'static str {
    match family {
        Family::DockerHost => "docker_host",
        Family::DockerImage => "docker_image",
        Family::DockerContainer => "docker_container",
        Family::KubeWorkload => "kube_workload",
        Family::KubeRbac => "kube_rbac",
        Family::KubeNetwork => "kube_network",
        Family::Secrets => "secrets",
    }
}

/// How many checks ended in each outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CheckCounts {
    pub evaluated: usize,
    pub partial: usize,
    pub not_evaluated: usize,
    pub not_applicable: usize,
    pub disabled: usize,
}

/// Where a framework control stands after this scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ControlStatus {
    /// A check serving the control has active (unsuppressed) findings.
    Failed,
    /// Its only findings are suppressed by a rule: an accepted risk, never "passed".
    Accepted,
    /// No findings, but a check serving it could not run, ran on partial data, was
    /// disabled, or is not in this scan (every serving check of a platform the scan had
    /// no source for counts too when none ran).
    NotEvaluated,
    /// Every serving check of a platform in the scan ran on complete data and found
    /// nothing.
    Passed,
    /// No automated check serves it: evidence must be gathered by hand.
    Manual,
}

impl ControlStatus {
    pub const ALL: [ControlStatus; 5] = [
        ControlStatus::Failed,
        ControlStatus::Accepted,
        ControlStatus::NotEvaluated,
        ControlStatus::Passed,
        ControlStatus::Manual,
    ];
    pub fn label(self) -> &'static str {
        match self {
            ControlStatus::Failed => "failed",
            ControlStatus::Accepted => "accepted",
            ControlStatus::NotEvaluated => "not evaluated",
            ControlStatus::Passed => "passed",
            ControlStatus::Manual => "manual",
        }
    }
    /// Machine name (`not_evaluated`), as in JSON and CSV.
    pub fn key(self) -> &'static str {
        match self {
            ControlStatus::NotEvaluated => "not_evaluated",
            other => other.label(),
        }
    }
}

/// One framework's posture: findings and controls by status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameworkPosture {
    pub framework: Framework,
    pub findings: usize,
    pub controls: usize,
    pub failed: usize,
    /// Controls whose only findings are suppressed.
    pub accepted: usize,
    pub not_evaluated: usize,
    pub passed: usize,
    pub manual: usize,
}

impl FrameworkPosture {
    /// `PCI DSS v4.0: 12 findings; controls: 3 failed, 1 accepted, 2 not evaluated, 5 passed, 3 manual (of 14)`.
    pub fn line(&self) -> String {
        format!(
            "{}: {} finding{}; controls: {} failed, {} accepted, {} not evaluated, {} passed, {} manual (of {})",
            self.framework.name(),
            self.findings,
            if self.findings == 1 { "" } else { "s" },
            self.failed,
            self.accepted,
            self.not_evaluated,
            self.passed,
            self.manual,
            self.controls
        )
    }

    /// Controls with a verdict from the checks: passed, failed or accepted (the score's
    /// denominator; manual and not evaluated are excluded).
    pub fn assessed(&self) -> usize {
        self.passed + self.failed + self.accepted
    }
}

/// Totals for summaries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Totals {
    pub findings: usize,
    /// Worst first, every severity present (zero counts included).
    pub by_severity: Vec<(Severity, usize)>,
    /// Catalog family order, every family present.
    pub by_family: Vec<(Family, usize)>,
    /// Findings of checks not in the catalog.
    pub unknown_family: usize,
    pub by_framework: Vec<FrameworkPosture>,
    pub checks: CheckCounts,
}

impl Totals {
    pub fn severity(&self, s: Severity) -> usize {
        self.by_severity
            .iter()
            .find(|(v, _)| *v == s)
            .map_or(0, |(_, n)| *n)
    }
}

/// Everything a report shows, gathered once.
#[derive(Debug, Clone)]
pub struct Report<'a> {
    pub tool_name: &'static str,
    pub tool_version: &'static str,
    pub generated_at: String,
    pub snapshot: &'a Snapshot,
    pub scan: &'a ScanResult,
    pub sources: &'a [SourceInfo],
    pub totals: Totals,
    /// In the order the engine gave them (severity, check, resource).
    pub findings: Vec<ReportFinding<'a>>,
    /// Every check of the scan, in its order, plus any check that only appears in findings.
    pub checks: Vec<CheckRow<'a>>,
    pub coverage_gaps: Vec<&'a CoverageEntry>,
    pub manual: &'static [ManualItem],
    /// The suppression rules applied ([`Report::with_suppressions`]); `None` when none
    /// were (no rules file, or `--no-suppress`).
    pub suppressions: Option<suppressed::Suppressions<'a>>,
}

impl<'a> Report<'a> {
    pub fn new(snapshot: &'a Snapshot, scan: &'a ScanResult, generated_at: &str) -> Self {
        Report::build(snapshot, scan, generated_at, &|_| false)
    }

    /// The report of the findings `hidden` does not hide: they are left out of the
    /// findings, the check rows' counts and the totals.
    fn build(
        snapshot: &'a Snapshot,
        scan: &'a ScanResult,
        generated_at: &str,
        hidden: &dyn Fn(&Finding) -> bool,
    ) -> Self {
        // One pass over the findings for every per-check figure (at 434,000 findings a
        // pass per check was most of the report's time).
        let mut stats: HashMap<&str, CheckStats<'a>> = HashMap::new();
        let mut unlisted: Vec<&'a str> = Vec::new();
        let mut findings: Vec<ReportFinding<'a>> = Vec::with_capacity(scan.findings.len());
        for f in &scan.findings {
            let st = stats
                .entry(f.check_id.as_str())
                .or_insert_with(|| CheckStats {
                    first: Some(f),
                    ..Default::default()
                });
            st.count += 1;
            if hidden(f) {
                st.hidden += 1;
            } else {
                if st.first_shown.is_none() {
                    st.first_shown = Some(f);
                    unlisted.push(&f.check_id);
                }
                findings.push(ReportFinding {
                    finding: f,
                    check: checks::find(&f.check_id),
                });
            }
        }
        let mut rows: Vec<CheckRow<'a>> = scan
            .results
            .iter()
            .map(|r| row(r, stats.get(r.check_id.as_str())))
            .collect();
        // A finding of a check the results do not mention still gets a row (and a SARIF rule).
        let listed: HashSet<&str> = scan.results.iter().map(|r| r.check_id.as_str()).collect();
        for id in unlisted.into_iter().filter(|id| !listed.contains(id)) {
            let Some(st) = stats.get(id) else { continue };
            let Some(f) = st.first_shown else { continue };
            rows.push(CheckRow {
                id,
                check: checks::find(id),
                outcome: &Outcome::Evaluated,
                findings: st.count - st.hidden,
                suppressed: st.hidden,
                fallback_title: Some(&f.title),
                fallback_severity: f.severity,
            });
        }

        let totals = totals(&findings, &rows);
        Report {
            tool_name: TOOL_NAME,
            tool_version: TOOL_VERSION,
            generated_at: generated_at.to_string(),
            snapshot,
            scan,
            sources: &snapshot.sources,
            totals,
            findings,
            checks: rows,
            coverage_gaps: snapshot.coverage.gaps().collect(),
            manual: MANUAL,
            suppressions: None,
        }
    }

    /// Checks that were selected but could not run, with reasons.
    pub fn not_evaluated(&self) -> impl Iterator<Item = &CheckRow<'a>> {
        self.checks.iter().filter(|c| c.is_not_evaluated())
    }

    /// Checks that ran on partial data.
    pub fn partial(&self) -> impl Iterator<Item = &CheckRow<'a>> {
        self.checks
            .iter()
            .filter(|c| matches!(c.outcome, Outcome::Partial(_)))
    }

    /// Checks of a platform the scan had no source for.
    pub fn not_applicable(&self) -> impl Iterator<Item = &CheckRow<'a>> {
        self.checks
            .iter()
            .filter(|c| matches!(c.outcome, Outcome::NotApplicable(_)))
    }

    pub fn check_row(&self, id: &str) -> Option<&CheckRow<'a>> {
        self.checks.iter().find(|c| c.id == id)
    }

    /// The findings of one check, in report order.
    pub fn findings_of<'s>(&'s self, id: &'s str) -> impl Iterator<Item = &'s ReportFinding<'a>> {
        self.findings
            .iter()
            .filter(move |f| f.finding.check_id == id)
    }

    /// One sentence: `12 findings (critical 1, high 3, ...); 40 checks: ...`.
    pub fn summary_line(&self) -> String {
        let t = &self.totals;
        let sev: Vec<String> = t
            .by_severity
            .iter()
            .map(|(s, n)| format!("{s} {n}"))
            .collect();
        let c = &t.checks;
        let suppressed = match &self.suppressions {
            Some(s) => format!("; {} suppressed", s.findings.len()),
            None => String::new(),
        };
        format!(
            "{} finding{} ({}){suppressed}; {} checks: {} evaluated, {} partial, {} not evaluated, {} not applicable, {} disabled; {} coverage gap{}; {} manual item{}",
            t.findings,
            plural(t.findings),
            sev.join(", "),
            self.checks.len(),
            c.evaluated,
            c.partial,
            c.not_evaluated,
            c.not_applicable,
            c.disabled,
            self.coverage_gaps.len(),
            plural(self.coverage_gaps.len()),
            self.manual.len(),
            plural(self.manual.len()),
        )
    }

    /// The standing warning every format carries.
    pub fn caveat(&self) -> String {
        format!(
            "Not evaluated is not passed: {} check{} could not run, {} ran on partial data, {} coverage gap{} recorded, and {} benchmark item{} need manual evidence (host access).",
            self.totals.checks.not_evaluated,
            plural(self.totals.checks.not_evaluated),
            self.totals.checks.partial,
            self.coverage_gaps.len(),
            plural(self.coverage_gaps.len()),
            self.manual.len(),
            plural(self.manual.len()),
        )
    }
}

/// The row of one check; `hidden` of its findings are suppressed and not counted.
/// Per check id: findings, how many are hidden, the first finding (shown or not).
#[derive(Default)]
struct CheckStats<'a> {
    count: usize,
    hidden: usize,
    first: Option<&'a Finding>,
    first_shown: Option<&'a Finding>,
}

fn row<'a>(r: &'a CheckResult, stats: Option<&CheckStats<'a>>) -> CheckRow<'a> {
    let count = stats.map_or(0, |s| s.count);
    let hidden = stats.map_or(0, |s| s.hidden);
    let first = stats.and_then(|s| s.first);
    CheckRow {
        id: &r.check_id,
        check: checks::find(&r.check_id),
        outcome: &r.outcome,
        findings: r.findings.max(count).saturating_sub(hidden),
        suppressed: hidden,
        fallback_title: first.map(|f| f.title.as_str()),
        fallback_severity: first.map_or(Severity::Info, |f| f.severity),
    }
}

pub(crate) fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn totals(findings: &[ReportFinding], rows: &[CheckRow]) -> Totals {
    let by_severity = Severity::ALL
        .into_iter()
        .map(|s| {
            (
                s,
                findings.iter().filter(|f| f.finding.severity == s).count(),
            )
        })
        .collect();
    let by_family = Family::ALL
        .into_iter()
        .map(|fam| {
            (
                fam,
                findings.iter().filter(|f| f.family() == Some(fam)).count(),
            )
        })
        .collect();
    let unknown_family = findings.iter().filter(|f| f.check.is_none()).count();
    let mut counts = CheckCounts::default();
    for r in rows {
        match r.outcome {
            Outcome::Evaluated => counts.evaluated += 1,
            Outcome::Partial(_) => counts.partial += 1,
            Outcome::NotEvaluated(_) => counts.not_evaluated += 1,
            Outcome::NotApplicable(_) => counts.not_applicable += 1,
            Outcome::Disabled => counts.disabled += 1,
        }
    }
    let by_framework = Framework::ALL
        .into_iter()
        .map(|fw| posture(fw, findings, rows))
        .collect();
    Totals {
        findings: findings.len(),
        by_severity,
        by_family,
        unknown_family,
        by_framework,
        checks: counts,
    }
}

fn posture(fw: Framework, findings: &[ReportFinding], rows: &[CheckRow]) -> FrameworkPosture {
    let mut p = FrameworkPosture {
        framework: fw,
        findings: findings
            .iter()
            .filter(|f| f.check.is_some_and(|c| c.serves(fw)))
            .count(),
        controls: 0,
        failed: 0,
        accepted: 0,
        not_evaluated: 0,
        passed: 0,
        manual: 0,
    };
    for control in fw.controls() {
        p.controls += 1;
        match control_status(control, rows) {
            ControlStatus::Failed => p.failed += 1,
            ControlStatus::Accepted => p.accepted += 1,
            ControlStatus::NotEvaluated => p.not_evaluated += 1,
            ControlStatus::Passed => p.passed += 1,
            ControlStatus::Manual => p.manual += 1,
        }
    }
    p
}

/// The catalog's checks serving a control (none: the control is manual).
pub fn serving_checks(control: &checks::Control) -> impl Iterator<Item = &'static Check> + '_ {
    checks::catalog()
        .iter()
        .filter(move |c| checks::frameworks::serves_control(c, control))
}

/// Status of one control given the checks of the scan (the rows' counts are active
/// findings; `suppressed` ones make a control accepted, never passed).
///
/// - failed: a serving check has active findings;
/// - accepted: no active findings, but suppressed ones;
/// - not evaluated: no findings, and a serving check ran on partial data, could not run,
///   was disabled, or has no row in this scan; also when no serving check ran at all
///   (every one is of a platform the scan had no source for);
/// - passed: no findings, at least one serving check ran on complete data, and every
///   other one did too or is of a platform the scan had no source for;
/// - manual: no check of the catalog serves it.
pub fn control_status(control: &checks::Control, rows: &[CheckRow]) -> ControlStatus {
    let in_catalog = serving_checks(control).count();
    if in_catalog == 0 {
        return ControlStatus::Manual;
    }
    let (mut failed, mut accepted, mut incomplete, mut complete) = (false, false, false, false);
    let mut seen = 0;
    let serving = rows.iter().filter(|r| {
        r.check
            .is_some_and(|c| checks::frameworks::serves_control(c, control))
    });
    for r in serving {
        seen += 1;
        failed |= r.findings > 0;
        accepted |= r.suppressed > 0;
        match r.outcome {
            Outcome::Evaluated => complete = true,
            Outcome::Partial(_) | Outcome::NotEvaluated(_) | Outcome::Disabled => incomplete = true,
            Outcome::NotApplicable(_) => {}
        }
    }
    // A serving check with no row in this scan was not run.
    incomplete |= seen < in_catalog;
    if failed {
        ControlStatus::Failed
    } else if accepted {
        ControlStatus::Accepted
    } else if incomplete || !complete {
        ControlStatus::NotEvaluated
    } else {
        ControlStatus::Passed
    }
}

/// A stable pseudo-path for a resource, `kubernetes/prod/Deployment/api/app` or
/// `docker/host/Container/web`; `_cluster` / `_host` stand in for an absent namespace or host.
/// Segments are percent-encoded so the path is a valid URI reference.
pub fn resource_path(r: &ResourceRef) -> String {
    let mut parts: Vec<&str> = Vec::with_capacity(5);
    match r.platform {
        Platform::Kubernetes => {
            parts.push("kubernetes");
            parts.push(r.namespace.as_deref().unwrap_or("_cluster"));
        }
        Platform::Docker => {
            parts.push("docker");
            parts.push(r.host.as_deref().unwrap_or("_host"));
        }
    }
    parts.push(&r.kind);
    parts.push(&r.name);
    if let Some(c) = &r.container {
        parts.push(c);
    }
    parts
        .iter()
        .map(|p| percent_encode(p))
        .collect::<Vec<_>>()
        .join("/")
}

/// Percent-encode everything but RFC 3986 unreserved characters (and keep `:` and `@`,
/// allowed in a path segment). An empty segment becomes `_`.
pub fn percent_encode(s: &str) -> String {
    if s.is_empty() {
        return "_".to_string();
    }
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b':' | b'@') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Machine name of a source kind (`file`, `demo`, `docker`, `kube`).
pub fn source_kind(kind: &SourceKind) -> &'static str {
    match kind {
        SourceKind::File => "file",
        SourceKind::Demo => "demo",
        SourceKind::Docker => "docker",
        SourceKind::Kube => "kube",
    }
}

/// `Framework id` for each control, e.g. `PCI DSS v4.0 2.2`.
pub fn control_labels(controls: &[checks::Control]) -> Vec<String> {
    controls
        .iter()
        .map(|c| format!("{} {}", c.framework.name(), c.id))
        .collect()
}

/// Evidence as one line: `path = observed; path = observed`.
pub fn evidence_line(f: &Finding) -> String {
    f.evidence
        .iter()
        .map(|e| format!("{} = {}", e.path, e.observed))
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
pub(crate) mod fixture;

#[cfg(test)]
mod tests {
    use super::fixture;
    use super::*;

    #[test]
    fn format_names_parse_back_and_have_extensions() {
        for f in Format::ALL {
            assert_eq!(Format::parse(f.name()), Some(f));
            assert_eq!(Format::parse(&f.name().to_uppercase()), Some(f));
            assert!(!f.extension().is_empty());
        }
        assert_eq!(Format::parse("md"), Some(Format::Markdown));
        assert_eq!(Format::parse("pdf"), None);
    }

    #[test]
    fn report_gathers_totals_and_outcomes() {
        let (snap, scan) = fixture::sample();
        let r = Report::new(&snap, &scan, fixture::NOW);
        assert_eq!(r.totals.findings, scan.findings.len());
        assert_eq!(r.totals.severity(Severity::Critical), 3);
        assert_eq!(r.totals.checks.not_evaluated, 1);
        assert_eq!(r.totals.checks.partial, 1);
        assert_eq!(r.totals.checks.not_applicable, 1);
        assert_eq!(r.totals.checks.disabled, 1);
        assert_eq!(r.coverage_gaps.len(), 1);
        assert!(!r.manual.is_empty());
        // The unknown check id still has a row, titled from its finding.
        let unknown = r.check_row("ZZ-999").expect("row for unknown check");
        assert!(unknown.check.is_none());
        assert_eq!(unknown.title(), fixture::UNKNOWN_TITLE);
        assert_eq!(r.totals.unknown_family, 2);
        // DC-001 failed, so every control it serves is failed in every framework it serves.
        let dc1 = checks::find("DC-001").expect("DC-001 in catalog");
        for ctl in dc1.controls {
            assert_eq!(control_status(ctl, &r.checks), ControlStatus::Failed);
        }
        let pci = r
            .totals
            .by_framework
            .iter()
            .find(|p| p.framework == Framework::PciDss4)
            .expect("pci posture");
        assert_eq!(
            pci.failed + pci.accepted + pci.not_evaluated + pci.passed + pci.manual,
            pci.controls
        );
    }

    #[test]
    fn resource_paths_are_stable_uri_segments() {
        let k = ResourceRef::kube("Deployment", Some("prod"), "api").with_container("app");
        assert_eq!(resource_path(&k), "kubernetes/prod/Deployment/api/app");
        let d = ResourceRef::docker("Container", "web", "host");
        assert_eq!(resource_path(&d), "docker/host/Container/web");
        let c = ResourceRef::kube("ClusterRole", None, "a b/c");
        assert_eq!(
            resource_path(&c),
            "kubernetes/_cluster/ClusterRole/a%20b%2Fc"
        );
        let nohost = ResourceRef::docker("Image", "x", "");
        assert_eq!(resource_path(&nohost), "docker/_host/Image/x");
    }

    #[test]
    fn every_format_states_what_was_not_evaluated_and_is_deterministic() {
        let (snap, scan) = fixture::sample();
        let r = Report::new(&snap, &scan, fixture::NOW);
        for f in Format::ALL {
            let a = render(&r, f);
            let b = render(&Report::new(&snap, &scan, fixture::NOW), f);
            assert_eq!(a, b, "{f} output is not deterministic");
            // The not-evaluated check, its reason, the coverage gap and the manual items.
            assert!(
                a.contains(fixture::NOT_EVALUATED_ID),
                "{f}: no not-evaluated check"
            );
            assert!(
                a.contains("403 Forbidden"),
                "{f}: no not-evaluated reason / gap"
            );
            assert!(a.contains("kube-system"), "{f}: no coverage gap scope");
            assert!(
                a.contains(MANUAL[0].reference),
                "{f}: manual items not mentioned"
            );
        }
    }

    #[test]
    fn empty_scan_renders_in_every_format() {
        let snap = Snapshot::new();
        let scan = ScanResult::default();
        let r = Report::new(&snap, &scan, "");
        for f in Format::ALL {
            let out = render(&r, f);
            assert!(!out.is_empty(), "{f} empty");
        }
    }
}
