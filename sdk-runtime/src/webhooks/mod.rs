//! Verify (and sign) incoming webhooks before processing them.
//!
//! # Why verify first
//!
//! A webhook endpoint is a public URL: anyone who finds it can POST to it. The sender therefore signs every
//! delivery with a secret shared only with you, and the signature covers a timestamp so a captured request
//! cannot be replayed later. Until the signature is checked, the body is untrusted input from an unknown
//! party, so verification comes *before* parsing, logging or acting on it. Verification runs over the raw
//! body bytes exactly as received (`&[u8]`): re-serializing parsed JSON changes whitespace and key order and
//! breaks the signature, so never verify a re-encoded body.
//!
//! # Schemes
//!
//! - [`StandardWebhooks`] — the [Standard Webhooks](https://www.standardwebhooks.com) scheme (Svix and many
//!   others). Headers `webhook-id`, `webhook-timestamp` (Unix seconds) and `webhook-signature`; the signed
//!   content is `{id}.{timestamp}.{body}`; HMAC-SHA256 with a secret written `whsec_` + base64 (a bare base64
//!   secret is accepted too). The signature header is a space-separated list of `v1,<base64>` entries: any
//!   one may match, which lets the sender rotate keys; entries of other versions (`v1a`, …) are ignored.
//! - [`StripeWebhooks`] — the Stripe scheme: `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…]`, the
//!   signed content is `{t}.{body}`, HMAC-SHA256 keyed with the secret's raw bytes.
//!
//! Both types sign as well as verify (for senders, and for your own tests), and both accept several secrets
//! ([`StandardWebhooks::with_secret`]) so *you* can rotate: accept old and new while the sender switches.
//! Code that should not care about the scheme holds a [`Verifier`] (`&dyn Verifier`, `Arc<dyn Verifier>`).
//!
//! Signatures are compared in constant time (`hmac`'s `Mac::verify_slice`). The signature is checked
//! *before* the timestamp window, so a timestamp error means the request was authentic but stale or early:
//! look at clock skew or a long retry delay, not at forgery.
//!
//! # Defaults
//!
//! - Timestamp tolerance: [`DEFAULT_TOLERANCE`], 5 minutes in *both* directions (older or newer than "now"),
//!   changed with `with_tolerance`.
//! - Secrets are trimmed of surrounding whitespace (a trailing newline from a secrets file is common); the
//!   base64 of a Standard Webhooks secret may omit its `=` padding.
//! - [`ReplayGuard`] remembers the last [`ReplayGuard::DEFAULT_CAPACITY`] ids.
//!
//! # Replays
//!
//! The timestamp window limits replays to a few minutes; senders also deliver *at least once*, so the same
//! event may legitimately arrive twice. A [`ReplayGuard`] remembers recently seen ids: check the id only
//! after the signature is verified (so forged ids cannot fill it), and [`forget`](ReplayGuard::forget) it if
//! processing fails, so the sender's retry is accepted.
//!
//! # Errors
//!
//! Every failure is a [`WebhookError`] with a [`WebhookErrorKind`] to match on. It is an opaque struct with
//! a fieldless `#[non_exhaustive]` kind, like `std::io::Error`: matching stays easy, and context (header
//! name, timestamp, serde source) or new kinds can be added without breaking callers. No error, and no
//! `Debug` of the verifier types, ever contains a secret or an expected signature. A typical endpoint
//! answers `400` for verification and decode errors and `200` for [`Replayed`](WebhookErrorKind::Replayed)
//! (the event was already handled), and treats [`InvalidSecret`](WebhookErrorKind::InvalidSecret) /
//! [`MissingSecret`](WebhookErrorKind::MissingSecret) as a startup failure.
//!
//! # Example
//!
//! ```
//! use http::HeaderMap;
//! use sdk_runtime::webhooks::{self, ReplayGuard, StandardWebhooks, Verifier, WebhookErrorKind};
//! use serde::Deserialize;
//!
//! #[derive(Debug, Deserialize, PartialEq)]
//! #[serde(tag = "type")]
//! enum Event {
//!     #[serde(rename = "user.created")]
//!     UserCreated { data: User },
//!     /// Event types added by the sender after this code was written.
//!     #[serde(other)]
//!     Unknown,
//! }
//!
//! #[derive(Debug, Deserialize, PartialEq)]
//! struct User {
//!     email: String,
//! }
//!
//! /// Returns the HTTP status to answer with.
//! fn handle(verifier: &dyn Verifier, guard: &ReplayGuard, headers: &HeaderMap, body: &[u8]) -> u16 {
//!     // 1. Authenticate the raw bytes, 2. decode, 3. de-duplicate, 4. process.
//!     let verified = match verifier.verify(headers, body) {
//!         Ok(verified) => verified,
//!         Err(_) => return 400,
//!     };
//!     let event: Event = match webhooks::decode(body) {
//!         Ok(event) => event,
//!         Err(_) => return 400,
//!     };
//!     if let Some(id) = verified.id() {
//!         match guard.check_and_remember(id) {
//!             Ok(()) => {}
//!             Err(e) if e.kind() == WebhookErrorKind::Replayed => return 200,
//!             Err(_) => return 500,
//!         }
//!     }
//!     match event {
//!         Event::UserCreated { data } => println!("welcome {}", data.email),
//!         Event::Unknown => {}
//!     }
//!     200
//! }
//!
//! # fn main() -> Result<(), webhooks::WebhookError> {
//! // In production: `StandardWebhooks::from_env("MY_WEBHOOK_SECRET")?`.
//! let verifier = StandardWebhooks::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
//! let guard = ReplayGuard::default();
//!
//! // What the sender does (here with the same secret, as in a test).
//! let body = br#"{"type":"user.created","data":{"email":"ada@example.com"}}"#;
//! let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
//! let headers = verifier.signed_headers("msg_1", now.as_secs() as i64, body)?;
//!
//! assert_eq!(handle(&verifier, &guard, &headers, body), 200);
//! assert_eq!(handle(&verifier, &guard, &headers, b"{\"type\":\"tampered\"}"), 400);
//! // The same delivery again is acknowledged but not processed twice.
//! assert_eq!(handle(&verifier, &guard, &headers, body), 200);
//! # Ok(())
//! # }
//! ```
//!
//! When de-duplication is not needed, [`verify_and_decode`] does steps 1 and 2 in one call.

mod client;
mod error;
mod replay;
mod standard;
mod stripe;

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::HeaderMap;
use serde::de::DeserializeOwned;

pub use self::error::{WebhookError, WebhookErrorKind};
pub use self::replay::ReplayGuard;
pub use self::standard::{StandardWebhooks, WEBHOOK_ID, WEBHOOK_SIGNATURE, WEBHOOK_TIMESTAMP};
pub use self::stripe::{STRIPE_SIGNATURE, StripeWebhooks};

/// How far a signed timestamp may be from "now", in either direction, by default: 5 minutes.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(5 * 60);

/// Something that can authenticate a webhook request: [`StandardWebhooks`], [`StripeWebhooks`], or your own
/// scheme. Generated clients and handlers hold "some verifier" as `&dyn Verifier` or `Arc<dyn Verifier>`.
pub trait Verifier: std::fmt::Debug + Send + Sync {
    /// Verifies `body` (the raw bytes as received) against `headers`, with `now` as the current time.
    ///
    /// # Errors
    ///
    /// A [`WebhookError`] whose kind says which check failed.
    fn verify_at<'h>(
        &self,
        headers: &'h HeaderMap,
        body: &[u8],
        now: SystemTime,
    ) -> Result<Verified<'h>, WebhookError>;

    /// Verifies `body` (the raw bytes as received) against `headers` at the current system time.
    ///
    /// # Errors
    ///
    /// A [`WebhookError`] whose kind says which check failed.
    fn verify<'h>(
        &self,
        headers: &'h HeaderMap,
        body: &[u8],
    ) -> Result<Verified<'h>, WebhookError> {
        self.verify_at(headers, body, SystemTime::now())
    }
}

/// What a successful verification established: the signed id (if the scheme has one) and timestamp.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verified<'h> {
    id: Option<&'h str>,
    timestamp: i64,
}

impl<'h> Verified<'h> {
    /// Creates the result of a successful verification (for custom [`Verifier`] implementations).
    #[must_use]
    pub fn new(id: Option<&'h str>, timestamp: i64) -> Self {
        Verified { id, timestamp }
    }

    /// The authenticated webhook id (`webhook-id`), to feed a [`ReplayGuard`]. `None` for Stripe, whose
    /// event id is inside the body.
    #[must_use]
    pub fn id(&self) -> Option<&'h str> {
        self.id
    }

    /// The authenticated send time, in Unix seconds.
    #[must_use]
    pub fn timestamp(&self) -> i64 {
        self.timestamp
    }
}

/// Verifies a webhook, then deserializes its JSON body into `E` (typically a generated event enum whose
/// `#[serde(other)]` variant absorbs event types added later).
///
/// The body is parsed only after the signature has been checked over its raw bytes.
///
/// # Errors
///
/// Any verification error of `verifier`, or [`WebhookErrorKind::Decode`] carrying serde's message.
///
/// # Example
///
/// ```
/// # use sdk_runtime::webhooks::{self, StripeWebhooks};
/// # fn main() -> Result<(), webhooks::WebhookError> {
/// let verifier = StripeWebhooks::new("whsec_test_secret")?;
/// # let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
/// # let headers = verifier.signed_headers(now.as_secs() as i64, b"{\"id\":\"evt_1\"}")?;
/// # let body: &[u8] = b"{\"id\":\"evt_1\"}";
/// let event: serde_json::Value = webhooks::verify_and_decode(&verifier, &headers, body)?;
/// assert_eq!(event["id"], "evt_1");
/// # Ok(())
/// # }
/// ```
pub fn verify_and_decode<E, V>(
    verifier: &V,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<E, WebhookError>
where
    E: DeserializeOwned,
    V: Verifier + ?Sized,
{
    verify_and_decode_at(verifier, headers, body, SystemTime::now())
}

/// [`verify_and_decode`] with an explicit current time (for tests).
///
/// # Errors
///
/// As [`verify_and_decode`].
pub fn verify_and_decode_at<E, V>(
    verifier: &V,
    headers: &HeaderMap,
    body: &[u8],
    now: SystemTime,
) -> Result<E, WebhookError>
where
    E: DeserializeOwned,
    V: Verifier + ?Sized,
{
    verifier.verify_at(headers, body, now)?;
    decode(body)
}

/// Deserializes a webhook's JSON body into `E`; call it only after the body has been verified.
///
/// # Errors
///
/// [`WebhookErrorKind::Decode`], carrying serde's message and the `serde_json::Error` as its source.
pub fn decode<E: DeserializeOwned>(body: &[u8]) -> Result<E, WebhookError> {
    serde_json::from_slice(body).map_err(WebhookError::decode)
}

// A verifier behind a reference or a smart pointer is still a verifier, so `&dyn Verifier`,
// `Box<dyn Verifier>` and `Arc<dyn Verifier>` go wherever one is expected. One body, three impls.
macro_rules! forward_verifier {
    ($($pointer:ty),*) => {$(
        impl<V: Verifier + ?Sized> Verifier for $pointer {
            fn verify_at<'h>(
                &self,
                h: &'h HeaderMap,
                body: &[u8],
                now: SystemTime,
            ) -> Result<Verified<'h>, WebhookError> {
                (**self).verify_at(h, body, now)
            }
        }
    )*};
}

forward_verifier!(&V, Box<V>, Arc<V>);

// ===== internal =====

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// Creates the keyed HMAC state. The key bytes are not kept: only this derived state is stored, and it is
/// cloned per message.
fn keyed_mac(key: &[u8]) -> Result<HmacSha256, WebhookError> {
    use hmac::KeyInit;
    if key.is_empty() {
        return Err(WebhookError::invalid_secret("it is empty"));
    }
    // HMAC accepts keys of any length; the error arm exists only because `KeyInit` is generic.
    HmacSha256::new_from_slice(key)
        .map_err(|_| WebhookError::invalid_secret("unsupported key length"))
}

/// Reads the secret held in environment variable `var`; the error names the variable, never its value.
fn secret_from_env(var: &str) -> Result<String, WebhookError> {
    std::env::var(var).map_err(|e| {
        let why = match e {
            std::env::VarError::NotPresent => "is not set",
            std::env::VarError::NotUnicode(_) => "is not valid Unicode",
        };
        WebhookError::missing_secret(format!("environment variable `{var}` {why}"))
    })
}

/// Adds the variable name to a secret-parsing error so a misconfigured deployment is easy to find.
fn name_env_var(var: &str, err: &WebhookError) -> WebhookError {
    WebhookError::invalid_secret(format!("secret in environment variable `{var}`: {err}"))
}

/// Reads a header that must appear exactly once, as visible ASCII.
fn single_header<'h>(headers: &'h HeaderMap, name: &'static str) -> Result<&'h str, WebhookError> {
    let mut values = headers.get_all(name).iter();
    let value = values
        .next()
        .ok_or_else(|| WebhookError::missing_header(name))?;
    if values.next().is_some() {
        return Err(WebhookError::malformed_header(
            name,
            "it appears more than once",
        ));
    }
    value
        .to_str()
        .map_err(|_| WebhookError::malformed_header(name, "it is not visible ASCII"))
}

/// Parses Unix seconds written as plain decimal digits (no sign, no spaces, no fraction).
fn parse_timestamp(header: &'static str, text: &str) -> Result<i64, WebhookError> {
    let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    match text.parse::<i64>() {
        Ok(seconds) if digits => Ok(seconds),
        _ => Err(WebhookError::malformed_header(
            header,
            "the timestamp is not Unix seconds",
        )),
    }
}

/// The tail every scheme shares, in the order the module docs promise: the request is authentic when
/// any of `candidates` matches the content `signed` builds on any of `keys`; only then is `timestamp`
/// held against the window, so a timestamp error always means an authentic but stale or early request.
fn check_signatures(
    keys: &[HmacSha256],
    signed: impl Fn(&HmacSha256) -> HmacSha256,
    candidates: &[Vec<u8>],
    timestamp: i64,
    now: SystemTime,
    tolerance: Duration,
) -> Result<(), WebhookError> {
    use hmac::Mac as _;
    let matched = keys.iter().any(|key| {
        let mac = signed(key);
        candidates
            .iter()
            .any(|candidate| mac.clone().verify_slice(candidate).is_ok())
    });
    if !matched {
        return Err(WebhookError::no_match(candidates.len()));
    }
    check_timestamp(timestamp, now, tolerance)
}

/// Rejects timestamps more than `tolerance` before or after `now`.
fn check_timestamp(
    timestamp: i64,
    now: SystemTime,
    tolerance: Duration,
) -> Result<(), WebhookError> {
    // i128 holds any i64 difference and any u64 of seconds, so nothing here can overflow.
    let now = unix_seconds(now);
    let tolerance = tolerance.as_secs();
    let ahead = i128::from(timestamp) - now;
    if ahead > i128::from(tolerance) {
        Err(WebhookError::out_of_window(
            WebhookErrorKind::TimestampInFuture,
            timestamp,
            now,
            tolerance,
        ))
    } else if -ahead > i128::from(tolerance) {
        Err(WebhookError::out_of_window(
            WebhookErrorKind::TimestampTooOld,
            timestamp,
            now,
            tolerance,
        ))
    } else {
        Ok(())
    }
}

fn unix_seconds(time: SystemTime) -> i128 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i128::from(after.as_secs()),
        Err(before) => -i128::from(before.duration().as_secs()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(seconds)
    }

    #[test]
    fn timestamp_window_is_inclusive_in_both_directions() {
        let tol = DEFAULT_TOLERANCE;
        assert!(check_timestamp(1_000, at(1_300), tol).is_ok());
        assert!(check_timestamp(1_600, at(1_300), tol).is_ok());
        let old = check_timestamp(999, at(1_300), tol).unwrap_err();
        assert_eq!(old.kind(), WebhookErrorKind::TimestampTooOld);
        assert_eq!(old.timestamp(), Some(999));
        let future = check_timestamp(1_601, at(1_300), tol).unwrap_err();
        assert_eq!(future.kind(), WebhookErrorKind::TimestampInFuture);
    }

    #[test]
    fn timestamp_extremes_do_not_overflow() {
        assert!(check_timestamp(i64::MAX, at(0), Duration::MAX).is_ok());
        assert!(check_timestamp(i64::MIN, at(u64::from(u32::MAX)), Duration::MAX).is_ok());
        let e = check_timestamp(i64::MIN, at(0), DEFAULT_TOLERANCE).unwrap_err();
        assert_eq!(e.kind(), WebhookErrorKind::TimestampTooOld);
    }

    #[test]
    fn timestamps_must_be_plain_digits() {
        assert_eq!(parse_timestamp("t", "1649367553").ok(), Some(1_649_367_553));
        for bad in ["", "+1", "-1", " 1", "1.5", "1e9", "99999999999999999999"] {
            let e = parse_timestamp("t", bad).unwrap_err();
            assert_eq!(e.kind(), WebhookErrorKind::MalformedHeader, "{bad:?}");
        }
    }

    #[test]
    fn duplicated_and_non_ascii_headers_are_malformed() {
        let mut headers = HeaderMap::new();
        headers.append(WEBHOOK_ID, http::HeaderValue::from_static("a"));
        headers.append(WEBHOOK_ID, http::HeaderValue::from_static("b"));
        let e = single_header(&headers, WEBHOOK_ID).unwrap_err();
        assert_eq!(e.kind(), WebhookErrorKind::MalformedHeader);
        let mut headers = HeaderMap::new();
        let value = http::HeaderValue::from_bytes(b"caf\xc3\xa9").unwrap();
        headers.insert(WEBHOOK_ID, value);
        assert_eq!(
            single_header(&headers, WEBHOOK_ID).unwrap_err().kind(),
            WebhookErrorKind::MalformedHeader
        );
    }
}
