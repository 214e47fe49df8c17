//! [`EventStream`]: a `text/event-stream` response as typed events.

use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::Stream;
use serde::de::DeserializeOwned;

use crate::codec::decode::{DecodeError, ResponseParts};
use crate::codec::sse::{RawEvent, SseError, SseParser};
use crate::codec::unread::{BodyChunks, StreamContext};
use crate::error::{Kind, Result};
use crate::streaming::bytes::take_unread;

/// The largest event accepted, in bytes; larger ones end the stream with an
/// error instead of growing a buffer without bound.
const MAX_EVENT_BYTES: usize = 16 * 1024 * 1024;

/// The `data` that OpenAI-compatible APIs send as their last event.
const DONE: &str = "[DONE]";

/// One server-sent event, its `data` decoded.
#[derive(Clone, Debug, PartialEq)]
pub struct ServerSentEvent<T> {
    /// The event type (`event:`); `message` when the server named none.
    pub event: String,
    /// The last event ID the stream set (`id:`), to resume from.
    pub id: Option<String>,
    /// The reconnection delay this event asked for (`retry:`).
    pub retry: Option<Duration>,
    /// The event's data: JSON decoded into `T`, or the text itself when the
    /// document describes it as a string.
    pub data: T,
}

/// A `text/event-stream` response: a [`Stream`] of typed [`ServerSentEvent`]s.
///
/// Parsed as the WHATWG rules say (multi-line data, comments, CR/LF/CRLF line
/// ends, a leading BOM). For JSON data a `[DONE]` event ends the stream
/// cleanly. A stream that breaks off in the middle of an event yields an
/// error rather than a truncated event; an event whose data does not decode
/// yields a decode error, and the events after it still arrive.
///
/// ```no_run
/// # async fn demo(events: sdk_runtime::EventStream<sdk_runtime::types::Value>)
/// # -> sdk_runtime::Result<()> {
/// use futures::StreamExt;
///
/// let mut events = events;
/// while let Some(event) = events.next().await {
///     let event = event?;
///     println!("{}: {}", event.event, event.data);
/// }
/// # Ok(()) }
/// ```
pub struct EventStream<T> {
    chunks: BodyChunks,
    context: StreamContext,
    parser: SseParser,
    ready: VecDeque<RawEvent>,
    decode: fn(String) -> Result<T, serde_json::Error>,
    /// Whether `[DONE]` ends the stream (JSON data only).
    ends_on_done: bool,
    finished: bool,
    delivered: u64,
}

impl<T> EventStream<T> {
    fn new(
        parts: &ResponseParts<'_>,
        decode: fn(String) -> Result<T, serde_json::Error>,
        ends_on_done: bool,
    ) -> Result<Self, DecodeError> {
        let (chunks, context) = take_unread(parts)?;
        Ok(EventStream {
            chunks,
            context,
            parser: SseParser::new(MAX_EVENT_BYTES),
            ready: VecDeque::new(),
            decode,
            ends_on_done,
            finished: false,
            delivered: 0,
        })
    }

    /// Events delivered so far.
    pub fn events_delivered(&self) -> u64 {
        self.delivered
    }

    /// The last event ID the stream set: send it as `Last-Event-ID` to resume
    /// after a break, where the API supports it (the runtime never reconnects
    /// by itself, so no event is delivered twice).
    pub fn last_event_id(&self) -> Option<&str> {
        self.parser.last_id()
    }

    /// The request ID of the response that carries the stream.
    pub fn request_id(&self) -> Option<&str> {
        self.context.request_id.as_deref()
    }

    fn end(&mut self, how: &'static str) {
        self.finished = true;
        self.ready.clear();
        self.context.log_end("event", self.delivered, how);
    }
}

impl<T> Stream for EventStream<T> {
    type Item = Result<ServerSentEvent<T>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(raw) = this.ready.pop_front() {
                if this.ends_on_done && raw.data.trim() == DONE {
                    this.end("ended with [DONE]");
                    return Poll::Ready(None);
                }
                let RawEvent {
                    event,
                    data,
                    id,
                    retry,
                } = raw;
                this.delivered += 1;
                let item = match (this.decode)(data) {
                    Ok(data) => Ok(ServerSentEvent {
                        event,
                        id,
                        retry,
                        data,
                    }),
                    Err(e) => Err(this.context.decode_error(e)),
                };
                return Poll::Ready(Some(item));
            }
            if this.finished {
                return Poll::Ready(None);
            }
            let chunk = match this.chunks.as_mut().poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(chunk))) => chunk,
                Poll::Ready(Some(Err(e))) => {
                    this.end("failed");
                    return Poll::Ready(Some(Err(e)));
                }
                Poll::Ready(None) => {
                    let cut = this.parser.is_mid_event();
                    this.end(if cut { "broke off" } else { "ended" });
                    if cut {
                        let e = this.context.error(
                            Kind::Body,
                            "the event stream ended in the middle of an event",
                        );
                        return Poll::Ready(Some(Err(e)));
                    }
                    return Poll::Ready(None);
                }
            };
            if let Err(SseError::TooLarge(cap)) = this.parser.push(&chunk, &mut this.ready) {
                this.end("failed");
                let message = format!("an event exceeds the limit of {cap} bytes");
                return Poll::Ready(Some(Err(this.context.error(Kind::Body, message))));
            }
        }
    }
}

impl<T> fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream")
            .field("request_id", &self.context.request_id)
            .field("events_delivered", &self.delivered)
            .finish_non_exhaustive()
    }
}

fn json_data<T: DeserializeOwned>(data: String) -> Result<T, serde_json::Error> {
    serde_json::from_str(&data)
}

fn text_data(data: String) -> Result<String, serde_json::Error> {
    Ok(data)
}

/// Decodes a success response as events whose data is JSON.
pub fn events_json<T: DeserializeOwned>(
    parts: &ResponseParts<'_>,
) -> Result<EventStream<T>, DecodeError> {
    EventStream::new(parts, json_data::<T>, true)
}

/// Decodes a success response as events whose data is text.
pub fn events_text(parts: &ResponseParts<'_>) -> Result<EventStream<String>, DecodeError> {
    EventStream::new(parts, text_data, false)
}
