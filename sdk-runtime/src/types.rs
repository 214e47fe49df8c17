//! Types that generated models are written in terms of.
//!
//! Generated code names these through `sdk_runtime::types`, so a user's crate
//! needs no direct dependency on `chrono`, `uuid`, `bytes` or `serde_json` to
//! compile a generated client. The mapping from OpenAPI formats is:
//!
//! | OpenAPI                         | Rust              |
//! |---------------------------------|-------------------|
//! | `string`, `format: date-time`   | [`DateTime`]      |
//! | `string`, `format: date`        | [`Date`]          |
//! | `string`, `format: uuid`        | [`Uuid`]          |
//! | `string`, `format: binary`      | [`Bytes`]         |
//! | schema without a type (`{}`)    | [`Value`]         |
//! | free-form `object`              | [`Map`]           |
//!
//! `DateTime` keeps the offset the server sent (`FixedOffset`) instead of
//! converting to UTC, so a value read and written back round-trips exactly.

/// An RFC 3339 timestamp with the offset it was written with.
pub type DateTime = chrono::DateTime<chrono::FixedOffset>;

/// A calendar date without a time zone (`format: date`, `2024-05-01`).
pub type Date = chrono::NaiveDate;

/// A free-form JSON object (`type: object` without `properties`).
pub type Map = serde_json::Map<String, Value>;

/// Binary data (`format: binary`), cheap to clone.
pub use bytes::Bytes;
/// Any JSON value (a schema without a type).
pub use serde_json::Value;
/// A UUID (`format: uuid`).
pub use uuid::Uuid;

pub use crate::codec::binary::Binary;
