//! Unit tests of the builder: environment precedence and first-error reporting.

use super::*;
use crate::contract::{SchemeKind, SecurityScheme};

static API: ApiDescription = ApiDescription {
    title: "Pets",
    version: "1.0",
    env_prefix: "PETS",
    default_base_url: Some("https://pets.example/v1/"),
    security_schemes: &[SecurityScheme {
        name: "key",
        kind: SchemeKind::Bearer,
    }],
    default_security: &[&[0]],
    idempotency_header: None,
    request_id_header: None,
    sensitive_query_params: &[],
    webhook_signature: crate::contract::WebhookSignature::Standard,
};

fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
    |name| {
        vars.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| (*v).to_owned())
    }
}

#[test]
fn env_key_prefers_prefixed_variable() {
    let client = Client::builder(&API)
        .read_env(env(&[
            ("PETS_API_KEY", "a"),
            ("API_KEY", "b"),
            ("SDK_DEBUG", "true"),
        ]))
        .build()
        .unwrap();
    assert!(client.inner.debug);
    assert_eq!(client.base_url(), "https://pets.example/v1");
    let err = Client::builder(&API)
        .read_env(env(&[]))
        .build()
        .unwrap_err();
    assert!(err.is_config());
    assert!(
        err.to_string().contains("`PETS_API_KEY` or `API_KEY`"),
        "{err}"
    );
}

#[test]
fn explicit_values_beat_the_environment() {
    let client = Client::builder(&API)
        .base_url("http://127.0.0.1:1")
        .debug(false)
        .read_env(env(&[
            ("PETS_BASE_URL", "http://other"),
            ("PETS_DEBUG", "1"),
        ]))
        .api_key("k")
        .build()
        .unwrap();
    assert_eq!(client.base_url(), "http://127.0.0.1:1");
    assert!(!client.inner.debug);
}

#[test]
fn first_error_is_reported() {
    let err = Client::builder(&API)
        .request_id_header("bad header")
        .default_header("x", "\n")
        .build();
    assert!(err.unwrap_err().to_string().contains("`bad header`"));
    let err = Client::builder(&API)
        .base_url("ftp://x")
        .build()
        .unwrap_err();
    assert!(err.is_config());
}
