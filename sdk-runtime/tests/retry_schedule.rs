//! The retry schedule in virtual time: a small async retry loop built only from the public
//! `retry` and `backoff` API, driven by a paused tokio clock, so the waits are exact and
//! the tests take no real time.

use std::collections::VecDeque;
use std::time::Duration;

use http::{HeaderMap, HeaderValue, StatusCode};
use sdk_runtime::backoff::Backoff;
use sdk_runtime::retry::{Failure, RetryPolicy};
use tokio::time::Instant;

/// What one simulated attempt returns.
enum Outcome {
    Ok,
    Status(StatusCode, HeaderMap),
    Connect,
    Timeout,
}

/// The shape `execute` uses: attempt, classify, ask the backoff for the wait, sleep.
/// Returns the number of attempts made and whether the last one succeeded.
async fn run(
    policy: &RetryPolicy,
    mut backoff: Backoff,
    outcomes: &mut VecDeque<Outcome>,
) -> (u32, bool) {
    let mut attempts = 0;
    // Bounded: the backoff yields at most `max_retries` delays.
    loop {
        attempts += 1;
        let outcome = outcomes.pop_front().unwrap_or(Outcome::Ok);
        let (failure, headers) = match &outcome {
            Outcome::Ok => return (attempts, true),
            Outcome::Status(status, headers) => (
                Failure::Status {
                    status: *status,
                    headers,
                },
                Some(headers),
            ),
            Outcome::Connect => (Failure::Connect, None),
            Outcome::Timeout => (Failure::Timeout, None),
        };
        if !policy.should_retry(&failure) {
            return (attempts, false);
        }
        match backoff.next_delay(headers) {
            Some(wait) => tokio::time::sleep(wait).await,
            None => return (attempts, false),
        }
    }
}

fn status(code: u16) -> Outcome {
    Outcome::Status(StatusCode::from_u16(code).unwrap(), HeaderMap::new())
}

fn with_header(code: u16, name: &'static str, value: &'static str) -> Outcome {
    let mut headers = HeaderMap::new();
    headers.insert(name, HeaderValue::from_static(value));
    Outcome::Status(StatusCode::from_u16(code).unwrap(), headers)
}

/// tokio's timer has millisecond resolution: each sleep may end up to 1 ms late.
fn assert_elapsed(start: Instant, expected: Duration, sleeps: u32) {
    let elapsed = start.elapsed();
    let slack = Duration::from_millis(u64::from(sleeps));
    assert!(
        elapsed >= expected && elapsed <= expected + slack,
        "elapsed {elapsed:?}, expected {expected:?} (+ up to {slack:?})"
    );
}

#[tokio::test(start_paused = true)]
async fn failures_then_success_wait_the_seeded_schedule() {
    let policy = RetryPolicy::new().with_max_retries(4);
    let expected: Duration = Backoff::new(&policy, fastrand::Rng::with_seed(11))
        .take(3)
        .sum();
    let mut outcomes = VecDeque::from([status(503), Outcome::Connect, status(429), Outcome::Ok]);

    let start = Instant::now();
    let (attempts, ok) = run(
        &policy,
        Backoff::new(&policy, fastrand::Rng::with_seed(11)),
        &mut outcomes,
    )
    .await;

    assert!(ok);
    assert_eq!(attempts, 4);
    assert_elapsed(start, expected, 3);
    // 0.5 s + 1 s + 2 s, each cut by at most 25 % jitter.
    assert!(expected >= Duration::from_millis(2625) && expected <= Duration::from_millis(3500));
}

#[tokio::test(start_paused = true)]
async fn default_policy_gives_up_after_three_attempts() {
    let policy = RetryPolicy::new();
    let mut outcomes: VecDeque<_> = (0..10).map(|_| Outcome::Timeout).collect();

    let start = Instant::now();
    let (attempts, ok) = run(
        &policy,
        Backoff::new(&policy, fastrand::Rng::with_seed(2)),
        &mut outcomes,
    )
    .await;

    assert!(!ok);
    assert_eq!(attempts, 3);
    assert_eq!(outcomes.len(), 7, "no attempt after the budget is spent");
    let expected: Duration = Backoff::new(&policy, fastrand::Rng::with_seed(2)).sum();
    assert_elapsed(start, expected, 2);
}

#[tokio::test(start_paused = true)]
async fn retry_after_sets_the_wait() {
    let policy = RetryPolicy::new();
    let mut outcomes = VecDeque::from([
        with_header(429, "retry-after", "3"),
        with_header(503, "retry-after-ms", "1250"),
        Outcome::Ok,
    ]);

    let start = Instant::now();
    let (attempts, ok) = run(&policy, policy.backoff(), &mut outcomes).await;

    assert!(ok);
    assert_eq!(attempts, 3);
    assert_elapsed(start, Duration::from_millis(4250), 2);
}

#[tokio::test(start_paused = true)]
async fn a_retry_after_beyond_the_limit_falls_back_to_backoff() {
    let policy = RetryPolicy::new();
    let mut outcomes = VecDeque::from([with_header(503, "retry-after", "3600"), Outcome::Ok]);

    let start = Instant::now();
    let (attempts, ok) = run(
        &policy,
        Backoff::new(&policy, fastrand::Rng::with_seed(4)),
        &mut outcomes,
    )
    .await;

    assert!(ok);
    assert_eq!(attempts, 2);
    let expected = Backoff::new(&policy, fastrand::Rng::with_seed(4))
        .next()
        .unwrap();
    assert_elapsed(start, expected, 1);
    assert!(expected <= Duration::from_millis(500));
}

#[tokio::test(start_paused = true)]
async fn client_errors_and_server_vetoes_stop_immediately() {
    let policy = RetryPolicy::new().with_max_retries(5);
    for outcome in [
        status(400),
        status(404),
        status(409),
        status(422),
        with_header(503, "x-should-retry", "false"),
    ] {
        let mut outcomes = VecDeque::from([outcome, Outcome::Ok]);
        let start = Instant::now();
        let (attempts, ok) = run(&policy, policy.backoff(), &mut outcomes).await;
        assert!(!ok);
        assert_eq!(attempts, 1);
        assert_eq!(start.elapsed(), Duration::ZERO);
    }
}

#[tokio::test(start_paused = true)]
async fn the_server_can_ask_for_a_retry_of_a_client_error() {
    let policy = RetryPolicy::new();
    let mut outcomes = VecDeque::from([with_header(409, "x-should-retry", "true"), Outcome::Ok]);
    let (attempts, ok) = run(&policy, policy.backoff(), &mut outcomes).await;
    assert!(ok);
    assert_eq!(attempts, 2);
}

#[tokio::test(start_paused = true)]
async fn never_makes_exactly_one_attempt() {
    let policy = RetryPolicy::never();
    let mut outcomes = VecDeque::from([status(503), Outcome::Ok]);
    let (attempts, ok) = run(&policy, policy.backoff(), &mut outcomes).await;
    assert!(!ok);
    assert_eq!(attempts, 1);
}

#[test]
fn seeded_backoff_is_deterministic_and_bounded() {
    let policy = RetryPolicy::new().with_max_retries(10);
    for seed in 0..20 {
        let a: Vec<Duration> = Backoff::new(&policy, fastrand::Rng::with_seed(seed)).collect();
        let b: Vec<Duration> = Backoff::new(&policy, fastrand::Rng::with_seed(seed)).collect();
        assert_eq!(a, b, "seed {seed}");
        assert_eq!(a.len(), 10);
        for (n, d) in a.iter().enumerate() {
            let formula = Duration::from_millis(500)
                .saturating_mul(1 << n)
                .min(Duration::from_secs(8));
            assert!(
                *d <= formula && *d >= formula.mul_f64(0.75),
                "seed {seed}, retry {n}: {d:?}"
            );
        }
    }
    let one: Vec<Duration> = Backoff::new(&policy, fastrand::Rng::with_seed(1)).collect();
    let two: Vec<Duration> = Backoff::new(&policy, fastrand::Rng::with_seed(2)).collect();
    assert_ne!(one, two, "the seed matters");
}
