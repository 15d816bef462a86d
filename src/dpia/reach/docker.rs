//! Docker reachability: containers sharing a network with the store (the default bridge
//! only when inter-container communication is on), host network mode, and published ports
//! (all interfaces = the outside world; loopback = the host only), plus one hop through an
//! exposed container that shares a network with it.

use std::collections::BTreeSet;

use super::gaps::gap;
use super::{blank, Exposure, Hop, NodeKind, ReachPath, Reachability, Source, SourceKind};
use super::{StoreReach, ONE_HOP_LIMIT};
use crate::findings::ResourceRef;
use crate::model::{Container, DataKind, DockerNetwork, Snapshot};

const OPT_DEFAULT: &str = "com.docker.network.bridge.default_bridge";
const OPT_ICC: &str = "com.docker.network.bridge.enable_icc";
const OPT_BIND_IP: &str = "com.docker.network.bridge.host_binding_ipv4";

pub(super) struct DockerCtx<'a> {
    s: &'a Snapshot,
    hosts: BTreeSet<&'a str>,
}

fn same_host(a: &str, b: &str) -> bool {
    a.is_empty() || b.is_empty() || a == b
}

fn container_ref(c: &Container) -> ResourceRef {
    ResourceRef::docker("Container", &c.name, &c.host)
}

fn label(c: &Container) -> String {
    format!("Container {}", c.name)
}

impl<'a> DockerCtx<'a> {
    pub(super) fn new(s: &'a Snapshot) -> Self {
        let mut hosts: BTreeSet<&str> = s.docker.hosts.iter().map(|h| h.name.as_str()).collect();
        hosts.extend(s.docker.containers.iter().map(|c| c.host.as_str()));
        DockerCtx { s, hosts }
    }

    fn containers_on(&self, host: &'a str) -> impl Iterator<Item = &'a Container> + 'a {
        self.s
            .docker
            .containers
            .iter()
            .filter(move |c| same_host(&c.host, host))
    }

    fn network(&self, name: &str, host: &str) -> Option<&'a DockerNetwork> {
        self.s
            .docker
            .networks
            .iter()
            .find(|n| n.name == name && same_host(&n.host, host))
    }

    /// The container whose network namespace `c` uses (itself, or `--network container:X`).
    fn netns_owner(&self, c: &'a Container) -> Option<&'a Container> {
        let Some(target) = c.network_mode.strip_prefix("container:") else {
            return Some(c);
        };
        self.containers_on(&c.host)
            .find(|d| d.name == target || (target.len() >= 12 && d.id.starts_with(target)))
            .filter(|d| !d.network_mode.starts_with("container:"))
    }

    /// User networks the container is attached to (the default bridge is `bridge`).
    fn networks(&self, c: &Container) -> Vec<String> {
        let mut nets: Vec<String> = c
            .networks
            .iter()
            .filter(|n| !matches!(n.as_str(), "host" | "none"))
            .cloned()
            .collect();
        if nets.is_empty() && matches!(c.network_mode.as_str(), "default" | "bridge") {
            nets.push("bridge".to_string());
        }
        nets
    }

    pub(super) fn store(&self, r: &ResourceRef) -> Option<StoreReach> {
        let host = r.host.as_deref().unwrap_or("");
        let c = self
            .s
            .docker
            .containers
            .iter()
            .find(|c| c.name == r.name && same_host(&c.host, host))?;
        let mut out = blank(r.clone(), Reachability::ClusterWide);
        if !c.state.running {
            let status = if c.state.status.is_empty() {
                "not running"
            } else {
                c.state.status.as_str()
            };
            out.notes.push(format!(
                "the container is {status}: these paths apply whenever it runs"
            ));
        }
        let containers_gap = gap(self.s, DataKind::DockerContainers, &c.host, &self.hosts);
        out.unknown.extend(containers_gap.clone());
        let Some(owner) = self.netns_owner(c) else {
            let why = format!(
                "it uses the network namespace of {}, which is not in the snapshot",
                c.network_mode
            );
            out.reach = Reachability::Unknown { why: why.clone() };
            out.exposure = Exposure::Unknown { why: why.clone() };
            out.unknown.push(why);
            return Some(out);
        };
        if owner.id != c.id {
            out.notes.push(format!(
                "it shares the network namespace of container {} (--network {})",
                owner.name, c.network_mode
            ));
        }
        out.reach = self.reach(c, owner, &mut out.notes, &mut out.unknown);
        if let (Reachability::Isolated { why }, Some(gap)) = (&out.reach, &containers_gap) {
            out.reach = Reachability::Unknown {
                why: format!("{why}, but {gap}"),
            };
        }
        out.paths = self.direct(owner, &label(c));
        let (one_hop, omitted) = self.one_hop(c, &out.reach, &label(c));
        out.paths_omitted = omitted;
        let any_one_hop = !one_hop.is_empty();
        out.paths.extend(one_hop);
        out.exposure = if out.paths.iter().any(|p| p.is_external() && !p.one_hop) {
            Exposure::Direct
        } else if let Some(why) = containers_gap {
            Exposure::Unknown { why }
        } else if any_one_hop {
            Exposure::OneHop
        } else if !out.paths.is_empty() {
            Exposure::HostOnly
        } else {
            Exposure::NotExposed
        };
        Some(out)
    }

    fn reach(
        &self,
        c: &Container,
        owner: &Container,
        notes: &mut Vec<String>,
        unknown: &mut Vec<String>,
    ) -> Reachability {
        match owner.network_mode.as_str() {
            "host" => return Reachability::HostNetwork,
            "none" => {
                return Reachability::Isolated {
                    why: "network mode none: it has no network besides loopback".to_string(),
                }
            }
            _ => {}
        }
        let others: Vec<&Container> = self
            .containers_on(&c.host)
            .filter(|d| d.id != c.id && d.id != owner.id)
            .collect();
        let mut sources = Vec::new();
        let nets = self.networks(owner);
        for n in &nets {
            let net = self.network(n, &c.host);
            let default = n == "bridge"
                || net.is_some_and(|x| x.options.get(OPT_DEFAULT).is_some_and(|v| v == "true"));
            let icc = net.map(|x| x.options.get(OPT_ICC).is_none_or(|v| v != "false"));
            if icc == Some(false) {
                notes.push(format!(
                    "inter-container communication is disabled on network {n}: other containers on it cannot connect"
                ));
                continue;
            }
            let members: Vec<ResourceRef> = others
                .iter()
                .filter(|d| self.networks(d).contains(n) && d.network_mode != "host")
                .map(|d| container_ref(d))
                .collect();
            if members.is_empty() {
                continue;
            }
            let mut description = format!("containers on network {n}");
            if default {
                description.push_str(match icc {
                    Some(_) => " (the default bridge, inter-container communication on)",
                    None => " (the default bridge; whether inter-container communication is on is unknown)",
                });
                if icc.is_none() {
                    unknown.extend(gap(self.s, DataKind::DockerNetworks, &c.host, &self.hosts));
                }
            }
            sources.push(Source {
                kind: SourceKind::DockerNetwork,
                description,
                members,
                ports: Vec::new(),
                granted_by: format!("network {n}"),
            });
        }
        let shared: Vec<ResourceRef> = others
            .iter()
            .filter(|d| {
                d.network_mode
                    .strip_prefix("container:")
                    .is_some_and(|t| t == owner.name || owner.id.starts_with(t))
            })
            .map(|d| container_ref(d))
            .collect();
        if !shared.is_empty() {
            sources.push(Source {
                kind: SourceKind::DockerNetwork,
                description: format!("containers sharing its network namespace ({})", owner.name),
                members: shared,
                ports: Vec::new(),
                granted_by: format!("network namespace of {}", owner.name),
            });
        }
        let host_net: Vec<ResourceRef> = others
            .iter()
            .filter(|d| d.network_mode == "host")
            .map(|d| container_ref(d))
            .collect();
        if !host_net.is_empty() && !nets.is_empty() {
            sources.push(Source {
                kind: SourceKind::DockerHost,
                description: "host-network containers (the host reaches every container address)"
                    .to_string(),
                members: host_net,
                ports: Vec::new(),
                granted_by: "host network".to_string(),
            });
        }
        let published: Vec<String> = owner
            .port_bindings
            .iter()
            .filter(|b| !is_loopback(&self.bind_ip(owner, &b.host_ip)))
            .map(|b| b.host_port.clone())
            .collect();
        if !published.is_empty() {
            let host = if c.host.is_empty() {
                "the Docker host"
            } else {
                &c.host
            };
            sources.push(Source {
                kind: SourceKind::Anyone,
                description: format!(
                    "anyone who reaches {host} on a published port (other containers too)"
                ),
                members: Vec::new(),
                ports: published,
                granted_by: "published ports".to_string(),
            });
        }
        if sources.is_empty() {
            let on = if nets.is_empty() {
                "no network".to_string()
            } else {
                format!("network {}", nets.join(", "))
            };
            return Reachability::Isolated {
                why: format!(
                    "no other container can connect on {on}; processes on the host still can"
                ),
            };
        }
        Reachability::Restricted { sources }
    }

    /// The address a port is published on: its `HostIp`, else the network's default
    /// binding address (`com.docker.network.bridge.host_binding_ipv4`), else all interfaces.
    fn bind_ip(&self, owner: &Container, host_ip: &str) -> String {
        if !host_ip.is_empty() {
            return host_ip.to_string();
        }
        self.networks(owner)
            .iter()
            .filter_map(|n| self.network(n, &owner.host))
            .find_map(|n| n.options.get(OPT_BIND_IP).filter(|v| !v.is_empty()))
            .cloned()
            .unwrap_or_else(|| "0.0.0.0".to_string())
    }

    /// Host network and published ports of `owner`, ending at a hop labelled `store`.
    fn direct(&self, owner: &Container, store: &str) -> Vec<ReachPath> {
        let host = if owner.host.is_empty() {
            "the Docker host".to_string()
        } else {
            format!("host {}", owner.host)
        };
        let path = |hops: Vec<Hop>| ReachPath {
            hops,
            one_hop: false,
            blocked_by: None,
        };
        if owner.network_mode == "host" {
            return vec![path(vec![
                Hop::new(NodeKind::Internet, "Internet", None),
                Hop::new(NodeKind::Host, format!("{host} (host network)"), None),
                Hop::new(NodeKind::Store, store, None),
            ])];
        }
        let mut out = Vec::new();
        for b in &owner.port_bindings {
            let ip = self.bind_ip(owner, &b.host_ip);
            let addr = if ip.contains(':') && !ip.starts_with('[') {
                format!("[{ip}]:{}", b.host_port)
            } else {
                format!("{ip}:{}", b.host_port)
            };
            let host_hop = Hop::new(
                NodeKind::Host,
                format!("{host} {addr}"),
                Some(b.host_port.clone()),
            );
            let store_hop = Hop::new(NodeKind::Store, store, Some(b.container_port.clone()));
            if is_loopback(&ip) {
                let mut h = host_hop;
                h.port = None;
                out.push(path(vec![h, store_hop]));
            } else {
                out.push(path(vec![
                    Hop::new(NodeKind::Internet, "Internet", None),
                    host_hop,
                    store_hop,
                ]));
            }
        }
        out
    }

    /// Paths through containers that may connect to `c` and are themselves exposed.
    fn one_hop(&self, c: &Container, reach: &Reachability, store: &str) -> (Vec<ReachPath>, usize) {
        let callers: Vec<&Container> = match reach {
            Reachability::HostNetwork => self
                .containers_on(&c.host)
                .filter(|d| d.id != c.id)
                .collect(),
            Reachability::Restricted { sources } => {
                let refs: BTreeSet<String> = sources
                    .iter()
                    .flat_map(|s| s.members.iter().map(ResourceRef::identity))
                    .collect();
                self.containers_on(&c.host)
                    .filter(|d| refs.contains(&container_ref(d).identity()))
                    .collect()
            }
            _ => Vec::new(),
        };
        let mut paths = Vec::new();
        let mut omitted = 0;
        for d in callers {
            let Some(owner) = self.netns_owner(d) else {
                continue;
            };
            let caller = if d.state.running || d.state.status.is_empty() {
                label(d)
            } else {
                format!("{} ({})", label(d), d.state.status)
            };
            for p in self.direct(owner, &caller) {
                if !p.is_external() {
                    continue;
                }
                if paths.len() >= ONE_HOP_LIMIT {
                    omitted += 1;
                    continue;
                }
                let mut hops = p.hops;
                if let Some(last) = hops.last_mut() {
                    last.kind = NodeKind::Container;
                }
                hops.push(Hop::new(NodeKind::Store, store, None));
                paths.push(ReachPath {
                    hops,
                    one_hop: true,
                    blocked_by: None,
                });
            }
        }
        (paths, omitted)
    }
}

/// 127.0.0.0/8, ::1 and `localhost`: reachable from the host only.
fn is_loopback(ip: &str) -> bool {
    let ip = ip.trim_start_matches('[').trim_end_matches(']');
    ip == "localhost"
        || ip == "::1"
        || ip
            .parse::<std::net::IpAddr>()
            .is_ok_and(|a| a.is_loopback())
}
