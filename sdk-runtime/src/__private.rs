//! Everything generated code uses, and nothing else: re-exports only.
//!
//! Output of `generate_client!` reaches the runtime only through this module
//! (`::sdk_runtime::__private`), so the user's crate needs no direct dependency
//! on serde, http or reqwest. No module of the runtime imports it; each item
//! is defined where its concern lives (the static descriptions in
//! [`contract`](crate::contract), the call in `call.rs`, decoders in
//! `codec/`). It is not part of the public API: names may change between
//! versions together with the macro.

pub use ::core;
pub use ::serde;
pub use ::serde_json;
pub use ::std;
pub use http::{HeaderMap, Method};

pub use crate::__call_impls as call_impls;
pub use crate::batch::generated::run as run_batch;
pub use crate::call::{Call, execute};
pub use crate::codec::decode::{DecodeError, ErrorBody, ResponseParts};
pub use crate::codec::serde_impls::discriminator;
pub use crate::contract::{
    ApiDescription, ApiKeyLocation, BatchOperation, Operation, Paging, PagingStyle, QueryStyle,
    SchemeKind, SecurityScheme, WebhookSignature,
};
pub use crate::pipeline::request::Request;

/// Paging streams of generated `.pages()` / `.items()` methods.
pub mod pagination {
    pub use crate::pagination::generated::{items, pages};
}

/// Helpers of the `Serialize`/`Deserialize` impls generated for a document's types.
pub mod serde_impls {
    pub use crate::codec::serde_impls::*;
}

/// Response decoders generated methods pass to their call.
pub mod decode {
    pub use crate::codec::decode::{bytes, empty, error_json, json, no_error, status_is, text};
    pub use crate::streaming::decode::{byte_stream, events_json, events_text, json_lines};
}

/// Expands to its input when the `mock` feature of this crate is on, to nothing
/// otherwise: generated clients put their `mock` module in it, so the feature
/// of `sdk-runtime` (not of the user's crate) decides.
#[cfg(feature = "mock")]
#[macro_export]
#[doc(hidden)]
macro_rules! __if_mock {
    ($($item:item)*) => { $($item)* };
}

/// See the `mock` variant.
#[cfg(not(feature = "mock"))]
#[macro_export]
#[doc(hidden)]
macro_rules! __if_mock {
    ($($item:item)*) => {};
}

pub use crate::__if_mock as if_mock;
