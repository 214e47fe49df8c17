//! The example API of `spec/api.yaml`, served in-process for tests and the demo.
//!
//! [`ExampleServer::start`] binds `127.0.0.1:0` (the OS picks a free port, so tests run in
//! parallel) and serves until [`ExampleServer::shutdown`] or drop. It implements the API the way
//! a careful production service would, so the SDK can be tested against every practice the
//! guide recommends:
//!
//! - `X-Request-ID: req_<unique>` on every answer, errors and faults included;
//! - `X-API-Key` authentication with keys replaceable at run time (rotation);
//! - typed `{ code, message, request_id }` errors: `401`, `404`, `409`, `422`, `429`, `503`;
//! - cursor pagination (`limit` 1–100, default 20; `starting_after`; `next_cursor`);
//! - server-side idempotency for `POST` with `Idempotency-Key` (the private `idempotency` module's docs);
//! - seeded fault injection, switchable while running ([`FaultConfig`]);
//! - Standard Webhooks signing of its `user.created` and `order.paid` events ([`WebhookSigner`]).
//!
//! Everything is in memory; [`ExampleServer::state`] exposes it for assertions: stored users and
//! orders, the requests seen with their idempotency keys, the highest concurrency observed.
//!
//! # Example
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use sdk_tests::server::{ExampleServer, FaultConfig, ServerConfig};
//!
//! let faults = FaultConfig::seeded(7).unavailable(0.2);
//! let server = ExampleServer::start(ServerConfig::default().faults(faults)).await?;
//! println!("serving {} with key {}", server.base_url(), server.api_key());
//! // … point a client at it …
//! assert_eq!(server.state().user_count(), 0);
//! server.shutdown().await
//! # }
//! ```

mod auth;
mod faults;
mod idempotency;
mod models;
mod observe;
mod routes;
mod state;
mod webhooks;

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use auth::{API_KEY_HEADER, DEFAULT_API_KEY};
pub use faults::{FaultConfig, FaultCounts, FaultKind};
pub use idempotency::{IDEMPOTENCY_KEY, IDEMPOTENT_REPLAYED};
pub use models::{
    Currency, ErrorBody, MAX_BATCH, NewOrder, NewUser, NewUsers, Order, OrderStatus, User,
};
pub use observe::REQUEST_ID;
pub use routes::{DEFAULT_LIMIT, List, MAX_LIMIT};
pub use state::{Page, SeenRequest, ServerState};
pub use webhooks::{
    DEFAULT_WEBHOOK_SECRET, SignedWebhook, WEBHOOK_ID, WEBHOOK_SIGNATURE, WEBHOOK_TIMESTAMP,
    WebhookEvent, WebhookSigner,
};

/// How long [`ExampleServer::shutdown`] lets open requests finish before cutting them off.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Settings of an [`ExampleServer`].
///
/// # Default
///
/// Accepts [`DEFAULT_API_KEY`], injects no faults, signs webhooks with [`DEFAULT_WEBHOOK_SECRET`].
#[derive(Clone)]
#[must_use]
pub struct ServerConfig {
    api_keys: Vec<String>,
    faults: FaultConfig,
    webhook_secret: String,
}

/// A running example server; stops when dropped.
pub struct ExampleServer {
    addr: SocketAddr,
    base_url: String,
    api_key: String,
    state: ServerState,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<io::Result<()>>>,
}

impl ServerConfig {
    /// Accepts only `key` (replaces the default).
    pub fn api_key(self, key: impl Into<String>) -> Self {
        self.api_keys([key])
    }

    /// Accepts any of `keys`; the first is [`ExampleServer::api_key`].
    pub fn api_keys<I, K>(mut self, keys: I) -> Self
    where
        I: IntoIterator<Item = K>,
        K: Into<String>,
    {
        self.api_keys = keys.into_iter().map(Into::into).collect();
        self
    }

    /// Faults to inject from the first request on.
    pub fn faults(mut self, faults: FaultConfig) -> Self {
        self.faults = faults;
        self
    }

    /// The `whsec_…` secret webhooks are signed with.
    pub fn webhook_secret(mut self, secret: impl Into<String>) -> Self {
        self.webhook_secret = secret.into();
        self
    }
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            api_keys: vec![DEFAULT_API_KEY.to_owned()],
            faults: FaultConfig::default(),
            webhook_secret: DEFAULT_WEBHOOK_SECRET.to_owned(),
        }
    }
}

impl fmt::Debug for ServerConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerConfig")
            .field(
                "api_keys",
                &format_args!("<{} redacted>", self.api_keys.len()),
            )
            .field("faults", &self.faults)
            .finish_non_exhaustive()
    }
}

impl ExampleServer {
    /// Binds `127.0.0.1:0` and starts serving on the current Tokio runtime.
    ///
    /// # Errors
    ///
    /// `InvalidInput` for a malformed webhook secret or an empty key list; any error of binding
    /// the socket.
    pub async fn start(config: ServerConfig) -> io::Result<Self> {
        let signer = WebhookSigner::new(&config.webhook_secret)?;
        let api_key = config.api_keys.first().cloned().ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "ServerConfig needs at least one API key",
            )
        })?;
        let state = ServerState::new(config.api_keys, config.faults, signer);
        let listener = TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let app = routes::router(state.clone());
        let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
            // A dropped sender also stops the server.
            let _ = stopped.await;
        });
        let task = tokio::spawn(async move { serve.await });
        tracing::debug!(%addr, "example server listening");
        Ok(Self {
            addr,
            base_url: format!("http://{addr}"),
            api_key,
            state,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// `http://127.0.0.1:<port>`, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// `base_url` followed by `path` (which should start with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// The socket address served.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The first key accepted at start. After [`ServerState::set_api_keys`] it may no longer be.
    pub fn api_key(&self) -> &str {
        &self.api_key
    }

    /// The shared state, for assertions and run-time changes.
    pub fn state(&self) -> &ServerState {
        &self.state
    }

    /// Signs `event` and POSTs it to `url`, returning the receiver's status.
    ///
    /// # Errors
    ///
    /// Any transport error of the POST.
    pub async fn send_webhook(
        &self,
        url: &str,
        event: &WebhookEvent,
    ) -> Result<axum::http::StatusCode, reqwest::Error> {
        self.state.sign_event(event).send(url).await
    }

    /// Stops accepting connections, lets open requests finish (up to 5 s), then stops.
    ///
    /// # Errors
    ///
    /// An I/O error the server task ended with.
    pub async fn shutdown(mut self) -> io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let Some(mut task) = self.task.take() else {
            return Ok(());
        };
        match tokio::time::timeout(SHUTDOWN_GRACE, &mut task).await {
            Ok(Ok(result)) => result,
            Ok(Err(join)) => Err(io::Error::other(join)),
            Err(_elapsed) => {
                task.abort();
                Ok(())
            }
        }
    }
}

impl Drop for ExampleServer {
    fn drop(&mut self) {
        // Graceful: idle keep-alive connections close at once, open requests finish. The task
        // is not aborted here, because aborting would leave connection tasks serving a dead
        // server; it ends by itself or with the runtime.
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl fmt::Debug for ExampleServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExampleServer")
            .field("base_url", &self.base_url)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}
