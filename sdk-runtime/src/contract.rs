//! What `generate_client!` tells the runtime about an API: the contract between the crates.
//!
//! The macro turns a document into `static` values of the types here, one
//! [`ApiDescription`] per document and one [`Operation`] per operation (plus a
//! [`Paging`] for paginated lists and a [`BatchOperation`] for batch endpoints).
//! Everything is `'static` plain data, built at compile time; the runtime reads
//! it and never changes it. A client exposes its description through
//! [`Client::api`](crate::Client::api), so applications can show the API's
//! title and version or check which schemes it declares.
//!
//! This module sits on the ground floor of the crate: it imports nothing from
//! the rest of it, and every layer above reads it. Fields are public so that
//! generated code can write the statics as literals; new fields may appear
//! together with a new version of the macro, which always emits all of them.

use http::Method;

/// What the runtime needs to know about an API as a whole.
///
/// Generated once per document as `API`; everything is `'static` so it is
/// built at compile time.
#[derive(Debug)]
pub struct ApiDescription {
    /// `info.title`, used in the default user agent.
    pub title: &'static str,
    /// `info.version`, used in the default user agent.
    pub version: &'static str,
    /// Prefix of the environment variables read by `ClientBuilder::from_env`,
    /// e.g. `"SWAGGER_PETSTORE"` for `SWAGGER_PETSTORE_API_KEY`.
    pub env_prefix: &'static str,
    /// `servers[0].url` with variables at their defaults, when absolute.
    pub default_base_url: Option<&'static str>,
    /// `components.securitySchemes`, in document order.
    pub security_schemes: &'static [SecurityScheme],
    /// Top-level `security`: alternatives, each a list of indices into
    /// [`security_schemes`](Self::security_schemes). An empty alternative means
    /// "no authentication".
    pub default_security: &'static [&'static [usize]],
    /// The idempotency header the document declares, if any.
    pub idempotency_header: Option<&'static str>,
    /// The response header the document's responses declare for request IDs, if any
    /// (the one declared most often, e.g. `Request-Id`); read before the common names.
    pub request_id_header: Option<&'static str>,
    /// Query parameters that carry secrets (API keys in the query), redacted
    /// from logs and errors.
    pub sensitive_query_params: &'static [&'static str],
    /// How the document's webhooks are signed, told by the signature header they
    /// declare; `webhook_secret` builds a verifier of this scheme.
    pub webhook_signature: WebhookSignature,
}

/// A webhook signature scheme, as the document's webhooks declare it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WebhookSignature {
    /// Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`): the
    /// default when the document names no other.
    Standard,
    /// Stripe's `Stripe-Signature: t=…,v1=…`.
    Stripe,
    /// `X-Hub-Signature-256: sha256=…` (GitHub and others).
    Hub,
}

/// One entry of `components.securitySchemes`.
#[derive(Debug)]
pub struct SecurityScheme {
    /// The scheme's key in `components.securitySchemes`.
    pub name: &'static str,
    /// How the credential is sent.
    pub kind: SchemeKind,
}

/// How a security scheme sends its credential.
#[derive(Debug)]
pub enum SchemeKind {
    /// `Authorization: Bearer <token>` (also used for oauth2 and openIdConnect).
    Bearer,
    /// `Authorization: Basic <base64(user:password)>`.
    Basic,
    /// An API key in a header, query parameter or cookie.
    ApiKey {
        /// Where the key goes.
        location: ApiKeyLocation,
        /// The header, parameter or cookie name.
        name: &'static str,
    },
    /// An `http` scheme other than `basic` and `bearer` (`digest`, `signature`, `hoba`,
    /// …), which needs a per-request computation the client does not know: no credential
    /// is sent for it, so an alternative that needs it is never chosen and the request
    /// goes out without it. Sign such requests in an interceptor.
    Unsupported {
        /// The scheme as the document names it, e.g. `digest`.
        scheme: &'static str,
    },
}

/// Where an `apiKey` scheme puts the key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApiKeyLocation {
    /// A request header.
    Header,
    /// A query parameter.
    Query,
    /// A cookie.
    Cookie,
}

/// One operation of the API, generated as a `static` beside its method.
#[derive(Debug)]
pub struct Operation {
    /// `operationId` (or the generated name), used in traces.
    pub id: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path template as written in the document: `"/pets/{petId}"`.
    pub path: &'static str,
    /// The operation's own `security`: `None` uses
    /// [`ApiDescription::default_security`], `Some(&[])` sends no credentials.
    pub security: Option<&'static [&'static [usize]]>,
}

/// How a query parameter is serialized (OpenAPI `style` + `explode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryStyle {
    /// `style: form, explode: true` (the default): `id=1&id=2`; objects as `k=v&k2=v2`.
    Form,
    /// `style: form, explode: false`: `id=1,2`; objects as `obj=k,v,k2,v2`.
    FormNoExplode,
    /// `style: spaceDelimited`: `id=1%202`.
    SpaceDelimited,
    /// `style: pipeDelimited`: `id=1|2`.
    PipeDelimited,
    /// `style: deepObject`: `obj[k]=v`, nested as `obj[k][k2]=v`, arrays as `obj[k][0]=v`.
    DeepObject,
}

/// How a paginated list operation pages, generated as a `static` beside its builder.
///
/// JSON paths are lists of property names from the body's root; an empty
/// path means "not available".
#[derive(Debug)]
pub struct Paging {
    /// Which parameter moves, and how.
    pub style: PagingStyle,
    /// Path to the array of items (empty: the body is the array).
    pub items: &'static [&'static str],
    /// Path to the next cursor or next-page URL.
    pub next: &'static [&'static str],
    /// Cursor style: take the cursor from this property of the last item.
    pub cursor_item_field: Option<&'static str>,
    /// Path to a boolean that is `false` on the last page.
    pub has_more: &'static [&'static str],
    /// Path to the total number of items.
    pub total: &'static [&'static str],
    /// The page-size query parameter.
    pub limit_param: Option<&'static str>,
    /// The largest page size the document allows.
    pub max_limit: Option<u64>,
}

/// The parameter that moves from page to page.
#[derive(Debug)]
pub enum PagingStyle {
    /// A cursor from the previous page; `None` when the next page is only
    /// ever given as a URL.
    Cursor {
        /// The query parameter carrying the cursor.
        param: Option<&'static str>,
    },
    /// An item offset.
    Offset {
        /// The query parameter carrying the offset.
        param: &'static str,
    },
    /// A page number.
    Page {
        /// The query parameter carrying the page number.
        param: &'static str,
        /// The number of the first page.
        first: u64,
    },
    /// The `Link` response header's `rel="next"` URL.
    LinkHeader,
}

/// A batch endpoint, generated as a `static` beside its chunking helper.
#[derive(Debug)]
pub struct BatchOperation {
    /// `operationId` of the batch operation, for traces.
    pub operation: &'static str,
    /// `maxItems` of the body's array: the most items one request may carry.
    pub max_items: usize,
}
