//! Loading: find the document, read it, parse JSON or YAML into a `serde_json::Value`, and
//! check the OpenAPI version.
//!
//! The document is kept as a `Value` (not parsed into `openapiv3` types at once) so that
//! one malformed node cannot sink the whole document: the model parses node by node and
//! degrades what it cannot read, and `$ref`s may point anywhere in the document.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use proc_macro2::Span;
use serde_json::Value;

use crate::{normalize, pointer, yaml};

/// A loaded, normalized document.
pub struct Document {
    /// The root of the document, normalized to the OpenAPI 3.0 shapes the model reads.
    pub root: Value,
    /// Absolute path of the file, for `include_bytes!` (rebuild on change).
    pub abs_path: PathBuf,
    /// The path as the user wrote it, for messages.
    pub display: String,
    /// What a `tags = [...]` selection left in the document for the model to leave out.
    pub omitted: Omitted,
}

/// What a `tags = [...]` selection (`select`) could not remove from the document but the
/// model must leave out, and what it needs to name the rest as the whole client names it.
/// Empty without a selection.
#[derive(Default)]
pub struct Omitted {
    /// Operations, by canonical pointer (`pointer::canonical`), left in the document only
    /// because a `$ref` of what is generated points into them: nothing is generated for them.
    pub operations: HashSet<String>,
    /// Every key of `components/schemas` in document order, removed ones included, when the
    /// selection removed some: their names stay reserved, so no kept schema takes one.
    pub schema_keys: Vec<String>,
    /// The tags of the whole document that name sub-clients, in the model's order
    /// (`model::group_tags`): every one takes its name, so no kept sub-client takes another's.
    pub tags: Vec<String>,
}

impl Omitted {
    /// Whether the operation at `ptr` (as the model spells it) is left out.
    pub fn is_operation(&self, ptr: &str) -> bool {
        !self.operations.is_empty() && self.operations.contains(&pointer::canonical(ptr))
    }
}

/// The largest document read; beyond it the macro would only burn the user's build time.
const MAX_DOCUMENT_BYTES: u64 = 64 * 1024 * 1024;

/// Finds, reads and parses the document at `path`.
pub fn load(path: &str, call_site_file: Option<PathBuf>, span: Span) -> syn::Result<Document> {
    let err = |msg: String| syn::Error::new(span, format!("{path}: {msg}"));
    let abs_path = find(path, call_site_file).map_err(err)?;
    let size = std::fs::metadata(&abs_path)
        .map_err(|e| err(format!("cannot read {}: {e}", abs_path.display())))?
        .len();
    if size > MAX_DOCUMENT_BYTES {
        let mib = |bytes: u64| bytes.div_ceil(1024 * 1024);
        return Err(err(format!(
            "the document is {} MiB; documents over {} MiB are not read",
            mib(size),
            mib(MAX_DOCUMENT_BYTES)
        )));
    }
    let bytes = std::fs::read(&abs_path)
        .map_err(|e| err(format!("cannot read {}: {e}", abs_path.display())))?;
    let mut root = parse(&abs_path, &bytes).map_err(err)?;
    normalize::normalize(&mut root).map_err(|(pointer, msg)| err(format!("{pointer}: {msg}")))?;
    Ok(Document {
        root,
        abs_path,
        display: path.to_owned(),
        omitted: Omitted::default(),
    })
}

// ===== internal =====

/// Resolves `path` against the manifest directory, then the calling file's directory, then
/// the workspace root (so a workspace-level `spec/` folder serves every member crate).
fn find(path: &str, call_site_file: Option<PathBuf>) -> Result<PathBuf, String> {
    let given = Path::new(path);
    let mut tried = Vec::new();
    let mut candidates = Vec::new();
    if given.is_absolute() {
        candidates.push(given.to_path_buf());
    } else {
        let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from);
        if let Some(dir) = &manifest_dir {
            candidates.push(dir.join(given));
        }
        if let Some(dir) = call_site_file.as_deref().and_then(Path::parent) {
            candidates.push(dir.join(given));
        }
        if let Some(root) = manifest_dir.as_deref().and_then(workspace_root) {
            candidates.push(root.join(given));
        }
    }
    for candidate in candidates {
        if candidate.is_file() {
            return candidate
                .canonicalize()
                .map_err(|e| format!("cannot resolve {}: {e}", candidate.display()));
        }
        tried.push(candidate.display().to_string());
    }
    if tried.is_empty() {
        return Err("file not found (CARGO_MANIFEST_DIR is not set)".into());
    }
    Err(format!("file not found; tried {}", tried.join(", ")))
}

/// The nearest directory above the crate at `manifest_dir` whose `Cargo.toml` declares a
/// `[workspace]`, if any.
fn workspace_root(manifest_dir: &Path) -> Option<&Path> {
    manifest_dir.ancestors().skip(1).find(|dir| {
        std::fs::read_to_string(dir.join("Cargo.toml"))
            .is_ok_and(|manifest| manifest.lines().any(|l| l.trim() == "[workspace]"))
    })
}

/// Parses JSON or YAML, chosen by extension, else by the first character.
fn parse(path: &Path, bytes: &[u8]) -> Result<Value, String> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace()).copied();
    let json = match ext {
        "json" => true,
        "yaml" | "yml" => false,
        _ => first == Some(b'{'),
    };
    if first.is_none() {
        return Err("the document is empty".into());
    }
    if json {
        serde_json::from_slice(bytes).map_err(|e| {
            let (line, column) = (e.line(), e.column());
            let position = format!(" at line {line} column {column}");
            let text = e.to_string();
            let text = text.strip_suffix(&position).unwrap_or(&text);
            format!("invalid JSON at line {line} column {column}: {text}")
        })
    } else {
        let text = std::str::from_utf8(bytes)
            .map_err(|e| format!("the document is not UTF-8 text: {e}"))?;
        let yaml::Json(mut value) = serde_yaml::from_str(text).map_err(|e| match e.location() {
            Some(loc) => {
                let (line, column) = (loc.line(), loc.column());
                let position = format!(" at line {line} column {column}");
                let text = e.to_string().replacen(&position, "", 1);
                format!("invalid YAML at line {line} column {column}: {text}")
            }
            None => format!("invalid YAML: {e}"),
        })?;
        yaml::apply_merge_keys(&mut value, 0);
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_quirks() {
        let v = parse(
            Path::new("a.yaml"),
            b"info:\n  version: 1.0\nresponses:\n  200: {}\nmin: -9223372036854776000\nbase: &b {x: 1}\nm:\n  <<: *b\n  y: 2\n",
        )
        .expect("parses");
        assert_eq!(v["info"]["version"], serde_json::json!(1.0));
        assert!(v["responses"].get("200").is_some());
        assert!(v["min"].as_f64().is_some_and(|f| f < -9.2e18));
        assert_eq!(v["m"]["x"], serde_json::json!(1));
    }

    /// A key repeated in one mapping takes its last value, in YAML as in JSON.
    #[test]
    fn repeated_keys_take_the_last_value() {
        let yaml = b"paths:\n  /a: {get: 1}\n  /b: {get: 2}\n  /a: {post: 3}\n";
        let v = parse(Path::new("a.yaml"), yaml).expect("parses");
        assert_eq!(v["paths"]["/a"], serde_json::json!({"post": 3}));
        let keys: Vec<&String> = v["paths"].as_object().expect("a map").keys().collect();
        assert_eq!(keys, ["/a", "/b"]);
        let json = br#"{"a": 1, "a": 2}"#;
        let v = parse(Path::new("a.json"), json).expect("parses");
        assert_eq!(v["a"], serde_json::json!(2));
    }

    /// Runs the whole macro on the document at `path` on a thread with the compiler's
    /// 8 MiB stack (test threads get 2 MiB); panics when the macro panics.
    fn generate_like_rustc(path: &Path) {
        let path = path.to_string_lossy().into_owned();
        let run = move || {
            let _ = crate::expand::generate(quote::quote!(#path), None);
        };
        let thread = std::thread::Builder::new().stack_size(8 << 20).spawn(run);
        thread
            .expect("spawn")
            .join()
            .expect("the macro does not panic");
    }

    /// The inputs the fuzzer (`fuzz/`) once crashed or hung on, and the hostile documents
    /// of the compile-fail suite, through the whole macro: each must give a client or an
    /// error, never a panic. Reads `../spec/hostile`, `fuzz/` and `tests/`: compiled in the
    /// repository only (see build.rs).
    #[cfg(workspace_fixtures)]
    #[test]
    fn hostile_inputs_never_panic() {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut count = 0;
        for dir in ["fuzz/regressions", "tests/ui/specs", "../spec/hostile"] {
            let entries = std::fs::read_dir(manifest.join(dir)).expect("the directory exists");
            for entry in entries {
                generate_like_rustc(&entry.expect("a directory entry").path());
                count += 1;
            }
        }
        assert!(count > 30, "only {count} documents found");
    }

    /// Thousands of components each referring to the next once overflowed the stack
    /// (conversion recursed once per `$ref`) and took quadratic time (cycle detection).
    #[test]
    fn long_ref_chains_do_not_overflow() {
        let dir = std::env::temp_dir().join(format!("sdk-macros-chains-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create a scratch directory");
        let shapes = [
            ("alias", r##"{"$ref": "#/components/schemas/S{next}"}"##),
            (
                "field",
                r##"{"type": "object", "properties": {"next": {"$ref": "#/components/schemas/S{next}"}}}"##,
            ),
            (
                "array",
                r##"{"type": "array", "items": {"$ref": "#/components/schemas/S{next}"}}"##,
            ),
        ];
        for (name, shape) in shapes {
            let schemas: Vec<String> = (0..5000)
                .map(|i| {
                    format!(
                        r#""S{i}": {}"#,
                        shape.replace("{next}", &(i + 1).to_string())
                    )
                })
                .collect();
            let doc = format!(
                r#"{{"openapi": "3.0.3", "info": {{"title": "T", "version": "1"}}, "paths": {{}},
                "components": {{"schemas": {{{}, "S5000": {{"type": "string"}}}}}}}}"#,
                schemas.join(", ")
            );
            let path = dir.join(format!("{name}.json"));
            std::fs::write(&path, doc).expect("write the document");
            generate_like_rustc(&path);
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn parse_errors_have_positions() {
        let e = parse(Path::new("a.json"), b"{\n  \"a\": ,\n}").unwrap_err();
        assert!(e.contains("line 2"), "{e}");
        let e = parse(Path::new("a.yaml"), b"a: [1,\n").unwrap_err();
        assert!(e.contains("line"), "{e}");
        assert!(parse(Path::new("a.yaml"), b"  \n").is_err());
    }
}
