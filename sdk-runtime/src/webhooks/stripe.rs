//! The Stripe scheme: `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…]`.

use std::fmt;
use std::time::{Duration, SystemTime};

use hmac::Mac as _;
use http::HeaderMap;

use super::error::WebhookError;
use super::verify::{
    DEFAULT_TOLERANCE, HmacSha256, Verified, Verifier, check_signatures, decode_hex, keyed_mac,
    name_env_var, parse_timestamp, push_hex, secret_from_env, signature_value, single_header,
};

/// Header holding the Stripe timestamp and signatures.
pub const STRIPE_SIGNATURE: &str = "stripe-signature";

/// Verifier and signer for Stripe-style webhooks.
///
/// The signed content is `{t}.{raw body}`, signed with HMAC-SHA256 keyed with the secret's bytes as
/// written (Stripe's `whsec_…` secrets are *not* base64-decoded). The `Stripe-Signature` header holds
/// `t=<unix seconds>` and one or more `v1=<hex>` entries; any of them may match any configured secret.
/// Other entries (such as Stripe's legacy `v0=`) are ignored.
///
/// # Default
///
/// Timestamp tolerance [`DEFAULT_TOLERANCE`] (5 minutes either way). One secret; add more with
/// [`with_secret`](Self::with_secret) during a rotation.
///
/// # Example
///
/// ```
/// use sdk_runtime::webhooks::StripeWebhooks;
/// use std::time::{Duration, UNIX_EPOCH};
/// # fn main() -> Result<(), sdk_runtime::webhooks::WebhookError> {
/// let stripe = StripeWebhooks::new("whsec_test_secret")?;
/// let body = br#"{"id":"evt_1","type":"invoice.paid"}"#;
/// let headers = stripe.signed_headers(1_700_000_000, body)?;
///
/// let now = UNIX_EPOCH + Duration::from_secs(1_700_000_060);
/// let verified = stripe.verify_at(&headers, body, now)?;
/// assert_eq!(verified.timestamp(), 1_700_000_000);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct StripeWebhooks {
    /// Keyed HMAC states, primary secret first; the raw secrets are not kept.
    keys: Vec<HmacSha256>,
    tolerance: Duration,
}

impl StripeWebhooks {
    /// Creates a verifier from a secret, used as raw bytes (surrounding whitespace is ignored).
    ///
    /// # Errors
    ///
    /// [`InvalidSecret`](super::WebhookErrorKind::InvalidSecret) if the secret is empty.
    pub fn new(secret: &str) -> Result<Self, WebhookError> {
        Ok(StripeWebhooks {
            keys: vec![keyed_mac(secret.trim().as_bytes())?],
            tolerance: DEFAULT_TOLERANCE,
        })
    }

    /// Creates a verifier from the secret held in environment variable `var`.
    ///
    /// # Errors
    ///
    /// [`MissingSecret`](super::WebhookErrorKind::MissingSecret) naming `var` if it is unset or not
    /// Unicode; [`InvalidSecret`](super::WebhookErrorKind::InvalidSecret) naming `var` if it is empty.
    pub fn from_env(var: &str) -> Result<Self, WebhookError> {
        Self::new(&secret_from_env(var)?).map_err(|e| name_env_var(var, &e))
    }

    /// Also accepts signatures made with `secret` (your side of a key rotation). When signing, every
    /// secret produces one `v1=` entry, in the order they were added.
    ///
    /// # Errors
    ///
    /// As [`new`](Self::new).
    pub fn with_secret(mut self, secret: &str) -> Result<Self, WebhookError> {
        self.keys.push(keyed_mac(secret.trim().as_bytes())?);
        Ok(self)
    }

    /// Sets how far the signed timestamp may be from the current time, in either direction.
    /// Sub-second parts are ignored.
    #[must_use]
    pub fn with_tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// The timestamp tolerance.
    #[must_use]
    pub fn tolerance(&self) -> Duration {
        self.tolerance
    }

    /// Verifies `body` (the raw bytes as received) against `headers` at the current system time.
    ///
    /// # Errors
    ///
    /// See [`verify_at`](Self::verify_at).
    pub fn verify<'h>(
        &self,
        headers: &'h HeaderMap,
        body: &[u8],
    ) -> Result<Verified<'h>, WebhookError> {
        self.verify_at(headers, body, SystemTime::now())
    }

    /// Verifies `body` (the raw bytes as received) against `headers`, with `now` as the current time.
    /// The returned [`Verified`] has no id: Stripe's event id is inside the body.
    ///
    /// # Errors
    ///
    /// [`MissingHeader`](super::WebhookErrorKind::MissingHeader) /
    /// [`MalformedHeader`](super::WebhookErrorKind::MalformedHeader) for `stripe-signature`;
    /// [`NoMatchingSignature`](super::WebhookErrorKind::NoMatchingSignature) if no `v1` entry matches;
    /// then [`TimestampTooOld`](super::WebhookErrorKind::TimestampTooOld) /
    /// [`TimestampInFuture`](super::WebhookErrorKind::TimestampInFuture) for an authentic request outside
    /// the tolerance.
    pub fn verify_at<'h>(
        &self,
        headers: &'h HeaderMap,
        body: &[u8],
        now: SystemTime,
    ) -> Result<Verified<'h>, WebhookError> {
        let header = parse_header(single_header(headers, STRIPE_SIGNATURE)?)?;
        let signed = |key: &HmacSha256| signed_content(key, header.timestamp_text, body);
        check_signatures(
            &self.keys,
            signed,
            &header.signatures,
            header.timestamp,
            now,
            self.tolerance,
        )?;
        Ok(Verified::new(None, header.timestamp))
    }

    /// Computes the `Stripe-Signature` value: `t=<timestamp>` then one `v1=<hex>` entry per secret.
    #[must_use]
    pub fn sign(&self, timestamp: i64, body: &[u8]) -> String {
        let timestamp = timestamp.to_string();
        let mut value = format!("t={timestamp}");
        for key in &self.keys {
            let tag = signed_content(key, &timestamp, body)
                .finalize()
                .into_bytes();
            value.push_str(",v1=");
            push_hex(&mut value, &tag);
        }
        value
    }

    /// Builds the `stripe-signature` header a sender attaches to a delivery of `body`.
    ///
    /// # Errors
    ///
    /// None in practice (the value is always ASCII); the `Result` matches
    /// [`StandardWebhooks::signed_headers`](super::StandardWebhooks::signed_headers).
    pub fn signed_headers(&self, timestamp: i64, body: &[u8]) -> Result<HeaderMap, WebhookError> {
        let value = signature_value(STRIPE_SIGNATURE, self.sign(timestamp, body))?;
        let mut headers = HeaderMap::with_capacity(1);
        headers.insert(STRIPE_SIGNATURE, value);
        Ok(headers)
    }
}

impl Verifier for StripeWebhooks {
    fn verify_at<'h>(
        &self,
        headers: &'h HeaderMap,
        body: &[u8],
        now: SystemTime,
    ) -> Result<Verified<'h>, WebhookError> {
        StripeWebhooks::verify_at(self, headers, body, now)
    }
}

impl fmt::Debug for StripeWebhooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Only how many secrets there are: not even a fingerprint of them.
        f.debug_struct("StripeWebhooks")
            .field("secrets", &self.keys.len())
            .field("tolerance", &self.tolerance)
            .finish()
    }
}

// ===== internal =====

struct ParsedHeader<'h> {
    timestamp_text: &'h str,
    timestamp: i64,
    signatures: Vec<Vec<u8>>,
}

fn parse_header(value: &str) -> Result<ParsedHeader<'_>, WebhookError> {
    let malformed = |why: &'static str| WebhookError::malformed_header(STRIPE_SIGNATURE, why);
    let mut timestamp_text = None;
    let mut signatures = Vec::new();
    for item in value.split(',').map(str::trim) {
        let (key, val) = item
            .split_once('=')
            .ok_or_else(|| malformed("an entry is not `key=value`"))?;
        match key {
            // Two `t=` would make "which timestamp was signed" ambiguous.
            "t" if timestamp_text.is_some() => {
                return Err(malformed("`t=` appears more than once"));
            }
            "t" => timestamp_text = Some(val),
            "v1" => signatures
                .push(decode_hex(val).ok_or_else(|| malformed("a `v1=` signature is not hex"))?),
            _ => {} // `v0=` (legacy) and future schemes.
        }
    }
    let timestamp_text = timestamp_text.ok_or_else(|| malformed("it has no `t=` timestamp"))?;
    let timestamp = parse_timestamp(STRIPE_SIGNATURE, timestamp_text)?;
    Ok(ParsedHeader {
        timestamp_text,
        timestamp,
        signatures,
    })
}

fn signed_content(key: &HmacSha256, timestamp: &str, body: &[u8]) -> HmacSha256 {
    key.clone()
        .chain_update(timestamp)
        .chain_update(b".")
        .chain_update(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::webhooks::WebhookErrorKind;

    #[test]
    fn header_parsing() {
        let h = parse_header("t=12, v1=00ff,v0=zz , v1=01,x=y").unwrap();
        assert_eq!((h.timestamp_text, h.timestamp), ("12", 12));
        assert_eq!(h.signatures, vec![vec![0x00, 0xff], vec![0x01]]);
        for bad in [
            "",
            "v1=00",
            "t=1,t=1,v1=00",
            "t=abc,v1=00",
            "t=1,v1=0g",
            "t=1,junk",
        ] {
            let e = parse_header(bad).map(|_| ()).unwrap_err();
            assert_eq!(e.kind(), WebhookErrorKind::MalformedHeader, "{bad:?}");
        }
    }

    #[test]
    fn secret_is_used_raw_and_must_not_be_empty() {
        // Not valid base64, still a fine Stripe secret.
        assert!(StripeWebhooks::new("whsec_!!!").is_ok());
        assert_eq!(
            StripeWebhooks::new(" \n").unwrap_err().kind(),
            WebhookErrorKind::InvalidSecret
        );
    }
}
