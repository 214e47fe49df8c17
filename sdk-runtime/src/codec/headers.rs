//! Reading the headers servers use to say "wait": `Retry-After` and `retry-after-ms`.
//!
//! Both the retry stage (how long to back off) and errors (what
//! [`Error::retry_after`](crate::Error::retry_after) reports) read them, so the
//! parsing lives once, here, below both.

use std::time::{Duration, SystemTime};

use http::HeaderMap;
use http::header::AsHeaderName;

/// Non-standard header with the wait in milliseconds; checked before `Retry-After`.
pub const RETRY_AFTER_MS_HEADER: &str = "retry-after-ms";

/// The wait a server requested in its response headers, if any.
///
/// `retry-after-ms` (milliseconds, may be fractional) is checked first, then `Retry-After`
/// as delay-seconds or as an HTTP date, measured from `now` (a date in the past means
/// "now": zero). Negative, non-numeric or unparseable values are ignored (`None`).
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use sdk_runtime::HeaderMap;
/// use sdk_runtime::retry::retry_after;
///
/// let mut headers = HeaderMap::new();
/// headers.insert("retry-after", "120".parse().unwrap());
/// assert_eq!(retry_after(&headers, SystemTime::now()), Some(Duration::from_secs(120)));
/// headers.insert("retry-after-ms", "250".parse().unwrap());
/// assert_eq!(retry_after(&headers, SystemTime::now()), Some(Duration::from_millis(250)));
/// ```
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    if let Some(ms) = text(headers, RETRY_AFTER_MS_HEADER).and_then(parse_non_negative)
        && let Ok(wait) = Duration::try_from_secs_f64(ms / 1000.0)
    {
        return Some(wait);
    }
    let value = text(headers, http::header::RETRY_AFTER.as_str())?;
    if let Some(secs) = parse_non_negative(value) {
        return Duration::try_from_secs_f64(secs).ok();
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The trimmed text of the first value of `name`, when it is visible ASCII.
///
/// Callers on the hot path pass a `HeaderName` constant: a `&str` name is
/// parsed again on every lookup.
pub(crate) fn text(headers: &HeaderMap, name: impl AsHeaderName) -> Option<&str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
}

/// A finite, non-negative decimal number; rejects `inf`, `NaN` and signs that `f64`
/// parsing would otherwise accept.
pub(crate) fn parse_non_negative(s: &str) -> Option<f64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    s.parse::<f64>().ok().filter(|v| v.is_finite())
}
