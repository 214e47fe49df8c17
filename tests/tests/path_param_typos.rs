//! `spec/wild/path-param-typos.yaml` declares `petId` for `/pets/{petid}`: the macro warns
//! (see `sdk-macros/tests/ui/path-param-typos.stderr` for the text) and the build goes on,
//! with the declared integer parameter used for `{petid}`.

use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod typos {
    // The document's typos are reported as (deprecation) warnings, on purpose.
    #![allow(deprecated)]
    sdk_runtime::generate_client!("../spec/wild/path-param-typos.yaml");
}

#[tokio::test]
async fn a_case_only_typo_keeps_the_typed_parameter() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/pets/7"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = typos::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client");
    let pet_id: i64 = 7;
    // The mock answers `/pets/7` only, once: the integer went into `{petid}`.
    client.get_pet(pet_id).await.expect("204");
}
