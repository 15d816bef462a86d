//! Plans for the secrets checks (SC-001 to SC-007). A leaked credential must be rotated
//! at its issuer, which no patch can do, so these are manual steps in order: rotate, move
//! the value into a Secret or file, remove it from where it leaked. The plans name where
//! the value is (variable, argument, key), never the value: the snapshot holds only a
//! redacted form, and the plan text goes to the session log.

use super::{default_target, object_words, Draft, PlanKind};
use crate::findings::Finding;
use crate::model::Snapshot;

pub(crate) fn plan(f: &Finding, s: &Snapshot) -> Option<Draft> {
    let r = &f.resource;
    let ns = r.namespace.clone().unwrap_or_default();
    let name = &r.name;
    let kind = r.kind.to_ascii_lowercase();
    let container = r.container.clone().unwrap_or_default();
    let d = &f.discriminator;
    let rotate = format!("Rotate the exposed credential at its issuer now ({d}): everyone who could read the object has seen it.");
    let secret = format!("{name}-secrets");
    let (what, steps, caveat): (String, Vec<String>, &str) = match f.check_id.as_str() {
        "SC-001" => (format!("move {d} into a Secret and rotate it"), vec![
            rotate,
            format!("Store the new value: `kubectl create secret generic {secret} -n {ns} --from-literal={d}=<new value>` (type it at the prompt of a secret manager, not in shell history)."),
            format!("Reference it: `kubectl set env {kind}/{name} -n {ns} -c {container} --from=secret/{secret} --keys={d}` (it replaces the literal), or better mount it as a file."),
            format!("Remove the literal from the manifest in source control and from its history.")],
            "the old value stays in the object's history (ReplicaSets, last-applied annotation, git): rotation is what makes it harmless"),
        "SC-002" => (format!("pass {d} as a file and rotate it"), vec![
            rotate,
            format!("Put the new value in a file readable only by the container user (`install -m 0400 /dev/stdin /srv/secrets/{}`), and mount it read-only: `-v /srv/secrets/{}:/run/secrets/{}:ro` (compose: a `secrets:` entry).", d.to_ascii_lowercase(), d.to_ascii_lowercase(), d.to_ascii_lowercase()),
            format!("Re-create container {name} without `-e {d}=...`, with `-e {d}_FILE=/run/secrets/{}` if the app reads that convention.", d.to_ascii_lowercase())],
            "`docker inspect` showed the value to everyone with access to the daemon"),
        "SC-003" => (format!("remove the secret from {d} and rotate it"), vec![
            rotate,
            format!("Store the new value in a Secret: `kubectl create secret generic {secret} -n {ns} --from-literal=value=<new value>`."),
            format!("In {} {ns}/{name}, replace {d} with a reference: an env var from `secretKeyRef` used as `$(VAR)` in args, or a secret volume read by the process (`kubectl edit {kind} {name} -n {ns}`).", r.kind)],
            "command lines are visible in `ps` on the node and in the API object"),
        "SC-004" => (format!("remove the secret from {d} and rotate it"), vec![
            rotate,
            format!("Mount the new value as a file (`-v /srv/secrets/{name}:/run/secrets/{name}:ro`) and let the process read it instead of taking it on the command line or in a label."),
            format!("Re-create container {name} without it.")],
            "labels and arguments are visible to everyone with access to the daemon"),
        "SC-005" => (format!("move {d} into a Secret and rotate it"), vec![
            rotate,
            format!("Create a Secret with the new value: `kubectl create secret generic {name} -n {ns} --from-file=<key>=<file>`."),
            format!("Remove the key from the ConfigMap (`kubectl edit configmap {name} -n {ns}`) and mount the Secret where the ConfigMap key was mounted.")],
            "ConfigMaps are readable by far more roles than Secrets"),
        "SC-006" => ("mount the Secret as a file instead of env".into(), vec![
            format!("Add a volume `{{name: creds, secret: {{secretName: <secret>}}}}` and a mount `{{name: creds, mountPath: /run/secrets/app, readOnly: true}}` to container {container} of {} {ns}/{name}.", r.kind),
            "Change the app to read the file, then remove the `secretKeyRef` / `envFrom.secretRef` entries.".into()],
            "the app must support reading the value from a file"),
        "SC-007" => (format!("create {d} or fix the reference"), vec![
            match d.split_once('/') {
                Some(("Secret", n)) => format!("Create it: `kubectl create secret generic {n} -n {ns} --from-literal=<key>=<value>` (or fix the name in the reference)."),
                Some((_, n)) => format!("Create it: `kubectl create configmap {n} -n {ns} --from-literal=<key>=<value>` (or fix the name in the reference)."),
                None => format!("Create the referenced object in {ns} or fix the reference."),
            },
            "If the workload runs without it, mark the reference `optional: true`.".into()],
            "pods stay in CreateContainerConfigError until the object exists"),
        _ => return None,
    };
    Some(Draft {
        summary: format!("{}: {what} (manual)", object_words(f)),
        target: default_target(f, s),
        kind: PlanKind::Manual { steps },
        containment: None,
        caveats: vec![caveat.to_string()],
    })
}
