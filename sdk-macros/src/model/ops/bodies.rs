//! Request and response bodies of an operation: which media type is used, and how each
//! status decodes (one type, or an enum over the statuses).

use serde_json::Value;

use super::{Body, BodyKind, Decode, DecodeVariant, OpContext, StreamResponse, streams};
use crate::model::refs;
use crate::model::schema::{Ty, TypeDef, TypeKind, TypeSpace};
use crate::names::{self, Namespace};
use crate::normalize::json_type;
use crate::pointer;

impl OpContext<'_> {
    /// The request body: its media type, how it is sent and its type.
    pub(super) fn body(&self, types: &mut TypeSpace<'_>, owner: &str) -> Option<Body> {
        let ptr = pointer::push(self.ptr, "requestBody");
        let node = self.op.get("requestBody")?;
        let (node, ptr) = refs::follow(self.cx, self.root, node, &ptr)?;
        let content = match node.get("content")? {
            Value::Object(content) => content,
            other => {
                let at = pointer::push(&ptr, "content");
                self.cx.error_at(
                    &at,
                    format!(
                        "`content` must be a map from media types to schemas, found {}",
                        json_type(other)
                    ),
                );
                return None;
            }
        };
        let (media, media_node) = best_media(content)?;
        let schema_ptr = pointer::push(
            &pointer::push(&pointer::push(&ptr, "content"), media),
            "schema",
        );
        let schema = media_node.get("schema");
        let hint = format!("{owner} Body");
        let ty = |types: &mut TypeSpace<'_>| match schema {
            Some(s) => types.node(s, &schema_ptr, &hint),
            None => Ty::Value,
        };
        let lower = media.to_ascii_lowercase();
        let (kind, ty) = if is_json(&lower) {
            (BodyKind::Json, ty(types))
        } else if lower == "application/x-www-form-urlencoded" {
            (BodyKind::Form, ty(types))
        } else if lower.starts_with("multipart/") {
            let ty = ty(types);
            (BodyKind::Multipart, ty)
        } else if lower.starts_with("text/") {
            (BodyKind::Text, Ty::String)
        } else {
            (BodyKind::Bytes, Ty::Binary)
        };
        let ty = match ty {
            Ty::Option(inner) => *inner,
            other => other,
        };
        Some(Body {
            kind,
            ty,
            required: node
                .get("required")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            content_type: media.to_owned(),
            doc: node
                .get("description")
                .and_then(Value::as_str)
                .map(str::to_owned),
        })
    }

    /// How successful and failed responses decode, and the stream a
    /// success response also offers when it is not the one decoded.
    pub(super) fn responses(
        &self,
        types: &mut TypeSpace<'_>,
        owner: &str,
    ) -> (Decode, Decode, Option<StreamResponse>) {
        let ptr = pointer::push(self.ptr, "responses");
        if let Some(other) = self.op.get("responses").filter(|v| !v.is_object()) {
            self.cx.error_at(
                &ptr,
                format!(
                    "`responses` must be a map from status codes to responses, found {}",
                    json_type(other)
                ),
            );
        }
        let Some(map) = self.op.get("responses").and_then(Value::as_object) else {
            return (Decode::Json(Ty::Value), Decode::None, None);
        };
        let has_success = map.keys().any(|k| k.starts_with('2'));
        let mut ok = Vec::new();
        let mut err = Vec::new();
        let mut alternative = None;
        for (status, node) in map {
            let success = status.starts_with('2') || (status == "default" && !has_success);
            let node_ptr = pointer::push(&ptr, status);
            let Some((node, node_ptr)) = refs::follow(self.cx, self.root, node, &node_ptr) else {
                continue;
            };
            let word = status_word(status);
            let hint = if success {
                format!("{owner} Response")
            } else {
                format!("{owner} {word} Error")
            };
            let decode = self.response_decode(types, node, &node_ptr, &hint);
            if success {
                if !matches!(decode, Decode::Stream(_))
                    && alternative.is_none()
                    && let Some(content) = node.get("content").and_then(Value::as_object)
                {
                    let content_ptr = pointer::push(&node_ptr, "content");
                    alternative = self.response_stream(types, content, &content_ptr, &hint);
                }
                ok.push((status.clone(), word, decode));
            } else if decode != Decode::Empty {
                err.push((status.clone(), word, decode));
            }
        }
        // A stream is the whole answer: other success statuses are not decoded beside it.
        if let Some(at) = ok
            .iter()
            .position(|(_, _, d)| matches!(d, Decode::Stream(_)))
        {
            ok = vec![ok.swap_remove(at)];
            alternative = None;
        }
        let ok = combine(types, ok, &format!("{owner} Response"), Decode::Empty);
        let err = combine(types, err, &format!("{owner} Error"), Decode::None);
        (ok, err, alternative)
    }

    fn response_decode(
        &self,
        types: &mut TypeSpace<'_>,
        node: &Value,
        ptr: &str,
        hint: &str,
    ) -> Decode {
        let Some(content) = node
            .get("content")
            .and_then(Value::as_object)
            .filter(|c| !c.is_empty())
        else {
            return Decode::Empty;
        };
        let Some((media, media_node)) = best_media(content) else {
            return Decode::Empty;
        };
        let lower = media.to_ascii_lowercase();
        if streams::stream_kind(&lower).is_some() {
            let content_ptr = pointer::push(ptr, "content");
            if let Some(stream) = self.response_stream(types, content, &content_ptr, hint) {
                return Decode::Stream(Box::new(stream));
            }
        }
        if is_json(&lower) {
            let schema_ptr = pointer::push(
                &pointer::push(&pointer::push(ptr, "content"), media),
                "schema",
            );
            match media_node.get("schema") {
                Some(schema) => Decode::Json(types.node(schema, &schema_ptr, hint)),
                None => Decode::Json(Ty::Value),
            }
        } else if lower.starts_with("text/") {
            Decode::Text
        } else {
            Decode::Bytes
        }
    }
}

/// One decode when every status decodes alike, else an enum over the statuses.
fn combine(
    types: &mut TypeSpace<'_>,
    mut list: Vec<(String, String, Decode)>,
    hint: &str,
    none: Decode,
) -> Decode {
    list.dedup_by(|a, b| a.2 == b.2);
    match list.len() {
        0 => none,
        1 => list.pop().map_or(none, |(_, _, d)| d),
        _ => {
            let mut variant_names = Namespace::default();
            let variants = list
                .into_iter()
                .map(|(status, word, decode)| DecodeVariant {
                    status,
                    name: variant_names.unique(names::type_name(&word, "Status")),
                    decode,
                })
                .collect();
            Decode::Enum {
                name: types.reserve_name(hint),
                variants,
            }
        }
    }
}

fn status_word(status: &str) -> String {
    let word = match status {
        "200" => "Ok",
        "201" => "Created",
        "202" => "Accepted",
        "204" => "No Content",
        "400" => "Bad Request",
        "401" => "Unauthorized",
        "403" => "Forbidden",
        "404" => "Not Found",
        "409" => "Conflict",
        "422" => "Unprocessable Entity",
        "429" => "Too Many Requests",
        "500" => "Internal Server Error",
        "default" => "Default",
        // `XX` is two ASCII bytes, so slicing them off stays on a character boundary.
        s if s.ends_with("XX") || s.ends_with("xx") => {
            return format!("Status {}xx", &s[..s.len() - 2]);
        }
        s => return format!("Status {s}"),
    };
    word.to_owned()
}

fn is_json(lower: &str) -> bool {
    if streams::stream_kind(lower).is_some() {
        return false;
    }
    lower.starts_with("application/json")
        || lower.contains("+json")
        || lower.ends_with("/json")
        || lower == "*/*"
}

/// The media type the client speaks best: JSON, then forms, then text, then bytes.
fn best_media(content: &serde_json::Map<String, Value>) -> Option<(&str, &Value)> {
    let rank = |m: &str| {
        let m = m.to_ascii_lowercase();
        if streams::stream_kind(&m).is_some() {
            5
        } else if is_json(&m) && m.starts_with("application/json") {
            0
        } else if is_json(&m) {
            1
        } else if m == "application/x-www-form-urlencoded" {
            2
        } else if m.starts_with("multipart/form-data") {
            3
        } else if m.starts_with("text/plain") {
            4
        } else if m.starts_with("text/") {
            5
        } else {
            6
        }
    };
    content
        .iter()
        .min_by_key(|(m, _)| rank(m))
        .map(|(m, v)| (m.as_str(), v))
}

/// Binary fields of a multipart body, which the runtime sends as file parts.
pub fn binary_fields(defs: &[TypeDef], ty: &Ty) -> Vec<String> {
    let Ty::Named(id) = ty else { return Vec::new() };
    match defs.get(*id).map(|d| &d.kind) {
        Some(TypeKind::Struct { fields, .. }) => fields
            .iter()
            .filter(|f| {
                matches!(&f.ty, Ty::Binary) || matches!(&f.ty, Ty::Option(t) if **t == Ty::Binary)
            })
            .map(|f| f.json_name.clone())
            .collect(),
        Some(TypeKind::Alias(inner)) => binary_fields(defs, inner),
        _ => Vec::new(),
    }
}
