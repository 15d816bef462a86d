//! Exec credential plugins (`users[].user.exec` in a kubeconfig: `aws eks get-token`,
//! `gke-gcloud-auth-plugin`, `kubelogin`...). Docket names the program before it runs,
//! runs it itself with a timeout (kube-rs would run it with none), and hands the resulting
//! token or client certificate to the client.

use base64::Engine;
use kube::config::{ExecConfig, ExecInteractiveMode};
use serde::Deserialize;
use std::process::Stdio;
use std::time::Duration;

use crate::secrets;

/// An exec plugin a context will run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecPlugin {
    pub context: String,
    pub command: String,
    /// Arguments as shown to the person (secret-looking values redacted).
    pub shown_args: Vec<String>,
    pub install_hint: Option<String>,
    config: ExecConfig2,
}

/// The parts of kube's `ExecConfig` Docket needs, owned (kube's type is not `Eq`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct ExecConfig2 {
    api_version: String,
    args: Vec<String>,
    env: Vec<(String, String)>,
    drop_env: Vec<String>,
    interactive: Option<bool>,
    cluster: Option<String>,
}

impl ExecPlugin {
    pub fn from_config(e: &ExecConfig, context: &str) -> ExecPlugin {
        let args = e.args.clone().unwrap_or_default();
        let (shown_args, _) = secrets::scrub_args(&args, "exec.args");
        let env = e
            .env
            .iter()
            .flatten()
            .filter_map(|m| Some((m.get("name")?.clone(), m.get("value")?.clone())))
            .collect();
        let interactive = match e.interactive_mode {
            Some(ExecInteractiveMode::Never) => Some(false),
            Some(ExecInteractiveMode::Always) => Some(true),
            _ => None,
        };
        let cluster = if e.provide_cluster_info {
            e.cluster
                .as_ref()
                .and_then(|c| serde_json::to_string(c).ok())
        } else {
            None
        };
        ExecPlugin {
            context: context.to_string(),
            command: e.command.clone().unwrap_or_default(),
            shown_args,
            install_hint: e.install_hint.clone(),
            config: ExecConfig2 {
                api_version: e
                    .api_version
                    .clone()
                    .unwrap_or_else(|| "client.authentication.k8s.io/v1".into()),
                args,
                env,
                drop_env: e.drop_env.clone().unwrap_or_default(),
                interactive,
                cluster,
            },
        }
    }

    /// `aws eks get-token --cluster-name prod`, for the line shown before it runs.
    pub fn describe(&self) -> String {
        let mut s = self.command.clone();
        for a in &self.shown_args {
            s.push(' ');
            s.push_str(a);
        }
        s
    }

    /// Run the plugin and install its credential in `config` (the exec entry is removed,
    /// so kube-rs does not run it a second time). `terminal`: whether the plugin may talk
    /// to the person (stdin and stderr inherited) — false under the TUI.
    pub async fn authenticate(
        &self,
        config: &mut kube::Config,
        timeout: Duration,
        terminal: bool,
    ) -> Result<(), String> {
        let cred = self.run(timeout, terminal).await?;
        let status = cred.status.ok_or_else(|| {
            self.failed("printed an ExecCredential without a status (no token, no certificate)")
        })?;
        config.auth_info.exec = None;
        if let Some(token) = status.token.filter(|t| !t.is_empty()) {
            config.auth_info.token = Some(token.into());
            return Ok(());
        }
        match (status.client_certificate_data, status.client_key_data) {
            (Some(cert), Some(key)) => {
                let b64 = base64::engine::general_purpose::STANDARD;
                config.auth_info.client_certificate_data = Some(b64.encode(cert));
                config.auth_info.client_key_data = Some(b64.encode(key).into());
                Ok(())
            }
            _ => Err(self.failed(
                "printed neither status.token nor status.clientCertificateData and \
                 clientKeyData",
            )),
        }
    }

    async fn run(&self, timeout: Duration, terminal: bool) -> Result<ExecCredential, String> {
        let interactive = self.config.interactive.unwrap_or(terminal) && terminal;
        let mut cmd = tokio::process::Command::new(&self.command);
        cmd.args(&self.config.args)
            .envs(self.config.env.iter().map(|(k, v)| (k, v)))
            .stdout(Stdio::piped())
            .stdin(if interactive {
                Stdio::inherit()
            } else {
                Stdio::null()
            })
            .stderr(if interactive {
                Stdio::inherit()
            } else {
                Stdio::piped()
            })
            .kill_on_drop(true);
        for name in &self.config.drop_env {
            cmd.env_remove(name);
        }
        let cluster = self.config.cluster.as_deref().unwrap_or("null");
        cmd.env(
            "KUBERNETES_EXEC_INFO",
            format!(
                r#"{{"apiVersion":{},"kind":"ExecCredential","spec":{{"interactive":{interactive},"cluster":{cluster}}}}}"#,
                serde_json::Value::from(self.config.api_version.as_str())
            ),
        );
        let child = cmd.spawn().map_err(|e| {
            let hint = self
                .install_hint
                .as_deref()
                .map(|h| format!(" Install hint from the kubeconfig: {}", h.trim()))
                .unwrap_or_default();
            format!(
                "context {}: cannot start exec credential plugin `{}`: {e}.{hint}",
                self.context, self.command
            )
        })?;
        let out = match tokio::time::timeout(timeout, child.wait_with_output()).await {
            Err(_) => {
                return Err(self.failed(&format!(
                    "did not finish within {} s and was stopped (raise --exec-timeout if it \
                     waits for a login)",
                    timeout.as_secs()
                )))
            }
            Ok(Err(e)) => return Err(self.failed(&e.to_string())),
            Ok(Ok(out)) => out,
        };
        if !out.status.success() {
            let stderr = String::from_utf8_lossy(&out.stderr);
            let (stderr, _) = secrets::scrub(stderr.trim(), "exec.stderr");
            let tail: String = stderr.chars().take(400).collect();
            return Err(self.failed(&format!("exited with {}: {tail}", out.status)));
        }
        serde_json::from_slice(&out.stdout).map_err(|e| {
            self.failed(&format!(
                "printed something that is not an ExecCredential: {e}"
            ))
        })
    }

    fn failed(&self, what: &str) -> String {
        format!(
            "context {}: exec credential plugin `{}` {what}. Try it by hand: {}",
            self.context,
            self.command,
            self.describe()
        )
    }
}

#[derive(Deserialize)]
struct ExecCredential {
    status: Option<ExecStatus>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExecStatus {
    token: Option<String>,
    client_certificate_data: Option<String>,
    client_key_data: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    fn plugin(script: &str, args: &[&str]) -> (tempfile::TempDir, ExecPlugin) {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plugin.sh");
        std::fs::write(&path, format!("#!/bin/sh\n{script}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        let e = ExecConfig {
            api_version: Some("client.authentication.k8s.io/v1".into()),
            command: Some(path.display().to_string()),
            args: Some(args.iter().map(|s| s.to_string()).collect()),
            ..Default::default()
        };
        (dir, ExecPlugin::from_config(&e, "prod"))
    }

    fn config() -> kube::Config {
        let mut c = kube::Config::new("https://127.0.0.1:6443".parse().unwrap());
        c.auth_info.exec = Some(ExecConfig::default());
        c
    }

    fn block<T>(f: impl std::future::Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(f)
    }

    #[test]
    fn token_from_the_plugin_replaces_the_exec_entry() {
        let (_d, p) = plugin(
            r#"echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"tok-123"}}'"#,
            &["--cluster", "prod"],
        );
        let mut c = config();
        block(p.authenticate(&mut c, Duration::from_secs(10), false)).unwrap();
        assert!(c.auth_info.exec.is_none());
        assert_eq!(c.auth_info.token.unwrap().expose_secret(), "tok-123");
        assert!(p.describe().ends_with("plugin.sh --cluster prod"));
    }

    #[test]
    fn exec_info_reaches_the_plugin() {
        let (_d, p) = plugin(
            r#"case "$KUBERNETES_EXEC_INFO" in *'"interactive":false'*) t=ok;; *) t=bad;; esac
echo "{\"status\":{\"token\":\"$t\"}}""#,
            &[],
        );
        let mut c = config();
        block(p.authenticate(&mut c, Duration::from_secs(10), false)).unwrap();
        assert_eq!(c.auth_info.token.unwrap().expose_secret(), "ok");
    }

    #[test]
    fn a_hanging_plugin_is_stopped_at_the_timeout_with_a_clear_error() {
        let (_d, p) = plugin("sleep 30", &[]);
        let started = std::time::Instant::now();
        let err =
            block(p.authenticate(&mut config(), Duration::from_millis(300), false)).unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(5));
        assert!(
            err.contains("did not finish within") && err.contains("context prod"),
            "{err}"
        );
    }

    #[test]
    fn failures_say_what_the_plugin_did_without_leaking_secrets() {
        let (_d, p) = plugin(
            "echo 'login failed for key AKIAIOSFODNN7EXAMPLE' >&2; exit 3",
            &[],
        );
        let err = block(p.authenticate(&mut config(), Duration::from_secs(10), false)).unwrap_err();
        assert!(
            err.contains("exited with") && err.contains("login failed"),
            "{err}"
        );
        assert!(!err.contains("AKIAIOSFODNN7EXAMPLE"), "{err}");
        let (_d, p) = plugin("echo not json", &[]);
        let err = block(p.authenticate(&mut config(), Duration::from_secs(10), false)).unwrap_err();
        assert!(err.contains("not an ExecCredential"), "{err}");
        let mut e = ExecConfig {
            command: Some("/nonexistent/docket-test-plugin".into()),
            install_hint: Some("brew install it".into()),
            ..Default::default()
        };
        e.args = None;
        let p = ExecPlugin::from_config(&e, "prod");
        let err = block(p.authenticate(&mut config(), Duration::from_secs(10), false)).unwrap_err();
        assert!(
            err.contains("cannot start") && err.contains("brew install it"),
            "{err}"
        );
    }

    #[test]
    fn client_certificates_from_the_plugin_are_installed() {
        let (_d, p) = plugin(
            r#"printf '%s\n' '{"status":{"clientCertificateData":"-----BEGIN CERTIFICATE-----\nAA\n-----END CERTIFICATE-----\n","clientKeyData":"-----BEGIN PRIVATE KEY-----\nBB\n-----END PRIVATE KEY-----\n"}}'"#,
            &[],
        );
        let mut c = config();
        block(p.authenticate(&mut c, Duration::from_secs(10), false)).unwrap();
        let cert = c.auth_info.client_certificate_data.unwrap();
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(cert)
            .unwrap();
        assert!(String::from_utf8(decoded)
            .unwrap()
            .contains("BEGIN CERTIFICATE"));
    }

    #[test]
    fn secret_looking_arguments_are_redacted_in_the_description() {
        let e = ExecConfig {
            command: Some("login".into()),
            args: Some(vec!["--password=hunter2hunter2".into()]),
            ..Default::default()
        };
        let p = ExecPlugin::from_config(&e, "c");
        assert!(!p.describe().contains("hunter2hunter2"), "{}", p.describe());
    }
}
