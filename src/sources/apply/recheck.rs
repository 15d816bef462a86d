//! Re-running a finding's check on re-read objects (pure): the objects go through the
//! live source's normalizer (`kube_json`) into a snapshot, alone or in place of their
//! old versions in the snapshot the finding came from, and the finding's fingerprint is
//! looked for.

use std::collections::BTreeSet;

use serde_json::Value;

use super::Verification;
use crate::checks::{self, engine};
use crate::findings::Finding;
use crate::model::{DataKind, KubeInventory, Snapshot};
use crate::sources::kube_json;

/// `reread`: (kind, object as the API server returned it). `words` names them for the
/// detail ("Deployment shop/web").
pub(crate) fn recheck(
    reread: &[(String, Value)],
    finding: &Finding,
    context: Option<&Snapshot>,
    words: &str,
) -> Verification {
    let Some(check) = checks::find(&finding.check_id) else {
        return Verification {
            resolved: false,
            detail: format!(
                "check {} is not in this Docket's catalog, so it could not be re-run on {words}; \
                 rescan to confirm",
                finding.check_id
            ),
        };
    };
    let mut snap = match context {
        Some(c) => c.clone(),
        None => Snapshot::new(),
    };
    let mut fresh = Snapshot::new();
    let mut warnings = Vec::new();
    let mut versions = Vec::new();
    for (kind, v) in reread {
        let meta = |k: &str| v.pointer(&format!("/metadata/{k}")).and_then(Value::as_str);
        remove(
            &mut snap.kube,
            kind,
            meta("namespace"),
            meta("name").unwrap_or(""),
        );
        if let Some(data) = kube_json::add_object_of_kind(kind, v, &mut fresh, &mut warnings) {
            fresh
                .coverage
                .collected(data, meta("namespace").unwrap_or("cluster"));
        }
        if let Some(rv) = meta("resourceVersion") {
            versions.push(rv.to_string());
        }
    }
    snap.merge(fresh);
    let read = if versions.is_empty() {
        format!("re-read {words}")
    } else {
        format!("re-read {words} (resourceVersion {})", versions.join(", "))
    };
    let outcome = engine::outcome_for(check, &snap);
    if !outcome.ran() {
        let why = match &outcome {
            checks::Outcome::NotEvaluated(r) | checks::Outcome::NotApplicable(r) => r.join("; "),
            _ => outcome.label().to_string(),
        };
        let needs: BTreeSet<&str> = check.needs.iter().map(|d| DataKind::label(*d)).collect();
        return Verification {
            resolved: false,
            detail: format!(
                "{read}, but {} needs more than that object ({}): {why}. Rescan to confirm the \
                 fix",
                check.id,
                needs.into_iter().collect::<Vec<_>>().join(", ")
            ),
        };
    }
    let still = check
        .evaluate(&snap)
        .into_iter()
        .find(|f| f.fingerprint == finding.fingerprint);
    match still {
        None => Verification {
            resolved: true,
            detail: format!(
                "{read}: {} no longer finds {} ({}): resolved",
                check.id,
                finding.fingerprint,
                finding.resource.display()
            ),
        },
        Some(f) => Verification {
            resolved: false,
            detail: format!(
                "{read}: {} still finds {}: {}",
                check.id, finding.fingerprint, f.message
            ),
        },
    }
}

/// Drop the old version of an object from an inventory (kube_json places namespaced
/// objects without a namespace in `default`).
fn remove(inv: &mut KubeInventory, kind: &str, namespace: Option<&str>, name: &str) {
    let namespaced = kube_json::kind_entry(kind).is_some_and(|e| e.namespaced);
    let ns = match namespace {
        Some(ns) if namespaced => Some(ns),
        None if namespaced => Some("default"),
        _ => None,
    };
    let is = |m: &crate::model::ObjectMeta| m.name == name && m.namespace.as_deref() == ns;
    match kind {
        "Namespace" => inv.namespaces.retain(|o| !is(&o.meta)),
        "Node" => inv.nodes.retain(|o| !is(&o.meta)),
        "Service" => inv.services.retain(|o| !is(&o.meta)),
        "Ingress" => inv.ingresses.retain(|o| !is(&o.meta)),
        "NetworkPolicy" => inv.network_policies.retain(|o| !is(&o.meta)),
        "ServiceAccount" => inv.service_accounts.retain(|o| !is(&o.meta)),
        "ConfigMap" => inv.config_maps.retain(|o| !is(&o.meta)),
        "Secret" => inv.secrets.retain(|o| !is(&o.meta)),
        "Role" | "ClusterRole" => {
            let cluster = kind == "ClusterRole";
            inv.roles.retain(|o| !(o.cluster == cluster && is(&o.meta)))
        }
        "RoleBinding" | "ClusterRoleBinding" => {
            let cluster = kind == "ClusterRoleBinding";
            inv.bindings
                .retain(|o| !(o.cluster == cluster && is(&o.meta)))
        }
        _ => inv
            .workloads
            .retain(|o| !(o.kind.as_str() == kind && is(&o.meta))),
    }
}
