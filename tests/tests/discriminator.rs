//! Discriminated unions (`spec/wild/discriminated-variants.yaml`): a variant struct implies
//! its tag, so a caller cannot send a variant with the wrong one. The struct literals
//! below name every field: they stop compiling if a variant grows a free `kind` field
//! again.

use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod accounts {
    sdk_runtime::generate_client!("../spec/wild/discriminated-variants.yaml");
}

use accounts::types::{self, Owner};

fn company() -> types::Company {
    types::Company {
        legal_name: "Acme Ltd".into(),
        vat_id: None,
    }
}

#[test]
fn a_variant_writes_its_own_tag_first() {
    let owner = Owner::Company(company());
    let text = serde_json::to_string(&owner).expect("serializes");
    assert_eq!(text, r#"{"kind":"company","legal_name":"Acme Ltd"}"#);
    // On its own, outside the union, the struct still carries the tag.
    let alone = serde_json::to_value(company()).expect("serializes");
    assert_eq!(alone, json!({"kind": "company", "legal_name": "Acme Ltd"}));
}

#[test]
fn the_tag_chooses_the_variant_and_is_not_kept_twice() {
    let person: Owner =
        serde_json::from_value(json!({"kind": "person", "name": "Ada"})).expect("person");
    assert!(matches!(&person, Owner::Person(types::Person { name }) if name == "Ada"));
    assert_eq!(
        serde_json::to_value(&person).expect("serializes"),
        json!({"kind": "person", "name": "Ada"})
    );
    let unknown: Owner =
        serde_json::from_value(json!({"kind": "robot", "serial": 7})).expect("unknown kind");
    assert!(matches!(unknown, Owner::Unknown(v) if v["serial"] == 7));
}

#[test]
fn a_variant_selected_by_several_values_keeps_the_field() {
    // `team` and `group` both select Team: the caller says which.
    let team = Owner::Team(types::Team {
        kind: "group".into(),
        members: vec!["ada".into()],
    });
    assert_eq!(
        serde_json::to_value(&team).expect("serializes"),
        json!({"kind": "group", "members": ["ada"]})
    );
    let read: Owner = serde_json::from_value(json!({"kind": "team", "members": []})).expect("team");
    assert!(matches!(read, Owner::Team(t) if t.kind == "team"));
}

#[test]
fn inherited_tags_are_implied_from_schema_names() {
    let cat = types::Pet::Cat(types::Cat {
        name: Some("Tom".into()),
        indoor: Some(true),
    });
    assert_eq!(
        serde_json::to_value(&cat).expect("serializes"),
        json!({"pet_type": "Cat", "name": "Tom", "indoor": true})
    );
    // A tag typed as an enum stays a field: the enum already limits what can be written.
    let dog = types::Dog {
        pet_type: types::DogPetType::Dog,
        name: None,
        good: Some(true),
    };
    assert_eq!(
        serde_json::to_value(&dog).expect("serializes"),
        json!({"pet_type": "Dog", "good": true})
    );
    let pets: Vec<types::Pet> = serde_json::from_value(json!([
        {"pet_type": "Dog", "good": false},
        {"pet_type": "Cat", "indoor": false}
    ]))
    .expect("pets");
    assert!(matches!(&pets[0], types::Pet::Dog(d) if d.good == Some(false)));
    assert!(matches!(&pets[1], types::Pet::Cat(c) if c.indoor == Some(false)));
}

#[tokio::test]
async fn the_server_receives_the_variants_tag() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/accounts"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "owner": {"kind": "company", "legal_name": "Acme Ltd"}
        })))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/companies/c1"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"kind": "company", "legal_name": "Acme Ltd"})),
        )
        .mount(&server)
        .await;
    let client = accounts::Client::builder()
        .base_url(server.uri())
        .max_retries(0)
        .build()
        .expect("client builds");

    let account = types::Account {
        owner: Owner::Company(company()),
        backup_owner: Some(Owner::Person(types::Person { name: "Ada".into() })),
    };
    let created = client.create_account(&account).await.expect("created");
    assert!(matches!(&created.owner, Owner::Company(c) if c.legal_name == "Acme Ltd"));
    let updated = client.put_company("c1", &company()).await.expect("updated");
    assert_eq!(updated.legal_name, "Acme Ltd");

    let sent = server.received_requests().await.expect("recording is on");
    let bodies: Vec<serde_json::Value> = sent
        .iter()
        .map(|r| serde_json::from_slice(&r.body).expect("JSON body"))
        .collect();
    assert_eq!(bodies[0]["owner"]["kind"], "company");
    assert_eq!(bodies[0]["backup_owner"]["kind"], "person");
    assert_eq!(bodies[1]["kind"], "company");
}
