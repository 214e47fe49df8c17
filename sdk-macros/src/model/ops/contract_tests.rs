//! The macro's copies of runtime names, checked against the runtime's source:
//! the builder methods parameters must not shadow, and the query styles.

use std::collections::BTreeSet;

use syn::{ImplItem, Item};

use super::{BUILDER_METHODS, QueryStyle};

fn runtime_file(path: &str) -> syn::File {
    let path = format!("{}/../sdk-runtime/src/{path}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    syn::parse_file(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// `fn name` pairs anywhere in a token stream (a `macro_rules!` body).
fn fn_names(tokens: proc_macro2::TokenStream, out: &mut BTreeSet<String>) {
    let mut after_fn = false;
    for tree in tokens {
        match tree {
            proc_macro2::TokenTree::Ident(ident) if after_fn => {
                out.insert(ident.to_string());
                after_fn = false;
            }
            proc_macro2::TokenTree::Ident(ident) => after_fn = ident == "fn",
            proc_macro2::TokenTree::Group(group) => {
                fn_names(group.stream(), out);
                after_fn = false;
            }
            _ => after_fn = false,
        }
    }
}

#[test]
fn every_method_a_generated_builder_has_is_reserved() {
    let file = runtime_file("call.rs");
    let mut methods = BTreeSet::new();
    for item in &file.items {
        match item {
            Item::Macro(m) if m.ident.as_ref().is_some_and(|i| i == "__call_impls") => {
                fn_names(m.mac.tokens.clone(), &mut methods);
            }
            Item::Impl(i)
                if quote::quote!(#i.self_ty)
                    .to_string()
                    .contains("RequestBuilder") =>
            {
                for item in &i.items {
                    if let ImplItem::Fn(f) = item
                        && matches!(f.vis, syn::Visibility::Public(_))
                    {
                        methods.insert(f.sig.ident.to_string());
                    }
                }
            }
            _ => {}
        }
    }
    // Trait methods (`into_future`, `fmt`) are found too; `fmt` is not a
    // builder method a parameter could shadow.
    methods.remove("fmt");
    for internal in ["from_call", "into_call"] {
        methods.remove(internal);
    }
    assert!(methods.len() >= 8, "found only {methods:?}");
    let reserved: BTreeSet<String> = BUILDER_METHODS.iter().map(|s| s.to_string()).collect();
    let missing: Vec<_> = methods.difference(&reserved).collect();
    assert!(
        missing.is_empty(),
        "builder methods not in BUILDER_METHODS: {missing:?}"
    );
}

#[test]
fn the_query_styles_are_the_runtimes() {
    let file = runtime_file("contract.rs");
    let runtime: BTreeSet<String> = file
        .items
        .iter()
        .find_map(|item| match item {
            Item::Enum(e) if e.ident == "QueryStyle" => {
                Some(e.variants.iter().map(|v| v.ident.to_string()).collect())
            }
            _ => None,
        })
        .expect("contract.rs defines QueryStyle");
    let ours: BTreeSet<String> = QueryStyle::ALL
        .iter()
        .map(|s| s.runtime_variant().to_owned())
        .collect();
    assert_eq!(ours, runtime);
}
