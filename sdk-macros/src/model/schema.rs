//! Schemas to Rust types.
//!
//! [`TypeSpace`] turns each schema into a [`Ty`] (a reference to a type) and, for objects,
//! string enums and unions, a named [`TypeDef`]. Component schemas are named first, so
//! their names win over names made up for inline schemas (`Pet` + `owner` → `PetOwner`).
//! Every schema is memoized by its JSON pointer, so a `$ref` to any node, even one inside
//! an operation, yields the same type as the node itself.

use std::collections::{HashMap, HashSet};

use openapiv3::{
    IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaKind, StringFormat,
    VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use super::refs;
use crate::ctxt::Ctxt;

mod compose;
mod members;
mod object;
use crate::names::{self, Namespace};
use crate::normalize::json_type;
use crate::pointer;

/// A reference to a Rust type.
#[derive(Clone, Debug, PartialEq)]
pub enum Ty {
    /// A generated type, by index into the type list.
    Named(usize),
    String,
    Bool,
    I32,
    I64,
    U32,
    U64,
    F32,
    F64,
    DateTime,
    Date,
    Uuid,
    Binary,
    /// Any JSON value.
    Value,
    /// A free-form JSON object.
    Object,
    /// A map with string keys.
    Map(Box<Ty>),
    Vec(Box<Ty>),
    Option(Box<Ty>),
    Box(Box<Ty>),
    /// No content.
    Unit,
}

impl Ty {
    pub fn option(self) -> Ty {
        match self {
            Ty::Option(_) | Ty::Value | Ty::Unit => self,
            other => Ty::Option(Box::new(other)),
        }
    }

    pub fn is_option(&self) -> bool {
        matches!(self, Ty::Option(_))
    }
}

/// A named type.
pub struct TypeDef {
    pub name: String,
    pub doc: Option<String>,
    pub pointer: String,
    pub kind: TypeKind,
}

/// The name of the field that holds a struct's `additionalProperties` map (spelled out
/// where `expand` writes the struct and its serde code). Reserved in the struct's field
/// namespace before any property is named (`object::field_names`).
pub const EXTRA_FIELD: &str = "additional_properties";

pub enum TypeKind {
    Struct {
        fields: Vec<Field>,
        /// `additionalProperties` beside declared properties, flattened into a map.
        extra: Option<Ty>,
        /// A property the type writes itself, with its one value: the discriminator value
        /// that selects this type in every tagged union that holds it (see `imply_tags`).
        implied: Option<ImpliedTag>,
    },
    /// A string enum; unknown values decode into a fallback variant.
    Enum {
        variants: Vec<(String, String)>,
    },
    /// `oneOf`/`anyOf`: tried in order, or chosen by the discriminator property.
    Union {
        variants: Vec<Variant>,
        discriminator: Option<String>,
    },
    Alias(Ty),
    /// Reserved, not yet defined.
    Pending,
}

pub struct Field {
    pub name: String,
    pub json_name: String,
    pub ty: Ty,
    /// Required and not nullable: always present on the wire.
    pub required: bool,
    /// Required but nullable: an `Option` whose `None` is written as `null`, because the
    /// schema requires the key (it is still read leniently when absent).
    pub emit_null: bool,
    pub doc: Option<String>,
}

/// A discriminator property and the value a variant struct implies for it.
#[derive(Clone, PartialEq, Eq)]
pub struct ImpliedTag {
    pub property: String,
    pub value: String,
}

pub struct Variant {
    pub name: String,
    pub ty: Ty,
    /// Discriminator values that select this variant.
    pub tags: Vec<String>,
}

/// Inline schemas nested deeper than this become free-form values.
const MAX_DEPTH: usize = 48;

/// How deep conversion may recurse, inline schemas and `$ref`s together. `depth` restarts
/// at every `$ref`, so without this a chain of thousands of components, each referring to
/// the next, would overflow the compiler's stack. A component met deeper is left for
/// `add_components` to convert from the top; anything else deeper is an error.
const MAX_NESTING: usize = 192;

pub struct TypeSpace<'a> {
    cx: &'a Ctxt,
    root: &'a Value,
    defs: Vec<TypeDef>,
    names: Namespace,
    /// Finished (or in-progress named) types by pointer.
    memo: HashMap<String, Ty>,
    /// Component schemas reserved up front, by pointer.
    reserved: HashMap<String, usize>,
    /// Pointers being converted that have no name yet: a `$ref` back to one is a cycle.
    converting: HashSet<String>,
    /// The `$ref`s being resolved whose targets are themselves bare `$ref`s: meeting one of
    /// them again is a cycle that never reaches a schema.
    aliases: Vec<String>,
    depth: usize,
    /// Current recursion depth of the conversion, bounded by `MAX_NESTING`.
    nesting: usize,
    /// Component schemas and body schemas with the type generated code decodes them as.
    roots: Vec<(String, Ty)>,
}

impl<'a> TypeSpace<'a> {
    pub fn new(cx: &'a Ctxt, root: &'a Value) -> Self {
        TypeSpace {
            cx,
            root,
            defs: Vec::new(),
            names: Namespace::default(),
            memo: HashMap::new(),
            reserved: HashMap::new(),
            converting: HashSet::new(),
            aliases: Vec::new(),
            depth: 0,
            nesting: 0,
            roots: Vec::new(),
        }
    }

    /// Names every component schema, then converts each of them. `all_keys`, when not
    /// empty, lists the schemas of the whole document (a `tags` selection removed some):
    /// every one of them takes its name, so each kept schema gets the one it has in the
    /// whole client.
    pub fn add_components(&mut self, all_keys: &[String]) {
        let Some(schemas) = self
            .root
            .pointer("/components/schemas")
            .and_then(Value::as_object)
        else {
            return;
        };
        let keys: Vec<String> = schemas.keys().cloned().collect();
        let named = if all_keys.is_empty() { &keys } else { all_keys };
        for key in named {
            let name = self.names.unique(names::type_name(key, "Schema"));
            if schemas.contains_key(key) {
                let ptr = pointer::push("#/components/schemas", key);
                let id = self.push_def(name, ptr.clone());
                self.reserved.insert(ptr, id);
            }
        }
        for key in &keys {
            let ptr = pointer::push("#/components/schemas", key);
            let ty = self.resolve(&ptr, "");
            self.roots.push((ptr, ty));
        }
    }

    /// The type of the schema node `node` found at `ptr`; `hint` names inline types.
    pub fn node(&mut self, node: &Value, ptr: &str, hint: &str) -> Ty {
        if let Some(reference) = node.get("$ref").and_then(Value::as_str) {
            return self.resolve(reference, ptr);
        }
        if let Some(ty) = self.memo.get(ptr) {
            return ty.clone();
        }
        let ty = match refs::parse::<Schema>(node) {
            Ok(schema) => self.schema(&schema, ptr, hint),
            Err(msg) => {
                self.degraded(node, ptr, &msg);
                Ty::Value
            }
        };
        // Inline bodies (request, response, webhook payload) are decoded as a whole;
        // parameters travel as strings and are left out.
        if ptr.contains("/content/") {
            self.roots.push((ptr.to_owned(), ty.clone()));
        }
        ty
    }

    /// Every component schema and inline body schema, with the type generated code gives
    /// it, in document order (for the conformance table).
    pub fn take_roots(&mut self) -> Vec<(String, Ty)> {
        // A shared response (`$ref` to `#/components/responses/...`) is met once per use.
        let mut seen = HashSet::new();
        let mut roots = std::mem::take(&mut self.roots);
        roots.retain(|(ptr, _)| seen.insert(ptr.clone()));
        roots
    }

    /// The list of named types (recursive fields are boxed afterwards, by
    /// `recursion::break_cycles`).
    pub fn finish(mut self) -> Vec<TypeDef> {
        for def in &mut self.defs {
            if matches!(def.kind, TypeKind::Pending) {
                def.kind = TypeKind::Alias(Ty::Value);
            }
        }
        compose::imply_tags(&mut self.defs);
        self.defs
    }

    /// A unique type name for a type defined outside the type list (response enums).
    pub fn reserve_name(&mut self, hint: &str) -> String {
        self.names.unique(names::type_name(hint, "Type"))
    }

    // ===== internal =====

    /// Resolves a `$ref` string met at `at`.
    fn resolve(&mut self, reference: &str, at: &str) -> Ty {
        if let Some(ty) = self.memo.get(reference) {
            return ty.clone();
        }
        if let Some(start) = self.aliases.iter().position(|r| r == reference) {
            let mut chain = self.aliases[start..].to_vec();
            chain.push(reference.to_owned());
            self.cx
                .error_at(&self.aliases[start], refs::cycle_message(&chain));
            return Ty::Value;
        }
        let reserved = self.reserved.get(reference).copied();
        if self.converting.contains(reference) {
            // A cycle before the type got its definition (e.g. an array of itself): the
            // reserved name stands for it; `recursion` breaks what Rust cannot express.
            return reserved.map_or(Ty::Value, Ty::Named);
        }
        if self.nesting >= MAX_NESTING {
            if let Some(id) = reserved {
                return Ty::Named(id);
            }
            self.cx.error_at(
                at,
                format!("schemas nest more than {MAX_NESTING} levels deep"),
            );
            return Ty::Value;
        }
        let Some(node) = refs::target(self.cx, self.root, reference, at) else {
            return Ty::Value;
        };
        self.nesting += 1;
        self.converting.insert(reference.to_owned());
        let hint = self.hint_for_ref(reference);
        let depth = std::mem::replace(&mut self.depth, 0);
        let ty = if let Some(inner) = node.get("$ref").and_then(Value::as_str) {
            self.aliases.push(reference.to_owned());
            let ty = self.resolve(inner, reference);
            self.aliases.pop();
            ty
        } else {
            // A schema breaks the run of bare `$ref`s: a `$ref` back from inside it is
            // recursion, which `recursion` boxes, not an alias cycle.
            let aliases = std::mem::take(&mut self.aliases);
            let ty = match refs::parse::<Schema>(node) {
                Ok(schema) => self.schema(&schema, reference, &hint),
                Err(msg) => {
                    self.degraded(node, reference, &msg);
                    Ty::Value
                }
            };
            self.aliases = aliases;
            ty
        };
        self.depth = depth;
        self.nesting -= 1;
        self.converting.remove(reference);
        let ty = match reserved {
            // A nullable object, enum or union is defined under the reserved name, and
            // every reference to it may hold null.
            Some(id) if ty == Ty::Option(Box::new(Ty::Named(id))) => ty,
            Some(id) if ty != Ty::Named(id) => {
                if matches!(self.defs[id].kind, TypeKind::Pending) {
                    self.defs[id].kind = TypeKind::Alias(ty);
                    self.defs[id].doc = self.defs[id].doc.take().or_else(|| docs_of(node));
                }
                Ty::Named(id)
            }
            _ => ty,
        };
        self.memo.insert(reference.to_owned(), ty.clone());
        ty
    }

    fn hint_for_ref(&self, reference: &str) -> String {
        let last = pointer::last_token(reference);
        if last == "schema" || last == "items" || last.chars().all(|c| c.is_ascii_digit()) {
            // `#/paths/.../schema`: name it after the operation path instead.
            reference
                .split('/')
                .filter(|t| {
                    ![
                        "#",
                        "paths",
                        "content",
                        "schema",
                        "application~1json",
                        "responses",
                        "requestBody",
                    ]
                    .contains(t)
                })
                .map(|t| t.replace("~1", " "))
                .collect::<Vec<_>>()
                .join(" ")
        } else {
            last.replace("~1", "/").replace("~0", "~")
        }
    }

    /// A schema `openapiv3` cannot read. Unusual constructs degrade to a free-form value
    /// rather than failing the build; a schema position that holds no schema at all (a
    /// number, a string, a list) is a mistake in the document and an error.
    fn degraded(&self, node: &Value, ptr: &str, msg: &str) {
        let _ = msg;
        if let Some((at, found)) = misplaced(node, ptr, 0) {
            self.cx
                .error_at(&at, format!("expected a schema (an object), found {found}"));
        }
    }

    fn schema_ref(&mut self, s: &ReferenceOr<Schema>, ptr: &str, hint: &str) -> Ty {
        match s {
            ReferenceOr::Reference { reference } => self.resolve(reference, ptr),
            ReferenceOr::Item(schema) => self.schema(schema, ptr, hint),
        }
    }

    fn boxed_ref(&mut self, s: &ReferenceOr<Box<Schema>>, ptr: &str, hint: &str) -> Ty {
        match s {
            ReferenceOr::Reference { reference } => self.resolve(reference, ptr),
            ReferenceOr::Item(schema) => self.schema(schema, ptr, hint),
        }
    }

    fn schema(&mut self, schema: &Schema, ptr: &str, hint: &str) -> Ty {
        if let Some(ty) = self.memo.get(ptr) {
            return ty.clone();
        }
        if self.depth >= MAX_DEPTH || self.nesting >= MAX_NESTING {
            return Ty::Value;
        }
        self.depth += 1;
        self.nesting += 1;
        let ty = self.schema_kind(schema, ptr, hint);
        self.depth -= 1;
        self.nesting -= 1;
        if schema.schema_data.nullable {
            ty.option()
        } else {
            ty
        }
    }

    fn schema_kind(&mut self, schema: &Schema, ptr: &str, hint: &str) -> Ty {
        use openapiv3::Type;
        let data = &schema.schema_data;
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                let values: Vec<String> = s.enumeration.iter().flatten().cloned().collect();
                if values.is_empty() {
                    string_format(&s.format)
                } else {
                    self.string_enum(&values, data, ptr, hint)
                }
            }
            SchemaKind::Type(Type::Number(n)) => match n.format {
                VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => Ty::F32,
                _ => Ty::F64,
            },
            SchemaKind::Type(Type::Integer(i)) => integer_format(&i.format),
            SchemaKind::Type(Type::Boolean(_)) => Ty::Bool,
            SchemaKind::Type(Type::Object(o)) => {
                let props: Vec<_> = o.properties.iter().collect();
                self.object(
                    &props,
                    &o.required,
                    o.additional_properties.as_ref(),
                    data,
                    ptr,
                    hint,
                )
            }
            SchemaKind::Type(Type::Array(a)) => self.array(a.items.as_ref(), ptr, hint),
            SchemaKind::OneOf { one_of } => self.union(one_of, "oneOf", data, ptr, hint),
            SchemaKind::AnyOf { any_of } => self.union(any_of, "anyOf", data, ptr, hint),
            SchemaKind::AllOf { all_of } => self.all_of(all_of, &[], &[], data, ptr, hint),
            SchemaKind::Not { .. } => Ty::Value,
            SchemaKind::Any(any) => self.any(any, data, ptr, hint),
        }
    }

    /// `openapiv3` reads a schema whose keywords do not fit one type as "any": pick the
    /// most specific reading.
    fn any(
        &mut self,
        any: &openapiv3::AnySchema,
        data: &openapiv3::SchemaData,
        ptr: &str,
        hint: &str,
    ) -> Ty {
        let props: Vec<_> = any.properties.iter().collect();
        if !any.all_of.is_empty() {
            return self.all_of(&any.all_of, &props, &any.required, data, ptr, hint);
        }
        if !any.one_of.is_empty() {
            return self.union(&any.one_of, "oneOf", data, ptr, hint);
        }
        if !any.any_of.is_empty() {
            return self.union(&any.any_of, "anyOf", data, ptr, hint);
        }
        let strings: Vec<String> = any
            .enumeration
            .iter()
            .filter_map(|v| v.as_str().map(String::from))
            .collect();
        if any.typ.is_none() && !strings.is_empty() && strings.len() == any.enumeration.len() {
            // `enum` (or 3.1 `const`) of strings without a `type`.
            return self.string_enum(&strings, data, ptr, hint);
        }
        match any.typ.as_deref() {
            Some("object") | None if !props.is_empty() || any.additional_properties.is_some() => {
                self.object(
                    &props,
                    &any.required,
                    any.additional_properties.as_ref(),
                    data,
                    ptr,
                    hint,
                )
            }
            Some("array") | None if any.items.is_some() => {
                self.array(any.items.as_ref(), ptr, hint)
            }
            Some("string") => {
                let values: Vec<String> = any
                    .enumeration
                    .iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect();
                if values.is_empty() || values.len() != any.enumeration.len() {
                    let format =
                        any.format
                            .as_deref()
                            .map_or(VariantOrUnknownOrEmpty::Empty, |f| {
                                serde_json::from_value(Value::String(f.to_owned()))
                                    .unwrap_or(VariantOrUnknownOrEmpty::Empty)
                            });
                    string_format(&format)
                } else {
                    self.string_enum(&values, data, ptr, hint)
                }
            }
            Some("integer") => match any.format.as_deref() {
                Some("int32") => Ty::I32,
                _ => Ty::I64,
            },
            Some("number") => Ty::F64,
            Some("boolean") => Ty::Bool,
            Some("object") => Ty::Object,
            Some("array") => Ty::Vec(Box::new(Ty::Value)),
            _ => Ty::Value,
        }
    }

    fn array(&mut self, items: Option<&ReferenceOr<Box<Schema>>>, ptr: &str, hint: &str) -> Ty {
        let item = match items {
            Some(items) => {
                self.boxed_ref(items, &pointer::push(ptr, "items"), &format!("{hint} Item"))
            }
            None => Ty::Value,
        };
        Ty::Vec(Box::new(item))
    }

    fn string_enum(
        &mut self,
        values: &[String],
        data: &openapiv3::SchemaData,
        ptr: &str,
        hint: &str,
    ) -> Ty {
        let id = self.named(hint, ptr);
        let mut names = Namespace::with_reserved(&["Unknown"]);
        let mut seen = HashSet::new();
        let variants = values
            .iter()
            .filter(|v| seen.insert(v.as_str()))
            .map(|v| (names.unique(names::type_name(v, "Value")), v.clone()))
            .collect();
        self.define(id, TypeKind::Enum { variants }, docs(data));
        Ty::Named(id)
    }

    /// A named type for the schema at `ptr`: the reserved component name, or a new one.
    fn named(&mut self, hint: &str, ptr: &str) -> usize {
        let reserved = self.reserved.get(ptr).copied();
        if let Some(id) = reserved.filter(|&id| matches!(self.defs[id].kind, TypeKind::Pending)) {
            self.memo.insert(ptr.to_owned(), Ty::Named(id));
            return id;
        }
        let name = self.names.unique(names::type_name(hint, "Type"));
        let id = self.push_def(name, ptr.to_owned());
        self.memo.insert(ptr.to_owned(), Ty::Named(id));
        id
    }

    fn push_def(&mut self, name: String, pointer: String) -> usize {
        self.defs.push(TypeDef {
            name,
            doc: None,
            pointer,
            kind: TypeKind::Pending,
        });
        self.defs.len() - 1
    }

    fn define(&mut self, id: usize, kind: TypeKind, doc: Option<String>) {
        let def = &mut self.defs[id];
        def.kind = kind;
        def.doc = doc;
    }
}

/// The first schema position under `node` (itself included) that holds something other
/// than a schema object, a boolean schema or a `$ref`: its pointer and JSON type.
fn misplaced(node: &Value, ptr: &str, depth: usize) -> Option<(String, &'static str)> {
    let Value::Object(obj) = node else {
        return (!node.is_boolean()).then(|| (ptr.to_owned(), json_type(node)));
    };
    if depth > MAX_DEPTH || obj.contains_key("$ref") {
        return None;
    }
    let child = |key: &str| obj.get(key).map(|v| (v, pointer::push(ptr, key)));
    let mut children: Vec<(&Value, String)> = ["items", "not", "additionalProperties"]
        .into_iter()
        .filter_map(child)
        .collect();
    if let Some((Value::Object(props), at)) = child("properties") {
        children.extend(props.iter().map(|(k, v)| (v, pointer::push(&at, k))));
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some((Value::Array(parts), at)) = child(key) {
            children.extend(
                parts
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (v, pointer::push(&at, &i.to_string()))),
            );
        }
    }
    children
        .iter()
        .find_map(|(v, at)| misplaced(v, at, depth + 1))
}

/// Title and description, joined as a doc comment.
pub fn docs(data: &openapiv3::SchemaData) -> Option<String> {
    join_docs(data.title.as_deref(), data.description.as_deref())
}

fn docs_of(node: &Value) -> Option<String> {
    join_docs(
        node.get("title").and_then(Value::as_str),
        node.get("description").and_then(Value::as_str),
    )
}

pub fn join_docs(title: Option<&str>, description: Option<&str>) -> Option<String> {
    match (
        title.filter(|t| !t.trim().is_empty()),
        description.filter(|d| !d.trim().is_empty()),
    ) {
        (Some(t), Some(d)) => Some(format!("{t}\n\n{d}")),
        (Some(t), None) => Some(t.to_owned()),
        (None, Some(d)) => Some(d.to_owned()),
        (None, None) => None,
    }
}

fn string_format(format: &VariantOrUnknownOrEmpty<StringFormat>) -> Ty {
    match format {
        VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => Ty::DateTime,
        VariantOrUnknownOrEmpty::Item(StringFormat::Date) => Ty::Date,
        VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => Ty::Binary,
        VariantOrUnknownOrEmpty::Unknown(f) if f == "uuid" => Ty::Uuid,
        _ => Ty::String,
    }
}

fn integer_format(format: &VariantOrUnknownOrEmpty<IntegerFormat>) -> Ty {
    match format {
        VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => Ty::I32,
        VariantOrUnknownOrEmpty::Unknown(f) if f == "uint32" => Ty::U32,
        VariantOrUnknownOrEmpty::Unknown(f) if f == "uint64" => Ty::U64,
        _ => Ty::I64,
    }
}
