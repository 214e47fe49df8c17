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
mod hub;
mod replay;
mod standard;
mod stripe;
mod verify;

pub use self::error::{WebhookError, WebhookErrorKind};
pub use self::hub::{HUB_SIGNATURE_256, HubSignatureWebhooks};
pub use self::replay::ReplayGuard;
pub use self::standard::{StandardWebhooks, WEBHOOK_ID, WEBHOOK_SIGNATURE, WEBHOOK_TIMESTAMP};
pub use self::stripe::{STRIPE_SIGNATURE, StripeWebhooks};
pub use self::verify::{
    DEFAULT_TOLERANCE, Verified, Verifier, decode, verify_and_decode, verify_and_decode_at,
};
