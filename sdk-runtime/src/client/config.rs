//! Resolving a builder's settings into a client, and laying out its pipeline.
//!
//! [`ClientBuilder`](crate::ClientBuilder) only collects settings in a
//! [`Config`]; [`build`] resolves every default (environment, document,
//! constants), validates, and writes the list of stages, in order, once.

use std::any::Any;
use std::sync::Arc;
use std::time::Duration;

use http::{HeaderMap, HeaderName, HeaderValue};

use crate::client::redirect::same_origin_redirects;
use crate::client::tls::http_client_builder;
use crate::client::{Client, ClientRef};
use crate::contract::{ApiDescription, ApiKeyLocation, SchemeKind};
use crate::error::{self, Error, Result, SecretValues};
use crate::pipeline::Pipeline;
use crate::pipeline::interceptor::Interceptor;
use crate::pipeline::stage::Stage;
use crate::pipeline::target::BaseUrl;
use crate::policy::auth::{Auth, Credentials, CredentialsProvider, Store};
use crate::policy::cache::ResponseCache;
use crate::policy::cache::stage::Cache;
use crate::policy::default_headers::DefaultHeaders;
use crate::policy::idempotency::Idempotency;
use crate::policy::interceptors::Interceptors;
use crate::policy::rate_limit::RateLimit;
use crate::policy::request_id::{self, RequestId};
use crate::policy::retry::RetryPolicy;
use crate::policy::retry::budget::RetryBudget;
use crate::policy::retry::stage::Retry;
use crate::policy::timeout::Timeout;
use crate::policy::trace::Trace;
use crate::redact::Redactor;

/// Default total time for one attempt (connect, send, read the whole body).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default time to establish a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default cap on a response body (16 MiB).
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;
/// Default number of body bytes shown per request or response in debug mode.
pub const DEFAULT_DEBUG_BODY_LIMIT: usize = 4 * 1024;

/// Every setting of a builder, before defaults are resolved.
pub(crate) struct Config {
    pub(crate) base_url: Option<String>,
    pub(crate) env_base_url: Option<String>,
    pub(crate) credentials: Credentials,
    pub(crate) env_key: Option<String>,
    /// Set when `from_env` found no key: the message `build` may report.
    pub(crate) env_key_missing: Option<String>,
    pub(crate) provider: Option<Arc<dyn CredentialsProvider>>,
    pub(crate) retry: RetryPolicy,
    pub(crate) timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) request_id_header: Option<HeaderName>,
    pub(crate) idempotency_header: Option<HeaderName>,
    pub(crate) user_agent: Option<String>,
    pub(crate) default_headers: HeaderMap,
    pub(crate) debug: Option<bool>,
    pub(crate) env_debug: Option<bool>,
    pub(crate) debug_body_limit: usize,
    pub(crate) redactor: Redactor,
    pub(crate) max_response_bytes: usize,
    pub(crate) http_client: Option<reqwest::Client>,
    pub(crate) cache: Option<ResponseCache>,
    pub(crate) deadline: Option<Duration>,
    pub(crate) retry_budget: Option<RetryBudget>,
    pub(crate) follow_rate_limits: bool,
    pub(crate) rate_limit: Option<(u32, Duration)>,
    pub(crate) interceptors: Vec<Arc<dyn Interceptor>>,
    pub(crate) extensions: Vec<Box<dyn Any + Send + Sync>>,
    pub(crate) error: Option<Error>,
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
            deadline: None,
            retry_budget: Some(RetryBudget::new()),
            follow_rate_limits: true,
            rate_limit: None,
            interceptors: Vec::new(),
            extensions: Vec::new(),
            error: None,
        }
    }
}

/// Resolves every default and validates the configuration.
pub(crate) fn build(api: &'static ApiDescription, mut c: Config) -> Result<Client> {
    if let Some(e) = c.error.take() {
        return Err(e);
    }
    let base_url = base_url(api, &c)?;
    let credentials = match (c.provider.take(), c.env_key.take()) {
        (Some(provider), _) => Store::provider(api, provider),
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
            Store::fixed(api, creds)
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
        None => http_client_builder()
            .connect_timeout(c.connect_timeout)
            .redirect(same_origin_redirects())
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
    let credentials = Arc::new(credentials);
    let debug = c.debug.or(c.env_debug).unwrap_or(false);
    let redactor = redactor(api, c.redactor);
    let document_request_id = match api.request_id_header {
        Some(name) => Some(HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
            error::config(format!(
                "invalid request ID header `{name}` in the API description"
            ))
        })?),
        None => None,
    };
    let request_id_headers = request_id::headers(c.request_id_header, document_request_id);
    let max_retries = c.retry.max_retries();
    // The one place the order of the stages is written (see `policy/mod.rs`).
    let mut stages: Vec<Box<dyn Stage>> = vec![
        Box::new(Timeout {
            timeout: c.timeout,
            deadline: c.deadline,
        }),
        Box::new(RequestId {
            headers: request_id_headers,
        }),
        Box::new(DefaultHeaders {
            user_agent,
            headers: c.default_headers,
        }),
        Box::new(Idempotency {
            header: idempotency_header,
        }),
        Box::new(Auth {
            api,
            store: Arc::clone(&credentials),
        }),
    ];
    if let Some(cache) = c.cache {
        stages.push(Box::new(Cache(cache)));
    }
    if c.follow_rate_limits || c.rate_limit.is_some() {
        stages.push(Box::new(RateLimit::new(c.follow_rate_limits, c.rate_limit)));
    }
    // Always present: a call may bring interceptors of its own.
    stages.push(Box::new(Interceptors {
        client: c.interceptors,
    }));
    stages.push(Box::new(Retry {
        policy: c.retry,
        budget: c.retry_budget,
    }));
    stages.push(Box::new(Trace {
        debug,
        debug_body_limit: c.debug_body_limit,
        redactor: redactor.clone(),
    }));
    let pipeline = Pipeline {
        http,
        base: BaseUrl::new(base_url),
        redactor,
        credentials: Arc::clone(&credentials) as Arc<dyn SecretValues>,
        max_response_bytes: c.max_response_bytes,
        stages,
    };
    Ok(Client {
        inner: Arc::new(ClientRef {
            api,
            pipeline,
            credentials,
            extensions: c.extensions,
            max_retries,
            timeout: c.timeout,
            deadline: c.deadline,
            debug,
        }),
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
