//! Secret-like variable and flag names.

const MARKERS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "SECRET",
    "TOKEN",
    "APIKEY",
    "API_KEY",
    "ACCESS_KEY",
    "ACCESSKEY",
    "PRIVATE_KEY",
    "PRIVATEKEY",
    "CREDENTIAL",
    "AUTH_KEY",
    "CLIENT_KEY",
    "SIGNING_KEY",
    "ENCRYPTION_KEY",
    "MASTER_KEY",
    "CONNECTION_STRING",
    "DSN",
    "SESSION_KEY",
    "COOKIE_KEY",
    "HMAC",
];

/// Name endings that describe a secret without holding one (`DB_PASSWORD_FILE`).
const NOT_A_VALUE: &[&str] = &[
    "_FILE",
    "_PATH",
    "_DIR",
    "_TTL",
    "_TIMEOUT",
    "_EXPIRY",
    "_EXPIRES",
    "_LENGTH",
    "_ENABLED",
    "_REF",
    "_NAME",
    "_KEY_ID",
    "_URL_FILE",
    "_ROTATION",
    "_LIFETIME",
    "_HEADER",
];

/// True for names such as `DB_PASSWORD`, `api-key`, `GITHUB_TOKEN`, `db.pass`,
/// `--client-secret`; false for `PWD`, `PASSWORD_FILE`, `TOKEN_TTL`.
pub fn is_secret_like_name(name: &str) -> bool {
    let upper: String = name
        .chars()
        .map(|c| match c {
            '-' | '.' => '_',
            c => c.to_ascii_uppercase(),
        })
        .collect();
    if NOT_A_VALUE.iter().any(|s| upper.ends_with(s)) {
        return false;
    }
    if MARKERS.iter().any(|m| upper.contains(m)) {
        return true;
    }
    // Short forms only as whole words: DB_PASS, PASS, PWD_DB (but not PWD, the cwd).
    upper.split('_').any(|w| matches!(w, "PASS" | "PW" | "PSK"))
}
