//! Unit tests of the cache's parsing, keys and bounds.

use super::*;

fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (n, v) in pairs {
        map.append(HeaderName::from_static(n), HeaderValue::from_static(v));
    }
    map
}

#[test]
fn directives_and_freshness() {
    let d = Directives::parse(&headers(&[
        ("cache-control", "private, max-age=\"60\""),
        ("cache-control", "no-cache"),
    ]));
    assert_eq!((d.no_store, d.no_cache, d.max_age), (false, true, Some(60)));
    assert!(freshness(&headers(&[("cache-control", "max-age=60")])).is_some());
    assert!(freshness(&headers(&[("cache-control", "max-age=60"), ("age", "60")])).is_none());
    assert!(freshness(&headers(&[("cache-control", "max-age=0")])).is_none());
    assert!(freshness(&headers(&[("expires", "0")])).is_none());
    assert!(freshness(&headers(&[])).is_none());
}

#[test]
fn keys_cover_every_header() {
    let url = reqwest::Url::parse("http://h/a?x=1").unwrap();
    let a = key(
        &Method::GET,
        &url,
        &headers(&[("authorization", "Bearer a")]),
    );
    let b = key(
        &Method::GET,
        &url,
        &headers(&[("authorization", "Bearer b")]),
    );
    let c = key(
        &Method::GET,
        &url,
        &headers(&[("authorization", "Bearer a")]),
    );
    assert_ne!(a, b);
    assert_eq!(a, c);
}

fn received(body: &'static str) -> Received {
    Received {
        status: StatusCode::OK,
        headers: headers(&[("etag", "\"v1\"")]),
        body: Bytes::from_static(body.as_bytes()),
        request_id: None,
        unread: None,
    }
}

#[test]
fn evicts_least_recently_used() {
    let cache = ResponseCache::with_limits(2, 1024);
    let entry = |b| Entry::from_response(&received(b), &HeaderMap::new(), [0; 32]).unwrap();
    assert!(cache.insert([1; 32], entry("one")));
    assert!(cache.insert([2; 32], entry("two")));
    assert!(cache.get(&[1; 32], &HeaderMap::new()).is_some());
    assert!(cache.insert([3; 32], entry("three")));
    assert!(
        cache.get(&[2; 32], &HeaderMap::new()).is_none(),
        "2 was least recently used"
    );
    assert_eq!(cache.len(), 2);
    assert_eq!(cache.size_bytes(), 8);
    assert_eq!(cache.stats().evictions, 1);
    assert!(
        !cache.insert([4; 32], entry(include_str!("../cache.rs"))),
        "too large for the bound"
    );
}
