//! The pipeline core: the one execute path every generated method ends in.
//!
//! [`Pipeline::execute`] is a thin generic wrapper: it calls the non-generic
//! [`Pipeline::execute_raw`], which does all the work once for every response
//! type, and then runs the operation's decoder. That keeps the code generated
//! per operation (and its monomorphized copies) down to a few lines.
//!
//! The core knows no policy. It builds the request's URL and the headers the
//! call itself set, then runs the [`Stage`]s the client was built with (see
//! [`stage`] for the four hooks and `policy/` for the stages):
//!
//! 1. **Before the call**: every stage's `before_call` (the deadline, the
//!    idempotency key).
//! 2. **Each attempt**: every stage's `before_attempt` on the outgoing URL and
//!    headers (a stage may hold the attempt, answer it, or fail it); then
//!    send and read the body up to the size cap ([`receive`]), within the
//!    attempt's timeout and the call's deadline, whichever comes first.
//! 3. **After the attempt**: every stage's `after_response` or `on_error`; a
//!    stage (the retry stage) may ask for another attempt after a wait, which
//!    the core sleeps (`tokio::time::sleep`, so paused-clock tests work), and
//!    goes back to 2.
//! 4. **Finish**: the last response, whatever its status, becomes a
//!    [`RawResponse`]: a 2xx goes to the success decoder, anything else
//!    becomes a status error with the typed error body and the request ID.
//!    A call that streams its success body left a 2xx body unread in step 2;
//!    it goes to the decoder as chunks still to come ([`body_stream`]).
//!
//! # Cost
//!
//! This path carries every request, so a call that succeeds the first time
//! does no work it does not need: the base URL was parsed when the client was
//! built and only the path is parsed here; the stage list holds only what is
//! switched on; the headers are built once per attempt and moved, not copied,
//! into the request; one timer covers the whole attempt; and the redacted
//! `METHOD url` is rendered only for an event or an error.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use http::HeaderMap;
use http::header::CONTENT_TYPE;
use tokio::time::Instant;

use crate::codec::decode::{DecodeErr, DecodeOk};
use crate::codec::unread::{BodyChunks, StreamContext, UnreadBody};
use crate::error::{self, Error, Kind, Result, SecretValues};
use crate::redact::Redactor;

pub(crate) mod body_stream;
pub(crate) mod future;
pub mod interceptor;
pub(crate) mod options;
pub(crate) mod receive;
pub(crate) mod request;
pub(crate) mod response;
pub(crate) mod stage;
pub(crate) mod target;

use body_stream::body_chunks;
use future::{RawFuture, ResponseFuture};
use receive::{Head, attempt_timeout_message, receive, timed_out};
use request::Request;
use response::RawResponse;
use stage::{AttemptError, Exchange, Flow, Outgoing, Received, Stage};
use target::{BaseUrl, Target};

/// Everything a call needs besides its request: the connection pool, the
/// base URL, the redactor for what errors show, and the stages in order.
pub(crate) struct Pipeline {
    pub(crate) http: reqwest::Client,
    pub(crate) base: BaseUrl,
    pub(crate) redactor: Redactor,
    /// Also the auth stage's; errors redact its secrets from the bodies they keep.
    pub(crate) credentials: Arc<dyn SecretValues>,
    pub(crate) max_response_bytes: usize,
    pub(crate) stages: Vec<Box<dyn Stage>>,
}

/// Headers a typical request carries when it goes out (user agent,
/// idempotency key, credential, content type, reqwest's `accept`, hyper's
/// `host` and `content-length`), so the map is allocated once.
const HEADERS_SENT: usize = 8;

impl Pipeline {
    /// Sends `request` and decodes the response with `ok` (2xx) or `err`.
    pub(crate) fn execute<T>(
        &self,
        request: Request,
        ok: DecodeOk<T>,
        err: DecodeErr,
    ) -> ResponseFuture<'_, T> {
        ResponseFuture::new(self.execute_raw(request), ok, err)
    }

    /// Runs the call through every stage and returns the last response,
    /// whatever its status.
    ///
    /// The future is boxed here, once, and kept small: only what an attempt
    /// needs while it waits lives in it.
    pub(crate) fn execute_raw(&self, mut request: Request) -> RawFuture<'_> {
        // `request` is captured, not rebound inside: a rebinding would be
        // stored in the future twice.
        Box::pin(async move {
            let target = self.prepare(&mut request)?;
            let mut call = Exchange::new(&mut request, target);
            for stage in &self.stages {
                if let Err(e) = stage.before_call(&mut call) {
                    return Err(with_url(e, call.target));
                }
            }
            loop {
                call.attempt += 1;
                call.started = Instant::now();
                call.retry_in = None;
                call.attempt_state.clear();
                // Awaited here, in the loop's own body, not in a helper
                // `async fn`: a nested future would be kept in this one's
                // state while it waits.
                let mut outgoing = Outgoing {
                    url: call.target.url().clone(),
                    headers: call_headers(call.request),
                };
                let mut answer = None;
                'stages: for stage in &self.stages {
                    loop {
                        match stage.before_attempt(&mut call, &mut outgoing) {
                            Flow::Continue => break,
                            Flow::Hold(until) => match call.deadline {
                                Some((deadline, bound)) if until >= deadline => {
                                    tokio::time::sleep_until(deadline).await;
                                    answer = Some(Err(deadline_passed(bound)));
                                    break 'stages;
                                }
                                _ => tokio::time::sleep_until(until).await,
                            },
                            Flow::Respond(response) => {
                                answer = Some(Ok(response));
                                break 'stages;
                            }
                            Flow::Fail(error) => {
                                answer = Some(Err(error.into()));
                                break 'stages;
                            }
                        }
                    }
                }
                let mut result = match answer {
                    Some(answer) => answer,
                    None => {
                        let mut head: Head = None;
                        let (bound, message) = self.attempt_bound(&call);
                        let sending = self.send(&mut call, outgoing);
                        let received = match sending {
                            Ok(sending) => {
                                let stream = call.request.stream_response;
                                let receiving =
                                    receive(self.max_response_bytes, stream, sending, &mut head);
                                match bound {
                                    Some(at) => tokio::time::timeout_at(at, receiving).await.ok(),
                                    None => Some(receiving.await),
                                }
                            }
                            Err(e) => Some(Err(e.into())),
                        };
                        received.unwrap_or_else(|| Err(timed_out(message(), &mut head)))
                    }
                };
                match &mut result {
                    Ok(response) => {
                        for stage in &self.stages {
                            stage.after_response(&mut call, response);
                        }
                    }
                    Err(error) => {
                        for stage in &self.stages {
                            stage.on_error(&mut call, error);
                        }
                    }
                }
                let Some(delay) = call.retry_in else {
                    return finish(result, call);
                };
                match call.deadline {
                    Some((deadline, bound)) if Instant::now() + delay >= deadline => {
                        tokio::time::sleep_until(deadline).await;
                        return finish(Err(after_deadline(result, bound)), call);
                    }
                    _ => tokio::time::sleep(delay).await,
                }
            }
        })
    }

    /// Reports a stored parameter error and builds the URL.
    fn prepare<'a>(&'a self, request: &mut Request) -> Result<Target<'a>> {
        if let Some(e) = request.error.take() {
            return Err(e);
        }
        if let Some(e) = request.options.header_error() {
            return Err(e);
        }
        if request.path.contains('{') {
            let message = format!("a path parameter of `{}` was not set", request.op.path);
            return Err(error::builder(message));
        }
        let url = self.base.join(&request.path, &request.query)?;
        Ok(Target::new(
            request.op.method.clone(),
            url,
            &self.redactor,
            &*self.credentials,
        ))
    }

    /// When this attempt must end, and the message if it does not: the
    /// earlier of its own timeout and the call's deadline.
    fn attempt_bound(
        &self,
        call: &Exchange<'_, '_>,
    ) -> (Option<Instant>, impl FnOnce() -> String + use<>) {
        let timeout = call.attempt_timeout.unwrap_or(Duration::MAX);
        let own = call.started.checked_add(timeout);
        let (bound, by_deadline) = match (own, call.deadline) {
            (Some(own), Some((deadline, bound))) if deadline < own => (Some(deadline), Some(bound)),
            (own, _) => (own, None),
        };
        let message = move || match by_deadline {
            Some(bound) => deadline_message(bound),
            None => attempt_timeout_message(timeout),
        };
        (bound, message)
    }

    /// Puts the outgoing URL, headers and body on a request and starts it.
    fn send(
        &self,
        call: &mut Exchange<'_, '_>,
        outgoing: Outgoing,
    ) -> Result<impl Future<Output = reqwest::Result<reqwest::Response>> + use<>> {
        let mut http_request = reqwest::Request::new(call.target.method().clone(), outgoing.url);
        // Moved, not merged: the map was built for this attempt.
        *http_request.headers_mut() = outgoing.headers;
        let http_request = call.request.body.attach(http_request, &self.http)?;
        Ok(self.http.execute(http_request))
    }
}

/// The headers the call itself sets: parameters, then call-option headers
/// replacing parameters of the same name, then the body's content type.
fn call_headers(request: &Request) -> HeaderMap {
    let mut headers = HeaderMap::with_capacity(HEADERS_SENT);
    for (name, value) in &request.headers {
        headers.append(name, value.clone());
    }
    let options = &request.options.headers;
    for name in options.keys() {
        headers.remove(name);
    }
    for (name, value) in options {
        headers.append(name, value.clone());
    }
    if let Some(content_type) = request.body.content_type() {
        headers.insert(CONTENT_TYPE, content_type.clone());
    }
    headers
}

fn deadline_message(bound: Duration) -> String {
    format!("the call did not complete within its deadline of {bound:?}")
}

/// The error of a call whose deadline passed before an attempt could start.
fn deadline_passed(bound: Duration) -> AttemptError {
    let mut head = None;
    timed_out(deadline_message(bound), &mut head)
}

/// The error of a call whose deadline passed while it waited to retry: a
/// timeout, quoting the last response's status and request ID.
fn after_deadline(last: Result<Received, AttemptError>, bound: Duration) -> AttemptError {
    let mut error = Error::new(Kind::Timeout).with_message(deadline_message(bound));
    match last {
        Ok(response) => {
            let status = response.status;
            error = error
                .with_response(status, response.request_id, None)
                .with_body(response.body, None);
        }
        Err(last) => error = error.with_source(last.error),
    }
    error.into()
}

fn with_url(error: Error, target: Target<'_>) -> Error {
    if error.has_url() {
        error
    } else {
        error.with_url(target.into_shown())
    }
}

/// Why a failure that called for a retry was not retried.
const NOT_REPLAYABLE: &str =
    "not retried: the request body is a stream, which can be sent only once";

/// What the errors of a streamed body quote.
fn stream_context(response: &Received, call: &Exchange<'_, '_>) -> StreamContext {
    StreamContext {
        status: response.status,
        request_id: response.request_id.clone(),
        url: call.target.shown().to_owned(),
    }
}

fn finish<'a>(
    result: Result<Received, AttemptError>,
    call: Exchange<'_, 'a>,
) -> Result<RawResponse<'a>> {
    let (attempts, retryable, exhausted) =
        (call.attempt, call.retryable, call.retry_budget_exhausted);
    let not_retried = call.body_not_replayable.then_some(NOT_REPLAYABLE);
    match result {
        Ok(mut r) => {
            let unread = match r.unread.take() {
                Some(response) => {
                    let context = stream_context(&r, &call);
                    let chunks = body_chunks(
                        *response,
                        call.attempt_timeout,
                        call.deadline,
                        context.clone(),
                    );
                    Some(UnreadBody::new(chunks, context))
                }
                // A streaming call answered from the cache: the stream reads
                // the stored body.
                None if call.request.stream_response && r.status.is_success() => {
                    let chunk = std::mem::take(&mut r.body);
                    let chunks: BodyChunks = Box::pin(futures::stream::iter([Ok(chunk)]));
                    Some(UnreadBody::new(chunks, stream_context(&r, &call)))
                }
                None => None,
            };
            Ok(RawResponse {
                status: r.status,
                headers: r.headers,
                body: r.body,
                request_id: r.request_id,
                attempts,
                retryable,
                retry_budget_exhausted: exhausted,
                target: call.target,
                unread,
                note: not_retried,
            })
        }
        Err(e) => Err(with_url(e.error, call.target)
            .with_note_if(not_retried)
            .with_attempts(attempts)
            .with_retryable(retryable)
            .with_retry_budget_exhausted(exhausted)),
    }
}
