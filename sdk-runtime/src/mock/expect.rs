//! Expectations: what a request must look like ([`Expect`]), and the answer
//! and faults of one that is set up ([`Expectation`]).

use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::Value;

use super::paging::required_fields;
use super::state::{Answer, Expected, Rate, Shared};
use super::validate::escape;
use crate::codec::encode::{self, COMPONENT, NOTHING};
use crate::codec::node::Node;
use crate::contract::{Paging, QueryStyle};
use crate::types::Bytes;

/// An expectation being described: which requests of one operation it
/// matches. Generated builders wrap it with typed setters; `respond` sets it up.
pub struct Expect<'a> {
    shared: &'a Shared,
    expected: Expected,
}

/// A set-up expectation, to add faults and counts to.
pub struct Expectation<'a> {
    shared: &'a Shared,
    index: usize,
}

impl<'a> Expect<'a> {
    pub(crate) fn new(shared: &'a Shared, operation: &'static str) -> Self {
        let id = shared
            .document
            .at(&format!("{operation}/operationId"))
            .and_then(Value::as_str)
            .unwrap_or("operation");
        let label = match shared.routes.describe(operation) {
            Some((method, path)) => format!("{id} ({method} {path})"),
            None => id.to_owned(),
        };
        Expect {
            shared,
            expected: Expected {
                operation,
                label,
                path: Vec::new(),
                query: Vec::new(),
                headers: Vec::new(),
                body: None,
                answer: Answer::Body {
                    status: 200,
                    body: Bytes::new(),
                    content_type: None,
                },
                times: None,
                hits: 0,
                failures: (0, 503),
                drops: 0,
                delay: Duration::ZERO,
                rate: None,
            },
        }
    }

    /// Matches requests whose path parameter `name` is `value`.
    pub fn path_param(&mut self, name: &str, value: &impl Serialize) {
        if let Ok(node) = Node::from_serialize(value) {
            self.expected
                .path
                .push((name.to_owned(), encode::simple(&node, COMPONENT)));
        }
    }

    /// Matches requests whose query carries `name` as `value` (encoded in `style`).
    pub fn query(&mut self, name: &str, value: &impl Serialize, style: QueryStyle) {
        if let Ok(node) = Node::from_serialize(value) {
            encode::query_pairs(name, &node, style, &mut self.expected.query);
        }
    }

    /// Matches requests with header `name` set to `value`.
    pub fn header(&mut self, name: &str, value: &impl Serialize) {
        if let Ok(node) = Node::from_serialize(value)
            && !node.is_null()
        {
            self.expected
                .headers
                .push((name.to_ascii_lowercase(), encode::simple(&node, NOTHING)));
        }
    }

    /// Accepts a cookie parameter for symmetry with the client's calls: cookies
    /// are not matched, so any value is ignored.
    pub fn cookie(&mut self, _name: &str, _value: &impl Serialize) {}

    /// Matches requests whose JSON body equals `body`.
    pub fn body(&mut self, body: &impl Serialize) {
        self.expected.body = serde_json::to_value(body).ok();
    }

    /// Answers matching requests with `status` and `body` (JSON, or the text
    /// itself when the document gives the status a text media type).
    ///
    /// # Panics
    ///
    /// When the document does not describe `status` for the operation, or the
    /// body does not match its schema, naming the JSON pointer broken.
    pub fn respond(self, status: u16, body: &impl Serialize) -> Expectation<'a> {
        let value = serde_json::to_value(body).unwrap_or(Value::Null);
        let (content_type, body) = self.answer_body(status, &value);
        self.set_up(Answer::Body {
            status,
            body,
            content_type,
        })
    }

    /// Answers matching requests with `status` and no body.
    pub fn respond_empty(self, status: u16) -> Expectation<'a> {
        self.check_status(status);
        self.set_up(Answer::Body {
            status,
            body: Bytes::new(),
            content_type: None,
        })
    }

    /// Serves `items` as pages in the operation's paging style, at the page
    /// size each request asks for (the document's maximum at most).
    pub fn respond_pages(
        self,
        items: &[impl Serialize],
        paging: &'static Paging,
    ) -> Expectation<'a> {
        let items = items
            .iter()
            .map(|item| serde_json::to_value(item).unwrap_or(Value::Null))
            .collect();
        let fillers = match self.list_schema() {
            Some((schema, pointer)) => {
                required_fields(&self.shared.document, &schema, &pointer, paging)
            }
            None => Vec::new(),
        };
        self.set_up(Answer::Pages {
            items,
            paging,
            fillers,
        })
    }

    /// The JSON schema of the operation's `200` answer, and its pointer.
    fn list_schema(&self) -> Option<(Value, String)> {
        let (response, pointer) = self.response_for(200)?;
        let content = response.get("content")?.as_object()?;
        let (media, node) = content.iter().find(|(media, _)| is_json(media))?;
        let schema = node.get("schema")?.clone();
        Some((
            schema,
            format!("{pointer}/content/{}/schema", escape(media)),
        ))
    }

    fn set_up(mut self, answer: Answer) -> Expectation<'a> {
        self.expected.answer = answer;
        let mut state = self.shared.state();
        state.expected.push(self.expected);
        Expectation {
            shared: self.shared,
            index: state.expected.len() - 1,
        }
    }

    /// The response object the document gives `status`, and its pointer.
    fn response_for(&self, status: u16) -> Option<(Value, String)> {
        let shared = self.shared;
        let responses = format!("{}/responses", self.expected.operation);
        let class = format!("{}XX", status / 100);
        [
            status.to_string(),
            class.clone(),
            class.to_ascii_lowercase(),
            "default".to_owned(),
        ]
        .into_iter()
        .find_map(|key| {
            let pointer = format!("{responses}/{key}");
            let node = shared.document.at(&pointer)?;
            let (node, pointer) = shared.document.resolve(node, &pointer);
            Some((node.clone(), pointer))
        })
    }

    fn check_status(&self, status: u16) -> (Value, String) {
        match self.response_for(status) {
            Some(found) => found,
            None => panic!(
                "{}: the document describes no {status} response (nor a range or `default`)",
                self.expected.label
            ),
        }
    }

    fn answer_body(&self, status: u16, value: &Value) -> (Option<String>, Bytes) {
        let (response, pointer) = self.check_status(status);
        let content = response.get("content").and_then(Value::as_object);
        let json = content.and_then(|c| c.iter().find(|(media, _)| is_json(media)));
        if let Some((media, node)) = json {
            if let Some(schema) = node.get("schema") {
                let schema_ptr = format!("{pointer}/content/{}/schema", escape(media));
                let broken = self.shared.document.check(schema, &schema_ptr, value);
                if !broken.is_empty() {
                    let lines: Vec<String> = broken
                        .iter()
                        .map(|v| format!("{} at {}: {}", v.pointer, v.at, v.message))
                        .collect();
                    panic!(
                        "{}: the canned {status} response does not match the document:\n  {}",
                        self.expected.label,
                        lines.join("\n  ")
                    );
                }
            }
            let bytes = serde_json::to_vec(value).unwrap_or_default();
            return (Some(media.clone()), Bytes::from(bytes));
        }
        match (content.and_then(|c| c.keys().next()), value) {
            (_, Value::Null) => (None, Bytes::new()),
            (Some(media), Value::String(text)) => (Some(media.clone()), Bytes::from(text.clone())),
            (media, other) => (media.cloned(), Bytes::from(other.to_string())),
        }
    }
}

impl Expectation<'_> {
    fn edit(&self, change: impl FnOnce(&mut Expected)) {
        let mut state = self.shared.state();
        if let Some(expected) = state.expected.get_mut(self.index) {
            change(expected);
        }
    }

    /// Expects exactly `n` matching requests; checked when the mock is dropped.
    pub fn times(self, n: usize) -> Self {
        self.edit(|e| e.times = Some(n));
        self
    }

    /// Answers the first `n` matching requests with `status` (and
    /// `Retry-After: 0`), then as set up.
    pub fn fail_times(self, n: usize, status: u16) -> Self {
        self.edit(|e| e.failures = (n, status));
        self
    }

    /// Drops the connection of the first matching request without an answer.
    pub fn drop_connection(self) -> Self {
        self.edit(|e| e.drops += 1);
        self
    }

    /// Waits `delay` before each answer.
    pub fn delay(self, delay: Duration) -> Self {
        self.edit(|e| e.delay = delay);
        self
    }

    /// Answers `429` with `Retry-After` and `X-RateLimit-*` to requests beyond
    /// `limit` per `window` (a fixed window from the first request).
    pub fn rate_limit(self, limit: u32, window: Duration) -> Self {
        self.edit(|e| {
            e.rate = Some(Rate {
                limit,
                window,
                opened: Instant::now(),
                used: 0,
            })
        });
        self
    }

    /// Matching requests so far.
    pub fn hits(&self) -> usize {
        let state = self.shared.state();
        state.expected.get(self.index).map_or(0, |e| e.hits)
    }
}

impl std::fmt::Debug for Expectation<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Expectation")
            .field("index", &self.index)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for Expect<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Expect")
            .field("operation", &self.expected.label)
            .finish_non_exhaustive()
    }
}

pub(crate) fn is_json(media: &str) -> bool {
    let media = media.to_ascii_lowercase();
    media.starts_with("application/json") || media.contains("+json") || media == "*/*"
}
