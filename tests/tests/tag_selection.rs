//! `generate_client!(..., tags = [...])` on `spec/tag-selection.yaml`: the `pets` and
//! `stores` sub-clients work against a loopback server, the types they reach are
//! generated (through `$ref`s, an `allOf` parent, a discriminator mapping, a `$ref` into
//! a `billing` operation), and nothing that only `billing`, the untagged operation or the
//! `billing` webhook uses is. Absence is checked at compile time: were one of those items
//! generated, this file would not compile (see `absent` and `Fallback`).

use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod shop {
    sdk_runtime::generate_client!(
        "../spec/tag-selection.yaml",
        tags = ["pets", "stores"],
        schema_table
    );
}

mod whole {
    sdk_runtime::generate_client!("../spec/tag-selection.yaml", schema_table);
}

/// Two operations by id: one of `pets` and the untagged one.
mod picked {
    sdk_runtime::generate_client!(
        "../spec/tag-selection.yaml",
        operations = ["getPet", "health"],
        schema_table
    );
}

use shop::types;

fn pet_json() -> serde_json::Value {
    json!({"id": 7, "name": "Rex", "animal": {"kind": "cat", "indoor": true}, "owner": {"name": "Ada"}})
}

#[tokio::test]
async fn selected_sub_clients_call_the_server() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/pets/7"))
        .and(header("x-api-key", "k"))
        .respond_with(ResponseTemplate::new(200).set_body_json(pet_json()))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/pets/8"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"message": "no pet 8"})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/stores/main/pets"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([pet_json()])))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/stores/main"))
        .and(body_json(json!({"city": "Oslo", "name": "Main"})))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"city": "Oslo", "name": "Main"})),
        )
        .expect(1)
        .mount(&server)
        .await;

    // The security scheme works as in the whole client: the key goes in `X-Api-Key`.
    let client = shop::Client::builder()
        .base_url(server.uri())
        .api_key("k")
        .build()
        .expect("client");
    let pet = client.pets().get_pet(7).await.expect("get");
    assert_eq!(pet.name, "Rex");
    assert!(matches!(
        &pet.animal,
        types::Animal::Cat(types::Cat {
            indoor: Some(true),
            ..
        })
    ));
    assert_eq!(pet.owner.as_ref().map(|o| o.name.as_str()), Some("Ada"));

    let err = client.pets().get_pet(8).await.expect_err("404");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    // The shared response's schema, and the one of the response the `pets` operation
    // takes from a `billing` operation by `$ref`.
    match err.body::<types::GetPetError>() {
        Some(types::GetPetError::NotFound(types::Error { message })) => {
            assert_eq!(message, "no pet 8")
        }
        Some(types::GetPetError::TooManyRequests(types::RateLimited { .. })) | None => {
            panic!("expected the 404 body: {err:?}")
        }
    }

    // An operation tagged `stores` first and `pets` second is under `stores`.
    let pets = client.stores().list_store_pets("main").await.expect("list");
    assert_eq!(pets.len(), 1);
    let store = types::Store {
        city: Some("Oslo".into()),
        name: "Main".into(),
    };
    let saved = client
        .stores()
        .update_store("main", &store)
        .await
        .expect("update");
    assert_eq!(*saved, store);
}

#[test]
fn a_schema_only_a_discriminator_mapping_names_is_generated() {
    let parrot = types::Parrot {
        kind: types::ParrotKind::Parrot,
        words: Some(12),
    };
    assert_eq!(
        serde_json::to_value(parrot).expect("serializes"),
        json!({"kind": "parrot", "words": 12})
    );
}

#[test]
fn the_webhook_event_of_a_selected_tag_is_kept_alone() {
    let adopted = json!({"type": "pet.adopted", "pet": pet_json()});
    let event: shop::WebhookEvent = serde_json::from_value(adopted).expect("decodes");
    assert!(is_known(&event));
    // `invoice.paid` is tagged `billing`: this client does not know it.
    let paid = json!({"type": "invoice.paid", "invoice": {"id": "i1", "lines": []}});
    let event: shop::WebhookEvent = serde_json::from_value(paid).expect("decodes");
    assert!(!is_known(&event));
}

/// Exhaustive: a variant for `invoice.paid` would make this match fail to compile.
fn is_known(event: &shop::WebhookEvent) -> bool {
    match event {
        shop::WebhookEvent::PetAdopted(types::PetAdopted { pet, .. }) => pet.id == 7,
        shop::WebhookEvent::Unknown(_) => false,
    }
}

#[test]
fn component_schemas_are_those_the_kept_operations_reach() {
    let kept = [
        "Pet",
        "Animal",
        "Cat",
        "Dog",
        "Parrot",
        "Owner",
        "Store",
        "Place",
        "PetAdopted",
        "Error",
        "RateLimited",
    ];
    assert_eq!(components(shop::__schema_table::SCHEMAS), kept);
    let dropped = [
        "InvoiceList",
        "Invoice",
        "InvoiceLine",
        "InvoicePaid",
        "Health",
    ];
    let mut all = components(whole::__schema_table::SCHEMAS);
    all.retain(|name| !kept.contains(&name.as_str()));
    assert_eq!(all, dropped, "the whole client has the others");
    // Present in the whole client, absent here (checked by the compiler in `absent`).
    let _: (
        whole::types::Invoice,
        whole::types::InvoiceList,
        whole::types::InvoiceLine,
        whole::types::InvoicePaid,
        whole::types::Health,
    );
    assert_eq!(size_of::<absent::Types>() + size_of::<absent::Root>(), 0);
}

/// The names of the component schemas in a schema table, in document order.
fn components<F>(table: &[(&str, &str, F)]) -> Vec<String> {
    table
        .iter()
        .filter_map(|(pointer, _, _)| pointer.strip_prefix("#/components/schemas/"))
        .map(str::to_owned)
        .collect()
}

/// The whole client's `billing` sub-mock, which the selected client's mock lacks.
type _WholeBillingMock<'a> = whole::mock::BillingMock<'a>;

/// Stand-ins for the items the selection must not generate. Each probe below names them
/// through two glob imports, the stand-ins' and the generated module's: a name that only
/// the stand-ins define resolves to the stand-in, and a name both define is ambiguous
/// (E0659), so the file stops compiling as soon as the macro generates one of them.
mod absent {
    pub struct Invoice;
    pub struct InvoiceList;
    pub struct InvoiceLine;
    pub struct InvoicePaid;
    pub struct Health;
    pub struct BillingClient;
    pub struct BillingMock;

    mod types_probe {
        // Unused unless the macro generates one of the names: that is the failure.
        #[allow(unused_imports)]
        use super::super::shop::types::*;
        use super::*;

        pub type Probe = (Invoice, InvoiceList, InvoiceLine, InvoicePaid, Health);
    }

    mod root_probe {
        // Unused unless the macro generates one of the names: that is the failure.
        #[allow(unused_imports)]
        use super::super::shop::*;
        use super::*;

        pub type Probe = BillingClient;
    }

    mod mock_probe {
        // Unused unless the macro generates one of the names: that is the failure.
        #[allow(unused_imports)]
        use super::super::shop::mock::*;
        use super::*;

        pub type Probe = BillingMock;
    }

    pub type Types = types_probe::Probe;
    pub type Root = (root_probe::Probe, mock_probe::Probe);
}

/// What a call to a method `Client` lacks returns: method lookup finds an inherent method
/// before a trait's, so each call below yields `Missing` only while the generated type has
/// no method of that name (otherwise `let Missing = ...` does not compile).
struct Missing;

trait Fallback {
    fn billing(&self) -> Missing {
        Missing
    }
    fn health(&self) -> Missing {
        Missing
    }
    fn list_pet_invoices(&self) -> Missing {
        Missing
    }
    fn list_invoices(&self) -> Missing {
        Missing
    }
    fn stores(&self) -> Missing {
        Missing
    }
}

impl<T> Fallback for T {}

#[test]
fn dropped_operations_have_no_methods() {
    let client = shop::Client::builder()
        .base_url("http://127.0.0.1:9")
        .build()
        .expect("client");
    // `billing` is not listed; `health` has no tag.
    let Missing = client.billing();
    let Missing = client.health();
    let Missing = client.list_invoices();
    // Tagged `billing` first, `pets` second: not under `pets`.
    let Missing = client.pets().list_pet_invoices();
    // The whole client has them all.
    let whole = whole::Client::builder()
        .base_url("http://127.0.0.1:9")
        .build()
        .expect("client");
    let _: whole::BillingClient<'_> = whole.billing();
    let _ = whole.pets();
}

#[tokio::test]
async fn operations_listed_by_id_are_generated_with_what_they_reach() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/pets/7"))
        .respond_with(ResponseTemplate::new(200).set_body_json(pet_json()))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/health"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .expect(1)
        .mount(&server)
        .await;
    let client = picked::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client");
    // Under the sub-client and with the names the whole client gives them.
    let pet = client.pets().get_pet(7).await.expect("get");
    assert_eq!(pet.owner.as_ref().map(|o| o.name.as_str()), Some("Ada"));
    let health = client.health().await.expect("health");
    assert_eq!(health.ok, Some(true));
    // Only `getPet` of `pets`: no `stores` sub-client, no other `pets` method.
    let Missing = client.stores();
    let Missing = client.billing();
    let Missing = client.pets().list_pet_invoices();
    assert_eq!(
        components(picked::__schema_table::SCHEMAS),
        [
            "Pet",
            "Animal",
            "Cat",
            "Dog",
            "Parrot",
            "Owner",
            "Error",
            "RateLimited",
            "Health"
        ]
    );
}
