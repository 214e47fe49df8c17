//! The outermost layer: request ids, the request log and the concurrency counter.
//!
//! Every answer — success, typed error, `404` for an unknown route, injected fault — leaves
//! through this layer and gets `X-Request-ID: req_<unique>`. The id is also available to
//! [`ApiError`](super::models::ApiError) through a task-local, so error bodies repeat it
//! without every handler passing it around (axum runs a request's middleware and handler in one
//! task, which is what makes the task-local visible).

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

use super::faults::FaultKind;
use super::idempotency::IDEMPOTENCY_KEY;
use super::state::{SeenRequest, ServerState};

/// The response header carrying the request id.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

tokio::task_local! {
    static CURRENT_REQUEST_ID: String;
}

/// The id of the request being handled by this task, if any.
pub(super) fn current_request_id() -> Option<String> {
    CURRENT_REQUEST_ID.try_with(Clone::clone).ok()
}

/// Middleware over the whole router (including its fallbacks).
pub(super) async fn observe(
    State(state): State<ServerState>,
    request: Request,
    next: Next,
) -> Response {
    let _in_flight = state.enter();
    let request_id = state.next_request_id();
    let index = state.record_request(SeenRequest {
        request_id: request_id.clone(),
        method: request.method().clone(),
        path: request.uri().path().to_owned(),
        query: request.uri().query().map(str::to_owned),
        headers: request.headers().clone(),
        idempotency_key: request
            .headers()
            .get(&IDEMPOTENCY_KEY)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned),
        status: None,
        fault: None,
    });
    let mut response = CURRENT_REQUEST_ID
        .scope(request_id.clone(), next.run(request))
        .await;
    let fault = response.extensions().get::<FaultKind>().copied();
    state.finish_request(index, &request_id, response.status(), fault);
    match HeaderValue::from_str(&request_id) {
        Ok(value) => {
            response.headers_mut().insert(REQUEST_ID, value);
        }
        // Ids are `req_` and hex digits; this arm only guards against a future format change.
        Err(_) => *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR,
    }
    response
}
