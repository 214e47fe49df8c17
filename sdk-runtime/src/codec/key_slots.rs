//! Finding a struct's key: a hash table the macro builds at compile time.
//!
//! Generated structs list their keys (`KEYS`, in field order) and a table of slots
//! (`SLOTS`): `key_hash(key)` picks a slot, and each slot holds a key's index or is empty;
//! collisions go to the next slot. The table is a byte string (two bytes per slot, little
//! endian, `0xFFFF` empty), one literal token, so it costs rustc next to nothing to check.
//! The macro crate builds it with its own copy of [`key_hash`]; both crates test the same
//! hashes, so the two copies cannot drift apart.
//!
//! Why not a search: a search from the previous key on was fast only while the server sent
//! keys in the document's order, a binary search mispredicts a branch per step, and both
//! were about three times what serde derive's `match` on the key spends.

/// An empty slot.
const EMPTY: u16 = u16::MAX;

/// Marks a key the struct does not declare.
pub const UNKNOWN_KEY: usize = usize::MAX;

/// The hash that places keys in slots: eight bytes at a time, the last eight overlapping,
/// read little-endian so that a table built on one machine is read the same on any other.
#[inline]
pub fn key_hash(key: &[u8]) -> u64 {
    const MULTIPLIER: u64 = 0x9E37_79B9_7F4A_7C15;
    let n = key.len();
    let mut hash = (n as u64).wrapping_mul(MULTIPLIER);
    let mut mix = |word: u64| hash = (hash ^ word).wrapping_mul(MULTIPLIER).rotate_left(31);
    if n < 8 {
        mix(short_word(key));
    } else {
        let word = |at: usize| u64::from_le_bytes(key[at..at + 8].try_into().unwrap_or_default());
        (0..n / 8).for_each(|i| mix(word(i * 8)));
        mix(word(n - 8));
    }
    hash ^ (hash >> 29)
}

/// The bytes of a key shorter than eight in one word, without a loop: two overlapping
/// four-byte reads, or the first, middle and last byte. With the length, it tells keys
/// apart exactly.
#[inline]
fn short_word(key: &[u8]) -> u64 {
    let n = key.len();
    if n >= 4 {
        let half = |at: usize| u32::from_le_bytes(key[at..at + 4].try_into().unwrap_or_default());
        u64::from(half(n - 4)) << 32 | u64::from(half(0))
    } else if n > 0 {
        u64::from(key[0]) | u64::from(key[n / 2]) << 8 | u64::from(key[n - 1]) << 16
    } else {
        0
    }
}

/// A struct's keys and the slots that index them.
#[derive(Debug, Clone, Copy)]
pub struct KeyTable {
    keys: &'static [&'static str],
    slots: &'static [u8],
}

impl KeyTable {
    /// The table of `keys` (field order) and their `slots` as the macro wrote them.
    pub const fn new(keys: &'static [&'static str], slots: &'static [u8]) -> Self {
        KeyTable { keys, slots }
    }

    /// The index of `key` in the keys, or [`UNKNOWN_KEY`].
    #[inline]
    pub fn find(&self, key: &str) -> usize {
        let count = self.slots.len() / 2;
        if !count.is_power_of_two() {
            // No table (more keys than slots can index): look at every key.
            return self
                .keys
                .iter()
                .position(|k| same_key(k, key))
                .unwrap_or(UNKNOWN_KEY);
        }
        let mask = count - 1;
        let mut slot = (key_hash(key.as_bytes()) as usize) & mask;
        for _ in 0..count {
            let entry = u16::from_le_bytes([self.slots[2 * slot], self.slots[2 * slot + 1]]);
            if entry == EMPTY {
                return UNKNOWN_KEY;
            }
            let index = usize::from(entry);
            if self.keys.get(index).is_some_and(|k| same_key(k, key)) {
                return index;
            }
            slot = (slot + 1) & mask;
        }
        UNKNOWN_KEY
    }
}

/// `a == b`, eight bytes at a time: `str`'s `==` calls the C library's `memcmp`, and for
/// keys of a few bytes the call costs more than the comparison.
#[inline]
fn same_key(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n < 8 {
        return short_word(a) == short_word(b);
    }
    let word =
        |w: &[u8], at: usize| u64::from_ne_bytes(w[at..at + 8].try_into().unwrap_or_default());
    // Whole words, then the last eight bytes (overlapping the last word).
    (0..n / 8).all(|i| word(a, i * 8) == word(b, i * 8)) && word(a, n - 8) == word(b, n - 8)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The macro crate's `key_slots` tests check the same values.
    #[test]
    fn key_hash_is_fixed() {
        assert_eq!(key_hash(b""), 0);
        assert_eq!(key_hash(b"id"), 0x6ee5_a2bc_f742_3cc8);
        assert_eq!(key_hash(b"owner"), 0x3efb_8fbe_f32d_6646);
        assert_eq!(key_hash(b"html_url"), 0xea03_79bd_5f86_20eb);
        assert_eq!(
            key_hash(b"repository_subscription_url"),
            0x64b4_5a80_76dd_422e
        );
    }

    /// Builds slots the way the macro does (linear probing, at most a quarter full).
    fn slots(keys: &[&str]) -> Vec<u8> {
        let count = (keys.len() * 4).next_power_of_two().max(4);
        let mut table = vec![EMPTY; count];
        for (i, key) in keys.iter().enumerate() {
            let mut slot = (key_hash(key.as_bytes()) as usize) & (count - 1);
            while table[slot] != EMPTY {
                slot = (slot + 1) & (count - 1);
            }
            table[slot] = i as u16;
        }
        table.iter().flat_map(|e| e.to_le_bytes()).collect()
    }

    #[test]
    fn finds_every_key_and_nothing_else() {
        let keys: &'static [&'static str] = &[
            "id",
            "node_id",
            "name",
            "full_name",
            "owner",
            "html_url",
            "a",
            "zz",
            "12345678",
            "12345679",
            "repository_subscription_url",
            "repository_subscription_urk",
        ];
        let table = KeyTable::new(keys, Box::leak(slots(keys).into_boxed_slice()));
        for (i, key) in keys.iter().enumerate() {
            assert_eq!(table.find(key), i, "{key}");
        }
        for absent in ["", "nam", "ID", "repository_subscription_ur", "12345670"] {
            assert_eq!(table.find(absent), UNKNOWN_KEY, "{absent}");
        }
        // Without slots, every key is looked at.
        let unindexed = KeyTable::new(keys, &[]);
        assert_eq!(unindexed.find("owner"), 4);
        assert_eq!(unindexed.find("nobody"), UNKNOWN_KEY);
        assert_eq!(KeyTable::new(&[], &[]).find("x"), UNKNOWN_KEY);
    }

    #[test]
    fn same_key_compares_every_byte() {
        let long = "repository_subscription_url";
        assert!(same_key(long, "repository_subscription_url"));
        for other in [
            "repository_subscription_urk",
            "xepository_subscription_url",
            "repository_subscriptionXurl",
            "repository_subscription_ur",
        ] {
            assert!(!same_key(long, other), "{other}");
        }
        assert!(same_key("", ""));
        assert!(same_key("id", "id"));
        assert!(!same_key("id", "ie"));
        assert!(!same_key("12345678", "12345679"));
    }
}
