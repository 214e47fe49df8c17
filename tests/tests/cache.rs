//! The opt-in response cache end to end: a client generated from `spec/paging-detected.yaml`
//! with `.cache(ResponseCache::new(..))` against `GET /items/{id}` of the loopback server in
//! `support/paging.rs`, which answers with an `ETag` (`"v1"`, bumped by `PUT`), honours
//! `If-None-Match` with `304` and logs what every request carried and how many body bytes
//! every response had.
//!
//! Each server has its own port, so the test that reads tracing events picks out its own by URL.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use sdk_runtime::ResponseCache;

#[path = "support/paging.rs"]
mod support;

use support::PagingServer;

mod api {
    sdk_runtime::generate_client!("../spec/paging-detected.yaml");
}

type TestResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

async fn start(
    cache_control: Option<&str>,
) -> Result<(PagingServer, ResponseCache, api::Client), Box<dyn std::error::Error + Send + Sync>> {
    let server = PagingServer::start(10).await?;
    set_cache_control(&server, cache_control);
    let cache = ResponseCache::new(100);
    let client = api::Client::builder()
        .base_url(server.url())
        .api_key("key-a")
        .cache(cache.clone())
        .build()?;
    Ok((server, cache, client))
}

/// Sets the `Cache-Control` the server sends from now on (`None`: no header).
fn set_cache_control(server: &PagingServer, value: Option<&str>) {
    *server
        .state
        .cache_control
        .lock()
        .unwrap_or_else(PoisonError::into_inner) = value.map(str::to_owned);
}

/// `PUT /items/a`: an unsafe request to the cached path, which also bumps the item's version.
async fn put_item_a(client: &api::Client) -> TestResult {
    let item = api::types::Item {
        id: "a".into(),
        n: 0,
        tag: None,
    };
    client.put_item("a", &item).await?;
    Ok(())
}

/// The DEBUG events of the whole test binary, as text. A global subscriber, because
/// thread-local ones race with callsite-interest caching when tests run in parallel.
#[derive(Clone, Default)]
struct Events(Arc<Mutex<Vec<u8>>>);

fn events() -> &'static Events {
    static EVENTS: OnceLock<Events> = OnceLock::new();
    EVENTS.get_or_init(|| {
        let events = Events::default();
        let sink = events.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .with_ansi(false)
            .with_writer(move || sink.clone())
            .finish();
        // Only fails if another global subscriber exists, and then the assertion says so.
        let _ = tracing::subscriber::set_global_default(subscriber);
        events
    })
}

impl Events {
    /// The `cache=` outcomes logged so far for URLs under `base`, in order.
    fn outcomes(&self, base: &str) -> Vec<String> {
        let text = String::from_utf8_lossy(&self.0.lock().unwrap_or_else(PoisonError::into_inner))
            .into_owned();
        text.lines()
            .filter(|line| line.contains(base))
            .filter_map(|line| line.split("cache=").nth(1))
            .filter_map(|rest| rest.split_whitespace().next())
            .map(|v| v.trim_matches('"').to_owned())
            .collect()
    }
}

impl Write for Events {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn the_second_get_revalidates_and_a_304_returns_the_same_body() -> TestResult {
    let events = events();
    // No freshness lifetime: every use revalidates.
    let (server, cache, client) = start(None).await?;
    let first = client.get_item("a").await?;
    let second = client.get_item("a").await?;
    assert_eq!(*first, *second, "the same body");
    assert_eq!(
        second.status().as_u16(),
        200,
        "the caller sees the stored 200"
    );
    assert_eq!(
        second.request_id(),
        Some("req_2"),
        "the request id is the revalidation's"
    );
    let log = server.state.log();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].if_none_match, None);
    assert_eq!(
        log[1].if_none_match.as_deref(),
        Some("\"v1\""),
        "the second GET is conditional"
    );
    assert_eq!(
        (log[1].status, log[1].body_bytes),
        (304, 0),
        "no body crossed the wire"
    );
    assert_eq!((cache.stats().misses, cache.stats().revalidated), (1, 1));
    // A `304` carrying a lifetime makes the entry fresh: the next GET sends nothing.
    set_cache_control(&server, Some("max-age=3600"));
    client.get_item("a").await?;
    client.get_item("a").await?;
    assert_eq!(server.state.requests(), 3);
    assert_eq!(
        events.outcomes(&server.url()),
        ["miss", "revalidated", "revalidated", "hit"]
    );
    // A change on the server is seen: the validator no longer matches.
    put_item_a(&client).await?;
    let third = client.get_item("a").await?;
    assert_eq!(third.n, 2, "version 2 after the PUT");
    assert_eq!(
        server.state.log()[4].if_none_match,
        None,
        "the PUT dropped the entry"
    );
    Ok(())
}

#[tokio::test]
async fn fresh_entries_are_served_without_a_request() -> TestResult {
    let (server, cache, client) = start(Some("private, max-age=3600")).await?;
    let first = client.get_item("a").await?;
    let second = client.get_item("a").await?;
    assert_eq!(*first, *second);
    assert_eq!(
        server.state.requests(),
        1,
        "the second answer came from the cache"
    );
    assert_eq!(cache.stats().hits, 1);
    // An unsafe request to the same path invalidates the entry.
    put_item_a(&client).await?;
    assert!(cache.is_empty());
    assert_eq!(client.get_item("a").await?.n, 2);
    assert_eq!(server.state.requests(), 3);
    Ok(())
}

#[tokio::test]
async fn no_store_is_respected() -> TestResult {
    let (server, cache, client) = start(Some("no-store")).await?;
    client.get_item("a").await?;
    client.get_item("a").await?;
    let log = server.state.log();
    assert_eq!(log.len(), 2);
    assert!(
        log.iter()
            .all(|s| s.if_none_match.is_none() && s.status == 200 && s.body_bytes > 0)
    );
    assert!(cache.is_empty());
    Ok(())
}

#[tokio::test]
async fn errors_are_never_cached() -> TestResult {
    let (server, cache, client) = start(Some("max-age=3600")).await?;
    *server
        .state
        .item_status
        .lock()
        .unwrap_or_else(PoisonError::into_inner) = Some(404);
    for _ in 0..2 {
        let error = client.get_item("a").await.err().ok_or("expected a 404")?;
        assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    }
    assert_eq!(server.state.requests(), 2);
    assert!(server.state.log().iter().all(|s| s.if_none_match.is_none()));
    assert!(cache.is_empty());
    Ok(())
}

#[tokio::test]
async fn different_credentials_never_share_an_entry() -> TestResult {
    let (server, cache, client_a) = start(Some("max-age=3600")).await?;
    let client_b = api::Client::builder()
        .base_url(server.url())
        .api_key("key-b")
        .cache(cache.clone())
        .build()?;
    client_a.get_item("a").await?;
    client_b.get_item("a").await?;
    client_a.get_item("a").await?;
    let log = server.state.log();
    let auth: Vec<_> = log
        .iter()
        .map(|s| s.authorization.clone().unwrap_or_default())
        .collect();
    assert_eq!(
        auth,
        ["Bearer key-a", "Bearer key-b"],
        "B went to the server; A's second GET was a hit"
    );
    assert_eq!(cache.len(), 2);
    // After a rotation, the old key's entries are not used either.
    client_a
        .runtime()
        .set_credentials(sdk_runtime::Credentials::api_key("key-c"));
    client_a.get_item("a").await?;
    assert_eq!(
        server
            .state
            .log()
            .last()
            .and_then(|s| s.authorization.clone())
            .as_deref(),
        Some("Bearer key-c")
    );
    Ok(())
}

#[tokio::test]
async fn the_cache_stays_within_its_bounds() -> TestResult {
    let server = PagingServer::start(10).await?;
    set_cache_control(&server, Some("max-age=3600"));
    let cache = ResponseCache::new(3);
    let client = api::Client::builder()
        .base_url(server.url())
        .cache(cache.clone())
        .build()?;
    for id in ["a", "b", "c", "d", "e"] {
        client.get_item(id).await?;
    }
    assert_eq!((cache.len(), cache.stats().evictions), (3, 2));
    client.get_item("e").await?;
    client.get_item("a").await?;
    assert_eq!(
        server.state.requests(),
        6,
        "e was a hit, a had been evicted"
    );
    Ok(())
}
