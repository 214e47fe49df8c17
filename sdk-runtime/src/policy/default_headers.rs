//! The default-headers stage: the user agent and the client's default headers.

use http::header::USER_AGENT;
use http::{HeaderMap, HeaderValue};

use crate::pipeline::stage::{Exchange, Flow, Outgoing, Stage};

/// Fills in what the call did not set itself: parameters and call options
/// already on the request win over a default of the same name.
pub(crate) struct DefaultHeaders {
    pub(crate) user_agent: HeaderValue,
    pub(crate) headers: HeaderMap,
}

impl Stage for DefaultHeaders {
    fn before_attempt(&self, _call: &mut Exchange<'_, '_>, outgoing: &mut Outgoing) -> Flow {
        let headers = &mut outgoing.headers;
        if !headers.contains_key(USER_AGENT) {
            headers.insert(USER_AGENT, self.user_agent.clone());
        }
        for name in self.headers.keys() {
            if !headers.contains_key(name) {
                for value in self.headers.get_all(name) {
                    headers.append(name.clone(), value.clone());
                }
            }
        }
        Flow::Continue
    }
}
