//! Client configuration: [`ClientBuilder`].
//!
//! The builder follows `reqwest`: every setter is infallible and chainable,
//! the first invalid value is remembered, and [`build`](ClientBuilder::build)
//! reports it. Each setter documents its default under `# Default`.
//!
//! Configuration from the environment ([`from_env`](ClientBuilder::from_env))
//! never overrides a value set explicitly in code, whatever the call order,
//! so `builder.from_env().base_url(x)` and `builder.base_url(x).from_env()`
//! mean the same.

use std::any::Any;
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use http::{HeaderName, HeaderValue};

use crate::client::config::{self, Config};
use crate::client::{Client, FromClient};
use crate::contract::ApiDescription;
use crate::error::{self, Result};
use crate::pipeline::interceptor::Interceptor;
use crate::policy::auth::{Credentials, CredentialsProvider};
use crate::policy::cache::ResponseCache;
use crate::policy::retry::RetryPolicy;
use crate::policy::retry::budget::RetryBudget;

impl Client {
    /// Starts configuring a client for `api`, the description a generated
    /// client passes for its own document.
    pub fn builder(api: &'static ApiDescription) -> ClientBuilder<Client> {
        ClientBuilder::new(api)
    }
}

/// Configures and builds a client; `C` is [`Client`] or a generated client.
///
/// # Example
///
/// ```no_run
/// use std::time::Duration;
/// use sdk_runtime::Client;
/// # static API: sdk_runtime::ApiDescription = sdk_runtime::ApiDescription {
/// #   title: "Pets", version: "1", env_prefix: "PETS", default_base_url: Some("https://pets.example"),
/// #   security_schemes: &[], default_security: &[], idempotency_header: None, request_id_header: None, sensitive_query_params: &[],
/// #   webhook_signature: sdk_runtime::contract::WebhookSignature::Standard };
///
/// # fn main() -> sdk_runtime::Result<()> {
/// let client: Client = Client::builder(&API)
///     .from_env() // PETS_API_KEY (or API_KEY), PETS_BASE_URL, PETS_DEBUG
///     .timeout(Duration::from_secs(20))
///     .max_retries(4)
///     .build()?;
/// # Ok(()) }
/// ```
#[must_use]
pub struct ClientBuilder<C = Client> {
    api: &'static ApiDescription,
    config: Config,
    client: PhantomData<fn() -> C>,
}

impl<C> ClientBuilder<C> {
    /// Starts a builder for `api` with every default.
    pub fn new(api: &'static ApiDescription) -> Self {
        Self {
            api,
            config: Config::default(),
            client: PhantomData,
        }
    }

    /// The description of the API this builder configures a client for.
    pub(crate) fn api(&self) -> &'static ApiDescription {
        self.api
    }

    /// Sets the base URL that operation paths are appended to.
    ///
    /// # Default
    ///
    /// `{PREFIX}_BASE_URL` when [`from_env`](Self::from_env) is used and it is
    /// set, else the document's first server. `build` fails when neither exists.
    pub fn base_url(mut self, url: impl AsRef<str>) -> Self {
        self.config.base_url = Some(url.as_ref().to_owned());
        self
    }

    /// Sets the API key, used for every `apiKey` scheme and (unless a bearer
    /// token is set) every bearer, oauth2 and openIdConnect scheme.
    ///
    /// # Default
    ///
    /// None, or the key found by [`from_env`](Self::from_env).
    pub fn api_key(self, key: impl Into<String>) -> Self {
        self.credentials(Credentials::api_key(key))
    }

    /// Sets the secret of one named security scheme, for APIs that want several
    /// different keys at once (see [`Credentials::for_scheme`]).
    pub fn scheme_key(self, scheme: impl Into<String>, secret: impl Into<String>) -> Self {
        self.credentials(Credentials::for_scheme(scheme, secret))
    }

    /// Sets the bearer token for bearer, oauth2 and openIdConnect schemes.
    pub fn bearer_token(self, token: impl Into<String>) -> Self {
        self.credentials(Credentials::bearer(token))
    }

    /// Sets the username and password for `http: basic` schemes.
    pub fn basic_auth(self, username: impl Into<String>, password: impl Into<String>) -> Self {
        self.credentials(Credentials::basic(username, password))
    }

    /// Adds credentials; a kind set again replaces the earlier value.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.config.credentials = std::mem::take(&mut self.config.credentials).and(credentials);
        self
    }

    /// Asks `provider` for credentials before every attempt, instead of using
    /// fixed ones (which it replaces).
    pub fn credentials_provider(mut self, provider: impl CredentialsProvider) -> Self {
        self.config.provider = Some(Arc::new(provider));
        self
    }

    /// Reads configuration from the environment, `{PREFIX}` being the API's
    /// `env_prefix` (e.g. `SWAGGER_PETSTORE`):
    ///
    /// * the API key from `{PREFIX}_API_KEY`, else `API_KEY`;
    /// * the base URL from `{PREFIX}_BASE_URL`, if set;
    /// * debug mode from `{PREFIX}_DEBUG`, else `SDK_DEBUG` (`1` or `true`).
    ///
    /// Values set in code take precedence. When the API declares security
    /// schemes and no key is found (nor set in code), `build` fails with an
    /// error naming the variables it looked at.
    pub fn from_env(self) -> Self {
        self.read_env(|name| std::env::var(name).ok())
    }

    /// Sets the maximum number of retries after the first attempt.
    ///
    /// # Default
    ///
    /// 2 (from [`RetryPolicy::default`]). Retried: connection failures,
    /// timeouts, `429` and `5xx`, unless the server says otherwise with
    /// `x-should-retry` (see [`crate::retry`]).
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.config.retry = self.config.retry.with_max_retries(max_retries);
        self
    }

    /// Replaces the whole retry policy (delays, jitter, `Retry-After` cap).
    ///
    /// # Default
    ///
    /// [`RetryPolicy::default`].
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.config.retry = policy;
        self
    }

    /// Sets the time allowed for each attempt, from sending the request to
    /// reading the last byte of the body. Each retry gets the full time
    /// again; [`deadline`](Self::deadline) bounds the whole call.
    ///
    /// # Default
    ///
    /// 60 seconds ([`DEFAULT_TIMEOUT`](crate::DEFAULT_TIMEOUT)).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.config.timeout = timeout;
        self
    }

    /// Bounds every call as a whole: attempts, waits between them and waits
    /// for the rate limiter included. A call still running when it passes
    /// ends with a timeout error ([`Error::is_timeout`](crate::Error::is_timeout))
    /// that quotes the last response, if there was one. A call's own
    /// `.deadline(..)` overrides it.
    ///
    /// # Default
    ///
    /// None: a call ends when its retries do.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.config.deadline = Some(deadline);
        self
    }

    /// Replaces the retry budget, the client-wide allowance of retries that
    /// stops retrying when many calls fail (see [`RetryBudget`]). Clients
    /// given clones of one budget share it.
    ///
    /// # Default
    ///
    /// [`RetryBudget::new`]: 500 tokens, 5 per retry after a status, 10 after
    /// a timeout or connection failure, 1 back per first-time success.
    pub fn retry_budget(mut self, budget: RetryBudget) -> Self {
        self.config.retry_budget = Some(budget);
        self
    }

    /// Turns the retry budget off: every call retries up to
    /// [`max_retries`](Self::max_retries), however many others are failing.
    pub fn no_retry_budget(mut self) -> Self {
        self.config.retry_budget = None;
        self
    }

    /// Paces the client itself: at most `requests` attempts per `period`,
    /// across all calls and clones, in bursts of at most `requests`. Calls
    /// over the rate wait (within their deadline) instead of failing.
    ///
    /// # Default
    ///
    /// None: the client waits only when the server says so (see
    /// [`follow_rate_limits`](Self::follow_rate_limits)).
    pub fn rate_limit(mut self, requests: u32, period: Duration) -> Self {
        if requests == 0 || period.is_zero() {
            self.fail("`rate_limit` needs at least one request per non-zero period".to_owned());
        }
        self.config.rate_limit = Some((requests, period));
        self
    }

    /// Whether every call of the client waits when the server says its rate
    /// limit is spent: `Retry-After` on a `429`, `RateLimit` /
    /// `RateLimit-Policy`, `X-RateLimit-Remaining` / `X-RateLimit-Reset`.
    ///
    /// # Default
    ///
    /// On.
    pub fn follow_rate_limits(mut self, enabled: bool) -> Self {
        self.config.follow_rate_limits = enabled;
        self
    }

    /// Runs `interceptor` on every attempt of every call, in the order added,
    /// before any a call adds itself (see [`Interceptor`]).
    pub fn interceptor(mut self, interceptor: impl Interceptor) -> Self {
        self.config.interceptors.push(Arc::new(interceptor));
        self
    }

    /// Sets the time allowed to establish a connection. Ignored when
    /// [`http_client`](Self::http_client) supplies the client.
    ///
    /// # Default
    ///
    /// 10 seconds ([`DEFAULT_CONNECT_TIMEOUT`](crate::DEFAULT_CONNECT_TIMEOUT)).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.config.connect_timeout = timeout;
        self
    }

    /// Sets the response header the request ID is read from; no other is read then.
    ///
    /// # Default
    ///
    /// The header the document's responses declare for request IDs, then the first
    /// present of [`request_id::COMMON_HEADERS`](crate::request_id::COMMON_HEADERS)
    /// (`x-request-id`, `request-id`, …).
    pub fn request_id_header(mut self, name: &str) -> Self {
        if let Some(name) = self.header_name(name) {
            self.config.request_id_header = Some(name);
        }
        self
    }

    /// Sets the header that carries idempotency keys.
    ///
    /// # Default
    ///
    /// The header the document declares, else `Idempotency-Key`.
    pub fn idempotency_header(mut self, name: &str) -> Self {
        if let Some(name) = self.header_name(name) {
            self.config.idempotency_header = Some(name);
        }
        self
    }

    /// Sets the `User-Agent` header.
    ///
    /// # Default
    ///
    /// `sdk-runtime/<version> (<api title>/<api version>)`.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.config.user_agent = Some(user_agent.into());
        self
    }

    /// Adds a header sent with every request (call options and parameters
    /// override it).
    pub fn default_header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        let (name, value) = (name.as_ref(), value.as_ref());
        let Some(header) = self.header_name(name) else {
            return self;
        };
        match HeaderValue::from_str(value) {
            Ok(value) => {
                self.config.default_headers.append(header, value);
            }
            Err(_) => self.fail(format!("default header `{name}` has an invalid value")),
        }
        self
    }

    /// Turns debug mode on or off: one `DEBUG` event per attempt on target
    /// `sdk_runtime` with redacted headers and truncated bodies.
    ///
    /// # Default
    ///
    /// Off, unless [`from_env`](Self::from_env) finds `{PREFIX}_DEBUG` or
    /// `SDK_DEBUG` set to `1` or `true`.
    pub fn debug(mut self, enabled: bool) -> Self {
        self.config.debug = Some(enabled);
        self
    }

    /// Sets how many bytes of each body debug mode shows.
    ///
    /// # Default
    ///
    /// 4 KiB ([`DEFAULT_DEBUG_BODY_LIMIT`](crate::DEFAULT_DEBUG_BODY_LIMIT)).
    pub fn debug_body_limit(mut self, bytes: usize) -> Self {
        self.config.debug_body_limit = bytes;
        self
    }

    /// Redacts another header in traces (auth headers always are).
    pub fn redact_header(mut self, name: &str) -> Self {
        self.config.redactor = std::mem::take(&mut self.config.redactor).header(name);
        self
    }

    /// Redacts another query parameter in traces and errors (API keys sent in
    /// the query always are).
    pub fn redact_query_param(mut self, name: &str) -> Self {
        self.config.redactor = std::mem::take(&mut self.config.redactor).query_param(name);
        self
    }

    /// Sets the largest response body read; a longer one fails the call with
    /// a body error ([`Error::is_body`](crate::Error::is_body)) without reading the rest.
    ///
    /// # Default
    ///
    /// 16 MiB ([`DEFAULT_MAX_RESPONSE_BYTES`](crate::DEFAULT_MAX_RESPONSE_BYTES)).
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.config.max_response_bytes = bytes;
        self
    }

    /// Uses a preconfigured `reqwest::Client` (proxies, TLS roots, …); start
    /// from [`http_client_builder`](crate::http_client_builder), which has this
    /// crate's TLS setup (`reqwest::Client::new()` needs reqwest's own `rustls`
    /// feature or a process-wide crypto provider).
    /// [`connect_timeout`](Self::connect_timeout) then has no effect, and
    /// neither does the default redirect policy (follow only within the
    /// request's origin, so an API key in a custom header never reaches
    /// another host): set `reqwest::redirect::Policy::none()` on your client
    /// unless you trust every host it may be redirected to. reqwest's own retry
    /// layer (on by default, for HTTP/2 refusals) also stays on, behind this
    /// client's [`max_retries`](Self::max_retries); `reqwest::retry::never()`
    /// turns it off.
    ///
    /// # Default
    ///
    /// A new `reqwest::Client` with the connect timeout, the redirect policy
    /// above, and reqwest's retry layer off (the client's own retries cover
    /// what it would retry).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.config.http_client = Some(client);
        self
    }

    /// Caches `GET` responses in `cache` and revalidates them with
    /// `ETag`/`Last-Modified` (see [`crate::cache`]). Clones of `cache` share
    /// its entries and counters.
    ///
    /// # Default
    ///
    /// No cache.
    pub fn cache(mut self, cache: ResponseCache) -> Self {
        self.config.cache = Some(cache);
        self
    }

    /// Builds the client, or returns the first configuration error.
    pub fn build(self) -> Result<C>
    where
        C: FromClient,
    {
        config::build(self.api, self.config).map(C::from_client)
    }
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.config;
        let mut d = f.debug_struct("ClientBuilder");
        d.field("api", &self.api.title);
        if let Some(url) = c.base_url.as_ref().or(c.env_base_url.as_ref()) {
            d.field("base_url", url);
        }
        if c.provider.is_some() {
            d.field("credentials", &"<provider>");
        } else {
            d.field("credentials", &c.credentials);
        }
        d.field("retry", &c.retry).field("timeout", &c.timeout);
        if let Some(e) = &c.error {
            d.field("error", e);
        }
        d.finish_non_exhaustive()
    }
}

// ===== internal =====

impl<C> ClientBuilder<C> {
    /// [`from_env`](Self::from_env) with an injectable lookup, for tests.
    pub(crate) fn read_env(mut self, var: impl Fn(&str) -> Option<String>) -> Self {
        let prefix = self.api.env_prefix;
        let prefixed = |suffix: &str| match prefix {
            "" => suffix.to_owned(),
            p => format!("{p}_{suffix}"),
        };
        let non_empty = |name: &str| {
            var(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let key_vars = [prefixed("API_KEY"), "API_KEY".to_owned()];
        match key_vars.iter().find_map(|name| non_empty(name)) {
            Some(key) => self.config.env_key = Some(key),
            None => {
                let looked_at = if key_vars[0] == key_vars[1] {
                    format!("`{}`", key_vars[1])
                } else {
                    format!("`{}` or `{}`", key_vars[0], key_vars[1])
                };
                self.config.env_key_missing = Some(format!(
                    "no API key: set {looked_at}, or pass one to `ClientBuilder::api_key`"
                ));
            }
        }
        if let Some(url) = non_empty(&prefixed("BASE_URL")) {
            self.config.env_base_url = Some(url);
        }
        let debug = [prefixed("DEBUG"), "SDK_DEBUG".to_owned()]
            .iter()
            .find_map(|name| non_empty(name))
            .map(|v| v == "1" || v.eq_ignore_ascii_case("true"));
        self.config.env_debug = debug;
        self
    }

    /// Stores a value for a feature built on the client (replacing one of
    /// the same type), read back with `Client::extension`.
    pub(crate) fn set_extension<T: Any + Send + Sync>(mut self, value: T) -> Self {
        let extensions = &mut self.config.extensions;
        extensions.retain(|v| !v.is::<T>());
        extensions.push(Box::new(value));
        self
    }

    /// Remembers the first configuration error, which `build` reports.
    pub(crate) fn fail(&mut self, message: String) {
        if self.config.error.is_none() {
            self.config.error = Some(error::config(message));
        }
    }

    fn header_name(&mut self, name: &str) -> Option<HeaderName> {
        let parsed = HeaderName::from_bytes(name.as_bytes()).ok();
        if parsed.is_none() {
            self.fail(format!("`{name}` is not a valid header name"));
        }
        parsed
    }
}

#[cfg(test)]
mod tests;
