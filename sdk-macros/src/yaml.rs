//! YAML into JSON values, for documents from the wild.
//!
//! `serde_yaml`'s own `Value` rejects integers beyond 64 bits (real documents write
//! `minimum: -9223372036854776000`) and JSON objects need string keys (YAML writes
//! `200:`), so YAML is read straight into `serde_json::Value` by [`Json`]: big integers
//! become floats, scalar keys become strings. The parser ignores `<<` merge keys, so
//! [`apply_merge_keys`] applies them afterwards. A key repeated in one mapping takes its
//! last value (see `visit_map`).

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// A JSON value read from YAML.
pub struct Json(pub Value);

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonVisitor).map(Json)
    }
}

/// Merges `<<: *anchor` (a mapping or a list of mappings) into the mapping that holds it;
/// keys the mapping sets itself win.
pub fn apply_merge_keys(value: &mut Value, depth: usize) {
    if depth > 512 {
        return;
    }
    match value {
        Value::Object(map) => {
            if let Some(merge) = map.remove("<<") {
                let sources = match merge {
                    Value::Array(items) => items,
                    other => vec![other],
                };
                for source in sources {
                    if let Value::Object(source) = source {
                        for (k, v) in source {
                            map.entry(k).or_insert(v);
                        }
                    }
                }
            }
            map.values_mut()
                .for_each(|v| apply_merge_keys(v, depth + 1));
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|v| apply_merge_keys(v, depth + 1)),
        _ => {}
    }
}

// ===== internal =====

struct JsonVisitor;

fn float(f: f64) -> Value {
    Number::from_f64(f).map_or(Value::Null, Value::Number)
}

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    #[allow(clippy::cast_precision_loss)] // out-of-range bounds only need their rough size
    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(float(v as f64))
    }
    #[allow(clippy::cast_precision_loss)]
    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(float(v as f64))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Json(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some(Json(key)) = access.next_key()? {
            let key = match key {
                Value::String(s) => s,
                Value::Null => "null".to_owned(),
                other => other.to_string(),
            };
            // YAML forbids duplicate keys, but documents from the wild repeat them, and
            // widely used loaders (PyYAML, SnakeYAML under Swagger's Java tools) keep the
            // last value without a word: the later value wins here too, so the document
            // means what those tools showed its author, and one slip does not sink the
            // whole document. `serde_json` reads duplicate JSON keys the same way. The key
            // keeps the position of its first occurrence.
            let Json(value) = access.next_value()?;
            map.insert(key, value);
        }
        Ok(Value::Object(map))
    }
    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        // A tagged YAML value (`!tag value`): the tag is dropped.
        let (Json(_tag), variant) = data.variant::<Json>()?;
        de::VariantAccess::newtype_variant::<Json>(variant).map(|Json(v)| v)
    }
}
