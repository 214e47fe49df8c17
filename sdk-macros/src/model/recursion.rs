//! Recursive types: Rust needs a `Box` wherever a type contains itself by value, and
//! forbids type aliases that refer to themselves.
//!
//! A struct field (or union variant) is boxed when its type reaches back to the owner
//! through by-value containment; `Vec` and maps already allocate, so they break cycles.
//! An alias on a cycle of aliases becomes a free-form value.

use super::schema::{Ty, TypeDef, TypeKind};

pub fn break_cycles(defs: &mut [TypeDef]) {
    break_alias_cycles(defs);
    let edges: Vec<Vec<usize>> = defs.iter().map(|d| direct_targets(defs, d)).collect();
    // A field of `owner` holding `t` closes a cycle exactly when `t` reaches back to `owner`,
    // that is when both sit in one strongly connected component. Components are found in
    // linear time; checking reachability per field was quadratic on long chains of types.
    let component = components(&edges);
    for owner in 0..defs.len() {
        let mut boxes = Vec::new();
        let reaches_owner = |ty: &Ty| {
            let mut targets = Vec::new();
            direct_named(ty, &mut targets);
            targets
                .into_iter()
                .any(|t| t == owner || (t < component.len() && component[t] == component[owner]))
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
            TypeKind::Struct { fields, .. } => {
                boxes.iter().for_each(|&i| box_ty(&mut fields[i].ty))
            }
            TypeKind::Union { variants, .. } => {
                boxes.iter().for_each(|&i| box_ty(&mut variants[i].ty))
            }
            _ => {}
        }
    }
}

// ===== internal =====

/// Boxes `ty` (inside its `Option`, if it is one). A type already boxed, at either level,
/// is left as it is: both passes (`recursion`, then `large`) box, and a field they both
/// pick must not end up as `Option<Box<Box<T>>>`.
pub(super) fn box_ty(ty: &mut Ty) {
    let inner = std::mem::replace(ty, Ty::Unit);
    *ty = match inner {
        Ty::Option(t) if matches!(*t, Ty::Box(_)) => Ty::Option(t),
        Ty::Option(t) => Ty::Option(Box::new(Ty::Box(t))),
        Ty::Box(t) => Ty::Box(t),
        other => Ty::Box(Box::new(other)),
    };
}

/// Named types held by value (through `Option` and aliases, not `Vec` or maps).
pub(super) fn direct_named(ty: &Ty, out: &mut Vec<usize>) {
    match ty {
        Ty::Named(id) => out.push(*id),
        Ty::Option(t) | Ty::Box(t) => direct_named(t, out),
        _ => {}
    }
}

/// The named types `def` holds by value, those in `defs` only.
pub(super) fn direct_targets(defs: &[TypeDef], def: &TypeDef) -> Vec<usize> {
    let mut out = Vec::new();
    match &def.kind {
        TypeKind::Struct { fields, .. } => {
            fields.iter().for_each(|f| direct_named(&f.ty, &mut out))
        }
        TypeKind::Union { variants, .. } => {
            variants.iter().for_each(|v| direct_named(&v.ty, &mut out))
        }
        TypeKind::Alias(ty) => direct_named(ty, &mut out),
        _ => {}
    }
    out.retain(|&t| t < defs.len());
    out
}

/// The strongly connected component of every node (Tarjan's algorithm, iterative so that
/// a chain of thousands of types cannot overflow the stack).
fn components(edges: &[Vec<usize>]) -> Vec<usize> {
    const UNSEEN: usize = usize::MAX;
    let n = edges.len();
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut component = vec![UNSEEN; n];
    let (mut next_index, mut next_component) = (0, 0);
    for start in 0..n {
        if index[start] != UNSEEN {
            continue;
        }
        // (node, position of the next edge to explore)
        let mut work = vec![(start, 0)];
        index[start] = next_index;
        low[start] = next_index;
        next_index += 1;
        stack.push(start);
        on_stack[start] = true;
        while let Some(top) = work.last_mut() {
            let (v, pos) = *top;
            if let Some(&w) = edges[v].get(pos) {
                top.1 += 1;
                if w >= n {
                    continue;
                }
                if index[w] == UNSEEN {
                    index[w] = next_index;
                    low[w] = next_index;
                    next_index += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component[w] = next_component;
                    if w == v {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}

/// Aliases whose expansion reaches themselves through aliases only.
fn break_alias_cycles(defs: &mut [TypeDef]) {
    let is_alias: Vec<bool> = defs
        .iter()
        .map(|d| matches!(d.kind, TypeKind::Alias(_)))
        .collect();
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
    let component = components(&edges);
    let mut size = vec![0_usize; defs.len()];
    component.iter().for_each(|&c| size[c] += 1);
    for id in 0..defs.len() {
        let on_cycle = size[component[id]] > 1 || edges[id].contains(&id);
        if is_alias[id] && on_cycle {
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
