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

use http::header::Entry;
use http::{HeaderName, HeaderValue, Method};

use crate::error::{self, Result};
use crate::pipeline::stage::{Exchange, Flow, Outgoing, Stage};

/// The header that carries the key unless configured otherwise.
pub const DEFAULT_HEADER: &str = "Idempotency-Key";

/// Longest accepted key, in bytes (Stripe and most other APIs allow 255).
pub const MAX_LEN: usize = 255;

/// A validated idempotency key: 1 to [`MAX_LEN`] visible ASCII characters.
///
/// Because of that validation it always converts to a header value
/// ([`header_value`](Self::header_value)) without error.
#[derive(Clone)]
pub struct IdempotencyKey(Repr);

/// A generated key is kept inline: minting one per unsafe request then costs no allocation
/// until it becomes a header value.
#[derive(Clone)]
enum Repr {
    Generated([u8; UUID_LEN]),
    Given(String),
}

/// Length of a hyphenated UUID.
const UUID_LEN: usize = 36;

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
        Ok(Self(Repr::Given(key)))
    }

    /// A fresh random key (UUID v4, hyphenated lowercase: 36 characters).
    ///
    /// The 122 random bits come from the operating system's CSPRNG, like
    /// `uuid::Uuid::new_v4`, but drawn for several keys at once (see `random_bytes`).
    #[must_use]
    pub fn generate() -> Self {
        let uuid = uuid::Builder::from_random_bytes(random_bytes()).into_uuid();
        let mut text = [0; UUID_LEN];
        uuid.hyphenated().encode_lower(&mut text);
        Self(Repr::Generated(text))
    }

    /// The key as sent on the wire.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match &self.0 {
            // A hyphenated UUID is ASCII; the fallback is unreachable but keeps this free of
            // `unwrap`.
            Repr::Generated(text) => std::str::from_utf8(text).unwrap_or_default(),
            Repr::Given(text) => text,
        }
    }

    /// The key as a header value (infallible: the key was validated).
    #[must_use]
    pub fn header_value(&self) -> HeaderValue {
        // Visible ASCII is always a valid header value; the fallback is unreachable but
        // keeps this free of `unwrap`.
        HeaderValue::from_str(self.as_str()).unwrap_or_else(|_| HeaderValue::from_static(""))
    }
}

impl fmt::Debug for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("IdempotencyKey")
            .field(&self.as_str())
            .finish()
    }
}

impl PartialEq for IdempotencyKey {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for IdempotencyKey {}

impl std::hash::Hash for IdempotencyKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
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

/// The idempotency stage: mints the key once per call and puts it on every attempt.
pub(crate) struct Idempotency {
    pub(crate) header: HeaderName,
}

impl Stage for Idempotency {
    /// The caller's key wins, then a key already set as a header parameter
    /// (or a call-option header), then a generated one for unsafe methods.
    fn before_call(&self, call: &mut Exchange<'_, '_>) -> Result<()> {
        let key = match call.request.options.idempotency_key.as_deref() {
            Some(key) => IdempotencyKey::new(key)
                .map_err(|e| {
                    error::builder("invalid idempotency key in call options").with_source(e)
                })?
                .header_value(),
            None => match call.request.options.headers.get(&self.header) {
                Some(value) => value.clone(),
                None => match call.request.headers.get(&self.header) {
                    Some(value) => value.clone(),
                    None if needs_key(&call.request.op.method) => {
                        IdempotencyKey::generate().header_value()
                    }
                    None => return Ok(()),
                },
            },
        };
        call.idempotency_key = Some(key);
        Ok(())
    }

    fn before_attempt(&self, call: &mut Exchange<'_, '_>, outgoing: &mut Outgoing) -> Flow {
        if let Some(key) = &call.idempotency_key {
            match outgoing.headers.entry(&self.header) {
                Entry::Occupied(mut e) => {
                    e.insert(key.clone());
                }
                Entry::Vacant(e) => {
                    e.insert(key.clone());
                }
            }
        }
        Flow::Continue
    }
}

// ===== internal =====

/// Keys drawn per `getrandom` call.
const KEYS_PER_DRAW: usize = 16;

/// Sixteen bytes of OS randomness for one key.
///
/// One `getrandom` system call per key cost about 0.7 µs, 3 to 4 % of a `POST` over loopback
/// (`tests/benches/overhead.rs`); a per-thread pool refilled every [`KEYS_PER_DRAW`] keys
/// amortizes it. Each byte is handed out once. A process that `fork`s without `exec` would copy
/// the pool into the child, so the pool remembers the [`fork_generation`] it was drawn in and
/// is discarded in a child. Should the OS source fail, `Uuid::new_v4` (which asks it again,
/// and panics only if it fails again) is the fallback.
fn random_bytes() -> [u8; 16] {
    struct Pool {
        generation: u64,
        used: usize,
        bytes: [u8; 16 * KEYS_PER_DRAW],
    }
    thread_local! {
        static POOL: std::cell::RefCell<Pool> = const {
            std::cell::RefCell::new(Pool { generation: 0, used: KEYS_PER_DRAW, bytes: [0; 16 * KEYS_PER_DRAW] })
        };
    }
    POOL.with_borrow_mut(|pool| {
        let generation = fork_generation();
        if pool.used == KEYS_PER_DRAW || pool.generation != generation {
            if getrandom::fill(&mut pool.bytes).is_err() {
                pool.used = KEYS_PER_DRAW;
                return *uuid::Uuid::new_v4().as_bytes();
            }
            pool.generation = generation;
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

/// A number that changes in the child of every `fork`.
///
/// On Unix a `pthread_atfork` handler, registered on first use, bumps a counter in the child,
/// so the check costs one atomic load instead of a `getpid` system call per key (glibc no
/// longer caches the process id). Elsewhere there is no `fork`, and the process id serves.
#[cfg(unix)]
fn fork_generation() -> u64 {
    use std::sync::Once;
    use std::sync::atomic::{AtomicU64, Ordering};

    static GENERATION: AtomicU64 = AtomicU64::new(1);
    static REGISTER: Once = Once::new();

    extern "C" fn forked() {
        // Runs in the child, which has one thread; an atomic add is async-signal-safe.
        GENERATION.fetch_add(1, Ordering::Relaxed);
    }

    REGISTER.call_once(|| {
        // SAFETY: `forked` only touches an atomic, which is sound in a freshly forked child;
        // no prepare or parent handler is installed.
        let failed = unsafe { libc::pthread_atfork(None, None, Some(forked)) } != 0;
        if failed {
            GENERATION.store(0, Ordering::Relaxed);
        }
    });
    match GENERATION.load(Ordering::Relaxed) {
        // Registration failed: fall back to the process id, which a child never shares.
        0 => u64::from(std::process::id()) | 1 << 63,
        generation => generation,
    }
}

#[cfg(not(unix))]
fn fork_generation() -> u64 {
    u64::from(std::process::id())
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
            .map(|_| IdempotencyKey::generate().to_string())
            .collect();
        assert_eq!(keys.len(), KEYS_PER_DRAW * 5 + 3);
        for key in &keys {
            let parsed = uuid::Uuid::parse_str(key).unwrap();
            assert_eq!(parsed.get_version_num(), 4, "{key}");
            assert_eq!(parsed.get_variant(), uuid::Variant::RFC4122, "{key}");
        }
    }

    /// Without the fork check the child would draw the very bytes the parent draws next.
    #[cfg(unix)]
    #[test]
    fn a_forked_child_never_repeats_the_parents_keys() {
        let before = IdempotencyKey::generate(); // fills this thread's pool
        let mut fds = [0; 2];
        // SAFETY: plain pipe creation into a two-element array.
        assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
        // SAFETY: the child only draws a key (thread-local state, `getrandom`, glibc's
        // fork-safe malloc), writes it to the pipe and leaves with `_exit`, never unwinding.
        let pid = unsafe { libc::fork() };
        assert!(pid >= 0, "fork failed");
        if pid == 0 {
            let key = IdempotencyKey::generate();
            // SAFETY: writes the key's bytes to the pipe's write end, then exits at once.
            unsafe {
                libc::write(fds[1], key.as_str().as_ptr().cast(), UUID_LEN);
                libc::_exit(0);
            }
        }
        let parent_next = IdempotencyKey::generate();
        let mut buf = [0u8; UUID_LEN];
        // SAFETY: reads at most `UUID_LEN` bytes into `buf`; then reaps the child.
        let read = unsafe { libc::read(fds[0], buf.as_mut_ptr().cast(), UUID_LEN) };
        unsafe { libc::waitpid(pid, std::ptr::null_mut(), 0) };
        assert_eq!(read, UUID_LEN as isize, "the child wrote its key");
        let child = std::str::from_utf8(&buf).unwrap();
        assert_ne!(
            child,
            parent_next.as_str(),
            "child and parent drew the same bytes"
        );
        assert_ne!(child, before.as_str());
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
