//! Batch endpoints: send any number of items in chunks, and never create one twice.
//!
//! Many APIs offer a batch endpoint (`POST /users/batch` taking up to 100 users) that is
//! far cheaper than one request per item, but caps the number of items per request with
//! `maxItems`. For every such operation the generated client has a *chunking helper* beside
//! the operation's own method, named after it with `_all` appended (`create_users` →
//! `create_users_all`), which takes any number of items and hands them to one generic
//! function here:
//!
//! 1. **Chunks.** Items are taken from the iterator lazily, at most `maxItems` per request
//!    (or fewer with [`BatchOptions::chunk_size`]). Chunk `n` holds the items at input
//!    positions `n * size .. (n + 1) * size`.
//! 2. **Bounded concurrency.** At most [`DEFAULT_CONCURRENCY`] chunks are in flight at once
//!    ([`BatchOptions::concurrency`]); the next chunk starts as soon as one finishes.
//! 3. **One idempotency key per chunk.** Chunk `n` is sent with the key `{base}-{n}`, where
//!    `base` is a fresh UUID per helper call, or the key given to
//!    [`BatchOptions::idempotency_key`]. The runtime's execute path retries a chunk (`429`,
//!    `5xx`, dropped connections) with the *same* key, so a server that honours keys never
//!    stores a chunk twice. Passing a base key you stored lets a restarted job resend the
//!    same items in the same order without duplicating the chunks that already went through.
//! 4. **Results in input order.** [`BatchResult`] holds one [`ChunkResult`] per chunk, in
//!    input order whatever order they finished in. A failed chunk does not hide the others:
//!    each item is reported as succeeded (with its entry of the response, when the response
//!    lists one per item) or failed with its chunk's [`Error`], which carries the status,
//!    the typed error body and the request ID.
//!
//! # Defaults
//!
//! | setting | default |
//! |---|---|
//! | chunk size | the endpoint's `maxItems` |
//! | concurrency | [`DEFAULT_CONCURRENCY`] (4) chunks in flight |
//! | idempotency keys | `{uuid v4}-{chunk index}` |
//! | retries and timeout per chunk | the client's |
//!
//! # Example
//!
//! ```no_run
//! # mod api { sdk_runtime::generate_client!("guide/api.yaml"); }
//! # use api::types::{NewUser, User};
//! # async fn run(client: api::Client) {
//! use sdk_runtime::batch::BatchOptions;
//!
//! let users = (0..1_050).map(|i| NewUser { email: format!("u{i}@example.com"), name: "U".into() });
//! let result = client.users().create_users_all(users, BatchOptions::new()).await;
//! println!("{} created, {} failed", result.succeeded(), result.failed());
//! for chunk in result.failures() {
//!     let error = chunk.error().expect("failures() yields failed chunks");
//!     eprintln!("items {:?}: {error}", chunk.items()); // … (request id req_…)
//! }
//! let created: Vec<&User> = result.entries().collect(); // input order
//! # }
//! ```

use std::fmt;
use std::ops::Range;
use std::time::Duration;

use futures::StreamExt as _;

use crate::call::Call;
use crate::contract::BatchOperation;
use crate::error::{Error, Result};
use crate::pipeline::response::Response;
use crate::policy::idempotency::IdempotencyKey;

pub(crate) mod generated;

/// Chunks in flight at once unless [`BatchOptions::concurrency`] says otherwise.
///
/// Small on purpose: batch endpoints are heavy on the server, and rate limits usually count
/// requests, so a few parallel chunks already hide most of the latency.
pub const DEFAULT_CONCURRENCY: usize = 4;

/// How a chunking helper splits and sends its items.
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use sdk_runtime::batch::BatchOptions;
///
/// let options = BatchOptions::new()
///     .concurrency(2)
///     .chunk_size(50)
///     .idempotency_key("import-2024-06-01")
///     .timeout(Duration::from_secs(30));
/// ```
#[derive(Clone, Default)]
#[must_use]
pub struct BatchOptions {
    concurrency: Option<usize>,
    chunk_size: Option<usize>,
    idempotency_key: Option<String>,
    max_retries: Option<u32>,
    timeout: Option<Duration>,
}

impl BatchOptions {
    /// Every default (see the [module docs](self#defaults)).
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets how many chunks may be in flight at once (`0` is treated as `1`).
    ///
    /// # Default
    ///
    /// [`DEFAULT_CONCURRENCY`].
    pub fn concurrency(mut self, chunks: usize) -> Self {
        self.concurrency = Some(chunks.max(1));
        self
    }

    /// Sends at most `items` items per request; values above the endpoint's `maxItems` are
    /// lowered to it, `0` is treated as `1`.
    ///
    /// # Default
    ///
    /// The endpoint's `maxItems`.
    pub fn chunk_size(mut self, items: usize) -> Self {
        self.chunk_size = Some(items.max(1));
        self
    }

    /// Derives the chunks' idempotency keys from `base`: chunk `n` sends `{base}-{n}`.
    ///
    /// Store the base key with a job to make a rerun safe: the same items in the same order
    /// with the same chunk size produce the same keys, so chunks the server already stored
    /// are answered from its record instead of being created again. An invalid key (see
    /// [`IdempotencyKey::new`]) fails every chunk with a builder error.
    ///
    /// # Default
    ///
    /// A new random UUID for every helper call.
    pub fn idempotency_key(mut self, base: impl Into<String>) -> Self {
        self.idempotency_key = Some(base.into());
        self
    }

    /// Overrides the client's retry budget for each chunk.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = Some(max_retries);
        self
    }

    /// Overrides the client's per-attempt timeout for each chunk.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }
}

impl fmt::Debug for BatchOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("BatchOptions");
        if let Some(n) = self.concurrency {
            d.field("concurrency", &n);
        }
        if let Some(n) = self.chunk_size {
            d.field("chunk_size", &n);
        }
        if let Some(key) = &self.idempotency_key {
            d.field("idempotency_key", key);
        }
        if let Some(n) = self.max_retries {
            d.field("max_retries", &n);
        }
        if let Some(t) = self.timeout {
            d.field("timeout", &t);
        }
        d.finish()
    }
}

/// What became of one chunk: the input positions it carried and its response or error.
pub struct ChunkResult<T> {
    index: usize,
    items: Range<usize>,
    idempotency_key: String,
    result: Result<Response<T>>,
}

impl<T> ChunkResult<T> {
    /// The chunk's position among the chunks, from 0.
    pub fn index(&self) -> usize {
        self.index
    }

    /// The input positions of the chunk's items.
    pub fn items(&self) -> Range<usize> {
        self.items.clone()
    }

    /// The idempotency key every attempt of this chunk carried.
    pub fn idempotency_key(&self) -> &str {
        &self.idempotency_key
    }

    /// Whether the chunk succeeded.
    pub fn is_success(&self) -> bool {
        self.result.is_ok()
    }

    /// The response, or the error after the last attempt.
    pub fn result(&self) -> std::result::Result<&Response<T>, &Error> {
        self.result.as_ref()
    }

    /// The response, if the chunk succeeded.
    pub fn response(&self) -> Option<&Response<T>> {
        self.result.as_ref().ok()
    }

    /// The error, if the chunk failed.
    pub fn error(&self) -> Option<&Error> {
        self.result.as_ref().err()
    }

    /// The request ID of the chunk's last attempt, from its response or its error.
    pub fn request_id(&self) -> Option<&str> {
        match &self.result {
            Ok(response) => response.request_id(),
            Err(error) => error.request_id(),
        }
    }

    /// The response or the error, by value.
    pub fn into_result(self) -> Result<Response<T>> {
        self.result
    }
}

impl<T> fmt::Debug for ChunkResult<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("ChunkResult");
        d.field("index", &self.index)
            .field("items", &self.items)
            .field("idempotency_key", &self.idempotency_key);
        match &self.result {
            Ok(response) => d.field("status", &response.status()),
            Err(error) => d.field("error", &format_args!("{error}")),
        };
        d.finish()
    }
}

/// The outcome of a chunking helper: every chunk's result, and each item's.
///
/// `T` is the response body of one request (`UserBatch`), `R` the entry that response holds
/// for each item (`User`); `R` is `()` when the response does not list one entry per item.
pub struct BatchResult<T, R> {
    len: usize,
    chunk_size: usize,
    chunks: Vec<ChunkResult<T>>,
    entries: fn(&T) -> &[R],
}

impl<T, R> BatchResult<T, R> {
    /// The number of items sent.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there were no items (and so no requests).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether every chunk succeeded.
    pub fn is_success(&self) -> bool {
        self.chunks.iter().all(ChunkResult::is_success)
    }

    /// The number of items whose chunk succeeded.
    pub fn succeeded(&self) -> usize {
        self.len - self.failed()
    }

    /// The number of items whose chunk failed.
    pub fn failed(&self) -> usize {
        self.failures().map(|c| c.items.len()).sum()
    }

    /// Every chunk, in input order.
    pub fn chunks(&self) -> &[ChunkResult<T>] {
        &self.chunks
    }

    /// The chunks that failed, in input order.
    pub fn failures(&self) -> impl Iterator<Item = &ChunkResult<T>> + '_ {
        self.chunks.iter().filter(|c| !c.is_success())
    }

    /// What became of the item at input position `index`: `Ok` with its entry of the response
    /// (`None` when the response lists none for it), or its chunk's error. `None` when
    /// `index` is out of range.
    pub fn item(&self, index: usize) -> Option<std::result::Result<Option<&R>, &Error>> {
        let chunk = self.chunks.get(index / self.chunk_size.max(1))?;
        match &chunk.result {
            Ok(response) => {
                let entries = (self.entries)(response);
                Some(Ok(entries.get(index - chunk.items.start)))
            }
            Err(error) => Some(Err(error)),
        }
    }

    /// [`item`](Self::item) for every input position, in input order.
    pub fn iter(&self) -> impl Iterator<Item = std::result::Result<Option<&R>, &Error>> + '_ {
        (0..self.len).filter_map(|i| self.item(i))
    }

    /// The response entries of all succeeded items, in input order.
    pub fn entries(&self) -> impl Iterator<Item = &R> + '_ {
        self.chunks
            .iter()
            .filter_map(|c| c.response())
            .flat_map(|response| (self.entries)(response).iter())
    }

    /// The input positions of the items whose chunk failed, ascending.
    pub fn failed_items(&self) -> impl Iterator<Item = usize> + '_ {
        self.failures().flat_map(ChunkResult::items)
    }

    /// The chunk results, by value.
    pub fn into_chunks(self) -> Vec<ChunkResult<T>> {
        self.chunks
    }
}

impl<T, R> fmt::Debug for BatchResult<T, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Successful chunks are summarised by count; the failed ones are what a reader needs.
        let failures: Vec<&ChunkResult<T>> = self.failures().collect();
        f.debug_struct("BatchResult")
            .field("items", &self.len)
            .field("chunks", &self.chunks.len())
            .field("failed_items", &self.failed())
            .field("failures", &failures)
            .finish()
    }
}

/// Sends `items` in chunks through the call `start` builds for each chunk.
///
/// Generated helpers pass a closure that wraps a chunk into the operation's body and starts
/// the operation's call, and `entries`, which finds the per-item list in a response.
pub(crate) async fn run<'a, I, T, R>(
    op: &'static BatchOperation,
    items: impl IntoIterator<Item = I>,
    options: BatchOptions,
    start: impl Fn(Vec<I>) -> Call<'a, T>,
    entries: fn(&T) -> &[R],
) -> BatchResult<T, R>
where
    T: Send + 'static,
{
    let size = options
        .chunk_size
        .unwrap_or(op.max_items)
        .clamp(1, op.max_items.max(1));
    let concurrency = options.concurrency.unwrap_or(DEFAULT_CONCURRENCY);
    let base = match &options.idempotency_key {
        Some(base) => base.clone(),
        None => IdempotencyKey::generate().to_string(),
    };
    let mut items = items.into_iter();
    let chunks = std::iter::from_fn(move || {
        let chunk: Vec<I> = items.by_ref().take(size).collect();
        (!chunk.is_empty()).then_some(chunk)
    });
    let sends = chunks.enumerate().map(|(index, chunk)| {
        let first = index * size;
        let range = first..first + chunk.len();
        let key = format!("{base}-{index}");
        let mut call = start(chunk);
        let call_options = call.options();
        call_options.idempotency_key = Some(key.clone());
        call_options.max_retries = options.max_retries.or(call_options.max_retries);
        call_options.timeout = options.timeout.or(call_options.timeout);
        async move {
            ChunkResult {
                index,
                items: range,
                idempotency_key: key,
                result: call.send().await,
            }
        }
    });
    // `buffered` starts at most `concurrency` sends, pulls the next chunk from the input as
    // one finishes, and yields results in input order whatever order they finish in.
    let chunks: Vec<ChunkResult<T>> = futures::stream::iter(sends)
        .buffered(concurrency)
        .collect()
        .await;
    let len = chunks.last().map_or(0, |c| c.items.end);
    let result = BatchResult {
        len,
        chunk_size: size,
        chunks,
        entries,
    };
    tracing::debug!(
        target: "sdk_runtime",
        operation = op.operation,
        items = result.len,
        chunks = result.chunks.len(),
        failed_items = result.failed(),
        "batch finished"
    );
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options_debug(options: &BatchOptions) -> String {
        format!("{options:?}")
    }

    #[test]
    fn options_clamp_zero_and_print_only_what_is_set() {
        let options = BatchOptions::new().concurrency(0).chunk_size(0);
        assert_eq!(options.concurrency, Some(1));
        assert_eq!(options.chunk_size, Some(1));
        assert_eq!(options_debug(&BatchOptions::new()), "BatchOptions");
        assert!(options_debug(&BatchOptions::new().idempotency_key("k")).contains("\"k\""));
    }

    #[test]
    fn item_positions_map_to_chunks() {
        fn none(_: &()) -> &[u8] {
            &[]
        }
        let result: BatchResult<(), u8> = BatchResult {
            len: 0,
            chunk_size: 3,
            chunks: Vec::new(),
            entries: none,
        };
        assert!(result.is_empty() && result.is_success());
        assert!(result.item(0).is_none());
        assert_eq!(result.iter().count(), 0);
    }
}
