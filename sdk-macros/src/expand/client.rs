//! Generates `Client`, its builder alias, the API description and one sub-client per tag.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::doc_attrs;
use super::{Rt, ident};
use crate::model::{Api, SchemeKind};

/// Generates the API description, `Client`, `ClientBuilder` and the sub-clients.
pub fn expand_client(api: &Api, rt: &Rt) -> TokenStream {
    let root = &rt.root;
    let description = expand_description(api, rt);
    let title = &api.title;
    let env = format!("{}_API_KEY", api.env_prefix);
    let about = api
        .description
        .as_deref()
        .map(|d| format!("{}\n\n", d.trim()))
        .unwrap_or_default();
    let runtime = runtime_path(rt);
    let client_doc = doc_attrs(&format!(
        "Client for {title} {}.\n\n{about}Create one with [`Client::builder`] or [`Client::from_env`] (reads `{env}`, \
         then `API_KEY`); it is cheap to clone and all clones share one connection pool.\n\n{}",
        api.version,
        errors_doc(api, &runtime),
    ));
    let runtime_doc = doc_attrs(&format!(
        "The runtime's client underneath, `{runtime}::Client` (not this API's `Client`), \
         for settings shared by every API."
    ));
    let accessors = api.groups.iter().map(|g| {
        let accessor = ident(&g.accessor);
        let name = ident(&g.name);
        let fallback = format!("Operations tagged `{}`.", g.accessor);
        let doc = doc_attrs(g.doc.as_deref().unwrap_or(&fallback));
        quote! {
            #doc
            #[inline]
            pub fn #accessor(&self) -> #name<'_> {
                #name { client: &self.inner }
            }
        }
    });
    let groups = api.groups.iter().map(|g| {
        let name = ident(&g.name);
        let doc = doc_attrs(&format!(
            "Operations tagged `{}`; get one from [`Client::{}`].",
            g.name.trim_end_matches("Client"),
            g.accessor
        ));
        quote! {
            #doc
            #[derive(::core::clone::Clone, ::core::marker::Copy, ::core::fmt::Debug)]
            pub struct #name<'a> {
                client: &'a #root::Client,
            }
        }
    });
    quote! {
        #description

        #client_doc
        #[derive(::core::clone::Clone, ::core::fmt::Debug)]
        pub struct Client {
            inner: #root::Client,
        }

        /// Configures a [`Client`]: base URL, credentials, retries, timeouts, debug logs.
        pub type ClientBuilder = #root::ClientBuilder<Client>;

        impl Client {
            /// Starts configuring a client for this API.
            pub fn builder() -> ClientBuilder {
                #root::ClientBuilder::new(&API)
            }

            /// A client configured from the environment: the API key, and optionally the
            /// base URL and debug mode (see the `sdk-runtime` documentation for the names).
            pub fn from_env() -> #root::Result<Client> {
                Self::builder().from_env().build()
            }

            #runtime_doc
            pub fn runtime(&self) -> &#root::Client {
                &self.inner
            }

            #(#accessors)*
        }

        impl #root::FromClient for Client {
            fn from_client(inner: #root::Client) -> Self {
                Client { inner }
            }
        }

        #(#groups)*

    }
}

// ===== internal =====

/// The runtime's path as docs spell it: `sdk_runtime`, or the user's `crate = path`.
fn runtime_path(rt: &Rt) -> String {
    let path: String = rt.root.to_string().split_whitespace().collect();
    path.trim_start_matches("::").to_owned()
}

/// Which `Error` is which. A document's schema named `Error` becomes `types::Error`, a
/// body type, while calls fail with the runtime's error; the page says how to reach both,
/// since the two share a name (and a glob import of `types` brings in the schema's).
fn errors_doc(api: &Api, runtime: &str) -> String {
    let calls = format!(
        "Every call returns `{runtime}::Result`: its error, `{runtime}::Error`, \
         says what failed (connection, timeout, status, decoding) and holds the response body."
    );
    if api.types.iter().any(|t| t.name == "Error") {
        format!(
            "{calls} `types::Error` is different: the document's schema of that name, \
             a body type; read it from a failed call with `err.body_as::<types::Error>()`."
        )
    } else {
        calls
    }
}

fn expand_description(api: &Api, rt: &Rt) -> TokenStream {
    let private = &rt.private;
    let title = &api.title;
    let version = &api.version;
    let env_prefix = &api.env_prefix;
    let base_url = match &api.default_base_url {
        Some(url) => quote!(::core::option::Option::Some(#url)),
        None => quote!(::core::option::Option::None),
    };
    let schemes = api.schemes.iter().map(|s| {
        let name = &s.name;
        let kind = match &s.kind {
            SchemeKind::Bearer => quote!(#private::SchemeKind::Bearer),
            SchemeKind::Basic => quote!(#private::SchemeKind::Basic),
            SchemeKind::ApiKey { location, name } => {
                let loc = ident(&heck::ToUpperCamelCase::to_upper_camel_case(location.as_str()));
                quote!(#private::SchemeKind::ApiKey { location: #private::ApiKeyLocation::#loc, name: #name })
            }
            SchemeKind::Unsupported { scheme } => {
                quote!(#private::SchemeKind::Unsupported { scheme: #scheme })
            }
        };
        quote!(#private::SecurityScheme { name: #name, kind: #kind })
    });
    let default_security = security_tokens(&api.default_security);
    let idempotency = match &api.idempotency_header {
        Some(h) => quote!(::core::option::Option::Some(#h)),
        None => quote!(::core::option::Option::None),
    };
    let request_id = match &api.request_id_header {
        Some(h) => quote!(::core::option::Option::Some(#h)),
        None => quote!(::core::option::Option::None),
    };
    let sensitive = &api.sensitive_query_params;
    let signature = ident(api.webhook_signature);
    quote! {
        /// What the runtime needs to know about this API: its name, default server and
        /// security schemes.
        pub static API: #private::ApiDescription = #private::ApiDescription {
            title: #title,
            version: #version,
            env_prefix: #env_prefix,
            default_base_url: #base_url,
            security_schemes: &[#(#schemes),*],
            default_security: #default_security,
            idempotency_header: #idempotency,
            request_id_header: #request_id,
            sensitive_query_params: &[#(#sensitive),*],
            webhook_signature: #private::WebhookSignature::#signature,
        };
    }
}

/// `&[&[0, 1], &[]]`
pub fn security_tokens(alternatives: &[Vec<usize>]) -> TokenStream {
    let alts = alternatives.iter().map(|alt| quote!(&[#(#alt),*]));
    quote!(&[#(#alts),*])
}
