//! Runs progenitor's generator on documents and reports the size of its output.
//!
//! `progenitor::generate_api!("doc")` calls `progenitor_impl::Generator::generate_tokens`
//! with default settings (positional interface, separate tags); this binary does the same, the
//! way progenitor's documented `build.rs` interface does, and counts lines exactly as
//! `expand_ours.rs` does (shared `count.rs`).
//!
//! Usage: `expand-progenitor DOC...`; one tab-separated row per document; a document the
//! generator rejects gets a `DOC\terror\tMESSAGE` row instead.

use std::path::Path;
use std::sync::Mutex;
use std::time::Instant;

#[path = "../../count.rs"]
mod count;

use count::{Lines, count_operations, print_row};

/// The message of the last panic, for the row of the document that caused it.
static LAST_PANIC: Mutex<String> = Mutex::new(String::new());

fn main() {
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = format!("{message}{place}");
        }
    }));
    let dump_dir = std::env::var_os("DUMP_DIR");
    for doc in std::env::args().skip(1) {
        let name = Path::new(&doc)
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        // The generator panics on some inputs; a panic is a rejection like an error.
        let result = std::panic::catch_unwind(|| one(&doc, dump_dir.as_deref().map(Path::new)));
        match result {
            Ok(Ok(())) => {}
            Ok(Err(e)) => println!("{name}\terror\t{}", one_line(&e.to_string())),
            Err(_) => {
                let message = LAST_PANIC.lock().map(|m| m.clone()).unwrap_or_default();
                println!("{name}\terror\tgenerator panicked: {}", one_line(&message));
            }
        }
    }
}

fn one(doc: &str, dump_dir: Option<&Path>) -> Result<(), Box<dyn std::error::Error>> {
    let text = std::fs::read_to_string(doc)?;
    let value: serde_json::Value = serde_json::from_str(&text)?;
    let spec: openapiv3::OpenAPI = serde_json::from_value(value.clone())?;
    let start = Instant::now();
    let output = progenitor_impl::Generator::default().generate_tokens(&spec)?;
    let pipeline = start.elapsed();
    let mut file: syn::File = syn::parse2(output)?;
    let mut lines = Lines::default();
    let mut whole = String::new();
    for item in std::mem::take(&mut file.items) {
        let in_types = matches!(&item, syn::Item::Mod(m) if m.ident == "types");
        let one = syn::File {
            items: vec![item],
            ..file.clone()
        };
        let pretty = prettyplease::unparse(&one);
        lines.add(&pretty, in_types);
        whole.push_str(&pretty);
    }
    let name = Path::new(doc)
        .file_name()
        .unwrap_or_default()
        .to_string_lossy();
    if let Some(dir) = dump_dir {
        std::fs::write(dir.join(format!("progenitor__{name}.rs")), whole)?;
    }
    print_row(&name, count_operations(&value), &lines, pipeline);
    Ok(())
}

fn one_line(message: &str) -> String {
    message
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(200)
        .collect()
}
