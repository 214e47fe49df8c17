//! What the mock's server task and the test share: the document, its routes,
//! the expectations set up and the requests received.

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use http::{HeaderMap, Method};
use serde_json::Value;

use super::paging::Filler;
use super::routes::Routes;
use super::validate::Document;
use crate::contract::Paging;
use crate::types::Bytes;

/// What the server task and the test share.
pub(crate) struct Shared {
    pub(crate) document: Document,
    pub(crate) routes: Routes,
    pub(crate) state: Mutex<State>,
}

#[derive(Default)]
pub(crate) struct State {
    pub(crate) expected: Vec<Expected>,
    pub(crate) received: Vec<ReceivedRequest>,
    pub(crate) violations: Vec<String>,
    pub(crate) unmatched: Vec<String>,
}

impl Shared {
    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A request the mock received, as it arrived.
#[derive(Clone, Debug)]
pub struct ReceivedRequest {
    /// The `operationId` of the operation it matched, if any.
    pub operation: Option<String>,
    /// The method.
    pub method: Method,
    /// The path, as sent.
    pub path: String,
    /// The query string, as sent.
    pub query: Option<String>,
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
}

/// An expectation as the server keeps it.
pub(crate) struct Expected {
    pub(crate) operation: &'static str,
    /// `listPets (GET /pets)`, for messages.
    pub(crate) label: String,
    pub(crate) path: Vec<(String, String)>,
    pub(crate) query: Vec<String>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Option<Value>,
    pub(crate) answer: Answer,
    pub(crate) times: Option<usize>,
    pub(crate) hits: usize,
    pub(crate) failures: (usize, u16),
    pub(crate) drops: usize,
    pub(crate) delay: Duration,
    pub(crate) rate: Option<Rate>,
}

/// What a matching request gets.
pub(crate) enum Answer {
    Body {
        status: u16,
        body: Bytes,
        content_type: Option<String>,
    },
    Pages {
        items: Vec<Value>,
        paging: &'static Paging,
        /// The list schema's required fields that paging does not set.
        fillers: Vec<Filler>,
    },
}

/// A fixed window: at most `limit` requests per `window`.
pub(crate) struct Rate {
    pub(crate) limit: u32,
    pub(crate) window: Duration,
    pub(crate) opened: Instant,
    pub(crate) used: u32,
}
