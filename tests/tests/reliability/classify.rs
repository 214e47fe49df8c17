//! Which answers are retried, counted on a wiremock server: every other `4xx` exactly once,
//! `429` and `5xx` up to the budget, `x-should-retry` overriding both, per-call budgets.

use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::api;
use crate::support::{DEFAULT_ATTEMPTS, TestResult, client, new_order};

/// A typed error body as the spec's `Error` schema describes it.
fn error_answer(status: u16) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({
        "code": "injected",
        "message": format!("status {status}"),
    }))
}

/// A server answering every request with `template`.
async fn always(template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(template)
        .mount(&server)
        .await;
    server
}

async fn attempts_seen(server: &MockServer) -> usize {
    server.received_requests().await.map_or(0, |r| r.len())
}

/// Creates an order (`POST`) and fetches a user (`GET`) against `server`; returns both errors.
async fn post_and_get(server: &MockServer) -> Result<[sdk_runtime::Error; 2], String> {
    let client = client(&server.uri(), "key_test").map_err(|e| e.to_string())?;
    let post = client
        .orders()
        .create_order(&new_order("usr_000001", 5))
        .await;
    let get = client.users().get_user("usr_000001").await;
    match (post, get) {
        (Err(post), Err(get)) => Ok([post, get]),
        (post, get) => Err(format!("expected two errors, got {post:?} and {get:?}")),
    }
}

#[tokio::test]
async fn client_errors_are_attempted_exactly_once() -> TestResult {
    for status in [400, 401, 403, 404, 409, 422] {
        let server = always(error_answer(status)).await;
        for err in post_and_get(&server).await? {
            assert!(err.is_status(), "{status}: {err}");
            assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
            assert_eq!(err.attempts(), 1, "{status}: {err}");
            assert!(!err.is_retryable(), "{status}: {err}");
            let body = err.body::<api::types::Error>();
            assert_eq!(body.map(|b| b.code.as_str()), Some("injected"), "{status}");
        }
        assert_eq!(
            attempts_seen(&server).await,
            2,
            "{status}: one POST, one GET"
        );
    }
    Ok(())
}

#[tokio::test]
async fn server_errors_and_rate_limits_are_retried_up_to_the_budget() -> TestResult {
    for status in [500, 502, 503, 504, 429] {
        let server = always(error_answer(status).insert_header("retry-after", "0")).await;
        for err in post_and_get(&server).await? {
            assert!(err.is_status(), "{status}: {err}");
            assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
            assert_eq!(err.attempts(), DEFAULT_ATTEMPTS, "{status}: {err}");
            assert!(err.is_retryable(), "{status}: {err}");
        }
        let expected = 2 * DEFAULT_ATTEMPTS as usize;
        assert_eq!(attempts_seen(&server).await, expected, "{status}");
    }
    Ok(())
}

#[tokio::test]
async fn a_transient_failure_then_success_returns_the_success() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(error_answer(503))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    let order = json!({
        "id": "ord_000001", "user_id": "usr_000001", "amount_cents": 5, "currency": "usd",
        "status": "pending", "created_at": "2026-01-02T03:04:05Z",
    });
    Mock::given(any())
        .respond_with(ResponseTemplate::new(201).set_body_json(order))
        .with_priority(2)
        .mount(&server)
        .await;
    let client = client(&server.uri(), "key_test")?;
    let created = client
        .orders()
        .create_order(&new_order("usr_000001", 5))
        .await?;
    assert_eq!(created.status().as_u16(), 201);
    assert_eq!(created.id, "ord_000001");
    assert_eq!(attempts_seen(&server).await, 3);
    Ok(())
}

#[tokio::test]
async fn x_should_retry_overrides_the_status() -> TestResult {
    let forced = always(error_answer(409).insert_header("x-should-retry", "true")).await;
    for err in post_and_get(&forced).await? {
        assert_eq!(err.attempts(), DEFAULT_ATTEMPTS, "{err}");
        assert!(err.is_retryable(), "{err}");
    }
    assert_eq!(attempts_seen(&forced).await, 2 * DEFAULT_ATTEMPTS as usize);

    let forbidden = always(error_answer(503).insert_header("x-should-retry", "false")).await;
    for err in post_and_get(&forbidden).await? {
        assert_eq!(err.attempts(), 1, "{err}");
        assert!(!err.is_retryable(), "{err}");
    }
    assert_eq!(attempts_seen(&forbidden).await, 2);
    Ok(())
}

#[tokio::test]
async fn per_call_max_retries_overrides_the_client() -> TestResult {
    let server = always(error_answer(503)).await;
    let client = client(&server.uri(), "key_test")?;
    let err = client
        .users()
        .get_user("usr_000001")
        .max_retries(0)
        .await
        .err()
        .ok_or("503 must fail")?;
    assert_eq!((err.attempts(), attempts_seen(&server).await), (1, 1));

    // A client without retries, and one call that asks for more.
    let none = api::Client::builder()
        .base_url(server.uri())
        .api_key("key_test")
        .retry_policy(crate::support::fast_policy())
        .max_retries(0)
        .build()?;
    let err = none
        .users()
        .get_user("usr_000001")
        .await
        .err()
        .ok_or("503 must fail")?;
    assert_eq!(err.attempts(), 1);
    let err = none
        .orders()
        .create_order(&new_order("usr_000001", 5))
        .max_retries(4)
        .await
        .err()
        .ok_or("503 must fail")?;
    assert_eq!(err.attempts(), 5);
    assert_eq!(attempts_seen(&server).await, 1 + 1 + 5);
    Ok(())
}
