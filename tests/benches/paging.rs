//! Auto-paging throughput and memory: `.items()` of a generated client streaming 10,000 and
//! 100,000 records from the loopback server in `tests/support/paging.rs` (cursor style,
//! `next_page_token`, 100 items per page, the fixture's maximum).
//!
//! A counting global allocator tracks the heap; each run reports the peak *above* the heap in
//! use when it started (server and client included, both in this process). Two consumers:
//!
//! - **stream**: `items().next()` in a loop, dropping each item; memory should stay flat
//!   between 10,000 and 100,000 items, since one page is held at a time;
//! - **collect**: `items().try_collect::<Vec<_>>()`, for contrast: memory grows with the total.
//!
//! ```text
//! cargo bench -p sdk-tests --bench paging
//! BENCH_RUNS=5 cargo bench -p sdk-tests --bench paging
//! ```

use std::alloc::{GlobalAlloc, Layout, System};
use std::error::Error;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures::TryStreamExt as _;

#[path = "../tests/support/paging.rs"]
mod support;

mod api {
    sdk_runtime::generate_client!("../spec/paging-detected.yaml");
}

type BoxError = Box<dyn Error + Send + Sync>;

/// The system allocator, counting bytes in use and their peak.
struct Counting;

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every method forwards to `System` with the caller's arguments unchanged; the
// counters are only statistics.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as is (see the impl).
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            let now = IN_USE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded as is (see the impl).
        unsafe { System.dealloc(ptr, layout) };
        IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded as is (see the impl).
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
            let now = IN_USE.fetch_add(new_size, Ordering::Relaxed) + new_size;
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

#[derive(Clone, Copy)]
enum Consumer {
    Stream,
    Collect,
}

struct Sample {
    time: Duration,
    peak_bytes: usize,
}

fn main() -> Result<(), BoxError> {
    let runs = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3usize)
        .max(1);
    // One worker thread for the client and one for the server: the machine has two cores.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    println!("auto-paging, cursor style, 100 items per page, loopback; median of {runs} runs");
    println!(
        "{:<9} {:>9} {:>9} {:>12} {:>13}",
        "consumer", "items", "time", "items/s", "peak heap"
    );
    for consumer in [Consumer::Stream, Consumer::Collect] {
        for items in [10_000, 100_000] {
            let mut samples = Vec::new();
            for _ in 0..runs {
                samples.push(runtime.block_on(measure(consumer, items))?);
            }
            samples.sort_by_key(|s| s.time);
            let time = samples[samples.len() / 2].time;
            let peak = median(samples.iter().map(|s| s.peak_bytes).collect());
            let name = match consumer {
                Consumer::Stream => "stream",
                Consumer::Collect => "collect",
            };
            println!(
                "{name:<9} {items:>9} {:>7.0}ms {:>12.0} {:>10.0} KiB",
                time.as_secs_f64() * 1e3,
                items as f64 / time.as_secs_f64(),
                peak as f64 / 1024.0
            );
        }
    }
    Ok(())
}

async fn measure(consumer: Consumer, total: usize) -> Result<Sample, BoxError> {
    let server = support::PagingServer::start(total).await?;
    server.state.keep_log.store(false, Ordering::SeqCst);
    let client = api::Client::builder().base_url(server.url()).build()?;
    // Warm the connection pool so the first request's setup is not counted.
    client.get_item("warm").await?;
    let baseline = IN_USE.load(Ordering::Relaxed);
    PEAK.store(baseline, Ordering::Relaxed);
    let started = Instant::now();
    let count = match consumer {
        Consumer::Stream => {
            let mut items = client.list_by_token().items();
            let mut count = 0;
            while let Some(item) = items.next().await {
                std::hint::black_box(item?);
                count += 1;
            }
            count
        }
        Consumer::Collect => {
            let all: Vec<_> = client.list_by_token().items().try_collect().await?;
            std::hint::black_box(&all);
            all.len()
        }
    };
    let time = started.elapsed();
    let peak_bytes = PEAK.load(Ordering::Relaxed).saturating_sub(baseline);
    if count != total {
        return Err(format!("streamed {count} of {total} items").into());
    }
    Ok(Sample { time, peak_bytes })
}

fn median(mut values: Vec<usize>) -> usize {
    values.sort_unstable();
    values[values.len() / 2]
}
