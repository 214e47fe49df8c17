//! The macro's arguments: `generate_client!("path/to/spec.yaml")`, optionally followed by,
//! in any order:
//!
//! - `crate = path::to::sdk_runtime` when the runtime is re-exported under another name;
//! - `schema_table` to also emit the hidden table the conformance harness
//!   (`tools/conformance`) decodes generated instances with;
//! - `tags = ["repos", "issues"]` to generate only the operations whose first tag is listed
//!   and the types they need (see `select`). The list must not be empty; a tag listed twice
//!   counts once.
//! - `operations = ["repos/get", "issues/create"]` to generate only the operations with
//!   these `operationId`s (and, beside `tags`, those as well); the same rules.

use proc_macro2::{Span, TokenStream};
use syn::parse::{Parse, ParseStream};
use syn::{LitStr, Path, Token};

/// Every option, for the message about an unknown one.
const OPTIONS: &str = "`crate = path::to::sdk_runtime`, `schema_table`, `tags = [\"tag\", ...]` \
     and `operations = [\"operationId\", ...]`";

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
    /// `operations = [...]`: generate only these operations, by `operationId`; never empty.
    pub operations: Option<Vec<LitStr>>,
}

impl Input {
    /// Whether the input selects part of the document (`tags` or `operations`).
    pub fn selects(&self) -> bool {
        self.tags.is_some() || self.operations.is_some()
    }

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
        let mut operations = None;
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
                let list = match key.to_string().as_str() {
                    "tags" => Some((&mut tags, &TAGS)),
                    "operations" => Some((&mut operations, &OPERATIONS)),
                    _ => None,
                };
                if let Some((slot, names)) = list {
                    if slot.is_some() {
                        let msg = format!(
                            "`{key}` is given twice; list every {} in one `{key} = [...]`",
                            names.item
                        );
                        return Err(syn::Error::new(key.span(), msg));
                    }
                    input.parse::<Token![=]>()?;
                    *slot = Some(parse_names(input, names)?);
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
            operations,
        })
    }
}

/// How the messages about one list option name what it lists.
struct ListNames {
    /// The option, as written.
    option: &'static str,
    /// One entry, in prose.
    item: &'static str,
    /// What each literal holds, with its article.
    literal: &'static str,
    /// An example of the option.
    example: &'static str,
}

const TAGS: ListNames = ListNames {
    option: "tags",
    item: "tag",
    literal: "a tag name",
    example: "`tags = [\"pets\"]`",
};

const OPERATIONS: ListNames = ListNames {
    option: "operations",
    item: "operationId",
    literal: "an operationId",
    example: "`operations = [\"getPet\"]`",
};

/// `["a", "b"]`: string literals in brackets, at least one.
fn parse_names(input: ParseStream, names: &ListNames) -> syn::Result<Vec<LitStr>> {
    let content;
    let brackets = syn::bracketed!(content in input);
    let mut listed = Vec::new();
    while !content.is_empty() {
        if !content.peek(LitStr) {
            return Err(content.error(format!(
                "expected {} as a string literal, e.g. {}",
                names.literal, names.example
            )));
        }
        listed.push(content.parse()?);
        if content.is_empty() {
            break;
        }
        content.parse::<Token![,]>()?;
    }
    if listed.is_empty() {
        let option = names.option;
        return Err(syn::Error::new(
            brackets.span.join(),
            format!(
                "`{option} = []` selects nothing; list at least one {}, or leave `{option}` out to generate the whole client",
                names.item
            ),
        ));
    }
    Ok(listed)
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
