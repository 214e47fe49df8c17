//! The redirect policy of the client's own `reqwest::Client`.

/// Follows at most [`MAX_REDIRECTS`] redirects, and only within the origin
/// (scheme, host, port) of the request. reqwest itself drops `Authorization`
/// and cookies on a cross-origin redirect but would forward an API key sent in
/// a custom header (`X-API-Key`) or a default header; not following such a
/// redirect keeps every credential at the origin it was configured for. The
/// 3xx then reaches the caller as a status error.
pub(crate) fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let previous = attempt.previous();
        let same_origin = previous
            .first()
            .is_some_and(|first| first.origin() == attempt.url().origin());
        if !same_origin {
            attempt.stop()
        } else if previous.len() >= MAX_REDIRECTS {
            attempt.error(format!("too many redirects (limit {MAX_REDIRECTS})"))
        } else {
            attempt.follow()
        }
    })
}

/// Bound on a redirect chain within one origin (as reqwest's default policy).
const MAX_REDIRECTS: usize = 10;
