//! What the execute path tells `tracing` about each attempt, and the redacted
//! `METHOD url` that events and errors show.
//!
//! Events go to target `sdk_runtime`, with every header, URL and body passed
//! through the client's [`Redactor`]:
//!
//! * in debug mode (`ClientBuilder::debug`), one `DEBUG` event `http attempt`
//!   per attempt, with the redacted request and response headers and bodies
//!   cut to the debug body limit;
//! * otherwise nothing for a success; `DEBUG` `retrying` before a retry;
//!   `WARN` `request failed` when retries ran out or no response arrived; and
//!   `DEBUG` `request failed` for any other final failure (a `404`, say),
//!   which the caller sees as an error anyway.
//!
//! A quiet client pays nothing for this: the redacted URL ([`Target::shown`])
//! is rendered only when an event is actually recorded or an error is built,
//! and each field is evaluated only when a subscriber wants the event.

use std::sync::OnceLock;
use std::time::Duration;

use http::{HeaderMap, Method};
use tokio::time::Instant;

use crate::client::ClientRef;
use crate::error::Error;
use crate::execute::Received;
use crate::request::Body;
use crate::trace::Redactor;

/// The method and URL of one call (before credentials), with their redacted
/// text rendered on first use and then kept for every later event and error.
pub(crate) struct Target<'a> {
    method: Method,
    url: reqwest::Url,
    redactor: &'a Redactor,
    shown: OnceLock<String>,
}

impl<'a> Target<'a> {
    pub(crate) fn new(method: Method, url: reqwest::Url, redactor: &'a Redactor) -> Self {
        Self {
            method,
            url,
            redactor,
            shown: OnceLock::new(),
        }
    }

    pub(crate) fn method(&self) -> &Method {
        &self.method
    }

    pub(crate) fn url(&self) -> &reqwest::Url {
        &self.url
    }

    /// `METHOD url`, redacted.
    pub(crate) fn shown(&self) -> &str {
        self.shown.get_or_init(|| self.render())
    }

    /// [`shown`](Self::shown), owned, for an error.
    pub(crate) fn into_shown(mut self) -> String {
        self.shown.take().unwrap_or_else(|| self.render())
    }

    fn render(&self) -> String {
        format!("{} {}", self.method, self.redactor.url(&self.url))
    }
}

/// Everything the event of one attempt reports.
pub(crate) struct Attempt<'a> {
    pub(crate) operation: &'static str,
    pub(crate) target: &'a Target<'a>,
    /// The key as sent, from whichever source set it.
    pub(crate) idempotency_key: Option<&'a str>,
    pub(crate) number: u32,
    /// When the attempt started; its duration is read only for an event.
    pub(crate) started: Instant,
    /// The wait before the next attempt, when there is one.
    pub(crate) delay: Option<Duration>,
    pub(crate) retryable: bool,
    pub(crate) outcome: Result<&'a Received, &'a Error>,
    /// Redacted request headers, rendered before sending (debug mode only).
    pub(crate) request_headers: Option<&'a str>,
    pub(crate) request_body: &'a Body,
}

/// Whether attempts get the detailed debug event.
pub(crate) fn debug_enabled(inner: &ClientRef) -> bool {
    inner.debug && tracing::enabled!(target: "sdk_runtime", tracing::Level::DEBUG)
}

/// The redacted request headers, in debug mode only (they are gone once sent).
pub(crate) fn request_headers(inner: &ClientRef, headers: &HeaderMap) -> Option<String> {
    debug_enabled(inner).then(|| inner.redactor.headers(headers))
}

/// Emits the event for one attempt (see the module docs for levels).
pub(crate) fn record(inner: &ClientRef, attempt: &Attempt<'_>) {
    if debug_enabled(inner) {
        return record_debug(inner, attempt);
    }
    let (status, request_id) = head(attempt);
    let failed = status.is_none_or(|s| !(200..300).contains(&s));
    if !failed {
        return;
    }
    let a = attempt;
    let error = a.outcome.err();
    if a.delay.is_some() {
        tracing::debug!(
            target: "sdk_runtime",
            operation = a.operation, url = a.target.shown(), attempt = a.number,
            duration_ms = millis(a.started.elapsed()), delay_ms = a.delay.map(millis), status,
            request_id, idempotency_key = a.idempotency_key, error = error.map(error_chain),
            "retrying"
        );
    } else if a.retryable || error.is_some() {
        tracing::warn!(
            target: "sdk_runtime",
            operation = a.operation, url = a.target.shown(), attempt = a.number,
            duration_ms = millis(a.started.elapsed()), status, request_id, idempotency_key = a.idempotency_key,
            error = error.map(error_chain),
            "request failed"
        );
    } else {
        tracing::debug!(
            target: "sdk_runtime",
            operation = a.operation, url = a.target.shown(), attempt = a.number,
            duration_ms = millis(a.started.elapsed()), status, request_id, idempotency_key = a.idempotency_key,
            "request failed"
        );
    }
}

// ===== internal =====

fn record_debug(inner: &ClientRef, a: &Attempt<'_>) {
    let limit = inner.debug_body_limit;
    let (status, request_id) = head(a);
    let response = a.outcome.ok();
    let request_body = body_preview(inner, a.request_body, limit);
    let response_headers = response.map(|r| inner.redactor.headers(&r.headers));
    let response_body = response.map(|r| inner.redactor.body(&r.body, limit));
    tracing::debug!(
        target: "sdk_runtime",
        operation = a.operation, url = a.target.shown(), attempt = a.number,
        duration_ms = millis(a.started.elapsed()), delay_ms = a.delay.map(millis), status, request_id,
        idempotency_key = a.idempotency_key, error = a.outcome.err().map(error_chain),
        request_headers = a.request_headers, request_body = request_body.as_deref(),
        response_headers = response_headers.as_deref(), response_body = response_body.as_deref(),
        "http attempt"
    );
}

/// The status and request ID of the response, when one arrived.
fn head<'a>(a: &Attempt<'a>) -> (Option<u16>, Option<&'a str>) {
    match a.outcome {
        Ok(r) => (Some(r.status.as_u16()), r.request_id.as_deref()),
        Err(e) => (e.status().map(|s| s.as_u16()), e.request_id()),
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

fn body_preview(inner: &ClientRef, body: &Body, limit: usize) -> Option<String> {
    match body {
        Body::Empty => None,
        Body::Buffered(bytes, _) => Some(inner.redactor.body(bytes, limit)),
        Body::Multipart(parts) => {
            let names: Vec<String> = parts
                .iter()
                .map(|p| format!("{} ({} bytes)", p.name, p.data.len()))
                .collect();
            Some(format!("<multipart: {}>", names.join(", ")))
        }
        Body::Stream(..) => Some("<stream>".to_owned()),
    }
}

/// `error: source: source…`, for log lines that have no other way to show causes.
fn error_chain(error: &Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
