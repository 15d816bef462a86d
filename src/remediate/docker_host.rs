//! Plans for the Docker host checks (DH-001 to DH-014): daemon settings live in
//! /etc/docker/daemon.json, which the Engine API cannot change, so every plan is manual
//! steps naming the exact key, how to validate the file, and how to confirm the result.

use super::{object_words, Draft, PlanKind, Target};
use crate::findings::Finding;
use crate::model::Snapshot;

const VALIDATE: &str =
    "Validate the file: `sudo dockerd --validate --config-file /etc/docker/daemon.json`.";
const RESTART: &str = "Restart the daemon: `sudo systemctl restart docker` (running containers stop unless live-restore is on).";

/// (what, daemon.json key and value, how to verify, caveat)
fn daemon_key(id: &str, f: &Finding) -> Option<(&'static str, String, &'static str, &'static str)> {
    Some(match id {
        "DH-003" => ("disable inter-container communication on the default bridge", "\"icc\": false".into(),
            "docker network inspect bridge --format '{{index .Options \"com.docker.network.bridge.enable_icc\"}}'",
            "containers on the default bridge that talk to each other must move to a user-defined network"),
        "DH-004" => ("stop trusting the insecure registry", format!("remove \"{}\" from \"insecure-registries\"", f.discriminator),
            "docker info --format '{{json .RegistryConfig.InsecureRegistryCIDRs}}'",
            "give the registry a certificate the host trusts (/etc/docker/certs.d/<registry>/ca.crt) before removing it, or pulls fail"),
        "DH-005" => ("switch the storage driver to overlay2", "\"storage-driver\": \"overlay2\"".into(),
            "docker info --format '{{.Driver}}'",
            "existing images and containers are not visible under the new driver: export what you need first"),
        "DH-007" => ("enable user namespace remapping", "\"userns-remap\": \"default\"".into(),
            "docker info --format '{{json .SecurityOptions}}'",
            "images are re-pulled into a remapped storage root and bind-mounted files must be owned by the remapped UIDs"),
        "DH-008" => ("enable an authorization plugin", "\"authorization-plugins\": [\"opa-docker-authz\"]".into(),
            "docker info --format '{{json .Plugins.Authorization}}'",
            "install the plugin and its policy first: a daemon whose plugin is missing refuses every API call"),
        "DH-009" => ("ship container logs off the host", "\"log-driver\": \"journald\"".into(),
            "docker info --format '{{.LoggingDriver}}'",
            "applies to new containers only; forward the journal to your collector (or use syslog/fluentd/gelf with log-opts)"),
        "DH-010" => ("enable live restore", "\"live-restore\": true".into(),
            "docker info --format '{{.LiveRestoreEnabled}}'",
            "not supported on swarm managers; `sudo systemctl reload docker` applies it without stopping containers"),
        "DH-011" => ("disable experimental features", "\"experimental\": false".into(),
            "docker version --format '{{.Server.Experimental}}'",
            "check that nothing in use depends on an experimental feature"),
        "DH-012" => ("restore the default seccomp profile", "remove \"seccomp-profile\"".into(),
            "docker info --format '{{json .SecurityOptions}}'",
            "containers that relied on syscalls the replacement allowed may need their own profile"),
        _ => return None,
    })
}

pub(crate) fn plan(f: &Finding, _s: &Snapshot) -> Option<Draft> {
    let host = f.resource.name.clone();
    let target = Target::Docker {
        host: host.clone(),
        container: String::new(),
    };
    let manual = |what: String, steps: Vec<String>, caveats: Vec<String>| Draft {
        summary: format!("{}: {what} (manual)", object_words(f)),
        target: target.clone(),
        kind: PlanKind::Manual { steps },
        containment: None,
        caveats,
    };
    if let Some((what, key, verify, caveat)) = daemon_key(&f.check_id, f) {
        let steps = vec![
            format!(
                "On host {host}, edit /etc/docker/daemon.json: {key} (back the file up first)."
            ),
            VALIDATE.to_string(),
            RESTART.to_string(),
            format!("Verify: `{verify}`."),
        ];
        return Some(manual(what.to_string(), steps, vec![caveat.to_string()]));
    }
    let (what, steps, caveat): (&str, Vec<String>, &str) = match f.check_id.as_str() {
        "DH-001" => ("upgrade Docker Engine to a supported major", vec![
            format!("On host {host}: `sudo apt-get update && sudo apt-get install docker-ce docker-ce-cli containerd.io` (from download.docker.com; or the distribution's current package)."),
            "Verify: `docker version --format '{{.Server.Version}}'`.".into()],
            "read the release notes of the majors skipped for removed features (e.g. aufs, legacy links)"),
        "DH-002" => ("run the daemon rootless", vec![
            format!("On host {host}, as the user that should own the daemon: `dockerd-rootless-setuptool.sh install`."),
            "Point clients at it: `export DOCKER_HOST=unix://$XDG_RUNTIME_DIR/docker.sock`.".into(),
            "Re-create the containers under the rootless daemon, then disable the rootful one: `sudo systemctl disable --now docker`.".into(),
            "Verify: `docker info --format '{{json .SecurityOptions}}'` lists name=rootless.".into()],
            "rootless cannot bind ports below 1024 or use some storage drivers; where it is not possible, set \"userns-remap\": \"default\" in daemon.json instead"),
        "DH-006" => ("require TLS on the TCP endpoint", vec![
            format!("On host {host}, in /etc/docker/daemon.json: \"tls\": true, \"tlsverify\": true, \"tlscacert\": \"/etc/docker/ca.pem\", \"tlscert\": \"/etc/docker/server-cert.pem\", \"tlskey\": \"/etc/docker/server-key.pem\", \"hosts\": [\"unix:///var/run/docker.sock\", \"tcp://0.0.0.0:2376\"]."),
            VALIDATE.into(), RESTART.into(),
            "Connect with `DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=~/.docker DOCKER_HOST=tcp://<host>:2376` (or use ssh://).".into()],
            "every client needs a certificate signed by the CA before the change"),
        "DH-013" => ("leave swarm mode", vec![
            format!("On host {host}, if no swarm service runs there: `docker swarm leave` (a manager: drain it, then `docker swarm leave --force`)."),
            "Close ports 2377/tcp, 7946/tcp+udp and 4789/udp in the host firewall.".into()],
            "swarm services and secrets on this node go away"),
        "DH-014" => ("re-create the overlay network encrypted", vec![
            format!("Create an encrypted network: `docker network create --driver overlay --opt encrypted {}-enc`.", f.discriminator),
            format!("Move the services: `docker service update --network-add {0}-enc --network-rm {0} <service>` for each.", f.discriminator),
            format!("Remove the old network: `docker network rm {}`.", f.discriminator)],
            "IPsec encryption costs throughput and needs ESP (IP protocol 50) open between the nodes"),
        _ => return None,
    };
    Some(manual(what.to_string(), steps, vec![caveat.to_string()]))
}
