//! The Standard Webhooks scheme: `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64> …`.

use std::fmt;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_PAD_INDIFFERENT};
use hmac::Mac as _;
use http::{HeaderMap, HeaderValue};

use super::error::WebhookError;
use super::verify::{
    DEFAULT_TOLERANCE, HmacSha256, Verified, Verifier, check_signatures, keyed_mac, name_env_var,
    parse_timestamp, secret_from_env, signature_value, single_header,
};

/// Header holding the unique message id (stable across retries of one delivery).
pub const WEBHOOK_ID: &str = "webhook-id";
/// Header holding the send time in Unix seconds.
pub const WEBHOOK_TIMESTAMP: &str = "webhook-timestamp";
/// Header holding the space-separated `v1,<base64>` signatures.
pub const WEBHOOK_SIGNATURE: &str = "webhook-signature";

/// Verifier and signer for the [Standard Webhooks](https://www.standardwebhooks.com) scheme.
///
/// The signed content is `{webhook-id}.{webhook-timestamp}.{raw body}`, signed with HMAC-SHA256; the
/// `webhook-signature` header lists `v1,<base64 signature>` entries separated by spaces, and a request is
/// authentic when any `v1` entry matches any configured secret. Entries of other versions are ignored.
///
/// # Default
///
/// Timestamp tolerance [`DEFAULT_TOLERANCE`] (5 minutes either way). One secret; add more with
/// [`with_secret`](Self::with_secret) during a rotation.
///
/// # Example
///
/// ```
/// use sdk_runtime::webhooks::StandardWebhooks;
/// # fn main() -> Result<(), sdk_runtime::webhooks::WebhookError> {
/// let webhooks = StandardWebhooks::new("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD")?;
/// let body = br#"{"email":"test@example.com","username":"test_user"}"#;
/// let signature = webhooks.sign("msg_27UH4WbU6Z5A5EzD8u03UvzRbpk", 1649367553, body);
/// assert_eq!(signature, "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=");
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct StandardWebhooks {
    /// Keyed HMAC states, primary secret first; the raw secrets are not kept.
    keys: Vec<HmacSha256>,
    tolerance: Duration,
}

impl StandardWebhooks {
    /// Creates a verifier from a secret written `whsec_<base64>` or as bare base64.
    ///
    /// Surrounding whitespace is ignored, and the base64 padding may be omitted.
    ///
    /// # Errors
    ///
    /// [`InvalidSecret`](super::WebhookErrorKind::InvalidSecret) if the secret is empty or not base64.
    pub fn new(secret: &str) -> Result<Self, WebhookError> {
        Ok(StandardWebhooks {
            keys: vec![key_from_secret(secret)?],
            tolerance: DEFAULT_TOLERANCE,
        })
    }

    /// Creates a verifier from the secret held in environment variable `var`.
    ///
    /// # Errors
    ///
    /// [`MissingSecret`](super::WebhookErrorKind::MissingSecret) naming `var` if it is unset or not
    /// Unicode; [`InvalidSecret`](super::WebhookErrorKind::InvalidSecret) naming `var` if its value is not
    /// a valid secret. The value itself is never included.
    pub fn from_env(var: &str) -> Result<Self, WebhookError> {
        Self::new(&secret_from_env(var)?).map_err(|e| name_env_var(var, &e))
    }

    /// Also accepts signatures made with `secret` (your side of a key rotation). When signing, every
    /// secret produces one entry, in the order they were added.
    ///
    /// # Errors
    ///
    /// As [`new`](Self::new).
    pub fn with_secret(mut self, secret: &str) -> Result<Self, WebhookError> {
        self.keys.push(key_from_secret(secret)?);
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
    ///
    /// # Errors
    ///
    /// [`MissingHeader`](super::WebhookErrorKind::MissingHeader) /
    /// [`MalformedHeader`](super::WebhookErrorKind::MalformedHeader) naming the header;
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
        let id = single_header(headers, WEBHOOK_ID)?;
        let timestamp_text = single_header(headers, WEBHOOK_TIMESTAMP)?;
        let timestamp = parse_timestamp(WEBHOOK_TIMESTAMP, timestamp_text)?;
        let candidates = signatures(headers)?;

        // The signature covers the timestamp *as sent*, so the header text is signed, not a re-rendering.
        let signed = |key: &HmacSha256| signed_content(key, id, timestamp_text, body);
        check_signatures(
            &self.keys,
            signed,
            &candidates,
            timestamp,
            now,
            self.tolerance,
        )?;
        Ok(Verified::new(Some(id), timestamp))
    }

    /// Computes the `webhook-signature` value for a message: one `v1,<base64>` entry per secret,
    /// separated by spaces.
    #[must_use]
    pub fn sign(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
        let timestamp = timestamp.to_string();
        let entries: Vec<String> = self
            .keys
            .iter()
            .map(|key| {
                let tag = signed_content(key, id, &timestamp, body)
                    .finalize()
                    .into_bytes();
                format!("v1,{}", STANDARD.encode(tag))
            })
            .collect();
        entries.join(" ")
    }

    /// Builds the three headers a sender attaches to a delivery of `body`: `webhook-id`,
    /// `webhook-timestamp` and `webhook-signature`.
    ///
    /// # Errors
    ///
    /// [`MalformedHeader`](super::WebhookErrorKind::MalformedHeader) if `id` is not visible ASCII.
    pub fn signed_headers(
        &self,
        id: &str,
        timestamp: i64,
        body: &[u8],
    ) -> Result<HeaderMap, WebhookError> {
        let id_value = HeaderValue::from_str(id).map_err(|_| {
            WebhookError::malformed_header(WEBHOOK_ID, "the id is not visible ASCII")
        })?;
        let signature = signature_value(WEBHOOK_SIGNATURE, self.sign(id, timestamp, body))?;
        let mut headers = HeaderMap::with_capacity(3);
        headers.insert(WEBHOOK_ID, id_value);
        headers.insert(WEBHOOK_TIMESTAMP, HeaderValue::from(timestamp));
        headers.insert(WEBHOOK_SIGNATURE, signature);
        Ok(headers)
    }
}

impl Verifier for StandardWebhooks {
    fn verify_at<'h>(
        &self,
        headers: &'h HeaderMap,
        body: &[u8],
        now: SystemTime,
    ) -> Result<Verified<'h>, WebhookError> {
        StandardWebhooks::verify_at(self, headers, body, now)
    }
}

impl fmt::Debug for StandardWebhooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Only how many secrets there are: not even a fingerprint of them.
        f.debug_struct("StandardWebhooks")
            .field("secrets", &self.keys.len())
            .field("tolerance", &self.tolerance)
            .finish()
    }
}

// ===== internal =====

const SECRET_PREFIX: &str = "whsec_";

fn key_from_secret(secret: &str) -> Result<HmacSha256, WebhookError> {
    let secret = secret.trim();
    let encoded = secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret);
    if encoded.is_empty() {
        return Err(WebhookError::invalid_secret("it is empty"));
    }
    // The decode error is dropped on purpose: its message quotes the offending byte of the secret.
    let key = STANDARD_PAD_INDIFFERENT.decode(encoded).map_err(|_| {
        WebhookError::invalid_secret("it is not base64 after the optional `whsec_` prefix")
    })?;
    keyed_mac(&key)
}

fn signed_content(key: &HmacSha256, id: &str, timestamp: &str, body: &[u8]) -> HmacSha256 {
    key.clone()
        .chain_update(id)
        .chain_update(b".")
        .chain_update(timestamp)
        .chain_update(b".")
        .chain_update(body)
}

/// Collects the decoded `v1` signatures of every `webhook-signature` header line.
fn signatures(headers: &HeaderMap) -> Result<Vec<Vec<u8>>, WebhookError> {
    let mut entries = 0_usize;
    let mut v1 = Vec::new();
    for value in headers.get_all(WEBHOOK_SIGNATURE) {
        let value = value.to_str().map_err(|_| {
            WebhookError::malformed_header(WEBHOOK_SIGNATURE, "it is not visible ASCII")
        })?;
        for entry in value.split(' ').filter(|entry| !entry.is_empty()) {
            entries += 1;
            let Some((version, signature)) = entry.split_once(',') else {
                let why = format!("entry {entries} is not `<version>,<signature>`");
                return Err(WebhookError::malformed_header(WEBHOOK_SIGNATURE, why));
            };
            if version != "v1" {
                continue; // e.g. `v1a` (asymmetric): not ours to check, and its presence is no failure.
            }
            let decoded = STANDARD.decode(signature).map_err(|_| {
                WebhookError::malformed_header(
                    WEBHOOK_SIGNATURE,
                    format!("entry {entries} is not base64"),
                )
            })?;
            v1.push(decoded);
        }
    }
    if entries == 0 {
        return Err(if headers.contains_key(WEBHOOK_SIGNATURE) {
            WebhookError::malformed_header(WEBHOOK_SIGNATURE, "it holds no signature")
        } else {
            WebhookError::missing_header(WEBHOOK_SIGNATURE)
        });
    }
    Ok(v1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::webhooks::WebhookErrorKind;

    fn headers_with_signature(signature: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(WEBHOOK_SIGNATURE, HeaderValue::from_str(signature).unwrap());
        headers
    }

    #[test]
    fn unknown_versions_are_skipped_and_counted_as_no_candidate() {
        let parsed = signatures(&headers_with_signature("v1a,AAAA v2,zzz")).unwrap();
        assert!(parsed.is_empty());
        let parsed = signatures(&headers_with_signature("  v1,AAAA  v1a,xyz ")).unwrap();
        assert_eq!(parsed, vec![vec![0, 0, 0]]);
    }

    #[test]
    fn garbage_entries_are_malformed() {
        for bad in ["nocomma", "v1,not*base64", "v1,AAAA garbage", " "] {
            let e = signatures(&headers_with_signature(bad)).unwrap_err();
            assert_eq!(e.kind(), WebhookErrorKind::MalformedHeader, "{bad:?}");
            assert_eq!(e.header(), Some(WEBHOOK_SIGNATURE));
        }
        let e = signatures(&HeaderMap::new()).unwrap_err();
        assert_eq!(e.kind(), WebhookErrorKind::MissingHeader);
    }

    #[test]
    fn secret_forms() {
        let bare = StandardWebhooks::new("C2FVsBQIhrscChlQIMV+b5sSYspob7oD").unwrap();
        let prefixed = StandardWebhooks::new(" whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD\n").unwrap();
        assert_eq!(bare.sign("id", 1, b"x"), prefixed.sign("id", 1, b"x"));
        // "AAAAAA" is 4 bytes of base64 without its "==" padding.
        assert!(StandardWebhooks::new("whsec_AAAAAA").is_ok());
        for bad in ["", "whsec_", "   ", "whsec_!!!!", "whsec_AAAAA"] {
            let e = StandardWebhooks::new(bad).unwrap_err();
            assert_eq!(e.kind(), WebhookErrorKind::InvalidSecret, "{bad:?}");
        }
    }

    #[test]
    fn secret_error_does_not_quote_the_secret() {
        let e = StandardWebhooks::new("whsec_SECRETPART!").unwrap_err();
        assert!(!format!("{e} {e:?}").contains("SECRETPART"));
        assert!(!format!("{e} {e:?}").contains('!'));
    }
}
