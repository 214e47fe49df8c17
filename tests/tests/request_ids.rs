//! Request IDs read with no setting: from the header the document's responses declare
//! (`spec/wild/request-id-declared.yaml` declares Stripe's `Request-Id`), else from a short
//! list of common names; a header the user sets wins over both.

use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

mod declared {
    sdk_runtime::generate_client!("../spec/wild/request-id-declared.yaml");
}

mod undeclared {
    sdk_runtime::generate_client!("../spec/petstore.yaml");
}

/// A server answering every request with `status`, a JSON body and `headers`.
async fn server(status: u16, body: serde_json::Value, headers: &[(&str, &str)]) -> MockServer {
    let server = MockServer::start().await;
    let mut response = ResponseTemplate::new(status).set_body_json(body);
    for (name, value) in headers {
        response = response.insert_header(*name, *value);
    }
    Mock::given(any())
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

fn declared_client(server: &MockServer) -> declared::Client {
    declared::Client::builder()
        .base_url(server.uri())
        .max_retries(0)
        .build()
        .expect("client")
}

fn undeclared_client(server: &MockServer) -> undeclared::Client {
    undeclared::Client::builder()
        .base_url(server.uri())
        .max_retries(0)
        .build()
        .expect("client")
}

const PET: &str = r#"{"id": 1, "name": "Rex"}"#;

#[test]
fn the_declared_header_reaches_the_api_description() {
    assert_eq!(declared::API.request_id_header, Some("Request-Id"));
    assert_eq!(undeclared::API.request_id_header, None);
}

#[tokio::test]
async fn declared_header_is_read_from_a_success_before_common_ones() {
    let headers = [("x-request-id", "common"), ("Request-Id", "req_ok")];
    let server = server(200, json!({"id": "ch_1"}), &headers).await;
    let response = declared_client(&server)
        .get_charge("ch_1")
        .await
        .expect("200");
    assert_eq!(response.request_id(), Some("req_ok"));
}

#[tokio::test]
async fn declared_header_is_read_from_an_error() {
    let server = server(
        404,
        json!({"message": "no such charge"}),
        &[("Request-Id", "req_404")],
    )
    .await;
    let error = declared_client(&server)
        .get_charge("ch_x")
        .await
        .expect_err("404");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(error.request_id(), Some("req_404"));
}

#[tokio::test]
async fn a_document_declaring_nothing_reads_x_request_id() {
    let body: serde_json::Value = serde_json::from_str(PET).expect("json");
    let server = server(200, body, &[("X-Request-Id", "req_x")]).await;
    let response = undeclared_client(&server)
        .pets()
        .show_pet_by_id("1")
        .await
        .expect("200");
    assert_eq!(response.request_id(), Some("req_x"));
}

#[tokio::test]
async fn a_server_answering_only_request_id_is_read_through_the_common_names() {
    let body: serde_json::Value = serde_json::from_str(PET).expect("json");
    let server = server(200, body, &[("request-id", "req_stripe")]).await;
    let response = undeclared_client(&server)
        .pets()
        .show_pet_by_id("1")
        .await
        .expect("200");
    assert_eq!(response.request_id(), Some("req_stripe"));
    let server = self::server(
        500,
        json!({"code": 1, "message": "down"}),
        &[("cf-ray", "ray_1")],
    )
    .await;
    let error = undeclared_client(&server)
        .pets()
        .show_pet_by_id("1")
        .await
        .expect_err("500");
    assert_eq!(error.request_id(), Some("ray_1"));
}

#[tokio::test]
async fn an_explicit_header_wins_and_is_the_only_one_read() {
    let headers = [("Request-Id", "req_doc"), ("X-Trace", "mine")];
    let server = server(200, json!({"id": "ch_1"}), &headers).await;
    let client = declared::Client::builder()
        .base_url(server.uri())
        .request_id_header("x-trace")
        .build()
        .expect("client");
    let response = client.get_charge("ch_1").await.expect("200");
    assert_eq!(response.request_id(), Some("mine"));

    let server = self::server(200, json!({"id": "ch_1"}), &[("Request-Id", "req_doc")]).await;
    let client = declared::Client::builder()
        .base_url(server.uri())
        .request_id_header("x-trace")
        .build()
        .expect("client");
    let response = client.get_charge("ch_1").await.expect("200");
    assert_eq!(
        response.request_id(),
        None,
        "the user's header alone is read"
    );
}
