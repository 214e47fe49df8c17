//! serde's derive: openapi-to-rust 0.23's types for the same reduced documents, and for
//! GitHub a twin of them with ours' field types (`String` where openapi-to-rust has
//! `url::Url` for `format: uri`), so that only the impls differ. Stripe's and DocuSign's
//! reduced documents have no `format: uri` property: there its types are ours' already.

#[allow(warnings, clippy::all)]
mod o2r {
    #[path = "github/generated/types.rs"]
    pub mod github;
    #[path = "stripe/generated/types.rs"]
    pub mod stripe;
    #[path = "docusign/generated/types.rs"]
    pub mod docusign;
}

#[allow(warnings, clippy::all)]
mod twin {
    #[path = "github/generated/types.rs"]
    pub mod github;
}

pub fn codecs() -> Vec<codec::Codec> {
    use codec::codec;
    vec![
        codec!("openapi-to-rust", "github", o2r::github::MinimalRepository, Vec<o2r::github::MinimalRepository>),
        codec!("derive twin", "github", twin::github::MinimalRepository, Vec<twin::github::MinimalRepository>),
        codec!("openapi-to-rust", "stripe", o2r::stripe::Charge, o2r::stripe::ChargeList),
        codec!("openapi-to-rust", "docusign", o2r::docusign::Envelope, o2r::docusign::Envelope),
    ]
}
