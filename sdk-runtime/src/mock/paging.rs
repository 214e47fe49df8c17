//! A list served as pages, in the style the operation's [`Paging`] describes.
//!
//! A page sets the fields paging needs (items, `has_more`, the next cursor,
//! the total); the list schema may require more (Stripe's lists require
//! `object: list` and `url`), so the page's other required fields are filled
//! from the schema when the pages are set up: see [`required_fields`].

use serde_json::{Map, Value};

use super::validate::Document;
use crate::contract::{Paging, PagingStyle};

/// Page size when a request names none and the document gives no maximum.
const DEFAULT_PAGE: usize = 20;

/// A required field of the list schema that paging does not set, and what
/// every page puts there.
pub(crate) struct Filler {
    key: String,
    value: Fill,
}

enum Fill {
    Value(Value),
    /// The path of the request the page answers (a list's `url`).
    RequestPath,
}

/// The required top-level fields of the list schema at `pointer` that
/// `paging` does not set, each with the value a page gives it: the schema's
/// `const`, first `enum` value, `example` or `default`, else the request path
/// for a string called `url`, else an empty value of its type (`""`, `0`,
/// `false`, `[]`, `{}`).
pub(crate) fn required_fields(
    document: &Document,
    schema: &Value,
    pointer: &str,
    paging: &Paging,
) -> Vec<Filler> {
    let (schema, _) = document.resolve(schema, pointer);
    let mut branches = vec![schema];
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        branches.extend(all.iter().map(|b| document.resolve(b, pointer).0));
    }
    let set_by_paging = [paging.items, paging.has_more, paging.total, paging.next];
    let mut fillers: Vec<Filler> = Vec::new();
    for branch in &branches {
        let required = branch.get("required").and_then(Value::as_array);
        for key in required.into_iter().flatten().filter_map(Value::as_str) {
            let set = set_by_paging.iter().any(|path| path.first() == Some(&key));
            if set || fillers.iter().any(|f| f.key == key) {
                continue;
            }
            let property = branches
                .iter()
                .find_map(|b| b.get("properties")?.get(key))
                .map(|p| document.resolve(p, pointer).0);
            fillers.push(Filler {
                key: key.to_owned(),
                value: fill(key, property),
            });
        }
    }
    fillers
}

fn fill(key: &str, property: Option<&Value>) -> Fill {
    let Some(property) = property else {
        return Fill::Value(Value::Null);
    };
    let given = property
        .get("const")
        .or_else(|| property.get("enum")?.as_array()?.first())
        .or_else(|| property.get("example"))
        .or_else(|| property.get("default"));
    if let Some(given) = given {
        return Fill::Value(given.clone());
    }
    let ty = match property.get("type") {
        Some(Value::String(ty)) => ty.as_str(),
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null"),
        _ => "null",
    };
    Fill::Value(match ty {
        "string" if key == "url" => return Fill::RequestPath,
        "string" => Value::String(String::new()),
        "integer" | "number" => Value::from(0),
        "boolean" => Value::Bool(false),
        "array" => Value::Array(Vec::new()),
        "object" => Value::Object(Map::new()),
        _ => Value::Null,
    })
}

/// The page of `items` that the request for `path` with query `pairs` asks
/// for, with the list schema's other required fields from `fillers`.
pub(crate) fn page(
    items: &[Value],
    paging: &Paging,
    fillers: &[Filler],
    path: &str,
    pairs: &[&str],
) -> Value {
    let param = |name: &str| {
        pairs.iter().find_map(|pair| {
            let (key, value) = pair.split_once('=')?;
            (key == name).then(|| {
                percent_encoding::percent_decode_str(value)
                    .decode_utf8_lossy()
                    .into_owned()
            })
        })
    };
    let max = paging
        .max_limit
        .map_or(usize::MAX, |m| usize::try_from(m).unwrap_or(usize::MAX));
    let size = paging
        .limit_param
        .and_then(param)
        .and_then(|l| l.parse::<usize>().ok())
        .unwrap_or(max.min(DEFAULT_PAGE))
        .clamp(1, max);
    let start = match &paging.style {
        PagingStyle::Cursor { param: Some(name) } => match param(name) {
            Some(cursor) => position_after(items, paging, &cursor),
            None => 0,
        },
        PagingStyle::Cursor { param: None } | PagingStyle::LinkHeader => 0,
        PagingStyle::Offset { param: name } => {
            param(name).and_then(|o| o.parse().ok()).unwrap_or(0)
        }
        PagingStyle::Page { param: name, first } => {
            let number: u64 = param(name).and_then(|p| p.parse().ok()).unwrap_or(*first);
            usize::try_from(number.saturating_sub(*first))
                .unwrap_or(usize::MAX)
                .saturating_mul(size)
        }
    }
    .min(items.len());
    let end = (start + size).min(items.len());
    let more = end < items.len();
    let data = Value::Array(items[start..end].to_vec());
    if paging.items.is_empty() {
        return data;
    }
    let mut body = Value::Object(Map::new());
    for filler in fillers {
        let value = match &filler.value {
            Fill::Value(value) => value.clone(),
            Fill::RequestPath => Value::String(path.to_owned()),
        };
        put(&mut body, &[filler.key.as_str()], value);
    }
    put(&mut body, paging.items, data);
    if !paging.has_more.is_empty() {
        put(&mut body, paging.has_more, Value::Bool(more));
    }
    if !paging.total.is_empty() {
        put(&mut body, paging.total, Value::from(items.len()));
    }
    if !paging.next.is_empty() {
        let next = match (more, items.get(end.wrapping_sub(1))) {
            (true, Some(last)) => Value::String(cursor_of(last, paging, end)),
            _ => Value::Null,
        };
        put(&mut body, paging.next, next);
    }
    body
}

/// The cursor that follows `item` (the `end`-th): its cursor field, else the position.
fn cursor_of(item: &Value, paging: &Paging, end: usize) -> String {
    match paging.cursor_item_field.and_then(|f| item.get(f)) {
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => end.to_string(),
    }
}

fn position_after(items: &[Value], paging: &Paging, cursor: &str) -> usize {
    if let Some(field) = paging.cursor_item_field
        && let Some(at) = items.iter().position(|i| match i.get(field) {
            Some(Value::String(s)) => s == cursor,
            // A number or other scalar, compared as it is written in the cursor.
            Some(other) => {
                let written = other.to_string();
                written == cursor
            }
            None => false,
        })
    {
        return at + 1;
    }
    cursor.parse().unwrap_or(items.len())
}

fn put(body: &mut Value, path: &[&str], value: Value) {
    let mut node = body;
    for (i, key) in path.iter().enumerate() {
        let Value::Object(map) = node else { return };
        if i + 1 == path.len() {
            map.insert((*key).to_owned(), value);
            return;
        }
        node = map
            .entry((*key).to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
    }
}
