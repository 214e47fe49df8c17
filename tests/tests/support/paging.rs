//! A loopback axum server for `spec/paging-detected.yaml` and `spec/paging-declared.yaml`:
//! `total` records (`item_000000`, `item_000001`, …) served in every pagination style, plus
//! `/items/{id}` with `ETag`s for the cache tests.
//!
//! Records are computed from their index, so serving 100,000 of them costs no memory. Every
//! request is counted and logged (query, a few headers, body bytes sent), and faults can be
//! injected by request number.
#![allow(dead_code)] // each test crate that includes this uses a different part

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use tokio::task::JoinHandle;

/// The largest page the server hands out (the fixtures' `maximum`).
pub const MAX_PAGE: usize = 100;

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub path: String,
    pub query: HashMap<String, String>,
    pub if_none_match: Option<String>,
    pub authorization: Option<String>,
    pub status: u16,
    /// Bytes of the response body.
    pub body_bytes: usize,
}

/// A fault for one request number (1-based, counted over all requests).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Fault {
    /// `503` with `Retry-After: 0`, once.
    Unavailable,
    /// `400`, a non-retryable failure.
    BadRequest,
}

/// What the server is told to do and what it saw.
pub struct Shared {
    pub total: usize,
    requests: AtomicUsize,
    log: Mutex<Vec<Seen>>,
    faults: Mutex<HashMap<usize, Fault>>,
    /// `/cursor/token` keeps answering with the first page's token.
    pub stuck_cursor: std::sync::atomic::AtomicBool,
    /// Whether requests are logged (the benchmark turns it off: the log grows).
    pub keep_log: std::sync::atomic::AtomicBool,
    /// `/link` points its `rel="next"` at another origin.
    pub foreign_link: std::sync::atomic::AtomicBool,
    /// `Cache-Control` of `/items/{id}`, if any.
    pub cache_control: Mutex<Option<String>>,
    /// Version of every item, bumped by `PUT`; the `ETag` is `"v{version}"`.
    version: AtomicU64,
    /// `/items/{id}` answers with this status (and still an `ETag`) when set.
    pub item_status: Mutex<Option<u16>>,
}

impl Shared {
    /// Every request so far, in arrival order.
    pub fn log(&self) -> Vec<Seen> {
        self.log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    /// Makes request number `n` (1-based, from now on counting all requests) fail.
    pub fn fail(&self, n: usize, fault: Fault) {
        let n = self.requests() + n;
        self.faults
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(n, fault);
    }

    /// Forgets the log and the request count.
    pub fn reset(&self) {
        self.log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
        self.requests.store(0, Ordering::SeqCst);
    }
}

/// The server; stops when dropped.
pub struct PagingServer {
    pub addr: SocketAddr,
    pub state: Arc<Shared>,
    task: JoinHandle<()>,
}

impl PagingServer {
    /// Serves `total` records on `127.0.0.1` with an OS-chosen port.
    pub async fn start(total: usize) -> std::io::Result<Self> {
        let state = Arc::new(Shared {
            total,
            requests: AtomicUsize::new(0),
            log: Mutex::new(Vec::new()),
            faults: Mutex::new(HashMap::new()),
            stuck_cursor: false.into(),
            keep_log: true.into(),
            foreign_link: false.into(),
            cache_control: Mutex::new(None),
            version: AtomicU64::new(1),
            item_status: Mutex::new(None),
        });
        let app = Router::new()
            .route("/cursor/last-id", get(last_id))
            .route("/cursor/token", get(token))
            .route("/cursor/nested", get(nested))
            .route("/offset", get(offset))
            .route("/pages", get(pages))
            .route("/link", get(link))
            .route("/things", get(things))
            .route("/search", post(search))
            .route("/items/{id}", get(get_item).put(put_item))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let task = tokio::spawn(async move {
            // The server lives as long as the test; an accept error ends it.
            let _ = axum::serve(listener, app).await;
        });
        Ok(PagingServer { addr, state, task })
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for PagingServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Record `i`, carrying the request's `tag` filter if any.
pub fn record(i: usize, tag: Option<&str>) -> Value {
    let mut item = json!({ "id": id(i), "n": i });
    if let Some(tag) = tag {
        item["tag"] = json!(tag);
    }
    item
}

pub fn id(i: usize) -> String {
    format!("item_{i:06}")
}

// ===== handlers =====

type Params = Query<HashMap<String, String>>;
type St = State<Arc<Shared>>;

/// Counts, applies faults, logs and sends the body with a request id.
fn respond(
    state: &Shared,
    path: &str,
    query: HashMap<String, String>,
    headers: &HeaderMap,
    answer: impl FnOnce() -> (StatusCode, HeaderMap, Vec<u8>),
) -> Response {
    let n = state.requests.fetch_add(1, Ordering::SeqCst) + 1;
    let fault = state
        .faults
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .remove(&n);
    let (status, mut out_headers, body) = match fault {
        Some(Fault::Unavailable) => {
            let mut h = HeaderMap::new();
            h.insert(header::RETRY_AFTER, HeaderValue::from_static("0"));
            (
                StatusCode::SERVICE_UNAVAILABLE,
                h,
                b"{\"error\":\"unavailable\"}".to_vec(),
            )
        }
        Some(Fault::BadRequest) => (
            StatusCode::BAD_REQUEST,
            HeaderMap::new(),
            b"{\"error\":\"bad\"}".to_vec(),
        ),
        None => answer(),
    };
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
            .map(str::to_owned)
    };
    if state.keep_log.load(Ordering::SeqCst) {
        state
            .log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(Seen {
                path: path.to_owned(),
                query,
                if_none_match: text(header::IF_NONE_MATCH),
                authorization: text(header::AUTHORIZATION),
                status: status.as_u16(),
                body_bytes: body.len(),
            });
    }
    if let Ok(v) = HeaderValue::from_str(&format!("req_{n}")) {
        out_headers.insert("x-request-id", v);
    }
    if !body.is_empty() {
        out_headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
    }
    (status, out_headers, body).into_response()
}

fn json_ok(value: Value) -> (StatusCode, HeaderMap, Vec<u8>) {
    (
        StatusCode::OK,
        HeaderMap::new(),
        value.to_string().into_bytes(),
    )
}

fn number(query: &HashMap<String, String>, name: &str) -> Option<usize> {
    query.get(name).and_then(|v| v.parse().ok())
}

/// The page size: the requested one capped at `MAX_PAGE`, else `default`.
fn size(query: &HashMap<String, String>, name: &str, default: usize) -> usize {
    number(query, name).unwrap_or(default).clamp(1, MAX_PAGE)
}

fn slice(state: &Shared, start: usize, len: usize, tag: Option<&str>) -> Vec<Value> {
    (start.min(state.total)..(start + len).min(state.total))
        .map(|i| record(i, tag))
        .collect()
}

async fn last_id(State(state): St, Query(q): Params, headers: HeaderMap) -> Response {
    let start = q
        .get("starting_after")
        .and_then(|c| c.strip_prefix("item_")?.parse::<usize>().ok())
        .map_or(0, |i| i + 1);
    let len = size(&q, "limit", 10);
    let data = slice(&state, start, len, q.get("tag").map(String::as_str));
    let more = start + len < state.total;
    respond(&state, "/cursor/last-id", q.clone(), &headers, || {
        json_ok(json!({ "data": data, "has_more": more }))
    })
}

async fn token(State(state): St, Query(q): Params, headers: HeaderMap) -> Response {
    let start = q
        .get("page_token")
        .and_then(|t| t.strip_prefix("tok-")?.parse().ok())
        .unwrap_or(0);
    let len = size(&q, "page_size", 10);
    let end = start + len;
    let next = if state.stuck_cursor.load(Ordering::SeqCst) {
        json!(format!("tok-{len}"))
    } else if end < state.total {
        json!(format!("tok-{end}"))
    } else {
        Value::Null
    };
    let items = slice(&state, start, len, None);
    respond(&state, "/cursor/token", q.clone(), &headers, || {
        json_ok(json!({ "items": items, "next_page_token": next }))
    })
}

async fn nested(State(state): St, Query(q): Params, headers: HeaderMap) -> Response {
    let start = q.get("cursor").and_then(|c| c.parse().ok()).unwrap_or(0);
    let len = size(&q, "limit", 10);
    let end = start + len;
    // Slack sends an empty string on the last page.
    let next = if end < state.total {
        end.to_string()
    } else {
        String::new()
    };
    let members = slice(&state, start, len, None);
    let body =
        json!({ "ok": true, "members": members, "response_metadata": { "next_cursor": next } });
    respond(&state, "/cursor/nested", q.clone(), &headers, || {
        json_ok(body)
    })
}

async fn offset(State(state): St, Query(q): Params, headers: HeaderMap) -> Response {
    let start = number(&q, "offset").unwrap_or(0);
    let results = slice(&state, start, size(&q, "limit", 10), None);
    let body = json!({ "results": results, "total": state.total });
    respond(&state, "/offset", q.clone(), &headers, || json_ok(body))
}

async fn pages(State(state): St, Query(q): Params, headers: HeaderMap) -> Response {
    let page = number(&q, "page").unwrap_or(1).max(1);
    let len = size(&q, "per_page", 30);
    let data = slice(&state, (page - 1) * len, len, None);
    respond(&state, "/pages", q.clone(), &headers, || {
        json_ok(json!({ "data": data }))
    })
}

async fn link(State(state): St, Query(q): Params, headers: HeaderMap) -> Response {
    let page = number(&q, "page").unwrap_or(1).max(1);
    let len = size(&q, "per_page", 30);
    let items = slice(&state, (page - 1) * len, len, None);
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1")
        .to_owned();
    let origin = if state.foreign_link.load(Ordering::SeqCst) {
        "http://evil.invalid".to_owned()
    } else {
        format!("http://{host}")
    };
    let more = page * len < state.total;
    respond(&state, "/link", q.clone(), &headers, || {
        let mut out = HeaderMap::new();
        if more {
            let next = page + 1;
            let value = format!(
                r#"<{origin}/link?page=1&per_page={len}>; rel="first", <{origin}/link?per_page={len}&page={next}>; rel="next""#
            );
            if let Ok(v) = HeaderValue::from_str(&value) {
                out.insert(header::LINK, v);
            }
        }
        (
            StatusCode::OK,
            out,
            Value::from(items).to_string().into_bytes(),
        )
    })
}

async fn things(State(state): St, Query(q): Params, headers: HeaderMap) -> Response {
    let start = q
        .get("resume_from")
        .and_then(|c| c.strip_prefix("r")?.parse().ok())
        .unwrap_or(0);
    let len = size(&q, "take", 10);
    let end = start + len;
    let next = if end < state.total {
        json!(format!("r{end}"))
    } else {
        Value::Null
    };
    let things = slice(&state, start, len, None);
    let body = json!({ "envelope": { "things": things, "continue_from": next } });
    respond(&state, "/things", q.clone(), &headers, || json_ok(body))
}

async fn search(State(state): St, Query(q): Params, headers: HeaderMap, body: Bytes) -> Response {
    // Pages count from 0 here (`first_page: 0` in the declaration).
    let page = number(&q, "p").unwrap_or(0);
    let len = size(&q, "n", 10);
    let query: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let tag = query
        .get("query")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let hits = slice(&state, page * len, len, tag.as_deref());
    let body = json!({ "hits": hits, "found": state.total });
    respond(&state, "/search", q.clone(), &headers, || json_ok(body))
}

async fn get_item(State(state): St, Path(item): Path<String>, headers: HeaderMap) -> Response {
    let etag = format!("\"v{}\"", state.version.load(Ordering::SeqCst));
    let status = *state
        .item_status
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    let cache_control = state
        .cache_control
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        == Some(etag.as_str());
    respond(&state, "/items", HashMap::new(), &headers, || {
        let mut out = HeaderMap::new();
        if let Ok(v) = HeaderValue::from_str(&etag) {
            out.insert(header::ETAG, v);
        }
        if let Some(cc) = cache_control.and_then(|cc| HeaderValue::from_str(&cc).ok()) {
            out.insert(header::CACHE_CONTROL, cc);
        }
        if let Some(status) = status.and_then(|s| StatusCode::from_u16(s).ok()) {
            return (status, out, b"{\"error\":\"nope\"}".to_vec());
        }
        if matches {
            return (StatusCode::NOT_MODIFIED, out, Vec::new());
        }
        let body = json!({ "id": item, "n": state.version.load(Ordering::SeqCst) });
        (StatusCode::OK, out, body.to_string().into_bytes())
    })
}

async fn put_item(
    State(state): St,
    Path(_item): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    state.version.fetch_add(1, Ordering::SeqCst);
    respond(&state, "/items", HashMap::new(), &headers, || {
        (StatusCode::OK, HeaderMap::new(), body.to_vec())
    })
}
