//! The mock's HTTP side: every request is checked against the document,
//! matched to an expectation, and answered (or faulted) as it was set up.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;
use http::{HeaderMap, HeaderValue, StatusCode, header};
use serde_json::Value;

use super::expect::is_json;
use super::paging::page;
use super::params::{Sent, check_parameter};
use super::routes::Matched;
use super::state::{Answer, Expected, ReceivedRequest, Shared};
use super::validate::escape;
use crate::types::Bytes;

pub(crate) fn router(shared: Arc<Shared>) -> axum::Router {
    axum::Router::new().fallback(handle).with_state(shared)
}

/// What the matching expectation decided, taken out of the lock before any wait.
enum Reply {
    Now(Response),
    After(Duration, Response),
    Drop,
}

async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    match decide(&shared, &parts, body) {
        Reply::Now(response) => response,
        Reply::After(delay, response) => {
            tokio::time::sleep(delay).await;
            response
        }
        Reply::Drop => dropped(),
    }
}

/// Records the request, checks it and picks its answer; synchronous, so the
/// state's lock is never held across a wait.
fn decide(shared: &Shared, parts: &http::request::Parts, body: Bytes) -> Reply {
    let path = parts.uri.path().to_owned();
    let query = parts.uri.query().map(str::to_owned);
    let matched = shared.routes.find(&parts.method, &path);
    let operation = matched.as_ref().and_then(|m| {
        let id = shared.document.at(&format!("{}/operationId", m.pointer))?;
        id.as_str().map(str::to_owned)
    });
    let mut state = shared.state();
    state.received.push(ReceivedRequest {
        operation: operation.clone(),
        method: parts.method.clone(),
        path: path.clone(),
        query: query.clone(),
        headers: parts.headers.clone(),
        body: body.clone(),
    });
    let Some(matched) = matched else {
        let message = format!(
            "#/paths: no operation of the document matches {} {path}",
            parts.method
        );
        state.violations.push(message.clone());
        return Reply::Now(json_error(StatusCode::NOT_FOUND, &message));
    };
    let label = format!(
        "{} ({} {path})",
        operation.as_deref().unwrap_or("operation"),
        parts.method
    );
    let broken = check_request(shared, &matched, query.as_deref(), &parts.headers, &body);
    if !broken.is_empty() {
        let message = format!(
            "{label}: the request breaks the document:\n    {}",
            broken.join("\n    ")
        );
        state.violations.push(message);
        // One line, the violations first, for the client's error, which shows
        // the start of the server's message (its `for METHOD url` names the call).
        let answered = format!("the request breaks the document: {}", broken.join("; "));
        return Reply::Now(json_error(StatusCode::BAD_REQUEST, &answered));
    }
    let pairs: Vec<&str> = query
        .as_deref()
        .map(|q| q.split('&').collect())
        .unwrap_or_default();
    let request_body: Option<Value> = serde_json::from_slice(&body).ok();
    let found = state
        .expected
        .iter_mut()
        .find(|e| matches(e, &matched, &pairs, &parts.headers, request_body.as_ref()));
    match found {
        Some(expected) => reply(expected, &path, &pairs),
        None => {
            let message = format!("{label}: no expectation of the mock matches");
            state.unmatched.push(message.clone());
            Reply::Now(json_error(StatusCode::NOT_FOUND, &message))
        }
    }
}

/// Whether `request` matches what `expected` asks for.
fn matches(
    expected: &Expected,
    matched: &Matched<'_>,
    pairs: &[&str],
    headers: &HeaderMap,
    body: Option<&Value>,
) -> bool {
    expected.operation == matched.pointer
        && expected.path.iter().all(|(name, value)| {
            matched
                .path_params
                .iter()
                .any(|(n, v)| n == name && same_encoded(v, value))
        })
        && expected
            .query
            .iter()
            .all(|pair| pairs.iter().any(|p| same_encoded(p, pair)))
        && expected.headers.iter().all(|(name, value)| {
            headers.get(name.as_str()).and_then(|v| v.to_str().ok()) == Some(value.as_str())
        })
        && expected.body.as_ref().is_none_or(|want| body == Some(want))
}

fn same_encoded(a: &str, b: &str) -> bool {
    a == b || decode(a) == decode(b)
}

fn decode(text: &str) -> String {
    percent_encoding::percent_decode_str(&text.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

/// The answer of a matching request, faults first.
fn reply(expected: &mut Expected, path: &str, pairs: &[&str]) -> Reply {
    expected.hits += 1;
    if expected.drops > 0 {
        expected.drops -= 1;
        return Reply::Drop;
    }
    if expected.failures.0 > 0 {
        expected.failures.0 -= 1;
        let status =
            StatusCode::from_u16(expected.failures.1).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
        let mut response = json_error(status, "injected failure");
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("0"));
        return Reply::Now(response);
    }
    if let Some(rate) = &mut expected.rate {
        let now = Instant::now();
        if now.duration_since(rate.opened) >= rate.window {
            rate.opened = now;
            rate.used = 0;
        }
        rate.used += 1;
        if rate.used > rate.limit {
            let left = rate.window.saturating_sub(now.duration_since(rate.opened));
            let reset = SystemTime::now() + left;
            let reset = reset
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() + 1);
            let mut response = json_error(StatusCode::TOO_MANY_REQUESTS, "rate limited");
            let headers = response.headers_mut();
            let wait = left.as_secs_f64().ceil() as u64;
            headers.insert(header::RETRY_AFTER, HeaderValue::from(wait));
            headers.insert("x-ratelimit-remaining", HeaderValue::from_static("0"));
            headers.insert("x-ratelimit-reset", HeaderValue::from(reset));
            return Reply::Now(response);
        }
    }
    let response = match &expected.answer {
        Answer::Body {
            status,
            body,
            content_type,
        } => answer(*status, body.clone(), content_type.as_deref()),
        Answer::Pages {
            items,
            paging,
            fillers,
        } => {
            let body = page(items, paging, fillers, path, pairs);
            answer(200, Bytes::from(body.to_string()), Some("application/json"))
        }
    };
    if expected.delay.is_zero() {
        Reply::Now(response)
    } else {
        Reply::After(expected.delay, response)
    }
}

/// Every way the request breaks its operation in the document.
fn check_request(
    shared: &Shared,
    matched: &Matched<'_>,
    query: Option<&str>,
    headers: &HeaderMap,
    body: &[u8],
) -> Vec<String> {
    let document = &shared.document;
    let mut broken = Vec::new();
    let Some(op) = document.at(matched.pointer) else {
        return broken;
    };
    let item_ptr = matched
        .pointer
        .rsplit_once('/')
        .map_or("", |(item, _)| item);
    let sent = Sent {
        query: query
            .unwrap_or("")
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (name, value) = p.split_once('=').unwrap_or((p, ""));
                (decode(name), decode(value))
            })
            .collect(),
        headers,
        path: &matched.path_params,
    };
    let lists = [
        (
            document.at(&format!("{item_ptr}/parameters")),
            format!("{item_ptr}/parameters"),
        ),
        (
            op.get("parameters"),
            format!("{}/parameters", matched.pointer),
        ),
    ];
    // The operation's own parameters first: they override the path item's
    // of the same name and location.
    let mut seen: Vec<(String, String)> = Vec::new();
    for (list, list_ptr) in lists.into_iter().rev() {
        let Some(list) = list.and_then(Value::as_array) else {
            continue;
        };
        for (i, param) in list.iter().enumerate() {
            let (param, pointer) = document.resolve(param, &format!("{list_ptr}/{i}"));
            let key = |k: &str| {
                param
                    .get(k)
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned()
            };
            let id = (key("name"), key("in"));
            if seen.contains(&id) {
                continue;
            }
            seen.push(id);
            check_parameter(document, param, &pointer, &sent, &mut broken);
        }
    }
    let Some(request_body) = op.get("requestBody") else {
        return broken;
    };
    let (request_body, body_ptr) =
        document.resolve(request_body, &format!("{}/requestBody", matched.pointer));
    if body.is_empty() {
        if request_body.get("required").and_then(Value::as_bool) == Some(true) {
            broken.push(format!("{body_ptr}/required: the request body is missing"));
        }
        return broken;
    }
    let sent_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let content = request_body.get("content").and_then(Value::as_object);
    let schema = content.and_then(|c| c.iter().find(|(media, _)| is_json(media)));
    if let Some((media, node)) = schema
        && is_json(sent_type)
        && let Some(schema) = node.get("schema")
    {
        let schema_ptr = format!("{body_ptr}/content/{}/schema", escape(media));
        match serde_json::from_slice::<Value>(body) {
            Ok(value) => {
                for v in document.check(schema, &schema_ptr, &value) {
                    broken.push(format!("{} at {}: {}", v.pointer, v.at, v.message));
                }
            }
            Err(e) => broken.push(format!("{schema_ptr}: the body is not JSON ({e})")),
        }
    }
    broken
}

fn answer(status: u16, body: Bytes, content_type: Option<&str>) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    if let Some(content_type) = content_type.and_then(|c| HeaderValue::from_str(c).ok()) {
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, content_type);
    }
    response
}

fn json_error(status: StatusCode, message: &str) -> Response {
    let body = serde_json::json!({ "message": message }).to_string();
    answer(status.as_u16(), Bytes::from(body), Some("application/json"))
}

/// A response whose body fails at once: hyper aborts the connection before
/// any byte of the answer is written.
fn dropped() -> Response {
    let failure = std::io::Error::new(
        std::io::ErrorKind::ConnectionAborted,
        "mock: connection dropped",
    );
    Response::new(Body::from_stream(futures::stream::iter([Err::<Bytes, _>(
        failure,
    )])))
}
