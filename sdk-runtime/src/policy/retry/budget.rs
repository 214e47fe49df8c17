//! The retry budget: a token bucket that stops retries when many calls are failing.
//!
//! Retries help when a failure is rare and brief. When a server is down, every
//! call retrying multiplies the load on it and the time callers wait, for no
//! gain. The budget caps retries across all calls of a client (and its
//! clones): each retry takes tokens, each call that succeeds gives some back,
//! and once the bucket is empty failed calls are not retried until successes
//! have refilled it. The costs are those of the AWS SDKs' standard retry mode.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

/// A client-wide allowance of retries, shared by every clone of the client.
///
/// # Default
///
/// [`RetryBudget::new`]: 500 tokens; a retry after a `429` or `5xx` costs 5,
/// after a timeout or a connection failure 10; a call that succeeds on its
/// first attempt returns 1, and a call that succeeds after retrying returns
/// what its last retry took. So a server that fails everything sees at most
/// 100 retries before the client stops retrying it, instead of one or two per
/// call forever.
///
/// ```
/// use sdk_runtime::retry::RetryBudget;
///
/// let budget = RetryBudget::new().with_capacity(50).with_status_cost(10);
/// assert_eq!(budget.available(), 50);
/// ```
#[derive(Clone)]
pub struct RetryBudget {
    capacity: u32,
    status_cost: u32,
    transport_cost: u32,
    success_reward: u32,
    tokens: Arc<AtomicU32>,
}

impl RetryBudget {
    /// Tokens in a full bucket.
    pub const DEFAULT_CAPACITY: u32 = 500;
    /// Cost of a retry after a `429` or `5xx`.
    pub const DEFAULT_STATUS_COST: u32 = 5;
    /// Cost of a retry after a timeout or a connection failure.
    pub const DEFAULT_TRANSPORT_COST: u32 = 10;
    /// Tokens a call that succeeds on its first attempt returns.
    pub const DEFAULT_SUCCESS_REWARD: u32 = 1;

    /// A full bucket with the default costs.
    #[must_use]
    pub fn new() -> Self {
        Self {
            capacity: Self::DEFAULT_CAPACITY,
            status_cost: Self::DEFAULT_STATUS_COST,
            transport_cost: Self::DEFAULT_TRANSPORT_COST,
            success_reward: Self::DEFAULT_SUCCESS_REWARD,
            tokens: Arc::new(AtomicU32::new(Self::DEFAULT_CAPACITY)),
        }
    }

    /// Sets the size of the bucket, and fills it. The bucket is a new one:
    /// budgets cloned before this call do not share it.
    #[must_use]
    pub fn with_capacity(mut self, tokens: u32) -> Self {
        self.capacity = tokens;
        self.tokens = Arc::new(AtomicU32::new(tokens));
        self
    }

    /// Sets the cost of a retry after a `429` or `5xx`.
    #[must_use]
    pub fn with_status_cost(mut self, tokens: u32) -> Self {
        self.status_cost = tokens;
        self
    }

    /// Sets the cost of a retry after a timeout or a connection failure.
    #[must_use]
    pub fn with_transport_cost(mut self, tokens: u32) -> Self {
        self.transport_cost = tokens;
        self
    }

    /// Sets what a call that succeeds on its first attempt returns.
    #[must_use]
    pub fn with_success_reward(mut self, tokens: u32) -> Self {
        self.success_reward = tokens;
        self
    }

    /// Tokens left now.
    #[must_use]
    pub fn available(&self) -> u32 {
        self.tokens.load(Ordering::Relaxed)
    }

    /// The size of the bucket.
    #[must_use]
    pub fn capacity(&self) -> u32 {
        self.capacity
    }
}

impl Default for RetryBudget {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for RetryBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryBudget")
            .field("available", &self.available())
            .field("capacity", &self.capacity)
            .field("status_cost", &self.status_cost)
            .field("transport_cost", &self.transport_cost)
            .field("success_reward", &self.success_reward)
            .finish()
    }
}

impl RetryBudget {
    /// The cost of a retry after a transport failure (`true`) or a status.
    pub(crate) fn cost(&self, transport: bool) -> u32 {
        if transport {
            self.transport_cost
        } else {
            self.status_cost
        }
    }

    /// Takes `cost` tokens if the bucket holds them.
    pub(crate) fn try_take(&self, cost: u32) -> bool {
        self.tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |tokens| {
                tokens.checked_sub(cost)
            })
            .is_ok()
    }

    /// Returns `tokens`, never beyond the capacity.
    pub(crate) fn give_back(&self, tokens: u32) {
        let capacity = self.capacity;
        // `fetch_update` with a closure that always returns `Some` cannot fail.
        let _ = self
            .tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |now| {
                Some(now.saturating_add(tokens).min(capacity))
            });
    }

    /// What a successful call returns: its last retry's cost, or the reward
    /// for succeeding at once.
    pub(crate) fn reward(&self, last_retry_cost: Option<u32>) -> u32 {
        last_retry_cost.unwrap_or(self.success_reward)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_bucket_refuses_and_successes_refill_it() {
        let budget = RetryBudget::new().with_capacity(12);
        assert!(budget.try_take(budget.cost(false)));
        assert!(budget.try_take(budget.cost(false)));
        assert!(!budget.try_take(budget.cost(false)), "2 tokens left");
        assert_eq!(budget.available(), 2);
        for _ in 0..3 {
            budget.give_back(budget.reward(None));
        }
        assert!(budget.try_take(5));
        budget.give_back(1_000);
        assert_eq!(budget.available(), 12, "never beyond the capacity");
    }

    #[test]
    fn clones_share_one_bucket() {
        let budget = RetryBudget::new();
        let clone = budget.clone();
        assert!(clone.try_take(10));
        assert_eq!(budget.available(), 490);
    }
}
