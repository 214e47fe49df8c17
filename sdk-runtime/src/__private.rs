//! Everything generated code uses, and nothing else.
//!
//! Output of `generate_client!` reaches the runtime only through this module
//! (`::sdk_runtime::__private`), so the user's crate needs no direct dependency
//! on serde, http or reqwest. It is not part of the public API: names and
//! fields may change between versions together with the macro.
//!
//! Each operation becomes one `static` [`Operation`], each API one `static`
//! [`ApiDescription`]; a generated method fills a [`Request`] and hands it to
//! [`execute`] with a pair of [`decode`] functions.

#![allow(missing_docs)] // hidden module; every item still documents what the macro relies on

pub use ::core;
pub use ::serde;
pub use ::serde_json;
pub use ::std;
pub use core::future::IntoFuture;
pub use http::{HeaderMap, Method, StatusCode};

pub use crate::__call_impls as call_impls;
pub use crate::batch::{BatchOperation, run as run_batch};
pub use crate::call::Call;
pub use crate::serde_impls::discriminator;
pub use crate::types;
pub use crate::{
    CallOptions, Client, ClientBuilder, Credentials, Error, FromClient, Response, Result,
};

pub use crate::decode::{DecodeErr, DecodeError, DecodeOk, ErrorBody, ResponseParts};
pub use crate::execute::execute;
pub use crate::pagination::{Paging, PagingStyle};
pub use crate::request::{QueryStyle, Request};

/// Paging streams of generated `.pages()` / `.items()` methods.
pub mod pagination {
    pub use crate::pagination::{items, pages};
}

/// Helpers of the `Serialize`/`Deserialize` impls generated for a document's types.
pub mod serde_impls {
    pub use crate::serde_impls::*;
}

/// Response decoders passed to [`execute`].
pub mod decode {
    pub use crate::decode::{bytes, empty, error_json, json, no_error, status_is, text};
}

/// What the runtime needs to know about an API as a whole.
///
/// Generated once per document as a `static`; everything is `'static` so it
/// is built at compile time.
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
    /// Query parameters that carry secrets (API keys in the query), redacted
    /// from logs and errors.
    pub sensitive_query_params: &'static [&'static str],
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

/// One operation of the API, generated as a `static`.
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
