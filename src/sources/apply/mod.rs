//! Applying a remediation plan: the one place Docket changes a container or a cluster.
//!
//! Read-only is the default everywhere else; this path is reached only through an
//! explicit flag (`--allow-changes`) and a confirmation naming the object, both decided by
//! the caller (the CLI or the workbench). What this module guarantees itself:
//!
//! - [`change_for`] turns a [`Plan`] into what can be applied, and nothing else: Docker
//!   containment (pause / stop, never a re-creation), a Kubernetes strategic merge patch on
//!   the controller the plan names, or a manifest to create. Plans with placeholders, manual
//!   steps or `docker run` re-creation give `None`.
//! - [`Applier::apply`] refuses a change whose dry run has not succeeded first in this
//!   session ([`Applier::dry_run`]: a server-side `dryRun=All` request for Kubernetes; for
//!   Docker, which has no dry-run API, an inspect that confirms the container and its state).
//! - [`Applier::verify`] re-reads only the changed object and re-runs the finding's check.
//! - Every error is an [`ApplyError`] naming the object, what the server or daemon said and
//!   the next step.

mod docker;
mod kube;
mod kube_wire;
mod recheck;

use std::sync::{Mutex, MutexGuard};

use serde_json::Value;

use crate::findings::Finding;
use crate::model::Snapshot;
use crate::remediate::{ContainmentAction, Plan, PlanKind, Target};
use crate::sources::kube_live::KubeTarget;

pub use crate::sources::kube_live::Options as KubeOptions;

/// What can be applied from a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Pause or stop a running container (containment; its configuration is unchanged).
    Contain {
        host: String,
        container: String,
        action: ContainmentAction,
    },
    /// A strategic merge patch (YAML, as the plan shows it) on an existing object.
    KubePatch {
        api_version: String,
        kind: String,
        namespace: Option<String>,
        name: String,
        patch_yaml: String,
    },
    /// A new object (a default-deny NetworkPolicy), as the plan's manifest.
    KubeCreate { manifest_yaml: String },
}

impl Change {
    /// What the change does, naming the object: "pause container lumen-api-1 on host
    /// docker-01", "patch Deployment shop/web", "create NetworkPolicy shop/default-deny-ingress".
    pub fn describe(&self) -> String {
        match self {
            Change::Contain {
                host,
                container,
                action,
            } if host.is_empty() => format!("{} container {container}", action.as_str()),
            Change::Contain {
                host,
                container,
                action,
            } => format!("{} container {container} on host {host}", action.as_str()),
            Change::KubePatch { .. } => format!("patch {}", self.object()),
            Change::KubeCreate { .. } => format!("create {}", self.object()),
        }
    }

    /// The object as an operator types it to confirm: the container name for Docker,
    /// `Kind namespace/name` (or `Kind name` when cluster-scoped) for Kubernetes.
    pub fn object(&self) -> String {
        match self {
            Change::Contain { container, .. } => container.clone(),
            Change::KubePatch {
                kind,
                namespace,
                name,
                ..
            } => kube_words(kind, namespace.as_deref(), name),
            Change::KubeCreate { manifest_yaml } => match manifest_identity(manifest_yaml) {
                Some(id) => kube_words(&id.kind, id.namespace.as_deref(), &id.name),
                None => "the object of the plan's manifest".to_string(),
            },
        }
    }
}

/// "Deployment shop/web", "ClusterRole admin".
pub(crate) fn kube_words(kind: &str, namespace: Option<&str>, name: &str) -> String {
    match namespace.filter(|n| !n.is_empty()) {
        Some(ns) => format!("{kind} {ns}/{name}"),
        None => format!("{kind} {name}"),
    }
}

/// The change a plan allows, if Docket can apply it. Pure.
///
/// Docker: the plan's containment (only set for a running container), never the re-creation
/// with new flags. Kubernetes: the patch or the manifest, unless it holds a placeholder the
/// operator must fill first. Manual plans and `docker run` plans without containment: `None`.
pub fn change_for(plan: &Plan) -> Option<Change> {
    match (&plan.target, &plan.kind) {
        (Target::Docker { host, container }, _) => {
            let c = plan.containment.as_ref()?;
            if container.is_empty() {
                return None;
            }
            Some(Change::Contain {
                host: host.clone(),
                container: container.clone(),
                action: c.action,
            })
        }
        (
            Target::Kube {
                api_version,
                kind,
                namespace,
                name,
            },
            PlanKind::KubePatch { patch_yaml, .. },
        ) if !has_placeholder(patch_yaml) => Some(Change::KubePatch {
            api_version: api_version.clone(),
            kind: kind.clone(),
            namespace: namespace.clone(),
            name: name.clone(),
            patch_yaml: patch_yaml.clone(),
        }),
        (Target::Kube { .. }, PlanKind::KubeManifest { manifest_yaml, .. })
            if !has_placeholder(manifest_yaml) =>
        {
            Some(Change::KubeCreate {
                manifest_yaml: manifest_yaml.clone(),
            })
        }
        _ => None,
    }
}

/// Plans mark values the operator must size or choose with a `# placeholder` comment.
fn has_placeholder(yaml: &str) -> bool {
    yaml.contains("# placeholder")
}

/// The identity of a manifest's object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ManifestId {
    pub api_version: String,
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
}

/// A plan's YAML (patch or manifest) as JSON, for the API server.
pub(crate) fn yaml_to_json(yaml: &str) -> Result<Value, String> {
    serde_saphyr::from_str::<Value>(yaml)
        .map_err(|e| format!("the plan's YAML does not parse: {e}"))
}

pub(crate) fn manifest_identity(yaml: &str) -> Option<ManifestId> {
    let v = yaml_to_json(yaml).ok()?;
    let s = |p: &str| v.pointer(p).and_then(Value::as_str).map(str::to_string);
    Some(ManifestId {
        api_version: s("/apiVersion")?,
        kind: s("/kind")?,
        namespace: s("/metadata/namespace").filter(|n| !n.is_empty()),
        name: s("/metadata/name").filter(|n| !n.is_empty())?,
    })
}

/// What went wrong, in terms an operator can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplyErrorKind {
    /// No connection to the platform of the change (not asked for, or it failed).
    NotConnected,
    /// `apply` without a successful dry run of the same change first.
    NoDryRun,
    /// 401 / 403: the credentials or their permissions.
    Forbidden,
    /// 409: already exists, changed concurrently, or a container in the wrong state.
    Conflict,
    /// 404: the object is gone.
    NotFound,
    /// 400 / 422: the patch or manifest was rejected as invalid.
    Invalid,
    /// Docket does not apply this (a controller-owned pod, an unknown kind, another host).
    Refused,
    /// No answer: timeout or transport failure.
    Unreachable,
    /// Any other answer.
    Server,
}

/// An apply-path error: the object, what the server or daemon said, and the next step.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{object}: {said}. Next: {next}")]
pub struct ApplyError {
    pub kind: ApplyErrorKind,
    /// "Deployment shop/web", "container lumen-api-1 on host docker-01".
    pub object: String,
    /// What happened, quoting the server or daemon.
    pub said: String,
    /// What to do about it.
    pub next: String,
}

impl ApplyError {
    pub(crate) fn new(
        kind: ApplyErrorKind,
        object: impl Into<String>,
        said: impl Into<String>,
        next: impl Into<String>,
    ) -> ApplyError {
        ApplyError {
            kind,
            object: object.into(),
            said: said.into(),
            next: next.into(),
        }
    }
}

/// The outcome of re-reading the changed object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// Kubernetes: the finding's fingerprint is gone from the re-read object. Docker
    /// containment: the container is contained (paused / not running); the finding on its
    /// configuration stays until it is re-created.
    pub resolved: bool,
    pub detail: String,
}

/// Connections to the platforms changes go to, and the dry runs that passed.
pub struct Applier {
    docker: Option<Result<docker::DockerApplier, String>>,
    kube: Option<Result<kube::KubeApplier, String>>,
    /// Changes whose dry run succeeded and that have not been applied since.
    dry_run_ok: Mutex<Vec<Change>>,
}

impl std::fmt::Debug for Applier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Applier")
            .field("docker", &self.docker.as_ref().map(|d| d.is_ok()))
            .field("kube", &self.kube.as_ref().map(|k| k.is_ok()))
            .finish()
    }
}

impl Applier {
    /// Connect to the platforms asked for: `docker_host` `Some(None)` is the daemon of the
    /// environment (like `docker`), `Some(Some(url))` that daemon; `kube` a context like
    /// kubectl's. A platform that cannot be reached is remembered and named when a change
    /// for it is tried; the error is returned only when nothing asked for could be reached.
    pub async fn connect(
        docker_host: Option<Option<String>>,
        kube: Option<(KubeTarget, KubeOptions)>,
    ) -> Result<Applier, String> {
        if docker_host.is_none() && kube.is_none() {
            return Err(
                "nothing to apply changes to: give --docker / --docker-host URL for Docker or \
                 --kube / --context NAME for Kubernetes"
                    .to_string(),
            );
        }
        let docker = match docker_host {
            Some(host) => Some(docker::DockerApplier::connect(host.as_deref()).await),
            None => None,
        };
        let kube = match kube {
            Some((target, opts)) => Some(kube::KubeApplier::connect(&target, &opts).await),
            None => None,
        };
        let errors: Vec<&String> = [
            docker.as_ref().and_then(|r| r.as_ref().err()),
            kube.as_ref().and_then(|r| r.as_ref().err()),
        ]
        .into_iter()
        .flatten()
        .collect();
        let asked = usize::from(docker.is_some()) + usize::from(kube.is_some());
        if errors.len() == asked {
            let all: Vec<&str> = errors.iter().map(|e| e.as_str()).collect();
            return Err(all.join("; "));
        }
        Ok(Applier {
            docker,
            kube,
            dry_run_ok: Mutex::new(Vec::new()),
        })
    }

    /// Try the change without making it. Kubernetes: the same PATCH or POST with
    /// `dryRun=All` (admission and validation run, nothing is stored). Docker has no
    /// dry-run API: the container is inspected and its existence and state confirmed.
    /// On success the change may be applied once.
    pub async fn dry_run(&self, change: &Change) -> Result<String, ApplyError> {
        let out = match change {
            Change::Contain { .. } => self.docker_for(change)?.dry_run(change).await?,
            _ => self.kube_for(change)?.dry_run(change).await?,
        };
        let mut ok = self.passed();
        if !ok.contains(change) {
            ok.push(change.clone());
        }
        Ok(out)
    }

    /// Make the change. Refused unless [`Applier::dry_run`] succeeded for this exact
    /// change since it was last applied.
    pub async fn apply(&self, change: &Change) -> Result<String, ApplyError> {
        let allowed = {
            let mut ok = self.passed();
            let found = ok.iter().position(|c| c == change);
            found.map(|i| ok.remove(i)).is_some()
        };
        if !allowed {
            return Err(ApplyError::new(
                ApplyErrorKind::NoDryRun,
                change.object(),
                format!(
                    "refusing to {}: no successful dry run of this exact change in this session",
                    change.describe()
                ),
                "run the dry run first and apply only if it succeeds",
            ));
        }
        match change {
            Change::Contain { .. } => self.docker_for(change)?.apply(change).await,
            _ => self.kube_for(change)?.apply(change).await,
        }
    }

    /// Re-read the changed object and re-run the finding's check on it alone (see
    /// [`Applier::verify_with`] to give the checks the rest of the scan).
    pub async fn verify(
        &self,
        change: &Change,
        finding: &Finding,
    ) -> Result<Verification, ApplyError> {
        self.verify_with(change, finding, None).await
    }

    /// Like [`Applier::verify`], with the snapshot the finding came from: the check then
    /// sees that snapshot with the changed object replaced by its re-read version, so
    /// checks that need other data (service accounts, policies) can run. Docker
    /// containment ignores it.
    pub async fn verify_with(
        &self,
        change: &Change,
        finding: &Finding,
        context: Option<&Snapshot>,
    ) -> Result<Verification, ApplyError> {
        match change {
            Change::Contain { .. } => self.docker_for(change)?.verify(change, finding).await,
            _ => {
                self.kube_for(change)?
                    .verify(change, finding, context)
                    .await
            }
        }
    }

    fn passed(&self) -> MutexGuard<'_, Vec<Change>> {
        // A poisoned lock only means a panic elsewhere; the list itself is intact.
        self.dry_run_ok.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn docker_for(&self, change: &Change) -> Result<&docker::DockerApplier, ApplyError> {
        match &self.docker {
            Some(Ok(d)) => Ok(d),
            Some(Err(e)) => Err(not_connected(
                change,
                e.clone(),
                "fix the Docker connection",
            )),
            None => Err(not_connected(
                change,
                "Docket was not asked to connect to a Docker daemon".to_string(),
                "start it with --docker (or --docker-host URL) to contain containers",
            )),
        }
    }

    fn kube_for(&self, change: &Change) -> Result<&kube::KubeApplier, ApplyError> {
        match &self.kube {
            Some(Ok(k)) => Ok(k),
            Some(Err(e)) => Err(not_connected(change, e.clone(), "fix the kube connection")),
            None => Err(not_connected(
                change,
                "Docket was not asked to connect to a Kubernetes cluster".to_string(),
                "start it with --kube (or --context NAME) to patch the cluster",
            )),
        }
    }
}

fn not_connected(change: &Change, said: String, next: &str) -> ApplyError {
    ApplyError::new(ApplyErrorKind::NotConnected, change.object(), said, next)
}

#[cfg(test)]
mod tests;
