//! Webhook events the document declares.

use serde_json::Value;

use super::schema::TypeSpace;
use crate::ctxt::Ctxt;

/// One declared webhook event.
pub struct WebhookEvent {}

/// The events of `webhooks` (3.1) or `x-webhooks` (3.0).
pub fn from_spec(_cx: &Ctxt, _root: &Value, _types: &mut TypeSpace<'_>) -> Vec<WebhookEvent> {
    Vec::new()
}
