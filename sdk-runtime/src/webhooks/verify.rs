//! What every scheme shares: the [`Verifier`] trait, verify-then-decode, and
//! the header, timestamp and signature checks the schemes are built from.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::HeaderMap;
use serde::de::DeserializeOwned;

use super::error::{WebhookError, WebhookErrorKind};

/// How far a signed timestamp may be from "now", in either direction, by default: 5 minutes.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(5 * 60);

/// Something that can authenticate a webhook request: [`StandardWebhooks`](super::StandardWebhooks), [`StripeWebhooks`](super::StripeWebhooks), or your own
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

    /// The authenticated webhook id (`webhook-id`), to feed a [`ReplayGuard`](super::ReplayGuard). `None` for Stripe, whose
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

pub(super) type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// Creates the keyed HMAC state. The key bytes are not kept: only this derived state is stored, and it is
/// cloned per message.
pub(super) fn keyed_mac(key: &[u8]) -> Result<HmacSha256, WebhookError> {
    use hmac::KeyInit;
    if key.is_empty() {
        return Err(WebhookError::invalid_secret("it is empty"));
    }
    // HMAC accepts keys of any length; the error arm exists only because `KeyInit` is generic.
    HmacSha256::new_from_slice(key)
        .map_err(|_| WebhookError::invalid_secret("unsupported key length"))
}

/// Reads the secret held in environment variable `var`; the error names the variable, never its value.
pub(super) fn secret_from_env(var: &str) -> Result<String, WebhookError> {
    std::env::var(var).map_err(|e| {
        let why = match e {
            std::env::VarError::NotPresent => "is not set",
            std::env::VarError::NotUnicode(_) => "is not valid Unicode",
        };
        WebhookError::missing_secret(format!("environment variable `{var}` {why}"))
    })
}

/// Adds the variable name to a secret-parsing error so a misconfigured deployment is easy to find.
pub(super) fn name_env_var(var: &str, err: &WebhookError) -> WebhookError {
    WebhookError::invalid_secret(format!("secret in environment variable `{var}`: {err}"))
}

/// Reads a header that must appear exactly once, as visible ASCII.
pub(super) fn single_header<'h>(
    headers: &'h HeaderMap,
    name: &'static str,
) -> Result<&'h str, WebhookError> {
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
pub(super) fn parse_timestamp(header: &'static str, text: &str) -> Result<i64, WebhookError> {
    let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    match text.parse::<i64>() {
        Ok(seconds) if digits => Ok(seconds),
        _ => Err(WebhookError::malformed_header(
            header,
            "the timestamp is not Unix seconds",
        )),
    }
}

/// The tail every timestamped scheme shares, in the order the module docs promise: the request is
/// authentic when any of `candidates` matches (see [`check_any_signature`]); only then is `timestamp`
/// held against the window, so a timestamp error always means an authentic but stale or early request.
pub(super) fn check_signatures(
    keys: &[HmacSha256],
    signed: impl Fn(&HmacSha256) -> HmacSha256,
    candidates: &[Vec<u8>],
    timestamp: i64,
    now: SystemTime,
    tolerance: Duration,
) -> Result<(), WebhookError> {
    check_any_signature(keys, signed, candidates)?;
    check_timestamp(timestamp, now, tolerance)
}

/// Succeeds when any of `candidates` matches the content `signed` builds on any of `keys`
/// (constant-time comparisons), so every secret of a rotation is accepted.
pub(super) fn check_any_signature(
    keys: &[HmacSha256],
    signed: impl Fn(&HmacSha256) -> HmacSha256,
    candidates: &[Vec<u8>],
) -> Result<(), WebhookError> {
    use hmac::Mac as _;
    let matched = keys.iter().any(|key| {
        let mac = signed(key);
        candidates
            .iter()
            .any(|candidate| mac.clone().verify_slice(candidate).is_ok())
    });
    if matched {
        Ok(())
    } else {
        Err(WebhookError::no_match(candidates.len()))
    }
}

/// The value of signature header `name` a signer attaches; signatures are ASCII, so the
/// error is there only to keep `signed_headers` free of panics.
pub(super) fn signature_value(
    name: &'static str,
    value: String,
) -> Result<http::HeaderValue, WebhookError> {
    http::HeaderValue::try_from(value)
        .map_err(|_| WebhookError::malformed_header(name, "not a header value"))
}

/// Rejects timestamps more than `tolerance` before or after `now`.
pub(super) fn check_timestamp(
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

pub(super) fn unix_seconds(time: SystemTime) -> i128 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i128::from(after.as_secs()),
        Err(before) => -i128::from(before.duration().as_secs()),
    }
}

/// Appends `bytes` as lower-case hex.
pub(super) fn push_hex(out: &mut String, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
}

/// Decodes lower- or upper-case hex; `None` for odd lengths or other characters.
pub(super) fn decode_hex(text: &str) -> Option<Vec<u8>> {
    fn nibble(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        }
    }
    let bytes = text.as_bytes();
    if bytes.is_empty() || !bytes.len().is_multiple_of(2) {
        return None;
    }
    bytes
        .chunks_exact(2)
        .map(|pair| Some(nibble(pair[0])? << 4 | nibble(pair[1])?))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{decode_hex, push_hex};

    #[test]
    fn hex_round_trip_and_rejects() {
        let mut s = String::new();
        push_hex(&mut s, &[0x00, 0x9f, 0xff]);
        assert_eq!(s, "009fff");
        assert_eq!(decode_hex("009FfF"), Some(vec![0x00, 0x9f, 0xff]));
        for bad in ["", "0", "0g", "zz", "00 "] {
            assert_eq!(decode_hex(bad), None, "{bad:?}");
        }
    }

    use super::*;
    use crate::webhooks::WEBHOOK_ID;

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
