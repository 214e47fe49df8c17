//! [`Node`]: a parameter or body value after serde, before rendering.
//!
//! Generated code passes parameters and form/multipart bodies as `impl
//! Serialize`; [`Node::from_serialize`] captures them with a small serde
//! `Serializer` instead of going through `serde_json::Value`, for two reasons:
//!
//! * **Field order.** `serde_json::Value` (without `preserve_order`) sorts
//!   object keys. Order is visible on the wire in form and multipart bodies and
//!   `deepObject` queries, and some servers depend on it (upload endpoints that
//!   want metadata parts before the file part).
//! * **Bytes.** `serialize_bytes` becomes one [`Node::Bytes`] buffer, not a
//!   JSON array with a node per byte, so a 10 MiB upload stays 10 MiB.

use std::fmt;

use serde::ser::{self, Serialize, Serializer};

/// A serialized value with object fields in their original order.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Node {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(String),
    Bytes(Vec<u8>),
    Array(Vec<Node>),
    Object(Vec<(String, Node)>),
}

/// Why a value could not be captured (a custom `Serialize` error, or a map
/// key that is not a string, number or boolean).
#[derive(Debug)]
pub(crate) struct NodeError(String);

impl Node {
    /// Captures `value`, keeping field order.
    pub(crate) fn from_serialize(value: &impl Serialize) -> Result<Node, NodeError> {
        value.serialize(NodeSerializer)
    }

    pub(crate) fn is_null(&self) -> bool {
        matches!(self, Node::Null)
    }

    /// A scalar as text (bytes as lossy UTF-8); `None` for null, arrays and objects.
    pub(crate) fn scalar(&self) -> Option<String> {
        match self {
            Node::String(s) => Some(s.clone()),
            Node::Number(n) => Some(n.to_string()),
            Node::Bool(b) => Some(b.to_string()),
            Node::Bytes(b) => Some(String::from_utf8_lossy(b).into_owned()),
            Node::Null | Node::Array(_) | Node::Object(_) => None,
        }
    }

    /// A scalar, or JSON text for null, arrays and objects.
    pub(crate) fn text(&self) -> String {
        self.scalar()
            .unwrap_or_else(|| serde_json::to_string(self).unwrap_or_default())
    }
}

impl fmt::Display for NodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for NodeError {}

impl ser::Error for NodeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        NodeError(msg.to_string())
    }
}

/// Writes a node back out, e.g. as JSON text for a nested multipart field.
impl Serialize for Node {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use ser::{SerializeMap, SerializeSeq};
        match self {
            Node::Null => serializer.serialize_unit(),
            Node::Bool(b) => serializer.serialize_bool(*b),
            Node::Number(n) => n.serialize(serializer),
            Node::String(s) => serializer.serialize_str(s),
            Node::Bytes(b) => serializer.serialize_bytes(b),
            Node::Array(values) => {
                let mut seq = serializer.serialize_seq(Some(values.len()))?;
                for v in values {
                    seq.serialize_element(v)?;
                }
                seq.end()
            }
            Node::Object(fields) => {
                let mut map = serializer.serialize_map(Some(fields.len()))?;
                for (k, v) in fields {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

// ===== internal =====

struct NodeSerializer;

type R = Result<Node, NodeError>;

fn number(n: impl Into<serde_json::Number>) -> R {
    Ok(Node::Number(n.into()))
}

impl Serializer for NodeSerializer {
    type Ok = Node;
    type Error = NodeError;
    type SerializeSeq = Seq;
    type SerializeTuple = Seq;
    type SerializeTupleStruct = Seq;
    type SerializeTupleVariant = Variant<Seq>;
    type SerializeMap = Map;
    type SerializeStruct = Map;
    type SerializeStructVariant = Variant<Map>;

    fn serialize_bool(self, v: bool) -> R {
        Ok(Node::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> R {
        number(v)
    }
    fn serialize_i16(self, v: i16) -> R {
        number(v)
    }
    fn serialize_i32(self, v: i32) -> R {
        number(v)
    }
    fn serialize_i64(self, v: i64) -> R {
        number(v)
    }
    fn serialize_i128(self, v: i128) -> R {
        i64::try_from(v)
            .map_err(|_| NodeError(format!("{v} does not fit in 64 bits")))
            .and_then(number)
    }
    fn serialize_u8(self, v: u8) -> R {
        number(v)
    }
    fn serialize_u16(self, v: u16) -> R {
        number(v)
    }
    fn serialize_u32(self, v: u32) -> R {
        number(v)
    }
    fn serialize_u64(self, v: u64) -> R {
        number(v)
    }
    fn serialize_u128(self, v: u128) -> R {
        u64::try_from(v)
            .map_err(|_| NodeError(format!("{v} does not fit in 64 bits")))
            .and_then(number)
    }
    fn serialize_f32(self, v: f32) -> R {
        self.serialize_f64(f64::from(v))
    }
    // Like serde_json: NaN and infinities have no JSON form and become null.
    fn serialize_f64(self, v: f64) -> R {
        Ok(serde_json::Number::from_f64(v).map_or(Node::Null, Node::Number))
    }
    fn serialize_char(self, v: char) -> R {
        Ok(Node::String(v.to_string()))
    }
    fn serialize_str(self, v: &str) -> R {
        Ok(Node::String(v.to_owned()))
    }
    fn serialize_bytes(self, v: &[u8]) -> R {
        Ok(Node::Bytes(v.to_vec()))
    }
    fn serialize_none(self) -> R {
        Ok(Node::Null)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> R {
        value.serialize(self)
    }
    fn serialize_unit(self) -> R {
        Ok(Node::Null)
    }
    fn serialize_unit_struct(self, _name: &'static str) -> R {
        Ok(Node::Null)
    }
    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> R {
        Ok(Node::String(variant.to_owned()))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _name: &'static str, value: &T) -> R {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> R {
        Ok(Node::Object(vec![(
            variant.to_owned(),
            value.serialize(self)?,
        )]))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Seq, NodeError> {
        Ok(Seq(Vec::with_capacity(len.unwrap_or(0).min(4096))))
    }
    fn serialize_tuple(self, len: usize) -> Result<Seq, NodeError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Seq, NodeError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Variant<Seq>, NodeError> {
        Ok(Variant(variant, self.serialize_seq(Some(len))?))
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Map, NodeError> {
        Ok(Map {
            fields: Vec::with_capacity(len.unwrap_or(0).min(256)),
            key: None,
        })
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Map, NodeError> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Variant<Map>, NodeError> {
        Ok(Variant(variant, self.serialize_map(Some(len))?))
    }
}

struct Seq(Vec<Node>);

struct Map {
    fields: Vec<(String, Node)>,
    key: Option<String>,
}

/// An enum variant with data: `{"Variant": data}`, as serde_json writes it.
struct Variant<T>(&'static str, T);

impl ser::SerializeSeq for Seq {
    type Ok = Node;
    type Error = NodeError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), NodeError> {
        self.0.push(value.serialize(NodeSerializer)?);
        Ok(())
    }
    fn end(self) -> R {
        Ok(Node::Array(self.0))
    }
}

impl ser::SerializeTuple for Seq {
    type Ok = Node;
    type Error = NodeError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), NodeError> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> R {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleStruct for Seq {
    type Ok = Node;
    type Error = NodeError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), NodeError> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> R {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleVariant for Variant<Seq> {
    type Ok = Node;
    type Error = NodeError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), NodeError> {
        ser::SerializeSeq::serialize_element(&mut self.1, value)
    }
    fn end(self) -> R {
        Ok(Node::Object(vec![(
            self.0.to_owned(),
            Node::Array(self.1.0),
        )]))
    }
}

impl ser::SerializeMap for Map {
    type Ok = Node;
    type Error = NodeError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), NodeError> {
        let key = match key.serialize(NodeSerializer)? {
            Node::String(s) => s,
            scalar @ (Node::Number(_) | Node::Bool(_)) => scalar.text(),
            _ => {
                return Err(NodeError(
                    "a map key must be a string, number or boolean".to_owned(),
                ));
            }
        };
        self.key = Some(key);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), NodeError> {
        let key = self
            .key
            .take()
            .ok_or_else(|| NodeError("map value without a key".to_owned()))?;
        self.fields.push((key, value.serialize(NodeSerializer)?));
        Ok(())
    }
    fn end(self) -> R {
        Ok(Node::Object(self.fields))
    }
}

impl ser::SerializeStruct for Map {
    type Ok = Node;
    type Error = NodeError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), NodeError> {
        self.fields
            .push((key.to_owned(), value.serialize(NodeSerializer)?));
        Ok(())
    }
    fn end(self) -> R {
        Ok(Node::Object(self.fields))
    }
}

impl ser::SerializeStructVariant for Variant<Map> {
    type Ok = Node;
    type Error = NodeError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), NodeError> {
        ser::SerializeStruct::serialize_field(&mut self.1, key, value)
    }
    fn end(self) -> R {
        Ok(Node::Object(vec![(
            self.0.to_owned(),
            Node::Object(self.1.fields),
        )]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Pet {
        zebra_name: &'static str,
        age: Option<u8>,
        #[serde(skip_serializing_if = "Option::is_none")]
        skipped: Option<u8>,
        kind: Kind,
        file: bytes::Bytes,
    }

    #[derive(serde::Serialize)]
    enum Kind {
        Cat,
    }

    #[test]
    fn keeps_order_and_bytes() {
        let pet = Pet {
            zebra_name: "z",
            age: None,
            skipped: None,
            kind: Kind::Cat,
            file: bytes::Bytes::from_static(b"\x00"),
        };
        let node = Node::from_serialize(&pet).unwrap();
        assert_eq!(
            node,
            Node::Object(vec![
                ("zebraName".into(), Node::String("z".into())),
                ("age".into(), Node::Null),
                ("kind".into(), Node::String("Cat".into())),
                ("file".into(), Node::Bytes(vec![0])),
            ])
        );
        assert_eq!(
            serde_json::to_string(&node).unwrap(),
            r#"{"zebraName":"z","age":null,"kind":"Cat","file":[0]}"#
        );
    }

    #[test]
    fn map_keys_must_be_scalars() {
        let ok: BTreeMap<u8, bool> = [(1, true)].into();
        assert_eq!(
            Node::from_serialize(&ok).unwrap(),
            Node::Object(vec![("1".into(), Node::Bool(true))])
        );
        let bad: BTreeMap<Vec<u8>, u8> = [(vec![1], 1)].into();
        assert!(Node::from_serialize(&bad).is_err());
        assert_eq!(Node::from_serialize(&f64::NAN).unwrap(), Node::Null);
    }
}
