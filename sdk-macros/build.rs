//! Marks a build from the repository (`cfg(workspace_fixtures)`), which compiles the unit
//! tests that read files outside this crate: the workspace's documents (`../spec/`) and the
//! runtime's sources.
//!
//! Why a build script: the published package leaves this file out (`exclude` in
//! Cargo.toml, with the test files themselves), and cargo then builds the package without
//! one. So `cargo test` from the package compiles only the tests whose fixtures it ships,
//! while in the repository those tests always run: they are never skipped at run time.
fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rustc-cfg=workspace_fixtures");
}
