//! Typed mocks of generated clients, for testing code that calls an API
//! (cargo feature `mock`; enable it in `[dev-dependencies]`).
//!
//! Every generated client gets a `mock` module: `api::mock::MockServer::start().await`
//! serves the document's operations on 127.0.0.1, with one typed expectation
//! builder per operation, the same names as the client's methods:
//!
//! ```no_run
//! mod api {
//!     sdk_runtime::generate_client!("guide/petstore.yaml");
//! }
//! # async fn run() {
//! let pets = vec![api::types::Pet { id: 1, name: "Rex".into(), tag: None }];
//! let mock = api::mock::MockServer::start().await;
//! mock.pets().list_pets().limit(10).respond(200, &pets).times(1);
//! mock.pets().show_pet_by_id("42").respond_error(404, &api::types::Error { code: 404, message: "no".into() });
//! let client = mock.client(); // pointed at the mock, retries without real waits
//! # let _ = client;
//! # }
//! ```
//!
//! What this module adds to wiremock-style stubs:
//!
//! * **Requests are checked against the document.** A request no operation
//!   matches, a missing required parameter, a query, header or path value
//!   its schema refuses (`limit=1000` above a maximum of 250, `limit=abc`
//!   for an integer), or a body that breaks the operation's schema is
//!   answered `400` and recorded as a violation naming the parameter or
//!   operation and the JSON pointer broken; the test fails when the mock is
//!   dropped (or at [`MockServer::verify`]). `pattern` is not checked: the
//!   runtime has no regex engine, and a mock is no reason to add one.
//! * **Canned answers are checked when they are set up**: a body that does
//!   not match the schema of its status panics there, not in the code under test.
//! * **Faults** on any expectation: [`Expectation::fail_times`],
//!   [`Expectation::drop_connection`], [`Expectation::delay`],
//!   [`Expectation::rate_limit`], to drive a client's retries, idempotency
//!   keys and rate limiting; and paged answers in the operation's own paging
//!   style (`respond_pages`), whose other required fields (Stripe's
//!   `object: list` and `url`) are filled from the list schema.
//! * **Counts**: [`Expectation::times`] is checked at drop, like wiremock's `expect`.

mod expect;
mod paging;
mod params;
mod routes;
mod server;
mod state;
mod validate;

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::policy::retry::RetryPolicy;

pub use expect::{Expect, Expectation};
pub use state::ReceivedRequest;

use routes::Routes;
use state::{Shared, State};
use validate::Document;

/// A mock of an API on 127.0.0.1, checking each request against the
/// document. Generated clients wrap it in `mock::MockServer`, which adds the
/// typed expectation builders; this is what they dereference to.
pub struct MockServer {
    shared: Arc<Shared>,
    uri: String,
    task: tokio::task::JoinHandle<()>,
}

impl MockServer {
    /// Starts a mock of the document `document` (JSON or YAML text, which
    /// generated code includes) on a port of 127.0.0.1 the system picks.
    ///
    /// # Panics
    ///
    /// When the document does not parse or no port can be bound: this is a
    /// test helper, and either means the test cannot run.
    pub async fn start(document: &'static str) -> MockServer {
        let root: serde_json::Value = match serde_json::from_str(document) {
            Ok(root) => root,
            Err(_) => serde_yaml::from_str(document).expect("the document parses as YAML"),
        };
        let document = Document { root };
        let routes = Routes::new(&document);
        let shared = Arc::new(Shared {
            document,
            routes,
            state: Mutex::new(State::default()),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port for the mock");
        let address = listener.local_addr().expect("the mock's address");
        let app = server::router(shared.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        MockServer {
            shared,
            uri: format!("http://{address}"),
            task,
        }
    }

    /// The mock's base URL, `http://127.0.0.1:<port>`.
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// Starts an expectation for the operation at JSON pointer `operation`
    /// (`#/paths/~1pets/get`); generated builders call it.
    #[doc(hidden)]
    pub fn expect(&self, operation: &'static str) -> Expect<'_> {
        Expect::new(&self.shared, operation)
    }

    /// Every request received so far, in order.
    pub fn received(&self) -> Vec<ReceivedRequest> {
        self.shared.state().received.clone()
    }

    /// Requests that broke the document so far, each naming the operation and
    /// the JSON pointer broken.
    pub fn violations(&self) -> Vec<String> {
        self.shared.state().violations.clone()
    }

    /// Takes the violations out, so that a test that provoked them on purpose
    /// does not fail when the mock is dropped.
    pub fn take_violations(&self) -> Vec<String> {
        std::mem::take(&mut self.shared.state().violations)
    }

    /// Requests that broke nothing but matched no expectation (answered `404`).
    pub fn unmatched(&self) -> Vec<String> {
        self.shared.state().unmatched.clone()
    }

    /// Panics with a report when a request broke the document or an
    /// expectation's [`times`](Expectation::times) was not met; runs on drop too.
    pub fn verify(&self) {
        if let Err(report) = self.check() {
            panic!("{report}");
        }
    }

    /// A retry policy for clients of the mock: the default attempts, without
    /// real waits (1 ms backoff, `Retry-After` capped at 10 ms).
    pub fn fast_retries() -> RetryPolicy {
        RetryPolicy::new()
            .with_base_delay(Duration::from_millis(1))
            .with_max_delay(Duration::from_millis(2))
            .with_max_retry_after(Duration::from_millis(10))
    }

    fn check(&self) -> Result<(), String> {
        let state = self.shared.state();
        let mut problems: Vec<String> = state.violations.clone();
        for expected in &state.expected {
            if let Some(times) = expected.times
                && expected.hits != times
            {
                problems.push(format!(
                    "{}: expected {times} matching request(s), received {}",
                    expected.label, expected.hits
                ));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "the mock server saw problems:\n  - {}",
                problems.join("\n  - ")
            ))
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.task.abort();
        if !std::thread::panicking()
            && let Err(report) = self.check()
        {
            panic!("{report}");
        }
    }
}

impl fmt::Debug for MockServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockServer")
            .field("uri", &self.uri)
            .finish_non_exhaustive()
    }
}
