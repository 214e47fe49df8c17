//! Redirects: no credential may reach an origin the client was not configured for.
//!
//! The first server answers every authenticated operation of `keys.yaml` (bearer token,
//! `X-API-Key` header, `api_key` query parameter) with a redirect to a second server, which
//! is another origin: `127.0.0.2` (another host) or `127.0.0.1` on another port. reqwest alone
//! drops `Authorization` on such a redirect but forwards custom headers such as `X-API-Key`;
//! the runtime's redirect policy follows redirects only within the origin, so the 3xx reaches
//! the caller as a status error and the second server sees nothing.
//!
//! One more case about where credentials go: a key that the document also declares as a
//! query parameter is sent once, not twice.

use axum::http::StatusCode;

use crate::keys_api;
use crate::raw::{RawServer, Reply};
use crate::{BoxError, KEY, TestResult, expect_err};

const OK: &str = r#"{"ok":true}"#;

#[tokio::test]
async fn credentials_never_follow_a_redirect_to_another_host_or_port() -> TestResult {
    for target_host in ["127.0.0.2", "127.0.0.1"] {
        for code in [301, 302, 303, 307, 308] {
            let target =
                RawServer::start_on(target_host, |_| Reply::json("200 OK", "req_b", OK)).await?;
            let location = format!("{}/landing", target.url());
            let origin =
                RawServer::start_on("127.0.0.1", move |_| redirect(code, &location)).await?;
            let client = keys_client(&origin.url())?;
            let results = [
                client.with_bearer().await,
                client.with_header_key().await,
                client.with_query_key().await,
            ];
            // The credentials were in play: each reached the configured origin once.
            let sent = origin.requests();
            assert_eq!(sent.len(), 3);
            assert!(sent.iter().all(|r| r.contains(KEY)), "{sent:?}");
            for request in target.requests() {
                assert!(
                    !request.contains(KEY),
                    "a credential reached {target_host}: {request}"
                );
            }
            for (operation, result) in ["bearer", "header key", "query key"].iter().zip(results) {
                let what = format!("{operation}, {code} to {target_host}");
                let err = expect_err(result)?;
                assert!(err.is_status(), "{what}: not followed, reported: {err}");
                assert_eq!(err.status().map(|s| s.as_u16()), Some(code), "{what}");
                assert_eq!(err.request_id(), Some("req_a"), "{what}");
            }
            assert!(
                target.requests().is_empty(),
                "cross-origin redirects are not followed"
            );
        }
    }
    Ok(())
}

#[tokio::test]
async fn redirects_within_the_origin_are_followed_with_credentials() -> TestResult {
    let origin = RawServer::start_on("127.0.0.1", |head| {
        if head.starts_with("GET /landing") {
            Reply::json("200 OK", "req_landed", OK)
        } else {
            redirect(302, "/landing")
        }
    })
    .await?;
    let client = keys_client(&origin.url())?;
    let landed = client.with_header_key().await?;
    assert!(landed.ok);
    assert_eq!(landed.request_id(), Some("req_landed"));
    let landed = client.with_bearer().await?;
    assert_eq!(landed.status(), StatusCode::OK);
    let sent = origin.requests();
    assert_eq!(sent.len(), 4, "{sent:?}");
    assert!(
        sent.iter().all(|r| r.contains(KEY)),
        "the same origin keeps its credentials: {sent:?}"
    );
    Ok(())
}

#[tokio::test]
async fn a_redirect_loop_ends_in_an_error() -> TestResult {
    let origin = RawServer::start_on("127.0.0.1", |_| redirect(302, "/again")).await?;
    let client = keys_client(&origin.url())?;
    let err = expect_err(client.with_header_key().await)?;
    assert!(!err.is_status() && !err.is_timeout(), "{err}");
    assert!(origin.requests().len() <= 11, "the chain is bounded");
    Ok(())
}

#[tokio::test]
async fn a_key_also_declared_as_a_query_parameter_is_sent_once() -> TestResult {
    // Found by the Prism conformance run on Trello's document: the key went out twice
    // (`?api_key=a&api_key=b`), which a server reads as an array. The value passed wins.
    let server = RawServer::start(Reply::json("200 OK", "req_once", OK)).await?;
    let client = keys_client(&server.url())?;
    client.with_declared_key("passed").await?;
    let sent = server.requests();
    assert_eq!(sent.len(), 1);
    assert!(
        sent[0].starts_with("GET /declared?api_key=passed HTTP/1.1"),
        "{sent:?}"
    );
    assert!(!sent[0].contains(KEY), "{sent:?}");
    Ok(())
}

/// A client of `keys.yaml` holding [`KEY`] for every scheme, without retries.
fn keys_client(base_url: &str) -> Result<keys_api::Client, BoxError> {
    Ok(keys_api::Client::builder()
        .base_url(base_url)
        .api_key(KEY)
        .max_retries(0)
        .build()?)
}

fn redirect(code: u16, location: &str) -> Reply {
    Reply::full(
        &format!("{code} Redirect"),
        &[
            ("location", location.as_bytes()),
            ("x-request-id", b"req_a"),
        ],
        b"",
    )
}
