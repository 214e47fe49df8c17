//! [`Binary`]: schema fields of `format: binary`.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// The content of a `format: binary` field (a file in a multipart upload).
///
/// In a multipart body it is sent as a file part; in JSON, where binary content has no
/// standard form, it is read from a string (its UTF-8 bytes) or an array of bytes, and
/// written as a string when it is UTF-8, else as an array of bytes.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Binary(pub Vec<u8>);

impl Binary {
    /// Wraps bytes.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Binary(bytes.into())
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl From<Vec<u8>> for Binary {
    fn from(bytes: Vec<u8>) -> Self {
        Binary(bytes)
    }
}

impl From<&[u8]> for Binary {
    fn from(bytes: &[u8]) -> Self {
        Binary(bytes.to_vec())
    }
}

impl From<&str> for Binary {
    fn from(text: &str) -> Self {
        Binary(text.as_bytes().to_vec())
    }
}

impl fmt::Debug for Binary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Binary({} bytes)", self.0.len())
    }
}

impl Serialize for Binary {
    /// UTF-8 content is written as a string, which is what a `type: string` schema
    /// requires in JSON and what [`Deserialize`] reads back; other bytes as a byte
    /// sequence (a multipart file part takes either form).
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match std::str::from_utf8(&self.0) {
            Ok(text) => serializer.serialize_str(text),
            Err(_) => serializer.serialize_bytes(&self.0),
        }
    }
}

impl<'de> Deserialize<'de> for Binary {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct BinaryVisitor;
        impl<'de> Visitor<'de> for BinaryVisitor {
            type Value = Binary;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or an array of bytes")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Binary, E> {
                Ok(Binary(v.as_bytes().to_vec()))
            }
            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Binary, E> {
                Ok(Binary(v.to_vec()))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Binary, A::Error> {
                let mut out = Vec::new();
                while let Some(byte) = seq.next_element::<u8>()? {
                    out.push(byte);
                }
                Ok(Binary(out))
            }
        }
        deserializer.deserialize_any(BinaryVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_strings_and_byte_arrays() {
        let b: Binary = serde_json::from_str("\"hi\"").unwrap();
        assert_eq!(b.as_bytes(), b"hi");
        let b: Binary = serde_json::from_str("[1,2]").unwrap();
        assert_eq!(b.as_bytes(), &[1, 2]);
        assert_eq!(
            serde_json::to_string(&Binary::from("hi")).unwrap(),
            "\"hi\""
        );
        assert_eq!(
            serde_json::to_string(&Binary::new(vec![0xffu8])).unwrap(),
            "[255]"
        );
        assert_eq!(format!("{:?}", Binary::from("secret")), "Binary(6 bytes)");
    }
}
