//! The single execute path every generated method ends in.
//!
//! [`execute`] is a thin generic wrapper: it calls the non-generic
//! [`execute_raw`], which does all the work once for every response type, and
//! then runs the operation's decoder. That keeps the code generated per
//! operation (and its monomorphized copies) down to a few lines.
//!
//! One call goes through these steps:
//!
//! 1. **Prepare** (once per call): report a stored parameter error, build the
//!    URL (base URL + path + query), merge headers (defaults, user agent,
//!    parameters, call options) and mint the idempotency key for unsafe
//!    methods, so every retry sends the same key.
//! 2. **Attempt**: take a snapshot of the credentials (so a rotation applies
//!    to the next attempt, never half of one), apply them, send, and read the
//!    body up to the size cap, all within the timeout.
//! 3. **Classify** the outcome with the [`RetryPolicy`](crate::retry::RetryPolicy);
//!    when it is retryable, budget remains and the body can be replayed, wait
//!    the policy's delay (`tokio::time::sleep`, so paused-clock tests work)
//!    and go back to 2.
//! 4. **Finish**: a 2xx goes to the success decoder; anything else becomes a
//!    status error with the typed error body, the raw body and the request ID.
//!
//! Every attempt is reported to `tracing` on target `sdk_runtime` (see
//! [`crate::trace`] for redaction): in debug mode one `DEBUG` event per attempt
//! with headers and truncated bodies; otherwise only retries (`DEBUG`) and
//! failures (`DEBUG`, or `WARN` when retries ran out or the server was
//! unreachable), so a quiet client costs nothing.

use std::time::{Duration, SystemTime};

use http::header::{CONTENT_TYPE, COOKIE, USER_AGENT};
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use tokio::time::Instant;

use crate::auth;
use crate::cache;
use crate::client::{Client, ClientRef};
use crate::decode::{DecodeErr, DecodeError, DecodeOk, ErrorBody, ResponseParts};
use crate::encode;
use crate::error::{self, Error, Kind, Result};
use crate::idempotency::{self, IdempotencyKey};
use crate::request::{Body, Request};
use crate::response::{Response, ResponseHead};
use crate::retry::{Failure, RetryPolicy};
use crate::types::Bytes;

/// Sends `request` with retries and decodes the response.
///
/// A 2xx response is decoded with `ok`; a decoder failure becomes a decode
/// error ([`Error::is_decode`]) that keeps the raw body. Any other status
/// becomes a status error ([`Error::is_status`]) carrying the typed body `err`
/// produced, the raw body and the request ID.
pub async fn execute<T>(
    client: &Client,
    request: Request,
    ok: DecodeOk<T>,
    err: DecodeErr,
) -> Result<Response<T>> {
    execute_raw(client, request).await?.decode(ok, err)
}

/// Runs prepare, attempt and classify (module docs, steps 1 to 3) and returns
/// the final response, whatever its status.
pub(crate) async fn execute_raw(client: &Client, mut request: Request) -> Result<RawResponse> {
    let inner = &*client.inner;
    let call = prepare(inner, &mut request)?;
    let mut attempt: u32 = 0;
    loop {
        attempt += 1;
        let started = Instant::now();
        let sent = send(inner, &call, &mut request).await;
        let elapsed = started.elapsed();
        let failure = failure(&sent.result);
        let retryable = failure
            .as_ref()
            .is_some_and(|f| call.policy.should_retry(f));
        let retry =
            retryable && attempt <= call.policy.max_retries() && request.body.is_replayable();
        let headers = sent.result.as_ref().ok().map(|r| &r.headers);
        let delay = retry.then(|| call.policy.delay(attempt - 1, headers, fastrand::f64()));
        trace_attempt(
            inner, &call, &request, &sent, attempt, elapsed, delay, retryable,
        );
        match delay {
            Some(delay) => tokio::time::sleep(delay).await,
            None => return finish(sent.result, attempt, retryable, call.shown_url),
        }
    }
}

// ===== internal =====

/// A complete response after the last attempt.
pub(crate) struct RawResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    request_id: Option<String>,
    attempts: u32,
    retryable: bool,
    url: String,
}

impl RawResponse {
    /// Runs `ok` on a 2xx, `err` on anything else (see [`execute`]).
    pub(crate) fn decode<T>(self, ok: DecodeOk<T>, err: DecodeErr) -> Result<Response<T>> {
        if self.status.is_success() {
            match ok(&self.parts()) {
                Ok(value) => Ok(self.into_response(value)),
                Err(e) => Err(self.decode_error(e)),
            }
        } else {
            let typed = err(&self.parts());
            Err(self.status_error(typed))
        }
    }

    pub(crate) fn parts(&self) -> ResponseParts<'_> {
        ResponseParts {
            status: self.status,
            headers: &self.headers,
            body: &self.body,
        }
    }

    fn into_response<T>(self, value: T) -> Response<T> {
        Response::from_parts(
            ResponseHead::new(self.status, self.headers, self.request_id),
            value,
        )
    }

    fn decode_error(self, e: DecodeError) -> Error {
        self.into_error(Kind::Decode, None).with_source(e)
    }

    fn status_error(self, typed: Option<ErrorBody>) -> Error {
        self.into_error(Kind::Status, typed)
    }

    fn into_error(self, kind: Kind, typed: Option<ErrorBody>) -> Error {
        let retry_after = crate::retry::retry_after(&self.headers, SystemTime::now());
        Error::new(kind)
            .with_response(self.status, self.request_id, retry_after)
            .with_body(self.body, typed)
            .with_url(self.url)
            .with_attempts(self.attempts)
            .with_retryable(self.retryable && kind == Kind::Status)
    }
}

/// What one call sends on every attempt, before credentials.
struct Call {
    method: Method,
    url: reqwest::Url,
    /// `METHOD url`, redacted, for errors and traces.
    shown_url: String,
    headers: HeaderMap,
    idempotency_key: Option<String>,
    policy: RetryPolicy,
    timeout: Duration,
}

/// A response read in full within one attempt.
pub(crate) struct Received {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) request_id: Option<String>,
}

/// The outcome of one attempt plus what debug mode shows about it.
struct Sent {
    result: Result<Received, AttemptError>,
    /// Redacted request headers, only in debug mode.
    request_headers: Option<String>,
}

/// A failed attempt and how the retry policy should see it.
struct AttemptError {
    error: Error,
    failure: FailureClass,
}

#[derive(Clone, Copy)]
enum FailureClass {
    Connect,
    Timeout,
    Other,
}

impl From<Error> for AttemptError {
    fn from(error: Error) -> Self {
        Self {
            error,
            failure: FailureClass::Other,
        }
    }
}

fn prepare(inner: &ClientRef, request: &mut Request) -> Result<Call> {
    if let Some(e) = request.error.take() {
        return Err(e);
    }
    let method = request.op.method.clone();
    if request.path.contains('{') {
        let message = format!("a path parameter of `{}` was not set", request.op.path);
        return Err(error::builder(message));
    }
    let mut url = reqwest::Url::parse(&format!("{}{}", inner.base_url, request.path))
        .map_err(|e| error::builder(format!("invalid request URL: {e}")))?;
    if !request.query.is_empty() {
        url.set_query(Some(&request.query.join("&")));
    }
    let shown_url = format!("{method} {}", inner.redactor.url(&url));
    let headers = headers(inner, request).map_err(|e| e.with_url(shown_url.clone()))?;
    let mut call = Call {
        method,
        url,
        shown_url,
        headers,
        idempotency_key: None,
        policy: inner.retry.clone(),
        timeout: request.options.timeout.unwrap_or(inner.timeout),
    };
    if let Some(n) = request.options.max_retries {
        call.policy = call.policy.with_max_retries(n);
    }
    idempotency_key(inner, request, &mut call)?;
    Ok(call)
}

/// Default headers, then the user agent, parameter headers and call-option
/// headers, each replacing earlier values of the same name.
fn headers(inner: &ClientRef, request: &mut Request) -> Result<HeaderMap> {
    let mut headers = inner.default_headers.clone();
    headers
        .entry(USER_AGENT)
        .or_insert_with(|| inner.user_agent.clone());
    replace_all(&mut headers, std::mem::take(&mut request.headers));
    let mut options = HeaderMap::new();
    for (name, value) in &request.options.headers {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| error::builder(format!("invalid header name `{name}` in call options")))?;
        let value = HeaderValue::from_str(value).map_err(|_| {
            error::builder(format!(
                "header `{name}` in call options has an invalid value"
            ))
        })?;
        options.append(name, value);
    }
    replace_all(&mut headers, options);
    Ok(headers)
}

fn replace_all(target: &mut HeaderMap, source: HeaderMap) {
    for name in source.keys() {
        target.remove(name);
    }
    for (name, value) in &source {
        target.append(name, value.clone());
    }
}

/// Mints the key once per call: the caller's key wins, then a key already set
/// as a header parameter, then a generated one for unsafe methods.
fn idempotency_key(inner: &ClientRef, request: &Request, call: &mut Call) -> Result<()> {
    let header = &inner.idempotency_header;
    let key = match &request.options.idempotency_key {
        Some(key) => Some(IdempotencyKey::new(key.as_str()).map_err(|e| {
            error::builder("invalid idempotency key in call options")
                .with_source(e)
                .with_url(call.shown_url.clone())
        })?),
        None if call.headers.contains_key(header) || !idempotency::needs_key(&call.method) => None,
        None => Some(IdempotencyKey::generate()),
    };
    if let Some(key) = key {
        call.headers.insert(header.clone(), key.header_value());
    }
    call.idempotency_key = call
        .headers
        .get(header)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    Ok(())
}

/// One attempt: credentials, send, read, all within the timeout.
async fn send(inner: &ClientRef, call: &Call, request: &mut Request) -> Sent {
    let (url, mut headers) = match authenticate(inner, call, request) {
        Ok(prepared) => prepared,
        Err(error) => {
            return Sent {
                result: Err(error.into()),
                request_headers: None,
            };
        }
    };
    // The response cache (opt-in) may answer on its own or add validators.
    let cached = cache::lookup(inner, request.op.id, &call.method, &url, &mut headers, &call.shown_url);
    let pending = match cached {
        cache::Lookup::Hit(received) => {
            return Sent {
                result: Ok(received),
                request_headers: None,
            };
        }
        cache::Lookup::Pending(pending) => pending,
    };
    let request_headers = debug_enabled(inner).then(|| inner.redactor.headers(&headers));
    let builder = inner
        .http
        .request(call.method.clone(), url)
        .headers(headers);
    let result = match with_body(builder, &mut request.body) {
        Ok(builder) => exchange(inner, builder, call.timeout).await,
        Err(error) => Err(error.into()),
    };
    Sent {
        result: result.map(|received| pending.finish(received)),
        request_headers,
    }
}

/// The URL and headers of one attempt, with the current credentials applied.
fn authenticate(
    inner: &ClientRef,
    call: &Call,
    request: &Request,
) -> Result<(reqwest::Url, HeaderMap)> {
    let credentials = inner.credentials.current()?;
    let applied = auth::apply(inner.api, request.op, &credentials)?;
    let mut url = call.url.clone();
    if !applied.query.is_empty() {
        // Some documents (Trello's) also declare the key as an ordinary query
        // parameter; the value passed for it wins, so the key is never sent twice.
        let declared: Vec<String> = url
            .query_pairs()
            .map(|(name, _)| name.into_owned())
            .collect();
        let mut query = url.query().unwrap_or_default().to_owned();
        for (name, value) in &applied.query {
            if declared.iter().any(|d| d == name) {
                continue;
            }
            if !query.is_empty() {
                query.push('&');
            }
            query.push_str(&encode::query_pair(name, value));
        }
        url.set_query(Some(&query));
    }
    let mut headers = call.headers.clone();
    auth::insert_headers(&mut headers, &applied);
    let cookies: Vec<String> = headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_owned))
        .chain(request.cookies.iter().map(|(n, v)| format!("{n}={v}")))
        .chain(
            applied
                .cookies
                .iter()
                .map(|(n, v)| format!("{n}={}", encode::cookie_value(v))),
        )
        .collect();
    if !cookies.is_empty() {
        let mut value = HeaderValue::try_from(cookies.join("; ")).map_err(|_| {
            error::builder("a cookie contains characters not allowed in an HTTP header")
        })?;
        value.set_sensitive(!applied.cookies.is_empty());
        headers.insert(COOKIE, value);
    }
    Ok((url, headers))
}

fn with_body(builder: reqwest::RequestBuilder, body: &mut Body) -> Result<reqwest::RequestBuilder> {
    Ok(match body {
        Body::Empty => builder,
        Body::Buffered(bytes, content_type) => builder
            .header(CONTENT_TYPE, content_type.clone())
            .body(bytes.clone()),
        Body::Multipart(parts) => {
            let mut form = reqwest::multipart::Form::new();
            for part in parts.iter() {
                let mut p = reqwest::multipart::Part::stream(part.data.clone());
                if part.file {
                    p = p
                        .file_name(part.name.clone())
                        .mime_str("application/octet-stream")
                        .map_err(|e| {
                            error::builder("invalid multipart content type")
                                .with_source(e.without_url())
                        })?;
                }
                form = form.part(part.name.clone(), p);
            }
            builder.multipart(form)
        }
        Body::Stream(stream, content_type) => match stream.take() {
            Some(stream) => builder
                .header(CONTENT_TYPE, content_type.clone())
                .body(stream),
            None => return Err(error::builder("a streaming body can be sent only once")),
        },
    })
}

/// Sends and reads the whole body, stopping at the size cap, all before one
/// deadline. A body that stalls after the head arrived times out with the
/// status and request ID of that head, so the caller can still quote them.
async fn exchange(
    inner: &ClientRef,
    builder: reqwest::RequestBuilder,
    timeout: Duration,
) -> Result<Received, AttemptError> {
    // `None` (a timeout too large to add to now) means no deadline at all.
    let deadline = Instant::now().checked_add(timeout);
    let timed_out = || AttemptError {
        error: Error::new(Kind::Timeout)
            .with_message(format!("no complete response within {timeout:?}")),
        failure: FailureClass::Timeout,
    };
    let transport = |e: reqwest::Error| {
        let failure = match Failure::from_reqwest(&e) {
            Failure::Timeout => FailureClass::Timeout,
            Failure::Connect => FailureClass::Connect,
            _ => FailureClass::Other,
        };
        AttemptError {
            error: error::transport(e),
            failure,
        }
    };
    let mut response = within(deadline, builder.send())
        .await
        .ok_or_else(timed_out)?
        .map_err(transport)?;
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let request_id = crate::request_id::read(&headers, &inner.request_id_header);
    let with_response = |e: AttemptError| AttemptError {
        error: e.error.with_response(status, request_id.clone(), None),
        failure: e.failure,
    };
    let cap = inner.max_response_bytes;
    let too_large = || {
        with_response(AttemptError::from(Error::new(Kind::Body).with_message(
            format!("the response body exceeds the limit of {cap} bytes"),
        )))
    };
    if response
        .content_length()
        .is_some_and(|len| len > cap as u64)
    {
        return Err(too_large());
    }
    let mut body = Vec::new();
    // reqwest reports every failure while reading the body as a decode error,
    // but without content decoding it can only mean the connection ended
    // before the body did: retryable, like a connection dropped earlier.
    let cut_short = |e: reqwest::Error| {
        with_response(AttemptError {
            error: error::transport(e),
            failure: FailureClass::Connect,
        })
    };
    while let Some(chunk) = within(deadline, response.chunk())
        .await
        .ok_or_else(|| with_response(timed_out()))?
        .map_err(cut_short)?
    {
        if body.len() + chunk.len() > cap {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Received {
        status,
        headers,
        body: Bytes::from(body),
        request_id,
    })
}

/// Runs `future` until `deadline`; `None` when the deadline passed first.
async fn within<F: std::future::Future>(deadline: Option<Instant>, future: F) -> Option<F::Output> {
    match deadline {
        Some(deadline) => tokio::time::timeout_at(deadline, future).await.ok(),
        None => Some(future.await),
    }
}

/// How the retry policy sees an attempt's outcome; `None` for a success.
fn failure(result: &Result<Received, AttemptError>) -> Option<Failure<'_>> {
    match result {
        Ok(r) if r.status.is_success() => None,
        Ok(r) => Some(Failure::Status {
            status: r.status,
            headers: &r.headers,
        }),
        Err(e) => Some(match e.failure {
            FailureClass::Connect => Failure::Connect,
            FailureClass::Timeout => Failure::Timeout,
            FailureClass::Other => Failure::Other,
        }),
    }
}

fn finish(
    result: Result<Received, AttemptError>,
    attempts: u32,
    retryable: bool,
    url: String,
) -> Result<RawResponse> {
    match result {
        Ok(r) => Ok(RawResponse {
            status: r.status,
            headers: r.headers,
            body: r.body,
            request_id: r.request_id,
            attempts,
            retryable,
            url,
        }),
        Err(e) => Err(e
            .error
            .with_attempts(attempts)
            .with_retryable(retryable)
            .with_url(url)),
    }
}

fn debug_enabled(inner: &ClientRef) -> bool {
    inner.debug && tracing::enabled!(target: "sdk_runtime", tracing::Level::DEBUG)
}

/// Emits the tracing event for one attempt (see the module docs for levels).
#[allow(clippy::too_many_arguments)] // one call site; a struct would only rename these
fn trace_attempt(
    inner: &ClientRef,
    call: &Call,
    request: &Request,
    sent: &Sent,
    attempt: u32,
    elapsed: Duration,
    delay: Option<Duration>,
    retryable: bool,
) {
    let (status, request_id, error) = match &sent.result {
        Ok(r) => (Some(r.status.as_u16()), r.request_id.as_deref(), None),
        Err(e) => (
            e.error.status().map(|s| s.as_u16()),
            e.error.request_id(),
            Some(error_chain(&e.error)),
        ),
    };
    let fields = Fields {
        operation: request.op.id,
        url: &call.shown_url,
        attempt,
        duration_ms: millis(elapsed),
        delay_ms: delay.map(millis),
        status,
        request_id,
        idempotency_key: call.idempotency_key.as_deref(),
        error: error.as_deref(),
    };
    if debug_enabled(inner) {
        let limit = inner.debug_body_limit;
        let response = sent.result.as_ref().ok();
        let request_body = body_preview(inner, &request.body, limit);
        let response_headers = response.map(|r| inner.redactor.headers(&r.headers));
        let response_body = response.map(|r| inner.redactor.body(&r.body, limit));
        let f = &fields;
        tracing::debug!(
            target: "sdk_runtime",
            operation = f.operation, url = f.url, attempt = f.attempt, duration_ms = f.duration_ms,
            delay_ms = f.delay_ms, status = f.status, request_id = f.request_id,
            idempotency_key = f.idempotency_key, error = f.error,
            request_headers = sent.request_headers.as_deref(), request_body = request_body.as_deref(),
            response_headers = response_headers.as_deref(), response_body = response_body.as_deref(),
            "http attempt"
        );
        return;
    }
    let failed = status.is_none_or(|s| !(200..300).contains(&s));
    if !failed {
        return;
    }
    let f = &fields;
    if delay.is_some() {
        tracing::debug!(
            target: "sdk_runtime",
            operation = f.operation, url = f.url, attempt = f.attempt, duration_ms = f.duration_ms,
            delay_ms = f.delay_ms, status = f.status, request_id = f.request_id,
            idempotency_key = f.idempotency_key, error = f.error,
            "retrying"
        );
    } else if retryable || f.error.is_some() {
        tracing::warn!(
            target: "sdk_runtime",
            operation = f.operation, url = f.url, attempt = f.attempt, duration_ms = f.duration_ms,
            status = f.status, request_id = f.request_id, idempotency_key = f.idempotency_key,
            error = f.error,
            "request failed"
        );
    } else {
        tracing::debug!(
            target: "sdk_runtime",
            operation = f.operation, url = f.url, attempt = f.attempt, duration_ms = f.duration_ms,
            status = f.status, request_id = f.request_id, idempotency_key = f.idempotency_key,
            "request failed"
        );
    }
}

/// The fields every event carries.
struct Fields<'a> {
    operation: &'static str,
    url: &'a str,
    attempt: u32,
    duration_ms: u64,
    delay_ms: Option<u64>,
    status: Option<u16>,
    request_id: Option<&'a str>,
    idempotency_key: Option<&'a str>,
    error: Option<&'a str>,
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
