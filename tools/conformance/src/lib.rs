//! Conformance harness: do the types `generate_client!` emits accept data no one here wrote?
//!
//! `tools/conformance/run.sh FOLDER` builds, for every OpenAPI document in FOLDER, a scratch
//! binary that expands `generate_client!("<document>", schema_table)` and calls [`main`]
//! with the table the macro emitted (`__schema_table::SCHEMAS`: JSON pointer, Rust type,
//! round-trip function). The binary is run twice:
//!
//! - `BIN list` prints the table's pointers as JSON, for the instance generator
//!   (`gen/generate.mjs`, json-schema-faker);
//! - `BIN check INSTANCES.json SUMMARY.tsv [FAILURES_DIR]` checks every generated instance
//!   and prints what failed.
//!
//! For each instance the check is: the instance is valid against the schema (else the
//! generator erred and the instance is set aside, counted as `gen-invalid`); it decodes
//! into the generated type; it encodes back; the encoded JSON is still valid against the
//! schema. Validation uses the `jsonschema` crate, which shares nothing with the macro.
//! Instances that hold a value outside a string enum are invalid on purpose: they must
//! decode (into the enum's `Unknown` fallback) and the value must survive re-encoding.
//!
//! A schema passes when at least one instance was checked and none failed; a schema for
//! which no instance could be made is reported as skipped, with the reason.

mod check;
mod report;

use std::process::ExitCode;

use serde_json::Value;

pub use check::{Cause, SchemaResult};

/// Decodes a JSON value into a generated type and encodes it back; errors start with
/// `decode:` or `encode:`.
pub type RoundTrip = fn(&Value) -> Result<Value, String>;

/// One row of the macro's schema table: JSON pointer, Rust type, round trip.
pub type Entry = (&'static str, &'static str, RoundTrip);

/// Entry point of a scratch binary: dispatches on the command line (see the crate docs).
pub fn main(document: &str, table: &[Entry]) -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("list") => {
            let list: Vec<Value> = table
                .iter()
                .map(|(pointer, ty, _)| serde_json::json!({ "pointer": pointer, "type": ty }))
                .collect();
            println!("{}", Value::Array(list));
            ExitCode::SUCCESS
        }
        Some("check") if args.len() >= 3 => {
            let failures_dir = args.get(3).map(std::path::PathBuf::from);
            match run_check(document, table, &args[1], &args[2], failures_dir.as_deref()) {
                Ok(true) => ExitCode::SUCCESS,
                Ok(false) => ExitCode::from(1),
                Err(msg) => {
                    eprintln!("{document}: {msg}");
                    ExitCode::from(2)
                }
            }
        }
        _ => {
            eprintln!("usage: {document} list | check INSTANCES.json SUMMARY.tsv [FAILURES_DIR]");
            ExitCode::from(2)
        }
    }
}

// ===== internal =====

fn run_check(
    document: &str,
    table: &[Entry],
    instances_path: &str,
    summary_path: &str,
    failures_dir: Option<&std::path::Path>,
) -> Result<bool, String> {
    let text = std::fs::read_to_string(instances_path)
        .map_err(|e| format!("reading {instances_path}: {e}"))?;
    let input: Value =
        serde_json::from_str(&text).map_err(|e| format!("parsing {instances_path}: {e}"))?;
    let results = check::check_all(table, &input)?;
    let faults = input
        .get("faults")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let mut summary = report::Summary::of(&results);
    summary.faults = faults.len();
    report::print_faults(document, faults);
    report::print_details(document, &results, failures_dir);
    std::fs::write(summary_path, summary.tsv_row(document))
        .map_err(|e| format!("writing {summary_path}: {e}"))?;
    Ok(summary.failed == 0)
}
