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
//! The header set with `ClientBuilder::request_id_header`, and no other, when one is set.
//! Otherwise the first present of: the header the document's responses declare for
//! request IDs (`ApiDescription::request_id_header`, e.g. Stripe's `Request-Id`), then
//! [`COMMON_HEADERS`] in order (`x-request-id`, `request-id`, `x-github-request-id`,
//! `x-amzn-requestid`, `x-amz-request-id`, `x-ms-request-id`, `x-correlation-id`,
//! `cf-ray`). A response that has its ID in the first costs one header lookup; one with
//! none costs nine at most.

use http::{HeaderMap, HeaderName};

use crate::pipeline::stage::{AttemptError, Exchange, Received, Stage};

/// The first of [`COMMON_HEADERS`], the name most APIs use.
pub const DEFAULT_HEADER: &str = "x-request-id";

/// The names read, in order, when neither the user nor the document chose one: the
/// request-ID headers of widely used APIs and gateways (GitHub, AWS, Azure, Stripe,
/// Cloudflare's `cf-ray`), ending with the more generic correlation ones.
pub const COMMON_HEADERS: &[&str] = &[
    DEFAULT_HEADER,
    "request-id",
    "x-github-request-id",
    "x-amzn-requestid",
    "x-amz-request-id",
    "x-ms-request-id",
    "x-correlation-id",
    "cf-ray",
];

/// The headers to read, in order: the user's alone, or the document's and then the
/// common ones.
pub(crate) fn headers(user: Option<HeaderName>, document: Option<HeaderName>) -> Box<[HeaderName]> {
    if let Some(user) = user {
        return Box::new([user]);
    }
    let mut names: Vec<HeaderName> = Vec::with_capacity(COMMON_HEADERS.len() + 1);
    names.extend(document);
    for common in COMMON_HEADERS {
        let name = HeaderName::from_static(common);
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names.into_boxed_slice()
}

/// The first request ID present under one of `names`.
pub(crate) fn read_first(headers: &HeaderMap, names: &[HeaderName]) -> Option<String> {
    names.iter().find_map(|name| read(headers, name))
}

/// Reads the request ID; a value that is empty or not visible ASCII counts as
/// missing, because it could not be quoted back to the provider anyway.
pub(crate) fn read(headers: &HeaderMap, name: &HeaderName) -> Option<String> {
    let value = headers.get(name)?.to_str().ok()?.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

/// The request-ID stage: early in the list, so every later stage (the cache,
/// interceptors, tracing) and the final response or error see the ID.
pub(crate) struct RequestId {
    /// The headers read, first present wins (see [`headers`]).
    pub(crate) headers: Box<[HeaderName]>,
}

impl Stage for RequestId {
    fn after_response(&self, _call: &mut Exchange<'_, '_>, response: &mut Received) {
        response.request_id = read_first(&response.headers, &self.headers);
    }

    fn on_error(&self, _call: &mut Exchange<'_, '_>, error: &mut AttemptError) {
        // A body that stalled or broke off after the head arrived: the head
        // still names the request.
        if let Some(head) = &error.head {
            let id = read_first(&head.1, &self.headers);
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

    fn map(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| (HeaderName::from_static(k), v.parse().unwrap()))
            .collect()
    }

    #[test]
    fn users_header_alone_is_read() {
        let names = headers(Some(HeaderName::from_static("x-trace")), None);
        assert_eq!(names.len(), 1);
        let response = map(&[("x-request-id", "common")]);
        assert_eq!(read_first(&response, &names), None);
        let response = map(&[("x-request-id", "common"), ("x-trace", "mine")]);
        assert_eq!(read_first(&response, &names).as_deref(), Some("mine"));
    }

    #[test]
    fn documents_header_first_then_common_ones_once_each() {
        let document = HeaderName::from_bytes(b"Request-Id").ok();
        let names = headers(None, document);
        assert_eq!(names[0], "request-id");
        assert_eq!(names[1], DEFAULT_HEADER);
        assert_eq!(
            names.len(),
            COMMON_HEADERS.len(),
            "request-id not listed twice"
        );
        let response = map(&[("x-request-id", "common"), ("request-id", "req_1")]);
        assert_eq!(read_first(&response, &names).as_deref(), Some("req_1"));
    }

    #[test]
    fn common_headers_in_order_skipping_empty_values() {
        let names = headers(None, None);
        let response = map(&[("cf-ray", "ray"), ("x-amz-request-id", "")]);
        assert_eq!(read_first(&response, &names).as_deref(), Some("ray"));
        let response = map(&[("cf-ray", "ray"), ("request-id", "req")]);
        assert_eq!(read_first(&response, &names).as_deref(), Some("req"));
        assert_eq!(read_first(&HeaderMap::new(), &names), None);
    }
}
