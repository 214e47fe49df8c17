//! The call deadline bounds attempts and backoff together.
//!
//! These tests measure wall time with generous bounds (hundreds of
//! milliseconds around seconds-long deadlines): they check what the deadline
//! means, not how fast anything is.

mod support;

use std::time::{Duration, Instant};

use sdk_runtime::__private::Request;
use sdk_runtime::CallOptions;
use sdk_runtime::retry::RetryPolicy;
use support::*;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn patient() -> RetryPolicy {
    RetryPolicy::new()
        .with_max_retries(1_000)
        .with_base_delay(Duration::from_millis(50))
        .with_max_delay(Duration::from_millis(150))
}

#[tokio::test]
async fn a_deadline_ends_a_call_that_keeps_being_retried() {
    let server = MockServer::start().await;
    Mock::given(path("/pets"))
        .respond_with(ResponseTemplate::new(503).insert_header("x-request-id", "req_last"))
        .mount(&server)
        .await;
    let client = builder(&server)
        .retry_policy(patient())
        .no_retry_budget()
        .deadline(Duration::from_secs(2))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = send_empty(&client, req(&LIST_PETS)).await.unwrap_err();
    let took = started.elapsed();
    assert!(err.is_timeout(), "{err}");
    assert!(err.to_string().contains("deadline"), "{err}");
    assert_eq!(
        err.status().map(|s| s.as_u16()),
        Some(503),
        "quotes the last response"
    );
    assert_eq!(err.request_id(), Some("req_last"));
    assert!(
        err.attempts() > 5,
        "retried until the deadline: {}",
        err.attempts()
    );
    assert!(
        took >= Duration::from_millis(1_700) && took <= Duration::from_millis(2_300),
        "ended after {took:?}"
    );
}

#[tokio::test]
async fn a_call_deadline_overrides_the_client_and_cuts_a_slow_attempt() {
    let server = MockServer::start().await;
    Mock::given(path("/pets"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let client = builder(&server)
        .deadline(Duration::from_secs(30))
        .build()
        .unwrap();
    let options = CallOptions::new().deadline(Duration::from_millis(300));
    let started = Instant::now();
    let err = send_empty(&client, Request::new(&LIST_PETS, options))
        .await
        .unwrap_err();
    let took = started.elapsed();
    assert!(err.is_timeout(), "{err}");
    assert!(err.to_string().contains("deadline of 300ms"), "{err}");
    assert!(
        took < Duration::from_secs(2),
        "the 5 s response was not awaited: {took:?}"
    );
}

#[tokio::test]
async fn the_timeout_is_per_attempt_and_each_retry_gets_it_again() {
    let server = MockServer::start().await;
    Mock::given(path("/pets"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(400)))
        .mount(&server)
        .await;
    let client = builder(&server)
        .timeout(Duration::from_millis(100))
        .retry_policy(patient().with_max_retries(2))
        .build()
        .unwrap();
    let err = send_empty(&client, req(&LIST_PETS)).await.unwrap_err();
    assert!(err.is_timeout());
    assert_eq!(err.attempts(), 3, "each attempt timed out on its own");
    assert!(!err.to_string().contains("deadline"), "{err}");
}
