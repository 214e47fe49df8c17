//! Webhook events of the example API, signed per [Standard Webhooks].
//!
//! Each event is sent as a JSON body with three headers:
//!
//! - `webhook-id`: the event id (`evt_000001`), stable across redeliveries so receivers can
//!   drop duplicates;
//! - `webhook-timestamp`: Unix seconds at signing, so receivers can reject old replays;
//! - `webhook-signature`: `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, keyed with the
//!   base64-decoded part of the `whsec_…` secret.
//!
//! The signer here is written against `hmac`/`sha2`/`base64` directly rather than the runtime's
//! `sdk_runtime::webhooks`, so the server and the SDK's verifier check each other instead of
//! sharing one implementation (and one bug).
//!
//! [Standard Webhooks]: https://www.standardwebhooks.com/

use std::fmt;
use std::io;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header::CONTENT_TYPE};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// The secret a server signs with unless configured otherwise (the Standard Webhooks example).
pub const DEFAULT_WEBHOOK_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// Header carrying the event id.
pub const WEBHOOK_ID: HeaderName = HeaderName::from_static("webhook-id");
/// Header carrying the signing time in Unix seconds.
pub const WEBHOOK_TIMESTAMP: HeaderName = HeaderName::from_static("webhook-timestamp");
/// Header carrying `v1,<signature>`.
pub const WEBHOOK_SIGNATURE: HeaderName = HeaderName::from_static("webhook-signature");

/// An event payload: `{ "type": "user.created", "id": …, "created_at": …, "data": … }`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookEvent {
    /// `user.created` or `order.paid`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `evt_000001`, also sent as `webhook-id`.
    pub id: String,
    /// RFC 3339 time the event happened.
    pub created_at: String,
    /// The user or order the event is about.
    pub data: serde_json::Value,
}

/// A signed event, ready to send or to hand to a verifier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedWebhook {
    /// Value of `webhook-id`.
    pub id: String,
    /// Value of `webhook-timestamp`.
    pub timestamp: i64,
    /// Value of `webhook-signature` (`v1,…`).
    pub signature: String,
    /// The exact JSON body that was signed.
    pub body: String,
}

/// Signs events with one `whsec_…` secret.
#[derive(Clone)]
pub struct WebhookSigner {
    secret: String,
    /// Keyed once; cloned for each signature.
    mac: Hmac<Sha256>,
}

impl WebhookSigner {
    /// A signer for `secret` (`whsec_` followed by base64; the prefix is optional).
    ///
    /// # Errors
    ///
    /// `InvalidInput` when the part after the prefix is not base64 or is empty.
    pub fn new(secret: &str) -> io::Result<Self> {
        let encoded = secret.strip_prefix("whsec_").unwrap_or(secret);
        let key = STANDARD.decode(encoded).map_err(|e| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("webhook secret is not base64: {e}"),
            )
        })?;
        if key.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "webhook secret is empty",
            ));
        }
        let mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&key).map_err(|e| {
            io::Error::new(io::ErrorKind::InvalidInput, format!("webhook secret: {e}"))
        })?;
        Ok(Self {
            secret: secret.to_owned(),
            mac,
        })
    }

    /// The secret as given.
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`.
    pub fn signature(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
        let mut mac = self.mac.clone();
        mac.update(format!("{id}.{timestamp}.").as_bytes());
        mac.update(body);
        format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
    }

    /// Signs `event` as sent at `timestamp` (Unix seconds).
    pub fn sign(&self, event: &WebhookEvent, timestamp: i64) -> SignedWebhook {
        // A struct of strings and a `Value` always serializes.
        let body = serde_json::to_string(event).unwrap_or_default();
        let signature = self.signature(&event.id, timestamp, body.as_bytes());
        SignedWebhook {
            id: event.id.clone(),
            timestamp,
            signature,
            body,
        }
    }

    /// Signs `event` as sent now.
    pub fn sign_now(&self, event: &WebhookEvent) -> SignedWebhook {
        self.sign(event, unix_now())
    }
}

impl fmt::Debug for WebhookSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookSigner")
            .field("secret", &"<redacted>")
            .finish()
    }
}

impl SignedWebhook {
    /// The three Standard Webhooks headers and `content-type: application/json`.
    pub fn headers(&self) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(WEBHOOK_TIMESTAMP, HeaderValue::from(self.timestamp));
        // Ids and signatures are ASCII by construction; a foreign id that is not is left out
        // rather than panicking, and the receiver then rejects the event.
        if let Ok(id) = HeaderValue::from_str(&self.id) {
            headers.insert(WEBHOOK_ID, id);
        }
        if let Ok(signature) = HeaderValue::from_str(&self.signature) {
            headers.insert(WEBHOOK_SIGNATURE, signature);
        }
        headers
    }

    /// POSTs the event to `url` and returns the receiver's status.
    ///
    /// # Errors
    ///
    /// Any transport error of the POST.
    pub async fn send(&self, url: &str) -> Result<StatusCode, reqwest::Error> {
        let client = sdk_runtime::http_client_builder().build()?;
        let response = client
            .post(url)
            .headers(self.headers())
            .body(self.body.clone())
            .send()
            .await?;
        Ok(response.status())
    }
}

fn unix_now() -> i64 {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    i64::try_from(secs).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_standard_webhooks_test_vector() -> io::Result<()> {
        let signer = WebhookSigner::new(DEFAULT_WEBHOOK_SECRET)?;
        let signature = signer.signature(
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1_614_265_330,
            br#"{"test": 2432232314}"#,
        );
        assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        Ok(())
    }

    #[test]
    fn rejects_bad_secrets_and_hides_them() {
        assert!(WebhookSigner::new("whsec_!!!").is_err());
        assert!(WebhookSigner::new("whsec_").is_err());
        let signer = WebhookSigner::new(DEFAULT_WEBHOOK_SECRET).ok();
        assert!(!format!("{signer:?}").contains("MfKQ"));
    }

    #[test]
    fn signed_event_carries_its_id_and_headers() -> io::Result<()> {
        let signer = WebhookSigner::new(DEFAULT_WEBHOOK_SECRET)?;
        let event = WebhookEvent {
            kind: "user.created".into(),
            id: "evt_000001".into(),
            created_at: "2026-01-01T00:00:00Z".into(),
            data: serde_json::json!({ "id": "usr_000001" }),
        };
        let signed = signer.sign(&event, 1_700_000_000);
        let headers = signed.headers();
        assert_eq!(
            headers.get(&WEBHOOK_ID).map(HeaderValue::as_bytes),
            Some(&b"evt_000001"[..])
        );
        assert_eq!(
            headers.get(&WEBHOOK_TIMESTAMP).map(HeaderValue::as_bytes),
            Some(&b"1700000000"[..])
        );
        assert_eq!(
            signed.signature,
            signer.signature("evt_000001", 1_700_000_000, signed.body.as_bytes())
        );
        assert!(signed.body.contains(r#""type":"user.created""#));
        Ok(())
    }
}
