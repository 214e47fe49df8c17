//! The macro's arguments: `generate_client!("path/to/spec.yaml")`, optionally followed by,
//! in any order:
//!
//! - `crate = path::to::sdk_runtime` when the runtime is re-exported under another name;
//! - `schema_table` to also emit the hidden table the conformance harness
//!   (`tools/conformance`) decodes generated instances with;
//! - `tags = ["repos", "issues"]` to generate only the operations whose first tag is listed
//!   and the types they need (see `select`). The list must not be empty; a tag listed twice
//!   counts once.

use proc_macro2::{Span, TokenStream};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{LitStr, Path, Token};

/// Every option, for the message about an unknown one.
const OPTIONS: &str = "`crate = path::to::sdk_runtime`, `schema_table` and `tags = [\"tag\", ...]`";

/// Parsed macro input.
pub struct Input {
    /// The document path as written.
    pub path: LitStr,
    /// Path of the runtime crate, `::sdk_runtime` unless `crate = ...` was given.
    pub runtime: Path,
    /// `schema_table`: emit `__schema_table` (see `expand::schema_table`).
    pub schema_table: bool,
    /// `tags = [...]`: generate only these tags' operations (see `select`); never empty.
    pub tags: Option<Vec<LitStr>>,
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
        let mut tags = None;
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
                if key == "tags" {
                    if tags.is_some() {
                        let msg = "`tags` is given twice; list every tag in one `tags = [...]`";
                        return Err(syn::Error::new(key.span(), msg));
                    }
                    input.parse::<Token![=]>()?;
                    tags = Some(parse_tags(input)?);
                    continue;
                }
                return Err(syn::Error::new(
                    key.span(),
                    format!("unknown option `{key}`; the options are {OPTIONS}"),
                ));
            }
        }
        Ok(Input {
            path,
            runtime,
            schema_table,
            tags,
        })
    }
}

/// `["a", "b"]`: string literals in brackets, at least one.
fn parse_tags(input: ParseStream) -> syn::Result<Vec<LitStr>> {
    let content;
    let brackets = syn::bracketed!(content in input);
    let tags = Punctuated::<LitStr, Token![,]>::parse_terminated_with(&content, |input| {
        if input.peek(LitStr) {
            input.parse()
        } else {
            Err(input.error("expected a tag name as a string literal, e.g. `tags = [\"pets\"]`"))
        }
    })?;
    if tags.is_empty() {
        return Err(syn::Error::new(
            brackets.span.join(),
            "`tags = []` selects nothing; list at least one tag, or leave `tags` out to generate the whole client",
        ));
    }
    Ok(tags.into_iter().collect())
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
