//! Where a call goes: the request URL, built from the base URL and the path,
//! and its redacted `METHOD url` for events and errors.

use std::sync::OnceLock;

use http::Method;

use crate::error::{self, Error, SecretValues};
use crate::redact::Redactor;

/// The base URL every path is appended to, parsed once when the client is built.
pub(crate) struct BaseUrl {
    /// As configured, without a trailing `/` (what `Client::base_url` shows).
    text: String,
    parsed: reqwest::Url,
}

impl BaseUrl {
    pub(crate) fn new(parsed: reqwest::Url) -> Self {
        BaseUrl {
            text: parsed.as_str().trim_end_matches('/').to_owned(),
            parsed,
        }
    }

    /// The base URL without a trailing `/`.
    pub(crate) fn as_str(&self) -> &str {
        &self.text
    }

    /// The URL of a request: the base URL, then `path` (percent-encoded by
    /// `Request`, starting with `/`), then the encoded `query` pairs.
    ///
    /// The usual path only parses the path; a path a URL parser would read
    /// differently from a plain path (one with `?`, `#`, `\`, spaces or
    /// control characters, or without a leading `/`) takes the slow road
    /// through a full parse of the joined text, so both roads always give the
    /// same URL.
    pub(crate) fn join(&self, path: &str, query: &[String]) -> Result<reqwest::Url, Error> {
        let plain = path.starts_with('/')
            && !path
                .bytes()
                .any(|b| b <= b' ' || matches!(b, b'?' | b'#' | b'\\' | 0x7f));
        let mut url = if plain {
            let mut url = self.parsed.clone();
            let base_path = url.path().trim_end_matches('/');
            let mut full = String::with_capacity(base_path.len() + path.len());
            full.push_str(base_path);
            full.push_str(path);
            url.set_path(&full);
            url
        } else {
            reqwest::Url::parse(&format!("{}{path}", self.text))
                .map_err(|e| error::builder(format!("invalid request URL: {e}")))?
        };
        if !query.is_empty() {
            url.set_query(Some(&query.join("&")));
        }
        Ok(url)
    }
}

/// The method and URL of one call (before credentials), with their redacted
/// text rendered on first use and then kept for every later event and error.
pub(crate) struct Target<'a> {
    method: Method,
    url: reqwest::Url,
    redactor: &'a Redactor,
    /// The client's credentials, for an error to redact from a kept body.
    credentials: &'a dyn SecretValues,
    shown: OnceLock<String>,
}

impl<'a> Target<'a> {
    pub(crate) fn new(
        method: Method,
        url: reqwest::Url,
        redactor: &'a Redactor,
        credentials: &'a dyn SecretValues,
    ) -> Self {
        Self {
            method,
            url,
            redactor,
            credentials,
            shown: OnceLock::new(),
        }
    }

    /// The client's credentials.
    pub(crate) fn credentials(&self) -> &'a dyn SecretValues {
        self.credentials
    }

    pub(crate) fn method(&self) -> &Method {
        &self.method
    }

    pub(crate) fn url(&self) -> &reqwest::Url {
        &self.url
    }

    /// `METHOD url`, redacted.
    pub(crate) fn shown(&self) -> &str {
        self.shown.get_or_init(|| self.render())
    }

    /// [`shown`](Self::shown), owned, for an error.
    pub(crate) fn into_shown(mut self) -> String {
        self.shown.take().unwrap_or_else(|| self.render())
    }

    fn render(&self) -> String {
        format!("{} {}", self.method, self.redactor.url(&self.url))
    }
}

#[cfg(test)]
mod tests {
    use super::BaseUrl;

    /// The fast path (parsed base + `set_path`) must give exactly the URL a
    /// full parse of the joined text gives, for every base and path shape.
    #[test]
    fn request_url_matches_a_full_parse() {
        let bases = [
            "http://127.0.0.1:8080",
            "https://api.example/v1/",
            "https://user:pw@api.example:8443/a/b",
            "http://[::1]/x//",
        ];
        let paths = [
            "/",
            "/orders",
            "/pets/a%2Fb",
            "/a/../b",
            "/a/./b/",
            "/a/%2e%2e/b",
            "//double",
            "/ü/ß",
            "/a%zz",
            "/a;b,c|d",
            "/a?x=1",
            "/a#frag",
            "/a b",
            "/a\\b",
            "relative",
            "",
        ];
        for base in bases {
            let base = BaseUrl::new(reqwest::Url::parse(base).unwrap());
            for path in paths {
                for query in [&[][..], &["a=1".to_owned(), "b=%20".to_owned()][..]] {
                    let fast = base.join(path, query).ok();
                    let slow = reqwest::Url::parse(&format!("{}{path}", base.as_str()));
                    let slow = slow.ok().map(|mut url| {
                        if !query.is_empty() {
                            url.set_query(Some(&query.join("&")));
                        }
                        url
                    });
                    assert_eq!(fast, slow, "base {:?}, path {path:?}", base.as_str());
                }
            }
        }
    }
}
