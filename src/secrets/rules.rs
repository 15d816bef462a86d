//! Value patterns, after Trivy's and gitleaks' public rule sets (written anew here).

use regex::Regex;
use std::sync::LazyLock;

pub struct Rule {
    pub id: &'static str,
    pub description: &'static str,
    pub regex: Regex,
    /// Capture group holding the secret (0 = the whole match).
    pub group: usize,
    /// Characters of the secret kept in clear: a public, well-known prefix only.
    pub keep_prefix: usize,
    /// A cheap substring test before running the regex; empty = always run.
    pub hint: &'static [&'static str],
}

impl Rule {
    pub fn quick_match(&self, text: &str) -> bool {
        self.hint.is_empty() || self.hint.iter().any(|h| text.contains(h))
    }
}

fn rule(
    id: &'static str,
    description: &'static str,
    pattern: &str,
    group: usize,
    keep_prefix: usize,
    hint: &'static [&'static str],
) -> Rule {
    Rule {
        id,
        description,
        // The patterns are constants of this file; a typo is caught by the unit tests.
        regex: Regex::new(pattern).unwrap_or_else(|e| panic!("secret rule {id}: {e}")),
        group,
        keep_prefix,
        hint,
    }
}

/// Applied in order; later rules see the output of earlier ones, so the specific rules
/// come first and the generic `key=value` rule last.
pub static RULES: LazyLock<Vec<Rule>> = LazyLock::new(|| {
    vec![
        rule(
            "private-key",
            "PEM private key block",
            r"(?s)-----BEGIN[A-Z ]{0,30}PRIVATE KEY( BLOCK)?-----.*?(-----END[A-Z ]{0,30}PRIVATE KEY( BLOCK)?-----|\z)",
            0,
            0,
            &["PRIVATE KEY"],
        ),
        rule(
            "aws-access-key-id",
            "AWS access key id",
            r"\b((?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ABIA|ACCA)[A-Z0-9]{16})\b",
            1,
            4,
            &[
                "AKIA", "ASIA", "AGPA", "AIDA", "AROA", "AIPA", "ANPA", "ANVA", "ABIA", "ACCA",
            ],
        ),
        rule(
            "aws-secret-access-key",
            "AWS secret access key next to its name",
            r#"(?i)aws.{0,20}?(?:secret|sk).{0,20}?['"]?\s*[:=]\s*['"]?([A-Za-z0-9/+=]{40})\b"#,
            1,
            0,
            &["aws", "AWS", "Aws"],
        ),
        rule(
            "github-token",
            "GitHub token",
            r"\b((?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{60,255})\b",
            1,
            4,
            &["gh", "github_pat_"],
        ),
        rule(
            "gitlab-token",
            "GitLab personal/project/runner token",
            r"\b((?:glpat|glptt|glrt|gldt|glsoat)-[A-Za-z0-9_\-]{20,64})",
            1,
            6,
            &["gl"],
        ),
        rule(
            "slack-token",
            "Slack token",
            r"\b(xox[abposr]-[A-Za-z0-9-]{10,250})",
            1,
            5,
            &["xox"],
        ),
        rule(
            "slack-webhook",
            "Slack incoming webhook URL",
            r"https://hooks\.slack\.com/(?:services|workflows)/([A-Za-z0-9+/_-]{20,})",
            1,
            0,
            &["hooks.slack.com"],
        ),
        rule(
            "stripe-key",
            "Stripe secret or restricted key",
            r"\b((?:sk|rk)_(?:live|test)_[A-Za-z0-9]{20,99})\b",
            1,
            8,
            &["_live_", "_test_"],
        ),
        rule(
            "gcp-api-key",
            "Google API key",
            r"\b(AIza[0-9A-Za-z_\-]{35})\b",
            1,
            4,
            &["AIza"],
        ),
        rule(
            "jwt",
            "JSON Web Token",
            r"\b(eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})",
            1,
            3,
            &["eyJ"],
        ),
        rule(
            "url-credentials",
            "password in a URL",
            r"\b[a-zA-Z][a-zA-Z0-9+.\-]{1,20}://[^\s/:@]{0,128}:([^\s/@]{1,256})@",
            1,
            0,
            &["://"],
        ),
        rule(
            "secret-assignment",
            "password, token or key assigned in text",
            r#"(?i)\b[A-Za-z0-9_.\-]*(?:password|passwd|passphrase|secret|token|api[_\-]?key|access[_\-]?key|private[_\-]?key|client[_\-]?secret)["']?\s*[=:]\s*["']?([^\s"'&;,*#]{4,})"#,
            1,
            0,
            &[],
        ),
    ]
});
