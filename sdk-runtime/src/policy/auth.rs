//! Credentials and how they are applied to a request.
//!
//! A client holds [`Credentials`]: an API key, a bearer token, basic-auth
//! credentials, or several of them. Before every attempt `execute` takes a
//! snapshot of them (or asks the [`CredentialsProvider`]) in the
//! authentication stage and applies them to
//! the operation's security requirement:
//!
//! 1. The alternatives are the operation's `security`, or the API's top-level
//!    `security` when the operation has none.
//! 2. The first non-empty alternative whose schemes *all* have a credential is
//!    used; if none qualifies, the request goes out without credentials and
//!    the server's `401` explains what is missing.
//! 3. Each scheme is applied: bearer → `Authorization: Bearer …` (the bearer
//!    token, or else the API key), basic → `Authorization: Basic …`, apiKey →
//!    the key in its header, query parameter or cookie. Other `http` schemes
//!    (`digest`, `signature`, …) never have a credential here, so an alternative
//!    that needs one is not chosen: an interceptor must sign those requests.
//!
//! When the document declares no security schemes at all, a configured key is
//! sent as a bearer token. When it declares schemes but no requirement uses
//! them, each scheme alone is tried, since such documents usually forgot the
//! top-level `security` rather than meaning "no auth".
//!
//! What each scheme sends (`Bearer …`, `Basic …`, the key in its header,
//! query parameter or cookie) is rendered once per set of credentials, when
//! the client is built or [`set_credentials`](crate::Client::set_credentials)
//! runs, so an attempt only chooses and clones; credentials from a
//! [`CredentialsProvider`] are rendered on every attempt, since each call may
//! return new ones.
//!
//! Header credentials are marked sensitive (`HeaderValue::set_sensitive`), so
//! HTTP/2 does not index them. No `Debug` impl here prints a secret.
//!
//! # Rotation
//!
//! [`Client::set_credentials`](crate::Client::set_credentials) swaps the
//! credentials atomically for the client and all its clones; an attempt that
//! already took its snapshot finishes with the old ones.

use std::fmt;
use std::sync::{Arc, PoisonError, RwLock};

use base64::Engine as _;
use http::HeaderMap;
use http::header::{AUTHORIZATION, COOKIE, HeaderName, HeaderValue};

use crate::codec::encode;
use crate::contract::{ApiDescription, ApiKeyLocation, Operation, SchemeKind};
use crate::error::{self, BoxError, Error, SecretValues};
use crate::pipeline::stage::{Exchange, Flow, Outgoing, Stage};

/// The secrets a client authenticates with.
///
/// Build one with [`api_key`](Self::api_key), [`bearer`](Self::bearer) or
/// [`basic`](Self::basic), and combine kinds with [`and`](Self::and) for APIs
/// that need more than one. `Debug` never shows a secret (not even a basic-auth
/// username, which some APIs use as the key).
///
/// # Example
///
/// ```
/// use sdk_runtime::Credentials;
///
/// let creds = Credentials::api_key("sk_test_123");
/// assert_eq!(format!("{creds:?}"), "Credentials::ApiKey(<redacted>)");
/// let both = creds.and(Credentials::basic("user", "pass"));
/// assert!(!format!("{both:?}").contains("pass"));
/// ```
#[derive(Clone, Default)]
pub struct Credentials {
    api_key: Option<String>,
    bearer: Option<String>,
    basic: Option<(String, String)>,
    /// Secrets for one named security scheme each; they win over `api_key` and `bearer`.
    per_scheme: Vec<(String, String)>,
}

impl Credentials {
    /// An API key, used for every `apiKey` scheme and, when no bearer token is
    /// set, for `http: bearer`, oauth2 and openIdConnect schemes.
    pub fn api_key(key: impl Into<String>) -> Self {
        Self {
            api_key: Some(key.into()),
            ..Self::default()
        }
    }

    /// A bearer token for `http: bearer`, oauth2 and openIdConnect schemes.
    pub fn bearer(token: impl Into<String>) -> Self {
        Self {
            bearer: Some(token.into()),
            ..Self::default()
        }
    }

    /// A username and password for `http: basic` schemes.
    pub fn basic(username: impl Into<String>, password: impl Into<String>) -> Self {
        Self {
            basic: Some((username.into(), password.into())),
            ..Self::default()
        }
    }

    /// A secret for the security scheme called `scheme` in the document's
    /// `components.securitySchemes` (an API key, or a bearer token), for APIs that
    /// want several different keys: Apideck's `Authorization` plus
    /// `x-apideck-app-id`, Trello's `key` plus `token`. It wins over
    /// [`api_key`](Self::api_key) for that scheme.
    ///
    /// ```
    /// use sdk_runtime::Credentials;
    ///
    /// let credentials = Credentials::api_key("main-key")
    ///     .and(Credentials::for_scheme("api_token", "the-token"));
    /// assert!(!credentials.is_empty());
    /// ```
    pub fn for_scheme(scheme: impl Into<String>, secret: impl Into<String>) -> Self {
        Self {
            per_scheme: vec![(scheme.into(), secret.into())],
            ..Self::default()
        }
    }

    /// Combines two sets; where both hold the same kind (or the same scheme), `other` wins.
    #[must_use]
    pub fn and(self, other: Credentials) -> Self {
        let mut per_scheme = self.per_scheme;
        for (scheme, secret) in other.per_scheme {
            per_scheme.retain(|(s, _)| *s != scheme);
            per_scheme.push((scheme, secret));
        }
        Self {
            api_key: other.api_key.or(self.api_key),
            bearer: other.bearer.or(self.bearer),
            basic: other.basic.or(self.basic),
            per_scheme,
        }
    }

    /// The secret set for `scheme` with [`for_scheme`](Self::for_scheme).
    fn scheme_secret(&self, scheme: &str) -> Option<&String> {
        self.per_scheme
            .iter()
            .find(|(s, _)| s == scheme)
            .map(|(_, secret)| secret)
    }

    /// Whether no credential is set.
    pub fn is_empty(&self) -> bool {
        self.api_key.is_none()
            && self.bearer.is_none()
            && self.basic.is_none()
            && self.per_scheme.is_empty()
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kinds: Vec<&str> = [
            self.api_key.as_ref().map(|_| "ApiKey(<redacted>)"),
            self.bearer.as_ref().map(|_| "Bearer(<redacted>)"),
            self.basic.as_ref().map(|_| "Basic(<redacted>)"),
            (!self.per_scheme.is_empty()).then_some("PerScheme(<redacted>)"),
        ]
        .into_iter()
        .flatten()
        .collect();
        match kinds.as_slice() {
            [] => f.write_str("Credentials::None"),
            [one] => write!(f, "Credentials::{one}"),
            many => write!(f, "Credentials[{}]", many.join(", ")),
        }
    }
}

/// Supplies credentials at run time, e.g. from a secrets file or a vault.
///
/// Called before every attempt, so a rotated secret is picked up without
/// restarting; cache inside the provider if fetching is expensive. A returned
/// error fails the call with a configuration error ([`Error::is_config`]).
/// Closures `Fn() -> Result<Credentials, BoxError>` implement it.
///
/// # Example
///
/// ```no_run
/// use sdk_runtime::{BoxError, Credentials};
///
/// fn from_file() -> Result<Credentials, BoxError> {
///     let key = std::fs::read_to_string("/run/secrets/api_key")?;
///     Ok(Credentials::api_key(key.trim()))
/// }
/// # let api = &sdk_runtime::__private::ApiDescription {
/// #   title: "t", version: "1", env_prefix: "T", default_base_url: Some("http://127.0.0.1"),
/// #   security_schemes: &[], default_security: &[], idempotency_header: None, request_id_header: None, sensitive_query_params: &[],
/// #   webhook_signature: sdk_runtime::contract::WebhookSignature::Standard };
/// let client = sdk_runtime::Client::builder(api).credentials_provider(from_file).build();
/// ```
pub trait CredentialsProvider: Send + Sync + 'static {
    /// Returns the credentials for the next attempt.
    fn credentials(&self) -> Result<Credentials, BoxError>;
}

impl<F> CredentialsProvider for F
where
    F: Fn() -> Result<Credentials, BoxError> + Send + Sync + 'static,
{
    fn credentials(&self) -> Result<Credentials, BoxError> {
        self()
    }
}

// ===== internal =====

/// The authentication stage: a snapshot of the credentials on every attempt,
/// so a rotation applies to the next attempt and never to half of one.
pub(crate) struct Auth {
    pub(crate) api: &'static ApiDescription,
    pub(crate) store: Arc<Store>,
}

impl Stage for Auth {
    fn before_attempt(&self, call: &mut Exchange<'_, '_>, outgoing: &mut Outgoing) -> Flow {
        let request = &call.request;
        let applied = self.store.current().and_then(|credentials| {
            let (url, headers) = (&mut outgoing.url, &mut outgoing.headers);
            credentials.apply_to(self.api, request.op, url, headers, &request.cookies)
        });
        match applied {
            Ok(()) => Flow::Continue,
            Err(e) => Flow::Fail(e),
        }
    }
}

/// Where a client's credentials come from; swapped by `set_credentials`.
#[derive(Clone)]
enum Source {
    Static(Arc<Prepared>),
    Provider(Arc<dyn CredentialsProvider>),
}

/// The credentials of one client and all its clones.
pub(crate) struct Store {
    api: &'static ApiDescription,
    source: RwLock<Source>,
}

impl Store {
    /// Fixed credentials, rendered now.
    pub(crate) fn fixed(api: &'static ApiDescription, credentials: Credentials) -> Self {
        let prepared = Arc::new(Prepared::new(api, credentials));
        Self::with(api, Source::Static(prepared))
    }

    /// Credentials asked of `provider` before every attempt.
    pub(crate) fn provider(
        api: &'static ApiDescription,
        provider: Arc<dyn CredentialsProvider>,
    ) -> Self {
        Self::with(api, Source::Provider(provider))
    }

    /// A snapshot for one attempt. Fixed credentials were rendered when they
    /// were set; a provider's are rendered on every call, since it may return
    /// new ones each time.
    pub(crate) fn current(&self) -> Result<Arc<Prepared>, Error> {
        // Clone out of the lock so a slow provider never blocks `set`.
        let source = self
            .source
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        match source {
            Source::Static(prepared) => Ok(prepared),
            Source::Provider(provider) => provider
                .credentials()
                .map(|creds| Arc::new(Prepared::new(self.api, creds)))
                .map_err(|e| error::config("the credentials provider failed").with_source(e)),
        }
    }

    /// Replaces the credentials; rendering happens here, once, outside the lock.
    pub(crate) fn set(&self, credentials: Credentials) {
        let prepared = Source::Static(Arc::new(Prepared::new(self.api, credentials)));
        *self.source.write().unwrap_or_else(PoisonError::into_inner) = prepared;
    }

    /// The secrets of fixed credentials, for errors to redact from the
    /// bodies they keep; `None` for a provider, which is not asked again
    /// just to build an error.
    pub(crate) fn fixed_secrets(&self) -> Option<Arc<Prepared>> {
        match &*self.source.read().unwrap_or_else(PoisonError::into_inner) {
            Source::Static(prepared) => Some(Arc::clone(prepared)),
            Source::Provider(_) => None,
        }
    }

    pub(crate) fn is_provider(&self) -> bool {
        matches!(
            *self.source.read().unwrap_or_else(PoisonError::into_inner),
            Source::Provider(_)
        )
    }

    fn with(api: &'static ApiDescription, source: Source) -> Self {
        Self {
            api,
            source: RwLock::new(source),
        }
    }
}

impl SecretValues for Store {
    fn each_secret(&self, each: &mut dyn FnMut(&str)) {
        if let Some(prepared) = self.fixed_secrets() {
            prepared.secrets().for_each(each);
        }
    }
}

/// Credentials with what each security scheme of the API sends already
/// rendered (header names parsed, `Bearer …`/`Basic …` values built and
/// marked sensitive), so an attempt only picks and clones.
///
/// No `Debug`: it holds secrets in plain strings (query and cookie values).
pub(crate) struct Prepared {
    credentials: Credentials,
    /// By scheme index: what the scheme sends, `None` when no credential fits it.
    schemes: Vec<Option<Rendered>>,
    /// For an API that declares no schemes: the key or token as a bearer
    /// token, else basic auth.
    fallback: Option<Rendered>,
}

/// One credential ready to be put on a request.
enum Credential {
    Header(HeaderName, HeaderValue),
    /// Raw (unencoded) query name and value.
    Query(&'static str, String),
    /// Raw cookie name and value.
    Cookie(&'static str, String),
}

/// A rendered credential, or why it cannot be sent. The error is reported
/// only when an operation needs that scheme, as a builder error.
type Rendered = Result<Credential, Invalid>;

#[derive(Clone, Copy)]
enum Invalid {
    HeaderName(&'static str),
    /// The message deliberately omits the value.
    Value,
}

impl Invalid {
    fn error(self) -> Error {
        match self {
            Invalid::HeaderName(name) => {
                error::builder(format!("invalid API key header name `{name}`"))
            }
            Invalid::Value => {
                error::builder("a credential contains characters not allowed in an HTTP header")
            }
        }
    }
}

impl Prepared {
    fn new(api: &ApiDescription, credentials: Credentials) -> Self {
        let schemes = api
            .security_schemes
            .iter()
            .map(|scheme| render(scheme.name, &scheme.kind, &credentials))
            .collect();
        let fallback = match (
            &credentials.bearer,
            &credentials.api_key,
            &credentials.basic,
        ) {
            (Some(token), _, _) | (None, Some(token), _) => Some(bearer(token)),
            (None, None, Some((user, password))) => Some(basic(user, password)),
            (None, None, None) => None,
        };
        Self {
            credentials,
            schemes,
            fallback,
        }
    }

    /// Every secret value these credentials hold (a basic-auth username too:
    /// Stripe takes the key as one).
    pub(crate) fn secrets(&self) -> impl Iterator<Item = &str> {
        let c = &self.credentials;
        let basic = c.basic.iter().flat_map(|(user, password)| [user, password]);
        let schemes = c.per_scheme.iter().map(|(_, secret)| secret);
        c.api_key
            .iter()
            .chain(&c.bearer)
            .chain(basic)
            .chain(schemes)
            .map(String::as_str)
    }

    /// The credentials this was rendered from (for `Debug`, which redacts).
    pub(crate) fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// Puts the credentials `op` needs on one attempt: headers replace
    /// earlier values, query credentials are appended to `url`, and cookie
    /// credentials are joined with the request's `cookies` (names and
    /// encoded values) and any `Cookie` header into one header, marked
    /// sensitive when it carries a credential.
    pub(crate) fn apply_to(
        &self,
        api: &ApiDescription,
        op: &Operation,
        url: &mut reqwest::Url,
        headers: &mut HeaderMap,
        cookies: &[(String, String)],
    ) -> Result<(), Error> {
        let mut query: Option<String> = None;
        let mut credential_cookies = Vec::new();
        self.apply(api, op, |credential| match credential {
            Credential::Header(name, value) => {
                headers.insert(name.clone(), value.clone());
            }
            Credential::Query(name, value) => {
                // Some documents (Trello's) also declare the key as an ordinary
                // query parameter; the value passed for it wins, so the key is
                // never sent twice. (`url` is unchanged until the end.)
                if url.query_pairs().any(|(declared, _)| declared == *name) {
                    return;
                }
                let query = query.get_or_insert_with(|| url.query().unwrap_or_default().to_owned());
                if !query.is_empty() {
                    query.push('&');
                }
                query.push_str(&encode::query_pair(name, value));
            }
            Credential::Cookie(name, value) => {
                credential_cookies.push(format!("{name}={}", encode::cookie_value(value)));
            }
        })?;
        if let Some(query) = query {
            url.set_query(Some(&query));
        }
        if !credential_cookies.is_empty() || !cookies.is_empty() || headers.contains_key(COOKIE) {
            merge_cookies(headers, cookies, credential_cookies)?;
        }
        Ok(())
    }

    /// Chooses the credentials for `op` (module docs, steps 1 to 3) and
    /// passes each to `each`, in scheme order.
    fn apply(
        &self,
        api: &ApiDescription,
        op: &Operation,
        mut each: impl FnMut(&Credential),
    ) -> Result<(), Error> {
        let mut send = |rendered: &Rendered| {
            rendered
                .as_ref()
                .map(&mut each)
                .map_err(|invalid| invalid.error())
        };
        if api.security_schemes.is_empty() {
            return match (&self.fallback, op.security) {
                (Some(rendered), None) => send(rendered),
                _ => Ok(()),
            };
        }
        let alternatives = op.security.unwrap_or(api.default_security);
        if alternatives.is_empty() && op.security.is_none() {
            // Schemes but no requirement: the first scheme that has a credential.
            return match self.schemes.iter().flatten().next() {
                Some(rendered) => send(rendered),
                None => Ok(()),
            };
        }
        let chosen = alternatives
            .iter()
            .find(|alt| !alt.is_empty() && alt.iter().all(|&i| self.has(i)));
        for &index in chosen.copied().unwrap_or_default() {
            if let Some(Some(rendered)) = self.schemes.get(index) {
                send(rendered)?;
            }
        }
        Ok(())
    }

    /// Whether scheme `index` has a credential.
    fn has(&self, index: usize) -> bool {
        matches!(self.schemes.get(index), Some(Some(_)))
    }
}

/// Joins existing `Cookie` headers, cookie parameters and credential cookies
/// into one header.
fn merge_cookies(
    headers: &mut HeaderMap,
    cookies: &[(String, String)],
    credentials: Vec<String>,
) -> Result<(), Error> {
    let sensitive = !credentials.is_empty();
    let all: Vec<String> = headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_owned))
        .chain(cookies.iter().map(|(n, v)| format!("{n}={v}")))
        .chain(credentials)
        .collect();
    if !all.is_empty() {
        let mut value = HeaderValue::try_from(all.join("; ")).map_err(|_| {
            error::builder("a cookie contains characters not allowed in an HTTP header")
        })?;
        value.set_sensitive(sensitive);
        headers.insert(COOKIE, value);
    }
    Ok(())
}

/// What `kind` sends with `creds`, or `None` when they hold nothing for it.
fn render(scheme: &str, kind: &SchemeKind, creds: &Credentials) -> Option<Rendered> {
    let own = creds.scheme_secret(scheme);
    match kind {
        SchemeKind::Bearer => own
            .or(creds.bearer.as_ref())
            .or(creds.api_key.as_ref())
            .map(|token| bearer(token)),
        SchemeKind::Basic => creds
            .basic
            .as_ref()
            .map(|(user, password)| basic(user, password)),
        SchemeKind::ApiKey { location, name } => {
            let key = own.or(creds.api_key.as_ref())?;
            Some(match location {
                ApiKeyLocation::Header => HeaderName::from_bytes(name.as_bytes())
                    .map_err(|_| Invalid::HeaderName(name))
                    .and_then(|header| Ok(Credential::Header(header, sensitive(key.clone())?))),
                ApiKeyLocation::Query => Ok(Credential::Query(name, key.clone())),
                ApiKeyLocation::Cookie => Ok(Credential::Cookie(name, key.clone())),
            })
        }
        // Only an interceptor can sign these (see `SchemeKind::Unsupported`): a key or
        // token sent as `Bearer` would be wrong, and might leak to a server that did not
        // ask for it.
        SchemeKind::Unsupported { .. } => None,
    }
}

fn bearer(token: &str) -> Rendered {
    let value = sensitive(format!("Bearer {token}"))?;
    Ok(Credential::Header(AUTHORIZATION, value))
}

fn basic(user: &str, password: &str) -> Rendered {
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    let value = sensitive(format!("Basic {encoded}"))?;
    Ok(Credential::Header(AUTHORIZATION, value))
}

/// A header value marked sensitive.
fn sensitive(value: String) -> Result<HeaderValue, Invalid> {
    let mut value = HeaderValue::try_from(value).map_err(|_| Invalid::Value)?;
    value.set_sensitive(true);
    Ok(value)
}
