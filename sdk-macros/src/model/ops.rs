//! Operations: paths, parameters, bodies and responses, grouped into sub-clients by tag.

use serde_json::Value;

use self::methods::{ItemOperation, item_operations};
use super::refs;
use super::schema::{Ty, TypeSpace, join_docs};
use super::security::{self, Scheme};
use crate::ctxt::Ctxt;
use crate::load::Omitted;
use crate::names::{self, Namespace};
use crate::normalize::json_type;
use crate::pointer;

pub(crate) mod bodies;
// Reads `../sdk-runtime/src/`: compiled in the repository only (see build.rs).
#[cfg(all(test, workspace_fixtures))]
mod contract_tests;
pub(crate) mod methods;
mod params;
mod streams;

/// Methods every request builder has; parameters take other names.
const BUILDER_METHODS: &[&str] = &[
    "send",
    "idempotency_key",
    "max_retries",
    "timeout",
    "deadline",
    "header",
    "interceptor",
    "into_future",
    "body_bytes",
    "byte_stream",
    "event_stream",
    "json_stream",
    "file_part",
    "items",
    "pages",
    "request",
    "options",
];

/// Methods of the generated `Client`; untagged operations take other names.
const CLIENT_METHODS: &[&str] = &[
    "builder",
    "from_env",
    "runtime",
    "from_runtime",
    "clone",
    "fmt",
];

/// A sub-client (one per tag), or the root client's own operations.
pub struct Group {
    /// Struct name (`PetsClient`); empty for the root group.
    pub name: String,
    /// Accessor method on `Client` (`pets`).
    pub accessor: String,
    pub doc: Option<String>,
    pub ops: Vec<Operation>,
}

pub struct Operation {
    pub id: String,
    pub method_name: String,
    pub builder_name: String,
    pub http_method: String,
    pub path: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    /// Method arguments: path parameters, then required query/header/cookie parameters.
    pub required: Vec<Param>,
    /// Chained setters.
    pub optional: Vec<Param>,
    pub body: Option<Body>,
    pub ok: Decode,
    pub err: Decode,
    /// A stream a success response offers besides the body `ok` decodes
    /// (JSON and `text/event-stream`, say): a builder method takes it.
    pub stream_alternative: Option<StreamResponse>,
    pub security: Option<Vec<Vec<usize>>>,
    /// JSON pointer of the operation object.
    pub pointer: String,
    /// How to page through this operation's results, when it is a paginated list.
    pub pagination: Option<super::pagination::shape::Pagination>,
    /// How to send many items in chunks, when this is a batch endpoint.
    pub batch: Option<super::batch::shape::Batch>,
}

impl Operation {
    /// Whether the operation needs a builder type of its own: it has optional parameters,
    /// an optional body or paging methods to offer. The others share the runtime's generic
    /// `RequestBuilder`, through an alias.
    pub fn has_own_builder(&self) -> bool {
        !self.optional.is_empty()
            || self.body.as_ref().is_some_and(|b| !b.required)
            || self.pagination.is_some()
            || self.stream_alternative.is_some()
            || self
                .body
                .as_ref()
                .is_some_and(|b| matches!(b.kind, BodyKind::Multipart))
    }
}

pub struct Param {
    pub name: String,
    pub ident: String,
    pub location: ParamLocation,
    pub ty: Ty,
    pub doc: Option<String>,
}

#[derive(Clone, Copy, PartialEq)]
pub enum ParamLocation {
    Path,
    Query(QueryStyle),
    Header,
    Cookie,
}

/// How a query parameter is serialized (`style` + `explode`): one variant per
/// variant of the runtime's `contract::QueryStyle` (a test checks they agree).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryStyle {
    Form,
    FormNoExplode,
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
}

impl QueryStyle {
    /// Every style, for the test that compares them with the runtime's.
    #[cfg(test)]
    pub const ALL: [QueryStyle; 5] = [
        QueryStyle::Form,
        QueryStyle::FormNoExplode,
        QueryStyle::SpaceDelimited,
        QueryStyle::PipeDelimited,
        QueryStyle::DeepObject,
    ];

    /// The name of the runtime's variant, the one place the expander gets it from.
    pub fn runtime_variant(self) -> &'static str {
        match self {
            QueryStyle::Form => "Form",
            QueryStyle::FormNoExplode => "FormNoExplode",
            QueryStyle::SpaceDelimited => "SpaceDelimited",
            QueryStyle::PipeDelimited => "PipeDelimited",
            QueryStyle::DeepObject => "DeepObject",
        }
    }
}

pub struct Body {
    pub kind: BodyKind,
    pub ty: Ty,
    pub required: bool,
    pub content_type: String,
    pub doc: Option<String>,
}

pub enum BodyKind {
    Json,
    Form,
    Multipart,
    Bytes,
    Text,
}

/// How a response body is decoded.
#[derive(Clone, PartialEq)]
pub enum Decode {
    None,
    Empty,
    Json(Ty),
    Text,
    Bytes,
    /// A body read as it arrives: events or JSON records.
    Stream(Box<StreamResponse>),
    /// Several statuses with different bodies: an enum named `name` in `types`.
    Enum {
        name: String,
        variants: Vec<DecodeVariant>,
    },
}

/// A success body read as a stream of items.
#[derive(Clone, PartialEq)]
pub struct StreamResponse {
    pub kind: StreamKind,
    /// The type of one item (an event's data, a JSON record).
    pub item: Ty,
    /// The media type, sent as `Accept` when the stream is the alternative.
    pub media_type: String,
}

/// The framing of a stream.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum StreamKind {
    /// `text/event-stream`; `text` when the data is delivered as text, not JSON.
    Events { text: bool },
    /// JSON Lines, NDJSON, JSON text sequences.
    JsonLines,
}

#[derive(Clone, PartialEq)]
pub struct DecodeVariant {
    pub status: String,
    pub name: String,
    pub decode: Decode,
}

/// Builds the groups, leaving out the `omitted` operations; also returns the idempotency
/// header name a parameter declares.
pub fn from_spec(
    cx: &Ctxt,
    root: &Value,
    types: &mut TypeSpace<'_>,
    schemes: &[Scheme],
    omitted: &Omitted,
) -> (Group, Vec<Group>, Option<String>) {
    let mut builder_names = Namespace::default();
    let mut group_names = Namespace::with_reserved(&["Client", "ClientBuilder", "API"]);
    let mut root_group = Group {
        name: String::new(),
        accessor: String::new(),
        doc: None,
        ops: Vec::new(),
    };
    let mut groups: Vec<(String, Group, Namespace)> = Vec::new();
    let mut root_names = Namespace::with_reserved(CLIENT_METHODS);
    let mut idempotency_header = None;
    let tag_docs = tag_docs(root);

    let Some(paths) = root.get("paths").and_then(Value::as_object) else {
        return (root_group, Vec::new(), None);
    };
    // Accessors of tags are named first so that an untagged operation never takes one.
    // After a selection every tag of the whole document takes its name, so that each kept
    // sub-client gets the one it has in the whole client.
    let present = group_tags(root, omitted);
    let named = if omitted.tags.is_empty() {
        &present
    } else {
        &omitted.tags
    };
    for tag in named {
        let accessor = root_names.unique(names::value_name(tag, "tag"));
        let name = group_names.unique(names::type_name(tag, "Tag") + "Client");
        if !present.contains(tag) {
            continue;
        }
        let doc = tag_docs
            .iter()
            .find(|(t, _)| t == tag)
            .and_then(|(_, d)| d.clone());
        let group = Group {
            name,
            accessor,
            doc,
            ops: Vec::new(),
        };
        groups.push((tag.clone(), group, Namespace::default()));
    }
    for (path, item) in paths {
        let item_ptr = pointer::push("#/paths", path);
        let Some((item, item_ptr)) = refs::follow(cx, root, item, &item_ptr) else {
            continue;
        };
        if !item.is_object() {
            cx.error_at(
                &item_ptr,
                format!("a path item must be an object, found {}", json_type(item)),
            );
            continue;
        }
        for ItemOperation {
            ptr: op_ptr,
            http_method,
            op,
        } in item_operations(Some(cx), item, &item_ptr)
        {
            if omitted.is_operation(&op_ptr) {
                continue;
            }
            let method = http_method.to_ascii_lowercase();
            if !op.is_object() {
                cx.error_at(
                    &op_ptr,
                    format!("an operation must be an object, found {}", json_type(op)),
                );
                continue;
            }
            let ctx = OpContext {
                cx,
                root,
                path,
                method: &method,
                http_method: &http_method,
                item,
                op,
                ptr: &op_ptr,
                schemes,
            };
            let tag = first_tag(op);
            let (group, namespace) =
                match tag.and_then(|t| groups.iter_mut().find(|(g, _, _)| *g == t)) {
                    Some((_, group, ns)) => (group, ns),
                    None => (&mut root_group, &mut root_names),
                };
            let built = ctx.build(
                types,
                namespace,
                &mut builder_names,
                &mut idempotency_header,
            );
            group.ops.push(built);
        }
    }
    (
        root_group,
        groups.into_iter().map(|(_, g, _)| g).collect(),
        idempotency_header,
    )
}

/// The tags that get a sub-client, in the order they are named: the first tag of each
/// operation of `paths` but the `omitted` ones, first seen first.
pub fn group_tags(root: &Value, omitted: &Omitted) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    let paths = root.get("paths").and_then(Value::as_object);
    for (path, item) in paths.into_iter().flatten() {
        let item_ptr = pointer::push("#/paths", path);
        for operation in item_operations(None, item, &item_ptr) {
            if omitted.is_operation(&operation.ptr) {
                continue;
            }
            if let Some(tag) = first_tag(operation.op).filter(|t| !tags.contains(t)) {
                tags.push(tag);
            }
        }
    }
    tags
}

// ===== internal =====

struct OpContext<'a> {
    cx: &'a Ctxt,
    root: &'a Value,
    path: &'a str,
    /// The method in lower case, for names.
    method: &'a str,
    /// The method as sent.
    http_method: &'a str,
    item: &'a Value,
    op: &'a Value,
    ptr: &'a str,
    schemes: &'a [Scheme],
}

impl OpContext<'_> {
    fn build(
        &self,
        types: &mut TypeSpace<'_>,
        method_names: &mut Namespace,
        builder_names: &mut Namespace,
        idempotency_header: &mut Option<String>,
    ) -> Operation {
        let text = |key: &str| self.op.get(key).and_then(Value::as_str).map(str::to_owned);
        let id = text("operationId")
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| format!("{} {}", self.method, self.path.replace(['{', '}'], " ")));
        let method_name = method_names.unique(names::value_name(&id, "op"));
        let builder_name = builder_names.unique(names::type_name(&id, "Op"));
        let mut param_names = Namespace::with_reserved(BUILDER_METHODS);
        // The request body is the argument (or setter) `body`: a parameter of that name
        // gets another.
        if self.op.get("requestBody").is_some() {
            param_names.unique("body".to_owned());
        }
        let (required, optional) =
            self.params(types, &builder_name, &mut param_names, idempotency_header);
        let body = self.body(types, &builder_name);
        let (ok, err, stream_alternative) = self.responses(types, &builder_name);
        Operation {
            id,
            method_name,
            builder_name,
            http_method: self.http_method.to_owned(),
            path: self.path.to_owned(),
            summary: text("summary"),
            description: text("description"),
            deprecated: self
                .op
                .get("deprecated")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            required,
            optional,
            body,
            ok,
            err,
            stream_alternative,
            security: self.op.get("security").map(|v| {
                let ptr = pointer::push(self.ptr, "security");
                security::requirements(self.cx, self.root, v, self.schemes, &ptr)
            }),
            pointer: self.ptr.to_owned(),
            pagination: None,
            batch: None,
        }
    }
}

fn first_tag(op: &Value) -> Option<String> {
    op.get("tags")?
        .as_array()?
        .first()?
        .as_str()
        .map(str::to_owned)
}

fn tag_docs(root: &Value) -> Vec<(String, Option<String>)> {
    let Some(tags) = root.get("tags").and_then(Value::as_array) else {
        return Vec::new();
    };
    tags.iter()
        .filter_map(|t| {
            let name = t.get("name")?.as_str()?.to_owned();
            let doc = join_docs(None, t.get("description").and_then(Value::as_str));
            Some((name, doc))
        })
        .collect()
}
