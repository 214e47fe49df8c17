//! What generated `.pages()` and `.items()` methods call, through `__private`.
//!
//! Public items in a private module: reachable from generated code, not part
//! of the documented API.

use super::{Items, Pages};
use crate::call::Call;
use crate::contract::Paging;

/// Streams the pages of `call`, described by `paging`.
pub fn pages<P: Send + 'static>(call: Call<'_, P>, paging: &'static Paging) -> Pages<P> {
    super::start(call, paging)
}

/// Streams the items of `pages`, taking each page's items with `extract`.
pub fn items<P: Send + 'static, T: Send + 'static>(
    pages: Pages<P>,
    extract: fn(P) -> Vec<T>,
) -> Items<T> {
    super::flatten(pages, extract)
}
