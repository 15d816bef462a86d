//! Where the Docker daemon is, resolved the way the docker CLI does it:
//! `--docker-host` > `DOCKER_HOST` (+ `DOCKER_TLS_VERIFY` / `DOCKER_CERT_PATH`) >
//! `DOCKER_CONTEXT` > the CLI's `currentContext` in `~/.docker/config.json` > the default
//! socket. Pure: the environment and the home directory are passed in.

use serde_json::Value;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

pub const DEFAULT_HOST: &str = "unix:///var/run/docker.sock";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// `unix:///var/run/docker.sock`, `tcp://10.0.0.5:2376`, ...
    pub host: String,
    /// Directory holding `ca.pem`, `cert.pem`, `key.pem` when TLS is on.
    pub tls_dir: Option<PathBuf>,
    /// How it was chosen, for messages: `--docker-host`, `DOCKER_HOST`, `context prod`.
    pub origin: String,
}

impl Endpoint {
    pub fn uses_tls(&self) -> bool {
        self.tls_dir.is_some() || self.host.starts_with("https://")
    }
    pub fn is_tcp(&self) -> bool {
        self.host.starts_with("tcp://") || self.host.starts_with("http://")
    }
}

/// Resolve the endpoint. `env` reads an environment variable; `home` is the user's home.
pub fn resolve(
    flag: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
    home: Option<&Path>,
) -> Result<Endpoint, String> {
    let docker_dir = env("DOCKER_CONFIG")
        .map(PathBuf::from)
        .or_else(|| home.map(|h| h.join(".docker")));
    let tls_from_env = || {
        env("DOCKER_TLS_VERIFY")
            .filter(|v| !v.is_empty() && v != "0")
            .map(|_| {
                env("DOCKER_CERT_PATH")
                    .map(PathBuf::from)
                    .or_else(|| docker_dir.clone())
                    .unwrap_or_else(|| PathBuf::from(".docker"))
            })
    };
    if let Some(host) = flag.filter(|h| !h.is_empty()) {
        return Ok(Endpoint {
            host: host.to_string(),
            tls_dir: tls_from_env(),
            origin: "--docker-host".into(),
        });
    }
    if let Some(host) = env("DOCKER_HOST").filter(|h| !h.is_empty()) {
        return Ok(Endpoint {
            host,
            tls_dir: tls_from_env(),
            origin: "DOCKER_HOST".into(),
        });
    }
    let context = env("DOCKER_CONTEXT").filter(|c| !c.is_empty()).or_else(|| {
        let config = docker_dir.as_ref()?.join("config.json");
        let text = std::fs::read_to_string(config).ok()?;
        let v: Value = serde_json::from_str(&text).ok()?;
        v.get("currentContext")?.as_str().map(str::to_string)
    });
    match context {
        Some(name) if name != "default" => {
            let dir = docker_dir.ok_or_else(|| {
                format!("Docker context {name:?} is selected but no home directory is known")
            })?;
            from_context(&dir, &name)
        }
        _ => Ok(Endpoint {
            host: DEFAULT_HOST.into(),
            tls_dir: None,
            origin: "default socket".into(),
        }),
    }
}

/// Read `contexts/meta/<sha256(name)>/meta.json` like the docker CLI.
fn from_context(docker_dir: &Path, name: &str) -> Result<Endpoint, String> {
    let digest: String = Sha256::digest(name.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let meta = docker_dir
        .join("contexts")
        .join("meta")
        .join(&digest)
        .join("meta.json");
    let text = std::fs::read_to_string(&meta).map_err(|e| {
        format!(
            "Docker context {name:?}: cannot read {}: {e}. List contexts with `docker context ls`.",
            meta.display()
        )
    })?;
    let v: Value = serde_json::from_str(&text).map_err(|e| {
        format!(
            "Docker context {name:?}: {} is not valid JSON: {e}",
            meta.display()
        )
    })?;
    let host = v
        .pointer("/Endpoints/docker/Host")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            format!(
                "Docker context {name:?}: {} has no Endpoints.docker.Host",
                meta.display()
            )
        })?;
    let tls = docker_dir
        .join("contexts")
        .join("tls")
        .join(&digest)
        .join("docker");
    Ok(Endpoint {
        host: host.to_string(),
        tls_dir: tls.join("ca.pem").exists().then_some(tls),
        origin: format!("context {name}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let m: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| m.get(k).cloned()
    }

    #[test]
    fn flag_beats_env_beats_default() {
        let e = resolve(
            Some("tcp://a:2375"),
            &env(&[("DOCKER_HOST", "tcp://b:2375")]),
            None,
        )
        .unwrap();
        assert_eq!(
            (e.host.as_str(), e.origin.as_str()),
            ("tcp://a:2375", "--docker-host")
        );
        let e = resolve(None, &env(&[("DOCKER_HOST", "tcp://b:2375")]), None).unwrap();
        assert_eq!(e.host, "tcp://b:2375");
        assert!(e.is_tcp() && !e.uses_tls());
        let e = resolve(None, &env(&[]), None).unwrap();
        assert_eq!(e.host, DEFAULT_HOST);
    }

    #[test]
    fn tls_verify_uses_cert_path() {
        let e = resolve(
            None,
            &env(&[
                ("DOCKER_HOST", "tcp://h:2376"),
                ("DOCKER_TLS_VERIFY", "1"),
                ("DOCKER_CERT_PATH", "/certs"),
            ]),
            None,
        )
        .unwrap();
        assert_eq!(e.tls_dir, Some(PathBuf::from("/certs")));
        assert!(e.uses_tls());
    }

    #[test]
    fn current_context_from_config_and_env() {
        let home = tempfile::tempdir().unwrap();
        let docker = home.path().join(".docker");
        let digest: String = Sha256::digest(b"prod")
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let meta = docker.join("contexts/meta").join(&digest);
        std::fs::create_dir_all(&meta).unwrap();
        std::fs::write(
            meta.join("meta.json"),
            r#"{"Name":"prod","Endpoints":{"docker":{"Host":"tcp://prod:2376","SkipTLSVerify":false}}}"#,
        )
        .unwrap();
        std::fs::write(docker.join("config.json"), r#"{"currentContext":"prod"}"#).unwrap();
        let e = resolve(None, &env(&[]), Some(home.path())).unwrap();
        assert_eq!(
            (e.host.as_str(), e.origin.as_str()),
            ("tcp://prod:2376", "context prod")
        );
        let err = resolve(
            None,
            &env(&[("DOCKER_CONTEXT", "missing")]),
            Some(home.path()),
        )
        .unwrap_err();
        assert!(err.contains("docker context ls"), "{err}");
    }
}
