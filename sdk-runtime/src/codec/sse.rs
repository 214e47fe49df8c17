//! The `text/event-stream` format, parsed from bytes as they arrive.
//!
//! Follows the WHATWG HTML rules for server-sent events: lines end in CR, LF
//! or CRLF (a CRLF split across two chunks counts once); a leading BOM is
//! dropped; `:` starts a comment; `field: value` loses one space after the
//! colon; `data` lines join with `\n`; an empty line dispatches the event,
//! and an event with no `data` is not dispatched; `id` persists until the
//! next `id` (and is ignored if it holds NUL); `retry` counts only when it
//! is all digits.
//!
//! Written here rather than taken from `eventsource-stream`: that crate
//! brings a parser-combinator dependency and its own error type, while this
//! is one small state machine over the chunks, with a cap on the size of an
//! event and an answer to whether the stream stopped in the middle of one.

use std::collections::VecDeque;
use std::time::Duration;

/// One dispatched event, its data still text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RawEvent {
    /// The `event` field; `message` when the event named none.
    pub(crate) event: String,
    /// The `data` lines, joined with `\n`.
    pub(crate) data: String,
    /// The last `id` the stream set, if any.
    pub(crate) id: Option<String>,
    /// The `retry` field of this event, if it had one.
    pub(crate) retry: Option<Duration>,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The parser's state between chunks.
pub(crate) struct SseParser {
    /// The start of a line whose end has not arrived.
    partial: Vec<u8>,
    /// Bytes of the stream's start held back until the BOM question is settled.
    head: Option<Vec<u8>>,
    /// The last chunk ended in CR: a LF starting the next one is the same line end.
    after_cr: bool,
    event: String,
    data: String,
    has_data: bool,
    retry: Option<Duration>,
    last_id: Option<String>,
    /// A field line arrived since the last dispatch.
    pending: bool,
    /// The largest event, in bytes, accepted.
    cap: usize,
}

/// Why parsing stopped.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum SseError {
    /// An event grew beyond the cap.
    TooLarge(usize),
}

impl SseParser {
    /// A parser accepting events of at most `cap` bytes.
    pub(crate) fn new(cap: usize) -> Self {
        SseParser {
            partial: Vec::new(),
            head: Some(Vec::new()),
            after_cr: false,
            event: String::new(),
            data: String::new(),
            has_data: false,
            retry: None,
            last_id: None,
            pending: false,
            cap,
        }
    }

    /// Parses `chunk`, appending every event it completes to `out`.
    pub(crate) fn push(
        &mut self,
        chunk: &[u8],
        out: &mut VecDeque<RawEvent>,
    ) -> Result<(), SseError> {
        if let Some(mut head) = self.head.take() {
            head.extend_from_slice(chunk);
            if head.len() < BOM.len() && BOM.starts_with(&head) {
                self.head = Some(head);
                return Ok(());
            }
            let start = if head.starts_with(BOM) { BOM.len() } else { 0 };
            return self.lines(&head[start..], out);
        }
        self.lines(chunk, out)
    }

    /// The last `id` the stream set, to resume from.
    pub(crate) fn last_id(&self) -> Option<&str> {
        self.last_id.as_deref()
    }

    /// Whether the stream, ending now, stopped in the middle of an event.
    pub(crate) fn is_mid_event(&self) -> bool {
        self.pending
            || !self.partial.is_empty()
            || self.head.as_ref().is_some_and(|h| !h.is_empty())
    }

    fn lines(&mut self, mut chunk: &[u8], out: &mut VecDeque<RawEvent>) -> Result<(), SseError> {
        if self.after_cr {
            self.after_cr = false;
            if let [b'\n', rest @ ..] = chunk {
                chunk = rest;
            }
        }
        while let Some(end) = chunk.iter().position(|&b| b == b'\n' || b == b'\r') {
            if self.partial.is_empty() {
                self.line(&chunk[..end], out);
            } else {
                let mut line = std::mem::take(&mut self.partial);
                line.extend_from_slice(&chunk[..end]);
                self.line(&line, out);
                line.clear();
                self.partial = line;
            }
            let mut next = end + 1;
            if chunk[end] == b'\r' {
                match chunk.get(next) {
                    Some(b'\n') => next += 1,
                    Some(_) => {}
                    None => self.after_cr = true,
                }
            }
            chunk = &chunk[next..];
            self.check_size()?;
        }
        self.partial.extend_from_slice(chunk);
        self.check_size()
    }

    fn check_size(&self) -> Result<(), SseError> {
        if self.partial.len() + self.data.len() > self.cap {
            return Err(SseError::TooLarge(self.cap));
        }
        Ok(())
    }

    fn line(&mut self, line: &[u8], out: &mut VecDeque<RawEvent>) {
        if line.is_empty() {
            return self.dispatch(out);
        }
        if line[0] == b':' {
            return;
        }
        let (field, value) = match line.iter().position(|&b| b == b':') {
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &[][..]),
        };
        self.pending = true;
        match field {
            b"data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(&String::from_utf8_lossy(value));
                self.has_data = true;
            }
            b"event" => self.event = String::from_utf8_lossy(value).into_owned(),
            b"id" if !value.contains(&0) => {
                self.last_id = Some(String::from_utf8_lossy(value).into_owned());
            }
            b"retry" if !value.is_empty() && value.iter().all(u8::is_ascii_digit) => {
                // All digits, so only an overflow fails; such a delay is "forever".
                let millis = std::str::from_utf8(value)
                    .ok()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(u64::MAX);
                self.retry = Some(Duration::from_millis(millis));
            }
            _ => {}
        }
    }

    fn dispatch(&mut self, out: &mut VecDeque<RawEvent>) {
        self.pending = false;
        let event = std::mem::take(&mut self.event);
        let retry = self.retry.take();
        if !self.has_data {
            return;
        }
        self.has_data = false;
        out.push_back(RawEvent {
            event: if event.is_empty() {
                "message".to_owned()
            } else {
                event
            },
            data: std::mem::take(&mut self.data),
            id: self.last_id.clone(),
            retry,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_in(chunks: &[&[u8]]) -> (Vec<RawEvent>, bool) {
        let mut parser = SseParser::new(1 << 20);
        let mut out = VecDeque::new();
        for chunk in chunks {
            parser.push(chunk, &mut out).unwrap();
        }
        (out.into_iter().collect(), parser.is_mid_event())
    }

    fn data(events: &[RawEvent]) -> Vec<&str> {
        events.iter().map(|e| e.data.as_str()).collect()
    }

    #[test]
    fn multi_line_data_comments_and_fields() {
        let (events, mid) =
            parse_in(&[b": hello\ndata: a\ndata:b\nevent: x\nid: 7\nretry: 250\n\ndata: c\n\n"]);
        assert!(!mid);
        assert_eq!(data(&events), ["a\nb", "c"]);
        assert_eq!(events[0].event, "x");
        assert_eq!(events[0].retry, Some(Duration::from_millis(250)));
        assert_eq!(events[1].event, "message");
        assert_eq!(events[1].id.as_deref(), Some("7"), "the id persists");
        assert_eq!(events[1].retry, None);
    }

    #[test]
    fn every_line_ending_and_chunk_boundary() {
        let text: &[u8] = b"\xEF\xBB\xBFdata: one\r\n\r\ndata: two\r\rdata: three\n\n";
        for split in 0..text.len() {
            let (events, mid) = parse_in(&[&text[..split], &text[split..]]);
            assert_eq!(data(&events), ["one", "two", "three"], "split at {split}");
            assert!(!mid);
        }
        let bytes: Vec<&[u8]> = text.chunks(1).collect();
        assert_eq!(data(&parse_in(&bytes).0), ["one", "two", "three"]);
    }

    #[test]
    fn events_without_data_and_odd_fields() {
        let (events, _) =
            parse_in(&[b"event: ping\n\ndata\n\nid: a\0b\nretry: 1x\ndata: d\nunknown: z\n\n"]);
        assert_eq!(data(&events), ["", "d"]);
        assert_eq!(
            events[0].event, "message",
            "the event type resets after a dataless event"
        );
        assert_eq!(events[1].id, None, "an id holding NUL is ignored");
        assert_eq!(events[1].retry, None);
    }

    #[test]
    fn a_stream_cut_mid_event_says_so() {
        assert!(parse_in(&[b"data: a\n\ndata: partial"]).1);
        assert!(parse_in(&[b"data: a\n\ndata: whole line\n"]).1);
        assert!(!parse_in(&[b"data: a\n\n: a comment\n"]).1);
        assert!(parse_in(&[b"\xEF\xBB"]).1);
    }

    #[test]
    fn an_event_beyond_the_cap_fails() {
        let mut parser = SseParser::new(8);
        let mut out = VecDeque::new();
        assert_eq!(
            parser.push(b"data: 0123456789\n", &mut out),
            Err(SseError::TooLarge(8))
        );
    }
}
