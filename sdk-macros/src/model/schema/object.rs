//! Object schemas: a struct when they declare properties (each field named, required or
//! optional, with `additionalProperties` kept beside them), a map or a free-form object
//! otherwise.

use std::collections::HashSet;

use openapiv3::{AdditionalProperties, ReferenceOr, Schema};

use super::{EXTRA_FIELD, Field, Ty, TypeKind, TypeSpace, docs};
use crate::names::{self, Namespace};
use crate::pointer;

impl TypeSpace<'_> {
    /// The type of an object schema (see the module docs).
    pub(super) fn object(
        &mut self,
        props: &[(&String, &ReferenceOr<Box<Schema>>)],
        required: &[String],
        additional: Option<&AdditionalProperties>,
        data: &openapiv3::SchemaData,
        ptr: &str,
        hint: &str,
    ) -> Ty {
        let extra = |this: &mut Self| match additional {
            Some(AdditionalProperties::Schema(s)) => {
                let ty = this.schema_ref(
                    s,
                    &pointer::push(ptr, "additionalProperties"),
                    &format!("{hint} Value"),
                );
                Some(ty)
            }
            Some(AdditionalProperties::Any(true)) => Some(Ty::Value),
            _ => None,
        };
        if props.is_empty() {
            return match extra(self) {
                None | Some(Ty::Value) => Ty::Object,
                Some(ty) => Ty::Map(Box::new(ty)),
            };
        }
        let id = self.named(hint, ptr);
        let name = self.defs[id].name.clone();
        let has_extra = matches!(
            additional,
            Some(AdditionalProperties::Schema(_) | AdditionalProperties::Any(true))
        );
        let fields = self.fields(props, required, ptr, &name, has_extra);
        let extra = extra(self);
        self.define(
            id,
            TypeKind::Struct {
                fields,
                extra,
                implied: None,
            },
            docs(data),
        );
        Ty::Named(id)
    }

    /// The field of property `json_name`, declared at `at/properties/json_name` in an object
    /// named `owner` whose required names are `required`.
    pub(super) fn property(
        &mut self,
        names: &mut Namespace,
        json_name: &str,
        schema: &ReferenceOr<Box<Schema>>,
        at: &str,
        owner: &str,
        required: &[String],
    ) -> Field {
        let prop_ptr = pointer::push(&pointer::push(at, "properties"), json_name);
        let ty = self.boxed_ref(schema, &prop_ptr, &format!("{owner} {json_name}"));
        let (doc, read_or_write_only) = match schema {
            ReferenceOr::Item(s) => (
                docs(&s.schema_data),
                s.schema_data.read_only || s.schema_data.write_only,
            ),
            ReferenceOr::Reference { .. } => (None, false),
        };
        // Read-only fields are absent from requests and write-only ones from responses,
        // so neither can be required on both sides.
        let in_schema = required.iter().any(|r| r == json_name) && !read_or_write_only;
        let required = in_schema && !ty.is_option();
        let ty = if required { ty } else { ty.option() };
        Field {
            name: names.unique(names::value_name(json_name, "field")),
            json_name: json_name.to_owned(),
            required: required && ty != Ty::Value,
            emit_null: in_schema && !required,
            ty,
            doc,
        }
    }

    fn fields(
        &mut self,
        props: &[(&String, &ReferenceOr<Box<Schema>>)],
        required: &[String],
        ptr: &str,
        owner: &str,
        has_extra: bool,
    ) -> Vec<Field> {
        let mut names = field_names(has_extra);
        let mut fields = Vec::with_capacity(props.len());
        for (json_name, prop) in props {
            let field = self.property(&mut names, json_name, prop, ptr, owner, required);
            fields.push(field);
        }
        let declared: Vec<&str> = props.iter().map(|(p, _)| p.as_str()).collect();
        undeclared_fields(&mut names, &mut fields, required, &declared);
        fields
    }
}

/// The namespace of a struct's field names. The catch-all map of `additionalProperties`
/// (`EXTRA_FIELD`), when the struct has one, takes its name first: it is the same in every
/// struct, so a property spelled `additionalProperties` or `additional_properties` gets a
/// suffix (`additional_properties2`) rather than declaring the field twice.
pub(super) fn field_names(has_extra: bool) -> Namespace {
    if has_extra {
        Namespace::with_reserved(&[EXTRA_FIELD])
    } else {
        Namespace::default()
    }
}

/// A required name without a property (usually one a sibling `allOf` part defines, but
/// here none does) still holds a value on the wire: it becomes a JSON field rather than
/// being dropped on the way through.
pub(super) fn undeclared_fields(
    names: &mut Namespace,
    fields: &mut Vec<Field>,
    required: &[String],
    declared: &[&str],
) {
    let mut seen = HashSet::new();
    for json_name in required {
        if declared.contains(&json_name.as_str()) || !seen.insert(json_name) {
            continue;
        }
        fields.push(Field {
            name: names.unique(names::value_name(json_name, "field")),
            json_name: json_name.clone(),
            ty: Ty::Value,
            required: false,
            emit_null: false,
            doc: None,
        });
    }
}
