//! Bodies that are never whole in memory: responses read as they arrive, and
//! uploads sent as they are read.
//!
//! * [`EventStream`]: a `text/event-stream` response as a stream of typed
//!   [`ServerSentEvent`]s (what chat and completion endpoints answer);
//! * [`JsonStream`]: JSON Lines, NDJSON and JSON text sequences as a stream
//!   of typed items;
//! * [`ByteStream`]: any response body as a stream of byte chunks, or copied
//!   to an `AsyncWrite`;
//! * [`Upload`]: a request body from a file, a reader or a stream of chunks.
//!
//! A streamed response is a [`Response`](crate::Response): its status,
//! headers and request ID are there before the first byte of the body is
//! read. Every error a stream yields quotes them. The call's retries end when
//! the head arrives: a stream is never retried once its body has started.
//! A stream that sends nothing for longer than the call's per-attempt
//! timeout ends with a timeout error ([`Error::is_timeout`](crate::Error::is_timeout)),
//! as does one still running at the call's deadline.

pub(crate) mod bytes;
mod events;
mod json;
pub(crate) mod upload;

pub use bytes::ByteStream;
pub use events::{EventStream, ServerSentEvent};
pub use json::JsonStream;
pub use upload::Upload;

/// The decoders generated code passes for streaming operations.
pub(crate) mod decode {
    pub use super::bytes::byte_stream;
    pub use super::events::{events_json, events_text};
    pub use super::json::json_lines;
}
