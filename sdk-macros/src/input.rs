//! The macro's arguments: `generate_client!("path/to/spec.yaml")`, optionally followed by
//! `, crate = path::to::sdk_runtime` when the runtime is re-exported under another name,
//! and by `, schema_table` to also emit the hidden table the conformance harness
//! (`tools/conformance`) decodes generated instances with.

use proc_macro2::{Span, TokenStream};
use syn::parse::{Parse, ParseStream};
use syn::{LitStr, Path, Token};

/// Parsed macro input.
pub struct Input {
    /// The document path as written.
    pub path: LitStr,
    /// Path of the runtime crate, `::sdk_runtime` unless `crate = ...` was given.
    pub runtime: Path,
    /// `schema_table`: emit `__schema_table` (see `expand::schema_table`).
    pub schema_table: bool,
}

impl Input {
    pub fn span(&self) -> Span {
        self.path.span()
    }
}

impl Parse for Input {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let path: LitStr = input.parse()?;
        let mut runtime: Path = syn::parse_quote!(::sdk_runtime);
        let mut schema_table = false;
        while input.peek(Token![,]) {
            input.parse::<Token![,]>()?;
            if input.is_empty() {
                break;
            }
            if input.peek(Token![crate]) {
                input.parse::<Token![crate]>()?;
                input.parse::<Token![=]>()?;
                runtime = input.parse()?;
            } else {
                let key: syn::Ident = input.parse()?;
                if key == "schema_table" {
                    schema_table = true;
                    continue;
                }
                return Err(syn::Error::new(
                    key.span(),
                    format!(
                        "unknown option `{key}`; the options are `crate = path::to::sdk_runtime` and `schema_table`"
                    ),
                ));
            }
        }
        Ok(Input {
            path,
            runtime,
            schema_table,
        })
    }
}

pub fn parse(tokens: TokenStream) -> syn::Result<Input> {
    if tokens.is_empty() {
        return Err(syn::Error::new(
            Span::call_site(),
            "expected the path of an OpenAPI document, e.g. `generate_client!(\"spec/api.yaml\")`",
        ));
    }
    syn::parse2(tokens)
}
