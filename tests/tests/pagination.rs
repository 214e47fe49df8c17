//! Auto-paging end to end: clients generated from `spec/paging-detected.yaml` (every style by
//! detection) and `spec/paging-declared.yaml` (`x-pagination`) page through 10,000 records
//! served by a loopback axum server (`support/paging.rs`), which counts and logs requests.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use sdk_runtime::retry::RetryPolicy;

#[path = "support/paging.rs"]
mod support;

use support::{Fault, MAX_PAGE, PagingServer, id};

mod api {
    sdk_runtime::generate_client!("../spec/paging-detected.yaml");
}

mod declared {
    sdk_runtime::generate_client!("../spec/paging-declared.yaml");
}

type TestResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

const TOTAL: usize = 10_000;

/// Millisecond backoff, so retried pages do not slow the suite down.
fn policy() -> RetryPolicy {
    RetryPolicy::new()
        .with_base_delay(Duration::from_millis(1))
        .with_max_delay(Duration::from_millis(5))
}

async fn start() -> Result<(PagingServer, api::Client), Box<dyn std::error::Error + Send + Sync>> {
    let server = PagingServer::start(TOTAL).await?;
    let client = api::Client::builder()
        .base_url(server.url())
        .retry_policy(policy())
        .build()?;
    Ok((server, client))
}

/// The ids of `items`, checked to be `0..TOTAL` exactly once and in order.
fn assert_all_in_order(ids: &[String], style: &str) {
    assert_eq!(ids.len(), TOTAL, "{style}: every item once");
    for (i, got) in ids.iter().enumerate() {
        assert_eq!(got, &id(i), "{style}: item {i} in order");
    }
}

/// Streams the `items()` of the operation at `path` and returns their ids.
async fn stream(client: &api::Client, path: &str) -> Result<Vec<String>, sdk_runtime::Error> {
    let items: Vec<api::types::Item> = match path {
        "/cursor/last-id" => client.list_after_last_id().items().try_collect().await?,
        "/cursor/token" => client.list_by_token().items().try_collect().await?,
        "/cursor/nested" => client.list_nested_cursor().items().try_collect().await?,
        "/offset" => client.list_by_offset().items().try_collect().await?,
        "/pages" => client.list_by_page().items().try_collect().await?,
        _ => client.list_by_link().items().try_collect().await?,
    };
    Ok(items.into_iter().map(|i| i.id).collect())
}

/// (path, limit parameter, requests for 10,000 items at 100 per page).
const STYLES: &[(&str, &str, usize)] = &[
    ("/cursor/last-id", "limit", 100),
    ("/cursor/token", "page_size", 100),
    ("/cursor/nested", "limit", 100),
    // `total` says when to stop.
    ("/offset", "limit", 100),
    // No total: an empty 101st page ends it (a short page would not; see the runtime docs).
    ("/pages", "per_page", 101),
    ("/link", "per_page", 100),
];

#[tokio::test]
async fn every_style_yields_each_item_once_in_order_at_the_maximum_page_size() -> TestResult {
    let (server, client) = start().await?;
    for (path, limit, expected) in STYLES {
        server.state.reset();
        assert_all_in_order(&stream(&client, path).await?, path);
        let log = server.state.log();
        assert_eq!(log.len(), *expected, "{path}: requests");
        // The first request asks for the maximum; `/link` then follows the server's URLs,
        // which carry it on.
        for seen in &log {
            assert_eq!(
                seen.query.get(*limit).map(String::as_str),
                Some("100"),
                "{path}: {:?}",
                seen.query
            );
        }
    }
    Ok(())
}

#[tokio::test]
async fn a_503_on_page_7_is_retried_without_the_caller_noticing() -> TestResult {
    let (server, client) = start().await?;
    for (path, _, expected) in STYLES {
        server.state.reset();
        server.state.fail(7, Fault::Unavailable);
        assert_all_in_order(&stream(&client, path).await?, path);
        let log = server.state.log();
        assert_eq!(log.len(), expected + 1, "{path}: one retry");
        assert_eq!(log[6].status, 503, "{path}");
        assert_eq!(
            log[6].query, log[7].query,
            "{path}: the retry asks for the same page"
        );
        assert_eq!(log[7].status, 200, "{path}");
    }
    Ok(())
}

#[tokio::test]
async fn caller_parameters_are_kept_and_a_chosen_page_size_wins() -> TestResult {
    let (server, client) = start().await?;
    let items: Vec<api::types::Item> = client
        .list_after_last_id()
        .tag("blue")
        .limit(25)
        .items()
        .try_collect()
        .await?;
    assert_all_in_order(
        &items.iter().map(|i| i.id.clone()).collect::<Vec<_>>(),
        "limit 25",
    );
    assert!(
        items.iter().all(|i| i.tag.as_deref() == Some("blue")),
        "the filter reached every page"
    );
    let log = server.state.log();
    assert_eq!(log.len(), TOTAL / 25);
    assert!(
        log.iter()
            .all(|s| s.query.get("limit").map(String::as_str) == Some("25"))
    );
    assert!(
        log.iter()
            .all(|s| s.query.get("tag").map(String::as_str) == Some("blue"))
    );
    // A starting cursor set by the caller is where paging starts.
    server.state.reset();
    let rest: Vec<_> = client
        .list_by_offset()
        .offset(9_950)
        .items()
        .try_collect()
        .await?;
    assert_eq!(rest.first().map(|i| i.n), Some(9_950));
    assert_eq!((rest.len(), server.state.requests()), (50, 1));
    Ok(())
}

#[tokio::test]
async fn a_failed_page_yields_its_error_and_ends_the_stream() -> TestResult {
    let (server, client) = start().await?;
    server.state.fail(3, Fault::BadRequest);
    let mut items = client.list_by_offset().items();
    let mut ok = 0;
    let error = loop {
        match items.next().await {
            Some(Ok(_)) => ok += 1,
            Some(Err(e)) => break e,
            None => panic!("the stream ended without the error"),
        }
    };
    assert_eq!(ok, 2 * MAX_PAGE, "two good pages first");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(error.request_id(), Some("req_3"));
    assert!(items.next().await.is_none(), "nothing after the error");
    assert_eq!(server.state.requests(), 3);
    Ok(())
}

#[tokio::test]
async fn pages_keep_their_request_ids_and_items_point_at_theirs() -> TestResult {
    let (_server, client) = start().await?;
    let pages: Vec<_> = client.list_by_offset().pages().try_collect().await?;
    assert_eq!(pages.len(), TOTAL / MAX_PAGE);
    for (i, page) in pages.iter().enumerate() {
        assert_eq!(page.request_id(), Some(format!("req_{}", i + 1).as_str()));
        assert_eq!(page.results.len(), MAX_PAGE);
    }
    let mut items = client.list_by_token().items();
    for _ in 0..(MAX_PAGE + 1) {
        items.next().await.transpose()?;
    }
    assert_eq!(
        items.request_id(),
        Some(format!("req_{}", TOTAL / MAX_PAGE + 2).as_str()),
        "item 101 is on page 2"
    );
    Ok(())
}

#[tokio::test]
async fn a_repeated_cursor_or_a_foreign_link_ends_the_stream_with_an_error() -> TestResult {
    let (server, client) = start().await?;
    server.state.stuck_cursor.store(true, Ordering::SeqCst);
    let results: Vec<_> = client.list_by_token().items().collect().await;
    let (ok, err): (Vec<_>, Vec<_>) = results.into_iter().partition(Result::is_ok);
    assert_eq!(
        (ok.len(), err.len()),
        (2 * MAX_PAGE, 1),
        "two pages, then the error"
    );
    assert!(
        err[0]
            .as_ref()
            .err()
            .is_some_and(|e| e.to_string().contains("same cursor twice"))
    );
    server.state.reset();
    server.state.foreign_link.store(true, Ordering::SeqCst);
    let results: Vec<_> = client.list_by_link().items().collect().await;
    assert_eq!(results.len(), MAX_PAGE + 1);
    let error = results
        .last()
        .and_then(|r| r.as_ref().err())
        .ok_or("no error")?;
    assert!(
        error
            .to_string()
            .contains("not below the client's base URL"),
        "{error}"
    );
    assert_eq!(
        server.state.requests(),
        1,
        "nothing was sent to the other origin"
    );
    Ok(())
}

#[tokio::test]
async fn declared_operations_page_as_declared() -> TestResult {
    let server = PagingServer::start(TOTAL).await?;
    let client = declared::Client::builder().base_url(server.url()).build()?;
    let things: Vec<_> = client.list_things().items().try_collect().await?;
    assert_all_in_order(
        &things.iter().map(|i| i.id.clone()).collect::<Vec<_>>(),
        "x-pagination cursor",
    );
    assert_eq!(server.state.requests(), TOTAL / MAX_PAGE);
    assert!(
        server
            .state
            .log()
            .iter()
            .all(|s| s.query.get("take").map(String::as_str) == Some("100"))
    );
    server.state.reset();
    let body = declared::types::SearchThingsBody {
        query: Some("red".into()),
    };
    let hits: Vec<_> = client.search_things(&body).items().try_collect().await?;
    assert_all_in_order(
        &hits.iter().map(|i| i.id.clone()).collect::<Vec<_>>(),
        "x-pagination page",
    );
    assert!(
        hits.iter().all(|h| h.tag.as_deref() == Some("red")),
        "the POST body is sent with every page"
    );
    let log = server.state.log();
    assert_eq!(
        log.len(),
        TOTAL / MAX_PAGE,
        "`found` ends it without an empty page"
    );
    assert_eq!(
        log[0].query.get("p").map(String::as_str),
        None,
        "page 0 is the caller's request as is"
    );
    assert_eq!(log[1].query.get("p").map(String::as_str), Some("1"));
    Ok(())
}

// ===== memory =====

/// Items alive right now, and the most alive at once.
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

/// An item that counts its live instances.
struct Counted(usize);

impl<'de> serde::Deserialize<'de> for Counted {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        struct Raw {
            n: usize,
        }
        let raw = Raw::deserialize(d)?;
        let live = LIVE.fetch_add(1, Ordering::SeqCst) + 1;
        PEAK.fetch_max(live, Ordering::SeqCst);
        Ok(Counted(raw.n))
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        LIVE.fetch_sub(1, Ordering::SeqCst);
    }
}

#[derive(serde::Deserialize)]
struct CountedPage {
    results: Vec<Counted>,
}

/// The generated types cannot count themselves, so this drives the same runtime entry points
/// the generated `items()` uses, with a page type whose items count how many are alive.
#[tokio::test]
async fn memory_stays_flat_at_one_page_of_items() -> TestResult {
    use sdk_runtime::__private::{self as private, Call, Operation, Paging, PagingStyle};
    static API: private::ApiDescription = private::ApiDescription {
        title: "paging",
        version: "1",
        env_prefix: "PAGING",
        default_base_url: None,
        security_schemes: &[],
        default_security: &[],
        idempotency_header: None,
        request_id_header: None,
        sensitive_query_params: &[],
        webhook_signature: sdk_runtime::contract::WebhookSignature::Standard,
    };
    static OP: Operation = Operation {
        id: "listByOffset",
        method: private::Method::GET,
        path: "/offset",
        security: None,
    };
    static PAGING: Paging = Paging {
        style: PagingStyle::Offset { param: "offset" },
        items: &["results"],
        next: &[],
        cursor_item_field: None,
        has_more: &[],
        total: &["total"],
        limit_param: Some("limit"),
        max_limit: Some(100),
    };
    let server = PagingServer::start(TOTAL).await?;
    let client = sdk_runtime::Client::builder(&API)
        .base_url(server.url())
        .build()?;
    let call = Call::new(
        &client,
        &OP,
        private::decode::json::<CountedPage>,
        private::decode::no_error,
    );
    let mut items = private::pagination::items(
        private::pagination::pages(call, &PAGING),
        |p: CountedPage| p.results,
    );
    let mut expected = 0;
    while let Some(item) = items.next().await {
        assert_eq!(item?.0, expected);
        expected += 1;
    }
    assert_eq!(expected, TOTAL);
    assert_eq!(LIVE.load(Ordering::SeqCst), 0);
    let peak = PEAK.load(Ordering::SeqCst);
    assert!(
        peak <= MAX_PAGE,
        "at most one page of items alive at once, saw {peak}"
    );
    assert_eq!(server.state.requests(), TOTAL / MAX_PAGE);
    Ok(())
}
