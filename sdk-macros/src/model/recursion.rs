//! Recursive types: Rust needs a `Box` wherever a type contains itself by value, and
//! forbids type aliases that refer to themselves.
//!
//! A struct field (or union variant) is boxed when its type reaches back to the owner
//! through by-value containment; `Vec` and maps already allocate, so they break cycles.
//! An alias on a cycle of aliases becomes a free-form value.

use std::collections::{HashMap, HashSet, VecDeque};

use super::schema::{Ty, TypeDef, TypeKind};

pub fn break_cycles(defs: &mut [TypeDef]) {
    break_alias_cycles(defs);
    let edges: Vec<Vec<usize>> = defs.iter().map(|d| direct_targets(defs, d)).collect();
    let mut reach_cache: HashMap<usize, HashSet<usize>> = HashMap::new();
    for owner in 0..defs.len() {
        let mut boxes = Vec::new();
        let mut reaches_owner = |ty: &Ty| {
            let mut targets = Vec::new();
            direct_named(ty, &mut targets);
            targets.into_iter().any(|t| {
                t == owner
                    || reach_cache
                        .entry(t)
                        .or_insert_with(|| reachable(&edges, t))
                        .contains(&owner)
            })
        };
        match &defs[owner].kind {
            TypeKind::Struct { fields, .. } => {
                for (i, f) in fields.iter().enumerate() {
                    if reaches_owner(&f.ty) {
                        boxes.push(i);
                    }
                }
            }
            TypeKind::Union { variants, .. } => {
                for (i, v) in variants.iter().enumerate() {
                    if reaches_owner(&v.ty) {
                        boxes.push(i);
                    }
                }
            }
            _ => {}
        }
        match &mut defs[owner].kind {
            TypeKind::Struct { fields, .. } => boxes.iter().for_each(|&i| box_ty(&mut fields[i].ty)),
            TypeKind::Union { variants, .. } => boxes.iter().for_each(|&i| box_ty(&mut variants[i].ty)),
            _ => {}
        }
    }
}

// ===== internal =====

fn box_ty(ty: &mut Ty) {
    let inner = std::mem::replace(ty, Ty::Unit);
    *ty = match inner {
        Ty::Option(t) => Ty::Option(Box::new(Ty::Box(t))),
        Ty::Box(t) => Ty::Box(t),
        other => Ty::Box(Box::new(other)),
    };
}

/// Named types held by value (through `Option` and aliases, not `Vec` or maps).
fn direct_named(ty: &Ty, out: &mut Vec<usize>) {
    match ty {
        Ty::Named(id) => out.push(*id),
        Ty::Option(t) | Ty::Box(t) => direct_named(t, out),
        _ => {}
    }
}

fn direct_targets(defs: &[TypeDef], def: &TypeDef) -> Vec<usize> {
    let mut out = Vec::new();
    match &def.kind {
        TypeKind::Struct { fields, .. } => fields.iter().for_each(|f| direct_named(&f.ty, &mut out)),
        TypeKind::Union { variants, .. } => variants.iter().for_each(|v| direct_named(&v.ty, &mut out)),
        TypeKind::Alias(ty) => direct_named(ty, &mut out),
        _ => {}
    }
    out.retain(|&t| t < defs.len());
    out
}

fn reachable(edges: &[Vec<usize>], from: usize) -> HashSet<usize> {
    let mut seen = HashSet::new();
    let mut queue = VecDeque::from([from]);
    while let Some(n) = queue.pop_front() {
        for &m in &edges[n] {
            if seen.insert(m) {
                queue.push_back(m);
            }
        }
    }
    seen
}

/// Aliases whose expansion reaches themselves through aliases only.
fn break_alias_cycles(defs: &mut [TypeDef]) {
    let is_alias: Vec<bool> = defs.iter().map(|d| matches!(d.kind, TypeKind::Alias(_))).collect();
    let edges: Vec<Vec<usize>> = defs
        .iter()
        .map(|d| match &d.kind {
            TypeKind::Alias(ty) => {
                let mut out = Vec::new();
                all_named(ty, &mut out);
                out.retain(|&t| t < is_alias.len() && is_alias[t]);
                out
            }
            _ => Vec::new(),
        })
        .collect();
    for id in 0..defs.len() {
        if is_alias[id] && reachable(&edges, id).contains(&id) {
            defs[id].kind = TypeKind::Alias(Ty::Value);
        }
    }
}

fn all_named(ty: &Ty, out: &mut Vec<usize>) {
    match ty {
        Ty::Named(id) => out.push(*id),
        Ty::Option(t) | Ty::Box(t) | Ty::Vec(t) | Ty::Map(t) => all_named(t, out),
        _ => {}
    }
}
