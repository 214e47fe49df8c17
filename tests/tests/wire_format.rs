//! What the generated `Serialize`/`Deserialize` impls put on and accept from the wire:
//! required and optional fields, `null`, unknown keys, additional properties, string enums
//! with unknown values, and untagged unions (`spec/wire-format.yaml`).

use serde_json::{Value, json};

mod api {
    sdk_runtime::generate_client!("../spec/wire-format.yaml");
}

use api::types::{IdOrCount, Labels, LooseLabels, Order, Settings, SettingsOrAnything, Status};

fn decode<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, serde_json::Error> {
    // Through text, as the runtime decodes responses.
    serde_json::from_str(&value.to_string())
}

#[test]
fn required_optional_and_nullable_fields_round_trip() {
    let order: Order = decode(json!({
        "id": "o_1", "amount": 250, "note": null, "status": "open",
        "tags": ["a"], "payload": {"k": [1, 2]}
    }))
    .unwrap();
    assert_eq!(order.id, "o_1");
    assert_eq!(order.amount, 250);
    assert_eq!(order.note, None);
    assert_eq!(order.status, Some(Status::Open));
    assert_eq!(order.tags.as_deref(), Some(&["a".to_owned()][..]));
    assert_eq!(order.payload, json!({"k": [1, 2]}));
    // `note` is required but nullable: written as `null`; absent optionals are left out.
    let minimal: Order = decode(json!({"id": "o_2", "amount": 1, "note": null})).unwrap();
    assert_eq!(
        serde_json::to_value(&minimal).unwrap(),
        json!({"id": "o_2", "amount": 1, "note": null, "payload": null})
    );
    assert_eq!(
        decode::<Order>(serde_json::to_value(&order).unwrap()).unwrap(),
        order
    );
}

#[test]
fn a_missing_required_field_is_named_in_the_error() {
    let err = decode::<Order>(json!({"id": "o_1", "note": null})).unwrap_err();
    assert!(err.to_string().contains("missing field `amount`"), "{err}");
    // A nullable required field may be absent: it reads as `None`.
    let order: Order = decode(json!({"id": "o_1", "amount": 5})).unwrap();
    assert_eq!(order.note, None);
    let err = decode::<Order>(json!({"id": 7, "amount": 5})).unwrap_err();
    assert!(err.to_string().contains("invalid type"), "{err}");
    let err = decode::<Order>(json!(["o_1", 5])).unwrap_err();
    assert!(err.to_string().contains("struct Order"), "{err}");
}

#[test]
fn unknown_keys_are_skipped_and_keys_may_come_in_any_order() {
    let order: Order = decode(json!({
        "zzz": {"nested": [1, {"x": null}]}, "amount": 3, "note": "n", "id": "o_3", "status": "closed"
    }))
    .unwrap();
    assert_eq!((order.id.as_str(), order.amount), ("o_3", 3));
    assert_eq!(order.note.as_deref(), Some("n"));
    assert_eq!(order.status, Some(Status::Closed));
}

#[test]
fn all_optional_structs_default_and_skip_absent_fields() {
    let settings: Settings = decode(json!({})).unwrap();
    assert_eq!(settings, Settings::default());
    assert_eq!(serde_json::to_value(&settings).unwrap(), json!({}));
    let settings: Settings = decode(json!({"volume": 7, "theme": null})).unwrap();
    assert_eq!(settings.volume, Some(7));
    assert_eq!(
        serde_json::to_value(&settings).unwrap(),
        json!({"volume": 7})
    );
}

#[test]
fn additional_properties_are_collected_and_written_back() {
    let labels: Labels = decode(json!({"name": "n", "a": 1, "b": 2})).unwrap();
    assert_eq!(labels.name, "n");
    assert_eq!(labels.additional_properties.len(), 2);
    assert_eq!(labels.additional_properties["b"], 2);
    assert_eq!(
        serde_json::to_value(&labels).unwrap(),
        json!({"name": "n", "a": 1, "b": 2})
    );
    // Additional values must have the declared type.
    assert!(decode::<Labels>(json!({"name": "n", "a": "one"})).is_err());
    let loose: LooseLabels = decode(json!({"x": "y"})).unwrap();
    assert_eq!(loose.name, None);
    assert_eq!(loose.additional_properties["x"], "y");
}

#[test]
fn string_enums_keep_unknown_values() {
    assert_eq!(decode::<Status>(json!("closed")).unwrap(), Status::Closed);
    let new = decode::<Status>(json!("archived")).unwrap();
    assert_eq!(new, Status::Unknown("archived".to_owned()));
    assert_eq!(new.as_str(), "archived");
    assert_eq!(serde_json::to_value(&new).unwrap(), json!("archived"));
    assert_eq!(Status::from(""), decode::<Status>(json!("")).unwrap());
    assert_eq!(Status::from(""), Status::Value);
    assert!(decode::<Status>(json!(3)).is_err());
}

#[test]
fn untagged_unions_try_variants_in_order() {
    assert_eq!(
        decode::<IdOrCount>(json!(3)).unwrap(),
        IdOrCount::Integer(3)
    );
    assert!(matches!(decode::<IdOrCount>(json!("x")).unwrap(), IdOrCount::String(s) if s == "x"));
    // Nothing fits: kept, not rejected.
    let other = decode::<IdOrCount>(json!([1])).unwrap();
    assert_eq!(serde_json::to_value(&other).unwrap(), json!([1]));
    // A free-form variant takes whatever the structured one rejects.
    let order = json!({"id": "o", "amount": 1, "note": null});
    assert!(matches!(
        decode::<SettingsOrAnything>(order).unwrap(),
        SettingsOrAnything::Order(_)
    ));
    let loose = decode::<SettingsOrAnything>(json!({"id": 1})).unwrap();
    assert_eq!(serde_json::to_value(&loose).unwrap(), json!({"id": 1}));
    assert!(matches!(loose, SettingsOrAnything::Variant1(_)));
}

#[test]
fn debug_shows_the_type_and_its_json_and_equality_compares_it() {
    let settings = Settings {
        theme: Some("dark".to_owned()),
        volume: None,
    };
    assert_eq!(format!("{settings:?}"), r#"Settings {"theme":"dark"}"#);
    assert!(format!("{settings:#?}").contains("\n  \"theme\": \"dark\"\n"));
    assert_ne!(settings, Settings::default());
    assert_eq!(settings.clone(), settings);
}
