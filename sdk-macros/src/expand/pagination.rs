//! Generates the paging methods (`items()`, `pages()`) of paginated operations' builders.

use proc_macro2::TokenStream;

use super::Rt;
use crate::model::{Api, Operation};

/// Extra methods for the request builder of `op`; empty when it is not paginated.
pub fn expand_builder_methods(_api: &Api, _op: &Operation, _rt: &Rt) -> TokenStream {
    TokenStream::new()
}
