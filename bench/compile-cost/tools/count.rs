//! Counting shared by the expansion dumpers (`expand_ours.rs`, `expand-progenitor`): operations
//! in a document, and lines of pretty-printed generated code per top-level item.
//!
//! Both dumpers pretty-print each top-level item of the macro output on its own (their
//! `prettyplease` versions differ, so the text is what is shared), then sort the lines into
//! the `types` module (schemas; response enums) and everything else (the client: methods,
//! builders, per-operation descriptions). Doc comments are counted apart, since both
//! generators copy the document's descriptions into them.

use std::time::Duration;

/// HTTP methods that make a path item's key an operation.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Line counts of one generated client.
#[derive(Default)]
pub struct Lines {
    /// All non-blank lines.
    pub total: usize,
    /// Of those, `///` and `//!` doc-comment lines.
    pub doc: usize,
    /// Non-blank lines inside the top-level `mod types`.
    pub types: usize,
}

impl Lines {
    /// Adds the pretty-printed text of one top-level item.
    pub fn add(&mut self, text: &str, in_types: bool) {
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            self.total += 1;
            if line.starts_with("///") || line.starts_with("//!") {
                self.doc += 1;
            }
            if in_types {
                self.types += 1;
            }
        }
    }
}

/// Counts the operations (path × method pairs) of an OpenAPI document.
pub fn count_operations(doc: &serde_json::Value) -> usize {
    let Some(paths) = doc.get("paths").and_then(|p| p.as_object()) else {
        return 0;
    };
    paths
        .values()
        .filter_map(|item| item.as_object())
        .map(|item| {
            item.keys()
                .filter(|k| METHODS.contains(&k.as_str()))
                .count()
        })
        .sum()
}

/// Prints one tab-separated result row: the format run.sh reads.
pub fn print_row(doc: &str, ops: usize, lines: &Lines, pipeline: Duration) {
    println!(
        "{doc}\t{ops}\t{}\t{}\t{}\t{}\t{:.0}",
        lines.total,
        lines.doc,
        lines.types,
        lines.total - lines.types,
        pipeline.as_secs_f64() * 1e3
    );
}
