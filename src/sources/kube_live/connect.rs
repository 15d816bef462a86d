//! Which cluster, as whom, and which namespaces: resolved the way kubectl does it.
//!
//! Kubeconfig: `--kubeconfig FILE` alone, else every file in `KUBECONFIG` merged (first
//! file wins for a name, missing files skipped), else `~/.kube/config`, else the in-cluster
//! service account. Context: `--context`, else the kubeconfig's `current-context`.
//! Namespaces: `-A` all, else `-n`, else the context's namespace, else `default`.
//!
//! The environment and the home directory are passed in, so resolution is testable.

use kube::config::{KubeConfigOptions, Kubeconfig};
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::exec::ExecPlugin;
use super::kinds::valid_namespace;

/// What the person asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KubeTarget {
    pub kubeconfig: Option<PathBuf>,
    pub context: Option<String>,
    pub namespace: Option<String>,
    pub all_namespaces: bool,
}

/// The namespaces a scan covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    AllNamespaces,
    Namespace(String),
}

impl Scope {
    /// The namespace to put in list paths (`None` = cluster-wide).
    pub fn namespace(&self) -> Option<&str> {
        match self {
            Scope::AllNamespaces => None,
            Scope::Namespace(ns) => Some(ns),
        }
    }
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scope::AllNamespaces => f.write_str("all namespaces"),
            Scope::Namespace(ns) => write!(f, "namespace {ns}"),
        }
    }
}

/// A resolved connection, before any network IO.
#[derive(Clone)]
pub struct Connection {
    pub config: kube::Config,
    /// The context name, or `in-cluster`.
    pub context: String,
    /// Where the configuration came from, for messages.
    pub origin: String,
    pub scope: Scope,
    /// The exec credential plugin this context runs, if any. It has not run yet.
    pub exec: Option<ExecPlugin>,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the config: it can hold tokens and keys.
        f.debug_struct("Connection")
            .field("server", &self.config.cluster_url.to_string())
            .field("context", &self.context)
            .field("origin", &self.origin)
            .field("scope", &self.scope)
            .field("exec", &self.exec)
            .finish()
    }
}

/// Kubeconfig files to read, in kubectl's order, and a label saying where they came from.
fn kubeconfig_files(
    target: &KubeTarget,
    env: &(dyn Fn(&str) -> Option<String> + Sync),
    home: Option<&Path>,
) -> Result<Option<(Vec<PathBuf>, String)>, String> {
    if let Some(path) = &target.kubeconfig {
        if !path.is_file() {
            return Err(format!(
                "--kubeconfig {}: no such file. Give the path of a kubeconfig file (kubectl \
                 config view --raw shows the one kubectl uses).",
                path.display()
            ));
        }
        return Ok(Some((
            vec![path.clone()],
            format!("--kubeconfig {}", path.display()),
        )));
    }
    if let Some(list) = env("KUBECONFIG").filter(|v| !v.trim().is_empty()) {
        let sep = if cfg!(windows) { ';' } else { ':' };
        let files: Vec<PathBuf> = list
            .split(sep)
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
            .filter(|p| p.is_file())
            .collect();
        if files.is_empty() {
            return Err(format!(
                "KUBECONFIG={list}: none of these files exists. Fix KUBECONFIG or pass \
                 --kubeconfig FILE."
            ));
        }
        let label = if files.len() == 1 {
            format!("KUBECONFIG {}", files[0].display())
        } else {
            format!("KUBECONFIG ({} files merged)", files.len())
        };
        return Ok(Some((files, label)));
    }
    if let Some(default) = home.map(|h| h.join(".kube").join("config")) {
        if default.is_file() {
            let label = default.display().to_string();
            return Ok(Some((vec![default], label)));
        }
    }
    Ok(None)
}

/// Read and merge kubeconfig files (the first file wins for a name, as kubectl does).
fn read_merged(files: &[PathBuf]) -> Result<Kubeconfig, String> {
    let mut merged: Option<Kubeconfig> = None;
    for path in files {
        let kc = Kubeconfig::read_from(path).map_err(|e| {
            format!(
                "cannot read kubeconfig {}: {e}. Check it with `kubectl --kubeconfig {} config \
                 view`.",
                path.display(),
                path.display()
            )
        })?;
        merged = Some(match merged {
            None => kc,
            Some(m) => m
                .merge(kc)
                .map_err(|e| format!("cannot merge kubeconfig {}: {e}", path.display()))?,
        });
    }
    merged.ok_or_else(|| "no kubeconfig file to read".to_string())
}

/// Resolve the connection: read kubeconfig files (or the in-cluster service account),
/// choose the context and the namespaces. No network IO; exec plugins do not run here.
pub async fn resolve(
    target: &KubeTarget,
    env: &(dyn Fn(&str) -> Option<String> + Sync),
    home: Option<&Path>,
) -> Result<Connection, String> {
    if let Some(ns) = &target.namespace {
        if !valid_namespace(ns) {
            return Err(format!(
                "-n {ns:?} is not a valid namespace name (lowercase letters, digits and '-', \
                 at most 63 characters)"
            ));
        }
    }
    let (config, context, origin) = match kubeconfig_files(target, env, home)? {
        Some((files, origin)) => {
            let kc = read_merged(&files)?;
            let context = choose_context(&kc, target.context.as_deref(), &origin)?;
            let options = KubeConfigOptions {
                context: Some(context.clone()),
                cluster: None,
                user: None,
            };
            let config = kube::Config::from_custom_kubeconfig(kc, &options)
                .await
                .map_err(|e| {
                    format!(
                        "context {context} in {origin}: {e}. Check it with `kubectl config \
                         view --context {context}`."
                    )
                })?;
            (config, context, origin)
        }
        None if env("KUBERNETES_SERVICE_HOST").is_some() => {
            if let Some(ctx) = &target.context {
                return Err(format!(
                    "--context {ctx}: no kubeconfig was found, and in a pod only the \
                     in-cluster service account is available"
                ));
            }
            let config = kube::Config::incluster_env().map_err(|e| {
                format!(
                    "in-cluster configuration: {e}. Is a service account token mounted at \
                     /var/run/secrets/kubernetes.io/serviceaccount?"
                )
            })?;
            (
                config,
                "in-cluster".to_string(),
                "the pod's service account".to_string(),
            )
        }
        None => {
            return Err(
                "no Kubernetes configuration found: pass --kubeconfig FILE, set \
                 KUBECONFIG, or create ~/.kube/config (the file kubectl uses)"
                    .to_string(),
            )
        }
    };
    let scope = if target.all_namespaces {
        Scope::AllNamespaces
    } else if let Some(ns) = &target.namespace {
        Scope::Namespace(ns.clone())
    } else {
        Scope::Namespace(config.default_namespace.clone())
    };
    let exec = config
        .auth_info
        .exec
        .as_ref()
        .map(|e| ExecPlugin::from_config(e, &context));
    Ok(Connection {
        config,
        context,
        origin,
        scope,
        exec,
    })
}

fn choose_context(kc: &Kubeconfig, wanted: Option<&str>, origin: &str) -> Result<String, String> {
    let names: Vec<&str> = kc.contexts.iter().map(|c| c.name.as_str()).collect();
    let listed = if names.is_empty() {
        "none".to_string()
    } else {
        names.join(", ")
    };
    let name = match wanted.or(kc.current_context.as_deref()) {
        Some(n) if !n.is_empty() => n.to_string(),
        _ => {
            return Err(format!(
                "{origin} has no current-context: pass --context NAME (contexts: {listed})"
            ))
        }
    };
    if !names.contains(&name.as_str()) {
        return Err(format!(
            "context {name:?} is not in {origin} (contexts: {listed}). `kubectl config \
             get-contexts` lists them."
        ));
    }
    Ok(name)
}

/// Client settings Docket applies to every connection: short connect timeout, a read
/// timeout per request, and no hidden retries (the collector retries itself, so it can
/// honour Retry-After, count requests and respect the scan deadline).
pub fn tune(config: &mut kube::Config, request_timeout: Duration) {
    config.connect_timeout = Some(Duration::from_secs(5));
    config.read_timeout = Some(request_timeout);
    config.reset_reader_on_write = true;
    config.write_timeout = Some(request_timeout);
    config.default_retry = false;
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    const ONE: &str = r#"apiVersion: v1
kind: Config
current-context: dev
clusters:
- name: dev
  cluster: {server: "https://127.0.0.1:6443"}
- name: shared
  cluster: {server: "https://shared.example:6443"}
users:
- name: dev
  user: {token: "t-dev"}
- name: shared
  user: {token: "t-one"}
contexts:
- name: dev
  context: {cluster: dev, user: dev, namespace: team-a}
- name: shared
  context: {cluster: shared, user: shared}
"#;

    const TWO: &str = r#"apiVersion: v1
kind: Config
current-context: prod
clusters:
- name: prod
  cluster: {server: "https://10.0.0.1:6443"}
- name: shared
  cluster: {server: "https://other.example:6443"}
users:
- name: prod
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: aws
      args: ["eks", "get-token", "--cluster-name", "prod"]
- name: shared
  user: {token: "t-two"}
contexts:
- name: prod
  context: {cluster: prod, user: prod}
- name: shared
  context: {cluster: shared, user: shared}
"#;

    fn files() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("one.yaml");
        let b = dir.path().join("two.yaml");
        std::fs::write(&a, ONE).unwrap();
        std::fs::write(&b, TWO).unwrap();
        (dir, a, b)
    }

    fn env_of(pairs: &[(&str, String)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        move |k| map.get(k).cloned()
    }

    fn block<T>(f: impl std::future::Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(f)
    }

    #[test]
    fn kubeconfig_env_merges_files_first_wins_and_uses_its_current_context() {
        let (_d, a, b) = files();
        let env = env_of(&[("KUBECONFIG", format!("{}:{}", a.display(), b.display()))]);
        let c = block(resolve(&KubeTarget::default(), &env, None)).unwrap();
        assert_eq!(c.context, "dev");
        assert_eq!(c.scope, Scope::Namespace("team-a".into()));
        assert_eq!(c.origin, "KUBECONFIG (2 files merged)");
        // `shared` is in both files: the first file's cluster wins.
        let t = KubeTarget {
            context: Some("shared".into()),
            ..Default::default()
        };
        let c = block(resolve(&t, &env, None)).unwrap();
        assert_eq!(c.config.cluster_url.host(), Some("shared.example"));
        assert_eq!(c.scope, Scope::Namespace("default".into()));
        // A context only in the second file is reachable, and its exec plugin is named.
        let t = KubeTarget {
            context: Some("prod".into()),
            all_namespaces: true,
            ..Default::default()
        };
        let c = block(resolve(&t, &env, None)).unwrap();
        assert_eq!(c.scope, Scope::AllNamespaces);
        let exec = c.exec.expect("exec plugin");
        assert_eq!(exec.command, "aws");
        assert!(exec
            .describe()
            .contains("aws eks get-token --cluster-name prod"));
    }

    #[test]
    fn flag_beats_env_and_missing_files_in_kubeconfig_are_skipped() {
        let (d, a, b) = files();
        let missing = d.path().join("nope.yaml");
        let env = env_of(&[(
            "KUBECONFIG",
            format!("{}:{}", missing.display(), b.display()),
        )]);
        let c = block(resolve(&KubeTarget::default(), &env, None)).unwrap();
        assert_eq!(c.context, "prod");
        let t = KubeTarget {
            kubeconfig: Some(a.clone()),
            namespace: Some("x".into()),
            ..Default::default()
        };
        let c = block(resolve(&t, &env, None)).unwrap();
        assert_eq!(c.context, "dev");
        assert_eq!(c.scope, Scope::Namespace("x".into()));
        assert!(c.origin.starts_with("--kubeconfig"));
    }

    #[test]
    fn home_kubeconfig_is_the_fallback() {
        let (d, a, _) = files();
        std::fs::create_dir_all(d.path().join(".kube")).unwrap();
        std::fs::copy(&a, d.path().join(".kube/config")).unwrap();
        let c = block(resolve(
            &KubeTarget::default(),
            &env_of(&[]),
            Some(d.path()),
        ))
        .unwrap();
        assert_eq!(c.context, "dev");
    }

    #[test]
    fn errors_name_the_file_or_context_and_the_next_step() {
        let (d, a, _) = files();
        let none = block(resolve(
            &KubeTarget::default(),
            &env_of(&[]),
            Some(d.path()),
        ));
        assert!(none.unwrap_err().contains("--kubeconfig"));
        let t = KubeTarget {
            kubeconfig: Some(a.clone()),
            context: Some("staging".into()),
            ..Default::default()
        };
        let err = block(resolve(&t, &env_of(&[]), None)).unwrap_err();
        assert!(
            err.contains("\"staging\"") && err.contains("dev, shared"),
            "{err}"
        );
        let bad = d.path().join("bad.yaml");
        std::fs::write(&bad, "clusters: [ {name: x\n").unwrap();
        let t = KubeTarget {
            kubeconfig: Some(bad.clone()),
            ..Default::default()
        };
        let err = block(resolve(&t, &env_of(&[]), None)).unwrap_err();
        assert!(err.contains(&bad.display().to_string()), "{err}");
        let t = KubeTarget {
            kubeconfig: Some(a),
            namespace: Some("../secrets".into()),
            ..Default::default()
        };
        assert!(block(resolve(&t, &env_of(&[]), None))
            .unwrap_err()
            .contains("not a valid namespace"));
    }

    #[test]
    fn without_kubeconfig_a_pod_uses_its_service_account_or_says_what_is_missing() {
        let d = tempfile::tempdir().unwrap();
        let env = env_of(&[
            ("KUBERNETES_SERVICE_HOST", "10.96.0.1".into()),
            ("KUBERNETES_SERVICE_PORT", "443".into()),
        ]);
        // No kubeconfig anywhere: the in-cluster path is taken. The token file does not
        // exist outside a pod, so the error names where it was looked for.
        match block(resolve(&KubeTarget::default(), &env, Some(d.path()))) {
            Ok(c) => assert_eq!(c.context, "in-cluster"),
            Err(e) => assert!(
                e.contains("in-cluster") && e.contains("serviceaccount"),
                "{e}"
            ),
        }
        let t = KubeTarget {
            context: Some("prod".into()),
            ..Default::default()
        };
        let err = block(resolve(&t, &env, Some(d.path()))).unwrap_err();
        assert!(
            err.contains("in a pod only the in-cluster service account"),
            "{err}"
        );
    }

    #[test]
    fn debug_output_never_shows_credentials() {
        let (_d, a, _) = files();
        let t = KubeTarget {
            kubeconfig: Some(a),
            ..Default::default()
        };
        let c = block(resolve(&t, &env_of(&[]), None)).unwrap();
        assert!(!format!("{c:?}").contains("t-dev"));
    }
}
