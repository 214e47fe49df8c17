//! Keys from the environment, several clients side by side, and `Debug`
//! output that never shows a key.

mod support;

use sdk_runtime::{Client, Credentials};
use support::*;
use wiremock::{Mock, MockServer, ResponseTemplate};

const VARS: [&str; 5] = [
    "TEST_PETS_API_KEY",
    "API_KEY",
    "TEST_PETS_BASE_URL",
    "TEST_PETS_DEBUG",
    "SDK_DEBUG",
];

fn set(name: &str, value: Option<&str>) {
    // SAFETY: only this test (the single test in this binary that touches the
    // environment) reads or writes these variables, and nothing else in the
    // process reads the environment concurrently: all servers are on loopback
    // IP literals, so no resolver runs.
    unsafe {
        match value {
            Some(v) => std::env::set_var(name, v),
            None => std::env::remove_var(name),
        }
    }
}

async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    server
}

async fn sent_authorization(client: &Client, server: &MockServer) -> String {
    send_empty(client, req(&LIST_PETS)).await.unwrap();
    let sent = server.received_requests().await.unwrap();
    header(sent.last().unwrap(), "authorization")
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn from_env_reads_keys_base_url_and_debug() {
    let server = server().await;
    for var in VARS {
        set(var, None);
    }

    let err = Client::builder(&API)
        .base_url(server.uri())
        .from_env()
        .build()
        .unwrap_err();
    assert!(err.is_config(), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains("`TEST_PETS_API_KEY` or `API_KEY`"),
        "{message}"
    );
    // An API without security schemes needs no key.
    Client::builder(&OPEN_API)
        .base_url(server.uri())
        .from_env()
        .build()
        .unwrap();

    set("API_KEY", Some("fallback"));
    let client = Client::builder(&API)
        .base_url(server.uri())
        .from_env()
        .build()
        .unwrap();
    assert_eq!(
        sent_authorization(&client, &server).await,
        "Bearer fallback"
    );

    set("TEST_PETS_API_KEY", Some(" primary \n"));
    set("TEST_PETS_BASE_URL", Some(&server.uri()));
    let client = Client::builder(&API).from_env().build().unwrap();
    assert_eq!(client.base_url(), server.uri());
    assert_eq!(sent_authorization(&client, &server).await, "Bearer primary");

    let explicit = Client::builder(&API)
        .api_key("code")
        .from_env()
        .build()
        .unwrap();
    assert_eq!(sent_authorization(&explicit, &server).await, "Bearer code");

    let debug_of = |client: &Client| format!("{client:?}").contains("debug: true");
    assert!(!debug_of(&client));
    set("SDK_DEBUG", Some("1"));
    assert!(debug_of(&Client::builder(&API).from_env().build().unwrap()));
    set("TEST_PETS_DEBUG", Some("false"));
    assert!(
        !debug_of(&Client::builder(&API).from_env().build().unwrap()),
        "the prefixed variable wins"
    );
    set("TEST_PETS_DEBUG", Some("TRUE"));
    assert!(debug_of(&Client::builder(&API).from_env().build().unwrap()));

    for var in VARS {
        set(var, None);
    }
}

#[tokio::test]
async fn clients_with_different_keys_coexist() {
    let server = server().await;
    let a = builder(&server).api_key("key-a").build().unwrap();
    let b = builder(&server).api_key("key-b").build().unwrap();
    let (ra, rb) = tokio::join!(
        send_empty(&a, req(&LIST_PETS)),
        send_empty(&b, req(&PUBLIC))
    );
    ra.unwrap();
    rb.unwrap();
    let sent = server.received_requests().await.unwrap();
    let auth = |path: &str| {
        let r = sent.iter().find(|r| r.url.path() == path).unwrap();
        header(r, "authorization").map(str::to_owned)
    };
    assert_eq!(auth("/pets").as_deref(), Some("Bearer key-a"));
    assert_eq!(auth("/public"), None);
    send_empty(&b, req(&LIST_PETS)).await.unwrap();
    let last = server.received_requests().await.unwrap().pop().unwrap();
    assert_eq!(header(&last, "authorization"), Some("Bearer key-b"));
}

#[test]
fn debug_output_hides_every_secret() {
    assert_eq!(
        format!("{:?}", Credentials::api_key("sk_1")),
        "Credentials::ApiKey(<redacted>)"
    );
    assert_eq!(
        format!("{:?}", Credentials::bearer("t")),
        "Credentials::Bearer(<redacted>)"
    );
    assert_eq!(
        format!("{:?}", Credentials::basic("user_sk", "pw")),
        "Credentials::Basic(<redacted>)"
    );
    assert_eq!(format!("{:?}", Credentials::default()), "Credentials::None");
    let both = Credentials::api_key("sk_1").and(Credentials::basic("u", "p"));
    assert_eq!(
        format!("{both:?}"),
        "Credentials[ApiKey(<redacted>), Basic(<redacted>)]"
    );

    let builder = Client::builder(&API)
        .base_url("http://127.0.0.1:9")
        .api_key("sk_secret_builder");
    let shown = format!("{builder:?}");
    assert!(
        shown.contains("ApiKey(<redacted>)") && !shown.contains("sk_secret"),
        "{shown}"
    );
    let client = builder.build().unwrap();
    let shown = format!("{client:?}");
    assert!(
        shown.contains("Test Pets") && !shown.contains("sk_secret"),
        "{shown}"
    );
    client.set_credentials(Credentials::bearer("sk_secret_rotated"));
    assert!(format!("{client:?}").contains("Credentials::Bearer(<redacted>)"));
}
