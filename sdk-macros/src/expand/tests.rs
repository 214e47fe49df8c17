//! Expansion snapshots: what users get for small documents, reviewed as pretty-printed Rust.

use std::path::PathBuf;

use proc_macro2::TokenStream;
use quote::quote;

fn expand(path: &str) -> String {
    expand_with(path, TokenStream::new())
}

/// The expansion of `generate_client!("<path>" #options)`.
fn expand_with(path: &str, options: TokenStream) -> String {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let abs = dir
        .join("..")
        .join(path)
        .canonicalize()
        .expect("fixture exists");
    let abs = abs.to_string_lossy().into_owned();
    let tokens =
        super::generate(quote!(#abs #options), None).unwrap_or_else(|e| e.to_compile_error());
    // The absolute path differs between machines; replace it before pretty-printing, so
    // that its length cannot change how lines are wrapped.
    let tokens = tokens.to_string().replace(&abs, "<spec>");
    let file: syn::File = syn::parse_str(&tokens).expect("expansion parses as a file");
    prettyplease::unparse(&file)
}

#[test]
fn petstore() {
    insta::assert_snapshot!(expand("spec/petstore.yaml"));
}

#[test]
fn kitchen_sink() {
    insta::assert_snapshot!(expand("spec/kitchen-sink.yaml"));
}

/// Streamed bodies: event streams (3.2 `itemSchema`, 3.0 `schema`, text), JSON Lines,
/// downloads and uploads.
#[test]
fn streaming() {
    insta::assert_snapshot!(expand("spec/streaming.yaml"));
}

#[test]
fn wild_documents() {
    for doc in ["openapi-31", "wild-30", "webhooks-only-31"] {
        let name = format!("wild_{}", doc.replace('-', "_"));
        insta::assert_snapshot!(name, expand(&format!("spec/wild/{doc}.yaml")));
    }
}

/// Documents the size of the biggest real APIs (11,000 operations) generate without
/// collisions or errors. Written to a temporary file at test time rather than committed.
#[test]
fn eleven_thousand_operations() {
    use std::fmt::Write as _;
    let mut doc = String::from(
        "{\"openapi\":\"3.0.3\",\"info\":{\"title\":\"Huge\",\"version\":\"1\"},\"paths\":{",
    );
    for i in 0..11_000 {
        let sep = if i == 0 { "" } else { "," };
        // Every tenth operation has no operationId and must be named from its path.
        let id = if i % 10 == 0 {
            String::new()
        } else {
            format!("\"operationId\":\"op{i}\",")
        };
        let _ = write!(
            doc,
            "{sep}\"/r{i}/{{id}}\":{{\"get\":{{{id}\"tags\":[\"t{}\"],\"parameters\":[{{\"name\":\"id\",\"in\":\"path\",\"required\":true,\"schema\":{{\"type\":\"string\"}}}}],\"responses\":{{\"200\":{{\"description\":\"ok\",\"content\":{{\"application/json\":{{\"schema\":{{\"type\":\"object\",\"properties\":{{\"v{i}\":{{\"type\":\"integer\"}}}}}}}}}}}}}}}}}}",
            i % 50
        );
    }
    doc.push_str("}}");
    let path = std::env::temp_dir().join(format!("sdk-macros-huge-{}.json", std::process::id()));
    std::fs::write(&path, doc).expect("temp file");
    let abs = path.to_string_lossy().into_owned();
    let tokens = super::generate(quote!(#abs), None).expect("generates");
    let _ = std::fs::remove_file(&path);
    let text = tokens.to_string();
    assert!(!text.contains("compile_error"), "no errors");
    assert_eq!(text.matches("static OPERATION").count(), 11_000);
    assert!(text.contains("fn get_r10_id"), "named from method and path");
}

#[test]
fn example_api() {
    insta::assert_snapshot!(expand("spec/api.yaml"));
}

/// `tags = [...]`: the `pets` and `stores` sub-clients, their webhook event and the types
/// they reach; nothing of `billing` or of the untagged operation.
#[test]
fn tag_selection() {
    let options = quote!(, tags = ["pets", "stores"]);
    insta::assert_snapshot!(expand_with("spec/tag-selection.yaml", options));
}
