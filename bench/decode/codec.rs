//! What the decode bench's binary needs of one contender's types, as plain function
//! pointers. Each contender's crate instantiates these generic helpers for its own types,
//! so the serde code of every contender is compiled in its own crate, in parallel.

use serde::Serialize;
use serde::de::DeserializeOwned;

/// One contender's type for one payload.
pub struct Codec {
    /// Who made the type: `ours`, `openapi-to-rust`, ...
    pub contender: &'static str,
    /// Which payload it is for: `github`, `stripe` or `docusign`.
    pub payload: &'static str,
    /// Decodes, re-encodes and decodes again one instance of the element type.
    pub accepts_item: fn(&str) -> Result<(), String>,
    /// The same for the whole payload.
    pub accepts_whole: fn(&str) -> Result<(), String>,
    /// Decodes the whole payload; returns something to keep the work observable.
    pub decode: fn(&[u8]) -> usize,
    /// Decodes the whole payload once, and returns a function encoding that value.
    pub encoder: fn(&[u8]) -> Box<dyn Fn() -> usize>,
}

/// A [`Codec`] for `$item` (one instance) and `$whole` (the payload).
#[macro_export]
macro_rules! codec {
    ($contender:literal, $payload:literal, $item:ty, $whole:ty) => {
        $crate::Codec {
            contender: $contender,
            payload: $payload,
            accepts_item: $crate::accepts::<$item>,
            accepts_whole: $crate::accepts::<$whole>,
            decode: $crate::decode::<$whole>,
            encoder: $crate::encoder::<$whole>,
        }
    };
}

pub fn accepts<T: DeserializeOwned + Serialize>(json: &str) -> Result<(), String> {
    let value: T = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let again = serde_json::to_string(&value).map_err(|e| e.to_string())?;
    serde_json::from_str::<T>(&again).map_err(|e| format!("re-encoded: {e}"))?;
    Ok(())
}

pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> usize {
    let value: T = serde_json::from_slice(bytes).expect("the payload decodes");
    std::hint::black_box(&value);
    std::mem::size_of_val(&value)
}

pub fn encoder<T: DeserializeOwned + Serialize + 'static>(bytes: &[u8]) -> Box<dyn Fn() -> usize> {
    let value: T = serde_json::from_slice(bytes).expect("the payload decodes");
    Box::new(move || serde_json::to_vec(std::hint::black_box(&value)).unwrap().len())
}
