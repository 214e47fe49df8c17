//! 10,000 user creations against the example server on loopback: one request per user, versus
//! the batch helper `create_users_all` (chunks of `maxItems` = 100).
//!
//! Contenders, each on a fresh server so the stores are equally empty:
//!
//! - **one by one**: `create_user` awaited in a loop;
//! - **one by one, 4 at a time**: `create_user` with 4 calls in flight (the helper's default
//!   concurrency), so the comparison is not just "parallel vs sequential";
//! - **batch helper**: `create_users_all(users, BatchOptions::new())`: 100 requests of 100.
//!
//! The example server does everything a real one would on each request (request log, auth,
//! idempotency store, validation, a `user.created` event per user), so the per-request cost
//! the batch endpoint saves is realistic rather than only the HTTP round trip. Each run
//! measures every contender once; the table shows medians over the runs.
//!
//! ```text
//! cargo bench -p sdk-tests --bench batch
//! BENCH_ITEMS=20000 BENCH_RUNS=5 cargo bench -p sdk-tests --bench batch
//! ```

use std::error::Error;
use std::time::{Duration, Instant};

use std::future::IntoFuture as _;

use futures::StreamExt as _;
use sdk_runtime::batch::BatchOptions;
use sdk_tests::server::{ExampleServer, ServerConfig};

mod api {
    sdk_runtime::generate_client!("../spec/api.yaml");
}

type BoxError = Box<dyn Error + Send + Sync>;

const CONTENDERS: [&str; 3] = ["one by one", "one by one, 4 at a time", "batch helper"];

fn main() -> Result<(), BoxError> {
    let items = env_number("BENCH_ITEMS", 10_000);
    let runs = env_number("BENCH_RUNS", 3).max(1);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); CONTENDERS.len()];
    for _ in 0..runs {
        for (contender, samples) in times.iter_mut().enumerate() {
            samples.push(runtime.block_on(measure(contender, items))?);
        }
    }
    println!("{items} creates, median of {runs} runs, loopback example server");
    println!(
        "{:<26} {:>10} {:>14} {:>8}",
        "contender", "time", "creates/s", "speedup"
    );
    let medians: Vec<Duration> = times.iter_mut().map(|t| median(t)).collect();
    for (name, time) in CONTENDERS.iter().zip(&medians) {
        let rate = items as f64 / time.as_secs_f64();
        let speedup = medians[0].as_secs_f64() / time.as_secs_f64();
        println!(
            "{name:<26} {:>8.0}ms {rate:>14.0} {speedup:>7.1}x",
            time.as_secs_f64() * 1e3
        );
    }
    let ratio = medians[1].as_secs_f64() / medians[2].as_secs_f64();
    println!("batch helper vs one by one at equal concurrency: {ratio:.1}x faster");
    Ok(())
}

/// Time for `contender` to create `items` users on a fresh server; checks they all exist.
async fn measure(contender: usize, items: usize) -> Result<Duration, BoxError> {
    let server = ExampleServer::start(ServerConfig::default()).await?;
    let client = api::Client::builder()
        .base_url(server.base_url())
        .api_key(server.api_key())
        .build()?;
    let users: Vec<api::types::NewUser> = (0..items)
        .map(|i| api::types::NewUser {
            email: format!("user{i}@example.com"),
            name: format!("User {i}"),
        })
        .collect();
    let started = Instant::now();
    match contender {
        0 => {
            for user in &users {
                client.users().create_user(user).await?;
            }
        }
        1 => {
            let sub = client.users();
            let mut calls = futures::stream::iter(&users)
                .map(|user| sub.create_user(user).into_future())
                .buffer_unordered(4);
            while let Some(result) = calls.next().await {
                result?;
            }
        }
        _ => {
            let result = client
                .users()
                .create_users_all(users, BatchOptions::new())
                .await;
            if let Some(chunk) = result.failures().next() {
                return Err(format!("chunk {} failed: {:?}", chunk.index(), chunk.error()).into());
            }
        }
    }
    let elapsed = started.elapsed();
    if server.state().user_count() != items {
        return Err(format!(
            "{} users stored, expected {items}",
            server.state().user_count()
        )
        .into());
    }
    Ok(elapsed)
}

fn median(samples: &mut [Duration]) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
