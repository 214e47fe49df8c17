//! A success body handed to its decoder before it has been read: [`UnreadBody`].
//!
//! Operations that stream (event streams, JSON Lines, downloads taken as a
//! byte stream) ask the pipeline not to read a 2xx body. The decoder then
//! takes the body's chunks out of the [`ResponseParts`](super::decode::ResponseParts)
//! it is given and wraps them in a typed stream. Everything a stream's own
//! errors must quote (status, request ID, redacted URL) travels with it.

use std::fmt;
use std::pin::Pin;
use std::sync::Mutex;

use futures::Stream;
use http::StatusCode;

use crate::error::{Error, Kind};
use crate::types::Bytes;

/// The chunks of a body as they arrive; errors already quote the response.
pub type BodyChunks = Pin<Box<dyn Stream<Item = Result<Bytes, Error>> + Send>>;

/// What errors raised while a streamed body is consumed quote.
#[derive(Clone, Debug)]
pub struct StreamContext {
    /// The response's status.
    pub status: StatusCode,
    /// The request ID the server assigned.
    pub request_id: Option<String>,
    /// The redacted `METHOD url` of the call.
    pub url: String,
}

impl StreamContext {
    /// The one debug event a typed stream emits when it ends: how, and how many
    /// items it delivered (never their data).
    pub(crate) fn log_end(&self, stream: &str, items: u64, how: &str) {
        tracing::debug!(
            target: "sdk_runtime",
            url = %self.url,
            request_id = self.request_id.as_deref(),
            items,
            "{stream} stream {how}"
        );
    }

    /// An error of `kind` raised while the body is consumed, quoting the response.
    pub(crate) fn error(&self, kind: Kind, message: impl Into<String>) -> Error {
        Error::new(kind)
            .with_message(message.into())
            .with_response(self.status, self.request_id.clone(), None)
            .with_url(self.url.clone())
    }

    /// A decode-kind error for one item of the stream.
    pub(crate) fn decode_error(&self, source: impl Into<crate::BoxError>) -> Error {
        self.error(Kind::Decode, "a streamed item did not decode")
            .with_source(source)
    }
}

/// A body not read yet, taken once by the decoder that streams it.
///
/// A mutex, not a `Cell`, so the parts a decoder sees stay `Send`; it is
/// locked once per response.
pub struct UnreadBody {
    chunks: Mutex<Option<BodyChunks>>,
    context: StreamContext,
}

impl UnreadBody {
    pub(crate) fn new(chunks: BodyChunks, context: StreamContext) -> Self {
        UnreadBody {
            chunks: Mutex::new(Some(chunks)),
            context,
        }
    }

    /// The body's chunks and what their errors quote; `None` once taken.
    pub fn take(&self) -> Option<(BodyChunks, StreamContext)> {
        let chunks = match self.chunks.lock() {
            Ok(mut slot) => slot.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        }?;
        Some((chunks, self.context.clone()))
    }
}

impl fmt::Debug for UnreadBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnreadBody")
            .field("context", &self.context)
            .finish_non_exhaustive()
    }
}
