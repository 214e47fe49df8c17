//! Runs `generate_client!`'s pipeline outside the compiler and reports the size of its output.
//!
//! `run.sh` builds this file into a binary whose other modules are symbolic links to
//! `sdk-macros/src/*` (a proc-macro crate exports nothing but its macros, so its pipeline
//! cannot be linked any other way). The pipeline is pure `proc_macro2`, so it runs here exactly
//! as in the compiler, minus the hand-over of tokens to rustc.
//!
//! Usage: `expand-ours DOC...`; one tab-separated row per document (see `count::print_row`);
//! with `DUMP_DIR` set, also writes each pretty-printed expansion there.

use std::path::Path;
use std::time::Instant;

use crate::count::{Lines, count_operations, print_row};

pub fn main() {
    let dump_dir = std::env::var_os("DUMP_DIR");
    for doc in std::env::args().skip(1) {
        if let Err(e) = one(&doc, dump_dir.as_deref().map(Path::new)) {
            eprintln!("{doc}: {e}");
            std::process::exit(1);
        }
    }
}

fn one(doc: &str, dump_dir: Option<&Path>) -> Result<(), Box<dyn std::error::Error>> {
    let text = std::fs::read_to_string(doc)?;
    let value: serde_json::Value = if doc.ends_with(".json") {
        serde_json::from_str(&text)?
    } else {
        serde_yaml::from_str(&text)?
    };
    let tokens = quote::quote!(#doc);
    let start = Instant::now();
    let output = crate::expand::generate(tokens, None)?;
    let pipeline = start.elapsed();
    let mut file: syn::File = syn::parse2(output)?;
    let mut lines = Lines::default();
    let mut whole = String::new();
    for item in std::mem::take(&mut file.items) {
        let in_types = matches!(&item, syn::Item::Mod(m) if m.ident == "types");
        let one = syn::File {
            shebang: None,
            frontmatter: None,
            attrs: Vec::new(),
            items: vec![item],
        };
        let pretty = prettyplease::unparse(&one);
        lines.add(&pretty, in_types);
        whole.push_str(&pretty);
    }
    if let Some(dir) = dump_dir {
        let name = Path::new(doc)
            .file_name()
            .unwrap_or_default()
            .to_string_lossy();
        std::fs::write(dir.join(format!("ours__{name}.rs")), whole)?;
    }
    let name = Path::new(doc)
        .file_name()
        .unwrap_or_default()
        .to_string_lossy();
    print_row(&name, count_operations(&value), &lines, pipeline);
    Ok(())
}
