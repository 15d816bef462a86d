//! Shared strings for the Kubernetes model.
//!
//! A 150,000-pod cluster normalizes to about 26 million strings of which 1.2 million are
//! distinct (label keys, image names, namespaces, mount paths, env names repeat across
//! every replica). As owned `String`s the model took 2.7 GB; a [`Str`] is a pointer to a
//! reference-counted `str`, and inside [`interning`] equal strings share one allocation.
//!
//! Interning is scoped to one thread and one load (a file, a live listing, a generated
//! cluster): the table is dropped when the scope ends, so nothing grows across rescans.
//! Outside a scope a `Str` is simply an owned, immutable string.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Borrow;
use std::cell::RefCell;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::Arc;

use super::labels::Pairs;

/// Slots of the front cache (a power of two).
const RECENT: usize = 4096;

/// The tables of one interning scope.
pub(super) struct Interner {
    hasher: foldhash::fast::FixedState,
    /// Every distinct string of the scope, by hash.
    strings: hashbrown::HashTable<Arc<str>>,
    /// The last string seen per hash slot: label keys, namespaces, images and the like
    /// are found here, in cache, without probing the whole table (1.2 million strings at
    /// 150,000 pods, where the probes were a third of the load time).
    recent: Vec<Option<Arc<str>>>,
    /// Every distinct label map of the scope, by the hash of its text.
    labels: hashbrown::HashTable<Pairs>,
}

impl Default for Interner {
    fn default() -> Interner {
        Interner {
            hasher: foldhash::fast::FixedState::default(),
            strings: hashbrown::HashTable::with_capacity(1 << 16),
            recent: vec![None; RECENT],
            labels: hashbrown::HashTable::new(),
        }
    }
}

impl Interner {
    /// The shared pairs equal to `pairs` (sorted by key, keys unique). A map seen before
    /// is found by its text without interning its strings one by one: at 150,000 pods
    /// four maps in five repeat one seen before.
    pub(super) fn intern_pairs<K: AsRef<str>, V: AsRef<str>>(&mut self, pairs: &[(K, V)]) -> Pairs {
        use std::hash::BuildHasher;
        let hash_of = |hasher: &foldhash::fast::FixedState,
                       it: &mut dyn Iterator<Item = (&str, &str)>| {
            let mut h = hasher.build_hasher();
            for (k, v) in it {
                k.hash(&mut h);
                v.hash(&mut h);
            }
            h.finish()
        };
        let hash = hash_of(
            &self.hasher,
            &mut pairs.iter().map(|(k, v)| (k.as_ref(), v.as_ref())),
        );
        let same = |e: &Pairs| {
            e.len() == pairs.len()
                && e.iter()
                    .zip(pairs)
                    .all(|((a, b), (k, v))| a.as_str() == k.as_ref() && b.as_str() == v.as_ref())
        };
        if let Some(e) = self.labels.find(hash, same) {
            return e.clone();
        }
        let shared: Pairs = pairs
            .iter()
            .map(|(k, v)| (self.intern_str(k.as_ref()), self.intern_str(v.as_ref())))
            .collect();
        let hasher = &self.hasher;
        self.labels.insert_unique(hash, shared.clone(), |e| {
            hash_of(hasher, &mut e.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        });
        shared
    }

    fn intern_str(&mut self, s: &str) -> Str {
        if s.is_empty() {
            Str(None)
        } else {
            Str(Some(self.intern(s)))
        }
    }

    fn intern(&mut self, s: &str) -> Arc<str> {
        use std::hash::BuildHasher;
        let hash = self.hasher.hash_one(s);
        let slot = &mut self.recent[hash as usize & (RECENT - 1)];
        if let Some(hit) = slot.as_ref().filter(|r| ***r == *s) {
            return hit.clone();
        }
        let hasher = &self.hasher;
        let shared = match self.strings.find(hash, |e| **e == *s) {
            Some(e) => e.clone(),
            None => {
                let e: Arc<str> = Arc::from(s);
                self.strings
                    .insert_unique(hash, e.clone(), |e| hasher.hash_one(&**e));
                e
            }
        };
        *slot = Some(shared.clone());
        shared
    }
}

thread_local! {
    static ACTIVE: RefCell<Option<Interner>> = const { RefCell::new(None) };
}

/// Run `f` with equal strings and label maps shared among everything it builds on this
/// thread. Nested calls join the outer scope.
pub fn interning<R>(f: impl FnOnce() -> R) -> R {
    let outer = ACTIVE.with(|a| {
        let mut a = a.borrow_mut();
        if a.is_some() {
            true
        } else {
            *a = Some(Interner::default());
            false
        }
    });
    if outer {
        return f();
    }
    // Reset on unwind too, so a panic caught by a test harness leaves no table behind.
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            ACTIVE.with(|a| a.borrow_mut().take());
        }
    }
    let _reset = Reset;
    f()
}

/// Call `f` with the active interner, or `None` outside a scope.
pub(super) fn with_interner<R>(f: impl FnOnce(Option<&mut Interner>) -> R) -> R {
    ACTIVE.with(|a| match a.try_borrow_mut() {
        Ok(mut a) => f(a.as_mut()),
        Err(_) => f(None),
    })
}

/// An immutable shared string; the empty string holds no allocation.
#[derive(Clone, Default)]
pub struct Str(Option<Arc<str>>);

impl Str {
    pub fn new(s: &str) -> Str {
        if s.is_empty() {
            return Str(None);
        }
        with_interner(|i| match i {
            Some(i) => Str(Some(i.intern(s))),
            None => Str(Some(Arc::from(s))),
        })
    }

    /// A string that is (nearly) never repeated, such as a uid or a timestamp: kept out of
    /// the interning table, where it would only make every lookup slower.
    pub fn unshared(s: &str) -> Str {
        if s.is_empty() {
            Str(None)
        } else {
            Str(Some(Arc::from(s)))
        }
    }

    pub fn as_str(&self) -> &str {
        self.0.as_deref().unwrap_or("")
    }
}

impl Deref for Str {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Str {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Str {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for Str {
    fn eq(&self, other: &Str) -> bool {
        match (&self.0, &other.0) {
            (Some(a), Some(b)) if Arc::ptr_eq(a, b) => true,
            _ => self.as_str() == other.as_str(),
        }
    }
}

impl Eq for Str {}

impl PartialOrd for Str {
    fn partial_cmp(&self, other: &Str) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Str {
    fn cmp(&self, other: &Str) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

/// Hashes like `str`, so maps keyed by `Str` can be looked up with `&str`.
impl Hash for Str {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
    }
}

impl fmt::Display for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl From<&str> for Str {
    fn from(s: &str) -> Str {
        Str::new(s)
    }
}

impl From<String> for Str {
    fn from(s: String) -> Str {
        Str::new(&s)
    }
}

impl From<&String> for Str {
    fn from(s: &String) -> Str {
        Str::new(s)
    }
}

impl From<&Str> for Str {
    fn from(s: &Str) -> Str {
        s.clone()
    }
}

impl From<Str> for String {
    fn from(s: Str) -> String {
        s.as_str().to_string()
    }
}

impl From<&Str> for String {
    fn from(s: &Str) -> String {
        s.as_str().to_string()
    }
}

macro_rules! eq_with {
    ($($t:ty),*) => {$(
        impl PartialEq<$t> for Str {
            fn eq(&self, other: &$t) -> bool {
                self.as_str() == AsRef::<str>::as_ref(other)
            }
        }
        impl PartialEq<Str> for $t {
            fn eq(&self, other: &Str) -> bool {
                AsRef::<str>::as_ref(self) == other.as_str()
            }
        }
    )*};
}
eq_with!(str, String);

impl PartialEq<&str> for Str {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<Str> for &str {
    fn eq(&self, other: &Str) -> bool {
        *self == other.as_str()
    }
}

impl Serialize for Str {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Reads a string, shared or not.
struct StrVisitor(fn(&str) -> Str);

impl serde::de::Visitor<'_> for StrVisitor {
    type Value = Str;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E>(self, v: &str) -> Result<Str, E> {
        Ok((self.0)(v))
    }
}

impl<'de> Deserialize<'de> for Str {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Str, D::Error> {
        d.deserialize_str(StrVisitor(Str::new))
    }
}

/// `deserialize_with` for fields of unique values (uids, timestamps): see [`Str::unshared`].
pub(crate) fn unshared<'de, D: Deserializer<'de>>(d: D) -> Result<Str, D::Error> {
    d.deserialize_str(StrVisitor(Str::unshared))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn equal_strings_share_one_allocation_only_inside_a_scope() {
        let (a, b) = interning(|| {
            (
                Str::from("app.kubernetes.io/name"),
                Str::from("app.kubernetes.io/name".to_string()),
            )
        });
        assert!(Arc::ptr_eq(a.0.as_ref().unwrap(), b.0.as_ref().unwrap()));
        let (c, d) = (Str::from("x"), Str::from("x"));
        assert!(!Arc::ptr_eq(c.0.as_ref().unwrap(), d.0.as_ref().unwrap()));
        assert_eq!(c, d);
        // The scope's table is gone afterwards.
        assert!(with_interner(|i| i.is_none()));
    }

    #[test]
    fn behaves_like_the_string_it_holds() {
        let s = Str::from("web");
        assert_eq!(s, "web");
        assert_eq!("web", s);
        assert_eq!(s, "web".to_string());
        assert_eq!(s.len(), 3);
        assert_eq!(format!("{s}/{s:?}"), "web/\"web\"");
        assert!(Str::default().is_empty());
        assert_eq!(Str::from(""), Str::default());
        let (a, b) = (Str::from("a"), Str::from("b"));
        assert!(a < b);
        let set: HashSet<Str> = [Str::from("k")].into_iter().collect();
        assert!(set.contains("k"));
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(json, "\"web\"");
        assert_eq!(serde_json::from_str::<Str>(&json).unwrap(), s);
    }
}
