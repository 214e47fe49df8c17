//! The one interface between the execute loop and the policies: [`Stage`].
//!
//! A call moves through four phases, and the loop calls every stage's hook
//! for a phase in the order the stages were listed when the client was built
//! (`client/config.rs` writes that list once):
//!
//! | phase | hook | what a stage may do |
//! |---|---|---|
//! | before the first attempt | [`before_call`](Stage::before_call) | read the request, publish facts for later stages (the idempotency key, the deadline), fail the call |
//! | before each attempt | [`before_attempt`](Stage::before_attempt) | change the outgoing URL and headers, hold the attempt until an instant, answer it without sending, fail it |
//! | after each response | [`after_response`](Stage::after_response) | read or replace the response, ask for another attempt |
//! | on error | [`on_error`](Stage::on_error) | read or annotate an attempt that ended without a response, ask for another attempt |
//!
//! The loop itself knows nothing about any policy: it only builds the request,
//! runs the hooks, sends, awaits (within the attempt's timeout and the call's
//! deadline, which stages set) and goes round again when a stage asked for it.
//! Every hook has a default that does nothing, so a stage implements only the
//! phases it cares about; a stage that is switched off is not in the list at
//! all, so it costs nothing.
//!
//! Hooks are synchronous. A stage that needs to wait (a rate limiter) returns
//! [`Flow::Hold`] and the loop does the waiting, so every wait is bounded by
//! the call's deadline in one place.

use std::any::Any;
use std::time::Duration;

use http::{HeaderMap, HeaderValue, StatusCode};
use tokio::time::Instant;

use crate::error::{Error, Result};
use crate::pipeline::request::Request;
use crate::pipeline::target::Target;
use crate::types::Bytes;

/// One step of the request pipeline (see the [module docs](self)).
pub(crate) trait Stage: Send + Sync {
    /// Runs once per call, before the first attempt. An error ends the call
    /// before anything is sent.
    fn before_call(&self, _call: &mut Exchange<'_, '_>) -> Result<()> {
        Ok(())
    }

    /// Runs before every attempt, after the stages listed before it.
    fn before_attempt(&self, _call: &mut Exchange<'_, '_>, _outgoing: &mut Outgoing) -> Flow {
        Flow::Continue
    }

    /// Runs after every attempt that produced a complete response, whatever
    /// its status.
    fn after_response(&self, _call: &mut Exchange<'_, '_>, _response: &mut Received) {}

    /// Runs after every attempt that ended without a complete response
    /// (connection failure, timeout, a stage's failure).
    fn on_error(&self, _call: &mut Exchange<'_, '_>, _error: &mut AttemptError) {}
}

/// What a stage's [`before_attempt`](Stage::before_attempt) wants next.
pub(crate) enum Flow {
    /// Go on with the next stage.
    Continue,
    /// Wait until this instant (bounded by the call's deadline), then ask the
    /// same stage again.
    Hold(Instant),
    /// Do not send: this is the attempt's response (a cache hit).
    Respond(Received),
    /// Do not send: the attempt failed.
    Fail(Error),
}

/// One call on its way through the pipeline: the request as generated code
/// described it, and what stages publish for the stages after them.
pub(crate) struct Exchange<'r, 'p> {
    /// The request: operation, parameters, body and per-call options.
    pub(crate) request: &'r mut Request,
    /// Method and URL before credentials, with their redacted rendering.
    pub(crate) target: Target<'p>,
    /// The attempt under way, from 1.
    pub(crate) attempt: u32,
    /// When the attempt under way started.
    pub(crate) started: Instant,
    /// How long one attempt may take; set by the timeout stage.
    pub(crate) attempt_timeout: Option<Duration>,
    /// When the whole call must be over, with the bound it came from; set by
    /// the timeout stage.
    pub(crate) deadline: Option<(Instant, Duration)>,
    /// The idempotency key this call sends; published by the idempotency
    /// stage for events and interceptors.
    pub(crate) idempotency_key: Option<HeaderValue>,
    /// Set by a stage after an attempt: attempt again after this wait.
    pub(crate) retry_in: Option<Duration>,
    /// Whether the last attempt's failure was worth retrying, whether or not
    /// another attempt follows.
    pub(crate) retryable: bool,
    /// Set when retries stopped because the client's retry budget was spent.
    pub(crate) retry_budget_exhausted: bool,
    /// Set when a retry was called for but the body, a stream, cannot be sent again.
    pub(crate) body_not_replayable: bool,
    /// State a stage keeps from `before_attempt` to `after_response` (or
    /// `on_error`) of the same attempt; emptied before every attempt.
    pub(crate) attempt_state: StateMap,
    /// State a stage keeps across the attempts of the call.
    pub(crate) call_state: StateMap,
}

impl<'r, 'p> Exchange<'r, 'p> {
    pub(crate) fn new(request: &'r mut Request, target: Target<'p>) -> Self {
        Exchange {
            request,
            target,
            attempt: 0,
            started: Instant::now(),
            attempt_timeout: None,
            deadline: None,
            idempotency_key: None,
            retry_in: None,
            retryable: false,
            retry_budget_exhausted: false,
            body_not_replayable: false,
            attempt_state: StateMap::default(),
            call_state: StateMap::default(),
        }
    }

    /// The operation's `operationId`.
    pub(crate) fn operation(&self) -> &'static str {
        self.request.op.id
    }

    /// The idempotency key as text, for events.
    pub(crate) fn idempotency_key(&self) -> Option<&str> {
        self.idempotency_key.as_ref().and_then(|v| v.to_str().ok())
    }
}

/// The request of one attempt while the stages build it.
pub(crate) struct Outgoing {
    pub(crate) url: reqwest::Url,
    pub(crate) headers: HeaderMap,
}

/// Values stages keep for later hooks, one per type.
///
/// A few entries at most, so a list beats a hash map; `http::Extensions` would
/// do the same but asks every value to be `Clone`.
#[derive(Default)]
pub(crate) struct StateMap(Vec<Box<dyn Any + Send>>);

impl StateMap {
    /// Stores `value`, replacing an earlier value of the same type.
    pub(crate) fn insert<T: Any + Send>(&mut self, value: T) {
        self.remove::<T>();
        self.0.push(Box::new(value));
    }

    /// Takes the value of type `T` out, if one is stored.
    pub(crate) fn remove<T: Any + Send>(&mut self) -> Option<T> {
        let index = self.0.iter().position(|v| v.is::<T>())?;
        self.0.swap_remove(index).downcast().ok().map(|v| *v)
    }

    pub(crate) fn clear(&mut self) {
        self.0.clear();
    }
}

/// A response read in full within one attempt.
#[derive(Default)]
pub(crate) struct Received {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    /// Set by the request-ID stage.
    pub(crate) request_id: Option<String>,
    /// A 2xx body left unread because the call streams it (`body` is empty).
    pub(crate) unread: Option<Box<reqwest::Response>>,
}

/// An attempt that ended without a complete response.
pub(crate) struct AttemptError {
    pub(crate) error: Error,
    /// What kind of failure it was, for the retry stage.
    pub(crate) failure: FailureClass,
    /// The response head, when one arrived before the failure (a body that
    /// stalled or broke off), so stages can still read its headers.
    pub(crate) head: Option<Box<(StatusCode, HeaderMap)>>,
}

/// How an attempt that got no response failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FailureClass {
    /// The connection could not be made, or broke before the response ended.
    Connect,
    /// The attempt ran out of time.
    Timeout,
    /// Anything else: not worth another attempt.
    Other,
}

impl FailureClass {
    /// Classifies a transport error from `reqwest`: timeouts; connection
    /// failures and errors while sending the request or reading the body (the
    /// connection broke mid-flight); everything else.
    pub(crate) fn of(err: &reqwest::Error) -> Self {
        if err.is_timeout() {
            FailureClass::Timeout
        } else if err.is_connect() || err.is_request() || err.is_body() {
            FailureClass::Connect
        } else {
            FailureClass::Other
        }
    }
}

impl From<Error> for AttemptError {
    fn from(error: Error) -> Self {
        AttemptError {
            error,
            failure: FailureClass::Other,
            head: None,
        }
    }
}
