//! `$ref` resolution over the raw document, and node-by-node parsing into `openapiv3`.
//!
//! `openapiv3` has no resolver and parses a document all or nothing; reading node by node
//! lets a `$ref` point anywhere (`#/paths/...` too, as real documents do) and lets one
//! malformed node degrade alone.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::ctxt::Ctxt;
use crate::normalize::json_type;
use crate::pointer;

/// How many `$ref`s in a row are followed; real documents use one or two.
const MAX_HOPS: usize = 32;

/// Follows `$ref`s from `node` (at `ptr`) to a node that is not a reference. Returns the
/// node and its pointer, or records an error and returns `None`.
pub fn follow<'a>(
    cx: &Ctxt,
    root: &'a Value,
    node: &'a Value,
    ptr: &str,
) -> Option<(&'a Value, String)> {
    let mut node = node;
    let mut at = ptr.to_owned();
    let mut chain: Vec<String> = Vec::new();
    loop {
        let Some(reference) = node.get("$ref") else {
            return Some((node, at));
        };
        let Some(reference) = reference.as_str() else {
            cx.error_at(
                &at,
                format!("`$ref` must be a string, found {}", json_type(reference)),
            );
            return None;
        };
        if chain.iter().any(|r| r == reference) {
            chain.push(reference.to_owned());
            cx.error_at(ptr, cycle_message(&chain));
            return None;
        }
        if chain.len() >= MAX_HOPS {
            cx.error_at(
                ptr,
                format!("more than {MAX_HOPS} `$ref`s in a row; point at the definition directly"),
            );
            return None;
        }
        node = target(cx, root, reference, &at)?;
        chain.push(reference.to_owned());
        reference.clone_into(&mut at);
    }
}

/// Follows `$ref`s like [`follow`], but records nothing: for later passes (batch detection, webhook
/// discriminators) over nodes whose broken references an earlier pass has already reported.
pub fn follow_quietly<'a>(root: &'a Value, mut node: &'a Value) -> Option<&'a Value> {
    for _ in 0..MAX_HOPS {
        match node.get("$ref").and_then(Value::as_str) {
            Some(reference) => node = pointer::lookup(root, reference)?,
            None => return Some(node),
        }
    }
    None
}

/// The message for a chain of `$ref`s that never reaches a definition.
pub fn cycle_message(chain: &[String]) -> String {
    format!(
        "`$ref` cycle: {} never reaches a definition",
        chain
            .iter()
            .map(|r| format!("`{r}`"))
            .collect::<Vec<_>>()
            .join(" → ")
    )
}

/// The node a `$ref` string points at; records an error when it dangles or is external.
pub fn target<'a>(cx: &Ctxt, root: &'a Value, reference: &str, at: &str) -> Option<&'a Value> {
    if reference.is_empty() {
        cx.error_at(
            at,
            "`$ref` is empty; write a JSON pointer such as `#/components/schemas/Pet`",
        );
        return None;
    }
    if !reference.starts_with('#') {
        cx.error_at(
            at,
            format!("external `$ref` `{reference}` is not supported; bundle the document into one file first"),
        );
        return None;
    }
    let found = pointer::lookup(root, reference);
    if found.is_none() {
        cx.error_at(
            at,
            format!("`$ref` `{reference}` points at nothing in this document"),
        );
    }
    found
}

/// Parses one node into an `openapiv3` type; the error names the sub-path that failed.
pub fn parse<T: DeserializeOwned>(node: &Value) -> Result<T, String> {
    serde_path_to_error::deserialize(node).map_err(|e| {
        let path = e.path().to_string();
        if path == "." {
            e.inner().to_string()
        } else {
            format!("at `{path}`: {}", e.inner())
        }
    })
}
