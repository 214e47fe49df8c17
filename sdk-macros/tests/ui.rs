//! Compile-fail tests: hostile and malformed documents must give a compile error that names
//! the document and the JSON pointer of the offending node (or the line and column, for
//! documents that do not parse), never a panic and never a hang.
//!
//! Each `ui/*.rs` calls `sdk_macros::generate_client!` on one document of `ui/specs/`;
//! its `.stderr` is the expected output. Documents too big to commit (50 MB, 1,000 levels
//! deep) are written here first, into `CARGO_TARGET_TMPDIR`, which the cases reach as
//! `../../../tmp/...` from trybuild's manifest directory (`target/tests/trybuild/sdk-macros`).
//!
//! The cases call the macro crate directly, without `sdk-runtime` (which would make trybuild
//! build reqwest again). When the model reports an error, the macro still emits the rest of
//! the client beside it, so those cases also show one `cannot find sdk_runtime` error: users
//! never see it, as they call the macro through `sdk_runtime`.
//!
//! Documents that are odd but must compile live in `spec/hostile/` and are type-checked by
//! `scripts/check-docs.sh spec/hostile`.
//!
//! Update the expected output with `TRYBUILD=overwrite cargo test -p sdk-macros --test ui`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[test]
fn ui() {
    write_generated_documents();
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}

/// Where generated documents go; the cases name them relative to trybuild's project.
fn generated_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("sdk-macros-hostile")
}

const HEAD: &str = r#""openapi": "3.0.3", "info": {"title": "Hostile", "version": "1"}"#;

fn write_generated_documents() {
    let dir = generated_dir();
    std::fs::create_dir_all(&dir).expect("create the directory for generated documents");
    write(&dir.join("huge-50mb.json"), &huge(50 * 1024 * 1024));
    write(&dir.join("deep-1000.json"), &deep_inline(1000));
    write(&dir.join("deep-1000.yaml"), &deep_inline(1000));
    write(&dir.join("ref-chain-1000.json"), &ref_chain(1000));
    // Over the 64 MiB cap: the macro must refuse it from its size alone. A sparse file, so
    // the test neither writes nor the macro reads 65 MiB.
    let over = std::fs::File::create(dir.join("over-64mib.json")).expect("create over-64mib.json");
    over.set_len(65 * 1024 * 1024)
        .expect("size over-64mib.json");
}

fn write(path: &Path, text: &str) {
    // Skip the write when an earlier run left the same document.
    if std::fs::read(path).is_ok_and(|old| old == text.as_bytes()) {
        return;
    }
    std::fs::write(path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

/// A valid 50 MB document: one operation, 50 MB of an `x-` extension, and a dangling
/// `$ref` at its very end, so the expected error proves the whole document was read.
fn huge(size: usize) -> String {
    let mut doc = format!(r#"{{{HEAD}, "x-padding": ["#);
    let chunk = r#""0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef","#;
    while doc.len() < size {
        doc.push_str(chunk);
    }
    doc.push_str(r##""end"], "paths": {"/pets": {"get": {"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Missing"}}}}}}}}}"##);
    doc
}

/// A schema nested `levels` objects deep, inline (JSON, hence also YAML flow style).
fn deep_inline(levels: usize) -> String {
    let mut schema = String::from(r#"{"type": "string"}"#);
    for _ in 0..levels {
        schema = format!(r#"{{"type": "object", "properties": {{"next": {schema}}}}}"#);
    }
    format!(r#"{{{HEAD}, "paths": {{}}, "components": {{"schemas": {{"Deep": {schema}}}}}}}"#)
}

/// `levels` component schemas, each holding the next by `$ref`; the last `$ref` dangles.
fn ref_chain(levels: usize) -> String {
    let mut schemas = String::new();
    for i in 0..levels {
        if i > 0 {
            schemas.push_str(", ");
        }
        let _ = write!(
            schemas,
            r##""S{i}": {{"type": "object", "properties": {{"next": {{"$ref": "#/components/schemas/S{}"}}}}}}"##,
            i + 1
        );
    }
    format!(r#"{{{HEAD}, "paths": {{}}, "components": {{"schemas": {{{schemas}}}}}}}"#)
}
