//! The macro's pipeline alone (load → normalize → model → expand) on one document, outside
//! the compiler: `scripts/sweep.py` builds this file into a binary whose other modules are
//! symbolic links to `sdk-macros/src/*` (a proc-macro crate exports nothing but its macros,
//! so its pipeline cannot be linked any other way).
//!
//! Usage: `sweep-pipeline DOC`, DOC an absolute path. Prints one tab-separated row:
//! `ok|error|panic`, the pipeline's milliseconds, the size of its output in bytes, and the
//! first error message (empty when none). A stack overflow aborts the process instead; the
//! sweep records that as a crash.

use std::time::Instant;

use proc_macro2::{TokenStream, TokenTree};

pub fn main() {
    let Some(doc) = std::env::args().nth(1) else {
        eprintln!("usage: sweep-pipeline DOC");
        std::process::exit(2);
    };
    // The panic hook would print to stderr; the row carries the message instead.
    std::panic::set_hook(Box::new(|_| {}));
    let start = Instant::now();
    let outcome = std::panic::catch_unwind(|| crate::expand::generate(quote::quote!(#doc), None));
    let millis = start.elapsed().as_secs_f64() * 1e3;
    let (status, bytes, message) = match outcome {
        Ok(Ok(tokens)) => {
            let text = tokens.to_string();
            match first_compile_error(&tokens) {
                Some(message) => ("error", text.len(), message),
                None => ("ok", text.len(), String::new()),
            }
        }
        Ok(Err(error)) => ("error", 0, error.to_string()),
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            ("panic", 0, message)
        }
    };
    let message = message.replace(['\t', '\n'], " ");
    println!("{status}\t{millis:.0}\t{bytes}\t{message}");
}

/// The message of the first `compile_error!` in the expansion, if any.
fn first_compile_error(tokens: &TokenStream) -> Option<String> {
    let mut trees = tokens.clone().into_iter();
    while let Some(tree) = trees.next() {
        match &tree {
            TokenTree::Ident(ident) if ident == "compile_error" => {
                // `compile_error` `!` `( "message" )`
                let _bang = trees.next();
                if let Some(TokenTree::Group(group)) = trees.next() {
                    let literal = group.stream().to_string();
                    return Some(unquote(&literal));
                }
            }
            TokenTree::Group(group) => {
                if let Some(found) = first_compile_error(&group.stream()) {
                    return Some(found);
                }
            }
            _ => {}
        }
    }
    None
}

/// The text of a string literal as `proc_macro2` prints it (quotes and escapes removed).
fn unquote(literal: &str) -> String {
    serde_json::from_str::<String>(literal).unwrap_or_else(|_| literal.trim_matches('"').to_owned())
}
