//! The framing of JSON Lines, NDJSON and JSON text sequences, from bytes as
//! they arrive: one record per line (`application/jsonl`,
//! `application/x-ndjson`), or per record-separator byte
//! (`application/json-seq`, RFC 7464). Blank records are skipped; the last
//! record may end without a newline.

use crate::types::Bytes;

/// The record separator of RFC 7464.
const RS: u8 = 0x1E;

/// Splits a byte stream into records.
pub(crate) struct LineSplitter {
    /// The start of a record whose end has not arrived.
    partial: Vec<u8>,
    cap: usize,
}

impl LineSplitter {
    /// A splitter accepting records of at most `cap` bytes.
    pub(crate) fn new(cap: usize) -> Self {
        LineSplitter {
            partial: Vec::new(),
            cap,
        }
    }

    /// Calls `record` for every record `chunk` completes; `Err` with the cap
    /// when a record grows beyond it.
    pub(crate) fn push(
        &mut self,
        chunk: &Bytes,
        mut record: impl FnMut(&[u8]),
    ) -> Result<(), usize> {
        let mut rest: &[u8] = chunk;
        while let Some(end) = rest.iter().position(|&b| b == b'\n' || b == RS) {
            if self.partial.is_empty() {
                emit(&rest[..end], &mut record);
            } else {
                self.partial.extend_from_slice(&rest[..end]);
                emit(&self.partial, &mut record);
                self.partial.clear();
            }
            rest = &rest[end + 1..];
        }
        self.partial.extend_from_slice(rest);
        if self.partial.len() > self.cap {
            return Err(self.cap);
        }
        Ok(())
    }

    /// The last record, at the end of the stream.
    pub(crate) fn finish(&mut self, record: impl FnMut(&[u8])) {
        let last = std::mem::take(&mut self.partial);
        emit(&last, record);
    }
}

fn emit(line: &[u8], mut record: impl FnMut(&[u8])) {
    let trimmed = line.trim_ascii();
    if !trimmed.is_empty() {
        record(trimmed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(chunks: &[&'static [u8]]) -> Vec<String> {
        let mut splitter = LineSplitter::new(1 << 20);
        let mut out = Vec::new();
        for chunk in chunks {
            splitter
                .push(&Bytes::from_static(chunk), |r| {
                    out.push(String::from_utf8_lossy(r).into_owned())
                })
                .unwrap();
        }
        splitter.finish(|r| out.push(String::from_utf8_lossy(r).into_owned()));
        out
    }

    #[test]
    fn lines_records_and_boundaries() {
        assert_eq!(
            split(&[b"{\"a\":1}\r\n\n{\"a\"", b":2}\n{\"a\":3}"]),
            ["{\"a\":1}", "{\"a\":2}", "{\"a\":3}"]
        );
        assert_eq!(
            split(&[b"\x1e{\"a\":1}\n\x1e{\"a\":2}\n"]),
            ["{\"a\":1}", "{\"a\":2}"]
        );
    }

    #[test]
    fn a_record_beyond_the_cap_fails() {
        let mut splitter = LineSplitter::new(4);
        assert_eq!(
            splitter.push(&Bytes::from_static(b"123456"), |_| {}),
            Err(4)
        );
    }
}
