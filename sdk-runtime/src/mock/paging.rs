//! A list served as pages, in the style the operation's [`Paging`] describes.

use serde_json::{Map, Value};

use crate::contract::{Paging, PagingStyle};

/// Page size when a request names none and the document gives no maximum.
const DEFAULT_PAGE: usize = 20;

/// The page of `items` that the request with query `pairs` asks for.
pub(crate) fn page(items: &[Value], paging: &Paging, pairs: &[&str]) -> Value {
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
