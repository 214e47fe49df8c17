//! The future of one call: [`ResponseFuture`].

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use crate::codec::decode::{DecodeErr, DecodeOk};
use crate::error::Result;
use crate::pipeline::response::{RawResponse, Response};

/// The boxed, type-independent part of a call: send and retry until the last
/// response (`Pipeline::execute_raw`).
pub(crate) type RawFuture<'a> = Pin<Box<dyn Future<Output = Result<RawResponse<'a>>> + Send + 'a>>;

/// A request on its way: resolves to the decoded [`Response`], or to an
/// [`Error`](crate::Error) once retries are exhausted.
///
/// It is what `send()` returns and what `.await` on a request builder polls.
/// Being a named type, it can be stored in a struct or collection without boxing.
/// Like any future it does nothing until polled: the URL, headers and
/// idempotency key are prepared on the first poll, and dropping it cancels
/// the call.
///
/// ```no_run
/// # async fn demo(a: sdk_runtime::RequestBuilder<'_, ()>, b: sdk_runtime::RequestBuilder<'_, ()>)
/// # -> sdk_runtime::Result<()> {
/// use sdk_runtime::ResponseFuture;
///
/// // Two calls in flight at once.
/// let calls: Vec<ResponseFuture<'_, ()>> = vec![a.send(), b.send()];
/// for response in futures::future::join_all(calls).await {
///     println!("request id: {:?}", response?.request_id());
/// }
/// # Ok(())
/// # }
/// ```
#[must_use = "a request does nothing until its future is `.await`ed"]
pub struct ResponseFuture<'a, T> {
    /// The send-and-retry part, which does not depend on `T`.
    raw: RawFuture<'a>,
    ok: DecodeOk<T>,
    err: DecodeErr,
}

impl<'a, T> ResponseFuture<'a, T> {
    pub(crate) fn new(raw: RawFuture<'a>, ok: DecodeOk<T>, err: DecodeErr) -> Self {
        ResponseFuture { raw, ok, err }
    }
}

impl<T> Future for ResponseFuture<'_, T> {
    type Output = Result<Response<T>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let raw = ready!(self.raw.as_mut().poll(cx));
        Poll::Ready(raw.and_then(|raw| raw.decode(self.ok, self.err)))
    }
}

impl<T> fmt::Debug for ResponseFuture<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}
