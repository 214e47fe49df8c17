//! The guide's doctests (`sdk-runtime/src/guide/`) generate their clients from
//! copies of `spec/` documents kept inside `sdk-runtime/guide/`, so they also
//! compile from the published package, where `spec/` does not exist. `spec/`
//! is the origin: edit a document there, then copy it over.

use std::fs;
use std::path::Path;

/// Every document in `sdk-runtime/guide/`, with its origin in `spec/`.
const COPIES: &[&str] = &[
    "api.yaml",
    "petstore.yaml",
    "streaming.yaml",
    "tag-selection.yaml",
];

#[test]
fn guide_documents_are_byte_identical_to_their_spec_origins() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let guide_dir = root.join("sdk-runtime/guide");
    let mut differing = Vec::new();
    for name in COPIES {
        let copy = fs::read(guide_dir.join(name))
            .unwrap_or_else(|e| panic!("sdk-runtime/guide/{name}: {e}"));
        let origin =
            fs::read(root.join("spec").join(name)).unwrap_or_else(|e| panic!("spec/{name}: {e}"));
        if copy != origin {
            differing.push(*name);
        }
    }
    assert!(
        differing.is_empty(),
        "sdk-runtime/guide/ differs from spec/ for {differing:?}: copy spec/<name> over it"
    );
}

#[test]
fn every_guide_document_is_listed() {
    let guide_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../sdk-runtime/guide");
    let mut present: Vec<String> = fs::read_dir(&guide_dir)
        .unwrap_or_else(|e| panic!("{}: {e}", guide_dir.display()))
        .map(|entry| {
            entry
                .expect("a directory entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    present.sort();
    let mut listed: Vec<String> = COPIES.iter().map(|s| s.to_string()).collect();
    listed.sort();
    assert_eq!(
        present, listed,
        "sdk-runtime/guide/ holds a document this test does not check"
    );
}
