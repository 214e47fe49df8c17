//! Runtime overhead of a generated client against a hand-written `reqwest` + `serde` call.
//!
//! A loopback axum server (its own runtime, one worker thread) answers `GET /orders` with a
//! JSON list of 20 orders and `POST /orders` with one created order, both pre-serialized so the
//! server costs as little as possible and the client's work dominates. Each workload is sent by
//!
//! - **reqwest**: `reqwest::Client` with the API-key header, `json()` body and `json()` decode
//!   into hand-written serde types — what a user would write without an SDK;
//! - **generated**: the client `generate_client!` makes from `spec/api.yaml`, default settings
//!   (2 retries, idempotency keys on `POST`, tracing off);
//! - **no retry**: the same generated client built with `max_retries(0)`, which isolates the
//!   cost of the retry layer on requests that succeed the first time;
//! - **reqwest with the same practices**: the hand-written call on a `reqwest::Client` that
//!   does what the generated client does by default and the target is measured without: a
//!   60 s timeout (a timer per request), a `User-Agent` naming the client, and a fresh
//!   `Idempotency-Key` (`Uuid::new_v4()`) on every `POST`. The two headers make each request
//!   about 100 bytes longer and cost the server more to parse; this column separates what the
//!   practices cost from what the runtime costs.
//!
//! Every run measures each (workload, contender) pair once, rotating the contenders' order, and
//! the tables show medians over the runs, so machine noise hits every contender alike. Two
//! measures are reported:
//!
//! - **requests/s** (wall clock): what a user sees; the ratio is reqwest's rate divided by the
//!   generated client's, so 1.00 means no overhead;
//! - **client CPU µs per request**: the CPU time of the client's thread (all client work runs on
//!   one current-thread runtime; the server runs on another thread), read from
//!   `/proc/thread-self/schedstat`. On a shared machine this is far steadier than wall time,
//!   because waiting for a busy CPU does not count. The ratio is generated ÷ reqwest.
//!
//! ```text
//! cargo bench -p sdk-tests --bench overhead
//! BENCH_REQUESTS=20000 BENCH_RUNS=5 BENCH_CONCURRENCY=32 cargo bench -p sdk-tests --bench overhead
//! ```

use std::error::Error;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use serde::{Deserialize, Serialize};

mod api {
    sdk_runtime::generate_client!("../spec/api.yaml");
}

type BoxError = Box<dyn Error + Send + Sync>;

/// The system allocator, counting the allocations of each thread (a thread-local count, so
/// the server's thread never contends with the client's for it).
struct CountingAllocator;

thread_local! {
    static ALLOCATIONS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

// SAFETY: every call is forwarded unchanged to the system allocator; the count is a
// thread-local `Cell` with a const initializer, which never allocates.
unsafe impl std::alloc::GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract.
        unsafe { std::alloc::System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        // SAFETY: the caller upholds `GlobalAlloc::dealloc`'s contract.
        unsafe { std::alloc::System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new: usize) -> *mut u8 {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
        // SAFETY: the caller upholds `GlobalAlloc::realloc`'s contract.
        unsafe { std::alloc::System.realloc(ptr, layout, new) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// Allocations (and reallocations) made so far by the calling thread.
fn thread_allocations() -> u64 {
    ALLOCATIONS.with(std::cell::Cell::get)
}

const API_KEY: &str = "key_bench";

/// The user agent the generated client sends (its default: SDK and API, each with a version).
const USER_AGENT: &str = concat!(
    "sdk-runtime/",
    env!("CARGO_PKG_VERSION"),
    " (Example API/1.0.0)"
);

/// Hand-written types for the same endpoints, as a user without the SDK would write them.
/// Every field is decoded (the work the generated client does too) though few are read.
#[allow(dead_code)]
mod raw {
    use super::{Deserialize, Serialize};

    #[derive(Deserialize)]
    pub struct OrderList {
        pub data: Vec<Order>,
        pub has_more: bool,
        pub next_cursor: Option<String>,
    }

    #[derive(Deserialize)]
    pub struct Order {
        pub id: String,
        pub user_id: String,
        pub amount_cents: i64,
        pub currency: Currency,
        pub status: OrderStatus,
        pub created_at: chrono::DateTime<chrono::FixedOffset>,
    }

    #[derive(Serialize)]
    pub struct NewOrder<'a> {
        pub user_id: &'a str,
        pub amount_cents: i64,
        pub currency: Currency,
    }

    #[derive(Clone, Copy, Serialize, Deserialize)]
    #[serde(rename_all = "lowercase")]
    pub enum Currency {
        Usd,
        Eur,
        Gbp,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "lowercase")]
    pub enum OrderStatus {
        Pending,
        Paid,
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Endpoint {
    List,
    Create,
}

#[derive(Clone, Copy, PartialEq)]
enum Contender {
    Reqwest,
    Generated,
    NoRetry,
    ReqwestPractices,
}

const CONTENDERS: [Contender; 4] = [
    Contender::Reqwest,
    Contender::Generated,
    Contender::NoRetry,
    Contender::ReqwestPractices,
];

/// One row of the table: an endpoint sent with `concurrency` requests in flight.
#[derive(Clone, Copy)]
struct Workload {
    endpoint: Endpoint,
    concurrency: usize,
}

struct Clients {
    reqwest: reqwest::Client,
    /// reqwest with the generated client's default timeout (60 s) and a user agent; its
    /// `POST`s also carry an idempotency key.
    reqwest_practices: reqwest::Client,
    generated: api::Client,
    no_retry: api::Client,
    orders_url: String,
}

struct Settings {
    requests: usize,
    runs: usize,
    concurrency: usize,
}

fn main() -> Result<(), BoxError> {
    let settings = Settings {
        requests: env_or("BENCH_REQUESTS", 20_000)?,
        runs: env_or("BENCH_RUNS", 5)?.max(1),
        concurrency: env_or("BENCH_CONCURRENCY", 32)?.max(1),
    };
    let addr = start_server()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(bench(addr, &settings))
}

async fn bench(addr: SocketAddr, settings: &Settings) -> Result<(), BoxError> {
    let base_url = format!("http://{addr}");
    let generated = api::Client::builder()
        .base_url(&base_url)
        .api_key(API_KEY)
        .build()?;
    let no_retry = api::Client::builder()
        .base_url(&base_url)
        .api_key(API_KEY)
        .max_retries(0)
        .build()?;
    let clients = Arc::new(Clients {
        reqwest: sdk_runtime::http_client_builder().build()?,
        reqwest_practices: sdk_runtime::http_client_builder()
            .timeout(std::time::Duration::from_secs(60))
            .user_agent(USER_AGENT)
            .build()?,
        generated,
        no_retry,
        orders_url: format!("{base_url}/orders"),
    });
    let workloads = [
        (Endpoint::List, 1),
        (Endpoint::List, settings.concurrency),
        (Endpoint::Create, 1),
        (Endpoint::Create, settings.concurrency),
    ]
    .map(|(endpoint, concurrency)| Workload {
        endpoint,
        concurrency,
    });
    if let Ok(who) = std::env::var("BENCH_PROFILE") {
        return profile(&clients, &who, settings).await;
    }
    // Open the connections and fill caches before anything is timed.
    for workload in &workloads {
        for who in CONTENDERS {
            measure(&clients, who, *workload, 200.min(settings.requests)).await?;
        }
    }
    // samples[workload][contender] = one sample per run.
    let mut samples = vec![[const { Vec::new() }; 4]; workloads.len()];
    for run in 0..settings.runs {
        for (w, workload) in workloads.iter().enumerate() {
            for i in 0..CONTENDERS.len() {
                let c = (i + run) % CONTENDERS.len();
                let sample = measure(&clients, CONTENDERS[c], *workload, settings.requests).await?;
                samples[w][c].push(sample);
            }
        }
        eprintln!("run {}/{} done", run + 1, settings.runs);
    }
    print_tables(settings, &workloads, &samples);
    Ok(())
}

/// `BENCH_PROFILE=<contender>[,get]`: only that contender on the in-flight `POST` (or `GET`)
/// workload, `BENCH_REQUESTS` requests after a warm-up, for `perf record` to attribute.
async fn profile(clients: &Arc<Clients>, spec: &str, settings: &Settings) -> Result<(), BoxError> {
    let (name, endpoint) = match spec.split_once(',') {
        Some((name, "get")) => (name, Endpoint::List),
        _ => (spec, Endpoint::Create),
    };
    let who = match name {
        "reqwest" => Contender::Reqwest,
        "generated" => Contender::Generated,
        "no-retry" => Contender::NoRetry,
        "reqwest-practices" => Contender::ReqwestPractices,
        other => return Err(format!("BENCH_PROFILE: unknown contender `{other}`").into()),
    };
    let workload = Workload {
        endpoint,
        concurrency: settings.concurrency,
    };
    measure(clients, who, workload, 2_000).await?;
    let sample = measure(clients, who, workload, settings.requests).await?;
    println!(
        "{}, {name}: {:.0} req/s, {:.2} µs client CPU and {:.1} allocations per request",
        workload.name(),
        sample.rate,
        sample.cpu_us,
        sample.allocations,
    );
    Ok(())
}

/// One measurement: requests per second, and client CPU microseconds per request.
#[derive(Clone, Copy)]
struct Sample {
    rate: f64,
    cpu_us: f64,
    /// Allocations per request on the client's thread.
    allocations: f64,
}

/// Sends `requests` requests with `workload.concurrency` tasks.
async fn measure(
    clients: &Arc<Clients>,
    who: Contender,
    workload: Workload,
    requests: usize,
) -> Result<Sample, BoxError> {
    let next = Arc::new(AtomicUsize::new(0));
    let cpu_before = thread_cpu_ns();
    let allocations_before = thread_allocations();
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..workload.concurrency {
        let (clients, next) = (Arc::clone(clients), Arc::clone(&next));
        tasks.spawn(async move {
            while next.fetch_add(1, Ordering::Relaxed) < requests {
                one(&clients, who, workload.endpoint).await?;
            }
            Ok::<(), BoxError>(())
        });
    }
    while let Some(done) = tasks.join_next().await {
        done??;
    }
    let secs = started.elapsed().as_secs_f64();
    let allocations = thread_allocations() - allocations_before;
    let cpu_ns = match (cpu_before, thread_cpu_ns()) {
        (Some(before), Some(after)) => after.saturating_sub(before) as f64,
        _ => f64::NAN,
    };
    Ok(Sample {
        rate: requests as f64 / secs,
        cpu_us: cpu_ns / 1_000.0 / requests as f64,
        allocations: allocations as f64 / requests as f64,
    })
}

/// One request, decoded in full; checks the answer so a broken contender cannot look fast.
async fn one(clients: &Clients, who: Contender, endpoint: Endpoint) -> Result<(), BoxError> {
    let generated = match who {
        Contender::Reqwest => return one_reqwest(&clients.reqwest, clients, endpoint, false).await,
        Contender::ReqwestPractices => {
            return one_reqwest(&clients.reqwest_practices, clients, endpoint, true).await;
        }
        Contender::Generated => &clients.generated,
        Contender::NoRetry => &clients.no_retry,
    };
    let ok = match endpoint {
        Endpoint::List => generated.orders().list_orders().await?.data.len() == 20,
        Endpoint::Create => {
            let order = api::types::NewOrder {
                user_id: "usr_000001".to_owned(),
                amount_cents: 1250,
                currency: api::types::Currency::Eur,
            };
            generated.orders().create_order(&order).await?.amount_cents == 1250
        }
    };
    if ok {
        Ok(())
    } else {
        Err("unexpected answer".into())
    }
}

/// The hand-written call; `idempotency_key` adds a fresh key to a `POST`.
async fn one_reqwest(
    http: &reqwest::Client,
    clients: &Clients,
    endpoint: Endpoint,
    idempotency_key: bool,
) -> Result<(), BoxError> {
    let ok = match endpoint {
        Endpoint::List => {
            let list: raw::OrderList = http
                .get(&clients.orders_url)
                .header("x-api-key", API_KEY)
                .send()
                .await?
                .error_for_status()?
                .json()
                .await?;
            list.data.len() == 20
        }
        Endpoint::Create => {
            let new = raw::NewOrder {
                user_id: "usr_000001",
                amount_cents: 1250,
                currency: raw::Currency::Eur,
            };
            let mut request = http.post(&clients.orders_url);
            if idempotency_key {
                request = request.header("idempotency-key", uuid::Uuid::new_v4().to_string());
            }
            let order: raw::Order = request
                .header("x-api-key", API_KEY)
                .json(&new)
                .send()
                .await?
                .error_for_status()?
                .json()
                .await?;
            order.amount_cents == 1250
        }
    };
    if ok {
        Ok(())
    } else {
        Err("unexpected answer".into())
    }
}

fn print_tables(settings: &Settings, workloads: &[Workload], samples: &[[Vec<Sample>; 4]]) {
    println!(
        "\n{} requests per measurement, median of {} alternating runs, {} CPU(s)\n",
        settings.requests,
        settings.runs,
        std::thread::available_parallelism().map_or(1, usize::from),
    );
    println!("Throughput (wall clock; ratio = reqwest ÷ generated, 1.00 = no overhead):\n");
    println!(
        "| workload | reqwest + serde (req/s) | generated (req/s) | ratio | \
         generated, max_retries(0) (req/s) | retry layer (no-retry ÷ default) | \
         reqwest + serde with the same practices (req/s) | ratio to it |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for (workload, row) in workloads.iter().zip(samples) {
        let [reqwest, generated, no_retry, practiced] =
            row.each_ref().map(|s| median(s, |s| s.rate));
        println!(
            "| {} | {reqwest:.0} | {generated:.0} | {:.3}× | {no_retry:.0} | {:.3}× | {practiced:.0} | {:.3}× |",
            workload.name(),
            reqwest / generated,
            no_retry / generated,
            practiced / generated,
        );
    }
    println!("\nClient CPU time per request (ratio = generated ÷ reqwest, 1.00 = no overhead):\n");
    println!(
        "| workload | reqwest + serde (µs) | generated (µs) | ratio | \
         generated, max_retries(0) (µs) | retry layer (default ÷ no-retry) | \
         reqwest + serde with the same practices (µs) | ratio to it |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for (workload, row) in workloads.iter().zip(samples) {
        let [reqwest, generated, no_retry, practiced] =
            row.each_ref().map(|s| median(s, |s| s.cpu_us));
        println!(
            "| {} | {reqwest:.1} | {generated:.1} | {:.3}× | {no_retry:.1} | {:.3}× | {practiced:.1} | {:.3}× |",
            workload.name(),
            generated / reqwest,
            generated / no_retry,
            generated / practiced,
        );
    }
}

impl Workload {
    fn name(&self) -> String {
        let endpoint = match self.endpoint {
            Endpoint::List => "GET /orders (20 items)",
            Endpoint::Create => "POST /orders",
        };
        match self.concurrency {
            1 => format!("{endpoint}, sequential"),
            n => format!("{endpoint}, {n} in flight"),
        }
    }
}

fn median(samples: &[Sample], field: fn(&Sample) -> f64) -> f64 {
    let mut values: Vec<f64> = samples.iter().map(field).collect();
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

fn env_or(name: &str, default: usize) -> Result<usize, BoxError> {
    match std::env::var(name) {
        Ok(text) => Ok(text
            .trim()
            .parse()
            .map_err(|e| format!("{name}={text:?}: {e}"))?),
        Err(_) => Ok(default),
    }
}

/// Nanoseconds the calling thread has spent on a CPU (first field of its schedstat), or `None`
/// where that file does not exist (non-Linux).
fn thread_cpu_ns() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

// ===== the server =====

/// Starts the server on its own one-worker runtime and thread; returns its address.
fn start_server() -> Result<SocketAddr, BoxError> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    let (list, created) = (Bytes::from(list_body()?), Bytes::from(order_body(1)?));
    std::thread::spawn(move || {
        runtime.block_on(async move {
            let app = Router::new().route(
                "/orders",
                get(move || json(StatusCode::OK, list.clone())).post(move |body: Bytes| {
                    let created = created.clone();
                    async move {
                        // Reject bodies that are not JSON, as a real server would.
                        match serde_json::from_slice::<serde::de::IgnoredAny>(&body) {
                            Ok(_) => json(StatusCode::CREATED, created).await,
                            Err(_) => StatusCode::UNPROCESSABLE_ENTITY.into_response(),
                        }
                    }
                }),
            );
            let served = match tokio::net::TcpListener::from_std(listener) {
                Ok(listener) => axum::serve(listener, app).await,
                Err(e) => Err(e),
            };
            if let Err(e) = served {
                eprintln!("bench server stopped: {e}");
            }
        });
    });
    Ok(addr)
}

async fn json(status: StatusCode, body: Bytes) -> axum::response::Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

fn order_body(n: usize) -> serde_json::Result<Vec<u8>> {
    serde_json::to_vec(&order(n))
}

fn list_body() -> serde_json::Result<Vec<u8>> {
    let data: Vec<serde_json::Value> = (1..=20).map(order).collect();
    serde_json::to_vec(&serde_json::json!({
        "data": data,
        "has_more": true,
        "next_cursor": "ord_000020",
    }))
}

fn order(n: usize) -> serde_json::Value {
    serde_json::json!({
        "id": format!("ord_{n:06}"),
        "user_id": "usr_000001",
        "amount_cents": 1250,
        "currency": "eur",
        "status": "pending",
        "created_at": "2026-01-02T03:04:05.678Z",
    })
}
