//! Pagination: which list operations can be paged through, and how.

use serde_json::Value;

use super::ops::Operation;
use super::schema::TypeDef;
use crate::ctxt::Ctxt;

/// How to fetch the next page of a paginated operation.
pub struct Pagination {}

/// Detects the pagination style of `op`, or `None` for a plain operation.
pub fn detect(_cx: &Ctxt, _root: &Value, _op: &Operation, _types: &[TypeDef]) -> Option<Pagination> {
    None
}
