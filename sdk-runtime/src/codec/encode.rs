//! Rendering parameter and body values as text, the way OpenAPI 3 describes.
//!
//! Values arrive as a [`Node`] (see [`crate::codec::node`] for why not
//! `serde_json::Value`); this module turns them into path segments, query
//! pairs, header values, form bodies and multipart parts.
//!
//! Percent-encoding leaves only RFC 3986 unreserved characters alone, so a
//! rendered value can never be mistaken for a delimiter (`&`, `=`, `/`, `{`).

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::codec::node::Node;
use crate::contract::QueryStyle;
use crate::types::Bytes;

/// Unreserved characters (RFC 3986) stay; everything else is encoded. Used
/// for path segments, query names and values, and form fields.
pub(crate) const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');
/// Characters a cookie value may not contain (RFC 6265) plus `%`.
pub(crate) const COOKIE: &AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b',')
    .add(b';')
    .add(b'\\')
    .add(b'%');
/// Header values are validated, not encoded (only non-ASCII is escaped).
pub(crate) const NOTHING: &AsciiSet = &AsciiSet::EMPTY;

/// An encoded `name=value` query pair (for API keys sent in the query).
pub(crate) fn query_pair(name: &str, value: &str) -> String {
    format!("{}={}", encode(name, COMPONENT), encode(value, COMPONENT))
}

/// A cookie value with the characters a cookie cannot hold percent-encoded.
pub(crate) fn cookie_value(value: &str) -> String {
    encode(value, COOKIE).to_string()
}

/// `simple` style (path, header and cookie parameters): arrays and flattened
/// objects (`k,v,k2,v2`) joined with `,`.
pub(crate) fn simple(value: &Node, set: &'static AsciiSet) -> String {
    items(value, set).join(",")
}

/// Appends the encoded `name=value` pairs of one query parameter.
pub(crate) fn query_pairs(name: &str, value: &Node, style: QueryStyle, out: &mut Vec<String>) {
    let key = encode(name, COMPONENT).to_string();
    let delimiter = match style {
        QueryStyle::Form => return form_exploded(&key, value, out),
        QueryStyle::DeepObject => {
            let mut pairs = Vec::new();
            flatten(key, value, &mut pairs);
            return out.extend(pairs.into_iter().map(|(n, v)| format!("{n}={v}")));
        }
        QueryStyle::FormNoExplode => ",",
        QueryStyle::SpaceDelimited => "%20",
        QueryStyle::PipeDelimited => "|",
    };
    let is_empty = match value {
        Node::Null => true,
        Node::Array(a) => a.is_empty(),
        Node::Object(o) => o.is_empty(),
        _ => false,
    };
    if !is_empty {
        out.push(format!("{key}={}", items(value, COMPONENT).join(delimiter)));
    }
}

/// Bracket-nests objects and arrays under `prefix` (already encoded):
/// `prefix[k][0]=v`, brackets percent-encoded as form encoding requires.
/// Nulls are skipped.
pub(crate) fn flatten(prefix: String, value: &Node, out: &mut Vec<(String, String)>) {
    match value {
        Node::Null => {}
        Node::Object(fields) => {
            for (k, v) in fields {
                flatten(format!("{prefix}%5B{}%5D", encode(k, COMPONENT)), v, out);
            }
        }
        Node::Array(values) => {
            for (i, v) in values.iter().enumerate() {
                flatten(format!("{prefix}%5B{i}%5D"), v, out);
            }
        }
        scalar => out.push((prefix, item(scalar, COMPONENT))),
    }
}

/// A form body from an object's fields; `None` when it is not an object.
pub(crate) fn form(value: &Node) -> Option<String> {
    let Node::Object(fields) = value else {
        return None;
    };
    let mut pairs = Vec::new();
    for (name, value) in fields {
        flatten(encode(name, COMPONENT).to_string(), value, &mut pairs);
    }
    Some(
        pairs
            .into_iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("&"),
    )
}

/// One multipart part; `Ok(None)` for a null field.
pub(crate) fn multipart_part(
    name: String,
    value: &Node,
    binary: bool,
) -> Result<Option<Part>, String> {
    let data = match (value, binary) {
        (Node::Null, _) => return Ok(None),
        (Node::Bytes(bytes), true) => Bytes::from(bytes.clone()),
        // Bytes written by a serializer that does not call `serialize_bytes`.
        (Node::Array(items), true) => items
            .iter()
            .map(|b| match b {
                Node::Number(n) => n.as_u64().and_then(|b| u8::try_from(b).ok()),
                _ => None,
            })
            .collect::<Option<Vec<u8>>>()
            .map(Bytes::from)
            .ok_or_else(|| format!("multipart field `{name}` is not a byte sequence"))?,
        (other, _) => Bytes::from(other.text()),
    };
    Ok(Some(Part {
        name,
        data,
        file: binary,
    }))
}

// ===== internal =====

fn encode<'a>(s: &'a str, set: &'static AsciiSet) -> percent_encoding::PercentEncode<'a> {
    utf8_percent_encode(s, set)
}

fn item(value: &Node, set: &'static AsciiSet) -> String {
    encode(&value.text(), set).to_string()
}

/// The items of an array, or the flattened `k, v` list of an object.
fn items(value: &Node, set: &'static AsciiSet) -> Vec<String> {
    match value {
        Node::Array(values) => values.iter().map(|v| item(v, set)).collect(),
        Node::Object(fields) => fields
            .iter()
            .flat_map(|(k, v)| [encode(k, set).to_string(), item(v, set)])
            .collect(),
        other => vec![item(other, set)],
    }
}

/// `style: form, explode: true`: one pair per array item, object fields as
/// their own pairs.
fn form_exploded(key: &str, value: &Node, out: &mut Vec<String>) {
    match value {
        Node::Null => {}
        Node::Array(values) => out.extend(
            values
                .iter()
                .map(|v| format!("{key}={}", item(v, COMPONENT))),
        ),
        Node::Object(fields) => out.extend(
            fields
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| format!("{}={}", encode(k, COMPONENT), item(v, COMPONENT))),
        ),
        other => out.push(format!("{key}={}", item(other, COMPONENT))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn node(v: serde_json::Value) -> Node {
        Node::from_serialize(&v).unwrap()
    }

    #[test]
    fn binary_parts_take_bytes_or_strings() {
        let part = multipart_part("f".into(), &Node::Bytes(vec![1, 2]), true)
            .unwrap()
            .unwrap();
        assert_eq!((&part.data[..], part.file), (&[1u8, 2][..], true));
        let part = multipart_part("f".into(), &node(json!("text")), true)
            .unwrap()
            .unwrap();
        assert_eq!(&part.data[..], b"text");
    }

    fn q(value: serde_json::Value, style: QueryStyle) -> String {
        let mut out = Vec::new();
        query_pairs("p", &node(value), style, &mut out);
        out.join("&")
    }

    #[test]
    fn query_styles() {
        let arr = json!(["a b", "c,d"]);
        assert_eq!(q(arr.clone(), QueryStyle::Form), "p=a%20b&p=c%2Cd");
        assert_eq!(q(arr.clone(), QueryStyle::FormNoExplode), "p=a%20b,c%2Cd");
        assert_eq!(
            q(arr.clone(), QueryStyle::SpaceDelimited),
            "p=a%20b%20c%2Cd"
        );
        assert_eq!(q(arr, QueryStyle::PipeDelimited), "p=a%20b|c%2Cd");
        assert_eq!(q(json!([]), QueryStyle::FormNoExplode), "");
        assert_eq!(q(json!(null), QueryStyle::Form), "");
        assert_eq!(
            q(json!({"x": 1, "y": true}), QueryStyle::Form),
            "x=1&y=true"
        );
        assert_eq!(
            q(json!({"x": 1, "y": true}), QueryStyle::FormNoExplode),
            "p=x,1,y,true"
        );
    }

    #[derive(serde::Serialize)]
    struct Ordered {
        zebra: u8,
        apple: Inner,
    }

    #[derive(serde::Serialize)]
    struct Inner {
        z: &'static str,
        a: [u8; 2],
    }

    #[test]
    fn field_order_is_kept() {
        let v = Ordered {
            zebra: 1,
            apple: Inner { z: "x", a: [1, 2] },
        };
        let node = Node::from_serialize(&v).unwrap();
        assert_eq!(
            form(&node).unwrap(),
            "zebra=1&apple%5Bz%5D=x&apple%5Ba%5D%5B0%5D=1&apple%5Ba%5D%5B1%5D=2"
        );
        let mut out = Vec::new();
        query_pairs("f", &node, QueryStyle::DeepObject, &mut out);
        assert_eq!(out[0], "f%5Bzebra%5D=1");
    }

    #[test]
    fn simple_style_encodes_one_segment() {
        assert_eq!(simple(&node(json!("a/b c")), COMPONENT), "a%2Fb%20c");
        assert_eq!(simple(&node(json!([1, 2])), COMPONENT), "1,2");
        assert_eq!(simple(&node(json!(1.5)), COMPONENT), "1.5");
        assert_eq!(simple(&node(json!({"k": "v"})), NOTHING), "k,v");
    }

    #[test]
    fn binary_fields_must_be_bytes() {
        let part = multipart_part("f".into(), &node(json!([0, 255])), true)
            .unwrap()
            .unwrap();
        assert_eq!(&part.data[..], &[0, 255]);
        assert!(multipart_part("f".into(), &node(json!([256])), true).is_err());
        assert!(
            multipart_part("f".into(), &node(json!(null)), true)
                .unwrap()
                .is_none()
        );
    }
}

/// One part of a multipart body.
#[derive(Clone)]
pub(crate) struct Part {
    pub(crate) name: String,
    pub(crate) data: Bytes,
    pub(crate) file: bool,
}
