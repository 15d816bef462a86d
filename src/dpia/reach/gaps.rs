//! Whether a kind of data was read for a scope (a namespace or a Docker host). An unread
//! kind makes the answer unknown; it is never read as "nothing there".

use std::collections::{BTreeSet, HashMap};

use crate::model::{CoverageEntry, CoverageStatus, DataKind, Snapshot};

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
    first_gap(
        kind,
        s.coverage
            .entries
            .iter()
            .filter(|e| e.kind == kind && counts(&e.scope)),
    )
}

/// The answer of [`gap`] from the entries that count, in coverage order.
fn first_gap<'e>(
    kind: DataKind,
    relevant: impl Iterator<Item = &'e CoverageEntry>,
) -> Option<String> {
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

/// [`gap`] for one kind and one set of other scopes, asked for many scopes: the entries
/// are sorted once into those that count everywhere and those of each scope, so an answer
/// costs the entries that count for it (a live scan records an entry per namespace).
pub(super) struct ScopedGaps<'s> {
    s: &'s Snapshot,
    kind: DataKind,
    others: BTreeSet<&'s str>,
    /// Positions of the entries of `kind` whose scope is not one of `others`.
    everywhere: Vec<usize>,
    /// Positions of the entries of `kind` by their scope, one of `others`.
    by_scope: HashMap<&'s str, Vec<usize>>,
}

impl<'s> ScopedGaps<'s> {
    pub(super) fn new(s: &'s Snapshot, kind: DataKind, others: BTreeSet<&'s str>) -> Self {
        let mut everywhere = Vec::new();
        let mut by_scope: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, e) in s.coverage.entries.iter().enumerate() {
            if e.kind != kind {
                continue;
            }
            match others.get(e.scope.as_str()) {
                Some(scope) => by_scope.entry(scope).or_default().push(i),
                None => everywhere.push(i),
            }
        }
        ScopedGaps {
            s,
            kind,
            others,
            everywhere,
            by_scope,
        }
    }

    /// `gap(s, kind, scope, others)`.
    pub(super) fn gap(&self, scope: &str) -> Option<String> {
        if !self.others.contains(scope) {
            return gap(self.s, self.kind, scope, &self.others);
        }
        let mut at: Vec<usize> = self.everywhere.clone();
        at.extend(self.by_scope.get(scope).into_iter().flatten());
        at.sort_unstable();
        let entries = &self.s.coverage.entries;
        first_gap(self.kind, at.into_iter().map(|i| &entries[i]))
    }
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

    #[test]
    fn scoped_gaps_answer_like_gap_for_every_scope() {
        let mut s = Snapshot::new();
        let k = DataKind::KubeNetworkPolicies;
        s.coverage.collected(k, "prod");
        s.coverage.missing(k, "dev", "403 Forbidden");
        s.coverage.collected(DataKind::KubeServices, "cluster");
        s.coverage.missing(k, "cluster", "timeout");
        let others: BTreeSet<&str> = ["prod", "dev", "shop"].into_iter().collect();
        let scoped = ScopedGaps::new(&s, k, others.clone());
        for scope in ["prod", "dev", "shop", "elsewhere", ""] {
            assert_eq!(scoped.gap(scope), gap(&s, k, scope, &others), "{scope}");
        }
        assert_eq!(
            scoped.gap("dev").as_deref(),
            Some("Kubernetes network policies could not be read (dev): 403 Forbidden")
        );
        assert_eq!(
            scoped.gap("prod").as_deref(),
            Some("Kubernetes network policies could not be read (cluster): timeout")
        );
    }
}
