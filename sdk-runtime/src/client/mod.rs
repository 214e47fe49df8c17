//! The untyped core client that every generated client wraps.
//!
//! A generated `Client` is a newtype around [`Client`]; all of its methods end
//! in the one pipeline, which the client owns together with the API
//! description and the credentials. The builder (`builder.rs`) collects
//! settings; `config.rs` resolves them and lays out the pipeline's stages.
//!
//! `Client` is an `Arc` inside, so cloning is cheap and clones share the
//! connection pool, the credentials, the retry budget and the rate limiter.
//! Create it with [`Client::builder`] (or the generated `Client::builder()`),
//! which documents every default.

use std::any::Any;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::contract::ApiDescription;
use crate::pipeline::Pipeline;
use crate::policy::auth::{Credentials, Store};

pub(crate) mod builder;
pub(crate) mod config;
pub(crate) mod redirect;
pub(crate) mod tls;

// `Client::builder` lives in `builder.rs`, beside the builder, so this module
// does not import its own child.

/// A configured connection to one API.
///
/// # Example
///
/// ```no_run
/// use sdk_runtime::{ApiDescription, Client, Credentials};
/// # static API: ApiDescription = ApiDescription {
/// #   title: "Pets", version: "1", env_prefix: "PETS", default_base_url: Some("https://pets.example"),
/// #   security_schemes: &[], default_security: &[], idempotency_header: None, request_id_header: None, sensitive_query_params: &[],
/// #   webhook_signature: sdk_runtime::contract::WebhookSignature::Standard };
///
/// # fn main() -> sdk_runtime::Result<()> {
/// let client = Client::builder(&API).api_key("sk_live_old").build()?;
/// // Later, after rotating the key in the provider's dashboard:
/// client.set_credentials(Credentials::api_key("sk_live_new"));
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<ClientRef>,
}

/// Implemented by every client type `ClientBuilder::build` can produce:
/// [`Client`] itself and each generated client.
pub trait FromClient: Sized {
    /// Wraps a built core client.
    fn from_client(client: Client) -> Self;
}

impl FromClient for Client {
    fn from_client(client: Client) -> Self {
        client
    }
}

impl Client {
    /// The base URL every path is appended to (without a trailing `/`).
    pub fn base_url(&self) -> &str {
        self.inner.pipeline.base.as_str()
    }

    /// The description of the API this client talks to.
    pub fn api(&self) -> &'static ApiDescription {
        self.inner.api
    }

    /// Replaces the credentials (and any credentials provider) for this client
    /// and all its clones.
    ///
    /// Attempts that start afterwards use the new credentials; an attempt
    /// already on the wire finishes with the ones it started with.
    pub fn set_credentials(&self, credentials: Credentials) {
        self.inner.credentials.set(credentials);
    }

    /// The pipeline every call of this client runs through.
    pub(crate) fn pipeline(&self) -> &Pipeline {
        &self.inner.pipeline
    }

    /// A value a feature above the client stored at build time
    /// (`ClientBuilder::set_extension`).
    pub(crate) fn extension<T: Any + Send + Sync>(&self) -> Option<&T> {
        self.inner
            .extensions
            .iter()
            .find_map(|value| value.downcast_ref())
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        let mut d = f.debug_struct("Client");
        d.field("api", &inner.api.title)
            .field("base_url", &self.base_url())
            .field("credentials", &inner.credentials_summary())
            .field("max_retries", &inner.max_retries)
            .field("timeout", &inner.timeout);
        if let Some(deadline) = inner.deadline {
            d.field("deadline", &deadline);
        }
        if inner.debug {
            d.field("debug", &true);
        }
        d.finish_non_exhaustive()
    }
}

// ===== internal =====

/// Everything a client shares with its clones.
pub(crate) struct ClientRef {
    pub(crate) api: &'static ApiDescription,
    pub(crate) pipeline: Pipeline,
    /// Also held by the auth stage; here for `set_credentials`.
    pub(crate) credentials: Arc<Store>,
    /// Values of features built on the client (the webhook verifier), so the
    /// client need not know them.
    pub(crate) extensions: Vec<Box<dyn Any + Send + Sync>>,
    // What `Debug` shows; the stages hold the live values.
    pub(crate) max_retries: u32,
    pub(crate) timeout: Duration,
    pub(crate) deadline: Option<Duration>,
    pub(crate) debug: bool,
}

impl ClientRef {
    /// What `Debug` shows instead of the credentials themselves.
    fn credentials_summary(&self) -> String {
        if self.credentials.is_provider() {
            return "<provider>".to_owned();
        }
        match self.credentials.current() {
            Ok(prepared) => format!("{:?}", prepared.credentials()),
            Err(_) => "<unavailable>".to_owned(),
        }
    }
}
