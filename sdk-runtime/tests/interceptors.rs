//! User interceptors on a real HTTP server: they see and change every
//! attempt, run after credentials, and observe responses and failures.

mod support;

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use hmac::{Hmac, KeyInit, Mac};
use sdk_runtime::retry::RetryPolicy;
use sdk_runtime::{
    BoxError, CallOptions, FailedAttempt, HeaderValue, IncomingResponse, Interceptor,
    OutgoingRequest,
};
use sha2::{Digest, Sha256};
use support::*;
use wiremock::matchers::{method, path};
use wiremock::{Match, Mock, MockServer, ResponseTemplate};

/// Records what each hook saw, in order.
#[derive(Debug, Default)]
struct Recorder {
    name: &'static str,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Recorder {
    fn log(&self, line: String) {
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(format!("{}: {line}", self.name));
    }
}

impl Interceptor for Recorder {
    fn before_attempt(&self, request: &mut OutgoingRequest<'_>) -> Result<(), BoxError> {
        let auth = request.headers().get("authorization").is_some();
        self.log(format!(
            "before {} attempt {} auth={auth} key={:?}",
            request.operation(),
            request.attempt(),
            request.idempotency_key().map(str::len),
        ));
        Ok(())
    }

    fn after_response(&self, response: &IncomingResponse<'_>) {
        self.log(format!(
            "after attempt {} status {} id {:?}",
            response.attempt(),
            response.status().as_u16(),
            response.request_id()
        ));
    }

    fn on_error(&self, failure: &FailedAttempt<'_>) {
        self.log(format!(
            "error attempt {} connect={}",
            failure.attempt(),
            failure.error().is_connect()
        ));
    }
}

/// Signs method, path and query, a timestamp and the body digest.
#[derive(Debug)]
struct Signer {
    secret: &'static [u8],
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn signature(secret: &[u8], text: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).unwrap();
    mac.update(text.as_bytes());
    hex(&mac.finalize().into_bytes())
}

impl Interceptor for Signer {
    fn before_attempt(&self, request: &mut OutgoingRequest<'_>) -> Result<(), BoxError> {
        let timestamp = format!("ts-{}", request.attempt());
        let digest = hex(&Sha256::digest(request.body().ok_or("streamed body")?));
        let target = match request.url().query() {
            Some(query) => format!("{}?{query}", request.url().path()),
            None => request.url().path().to_owned(),
        };
        let text = format!("{}\n{target}\n{timestamp}\n{digest}", request.method());
        let mut value = HeaderValue::from_str(&signature(self.secret, &text))?;
        value.set_sensitive(true);
        request
            .headers_mut()
            .insert("x-timestamp", timestamp.parse()?);
        request.headers_mut().insert("x-signature", value);
        request
            .url_mut()
            .query_pairs_mut()
            .append_pair("signed", "1");
        Ok(())
    }
}

/// The server's side of the signature: recomputes it from what arrived and
/// answers only requests it verifies (others get wiremock's 404).
struct SignatureVerifies {
    secret: &'static [u8],
}

impl Match for SignatureVerifies {
    fn matches(&self, request: &wiremock::Request) -> bool {
        let (Some(timestamp), Some(sent)) = (
            header(request, "x-timestamp"),
            header(request, "x-signature"),
        ) else {
            return false;
        };
        // Signed before the interceptor added its own `signed=1` query parameter.
        let query: Vec<_> = request
            .url
            .query_pairs()
            .filter(|(name, _)| name != "signed")
            .map(|(name, value)| format!("{name}={value}"))
            .collect();
        let target = match query.is_empty() {
            true => request.url.path().to_owned(),
            false => format!("{}?{}", request.url.path(), query.join("&")),
        };
        let digest = hex(&Sha256::digest(&request.body));
        let text = format!("{}\n{target}\n{timestamp}\n{digest}", request.method);
        sent == signature(self.secret, &text)
    }
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy::new()
        .with_base_delay(Duration::from_millis(1))
        .with_max_delay(Duration::from_millis(2))
}

#[tokio::test]
async fn a_signing_interceptor_signs_every_attempt_freshly() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/pets"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/pets"))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(serde_json::json!({"id": 1, "name": "a"})),
        )
        .mount(&server)
        .await;
    let client = builder(&server)
        .bearer_token("tok")
        .retry_policy(fast_retries())
        .interceptor(Signer { secret: b"s3cret" })
        .build()
        .unwrap();
    let mut request = req(&CREATE_PET);
    request.json_body(&serde_json::json!({"name": "a"}), "application/json");
    // The 201 is only served to a request whose signature the server verified.
    let pet = send::<Pet>(&client, request).await.unwrap().into_inner();
    assert_eq!(pet.id, 1);

    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 2);
    for (number, sent) in received.iter().enumerate() {
        let timestamp = header(sent, "x-timestamp").unwrap();
        assert_eq!(
            timestamp,
            format!("ts-{}", number + 1),
            "fresh on each attempt"
        );
        assert_eq!(
            sent.url.query(),
            Some("signed=1"),
            "the query change reached the server"
        );
        // Signed before the interceptor added its own query parameter.
        let text = format!(
            "POST\n/pets\n{timestamp}\n{}",
            hex(&Sha256::digest(&sent.body))
        );
        assert_eq!(
            header(sent, "x-signature").unwrap(),
            signature(b"s3cret", &text)
        );
    }
    let keys: Vec<_> = received
        .iter()
        .map(|r| header(r, "idempotency-key").unwrap().to_owned())
        .collect();
    assert_eq!(
        keys[0], keys[1],
        "the signature never changes the idempotency key"
    );
}

#[tokio::test]
async fn hooks_see_each_attempt_after_auth_client_then_call_order() {
    let server = MockServer::start().await;
    Mock::given(path("/pets"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/pets"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-request-id", "req_7")
                .set_body_json(serde_json::json!([])),
        )
        .mount(&server)
        .await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let client = builder(&server)
        .bearer_token("tok")
        .retry_policy(fast_retries())
        .interceptor(Recorder {
            name: "client",
            seen: Arc::clone(&seen),
        })
        .build()
        .unwrap();
    let options = CallOptions::new().interceptor(Recorder {
        name: "call",
        seen: Arc::clone(&seen),
    });
    let response: sdk_runtime::Response<Vec<Pet>> = send(
        &client,
        sdk_runtime::__private::Request::new(&LIST_PETS, options),
    )
    .await
    .unwrap();
    assert_eq!(response.request_id(), Some("req_7"));
    let seen = seen.lock().unwrap().clone();
    assert_eq!(
        seen,
        [
            "client: before listPets attempt 1 auth=true key=None",
            "call: before listPets attempt 1 auth=true key=None",
            "client: after attempt 1 status 500 id None",
            "call: after attempt 1 status 500 id None",
            "client: before listPets attempt 2 auth=true key=None",
            "call: before listPets attempt 2 auth=true key=None",
            "client: after attempt 2 status 200 id Some(\"req_7\")",
            "call: after attempt 2 status 200 id Some(\"req_7\")",
        ]
    );
}

#[tokio::test]
async fn a_wrong_secret_does_not_verify_on_the_server() {
    let server = MockServer::start().await;
    Mock::given(path("/pets"))
        .and(SignatureVerifies { secret: b"s3cret" })
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!([])))
        .mount(&server)
        .await;
    let client = builder(&server)
        .interceptor(Signer { secret: b"other" })
        .build()
        .unwrap();
    let err = send::<Vec<Pet>>(&client, req(&LIST_PETS))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
}

#[derive(Debug)]
struct Refuse;

impl Interceptor for Refuse {
    fn before_attempt(&self, _: &mut OutgoingRequest<'_>) -> Result<(), BoxError> {
        Err("no signing key loaded".into())
    }
}

#[tokio::test]
async fn an_interceptor_error_fails_the_call_before_anything_is_sent() {
    let server = MockServer::start().await;
    let client = builder(&server).interceptor(Refuse).build().unwrap();
    let err = send_empty(&client, req(&LIST_PETS)).await.unwrap_err();
    assert!(err.is_builder(), "{err:?}");
    assert!(!err.is_retryable());
    let source = std::error::Error::source(&err).unwrap().to_string();
    assert_eq!(source, "no signing key loaded");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn on_error_sees_connection_failures() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let client = sdk_runtime::Client::builder(&API)
        .base_url(closed_port_url())
        .retry_policy(fast_retries().with_max_retries(1))
        .interceptor(Recorder {
            name: "m",
            seen: Arc::clone(&seen),
        })
        .build()
        .unwrap();
    let err = send_empty(&client, req(&PUBLIC)).await.unwrap_err();
    assert!(err.is_connect());
    let seen = seen.lock().unwrap().clone();
    assert_eq!(
        seen,
        [
            "m: before public attempt 1 auth=false key=None",
            "m: error attempt 1 connect=true",
            "m: before public attempt 2 auth=false key=None",
            "m: error attempt 2 connect=true",
        ]
    );
}
