//! Credentials on the wire for every scheme kind, scheme selection,
//! providers and rotation.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use sdk_runtime::{BoxError, Client, Credentials};
use support::*;
use wiremock::matchers::header as has_header;
use wiremock::{Mock, MockServer, Request as Seen, Respond, ResponseTemplate};

async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn api_key_is_sent_as_bearer_for_bearer_schemes() {
    let server = server().await;
    let client = builder(&server).api_key("k_123").build().unwrap();
    send_empty(&client, req(&LIST_PETS)).await.unwrap();
    let sent = only_request(&server).await;
    assert_eq!(header(&sent, "authorization"), Some("Bearer k_123"));
}

#[tokio::test]
async fn bearer_token_wins_over_api_key_for_bearer() {
    let server = server().await;
    let client = builder(&server)
        .api_key("key")
        .bearer_token("tok")
        .build()
        .unwrap();
    send_empty(&client, req(&BEARER_AND_HEADER)).await.unwrap();
    let sent = only_request(&server).await;
    assert_eq!(header(&sent, "authorization"), Some("Bearer tok"));
    assert_eq!(
        header(&sent, "x-api-key"),
        Some("key"),
        "both schemes of the alternative"
    );
}

#[tokio::test]
async fn basic_auth() {
    let server = server().await;
    let client = builder(&server).basic_auth("ann", "pw").build().unwrap();
    send_empty(&client, req(&BASIC_AUTH)).await.unwrap();
    // base64("ann:pw")
    assert_eq!(
        header(&only_request(&server).await, "authorization"),
        Some("Basic YW5uOnB3")
    );
}

#[tokio::test]
async fn api_key_in_header_query_and_cookie() {
    let server = server().await;
    let client = builder(&server).api_key("k&1 ;x").build().unwrap();
    send_empty(&client, req(&BASIC_OR_HEADER)).await.unwrap();
    let mut q = req(&QUERY_AUTH);
    q.query("page", &2, QueryStyle::Form);
    send_empty(&client, q).await.unwrap();
    let mut c = req(&COOKIE_AUTH);
    c.cookie("theme", &"dark");
    send_empty(&client, c).await.unwrap();
    let sent = server.received_requests().await.unwrap();
    assert_eq!(
        header(&sent[0], "x-api-key"),
        Some("k&1 ;x"),
        "basic has no credential, so the key alternative"
    );
    assert!(sent[0].headers.get("authorization").is_none());
    assert_eq!(sent[1].url.query(), Some("page=2&api_key=k%261%20%3Bx"));
    assert!(sent[1].headers.get("authorization").is_none());
    assert_eq!(
        header(&sent[2], "cookie"),
        Some("theme=dark; session=k&1%20%3Bx")
    );
}

#[tokio::test]
async fn first_satisfied_alternative_wins() {
    let server = server().await;
    let client = builder(&server)
        .api_key("key")
        .basic_auth("u", "p")
        .build()
        .unwrap();
    send_empty(&client, req(&BASIC_OR_HEADER)).await.unwrap();
    let sent = only_request(&server).await;
    assert!(
        header(&sent, "authorization")
            .unwrap()
            .starts_with("Basic ")
    );
    assert!(sent.headers.get("x-api-key").is_none());
}

#[tokio::test]
async fn unauthenticated_operations_and_missing_credentials() {
    let server = server().await;
    let client = builder(&server).api_key("key").build().unwrap();
    send_empty(&client, req(&PUBLIC)).await.unwrap();
    let anonymous = builder(&server).build().unwrap();
    send_empty(&anonymous, req(&LIST_PETS)).await.unwrap();
    let sent = server.received_requests().await.unwrap();
    assert!(
        sent.iter()
            .all(|r| r.headers.get("authorization").is_none())
    );
}

#[tokio::test]
async fn api_without_schemes_sends_the_key_as_bearer() {
    let server = server().await;
    let client = Client::builder(&OPEN_API)
        .base_url(server.uri())
        .api_key("open_key")
        .build()
        .unwrap();
    send_empty(&client, req(&LIST_PETS)).await.unwrap();
    assert_eq!(
        header(&only_request(&server).await, "authorization"),
        Some("Bearer open_key")
    );
}

#[tokio::test]
async fn credential_with_newline_is_a_builder_error_without_the_secret() {
    let server = server().await;
    let client = builder(&server).api_key("abc\ndef").build().unwrap();
    let err = send_empty(&client, req(&LIST_PETS)).await.unwrap_err();
    assert!(err.is_builder());
    assert!(!format!("{err} {err:?}").contains("abc"), "{err:?}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn provider_is_asked_before_every_attempt() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after-ms", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let client = builder(&server)
        .credentials_provider(move || -> Result<Credentials, BoxError> {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            Ok(Credentials::bearer(format!("token-{n}")))
        })
        .build()
        .unwrap();
    assert!(format!("{client:?}").contains("<provider>"));
    send_empty(&client, req(&LIST_PETS)).await.unwrap();
    let sent = server.received_requests().await.unwrap();
    assert_eq!(header(&sent[0], "authorization"), Some("Bearer token-0"));
    assert_eq!(header(&sent[1], "authorization"), Some("Bearer token-1"));
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn failing_provider_is_a_config_error() {
    let server = server().await;
    let client = builder(&server)
        .credentials_provider(|| -> Result<Credentials, BoxError> { Err("vault sealed".into()) })
        .build()
        .unwrap();
    let err = send_empty(&client, req(&LIST_PETS)).await.unwrap_err();
    assert!(err.is_config() && !err.is_retryable(), "{err:?}");
    assert_eq!(
        std::error::Error::source(&err).unwrap().to_string(),
        "vault sealed"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

/// Accepts only `Bearer new`; the first time it sees the old key it rotates
/// the client (as an operator would, mid-call) and asks for a retry.
struct Rotating {
    client: Client,
}

impl Respond for Rotating {
    fn respond(&self, request: &Seen) -> ResponseTemplate {
        match request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
        {
            Some("Bearer new") => {
                ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": 1, "name": "ok"}))
            }
            _ => {
                self.client.set_credentials(Credentials::api_key("new"));
                ResponseTemplate::new(503).insert_header("retry-after-ms", "1")
            }
        }
    }
}

#[tokio::test]
async fn rotation_applies_to_the_next_attempt_and_all_clones() {
    let server = MockServer::start().await;
    let client = builder(&server).api_key("old").build().unwrap();
    Mock::given(wiremock::matchers::any())
        .respond_with(Rotating {
            client: client.clone(),
        })
        .mount(&server)
        .await;
    let pet = send::<Pet>(&client, req(&LIST_PETS)).await.unwrap();
    assert_eq!(pet.name, "ok");
    let sent = server.received_requests().await.unwrap();
    let auth: Vec<_> = sent
        .iter()
        .map(|r| header(r, "authorization").unwrap())
        .collect();
    assert_eq!(
        auth,
        ["Bearer old", "Bearer new"],
        "the attempt in flight kept the old key"
    );
    // The switch is visible to every clone and to later calls.
    let clone = client.clone();
    send::<Pet>(&clone, req(&LIST_PETS)).await.unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn server_accepting_only_the_new_key() {
    let server = MockServer::start().await;
    Mock::given(has_header("authorization", "Bearer key-2"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let client = builder(&server).api_key("key-1").build().unwrap();
    let other = builder(&server).api_key("key-2").build().unwrap();
    let err = send_empty(&client, req(&LIST_PETS)).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    send_empty(&other, req(&LIST_PETS)).await.unwrap();
    let clone = client.clone();
    clone.set_credentials(Credentials::api_key("key-2"));
    send_empty(&client, req(&LIST_PETS)).await.unwrap();
    // A separate client keeps its own key.
    let third = builder(&server).api_key("key-3").build().unwrap();
    assert!(send_empty(&third, req(&LIST_PETS)).await.is_err());
}
