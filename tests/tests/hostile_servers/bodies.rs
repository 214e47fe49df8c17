//! Bodies that are not what the document promised: not JSON, the wrong shape, an error under
//! `200`, mislabelled, cut short, or far larger than the client accepts.

use axum::http::StatusCode;

use crate::raw::{RawServer, Reply};
use crate::{TestResult, api, builder, client, expect_err};

/// A complete, valid `User` of `spec/api.yaml`.
const USER: &str =
    r#"{"id":"usr_1","email":"ada@example.com","name":"Ada","created_at":"2024-01-02T03:04:05Z"}"#;

#[tokio::test]
async fn html_instead_of_json_is_a_decode_error_with_status_and_request_id() -> TestResult {
    let html = "<html><body>502 Bad Gateway</body></html>";
    let server = RawServer::start(Reply::json("200 OK", "req_html", html)).await?;
    let err = expect_err(client(&server.url())?.users().get_user("usr_1").await)?;
    assert!(err.is_decode(), "{err}");
    assert_eq!(err.status(), Some(StatusCode::OK));
    assert_eq!(err.request_id(), Some("req_html"));
    assert_eq!(err.raw_body(), Some(html.as_bytes()));
    assert!(err.to_string().ends_with("(request id req_html)"), "{err}");
    assert!(
        std::error::Error::source(&err).is_some(),
        "the serde error is the source"
    );
    Ok(())
}

#[tokio::test]
async fn json_of_the_wrong_shape_is_a_decode_error() -> TestResult {
    let shapes = [
        r#"{"id":"usr_1"}"#,                                   // required fields missing
        r#"[{"id":"usr_1"}]"#,                                 // an array, not an object
        r#"{"id":7,"email":"a","name":"b","created_at":"x"}"#, // a number for a string
        r#""usr_1""#,                                          // a bare string
        "null",
        r#"{"id":"usr_1","email":"a","name":"b","created_at":"2024-01-02T03:04:05Z""#, // unclosed
    ];
    for shape in shapes {
        let server = RawServer::start(Reply::json("200 OK", "req_shape", shape)).await?;
        let err = expect_err(client(&server.url())?.users().get_user("usr_1").await)?;
        assert!(err.is_decode(), "{shape}: {err}");
        assert_eq!(err.status(), Some(StatusCode::OK), "{shape}");
        assert_eq!(err.request_id(), Some("req_shape"), "{shape}");
        assert_eq!(err.raw_body(), Some(shape.as_bytes()), "{shape}");
    }
    Ok(())
}

#[tokio::test]
async fn an_error_body_under_200_is_a_decode_error_that_keeps_the_body() -> TestResult {
    let body = r#"{"code":"not_found","message":"no such user"}"#;
    let server = RawServer::start(Reply::json("200 OK", "req_200err", body)).await?;
    let err = expect_err(client(&server.url())?.users().get_user("usr_1").await)?;
    assert!(err.is_decode() && !err.is_status(), "{err}");
    assert_eq!(err.status(), Some(StatusCode::OK));
    assert_eq!(err.request_id(), Some("req_200err"));
    // The caller can still read the server's message in the document's error type.
    let parsed: api::types::Error = err.body_as().ok_or("the error body parses")?;
    assert_eq!(parsed.message, "no such user");
    Ok(())
}

#[tokio::test]
async fn error_statuses_with_unexpected_bodies_keep_status_request_id_and_raw_body() -> TestResult {
    let cases = [
        ("500 Internal Server Error", "<h1>oops</h1>"),
        ("404 Not Found", r#"{"unexpected":true}"#),
        ("422 Unprocessable Entity", ""),
        ("401 Unauthorized", "\u{0}\u{1}binary"),
    ];
    for (status, body) in cases {
        let server = RawServer::start(Reply::json(status, "req_status", body)).await?;
        let err = expect_err(client(&server.url())?.users().get_user("usr_1").await)?;
        assert!(err.is_status(), "{status}: {err}");
        assert_eq!(err.status().map(|s| s.as_u16()), status[..3].parse().ok());
        assert_eq!(err.request_id(), Some("req_status"), "{status}");
        assert_eq!(err.raw_body(), Some(body.as_bytes()), "{status}");
        assert!(
            err.body::<api::types::Error>().is_none(),
            "{status}: no typed body"
        );
    }
    // A body of the documented shape is still typed.
    let body = r#"{"code":"not_found","message":"no such user"}"#;
    let server = RawServer::start(Reply::json("404 Not Found", "req_typed", body)).await?;
    let err = expect_err(client(&server.url())?.users().get_user("usr_1").await)?;
    let typed = err.body::<api::types::Error>().ok_or("typed 404 body")?;
    assert_eq!(typed.message, "no such user");
    Ok(())
}

#[tokio::test]
async fn content_types_do_not_decide_decoding_the_document_does() -> TestResult {
    // The decoder follows the document's schema for the status, whatever the header says: a
    // JSON body labelled `text/html` or unlabelled decodes, a non-JSON body labelled JSON fails.
    let labels: [&[u8]; 4] = [
        b"text/html",
        b"text/plain; charset=latin1",
        b"",
        b"application/xml",
    ];
    for label in labels {
        let mut headers: Vec<(&str, &[u8])> = vec![("x-request-id", b"req_ct")];
        if !label.is_empty() {
            headers.push(("content-type", label));
        }
        let server = RawServer::start(Reply::full("200 OK", &headers, USER.as_bytes())).await?;
        let user = client(&server.url())?.users().get_user("usr_1").await?;
        assert_eq!(user.name, "Ada");
        assert_eq!(user.request_id(), Some("req_ct"));
    }
    let xml = "<user><id>usr_1</id></user>";
    let server = RawServer::start(Reply::json("200 OK", "req_xml", xml)).await?;
    let err = expect_err(client(&server.url())?.users().get_user("usr_1").await)?;
    assert!(err.is_decode(), "{err}");
    assert_eq!(err.request_id(), Some("req_xml"));
    Ok(())
}

#[tokio::test]
async fn a_body_cut_short_is_a_body_error_with_status_and_request_id() -> TestResult {
    let reply = Reply::default()
        .head(
            "200 OK",
            &[
                ("content-type", b"application/json"),
                ("x-request-id", b"req_short"),
                ("content-length", b"1000"),
            ],
        )
        .bytes(&USER.as_bytes()[..20]);
    let server = RawServer::start(reply).await?;
    let err = expect_err(client(&server.url())?.users().get_user("usr_1").await)?;
    assert!(err.is_body(), "{err}");
    assert_eq!(err.status(), Some(StatusCode::OK));
    assert_eq!(err.request_id(), Some("req_short"));
    assert_eq!(err.attempts(), 1);
    // With retries left, a cut-short body is retried like a dropped connection.
    let server =
        RawServer::start(Reply::default().head("200 OK", &[("content-length", b"1000")])).await?;
    let retried = builder(&server.url())
        .retry_policy(fast_retries().with_max_retries(1))
        .build()?;
    let err = expect_err(retried.users().get_user("usr_1").await)?;
    assert!(err.is_body() && err.is_retryable(), "{err}");
    assert_eq!(err.attempts(), 2);
    assert_eq!(server.requests().len(), 2);
    Ok(())
}

#[tokio::test]
async fn a_declared_oversized_body_is_refused_without_reading_it() -> TestResult {
    const CAP: usize = 64 * 1024;
    let chunk = vec![b' '; 64 * 1024];
    let reply = Reply::default()
        .head(
            "200 OK",
            &[
                ("content-type", b"application/json"),
                ("x-request-id", b"req_big"),
                ("content-length", b"1073741824"), // 1 GiB
            ],
        )
        .repeat(chunk, 1024); // 64 MiB of it, more than any socket buffer holds
    let total = reply.total_len();
    let mut server = RawServer::start(reply).await?;
    let small = builder(&server.url()).max_response_bytes(CAP).build()?;
    let err = expect_err(small.users().get_user("usr_1").await)?;
    assert!(err.is_body(), "{err}");
    assert!(err.to_string().contains("exceeds the limit"), "{err}");
    assert_eq!(err.status(), Some(StatusCode::OK));
    assert_eq!(err.request_id(), Some("req_big"));
    drop(small);
    let outcome = server.next_outcome().await.ok_or("the server finished")?;
    assert!(
        outcome.error.is_some() && outcome.written < total,
        "the client closed the connection before the server wrote everything: {outcome:?}"
    );
    Ok(())
}

#[tokio::test]
async fn a_chunked_body_past_the_cap_stops_the_read() -> TestResult {
    const CAP: usize = 256 * 1024;
    // One 64 KiB chunk of JSON-ish text, in chunked framing, with no length announced.
    let data = vec![b'7'; 64 * 1024];
    let mut frame = format!("{:x}\r\n", data.len()).into_bytes();
    frame.extend_from_slice(&data);
    frame.extend_from_slice(b"\r\n");
    let reply = Reply::default()
        .head(
            "200 OK",
            &[
                ("content-type", b"application/json"),
                ("x-request-id", b"req_chunked"),
                ("transfer-encoding", b"chunked"),
            ],
        )
        .repeat(frame, 1024) // 64 MiB, 256 times the cap
        .bytes(b"0\r\n\r\n");
    let total = reply.total_len();
    let mut server = RawServer::start(reply).await?;
    let small = builder(&server.url()).max_response_bytes(CAP).build()?;
    let err = expect_err(small.users().get_user("usr_1").await)?;
    assert!(err.is_body(), "{err}");
    assert_eq!(err.status(), Some(StatusCode::OK));
    assert_eq!(err.request_id(), Some("req_chunked"));
    assert!(
        err.raw_body().is_none(),
        "nothing of the oversized body is kept"
    );
    drop(small);
    let outcome = server.next_outcome().await.ok_or("the server finished")?;
    assert!(
        outcome.error.is_some() && outcome.written < total,
        "the client stopped reading long before the end: {outcome:?}"
    );
    Ok(())
}

#[tokio::test]
async fn a_body_just_under_the_cap_is_read() -> TestResult {
    // The boundary: the cap counts body bytes, and a body of exactly the cap is accepted.
    let padded = format!("{USER}{}", " ".repeat(1000));
    let server = RawServer::start(Reply::json("200 OK", "req_fits", &padded)).await?;
    let exact = builder(&server.url())
        .max_response_bytes(padded.len())
        .build()?;
    let user = exact.users().get_user("usr_1").await?;
    assert_eq!(user.id, "usr_1");
    let server = RawServer::start(Reply::json("200 OK", "req_over", &padded)).await?;
    let under = builder(&server.url())
        .max_response_bytes(padded.len() - 1)
        .build()?;
    let err = expect_err(under.users().get_user("usr_1").await)?;
    assert!(err.is_body(), "{err}");
    Ok(())
}

/// Retries after a millisecond, so retrying cases stay fast.
fn fast_retries() -> sdk_runtime::retry::RetryPolicy {
    sdk_runtime::retry::RetryPolicy::new()
        .with_base_delay(std::time::Duration::from_millis(1))
        .with_max_delay(std::time::Duration::from_millis(5))
}
