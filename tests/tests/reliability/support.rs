//! Helpers shared by the reliability tests: clients with millisecond backoff, the example
//! server, and readers of its request log.

use std::time::Duration;

use sdk_runtime::retry::RetryPolicy;
use sdk_tests::server::{ExampleServer, FaultConfig, SeenRequest, ServerConfig};

use crate::api;

/// Boxed error of a test body; `Send + Sync` so tests can run it on spawned tasks.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What a test returns.
pub type TestResult = Result<(), BoxError>;

/// Attempts a call makes with the default policy (2 retries).
pub const DEFAULT_ATTEMPTS: u32 = RetryPolicy::DEFAULT_MAX_RETRIES + 1;

/// The default policy (2 retries, same jitter) with waits in milliseconds instead of seconds.
pub fn fast_policy() -> RetryPolicy {
    RetryPolicy::new()
        .with_base_delay(Duration::from_millis(1))
        .with_max_delay(Duration::from_millis(10))
}

/// A generated client for `base_url` with [`fast_policy`].
pub fn client(base_url: &str, api_key: &str) -> Result<api::Client, BoxError> {
    Ok(api::Client::builder()
        .base_url(base_url)
        .api_key(api_key)
        .retry_policy(fast_policy())
        .build()?)
}

/// The example server with `faults`, a client for it, and one user to place orders for.
pub async fn example_with_user(
    faults: FaultConfig,
) -> Result<(ExampleServer, api::Client, String), BoxError> {
    let server = ExampleServer::start(ServerConfig::default().faults(faults)).await?;
    let client = client(server.base_url(), server.api_key())?;
    let new_user = api::types::NewUser {
        email: "ada@example.com".to_owned(),
        name: "Ada".to_owned(),
    };
    let user = client.users().create_user(&new_user).await?.into_inner();
    Ok((server, client, user.id))
}

/// An order of `amount_cents` (tests use the amount as a unique tag of the logical call).
pub fn new_order(user_id: &str, amount_cents: i64) -> api::types::NewOrder {
    api::types::NewOrder {
        user_id: user_id.to_owned(),
        amount_cents,
        currency: api::types::Currency::Usd,
    }
}

/// The requests the server saw for `method` on exactly `path`, oldest first.
pub fn seen(server: &ExampleServer, method: &str, path: &str) -> Vec<SeenRequest> {
    server
        .state()
        .requests()
        .into_iter()
        .filter(|r| r.method.as_str() == method && r.path == path)
        .collect()
}

/// The value of header `name` of a recorded request, if it is text.
pub fn header<'a>(request: &'a SeenRequest, name: &str) -> Option<&'a str> {
    request.headers.get(name)?.to_str().ok()
}
