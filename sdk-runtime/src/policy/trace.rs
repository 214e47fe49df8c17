//! The tracing stage: what the pipeline tells `tracing` about each attempt.
//!
//! Events go to target `sdk_runtime`, with every header, URL and body passed
//! through the client's [`Redactor`](crate::redact::Redactor):
//!
//! * in debug mode (`ClientBuilder::debug`), one `DEBUG` event `http attempt`
//!   per attempt, with the redacted request and response headers and bodies
//!   cut to the debug body limit;
//! * otherwise nothing for a success; `DEBUG` `retrying` before a retry;
//!   `WARN` `request failed` when retries ran out or no response arrived; and
//!   `DEBUG` `request failed` for any other final failure (a `404`, say),
//!   which the caller sees as an error anyway.
//!
//! A quiet client pays nothing for this: the redacted URL
//! is rendered only when an event is actually recorded or an error is built,
//! and each field is evaluated only when a subscriber wants the event.

use std::time::Duration;

use tokio::time::Instant;

use crate::error::Error;
use crate::pipeline::request::Body;
use crate::pipeline::stage::{AttemptError, Exchange, Flow, Outgoing, Received, Stage};
use crate::redact::Redactor;

/// The tracing stage: last in the list, so it sees the request as sent
/// (interceptors' headers included) and the retry decision already made.
pub(crate) struct Trace {
    pub(crate) debug: bool,
    pub(crate) debug_body_limit: usize,
    pub(crate) redactor: Redactor,
}

/// The redacted request headers of the attempt under way (debug mode only),
/// rendered before sending because the map moves into the request.
struct RequestHeaders(String);

impl Stage for Trace {
    fn before_attempt(&self, call: &mut Exchange<'_, '_>, outgoing: &mut Outgoing) -> Flow {
        if self.debug_enabled() {
            let headers = self.redactor.headers(&outgoing.headers);
            call.attempt_state.insert(RequestHeaders(headers));
        }
        Flow::Continue
    }

    fn after_response(&self, call: &mut Exchange<'_, '_>, response: &mut Received) {
        self.record(call, Ok(response));
    }

    fn on_error(&self, call: &mut Exchange<'_, '_>, error: &mut AttemptError) {
        self.record(call, Err(&error.error));
    }
}

/// Everything the event of one attempt reports.
struct Attempt<'a> {
    operation: &'static str,
    url: &'a str,
    idempotency_key: Option<&'a str>,
    number: u32,
    /// When the attempt started; its duration is read only for an event.
    started: Instant,
    /// The wait before the next attempt, when there is one.
    delay: Option<Duration>,
    retryable: bool,
    outcome: Result<&'a Received, &'a Error>,
    /// Redacted request headers, rendered before sending (debug mode only).
    request_headers: Option<&'a str>,
    request_body: &'a Body,
}

impl Trace {
    /// Whether attempts get the detailed debug event.
    fn debug_enabled(&self) -> bool {
        self.debug && tracing::enabled!(target: "sdk_runtime", tracing::Level::DEBUG)
    }

    fn record(&self, call: &mut Exchange<'_, '_>, outcome: Result<&Received, &Error>) {
        let failed = match outcome {
            Ok(r) => !r.status.is_success(),
            Err(_) => true,
        };
        let debug = self.debug_enabled();
        if !failed && !debug {
            return;
        }
        let request_headers = call.attempt_state.remove::<RequestHeaders>();
        let attempt = Attempt {
            operation: call.operation(),
            url: call.target.shown(),
            idempotency_key: call.idempotency_key(),
            number: call.attempt,
            started: call.started,
            delay: call.retry_in,
            retryable: call.retryable,
            outcome,
            request_headers: request_headers.as_ref().map(|h| h.0.as_str()),
            request_body: &call.request.body,
        };
        if debug {
            self.record_debug(&attempt);
        } else {
            record_failure(&attempt);
        }
    }
}

/// The event of a failed attempt outside debug mode (see the module docs for levels).
fn record_failure(a: &Attempt<'_>) {
    let (status, request_id) = head(a);
    let error = a.outcome.err();
    if a.delay.is_some() {
        tracing::debug!(
            target: "sdk_runtime",
            operation = a.operation, url = a.url, attempt = a.number,
            duration_ms = millis(a.started.elapsed()), delay_ms = a.delay.map(millis), status,
            request_id, idempotency_key = a.idempotency_key, error = error.map(error_chain),
            "retrying"
        );
    } else if a.retryable || error.is_some() {
        tracing::warn!(
            target: "sdk_runtime",
            operation = a.operation, url = a.url, attempt = a.number,
            duration_ms = millis(a.started.elapsed()), status, request_id, idempotency_key = a.idempotency_key,
            error = error.map(error_chain),
            "request failed"
        );
    } else {
        tracing::debug!(
            target: "sdk_runtime",
            operation = a.operation, url = a.url, attempt = a.number,
            duration_ms = millis(a.started.elapsed()), status, request_id, idempotency_key = a.idempotency_key,
            "request failed"
        );
    }
}

// ===== internal =====

impl Trace {
    fn record_debug(&self, a: &Attempt<'_>) {
        let limit = self.debug_body_limit;
        let (status, request_id) = head(a);
        let response = a.outcome.ok();
        let request_body = body_preview(&self.redactor, a.request_body, limit);
        let response_headers = response.map(|r| self.redactor.headers(&r.headers));
        let response_body = response.map(|r| self.redactor.body(&r.body, limit));
        tracing::debug!(
            target: "sdk_runtime",
            operation = a.operation, url = a.url, attempt = a.number,
            duration_ms = millis(a.started.elapsed()), delay_ms = a.delay.map(millis), status, request_id,
            idempotency_key = a.idempotency_key, error = a.outcome.err().map(error_chain),
            request_headers = a.request_headers, request_body = request_body.as_deref(),
            response_headers = response_headers.as_deref(), response_body = response_body.as_deref(),
            "http attempt"
        );
    }
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

fn body_preview(redactor: &Redactor, body: &Body, limit: usize) -> Option<String> {
    match body {
        Body::Empty => None,
        Body::Buffered(bytes, _) => Some(redactor.body(bytes, limit)),
        Body::Multipart(parts, streamed) => {
            let names: Vec<String> = parts
                .iter()
                .map(|p| format!("{} ({} bytes)", p.name, p.data.len()))
                .chain(streamed.iter().map(|f| format!("{} (stream)", f.name())))
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
