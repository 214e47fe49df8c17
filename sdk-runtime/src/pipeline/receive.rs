//! One attempt's response: awaited and read in full, up to the size cap
//! (or, for a call that streams its success body, up to the head).
//!
//! Split from the execute loop because it is the one part that touches the
//! wire: the head is kept as soon as it arrives (so a timeout while the body
//! stalls can still quote its status and request ID), and the body is
//! kept as it arrived when it comes in one chunk, the common case.

use std::future::Future;
use std::time::Duration;

use http::{HeaderMap, StatusCode};

use crate::error::{self, Error, Kind};
use crate::pipeline::stage::{AttemptError, FailureClass, Received};
use crate::types::Bytes;

/// The largest body buffer allocated before the bytes arrive.
const PRESIZE_LIMIT: usize = 1024 * 1024;

/// The status and headers of a response whose head has arrived and whose body
/// is still being read; kept outside the receiving future so a timeout that
/// drops the future can still quote them.
pub(crate) type Head = Option<(StatusCode, HeaderMap)>;

/// The error of an attempt that did not complete within `timeout`; a body
/// that stalled after the head arrived keeps the status and headers of that
/// head, so the caller can still quote them.
pub(crate) fn timed_out(message: String, head: &mut Head) -> AttemptError {
    let error = AttemptError {
        error: Error::new(Kind::Timeout).with_message(message),
        failure: FailureClass::Timeout,
        head: None,
    };
    with_head(error, head)
}

/// The message of an attempt cut off by its own timeout.
pub(crate) fn attempt_timeout_message(timeout: Duration) -> String {
    format!("no complete response within {timeout:?}")
}

/// Awaits the response to the request `sending` carries (the request itself
/// is already inside it, so this future does not keep a copy) and reads the
/// whole body, stopping at `cap` bytes; keeps the head in `head` while the
/// body is read. The caller runs it before one deadline: a single timer,
/// armed once per attempt, whether the time goes to connecting, waiting for
/// the head or reading a slow body.
pub(crate) async fn receive(
    cap: usize,
    stream: bool,
    sending: impl Future<Output = reqwest::Result<reqwest::Response>>,
    head: &mut Head,
) -> Result<Received, AttemptError> {
    let transport = |e: reqwest::Error| AttemptError {
        failure: FailureClass::of(&e),
        error: error::transport(e),
        head: None,
    };
    let mut response = sending.await.map_err(transport)?;
    let status = response.status();
    if stream && status.is_success() {
        let headers = std::mem::take(response.headers_mut());
        return Ok(Received {
            status,
            headers,
            body: Bytes::new(),
            request_id: None,
            unread: Some(Box::new(response)),
        });
    }
    *head = Some((status, std::mem::take(response.headers_mut())));
    let too_large = |head: &mut Head| {
        let error = Error::new(Kind::Body).with_message(format!(
            "the response body exceeds the limit of {cap} bytes"
        ));
        with_head(error.into(), head)
    };
    let expected = response.content_length();
    if expected.is_some_and(|len| len > cap as u64) {
        return Err(too_large(head));
    }
    // Most bodies arrive in one chunk, which is kept as it is; a body in several chunks is
    // gathered into a buffer sized up front when the length is known (bounded, since a
    // server can announce a length it never sends).
    let presize = expected.map_or(0, |len| usize::try_from(len).unwrap_or(usize::MAX));
    let mut body = Gathered::Empty;
    loop {
        // reqwest reports every failure while reading the body as a decode error,
        // but without content decoding it can only mean the connection ended
        // before the body did: retryable, like a connection dropped earlier.
        let chunk = match response.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            Err(e) => {
                let cut_short = AttemptError {
                    error: error::transport(e),
                    failure: FailureClass::Connect,
                    head: None,
                };
                return Err(with_head(cut_short, head));
            }
        };
        if body.len() + chunk.len() > cap {
            return Err(too_large(head));
        }
        body.push(chunk, presize.min(PRESIZE_LIMIT));
    }
    let headers = head.take().map(|(_, headers)| headers).unwrap_or_default();
    Ok(Received {
        status,
        headers,
        body: body.into_bytes(),
        request_id: None,
        unread: None,
    })
}

/// A response body read chunk by chunk.
enum Gathered {
    Empty,
    One(Bytes),
    Many(Vec<u8>),
}

impl Gathered {
    fn len(&self) -> usize {
        match self {
            Gathered::Empty => 0,
            Gathered::One(bytes) => bytes.len(),
            Gathered::Many(buffer) => buffer.len(),
        }
    }

    /// Adds a chunk; `presize` is the capacity to start a buffer with.
    fn push(&mut self, chunk: Bytes, presize: usize) {
        *self = match std::mem::replace(self, Gathered::Empty) {
            Gathered::Empty => Gathered::One(chunk),
            Gathered::One(first) => {
                let mut buffer = Vec::with_capacity(presize.max(first.len() + chunk.len()));
                buffer.extend_from_slice(&first);
                buffer.extend_from_slice(&chunk);
                Gathered::Many(buffer)
            }
            Gathered::Many(mut buffer) => {
                buffer.extend_from_slice(&chunk);
                Gathered::Many(buffer)
            }
        };
    }

    fn into_bytes(self) -> Bytes {
        match self {
            Gathered::Empty => Bytes::new(),
            Gathered::One(bytes) => bytes,
            Gathered::Many(buffer) => Bytes::from(buffer),
        }
    }
}

/// Adds the status of the response head, when one arrived, and keeps the
/// head for the stages that read its headers.
fn with_head(mut e: AttemptError, head: &mut Head) -> AttemptError {
    if let Some((status, headers)) = head.take() {
        e.error = e.error.with_response(status, None, None);
        e.head = Some(Box::new((status, headers)));
    }
    e
}
