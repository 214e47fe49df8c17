//! The execute path end to end against a real HTTP server: what goes on the
//! wire, how responses decode, errors, retries, limits.

mod support;

use std::time::Duration;

use sdk_runtime::__private::{Request, decode, execute};
use sdk_runtime::types::Bytes;
use sdk_runtime::{CallOptions, Client, Error};
use serde_json::json;
use support::*;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn ok_json(body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

async fn server_answering(template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(template)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn path_params_are_one_encoded_segment() {
    let server = server_answering(ok_json(json!({"id": 1, "name": "a"}))).await;
    let client = builder(&server).build().unwrap();
    let mut r = req(&GET_PET);
    r.path_param("petId", &"a/b c?ü");
    let pet = send::<Pet>(&client, r).await.unwrap();
    assert_eq!(pet.name, "a");
    let sent = only_request(&server).await;
    assert_eq!(sent.method.as_str(), "GET");
    assert_eq!(sent.url.path(), "/pets/a%2Fb%20c%3F%C3%BC");
    assert_eq!(sent.url.query(), None);
}

#[tokio::test]
async fn dot_segments_and_missing_params_are_builder_errors() {
    let server = server_answering(ok_json(json!({}))).await;
    let client = builder(&server).build().unwrap();
    let mut r = req(&GET_PET);
    r.path_param("petId", &"..");
    let err = send_empty(&client, r).await.unwrap_err();
    assert!(err.is_builder(), "{err}");
    let err = send_empty(&client, req(&GET_PET)).await.unwrap_err();
    assert!(
        err.is_builder() && err.to_string().contains("/pets/{petId}"),
        "{err}"
    );
    assert_eq!(err.attempts(), 0);
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn query_styles_on_the_wire() {
    let server = server_answering(ok_json(json!([]))).await;
    let client = builder(&server).build().unwrap();
    let mut r = req(&LIST_PETS);
    r.query("tags", &["a b", "c&d"], QueryStyle::Form);
    r.query("ids", &[1, 2], QueryStyle::FormNoExplode);
    r.query("sp", &["x", "y"], QueryStyle::SpaceDelimited);
    r.query("pipe", &["x", "y"], QueryStyle::PipeDelimited);
    // Structs keep declaration order (a `json!` object's order depends on serde_json's
    // `preserve_order` feature, which another crate of the build may turn on).
    #[derive(serde::Serialize)]
    struct Owner {
        name: &'static str,
    }
    #[derive(serde::Serialize)]
    struct Filter {
        age: [u32; 2],
        owner: Owner,
    }
    r.query(
        "filter",
        &Filter {
            age: [1, 2],
            owner: Owner { name: "ann" },
        },
        QueryStyle::DeepObject,
    );
    r.query("limit", &Some(10), QueryStyle::Form);
    r.query("skipped", &None::<u32>, QueryStyle::Form);
    r.query("empty", &Vec::<u32>::new(), QueryStyle::FormNoExplode);
    r.query("flag", &true, QueryStyle::Form);
    send::<Vec<Pet>>(&client, r).await.unwrap();
    let sent = only_request(&server).await;
    assert_eq!(sent.url.path(), "/pets");
    assert_eq!(
        sent.url.query().unwrap(),
        "tags=a%20b&tags=c%26d&ids=1,2&sp=x%20y&pipe=x|y\
         &filter%5Bage%5D%5B0%5D=1&filter%5Bage%5D%5B1%5D=2&filter%5Bowner%5D%5Bname%5D=ann\
         &limit=10&flag=true"
    );
}

#[tokio::test]
async fn headers_and_cookies_on_the_wire() {
    let server = server_answering(ok_json(json!([]))).await;
    let client = builder(&server)
        .default_header("x-default", "d")
        .default_header("x-over", "default")
        .build()
        .unwrap();
    let mut r = Request::new(&LIST_PETS, CallOptions::new().header("x-over", "call"));
    r.header("x-trace", &["a", "b"]);
    r.header("x-none", &None::<String>);
    r.cookie("theme", &"dark blue");
    r.cookie("n", &3);
    send::<Vec<Pet>>(&client, r).await.unwrap();
    let sent = only_request(&server).await;
    assert_eq!(header(&sent, "x-default"), Some("d"));
    assert_eq!(header(&sent, "x-over"), Some("call"));
    assert_eq!(header(&sent, "x-trace"), Some("a,b"));
    assert!(sent.headers.get("x-none").is_none());
    assert_eq!(header(&sent, "cookie"), Some("theme=dark%20blue; n=3"));
    let ua = header(&sent, "user-agent").unwrap();
    assert_eq!(
        ua,
        format!(
            "sdk-runtime/{} (Test Pets/1.2.3)",
            env!("CARGO_PKG_VERSION")
        )
    );
}

#[tokio::test]
async fn invalid_header_value_is_a_builder_error() {
    let server = server_answering(ok_json(json!([]))).await;
    let client = builder(&server).build().unwrap();
    let mut r = req(&LIST_PETS);
    r.header("x-bad", &"line\nbreak");
    assert!(send_empty(&client, r).await.unwrap_err().is_builder());
    let r = Request::new(&LIST_PETS, CallOptions::new().header("bad name", "v"));
    assert!(send_empty(&client, r).await.unwrap_err().is_builder());
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn json_body_and_response() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/pets"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 7, "name": "rex"})))
        .mount(&server)
        .await;
    let client = builder(&server).build().unwrap();
    let mut r = req(&CREATE_PET);
    r.json_body(&json!({"name": "rex", "tags": ["x"]}), "application/json");
    let created = send::<Pet>(&client, r).await.unwrap();
    assert_eq!(created.status().as_u16(), 201);
    assert_eq!(
        created.into_inner(),
        Pet {
            id: 7,
            name: "rex".into()
        }
    );
    let sent = only_request(&server).await;
    assert_eq!(header(&sent, "content-type"), Some("application/json"));
    assert_eq!(sent.body, br#"{"name":"rex","tags":["x"]}"#);
}

#[tokio::test]
async fn form_body_nests_with_brackets() {
    let server = server_answering(ResponseTemplate::new(204)).await;
    let client = builder(&server).build().unwrap();
    let mut r = req(&CREATE_PET);
    #[derive(serde::Serialize)]
    struct Meta {
        k: &'static str,
        n: Option<u32>,
    }
    #[derive(serde::Serialize)]
    struct Item {
        p: u32,
    }
    #[derive(serde::Serialize)]
    struct Form {
        items: [Item; 2],
        meta: Meta,
        name: &'static str,
    }
    r.form_body(&Form {
        items: [Item { p: 1 }, Item { p: 2 }],
        meta: Meta { k: "v", n: None },
        name: "a b",
    });
    send_empty(&client, r).await.unwrap();
    let sent = only_request(&server).await;
    assert_eq!(
        header(&sent, "content-type"),
        Some("application/x-www-form-urlencoded")
    );
    // Fields in declaration order; `None` adds nothing.
    assert_eq!(
        String::from_utf8(sent.body).unwrap(),
        "items%5B0%5D%5Bp%5D=1&items%5B1%5D%5Bp%5D=2&meta%5Bk%5D=v&name=a%20b"
    );
}

#[derive(serde::Serialize)]
struct Upload {
    caption: String,
    size: u32,
    meta: serde_json::Value,
    missing: Option<String>,
    file: Bytes,
}

#[tokio::test]
async fn multipart_body_has_file_and_text_parts() {
    let server = server_answering(ResponseTemplate::new(204)).await;
    let client = builder(&server).build().unwrap();
    let mut r = req(&UPLOAD);
    r.path_param("petId", &5);
    let body = Upload {
        file: Bytes::from_static(b"\x89PNG\x00\xff"),
        caption: "hi".into(),
        size: 6,
        meta: json!({"a": 1}),
        missing: None,
    };
    r.multipart_body(&body, &["file"]);
    send_empty(&client, r).await.unwrap();
    let sent = only_request(&server).await;
    assert_eq!(sent.url.path(), "/pets/5/photo");
    let content_type = header(&sent, "content-type").unwrap();
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
    let text = String::from_utf8_lossy(&sent.body);
    assert!(text.contains("name=\"file\"; filename=\"file\""), "{text}");
    assert!(text.contains("application/octet-stream"), "{text}");
    let needle: &[u8] = b"\x89PNG\x00\xff";
    assert!(sent.body.windows(needle.len()).any(|w| w == needle));
    assert!(text.contains("name=\"caption\"\r\n\r\nhi\r\n"), "{text}");
    assert!(text.contains("name=\"size\"\r\n\r\n6\r\n"), "{text}");
    assert!(
        text.contains("name=\"meta\"\r\n\r\n{\"a\":1}\r\n"),
        "{text}"
    );
    assert!(!text.contains("missing"), "{text}");
    let position = |name: &str| text.find(&format!("name=\"{name}\"")).unwrap();
    assert!(
        position("caption") < position("size") && position("meta") < position("file"),
        "declaration order"
    );
}

#[tokio::test]
async fn bytes_and_text_bodies() {
    let server = server_answering(
        ResponseTemplate::new(200)
            .set_body_raw(b"\x00\x01raw".to_vec(), "application/octet-stream"),
    )
    .await;
    let client = builder(&server).build().unwrap();
    let mut r = req(&CREATE_PET);
    r.bytes_body(Bytes::from_static(b"\x00\x01"), "application/octet-stream");
    let got = execute(&client, r, decode::bytes, decode::no_error)
        .await
        .unwrap();
    assert_eq!(&got[..], b"\x00\x01raw");
    let mut r = req(&CREATE_PET);
    r.text_body("héllo".into(), "text/plain; charset=utf-8");
    let text = execute(&client, r, decode::text, decode::no_error)
        .await
        .unwrap();
    assert_eq!(*text, "\u{0}\u{1}raw");
    let sent = server.received_requests().await.unwrap();
    assert_eq!(sent[0].body, b"\x00\x01");
    assert_eq!(
        header(&sent[0], "content-type"),
        Some("application/octet-stream")
    );
    assert_eq!(sent[1].body, "héllo".as_bytes());
    assert_eq!(
        header(&sent[1], "content-type"),
        Some("text/plain; charset=utf-8")
    );
}

#[tokio::test]
async fn typed_error_body_and_request_id() {
    let server = server_answering(
        ResponseTemplate::new(404)
            .insert_header("x-request-id", "req_404")
            .set_body_json(json!({"code": "not_found", "message": "no pet"})),
    )
    .await;
    let client = builder(&server).build().unwrap();
    let mut r = req(&GET_PET);
    r.path_param("petId", &9);
    let err = send::<Pet>(&client, r).await.unwrap_err();
    assert!(err.is_status() && !err.is_retryable());
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(err.request_id(), Some("req_404"));
    assert_eq!(err.attempts(), 1);
    assert_eq!(err.body::<ApiError>().unwrap().code, "not_found");
    assert!(err.body::<Pet>().is_none());
    assert_eq!(
        err.body_as::<serde_json::Value>().unwrap()["message"],
        "no pet"
    );
    let shown = err.to_string();
    assert!(
        // The server's own message follows the status.
        shown.starts_with("server returned 404 Not Found: no pet for GET http://127.0.0.1:"),
        "{shown}"
    );
    assert!(shown.ends_with("/pets/9 (request id req_404)"), "{shown}");
}

#[tokio::test]
async fn error_without_request_id_says_so() {
    let server = server_answering(ResponseTemplate::new(400).set_body_string("plain words")).await;
    let client = builder(&server).build().unwrap();
    let err = send::<Pet>(&client, req(&LIST_PETS)).await.unwrap_err();
    assert!(err.to_string().ends_with("(no request id)"), "{err}");
    assert_eq!(err.request_id(), None);
    assert!(err.body::<ApiError>().is_none());
    assert_eq!(err.raw_body(), Some(&b"plain words"[..]));
}

#[tokio::test]
async fn decode_failure_keeps_raw_body_and_request_id() {
    let server = server_answering(
        ResponseTemplate::new(200)
            .insert_header("x-request-id", "req_bad")
            .set_body_string("{\"id\": \"x\"}"),
    )
    .await;
    let client = builder(&server).build().unwrap();
    let err = send::<Pet>(&client, req(&LIST_PETS)).await.unwrap_err();
    assert!(err.is_decode(), "{err:?}");
    assert_eq!(err.raw_body(), Some(&b"{\"id\": \"x\"}"[..]));
    assert_eq!(err.request_id(), Some("req_bad"));
    assert!(std::error::Error::source(&err).is_some());
    assert!(err.to_string().ends_with("(request id req_bad)"));
}

#[tokio::test]
async fn request_id_on_success_with_custom_header() {
    let server = server_answering(
        ok_json(json!({"id": 1, "name": "a"}))
            .insert_header("request-id", "req_ok")
            .insert_header("x-trace", "trace_1"),
    )
    .await;
    // With no setting, `request-id` is one of the common names read.
    let default = builder(&server).build().unwrap();
    let pet = send::<Pet>(&default, req(&LIST_PETS)).await.unwrap();
    assert_eq!(pet.request_id(), Some("req_ok"));
    // A header set by the user is the only one read.
    let custom = builder(&server)
        .request_id_header("X-Trace")
        .build()
        .unwrap();
    let pet = send::<Pet>(&custom, req(&LIST_PETS)).await.unwrap();
    assert_eq!(pet.request_id(), Some("trace_1"));
    let mapped = pet.map(|p| p.id);
    assert_eq!((*mapped, mapped.request_id()), (1, Some("trace_1")));
}

/// Answers `failures` times with 503 (asking for a 1 ms wait), then 200.
async fn flaky(failures: u64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(
            ResponseTemplate::new(503)
                .insert_header("retry-after-ms", "1")
                .insert_header("x-request-id", "req_503"),
        )
        .up_to_n_times(failures)
        .mount(&server)
        .await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ok_json(json!({"id": 1, "name": "ok"})))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn retries_reuse_one_idempotency_key() {
    let server = flaky(2).await;
    let client = builder(&server).build().unwrap();
    let mut r = req(&CREATE_PET);
    r.json_body(&json!({"name": "a"}), "application/json");
    let pet = send::<Pet>(&client, r).await.unwrap();
    assert_eq!(pet.name, "ok");
    let sent = server.received_requests().await.unwrap();
    assert_eq!(sent.len(), 3);
    let keys: Vec<_> = sent
        .iter()
        .map(|r| header(r, "idempotency-key").unwrap().to_owned())
        .collect();
    assert_eq!(keys[0].len(), 36);
    assert!(keys.iter().all(|k| k == &keys[0]), "{keys:?}");
    assert!(sent.iter().all(|r| r.body == br#"{"name":"a"}"#));
}

#[tokio::test]
async fn exhausted_retries_report_attempts() {
    let server = flaky(10).await;
    let client = builder(&server).max_retries(1).build().unwrap();
    let err = send::<Pet>(&client, req(&LIST_PETS)).await.unwrap_err();
    assert!(err.is_status() && err.is_retryable());
    assert_eq!(err.attempts(), 2);
    assert_eq!(err.request_id(), Some("req_503"));
    assert_eq!(err.retry_after(), Some(Duration::from_millis(1)));
    assert!(err.to_string().contains("after 2 attempts"), "{err}");
    let err = send::<Pet>(
        &client,
        Request::new(&LIST_PETS, CallOptions::new().max_retries(0)),
    )
    .await
    .unwrap_err();
    assert_eq!(err.attempts(), 1);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let server = server_answering(ResponseTemplate::new(400)).await;
    let client = builder(&server).build().unwrap();
    let err = send_empty(&client, req(&LIST_PETS)).await.unwrap_err();
    assert_eq!((err.attempts(), err.is_retryable()), (1, false));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn streaming_bodies_are_never_retried() {
    let server = flaky(10).await;
    let client = builder(&server).build().unwrap();
    let chunks = futures::stream::iter([Ok::<_, std::io::Error>(Bytes::from_static(b"chunk"))]);
    let mut r = req(&CREATE_PET);
    r.stream_body(
        reqwest::Body::wrap_stream(chunks),
        "application/octet-stream",
    );
    let err = send_empty(&client, r).await.unwrap_err();
    assert!(
        err.is_retryable(),
        "the status was retryable, the body was not"
    );
    assert_eq!(err.attempts(), 1);
    assert_eq!(only_request(&server).await.body, b"chunk");
}

#[tokio::test]
async fn idempotency_keys() {
    let server = server_answering(ResponseTemplate::new(204)).await;
    let open = Client::builder(&OPEN_API)
        .base_url(server.uri())
        .build()
        .unwrap();
    let client = builder(&server).build().unwrap();
    send_empty(&client, req(&LIST_PETS)).await.unwrap();
    send_empty(
        &client,
        Request::new(&CREATE_PET, CallOptions::new().idempotency_key("order-1")),
    )
    .await
    .unwrap();
    send_empty(&open, req(&CREATE_PET)).await.unwrap();
    let err = send_empty(
        &client,
        Request::new(&CREATE_PET, CallOptions::new().idempotency_key("")),
    )
    .await
    .unwrap_err();
    assert!(err.is_builder(), "{err}");
    let sent = server.received_requests().await.unwrap();
    assert_eq!(sent.len(), 3, "the invalid key never reached the server");
    assert!(
        sent[0].headers.get("idempotency-key").is_none(),
        "GET has no key"
    );
    assert_eq!(header(&sent[1], "idempotency-key"), Some("order-1"));
    assert!(
        header(&sent[2], "x-idempotency").is_some(),
        "the API's own header name"
    );
}

#[tokio::test]
async fn timeouts_are_their_own_kind() {
    let server =
        server_answering(ResponseTemplate::new(200).set_delay(Duration::from_secs(5))).await;
    let client = builder(&server)
        .timeout(Duration::from_millis(50))
        .max_retries(0)
        .build()
        .unwrap();
    let err = send_empty(&client, req(&LIST_PETS)).await.unwrap_err();
    assert!(err.is_timeout() && err.is_retryable(), "{err:?}");
    assert!(
        !err.to_string().contains("request id"),
        "no response, no request id: {err}"
    );
    // The per-call timeout overrides the client's.
    let client = builder(&server)
        .timeout(Duration::from_secs(600))
        .max_retries(0)
        .build()
        .unwrap();
    let r = Request::new(
        &LIST_PETS,
        CallOptions::new().timeout(Duration::from_millis(50)),
    );
    assert!(send_empty(&client, r).await.unwrap_err().is_timeout());
}

#[tokio::test]
async fn connection_failures_are_connect_errors() {
    let client = Client::builder(&API)
        .base_url(closed_port_url())
        .max_retries(0)
        .build()
        .unwrap();
    let err = send_empty(&client, req(&LIST_PETS)).await.unwrap_err();
    assert!(err.is_connect() && err.is_retryable(), "{err:?}");
    assert_eq!(err.status(), None);
}

#[tokio::test]
async fn response_size_is_capped() {
    let server = server_answering(
        ResponseTemplate::new(200)
            .insert_header("x-request-id", "req_big")
            .set_body_string("x".repeat(100)),
    )
    .await;
    let client = builder(&server).max_response_bytes(10).build().unwrap();
    let err = send_empty(&client, req(&LIST_PETS)).await.unwrap_err();
    assert!(err.is_body(), "{err:?}");
    assert_eq!(err.request_id(), Some("req_big"));
    assert!(err.to_string().contains("limit of 10 bytes"), "{err}");
    let client = builder(&server).max_response_bytes(100).build().unwrap();
    send_empty(&client, req(&LIST_PETS)).await.unwrap();
}

#[tokio::test]
async fn base_url_is_required_and_may_have_a_path() {
    let err = Client::builder(&API).build().unwrap_err();
    assert!(
        err.is_config() && err.to_string().contains("base_url"),
        "{err}"
    );
    let server = server_answering(ResponseTemplate::new(204)).await;
    let client = Client::builder(&API)
        .base_url(format!("{}/v1/", server.uri()))
        .build()
        .unwrap();
    send_empty(&client, req(&LIST_PETS)).await.unwrap();
    assert_eq!(only_request(&server).await.url.path(), "/v1/pets");
}

#[test]
fn error_is_small_and_shareable() {
    fn send_sync<T: Send + Sync + 'static>() {}
    send_sync::<Error>();
    send_sync::<Client>();
    send_sync::<Request>();
    send_sync::<sdk_runtime::Response<Pet>>();
    assert_eq!(size_of::<Error>(), size_of::<usize>());
}

#[test]
fn execute_futures_are_send() {
    fn is_send<T: Send>(_: T) {}
    let client = Client::builder(&API)
        .base_url("http://127.0.0.1:9")
        .build()
        .unwrap();
    is_send(send::<Pet>(&client, req(&LIST_PETS)));
}
