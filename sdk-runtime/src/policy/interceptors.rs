//! The interceptor stage: the user's [`Interceptor`]s, the client's then the call's.
//!
//! It sits after authentication and before tracing (see
//! [`crate::interceptor`] for why), and turns what each hook needs into the
//! public views of `pipeline/interceptor.rs`.

use std::sync::Arc;

use crate::error;
use crate::pipeline::interceptor::{FailedAttempt, IncomingResponse, Interceptor, OutgoingRequest};
use crate::pipeline::stage::{AttemptError, Exchange, Flow, Outgoing, Received, Stage};

/// The client's interceptors; a call's own come from its options.
pub(crate) struct Interceptors {
    pub(crate) client: Vec<Arc<dyn Interceptor>>,
}

impl Interceptors {
    /// Every interceptor of this call, in the order they run.
    fn all<'a>(
        &'a self,
        call: &'a Exchange<'_, '_>,
    ) -> impl Iterator<Item = &'a Arc<dyn Interceptor>> {
        self.client.iter().chain(&call.request.options.interceptors)
    }
}

impl Stage for Interceptors {
    fn before_attempt(&self, call: &mut Exchange<'_, '_>, outgoing: &mut Outgoing) -> Flow {
        let call = &*call;
        for interceptor in self.all(call) {
            let mut view = OutgoingRequest {
                operation: call.operation(),
                attempt: call.attempt,
                method: call.target.method(),
                url: &mut outgoing.url,
                headers: &mut outgoing.headers,
                body: call.request.body.bytes(),
                idempotency_key: call.idempotency_key(),
            };
            if let Err(e) = interceptor.before_attempt(&mut view) {
                // Not the interceptor's `Debug`: it may hold a signing secret.
                let message = "an interceptor rejected the request";
                return Flow::Fail(error::builder(message).with_source(e));
            }
        }
        Flow::Continue
    }

    fn after_response(&self, call: &mut Exchange<'_, '_>, response: &mut Received) {
        let call = &*call;
        let view = IncomingResponse {
            operation: call.operation(),
            attempt: call.attempt,
            method: call.target.method(),
            status: response.status,
            headers: &response.headers,
            body: &response.body,
            request_id: response.request_id.as_deref(),
        };
        for interceptor in self.all(call) {
            interceptor.after_response(&view);
        }
    }

    fn on_error(&self, call: &mut Exchange<'_, '_>, error: &mut AttemptError) {
        let call = &*call;
        let view = FailedAttempt {
            operation: call.operation(),
            attempt: call.attempt,
            method: call.target.method(),
            error: &error.error,
        };
        for interceptor in self.all(call) {
            interceptor.on_error(&view);
        }
    }
}
