//! Streamed bodies over loopback (`spec/streaming.yaml`): typed server-sent events from a
//! 3.2 `itemSchema` and from a 3.0-style `schema`, text events, NDJSON and JSON text
//! sequences, streams that break off or stall, downloads read as they arrive, and uploads
//! (binary and multipart) sent from a file without loading it.

use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use futures::{Stream, StreamExt};
use sdk_runtime::{RequestBuilder, Upload};

mod api {
    sdk_runtime::generate_client!("../spec/streaming.yaml");
}

use api::types::{ChatChunk, ChatRequest, Tick};

/// What the test server saw and how it should answer.
#[derive(Clone, Default)]
struct Server {
    /// `(headers, body length)` of uploads.
    uploads: Arc<Mutex<Vec<(HeaderMap, usize)>>>,
    /// Answers 503 to this many `/ticks` and `PUT /files` requests first.
    failures: Arc<Mutex<u32>>,
    /// How `/ticks` ends: cleanly, cut in the middle of an event, or stalling.
    ending: Arc<Mutex<Ending>>,
}

#[derive(Clone, Copy, Default)]
enum Ending {
    #[default]
    Done,
    CutMidEvent,
    Stall,
}

/// The `/ticks` body in uneven chunks: a comment, CRLF framing, multi-line JSON data,
/// `event`/`id`/`retry` fields, then `[DONE]`.
const TICKS: &[&str] = &[
    ": keep-alive\r\n",
    "event: tick\r\nid: 1\r\nretry: 1500\r\ndata: {\"seq\": 1,\r\ndata: \"price\": 10.5}\r\n\r\n",
    "data: {\"seq\": 2, \"price\": 11.0, \"note\": \"up\"}\n",
    "\nid: 3\ndata: {\"seq\": 3, \"pri",
    "ce\": 9.75}\n\n",
];

fn chunks(
    parts: Vec<String>,
    tail: impl Stream<Item = Result<Bytes, Infallible>> + Send + 'static,
) -> Body {
    let head = futures::stream::iter(parts.into_iter().map(|p| Ok(Bytes::from(p))));
    Body::from_stream(head.chain(tail))
}

fn event_stream(body: Body) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/event-stream"),
            (
                header::HeaderName::from_static("x-request-id"),
                "req-stream",
            ),
        ],
        body,
    )
        .into_response()
}

fn take_failure(server: &Server) -> bool {
    let mut failures = server.failures.lock().unwrap();
    let fail = *failures > 0;
    *failures = failures.saturating_sub(1);
    fail
}

async fn ticks(State(server): State<Server>) -> Response {
    if take_failure(&server) {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::RETRY_AFTER, "0")],
            "{\"message\":\"busy\"}",
        )
            .into_response();
    }
    let mut parts: Vec<String> = TICKS.iter().map(|s| s.to_string()).collect();
    let ending = *server.ending.lock().unwrap();
    match ending {
        Ending::Done => {
            parts.push("data: [DONE]\n\n".into());
            // Anything after the sentinel is never read.
            parts.push("data: {\"seq\": 99}\n\n".into());
            event_stream(chunks(parts, futures::stream::empty()))
        }
        Ending::CutMidEvent => {
            parts.push("data: {\"seq\": 4, \"price\": 1".into());
            event_stream(chunks(parts, futures::stream::empty()))
        }
        Ending::Stall => event_stream(chunks(parts, futures::stream::pending())),
    }
}

async fn chat(headers: HeaderMap, body: Bytes) -> Response {
    let request: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if accept == "text/event-stream" && request["stream"] == true {
        let parts = ["Hel", "lo", "!"]
            .iter()
            .map(|d| format!("data: {}\n\n", serde_json::json!({"delta": d})))
            .chain(["data: [DONE]\n\n".to_owned()])
            .collect();
        return event_stream(chunks(parts, futures::stream::empty()));
    }
    (
        [(header::CONTENT_TYPE, "application/json")],
        "{\"text\":\"Hello!\"}",
    )
        .into_response()
}

async fn log() -> Response {
    event_stream(chunks(
        vec!["data: started\n\ndata: line one\ndata: line two\n\n".into()],
        futures::stream::empty(),
    ))
}

async fn records() -> Response {
    let body =
        "{\"seq\":1,\"price\":1.0}\n{\"seq\":2,\"price\":2.0}\r\n\n{\"seq\":3,\"price\":3.0}";
    ([(header::CONTENT_TYPE, "application/x-ndjson")], body).into_response()
}

async fn record_sequence() -> Response {
    let body = "\x1e{\"seq\":1,\"price\":1.5}\n\x1e{\"seq\":2,\"price\":2.5}\n";
    ([(header::CONTENT_TYPE, "application/json-seq")], body).into_response()
}

/// A file of `size` bytes (`name` is its size), in 64 KiB chunks, with a content length.
async fn download(Path(name): Path<String>) -> Response {
    let size: usize = name.parse().unwrap();
    let chunk = Bytes::from(vec![b'x'; 64 * 1024]);
    let chunks = (0..size.div_ceil(chunk.len())).map(move |i| {
        let len = chunk.len().min(size - i * chunk.len());
        Ok::<_, Infallible>(chunk.slice(..len))
    });
    (
        [
            (header::CONTENT_TYPE, "application/octet-stream"),
            (
                header::HeaderName::from_static("x-request-id"),
                "req-download",
            ),
        ],
        [(header::CONTENT_LENGTH, size.to_string())],
        Body::from_stream(futures::stream::iter(chunks)),
    )
        .into_response()
}

async fn upload(State(server): State<Server>, headers: HeaderMap, body: Bytes) -> Response {
    server.uploads.lock().unwrap().push((headers, body.len()));
    if take_failure(&server) {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    let stored = serde_json::json!({"size": body.len()});
    (
        StatusCode::CREATED,
        [(header::CONTENT_TYPE, "application/json")],
        stored.to_string(),
    )
        .into_response()
}

/// The test server, and its URL.
async fn serve() -> (String, Server) {
    let server = Server::default();
    let app = Router::new()
        .route("/ticks", get(ticks))
        .route("/chat", post(chat))
        .route("/log", get(log))
        .route("/records", get(records))
        .route("/records.seq", get(record_sequence))
        .route("/files/{name}", get(download).put(upload))
        .route("/attachments", post(upload))
        .layer(axum::extract::DefaultBodyLimit::disable())
        .with_state(server.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, server)
}

/// The server, and a client of it with quick retries and a 500 ms attempt timeout.
async fn start() -> (api::Client, Server) {
    let (url, server) = serve().await;
    let client = api::Client::builder()
        .base_url(url)
        .retry_policy(
            sdk_runtime::retry::RetryPolicy::new().with_base_delay(Duration::from_millis(1)),
        )
        .timeout(Duration::from_millis(500))
        .build()
        .unwrap();
    (client, server)
}

async fn collect<T>(
    stream: impl Stream<Item = sdk_runtime::Result<T>> + Unpin,
) -> Vec<sdk_runtime::Result<T>> {
    stream.collect().await
}

#[tokio::test]
async fn typed_events_from_an_item_schema_arrive_in_order() {
    let (client, server) = start().await;
    *server.failures.lock().unwrap() = 1; // a 503 before the stream is retried
    let response = client.stream_ticks().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.request_id(), Some("req-stream"));
    let events = collect(response.into_inner()).await;
    let events: Vec<_> = events.into_iter().map(Result::unwrap).collect();
    let seqs: Vec<i64> = events.iter().map(|e| e.data.seq).collect();
    assert_eq!(
        seqs,
        [1, 2, 3],
        "[DONE] ends the stream; nothing after it is read"
    );
    assert_eq!(events[0].event, "tick");
    assert_eq!(events[0].id.as_deref(), Some("1"));
    assert_eq!(events[0].retry, Some(Duration::from_millis(1500)));
    assert_eq!(events[0].data.price, 10.5, "multi-line data joined");
    assert_eq!(events[1].event, "message");
    assert_eq!(events[1].id.as_deref(), Some("1"), "the last id persists");
    assert_eq!(events[1].data.note.as_deref(), Some("up"));
    assert_eq!(events[2].id.as_deref(), Some("3"));
    assert_eq!(
        events[2].data,
        Tick {
            seq: 3,
            price: 9.75,
            note: None
        }
    );
}

#[tokio::test]
async fn a_schema_style_stream_is_the_alternative_of_a_json_answer() {
    let (client, _server) = start().await;
    let request = ChatRequest {
        prompt: "hi".into(),
        stream: Some(true),
    };
    let whole = client.create_chat(&request).await.unwrap();
    assert_eq!(whole.text, "Hello!");
    let stream: RequestBuilder<'_, sdk_runtime::EventStream<ChatChunk>> =
        client.create_chat(&request).event_stream();
    let chunks = collect(stream.await.unwrap().into_inner()).await;
    let text: String = chunks.into_iter().map(|c| c.unwrap().data.delta).collect();
    assert_eq!(text, "Hello!");
}

#[tokio::test]
async fn text_events_json_lines_and_json_sequences() {
    let (client, _server) = start().await;
    let lines: Vec<String> = collect(client.tail_log().await.unwrap().into_inner())
        .await
        .into_iter()
        .map(|e| e.unwrap().data)
        .collect();
    assert_eq!(lines, ["started", "line one\nline two"]);

    let records = collect(client.export_records().await.unwrap().into_inner()).await;
    let seqs: Vec<i64> = records.into_iter().map(|r| r.unwrap().seq).collect();
    assert_eq!(seqs, [1, 2, 3], "CRLF, a blank line and no final newline");

    let records = collect(client.export_record_sequence().await.unwrap().into_inner()).await;
    let prices: Vec<f64> = records.into_iter().map(|r| r.unwrap().price).collect();
    assert_eq!(prices, [1.5, 2.5]);
}

#[tokio::test]
async fn a_stream_cut_mid_event_ends_with_an_error_not_a_truncated_event() {
    let (client, server) = start().await;
    *server.ending.lock().unwrap() = Ending::CutMidEvent;
    let events = collect(client.stream_ticks().await.unwrap().into_inner()).await;
    assert_eq!(events.len(), 4, "three events, then the error");
    assert!(events[..3].iter().all(Result::is_ok));
    let error = events[3].as_ref().unwrap_err();
    assert!(error.is_body(), "{error}");
    assert_eq!(error.request_id(), Some("req-stream"));
    assert!(error.to_string().contains("middle of an event"), "{error}");
}

#[tokio::test]
async fn a_stalled_stream_times_out() {
    let (client, server) = start().await;
    *server.ending.lock().unwrap() = Ending::Stall;
    let mut events = client
        .stream_ticks()
        .timeout(Duration::from_millis(300))
        .await
        .unwrap()
        .into_inner();
    for _ in 0..3 {
        events.next().await.unwrap().unwrap();
    }
    let started = Instant::now();
    let error = events.next().await.unwrap().unwrap_err();
    assert!(error.is_timeout(), "{error}");
    assert_eq!(error.request_id(), Some("req-stream"));
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(250) && waited < Duration::from_secs(3),
        "{waited:?}"
    );
    assert!(events.next().await.is_none(), "nothing after the error");
    assert_eq!(events.last_event_id(), Some("3"), "to resume from");
}

#[tokio::test]
async fn a_download_streams_to_a_writer_with_the_head_first() {
    let (client, _server) = start().await;
    let size = 5 * 1024 * 1024 + 17; // beyond one chunk, not a multiple of it
    let response = client
        .download_file(&size.to_string())
        .byte_stream()
        .await
        .unwrap();
    assert_eq!(response.request_id(), Some("req-download"));
    assert_eq!(
        response.headers()["content-length"],
        size.to_string().as_str()
    );
    let dir = std::env::temp_dir().join(format!("sdk-streaming-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("download.bin");
    let mut file = tokio::fs::File::create(&path).await.unwrap();
    let written = response.into_inner().write_to(&mut file).await.unwrap();
    assert_eq!(written, size as u64);
    assert_eq!(std::fs::metadata(&path).unwrap().len(), size as u64);
    // The buffered form stays for small bodies.
    let small = client.download_file("10").await.unwrap();
    assert_eq!(&small[..], b"xxxxxxxxxx");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn uploads_stream_from_a_file_and_are_never_retried() {
    let (client, server) = start().await;
    let dir = std::env::temp_dir().join(format!("sdk-upload-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("upload.bin");
    let size = 3 * 1024 * 1024 + 5;
    std::fs::write(&path, vec![7u8; size]).unwrap();

    let stored = client
        .upload_file("a.bin", Upload::file(&path).await.unwrap())
        .await
        .unwrap();
    assert_eq!(stored.size, size as i64);
    let (headers, received) = server.uploads.lock().unwrap().pop().unwrap();
    assert_eq!(received, size);
    assert_eq!(headers["content-length"], size.to_string().as_str());

    *server.failures.lock().unwrap() = 1;
    let error = client
        .upload_file("a.bin", Upload::file(&path).await.unwrap())
        .await
        .unwrap_err();
    assert_eq!(
        error.status(),
        Some(sdk_runtime::StatusCode::SERVICE_UNAVAILABLE)
    );
    assert_eq!(error.attempts(), 1, "a stream is sent once");
    assert!(error.to_string().contains("not retried"), "{error}");
    // A buffered upload is retried as usual.
    *server.failures.lock().unwrap() = 1;
    let stored = client.upload_file("b.bin", vec![1u8, 2, 3]).await.unwrap();
    assert_eq!((stored.size, server.uploads.lock().unwrap().len()), (3, 3));

    let body = api::types::AttachFileBody {
        title: "report".into(),
        file: sdk_runtime::types::Binary::default(),
    };
    let stored = client
        .attach_file(&body)
        .file_part("file", Upload::file(&path).await.unwrap())
        .await
        .unwrap();
    let (headers, received) = server.uploads.lock().unwrap().pop().unwrap();
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("multipart/form-data; boundary=")
    );
    assert!(
        received > size,
        "the file part and the title arrived: {received} bytes"
    );
    assert_eq!(stored.size as usize, received);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_whole_event_stream_from_wiremock_in_one_chunk() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let mock = MockServer::start().await;
    let body = "\u{feff}: comment\rdata: {\"seq\": 1, \"price\": 1}\r\rdata: {\"seq\": 2,\ndata: \"price\": 2}\n\ndata: not json\n\ndata: {\"seq\": 3, \"price\": 3}\n\ndata: [DONE]\n\n";
    Mock::given(method("GET"))
        .and(path("/ticks"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(body, "text/event-stream")
                .insert_header("x-request-id", "req-wm"),
        )
        .expect(1)
        .mount(&mock)
        .await;
    let client = api::Client::builder().base_url(mock.uri()).build().unwrap();
    let events = collect(client.stream_ticks().await.unwrap().into_inner()).await;
    assert_eq!(events.len(), 4);
    assert_eq!(
        events[0].as_ref().unwrap().data.seq,
        1,
        "BOM, CR-only lines and a comment"
    );
    assert_eq!(events[1].as_ref().unwrap().data.seq, 2);
    let bad = events[2].as_ref().unwrap_err();
    assert!(
        bad.is_decode() && bad.request_id() == Some("req-wm"),
        "{bad}"
    );
    assert_eq!(
        events[3].as_ref().unwrap().data.seq,
        3,
        "the stream goes on after a bad event"
    );
}

/// Everything the fmt subscriber writes.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn debug_mode_logs_the_event_count_with_the_request_id_not_the_events() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::DEBUG)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let (url, _server) = serve().await;
    let client = api::Client::builder()
        .base_url(url)
        .debug(true)
        .build()
        .unwrap();
    let events = collect(client.stream_ticks().await.unwrap().into_inner()).await;
    assert_eq!(events.len(), 3);
    let text = String::from_utf8_lossy(&capture.0.lock().unwrap()).into_owned();
    let ended = text
        .lines()
        .find(|l| l.contains("event stream ended with [DONE]"))
        .unwrap_or_else(|| panic!("no end event in:\n{text}"));
    assert!(
        ended.contains("items=3") && ended.contains("req-stream"),
        "{ended}"
    );
    assert!(
        !text.contains("\"price\""),
        "event data is not logged:\n{text}"
    );
}
