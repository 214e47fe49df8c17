//! Webhook events the document declares.
//!
//! Events come from the top-level `webhooks` map of OpenAPI 3.1, or `x-webhooks` in 3.0
//! (the common extension of the same shape). Each entry is a path item whose
//! `post.requestBody` (JSON) schema is the payload of that event.
//!
//! # How an event is recognised
//!
//! The generated enum dispatches on one property of the payload, the *discriminator*:
//!
//! - the property every payload pins to a single value (`type: {enum: [user.created]}` or
//!   `const`), preferring `type`, `event`, `event_type`, `eventType`, `kind` when several do;
//!   the pinned value is that event's tag;
//! - otherwise `type`, with the entry's name (`user.created`) as the tag, which is how most
//!   senders (Standard Webhooks, Stripe) write it.
//!
//! A payload whose tag no event declares decodes to the enum's `Unknown` variant; the
//! first event wins when two declare the same tag.

use serde_json::Value;

use super::ops::{Group, Operation};
use super::refs::follow_quietly;
use super::schema::{Ty, TypeSpace, join_docs};
use crate::ctxt::Ctxt;
use crate::load::Omitted;
use crate::names::{self, Namespace};
use crate::pointer;

/// Discriminator property names preferred when payloads pin several.
const PREFERRED: &[&str] = &["type", "event", "event_type", "eventType", "kind"];

/// One declared webhook event.
pub struct WebhookEvent {
    /// The entry's name in `webhooks` (`user.created`).
    pub name: String,
    /// The enum variant (`UserCreated`).
    pub variant: String,
    /// The payload property that tells events apart (the same for every event).
    pub property: String,
    /// Its value for this event.
    pub tag: String,
    /// The payload type.
    pub payload: Ty,
    pub doc: Option<String>,
}

/// The events of `webhooks` (3.1) or `x-webhooks` (3.0), but the `omitted` ones.
pub fn from_spec(
    cx: &Ctxt,
    root: &Value,
    types: &mut TypeSpace<'_>,
    omitted: &Omitted,
) -> Vec<WebhookEvent> {
    let (key, map) = match (root.get("webhooks"), root.get("x-webhooks")) {
        (Some(Value::Object(map)), _) => ("#/webhooks", map),
        (_, Some(Value::Object(map))) => ("#/x-webhooks", map),
        _ => return Vec::new(),
    };
    let mut found = Vec::new();
    for (name, item) in map {
        let item_ptr = pointer::push(key, name);
        let Some((item, item_ptr)) = super::refs::follow(cx, root, item, &item_ptr) else {
            continue;
        };
        let Some(post) = item.get("post") else {
            continue;
        };
        let post_ptr = pointer::push(&item_ptr, "post");
        if omitted.is_operation(&post_ptr) {
            continue;
        }
        let Some((schema, schema_ptr)) = payload_schema(cx, root, post, &post_ptr) else {
            continue;
        };
        let hint = format!("{} Webhook", names::type_name(name, "Event"));
        let payload = types.node(schema, &schema_ptr, &hint);
        let text = |k: &str| post.get(k).and_then(Value::as_str);
        let doc = join_docs(text("summary"), text("description"));
        found.push((name.clone(), payload, pins(root, schema), doc));
    }
    let property = discriminator(found.iter().map(|(_, _, pins, _)| pins.as_slice()));
    let mut variants = Namespace::with_reserved(&["Unknown"]);
    let mut tags: Vec<String> = Vec::new();
    let mut events = Vec::new();
    for (name, payload, pins, doc) in found {
        let tag = pins
            .into_iter()
            .find(|(p, _)| *p == property)
            .map_or_else(|| name.clone(), |(_, v)| v);
        if tags.contains(&tag) {
            continue;
        }
        tags.push(tag.clone());
        let variant = variants.unique(names::type_name(&name, "Event"));
        events.push(WebhookEvent {
            name,
            variant,
            property: property.clone(),
            tag,
            payload,
            doc,
        });
    }
    events
}

/// The signature scheme of the document's webhooks, as the runtime's `WebhookSignature`
/// names it: the one whose header a webhook declares as a parameter (`Stripe-Signature`,
/// `X-Hub-Signature-256`), else Standard Webhooks.
pub fn signature_scheme(root: &Value) -> &'static str {
    let map = root
        .get("webhooks")
        .or_else(|| root.get("x-webhooks"))
        .and_then(Value::as_object);
    let headers = map.into_iter().flatten().flat_map(|(_, item)| {
        let item = follow_quietly(root, item);
        let params = item
            .and_then(|i| i.get("post"))
            .and_then(|post| post.get("parameters"))
            .and_then(Value::as_array);
        params.into_iter().flatten().filter_map(|p| {
            let p = follow_quietly(root, p)?;
            (p.get("in")?.as_str()? == "header").then(|| p.get("name")?.as_str())?
        })
    });
    for name in headers {
        match name.to_ascii_lowercase().as_str() {
            "x-hub-signature-256" => return "Hub",
            "stripe-signature" => return "Stripe",
            _ => {}
        }
    }
    "Standard"
}

/// The name of the client's webhooks accessor: `webhooks`, unless a tag or an operation
/// already gave `Client` a method of that name.
pub fn accessor_name(root: &Group, groups: &[Group]) -> String {
    let taken = |name: &str| {
        groups.iter().any(|g| g.accessor == name) || root.ops.iter().any(|op| is_named(op, name))
    };
    ["webhooks", "webhook_events", "incoming_webhooks"]
        .into_iter()
        .find(|n| !taken(n))
        .unwrap_or("webhooks_")
        .to_owned()
}

// ===== internal =====

fn is_named(op: &Operation, name: &str) -> bool {
    op.method_name == name || op.batch.as_ref().is_some_and(|b| b.helper_name == name)
}

/// The JSON schema of a webhook operation's request body.
fn payload_schema<'a>(
    cx: &Ctxt,
    root: &'a Value,
    post: &'a Value,
    ptr: &str,
) -> Option<(&'a Value, String)> {
    let body_ptr = pointer::push(ptr, "requestBody");
    let (body, body_ptr) = super::refs::follow(cx, root, post.get("requestBody")?, &body_ptr)?;
    let content = body.get("content")?.as_object()?;
    let (media, node) = content
        .iter()
        .find(|(m, _)| {
            let m = m.to_ascii_lowercase();
            m.starts_with("application/json") || m.contains("+json")
        })
        .or_else(|| content.iter().next())?;
    let ptr = pointer::push(
        &pointer::push(&pointer::push(&body_ptr, "content"), media),
        "schema",
    );
    Some((node.get("schema")?, ptr))
}

/// Properties the payload pins to one string value: `(property, value)`.
fn pins(root: &Value, schema: &Value) -> Vec<(String, String)> {
    let Some(props) = follow_quietly(root, schema)
        .and_then(|s| s.get("properties"))
        .and_then(Value::as_object)
    else {
        return Vec::new();
    };
    props
        .iter()
        .filter_map(|(name, prop)| {
            let prop = follow_quietly(root, prop)?;
            let value = match (
                prop.get("const"),
                prop.get("enum").and_then(Value::as_array),
            ) {
                (Some(Value::String(v)), _) => v.clone(),
                (_, Some(values)) if values.len() == 1 => values[0].as_str()?.to_owned(),
                _ => return None,
            };
            Some((name.clone(), value))
        })
        .collect()
}

/// The property most payloads pin, preferring the conventional names; `type` when none does.
fn discriminator<'a>(all: impl Iterator<Item = &'a [(String, String)]>) -> String {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for pins in all {
        for (property, _) in pins {
            match counts.iter_mut().find(|(p, _)| p == property) {
                Some((_, n)) => *n += 1,
                None => counts.push((property, 1)),
            }
        }
    }
    let rank = |p: &str| {
        PREFERRED
            .iter()
            .position(|x| *x == p)
            .unwrap_or(PREFERRED.len())
    };
    counts
        .into_iter()
        .max_by(|(a, n), (b, m)| n.cmp(m).then(rank(b).cmp(&rank(a))))
        .map_or_else(|| "type".to_owned(), |(p, _)| p.to_owned())
}
