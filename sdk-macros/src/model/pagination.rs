//! Pagination: which list operations can be paged through, and how.
//!
//! Runs after the types are finished: it reads the operation's success type (a struct with
//! an array of items, or a bare array) and its query parameters, and the raw operation node
//! for the `x-pagination` extension and the limit parameter's `maximum`.
//!
//! # Detection
//!
//! Only `GET` operations with a JSON success body are considered. Names are compared
//! case-insensitively with `_`, `-`, `.` and `$` removed (`page_token` = `pageToken`). The
//! first rule that fits wins:
//!
//! 1. **cursor**: a query parameter `cursor`, `starting_after`, `after`, `page_token`,
//!    `next`, `next_token`, `continuation_token`, `marker` (or a *string* `offset`, which
//!    some APIs use as an opaque token), and either a next-cursor field in the body
//!    (`next_cursor`, `next_page_token`, `next_token`, `continuation_token`, a string
//!    `next_page`/`next`, `cursors.next`, or a `next_page`/`next` object's field named like
//!    the parameter), searched three objects deep (`response_metadata.next_cursor`), or a
//!    `has_more` boolean with `starting_after`/`after` and an `id` on the items;
//! 2. **offset**: an integer `offset`, `start`, `start_index`, `start_position` or `skip`;
//! 3. **page**: an integer `page`, `page_number`, `page_no`;
//! 4. **link**: the success response declares a `Link` header.
//!
//! Every style also needs the items: the body itself when it is an array, else the struct's
//! array field named `data`, `items`, `results`, `records`, `entries`, `values`, `list`,
//! `elements` or `nodes`, or its only array field. `has_more` (`has_more`, `has_next_page`,
//! `has_next`) and `total` (`total`, `total_count`, `total_results`, `total_record_count`,
//! `total_set_size`, `total_items`) are picked up when present. The page-size parameter is
//! `limit`, `per_page`, `page_size`, `max_results`, `count`, `top` or `size`; its schema's
//! `maximum` is the page size used when the caller sets none. Anything else stays a plain
//! method.
//!
//! # `x-pagination`
//!
//! An operation may declare its pagination instead; the declaration wins over detection,
//! and `x-pagination: false` turns detection off for the operation. Paths are dotted
//! property names (as on the wire) from the root of the response body:
//!
//! ```yaml
//! x-pagination:
//!   style: cursor            # required: cursor | offset | page | link
//!   param: starting_after    # the query parameter that moves (default: detected by name)
//!   items: data              # the array of items (default: detected; omit for a bare array)
//!   next: meta.next_cursor   # cursor: the next cursor, or the next page's URL
//!   cursor_item_field: id    # cursor: or take the cursor from this field of the last item
//!   has_more: has_more       # optional: a boolean, false on the last page
//!   total: total             # optional: the total number of items
//!   limit_param: limit       # optional: the page-size parameter (default: detected by name)
//!   max_limit: 100           # optional: page size to request (default: the limit's maximum)
//!   first_page: 1            # page: the first page's number (default: minimum/default, else 1)
//! ```
//!
//! Mistakes in a declaration (an unknown key or style, a path that names no field, a
//! parameter the operation does not have) are compile errors pointing at the extension.

use serde::Deserialize;
use serde_json::Value;

use super::ops::{Decode, Operation, ParamLocation};
use super::refs;
use super::schema::{Field, Ty, TypeDef, TypeKind};

pub(crate) mod shape;

use crate::ctxt::Ctxt;
use crate::pointer;
pub use shape::{Pagination, Path, Style};

/// The vendor extension that declares (or, with `false`, disables) pagination.
pub const EXTENSION: &str = "x-pagination";

/// Detects the pagination of `op`, or `None` for a plain operation.
pub fn detect(cx: &Ctxt, root: &Value, op: &Operation, types: &[TypeDef]) -> Option<Pagination> {
    let node = pointer::lookup(root, &op.pointer)?;
    match node.get(EXTENSION) {
        Some(Value::Bool(false)) => None,
        Some(ext) => {
            let at = pointer::push(&op.pointer, EXTENSION);
            let ctx = Context::new(root, node, op, types);
            let declared = ctx.as_ref().ok_or_else(|| {
                "the success response is not JSON, so it cannot be paged through".to_owned()
            });
            declared
                .and_then(|c| c.declared(ext))
                .map_err(|e| cx.error_at(&at, e))
                .ok()
        }
        None if op.http_method == "GET" => Context::new(root, node, op, types)?.detected(),
        None => None,
    }
}

// ===== internal =====

const CURSOR_PARAMS: &[&str] = &[
    "cursor",
    "startingafter",
    "after",
    "pagetoken",
    "next",
    "nexttoken",
    "continuationtoken",
    "marker",
];
const OFFSET_PARAMS: &[&str] = &["offset", "start", "startindex", "startposition", "skip"];
const PAGE_PARAMS: &[&str] = &["page", "pagenumber", "pageno"];
const LIMIT_PARAMS: &[&str] = &[
    "limit",
    "perpage",
    "pagesize",
    "maxresults",
    "count",
    "top",
    "size",
];
const ITEMS_FIELDS: &[&str] = &[
    "data", "items", "results", "records", "entries", "values", "list", "elements", "nodes",
];
const NEXT_FIELDS: &[&str] = &[
    "nextcursor",
    "nextpagetoken",
    "nexttoken",
    "continuationtoken",
];
const NEXT_LOOSE: &[&str] = &["nextpage", "next"];
const HAS_MORE_FIELDS: &[&str] = &["hasmore", "hasnextpage", "hasnext"];
const TOTAL_FIELDS: &[&str] = &[
    "total",
    "totalcount",
    "totalresults",
    "totalrecordcount",
    "totalsetsize",
    "totalitems",
];
/// How many objects deep the next cursor, `has_more` and `total` are searched for.
const MAX_DEPTH: usize = 3;

/// `x-pagination`, as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Declared {
    style: String,
    param: Option<String>,
    items: Option<String>,
    next: Option<String>,
    cursor_item_field: Option<String>,
    has_more: Option<String>,
    total: Option<String>,
    limit_param: Option<String>,
    max_limit: Option<u64>,
    first_page: Option<u64>,
}

struct Context<'a> {
    root: &'a Value,
    node: &'a Value,
    op: &'a Operation,
    types: &'a [TypeDef],
    /// The success body type.
    body: &'a Ty,
}

impl<'a> Context<'a> {
    fn new(
        root: &'a Value,
        node: &'a Value,
        op: &'a Operation,
        types: &'a [TypeDef],
    ) -> Option<Self> {
        let Decode::Json(body) = &op.ok else {
            return None;
        };
        // A page that may be `null` (a nullable response schema) has nothing to read the
        // next page from: such an operation is not paged.
        if body.is_option() {
            return None;
        }
        Some(Context {
            root,
            node,
            op,
            types,
            body,
        })
    }

    fn detected(&self) -> Option<Pagination> {
        let (items, item) = self.find_items()?;
        let fields = self.fields(self.body);
        let has_more = self
            .find(fields, HAS_MORE_FIELDS, |ty| *ty == Ty::Bool)
            .unwrap_or_default();
        let total = self
            .find(fields, TOTAL_FIELDS, is_count)
            .unwrap_or_default();
        let query = |names: &[&str], integer: Option<bool>| {
            self.query_params().find(|(name, ty)| {
                names.contains(&normalize(name).as_str())
                    && integer.is_none_or(|i| is_integer(ty) == i)
            })
        };
        let cursor_param = query(CURSOR_PARAMS, None)
            .or_else(|| query(&["offset"], Some(false)).filter(|(_, ty)| *base(ty) == Ty::String));
        let cursor = cursor_param.and_then(|(param, _)| {
            let (next, item_field) = self.cursor_source(fields, param, &has_more, &item)?;
            Some((
                Style::Cursor {
                    param: Some(param.to_owned()),
                },
                next,
                item_field,
            ))
        });
        let (style, next, item_field) = if let Some(cursor) = cursor {
            cursor
        } else if let Some((param, _)) = query(OFFSET_PARAMS, Some(true)) {
            (
                Style::Offset {
                    param: param.to_owned(),
                },
                Path::default(),
                None,
            )
        } else if let Some((param, _)) = query(PAGE_PARAMS, Some(true)) {
            (
                Style::Page {
                    param: param.to_owned(),
                    first: self.first_page(param),
                },
                Path::default(),
                None,
            )
        } else if self.declares_link_header() {
            (Style::Link, Path::default(), None)
        } else {
            return None;
        };
        let limit_param = query(LIMIT_PARAMS, None).map(|(name, _)| name.to_owned());
        Some(Pagination {
            max_limit: limit_param.as_deref().and_then(|p| self.maximum(p)),
            limit_param,
            style,
            items,
            item,
            next: next.json,
            cursor_item_field: item_field,
            has_more: has_more.json,
            total: total.json,
            declared: false,
        })
    }

    /// Where the next cursor comes from: a body field, or the last item's `id`.
    fn cursor_source(
        &self,
        fields: &[Field],
        param: &str,
        has_more: &Path,
        item: &Ty,
    ) -> Option<(Path, Option<String>)> {
        if let Some(next) = self.find(fields, NEXT_FIELDS, is_scalar) {
            return Some((next, None));
        }
        // `next_page: {offset, path, uri}` (Asana), `cursors: {next}` (Apideck), `next: "…"`.
        let wanted = normalize(param);
        let inner = |ty: &Ty| {
            self.fields(ty)
                .iter()
                .find(|f| normalize(&f.json_name) == wanted)
                .map(|f| f.json_name.clone())
        };
        if let Some(mut next) = self.find(fields, NEXT_LOOSE, |ty| {
            !self.fields(ty).is_empty() && inner(ty).is_some()
        }) {
            let ty = next.steps.last().map(|(_, ty)| ty.clone())?;
            next.json.push(inner(&ty)?);
            return Some((next, None));
        }
        if let Some(next) = self.find(fields, &["cursors"], |ty| self.field(ty, "next").is_some()) {
            let mut next = next;
            next.json.push("next".to_owned());
            return Some((next, None));
        }
        if let Some(next) = self.find(fields, NEXT_LOOSE, is_scalar) {
            return Some((next, None));
        }
        let last_id =
            ["startingafter", "after"].contains(&wanted.as_str()) && !has_more.json.is_empty();
        let id = self.field(item, "id").filter(|_| last_id)?;
        Some((Path::default(), Some(id.json_name.clone())))
    }

    fn declared(&self, ext: &Value) -> Result<Pagination, String> {
        let d: Declared = serde_json::from_value(ext.clone())
            .map_err(|e| format!("invalid `{EXTENSION}`: {e}"))?;
        let (items, item) = match &d.items {
            Some(path) => {
                let items = self.path(path)?;
                let leaf = items.steps.last().map_or(self.body, |(_, ty)| ty);
                let item = vec_item(self.types, leaf)
                    .ok_or_else(|| format!("`items: {path}` is not an array"))?;
                (items, item)
            }
            None => self
                .find_items()
                .ok_or("cannot find the array of items in the response; set `items`")?,
        };
        let fields = self.fields(self.body);
        let opt_path = |p: &Option<String>| {
            p.as_deref()
                .map_or(Ok(Vec::new()), |p| self.path(p).map(|p| p.json))
        };
        let param = |names: &[&str], what: &str| -> Result<String, String> {
            let named = d.param.clone().or_else(|| {
                self.query_params()
                    .find(|(n, _)| names.contains(&normalize(n).as_str()))
                    .map(|(n, _)| n.to_owned())
            });
            let name = named.ok_or(format!("no {what} parameter found; set `param`"))?;
            self.check_param(&name)?;
            Ok(name)
        };
        let mut next = opt_path(&d.next)?;
        let style = match d.style.as_str() {
            "cursor" => {
                // Optional: a cursor that is always a URL needs no parameter.
                let param = match d.param {
                    Some(_) => Some(param(CURSOR_PARAMS, "cursor")?),
                    None => param(CURSOR_PARAMS, "cursor").ok(),
                };
                if next.is_empty() && d.cursor_item_field.is_none() {
                    let detected = self.find(fields, NEXT_FIELDS, is_scalar);
                    next = detected
                        .ok_or("cursor pagination needs `next` or `cursor_item_field`")?
                        .json;
                }
                Style::Cursor { param }
            }
            "offset" => Style::Offset {
                param: param(OFFSET_PARAMS, "offset")?,
            },
            "page" => {
                let param = param(PAGE_PARAMS, "page")?;
                Style::Page {
                    first: d.first_page.unwrap_or_else(|| self.first_page(&param)),
                    param,
                }
            }
            "link" => Style::Link,
            other => {
                return Err(format!(
                    "unknown style `{other}`; expected cursor, offset, page or link"
                ));
            }
        };
        if let Some(field) = &d.cursor_item_field
            && self.field(&item, field).is_none()
        {
            return Err(format!(
                "`cursor_item_field: {field}` is not a property of the items"
            ));
        }
        let limit_param = match d.limit_param {
            Some(name) => {
                self.check_param(&name)?;
                Some(name)
            }
            None => self
                .query_params()
                .find(|(n, _)| LIMIT_PARAMS.contains(&normalize(n).as_str()))
                .map(|(n, _)| n.to_owned()),
        };
        Ok(Pagination {
            max_limit: d
                .max_limit
                .or_else(|| limit_param.as_deref().and_then(|p| self.maximum(p))),
            limit_param,
            style,
            items,
            item,
            next,
            cursor_item_field: d.cursor_item_field,
            has_more: opt_path(&d.has_more)?,
            total: opt_path(&d.total)?,
            declared: true,
        })
    }

    /// The items: the body when it is an array, else a well-named (or the only) array field.
    fn find_items(&self) -> Option<(Path, Ty)> {
        if let Some(item) = vec_item(self.types, self.body) {
            return Some((Path::default(), item));
        }
        let arrays: Vec<&Field> = self
            .fields(self.body)
            .iter()
            .filter(|f| vec_item(self.types, &f.ty).is_some())
            .collect();
        let field = ITEMS_FIELDS
            .iter()
            .find_map(|name| arrays.iter().find(|f| normalize(&f.json_name) == *name))
            .or_else(|| (arrays.len() == 1).then(|| &arrays[0]))?;
        let item = vec_item(self.types, &field.ty)?;
        let path = Path {
            json: vec![field.json_name.clone()],
            steps: vec![(field.name.clone(), field.ty.clone())],
        };
        Some((path, item))
    }

    /// The first field (breadth first, `MAX_DEPTH` objects deep) named like one of `names`,
    /// in the order of `names`, whose type passes `fits`.
    fn find(
        &self,
        fields: &'a [Field],
        names: &[&str],
        fits: impl Fn(&Ty) -> bool,
    ) -> Option<Path> {
        let mut level: Vec<(Path, &[Field])> = vec![(Path::default(), fields)];
        for _ in 0..MAX_DEPTH {
            for name in names {
                for (path, fields) in &level {
                    if let Some(f) = fields
                        .iter()
                        .find(|f| normalize(&f.json_name) == *name && fits(&f.ty))
                    {
                        return Some(path.child(f));
                    }
                }
            }
            level = level
                .iter()
                .flat_map(|(path, fields)| fields.iter().map(move |f| (path, f)))
                .filter(|(_, f)| !self.fields(&f.ty).is_empty())
                .map(|(path, f)| (path.child(f), self.fields(&f.ty)))
                .collect();
        }
        None
    }

    /// Resolves a dotted wire path through the body type.
    fn path(&self, dotted: &str) -> Result<Path, String> {
        let mut path = Path::default();
        let mut ty = self.body;
        for name in dotted.split('.').filter(|s| !s.is_empty()) {
            let field = self.field(ty, name).ok_or_else(|| {
                format!("`{dotted}`: the response has no property `{name}` there")
            })?;
            path = path.child(field);
            ty = &field.ty;
        }
        Ok(path)
    }

    fn field(&self, ty: &Ty, json_name: &str) -> Option<&'a Field> {
        self.fields(ty).iter().find(|f| f.json_name == json_name)
    }

    /// The fields of a struct type, looking through options, boxes and aliases.
    fn fields(&self, ty: &Ty) -> &'a [Field] {
        match strip(self.types, ty) {
            Some(TypeKind::Struct { fields, .. }) => fields,
            _ => &[],
        }
    }

    fn query_params(&self) -> impl Iterator<Item = (&'a str, &'a Ty)> {
        let op = self.op;
        op.required
            .iter()
            .chain(&op.optional)
            .filter(|p| matches!(p.location, ParamLocation::Query(_)))
            .map(|p| (p.name.as_str(), &p.ty))
    }

    fn check_param(&self, name: &str) -> Result<(), String> {
        match self.query_params().any(|(n, _)| n == name) {
            true => Ok(()),
            false => Err(format!(
                "`{name}` is not a query parameter of this operation"
            )),
        }
    }

    /// The `maximum` of query parameter `name`'s schema.
    fn maximum(&self, name: &str) -> Option<u64> {
        let max = self.param_schema(name)?.get("maximum")?;
        max.as_u64()
            .or_else(|| {
                max.as_f64()
                    .filter(|m| *m >= 1.0 && *m < 1e15)
                    .map(|m| m as u64)
            })
            .filter(|m| *m > 0)
    }

    /// The first page's number: the page parameter's `minimum` or `default` when 0 or 1.
    fn first_page(&self, name: &str) -> u64 {
        let schema = self.param_schema(name);
        let get = |key| {
            schema
                .and_then(|s| s.get(key))
                .and_then(Value::as_u64)
                .filter(|n| *n <= 1)
        };
        get("minimum").or_else(|| get("default")).unwrap_or(1)
    }

    /// The raw schema of query parameter `name` (the operation's, else the path item's).
    fn param_schema(&self, name: &str) -> Option<&'a Value> {
        let item_ptr = self.op.pointer.rsplit_once('/').map(|(p, _)| p)?;
        let item = pointer::lookup(self.root, item_ptr);
        [Some(self.node), item]
            .into_iter()
            .flatten()
            .find_map(|holder| {
                let list = holder.get("parameters")?.as_array()?;
                let param = list
                    .iter()
                    .filter_map(|p| refs::follow_quietly(self.root, p))
                    .find(|p| {
                        p.get("name").and_then(Value::as_str) == Some(name)
                            && p.get("in").and_then(Value::as_str) == Some("query")
                    })?;
                refs::follow_quietly(self.root, param.get("schema")?)
            })
    }

    fn declares_link_header(&self) -> bool {
        let Some(responses) = self.node.get("responses").and_then(Value::as_object) else {
            return false;
        };
        responses
            .iter()
            .filter(|(status, _)| status.starts_with('2'))
            .filter_map(|(_, r)| {
                refs::follow_quietly(self.root, r)?
                    .get("headers")?
                    .as_object()
            })
            .any(|headers| headers.keys().any(|h| h.eq_ignore_ascii_case("link")))
    }
}

impl Path {
    fn child(&self, field: &Field) -> Path {
        let mut json = self.json.clone();
        json.push(field.json_name.clone());
        let mut steps = self.steps.clone();
        steps.push((field.name.clone(), field.ty.clone()));
        Path { json, steps }
    }
}

/// The definition behind `ty`, through options, boxes and aliases.
fn strip<'t>(types: &'t [TypeDef], ty: &Ty) -> Option<&'t TypeKind> {
    let mut ty = ty;
    for _ in 0..16 {
        match ty {
            Ty::Option(inner) | Ty::Box(inner) => ty = inner,
            Ty::Named(id) => match &types.get(*id)?.kind {
                TypeKind::Alias(inner) => ty = inner,
                kind => return Some(kind),
            },
            _ => return None,
        }
    }
    None
}

/// The element type when `ty` is an array (through options and aliases).
fn vec_item(types: &[TypeDef], ty: &Ty) -> Option<Ty> {
    let mut ty = ty;
    for _ in 0..16 {
        match ty {
            Ty::Vec(item) => return Some((**item).clone()),
            Ty::Option(inner) | Ty::Box(inner) => ty = inner,
            Ty::Named(id) => match &types.get(*id)?.kind {
                TypeKind::Alias(inner) => ty = inner,
                _ => return None,
            },
            _ => return None,
        }
    }
    None
}

fn normalize(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '_' | '-' | '.' | '$'))
        .flat_map(char::to_lowercase)
        .collect()
}

fn base(ty: &Ty) -> &Ty {
    match ty {
        Ty::Option(inner) | Ty::Box(inner) => base(inner),
        other => other,
    }
}

fn is_integer(ty: &Ty) -> bool {
    matches!(base(ty), Ty::I32 | Ty::I64 | Ty::U32 | Ty::U64)
}

fn is_scalar(ty: &Ty) -> bool {
    matches!(
        base(ty),
        Ty::String | Ty::I32 | Ty::I64 | Ty::U32 | Ty::U64 | Ty::Value
    )
}

fn is_count(ty: &Ty) -> bool {
    is_integer(ty) || matches!(base(ty), Ty::String | Ty::F64)
}

// Reads `../spec/`: compiled in the repository only (see build.rs).
#[cfg(all(test, workspace_fixtures))]
mod tests;
