//! Debug mode and redaction: everything the runtime logs, with a fake key
//! and secret query parameter, must never contain either.

mod support;

use std::io;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use sdk_runtime::__private::Request;
use sdk_runtime::{CallOptions, Client, Credentials, Error};
use serde_json::json;
use support::*;
use tracing_subscriber::fmt::MakeWriter;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "sk_live_Q7vX9pLm2Zt4Wd";
const TOKEN: &str = "tok_R8wK3nJ6yH1cBf";
const PASSWORD: &str = "pw_T5gB2vN8mQ4xKs";

/// Collects everything the fmt subscriber writes.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Capture {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(PoisonError::into_inner)).into_owned()
    }
}

impl io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Capture {
    type Writer = Capture;

    fn make_writer(&'a self) -> Capture {
        self.clone()
    }
}

/// Installs a TRACE-level subscriber for the current thread.
fn capture() -> (Capture, tracing::subscriber::DefaultGuard) {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(capture.clone())
        .with_max_level(tracing::Level::TRACE)
        .finish();
    (capture, tracing::subscriber::set_default(subscriber))
}

/// Fails when any 6-character piece of `secret` appears in `text`.
fn assert_absent(secret: &str, text: &str, what: &str) {
    for window in secret.as_bytes().windows(6) {
        let piece = std::str::from_utf8(window).unwrap();
        assert!(
            !text.contains(piece),
            "{what} contains `{piece}` of a secret:\n{text}"
        );
    }
}

async fn debug_server() -> MockServer {
    let server = MockServer::start().await;
    let long = json!({"id": 1, "name": "x".repeat(200)});
    Mock::given(path("/flaky"))
        .respond_with(
            ResponseTemplate::new(503)
                .insert_header("retry-after-ms", "1")
                .insert_header("x-request-id", "req_retry"),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/missing"))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("x-request-id", "req_404")
                .set_body_string("gone"),
        )
        .mount(&server)
        .await;
    Mock::given(wiremock::matchers::any())
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-request-id", "req_dbg")
                .set_body_json(long),
        )
        .mount(&server)
        .await;
    server
}

static FLAKY: sdk_runtime::__private::Operation = sdk_runtime::__private::Operation {
    id: "flaky",
    method: sdk_runtime::__private::Method::POST,
    path: "/flaky",
    security: None,
};
static MISSING: sdk_runtime::__private::Operation = sdk_runtime::__private::Operation {
    id: "missing",
    method: sdk_runtime::__private::Method::GET,
    path: "/missing",
    security: Some(&[&[QUERY_KEY]]),
};

#[tokio::test]
async fn debug_mode_never_logs_secrets() {
    let server = debug_server().await;
    let (log, _guard) = capture();
    let creds = Credentials::api_key(KEY).and(Credentials::basic("ann", PASSWORD));
    let client = builder(&server)
        .credentials(creds.clone())
        .debug(true)
        .debug_body_limit(32)
        .default_header("x-custom-secret", TOKEN)
        .redact_header("x-custom-secret")
        .build()
        .unwrap();
    let mut errors: Vec<Error> = Vec::new();

    for op in [
        &QUERY_AUTH,
        &COOKIE_AUTH,
        &BASIC_AUTH,
        &BASIC_OR_HEADER,
        &LIST_PETS,
    ] {
        let mut r = req(op);
        r.query("token", &TOKEN, QueryStyle::Form);
        send::<Pet>(&client, r).await.unwrap();
    }
    let mut r = req(&FLAKY);
    r.json_body(&json!({"note": "y".repeat(100)}), "application/json");
    send::<Pet>(&client, r).await.unwrap();
    let mut r = Request::new(
        &MISSING,
        CallOptions::new().header("authorization", format!("Bearer {KEY}")),
    );
    r.query("token", &TOKEN, QueryStyle::Form);
    errors.push(send::<Pet>(&client, r).await.unwrap_err());
    let offline = Client::builder(&API)
        .base_url(closed_port_url())
        .api_key(KEY)
        .debug(true)
        .max_retries(0)
        .build()
        .unwrap();
    errors.push(send::<Pet>(&offline, req(&QUERY_AUTH)).await.unwrap_err());
    // A server that stalls, so the timeout fires however fast loopback is.
    let stalling = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&stalling)
        .await;
    let slow = builder(&stalling)
        .api_key(KEY)
        .debug(true)
        .timeout(Duration::from_millis(20))
        .max_retries(0)
        .build()
        .unwrap();
    errors.push(send::<Pet>(&slow, req(&QUERY_AUTH)).await.unwrap_err());

    let text = log.text();
    if std::env::var_os("SHOW_LOG").is_some() {
        eprintln!("{text}");
    }
    // The log is not vacuous: it shows what debug mode promises.
    for expected in [
        "http attempt",
        "sdk_runtime",
        "req_dbg",
        "req_retry",
        "req_404",
        "[redacted]",
        "delay_ms=1",
        "attempt=2",
        "bytes total",
        "idempotency_key=",
        "request_headers=",
        "response_body=",
        "operation=\"queryAuth\"",
    ] {
        assert!(text.contains(expected), "missing `{expected}` in:\n{text}");
    }
    let basic = "YW5uOnB3X1Q1Z0Iydk44bVE0eEtz"; // base64("ann:" + PASSWORD)
    assert!(!text.contains(basic), "{text}");
    for secret in [KEY, TOKEN, PASSWORD] {
        assert_absent(secret, &text, "the log");
        assert_absent(
            secret,
            &format!("{client:?} {offline:?} {creds:?}"),
            "a Debug impl",
        );
        for e in &errors {
            assert_absent(secret, &format!("{e} | {e:?}"), "an error");
        }
    }
    assert!(
        errors[0].to_string().contains("token=[redacted]"),
        "{}",
        errors[0]
    );
    assert!(errors[1].is_connect() && errors[2].is_timeout());
}

#[tokio::test]
async fn quiet_mode_logs_only_retries_and_failures() {
    let server = debug_server().await;
    let (log, _guard) = capture();
    let client = builder(&server).api_key(KEY).build().unwrap();
    send::<Pet>(&client, req(&LIST_PETS)).await.unwrap();
    assert!(
        !log.text().contains("sdk_runtime"),
        "a success is silent:\n{}",
        log.text()
    );

    send::<Pet>(&client, req(&FLAKY)).await.unwrap();
    let text = log.text();
    let line = text
        .lines()
        .find(|l| l.contains("retrying"))
        .expect("a retry event");
    assert!(
        line.contains("DEBUG")
            && line.contains("status=503")
            && line.contains("request_id=\"req_retry\""),
        "{line}"
    );
    assert!(
        !text.contains("request_headers"),
        "no headers outside debug mode"
    );

    let offline = Client::builder(&API)
        .base_url(closed_port_url())
        .max_retries(0)
        .build()
        .unwrap();
    send::<Pet>(&offline, req(&LIST_PETS)).await.unwrap_err();
    let text = log.text();
    let line = text
        .lines()
        .find(|l| l.contains("request failed"))
        .expect("a failure event");
    assert!(
        line.contains("WARN") && line.contains("could not connect"),
        "{line}"
    );
    assert_absent(KEY, &text, "the log");
}

/// Adds a header marked sensitive and one the client redacts by name.
#[derive(Debug)]
struct AddsSecrets;

impl sdk_runtime::Interceptor for AddsSecrets {
    fn before_attempt(
        &self,
        request: &mut sdk_runtime::OutgoingRequest<'_>,
    ) -> Result<(), sdk_runtime::BoxError> {
        let mut signature = sdk_runtime::HeaderValue::from_static(TOKEN);
        signature.set_sensitive(true);
        request.headers_mut().insert("x-signature", signature);
        request
            .headers_mut()
            .insert("x-vendor-key", PASSWORD.parse()?);
        request
            .headers_mut()
            .insert("x-visible", "shown-value".parse()?);
        Ok(())
    }
}

#[tokio::test]
async fn what_interceptors_add_is_logged_and_redacted() {
    let server = MockServer::start().await;
    Mock::given(path("/pets"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    let (log, _guard) = capture();
    let client = builder(&server)
        .debug(true)
        .redact_header("x-vendor-key")
        .interceptor(AddsSecrets)
        .build()
        .unwrap();
    send::<Vec<Pet>>(&client, req(&LIST_PETS)).await.unwrap();
    let text = log.text();
    assert!(
        text.contains("shown-value"),
        "interceptor headers are logged:\n{text}"
    );
    assert!(text.contains("x-signature"), "{text}");
    assert_absent(TOKEN, &text, "debug log (sensitive value)");
    assert_absent(PASSWORD, &text, "debug log (redacted name)");
    let received = only_request(&server).await;
    assert_eq!(
        header(&received, "x-signature"),
        Some(TOKEN),
        "sent unredacted"
    );
}
