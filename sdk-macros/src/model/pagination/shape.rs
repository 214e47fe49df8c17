//! What the model knows about a paginated operation: plain data the
//! detector in `pagination.rs` fills and the expander reads.

use crate::model::schema::Ty;

/// How to page through a list operation; rendered into a runtime `Paging` static.
#[derive(Debug, PartialEq)]
pub struct Pagination {
    pub style: Style,
    /// Where the items are, as wire names and as Rust field accesses.
    pub items: Path,
    /// The item type.
    pub item: Ty,
    /// Wire path of the next cursor or next-page URL (empty: none).
    pub next: Vec<String>,
    /// Cursor taken from this wire field of the last item.
    pub cursor_item_field: Option<String>,
    pub has_more: Vec<String>,
    pub total: Vec<String>,
    pub limit_param: Option<String>,
    pub max_limit: Option<u64>,
    /// Declared with `x-pagination` rather than detected.
    pub declared: bool,
}

/// The parameter that moves from page to page (wire names).
#[derive(Debug, PartialEq)]
pub enum Style {
    Cursor { param: Option<String> },
    Offset { param: String },
    Page { param: String, first: u64 },
    Link,
}

/// A path through the response type: wire names, and each field's Rust name and type.
#[derive(Debug, Default, PartialEq)]
pub struct Path {
    pub json: Vec<String>,
    pub steps: Vec<(String, Ty)>,
}
