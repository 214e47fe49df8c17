//! Ours: `generate_client!` on the reduced documents (hand-written serde impls).

mod github {
    sdk_runtime::generate_client!("docs/github.json");
}
mod stripe {
    sdk_runtime::generate_client!("docs/stripe.json");
}
mod docusign {
    sdk_runtime::generate_client!("docs/docusign.json");
}

pub fn codecs() -> Vec<codec::Codec> {
    use codec::codec;
    vec![
        codec!("ours", "github", github::types::MinimalRepository, Vec<github::types::MinimalRepository>),
        codec!("ours", "stripe", stripe::types::Charge, stripe::types::ChargeList),
        codec!("ours", "docusign", docusign::types::Envelope, docusign::types::Envelope),
    ]
}
