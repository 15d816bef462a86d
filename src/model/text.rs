//! Values that may hold secrets, in the only forms a snapshot may keep them.

use serde::{Deserialize, Serialize};

use super::interned::Str;

/// A secret found while normalizing an object. The value itself is never kept: only a
/// redacted preview (a few leading characters of known public prefixes, then stars) and
/// a short hash so two values can be told apart.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SecretHit {
    /// Where in the object: `env.DB_PASSWORD`, `args[2]`, `label:foo`, `data.config.yaml`.
    pub location: Str,
    /// Detection rule id, e.g. `aws-access-key-id`, `private-key`, `secret-name`.
    pub rule: Str,
    /// Redacted form safe to show, e.g. `AKIA****************#1a2b3c4d`.
    pub redacted: Str,
}

/// One environment variable, normalized from Docker or Kubernetes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvVar {
    pub name: Str,
    pub value: EnvValue,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum EnvValue {
    /// A literal value with nothing secret-like found in it (already scrubbed).
    Literal { value: Str },
    /// A literal value that was redacted: a secret-like name or a secret-like value.
    Redacted { redacted: Str, rule: Str },
    /// `valueFrom.secretKeyRef`.
    SecretRef {
        name: Str,
        key: Str,
        #[serde(default)]
        optional: bool,
    },
    /// `valueFrom.configMapKeyRef`.
    ConfigMapRef {
        name: Str,
        key: Str,
        #[serde(default)]
        optional: bool,
    },
    /// `valueFrom.fieldRef` / `resourceFieldRef`.
    FieldRef { path: Str },
    /// A variable with no value (`docker run -e NAME` from the caller's env, or empty).
    Empty,
}

impl EnvVar {
    pub fn is_literal_secret(&self) -> bool {
        matches!(self.value, EnvValue::Redacted { .. })
    }
}
