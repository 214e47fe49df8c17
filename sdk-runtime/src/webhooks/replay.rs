//! De-duplication of webhook ids.

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use super::error::WebhookError;

/// Remembers recently seen webhook ids so a delivery is processed at most once.
///
/// Memory is bounded: at most `capacity` ids are kept, and when full the *oldest* id is forgotten
/// (first in, first out). Choose a capacity that covers the deliveries you expect within twice the
/// timestamp tolerance: older replays are already rejected by the timestamp check, so the two together
/// close the window. The state is in-process; several server instances need a shared store instead.
///
/// All methods take `&self` (a `Mutex` inside), so one guard can be shared by every request task, for
/// example in an `Arc` or a `static`.
///
/// # Default
///
/// [`ReplayGuard::default`] keeps [`DEFAULT_CAPACITY`](Self::DEFAULT_CAPACITY) ids.
///
/// # Example
///
/// ```
/// use sdk_runtime::webhooks::{ReplayGuard, WebhookErrorKind};
///
/// let guard = ReplayGuard::new(1_000);
/// assert!(guard.check_and_remember("msg_1").is_ok());
/// let again = guard.check_and_remember("msg_1").unwrap_err();
/// assert_eq!(again.kind(), WebhookErrorKind::Replayed);
///
/// // Processing failed: let the sender's retry through.
/// guard.forget("msg_1");
/// assert!(guard.check_and_remember("msg_1").is_ok());
/// ```
pub struct ReplayGuard {
    state: Mutex<State>,
}

impl ReplayGuard {
    /// The capacity of [`ReplayGuard::default`]: 10 000 ids.
    pub const DEFAULT_CAPACITY: usize = 10_000;

    /// Creates a guard that remembers up to `capacity` ids (a capacity of 0 is treated as 1).
    #[must_use]
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        // Pre-allocate modestly: a large capacity should not cost memory before it is used.
        let initial = capacity.min(1024);
        ReplayGuard {
            state: Mutex::new(State {
                capacity,
                order: VecDeque::with_capacity(initial),
                seen: HashSet::with_capacity(initial),
            }),
        }
    }

    /// Records `id`, or fails if it is already remembered.
    ///
    /// Call this only after the webhook's signature is verified, so forged ids cannot evict real ones.
    ///
    /// # Errors
    ///
    /// [`Replayed`](super::WebhookErrorKind::Replayed) if `id` was seen and not yet evicted or forgotten.
    pub fn check_and_remember(&self, id: &str) -> Result<(), WebhookError> {
        let mut state = self.lock();
        if state.seen.contains(id) {
            return Err(WebhookError::replayed(id));
        }
        if state.order.len() >= state.capacity
            && let Some(oldest) = state.order.pop_front()
        {
            state.seen.remove(&oldest);
        }
        let id: Arc<str> = Arc::from(id);
        state.order.push_back(Arc::clone(&id));
        state.seen.insert(id);
        Ok(())
    }

    /// Forgets `id`, so a later delivery with it is accepted again; returns whether it was remembered.
    /// Use it when processing a delivery failed and the sender will retry it.
    pub fn forget(&self, id: &str) -> bool {
        let mut state = self.lock();
        if !state.seen.remove(id) {
            return false;
        }
        // Linear, but only on the failure path; the queue keeps insertion order for eviction.
        if let Some(at) = state.order.iter().position(|kept| &**kept == id) {
            state.order.remove(at);
        }
        true
    }

    /// Whether `id` is currently remembered.
    #[must_use]
    pub fn contains(&self, id: &str) -> bool {
        self.lock().seen.contains(id)
    }

    /// How many ids are currently remembered.
    #[must_use]
    pub fn len(&self) -> usize {
        self.lock().order.len()
    }

    /// Whether no id is remembered.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The maximum number of ids remembered.
    #[must_use]
    pub fn capacity(&self) -> usize {
        self.lock().capacity
    }
}

impl Default for ReplayGuard {
    fn default() -> Self {
        Self::new(Self::DEFAULT_CAPACITY)
    }
}

impl fmt::Debug for ReplayGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Ids are not secret, but thousands of them help nobody in a log line.
        let state = self.lock();
        f.debug_struct("ReplayGuard")
            .field("len", &state.order.len())
            .field("capacity", &state.capacity)
            .finish()
    }
}

// ===== internal =====

/// `order` and `seen` always hold the same ids: `order` for FIFO eviction, `seen` for O(1) lookup.
struct State {
    capacity: usize,
    order: VecDeque<Arc<str>>,
    seen: HashSet<Arc<str>>,
}

impl ReplayGuard {
    fn lock(&self) -> MutexGuard<'_, State> {
        // Every update leaves `State` consistent before anything can panic, so a poisoned lock is still
        // safe to use; refusing all webhooks after one panicking task would be worse.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_capacity_still_catches_immediate_replay() {
        let guard = ReplayGuard::new(0);
        assert_eq!(guard.capacity(), 1);
        guard.check_and_remember("a").unwrap();
        assert!(guard.check_and_remember("a").is_err());
    }

    #[test]
    fn forget_keeps_order_and_set_in_sync() {
        let guard = ReplayGuard::new(2);
        guard.check_and_remember("a").unwrap();
        guard.check_and_remember("b").unwrap();
        assert!(guard.forget("a"));
        assert!(!guard.forget("a"));
        assert_eq!(guard.len(), 1);
        guard.check_and_remember("c").unwrap();
        // "b" is now the oldest and goes first.
        guard.check_and_remember("d").unwrap();
        assert!(!guard.contains("b"));
        assert!(guard.contains("c") && guard.contains("d"));
    }
}
