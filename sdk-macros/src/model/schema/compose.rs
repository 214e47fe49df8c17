//! Composition: `oneOf`/`anyOf` as enums, `allOf` as one merged struct.

use std::collections::{BTreeMap, HashSet};

use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind};
use serde_json::Value;

use super::object::{field_names, undeclared_fields};
use super::{ImpliedTag, Ty, TypeDef, TypeKind, TypeSpace, Variant, docs};
use crate::model::refs;
use crate::names::{self, Namespace};
use crate::pointer;

impl TypeSpace<'_> {
    pub(super) fn union(
        &mut self,
        parts: &[ReferenceOr<Schema>],
        keyword: &str,
        data: &openapiv3::SchemaData,
        ptr: &str,
        hint: &str,
    ) -> Ty {
        let mut nullable = false;
        let mut members = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            if is_null_schema(part) {
                nullable = true;
                continue;
            }
            members.push((i, part));
        }
        let wrap = |ty: Ty| if nullable { ty.option() } else { ty };
        if let Some(map) = self.map_beside_union(ptr, hint) {
            return wrap(map);
        }
        if let [(i, only)] = members.as_slice() {
            let part_ptr = pointer::push(&pointer::push(ptr, keyword), &i.to_string());
            let ty = self.schema_ref(only, &part_ptr, hint);
            return wrap(ty);
        }
        if members.is_empty() {
            return Ty::Value;
        }
        let id = self.named(hint, ptr);
        let owner = self.defs[id].name.clone();
        let mapping = data.discriminator.as_ref().map(|d| &d.mapping);
        let mut names = Namespace::with_reserved(&["Unknown"]);
        let mut variants = Vec::new();
        let implicit = if data.discriminator.is_none() {
            self.implicit_tag(&members)
        } else {
            None
        };
        let weights: Vec<usize> = members
            .iter()
            .map(|(_, part)| self.required_count(part))
            .collect();
        for (i, part) in members {
            let part_ptr = pointer::push(&pointer::push(ptr, keyword), &i.to_string());
            let ty = self.schema_ref(part, &part_ptr, &format!("{owner} Variant {i}"));
            let base = match part {
                ReferenceOr::Reference { reference } => pointer::last_token(reference).to_owned(),
                ReferenceOr::Item(s) => s
                    .schema_data
                    .title
                    .clone()
                    .unwrap_or_else(|| variant_word(&ty, i)),
            };
            let mut tags = Vec::new();
            if let (ReferenceOr::Reference { reference }, Some(mapping)) = (part, mapping) {
                tags.extend(
                    mapping
                        .iter()
                        .filter(|(_, r)| *r == reference)
                        .map(|(k, _)| k.clone()),
                );
                if tags.is_empty() {
                    tags.push(pointer::last_token(reference).to_owned());
                }
            }
            variants.push(Variant {
                name: names.unique(names::type_name(&base, "Variant")),
                ty,
                tags,
            });
        }
        let mut discriminator = data
            .discriminator
            .as_ref()
            .filter(|_| variants.iter().all(|v| !v.tags.is_empty()))
            .map(|d| d.property_name.clone());
        if let Some((property, values)) = implicit {
            for (variant, tags) in variants.iter_mut().zip(values) {
                variant.tags = tags;
            }
            discriminator = Some(property);
        }
        if discriminator.is_none() {
            // Untagged members are tried in order and unknown properties are ignored, so a
            // member that needs fewer properties would take values meant for a more
            // specific one and drop the rest: the members that require most come first.
            let mut weighted: Vec<_> = weights.into_iter().zip(variants).collect();
            weighted.sort_by_key(|(w, _)| std::cmp::Reverse(*w));
            variants = weighted.into_iter().map(|(_, v)| v).collect();
        }
        self.define(
            id,
            TypeKind::Union {
                variants,
                discriminator,
            },
            docs(data),
        );
        wrap(Ty::Named(id))
    }

    /// `allOf`: the object parts are merged into one struct; when no part is an object the
    /// single part stands for the whole.
    pub(super) fn all_of(
        &mut self,
        parts: &[ReferenceOr<Schema>],
        own_props: &[(&String, &ReferenceOr<Box<Schema>>)],
        own_required: &[String],
        data: &openapiv3::SchemaData,
        ptr: &str,
        hint: &str,
    ) -> Ty {
        if parts.len() == 1 && own_props.is_empty() {
            let ty = self.schema_ref(
                &parts[0],
                &pointer::push(&pointer::push(ptr, "allOf"), "0"),
                hint,
            );
            return ty;
        }
        let mut collected = Collected::default();
        for (p, r) in own_props {
            collected
                .props
                .push(((*p).clone(), (*r).clone(), ptr.to_owned()));
        }
        collected.required.extend(own_required.iter().cloned());
        for (i, part) in parts.iter().enumerate() {
            let part_ptr = pointer::push(&pointer::push(ptr, "allOf"), &i.to_string());
            self.collect_object(part, &part_ptr, &mut collected, 0);
        }
        if collected.props.is_empty() {
            let objects = parts.len() - collected.others.len();
            if let ([(other_ptr, other)], 0) = (collected.others.as_slice(), objects) {
                let (other_ptr, other) = (other_ptr.clone(), other.clone());
                return self.schema_ref(&other, &other_ptr, hint);
            }
            return if collected.additional {
                Ty::Object
            } else {
                Ty::Value
            };
        }
        let id = self.named(hint, ptr);
        let name = self.defs[id].name.clone();
        let mut seen = HashSet::new();
        let mut unique = Vec::new();
        // The last definition of a property wins, as in JSON Schema every part must hold.
        for (json_name, schema, at) in collected.props.iter().rev() {
            if seen.insert(json_name.clone()) {
                unique.push((json_name, schema, at));
            }
        }
        unique.reverse();
        let mut names = field_names(collected.additional);
        let mut fields = Vec::new();
        for (json_name, schema, at) in unique {
            let field = self.property(
                &mut names,
                json_name,
                schema,
                at,
                &name,
                &collected.required,
            );
            fields.push(field);
        }
        let declared: Vec<&str> = collected.props.iter().map(|(p, _, _)| p.as_str()).collect();
        undeclared_fields(&mut names, &mut fields, &collected.required, &declared);
        let extra = collected.additional.then_some(Ty::Value);
        let kind = TypeKind::Struct {
            fields,
            extra,
            implied: None,
        };
        self.define(id, kind, docs(data));
        Ty::Named(id)
    }

    /// Gathers the properties of an `allOf` part, following references and nested `allOf`s.
    fn collect_object(
        &mut self,
        part: &ReferenceOr<Schema>,
        ptr: &str,
        out: &mut Collected,
        hops: usize,
    ) {
        if hops > 16 {
            return;
        }
        let (schema, at) = match part {
            ReferenceOr::Reference { reference } => {
                let Some(node) = refs::target(self.cx, self.root, reference, ptr) else {
                    return;
                };
                if let Some(inner) = node.get("$ref").and_then(Value::as_str) {
                    let inner = ReferenceOr::Reference {
                        reference: inner.to_owned(),
                    };
                    return self.collect_object(&inner, reference, out, hops + 1);
                }
                match refs::parse::<Schema>(node) {
                    Ok(s) => (s, reference.clone()),
                    Err(_) => return,
                }
            }
            ReferenceOr::Item(s) => (s.clone(), ptr.to_owned()),
        };
        use openapiv3::Type;
        let (props, required, additional, nested) = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => (
                &o.properties,
                &o.required,
                &o.additional_properties,
                &[][..],
            ),
            SchemaKind::Any(a) if !a.properties.is_empty() || !a.all_of.is_empty() => (
                &a.properties,
                &a.required,
                &a.additional_properties,
                a.all_of.as_slice(),
            ),
            SchemaKind::AllOf { all_of } => {
                for (i, p) in all_of.iter().enumerate() {
                    let p_ptr = pointer::push(&pointer::push(&at, "allOf"), &i.to_string());
                    self.collect_object(p, &p_ptr, out, hops + 1);
                }
                return;
            }
            _ => {
                out.others.push((ptr.to_owned(), part.clone()));
                return;
            }
        };
        for (name, prop) in props {
            out.props.push((name.clone(), prop.clone(), at.clone()));
        }
        out.required.extend(required.iter().cloned());
        if matches!(
            additional,
            Some(AdditionalProperties::Any(true) | AdditionalProperties::Schema(_))
        ) {
            out.additional = true;
        }
        for (i, p) in nested.iter().enumerate() {
            let p_ptr = pointer::push(&pointer::push(&at, "allOf"), &i.to_string());
            self.collect_object(p, &p_ptr, out, hops + 1);
        }
    }
}

// ===== internal =====

#[derive(Default)]
struct Collected {
    props: Vec<(String, ReferenceOr<Box<Schema>>, String)>,
    required: Vec<String>,
    additional: bool,
    others: Vec<(String, ReferenceOr<Schema>)>,
}

/// `{type: "null"}` after normalization: no type, only `nullable`.
fn is_null_schema(part: &ReferenceOr<Schema>) -> bool {
    match part {
        ReferenceOr::Item(s) => {
            s.schema_data.nullable
                && matches!(&s.schema_kind, SchemaKind::Any(a) if a.typ.is_none() && a.properties.is_empty() && a.items.is_none() && a.one_of.is_empty() && a.any_of.is_empty() && a.all_of.is_empty() && a.enumeration.is_empty())
        }
        ReferenceOr::Reference { .. } => false,
    }
}

fn variant_word(ty: &Ty, i: usize) -> String {
    match ty {
        Ty::String | Ty::DateTime | Ty::Date | Ty::Uuid => "String".into(),
        Ty::Bool => "Bool".into(),
        Ty::I32 | Ty::I64 | Ty::U32 | Ty::U64 => "Integer".into(),
        Ty::F32 | Ty::F64 => "Number".into(),
        Ty::Vec(_) => "Array".into(),
        Ty::Object | Ty::Map(_) => "Object".into(),
        _ => format!("Variant{i}"),
    }
}

/// A tagged union's variant structs would otherwise carry the discriminator as a free
/// field, so `Owner::Company(Company { kind: "person".into(), .. })` would compile and be
/// rejected by the server. Where every tagged union that holds a struct selects it by one
/// and the same value, the field is dropped and the struct writes that value itself, so
/// the tag is right whether the struct is sent inside the union or on its own. A struct
/// selected by several values (or by different properties) keeps its field: the caller
/// has to say which.
pub(super) fn imply_tags(defs: &mut [TypeDef]) {
    // `None` once two unions disagree; a BTreeMap keeps the pass deterministic.
    let mut implied: BTreeMap<usize, Option<ImpliedTag>> = BTreeMap::new();
    for def in defs.iter() {
        let TypeKind::Union {
            variants,
            discriminator: Some(property),
        } = &def.kind
        else {
            continue;
        };
        for variant in variants {
            let Ty::Named(id) = variant.ty else { continue };
            if !matches!(defs[id].kind, TypeKind::Struct { .. }) {
                continue;
            }
            let tag = match variant.tags.as_slice() {
                [value] => Some(ImpliedTag {
                    property: property.clone(),
                    value: value.clone(),
                }),
                _ => None,
            };
            implied
                .entry(id)
                .and_modify(|seen| {
                    if *seen != tag {
                        *seen = None;
                    }
                })
                .or_insert(tag);
        }
    }
    for (id, tag) in implied {
        let Some(tag) = tag else { continue };
        if !field_holds_text(defs, id, &tag.property) {
            continue;
        }
        if let TypeKind::Struct {
            fields, implied, ..
        } = &mut defs[id].kind
        {
            fields.retain(|f| f.json_name != tag.property);
            *implied = Some(tag);
        }
    }
}

/// Whether struct `id`'s `property`, when declared, is free text (a string, any value):
/// only such a field is replaced by an implied tag; anything else is left alone.
fn field_holds_text(defs: &[TypeDef], id: usize, property: &str) -> bool {
    let TypeKind::Struct { fields, .. } = &defs[id].kind else {
        return false;
    };
    let Some(field) = fields.iter().find(|f| f.json_name == property) else {
        return true;
    };
    let ty = match &field.ty {
        Ty::Option(inner) => &**inner,
        ty => ty,
    };
    // A string enum already names the values a caller may write and keeps an unknown
    // one it reads, so it stays a field.
    match ty {
        Ty::String | Ty::Value => true,
        Ty::Named(named) => matches!(defs[*named].kind, TypeKind::Alias(Ty::String)),
        _ => false,
    }
}
