//! The retry stage: after each attempt, whether to try again and after what wait.
//!
//! It classifies the attempt with the [`RetryPolicy`], checks the call's
//! limit (`max_retries`, a body that can be sent again) and the client's
//! [`RetryBudget`], and tells the pipeline how long to wait through
//! `Exchange::retry_in`. The pipeline does the waiting, within the deadline.

use http::HeaderMap;

use super::budget::RetryBudget;
use super::{Failure, RetryPolicy};
use crate::pipeline::stage::{AttemptError, Exchange, FailureClass, Received, Stage};

pub(crate) struct Retry {
    pub(crate) policy: RetryPolicy,
    pub(crate) budget: Option<RetryBudget>,
}

/// The cost the call's last retry took from the budget, kept across attempts.
struct LastRetryCost(u32);

impl Stage for Retry {
    fn after_response(&self, call: &mut Exchange<'_, '_>, response: &mut Received) {
        if response.status.is_success() {
            if let Some(budget) = &self.budget {
                let spent = call.call_state.remove::<LastRetryCost>().map(|c| c.0);
                budget.give_back(budget.reward(spent));
            }
            call.retryable = false;
            return;
        }
        let failure = Failure::Status {
            status: response.status,
            headers: &response.headers,
        };
        self.decide(call, &failure, Some(&response.headers));
    }

    fn on_error(&self, call: &mut Exchange<'_, '_>, error: &mut AttemptError) {
        let failure = match error.failure {
            FailureClass::Connect => Failure::Connect,
            FailureClass::Timeout => Failure::Timeout,
            FailureClass::Other => Failure::Other,
        };
        let headers = error.head.as_deref().map(|(_, headers)| headers);
        self.decide(call, &failure, headers);
    }
}

impl Retry {
    fn decide(
        &self,
        call: &mut Exchange<'_, '_>,
        failure: &Failure<'_>,
        headers: Option<&HeaderMap>,
    ) {
        call.retryable = self.policy.should_retry(failure);
        let max_retries = (call.request.options.max_retries).unwrap_or(self.policy.max_retries());
        if !call.retryable || call.attempt > max_retries {
            return;
        }
        if !call.request.body.is_replayable() {
            call.body_not_replayable = true;
            return;
        }
        if let Some(budget) = &self.budget {
            let cost = budget.cost(matches!(failure, Failure::Connect | Failure::Timeout));
            if !budget.try_take(cost) {
                call.retry_budget_exhausted = true;
                return;
            }
            call.call_state.insert(LastRetryCost(cost));
        }
        let delay = self
            .policy
            .delay(call.attempt - 1, headers, fastrand::f64());
        call.retry_in = Some(delay);
    }
}
