//! Parameter values checked against their schemas, as a real API checks them.
//!
//! Each query, header and path value is decoded from the wire per its
//! parameter's `style` and `explode` (OpenAPI's defaults: `form` with
//! `explode` for query, `simple` without it for path and header), turned into
//! the JSON value its schema's `type` calls for (`limit=abc` for an integer is
//! a violation of its own), then checked like a body (see
//! [`Document::check`]): bounds, lengths, `enum`, array items and sizes, and
//! integer formats' ranges.
//!
//! Not checked: `pattern` (the runtime has no regex engine, and a mock is no
//! reason to add one), object-valued parameters (`deepObject` and friends),
//! parameters described by `content` instead of `schema`, and cookies.

use http::HeaderMap;
use serde_json::{Number, Value};

use super::validate::Document;

/// What a request sent, decoded from percent-encoding, to look parameters up in.
pub(crate) struct Sent<'a> {
    /// Query pairs, names and values decoded.
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: &'a HeaderMap,
    /// Path parameters as the route captured them (still percent-encoded).
    pub(crate) path: &'a [(String, String)],
}

/// Checks one parameter object (already resolved, at `pointer`) against what
/// was sent, pushing a line for each way it breaks the document.
pub(crate) fn check_parameter(
    document: &Document,
    param: &Value,
    pointer: &str,
    sent: &Sent<'_>,
    broken: &mut Vec<String>,
) {
    let (Some(name), Some(location)) = (
        param.get("name").and_then(Value::as_str),
        param.get("in").and_then(Value::as_str),
    ) else {
        return;
    };
    let required = param.get("required").and_then(Value::as_bool) == Some(true);
    let raw = match sent.values(name, location) {
        Found::Missing => {
            if required {
                broken.push(format!(
                    "{pointer}: required {location} parameter `{name}` is missing"
                ));
            }
            return;
        }
        Found::Unchecked => return,
        Found::Values(raw) => raw,
    };
    let Some(schema) = param.get("schema") else {
        return; // described by `content`: not checked
    };
    let schema_ptr = format!("{pointer}/schema");
    let style = Style::of(param, location);
    match typed(document, schema, &schema_ptr, &raw, style) {
        Err((message, at)) => {
            broken.push(format!("{location} parameter {name}: {message} ({at})"));
        }
        Ok(None) => {}
        Ok(Some(value)) => {
            for v in document.check(schema, &schema_ptr, &value) {
                let item = v.at.strip_prefix('$').unwrap_or(&v.at);
                broken.push(format!(
                    "{location} parameter {name}{item}: {} ({})",
                    v.message, v.pointer
                ));
            }
        }
    }
}

// ===== internal =====

/// What was sent for one parameter.
enum Found {
    Missing,
    /// Present, in a shape not checked here (`deepObject`, a cookie).
    Unchecked,
    /// The raw values, percent-decoded: one per query pair or header line.
    Values(Vec<String>),
}

impl Sent<'_> {
    fn values(&self, name: &str, location: &str) -> Found {
        match location {
            "query" => {
                let values: Vec<String> = self
                    .query
                    .iter()
                    .filter(|(key, _)| key == name)
                    .map(|(_, value)| value.clone())
                    .collect();
                let nested = format!("{name}[");
                if !values.is_empty() {
                    Found::Values(values)
                } else if self.query.iter().any(|(key, _)| key.starts_with(&nested)) {
                    Found::Unchecked
                } else {
                    Found::Missing
                }
            }
            "header" => {
                let values: Vec<String> = self
                    .headers
                    .get_all(name)
                    .iter()
                    .filter_map(|v| v.to_str().ok())
                    .map(str::to_owned)
                    .collect();
                if values.is_empty() {
                    Found::Missing
                } else {
                    Found::Values(values)
                }
            }
            "path" => match self.path.iter().find(|(n, _)| n == name) {
                Some((_, raw)) => Found::Values(vec![decode(raw)]),
                // The route matched without it: the template names it otherwise.
                None => Found::Unchecked,
            },
            _ => Found::Unchecked,
        }
    }
}

/// How an array (or a prefixed path value) is written on the wire.
#[derive(Clone, Copy)]
struct Style {
    /// What separates an array's items in one value, when they share one.
    separator: Option<char>,
    /// `label` (`.a,b`) or `matrix` (`;name=a,b`) path values carry a prefix.
    prefix: Prefix,
}

#[derive(Clone, Copy)]
enum Prefix {
    None,
    Label,
    Matrix,
}

impl Style {
    fn of(param: &Value, location: &str) -> Style {
        let style = param.get("style").and_then(Value::as_str);
        let style = style.unwrap_or(if location == "query" {
            "form"
        } else {
            "simple"
        });
        let explode = param
            .get("explode")
            .and_then(Value::as_bool)
            .unwrap_or(style == "form");
        // An exploded query array repeats its name; anything else shares one value.
        let separator = match style {
            _ if explode && location == "query" => None,
            "spaceDelimited" => Some(' '),
            "pipeDelimited" => Some('|'),
            "label" if explode => Some('.'),
            "matrix" if explode => Some(';'),
            _ => Some(','),
        };
        let prefix = match style {
            "label" => Prefix::Label,
            "matrix" => Prefix::Matrix,
            _ => Prefix::None,
        };
        Style { separator, prefix }
    }

    /// The value without its `label`/`matrix` prefix.
    fn strip(self, raw: &str) -> &str {
        match self.prefix {
            Prefix::None => raw,
            Prefix::Label => raw.strip_prefix('.').unwrap_or(raw),
            Prefix::Matrix => raw
                .strip_prefix(';')
                .and_then(|rest| rest.split_once('=').map(|(_, value)| value))
                .unwrap_or(raw),
        }
    }
}

/// A violation of a value's type: the message and the pointer of `type`.
type TypeError = (String, String);

/// The JSON value `raw` stands for under `schema`; `None` for shapes not
/// checked (objects).
fn typed(
    document: &Document,
    schema: &Value,
    pointer: &str,
    raw: &[String],
    style: Style,
) -> Result<Option<Value>, TypeError> {
    let (schema, pointer) = document.resolve(schema, pointer);
    match type_of(schema) {
        Some("object") => Ok(None),
        Some("array") => {
            let items: Vec<&str> = match (style.separator, raw) {
                (Some(separator), [one]) => {
                    let one = style.strip(one);
                    if one.is_empty() {
                        Vec::new()
                    } else {
                        one.split(separator).collect()
                    }
                }
                _ => raw.iter().map(|r| style.strip(r)).collect(),
            };
            let Some(item_schema) = schema.get("items") else {
                let strings = items.iter().map(|i| Value::String((*i).to_owned()));
                return Ok(Some(Value::Array(strings.collect())));
            };
            let (item_schema, item_ptr) =
                document.resolve(item_schema, &format!("{pointer}/items"));
            let mut values = Vec::with_capacity(items.len());
            for item in items {
                values.push(scalar(item_schema, &item_ptr, item)?);
            }
            Ok(Some(Value::Array(values)))
        }
        _ => {
            let first = raw.first().map_or("", |r| style.strip(r));
            scalar(schema, &pointer, first).map(Some)
        }
    }
}

/// One wire value as the JSON scalar its (resolved) schema's type asks for.
fn scalar(schema: &Value, pointer: &str, raw: &str) -> Result<Value, TypeError> {
    let wrong = |expected: &str| {
        Err((
            format!("`{raw}` is not {expected}"),
            format!("{pointer}/type"),
        ))
    };
    match type_of(schema) {
        Some("integer") => match integer(raw) {
            Some(number) => Ok(Value::Number(number)),
            None => wrong("an integer"),
        },
        Some("number") => match raw.parse::<f64>().ok().and_then(Number::from_f64) {
            Some(number) => Ok(Value::Number(number)),
            None => wrong("a number"),
        },
        Some("boolean") => match raw {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => wrong("a boolean (`true` or `false`)"),
        },
        _ => Ok(Value::String(raw.to_owned())),
    }
}

/// An integer as written: within `i64`/`u64` exactly, else (beyond them) as a float.
fn integer(raw: &str) -> Option<Number> {
    if let Ok(n) = raw.parse::<i64>() {
        return Some(n.into());
    }
    if let Ok(n) = raw.parse::<u64>() {
        return Some(n.into());
    }
    let digits = raw.strip_prefix('-').unwrap_or(raw);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    raw.parse::<f64>().ok().and_then(Number::from_f64)
}

/// The schema's type; of 3.1's list, the first that is not `null`.
fn type_of(schema: &Value) -> Option<&str> {
    match schema.get("type")? {
        Value::String(ty) => Some(ty),
        Value::Array(list) => list.iter().filter_map(Value::as_str).find(|t| *t != "null"),
        _ => None,
    }
}

fn decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn check(
        param: Value,
        query: &[(&str, &str)],
        headers: &HeaderMap,
        path: &[(String, String)],
    ) -> Vec<String> {
        let document = Document {
            root: json!({"components": {"schemas": {"Small": {"type": "integer", "maximum": 9}}}}),
        };
        let sent = Sent {
            query: query
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            headers,
            path,
        };
        let mut broken = Vec::new();
        check_parameter(&document, &param, "#/p/0", &sent, &mut broken);
        broken
    }

    #[test]
    fn query_values_are_checked_after_decoding() {
        let none = HeaderMap::new();
        let limit =
            json!({"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 250}});
        assert!(check(limit.clone(), &[("limit", "250")], &none, &[]).is_empty());
        assert_eq!(
            check(limit.clone(), &[("limit", "1000")], &none, &[]),
            ["query parameter limit: 1000 is above the maximum 250 (#/p/0/schema/maximum)"]
        );
        assert_eq!(
            check(limit, &[("limit", "abc")], &none, &[]),
            ["query parameter limit: `abc` is not an integer (#/p/0/schema/type)"]
        );
        let ids = json!({"name": "ids", "in": "query", "explode": false,
            "schema": {"type": "array", "maxItems": 2, "items": {"$ref": "#/components/schemas/Small"}}});
        assert!(check(ids.clone(), &[("ids", "1,2")], &none, &[]).is_empty());
        let broken = check(ids, &[("ids", "1,20,3")], &none, &[]);
        assert!(
            broken.contains(
                &"query parameter ids: 3 items, more than 2 (#/p/0/schema/maxItems)".to_owned()
            ),
            "{broken:?}"
        );
        assert!(broken.contains(&"query parameter ids[1]: 20 is above the maximum 9 (#/components/schemas/Small/maximum)".to_owned()), "{broken:?}");
    }

    #[test]
    fn header_and_path_values_are_checked() {
        let mut headers = HeaderMap::new();
        headers.insert("x-mode", "loud".parse().unwrap());
        let mode = json!({"name": "X-Mode", "in": "header", "schema": {"type": "string", "enum": ["quiet"]}});
        assert_eq!(
            check(mode, &[], &headers, &[]),
            [r#"header parameter X-Mode: "loud" is not one of ["quiet"] (#/p/0/schema/enum)"#]
        );
        let part =
            json!({"name": "part", "in": "path", "schema": {"type": "integer", "format": "int32"}});
        let path = [("part".to_owned(), "99999999999".to_owned())];
        assert_eq!(
            check(part, &[], &HeaderMap::new(), &path),
            [
                "path parameter part: 99999999999 is outside the range of its format (-2147483648 to 2147483647) (#/p/0/schema/format)"
            ]
        );
    }
}
