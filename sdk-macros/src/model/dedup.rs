//! Identical types defined once.
//!
//! Large documents repeat the same inline schema many times (GitHub's description spells
//! out `{"enum": ["read", "write"]}` or the same four-field object hundreds of times). Each
//! copy would be a type with its own serde impls for rustc to check, so a type whose
//! definition matches an earlier one, field for field and with the same types, becomes a
//! `pub type` alias of it: every name the document suggests still exists and still
//! constructs, matches and decodes the same way, but rustc checks one definition.

use std::collections::HashMap;
use std::fmt::Write;

use super::schema::{Ty, TypeDef, TypeKind};

/// Turns every type that repeats an earlier type's definition into an alias of it.
///
/// Equality is decided bottom-up: two structs are the same when their fields have the same
/// names, wire names, docs, presence rules and types, where a field's type counts as the
/// same when it names types already found the same. Repeating until nothing changes also
/// merges nested copies (an object holding a copied object). A type that refers to itself
/// never matches another (a conservative rule: no alias can make a type contain itself).
pub fn merge_identical(defs: &mut [TypeDef]) {
    let mut canonical: Vec<usize> = (0..defs.len()).collect();
    loop {
        let mut first: HashMap<String, usize> = HashMap::new();
        let mut next = canonical.clone();
        for (id, def) in defs.iter().enumerate() {
            if let Some(key) = shape_key(&def.kind, &canonical) {
                next[id] = *first.entry(key).or_insert(id);
            }
        }
        if next == canonical {
            break;
        }
        canonical = next;
    }
    for id in 0..defs.len() {
        let target = canonical[id];
        if target == id {
            continue;
        }
        let note = format!(
            "The same type as [`{}`]: the document defines it identically, and one \
             definition serves both.",
            defs[target].name
        );
        let def = &mut defs[id];
        def.doc = Some(match def.doc.take() {
            Some(text) => format!("{text}\n\n{note}"),
            None => note,
        });
        def.kind = TypeKind::Alias(Ty::Named(target));
    }
}

// ===== internal =====

/// Everything generated code derives from a definition, with named types replaced by
/// their current canonical type; `None` for kinds that are never merged.
fn shape_key(kind: &TypeKind, canonical: &[usize]) -> Option<String> {
    let mut key = String::new();
    match kind {
        TypeKind::Struct {
            fields,
            extra,
            implied,
        } => {
            key.push('S');
            for f in fields {
                let _ = write!(
                    key,
                    "|{}|{}|{}|{}|{}|{:?}",
                    f.name,
                    f.json_name,
                    ty_key(&f.ty, canonical),
                    f.required,
                    f.emit_null,
                    f.doc
                );
            }
            let extra = extra.as_ref().map(|ty| ty_key(ty, canonical));
            let implied = implied.as_ref().map(|t| (&t.property, &t.value));
            let _ = write!(key, "|{extra:?}|{implied:?}");
        }
        TypeKind::Enum { variants } => {
            key.push('E');
            for (name, value) in variants {
                let _ = write!(key, "|{name}|{value:?}");
            }
        }
        TypeKind::Union {
            variants,
            discriminator,
        } => {
            let _ = write!(key, "U{discriminator:?}");
            for v in variants {
                let _ = write!(key, "|{}|{}|{:?}", v.name, ty_key(&v.ty, canonical), v.tags);
            }
        }
        TypeKind::Alias(_) | TypeKind::Pending => return None,
    }
    Some(key)
}

fn ty_key(ty: &Ty, canonical: &[usize]) -> String {
    format!("{:?}", canonical_ty(ty, canonical))
}

fn canonical_ty(ty: &Ty, canonical: &[usize]) -> Ty {
    let inner = |t: &Ty| Box::new(canonical_ty(t, canonical));
    match ty {
        Ty::Named(id) => Ty::Named(canonical.get(*id).copied().unwrap_or(*id)),
        Ty::Map(t) => Ty::Map(inner(t)),
        Ty::Vec(t) => Ty::Vec(inner(t)),
        Ty::Option(t) => Ty::Option(inner(t)),
        Ty::Box(t) => Ty::Box(inner(t)),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::schema::Field;

    fn def(name: &str, kind: TypeKind) -> TypeDef {
        TypeDef {
            name: name.into(),
            doc: None,
            pointer: format!("#/{name}"),
            kind,
        }
    }

    fn field(name: &str, ty: Ty) -> Field {
        Field {
            name: name.into(),
            json_name: name.into(),
            ty,
            required: true,
            emit_null: false,
            doc: None,
        }
    }

    fn object(fields: Vec<Field>) -> TypeKind {
        TypeKind::Struct {
            fields,
            extra: None,
            implied: None,
        }
    }

    fn access() -> TypeKind {
        TypeKind::Enum {
            variants: vec![
                ("Read".into(), "read".into()),
                ("Write".into(), "write".into()),
            ],
        }
    }

    #[test]
    fn nested_copies_become_aliases_of_the_first() {
        let mut defs = vec![
            def("Access", access()),
            def("Grant", object(vec![field("access", Ty::Named(0))])),
            def("OtherAccess", access()),
            def("OtherGrant", object(vec![field("access", Ty::Named(2))])),
            def("Different", object(vec![field("level", Ty::Named(2))])),
        ];
        merge_identical(&mut defs);
        assert!(matches!(defs[2].kind, TypeKind::Alias(Ty::Named(0))));
        assert!(matches!(defs[3].kind, TypeKind::Alias(Ty::Named(1))));
        assert!(matches!(defs[4].kind, TypeKind::Struct { .. }));
        assert!(defs[3].doc.as_deref().unwrap().contains("[`Grant`]"));
    }

    #[test]
    fn self_referring_types_and_different_docs_stay_apart() {
        let node = |id| {
            object(vec![field(
                "next",
                Ty::Option(Box::new(Ty::Box(Box::new(Ty::Named(id))))),
            )])
        };
        let documented = |doc: &str| {
            let mut f = field("id", Ty::I64);
            f.doc = Some(doc.into());
            object(vec![f])
        };
        let mut defs = vec![
            def("Node", node(0)),
            def("OtherNode", node(1)),
            def("Repo", documented("The repository id.")),
            def("User", documented("The user id.")),
        ];
        merge_identical(&mut defs);
        assert!(defs.iter().all(|d| !matches!(d.kind, TypeKind::Alias(_))));
    }
}

#[cfg(test)]
mod stripe_selection_tests;
