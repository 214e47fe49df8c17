//! Batch endpoints: operations whose body carries many items, up to a declared `maxItems`.
//!
//! An operation is a batch endpoint when all of these hold:
//!
//! - its method is not `GET`, `HEAD`, `OPTIONS` or `TRACE` (it writes);
//! - its body is JSON and is either an array (`[NewUser]`) or an object whose *only*
//!   property is an array (`{users: [NewUser]}`); `additionalProperties` may be allowed;
//! - that array declares `maxItems` ≥ 1.
//!
//! The "only property" rule is deliberate: a body such as `{name, phrases: [..]}` uses its
//! array as part of one resource, and splitting it would create several resources with a
//! copy of `name` each. Nothing is invented where the rule does not hold: the operation
//! keeps its ordinary method and gets no helper.
//!
//! The chunking helper is named after the operation's method with `_all` appended
//! (`create_users` → `create_users_all`), plus a number if that name is taken.
//!
//! When the success response is an array, or an object with exactly one array field, the
//! helper reports that array's entries per item (`UserBatch.data[i]` belongs to item `i`).

use serde_json::Value;

use super::ops::{BodyKind, Decode, Group, Operation};
use super::refs::follow_quietly;
use super::schema::{Ty, TypeDef, TypeKind};
use crate::ctxt::Ctxt;
use crate::names::Namespace;
use crate::pointer;

pub(crate) mod shape;

pub use shape::{Batch, Entries, Wrap};

/// Methods that never write, so never batch.
const SAFE_METHODS: &[&str] = &["GET", "HEAD", "OPTIONS", "TRACE", "QUERY"];

/// Detects a batch endpoint with a declared `maxItems`, or `None`.
pub fn detect(_cx: &Ctxt, root: &Value, op: &Operation, types: &[TypeDef]) -> Option<Batch> {
    if SAFE_METHODS.contains(&op.http_method.as_str()) {
        return None;
    }
    let body = op
        .body
        .as_ref()
        .filter(|b| matches!(b.kind, BodyKind::Json))?;
    let schema = body_schema(root, op, &body.content_type)?;
    let (max_items, item, wrap) = if let Some(max) = max_items(root, schema) {
        (max, vec_item(types, &body.ty)?, Wrap::Bare)
    } else {
        let props = follow_quietly(root, schema)?
            .get("properties")?
            .as_object()?;
        let [(json_name, array)] = props.iter().collect::<Vec<_>>()[..] else {
            return None;
        };
        let max = max_items(root, array)?;
        let Ty::Named(id) = body.ty else { return None };
        let TypeKind::Struct { fields, extra, .. } = &types.get(id)?.kind else {
            return None;
        };
        let [field] = &fields[..] else { return None };
        if &field.json_name != json_name {
            return None;
        }
        let (item, optional) = array_field(types, &field.ty)?;
        let wrap = Wrap::Field {
            ty: id,
            field: field.name.clone(),
            optional,
            extra: extra.is_some(),
        };
        (max, item, wrap)
    };
    Some(Batch {
        helper_name: format!("{}_all", op.method_name),
        max_items,
        item,
        wrap,
        entries: entries(types, &op.ok),
    })
}

/// Makes each helper name unique among the methods of its (sub-)client.
pub fn name_helpers<'a>(groups: impl IntoIterator<Item = &'a mut Group>) {
    for group in groups {
        let taken: Vec<String> = group.ops.iter().map(|op| op.method_name.clone()).collect();
        let mut names =
            Namespace::with_reserved(&taken.iter().map(String::as_str).collect::<Vec<_>>());
        for op in &mut group.ops {
            if let Some(batch) = &mut op.batch {
                batch.helper_name = names.unique(std::mem::take(&mut batch.helper_name));
            }
        }
    }
}

// ===== internal =====

/// The schema of the operation's body for `content_type`, `$ref`s followed.
fn body_schema<'a>(root: &'a Value, op: &Operation, content_type: &str) -> Option<&'a Value> {
    let node = follow_quietly(root, pointer::lookup(root, &op.pointer)?)?;
    let body = follow_quietly(root, node.get("requestBody")?)?;
    let schema = body.get("content")?.get(content_type)?.get("schema")?;
    follow_quietly(root, schema)
}

/// `maxItems` (≥ 1) of an array schema.
fn max_items(root: &Value, schema: &Value) -> Option<u64> {
    let schema = follow_quietly(root, schema)?;
    let is_array = schema.get("type").and_then(Value::as_str) == Some("array");
    let max = schema.get("maxItems").and_then(Value::as_u64)?;
    (is_array && max > 0).then_some(max)
}

/// The element type of a `Vec` (directly or through an alias).
fn vec_item(types: &[TypeDef], ty: &Ty) -> Option<Ty> {
    match ty {
        Ty::Vec(item) => Some((**item).clone()),
        Ty::Named(id) => match &types.get(*id)?.kind {
            TypeKind::Alias(inner) => vec_item(types, inner),
            _ => None,
        },
        _ => None,
    }
}

/// `Vec<T>` → `(T, false)`, `Option<Vec<T>>` → `(T, true)`.
fn array_field(types: &[TypeDef], ty: &Ty) -> Option<(Ty, bool)> {
    match ty {
        Ty::Option(inner) => vec_item(types, inner).map(|item| (item, true)),
        other => vec_item(types, other).map(|item| (item, false)),
    }
}

fn entries(types: &[TypeDef], ok: &Decode) -> Entries {
    let Decode::Json(ty) = ok else {
        return Entries::None;
    };
    if let Some(item) = vec_item(types, ty) {
        return Entries::Bare(item);
    }
    let Ty::Named(id) = ty else {
        return Entries::None;
    };
    let Some(TypeKind::Struct { fields, .. }) = types.get(*id).map(|d| &d.kind) else {
        return Entries::None;
    };
    let mut arrays = fields
        .iter()
        .filter_map(|f| array_field(types, &f.ty).map(|a| (f, a)));
    match (arrays.next(), arrays.next()) {
        (Some((field, (item, optional))), None) => Entries::Field {
            field: field.name.clone(),
            item,
            optional,
        },
        _ => Entries::None,
    }
}
