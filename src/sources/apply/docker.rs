//! Docker containment: pause or stop a running container through bollard, after an
//! inspect that stands in for the dry run Docker does not have; verify by inspecting again.

use std::time::Duration;

use bollard::query_parameters::{InspectContainerOptions, StopContainerOptions};
use bollard::Docker;
use serde_json::Value;

use super::{ApplyError, ApplyErrorKind, Change, Verification};
use crate::findings::Finding;
use crate::remediate::ContainmentAction;
use crate::sources::docker_live::{self, Endpoint};

/// How long the daemon has to answer the first request.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Per request (inspect, pause).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);
/// `docker stop -t`: seconds before the daemon kills the container.
const STOP_GRACE_SECS: i32 = 10;

pub(super) struct DockerApplier {
    docker: Docker,
    endpoint: Endpoint,
    /// The engine's name (`docker info` Name): plans name the host this way.
    host: String,
}

/// The container state an inspect shows.
struct State {
    id: String,
    status: String,
    running: bool,
    paused: bool,
    pid: i64,
    image: String,
}

impl DockerApplier {
    pub async fn connect(flag: Option<&str>) -> Result<DockerApplier, String> {
        let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
        let endpoint = docker_live::resolve(flag, &|k| std::env::var(k).ok(), home.as_deref())?;
        let docker = docker_live::connect(&endpoint)?;
        let unreachable = |why: String| {
            format!(
                "cannot reach the Docker daemon at {} (from {}): {why}. Is dockerd running and \
                 may this user use it?",
                endpoint.host, endpoint.origin
            )
        };
        let info = match tokio::time::timeout(CONNECT_TIMEOUT, docker.info()).await {
            Err(_) => {
                return Err(unreachable(format!(
                    "no answer within {} s",
                    CONNECT_TIMEOUT.as_secs()
                )))
            }
            Ok(Err(e)) => return Err(unreachable(e.to_string())),
            Ok(Ok(info)) => info,
        };
        Ok(DockerApplier {
            docker,
            host: info.name.unwrap_or_default(),
            endpoint,
        })
    }

    pub async fn dry_run(&self, change: &Change) -> Result<String, ApplyError> {
        let (container, action) = self.target(change)?;
        let state = self.inspect(change, container).await?;
        self.ready(change, container, action, &state)?;
        let effect = match action {
            ContainmentAction::Pause => {
                "would freeze its processes (reversible with `docker unpause`)"
            }
            ContainmentAction::Stop => {
                "would stop it (its configuration and data stay; `docker start` restarts it)"
            }
        };
        Ok(format!(
            "Docker has no dry-run API, so the container was inspected instead: container \
             {container} (id {}, image {}) on {} is {} (pid {}); `docker {} {container}` \
             {effect}. Nothing was changed.",
            short_id(&state.id),
            state.image,
            self.where_(),
            state.status,
            state.pid,
            action.as_str()
        ))
    }

    pub async fn apply(&self, change: &Change) -> Result<String, ApplyError> {
        let (container, action) = self.target(change)?;
        let call = async {
            match action {
                ContainmentAction::Pause => self.docker.pause_container(container).await,
                ContainmentAction::Stop => {
                    let options = StopContainerOptions {
                        t: Some(STOP_GRACE_SECS),
                        signal: None,
                    };
                    self.docker.stop_container(container, Some(options)).await
                }
            }
        };
        // Stopping waits up to the grace period before the daemon answers.
        let limit = REQUEST_TIMEOUT + Duration::from_secs(STOP_GRACE_SECS as u64);
        match tokio::time::timeout(limit, call).await {
            Err(_) => Err(self.no_answer(change, limit)),
            Ok(Err(e)) => Err(self.daemon_error(change, action.as_str(), e)),
            Ok(Ok(())) => Ok(match action {
                ContainmentAction::Pause => format!(
                    "paused container {container} on {}: its processes are frozen (`docker \
                     unpause {container}` reverses it)",
                    self.where_()
                ),
                ContainmentAction::Stop => format!(
                    "stopped container {container} on {} (`docker start {container}` restarts \
                     it; re-create it with the plan's flags instead)",
                    self.where_()
                ),
            }),
        }
    }

    pub async fn verify(
        &self,
        change: &Change,
        finding: &Finding,
    ) -> Result<Verification, ApplyError> {
        let (container, action) = self.target(change)?;
        let state = self.inspect(change, container).await?;
        let contained = match action {
            ContainmentAction::Pause => state.paused,
            ContainmentAction::Stop => !state.running,
        };
        let stays = format!(
            "the finding {} ({}) on its configuration stays until the container is re-created \
             with the plan's flags",
            finding.check_id, finding.fingerprint
        );
        let detail = if contained {
            format!(
                "re-inspected container {container} on {}: it is {}, so it is contained; {stays}",
                self.where_(),
                state.status
            )
        } else {
            format!(
                "re-inspected container {container} on {}: it is {} (running {}, paused {}), \
                 so it is NOT contained; check `docker inspect {container}` and the daemon log",
                self.where_(),
                state.status,
                state.running,
                state.paused
            )
        };
        Ok(Verification {
            resolved: contained,
            detail,
        })
    }

    /// The container and action of a containment change, on this daemon's host.
    fn target<'c>(&self, change: &'c Change) -> Result<(&'c str, ContainmentAction), ApplyError> {
        let Change::Contain {
            host,
            container,
            action,
        } = change
        else {
            return Err(ApplyError::new(
                ApplyErrorKind::Refused,
                change.object(),
                "not a Docker containment change",
                "send Kubernetes changes to the Kubernetes connection",
            ));
        };
        if !host.is_empty() && !self.host.is_empty() && *host != self.host {
            return Err(ApplyError::new(
                ApplyErrorKind::Refused,
                format!("container {container} on host {host}"),
                format!(
                    "Docket is connected to another daemon, host {} at {} (from {})",
                    self.host, self.endpoint.host, self.endpoint.origin
                ),
                format!("connect to host {host} (--docker-host URL or DOCKER_HOST) and try again"),
            ));
        }
        Ok((container, *action))
    }

    /// Is the container in a state the action applies to?
    fn ready(
        &self,
        change: &Change,
        container: &str,
        action: ContainmentAction,
        s: &State,
    ) -> Result<(), ApplyError> {
        let problem = match action {
            ContainmentAction::Pause if s.paused => Some("is already paused".to_string()),
            ContainmentAction::Pause if !s.running => Some(format!(
                "is {} (not running): there is nothing to pause",
                s.status
            )),
            ContainmentAction::Stop if !s.running && !s.paused => Some(format!(
                "is {} (not running): there is nothing to stop",
                s.status
            )),
            _ => None,
        };
        match problem {
            None => Ok(()),
            Some(p) => Err(ApplyError::new(
                ApplyErrorKind::Conflict,
                self.words(change),
                format!(
                    "the daemon at {} reports that container {container} {p}",
                    self.endpoint.host
                ),
                "rescan: the plan was made for a running container; re-create it with the plan's \
                 flags (`docket remediate show FINGERPRINT`) before it runs again",
            )),
        }
    }

    async fn inspect(&self, change: &Change, container: &str) -> Result<State, ApplyError> {
        let call = self
            .docker
            .inspect_container(container, None::<InspectContainerOptions>);
        let response = match tokio::time::timeout(REQUEST_TIMEOUT, call).await {
            Err(_) => return Err(self.no_answer(change, REQUEST_TIMEOUT)),
            Ok(Err(e)) => return Err(self.daemon_error(change, "inspect", e)),
            Ok(Ok(r)) => r,
        };
        let v = serde_json::to_value(&response).unwrap_or(Value::Null);
        let s = |p: &str| {
            v.pointer(p)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        let b = |p: &str| v.pointer(p).and_then(Value::as_bool).unwrap_or(false);
        Ok(State {
            id: s("/Id"),
            status: s("/State/Status"),
            running: b("/State/Running"),
            paused: b("/State/Paused"),
            pid: v.pointer("/State/Pid").and_then(Value::as_i64).unwrap_or(0),
            image: s("/Config/Image"),
        })
    }

    /// "host docker-01 (unix:///var/run/docker.sock)".
    fn where_(&self) -> String {
        if self.host.is_empty() {
            format!("the daemon at {}", self.endpoint.host)
        } else {
            format!("host {} ({})", self.host, self.endpoint.host)
        }
    }

    fn words(&self, change: &Change) -> String {
        match change {
            Change::Contain { container, .. } if !self.host.is_empty() => {
                format!("container {container} on host {}", self.host)
            }
            _ => format!("container {}", change.object()),
        }
    }

    fn no_answer(&self, change: &Change, after: Duration) -> ApplyError {
        ApplyError::new(
            ApplyErrorKind::Unreachable,
            self.words(change),
            format!(
                "the daemon at {} did not answer within {} s",
                self.endpoint.host,
                after.as_secs()
            ),
            "check that dockerd is responsive (`docker info`), then inspect the container: the \
             action may or may not have happened",
        )
    }

    fn daemon_error(&self, change: &Change, what: &str, e: bollard::errors::Error) -> ApplyError {
        let object = self.words(change);
        let name = change.object();
        match e {
            bollard::errors::Error::DockerResponseServerError {
                status_code,
                message,
            } => {
                let said = format!("{what}: the daemon answered {status_code}: {message}");
                let (kind, next) = match status_code {
                    404 => (
                        ApplyErrorKind::NotFound,
                        format!(
                            "container {name} is gone (removed or renamed since the scan): \
                             rescan, and plan again if it was re-created"
                        ),
                    ),
                    409 => (
                        ApplyErrorKind::Conflict,
                        format!("check its state with `docker inspect {name}` and rescan"),
                    ),
                    401 | 403 => (
                        ApplyErrorKind::Forbidden,
                        "an authorization plugin refused the request: ask the daemon's \
                         administrator to allow it"
                            .to_string(),
                    ),
                    _ => (
                        ApplyErrorKind::Server,
                        "look at the daemon log (journalctl -u docker) and retry".to_string(),
                    ),
                };
                ApplyError::new(kind, object, said, next)
            }
            other => ApplyError::new(
                ApplyErrorKind::Unreachable,
                object,
                format!(
                    "{what}: no answer from the daemon at {}: {other}",
                    self.endpoint.host
                ),
                "check that dockerd is running (`docker info`), then retry",
            ),
        }
    }
}

fn short_id(id: &str) -> &str {
    id.get(..12).unwrap_or(id)
}
