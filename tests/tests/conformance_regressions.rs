//! Regressions found by the typed-model conformance harness (`tools/conformance/run.sh`):
//! data valid against a real document's schema that its generated type rejected, or that
//! did not survive the way back to JSON. Each schema of `spec/conformance/regressions.yaml`
//! reproduces one finding; these tests decode the failing data through the same schema
//! table the harness uses (`generate_client!(…, schema_table)`) and through the typed API.

use serde_json::{Value, json};

mod api {
    sdk_runtime::generate_client!("../spec/conformance/regressions.yaml", schema_table);
}

use api::types;

/// Decodes `value` into the type generated for the schema at `pointer` and encodes it back.
fn round_trip(pointer: &str, value: Value) -> Result<Value, String> {
    let (_, _, round_trip) = api::__schema_table::SCHEMAS
        .iter()
        .find(|(p, _, _)| *p == pointer)
        .unwrap_or_else(|| panic!("{pointer} is in the schema table"));
    round_trip(&value)
}

fn schema(name: &str) -> String {
    format!("#/components/schemas/{name}")
}

#[test]
fn the_table_lists_every_component_and_body_schema() {
    let pointers: Vec<&str> = api::__schema_table::SCHEMAS
        .iter()
        .map(|(p, _, _)| *p)
        .collect();
    for name in [
        "Image",
        "Currency",
        "Money",
        "PaymentMethod",
        "ResponseMetadata",
        "Page",
        "Attachment",
        "PaymentExtras",
    ] {
        assert!(
            pointers.contains(&schema(name).as_str()),
            "{name} missing from {pointers:?}"
        );
    }
    let body = "#/paths/~1images/get/responses/200/content/application~1json/schema";
    let (_, ty, _) = api::__schema_table::SCHEMAS
        .iter()
        .find(|(p, _, _)| *p == body)
        .expect("response body");
    assert_eq!(*ty, "Vec<Image>");
}

#[test]
fn a_required_nullable_key_is_written_as_null() {
    let image = json!({"url": "https://img", "width": null});
    assert_eq!(round_trip(&schema("Image"), image.clone()), Ok(image));
    let typed = types::Image {
        url: "u".into(),
        width: None,
    };
    assert_eq!(
        serde_json::to_value(&typed).expect("encodes"),
        json!({"url": "u", "width": null})
    );
    // Still read leniently when a server leaves the key out.
    let image: types::Image = serde_json::from_value(json!({"url": "u"})).expect("decodes");
    assert_eq!(image.width, None);
}

#[test]
fn a_nullable_enum_behind_a_ref_accepts_null() {
    assert_eq!(
        round_trip(&schema("Currency"), Value::Null),
        Ok(Value::Null)
    );
    let money = json!({"amount": 1.5, "currency": null});
    assert_eq!(round_trip(&schema("Money"), money.clone()), Ok(money));
    let money: types::Money =
        serde_json::from_value(json!({"amount": 2.0, "currency": "EUR"})).expect("decodes");
    assert_eq!(money.currency, Some(types::Currency::Eur));
}

#[test]
fn enum_values_pick_the_member_without_a_discriminator() {
    let doku = json!({"type": "doku_ovo", "firstName": "Ann"});
    assert_eq!(
        round_trip(&schema("PaymentMethod"), doku.clone()),
        Ok(doku.clone())
    );
    let method: types::PaymentMethod = serde_json::from_value(doku).expect("decodes");
    assert!(
        matches!(method, types::PaymentMethod::DokuDetails(_)),
        "{method:?}"
    );
    let card: types::PaymentMethod =
        serde_json::from_value(json!({"type": "scheme"})).expect("decodes");
    assert!(
        matches!(card, types::PaymentMethod::CardDetails(_)),
        "{card:?}"
    );
    // A payment method this client does not know yet is kept whole.
    let new = json!({"type": "paynow", "handle": "x"});
    assert_eq!(round_trip(&schema("PaymentMethod"), new.clone()), Ok(new));
}

#[test]
fn the_member_that_requires_most_is_tried_first() {
    let both = json!({"next_cursor": "c2", "warnings": ["method_deprecated"]});
    assert_eq!(
        round_trip(&schema("ResponseMetadata"), both.clone()),
        Ok(both)
    );
    let paging = json!({"next_cursor": "c2"});
    assert_eq!(
        round_trip(&schema("ResponseMetadata"), paging.clone()),
        Ok(paging)
    );
}

#[test]
fn a_required_name_without_a_property_is_kept() {
    let page = json!({"items": [{"id": 1}], "total": 1});
    assert_eq!(round_trip(&schema("Page"), page.clone()), Ok(page));
}

#[test]
fn binary_text_is_written_back_as_a_string() {
    let attachment = json!({"file": "file content", "name": "a.txt"});
    assert_eq!(
        round_trip(&schema("Attachment"), attachment.clone()),
        Ok(attachment)
    );
}

#[test]
fn a_map_beside_a_union_keeps_every_property() {
    let extras = json!({"lodging.room": "12", "airline.code": "LH", "riskdata.score": "3"});
    assert_eq!(
        round_trip(&schema("PaymentExtras"), extras.clone()),
        Ok(extras)
    );
    let typed: types::PaymentExtras = serde_json::from_value(json!({"a": "b"})).expect("decodes");
    assert_eq!(typed.get("a").map(String::as_str), Some("b"));
}

#[test]
fn wrong_data_is_still_rejected() {
    let err = round_trip(&schema("Image"), json!({"width": 3})).expect_err("`url` is required");
    assert!(err.starts_with("decode:"), "{err}");
    let err = round_trip(&schema("Money"), json!({"amount": "one"})).expect_err("not a number");
    assert!(err.contains("decode"), "{err}");
}
