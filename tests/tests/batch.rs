//! Chunking helpers of batch endpoints, end to end: `create_users_all` of a client generated from
//! `spec/api.yaml` (`POST /users/batch`, `maxItems: 100`) against the example server on
//! `127.0.0.1`, whose request log shows every chunk, its idempotency key and its answer.
//!
//! Chunks are numbered from 0 in the API (`ChunkResult::index`); "chunk 4" below is index 3.

use std::collections::HashSet;
use std::time::Duration;

use axum::http::Method;
use sdk_runtime::batch::{BatchOptions, DEFAULT_CONCURRENCY};
use sdk_runtime::retry::RetryPolicy;
use sdk_tests::server::{ExampleServer, FaultConfig, FaultKind, SeenRequest, ServerConfig};

mod api {
    sdk_runtime::generate_client!("../spec/api.yaml");
}

type TestResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

const BATCH_PATH: &str = "/users/batch";

/// The example server with `faults` on `POST /users/batch` only, and a client with
/// millisecond backoff.
async fn start(
    faults: FaultConfig,
) -> Result<(ExampleServer, api::Client), Box<dyn std::error::Error + Send + Sync>> {
    let faults = faults.route(Method::POST, BATCH_PATH);
    let server = ExampleServer::start(ServerConfig::default().faults(faults)).await?;
    let policy = RetryPolicy::new()
        .with_base_delay(Duration::from_millis(1))
        .with_max_delay(Duration::from_millis(10));
    let client = api::Client::builder()
        .base_url(server.base_url())
        .api_key(server.api_key())
        .retry_policy(policy)
        .build()?;
    Ok((server, client))
}

/// `n` valid users with unique emails (`user{i}@example.com`), in input order.
fn users(n: usize) -> Vec<api::types::NewUser> {
    (0..n)
        .map(|i| api::types::NewUser {
            email: format!("user{i}@example.com"),
            name: format!("User {i}"),
        })
        .collect()
}

/// The emails of `users`, in input order: what the server should end up storing.
fn emails_of(users: &[api::types::NewUser]) -> Vec<String> {
    users.iter().map(|u| u.email.clone()).collect()
}

/// Requests 1-3 pass (a scripted zero-length "slow") and request 4 meets `fault`: with one chunk
/// in flight at a time, that is chunk index 3.
fn fault_on_fourth_request(fault: FaultKind) -> FaultConfig {
    FaultConfig::default().script([FaultKind::Slow, FaultKind::Slow, FaultKind::Slow, fault])
}

fn batch_requests(server: &ExampleServer) -> Vec<SeenRequest> {
    server
        .state()
        .requests()
        .into_iter()
        .filter(|r| r.path == BATCH_PATH)
        .collect()
}

/// The server stored exactly the `expected` emails, each once (in whatever order chunks arrived).
fn assert_stored_exactly_once(server: &ExampleServer, expected: &[String]) {
    let stored: Vec<String> = server
        .state()
        .users()
        .into_iter()
        .map(|u| u.email)
        .collect();
    let mut sorted = stored.clone();
    sorted.sort_by_key(|email| expected.iter().position(|e| e == email));
    assert_eq!(stored.len(), expected.len(), "no duplicates, nothing lost");
    assert_eq!(
        stored.iter().collect::<HashSet<_>>().len(),
        stored.len(),
        "no duplicates"
    );
    assert_eq!(sorted, expected, "same users as sent");
}

#[tokio::test]
async fn splits_into_chunks_of_at_most_max_items_and_keeps_input_order() -> TestResult {
    let (server, client) = start(FaultConfig::default()).await?;
    let input = users(1_050);
    let emails = emails_of(&input);

    let result = client
        .users()
        .create_users_all(input, BatchOptions::new())
        .await;

    assert!(result.is_success(), "{result:?}");
    assert_eq!(
        (result.len(), result.succeeded(), result.failed()),
        (1_050, 1_050, 0)
    );
    let sizes: Vec<usize> = result.chunks().iter().map(|c| c.items().len()).collect();
    assert_eq!(
        sizes,
        [100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 50]
    );
    let requests = batch_requests(&server);
    assert_eq!(requests.len(), 11, "one request per chunk");
    assert!(
        requests
            .iter()
            .all(|r| r.status.map(|s| s.as_u16()) == Some(201))
    );

    // Entries come back in input order: entry i is the user created for input item i.
    let created: Vec<&api::types::User> = result.entries().collect();
    assert_eq!(created.len(), 1_050);
    for (i, user) in created.iter().enumerate() {
        assert_eq!(user.email, emails[i], "entry {i}");
        assert_eq!(
            result.item(i).and_then(Result::ok).flatten().map(|u| &u.id),
            Some(&user.id)
        );
    }
    // Keys: one per chunk, `{base}-{index}`, all distinct.
    let keys: HashSet<&str> = result
        .chunks()
        .iter()
        .map(|c| c.idempotency_key())
        .collect();
    assert_eq!(keys.len(), 11);
    assert!(
        result
            .chunks()
            .iter()
            .all(|c| c.idempotency_key().ends_with(&format!("-{}", c.index())))
    );
    assert_stored_exactly_once(&server, &emails);
    Ok(())
}

#[tokio::test]
async fn a_503_on_chunk_4_is_retried_with_the_same_key_and_stores_nothing_twice() -> TestResult {
    let faults = fault_on_fourth_request(FaultKind::Unavailable);
    let (server, client) = start(faults).await?;
    let input = users(1_050);
    let emails = emails_of(&input);
    let options = BatchOptions::new()
        .concurrency(1)
        .idempotency_key("import-7");

    let result = client.users().create_users_all(input, options).await;

    assert!(result.is_success(), "{result:?}");
    let requests = batch_requests(&server);
    assert_eq!(requests.len(), 12, "11 chunks and one retry");
    let failed: Vec<&SeenRequest> = requests
        .iter()
        .filter(|r| r.fault == Some(FaultKind::Unavailable))
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].idempotency_key.as_deref(), Some("import-7-3"));
    let same_key: Vec<u16> = requests
        .iter()
        .filter(|r| r.idempotency_key.as_deref() == Some("import-7-3"))
        .filter_map(|r| r.status.map(|s| s.as_u16()))
        .collect();
    assert_eq!(same_key, [503, 201], "the retry carried the chunk's key");
    assert_eq!(result.chunks()[3].idempotency_key(), "import-7-3");
    assert_stored_exactly_once(&server, &emails);
    Ok(())
}

#[tokio::test]
async fn a_chunk_stored_but_unanswered_is_replayed_by_key_not_created_again() -> TestResult {
    // The server stores chunk index 3 and then drops the connection: only the key stops the
    // retry from creating those 100 users a second time.
    let faults = fault_on_fourth_request(FaultKind::DropAfterCommit);
    let (server, client) = start(faults).await?;
    let input = users(1_050);
    let emails = emails_of(&input);

    let result = client
        .users()
        .create_users_all(input, BatchOptions::new().concurrency(1))
        .await;

    assert!(result.is_success(), "{result:?}");
    assert_eq!(batch_requests(&server).len(), 12);
    assert_eq!(server.state().stored_idempotency_keys(), 11);
    assert_stored_exactly_once(&server, &emails);
    // The replayed answer still lists chunk 3's users, so entries stay complete and ordered.
    let created: Vec<&str> = result.entries().map(|u| u.email.as_str()).collect();
    assert_eq!(
        created,
        emails.iter().map(String::as_str).collect::<Vec<_>>()
    );
    Ok(())
}

#[tokio::test]
async fn a_422_on_chunk_6_fails_exactly_its_items_and_the_others_succeed() -> TestResult {
    let (server, client) = start(FaultConfig::default()).await?;
    let mut input = users(1_050);
    input[517].name = "  ".to_owned(); // chunk index 5 holds items 500..600
    let emails = emails_of(&input);

    let result = client
        .users()
        .create_users_all(input, BatchOptions::new())
        .await;

    assert!(!result.is_success());
    assert_eq!((result.succeeded(), result.failed()), (950, 100));
    assert_eq!(
        result.failed_items().collect::<Vec<_>>(),
        (500..600).collect::<Vec<_>>()
    );
    let failures: Vec<_> = result.failures().collect();
    assert_eq!(failures.len(), 1);
    let chunk = failures[0];
    assert_eq!((chunk.index(), chunk.items()), (5, 500..600));
    let error = chunk.error().ok_or("failed chunk has an error")?;
    assert_eq!(error.status().map(|s| s.as_u16()), Some(422));
    assert_eq!(error.attempts(), 1, "422 is not retried");
    let body = error
        .body::<api::types::Error>()
        .ok_or("typed error body")?;
    assert!(body.message.contains("name"), "{}", body.message);
    // The request id names the server's answer to that chunk.
    let answered: Vec<String> = batch_requests(&server)
        .into_iter()
        .filter(|r| r.status.map(|s| s.as_u16()) == Some(422))
        .map(|r| r.request_id)
        .collect();
    assert_eq!(
        answered,
        [chunk.request_id().ok_or("request id")?.to_owned()]
    );
    assert!(error.to_string().contains(&answered[0]), "{error}");
    for i in 0..1_050 {
        let outcome = result.item(i).ok_or("in range")?;
        assert_eq!(outcome.is_err(), (500..600).contains(&i), "item {i}");
    }
    // Everything else was stored, once, in order.
    let expected: Vec<String> = emails
        .iter()
        .enumerate()
        .filter(|(i, _)| !(500..600).contains(i))
        .map(|(_, e)| e.clone())
        .collect();
    assert_stored_exactly_once(&server, &expected);
    Ok(())
}

#[tokio::test]
async fn concurrency_is_bounded_as_the_server_observes_it() -> TestResult {
    // Every batch request waits 100 ms on the server, so chunks overlap as much as allowed.
    let slow = FaultConfig::default().slow(1.0, Duration::from_millis(100));
    for limit in [DEFAULT_CONCURRENCY, 2] {
        let (server, client) = start(slow.clone()).await?;
        let options = if limit == DEFAULT_CONCURRENCY {
            BatchOptions::new()
        } else {
            BatchOptions::new().concurrency(limit)
        };
        let result = client.users().create_users_all(users(1_050), options).await;
        assert!(result.is_success(), "{result:?}");
        let observed = server.state().max_concurrent();
        assert!(
            observed <= limit,
            "limit {limit}, server saw {observed} at once"
        );
        // Not a timing assertion on the limit: only that chunks did run side by side.
        assert!(
            observed >= 2,
            "limit {limit}, server saw {observed} at once"
        );
    }
    Ok(())
}

#[tokio::test]
async fn smaller_chunks_and_no_items() -> TestResult {
    let (server, client) = start(FaultConfig::default()).await?;
    let result = client
        .users()
        .create_users_all(Vec::new(), BatchOptions::new())
        .await;
    assert!(result.is_empty() && result.is_success());
    assert!(batch_requests(&server).is_empty(), "no items, no requests");

    let options = BatchOptions::new().chunk_size(40);
    let result = client.users().create_users_all(users(100), options).await;
    let sizes: Vec<usize> = result.chunks().iter().map(|c| c.items().len()).collect();
    assert_eq!(sizes, [40, 40, 20]);
    // Above maxItems is lowered to it.
    let options = BatchOptions::new().chunk_size(1_000);
    let result = client
        .users()
        .create_users_all(
            users(150).into_iter().map(|mut u| {
                u.email.insert(0, 'x');
                u
            }),
            options,
        )
        .await;
    let sizes: Vec<usize> = result.chunks().iter().map(|c| c.items().len()).collect();
    assert_eq!(sizes, [100, 50]);
    assert_eq!(server.state().user_count(), 250);
    Ok(())
}
