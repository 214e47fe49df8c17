//! The TLS setup of the HTTP client: rustls, the platform's certificate
//! verifier, and a crypto provider chosen by cargo feature.
//!
//! reqwest's own rustls setup uses aws-lc-rs, whose C build takes about a
//! minute on two cores, more than the rest of a new user's first build of a
//! mid-sized client. This crate turns that off (`rustls-no-provider`) and
//! hands reqwest a finished rustls configuration on `ring` instead (feature
//! `ring`, the default), or on aws-lc-rs (feature `aws-lc-rs`, for its FIPS
//! mode or its speed on very busy connections). The configuration is passed
//! explicitly rather than installed as the process-wide default provider, so
//! an application that installs its own default is not surprised.

use std::sync::Arc;

use rustls::crypto::CryptoProvider;
use rustls_platform_verifier::BuilderVerifierExt;

#[cfg(not(any(feature = "ring", feature = "aws-lc-rs")))]
compile_error!(
    "sdk-runtime needs a TLS crypto provider: enable its feature `ring` (the default) or `aws-lc-rs`"
);

/// A `reqwest::ClientBuilder` with this crate's TLS setup and nothing else.
///
/// Start here to pass a client of your own (proxies, local addresses, extra
/// root certificates through `rustls`) to
/// [`ClientBuilder::http_client`](crate::ClientBuilder::http_client).
/// `reqwest::Client::new()` would need a crypto provider of reqwest's own
/// (its default `rustls` feature, which builds aws-lc-rs) or one installed
/// process-wide; this builder needs neither.
///
/// reqwest's TLS settings (`tls_certs_merge`, `tls_version_min`, ...) have no
/// effect on a builder from here: the rustls configuration is already made.
///
/// # Example
///
/// ```
/// let http = sdk_runtime::http_client_builder()
///     .pool_max_idle_per_host(4)
///     .build()
///     .expect("a client");
/// # drop(http);
/// ```
pub fn http_client_builder() -> reqwest::ClientBuilder {
    let builder = reqwest::Client::builder();
    match rustls_config() {
        Ok(config) => builder.tls_backend_preconfigured(config),
        // Not `Option<rustls::ClientConfig>`, so reqwest reports an unknown TLS
        // backend from `build()`: an error, where a missing provider would panic.
        Err(_) => builder.tls_backend_preconfigured(()),
    }
}

/// The rustls configuration of every client this crate builds.
pub(crate) fn rustls_config() -> Result<rustls::ClientConfig, rustls::Error> {
    let mut config = rustls::ClientConfig::builder_with_provider(crypto_provider())
        .with_safe_default_protocol_versions()?
        .with_platform_verifier()?
        .with_no_client_auth();
    // reqwest offers HTTP/2 only when ALPN says so; a preconfigured setup
    // must say it itself.
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

#[cfg(feature = "aws-lc-rs")]
fn crypto_provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

#[cfg(all(feature = "ring", not(feature = "aws-lc-rs")))]
// rustls 0.23.48 deprecates the ring provider because it has no post-quantum
// key exchange. ring stays the default for its build time; `aws-lc-rs` is the
// feature that adds X25519MLKEM768 (README, TLS).
#[allow(deprecated)]
fn crypto_provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_configuration_offers_http2_then_http1() {
        let config = rustls_config().expect("a TLS configuration");
        assert_eq!(
            config.alpn_protocols,
            [b"h2".to_vec(), b"http/1.1".to_vec()]
        );
    }

    #[test]
    fn a_client_builds_without_a_process_wide_provider() {
        assert!(CryptoProvider::get_default().is_none());
        http_client_builder().build().expect("a client");
    }
}
