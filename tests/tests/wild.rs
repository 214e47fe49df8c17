//! Documents from the wild (`spec/wild/`): OpenAPI 3.1 keywords and 3.0 rule-breaking that
//! must degrade, not stop generation. Each document generates a client; these tests pin
//! down what the degraded types look like and that they still talk to a server.

use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

mod thirty_one {
    sdk_runtime::generate_client!("../spec/wild/openapi-31.yaml");
}

mod webhooks_only {
    sdk_runtime::generate_client!("../spec/wild/webhooks-only-31.yaml");
}

mod wild {
    // The document's stray path parameter is reported as a (deprecation) warning, on purpose.
    #![allow(deprecated)]
    sdk_runtime::generate_client!("../spec/wild/wild-30.yaml");
}

#[tokio::test]
async fn openapi_31_keywords_become_rust_types() {
    let server = MockServer::start().await;
    let body = json!({
        "id": "i1",
        "note": null,
        "kind": "item",
        "score": 5,
        "ratio": 0.5,
        "tags": ["a", 1],
        "blob": "aGk=",
        "parent": {"id": "i0", "kind": "item", "score": 1, "tags": []},
        "anything": null,
        "limits": {"max": 3}
    });
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(&body))
        .mount(&server)
        .await;
    let client = thirty_one::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client");
    let item = client.get_item("i1").await.expect("decodes").into_inner();
    // `type: [string, "null"]` → Option<String>
    let note: Option<String> = item.note;
    assert_eq!(note, None);
    // `const` → a one-value enum; numeric exclusive bounds keep the integer type
    assert_eq!(item.kind, thirty_one::types::ItemKind::Item);
    let score: i64 = item.score;
    assert_eq!(score, 5);
    // `prefixItems` → items of any type
    assert_eq!(item.tags, vec![json!("a"), json!(1)]);
    // `$ref` with siblings and `$defs` resolve
    assert_eq!(item.parent.as_ref().map(|p| p.id.as_str()), Some("i0"));
    assert_eq!(item.limits.and_then(|l| l.max), Some(3));
    // `type: [number, integer]` → a number
    assert_eq!(item.ratio, Some(0.5));
}

#[test]
fn a_document_with_only_webhooks_still_generates_a_client() {
    let client = webhooks_only::Client::builder()
        .base_url("http://127.0.0.1:9")
        .build()
        .expect("a client with no operations");
    assert_eq!(client.runtime().api().title, "Webhooks Only");
}

#[tokio::test]
async fn wild_30_document_degrades_and_works() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "nothing": null, "count": 3, "flag": true, "size": 1, "level": "three"
        })))
        .mount(&server)
        .await;
    let client = wild::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client");
    // No operationId: named from method and path. Out-of-range bounds did not stop the
    // integer parameter; enum values colliding after case folding got distinct names.
    let a = client
        .get_a()
        .offset(-5)
        .mode(&wild::types::Mode::Asc2)
        .await
        .expect("decodes");
    assert_eq!(a.count, Some(3));
    assert_eq!(
        a.flag,
        Some(true),
        "`required: true` on a property is dropped"
    );
    // A string enum holding numbers and null: numbers became strings, null made it optional.
    assert!(matches!(
        a.level,
        Some(wild::types::GetAResponseLevel::Three)
    ));
    // `$ref` into `#/paths/...` is the same type as the node it points at.
    let b: wild::types::GetAResponse = client.get_b().await.expect("same body").into_inner();
    assert_eq!(b.size, Some(1));
    // An unknown media type is sent as bytes with that content type.
    client
        .post_a()
        .body(b"raw".to_vec())
        .await
        .expect("bytes body");
    // A template variable with no declared parameter is still an argument.
    client.get_c("x y").await.expect("default response");

    let requests = server.received_requests().await.expect("recorded");
    assert_eq!(requests[0].url.query(), Some("offset=-5&mode=asc"));
    assert_eq!(
        requests[2]
            .headers
            .get("content-type")
            .map(|v| v.as_bytes()),
        Some(&b"application/x-custom-thing"[..])
    );
    assert_eq!(requests[3].url.path(), "/c/x%20y");

    let modes: Vec<wild::types::Mode> =
        serde_json::from_value(json!(["ASC", "asc", "Asc", "=", "!=", "1st", ""])).expect("modes");
    use wild::types::Mode;
    assert_eq!(
        modes,
        [
            Mode::Asc,
            Mode::Asc2,
            Mode::Asc3,
            Mode::Eq,
            Mode::NotEq,
            Mode::Value1st,
            Mode::Value
        ]
    );
}

mod thirty_two {
    sdk_runtime::generate_client!("../spec/wild/openapi-32.yaml");
}

/// OpenAPI 3.2: `query` operations send the QUERY method, `additionalOperations` their own
/// methods, an `in: querystring` parameter becomes the query string; `$self`, tag `parent`
/// and the other new keys change nothing.
#[tokio::test]
async fn openapi_32_query_and_additional_operations_send_their_methods() {
    use thirty_two::types::{Product, Search};
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([{"id": "p1"}])))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(wiremock::matchers::method("PURGE"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(wiremock::matchers::method("LINK"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "p1"})))
        .mount(&server)
        .await;
    let client = thirty_two::Client::builder()
        .base_url(server.uri())
        .max_retries(0)
        .build()
        .expect("client");
    let search = Search {
        text: "lamp".into(),
    };
    let found: Vec<Product> = client
        .products()
        .search_products(&search)
        .await
        .expect("QUERY answered")
        .into_inner();
    assert_eq!(found[0].id, "p1");
    client.products().purge_products().await.expect("PURGE");
    let filter = thirty_two::types::LinkProductFilter {
        rel: Some("parent".into()),
        weight: Some(2),
    };
    let linked = client
        .link_product("p1")
        .filter(&filter)
        .await
        .expect("LINK");
    assert_eq!(linked.id, "p1");

    let requests = server.received_requests().await.expect("recording is on");
    let seen: Vec<(String, String, Option<String>)> = requests
        .iter()
        .map(|r| {
            (
                r.method.to_string(),
                r.url.path().to_owned(),
                r.url.query().map(str::to_owned),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("QUERY".into(), "/products".into(), None),
            ("PURGE".into(), "/products".into(), None),
            (
                "LINK".into(),
                "/products/p1".into(),
                Some("rel=parent&weight=2".into())
            ),
        ]
    );
    let body: serde_json::Value = serde_json::from_slice(&requests[0].body).expect("JSON");
    assert_eq!(body, json!({"text": "lamp"}));
}

/// The typed mock routes 3.2's QUERY and `additionalOperations` methods too.
#[tokio::test]
async fn the_mock_serves_openapi_32_methods() {
    use thirty_two::types::{Product, Search};
    let mock = thirty_two::mock::MockServer::start().await;
    let lamp = Product {
        id: "p1".into(),
        name: Some("Lamp".into()),
    };
    mock.products()
        .search_products()
        .respond(200, &vec![lamp.clone()])
        .times(1);
    mock.link_product("p1").respond(200, &lamp).times(1);
    let client = mock.client();
    let search = Search {
        text: "lamp".into(),
    };
    let found = client
        .products()
        .search_products(&search)
        .await
        .expect("QUERY");
    assert_eq!(found[0].name.as_deref(), Some("Lamp"));
    assert_eq!(client.link_product("p1").await.expect("LINK").id, "p1");
    mock.verify();
}

/// A query parameter named `body` beside a request body gets its own name, and a list
/// whose page may be `null` is a plain call (found by the directory sweep).
#[tokio::test]
async fn a_body_parameter_and_a_nullable_page() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::method("POST"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(wiremock::matchers::method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!(null)))
        .mount(&server)
        .await;
    let client = wild::Client::builder()
        .base_url(server.uri())
        .max_retries(0)
        .build()
        .expect("client");
    let payload = wild::types::AcceptImportBody {
        id: Some("i1".into()),
    };
    client
        .accept_import("raw text", &payload)
        .await
        .expect("accepted");
    let page = client.list_nullable_page().await.expect("null page");
    assert!(page.is_none());
    let requests = server.received_requests().await.expect("recording is on");
    assert_eq!(requests[0].url.query(), Some("body=raw%20text"));
    let sent: serde_json::Value = serde_json::from_slice(&requests[0].body).expect("JSON");
    assert_eq!(sent, json!({"id": "i1"}));
}

mod repeated {
    sdk_runtime::generate_client!("../spec/wild/repeated-shapes.yaml");
}

#[tokio::test]
async fn repeated_inline_schemas_share_one_type_under_every_name() {
    use repeated::types::*;
    use std::any::TypeId;
    // The second copy is an alias of the first, nested copies included ...
    assert_eq!(
        TypeId::of::<GetRepoResponse>(),
        TypeId::of::<GetTeamResponse>()
    );
    assert_eq!(
        TypeId::of::<GetRepoResponsePermission>(),
        TypeId::of::<GetTeamResponsePermission>()
    );
    // ... a different shape stays its own type, and so does a type that refers to itself.
    assert_ne!(
        TypeId::of::<GetUserResponsePermission>(),
        TypeId::of::<GetTeamResponsePermission>()
    );
    assert_ne!(TypeId::of::<OtherNode>(), TypeId::of::<Node>());
    // Every name still constructs and matches.
    let built = GetRepoResponse {
        name: "r".into(),
        permission: GetRepoResponsePermission {
            access: GetRepoResponsePermissionAccess::Write,
            expires: None,
        },
    };
    assert!(matches!(
        built.permission.access,
        GetRepoResponsePermissionAccess::Write
    ));

    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"name": "core", "permission": {"access": "read", "expires": null}}),
        ))
        .mount(&server)
        .await;
    let client = repeated::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client");
    let repo: GetRepoResponse = client.get_repo("core").await.expect("decodes").into_inner();
    assert_eq!(
        repo.permission.access,
        GetTeamResponsePermissionAccess::Read
    );
    assert_eq!(
        serde_json::to_value(&repo).expect("encodes"),
        json!({"name": "core", "permission": {"access": "read"}})
    );
}
