//! Generates the operations: one method per operation on `Client` or its sub-client, and
//! one request builder per operation in `builders`.
//!
//! Each method only describes its request (a `static` operation, the parameters, the
//! body, how to decode each status) and hands it to the runtime's single execute path:
//!
//! ```text
//! pub fn show_pet_by_id(&self, pet_id: &str) -> builders::ShowPetById<'_> {
//!     static OPERATION: Operation = Operation { id: "showPetById", method: Method::GET, .. };
//!     let mut call = Call::new(client, &OPERATION, decode::json::<Pet>, decode::error_json::<Error>);
//!     call.path_param("petId", &pet_id);
//!     builders::ShowPetById(call)
//! }
//! ```

use proc_macro2::TokenStream;
use quote::quote;

use super::client::security_tokens;
use super::docs::doc_attrs;
use super::{Rt, Scope, arg_type, ident, ok_type, stream_parts, ty_tokens};
use crate::model::{
    Api, BodyKind, Decode, Group, Operation, Param, ParamLocation, SchemeKind, StreamKind,
    StreamResponse, binary_fields,
};

/// Generates the operation methods and `pub mod builders`.
pub fn expand_ops(api: &Api, rt: &Rt) -> TokenStream {
    let root_ops = api.root.ops.iter().map(|op| {
        let method = expand_method(api, op, rt, None);
        let batch = super::batch::expand_client_methods(api, op, rt);
        quote!(#method #batch)
    });
    let groups = api.groups.iter().map(|g| expand_group(api, g, rt));
    let builders = api.operations().map(|op| expand_builder(api, op, rt));
    let root_impl = (!api.root.ops.is_empty()).then(|| {
        quote! {
            impl Client {
                #(#root_ops)*
            }
        }
    });
    quote! {
        #root_impl

        #(#groups)*

        /// Request builders, one per operation: set optional parameters, then `.await`.
        #[allow(clippy::all, clippy::pedantic, dead_code)]
        pub mod builders {
            #(#builders)*
        }
    }
}

// ===== internal =====

fn expand_group(api: &Api, group: &Group, rt: &Rt) -> TokenStream {
    let name = ident(&group.name);
    let methods = group.ops.iter().map(|op| {
        let method = expand_method(api, op, rt, Some(()));
        let batch = super::batch::expand_client_methods(api, op, rt);
        quote!(#method #batch)
    });
    quote! {
        impl<'a> #name<'a> {
            #(#methods)*
        }
    }
}

/// The method that starts a request; `sub` is set on sub-clients (which borrow the client
/// for `'a`), unset on `Client` itself.
fn expand_method(api: &Api, op: &Operation, rt: &Rt, sub: Option<()>) -> TokenStream {
    let private = &rt.private;
    let root = &rt.root;
    let method = ident(&op.method_name);
    let builder = ident(&op.builder_name);
    let (lifetime, client) = match sub {
        Some(()) => (quote!('a), quote!(self.client)),
        None => (quote!('_), quote!(&self.inner)),
    };
    let operation = operation_static(op, rt);
    let args = op.required.iter().map(|p| {
        let name = ident(&p.ident);
        let ty = arg_type(api, &p.ty, Scope::Root, rt);
        quote!(#name: #ty)
    });
    let local = quote!(__call);
    let sets: Vec<TokenStream> = op
        .required
        .iter()
        .map(|p| set_param(p, rt, &local))
        .collect();
    let (body_arg, body_set) = match op.body.as_ref().filter(|b| b.required) {
        Some(body) => {
            let (ty, set) = body_parts(api, body, Scope::Root, rt, &local);
            (Some(quote!(body: #ty)), Some(set))
        }
        None => (None, None),
    };
    let args = args.chain(body_arg);
    let ok = ok_decoder(api, &op.ok, rt);
    let err = err_decoder(api, &op.err, rt);
    let doc = method_doc(api, op);
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    let start = match op.ok {
        Decode::Stream(_) => quote!(streaming),
        _ => quote!(new),
    };
    let call = quote!(#private::Call::#start(#client, &OPERATION, #ok, #err));
    let wrap = match op.has_own_builder() {
        true => quote!(builders::#builder),
        false => quote!(#root::RequestBuilder::from_call),
    };
    let build = if sets.is_empty() && body_set.is_none() {
        quote!(#wrap(#call))
    } else {
        quote! {
            let mut __call = #call;
            #(#sets)*
            #body_set
            #wrap(__call)
        }
    };
    quote! {
        #doc
        #deprecated
        #[inline]
        pub fn #method(&self, #(#args),*) -> builders::#builder<#lifetime> {
            #operation
            #build
        }
    }
}

fn expand_builder(api: &Api, op: &Operation, rt: &Rt) -> TokenStream {
    let private = &rt.private;
    let builder = ident(&op.builder_name);
    let ok_ty = ok_type(api, &op.ok, Scope::Builders, rt);
    if !op.has_own_builder() {
        let root = &rt.root;
        let doc = doc_attrs(&format!(
            "Request builder for [`{}`](super) (`{} {}`): `.await` it or call `send()`.",
            op.method_name, op.http_method, op.path
        ));
        return quote! {
            #doc
            pub type #builder<'a> = #root::RequestBuilder<'a, #ok_ty>;
        };
    }
    let setters = op.optional.iter().map(|p| {
        let name = ident(&p.ident);
        let ty = arg_type(api, &p.ty, Scope::Builders, rt);
        let set = set_param(p, rt, &quote!(self.0));
        let doc = doc_attrs(
            p.doc
                .as_deref()
                .unwrap_or(&format!("Sets the `{}` parameter.", p.name)),
        );
        quote! {
            #doc
            #[inline]
            pub fn #name(mut self, #name: #ty) -> Self {
                #set
                self
            }
        }
    });
    let body = op.body.as_ref().filter(|b| !b.required).map(|body| {
        let (ty, set) = body_parts(api, body, Scope::Builders, rt, &quote!(self.0));
        let doc = doc_attrs(body.doc.as_deref().unwrap_or("Sets the request body."));
        quote! {
            #doc
            #[inline]
            pub fn body(mut self, body: #ty) -> Self {
                #set
                self
            }
        }
    });
    let paging = super::pagination::expand_builder_methods(api, op, rt);
    let stream = op
        .stream_alternative
        .as_ref()
        .map(|stream| stream_method(api, stream, rt));
    // `body_bytes` only where the document declares a request body, `file_part` where it
    // is multipart, `byte_stream` where the answer is binary.
    let flavour = match (&op.body, &op.ok) {
        (Some(body), _) if matches!(body.kind, BodyKind::Multipart) => Some(quote!(, multipart)),
        (Some(_), Decode::Bytes) => Some(quote!(, body, download)),
        (Some(_), _) => Some(quote!(, body)),
        (None, Decode::Bytes) => Some(quote!(, download)),
        (None, _) => None,
    };
    let doc = doc_attrs(&format!(
        "Request builder for [`{}`](super) (`{} {}`): set optional parameters, then `.await` it or call `send()`.",
        op.method_name, op.http_method, op.path
    ));
    quote! {
        #doc
        #[must_use = "a request does nothing until it is `.await`ed or sent"]
        pub struct #builder<'a>(pub(super) #private::Call<'a, #ok_ty>);

        impl<'a> #builder<'a> {
            #(#setters)*
            #body
            #paging
            #stream
        }

        #private::call_impls!(#builder, #ok_ty #flavour);
    }
}

/// The builder method that reads the response as the stream it also offers.
fn stream_method(api: &Api, stream: &StreamResponse, rt: &Rt) -> TokenStream {
    let root = &rt.root;
    let (ty, decoder) = stream_parts(api, stream, Scope::Builders, rt);
    let media = &stream.media_type;
    let name = stream_method_name(stream.kind);
    let doc = match stream.kind {
        StreamKind::Events { .. } => {
            format!("Asks for `{media}` and reads the answer as a stream of events.")
        }
        StreamKind::JsonLines => {
            format!("Asks for `{media}` and reads the answer as a stream of JSON items.")
        }
    };
    let name = ident(name);
    let doc = doc_attrs(&doc);
    quote! {
        #doc
        #[inline]
        pub fn #name(self) -> #root::RequestBuilder<'a, #ty> {
            #root::RequestBuilder::from_call(self.0.into_streaming(#decoder, ::core::option::Option::Some(#media)))
        }
    }
}

/// The `static OPERATION` a method hands the runtime. HTTP's own methods are constants;
/// any other (OpenAPI 3.2's `QUERY`, `additionalOperations`) is made on first use,
/// from a name the model checked is an HTTP token.
fn operation_static(op: &Operation, rt: &Rt) -> TokenStream {
    let private = &rt.private;
    let (id, path) = (&op.id, &op.path);
    let security = match &op.security {
        Some(alts) => {
            let alts = security_tokens(alts);
            quote!(::core::option::Option::Some(#alts))
        }
        None => quote!(::core::option::Option::None),
    };
    const CONSTANTS: &[&str] = &[
        "GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "CONNECT", "PATCH", "TRACE",
    ];
    if CONSTANTS.contains(&op.http_method.as_str()) {
        let http = ident(&op.http_method);
        return quote! {
            static OPERATION: #private::Operation = #private::Operation {
                id: #id,
                method: #private::Method::#http,
                path: #path,
                security: #security,
            };
        };
    }
    let name = proc_macro2::Literal::byte_string(op.http_method.as_bytes());
    quote! {
        static OPERATION: ::std::sync::LazyLock<#private::Operation> = ::std::sync::LazyLock::new(|| #private::Operation {
            id: #id,
            method: #private::Method::from_bytes(#name).unwrap_or(#private::Method::POST),
            path: #path,
            security: #security,
        });
    }
}

/// The name of the builder method that asks for a stream of this kind.
fn stream_method_name(kind: StreamKind) -> &'static str {
    match kind {
        StreamKind::Events { .. } => "event_stream",
        StreamKind::JsonLines => "json_stream",
    }
}

fn method_doc(api: &Api, op: &Operation) -> TokenStream {
    let mut text = String::new();
    if let Some(summary) = &op.summary {
        text.push_str(summary.trim());
        text.push_str("\n\n");
    }
    if let Some(description) = op
        .description
        .as_deref()
        .filter(|d| op.summary.as_deref().map(str::trim) != Some(d.trim()))
    {
        text.push_str(description.trim());
        text.push_str("\n\n");
    }
    text.push_str(&format!(
        "Sends a `{}` request to `{}`.",
        op.http_method, op.path
    ));
    let streamed = match &op.ok {
        Decode::Stream(stream) => Some((&**stream, "The answer".to_owned())),
        _ => op.stream_alternative.as_ref().map(|s| {
            let method = stream_method_name(s.kind);
            (s, format!("With `.{method}()`, the answer"))
        }),
    };
    if let Some((stream, what)) = streamed {
        text.push_str(&format!(
            " {what} (`{}`) is read as it arrives, one item at a time.",
            stream.media_type
        ));
    }
    if let Some(note) = unsupported_scheme_note(api, op) {
        text.push_str("\n\n");
        text.push_str(&note);
    }
    doc_attrs(&text)
}

/// For an operation whose security requirements name an `http` scheme the client cannot
/// apply (`digest`, `signature`, …): says that no credential is sent for it and that an
/// interceptor must sign the request.
fn unsupported_scheme_note(api: &Api, op: &Operation) -> Option<String> {
    let alternatives = op.security.as_ref().unwrap_or(&api.default_security);
    let mut named: Vec<String> = Vec::new();
    for &index in alternatives.iter().flatten() {
        if let Some(s) = api.schemes.get(index)
            && let SchemeKind::Unsupported { scheme } = &s.kind
        {
            let entry = format!("`{}` (`http` scheme `{scheme}`)", s.name);
            if !named.contains(&entry) {
                named.push(entry);
            }
        }
    }
    (!named.is_empty()).then(|| {
        format!(
            "The document secures this operation with {}, which this client cannot apply: \
             no credential is sent for it. Add an interceptor (`sdk_runtime::Interceptor`) \
             that signs the request.",
            named.join(", ")
        )
    })
}

/// The statement that sets parameter `p` on the `Call` at `call` (`__call` or
/// `self.0`); the mock's `Expect` has the same setters, so its builders reuse it.
pub(super) fn set_param(p: &Param, rt: &Rt, call: &TokenStream) -> TokenStream {
    let private = &rt.private;
    let name = &p.name;
    let value = ident(&p.ident);
    match p.location {
        ParamLocation::Path => quote!(#call.path_param(#name, &#value);),
        ParamLocation::Query(style) => {
            let style = ident(style.runtime_variant());
            quote!(#call.query(#name, &#value, #private::QueryStyle::#style);)
        }
        ParamLocation::Header => quote!(#call.header(#name, &#value);),
        ParamLocation::Cookie => quote!(#call.cookie(#name, &#value);),
    }
}

/// The body argument's type and the statement that sets it.
fn body_parts(
    api: &Api,
    body: &crate::model::Body,
    scope: Scope,
    rt: &Rt,
    call: &TokenStream,
) -> (TokenStream, TokenStream) {
    let root = &rt.root;
    let ct = &body.content_type;
    match body.kind {
        BodyKind::Json => (
            arg_type(api, &body.ty, scope, rt),
            quote!(#call.json_body(&body, #ct);),
        ),
        BodyKind::Form => (
            arg_type(api, &body.ty, scope, rt),
            quote!(#call.form_body(&body);),
        ),
        BodyKind::Multipart => {
            let binary = binary_fields(&api.types, &body.ty);
            (
                arg_type(api, &body.ty, scope, rt),
                quote!(#call.multipart_body(&body, &[#(#binary),*]);),
            )
        }
        BodyKind::Bytes => (
            quote!(impl ::core::convert::Into<#root::Upload>),
            quote!(#call.upload_body(body.into(), #ct);),
        ),
        BodyKind::Text => (
            quote!(impl ::core::convert::Into<::std::string::String>),
            quote!(#call.text_body(body.into(), #ct);),
        ),
    }
}

fn ok_decoder(api: &Api, decode: &Decode, rt: &Rt) -> TokenStream {
    let private = &rt.private;
    match decode {
        Decode::Json(ty) => {
            let ty = ty_tokens(api, ty, Scope::Root, rt);
            quote!(#private::decode::json::<#ty>)
        }
        Decode::Text => quote!(#private::decode::text),
        Decode::Bytes => quote!(#private::decode::bytes),
        Decode::Enum { name, .. } => {
            let name = ident(name);
            quote!(self::types::#name::__decode)
        }
        Decode::Stream(stream) => stream_parts(api, stream, Scope::Root, rt).1,
        Decode::Empty | Decode::None => quote!(#private::decode::empty),
    }
}

fn err_decoder(api: &Api, decode: &Decode, rt: &Rt) -> TokenStream {
    let private = &rt.private;
    match decode {
        Decode::Json(ty) => {
            let ty = ty_tokens(api, ty, Scope::Root, rt);
            quote!(#private::decode::error_json::<#ty>)
        }
        Decode::Enum { name, .. } => {
            let name = ident(name);
            quote!(self::types::#name::__decode_error)
        }
        _ => quote!(#private::decode::no_error),
    }
}
