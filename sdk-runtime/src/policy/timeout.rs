//! The timeout stage: how long one attempt may take, and when the whole call must end.
//!
//! The pipeline enforces both (one timer per attempt, armed at the earlier of
//! the two); this stage only resolves them once per call, a call's own
//! options winning over the client's.

use std::time::Duration;

use tokio::time::Instant;

use crate::error::Result;
use crate::pipeline::stage::{Exchange, Stage};

/// First in the list, so every later stage (a rate limiter's wait, the
/// retry stage's backoff) already knows the deadline.
pub(crate) struct Timeout {
    /// Per attempt.
    pub(crate) timeout: Duration,
    /// For the whole call, attempts and waits included.
    pub(crate) deadline: Option<Duration>,
}

impl Stage for Timeout {
    fn before_call(&self, call: &mut Exchange<'_, '_>) -> Result<()> {
        let options = &call.request.options;
        call.attempt_timeout = Some(options.timeout.unwrap_or(self.timeout));
        // A bound too large to add to now is no bound.
        call.deadline = options
            .deadline
            .or(self.deadline)
            .and_then(|bound| Some((Instant::now().checked_add(bound)?, bound)));
        Ok(())
    }
}
