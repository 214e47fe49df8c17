//! Hooks of your own on every attempt: [`Interceptor`].
//!
//! An interceptor sees each attempt of a call three times at most: before it
//! is sent (and may change its URL and headers), when its response arrives
//! (whatever the status), and when it fails without a response. Add one to a
//! client with [`ClientBuilder::interceptor`](crate::ClientBuilder::interceptor)
//! or to one call with [`CallOptions::interceptor`](crate::CallOptions::interceptor)
//! (or the builders' `.interceptor(..)`); the client's run first, then the
//! call's, each in the order added.
//!
//! # Where interceptors run
//!
//! On **every attempt**, so a signature or a timestamp is fresh on each retry;
//! **after** the default headers, the idempotency key and the credentials are
//! on the request, so a signature can cover them; and **before** the debug
//! events record the request, so what an interceptor adds is logged, and
//! redacted when the value is marked sensitive
//! ([`HeaderValue::set_sensitive`](http::HeaderValue::set_sensitive)) or its
//! name is redacted by the client (`ClientBuilder::redact_header`).
//! A response answered by the response cache without a request reaches
//! `after_response` but not `before_attempt`.
//!
//! Hooks are synchronous and should be quick: they run on the task that
//! drives the call. Fetch secrets or tokens elsewhere (a
//! [`CredentialsProvider`](crate::CredentialsProvider) for credentials).
//!
//! # Example: signing requests
//!
//! Exchange and payment APIs often ask for an HMAC over the method, the path
//! and query, a timestamp and a digest of the body:
//!
//! ```
//! use std::time::{SystemTime, UNIX_EPOCH};
//! use hmac::{Hmac, KeyInit, Mac};
//! use sha2::{Digest, Sha256};
//! use sdk_runtime::{BoxError, HeaderValue, Interceptor, OutgoingRequest};
//!
//! #[derive(Debug)]
//! struct Signer { secret: Vec<u8> }
//!
//! impl Interceptor for Signer {
//!     fn before_attempt(&self, request: &mut OutgoingRequest<'_>) -> Result<(), BoxError> {
//!         let timestamp = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs().to_string();
//!         let body = request.body().ok_or("cannot sign a streamed body")?;
//!         let digest = hex(&Sha256::digest(body));
//!         let target = match request.url().query() {
//!             Some(query) => format!("{}?{query}", request.url().path()),
//!             None => request.url().path().to_owned(),
//!         };
//!         let text = format!("{}\n{target}\n{timestamp}\n{digest}", request.method());
//!         let mut mac = Hmac::<Sha256>::new_from_slice(&self.secret)?;
//!         mac.update(text.as_bytes());
//!         let mut signature = HeaderValue::from_str(&hex(&mac.finalize().into_bytes()))?;
//!         signature.set_sensitive(true); // shown as [redacted] in debug logs
//!         request.headers_mut().insert("x-timestamp", timestamp.parse()?);
//!         request.headers_mut().insert("x-signature", signature);
//!         Ok(())
//!     }
//! }
//!
//! fn hex(bytes: &[u8]) -> String {
//!     bytes.iter().map(|b| format!("{b:02x}")).collect()
//! }
//! ```
//!
//! # Example: counting attempts
//!
//! ```
//! use std::sync::atomic::{AtomicU64, Ordering};
//! use sdk_runtime::{FailedAttempt, IncomingResponse, Interceptor};
//!
//! #[derive(Debug, Default)]
//! struct Metrics { attempts: AtomicU64, retried: AtomicU64, server_errors: AtomicU64, failures: AtomicU64 }
//!
//! impl Interceptor for Metrics {
//!     fn after_response(&self, response: &IncomingResponse<'_>) {
//!         self.attempts.fetch_add(1, Ordering::Relaxed);
//!         if response.attempt() > 1 {
//!             self.retried.fetch_add(1, Ordering::Relaxed);
//!         }
//!         if response.status().is_server_error() {
//!             self.server_errors.fetch_add(1, Ordering::Relaxed);
//!         }
//!     }
//!
//!     fn on_error(&self, _failure: &FailedAttempt<'_>) {
//!         self.attempts.fetch_add(1, Ordering::Relaxed);
//!         self.failures.fetch_add(1, Ordering::Relaxed);
//!     }
//! }
//! ```
//!
//! Keep an `Arc<Metrics>` and pass a clone to the builder: `Arc<T>` is an
//! interceptor whenever `T` is.

use std::fmt;
use std::sync::Arc;

use http::{HeaderMap, Method, StatusCode};

use crate::error::{BoxError, Error};

/// Hooks run on every attempt of a call; see the [module docs](self).
///
/// Every method has a default that does nothing.
pub trait Interceptor: fmt::Debug + Send + Sync + 'static {
    /// Runs before every attempt is sent, after credentials are applied. It
    /// may change the URL and headers; an error fails the call at once (as a
    /// builder error, not retried) with the error as its source.
    fn before_attempt(&self, request: &mut OutgoingRequest<'_>) -> Result<(), BoxError> {
        let _ = request;
        Ok(())
    }

    /// Runs when an attempt's response has arrived in full, whatever its
    /// status, before it is retried or decoded.
    fn after_response(&self, response: &IncomingResponse<'_>) {
        let _ = response;
    }

    /// Runs when an attempt ends without a response: the connection failed,
    /// the attempt timed out, or the body broke off.
    fn on_error(&self, failure: &FailedAttempt<'_>) {
        let _ = failure;
    }
}

impl<T: Interceptor + ?Sized> Interceptor for Arc<T> {
    fn before_attempt(&self, request: &mut OutgoingRequest<'_>) -> Result<(), BoxError> {
        (**self).before_attempt(request)
    }

    fn after_response(&self, response: &IncomingResponse<'_>) {
        (**self).after_response(response);
    }

    fn on_error(&self, failure: &FailedAttempt<'_>) {
        (**self).on_error(failure);
    }
}

/// What an attempt is about to send, as [`Interceptor::before_attempt`] sees it.
pub struct OutgoingRequest<'a> {
    pub(crate) operation: &'static str,
    pub(crate) attempt: u32,
    pub(crate) method: &'a Method,
    pub(crate) url: &'a mut reqwest::Url,
    pub(crate) headers: &'a mut HeaderMap,
    pub(crate) body: Option<&'a [u8]>,
    pub(crate) idempotency_key: Option<&'a str>,
}

impl OutgoingRequest<'_> {
    /// The operation's `operationId`.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The attempt number, from 1.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        self.method
    }

    /// The full URL, credentials in the query included.
    pub fn url(&self) -> &reqwest::Url {
        self.url
    }

    /// The URL, to add or change query parameters
    /// (`url_mut().query_pairs_mut().append_pair(..)`).
    pub fn url_mut(&mut self) -> &mut reqwest::Url {
        self.url
    }

    /// The headers: defaults, parameters, the idempotency key, credentials,
    /// the content type of a body.
    pub fn headers(&self) -> &HeaderMap {
        self.headers
    }

    /// The headers, to add or change some.
    pub fn headers_mut(&mut self) -> &mut HeaderMap {
        self.headers
    }

    /// The body as it will be sent: empty for a request without one, `None`
    /// for a multipart or streamed body, whose bytes are produced while it is
    /// sent.
    pub fn body(&self) -> Option<&[u8]> {
        self.body
    }

    /// The idempotency key sent with this call, if any.
    pub fn idempotency_key(&self) -> Option<&str> {
        self.idempotency_key
    }
}

/// A response that arrived, as [`Interceptor::after_response`] sees it.
pub struct IncomingResponse<'a> {
    pub(crate) operation: &'static str,
    pub(crate) attempt: u32,
    pub(crate) method: &'a Method,
    pub(crate) status: StatusCode,
    pub(crate) headers: &'a HeaderMap,
    pub(crate) body: &'a [u8],
    pub(crate) request_id: Option<&'a str>,
}

impl IncomingResponse<'_> {
    /// The operation's `operationId`.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The attempt number, from 1.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The request's HTTP method.
    pub fn method(&self) -> &Method {
        self.method
    }

    /// The response status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        self.headers
    }

    /// The response body, read in full.
    pub fn body(&self) -> &[u8] {
        self.body
    }

    /// The request ID the server assigned, if any.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id
    }
}

/// An attempt that ended without a response, as [`Interceptor::on_error`] sees it.
pub struct FailedAttempt<'a> {
    pub(crate) operation: &'static str,
    pub(crate) attempt: u32,
    pub(crate) method: &'a Method,
    pub(crate) error: &'a Error,
}

impl FailedAttempt<'_> {
    /// The operation's `operationId`.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The attempt number, from 1.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The request's HTTP method.
    pub fn method(&self) -> &Method {
        self.method
    }

    /// What went wrong ([`Error::is_timeout`], [`Error::is_connect`], …).
    pub fn error(&self) -> &Error {
        self.error
    }
}

impl fmt::Debug for OutgoingRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OutgoingRequest")
            .field("operation", &self.operation)
            .field("attempt", &self.attempt)
            .field("method", self.method)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for IncomingResponse<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IncomingResponse")
            .field("operation", &self.operation)
            .field("attempt", &self.attempt)
            .field("status", &self.status)
            .field("request_id", &self.request_id)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for FailedAttempt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FailedAttempt")
            .field("operation", &self.operation)
            .field("attempt", &self.attempt)
            .field("error", self.error)
            .finish()
    }
}
