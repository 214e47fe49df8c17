//! Checks a JSON value against a schema of the document, naming the JSON
//! pointer of the schema each violation breaks.
//!
//! Written here rather than taken from a JSON Schema crate: the document the
//! mock reads may be in OpenAPI 3.0's schema dialect (`nullable`, boolean
//! `exclusiveMinimum`, `discriminator`), which those crates do not read, and
//! a mock needs only the checks below: `$ref`, `type`, `nullable`, `enum`,
//! `required`, `properties`, `additionalProperties`, `items`, `allOf`,
//! `anyOf`/`oneOf` (one branch must hold), lengths, sizes, bounds and the
//! ranges of integer formats (`int32`, `int64`). Not `pattern`: the runtime
//! has no regex engine, and a mock is no reason to add one.

use serde_json::Value;

/// How deep a value or a `$ref` chain is followed before the check gives up
/// (and passes): documents can be recursive.
const MAX_DEPTH: usize = 64;

/// One way a value breaks a schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Violation {
    /// The JSON pointer of the schema (or part of the document) broken.
    pub(crate) pointer: String,
    /// Where in the value: `$.items[2].name`.
    pub(crate) at: String,
    pub(crate) message: String,
}

/// The document, to resolve `$ref`s.
pub(crate) struct Document {
    pub(crate) root: Value,
}

impl Document {
    /// The node at a JSON pointer written `#/a/b`.
    pub(crate) fn at(&self, pointer: &str) -> Option<&Value> {
        self.root
            .pointer(pointer.strip_prefix('#').unwrap_or(pointer))
    }

    /// Follows `$ref`s from `node` (at `pointer`) to a node that is not one.
    pub(crate) fn resolve<'a>(&'a self, mut node: &'a Value, pointer: &str) -> (&'a Value, String) {
        let mut pointer = pointer.to_owned();
        for _ in 0..MAX_DEPTH {
            let Some(target) = node.get("$ref").and_then(Value::as_str) else {
                break;
            };
            match self.at(target) {
                Some(next) => {
                    node = next;
                    pointer = target.to_owned();
                }
                None => break,
            }
        }
        (node, pointer)
    }

    /// Every way `value` breaks the schema at `pointer`.
    pub(crate) fn check(&self, schema: &Value, pointer: &str, value: &Value) -> Vec<Violation> {
        let mut out = Vec::new();
        self.walk(schema, pointer, value, "$", 0, &mut out);
        out
    }

    fn walk(
        &self,
        schema: &Value,
        pointer: &str,
        value: &Value,
        at: &str,
        depth: usize,
        out: &mut Vec<Violation>,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        let (schema, pointer) = self.resolve(schema, pointer);
        let Some(obj) = schema.as_object() else {
            return; // `true`, `{}` or something the normalizer left: anything goes
        };
        let fail = |out: &mut Vec<Violation>, key: &str, message: String| {
            out.push(Violation {
                pointer: format!("{pointer}/{key}"),
                at: at.to_owned(),
                message,
            });
        };
        if value.is_null() {
            let allowed = obj.get("nullable").and_then(Value::as_bool) == Some(true)
                || !obj.contains_key("type")
                || obj
                    .get("type")
                    .and_then(Value::as_array)
                    .is_some_and(|t| t.iter().any(|t| t == "null"))
                || obj
                    .get("enum")
                    .and_then(Value::as_array)
                    .is_some_and(|e| e.contains(&Value::Null));
            if !allowed {
                fail(out, "type", "null is not allowed here".to_owned());
            }
            return;
        }
        if let Some(all) = obj.get("allOf").and_then(Value::as_array) {
            for (i, branch) in all.iter().enumerate() {
                self.walk(
                    branch,
                    &format!("{pointer}/allOf/{i}"),
                    value,
                    at,
                    depth + 1,
                    out,
                );
            }
        }
        for key in ["anyOf", "oneOf"] {
            if let Some(branches) = obj.get(key).and_then(Value::as_array) {
                let holds = branches.iter().enumerate().any(|(i, branch)| {
                    let mut inner = Vec::new();
                    self.walk(
                        branch,
                        &format!("{pointer}/{key}/{i}"),
                        value,
                        at,
                        depth + 1,
                        &mut inner,
                    );
                    inner.is_empty()
                });
                if !holds && !branches.is_empty() {
                    fail(out, key, "matches none of the alternatives".to_owned());
                }
            }
        }
        if let Some(values) = obj.get("enum").and_then(Value::as_array)
            && !values.contains(value)
        {
            fail(
                out,
                "enum",
                format!("{value} is not one of {}", Value::Array(values.clone())),
            );
        }
        // 3.0's one type, or 3.1's list of them.
        let types: Vec<&str> = match obj.get("type") {
            Some(Value::String(ty)) => vec![ty.as_str()],
            Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if !types.is_empty() && !types.iter().any(|ty| is_type(ty, value)) {
            fail(
                out,
                "type",
                format!("expected {}, found {}", types.join(" or "), kind(value)),
            );
            return;
        }
        match value {
            Value::Object(map) => {
                if let Some(required) = obj.get("required").and_then(Value::as_array) {
                    for name in required.iter().filter_map(Value::as_str) {
                        if !map.contains_key(name) {
                            fail(out, "required", format!("property `{name}` is required"));
                        }
                    }
                }
                let properties = obj.get("properties").and_then(Value::as_object);
                for (name, item) in map {
                    let item_at = format!("{at}.{name}");
                    match properties.and_then(|p| p.get(name)) {
                        Some(property) => {
                            let property_ptr = format!("{pointer}/properties/{}", escape(name));
                            self.walk(property, &property_ptr, item, &item_at, depth + 1, out);
                        }
                        None => match obj.get("additionalProperties") {
                            Some(Value::Bool(false)) => out.push(Violation {
                                pointer: format!("{pointer}/additionalProperties"),
                                at: item_at,
                                message: format!("property `{name}` is not allowed"),
                            }),
                            Some(extra @ Value::Object(_)) => {
                                let extra_ptr = format!("{pointer}/additionalProperties");
                                self.walk(extra, &extra_ptr, item, &item_at, depth + 1, out);
                            }
                            _ => {}
                        },
                    }
                }
            }
            Value::Array(items) => {
                bound(
                    obj,
                    "minItems",
                    "maxItems",
                    items.len(),
                    "items",
                    &mut |key, message| fail(out, key, message),
                );
                if let Some(schema) = obj.get("items") {
                    for (i, item) in items.iter().enumerate() {
                        self.walk(
                            schema,
                            &format!("{pointer}/items"),
                            item,
                            &format!("{at}[{i}]"),
                            depth + 1,
                            out,
                        );
                    }
                }
            }
            Value::String(text) => {
                bound(
                    obj,
                    "minLength",
                    "maxLength",
                    text.chars().count(),
                    "characters",
                    &mut |key, message| fail(out, key, message),
                );
            }
            Value::Number(number) => {
                if let Some((least, most)) = integer_range(obj)
                    && !number.as_i64().is_some_and(|i| (least..=most).contains(&i))
                    && number.as_f64().is_some_and(|n| n.fract() == 0.0)
                {
                    fail(
                        out,
                        "format",
                        format!("{number} is outside the range of its format ({least} to {most})"),
                    );
                }
                let Some(n) = number.as_f64() else { return };
                let exclusive = |key: &str| obj.get(key).and_then(Value::as_bool) == Some(true);
                if let Some(min) = obj.get("minimum").and_then(Value::as_f64)
                    && (n < min || (exclusive("exclusiveMinimum") && n == min))
                {
                    fail(out, "minimum", format!("{n} is below the minimum {min}"));
                }
                // 3.1 writes an exclusive bound as a number of its own.
                if let Some(min) = obj.get("exclusiveMinimum").and_then(Value::as_f64)
                    && n <= min
                {
                    fail(out, "exclusiveMinimum", format!("{n} is not above {min}"));
                }
                if let Some(max) = obj.get("exclusiveMaximum").and_then(Value::as_f64)
                    && n >= max
                {
                    fail(out, "exclusiveMaximum", format!("{n} is not below {max}"));
                }
                if let Some(max) = obj.get("maximum").and_then(Value::as_f64)
                    && (n > max || (exclusive("exclusiveMaximum") && n == max))
                {
                    fail(out, "maximum", format!("{n} is above the maximum {max}"));
                }
            }
            _ => {}
        }
    }
}

/// `~` and `/` escaped for a JSON pointer segment.
pub(crate) fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

fn bound(
    obj: &serde_json::Map<String, Value>,
    min: &str,
    max: &str,
    len: usize,
    what: &str,
    fail: &mut dyn FnMut(&str, String),
) {
    let limit = |key: &str| {
        obj.get(key)
            .and_then(Value::as_u64)
            .and_then(|n| usize::try_from(n).ok())
    };
    if let Some(least) = limit(min)
        && len < least
    {
        fail(min, format!("{len} {what}, fewer than {least}"));
    }
    if let Some(most) = limit(max)
        && len > most
    {
        fail(max, format!("{len} {what}, more than {most}"));
    }
}

/// The range an integer format (`int32`, `int64`) allows; other formats are not checked.
fn integer_range(obj: &serde_json::Map<String, Value>) -> Option<(i64, i64)> {
    match obj.get("format").and_then(Value::as_str)? {
        "int32" => Some((i64::from(i32::MIN), i64::from(i32::MAX))),
        "int64" => Some((i64::MIN, i64::MAX)),
        _ => None,
    }
}

fn is_type(ty: &str, value: &Value) -> bool {
    match ty {
        "string" => value.is_string(),
        "integer" => value.as_f64().is_some_and(|n| n.fract() == 0.0),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => true,
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn names_the_pointer_of_each_violation() {
        let doc = Document {
            root: json!({"components": {"schemas": {
                "Pet": {"type": "object", "required": ["name"], "additionalProperties": false,
                        "properties": {"name": {"type": "string", "minLength": 1},
                                       "age": {"type": "integer", "minimum": 0, "nullable": true},
                                       "tags": {"type": "array", "items": {"$ref": "#/components/schemas/Tag"}}}},
                "Tag": {"type": "string", "enum": ["a", "b"]}
            }}}),
        };
        let schema = json!({"$ref": "#/components/schemas/Pet"});
        assert!(
            doc.check(
                &schema,
                "#/x",
                &json!({"name": "Rex", "age": null, "tags": ["a"]})
            )
            .is_empty()
        );
        let found = doc.check(
            &schema,
            "#/x",
            &json!({"age": -1, "tags": ["c"], "extra": 1}),
        );
        let pointers: Vec<&str> = found.iter().map(|v| v.pointer.as_str()).collect();
        assert!(
            pointers.contains(&"#/components/schemas/Pet/required"),
            "{found:?}"
        );
        assert!(
            pointers.contains(&"#/components/schemas/Pet/properties/age/minimum"),
            "{found:?}"
        );
        assert!(
            pointers.contains(&"#/components/schemas/Tag/enum"),
            "{found:?}"
        );
        assert!(
            pointers.contains(&"#/components/schemas/Pet/additionalProperties"),
            "{found:?}"
        );
        let tag = found
            .iter()
            .find(|v| v.pointer.ends_with("Tag/enum"))
            .unwrap();
        assert_eq!(tag.at, "$.tags[0]");
    }
}
