//! Webhook verification, signing, replay protection and typed decoding.
//!
//! This file holds the shared fixtures and the verification/signing tests; the replay guard and typed
//! decoding live in `webhooks/` (plain modules, not separate test binaries).

#[path = "webhooks/decode.rs"]
mod decode;
#[path = "webhooks/replay.rs"]
mod replay;

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{HeaderMap, HeaderValue};
use sdk_runtime::webhooks::{
    self, ReplayGuard, STRIPE_SIGNATURE, StandardWebhooks, StripeWebhooks, Verifier, WEBHOOK_ID,
    WEBHOOK_SIGNATURE, WEBHOOK_TIMESTAMP, WebhookError, WebhookErrorKind,
};
use serde::Deserialize;

// The Standard Webhooks reference vector.
const SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
const SECRET_B64: &str = "C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
const MSG_ID: &str = "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk";
const TS: i64 = 1_649_367_553;
const BODY: &[u8] = br#"{"email":"test@example.com","username":"test_user"}"#;
const EXPECTED: &str = "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=";

const OTHER_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const STRIPE_SECRET: &str = "whsec_stripe_test_0123456789";

fn at(seconds: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(u64::try_from(seconds).expect("positive test time"))
}

fn standard() -> StandardWebhooks {
    StandardWebhooks::new(SECRET).expect("valid secret")
}

fn stripe() -> StripeWebhooks {
    StripeWebhooks::new(STRIPE_SECRET).expect("valid secret")
}

fn vector_headers() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(WEBHOOK_ID, HeaderValue::from_static(MSG_ID));
    headers.insert(WEBHOOK_TIMESTAMP, HeaderValue::from(TS));
    headers.insert(WEBHOOK_SIGNATURE, HeaderValue::from_static(EXPECTED));
    headers
}

fn kind<T: std::fmt::Debug>(result: Result<T, WebhookError>) -> WebhookErrorKind {
    result.expect_err("expected a webhook error").kind()
}

// ===== the reference vector and round trips =====

#[test]
fn standard_vector_signs_and_verifies() {
    let webhooks = standard();
    assert_eq!(webhooks.sign(MSG_ID, TS, BODY), EXPECTED);
    let headers = vector_headers();
    let verified = webhooks
        .verify_at(&headers, BODY, at(TS))
        .expect("vector verifies");
    assert_eq!(verified.id(), Some(MSG_ID));
    assert_eq!(verified.timestamp(), TS);
    // The bare base64 form of the same secret is the same key.
    let bare = StandardWebhooks::new(SECRET_B64).expect("valid secret");
    assert!(bare.verify_at(&vector_headers(), BODY, at(TS)).is_ok());
}

#[test]
fn standard_round_trip_through_signed_headers() {
    let webhooks = StandardWebhooks::new(OTHER_SECRET).expect("valid secret");
    let body = b"{ \"odd\" :  [1, 2],\n \"spacing\": true }";
    let headers = webhooks
        .signed_headers("msg_round_trip", 1_700_000_000, body)
        .expect("headers");
    assert_eq!(
        headers.get(WEBHOOK_ID).and_then(|v| v.to_str().ok()),
        Some("msg_round_trip")
    );
    assert_eq!(
        headers.get(WEBHOOK_TIMESTAMP).and_then(|v| v.to_str().ok()),
        Some("1700000000")
    );
    let verified = webhooks
        .verify_at(&headers, body, at(1_700_000_100))
        .expect("round trip");
    assert_eq!(verified.id(), Some("msg_round_trip"));
}

#[test]
fn stripe_round_trip_through_signed_headers() {
    let webhooks = stripe();
    let body = br#"{"id":"evt_1","type":"invoice.paid"}"#;
    let headers = webhooks
        .signed_headers(1_700_000_000, body)
        .expect("headers");
    let value = headers
        .get(STRIPE_SIGNATURE)
        .and_then(|v| v.to_str().ok())
        .expect("header");
    assert!(value.starts_with("t=1700000000,v1="), "{value}");
    assert_eq!(value.len(), "t=1700000000,v1=".len() + 64);
    let verified = webhooks
        .verify_at(&headers, body, at(1_700_000_000))
        .expect("round trip");
    assert_eq!((verified.id(), verified.timestamp()), (None, 1_700_000_000));
}

#[test]
fn stripe_secret_is_raw_bytes_not_base64() {
    // A `whsec_` secret that happens to be valid base64 must still be used as written.
    let raw = StripeWebhooks::new(SECRET).expect("valid secret");
    let headers = raw.signed_headers(TS, BODY).expect("headers");
    let hex = headers[STRIPE_SIGNATURE]
        .to_str()
        .expect("ascii")
        .split("v1=")
        .nth(1)
        .expect("v1");
    let standard_b64 = standard().sign(MSG_ID, TS, BODY);
    assert_ne!(hex.len(), 0);
    assert!(!standard_b64.contains(hex));
    assert!(raw.verify_at(&headers, BODY, at(TS)).is_ok());
}

// ===== rejections =====

#[test]
fn tampered_body_is_rejected() {
    let tampered = br#"{"email":"evil@example.com","username":"test_user"}"#;
    assert_eq!(
        kind(standard().verify_at(&vector_headers(), tampered, at(TS))),
        WebhookErrorKind::NoMatchingSignature
    );
    // One extra byte of whitespace is a different message too: the raw bytes are what is signed.
    let mut spaced = BODY.to_vec();
    spaced.push(b' ');
    assert_eq!(
        kind(standard().verify_at(&vector_headers(), &spaced, at(TS))),
        WebhookErrorKind::NoMatchingSignature
    );

    let headers = stripe().signed_headers(TS, BODY).expect("headers");
    assert_eq!(
        kind(stripe().verify_at(&headers, tampered, at(TS))),
        WebhookErrorKind::NoMatchingSignature
    );
}

#[test]
fn wrong_secret_is_rejected() {
    let other = StandardWebhooks::new(OTHER_SECRET).expect("valid secret");
    let err = other
        .verify_at(&vector_headers(), BODY, at(TS))
        .expect_err("wrong secret");
    assert_eq!(err.kind(), WebhookErrorKind::NoMatchingSignature);
    assert_eq!(
        err.to_string(),
        "no webhook signature matched: checked 1 signature"
    );

    let headers = stripe().signed_headers(TS, BODY).expect("headers");
    let other = StripeWebhooks::new("whsec_someone_else").expect("valid secret");
    assert_eq!(
        kind(other.verify_at(&headers, BODY, at(TS))),
        WebhookErrorKind::NoMatchingSignature
    );
}

#[test]
fn signed_id_and_timestamp_cannot_be_swapped() {
    let mut headers = vector_headers();
    headers.insert(WEBHOOK_ID, HeaderValue::from_static("msg_other"));
    assert_eq!(
        kind(standard().verify_at(&headers, BODY, at(TS))),
        WebhookErrorKind::NoMatchingSignature
    );
    let mut headers = vector_headers();
    headers.insert(WEBHOOK_TIMESTAMP, HeaderValue::from(TS + 1));
    assert_eq!(
        kind(standard().verify_at(&headers, BODY, at(TS))),
        WebhookErrorKind::NoMatchingSignature
    );
}

#[test]
fn stale_and_future_timestamps_are_rejected() {
    let webhooks = standard();
    let headers = vector_headers();
    // Exactly at the 5-minute edge in both directions is accepted.
    assert!(webhooks.verify_at(&headers, BODY, at(TS + 300)).is_ok());
    assert!(webhooks.verify_at(&headers, BODY, at(TS - 300)).is_ok());

    let old = webhooks
        .verify_at(&headers, BODY, at(TS + 301))
        .expect_err("stale");
    assert_eq!(old.kind(), WebhookErrorKind::TimestampTooOld);
    assert_eq!(old.timestamp(), Some(TS));
    let future = webhooks
        .verify_at(&headers, BODY, at(TS - 301))
        .expect_err("future");
    assert_eq!(future.kind(), WebhookErrorKind::TimestampInFuture);

    let stripe = stripe();
    let headers = stripe.signed_headers(TS, BODY).expect("headers");
    assert_eq!(
        kind(stripe.verify_at(&headers, BODY, at(TS + 301))),
        WebhookErrorKind::TimestampTooOld
    );
    assert_eq!(
        kind(stripe.verify_at(&headers, BODY, at(TS - 301))),
        WebhookErrorKind::TimestampInFuture
    );
}

#[test]
fn tolerance_is_configurable() {
    let strict = standard().with_tolerance(Duration::from_secs(10));
    assert_eq!(strict.tolerance(), Duration::from_secs(10));
    assert!(
        strict
            .verify_at(&vector_headers(), BODY, at(TS + 10))
            .is_ok()
    );
    assert_eq!(
        kind(strict.verify_at(&vector_headers(), BODY, at(TS + 11))),
        WebhookErrorKind::TimestampTooOld
    );

    let lenient = stripe().with_tolerance(Duration::from_secs(3600));
    let headers = lenient.signed_headers(TS, BODY).expect("headers");
    assert!(lenient.verify_at(&headers, BODY, at(TS + 3600)).is_ok());
    assert_eq!(
        kind(lenient.verify_at(&headers, BODY, at(TS - 3601))),
        WebhookErrorKind::TimestampInFuture
    );
}

#[test]
fn forged_stale_request_reports_the_signature_not_the_time() {
    // The signature is checked first, so a timestamp error always means "authentic but out of window".
    let mut headers = vector_headers();
    headers.insert(WEBHOOK_SIGNATURE, HeaderValue::from_static("v1,AAAA"));
    assert_eq!(
        kind(standard().verify_at(&headers, BODY, at(TS + 10_000))),
        WebhookErrorKind::NoMatchingSignature
    );
}

#[test]
fn each_missing_header_is_named() {
    for name in [WEBHOOK_ID, WEBHOOK_TIMESTAMP, WEBHOOK_SIGNATURE] {
        let mut headers = vector_headers();
        headers.remove(name);
        let err = standard()
            .verify_at(&headers, BODY, at(TS))
            .expect_err("missing header");
        assert_eq!(err.kind(), WebhookErrorKind::MissingHeader, "{name}");
        assert_eq!(err.header(), Some(name));
        assert!(err.to_string().contains(name), "{err}");
    }
    let err = stripe()
        .verify_at(&HeaderMap::new(), BODY, at(TS))
        .expect_err("missing header");
    assert_eq!(
        (err.kind(), err.header()),
        (WebhookErrorKind::MissingHeader, Some(STRIPE_SIGNATURE))
    );
}

#[test]
fn garbage_standard_headers_are_malformed() {
    let cases: [(&str, &'static str); 7] = [
        (WEBHOOK_TIMESTAMP, "yesterday"),
        (WEBHOOK_TIMESTAMP, "-1649367553"),
        (WEBHOOK_TIMESTAMP, "1649367553.5"),
        (WEBHOOK_SIGNATURE, "garbage"),
        (WEBHOOK_SIGNATURE, "v1,***not-base64***"),
        (
            WEBHOOK_SIGNATURE,
            "v1=tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=",
        ),
        (WEBHOOK_SIGNATURE, ""),
    ];
    for (name, value) in cases {
        let mut headers = vector_headers();
        headers.insert(name, HeaderValue::from_static(value));
        let err = standard()
            .verify_at(&headers, BODY, at(TS))
            .expect_err("garbage");
        assert_eq!(
            err.kind(),
            WebhookErrorKind::MalformedHeader,
            "{name}: {value:?}"
        );
        assert_eq!(err.header(), Some(name));
    }
    let mut headers = vector_headers();
    headers.insert(
        WEBHOOK_ID,
        HeaderValue::from_bytes(b"msg_\xff").expect("opaque bytes"),
    );
    assert_eq!(
        kind(standard().verify_at(&headers, BODY, at(TS))),
        WebhookErrorKind::MalformedHeader
    );
}

#[test]
fn garbage_stripe_headers_are_malformed() {
    for value in [
        "garbage",
        "v1=00ff",
        "t=1649367553,v1=xyz",
        "t=now,v1=00",
        "t=1,t=2,v1=00",
        "",
    ] {
        let mut headers = HeaderMap::new();
        headers.insert(STRIPE_SIGNATURE, HeaderValue::from_static(value));
        let err = stripe()
            .verify_at(&headers, BODY, at(TS))
            .expect_err("garbage");
        assert_eq!(err.kind(), WebhookErrorKind::MalformedHeader, "{value:?}");
        assert_eq!(err.header(), Some(STRIPE_SIGNATURE));
    }
}

#[test]
fn unsupported_signature_versions_are_ignored() {
    let mut headers = vector_headers();
    let mixed = format!("v1a,c29tZSBlZDI1NTE5IHNpZ25hdHVyZQ== {EXPECTED} v9,whatever");
    headers.insert(
        WEBHOOK_SIGNATURE,
        HeaderValue::from_str(&mixed).expect("ascii"),
    );
    assert!(standard().verify_at(&headers, BODY, at(TS)).is_ok());

    headers.insert(
        WEBHOOK_SIGNATURE,
        HeaderValue::from_static("v1a,c29tZQ== v2,abc"),
    );
    let err = standard()
        .verify_at(&headers, BODY, at(TS))
        .expect_err("no v1");
    assert_eq!(err.kind(), WebhookErrorKind::NoMatchingSignature);

    let stripe = stripe();
    let signed = stripe.sign(TS, BODY);
    let with_v0 = format!("{signed},v0=deadbeef");
    let mut headers = HeaderMap::new();
    headers.insert(
        STRIPE_SIGNATURE,
        HeaderValue::from_str(&with_v0).expect("ascii"),
    );
    assert!(stripe.verify_at(&headers, BODY, at(TS)).is_ok());
}

// ===== key rotation =====

#[test]
fn sender_rotation_any_signature_may_match() {
    let old = StandardWebhooks::new(OTHER_SECRET).expect("valid secret");
    let both = format!("{} {EXPECTED}", old.sign(MSG_ID, TS, BODY));
    let mut headers = vector_headers();
    headers.insert(
        WEBHOOK_SIGNATURE,
        HeaderValue::from_str(&both).expect("ascii"),
    );
    assert!(standard().verify_at(&headers, BODY, at(TS)).is_ok());
    assert!(old.verify_at(&headers, BODY, at(TS)).is_ok());
    let err = StandardWebhooks::new("whsec_AAAAAAAAAAAAAAAAAAAAAAAA")
        .expect("valid secret")
        .verify_at(&headers, BODY, at(TS))
        .expect_err("neither");
    assert_eq!(
        err.to_string(),
        "no webhook signature matched: checked 2 signatures"
    );

    let a = StripeWebhooks::new("whsec_a").expect("valid secret");
    let b = StripeWebhooks::new("whsec_b").expect("valid secret");
    let a_sig = a.sign(TS, BODY);
    let b_v1 = b
        .sign(TS, BODY)
        .split_once(',')
        .map(|(_, v1)| v1.to_owned())
        .expect("v1 part");
    let mut headers = HeaderMap::new();
    headers.insert(
        STRIPE_SIGNATURE,
        HeaderValue::from_str(&format!("{a_sig},{b_v1}")).expect("ascii"),
    );
    assert!(a.verify_at(&headers, BODY, at(TS)).is_ok());
    assert!(b.verify_at(&headers, BODY, at(TS)).is_ok());
}

#[test]
fn receiver_rotation_accepts_old_and_new_secrets() {
    let rotating = StandardWebhooks::new(OTHER_SECRET)
        .and_then(|v| v.with_secret(SECRET))
        .expect("secrets");
    assert!(rotating.verify_at(&vector_headers(), BODY, at(TS)).is_ok());
    let from_old = StandardWebhooks::new(OTHER_SECRET)
        .expect("valid")
        .signed_headers(MSG_ID, TS, BODY);
    assert!(
        rotating
            .verify_at(&from_old.expect("headers"), BODY, at(TS))
            .is_ok()
    );
    // Signing with several secrets emits one entry per secret, so receivers on either key accept it.
    let signed = rotating.sign(MSG_ID, TS, BODY);
    assert_eq!(signed.split(' ').count(), 2);
    assert!(signed.ends_with(EXPECTED));
    assert!(format!("{rotating:?}").contains("secrets: 2"));

    let stripe = StripeWebhooks::new("whsec_old")
        .and_then(|v| v.with_secret("whsec_new"))
        .expect("secrets");
    let from_new = StripeWebhooks::new("whsec_new")
        .expect("valid")
        .signed_headers(TS, BODY)
        .expect("headers");
    assert!(stripe.verify_at(&from_new, BODY, at(TS)).is_ok());
    assert_eq!(stripe.sign(TS, BODY).matches("v1=").count(), 2);
}

// ===== secrets =====

#[test]
fn bad_secrets_are_rejected() {
    for bad in ["", "whsec_", "whsec_not base64!", "   "] {
        assert_eq!(
            kind(StandardWebhooks::new(bad)),
            WebhookErrorKind::InvalidSecret,
            "{bad:?}"
        );
    }
    assert_eq!(
        kind(StripeWebhooks::new("")),
        WebhookErrorKind::InvalidSecret
    );
    assert_eq!(
        kind(standard().with_secret("whsec_%%%%")),
        WebhookErrorKind::InvalidSecret
    );
}

#[test]
fn from_env_names_a_missing_variable() {
    let var = "SDK_RUNTIME_TEST_WEBHOOK_SECRET_THAT_IS_NEVER_SET";
    let err = StandardWebhooks::from_env(var).expect_err("unset");
    assert_eq!(err.kind(), WebhookErrorKind::MissingSecret);
    assert!(err.to_string().contains(var), "{err}");
    assert_eq!(
        kind(StripeWebhooks::from_env(var)),
        WebhookErrorKind::MissingSecret
    );
}

/// Setting variables in a multi-threaded test binary is unsound, so this test re-runs itself as a child
/// process with the variables set.
#[test]
fn from_env_reads_the_variable() {
    const CHILD: &str = "SDK_RUNTIME_WEBHOOKS_ENV_CHILD";
    const GOOD: &str = "SDK_RUNTIME_TEST_WEBHOOK_SECRET";
    const BAD: &str = "SDK_RUNTIME_TEST_WEBHOOK_SECRET_BAD";
    if std::env::var_os(CHILD).is_some() {
        let from_env = StandardWebhooks::from_env(GOOD).expect("secret from env");
        assert_eq!(from_env.sign(MSG_ID, TS, BODY), EXPECTED);
        let err = StandardWebhooks::from_env(BAD).expect_err("bad secret");
        assert_eq!(err.kind(), WebhookErrorKind::InvalidSecret);
        assert!(err.to_string().contains(BAD), "{err}");
        assert!(!format!("{err} {err:?}").contains("TOPSECRET"), "{err}");
        return;
    }
    let exe = std::env::current_exe().expect("test binary path");
    let output = std::process::Command::new(exe)
        .args(["--exact", "from_env_reads_the_variable", "--test-threads=1"])
        .env(CHILD, "1")
        .env(GOOD, format!("{SECRET}\n"))
        .env(BAD, "whsec_TOPSECRET!")
        .output()
        .expect("run child test");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "child failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("1 passed"),
        "child did not run the test:\n{stdout}"
    );
}

#[test]
fn secrets_and_expected_signatures_never_appear_in_output() {
    let standard = standard().with_secret(OTHER_SECRET).expect("valid");
    let stripe = stripe();
    let debug = format!("{standard:?} {stripe:?} {:?}", ReplayGuard::default());
    assert_eq!(
        debug,
        "StandardWebhooks { secrets: 2, tolerance: 300s } StripeWebhooks { secrets: 1, tolerance: 300s } \
         ReplayGuard { len: 0, capacity: 10000 }"
    );

    let expected_b64 = EXPECTED.trim_start_matches("v1,");
    let stripe_headers = stripe.signed_headers(TS, BODY).expect("headers");
    let stripe_hex = stripe_headers[STRIPE_SIGNATURE]
        .to_str()
        .expect("ascii")
        .split("v1=")
        .nth(1)
        .expect("v1");
    let mut forged = vector_headers();
    forged.insert(WEBHOOK_SIGNATURE, HeaderValue::from_static("v1,AAAA"));
    let mut forged_stripe = HeaderMap::new();
    forged_stripe.insert(
        STRIPE_SIGNATURE,
        HeaderValue::from_static("t=1649367553,v1=00"),
    );
    let errors = [
        standard
            .verify_at(&forged, BODY, at(TS))
            .expect_err("forged"),
        standard
            .verify_at(&vector_headers(), b"{}", at(TS))
            .expect_err("tampered"),
        standard
            .verify_at(&vector_headers(), BODY, at(TS + 1_000))
            .expect_err("stale"),
        stripe
            .verify_at(&forged_stripe, BODY, at(TS))
            .expect_err("forged"),
        StandardWebhooks::new("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7o!").expect_err("bad secret"),
    ];
    for err in &errors {
        let shown = format!("{err} | {err:?}");
        for secret in [
            SECRET_B64,
            "C2FVsBQI",
            "stripe_test",
            expected_b64,
            stripe_hex,
        ] {
            assert!(!shown.contains(secret), "{shown} contains {secret}");
        }
    }
}
