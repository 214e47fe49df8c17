//! Idempotency keys on the wire: one key per logical call, the same on every attempt; the
//! caller's own key sent unchanged; none on `GET`; the header name the spec declares.

use axum::http::Method;
use sdk_tests::server::{FaultConfig, FaultKind, IDEMPOTENT_REPLAYED};
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::api;
use crate::support::{TestResult, example_with_user, new_order, seen};

/// A document whose idempotency header is `X-Idempotency-Token`.
mod custom {
    sdk_runtime::generate_client!("tests/reliability/custom_key.yaml");
}

#[tokio::test]
async fn callers_key_is_sent_unchanged_on_every_attempt() -> TestResult {
    use FaultKind::{DropAfterCommit, RateLimited, Unavailable};
    let faults = FaultConfig::default()
        .script([Unavailable, RateLimited, DropAfterCommit])
        .route(Method::POST, "/orders");
    let (server, client, user) = example_with_user(faults).await?;
    let order = client
        .orders()
        .create_order(&new_order(&user, 700))
        .idempotency_key("order-abc-123")
        .max_retries(3)
        .await?;
    // The fourth attempt found the answer the dropped third one had stored.
    let replayed = order.headers().get(IDEMPOTENT_REPLAYED);
    assert_eq!(replayed.and_then(|v| v.to_str().ok()), Some("true"));
    assert_eq!(server.state().order_count(), 1);
    let attempts = seen(&server, "POST", "/orders");
    let keys: Vec<Option<&str>> = attempts
        .iter()
        .map(|r| r.idempotency_key.as_deref())
        .collect();
    assert_eq!(keys, [Some("order-abc-123"); 4]);
    let faults: Vec<Option<FaultKind>> = attempts.iter().map(|r| r.fault).collect();
    assert_eq!(
        faults,
        [
            Some(Unavailable),
            Some(RateLimited),
            Some(DropAfterCommit),
            None
        ]
    );
    Ok(())
}

#[tokio::test]
async fn a_generated_key_is_minted_once_per_call() -> TestResult {
    let faults = FaultConfig::default()
        .script([FaultKind::Unavailable, FaultKind::Unavailable])
        .route(Method::POST, "/orders");
    let (server, client, user) = example_with_user(faults).await?;
    // The first call meets two 503s and succeeds on its third attempt; the second succeeds at once.
    for amount in [1, 2] {
        client
            .orders()
            .create_order(&new_order(&user, amount))
            .await?;
    }
    let keys: Vec<String> = seen(&server, "POST", "/orders")
        .into_iter()
        .filter_map(|r| r.idempotency_key)
        .collect();
    assert_eq!(keys.len(), 4, "{keys:?}");
    assert!(
        keys[..3].iter().all(|k| *k == keys[0]),
        "one key for all attempts: {keys:?}"
    );
    assert_ne!(keys[0], keys[3], "a new call gets a new key");
    for key in &keys {
        let uuid = sdk_runtime::types::Uuid::parse_str(key)?;
        assert_eq!(uuid.get_version_num(), 4, "{key}");
    }
    assert_eq!(server.state().order_count(), 2);
    Ok(())
}

#[tokio::test]
async fn gets_carry_no_key_even_when_retried() -> TestResult {
    let faults = FaultConfig::default()
        .script([FaultKind::Unavailable])
        .route(Method::GET, "/users/{user_id}");
    let (server, client, user) = example_with_user(faults).await?;
    client.users().get_user(&user).await?;
    client.orders().list_orders().limit(5).await?;
    client.users().list_users().await?;
    client.orders().create_order(&new_order(&user, 3)).await?;
    let requests = server.state().requests();
    let gets: Vec<_> = requests
        .iter()
        .filter(|r| r.method == Method::GET)
        .collect();
    assert_eq!(gets.len(), 4, "the get_user retry included");
    for get in gets {
        assert_eq!(get.idempotency_key, None, "{get:?}");
        assert!(!get.headers.contains_key("idempotency-key"));
    }
    let posts = requests.iter().filter(|r| r.method == Method::POST);
    assert!(posts.clone().count() == 2 && posts.clone().all(|r| r.idempotency_key.is_some()));
    Ok(())
}

#[tokio::test]
async fn the_spec_declared_header_name_is_used() -> TestResult {
    assert_eq!(api::API.idempotency_header, Some("Idempotency-Key"));
    assert_eq!(custom::API.idempotency_header, Some("X-Idempotency-Token"));

    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": "pay_1"})))
        .mount(&server)
        .await;
    let client = custom::Client::builder().base_url(server.uri()).build()?;
    let body = custom::types::NewPayment { amount: 5 };
    client.create_payment(&body).await?;
    client
        .create_payment(&body)
        .idempotency_key("pay-42")
        .await?;
    // The builder setting beats the document.
    let renamed = custom::Client::builder()
        .base_url(server.uri())
        .idempotency_header("Other-Key")
        .build()?;
    renamed.create_payment(&body).await?;

    let requests = server.received_requests().await.unwrap_or_default();
    let token = |i: usize| {
        requests
            .get(i)
            .and_then(|r| r.headers.get("x-idempotency-token"))
            .and_then(|v| v.to_str().ok())
    };
    assert_eq!(requests.len(), 3);
    assert_eq!(token(0).map(str::len), Some(36), "a generated UUID");
    assert_eq!(token(1), Some("pay-42"));
    assert_eq!(token(2), None);
    assert!(requests[2].headers.contains_key("other-key"));
    let default_name = requests
        .iter()
        .filter(|r| r.headers.contains_key("idempotency-key"))
        .count();
    assert_eq!(default_name, 0, "never the default name as well");
    Ok(())
}

#[tokio::test]
async fn an_invalid_callers_key_is_a_builder_error_and_sends_nothing() -> TestResult {
    let (server, client, user) = example_with_user(FaultConfig::default()).await?;
    let too_long = "k".repeat(256);
    for bad in ["", "two words", too_long.as_str()] {
        let err = client
            .orders()
            .create_order(&new_order(&user, 1))
            .idempotency_key(bad)
            .await
            .err()
            .ok_or("an invalid key must be rejected")?;
        assert!(err.is_builder(), "{bad:?}: {err}");
        assert_eq!(err.attempts(), 0);
        assert!(err.to_string().contains("idempotency key"), "{err}");
    }
    assert!(seen(&server, "POST", "/orders").is_empty());
    assert_eq!(server.state().order_count(), 0);
    Ok(())
}
