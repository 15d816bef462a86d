//! Remediation plans: for every finding, what to change and where, without changing it.
//!
//! A plan is pure data built from the finding and the snapshot: the corrected `docker run`
//! flags and compose keys for a Docker container, a strategic merge patch (plus a diff of
//! the fragment it changes) for the Kubernetes controller that owns the pod template, a
//! manifest for an object that is missing, or manual steps with exact commands for what
//! cannot be patched (a leaked credential, a daemon.json key, an RBAC owner's decision).
//! Applying a plan is a separate, opt-in path; this module never performs IO.
//!
//! One file per check family decides the plan; `kube.rs` and `docker.rs` hold what the
//! families share (target resolution, the object fragment, the patch and its diff).

mod diff;
mod docker;
mod kube;
mod yaml;

mod docker_container;
mod docker_host;
mod docker_image;
mod kube_network;
mod kube_rbac;
mod kube_workload;
mod secrets;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::findings::{Finding, Platform};
use crate::model::Snapshot;

/// A concrete, reviewable fix for one finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan {
    pub fingerprint: String,
    pub check_id: String,
    /// What will change, in words, naming the object: "Deployment shop/web (container web)".
    pub summary: String,
    /// The object the plan changes: for Kubernetes the owning controller (Deployment,
    /// StatefulSet, DaemonSet, CronJob, Job, or the bare Pod), never a controller-owned pod.
    pub target: Target,
    pub kind: PlanKind,
    /// Containment a Docker finding allows (stop / pause the container), for the apply path.
    pub containment: Option<Containment>,
    /// Why this is safe or what to check first.
    pub caveats: Vec<String>,
}

/// The object a plan changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "platform", rename_all = "snake_case")]
pub enum Target {
    /// A container (or, for host and image findings, the engine or image) on a host.
    Docker { host: String, container: String },
    Kube {
        api_version: String,
        kind: String,
        namespace: Option<String>,
        name: String,
    },
}

/// How the change is expressed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PlanKind {
    /// The `docker run` flags that matter: `before` are removed, `after` are added. The
    /// container has to be re-created with them (`docker run` cannot change a container in
    /// place); `compose` is the same change as keys of the compose service.
    DockerRun {
        before: Vec<String>,
        after: Vec<String>,
        compose: String,
    },
    /// A strategic merge patch for an existing object and a unified diff of the fragment
    /// of that object it changes (before vs after).
    KubePatch { patch_yaml: String, diff: String },
    /// A new object to create (`kubectl apply -f`), e.g. a default-deny NetworkPolicy; the
    /// diff shows it as added lines.
    KubeManifest { manifest_yaml: String, diff: String },
    /// What cannot be patched: exact commands and edits, in order.
    Manual { steps: Vec<String> },
}

/// A containment action the apply path may take on a running Docker container.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Containment {
    pub action: ContainmentAction,
    /// The equivalent CLI command, for the confirmation dialog and the session log.
    pub command: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ContainmentAction {
    /// Freeze the processes (reversible with `docker unpause`, keeps memory state).
    Pause,
    /// Stop the container (its configuration and data stay for the fixed re-creation).
    Stop,
}

impl ContainmentAction {
    pub fn as_str(self) -> &'static str {
        match self {
            ContainmentAction::Pause => "pause",
            ContainmentAction::Stop => "stop",
        }
    }
}

/// A family's answer before the common fields are filled in.
pub(crate) struct Draft {
    pub summary: String,
    pub target: Target,
    pub kind: PlanKind,
    pub containment: Option<Containment>,
    pub caveats: Vec<String>,
}

/// The plan for one finding. Never panics: a check without a specific plan, or a finding
/// whose object is not in the snapshot, gets manual steps from the check's remediation.
pub fn plan(finding: &Finding, snapshot: &Snapshot) -> Plan {
    let prefix = finding.check_id.split('-').next().unwrap_or_default();
    let draft = match prefix {
        "DC" => docker_container::plan(finding, snapshot),
        "DI" => docker_image::plan(finding, snapshot),
        "DH" => docker_host::plan(finding, snapshot),
        "KW" => kube_workload::plan(finding, snapshot),
        "KR" => kube_rbac::plan(finding, snapshot),
        "KN" => kube_network::plan(finding, snapshot),
        "SC" => secrets::plan(finding, snapshot),
        _ => None,
    };
    let draft = draft.unwrap_or_else(|| fallback(finding, snapshot));
    Plan {
        fingerprint: finding.fingerprint.clone(),
        check_id: finding.check_id.clone(),
        summary: draft.summary,
        target: draft.target,
        kind: draft.kind,
        containment: draft.containment,
        caveats: draft.caveats,
    }
}

/// Manual steps from the catalog's remediation text, on the finding's own resource (for a
/// Kubernetes workload, its owning controller).
pub(crate) fn fallback(finding: &Finding, snapshot: &Snapshot) -> Draft {
    let remediation = crate::checks::find(&finding.check_id)
        .map(|c| c.remediation)
        .unwrap_or("No remediation is recorded for this check; review the finding's evidence.");
    Draft {
        summary: format!(
            "{}: {} (manual)",
            object_words(finding),
            finding.title.to_lowercase()
        ),
        target: default_target(finding, snapshot),
        kind: PlanKind::Manual {
            steps: vec![remediation.to_string()],
        },
        containment: None,
        caveats: Vec::new(),
    }
}

/// The finding's resource as a target; kube workloads resolve to their controller.
pub(crate) fn default_target(finding: &Finding, snapshot: &Snapshot) -> Target {
    let r = &finding.resource;
    match r.platform {
        Platform::Docker => Target::Docker {
            host: r.host.clone().unwrap_or_default(),
            container: r.name.clone(),
        },
        Platform::Kubernetes => match kube::workload_target(finding, snapshot) {
            Some(w) => w.target(),
            None => Target::Kube {
                api_version: kube::api_version(&r.kind).to_string(),
                kind: r.kind.clone(),
                namespace: r.namespace.clone(),
                name: r.name.clone(),
            },
        },
    }
}

/// "Deployment shop/web (container web)", "Container jenkins on legacy-01".
pub(crate) fn object_words(finding: &Finding) -> String {
    let r = &finding.resource;
    let mut s = format!("{} ", r.kind);
    if let Some(ns) = &r.namespace {
        s.push_str(&format!("{ns}/"));
    }
    s.push_str(&r.name);
    if let Some(c) = &r.container {
        s.push_str(&format!(" (container {c})"));
    }
    if let Some(h) = r.host.as_ref().filter(|h| **h != r.name) {
        s.push_str(&format!(" on {h}"));
    }
    s
}

/// The plan as plain text: what the TUI shows, what is copied, and what [`digest`] hashes.
pub fn render(plan: &Plan) -> String {
    let mut s = format!(
        "plan {} for finding {}\n{}\ntarget: {}\n",
        plan.check_id,
        plan.fingerprint,
        plan.summary,
        target_words(&plan.target)
    );
    match &plan.kind {
        PlanKind::DockerRun {
            before,
            after,
            compose,
        } => {
            s.push_str("docker run flags:\n");
            for f in before {
                s.push_str(&format!("  - {f}\n"));
            }
            for f in after {
                s.push_str(&format!("  + {f}\n"));
            }
            s.push_str("compose service keys:\n");
            s.push_str(&indent(compose));
        }
        PlanKind::KubePatch { patch_yaml, diff } => {
            s.push_str("strategic merge patch:\n");
            s.push_str(&indent(patch_yaml));
            s.push_str("diff:\n");
            s.push_str(&indent(diff));
        }
        PlanKind::KubeManifest {
            manifest_yaml,
            diff,
        } => {
            s.push_str("manifest to apply:\n");
            s.push_str(&indent(manifest_yaml));
            s.push_str("diff:\n");
            s.push_str(&indent(diff));
        }
        PlanKind::Manual { steps } => {
            s.push_str("manual steps:\n");
            for (i, step) in steps.iter().enumerate() {
                s.push_str(&format!("  {}. {step}\n", i + 1));
            }
        }
    }
    if let Some(c) = &plan.containment {
        s.push_str(&format!(
            "containment: {} ({})\n",
            c.action.as_str(),
            c.command
        ));
    }
    for c in &plan.caveats {
        s.push_str(&format!("caveat: {c}\n"));
    }
    s
}

/// SHA-256 (hex) of [`render`]: names the exact plan in the session log.
pub fn digest(plan: &Plan) -> String {
    Sha256::digest(render(plan).as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn target_words(t: &Target) -> String {
    match t {
        Target::Docker { host, container } if container.is_empty() => {
            format!("docker engine {host} (host or image, no container)")
        }
        Target::Docker { host, container } if host.is_empty() => format!("docker {container}"),
        Target::Docker { host, container } => format!("docker {container} on {host}"),
        Target::Kube {
            api_version,
            kind,
            namespace,
            name,
        } => match namespace {
            Some(ns) => format!("{api_version} {kind} {ns}/{name}"),
            None => format!("{api_version} {kind} {name}"),
        },
    }
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("    {l}\n")).collect()
}
