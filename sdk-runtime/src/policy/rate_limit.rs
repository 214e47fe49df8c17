//! The rate-limit stage: one shared view of the server's limits, so every call
//! of a client waits when one of them is told to.
//!
//! Servers announce their limits in response headers. The stage reads, on
//! every response:
//!
//! * `Retry-After` (or `retry-after-ms`) on a `429`: nothing is sent
//!   until then, by any call of the client;
//! * the IETF httpapi draft's `RateLimit: "name";r=<remaining>;t=<seconds>`
//!   with `RateLimit-Policy: "name";q=<quota>;w=<window>`;
//! * the older draft's `RateLimit-Remaining` / `RateLimit-Reset` (seconds) /
//!   `RateLimit-Limit`;
//! * `X-RateLimit-Remaining` / `X-RateLimit-Reset` / `X-RateLimit-Limit`
//!   (GitHub, Twitter and many others; the reset is a Unix time, or seconds
//!   from now when it is too small to be one).
//!
//! Between responses it counts down the remaining requests itself, so calls
//! already queued do not all go out on a stale "remaining: 10". When nothing
//! remains, calls wait until the window resets. A wait longer than
//! [`MAX_HOLD`] is not taken (the server is then left to answer `429`), and
//! every wait ends at the call's deadline.
//!
//! With [`ClientBuilder::rate_limit`](crate::ClientBuilder::rate_limit) the
//! client also paces itself with a token bucket of its own, before the
//! server has to say anything.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{HeaderMap, HeaderName, StatusCode};
use tokio::time::Instant;

use crate::codec::headers::{parse_non_negative, retry_after, text};
use crate::pipeline::stage::{Exchange, Flow, Outgoing, Received, Stage};

const RATELIMIT: HeaderName = HeaderName::from_static("ratelimit");
const RATELIMIT_POLICY: HeaderName = HeaderName::from_static("ratelimit-policy");
const RATELIMIT_REMAINING: HeaderName = HeaderName::from_static("ratelimit-remaining");
const RATELIMIT_LIMIT: HeaderName = HeaderName::from_static("ratelimit-limit");
const RATELIMIT_RESET: HeaderName = HeaderName::from_static("ratelimit-reset");
const X_RATELIMIT_REMAINING: HeaderName = HeaderName::from_static("x-ratelimit-remaining");
const X_RATELIMIT_LIMIT: HeaderName = HeaderName::from_static("x-ratelimit-limit");
const X_RATELIMIT_RESET: HeaderName = HeaderName::from_static("x-ratelimit-reset");

/// The longest wait taken on the server's word.
pub(crate) const MAX_HOLD: Duration = Duration::from_secs(60);

/// Added to every reset the server announces: its clock ticks in whole
/// seconds and requests take time to arrive, so going a little late is
/// cheaper than a `429`.
const MARGIN: Duration = Duration::from_millis(15);

/// Resets this close together belong to the same window.
const SAME_WINDOW: Duration = Duration::from_millis(500);

/// One client's view of its rate limits, shared by its clones.
pub(crate) struct RateLimit {
    state: Mutex<State>,
    /// Whether the state holds anything to enforce; until a server first
    /// announces a limit (most never do), attempts skip the lock.
    engaged: AtomicBool,
    /// Whether server headers are read at all.
    follow_server: bool,
}

#[derive(Default)]
struct State {
    /// Nothing is sent before this instant (a `429`'s `Retry-After`).
    blocked_until: Option<Instant>,
    window: Option<Window>,
    bucket: Option<Bucket>,
}

/// The server's current window, as last announced and counted down since.
struct Window {
    remaining: u64,
    limit: Option<u64>,
    /// `None` once a window passed without news of the next one.
    resets_at: Option<Instant>,
}

/// A client-side pace: `rate` requests per second, bursts up to `capacity`.
struct Bucket {
    capacity: f64,
    rate: f64,
    tokens: f64,
    refilled: Instant,
}

impl RateLimit {
    /// `pace`: the client's own limit, `requests` per `period`.
    pub(crate) fn new(follow_server: bool, pace: Option<(u32, Duration)>) -> Self {
        let bucket = pace
            .filter(|(requests, period)| *requests > 0 && !period.is_zero())
            .map(|(requests, period)| Bucket {
                capacity: f64::from(requests),
                rate: f64::from(requests) / period.as_secs_f64(),
                tokens: f64::from(requests),
                refilled: Instant::now(),
            });
        RateLimit {
            engaged: AtomicBool::new(bucket.is_some()),
            state: Mutex::new(State {
                bucket,
                ..State::default()
            }),
            follow_server,
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // Plain counters: a panic elsewhere cannot leave them inconsistent.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Stage for RateLimit {
    fn before_attempt(&self, _call: &mut Exchange<'_, '_>, _outgoing: &mut Outgoing) -> Flow {
        if !self.engaged.load(Ordering::Acquire) {
            return Flow::Continue;
        }
        let now = Instant::now();
        let mut state = self.state();
        if let Some(until) = state.blocked_until {
            if until > now {
                return Flow::Hold(until);
            }
            state.blocked_until = None;
        }
        if let Some(window) = &mut state.window
            && window.resets_at.is_some_and(|at| at <= now)
        {
            // A new window: full, if the limit is known; else unknown.
            match window.limit {
                Some(limit) => {
                    window.remaining = limit;
                    window.resets_at = None;
                }
                None => state.window = None,
            }
        }
        if let Some(window) = &mut state.window {
            match (window.remaining, window.resets_at) {
                (0, Some(at)) => return Flow::Hold(at),
                (0, None) => {} // no reset known: let the server say
                _ => window.remaining -= 1,
            }
        }
        if let Some(bucket) = &mut state.bucket {
            let elapsed = now.saturating_duration_since(bucket.refilled).as_secs_f64();
            bucket.tokens = (bucket.tokens + elapsed * bucket.rate).min(bucket.capacity);
            bucket.refilled = now;
            if bucket.tokens < 1.0 {
                let wait = Duration::from_secs_f64((1.0 - bucket.tokens) / bucket.rate);
                return Flow::Hold(now + wait);
            }
            bucket.tokens -= 1.0;
        }
        Flow::Continue
    }

    fn after_response(&self, _call: &mut Exchange<'_, '_>, response: &mut Received) {
        if !self.follow_server {
            return;
        }
        let limited = response.status == StatusCode::TOO_MANY_REQUESTS;
        // Most responses say nothing about limits: three lookups, no lock.
        if !limited && !Announced::present(&response.headers) {
            return;
        }
        let now = Instant::now();
        let announced = Announced::read(&response.headers, SystemTime::now());
        let mut state = self.state();
        self.engaged.store(true, Ordering::Release);
        if limited {
            let wait = retry_after(&response.headers, SystemTime::now()).or(announced.reset);
            if let Some(wait) = wait.filter(|w| *w <= MAX_HOLD) {
                let until = now + wait;
                state.blocked_until = Some(state.blocked_until.map_or(until, |b| b.max(until)));
            }
        }
        let Some(remaining) = announced.remaining else {
            return;
        };
        let resets_at = announced
            .reset
            .filter(|reset| *reset <= MAX_HOLD)
            .map(|reset| now + reset + MARGIN);
        match (&mut state.window, resets_at) {
            // The same window: trust whichever count is lower, since
            // responses to calls sent earlier can arrive later.
            (Some(window), Some(at))
                if window
                    .resets_at
                    .is_some_and(|current| abs_diff(current, at) < SAME_WINDOW) =>
            {
                window.remaining = window.remaining.min(remaining);
                window.limit = announced.limit.or(window.limit);
            }
            // A response from a window already over: stale news.
            (Some(window), Some(at))
                if window
                    .resets_at
                    .is_some_and(|current| at + SAME_WINDOW < current) => {}
            (window, resets_at) => {
                let limit = announced.limit.or(window.as_ref().and_then(|w| w.limit));
                *window = Some(Window {
                    remaining,
                    limit,
                    resets_at,
                });
            }
        }
    }
}

fn abs_diff(a: Instant, b: Instant) -> Duration {
    a.saturating_duration_since(b)
        .max(b.saturating_duration_since(a))
}

/// What one response says about the limits, whichever header family it uses.
#[derive(Debug, Default, PartialEq)]
struct Announced {
    remaining: Option<u64>,
    limit: Option<u64>,
    /// How long until the window resets.
    reset: Option<Duration>,
}

impl Announced {
    /// Whether any header family is there at all.
    fn present(headers: &HeaderMap) -> bool {
        [X_RATELIMIT_REMAINING, RATELIMIT, RATELIMIT_REMAINING]
            .iter()
            .any(|name| headers.contains_key(name))
    }

    fn read(headers: &HeaderMap, now: SystemTime) -> Announced {
        if let Some(field) = text(headers, RATELIMIT).and_then(|v| v.split(',').next()) {
            let limit = text(headers, RATELIMIT_POLICY)
                .and_then(|v| v.split(',').next())
                .and_then(|policy| parameter(policy, "q"));
            return Announced {
                remaining: parameter(field, "r"),
                limit,
                reset: parameter(field, "t").map(Duration::from_secs),
            };
        }
        let number = |name: HeaderName| text(headers, name).and_then(|v| v.parse::<u64>().ok());
        if let Some(remaining) = number(RATELIMIT_REMAINING) {
            return Announced {
                remaining: Some(remaining),
                limit: number(RATELIMIT_LIMIT),
                reset: text(headers, RATELIMIT_RESET)
                    .and_then(parse_non_negative)
                    .and_then(|s| Duration::try_from_secs_f64(s).ok()),
            };
        }
        Announced {
            remaining: number(X_RATELIMIT_REMAINING),
            limit: number(X_RATELIMIT_LIMIT),
            reset: text(headers, X_RATELIMIT_RESET)
                .and_then(parse_non_negative)
                .and_then(|value| until_reset(value, now)),
        }
    }
}

/// `X-RateLimit-Reset` is a Unix time at most providers and a number of
/// seconds at some; no window is 30 years long, so the size tells which.
fn until_reset(value: f64, now: SystemTime) -> Option<Duration> {
    const UNIX_TIME_FROM: f64 = 1e9;
    if value < UNIX_TIME_FROM {
        return Duration::try_from_secs_f64(value).ok();
    }
    let at = UNIX_EPOCH.checked_add(Duration::try_from_secs_f64(value).ok()?)?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The integer parameter `key` of one structured-field item
/// (`"default";r=50;t=30`).
fn parameter(item: &str, key: &str) -> Option<u64> {
    item.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k.trim() == key).then(|| v.trim().parse().ok())?
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().unwrap());
        }
        map
    }

    #[test]
    fn reads_each_header_family() {
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let ietf = headers(&[
            ("ratelimit", "\"default\";r=7;t=30"),
            ("ratelimit-policy", "\"default\";q=100;w=60"),
        ]);
        assert_eq!(
            Announced::read(&ietf, now),
            Announced {
                remaining: Some(7),
                limit: Some(100),
                reset: Some(Duration::from_secs(30))
            }
        );
        let older = headers(&[("ratelimit-remaining", "3"), ("ratelimit-reset", "2")]);
        assert_eq!(
            Announced::read(&older, now).reset,
            Some(Duration::from_secs(2))
        );
        let github = headers(&[
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-limit", "5000"),
            ("x-ratelimit-reset", "1700000042"),
        ]);
        let read = Announced::read(&github, now);
        assert_eq!(read.remaining, Some(0));
        assert_eq!(read.limit, Some(5000));
        assert_eq!(read.reset, Some(Duration::from_secs(42)));
        let seconds = headers(&[("x-ratelimit-remaining", "1"), ("x-ratelimit-reset", "5")]);
        assert_eq!(
            Announced::read(&seconds, now).reset,
            Some(Duration::from_secs(5))
        );
        assert_eq!(
            Announced::read(&HeaderMap::new(), now),
            Announced::default()
        );
        let garbage = headers(&[("ratelimit", "r=;t=x"), ("x-ratelimit-reset", "-1")]);
        assert_eq!(Announced::read(&garbage, now).remaining, None);
    }
}
