//! A guided tour of what a generated client does, against the embedded example server.
//!
//! `cargo run -p sdk-tests --bin demo` starts the example API of `spec/api.yaml` on
//! 127.0.0.1 (a port the OS picks), generates its client with
//! `generate_client!("spec/api.yaml")` and walks through the practices the project
//! implements. Every step checks what it claims; the program exits 0 only if all did.

use std::fmt::Display;
use std::io::{IsTerminal as _, Write as _};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderMap, Method};
use sdk_runtime::batch::BatchOptions;
use sdk_tests::server::{ExampleServer, FaultConfig, FaultKind, ServerConfig};

mod api {
    sdk_runtime::generate_client!("../spec/api.yaml");
}

/// A throwaway key: the demo sets it in the environment the way a deployment would.
const DEMO_KEY: &str = "demo_sk_0f3a9c2e7b51d8a4";

fn main() -> ExitCode {
    // The environment is set before any thread starts (setting it later is unsound).
    // SAFETY: single-threaded at this point; nothing reads the environment concurrently.
    unsafe {
        std::env::set_var("EXAMPLE_API_KEY", DEMO_KEY);
        std::env::set_var(
            "EXAMPLE_WEBHOOK_SECRET",
            sdk_tests::server::DEFAULT_WEBHOOK_SECRET,
        );
    }
    // One thread, so the debug-log capture of step 6 sees every event.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut tour = Tour::default();
    if let Err(e) = runtime.block_on(run(&mut tour)) {
        tour.fail(format!("stopped: {e}"));
    }
    tour.finish()
}

async fn run(tour: &mut Tour) -> Result<(), Box<dyn std::error::Error>> {
    let config = ServerConfig::default().api_key(DEMO_KEY);
    let server = ExampleServer::start(config).await?;
    println!(
        "openapi-sdk demo: the Example API (spec/api.yaml), served in-process at {}",
        server.base_url()
    );
    // SAFETY: still before any other thread reads the environment (current-thread runtime).
    unsafe { std::env::set_var("EXAMPLE_BASE_URL", server.base_url()) };

    tour.step("1. A client from the environment");
    let client = api::Client::from_env()?;
    println!("   Client::from_env() read EXAMPLE_API_KEY and EXAMPLE_BASE_URL");
    let debug = format!("{client:?}");
    tour.check(
        !debug.contains(&DEMO_KEY[8..]),
        "the key never shows in Debug output",
    );

    tour.step("2. Batch create 250 users (batch endpoint, chunks of maxItems = 100)");
    let new_users: Vec<api::types::NewUser> = (0..250)
        .map(|i| api::types::NewUser {
            email: format!("user{i}@example.com"),
            name: format!("User {i}"),
        })
        .collect();
    let users_api = client.users();
    let batch = users_api.create_users_all(new_users, BatchOptions::new());
    let created = with_progress(batch, || server.state().user_count(), 250, "users").await;
    let posts = server
        .state()
        .requests()
        .iter()
        .filter(|r| r.path == "/users/batch")
        .count();
    println!(
        "   {} created in {posts} requests, {} failed",
        created.succeeded(),
        created.failed()
    );
    tour.check(
        created.is_success() && posts == 3,
        "250 users in 3 chunked requests, none failed",
    );

    tour.step("3. Stream every user at the maximum page size");
    server.state().clear_requests();
    let mut users = client.users().list_users().items();
    let mut seen = Vec::new();
    while let Some(user) = users.next().await {
        seen.push(user?.id);
        progress(seen.len(), 250, "users");
    }
    println!();
    let pages: Vec<String> = server
        .state()
        .requests()
        .iter()
        .map(|r| r.query.clone().unwrap_or_default())
        .collect();
    println!(
        "   {} users in {} pages; first page query: {}",
        seen.len(),
        pages.len(),
        pages.first().map_or("", String::as_str)
    );
    let unique = seen.iter().collect::<std::collections::HashSet<_>>().len();
    tour.check(
        seen.len() == 250 && unique == 250 && pages.len() == 3 && pages[0].contains("limit=100"),
        "each user exactly once, 3 pages at limit=100 (the spec's maximum)",
    );

    tour.step("4. An idempotent order create through injected failures");
    let faults = FaultConfig::seeded(1)
        .route(Method::POST, "/orders")
        .script([FaultKind::Unavailable, FaultKind::DropAfterCommit]);
    server.state().set_faults(faults);
    server.state().clear_requests();
    println!(
        "   the server answers 503 to the 1st attempt, stores the 2nd and drops the connection"
    );
    let order = api::types::NewOrder {
        user_id: seen[0].clone(),
        amount_cents: 4_200,
        currency: api::types::Currency::Eur,
    };
    let created = client.orders().create_order(&order).await?;
    let attempts = server.state().requests();
    let keys: std::collections::HashSet<_> = attempts
        .iter()
        .filter_map(|r| r.idempotency_key.clone())
        .collect();
    println!(
        "   order {} after {} attempts, all with idempotency key {} (request id {})",
        created.id,
        attempts.len(),
        keys.iter().next().map_or("?", String::as_str),
        created.request_id().unwrap_or("none"),
    );
    tour.check(
        server.state().order_count() == 1 && attempts.len() == 3 && keys.len() == 1,
        "3 attempts, one key, exactly one order stored",
    );
    server.state().set_faults(FaultConfig::default());

    tour.step("5. A 404 is not retried");
    server.state().clear_requests();
    let err = client
        .users()
        .get_user("usr_missing")
        .await
        .expect_err("no such user");
    let body = err
        .body::<api::types::Error>()
        .map(|e| e.code.clone())
        .unwrap_or_default();
    println!("   {err}");
    tour.check(
        err.status().map(|s| s.as_u16()) == Some(404)
            && err.attempts() == 1
            && server.state().requests().len() == 1
            && body == "not_found",
        "one attempt, typed error body, request id in the message",
    );

    tour.step("6. Debug logs with request IDs, the key redacted");
    let lines = capture_debug_logs(|| async {
        let debug_client = api::Client::builder().from_env().debug(true).build()?;
        debug_client.orders().get_order(&created.id).await?;
        Ok(())
    })
    .await?;
    for line in lines.iter().filter(|l| l.contains("request_id")).take(2) {
        println!("   | {}", truncate(line, 150));
    }
    let leaked = lines.iter().any(|l| l.contains(&DEMO_KEY[8..]));
    tour.check(
        !lines.is_empty() && lines.iter().any(|l| l.contains("req_")) && !leaked,
        "events carry the request id; the key appears nowhere",
    );

    tour.step("7. A webhook from the server, verified then decoded");
    let (url, mut received) = webhook_receiver(client.clone()).await?;
    let event = server
        .state()
        .pay_order(&created.id)
        .ok_or("the order exists")?;
    let status = server.send_webhook(&url, &event).await?;
    let decoded = received.recv().await.ok_or("the receiver answered")?;
    match &decoded {
        Ok(api::WebhookEvent::OrderPaid(paid)) => println!(
            "   order.paid for {} ({:?}), receiver answered {status}",
            paid.data.id, paid.data.status
        ),
        other => println!("   unexpected: {other:?}"),
    }
    let signed = server.state().sign_event(&event);
    let tampered = format!("{} ", signed.body);
    let rejected = client
        .webhooks()
        .unwrap(&signed.headers(), tampered.as_bytes());
    if let Err(e) = &rejected {
        println!("   a tampered copy: {e}");
    }
    tour.check(
        matches!(decoded, Ok(api::WebhookEvent::OrderPaid(ref p)) if p.data.id == created.id)
            && rejected.is_err(),
        "the signed event decodes to OrderPaid; a tampered one is rejected",
    );

    tour.step("8. Orders as a typed stream of server-sent events");
    for amount_cents in [1_500, 9_900] {
        let more = api::types::NewOrder {
            amount_cents,
            ..order.clone()
        };
        client.orders().create_order(&more).await?;
    }
    let expected = server.state().order_count();
    let response = client.orders().stream_order_events().await?;
    println!(
        "   {} with request id {:?} before the first event",
        response.status(),
        response.request_id()
    );
    let mut events = response.into_inner();
    let mut ids = Vec::new();
    while let Some(event) = futures::StreamExt::next(&mut events).await {
        let event = event?;
        if ids.is_empty() {
            println!(
                "   first event: `{}` id {:?}, order of {} {:?}",
                event.event, event.id, event.data.amount_cents, event.data.currency
            );
        }
        ids.push(event.data.id);
    }
    println!(
        "   {} events, then `data: [DONE]` ended the stream",
        ids.len()
    );
    let resumed = match ids.first() {
        Some(first) => {
            let response = client
                .orders()
                .stream_order_events()
                .last_event_id(first)
                .await?;
            futures::StreamExt::count(response.into_inner()).await
        }
        None => 0,
    };
    println!(
        "   resumed with Last-Event-ID {:?}: {resumed} events",
        ids.first()
    );
    tour.check(
        ids.len() == expected && expected > 0 && resumed == expected - 1,
        "one typed event per order, in order; Last-Event-ID resumes after it",
    );

    server.shutdown().await?;
    Ok(())
}

// ===== internal =====

/// Counts the steps and whether each did what it claimed.
#[derive(Default)]
struct Tour {
    passed: usize,
    failed: Vec<String>,
}

impl Tour {
    fn step(&mut self, title: &str) {
        println!("\n{title}");
    }

    fn check(&mut self, ok: bool, claim: &str) {
        if ok {
            self.passed += 1;
            println!("   ok: {claim}");
        } else {
            println!("   FAILED: {claim}");
            self.failed.push(claim.to_owned());
        }
    }

    fn fail(&mut self, why: impl Display) {
        println!("   FAILED: {why}");
        self.failed.push(why.to_string());
    }

    fn finish(self) -> ExitCode {
        println!();
        if self.failed.is_empty() {
            println!(
                "All {} checks passed: every step behaved as claimed.",
                self.passed
            );
            ExitCode::SUCCESS
        } else {
            println!("{} passed, {} failed", self.passed, self.failed.len());
            ExitCode::FAILURE
        }
    }
}

/// Drives `work` while drawing a progress bar from `done()`.
async fn with_progress<T>(
    work: impl Future<Output = T>,
    done: impl Fn() -> usize,
    total: usize,
    what: &str,
) -> T {
    let mut work = std::pin::pin!(work);
    let mut tick = tokio::time::interval(Duration::from_millis(20));
    loop {
        tokio::select! {
            result = &mut work => {
                progress(done(), total, what);
                println!();
                return result;
            }
            _ = tick.tick() => {
                let now = done();
                if now < total {
                    progress(now, total, what);
                }
            }
        }
    }
}

/// Redraws a progress bar in place on a terminal; elsewhere (a log, a test) only the
/// finished bar is printed.
fn progress(done: usize, total: usize, what: &str) {
    let finished = done >= total;
    if !finished && !std::io::stdout().is_terminal() {
        return;
    }
    let width = 30;
    let filled = (done * width)
        .checked_div(total)
        .unwrap_or(width)
        .min(width);
    let start = if std::io::stdout().is_terminal() {
        "\r"
    } else {
        ""
    };
    print!(
        "{start}   [{}{}] {done}/{total} {what}",
        "#".repeat(filled),
        " ".repeat(width - filled)
    );
    let _ = std::io::stdout().flush();
}

fn truncate(line: &str, max: usize) -> &str {
    match line.char_indices().nth(max) {
        Some((i, _)) => &line[..i],
        None => line,
    }
}

/// Runs `work` with a `tracing` subscriber that records every `sdk_runtime` event.
async fn capture_debug_logs<F, Fut>(work: F) -> Result<Vec<String>, Box<dyn std::error::Error>>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<(), Box<dyn std::error::Error>>>,
{
    let buffer = Arc::new(Mutex::new(Vec::<u8>::new()));
    let sink = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter("sdk_runtime=debug")
        .with_ansi(false)
        .without_time()
        .with_writer(move || SharedWriter(sink.clone()))
        .finish();
    let guard = tracing::subscriber::set_default(subscriber);
    let result = work().await;
    drop(guard);
    result?;
    let text =
        String::from_utf8_lossy(&buffer.lock().map_err(|_| "log buffer poisoned")?).into_owned();
    Ok(text.lines().map(str::to_owned).collect())
}

struct SharedWriter(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for SharedWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

type Decoded = Result<api::WebhookEvent, sdk_runtime::webhooks::WebhookError>;

/// A webhook endpoint on 127.0.0.1 that verifies and decodes with the client, and hands
/// each result to the returned channel.
async fn webhook_receiver(
    client: api::Client,
) -> std::io::Result<(String, tokio::sync::mpsc::Receiver<Decoded>)> {
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    let app = axum::Router::new().route(
        "/hooks",
        axum::routing::post(move |headers: HeaderMap, body: axum::body::Bytes| {
            let (client, tx) = (client.clone(), tx.clone());
            async move {
                let decoded = client.webhooks().unwrap(&headers, &body);
                let status = if decoded.is_ok() { 200 } else { 400 };
                let _ = tx.send(decoded).await;
                axum::http::StatusCode::from_u16(status)
                    .unwrap_or(axum::http::StatusCode::BAD_REQUEST)
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/hooks", listener.local_addr()?);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok((url, rx))
}
