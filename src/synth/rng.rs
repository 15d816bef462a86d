//! The generator's only source of variety: SplitMix64, seeded from the cluster spec, plus
//! stable hashes of names. Objects that must agree across the stream (an owner's uid in
//! its dependents' `ownerReferences`, an image's digest in every pod that runs it) are
//! derived from hashes of their identity rather than drawn from a sequence, so they come
//! out the same wherever they are needed.

/// SplitMix64: tiny, fast, and good enough for picking names and proportions.
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

/// The golden-ratio increment of SplitMix64.
const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// The SplitMix64 output function: a strong 64-bit mixer.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A stable 64-bit hash of a string under a seed (FNV-1a folded through [`mix`]).
pub(crate) fn hash(seed: u64, text: &str) -> u64 {
    let mut h = 0xCBF2_9CE4_8422_2325u64 ^ mix(seed);
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
    mix(h)
}

/// The alphabet Kubernetes uses for generated name suffixes and template hashes
/// (no vowels, no look-alike digits), so names read like real ones.
pub(crate) const K8S_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
const HEX: &[u8] = b"0123456789abcdef";
const UPPER_ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const BASE64ISH: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

impl Rng {
    #[cfg(test)]
    pub(crate) fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// An independent stream for one named thing (a namespace, an app).
    pub(crate) fn for_key(seed: u64, key: &str) -> Self {
        Rng(hash(seed, key))
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(GAMMA);
        mix(self.0)
    }

    /// Uniform in `0..n` (0 when `n` is 0), by multiply-shift: no modulo bias worth noting.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform index into a collection of `len` items (0 when empty).
    pub(crate) fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    pub(crate) fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi.saturating_sub(lo) + 1)
    }

    /// True with probability `per_mille / 1000`.
    pub(crate) fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }

    /// One item of a non-empty constant table.
    pub(crate) fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.index(items.len())]
    }

    /// One item of a non-empty `(item, weight)` table, proportionally to the weights.
    pub(crate) fn weighted<T: Copy>(&mut self, items: &[(T, u64)]) -> T {
        let total: u64 = items.iter().map(|(_, w)| w).sum();
        let mut roll = self.below(total);
        for (item, w) in items {
            if roll < *w {
                return *item;
            }
            roll -= w;
        }
        items[items.len() - 1].0
    }

    /// `n` characters drawn from `alphabet`.
    pub(crate) fn chars(&mut self, alphabet: &[u8], n: usize) -> String {
        (0..n)
            .map(|_| char::from(alphabet[self.index(alphabet.len())]))
            .collect()
    }

    /// A Kubernetes-style random suffix (`x2k9p`).
    pub(crate) fn suffix(&mut self, n: usize) -> String {
        self.chars(K8S_ALPHABET, n)
    }

    pub(crate) fn hex(&mut self, n: usize) -> String {
        self.chars(HEX, n)
    }

    /// Upper-case letters and digits (the body of an AWS access key id).
    pub(crate) fn upper_alnum(&mut self, n: usize) -> String {
        self.chars(UPPER_ALNUM, n)
    }

    /// Base64-alphabet text (the shape of an AWS secret access key).
    pub(crate) fn base64ish(&mut self, n: usize) -> String {
        self.chars(BASE64ISH, n)
    }
}

/// A UUID-shaped identifier (version 4 layout) derived from `key`.
pub(crate) fn uuid(seed: u64, key: &str) -> String {
    let hi = hash(seed, key);
    let lo = mix(hi ^ GAMMA);
    let hi = (hi & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000;
    let lo = (lo & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000;
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        hi >> 32,
        (hi >> 16) & 0xFFFF,
        hi & 0xFFFF,
        lo >> 48,
        lo & 0xFFFF_FFFF_FFFF
    )
}

/// `n` hex digits derived from `key` (image digests, container ids).
pub(crate) fn hex_of(seed: u64, key: &str, n: usize) -> String {
    Rng::for_key(seed, key).hex(n)
}

/// A Kubernetes-style hash (`7d4b9c6f8d`) derived from `key`, as in `pod-template-hash`.
pub(crate) fn k8s_hash(seed: u64, key: &str, n: usize) -> String {
    Rng::for_key(seed, key).suffix(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_bounded() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
            let r = a.range(3, 5);
            assert!((3..=5).contains(&r));
            b.range(3, 5);
        }
        assert_eq!(Rng::new(1).below(0), 0);
        let counts = (0..3000).fold([0usize; 3], |mut c, _| {
            c[a.index(3)] += 1;
            c
        });
        assert!(counts.iter().all(|n| (800..1200).contains(n)), "{counts:?}");
    }

    #[test]
    fn uuids_have_the_v4_shape_and_differ_by_key() {
        let u = uuid(1, "Pod/a/b");
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"), "{u}");
        assert_ne!(u, uuid(1, "Pod/a/c"));
        assert_ne!(u, uuid(2, "Pod/a/b"));
        assert_eq!(u, uuid(1, "Pod/a/b"));
    }
}
