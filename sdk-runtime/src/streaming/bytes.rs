//! [`ByteStream`]: a response body as byte chunks, as they arrive.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::{Stream, StreamExt};
use tokio::io::{AsyncWrite, AsyncWriteExt};

use crate::codec::decode::{DecodeError, ResponseParts};
use crate::codec::unread::{BodyChunks, StreamContext};
use crate::error::{Error, Kind, Result};
use crate::types::Bytes;

/// A response body read as it arrives: a [`Stream`] of byte chunks.
///
/// Take it with `.byte_stream()` on the builder of any operation that answers
/// binary data; nothing is buffered beyond the chunk in hand.
///
/// ```no_run
/// # async fn demo(download: sdk_runtime::RequestBuilder<'_, sdk_runtime::types::Bytes>)
/// # -> Result<(), Box<dyn std::error::Error>> {
/// let response = download.byte_stream().await?;
/// println!("{} ({:?})", response.status(), response.request_id());
/// let mut file = tokio::fs::File::create("export.bin").await?;
/// let written = response.into_inner().write_to(&mut file).await?;
/// println!("{written} bytes");
/// # Ok(()) }
/// ```
pub struct ByteStream {
    chunks: BodyChunks,
    context: StreamContext,
    received: u64,
}

impl ByteStream {
    pub(crate) fn new(chunks: BodyChunks, context: StreamContext) -> Self {
        ByteStream {
            chunks,
            context,
            received: 0,
        }
    }

    /// Copies the rest of the body to `out` and flushes it; returns how many
    /// bytes were written.
    pub async fn write_to<W: AsyncWrite + Unpin + ?Sized>(mut self, out: &mut W) -> Result<u64> {
        let mut written = 0;
        while let Some(chunk) = self.next().await {
            let chunk = chunk?;
            out.write_all(&chunk)
                .await
                .map_err(|e| self.write_failed(e))?;
            written += chunk.len() as u64;
        }
        out.flush().await.map_err(|e| self.write_failed(e))?;
        Ok(written)
    }

    /// Reads the rest of the body into memory.
    pub async fn into_bytes(mut self) -> Result<Bytes> {
        let mut all = Vec::new();
        while let Some(chunk) = self.next().await {
            all.extend_from_slice(&chunk?);
        }
        Ok(Bytes::from(all))
    }

    /// Bytes received so far.
    pub fn bytes_received(&self) -> u64 {
        self.received
    }

    fn write_failed(&self, e: std::io::Error) -> Error {
        self.context
            .error(Kind::Body, "could not write the streamed body")
            .with_source(e)
    }
}

impl Stream for ByteStream {
    type Item = Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let next = self.chunks.as_mut().poll_next(cx);
        if let Poll::Ready(Some(Ok(chunk))) = &next {
            self.received += chunk.len() as u64;
        }
        next
    }
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteStream")
            .field("request_id", &self.context.request_id)
            .field("bytes_received", &self.received)
            .finish_non_exhaustive()
    }
}

/// The body's chunks and their context, or a decode error when the pipeline
/// left no body unread (which a streaming call always does).
pub(crate) fn take_unread(
    parts: &ResponseParts<'_>,
) -> Result<(BodyChunks, StreamContext), DecodeError> {
    parts
        .unread_body()
        .and_then(|unread| unread.take())
        .ok_or_else(|| DecodeError::new("the response body was not left unread for a stream"))
}

/// Decodes a success response as a [`ByteStream`].
pub fn byte_stream(parts: &ResponseParts<'_>) -> Result<ByteStream, DecodeError> {
    let (chunks, context) = take_unread(parts)?;
    Ok(ByteStream::new(chunks, context))
}
