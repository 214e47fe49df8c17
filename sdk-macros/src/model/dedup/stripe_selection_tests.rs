//! The model of a real selection, Stripe's with ten operations: the names its signatures
//! show, and the boxes its fields hold.
//!
//! Deduplication (`merge_identical`) turns a repeated definition into an alias of the
//! first one met, so a careless use of the canonical type would name a field or parameter
//! after an unrelated schema (`Customer.object: DeletedCustomerObject`). These tests read
//! every type a signature names and check where it was defined.

use std::path::PathBuf;

use proc_macro2::Span;
use syn::LitStr;

use crate::ctxt::Ctxt;
use crate::model::{Api, Decode, Ty, TypeKind};

/// The ten operations of the `cargo doc` report (issue 36).
const OPERATIONS: [&str; 10] = [
    "GetCustomers",
    "PostCustomers",
    "GetCustomersCustomer",
    "DeleteCustomersCustomer",
    "GetCharges",
    "GetChargesCharge",
    "PostPaymentIntents",
    "GetPaymentIntents",
    "GetBalance",
    "PostRefunds",
];

/// The model of Stripe's document with `OPERATIONS` selected, and the selected document.
fn stripe_selection() -> (Api, serde_json::Value) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec/real/stripe.com.json");
    let mut doc = crate::load::load(&path.to_string_lossy(), None, Span::call_site())
        .expect("spec/real/stripe.com.json loads");
    let listed: Vec<LitStr> = OPERATIONS
        .iter()
        .map(|id| LitStr::new(id, Span::call_site()))
        .collect();
    assert!(crate::select::select(&mut doc, &[], &listed).is_none());
    let cx = Ctxt::new(doc.display.clone(), Span::call_site());
    let api = Api::from_spec(&cx, &doc);
    cx.check().expect("the selection models without errors");
    (api, doc.root)
}

/// Every named type `ty` mentions, at any depth.
fn named(ty: &Ty, out: &mut Vec<usize>) {
    match ty {
        Ty::Named(id) => out.push(*id),
        Ty::Option(t) | Ty::Box(t) | Ty::Vec(t) | Ty::Map(t) => named(t, out),
        _ => {}
    }
}

/// Every signature of the client: (where it is, the type it shows, the pointer of the
/// item whose signature it is).
fn signatures(api: &Api) -> Vec<(String, Ty, String)> {
    let mut out = Vec::new();
    for def in &api.types {
        let members: Vec<(&str, &Ty)> = match &def.kind {
            TypeKind::Struct { fields, .. } => {
                fields.iter().map(|f| (f.name.as_str(), &f.ty)).collect()
            }
            TypeKind::Union { variants, .. } => {
                variants.iter().map(|v| (v.name.as_str(), &v.ty)).collect()
            }
            _ => Vec::new(),
        };
        for (member, ty) in members {
            let at = format!("{}.{member}", def.name);
            out.push((at, ty.clone(), def.pointer.clone()));
        }
    }
    for op in api.operations() {
        let params = op.required.iter().chain(&op.optional);
        for p in params {
            let at = format!("{}({})", op.method_name, p.name);
            out.push((at, p.ty.clone(), op.pointer.clone()));
        }
        if let Some(body) = &op.body {
            let at = format!("{}(body)", op.method_name);
            out.push((at, body.ty.clone(), op.pointer.clone()));
        }
        if let Decode::Json(ty) = &op.ok {
            let at = format!("{} -> ", op.method_name);
            out.push((at, ty.clone(), op.pointer.clone()));
        }
    }
    out
}

/// Whether `pointer` is a component schema the selection kept.
fn kept_component(root: &serde_json::Value, pointer: &str) -> bool {
    let Some(tokens) = crate::pointer::tokens(pointer) else {
        return false;
    };
    tokens.len() == 3
        && tokens[0] == "components"
        && tokens[1] == "schemas"
        && crate::pointer::lookup(root, pointer).is_some()
}

#[test]
fn stripe_selection_signatures_name_types_by_their_own_use() {
    let (api, root) = stripe_selection();
    let mut checked = 0;
    let mut wrong = Vec::new();
    for (at, ty, owner) in signatures(&api) {
        let mut ids = Vec::new();
        named(&ty, &mut ids);
        for id in ids {
            let pointer = &api.types[id].pointer;
            // A `$ref` to a kept schema shows that schema's own name; a type made up for an
            // inline schema (or an alias of a deduplicated one) was defined at its use.
            let own_use = pointer.starts_with(&format!("{owner}/")) || pointer == &owner;
            if !(kept_component(&root, pointer) || own_use) {
                wrong.push(format!("{at}: {} (from {pointer})", api.types[id].name));
            }
            checked += 1;
        }
    }
    assert!(checked > 500, "only {checked} type names checked");
    assert!(
        wrong.is_empty(),
        "names from elsewhere:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn stripe_selection_has_no_box_in_a_box() {
    fn double_box(ty: &Ty) -> bool {
        match ty {
            Ty::Box(inner) if matches!(**inner, Ty::Box(_)) => true,
            Ty::Option(t) | Ty::Box(t) | Ty::Vec(t) | Ty::Map(t) => double_box(t),
            _ => false,
        }
    }
    let (api, _) = stripe_selection();
    let mut boxed = 0;
    let mut twice = Vec::new();
    for (at, ty, _) in signatures(&api) {
        boxed += usize::from(format!("{ty:?}").contains("Box("));
        if double_box(&ty) {
            twice.push(at);
        }
    }
    assert!(
        boxed > 50,
        "only {boxed} boxed types: the test checks nothing"
    );
    assert!(twice.is_empty(), "boxed twice: {twice:?}");
}

#[test]
fn stripe_selection_defines_types_only_from_what_it_keeps() {
    let (api, root) = stripe_selection();
    let kept_ops: Vec<&str> = api.operations().map(|op| op.pointer.as_str()).collect();
    assert_eq!(kept_ops.len(), OPERATIONS.len());
    let under =
        |pointer: &str, owner: &str| pointer == owner || pointer.starts_with(&format!("{owner}/"));
    let mut foreign = Vec::new();
    for def in &api.types {
        let component = crate::pointer::tokens(&def.pointer)
            .filter(|t| t.len() >= 3 && t[0] == "components" && t[1] == "schemas")
            .map(|t| crate::pointer::push("#/components/schemas", &t[2]));
        let kept = match &component {
            Some(schema) => kept_component(&root, schema),
            None => kept_ops.iter().any(|op| under(&def.pointer, op)),
        };
        if !kept {
            foreign.push(format!("{} (from {})", def.name, def.pointer));
        }
    }
    assert!(api.types.len() > 300, "only {} types", api.types.len());
    assert!(
        foreign.is_empty(),
        "types from what the selection dropped:\n{}",
        foreign.join("\n")
    );
}
