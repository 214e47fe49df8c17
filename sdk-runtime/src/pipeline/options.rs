//! Per-call overrides of the client's configuration: [`CallOptions`].

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::{HeaderMap, HeaderName, HeaderValue};

use crate::error::{self, Error};
use crate::pipeline::interceptor::Interceptor;

/// Per-call overrides of the client's configuration.
///
/// Every request builder has the same setters (`.timeout(..)`, `.header(..)`,
/// …) and takes a whole set with `.options(..)`, so options shared by many
/// calls are written once.
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use sdk_runtime::CallOptions;
///
/// let options = CallOptions::new()
///     .idempotency_key("order-1234")
///     .max_retries(5)
///     .timeout(Duration::from_secs(5))
///     .deadline(Duration::from_secs(20))
///     .header("x-tenant", "acme");
/// ```
#[derive(Clone, Default)]
pub struct CallOptions {
    pub(crate) idempotency_key: Option<String>,
    pub(crate) max_retries: Option<u32>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) deadline: Option<Duration>,
    pub(crate) headers: HeaderMap,
    /// The first header that could not be parsed, reported when the call runs.
    pub(crate) invalid_header: Option<String>,
    pub(crate) interceptors: Vec<Arc<dyn Interceptor>>,
}

impl CallOptions {
    /// Options that override nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// Uses this idempotency key instead of a generated one. An invalid key is
    /// reported as a builder error when the call runs.
    #[must_use]
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }

    /// Overrides the client's maximum number of retries for this call.
    #[must_use]
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = Some(max_retries);
        self
    }

    /// Overrides the client's per-attempt timeout for this call.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Bounds the whole call, every attempt and every wait between attempts
    /// included; overrides the client's deadline. A call still running when
    /// it passes ends with a timeout error ([`Error::is_timeout`]).
    #[must_use]
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// Adds a header to this call, replacing a default header or parameter of
    /// the same name. An invalid name or value is reported as a builder error
    /// when the call runs.
    #[must_use]
    pub fn header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        self.add_header(name.as_ref(), value.as_ref());
        self
    }

    /// Runs `interceptor` on every attempt of this call, after the client's
    /// own interceptors (see [`Interceptor`]).
    #[must_use]
    pub fn interceptor(mut self, interceptor: impl Interceptor) -> Self {
        self.interceptors.push(Arc::new(interceptor));
        self
    }

    /// Merges `other` into these options: what `other` sets wins, headers
    /// and interceptors are added.
    #[must_use]
    pub fn and(mut self, other: CallOptions) -> Self {
        self.merge(other);
        self
    }
}

impl CallOptions {
    pub(crate) fn add_header(&mut self, name: &str, value: &str) {
        let Ok(header) = HeaderName::from_bytes(name.as_bytes()) else {
            return self.invalid(format!("invalid header name `{name}` in call options"));
        };
        match HeaderValue::from_str(value) {
            Ok(value) => {
                self.headers.append(header, value);
            }
            Err(_) => self.invalid(format!(
                "header `{name}` in call options has an invalid value"
            )),
        }
    }

    pub(crate) fn merge(&mut self, other: CallOptions) {
        let CallOptions {
            idempotency_key,
            max_retries,
            timeout,
            deadline,
            headers,
            invalid_header,
            interceptors,
        } = other;
        self.idempotency_key = idempotency_key.or(self.idempotency_key.take());
        self.max_retries = max_retries.or(self.max_retries);
        self.timeout = timeout.or(self.timeout);
        self.deadline = deadline.or(self.deadline);
        if let Some(message) = invalid_header {
            self.invalid(message);
        }
        let mut last = None;
        for (name, value) in headers {
            if let Some(name) = name {
                last = Some(name);
            }
            if let Some(name) = &last {
                self.headers.append(name.clone(), value);
            }
        }
        self.interceptors.extend(interceptors);
    }

    /// The first invalid header, as the builder error the call reports.
    pub(crate) fn header_error(&self) -> Option<Error> {
        self.invalid_header.clone().map(error::builder)
    }

    fn invalid(&mut self, message: String) {
        self.invalid_header.get_or_insert(message);
    }
}

// Header values are left out: callers may pass tokens through `header`.
impl fmt::Debug for CallOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("CallOptions");
        if let Some(key) = &self.idempotency_key {
            d.field("idempotency_key", key);
        }
        if let Some(n) = self.max_retries {
            d.field("max_retries", &n);
        }
        if let Some(t) = self.timeout {
            d.field("timeout", &t);
        }
        if let Some(t) = self.deadline {
            d.field("deadline", &t);
        }
        if !self.headers.is_empty() {
            let names: Vec<&str> = self.headers.keys().map(|n| n.as_str()).collect();
            d.field("headers", &names);
        }
        if !self.interceptors.is_empty() {
            d.field("interceptors", &self.interceptors.len());
        }
        d.finish()
    }
}
