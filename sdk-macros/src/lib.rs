//! The `generate_client!` procedural macro.
//!
//! The pipeline reads in four steps, each in its own module:
//!
//! 1. [`input`]: the macro arguments (the document path, options);
//! 2. [`load`]: find the file, parse JSON or YAML, normalize wild and 3.1 documents, and,
//!    with `tags = [...]` or `operations = [...]`, [`select`] the part of the document to
//!    generate;
//! 3. [`model`]: resolve `$ref`s and turn the document into a checked intermediate
//!    representation in which every name is already decided;
//! 4. [`expand`]: render that representation as tokens.
//!
//! Errors are collected in a [`ctxt::Ctxt`] and reported together as `compile_error!`s
//! naming the document and the JSON pointer of the offending node; the macro never panics
//! on a document.

// The crate docs map the private pipeline for contributors; docs.rs renders those modules
// (`--document-private-items` in Cargo.toml), a plain `cargo doc` leaves the links as text.
#![allow(rustdoc::private_intra_doc_links)]

mod ctxt;
mod expand;
mod input;
mod load;
mod model;
mod names;
mod normalize;
mod pointer;
mod select;
mod yaml;

use proc_macro::TokenStream;

/// Generates a typed async client from an OpenAPI document.
///
/// ```text
/// mod petstore {
///     sdk_runtime::generate_client!("spec/petstore.yaml");
/// }
/// ```
///
/// The path is resolved against the calling crate's `CARGO_MANIFEST_DIR`, then against the
/// directory of the calling file. See the `sdk-runtime` crate documentation for the
/// generated API.
///
/// Options follow the path: `crate = path::to::sdk_runtime` (a re-export of the runtime),
/// `schema_table` (the conformance harness's table), `tags = ["repos", "issues"]`, which
/// generates only the operations whose first tag is listed and the types they reach, and
/// `operations = ["repos/get"]`, which does the same for operations listed by id.
#[proc_macro]
pub fn generate_client(input: TokenStream) -> TokenStream {
    let call_site_file = proc_macro::Span::call_site().local_file();
    expand::generate(input.into(), call_site_file)
        .unwrap_or_else(|err| err.to_compile_error())
        .into()
}
