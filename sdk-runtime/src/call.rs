//! Request builders of generated clients.
//!
//! Every generated builder (`builders::ListPets<'a>`) wraps one [`Call`]: the client it
//! borrows, the [`Request`] being described, and the decoders of its responses. Methods
//! every builder shares (`send`, `.await`, per-call options) are written once, here, and
//! stamped onto each builder by [`call_impls!`](crate::__call_impls), so generated code
//! stays a description of the request rather than a copy of the request pipeline.

use std::fmt;
use std::future::IntoFuture;
use std::time::Duration;

use serde::Serialize;

use crate::client::Client;
use crate::codec::decode::{DecodeErr, DecodeOk};
use crate::contract::{Operation, QueryStyle};
use crate::error::Result;
use crate::pipeline::future::ResponseFuture;
use crate::pipeline::interceptor::Interceptor;
use crate::pipeline::options::CallOptions;
use crate::pipeline::request::{FileData, Request};
use crate::pipeline::response::Response;
use crate::streaming::upload::Source;
use crate::streaming::{ByteStream, Upload};
use crate::types::Bytes;

/// Sends a request described by hand through `client`'s pipeline and decodes
/// the response with `ok` (2xx) or `err`: what [`Call::send`] does, for a
/// [`Request`] built without a `Call`.
pub fn execute<'a, T>(
    client: &'a Client,
    request: Request,
    ok: DecodeOk<T>,
    err: DecodeErr,
) -> ResponseFuture<'a, T> {
    client.pipeline().execute(request, ok, err)
}

/// One call being built: the request, and how to decode its answers.
pub struct Call<'a, T> {
    client: &'a Client,
    request: Request,
    ok: DecodeOk<T>,
    err: DecodeErr,
}

impl<'a, T: Send + 'static> Call<'a, T> {
    /// Starts a call of `op` on `client`.
    pub fn new(
        client: &'a Client,
        op: &'static Operation,
        ok: DecodeOk<T>,
        err: DecodeErr,
    ) -> Self {
        Call {
            client,
            request: Request::new(op, CallOptions::default()),
            ok,
            err,
        }
    }

    /// Starts a call of `op` whose success body is read as a stream (see
    /// [`streaming`](crate::streaming)).
    pub fn streaming(
        client: &'a Client,
        op: &'static Operation,
        ok: DecodeOk<T>,
        err: DecodeErr,
    ) -> Self {
        let mut call = Call::new(client, op, ok, err);
        call.request.stream_response();
        call
    }

    /// The same call, its success body read as a stream by `ok`, asking for
    /// `media_type` (`text/event-stream`, say) in `Accept` when one is given.
    pub fn into_streaming<U: Send + 'static>(
        self,
        ok: DecodeOk<U>,
        media_type: Option<&'static str>,
    ) -> Call<'a, U> {
        let mut request = self.request;
        request.stream_response();
        if let Some(media_type) = media_type {
            request.header("accept", &media_type);
        }
        Call {
            client: self.client,
            request,
            ok,
            err: self.err,
        }
    }

    /// Sends the request through the runtime's single execute path.
    pub fn send(self) -> ResponseFuture<'a, T> {
        execute(self.client, self.request, self.ok, self.err)
    }

    /// See [`Request::path_param`].
    pub fn path_param(&mut self, name: &str, value: &impl Serialize) {
        self.request.path_param(name, value);
    }

    /// See [`Request::query`].
    pub fn query(&mut self, name: &str, value: &impl Serialize, style: QueryStyle) {
        self.request.query(name, value, style);
    }

    /// See [`Request::header`].
    pub fn header(&mut self, name: &str, value: &impl Serialize) {
        self.request.header(name, value);
    }

    /// See [`Request::cookie`].
    pub fn cookie(&mut self, name: &str, value: &impl Serialize) {
        self.request.cookie(name, value);
    }

    /// See [`Request::json_body`].
    pub fn json_body(&mut self, body: &impl Serialize, content_type: &'static str) {
        self.request.json_body(body, content_type);
    }

    /// See [`Request::form_body`].
    pub fn form_body(&mut self, body: &impl Serialize) {
        self.request.form_body(body);
    }

    /// See [`Request::multipart_body`].
    pub fn multipart_body(&mut self, body: &impl Serialize, binary_fields: &[&str]) {
        self.request.multipart_body(body, binary_fields);
    }

    /// See [`Request::bytes_body`].
    pub fn bytes_body(&mut self, body: bytes::Bytes, content_type: &'static str) {
        self.request.bytes_body(body, content_type);
    }

    /// Sets a binary body: bytes, or a stream sent as it is read.
    pub fn upload_body(&mut self, body: Upload, content_type: &'static str) {
        match body.source {
            Source::Bytes(bytes) => self.request.bytes_body(bytes, content_type),
            Source::Stream(stream, length) => {
                self.request.stream_body(stream, content_type);
                if let Some(length) = length {
                    self.request.header("content-length", &length);
                }
            }
        }
    }

    /// Sends `file` as the file part `name` of the multipart body.
    pub fn file_part(&mut self, name: &str, file: Upload) {
        let data = match file.source {
            Source::Bytes(bytes) => FileData::Bytes(bytes),
            Source::Stream(stream, length) => FileData::Stream(stream, length),
        };
        self.request.file_part(name, data);
    }

    /// See [`Request::text_body`].
    pub fn text_body(&mut self, body: String, content_type: &'static str) {
        self.request.text_body(body, content_type);
    }

    /// The per-call options, to change one.
    pub fn options(&mut self) -> &mut CallOptions {
        &mut self.request.options
    }

    /// Sets the idempotency key sent on every attempt of this call.
    pub fn set_idempotency_key(&mut self, key: String) {
        self.request.options.idempotency_key = Some(key);
    }

    /// Overrides the client's maximum number of retries for this call.
    pub fn set_max_retries(&mut self, max_retries: u32) {
        self.request.options.max_retries = Some(max_retries);
    }

    /// Overrides the client's per-attempt timeout for this call.
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.request.options.timeout = Some(timeout);
    }

    /// Bounds this call as a whole, retries and waits included.
    pub fn set_deadline(&mut self, deadline: Duration) {
        self.request.options.deadline = Some(deadline);
    }

    /// Adds a header to this call; an invalid one is reported when it runs.
    pub fn add_header(&mut self, name: &str, value: &str) {
        self.request.options.add_header(name, value);
    }

    /// Adds an interceptor to this call.
    pub fn add_interceptor(&mut self, interceptor: impl Interceptor) {
        self.request
            .options
            .interceptors
            .push(std::sync::Arc::new(interceptor));
    }

    /// Merges a whole set of options into this call's (see [`CallOptions::and`]).
    pub fn merge_options(&mut self, options: CallOptions) {
        self.request.options.merge(options);
    }

    /// The request as described so far.
    pub fn request(&self) -> &Request {
        &self.request
    }

    /// Takes the call apart, for the paging streams.
    pub(crate) fn into_parts(self) -> (&'a Client, Request, DecodeOk<T>, DecodeErr) {
        (self.client, self.request, self.ok, self.err)
    }
}

/// The request builder of an operation with nothing optional to set: `.await` it, or call
/// [`send`](Self::send), after any per-call options.
///
/// Generated clients name it per operation (`builders::GetPet<'a>` is an alias of
/// `RequestBuilder<'a, types::Pet>`); operations with optional parameters get a builder type
/// of their own with the same methods. One generic type instead of one copy per operation
/// keeps large clients quick to compile.
///
/// ```no_run
/// # async fn demo(pet: sdk_runtime::RequestBuilder<'_, ()>) -> sdk_runtime::Result<()> {
/// use std::time::Duration;
///
/// let response = pet
///     .max_retries(0)
///     .timeout(Duration::from_secs(5))
///     .header("x-tenant", "acme")
///     .await?;
/// println!("request id: {:?}", response.request_id());
/// # Ok(())
/// # }
/// ```
#[must_use = "a request does nothing until it is `.await`ed or sent"]
pub struct RequestBuilder<'a, T>(Call<'a, T>);

impl<'a, T: Send + 'static> RequestBuilder<'a, T> {
    /// Wraps a generated call.
    #[doc(hidden)]
    pub fn from_call(call: Call<'a, T>) -> Self {
        RequestBuilder(call)
    }

    /// The generated call inside, for batch helpers.
    #[doc(hidden)]
    pub fn into_call(self) -> Call<'a, T> {
        self.0
    }

    /// Sends the request and decodes the response.
    pub fn send(self) -> ResponseFuture<'a, T> {
        self.0.send()
    }

    /// Sends this idempotency key (instead of a generated one) on every attempt.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.0.set_idempotency_key(key.into());
        self
    }

    /// Overrides the client's maximum number of retries for this call (`0` disables retries).
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.0.set_max_retries(max_retries);
        self
    }

    /// Overrides the client's per-attempt timeout for this call.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.0.set_timeout(timeout);
        self
    }

    /// Bounds this call as a whole, retries and waits included (see [`CallOptions::deadline`]).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.0.set_deadline(deadline);
        self
    }

    /// Adds a header to this call.
    pub fn header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        self.0.add_header(name.as_ref(), value.as_ref());
        self
    }

    /// Runs `interceptor` on every attempt of this call, after the client's.
    pub fn interceptor(mut self, interceptor: impl Interceptor) -> Self {
        self.0.add_interceptor(interceptor);
        self
    }

    /// Applies a whole set of per-call options.
    pub fn options(mut self, options: CallOptions) -> Self {
        self.0.merge_options(options);
        self
    }

    /// Sends raw bytes as the body, for another media type the operation accepts.
    pub fn body_bytes(
        mut self,
        content_type: &'static str,
        body: impl Into<crate::types::Bytes>,
    ) -> Self {
        self.0.bytes_body(body.into(), content_type);
        self
    }
}

impl<'a> RequestBuilder<'a, Bytes> {
    /// Reads the success body as it arrives instead of into memory: the
    /// response's status, headers and request ID are there at once, and the
    /// body follows as a [`ByteStream`].
    pub fn byte_stream(self) -> RequestBuilder<'a, ByteStream> {
        RequestBuilder(
            self.0
                .into_streaming(crate::streaming::decode::byte_stream, None),
        )
    }
}

impl<'a, T: Send + 'static> IntoFuture for RequestBuilder<'a, T> {
    type Output = Result<Response<T>>;
    type IntoFuture = ResponseFuture<'a, T>;

    fn into_future(self) -> Self::IntoFuture {
        self.0.send()
    }
}

impl<T> fmt::Debug for RequestBuilder<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl<T> fmt::Debug for Call<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call")
            .field("request", &self.request)
            .finish_non_exhaustive()
    }
}

/// Gives a generated request builder the methods every builder shares: `send()`,
/// `.await` (through `IntoFuture`), per-call options and `Debug`.
#[doc(hidden)]
#[macro_export]
macro_rules! __call_impls {
    // Operations with a binary answer get `byte_stream`.
    ($builder:ident, $ok:ty, body, download) => {
        $crate::__call_impls!($builder, $ok, body);
        $crate::__call_impls!(@download $builder);
    };
    ($builder:ident, $ok:ty, download) => {
        $crate::__call_impls!($builder, $ok);
        $crate::__call_impls!(@download $builder);
    };
    (@download $builder:ident) => {
        impl<'a> $builder<'a> {
            /// Reads the success body as it arrives instead of into memory: the
            /// response's status, headers and request ID are there at once, and
            /// the body follows as a [`ByteStream`]($crate::ByteStream).
            #[inline]
            pub fn byte_stream(self) -> $crate::RequestBuilder<'a, $crate::ByteStream> {
                $crate::RequestBuilder::from_call(
                    self.0.into_streaming($crate::__private::decode::byte_stream, None),
                )
            }
        }
    };
    // Multipart operations get `file_part`, to stream a file.
    ($builder:ident, $ok:ty, multipart) => {
        $crate::__call_impls!($builder, $ok, body);

        impl<'a> $builder<'a> {
            /// Sends `file` (bytes, or a file or stream read while it is sent) as the
            /// file part `name`, in place of the body's field of that name.
            #[inline]
            pub fn file_part(
                mut self,
                name: &str,
                file: impl ::core::convert::Into<$crate::Upload>,
            ) -> Self {
                self.0.file_part(name, file.into());
                self
            }
        }
    };
    // Operations with a request body also get `body_bytes`.
    ($builder:ident, $ok:ty, body) => {
        $crate::__call_impls!($builder, $ok);

        impl<'a> $builder<'a> {
            /// Sends raw bytes as the body, for another media type the operation accepts.
            #[inline]
            pub fn body_bytes(
                mut self,
                content_type: &'static str,
                body: impl ::core::convert::Into<$crate::types::Bytes>,
            ) -> Self {
                self.0.bytes_body(body.into(), content_type);
                self
            }
        }
    };
    ($builder:ident, $ok:ty) => {
        impl<'a> $builder<'a> {
            /// Sends the request and decodes the response.
            #[inline]
            pub fn send(self) -> $crate::ResponseFuture<'a, $ok> {
                self.0.send()
            }

            /// Sends this idempotency key (instead of a generated one) on every attempt.
            #[inline]
            pub fn idempotency_key(
                mut self,
                key: impl ::core::convert::Into<::std::string::String>,
            ) -> Self {
                self.0.set_idempotency_key(key.into());
                self
            }

            /// Overrides the client's maximum number of retries for this call (`0` disables retries).
            #[inline]
            pub fn max_retries(mut self, max_retries: u32) -> Self {
                self.0.set_max_retries(max_retries);
                self
            }

            /// Overrides the client's per-attempt timeout for this call.
            #[inline]
            pub fn timeout(mut self, timeout: ::core::time::Duration) -> Self {
                self.0.set_timeout(timeout);
                self
            }

            /// Bounds this call as a whole, retries and waits included.
            #[inline]
            pub fn deadline(mut self, deadline: ::core::time::Duration) -> Self {
                self.0.set_deadline(deadline);
                self
            }

            /// Adds a header to this call.
            #[inline]
            pub fn header(
                mut self,
                name: impl ::core::convert::AsRef<str>,
                value: impl ::core::convert::AsRef<str>,
            ) -> Self {
                self.0.add_header(name.as_ref(), value.as_ref());
                self
            }

            /// Runs `interceptor` on every attempt of this call, after the client's.
            #[inline]
            pub fn interceptor(mut self, interceptor: impl $crate::Interceptor) -> Self {
                self.0.add_interceptor(interceptor);
                self
            }

            /// Applies a whole set of per-call options.
            #[inline]
            pub fn options(mut self, options: $crate::CallOptions) -> Self {
                self.0.merge_options(options);
                self
            }
        }

        impl<'a> ::core::future::IntoFuture for $builder<'a> {
            type Output = $crate::Result<$crate::Response<$ok>>;
            type IntoFuture = $crate::ResponseFuture<'a, $ok>;

            #[inline]
            fn into_future(self) -> Self::IntoFuture {
                self.0.send()
            }
        }

        impl ::core::fmt::Debug for $builder<'_> {
            #[inline]
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Debug::fmt(&self.0, f)
            }
        }
    };
}
