//! The hub scheme: `X-Hub-Signature-256: sha256=<hex>` (GitHub, Gitea, Meta and others).

use std::fmt;
use std::time::SystemTime;

use hmac::Mac as _;
use http::HeaderMap;

use super::error::WebhookError;
use super::verify::{
    HmacSha256, Verified, Verifier, check_any_signature, decode_hex, keyed_mac, name_env_var,
    push_hex, secret_from_env, signature_value, single_header, unix_seconds,
};

/// Header holding the hub signature.
pub const HUB_SIGNATURE_256: &str = "x-hub-signature-256";

/// Verifier and signer for hub-style webhooks: `X-Hub-Signature-256: sha256=<hex>`, the
/// HMAC-SHA256 of the raw body keyed with the secret's bytes as written.
///
/// The scheme signs no timestamp and no delivery id, so it cannot reject a replayed
/// delivery by itself: [`Verified::timestamp`] is the time of verification and
/// [`Verified::id`] is `None`. De-duplicate on the sender's delivery header
/// (GitHub's `X-GitHub-Delivery`) if you need to.
///
/// # Default
///
/// One secret; add more with [`with_secret`](Self::with_secret) during a rotation.
///
/// # Example
///
/// ```
/// use sdk_runtime::webhooks::HubSignatureWebhooks;
/// # fn main() -> Result<(), sdk_runtime::webhooks::WebhookError> {
/// let hub = HubSignatureWebhooks::new("It's a Secret to Everybody")?;
/// let body = b"Hello, World!";
/// assert_eq!(
///     hub.sign(body),
///     "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
/// );
/// hub.verify(&hub.signed_headers(body)?, body)?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct HubSignatureWebhooks {
    /// Keyed HMAC states, primary secret first; the raw secrets are not kept.
    keys: Vec<HmacSha256>,
}

impl HubSignatureWebhooks {
    /// Creates a verifier from a secret, used as raw bytes (surrounding whitespace is ignored).
    ///
    /// # Errors
    ///
    /// [`InvalidSecret`](super::WebhookErrorKind::InvalidSecret) if the secret is empty.
    pub fn new(secret: &str) -> Result<Self, WebhookError> {
        Ok(HubSignatureWebhooks {
            keys: vec![keyed_mac(secret.trim().as_bytes())?],
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

    /// Also accepts signatures made with `secret` (your side of a key rotation); signing uses
    /// the first secret.
    ///
    /// # Errors
    ///
    /// As [`new`](Self::new).
    pub fn with_secret(mut self, secret: &str) -> Result<Self, WebhookError> {
        self.keys.push(keyed_mac(secret.trim().as_bytes())?);
        Ok(self)
    }

    /// Verifies `body` (the raw bytes as received) against `headers`.
    ///
    /// # Errors
    ///
    /// [`MissingHeader`](super::WebhookErrorKind::MissingHeader) /
    /// [`MalformedHeader`](super::WebhookErrorKind::MalformedHeader) for `x-hub-signature-256`
    /// (it must be `sha256=` and hex); [`NoMatchingSignature`](super::WebhookErrorKind::NoMatchingSignature)
    /// if no secret produces it.
    pub fn verify<'h>(
        &self,
        headers: &'h HeaderMap,
        body: &[u8],
    ) -> Result<Verified<'h>, WebhookError> {
        Verifier::verify_at(self, headers, body, SystemTime::now())
    }

    /// Computes the `X-Hub-Signature-256` value for `body` with the first secret.
    #[must_use]
    pub fn sign(&self, body: &[u8]) -> String {
        let tag = self.keys[0]
            .clone()
            .chain_update(body)
            .finalize()
            .into_bytes();
        let mut value = String::from("sha256=");
        push_hex(&mut value, &tag);
        value
    }

    /// Builds the `x-hub-signature-256` header a sender attaches to a delivery of `body`.
    ///
    /// # Errors
    ///
    /// None in practice (the value is always ASCII); the `Result` matches the other schemes'.
    pub fn signed_headers(&self, body: &[u8]) -> Result<HeaderMap, WebhookError> {
        let mut headers = HeaderMap::with_capacity(1);
        headers.insert(
            HUB_SIGNATURE_256,
            signature_value(HUB_SIGNATURE_256, self.sign(body))?,
        );
        Ok(headers)
    }
}

impl Verifier for HubSignatureWebhooks {
    fn verify_at<'h>(
        &self,
        headers: &'h HeaderMap,
        body: &[u8],
        now: SystemTime,
    ) -> Result<Verified<'h>, WebhookError> {
        let value = single_header(headers, HUB_SIGNATURE_256)?;
        let malformed = |why| WebhookError::malformed_header(HUB_SIGNATURE_256, why);
        let hex = value
            .trim()
            .strip_prefix("sha256=")
            .ok_or_else(|| malformed("it does not start with `sha256=`"))?;
        let signature = decode_hex(hex).ok_or_else(|| malformed("the signature is not hex"))?;
        let signed = |key: &HmacSha256| key.clone().chain_update(body);
        check_any_signature(&self.keys, signed, &[signature])?;
        // No signed timestamp to hold against a window: the time of verification stands in.
        let seconds = i64::try_from(unix_seconds(now)).unwrap_or(i64::MAX);
        Ok(Verified::new(None, seconds))
    }
}

impl fmt::Debug for HubSignatureWebhooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Only how many secrets there are: not even a fingerprint of them.
        f.debug_struct("HubSignatureWebhooks")
            .field("secrets", &self.keys.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::webhooks::WebhookErrorKind;
    use http::HeaderValue;

    fn headers(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(HUB_SIGNATURE_256, HeaderValue::from_str(value).unwrap());
        h
    }

    #[test]
    fn verifies_signs_and_rotates() {
        let old = HubSignatureWebhooks::new("old").unwrap();
        let both = HubSignatureWebhooks::new("new")
            .unwrap()
            .with_secret("old")
            .unwrap();
        let body = br#"{"action":"opened"}"#;
        assert!(
            both.verify(&old.signed_headers(body).unwrap(), body)
                .is_ok()
        );
        let tampered = br#"{"action":"closed"}"#;
        let e = both
            .verify(&old.signed_headers(body).unwrap(), tampered)
            .unwrap_err();
        assert_eq!(e.kind(), WebhookErrorKind::NoMatchingSignature);
    }

    #[test]
    fn rejects_malformed_and_missing_headers() {
        let hub = HubSignatureWebhooks::new("s").unwrap();
        for bad in ["sha1=00", "sha256=zz", "sha256=", "00ff"] {
            let e = hub.verify(&headers(bad), b"x").unwrap_err();
            assert_eq!(e.kind(), WebhookErrorKind::MalformedHeader, "{bad:?}");
        }
        let e = hub.verify(&HeaderMap::new(), b"x").unwrap_err();
        assert_eq!(e.kind(), WebhookErrorKind::MissingHeader);
        assert_eq!(format!("{hub:?}"), "HubSignatureWebhooks { secrets: 1 }");
    }
}
