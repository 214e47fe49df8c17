//! Servers that stop talking: one that accepts the connection and never answers, one that
//! sends the head and part of the body and then goes quiet.

use std::time::Duration;

use axum::http::StatusCode;

use crate::raw::{RawServer, Reply};
use crate::{TestResult, builder, expect_err};

/// The per-attempt timeout of these tests; short, since waiting it out is the point.
const TIMEOUT: Duration = Duration::from_millis(300);

#[tokio::test]
async fn a_server_that_never_answers_times_out() -> TestResult {
    let server = RawServer::start(Reply::default().hang()).await?;
    let impatient = builder(&server.url()).timeout(TIMEOUT).build()?;
    let err = expect_err(impatient.users().get_user("usr_1").await)?;
    assert!(err.is_timeout() && err.is_retryable(), "{err}");
    assert_eq!(err.status(), None, "no response head arrived");
    assert_eq!(err.request_id(), None);
    assert_eq!(err.attempts(), 1);
    assert_eq!(
        server.requests().len(),
        1,
        "the request itself was delivered"
    );
    Ok(())
}

#[tokio::test]
async fn a_timeout_is_retried_and_each_attempt_gets_the_full_timeout() -> TestResult {
    let server = RawServer::start(Reply::default().hang()).await?;
    let policy = sdk_runtime::retry::RetryPolicy::new()
        .with_base_delay(Duration::from_millis(1))
        .with_max_delay(Duration::from_millis(5))
        .with_max_retries(1);
    let impatient = builder(&server.url())
        .timeout(TIMEOUT)
        .retry_policy(policy)
        .build()?;
    let err = expect_err(impatient.users().get_user("usr_1").await)?;
    assert!(err.is_timeout(), "{err}");
    assert_eq!(err.attempts(), 2);
    assert_eq!(server.requests().len(), 2, "one connection per attempt");
    Ok(())
}

#[tokio::test]
async fn a_body_that_stalls_times_out_with_the_status_and_request_id() -> TestResult {
    let reply = Reply::default()
        .head(
            "200 OK",
            &[
                ("content-type", b"application/json"),
                ("x-request-id", b"req_stall"),
                ("content-length", b"100"),
            ],
        )
        .bytes(br#"{"id":"usr_1","#)
        .hang();
    let server = RawServer::start(reply).await?;
    let impatient = builder(&server.url()).timeout(TIMEOUT).build()?;
    let err = expect_err(impatient.users().get_user("usr_1").await)?;
    assert!(err.is_timeout(), "{err}");
    assert_eq!(err.status(), Some(StatusCode::OK), "the head had arrived");
    assert_eq!(err.request_id(), Some("req_stall"));
    assert!(err.to_string().ends_with("(request id req_stall)"), "{err}");
    Ok(())
}

#[tokio::test]
async fn a_per_call_timeout_overrides_the_client_timeout() -> TestResult {
    let server = RawServer::start(Reply::default().hang()).await?;
    // The client would wait 5 s; the call allows only the short timeout.
    let client = builder(&server.url()).build()?;
    let err = expect_err(client.users().get_user("usr_1").timeout(TIMEOUT).await)?;
    assert!(err.is_timeout(), "{err}");
    Ok(())
}
