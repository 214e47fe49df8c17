//! The policies: each one stage of the pipeline, in the file named after it.
//!
//! `client/config.rs` puts them in this order, which is the order every hook
//! runs in:
//!
//! | stage | file | does |
//! |---|---|---|
//! | timeout | `timeout.rs` | resolves the attempt timeout and the call deadline |
//! | request ID | `request_id.rs` | reads the request ID of every response |
//! | default headers | `default_headers.rs` | user agent, the client's default headers |
//! | idempotency | `idempotency.rs` | one key per call, on every attempt |
//! | auth | `auth.rs` | credentials, a fresh snapshot per attempt |
//! | cache | `cache.rs`, `cache/stage.rs` | ETag / Last-Modified cache (opt-in) |
//! | rate limit | `rate_limit.rs` | holds calls while the server's window is spent |
//! | interceptors | `interceptors.rs` | the user's hooks |
//! | retry | `retry/` | policy, backoff, budget: whether and when to try again |
//! | trace | `trace.rs` | `tracing` events, redacted |
//!
//! Policies sit above the pipeline core (they implement its `Stage` trait)
//! and below the client, which builds them; none imports another.

pub(crate) mod auth;
pub mod cache;
pub(crate) mod default_headers;
pub mod idempotency;
pub(crate) mod interceptors;
pub(crate) mod rate_limit;
pub mod request_id;
pub mod retry;
pub(crate) mod timeout;
pub(crate) mod trace;
