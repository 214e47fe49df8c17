//! Hostile servers: generated clients against servers that misbehave on purpose, all on
//! `127.0.0.1` (and `127.0.0.2`, another origin on the same machine).
//!
//! Every case checks the same four things: the call returns (no hang, no panic), the error has
//! the right kind ([`sdk_runtime::Error::is_decode`], `is_status`, `is_body`, `is_timeout`),
//! it carries the status and request ID whenever a response head arrived, and neither its
//! `Display`, its `Debug` nor any error in its `source()` chain contains the API key.
//!
//! - [`bodies`]: not JSON, JSON of the wrong shape, an error body under `200`, wrong or missing
//!   content types, a body cut short, bodies far larger than `max_response_bytes` (the client
//!   must stop reading: the server sees its writes fail before it has sent everything);
//! - [`headers`]: bytes that are not UTF-8 in `X-Request-ID` and other headers, a status code
//!   outside the registry, a peer that does not speak HTTP;
//! - [`stalls`]: a server that accepts and never answers, a body that stops mid-way;
//! - [`redirects`]: redirects to another host or port never carry a bearer token, an
//!   `X-API-Key` header or an `api_key` query parameter there; a query key the document also
//!   declares as a parameter is sent once.
//!
//! The servers are scripted byte by byte ([`raw`]), because no HTTP framework writes a body
//! shorter than its `Content-Length` or a header that is not text. Timeouts are a few hundred
//! milliseconds; nothing asserts on elapsed time.

mod api {
    sdk_runtime::generate_client!("../spec/api.yaml");
}

mod keys_api {
    sdk_runtime::generate_client!("tests/hostile_servers/keys.yaml");
}

// A test crate root resolves `mod x;` next to itself; the modules live in `hostile_servers/`.
#[path = "hostile_servers/bodies.rs"]
mod bodies;
#[path = "hostile_servers/headers.rs"]
mod headers;
#[path = "hostile_servers/raw.rs"]
mod raw;
#[path = "hostile_servers/redirects.rs"]
mod redirects;
#[path = "hostile_servers/stalls.rs"]
mod stalls;

use std::time::Duration;

/// The API key every client here holds; no error may ever show it.
pub const KEY: &str = "sk_live_hostile_0123456789";

/// Boxed error of a test body.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What a test returns.
pub type TestResult = Result<(), BoxError>;

/// A client of `spec/api.yaml` for `base_url`: no retries (each case sees one attempt unless
/// it asks for more), a short timeout, the default body cap.
pub fn client(base_url: &str) -> Result<api::Client, BoxError> {
    Ok(builder(base_url).build()?)
}

/// The builder behind [`client`], for cases that change one setting.
pub fn builder(base_url: &str) -> api::ClientBuilder {
    api::Client::builder()
        .base_url(base_url)
        .api_key(KEY)
        .max_retries(0)
        .timeout(Duration::from_secs(5))
}

/// Fails when the error's `Display`, `Debug` or any `source()` in its chain shows [`KEY`],
/// then returns the error for further checks.
pub fn checked(error: sdk_runtime::Error) -> sdk_runtime::Error {
    let mut texts = vec![error.to_string(), format!("{error:?}")];
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        texts.push(cause.to_string());
        texts.push(format!("{cause:?}"));
        source = cause.source();
    }
    for text in &texts {
        assert!(
            !text.contains(KEY),
            "the API key leaked into an error: {text}"
        );
    }
    error
}

/// The error of a call that must fail, checked with [`checked`].
pub fn expect_err<T: std::fmt::Debug>(
    result: sdk_runtime::Result<T>,
) -> Result<sdk_runtime::Error, BoxError> {
    match result {
        Ok(value) => Err(format!("expected an error, got {value:?}").into()),
        Err(e) => Ok(checked(e)),
    }
}
