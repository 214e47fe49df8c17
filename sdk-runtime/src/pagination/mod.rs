//! Auto-paging: every item of a paginated list operation as one stream.
//!
//! For each list operation the generator recognises as paginated, the
//! request builder gains two methods:
//!
//! * `.pages()` → [`Pages<P>`]: a `Stream` of `Result<Response<P>>`, one
//!   decoded page at a time, each with its status, headers and request ID;
//! * `.items()` → [`Items<T>`]: a `Stream` of `Result<T>` over the items of
//!   those pages; [`Items::request_id`] names the response the latest item
//!   came from.
//!
//! ```no_run
//! # mod api { sdk_runtime::generate_client!("guide/api.yaml"); }
//! # use api::types::User;
//! # async fn run(client: api::Client) -> sdk_runtime::Result<()> {
//! use futures::TryStreamExt;
//!
//! let users: Vec<User> = client.users().list_users().items().try_collect().await?;
//!
//! let mut pages = client.users().list_users().limit(50).pages();
//! while let Some(page) = pages.try_next().await? {
//!     println!("{} users (request id {:?})", page.data.len(), page.request_id());
//! }
//! # Ok(()) }
//! ```
//!
//! # How the next page is found
//!
//! Every page is the caller's request sent again through the one execute path
//! (so authentication, retries with backoff, timeouts and tracing apply to
//! each page exactly as to a single call), with one query parameter moved:
//!
//! | style | next request | last page when |
//! |---|---|---|
//! | cursor | the cursor parameter set to the body's next cursor (e.g. `next_cursor`, `meta.cursors.next`), or to the last item's id (`starting_after` + `has_more`) | no cursor, `has_more: false`, or an empty page |
//! | offset | `offset` + items received | an empty page, `has_more: false`, or `total` reached |
//! | page | `page` + 1 | an empty page, `has_more: false`, or `total` reached |
//! | link | the `Link: <…>; rel="next"` URL | no `rel="next"` link |
//!
//! A next cursor that looks like a URL (`https://…` or `/…`) is followed as a
//! URL, the way the `next` field of many APIs works. URLs are followed only
//! below the client's base URL: a link to another origin ends the stream with
//! an error instead of sending the client's credentials there.
//!
//! A short page does **not** end offset or page paging: servers often cap the
//! page size below what the document allows, and stopping at the first short
//! page would silently drop the rest. The cost is one final empty request.
//!
//! # Defaults
//!
//! * **Page size**: when the caller did not set the limit parameter, the
//!   largest one the document allows (the parameter's `maximum`); without a
//!   `maximum`, the server's default.
//! * **Laziness**: a page is requested only when the previous one has been
//!   consumed, so at most one page is held in memory; nothing is prefetched.
//! * **Errors**: a failed page (after the client's retries) is yielded as an
//!   `Err` and ends the stream. A server that returns the same cursor twice
//!   ends it with an error too, rather than looping forever.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::stream::{self, Stream, StreamExt};
use percent_encoding::percent_decode_str;

use crate::call::Call;
use crate::client::Client;
use crate::codec::decode::{DecodeErr, DecodeOk};
use crate::codec::encode;
use crate::contract::{Paging, PagingStyle};
use crate::error::{self, Error, Kind, Result};
use crate::pipeline::request::Request;
use crate::pipeline::response::{Response, ResponseHead};

pub(crate) mod generated;
mod probe;

/// A stream of decoded pages, each a [`Response`] with its request ID.
///
/// Returned by the generated `.pages()` methods. It is `Send`, `'static`
/// (it holds a clone of the client) and `Unpin`.
#[must_use = "streams do nothing unless polled"]
pub struct Pages<P> {
    inner: BoxStream<Result<Response<P>>>,
}

impl<P> Pages<P> {
    /// The next page, or `None` after the last one or after an error.
    ///
    /// The same as `StreamExt::next`, without importing `futures`.
    pub async fn next(&mut self) -> Option<Result<Response<P>>> {
        StreamExt::next(&mut self.inner).await
    }
}

impl<P> Stream for Pages<P> {
    type Item = Result<Response<P>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl<P> fmt::Debug for Pages<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages").finish_non_exhaustive()
    }
}

/// A stream of the items of every page, requested lazily.
///
/// Returned by the generated `.items()` methods. Holds at most one page of
/// items; the metadata of the page the latest item came from stays reachable
/// through [`page_head`](Self::page_head) and [`request_id`](Self::request_id).
#[must_use = "streams do nothing unless polled"]
pub struct Items<T> {
    pages: BoxStream<Result<(ResponseHead, Vec<T>)>>,
    current: std::vec::IntoIter<T>,
    head: Option<ResponseHead>,
}

// No field is structurally pinned: the page stream is boxed.
impl<T> Unpin for Items<T> {}

impl<T> Items<T> {
    /// The next item, or `None` after the last one or after an error.
    ///
    /// The same as `StreamExt::next`, without importing `futures`.
    pub async fn next(&mut self) -> Option<Result<T>> {
        StreamExt::next(self).await
    }

    /// Status, headers and request ID of the page the latest item came from.
    pub fn page_head(&self) -> Option<&ResponseHead> {
        self.head.as_ref()
    }

    /// The request ID of the page the latest item came from.
    pub fn request_id(&self) -> Option<&str> {
        self.head.as_ref().and_then(ResponseHead::request_id)
    }
}

impl<T> Stream for Items<T> {
    type Item = Result<T>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(item) = this.current.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match this.pages.as_mut().poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(Some(Ok((head, items)))) => {
                    this.head = Some(head);
                    this.current = items.into_iter();
                }
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.current.len(), None)
    }
}

impl<T> fmt::Debug for Items<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items")
            .field("buffered", &self.current.len())
            .field("request_id", &self.request_id())
            .finish_non_exhaustive()
    }
}

/// Streams the pages of `call`, described by `paging`.
pub(crate) fn start<P: Send + 'static>(call: Call<'_, P>, paging: &'static Paging) -> Pages<P> {
    let (client, mut request, ok, err) = call.into_parts();
    if let Some(error) = request.error.take() {
        return Pages::failed(error);
    }
    if !request.body.is_replayable() {
        return Pages::failed(error::builder(
            "a request with a streaming body cannot be paged through",
        ));
    }
    if let (Some(name), Some(max)) = (paging.limit_param, paging.max_limit)
        && query_value(&request.query, name).is_none()
    {
        set_query(&mut request.query, name, &max.to_string());
    }
    let (offset, page) = match paging.style {
        PagingStyle::Offset { param } => (query_number(&request.query, param).unwrap_or(0), 0),
        PagingStyle::Page { param, first } => {
            (0, query_number(&request.query, param).unwrap_or(first))
        }
        _ => (0, 0),
    };
    let from_start = match paging.style {
        PagingStyle::Offset { .. } => offset == 0,
        PagingStyle::Page { first, .. } => page == first,
        _ => false,
    };
    let state = State {
        client: client.clone(),
        template: request,
        ok,
        err,
        paging,
        position: Position::First,
        offset,
        page,
        seen: 0,
        from_start,
        last_cursor: None,
        pages: 0,
    };
    let stream = stream::unfold(Some(state), |state| async move {
        let mut state = state?;
        let (page, more) = state.fetch().await;
        Some((page, more.then_some(state)))
    });
    Pages {
        inner: Box::pin(stream),
    }
}

/// Streams the items of `pages`, taking each page's items with `extract`.
pub(crate) fn flatten<P: Send + 'static, T: Send + 'static>(
    pages: Pages<P>,
    extract: fn(P) -> Vec<T>,
) -> Items<T> {
    let pages = pages.map(move |page| {
        page.map(|response| {
            let (head, page) = response.into_parts();
            (head, extract(page))
        })
    });
    Items {
        pages: Box::pin(pages),
        current: Vec::new().into_iter(),
        head: None,
    }
}

// ===== internal =====

type BoxStream<T> = Pin<Box<dyn Stream<Item = T> + Send>>;

impl<P: Send + 'static> Pages<P> {
    fn failed(error: Error) -> Self {
        Pages {
            inner: Box::pin(stream::once(async move { Err(error) })),
        }
    }
}

/// Where the next request goes.
enum Position {
    /// The caller's request as it is.
    First,
    /// The moving parameter set to this (unencoded) value.
    Query(String),
    /// A URL below the base URL: its path and encoded query pairs.
    Url { path: String, query: Vec<String> },
    /// The pagination itself went wrong; yielded once, then the stream ends.
    Fail(Error),
}

struct State<P> {
    client: Client,
    /// The first page's request; every page is a copy of it.
    template: Request,
    ok: DecodeOk<P>,
    err: DecodeErr,
    paging: &'static Paging,
    position: Position,
    /// Offset style: the offset of the page being fetched.
    offset: u64,
    /// Page style: the number of the page being fetched.
    page: u64,
    /// Items received so far.
    seen: u64,
    /// Whether paging started at the first item, so `seen` can be compared
    /// with a page-style `total`.
    from_start: bool,
    /// The cursor sent last, to stop a server that repeats itself.
    last_cursor: Option<String>,
    pages: u64,
}

impl<P> State<P> {
    /// Fetches one page; the flag says whether another may follow.
    async fn fetch(&mut self) -> (Result<Response<P>>, bool) {
        let Some(mut request) = self.template.try_clone() else {
            let e = error::builder("the paged request cannot be sent again");
            return (Err(e), false);
        };
        match std::mem::replace(&mut self.position, Position::First) {
            Position::First => {}
            Position::Query(value) => {
                if let Some(param) = self.moving_param() {
                    set_query(&mut request.query, param, &value);
                }
            }
            Position::Url { path, query } => {
                request.path = path;
                request.query = query;
            }
            Position::Fail(e) => return (Err(e), false),
        }
        let raw = match self.client.pipeline().execute_raw(request).await {
            Ok(raw) => raw,
            Err(e) => return (Err(e), false),
        };
        let parts = raw.parts();
        let found = parts
            .status
            .is_success()
            .then(|| probe::read(parts.body, self.paging));
        let response = match raw.decode(self.ok, self.err) {
            Ok(response) => response,
            Err(e) => return (Err(e), false),
        };
        self.pages += 1;
        let more = match found {
            Some(found) => {
                let count = found.count;
                let more = self.advance(found, &response);
                tracing::debug!(
                    target: "sdk_runtime",
                    operation = self.template.op.id, page = self.pages, items = count,
                    request_id = response.request_id(), last = !more,
                    "page"
                );
                more
            }
            None => false,
        };
        (Ok(response), more)
    }

    fn moving_param(&self) -> Option<&'static str> {
        match self.paging.style {
            PagingStyle::Cursor { param } => param,
            PagingStyle::Offset { param } | PagingStyle::Page { param, .. } => Some(param),
            PagingStyle::LinkHeader => None,
        }
    }

    /// Decides where the next page is, or that there is none.
    fn advance(&mut self, found: probe::Found, response: &Response<P>) -> bool {
        let count = found.count as u64;
        self.seen += count;
        if found.has_more == Some(false) {
            return false;
        }
        let reached = |n: u64| found.total.is_some_and(|total| n >= total);
        match self.paging.style {
            PagingStyle::Cursor { param } => {
                let cursor = match self.paging.cursor_item_field {
                    Some(_) if count == 0 => None,
                    Some(_) => found.last_item_field,
                    None => found.next,
                };
                let Some(cursor) = cursor.filter(|c| !c.is_empty()) else {
                    return false;
                };
                self.move_to_cursor(cursor, param)
            }
            PagingStyle::Offset { .. } => {
                self.offset += count;
                if count == 0 || reached(self.offset) {
                    return false;
                }
                self.position = Position::Query(self.offset.to_string());
                true
            }
            PagingStyle::Page { .. } => {
                self.page += 1;
                if count == 0 || (self.from_start && reached(self.seen)) {
                    return false;
                }
                self.position = Position::Query(self.page.to_string());
                true
            }
            PagingStyle::LinkHeader => {
                let next = response
                    .headers()
                    .get_all(http::header::LINK)
                    .iter()
                    .filter_map(|v| v.to_str().ok())
                    .find_map(link_next);
                match next {
                    Some(url) => {
                        let url = url.to_owned();
                        self.move_to_url(&url);
                        true
                    }
                    None => false,
                }
            }
        }
    }

    fn move_to_cursor(&mut self, cursor: String, param: Option<&'static str>) -> bool {
        if self.last_cursor.as_deref() == Some(cursor.as_str()) {
            self.position = Position::Fail(paging_error(format!(
                "the server returned the same cursor twice on `{}`; stopping instead of looping",
                self.template.op.id
            )));
            return true;
        }
        if is_url(&cursor) {
            self.move_to_url(&cursor);
        } else if param.is_some() {
            self.position = Position::Query(cursor.clone());
        } else {
            self.position = Position::Fail(paging_error(
                "the next-page value is not a URL and the operation has no cursor parameter",
            ));
        }
        self.last_cursor = Some(cursor);
        true
    }

    fn move_to_url(&mut self, url: &str) {
        self.position = match below_base(self.client.base_url(), url) {
            Some((path, query)) => Position::Url { path, query },
            None => Position::Fail(paging_error(
                "the next-page URL is not below the client's base URL; not following it, \
                 so the client's credentials are not sent elsewhere",
            )),
        };
    }
}

fn paging_error(message: impl Into<String>) -> Error {
    Error::new(Kind::Decode).with_message(message.into())
}

fn is_url(value: &str) -> bool {
    value.starts_with("https://") || value.starts_with("http://") || value.starts_with('/')
}

/// Splits `url` (absolute or relative to `base`) into a path relative to
/// `base` and encoded query pairs, when it has the same origin and lies below
/// the base path.
fn below_base(base: &str, url: &str) -> Option<(String, Vec<String>)> {
    let base = reqwest::Url::parse(base).ok()?;
    let next = base.join(url).ok()?;
    if next.origin() != base.origin() {
        return None;
    }
    let prefix = base.path().trim_end_matches('/');
    let rest = next.path().strip_prefix(prefix)?;
    if !rest.starts_with('/') {
        return None;
    }
    let query = next
        .query()
        .unwrap_or_default()
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(str::to_owned)
        .collect();
    Some((rest.to_owned(), query))
}

/// The URL of the `rel="next"` link of one `Link` header value (RFC 8288).
fn link_next(value: &str) -> Option<&str> {
    let mut rest = value;
    while let Some(start) = rest.find('<') {
        let end = start + rest[start..].find('>')?;
        let url = &rest[start + 1..end];
        let after = &rest[end + 1..];
        let params_end = after.find('<').unwrap_or(after.len());
        let is_next = after[..params_end].split([';', ',']).any(|param| {
            let Some((name, value)) = param.split_once('=') else {
                return false;
            };
            name.trim().eq_ignore_ascii_case("rel")
                && value
                    .trim()
                    .trim_matches('"')
                    .split_ascii_whitespace()
                    .any(|rel| rel.eq_ignore_ascii_case("next"))
        });
        if is_next {
            return Some(url);
        }
        rest = &after[params_end..];
    }
    None
}

/// Replaces every value of query parameter `name` with `value`.
fn set_query(query: &mut Vec<String>, name: &str, value: &str) {
    query.retain(|pair| !pair_is(pair, name));
    query.push(encode::query_pair(name, value));
}

/// The first value of query parameter `name`, decoded.
fn query_value(query: &[String], name: &str) -> Option<String> {
    query.iter().find(|pair| pair_is(pair, name)).map(|pair| {
        let value = pair.split_once('=').map_or("", |(_, v)| v);
        percent_decode_str(value).decode_utf8_lossy().into_owned()
    })
}

fn query_number(query: &[String], name: &str) -> Option<u64> {
    query_value(query, name).and_then(|v| v.trim().parse().ok())
}

fn pair_is(pair: &str, name: &str) -> bool {
    let key = pair.split_once('=').map_or(pair, |(k, _)| k);
    percent_decode_str(key).decode_utf8_lossy() == name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_next_link() {
        let header = r#"<https://api.example/items?page=1>; rel="prev", <https://api.example/items?page=3>; rel="next""#;
        assert_eq!(link_next(header), Some("https://api.example/items?page=3"));
        assert_eq!(
            link_next(r#"</a?b=1,2>; rel="last next""#),
            Some("/a?b=1,2")
        );
        assert_eq!(link_next("<https://x/y>; rel=last"), None);
        assert_eq!(link_next("garbage <unterminated"), None);
    }

    #[test]
    fn follows_only_urls_below_the_base() {
        let base = "http://127.0.0.1:8080/v1";
        let (path, query) = below_base(base, "http://127.0.0.1:8080/v1/items?a=1&b=x%20y").unwrap();
        assert_eq!(path, "/items");
        assert_eq!(query, ["a=1", "b=x%20y"]);
        assert_eq!(below_base(base, "/v1/items").unwrap().0, "/items");
        assert!(below_base(base, "https://evil.example/v1/items").is_none());
        assert!(below_base(base, "http://127.0.0.1:8080/v2/items").is_none());
        assert!(below_base(base, "http://127.0.0.1:8080/v1x").is_none());
    }

    #[test]
    fn replaces_query_values() {
        let mut query = vec!["limit=5".to_owned(), "tag=a".to_owned(), "tag=b".to_owned()];
        set_query(&mut query, "tag", "c d");
        assert_eq!(query, ["limit=5", "tag=c%20d"]);
        assert_eq!(query_value(&query, "tag").as_deref(), Some("c d"));
        assert_eq!(query_number(&query, "limit"), Some(5));
        assert_eq!(query_value(&query, "nope"), None);
    }
}
