//! Secret detection and redaction. Sources call [`scrub`] / [`scrub_env`] on every free-text
//! value before it enters a snapshot, so nothing downstream (checks, reports, the TUI, the
//! session log) ever holds a secret in clear.
//!
//! A redacted value keeps at most a well-known public prefix (`AKIA`, `ghp_`, ...) and a
//! short keyed hash (`#1a2b3c4d`) so two values can be told apart without revealing either.

mod names;
mod rules;

use sha2::{Digest, Sha256};

use crate::model::{EnvValue, SecretHit};

pub use names::is_secret_like_name;
pub use rules::{Rule, RULES};

/// A short, stable fingerprint of a secret value: 8 hex digits of a domain-separated
/// SHA-256. 32 bits are enough to tell values apart in one inventory and few enough that
/// the hash cannot confirm a guess of a long value with any confidence.
pub fn short_hash(value: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"docket-redact-v1\0");
    h.update(value.as_bytes());
    let d = h.finalize();
    d[..4].iter().map(|b| format!("{b:02x}")).collect()
}

/// `prefix` + stars + `#hash`. The star count is fixed so the value's length is not leaked.
pub fn redact(value: &str, keep_prefix: usize) -> String {
    let prefix: String = value.chars().take(keep_prefix).collect();
    format!("{prefix}********#{}", short_hash(value))
}

/// Replace every secret-looking substring of `text` with its redacted form, returning the
/// scrubbed text and one hit per secret found. `location` names where the text came from.
pub fn scrub(text: &str, location: &str) -> (String, Vec<SecretHit>) {
    let mut out = text.to_string();
    let mut hits = Vec::new();
    for rule in RULES.iter() {
        if !rule.quick_match(&out) {
            continue;
        }
        let mut next = String::with_capacity(out.len());
        let mut last = 0;
        for caps in rule.regex.captures_iter(&out) {
            let Some(secret) = caps.get(rule.group) else {
                continue;
            };
            // Already redacted by an earlier rule (`ghp_********#1a2b3c4d`), or a reference
            // to a variable rather than a value (`$(TURN_SECRET)`, `${DB_PASSWORD}`).
            if out[secret.end()..].starts_with('*') || is_reference_value(secret.as_str()) {
                continue;
            }
            let redacted = redact(secret.as_str(), rule.keep_prefix);
            next.push_str(&out[last..secret.start()]);
            next.push_str(&redacted);
            last = secret.end();
            hits.push(SecretHit {
                location: location.to_string().into(),
                rule: rule.id.to_string().into(),
                redacted: redacted.into(),
            });
        }
        if last > 0 {
            next.push_str(&out[last..]);
            out = next;
        }
    }
    (out, hits)
}

/// Scrub every string of a list of command-line arguments; a secret-like flag
/// (`--password`, `-p` is not guessed) followed by a separate value redacts that value.
pub fn scrub_args(args: &[String], location: &str) -> (Vec<String>, Vec<SecretHit>) {
    let mut out = Vec::with_capacity(args.len());
    let mut hits = Vec::new();
    let mut redact_next = false;
    for (i, arg) in args.iter().enumerate() {
        let loc = format!("{location}[{i}]");
        if redact_next && !arg.starts_with('-') && !arg.is_empty() {
            let redacted = redact(arg, 0);
            hits.push(SecretHit {
                location: loc.into(),
                rule: "secret-flag-value".into(),
                redacted: redacted.clone().into(),
            });
            out.push(redacted);
            redact_next = false;
            continue;
        }
        let (s, h) = scrub(arg, &loc);
        redact_next = h.is_empty() && is_secret_flag(arg);
        if redact_next && args.get(i + 1).is_some_and(|v| is_reference_value(v)) {
            redact_next = false;
        }
        hits.extend(h);
        out.push(s);
    }
    (out, hits)
}

fn is_secret_flag(arg: &str) -> bool {
    let Some(flag) = arg.strip_prefix("--").or_else(|| arg.strip_prefix('-')) else {
        return false;
    };
    !flag.contains('=')
        && (is_secret_like_name(flag) || SECRET_FLAGS.contains(&flag.to_ascii_lowercase().as_str()))
}

/// Flags of common servers whose next argument is a password but whose name does not
/// say so in a way [`is_secret_like_name`] recognises.
const SECRET_FLAGS: &[&str] = &["requirepass", "masterauth", "auth", "pass"];

/// Normalize one environment variable. A secret-like name with a non-empty literal value
/// is redacted whole (rule `secret-name`); otherwise the value is scrubbed by pattern and
/// kept (redacted when a pattern matched).
pub fn scrub_env(name: &str, value: Option<&str>, location: &str) -> (EnvValue, Vec<SecretHit>) {
    let Some(value) = value.filter(|v| !v.is_empty()) else {
        return (EnvValue::Empty, Vec::new());
    };
    if is_secret_like_name(name) && !is_reference_value(value) {
        let redacted = redact(value, 0);
        let hit = SecretHit {
            location: location.to_string().into(),
            rule: "secret-name".into(),
            redacted: redacted.clone().into(),
        };
        // A value pattern inside (e.g. an AWS key) is worth naming too, but the whole
        // value is already hidden: report the more specific rule when one matches.
        let (_, inner) = scrub(value, location);
        let rule = inner
            .first()
            .map_or("secret-name".to_string(), |h| h.rule.to_string());
        let hit = SecretHit {
            rule: rule.clone().into(),
            ..hit
        };
        return (
            EnvValue::Redacted {
                redacted: redacted.into(),
                rule: rule.into(),
            },
            vec![hit],
        );
    }
    let (scrubbed, hits) = scrub(value, location);
    match hits.first() {
        Some(first) => (
            EnvValue::Redacted {
                redacted: scrubbed.into(),
                rule: first.rule.clone(),
            },
            hits,
        ),
        None => (
            EnvValue::Literal {
                value: scrubbed.into(),
            },
            hits,
        ),
    }
}

/// Values that point at a secret rather than hold one: file paths of mounted secrets,
/// shell or template references.
fn is_reference_value(v: &str) -> bool {
    v.starts_with("/run/secrets/")
        || v.starts_with("/var/run/secrets/")
        || (v.starts_with("${") && v.ends_with('}'))
        || (v.starts_with("$(") && v.ends_with(')'))
        || (v.starts_with("{{") && v.ends_with("}}"))
        || v.starts_with("vault:")
        || v.starts_with("arn:aws:secretsmanager:")
}

#[cfg(test)]
mod tests;
