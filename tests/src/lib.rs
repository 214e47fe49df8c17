//! Integration tests, the embedded example server and the demo of the SDK.
//!
//! This crate is not published. It holds what the workspace's tests share:
//!
//! - [`server`]: the example API of `spec/api.yaml` served in-process on `127.0.0.1` with an
//!   OS-chosen port — request ids, API keys, typed errors, cursor pagination, server-side
//!   idempotency, seeded fault injection and signed webhooks — plus a state handle for
//!   assertions. The integration tests (`tests/tests/*.rs`), the chaos test and the demo all
//!   run against it, so the SDK is always exercised over real HTTP.

#![warn(missing_docs)]

pub mod server;

/// The README's Rust blocks as doc tests, so `cargo test --workspace` compiles every one
/// of them as written (and runs those with a `main`). Paths such as `spec/api.yaml` resolve
/// against the workspace root, as they would in a user's workspace.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
