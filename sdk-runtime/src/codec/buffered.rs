//! A union's value, held while each of its variants is tried.
//!
//! Why not `serde_json::Value`: building one allocates every key and every string of the
//! value, and map nodes besides, before any variant is tried, and decoding a variant from it
//! copies the strings once more. [`Buffered`] keeps the strings the deserializer lends
//! (serde_json reading a `&str` or `&[u8]` lends every string without escapes) and a map as
//! a list of pairs, so holding a value costs little more than its lists. A variant that does
//! not fit fails with [`Mismatch`], which allocates no message. serde has such a type for its
//! own untagged enums but keeps it private, and the published ones own their strings: hence
//! written here.

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{BorrowedStrDeserializer, MapAccessDeserializer, MapDeserializer};
use serde::de::value::{SeqDeserializer, StrDeserializer};
use serde::de::{self, Deserialize, Deserializer, IntoDeserializer, Visitor};
use serde::forward_to_deserialize_any;

/// A JSON value as read, borrowing from the input where the deserializer allows.
#[derive(Debug, Clone, PartialEq)]
pub enum Buffered<'de> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A non-negative integer.
    U64(u64),
    /// A negative integer.
    I64(i64),
    /// Any other number.
    F64(f64),
    /// A string lent by the input.
    Str(&'de str),
    /// A string the deserializer could not lend (it had escapes, or came from a reader).
    String(String),
    /// An array.
    Seq(Vec<Buffered<'de>>),
    /// An object, its entries in the order read (a repeated key appears twice).
    Map(Vec<(Buffered<'de>, Buffered<'de>)>),
}

impl<'de> Buffered<'de> {
    /// Decodes the value as `T`, `None` when it does not fit.
    #[inline]
    pub fn decode<T: Deserialize<'de>>(&self) -> Option<T> {
        T::deserialize(self.deserializer::<Mismatch>()).ok()
    }

    /// A deserializer reading the value, failing with errors of type `E`.
    #[inline]
    pub fn deserializer<E: de::Error>(&self) -> BufferedDeserializer<'_, 'de, E> {
        BufferedDeserializer {
            value: self,
            error: PhantomData,
        }
    }

    /// The value as a `serde_json::Value` (a repeated key keeps its last value).
    pub fn into_json(self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            Buffered::Null => Value::Null,
            Buffered::Bool(b) => Value::Bool(b),
            Buffered::U64(n) => n.into(),
            Buffered::I64(n) => n.into(),
            Buffered::F64(n) => serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number),
            Buffered::Str(s) => Value::String(s.to_owned()),
            Buffered::String(s) => Value::String(s),
            Buffered::Seq(items) => Value::Array(items.into_iter().map(Self::into_json).collect()),
            Buffered::Map(entries) => Value::Object(
                entries
                    .into_iter()
                    .map(|(key, value)| (key.into_key(), value.into_json()))
                    .collect(),
            ),
        }
    }

    /// A map key as a string: JSON keys are strings; other formats' keys as their JSON.
    fn into_key(self) -> String {
        match self {
            Buffered::Str(s) => s.to_owned(),
            Buffered::String(s) => s,
            other => other.into_json().to_string(),
        }
    }
}

impl<'de> Deserialize<'de> for Buffered<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(BufferedVisitor)
    }
}

struct BufferedVisitor;

impl<'de> Visitor<'de> for BufferedVisitor {
    type Value = Buffered<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Self::Value, E> {
        Ok(Buffered::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Self::Value, E> {
        Ok(match u64::try_from(value) {
            Ok(value) => Buffered::U64(value),
            Err(_) => Buffered::I64(value),
        })
    }

    fn visit_u64<E>(self, value: u64) -> Result<Self::Value, E> {
        Ok(Buffered::U64(value))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Self::Value, E> {
        Ok(Buffered::F64(value))
    }

    fn visit_str<E>(self, value: &str) -> Result<Self::Value, E> {
        Ok(Buffered::String(value.to_owned()))
    }

    fn visit_borrowed_str<E>(self, value: &'de str) -> Result<Self::Value, E> {
        Ok(Buffered::Str(value))
    }

    fn visit_string<E>(self, value: String) -> Result<Self::Value, E> {
        Ok(Buffered::String(value))
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Buffered::Null)
    }

    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(Buffered::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        Buffered::deserialize(deserializer)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(256));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Buffered::Seq(items))
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0).min(256));
        while let Some(entry) = map.next_entry()? {
            entries.push(entry);
        }
        Ok(Buffered::Map(entries))
    }
}

/// Reads a [`Buffered`] value, lending its borrowed strings on with the input's lifetime.
pub struct BufferedDeserializer<'a, 'de, E> {
    value: &'a Buffered<'de>,
    error: PhantomData<E>,
}

impl<E> fmt::Debug for BufferedDeserializer<'_, '_, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("BufferedDeserializer")
            .field(self.value)
            .finish()
    }
}

impl<'a, 'de, E: de::Error> BufferedDeserializer<'a, 'de, E> {
    fn entries(
        entries: &'a [(Buffered<'de>, Buffered<'de>)],
    ) -> MapDeserializer<'de, impl Iterator<Item = (Self, Self)> + 'a, E> {
        MapDeserializer::new(
            entries
                .iter()
                .map(|(key, value)| (key.deserializer(), value.deserializer())),
        )
    }
}

impl<'de, E: de::Error> IntoDeserializer<'de, E> for BufferedDeserializer<'_, 'de, E> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

impl<'de, E: de::Error> Deserializer<'de> for BufferedDeserializer<'_, 'de, E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        match self.value {
            Buffered::Null => visitor.visit_unit(),
            Buffered::Bool(b) => visitor.visit_bool(*b),
            Buffered::U64(n) => visitor.visit_u64(*n),
            Buffered::I64(n) => visitor.visit_i64(*n),
            Buffered::F64(n) => visitor.visit_f64(*n),
            Buffered::Str(s) => visitor.visit_borrowed_str(s),
            Buffered::String(s) => visitor.visit_str(s),
            Buffered::Seq(items) => {
                let mut seq = SeqDeserializer::new(items.iter().map(Buffered::deserializer));
                let value = visitor.visit_seq(&mut seq)?;
                seq.end()?;
                Ok(value)
            }
            Buffered::Map(entries) => {
                let mut map = Self::entries(entries);
                let value = visitor.visit_map(&mut map)?;
                map.end()?;
                Ok(value)
            }
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        match self.value {
            Buffered::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, E> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, E> {
        match self.value {
            Buffered::Str(s) => visitor.visit_enum(BorrowedStrDeserializer::new(s)),
            Buffered::String(s) => visitor.visit_enum(StrDeserializer::new(s)),
            Buffered::Map(entries) if entries.len() == 1 => {
                visitor.visit_enum(MapAccessDeserializer::new(Self::entries(entries)))
            }
            _ => self.deserialize_any(visitor),
        }
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

/// The error of a variant that does not fit: no message, so trying costs no allocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mismatch;

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the value does not fit this variant")
    }
}

impl std::error::Error for Mismatch {}

impl de::Error for Mismatch {
    fn custom<T: fmt::Display>(_message: T) -> Self {
        Mismatch
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::BTreeMap;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Pet {
        name: String,
        tags: Vec<String>,
        age: Option<u8>,
        kind: Kind,
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    #[serde(rename_all = "lowercase")]
    enum Kind {
        Cat,
        Dog,
    }

    const PET: &str = r#"{"name":"Rex","tags":["a","b\"c"],"age":null,"kind":"dog","n":-1.5}"#;

    #[test]
    fn lends_strings_without_escapes_and_owns_the_others() {
        let value: Buffered = serde_json::from_str(PET).unwrap();
        let Buffered::Map(entries) = &value else {
            panic!("not a map: {value:?}")
        };
        assert_eq!(entries[0], (Buffered::Str("name"), Buffered::Str("Rex")));
        assert_eq!(
            entries[1].1,
            Buffered::Seq(vec![Buffered::Str("a"), Buffered::String("b\"c".into())])
        );
        assert_eq!(entries[2].1, Buffered::Null);
        assert_eq!(entries[4].1, Buffered::F64(-1.5));
    }

    #[test]
    fn decodes_what_fits_and_rejects_what_does_not() {
        let value: Buffered = serde_json::from_str(PET).unwrap();
        let pet = Pet {
            name: "Rex".into(),
            tags: vec!["a".into(), "b\"c".into()],
            age: None,
            kind: Kind::Dog,
        };
        assert_eq!(value.decode::<Pet>(), Some(pet));
        assert_eq!(value.decode::<String>(), None);
        assert_eq!(value.decode::<Vec<u8>>(), None);
        let map: BTreeMap<String, serde_json::Value> = value.decode().unwrap();
        assert_eq!(map["n"], json!(-1.5));
        // A sequence longer than a tuple is an error, not a silent truncation.
        let pair: Buffered = serde_json::from_str("[1, 2, 3]").unwrap();
        assert_eq!(pair.decode::<(u8, u8)>(), None);
        assert_eq!(pair.decode::<Vec<u8>>(), Some(vec![1, 2, 3]));
    }

    #[test]
    fn converts_to_json_unchanged() {
        let value: Buffered = serde_json::from_str(PET).unwrap();
        let expected: serde_json::Value = serde_json::from_str(PET).unwrap();
        assert_eq!(value.into_json(), expected);
        let numbers = json!([0, -7, 18446744073709551615u64, 2.5, true, {"k": [null]}]);
        let buffered: Buffered = Buffered::deserialize(&numbers).unwrap();
        assert_eq!(buffered.into_json(), numbers);
    }

    #[test]
    fn reads_from_an_owned_value_too() {
        let value = Buffered::deserialize(json!({"k": "v"})).unwrap();
        assert_eq!(
            value,
            Buffered::Map(vec![(
                Buffered::String("k".into()),
                Buffered::String("v".into())
            )])
        );
        assert_eq!(
            value.decode::<BTreeMap<String, String>>().unwrap()["k"],
            "v"
        );
    }
}
