//! Typed webhook events of generated clients: `client.webhooks().unwrap(&headers, &body)`
//! verifies the Standard Webhooks signature over the raw body with the client's secret, then
//! decodes the payload into the generated `WebhookEvent` enum.
//!
//! Events of `spec/api.yaml` (`x-webhooks`, OpenAPI 3.0) are produced and signed by the example
//! server, whose signer is written independently of the SDK's verifier; `spec/webhooks-31.yaml`
//! covers OpenAPI 3.1 `webhooks` with a `const` discriminator and a `$ref`'d path item.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sdk_runtime::webhooks::{ReplayGuard, StandardWebhooks, WebhookErrorKind};
use sdk_tests::server::{
    DEFAULT_WEBHOOK_SECRET, ExampleServer, ServerConfig, SignedWebhook, WebhookEvent,
};

mod api {
    sdk_runtime::generate_client!("../spec/api.yaml");
}

mod billing {
    sdk_runtime::generate_client!("../spec/webhooks-31.yaml");
}

type TestResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;
type Setup = Result<(ExampleServer, api::Client), Box<dyn std::error::Error + Send + Sync>>;

/// The example server and a client that shares its webhook secret.
async fn start() -> Setup {
    let server = ExampleServer::start(ServerConfig::default()).await?;
    let client = api::Client::builder()
        .base_url(server.base_url())
        .api_key(server.api_key())
        .webhook_secret(server.state().webhook_secret())
        .build()?;
    Ok((server, client))
}

/// Creates a user and pays an order for it, so the server emits one event of each type.
async fn emit_every_event(server: &ExampleServer, client: &api::Client) -> TestResult {
    let new_user = api::types::NewUser {
        email: "ada@example.com".into(),
        name: "Ada".into(),
    };
    let user = client.users().create_user(&new_user).await?;
    let order = api::types::NewOrder {
        user_id: user.id.clone(),
        amount_cents: 1_250,
        currency: api::types::Currency::Eur,
    };
    let order = client.orders().create_order(&order).await?;
    server.state().pay_order(&order.id).ok_or("order exists")?;
    Ok(())
}

fn signed(server: &ExampleServer, kind: &str) -> Result<SignedWebhook, &'static str> {
    let event = server.state().events().into_iter().find(|e| e.kind == kind);
    Ok(server
        .state()
        .sign_event(&event.ok_or("event was emitted")?))
}

#[tokio::test]
async fn every_declared_event_decodes_to_its_typed_variant() -> TestResult {
    let (server, client) = start().await?;
    emit_every_event(&server, &client).await?;
    let mut seen = Vec::new();
    for kind in ["user.created", "order.paid"] {
        let delivery = signed(&server, kind)?;
        let event = client
            .webhooks()
            .unwrap(&delivery.headers(), delivery.body.as_bytes())?;
        assert_eq!(event.event_type(), Some(kind));
        // No wildcard arm: a newly declared event makes this test fail to compile until it
        // is covered here.
        match event {
            api::WebhookEvent::UserCreated(e) => {
                assert_eq!(
                    (e.id.as_str(), e.data.email.as_str()),
                    (delivery.id.as_str(), "ada@example.com")
                );
                seen.push("user.created");
            }
            api::WebhookEvent::OrderPaid(e) => {
                assert_eq!(e.data.status, api::types::OrderStatus::Paid);
                assert_eq!(
                    (e.data.amount_cents, e.data.currency),
                    (1_250, api::types::Currency::Eur)
                );
                seen.push("order.paid");
            }
            api::WebhookEvent::Unknown(value) => return Err(format!("not typed: {value}").into()),
        }
    }
    assert_eq!(seen, ["user.created", "order.paid"]);
    Ok(())
}

#[tokio::test]
async fn an_unknown_event_type_decodes_to_the_fallback_variant() -> TestResult {
    let (server, client) = start().await?;
    let event = WebhookEvent {
        kind: "user.deleted".into(),
        id: "evt_900001".into(),
        created_at: "2026-01-01T00:00:00Z".into(),
        data: serde_json::json!({ "id": "usr_000001" }),
    };
    let delivery = server.state().sign_event(&event);
    let decoded = client
        .webhooks()
        .unwrap(&delivery.headers(), delivery.body.as_bytes())?;
    assert_eq!(decoded.event_type(), Some("user.deleted"));
    match decoded {
        api::WebhookEvent::Unknown(value) => assert_eq!(value["data"]["id"], "usr_000001"),
        other => return Err(format!("expected Unknown, got {other:?}").into()),
    }
    Ok(())
}

#[tokio::test]
async fn tampered_bodies_wrong_secrets_and_old_deliveries_are_rejected() -> TestResult {
    let (server, client) = start().await?;
    emit_every_event(&server, &client).await?;
    let delivery = signed(&server, "order.paid")?;
    let headers = delivery.headers();
    let kind = |body: &str| {
        client
            .webhooks()
            .unwrap(&headers, body.as_bytes())
            .err()
            .map(|e| e.kind())
    };
    // The same JSON re-serialized with other whitespace is a different body: verification is
    // over the raw bytes.
    let reformatted =
        serde_json::to_string_pretty(&serde_json::from_str::<serde_json::Value>(&delivery.body)?)?;
    let tampered = delivery.body.replace("1250", "1");
    assert_ne!(tampered, delivery.body);
    assert_eq!(kind(&tampered), Some(WebhookErrorKind::NoMatchingSignature));
    assert_eq!(
        kind(&reformatted),
        Some(WebhookErrorKind::NoMatchingSignature)
    );
    assert_eq!(kind(&delivery.body), None);

    let other = StandardWebhooks::new("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD")?;
    let stranger = api::Client::builder()
        .base_url(server.base_url())
        .webhook_verifier(other)
        .build()?;
    let error = stranger
        .webhooks()
        .unwrap(&headers, delivery.body.as_bytes())
        .err()
        .ok_or("wrong secret rejected")?;
    assert_eq!(error.kind(), WebhookErrorKind::NoMatchingSignature);

    let later = SystemTime::now() + Duration::from_secs(600);
    let error = client
        .webhooks()
        .unwrap_at(&headers, delivery.body.as_bytes(), later)
        .err()
        .ok_or("old delivery rejected")?;
    assert_eq!(error.kind(), WebhookErrorKind::TimestampTooOld);
    let mut no_signature = headers.clone();
    no_signature.remove("webhook-signature");
    let error = client
        .webhooks()
        .unwrap(&no_signature, delivery.body.as_bytes())
        .err();
    assert_eq!(
        error.map(|e| e.kind()),
        Some(WebhookErrorKind::MissingHeader)
    );
    Ok(())
}

#[tokio::test]
async fn the_replay_guard_lets_each_delivery_through_once() -> TestResult {
    let (server, client) = start().await?;
    emit_every_event(&server, &client).await?;
    let delivery = signed(&server, "user.created")?;
    let guard = ReplayGuard::new(100);
    let body = delivery.body.as_bytes();
    let first = client
        .webhooks()
        .unwrap_once(&delivery.headers(), body, &guard)?;
    assert!(matches!(first, api::WebhookEvent::UserCreated(_)));
    let again = client
        .webhooks()
        .unwrap_once(&delivery.headers(), body, &guard);
    assert_eq!(
        again.err().map(|e| e.kind()),
        Some(WebhookErrorKind::Replayed)
    );
    // A forged delivery reusing the id is rejected by its signature, before the guard.
    let forged = client
        .webhooks()
        .unwrap_once(&delivery.headers(), b"{}", &guard);
    assert_eq!(
        forged.err().map(|e| e.kind()),
        Some(WebhookErrorKind::NoMatchingSignature)
    );
    // Handling failed: forget the id and the sender's redelivery is accepted.
    assert!(guard.forget(&delivery.id));
    assert!(
        client
            .webhooks()
            .unwrap_once(&delivery.headers(), body, &guard)
            .is_ok()
    );
    Ok(())
}

#[test]
fn without_a_secret_the_error_names_the_environment_variable() -> TestResult {
    if std::env::var_os("EXAMPLE_WEBHOOK_SECRET").is_some() {
        return Ok(()); // the environment provides one; nothing to check here
    }
    let client = api::Client::builder()
        .base_url("http://127.0.0.1:9")
        .api_key("k")
        .build()?;
    let error = client
        .webhooks()
        .unwrap(&axum::http::HeaderMap::new(), b"{}")
        .err()
        .ok_or("no secret, no verification")?;
    assert_eq!(error.kind(), WebhookErrorKind::MissingSecret);
    assert!(
        error.to_string().contains("EXAMPLE_WEBHOOK_SECRET"),
        "{error}"
    );
    let bad = api::Client::builder()
        .base_url("http://127.0.0.1:9")
        .webhook_secret("whsec_not base64!")
        .build();
    let message = bad.err().ok_or("invalid secret fails build")?.to_string();
    assert!(
        !message.contains("not base64!"),
        "the secret is not echoed: {message}"
    );
    Ok(())
}

#[test]
fn openapi_31_webhooks_use_the_pinned_discriminator() -> TestResult {
    let verifier = StandardWebhooks::new(DEFAULT_WEBHOOK_SECRET)?;
    let client = billing::Client::builder()
        .base_url("http://127.0.0.1:9")
        .webhook_verifier(verifier.clone())
        .build()?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
    let now = i64::try_from(now)?;
    let deliver =
        |body: &str| -> Result<billing::WebhookEvent, Box<dyn std::error::Error + Send + Sync>> {
            let headers = verifier.signed_headers("msg_1", now, body.as_bytes())?;
            Ok(client.webhooks().unwrap(&headers, body.as_bytes())?)
        };
    let paid = deliver(r#"{"event":"invoice.paid","invoice_id":"in_1","amount":500,"note":null}"#)?;
    match paid {
        billing::WebhookEvent::InvoicePaid(e) => {
            assert_eq!((e.invoice_id.as_str(), e.amount), ("in_1", 500))
        }
        other => return Err(format!("expected InvoicePaid, got {other:?}").into()),
    }
    let voided = deliver(r#"{"event":"invoice.voided","invoice_id":"in_2"}"#)?;
    assert!(
        matches!(voided, billing::WebhookEvent::InvoiceVoided(ref e) if e.invoice_id == "in_2")
    );
    assert_eq!(voided.event_type(), Some("invoice.voided"));
    // The entry name is not the tag: a payload saying `invoicePaid` is unknown.
    let unknown = deliver(r#"{"event":"invoicePaid"}"#)?;
    assert!(matches!(unknown, billing::WebhookEvent::Unknown(_)));
    // A known tag with a broken payload is a decode error, after the signature passed.
    let broken = deliver(r#"{"event":"invoice.paid","amount":"many"}"#);
    let kind = broken.err().and_then(|e| {
        e.downcast_ref::<sdk_runtime::webhooks::WebhookError>()
            .map(|e| e.kind())
    });
    assert_eq!(kind, Some(WebhookErrorKind::Decode));
    Ok(())
}

mod hub {
    sdk_runtime::generate_client!("../spec/wild/webhooks-hub-31.yaml");
}

/// Webhooks that declare `X-Hub-Signature-256` are verified in that scheme: the document,
/// not the caller, picks it, and `webhook_secret` takes the secret as written.
#[test]
fn hub_signed_webhooks_are_verified_in_their_own_scheme() {
    use sdk_runtime::webhooks::HubSignatureWebhooks;
    let secret = "It's a Secret to Everybody";
    let client = hub::Client::builder()
        .base_url("https://hooks.example")
        .webhook_secret(secret)
        .build()
        .expect("a hub secret is any text");
    let body = br#"{"action":"created","starred_at":"2026-12-06T12:00:00Z"}"#;
    let headers = HubSignatureWebhooks::new(secret)
        .and_then(|h| h.signed_headers(body))
        .expect("signs");
    match client.webhooks().unwrap(&headers, body).expect("verified") {
        hub::WebhookEvent::StarCreated(e) => assert_eq!(e.starred_at, "2026-12-06T12:00:00Z"),
        other => panic!("wrong event: {other:?}"),
    }
    let tampered = br#"{"action":"deleted"}"#;
    let err = client.webhooks().unwrap(&headers, tampered).unwrap_err();
    assert_eq!(err.kind(), WebhookErrorKind::NoMatchingSignature);
    let missing = client
        .webhooks()
        .unwrap(&sdk_runtime::HeaderMap::new(), body)
        .unwrap_err();
    assert_eq!(missing.kind(), WebhookErrorKind::MissingHeader);
}
