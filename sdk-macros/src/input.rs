//! The macro's arguments: `generate_client!("path/to/spec.yaml")`, optionally followed by
//! `, crate = path::to::sdk_runtime` when the runtime is re-exported under another name.

use proc_macro2::{Span, TokenStream};
use syn::parse::{Parse, ParseStream};
use syn::{LitStr, Path, Token};

/// Parsed macro input.
pub struct Input {
    /// The document path as written.
    pub path: LitStr,
    /// Path of the runtime crate, `::sdk_runtime` unless `crate = ...` was given.
    pub runtime: Path,
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
                return Err(syn::Error::new(
                    key.span(),
                    format!("unknown option `{key}`; the only option is `crate = path::to::sdk_runtime`"),
                ));
            }
        }
        Ok(Input { path, runtime })
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
