//! Which failed attempts are retried, and how long to wait before the next one.
//!
//! Every call goes through one execute loop. After each failed attempt the loop asks
//! [`RetryPolicy::should_retry`] whether the failure is worth another attempt, and
//! [`RetryPolicy::delay`] (or the [`Backoff`](backoff::Backoff) iterator) how long
//! to wait first.
//!
//! # What is retried
//!
//! Only failures that are likely to go away on their own:
//!
//! - `429 Too Many Requests`: the server asked us to slow down.
//! - Every `5xx`: the server (or a proxy in front of it) failed, not our request.
//! - Connection errors and timeouts: the request may never have arrived.
//!
//! Every other `4xx` (400, 401, 403, 404, 409, 422, …) is never retried: the same request
//! would fail the same way, and retrying only adds load and latency.
//!
//! A server can override this classification per response with the `x-should-retry`
//! header: `x-should-retry: true` retries even a `4xx`, `x-should-retry: false` stops even
//! on a `503`. The server knows best whether its failure is transient.
//!
//! Retrying a non-idempotent request (a `POST` that creates something) is safe because
//! the execute loop sends the same [`IdempotencyKey`](crate::idempotency::IdempotencyKey)
//! on every attempt, so the server can recognise the replay.
//!
//! # How long to wait
//!
//! Exponential backoff with "equal-ish" jitter: before retry number `n` (0-based) the loop
//! waits `min(base * 2^n, cap) * (1 - jitter * u)` with `u` uniform in `[0, 1)`. Jitter
//! spreads out clients that failed together, so they do not come back together. When the
//! response carries `retry-after-ms` or `Retry-After` (seconds or an HTTP date) and the
//! requested wait is at most [`max_retry_after`](RetryPolicy::with_max_retry_after), that
//! wait is used instead: the server knows when it will be ready. A longer request is
//! ignored (the formula is used) so one response cannot stall a call for an hour.
//!
//! # Defaults
//!
//! | setting | default |
//! |---|---|
//! | retries | 2 (so at most 3 attempts) |
//! | base delay | 0.5 s |
//! | maximum delay (cap) | 8 s |
//! | jitter factor | 0.25 (a delay is cut by up to 25 %) |
//! | longest honoured `Retry-After` | 60 s |
//!
//! With the defaults the two retries wait in `[0.375 s, 0.5 s]` and `[0.75 s, 1 s]`.
//!
//! # Example
//!
//! ```
//! use std::time::Duration;
//! use http::{HeaderMap, StatusCode};
//! use sdk_runtime::retry::{Failure, RetryPolicy};
//!
//! let policy = RetryPolicy::new().with_max_retries(4);
//! let headers = HeaderMap::new();
//! let failure = Failure::Status { status: StatusCode::SERVICE_UNAVAILABLE, headers: &headers };
//! assert!(policy.should_retry(&failure));
//!
//! // u = 0.0 means "no jitter": the first retry waits exactly the base delay.
//! assert_eq!(policy.delay(0, Some(&headers), 0.0), Duration::from_millis(500));
//! ```

use std::time::{Duration, SystemTime};

use http::{HeaderMap, StatusCode};

pub use crate::codec::headers::{RETRY_AFTER_MS_HEADER, retry_after};

pub mod backoff;
pub(crate) mod budget;

pub use budget::RetryBudget;
pub(crate) mod stage;

/// Header a server can send to force (`true`) or forbid (`false`) a retry of its response.
pub const SHOULD_RETRY_HEADER: &str = "x-should-retry";

/// When and how long to retry a failed attempt.
///
/// See the [module docs](self) for what is retried and the defaults. The policy is plain
/// data: it never sleeps and never draws randomness itself (the caller passes `u`, or uses
/// [`backoff`](Self::backoff)), which keeps it trivially testable.
///
/// # Default
///
/// [`RetryPolicy::new`]: 2 retries, base 0.5 s, cap 8 s, jitter 0.25, `Retry-After`
/// honoured up to 60 s.
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use sdk_runtime::retry::RetryPolicy;
///
/// let policy = RetryPolicy::new()
///     .with_max_retries(5)
///     .with_base_delay(Duration::from_millis(100))
///     .with_max_delay(Duration::from_secs(2));
/// let delays: Vec<Duration> = policy.backoff().collect();
/// assert_eq!(delays.len(), 5);
/// assert!(delays.iter().all(|d| *d <= Duration::from_secs(2)));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    max_retries: u32,
    base_delay: Duration,
    max_delay: Duration,
    jitter: f64,
    max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self::new()
    }
}

impl RetryPolicy {
    /// Default number of retries after the first attempt.
    pub const DEFAULT_MAX_RETRIES: u32 = 2;
    /// Default delay before the first retry (before jitter).
    pub const DEFAULT_BASE_DELAY: Duration = Duration::from_millis(500);
    /// Default cap on a computed delay.
    pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(8);
    /// Default jitter factor: a delay is reduced by up to this fraction.
    pub const DEFAULT_JITTER: f64 = 0.25;
    /// Default longest server-requested wait (`Retry-After`) that is honoured.
    pub const DEFAULT_MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

    /// The default policy (see [Defaults](self#defaults)).
    #[must_use]
    pub fn new() -> Self {
        Self {
            max_retries: Self::DEFAULT_MAX_RETRIES,
            base_delay: Self::DEFAULT_BASE_DELAY,
            max_delay: Self::DEFAULT_MAX_DELAY,
            jitter: Self::DEFAULT_JITTER,
            max_retry_after: Self::DEFAULT_MAX_RETRY_AFTER,
        }
    }

    /// A policy that never retries: exactly one attempt.
    ///
    /// ```
    /// use sdk_runtime::retry::RetryPolicy;
    /// assert_eq!(RetryPolicy::never().max_retries(), 0);
    /// assert_eq!(RetryPolicy::never().backoff().count(), 0);
    /// ```
    #[must_use]
    pub fn never() -> Self {
        Self::new().with_max_retries(0)
    }

    /// Sets how many retries follow the first attempt (`0` disables retries).
    #[must_use]
    pub fn with_max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }

    /// How many retries follow the first attempt.
    #[must_use]
    pub fn max_retries(&self) -> u32 {
        self.max_retries
    }

    /// Sets the delay before the first retry; each later retry doubles it, up to the cap.
    #[must_use]
    pub fn with_base_delay(mut self, d: Duration) -> Self {
        self.base_delay = d;
        self
    }

    /// Sets the cap on a computed delay. A base delay above the cap is clamped to it.
    #[must_use]
    pub fn with_max_delay(mut self, d: Duration) -> Self {
        self.max_delay = d;
        self
    }

    /// Sets the longest server-requested wait (`Retry-After`, `retry-after-ms`) that is
    /// honoured; a longer one is ignored and the computed delay is used instead.
    #[must_use]
    pub fn with_max_retry_after(mut self, d: Duration) -> Self {
        self.max_retry_after = d;
        self
    }

    /// Sets the jitter factor, clamped to `[0, 1]`: a delay is multiplied by
    /// `1 - factor * u` with `u` in `[0, 1)`. `0` disables jitter. A NaN is treated as `0`.
    #[must_use]
    pub fn with_jitter(mut self, factor: f64) -> Self {
        self.jitter = if factor.is_nan() {
            0.0
        } else {
            factor.clamp(0.0, 1.0)
        };
        self
    }

    /// Whether `failure` is worth another attempt (see [What is retried](self#what-is-retried)).
    ///
    /// This only classifies the failure; the retry budget ([`max_retries`](Self::max_retries))
    /// is enforced by the caller, most simply by stopping when the
    /// [`Backoff`](backoff::Backoff) iterator is exhausted.
    ///
    /// ```
    /// use http::{HeaderMap, HeaderValue, StatusCode};
    /// use sdk_runtime::retry::{Failure, RetryPolicy};
    ///
    /// let policy = RetryPolicy::new();
    /// let mut headers = HeaderMap::new();
    /// let not_found = Failure::Status { status: StatusCode::NOT_FOUND, headers: &headers };
    /// assert!(!policy.should_retry(&not_found));
    /// assert!(policy.should_retry(&Failure::Connect));
    ///
    /// headers.insert("x-should-retry", HeaderValue::from_static("true"));
    /// let forced = Failure::Status { status: StatusCode::NOT_FOUND, headers: &headers };
    /// assert!(policy.should_retry(&forced));
    /// ```
    #[must_use]
    pub fn should_retry(&self, failure: &Failure<'_>) -> bool {
        match failure {
            Failure::Status { status, headers } => match should_retry_header(headers) {
                Some(server_says) => server_says,
                None => is_retryable_status(*status),
            },
            Failure::Connect | Failure::Timeout => true,
            Failure::Other => false,
        }
    }

    /// Delay before retry number `retry` (0-based).
    ///
    /// The server's wait from `headers` (`retry-after-ms`, else `Retry-After` as seconds or
    /// an HTTP date; see [`retry_after`]) when present and at most
    /// [`max_retry_after`](Self::with_max_retry_after); otherwise
    /// `min(base * 2^retry, cap) * (1 - jitter * u)` with `u` in `[0, 1)`. The arithmetic
    /// saturates: a huge `retry` or base yields the cap, never an overflow.
    ///
    /// `u` outside `[0, 1)` is clamped and a NaN is treated as `0`, so a bad random source
    /// can never produce a negative or panicking delay.
    ///
    /// ```
    /// use std::time::Duration;
    /// use http::{HeaderMap, HeaderValue};
    /// use sdk_runtime::retry::RetryPolicy;
    ///
    /// let policy = RetryPolicy::new();
    /// assert_eq!(policy.delay(1, None, 0.0), Duration::from_secs(1));
    /// assert_eq!(policy.delay(30, None, 0.0), Duration::from_secs(8)); // capped
    ///
    /// let mut headers = HeaderMap::new();
    /// headers.insert("retry-after", HeaderValue::from_static("3"));
    /// assert_eq!(policy.delay(0, Some(&headers), 0.9), Duration::from_secs(3));
    /// ```
    #[must_use]
    pub fn delay(&self, retry: u32, headers: Option<&HeaderMap>, u: f64) -> Duration {
        if let Some(wait) = headers.and_then(|h| retry_after(h, SystemTime::now()))
            && wait <= self.max_retry_after
        {
            return wait;
        }
        self.computed_delay(retry, u)
    }

    // ===== internal =====

    /// `min(base * 2^retry, cap) * (1 - jitter * u)`, saturating instead of overflowing.
    pub(crate) fn computed_delay(&self, retry: u32, u: f64) -> Duration {
        let exponential = 2u32
            .checked_pow(retry)
            .and_then(|factor| self.base_delay.checked_mul(factor))
            .unwrap_or(Duration::MAX);
        let capped = exponential.min(self.max_delay);
        let u = if u.is_nan() { 0.0 } else { u.clamp(0.0, 1.0) };
        let scale = 1.0 - self.jitter * u;
        // `Duration::mul_f64` panics when the product does not fit (a cap near
        // `Duration::MAX` loses precision in f64 and can round up past it); the scale is
        // at most 1, so keeping the unjittered value is the correct saturation.
        Duration::try_from_secs_f64(capped.as_secs_f64() * scale).map_or(capped, |d| d.min(capped))
    }
}

/// One failed attempt, as seen by [`RetryPolicy::should_retry`].
///
/// `Debug` prints only the status, never the headers (they may carry credentials).
pub enum Failure<'a> {
    /// The server answered with a non-success status.
    Status {
        /// The response status.
        status: StatusCode,
        /// The response headers (`x-should-retry`, `Retry-After`).
        headers: &'a HeaderMap,
    },
    /// The connection could not be established, or broke before a response arrived.
    Connect,
    /// The attempt timed out.
    Timeout,
    /// Any other failure (building the request, an unreadable redirect, …): not retried.
    Other,
}

impl Failure<'_> {
    /// Classifies a transport error from `reqwest`.
    ///
    /// Timeouts become [`Failure::Timeout`]; connection failures and errors while sending
    /// the request or reading the response body (the connection broke mid-flight) become
    /// [`Failure::Connect`]; everything else (builder, redirect, decode) is
    /// [`Failure::Other`].
    #[must_use]
    pub fn from_reqwest(err: &reqwest::Error) -> Failure<'static> {
        if err.is_timeout() {
            Failure::Timeout
        } else if err.is_connect() || err.is_request() || err.is_body() {
            Failure::Connect
        } else {
            Failure::Other
        }
    }
}

impl std::fmt::Debug for Failure<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Status { status, .. } => f
                .debug_struct("Status")
                .field("status", status)
                .finish_non_exhaustive(),
            Failure::Connect => f.write_str("Connect"),
            Failure::Timeout => f.write_str("Timeout"),
            Failure::Other => f.write_str("Other"),
        }
    }
}

// ===== internal =====

/// `x-should-retry: true|false` (case-insensitive); anything else is no opinion.
fn should_retry_header(headers: &HeaderMap) -> Option<bool> {
    let value = headers.get(SHOULD_RETRY_HEADER)?.to_str().ok()?.trim();
    if value.eq_ignore_ascii_case("true") {
        Some(true)
    } else if value.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

fn is_retryable_status(status: StatusCode) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error()
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    /// The unjittered formula for the default policy, computed independently.
    fn default_formula(retry: u32) -> Duration {
        let secs = 0.5 * 2f64.powi(i32::try_from(retry.min(60)).unwrap_or(60));
        Duration::from_secs_f64(secs.min(8.0))
    }

    #[test]
    fn defaults_are_as_documented() {
        let p = RetryPolicy::default();
        assert_eq!(p, RetryPolicy::new());
        assert_eq!(p.max_retries(), 2);
        assert_eq!(p.base_delay, Duration::from_millis(500));
        assert_eq!(p.max_delay, Duration::from_secs(8));
        assert!((p.jitter - 0.25).abs() < f64::EPSILON);
        assert_eq!(p.max_retry_after, Duration::from_secs(60));
        assert_eq!(RetryPolicy::never().max_retries(), 0);
    }

    #[test]
    fn every_delay_is_within_its_jitter_bounds() {
        let p = RetryPolicy::new();
        let mut rng = fastrand::Rng::with_seed(7);
        let fixed = [0.0, 0.25, 0.5, 0.999_999];
        for retry in 0..40 {
            let formula = default_formula(retry);
            let lower = formula.mul_f64(0.75);
            for u in fixed.into_iter().chain((0..50).map(|_| rng.f64())) {
                let d = p.delay(retry, None, u);
                assert!(d <= formula && d >= lower, "{retry}, {u}: {d:?}");
            }
            assert_eq!(p.delay(retry, None, 0.0), formula, "u = 0: no jitter");
        }
    }

    #[test]
    fn delays_double_until_the_cap() {
        let p = RetryPolicy::new();
        let got: Vec<u128> = (0..7).map(|n| p.delay(n, None, 0.0).as_millis()).collect();
        assert_eq!(got, [500, 1000, 2000, 4000, 8000, 8000, 8000]);
        // A base above the cap is clamped to the cap.
        let p = RetryPolicy::new().with_base_delay(Duration::from_secs(30));
        assert_eq!(p.delay(0, None, 0.0), Duration::from_secs(8));
    }

    #[test]
    fn large_retry_numbers_and_durations_saturate() {
        let p = RetryPolicy::new();
        for retry in [31, 32, 33, 64, 1000, u32::MAX] {
            let d = p.delay(retry, None, 0.5);
            let (six, eight) = (Duration::from_secs(6), Duration::from_secs(8));
            assert!(d <= eight && d >= six, "{retry}: {d:?}");
        }
        let huge = RetryPolicy::new()
            .with_base_delay(Duration::MAX)
            .with_max_delay(Duration::MAX);
        assert_eq!(huge.delay(u32::MAX, None, 0.0), Duration::MAX);
        assert!(huge.delay(3, None, 0.999) <= Duration::MAX);
        let no_jitter_cap = RetryPolicy::new()
            .with_max_delay(Duration::MAX)
            .with_jitter(1.0);
        assert!(no_jitter_cap.delay(u32::MAX, None, 0.999_999) < Duration::from_secs(u64::MAX));
    }

    #[test]
    fn out_of_range_randomness_is_clamped() {
        let p = RetryPolicy::new();
        assert_eq!(p.delay(0, None, f64::NAN), Duration::from_millis(500));
        assert_eq!(p.delay(0, None, -3.0), Duration::from_millis(500));
        assert_eq!(p.delay(0, None, 7.0), Duration::from_millis(375));
        let no_jitter = p.with_jitter(f64::NAN);
        assert_eq!(no_jitter.delay(0, None, 0.9), Duration::from_millis(500));
    }

    /// `retry_after` of headers built from `pairs`.
    fn after(pairs: &[(&'static str, &'static str)]) -> Option<Duration> {
        retry_after(&headers(pairs), SystemTime::now())
    }

    #[test]
    fn retry_after_seconds() {
        let secs = |s: f64| Some(Duration::from_secs_f64(s));
        assert_eq!(after(&[("retry-after", "3")]), secs(3.0));
        assert_eq!(after(&[("retry-after", " 0 ")]), secs(0.0));
        assert_eq!(after(&[("retry-after", "1.5")]), secs(1.5));
        let p = RetryPolicy::new();
        let wait = |v| p.delay(5, Some(&headers(&[("retry-after", v)])), 0.5);
        assert_eq!(wait("3"), Duration::from_secs(3));
        assert_eq!(
            wait("60"),
            Duration::from_secs(60),
            "the limit itself is honoured"
        );
    }

    #[test]
    fn retry_after_http_date() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(30));
        let mut map = HeaderMap::new();
        map.insert("retry-after", HeaderValue::from_str(&later).unwrap());
        assert_eq!(retry_after(&map, now), Some(Duration::from_secs(30)));
        map.insert("retry-after", HeaderValue::from_str(&earlier).unwrap());
        assert_eq!(retry_after(&map, now), Some(Duration::ZERO), "past: now");
    }

    #[test]
    fn retry_after_ms_wins_over_retry_after() {
        let ms = |m| Some(Duration::from_micros(m));
        assert_eq!(
            after(&[("retry-after-ms", "1500"), ("retry-after", "9")]),
            ms(1_500_000)
        );
        assert_eq!(after(&[("retry-after-ms", "12.5")]), ms(12_500));
        // An unusable retry-after-ms falls through to Retry-After.
        assert_eq!(
            after(&[("retry-after-ms", "soon"), ("retry-after", "2")]),
            ms(2_000_000)
        );
    }

    #[test]
    fn retry_after_longer_than_the_limit_is_ignored() {
        let p = RetryPolicy::new();
        let map = headers(&[("retry-after", "61")]);
        assert_eq!(p.delay(0, Some(&map), 0.0), Duration::from_millis(500));
        let map = headers(&[("retry-after-ms", "3600000")]);
        assert_eq!(p.delay(1, Some(&map), 0.0), Duration::from_secs(1));
        let patient = p.with_max_retry_after(Duration::from_secs(120));
        assert_eq!(
            patient.delay(0, Some(&headers(&[("retry-after", "61")])), 0.0),
            Duration::from_secs(61)
        );
    }

    #[test]
    fn garbage_retry_after_is_ignored() {
        let now = SystemTime::now();
        let garbage = [
            "soon",
            "-5",
            "+5",
            "inf",
            "NaN",
            "1e3",
            "",
            "3 s",
            "Mon, 99 Foo 2024",
        ];
        for bad in garbage.into_iter().chain(["99999999999999999999999"]) {
            let map = headers(&[("retry-after", bad)]);
            assert_eq!(retry_after(&map, now), None, "{bad:?}");
            let d = RetryPolicy::new().delay(0, Some(&map), 0.0);
            assert_eq!(d, Duration::from_millis(500), "{bad:?}");
        }
        let mut binary = HeaderMap::new();
        binary.insert("retry-after", HeaderValue::from_bytes(b"\xff3").unwrap());
        assert_eq!(retry_after(&binary, now), None);
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn status_classification() {
        let p = RetryPolicy::new();
        let empty = HeaderMap::new();
        let retried = |code: u16| {
            let status = StatusCode::from_u16(code).unwrap();
            p.should_retry(&Failure::Status {
                status,
                headers: &empty,
            })
        };
        for code in [400, 401, 403, 404, 405, 408, 409, 410, 422] {
            assert!(!retried(code), "{code} must not be retried");
        }
        for code in [429, 500, 501, 502, 503, 504, 599] {
            assert!(retried(code), "{code} must be retried");
        }
        assert!(p.should_retry(&Failure::Connect));
        assert!(p.should_retry(&Failure::Timeout));
        assert!(!p.should_retry(&Failure::Other));
    }

    #[test]
    fn x_should_retry_overrides_the_status() {
        let p = RetryPolicy::new();
        let check = |code: u16, value: &'static str| {
            let map = headers(&[(SHOULD_RETRY_HEADER, value)]);
            let status = StatusCode::from_u16(code).unwrap();
            p.should_retry(&Failure::Status {
                status,
                headers: &map,
            })
        };
        assert!(check(409, "true"));
        assert!(check(400, "TRUE"));
        assert!(!check(503, "false"));
        assert!(!check(429, " False "));
        // Anything else is no opinion: the status decides.
        assert!(check(503, "maybe"));
        assert!(!check(404, "1"));
    }

    #[test]
    fn failure_debug_never_prints_headers() {
        let map = headers(&[("authorization", "Bearer sk_secret")]);
        let failure = Failure::Status {
            status: StatusCode::BAD_GATEWAY,
            headers: &map,
        };
        let shown = format!("{failure:?}");
        assert!(shown.contains("502") && !shown.contains("sk_"), "{shown}");
    }
}
