//! [`Upload`]: a request body that is sent as it is read.

use std::fmt;
use std::path::Path;

use futures::{Stream, TryStreamExt};
use tokio::io::AsyncRead;
use tokio_util::io::ReaderStream;

use crate::codec::binary::Binary;
use crate::error::BoxError;
use crate::types::Bytes;

/// The body of an upload: bytes in memory, or a file, reader or stream sent
/// as it is read, never whole in memory.
///
/// Every operation that takes a binary body accepts anything that converts
/// into it (`Vec<u8>`, `Bytes`, `&'static str`, …). A call whose body is a
/// stream is never retried, since a stream can be sent only once: its error
/// says so.
///
/// ```no_run
/// # async fn demo() -> std::io::Result<()> {
/// use sdk_runtime::Upload;
///
/// let in_memory = Upload::from(vec![1, 2, 3]);
/// let from_disk = Upload::file("backup.tar").await?; // read while it is sent
/// assert_eq!(in_memory.len(), Some(3));
/// # let _ = from_disk;
/// # Ok(()) }
/// ```
pub struct Upload {
    pub(crate) source: Source,
}

pub(crate) enum Source {
    Bytes(Bytes),
    Stream(reqwest::Body, Option<u64>),
}

impl Upload {
    /// The file at `path`, read while it is sent; its size is sent as the
    /// `Content-Length`.
    pub async fn file(path: impl AsRef<Path>) -> std::io::Result<Upload> {
        let file = tokio::fs::File::open(path).await?;
        let length = file.metadata().await?.len();
        Ok(Upload::from_reader(file, Some(length)))
    }

    /// Any reader, read while it is sent. With `length`, that is sent as the
    /// `Content-Length` (and must be right); without, the body is chunked.
    pub fn from_reader(reader: impl AsyncRead + Send + 'static, length: Option<u64>) -> Upload {
        Upload::from_stream(ReaderStream::new(reader), length)
    }

    /// A stream of chunks, sent as they come (see [`from_reader`](Self::from_reader)
    /// for `length`).
    pub fn from_stream<S, E>(stream: S, length: Option<u64>) -> Upload
    where
        S: Stream<Item = Result<Bytes, E>> + Send + 'static,
        E: Into<BoxError> + 'static,
    {
        let body = reqwest::Body::wrap_stream(stream.map_err(Into::into));
        Upload {
            source: Source::Stream(body, length),
        }
    }

    /// The body's size, when it is known.
    pub fn len(&self) -> Option<u64> {
        match &self.source {
            Source::Bytes(bytes) => Some(bytes.len() as u64),
            Source::Stream(_, length) => *length,
        }
    }

    /// Whether the body is known to be empty.
    pub fn is_empty(&self) -> bool {
        self.len() == Some(0)
    }
}

impl fmt::Debug for Upload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.source {
            Source::Bytes(bytes) => write!(f, "Upload({} bytes)", bytes.len()),
            Source::Stream(_, Some(length)) => write!(f, "Upload(stream of {length} bytes)"),
            Source::Stream(_, None) => f.write_str("Upload(stream)"),
        }
    }
}

impl From<Bytes> for Upload {
    fn from(bytes: Bytes) -> Self {
        Upload {
            source: Source::Bytes(bytes),
        }
    }
}

impl From<Vec<u8>> for Upload {
    fn from(bytes: Vec<u8>) -> Self {
        Upload::from(Bytes::from(bytes))
    }
}

impl From<String> for Upload {
    fn from(text: String) -> Self {
        Upload::from(Bytes::from(text))
    }
}

impl From<&'static str> for Upload {
    fn from(text: &'static str) -> Self {
        Upload::from(Bytes::from_static(text.as_bytes()))
    }
}

impl From<&'static [u8]> for Upload {
    fn from(bytes: &'static [u8]) -> Self {
        Upload::from(Bytes::from_static(bytes))
    }
}

impl<const N: usize> From<&'static [u8; N]> for Upload {
    fn from(bytes: &'static [u8; N]) -> Self {
        Upload::from(Bytes::from_static(bytes))
    }
}

impl From<Binary> for Upload {
    fn from(binary: Binary) -> Self {
        Upload::from(binary.0)
    }
}
