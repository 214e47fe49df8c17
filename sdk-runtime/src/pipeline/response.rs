//! A decoded response together with its status, headers and request ID.
//!
//! Generated methods return `Result<Response<T>>`. [`Response`] dereferences to
//! the decoded value, so `client.get_pet(1).await?.name` works, while
//! [`status`](Response::status), [`headers`](Response::headers) and
//! [`request_id`](Response::request_id) stay one call away for logging and
//! support tickets.

use std::fmt;
use std::ops::{Deref, DerefMut};
use std::time::SystemTime;

use http::{HeaderMap, StatusCode};

use crate::codec::decode::{DecodeErr, DecodeOk, ErrorBody, ResponseParts};
use crate::codec::unread::UnreadBody;
use crate::error::{Error, Kind, without_secrets};
use crate::pipeline::target::Target;
use crate::types::Bytes;

/// A successful response: the decoded body plus the response metadata.
///
/// # Example
///
/// ```
/// use sdk_runtime::Response;
/// # fn show(pet: Response<String>) {
/// println!("{} ({:?})", *pet, pet.request_id());
/// let name: String = pet.into_inner();
/// # }
/// ```
pub struct Response<T> {
    head: ResponseHead,
    value: T,
}

/// The metadata of a response, without its body.
#[derive(Clone)]
pub struct ResponseHead {
    status: StatusCode,
    headers: HeaderMap,
    request_id: Option<String>,
}

impl<T> Response<T> {
    /// Joins metadata and a value, e.g. after [`into_parts`](Self::into_parts).
    pub fn from_parts(head: ResponseHead, value: T) -> Self {
        Self { head, value }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.head.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.head.headers
    }

    /// The request ID the server assigned, read from the client's request-ID
    /// header (`x-request-id` unless configured otherwise).
    pub fn request_id(&self) -> Option<&str> {
        self.head.request_id.as_deref()
    }

    /// The decoded value, dropping the metadata.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// Splits into metadata and value.
    pub fn into_parts(self) -> (ResponseHead, T) {
        (self.head, self.value)
    }

    /// Transforms the value, keeping the metadata.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            head: self.head,
            value: f(self.value),
        }
    }
}

impl ResponseHead {
    pub(crate) fn new(status: StatusCode, headers: HeaderMap, request_id: Option<String>) -> Self {
        Self {
            status,
            headers,
            request_id,
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The request ID the server assigned.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
}

impl<T> Deref for Response<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> DerefMut for Response<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.value
    }
}

// Headers are left out of both Debug impls: a response may set cookies or echo
// tokens, and the status plus request ID is what helps when debugging.
impl<T: fmt::Debug> fmt::Debug for Response<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.head.status)
            .field("request_id", &self.head.request_id)
            .field("value", &self.value)
            .finish()
    }
}

impl fmt::Debug for ResponseHead {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseHead")
            .field("status", &self.status)
            .field("request_id", &self.request_id)
            .finish_non_exhaustive()
    }
}

/// A complete response after the last attempt, before decoding.
pub(crate) struct RawResponse<'a> {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) request_id: Option<String>,
    pub(crate) attempts: u32,
    pub(crate) retryable: bool,
    pub(crate) retry_budget_exhausted: bool,
    /// For the error this response may become; the redacted `METHOD url`
    /// is rendered only then.
    pub(crate) target: Target<'a>,
    /// The success body of a streaming call, not read yet.
    pub(crate) unread: Option<UnreadBody>,
    /// Added to the message of the error this response may become.
    pub(crate) note: Option<&'static str>,
}

impl RawResponse<'_> {
    /// Runs `ok` on a 2xx; on anything else, runs `err` for the typed error
    /// body and returns a status error ([`Error::is_status`]) carrying it,
    /// the raw body and the request ID. A decoder failure becomes a decode
    /// error ([`Error::is_decode`]) that keeps the raw body.
    pub(crate) fn decode<T>(self, ok: DecodeOk<T>, err: DecodeErr) -> Result<Response<T>, Error> {
        if self.status.is_success() {
            match ok(&self.parts()) {
                Ok(value) => Ok(self.into_response(value)),
                // The message names the field that failed (see `decode::json`).
                Err(e) => Err(self
                    .into_error(Kind::Decode, None)
                    .with_message_first(e.to_string())
                    .with_source(e)),
            }
        } else {
            // Before anything reads it: the typed body and the error's
            // Display must not show a key the server echoed back.
            let mut this = self;
            this.body = without_secrets(this.body, this.target.credentials());
            let typed = err(&this.parts());
            Err(this.into_error(Kind::Status, typed))
        }
    }

    pub(crate) fn parts(&self) -> ResponseParts<'_> {
        ResponseParts {
            status: self.status,
            headers: &self.headers,
            body: &self.body,
            unread: self.unread.as_ref(),
        }
    }

    fn into_response<T>(self, value: T) -> Response<T> {
        Response::from_parts(
            ResponseHead::new(self.status, self.headers, self.request_id),
            value,
        )
    }

    fn into_error(self, kind: Kind, typed: Option<ErrorBody>) -> Error {
        let retry_after = crate::codec::headers::retry_after(&self.headers, SystemTime::now());
        let is_status = kind == Kind::Status;
        Error::new(kind)
            .with_response(self.status, self.request_id, retry_after)
            .with_body(self.body, typed)
            .with_url(self.target.into_shown())
            .with_attempts(self.attempts)
            .with_retryable(self.retryable && is_status)
            .with_retry_budget_exhausted(self.retry_budget_exhausted && is_status)
            .with_note_if(self.note)
    }
}
