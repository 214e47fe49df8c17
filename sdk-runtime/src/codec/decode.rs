//! Decoders the generated code hands to `execute`.
//!
//! A generated method does not deserialize anything itself: it passes two plain
//! function pointers to [`execute`](crate::__private::execute), one for success
//! responses ([`DecodeOk`]) and one for error responses ([`DecodeErr`]). Function
//! pointers (not closures or trait objects) keep every generated method to a
//! single line of glue and let `execute` stay a thin generic wrapper.
//!
//! The building blocks here cover the common content types: [`json`], [`text`],
//! [`bytes`] and [`empty`] for success bodies, [`error_json`] and [`no_error`]
//! for error bodies. A generated decoder for an operation with several
//! documented statuses matches on [`status_is`] and calls one of them.

use std::fmt;

use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use crate::codec::unread::UnreadBody;
use crate::types::Bytes;

/// The parts of a finished response a decoder may look at.
///
/// The body has already been read in full (within the client's size cap),
/// except for operations that stream it: their success body is left
/// [unread](Self::unread_body) for the stream to read.
#[derive(Clone, Copy, Debug)]
pub struct ResponseParts<'a> {
    /// The final status, after retries.
    pub status: StatusCode,
    /// The response headers.
    pub headers: &'a HeaderMap,
    /// The complete response body (empty when it was left unread).
    pub body: &'a [u8],
    pub(crate) unread: Option<&'a UnreadBody>,
}

impl<'a> ResponseParts<'a> {
    /// The success body of a streaming operation, not read yet.
    pub fn unread_body(&self) -> Option<&'a UnreadBody> {
        self.unread
    }
}

/// Decodes a successful (2xx) response into `T`.
pub type DecodeOk<T> = fn(&ResponseParts<'_>) -> Result<T, DecodeError>;

/// Decodes an error response into a typed body, or `None` when it has none.
pub type DecodeErr = fn(&ResponseParts<'_>) -> Option<ErrorBody>;

pub use crate::error::ErrorBody;

/// Why a response body could not be decoded.
///
/// Becomes the [`source`](std::error::Error::source) of a decode-kind
/// [`Error`](crate::Error), which also keeps the raw body.
pub struct DecodeError {
    message: String,
    source: Option<serde_json::Error>,
}

impl DecodeError {
    /// Creates a decode error with a message and no underlying cause.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            source: None,
        }
    }
}

impl From<serde_json::Error> for DecodeError {
    fn from(error: serde_json::Error) -> Self {
        Self {
            message: format!("invalid JSON body: {error}"),
            source: Some(error),
        }
    }
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodeError")
            .field("message", &self.message)
            .finish()
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DecodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_ref().map(|e| e as _)
    }
}

/// Decodes a JSON body into `T`.
///
/// An empty body decodes as JSON `null`, so `Option<T>`, `()` and
/// `serde_json::Value` accept a `204 No Content`.
pub fn json<T: DeserializeOwned>(parts: &ResponseParts<'_>) -> Result<T, DecodeError> {
    let body = if parts.body.iter().all(u8::is_ascii_whitespace) {
        b"null".as_slice()
    } else {
        parts.body
    };
    Ok(serde_json::from_slice(body)?)
}

/// Ignores the body and returns `()`.
pub fn empty(_parts: &ResponseParts<'_>) -> Result<(), DecodeError> {
    Ok(())
}

/// Returns the body as text, replacing invalid UTF-8 with `U+FFFD`.
pub fn text(parts: &ResponseParts<'_>) -> Result<String, DecodeError> {
    Ok(String::from_utf8_lossy(parts.body).into_owned())
}

/// Returns the body as raw bytes.
pub fn bytes(parts: &ResponseParts<'_>) -> Result<Bytes, DecodeError> {
    Ok(Bytes::copy_from_slice(parts.body))
}

/// Decodes a JSON error body into `E`, or `None` when it does not parse.
///
/// A body that does not match the documented schema is not an error in its
/// own right: the status error still carries the raw body.
pub fn error_json<E>(parts: &ResponseParts<'_>) -> Option<ErrorBody>
where
    E: DeserializeOwned + Send + Sync + 'static,
{
    let value: E = serde_json::from_slice(parts.body).ok()?;
    Some(Box::new(value))
}

/// Decodes no typed error body.
pub fn no_error(_parts: &ResponseParts<'_>) -> Option<ErrorBody> {
    None
}

/// Whether the status matches an OpenAPI response key.
///
/// `pattern` is an exact code (`"404"`), a range (`"4XX"`, case-insensitive) or
/// `"default"`, which matches every status. Anything else matches nothing.
pub fn status_is(parts: &ResponseParts<'_>, pattern: &str) -> bool {
    let code = parts.status.as_u16();
    match pattern.as_bytes() {
        b"default" => true,
        [class @ b'1'..=b'5', x, y]
            if x.eq_ignore_ascii_case(&b'x') && y.eq_ignore_ascii_case(&b'x') =>
        {
            u16::from(class - b'0') == code / 100
        }
        _ => pattern.parse::<u16>().is_ok_and(|p| p == code),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a decoder sees of a response with `status` and `body`.
    fn parts<'a>(status: u16, headers: &'a HeaderMap, body: &'a [u8]) -> ResponseParts<'a> {
        ResponseParts {
            status: StatusCode::from_u16(status).unwrap(),
            headers,
            body,
            unread: None,
        }
    }

    #[test]
    fn status_patterns() {
        let headers = HeaderMap::new();
        let p = parts(404, &headers, b"");
        assert!(status_is(&p, "404"));
        assert!(status_is(&p, "4XX"));
        assert!(status_is(&p, "4xx"));
        assert!(status_is(&p, "default"));
        assert!(!status_is(&p, "5XX"));
        assert!(!status_is(&p, "400"));
        assert!(!status_is(&p, "4X"));
        assert!(!status_is(&p, ""));
    }

    #[test]
    fn empty_json_body_is_null() {
        let headers = HeaderMap::new();
        let p = parts(204, &headers, b" \n");
        assert_eq!(json::<Option<u32>>(&p).unwrap(), None);
        json::<()>(&p).unwrap();
    }

    #[test]
    fn error_json_is_none_on_mismatch() {
        let headers = HeaderMap::new();
        let p = parts(400, &headers, b"not json");
        assert!(error_json::<serde_json::Value>(&p).is_none());
    }
}
