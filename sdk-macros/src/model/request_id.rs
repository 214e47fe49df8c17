//! The response header that carries the document's request IDs.
//!
//! The rule: a header declared in an operation's responses (a response reached through
//! `$ref`, say in `components/responses`, counts at each use) whose name, in lower case,
//! contains `request-id`, `request_id` or `requestid` (`X-Request-Id`, `Request-Id`,
//! `X-GitHub-Request-Id`, `x-amzn-RequestId`, `x-ms-request-id`). Names with
//! `client-request-id` are left out: they echo an ID the client sent. The name declared
//! most often wins; on a tie, the one met first. The runtime reads it unless the user
//! chose a header (`ClientBuilder::request_id_header`), and falls back on a short list of
//! common names when it is absent.

use serde_json::Value;

use super::item_operations;
use super::refs;
use crate::pointer;

/// The request-ID header the document's responses declare most often, as first written.
pub fn from_spec(root: &Value) -> Option<String> {
    // (name in lower case, name as first written, count), in order of first use.
    let mut counts: Vec<(String, String, usize)> = Vec::new();
    let paths = root.get("paths").and_then(Value::as_object);
    for (path, item) in paths.into_iter().flatten() {
        let Some(item) = refs::follow_quietly(root, item) else {
            continue;
        };
        for operation in item_operations(None, item, &pointer::push("#/paths", path)) {
            for name in declared_headers(root, operation.op) {
                count(&mut counts, name);
            }
        }
    }
    let mut best: Option<&(String, String, usize)> = None;
    for entry in &counts {
        if best.is_none_or(|b| entry.2 > b.2) {
            best = Some(entry);
        }
    }
    best.map(|(_, written, _)| written.clone())
}

/// Whether a response header's name says it is a request ID (see the module docs).
pub fn is_request_id(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let says = ["request-id", "request_id", "requestid"]
        .iter()
        .any(|s| lower.contains(s));
    says && !lower.contains("client-request-id") && !lower.contains("client_request_id")
}

// ===== internal =====

/// The request-ID header names the responses of operation `op` declare.
fn declared_headers<'v>(root: &'v Value, op: &'v Value) -> impl Iterator<Item = &'v str> {
    let responses = op.get("responses").and_then(Value::as_object);
    responses
        .into_iter()
        .flatten()
        .filter_map(|(_, response)| refs::follow_quietly(root, response))
        .filter_map(|response| response.get("headers")?.as_object())
        .flat_map(|headers| headers.keys())
        .map(String::as_str)
        .filter(|name| is_request_id(name))
}

fn count(counts: &mut Vec<(String, String, usize)>, name: &str) {
    let lower = name.to_ascii_lowercase();
    match counts.iter_mut().find(|(l, _, _)| *l == lower) {
        Some(entry) => entry.2 += 1,
        None => counts.push((lower, name.to_owned(), 1)),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn names_that_say_request_id() {
        for name in [
            "X-Request-Id",
            "Request-Id",
            "X-GitHub-Request-Id",
            "x-amzn-RequestId",
            "x-ms-request-id",
            "request_id",
        ] {
            assert!(is_request_id(name), "{name}");
        }
        for name in [
            "x-ms-client-request-id",
            "X-RateLimit-Limit",
            "X-Request",
            "ETag",
        ] {
            assert!(!is_request_id(name), "{name}");
        }
    }

    #[test]
    fn most_frequent_wins_through_refs() {
        let doc = json!({
            "paths": {
                "/a": {
                    "get": {"responses": {
                        "200": {"headers": {"Request-Id": {}, "X-Rate": {}}},
                        "400": {"$ref": "#/components/responses/Error"}
                    }},
                    "post": {"responses": {"default": {"$ref": "#/components/responses/Error"}}}
                },
                "/b": {"get": {"responses": {"200": {"headers": {"X-Trace-Request-Id": {}}}}}}
            },
            "components": {"responses": {"Error": {"headers": {"request-id": {}}}}}
        });
        // `Request-Id` once as written, `request-id` twice through the component: one name.
        assert_eq!(from_spec(&doc).as_deref(), Some("Request-Id"));
    }

    #[test]
    fn tie_goes_to_the_first_and_none_without_one() {
        let doc = json!({"paths": {
            "/a": {"get": {"responses": {"200": {"headers": {"X-Amzn-RequestId": {}}}}}},
            "/b": {"get": {"responses": {"200": {"headers": {"X-Request-Id": {}}}}}}
        }});
        assert_eq!(from_spec(&doc).as_deref(), Some("X-Amzn-RequestId"));
        let none =
            json!({"paths": {"/a": {"get": {"responses": {"200": {"headers": {"ETag": {}}}}}}}});
        assert_eq!(from_spec(&none), None);
        assert_eq!(from_spec(&json!({})), None);
    }
}
