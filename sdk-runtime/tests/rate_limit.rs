//! The shared rate limiter against servers that enforce a limit: calls of a
//! client wait together when the server says the window is spent.
//!
//! Bounded: a few seconds of loopback traffic each, counts of responses
//! asserted, with wall time only as a generous bound.

mod support;

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use support::*;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// A fixed-window limiter as GitHub-style APIs run it: `limit` requests per
/// wall-clock second, announced in `X-RateLimit-*` headers, `429` beyond.
struct FixedWindow {
    limit: u64,
    state: Mutex<(u64, u64)>, // (window second, requests counted in it)
    ok: AtomicUsize,
    limited: Vec<AtomicUsize>, // 429s per window since the start
    started: u64,
}

impl FixedWindow {
    fn new(limit: u64) -> Self {
        FixedWindow {
            limit,
            state: Mutex::new((0, 0)),
            ok: AtomicUsize::new(0),
            limited: (0..64).map(|_| AtomicUsize::new(0)).collect(),
            started: now().as_secs(),
        }
    }
}

fn now() -> Duration {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap()
}

impl Respond for FixedWindow {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let second = now().as_secs();
        let mut state = self.state.lock().unwrap();
        if state.0 != second {
            *state = (second, 0);
        }
        state.1 += 1;
        let used = state.1;
        drop(state);
        let reset = (second + 1).to_string();
        let remaining = self.limit.saturating_sub(used).to_string();
        let template = if used > self.limit {
            let window = usize::try_from(second - self.started).unwrap_or(63).min(63);
            self.limited[window].fetch_add(1, Ordering::Relaxed);
            ResponseTemplate::new(429).insert_header("retry-after", "1")
        } else {
            self.ok.fetch_add(1, Ordering::Relaxed);
            ResponseTemplate::new(200)
        };
        template
            .insert_header("x-ratelimit-limit", self.limit.to_string().as_str())
            .insert_header("x-ratelimit-remaining", remaining.as_str())
            .insert_header("x-ratelimit-reset", reset.as_str())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_callers_stay_within_a_servers_window() {
    let server = MockServer::start().await;
    let window = Arc::new(FixedWindow::new(50));
    Mock::given(path("/pets"))
        .respond_with(ArcRespond(Arc::clone(&window)))
        .mount(&server)
        .await;
    let client = builder(&server).max_retries(0).build().unwrap();
    // Start on a window boundary so every window is whole.
    let into_second = now().subsec_nanos();
    tokio::time::sleep(Duration::from_nanos(u64::from(1_000_000_000 - into_second))).await;
    let started = Instant::now();
    let run_for = Duration::from_secs(4);
    let callers = (0..32).map(|_| {
        let client = client.clone();
        tokio::spawn(async move {
            let (mut ok, mut limited) = (0usize, 0usize);
            while started.elapsed() < run_for {
                match send_empty(&client, req(&LIST_PETS)).await {
                    Ok(_) => ok += 1,
                    Err(e) if e.status().map(|s| s.as_u16()) == Some(429) => limited += 1,
                    Err(e) => panic!("unexpected error {e}"),
                }
            }
            (ok, limited)
        })
    });
    let mut total = 0;
    for caller in callers {
        let (ok, limited) = caller.await.unwrap();
        total += ok + limited;
    }
    let ok = window.ok.load(Ordering::Relaxed);
    let limited_after_first: usize = window.limited[1..]
        .iter()
        .map(|c| c.load(Ordering::Relaxed))
        .sum();
    // Windows 2 to 4 are whole; the first may hold a burst before the
    // client learned the limit.
    let share = limited_after_first as f64 / total.max(1) as f64;
    eprintln!(
        "{ok} successes, {limited_after_first} of {total} responses 429 after the first window"
    );
    assert!(
        share <= 0.02,
        "{limited_after_first} of {total} were 429 after the first window"
    );
    // Goodput: at least 85 % of the 50 per second the server allows.
    assert!(ok as f64 >= 0.85 * 50.0 * 4.0, "{ok} successes in 4 s");
}

/// A `Respond` shared with the test, which reads its counters.
struct ArcRespond(Arc<FixedWindow>);

impl Respond for ArcRespond {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        self.0.respond(request)
    }
}

#[tokio::test]
async fn a_429_holds_every_call_of_the_client_until_retry_after() {
    let server = MockServer::start().await;
    Mock::given(path("/pets"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/pets"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let client = builder(&server).max_retries(0).build().unwrap();
    let told = send_empty(&client, req(&LIST_PETS)).await.unwrap_err();
    assert_eq!(told.status().map(|s| s.as_u16()), Some(429));
    // Another call, not the one that was told: it waits too.
    let started = Instant::now();
    send_empty(&client.clone(), req(&LIST_PETS)).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );

    // With the limiter off, nothing waits.
    let server = MockServer::start().await;
    Mock::given(path("/pets"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/pets"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let client = builder(&server)
        .max_retries(0)
        .follow_rate_limits(false)
        .build()
        .unwrap();
    send_empty(&client, req(&LIST_PETS)).await.unwrap_err();
    let started = Instant::now();
    send_empty(&client, req(&LIST_PETS)).await.unwrap();
    assert!(started.elapsed() < Duration::from_millis(500));
}

#[tokio::test]
async fn a_client_side_rate_paces_calls() {
    let server = MockServer::start().await;
    Mock::given(path("/pets"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let client = builder(&server)
        .rate_limit(10, Duration::from_secs(1))
        .build()
        .unwrap();
    let started = Instant::now();
    for _ in 0..25 {
        send_empty(&client, req(&LIST_PETS)).await.unwrap();
    }
    // A burst of 10, then 10 per second: 15 more take at least 1.5 s.
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(1_400), "{took:?}");
    assert!(took < Duration::from_secs(5), "{took:?}");
}

#[tokio::test]
async fn an_invalid_client_rate_is_a_configuration_error() {
    let err = sdk_runtime::Client::builder(&API)
        .base_url("http://127.0.0.1:1")
        .rate_limit(0, Duration::from_secs(1))
        .build()
        .unwrap_err();
    assert!(err.is_config(), "{err}");
}
