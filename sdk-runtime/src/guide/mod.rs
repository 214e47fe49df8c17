//! The user guide: one chapter per module, in reading order.
//!
//! Each chapter's text lives in a Markdown file beside this one (so it reads
//! on GitHub as well as here), and every Rust snippet in it is a doctest that
//! `cargo test --workspace` compiles. The snippets generate their clients from
//! the documents in this crate's `guide/` folder, copies of the repository's
//! `spec/` documents (`tests/tests/guide_documents.rs` keeps them identical).
//!
//! | chapter | what it covers |
//! |---|---|
//! | [`mapping`] | adding the crate, what `generate_client!` expands to, how OpenAPI maps to Rust |
//! | [`options`] | the macro's options: `crate`, `tags`, `operations`, `schema_table` |
//! | [`client`] | configuration, keys from the environment, per-call options, responses, errors, interceptors |
//! | [`reliability`] | retries, idempotency keys, timeouts, the retry budget, rate limits, hostile input |
//! | [`pagination`] | pages and items as lazy streams, and the response cache |
//! | [`batch`] | batch endpoints with automatic chunking |
//! | [`webhooks`] | verify, then decode |
//! | [`streaming`] | server-sent events, JSON Lines, downloads and uploads |
//! | [`testing`] | the typed mock server of every generated client |
//! | [`debugging`] | request IDs, debug mode, redaction |
//! | [`demo`] | the guided tour against an embedded example server |
//! | [`wild`] | documents from the wild: what the generator degrades, and how |
//! | [`big_apis`] | keeping a large client out of your edit–compile loop, or generating part of it |

pub mod mapping {
    #![doc = include_str!("mapping.md")]
}

pub mod options {
    #![doc = include_str!("options.md")]
}

pub mod client {
    #![doc = include_str!("client.md")]
}

pub mod reliability {
    #![doc = include_str!("reliability.md")]
}

pub mod pagination {
    #![doc = include_str!("pagination.md")]
}

pub mod batch {
    #![doc = include_str!("batch.md")]
}

pub mod webhooks {
    #![doc = include_str!("webhooks.md")]
}

pub mod streaming {
    #![doc = include_str!("streaming.md")]
}

pub mod testing {
    #![doc = include_str!("testing.md")]
}

pub mod debugging {
    #![doc = include_str!("debugging.md")]
}

pub mod demo {
    #![doc = include_str!("demo.md")]
}

pub mod wild {
    #![doc = include_str!("wild.md")]
}

pub mod big_apis {
    #![doc = include_str!("big_apis.md")]
}
