//! Every construct of `spec/kitchen-sink.yaml`, called through the generated client against
//! a loopback wiremock server: the exact request on the wire, and the decoded answers.

use sdk_runtime::types::Binary;
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

mod sink {
    sdk_runtime::generate_client!("../spec/kitchen-sink.yaml");
}

use sink::types;

const KEY: &str = "ks_live_0123456789abcdef";

/// A server answering every request with `response`, and a client pointed at it.
async fn serve(response: ResponseTemplate) -> (MockServer, sink::Client) {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(response)
        .mount(&server)
        .await;
    let client = sink::Client::builder()
        .base_url(server.uri())
        .api_key(KEY)
        .basic_auth("ada", "hunter2")
        .max_retries(0)
        .build()
        .expect("client builds");
    (server, client)
}

async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.expect("recording is on");
    assert_eq!(requests.len(), 1, "exactly one request");
    requests.remove(0)
}

fn header<'r>(request: &'r Request, name: &str) -> Option<&'r str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

fn thing_json() -> serde_json::Value {
    json!({
        "id": "6f1c1b2e-8f5e-4a63-9c1e-2f9b8d6a4e10",
        "name": "widget",
        "kind": "=",
        "created_at": "2026-11-27T10:00:00+01:00",
        "self": "me",
        "type": "gadget",
        "Name": "WIDGET",
        "2fa": true,
        "shape": {"shape_type": "circle", "radius": 1.5},
        "value": 3.0,
        "labels": {"a": "b"},
        "anything": [1, "two"],
        "children": [{"name": "child", "kind": "small", "created_at": "2026-01-01T00:00:00Z", "self": "c", "type": "t"}],
        "owner": {"name": "Ada", "address": {"city": "London"}},
        "future_field": "ignored"
    })
}

#[tokio::test]
async fn list_encodes_every_parameter_style() {
    let body = json!({"data": [thing_json()], "next": null});
    let (server, client) = serve(
        ResponseTemplate::new(200)
            .set_body_json(&body)
            .insert_header("x-request-id", "req_list_1"),
    )
    .await;
    let filter = types::Filter {
        color: Some("dark red".into()),
        size: Some(3),
    };
    let page = client
        .things()
        .list_things()
        .limit(10)
        .tags(&["a".into(), "b c".into()])
        .ids(&[1, 2])
        .filter(&filter)
        .sort(&types::SortOrder::Asc)
        .x_trace_token("trace-1")
        .session("s1")
        .await
        .expect("list succeeds");

    assert_eq!(page.request_id(), Some("req_list_1"));
    assert_eq!(page.status(), 200);
    assert_eq!(page.data.len(), 1);
    let thing = &page.data[0];
    assert_eq!(thing.kind, types::Kind::Eq);
    assert_eq!(thing.self_, "me");
    assert_eq!(thing.r#type, "gadget");
    assert_eq!(thing.name2.as_deref(), Some("WIDGET"));
    assert_eq!(thing.field_2fa, Some(true));
    assert!(matches!(&thing.shape, Some(types::Shape::Circle(c)) if c.radius == 1.5));
    assert!(matches!(thing.value, Some(types::StringOrNumber::Number(n)) if n == 3.0));
    assert_eq!(thing.children.as_ref().map(Vec::len), Some(1));
    assert_eq!(
        thing
            .owner
            .as_ref()
            .and_then(|o| o.address.as_ref())
            .and_then(|a| a.city.as_deref()),
        Some("London")
    );

    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(request.url.path(), "/things");
    assert_eq!(
        request.url.query(),
        Some(
            "limit=10&tags=a&tags=b%20c&ids=1,2&filter%5Bcolor%5D=dark%20red&filter%5Bsize%5D=3&sort=asc"
        )
    );
    assert_eq!(header(&request, "x-trace-token"), Some("trace-1"));
    assert_eq!(header(&request, "cookie"), Some("session=s1"));
    assert_eq!(
        header(&request, "authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    let agent = header(&request, "user-agent").expect("a user agent");
    assert!(agent.starts_with("sdk-runtime/"), "{agent}");
    assert!(agent.contains("Kitchen Sink"), "{agent}");
}

#[tokio::test]
async fn range_status_decodes_typed_error() {
    let (_server, client) = serve(
        ResponseTemplate::new(418)
            .set_body_json(json!({"code": "teapot"}))
            .insert_header("x-request-id", "req_418"),
    )
    .await;
    let err = client
        .things()
        .list_things()
        .await
        .expect_err("4XX is an error");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(418));
    assert_eq!(err.request_id(), Some("req_418"));
    assert_eq!(
        err.body::<types::Problem>().map(|p| p.code.as_str()),
        Some("teapot")
    );
    assert!(err.to_string().contains("req_418"), "{err}");
}

/// Sends `create_thing` with the fixture thing to a server that answers with `template`.
async fn create_thing_answered(
    template: ResponseTemplate,
) -> (
    MockServer,
    sdk_runtime::Result<sdk_runtime::Response<types::CreateThingResponse>>,
) {
    let (server, client) = serve(template).await;
    let new_thing: types::Thing = serde_json::from_value(thing_json()).expect("fixture decodes");
    let answer = client.things().create_thing(&new_thing).await;
    (server, answer)
}

#[tokio::test]
async fn several_success_types_decode_by_status() {
    let (server, created) =
        create_thing_answered(ResponseTemplate::new(201).set_body_json(thing_json())).await;
    let created = created.expect("created");
    assert!(
        matches!(&*created, types::CreateThingResponse::Created(t) if t.name2.as_deref() == Some("WIDGET"))
    );
    assert_eq!(created.request_id(), None);

    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(header(&request, "content-type"), Some("application/json"));
    let sent: serde_json::Value = serde_json::from_slice(&request.body).expect("JSON body");
    assert_eq!(sent["kind"], "=");
    assert_eq!(sent["2fa"], true);
    assert!(sent.get("future_field").is_none());
    assert!(
        sent.get("nickname").is_none(),
        "absent optional fields are not sent"
    );
    assert!(header(&request, "idempotency-key").is_some_and(|k| !k.is_empty()));

    let (_server, existing) = create_thing_answered(
        ResponseTemplate::new(200)
            .set_body_json(json!({"id": "t1", "since": "2026-11-27T00:00:00Z"})),
    )
    .await;
    let existing = existing.expect("existing");
    match existing.into_inner() {
        types::CreateThingResponse::Ok(e) => assert_eq!(e.id, "t1"),
        other => panic!("expected the 200 variant, got {other:?}"),
    }
}

#[tokio::test]
async fn several_error_types_decode_by_status() {
    let (_server, conflict) = create_thing_answered(
        ResponseTemplate::new(409)
            .set_body_json(json!({"existing_id": "t9"}))
            .insert_header("x-request-id", "req_409"),
    )
    .await;
    let err = conflict.expect_err("conflict");
    assert_eq!(err.request_id(), Some("req_409"));
    assert!(
        matches!(err.body::<types::CreateThingError>(), Some(types::CreateThingError::Conflict(c)) if c.existing_id == "t9")
    );

    let (_server, failed) =
        create_thing_answered(ResponseTemplate::new(500).set_body_json(json!({"code": "boom"})))
            .await;
    let err = failed.expect_err("server error");
    assert!(
        matches!(err.body::<types::CreateThingError>(), Some(types::CreateThingError::Default(p)) if p.code == "boom")
    );
    assert!(err.to_string().contains("no request id"), "{err}");
}

#[tokio::test]
async fn undecodable_body_keeps_raw_bytes() {
    let (_server, client) =
        serve(ResponseTemplate::new(200).set_body_string("{\"data\": 42}")).await;
    let err = client
        .things()
        .list_things()
        .await
        .expect_err("wrong shape");
    assert!(err.is_decode());
    assert_eq!(err.raw_body(), Some(&b"{\"data\": 42}"[..]));
}

#[tokio::test]
async fn path_segments_are_encoded_and_vendor_json_decodes_recursively() {
    let (server, client) = serve(ResponseTemplate::new(200).set_body_json(json!({
        "label": "root", "parent": {"label": "up"}, "children": [{"label": "leaf"}]
    })))
    .await;
    let node = client
        .things()
        .get_part("a b/c?", 7, "wheel")
        .await
        .expect("part");
    assert_eq!(node.parent.as_ref().map(|p| p.label.as_str()), Some("up"));
    assert_eq!(
        node.children.as_ref().map(|c| c[0].label.as_str()),
        Some("leaf")
    );
    let request = only_request(&server).await;
    assert_eq!(request.url.path(), "/things/a%20b%2Fc%3F/parts/7");
    assert_eq!(request.url.query(), Some("type=wheel"));
}

#[tokio::test]
async fn empty_error_body_is_a_status_error() {
    let (_server, client) = serve(ResponseTemplate::new(404)).await;
    let err = client
        .things()
        .get_part("x", 1, "y")
        .await
        .expect_err("404");
    assert!(err.is_status());
    assert!(!err.is_retryable());
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(err.attempts(), 1);
}

#[tokio::test]
async fn delete_with_no_content() {
    let (server, client) = serve(ResponseTemplate::new(204)).await;
    let response = client.things().delete_part("t1", 3).await.expect("deleted");
    assert_eq!(response.status(), 204);
    assert_eq!(only_request(&server).await.method.as_str(), "DELETE");
}

/// `send()` and `.await` give a named future that can be stored; nothing goes out before it
/// is polled, and each future sends its own request.
#[tokio::test]
async fn response_futures_are_lazy_and_storable() {
    let (server, client) = serve(ResponseTemplate::new(204)).await;
    let things = client.things();
    let pending: Vec<sdk_runtime::ResponseFuture<'_, ()>> = vec![
        things.delete_part("t1", 1).send(),
        std::future::IntoFuture::into_future(things.delete_part("t2", 2)),
    ];
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let sent = server.received_requests().await.expect("recording is on");
    assert!(sent.is_empty(), "a future sent before it was polled");
    for response in futures::future::join_all(pending).await {
        assert_eq!(response.expect("deleted").status(), 204);
    }
    let mut paths: Vec<String> = server
        .received_requests()
        .await
        .expect("recording is on")
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect();
    paths.sort();
    assert_eq!(paths.len(), 2, "{paths:?}");
    assert!(
        paths[0].contains("t1") && paths[1].contains("t2"),
        "{paths:?}"
    );
}

#[tokio::test]
async fn nested_form_with_basic_auth_and_text_answer() {
    let (server, client) = serve(ResponseTemplate::new(200).set_body_string("received")).await;
    let form = types::FormBody {
        amount: 5,
        metadata: Some(types::FormBodyMetadata {
            order: Some("o 1".into()),
            nested: Some(types::FormBodyMetadataNested {
                deep: Some("y".into()),
            }),
        }),
        items: Some(vec!["a".into(), "b".into()]),
    };
    let text = client.submit_form(&form).await.expect("form accepted");
    assert_eq!(text.as_str(), "received");
    let request = only_request(&server).await;
    assert_eq!(
        header(&request, "content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        String::from_utf8_lossy(&request.body),
        "amount=5&metadata%5Border%5D=o%201&metadata%5Bnested%5D%5Bdeep%5D=y&items%5B0%5D=a&items%5B1%5D=b"
    );
    // basic auth: base64("ada:hunter2")
    assert_eq!(
        header(&request, "authorization"),
        Some("Basic YWRhOmh1bnRlcjI=")
    );
}

#[tokio::test]
async fn multipart_upload_with_key_in_query() {
    let (server, client) = serve(ResponseTemplate::new(200).set_body_json(thing_json())).await;
    let body = types::UploadFileBody {
        file: Binary::from(&b"\x00\x01binary"[..]),
        purpose: Some("backup".into()),
        meta: Some(types::UploadFileBodyMeta { size: Some(8) }),
    };
    let stored = client.files().upload_file(&body).await.expect("uploaded");
    assert_eq!(stored.name2.as_deref(), Some("WIDGET"));
    let request = only_request(&server).await;
    assert_eq!(request.url.query(), Some(format!("api_key={KEY}").as_str()));
    assert!(header(&request, "authorization").is_none());
    let content_type = header(&request, "content-type").unwrap_or_default();
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
    let raw = &request.body;
    let find = |needle: &[u8]| raw.windows(needle.len()).any(|w| w == needle);
    assert!(find(b"name=\"file\""));
    assert!(find(b"\x00\x01binary"));
    assert!(find(b"name=\"purpose\"\r\n\r\nbackup"));
    assert!(find(b"{\"size\":8}"));
}

#[tokio::test]
async fn octet_stream_both_ways_with_cookie_key() {
    let (server, client) = serve(ResponseTemplate::new(200).set_body_bytes(vec![9u8, 8, 7])).await;
    let bytes = client
        .files()
        .put_files_name_raw("report.bin")
        .body(vec![1u8, 2, 3])
        .await
        .expect("stored");
    assert_eq!(&bytes[..], &[9, 8, 7]);
    let request = only_request(&server).await;
    assert_eq!(request.url.path(), "/files/report.bin/raw");
    assert_eq!(request.body, vec![1, 2, 3]);
    assert_eq!(
        header(&request, "content-type"),
        Some("application/octet-stream")
    );
    assert_eq!(
        header(&request, "cookie"),
        Some(format!("token={KEY}").as_str())
    );
}

#[tokio::test]
async fn operations_without_security_send_no_credentials() {
    let (server, client) = serve(ResponseTemplate::new(200)).await;
    client.ping().await.expect("pong");
    let request = only_request(&server).await;
    assert!(header(&request, "authorization").is_none());
    assert!(header(&request, "x-api-key").is_none());
    assert_eq!(request.url.query(), None);
}

#[test]
fn unknown_values_decode_to_fallbacks() {
    let kind: types::Kind = serde_json::from_value(json!("medium")).expect("unknown enum value");
    assert_eq!(kind, types::Kind::Unknown("medium".into()));
    let kinds: Vec<types::Kind> =
        serde_json::from_value(json!(["small", "SMALL", "!=", ""])).expect("known");
    assert_eq!(
        kinds,
        [
            types::Kind::Small,
            types::Kind::Small2,
            types::Kind::NotEq,
            types::Kind::Value
        ]
    );
    assert_eq!(
        serde_json::to_value(types::Kind::NotEq).expect("serializes"),
        json!("!=")
    );

    let shape: types::Shape =
        serde_json::from_value(json!({"shape_type": "hexagon", "sides": 6})).expect("unknown tag");
    assert!(matches!(shape, types::Shape::Unknown(v) if v["sides"] == 6));
    let square: types::Shape =
        serde_json::from_value(json!({"shape_type": "square", "side": 2.0})).expect("square");
    assert!(matches!(square, types::Shape::Square(s) if s.side == 2.0));
    let value: types::StringOrNumber = serde_json::from_value(json!("x")).expect("string arm");
    assert!(matches!(value, types::StringOrNumber::String(s) if s == "x"));
}

#[test]
fn client_debug_never_shows_the_key() {
    let client = sink::Client::builder()
        .api_key(KEY)
        .build()
        .expect("the document's server is the default base URL");
    let debug = format!("{client:?}");
    assert!(!debug.contains(&KEY[8..]), "{debug}");
    assert!(debug.contains("https://eu.example.com/v2"), "{debug}");
}

#[tokio::test]
async fn a_key_per_scheme_wins_over_the_shared_key() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(thing_json()))
        .mount(&server)
        .await;
    let client = sink::Client::builder()
        .base_url(server.uri())
        .api_key(KEY)
        .scheme_key("apiKeyQuery", "query-only-secret")
        .build()
        .expect("client builds");
    let body = types::UploadFileBody {
        file: Binary::from("x"),
        purpose: None,
        meta: None,
    };
    client.files().upload_file(&body).await.expect("uploaded");
    client
        .things()
        .list_things()
        .await
        .expect_err("a thing is not a page");
    let requests = server.received_requests().await.expect("recorded");
    assert_eq!(requests[0].url.query(), Some("api_key=query-only-secret"));
    assert_eq!(
        header(&requests[1], "authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert!(!format!("{client:?}").contains("query-only-secret"));
}
