//! Third-party conformance: generated clients for public documents against Prism.
//!
//! [Prism](https://github.com/stainless-api/prism) (`@stainless-api/prism-cli` 5.16.1, pinned
//! in `tools/prism/package-lock.json`) serves a document as a mock API: it validates every
//! request against the document and answers from the document's examples or schemas. Each
//! document below gets a generated client and a hand-written set of list, get and create
//! calls with valid arguments, run against Prism in five modes ([`run::MODES`]: examples,
//! schema-built answers, and random data from three fixed seeds). A run fails on
//!
//! - any request Prism flags (`sl-violations` with a `request` location): our encoding of
//!   paths, queries, headers, bodies or credentials disagrees with the document;
//! - any answer that does not decode into the generated types, or any error status;
//!
//! unless the document itself is at fault, which each module lists in its `KNOWN` table with
//! the reason; those still appear in the printed report (`--nocapture`). Violations in Prism's
//! own answers (the document's examples breaking its schemas) are reported, never hidden.
//!
//! This is an integration test rather than a script so that `cargo test --workspace` runs it:
//! Prism must be installed (`npm ci --prefix tools/prism`); when it is not, every test here
//! fails and says so instead of skipping. Each document's client lives in the module that
//! calls it, and only mid-sized documents are used, to keep the debug build of this test
//! reasonable.

// A test crate root resolves `mod x;` next to itself; the modules live in `conformance/`.
#[path = "conformance/ebay.rs"]
mod ebay;
#[path = "conformance/mux.rs"]
mod mux;
#[path = "conformance/petstore.rs"]
mod petstore;
#[path = "conformance/prism.rs"]
mod prism;
#[path = "conformance/run.rs"]
mod run;
#[path = "conformance/spotify.rs"]
mod spotify;
#[path = "conformance/trello.rs"]
mod trello;

/// Boxed error of a test body.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A token Prism accepts for every security scheme it checks (it checks presence only).
pub const TOKEN: &str = "conformance-token";
