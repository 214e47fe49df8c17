//! Reliability, proven end to end through a client generated from `spec/api.yaml`.
//!
//! The runtime's retry policy, backoff schedule and idempotency keys have unit tests of their
//! own (`sdk-runtime/src/{retry,backoff,idempotency}.rs`, `sdk-runtime/tests/retry_schedule.rs`).
//! These tests check what a user of a generated client actually gets over real HTTP on
//! `127.0.0.1`:
//!
//! - [`classify`]: which statuses are retried (wiremock counts the attempts), the
//!   `x-should-retry` override and per-call retry budgets;
//! - [`keys`]: idempotency keys — minted once per logical call, a caller's key sent unchanged on
//!   every attempt, none on `GET`, the header name declared by the spec;
//! - [`transport`]: dropped connections, unreachable servers and timeouts;
//! - [`chaos`]: thousands of creates against the example server while it injects `503`, `429`
//!   and connections dropped after the order was stored, checking that every order exists
//!   exactly once.
//!
//! Backoff is configured in milliseconds so the whole file runs in seconds; nothing here asserts
//! on elapsed time.

mod api {
    sdk_runtime::generate_client!("../spec/api.yaml");
}

// A test crate root resolves `mod x;` next to itself; the modules live in `reliability/`.
#[path = "reliability/chaos.rs"]
mod chaos;
#[path = "reliability/classify.rs"]
mod classify;
#[path = "reliability/keys.rs"]
mod keys;
#[path = "reliability/support.rs"]
mod support;
#[path = "reliability/transport.rs"]
mod transport;
