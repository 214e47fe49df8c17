//! Streaming on loopback (`cargo bench -p sdk-tests --bench streaming`; a plain `main`).
//!
//! 1. Memory: download `BENCH_STREAM_MIB` MiB (default 1024) through a generated method's
//!    `.byte_stream()` and upload as much through `Upload::from_stream`, measuring the
//!    process's peak RSS for each (the in-process server included; the peak is reset
//!    between them through `/proc/self/clear_refs`).
//! 2. Throughput: `BENCH_EVENTS` (default 100,000) server-sent events of about 1 KiB each,
//!    decoded into typed structs, by the generated client's `EventStream` and by a
//!    hand-written consumer (`reqwest` + `eventsource-stream` + a `#[derive(Deserialize)]`
//!    struct), in alternating runs (`BENCH_RUNS`, default 5); medians and the ratio.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use eventsource_stream::Eventsource;
use futures::StreamExt;
use sdk_runtime::Upload;

mod api {
    sdk_runtime::generate_client!("../spec/streaming.yaml");
}

/// The hand-written consumer's type for the same events.
#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct Tick {
    seq: i64,
    price: f64,
    note: Option<String>,
}

const CHUNK: usize = 64 * 1024;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The events body, built once: `count` events of ~1 KiB, then `[DONE]`, in 64 KiB chunks.
fn events_body(count: usize) -> Vec<Bytes> {
    let note = "n".repeat(1000);
    let mut text = String::with_capacity(count * 1060);
    for seq in 0..count {
        text.push_str(&format!(
            "id: {seq}\ndata: {{\"seq\":{seq},\"price\":{}.25,\"note\":\"{note}\"}}\n\n",
            seq % 1000
        ));
    }
    text.push_str("data: [DONE]\n\n");
    let all = Bytes::from(text);
    (0..all.len().div_ceil(CHUNK))
        .map(|i| all.slice(i * CHUNK..all.len().min((i + 1) * CHUNK)))
        .collect()
}

#[derive(Clone)]
struct Served {
    /// Built after the memory part, so its peak does not include them.
    events: Arc<std::sync::OnceLock<Vec<Bytes>>>,
    uploaded: Arc<AtomicU64>,
}

async fn ticks(State(served): State<Served>) -> Response {
    let chunks = served.events.get().cloned().unwrap_or_default();
    let body = Body::from_stream(futures::stream::iter(
        chunks.into_iter().map(Ok::<_, Infallible>),
    ));
    ([(header::CONTENT_TYPE, "text/event-stream")], body).into_response()
}

/// `name` bytes of zeros, generated chunk by chunk.
async fn download(Path(name): Path<u64>) -> Response {
    let chunk = Bytes::from(vec![0u8; CHUNK]);
    let chunks = name.div_ceil(CHUNK as u64);
    let stream = futures::stream::iter((0..chunks).map(move |i| {
        let len = (name - i * CHUNK as u64).min(CHUNK as u64) as usize;
        Ok::<_, Infallible>(chunk.slice(..len))
    }));
    (
        [(header::CONTENT_TYPE, "application/octet-stream")],
        Body::from_stream(stream),
    )
        .into_response()
}

/// Counts an upload's bytes as they arrive, keeping none.
async fn upload(State(served): State<Served>, body: Body) -> Response {
    let mut stream = body.into_data_stream();
    let mut total = 0u64;
    while let Some(chunk) = stream.next().await {
        total += chunk.map(|c| c.len() as u64).unwrap_or(0);
    }
    served.uploaded.store(total, Ordering::SeqCst);
    (
        axum::http::StatusCode::CREATED,
        [(header::CONTENT_TYPE, "application/json")],
        format!("{{\"size\":{total}}}"),
    )
        .into_response()
}

/// Peak resident set size of this process (`VmHWM`), in MiB.
fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// Resets the peak to the current RSS (Linux: writing 5 to `clear_refs`).
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values[values.len() / 2]
}

#[tokio::main]
async fn main() {
    let mib = env("BENCH_STREAM_MIB", 1024) as u64;
    let events = env("BENCH_EVENTS", 100_000);
    let runs = env("BENCH_RUNS", 5);
    let served = Served {
        events: Arc::default(),
        uploaded: Arc::new(AtomicU64::new(0)),
    };
    let app = Router::new()
        .route("/ticks", get(ticks))
        .route("/files/{name}", get(download).put(upload))
        .with_state(served.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let client = api::Client::builder().base_url(&url).build().unwrap();
    let bytes = mib * 1024 * 1024;
    println!(
        "{} CPU(s); {mib} MiB each way; {events} events of ~1 KiB; median of {runs} alternating runs\n",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );

    // 1. Memory.
    reset_peak_rss();
    let baseline = peak_rss_mib();
    let started = Instant::now();
    let response = client
        .download_file(&bytes.to_string())
        .byte_stream()
        .await
        .unwrap();
    let mut body = response.into_inner();
    let mut received = 0u64;
    while let Some(chunk) = body.next().await {
        received += chunk.unwrap().len() as u64;
    }
    let download_time = started.elapsed();
    let download_peak = peak_rss_mib();
    assert_eq!(received, bytes);

    reset_peak_rss();
    let chunk = Bytes::from(vec![1u8; CHUNK]);
    let chunks = bytes.div_ceil(CHUNK as u64);
    let source = futures::stream::iter((0..chunks).map(move |i| {
        let len = (bytes - i * CHUNK as u64).min(CHUNK as u64) as usize;
        Ok::<_, Infallible>(chunk.slice(..len))
    }));
    let started = Instant::now();
    let stored = client
        .upload_file("big.bin", Upload::from_stream(source, Some(bytes)))
        .await
        .unwrap();
    let upload_time = started.elapsed();
    let upload_peak = peak_rss_mib();
    assert_eq!(stored.size as u64, bytes);
    assert_eq!(served.uploaded.load(Ordering::SeqCst), bytes);

    println!("Memory (peak RSS of the whole process, server included; target < 64 MiB):\n");
    println!("| transfer | bytes | time (s) | MiB/s | peak RSS (MiB) |");
    println!("|---|---:|---:|---:|---:|");
    println!("| before either | — | — | — | {baseline:.1} |");
    for (name, time, peak) in [
        ("download, `.byte_stream()`", download_time, download_peak),
        ("upload, `Upload::from_stream`", upload_time, upload_peak),
    ] {
        println!(
            "| {name} | {bytes} | {:.2} | {:.0} | {peak:.1} |",
            time.as_secs_f64(),
            mib as f64 / time.as_secs_f64()
        );
    }

    // 2. SSE throughput.
    let _ = served.events.set(events_body(events));
    let plain = sdk_runtime::http_client_builder()
        .build()
        .expect("an HTTP client");
    let ticks_url = format!("{url}/ticks");
    let mut ours = Vec::new();
    let mut theirs = Vec::new();
    for run in 0..runs {
        let measure_ours = || async {
            let started = Instant::now();
            let mut stream = client.stream_ticks().await.unwrap().into_inner();
            let mut n = 0usize;
            while let Some(event) = stream.next().await {
                n += usize::from(event.unwrap().data.seq >= 0);
            }
            assert_eq!(n, events);
            n as f64 / started.elapsed().as_secs_f64()
        };
        let measure_theirs = || async {
            let started = Instant::now();
            let response = plain.get(&ticks_url).send().await.unwrap();
            let mut stream = response.bytes_stream().eventsource();
            let mut n = 0usize;
            while let Some(event) = stream.next().await {
                let event = event.unwrap();
                if event.data == "[DONE]" {
                    break;
                }
                let tick: Tick = serde_json::from_str(&event.data).unwrap();
                n += usize::from(tick.seq >= 0);
            }
            assert_eq!(n, events);
            n as f64 / started.elapsed().as_secs_f64()
        };
        if run % 2 == 0 {
            ours.push(measure_ours().await);
            theirs.push(measure_theirs().await);
        } else {
            theirs.push(measure_theirs().await);
            ours.push(measure_ours().await);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (ours, theirs) = (median(ours), median(theirs));
    println!(
        "\nServer-sent events, typed (events/s; ratio = generated ÷ hand-written, target ≥ 0.95):\n"
    );
    println!("| consumer | events/s | MiB/s of events |");
    println!("|---|---:|---:|");
    let body = served
        .events
        .get()
        .map_or(0, |e| e.iter().map(Bytes::len).sum::<usize>());
    let size = body as f64 / events as f64;
    for (name, rate) in [
        ("generated `EventStream<Tick>`", ours),
        ("`reqwest` + `eventsource-stream` + serde derive", theirs),
    ] {
        println!(
            "| {name} | {rate:.0} | {:.0} |",
            rate * size / (1024.0 * 1024.0)
        );
    }
    println!("\nratio: {:.3}×", ours / theirs);
}
