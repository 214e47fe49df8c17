//! Failures below HTTP: connections dropped after the server stored the order, a server that
//! is not listening, and attempts that run out of time.

use std::time::Duration;

use axum::http::Method;
use sdk_tests::server::{FaultConfig, FaultKind, IDEMPOTENT_REPLAYED};

use crate::support::{DEFAULT_ATTEMPTS, TestResult, client, example_with_user, new_order, seen};

#[tokio::test]
async fn a_dropped_connection_is_retried_with_the_same_key() -> TestResult {
    let faults = FaultConfig::default()
        .script([FaultKind::DropAfterCommit])
        .route(Method::POST, "/orders");
    let (server, client, user) = example_with_user(faults).await?;
    let order = client.orders().create_order(&new_order(&user, 42)).await?;
    assert_eq!(
        order
            .headers()
            .get(IDEMPOTENT_REPLAYED)
            .map(|v| v.as_bytes()),
        Some(&b"true"[..]),
        "the retry got the stored answer of the dropped attempt"
    );
    let stored = server.state().orders();
    assert_eq!(stored.len(), 1, "committed once, not twice");
    assert_eq!(stored[0].id, order.id);
    let attempts = seen(&server, "POST", "/orders");
    assert_eq!(attempts.len(), 2);
    assert_eq!(attempts[0].idempotency_key, attempts[1].idempotency_key);
    assert_eq!(attempts[0].fault, Some(FaultKind::DropAfterCommit));
    Ok(())
}

#[tokio::test]
async fn connections_dropped_on_every_attempt_end_in_a_retryable_error() -> TestResult {
    let faults = FaultConfig::seeded(1)
        .drop_after_commit(1.0)
        .route(Method::POST, "/orders");
    let (server, client, user) = example_with_user(faults).await?;
    let err = client
        .orders()
        .create_order(&new_order(&user, 42))
        .await
        .err()
        .ok_or("every attempt was dropped")?;
    assert!(
        !err.is_status() && !err.is_timeout() && !err.is_builder(),
        "{err}"
    );
    assert!(err.is_retryable(), "{err}");
    assert_eq!(err.attempts(), DEFAULT_ATTEMPTS, "{err}");
    assert_eq!(err.status(), None);
    // The first attempt stored the order; the others replayed it (into a dropped connection).
    assert_eq!(server.state().order_count(), 1);
    let attempts = seen(&server, "POST", "/orders");
    assert_eq!(attempts.len(), DEFAULT_ATTEMPTS as usize);
    assert!(
        attempts
            .iter()
            .all(|a| a.idempotency_key == attempts[0].idempotency_key)
    );
    Ok(())
}

#[tokio::test]
async fn an_unreachable_server_is_a_retried_connect_error() -> TestResult {
    // Bind to learn a free port, then close it: connecting is refused at once.
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    drop(listener);
    let client = client(&format!("http://{addr}"), "key_test")?;
    let err = client
        .users()
        .get_user("usr_000001")
        .await
        .err()
        .ok_or("nothing listens")?;
    assert!(err.is_connect(), "{err}");
    assert!(err.is_retryable() && !err.is_timeout(), "{err}");
    assert_eq!(err.attempts(), DEFAULT_ATTEMPTS);
    Ok(())
}

#[tokio::test]
async fn a_timeout_is_its_own_error_kind() -> TestResult {
    // Only the first request is slow; the delay is far longer than the timeout.
    let faults = FaultConfig::default()
        .slow(0.0, Duration::from_secs(3))
        .script([FaultKind::Slow, FaultKind::Slow])
        .route(Method::GET, "/users/{user_id}");
    let (server, client, user) = example_with_user(faults).await?;
    let err = client
        .users()
        .get_user(&user)
        .timeout(Duration::from_millis(300))
        .max_retries(0)
        .await
        .err()
        .ok_or("the answer comes after the timeout")?;
    assert!(err.is_timeout(), "{err}");
    assert!(!err.is_connect() && !err.is_status(), "{err}");
    assert!(err.is_retryable(), "a timeout may be retried: {err}");
    assert_eq!(err.attempts(), 1);

    // The same with a retry: the second slow request times out, the third is answered.
    let user_again = client
        .users()
        .get_user(&user)
        .timeout(Duration::from_millis(300))
        .max_retries(1)
        .await?;
    assert_eq!(user_again.id, user);
    assert_eq!(seen(&server, "GET", &format!("/users/{user}")).len(), 3);
    Ok(())
}
