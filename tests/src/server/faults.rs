//! Switchable, seeded fault injection.
//!
//! A [`FaultConfig`] gives each fault a share of the requests it applies to:
//!
//! - **unavailable**: `503` with a typed `unavailable` error, before anything is stored;
//! - **rate limited**: `429` with `Retry-After: <retry_after_secs>` (default `0`), before anything
//!   is stored;
//! - **drop after commit**: the request is handled in full (the record is stored, an idempotent
//!   response is kept for replay) and then the connection is closed instead of answering: the
//!   client sees a transport error and cannot know the write happened. This is the case that
//!   makes client-side idempotency keys necessary;
//! - **slow**: the request waits `delay` before it is handled (independent of the three above).
//!
//! The first three are exclusive bands of one uniform draw per request (unavailable, then rate
//! limited, then drop), so their shares add up; a sum above 1 simply leaves no request unfaulted.
//! A second draw decides slowness. Draws come from `fastrand` seeded with [`FaultConfig::seed`], so
//! a client that sends its requests one after another meets the same faults on every run.
//! For tests that need an exact sequence, [`FaultConfig::script`] injects listed faults into the
//! first matching requests, one each, before any draw.
//! Requests only draw when they match [`FaultConfig::route`] filters (all routes when none are
//! given), so traffic to other routes does not shift the sequence.
//!
//! # Default
//!
//! No faults, seed `0`, `Retry-After: 0`, no delay, every route.

use std::fmt;
use std::io;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{MatchedPath, Request, State};
use axum::http::header::{CONTENT_LENGTH, RETRY_AFTER};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::models::ApiError;
use super::state::ServerState;

/// Which faults to inject, how often, and where.
#[derive(Clone, Debug, Default, PartialEq)]
#[must_use]
pub struct FaultConfig {
    seed: u64,
    unavailable: f64,
    rate_limited: f64,
    retry_after_secs: u64,
    drop_after_commit: f64,
    slow: f64,
    delay: Duration,
    routes: Vec<(Method, String)>,
    script: Vec<FaultKind>,
}

/// A fault injected into one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FaultKind {
    /// Answered `503` without handling.
    Unavailable,
    /// Answered `429` with `Retry-After` without handling.
    RateLimited,
    /// Handled and stored, then the connection was closed without an answer.
    DropAfterCommit,
    /// Delayed before handling (and otherwise answered normally).
    Slow,
}

/// How many faults of each kind were injected.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FaultCounts {
    /// Requests that matched a fault route and drew a fault decision.
    pub considered: u64,
    /// `503` answers.
    pub unavailable: u64,
    /// `429` answers.
    pub rate_limited: u64,
    /// Connections dropped after commit.
    pub dropped: u64,
    /// Delayed requests.
    pub slow: u64,
}

impl FaultConfig {
    /// No faults, drawing from `seed` once some are configured.
    pub fn seeded(seed: u64) -> Self {
        Self {
            seed,
            ..Self::default()
        }
    }

    /// The seed of the fault generator.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Answers a `share` (0.0 to 1.0) of requests with `503 Service Unavailable`.
    pub fn unavailable(mut self, share: f64) -> Self {
        self.unavailable = clamp_share(share);
        self
    }

    /// Answers a `share` of requests with `429 Too Many Requests`.
    pub fn rate_limited(mut self, share: f64) -> Self {
        self.rate_limited = clamp_share(share);
        self
    }

    /// The `Retry-After` seconds sent with `429` answers (default `0`).
    pub fn retry_after_secs(mut self, secs: u64) -> Self {
        self.retry_after_secs = secs;
        self
    }

    /// Handles a `share` of requests in full and then closes the connection without answering.
    pub fn drop_after_commit(mut self, share: f64) -> Self {
        self.drop_after_commit = clamp_share(share);
        self
    }

    /// Delays a `share` of requests by `delay` before handling them.
    pub fn slow(mut self, share: f64, delay: Duration) -> Self {
        self.slow = clamp_share(share);
        self.delay = delay;
        self
    }

    /// Injects `faults` into the first matching requests, one fault each, in order; the shares
    /// apply from the request after the last one. Scripted requests draw nothing, so the random
    /// sequence that follows is the same as without the script. [`FaultKind::Slow`] waits the
    /// delay of [`slow`](Self::slow) (zero if it was not called).
    pub fn script(mut self, faults: impl IntoIterator<Item = FaultKind>) -> Self {
        self.script.extend(faults);
        self
    }

    /// Restricts faults to `method` on the route template `path` (as written in the spec, e.g.
    /// `/orders` or `/users/{user_id}`). May be called several times; with no call every route
    /// is subject to faults.
    pub fn route(mut self, method: Method, path: impl Into<String>) -> Self {
        self.routes.push((method, path.into()));
        self
    }

    fn applies_to(&self, method: &Method, path: &str) -> bool {
        self.routes.is_empty() || self.routes.iter().any(|(m, p)| m == method && p == path)
    }

    fn is_quiet(&self) -> bool {
        self.script.is_empty()
            && self.unavailable + self.rate_limited + self.drop_after_commit + self.slow == 0.0
    }
}

impl fmt::Display for FaultKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Unavailable => "unavailable",
            Self::RateLimited => "rate limited",
            Self::DropAfterCommit => "dropped after commit",
            Self::Slow => "slow",
        })
    }
}

// ===== internal =====

/// The configuration with its random generator and counters.
pub(super) struct FaultInjector {
    config: FaultConfig,
    rng: fastrand::Rng,
    counts: FaultCounts,
    /// Scripted faults already injected.
    scripted: usize,
}

/// What to do with one request.
#[derive(Clone, Copy, Debug, Default)]
struct Plan {
    fault: Option<FaultKind>,
    delay: Option<Duration>,
}

impl FaultInjector {
    pub(super) fn new(config: FaultConfig) -> Self {
        let rng = fastrand::Rng::with_seed(config.seed);
        Self {
            config,
            rng,
            counts: FaultCounts::default(),
            scripted: 0,
        }
    }

    pub(super) fn counts(&self) -> FaultCounts {
        self.counts
    }

    fn plan(&mut self, method: &Method, path: &str) -> Plan {
        let config = &self.config;
        if config.is_quiet() || !config.applies_to(method, path) {
            return Plan::default();
        }
        self.counts.considered += 1;
        if let Some(&kind) = config.script.get(self.scripted) {
            self.scripted += 1;
            return self.scripted_plan(kind);
        }
        // Always draw twice so one fault's share never shifts another's sequence.
        let (band, slow) = (self.rng.f64(), self.rng.f64());
        let limited = config.unavailable + config.rate_limited;
        let dropped = limited + config.drop_after_commit;
        let fault = if band < config.unavailable {
            self.counts.unavailable += 1;
            Some(FaultKind::Unavailable)
        } else if band < limited {
            self.counts.rate_limited += 1;
            Some(FaultKind::RateLimited)
        } else if band < dropped {
            self.counts.dropped += 1;
            Some(FaultKind::DropAfterCommit)
        } else {
            None
        };
        let delay = (slow < config.slow).then_some(config.delay);
        if delay.is_some() {
            self.counts.slow += 1;
        }
        Plan { fault, delay }
    }

    fn scripted_plan(&mut self, kind: FaultKind) -> Plan {
        let counter = match kind {
            FaultKind::Unavailable => &mut self.counts.unavailable,
            FaultKind::RateLimited => &mut self.counts.rate_limited,
            FaultKind::DropAfterCommit => &mut self.counts.dropped,
            FaultKind::Slow => &mut self.counts.slow,
        };
        *counter += 1;
        match kind {
            FaultKind::Slow => Plan {
                fault: None,
                delay: Some(self.config.delay),
            },
            fault => Plan {
                fault: Some(fault),
                delay: None,
            },
        }
    }

    fn retry_after_secs(&self) -> u64 {
        self.config.retry_after_secs
    }
}

/// Route middleware: draws a plan for the request and carries it out. The injected fault is put
/// into the response extensions for the request log.
pub(super) async fn inject(
    State(state): State<ServerState>,
    request: Request,
    next: Next,
) -> Response {
    let path = match request.extensions().get::<MatchedPath>() {
        Some(matched) => matched.as_str().to_owned(),
        None => request.uri().path().to_owned(),
    };
    let (plan, retry_after) = {
        let mut faults = state.faults();
        (
            faults.plan(request.method(), &path),
            faults.retry_after_secs(),
        )
    };
    if let Some(delay) = plan.delay {
        tokio::time::sleep(delay).await;
    }
    let mut response = match plan.fault {
        Some(FaultKind::Unavailable) => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "injected fault: try again later",
        )
        .into_response(),
        Some(FaultKind::RateLimited) => rate_limited(retry_after),
        Some(FaultKind::DropAfterCommit) => drop_body(next.run(request).await),
        Some(FaultKind::Slow) | None => next.run(request).await,
    };
    let recorded = plan.fault.or(plan.delay.map(|_| FaultKind::Slow));
    if let Some(kind) = recorded {
        response.extensions_mut().insert(kind);
    }
    response
}

fn rate_limited(retry_after_secs: u64) -> Response {
    let mut response = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
        "injected fault: slow down",
    )
    .into_response();
    response
        .headers_mut()
        .insert(RETRY_AFTER, HeaderValue::from(retry_after_secs));
    response
}

/// Keeps the status and headers (and whatever the handler committed) but replaces the body with a
/// stream that fails at once. hyper then aborts the connection before the buffered head is
/// flushed, so the client receives no bytes of the answer at all.
fn drop_body(response: Response) -> Response {
    let (mut parts, _committed_body) = response.into_parts();
    parts.headers.remove(CONTENT_LENGTH);
    let failure = io::Error::new(
        io::ErrorKind::ConnectionAborted,
        "injected fault: connection dropped after commit",
    );
    let stream = futures::stream::iter([Err::<Bytes, io::Error>(failure)]);
    Response::from_parts(parts, Body::from_stream(stream))
}

fn clamp_share(share: f64) -> f64 {
    if share.is_nan() {
        0.0
    } else {
        share.clamp(0.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draw(config: FaultConfig, n: usize) -> Vec<Option<FaultKind>> {
        let mut injector = FaultInjector::new(config);
        (0..n)
            .map(|_| injector.plan(&Method::POST, "/orders").fault)
            .collect()
    }

    #[test]
    fn same_seed_same_faults() {
        let config = FaultConfig::seeded(42).unavailable(0.3).rate_limited(0.2);
        assert_eq!(draw(config.clone(), 200), draw(config, 200));
    }

    #[test]
    fn quiet_config_and_other_routes_draw_nothing() {
        let mut injector = FaultInjector::new(
            FaultConfig::seeded(1)
                .unavailable(1.0)
                .route(Method::GET, "/users"),
        );
        assert!(injector.plan(&Method::POST, "/orders").fault.is_none());
        assert_eq!(
            injector.plan(&Method::GET, "/users").fault,
            Some(FaultKind::Unavailable)
        );
        assert_eq!(injector.counts().considered, 1);
        assert!(draw(FaultConfig::seeded(1), 50).iter().all(Option::is_none));
    }

    #[test]
    fn script_comes_first_and_does_not_shift_the_draws() {
        use FaultKind::{DropAfterCommit, RateLimited, Unavailable};
        let random = FaultConfig::seeded(9).unavailable(0.5);
        let scripted = random
            .clone()
            .script([DropAfterCommit, RateLimited, Unavailable]);
        let got = draw(scripted, 23);
        assert_eq!(
            got[..3],
            [Some(DropAfterCommit), Some(RateLimited), Some(Unavailable)]
        );
        assert_eq!(got[3..], draw(random, 20)[..]);
        let only_script = draw(FaultConfig::default().script([Unavailable]), 3);
        assert_eq!(only_script, [Some(Unavailable), None, None]);
    }

    #[test]
    fn shares_are_clamped() {
        let config = FaultConfig::default()
            .unavailable(7.0)
            .rate_limited(f64::NAN);
        assert!(
            draw(config, 20)
                .iter()
                .all(|f| *f == Some(FaultKind::Unavailable))
        );
    }
}
