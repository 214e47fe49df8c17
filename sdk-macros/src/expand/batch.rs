//! Generates chunking helpers (`create_users_all`) beside batch operations.
//!
//! A helper only says how one chunk becomes a call of the operation and where a response
//! lists its per-item entries; splitting, concurrency, idempotency keys and the result live
//! once in `sdk_runtime::batch`:
//!
//! ```text
//! pub async fn create_users_all(&self, items: impl IntoIterator<Item = NewUser>, options: BatchOptions)
//!     -> BatchResult<UserBatch, User> {
//!     static BATCH: BatchOperation = BatchOperation { operation: "createUsers", max_items: 100 };
//!     fn __entries(__r: &UserBatch) -> &[User] { &__r.data }
//!     run_batch(&BATCH, items, options, |__chunk| self.create_users(&NewUserBatch { users: __chunk }).0, __entries).await
//! }
//! ```

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::doc_attrs;
use super::{Rt, Scope, arg_type, ident, ok_type, ty_tokens};
use crate::model::{Api, Batch, Entries, Operation, Ty, Wrap};

/// Extra methods on the (sub-)client that holds `op`; empty when it is not a batch endpoint.
pub fn expand_client_methods(api: &Api, op: &Operation, rt: &Rt) -> TokenStream {
    let Some(batch) = &op.batch else {
        return TokenStream::new();
    };
    let private = &rt.private;
    let root = &rt.root;
    let helper = ident(&batch.helper_name);
    let method = ident(&op.method_name);
    let id = &op.id;
    let max = batch.max_items as usize;
    let args = op.required.iter().map(|p| {
        let name = ident(&p.ident);
        let ty = arg_type(api, &p.ty, Scope::Root, rt);
        quote!(#name: #ty,)
    });
    let pass: Vec<_> = op.required.iter().map(|p| ident(&p.ident)).collect();
    let item = ty_tokens(api, &batch.item, Scope::Root, rt);
    let ok = ok_type(api, &op.ok, Scope::Root, rt);
    let (entry, entries) = entries(api, batch, rt);
    let body = wrap(api, batch, rt);
    // The builder's `Call`: its field, or `into_call` when it is the shared `RequestBuilder`.
    let take = match op.has_own_builder() {
        true => quote!(.0),
        false => quote!(.into_call()),
    };
    let call = match op.body.as_ref().is_some_and(|b| b.required) {
        true => quote!(self.#method(#(#pass,)* &#body)#take),
        false => quote!(self.#method(#(#pass),*).body(&#body)#take),
    };
    let doc = doc_attrs(&format!(
        "Sends any number of items through [`{m}`](Self::{m}), at most {max} per request.\n\n\
         Chunks are sent with bounded concurrency, each with its own idempotency key that its \
         retries reuse, so a retried chunk is never stored twice; the result reports every \
         item in input order, with the error (and request ID) of a failed chunk. Defaults and \
         options: [`BatchOptions`]({root}::batch::BatchOptions).",
        m = op.method_name,
        root = root.to_string().replace(' ', ""),
    ));
    let deprecated = op
        .deprecated
        .then(|| quote!(#[deprecated] #[allow(deprecated)]));
    quote! {
        #doc
        #deprecated
        pub async fn #helper(
            &self,
            #(#args)*
            items: impl ::core::iter::IntoIterator<Item = #item>,
            options: #root::batch::BatchOptions,
        ) -> #root::batch::BatchResult<#ok, #entry> {
            static BATCH: #private::BatchOperation = #private::BatchOperation {
                operation: #id,
                max_items: #max,
            };
            fn __entries(__r: &#ok) -> &[#entry] {
                #entries
            }
            #private::run_batch(&BATCH, items, options, |__chunk| #call, __entries).await
        }
    }
}

// ===== internal =====

/// The body expression for one chunk held in `__chunk`.
fn wrap(api: &Api, batch: &Batch, rt: &Rt) -> TokenStream {
    match &batch.wrap {
        Wrap::Bare => quote!(__chunk),
        Wrap::Field {
            ty,
            field,
            optional,
            extra,
        } => {
            let ty = ty_tokens(api, &Ty::Named(*ty), Scope::Root, rt);
            let field = ident(field);
            let value = match optional {
                true => quote!(::core::option::Option::Some(__chunk)),
                false => quote!(__chunk),
            };
            let extra =
                extra.then(|| quote!(additional_properties: ::core::default::Default::default(),));
            quote!(#ty { #field: #value, #extra })
        }
    }
}

/// The per-item entry type and the body of `__entries(__r)`.
fn entries(api: &Api, batch: &Batch, rt: &Rt) -> (TokenStream, TokenStream) {
    match &batch.entries {
        Entries::None => (quote!(()), quote!(&[])),
        Entries::Bare(item) => (ty_tokens(api, item, Scope::Root, rt), quote!(__r)),
        Entries::Field {
            field,
            item,
            optional,
        } => {
            let field = ident(field);
            let body = match optional {
                true => quote!(__r.#field.as_deref().unwrap_or(&[])),
                false => quote!(&__r.#field),
            };
            (ty_tokens(api, item, Scope::Root, rt), body)
        }
    }
}
