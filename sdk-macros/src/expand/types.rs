//! Generates the `types` module: one item per named schema, plus the enums of operations
//! that answer with different bodies per status.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{doc_attrs, opt_doc};
use super::serde_impls::{
    helpers_use, json_debug_eq, string_enum_impls, struct_impls, tagged_deserialize,
    union_serialize, untagged_deserialize,
};
use super::{Rt, Scope, ident, ty_tokens};
use crate::model::{Api, Decode, Field, Ty, TypeDef, TypeKind, Variant};

/// Generates `pub mod types { ... }`.
pub fn expand_types(api: &Api, rt: &Rt) -> TokenStream {
    let defs = api.types.iter().map(|def| expand_def(api, def, rt));
    let responses = api
        .operations()
        .flat_map(|op| [&op.ok, &op.err])
        .filter_map(|d| expand_response_enum(api, d, rt));
    let helpers = helpers_use(rt);
    quote! {
        /// Types of the document's schemas, request bodies and responses.
        #[allow(clippy::all, clippy::pedantic, non_camel_case_types, dead_code, unused_imports, unused_mut)]
        pub mod types {
            #helpers
            #(#defs)*
            #(#responses)*
        }
    }
}

// ===== internal =====

/// Generates explicit impls of the auto traits a generated type can implement safely.
///
/// Why: rustdoc works out every auto trait of every documented type ("Auto Trait
/// Implementations") by walking its fields, and through a `Box` or `Vec` that walk costs
/// several levels of the trait solver per generated type. Provider documents chain types
/// deeply (Stripe: payment intent -> invoice -> charge -> application fee -> balance
/// transaction -> ...), so `cargo doc` on a user crate failed with E0275 (overflow
/// evaluating `NonNull<T>: RefUnwindSafe`) unless the user raised `recursion_limit`. An
/// explicit impl is selected at once, so each type stops the walk at itself. The impls
/// state what is already true: generated types hold only owned data (strings, numbers,
/// collections, boxes, JSON values and other generated types). `Send` and `Sync` cost
/// fewer levels per type (`Box<T>: Send` goes straight to `T: Send`) and would need
/// `unsafe impl`, so they are left to the compiler.
fn auto_trait_impls(name: &proc_macro2::Ident) -> TokenStream {
    quote! {
        impl ::core::panic::UnwindSafe for #name {}
        impl ::core::panic::RefUnwindSafe for #name {}
        impl ::core::marker::Unpin for #name {}
    }
}

fn expand_def(api: &Api, def: &TypeDef, rt: &Rt) -> TokenStream {
    let name = ident(&def.name);
    let origin = format!("Schema `{}` of the document.", def.pointer);
    let doc = match &def.doc {
        Some(text) => doc_attrs(&format!("{text}\n\n{origin}")),
        None => doc_attrs(&origin),
    };
    let private = &rt.private;
    match &def.kind {
        TypeKind::Struct {
            fields,
            extra,
            implied,
        } => {
            let all_optional = fields.iter().all(|f| !f.required);
            let default = all_optional.then(|| quote!(::core::default::Default,));
            let impls = struct_impls(api, &name, fields, extra.as_ref(), implied.as_ref(), rt);
            let doc = match (implied, &def.doc) {
                (Some(tag), text) => doc_attrs(&format!(
                    "{}{origin}\n\nOn the wire `{}` is always `{:?}`: the type implies it, \
                     so it has no field for it.",
                    text.as_deref()
                        .map(|t| format!("{t}\n\n"))
                        .unwrap_or_default(),
                    tag.property,
                    tag.value,
                )),
                _ => doc,
            };
            let json_traits = json_debug_eq(&name);
            let auto_traits = auto_trait_impls(&name);
            let fields = fields.iter().map(|f| expand_field(api, f, rt));
            let extra = extra.as_ref().map(|ty| {
                let ty = ty_tokens(api, ty, Scope::Types, rt);
                quote! {
                    /// Properties beyond the declared ones.
                    pub additional_properties: ::std::collections::BTreeMap<::std::string::String, #ty>,
                }
            });
            quote! {
                #doc
                #[derive(::core::clone::Clone, #default)]
                pub struct #name {
                    #(#fields)*
                    #extra
                }
                #impls
                #json_traits
                #auto_traits
            }
        }
        TypeKind::Enum { variants } => {
            let impls = string_enum_impls(&name, variants);
            let auto_traits = auto_trait_impls(&name);
            let variants = variants.iter().map(|(v, _)| ident(v));
            quote! {
                #doc
                #[derive(::core::clone::Clone, ::core::fmt::Debug, ::core::cmp::PartialEq, ::core::cmp::Eq, ::core::hash::Hash)]
                pub enum #name {
                    #(#variants,)*
                    /// A value this client does not know yet.
                    Unknown(::std::string::String),
                }
                #impls
                #auto_traits
            }
        }
        TypeKind::Union {
            variants,
            discriminator,
        } => expand_union(api, &name, doc, variants, discriminator.as_deref(), rt),
        TypeKind::Alias(ty) => {
            let ty = ty_tokens(api, ty, Scope::Types, rt);
            quote!(#doc pub type #name = #ty;)
        }
        TypeKind::Pending => quote!(#doc pub type #name = #private::serde_json::Value;),
    }
}

fn expand_field(api: &Api, field: &Field, rt: &Rt) -> TokenStream {
    let name = ident(&field.name);
    let ty = ty_tokens(api, &field.ty, Scope::Types, rt);
    let doc = opt_doc(field.doc.as_deref());
    quote!(#doc pub #name: #ty,)
}

fn expand_union(
    api: &Api,
    name: &proc_macro2::Ident,
    doc: TokenStream,
    variants: &[Variant],
    discriminator: Option<&str>,
    rt: &Rt,
) -> TokenStream {
    let private = &rt.private;
    let has_value = variants.iter().any(|v| v.ty == Ty::Value);
    let idents: Vec<_> = variants.iter().map(|v| ident(&v.name)).collect();
    let serialize = union_serialize(name, &idents, !has_value);
    let json_traits = json_debug_eq(name);
    let auto_traits = auto_trait_impls(name);
    let items = variants.iter().map(|v| {
        let vname = ident(&v.name);
        let ty = ty_tokens(api, &v.ty, Scope::Types, rt);
        quote!(#vname(#ty),)
    });
    let fallback = (!has_value).then(|| {
        quote! {
            /// A value that matches none of the variants above.
            Unknown(#private::serde_json::Value),
        }
    });
    let Some(tag) = discriminator else {
        let deserialize = untagged_deserialize(name, variants);
        return quote! {
            #doc
            #[derive(::core::clone::Clone)]
            pub enum #name {
                #(#items)*
                #fallback
            }
            #serialize
            #deserialize
            #json_traits
            #auto_traits
        };
    };
    let otherwise = if has_value {
        quote!(__serde::from_value(__value))
    } else {
        quote!(::core::result::Result::Ok(Self::Unknown(__value)))
    };
    let arms = idents
        .into_iter()
        .zip(variants.iter().map(|v| v.tags.clone()));
    let deserialize = tagged_deserialize(name, tag, arms, otherwise);
    quote! {
        #doc
        #[derive(::core::clone::Clone)]
        pub enum #name {
            #(#items)*
            #fallback
        }
        #serialize
        #deserialize
        #json_traits
        #auto_traits
    }
}

/// Generates the enum of an operation that answers with different bodies per status.
fn expand_response_enum(api: &Api, decode: &Decode, rt: &Rt) -> Option<TokenStream> {
    let Decode::Enum { name, variants } = decode else {
        return None;
    };
    let private = &rt.private;
    let root = &rt.root;
    let name = ident(name);
    let mut items = Vec::new();
    let mut arms = Vec::new();
    // Exact statuses first, then ranges, then `default`.
    let mut ordered: Vec<_> = variants.iter().collect();
    ordered.sort_by_key(|v| match v.status.as_str() {
        "default" => 2,
        s if s.chars().all(|c| c.is_ascii_digit()) => 0,
        _ => 1,
    });
    for v in ordered {
        let vname = ident(&v.name);
        let status = &v.status;
        let doc = doc_attrs(&format!("Status `{status}`."));
        let (item, decode) = match &v.decode {
            Decode::Json(ty) => {
                let ty = ty_tokens(api, ty, Scope::Types, rt);
                (
                    quote!(#doc #vname(#ty),),
                    quote!(#private::decode::json(__parts).map(Self::#vname)),
                )
            }
            Decode::Text => (
                quote!(#doc #vname(::std::string::String),),
                quote!(#private::decode::text(__parts).map(Self::#vname)),
            ),
            Decode::Bytes => (
                quote!(#doc #vname(#root::types::Bytes),),
                quote!(#private::decode::bytes(__parts).map(Self::#vname)),
            ),
            _ => (
                quote!(#doc #vname,),
                quote!(::core::result::Result::Ok(Self::#vname)),
            ),
        };
        items.push(item);
        arms.push(quote! {
            if #private::decode::status_is(__parts, #status) {
                return #decode;
            }
        });
    }
    let auto_traits = auto_trait_impls(&name);
    Some(quote! {
        #auto_traits
        /// The body of a response, by status.
        #[derive(::core::clone::Clone, ::core::fmt::Debug, ::core::cmp::PartialEq)]
        pub enum #name {
            #(#items)*
        }

        impl #name {
            #[doc(hidden)]
            #[inline]
            pub fn __decode(__parts: &#private::ResponseParts<'_>) -> ::core::result::Result<Self, #private::DecodeError> {
                #(#arms)*
                ::core::result::Result::Err(#private::DecodeError::new("a status the document does not describe"))
            }

            #[doc(hidden)]
            #[inline]
            pub fn __decode_error(__parts: &#private::ResponseParts<'_>) -> ::core::option::Option<#private::ErrorBody> {
                Self::__decode(__parts).ok().map(|__body| ::std::boxed::Box::new(__body) as #private::ErrorBody)
            }
        }
    })
}
