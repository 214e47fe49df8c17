//! What the model knows about a batch endpoint: plain data the detector in
//! `batch.rs` fills and the expander reads.

use crate::model::schema::Ty;

/// How to split many items into chunks for a batch endpoint.
pub struct Batch {
    /// The chunking helper's method name (`create_users_all`).
    pub helper_name: String,
    /// `maxItems` of the body's array.
    pub max_items: u64,
    /// One item of the array.
    pub item: Ty,
    /// How a chunk becomes the request body.
    pub wrap: Wrap,
    /// Where a success response lists one entry per item.
    pub entries: Entries,
}

/// How a chunk (`Vec<Item>`) becomes the body.
pub enum Wrap {
    /// The body is the array itself.
    Bare,
    /// The body is a struct holding the array in its only field.
    Field {
        /// The struct's type name.
        ty: usize,
        /// The Rust field name.
        field: String,
        /// The field is `Option<Vec<_>>`.
        optional: bool,
        /// The struct has a flattened `additional_properties` map to fill with its default.
        extra: bool,
    },
}

/// Where a response lists one entry per item.
pub enum Entries {
    /// No per-item list: items are reported without an entry.
    None,
    /// The response is the array (of this element type).
    Bare(Ty),
    /// The response is a struct; `field` holds the array.
    Field {
        field: String,
        item: Ty,
        optional: bool,
    },
}
