//! The selection pass on small documents: what stays, what goes, what the model is told.

use std::collections::BTreeMap;
use std::path::PathBuf;

use proc_macro2::Span;
use serde_json::{Value, json};
use syn::LitStr;

use super::select;
use crate::ctxt::Ctxt;
use crate::load::{Document, Omitted};
use crate::model::Api;

fn document(root: Value) -> Document {
    Document {
        root,
        abs_path: PathBuf::from("t.yaml"),
        display: "t.yaml".into(),
        omitted: Omitted::default(),
    }
}

/// Selects `tags` in `root`: the document left, what is omitted, the error message.
fn run(root: Value, tags: &[&str]) -> (Document, Option<String>) {
    run_both(root, tags, &[])
}

/// Selects `tags` and `operations` in `root`, as `run` does.
fn run_both(root: Value, tags: &[&str], operations: &[&str]) -> (Document, Option<String>) {
    let mut doc = document(root);
    let literals = |listed: &[&str]| -> Vec<LitStr> {
        listed
            .iter()
            .map(|t| LitStr::new(t, Span::call_site()))
            .collect()
    };
    let error = select(&mut doc, &literals(tags), &literals(operations)).map(|e| {
        e.into_iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    });
    (doc, error)
}

fn keys(value: &Value) -> Vec<&str> {
    value
        .as_object()
        .map(|m| m.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

fn schema(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn op(tags: &[&str], response: Value) -> Value {
    json!({"tags": tags, "responses": {"200": {"description": "ok",
        "content": {"application/json": {"schema": response}}}}})
}

fn pets_and_users() -> Value {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "T", "version": "1"},
        "paths": {
            "/pets": {"get": op(&["pets"], schema("PetList")), "post": op(&["users", "pets"], schema("User"))},
            "/users": {"get": op(&["users"], schema("User"))},
            "/health": {"get": op(&[], schema("Health"))},
        },
        "components": {"schemas": {
            "PetList": {"type": "array", "items": schema("Pet")},
            "Pet": {"allOf": [schema("Animal"), {"type": "object", "properties": {"owner": schema("Owner")}}]},
            "Animal": {"type": "object", "properties": {"name": {"type": "string"}}},
            "Owner": {"type": "object", "properties": {"name": {"type": "string"}}},
            "User": {"type": "object", "properties": {"owns": schema("Owner")}},
            "Health": {"type": "string"},
            "Unused": {"type": "string"},
        }, "securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "K"}}},
    })
}

#[test]
fn an_operation_is_kept_by_its_first_tag_with_what_it_reaches() {
    let (doc, error) = run(pets_and_users(), &["pets"]);
    assert_eq!(error, None);
    let root = &doc.root;
    assert_eq!(keys(&root["paths"]), ["/pets"]);
    // `post /pets` is tagged `users` first: it goes with `users`, not with `pets`.
    assert_eq!(keys(&root["paths"]["/pets"]), ["get"]);
    // Through `items`, an `allOf` parent and a property of an inline `allOf` part.
    assert_eq!(
        keys(&root["components"]["schemas"]),
        ["PetList", "Pet", "Animal", "Owner"]
    );
    assert_eq!(
        keys(&root["components"]["securitySchemes"]),
        ["key"],
        "never pruned"
    );
    assert!(doc.omitted.operations.is_empty());
    let all = [
        "PetList", "Pet", "Animal", "Owner", "User", "Health", "Unused",
    ];
    assert_eq!(doc.omitted.schema_keys, all, "the names to reserve");
}

/// `pets_and_users` with an operation id on every operation.
fn with_ids() -> Value {
    let mut root = pets_and_users();
    let ids = [
        ("/pets", "get", "listPets"),
        ("/pets", "post", "createPet"),
        ("/users", "get", "listUsers"),
        ("/health", "get", "health"),
    ];
    for (path, method, id) in ids {
        root["paths"][path][method]["operationId"] = json!(id);
    }
    root
}

#[test]
fn an_operation_is_kept_by_its_id_with_what_it_reaches() {
    let (doc, error) = run_both(with_ids(), &[], &["createPet", "health"]);
    assert_eq!(error, None);
    let root = &doc.root;
    // Untagged `health` is kept too: listed by id, it lives on `Client` itself.
    assert_eq!(keys(&root["paths"]), ["/pets", "/health"]);
    assert_eq!(keys(&root["paths"]["/pets"]), ["post"]);
    assert_eq!(
        keys(&root["components"]["schemas"]),
        ["Owner", "User", "Health"]
    );
    assert_eq!(
        doc.omitted.tags,
        ["pets", "users"],
        "every tag keeps its name"
    );
}

#[test]
fn tags_and_operations_together_keep_either() {
    let (doc, error) = run_both(with_ids(), &["users"], &["listPets"]);
    assert_eq!(error, None);
    assert_eq!(keys(&doc.root["paths"]), ["/pets", "/users"]);
    assert_eq!(keys(&doc.root["paths"]["/pets"]), ["get", "post"]);
    assert_eq!(keys(&doc.root["paths"]["/users"]), ["get"]);
}

#[test]
fn an_unknown_operation_id_is_an_error_that_says_what_is_near() {
    let (doc, error) = run_both(
        with_ids(),
        &[],
        &["list_pets", "pets", "nothing", "listUsers", "nothing"],
    );
    let error = error.expect("errors");
    let lines: Vec<&str> = error.lines().collect();
    assert_eq!(
        lines,
        [
            "t.yaml: `operations`: no operation has the operationId `list_pets`; did you mean `listPets`?",
            "t.yaml: `operations`: no operation has the operationId `pets`; `pets` is a tag: list it in `tags = [...]`",
            "t.yaml: `operations`: no operation has the operationId `nothing` (operation ids match as the document spells them)",
        ],
        "each unknown id once"
    );
    // The known one still selects.
    assert_eq!(keys(&doc.root["paths"]), ["/users"]);
}

#[test]
fn untagged_operations_and_shared_schemas() {
    let (doc, _) = run(pets_and_users(), &["users"]);
    assert_eq!(keys(&doc.root["paths"]), ["/pets", "/users"]);
    assert_eq!(keys(&doc.root["paths"]["/pets"]), ["post"]);
    assert_eq!(
        keys(&doc.root["components"]["schemas"]),
        ["Owner", "User"],
        "`Owner` is shared with `pets`, `Health` only used untagged"
    );
}

#[test]
fn a_schema_named_only_by_a_discriminator_mapping_is_kept() {
    let root = json!({
        "openapi": "3.0.3", "info": {"title": "T", "version": "1"},
        "paths": {"/a": {"get": op(&["a"], schema("Animal"))}},
        "components": {"schemas": {
            "Animal": {"oneOf": [schema("Cat")], "discriminator": {"propertyName": "kind",
                "mapping": {"cat": "#/components/schemas/Cat", "dog": "Dog", "bird": "#/components/schemas/Bird", "fish": "other.yaml#/Fish"}}},
            "Cat": {"type": "object"}, "Dog": {"type": "object"}, "Bird": {"type": "object"},
            "Fish": {"type": "object"},
        }},
    });
    let (doc, _) = run(root, &["a"]);
    assert_eq!(
        keys(&doc.root["components"]["schemas"]),
        ["Animal", "Cat", "Dog", "Bird"]
    );
}

#[test]
fn every_kind_of_component_is_pruned_through_chains_of_refs() {
    let root = json!({
        "openapi": "3.0.3", "info": {"title": "T", "version": "1"},
        "paths": {
            "/a": {"parameters": [{"$ref": "#/components/parameters/Shared"}],
                   "get": {"tags": ["a"], "requestBody": {"$ref": "#/components/requestBodies/In"},
                           "responses": {"404": {"$ref": "#/components/responses/NotFound"}}}},
            "/b": {"parameters": [{"$ref": "#/components/parameters/OnlyB"}],
                   "get": {"tags": ["b"], "responses": {"500": {"$ref": "#/components/responses/Oops"}}}},
        },
        "components": {
            "parameters": {"Shared": {"name": "s", "in": "query", "schema": schema("S")},
                           "OnlyB": {"name": "b", "in": "query", "schema": schema("B")}},
            "requestBodies": {"In": {"content": {"application/json": {"schema": schema("In"),
                "examples": {"one": {"$ref": "#/components/examples/One"}}}}}},
            "responses": {"NotFound": {"description": "no", "headers": {"X": {"$ref": "#/components/headers/X"}}},
                          "Oops": {"description": "oops"}},
            "headers": {"X": {"schema": schema("H")}, "Y": {"schema": {"type": "string"}}},
            "examples": {"One": {"value": 1}, "Two": {"value": 2}},
            "schemas": {"S": {}, "B": {}, "In": {}, "H": {}, "Z": {}},
            "securitySchemes": {"unused": {"type": "http", "scheme": "basic"}},
            "x-vendor": {"note": true},
        },
    });
    let (doc, _) = run(root, &["a"]);
    let c = &doc.root["components"];
    assert_eq!(keys(&doc.root["paths"]), ["/a"]);
    assert_eq!(keys(&c["parameters"]), ["Shared"]);
    assert_eq!(keys(&c["requestBodies"]), ["In"]);
    assert_eq!(keys(&c["responses"]), ["NotFound"]);
    assert_eq!(keys(&c["headers"]), ["X"]);
    assert_eq!(keys(&c["examples"]), ["One"]);
    assert_eq!(keys(&c["schemas"]), ["S", "In", "H"]);
    assert_eq!(keys(&c["securitySchemes"]), ["unused"]);
    assert_eq!(c["x-vendor"], json!({"note": true}));
}

/// Bundled documents (DigitalOcean's) write a shared response out once, in the first
/// operation that uses it, and point every other operation at it there.
#[test]
fn a_dropped_operation_that_kept_ones_refer_into_stays_omitted() {
    let root = json!({
        "openapi": "3.0.3", "info": {"title": "T", "version": "1"},
        "paths": {
            "/b/{id}": {
                "get": {"tags": ["b"], "responses": {
                    "200": {"description": "ok", "content": {"application/json": {"schema": schema("OnlyB")}}},
                    "404": {"description": "no", "content": {"application/json": {"schema": schema("Error")}}}}},
                "delete": {"tags": ["b"], "responses": {"204": {"description": "gone"}}},
            },
            "/c": {"get": op(&["c"], schema("OnlyC"))},
            "/a": {"get": {"tags": ["a"], "responses": {
                "404": {"$ref": "#/paths/~1b~1%7Bid%7D/get/responses/404"}}}},
        },
        "components": {"schemas": {"OnlyB": {}, "OnlyC": {}, "Error": {}}},
    });
    let (doc, _) = run(root, &["a"]);
    assert_eq!(keys(&doc.root["paths"]), ["/b/{id}", "/a"]);
    assert_eq!(keys(&doc.root["paths"]["/b/{id}"]), ["get"]);
    assert_eq!(keys(&doc.root["components"]["schemas"]), ["Error"]);
    assert!(doc.omitted.is_operation("#/paths/~1b~1{id}/get"));
    assert!(doc.omitted.is_operation("#/paths/~1b~1%7Bid%7D/get"));
    assert!(!doc.omitted.is_operation("#/paths/~1a/get"));

    // The model generates `a` alone, and no error about the `$ref`.
    let cx = Ctxt::new(doc.display.clone(), Span::call_site());
    let api = Api::from_spec(&cx, &doc);
    assert!(cx.check().is_ok());
    let groups: Vec<&str> = api.groups.iter().map(|g| g.accessor.as_str()).collect();
    assert_eq!(groups, ["a"]);
    assert_eq!(api.operations().count(), 1);
}

#[test]
fn path_items_by_ref_are_pruned_where_they_live() {
    let root = json!({
        "openapi": "3.0.3", "info": {"title": "T", "version": "1"},
        "paths": {"/p": {"$ref": "#/components/pathItems/P"}, "/q": {"$ref": "#/components/pathItems/Q"}},
        "components": {
            "pathItems": {
                "P": {"get": op(&["a"], schema("A")), "post": op(&["b"], schema("B"))},
                "Q": {"get": op(&["b"], schema("B"))},
            },
            "schemas": {"A": {}, "B": {}},
        },
    });
    let (doc, _) = run(root, &["a"]);
    assert_eq!(keys(&doc.root["paths"]), ["/p"]);
    assert_eq!(keys(&doc.root["components"]["pathItems"]), ["P"]);
    assert_eq!(keys(&doc.root["components"]["pathItems"]["P"]), ["get"]);
    assert_eq!(keys(&doc.root["components"]["schemas"]), ["A"]);
}

#[test]
fn webhook_events_go_by_the_first_tag_of_their_post() {
    let event = |tags: &[&str], payload: &str| {
        json!({"post": {"tags": tags, "requestBody": {"content": {"application/json": {"schema": schema(payload)}}},
            "responses": {"200": {"description": "ok"}}}})
    };
    let root = json!({
        "openapi": "3.1.0", "info": {"title": "T", "version": "1"},
        "paths": {"/a": {"get": op(&["a"], schema("A"))}},
        "webhooks": {"a.created": event(&["a"], "AEvent"), "b.created": event(&["b"], "BEvent"),
                     "untagged": event(&[], "Plain")},
        "components": {"schemas": {"A": {}, "AEvent": {}, "BEvent": {}, "Plain": {}}},
    });
    let (doc, _) = run(root.clone(), &["a"]);
    assert_eq!(keys(&doc.root["webhooks"]), ["a.created"]);
    assert_eq!(keys(&doc.root["components"]["schemas"]), ["A", "AEvent"]);
    let (doc, _) = run(root, &["b"]);
    assert_eq!(
        keys(&doc.root["paths"]),
        Vec::<&str>::new(),
        "the key stays"
    );
    assert_eq!(keys(&doc.root["webhooks"]), ["b.created"]);
}

#[test]
fn kept_schemas_keep_the_names_of_the_whole_client() {
    // `pet` and `Pet` both want the name `Pet`: the first in the document gets it, in the
    // whole client and in a selection without it alike.
    let root = json!({
        "openapi": "3.0.3", "info": {"title": "T", "version": "1"},
        "paths": {"/a": {"get": op(&["a"], schema("Pet"))}, "/b": {"get": op(&["b"], schema("pet"))}},
        "components": {"schemas": {
            "pet": {"type": "object", "properties": {"b": {"type": "string"}}},
            "Pet": {"type": "object", "properties": {"a": {"type": "string"}}},
        }},
    });
    let names = |doc: &Document| {
        let cx = Ctxt::new(doc.display.clone(), Span::call_site());
        let api = Api::from_spec(&cx, doc);
        cx.check().expect("no errors");
        let mut names: Vec<(String, String)> = api
            .types
            .iter()
            .map(|t| (t.pointer.clone(), t.name.clone()))
            .collect();
        names.sort();
        names
    };
    let whole = names(&document(root.clone()));
    let (selected, _) = run(root, &["a"]);
    let selected = names(&selected);
    assert_eq!(
        selected,
        [("#/components/schemas/Pet".to_owned(), "Pet2".to_owned())]
    );
    assert!(whole.contains(&selected[0]));
}

#[test]
fn kept_sub_clients_keep_the_names_of_the_whole_client() {
    // `Pets` and `pets` both want the accessor `pets`: the first gets it.
    let root = json!({
        "openapi": "3.0.3", "info": {"title": "T", "version": "1"},
        "paths": {"/a": {"get": op(&["Pets"], json!({}))}, "/b": {"get": op(&["pets"], json!({}))}},
    });
    let (doc, _) = run(root, &["pets"]);
    let cx = Ctxt::new(doc.display.clone(), Span::call_site());
    let api = Api::from_spec(&cx, &doc);
    cx.check().expect("no errors");
    let groups: Vec<(&str, &str)> = api
        .groups
        .iter()
        .map(|g| (g.accessor.as_str(), g.name.as_str()))
        .collect();
    assert_eq!(groups, [("pets2", "PetsClient2")]);
}

#[test]
fn pointers_in_errors_are_those_of_the_whole_document() {
    let root = json!({
        "openapi": "3.0.3", "info": {"title": "T", "version": "1"},
        "paths": {
            "/b": {"get": op(&["b"], schema("B"))},
            "/a": {"get": {"tags": ["a"], "parameters": [{"name": "x", "in": "body"}],
                           "responses": {"200": {"description": "ok"}}}},
        },
        "components": {"schemas": {"B": {}}},
    });
    let errors = |doc: &Document| {
        let cx = Ctxt::new(doc.display.clone(), Span::call_site());
        let _ = Api::from_spec(&cx, doc);
        cx.check().expect_err("an error").to_string()
    };
    let whole = errors(&document(root.clone()));
    let (selected, _) = run(root, &["a"]);
    assert!(whole.contains("#/paths/~1a/get/parameters/0/in"), "{whole}");
    assert_eq!(errors(&selected), whole);
}

#[test]
fn a_tag_that_selects_nothing_is_an_error_listing_those_that_do() {
    let (doc, error) = run(pets_and_users(), &["Pets", "pets", "nope", "nope"]);
    let error = error.expect("errors");
    let lines: Vec<&str> = error.lines().collect();
    assert_eq!(
        lines.len(),
        2,
        "one error per tag, duplicates once: {error}"
    );
    assert_eq!(
        lines[0],
        "t.yaml: `tags`: no operation has `Pets` as its first tag; did you mean `pets`? \
         The tags that select are `pets`, `users`"
    );
    assert!(lines[1].starts_with("t.yaml: `tags`: no operation has `nope`"));
    // The known tag still selects.
    assert_eq!(keys(&doc.root["paths"]), ["/pets"]);

    let (_, error) = run(pets_and_users(), &["pets", "users"]);
    assert_eq!(error, None);
}

#[test]
fn a_later_tag_is_named_as_such() {
    let mut root = pets_and_users();
    root["paths"]["/users"]["get"]["tags"] = json!(["users", "admin"]);
    let (_, error) = run(root, &["admin"]);
    let error = error.expect("an error");
    assert!(
        error.contains(
            "no operation has `admin` as its first tag (one lists it after another; \
             an operation is generated under its first tag only). The tags"
        ),
        "{error}"
    );
}

#[test]
fn long_tag_lists_are_cut() {
    let paths: serde_json::Map<String, Value> = (0..50)
        .map(|i| {
            (
                format!("/r{i:02}"),
                json!({"get": op(&[&format!("t{i:02}")], json!({}))}),
            )
        })
        .collect();
    let root = json!({"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": paths});
    let (_, error) = run(root, &["zzz"]);
    let error = error.expect("an error");
    assert!(error.contains("`t00`, `t01`"), "{error}");
    assert!(
        error.ends_with("`t39` and 10 more"),
        "sorted and cut: {error}"
    );

    let bare = json!({"openapi": "3.0.3", "info": {"title": "T", "version": "1"},
        "paths": {"/a": {"get": op(&[], json!({}))}}});
    let (_, error) = run(bare, &["a"]);
    assert!(
        error
            .expect("an error")
            .ends_with("No operation in this document has a tag, so `tags` selects nothing")
    );
}

/// On every real document of `spec/real`, selecting one tag at a time (up to
/// eight per document, spread over its tags) never adds an error to the whole document's,
/// keeps exactly the operations of that tag, and changes no name of a kept operation, its
/// sub-client, or the type of a kept component schema.
#[test]
fn real_documents_select_without_new_errors_or_renames() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec/real");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("the real documents")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json" || e == "yaml"))
        .collect();
    files.sort();
    let mut checked = 0;
    for file in files {
        let path = file.to_string_lossy().into_owned();
        let whole = crate::load::load(&path, None, Span::call_site()).expect("loads");
        let (api, errors) = model(&whole);
        let ops = operations(&api, &whole.root);
        let census = super::Census::of(&whole.root);
        let tags: Vec<&String> = census.first.keys().collect();
        let step = tags.len().div_ceil(8).max(1);
        for tag in tags.iter().step_by(step) {
            let mut doc = document(whole.root.clone());
            let lit = LitStr::new(tag, Span::call_site());
            assert!(select(&mut doc, &[lit], &[]).is_none());
            let (selected, new_errors) = model(&doc);
            let name = format!("{}, tags = [{tag:?}]", file.display());
            for e in &new_errors {
                assert!(errors.contains(e), "{name}: a new error: {e}");
            }
            let expected: Vec<_> = ops
                .iter()
                .filter(|(_, (_, _, first))| first.as_deref() == Some(tag.as_str()))
                .map(|(ptr, (group, method, _))| (ptr.clone(), group.clone(), method.clone()))
                .collect();
            let got: Vec<_> = operations(&selected, &whole.root)
                .into_iter()
                .map(|(ptr, (group, method, _))| (ptr, group, method))
                .collect();
            assert_eq!(got, expected, "{name}: operations");
            // Component schemas themselves; a name made up for an inline schema depends on
            // which operation meets it first, and may change.
            let is_component = |p: &str| {
                crate::pointer::tokens(p).is_some_and(|t| t.len() == 3 && t[0] == "components")
            };
            for t in selected.types.iter().filter(|t| is_component(&t.pointer)) {
                let same = api.types.iter().find(|w| w.pointer == t.pointer);
                assert_eq!(
                    same.map(|w| &w.name),
                    Some(&t.name),
                    "{name}: {}",
                    t.pointer
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 50, "only {checked} selections checked");
}

/// The model of `doc` and its error messages.
fn model(doc: &Document) -> (Api, Vec<String>) {
    let cx = Ctxt::new(doc.display.clone(), Span::call_site());
    let api = Api::from_spec(&cx, doc);
    let errors = match cx.check() {
        Ok(()) => Vec::new(),
        Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
    };
    (api, errors)
}

/// Every operation by pointer: its sub-client accessor, method name and first tag (read
/// in `root`).
fn operations(api: &Api, root: &Value) -> BTreeMap<String, (String, String, Option<String>)> {
    let groups = std::iter::once(&api.root).chain(&api.groups);
    groups
        .flat_map(|g| g.ops.iter().map(move |op| (g, op)))
        .map(|(g, op)| {
            let node = crate::pointer::lookup(root, &op.pointer);
            let first = node.and_then(super::first_tag).map(str::to_owned);
            (
                op.pointer.clone(),
                (g.accessor.clone(), op.method_name.clone(), first),
            )
        })
        .collect()
}
