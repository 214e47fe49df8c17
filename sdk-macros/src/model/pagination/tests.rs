//! Detection over the fixtures and the real documents in `spec/real`.

use std::path::PathBuf;

use proc_macro2::Span;
use serde_json::{Value, json};

use super::{Pagination, Style};
use crate::ctxt::Ctxt;
use crate::load::{self, Document};
use crate::model::Api;

fn workspace(path: &str) -> String {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(path);
    dir.to_string_lossy().into_owned()
}

/// Builds the model of a document file; panics on model errors (test input only).
fn model(path: &str) -> Api {
    let doc = load::load(&workspace(path), None, Span::call_site()).expect("document loads");
    build(&doc).expect("no model errors")
}

fn build(doc: &Document) -> Result<Api, String> {
    let cx = Ctxt::new(doc.display.clone(), Span::call_site());
    let api = Api::from_spec(&cx, doc);
    cx.check().map(|()| api).map_err(|e| e.to_string())
}

fn paging<'a>(api: &'a Api, id: &str) -> Option<&'a Pagination> {
    let op = api
        .operations()
        .find(|op| op.id == id)
        .unwrap_or_else(|| panic!("no operation {id}"));
    op.pagination.as_ref()
}

fn strings(path: &[&str]) -> Vec<String> {
    path.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn fixture_styles_are_detected() {
    let api = model("spec/paging-detected.yaml");
    let p = paging(&api, "listAfterLastId").expect("paged");
    assert_eq!(
        p.style,
        Style::Cursor {
            param: Some("starting_after".into())
        }
    );
    assert_eq!(
        (p.cursor_item_field.as_deref(), &p.has_more[..]),
        (Some("id"), &strings(&["has_more"])[..])
    );
    assert_eq!(
        (p.limit_param.as_deref(), p.max_limit),
        (Some("limit"), Some(100))
    );
    let p = paging(&api, "listByToken").expect("paged");
    assert_eq!(
        (p.next.clone(), p.limit_param.as_deref()),
        (strings(&["next_page_token"]), Some("page_size"))
    );
    let p = paging(&api, "listNestedCursor").expect("paged");
    assert_eq!(p.next, strings(&["response_metadata", "next_cursor"]));
    assert_eq!(p.items.json, strings(&["members"]));
    let p = paging(&api, "listByOffset").expect("paged");
    assert_eq!(
        (&p.style, &p.total),
        (
            &Style::Offset {
                param: "offset".into()
            },
            &strings(&["total"])
        )
    );
    let p = paging(&api, "listByPage").expect("paged");
    assert_eq!(
        p.style,
        Style::Page {
            param: "page".into(),
            first: 1
        }
    );
    let p = paging(&api, "listByLink").expect("paged");
    assert_eq!(
        (&p.style, p.items.json.is_empty(), p.max_limit),
        (&Style::Link, true, Some(100))
    );
    assert!(paging(&api, "getItem").is_none());
    assert!(paging(&api, "putItem").is_none());
    assert!(paging(&api, "listUnfit").is_none());
}

#[test]
fn declarations_win_and_opt_out() {
    let api = model("spec/paging-declared.yaml");
    let p = paging(&api, "listThings").expect("declared");
    assert!(p.declared);
    assert_eq!(
        p.style,
        Style::Cursor {
            param: Some("resume_from".into())
        }
    );
    assert_eq!(
        (p.items.json.clone(), p.next.clone()),
        (
            strings(&["envelope", "things"]),
            strings(&["envelope", "continue_from"])
        )
    );
    assert_eq!(
        (p.limit_param.as_deref(), p.max_limit),
        (Some("take"), Some(100))
    );
    let p = paging(&api, "searchThings").expect("declared on a POST");
    assert_eq!(
        (&p.style, &p.total),
        (
            &Style::Page {
                param: "p".into(),
                first: 0
            },
            &strings(&["found"])
        )
    );
    assert_eq!(p.max_limit, Some(100));
    assert!(paging(&api, "listOptedOut").is_none());
}

/// The documents (and operations) that get paging methods by detection alone.
#[test]
fn real_documents_are_detected() {
    type Case = (
        &'static str,
        &'static str,
        Style,
        &'static [&'static str],
        Option<u64>,
    );
    let cases: &[Case] = &[
        (
            "slack.com.json",
            "conversations_list",
            Style::Cursor {
                param: Some("cursor".into()),
            },
            &["response_metadata", "next_cursor"],
            None,
        ),
        (
            "apideck.com__crm.json",
            "companiesAll",
            Style::Cursor {
                param: Some("cursor".into()),
            },
            &["meta", "cursors", "next"],
            Some(200),
        ),
        (
            "nexus.json",
            "instance_list_v1",
            Style::Cursor {
                param: Some("page_token".into()),
            },
            &["next_page"],
            None,
        ),
        (
            "mux.com.json",
            "list-assets",
            Style::Page {
                param: "page".into(),
                first: 1,
            },
            &[],
            None,
        ),
        (
            "spotify.com.json",
            "get-a-list-of-current-users-playlists",
            Style::Offset {
                param: "offset".into(),
            },
            &[],
            Some(50),
        ),
    ];
    for (file, id, style, next, max) in cases {
        let api = model(&format!("spec/real/{file}"));
        let p = paging(&api, id).unwrap_or_else(|| panic!("{file}: {id} is not paged"));
        assert_eq!(
            (&p.style, &p.next, p.max_limit),
            (style, &strings(next), *max),
            "{file}: {id}"
        );
        assert!(!p.declared);
        let count = api
            .operations()
            .filter(|op| op.pagination.is_some())
            .count();
        eprintln!("{file}: {count} paginated operations");
    }
}

fn doc(extension: Value) -> Document {
    let root = json!({
        "openapi": "3.0.3",
        "info": {"title": "T", "version": "1"},
        "paths": {"/x": {"get": {
            "operationId": "listX",
            "x-pagination": extension,
            "parameters": [{"name": "cursor", "in": "query", "schema": {"type": "string"}}],
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
                "type": "object",
                "properties": {"data": {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "string"}}}}}
            }}}}}
        }}}
    });
    Document {
        root,
        abs_path: PathBuf::from("t.yaml"),
        display: "t.yaml".into(),
        omitted: Default::default(),
    }
}

#[test]
fn bad_declarations_are_errors_at_the_extension() {
    let cases = [
        (json!({"style": "sideways"}), "unknown style `sideways`"),
        (
            json!({"style": "cursor", "nxt": "a"}),
            "unknown field `nxt`",
        ),
        (
            json!({"style": "cursor", "next": "meta.next"}),
            "no property `meta`",
        ),
        (
            json!({"style": "cursor", "param": "after"}),
            "`after` is not a query parameter",
        ),
        (
            json!({"style": "cursor"}),
            "needs `next` or `cursor_item_field`",
        ),
        (
            json!({"style": "cursor", "cursor_item_field": "uid"}),
            "`cursor_item_field: uid`",
        ),
        (json!({"style": "offset"}), "no offset parameter"),
    ];
    for (extension, expected) in cases {
        let err = build(&doc(extension.clone()))
            .err()
            .unwrap_or_else(|| panic!("{extension} accepted"));
        assert!(
            err.contains("#/paths/~1x/get/x-pagination") && err.contains(expected),
            "{extension}: {err}"
        );
    }
    let ok = build(&doc(json!({"style": "cursor", "cursor_item_field": "id"}))).expect("valid");
    assert!(
        ok.operations()
            .all(|op| op.pagination.as_ref().is_some_and(|p| p.declared))
    );
}
