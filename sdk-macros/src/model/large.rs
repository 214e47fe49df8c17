//! Large types: a struct field or union variant that holds a large type by value is boxed.
//!
//! Provider documents nest objects deeply (a Stripe charge holds its payment method's
//! details, which hold one optional object per payment method, which hold their own), and by
//! value every level adds up: a charge would take about 16 KB. Each move of such a value
//! (out of a decoder, into a `Vec`, through a `Result`) copies all of it, which made decoding
//! slower than a generator that boxes, and deep types risk the stack of unoptimised builds.
//! Boxing what exceeds [`LIMIT`] keeps every generated type small, at one allocation per
//! boxed value that is present.

use super::recursion::{box_ty, direct_named, direct_targets};
use super::schema::{Ty, TypeDef, TypeKind};

/// Estimated bytes above which a type held by value is boxed. Around a kilobyte, a copy
/// costs about what the allocation it replaces does.
const LIMIT: usize = 1024;

/// Boxes every field and variant whose type holds, by value, a type larger than [`LIMIT`].
pub fn box_large(defs: &mut [TypeDef]) {
    let sizes = estimated_sizes(defs);
    let large = |ty: &Ty| {
        let mut targets = Vec::new();
        direct_named(ty, &mut targets);
        targets
            .iter()
            .any(|&t| sizes.get(t).is_some_and(|&s| s > LIMIT))
    };
    for def in defs.iter_mut() {
        let tys: Vec<&mut Ty> = match &mut def.kind {
            TypeKind::Struct { fields, .. } => fields.iter_mut().map(|f| &mut f.ty).collect(),
            TypeKind::Union { variants, .. } => variants.iter_mut().map(|v| &mut v.ty).collect(),
            _ => Vec::new(),
        };
        for ty in tys {
            if !matches!(ty, Ty::Box(_)) && large(ty) {
                box_ty(ty);
            }
        }
    }
}

// ===== internal =====

/// Each type's estimated size, the types it holds by value first (an explicit stack, so a
/// chain of thousands of types cannot overflow ours). A type met again while its own size is
/// being estimated (a cycle `recursion` has already boxed) counts as a pointer.
fn estimated_sizes(defs: &[TypeDef]) -> Vec<usize> {
    const UNSEEN: u8 = 0;
    const STARTED: u8 = 1;
    let mut state = vec![UNSEEN; defs.len()];
    let mut sizes: Vec<Option<usize>> = vec![None; defs.len()];
    for start in 0..defs.len() {
        let mut stack = vec![(start, false)];
        while let Some((d, children_done)) = stack.pop() {
            if children_done {
                sizes[d] = Some(def_size(&defs[d], &sizes));
                continue;
            }
            if state[d] != UNSEEN {
                continue;
            }
            state[d] = STARTED;
            stack.push((d, true));
            stack.extend(
                direct_targets(defs, &defs[d])
                    .into_iter()
                    .filter(|&t| state[t] == UNSEEN)
                    .map(|t| (t, false)),
            );
        }
    }
    sizes.into_iter().map(|s| s.unwrap_or(POINTER)).collect()
}

const POINTER: usize = 8;

fn def_size(def: &TypeDef, sizes: &[Option<usize>]) -> usize {
    match &def.kind {
        TypeKind::Struct { fields, extra, .. } => {
            let extra = extra.as_ref().map_or(0, |_| 24);
            fields.iter().map(|f| ty_size(&f.ty, sizes)).sum::<usize>() + extra
        }
        // A union is its largest variant (or its `Unknown` value) and a tag.
        TypeKind::Union { variants, .. } => {
            let largest = variants.iter().map(|v| ty_size(&v.ty, sizes)).max();
            largest.unwrap_or(0).max(32) + 8
        }
        // A string enum keeps unknown values in a `String`.
        TypeKind::Enum { .. } => 24,
        TypeKind::Alias(ty) => ty_size(ty, sizes),
        TypeKind::Pending => 0,
    }
}

/// Roughly `size_of` of the Rust type: exact for the leaves, a word of tag for `Option`.
fn ty_size(ty: &Ty, sizes: &[Option<usize>]) -> usize {
    match ty {
        Ty::Named(id) => sizes.get(*id).copied().flatten().unwrap_or(POINTER),
        Ty::Bool => 1,
        Ty::I32 | Ty::U32 | Ty::F32 | Ty::Date => 4,
        Ty::I64 | Ty::U64 | Ty::F64 | Ty::Box(_) => 8,
        Ty::DateTime => 12,
        Ty::Uuid => 16,
        Ty::String | Ty::Map(_) | Ty::Vec(_) | Ty::Object => 24,
        Ty::Binary | Ty::Value => 32,
        Ty::Option(inner) => ty_size(inner, sizes) + 8,
        Ty::Unit => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::schema::{Field, Variant};

    fn field(name: &str, ty: Ty) -> Field {
        Field {
            name: name.into(),
            json_name: name.into(),
            ty,
            required: false,
            emit_null: false,
            doc: None,
        }
    }

    fn variant(name: &str, ty: Ty) -> Variant {
        Variant {
            name: name.into(),
            ty,
            tags: Vec::new(),
        }
    }

    fn def(name: &str, kind: TypeKind) -> TypeDef {
        TypeDef {
            name: name.into(),
            doc: None,
            pointer: format!("#/components/schemas/{name}"),
            kind,
        }
    }

    fn strukt(fields: Vec<Field>) -> TypeKind {
        TypeKind::Struct {
            fields,
            extra: None,
            implied: None,
        }
    }

    /// A struct of `n` string fields (24 bytes each).
    fn strings(n: usize) -> TypeKind {
        strukt(
            (0..n)
                .map(|i| field(&format!("f{i}"), Ty::String))
                .collect(),
        )
    }

    /// The type of field or variant `i` of `def`.
    fn member(def: &TypeDef, i: usize) -> &Ty {
        match &def.kind {
            TypeKind::Struct { fields, .. } => &fields[i].ty,
            TypeKind::Union { variants, .. } => &variants[i].ty,
            _ => panic!("{} has no members", def.name),
        }
    }

    #[test]
    fn boxes_what_holds_a_large_type_and_leaves_small_ones() {
        let mut defs = vec![
            // 0: 50 strings, 1,200 bytes: large.
            def("Big", strings(50)),
            // 1: 10 strings: small.
            def("Small", strings(10)),
            // 2: holds both by value, and Big in a Vec (already on the heap).
            def(
                "Holder",
                strukt(vec![
                    field("big", Ty::Named(0).option()),
                    field("small", Ty::Named(1)),
                    field("list", Ty::Vec(Box::new(Ty::Named(0)))),
                ]),
            ),
            // 3: a union with a large variant.
            def(
                "Either",
                TypeKind::Union {
                    variants: vec![variant("Id", Ty::String), variant("Big", Ty::Named(0))],
                    discriminator: None,
                },
            ),
        ];
        box_large(&mut defs);
        let boxed_big = Ty::Option(Box::new(Ty::Box(Box::new(Ty::Named(0)))));
        assert_eq!(member(&defs[2], 0), &boxed_big);
        assert_eq!(member(&defs[2], 1), &Ty::Named(1));
        assert_eq!(member(&defs[2], 2), &Ty::Vec(Box::new(Ty::Named(0))));
        assert_eq!(member(&defs[3], 0), &Ty::String);
        assert_eq!(member(&defs[3], 1), &Ty::Box(Box::new(Ty::Named(0))));
    }

    #[test]
    fn a_type_that_is_large_through_nesting_is_boxed() {
        let mut defs = vec![
            def("Leaf", strings(30)),
            def(
                "Middle",
                strukt(vec![field("a", Ty::Named(0)), field("b", Ty::Named(0))]),
            ),
            def("Top", strukt(vec![field("m", Ty::Named(1))])),
        ];
        box_large(&mut defs);
        // Leaf (720 bytes) stays inline in Middle; Middle (1,440) is boxed in Top.
        assert_eq!(member(&defs[1], 0), &Ty::Named(0));
        assert_eq!(member(&defs[2], 0), &Ty::Box(Box::new(Ty::Named(1))));
    }

    #[test]
    fn a_recursive_large_type_is_boxed_once() {
        // 0: large, and holds itself: `recursion` boxes the field, then `large` meets it.
        let mut fields: Vec<Field> = (0..50)
            .map(|i| field(&format!("f{i}"), Ty::String))
            .collect();
        fields.push(field("next", Ty::Named(0).option()));
        let mut defs = vec![
            def("Node", strukt(fields)),
            def("Holder", strukt(vec![field("node", Ty::Named(0).option())])),
        ];
        super::super::recursion::break_cycles(&mut defs);
        box_large(&mut defs);
        let boxed_once = Ty::Option(Box::new(Ty::Box(Box::new(Ty::Named(0)))));
        assert_eq!(member(&defs[0], 50), &boxed_once);
        assert_eq!(member(&defs[1], 0), &boxed_once);
        // And boxing a boxed type again changes nothing.
        let mut ty = boxed_once.clone();
        box_ty(&mut ty);
        assert_eq!(ty, boxed_once);
    }
}
