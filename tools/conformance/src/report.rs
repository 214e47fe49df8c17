//! Per-document report: failures and skipped schemas, and a summary row for `run.sh`.

use std::fmt::Write as _;
use std::path::Path;

use crate::check::{Cause, SchemaResult};

/// Counts over one document.
#[derive(Debug, Default)]
pub struct Summary {
    /// Schemas in the table.
    pub schemas: usize,
    /// Schemas with at least one instance checked.
    pub checked: usize,
    /// Instances checked.
    pub instances: usize,
    /// Fewest instances checked for one schema (among checked schemas).
    pub min_instances: usize,
    /// Generator instances the schema rejects.
    pub gen_invalid: usize,
    /// Failed instances by cause, in [`Cause::ALL`] order.
    pub by_cause: [usize; Cause::ALL.len()],
    /// Schemas that passed.
    pub passed: usize,
    /// Schemas with a failure.
    pub failed: usize,
    /// Schemas without instances.
    pub skipped: usize,
    /// Document faults the generator worked around (see `gen/generate.mjs`).
    pub faults: usize,
}

impl Summary {
    /// Adds up the results of one document.
    pub fn of(results: &[SchemaResult]) -> Summary {
        let mut s = Summary {
            schemas: results.len(),
            min_instances: usize::MAX,
            ..Summary::default()
        };
        for r in results {
            s.instances += r.checked;
            s.gen_invalid += r.gen_invalid;
            if r.checked > 0 {
                s.checked += 1;
                s.min_instances = s.min_instances.min(r.checked);
            }
            for (i, cause) in Cause::ALL.iter().enumerate() {
                s.by_cause[i] += r.failures.get(cause).copied().unwrap_or(0);
            }
            if r.skipped.is_some() {
                s.skipped += 1;
            } else if r.passed() {
                s.passed += 1;
            } else {
                s.failed += 1;
            }
        }
        if s.checked == 0 {
            s.min_instances = 0;
        }
        s
    }

    /// `document schemas checked instances min gen-invalid <causes...> faults passed failed skipped`.
    pub fn tsv_row(&self, document: &str) -> String {
        let mut row = format!(
            "{document}\t{}\t{}\t{}\t{}\t{}",
            self.schemas, self.checked, self.instances, self.min_instances, self.gen_invalid
        );
        for n in self.by_cause {
            let _ = write!(row, "\t{n}");
        }
        let _ = writeln!(
            row,
            "\t{}\t{}\t{}\t{}",
            self.faults, self.passed, self.failed, self.skipped
        );
        row
    }
}

/// Prints the document faults the generator reports: schema nodes that do not say what
/// the document means, read the way the macro reads them.
pub fn print_faults(document: &str, faults: &[serde_json::Value]) {
    for fault in faults {
        let at = fault
            .get("pointer")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("?");
        let what = fault
            .get("fault")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("?");
        println!("{document}: DOCUMENT FAULT {at}: {what}");
    }
}

/// Prints one line per failed or skipped schema; writes each first failure to
/// `failures_dir/<n>.json` to reproduce it.
pub fn print_details(document: &str, results: &[SchemaResult], failures_dir: Option<&Path>) {
    if let Some(dir) = failures_dir {
        let _ = std::fs::create_dir_all(dir);
    }
    for (n, r) in results.iter().enumerate() {
        if let Some(reason) = &r.skipped {
            println!("{document}: SKIP {} ({}): {reason}", r.pointer, r.ty);
            continue;
        }
        if let (Some(why), true) = (&r.first_invalid, verbose()) {
            println!(
                "{document}: NOTE {}: {} generated instances rejected by the schema; first: {}",
                r.pointer,
                r.gen_invalid,
                one_line(why, 300)
            );
        }
        let Some(failure) = &r.first_failure else {
            continue;
        };
        let mut causes: Vec<_> = r.failures.iter().collect();
        causes.sort();
        let counts: Vec<String> = causes
            .iter()
            .map(|(c, n)| format!("{} x{n}", c.label()))
            .collect();
        let mut line = format!(
            "{document}: FAIL {} ({}): {} of {} instances [{}]; first ({}): {}",
            r.pointer,
            r.ty,
            r.failures.values().sum::<usize>(),
            r.checked,
            counts.join(", "),
            failure.kind,
            one_line(&failure.message, 300),
        );
        if let Some(dir) = failures_dir {
            let path = dir.join(format!("{n}.json"));
            let record = serde_json::json!({
                "document": document,
                "pointer": r.pointer,
                "type": r.ty,
                "cause": failure.cause.label(),
                "kind": failure.kind,
                "message": failure.message,
                "instance": failure.instance,
                "output": failure.output,
            });
            let written = serde_json::to_string_pretty(&record)
                .is_ok_and(|text| std::fs::write(&path, text).is_ok());
            if written {
                let _ = write!(line, " [{}]", path.display());
            }
        }
        println!("{line}");
    }
}

/// `CONFORMANCE_VERBOSE=1` also lists generated instances the schema rejected.
fn verbose() -> bool {
    std::env::var_os("CONFORMANCE_VERBOSE").is_some_and(|v| v != "0")
}

fn one_line(text: &str, max: usize) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if flat.chars().count() <= max {
        flat
    } else {
        let cut: String = flat.chars().take(max).collect();
        format!("{cut}...")
    }
}
