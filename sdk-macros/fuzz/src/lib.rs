//! The `generate_client!` pipeline as a plain library, for fuzzing.
//!
//! A `proc-macro` crate can export nothing but macros, so neither a fuzz target nor any
//! other crate can call its functions. Rather than add a feature or a `cfg` that changes
//! the macro crate's shape, this crate compiles the very same source files with `#[path]`:
//! the modules sit at this crate's root exactly as they do in `sdk-macros`, so every
//! `crate::...` path inside them resolves unchanged, and nothing can drift between what is
//! fuzzed and what users run. `proc_macro2` falls back to its own implementation outside a
//! compiler session, and it checks identifiers as strictly as the compiler does, so an
//! invalid generated name panics here as it would in a build.

#![allow(dead_code, unused_imports, unused_variables)]
#![allow(clippy::all, clippy::pedantic)]

#[path = "../../src/ctxt.rs"]
mod ctxt;
#[path = "../../src/expand/mod.rs"]
mod expand;
#[path = "../../src/input.rs"]
mod input;
#[path = "../../src/load.rs"]
mod load;
#[path = "../../src/model/mod.rs"]
mod model;
#[path = "../../src/names.rs"]
mod names;
#[path = "../../src/normalize.rs"]
mod normalize;
#[path = "../../src/pointer.rs"]
mod pointer;
#[path = "../../src/select/mod.rs"]
mod select;
#[path = "../../src/yaml.rs"]
mod yaml;

use std::path::{Path, PathBuf};

/// What the macro made of one document.
#[derive(Debug)]
pub enum Outcome {
    /// A client was generated; the number of bytes of its pretty-unprinted tokens.
    Generated(usize),
    /// The document was rejected; the compile error's messages, one per line.
    Rejected(String),
}

/// Runs the whole macro on the document in `file`, as `generate_client!("<file>")` would.
///
/// # Panics
///
/// When the macro would panic, and when the tokens it generates do not parse as a Rust
/// file: both are bugs the fuzzer is looking for.
pub fn run_file(file: &Path) -> Outcome {
    // Absolute, as the macro resolves relative paths against `CARGO_MANIFEST_DIR`.
    let file = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
    let path = file.to_string_lossy().into_owned();
    match expand::generate(quote::quote!(#path), None) {
        Ok(tokens) => {
            let text = tokens.to_string();
            let file = match syn::parse2::<syn::File>(tokens) {
                Ok(file) => file,
                Err(e) => panic!("the generated tokens do not parse as Rust: {e}\n{text}"),
            };
            // Errors in single items are reported beside the rest of the client.
            let errors: Vec<String> = file.items.iter().filter_map(compile_error).collect();
            if errors.is_empty() {
                Outcome::Generated(text.len())
            } else {
                Outcome::Rejected(errors.join("\n"))
            }
        }
        Err(e) => Outcome::Rejected(
            e.into_iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("\n"),
        ),
    }
}

/// The message of a top-level `compile_error!{"..."}`.
fn compile_error(item: &syn::Item) -> Option<String> {
    let syn::Item::Macro(m) = item else {
        return None;
    };
    if !m
        .mac
        .path
        .segments
        .last()
        .is_some_and(|s| s.ident == "compile_error")
    {
        return None;
    }
    let lit: syn::LitStr = syn::parse2(m.mac.tokens.clone()).ok()?;
    Some(lit.value())
}

/// Runs the macro on `data` written to a scratch file without an extension, so the loader
/// picks JSON or YAML by the first character, as it does for unknown extensions.
pub fn run_bytes(data: &[u8]) -> Outcome {
    let file = scratch_file();
    if std::fs::write(&file, data).is_err() {
        return Outcome::Rejected("cannot write the scratch file".into());
    }
    run_file(&file)
}

/// One scratch file per process: libFuzzer runs inputs one at a time in a process.
fn scratch_file() -> PathBuf {
    std::env::temp_dir().join(format!("sdk-macros-fuzz-{}", std::process::id()))
}
