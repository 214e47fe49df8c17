//! The single error type of the webhooks module.
//!
//! [`WebhookError`] is opaque (a `Box` around private fields, one pointer wide) and exposes a fieldless,
//! `#[non_exhaustive]` [`WebhookErrorKind`], the way `std::io::Error` exposes `io::ErrorKind`:
//!
//! - callers get an exhaustive-feeling, `Copy` value to `match` on (answer `400` for a bad signature,
//!   acknowledge a replay, alert on a bad secret) without parsing messages;
//! - the error itself can gain context (a header name, the offending timestamp, a `serde_json` source) or new
//!   kinds without a breaking change, which a public enum with data-carrying variants would not allow.
//!
//! No constructor takes a secret or a computed signature, so neither `Display` nor `Debug` can ever print
//! one. Base64 errors about the secret are deliberately *not* chained as a source: their messages quote the
//! offending character, which is part of the secret.

use std::borrow::Cow;
use std::error::Error as StdError;
use std::fmt;

/// The category of a [`WebhookError`]. Match on it with a wildcard arm: kinds may be added.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WebhookErrorKind {
    /// A required header is absent; [`WebhookError::header`] names it.
    MissingHeader,
    /// A header is present but cannot be parsed (not ASCII, duplicated, wrong syntax, bad base64/hex);
    /// [`WebhookError::header`] names it.
    MalformedHeader,
    /// The configured secret is empty or not valid base64 (after an optional `whsec_` prefix).
    InvalidSecret,
    /// The environment variable that should hold the secret is unset or not Unicode.
    MissingSecret,
    /// The signed timestamp is older than the tolerance allows (possible replay of a captured request).
    TimestampTooOld,
    /// The signed timestamp lies further in the future than the tolerance allows.
    TimestampInFuture,
    /// The signature header is well formed but none of its signatures matches the body and secret(s):
    /// the body was altered, the secret is wrong, or the request is forged.
    NoMatchingSignature,
    /// The webhook id was seen before by a [`ReplayGuard`](super::ReplayGuard).
    Replayed,
    /// The signature is valid but the body does not deserialize into the requested type.
    Decode,
}

/// An error from verifying, signing, decoding or de-duplicating a webhook.
///
/// Use [`kind`](Self::kind) to decide what to do; `Display` is meant for logs. See the
/// [module docs](super#errors) for why this is an opaque struct.
pub struct WebhookError {
    inner: Box<Inner>,
}

impl WebhookError {
    /// The category of this error.
    #[must_use]
    pub fn kind(&self) -> WebhookErrorKind {
        self.inner.kind
    }

    /// The header this error is about (for [`MissingHeader`](WebhookErrorKind::MissingHeader) and
    /// [`MalformedHeader`](WebhookErrorKind::MalformedHeader)), in lower case.
    #[must_use]
    pub fn header(&self) -> Option<&str> {
        self.inner.header
    }

    /// The signed timestamp (Unix seconds) for the timestamp kinds.
    #[must_use]
    pub fn timestamp(&self) -> Option<i64> {
        self.inner.timestamp
    }
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        f.write_str(match inner.kind {
            WebhookErrorKind::MissingHeader => "webhook header is missing",
            WebhookErrorKind::MalformedHeader => "webhook header is malformed",
            WebhookErrorKind::InvalidSecret => "webhook secret is invalid",
            WebhookErrorKind::MissingSecret => "webhook secret is not configured",
            WebhookErrorKind::TimestampTooOld => "webhook timestamp is too old",
            WebhookErrorKind::TimestampInFuture => "webhook timestamp is too far in the future",
            WebhookErrorKind::NoMatchingSignature => "no webhook signature matched",
            WebhookErrorKind::Replayed => "webhook was already received (replay)",
            WebhookErrorKind::Decode => "webhook payload could not be decoded",
        })?;
        if let Some(header) = inner.header {
            write!(f, " (`{header}`)")?;
        }
        if let Some(detail) = &inner.detail {
            write!(f, ": {detail}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Only fields that are set, like reqwest's error; none of them can hold a secret (see module docs).
        let inner = &*self.inner;
        let mut d = f.debug_struct("WebhookError");
        d.field("kind", &inner.kind);
        if let Some(header) = inner.header {
            d.field("header", &header);
        }
        if let Some(timestamp) = inner.timestamp {
            d.field("timestamp", &timestamp);
        }
        if let Some(detail) = &inner.detail {
            d.field("detail", detail);
        }
        if let Some(source) = &inner.source {
            d.field("source", source);
        }
        d.finish()
    }
}

impl StdError for WebhookError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.inner
            .source
            .as_deref()
            .map(|e| e as &(dyn StdError + 'static))
    }
}

// ===== internal =====

struct Inner {
    kind: WebhookErrorKind,
    header: Option<&'static str>,
    timestamp: Option<i64>,
    detail: Option<Cow<'static, str>>,
    source: Option<Box<dyn StdError + Send + Sync>>,
}

impl WebhookError {
    fn new(kind: WebhookErrorKind) -> Self {
        WebhookError {
            inner: Box::new(Inner {
                kind,
                header: None,
                timestamp: None,
                detail: None,
                source: None,
            }),
        }
    }

    fn with_detail(mut self, detail: impl Into<Cow<'static, str>>) -> Self {
        self.inner.detail = Some(detail.into());
        self
    }

    pub(crate) fn missing_header(name: &'static str) -> Self {
        let mut e = Self::new(WebhookErrorKind::MissingHeader);
        e.inner.header = Some(name);
        e
    }

    pub(crate) fn malformed_header(name: &'static str, why: impl Into<Cow<'static, str>>) -> Self {
        let mut e = Self::new(WebhookErrorKind::MalformedHeader).with_detail(why);
        e.inner.header = Some(name);
        e
    }

    /// `why` must describe the problem without quoting any part of the secret.
    pub(crate) fn invalid_secret(why: impl Into<Cow<'static, str>>) -> Self {
        Self::new(WebhookErrorKind::InvalidSecret).with_detail(why)
    }

    pub(crate) fn missing_secret(why: String) -> Self {
        Self::new(WebhookErrorKind::MissingSecret).with_detail(why)
    }

    pub(crate) fn out_of_window(
        kind: WebhookErrorKind,
        timestamp: i64,
        now: i128,
        tolerance: u64,
    ) -> Self {
        let mut e = Self::new(kind).with_detail(format!(
            "signed at {timestamp}, now {now}, tolerance {tolerance} s"
        ));
        e.inner.timestamp = Some(timestamp);
        e
    }

    pub(crate) fn no_match(candidates: usize) -> Self {
        let detail = match candidates {
            0 => Cow::Borrowed("the header holds no signature of a supported version"),
            1 => Cow::Borrowed("checked 1 signature"),
            n => Cow::Owned(format!("checked {n} signatures")),
        };
        Self::new(WebhookErrorKind::NoMatchingSignature).with_detail(detail)
    }

    pub(crate) fn replayed(id: &str) -> Self {
        Self::new(WebhookErrorKind::Replayed).with_detail(format!("id `{id}`"))
    }

    pub(crate) fn decode(err: serde_json::Error) -> Self {
        let mut e = Self::new(WebhookErrorKind::Decode).with_detail(err.to_string());
        e.inner.source = Some(Box::new(err));
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_is_one_pointer_and_thread_safe() {
        fn assert_send_sync<T: Send + Sync + 'static>() {}
        assert_send_sync::<WebhookError>();
        assert_eq!(size_of::<WebhookError>(), size_of::<usize>());
    }

    #[test]
    fn display_names_header_and_detail() {
        let e = WebhookError::malformed_header("webhook-timestamp", "not an integer");
        assert_eq!(
            e.to_string(),
            "webhook header is malformed (`webhook-timestamp`): not an integer"
        );
        assert_eq!(e.header(), Some("webhook-timestamp"));
        assert_eq!(
            WebhookError::missing_header("webhook-id").to_string(),
            "webhook header is missing (`webhook-id`)"
        );
    }

    #[test]
    fn decode_error_chains_serde_source() {
        let serde_err = serde_json::from_slice::<u8>(b"{").unwrap_err();
        let message = serde_err.to_string();
        let e = WebhookError::decode(serde_err);
        assert_eq!(e.kind(), WebhookErrorKind::Decode);
        assert!(e.source().is_some());
        assert_eq!(
            e.to_string(),
            format!("webhook payload could not be decoded: {message}")
        );
    }
}
