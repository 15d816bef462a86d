//! Security measures of a processing system, from the scan: the checks serving GDPR
//! Art. 32 or Art. 25 that failed on the system's resources (with the findings), that ran
//! and found nothing (in place), and that could not run (unknown).
//!
//! A system's resources are its stores, plus for Docker their images and host, and for
//! Kubernetes the Services selecting their pods, the Ingresses routing to those Services
//! and their namespaces.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::lookup::Lookup;
use super::DataStore;
use crate::checks::{self, Check, Family, Framework, Outcome, ScanResult, Severity};
use crate::findings::{Finding, Platform, ResourceRef};

/// One check's verdict on a system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Measure {
    pub check_id: String,
    pub title: String,
    /// Worst severity among the findings (failing measures only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    /// The GDPR controls it serves: `Art. 32(1)(b)`, `Art. 25`.
    pub controls: Vec<String>,
    /// Where it failed (`StatefulSet data/postgres [postgres]`); empty when in place.
    pub resources: Vec<String>,
    /// `partial data: ...` when the check ran on incomplete data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The measures of one system.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Measures {
    pub failing: Vec<Measure>,
    pub in_place: Vec<Measure>,
    /// Checks that could not run, with the reason.
    pub not_evaluated: Vec<String>,
}

/// The GDPR Art. 32 / Art. 25 controls of a check (empty: the check is not a GDPR measure).
pub fn gdpr_controls(check: &Check) -> Vec<String> {
    check
        .controls
        .iter()
        .filter(|c| {
            c.framework == Framework::Gdpr && (c.id.starts_with("Art. 32") || c.id == "Art. 25")
        })
        .map(|c| c.id.to_string())
        .collect()
}

/// The identity of a resource for matching findings: platform, kind, namespace, name
/// (not the container, not the informational host).
type Key<'a> = (Platform, &'a str, Option<&'a str>, &'a str);

fn key(r: &ResourceRef) -> Key<'_> {
    (r.platform, &r.kind, r.namespace.as_deref(), &r.name)
}

/// A scan's findings by resource, and the GDPR measures of the catalog with their
/// outcomes, built once per register: looking up a system's findings is then proportional
/// to its own findings, not to the whole scan (at 10,000 pods the register took 6.3 s
/// scanning every finding for every system and store), and the catalog is walked once, not
/// once per store.
pub struct FindingIndex<'a> {
    by_resource: HashMap<Key<'a>, Vec<&'a Finding>>,
    /// The catalog's GDPR measures (RBAC left out), in catalog order.
    gdpr: Vec<GdprCheck<'a>>,
}

/// One GDPR measure of the catalog and what the scan said about it.
struct GdprCheck<'a> {
    check: &'static Check,
    controls: Vec<String>,
    outcome: Option<&'a Outcome>,
    /// `partial data: ...`.
    note: Option<String>,
}

impl<'a> FindingIndex<'a> {
    pub fn new(scan: &'a ScanResult) -> Self {
        let mut by_resource: HashMap<Key<'a>, Vec<&'a Finding>> = HashMap::new();
        for f in &scan.findings {
            by_resource.entry(key(&f.resource)).or_default().push(f);
        }
        let outcomes: HashMap<&str, &Outcome> = scan
            .results
            .iter()
            .rev()
            .map(|r| (r.check_id.as_str(), &r.outcome))
            .collect();
        let gdpr = checks::catalog()
            .iter()
            .filter(|c| c.family != Family::KubeRbac)
            .filter_map(|check| {
                let controls = gdpr_controls(check);
                // RBAC checks are about roles and subjects, not about a system's resources.
                if controls.is_empty() {
                    return None;
                }
                let outcome = outcomes.get(check.id).copied();
                let note = match outcome {
                    Some(Outcome::Partial(reasons)) => {
                        Some(format!("partial data: {}", reasons.join("; ")))
                    }
                    _ => None,
                };
                Some(GdprCheck {
                    check,
                    controls,
                    outcome,
                    note,
                })
            })
            .collect();
        FindingIndex { by_resource, gdpr }
    }
}

/// Every resource whose findings count for these stores.
pub fn system_resources(lookup: &Lookup<'_>, stores: &[&DataStore]) -> Vec<ResourceRef> {
    let mut out: Vec<ResourceRef> = Vec::new();
    let mut seen: HashSet<(Platform, String, Option<String>, String)> = HashSet::new();
    let mut add = |r: ResourceRef, out: &mut Vec<ResourceRef>| {
        let k = (
            r.platform,
            r.kind.clone(),
            r.namespace.clone(),
            r.name.clone(),
        );
        if seen.insert(k) {
            out.push(r);
        }
    };
    for s in stores {
        let r = &s.resource;
        add(r.clone(), &mut out);
        match r.platform {
            Platform::Docker => {
                let host = r.host.clone().unwrap_or_default();
                if let Some(c) = lookup.container(&r.name, |h| h == host) {
                    if let Some(i) = lookup.image_of(c) {
                        add(
                            ResourceRef::docker("Image", &i.display_name(), &host),
                            &mut out,
                        );
                    }
                }
                if !host.is_empty() {
                    add(ResourceRef::docker("Host", &host, &host), &mut out);
                }
            }
            Platform::Kubernetes => {
                let ns = r.namespace.clone().unwrap_or_default();
                let labels = lookup
                    .workload(&r.kind, &ns, &r.name)
                    .map(|w| &w.pod.labels);
                let empty = Default::default();
                for svc in lookup.services_selecting(&ns, labels.unwrap_or(&empty)) {
                    add(
                        ResourceRef::kube("Service", Some(&ns), &svc.meta.name),
                        &mut out,
                    );
                    for ing in lookup.ingresses_to(&ns, &svc.meta.name) {
                        add(
                            ResourceRef::kube("Ingress", Some(&ns), &ing.meta.name),
                            &mut out,
                        );
                    }
                }
                if !ns.is_empty() {
                    add(ResourceRef::kube("Namespace", None, &ns), &mut out);
                }
            }
        }
    }
    out
}

/// Whether a check reads data of this platform (a Docker check says nothing about a pod).
fn reads_platform(check: &Check, platform: Platform) -> bool {
    check
        .needs
        .iter()
        .any(|k| k.is_docker() == (platform == Platform::Docker))
}

/// Failing, in-place and not-evaluated GDPR measures over `resources` of `platform`.
pub fn measures(index: &FindingIndex, platform: Platform, resources: &[ResourceRef]) -> Measures {
    let mut m = Measures::default();
    let mut by_check: HashMap<&str, Vec<&Finding>> = HashMap::new();
    let mut looked: HashSet<Key> = HashSet::new();
    for r in resources {
        let k = key(r);
        if !looked.insert(k) {
            continue;
        }
        for f in index.by_resource.get(&k).into_iter().flatten() {
            by_check.entry(f.check_id.as_str()).or_default().push(f);
        }
    }
    for g in &index.gdpr {
        let check = g.check;
        if !reads_platform(check, platform) {
            continue;
        }
        let hits: Vec<&Finding> = by_check.remove(check.id).unwrap_or_default();
        let outcome = g.outcome;
        let note = g.note.clone();
        let mut measure = Measure {
            check_id: check.id.to_string(),
            title: check.title.to_string(),
            severity: None,
            controls: g.controls.clone(),
            resources: Vec::new(),
            note,
        };
        if !hits.is_empty() {
            measure.severity = hits.iter().map(|f| f.severity).max();
            measure.resources = hits
                .iter()
                .map(|f| super::resource_name(&f.resource))
                .collect();
            // Resources in the scan's order (by name), whatever order they were looked up in.
            measure.resources.sort();
            measure.resources.dedup();
            m.failing.push(measure);
            continue;
        }
        match outcome {
            Some(o) if o.ran() => m.in_place.push(measure),
            Some(Outcome::NotEvaluated(reasons)) => m.not_evaluated.push(format!(
                "{} {} not evaluated: {}",
                check.id,
                check.title,
                reasons.join("; ")
            )),
            _ => {}
        }
    }
    m.failing.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.check_id.cmp(&b.check_id))
    });
    m
}
