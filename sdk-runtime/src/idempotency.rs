//! Idempotency keys: a retried create must never create twice.
//!
//! A request can fail *after* the server acted on it: the connection drops while the
//! response is on its way, or a proxy times out. Retrying a `POST /charges` blindly would
//! then charge twice. An idempotency key is a unique token sent with the request; a server
//! that supports them stores the outcome under the key and answers a replay with the stored
//! outcome instead of acting again.
//!
//! # When a key is sent
//!
//! For every request whose method is not safe by definition, i.e. everything except `GET`,
//! `HEAD`, `OPTIONS` and `TRACE` ([`needs_key`]). `PUT` and `DELETE` are idempotent in
//! theory, but real APIs implement them with side effects (webhooks, audit entries), so
//! they get a key too; a server that does not use keys simply ignores the header.
//!
//! # How a key is minted
//!
//! Once per logical call, before the first attempt, as a random UUID v4
//! ([`IdempotencyKey::generate`]), and the *same* key is sent on every retry of that call;
//! a new key per attempt would defeat the purpose. A caller can supply its own key
//! (for example one stored with a job so a restarted process reuses it) through
//! `CallOptions::idempotency_key`, validated by [`IdempotencyKey::new`].
//!
//! # Defaults
//!
//! The header is [`DEFAULT_HEADER`] (`Idempotency-Key`), unless the API description names
//! another one or the client builder overrides it. Keys are 1 to 255 visible ASCII
//! characters.
//!
//! # Example
//!
//! ```
//! use http::Method;
//! use sdk_runtime::idempotency::{needs_key, IdempotencyKey};
//!
//! assert!(needs_key(&Method::POST));
//! assert!(!needs_key(&Method::GET));
//!
//! let key = IdempotencyKey::generate();
//! assert_eq!(key.as_str().len(), 36);
//! assert!(IdempotencyKey::new("order-2024-0001").is_ok());
//! assert!(IdempotencyKey::new("").is_err());
//! ```

use std::fmt;

use http::{HeaderValue, Method};

/// The header that carries the key unless configured otherwise.
pub const DEFAULT_HEADER: &str = "Idempotency-Key";

/// Longest accepted key, in bytes (Stripe and most other APIs allow 255).
pub const MAX_LEN: usize = 255;

/// A validated idempotency key: 1 to [`MAX_LEN`] visible ASCII characters.
///
/// Because of that validation it always converts to a header value
/// ([`header_value`](Self::header_value)) without error.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// Validates a caller-supplied key.
    ///
    /// # Errors
    ///
    /// [`InvalidIdempotencyKey`] when the key is empty, longer than [`MAX_LEN`] bytes, or
    /// contains a character that is not visible ASCII (`!` to `~`): spaces, control
    /// characters and non-ASCII text are rejected so the key survives every proxy unchanged.
    ///
    /// ```
    /// use sdk_runtime::idempotency::IdempotencyKey;
    ///
    /// let err = IdempotencyKey::new("two words").unwrap_err();
    /// assert!(err.to_string().contains("position 3"));
    /// ```
    pub fn new(key: impl Into<String>) -> Result<Self, InvalidIdempotencyKey> {
        let key = key.into();
        if key.is_empty() {
            return Err(InvalidIdempotencyKey {
                reason: Reason::Empty,
            });
        }
        if key.len() > MAX_LEN {
            return Err(InvalidIdempotencyKey {
                reason: Reason::TooLong(key.len()),
            });
        }
        if let Some((index, ch)) = key.char_indices().find(|(_, c)| !c.is_ascii_graphic()) {
            return Err(InvalidIdempotencyKey {
                reason: Reason::InvalidChar { index, ch },
            });
        }
        Ok(Self(key))
    }

    /// A fresh random key (UUID v4, hyphenated lowercase: 36 characters).
    ///
    /// The 122 random bits come from the operating system's CSPRNG, like
    /// `uuid::Uuid::new_v4`, but drawn for several keys at once (see `random_bytes`).
    #[must_use]
    pub fn generate() -> Self {
        let uuid = uuid::Builder::from_random_bytes(random_bytes()).into_uuid();
        Self(uuid.hyphenated().to_string())
    }

    /// The key as sent on the wire.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key as a header value (infallible: the key was validated).
    #[must_use]
    pub fn header_value(&self) -> HeaderValue {
        // Visible ASCII is always a valid header value; the fallback is unreachable but
        // keeps this free of `unwrap`.
        HeaderValue::from_str(&self.0).unwrap_or_else(|_| HeaderValue::from_static(""))
    }
}

impl fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for IdempotencyKey {
    type Err = InvalidIdempotencyKey;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

/// Why a caller-supplied idempotency key was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid idempotency key: {reason}")]
pub struct InvalidIdempotencyKey {
    reason: Reason,
}

/// Whether a request with this method gets an idempotency key (see
/// [When a key is sent](self#when-a-key-is-sent)).
#[must_use]
pub fn needs_key(method: &Method) -> bool {
    !matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    )
}

// ===== internal =====

/// Keys drawn per `getrandom` call.
const KEYS_PER_DRAW: usize = 16;

/// Sixteen bytes of OS randomness for one key.
///
/// One `getrandom` system call per key cost about 0.7 µs, 3 to 4 % of a `POST` over loopback
/// (`tests/benches/overhead.rs`); a per-thread pool refilled every [`KEYS_PER_DRAW`] keys
/// amortizes it. Each byte is handed out once. A process that `fork`s without `exec` would copy
/// the pool into the child, so the pool is discarded when the process id changes. Should the
/// OS source fail, `Uuid::new_v4` (which asks it again, and panics only if it fails again) is
/// the fallback.
fn random_bytes() -> [u8; 16] {
    struct Pool {
        pid: u32,
        used: usize,
        bytes: [u8; 16 * KEYS_PER_DRAW],
    }
    thread_local! {
        static POOL: std::cell::RefCell<Pool> = const {
            std::cell::RefCell::new(Pool { pid: 0, used: KEYS_PER_DRAW, bytes: [0; 16 * KEYS_PER_DRAW] })
        };
    }
    POOL.with_borrow_mut(|pool| {
        let pid = std::process::id();
        if pool.used == KEYS_PER_DRAW || pool.pid != pid {
            if getrandom::fill(&mut pool.bytes).is_err() {
                pool.used = KEYS_PER_DRAW;
                return *uuid::Uuid::new_v4().as_bytes();
            }
            pool.pid = pid;
            pool.used = 0;
        }
        let start = pool.used * 16;
        let mut key = [0; 16];
        key.copy_from_slice(&pool.bytes[start..start + 16]);
        // Forget the bytes handed out, so they cannot be handed out twice or linger.
        pool.bytes[start..start + 16].fill(0);
        pool.used += 1;
        key
    })
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
enum Reason {
    #[error("it is empty")]
    Empty,
    #[error("it is {0} bytes long, the maximum is {MAX_LEN}")]
    TooLong(usize),
    #[error("{ch:?} at position {index} is not a visible ASCII character (`!` to `~`)")]
    InvalidChar { index: usize, ch: char },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_visible_ascii_up_to_255_bytes() {
        let key = IdempotencyKey::new("order_42-retry.1:a/b").unwrap();
        assert_eq!(key.as_str(), "order_42-retry.1:a/b");
        assert_eq!(key.to_string(), "order_42-retry.1:a/b");
        assert_eq!(key.header_value(), "order_42-retry.1:a/b");
        assert!(IdempotencyKey::new("x".repeat(MAX_LEN)).is_ok());
        assert_eq!(
            "k".parse::<IdempotencyKey>().unwrap(),
            IdempotencyKey::new("k").unwrap()
        );
    }

    #[test]
    fn rejects_with_a_reason() {
        let msg = |k: &str| IdempotencyKey::new(k).unwrap_err().to_string();
        assert!(msg("").contains("empty"));
        assert!(msg(&"x".repeat(256)).contains("256 bytes long"));
        assert!(msg("a\nb").contains("position 1"));
        assert!(msg("tab\there").contains("'\\t'"));
        assert!(msg("with space").contains("position 4"));
        assert!(msg("clé").contains("'é'"));
        assert!(msg("\u{7f}").contains("visible ASCII"));
    }

    #[test]
    fn generated_keys_stay_unique_across_pool_refills() {
        let keys: std::collections::HashSet<String> = (0..KEYS_PER_DRAW * 5 + 3)
            .map(|_| IdempotencyKey::generate().0)
            .collect();
        assert_eq!(keys.len(), KEYS_PER_DRAW * 5 + 3);
        for key in &keys {
            let parsed = uuid::Uuid::parse_str(key).unwrap();
            assert_eq!(parsed.get_version_num(), 4, "{key}");
            assert_eq!(parsed.get_variant(), uuid::Variant::RFC4122, "{key}");
        }
    }

    #[test]
    fn generated_keys_are_unique_uuid_v4() {
        let a = IdempotencyKey::generate();
        let b = IdempotencyKey::generate();
        assert_ne!(a, b);
        let parsed = uuid::Uuid::parse_str(a.as_str()).unwrap();
        assert_eq!(parsed.get_version_num(), 4);
        assert!(
            IdempotencyKey::new(a.as_str()).is_ok(),
            "generated keys pass validation"
        );
    }

    #[test]
    fn keys_for_unsafe_methods_only() {
        for m in [Method::GET, Method::HEAD, Method::OPTIONS, Method::TRACE] {
            assert!(!needs_key(&m), "{m}");
        }
        for m in [
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
            Method::CONNECT,
        ] {
            assert!(needs_key(&m), "{m}");
        }
        assert!(needs_key(&Method::from_bytes(b"PURGE").unwrap()));
    }
}
