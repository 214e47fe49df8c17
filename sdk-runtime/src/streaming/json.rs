//! [`JsonStream`]: JSON Lines, NDJSON and JSON text sequences as typed items.

use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::Stream;
use serde::de::DeserializeOwned;

use crate::codec::decode::{DecodeError, ResponseParts};
use crate::codec::lines::LineSplitter;
use crate::codec::unread::{BodyChunks, StreamContext};
use crate::error::{Kind, Result};
use crate::streaming::bytes::take_unread;

/// The largest record accepted, in bytes.
const MAX_RECORD_BYTES: usize = 16 * 1024 * 1024;

/// A response of `application/jsonl`, `application/x-ndjson` or
/// `application/json-seq`: a [`Stream`] of items of type `T`, decoded one
/// record at a time as they arrive.
///
/// A record that does not decode yields a decode error and the records after
/// it still arrive; a stream cut inside a record yields the decode error of
/// that partial record.
pub struct JsonStream<T> {
    chunks: BodyChunks,
    context: StreamContext,
    splitter: LineSplitter,
    ready: VecDeque<Result<T>>,
    finished: bool,
    delivered: u64,
}

impl<T: DeserializeOwned> JsonStream<T> {
    /// Items delivered so far.
    pub fn items_delivered(&self) -> u64 {
        self.delivered
    }

    /// The request ID of the response that carries the stream.
    pub fn request_id(&self) -> Option<&str> {
        self.context.request_id.as_deref()
    }

    fn decode_into(ready: &mut VecDeque<Result<T>>, context: &StreamContext, record: &[u8]) {
        ready.push_back(serde_json::from_slice(record).map_err(|e| context.decode_error(e)));
    }

    fn end(&mut self, how: &'static str) {
        self.finished = true;
        self.context.log_end("JSON", self.delivered, how);
    }
}

impl<T: DeserializeOwned> Stream for JsonStream<T> {
    type Item = Result<T>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.ready.pop_front() {
                this.delivered += 1;
                return Poll::Ready(Some(item));
            }
            if this.finished {
                return Poll::Ready(None);
            }
            match this.chunks.as_mut().poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(chunk))) => {
                    let (ready, context) = (&mut this.ready, &this.context);
                    let pushed = this
                        .splitter
                        .push(&chunk, |record| Self::decode_into(ready, context, record));
                    if let Err(cap) = pushed {
                        this.end("failed");
                        let message = format!("a record exceeds the limit of {cap} bytes");
                        this.ready
                            .push_back(Err(this.context.error(Kind::Body, message)));
                    }
                }
                Poll::Ready(Some(Err(e))) => {
                    this.end("failed");
                    return Poll::Ready(Some(Err(e)));
                }
                Poll::Ready(None) => {
                    let (ready, context) = (&mut this.ready, &this.context);
                    this.splitter
                        .finish(|record| Self::decode_into(ready, context, record));
                    this.end("ended");
                }
            }
        }
    }
}

// Items are never pinned: they are moved out of the queue.
impl<T> Unpin for JsonStream<T> {}

impl<T> fmt::Debug for JsonStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsonStream")
            .field("request_id", &self.context.request_id)
            .field("items_delivered", &self.delivered)
            .finish_non_exhaustive()
    }
}

/// Decodes a success response as a stream of JSON records.
pub fn json_lines<T: DeserializeOwned>(
    parts: &ResponseParts<'_>,
) -> Result<JsonStream<T>, DecodeError> {
    let (chunks, context) = take_unread(parts)?;
    Ok(JsonStream {
        chunks,
        context,
        splitter: LineSplitter::new(MAX_RECORD_BYTES),
        ready: VecDeque::new(),
        finished: false,
        delivered: 0,
    })
}
