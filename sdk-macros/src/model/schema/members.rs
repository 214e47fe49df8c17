//! What the members of a `oneOf`/`anyOf` tell about how to tell them apart: a property
//! whose enum values differ per member (an implicit discriminator), and how many
//! properties each member requires (the order an untagged union tries them in).
//!
//! Both read the document itself rather than the converted types, because a member may
//! still be in conversion (a recursive union) when its union is defined.

use std::collections::HashSet;

use openapiv3::{ReferenceOr, Schema};
use serde_json::Value;

use super::{Ty, TypeSpace};
use crate::model::refs;
use crate::pointer;

impl<'a> TypeSpace<'a> {
    /// A property that every member of a union declares as a string enum, with values no
    /// two members share (`type: {enum: [card]}` in each payment method): it tells the
    /// members apart like a discriminator. Without it an untagged union takes the first
    /// member whose fields happen to fit, and enums with an `Unknown` fallback fit any
    /// string. Returns the property and each member's values.
    pub(super) fn implicit_tag(
        &self,
        members: &[(usize, &ReferenceOr<Schema>)],
    ) -> Option<(String, Vec<Vec<String>>)> {
        if members.len() < 2 {
            return None;
        }
        let nodes: Vec<Value> = members
            .iter()
            .map(|(_, part)| match part {
                ReferenceOr::Reference { reference } => self.lookup(reference).cloned(),
                ReferenceOr::Item(schema) => serde_json::to_value(schema).ok(),
            })
            .collect::<Option<_>>()?;
        let candidates: Vec<String> = self
            .properties(&nodes[0])
            .into_iter()
            .map(|(name, _)| name)
            .collect();
        'names: for name in candidates {
            let mut seen = HashSet::new();
            let mut all = Vec::with_capacity(nodes.len());
            for node in &nodes {
                let values = self
                    .properties(node)
                    .into_iter()
                    .find(|(n, _)| *n == name)
                    .and_then(|(_, p)| self.string_values(p));
                match values {
                    Some(values) if values.iter().all(|v| seen.insert(v.clone())) => {
                        all.push(values)
                    }
                    _ => continue 'names,
                }
            }
            return Some((name, all));
        }
        None
    }

    /// `additionalProperties: S` beside the union with no `properties` of its own: every
    /// value of the object must match `S` whatever member it also matches (adyen's
    /// `additionalData`: a map of strings that fits one of many all-optional shapes), so
    /// a map of `S` holds every value, where the first member that fits would drop the
    /// properties it does not declare.
    pub(super) fn map_beside_union(&mut self, ptr: &str, hint: &str) -> Option<Ty> {
        let node = self.lookup(ptr)?;
        if node.get("properties").is_some() {
            return None;
        }
        let additional = node
            .get("additionalProperties")
            .filter(|a| a.as_object().is_some_and(|o| !o.is_empty()))?;
        let schema = refs::parse::<ReferenceOr<Schema>>(additional).ok()?;
        let value = self.schema_ref(
            &schema,
            &pointer::push(ptr, "additionalProperties"),
            &format!("{hint} Value"),
        );
        Some(Ty::Map(Box::new(value)))
    }

    /// How many properties a union member requires, its direct `allOf` parts included.
    pub(super) fn required_count(&self, part: &ReferenceOr<Schema>) -> usize {
        let node = match part {
            ReferenceOr::Reference { reference } => self.lookup(reference).cloned(),
            ReferenceOr::Item(schema) => serde_json::to_value(schema).ok(),
        };
        let Some(node) = node else { return 0 };
        let count = |n: &Value| {
            n.get("required")
                .and_then(Value::as_array)
                .map_or(0, Vec::len)
        };
        let parts = node
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten();
        count(&node)
            + parts
                .map(|p| match p.get("$ref").and_then(Value::as_str) {
                    Some(reference) => self.lookup(reference).map_or(0, count),
                    None => count(p),
                })
                .sum::<usize>()
    }

    /// The properties of an object schema and of its direct `allOf` parts.
    fn properties<'v>(&'v self, node: &'v Value) -> Vec<(String, &'v Value)> {
        let mut out = Vec::new();
        let parts = node
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten();
        for part in std::iter::once(node).chain(parts) {
            let part = match part.get("$ref").and_then(Value::as_str) {
                Some(reference) => match self.lookup(reference) {
                    Some(target) => target,
                    None => continue,
                },
                None => part,
            };
            if let Some(props) = part.get("properties").and_then(Value::as_object) {
                out.extend(props.iter().map(|(k, v)| (k.clone(), v)));
            }
        }
        out
    }

    /// The values of a string `enum`, following `$ref`s.
    fn string_values(&self, node: &Value) -> Option<Vec<String>> {
        let node = match node.get("$ref").and_then(Value::as_str) {
            Some(reference) => self.lookup(reference)?,
            None => node,
        };
        let values: Vec<String> = node
            .get("enum")?
            .as_array()?
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect();
        (!values.is_empty()).then_some(values)
    }

    /// The node a local `$ref` names, through chains of `$ref`s; `None` without an error
    /// (conversion reports bad references where it meets them).
    fn lookup(&self, reference: &str) -> Option<&'a Value> {
        let mut reference = reference.to_owned();
        for _ in 0..8 {
            let node = self.root.pointer(reference.strip_prefix('#')?)?;
            match node.get("$ref").and_then(Value::as_str) {
                Some(next) => reference = next.to_owned(),
                None => return Some(node),
            }
        }
        None
    }
}
