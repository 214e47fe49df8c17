//! Redaction of secrets in everything the runtime logs or prints.
//!
//! Every `tracing` event, every `Debug` impl and every error message that shows a header,
//! a URL or a body goes through one [`Redactor`], so there is exactly one place that
//! decides what is secret.
//!
//! # What is redacted
//!
//! - Always: the headers `Authorization`, `Proxy-Authorization`, `Cookie` and
//!   `Set-Cookie`, any header value marked [`HeaderValue::set_sensitive`], and the password
//!   of a URL's userinfo.
//! - Declared by the API description: the header or query parameter of each `apiKey`
//!   security scheme (added with [`Redactor::header`] / [`Redactor::query_param`]).
//! - Added by the user: `ClientBuilder::redact_header`.
//!
//! Names match case-insensitively, for headers (as HTTP defines) and for query parameters
//! too: some servers accept `API_KEY` and `api_key` alike, and redacting one name too many
//! costs nothing.
//!
//! A redacted value always prints as the fixed marker [`REDACTED`], never a prefix, suffix
//! or length of the secret: even a few characters of a key narrow a search, and a length
//! tells which kind of key it is.
//!
//! # Example
//!
//! ```
//! use http::{HeaderMap, HeaderValue};
//! use sdk_runtime::redact::Redactor;
//!
//! let redactor = Redactor::new().header("X-Api-Key").query_param("api_key");
//! let mut headers = HeaderMap::new();
//! headers.insert("authorization", HeaderValue::from_static("Bearer sk_live_123"));
//! headers.insert("x-api-key", HeaderValue::from_static("k_456"));
//! headers.insert("accept", HeaderValue::from_static("application/json"));
//! let shown = redactor.headers(&headers);
//! assert!(!shown.contains("sk_live") && !shown.contains("k_456"));
//! assert!(shown.contains("accept: application/json"));
//!
//! let url = reqwest::Url::parse("https://api.test/v1/pets?limit=2&api_key=k_456").unwrap();
//! assert_eq!(redactor.url(&url), "https://api.test/v1/pets?limit=2&api_key=[redacted]");
//! ```
//!
//! [`HeaderValue::set_sensitive`]: http::HeaderValue::set_sensitive

use std::fmt::Write as _;

use http::HeaderMap;
use percent_encoding::percent_decode_str;

/// What a redacted value prints as.
pub const REDACTED: &str = "[redacted]";

/// Headers that are redacted by every [`Redactor`], whatever its configuration.
pub const ALWAYS_REDACTED_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
];

/// Decides which header and query values are secret, and renders headers, URLs and bodies
/// for logs with those values replaced by [`REDACTED`].
///
/// The [always-redacted headers](ALWAYS_REDACTED_HEADERS) are built in and cannot be
/// removed, so even `Redactor::default()` is safe. `Debug` lists only the names.
///
/// # Default
///
/// Only the always-redacted headers; no query parameters.
#[derive(Clone, Debug, Default)]
pub struct Redactor {
    /// Extra header names, lowercase.
    headers: Vec<String>,
    /// Extra query parameter names, lowercase.
    query_params: Vec<String>,
}

impl Redactor {
    /// A redactor with only the always-redacted headers.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Also redacts the header `name` (case-insensitive).
    #[must_use]
    pub fn header(mut self, name: &str) -> Self {
        push_unique(&mut self.headers, name);
        self
    }

    /// Also redacts the query parameter `name` (case-insensitive).
    #[must_use]
    pub fn query_param(mut self, name: &str) -> Self {
        push_unique(&mut self.query_params, name);
        self
    }

    /// Whether the value of header `name` is secret.
    #[must_use]
    pub fn is_sensitive_header(&self, name: &str) -> bool {
        ALWAYS_REDACTED_HEADERS
            .iter()
            .any(|h| h.eq_ignore_ascii_case(name))
            || self.headers.iter().any(|h| h.eq_ignore_ascii_case(name))
    }

    /// Whether the value of query parameter `name` (already percent-decoded) is secret.
    #[must_use]
    pub fn is_sensitive_query_param(&self, name: &str) -> bool {
        self.query_params
            .iter()
            .any(|p| p.eq_ignore_ascii_case(name))
    }

    /// Renders headers as `name: value, name: [redacted]`, in map order.
    ///
    /// A value that is not UTF-8 shows as `<binary N bytes>`.
    ///
    /// ```
    /// use http::{HeaderMap, HeaderValue};
    /// use sdk_runtime::redact::Redactor;
    ///
    /// let mut headers = HeaderMap::new();
    /// headers.insert("cookie", HeaderValue::from_static("session=abc"));
    /// headers.insert("x-request-id", HeaderValue::from_static("req_1"));
    /// assert_eq!(Redactor::new().headers(&headers), "cookie: [redacted], x-request-id: req_1");
    /// ```
    #[must_use]
    pub fn headers(&self, headers: &HeaderMap) -> String {
        let mut out = String::new();
        for (name, value) in headers {
            if !out.is_empty() {
                out.push_str(", ");
            }
            out.push_str(name.as_str());
            out.push_str(": ");
            if value.is_sensitive() || self.is_sensitive_header(name.as_str()) {
                out.push_str(REDACTED);
            } else {
                match std::str::from_utf8(value.as_bytes()) {
                    Ok(text) => out.push_str(text),
                    Err(_) => {
                        let _ = write!(out, "<binary {} bytes>", value.len());
                    }
                }
            }
        }
        out
    }

    /// Renders a URL with the values of sensitive query parameters (and of fragment
    /// parameters, where OAuth puts tokens) and any userinfo password replaced by
    /// [`REDACTED`]. Everything else is kept byte for byte.
    ///
    /// ```
    /// use sdk_runtime::redact::Redactor;
    ///
    /// let url = reqwest::Url::parse("https://user:hunter2@api.test/a?token=t1&x=1").unwrap();
    /// let shown = Redactor::new().query_param("token").url(&url);
    /// assert_eq!(shown, "https://user:[redacted]@api.test/a?token=[redacted]&x=1");
    /// ```
    #[must_use]
    pub fn url(&self, url: &reqwest::Url) -> String {
        let full = url.as_str();
        // The serialization is `…?query#fragment`; `?` and `#` cannot appear unencoded
        // earlier (userinfo, host and path encode them), so the first ones split it.
        let (rest, fragment) = match url.fragment() {
            Some(f) => (&full[..full.len() - f.len() - 1], Some(f)),
            None => (full, None),
        };
        let (base, query) = match url.query() {
            Some(q) => (&rest[..rest.len() - q.len() - 1], Some(q)),
            None => (rest, None),
        };
        let mut out = without_password(url, base);
        if let Some(q) = query {
            out.push('?');
            self.push_redacted_pairs(&mut out, q);
        }
        if let Some(f) = fragment {
            out.push('#');
            self.push_redacted_pairs(&mut out, f);
        }
        out
    }

    /// Renders a body for a log line: lossy UTF-8, cut to at most `limit` bytes at a
    /// character boundary, followed by `… (N bytes total)` when it was cut.
    ///
    /// ```
    /// use sdk_runtime::redact::Redactor;
    ///
    /// let r = Redactor::new();
    /// assert_eq!(r.body(b"{\"ok\":true}", 100), "{\"ok\":true}");
    /// assert_eq!(r.body("héllo".as_bytes(), 2), "h… (6 bytes total)");
    /// ```
    #[must_use]
    pub fn body(&self, body: &[u8], limit: usize) -> String {
        if body.len() <= limit {
            return String::from_utf8_lossy(body).into_owned();
        }
        let cut = char_boundary_at_or_before(body, limit);
        let mut out = String::from_utf8_lossy(&body[..cut]).into_owned();
        let _ = write!(out, "… ({} bytes total)", body.len());
        out
    }

    // ===== internal =====

    /// Appends `a=1&b=2` with sensitive values replaced, other bytes unchanged.
    fn push_redacted_pairs(&self, out: &mut String, pairs: &str) {
        for (i, pair) in pairs.split('&').enumerate() {
            if i > 0 {
                out.push('&');
            }
            match pair.split_once('=') {
                Some((name, _)) if self.is_sensitive_query_param(&decode_name(name)) => {
                    out.push_str(name);
                    out.push('=');
                    out.push_str(REDACTED);
                }
                _ => out.push_str(pair),
            }
        }
    }
}

/// `base` with the userinfo password replaced by the marker.
fn without_password(url: &reqwest::Url, base: &str) -> String {
    let Some(password) = url.password() else {
        return base.to_owned();
    };
    // `scheme://username:password@…`, exactly as `Url` serializes it.
    let start = url.scheme().len() + "://".len() + url.username().len() + ":".len();
    let end = start + password.len();
    match base.get(start..end) {
        Some(found) if found == password && base[..start].ends_with(':') => {
            format!("{}{REDACTED}{}", &base[..start], &base[end..])
        }
        // Unexpected layout: drop the whole userinfo rather than risk printing it.
        _ => match base.split_once('@') {
            Some((_, host_and_path)) => {
                format!("{}://{REDACTED}@{host_and_path}", url.scheme())
            }
            None => base.to_owned(),
        },
    }
}

/// The largest cut `<= limit` that does not split a UTF-8 character of `body`
/// (`limit < body.len()`). Invalid bytes are cut exactly at the limit: they print as
/// replacement characters either way.
fn char_boundary_at_or_before(body: &[u8], limit: usize) -> usize {
    let Some(last) = body[..limit].utf8_chunks().last() else {
        return limit;
    };
    // A character split by the cut shows up as an invalid tail of the prefix…
    let tail = last.invalid().len();
    if tail == 0 {
        return limit;
    }
    // …that decodes fine once the bytes after the cut are added back.
    let start = limit - tail;
    let window = &body[start..body.len().min(start + 4)];
    let completes = match std::str::from_utf8(window) {
        Ok(_) => true,
        Err(e) => e.valid_up_to() > 0,
    };
    if completes { start } else { limit }
}

/// Decodes a form-encoded parameter name (`+` is a space) for comparison.
fn decode_name(name: &str) -> String {
    percent_decode_str(&name.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

fn push_unique(list: &mut Vec<String>, name: &str) {
    let name = name.trim().to_ascii_lowercase();
    if !name.is_empty() && !list.contains(&name) {
        list.push(name);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn url(s: &str) -> reqwest::Url {
        reqwest::Url::parse(s).unwrap()
    }

    #[test]
    fn always_redacted_headers_ignore_case_and_cannot_be_removed() {
        let r = Redactor::default();
        for name in [
            "Authorization",
            "PROXY-AUTHORIZATION",
            "cookie",
            "Set-Cookie",
        ] {
            assert!(r.is_sensitive_header(name), "{name}");
        }
        assert!(!r.is_sensitive_header("accept"));
        let r = r.header("X-API-Key").header("x-api-key");
        assert!(r.is_sensitive_header("x-api-KEY"));
        assert_eq!(r.headers.len(), 1, "deduplicated");
    }

    #[test]
    fn header_rendering() {
        let r = Redactor::new().header("x-secret");
        let mut map = HeaderMap::new();
        map.insert(
            "authorization",
            HeaderValue::from_static("Basic dXNlcjpwYXNz"),
        );
        map.insert("x-secret", HeaderValue::from_static("s3cr3t"));
        let mut marked = HeaderValue::from_static("tok_marked");
        marked.set_sensitive(true);
        map.insert("x-other", marked);
        map.insert(
            "x-binary",
            HeaderValue::from_bytes(b"\xff\xfe\x80").unwrap(),
        );
        map.insert(
            "x-utf8",
            HeaderValue::from_bytes("café".as_bytes()).unwrap(),
        );
        map.append("accept", HeaderValue::from_static("a/b"));
        map.append("accept", HeaderValue::from_static("c/d"));
        let shown = r.headers(&map);
        assert_eq!(
            shown,
            "authorization: [redacted], x-secret: [redacted], x-other: [redacted], \
             x-binary: <binary 3 bytes>, x-utf8: café, accept: a/b, accept: c/d"
        );
        assert_eq!(r.headers(&HeaderMap::new()), "");
    }

    #[test]
    fn url_query_and_password_redaction() {
        let r = Redactor::new().query_param("api_key").query_param("Token");
        assert_eq!(r.url(&url("https://h.test/p?a=1")), "https://h.test/p?a=1");
        assert_eq!(r.url(&url("https://h.test/p")), "https://h.test/p");
        assert_eq!(
            r.url(&url(
                "https://h.test/p?API_KEY=k1&q=a%20b+c&api%5Fkey=k2&token&x="
            )),
            "https://h.test/p?API_KEY=[redacted]&q=a%20b+c&api%5Fkey=[redacted]&token&x="
        );
        assert_eq!(
            r.url(&url(
                "https://u:p%40ss@h.test:8443/p?token=t#token=frag&z=1"
            )),
            "https://u:[redacted]@h.test:8443/p?token=[redacted]#token=[redacted]&z=1"
        );
        assert_eq!(
            r.url(&url("https://:only@h.test/")),
            "https://:[redacted]@h.test/"
        );
        assert_eq!(r.url(&url("https://user@h.test/")), "https://user@h.test/");
    }

    #[test]
    fn redaction_never_leaks_part_of_the_secret() {
        let secret = "sk_live_abcdefghijklmnop";
        let r = Redactor::new().query_param("key");
        let shown = r.url(&url(&format!(
            "https://{secret}:{secret}@h.test/?key={secret}"
        )));
        // The username is not a secret by design; only the password and the value are.
        assert_eq!(shown.matches("sk_").count(), 1, "{shown}");
        let mut map = HeaderMap::new();
        map.insert(
            "authorization",
            HeaderValue::from_str(&format!("Bearer {secret}")).unwrap(),
        );
        let shown = r.headers(&map);
        assert!(!shown.contains("sk_") && !shown.contains("mnop") && shown.contains(REDACTED));
    }

    #[test]
    fn body_truncation() {
        let r = Redactor::new();
        assert_eq!(r.body(b"", 0), "");
        assert_eq!(r.body(b"abc", 3), "abc");
        assert_eq!(r.body(b"abcd", 3), "abc… (4 bytes total)");
        assert_eq!(r.body(b"abcd", 0), "… (4 bytes total)");
        // "é" is 2 bytes, "😀" is 4: never split them.
        assert_eq!(r.body("aé".as_bytes(), 2), "a… (3 bytes total)");
        assert_eq!(r.body("😀x".as_bytes(), 3), "… (5 bytes total)");
        assert_eq!(r.body("😀x".as_bytes(), 4), "😀… (5 bytes total)");
        // Invalid UTF-8 is shown lossily and cut exactly at the limit.
        assert_eq!(r.body(b"\xff\xfe", 10), "\u{fffd}\u{fffd}");
        assert_eq!(
            r.body(&[0x80; 10], 5),
            format!("{}… (10 bytes total)", "\u{fffd}".repeat(5))
        );
        assert_eq!(r.body(b"a\x80\x80", 2), "a\u{fffd}… (3 bytes total)");
        assert_eq!(r.body(b"ab\xf0\x9f", 3), "ab\u{fffd}… (4 bytes total)");
    }
}
