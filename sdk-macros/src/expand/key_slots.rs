//! The hash table a generated struct finds its keys with (`SLOTS`), built here at compile
//! time: slot `key_hash(key) & (count - 1)`, or the next free one after it, holds the key's
//! index; `count` is a power of two at least four times the keys (a quarter full, a search
//! mostly looks at one slot, and always meets an empty one). It is written as a byte string (two bytes per slot, little endian, `0xFFFF`
//! empty), one token for rustc however many keys there are.
//!
//! `key_hash` must equal the runtime's (`sdk-runtime/src/codec/key_slots.rs`): the macro
//! cannot depend on the runtime, which depends on it, so each crate has a copy and both
//! test the same values.

use proc_macro2::Literal;

const EMPTY: u16 = u16::MAX;

/// The `SLOTS` literal of a struct whose keys are `keys` (field order).
pub fn slots_literal<'k>(keys: impl ExactSizeIterator<Item = &'k str>) -> Literal {
    let bytes: Vec<u8> = slot_table(keys)
        .iter()
        .flat_map(|entry| entry.to_le_bytes())
        .collect();
    Literal::byte_string(&bytes)
}

/// The slots: each key's index at its hash, or after it. More keys than two bytes can
/// index get no table; the runtime then looks at every key.
fn slot_table<'k>(keys: impl ExactSizeIterator<Item = &'k str>) -> Vec<u16> {
    let len = keys.len();
    if len >= usize::from(EMPTY) {
        return Vec::new();
    }
    let count = (len * 4).next_power_of_two().max(4);
    let mask = count - 1;
    let mut table = vec![EMPTY; count];
    for (index, key) in keys.enumerate() {
        let mut slot = (key_hash(key.as_bytes()) as usize) & mask;
        while table[slot] != EMPTY {
            slot = (slot + 1) & mask;
        }
        // `len < EMPTY`, so the index fits.
        table[slot] = index as u16;
    }
    table
}

/// The runtime's key hash (see the module's documentation).
fn key_hash(key: &[u8]) -> u64 {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The runtime's `key_slots` tests check the same values.
    #[test]
    fn key_hash_is_the_runtimes() {
        assert_eq!(key_hash(b""), 0);
        assert_eq!(key_hash(b"id"), 0x6ee5_a2bc_f742_3cc8);
        assert_eq!(key_hash(b"owner"), 0x3efb_8fbe_f32d_6646);
        assert_eq!(key_hash(b"html_url"), 0xea03_79bd_5f86_20eb);
        assert_eq!(
            key_hash(b"repository_subscription_url"),
            0x64b4_5a80_76dd_422e
        );
    }

    #[test]
    fn every_key_is_found_from_its_hash_and_three_quarters_stay_empty() {
        let keys = [
            "id",
            "name",
            "tag",
            "a",
            "b",
            "c",
            "d",
            "e",
            "f",
            "repository_url",
        ];
        let table = slot_table(keys.iter().copied());
        assert_eq!(table.len(), 64); // 10 keys -> 40 -> 64 slots
        for (index, key) in keys.iter().enumerate() {
            // The runtime's search: from the hash's slot to the key or an empty slot.
            let mut slot = (key_hash(key.as_bytes()) as usize) & (table.len() - 1);
            while table[slot] != index as u16 {
                assert_ne!(table[slot], EMPTY, "{key} not found");
                slot = (slot + 1) & (table.len() - 1);
            }
        }
        let empty = table.iter().filter(|&&e| e == EMPTY).count();
        assert_eq!(empty, table.len() - keys.len());
        // Two bytes a slot, little endian.
        let literal = slots_literal(keys.iter().copied()).to_string();
        let bytes: Vec<u8> = table.iter().flat_map(|e| e.to_le_bytes()).collect();
        assert_eq!(literal, Literal::byte_string(&bytes).to_string());
    }

    #[test]
    fn no_keys_still_get_a_table() {
        let literal = slots_literal(std::iter::empty::<&str>());
        assert_eq!(
            literal.to_string(),
            Literal::byte_string(&[0xFF; 8]).to_string()
        );
    }
}
