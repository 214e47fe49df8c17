//! The response-cache stage; in the list only when a cache is configured.

use super::{Lookup, Pending, ResponseCache, lookup};
use crate::pipeline::stage::{Exchange, Flow, Outgoing, Received, Stage};

/// After authentication (the key covers the credentials) and before the
/// rate limiter (a hit sends nothing, so it takes no token).
pub(crate) struct Cache(pub(crate) ResponseCache);

impl Stage for Cache {
    fn before_attempt(&self, call: &mut Exchange<'_, '_>, outgoing: &mut Outgoing) -> Flow {
        let (operation, method) = (call.operation(), call.target.method());
        let (url, headers) = (&outgoing.url, &mut outgoing.headers);
        match lookup(
            &self.0,
            operation,
            method,
            url,
            headers,
            call.target.shown(),
        ) {
            Lookup::Hit(response) => Flow::Respond(response),
            Lookup::Pending(pending) => {
                call.attempt_state.insert(pending);
                Flow::Continue
            }
        }
    }

    fn after_response(&self, call: &mut Exchange<'_, '_>, response: &mut Received) {
        if let Some(pending) = call.attempt_state.remove::<Pending>() {
            *response = pending.finish(std::mem::take(response));
        }
    }
}
