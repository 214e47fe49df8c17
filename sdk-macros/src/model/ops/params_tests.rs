//! Path parameters against the template: the detection of near names, and what the model
//! makes of the regression document `spec/wild/path-param-typos.yaml`.

use proc_macro2::Span;

use super::{NearName, edit_distance, near_template_var};
use crate::ctxt::{Ctxt, Warning};
use crate::load;
use crate::model::{Api, Operation, ParamLocation, Ty};

#[test]
fn case_only_difference_is_found_first() {
    let vars = ["petid", "pet_id"];
    assert_eq!(
        near_template_var("petId", &vars),
        Some(NearName::Case("petid"))
    );
}

#[test]
fn near_names_within_the_allowed_distance() {
    assert_eq!(
        near_template_var("owner_name", &["ownerName"]),
        Some(NearName::Near("ownerName"))
    );
    assert_eq!(
        near_template_var("userId", &["userid_"]),
        Some(NearName::Near("userid_"))
    );
    // Short names must match but for case; unrelated names are not typos.
    assert_eq!(near_template_var("id", &["ip"]), None);
    assert_eq!(near_template_var("ID", &["id"]), Some(NearName::Case("id")));
    assert_eq!(near_template_var("legacy", &["orgSlug"]), None);
    assert_eq!(near_template_var("anything", &[]), None);
}

#[test]
fn edit_distance_counts_insertions_deletions_substitutions() {
    assert_eq!(edit_distance("", ""), 0);
    assert_eq!(edit_distance("abc", ""), 3);
    assert_eq!(edit_distance("kitten", "sitting"), 3);
    assert_eq!(edit_distance("owner_name", "ownername"), 1);
}

/// The model of the regression document and its warnings; panics on model errors.
fn typos_model() -> (Api, Vec<Warning>) {
    let path = format!(
        "{}/../spec/wild/path-param-typos.yaml",
        env!("CARGO_MANIFEST_DIR")
    );
    let doc = load::load(&path, None, Span::call_site()).expect("document loads");
    let cx = Ctxt::new("path-param-typos.yaml".into(), Span::call_site());
    let api = Api::from_spec(&cx, &doc);
    let warnings = cx.take_warnings();
    cx.check().expect("no model errors");
    (api, warnings)
}

fn operation<'a>(api: &'a Api, id: &str) -> &'a Operation {
    api.operations().find(|op| op.id == id).expect("operation")
}

#[test]
fn case_only_typo_keeps_the_typed_parameter_for_the_variable() {
    let (api, warnings) = typos_model();
    let op = operation(&api, "getPet");
    assert_eq!(op.required.len(), 1);
    let param = &op.required[0];
    assert_eq!(param.name, "petid", "substituted under the template's name");
    assert_eq!(param.ident, "pet_id", "named as declared");
    assert!(param.ty == Ty::I64, "keeps the declared integer type");
    assert_eq!(param.doc.as_deref(), Some("The pet's numeric id."));
    let warning = &warnings[0];
    assert_eq!(
        warning.pointer,
        "#/paths/~1pets~1{petid}/get/parameters/0/name"
    );
    assert!(
        warning.message.contains("did you mean `{petid}`?"),
        "{}",
        warning.message
    );
    assert!(
        warning.message.contains("used for `{petid}`"),
        "{}",
        warning.message
    );
}

#[test]
fn near_typo_is_dropped_and_named_in_the_warning() {
    let (api, warnings) = typos_model();
    let op = operation(&api, "listOwnerPets");
    assert_eq!(op.required.len(), 1);
    assert_eq!(op.required[0].name, "ownerName");
    assert!(op.required[0].ty == Ty::String);
    let warning = &warnings[1];
    assert_eq!(
        warning.pointer,
        "#/paths/~1owners~1{ownerName}~1pets/get/parameters/0/name"
    );
    assert!(
        warning.message.contains("`owner_name`"),
        "{}",
        warning.message
    );
    assert!(
        warning.message.contains("did you mean `{ownerName}`?"),
        "{}",
        warning.message
    );
}

#[test]
fn undeclared_variable_names_the_near_query_parameter() {
    let (api, warnings) = typos_model();
    let op = operation(&api, "getStore");
    let path: Vec<_> = op
        .required
        .iter()
        .filter(|p| p.location == ParamLocation::Path)
        .collect();
    assert_eq!(path.len(), 1);
    assert_eq!(path[0].name, "storeid");
    let warning = &warnings[2];
    assert_eq!(
        warning.pointer,
        "#/paths/~1stores~1{storeid}/get/parameters/0/name"
    );
    assert!(
        warning.message.contains("query parameter `storeId`"),
        "{}",
        warning.message
    );
}

#[test]
fn parameter_with_no_variable_at_all_is_reported_without_a_guess() {
    let (api, warnings) = typos_model();
    assert!(operation(&api, "health").required.is_empty());
    assert_eq!(warnings.len(), 4);
    let warning = &warnings[3];
    assert_eq!(warning.pointer, "#/paths/~1health/get/parameters/0/name");
    assert!(
        !warning.message.contains("did you mean"),
        "{}",
        warning.message
    );
}

#[test]
fn matching_documents_give_no_warnings() {
    let path = format!("{}/../spec/petstore.yaml", env!("CARGO_MANIFEST_DIR"));
    let doc = load::load(&path, None, Span::call_site()).expect("document loads");
    let cx = Ctxt::new("petstore.yaml".into(), Span::call_site());
    let _api = Api::from_spec(&cx, &doc);
    assert_eq!(cx.take_warnings(), Vec::new());
    cx.check().expect("no model errors");
}
