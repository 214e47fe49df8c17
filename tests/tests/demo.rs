//! The README's first command, run as a newcomer would: the demo must finish, exit 0, and
//! say that every step behaved as claimed.

use std::process::Command;

#[test]
fn demo_runs_every_step() {
    let output = Command::new(env!("CARGO_BIN_EXE_demo"))
        // The demo sets its own throwaway key; make sure nothing from the caller leaks in.
        .env_remove("EXAMPLE_API_KEY")
        .env_remove("API_KEY")
        .output()
        .expect("the demo starts");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "demo failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for line in [
        "ok: the key never shows in Debug output",
        "ok: 250 users in 3 chunked requests, none failed",
        "ok: each user exactly once, 3 pages at limit=100 (the spec's maximum)",
        "ok: 3 attempts, one key, exactly one order stored",
        "ok: one attempt, typed error body, request id in the message",
        "ok: events carry the request id; the key appears nowhere",
        "ok: the signed event decodes to OrderPaid; a tampered one is rejected",
        "ok: one typed event per order, in order; Last-Event-ID resumes after it",
        "All 8 checks passed",
    ] {
        assert!(stdout.contains(line), "missing {line:?} in:\n{stdout}");
    }
    assert!(!stdout.contains("FAILED"), "{stdout}");
}
