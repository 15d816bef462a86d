use super::*;

const AWS: &str = "AKIAQ7CANARY0000TEST";
const PEM: &str =
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEcanaryKEYmaterial\n-----END RSA PRIVATE KEY-----";

#[test]
fn every_rule_compiles() {
    assert!(RULES.len() >= 10);
}

#[test]
fn aws_key_is_redacted_keeping_public_prefix() {
    let (s, hits) = scrub(&format!("key={AWS} more"), "env.X");
    assert!(!s.contains(AWS), "{s}");
    assert!(s.contains("AKIA********#"), "{s}");
    assert_eq!(hits[0].rule, "aws-access-key-id");
    assert!(!hits[0].redacted.contains(AWS));
}

#[test]
fn private_key_block_is_redacted_whole() {
    let (s, hits) = scrub(&format!("prefix {PEM} suffix"), "data.key");
    assert!(!s.contains("MIIEcanary"), "{s}");
    assert!(s.starts_with("prefix ") && s.ends_with(" suffix"), "{s}");
    assert_eq!(hits[0].rule, "private-key");
}

#[test]
fn truncated_private_key_is_redacted_to_the_end() {
    let (s, _) = scrub("-----BEGIN PRIVATE KEY-----\nMIIEcanary", "x");
    assert!(!s.contains("MIIEcanary"), "{s}");
}

#[test]
fn url_password_is_redacted_but_user_and_host_kept() {
    let (s, hits) = scrub(
        "postgres://app:S3cr3tCanary@db:5432/app",
        "env.DATABASE_URL",
    );
    assert!(!s.contains("S3cr3tCanary"), "{s}");
    assert!(
        s.starts_with("postgres://app:") && s.ends_with("@db:5432/app"),
        "{s}"
    );
    assert_eq!(hits[0].rule, "url-credentials");
}

#[test]
fn tokens_and_jwt_are_found() {
    let cases = [
        ("ghp_0123456789abcdefghij0123456789abcdef", "github-token"),
        ("glpat-abcdefghij0123456789", "gitlab-token"),
        ("xoxb-123456789012-abcdefghijkl", "slack-token"),
        ("sk_live_0123456789abcdefghijklmn", "stripe-key"),
        (
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjYW5hcnkifQ.c2lnbmF0dXJlY2FuYXJ5",
            "jwt",
        ),
    ];
    for (value, rule) in cases {
        let (s, hits) = scrub(&format!("x {value} y"), "args[0]");
        assert!(!s.contains(value), "{rule}: {s}");
        assert_eq!(hits.len(), 1, "{rule}: {hits:?}");
        assert_eq!(hits[0].rule, rule);
    }
}

#[test]
fn history_env_assignment_is_redacted() {
    let line = "/bin/sh -c #(nop)  ENV DB_PASSWORD=hunter2canary";
    let (s, hits) = scrub(line, "history[3]");
    assert!(!s.contains("hunter2canary"), "{s}");
    assert_eq!(hits[0].rule, "secret-assignment");
}

#[test]
fn plain_text_is_untouched() {
    for t in [
        "nginx -g daemon off;",
        "LOG_LEVEL=debug",
        "http://example.com/path",
        "",
    ] {
        let (s, hits) = scrub(t, "x");
        assert_eq!(s, t);
        assert!(hits.is_empty(), "{t}: {hits:?}");
    }
}

#[test]
fn same_value_same_hash_different_value_different_hash() {
    assert_eq!(short_hash("a"), short_hash("a"));
    assert_ne!(short_hash("a"), short_hash("b"));
    assert_eq!(short_hash("a").len(), 8);
}

#[test]
fn env_secret_name_redacts_whole_value() {
    let (v, hits) = scrub_env("DB_PASSWORD", Some("hunter2canary"), "env.DB_PASSWORD");
    match v {
        EnvValue::Redacted { redacted, rule } => {
            assert!(!redacted.contains("hunter2"));
            assert_eq!(rule, "secret-name");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(hits.len(), 1);
}

#[test]
fn env_secret_name_reports_specific_rule() {
    let (v, _) = scrub_env("AWS_ACCESS_KEY", Some(AWS), "env");
    assert!(matches!(v, EnvValue::Redacted { ref rule, .. } if rule == "aws-access-key-id"));
}

#[test]
fn env_reference_values_and_plain_values_are_kept() {
    let (v, h) = scrub_env("DB_PASSWORD", Some("/run/secrets/db"), "env");
    assert!(matches!(v, EnvValue::Literal { .. }) && h.is_empty());
    let (v, h) = scrub_env("LOG_LEVEL", Some("debug"), "env");
    assert_eq!(
        v,
        EnvValue::Literal {
            value: "debug".into()
        }
    );
    assert!(h.is_empty());
    let (v, _) = scrub_env("DB_PASSWORD", Some(""), "env");
    assert_eq!(v, EnvValue::Empty);
}

#[test]
fn secret_like_names() {
    for n in [
        "DB_PASSWORD",
        "api-key",
        "GITHUB_TOKEN",
        "db.pass",
        "client-secret",
        "SENTRY_DSN",
    ] {
        assert!(is_secret_like_name(n), "{n}");
    }
    for n in [
        "PWD",
        "PASSWORD_FILE",
        "TOKEN_TTL",
        "PATH",
        "HOME",
        "PASSWORD_MIN_LENGTH",
        "SECRET_NAME",
    ] {
        assert!(!is_secret_like_name(n), "{n}");
    }
}

#[test]
fn args_with_separate_secret_flag_value_are_redacted() {
    let args: Vec<String> = [
        "--db-password",
        "hunter2canary",
        "--verbose",
        "--token=abcdcanary",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let (out, hits) = scrub_args(&args, "args");
    let joined = out.join(" ");
    assert!(
        !joined.contains("hunter2canary") && !joined.contains("abcdcanary"),
        "{joined}"
    );
    assert_eq!(hits.len(), 2);
    assert_eq!(out[2], "--verbose");
}

#[test]
fn redis_requirepass_and_url_without_user_are_redacted() {
    let args: Vec<String> = ["redis-server", "--requirepass", "canaryRedisPass1"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let (out, hits) = scrub_args(&args, "args");
    assert!(!out.join(" ").contains("canaryRedisPass1"), "{out:?}");
    assert_eq!(hits.len(), 1);
    let (s, hits) = scrub("redis://:canaryRedisPass2@redis:6379/0", "env.REDIS_URL");
    assert!(!s.contains("canaryRedisPass2"), "{s}");
    assert_eq!(hits[0].rule, "url-credentials");
}

#[test]
fn one_secret_gives_one_hit_even_when_two_rules_match() {
    let args = vec!["--token=ghp_0123456789abcdefghij0123456789abcdef".to_string()];
    let (out, hits) = scrub_args(&args, "args");
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0].rule, "github-token");
    assert!(out[0].starts_with("--token=ghp_********#"), "{out:?}");
}

#[test]
fn variable_references_are_not_secrets() {
    for t in [
        "--static-auth-secret=$(TURN_SECRET)",
        "password=${DB_PASSWORD}",
    ] {
        let (s, hits) = scrub(t, "args[0]");
        assert_eq!(s, t);
        assert!(hits.is_empty(), "{t}: {hits:?}");
    }
    let args: Vec<String> = ["--password", "$(DB_PASSWORD)"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let (out, hits) = scrub_args(&args, "args");
    assert_eq!(out, args);
    assert!(hits.is_empty());
}
