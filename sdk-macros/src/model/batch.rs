//! Batch endpoints: operations whose body carries many items.

use serde_json::Value;

use super::ops::Operation;
use super::schema::TypeDef;
use crate::ctxt::Ctxt;

/// How to split many items into chunks for a batch endpoint.
pub struct Batch {}

/// Detects a batch endpoint with a declared `maxItems`, or `None`.
pub fn detect(_cx: &Ctxt, _root: &Value, _op: &Operation, _types: &[TypeDef]) -> Option<Batch> {
    None
}
