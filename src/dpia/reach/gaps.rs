//! Whether a kind of data was read for a scope (a namespace or a Docker host). An unread
//! kind makes the answer unknown; it is never read as "nothing there".

use std::collections::BTreeSet;

use crate::model::{CoverageStatus, DataKind, Snapshot};

/// Why `kind` is not known for `scope`, or None when it was read there.
///
/// A coverage entry counts for `scope` when it names `scope` or does not name one of the
/// `other_scopes` (cluster-wide entries, the demo's cluster, file inputs). A missing entry
/// that counts wins over a collected one; no entry that counts means the kind was never read.
pub(super) fn gap(
    s: &Snapshot,
    kind: DataKind,
    scope: &str,
    other_scopes: &BTreeSet<&str>,
) -> Option<String> {
    let counts = |e_scope: &str| e_scope == scope || !other_scopes.contains(e_scope);
    let relevant = s
        .coverage
        .entries
        .iter()
        .filter(|e| e.kind == kind && counts(&e.scope));
    let mut collected = false;
    for e in relevant {
        match e.status {
            CoverageStatus::Missing => {
                let at = if e.scope.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", e.scope)
                };
                return Some(format!(
                    "{} could not be read{at}: {}",
                    kind.label(),
                    e.reason
                ));
            }
            CoverageStatus::Collected => collected = true,
        }
    }
    (!collected).then(|| format!("{} were not read (not in the inputs)", kind.label()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_for_the_scope_or_cluster_wins_other_namespaces_do_not_count() {
        let mut s = Snapshot::new();
        let k = DataKind::KubeNetworkPolicies;
        let others: BTreeSet<&str> = ["prod", "dev"].into_iter().collect();
        assert_eq!(
            gap(&s, k, "shop", &others).as_deref(),
            Some("Kubernetes network policies were not read (not in the inputs)")
        );
        s.coverage.collected(k, "cluster");
        assert_eq!(gap(&s, k, "shop", &others), None);
        s.coverage.missing(k, "dev", "403 Forbidden");
        assert_eq!(gap(&s, k, "shop", &others), None);
        s.coverage.missing(k, "shop", "403 Forbidden");
        assert_eq!(
            gap(&s, k, "shop", &others).as_deref(),
            Some("Kubernetes network policies could not be read (shop): 403 Forbidden")
        );
    }
}
