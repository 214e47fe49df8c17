//! Success responses that stream: `text/event-stream`, JSON Lines, NDJSON and
//! JSON text sequences, and the type of one item of each.
//!
//! The item's schema is OpenAPI 3.2's `itemSchema` when the document has one,
//! else the media type's `schema` (what 3.0 and 3.1 documents write, e.g. a
//! chat API's `CreateChatCompletionStreamResponse`). For an event stream,
//! an `itemSchema` describes the whole event (`data`, `event`, `id`,
//! `retry`), so the item type is that of its `data` property (its
//! `contentSchema` when the data is JSON carried in a string); a `schema`
//! describes the data itself. Data described as a plain string is
//! delivered as text.

use serde_json::Value;

use super::{OpContext, StreamKind, StreamResponse};
use crate::model::refs;
use crate::model::schema::{Ty, TypeSpace};
use crate::pointer;

/// The stream kind a media type names, if it is a sequential one.
pub(super) fn stream_kind(media: &str) -> Option<StreamKind> {
    let lower = media.to_ascii_lowercase();
    let essence = lower.split(';').next().unwrap_or_default().trim();
    match essence {
        "text/event-stream" => Some(StreamKind::Events { text: false }),
        "application/jsonl"
        | "application/x-jsonl"
        | "application/jsonlines"
        | "application/x-jsonlines"
        | "application/x-ndjson"
        | "application/ndjson"
        | "application/json-seq" => Some(StreamKind::JsonLines),
        _ => None,
    }
}

impl OpContext<'_> {
    /// The first sequential media type of a response's `content`, with its item type.
    pub(super) fn response_stream(
        &self,
        types: &mut TypeSpace<'_>,
        content: &serde_json::Map<String, Value>,
        content_ptr: &str,
        hint: &str,
    ) -> Option<StreamResponse> {
        let (media, kind, node) = content
            .iter()
            .find_map(|(media, node)| Some((media, stream_kind(media)?, node)))?;
        let media_ptr = pointer::push(content_ptr, media);
        let item_hint = format!("{hint} Item");
        let (kind, item) = match (kind, node.get("itemSchema"), node.get("schema")) {
            (StreamKind::Events { .. }, Some(event), _) => {
                let event_ptr = pointer::push(&media_ptr, "itemSchema");
                self.event_data(types, event, &event_ptr, &item_hint)
            }
            (StreamKind::Events { .. }, None, Some(data)) => {
                let data_ptr = pointer::push(&media_ptr, "schema");
                self.data_type(types, data, &data_ptr, &item_hint)
            }
            (StreamKind::Events { .. }, None, None) => {
                (StreamKind::Events { text: true }, Ty::String)
            }
            (StreamKind::JsonLines, Some(item), _) => {
                let item_ptr = pointer::push(&media_ptr, "itemSchema");
                (kind, types.node(item, &item_ptr, &item_hint))
            }
            (StreamKind::JsonLines, None, Some(schema)) => {
                let schema_ptr = pointer::push(&media_ptr, "schema");
                (
                    kind,
                    self.sequence_item(types, schema, &schema_ptr, &item_hint),
                )
            }
            (StreamKind::JsonLines, None, None) => (kind, Ty::Value),
        };
        Some(StreamResponse {
            kind,
            item,
            media_type: media.clone(),
        })
    }

    /// The data type of an event described as a whole (`itemSchema`).
    fn event_data(
        &self,
        types: &mut TypeSpace<'_>,
        event: &Value,
        ptr: &str,
        hint: &str,
    ) -> (StreamKind, Ty) {
        let resolved = refs::follow(self.cx, self.root, event, ptr);
        let data = resolved.as_ref().and_then(|(event, event_ptr)| {
            let data = event.get("properties")?.get("data")?;
            Some((
                data,
                pointer::push(&pointer::push(event_ptr, "properties"), "data"),
            ))
        });
        match data {
            Some((data, data_ptr)) => self.data_type(types, data, &data_ptr, hint),
            // An event schema without a `data` property: the data is the item.
            None => self.data_type(types, event, ptr, hint),
        }
    }

    /// The type of an event's data: text for a plain string, else JSON.
    fn data_type(
        &self,
        types: &mut TypeSpace<'_>,
        data: &Value,
        ptr: &str,
        hint: &str,
    ) -> (StreamKind, Ty) {
        let Some((resolved, resolved_ptr)) = refs::follow(self.cx, self.root, data, ptr) else {
            return (StreamKind::Events { text: true }, Ty::String);
        };
        if let Some(inner) = resolved.get("contentSchema") {
            let inner_ptr = pointer::push(&resolved_ptr, "contentSchema");
            return (
                StreamKind::Events { text: false },
                types.node(inner, &inner_ptr, hint),
            );
        }
        let is_string = resolved.get("type").and_then(Value::as_str) == Some("string")
            && resolved.get("contentMediaType").is_none();
        if is_string {
            return (StreamKind::Events { text: true }, Ty::String);
        }
        (
            StreamKind::Events { text: false },
            types.node(data, ptr, hint),
        )
    }

    /// The item of a JSON sequence described by `schema`: the items of an
    /// array (the stream modelled as a whole), else the schema itself.
    fn sequence_item(
        &self,
        types: &mut TypeSpace<'_>,
        schema: &Value,
        ptr: &str,
        hint: &str,
    ) -> Ty {
        if let Some((resolved, resolved_ptr)) = refs::follow(self.cx, self.root, schema, ptr)
            && resolved.get("type").and_then(Value::as_str) == Some("array")
            && let Some(items) = resolved.get("items")
        {
            return types.node(items, &pointer::push(&resolved_ptr, "items"), hint);
        }
        types.node(schema, ptr, hint)
    }
}
