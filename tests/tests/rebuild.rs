//! Editing the OpenAPI document must regenerate the client on the next build, with no other
//! change: the macro emits `include_bytes!` of the document so cargo tracks it.
//!
//! A scratch crate is checked three times: (1) document v1, code using v1: compiles;
//! (2) code calling an operation that only v2 has: fails; (3) the document alone is edited
//! to v2, nothing else touched: compiles again, so the edit was noticed.

use std::path::{Path, PathBuf};
use std::process::Command;

const SPEC_V1: &str = r#"
openapi: 3.0.3
info: { title: Rebuild, version: "1" }
paths:
  /a:
    get:
      operationId: getA
      responses: { "200": { description: ok } }
"#;

const SPEC_V2_EXTRA: &str = r#"
  /b:
    get:
      operationId: getB
      responses: { "200": { description: ok } }
"#;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .expect("workspace root")
}

fn check(dir: &Path) -> (bool, String) {
    let output = Command::new(env!("CARGO"))
        .args(["check", "--quiet", "--offline"])
        .current_dir(dir)
        // A target directory of its own: the outer `cargo test` holds the workspace's lock.
        .env(
            "CARGO_TARGET_DIR",
            workspace().join("target/rebuild-check/target"),
        )
        .env_remove("CARGO_MAKEFLAGS")
        .output()
        .expect("cargo runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn editing_the_document_regenerates_the_client() {
    let dir = workspace().join("target/rebuild-check/crate");
    std::fs::create_dir_all(dir.join("src")).expect("scratch dir");
    let runtime = workspace().join("sdk-runtime");
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"rebuild-check\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n\
             [dependencies]\nsdk-runtime = {{ path = {:?} }}\n\n[workspace]\n",
            runtime.display().to_string()
        ),
    )
    .expect("manifest");
    // Copy the workspace's lock file so the scratch crate resolves the same versions offline.
    std::fs::copy(workspace().join("Cargo.lock"), dir.join("Cargo.lock")).expect("lock file");
    std::fs::write(dir.join("spec.yaml"), SPEC_V1).expect("spec v1");
    let lib = |call: &str| {
        format!(
            "mod api {{ sdk_runtime::generate_client!(\"spec.yaml\"); }}\n\
             pub fn use_it(c: &api::Client) {{ let _ = c.{call}(); }}\n"
        )
    };
    std::fs::write(dir.join("src/lib.rs"), lib("get_a")).expect("lib v1");
    let (ok, log) = check(&dir);
    assert!(ok, "v1 compiles:\n{log}");

    std::fs::write(dir.join("src/lib.rs"), lib("get_b")).expect("lib v2");
    let (ok, log) = check(&dir);
    assert!(!ok, "get_b does not exist in v1");
    assert!(log.contains("get_b"), "{log}");

    std::fs::write(dir.join("spec.yaml"), format!("{SPEC_V1}{SPEC_V2_EXTRA}")).expect("spec v2");
    let (ok, log) = check(&dir);
    assert!(
        ok,
        "editing only the document regenerated the client:\n{log}"
    );
}
