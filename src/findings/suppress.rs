//! Suppression rules: an operator's written decision that some findings are accepted,
//! with a reason, an author and optionally an expiry. Rules live in `suppressions.toml`
//! (config dir or workspace); this module parses, writes back and evaluates them and never
//! touches the disk or the clock: the caller passes the text and `now`.
//!
//! A rule hides a finding when one of its `checks` patterns globs the check id or one of
//! the check's catalog cross-references (so `KSV-0017` or `C-0057` work as well as
//! `KW-001`), and every scope field it gives matches. Expired rules stop hiding and are
//! flagged; rules that match nothing are reported as unused so stale rules get noticed.

use std::cell::OnceCell;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::{Finding, Platform};
use crate::checks::{self, glob};
use crate::model::{Labels, Snapshot, WorkloadKind};

/// One accepted-risk decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuppressionRule {
    /// Stable handle for editing, deleting and the session log. Generated from a hash of
    /// the rule's content when the file gives none.
    pub id: String,
    /// Check ids or cross-references, `*`/`?` globs, case-insensitive.
    pub checks: Vec<String>,
    /// Why the risk is accepted. Required: a suppression nobody can explain is a hole.
    pub reason: String,
    pub author: Option<String>,
    pub created: Option<OffsetDateTime>,
    /// From this instant on the rule no longer suppresses and is flagged as expired.
    pub expires: Option<OffsetDateTime>,
    pub scope: Scope,
}

/// Where a rule applies. Every field given must match; an absent field matches anything.
/// A field given for a fact the finding does not have (a namespace on a Docker finding,
/// an image the caller cannot tell) does not match: a rule never widens by accident.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scope {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Platform>,
    /// Kubernetes context / cluster name, or Docker host name (glob).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// `Kind/name` or `name` (globs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// Each key must be present on the resource with a value the glob matches.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
}

/// The rules of one file, in file order (order matters: the first matching rule wins).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleSet {
    pub rules: Vec<SuppressionRule>,
}

/// A problem in a rules or import file, with where it is and what to do about it.
pub type RuleError = crate::located::Located;

/// Facts about a finding that the finding itself does not carry; the caller knows them
/// (from the snapshot, or from the live source). [`SnapshotContext`] answers from a
/// snapshot; [`NoContext`] knows nothing.
pub trait MatchContext {
    /// The Kubernetes context / cluster name or the Docker host the finding came from.
    /// When this says nothing, the Docker host recorded on the finding is used.
    fn context(&self, finding: &Finding) -> Option<String>;
    /// Labels of the finding's resource (controller and pod template, or container).
    fn labels(&self, finding: &Finding) -> Labels;
    /// The image of the finding's container (or the image itself for image findings).
    fn image(&self, finding: &Finding) -> Option<String>;
}

/// A context that knows nothing beyond the findings: rules scoped on context, image or
/// labels match nothing under it.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoContext;

impl MatchContext for NoContext {
    fn context(&self, _: &Finding) -> Option<String> {
        None
    }
    fn labels(&self, _: &Finding) -> Labels {
        Labels::new()
    }
    fn image(&self, _: &Finding) -> Option<String> {
        None
    }
}

/// Answers [`MatchContext`] from the snapshot the findings were computed from.
#[derive(Debug, Clone, Copy)]
pub struct SnapshotContext<'a> {
    pub snapshot: &'a Snapshot,
}

impl<'a> SnapshotContext<'a> {
    pub fn new(snapshot: &'a Snapshot) -> Self {
        SnapshotContext { snapshot }
    }

    /// The workload a Kubernetes finding is attributed to: the controller object itself
    /// when it was read, else any of its pods or ReplicaSets.
    fn workload(&self, finding: &Finding) -> Option<&'a crate::model::Workload> {
        let r = &finding.resource;
        let kind = WorkloadKind::parse(&r.kind)?;
        let ns = r.namespace.as_deref().unwrap_or("");
        let candidates = self.snapshot.kube.workloads.iter().filter(|w| {
            w.meta.namespace_str() == ns && w.controller_identity() == (kind, r.name.as_str())
        });
        let mut fallback = None;
        for w in candidates {
            if w.kind == kind && w.meta.name == r.name {
                return Some(w);
            }
            fallback = fallback.or(Some(w));
        }
        fallback
    }

    fn docker_container(&self, finding: &Finding) -> Option<&'a crate::model::Container> {
        let r = &finding.resource;
        self.snapshot.docker.containers.iter().find(|c| {
            c.name == r.name
                && r.host
                    .as_deref()
                    .is_none_or(|h| c.host.is_empty() || c.host == h)
        })
    }

    fn docker_image(&self, finding: &Finding) -> Option<&'a crate::model::Image> {
        let r = &finding.resource;
        self.snapshot.docker.images.iter().find(|i| {
            i.display_name() == r.name
                && r.host
                    .as_deref()
                    .is_none_or(|h| i.host.is_empty() || i.host == h)
        })
    }
}

impl MatchContext for SnapshotContext<'_> {
    fn context(&self, finding: &Finding) -> Option<String> {
        match finding.resource.platform {
            Platform::Kubernetes => self.snapshot.kube.cluster.as_ref().map(|c| c.to_string()),
            Platform::Docker => finding.resource.host.clone().or_else(|| {
                let mut hosts = self.snapshot.docker.hosts.iter();
                match (hosts.next(), hosts.next()) {
                    (Some(only), None) => Some(only.name.clone()),
                    _ => None,
                }
            }),
        }
    }

    fn labels(&self, finding: &Finding) -> Labels {
        let r = &finding.resource;
        match (r.platform, r.kind.as_str()) {
            (Platform::Kubernetes, "Namespace") => self
                .snapshot
                .kube
                .namespace(&r.name)
                .map(|n| n.meta.labels.clone())
                .unwrap_or_default(),
            (Platform::Kubernetes, _) => self
                .workload(finding)
                .map(|w| {
                    // Template labels first, the object's own labels win on conflict.
                    let mut labels = w.pod.labels.clone();
                    labels.extend(&w.meta.labels);
                    labels
                })
                .unwrap_or_default(),
            (Platform::Docker, "Container") => self
                .docker_container(finding)
                .map(|c| c.labels.clone())
                .unwrap_or_default(),
            (Platform::Docker, "Image") => self
                .docker_image(finding)
                .map(|i| i.labels.clone())
                .unwrap_or_default(),
            (Platform::Docker, _) => Labels::new(),
        }
    }

    fn image(&self, finding: &Finding) -> Option<String> {
        let r = &finding.resource;
        match (r.platform, r.kind.as_str()) {
            (Platform::Kubernetes, _) => {
                let container = r.container.as_deref()?;
                self.workload(finding)?
                    .containers_with_init()
                    .find(|c| c.name == container)
                    .map(|c| c.image.to_string())
            }
            (Platform::Docker, "Container") => {
                self.docker_container(finding).map(|c| c.image.to_string())
            }
            (Platform::Docker, "Image") => Some(r.name.clone()),
            (Platform::Docker, _) => None,
        }
    }
}

/// What a rule set does to a list of findings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Evaluation {
    /// Finding fingerprint -> id of the rule that hides it (the first matching rule that
    /// has not expired).
    pub suppressed: BTreeMap<String, String>,
    /// Rule id -> fingerprints its checks and scope match, whether or not it won or is
    /// expired (what "see this rule's matches" shows). Every rule has an entry.
    pub matches: BTreeMap<String, Vec<String>>,
    /// Ids of rules past their expiry, in file order: they hide nothing.
    pub expired: Vec<String>,
    /// Ids of rules that match no finding, in file order.
    pub unused: Vec<String>,
}

impl Evaluation {
    /// The rule hiding a finding, if any.
    pub fn rule_for(&self, fingerprint: &str) -> Option<&str> {
        self.suppressed.get(fingerprint).map(String::as_str)
    }
}

impl SuppressionRule {
    /// A rule with the given checks and reason, no scope, and its generated id.
    pub fn new(checks: Vec<String>, reason: impl Into<String>) -> Self {
        let mut rule = SuppressionRule {
            id: String::new(),
            checks,
            reason: reason.into(),
            author: None,
            created: None,
            expires: None,
            scope: Scope::default(),
        };
        rule.id = rule.generated_id();
        rule
    }

    /// `rule-` + 8 hex digits of SHA-256 over the rule's content (not its id), so the same
    /// rule written twice gets the same id and a duplicate is caught.
    pub fn generated_id(&self) -> String {
        let content = serde_json::json!({
            "checks": self.checks,
            "reason": self.reason,
            "author": self.author,
            "created": self.created.and_then(|t| t.format(&Rfc3339).ok()),
            "expires": self.expires.and_then(|t| t.format(&Rfc3339).ok()),
            "scope": self.scope,
        });
        let digest = Sha256::digest(content.to_string().as_bytes());
        let hex: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
        format!("rule-{hex}")
    }

    /// True from the expiry instant on.
    pub fn is_expired(&self, now: OffsetDateTime) -> bool {
        self.expires.is_some_and(|e| now >= e)
    }

    /// Whether one of `checks` globs the check id or one of its catalog cross-references.
    pub fn matches_check(&self, check_id: &str) -> bool {
        let refs = checks::find(check_id).map_or(&[][..], |c| c.refs);
        self.checks_match(check_id, refs)
    }

    fn checks_match(&self, check_id: &str, refs: &[&str]) -> bool {
        self.checks
            .iter()
            .any(|p| glob::matches(p, check_id) || refs.iter().any(|r| glob::matches(p, r)))
    }

    /// Whether checks and scope both match (expiry is not considered).
    pub fn matches<C: MatchContext + ?Sized>(&self, finding: &Finding, ctx: &C) -> bool {
        let refs = checks::find(&finding.check_id).map_or(&[][..], |c| c.refs);
        self.checks_match(&finding.check_id, refs) && self.scope.matches(&Facts::new(finding, ctx))
    }
}

/// A finding plus the facts from the context, asked for at most once and only when a
/// rule's scope needs them.
struct Facts<'f, C: ?Sized> {
    finding: &'f Finding,
    ctx: &'f C,
    context: OnceCell<Option<String>>,
    labels: OnceCell<Labels>,
    image: OnceCell<Option<String>>,
}

impl<'f, C: MatchContext + ?Sized> Facts<'f, C> {
    fn new(finding: &'f Finding, ctx: &'f C) -> Self {
        Facts {
            finding,
            ctx,
            context: OnceCell::new(),
            labels: OnceCell::new(),
            image: OnceCell::new(),
        }
    }
    fn context(&self) -> Option<&str> {
        self.context
            .get_or_init(|| {
                self.ctx
                    .context(self.finding)
                    .or_else(|| self.finding.resource.host.clone())
            })
            .as_deref()
    }
    fn labels(&self) -> &Labels {
        self.labels.get_or_init(|| self.ctx.labels(self.finding))
    }
    fn image(&self) -> Option<&str> {
        self.image
            .get_or_init(|| self.ctx.image(self.finding))
            .as_deref()
    }
}

/// The container a finding is about: the pod template's container, or the Docker
/// container itself.
fn container_of(finding: &Finding) -> Option<&str> {
    let r = &finding.resource;
    match (&r.container, r.platform, r.kind.as_str()) {
        (Some(c), _, _) => Some(c),
        (None, Platform::Docker, "Container") => Some(&r.name),
        _ => None,
    }
}

fn glob_opt(pattern: &Option<String>, value: Option<&str>) -> bool {
    match pattern {
        None => true,
        Some(p) => value.is_some_and(|v| glob::matches(p, v)),
    }
}

impl Scope {
    fn matches<C: MatchContext + ?Sized>(&self, facts: &Facts<'_, C>) -> bool {
        let r = &facts.finding.resource;
        self.source.is_none_or(|s| s == r.platform)
            && glob_opt(&self.namespace, r.namespace.as_deref())
            && self.workload_matches(facts.finding)
            && glob_opt(&self.container, container_of(facts.finding))
            && (self.context.is_none() || glob_opt(&self.context, facts.context()))
            && (self.image.is_none() || glob_opt(&self.image, facts.image()))
            && (self.labels.is_empty() || self.labels_match(facts.labels()))
    }

    fn workload_matches(&self, finding: &Finding) -> bool {
        let Some(pattern) = &self.workload else {
            return true;
        };
        let r = &finding.resource;
        if pattern.contains('/') {
            glob::matches(pattern, &format!("{}/{}", r.kind, r.name))
        } else {
            glob::matches(pattern, &r.name)
        }
    }

    fn labels_match(&self, labels: &Labels) -> bool {
        self.labels
            .iter()
            .all(|(k, pattern)| labels.get(k).is_some_and(|v| glob::matches(pattern, v)))
    }
}

/// The narrowest rule for one finding ("create a rule from this finding"): this check id
/// on this exact resource and container, in this context. The operator widens it by hand.
pub fn narrow_rule_for<C: MatchContext + ?Sized>(
    finding: &Finding,
    ctx: &C,
    author: &str,
    reason: &str,
    now: OffsetDateTime,
) -> SuppressionRule {
    let r = &finding.resource;
    let context = ctx.context(finding).or_else(|| r.host.clone());
    let mut rule = SuppressionRule {
        id: String::new(),
        checks: vec![finding.check_id.clone()],
        reason: reason.to_string(),
        author: (!author.is_empty()).then(|| author.to_string()),
        created: Some(now),
        expires: None,
        scope: Scope {
            source: Some(r.platform),
            context,
            namespace: r.namespace.clone(),
            workload: Some(format!("{}/{}", r.kind, r.name)),
            container: r.container.clone(),
            image: None,
            labels: BTreeMap::new(),
        },
    };
    rule.id = rule.generated_id();
    rule
}

impl RuleSet {
    /// Evaluate against findings at `now`: which rule hides which finding (first matching
    /// unexpired rule in file order), which rules expired, which match nothing.
    pub fn evaluate<C: MatchContext + ?Sized>(
        &self,
        findings: &[Finding],
        ctx: &C,
        now: OffsetDateTime,
    ) -> Evaluation {
        let mut eval = Evaluation::default();
        for rule in &self.rules {
            eval.matches.entry(rule.id.clone()).or_default();
            if rule.is_expired(now) {
                eval.expired.push(rule.id.clone());
            }
        }
        // Which rules' check patterns match a check id: a scan has ~100 distinct ids and
        // 150,000 findings, so the globs run once per id, not once per finding.
        let mut by_check: std::collections::HashMap<&str, Vec<usize>> =
            std::collections::HashMap::new();
        for finding in findings {
            let candidates = by_check
                .entry(finding.check_id.as_str())
                .or_insert_with(|| {
                    let refs = checks::find(&finding.check_id).map_or(&[][..], |c| c.refs);
                    (0..self.rules.len())
                        .filter(|&i| self.rules[i].checks_match(&finding.check_id, refs))
                        .collect()
                });
            if candidates.is_empty() {
                continue;
            }
            let facts = Facts::new(finding, ctx);
            for rule in candidates.iter().map(|&i| &self.rules[i]) {
                if !rule.scope.matches(&facts) {
                    continue;
                }
                eval.matches
                    .entry(rule.id.clone())
                    .or_default()
                    .push(finding.fingerprint.clone());
                if !rule.is_expired(now) && !eval.suppressed.contains_key(&finding.fingerprint) {
                    eval.suppressed
                        .insert(finding.fingerprint.clone(), rule.id.clone());
                }
            }
        }
        eval.unused = self
            .rules
            .iter()
            .filter(|r| eval.matches.get(&r.id).is_none_or(Vec::is_empty))
            .map(|r| r.id.clone())
            .collect();
        eval
    }

    /// The rule with this id.
    pub fn get(&self, id: &str) -> Option<&SuppressionRule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// Append a rule, refusing a second rule with the same id (ids are how the TUI, the
    /// session log and evaluations name rules).
    pub fn push(&mut self, rule: SuppressionRule) -> Result<(), String> {
        if self.get(&rule.id).is_some() {
            return Err(format!(
                "a rule with id `{}` already exists; give the new rule another id",
                rule.id
            ));
        }
        self.rules.push(rule);
        Ok(())
    }

    /// Parse a `suppressions.toml`. `origin` names the file in errors.
    pub fn from_toml(text: &str, origin: &str) -> Result<RuleSet, RuleError> {
        let raw: RawFile = toml::from_str(text).map_err(|e| {
            let message = e.message().trim_end().to_string();
            let err = RuleError::new(
                origin,
                format!("invalid suppression rules: {message}"),
                "fix the TOML at that position; each rule is a [[rule]] table with \
                 checks, reason and an optional [rule.scope]",
            );
            match e.span() {
                Some(span) => err.at_offset(text, span.start),
                None => err,
            }
        })?;
        let mut set = RuleSet::default();
        let mut lines: BTreeMap<String, usize> = BTreeMap::new();
        for (index, spanned) in raw.rule.into_iter().enumerate() {
            let span = spanned.span();
            let rule = convert_rule(spanned.into_inner(), index, origin, text, &span)?;
            let line = crate::located::line_col(text.as_bytes(), span.start).0;
            if let Some(first) = lines.get(&rule.id) {
                return Err(RuleError::new(
                    origin,
                    format!(
                        "rule `{}` is defined twice (first at line {first})",
                        rule.id
                    ),
                    "give each rule its own id, or delete the duplicate",
                )
                .at_offset(text, span.start));
            }
            lines.insert(rule.id.clone(), line);
            set.rules.push(rule);
        }
        Ok(set)
    }

    /// Write the rules back as TOML that [`RuleSet::from_toml`] reads into an equal set
    /// (generated ids are written out, so they stay stable when the rule is edited).
    pub fn to_toml(&self) -> Result<String, String> {
        let file = RawFileOut {
            rule: self.rules.iter().map(RawRuleOut::from).collect(),
        };
        toml::to_string(&file).map_err(|e| format!("cannot write suppression rules: {e}"))
    }
}

fn convert_rule(
    raw: RawRule,
    index: usize,
    origin: &str,
    text: &str,
    span: &Range<usize>,
) -> Result<SuppressionRule, RuleError> {
    let name = match &raw.id {
        Some(id) => format!("rule `{id}`"),
        None => format!("rule #{} (checks {:?})", index + 1, raw.checks),
    };
    let fail = |message: String, hint: &str| {
        Err(RuleError::new(origin, message, hint).at_offset(text, span.start))
    };
    let reason = raw.reason.as_deref().map(str::trim).unwrap_or_default();
    if reason.is_empty() {
        return fail(
            format!("{name} has no reason"),
            "add reason = \"why this risk is accepted\": a suppression must say why",
        );
    }
    if raw.checks.is_empty() || raw.checks.iter().any(|c| c.trim().is_empty()) {
        return fail(
            format!("{name} has an empty checks list or an empty entry"),
            "list check ids, cross-references or globs, e.g. checks = [\"KW-001\", \"C-0057\"]",
        );
    }
    if raw.id.as_deref().is_some_and(|id| id.trim().is_empty()) {
        return fail(
            format!("{name} has an empty id"),
            "remove the id line to have one generated, or write a name",
        );
    }
    let created = parse_time(raw.created.as_ref(), "created", &name, origin, text, span)?;
    let expires = parse_time(raw.expires.as_ref(), "expires", &name, origin, text, span)?;
    let mut rule = SuppressionRule {
        id: raw.id.clone().unwrap_or_default(),
        checks: raw.checks,
        reason: reason.to_string(),
        author: raw.author.filter(|a| !a.trim().is_empty()),
        created,
        expires,
        scope: raw.scope,
    };
    if rule.id.is_empty() {
        rule.id = rule.generated_id();
    }
    Ok(rule)
}

fn parse_time(
    value: Option<&TomlTime>,
    field: &str,
    name: &str,
    origin: &str,
    text: &str,
    span: &Range<usize>,
) -> Result<Option<OffsetDateTime>, RuleError> {
    let Some(value) = value else {
        return Ok(None);
    };
    let textual = match value {
        TomlTime::Text(s) => s.clone(),
        TomlTime::Native(d) => d.to_string(),
    };
    OffsetDateTime::parse(textual.trim(), &Rfc3339)
        .map(Some)
        .map_err(|_| {
            RuleError::new(
                origin,
                format!("{name}: `{field}` is not an RFC 3339 time: {textual:?}"),
                "write a full time with its offset, e.g. \"2027-01-31T00:00:00Z\"",
            )
            .at_offset(text, span.start)
        })
}

/// The file as written: `[[rule]]` tables. Spans give rule line numbers for errors.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    rule: Vec<toml::Spanned<RawRule>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    checks: Vec<String>,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    author: Option<String>,
    #[serde(default)]
    created: Option<TomlTime>,
    #[serde(default)]
    expires: Option<TomlTime>,
    #[serde(default)]
    scope: Scope,
}

/// Times may be written quoted (`"2027-01-31T00:00:00Z"`) or as TOML datetimes.
#[derive(Deserialize)]
#[serde(untagged)]
enum TomlTime {
    Text(String),
    Native(toml::value::Datetime),
}

#[derive(Serialize)]
struct RawFileOut<'a> {
    rule: Vec<RawRuleOut<'a>>,
}

#[derive(Serialize)]
struct RawRuleOut<'a> {
    id: &'a str,
    checks: &'a [String],
    reason: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    author: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    created: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires: Option<String>,
    #[serde(skip_serializing_if = "scope_is_empty")]
    scope: &'a Scope,
}

fn scope_is_empty(scope: &&Scope) -> bool {
    **scope == Scope::default()
}

impl<'a> From<&'a SuppressionRule> for RawRuleOut<'a> {
    fn from(r: &'a SuppressionRule) -> Self {
        RawRuleOut {
            id: &r.id,
            checks: &r.checks,
            reason: &r.reason,
            author: r.author.as_deref(),
            created: r.created.and_then(|t| t.format(&Rfc3339).ok()),
            expires: r.expires.and_then(|t| t.format(&Rfc3339).ok()),
            scope: &r.scope,
        }
    }
}

/// (rule id, pattern) for check patterns that name no check in the catalog: almost always a typo.
pub fn unknown_check_patterns(set: &RuleSet) -> Vec<(String, String)> {
    let mut out = BTreeSet::new();
    for rule in &set.rules {
        for pattern in &rule.checks {
            let known = checks::catalog().iter().any(|c| {
                glob::matches(pattern, c.id) || c.refs.iter().any(|r| glob::matches(pattern, r))
            });
            if !known {
                out.insert((rule.id.clone(), pattern.clone()));
            }
        }
    }
    out.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Severity;
    use crate::findings::{fingerprint, ResourceRef};
    use time::macros::datetime;

    fn finding(check_id: &str, resource: ResourceRef) -> Finding {
        Finding {
            check_id: check_id.to_string(),
            severity: Severity::High,
            title: String::new(),
            fingerprint: fingerprint(check_id, &resource, ""),
            resource,
            message: String::new(),
            evidence: Vec::new(),
            discriminator: String::new(),
        }
    }

    fn kube(check: &str, ns: &str, kind: &str, name: &str, container: &str) -> Finding {
        finding(
            check,
            ResourceRef::kube(kind, Some(ns), name).with_container(container),
        )
    }

    /// A context answering from fixed tables, keyed by resource name.
    struct Fixed {
        context: &'static str,
        labels: Labels,
        images: BTreeMap<&'static str, &'static str>,
    }

    impl MatchContext for Fixed {
        fn context(&self, _: &Finding) -> Option<String> {
            Some(self.context.to_string())
        }
        fn labels(&self, f: &Finding) -> Labels {
            if f.resource.name == "grafana" {
                self.labels.clone()
            } else {
                Labels::new()
            }
        }
        fn image(&self, f: &Finding) -> Option<String> {
            self.images
                .get(f.resource.container.as_deref().unwrap_or(&f.resource.name))
                .map(|s| s.to_string())
        }
    }

    fn fixed() -> Fixed {
        Fixed {
            context: "prod-eu",
            labels: [(
                "app.kubernetes.io/part-of".to_string(),
                "observability".to_string(),
            )]
            .into(),
            images: [
                ("netdata", "netdata/netdata:v1.44"),
                ("app", "grafana/grafana:10"),
            ]
            .into(),
        }
    }

    fn rule(checks: &[&str], scope: Scope) -> SuppressionRule {
        let mut r = SuppressionRule::new(checks.iter().map(|s| s.to_string()).collect(), "ok");
        r.scope = scope;
        r.id = r.generated_id();
        r
    }

    const NOW: OffsetDateTime = datetime!(2026-12-01 12:00 UTC);

    #[test]
    fn checks_match_ids_globs_and_catalog_refs_case_insensitively() {
        let f = kube("KW-001", "monitoring", "DaemonSet", "netdata", "netdata");
        for pattern in [
            "KW-001",
            "kw-0*",
            "KSV-0017",
            "ksv-0017",
            "C-0057",
            "CKV_K8S_*",
        ] {
            assert!(
                rule(&[pattern], Scope::default()).matches(&f, &NoContext),
                "{pattern}"
            );
        }
        for pattern in ["KW-002", "KSV-0001", "DC-*", "C-005"] {
            assert!(
                !rule(&[pattern], Scope::default()).matches(&f, &NoContext),
                "{pattern}"
            );
        }
    }

    #[test]
    fn each_scope_field_must_match() {
        let f = kube("KW-001", "monitoring", "Deployment", "grafana", "app");
        let ctx = fixed();
        let yes = |scope: Scope| {
            assert!(
                rule(&["KW-001"], scope.clone()).matches(&f, &ctx),
                "{scope:?}"
            )
        };
        let no = |scope: Scope| {
            assert!(
                !rule(&["KW-001"], scope.clone()).matches(&f, &ctx),
                "{scope:?}"
            )
        };
        let s = |f: fn(&mut Scope)| {
            let mut scope = Scope::default();
            f(&mut scope);
            scope
        };
        yes(s(|s| s.source = Some(Platform::Kubernetes)));
        no(s(|s| s.source = Some(Platform::Docker)));
        yes(s(|s| s.context = Some("prod-*".into())));
        no(s(|s| s.context = Some("staging".into())));
        yes(s(|s| s.namespace = Some("monitor*".into())));
        no(s(|s| s.namespace = Some("kube-system".into())));
        yes(s(|s| s.workload = Some("Deployment/grafana".into())));
        yes(s(|s| s.workload = Some("grafana".into())));
        yes(s(|s| s.workload = Some("*/graf*".into())));
        no(s(|s| s.workload = Some("DaemonSet/grafana".into())));
        no(s(|s| s.workload = Some("netdata".into())));
        yes(s(|s| s.container = Some("app".into())));
        no(s(|s| s.container = Some("sidecar".into())));
        yes(s(|s| s.image = Some("grafana/grafana:*".into())));
        no(s(|s| s.image = Some("netdata/netdata:*".into())));
        yes(s(|s| {
            s.labels = [("app.kubernetes.io/part-of".into(), "observ*".into())].into()
        }));
        no(s(|s| {
            s.labels = [("app.kubernetes.io/part-of".into(), "web".into())].into()
        }));
        no(s(|s| s.labels = [("team".into(), "*".into())].into()));
        // All given fields at once: one mismatch is enough to fail.
        let mut all = s(|s| {
            s.source = Some(Platform::Kubernetes);
            s.context = Some("prod-eu".into());
            s.namespace = Some("monitoring".into());
            s.workload = Some("Deployment/grafana".into());
            s.container = Some("app".into());
            s.image = Some("grafana/*".into());
        });
        yes(all.clone());
        all.container = Some("other".into());
        no(all);
    }

    #[test]
    fn facts_the_finding_lacks_do_not_match() {
        let docker = finding(
            "DC-001",
            ResourceRef::docker("Container", "web", "legacy-01"),
        );
        let ns = rule(
            &["DC-001"],
            Scope {
                namespace: Some("*".into()),
                ..Scope::default()
            },
        );
        assert!(!ns.matches(&docker, &NoContext));
        let image = rule(
            &["DC-001"],
            Scope {
                image: Some("*".into()),
                ..Scope::default()
            },
        );
        assert!(
            !image.matches(&docker, &NoContext),
            "NoContext knows no image"
        );
        // A Docker container's name is its container.
        let c = rule(
            &["DC-001"],
            Scope {
                container: Some("web".into()),
                ..Scope::default()
            },
        );
        assert!(c.matches(&docker, &NoContext));
    }

    #[test]
    fn first_unexpired_rule_wins_expired_are_flagged_unused_listed() {
        let a = kube("KW-001", "monitoring", "DaemonSet", "netdata", "netdata");
        let b = kube("KW-001", "web", "Deployment", "api", "app");
        let mut expired = rule(&["KW-001"], Scope::default());
        expired.reason = "expired".into();
        expired.expires = Some(datetime!(2026-12-01 12:00 UTC));
        expired.id = "old".into();
        let mut narrow = rule(
            &["KSV-0017"],
            Scope {
                namespace: Some("monitoring".into()),
                ..Scope::default()
            },
        );
        narrow.id = "narrow".into();
        let mut broad = rule(&["KW-*"], Scope::default());
        broad.id = "broad".into();
        let mut unused = rule(&["DC-001"], Scope::default());
        unused.id = "unused".into();
        let set = RuleSet {
            rules: vec![expired, narrow, broad, unused],
        };

        let eval = set.evaluate(&[a.clone(), b.clone()], &NoContext, NOW);
        assert_eq!(eval.rule_for(&a.fingerprint), Some("narrow"));
        assert_eq!(eval.rule_for(&b.fingerprint), Some("broad"));
        assert_eq!(eval.expired, vec!["old".to_string()]);
        assert_eq!(eval.unused, vec!["unused".to_string()]);
        assert_eq!(
            eval.matches["old"],
            vec![a.fingerprint.clone(), b.fingerprint.clone()]
        );
        assert_eq!(
            eval.matches["broad"],
            vec![a.fingerprint.clone(), b.fingerprint.clone()]
        );
        assert_eq!(eval.matches["narrow"], vec![a.fingerprint.clone()]);

        // One second before expiry the old rule still wins everything.
        let before = set.evaluate(
            &[a.clone(), b.clone()],
            &NoContext,
            datetime!(2026-12-01 11:59:59 UTC),
        );
        assert_eq!(before.rule_for(&a.fingerprint), Some("old"));
        assert_eq!(before.rule_for(&b.fingerprint), Some("old"));
        assert!(before.expired.is_empty());
    }

    const FILE: &str = r#"
# Accepted risks for prod.
[[rule]]
id = "accept-legacy-netdata"
checks = ["DC-001", "DC-0*", "KSV-0017"]
reason = "netdata needs host access; replaced in Q1"
author = "maria@lumen.health"
created = "2026-11-20T10:00:00Z"
expires = "2027-01-31T00:00:00Z"
[rule.scope]
source = "kubernetes"
context = "prod-eu"
namespace = "monitoring"
workload = "DaemonSet/netdata"
container = "netdata"
image = "netdata/netdata:*"
labels = { "app.kubernetes.io/part-of" = "observability" }

[[rule]]
checks = ["KW-003"]
reason = "batch jobs run as root until the image is rebuilt"
created = 2026-11-21T08:30:00Z
"#;

    #[test]
    fn parses_the_documented_format_and_round_trips() {
        let set = RuleSet::from_toml(FILE, "suppressions.toml").unwrap();
        assert_eq!(set.rules.len(), 2);
        let first = &set.rules[0];
        assert_eq!(first.id, "accept-legacy-netdata");
        assert_eq!(first.expires, Some(datetime!(2027-01-31 00:00 UTC)));
        assert_eq!(first.scope.source, Some(Platform::Kubernetes));
        assert_eq!(
            first.scope.labels["app.kubernetes.io/part-of"],
            "observability"
        );
        let second = &set.rules[1];
        assert!(
            second.id.starts_with("rule-") && second.id.len() == 13,
            "{}",
            second.id
        );
        assert_eq!(second.id, second.generated_id());
        assert_eq!(
            second.created,
            Some(datetime!(2026-11-21 08:30 UTC)),
            "native TOML datetime"
        );

        let text = set.to_toml().unwrap();
        let again = RuleSet::from_toml(&text, "rewritten.toml").unwrap();
        assert_eq!(again, set, "{text}");
        assert_eq!(again.to_toml().unwrap(), text);
    }

    fn error(text: &str) -> RuleError {
        RuleSet::from_toml(text, "conf/suppressions.toml").unwrap_err()
    }

    #[test]
    fn errors_name_the_file_line_and_rule() {
        let e = error("[[rule]]\nchecks = [\"KW-001\"]\nreason = \"x\"\n\n[[rule]]\nid = \"netdata\"\nchecks = [\"KW-001\"]\n");
        assert_eq!(e.origin, "conf/suppressions.toml");
        assert_eq!(e.line, Some(5), "{e}");
        assert!(e.message.contains("rule `netdata` has no reason"), "{e}");

        let e = error("[[rule]]\nchecks = [\"KW-001\"]\nreason = \"x\"\ncolour = \"red\"\n");
        assert_eq!(e.line, Some(4), "{e}");
        assert!(e.message.contains("colour"), "{e}");

        let e = error(
            "[[rule]]\nchecks = [\"KW-001\"]\nreason = \"x\"\n[rule.scope]\nnamespce = \"a\"\n",
        );
        assert_eq!(e.line, Some(5), "{e}");
        assert!(e.message.contains("namespce"), "{e}");

        let e = error(
            "[[rule]]\nchecks = [\"KW-001\"]\nreason = \"x\"\n[rule.scope]\nsource = \"kube\"\n",
        );
        assert_eq!(e.line, Some(5), "{e}");

        // An unclosed array is noticed where the next key starts.
        let e = error("[[rule]]\nchecks = [\"KW-001\"\nreason = \"x\"\n");
        assert_eq!(e.line, Some(3), "{e}");

        let e =
            error("\n[[rule]]\nchecks = [\"KW-001\"]\nreason = \"x\"\nexpires = \"next week\"\n");
        assert_eq!(e.line, Some(2), "{e}");
        assert!(e.message.contains("expires"), "{e}");

        let e = error("[[rule]]\nchecks = []\nreason = \"x\"\n");
        assert!(e.message.contains("rule #1"), "{e}");

        let e = error("[[rule]]\nid = \"a\"\nchecks = [\"KW-001\"]\nreason = \"x\"\n[[rule]]\nid = \"a\"\nchecks = [\"KW-002\"]\nreason = \"y\"\n");
        assert_eq!(e.line, Some(5), "{e}");
        assert!(e.message.contains("first at line 1"), "{e}");
        assert!(
            e.to_string().starts_with("conf/suppressions.toml:5:"),
            "{e}"
        );
    }

    #[test]
    fn narrow_rule_matches_only_its_finding() {
        let ctx = fixed();
        let target = kube("KW-001", "monitoring", "DaemonSet", "netdata", "netdata");
        let rule = narrow_rule_for(&target, &ctx, "maria", "accepted", NOW);
        assert_eq!(rule.checks, vec!["KW-001".to_string()]);
        assert_eq!(rule.author.as_deref(), Some("maria"));
        assert_eq!(rule.created, Some(NOW));
        assert_eq!(rule.expires, None);
        assert_eq!(
            rule.scope,
            Scope {
                source: Some(Platform::Kubernetes),
                context: Some("prod-eu".into()),
                namespace: Some("monitoring".into()),
                workload: Some("DaemonSet/netdata".into()),
                container: Some("netdata".into()),
                image: None,
                labels: BTreeMap::new(),
            }
        );
        assert!(rule.matches(&target, &ctx));
        for other in [
            kube("KW-002", "monitoring", "DaemonSet", "netdata", "netdata"),
            kube("KW-001", "monitoring", "DaemonSet", "netdata", "exporter"),
            kube("KW-001", "monitoring", "Deployment", "netdata", "netdata"),
            kube("KW-001", "web", "DaemonSet", "netdata", "netdata"),
        ] {
            assert!(!rule.matches(&other, &ctx), "{:?}", other.resource);
        }
        let docker = finding(
            "DC-001",
            ResourceRef::docker("Container", "web", "legacy-01"),
        );
        let d = narrow_rule_for(&docker, &NoContext, "", "ok", NOW);
        assert_eq!(
            d.scope.context.as_deref(),
            Some("legacy-01"),
            "host stands in for context"
        );
        assert_eq!(d.scope.workload.as_deref(), Some("Container/web"));
        assert!(d.author.is_none());
        assert!(d.matches(&docker, &NoContext));
        // The rule survives a trip through the file.
        let set = RuleSet {
            rules: vec![rule, d],
        };
        assert_eq!(
            RuleSet::from_toml(&set.to_toml().unwrap(), "x").unwrap(),
            set
        );
    }

    #[test]
    fn unknown_patterns_are_reported() {
        let mut typo = rule(&["KW-001", "KX-9*"], Scope::default());
        typo.id = "typo".into();
        let set = RuleSet { rules: vec![typo] };
        assert_eq!(
            unknown_check_patterns(&set),
            vec![("typo".to_string(), "KX-9*".to_string())]
        );
    }
}
