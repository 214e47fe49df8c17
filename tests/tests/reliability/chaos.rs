//! The chaos run: many order creates, with bounded concurrency, against the example server
//! while it answers 20 % of them `503`, 5 % `429` (with `Retry-After: 0`) and drops 5 % of the
//! connections after the order was stored.
//!
//! Each logical call is tagged twice: its amount (`amount_cents = tag`) is stored with the
//! order, and a per-call header `x-chaos-call: tag` is recorded in the server's request log
//! with the idempotency key of every attempt. That makes the claims checkable exactly:
//!
//! - every call succeeded, or failed with a retryable error after the maximum attempts;
//! - the attempts of one call all carried one key, and no two calls shared a key;
//! - every stored order belongs to exactly one call (no duplicate amounts), and the stored
//!   orders are exactly those of the successful calls plus those of failed calls one of whose
//!   attempts was dropped after commit (the client never learned of that order);
//! - no task panicked, and the server answered every request it received.
//!
//! `CHAOS_COUNT` sets the number of calls (default 2,000; the long run is 10,000).

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use axum::http::Method;
use futures::StreamExt;
use sdk_tests::server::{FaultConfig, FaultKind};

use crate::api;
use crate::support::{
    BoxError, DEFAULT_ATTEMPTS, TestResult, example_with_user, header, new_order,
};

/// Calls when `CHAOS_COUNT` is not set.
const DEFAULT_COUNT: i64 = 2_000;

/// Calls in flight at once.
const CONCURRENCY: usize = 32;

/// The per-call header that ties a request in the server's log to its logical call.
const TAG_HEADER: &str = "x-chaos-call";

/// Upper bound on the whole run, against a hang (not a performance assertion).
const RUN_LIMIT: Duration = Duration::from_secs(300);

/// The (idempotency key, injected fault) of each attempt, by call tag, in arrival order.
type AttemptLog = HashMap<i64, Vec<(String, Option<FaultKind>)>>;

/// What became of one logical call.
struct Outcome {
    tag: i64,
    result: Result<api::types::Order, sdk_runtime::Error>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chaos_every_order_exactly_once() -> TestResult {
    let count = match std::env::var("CHAOS_COUNT") {
        Ok(text) => text.trim().parse::<i64>()?,
        Err(_) => DEFAULT_COUNT,
    };
    let faults = FaultConfig::seeded(2026)
        .unavailable(0.20)
        .rate_limited(0.05)
        .retry_after_secs(0)
        .drop_after_commit(0.05)
        .route(Method::POST, "/orders");
    let (server, client, user) = example_with_user(faults).await?;

    let outcomes = tokio::time::timeout(RUN_LIMIT, run(&client, &user, count)).await??;
    assert_eq!(outcomes.len(), usize::try_from(count)?);

    let attempts = attempts_by_tag(&server)?;
    let mut stored_by_tag = HashMap::new();
    for order in server.state().orders() {
        let previous = stored_by_tag.insert(order.amount_cents, order.id.clone());
        assert!(
            previous.is_none(),
            "two orders for call {}",
            order.amount_cents
        );
    }

    let (mut succeeded, mut failed, mut failed_but_stored) = (0, 0, 0);
    let mut keys = HashSet::new();
    for outcome in &outcomes {
        let tag = outcome.tag;
        let log = attempts
            .get(&tag)
            .ok_or_else(|| format!("call {tag} sent nothing"))?;
        let key = &log[0].0;
        assert!(log.iter().all(|(k, _)| k == key), "call {tag}: one key");
        assert!(
            keys.insert(key.clone()),
            "call {tag}: key shared with another call"
        );
        assert!(
            log.len() <= DEFAULT_ATTEMPTS as usize,
            "call {tag}: {} attempts",
            log.len()
        );
        match &outcome.result {
            Ok(order) => {
                succeeded += 1;
                assert_eq!(order.amount_cents, tag);
                assert_eq!(stored_by_tag.get(&tag), Some(&order.id), "call {tag}");
            }
            Err(err) => {
                failed += 1;
                assert!(err.is_retryable(), "call {tag}: {err}");
                assert_eq!(err.attempts(), DEFAULT_ATTEMPTS, "call {tag}: {err}");
                assert_eq!(log.len(), DEFAULT_ATTEMPTS as usize, "call {tag}");
                let committed = log
                    .iter()
                    .any(|(_, f)| *f == Some(FaultKind::DropAfterCommit));
                assert_eq!(
                    stored_by_tag.contains_key(&tag),
                    committed,
                    "call {tag}: {err}"
                );
                failed_but_stored += usize::from(committed);
            }
        }
    }
    assert_eq!(stored_by_tag.len(), succeeded + failed_but_stored);
    assert_eq!(server.state().order_count(), stored_by_tag.len());

    let counts = server.state().fault_counts();
    assert!(counts.unavailable > 0 && counts.rate_limited > 0 && counts.dropped > 0);
    eprintln!(
        "chaos: {count} calls, {succeeded} succeeded, {failed} failed after {DEFAULT_ATTEMPTS} \
         attempts ({failed_but_stored} of them stored before a dropped answer); {} requests: \
         {} × 503, {} × 429, {} dropped after commit",
        counts.considered, counts.unavailable, counts.rate_limited, counts.dropped
    );
    Ok(())
}

/// Sends `count` creates, at most [`CONCURRENCY`] at a time, each on its own task so that a
/// panic is caught and counted rather than taking the test down mid-run.
async fn run(client: &api::Client, user: &str, count: i64) -> Result<Vec<Outcome>, BoxError> {
    let tasks = futures::stream::iter(1..=count).map(|tag| {
        let client = client.clone();
        let order = new_order(user, tag);
        tokio::spawn(async move {
            let result = client
                .orders()
                .create_order(&order)
                .header(TAG_HEADER, tag.to_string())
                .await
                .map(sdk_runtime::Response::into_inner);
            Outcome { tag, result }
        })
    });
    let joined: Vec<_> = tasks.buffer_unordered(CONCURRENCY).collect().await;
    let panics = joined
        .iter()
        .filter(|j| j.as_ref().is_err_and(|e| e.is_panic()))
        .count();
    assert_eq!(panics, 0, "tasks panicked");
    Ok(joined.into_iter().collect::<Result<_, _>>()?)
}

/// Reads the server's request log into an [`AttemptLog`]. Also checks that the server answered
/// every request (a handler that panicked or hung would leave its entry without a status).
fn attempts_by_tag(server: &sdk_tests::server::ExampleServer) -> Result<AttemptLog, BoxError> {
    let mut by_tag: HashMap<i64, Vec<_>> = HashMap::new();
    for request in server.state().requests() {
        if request.method != Method::POST || request.path != "/orders" {
            continue;
        }
        assert!(request.status.is_some(), "unanswered: {request:?}");
        let tag: i64 = header(&request, TAG_HEADER)
            .ok_or("untagged create")?
            .parse()?;
        let key = request
            .idempotency_key
            .clone()
            .ok_or("a create without a key")?;
        by_tag.entry(tag).or_default().push((key, request.fault));
    }
    Ok(by_tag)
}
