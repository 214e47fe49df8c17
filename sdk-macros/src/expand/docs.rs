//! Doc comments from document text.
//!
//! Descriptions are Markdown written for web pages; rustdoc would run their code blocks
//! as doctests in the user's crate, so fences become `text` blocks and indentation that
//! would make an indented code block is removed.

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = ...]` attributes for each line of `text`.
pub fn doc_attrs(text: &str) -> TokenStream {
    let mut out = TokenStream::new();
    let mut in_fence = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        let line = if let Some(rest) = trimmed.strip_prefix("```") {
            in_fence = !in_fence;
            if in_fence {
                format!("```text {rest}")
            } else {
                "```".to_owned()
            }
        } else if in_fence {
            line.to_owned()
        } else {
            trimmed.to_owned()
        };
        let line = format!(" {line}");
        out.extend(quote!(#[doc = #line]));
    }
    if in_fence {
        out.extend(quote!(#[doc = " ```"]));
    }
    out
}

/// Doc attributes for optional text.
pub fn opt_doc(text: Option<&str>) -> TokenStream {
    text.map(doc_attrs).unwrap_or_default()
}
