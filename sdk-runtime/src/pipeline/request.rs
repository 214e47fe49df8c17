//! The description of one call, filled in by generated code.
//!
//! A generated method creates a [`Request`] from its `static` [`Operation`],
//! adds each parameter with one call (`path_param`, `query`, `header`,
//! `cookie`) and at most one body, then passes it to `execute`. All
//! serialization happens here, once, instead of in every generated method.
//!
//! Setters never fail: the first serialization error is stored and returned by
//! `execute` as a builder error ([`Error::is_builder`]), so generated code has
//! no error handling of its own and user input can never cause a panic.
//!
//! Values are rendered the way OpenAPI 3 describes (`style`/`explode`):
//!
//! * path parameters use `simple` style and are percent-encoded as a single
//!   segment (`a/b` becomes `a%2Fb`); arrays are comma-joined;
//! * query parameters follow [`QueryStyle`]; names and values are
//!   percent-encoded, delimiters (`,` `|` and `%20`) are not; `None` and empty
//!   arrays add nothing;
//! * form bodies nest Stripe-style: `a[b][c]=v`, arrays as `a[0]=v`.
//!
//! Every body except a stream is kept as bytes (or parts), so the request can
//! be replayed on retry.

use std::fmt;

use http::{HeaderMap, HeaderName, HeaderValue};
use serde::Serialize;

use crate::codec::encode::{self, COMPONENT, COOKIE, NOTHING, Part};
use crate::codec::node::Node;
use crate::contract::{Operation, QueryStyle};
use crate::error::{self, Error};
use crate::pipeline::options::CallOptions;
use crate::types::Bytes;

/// One call, as generated code describes it.
pub struct Request {
    pub(crate) op: &'static Operation,
    pub(crate) options: CallOptions,
    pub(crate) path: String,
    /// Encoded `name=value` pairs, in the order they were added.
    pub(crate) query: Vec<String>,
    pub(crate) headers: HeaderMap,
    /// Names and encoded values.
    pub(crate) cookies: Vec<(String, String)>,
    pub(crate) body: Body,
    pub(crate) error: Option<Error>,
    /// Leave a 2xx body unread, for a stream to read as it arrives.
    pub(crate) stream_response: bool,
}

impl Request {
    /// Starts a request for `op` with the caller's options.
    pub fn new(op: &'static Operation, options: CallOptions) -> Request {
        Request {
            op,
            options,
            path: op.path.to_owned(),
            query: Vec::new(),
            headers: HeaderMap::new(),
            cookies: Vec::new(),
            body: Body::Empty,
            error: None,
            stream_response: false,
        }
    }

    /// Leaves a successful response's body unread, for a stream to read as
    /// it arrives (error bodies are still read in full).
    pub fn stream_response(&mut self) {
        self.stream_response = true;
    }

    /// Substitutes `{name}` in the path template with `value`, encoded as one
    /// path segment.
    pub fn path_param(&mut self, name: &str, value: &impl Serialize) {
        let Some(value) = self.serialize_value(name, value) else {
            return;
        };
        if value.is_null() {
            return self.fail(format!("path parameter `{name}` is null"));
        }
        let rendered = encode::simple(&value, COMPONENT);
        // URL parsers resolve `.` and `..` segments, which would change the
        // path instead of naming a resource.
        if rendered == "." || rendered == ".." {
            return self.fail(format!("path parameter `{name}` cannot be `{rendered}`"));
        }
        let placeholder = format!("{{{name}}}");
        if !self.path.contains(&placeholder) {
            return self.fail(format!("path `{}` has no parameter `{name}`", self.op.path));
        }
        // The rendered value is fully percent-encoded, so it cannot contain a
        // `{` that a later substitution would match.
        self.path = self.path.replace(&placeholder, &rendered);
    }

    /// Adds a query parameter; `None`/null and empty arrays add nothing.
    pub fn query(&mut self, name: &str, value: &impl Serialize, style: QueryStyle) {
        let Some(value) = self.serialize_value(name, value) else {
            return;
        };
        encode::query_pairs(name, &value, style, &mut self.query);
    }

    /// Adds a header; `None`/null adds nothing. Arrays are comma-joined.
    pub fn header(&mut self, name: &str, value: &impl Serialize) {
        let Some(value) = self.serialize_value(name, value) else {
            return;
        };
        if value.is_null() {
            return;
        }
        let rendered = encode::simple(&value, NOTHING);
        match (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&rendered),
        ) {
            (Ok(name), Ok(value)) => {
                self.headers.append(name, value);
            }
            (Err(_), _) => self.fail(format!("invalid header name `{name}`")),
            (_, Err(_)) => self.fail(format!(
                "header `{name}` has a value that is not valid in HTTP"
            )),
        }
    }

    /// Adds a cookie; `None`/null adds nothing.
    pub fn cookie(&mut self, name: &str, value: &impl Serialize) {
        let Some(value) = self.serialize_value(name, value) else {
            return;
        };
        if !value.is_null() {
            self.cookies
                .push((name.to_owned(), encode::simple(&value, COOKIE)));
        }
    }

    /// Sets a JSON body with the given content type (`application/json` or a
    /// vendor type such as `application/merge-patch+json`).
    pub fn json_body(&mut self, body: &impl Serialize, content_type: &'static str) {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.set_body(Bytes::from(bytes), content_type),
            Err(e) => self.fail_with("request body did not serialize as JSON", e),
        }
    }

    /// Sets an `application/x-www-form-urlencoded` body from an object;
    /// nested values use brackets (`a[b][0]=v`).
    pub fn form_body(&mut self, body: &impl Serialize) {
        let Some(value) = self.serialize_value("form body", body) else {
            return;
        };
        let Some(form) = encode::form(&value) else {
            return self.fail("form body must serialize to an object");
        };
        self.set_body(Bytes::from(form), "application/x-www-form-urlencoded");
    }

    /// Sets a `multipart/form-data` body from an object: one part per field.
    ///
    /// Fields named in `binary_fields` hold bytes and become file parts;
    /// strings, numbers and booleans become text parts; objects and arrays are
    /// sent as JSON text; null fields are skipped.
    pub fn multipart_body(&mut self, body: &impl Serialize, binary_fields: &[&str]) {
        let Some(value) = self.serialize_value("multipart body", body) else {
            return;
        };
        let Node::Object(fields) = value else {
            return self.fail("multipart body must serialize to an object");
        };
        let mut parts = Vec::with_capacity(fields.len());
        for (name, value) in fields {
            let binary = binary_fields.contains(&name.as_str());
            match encode::multipart_part(name, &value, binary) {
                Ok(Some(part)) => parts.push(part),
                Ok(None) => {}
                Err(message) => return self.fail(message),
            }
        }
        self.body = Body::Multipart(parts, Vec::new());
    }

    /// Sends `data` as the file part `name` of the multipart body, in place
    /// of a part of that name; a streamed file makes the request one that is
    /// never retried.
    pub fn file_part(&mut self, name: &str, data: FileData) {
        if matches!(self.body, Body::Empty) {
            self.body = Body::Multipart(Vec::new(), Vec::new());
        }
        let Body::Multipart(parts, streamed) = &mut self.body else {
            return self.fail(format!(
                "file part `{name}`: the request body is not multipart"
            ));
        };
        parts.retain(|p| p.name != name);
        streamed.retain(|f| f.name != name);
        match data {
            FileData::Bytes(data) => parts.push(Part {
                name: name.to_owned(),
                data,
                file: true,
            }),
            FileData::Stream(body, length) => streamed.push(StreamedFile {
                name: name.to_owned(),
                body: Some(body),
                length,
            }),
        }
    }

    /// Sets a raw byte body.
    pub fn bytes_body(&mut self, body: Bytes, content_type: &'static str) {
        self.set_body(body, content_type);
    }

    /// Sets a text body.
    pub fn text_body(&mut self, body: String, content_type: &'static str) {
        self.set_body(Bytes::from(body), content_type);
    }

    /// Sets a streaming body. A stream can be sent once, so a request with a
    /// streaming body is never retried (a buffered `reqwest::Body` still is).
    pub fn stream_body(&mut self, body: reqwest::Body, content_type: &'static str) {
        let Some(content_type) = self.content_type(content_type) else {
            return;
        };
        self.body = match body.as_bytes() {
            Some(bytes) => Body::Buffered(Bytes::copy_from_slice(bytes), content_type),
            None => Body::Stream(Some(body), content_type),
        };
    }
}

impl Request {
    /// A copy to send again (paging), or `None` for a request that cannot be
    /// sent twice: one with a streaming body or a stored error.
    pub(crate) fn try_clone(&self) -> Option<Request> {
        let body = match &self.body {
            Body::Empty => Body::Empty,
            Body::Buffered(bytes, content_type) => {
                Body::Buffered(bytes.clone(), content_type.clone())
            }
            Body::Multipart(parts, streamed) if streamed.is_empty() => {
                Body::Multipart(parts.clone(), Vec::new())
            }
            Body::Multipart(..) | Body::Stream(..) => return None,
        };
        if self.error.is_some() {
            return None;
        }
        Some(Request {
            op: self.op,
            options: self.options.clone(),
            path: self.path.clone(),
            query: self.query.clone(),
            headers: self.headers.clone(),
            cookies: self.cookies.clone(),
            body,
            error: None,
            stream_response: self.stream_response,
        })
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("operation", &self.op.id)
            .field("method", &self.op.method)
            .field("path", &self.path)
            .field("query_params", &self.query.len())
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("body", &self.body)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

// ===== internal =====

/// A request body, kept replayable unless it is a stream.
pub(crate) enum Body {
    Empty,
    Buffered(Bytes, HeaderValue),
    /// Parts in memory, and file parts streamed (taken by the first attempt).
    Multipart(Vec<Part>, Vec<StreamedFile>),
    /// Taken by the first attempt.
    Stream(Option<reqwest::Body>, HeaderValue),
}

impl Body {
    /// Whether the body can be sent again after a failed attempt.
    pub(crate) fn is_replayable(&self) -> bool {
        match self {
            Body::Stream(..) => false,
            Body::Multipart(_, streamed) => streamed.is_empty(),
            Body::Empty | Body::Buffered(..) => true,
        }
    }

    /// The bytes as sent: empty for no body, `None` for a multipart or
    /// streamed body, whose bytes are produced while it is sent.
    pub(crate) fn bytes(&self) -> Option<&[u8]> {
        match self {
            Body::Empty => Some(&[]),
            Body::Buffered(bytes, _) => Some(bytes),
            Body::Multipart(..) | Body::Stream(..) => None,
        }
    }

    /// The content type the body is sent with; a multipart body's (with
    /// its boundary) is written when it is attached.
    pub(crate) fn content_type(&self) -> Option<&HeaderValue> {
        match self {
            Body::Buffered(_, content_type) | Body::Stream(_, content_type) => Some(content_type),
            Body::Empty | Body::Multipart(..) => None,
        }
    }
}

impl Body {
    /// Puts this body on one attempt's `request`: the bytes are shared, not
    /// copied, and only a stream is taken (a second attempt then fails).
    /// The content type is already among the request's headers (the
    /// pipeline puts it there before the stages run), except a multipart
    /// body's, whose boundary is chosen here.
    pub(crate) fn attach(
        &mut self,
        mut request: reqwest::Request,
        http: &reqwest::Client,
    ) -> Result<reqwest::Request, Error> {
        match self {
            Body::Empty => {}
            Body::Buffered(bytes, _) => {
                *request.body_mut() = Some(bytes.clone().into());
            }
            Body::Multipart(parts, streamed) => {
                let form = multipart_form(parts, streamed)?;
                // reqwest writes the boundary into the content type.
                request = reqwest::RequestBuilder::from_parts(http.clone(), request)
                    .multipart(form)
                    .build()
                    .map_err(|e| {
                        error::builder("could not attach the multipart body")
                            .with_source(e.without_url())
                    })?;
            }
            Body::Stream(stream, _) => {
                let Some(stream) = stream.take() else {
                    return Err(error::builder("a streaming body can be sent only once"));
                };
                *request.body_mut() = Some(stream);
            }
        }
        Ok(request)
    }
}

fn multipart_form(
    parts: &[Part],
    streamed: &mut [StreamedFile],
) -> Result<reqwest::multipart::Form, Error> {
    let mut form = reqwest::multipart::Form::new();
    for part in parts {
        let mut p = reqwest::multipart::Part::stream(part.data.clone());
        if part.file {
            p = as_file(p, &part.name)?;
        }
        form = form.part(part.name.clone(), p);
    }
    for file in streamed {
        let Some(body) = file.body.take() else {
            return Err(error::builder("a streaming body can be sent only once"));
        };
        let p = match file.length {
            Some(length) => reqwest::multipart::Part::stream_with_length(body, length),
            None => reqwest::multipart::Part::stream(body),
        };
        form = form.part(file.name.clone(), as_file(p, &file.name)?);
    }
    Ok(form)
}

fn as_file(part: reqwest::multipart::Part, name: &str) -> Result<reqwest::multipart::Part, Error> {
    part.file_name(name.to_owned())
        .mime_str("application/octet-stream")
        .map_err(|e| error::builder("invalid multipart content type").with_source(e.without_url()))
}

/// A file part of a multipart body, sent as it is read.
pub(crate) struct StreamedFile {
    name: String,
    body: Option<reqwest::Body>,
    length: Option<u64>,
}

impl StreamedFile {
    pub(crate) fn name(&self) -> &str {
        &self.name
    }
}

/// The content of a file part ([`Request::file_part`]).
pub enum FileData {
    /// Bytes in memory.
    Bytes(Bytes),
    /// A body read while it is sent, with its length when known.
    Stream(reqwest::Body, Option<u64>),
}

impl fmt::Debug for FileData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileData::Bytes(bytes) => write!(f, "Bytes({} bytes)", bytes.len()),
            FileData::Stream(_, length) => write!(f, "Stream({length:?})"),
        }
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Body::Empty => f.write_str("Empty"),
            Body::Buffered(bytes, ct) => write!(f, "Buffered({} bytes, {ct:?})", bytes.len()),
            Body::Multipart(parts, streamed) => {
                write!(f, "Multipart({} parts)", parts.len() + streamed.len())
            }
            Body::Stream(_, ct) => write!(f, "Stream({ct:?})"),
        }
    }
}

impl Request {
    fn serialize_value(&mut self, what: &str, value: &impl Serialize) -> Option<Node> {
        if self.error.is_some() {
            return None;
        }
        match Node::from_serialize(value) {
            Ok(v) => Some(v),
            Err(e) => {
                self.fail_with(format!("`{what}` did not serialize"), e);
                None
            }
        }
    }

    fn fail(&mut self, message: impl Into<String>) {
        if self.error.is_none() {
            self.error = Some(error::builder(message.into()));
        }
    }

    fn fail_with(&mut self, message: impl Into<String>, source: impl Into<crate::BoxError>) {
        if self.error.is_none() {
            self.error = Some(error::builder(message.into()).with_source(source));
        }
    }

    fn content_type(&mut self, content_type: &'static str) -> Option<HeaderValue> {
        // The common case borrows a literal (which the compiler checks): no
        // allocation per call, nor per attempt when the value is cloned.
        if content_type == "application/json" {
            return Some(HeaderValue::from_static("application/json"));
        }
        match HeaderValue::from_str(content_type) {
            Ok(v) => Some(v),
            Err(_) => {
                self.fail(format!("invalid content type `{content_type}`"));
                None
            }
        }
    }

    fn set_body(&mut self, bytes: Bytes, content_type: &'static str) {
        if let Some(ct) = self.content_type(content_type) {
            self.body = Body::Buffered(bytes, ct);
        }
    }
}
