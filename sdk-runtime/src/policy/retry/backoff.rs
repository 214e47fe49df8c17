//! Exponential backoff with jitter, as an iterator of delays.
//!
//! [`Backoff`] yields the wait before each retry a [`RetryPolicy`] allows: at most
//! [`max_retries`](RetryPolicy::max_retries) delays, then `None`, which is the signal to
//! give up. The randomness is injected as a [`fastrand::Rng`], so a test can seed it and
//! get the exact same schedule every run; production code uses
//! [`RetryPolicy::backoff`], which seeds a fresh one.
//!
//! The delays follow `min(base * 2^n, cap) * (1 - jitter * u)` (see
//! [`RetryPolicy::delay`]). [`Backoff::next_delay`] additionally lets a server's
//! `Retry-After` replace the computed delay while still consuming one retry of the budget.
//!
//! # Example
//!
//! ```
//! use std::time::Duration;
//! use sdk_runtime::backoff::Backoff;
//! use sdk_runtime::retry::RetryPolicy;
//!
//! let policy = RetryPolicy::new().with_max_retries(3);
//! let a: Vec<Duration> = Backoff::new(&policy, fastrand::Rng::with_seed(42)).collect();
//! let b: Vec<Duration> = Backoff::new(&policy, fastrand::Rng::with_seed(42)).collect();
//! assert_eq!(a, b); // same seed, same schedule
//! assert_eq!(a.len(), 3);
//! ```

use std::iter::FusedIterator;
use std::time::Duration;

use http::HeaderMap;

use super::RetryPolicy;

impl RetryPolicy {
    /// An iterator of the computed delays (no `Retry-After`) with a freshly seeded RNG.
    ///
    /// Use [`Backoff::new`] with a seeded [`fastrand::Rng`] for a reproducible schedule.
    #[must_use]
    pub fn backoff(&self) -> Backoff {
        Backoff::new(self, fastrand::Rng::new())
    }
}

/// The delays before successive retries of one call.
///
/// `Debug` shows the policy and the retries used, not the RNG state.
#[derive(Clone)]
pub struct Backoff {
    policy: RetryPolicy,
    rng: fastrand::Rng,
    retry: u32,
}

impl Backoff {
    /// A schedule for `policy`, drawing jitter from `rng`.
    #[must_use]
    pub fn new(policy: &RetryPolicy, rng: fastrand::Rng) -> Self {
        Self {
            policy: policy.clone(),
            rng,
            retry: 0,
        }
    }

    /// The next delay, honouring a server's `Retry-After` / `retry-after-ms` in `headers`
    /// when the policy allows it; `None` once the retry budget is spent.
    ///
    /// Each call consumes one retry, whether the delay came from the headers or from the
    /// formula, so a server cannot extend the number of attempts.
    ///
    /// ```
    /// use std::time::Duration;
    /// use http::{HeaderMap, HeaderValue};
    /// use sdk_runtime::backoff::Backoff;
    /// use sdk_runtime::retry::RetryPolicy;
    ///
    /// let mut backoff = Backoff::new(&RetryPolicy::new(), fastrand::Rng::with_seed(1));
    /// let mut headers = HeaderMap::new();
    /// headers.insert("retry-after", HeaderValue::from_static("2"));
    /// assert_eq!(backoff.next_delay(Some(&headers)), Some(Duration::from_secs(2)));
    /// assert!(backoff.next_delay(None).is_some());
    /// assert_eq!(backoff.next_delay(None), None); // 2 retries by default
    /// ```
    pub fn next_delay(&mut self, headers: Option<&HeaderMap>) -> Option<Duration> {
        if self.retry >= self.policy.max_retries() {
            return None;
        }
        // Draw even when Retry-After wins, so the jitter of later retries does not depend
        // on which responses carried the header.
        let u = self.rng.f64();
        let delay = self.policy.delay(self.retry, headers, u);
        self.retry += 1;
        Some(delay)
    }

    /// How many retries this schedule has handed out so far.
    #[must_use]
    pub fn retries_used(&self) -> u32 {
        self.retry
    }
}

impl Iterator for Backoff {
    type Item = Duration;

    fn next(&mut self) -> Option<Duration> {
        self.next_delay(None)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = usize::try_from(self.policy.max_retries().saturating_sub(self.retry))
            .unwrap_or(usize::MAX);
        (left, Some(left))
    }
}

impl ExactSizeIterator for Backoff {}

impl FusedIterator for Backoff {}

impl std::fmt::Debug for Backoff {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Backoff")
            .field("policy", &self.policy)
            .field("retries_used", &self.retry)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[test]
    fn yields_exactly_max_retries_then_stops() {
        for n in [0, 1, 2, 5] {
            let mut b = Backoff::new(
                &RetryPolicy::new().with_max_retries(n),
                fastrand::Rng::with_seed(3),
            );
            assert_eq!(b.len(), n as usize);
            assert_eq!(b.by_ref().count(), n as usize);
            assert_eq!(b.next(), None);
            assert_eq!(b.next(), None, "fused");
            assert_eq!(b.retries_used(), n);
        }
    }

    #[test]
    fn same_seed_same_schedule() {
        let p = RetryPolicy::new().with_max_retries(8);
        let a: Vec<_> = Backoff::new(&p, fastrand::Rng::with_seed(99)).collect();
        let b: Vec<_> = Backoff::new(&p, fastrand::Rng::with_seed(99)).collect();
        let c: Vec<_> = Backoff::new(&p, fastrand::Rng::with_seed(100)).collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn delays_follow_the_policy_with_the_drawn_jitter() {
        let p = RetryPolicy::new().with_max_retries(6);
        let mut rng = fastrand::Rng::with_seed(5);
        let expected: Vec<_> = (0..6).map(|n| p.delay(n, None, rng.f64())).collect();
        let got: Vec<_> = Backoff::new(&p, fastrand::Rng::with_seed(5)).collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn retry_after_replaces_a_delay_but_consumes_the_budget() {
        let p = RetryPolicy::new();
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_static("7"));
        let mut with = Backoff::new(&p, fastrand::Rng::with_seed(1));
        let mut without = Backoff::new(&p, fastrand::Rng::with_seed(1));
        assert_eq!(
            with.next_delay(Some(&headers)),
            Some(Duration::from_secs(7))
        );
        without.next();
        // The RNG advanced in both, so the following delays match.
        assert_eq!(with.next(), without.next());
        assert_eq!(with.next_delay(Some(&headers)), None);
    }

    #[test]
    fn debug_shows_progress() {
        let mut b = RetryPolicy::new().backoff();
        b.next();
        let shown = format!("{b:?}");
        assert!(shown.contains("retries_used: 1"), "{shown}");
    }
}
