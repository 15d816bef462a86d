//! Defensive readers over `serde_json::Value`: a missing field or a field of the wrong type
//! gives the default (and, where it matters, a warning), never a panic.

use serde_json::Value;
use std::collections::BTreeMap;

use crate::model::SecretHit;
use crate::secrets;

/// `v.a.b.c` by keys; `None` when any step is missing or not an object.
pub fn get<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    let mut cur = v;
    for key in path {
        cur = cur.as_object()?.get(*key)?;
    }
    Some(cur)
}

/// The string at `path` ("" when missing), as a `String` or a model [`crate::model::Str`].
pub fn str_at<'v, T: From<&'v str>>(v: &'v Value, path: &[&str]) -> T {
    T::from(get(v, path).and_then(Value::as_str).unwrap_or_default())
}

pub fn opt_str<T: for<'s> From<&'s str>>(v: &Value, path: &[&str]) -> Option<T> {
    get(v, path).and_then(Value::as_str).map(T::from)
}

pub fn bool_at(v: &Value, path: &[&str]) -> bool {
    get(v, path).and_then(Value::as_bool).unwrap_or(false)
}

pub fn opt_bool(v: &Value, path: &[&str]) -> Option<bool> {
    get(v, path).and_then(Value::as_bool)
}

pub fn i64_at(v: &Value, path: &[&str]) -> i64 {
    opt_i64(v, path).unwrap_or(0)
}

/// Integers, also from floats with no fraction (YAML and some tools write `1.0`).
pub fn opt_i64(v: &Value, path: &[&str]) -> Option<i64> {
    let x = get(v, path)?;
    x.as_i64().or_else(|| {
        x.as_f64()
            .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
            .map(|f| f as i64)
    })
}

/// An array at `path` (empty when missing or not an array).
pub fn arr<'a>(v: &'a Value, path: &[&str]) -> &'a [Value] {
    get(v, path)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// The string items of an array (non-strings skipped).
pub fn strings<T: for<'s> From<&'s str>>(v: &Value, path: &[&str]) -> Vec<T> {
    arr(v, path)
        .iter()
        .filter_map(Value::as_str)
        .map(T::from)
        .collect()
}

/// Keys of an object at `path`.
pub fn keys(v: &Value, path: &[&str]) -> Vec<String> {
    get(v, path)
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

/// A string-to-string map (non-string values rendered as JSON text, nulls skipped).
pub fn str_map(v: &Value, path: &[&str]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Some(m) = get(v, path).and_then(Value::as_object) {
        for (k, val) in m {
            if let Some(s) = scalar_string(val) {
                out.insert(k.clone(), s);
            }
        }
    }
    out
}

/// A scalar as text: strings as-is, numbers and booleans printed; null/arrays/objects None.
pub fn scalar_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Labels or annotations, scrubbed. `kind` is `label` or `annotation`, used in hit locations.
pub fn scrubbed_map<M: FromIterator<(String, String)>>(
    v: &Value,
    path: &[&str],
    kind: &str,
    hits: &mut Vec<SecretHit>,
) -> M {
    str_map(v, path)
        .into_iter()
        .filter(|(k, _)| k != "kubectl.kubernetes.io/last-applied-configuration")
        .map(|(k, val)| {
            let (s, h) = secrets::scrub(&val, &format!("{kind}:{k}"));
            hits.extend(h);
            (k, s)
        })
        .collect()
}
