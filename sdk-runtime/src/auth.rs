//! Credentials and how they are applied to a request.
//!
//! A client holds [`Credentials`]: an API key, a bearer token, basic-auth
//! credentials, or several of them. Before every attempt `execute` takes a
//! snapshot of them (or asks the [`CredentialsProvider`]) and applies them to
//! the operation's security requirement:
//!
//! 1. The alternatives are the operation's `security`, or the API's top-level
//!    `security` when the operation has none.
//! 2. The first non-empty alternative whose schemes *all* have a credential is
//!    used; if none qualifies, the request goes out without credentials and
//!    the server's `401` explains what is missing.
//! 3. Each scheme is applied: bearer → `Authorization: Bearer …` (the bearer
//!    token, or else the API key), basic → `Authorization: Basic …`, apiKey →
//!    the key in its header, query parameter or cookie.
//!
//! When the document declares no security schemes at all, a configured key is
//! sent as a bearer token. When it declares schemes but no requirement uses
//! them, each scheme alone is tried, since such documents usually forgot the
//! top-level `security` rather than meaning "no auth".
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
use http::header::{AUTHORIZATION, HeaderName, HeaderValue};

use crate::__private::{ApiDescription, ApiKeyLocation, Operation, SchemeKind};
use crate::error::{self, BoxError, Error};

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

    /// Combines two sets; where both hold the same kind, `other` wins.
    #[must_use]
    pub fn and(self, other: Credentials) -> Self {
        Self {
            api_key: other.api_key.or(self.api_key),
            bearer: other.bearer.or(self.bearer),
            basic: other.basic.or(self.basic),
        }
    }

    /// Whether no credential is set.
    pub fn is_empty(&self) -> bool {
        self.api_key.is_none() && self.bearer.is_none() && self.basic.is_none()
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kinds: Vec<&str> = [
            self.api_key.as_ref().map(|_| "ApiKey(<redacted>)"),
            self.bearer.as_ref().map(|_| "Bearer(<redacted>)"),
            self.basic.as_ref().map(|_| "Basic(<redacted>)"),
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
/// #   security_schemes: &[], default_security: &[], idempotency_header: None, sensitive_query_params: &[] };
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

/// Where a client's credentials come from; swapped by `set_credentials`.
#[derive(Clone)]
pub(crate) enum Source {
    Static(Arc<Credentials>),
    Provider(Arc<dyn CredentialsProvider>),
}

/// The credentials of one client and all its clones.
pub(crate) struct Store(RwLock<Source>);

impl Store {
    pub(crate) fn new(source: Source) -> Self {
        Self(RwLock::new(source))
    }

    /// A snapshot for one attempt.
    pub(crate) fn current(&self) -> Result<Arc<Credentials>, Error> {
        // Clone out of the lock so a slow provider never blocks `set`.
        let source = self
            .0
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        match source {
            Source::Static(creds) => Ok(creds),
            Source::Provider(provider) => provider
                .credentials()
                .map(Arc::new)
                .map_err(|e| error::config("the credentials provider failed").with_source(e)),
        }
    }

    pub(crate) fn set(&self, credentials: Credentials) {
        *self.0.write().unwrap_or_else(PoisonError::into_inner) =
            Source::Static(Arc::new(credentials));
    }

    pub(crate) fn is_provider(&self) -> bool {
        matches!(
            *self.0.read().unwrap_or_else(PoisonError::into_inner),
            Source::Provider(_)
        )
    }
}

/// Credentials chosen for one attempt, ready to be put on the request.
#[derive(Default)]
pub(crate) struct Applied {
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    /// Raw (unencoded) query name and value.
    pub(crate) query: Vec<(&'static str, String)>,
    /// Raw cookie name and value.
    pub(crate) cookies: Vec<(&'static str, String)>,
}

/// Chooses and renders the credentials for `op`.
pub(crate) fn apply(
    api: &ApiDescription,
    op: &Operation,
    creds: &Credentials,
) -> Result<Applied, Error> {
    let mut applied = Applied::default();
    if api.security_schemes.is_empty() {
        if op.security.is_none() {
            if let Some(token) = creds.bearer.as_ref().or(creds.api_key.as_ref()) {
                applied.headers.push((AUTHORIZATION, bearer(token)?));
            } else if let Some((user, password)) = &creds.basic {
                applied
                    .headers
                    .push((AUTHORIZATION, basic(user, password)?));
            }
        }
        return Ok(applied);
    }
    let chosen = match op.security.unwrap_or(api.default_security) {
        [] if op.security.is_none() => first_single_scheme(api, creds),
        alternatives => alternatives
            .iter()
            .copied()
            .find(|alt| !alt.is_empty() && alt.iter().all(|&i| has(api, i, creds)))
            .map(|alt| alt.to_vec()),
    };
    for index in chosen.unwrap_or_default() {
        let Some(scheme) = api.security_schemes.get(index) else {
            continue;
        };
        apply_scheme(&scheme.kind, creds, &mut applied)?;
    }
    Ok(applied)
}

/// Whether scheme `index` has a credential.
fn has(api: &ApiDescription, index: usize, creds: &Credentials) -> bool {
    match api.security_schemes.get(index).map(|s| &s.kind) {
        Some(SchemeKind::Bearer) => creds.bearer.is_some() || creds.api_key.is_some(),
        Some(SchemeKind::Basic) => creds.basic.is_some(),
        Some(SchemeKind::ApiKey { .. }) => creds.api_key.is_some(),
        None => false,
    }
}

fn first_single_scheme(api: &ApiDescription, creds: &Credentials) -> Option<Vec<usize>> {
    (0..api.security_schemes.len())
        .find(|&i| has(api, i, creds))
        .map(|i| vec![i])
}

fn apply_scheme(
    kind: &SchemeKind,
    creds: &Credentials,
    applied: &mut Applied,
) -> Result<(), Error> {
    match kind {
        SchemeKind::Bearer => {
            if let Some(token) = creds.bearer.as_ref().or(creds.api_key.as_ref()) {
                applied.headers.push((AUTHORIZATION, bearer(token)?));
            }
        }
        SchemeKind::Basic => {
            if let Some((user, password)) = &creds.basic {
                applied
                    .headers
                    .push((AUTHORIZATION, basic(user, password)?));
            }
        }
        SchemeKind::ApiKey { location, name } => {
            let Some(key) = &creds.api_key else {
                return Ok(());
            };
            match location {
                ApiKeyLocation::Header => {
                    let header = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                        error::builder(format!("invalid API key header name `{name}`"))
                    })?;
                    applied.headers.push((header, sensitive(key.clone())?));
                }
                ApiKeyLocation::Query => applied.query.push((name, key.clone())),
                ApiKeyLocation::Cookie => applied.cookies.push((name, key.clone())),
            }
        }
    }
    Ok(())
}

fn bearer(token: &str) -> Result<HeaderValue, Error> {
    sensitive(format!("Bearer {token}"))
}

fn basic(user: &str, password: &str) -> Result<HeaderValue, Error> {
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    sensitive(format!("Basic {encoded}"))
}

/// A header value marked sensitive. The error deliberately omits the value.
fn sensitive(value: String) -> Result<HeaderValue, Error> {
    let mut value = HeaderValue::try_from(value).map_err(|_| {
        error::builder("a credential contains characters not allowed in an HTTP header")
    })?;
    value.set_sensitive(true);
    Ok(value)
}

/// Puts the applied headers into `headers`, replacing earlier values.
pub(crate) fn insert_headers(headers: &mut HeaderMap, applied: &Applied) {
    for (name, value) in &applied.headers {
        headers.insert(name.clone(), value.clone());
    }
}
