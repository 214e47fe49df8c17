//! Where a client keeps its webhook verifier: builder settings and the
//! accessor generated clients' `webhooks()` uses.
//!
//! The client does not know about webhooks; the verifier rides in its
//! extensions, so this feature sits wholly above the client.

use std::sync::Arc;

use super::error::WebhookError;
use super::hub::HubSignatureWebhooks;
use super::standard::StandardWebhooks;
use super::stripe::StripeWebhooks;
use super::verify::{Verifier, name_env_var, secret_from_env};
use crate::client::Client;
use crate::client::builder::ClientBuilder;
use crate::contract::WebhookSignature;

/// The verifier configured on the builder.
struct Configured(Arc<dyn Verifier>);

impl<C> ClientBuilder<C> {
    /// Sets the secret that [`Client::webhook_verifier`] (and a generated client's
    /// `webhooks()`) verifies incoming webhooks with, in the scheme the document's webhooks
    /// declare (its `webhook_signature`): Standard Webhooks (`whsec_` + base64) unless they
    /// declare `Stripe-Signature` or `X-Hub-Signature-256`. An invalid secret fails `build`
    /// without echoing it.
    ///
    /// # Default
    ///
    /// None: the verifier reads `{PREFIX}_WEBHOOK_SECRET` when it is needed.
    pub fn webhook_secret(mut self, secret: impl AsRef<str>) -> Self {
        match verifier_for(self.api().webhook_signature, secret.as_ref()) {
            Ok(verifier) => self.set_extension(Configured(verifier)),
            Err(e) => {
                self.fail(format!("invalid webhook secret: {e}"));
                self
            }
        }
    }

    /// Verifies incoming webhooks with `verifier` (another scheme such as
    /// [`StripeWebhooks`](super::StripeWebhooks), several secrets, a tolerance),
    /// replacing [`webhook_secret`](Self::webhook_secret).
    pub fn webhook_verifier(self, verifier: impl Verifier + 'static) -> Self {
        self.set_extension(Configured(Arc::new(verifier)))
    }
}

impl Client {
    /// The verifier for incoming webhooks: the one given to
    /// [`ClientBuilder::webhook_secret`] or [`ClientBuilder::webhook_verifier`], else one of
    /// the document's scheme for the secret in `{PREFIX}_WEBHOOK_SECRET`, read now.
    ///
    /// # Errors
    ///
    /// [`MissingSecret`](super::WebhookErrorKind::MissingSecret) or
    /// [`InvalidSecret`](super::WebhookErrorKind::InvalidSecret) naming the
    /// variable (never its value) when none was configured and the variable does not hold one.
    pub fn webhook_verifier(&self) -> Result<Arc<dyn Verifier>, WebhookError> {
        if let Some(Configured(verifier)) = self.extension::<Configured>() {
            return Ok(Arc::clone(verifier));
        }
        let var = match self.api().env_prefix {
            "" => "WEBHOOK_SECRET".to_owned(),
            prefix => format!("{prefix}_WEBHOOK_SECRET"),
        };
        let secret = secret_from_env(&var)?;
        verifier_for(self.api().webhook_signature, &secret).map_err(|e| name_env_var(&var, &e))
    }
}

/// A verifier of `scheme` for `secret`.
fn verifier_for(scheme: WebhookSignature, secret: &str) -> Result<Arc<dyn Verifier>, WebhookError> {
    Ok(match scheme {
        WebhookSignature::Standard => Arc::new(StandardWebhooks::new(secret)?),
        WebhookSignature::Stripe => Arc::new(StripeWebhooks::new(secret)?),
        WebhookSignature::Hub => Arc::new(HubSignatureWebhooks::new(secret)?),
    })
}
