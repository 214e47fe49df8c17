//! Server-side idempotency for `POST` requests carrying an `Idempotency-Key` header.
//!
//! The first request with a key runs; if it succeeds (2xx) its status and body are stored under
//! the key together with a fingerprint of the request (method, path and body, the body compared
//! as JSON so key order and whitespace do not matter). Later requests with the same key:
//!
//! - with the same fingerprint get the stored answer again, marked `Idempotent-Replayed: true`,
//!   and nothing is stored twice;
//! - with a different fingerprint get `422 idempotency_key_reused`;
//! - while the first is still running get `409 idempotency_key_in_use`.
//!
//! Failed answers (4xx, 5xx) are not stored, so a client may fix its request or retry after an
//! outage with the same key. Faults that answer before the handler (`503`, `429`) never reach
//! this layer; a dropped connection after commit does, which is how a retry finds its answer.
//! Keys never expire: the server lives only as long as a test.

use std::collections::HashMap;

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header::CONTENT_TYPE};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::models::ApiError;
use super::state::ServerState;

/// The request header that carries the key.
pub const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");

/// The response header that marks a replayed answer.
pub const IDEMPOTENT_REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");

/// Longest accepted key, as Stripe allows.
const MAX_KEY_LEN: usize = 255;

/// Largest request or response body the layer buffers.
pub(super) const MAX_BODY: usize = 1 << 20;

// ===== internal =====

/// Keys and what became of their first request.
#[derive(Default)]
pub(super) struct IdempotencyStore {
    entries: HashMap<String, Entry>,
}

enum Entry {
    Running(Fingerprint),
    Done(Fingerprint, Stored),
}

#[derive(Clone, PartialEq)]
struct Fingerprint {
    method: Method,
    path: String,
    body: BodyPrint,
}

#[derive(Clone, PartialEq)]
enum BodyPrint {
    Json(serde_json::Value),
    Raw(Bytes),
}

#[derive(Clone)]
struct Stored {
    status: StatusCode,
    content_type: Option<HeaderValue>,
    body: Bytes,
}

enum Begin {
    Run,
    Replay(Stored),
    Reused,
    InUse,
}

impl IdempotencyStore {
    pub(super) fn stored(&self) -> usize {
        self.entries
            .values()
            .filter(|entry| matches!(entry, Entry::Done(..)))
            .count()
    }

    fn begin(&mut self, key: &str, print: Fingerprint) -> Begin {
        match self.entries.get(key) {
            None => {
                self.entries.insert(key.to_owned(), Entry::Running(print));
                Begin::Run
            }
            Some(Entry::Running(_)) => Begin::InUse,
            Some(Entry::Done(first, stored)) if *first == print => Begin::Replay(stored.clone()),
            Some(Entry::Done(..)) => Begin::Reused,
        }
    }

    /// Ends the running request of `key`: stores its answer, or releases the key on failure.
    fn finish(&mut self, key: &str, stored: Option<Stored>) {
        let Some(Entry::Running(print)) = self.entries.get(key) else {
            return;
        };
        match stored {
            Some(stored) => {
                let done = Entry::Done(print.clone(), stored);
                self.entries.insert(key.to_owned(), done);
            }
            None => {
                self.entries.remove(key);
            }
        }
    }
}

/// Releases a running key if the handler future is dropped (the client hung up) before it
/// finished, so the key does not stay "in use" forever.
struct Running {
    state: ServerState,
    key: String,
    finished: bool,
}

impl Drop for Running {
    fn drop(&mut self) {
        if !self.finished {
            self.state.idempotency().finish(&self.key, None);
        }
    }
}

/// Route middleware implementing the rules of the module docs.
pub(super) async fn idempotent(
    State(state): State<ServerState>,
    request: Request,
    next: Next,
) -> Response {
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let key = match request
        .headers()
        .get(&IDEMPOTENCY_KEY)
        .map(HeaderValue::to_str)
    {
        None => return next.run(request).await,
        Some(Ok(key)) if !key.is_empty() && key.len() <= MAX_KEY_LEN => key.to_owned(),
        Some(_) => {
            return ApiError::invalid(format!(
                "Idempotency-Key must be 1 to {MAX_KEY_LEN} visible ASCII characters"
            ))
            .into_response();
        }
    };
    let (parts, body) = request.into_parts();
    let Ok(body) = to_bytes(body, MAX_BODY).await else {
        return too_large();
    };
    let print = Fingerprint {
        method: parts.method.clone(),
        path: parts.uri.path().to_owned(),
        body: body_print(&body),
    };
    match state.idempotency().begin(&key, print) {
        Begin::Run => {}
        Begin::Replay(stored) => return replay(stored),
        Begin::Reused => {
            let message = format!("Idempotency-Key {key:?} was used with a different request");
            return ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency_key_reused",
                message,
            )
            .into_response();
        }
        Begin::InUse => {
            let message = format!("a request with Idempotency-Key {key:?} is still running");
            return ApiError::new(StatusCode::CONFLICT, "idempotency_key_in_use", message)
                .into_response();
        }
    }
    let mut running = Running {
        state: state.clone(),
        key,
        finished: false,
    };
    let response = next.run(Request::from_parts(parts, Body::from(body))).await;
    let (parts, body) = response.into_parts();
    // Our handlers answer from memory: buffering cannot fail short of a bug, which then
    // surfaces as a 500 instead of a half-stored answer.
    let Ok(body) = to_bytes(body, MAX_BODY).await else {
        return ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "response too large",
        )
        .into_response();
    };
    let stored = parts.status.is_success().then(|| Stored {
        status: parts.status,
        content_type: parts.headers.get(CONTENT_TYPE).cloned(),
        body: body.clone(),
    });
    state.idempotency().finish(&running.key, stored);
    running.finished = true;
    Response::from_parts(parts, Body::from(body))
}

fn body_print(body: &Bytes) -> BodyPrint {
    match serde_json::from_slice(body) {
        Ok(value) => BodyPrint::Json(value),
        Err(_) => BodyPrint::Raw(body.clone()),
    }
}

fn replay(stored: Stored) -> Response {
    let mut response = (stored.status, stored.body).into_response();
    let headers = response.headers_mut();
    if let Some(content_type) = stored.content_type {
        headers.insert(CONTENT_TYPE, content_type);
    }
    headers.insert(IDEMPOTENT_REPLAYED, HeaderValue::from_static("true"));
    response
}

fn too_large() -> Response {
    let message = format!("request body exceeds {MAX_BODY} bytes");
    ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", message).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn print(body: &str) -> Fingerprint {
        let path = "/orders".to_owned();
        Fingerprint {
            method: Method::POST,
            path,
            body: body_print(&Bytes::from(body.to_owned())),
        }
    }

    fn stored() -> Stored {
        Stored {
            status: StatusCode::CREATED,
            content_type: None,
            body: Bytes::from_static(b"{}"),
        }
    }

    #[test]
    fn key_runs_once_then_replays_matching_requests_only() {
        let mut store = IdempotencyStore::default();
        assert!(matches!(
            store.begin("k", print(r#"{"a":1,"b":2}"#)),
            Begin::Run
        ));
        assert!(matches!(
            store.begin("k", print(r#"{"a":1,"b":2}"#)),
            Begin::InUse
        ));
        store.finish("k", Some(stored()));
        assert_eq!(store.stored(), 1);
        // Same JSON with other key order and spacing is the same request.
        assert!(matches!(
            store.begin("k", print(r#"{ "b": 2, "a": 1 }"#)),
            Begin::Replay(_)
        ));
        assert!(matches!(
            store.begin("k", print(r#"{"a":2}"#)),
            Begin::Reused
        ));
    }

    #[test]
    fn failure_releases_the_key() {
        let mut store = IdempotencyStore::default();
        assert!(matches!(store.begin("k", print("not json")), Begin::Run));
        store.finish("k", None);
        assert_eq!(store.stored(), 0);
        assert!(matches!(store.begin("k", print("other")), Begin::Run));
    }
}
