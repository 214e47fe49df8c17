//! Expansion snapshots: what users get for small documents, reviewed as pretty-printed Rust.

use std::path::PathBuf;

use quote::quote;

fn expand(path: &str) -> String {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let abs = dir.join("..").join(path).canonicalize().expect("fixture exists");
    let abs = abs.to_string_lossy().into_owned();
    let tokens = super::generate(quote!(#abs), None).unwrap_or_else(|e| e.to_compile_error());
    let file: syn::File = syn::parse2(tokens).expect("expansion parses as a file");
    let text = prettyplease::unparse(&file);
    // The absolute path differs between machines.
    text.replace(&abs, "<spec>")
}

#[test]
fn petstore() {
    insta::assert_snapshot!(expand("spec/petstore.yaml"));
}

#[test]
fn kitchen_sink() {
    insta::assert_snapshot!(expand("spec/kitchen-sink.yaml"));
}

#[test]
fn wild_documents() {
    for doc in ["openapi-31", "wild-30", "webhooks-only-31"] {
        let name = format!("wild_{}", doc.replace('-', "_"));
        insta::assert_snapshot!(name, expand(&format!("spec/wild/{doc}.yaml")));
    }
}
