//! The typed mock of generated clients (`sdk-runtime`'s `mock` feature), against the
//! example API (`spec/api.yaml`) and the kitchen-sink document: typed expectations, `times`,
//! requests checked against the document, canned answers checked when set up, faults that
//! drive the client's retries, and a paged list served in the operation's own style.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Duration;

use futures::TryStreamExt;
use serde_json::json;

mod api {
    sdk_runtime::generate_client!("../spec/api.yaml");
}

mod sink {
    sdk_runtime::generate_client!("../spec/kitchen-sink.yaml");
}

use api::mock::MockServer;
use api::types::{Currency, NewOrder, Order, OrderStatus, User};

fn user(n: usize) -> User {
    User {
        id: format!("usr_{n:06}"),
        email: format!("user{n}@example.com"),
        name: format!("User {n}"),
        created_at: "2026-12-06T10:00:00Z".parse().unwrap(),
    }
}

fn order(id: &str) -> Order {
    Order {
        id: id.into(),
        user_id: "usr_000001".into(),
        amount_cents: 4_200,
        currency: Currency::Eur,
        status: OrderStatus::Pending,
        created_at: "2026-12-06T10:00:00Z".parse().unwrap(),
    }
}

fn new_order(amount_cents: i64) -> NewOrder {
    NewOrder {
        user_id: "usr_000001".into(),
        amount_cents,
        currency: Currency::Eur,
    }
}

/// The panic message of `f`, which must panic.
fn panic_message(f: impl FnOnce()) -> String {
    let payload = catch_unwind(AssertUnwindSafe(f)).expect_err("it panics");
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

/// A user's own code, tested below with the mock instead of the real API.
async fn pending_total(client: &api::Client) -> sdk_runtime::Result<i64> {
    let orders: Vec<Order> = client.orders().list_orders().items().try_collect().await?;
    Ok(orders
        .iter()
        .filter(|o| o.status == OrderStatus::Pending)
        .map(|o| o.amount_cents)
        .sum())
}

#[tokio::test]
async fn a_users_function_under_test_with_the_mock() {
    let mock = MockServer::start().await;
    let mut orders: Vec<Order> = (1..=5).map(|i| order(&format!("ord_{i:06}"))).collect();
    orders[1].status = OrderStatus::Paid;
    mock.orders().list_orders().respond_pages(&orders).times(1);
    assert_eq!(pending_total(&mock.client()).await.unwrap(), 4 * 4_200);
}

#[tokio::test]
async fn typed_expectations_match_and_times_is_enforced() {
    let mock = MockServer::start().await;
    mock.users()
        .get_user("usr_000001")
        .respond(200, &user(1))
        .times(1);
    mock.users().get_user("usr_000002").respond(200, &user(2));
    let client = mock.client();
    assert_eq!(
        client.users().get_user("usr_000002").await.unwrap().name,
        "User 2"
    );
    let one = client.users().get_user("usr_000001").await.unwrap();
    assert_eq!(*one, user(1));
    // A request no expectation matches is answered 404 and listed.
    let err = client
        .users()
        .get_user("usr_000003")
        .max_retries(0)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(sdk_runtime::StatusCode::NOT_FOUND));
    assert_eq!(mock.unmatched().len(), 1, "{:?}", mock.unmatched());
    mock.verify();

    let mock = MockServer::start().await;
    mock.users()
        .get_user("usr_000001")
        .respond(200, &user(1))
        .times(2);
    mock.client().users().get_user("usr_000001").await.unwrap();
    let message = panic_message(|| drop(mock));
    assert!(
        message
            .contains("getUser (GET /users/{user_id}): expected 2 matching request(s), received 1"),
        "{message}"
    );
}

#[tokio::test]
async fn a_request_that_breaks_the_document_fails_the_test_with_the_pointer() {
    let mock = MockServer::start().await;
    mock.orders()
        .create_order()
        .respond(201, &order("ord_000001"));
    // The client sends what it is given; the mock checks it against the document.
    let err = mock
        .client()
        .orders()
        .create_order(&new_order(0))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(sdk_runtime::StatusCode::BAD_REQUEST));
    let raw = sdk_runtime::http_client_builder()
        .build()
        .expect("an HTTP client");
    raw.post(format!("{}/users", mock.uri()))
        .header("content-type", "application/json")
        .body(r#"{"email": 5}"#)
        .send()
        .await
        .unwrap();
    raw.get(format!("{}/nowhere", mock.uri()))
        .send()
        .await
        .unwrap();
    let violations = mock.take_violations();
    assert_eq!(violations.len(), 3, "{violations:#?}");
    assert!(
        violations[0].starts_with("createOrder (POST /orders): the request breaks the document")
    );
    assert!(
        violations[0].contains(
            "#/components/schemas/NewOrder/properties/amount_cents/minimum at $.amount_cents"
        ),
        "{}",
        violations[0]
    );
    assert!(
        violations[1].contains("#/components/schemas/NewUser/required"),
        "{}",
        violations[1]
    );
    assert!(
        violations[1].contains(
            "#/components/schemas/NewUser/properties/email/type at $.email: expected string"
        ),
        "{}",
        violations[1]
    );
    assert!(violations[2].contains("#/paths: no operation of the document matches GET /nowhere"));

    // Left in place, a violation fails the test when the mock is dropped.
    let mock = MockServer::start().await;
    raw.get(format!("{}/nowhere", mock.uri()))
        .send()
        .await
        .unwrap();
    let message = panic_message(|| drop(mock));
    assert!(
        message.contains("no operation of the document matches GET /nowhere"),
        "{message}"
    );
}

#[tokio::test]
async fn an_invalid_canned_answer_is_rejected_when_set_up() {
    let mock = MockServer::start().await;
    let message = panic_message(|| {
        mock.users()
            .get_user("usr_1")
            .respond_error(404, &json!({"message": "gone", "extra": [1]}));
    });
    assert!(
        message.contains("getUser (GET /users/{user_id}): the canned 404 response does not match"),
        "{message}"
    );
    assert!(
        message.contains("#/components/schemas/Error/required at $: property `code` is required"),
        "{message}"
    );
    let message = panic_message(|| {
        mock.users().get_user("usr_1").respond_empty(418);
    });
    assert!(message.contains("describes no 418 response"), "{message}");
    // A typed, documented error answer is fine, and decodes on the client's side.
    let body = api::types::Error {
        code: "not_found".into(),
        message: "no user usr_1".into(),
        request_id: None,
    };
    mock.users()
        .get_user("usr_1")
        .respond_error(404, &body)
        .times(1);
    let err = mock.client().users().get_user("usr_1").await.unwrap_err();
    assert_eq!(err.body::<api::types::Error>(), Some(&body));
}

#[tokio::test]
async fn faults_drive_the_clients_retries_with_one_idempotency_key() {
    let mock = MockServer::start().await;
    mock.orders()
        .create_order()
        .with_body(&new_order(4_200))
        .respond(201, &order("ord_000001"))
        .fail_times(2, 503)
        .times(3);
    let created = mock
        .client()
        .orders()
        .create_order(&new_order(4_200))
        .await
        .unwrap();
    assert_eq!(created.id, "ord_000001");
    let keys: Vec<String> = mock
        .received()
        .iter()
        .map(|r| r.headers["idempotency-key"].to_str().unwrap().to_owned())
        .collect();
    assert_eq!(keys.len(), 3);
    assert!(keys.iter().all(|k| k == &keys[0]), "{keys:?}");

    mock.orders()
        .get_order("ord_000002")
        .respond(200, &order("ord_000002"))
        .drop_connection()
        .times(2);
    assert_eq!(
        mock.client()
            .orders()
            .get_order("ord_000002")
            .await
            .unwrap()
            .id,
        "ord_000002"
    );

    mock.orders()
        .get_order("ord_000003")
        .respond(200, &order("ord_000003"))
        .delay(Duration::from_millis(300));
    let err = mock
        .client()
        .orders()
        .get_order("ord_000003")
        .timeout(Duration::from_millis(50))
        .max_retries(0)
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err}");

    let limited = mock
        .users()
        .get_user("usr_000001")
        .respond(200, &user(1))
        .rate_limit(1, Duration::from_millis(200));
    let client = mock
        .client_builder()
        .follow_rate_limits(false)
        .build()
        .unwrap();
    client.users().get_user("usr_000001").await.unwrap();
    let err = client
        .users()
        .get_user("usr_000001")
        .max_retries(0)
        .await
        .unwrap_err();
    assert_eq!(
        err.status(),
        Some(sdk_runtime::StatusCode::TOO_MANY_REQUESTS)
    );
    tokio::time::sleep(Duration::from_millis(250)).await;
    client.users().get_user("usr_000001").await.unwrap();
    assert_eq!(limited.hits(), 3);
}

#[tokio::test]
async fn a_paged_list_streams_through_the_mock_at_the_maximum_page_size() {
    let mock = MockServer::start().await;
    let users: Vec<User> = (1..=250).map(user).collect();
    mock.users().list_users().respond_pages(&users).times(3);
    let streamed: Vec<User> = mock
        .client()
        .users()
        .list_users()
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(streamed, users);
    let limits: Vec<String> = mock
        .received()
        .iter()
        .map(|r| r.query.clone().unwrap_or_default())
        .collect();
    assert!(limits.iter().all(|q| q.contains("limit=100")), "{limits:?}");
    // The mock's cursors are opaque positions the client hands back.
    assert_eq!(limits[1], "limit=100&starting_after=100");
}

#[tokio::test]
async fn the_kitchen_sink_mock_matches_query_and_path_parameters() {
    let mock = sink::mock::MockServer::start().await;
    let node = sink::types::Node {
        label: "wheel".into(),
        parent: None,
        children: Some(vec![sink::types::Node {
            label: "spoke".into(),
            parent: None,
            children: None,
        }]),
    };
    // Path parameters encoded as the client encodes them, and a required query parameter.
    mock.things()
        .get_part("a b/c?", 7, "wheel")
        .respond(200, &node)
        .times(1);
    mock.things()
        .list_things()
        .tags(&["red".to_owned(), "blue".to_owned()])
        .ids(&[1, 2])
        .respond(
            200,
            &sink::types::ListThingsResponse {
                data: Vec::new(),
                next: None,
            },
        )
        .times(1);
    let client = mock.client_builder().api_key("ks_test").build().unwrap();
    let part = client
        .things()
        .get_part("a b/c?", 7, "wheel")
        .await
        .unwrap();
    assert_eq!(
        part.children.as_ref().map(|c| c[0].label.as_str()),
        Some("spoke")
    );
    // Another value of `type` is not this expectation's request.
    client
        .things()
        .get_part("a b/c?", 7, "axle")
        .max_retries(0)
        .await
        .unwrap_err();
    assert_eq!(mock.unmatched().len(), 1, "{:?}", mock.unmatched());
    client
        .things()
        .list_things()
        .tags(&["red".to_owned(), "blue".to_owned()])
        .ids(&[1, 2])
        .limit(5)
        .await
        .unwrap();
    let query = mock
        .received()
        .last()
        .and_then(|r| r.query.clone())
        .unwrap_or_default();
    assert!(
        query.contains("tags=red&tags=blue") && query.contains("ids=1,2"),
        "{query}"
    );
    mock.verify();
}
