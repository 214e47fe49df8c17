//! The operations of a path item: the fixed methods and OpenAPI 3.2's `query` and
//! `additionalOperations`.

use serde_json::Value;

use crate::ctxt::Ctxt;
use crate::pointer;

/// The operation keys of a path item: OpenAPI 3.0's eight and 3.2's `query`. 3.2's
/// `additionalOperations` holds the other methods (see `item_operations`).
const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace", "query",
];

/// One operation of a path item: its pointer (`…/get`, `…/additionalOperations/LINK`),
/// the HTTP method it sends, and its object.
pub(crate) struct ItemOperation<'a> {
    pub(crate) ptr: String,
    pub(crate) http_method: String,
    pub(crate) op: &'a Value,
}

/// The operations of path `item` at `item_ptr`, fixed methods first. A method name of
/// `additionalOperations` that is not an HTTP token is an error at its pointer, reported
/// to `cx` when given.
pub(crate) fn item_operations<'a>(
    cx: Option<&Ctxt>,
    item: &'a Value,
    item_ptr: &str,
) -> Vec<ItemOperation<'a>> {
    let mut found: Vec<ItemOperation<'a>> = METHODS
        .iter()
        .filter_map(|method| {
            item.get(*method).map(|op| ItemOperation {
                ptr: pointer::push(item_ptr, method),
                http_method: method.to_ascii_uppercase(),
                op,
            })
        })
        .collect();
    let extra = item.get("additionalOperations").and_then(Value::as_object);
    for (method, op) in extra.into_iter().flatten() {
        let ptr = pointer::push(&pointer::push(item_ptr, "additionalOperations"), method);
        if !is_http_token(method) {
            if let Some(cx) = cx {
                cx.error_at(
                    &ptr,
                    format!("`{method}` is not an HTTP method name (RFC 9110 token characters)"),
                );
            }
            continue;
        }
        // A fixed method written here too would be sent twice under two names: the
        // fixed field wins (3.2 forbids the repetition).
        if found
            .iter()
            .any(|o| o.http_method.eq_ignore_ascii_case(method))
        {
            continue;
        }
        found.push(ItemOperation {
            ptr,
            http_method: method.clone(),
            op,
        });
    }
    found
}

/// A method name as HTTP defines it (RFC 9110 `token`).
fn is_http_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// The fixed path-item key of `http_method` (`get` for `GET`), when it has one; other
/// methods live under `additionalOperations`.
pub(crate) fn fixed_key(http_method: &str) -> Option<&'static str> {
    METHODS
        .iter()
        .copied()
        .find(|m| m.eq_ignore_ascii_case(http_method))
}
