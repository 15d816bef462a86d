//! A reviewer's corrections to the classification: `dpia.toml` in the workspace.
//!
//! ```toml
//! [[store]]
//! resource = "StatefulSet data/kafka"   # `Kind [namespace/]name`, `*` and `?` allowed
//! data_store = false                    # unmark (true marks a resource no rule found)
//! reason = "event bus only, 1 h retention, no personal data at rest"
//!
//! [[store]]
//! resource = "Container jenkins"
//! categories = ["internal"]             # personal, special-category, payment, internal, public
//! owner = "platform@lumen.health"
//! purpose = "CI builds"
//! ```
//!
//! Parsing is pure ([`Overrides::from_toml`]); errors carry `file:line:col`. An entry that
//! matches no container or workload is reported by [`Overrides::apply`], never ignored.

use serde::Deserialize;

use super::classify::{parse_categories, Candidate, CATEGORIES};
use super::DataStore;
use crate::checks::glob;
use crate::findings::ResourceRef;
use crate::located::Located;

/// The file's conventional name in a workspace.
pub const FILE_NAME: &str = "dpia.toml";

/// The parsed corrections. `Overrides::default()` is "no file".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    /// Where they were read from (for messages), empty when there is no file.
    pub origin: String,
    pub entries: Vec<Override>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    /// 1-based line of the `[[store]]` table.
    pub line: usize,
    /// `Kind [namespace/]name` glob.
    pub resource: String,
    pub data_store: Option<bool>,
    pub categories: Option<Vec<String>>,
    pub owner: Option<String>,
    pub purpose: Option<String>,
    pub retention: Option<String>,
    pub reason: Option<String>,
}

impl Override {
    /// Whether this entry names `r` (`Kind [namespace/]name`, case-insensitive globs).
    pub fn matches(&self, r: &ResourceRef) -> bool {
        glob::matches(&self.resource, &resource_key(r))
    }
    /// `dpia.toml:12`
    fn at(&self, origin: &str) -> String {
        format!("{origin}:{}", self.line)
    }
}

/// `StatefulSet data/postgres`, `Container lumen-redis-1`: what `resource =` matches.
pub fn resource_key(r: &ResourceRef) -> String {
    match &r.namespace {
        Some(ns) => format!("{} {ns}/{}", r.kind, r.name),
        None => format!("{} {}", r.kind, r.name),
    }
}

/// A resource a reviewer excluded, with the reason they gave.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Excluded {
    pub resource: ResourceRef,
    /// `dpia.toml:3: event bus only`.
    pub reason: String,
}

/// The stores after the corrections, and what the corrections said about themselves.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    pub stores: Vec<DataStore>,
    pub excluded: Vec<Excluded>,
    /// Entries that matched nothing or changed nothing, one sentence each with file:line.
    pub warnings: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    store: Vec<toml::Spanned<RawStore>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStore {
    resource: Option<String>,
    data_store: Option<bool>,
    categories: Option<Vec<String>>,
    owner: Option<String>,
    purpose: Option<String>,
    retention: Option<String>,
    reason: Option<String>,
}

const HINT: &str =
    "each correction is a [[store]] table with resource = \"Kind [namespace/]name\" \
     and any of data_store, categories, owner, purpose, retention, reason";

impl Overrides {
    /// Parse a `dpia.toml`; `origin` names the file in errors.
    pub fn from_toml(text: &str, origin: &str) -> Result<Overrides, Located> {
        let raw: RawFile = toml::from_str(text).map_err(|e| {
            let err = Located::new(
                origin,
                format!("invalid DPIA corrections: {}", e.message().trim_end()),
                HINT,
            );
            match e.span() {
                Some(span) => err.at_offset(text, span.start),
                None => err,
            }
        })?;
        let mut entries = Vec::new();
        for spanned in raw.store {
            let span = spanned.span();
            let line = crate::located::line_col(text.as_bytes(), span.start).0;
            let fail = |msg: String, hint: &str| {
                Located::new(origin, msg, hint).at_offset(text, span.start)
            };
            let r = spanned.into_inner();
            let resource = r.resource.unwrap_or_default().trim().to_string();
            if resource.is_empty() {
                return Err(fail("[[store]] without resource".into(), HINT));
            }
            if !resource.contains(' ') {
                return Err(fail(
                    format!("resource {resource:?} names no kind"),
                    "write `Kind [namespace/]name`, e.g. \"StatefulSet data/postgres\" or \
                     \"Container lumen-redis-1\" (the register's resource column)",
                ));
            }
            let categories = match r.categories {
                Some(list) => {
                    let (cats, bad) = parse_categories(&list.join(","));
                    if let Some(b) = bad.first() {
                        return Err(fail(
                            format!("unknown data category {b:?} for {resource}"),
                            &format!("use one of: {}", CATEGORIES.join(", ")),
                        ));
                    }
                    Some(cats)
                }
                None => None,
            };
            let o = Override {
                line,
                resource,
                data_store: r.data_store,
                categories,
                owner: r.owner.filter(|s| !s.trim().is_empty()),
                purpose: r.purpose.filter(|s| !s.trim().is_empty()),
                retention: r.retention.filter(|s| !s.trim().is_empty()),
                reason: r.reason.filter(|s| !s.trim().is_empty()),
            };
            if o.data_store.is_none()
                && o.categories.is_none()
                && o.owner.is_none()
                && o.purpose.is_none()
                && o.retention.is_none()
            {
                return Err(fail(
                    format!("the correction for {} changes nothing", o.resource),
                    "set data_store, categories, owner, purpose or retention",
                ));
            }
            entries.push(o);
        }
        Ok(Overrides {
            origin: origin.to_string(),
            entries,
        })
    }

    /// Apply the corrections, in file order (a later entry wins), to the classification.
    pub fn apply(&self, candidates: Vec<Candidate>) -> Applied {
        let mut applied = Applied::default();
        let mut used = vec![false; self.entries.len()];
        for mut cand in candidates {
            let mut excluded: Option<String> = None;
            let mut is_store = cand.is_store();
            for (i, o) in self.entries.iter().enumerate() {
                if !o.matches(&cand.store.resource) {
                    continue;
                }
                used[i] = true;
                let at = o.at(&self.origin);
                let because = o
                    .reason
                    .as_deref()
                    .map(|r| format!(": {r}"))
                    .unwrap_or_default();
                match o.data_store {
                    Some(true) => {
                        is_store = true;
                        excluded = None;
                        cand.store
                            .why
                            .push(format!("marked as a data store by {at}{because}"));
                    }
                    Some(false) if !is_store => applied.warnings.push(format!(
                        "{at}: {} is not classified as a data store; the correction has \
                         nothing to unmark",
                        resource_key(&cand.store.resource)
                    )),
                    Some(false) => {
                        is_store = false;
                        excluded = Some(format!("{at}{because}"));
                    }
                    None => {}
                }
                correct(&mut cand.store, o, &at);
            }
            if is_store {
                applied.stores.push(cand.store);
            } else if let Some(reason) = excluded {
                applied.excluded.push(Excluded {
                    resource: cand.store.resource,
                    reason,
                });
            }
        }
        for (o, used) in self.entries.iter().zip(used) {
            if !used {
                applied.warnings.push(format!(
                    "{}: the correction for {:?} matches no container or workload in this scan; \
                     check the kind, namespace and name against the register, or delete it",
                    o.at(&self.origin),
                    o.resource
                ));
            }
        }
        applied
    }
}

/// Set categories, owner, purpose and retention from one entry; drop the unknowns it answers.
fn correct(store: &mut DataStore, o: &Override, at: &str) {
    if let Some(cats) = &o.categories {
        store.categories = cats.clone();
        store.why.push(format!("categories set by {at}"));
        store.unknown.retain(|u| {
            !u.starts_with("data categories unknown") && !u.starts_with("unrecognised")
        });
    }
    if let Some(owner) = &o.owner {
        store.owner = Some(owner.trim().to_string());
        store.unknown.retain(|u| !u.starts_with("owner unknown"));
    }
    if let Some(p) = &o.purpose {
        store.purpose = Some(p.trim().to_string());
    }
    if let Some(r) = &o.retention {
        store.retention = Some(r.trim().to_string());
    }
}
