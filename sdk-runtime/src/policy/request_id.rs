//! Request IDs: the one value that connects a failure to the server's logs.
//!
//! Most APIs answer every request with an identifier (`x-request-id`,
//! `request-id`, `x-amzn-requestid`, …). The runtime reads it from every
//! response, success or not, and puts it on [`Response`](crate::Response),
//! on every [`Error`](crate::Error) that came from a server (whose `Display`
//! ends with `(request id …)` or `(no request id)`), and on every tracing event
//! about a response.
//!
//! # Default
//!
//! The header is [`DEFAULT_HEADER`] (`x-request-id`); change it with
//! `ClientBuilder::request_id_header`.

use http::{HeaderMap, HeaderName};

use crate::pipeline::stage::{AttemptError, Exchange, Received, Stage};

/// The header read for the request ID unless configured otherwise.
pub const DEFAULT_HEADER: &str = "x-request-id";

/// Reads the request ID; a value that is empty or not visible ASCII counts as
/// missing, because it could not be quoted back to the provider anyway.
pub(crate) fn read(headers: &HeaderMap, name: &HeaderName) -> Option<String> {
    let value = headers.get(name)?.to_str().ok()?.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

/// The request-ID stage: early in the list, so every later stage (the cache,
/// interceptors, tracing) and the final response or error see the ID.
pub(crate) struct RequestId {
    pub(crate) header: HeaderName,
}

impl Stage for RequestId {
    fn after_response(&self, _call: &mut Exchange<'_, '_>, response: &mut Received) {
        response.request_id = read(&response.headers, &self.header);
    }

    fn on_error(&self, _call: &mut Exchange<'_, '_>, error: &mut AttemptError) {
        // A body that stalled or broke off after the head arrived: the head
        // still names the request.
        if let Some(head) = &error.head {
            let id = read(&head.1, &self.header);
            error.error.set_response(head.0, id, None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_trimmed_value() {
        let name = HeaderName::from_static(DEFAULT_HEADER);
        let mut headers = HeaderMap::new();
        assert_eq!(read(&headers, &name), None);
        headers.insert(&name, " req_1 ".parse().unwrap());
        assert_eq!(read(&headers, &name).as_deref(), Some("req_1"));
        headers.insert(&name, "".parse().unwrap());
        assert_eq!(read(&headers, &name), None);
    }
}
