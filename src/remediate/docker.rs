//! What the Docker families share: the container a finding names, its flags in
//! `docker run` syntax, the compose snippet, and the containment it allows.

use super::yaml::Y;
use super::{object_words, Containment, ContainmentAction, Draft, PlanKind, Target};
use crate::checks::Severity;
use crate::findings::Finding;
use crate::model::{Container, Mount, PortBinding, Snapshot};

/// The container a Docker finding names (same host when the finding knows it).
pub(crate) fn container<'a>(f: &Finding, s: &'a Snapshot) -> Option<&'a Container> {
    let host = f.resource.host.as_deref().unwrap_or("");
    s.docker.containers.iter().find(|c| {
        c.name == f.resource.name && (host.is_empty() || c.host.is_empty() || c.host == host)
    })
}

pub(crate) fn target(c: &Container) -> Target {
    Target::Docker {
        host: c.host.clone(),
        container: c.name.clone(),
    }
}

/// The compose service the container came from, else its own name.
pub(crate) fn service(c: &Container) -> &str {
    c.compose_service().map_or(c.name.as_str(), |(_, s)| s)
}

/// Running containers may be paused; critical findings may stop them.
pub(crate) fn containment(f: &Finding, c: &Container) -> Option<Containment> {
    let live =
        c.state.running || matches!(c.state.status.as_str(), "running" | "paused" | "restarting");
    if !live {
        return None;
    }
    let action = if f.severity == Severity::Critical || c.state.status == "paused" {
        ContainmentAction::Stop
    } else {
        ContainmentAction::Pause
    };
    Some(Containment {
        action,
        command: format!("docker {} {}", action.as_str(), c.name),
    })
}

/// A `docker run` draft: flags removed and added, and the compose keys that match.
pub(crate) fn run_draft(
    f: &Finding,
    c: &Container,
    what: &str,
    flags: (Vec<String>, Vec<String>),
    compose: Vec<(&str, Y)>,
    mut caveats: Vec<String>,
) -> Draft {
    let svc = Y::Map(vec![(service(c).to_string(), Y::map(compose))]);
    let compose = Y::map(vec![("services", svc)]).render();
    if let Some((project, svc)) = c.compose_service() {
        caveats.push(format!(
            "created by compose project {project}: edit service {svc} and run `docker compose up -d {svc}`"
        ));
    } else {
        caveats.push(format!(
            "a container's flags cannot change in place: re-create it (`docker rm -f {}` then `docker run` with the corrected flags)",
            c.name
        ));
    }
    Draft {
        summary: format!("{}: {what}", object_words(f)),
        target: target(c),
        kind: PlanKind::DockerRun {
            before: flags.0,
            after: flags.1,
            compose,
        },
        containment: containment(f, c),
        caveats,
    }
}

/// `-v /src:/dst` or `-v /src:/dst:ro` (a named volume by its name).
pub(crate) fn mount_flag(m: &Mount) -> String {
    let mut s = format!("-v {}:{}", m.source, m.destination);
    if !m.rw {
        s.push_str(":ro");
    }
    s
}

/// `-p 0.0.0.0:8080:80/tcp` in the shape `docker run` takes.
pub(crate) fn port_flag(p: &PortBinding, ip: &str, host_port: &str) -> String {
    let container = p
        .container_port
        .strip_suffix("/tcp")
        .unwrap_or(&p.container_port);
    if ip.is_empty() {
        format!("-p {host_port}:{container}")
    } else if ip.contains(':') {
        format!("-p [{ip}]:{host_port}:{container}")
    } else {
        format!("-p {ip}:{host_port}:{container}")
    }
}

/// The compose `ports:` entry for a binding.
pub(crate) fn port_entry(p: &PortBinding, ip: &str, host_port: &str) -> String {
    port_flag(p, ip, host_port)
        .trim_start_matches("-p ")
        .to_string()
}
