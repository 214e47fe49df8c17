//! The flow of the README's first example, against a loopback wiremock server.

use serde_json::json;
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod petstore {
    sdk_runtime::generate_client!("../spec/petstore.yaml");
}

#[tokio::test]
async fn list_create_and_get() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/pets"))
        .and(query_param("limit", "10"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(
                    json!([{"id": 1, "name": "Rex"}, {"id": 2, "name": "Tom", "tag": "cat"}]),
                )
                .insert_header("x-request-id", "req_pets"),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/pets"))
        .and(body_json(json!({"id": 3, "name": "Rex"})))
        .respond_with(ResponseTemplate::new(201))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/pets/42"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(json!({"code": 404, "message": "no such pet"}))
                .insert_header("x-request-id", "req_missing"),
        )
        .mount(&server)
        .await;

    let client = petstore::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client");
    let pets = client.pets().list_pets().limit(10).await.expect("list");
    assert_eq!(pets.len(), 2);
    assert_eq!(pets.request_id(), Some("req_pets"));
    assert_eq!(pets[1].tag.as_deref(), Some("cat"));

    let created = client
        .pets()
        .create_pets(&petstore::types::Pet {
            id: 3,
            name: "Rex".into(),
            tag: None,
        })
        .send()
        .await
        .expect("create");
    assert_eq!(created.status(), 201);

    let err = client.pets().show_pet_by_id("42").await.expect_err("404");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(err.request_id(), Some("req_missing"));
    let body = err
        .body::<petstore::types::Error>()
        .expect("typed error body");
    assert_eq!(body.message, "no such pet");
    assert_eq!(err.attempts(), 1, "a 404 is never retried");
}
