//! Residual risks of a processing system, worded from its failing measures and its
//! exposure, so a reader can take each sentence into the DPIA's risk section (Art. 35(7)(c))
//! and decide on a mitigation or accept it.

use super::reach::{Exposure, Reachability};
use super::register::RegisterRow;
use crate::checks::{self, Family, Severity};

/// One sentence per risk, most severe first: exposure, reachability, failing measures by
/// kind, storage, classification.
pub fn residual_risks(row: &RegisterRow) -> Vec<String> {
    let mut out = Vec::new();
    let sensitive = sensitivity(&row.categories);
    // Stores per kind of risk, so one sentence names every store it applies to.
    let (mut direct, mut hop, mut exposure_unknown) = (Vec::new(), Vec::new(), Vec::new());
    let (mut wide, mut host, mut reach_unknown, mut volatile) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut example_direct = None;
    let mut example_hop = None;
    for e in &row.stores {
        let name = format!("{} ({})", e.store.name(), data_phrase(&e.store.categories));
        let first_open = e
            .reach
            .paths
            .iter()
            .find(|p| p.is_external() && p.blocked_by.is_none())
            .map(|p| p.brief());
        match &e.reach.exposure {
            Exposure::Direct => {
                direct.push(name.clone());
                example_direct = example_direct.or(first_open);
            }
            Exposure::OneHop => {
                hop.push(name.clone());
                example_hop = example_hop.or(first_open);
            }
            Exposure::Unknown { why } => exposure_unknown.push(format!("{name}: {why}")),
            Exposure::HostOnly | Exposure::NotExposed => {}
        }
        match &e.reach.reach {
            Reachability::ClusterWide => wide.push(name.clone()),
            Reachability::HostNetwork => host.push(name.clone()),
            Reachability::Unknown { why } => reach_unknown.push(format!("{name}: {why}")),
            Reachability::Restricted { .. } | Reachability::Isolated { .. } => {}
        }
        if e.store.storage.is_empty() {
            volatile.push(e.store.name());
        }
    }
    let eg = |x: Option<String>| x.map(|p| format!(", e.g. {p}")).unwrap_or_default();
    if !direct.is_empty() {
        out.push(format!(
            "Reachable from the internet{}: {}. A weak or leaked credential, or one \
             vulnerability in the store, is enough for unauthorised access or disclosure \
             (Art. 32(2)).",
            eg(example_direct),
            direct.join("; ")
        ));
    }
    if !hop.is_empty() {
        out.push(format!(
            "One hop from the internet through an exposed workload{}: {}. A compromise of \
             that workload gives a path to the data.",
            eg(example_hop),
            hop.join("; ")
        ));
    }
    if !exposure_unknown.is_empty() {
        out.push(format!(
            "Internet exposure could not be determined, treat as exposed until checked: {}.",
            exposure_unknown.join("; ")
        ));
    }
    if !wide.is_empty() {
        out.push(format!(
            "Any pod in the cluster can connect (no NetworkPolicy selects them): {}. One \
             compromised workload anywhere reaches the data.",
            wide.join("; ")
        ));
    }
    if !host.is_empty() {
        out.push(format!(
            "On the host network, where NetworkPolicies do not apply and anything that \
             reaches the node can connect: {}.",
            host.join("; ")
        ));
    }
    if !reach_unknown.is_empty() {
        out.push(format!(
            "Who can connect is unknown, treat as reachable by every workload until checked: \
             {}.",
            reach_unknown.join("; ")
        ));
    }
    if !volatile.is_empty() {
        out.push(format!(
            "No persistent volume, the data is lost when the container is re-created \
             (availability and resilience, Art. 32(1)(b) and (c)): {}.",
            volatile.join(", ")
        ));
    }
    out.extend(failing_by_family(row));
    if row.categories.is_empty() {
        out.push(
            "The data categories are unknown: the risk to data subjects cannot be rated until \
             the stores are classified (docket.io/data-classification or dpia.toml)."
                .to_string(),
        );
    } else if let Some(kind) = sensitive {
        let serious = row
            .measures_failing
            .iter()
            .any(|m| m.severity >= Some(Severity::High));
        if serious {
            out.push(format!(
                "{kind} data with high or critical failing measures: likely a high risk to \
                 data subjects; the DPIA must weigh these before the processing continues \
                 (Art. 35, Art. 36 prior consultation if the risk stays high)."
            ));
        }
    }
    if row.owners.is_empty() {
        out.push(
            "No owner is recorded: nobody is accountable for these measures (Art. 5(2), \
             docket.io/owner)."
                .to_string(),
        );
    }
    out
}

/// `special-category data`, `personal and payment data`, `data of unknown category`.
pub fn data_phrase(categories: &[String]) -> String {
    if categories.is_empty() {
        "data of unknown category".to_string()
    } else {
        format!("{} data", categories.join(" and "))
    }
}

/// The most sensitive category, worded for a sentence start.
fn sensitivity(categories: &[String]) -> Option<&'static str> {
    if categories.iter().any(|c| c == "special-category") {
        Some("Special-category (Art. 9)")
    } else if categories.iter().any(|c| c == "payment") {
        Some("Payment")
    } else {
        None
    }
}

/// One sentence per family of failing measures at high or critical severity.
fn failing_by_family(row: &RegisterRow) -> Vec<String> {
    let mut out = Vec::new();
    for family in Family::ALL {
        let ids: Vec<&str> = row
            .measures_failing
            .iter()
            .filter(|m| m.severity >= Some(Severity::High))
            .filter(|m| checks::find(&m.check_id).is_some_and(|c| c.family == family))
            .map(|m| m.check_id.as_str())
            .collect();
        if ids.is_empty() {
            continue;
        }
        let consequence = match family {
            Family::DockerHost => {
                "daemon defects shared by every container on the host; a compromise of one \
                 container can reach the others' data"
            }
            Family::DockerImage => {
                "image defects; software of unknown or vulnerable origin handles the data"
            }
            Family::DockerContainer | Family::KubeWorkload => {
                "runtime hardening gaps; a compromised process can escalate to the host and \
                 read the data at rest"
            }
            Family::KubeNetwork => {
                "network exposure defects; the data is reachable by more callers than the \
                 processing needs"
            }
            Family::KubeRbac => "access control defects; more people and service accounts can reach the data than need to",
            Family::Secrets => {
                "credentials in clear text; anyone who can read the configuration can connect \
                 to the data directly"
            }
        };
        out.push(format!(
            "{} ({}): {consequence}.",
            family.label(),
            ids.join(", ")
        ));
    }
    out
}
