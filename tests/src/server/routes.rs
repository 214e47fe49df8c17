//! The routes of `spec/api.yaml` and their handlers.
//!
//! Layers, outermost first: [`observe`](super::observe) (request id, log, concurrency) on
//! everything; then, on API routes only, [`faults`](super::faults) (so an injected `503`
//! costs nothing and authentication failures can be faulted too), [`auth`](super::auth) and
//! [`idempotency`](super::idempotency). Handlers decode bodies themselves so that any decoding
//! failure — bad JSON, a missing field, an unknown currency — is the typed `422` of the spec
//! rather than axum's plain-text rejection.

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{get, post};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::models::{ApiError, NewOrder, NewUser, NewUsers, Order, User};
use super::state::{Page, ServerState};
use super::{auth, faults, idempotency, observe};

/// Most items one list page may hold (`maximum` of `limit` in the spec).
pub const MAX_LIMIT: usize = 100;

/// Items per page when `limit` is not given (`default` of `limit` in the spec).
pub const DEFAULT_LIMIT: usize = 20;

/// The body of list answers (`UserList`, `OrderList` in the spec).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct List<T> {
    /// The page's items, oldest first.
    pub data: Vec<T>,
    /// Whether another page follows.
    pub has_more: bool,
    /// `starting_after` value for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

// ===== internal =====

/// Builds the application with all its layers.
pub(super) fn router(state: ServerState) -> Router {
    Router::new()
        .route("/users", get(list_users).post(create_user))
        .route("/users/batch", post(create_users))
        .route("/users/{user_id}", get(get_user))
        .route("/orders", get(list_orders).post(create_order))
        .route("/orders/events", get(order_events))
        .route("/orders/{order_id}", get(get_order))
        // `route_layer`s run inner-first: the last one added is the outermost.
        .route_layer(from_fn_with_state(state.clone(), idempotency::idempotent))
        .route_layer(from_fn_with_state(state.clone(), auth::require_api_key))
        .route_layer(from_fn_with_state(state.clone(), faults::inject))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(from_fn_with_state(state.clone(), observe::observe))
        .with_state(state)
}

/// Query of the list operations; strings so that a bad number is our typed `422`.
#[derive(Deserialize)]
struct ListQuery {
    limit: Option<String>,
    starting_after: Option<String>,
}

/// Anything with an id can be a cursor.
trait Identified {
    fn id(&self) -> &str;
}

impl Identified for User {
    fn id(&self) -> &str {
        &self.id
    }
}

impl Identified for Order {
    fn id(&self) -> &str {
        &self.id
    }
}

type Answer<T> = Result<(StatusCode, Json<T>), ApiError>;

async fn get_user(State(state): State<ServerState>, Path(user_id): Path<String>) -> Answer<User> {
    let user = state
        .user(&user_id)
        .ok_or_else(|| ApiError::not_found(format!("no user {user_id:?}")))?;
    Ok((StatusCode::OK, Json(user)))
}

async fn list_users(
    State(state): State<ServerState>,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Answer<List<User>> {
    let (after, limit) = list_params(query)?;
    let page = state.list_users(after.as_deref(), limit)?;
    Ok((StatusCode::OK, Json(list(page))))
}

async fn create_user(State(state): State<ServerState>, body: Bytes) -> Answer<User> {
    let new: NewUser = decode(&body)?;
    new.validate()?;
    Ok((StatusCode::CREATED, Json(state.create_user(new))))
}

async fn create_users(State(state): State<ServerState>, body: Bytes) -> Answer<serde_json::Value> {
    let batch: NewUsers = decode(&body)?;
    batch.validate()?;
    let users = state.create_users(batch.users);
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({ "data": users })),
    ))
}

async fn create_order(State(state): State<ServerState>, body: Bytes) -> Answer<Order> {
    let new: NewOrder = decode(&body)?;
    new.validate()?;
    Ok((StatusCode::CREATED, Json(state.create_order(new)?)))
}

async fn get_order(
    State(state): State<ServerState>,
    Path(order_id): Path<String>,
) -> Answer<Order> {
    let order = state
        .order(&order_id)
        .ok_or_else(|| ApiError::not_found(format!("no order {order_id:?}")))?;
    Ok((StatusCode::OK, Json(order)))
}

async fn list_orders(
    State(state): State<ServerState>,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Answer<List<Order>> {
    let (after, limit) = list_params(query)?;
    let page = state.list_orders(after.as_deref(), limit)?;
    Ok((StatusCode::OK, Json(list(page))))
}

/// Every order as one server-sent event, each in a chunk of its own, then `[DONE]`;
/// `Last-Event-ID` resumes after that order.
async fn order_events(State(state): State<ServerState>, headers: HeaderMap) -> Response {
    let resume_after = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let mut orders = state.orders();
    if let Some(after) = resume_after
        && let Some(at) = orders.iter().position(|o| o.id == after)
    {
        orders.drain(..=at);
    }
    let events = orders
        .into_iter()
        .map(|order| {
            let data = serde_json::to_string(&order).unwrap_or_default();
            format!("event: order\nid: {}\ndata: {data}\n\n", order.id)
        })
        .chain(std::iter::once("data: [DONE]\n\n".to_owned()))
        .map(|event| Ok::<_, std::convert::Infallible>(Bytes::from(event)));
    (
        [(header::CONTENT_TYPE, "text/event-stream")],
        Body::from_stream(futures::stream::iter(events)),
    )
        .into_response()
}

async fn not_found(method: Method, uri: Uri) -> Response {
    ApiError::not_found(format!("no route for {method} {}", uri.path())).into_response()
}

async fn method_not_allowed(method: Method, uri: Uri) -> Response {
    let message = format!("{method} is not allowed on {}", uri.path());
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        message,
    )
    .into_response()
}

fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body)
        .map_err(|e| ApiError::invalid(format!("invalid request body: {e}")))
}

fn list_params(
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<(Option<String>, usize), ApiError> {
    let Query(query) = query.map_err(|e| ApiError::invalid(format!("invalid query: {e}")))?;
    let limit = match query.limit.as_deref() {
        None => DEFAULT_LIMIT,
        Some(raw) => raw
            .parse::<usize>()
            .ok()
            .filter(|limit| (1..=MAX_LIMIT).contains(limit))
            .ok_or_else(|| {
                ApiError::invalid(format!(
                    "limit must be an integer from 1 to {MAX_LIMIT}, got {raw:?}"
                ))
            })?,
    };
    Ok((query.starting_after, limit))
}

fn list<T: Identified>(page: Page<T>) -> List<T> {
    let next_cursor = if page.has_more {
        page.data.last().map(|last| last.id().to_owned())
    } else {
        None
    };
    List {
        data: page.data,
        has_more: page.has_more,
        next_cursor,
    }
}
