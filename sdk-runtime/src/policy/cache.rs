//! An opt-in HTTP response cache with conditional revalidation.
//!
//! Turn it on per client with [`ClientBuilder::cache`](crate::ClientBuilder::cache):
//!
//! ```no_run
//! use sdk_runtime::{Client, ResponseCache};
//! # static API: sdk_runtime::__private::ApiDescription = sdk_runtime::__private::ApiDescription {
//! #   title: "Pets", version: "1", env_prefix: "PETS", default_base_url: Some("https://pets.example"),
//! #   security_schemes: &[], default_security: &[], idempotency_header: None, request_id_header: None, sensitive_query_params: &[],
//! #   webhook_signature: sdk_runtime::contract::WebhookSignature::Standard };
//! # fn main() -> sdk_runtime::Result<()> {
//! let cache = ResponseCache::new(1_000);
//! let client = Client::builder(&API).cache(cache.clone()).build()?;
//! // … later: how well is it doing?
//! println!("{:?}", cache.stats());
//! # Ok(()) }
//! ```
//!
//! # What it does
//!
//! It works inside the execute path, per attempt, after credentials are
//! applied, as a private cache in the sense of RFC 9111:
//!
//! * **Stored**: `200` responses to `GET`, unless the response says
//!   `Cache-Control: no-store` or `Vary: *`, or the request said `no-store`.
//!   Errors are never stored. A response must carry a validator (`ETag`,
//!   `Last-Modified`) or a freshness lifetime (`max-age`, `Expires`) to be
//!   worth storing.
//! * **Fresh** entries (within `max-age`, minus `Age`; or before `Expires`)
//!   are answered without a request (**hit**). There is no heuristic
//!   freshness: without an explicit lifetime every use revalidates.
//!   `Cache-Control: no-cache` (response or request) forces revalidation.
//! * **Stale** entries with validators are revalidated: the request carries
//!   `If-None-Match` / `If-Modified-Since`; a `304 Not Modified` (no body on
//!   the wire) is answered with the stored body and updated headers
//!   (**revalidated**); a `200` replaces the entry (**miss**).
//! * **Unsafe methods** (`POST`, `PUT`, `PATCH`, `DELETE`, …) that succeed
//!   drop every entry for their path.
//! * Requests that already carry `If-None-Match`, `If-Modified-Since` or
//!   `Range` pass through untouched: the caller is managing them.
//!
//! # Keys and credentials
//!
//! The key is a SHA-256 digest of the method, the full URL and **every**
//! request header, taken after credentials are applied. Two requests share an
//! entry only when they are identical, so requests made with different
//! credentials (another client sharing the cache, or this client after
//! [`Client::set_credentials`](crate::Client::set_credentials)) never see
//! each other's responses. Secrets are not kept: only digests are.
//!
//! # Bounds
//!
//! At most `max_entries` entries and `max_bytes` of bodies; the least
//! recently used entries are evicted first. A body larger than a quarter of
//! `max_bytes` is not stored.
//!
//! # Observability
//!
//! Every decision is a `DEBUG` event on target `sdk_runtime` with the field
//! `cache` = `"hit"`, `"miss"` or `"revalidated"` (plus `operation`, the
//! redacted `url` and `stored`), and [`ResponseCache::stats`] counts them.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use http::header::{
    AGE, CACHE_CONTROL, CONTENT_LENGTH, DATE, ETAG, EXPIRES, IF_MODIFIED_SINCE, IF_NONE_MATCH,
    LAST_MODIFIED, RANGE, VARY,
};
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use sha2::{Digest, Sha256};
use tokio::time::Instant;

use crate::pipeline::stage::Received;
use crate::types::Bytes;

pub(crate) mod stage;

/// Default total size of cached bodies (32 MiB).
pub const DEFAULT_MAX_BYTES: usize = 32 * 1024 * 1024;

/// A size-bounded store of responses, shared by the clones of one handle.
///
/// Cloning is cheap and the clones share entries, so a clone kept beside
/// the client can report [`stats`](Self::stats) or [`clear`](Self::clear) it.
#[derive(Clone)]
pub struct ResponseCache {
    shared: Arc<Shared>,
}

/// Counters of a [`ResponseCache`] since it was created.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CacheStats {
    /// Answered from the cache without a request.
    pub hits: u64,
    /// Sent to the server with no usable entry (or the entry changed).
    pub misses: u64,
    /// Revalidated: the server answered `304 Not Modified`.
    pub revalidated: u64,
    /// Entries evicted to stay within the bounds.
    pub evictions: u64,
}

impl ResponseCache {
    /// A cache of at most `max_entries` responses and
    /// [`DEFAULT_MAX_BYTES`] of bodies.
    pub fn new(max_entries: usize) -> Self {
        Self::with_limits(max_entries, DEFAULT_MAX_BYTES)
    }

    /// A cache of at most `max_entries` responses and `max_bytes` of bodies.
    pub fn with_limits(max_entries: usize, max_bytes: usize) -> Self {
        Self {
            shared: Arc::new(Shared {
                max_entries,
                max_bytes,
                store: Mutex::new(Store::default()),
                hits: AtomicU64::new(0),
                misses: AtomicU64::new(0),
                revalidated: AtomicU64::new(0),
                evictions: AtomicU64::new(0),
            }),
        }
    }

    /// The number of stored responses.
    pub fn len(&self) -> usize {
        self.store().entries.len()
    }

    /// Whether nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The total size of the stored bodies, in bytes.
    pub fn size_bytes(&self) -> usize {
        self.store().bytes
    }

    /// Drops every entry (the counters stay).
    pub fn clear(&self) {
        *self.store() = Store::default();
    }

    /// Hits, misses, revalidations and evictions so far.
    pub fn stats(&self) -> CacheStats {
        let s = &self.shared;
        CacheStats {
            hits: s.hits.load(Ordering::Relaxed),
            misses: s.misses.load(Ordering::Relaxed),
            revalidated: s.revalidated.load(Ordering::Relaxed),
            evictions: s.evictions.load(Ordering::Relaxed),
        }
    }
}

// Keys are digests and bodies may be private: only sizes are shown.
impl fmt::Debug for ResponseCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseCache")
            .field("entries", &self.len())
            .field("max_entries", &self.shared.max_entries)
            .field("bytes", &self.size_bytes())
            .field("max_bytes", &self.shared.max_bytes)
            .finish()
    }
}

/// The cache's answer before an attempt is sent.
pub(crate) enum Lookup {
    /// A fresh stored response: send nothing.
    Hit(Received),
    /// Send the request, then hand the response to [`Pending::finish`].
    Pending(Pending),
}

/// What the cache needs to remember while an attempt is on the wire.
pub(crate) struct Pending(Option<Box<Tracked>>);

struct Tracked {
    cache: ResponseCache,
    operation: &'static str,
    url: String,
    /// `Some` for a cacheable `GET`.
    key: Option<Key>,
    location: Key,
    unsafe_method: bool,
    /// The entry being revalidated.
    stale: Option<Entry>,
    /// Request headers, to record what `Vary` names.
    request_headers: HeaderMap,
    request_no_store: bool,
}

/// Consults `cache` before an attempt; may add conditional headers to
/// `headers`.
pub(crate) fn lookup(
    cache: &ResponseCache,
    operation: &'static str,
    method: &Method,
    url: &reqwest::Url,
    headers: &mut HeaderMap,
    shown_url: &str,
) -> Lookup {
    let mut pending = Tracked {
        cache: cache.clone(),
        operation,
        url: shown_url.to_owned(),
        key: None,
        location: location(url),
        unsafe_method: !matches!(
            *method,
            Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
        ),
        stale: None,
        request_headers: HeaderMap::new(),
        request_no_store: false,
    };
    let managed = [IF_NONE_MATCH, IF_MODIFIED_SINCE, RANGE];
    if *method != Method::GET || managed.iter().any(|h| headers.contains_key(h)) {
        return Lookup::Pending(Pending(Some(Box::new(pending))));
    }
    let directives = Directives::parse(headers);
    pending.request_no_store = directives.no_store;
    pending.request_headers = headers.clone();
    let key = key(method, url, headers);
    pending.key = Some(key);
    if directives.no_store {
        return Lookup::Pending(Pending(Some(Box::new(pending))));
    }
    let Some(entry) = cache.get(&key, headers) else {
        return Lookup::Pending(Pending(Some(Box::new(pending))));
    };
    if !directives.no_cache && entry.fresh_until.is_some_and(|t| Instant::now() < t) {
        cache.shared.hits.fetch_add(1, Ordering::Relaxed);
        trace(operation, shown_url, "hit", false);
        // The request-ID stage reads the ID from the stored headers.
        return Lookup::Hit(Received {
            status: entry.status,
            headers: entry.headers,
            body: entry.body,
            request_id: None,
            unread: None,
        });
    }
    if let Some(etag) = &entry.etag {
        headers.insert(IF_NONE_MATCH, etag.clone());
    }
    if let Some(date) = &entry.last_modified {
        headers.insert(IF_MODIFIED_SINCE, date.clone());
    }
    if entry.etag.is_some() || entry.last_modified.is_some() {
        pending.stale = Some(entry);
    }
    Lookup::Pending(Pending(Some(Box::new(pending))))
}

impl Pending {
    /// Updates the cache with an attempt's response and returns what the
    /// caller sees: the stored response for a `304` to a revalidation.
    pub(crate) fn finish(self, received: Received) -> Received {
        match self.0 {
            Some(tracked) => tracked.finish(received),
            None => received,
        }
    }
}

impl Tracked {
    fn finish(self, received: Received) -> Received {
        let cache = &self.cache;
        if self.unsafe_method {
            if received.status.is_success() || received.status.is_redirection() {
                cache.store().remove_location(&self.location);
            }
            return received;
        }
        let Some(key) = self.key else {
            return received;
        };
        let shared = &cache.shared;
        if let (Some(stale), StatusCode::NOT_MODIFIED) = (self.stale.as_ref(), received.status) {
            shared.revalidated.fetch_add(1, Ordering::Relaxed);
            let headers = merge(&stale.headers, &received.headers);
            let fresh_until = freshness(&headers);
            cache.store().refresh(&key, headers.clone(), fresh_until);
            trace(self.operation, &self.url, "revalidated", true);
            return Received {
                status: stale.status,
                headers,
                body: stale.body.clone(),
                request_id: received.request_id,
                unread: None,
            };
        }
        shared.misses.fetch_add(1, Ordering::Relaxed);
        // A streamed body is not here to store.
        let stored = received.status == StatusCode::OK
            && received.unread.is_none()
            && !self.request_no_store
            && {
                match Entry::from_response(&received, &self.request_headers, self.location) {
                    Some(entry) => cache.insert(key, entry),
                    None => {
                        cache.store().remove(&key);
                        false
                    }
                }
            };
        trace(self.operation, &self.url, "miss", stored);
        received
    }
}

// ===== internal =====

type Key = [u8; 32];

struct Shared {
    max_entries: usize,
    max_bytes: usize,
    store: Mutex<Store>,
    hits: AtomicU64,
    misses: AtomicU64,
    revalidated: AtomicU64,
    evictions: AtomicU64,
}

/// Entries plus their recency order (`tick` → key) for LRU eviction.
#[derive(Default)]
struct Store {
    entries: HashMap<Key, Entry>,
    order: BTreeMap<u64, Key>,
    tick: u64,
    bytes: usize,
}

#[derive(Clone)]
struct Entry {
    /// Digest of the origin and path, for invalidation by unsafe methods.
    location: Key,
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    etag: Option<HeaderValue>,
    last_modified: Option<HeaderValue>,
    fresh_until: Option<Instant>,
    /// The request's values of the headers the response's `Vary` names.
    vary: Vec<(HeaderName, Option<HeaderValue>)>,
    tick: u64,
}

impl ResponseCache {
    fn store(&self) -> MutexGuard<'_, Store> {
        // A panic while holding the lock cannot leave a half-updated entry
        // that matters: at worst a stale counter, so poisoning is ignored.
        self.shared
            .store
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The entry for `key` if the request matches what it varies on; marks
    /// it recently used.
    fn get(&self, key: &Key, headers: &HeaderMap) -> Option<Entry> {
        let mut store = self.store();
        let entry = store.entries.get(key)?;
        if entry
            .vary
            .iter()
            .any(|(name, value)| headers.get(name) != value.as_ref())
        {
            return None;
        }
        let entry = entry.clone();
        store.touch(key);
        Some(entry)
    }

    /// Stores `entry`, evicting the least recently used ones as needed.
    fn insert(&self, key: Key, mut entry: Entry) -> bool {
        let (max_entries, max_bytes) = (self.shared.max_entries, self.shared.max_bytes);
        if max_entries == 0 || entry.body.len() > max_bytes / 4 {
            return false;
        }
        let mut store = self.store();
        store.remove(&key);
        let mut evicted = 0;
        while store.entries.len() >= max_entries || store.bytes + entry.body.len() > max_bytes {
            let Some((_, oldest)) = store.order.pop_first() else {
                break;
            };
            store.remove(&oldest);
            evicted += 1;
        }
        self.shared.evictions.fetch_add(evicted, Ordering::Relaxed);
        store.tick += 1;
        entry.tick = store.tick;
        store.order.insert(entry.tick, key);
        store.bytes += entry.body.len();
        store.entries.insert(key, entry);
        true
    }
}

impl Store {
    fn touch(&mut self, key: &Key) {
        self.tick += 1;
        let tick = self.tick;
        if let Some(entry) = self.entries.get_mut(key) {
            self.order.remove(&entry.tick);
            entry.tick = tick;
            self.order.insert(tick, *key);
        }
    }

    fn remove(&mut self, key: &Key) {
        if let Some(entry) = self.entries.remove(key) {
            self.order.remove(&entry.tick);
            self.bytes -= entry.body.len();
        }
    }

    fn remove_location(&mut self, location: &Key) {
        let keys: Vec<Key> = self
            .entries
            .iter()
            .filter(|(_, e)| e.location == *location)
            .map(|(k, _)| *k)
            .collect();
        for key in keys {
            self.remove(&key);
        }
    }

    fn refresh(&mut self, key: &Key, headers: HeaderMap, fresh_until: Option<Instant>) {
        if let Some(entry) = self.entries.get_mut(key) {
            entry.etag = headers.get(ETAG).cloned();
            entry.last_modified = headers.get(LAST_MODIFIED).cloned();
            entry.headers = headers;
            entry.fresh_until = fresh_until;
        }
    }
}

impl Entry {
    /// An entry for a `200`, or `None` when the response may not or need
    /// not be stored.
    fn from_response(received: &Received, request: &HeaderMap, location: Key) -> Option<Entry> {
        let directives = Directives::parse(&received.headers);
        if directives.no_store {
            return None;
        }
        let mut vary = Vec::new();
        for value in received.headers.get_all(VARY) {
            for name in value.to_str().ok()?.split(',') {
                let name = name.trim();
                if name == "*" {
                    return None;
                }
                let name = HeaderName::from_bytes(name.as_bytes()).ok()?;
                vary.push((name.clone(), request.get(&name).cloned()));
            }
        }
        let etag = received.headers.get(ETAG).cloned();
        let last_modified = received.headers.get(LAST_MODIFIED).cloned();
        let fresh_until = freshness(&received.headers);
        if etag.is_none() && last_modified.is_none() && fresh_until.is_none() {
            return None;
        }
        Some(Entry {
            location,
            status: received.status,
            headers: received.headers.clone(),
            // A copy: the body may be a slice of the connection's read buffer, which a
            // long-lived entry would otherwise keep alive whole.
            body: Bytes::copy_from_slice(&received.body),
            etag,
            last_modified,
            fresh_until,
            vary,
            tick: 0,
        })
    }
}

/// The `Cache-Control` directives the cache acts on.
#[derive(Default)]
struct Directives {
    no_store: bool,
    no_cache: bool,
    max_age: Option<u64>,
}

impl Directives {
    fn parse(headers: &HeaderMap) -> Self {
        let mut d = Directives::default();
        let values = headers
            .get_all(CACHE_CONTROL)
            .iter()
            .filter_map(|v| v.to_str().ok());
        for directive in values.flat_map(|v| v.split(',')) {
            let (name, value) = match directive.split_once('=') {
                Some((n, v)) => (n.trim(), Some(v.trim().trim_matches('"'))),
                None => (directive.trim(), None),
            };
            if name.eq_ignore_ascii_case("no-store") {
                d.no_store = true;
            } else if name.eq_ignore_ascii_case("no-cache") {
                d.no_cache = true;
            } else if name.eq_ignore_ascii_case("max-age") {
                d.max_age = value.and_then(|v| v.parse().ok());
            }
        }
        d
    }
}

/// Until when a response is fresh: `max-age` minus `Age`, else `Expires`
/// minus `Date`; `None` when it must always be revalidated.
fn freshness(headers: &HeaderMap) -> Option<Instant> {
    let directives = Directives::parse(headers);
    if directives.no_cache {
        return None;
    }
    let lifetime = match directives.max_age {
        Some(max_age) => Duration::from_secs(max_age),
        None => {
            let date = |name| {
                let value = headers.get(name)?.to_str().ok()?;
                httpdate::parse_http_date(value).ok()
            };
            let expires = date(EXPIRES)?;
            let now = date(DATE).unwrap_or_else(SystemTime::now);
            expires.duration_since(now).ok()?
        }
    };
    let age = headers
        .get(AGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
        .map_or(Duration::ZERO, Duration::from_secs);
    let remaining = lifetime.checked_sub(age).filter(|d| !d.is_zero())?;
    Instant::now().checked_add(remaining)
}

/// The stored headers updated with those of a `304` (RFC 9111 §3.2), except
/// `Content-Length`, which describes the empty `304` body.
fn merge(stored: &HeaderMap, fresh: &HeaderMap) -> HeaderMap {
    let mut merged = stored.clone();
    for name in fresh.keys() {
        if name == CONTENT_LENGTH {
            continue;
        }
        merged.remove(name);
        for value in fresh.get_all(name) {
            merged.append(name.clone(), value.clone());
        }
    }
    merged
}

/// Digest of the method, URL and every header (sorted, so insertion order
/// does not matter).
fn key(method: &Method, url: &reqwest::Url, headers: &HeaderMap) -> Key {
    let mut hasher = Sha256::new();
    let mut field = |bytes: &[u8]| {
        hasher.update((bytes.len() as u64).to_be_bytes());
        hasher.update(bytes);
    };
    field(method.as_str().as_bytes());
    field(url.as_str().as_bytes());
    let mut pairs: Vec<(&str, &[u8])> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_bytes()))
        .collect();
    pairs.sort_unstable();
    for (name, value) in pairs {
        field(name.as_bytes());
        field(value);
    }
    hasher.finalize().into()
}

/// Digest of the origin and path: what an unsafe request invalidates.
fn location(url: &reqwest::Url) -> Key {
    let mut hasher = Sha256::new();
    hasher.update(url.origin().ascii_serialization().as_bytes());
    hasher.update(b"\n");
    hasher.update(url.path().as_bytes());
    hasher.finalize().into()
}

fn trace(operation: &'static str, url: &str, outcome: &'static str, stored: bool) {
    tracing::debug!(target: "sdk_runtime", operation, url, cache = outcome, stored, "response cache");
}

#[cfg(test)]
mod tests;
