//! Paths from the outside world to a data store, and the two shapes the views draw them
//! in: a graph (nodes deduplicated, edges with ports) and an indented tree with shared
//! prefixes merged.

use serde::Serialize;

/// What a node on a path is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    /// Anything outside the cluster or the Docker host.
    Internet,
    /// The Docker host itself (its interfaces, or its local processes for 127.0.0.1).
    Host,
    /// Kubernetes nodes (hostPort, hostNetwork).
    Node,
    /// One Ingress rule: host and path.
    IngressRoute,
    Service,
    /// A Kubernetes workload (controller) on the way to the store.
    Workload,
    /// A Docker container on the way to the store.
    Container,
    /// The data store.
    Store,
}

/// One node on a path, with the port of the edge arriving at it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hop {
    pub kind: NodeKind,
    /// `Ingress web/portal https://app.example.com/`, `Service data/redis`,
    /// `StatefulSet data/postgres`, `host legacy-01 0.0.0.0:9001`.
    pub label: String,
    /// Port of the edge into this hop (`443`, `30080`, `5432/tcp`, `http`); None = any
    /// port, or nothing to say (the first hop).
    pub port: Option<String>,
}

impl Hop {
    pub fn new(kind: NodeKind, label: impl Into<String>, port: Option<String>) -> Self {
        Hop {
            kind,
            label: label.into(),
            port,
        }
    }
}

/// One way from the outside world (or the Docker host) to the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReachPath {
    /// From [`NodeKind::Internet`] or [`NodeKind::Host`] to the [`NodeKind::Store`].
    pub hops: Vec<Hop>,
    /// True when the path goes through another workload or container that may connect to
    /// the store (rather than reaching the store's own ports).
    pub one_hop: bool,
    /// Why the configured path does not work (`NetworkPolicy payments/deny-all allows no
    /// ingress`); None when nothing known stops it.
    pub blocked_by: Option<String>,
}

impl ReachPath {
    /// Starts at the Internet (rather than on the Docker host).
    pub fn is_external(&self) -> bool {
        self.hops.first().map(|h| h.kind) == Some(NodeKind::Internet)
    }

    pub fn is_one_hop(&self) -> bool {
        self.one_hop
    }

    /// Labels after the first hop, joined with arrows: `Ingress web/portal
    /// https://app.example.com/ -> Service web/portal -> Deployment web/portal`.
    pub fn brief(&self) -> String {
        let labels: Vec<&str> = self.hops.iter().skip(1).map(|h| h.label.as_str()).collect();
        labels.join(" -> ")
    }

    /// Every hop with the port of each edge: `Internet -[443]-> Ingress ... -[80]-> Service ...`.
    pub fn display(&self) -> String {
        let mut out = String::new();
        for (i, h) in self.hops.iter().enumerate() {
            if i > 0 {
                match &h.port {
                    Some(p) => out.push_str(&format!(" -[{p}]-> ")),
                    None => out.push_str(" -> "),
                }
            }
            out.push_str(&h.label);
        }
        if let Some(b) = &self.blocked_by {
            out.push_str(&format!(" (blocked: {b})"));
        }
        out
    }
}

/// A node of the merged graph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GraphNode {
    pub kind: NodeKind,
    pub label: String,
}

/// An edge of the merged graph (indices into [`ReachGraph::nodes`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GraphEdge {
    pub from: usize,
    pub to: usize,
    pub port: Option<String>,
    /// Every path using this edge is blocked.
    pub blocked: bool,
}

/// The paths of one store merged into a graph.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReachGraph {
    pub nodes: Vec<GraphNode>,
    pub edges: Vec<GraphEdge>,
}

impl ReachGraph {
    pub fn from_paths(paths: &[ReachPath]) -> Self {
        let mut g = ReachGraph::default();
        for p in paths {
            let blocked = p.blocked_by.is_some();
            let mut prev: Option<usize> = None;
            for h in &p.hops {
                let id = g.node(h.kind, &h.label);
                if let Some(from) = prev {
                    g.edge(from, id, h.port.clone(), blocked);
                }
                prev = Some(id);
            }
        }
        g
    }

    fn node(&mut self, kind: NodeKind, label: &str) -> usize {
        match self
            .nodes
            .iter()
            .position(|n| n.kind == kind && n.label == label)
        {
            Some(i) => i,
            None => {
                self.nodes.push(GraphNode {
                    kind,
                    label: label.to_string(),
                });
                self.nodes.len() - 1
            }
        }
    }

    fn edge(&mut self, from: usize, to: usize, port: Option<String>, blocked: bool) {
        match self
            .edges
            .iter_mut()
            .find(|e| e.from == from && e.to == to && e.port == port)
        {
            Some(e) => e.blocked &= blocked,
            None => self.edges.push(GraphEdge {
                from,
                to,
                port,
                blocked,
            }),
        }
    }
}

/// One line of the tree view: a hop at a depth, with the port of the edge into it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TreeLine {
    pub depth: usize,
    pub kind: NodeKind,
    pub label: String,
    pub port: Option<String>,
    /// Set on the last hop of a blocked path.
    pub blocked_by: Option<String>,
}

impl TreeLine {
    /// `  -[443]-> Ingress web/portal https://app.example.com/`, indented two spaces a level.
    pub fn text(&self) -> String {
        let indent = "  ".repeat(self.depth);
        let port = match (&self.port, self.depth) {
            (_, 0) => String::new(),
            (Some(p), _) => format!("-[{p}]-> "),
            (None, _) => "-> ".to_string(),
        };
        let blocked = match &self.blocked_by {
            Some(b) => format!(" (blocked: {b})"),
            None => String::new(),
        };
        format!("{indent}{port}{}{blocked}", self.label)
    }
}

/// The paths as a tree: paths sharing a prefix of hops share those lines.
pub fn tree(paths: &[ReachPath]) -> Vec<TreeLine> {
    // (depth, hop) of each line, in first-seen order; children follow their parent.
    let mut roots: Vec<TrieNode> = Vec::new();
    for p in paths {
        let mut level = &mut roots;
        let last = p.hops.len().saturating_sub(1);
        for (i, h) in p.hops.iter().enumerate() {
            let pos = match level.iter().position(|n| &n.hop == h) {
                Some(pos) => pos,
                None => {
                    level.push(TrieNode {
                        hop: h.clone(),
                        blocked_by: None,
                        children: Vec::new(),
                    });
                    level.len() - 1
                }
            };
            if i == last && p.blocked_by.is_some() {
                level[pos].blocked_by = p.blocked_by.clone();
            }
            level = &mut level[pos].children;
        }
    }
    let mut out = Vec::new();
    for r in &roots {
        flatten(r, 0, &mut out);
    }
    out
}

struct TrieNode {
    hop: Hop,
    blocked_by: Option<String>,
    children: Vec<TrieNode>,
}

fn flatten(n: &TrieNode, depth: usize, out: &mut Vec<TreeLine>) {
    out.push(TreeLine {
        depth,
        kind: n.hop.kind,
        label: n.hop.label.clone(),
        port: if depth == 0 { None } else { n.hop.port.clone() },
        blocked_by: n.blocked_by.clone(),
    });
    for c in &n.children {
        flatten(c, depth + 1, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(hops: &[(NodeKind, &str, Option<&str>)]) -> ReachPath {
        ReachPath {
            hops: hops
                .iter()
                .map(|(k, l, p)| Hop::new(*k, *l, p.map(str::to_string)))
                .collect(),
            one_hop: false,
            blocked_by: None,
        }
    }

    #[test]
    fn tree_merges_shared_prefixes_and_graph_dedups_nodes() {
        use NodeKind::*;
        let a = path(&[
            (Internet, "Internet", None),
            (IngressRoute, "Ingress web/w http://a/", Some("80")),
            (Service, "Service web/w", Some("80")),
            (Store, "Deployment web/w", Some("8080")),
        ]);
        let mut b = path(&[
            (Internet, "Internet", None),
            (Service, "Service web/w (NodePort)", Some("30080")),
            (Store, "Deployment web/w", Some("8080")),
        ]);
        b.blocked_by = Some("deny".into());
        let lines: Vec<String> = tree(&[a.clone(), b.clone()])
            .iter()
            .map(TreeLine::text)
            .collect();
        assert_eq!(
            lines,
            vec![
                "Internet",
                "  -[80]-> Ingress web/w http://a/",
                "    -[80]-> Service web/w",
                "      -[8080]-> Deployment web/w",
                "  -[30080]-> Service web/w (NodePort)",
                "    -[8080]-> Deployment web/w (blocked: deny)",
            ]
        );
        let g = ReachGraph::from_paths(&[a.clone(), b]);
        assert_eq!(g.nodes.len(), 5);
        assert_eq!(g.edges.len(), 5);
        assert_eq!(g.edges.iter().filter(|e| e.blocked).count(), 2);
        assert_eq!(
            a.display(),
            "Internet -[80]-> Ingress web/w http://a/ -[80]-> Service web/w -[8080]-> Deployment web/w"
        );
        assert_eq!(
            a.brief(),
            "Ingress web/w http://a/ -> Service web/w -> Deployment web/w"
        );
    }
}
