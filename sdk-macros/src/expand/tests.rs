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

/// Properties spelled like the catch-all map's field get a suffix; the map keeps its name
/// (rustc once failed with E0124, a field declared twice).
#[test]
fn properties_named_like_the_additional_properties_field() {
    let text = expand("spec/wild/additional-properties-field.yaml");
    let file: syn::File = syn::parse_str(&text).expect("parses");
    let mut checked = 0;
    for item in syn_structs(&file) {
        let names: Vec<String> = item
            .fields
            .iter()
            .filter_map(|f| f.ident.as_ref().map(ToString::to_string))
            .collect();
        let unique: std::collections::HashSet<&String> = names.iter().collect();
        assert_eq!(unique.len(), names.len(), "{}: {names:?}", item.ident);
        if item.ident == "Settings" {
            assert_eq!(
                names,
                [
                    "additional_properties2",
                    "additional_properties3",
                    "additional_properties"
                ]
            );
            checked += 1;
        }
        if item.ident == "Merged" {
            assert!(names.contains(&"additional_properties".to_owned()));
            assert!(names.contains(&"additional_properties2".to_owned()));
            checked += 1;
        }
    }
    assert_eq!(checked, 2, "Settings and Merged are generated");
}

/// A method secured by an `http` scheme the client cannot apply says an interceptor must
/// sign its request; a bearer-secured one does not.
#[test]
fn unsupported_http_schemes_are_documented_on_the_method() {
    let text = expand("spec/wild/http-digest.yaml");
    let doc_before = |method: &str| {
        let at = text
            .find(&format!("pub fn {method}("))
            .unwrap_or_else(|| panic!("`{method}` is generated"));
        // The `///` lines (and attributes) right above the method.
        let above: Vec<&str> = text[..at]
            .lines()
            .rev()
            .skip(1)
            .map(str::trim)
            .take_while(|line| line.starts_with("///") || line.starts_with("#["))
            .collect();
        assert!(!above.is_empty(), "`{method}` has docs");
        above.join("\n")
    };
    let list = doc_before("list_pets");
    assert!(
        list.contains("`digestAuth` (`http` scheme `digest`)") && list.contains("Interceptor"),
        "{list}"
    );
    assert!(!doc_before("get_pet").contains("Interceptor"));
    assert!(
        text.contains("SchemeKind::Unsupported"),
        "the scheme is described"
    );
}

/// Every struct of a file, in modules too.
fn syn_structs(file: &syn::File) -> Vec<&syn::ItemStruct> {
    fn walk<'a>(items: &'a [syn::Item], out: &mut Vec<&'a syn::ItemStruct>) {
        for item in items {
            match item {
                syn::Item::Struct(s) => out.push(s),
                syn::Item::Mod(m) => {
                    if let Some((_, inner)) = &m.content {
                        walk(inner, out);
                    }
                }
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    walk(&file.items, &mut out);
    out
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
