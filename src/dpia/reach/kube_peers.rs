//! NetworkPolicy ingress rules resolved to the callers they allow: pods by selector in the
//! policy's namespace, any pod in namespaces matching a selector, both, or address blocks.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;

use super::gaps::gap;
use super::kube::unit_ref;
use super::{Source, SourceKind};
use crate::findings::ResourceRef;
use crate::model::{
    DataKind, LabelSelector, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort, Snapshot, Str,
    WorkloadUnit,
};

const NAME_LABEL: &str = "kubernetes.io/metadata.name";

/// Every namespace the snapshot knows, with its labels (plus the implicit name label the
/// API server sets on every namespace).
pub(super) struct NsIndex {
    labels: BTreeMap<String, crate::model::Labels>,
    /// Why namespace labels are not known (namespaces unread), if so.
    unread: Option<String>,
}

impl NsIndex {
    pub(super) fn new(s: &Snapshot, units: &[WorkloadUnit<'_>]) -> Self {
        let mut labels: BTreeMap<String, crate::model::Labels> = BTreeMap::new();
        for n in &s.kube.namespaces {
            labels.insert(n.meta.name.to_string(), n.meta.labels.clone());
        }
        for u in units {
            labels.entry(u.namespace().to_string()).or_default();
        }
        for p in &s.kube.network_policies {
            labels
                .entry(p.meta.namespace_str().to_string())
                .or_default();
        }
        for (name, l) in labels.iter_mut() {
            if !l.contains_key(NAME_LABEL) {
                l.insert(NAME_LABEL, name.as_str());
            }
        }
        let unread = gap(s, DataKind::KubeNamespaces, "", &BTreeSet::new());
        NsIndex { labels, unread }
    }

    /// Names of every known namespace.
    pub(super) fn names(&self) -> BTreeSet<&str> {
        self.labels.keys().map(String::as_str).collect()
    }

    fn matching(&self, sel: &LabelSelector) -> Vec<&str> {
        self.labels
            .iter()
            .filter(|(_, l)| sel.matches(l))
            .map(|(n, _)| n.as_str())
            .collect()
    }
}

/// The units a peer selects, resolved once per distinct peer (many policies repeat the
/// same peers: resolving each against every unit made the connection map quadratic).
pub(super) struct PeerCache<'a> {
    /// Unit positions by namespace, in unit order.
    by_ns: HashMap<&'a str, Vec<usize>>,
    /// (home namespace when no namespace selector, namespace selector, pod selector) ->
    /// the namespaces matched and the units selected, in unit order.
    resolved: HashMap<String, Rc<Resolved<'a>>>,
}

struct Resolved<'a> {
    namespaces: BTreeSet<&'a str>,
    units: Vec<usize>,
}

impl<'a> PeerCache<'a> {
    pub(super) fn new(units: &[WorkloadUnit<'a>]) -> Self {
        let mut by_ns: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, u) in units.iter().enumerate() {
            by_ns.entry(u.namespace()).or_default().push(i);
        }
        PeerCache {
            by_ns,
            resolved: HashMap::new(),
        }
    }

    /// Units in `namespaces` whose pods `pods` selects (every pod when None).
    fn resolve(
        &mut self,
        units: &[WorkloadUnit<'a>],
        home: Option<&str>,
        ns_sel: Option<&LabelSelector>,
        pods: Option<&LabelSelector>,
        ns: &'a NsIndex,
    ) -> Rc<Resolved<'a>> {
        let key = format!("{home:?}\u{0}{ns_sel:?}\u{0}{pods:?}");
        if let Some(r) = self.resolved.get(&key) {
            return Rc::clone(r);
        }
        // Only a namespace selector needs the namespaces (to name them).
        let namespaces: BTreeSet<&'a str> = match ns_sel {
            Some(sel) => ns.matching(sel).into_iter().collect(),
            None => BTreeSet::new(),
        };
        let mut picked: Vec<usize> = Vec::new();
        let mut in_ns = |n: &str| {
            if let Some(list) = self.by_ns.get(n) {
                picked.extend(list);
            }
        };
        match (ns_sel, home) {
            (None, Some(h)) => in_ns(h),
            _ => namespaces.iter().for_each(|n| in_ns(n)),
        }
        picked.sort_unstable();
        picked.retain(|&j| pods.is_none_or(|sel| sel.matches(&units[j].pod().labels)));
        let r = Rc::new(Resolved {
            namespaces,
            units: picked,
        });
        self.resolved.insert(key, Rc::clone(&r));
        r
    }
}

/// The sources the ingress rules of `policies` allow to reach unit `me`, and a note when
/// namespace selectors could only be resolved from namespace names.
pub(super) fn policy_sources<'a>(
    units: &[WorkloadUnit<'a>],
    me: usize,
    policies: &[&NetworkPolicy],
    ns: &'a NsIndex,
    cache: &mut PeerCache<'a>,
) -> (Vec<Source>, Option<String>) {
    let mut out: Vec<Source> = Vec::new();
    let mut label_selector_used = false;
    for p in policies {
        let granted_by = format!("NetworkPolicy {}", p.meta.key());
        let home = p.meta.namespace_str();
        for rule in &p.ingress {
            let ports: Vec<String> = rule.ports.iter().map(port_str).collect();
            let mut add = |src: Source| {
                if !out.contains(&src) {
                    out.push(src);
                }
            };
            if rule.peers.is_empty() {
                add(Source {
                    kind: SourceKind::Anyone,
                    description: "any source (a rule without `from`)".to_string(),
                    members: Vec::new(),
                    ports: ports.clone(),
                    granted_by: granted_by.clone(),
                });
                continue;
            }
            for peer in &rule.peers {
                if let Some(sel) = &peer.namespace_selector {
                    label_selector_used |= name_of(sel).is_none() && !is_empty(sel);
                }
                let (kind, description, members) = resolve(peer, home, units, me, ns, cache);
                add(Source {
                    kind,
                    description,
                    members,
                    ports: ports.clone(),
                    granted_by: granted_by.clone(),
                });
            }
        }
    }
    let note = match (&ns.unread, label_selector_used) {
        (Some(why), true) => Some(format!(
            "{why}; namespaceSelector matches were resolved from namespace names only"
        )),
        _ => None,
    };
    (out, note)
}

fn resolve<'a>(
    peer: &NetworkPolicyPeer,
    home: &str,
    units: &[WorkloadUnit<'a>],
    me: usize,
    ns: &'a NsIndex,
    cache: &mut PeerCache<'a>,
) -> (SourceKind, String, Vec<ResourceRef>) {
    if let Some(cidr) = &peer.ip_block {
        let mut d = format!("addresses in {cidr}");
        if !peer.ip_block_except.is_empty() {
            d.push_str(&format!(" except {}", peer.ip_block_except.join(", ")));
        }
        return (SourceKind::IpBlock, d, Vec::new());
    }
    let members = |r: &Resolved| {
        r.units
            .iter()
            .filter(|&&j| j != me)
            .map(|&j| unit_ref(&units[j]))
            .collect::<Vec<_>>()
    };
    match (&peer.namespace_selector, &peer.pod_selector) {
        (None, pods) => {
            let d = match pods {
                Some(sel) if !is_empty(sel) => {
                    format!("pods {} in namespace {home}", selector_str(sel))
                }
                _ => format!("any pod in namespace {home}"),
            };
            let r = cache.resolve(units, Some(home), None, pods.as_ref(), ns);
            (SourceKind::Pods, d, members(&r))
        }
        (Some(nsel), pods) => {
            let r = cache.resolve(units, None, Some(nsel), pods.as_ref(), ns);
            let where_ = ns_phrase(nsel, &r.namespaces);
            let m = members(&r);
            match pods {
                Some(sel) if !is_empty(sel) => (
                    SourceKind::PodsInNamespaces,
                    format!("pods {} in {where_}", selector_str(sel)),
                    m,
                ),
                _ => (SourceKind::Namespaces, format!("any pod in {where_}"), m),
            }
        }
    }
}

/// `namespace patients`, `any namespace`, `namespaces labelled team=web (matches: web, shop)`.
fn ns_phrase(sel: &LabelSelector, matched: &BTreeSet<&str>) -> String {
    if let Some(name) = name_of(sel) {
        return format!("namespace {name}");
    }
    if is_empty(sel) {
        return "any namespace".to_string();
    }
    let m = if matched.is_empty() {
        "matches no namespace".to_string()
    } else {
        let names: Vec<&str> = matched.iter().copied().collect();
        format!("matches: {}", names.join(", "))
    };
    format!("namespaces labelled {} ({m})", selector_str(sel))
}

/// The namespace a selector names by its `kubernetes.io/metadata.name` label alone.
fn name_of(sel: &LabelSelector) -> Option<&str> {
    match (sel.match_labels.len(), sel.match_expressions.is_empty()) {
        (1, true) => sel.match_labels.get(NAME_LABEL).map(Str::as_str),
        _ => None,
    }
}

fn is_empty(sel: &LabelSelector) -> bool {
    sel.match_labels.is_empty() && sel.match_expressions.is_empty()
}

/// kubectl `-l` syntax: `app=web, tier in (a, b), !legacy`.
pub(super) fn selector_str(sel: &LabelSelector) -> String {
    let mut parts: Vec<String> = sel
        .match_labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    for e in &sel.match_expressions {
        parts.push(match e.operator.as_str() {
            "In" => format!("{} in ({})", e.key, e.values.join(", ")),
            "NotIn" => format!("{} notin ({})", e.key, e.values.join(", ")),
            "Exists" => e.key.to_string(),
            "DoesNotExist" => format!("!{}", e.key),
            other => format!("{} {other} ({})", e.key, e.values.join(", ")),
        });
    }
    parts.join(", ")
}

/// `5432`, `http`, `53/UDP`, `all UDP ports`.
fn port_str(p: &NetworkPolicyPort) -> String {
    let proto = if p.protocol.is_empty() {
        "TCP"
    } else {
        p.protocol.as_str()
    };
    match (&p.port, proto) {
        (Some(port), "TCP") => port.to_string(),
        (Some(port), _) => format!("{port}/{proto}"),
        (None, _) => format!("all {proto} ports"),
    }
}
