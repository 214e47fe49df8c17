//! What generated batch helpers call, through `__private`.
//!
//! A public item in a private module: reachable from generated code, not part
//! of the documented API.

use super::{BatchOptions, BatchResult};
use crate::call::Call;
use crate::contract::BatchOperation;

/// Sends `items` in chunks through the call `start` builds for each chunk.
///
/// Generated helpers pass a closure that wraps a chunk into the operation's body and starts
/// the operation's call, and `entries`, which finds the per-item list in a response.
pub async fn run<'a, I, T, R>(
    op: &'static BatchOperation,
    items: impl IntoIterator<Item = I>,
    options: BatchOptions,
    start: impl Fn(Vec<I>) -> Call<'a, T>,
    entries: fn(&T) -> &[R],
) -> BatchResult<T, R>
where
    T: Send + 'static,
{
    super::run(op, items, options, start, entries).await
}
