//! The runtime half of the `Serialize` and `Deserialize` impls generated for a document's
//! types.
//!
//! Why not `#[derive(Serialize, Deserialize)]`: serde's derive writes, for every struct, an
//! identifier enum with its own visitor (three matches over the keys), a visitor for maps
//! *and* one for sequences, and per field a duplicate check, a missing-field branch and a
//! skip condition — about fifteen lines per field, all of which rustc type-checks and
//! borrow-checks in the user's crate on every build. Provider documents declare thousands of
//! fields (DocuSign's has nearly 10,000), and that derived code was four fifths of the time
//! `cargo check` spent on a generated client. The generated impls instead write about four
//! short lines per field that call the helpers below, which exist once.
//!
//! They behave as the derive did with the attributes the macro used to put on the types:
//! keys are matched exactly; unknown keys are skipped (or collected into
//! `additional_properties` when the schema allows them); optional fields may be absent or
//! `null`; a missing required field is serde's "missing field" error; `None` optional
//! fields are left out when serializing. Two deliberate differences: a repeated key keeps
//! its last value (as `serde_json::Value` does) instead of failing, and structs are not read
//! from JSON arrays.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, DeserializeSeed, Visitor};
use serde::ser::{self, SerializeMap, SerializeStruct};

pub use super::buffered::{Buffered, Mismatch};
pub use super::key_slots::{KeyTable, UNKNOWN_KEY};
// The traits generated impls name, so they need one path only.
pub use serde::de::MapAccess;
pub use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A generated struct, read key by key from a map.
///
/// Generated code implements this and forwards `Deserialize::deserialize` to
/// [`deserialize_record`], so the visitor plumbing is written once. Hidden: its impls are
/// machinery, and rustdoc would otherwise list one, with these docs, on the page of every
/// generated struct.
#[doc(hidden)]
pub trait DeserializeRecord: Sized {
    /// What the value should have been, for "invalid type" errors (`"struct <name>"`).
    const EXPECTING: &'static str;

    /// The declared keys, in field order.
    const KEYS: &'static [&'static str];

    /// The hash table that finds a key's index (see `KeyTable` in `key_slots.rs`).
    const SLOTS: &'static [u8];

    /// Reads the struct's fields.
    fn visit<'de, A: MapAccess<'de>>(reader: RecordReader<A>) -> Result<Self, A::Error>;
}

/// Deserializes a generated struct from a map.
pub fn deserialize_record<'de, T, D>(deserializer: D) -> Result<T, D::Error>
where
    T: DeserializeRecord,
    D: Deserializer<'de>,
{
    deserializer.deserialize_map(RecordVisitor(PhantomData))
}

struct RecordVisitor<T>(PhantomData<T>);

impl<'de, T: DeserializeRecord> Visitor<'de> for RecordVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::visit(RecordReader::new(map, KeyTable::new(T::KEYS, T::SLOTS)))
    }
}

/// Reads a generated struct's map: finds each key among the declared ones and reads its
/// value into the field's slot.
pub struct RecordReader<A> {
    map: A,
    keys: KeyTable,
}

impl<A> fmt::Debug for RecordReader<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordReader")
            .field("keys", &self.keys)
            .finish_non_exhaustive()
    }
}

impl<'de, A: MapAccess<'de>> RecordReader<A> {
    /// Reads `map`, whose declared keys `keys` finds.
    pub fn new(map: A, keys: KeyTable) -> Self {
        RecordReader { map, keys }
    }

    /// The next key's index in `keys`: `Some(index)`, `Some(UNKNOWN_KEY)` for a key the
    /// struct does not declare, `None` after the last key.
    #[inline]
    pub fn next_key(&mut self) -> Result<Option<usize>, A::Error> {
        self.map.next_key_seed(KeyIndex { keys: self.keys })
    }

    /// Like [`next_key`](Self::next_key), but returns an undeclared key by name
    /// (`Err(name)`), for structs that collect them into `additional_properties`.
    #[inline]
    pub fn next_key_or_name(&mut self) -> Result<Option<Result<usize, String>>, A::Error> {
        self.map.next_key_seed(KeyOrName { keys: self.keys })
    }

    /// Reads the value of a required key into its slot (a repeated key keeps the last value).
    #[inline]
    pub fn value<T: Deserialize<'de>>(&mut self, slot: &mut Option<T>) -> Result<(), A::Error> {
        *slot = Some(self.map.next_value()?);
        Ok(())
    }

    /// Reads the value of an optional key (its slot starts at the default, e.g. `None`).
    #[inline]
    pub fn set<T: Deserialize<'de>>(&mut self, slot: &mut T) -> Result<(), A::Error> {
        *slot = self.map.next_value()?;
        Ok(())
    }

    /// Checks that every required key was read: `(read, key)` per required field, in order.
    #[inline]
    pub fn require(&self, fields: &[(bool, &'static str)]) -> Result<(), A::Error> {
        match fields.iter().find(|(read, _)| !read) {
            Some((_, key)) => Err(de::Error::missing_field(key)),
            None => Ok(()),
        }
    }

    /// Reads and drops the value of an undeclared key.
    #[inline]
    pub fn skip(&mut self) -> Result<(), A::Error> {
        self.map.next_value::<de::IgnoredAny>().map(|_| ())
    }

    /// Reads the value of an undeclared key into `additional_properties`.
    pub fn extra<T: Deserialize<'de>>(
        &mut self,
        extra: &mut BTreeMap<String, T>,
        key: String,
    ) -> Result<(), A::Error> {
        let value = self.map.next_value()?;
        extra.insert(key, value);
        Ok(())
    }
}

/// The value of a required key that [`RecordReader::require`] found.
#[inline]
pub fn take<T>(slot: Option<T>) -> T {
    slot.expect("RecordReader::require checked that the key was read")
}

/// Finds a key's index without allocating when the deserializer can lend the key.
struct KeyIndex {
    keys: KeyTable,
}

impl<'de> DeserializeSeed<'de> for KeyIndex {
    type Value = usize;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl Visitor<'_> for KeyIndex {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<usize, E> {
        Ok(self.keys.find(key))
    }

    fn visit_bytes<E: de::Error>(self, key: &[u8]) -> Result<usize, E> {
        Ok(std::str::from_utf8(key).map_or(UNKNOWN_KEY, |key| self.keys.find(key)))
    }
}

/// [`KeyIndex`] that keeps undeclared keys.
struct KeyOrName {
    keys: KeyTable,
}

impl<'de> DeserializeSeed<'de> for KeyOrName {
    type Value = Result<usize, String>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl Visitor<'_> for KeyOrName {
    type Value = Result<usize, String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        match self.keys.find(key) {
            UNKNOWN_KEY => Ok(Err(key.to_owned())),
            index => Ok(Ok(index)),
        }
    }

    fn visit_bytes<E: de::Error>(self, key: &[u8]) -> Result<Self::Value, E> {
        match std::str::from_utf8(key) {
            Ok(key) => self.visit_str(key),
            Err(_) => Err(E::invalid_value(de::Unexpected::Bytes(key), &self)),
        }
    }
}

/// Writes a generated struct: as a struct, or as a map when it carries
/// `additional_properties` (their keys are not known at compile time).
///
/// The first error is kept and returned by [`end`](Self::end); later writes are skipped. This
/// spares generated code a `?` per field.
pub struct Record<S: Serializer> {
    state: RecordState<S>,
    error: Option<S::Error>,
}

enum RecordState<S: Serializer> {
    Struct(S::SerializeStruct),
    Map(S::SerializeMap),
}

impl<S: Serializer> fmt::Debug for Record<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Record")
            .field("failed", &self.error.is_some())
            .finish_non_exhaustive()
    }
}

impl<S: Serializer> Record<S> {
    /// Starts a struct that will write `len` fields.
    pub fn begin(serializer: S, name: &'static str, len: usize) -> Result<Self, S::Error> {
        let state = RecordState::Struct(serializer.serialize_struct(name, len)?);
        Ok(Record { state, error: None })
    }

    /// Starts a struct with additional properties.
    pub fn begin_map(serializer: S) -> Result<Self, S::Error> {
        let state = RecordState::Map(serializer.serialize_map(None)?);
        Ok(Record { state, error: None })
    }

    /// Writes a field.
    #[inline]
    pub fn field<T: ser::Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        if self.error.is_none() {
            let written = match &mut self.state {
                RecordState::Struct(s) => s.serialize_field(key, value),
                RecordState::Map(m) => m.serialize_entry(key, value),
            };
            self.error = written.err();
        }
    }

    /// Writes an optional field, or leaves it out when it is `None`.
    #[inline]
    pub fn optional<T: ser::Serialize>(&mut self, key: &'static str, value: &Option<T>) {
        match (value, &mut self.state) {
            (Some(value), _) => self.field(key, value),
            (None, RecordState::Struct(s)) if self.error.is_none() => {
                self.error = s.skip_field(key).err();
            }
            (None, _) => {}
        }
    }

    /// Writes the additional properties.
    pub fn extra<T: ser::Serialize>(&mut self, extra: &BTreeMap<String, T>) {
        if self.error.is_some() {
            return;
        }
        self.error = match &mut self.state {
            RecordState::Map(m) => extra.iter().try_for_each(|(k, v)| m.serialize_entry(k, v)),
            RecordState::Struct(_) => Err(ser::Error::custom("additional properties in a struct")),
        }
        .err();
    }

    /// Finishes the struct, or returns the first error.
    pub fn end(self) -> Result<S::Ok, S::Error> {
        if let Some(error) = self.error {
            return Err(error);
        }
        match self.state {
            RecordState::Struct(s) => s.end(),
            RecordState::Map(m) => m.end(),
        }
    }
}

/// 1 when an optional field will be written, for [`Record::begin`]'s length.
#[inline]
pub fn present<T>(value: &Option<T>) -> usize {
    usize::from(value.is_some())
}

/// Deserializes a string enum: known values by `T: From<&str>`, which keeps unknown ones.
pub fn deserialize_string_enum<'de, T, D>(deserializer: D) -> Result<T, D::Error>
where
    T: for<'s> From<&'s str>,
    D: Deserializer<'de>,
{
    deserializer.deserialize_str(StringEnumVisitor(PhantomData))
}

struct StringEnumVisitor<T>(PhantomData<T>);

impl<T: for<'s> From<&'s str>> Visitor<'_> for StringEnumVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<T, E> {
        Ok(T::from(value))
    }
}

/// Buffers a union's value, so each variant can be tried in turn.
pub fn buffer<'de, D: Deserializer<'de>>(deserializer: D) -> Result<serde_json::Value, D::Error> {
    serde_json::Value::deserialize(deserializer)
}

/// The value of a discriminator property, for generated `oneOf` decoders and webhook events.
pub fn discriminator<'v>(value: &'v serde_json::Value, property: &str) -> Option<&'v str> {
    value.get(property).and_then(serde_json::Value::as_str)
}

/// Decodes a buffered JSON value inside a generated `Deserialize` impl.
pub fn from_value<T: DeserializeOwned, E: de::Error>(
    value: serde_json::Value,
) -> core::result::Result<T, E> {
    serde_json::from_value(value).map_err(E::custom)
}

/// Buffers an untagged union's value, so each variant can be tried in turn (lending the
/// input's strings; see [`Buffered`]).
pub fn buffer_untagged<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Buffered<'de>, D::Error> {
    Buffered::deserialize(deserializer)
}

/// Decodes a buffered value as one variant of an untagged union, `None` when it does not fit.
#[inline]
pub fn try_variant<'de, T: Deserialize<'de>>(value: &Buffered<'de>) -> Option<T> {
    value.decode()
}

/// `Debug` of a generated struct or union: its name and its JSON (`{:#?}` pretty-prints).
///
/// Written through `Serialize` rather than derived, because a derived `Debug` is one more
/// line of checked code per field, and the JSON is what the API sent anyway.
pub fn debug<T: ser::Serialize>(value: &T, name: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let json = if f.alternate() {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    };
    match json {
        Ok(json) => write!(f, "{name} {json}"),
        Err(_) => write!(f, "{name} {{ .. }}"),
    }
}

/// `PartialEq` of a generated struct or union: equal when their JSON is equal.
pub fn same_json<T: ser::Serialize>(a: &T, b: &T) -> bool {
    match (serde_json::to_value(a), serde_json::to_value(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
