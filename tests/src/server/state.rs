//! Everything the example server remembers, and the handle tests use to look at it.
//!
//! [`ServerState`] is a cheap `Clone` (an `Arc` inside) shared by the handlers and the test. All
//! storage is in memory behind `std::sync::Mutex`es that are never held across an `.await`, so
//! a handler cannot deadlock another; a poisoned lock is recovered rather than propagated,
//! because a panicking test thread must not turn every later assertion into a second panic.
//!
//! Ids are sequential and zero-padded (`usr_000001`, `ord_000001`, `evt_000001`), so creation
//! order, string order and the position in storage agree; cursor pagination relies on that.

use std::fmt;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::http::{HeaderMap, HeaderName, Method, StatusCode};

use super::faults::{FaultConfig, FaultCounts, FaultInjector, FaultKind};
use super::idempotency::IdempotencyStore;
use super::models::{ApiError, NewOrder, NewUser, Order, OrderStatus, User};
use super::webhooks::{SignedWebhook, WebhookEvent, WebhookSigner};

/// Shared, inspectable state of one [`ExampleServer`](super::ExampleServer).
#[derive(Clone)]
pub struct ServerState {
    inner: Arc<Inner>,
}

/// One request as the server saw it, recorded before authentication or any fault.
#[derive(Clone)]
pub struct SeenRequest {
    /// The `X-Request-ID` the server gave its answer.
    pub request_id: String,
    /// HTTP method.
    pub method: Method,
    /// Path without the query string.
    pub path: String,
    /// Raw query string, if any.
    pub query: Option<String>,
    /// The request headers (they may hold the API key: [`fmt::Debug`] prints only their names).
    pub headers: HeaderMap,
    /// The `Idempotency-Key` header, if sent.
    pub idempotency_key: Option<String>,
    /// Status the server answered with; `None` while in flight or when the client hung up first.
    pub status: Option<StatusCode>,
    /// The fault injected into this request, if any.
    pub fault: Option<FaultKind>,
}

/// One page of a cursor-paginated list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page<T> {
    /// The items, at most `limit`.
    pub data: Vec<T>,
    /// Whether items follow the last one of `data`.
    pub has_more: bool,
}

impl ServerState {
    /// Number of stored users.
    pub fn user_count(&self) -> usize {
        self.store().users.len()
    }

    /// Number of stored orders.
    pub fn order_count(&self) -> usize {
        self.store().orders.len()
    }

    /// A copy of every stored user, in creation order.
    pub fn users(&self) -> Vec<User> {
        self.store().users.clone()
    }

    /// A copy of every stored order, in creation order.
    pub fn orders(&self) -> Vec<Order> {
        self.store().orders.clone()
    }

    /// The user with `id`, if stored.
    pub fn user(&self, id: &str) -> Option<User> {
        let store = self.store();
        index_of(id, "usr_", store.users.len()).map(|i| store.users[i].clone())
    }

    /// The order with `id`, if stored.
    pub fn order(&self, id: &str) -> Option<Order> {
        let store = self.store();
        index_of(id, "ord_", store.orders.len()).map(|i| store.orders[i].clone())
    }

    /// Marks order `id` paid and emits an `order.paid` event, which it returns; `None` if there
    /// is no such order. Paying a paid order emits nothing.
    pub fn pay_order(&self, id: &str) -> Option<WebhookEvent> {
        let mut store = self.store();
        let index = index_of(id, "ord_", store.orders.len())?;
        if store.orders[index].status == OrderStatus::Paid {
            return None;
        }
        store.orders[index].status = OrderStatus::Paid;
        let order = store.orders[index].clone();
        Some(store.emit("order.paid", &order))
    }

    /// Every event emitted so far (`user.created` on each user creation, `order.paid`), oldest first.
    pub fn events(&self) -> Vec<WebhookEvent> {
        self.store().events.clone()
    }

    /// Signs `event` with the server's webhook secret, timestamped now.
    pub fn sign_event(&self, event: &WebhookEvent) -> SignedWebhook {
        self.inner.signer.sign_now(event)
    }

    /// The `whsec_…` secret webhooks are signed with.
    pub fn webhook_secret(&self) -> &str {
        self.inner.signer.secret()
    }

    /// Every request seen so far (including rejected and faulted ones), oldest first.
    pub fn requests(&self) -> Vec<SeenRequest> {
        lock(&self.inner.seen).clone()
    }

    /// Forgets the recorded requests (counters of stored data are unaffected).
    pub fn clear_requests(&self) {
        lock(&self.inner.seen).clear();
    }

    /// Requests being handled right now.
    pub fn in_flight(&self) -> usize {
        self.inner.in_flight.load(Ordering::SeqCst)
    }

    /// Highest number of requests handled at the same time since start or the last reset.
    pub fn max_concurrent(&self) -> usize {
        self.inner.max_in_flight.load(Ordering::SeqCst)
    }

    /// Resets [`max_concurrent`](Self::max_concurrent) to the current in-flight count.
    pub fn reset_max_concurrent(&self) {
        self.inner
            .max_in_flight
            .store(self.in_flight(), Ordering::SeqCst);
    }

    /// Replaces the accepted API keys; requests in flight finish with the key they had.
    /// With an empty list every authenticated route answers `401`.
    pub fn set_api_keys<I, K>(&self, keys: I)
    where
        I: IntoIterator<Item = K>,
        K: Into<String>,
    {
        *lock(&self.inner.api_keys) = keys.into_iter().map(Into::into).collect();
    }

    /// Replaces the fault configuration and reseeds the fault generator with its seed.
    pub fn set_faults(&self, config: FaultConfig) {
        *lock(&self.inner.faults) = FaultInjector::new(config);
    }

    /// How many faults of each kind were injected since start or the last [`set_faults`](Self::set_faults).
    pub fn fault_counts(&self) -> FaultCounts {
        lock(&self.inner.faults).counts()
    }

    /// Number of idempotency keys whose response is stored for replay.
    pub fn stored_idempotency_keys(&self) -> usize {
        lock(&self.inner.idempotency).stored()
    }
}

impl fmt::Debug for ServerState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let store = self.store();
        f.debug_struct("ServerState")
            .field("users", &store.users.len())
            .field("orders", &store.orders.len())
            .field("events", &store.events.len())
            .field("in_flight", &self.in_flight())
            .field("max_concurrent", &self.max_concurrent())
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for SeenRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Header values may carry the API key; names are enough to debug a test.
        let header_names: Vec<&str> = self.headers.keys().map(HeaderName::as_str).collect();
        f.debug_struct("SeenRequest")
            .field("request_id", &self.request_id)
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &header_names)
            .field("idempotency_key", &self.idempotency_key)
            .field("status", &self.status)
            .field("fault", &self.fault)
            .finish()
    }
}

// ===== internal =====

struct Inner {
    /// Distinguishes the request ids of servers running in the same process.
    instance: u32,
    next_request: AtomicU64,
    store: Mutex<Store>,
    seen: Mutex<Vec<SeenRequest>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    api_keys: Mutex<Vec<String>>,
    faults: Mutex<FaultInjector>,
    idempotency: Mutex<IdempotencyStore>,
    signer: WebhookSigner,
}

#[derive(Default)]
struct Store {
    users: Vec<User>,
    orders: Vec<Order>,
    events: Vec<WebhookEvent>,
}

/// Decrements the in-flight counter when the request ends, however it ends (a client that hangs
/// up cancels the handler future, and the count must still go down).
pub(super) struct InFlight {
    state: ServerState,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.state.inner.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

impl ServerState {
    pub(super) fn new(api_keys: Vec<String>, faults: FaultConfig, signer: WebhookSigner) -> Self {
        let inner = Inner {
            instance: fastrand::u32(..),
            next_request: AtomicU64::new(1),
            store: Mutex::default(),
            seen: Mutex::default(),
            in_flight: AtomicUsize::new(0),
            max_in_flight: AtomicUsize::new(0),
            api_keys: Mutex::new(api_keys),
            faults: Mutex::new(FaultInjector::new(faults)),
            idempotency: Mutex::default(),
            signer,
        };
        Self {
            inner: Arc::new(inner),
        }
    }

    pub(super) fn api_key_accepted(&self, key: &str) -> bool {
        lock(&self.inner.api_keys)
            .iter()
            .any(|accepted| accepted == key)
    }

    pub(super) fn next_request_id(&self) -> String {
        let seq = self.inner.next_request.fetch_add(1, Ordering::Relaxed);
        format!("req_{:08x}{seq:06}", self.inner.instance)
    }

    pub(super) fn enter(&self) -> InFlight {
        let now = self.inner.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.inner.max_in_flight.fetch_max(now, Ordering::SeqCst);
        InFlight {
            state: self.clone(),
        }
    }

    /// Records a request and returns its position for [`finish_request`](Self::finish_request).
    pub(super) fn record_request(&self, seen: SeenRequest) -> usize {
        let mut requests = lock(&self.inner.seen);
        requests.push(seen);
        requests.len() - 1
    }

    pub(super) fn finish_request(
        &self,
        index: usize,
        request_id: &str,
        status: StatusCode,
        fault: Option<FaultKind>,
    ) {
        let mut requests = lock(&self.inner.seen);
        // `clear_requests` may have run meanwhile: only update the entry if it is still ours.
        if let Some(seen) = requests
            .get_mut(index)
            .filter(|seen| seen.request_id == request_id)
        {
            seen.status = Some(status);
            seen.fault = fault;
        }
    }

    pub(super) fn faults(&self) -> MutexGuard<'_, FaultInjector> {
        lock(&self.inner.faults)
    }

    pub(super) fn idempotency(&self) -> MutexGuard<'_, IdempotencyStore> {
        lock(&self.inner.idempotency)
    }

    pub(super) fn create_user(&self, new: NewUser) -> User {
        self.store().insert_user(new)
    }

    /// Creates all users or none: the caller validated them all first.
    pub(super) fn create_users(&self, batch: Vec<NewUser>) -> Vec<User> {
        let mut store = self.store();
        batch
            .into_iter()
            .map(|new| store.insert_user(new))
            .collect()
    }

    pub(super) fn create_order(&self, new: NewOrder) -> Result<Order, ApiError> {
        let mut store = self.store();
        if index_of(&new.user_id, "usr_", store.users.len()).is_none() {
            return Err(ApiError::invalid(format!(
                "user_id {:?} names no user",
                new.user_id
            )));
        }
        let order = Order {
            id: format!("ord_{:06}", store.orders.len() + 1),
            user_id: new.user_id,
            amount_cents: new.amount_cents,
            currency: new.currency,
            status: OrderStatus::Pending,
            created_at: now_rfc3339(),
        };
        store.orders.push(order.clone());
        Ok(order)
    }

    pub(super) fn list_users(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<User>, ApiError> {
        let store = self.store();
        page(&store.users, "usr_", after, limit)
    }

    pub(super) fn list_orders(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<Order>, ApiError> {
        let store = self.store();
        page(&store.orders, "ord_", after, limit)
    }

    fn store(&self) -> MutexGuard<'_, Store> {
        lock(&self.inner.store)
    }
}

impl Store {
    fn insert_user(&mut self, new: NewUser) -> User {
        let user = User {
            id: format!("usr_{:06}", self.users.len() + 1),
            email: new.email,
            name: new.name,
            created_at: now_rfc3339(),
        };
        self.users.push(user.clone());
        self.emit("user.created", &user);
        user
    }

    fn emit(&mut self, kind: &str, data: &impl serde::Serialize) -> WebhookEvent {
        let event = WebhookEvent {
            kind: kind.to_owned(),
            id: format!("evt_{:06}", self.events.len() + 1),
            created_at: now_rfc3339(),
            // Serializing our own plain structs cannot fail; `Null` keeps this panic-free anyway.
            data: serde_json::to_value(data).unwrap_or_default(),
        };
        self.events.push(event.clone());
        event
    }
}

/// The page after `after` (exclusive), or from the start.
fn page<T: Clone>(
    items: &[T],
    prefix: &str,
    after: Option<&str>,
    limit: usize,
) -> Result<Page<T>, ApiError> {
    let start = match after {
        None => 0,
        Some(cursor) => {
            let index = index_of(cursor, prefix, items.len()).ok_or_else(|| {
                ApiError::invalid(format!("starting_after {cursor:?} names no item"))
            })?;
            index + 1
        }
    };
    let end = start.saturating_add(limit).min(items.len());
    Ok(Page {
        data: items[start..end].to_vec(),
        has_more: end < items.len(),
    })
}

/// Position of `id` (`usr_000042` → 41) if it is well formed and within `len`.
fn index_of(id: &str, prefix: &str, len: usize) -> Option<usize> {
    let digits = id.strip_prefix(prefix)?;
    if digits.len() < 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let number: usize = digits.parse().ok()?;
    (1..=len).contains(&number).then(|| number - 1)
}

fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_of_accepts_only_stored_well_formed_ids() {
        assert_eq!(index_of("usr_000001", "usr_", 1), Some(0));
        assert_eq!(index_of("usr_000002", "usr_", 1), None);
        assert_eq!(index_of("usr_000000", "usr_", 1), None);
        assert_eq!(index_of("ord_000001", "usr_", 1), None);
        assert_eq!(index_of("usr_1", "usr_", 1), None);
        assert_eq!(index_of("usr_00000x", "usr_", 9), None);
    }

    #[test]
    fn page_walks_in_order_and_reports_more() {
        let items: Vec<u32> = (1..=5).collect();
        let first = page(&items, "usr_", None, 2).ok();
        assert_eq!(
            first,
            Some(Page {
                data: vec![1, 2],
                has_more: true
            })
        );
        let last = page(&items, "usr_", Some("usr_000004"), 2).ok();
        assert_eq!(
            last,
            Some(Page {
                data: vec![5],
                has_more: false
            })
        );
        assert!(page(&items, "usr_", Some("usr_000009"), 2).is_err());
    }
}
