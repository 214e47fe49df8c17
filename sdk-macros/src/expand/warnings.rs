//! Generates compiler warnings for the model's [`Warning`]s.
//!
//! Stable Rust offers a proc macro no way to warn, so each warning is a use of a deprecated
//! constant whose note is the message, spanned at the document path:
//!
//! ```text
//! const _: () = {
//!     #[deprecated(note = "spec/api.yaml: #/paths/…: path parameter `petId` …")]
//!     #[allow(non_upper_case_globals)]
//!     const openapi_warning: () = ();
//!     openapi_warning
//! };
//! ```
//!
//! rustc prints ``warning: use of deprecated constant `_::openapi_warning`: <message>``;
//! the build goes on, and `-D warnings` (or `deny(deprecated)`) turns it into an error.
//! Each warning sits in its own anonymous `const _`, so any number of them can share a module.

use proc_macro2::{Span, TokenStream};
use quote::quote_spanned;

use crate::ctxt::Warning;

/// Generates one deprecated-constant use per warning, each message starting with the
/// document's file name and the JSON pointer, as errors do.
pub fn expand_warnings(file: &str, warnings: &[Warning], span: Span) -> TokenStream {
    warnings
        .iter()
        .map(|warning| {
            let message = format!("{file}: {}: {}", warning.pointer, warning.message);
            quote_spanned! {span=>
                const _: () = {
                    #[deprecated(note = #message)]
                    #[allow(non_upper_case_globals)]
                    const openapi_warning: () = ();
                    // The block's value, not a `let _ =`: clippy's `let_unit_value`
                    // would fire on that in the user's crate.
                    openapi_warning
                };
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_deprecated_use_per_warning_with_file_and_pointer() {
        let warnings = [
            Warning {
                pointer: "#/paths/~1a/get/parameters/0".into(),
                message: "first".into(),
            },
            Warning {
                pointer: "#/paths/~1b/get".into(),
                message: "second".into(),
            },
        ];
        let tokens = expand_warnings("spec/api.yaml", &warnings, Span::call_site()).to_string();
        assert_eq!(tokens.matches("deprecated").count(), 2);
        assert!(tokens.contains(r#""spec/api.yaml: #/paths/~1a/get/parameters/0: first""#));
        assert!(tokens.contains(r#""spec/api.yaml: #/paths/~1b/get: second""#));
    }

    #[test]
    fn no_warnings_no_tokens() {
        assert!(expand_warnings("a.yaml", &[], Span::call_site()).is_empty());
    }
}
