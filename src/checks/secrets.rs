//! Secret-handling checks across Docker and Kubernetes: literal secrets in environment
//! variables, secret-like values in arguments, labels, annotations and ConfigMaps, Secrets
//! consumed as environment variables, and references to Secrets or ConfigMaps that do not
//! exist.
//!
//! Values were redacted before they entered the snapshot ([`crate::secrets`]); evidence
//! here shows only the redacted forms recorded in `SecretHit`s (public prefix, stars,
//! short hash), never any other part of a value.

use std::collections::BTreeMap;

use super::frameworks::*;
use super::input::Input;
use super::{container_ref, kube_containers, pod_path, unit_ref, Check, Family, Out, Severity};
use crate::findings::{Evidence, ResourceRef};
use crate::model::{CoverageStatus, DataKind, EnvValue, EnvVar, SecretHit, Snapshot, WorkloadKind};

const NEEDS_KUBE: &[DataKind] = &[DataKind::KubeWorkloads];
const NEEDS_DOCKER: &[DataKind] = &[DataKind::DockerContainers];
const NEEDS_CONFIGMAPS: &[DataKind] = &[DataKind::KubeConfigMaps];
const NEEDS_REFS: &[DataKind] = &[
    DataKind::KubeWorkloads,
    DataKind::KubeSecrets,
    DataKind::KubeConfigMaps,
];

/// A workload that references configuration that is not there fails to start or starts
/// without its settings: a configuration-integrity matter more than a confidentiality one.
const CONFIG_INTEGRITY: &[Control] = &[GDPR_32, PCI_2_2, SOC2_CC7_1, SOC2_CC8_1];

pub const CHECKS: &[Check] = &[
    Check {
        id: "SC-001",
        title: "Literal secret in a Kubernetes container env var",
        family: Family::Secrets,
        severity: Severity::High,
        rationale: "A password, token or key written as a literal `env[].value` lives in the workload manifest: everyone who can read the Deployment (get on the workload, kubectl describe, GitOps repositories, backups) reads the secret, and rotating it means redeploying.",
        remediation: "Move the value into a Secret (`kubectl create secret generic <name> --from-literal=KEY=...`) and reference it with `env: [{name: DB_PASSWORD, valueFrom: {secretKeyRef: {name: <name>, key: KEY}}}]`, or better mount it as a file; then rotate the exposed value.",
        refs: &["Polaris sensitiveContainerEnvVar", "C-0012", "CIS-DI-0010"],
        controls: SECRETS,
        needs: NEEDS_KUBE,
        run: kube_env_literal,
    },
    Check {
        id: "SC-002",
        title: "Literal secret in a Docker container env var",
        family: Family::Secrets,
        severity: Severity::High,
        rationale: "Environment variables of a container are readable by anyone who can run `docker inspect` on the host, are copied into commits of the container and are inherited by every child process; a literal password or token there is effectively public on the host.",
        remediation: "Pass the secret as a file: `docker secret create` with `--secret` (swarm) or compose `secrets:` mounted under /run/secrets, and have the app read `DB_PASSWORD_FILE=/run/secrets/db_password`; then rotate the exposed value.",
        refs: &["CIS-DI-0010", "C-0012", "CIS-D 4.10"],
        controls: SECRETS,
        needs: NEEDS_DOCKER,
        run: docker_env_literal,
    },
    Check {
        id: "SC-003",
        title: "Secret-like value in a Kubernetes workload's command, args, labels or annotations",
        family: Family::Secrets,
        severity: Severity::High,
        rationale: "AWS keys, GitHub, GitLab and Slack tokens, private keys, JWTs and passwords in URLs found in a container's command or args, or in the workload's labels and annotations, are stored in etcd in clear and shown by kubectl get and describe to anyone with read access to the workload.",
        remediation: "Remove the value from the manifest: pass it from a Secret (`valueFrom.secretKeyRef`, or a secret volume read by the process), reference `$(VAR)` in args instead of the literal, and rotate the exposed credential.",
        refs: &["Trivy secret rules", "C-0012", "KSV-01010"],
        controls: SECRETS,
        needs: NEEDS_KUBE,
        run: kube_value_patterns,
    },
    Check {
        id: "SC-004",
        title: "Secret-like value in a Docker container's command or labels",
        family: Family::Secrets,
        severity: Severity::High,
        rationale: "A credential in a container's command line or labels is visible to `docker inspect`, `docker ps --no-trunc` and, for the command, to every user of the host through /proc/<pid>/cmdline.",
        remediation: "Drop the secret from the command and labels; mount it as a file (`--secret`, compose `secrets:`, or a read-only bind of a 0400 file) and let the process read it; then rotate the exposed credential.",
        refs: &["Trivy secret rules", "C-0012", "CIS-DI-0010"],
        controls: SECRETS,
        needs: NEEDS_DOCKER,
        run: docker_value_patterns,
    },
    Check {
        id: "SC-005",
        title: "Secret-like value in a ConfigMap",
        family: Family::Secrets,
        severity: Severity::High,
        rationale: "ConfigMaps are meant for non-confidential settings: they are readable by roles that cannot read Secrets (the built-in view role among them), not encrypted at rest by EncryptionConfiguration for secrets, and often committed to Git.",
        remediation: "Move the value to a Secret (`kubectl create secret generic <name> --from-literal=<key>=...`), remove the key from the ConfigMap (`kubectl edit configmap <name>`), and rotate the exposed credential.",
        refs: &["C-0012", "KSV-01010", "Trivy secret rules"],
        controls: SECRETS,
        needs: NEEDS_CONFIGMAPS,
        run: configmap_secrets,
    },
    Check {
        id: "SC-006",
        title: "Secrets consumed as environment variables",
        family: Family::Secrets,
        severity: Severity::Low,
        rationale: "Secrets injected as environment variables are inherited by every child process, end up in crash dumps, debug endpoints and logs that print the environment, and are not updated when the Secret rotates; mounted files avoid all three.",
        remediation: "Mount the Secret as a volume (`volumes: [{name: creds, secret: {secretName: <name>}}]` with `volumeMounts: [{name: creds, mountPath: /run/secrets/app, readOnly: true}]`) and have the app read the file instead of `secretKeyRef` / `envFrom.secretRef`.",
        refs: &["CIS-K 5.4.1", "CKV_K8S_35", "C-0207"],
        controls: SECRETS,
        needs: NEEDS_KUBE,
        run: secrets_as_env,
    },
    Check {
        id: "SC-007",
        title: "Reference to a missing Secret or ConfigMap",
        family: Family::Secrets,
        severity: Severity::Medium,
        rationale: "A pod that references a Secret or ConfigMap that does not exist in its namespace (and is not marked optional) fails to start (CreateContainerConfigError, or stuck ContainerCreating for volumes); it also hints at a name typo or a deleted object that someone may recreate with other content.",
        remediation: "Create the object in the workload's namespace (`kubectl create secret generic <name> -n <ns> ...` / `kubectl create configmap <name> -n <ns> ...`), fix the name in the reference, or mark it `optional: true` if the workload runs without it.",
        refs: &["POP-304", "POP-305"],
        controls: CONFIG_INTEGRITY,
        needs: NEEDS_REFS,
        run: missing_refs,
    },
];

// ---- helpers -------------------------------------------------------------------------

/// The redacted forms recorded for `location`, e.g. `env.DB_PASSWORD`; falls back to the
/// env value's own redacted form only when the whole value was redacted (rule
/// `secret-name`), since a pattern-redacted value keeps the non-secret text around it.
fn observed(hits: &[SecretHit], location: &str, redacted: &str, rule: &str) -> String {
    let forms: Vec<&str> = hits
        .iter()
        .filter(|h| h.location == location)
        .map(|h| h.redacted.as_str())
        .collect();
    if !forms.is_empty() {
        forms.join(", ")
    } else if rule == "secret-name" || is_whole_redaction(redacted) {
        redacted.to_string()
    } else {
        "[redacted]".to_string()
    }
}

/// `********#1a2b3c4d`: a value redacted whole, with nothing of it kept.
fn is_whole_redaction(v: &str) -> bool {
    v.strip_prefix("********#")
        .is_some_and(|h| h.len() == 8 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The literal secrets among env vars: (var, redacted value, rule).
fn literal_secrets(env: &[EnvVar]) -> impl Iterator<Item = (&EnvVar, &str, &str)> {
    env.iter().filter_map(|e| match &e.value {
        EnvValue::Redacted { redacted, rule } => Some((e, redacted.as_str(), rule.as_str())),
        _ => None,
    })
}

/// Whether `kind` could not be read for namespace `ns` (or for the whole cluster).
fn unread(s: &Snapshot, kind: DataKind, ns: &str) -> bool {
    s.coverage.entries.iter().any(|e| {
        e.kind == kind
            && e.status == CoverageStatus::Missing
            && (e.scope == ns || e.scope.is_empty() || e.scope == "cluster")
    })
}

/// Evidence path of a workload-level hit: `label:k` -> `metadata.labels[k]`,
/// `template.annotation:k` -> `spec.template.metadata.annotations[k]`.
fn meta_hit_path(kind: WorkloadKind, location: &str) -> String {
    let template_meta = match kind.template_path().strip_suffix(".spec") {
        Some(base) => format!("{base}.metadata"),
        None => "metadata".to_string(),
    };
    let (field, key) = location.split_once(':').unwrap_or((location, ""));
    match field {
        "label" => format!("metadata.labels[{key}]"),
        "annotation" => format!("metadata.annotations[{key}]"),
        "template.label" => format!("{template_meta}.labels[{key}]"),
        "template.annotation" => format!("{template_meta}.annotations[{key}]"),
        _ => location.to_string(),
    }
}

/// Evidence path of a Docker container hit: `command[0]` is `Path`, `command[n]` is
/// `Args[n-1]`, `label:k` is `Config.Labels["k"]`.
fn docker_hit_path(location: &str) -> String {
    if let Some(key) = location.strip_prefix("label:") {
        return format!("Config.Labels[\"{key}\"]");
    }
    let index = location
        .strip_prefix("command[")
        .and_then(|r| r.strip_suffix(']'))
        .and_then(|n| n.parse::<usize>().ok());
    match index {
        Some(0) => "Path".to_string(),
        Some(n) => format!("Args[{}]", n - 1),
        None => location.to_string(),
    }
}

/// Hits grouped by location, in first-seen order: (location, rules, redacted forms). The
/// scrubber can record two rules for one secret at one place (a token inside a
/// `--token=...` assignment); that is one finding, not two.
fn by_location<'a>(
    hits: impl Iterator<Item = &'a SecretHit>,
) -> Vec<(&'a str, Vec<&'a str>, Vec<&'a str>)> {
    let mut out: Vec<(&str, Vec<&str>, Vec<&str>)> = Vec::new();
    for h in hits {
        let i = match out.iter().position(|(l, _, _)| *l == h.location) {
            Some(i) => i,
            None => {
                out.push((h.location.as_str(), Vec::new(), Vec::new()));
                out.len() - 1
            }
        };
        let (_, rules, forms) = &mut out[i];
        if !rules.contains(&h.rule.as_str()) {
            rules.push(h.rule.as_str());
        }
        forms.push(h.redacted.as_str());
    }
    out
}

// ---- checks --------------------------------------------------------------------------

fn kube_env_literal(s: &Input, out: &mut Out) {
    for kc in kube_containers(s) {
        for (var, redacted, rule) in literal_secrets(&kc.container.env) {
            let location = format!("env.{}", var.name);
            out.emit(
                kc.resource(),
                var.name.clone(),
                format!(
                    "container {} of {} {} sets {} to a literal secret (rule {rule})",
                    kc.container.name, kc.unit.kind, kc.unit.name, var.name
                ),
                vec![Evidence::new(
                    kc.path(&format!("env[{}].value", var.name)),
                    observed(&kc.container.secrets, &location, redacted, rule),
                )],
            );
        }
    }
}

fn docker_env_literal(s: &Input, out: &mut Out) {
    for c in &s.docker.containers {
        for (var, redacted, rule) in literal_secrets(&c.env) {
            let location = format!("env.{}", var.name);
            out.emit(
                container_ref(c),
                var.name.clone(),
                format!(
                    "container {} sets {} to a literal secret (rule {rule})",
                    c.name, var.name
                ),
                vec![Evidence::new(
                    format!("Config.Env[{}]", var.name),
                    observed(&c.secrets, &location, redacted, rule),
                )],
            );
        }
    }
}

fn kube_value_patterns(s: &Input, out: &mut Out) {
    for unit in s.units() {
        for (loc, rules, forms) in by_location(unit.workload.secrets.iter()) {
            out.emit(
                unit_ref(&unit),
                loc,
                format!(
                    "{} {}/{} has a secret-like value ({}) in {loc}",
                    unit.kind,
                    unit.namespace(),
                    unit.name,
                    rules.join(", ")
                ),
                vec![Evidence::new(
                    meta_hit_path(unit.workload.kind, loc),
                    forms.join(", "),
                )],
            );
        }
    }
    for kc in kube_containers(s) {
        let hits = kc
            .container
            .secrets
            .iter()
            .filter(|h| !h.location.starts_with("env"));
        for (loc, rules, forms) in by_location(hits) {
            out.emit(
                kc.resource(),
                loc,
                format!(
                    "container {} of {} {} has a secret-like value ({}) in {loc}",
                    kc.container.name,
                    kc.unit.kind,
                    kc.unit.name,
                    rules.join(", ")
                ),
                vec![Evidence::new(kc.path(loc), forms.join(", "))],
            );
        }
    }
}

fn docker_value_patterns(s: &Input, out: &mut Out) {
    for c in &s.docker.containers {
        let hits = c.secrets.iter().filter(|h| !h.location.starts_with("env"));
        for (loc, rules, forms) in by_location(hits) {
            out.emit(
                container_ref(c),
                loc,
                format!(
                    "container {} has a secret-like value ({}) in {loc}",
                    c.name,
                    rules.join(", ")
                ),
                vec![Evidence::new(docker_hit_path(loc), forms.join(", "))],
            );
        }
    }
}

fn configmap_secrets(s: &Input, out: &mut Out) {
    for cm in &s.kube.config_maps {
        for (loc, rules, forms) in by_location(cm.secrets.iter()) {
            out.emit(
                ResourceRef::kube("ConfigMap", cm.meta.namespace.as_deref(), &cm.meta.name),
                loc,
                format!(
                    "ConfigMap {} holds a secret-like value ({}) in {loc}",
                    cm.meta.key(),
                    rules.join(", ")
                ),
                vec![Evidence::new(loc, forms.join(", "))],
            );
        }
    }
}

fn secrets_as_env(s: &Input, out: &mut Out) {
    for kc in kube_containers(s) {
        let mut ev = Vec::new();
        for e in &kc.container.env {
            if let EnvValue::SecretRef { name, key, .. } = &e.value {
                ev.push(Evidence::new(
                    kc.path(&format!("env[{}].valueFrom.secretKeyRef", e.name)),
                    format!("{name}/{key}"),
                ));
            }
        }
        for (i, f) in kc.container.env_from.iter().enumerate() {
            if f.kind == "Secret" {
                ev.push(Evidence::new(
                    kc.path(&format!("envFrom[{i}].secretRef.name")),
                    f.name.clone(),
                ));
            }
        }
        if ev.is_empty() {
            continue;
        }
        out.emit(
            kc.resource(),
            "",
            format!(
                "container {} of {} {} reads {} Secret reference(s) into its environment",
                kc.container.name,
                kc.unit.kind,
                kc.unit.name,
                ev.len()
            ),
            ev,
        );
    }
}

fn missing_refs(s: &Input, out: &mut Out) {
    let exists = |kind: &str, ns: &str, name: &str| match kind {
        "Secret" => s.has_secret(ns, name),
        _ => s.has_config_map(ns, name),
    };
    let readable = |kind: &str, ns: &str| {
        let dk = if kind == "Secret" {
            DataKind::KubeSecrets
        } else {
            DataKind::KubeConfigMaps
        };
        !unread(s, dk, ns)
    };
    // Container references, attributed to the container.
    for kc in kube_containers(s) {
        let ns = kc.unit.namespace();
        let mut missing: BTreeMap<(&str, &str), Vec<Evidence>> = BTreeMap::new();
        for e in &kc.container.env {
            let (kind, name, field) = match &e.value {
                EnvValue::SecretRef {
                    name,
                    optional: false,
                    ..
                } => ("Secret", name, "secretKeyRef"),
                EnvValue::ConfigMapRef {
                    name,
                    optional: false,
                    ..
                } => ("ConfigMap", name, "configMapKeyRef"),
                _ => continue,
            };
            if !name.is_empty() && readable(kind, ns) && !exists(kind, ns, name) {
                missing.entry((kind, name)).or_default().push(Evidence::new(
                    kc.path(&format!("env[{}].valueFrom.{field}.name", e.name)),
                    name.clone(),
                ));
            }
        }
        for (i, f) in kc.container.env_from.iter().enumerate() {
            let (kind, field) = match f.kind.as_str() {
                "Secret" => ("Secret", "secretRef"),
                "ConfigMap" => ("ConfigMap", "configMapRef"),
                _ => continue,
            };
            if !f.optional && !f.name.is_empty() && readable(kind, ns) && !exists(kind, ns, &f.name)
            {
                missing
                    .entry((kind, &f.name))
                    .or_default()
                    .push(Evidence::new(
                        kc.path(&format!("envFrom[{i}].{field}.name")),
                        f.name.clone(),
                    ));
            }
        }
        for ((kind, name), ev) in missing {
            out.emit(
                kc.resource(),
                format!("{kind}/{name}"),
                format!(
                    "container {} of {} {ns}/{} references {kind} {name}, which does not exist in {ns}",
                    kc.container.name, kc.unit.kind, kc.unit.name
                ),
                ev,
            );
        }
    }
    // Volume references, attributed to the workload.
    for unit in s.units() {
        let ns = unit.namespace();
        for (i, v) in unit.pod().volumes.iter().enumerate() {
            let (kind, field) = match v.kind.as_str() {
                "secret" => ("Secret", "secret.secretName"),
                "configMap" => ("ConfigMap", "configMap.name"),
                _ => continue,
            };
            let Some(name) = v.reference.as_deref().filter(|n| !n.is_empty()) else {
                continue;
            };
            if !readable(kind, ns) || exists(kind, ns, name) {
                continue;
            }
            out.emit(
                unit_ref(&unit),
                format!("{kind}/{name}"),
                format!(
                    "{} {ns}/{} mounts {kind} {name} as volume {}, but it does not exist in {ns}",
                    unit.kind, unit.name, v.name
                ),
                vec![Evidence::new(
                    pod_path(&unit, &format!("volumes[{i}].{field}")),
                    name.to_string(),
                )],
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::Finding;
    use crate::model::{ConfigMap, EnvFromSource, ObjectMeta, SecretMeta, Volume, Workload};
    use crate::secrets::{scrub, scrub_args, scrub_env};
    use crate::testkit::{container, deployment, docker, kube, run_check};

    const AWS: &str = "AKIAQ7CANARY0000TEST";
    const GH: &str = "ghp_0123456789abcdefghij0123456789abcdef";
    const PASSWORD: &str = "hunter2-canary-value";

    fn one(id: &str, s: &Snapshot) -> Finding {
        let f = run_check(id, s);
        assert_eq!(f.len(), 1, "{id}: {f:?}");
        f.into_iter().next().unwrap_or_else(|| unreachable!())
    }

    fn none(id: &str, s: &Snapshot) {
        let f = run_check(id, s);
        assert!(f.is_empty(), "{id}: unexpected {f:?}");
    }

    /// No part of a planted value appears anywhere in the findings.
    fn no_leak(f: &[Finding]) {
        let text = format!("{f:?}");
        for canary in [AWS, GH, PASSWORD, "CANARY0000", "hunter2"] {
            assert!(!text.contains(canary), "leaked {canary}: {text}");
        }
    }

    /// Set env vars on the deployment's first container the way the source would.
    fn with_env(mut w: Workload, vars: &[(&str, &str)]) -> Workload {
        let c = &mut w.pod.containers[0];
        for (name, value) in vars {
            let (v, hits) = scrub_env(name, Some(value), &format!("env.{name}"));
            c.env.push(EnvVar {
                name: name.to_string().into(),
                value: v,
            });
            c.secrets.extend(hits);
        }
        w
    }

    fn meta(ns: &str, name: &str) -> ObjectMeta {
        ObjectMeta {
            name: name.into(),
            namespace: Some(ns.into()),
            ..Default::default()
        }
    }

    #[test]
    fn sc001_kube_env_literal() {
        let bad = with_env(
            deployment("prod", "api"),
            &[("DB_PASSWORD", PASSWORD), ("LOG_LEVEL", "info")],
        );
        let s = kube(vec![bad, deployment("prod", "web")]);
        let f = run_check("SC-001", &s);
        no_leak(&f);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].resource.name, "api");
        assert_eq!(f[0].resource.container.as_deref(), Some("app"));
        assert_eq!(f[0].discriminator, "DB_PASSWORD");
        assert_eq!(
            f[0].evidence[0].path,
            "spec.template.spec.containers[0].env[DB_PASSWORD].value"
        );
        assert!(f[0].evidence[0].observed.starts_with("********#"));
        // A value pattern under a harmless name is a literal secret too.
        let s = kube(vec![with_env(
            deployment("prod", "api"),
            &[("AWS_ID", AWS)],
        )]);
        let f = one("SC-001", &s);
        no_leak(std::slice::from_ref(&f));
        assert!(f.evidence[0].observed.starts_with("AKIA****"), "{f:?}");
        // References and plain values pass.
        let ok = with_env(
            deployment("prod", "api"),
            &[
                ("DB_PASSWORD_FILE", "/run/secrets/db"),
                ("LOG_LEVEL", "info"),
            ],
        );
        none("SC-001", &kube(vec![ok]));
    }

    #[test]
    fn sc002_docker_env_literal() {
        let mut bad = container("bad");
        let (v, hits) = scrub_env("API_TOKEN", Some(GH), "env.API_TOKEN");
        bad.env.push(EnvVar {
            name: "API_TOKEN".into(),
            value: v,
        });
        bad.secrets.extend(hits);
        let f = run_check("SC-002", &docker(vec![bad, container("good")]));
        no_leak(&f);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].resource.name, "bad");
        assert_eq!(f[0].evidence[0].path, "Config.Env[API_TOKEN]");
        assert!(f[0].evidence[0].observed.contains("********#"));
        let mut good = container("good");
        let (v, _) = scrub_env("PORT", Some("8080"), "env.PORT");
        good.env.push(EnvVar {
            name: "PORT".into(),
            value: v,
        });
        none("SC-002", &docker(vec![good]));
    }

    #[test]
    fn sc003_kube_args_and_annotations() {
        let mut w = with_env(deployment("prod", "api"), &[("DB_PASSWORD", PASSWORD)]);
        let (args, hits) = scrub_args(&["--verbose".to_string(), format!("--token={GH}")], "args");
        w.pod.containers[0].args = args.into_iter().map(Into::into).collect();
        w.pod.containers[0].secrets.extend(hits);
        let (_, hits) = scrub(&format!("key {AWS}"), "template.annotation:deploy/key");
        w.secrets.extend(hits);
        let f = run_check("SC-003", &kube(vec![w, deployment("prod", "web")]));
        no_leak(&f);
        assert_eq!(f.len(), 2, "env hits belong to SC-001: {f:?}");
        let ann = f.iter().find(|x| x.resource.container.is_none());
        let ann = ann.unwrap_or_else(|| panic!("no annotation finding: {f:?}"));
        assert_eq!(
            ann.evidence[0].path,
            "spec.template.metadata.annotations[deploy/key]"
        );
        assert!(ann.evidence[0].observed.starts_with("AKIA"));
        let arg = f.iter().find(|x| x.resource.container.is_some());
        let arg = arg.unwrap_or_else(|| panic!("no args finding: {f:?}"));
        assert_eq!(
            arg.evidence[0].path,
            "spec.template.spec.containers[0].args[1]"
        );
        // Env-only hits and clean workloads pass.
        let w = with_env(deployment("prod", "api"), &[("DB_PASSWORD", PASSWORD)]);
        none("SC-003", &kube(vec![w]));
    }

    #[test]
    fn sc004_docker_command_and_labels() {
        let mut bad = container("bad");
        let (cmd, hits) = scrub_args(
            &[
                "/app".to_string(),
                "--password".to_string(),
                PASSWORD.to_string(),
            ],
            "command",
        );
        bad.command = cmd;
        bad.secrets.extend(hits);
        let (_, hits) = scrub(AWS, "label:aws");
        bad.secrets.extend(hits);
        let (_, hits) = scrub_env("DB_PASSWORD", Some(PASSWORD), "env.DB_PASSWORD");
        bad.secrets.extend(hits);
        let f = run_check("SC-004", &docker(vec![bad, container("good")]));
        no_leak(&f);
        assert_eq!(f.len(), 2, "{f:?}");
        assert!(f.iter().all(|x| x.resource.name == "bad"));
        assert!(f.iter().any(|x| x.evidence[0].path == "Args[1]"));
        assert!(f
            .iter()
            .any(|x| x.evidence[0].path == "Config.Labels[\"aws\"]"));
        none("SC-004", &docker(vec![container("good")]));
    }

    #[test]
    fn sc005_configmap() {
        let mut s = kube(vec![]);
        let (_, hits) = scrub(&format!("aws_access_key_id = {AWS}\n"), "data.credentials");
        s.kube.config_maps = vec![
            ConfigMap {
                meta: meta("prod", "app-config"),
                keys: vec!["credentials".into()],
                secrets: hits,
            },
            ConfigMap {
                meta: meta("prod", "plain"),
                keys: vec!["log_level".into()],
                secrets: vec![],
            },
        ];
        let f = one("SC-005", &s);
        no_leak(std::slice::from_ref(&f));
        assert_eq!(f.resource.kind, "ConfigMap");
        assert_eq!(f.resource.name, "app-config");
        assert_eq!(f.evidence[0].path, "data.credentials");
        s.kube.config_maps.remove(0);
        none("SC-005", &s);
    }

    #[test]
    fn sc006_secrets_as_env() {
        let mut w = deployment("prod", "api");
        w.pod.containers[0].env.push(EnvVar {
            name: "DB_PASSWORD".into(),
            value: EnvValue::SecretRef {
                name: "db".into(),
                key: "password".into(),
                optional: false,
            },
        });
        w.pod.containers[0].env_from.push(EnvFromSource {
            kind: "Secret".into(),
            name: "api-env".into(),
            optional: false,
        });
        let f = one("SC-006", &kube(vec![w, deployment("prod", "web")]));
        assert_eq!(f.resource.name, "api");
        assert_eq!(f.severity, Severity::Low);
        assert_eq!(
            f.evidence[0].path,
            "spec.template.spec.containers[0].env[DB_PASSWORD].valueFrom.secretKeyRef"
        );
        assert_eq!(f.evidence[0].observed, "db/password");
        assert_eq!(
            f.evidence[1].path,
            "spec.template.spec.containers[0].envFrom[0].secretRef.name"
        );
        // A ConfigMap in env is not a Secret.
        let mut w = deployment("prod", "api");
        w.pod.containers[0].env_from.push(EnvFromSource {
            kind: "ConfigMap".into(),
            name: "api-env".into(),
            optional: false,
        });
        none("SC-006", &kube(vec![w]));
    }

    #[test]
    fn sc007_missing_refs() {
        let mut w = deployment("prod", "api");
        let c = &mut w.pod.containers[0];
        c.env.push(EnvVar {
            name: "DB_PASSWORD".into(),
            value: EnvValue::SecretRef {
                name: "db".into(),
                key: "password".into(),
                optional: false,
            },
        });
        c.env.push(EnvVar {
            name: "FEATURE".into(),
            value: EnvValue::ConfigMapRef {
                name: "flags".into(),
                key: "x".into(),
                optional: true,
            },
        });
        c.env_from.push(EnvFromSource {
            kind: "ConfigMap".into(),
            name: "settings".into(),
            optional: false,
        });
        w.pod.volumes.push(Volume {
            name: "tls".into(),
            kind: "secret".into(),
            host_path: None,
            reference: Some("api-tls".into()),
        });
        let mut s = kube(vec![w]);
        // `db` exists but in another namespace; `settings` exists in prod.
        s.kube.secrets = vec![SecretMeta {
            meta: meta("other", "db"),
            ..Default::default()
        }];
        s.kube.config_maps = vec![ConfigMap {
            meta: meta("prod", "settings"),
            ..Default::default()
        }];
        let f = run_check("SC-007", &s);
        assert_eq!(f.len(), 2, "{f:?}");
        let env = f.iter().find(|x| x.discriminator == "Secret/db");
        let env = env.unwrap_or_else(|| panic!("no env ref finding: {f:?}"));
        assert_eq!(env.resource.container.as_deref(), Some("app"));
        assert_eq!(
            env.evidence[0].path,
            "spec.template.spec.containers[0].env[DB_PASSWORD].valueFrom.secretKeyRef.name"
        );
        let vol = f.iter().find(|x| x.discriminator == "Secret/api-tls");
        let vol = vol.unwrap_or_else(|| panic!("no volume finding: {f:?}"));
        assert_eq!(vol.resource.container, None);
        assert_eq!(
            vol.evidence[0].path,
            "spec.template.spec.volumes[0].secret.secretName"
        );
        // Once both exist in prod, it passes.
        for name in ["db", "api-tls"] {
            s.kube.secrets.push(SecretMeta {
                meta: meta("prod", name),
                ..Default::default()
            });
        }
        none("SC-007", &s);
        // Secrets that could not be read are not reported as missing.
        s.kube.secrets.clear();
        s.coverage
            .missing(DataKind::KubeSecrets, "prod", "403 Forbidden");
        none("SC-007", &s);
    }
}
