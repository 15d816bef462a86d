//! Label and annotation maps (also Service selectors and `matchLabels`).
//!
//! At 150,000 pods the model holds 1.2 million such maps of which 251,000 are distinct
//! (a pod's labels equal its template's and its replicas'); as `BTreeMap<String, String>`
//! each cost a 544-byte tree node plus two allocations per entry, about 1 GB in all.
//! [`Labels`] is an immutable sorted slice behind a shared pointer: equal maps built
//! inside [`super::interning`] share one allocation, the empty map none.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use super::interned::{with_interner, Str};

/// The shared, sorted (key, value) pairs of a map.
pub(super) type Pairs = Arc<[(Str, Str)]>;

#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Labels(Option<Pairs>);

impl Labels {
    pub fn new() -> Labels {
        Labels(None)
    }

    /// From pairs in any order; a repeated key keeps its last value (as a JSON object
    /// read into a map does).
    fn from_pairs(mut pairs: Vec<(Str, Str)>) -> Labels {
        if pairs.is_empty() {
            return Labels(None);
        }
        sort_keep_last(&mut pairs);
        with_interner(|i| match i {
            Some(i) => Labels(Some(i.intern_pairs(&pairs))),
            None => Labels(Some(Arc::from(pairs))),
        })
    }

    /// From the text of a map as read (see [`Text`]): inside an interning scope a map seen
    /// before costs one lookup, not two per entry.
    fn from_text(mut pairs: Vec<(Text<'_>, Text<'_>)>) -> Labels {
        if pairs.is_empty() {
            return Labels(None);
        }
        sort_keep_last(&mut pairs);
        with_interner(|i| match i {
            Some(i) => Labels(Some(i.intern_pairs(&pairs))),
            None => Labels(Some(
                pairs
                    .iter()
                    .map(|(k, v)| (Str::new(k.as_ref()), Str::new(v.as_ref())))
                    .collect(),
            )),
        })
    }

    fn pairs(&self) -> &[(Str, Str)] {
        self.0.as_deref().unwrap_or(&[])
    }

    pub fn get(&self, key: &str) -> Option<&Str> {
        let pairs = self.pairs();
        pairs
            .binary_search_by(|(k, _)| k.as_str().cmp(key))
            .ok()
            .map(|i| &pairs[i].1)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// In key order, like a `BTreeMap`.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&Str, &Str)> + Clone {
        self.pairs().iter().map(|(k, v)| (k, v))
    }

    pub fn keys(&self) -> impl ExactSizeIterator<Item = &Str> + Clone {
        self.pairs().iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl ExactSizeIterator<Item = &Str> + Clone {
        self.pairs().iter().map(|(_, v)| v)
    }

    pub fn len(&self) -> usize {
        self.pairs().len()
    }

    pub fn is_empty(&self) -> bool {
        self.pairs().is_empty()
    }

    /// Set one entry (copies the map: the pairs are shared and immutable).
    pub fn insert(&mut self, key: impl Into<Str>, value: impl Into<Str>) {
        let mut pairs = self.pairs().to_vec();
        pairs.push((key.into(), value.into()));
        *self = Labels::from_pairs(pairs);
    }

    pub fn clear(&mut self) {
        self.0 = None;
    }
}

impl<K: Into<Str>, V: Into<Str>> FromIterator<(K, V)> for Labels {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Labels {
        Labels::from_pairs(
            iter.into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }
}

impl<K: Into<Str>, V: Into<Str>> Extend<(K, V)> for Labels {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        let mut pairs = self.pairs().to_vec();
        pairs.extend(iter.into_iter().map(|(k, v)| (k.into(), v.into())));
        *self = Labels::from_pairs(pairs);
    }
}

impl<K: Into<Str>, V: Into<Str>, const N: usize> From<[(K, V); N]> for Labels {
    fn from(pairs: [(K, V); N]) -> Labels {
        pairs.into_iter().collect()
    }
}

impl From<BTreeMap<String, String>> for Labels {
    fn from(map: BTreeMap<String, String>) -> Labels {
        map.into_iter().collect()
    }
}

impl<'a> IntoIterator for &'a Labels {
    type Item = (&'a Str, &'a Str);
    type IntoIter =
        std::iter::Map<std::slice::Iter<'a, (Str, Str)>, fn(&'a (Str, Str)) -> (&'a Str, &'a Str)>;
    fn into_iter(self) -> Self::IntoIter {
        self.pairs().iter().map(|(k, v)| (k, v))
    }
}

impl fmt::Debug for Labels {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl Serialize for Labels {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for Labels {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Labels, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Labels;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map of strings to strings")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Labels, A::Error> {
                let mut pairs = Vec::with_capacity(map.size_hint().unwrap_or(0).min(64));
                while let Some(entry) = map.next_entry::<Text<'de>, Text<'de>>()? {
                    pairs.push(entry);
                }
                Ok(Labels::from_text(pairs))
            }
        }
        d.deserialize_map(V)
    }
}

/// Sort by key (stable) and keep the last value of a repeated key.
fn sort_keep_last<K: AsRef<str>, V>(pairs: &mut Vec<(K, V)>) {
    if !pairs.is_sorted_by(|a, b| a.0.as_ref() < b.0.as_ref()) {
        pairs.sort_by(|a, b| a.0.as_ref().cmp(b.0.as_ref()));
        let mut i = 0;
        while i + 1 < pairs.len() {
            if pairs[i].0.as_ref() == pairs[i + 1].0.as_ref() {
                pairs.remove(i);
            } else {
                i += 1;
            }
        }
    }
}

/// A string as read: borrowed from the input when it has no escapes (a snapshot read
/// from memory), else owned.
enum Text<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl AsRef<str> for Text<'_> {
    fn as_ref(&self) -> &str {
        match self {
            Text::Borrowed(s) => s,
            Text::Owned(s) => s,
        }
    }
}

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Text<'de>, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Text<'de>, E> {
                Ok(Text::Borrowed(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Text<'de>, E> {
                Ok(Text::Owned(v.to_string()))
            }
            fn visit_string<E>(self, v: String) -> Result<Text<'de>, E> {
                Ok(Text::Owned(v))
            }
        }
        d.deserialize_str(V)
    }
}

#[cfg(test)]
mod tests {
    use super::super::interning;
    use super::*;

    #[test]
    fn reads_like_an_ordered_map() {
        let l: Labels = [("b", "2"), ("a", "1"), ("b", "3")].into();
        assert_eq!(l.len(), 2);
        assert_eq!(
            l.get("b").map(Str::as_str),
            Some("3"),
            "the last value of a key wins"
        );
        assert!(l.contains_key("a") && !l.contains_key("c"));
        assert_eq!(l.keys().map(Str::as_str).collect::<Vec<_>>(), ["a", "b"]);
        let json = serde_json::to_string(&l).unwrap();
        assert_eq!(json, r#"{"a":"1","b":"3"}"#);
        assert_eq!(
            serde_json::from_str::<Labels>(r#"{"b":"3","a":"1"}"#).unwrap(),
            l
        );
        // Read text: a repeated key keeps its last value, escaped strings are owned.
        let read = |json: &str| interning(|| serde_json::from_str::<Labels>(json).unwrap());
        assert_eq!(read(r#"{"b":"2","a":"1","b":"3"}"#), l);
        let escaped = read(r#"{"a\u0062":"x\ny"}"#);
        assert_eq!(escaped.get("ab").map(Str::as_str), Some("x\ny"));
        assert_eq!(read(r#"{"k":""}"#).get("k"), Some(&Str::default()));
        let mut m = l.clone();
        m.insert("c", "4");
        assert_eq!(m.len(), 3);
        assert_eq!(l.len(), 2, "inserting copies, the original is unchanged");
        assert!(Labels::default().is_empty());
    }

    #[test]
    fn equal_maps_read_in_one_scope_share_their_pairs() {
        let (a, b) = interning(|| {
            let a: Labels = serde_json::from_str(r#"{"app":"web","tier":"front"}"#).unwrap();
            let b: Labels = [("tier", "front"), ("app", "web")].into();
            (a, b)
        });
        assert!(Arc::ptr_eq(a.0.as_ref().unwrap(), b.0.as_ref().unwrap()));
    }
}
