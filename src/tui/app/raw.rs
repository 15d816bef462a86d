//! `y`: the normalized object behind an inventory row, as JSON. The snapshot is already
//! scrubbed, so this never shows a secret in clear.

use serde::Serialize;

use crate::model::Snapshot;
use crate::tui::rows::ResourceKey;

pub fn object(snap: &Snapshot, key: &ResourceKey) -> Option<String> {
    match key {
        ResourceKey::Host { name } => pretty(snap.docker.hosts.iter().find(|h| &h.name == name)),
        ResourceKey::Image { name, host } => pretty(
            snap.docker
                .images
                .iter()
                .find(|i| &i.display_name() == name && (host.is_empty() || &i.host == host)),
        ),
        ResourceKey::Container { name, host } => pretty(snap.docker.containers.iter().find(|c| {
            c.name.trim_start_matches('/') == name.trim_start_matches('/')
                && (host.is_empty() || &c.host == host)
        })),
        ResourceKey::Workload {
            kind,
            namespace,
            name,
        } => pretty(snap.kube.workloads.iter().find(|w| {
            w.kind == *kind && &w.meta.name == name && w.meta.namespace_str() == namespace
        })),
        ResourceKey::Namespace { name } => {
            pretty(snap.kube.namespaces.iter().find(|n| &n.meta.name == name))
        }
    }
}

fn pretty<T: Serialize>(v: Option<&T>) -> Option<String> {
    v.and_then(|v| serde_json::to_string_pretty(v).ok())
}
