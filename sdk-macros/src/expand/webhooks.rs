//! Generates the typed webhook events and the `verify + decode` entry point.
//!
//! For a document that declares webhooks the output is an enum over the payloads, decoded by
//! the discriminator the model chose, and a `Webhooks` handle on `Client` whose `unwrap`
//! verifies the raw body with the client's webhook verifier (`sdk_runtime::webhooks`) before
//! decoding it:
//!
//! ```text
//! pub enum WebhookEvent { UserCreated(types::UserCreatedEvent), .., Unknown(Value) }
//! impl Client { pub fn webhooks(&self) -> Webhooks<'_> }
//! impl Webhooks<'_> { pub fn unwrap(&self, headers: &HeaderMap, body: &[u8]) -> Result<WebhookEvent, WebhookError> }
//! ```

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::doc_attrs;
use super::serde_impls::{tagged_deserialize, union_serialize};
use super::{Rt, Scope, ident, ty_tokens};
use crate::model::Api;

/// Items for the document's webhook events; empty when it declares none.
pub fn expand_webhooks(api: &Api, rt: &Rt) -> TokenStream {
    let Some(first) = api.webhooks.first() else {
        return TokenStream::new();
    };
    let event = expand_event_enum(api, &first.property, rt);
    let handle = expand_handle(api, rt);
    quote! {
        #event
        #handle
    }
}

// ===== internal =====

fn expand_event_enum(api: &Api, property: &str, rt: &Rt) -> TokenStream {
    let private = &rt.private;
    let names: Vec<String> = api
        .webhooks
        .iter()
        .map(|e| format!("`{}`", e.tag))
        .collect();
    let doc = doc_attrs(&format!(
        "A webhook event of {}, as decoded by [`Webhooks::unwrap`].\n\n\
         Events are told apart by the payload's `{property}` property ({}); a payload with \
         another value decodes to [`Unknown`](Self::Unknown), so events the sender adds later \
         never fail to decode.",
        api.title,
        names.join(", "),
    ));
    let variants = api.webhooks.iter().map(|e| {
        let variant = ident(&e.variant);
        let ty = ty_tokens(api, &e.payload, Scope::Root, rt);
        let about = e
            .doc
            .as_deref()
            .map(|d| format!("\n\n{d}"))
            .unwrap_or_default();
        let declared = match e.name == e.tag {
            true => String::new(),
            false => format!(" (declared as `{}`)", e.name),
        };
        let doc = doc_attrs(&format!("The `{}` event{declared}.{about}", e.tag));
        quote!(#doc #variant(#ty),)
    });
    let name = ident("WebhookEvent");
    let idents: Vec<_> = api.webhooks.iter().map(|e| ident(&e.variant)).collect();
    let serialize = union_serialize(&name, &idents, true);
    let arms = idents
        .iter()
        .cloned()
        .zip(api.webhooks.iter().map(|e| vec![e.tag.clone()]));
    let otherwise = quote!(::core::result::Result::Ok(Self::Unknown(__value)));
    let deserialize = tagged_deserialize(&name, property, arms, otherwise);
    let types = idents.iter().zip(&api.webhooks).map(|(variant, e)| {
        let tag = &e.tag;
        quote!(Self::#variant(_) => ::core::option::Option::Some(#tag),)
    });
    quote! {
        #doc
        #[derive(::core::clone::Clone, ::core::fmt::Debug, ::core::cmp::PartialEq)]
        pub enum WebhookEvent {
            #(#variants)*
            /// An event this client does not know (yet): the verified payload as JSON.
            Unknown(#private::serde_json::Value),
        }

        impl WebhookEvent {
            /// The event type, as the payload's discriminator property names it.
            pub fn event_type(&self) -> ::core::option::Option<&str> {
                match self {
                    #(#types)*
                    Self::Unknown(__value) => #private::discriminator(__value, #property),
                }
            }
        }

        // The helpers' names are short inside `types`; here they are brought into scope
        // for these two impls only.
        const _: () = {
            use #private::serde_impls as __serde;
            #serialize
            #deserialize
        };
    }
}

fn expand_handle(api: &Api, rt: &Rt) -> TokenStream {
    let root = &rt.root;
    let private = &rt.private;
    let accessor = ident(&api.webhooks_accessor());
    let env = match api.env_prefix.as_str() {
        "" => "WEBHOOK_SECRET".to_owned(),
        prefix => format!("{prefix}_WEBHOOK_SECRET"),
    };
    let accessor_doc = doc_attrs(&format!(
        "Verifies and decodes incoming webhooks with the secret given to \
         `ClientBuilder::webhook_secret` (or `webhook_verifier`), else the one in `{env}`."
    ));
    let errors = "# Errors\n\n\
        A `WebhookError` whose `kind()` says which check failed: a missing or malformed header, a \
        missing or invalid secret, a timestamp outside the tolerance, no matching signature, or \
        (after a valid signature) a payload that does not decode.";
    let unwrap_doc = doc_attrs(&format!(
        "Verifies the signature over `body`, the raw bytes exactly as received, then decodes the \
         event. Nothing of the body is parsed before its signature is checked.\n\n{errors}"
    ));
    let once_doc = doc_attrs(&format!(
        "[`unwrap`](Self::unwrap), then remembers the signed webhook id in `guard`, so a \
         redelivery of an event already handled fails with `WebhookErrorKind::Replayed` (answer \
         it `200`). If handling the event fails, `guard.forget(id)` lets the sender's retry in. \
         Schemes without a signed id (Stripe's) are not de-duplicated.\n\n{errors}"
    ));
    quote! {
        /// Verifies and decodes incoming webhooks; get one from [`Client`].
        #[derive(::core::clone::Clone, ::core::marker::Copy, ::core::fmt::Debug)]
        pub struct Webhooks<'a> {
            client: &'a #root::Client,
        }

        impl Client {
            #accessor_doc
            pub fn #accessor(&self) -> Webhooks<'_> {
                Webhooks { client: &self.inner }
            }
        }

        impl Webhooks<'_> {
            #unwrap_doc
            pub fn unwrap(
                &self,
                headers: &#private::HeaderMap,
                body: &[u8],
            ) -> ::core::result::Result<WebhookEvent, #root::webhooks::WebhookError> {
                self.unwrap_at(headers, body, ::std::time::SystemTime::now())
            }

            /// [`unwrap`](Self::unwrap) with `now` as the current time (for tests).
            ///
            /// # Errors
            ///
            /// As [`unwrap`](Self::unwrap).
            pub fn unwrap_at(
                &self,
                headers: &#private::HeaderMap,
                body: &[u8],
                now: ::std::time::SystemTime,
            ) -> ::core::result::Result<WebhookEvent, #root::webhooks::WebhookError> {
                let __verifier = self.client.webhook_verifier()?;
                #root::webhooks::verify_and_decode_at(&*__verifier, headers, body, now)
            }

            #once_doc
            pub fn unwrap_once(
                &self,
                headers: &#private::HeaderMap,
                body: &[u8],
                guard: &#root::webhooks::ReplayGuard,
            ) -> ::core::result::Result<WebhookEvent, #root::webhooks::WebhookError> {
                let __verifier = self.client.webhook_verifier()?;
                let __verified = __verifier.verify(headers, body)?;
                let __event = #root::webhooks::decode(body)?;
                if let ::core::option::Option::Some(__id) = __verified.id() {
                    guard.check_and_remember(__id)?;
                }
                ::core::result::Result::Ok(__event)
            }
        }
    }
}
