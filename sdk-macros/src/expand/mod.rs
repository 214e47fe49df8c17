//! Emission: renders the checked model as tokens. Nothing here decides names or meaning;
//! every decision was made in `model`.

mod batch;
mod client;
mod docs;
mod key_slots;
mod mock;
mod ops;
mod pagination;
mod schema_table;
mod serde_impls;
mod types;
mod warnings;
mod webhooks;

use std::path::PathBuf;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ctxt::Ctxt;
use crate::model::{Api, Decode, StreamKind, StreamResponse, Ty};
use crate::{input, load, names, select};

/// Generates the client for the macro input `tokens`.
pub fn generate(tokens: TokenStream, call_site_file: Option<PathBuf>) -> syn::Result<TokenStream> {
    let input = input::parse(tokens)?;
    let mut doc = load::load(&input.path.value(), call_site_file, input.span())?;
    // A listed tag or operation that selects nothing is reported; the others still select.
    let unselected = if input.selects() {
        let tags = input.tags.as_deref().unwrap_or_default();
        let operations = input.operations.as_deref().unwrap_or_default();
        select::select(&mut doc, tags, operations)
    } else {
        None
    };
    let cx = Ctxt::new(doc.display.clone(), input.span());
    let api = Api::from_spec(&cx, &doc);
    let warnings = warnings::expand_warnings(cx.file(), &cx.take_warnings(), input.span());
    // Errors are reported beside the rest of the client, so one bad operation does not
    // bury the user under follow-on errors about missing items.
    let errors = match (unselected, cx.check().err()) {
        (Some(mut first), Some(rest)) => {
            first.combine(rest);
            Some(first)
        }
        (first, rest) => first.or(rest),
    };
    let errors = errors.map(|e| e.to_compile_error());
    let rt = Rt::new(&input.runtime);
    let path = doc.abs_path.to_string_lossy().into_owned();
    let types = types::expand_types(&api, &rt);
    let client = client::expand_client(&api, &rt);
    let ops = ops::expand_ops(&api, &rt);
    let webhooks = webhooks::expand_webhooks(&api, &rt);
    let mock = mock::expand_mock(&api, &path, &rt);
    let table = input
        .schema_table
        .then(|| schema_table::expand_schema_table(&api, &rt));
    Ok(quote! {
        #errors
        #warnings
        // Rebuilds the calling crate whenever the document changes.
        const _: &[u8] = ::core::include_bytes!(#path);
        #client
        #types
        #ops
        #webhooks
        #mock
        #table
    })
}

/// Paths into the runtime crate: `::sdk_runtime` or the user's `crate = path`.
pub struct Rt {
    /// The runtime's public root.
    pub root: TokenStream,
    /// `root::__private`.
    pub private: TokenStream,
}

impl Rt {
    fn new(path: &syn::Path) -> Self {
        let root = quote!(#path);
        Rt {
            private: quote!(#root::__private),
            root,
        }
    }
}

/// Where a type is named from: inside `types`, the root module, or `builders`.
#[derive(Clone, Copy, PartialEq)]
pub enum Scope {
    Types,
    Root,
    Builders,
}

/// An identifier, raw when it is a keyword.
pub fn ident(name: &str) -> Ident {
    if names::is_raw(name) {
        Ident::new_raw(name, Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
    }
}

/// Renders a type reference.
pub fn ty_tokens(api: &Api, ty: &Ty, scope: Scope, rt: &Rt) -> TokenStream {
    let root = &rt.root;
    let string = quote!(::std::string::String);
    match ty {
        Ty::Named(id) => {
            let name = ident(&api.types[*id].name);
            match scope {
                Scope::Types => quote!(#name),
                Scope::Root => quote!(self::types::#name),
                Scope::Builders => quote!(super::types::#name),
            }
        }
        Ty::String => string,
        Ty::Bool => quote!(bool),
        Ty::I32 => quote!(i32),
        Ty::I64 => quote!(i64),
        Ty::U32 => quote!(u32),
        Ty::U64 => quote!(u64),
        Ty::F32 => quote!(f32),
        Ty::F64 => quote!(f64),
        Ty::DateTime => quote!(#root::types::DateTime),
        Ty::Date => quote!(#root::types::Date),
        Ty::Uuid => quote!(#root::types::Uuid),
        Ty::Binary => quote!(#root::types::Binary),
        Ty::Value => quote!(#root::types::Value),
        Ty::Object => quote!(#root::types::Map),
        Ty::Map(inner) => {
            let inner = ty_tokens(api, inner, scope, rt);
            quote!(::std::collections::BTreeMap<#string, #inner>)
        }
        Ty::Vec(inner) => {
            let inner = ty_tokens(api, inner, scope, rt);
            quote!(::std::vec::Vec<#inner>)
        }
        Ty::Option(inner) => {
            let inner = ty_tokens(api, inner, scope, rt);
            quote!(::core::option::Option<#inner>)
        }
        Ty::Box(inner) => {
            let inner = ty_tokens(api, inner, scope, rt);
            quote!(::std::boxed::Box<#inner>)
        }
        Ty::Unit => quote!(()),
    }
}

// Reads `../spec/`: compiled in the repository only (see build.rs).
#[cfg(all(test, workspace_fixtures))]
mod tests;

/// How a parameter of type `ty` is taken: strings as `&str`, lists as slices, other
/// schemas by reference, numbers and booleans by value.
pub(crate) fn arg_type(api: &Api, ty: &Ty, scope: Scope, rt: &Rt) -> TokenStream {
    match ty {
        Ty::String => quote!(&str),
        Ty::Vec(inner) => {
            let inner = ty_tokens(api, inner, scope, rt);
            quote!(&[#inner])
        }
        Ty::Bool | Ty::I32 | Ty::I64 | Ty::U32 | Ty::U64 | Ty::F32 | Ty::F64 => {
            ty_tokens(api, ty, scope, rt)
        }
        other => {
            let ty = ty_tokens(api, other, scope, rt);
            quote!(&#ty)
        }
    }
}

/// The type a successful response decodes to, as the method returns it.
pub(crate) fn ok_type(api: &Api, decode: &Decode, scope: Scope, rt: &Rt) -> TokenStream {
    let root = &rt.root;
    match decode {
        Decode::Json(ty) => ty_tokens(api, ty, scope, rt),
        Decode::Text => quote!(::std::string::String),
        Decode::Bytes => quote!(#root::types::Bytes),
        Decode::Enum { name, .. } => {
            let name = ident(name);
            match scope {
                Scope::Builders => quote!(super::types::#name),
                _ => quote!(self::types::#name),
            }
        }
        Decode::Stream(stream) => stream_parts(api, stream, scope, rt).0,
        Decode::Empty | Decode::None => quote!(()),
    }
}

/// The runtime stream type a streamed body is read as, and the decoder that reads it.
pub(crate) fn stream_parts(
    api: &Api,
    stream: &StreamResponse,
    scope: Scope,
    rt: &Rt,
) -> (TokenStream, TokenStream) {
    let (root, private) = (&rt.root, &rt.private);
    let item = ty_tokens(api, &stream.item, scope, rt);
    match stream.kind {
        StreamKind::Events { text: true } => (
            quote!(#root::EventStream<::std::string::String>),
            quote!(#private::decode::events_text),
        ),
        StreamKind::Events { text: false } => (
            quote!(#root::EventStream<#item>),
            quote!(#private::decode::events_json::<#item>),
        ),
        StreamKind::JsonLines => (
            quote!(#root::JsonStream<#item>),
            quote!(#private::decode::json_lines::<#item>),
        ),
    }
}
