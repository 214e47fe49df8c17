//! Checks the instances of every schema against its generated type.

use std::collections::HashMap;

use jsonschema::{Draft, Registry, Validator};
use serde_json::Value;

use crate::Entry;

/// The base URI the converted document is registered under; never fetched.
const BASE: &str = "https://conformance.invalid/document.json";

/// The value `gen/generate.mjs` puts in place of string enums for `unknown-enum` instances.
const UNKNOWN_ENUM: &str = "sdkconf_unknown_enum_value";

/// Why an instance failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Cause {
    /// A valid instance does not deserialize into the generated type.
    Decode,
    /// The decoded value does not serialize.
    Encode,
    /// The re-encoded JSON violates the schema.
    InvalidOutput,
    /// A value outside a string enum is rejected instead of kept as `Unknown`.
    UnknownRejected,
    /// A value outside a string enum decodes but is lost on re-encoding.
    UnknownLost,
}

impl Cause {
    /// Every cause, in report order.
    pub const ALL: [Cause; 5] = [
        Cause::Decode,
        Cause::Encode,
        Cause::InvalidOutput,
        Cause::UnknownRejected,
        Cause::UnknownLost,
    ];

    /// The column name in reports.
    pub fn label(self) -> &'static str {
        match self {
            Cause::Decode => "decode",
            Cause::Encode => "encode",
            Cause::InvalidOutput => "invalid-out",
            Cause::UnknownRejected => "enum-reject",
            Cause::UnknownLost => "enum-lost",
        }
    }
}

/// The first failing instance of a schema, kept to reproduce it.
#[derive(Debug)]
pub struct Failure {
    /// Which check failed.
    pub cause: Cause,
    /// The instance kind (`random`, `nulls`, `int-max`, ...).
    pub kind: String,
    /// What went wrong.
    pub message: String,
    /// The instance.
    pub instance: Value,
    /// The re-encoded JSON, when decoding succeeded.
    pub output: Option<Value>,
}

/// What happened to one schema.
#[derive(Debug)]
pub struct SchemaResult {
    /// JSON pointer of the schema.
    pub pointer: String,
    /// The generated Rust type.
    pub ty: String,
    /// Instances decoded and checked.
    pub checked: usize,
    /// Instances the generator produced that the schema rejects (set aside).
    pub gen_invalid: usize,
    /// Why the first of them was rejected.
    pub first_invalid: Option<String>,
    /// Failures by cause.
    pub failures: HashMap<Cause, usize>,
    /// The first failure.
    pub first_failure: Option<Failure>,
    /// Why nothing was checked, when nothing was.
    pub skipped: Option<String>,
}

impl SchemaResult {
    /// At least one instance checked and no failure.
    pub fn passed(&self) -> bool {
        self.checked > 0 && self.failures.is_empty()
    }
}

/// Checks every table entry against the generator's output.
pub fn check_all(table: &[Entry], input: &Value) -> Result<Vec<SchemaResult>, String> {
    let draft = match input.get("dialect").and_then(Value::as_str) {
        Some("draft2020-12") => Draft::Draft202012,
        _ => Draft::Draft4,
    };
    let root = input.get("root").ok_or("instances file has no `root`")?;
    let registry = Registry::new()
        .draft(draft)
        .add(BASE, root)
        .and_then(|b| b.prepare())
        .map_err(|e| format!("registering the converted document: {e}"))?;
    let generated: HashMap<&str, &Value> = input
        .get("schemas")
        .and_then(Value::as_array)
        .ok_or("instances file has no `schemas`")?
        .iter()
        .filter_map(|s| Some((s.get("pointer")?.as_str()?, s)))
        .collect();
    // The generator adds spare instances; `count` valid ones are enough.
    let count = input
        .get("count")
        .and_then(Value::as_u64)
        .map_or(usize::MAX, |n| usize::try_from(n).unwrap_or(usize::MAX));
    let results = table
        .iter()
        .map(|(pointer, ty, round_trip)| {
            let mut result = SchemaResult {
                pointer: (*pointer).to_owned(),
                ty: (*ty).to_owned(),
                checked: 0,
                gen_invalid: 0,
                first_invalid: None,
                failures: HashMap::new(),
                first_failure: None,
                skipped: None,
            };
            match generated.get(pointer) {
                Some(entry) => {
                    check_schema(&mut result, entry, *round_trip, count, (draft, &registry))
                }
                None => result.skipped = Some("the generator was not asked for it".into()),
            }
            result
        })
        .collect();
    Ok(results)
}

// ===== internal =====

fn check_schema(
    result: &mut SchemaResult,
    entry: &Value,
    round_trip: crate::RoundTrip,
    count: usize,
    (draft, registry): (Draft, &Registry<'_>),
) {
    let instances = entry
        .get("instances")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let errors: Vec<&str> = entry
        .get("errors")
        .and_then(Value::as_array)
        .map(|e| e.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if instances.is_empty() {
        let reason = errors.first().copied().unwrap_or("no instances");
        result.skipped = Some(format!("generator: {reason}"));
        return;
    }
    let reference = serde_json::json!({ "$ref": format!("{BASE}#{}", fragment(&result.pointer)) });
    let validator = match jsonschema::options()
        .with_draft(draft)
        .with_registry(registry)
        .should_validate_formats(true)
        // Draft 4 knows neither; the generated types parse both.
        .with_format("uuid", is_uuid)
        .with_format("date", is_date)
        .build(&reference)
    {
        Ok(v) => v,
        Err(e) => {
            result.skipped = Some(format!("validator cannot compile the schema: {e}"));
            return;
        }
    };
    for instance in instances {
        if result.checked >= count {
            break;
        }
        let kind = instance
            .get("kind")
            .and_then(Value::as_str)
            .unwrap_or("random");
        let value = instance.get("value").unwrap_or(&Value::Null);
        let outcome = if kind == "unknown-enum" && count_unknown(value) > 0 {
            check_unknown(value, round_trip)
        } else {
            if let Some(error) = first_error(&validator, value) {
                result.gen_invalid += 1;
                result
                    .first_invalid
                    .get_or_insert_with(|| format!("{kind}: {error}"));
                continue;
            }
            check_valid(value, round_trip, &validator)
        };
        result.checked += 1;
        if let Err((cause, message, output)) = outcome {
            *result.failures.entry(cause).or_default() += 1;
            result.first_failure.get_or_insert_with(|| Failure {
                cause,
                kind: kind.to_owned(),
                message,
                instance: value.clone(),
                output,
            });
        }
    }
    if result.checked == 0 {
        let why = result.first_invalid.clone().unwrap_or_default();
        result.skipped = Some(format!("generator: no instance the schema accepts ({why})"));
    }
}

type Outcome = Result<(), (Cause, String, Option<Value>)>;

/// A valid instance must decode, encode, and still be valid.
fn check_valid(value: &Value, round_trip: crate::RoundTrip, validator: &Validator) -> Outcome {
    let output = round_trip(value).map_err(|e| {
        let cause = if e.starts_with("encode:") {
            Cause::Encode
        } else {
            Cause::Decode
        };
        (cause, e, None)
    })?;
    match first_error(validator, &output) {
        Some(error) => Err((Cause::InvalidOutput, error, Some(output))),
        None => Ok(()),
    }
}

/// An instance holding values outside string enums must decode and keep every such value.
fn check_unknown(value: &Value, round_trip: crate::RoundTrip) -> Outcome {
    let output = round_trip(value).map_err(|e| (Cause::UnknownRejected, e, None))?;
    let (before, after) = (count_unknown(value), count_unknown(&output));
    if after < before {
        let msg = format!("{before} values outside the enum went in, {after} came out");
        return Err((Cause::UnknownLost, msg, Some(output)));
    }
    Ok(())
}

fn first_error(validator: &Validator, value: &Value) -> Option<String> {
    validator.iter_errors(value).next().map(|e| {
        let at = e.instance_path().to_string();
        let at = if at.is_empty() { "/".to_owned() } else { at };
        format!("at {at}: {e}")
    })
}

fn count_unknown(value: &Value) -> usize {
    match value {
        Value::String(s) => usize::from(s == UNKNOWN_ENUM),
        Value::Array(items) => items.iter().map(count_unknown).sum(),
        Value::Object(map) => map.values().map(count_unknown).sum(),
        _ => 0,
    }
}

/// `format: uuid`: 8-4-4-4-12 hexadecimal digits (RFC 4122 text form).
fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// `format: date`: RFC 3339 `full-date`, a real calendar day.
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| {
        s.get(r)
            .filter(|t| t.bytes().all(|c| c.is_ascii_digit()))?
            .parse::<u32>()
            .ok()
    };
    let (Some(year), Some(month), Some(day)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// A JSON pointer as a URI fragment: characters a fragment cannot hold are percent-encoded.
fn fragment(pointer: &str) -> String {
    let mut out = String::with_capacity(pointer.len());
    for b in pointer.trim_start_matches('#').bytes() {
        let keep = b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/?".contains(&b);
        if keep {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments_keep_pointer_syntax_and_encode_the_rest() {
        assert_eq!(
            fragment("#/paths/~1pets~1{id}/get"),
            "/paths/~1pets~1%7Bid%7D/get"
        );
        assert_eq!(
            fragment("#/components/schemas/a b"),
            "/components/schemas/a%20b"
        );
    }

    #[test]
    fn formats_the_types_rely_on() {
        assert!(is_uuid("0b5dccfa-4eca-5642-aed3-000000000000"));
        assert!(!is_uuid("0b5dccfa-4eca-5642-aed3-"));
        assert!(is_date("2024-02-29"));
        assert!(!is_date("2023-02-29"));
        assert!(!is_date("2024-2-29"));
    }

    #[test]
    fn unknown_values_are_counted_anywhere() {
        let v = serde_json::json!({"a": [UNKNOWN_ENUM, {"b": UNKNOWN_ENUM}], "c": "x"});
        assert_eq!(count_unknown(&v), 2);
    }
}
