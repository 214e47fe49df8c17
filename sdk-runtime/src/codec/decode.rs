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

impl DecodeError {
    /// A decode error at `path` in the body (`data[3].address.city`), or at
    /// its root when the path is empty.
    fn at(path: &str, error: serde_json::Error) -> Self {
        // `.` is the root, `?` a place the tracker could not name.
        let message = if matches!(path, "" | "." | "?") {
            format!("invalid JSON body: {error}")
        } else {
            format!("at {path}: {error}")
        };
        Self {
            message,
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
///
/// A body that does not decode is decoded a second time through
/// `serde_path_to_error`, so that the error names the field that failed
/// (`at data[3].address.city: invalid type: integer `42`, expected a string`).
/// Failures are rare, and the success path runs plain `serde_json` with no
/// path tracking at all.
pub fn json<T: DeserializeOwned>(parts: &ResponseParts<'_>) -> Result<T, DecodeError> {
    let body = if parts.body.iter().all(u8::is_ascii_whitespace) {
        b"null".as_slice()
    } else {
        parts.body
    };
    serde_json::from_slice(body).map_err(|plain| located::<T>(body, plain))
}

/// The error of decoding `body` as `T` again with the path tracked; `plain`
/// when that second decode (unexpectedly) succeeds.
fn located<T: DeserializeOwned>(body: &[u8], plain: serde_json::Error) -> DecodeError {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Ok(_) => DecodeError::from(plain),
        Err(tracked) => {
            let path = tracked.path().to_string();
            DecodeError::at(&path, tracked.into_inner())
        }
    }
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
    fn a_decode_error_names_the_field_path() {
        #[derive(Debug, serde::Deserialize)]
        struct Address {
            #[allow(dead_code)]
            city: String,
        }
        #[derive(Debug, serde::Deserialize)]
        struct Customer {
            #[allow(dead_code)]
            address: Address,
        }
        #[derive(Debug, serde::Deserialize)]
        struct List {
            #[allow(dead_code)]
            data: Vec<Customer>,
        }
        let headers = HeaderMap::new();
        let body = br#"{"data":[{"address":{"city":"Oslo"}},{"address":{"city":42}}]}"#;
        let error = json::<List>(&parts(200, &headers, body)).unwrap_err();
        let shown = error.to_string();
        assert!(
            shown.starts_with(
                "at data[1].address.city: invalid type: integer `42`, expected a string"
            ),
            "{shown}"
        );
        let error = json::<List>(&parts(200, &headers, b"{")).unwrap_err();
        assert!(
            error.to_string().starts_with("invalid JSON body: EOF"),
            "{error}"
        );
    }

    #[test]
    fn error_json_is_none_on_mismatch() {
        let headers = HeaderMap::new();
        let p = parts(400, &headers, b"not json");
        assert!(error_json::<serde_json::Value>(&p).is_none());
    }
}
