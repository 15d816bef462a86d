//! Importers for the suppression files of other tools: Trivy's `.trivyignore` and
//! `.trivyignore.yaml`, and kubescape exception files. Their ids are mapped through the
//! catalog's cross-references (`KSV017`, `AVD-KSV-0017`, `C-0057` -> `KW-001`) into
//! Docket rules; every entry that cannot be expressed faithfully is reported with why,
//! never widened silently (an ignore limited to a file path would otherwise hide the check
//! everywhere). Pure: the caller reads the file and passes its text and `now`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime, Time};

use super::suppress::{RuleError, Scope, SuppressionRule};
use super::Platform;
use crate::checks;

/// What an import produced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Rules in file order, duplicates (same generated id) dropped.
    pub rules: Vec<SuppressionRule>,
    /// (entry, why it could not be mapped): entries in file order (for
    /// `.trivyignore.yaml`, sections in name order, then entries in file order).
    pub unmapped: Vec<(String, String)>,
}

impl ImportReport {
    fn add_rule(&mut self, rule: SuppressionRule) {
        if !self.rules.iter().any(|r| r.id == rule.id) {
            self.rules.push(rule);
        }
    }
    fn skip(&mut self, entry: impl Into<String>, why: impl Into<String>) {
        self.unmapped.push((entry.into(), why.into()));
    }
}

/// Which format a file is in, by name, then by content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    TrivyIgnore,
    TrivyIgnoreYaml,
    KubescapeExceptions,
}

impl ImportFormat {
    /// `.trivyignore.yaml`/`.yml` and `.trivyignore` by file name; JSON content is taken
    /// for kubescape exceptions; anything else is a plain `.trivyignore`.
    pub fn detect(origin: &str, text: &str) -> ImportFormat {
        let name = origin.rsplit(['/', '\\']).next().unwrap_or(origin);
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".yaml") || lower.ends_with(".yml") {
            ImportFormat::TrivyIgnoreYaml
        } else if lower.ends_with(".json")
            || text.trim_start().starts_with('[')
            || text.trim_start().starts_with('{')
        {
            ImportFormat::KubescapeExceptions
        } else {
            ImportFormat::TrivyIgnore
        }
    }
}

/// Import any supported file, detecting its format with [`ImportFormat::detect`].
pub fn import_file(
    origin: &str,
    text: &str,
    now: OffsetDateTime,
) -> Result<ImportReport, RuleError> {
    match ImportFormat::detect(origin, text) {
        ImportFormat::TrivyIgnore => Ok(import_trivyignore(origin, text, now)),
        ImportFormat::TrivyIgnoreYaml => import_trivyignore_yaml(origin, text, now),
        ImportFormat::KubescapeExceptions => import_kubescape(origin, text, now),
    }
}

/// Docket check ids whose cross-references name `id`. Trivy and kubescape spell ids in
/// several ways (`KSV017`, `KSV-0017`, `AVD-KSV-0017`, `C-0057`), so ids of the form
/// PREFIX-NUMBER compare by prefix and number; anything else compares exactly
/// (case-insensitive).
pub fn map_foreign_id(id: &str) -> Vec<&'static str> {
    let wanted = normalize_id(id);
    let mut out: Vec<&'static str> = checks::catalog()
        .iter()
        .filter(|c| {
            c.refs.iter().any(|r| {
                r.eq_ignore_ascii_case(id.trim()) || (wanted.is_some() && normalize_id(r) == wanted)
            })
        })
        .map(|c| c.id)
        .collect();
    out.sort_unstable();
    out
}

/// `AVD-KSV-0017`, `KSV017`, `ksv-17` -> ("KSV", 17).
fn normalize_id(id: &str) -> Option<(String, u64)> {
    let upper = id.trim().to_ascii_uppercase();
    let rest = upper.strip_prefix("AVD-").unwrap_or(&upper);
    let digits_at = rest.find(|c: char| c.is_ascii_digit())?;
    let (prefix, digits) = rest.split_at(digits_at);
    let prefix = prefix.strip_suffix('-').unwrap_or(prefix);
    let valid_prefix = !prefix.is_empty() && prefix.chars().all(|c| c.is_ascii_uppercase());
    if !valid_prefix || digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some((prefix.to_string(), digits.parse().ok()?))
}

/// Why a foreign id maps to no check, in words an operator can act on.
fn why_unmapped(id: &str) -> String {
    let upper = id.trim().to_ascii_uppercase();
    if upper.starts_with("CVE-") || upper.starts_with("GHSA-") {
        "a vulnerability id: Docket checks configuration and does not scan for CVEs".to_string()
    } else {
        format!("no Docket check cross-references `{}`", id.trim())
    }
}

/// A rule for mapped checks with the import's provenance: author "import", created now.
fn imported_rule(
    checks: Vec<&'static str>,
    reason: &str,
    expires: Option<OffsetDateTime>,
    scope: Scope,
    now: OffsetDateTime,
) -> SuppressionRule {
    let mut rule = SuppressionRule::new(checks.iter().map(|c| c.to_string()).collect(), reason);
    rule.author = Some("import".to_string());
    rule.created = Some(now);
    rule.expires = expires;
    rule.scope = scope;
    rule.id = rule.generated_id();
    rule
}

/// Trivy's date-only expiries (`exp:2027-01-31`, `expired_at: 2027-01-31`) end the
/// ignore at midnight UTC starting that day, as Trivy compares them; full RFC 3339 times
/// are taken as written.
fn parse_expiry(text: &str) -> Option<OffsetDateTime> {
    let text = text.trim();
    if let Ok(t) = OffsetDateTime::parse(text, &Rfc3339) {
        return Some(t);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = Date::parse(text, &format).ok()?;
    Some(date.with_time(Time::MIDNIGHT).assume_utc())
}

/// `.trivyignore`: one id per line, `#` comments, optional ` exp:YYYY-MM-DD`. A comment
/// block directly above an entry (no blank line between) becomes the rule's reason, as
/// that is where people write why; otherwise the reason is "imported from <file>".
pub fn import_trivyignore(origin: &str, text: &str, now: OffsetDateTime) -> ImportReport {
    let mut report = ImportReport::default();
    let default_reason = format!("imported from {origin}");
    let mut comment: Vec<&str> = Vec::new();
    for (index, raw_line) in text.lines().enumerate() {
        let line = raw_line.trim();
        if line.is_empty() {
            comment.clear();
            continue;
        }
        if let Some(c) = line.strip_prefix('#') {
            comment.push(c.trim());
            continue;
        }
        let entry = format!("line {}: {line}", index + 1);
        let reason = match comment.join(" ").trim() {
            "" => default_reason.clone(),
            text => text.to_string(),
        };
        comment.clear();
        let mut fields = line.split_whitespace();
        let id = fields.next().unwrap_or_default();
        let mut expires = None;
        let mut bad = None;
        for option in fields {
            match option.strip_prefix("exp:").map(parse_expiry) {
                Some(Some(t)) => expires = Some(t),
                Some(None) => bad = Some(format!("expiry `{option}` is not a date (YYYY-MM-DD)")),
                None => bad = Some(format!("unknown option `{option}` (only exp:YYYY-MM-DD)")),
            }
        }
        if let Some(why) = bad {
            report.skip(entry, why);
            continue;
        }
        let mapped = map_foreign_id(id);
        if mapped.is_empty() {
            report.skip(entry, why_unmapped(id));
        } else {
            report.add_rule(imported_rule(
                mapped,
                &reason,
                expires,
                Scope::default(),
                now,
            ));
        }
    }
    report
}

/// Parser limits for small ignore files: shallow and bounded, so a hostile file cannot
/// exhaust the stack or memory.
fn yaml_options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: 16,
            max_documents: 1,
            max_reader_input_bytes: Some(4 * 1024 * 1024),
            max_total_scalar_bytes: 4 * 1024 * 1024,
            max_aliases: 100,
            max_anchors: 100,
        },
        // Error messages must not quote the input.
        with_snippet: false,
    }
}

fn yaml_error(origin: &str, e: serde_saphyr::Error) -> RuleError {
    let mut err = RuleError::new(
        origin,
        format!("invalid .trivyignore.yaml: {e}"),
        "fix the YAML at that position; sections are misconfigurations, vulnerabilities, \
         secrets and licenses, each a list of entries with an id",
    );
    if let Some(loc) = e.location() {
        err.line = Some(loc.line() as usize).filter(|l| *l > 0);
        err.column = Some(loc.column() as usize).filter(|c| *c > 0);
    }
    err
}

/// `.trivyignore.yaml`: `misconfigurations` entries map through the catalog; the
/// `vulnerabilities`, `secrets` and `licenses` sections cannot, and each entry is
/// reported with why. Entries limited by `paths` or `purls` are reported too: Docket scans
/// live objects, not files, so the import would hide the check everywhere.
pub fn import_trivyignore_yaml(
    origin: &str,
    text: &str,
    now: OffsetDateTime,
) -> Result<ImportReport, RuleError> {
    let doc: Value = serde_saphyr::from_str_with_options(text, yaml_options())
        .map_err(|e| yaml_error(origin, e))?;
    let mut report = ImportReport::default();
    let sections = match doc {
        Value::Null => return Ok(report),
        Value::Object(map) => map,
        _ => {
            return Err(RuleError::new(
                origin,
                "a .trivyignore.yaml must be a mapping of sections",
                "start the file with `misconfigurations:` and list entries under it",
            ))
        }
    };
    for (section, entries) in &sections {
        let Some(entries) = entries.as_array() else {
            if !entries.is_null() {
                report.skip(section.clone(), "the section is not a list of entries");
            }
            continue;
        };
        for (index, entry) in entries.iter().enumerate() {
            let label = format!(
                "{section}[{index}]: {}",
                entry.get("id").and_then(Value::as_str).unwrap_or("(no id)")
            );
            match section.as_str() {
                "misconfigurations" => {
                    trivy_misconfiguration(&mut report, label, entry, origin, now)
                }
                "vulnerabilities" => report.skip(
                    label,
                    "a vulnerability ignore: Docket checks configuration and does not scan for CVEs",
                ),
                "secrets" => report.skip(
                    label,
                    "a Trivy secret rule names a detector, not a location; suppress Docket's \
                     secret checks (SC-*) with a scoped rule instead",
                ),
                "licenses" => report.skip(label, "a license ignore: Docket does not check licenses"),
                other => report.skip(label, format!("unknown section `{other}`")),
            }
        }
    }
    Ok(report)
}

fn trivy_misconfiguration(
    report: &mut ImportReport,
    label: String,
    entry: &Value,
    origin: &str,
    now: OffsetDateTime,
) {
    let Some(id) = entry.get("id").and_then(Value::as_str) else {
        return report.skip(label, "the entry has no id");
    };
    for narrowing in ["paths", "purls"] {
        if entry.get(narrowing).is_some_and(|v| !v.is_null()) {
            return report.skip(
                label,
                format!(
                    "limited to {narrowing}, which Docket cannot match (it scans objects, not \
                     files): importing it would hide the check everywhere; create a scoped rule"
                ),
            );
        }
    }
    let expires = match entry.get("expired_at") {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_str().and_then(parse_expiry) {
            Some(t) => Some(t),
            None => return report.skip(label, "expired_at is not a date (YYYY-MM-DD)"),
        },
    };
    let mapped = map_foreign_id(id);
    if mapped.is_empty() {
        return report.skip(label, why_unmapped(id));
    }
    let reason = entry
        .get("statement")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map_or_else(|| format!("imported from {origin}"), str::to_string);
    report.add_rule(imported_rule(
        mapped,
        &reason,
        expires,
        Scope::default(),
        now,
    ));
}

/// kubescape exception files: a JSON list of `postureExceptionPolicy` objects. Each
/// `Attributes` resource becomes one rule scoped to it, covering the mapped controls.
/// Attribute values are regular expressions in kubescape; literals and `.*` / `.`
/// wildcards become globs (matched whole, which can only be narrower than kubescape);
/// anything else is reported rather than guessed.
pub fn import_kubescape(
    origin: &str,
    text: &str,
    now: OffsetDateTime,
) -> Result<ImportReport, RuleError> {
    let doc: Value = serde_json::from_str(text).map_err(|e| {
        let mut err = RuleError::new(
            origin,
            format!("invalid kubescape exceptions JSON: {}", json_message(&e)),
            "fix the JSON at that position; the file is a list of postureExceptionPolicy objects",
        );
        err.line = Some(e.line());
        err.column = Some(e.column());
        err
    })?;
    let policies = match doc {
        Value::Array(items) => items,
        Value::Object(_) => vec![doc],
        _ => {
            return Err(RuleError::new(
                origin,
                "a kubescape exceptions file must be a JSON list of exception objects",
                "wrap the exceptions in [ ... ]",
            ))
        }
    };
    let mut report = ImportReport::default();
    for (index, policy) in policies.iter().enumerate() {
        kubescape_policy(&mut report, index, policy, now);
    }
    Ok(report)
}

/// serde_json's message without its " at line L column C" (the position is kept apart).
fn json_message(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    msg.split(" at line ").next().unwrap_or(&msg).to_string()
}

fn kubescape_policy(report: &mut ImportReport, index: usize, policy: &Value, now: OffsetDateTime) {
    let name = policy
        .get("name")
        .and_then(Value::as_str)
        .map_or_else(|| format!("exception #{}", index + 1), str::to_string);
    if let Some(kind) = policy.get("policyType").and_then(Value::as_str) {
        if kind != "postureExceptionPolicy" {
            return report.skip(
                name,
                format!("policyType `{kind}`: only posture exceptions map to Docket checks"),
            );
        }
    }
    let checks = kubescape_controls(report, &name, policy.get("posturePolicies"));
    if checks.is_empty() {
        return;
    }
    let reason = policy
        .get("reason")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or(&name)
        .to_string();
    let resources = policy.get("resources").and_then(Value::as_array);
    let Some(resources) = resources.filter(|r| !r.is_empty()) else {
        return report.skip(name, "names no resources, so it excepts nothing");
    };
    for (i, resource) in resources.iter().enumerate() {
        let label = format!("{name}: resources[{i}]");
        match kubescape_scope(resource) {
            Ok(scope) => report.add_rule(imported_rule(checks.clone(), &reason, None, scope, now)),
            Err(why) => report.skip(label, why),
        }
    }
}

/// Docket check ids for the policy's `posturePolicies`; unmappable ones are reported.
fn kubescape_controls(
    report: &mut ImportReport,
    name: &str,
    policies: Option<&Value>,
) -> Vec<&'static str> {
    let Some(policies) = policies.and_then(Value::as_array).filter(|p| !p.is_empty()) else {
        report.skip(
            name,
            "names no posturePolicies: excepting every control is too broad to import",
        );
        return Vec::new();
    };
    let mut out = BTreeSet::new();
    for p in policies {
        let control = p.get("controlID").and_then(Value::as_str);
        let framework = p.get("frameworkName").and_then(Value::as_str);
        match (control, framework) {
            (Some(id), _) => {
                let mapped = map_foreign_id(id);
                if mapped.is_empty() {
                    report.skip(format!("{name}: {id}"), why_unmapped(id));
                }
                out.extend(mapped);
            }
            (None, Some(fw)) => report.skip(
                format!("{name}: framework {fw}"),
                "excepts a whole framework: Docket imports per-control exceptions only; \
                 list the controlIDs",
            ),
            (None, None) => report.skip(
                name,
                "a posturePolicies entry has neither controlID nor frameworkName",
            ),
        }
    }
    out.into_iter().collect()
}

/// The Docket scope of one kubescape resource designator.
fn kubescape_scope(resource: &Value) -> Result<Scope, String> {
    let designator = resource
        .get("designatorType")
        .and_then(Value::as_str)
        .unwrap_or("");
    if !designator.eq_ignore_ascii_case("Attributes") {
        return Err(format!(
            "designatorType `{designator}`: only Attributes designators can be expressed as a \
             Docket scope"
        ));
    }
    let attributes = resource
        .get("attributes")
        .and_then(Value::as_object)
        .filter(|a| !a.is_empty())
        .ok_or("the designator has no attributes: it would except every resource")?;
    let mut scope = Scope {
        source: Some(Platform::Kubernetes),
        ..Scope::default()
    };
    let mut kind = None;
    let mut name = None;
    let mut labels = BTreeMap::new();
    for (key, value) in attributes {
        let text = value
            .as_str()
            .ok_or_else(|| format!("attribute `{key}` is not a string"))?;
        match key.as_str() {
            "kind" => kind = Some(regex_to_glob(key, text)?),
            "name" => name = Some(regex_to_glob(key, text)?),
            "namespace" => scope.namespace = Some(regex_to_glob(key, text)?),
            "cluster" => scope.context = Some(regex_to_glob(key, text)?),
            // Any other key is a label, matched literally by kubescape.
            _ if text.contains(['*', '?']) => {
                return Err(format!(
                    "label `{key}` value `{text}` contains * or ?, which a Docket label glob \
                     would read as a wildcard"
                ))
            }
            _ => {
                labels.insert(key.clone(), text.to_string());
            }
        }
    }
    scope.workload = match (kind, name) {
        (Some(k), Some(n)) => Some(format!("{k}/{n}")),
        (Some(k), None) => Some(format!("{k}/*")),
        (None, Some(n)) => Some(n),
        (None, None) => None,
    };
    scope.labels = labels;
    Ok(scope)
}

/// A kubescape attribute regex as a Docket glob: literal text, `.*` (any run) and `.`
/// (any one character), optionally anchored with `^`/`$`. Other regex syntax is refused.
fn regex_to_glob(key: &str, regex: &str) -> Result<String, String> {
    let body = regex.strip_prefix('^').unwrap_or(regex);
    let body = body.strip_suffix('$').unwrap_or(body);
    let mut out = String::new();
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '.' if chars.peek() == Some(&'*') => {
                chars.next();
                out.push('*');
            }
            '.' => out.push('?'),
            '\\' => match chars.next() {
                Some(escaped)
                    if !escaped.is_ascii_alphanumeric() && escaped != '*' && escaped != '?' =>
                {
                    out.push(escaped)
                }
                _ => return Err(unsupported_regex(key, regex)),
            },
            '*' | '?' | '+' | '[' | ']' | '(' | ')' | '{' | '}' | '|' | '^' | '$' => {
                return Err(unsupported_regex(key, regex))
            }
            other => out.push(other),
        }
    }
    if out.is_empty() {
        return Err(format!("attribute `{key}` is empty"));
    }
    Ok(out)
}

fn unsupported_regex(key: &str, regex: &str) -> String {
    format!(
        "attribute `{key}` regex `{regex}` cannot be expressed as a glob (only literals, `.*` \
         and `.`); write the rule by hand"
    )
}
