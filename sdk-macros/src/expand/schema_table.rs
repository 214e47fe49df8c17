//! Generates the hidden schema table of `generate_client!("…", schema_table)`.
//!
//! The table maps the JSON pointer of every component schema and every inline body schema
//! (request, response, webhook payload) to the Rust type generated code decodes it as, and
//! to a function that decodes a JSON value into that type and encodes it back. The
//! conformance harness (`tools/conformance`) feeds it instances made by an independent
//! generator and checks the result with an independent validator, so the types are tested
//! against data no one here wrote.
//!
//! Decoding goes through JSON text (`serde_json::from_str`), as the runtime's response
//! decoder does, because `serde_json::from_value` takes different paths for numbers and
//! untagged enums. Without the option nothing is emitted.
//!
//! ```text
//! #[doc(hidden)]
//! pub mod __schema_table {
//!     pub type RoundTrip = fn(&Value) -> Result<Value, String>;
//!     pub static SCHEMAS: &[(&str, &str, RoundTrip)] = &[
//!         ("#/components/schemas/Pet", "Pet", round_trip::<super::types::Pet>),
//!     ];
//! }
//! ```

use proc_macro2::TokenStream;
use quote::quote;

use super::{Rt, Scope, ty_tokens};
use crate::model::{Api, Ty};

/// Generates `pub mod __schema_table { ... }`.
pub fn expand_schema_table(api: &Api, rt: &Rt) -> TokenStream {
    let private = &rt.private;
    let value = quote!(#private::serde_json::Value);
    let string = quote!(::std::string::String);
    let entries = api.schema_roots.iter().map(|(pointer, ty)| {
        let name = type_name(api, ty);
        let ty = ty_tokens(api, ty, Scope::Builders, rt);
        quote!((#pointer, #name, round_trip::<#ty>),)
    });
    quote! {
        /// Component and body schemas with the types that decode them (conformance tests).
        #[doc(hidden)]
        #[allow(clippy::all, clippy::pedantic, dead_code)]
        pub mod __schema_table {
            /// Decodes a JSON value into a generated type and encodes it back.
            pub type RoundTrip = fn(&#value) -> ::core::result::Result<#value, #string>;

            /// `(JSON pointer, Rust type, round trip)` for every schema.
            pub static SCHEMAS: &[(&str, &str, RoundTrip)] = &[#(#entries)*];

            fn round_trip<__T>(__value: &#value) -> ::core::result::Result<#value, #string>
            where
                __T: #private::serde::de::DeserializeOwned + #private::serde::Serialize,
            {
                let __text = #private::serde_json::to_string(__value).map_err(|__e| ::std::format!("input: {__e}"))?;
                let __typed: __T = #private::serde_json::from_str(&__text).map_err(|__e| ::std::format!("decode: {__e}"))?;
                #private::serde_json::to_value(&__typed).map_err(|__e| ::std::format!("encode: {__e}"))
            }
        }
    }
}

// ===== internal =====

/// The type as a user would write it inside `types`: `Option<Vec<Pet>>`.
fn type_name(api: &Api, ty: &Ty) -> String {
    let inner = |ty: &Ty| type_name(api, ty);
    match ty {
        Ty::Named(id) => api.types[*id].name.clone(),
        Ty::String => "String".into(),
        Ty::Bool => "bool".into(),
        Ty::I32 => "i32".into(),
        Ty::I64 => "i64".into(),
        Ty::U32 => "u32".into(),
        Ty::U64 => "u64".into(),
        Ty::F32 => "f32".into(),
        Ty::F64 => "f64".into(),
        Ty::DateTime => "DateTime".into(),
        Ty::Date => "Date".into(),
        Ty::Uuid => "Uuid".into(),
        Ty::Binary => "Binary".into(),
        Ty::Value => "Value".into(),
        Ty::Object => "Map".into(),
        Ty::Unit => "()".into(),
        Ty::Map(t) => format!("BTreeMap<String, {}>", inner(t)),
        Ty::Vec(t) => format!("Vec<{}>", inner(t)),
        Ty::Option(t) => format!("Option<{}>", inner(t)),
        Ty::Box(t) => format!("Box<{}>", inner(t)),
    }
}
