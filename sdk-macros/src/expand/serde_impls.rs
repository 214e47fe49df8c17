//! Generates the `Serialize` and `Deserialize` impls of the document's types.
//!
//! serde's derive writes about fifteen lines of code per field, which rustc then checks in
//! the user's crate on every build; for a large document that was most of the client's
//! compile time. These impls are a few lines per field that call the runtime's
//! `__private::serde_impls` helpers (see that module for the behaviour they keep):
//!
//! ```text
//! impl Deserialize for Pet   => deserialize_record (one visitor, in the runtime)
//! impl DeserializeRecord for Pet {
//!     const KEYS = &["id", "tag"];
//!     const SLOTS = b"\xff\xff\x01\x00...";   // a hash table of the keys (key_slots.rs)
//!     fn visit(mut r) {
//!         let mut f0 = None; let mut f1 = None;
//!         while let Some(k) = r.next_key()? { match k { 0 => r.value(&mut f0)?, 1 => ..., _ => r.skip()? } }
//!         Ok(Pet { id: required(f0, "id")?, tag: f1.unwrap_or_default() })
//!     }
//! }
//! impl Serialize for Pet     => Record::begin(s, "Pet", len); r.field("id", ..); r.optional("tag", ..); r.end()
//! ```
//!
//! Inside `types` the helpers are reached through one `use` (`__serde`), which keeps every
//! line short.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;

use super::key_slots::slots_literal;
use super::{Rt, Scope, ident, ty_tokens};
use crate::model::{Api, Field, ImpliedTag, Ty, Variant};

/// The `use` that names the helpers inside `types`.
pub fn helpers_use(rt: &Rt) -> TokenStream {
    let private = &rt.private;
    quote!(use #private::serde_impls as __serde;)
}

/// `Serialize` and `Deserialize` for a struct.
pub fn struct_impls(
    api: &Api,
    name: &Ident,
    fields: &[Field],
    extra: Option<&Ty>,
    implied: Option<&ImpliedTag>,
    rt: &Rt,
) -> TokenStream {
    let expecting = format!("struct {name}");
    let keys = fields.iter().map(|f| &f.json_name);
    let slots = slots_literal(fields.iter().map(|f| f.json_name.as_str()));
    let visit_body = if fields.iter().all(|f| !f.required) {
        visit_into_default(fields, extra)
    } else {
        visit_into_slots(api, fields, extra, rt)
    };
    let serialize = serialize_struct(name, fields, extra, implied);
    quote! {
        impl<'de> __serde::Deserialize<'de> for #name {
            fn deserialize<__D: __serde::Deserializer<'de>>(__d: __D) -> ::core::result::Result<Self, __D::Error> {
                __serde::deserialize_record(__d)
            }
        }

        // Decoding machinery, not API: hidden so that it stays off the type's page (the
        // trait is hidden in the runtime too).
        #[doc(hidden)]
        impl __serde::DeserializeRecord for #name {
            const EXPECTING: &'static str = #expecting;
            const KEYS: &'static [&'static str] = &[#(#keys),*];
            /// The keys' hash table, built by the macro: finds a key's field in one probe.
            const SLOTS: &'static [u8] = #slots;

            fn visit<'de, __A: __serde::MapAccess<'de>>(mut __r: __serde::RecordReader<__A>) -> ::core::result::Result<Self, __A::Error> {
                #visit_body
            }
        }

        #serialize
    }
}

/// The body of `visit` for a struct whose fields are all optional (it derives `Default`):
/// values are read straight into a default instance, which keeps the function small.
fn visit_into_default(fields: &[Field], extra: Option<&Ty>) -> TokenStream {
    let arms = fields.iter().enumerate().map(|(i, f)| {
        let pattern = key_pattern(i, extra.is_some());
        let field = ident(&f.name);
        quote!(#pattern => __r.set(&mut __v.#field),)
    });
    let (read_key, unknown) = unknown_key_arm(extra, quote!(&mut __v.additional_properties));
    quote! {
        let mut __v: Self = ::core::default::Default::default();
        // An escaped address keeps the value in memory: without it LLVM carries every
        // field through the loop in registers and, with dozens of fields, spills and
        // reshuffles all of them on every key (on GitHub's `minimal-repository`, most of
        // the decoding time: 0.44× serde derive's throughput). Each key now writes its own.
        ::core::hint::black_box(&mut __v);
        while let ::core::option::Option::Some(__k) = #read_key? {
            match __k {
                #(#arms)*
                #unknown
            }?;
        }
        ::core::result::Result::Ok(__v)
    }
}

/// The body of `visit` for a struct with required fields: required values are read into
/// `Option` slots checked after the loop, the others into slots of their own type that
/// start at the default (`None`, `Value::Null`).
fn visit_into_slots(api: &Api, fields: &[Field], extra: Option<&Ty>, rt: &Rt) -> TokenStream {
    let slots: Vec<Ident> = (0..fields.len())
        .map(|i| quote::format_ident!("__f{}", i))
        .collect();
    let decls = fields.iter().zip(&slots).map(|(f, slot)| {
        let ty = ty_tokens(api, &f.ty, Scope::Types, rt);
        if f.required {
            quote!(let mut #slot: ::core::option::Option<#ty> = ::core::option::Option::None;)
        } else {
            quote!(let mut #slot: #ty = ::core::default::Default::default();)
        }
    });
    let arms = fields.iter().zip(&slots).enumerate().map(|(i, (f, slot))| {
        let pattern = key_pattern(i, extra.is_some());
        if f.required {
            quote!(#pattern => __r.value(&mut #slot),)
        } else {
            quote!(#pattern => __r.set(&mut #slot),)
        }
    });
    let required = fields
        .iter()
        .zip(&slots)
        .filter(|(f, _)| f.required)
        .map(|(f, slot)| {
            let json = &f.json_name;
            quote!((#slot.is_some(), #json),)
        });
    let inits = fields.iter().zip(&slots).map(|(f, slot)| {
        let field = ident(&f.name);
        if f.required {
            quote!(#field: __serde::take(#slot),)
        } else {
            quote!(#field: #slot,)
        }
    });
    let (extra_let, extra_init) = match extra {
        Some(_) => (
            quote!(let mut __extra = ::std::collections::BTreeMap::new();),
            quote!(additional_properties: __extra,),
        ),
        None => (TokenStream::new(), TokenStream::new()),
    };
    let (read_key, unknown) = unknown_key_arm(extra, quote!(&mut __extra));
    quote! {
        #(#decls)*
        #extra_let
        // Keeps the slots in memory rather than registers, so that each key writes only its
        // own slot (see `visit_into_default`); it changes no value.
        ::core::hint::black_box((#(&mut #slots,)*));
        while let ::core::option::Option::Some(__k) = #read_key? {
            match __k {
                #(#arms)*
                #unknown
            }?;
        }
        __r.require(&[#(#required)*])?;
        ::core::result::Result::Ok(Self {
            #(#inits)*
            #extra_init
        })
    }
}

/// The pattern of the `index`th declared key: `Ok(index)` when undeclared keys are kept
/// by name.
fn key_pattern(index: usize, keeps_unknown: bool) -> TokenStream {
    let index = Literal::usize_unsuffixed(index);
    match keeps_unknown {
        true => quote!(::core::result::Result::Ok(#index)),
        false => quote!(#index),
    }
}

/// How keys are read, and the match arm of undeclared keys: skipped, or kept in `extra`.
fn unknown_key_arm(extra: Option<&Ty>, extra_place: TokenStream) -> (TokenStream, TokenStream) {
    match extra {
        Some(_) => (
            quote!(__r.next_key_or_name()),
            quote! {
                ::core::result::Result::Err(__key) => __r.extra(#extra_place, __key),
                ::core::result::Result::Ok(_) => ::core::result::Result::Ok(()),
            },
        ),
        None => (quote!(__r.next_key()), quote!(_ => __r.skip(),)),
    }
}

/// `Serialize` for a struct: a struct of the fields that are present, or a map when
/// additional properties are kept.
fn serialize_struct(
    name: &Ident,
    fields: &[Field],
    extra: Option<&Ty>,
    implied: Option<&ImpliedTag>,
) -> TokenStream {
    // The implied tag goes first: servers that pick a variant while streaming see it
    // before the rest.
    let tag = implied.map(|tag| {
        let (property, value) = (&tag.property, &tag.value);
        quote!(__w.field(#property, #value);)
    });
    let writes = tag.into_iter().chain(fields.iter().map(|f| {
        let field = ident(&f.name);
        let json = &f.json_name;
        if skipped_when_none(f) {
            quote!(__w.optional(#json, &self.#field);)
        } else {
            quote!(__w.field(#json, &self.#field);)
        }
    }));
    let (begin, extra_write) = match extra {
        Some(_) => (
            quote!(__serde::Record::begin_map(__s)?),
            quote!(__w.extra(&self.additional_properties);),
        ),
        None => {
            // The exact count of fields written: formats with definite-length maps need it.
            let fixed = fields.iter().filter(|f| !skipped_when_none(f)).count()
                + usize::from(implied.is_some());
            let present = fields.iter().filter(|f| skipped_when_none(f)).map(|f| {
                let field = ident(&f.name);
                quote!(+ __serde::present(&self.#field))
            });
            let name = name.to_string();
            (
                quote!(__serde::Record::begin(__s, #name, #fixed #(#present)*)?),
                TokenStream::new(),
            )
        }
    };
    quote! {
        impl __serde::Serialize for #name {
            fn serialize<__S: __serde::Serializer>(&self, __s: __S) -> ::core::result::Result<__S::Ok, __S::Error> {
                let mut __w = #begin;
                #(#writes)*
                #extra_write
                __w.end()
            }
        }
    }
}

/// `Serialize`, `Deserialize`, `as_str` and `From<&str>` for a string enum with its
/// `Unknown(String)` fallback.
pub fn string_enum_impls(name: &Ident, variants: &[(String, String)]) -> TokenStream {
    let idents: Vec<Ident> = variants.iter().map(|(v, _)| ident(v)).collect();
    let values: Vec<&String> = variants.iter().map(|(_, value)| value).collect();
    quote! {
        impl #name {
            /// The value as the API spells it.
            #[inline]
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#idents => #values,)*
                    Self::Unknown(__other) => __other,
                }
            }
        }

        impl ::core::convert::From<&str> for #name {
            #[inline]
            fn from(__value: &str) -> Self {
                match __value {
                    #(#values => Self::#idents,)*
                    __other => Self::Unknown(::std::borrow::ToOwned::to_owned(__other)),
                }
            }
        }

        impl __serde::Serialize for #name {
            fn serialize<__S: __serde::Serializer>(&self, __s: __S) -> ::core::result::Result<__S::Ok, __S::Error> {
                __s.serialize_str(self.as_str())
            }
        }

        impl<'de> __serde::Deserialize<'de> for #name {
            fn deserialize<__D: __serde::Deserializer<'de>>(__d: __D) -> ::core::result::Result<Self, __D::Error> {
                __serde::deserialize_string_enum(__d)
            }
        }
    }
}

/// `Serialize` for a union: each variant (named by `variants`) as its own value (serde's
/// "untagged"), and an `Unknown` fallback, when there is one, as the value it kept.
pub fn union_serialize(name: &Ident, variants: &[Ident], has_unknown: bool) -> TokenStream {
    let unknown =
        has_unknown.then(|| quote!(Self::Unknown(__v) => __serde::Serialize::serialize(__v, __s),));
    quote! {
        impl __serde::Serialize for #name {
            fn serialize<__S: __serde::Serializer>(&self, __s: __S) -> ::core::result::Result<__S::Ok, __S::Error> {
                match self {
                    #(Self::#variants(__v) => __serde::Serialize::serialize(__v, __s),)*
                    #unknown
                }
            }
        }
    }
}

/// `Deserialize` for a union told apart by the string property `tag`: each arm is a variant
/// and the tag values that select it; `otherwise` builds the value from `__value` (the
/// buffered JSON) when no arm matches.
pub fn tagged_deserialize(
    name: &Ident,
    tag: &str,
    arms: impl Iterator<Item = (Ident, Vec<String>)>,
    otherwise: TokenStream,
) -> TokenStream {
    let arms = arms.map(|(variant, tags)| {
        quote!(::core::option::Option::Some(#(#tags)|*) => __serde::from_value(__value).map(Self::#variant),)
    });
    quote! {
        impl<'de> __serde::Deserialize<'de> for #name {
            fn deserialize<__D: __serde::Deserializer<'de>>(__d: __D) -> ::core::result::Result<Self, __D::Error> {
                let __value = __serde::buffer(__d)?;
                match __serde::discriminator(&__value, #tag) {
                    #(#arms)*
                    _ => #otherwise,
                }
            }
        }
    }
}

/// `Deserialize` for a union without a discriminator: the value is buffered and the
/// variants tried in order; a free-form variant takes anything, and otherwise a value no
/// variant accepts is kept in `Unknown`.
pub fn untagged_deserialize(name: &Ident, variants: &[Variant]) -> TokenStream {
    let mut tries = Vec::new();
    let mut last = quote!(::core::result::Result::Ok(Self::Unknown(__v.into_json())));
    for v in variants {
        let vname = ident(&v.name);
        if v.ty == Ty::Value {
            last = quote!(::core::result::Result::Ok(Self::#vname(__v.into_json())));
            break;
        }
        tries.push(quote! {
            if let ::core::option::Option::Some(__x) = __serde::try_variant(&__v) {
                return ::core::result::Result::Ok(Self::#vname(__x));
            }
        });
    }
    quote! {
        impl<'de> __serde::Deserialize<'de> for #name {
            fn deserialize<__D: __serde::Deserializer<'de>>(__d: __D) -> ::core::result::Result<Self, __D::Error> {
                let __v = __serde::buffer_untagged(__d)?;
                #(#tries)*
                #last
            }
        }
    }
}

/// `Debug` and `PartialEq` through the type's JSON (see the runtime's `serde_impls::debug`).
pub fn json_debug_eq(name: &Ident) -> TokenStream {
    let name_str = name.to_string();
    quote! {
        impl ::core::fmt::Debug for #name {
            #[inline]
            fn fmt(&self, __f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                __serde::debug(self, #name_str, __f)
            }
        }

        impl ::core::cmp::PartialEq for #name {
            #[inline]
            fn eq(&self, __other: &Self) -> bool {
                __serde::same_json(self, __other)
            }
        }
    }
}

/// Whether a field is left out of the output when it is `None`.
fn skipped_when_none(field: &Field) -> bool {
    matches!(field.ty, Ty::Option(_)) && !field.emit_null
}
