//! What a first hour with the runtime runs into: a mock that checks parameter values (not only
//! their presence) as the real API would, pages that satisfy a Stripe-style list schema, errors
//! that show the server's own message, and decode errors that name the field that failed.
//! Against the example API (`spec/api.yaml`), a cut-down Stripe list (`spec/wild/stripe-list.yaml`)
//! and wiremock servers.

use futures::TryStreamExt;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer as Wiremock, ResponseTemplate};

mod api {
    sdk_runtime::generate_client!("../spec/api.yaml");
}

mod stripe {
    sdk_runtime::generate_client!("../spec/wild/stripe-list.yaml");
}

fn user(n: usize) -> api::types::User {
    api::types::User {
        id: format!("usr_{n:06}"),
        email: format!("user{n}@example.com"),
        name: format!("User {n}"),
        created_at: "2026-12-06T10:00:00Z".parse().unwrap(),
    }
}

fn customer(n: i64) -> stripe::types::Customer {
    serde_json::from_value(json!({"id": format!("cus_{n}"), "object": "customer", "created": n}))
        .expect("a customer")
}

/// A plain HTTP client, to send what the typed client cannot (`limit=abc`).
fn raw() -> reqwest::Client {
    sdk_runtime::http_client_builder()
        .build()
        .expect("an HTTP client")
}

#[tokio::test]
async fn an_out_of_range_query_value_fails_the_call_with_the_schema_pointer() {
    let mock = api::mock::MockServer::start().await;
    mock.users()
        .list_users()
        .respond_pages(&[user(1), user(2)])
        .times(1);
    let client = mock.client();
    // In range: served.
    let page = client.users().list_users().limit(100).await.unwrap();
    assert_eq!(page.data.len(), 2);
    // Out of range: the mock answers 400 as the real API would, and the error says why.
    let err = client
        .users()
        .list_users()
        .limit(1000)
        .max_retries(0)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(sdk_runtime::StatusCode::BAD_REQUEST));
    let expected = "query parameter limit: 1000 is above the maximum 100 \
                    (#/components/parameters/Limit/schema/maximum)";
    assert!(err.to_string().contains(expected), "{err}");
    let violations = mock.take_violations();
    assert_eq!(violations.len(), 1, "{violations:#?}");
    assert!(violations[0].contains(expected), "{}", violations[0]);
}

#[tokio::test]
async fn a_wrong_type_a_header_and_a_path_value_are_checked_too() {
    let mock = api::mock::MockServer::start().await;
    let answer = raw()
        .get(format!("{}/users?limit=abc", mock.uri()))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 400);
    let stripe = stripe::mock::MockServer::start().await;
    stripe
        .get_customers()
        .respond_pages(&[customer(1)])
        .times(1);
    let answer = raw()
        .get(format!("{}/v1/customers", stripe.uri()))
        .header("stripe-version", "1999-01-01")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 400);
    // A known version passes, and so does an e-mail within its length.
    let answer = raw()
        .get(format!("{}/v1/customers?email=a%40b.c", stripe.uri()))
        .header("stripe-version", "2024-06-20")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let err = stripe
        .client()
        .get_customers_customer(&"c".repeat(5001))
        .max_retries(0)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(sdk_runtime::StatusCode::BAD_REQUEST));

    let violations = mock.take_violations();
    assert_eq!(violations.len(), 1, "{violations:#?}");
    assert!(
        violations[0].contains(
            "query parameter limit: `abc` is not an integer \
             (#/components/parameters/Limit/schema/type)"
        ),
        "{}",
        violations[0]
    );
    let violations = stripe.take_violations();
    assert_eq!(violations.len(), 2, "{violations:#?}");
    assert!(
        violations[0].contains(
            r#"header parameter Stripe-Version: "1999-01-01" is not one of ["2024-06-20","2023-10-16"] (#/paths/~1v1~1customers/get/parameters/3/schema/enum)"#
        ),
        "{}",
        violations[0]
    );
    let path_broken = "path parameter customer: 5001 characters, more than 5000 \
                       (#/paths/~1v1~1customers~1{customer}/get/parameters/0/schema/maxLength)";
    assert!(violations[1].contains(path_broken), "{}", violations[1]);
    assert!(err.to_string().contains(path_broken), "{err}");
}

#[tokio::test]
async fn the_mocks_pages_fill_a_stripe_list_schemas_required_fields() {
    let mock = stripe::mock::MockServer::start().await;
    let customers: Vec<stripe::types::Customer> = (1..=25).map(customer).collect();
    mock.get_customers().respond_pages(&customers).times(3);
    let client = mock.client();
    let streamed: Vec<stripe::types::Customer> =
        client.get_customers().items().try_collect().await.unwrap();
    assert_eq!(streamed, customers);
    // Each page is what Stripe sends: `object` from the enum of one, `url` the request path.
    let page = raw()
        .get(format!("{}/v1/customers?limit=2", mock.uri()))
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    assert_eq!(page["object"], "list");
    assert_eq!(page["url"], "/v1/customers");
    assert_eq!(page["has_more"], true);
    assert_eq!(page["data"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn an_api_errors_display_shows_the_servers_message() {
    let mock = stripe::mock::MockServer::start().await;
    mock.get_customers_customer("cus_missing").respond_error(
        404,
        &json!({"error": {"type": "invalid_request_error", "message": "No such customer: 'cus_missing'"}}),
    );
    let err = mock
        .client()
        .get_customers_customer("cus_missing")
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("server returned 404 Not Found: No such customer: 'cus_missing' for GET "),
        "{err}"
    );

    let server = Wiremock::start().await;
    Mock::given(method("GET"))
        .and(path("/users/usr_1"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"message": "Not Found"})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/users/usr_2"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"code": 17})))
        .mount(&server)
        .await;
    let client = api::Client::builder()
        .base_url(server.uri())
        .build()
        .unwrap();
    let err = client.users().get_user("usr_1").await.unwrap_err();
    assert!(
        err.to_string()
            .starts_with("server returned 404 Not Found: Not Found for GET "),
        "{err}"
    );
    // No message in the body: the error reads as before.
    let err = client.users().get_user("usr_2").await.unwrap_err();
    assert!(
        err.to_string()
            .starts_with("server returned 404 Not Found for GET "),
        "{err}"
    );
}

#[tokio::test]
async fn a_decode_error_names_the_field_path_and_the_expected_type() {
    let server = Wiremock::start().await;
    let body = json!({
        "object": "list", "url": "/v1/customers", "has_more": false,
        "data": [
            {"id": "cus_1", "object": "customer", "created": 1},
            {"id": "cus_2", "object": "customer", "created": "yesterday"}
        ]
    });
    Mock::given(method("GET"))
        .and(path("/v1/customers"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let client = stripe::Client::builder()
        .base_url(server.uri())
        .build()
        .unwrap();
    let err = client.get_customers().await.unwrap_err();
    assert!(err.is_decode(), "{err:?}");
    let shown = err.to_string();
    assert!(
        shown.starts_with(
            "could not decode the 200 OK response body: at data[1].created: invalid type: \
             string \"yesterday\", expected"
        ),
        "{shown}"
    );
    assert!(shown.contains("for GET http://"), "{shown}");
}

#[tokio::test]
async fn a_key_the_server_echoes_is_redacted_from_the_error() {
    const KEY: &str = "sk_test_4eC39HqLyjWDarjtT1zdp7dc";
    let server = Wiremock::start().await;
    Mock::given(method("GET"))
        .and(path("/users/usr_1"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"message": format!("Invalid API key provided: {KEY}")})),
        )
        .mount(&server)
        .await;
    let client = api::Client::builder()
        .base_url(server.uri())
        .api_key(KEY)
        .build()
        .unwrap();
    let err = client.users().get_user("usr_1").await.unwrap_err();
    let shown = err.to_string();
    assert!(
        shown.starts_with(
            "server returned 401 Unauthorized: Invalid API key provided: [redacted] for GET "
        ),
        "{shown}"
    );
    assert!(!format!("{shown}{err:?}").contains(KEY), "{shown}");
    let kept = String::from_utf8_lossy(err.raw_body().unwrap_or_default()).into_owned();
    assert!(!kept.contains(KEY) && kept.contains("[redacted]"), "{kept}");
}
