//! The untyped core client that every generated client wraps.
//!
//! A generated `Client` is a newtype around [`Client`]; all of its methods end
//! in the one `execute` path, which reads everything it needs from here: the
//! `reqwest` connection pool, the resolved configuration, the API description
//! and the credentials.
//!
//! `Client` is an `Arc` inside, so cloning is cheap and clones share the
//! connection pool and the credentials. Create it with [`Client::builder`]
//! (or the generated `Client::builder()`), which documents every default.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::{HeaderMap, HeaderName, HeaderValue};

use crate::__private::ApiDescription;
use crate::auth::{self, Credentials};
use crate::config::ClientBuilder;
use crate::error::{self, Error};
use crate::retry::RetryPolicy;
use crate::trace::Redactor;

/// A configured connection to one API.
///
/// # Example
///
/// ```no_run
/// use sdk_runtime::{Client, Credentials};
/// # static API: sdk_runtime::__private::ApiDescription = sdk_runtime::__private::ApiDescription {
/// #   title: "Pets", version: "1", env_prefix: "PETS", default_base_url: Some("https://pets.example"),
/// #   security_schemes: &[], default_security: &[], idempotency_header: None, sensitive_query_params: &[] };
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
    /// Starts configuring a client for `api`.
    pub fn builder(api: &'static ApiDescription) -> ClientBuilder<Client> {
        ClientBuilder::new(api)
    }

    /// The base URL every path is appended to (without a trailing `/`).
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
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

    /// The verifier for incoming webhooks: the one given to
    /// [`ClientBuilder::webhook_secret`] or [`ClientBuilder::webhook_verifier`], else a
    /// Standard Webhooks verifier for the secret in `{PREFIX}_WEBHOOK_SECRET`, read now.
    ///
    /// # Errors
    ///
    /// [`MissingSecret`](crate::webhooks::WebhookErrorKind::MissingSecret) or
    /// [`InvalidSecret`](crate::webhooks::WebhookErrorKind::InvalidSecret) naming the
    /// variable (never its value) when none was configured and the variable does not hold one.
    pub fn webhook_verifier(
        &self,
    ) -> Result<Arc<dyn crate::webhooks::Verifier>, crate::webhooks::WebhookError> {
        if let Some(verifier) = &self.inner.webhook_verifier {
            return Ok(Arc::clone(verifier));
        }
        let var = match self.inner.api.env_prefix {
            "" => "WEBHOOK_SECRET".to_owned(),
            prefix => format!("{prefix}_WEBHOOK_SECRET"),
        };
        Ok(Arc::new(crate::webhooks::StandardWebhooks::from_env(&var)?))
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        let mut d = f.debug_struct("Client");
        d.field("api", &inner.api.title)
            .field("base_url", &inner.base_url)
            .field("credentials", &inner.credentials_summary())
            .field("max_retries", &inner.retry.max_retries())
            .field("timeout", &inner.timeout);
        if inner.debug {
            d.field("debug", &true);
        }
        d.finish_non_exhaustive()
    }
}

// ===== internal =====

/// Everything a client shares with its clones.
pub(crate) struct ClientRef {
    pub(crate) http: reqwest::Client,
    pub(crate) api: &'static ApiDescription,
    /// The base URL as configured, without a trailing `/` (what `base_url()` shows).
    pub(crate) base_url: String,
    /// The same, parsed once when the client was built.
    pub(crate) base: reqwest::Url,
    pub(crate) credentials: auth::Store,
    pub(crate) retry: RetryPolicy,
    pub(crate) timeout: Duration,
    pub(crate) user_agent: HeaderValue,
    pub(crate) default_headers: HeaderMap,
    pub(crate) request_id_header: HeaderName,
    pub(crate) idempotency_header: HeaderName,
    pub(crate) debug: bool,
    pub(crate) debug_body_limit: usize,
    pub(crate) redactor: Redactor,
    pub(crate) max_response_bytes: usize,
    pub(crate) cache: Option<crate::cache::ResponseCache>,
    pub(crate) webhook_verifier: Option<Arc<dyn crate::webhooks::Verifier>>,
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

    /// The URL of a request: the base URL, then `path` (percent-encoded by
    /// `Request`, starting with `/`), then the encoded `query` pairs.
    ///
    /// The base URL was parsed when the client was built, so the usual path
    /// only parses the path; a path a URL parser would read differently from
    /// a plain path (one with `?`, `#`, `\`, spaces or control characters, or
    /// without a leading `/`) takes the slow road through a full parse of the
    /// joined text, so both roads always give the same URL.
    pub(crate) fn url(&self, path: &str, query: &[String]) -> Result<reqwest::Url, Error> {
        let plain = path.starts_with('/')
            && !path
                .bytes()
                .any(|b| b <= b' ' || matches!(b, b'?' | b'#' | b'\\' | 0x7f));
        let mut url = if plain {
            let mut url = self.base.clone();
            let base_path = url.path().trim_end_matches('/');
            let mut full = String::with_capacity(base_path.len() + path.len());
            full.push_str(base_path);
            full.push_str(path);
            url.set_path(&full);
            url
        } else {
            reqwest::Url::parse(&format!("{}{path}", self.base_url))
                .map_err(|e| error::builder(format!("invalid request URL: {e}")))?
        };
        if !query.is_empty() {
            url.set_query(Some(&query.join("&")));
        }
        Ok(url)
    }
}

/// Follows at most [`MAX_REDIRECTS`] redirects, and only within the origin
/// (scheme, host, port) of the request. reqwest itself drops `Authorization`
/// and cookies on a cross-origin redirect but would forward an API key sent in
/// a custom header (`X-API-Key`) or a default header; not following such a
/// redirect keeps every credential at the origin it was configured for. The
/// 3xx then reaches the caller as a status error.
pub(crate) fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let previous = attempt.previous();
        let same_origin = previous
            .first()
            .is_some_and(|first| first.origin() == attempt.url().origin());
        if !same_origin {
            attempt.stop()
        } else if previous.len() >= MAX_REDIRECTS {
            attempt.error(format!("too many redirects (limit {MAX_REDIRECTS})"))
        } else {
            attempt.follow()
        }
    })
}

/// Bound on a redirect chain within one origin (as reqwest's default policy).
const MAX_REDIRECTS: usize = 10;

#[cfg(test)]
mod tests {
    use crate::__private::ApiDescription;

    static API: ApiDescription = ApiDescription {
        title: "Paths",
        version: "1",
        env_prefix: "PATHS",
        default_base_url: None,
        security_schemes: &[],
        default_security: &[],
        idempotency_header: None,
        sensitive_query_params: &[],
    };

    /// The fast path (parsed base + `set_path`) must give exactly the URL a
    /// full parse of the joined text gives, for every base and path shape.
    #[test]
    fn request_url_matches_a_full_parse() {
        let bases = [
            "http://127.0.0.1:8080",
            "https://api.example/v1/",
            "https://user:pw@api.example:8443/a/b",
            "http://[::1]/x//",
        ];
        let paths = [
            "/",
            "/orders",
            "/pets/a%2Fb",
            "/a/../b",
            "/a/./b/",
            "/a/%2e%2e/b",
            "//double",
            "/ü/ß",
            "/a%zz",
            "/a;b,c|d",
            "/a?x=1",
            "/a#frag",
            "/a b",
            "/a\\b",
            "relative",
            "",
        ];
        for base in bases {
            let client = crate::Client::builder(&API).base_url(base).build().unwrap();
            for path in paths {
                for query in [&[][..], &["a=1".to_owned(), "b=%20".to_owned()][..]] {
                    let fast = client.inner.url(path, query).ok();
                    let slow = reqwest::Url::parse(&format!("{}{path}", client.base_url()));
                    let slow = slow.ok().map(|mut url| {
                        if !query.is_empty() {
                            url.set_query(Some(&query.join("&")));
                        }
                        url
                    });
                    assert_eq!(fast, slow, "base {base:?}, path {path:?}");
                }
            }
        }
    }
}
