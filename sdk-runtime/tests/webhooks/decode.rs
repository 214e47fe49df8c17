//! Typed decoding after verification, and a delivery verified after crossing a real HTTP server.

use super::*;

#[derive(Debug, Deserialize, PartialEq)]
#[serde(tag = "type")]
enum Event {
    #[serde(rename = "user.created")]
    UserCreated { data: User },
    #[serde(rename = "user.deleted")]
    UserDeleted { data: User },
    #[serde(other)]
    Unknown,
}

#[derive(Debug, Deserialize, PartialEq)]
struct User {
    email: String,
}

fn signed(body: &[u8]) -> HeaderMap {
    standard()
        .signed_headers("msg_typed", TS, body)
        .expect("headers")
}

#[test]
fn verify_and_decode_into_typed_event() {
    let body = br#"{"type":"user.created","timestamp":"2022-11-03T20:26:10Z","data":{"email":"a@example.com"}}"#;
    let event: Event =
        webhooks::verify_and_decode_at(&standard(), &signed(body), body, at(TS)).expect("decodes");
    assert_eq!(
        event,
        Event::UserCreated {
            data: User {
                email: "a@example.com".into()
            }
        }
    );
}

#[test]
fn unknown_event_type_decodes_to_fallback() {
    let body = br#"{"type":"invoice.exploded","data":{"anything":[1,2,3]}}"#;
    let event: Event =
        webhooks::verify_and_decode_at(&standard(), &signed(body), body, at(TS)).expect("decodes");
    assert_eq!(event, Event::Unknown);
}

#[test]
fn decode_errors_carry_serde_message_and_come_after_verification() {
    let body = br#"{"type":"user.created","data":{"name":"no email"}}"#;
    let err = webhooks::verify_and_decode_at::<Event, _>(&standard(), &signed(body), body, at(TS))
        .expect_err("bad");
    assert_eq!(err.kind(), WebhookErrorKind::Decode);
    assert!(err.to_string().contains("missing field `email`"), "{err}");
    assert!(std::error::Error::source(&err).is_some());

    // An unsigned body is never parsed: the verification error wins over the (also failing) decode.
    let err =
        webhooks::verify_and_decode_at::<Event, _>(&standard(), &signed(body), b"not json", at(TS));
    assert_eq!(kind(err), WebhookErrorKind::NoMatchingSignature);
}

#[test]
fn generated_code_can_hold_any_verifier() {
    let body = br#"{"type":"user.deleted","data":{"email":"b@example.com"}}"#;
    let verifiers: Vec<(Arc<dyn Verifier>, HeaderMap)> = vec![
        (Arc::new(standard()), signed(body)),
        (
            Arc::new(stripe()),
            stripe().signed_headers(TS, body).expect("headers"),
        ),
    ];
    for (verifier, headers) in &verifiers {
        let event: Event =
            webhooks::verify_and_decode_at(verifier, headers, body, at(TS)).expect("decodes");
        assert_eq!(
            event,
            Event::UserDeleted {
                data: User {
                    email: "b@example.com".into()
                }
            }
        );
        let by_ref: &dyn Verifier = &**verifier;
        assert!(by_ref.verify_at(headers, body, at(TS)).is_ok());
    }
    // The clock-reading entry point accepts a delivery signed just now.
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs();
    let headers = standard()
        .signed_headers("msg_now", i64::try_from(now).expect("fits"), body)
        .expect("headers");
    let event: Event = webhooks::verify_and_decode(&standard(), &headers, body).expect("decodes");
    assert!(matches!(event, Event::UserDeleted { .. }));
}

/// Sends a signed delivery through a real HTTP server and verifies what the server received.
#[tokio::test]
async fn verifies_a_delivery_received_over_http() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/hooks"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;

    let sender = StandardWebhooks::new(OTHER_SECRET).expect("valid secret");
    let body =
        b"{\"type\": \"user.created\",\n  \"data\": {\"email\": \"wire@example.com\"}}".to_vec();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs();
    let now = i64::try_from(now).expect("fits");
    let headers = sender
        .signed_headers("msg_wire", now, &body)
        .expect("headers");
    let response = sdk_runtime::http_client_builder()
        .build()
        .expect("an HTTP client")
        .post(format!("{}/hooks", server.uri()))
        .headers(headers)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 204);

    let received = server.received_requests().await.expect("recording on");
    let [request] = received.as_slice() else {
        panic!("expected one request, got {}", received.len())
    };
    let endpoint = StandardWebhooks::new(OTHER_SECRET).expect("valid secret");
    let verified = endpoint
        .verify(&request.headers, &request.body)
        .expect("authentic delivery");
    assert_eq!(verified.id(), Some("msg_wire"));
    let event: Event = webhooks::decode(&request.body).expect("decodes");
    assert_eq!(
        event,
        Event::UserCreated {
            data: User {
                email: "wire@example.com".into()
            }
        }
    );

    // Re-serializing the parsed JSON changes the bytes, and with them the signature.
    let value: serde_json::Value = serde_json::from_slice(&request.body).expect("json");
    let reencoded = serde_json::to_vec(&value).expect("json");
    assert_eq!(
        kind(endpoint.verify(&request.headers, &reencoded)),
        WebhookErrorKind::NoMatchingSignature
    );
}
