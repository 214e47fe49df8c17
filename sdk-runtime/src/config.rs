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

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use http::{HeaderMap, HeaderName, HeaderValue};

use crate::__private::{ApiDescription, ApiKeyLocation, SchemeKind};
use crate::auth::{self, Credentials, CredentialsProvider};
use crate::client::{Client, ClientRef, FromClient};
use crate::error::{self, Error, Result};
use crate::retry::RetryPolicy;
use crate::trace::Redactor;

/// Default total time for one attempt (connect, send, read the whole body).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default time to establish a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default cap on a response body (16 MiB).
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;
/// Default number of body bytes shown per request or response in debug mode.
pub const DEFAULT_DEBUG_BODY_LIMIT: usize = 4 * 1024;

/// Configures and builds a client; `C` is [`Client`] or a generated client.
///
/// # Example
///
/// ```no_run
/// use std::time::Duration;
/// use sdk_runtime::Client;
/// # static API: sdk_runtime::__private::ApiDescription = sdk_runtime::__private::ApiDescription {
/// #   title: "Pets", version: "1", env_prefix: "PETS", default_base_url: Some("https://pets.example"),
/// #   security_schemes: &[], default_security: &[], idempotency_header: None, sensitive_query_params: &[] };
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
    /// reading the last byte of the body.
    ///
    /// # Default
    ///
    /// 60 seconds ([`DEFAULT_TIMEOUT`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.config.timeout = timeout;
        self
    }

    /// Sets the time allowed to establish a connection. Ignored when
    /// [`http_client`](Self::http_client) supplies the client.
    ///
    /// # Default
    ///
    /// 10 seconds ([`DEFAULT_CONNECT_TIMEOUT`]).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.config.connect_timeout = timeout;
        self
    }

    /// Sets the response header the request ID is read from.
    ///
    /// # Default
    ///
    /// `x-request-id`.
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
    /// 4 KiB ([`DEFAULT_DEBUG_BODY_LIMIT`]).
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
    /// a body error ([`Error::is_body`]) without reading the rest.
    ///
    /// # Default
    ///
    /// 16 MiB ([`DEFAULT_MAX_RESPONSE_BYTES`]).
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.config.max_response_bytes = bytes;
        self
    }

    /// Uses a preconfigured `reqwest::Client` (proxies, TLS roots, …).
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

    /// Sets the secret that [`Client::webhook_verifier`] (and a generated client's
    /// `webhooks()`) verifies incoming webhooks with, per Standard Webhooks (`whsec_` + base64).
    /// An invalid secret fails `build` without echoing it.
    ///
    /// # Default
    ///
    /// None: the verifier reads `{PREFIX}_WEBHOOK_SECRET` when it is needed.
    pub fn webhook_secret(mut self, secret: impl AsRef<str>) -> Self {
        match crate::webhooks::StandardWebhooks::new(secret.as_ref()) {
            Ok(verifier) => self.config.webhook_verifier = Some(Arc::new(verifier)),
            Err(e) => self.fail(format!("invalid webhook secret: {e}")),
        }
        self
    }

    /// Verifies incoming webhooks with `verifier` (another scheme such as
    /// [`StripeWebhooks`](crate::webhooks::StripeWebhooks), several secrets, a tolerance),
    /// replacing [`webhook_secret`](Self::webhook_secret).
    pub fn webhook_verifier(mut self, verifier: impl crate::webhooks::Verifier + 'static) -> Self {
        self.config.webhook_verifier = Some(Arc::new(verifier));
        self
    }

    /// Caches `GET` responses in `cache` and revalidates them with
    /// `ETag`/`Last-Modified` (see [`crate::cache`]). Clones of `cache` share
    /// its entries and counters.
    ///
    /// # Default
    ///
    /// No cache.
    pub fn cache(mut self, cache: crate::ResponseCache) -> Self {
        self.config.cache = Some(cache);
        self
    }

    /// Builds the client, or returns the first configuration error.
    pub fn build(self) -> Result<C>
    where
        C: FromClient,
    {
        build_ref(self.api, self.config).map(|inner| {
            C::from_client(Client {
                inner: Arc::new(inner),
            })
        })
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

struct Config {
    base_url: Option<String>,
    env_base_url: Option<String>,
    credentials: Credentials,
    env_key: Option<String>,
    /// Set when `from_env` found no key: the message `build` may report.
    env_key_missing: Option<String>,
    provider: Option<Arc<dyn CredentialsProvider>>,
    retry: RetryPolicy,
    timeout: Duration,
    connect_timeout: Duration,
    request_id_header: Option<HeaderName>,
    idempotency_header: Option<HeaderName>,
    user_agent: Option<String>,
    default_headers: HeaderMap,
    debug: Option<bool>,
    env_debug: Option<bool>,
    debug_body_limit: usize,
    redactor: Redactor,
    max_response_bytes: usize,
    http_client: Option<reqwest::Client>,
    cache: Option<crate::ResponseCache>,
    webhook_verifier: Option<Arc<dyn crate::webhooks::Verifier>>,
    error: Option<Error>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            base_url: None,
            env_base_url: None,
            credentials: Credentials::default(),
            env_key: None,
            env_key_missing: None,
            provider: None,
            retry: RetryPolicy::default(),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            request_id_header: None,
            idempotency_header: None,
            user_agent: None,
            default_headers: HeaderMap::new(),
            debug: None,
            env_debug: None,
            debug_body_limit: DEFAULT_DEBUG_BODY_LIMIT,
            redactor: Redactor::new(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            http_client: None,
            cache: None,
            webhook_verifier: None,
            error: None,
        }
    }
}

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

    fn fail(&mut self, message: String) {
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

/// Resolves every default and validates the configuration.
fn build_ref(api: &'static ApiDescription, mut c: Config) -> Result<ClientRef> {
    if let Some(e) = c.error.take() {
        return Err(e);
    }
    let base_url = base_url(api, &c)?;
    let credentials = match (c.provider.take(), c.env_key.take()) {
        (Some(provider), _) => auth::Store::provider(api, provider),
        (None, env_key) => {
            let creds = match env_key {
                Some(key) => Credentials::api_key(key).and(c.credentials),
                None => c.credentials,
            };
            if let (true, Some(missing)) = (
                creds.is_empty() && !api.security_schemes.is_empty(),
                c.env_key_missing,
            ) {
                return Err(error::config(missing));
            }
            auth::Store::fixed(api, creds)
        }
    };
    let user_agent = c.user_agent.unwrap_or_else(|| {
        format!(
            "sdk-runtime/{} ({}/{})",
            env!("CARGO_PKG_VERSION"),
            api.title,
            api.version
        )
    });
    let user_agent = HeaderValue::try_from(visible_ascii(&user_agent))
        .map_err(|_| error::config("the user agent is not a valid header value"))?;
    let http = match c.http_client {
        Some(http) => http,
        None => reqwest::Client::builder()
            .connect_timeout(c.connect_timeout)
            .redirect(crate::client::same_origin_redirects())
            // One retry budget: ours. reqwest's own layer would resend HTTP/2 refusals
            // (which ours retries as connection failures, with backoff and the same
            // idempotency key) behind `max_retries`, and it copies every request's headers
            // up front in case it does.
            .retry(reqwest::retry::never().max_retries_per_request(0))
            .build()
            .map_err(|e| error::config("could not create the HTTP client").with_source(e))?,
    };
    let idempotency_header = match (c.idempotency_header, api.idempotency_header) {
        (Some(name), _) => name,
        (None, Some(name)) => HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
            error::config(format!(
                "invalid idempotency header `{name}` in the API description"
            ))
        })?,
        (None, None) => HeaderName::from_static("idempotency-key"),
    };
    Ok(ClientRef {
        webhook_verifier: c.webhook_verifier,
        http,
        api,
        base_url: base_url.as_str().trim_end_matches('/').to_owned(),
        base: base_url,
        credentials,
        retry: c.retry,
        timeout: c.timeout,
        user_agent,
        default_headers: c.default_headers,
        request_id_header: c
            .request_id_header
            .unwrap_or_else(|| HeaderName::from_static(crate::request_id::DEFAULT_HEADER)),
        idempotency_header,
        debug: c.debug.or(c.env_debug).unwrap_or(false),
        debug_body_limit: c.debug_body_limit,
        redactor: redactor(api, c.redactor),
        max_response_bytes: c.max_response_bytes,
        cache: c.cache,
    })
}

/// The validated base URL, parsed once here so calls only append paths.
fn base_url(api: &ApiDescription, c: &Config) -> Result<reqwest::Url> {
    let Some(raw) = c
        .base_url
        .as_deref()
        .or(c.env_base_url.as_deref())
        .or(api.default_base_url)
    else {
        return Err(error::config(
            "no base URL: the API description has no absolute server URL; call `ClientBuilder::base_url`",
        ));
    };
    let url =
        reqwest::Url::parse(raw).map_err(|e| error::config(format!("invalid base URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.cannot_be_a_base() {
        return Err(error::config("the base URL must be an http or https URL"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(error::config(
            "the base URL must not have a query or fragment",
        ));
    }
    Ok(url)
}

/// The configured redactor plus the API's own secrets: apiKey headers and
/// query parameters.
fn redactor(api: &ApiDescription, mut redactor: Redactor) -> Redactor {
    for name in api.sensitive_query_params {
        redactor = redactor.query_param(name);
    }
    for scheme in api.security_schemes {
        if let SchemeKind::ApiKey { location, name } = scheme.kind {
            redactor = match location {
                ApiKeyLocation::Header => redactor.header(name),
                ApiKeyLocation::Query => redactor.query_param(name),
                ApiKeyLocation::Cookie => redactor,
            };
        }
    }
    redactor
}

/// Replaces characters a header cannot carry (a non-ASCII API title) with `?`.
fn visible_ascii(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c == ' ' || c.is_ascii_graphic() {
                c
            } else {
                '?'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
