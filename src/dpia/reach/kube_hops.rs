//! Kubernetes "one hop" paths: from the outside world into an exposed workload that the
//! store's reachability lets connect to it.

use std::collections::HashSet;

use super::kube::{relabel_store, unit_label, KubeCtx};
use super::{Hop, NodeKind, ReachPath, Reachability, SourceKind};

impl KubeCtx<'_> {
    /// Paths through another exposed workload that may connect to unit `i`: the callers
    /// the rules name, first come with their ports, then (no policy, or a rule allowing any
    /// source) every other unit in order. Only units with a way in give paths, so the
    /// second part walks the exposed units until the limit and counts the rest.
    pub(super) fn one_hop(&self, i: usize, store: &str) -> (Vec<ReachPath>, usize) {
        let mut named: Vec<(usize, &[String])> = Vec::new();
        let mut seen: HashSet<usize> = HashSet::new();
        let mut everyone: Option<&[String]> = None;
        match &self.views[i].reach {
            Reachability::ClusterWide | Reachability::HostNetwork => everyone = Some(&[]),
            Reachability::Restricted { sources } => {
                for src in sources {
                    if src.kind == SourceKind::Anyone {
                        everyone = Some(&src.ports);
                        break;
                    }
                    for j in src.members.iter().filter_map(|m| self.find(m)) {
                        if seen.insert(j) {
                            named.push((j, &src.ports));
                        }
                    }
                }
            }
            Reachability::Isolated { .. } | Reachability::Unknown { .. } => {}
        }
        let mut paths = Vec::new();
        let mut omitted = 0;
        for &(j, ports) in &named {
            if j != i {
                self.paths_through(j, ports, store, &mut paths, &mut omitted);
            }
        }
        if let Some(ports) = everyone {
            let mut rest = self.entries_total
                - self.entries[i]
                - seen
                    .iter()
                    .filter(|&&j| j != i)
                    .map(|&j| self.entries[j])
                    .sum::<usize>();
            for &j in &self.exposed {
                if paths.len() >= super::ONE_HOP_LIMIT {
                    break;
                }
                if j == i || seen.contains(&j) {
                    continue;
                }
                self.paths_through(j, ports, store, &mut paths, &mut omitted);
                rest -= self.entries[j];
            }
            omitted += rest;
        }
        (paths, omitted)
    }

    /// The paths into caller `j` extended to the store, up to the limit (the rest counted).
    fn paths_through(
        &self,
        j: usize,
        ports: &[String],
        store: &str,
        paths: &mut Vec<ReachPath>,
        omitted: &mut usize,
    ) {
        let caller = unit_label(&self.units[j]);
        for p in self.views[j].direct.iter().filter(|p| enters(p)) {
            if paths.len() >= super::ONE_HOP_LIMIT {
                *omitted += 1;
                continue;
            }
            let mut hops = relabel_store(p, &caller).hops;
            if let Some(last) = hops.last_mut() {
                last.kind = NodeKind::Workload;
            }
            let port = (!ports.is_empty()).then(|| ports.join(","));
            hops.push(Hop::new(NodeKind::Store, store, port));
            paths.push(ReachPath {
                hops,
                one_hop: true,
                blocked_by: None,
            });
        }
    }
}

/// A direct path another workload's traffic can come in by: open, and not a hostNetwork
/// pod without declared ports (what it listens on is unknown).
pub(super) fn enters(p: &ReachPath) -> bool {
    let portless_node = p
        .hops
        .get(1)
        .is_some_and(|h| h.kind == NodeKind::Node && h.port.is_none());
    p.blocked_by.is_none() && !portless_node
}
