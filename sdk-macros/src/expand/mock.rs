//! Generates `pub mod mock`: a typed mock server of the client, compiled only when
//! `sdk-runtime`'s `mock` feature is on (the module sits in the runtime's `if_mock!`).
//!
//! Like the client, it is thin: the document (included from its file, for the runtime to
//! check requests and canned answers against) and one expectation builder per operation, whose setters
//! hand typed values to the runtime's `mock::Expect`:
//!
//! ```text
//! pub fn show_pet_by_id(&self, pet_id: &str) -> ShowPetById<'_> {
//!     let mut __expect = self.0.expect("#/paths/~1pets~1{petId}/get");
//!     __expect.path_param("petId", &pet_id);
//!     ShowPetById(__expect)
//! }
//! ```

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::doc_attrs;
use super::ops::set_param;
use super::pagination::paging_static;
use super::{Rt, Scope, arg_type, ident, ty_tokens};
use crate::model::{Api, Decode, Group, Operation, ParamLocation, mock};

/// The `mock` module of the client of `api`, whose document is the file at `path`.
pub fn expand_mock(api: &Api, path: &str, rt: &Rt) -> TokenStream {
    let private = &rt.private;
    let root = &rt.root;
    let root_methods = api
        .root
        .ops
        .iter()
        .map(|op| expect_method(api, op, rt, quote!('_)));
    let accessors = api.groups.iter().map(|g| {
        let accessor = ident(&mock::method_name(&g.accessor));
        let name = ident(&mock::group_name(g));
        let doc = doc_attrs(&format!("Expectations of the `{}` operations.", g.accessor));
        quote! {
            #doc
            pub fn #accessor(&self) -> #name<'_> {
                #name(&self.0)
            }
        }
    });
    let groups = api.groups.iter().map(|g| expand_group(api, g, rt));
    let builders = api.operations().map(|op| expand_builder(api, op, rt));
    quote! {
        #private::if_mock! {
            /// A typed mock of this API for tests (feature `mock` of `sdk-runtime`): a server on
            /// 127.0.0.1 that checks every request against the document, with one expectation
            /// builder per operation.
            #[allow(clippy::all, clippy::pedantic, dead_code)]
            pub mod mock {
                /// The document, which requests and canned answers are checked against; read
                /// only when the feature is on, so a client without it pays nothing.
                static DOCUMENT: &str = ::core::include_str!(#path);

                /// A mock server of this API (see the `sdk-runtime` `mock` module).
                #[derive(Debug)]
                pub struct MockServer(#root::mock::MockServer);

                impl MockServer {
                    /// Starts the mock on a port of 127.0.0.1 the system picks.
                    pub async fn start() -> Self {
                        MockServer(#root::mock::MockServer::start(DOCUMENT).await)
                    }

                    /// A client builder pointed at the mock, retrying without real waits.
                    pub fn client_builder(&self) -> super::ClientBuilder {
                        super::Client::builder()
                            .base_url(self.0.uri())
                            .retry_policy(#root::mock::MockServer::fast_retries())
                    }

                    /// A client pointed at the mock, retrying without real waits.
                    pub fn client(&self) -> super::Client {
                        self.client_builder().build().expect("a client of the mock")
                    }

                    #(#accessors)*
                    #(#root_methods)*
                }

                impl ::core::ops::Deref for MockServer {
                    type Target = #root::mock::MockServer;

                    fn deref(&self) -> &Self::Target {
                        &self.0
                    }
                }

                #(#groups)*
                #(#builders)*
            }
        }
    }
}

fn expand_group(api: &Api, group: &Group, rt: &Rt) -> TokenStream {
    let root = &rt.root;
    let name = ident(&mock::group_name(group));
    let doc = doc_attrs(&format!(
        "Expectations of the `{}` operations.",
        group.accessor
    ));
    let methods = group
        .ops
        .iter()
        .map(|op| expect_method(api, op, rt, quote!('a)));
    quote! {
        #doc
        #[derive(Debug, Clone, Copy)]
        pub struct #name<'a>(&'a #root::mock::MockServer);

        impl<'a> #name<'a> {
            #(#methods)*
        }
    }
}

/// The method that starts an expectation of `op`, with its required parameters;
/// `lifetime` is the borrow of the mock it keeps (`'a` on a sub-mock, which holds one).
fn expect_method(api: &Api, op: &Operation, rt: &Rt, lifetime: TokenStream) -> TokenStream {
    let method = ident(&mock::method_name(&op.method_name));
    let builder = ident(&op.builder_name);
    let pointer = mock::operation_pointer(op);
    let args = op.required.iter().map(|p| {
        let name = ident(&p.ident);
        let ty = arg_type(api, &p.ty, Scope::Builders, rt);
        quote!(#name: #ty)
    });
    let sets = op
        .required
        .iter()
        .map(|p| set_param(p, rt, &quote!(__expect)));
    let doc = doc_attrs(&format!(
        "Expects `{} {}` (`{}`) with these parameters.",
        op.http_method, op.path, op.id
    ));
    quote! {
        #doc
        pub fn #method(&self, #(#args),*) -> #builder<#lifetime> {
            let mut __expect = self.0.expect(#pointer);
            #(#sets)*
            #builder(__expect)
        }
    }
}

fn expand_builder(api: &Api, op: &Operation, rt: &Rt) -> TokenStream {
    let root = &rt.root;
    let builder = ident(&op.builder_name);
    let setters = op.optional.iter().map(|p| {
        let name = ident(&p.ident);
        let ty = arg_type(api, &p.ty, Scope::Builders, rt);
        let set = set_param(p, rt, &quote!(self.0));
        let doc = doc_attrs(&match p.location {
            ParamLocation::Cookie => format!("Accepts `{}`; cookies are not matched.", p.name),
            _ => format!("Matches requests whose `{}` is this.", p.name),
        });
        quote! {
            #doc
            pub fn #name(mut self, #name: #ty) -> Self {
                #set
                self
            }
        }
    });
    let body = op.body.as_ref().map(|body| {
        let ty = ty_tokens(api, &body.ty, Scope::Builders, rt);
        quote! {
            /// Matches requests whose JSON body equals `body`.
            pub fn with_body(mut self, body: &#ty) -> Self {
                self.0.body(body);
                self
            }
        }
    });
    let respond = match &op.ok {
        Decode::Json(ty) => {
            let ty = ty_tokens(api, ty, Scope::Builders, rt);
            quote! {
                /// Answers with a success status and body (checked against the document).
                pub fn respond(self, status: u16, body: &#ty) -> #root::mock::Expectation<'a> {
                    self.0.respond(status, body)
                }
            }
        }
        _ => quote! {
            /// Answers with a success status and body (checked against the document).
            pub fn respond(self, status: u16, body: &impl #root::__private::serde::Serialize) -> #root::mock::Expectation<'a> {
                self.0.respond(status, body)
            }
        },
    };
    let pages = match (&op.pagination, &op.ok) {
        (Some(paging), Decode::Json(_)) => {
            let item = ty_tokens(api, &paging.item, Scope::Builders, rt);
            let description = paging_static(paging, rt);
            let private = &rt.private;
            Some(quote! {
                /// Serves `items` as pages, in this operation's paging style, at the page size
                /// each request asks for.
                pub fn respond_pages(self, items: &[#item]) -> #root::mock::Expectation<'a> {
                    static PAGING: #private::Paging = #description;
                    self.0.respond_pages(items, &PAGING)
                }
            })
        }
        _ => None,
    };
    let doc = doc_attrs(&format!(
        "An expectation of `{} {}` (`{}`): narrow it with the setters, then `respond`.",
        op.http_method, op.path, op.id
    ));
    quote! {
        #doc
        #[derive(Debug)]
        pub struct #builder<'a>(#root::mock::Expect<'a>);

        impl<'a> #builder<'a> {
            #(#setters)*
            #body
            #respond
            #pages

            /// Answers with an error status and body (checked against the document).
            pub fn respond_error(self, status: u16, body: &impl #root::__private::serde::Serialize) -> #root::mock::Expectation<'a> {
                self.0.respond(status, body)
            }

            /// Answers with a status and no body.
            pub fn respond_empty(self, status: u16) -> #root::mock::Expectation<'a> {
                self.0.respond_empty(status)
            }
        }
    }
}
