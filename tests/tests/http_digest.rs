//! `spec/wild/http-digest.yaml` secures `listPets` with an `http` `digest` scheme and
//! `getPet` with a bearer scheme. The client sends no credential for digest (it once sent
//! the bearer token there), and still sends the token where bearer is required. The macro
//! warns about the digest scheme (see `sdk-macros/tests/ui/http-digest.stderr`).

use sdk_runtime::Credentials;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

mod digest {
    // The document's digest scheme is reported as a (deprecation) warning, on purpose.
    #![allow(deprecated)]
    sdk_runtime::generate_client!("../spec/wild/http-digest.yaml");
}

#[tokio::test]
async fn digest_gets_no_credential_and_bearer_keeps_its_token() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = digest::Client::builder()
        .base_url(server.uri())
        .credentials(Credentials::bearer("the-token").and(Credentials::api_key("the-key")))
        .build()
        .expect("client");
    client.list_pets().await.expect("204");
    client.get_pet("7").await.expect("204");

    let requests = server.received_requests().await.expect("recording is on");
    let authorization = |url_path: &str| {
        let request = requests
            .iter()
            .find(|r| r.url.path() == url_path)
            .unwrap_or_else(|| panic!("{url_path} was requested"));
        request
            .headers
            .get("authorization")
            .map(|v| v.to_str().expect("ASCII").to_owned())
    };
    assert_eq!(authorization("/pets"), None, "digest: no credential");
    assert_eq!(
        authorization("/pets/7").as_deref(),
        Some("Bearer the-token"),
        "bearer: the token"
    );
}
