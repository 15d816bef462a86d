//! A tiny YAML tree for remediation fragments: patches, manifests and the before/after
//! views they are diffed from. Hand-built rather than serialized so key order follows the
//! Kubernetes object (name first), placeholders carry a visible `# comment`, and the merge
//! below can follow strategic-merge-patch rules (lists of named items merge by key).

/// One YAML node. Scalars hold their rendered form (`true`, `10001`, `"ALL"`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Y {
    Map(Vec<(String, Y)>),
    List(Vec<Y>),
    /// A rendered scalar with an optional trailing comment (placeholders say so).
    Scalar(String, Option<String>),
    /// `null`: in a strategic merge patch, removes the key.
    Null,
}

/// Keys that identify an item of a merged list, most specific first: a mount by its path
/// (two mounts may share a volume name), a port by its number, anything else by name.
const MERGE_KEYS: &[&str] = &["mountPath", "containerPort", "name"];

impl Y {
    pub fn map(entries: Vec<(&str, Y)>) -> Y {
        Y::Map(
            entries
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        )
    }
    pub fn bool(b: bool) -> Y {
        Y::Scalar(b.to_string(), None)
    }
    pub fn int(i: i64) -> Y {
        Y::Scalar(i.to_string(), None)
    }
    /// A string scalar, quoted when YAML would read it as something else.
    pub fn str(s: &str) -> Y {
        Y::Scalar(quote(s), None)
    }
    /// A literal empty map (`emptyDir: {}`, `podSelector: {}`): a value, unlike an empty
    /// `Y::Map`, which stands for a path in a fragment and renders as `key:` in diffs.
    pub fn empty_map() -> Y {
        Y::Scalar("{}".to_string(), None)
    }
    pub fn strs<S: AsRef<str>>(items: &[S]) -> Y {
        Y::List(items.iter().map(|s| Y::str(s.as_ref())).collect())
    }
    /// A value the operator must replace or size: rendered with a `# placeholder` comment.
    pub fn placeholder(s: &str, why: &str) -> Y {
        Y::Scalar(quote(s), Some(format!("placeholder: {why}")))
    }
    /// Wrap `self` under a dotted path: `nest("spec.template.spec")`.
    pub fn nest(self, path: &str) -> Y {
        path.rsplit('.')
            .filter(|p| !p.is_empty())
            .fold(self, |acc, key| Y::map(vec![(key, acc)]))
    }
    fn get(&self, key: &str) -> Option<&Y> {
        match self {
            Y::Map(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
    /// The (key, value) identifying a list item, e.g. ("name", "web").
    fn merge_id(&self) -> Option<(&'static str, &Y)> {
        MERGE_KEYS.iter().find_map(|k| self.get(k).map(|v| (*k, v)))
    }
    fn is_delete_directive(&self) -> bool {
        self.get("$patch") == Some(&Y::Scalar("delete".into(), None))
    }

    /// Render as block YAML, two-space indented, ending with a newline.
    pub fn render(&self) -> String {
        self.render_with(false)
    }

    /// Render a fragment for a diff: an empty map or list is a path the patch passes
    /// through (the object has more there), so it is written `key:` on both sides.
    pub fn render_skeleton(&self) -> String {
        self.render_with(true)
    }

    fn render_with(&self, skeleton: bool) -> String {
        let mut out = String::new();
        match self {
            Y::Map(_) | Y::List(_) if !is_empty(self) => write_node(self, 0, skeleton, &mut out),
            _ => {
                out.push_str(&inline(self));
                out.push('\n');
            }
        }
        out
    }
}

fn is_empty(y: &Y) -> bool {
    matches!(y, Y::Map(m) if m.is_empty()) || matches!(y, Y::List(l) if l.is_empty())
}

/// Quote a string unless it is a plain YAML scalar that reads back as the same string.
fn quote(s: &str) -> String {
    let reserved = [
        "true", "false", "yes", "no", "on", "off", "null", "~", "y", "n",
    ];
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./@:".contains(c))
        && !s.starts_with(['-', '.', '@', ':'])
        && !s.ends_with(':')
        // `8080:80` or `10001:10001` is a base-60 number to YAML 1.1 readers (compose).
        && (!s.contains(':') || s.chars().any(|c| c.is_ascii_alphabetic()))
        && s.parse::<f64>().is_err()
        && !reserved.contains(&s.to_ascii_lowercase().as_str());
    if plain {
        s.to_string()
    } else {
        serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
    }
}

fn inline(y: &Y) -> String {
    match y {
        Y::Scalar(s, None) => s.clone(),
        Y::Scalar(s, Some(c)) => format!("{s}  # {c}"),
        Y::Null => "null".to_string(),
        Y::Map(_) => "{}".to_string(),
        Y::List(_) => "[]".to_string(),
    }
}

fn write_node(y: &Y, indent: usize, skeleton: bool, out: &mut String) {
    let pad = " ".repeat(indent);
    match y {
        Y::Map(entries) => {
            for (k, v) in entries {
                let key = quote(k);
                if matches!(v, Y::Map(_) | Y::List(_)) && !is_empty(v) {
                    out.push_str(&format!("{pad}{key}:\n"));
                    let child = if matches!(v, Y::Map(_)) {
                        indent + 2
                    } else {
                        indent
                    };
                    write_node(v, child, skeleton, out);
                } else if skeleton && is_empty(v) {
                    out.push_str(&format!("{pad}{key}:\n"));
                } else {
                    out.push_str(&format!("{pad}{key}: {}\n", inline(v)));
                }
            }
        }
        Y::List(items) => {
            for item in items {
                if matches!(item, Y::Map(_) | Y::List(_)) && !is_empty(item) {
                    let mut body = String::new();
                    write_node(item, indent + 2, skeleton, &mut body);
                    // The first line of the item carries the dash.
                    let rest = body.get(indent + 2..).unwrap_or("");
                    out.push_str(&format!("{pad}- {rest}"));
                } else {
                    out.push_str(&format!("{pad}- {}\n", inline(item)));
                }
            }
        }
        other => out.push_str(&format!("{pad}{}\n", inline(other))),
    }
}

/// `base` with `patch` applied the way a strategic merge patch is: maps merge, `null`
/// removes a key, lists of identified items (by name, containerPort or mountPath) merge
/// by that key (`$patch: delete` removes the item), other lists are replaced.
pub(crate) fn merge(base: &Y, patch: &Y) -> Y {
    match (base, patch) {
        (Y::Map(b), Y::Map(p)) => {
            let mut out: Vec<(String, Y)> = b.clone();
            for (k, pv) in p {
                let pos = out.iter().position(|(bk, _)| bk == k);
                match (pos, pv) {
                    (Some(i), Y::Null) => {
                        out.remove(i);
                    }
                    (None, Y::Null) => {}
                    (Some(i), _) => out[i].1 = merge(&out[i].1, pv),
                    (None, _) => out.push((k.clone(), merge(&Y::Null, pv))),
                }
            }
            Y::Map(out)
        }
        (Y::List(b), Y::List(p)) if p.iter().all(|i| i.merge_id().is_some()) => {
            let mut out = b.clone();
            for item in p {
                let id = item.merge_id();
                let pos = out.iter().position(|x| x.merge_id() == id);
                match (pos, item.is_delete_directive()) {
                    (Some(i), true) => {
                        out.remove(i);
                    }
                    (None, true) => {}
                    (Some(i), false) => out[i] = merge(&out[i], item),
                    (None, false) => out.push(merge(&Y::Null, item)),
                }
            }
            Y::List(out)
        }
        // A new map or list: drop the null directives it carries.
        (_, Y::Map(_)) => merge(&Y::Map(Vec::new()), patch),
        (_, Y::List(p)) => Y::List(
            p.iter()
                .filter(|i| !i.is_delete_directive())
                .map(|i| merge(&Y::Null, i))
                .collect(),
        ),
        (_, other) => other.clone(),
    }
}

/// Two patch fragments as one: maps are united key by key, lists of identified items by
/// their key, anything else from `b`. Unlike [`merge`], directives (`null`, `$patch`) are
/// kept, since the result is still a patch.
pub(crate) fn combine(a: &Y, b: &Y) -> Y {
    match (a, b) {
        (Y::Map(x), Y::Map(y)) => {
            let mut out = x.clone();
            for (k, v) in y {
                match out.iter().position(|(ok, _)| ok == k) {
                    Some(i) => out[i].1 = combine(&out[i].1, v),
                    None => out.push((k.clone(), v.clone())),
                }
            }
            Y::Map(out)
        }
        (Y::List(x), Y::List(y)) if x.iter().chain(y).all(|i| i.merge_id().is_some()) => {
            let mut out = x.clone();
            for item in y {
                match out.iter().position(|o| o.merge_id() == item.merge_id()) {
                    Some(i) => out[i] = combine(&out[i], item),
                    None => out.push(item.clone()),
                }
            }
            Y::List(out)
        }
        (_, other) => other.clone(),
    }
}

/// The part of `full` that `patch` touches: the keys it names, and for merged lists the
/// items it identifies (with their merge key), so a diff shows only what is relevant.
pub(crate) fn project(full: &Y, patch: &Y) -> Y {
    match (full, patch) {
        (Y::Map(f), Y::Map(p)) => Y::Map(
            p.iter()
                .filter_map(|(k, pv)| {
                    let fv = f.iter().find(|(fk, _)| fk == k).map(|(_, v)| v)?;
                    let projected = project(fv, pv);
                    // A merged list none of whose patched items exist adds nothing.
                    let no_items = matches!(&projected, Y::List(l) if l.is_empty())
                        && matches!(pv, Y::List(l) if !l.is_empty());
                    (!no_items).then(|| (k.clone(), projected))
                })
                .collect(),
        ),
        (Y::List(f), Y::List(p)) if p.iter().all(|i| i.merge_id().is_some()) => Y::List(
            p.iter()
                .filter_map(|pi| {
                    let id = pi.merge_id();
                    let fi = f.iter().find(|x| x.merge_id() == id)?;
                    let projected = project(fi, pi);
                    Some(with_merge_key(projected, id))
                })
                .collect(),
        ),
        _ => full.clone(),
    }
}

/// Put the merge key first in a projected item, so `- name: web` heads it.
fn with_merge_key(item: Y, id: Option<(&'static str, &Y)>) -> Y {
    let (Y::Map(mut m), Some((key, value))) = (item, id) else {
        return Y::Null;
    };
    m.retain(|(k, _)| k != key);
    m.insert(0, (key.to_string(), value.clone()));
    Y::Map(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn container(name: &str, sc: Y) -> Y {
        Y::map(vec![("name", Y::str(name)), ("securityContext", sc)])
    }

    #[test]
    fn renders_block_yaml_with_list_items_and_comments() {
        let y = Y::map(vec![(
            "containers",
            Y::List(vec![container(
                "web",
                Y::map(vec![
                    ("privileged", Y::bool(false)),
                    ("drop", Y::strs(&["ALL"])),
                    ("cpu", Y::placeholder("100m", "size it")),
                ]),
            )]),
        )])
        .nest("spec.template.spec");
        let want = "spec:\n  template:\n    spec:\n      containers:\n      - name: web\n        securityContext:\n          privileged: false\n          drop:\n          - ALL\n          cpu: 100m  # placeholder: size it\n";
        assert_eq!(y.render(), want);
        assert_eq!(Y::str("true").render(), "\"true\"\n");
        assert_eq!(Y::str("10001").render(), "\"10001\"\n");
    }

    #[test]
    fn merge_follows_strategic_merge_rules() {
        let base = Y::map(vec![(
            "containers",
            Y::List(vec![
                container("a", Y::map(vec![("privileged", Y::bool(true))])),
                container("b", Y::map(vec![])),
            ]),
        )]);
        let patch = Y::map(vec![(
            "containers",
            Y::List(vec![container(
                "a",
                Y::map(vec![("privileged", Y::Null), ("runAsUser", Y::int(1))]),
            )]),
        )]);
        let after = merge(&base, &patch);
        let want = Y::map(vec![(
            "containers",
            Y::List(vec![
                container("a", Y::map(vec![("runAsUser", Y::int(1))])),
                container("b", Y::map(vec![])),
            ]),
        )]);
        assert_eq!(after, want);
        // Projection keeps only container a and the keys the patch names.
        let seen = project(&base, &patch);
        let want = Y::map(vec![(
            "containers",
            Y::List(vec![container(
                "a",
                Y::map(vec![("privileged", Y::bool(true))]),
            )]),
        )]);
        assert_eq!(seen, want);
        // `$patch: delete` removes an identified item.
        let del = Y::map(vec![(
            "containers",
            Y::List(vec![Y::map(vec![
                ("name", Y::str("b")),
                ("$patch", Y::str("delete")),
            ])]),
        )]);
        let after = merge(&base, &del);
        assert!(!after.render().contains("name: b"));
        assert!(after.render().contains("name: a"));
    }
}
