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
//!    body up to the size cap (`execute/receive.rs`), all within the
//!    timeout.
//! 3. **Classify** the outcome with the [`RetryPolicy`](crate::retry::RetryPolicy);
//!    when it is retryable, budget remains and the body can be replayed, wait
//!    the policy's delay (`tokio::time::sleep`, so paused-clock tests work)
//!    and go back to 2.
//! 4. **Finish**: a 2xx goes to the success decoder; anything else becomes a
//!    status error with the typed error body, the raw body and the request ID.
//!
//! Every attempt is reported to `tracing` on target `sdk_runtime` (see
//! [`crate::attempt_log`] for the events and [`crate::trace`] for redaction):
//! in debug mode one `DEBUG` event per attempt with headers and truncated
//! bodies; otherwise only retries (`DEBUG`) and failures (`DEBUG`, or `WARN`
//! when retries ran out or the server was unreachable).
//!
//! # Cost
//!
//! This path carries every request, so a call that succeeds the first time
//! does no work it does not need: the base URL was parsed when the client was
//! built and only the path is parsed here; credentials were rendered into
//! header values when they were set (a provider's are rendered per attempt);
//! the headers built by step 1 are moved into the first attempt's request
//! and rebuilt only for a retry; one timer covers the whole attempt; the
//! response cache is skipped outright when none is configured; and the
//! redacted `METHOD url` is rendered only for an event or an error.

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, SystemTime};

use http::header::{Entry, USER_AGENT};
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use tokio::time::Instant;

use crate::attempt_log::{self, Attempt, Target};
use crate::cache;
use crate::call::ResponseFuture;
use crate::client::{Client, ClientRef};
use crate::decode::{DecodeErr, DecodeError, DecodeOk, ErrorBody, ResponseParts};
use crate::error::{self, Error, Kind, Result};
use crate::idempotency::{self, IdempotencyKey};
use crate::request::Request;
use crate::response::{Response, ResponseHead};
use crate::retry::{Failure, RetryPolicy};
use crate::types::Bytes;

mod receive;

use receive::{receive, timed_out};

/// Sends `request` with retries and decodes the response.
///
/// A 2xx response is decoded with `ok`; a decoder failure becomes a decode
/// error ([`Error::is_decode`]) that keeps the raw body. Any other status
/// becomes a status error ([`Error::is_status`]) carrying the typed body `err`
/// produced, the raw body and the request ID.
pub fn execute<T>(
    client: &Client,
    request: Request,
    ok: DecodeOk<T>,
    err: DecodeErr,
) -> ResponseFuture<'_, T> {
    ResponseFuture::new(execute_raw(client, request), ok, err)
}

/// Runs prepare, attempt and classify (module docs, steps 1 to 3) and returns
/// the final response, whatever its status.
///
/// The future is boxed here, once, and kept small: only what an attempt needs
/// while it waits lives in it, so moving and allocating it stays cheap.
pub(crate) fn execute_raw(client: &Client, mut request: Request) -> RawFuture<'_> {
    // `request` is captured, not rebound inside: a rebinding would be stored
    // in the future twice.
    Box::pin(async move {
        let inner = &*client.inner;
        let mut call = prepare(inner, &mut request)?;
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let started = Instant::now();
            // The attempt is awaited here, not in a helper `async fn`, and
            // outside any `match`: a nested future, or a matched value, would
            // be kept in this future's state while it waits.
            let sent = 'sent: {
                let (http_request, ready) = match begin(inner, &mut call, &mut request) {
                    Begin::Send(http_request, ready) => (http_request, ready),
                    Begin::Done(sent) => break 'sent sent,
                };
                let mut head = None;
                let receiving = receive(inner, inner.http.execute(http_request), &mut head);
                // `None` (a timeout too large to add to now) means no deadline.
                let received = match started.checked_add(call.timeout) {
                    Some(deadline) => tokio::time::timeout_at(deadline, receiving).await.ok(),
                    None => Some(receiving.await),
                };
                let timed_out = || Err(timed_out(call.timeout, &head));
                ready.finish(received.unwrap_or_else(timed_out))
            };
            let failure = failure(&sent.result);
            let retryable = failure
                .as_ref()
                .is_some_and(|f| call.policy.should_retry(f));
            let retry =
                retryable && attempt <= call.policy.max_retries() && request.body.is_replayable();
            let headers = sent.result.as_ref().ok().map(|r| &r.headers);
            let delay = retry.then(|| call.policy.delay(attempt - 1, headers, fastrand::f64()));
            attempt_log::record(
                inner,
                &Attempt {
                    operation: request.op.id,
                    target: &call.target,
                    idempotency_key: call.idempotency_key(),
                    number: attempt,
                    started,
                    delay,
                    retryable,
                    outcome: sent.result.as_ref().map_err(|e| &e.error),
                    request_headers: sent.request_headers.as_deref(),
                    request_body: &request.body,
                },
            );
            match delay {
                Some(delay) => tokio::time::sleep(delay).await,
                None => return finish(sent.result, attempt, retryable, call.target),
            }
        }
    })
}

/// The boxed future of [`execute_raw`].
pub(crate) type RawFuture<'a> = Pin<Box<dyn Future<Output = Result<RawResponse<'a>>> + Send + 'a>>;

// ===== internal =====

/// A complete response after the last attempt.
pub(crate) struct RawResponse<'a> {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    request_id: Option<String>,
    attempts: u32,
    retryable: bool,
    /// For the error, if this response becomes one.
    target: Target<'a>,
}

impl RawResponse<'_> {
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
            .with_url(self.target.into_shown())
            .with_attempts(self.attempts)
            .with_retryable(self.retryable && kind == Kind::Status)
    }
}

/// What one call sends on every attempt, before credentials.
struct Call<'a> {
    target: Target<'a>,
    /// The first attempt's headers, built (and so validated) by `prepare`;
    /// a retry builds its own, since these move into the sent request.
    first_headers: Option<HeaderMap>,
    /// The idempotency key this call adds (the caller's or a generated one),
    /// put on every rebuilt header map.
    added_key: Option<IdempotencyKey>,
    /// The key a header parameter (or a call-option header) set, for events.
    header_key: Option<HeaderValue>,
    policy: RetryPolicy,
    timeout: Duration,
}

impl Call<'_> {
    /// The key as sent, whichever source set it.
    fn idempotency_key(&self) -> Option<&str> {
        match (&self.added_key, &self.header_key) {
            (Some(key), _) => Some(key.as_str()),
            (None, Some(value)) => value.to_str().ok(),
            (None, None) => None,
        }
    }
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

fn prepare<'a>(inner: &'a ClientRef, request: &mut Request) -> Result<Call<'a>> {
    if let Some(e) = request.error.take() {
        return Err(e);
    }
    if request.path.contains('{') {
        let message = format!("a path parameter of `{}` was not set", request.op.path);
        return Err(error::builder(message));
    }
    let url = inner.url(&request.path, &request.query)?;
    let target = Target::new(request.op.method.clone(), url, &inner.redactor);
    let with_url = |e: Error, target: Target<'_>| e.with_url(target.into_shown());
    let mut headers = match headers(inner, request) {
        Ok(headers) => headers,
        Err(e) => return Err(with_url(e, target)),
    };
    let (added_key, header_key) = match idempotency_key(inner, request, &mut headers) {
        Ok(keys) => keys,
        Err(e) => return Err(with_url(e, target)),
    };
    let mut policy = inner.retry.clone();
    if let Some(n) = request.options.max_retries {
        policy = policy.with_max_retries(n);
    }
    Ok(Call {
        target,
        first_headers: Some(headers),
        added_key,
        header_key,
        policy,
        timeout: request.options.timeout.unwrap_or(inner.timeout),
    })
}

/// Headers a typical request carries when it goes out.
const HEADERS_SENT: usize = 8;

/// Default headers, then the user agent, parameter headers and call-option
/// headers, each replacing earlier values of the same name.
fn headers(inner: &ClientRef, request: &Request) -> Result<HeaderMap> {
    let mut headers = if inner.default_headers.is_empty() {
        // Room for what is added before sending (user agent, idempotency key,
        // credential, content type, reqwest's `accept`, hyper's `host` and
        // `content-length`), so the map is allocated once and never grows.
        let mut headers = HeaderMap::with_capacity(HEADERS_SENT);
        headers.insert(USER_AGENT, inner.user_agent.clone());
        headers
    } else {
        let mut headers = inner.default_headers.clone();
        headers
            .entry(USER_AGENT)
            .or_insert_with(|| inner.user_agent.clone());
        headers
    };
    replace_all(&mut headers, &request.headers);
    if request.options.headers.is_empty() {
        return Ok(headers);
    }
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
    replace_all(&mut headers, &options);
    Ok(headers)
}

fn replace_all(target: &mut HeaderMap, source: &HeaderMap) {
    for name in source.keys() {
        target.remove(name);
    }
    for (name, value) in source {
        target.append(name, value.clone());
    }
}

/// Mints the key once per call and puts it in `headers`: the caller's key
/// wins, then a key already set as a header parameter, then a generated one
/// for unsafe methods. Returns the key added, or the one found.
fn idempotency_key(
    inner: &ClientRef,
    request: &Request,
    headers: &mut HeaderMap,
) -> Result<(Option<IdempotencyKey>, Option<HeaderValue>)> {
    // One lookup of the header serves every case.
    let entry = headers.entry(inner.idempotency_header.clone());
    let key = match (&request.options.idempotency_key, entry) {
        (Some(key), entry) => {
            let key = IdempotencyKey::new(key.as_str()).map_err(|e| {
                error::builder("invalid idempotency key in call options").with_source(e)
            })?;
            match entry {
                Entry::Occupied(mut e) => {
                    e.insert(key.header_value());
                }
                Entry::Vacant(e) => {
                    e.insert(key.header_value());
                }
            }
            key
        }
        (None, Entry::Occupied(e)) => return Ok((None, Some(e.get().clone()))),
        (None, Entry::Vacant(_)) if !idempotency::needs_key(&request.op.method) => {
            return Ok((None, None));
        }
        (None, Entry::Vacant(e)) => {
            let key = IdempotencyKey::generate();
            e.insert(key.header_value());
            key
        }
    };
    Ok((Some(key), None))
}

/// How an attempt starts: a request to send, or an outcome already known.
enum Begin {
    Send(reqwest::Request, Ready),
    /// Answered by the cache, or failed before sending.
    Done(Sent),
}

/// What an attempt keeps while its request is on the wire.
struct Ready {
    /// The cache's bookkeeping for this request, when a cache is configured.
    pending: Option<cache::Pending>,
    request_headers: Option<String>,
}

impl Ready {
    fn finish(self, result: Result<Received, AttemptError>) -> Sent {
        Sent {
            result: match self.pending {
                Some(pending) => result.map(|received| pending.finish(received)),
                None => result,
            },
            request_headers: self.request_headers,
        }
    }
}

/// Starts one attempt: credentials, the response cache, the request.
fn begin(inner: &ClientRef, call: &mut Call<'_>, request: &mut Request) -> Begin {
    let failed = |error: Error| {
        Begin::Done(Sent {
            result: Err(error.into()),
            request_headers: None,
        })
    };
    let (url, mut headers) = match authenticate(inner, call, request) {
        Ok(prepared) => prepared,
        Err(error) => return failed(error),
    };
    // The response cache (opt-in) may answer on its own or add validators.
    let mut pending = None;
    if inner.cache.is_some() {
        let (op, method, shown) = (request.op.id, call.target.method(), call.target.shown());
        match cache::lookup(inner, op, method, &url, &mut headers, shown) {
            cache::Lookup::Hit(received) => {
                return Begin::Done(Sent {
                    result: Ok(received),
                    request_headers: None,
                });
            }
            cache::Lookup::Pending(p) => pending = Some(p),
        }
    }
    let request_headers = attempt_log::request_headers(inner, &headers);
    let mut http_request = reqwest::Request::new(call.target.method().clone(), url);
    // Moved, not merged: the map was built for this attempt.
    *http_request.headers_mut() = headers;
    match request.body.attach(http_request, &inner.http) {
        Ok(http_request) => Begin::Send(
            http_request,
            Ready {
                pending,
                request_headers,
            },
        ),
        Err(error) => Begin::Done(Sent {
            result: Err(error.into()),
            request_headers,
        }),
    }
}

/// The URL and headers of one attempt, with the current credentials applied.
fn authenticate(
    inner: &ClientRef,
    call: &mut Call<'_>,
    request: &Request,
) -> Result<(reqwest::Url, HeaderMap)> {
    let credentials = inner.credentials.current()?;
    let mut headers = match call.first_headers.take() {
        Some(headers) => headers,
        None => {
            let mut headers = headers(inner, request)?;
            if let Some(key) = &call.added_key {
                headers.insert(inner.idempotency_header.clone(), key.header_value());
            }
            headers
        }
    };
    let mut url = call.target.url().clone();
    let (api, op) = (inner.api, request.op);
    credentials.apply_to(api, op, &mut url, &mut headers, &request.cookies)?;
    Ok((url, headers))
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
    target: Target<'_>,
) -> Result<RawResponse<'_>> {
    match result {
        Ok(r) => Ok(RawResponse {
            status: r.status,
            headers: r.headers,
            body: r.body,
            request_id: r.request_id,
            attempts,
            retryable,
            target,
        }),
        Err(e) => Err(e
            .error
            .with_attempts(attempts)
            .with_retryable(retryable)
            .with_url(target.into_shown())),
    }
}
