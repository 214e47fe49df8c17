//! A success body left unread, turned into [`BodyChunks`] for the stream
//! that reads it.
//!
//! The attempt's timeout bounds the wait for the head; after it, the same
//! duration bounds each wait for the next chunk (a stream may run for hours,
//! but never stall longer than that), and the call's deadline, when set,
//! bounds the whole body. Every error quotes the response's status and
//! request ID.

use std::time::Duration;

use tokio::time::Instant;

use crate::codec::unread::{BodyChunks, StreamContext};
use crate::error::{self, Kind};

/// The chunks of `response`'s body as they arrive.
pub(crate) fn body_chunks(
    response: reqwest::Response,
    idle: Option<Duration>,
    deadline: Option<(Instant, Duration)>,
    context: StreamContext,
) -> BodyChunks {
    struct State {
        response: Option<reqwest::Response>,
        idle: Option<Duration>,
        deadline: Option<(Instant, Duration)>,
        context: StreamContext,
    }
    let state = State {
        response: Some(response),
        idle,
        deadline,
        context,
    };
    Box::pin(futures::stream::unfold(state, |mut state| async move {
        let response = state.response.as_mut()?;
        let by_idle = state.idle.and_then(|idle| Instant::now().checked_add(idle));
        let (bound, by_deadline) = match (by_idle, state.deadline) {
            (Some(idle), Some((deadline, _))) if deadline < idle => (Some(deadline), true),
            (None, Some((deadline, _))) => (Some(deadline), true),
            (idle, _) => (idle, false),
        };
        let next = match bound {
            Some(at) => tokio::time::timeout_at(at, response.chunk()).await.ok(),
            None => Some(response.chunk().await),
        };
        let item = match next {
            Some(Ok(Some(chunk))) => return Some((Ok(chunk), state)),
            Some(Ok(None)) => None,
            Some(Err(e)) => Some(Err(state
                .context
                .error(
                    Kind::Body,
                    "the connection broke while the body was streamed",
                )
                .with_source(error::transport(e)))),
            None => {
                let message = match (by_deadline, state.deadline, state.idle) {
                    (true, Some((_, bound)), _) => {
                        format!("the call did not complete within its deadline of {bound:?}")
                    }
                    (_, _, Some(idle)) => format!("the streamed body sent nothing for {idle:?}"),
                    _ => "the streamed body stalled".to_owned(),
                };
                Some(Err(state.context.error(Kind::Timeout, message)))
            }
        };
        // The body is over, or broken: nothing more is read.
        state.response = None;
        item.map(|item| (item, state))
    }))
}
