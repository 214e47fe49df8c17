//! The model: a resolved, checked, fully named description of the client to generate.
//!
//! Built from the normalized document by [`Api::from_spec`]; after it, nothing decides
//! semantics or names any more: `expand` only renders what is stored here.

mod batch;
mod dedup;
mod large;
pub mod mock;
mod ops;
mod pagination;
mod recursion;
mod refs;
mod request_id;
mod schema;
mod security;
mod webhooks;

use serde_json::Value;

use crate::ctxt::Ctxt;
use crate::load::Document;
use crate::names;

pub use batch::{Batch, Entries, Wrap};
pub use ops::bodies::binary_fields;
pub(crate) use ops::group_tags;
pub(crate) use ops::methods::item_operations;
pub use ops::{
    Body, BodyKind, Decode, Group, Operation, Param, ParamLocation, StreamKind, StreamResponse,
};
pub use pagination::{Pagination, Style as PagingStyle};
pub(crate) use refs::follow_quietly;
pub use schema::{Field, ImpliedTag, Ty, TypeDef, TypeKind, Variant};
pub use security::{Scheme, SchemeKind};
pub use webhooks::WebhookEvent;

/// The whole client.
pub struct Api {
    pub title: String,
    pub version: String,
    pub description: Option<String>,
    pub env_prefix: String,
    pub default_base_url: Option<String>,
    pub schemes: Vec<Scheme>,
    /// Top-level `security`: alternatives, each a list of indices into `schemes`.
    pub default_security: Vec<Vec<usize>>,
    pub idempotency_header: Option<String>,
    /// The response header the document's request IDs come in, when it declares one.
    pub request_id_header: Option<String>,
    pub sensitive_query_params: Vec<String>,
    pub types: Vec<TypeDef>,
    /// Operations without a tag, generated on `Client` itself.
    pub root: Group,
    /// One sub-client per tag.
    pub groups: Vec<Group>,
    /// Webhook events the document declares (`webhooks`, or `x-webhooks` in 3.0).
    pub webhooks: Vec<WebhookEvent>,
    /// The runtime's `WebhookSignature` variant the webhooks' signature header names.
    pub webhook_signature: &'static str,
    /// Component and body schemas by JSON pointer, with the type that decodes them.
    pub schema_roots: Vec<(String, Ty)>,
}

impl Api {
    /// The name of the client's webhooks accessor: `webhooks`, unless a tag or
    /// an operation already gave `Client` a method of that name.
    pub fn webhooks_accessor(&self) -> String {
        webhooks::accessor_name(&self.root, &self.groups)
    }
}

impl Api {
    /// Builds the model; problems are recorded in `cx`.
    pub fn from_spec(cx: &Ctxt, doc: &Document) -> Api {
        let root = &doc.root;
        let info = root.get("info");
        let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_owned);
        let title = text(info.and_then(|i| i.get("title"))).unwrap_or_else(|| "API".into());
        let (schemes, default_security) = security::from_spec(cx, root);
        let mut types = schema::TypeSpace::new(cx, root);
        // What a `tags` selection left in the document but not in the client.
        let omitted = &doc.omitted;
        types.add_components(&omitted.schema_keys);
        let (mut root_group, mut groups, idempotency_header) =
            ops::from_spec(cx, root, &mut types, &schemes, omitted);
        let webhooks = webhooks::from_spec(cx, root, &mut types, omitted);
        let webhook_signature = webhooks::signature_scheme(root);
        let schema_roots = types.take_roots();
        let mut types = types.finish();
        recursion::break_cycles(&mut types);
        dedup::merge_identical(&mut types);
        large::box_large(&mut types);
        for op in root_group
            .ops
            .iter_mut()
            .chain(groups.iter_mut().flat_map(|g| g.ops.iter_mut()))
        {
            op.pagination = pagination::detect(cx, root, op, &types);
            op.batch = batch::detect(cx, root, op, &types);
        }
        batch::name_helpers(std::iter::once(&mut root_group).chain(&mut groups));
        let sensitive_query_params = schemes
            .iter()
            .filter_map(|s| match &s.kind {
                SchemeKind::ApiKey { location, name } if location == "query" => Some(name.clone()),
                _ => None,
            })
            .collect();
        Api {
            webhook_signature,
            env_prefix: names::env_prefix(&title),
            version: text(info.and_then(|i| i.get("version"))).unwrap_or_default(),
            description: text(info.and_then(|i| i.get("description"))),
            title,
            default_base_url: default_base_url(root),
            schemes,
            default_security,
            idempotency_header,
            request_id_header: request_id::from_spec(root),
            sensitive_query_params,
            types,
            webhooks,
            schema_roots,
            root: root_group,
            groups,
        }
    }

    /// Every operation, tagged or not.
    pub fn operations(&self) -> impl Iterator<Item = &Operation> {
        self.root
            .ops
            .iter()
            .chain(self.groups.iter().flat_map(|g| g.ops.iter()))
    }
}

/// `servers[0].url` with its variables at their defaults, when it is an absolute URL.
fn default_base_url(root: &Value) -> Option<String> {
    let server = root.get("servers")?.as_array()?.first()?;
    let mut url = server.get("url")?.as_str()?.to_owned();
    if let Some(vars) = server.get("variables").and_then(Value::as_object) {
        for (name, var) in vars {
            let default = match var.get("default") {
                Some(Value::String(s)) => s.clone(),
                Some(other) => other.to_string(),
                None => continue,
            };
            url = url.replace(&format!("{{{name}}}"), &default);
        }
    }
    let absolute = url.starts_with("http://") || url.starts_with("https://");
    (absolute && !url.contains('{')).then(|| url.trim_end_matches('/').to_owned())
}
