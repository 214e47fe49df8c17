//! One attempt's response: awaited and read in full, up to the size cap.
//!
//! Split from the execute loop because it is the one part that touches the
//! wire: the status and request ID are recorded as soon as the head arrives
//! (so a timeout while the body stalls can still quote them), and the body is
//! kept as it arrived when it comes in one chunk, the common case.

use std::future::Future;
use std::time::Duration;

use http::StatusCode;

use super::{AttemptError, FailureClass, Received};
use crate::client::ClientRef;
use crate::error::{self, Error, Kind};
use crate::retry::Failure;
use crate::types::Bytes;

/// The largest body buffer allocated before the bytes arrive.
const PRESIZE_LIMIT: usize = 1024 * 1024;

/// The status and request ID of a response whose head has arrived.
pub(super) type Head = Option<(StatusCode, Option<String>)>;

/// The error of an attempt that did not complete within `timeout`; a body
/// that stalled after the head arrived keeps the status and request ID of
/// that head, so the caller can still quote them.
pub(super) fn timed_out(timeout: Duration, head: &Head) -> AttemptError {
    let error = AttemptError {
        error: Error::new(Kind::Timeout)
            .with_message(format!("no complete response within {timeout:?}")),
        failure: FailureClass::Timeout,
    };
    with_head(error, head)
}

/// Awaits the response to the request `sending` carries (the request itself
/// is already inside it, so this future does not keep a copy) and reads the
/// whole body, stopping at the size cap; records the
/// head in `head` as soon as it arrives. The caller runs it before one
/// deadline: a single timer, armed once per attempt, whether the time goes
/// to connecting, waiting for the head or reading a slow body.
pub(super) async fn receive(
    inner: &ClientRef,
    sending: impl Future<Output = reqwest::Result<reqwest::Response>>,
    head: &mut Head,
) -> Result<Received, AttemptError> {
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
    let mut response = sending.await.map_err(transport)?;
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let request_id = crate::request_id::read(&headers, &inner.request_id_header);
    *head = Some((status, request_id));
    let cap = inner.max_response_bytes;
    let too_large = |head: &Head| {
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
    // reqwest reports every failure while reading the body as a decode error,
    // but without content decoding it can only mean the connection ended
    // before the body did: retryable, like a connection dropped earlier.
    while let Some(chunk) = response.chunk().await.map_err(|e| {
        let cut_short = AttemptError {
            error: error::transport(e),
            failure: FailureClass::Connect,
        };
        with_head(cut_short, head)
    })? {
        if body.len() + chunk.len() > cap {
            return Err(too_large(head));
        }
        body.push(chunk, presize.min(PRESIZE_LIMIT));
    }
    let request_id = head.take().and_then(|(_, request_id)| request_id);
    Ok(Received {
        status,
        headers,
        body: body.into_bytes(),
        request_id,
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

/// Adds the status and request ID of the response head, when one arrived.
fn with_head(e: AttemptError, head: &Head) -> AttemptError {
    match head {
        Some((status, request_id)) => AttemptError {
            error: e.error.with_response(*status, request_id.clone(), None),
            failure: e.failure,
        },
        None => e,
    }
}
