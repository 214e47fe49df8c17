//! Response heads a careful server would never send: header values that are not UTF-8, a
//! status code no registry knows, and a peer that does not speak HTTP at all.

use axum::http::StatusCode;

use crate::raw::{RawServer, Reply};
use crate::{TestResult, client, expect_err};

const USER: &[u8] =
    br#"{"id":"usr_1","email":"ada@example.com","name":"Ada","created_at":"2024-01-02T03:04:05Z"}"#;

#[tokio::test]
async fn a_request_id_that_is_not_utf8_counts_as_missing() -> TestResult {
    // The ID could not be quoted back to the provider, so it is not reported, but the raw
    // header is still there for whoever wants the bytes.
    let id: &[u8] = b"req_\xff\xfe\xc3\x28";
    let ok = Reply::full(
        "200 OK",
        &[("content-type", b"application/json"), ("x-request-id", id)],
        USER,
    );
    let server = RawServer::start(ok).await?;
    let user = client(&server.url())?.users().get_user("usr_1").await?;
    assert_eq!(user.request_id(), None);
    assert_eq!(
        user.headers().get("x-request-id").map(|v| v.as_bytes()),
        Some(id)
    );
    let failed = Reply::full("500 Internal Server Error", &[("x-request-id", id)], b"{}");
    let server = RawServer::start(failed).await?;
    let err = expect_err(client(&server.url())?.users().get_user("usr_1").await)?;
    assert!(err.is_status(), "{err}");
    assert_eq!(err.status(), Some(StatusCode::INTERNAL_SERVER_ERROR));
    assert_eq!(err.request_id(), None);
    assert!(err.to_string().ends_with("(no request id)"), "{err}");
    Ok(())
}

#[tokio::test]
async fn other_headers_that_are_not_utf8_are_tolerated() -> TestResult {
    // Every header the runtime reads (content type, retry hints, the request ID) holds bytes
    // that are not text; the answer is still decoded or reported, and nothing panics.
    let junk: &[u8] = b"\xff\xfe\x80";
    let headers: [(&str, &[u8]); 5] = [
        ("content-type", b"application/json; charset=\xff"),
        ("x-request-id", b"req_ok"),
        ("retry-after", junk),
        ("retry-after-ms", junk),
        ("x-should-retry", junk),
    ];
    let server = RawServer::start(Reply::full("200 OK", &headers, USER)).await?;
    let user = client(&server.url())?.users().get_user("usr_1").await?;
    assert_eq!(user.name, "Ada");
    assert_eq!(user.request_id(), Some("req_ok"));

    let server = RawServer::start(Reply::full("503 Service Unavailable", &headers, b"")).await?;
    let err = expect_err(client(&server.url())?.users().get_user("usr_1").await)?;
    assert!(err.is_status() && err.is_retryable(), "{err}");
    assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(err.request_id(), Some("req_ok"));
    assert_eq!(
        err.retry_after(),
        None,
        "an unreadable Retry-After is ignored"
    );
    Ok(())
}

#[tokio::test]
async fn a_status_outside_the_registry_is_a_status_error() -> TestResult {
    let server = RawServer::start(Reply::json("599 Network Weirdness", "req_599", "{}")).await?;
    let err = expect_err(client(&server.url())?.users().get_user("usr_1").await)?;
    assert!(err.is_status(), "{err}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(599));
    assert_eq!(err.request_id(), Some("req_599"));
    // A 2xx the document does not list is still a success, decoded by the schema.
    let server = RawServer::start(Reply::full("299 Fine", &[], USER)).await?;
    let user = client(&server.url())?.users().get_user("usr_1").await?;
    assert_eq!(user.status().as_u16(), 299);
    Ok(())
}

#[tokio::test]
async fn a_peer_that_does_not_speak_http_is_a_transport_error() -> TestResult {
    let replies = [
        Reply::default().bytes(b"SSH-2.0-OpenSSH_9.6\r\n"),
        Reply::default().bytes(b"HTTP/1.1 abc Nope\r\n\r\n"),
        Reply::default().bytes(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"), // a TLS hello
        Reply::default(), // accepts, reads the request, closes without a byte
        // A header *name* with a byte outside ASCII is not HTTP: the whole response is refused.
        Reply::default().bytes(b"HTTP/1.1 200 OK\r\nx-\xff: v\r\ncontent-length: 0\r\n\r\n"),
    ];
    for reply in replies {
        let server = RawServer::start(reply.clone()).await?;
        let err = expect_err(client(&server.url())?.users().get_user("usr_1").await)?;
        assert!(
            !err.is_status() && !err.is_decode() && !err.is_timeout(),
            "{reply:?}: {err}"
        );
        assert_eq!(err.status(), None, "{reply:?}");
        assert_eq!(err.request_id(), None, "{reply:?}");
    }
    Ok(())
}
