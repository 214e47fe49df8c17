//! The retry budget against a server that fails everything: retries stop
//! client-wide once the bucket is empty, and successes refill it.

mod support;

use std::time::Duration;

use sdk_runtime::retry::{RetryBudget, RetryPolicy};
use support::*;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn fast_retries() -> RetryPolicy {
    RetryPolicy::new()
        .with_base_delay(Duration::from_micros(100))
        .with_max_delay(Duration::from_micros(200))
}

async fn always(status: u16) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path("/pets"))
        .respond_with(ResponseTemplate::new(status))
        .mount(&server)
        .await;
    server
}

async fn attempts(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

#[tokio::test]
async fn a_thousand_failing_calls_retry_at_most_a_hundred_times() {
    let server = always(503).await;
    let client = builder(&server)
        .retry_policy(fast_retries())
        .build()
        .unwrap();
    // Clones share the bucket: half the calls go through a clone.
    let clone = client.clone();
    let mut exhausted = 0;
    for n in 0..1_000 {
        let client = if n % 2 == 0 { &client } else { &clone };
        let err = send_empty(client, req(&LIST_PETS)).await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
        assert!(err.is_retryable());
        if err.is_retry_budget_exhausted() {
            exhausted += 1;
            assert_eq!(err.attempts(), 1, "no retry once the bucket is empty");
        }
    }
    let sent = attempts(&server).await;
    // 500 tokens at 5 per retry: 100 retries in all.
    assert!(sent <= 1_100, "{sent} attempts for 1,000 calls");
    assert!(sent >= 1_090, "the budget allowed its retries: {sent}");
    assert!(
        exhausted >= 940,
        "{exhausted} calls reported the budget exhausted"
    );
}

#[tokio::test]
async fn without_a_budget_every_call_retries() {
    let server = always(503).await;
    let client = builder(&server)
        .retry_policy(fast_retries())
        .no_retry_budget()
        .build()
        .unwrap();
    for _ in 0..1_000 {
        let err = send_empty(&client, req(&LIST_PETS)).await.unwrap_err();
        assert!(!err.is_retry_budget_exhausted());
        assert_eq!(err.attempts(), 3);
    }
    assert_eq!(attempts(&server).await, 3_000);
}

#[tokio::test]
async fn successes_refill_the_bucket_and_timeouts_cost_more() {
    let failing = always(500).await;
    let healthy = always(200).await;
    let budget = RetryBudget::new().with_capacity(20);
    let policy = fast_retries().with_max_retries(1);
    let bad = builder(&failing)
        .retry_policy(policy.clone())
        .retry_budget(budget.clone())
        .build()
        .unwrap();
    let good = builder(&healthy)
        .retry_policy(policy)
        .retry_budget(budget.clone())
        .build()
        .unwrap();
    for _ in 0..4 {
        assert_eq!(
            send_empty(&bad, req(&LIST_PETS))
                .await
                .unwrap_err()
                .attempts(),
            2
        );
    }
    assert_eq!(budget.available(), 0);
    let err = send_empty(&bad, req(&LIST_PETS)).await.unwrap_err();
    assert!(err.is_retry_budget_exhausted());
    assert_eq!(err.attempts(), 1);
    // Five first-time successes, one token each, pay for one more retry.
    for _ in 0..5 {
        send_empty(&good, req(&LIST_PETS)).await.unwrap();
    }
    assert_eq!(budget.available(), 5);
    let err = send_empty(&bad, req(&LIST_PETS)).await.unwrap_err();
    assert_eq!(err.attempts(), 2, "the refilled budget paid for a retry");
    assert!(!err.is_retry_budget_exhausted());

    // A connection failure costs 10: with 9 tokens there is no retry.
    for _ in 0..9 {
        send_empty(&good, req(&LIST_PETS)).await.unwrap();
    }
    let unreachable = sdk_runtime::Client::builder(&API)
        .base_url(closed_port_url())
        .retry_policy(fast_retries().with_max_retries(1))
        .retry_budget(budget.clone())
        .build()
        .unwrap();
    let err = send_empty(&unreachable, req(&PUBLIC)).await.unwrap_err();
    assert!(err.is_connect());
    assert_eq!(err.attempts(), 1);
    assert!(err.is_retry_budget_exhausted());
}
