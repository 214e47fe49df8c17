//! Shared fixtures: hand-written API descriptions the way `generate_client!`
//! emits them, and helpers to point a client at a wiremock server.

#![allow(dead_code, unused_imports)] // each test file uses a different subset

use sdk_runtime::__private::{
    ApiDescription, ApiKeyLocation, Method, Operation, Request, SchemeKind, SecurityScheme, decode,
    execute,
};
use sdk_runtime::{CallOptions, Client, ClientBuilder, Response, Result};
use serde::Deserialize;
use wiremock::MockServer;

pub use sdk_runtime::__private::QueryStyle;

/// Scheme indices of [`API`].
pub const BEARER: usize = 0;
pub const BASIC: usize = 1;
pub const HEADER_KEY: usize = 2;
pub const QUERY_KEY: usize = 3;
pub const COOKIE_KEY: usize = 4;

/// An API with one scheme of every kind; bearer by default.
pub static API: ApiDescription = ApiDescription {
    title: "Test Pets",
    version: "1.2.3",
    env_prefix: "TEST_PETS",
    default_base_url: None,
    security_schemes: &[
        SecurityScheme {
            name: "bearer",
            kind: SchemeKind::Bearer,
        },
        SecurityScheme {
            name: "basic",
            kind: SchemeKind::Basic,
        },
        SecurityScheme {
            name: "header_key",
            kind: SchemeKind::ApiKey {
                location: ApiKeyLocation::Header,
                name: "X-API-Key",
            },
        },
        SecurityScheme {
            name: "query_key",
            kind: SchemeKind::ApiKey {
                location: ApiKeyLocation::Query,
                name: "api_key",
            },
        },
        SecurityScheme {
            name: "cookie_key",
            kind: SchemeKind::ApiKey {
                location: ApiKeyLocation::Cookie,
                name: "session",
            },
        },
    ],
    default_security: &[&[BEARER]],
    idempotency_header: None,
    request_id_header: None,
    sensitive_query_params: &["api_key", "token"],
    webhook_signature: sdk_runtime::contract::WebhookSignature::Standard,
};

/// An API that declares no security schemes at all.
pub static OPEN_API: ApiDescription = ApiDescription {
    title: "Open",
    version: "1",
    env_prefix: "OPEN",
    default_base_url: None,
    security_schemes: &[],
    default_security: &[],
    idempotency_header: Some("X-Idempotency"),
    request_id_header: None,
    sensitive_query_params: &[],
    webhook_signature: sdk_runtime::contract::WebhookSignature::Standard,
};

pub static GET_PET: Operation = op("getPet", Method::GET, "/pets/{petId}", None);
pub static LIST_PETS: Operation = op("listPets", Method::GET, "/pets", None);
pub static CREATE_PET: Operation = op("createPet", Method::POST, "/pets", None);
pub static UPLOAD: Operation = op("upload", Method::PUT, "/pets/{petId}/photo", None);
pub static PUBLIC: Operation = op("public", Method::GET, "/public", Some(&[]));
pub static BASIC_OR_HEADER: Operation = op(
    "basicOrHeader",
    Method::GET,
    "/alt",
    Some(&[&[BASIC], &[HEADER_KEY]]),
);
pub static QUERY_AUTH: Operation = op("queryAuth", Method::GET, "/q", Some(&[&[QUERY_KEY]]));
pub static COOKIE_AUTH: Operation = op("cookieAuth", Method::GET, "/c", Some(&[&[COOKIE_KEY]]));
pub static BASIC_AUTH: Operation = op("basicAuth", Method::GET, "/b", Some(&[&[BASIC]]));
pub static BEARER_AND_HEADER: Operation =
    op("both", Method::GET, "/both", Some(&[&[BEARER, HEADER_KEY]]));

const fn op(
    id: &'static str,
    method: Method,
    path: &'static str,
    security: Option<&'static [&'static [usize]]>,
) -> Operation {
    Operation {
        id,
        method,
        path,
        security,
    }
}

/// The JSON model most tests decode.
#[derive(Debug, Deserialize, PartialEq)]
pub struct Pet {
    pub id: u64,
    pub name: String,
}

/// The documented error body.
#[derive(Debug, Deserialize, PartialEq)]
pub struct ApiError {
    pub code: String,
    pub message: String,
}

/// A builder for [`API`] pointed at `server`, with retries that wait 1 ms.
pub fn builder(server: &MockServer) -> ClientBuilder {
    Client::builder(&API).base_url(server.uri())
}

/// Sends `request` decoding JSON `T`, with [`ApiError`] as the error body.
pub async fn send<T: serde::de::DeserializeOwned>(
    client: &Client,
    request: Request,
) -> Result<Response<T>> {
    execute(
        client,
        request,
        decode::json::<T>,
        decode::error_json::<ApiError>,
    )
    .await
}

/// Sends `request` and ignores the body.
pub async fn send_empty(client: &Client, request: Request) -> Result<Response<()>> {
    execute(client, request, decode::empty, decode::no_error).await
}

/// A request for `op` with default options.
pub fn req(op: &'static Operation) -> Request {
    Request::new(op, CallOptions::default())
}

/// The one request the server received; panics (failing the test) otherwise.
pub async fn only_request(server: &MockServer) -> wiremock::Request {
    let mut requests = server.received_requests().await.expect("recording is on");
    assert_eq!(requests.len(), 1, "expected exactly one request");
    requests.remove(0)
}

/// A header of a received request as text.
pub fn header<'a>(request: &'a wiremock::Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

/// A loopback address nobody listens on.
pub fn closed_port_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let port = listener.local_addr().expect("local addr").port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}
