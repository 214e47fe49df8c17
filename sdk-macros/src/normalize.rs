//! Normalization: rewrites a parsed document, in place, into the OpenAPI 3.0 shapes that
//! `openapiv3` and the model read.
//!
//! Two kinds of input need it. OpenAPI 3.1 documents use JSON Schema 2020-12 forms that
//! `openapiv3` (3.0 only) rejects or drops: `type: [T, "null"]`, `const`, numeric
//! `exclusiveMinimum`, `prefixItems`. And documents from the wild break the rules: numbers
//! beyond `i64` in integer bounds, `type: "null"` in 3.0, string enums holding numbers or
//! `null`, keywords of the wrong JSON type. Each rewrite keeps the meaning a client needs
//! (the wire type and whether `null` is allowed) and drops only validation details, so one
//! odd node never stops a whole document from generating.

use serde_json::{Map, Value};

/// Keys whose values are data, not schemas: never rewritten.
const DATA_KEYS: &[&str] = &[
    "example",
    "examples",
    "default",
    "enum",
    "const",
    "x-examples",
];

/// Nesting beyond this is left as it is (the model degrades it to a free-form value).
const MAX_DEPTH: usize = 256;

/// Checks the version and rewrites the document; `Err((pointer, message))` when the
/// document is not OpenAPI 3.0, 3.1 or 3.2.
pub fn normalize(root: &mut Value) -> Result<(), (String, String)> {
    let Some(obj) = root.as_object_mut() else {
        return Err(("#".into(), "the document is not an object".into()));
    };
    check_version(obj)?;
    check_shape(obj)?;
    if let Some(info) = obj.get_mut("info").and_then(Value::as_object_mut) {
        for key in ["title", "version"] {
            if let Some(v) = info.get_mut(key) {
                stringify(v);
            }
        }
    }
    // The Paths Object may carry specification extensions beside its paths; they are
    // not path items.
    if let Some(paths) = obj.get_mut("paths").and_then(Value::as_object_mut) {
        paths.retain(|key, _| !key.starts_with("x-"));
    }
    walk(root, 0);
    Ok(())
}

// ===== internal =====

fn check_version(obj: &mut Map<String, Value>) -> Result<(), (String, String)> {
    if obj.contains_key("swagger") {
        return Err((
            "#/swagger".into(),
            "Swagger 2.0 documents are not supported; convert the document to OpenAPI 3 first"
                .into(),
        ));
    }
    let version = match obj.get("openapi") {
        Some(Value::String(s)) => s.trim().to_owned(),
        Some(Value::Number(n)) => n.to_string(),
        Some(_) => {
            return Err((
                "#/openapi".into(),
                "`openapi` must be a version string such as \"3.0.3\"".into(),
            ));
        }
        None => {
            return Err((
                "#".into(),
                "this is not an OpenAPI document: the `openapi` version field is missing".into(),
            ));
        }
    };
    // A bare major (`openapi: 3`, or the number `3` in JSON) is read as 3.0, as kin-openapi
    // reads it: 3.0 is the oldest dialect, and every later minor only adds to it. The
    // number `3.0` (unquoted in YAML) arrives as the float 3.0 and prints as "3.0".
    let version = if version == "3" {
        "3.0".to_owned()
    } else {
        version
    };
    // 3.2 keeps 3.1's schema dialect; what it adds either changes nothing for a
    // client or is read where it matters (`itemSchema` for streamed bodies).
    if ["3.0", "3.1", "3.2"].iter().any(|v| version.starts_with(v)) {
        // Stored back as a string: `openapiv3` reads the field as one.
        obj.insert("openapi".into(), Value::String(version));
        Ok(())
    } else {
        Err((
            "#/openapi".into(),
            format!("OpenAPI version {version} is not supported; 3.0.x, 3.1.x and 3.2.x are"),
        ))
    }
}

/// Walks the document to every schema position: `components/schemas` (and `$defs`)
/// entries and every `schema` member (parameters, media types, headers). Only schemas are
/// rewritten: a security scheme's `type: apiKey` must stay as it is.
/// Top-level members of the wrong JSON type: the model would skip them, and the user would
/// get a client silently missing every operation or type.
fn check_shape(obj: &Map<String, Value>) -> Result<(), (String, String)> {
    const OBJECTS: &[&str] = &["info", "paths", "components", "webhooks", "x-webhooks"];
    const LISTS: &[&str] = &["servers", "tags", "security"];
    const COMPONENTS: &[&str] = &[
        "schemas",
        "responses",
        "parameters",
        "examples",
        "requestBodies",
        "headers",
        "securitySchemes",
        "links",
        "callbacks",
        "pathItems",
    ];
    let wrong = |pointer: String, key: &str, expected: &str, found: &Value| {
        Err((
            pointer,
            format!("`{key}` must be {expected}, found {}", json_type(found)),
        ))
    };
    for key in OBJECTS {
        match obj.get(*key) {
            Some(v) if !v.is_object() => return wrong(format!("#/{key}"), key, "an object", v),
            _ => {}
        }
    }
    for key in LISTS {
        match obj.get(*key) {
            Some(v) if !v.is_array() => return wrong(format!("#/{key}"), key, "a list", v),
            _ => {}
        }
    }
    if let Some(components) = obj.get("components").and_then(Value::as_object) {
        for key in COMPONENTS {
            match components.get(*key) {
                Some(v) if !v.is_object() => {
                    return wrong(
                        format!("#/components/{key}"),
                        key,
                        "a map from names to definitions",
                        v,
                    );
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// `a number`, `a list`, ...: the JSON type of a value, for messages.
pub fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn walk(node: &mut Value, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match node {
        Value::Object(obj) => {
            for (key, child) in obj.iter_mut() {
                if DATA_KEYS.contains(&key.as_str()) || key.starts_with("x-") {
                    continue;
                }
                match key.as_str() {
                    // `itemSchema`: OpenAPI 3.2's schema of one item of a streamed body.
                    "schema" | "itemSchema" => walk_schema(child, depth + 1),
                    "schemas" | "$defs" | "definitions" => {
                        if let Value::Object(map) = child {
                            map.values_mut().for_each(|s| walk_schema(s, depth + 2));
                        }
                    }
                    _ => walk(child, depth + 1),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| walk(item, depth + 1)),
        _ => {}
    }
}

/// Rewrites one schema and the schemas nested in it.
fn walk_schema(node: &mut Value, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    let Value::Object(obj) = node else { return };
    fix_schema(obj);
    for (key, child) in obj.iter_mut() {
        match key.as_str() {
            "properties" | "patternProperties" | "$defs" | "definitions" => {
                if let Value::Object(map) = child {
                    map.values_mut().for_each(|s| walk_schema(s, depth + 1));
                }
            }
            "items" | "additionalProperties" | "not" | "contains" | "if" | "then" | "else" => {
                walk_schema(child, depth + 1);
            }
            "allOf" | "anyOf" | "oneOf" | "prefixItems" => {
                if let Value::Array(list) = child {
                    list.iter_mut().for_each(|s| walk_schema(s, depth + 1));
                }
            }
            _ => {}
        }
    }
}

fn fix_schema(obj: &mut Map<String, Value>) {
    fix_type(obj);
    if let Some(value) = obj.remove("const") {
        obj.entry("enum")
            .or_insert_with(|| Value::Array(vec![value]));
    }
    fix_enum(obj);
    fix_exclusive_bound(obj, "exclusiveMinimum", "minimum");
    fix_exclusive_bound(obj, "exclusiveMaximum", "maximum");
    if obj.get("type").and_then(Value::as_str) == Some("integer") {
        for key in ["minimum", "maximum", "multipleOf"] {
            if obj.get(key).is_some_and(|v| v.as_i64().is_none()) {
                obj.remove(key);
            }
        }
    }
    if obj.contains_key("prefixItems") && !obj.contains_key("items") {
        obj.insert("items".into(), Value::Object(Map::new()));
    }
    obj.remove("prefixItems");
    if obj.get("items").is_some_and(|v| !v.is_object()) {
        obj.insert("items".into(), Value::Object(Map::new()));
    }
    fix_boolean_schemas(obj);
    drop_if(obj, "required", |v| {
        !v.as_array().is_some_and(|a| a.iter().all(Value::is_string))
    });
    for key in [
        "nullable",
        "readOnly",
        "writeOnly",
        "deprecated",
        "uniqueItems",
    ] {
        drop_if(obj, key, |v| !v.is_boolean());
    }
    for key in ["format", "pattern"] {
        drop_if(obj, key, |v| !v.is_string());
    }
    for key in [
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
        "minProperties",
        "maxProperties",
    ] {
        drop_if(obj, key, |v| v.as_u64().is_none());
    }
    for key in ["minimum", "maximum", "multipleOf"] {
        drop_if(obj, key, |v| !v.is_number());
    }
    drop_if(obj, "additionalProperties", |v| {
        !(v.is_boolean() || v.is_object())
    });
    drop_if(obj, "properties", |v| !v.is_object());
    drop_if(obj, "discriminator", |v| {
        !v.get("propertyName").is_some_and(Value::is_string)
    });
    for key in ["title", "description"] {
        if let Some(v) = obj.get_mut(key) {
            stringify(v);
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        drop_if(obj, key, |v| !v.is_array());
    }
}

/// JSON Schema's boolean schemas (3.1): `true` accepts anything (`{}`), `false` nothing
/// (`{not: {}}`). `openapiv3` reads neither as a property or a member of a composition.
fn fix_boolean_schemas(obj: &mut Map<String, Value>) {
    let schema = |b: bool| {
        let mut map = Map::new();
        if !b {
            map.insert("not".into(), Value::Object(Map::new()));
        }
        Value::Object(map)
    };
    if let Some(Value::Object(props)) = obj.get_mut("properties") {
        for v in props.values_mut() {
            if let Value::Bool(b) = *v {
                *v = schema(b);
            }
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(Value::Array(parts)) = obj.get_mut(key) {
            for v in parts.iter_mut() {
                if let Value::Bool(b) = *v {
                    *v = schema(b);
                }
            }
        }
    }
}

/// `type: [T, "null"]` → `type: T, nullable: true`; several non-null types, an unknown
/// type, or `type: "null"` → no `type` (a free-form value).
fn fix_type(obj: &mut Map<String, Value>) {
    let Some(ty) = obj.get("type") else { return };
    let mut types: Vec<String> = match ty {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items
            .iter()
            .filter_map(|v| v.as_str().map(String::from))
            .collect(),
        _ => Vec::new(),
    };
    let had_null = types.iter().any(|t| t == "null");
    types.retain(|t| t != "null");
    if had_null {
        obj.insert("nullable".into(), Value::Bool(true));
    }
    const KNOWN: &[&str] = &["string", "number", "integer", "boolean", "object", "array"];
    match types.as_slice() {
        [one] if KNOWN.contains(&one.as_str()) => {
            obj.insert("type".into(), Value::String(one.clone()));
        }
        // "integer" with "number" is a number.
        [a, b] if (a == "integer" && b == "number") || (a == "number" && b == "integer") => {
            obj.insert("type".into(), Value::String("number".into()));
        }
        _ => {
            obj.remove("type");
        }
    }
}

/// Enum values of the wrong JSON type: `null` becomes `nullable`, numbers in a string
/// enum become strings; an enum that is still inconsistent is dropped.
fn fix_enum(obj: &mut Map<String, Value>) {
    let ty = obj.get("type").and_then(Value::as_str).map(String::from);
    let Some(Value::Array(values)) = obj.get_mut("enum") else {
        if obj.contains_key("enum") {
            obj.remove("enum");
        }
        return;
    };
    let had_null = values.iter().any(Value::is_null);
    values.retain(|v| !v.is_null());
    let consistent = match ty.as_deref() {
        Some("string") => {
            values.iter_mut().for_each(stringify);
            values.iter().all(Value::is_string)
        }
        Some("integer") => values.iter().all(|v| v.as_i64().is_some()),
        Some("number") => values.iter().all(Value::is_number),
        Some("boolean") => values.iter().all(Value::is_boolean),
        _ => true,
    };
    let empty = values.is_empty();
    if had_null {
        obj.insert("nullable".into(), Value::Bool(true));
    }
    if !consistent || empty {
        obj.remove("enum");
    }
}

/// 3.1's numeric `exclusiveMinimum: 5` is 3.0's `minimum: 5, exclusiveMinimum: true`.
fn fix_exclusive_bound(obj: &mut Map<String, Value>, exclusive: &str, bound: &str) {
    match obj.get(exclusive) {
        Some(Value::Number(n)) => {
            let n = n.clone();
            obj.insert(bound.into(), Value::Number(n));
            obj.insert(exclusive.into(), Value::Bool(true));
        }
        Some(Value::Bool(_)) | None => {}
        Some(_) => {
            obj.remove(exclusive);
        }
    }
}

fn drop_if(obj: &mut Map<String, Value>, key: &str, bad: impl Fn(&Value) -> bool) {
    if obj.get(key).is_some_and(bad) {
        obj.remove(key);
    }
}

fn stringify(v: &mut Value) {
    match v {
        Value::String(_) => {}
        Value::Number(n) => *v = Value::String(n.to_string()),
        Value::Bool(b) => *v = Value::String(b.to_string()),
        other => *other = Value::String(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn norm(mut doc: Value) -> Value {
        normalize(&mut doc).expect("normalizes");
        doc
    }

    #[test]
    fn nullable_type_arrays_and_const() {
        let doc = norm(json!({"openapi": "3.1.0", "components": {"schemas": {
            "A": {"type": ["string", "null"], "const": "x"},
            "B": {"type": "integer", "exclusiveMinimum": 0, "minimum": -9223372036854776000.0},
            "C": {"type": "null"},
        }}}));
        let s = &doc["components"]["schemas"];
        assert_eq!(
            s["A"],
            json!({"type": "string", "nullable": true, "enum": ["x"]})
        );
        assert_eq!(
            s["B"],
            json!({"type": "integer", "exclusiveMinimum": true, "minimum": 0})
        );
        assert_eq!(s["C"], json!({"nullable": true}));
    }

    #[test]
    fn versions() {
        assert!(normalize(&mut json!({"swagger": "2.0"})).is_err());
        assert!(normalize(&mut json!({"openapi": "4.0.0"})).is_err());
        assert!(normalize(&mut json!({"info": {}})).is_err());
        assert!(normalize(&mut json!([])).is_err());
        let doc = norm(json!({"openapi": "3.0.0", "info": {"title": "T", "version": 1.0}}));
        assert_eq!(doc["info"]["version"], json!("1.0"));
    }

    /// `openapi: 3` (bare major, string or number) and the number `3.0` read as 3.0.
    #[test]
    fn bare_major_versions_read_as_3_0() {
        for given in [json!(3), json!("3"), json!(3.0), json!("3.0")] {
            let doc = norm(json!({"openapi": given.clone()}));
            assert_eq!(doc["openapi"], json!("3.0"), "from {given}");
        }
        assert_eq!(norm(json!({"openapi": 3.1}))["openapi"], json!("3.1"));
        for wrong in [json!(2), json!("30"), json!(4.0)] {
            assert!(
                normalize(&mut json!({"openapi": wrong})).is_err(),
                "{wrong}"
            );
        }
    }

    #[test]
    fn examples_and_security_schemes_are_left_alone() {
        let doc = norm(json!({"openapi": "3.0.0", "components": {
            "schemas": {"X": {"type": "object", "example": {"type": ["a", "null"]}}},
            "securitySchemes": {"k": {"type": "apiKey", "in": "header", "name": "K"}},
        }}));
        assert_eq!(
            doc["components"]["schemas"]["X"]["example"],
            json!({"type": ["a", "null"]})
        );
        assert_eq!(
            doc["components"]["securitySchemes"]["k"]["type"],
            json!("apiKey")
        );
    }

    #[test]
    fn nested_schemas_are_reached() {
        let doc = norm(
            json!({"openapi": "3.1.0", "paths": {"/a": {"get": {"parameters": [
                {"name": "p", "in": "query", "schema": {"type": "object", "properties": {
                    "q": {"type": ["integer", "null"]},
                    "r": {"type": "array", "items": {"oneOf": [{"const": 1}]}}
                }}}
            ]}}}}),
        );
        let schema = &doc["paths"]["/a"]["get"]["parameters"][0]["schema"];
        assert_eq!(
            schema["properties"]["q"],
            json!({"type": "integer", "nullable": true})
        );
        assert_eq!(
            schema["properties"]["r"]["items"]["oneOf"][0],
            json!({"enum": [1]})
        );
    }
}
