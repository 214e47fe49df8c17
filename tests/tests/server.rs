//! Tests of the example server itself, with a plain reqwest client: the SDK's tests are only as
//! good as the server they run against.

use std::collections::HashSet;
use std::time::Duration;

use reqwest::header::HeaderValue;
use reqwest::{Client, Method, Response, StatusCode};
use sdk_tests::server::{
    API_KEY_HEADER, ErrorBody, ExampleServer, FaultConfig, FaultKind, IDEMPOTENCY_KEY,
    IDEMPOTENT_REPLAYED, List, Order, REQUEST_ID, ServerConfig, User, WEBHOOK_ID,
    WEBHOOK_SIGNATURE, WEBHOOK_TIMESTAMP, WebhookSigner,
};
use serde_json::{Value, json};

type TestResult = Result<(), Box<dyn std::error::Error>>;

async fn start(
    config: ServerConfig,
) -> Result<(ExampleServer, Client), Box<dyn std::error::Error>> {
    let server = ExampleServer::start(config).await?;
    Ok((server, sdk_runtime::http_client_builder().build()?))
}

/// A request to `path` carrying the server's key.
fn call(
    client: &Client,
    server: &ExampleServer,
    method: Method,
    path: &str,
) -> reqwest::RequestBuilder {
    client
        .request(method, server.url(path))
        .header(API_KEY_HEADER, server.api_key())
}

fn request_id(response: &Response) -> Option<String> {
    response
        .headers()
        .get(REQUEST_ID)?
        .to_str()
        .ok()
        .map(str::to_owned)
}

/// Asserts the status and the typed error body, and returns the body's code.
async fn expect_error(
    response: Response,
    status: StatusCode,
) -> Result<String, Box<dyn std::error::Error>> {
    assert_eq!(response.status(), status);
    let header_id = request_id(&response);
    let body: ErrorBody = response.json().await?;
    assert_eq!(
        body.request_id, header_id,
        "the error body repeats the X-Request-ID header"
    );
    Ok(body.code)
}

async fn create_user(
    client: &Client,
    server: &ExampleServer,
    email: &str,
) -> Result<User, Box<dyn std::error::Error>> {
    let response = call(client, server, Method::POST, "/users")
        .json(&json!({ "email": email, "name": "Ada" }))
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::CREATED);
    Ok(response.json().await?)
}

#[tokio::test]
async fn every_response_carries_a_unique_request_id() -> TestResult {
    let (server, client) = start(ServerConfig::default()).await?;
    let user = create_user(&client, &server, "ada@example.com").await?;
    assert_eq!(user.id, "usr_000001");

    let mut responses = vec![
        call(&client, &server, Method::GET, "/users").send().await?,
        call(&client, &server, Method::GET, "/users/usr_000001")
            .send()
            .await?,
        client.get(server.url("/users")).send().await?, // 401
        call(&client, &server, Method::GET, "/users/usr_999999")
            .send()
            .await?, // 404
        call(&client, &server, Method::GET, "/nowhere")
            .send()
            .await?, // 404, no route
        call(&client, &server, Method::DELETE, "/orders")
            .send()
            .await?, // 405
        call(&client, &server, Method::GET, "/users?limit=0")
            .send()
            .await?, // 422
    ];
    server
        .state()
        .set_faults(FaultConfig::seeded(1).unavailable(1.0));
    responses.push(call(&client, &server, Method::GET, "/users").send().await?);
    server
        .state()
        .set_faults(FaultConfig::seeded(1).rate_limited(1.0));
    responses.push(call(&client, &server, Method::GET, "/users").send().await?);

    let statuses: Vec<u16> = responses.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(statuses, [200, 200, 401, 404, 404, 405, 422, 503, 429]);
    let ids: Vec<String> = responses.iter().filter_map(request_id).collect();
    assert_eq!(
        ids.len(),
        responses.len(),
        "every response has X-Request-ID: {statuses:?}"
    );
    assert!(ids.iter().all(|id| id.starts_with("req_") && id.len() > 4));
    assert_eq!(
        ids.iter().collect::<HashSet<_>>().len(),
        ids.len(),
        "ids are unique"
    );

    let seen: HashSet<String> = server
        .state()
        .requests()
        .into_iter()
        .map(|r| r.request_id)
        .collect();
    assert!(
        ids.iter().all(|id| seen.contains(id)),
        "the request log knows every id"
    );
    for response in responses.into_iter().filter(|r| !r.status().is_success()) {
        let status = response.status();
        expect_error(response, status).await?;
    }
    Ok(())
}

#[tokio::test]
async fn api_key_is_required_and_rotatable() -> TestResult {
    let (server, client) = start(ServerConfig::default().api_key("key_one")).await?;
    let missing = client.get(server.url("/users")).send().await?;
    assert_eq!(
        expect_error(missing, StatusCode::UNAUTHORIZED).await?,
        "unauthorized"
    );
    let wrong = client
        .get(server.url("/users"))
        .header(API_KEY_HEADER, "key_two")
        .send()
        .await?;
    assert_eq!(
        expect_error(wrong, StatusCode::UNAUTHORIZED).await?,
        "unauthorized"
    );
    let empty = client
        .post(server.url("/users"))
        .json(&json!({"email": "a@b.c", "name": "A"}))
        .send()
        .await?;
    assert_eq!(empty.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        server.state().user_count(),
        0,
        "a rejected request stores nothing"
    );

    server.state().set_api_keys(["key_two"]);
    let old = call(&client, &server, Method::GET, "/users").send().await?;
    assert_eq!(
        old.status(),
        StatusCode::UNAUTHORIZED,
        "the rotated-out key is refused"
    );
    let new = client
        .get(server.url("/users"))
        .header(API_KEY_HEADER, "key_two")
        .send()
        .await?;
    assert_eq!(new.status(), StatusCode::OK);
    Ok(())
}

#[tokio::test]
async fn invalid_requests_get_typed_422_and_store_nothing() -> TestResult {
    let (server, client) = start(ServerConfig::default()).await?;
    let user = create_user(&client, &server, "ada@example.com").await?;
    let too_many: Vec<Value> = (0..101)
        .map(|i| json!({ "email": format!("u{i}@example.com"), "name": "U" }))
        .collect();
    let cases = [
        ("/users/batch", json!({ "users": too_many })),
        ("/users/batch", json!({ "users": [] })),
        ("/users", json!({ "email": "not-an-email", "name": "A" })),
        ("/users", json!({ "email": "a@example.com" })),
        (
            "/orders",
            json!({ "user_id": user.id, "amount_cents": 0, "currency": "usd" }),
        ),
        (
            "/orders",
            json!({ "user_id": user.id, "amount_cents": 5, "currency": "jpy" }),
        ),
        (
            "/orders",
            json!({ "user_id": "usr_000777", "amount_cents": 5, "currency": "usd" }),
        ),
    ];
    for (path, body) in cases {
        let response = call(&client, &server, Method::POST, path)
            .json(&body)
            .send()
            .await?;
        assert_eq!(
            expect_error(response, StatusCode::UNPROCESSABLE_ENTITY).await?,
            "invalid_request",
            "{body}"
        );
    }
    let not_json = call(&client, &server, Method::POST, "/users")
        .body("{")
        .send()
        .await?;
    assert_eq!(not_json.status(), StatusCode::UNPROCESSABLE_ENTITY);
    for query in [
        "limit=101",
        "limit=0",
        "limit=ten",
        "starting_after=usr_000042",
    ] {
        let response = call(&client, &server, Method::GET, &format!("/users?{query}"))
            .send()
            .await?;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{query}"
        );
    }
    assert_eq!(
        (server.state().user_count(), server.state().order_count()),
        (1, 0)
    );
    Ok(())
}

#[tokio::test]
async fn cursor_pagination_walks_250_users_in_pages_of_100() -> TestResult {
    let (server, client) = start(ServerConfig::default()).await?;
    for (start, count) in [(0, 100), (100, 100), (200, 50)] {
        let users: Vec<Value> = (start..start + count)
            .map(
                |i| json!({ "email": format!("user{i}@example.com"), "name": format!("User {i}") }),
            )
            .collect();
        let response = call(&client, &server, Method::POST, "/users/batch")
            .json(&json!({ "users": users }))
            .send()
            .await?;
        assert_eq!(response.status(), StatusCode::CREATED);
        let created: Value = response.json().await?;
        assert_eq!(created["data"].as_array().map(Vec::len), Some(count));
    }
    assert_eq!(server.state().user_count(), 250);

    let mut seen = Vec::new();
    let mut pages = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..10 {
        let mut query = vec![("limit", "100".to_owned())];
        query.extend(cursor.clone().map(|c| ("starting_after", c)));
        let page: List<User> = call(&client, &server, Method::GET, "/users")
            .query(&query)
            .send()
            .await?
            .json()
            .await?;
        pages.push((page.data.len(), page.has_more));
        seen.extend(page.data.iter().map(|u| u.id.clone()));
        assert_eq!(page.next_cursor.is_some(), page.has_more);
        cursor = page.next_cursor;
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(pages, [(100, true), (100, true), (50, false)]);
    let expected: Vec<String> = (1..=250).map(|i| format!("usr_{i:06}")).collect();
    assert_eq!(seen, expected, "every user once, in creation order");

    let default_page: List<User> = call(&client, &server, Method::GET, "/users")
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(default_page.data.len(), 20, "limit defaults to 20");
    Ok(())
}

#[tokio::test]
async fn repeated_idempotency_key_replays_the_stored_answer() -> TestResult {
    let (server, client) = start(ServerConfig::default()).await?;
    let user = create_user(&client, &server, "ada@example.com").await?;
    let order = json!({ "user_id": user.id, "amount_cents": 1250, "currency": "eur" });
    let post = |body: &Value, key: &str| {
        call(&client, &server, Method::POST, "/orders")
            .header(IDEMPOTENCY_KEY, key)
            .json(body)
            .send()
    };

    let first = post(&order, "key-1").await?;
    assert_eq!(first.status(), StatusCode::CREATED);
    assert!(first.headers().get(IDEMPOTENT_REPLAYED).is_none());
    let first_id = request_id(&first);
    let first_body = first.bytes().await?;

    let again = post(&order, "key-1").await?;
    assert_eq!(again.status(), StatusCode::CREATED);
    assert_eq!(
        again
            .headers()
            .get(IDEMPOTENT_REPLAYED)
            .map(HeaderValue::as_bytes),
        Some(&b"true"[..])
    );
    assert_ne!(
        request_id(&again),
        first_id,
        "a replay is a new request with its own id"
    );
    assert_eq!(again.bytes().await?, first_body, "same body byte for byte");
    assert_eq!(server.state().order_count(), 1, "the replay stored nothing");

    let other = json!({ "user_id": user.id, "amount_cents": 99, "currency": "eur" });
    let reused = post(&other, "key-1").await?;
    assert_eq!(
        expect_error(reused, StatusCode::UNPROCESSABLE_ENTITY).await?,
        "idempotency_key_reused"
    );
    let fresh = post(&other, "key-2").await?;
    assert_eq!(fresh.status(), StatusCode::CREATED);
    assert_eq!(server.state().order_count(), 2);
    assert_eq!(server.state().stored_idempotency_keys(), 2);

    let keys: Vec<Option<String>> = server
        .state()
        .requests()
        .into_iter()
        .filter(|r| r.path == "/orders")
        .map(|r| r.idempotency_key)
        .collect();
    let expected = ["key-1", "key-1", "key-1", "key-2"].map(|k| Some(k.to_owned()));
    assert_eq!(keys, expected);
    Ok(())
}

/// Sends `n` sequential `GET /users` and returns their statuses.
async fn statuses(
    client: &Client,
    server: &ExampleServer,
    n: usize,
) -> Result<Vec<u16>, reqwest::Error> {
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let response = call(client, server, Method::GET, "/users").send().await?;
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(
                response
                    .headers()
                    .get("retry-after")
                    .map(HeaderValue::as_bytes),
                Some(&b"1"[..])
            );
        }
        out.push(response.status().as_u16());
    }
    Ok(out)
}

#[tokio::test]
async fn injected_fault_shares_are_roughly_right_and_reproducible() -> TestResult {
    let faults = FaultConfig::seeded(42)
        .unavailable(0.2)
        .rate_limited(0.1)
        .retry_after_secs(1);
    let (server, client) = start(ServerConfig::default().faults(faults.clone())).await?;
    let first = statuses(&client, &server, 400).await?;
    let count = |code: u16| first.iter().filter(|&&s| s == code).count();
    // Expected 80 and 40; the bounds are over five standard deviations wide.
    assert!((45..=115).contains(&count(503)), "503s: {}", count(503));
    assert!((15..=65).contains(&count(429)), "429s: {}", count(429));
    assert_eq!(count(200) + count(503) + count(429), 400);
    let counts = server.state().fault_counts();
    assert_eq!(
        (counts.considered, counts.unavailable, counts.rate_limited),
        (400, count(503) as u64, count(429) as u64)
    );

    server.state().set_faults(faults);
    assert_eq!(
        statuses(&client, &server, 400).await?,
        first,
        "the same seed gives the same faults"
    );

    let log = server.state().requests();
    let faulted = log
        .iter()
        .filter(|r| r.fault == Some(FaultKind::Unavailable))
        .count();
    assert_eq!(faulted, 2 * count(503), "the request log names the fault");
    Ok(())
}

#[tokio::test]
async fn faults_apply_only_to_configured_routes() -> TestResult {
    let faults = FaultConfig::seeded(3)
        .unavailable(1.0)
        .route(Method::POST, "/users");
    let (server, client) = start(ServerConfig::default().faults(faults)).await?;
    let post = call(&client, &server, Method::POST, "/users")
        .json(&json!({ "email": "a@b.c", "name": "A" }))
        .send()
        .await?;
    assert_eq!(
        expect_error(post, StatusCode::SERVICE_UNAVAILABLE).await?,
        "unavailable"
    );
    assert_eq!(
        server.state().user_count(),
        0,
        "a 503 fault answers before anything is stored"
    );
    for path in ["/users", "/orders"] {
        let response = call(&client, &server, Method::GET, path).send().await?;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
    }
    Ok(())
}

#[tokio::test]
async fn drop_after_commit_is_a_connection_error_but_the_record_exists() -> TestResult {
    let faults = FaultConfig::seeded(9)
        .drop_after_commit(1.0)
        .route(Method::POST, "/orders");
    let (server, client) = start(ServerConfig::default().faults(faults)).await?;
    let user = create_user(&client, &server, "ada@example.com").await?;
    let order = json!({ "user_id": user.id, "amount_cents": 500, "currency": "gbp" });

    let outcome = call(&client, &server, Method::POST, "/orders")
        .header(IDEMPOTENCY_KEY, "drop-1")
        .json(&order)
        .send()
        .await;
    let error = match outcome {
        Ok(response) => {
            return Err(format!("expected a transport error, got {}", response.status()).into());
        }
        Err(error) => error,
    };
    // The connection was made and the request sent; it closed before any byte of an answer
    // (hyper's `IncompleteMessage`), which reqwest reports as a request error without status.
    assert!(
        error.is_request() && !error.is_connect() && error.status().is_none(),
        "{error:?}"
    );
    assert_eq!(
        server.state().order_count(),
        1,
        "the order was committed before the connection was dropped"
    );
    let log = server.state().requests();
    let dropped = log
        .iter()
        .find(|r| r.path == "/orders")
        .and_then(|r| r.fault);
    assert_eq!(dropped, Some(FaultKind::DropAfterCommit));
    assert_eq!(server.state().fault_counts().dropped, 1);

    // The client's retry with the same key finds the committed answer instead of a duplicate.
    server.state().set_faults(FaultConfig::default());
    let retry = call(&client, &server, Method::POST, "/orders")
        .header(IDEMPOTENCY_KEY, "drop-1")
        .json(&order)
        .send()
        .await?;
    assert_eq!(retry.status(), StatusCode::CREATED);
    assert!(retry.headers().contains_key(IDEMPOTENT_REPLAYED));
    let replayed: Order = retry.json().await?;
    assert_eq!(Some(replayed), server.state().order("ord_000001"));
    assert_eq!(server.state().order_count(), 1);
    Ok(())
}

#[tokio::test]
async fn concurrency_counter_sees_parallel_requests() -> TestResult {
    let (server, client) = start(ServerConfig::default()).await?;
    statuses(&client, &server, 5).await?;
    assert_eq!(
        server.state().max_concurrent(),
        1,
        "sequential requests never overlap"
    );

    // Every request is held for a second, so the eight overlap unless the client needs a whole
    // second to send them; the assertion only needs two of them to.
    server
        .state()
        .set_faults(FaultConfig::seeded(0).slow(1.0, Duration::from_secs(1)));
    let requests = (0..8).map(|_| call(&client, &server, Method::GET, "/users").send());
    let responses = futures::future::join_all(requests).await;
    assert!(
        responses
            .iter()
            .all(|r| r.as_ref().is_ok_and(|r| r.status() == StatusCode::OK))
    );
    let max = server.state().max_concurrent();
    assert!((2..=8).contains(&max), "max concurrent: {max}");
    assert_eq!(server.state().in_flight(), 0);
    assert_eq!(server.state().fault_counts().slow, 8);
    Ok(())
}

#[tokio::test]
async fn webhook_events_are_signed_per_standard_webhooks() -> TestResult {
    let receiver = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .respond_with(wiremock::ResponseTemplate::new(204))
        .mount(&receiver)
        .await;
    let (server, client) = start(ServerConfig::default()).await?;
    let user = create_user(&client, &server, "ada@example.com").await?;
    let events = server.state().events();
    assert_eq!(events.len(), 1);
    assert_eq!(
        (events[0].kind.as_str(), &events[0].data["id"]),
        ("user.created", &json!(user.id))
    );

    let status = server
        .send_webhook(&format!("{}/hooks", receiver.uri()), &events[0])
        .await?;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let received = receiver.received_requests().await.unwrap_or_default();
    assert_eq!(received.len(), 1);
    let header = |name| {
        received[0]
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(header(WEBHOOK_ID), "evt_000001");
    let timestamp: i64 = header(WEBHOOK_TIMESTAMP).parse()?;
    let signer = WebhookSigner::new(server.state().webhook_secret())?;
    assert_eq!(
        header(WEBHOOK_SIGNATURE),
        signer.signature("evt_000001", timestamp, &received[0].body)
    );
    let payload: Value = serde_json::from_slice(&received[0].body)?;
    assert_eq!(payload["type"], "user.created");
    assert_eq!(payload["data"]["email"], "ada@example.com");

    let order = call(&client, &server, Method::POST, "/orders")
        .json(&json!({ "user_id": user.id, "amount_cents": 1, "currency": "usd" }))
        .send()
        .await?
        .json::<Order>()
        .await?;
    let paid = server
        .state()
        .pay_order(&order.id)
        .ok_or("order.paid event")?;
    assert_eq!(
        (paid.kind.as_str(), &paid.data["status"]),
        ("order.paid", &json!("paid"))
    );
    assert!(
        server.state().pay_order(&order.id).is_none(),
        "paying twice emits nothing"
    );
    Ok(())
}

#[tokio::test]
async fn shutdown_stops_serving() -> TestResult {
    let (server, client) = start(ServerConfig::default()).await?;
    let url = server.url("/users");
    assert_eq!(
        call(&client, &server, Method::GET, "/users")
            .send()
            .await?
            .status(),
        StatusCode::OK
    );
    server.shutdown().await?;
    let after = sdk_runtime::http_client_builder()
        .build()?
        .get(url)
        .send()
        .await;
    assert!(
        after.is_err_and(|e| e.is_connect()),
        "nothing listens after shutdown"
    );
    Ok(())
}
