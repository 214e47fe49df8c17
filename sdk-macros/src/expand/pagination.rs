//! Generates the paging methods (`items()`, `pages()`) of paginated operations' builders.
//!
//! Both are thin: a `static` description of how the operation pages, handed with the
//! builder's `Call` to the runtime's generic stream, and a non-capturing closure that takes
//! the items out of a decoded page:
//!
//! ```text
//! pub fn pages(self) -> sdk_runtime::pagination::Pages<super::types::ListUsersResponse> {
//!     static PAGING: __private::Paging = __private::Paging { style: Cursor { param: Some("starting_after") }, .. };
//!     __private::pagination::pages(self.0, &PAGING)
//! }
//! pub fn items(self) -> sdk_runtime::pagination::Items<super::types::User> {
//!     __private::pagination::items(self.pages(), |__page: super::types::ListUsersResponse| __page.data)
//! }
//! ```

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::doc_attrs;
use super::{Rt, Scope, ident, ty_tokens};
use crate::model::{Api, Decode, Operation, Pagination, PagingStyle as Style, Ty};

/// Extra methods for the request builder of `op`; empty when it is not paginated.
pub fn expand_builder_methods(api: &Api, op: &Operation, rt: &Rt) -> TokenStream {
    let (Some(paging), Decode::Json(page_ty)) = (&op.pagination, &op.ok) else {
        return TokenStream::new();
    };
    let private = &rt.private;
    let root = &rt.root;
    let page = ty_tokens(api, page_ty, Scope::Builders, rt);
    let item = ty_tokens(api, &paging.item, Scope::Builders, rt);
    let description = paging_static(paging, rt);
    let extract = extract(paging);
    let (pages_doc, items_doc) = docs(paging);
    quote! {
        #pages_doc
        #[inline]
        pub fn pages(self) -> #root::pagination::Pages<#page> {
            static PAGING: #private::Paging = #description;
            #private::pagination::pages(self.0, &PAGING)
        }

        #items_doc
        #[inline]
        pub fn items(self) -> #root::pagination::Items<#item> {
            #private::pagination::items(self.pages(), |__page: #page| #extract)
        }
    }
}

// ===== internal =====

/// Generates the `Paging { .. }` constant expression.
pub(super) fn paging_static(p: &Pagination, rt: &Rt) -> TokenStream {
    let private = &rt.private;
    let some = |v: Option<TokenStream>| match v {
        Some(v) => quote!(::core::option::Option::Some(#v)),
        None => quote!(::core::option::Option::None),
    };
    let style = match &p.style {
        Style::Cursor { param } => {
            let param = some(param.as_ref().map(|p| quote!(#p)));
            quote!(#private::PagingStyle::Cursor { param: #param })
        }
        Style::Offset { param } => quote!(#private::PagingStyle::Offset { param: #param }),
        Style::Page { param, first } => {
            quote!(#private::PagingStyle::Page { param: #param, first: #first })
        }
        Style::Link => quote!(#private::PagingStyle::LinkHeader),
    };
    let path = |path: &[String]| quote!(&[#(#path),*]);
    let items = path(&p.items.json);
    let next = path(&p.next);
    let has_more = path(&p.has_more);
    let total = path(&p.total);
    let item_field = some(p.cursor_item_field.as_ref().map(|f| quote!(#f)));
    let limit_param = some(p.limit_param.as_ref().map(|f| quote!(#f)));
    let max_limit = some(p.max_limit.map(|m| quote!(#m)));
    quote! {
        #private::Paging {
            style: #style,
            items: #items,
            next: #next,
            cursor_item_field: #item_field,
            has_more: #has_more,
            total: #total,
            limit_param: #limit_param,
            max_limit: #max_limit,
        }
    }
}

/// Generates the expression that takes the `Vec` of items out of `__page`, going through
/// optional (and boxed) fields: `__page.meta.and_then(|__v| __v.items).unwrap_or_default()`.
fn extract(p: &Pagination) -> TokenStream {
    let mut expr = quote!(__page);
    let mut optional = false;
    for (field, ty) in &p.items.steps {
        let field = ident(field);
        let (field_optional, boxed) = match ty {
            Ty::Option(inner) => (true, matches!(**inner, Ty::Box(_))),
            Ty::Box(_) => (false, true),
            _ => (false, false),
        };
        expr = match (optional, field_optional) {
            (false, _) => quote!(#expr.#field),
            (true, true) => quote!(#expr.and_then(|__v| __v.#field)),
            (true, false) => quote!(#expr.map(|__v| __v.#field)),
        };
        optional |= field_optional;
        if boxed {
            expr = if optional {
                quote!(#expr.map(|__b| *__b))
            } else {
                quote!((*#expr))
            };
        }
    }
    if optional {
        quote!(#expr.unwrap_or_default())
    } else {
        expr
    }
}

fn docs(p: &Pagination) -> (TokenStream, TokenStream) {
    let how = match &p.style {
        Style::Cursor { param: Some(param) } => match &p.cursor_item_field {
            Some(field) => format!("`{param}` set to the last item's `{field}`"),
            None => format!("`{param}` set to the page's `{}`", p.next.join(".")),
        },
        Style::Cursor { param: None } => format!("the URL in the page's `{}`", p.next.join(".")),
        Style::Offset { param } => format!("`{param}` advanced by the items received"),
        Style::Page { param, .. } => format!("`{param}` advanced by one"),
        Style::Link => "the `Link: <…>; rel=\"next\"` URL".to_owned(),
    };
    let size = match (&p.limit_param, p.max_limit) {
        (Some(limit), Some(max)) => {
            format!(" Unless `{limit}` is set, pages hold {max} items, the most the API allows.")
        }
        _ => String::new(),
    };
    let origin = if p.declared {
        "declared with `x-pagination`"
    } else {
        "detected from the document"
    };
    let pages = format!(
        "Streams every page, lazily: each page is this request sent again with {how}.{size} \
         Each page keeps its status, headers and request id; a failed page (after retries) \
         is yielded as an error and ends the stream.\n\nPagination {origin}."
    );
    let items = "Streams every item of every page (see [`pages`](Self::pages)), holding one page \
                 at a time; `request_id()` on the stream names the page of the latest item.";
    (doc_attrs(&pages), doc_attrs(items))
}
