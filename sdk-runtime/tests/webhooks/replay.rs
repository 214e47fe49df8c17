//! The replay guard: duplicates caught, capacity bounded, shared across threads.

use super::*;

#[test]
fn replayed_id_is_caught() {
    let guard = ReplayGuard::new(16);
    let headers = vector_headers();
    let verified = standard().verify_at(&headers, BODY, at(TS)).expect("valid");
    let id = verified.id().expect("standard webhooks carry an id");
    guard.check_and_remember(id).expect("first delivery");
    let err = guard.check_and_remember(id).expect_err("replay");
    assert_eq!(err.kind(), WebhookErrorKind::Replayed);
    assert!(err.to_string().contains(MSG_ID), "{err}");
    assert!(guard.forget(id));
    assert!(
        guard.check_and_remember(id).is_ok(),
        "forgotten ids are accepted again"
    );
}

#[test]
fn replay_guard_evicts_the_oldest_id_at_capacity() {
    let guard = ReplayGuard::new(3);
    for id in ["a", "b", "c", "d"] {
        guard.check_and_remember(id).expect("fresh id");
    }
    assert_eq!((guard.len(), guard.capacity()), (3, 3));
    assert!(!guard.contains("a"), "oldest evicted");
    assert!(guard.contains("b") && guard.contains("c") && guard.contains("d"));
    assert!(
        guard.check_and_remember("a").is_ok(),
        "evicted id is new again"
    );
    assert_eq!(
        kind(guard.check_and_remember("d")),
        WebhookErrorKind::Replayed
    );
    assert!(!guard.contains("b"), "re-adding `a` evicted `b`");
}

#[test]
fn replay_guard_admits_each_id_once_across_threads() {
    let guard = ReplayGuard::new(1_000);
    let accepted: usize = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                scope.spawn(|| {
                    (0..100)
                        .filter(|i| guard.check_and_remember(&format!("msg_{i}")).is_ok())
                        .count()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("thread")).sum()
    });
    assert_eq!(accepted, 100);
    assert_eq!(guard.len(), 100);
}
