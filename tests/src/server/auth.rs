//! API-key authentication: every API route needs `X-API-Key` with an accepted key.
//!
//! The accepted keys live in [`ServerState`] and can be replaced while the server runs
//! ([`ServerState::set_api_keys`]), which is how key rotation is tested. A missing and a wrong
//! key both get `401 unauthorized` with the typed error body; the message says which, and never
//! echoes the key.

use axum::extract::{Request, State};
use axum::http::{HeaderName, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::models::ApiError;
use super::state::ServerState;

/// The request header carrying the key (`api_key` security scheme in the spec).
pub const API_KEY_HEADER: HeaderName = HeaderName::from_static("x-api-key");

/// The key a server accepts unless configured otherwise.
pub const DEFAULT_API_KEY: &str = "sk_test_example_0123456789";

/// Route middleware rejecting requests without an accepted key.
pub(super) async fn require_api_key(
    State(state): State<ServerState>,
    request: Request,
    next: Next,
) -> Response {
    let message = match request
        .headers()
        .get(&API_KEY_HEADER)
        .map(|value| value.to_str())
    {
        None => "missing X-API-Key header",
        Some(Ok(key)) if state.api_key_accepted(key) => return next.run(request).await,
        Some(_) => "X-API-Key is not an accepted key",
    };
    ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", message).into_response()
}
