//! The error type of every client call.
//!
//! [`Error`] is opaque on purpose (like `reqwest::Error`): callers ask questions
//! with predicates ([`is_status`](Error::is_status), [`is_timeout`](Error::is_timeout),
//! [`is_retryable`](Error::is_retryable), …) and read details with accessors
//! ([`status`](Error::status), [`request_id`](Error::request_id),
//! [`body`](Error::body), …). New kinds and details can then be added without
//! breaking anyone's `match`.
//!
//! An error that came from a server always carries the request ID the server
//! assigned, and its `Display` ends with `(request id …)` or `(no request id)`,
//! so a log line is enough to find the request in the provider's dashboard.
//! Errors never contain credentials: URLs are redacted before they are stored,
//! and transport errors are stripped of their URL.
//!
//! The error is a single pointer wide, so `Result<T, Error>` stays small on the
//! happy path.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use http::StatusCode;
use serde::de::DeserializeOwned;

use crate::redact::REDACTED;
use crate::types::Bytes;

/// A boxed error, the `source` of transport and credential failures.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A typed error body, recovered by the caller with [`Error::body`].
pub type ErrorBody = Box<dyn std::any::Any + Send + Sync>;

/// `Result` with this crate's [`Error`] as the default error type.
pub type Result<T, E = Error> = core::result::Result<T, E>;

/// Everything that can go wrong when building a client or calling the API.
///
/// # Example
///
/// ```no_run
/// # fn handle(result: sdk_runtime::Result<()>) {
/// match result {
///     Ok(()) => {}
///     Err(e) if e.status() == Some(sdk_runtime::StatusCode::NOT_FOUND) => {
///         eprintln!("not found ({:?})", e.request_id());
///     }
///     Err(e) if e.is_timeout() => eprintln!("timed out after {} attempts", e.attempts()),
///     Err(e) => eprintln!("{e}"),
/// }
/// # }
/// ```
pub struct Error {
    inner: Box<Inner>,
}

impl Error {
    /// The client configuration is invalid (reported by `ClientBuilder::build`),
    /// or the credentials provider failed.
    pub fn is_config(&self) -> bool {
        self.inner.kind == Kind::Config
    }

    /// The request could not be built: a parameter or body did not serialize,
    /// a header value was invalid, or an idempotency key was malformed.
    ///
    /// Configuration errors from `ClientBuilder::build` count as builder errors
    /// too (as in `reqwest`); use [`is_config`](Self::is_config) to tell them apart.
    pub fn is_builder(&self) -> bool {
        matches!(self.inner.kind, Kind::Builder | Kind::Config)
    }

    /// The connection could not be established.
    pub fn is_connect(&self) -> bool {
        self.inner.kind == Kind::Connect
    }

    /// The attempt did not finish (response and body) within the timeout.
    pub fn is_timeout(&self) -> bool {
        self.inner.kind == Kind::Timeout
    }

    /// The server answered with a non-success status.
    pub fn is_status(&self) -> bool {
        self.inner.kind == Kind::Status
    }

    /// A success response arrived but its body could not be decoded.
    pub fn is_decode(&self) -> bool {
        self.inner.kind == Kind::Decode
    }

    /// The response body could not be read, or exceeded the size limit.
    pub fn is_body(&self) -> bool {
        self.inner.kind == Kind::Body
    }

    /// Whether the retry policy considered the last failure retryable
    /// (for example a `503` or a connection reset), even if retries ran out.
    pub fn is_retryable(&self) -> bool {
        self.inner.retryable
    }

    /// Whether retries stopped because the client's retry budget was spent:
    /// many calls failed recently, so this one was not retried (or not
    /// retried further) and failed with its last error. See
    /// [`ClientBuilder::retry_budget`](crate::ClientBuilder::retry_budget).
    pub fn is_retry_budget_exhausted(&self) -> bool {
        self.inner.retry_budget_exhausted
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        self.inner.response.as_ref().map(|r| r.status)
    }

    /// The request ID the server assigned, read from the configured header.
    pub fn request_id(&self) -> Option<&str> {
        self.inner.response.as_ref()?.request_id.as_deref()
    }

    /// How many attempts were made (`0` when the request was never sent).
    pub fn attempts(&self) -> u32 {
        self.inner.attempts
    }

    /// The delay the server asked for with `Retry-After` or `retry-after-ms`.
    pub fn retry_after(&self) -> Option<Duration> {
        self.inner.response.as_ref()?.retry_after
    }

    /// The typed error body the operation documents for this status, if the
    /// body parsed as that type.
    ///
    /// `E` is the generated error type, e.g. `err.body::<types::ApiError>()`.
    pub fn body<E: 'static>(&self) -> Option<&E> {
        self.inner.response.as_ref()?.typed.as_ref()?.downcast_ref()
    }

    /// The raw response body of a status or decode error.
    pub fn raw_body(&self) -> Option<&[u8]> {
        self.inner.response.as_ref()?.raw.as_deref()
    }

    /// Parses the raw body as JSON of any type, or `None` when there is no body
    /// or it does not parse.
    pub fn body_as<T: DeserializeOwned>(&self) -> Option<T> {
        serde_json::from_slice(self.raw_body()?).ok()
    }

    /// The request's method and URL, with sensitive query parameters redacted.
    pub fn url(&self) -> Option<&str> {
        self.inner.url.as_deref()
    }

    /// Removes the URL, e.g. before showing the error to an end user.
    #[must_use]
    pub fn without_url(mut self) -> Self {
        self.inner.url = None;
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        let mut said = None;
        match (inner.kind, &inner.response) {
            (Kind::Status, Some(r)) => {
                write!(f, "server returned {}", r.status)?;
                // Read from the kept body only now, so calls that never show
                // their error pay nothing for it.
                said = r.raw.as_deref().and_then(server_message);
            }
            (Kind::Decode, Some(r)) => {
                write!(f, "could not decode the {} response body", r.status)?
            }
            _ => f.write_str(inner.kind.describe())?,
        }
        if let Some(said) = &said {
            write!(f, ": {said}")?;
        }
        if let Some(message) = &inner.message {
            let joint = if said.is_some() { "; " } else { ": " };
            write!(f, "{joint}{message}")?;
        }
        if let Some(url) = &inner.url {
            write!(f, " for {url}")?;
        }
        if inner.attempts > 1 {
            write!(f, " after {} attempts", inner.attempts)?;
        }
        match &inner.response {
            Some(Response {
                request_id: Some(id),
                ..
            }) => write!(f, " (request id {id})"),
            Some(_) => f.write_str(" (no request id)"),
            None => Ok(()),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        let mut d = f.debug_struct("sdk_runtime::Error");
        d.field("kind", &inner.kind);
        if let Some(message) = &inner.message {
            d.field("message", message);
        }
        if let Some(url) = &inner.url {
            d.field("url", url);
        }
        if let Some(r) = &inner.response {
            d.field("status", &r.status);
            d.field("request_id", &r.request_id);
            if let Some(raw) = &r.raw {
                d.field("body_len", &raw.len());
            }
        }
        if inner.attempts != 1 {
            d.field("attempts", &inner.attempts);
        }
        if let Some(source) = &inner.source {
            d.field("source", source);
        }
        d.finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner.source.as_ref().map(|e| &**e as _)
    }
}

// ===== internal =====

/// What failed; private so kinds can be added without a breaking change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Config,
    Builder,
    Connect,
    Timeout,
    Request,
    Body,
    Status,
    Decode,
}

impl Kind {
    fn describe(self) -> &'static str {
        match self {
            Kind::Config => "invalid client configuration",
            Kind::Builder => "invalid request",
            Kind::Connect => "could not connect",
            Kind::Timeout => "request timed out",
            Kind::Request => "request failed",
            Kind::Body => "could not read the response body",
            Kind::Status => "server returned an error status",
            Kind::Decode => "could not decode the response body",
        }
    }
}

struct Inner {
    kind: Kind,
    message: Option<Cow<'static, str>>,
    source: Option<BoxError>,
    url: Option<String>,
    response: Option<Response>,
    attempts: u32,
    retryable: bool,
    retry_budget_exhausted: bool,
}

/// What the server said, for errors that came from a response.
struct Response {
    status: StatusCode,
    request_id: Option<String>,
    retry_after: Option<Duration>,
    raw: Option<Bytes>,
    typed: Option<ErrorBody>,
}

impl Error {
    pub(crate) fn new(kind: Kind) -> Self {
        Self {
            inner: Box::new(Inner {
                kind,
                message: None,
                source: None,
                url: None,
                response: None,
                attempts: 0,
                retryable: false,
                retry_budget_exhausted: false,
            }),
        }
    }

    pub(crate) fn with_message(mut self, message: impl Into<Cow<'static, str>>) -> Self {
        self.inner.message = Some(message.into());
        self
    }

    /// Puts `message` before the message there is (a note), or sets it.
    pub(crate) fn with_message_first(mut self, message: String) -> Self {
        let message = match self.inner.message.take() {
            Some(note) => format!("{message}; {note}"),
            None => message,
        };
        self.inner.message = Some(Cow::Owned(message));
        self
    }

    /// Adds `note` to the message (after it, when there is one).
    pub(crate) fn with_note(mut self, note: &str) -> Self {
        let message = match self.inner.message.take() {
            Some(message) => format!("{message}; {note}").into(),
            None => Cow::Owned(note.to_owned()),
        };
        self.inner.message = Some(message);
        self
    }

    /// [`with_note`](Self::with_note) when there is a note.
    pub(crate) fn with_note_if(self, note: Option<&str>) -> Self {
        match note {
            Some(note) => self.with_note(note),
            None => self,
        }
    }

    pub(crate) fn with_source(mut self, source: impl Into<BoxError>) -> Self {
        self.inner.source = Some(source.into());
        self
    }

    pub(crate) fn with_url(mut self, url: String) -> Self {
        self.inner.url = Some(url);
        self
    }

    pub(crate) fn with_retry_budget_exhausted(mut self, exhausted: bool) -> Self {
        self.inner.retry_budget_exhausted = exhausted;
        self
    }

    pub(crate) fn has_url(&self) -> bool {
        self.inner.url.is_some()
    }

    pub(crate) fn with_attempts(mut self, attempts: u32) -> Self {
        self.inner.attempts = attempts;
        self
    }

    pub(crate) fn with_retryable(mut self, retryable: bool) -> Self {
        self.inner.retryable = retryable;
        self
    }

    /// Records the response this error came from.
    pub(crate) fn with_response(
        mut self,
        status: StatusCode,
        request_id: Option<String>,
        retry_after: Option<Duration>,
    ) -> Self {
        self.set_response(status, request_id, retry_after);
        self
    }

    /// [`with_response`](Self::with_response) in place.
    pub(crate) fn set_response(
        &mut self,
        status: StatusCode,
        request_id: Option<String>,
        retry_after: Option<Duration>,
    ) {
        self.inner.response = Some(Response {
            status,
            request_id,
            retry_after,
            raw: None,
            typed: None,
        });
    }

    /// Attaches the raw and typed bodies; call after [`with_response`](Self::with_response).
    pub(crate) fn with_body(mut self, raw: Bytes, typed: Option<ErrorBody>) -> Self {
        if let Some(r) = &mut self.inner.response {
            r.raw = Some(raw);
            r.typed = typed;
        }
        self
    }
}

/// Where an error body's own message is looked for, in this order: the
/// common shapes first (GitHub's `message`, Stripe's `error.message`), then
/// OAuth's `error_description`, RFC 9457's `detail` and `title`, and last a
/// bare `error` string, which is often only a code.
const MESSAGE_PATHS: &[&[&str]] = &[
    &["message"],
    &["error", "message"],
    &["error_description"],
    &["detail"],
    &["title"],
    &["error"],
];

/// How many characters of a server's message an error shows.
const MAX_MESSAGE_CHARS: usize = 200;

/// The server's own message in a JSON error body, shown safely: control
/// characters escaped, cut to [`MAX_MESSAGE_CHARS`] characters.
fn server_message(raw: &[u8]) -> Option<String> {
    let first = raw.iter().find(|b| !b.is_ascii_whitespace())?;
    if *first != b'{' {
        return None;
    }
    let body: serde_json::Value = serde_json::from_slice(raw).ok()?;
    let said = MESSAGE_PATHS.iter().find_map(|path| {
        let node = path.iter().try_fold(&body, |node, key| node.get(key))?;
        node.as_str().filter(|text| !text.trim().is_empty())
    })?;
    Some(shown_message(said))
}

/// `text` with control characters escaped (`\n`, `\u{1b}`), so a body
/// cannot forge log lines or terminal output, and cut on a character boundary.
fn shown_message(text: &str) -> String {
    let mut out = String::new();
    for (count, c) in text.trim().chars().enumerate() {
        if count == MAX_MESSAGE_CHARS {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// The secret values a client sends (its fixed credentials), so that an
/// error can redact them from the response body it keeps: servers echo keys
/// back ("Invalid API key provided: sk_test_…").
pub(crate) trait SecretValues: Send + Sync {
    /// Calls `each` with every secret value known now.
    fn each_secret(&self, each: &mut dyn FnMut(&str));
}

/// Secrets shorter than this are not searched for: replacing every `a` of a
/// body because a password is `a` would hide more than it protects.
const MIN_SECRET_LEN: usize = 4;

/// `body` with every occurrence of a secret replaced by [`REDACTED`]; the
/// same bytes, not copied, when none occurs. Runs on the error path only.
pub(crate) fn without_secrets(body: Bytes, secrets: &dyn SecretValues) -> Bytes {
    let mut redacted: Option<Vec<u8>> = None;
    secrets.each_secret(&mut |secret| {
        let secret = secret.as_bytes();
        if secret.len() < MIN_SECRET_LEN {
            return;
        }
        let current = redacted.as_deref().unwrap_or(&body);
        if let Some(replaced) = replace_all(current, secret, REDACTED.as_bytes()) {
            redacted = Some(replaced);
        }
    });
    redacted.map_or(body, Bytes::from)
}

/// `haystack` with every `needle` replaced, or `None` when there is none.
fn replace_all(haystack: &[u8], needle: &[u8], with: &[u8]) -> Option<Vec<u8>> {
    let find = |from: usize| {
        haystack[from..]
            .windows(needle.len())
            .position(|w| w == needle)
            .map(|at| at + from)
    };
    let mut at = find(0)?;
    let mut out = Vec::with_capacity(haystack.len());
    let mut copied = 0;
    loop {
        out.extend_from_slice(&haystack[copied..at]);
        out.extend_from_slice(with);
        copied = at + needle.len();
        match find(copied) {
            Some(next) => at = next,
            None => break,
        }
    }
    out.extend_from_slice(&haystack[copied..]);
    Some(out)
}

/// A configuration error reported by `ClientBuilder::build`.
pub(crate) fn config(message: impl Into<Cow<'static, str>>) -> Error {
    Error::new(Kind::Config).with_message(message)
}

/// A request that could not be built.
pub(crate) fn builder(message: impl Into<Cow<'static, str>>) -> Error {
    Error::new(Kind::Builder).with_message(message)
}

/// Classifies a transport error; the URL is stripped because it may hold a
/// query-string API key.
pub(crate) fn transport(error: reqwest::Error) -> Error {
    let kind = if error.is_timeout() {
        Kind::Timeout
    } else if error.is_connect() {
        Kind::Connect
    } else if error.is_body() || error.is_decode() {
        Kind::Body
    } else {
        Kind::Request
    };
    Error::new(kind).with_source(error.without_url())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_is_one_pointer() {
        assert_eq!(size_of::<Error>(), size_of::<usize>());
        assert_eq!(size_of::<Result<()>>(), size_of::<usize>());
    }

    #[test]
    fn display_mentions_request_id_only_for_responses() {
        let e = Error::new(Kind::Status)
            .with_response(StatusCode::NOT_FOUND, Some("req_1".into()), None)
            .with_url("GET http://h/x".into())
            .with_attempts(1);
        assert_eq!(
            e.to_string(),
            "server returned 404 Not Found for GET http://h/x (request id req_1)"
        );
        let e = Error::new(Kind::Status)
            .with_response(StatusCode::BAD_GATEWAY, None, None)
            .with_attempts(3);
        assert_eq!(
            e.to_string(),
            "server returned 502 Bad Gateway after 3 attempts (no request id)"
        );
        let e = builder("bad header");
        assert_eq!(e.to_string(), "invalid request: bad header");
        assert!(e.is_builder() && !e.is_config());
    }

    fn answered(status: StatusCode, body: &str) -> Error {
        Error::new(Kind::Status)
            .with_response(status, None, None)
            .with_body(Bytes::copy_from_slice(body.as_bytes()), None)
    }

    #[test]
    fn display_shows_the_servers_own_message() {
        let stripe = answered(
            StatusCode::NOT_FOUND,
            r#"{"error":{"type":"invalid_request_error","message":"No such customer: 'cus_missing'"}}"#,
        );
        assert_eq!(
            stripe.to_string(),
            "server returned 404 Not Found: No such customer: 'cus_missing' (no request id)"
        );
        let github = answered(
            StatusCode::NOT_FOUND,
            r#"{"message":"Not Found","documentation_url":"x"}"#,
        );
        assert_eq!(
            github.to_string(),
            "server returned 404 Not Found: Not Found (no request id)"
        );
        let oauth = answered(
            StatusCode::BAD_REQUEST,
            r#"{"error":"invalid_grant","error_description":"bad code"}"#,
        );
        assert!(oauth.to_string().contains(": bad code"), "{oauth}");
        for silent in [
            r#"{"code":7}"#,
            "<html>oops</html>",
            "",
            r#"{"message":42}"#,
        ] {
            let e = answered(StatusCode::BAD_GATEWAY, silent);
            assert_eq!(
                e.to_string(),
                "server returned 502 Bad Gateway (no request id)"
            );
        }
    }

    #[test]
    fn a_servers_message_is_escaped_and_cut() {
        let long = format!(
            r#"{{"message":"line\nnext\u001b[31m {}"}}"#,
            "é".repeat(300)
        );
        let shown = answered(StatusCode::BAD_REQUEST, &long).to_string();
        assert!(shown.contains(r"line\nnext\u{1b}[31m éé"), "{shown}");
        assert!(
            !shown.contains('\n') && !shown.contains('\u{1b}'),
            "{shown}"
        );
        let said = shown
            .split(": ")
            .nth(1)
            .unwrap()
            .split(" (no request id)")
            .next()
            .unwrap();
        // 15 characters before the é's, escapes counted as one: cut after 200.
        assert_eq!(said.matches('é').count(), MAX_MESSAGE_CHARS - 15, "{said}");
        assert!(said.ends_with('…'));
    }

    struct Keys(&'static [&'static str]);

    impl SecretValues for Keys {
        fn each_secret(&self, each: &mut dyn FnMut(&str)) {
            self.0.iter().copied().for_each(each);
        }
    }

    #[test]
    fn known_secrets_are_redacted_from_a_kept_body() {
        let body = Bytes::from_static(b"{\"message\":\"Invalid API key: sk_test_1 (sk_test_1)\"}");
        let kept = without_secrets(body.clone(), &Keys(&["sk_test_1", "ab", "absent"]));
        assert_eq!(
            &kept[..],
            b"{\"message\":\"Invalid API key: [redacted] ([redacted])\"}"
        );
        let same = without_secrets(body.clone(), &Keys(&["absent"]));
        assert_eq!(
            same.as_ptr(),
            body.as_ptr(),
            "not copied when nothing is secret"
        );
    }

    #[test]
    fn typed_body_downcasts() {
        let e = Error::new(Kind::Status)
            .with_response(StatusCode::BAD_REQUEST, None, None)
            .with_body(Bytes::from_static(b"{\"a\":1}"), Some(Box::new(7u8)));
        assert_eq!(e.body::<u8>(), Some(&7));
        assert_eq!(e.body::<u16>(), None);
        assert_eq!(e.body_as::<serde_json::Value>().unwrap()["a"], 1);
    }
}
