//! The ways in from outside to one workload's pods: Ingress routes, NodePort /
//! LoadBalancer / externalIPs Services, hostPort and hostNetwork.

use std::collections::BTreeSet;

use super::{Hop, NodeKind, ReachPath};
use crate::model::{Ingress, Service, ServicePort, WorkloadUnit};

fn svc_name(svc: &Service) -> String {
    format!("Service {}", svc.meta.key())
}

fn target(p: &ServicePort) -> Option<String> {
    Some(if p.target_port.is_empty() {
        p.port.to_string()
    } else {
        p.target_port.to_string()
    })
}

fn internet() -> Hop {
    Hop::new(NodeKind::Internet, "Internet", None)
}

fn push(out: &mut Vec<ReachPath>, hops: Vec<Hop>) {
    out.push(ReachPath {
        hops,
        one_hop: false,
        blocked_by: None,
    });
}

/// NodePort, LoadBalancer and externalIPs paths to the store through one Service.
pub(super) fn service_paths(
    svc: &Service,
    store: &Hop,
    node_ips: &[String],
    out: &mut Vec<ReachPath>,
) {
    let to_store = |p: &ServicePort| Hop {
        port: target(p),
        ..store.clone()
    };
    let nodes = if node_ips.is_empty() {
        String::new()
    } else {
        format!(", nodes {}", node_ips.join(", "))
    };
    for p in &svc.ports {
        let mut front = Vec::new();
        match svc.service_type.as_str() {
            "LoadBalancer" => {
                let addr = if svc.load_balancer_ingress.is_empty() {
                    "address pending".to_string()
                } else {
                    svc.load_balancer_ingress.join(", ")
                };
                front.push((format!("{} (LoadBalancer {addr})", svc_name(svc)), p.port));
            }
            "NodePort" => {
                if let Some(np) = p.node_port {
                    front.push((
                        format!("{} (NodePort on every node{nodes})", svc_name(svc)),
                        np,
                    ));
                }
            }
            _ => {}
        }
        if !svc.external_ips.is_empty() {
            let ips = svc.external_ips.join(", ");
            front.push((format!("{} (externalIPs {ips})", svc_name(svc)), p.port));
        }
        for (label, port) in front {
            push(
                out,
                vec![
                    internet(),
                    Hop::new(NodeKind::Service, label, Some(port.to_string())),
                    to_store(p),
                ],
            );
        }
    }
}

/// Ingress routes whose backend is `svc`.
pub(super) fn ingress_paths(ing: &Ingress, svc: &Service, store: &Hop, out: &mut Vec<ReachPath>) {
    for b in ing.backends.iter().filter(|b| b.service == svc.meta.name) {
        let host = if b.host.is_empty() { "*" } else { &b.host };
        let tls =
            ing.tls_hosts.iter().any(|h| h == &b.host) || (ing.has_tls && ing.tls_hosts.is_empty());
        let (scheme, port) = if tls {
            ("https", "443")
        } else {
            ("http", "80")
        };
        let path = if b.path.is_empty() { "/" } else { &b.path };
        let svc_port = svc
            .ports
            .iter()
            .find(|p| p.name == b.port || p.port.to_string() == b.port)
            .or(if b.port.is_empty() && svc.ports.len() == 1 {
                svc.ports.first()
            } else {
                None
            });
        let into_svc = if b.port.is_empty() {
            svc_port.map(|p| p.port.to_string())
        } else {
            Some(b.port.to_string())
        };
        push(
            out,
            vec![
                internet(),
                Hop::new(
                    NodeKind::IngressRoute,
                    format!("Ingress {} {scheme}://{host}{path}", ing.meta.key()),
                    Some(port.to_string()),
                ),
                Hop::new(NodeKind::Service, svc_name(svc), into_svc),
                Hop {
                    port: svc_port.and_then(target),
                    ..store.clone()
                },
            ],
        );
    }
}

/// hostPort and hostNetwork: the store listens on the nodes' addresses.
pub(super) fn node_paths(u: &WorkloadUnit<'_>, store: &Hop, out: &mut Vec<ReachPath>) {
    let host_net = u.pod().host_network;
    let mut seen = BTreeSet::new();
    for c in u.pod().containers.iter() {
        for p in &c.ports {
            let proto = if p.protocol.is_empty() || p.protocol == "TCP" {
                String::new()
            } else {
                format!("/{}", p.protocol)
            };
            let (label, port) = match (host_net, p.host_port) {
                (true, _) => (
                    "nodes' addresses (hostNetwork)".to_string(),
                    p.container_port,
                ),
                (false, Some(hp)) => (format!("nodes' addresses (hostPort {hp}{proto})"), hp),
                (false, None) => continue,
            };
            if !seen.insert((label.clone(), port)) {
                continue;
            }
            push(
                out,
                vec![
                    internet(),
                    Hop::new(NodeKind::Node, label, Some(format!("{port}{proto}"))),
                    Hop {
                        port: Some(format!("{}{proto}", p.container_port)),
                        ..store.clone()
                    },
                ],
            );
        }
    }
    if host_net && seen.is_empty() {
        push(
            out,
            vec![
                internet(),
                Hop::new(NodeKind::Node, "nodes' addresses (hostNetwork)", None),
                store.clone(),
            ],
        );
    }
}
