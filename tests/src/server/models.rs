//! The resources of the example API and its typed error body, as `spec/api.yaml` describes them.
//!
//! The server keeps its own copies of these types rather than using the generated client's: a test
//! that compared the client with itself could not fail. Validation mirrors the constraints written
//! in the spec (`minimum: 1`, `maxItems: 100`, the `currency` enum), so a request the spec forbids
//! is answered with `422` and an [`ErrorBody`] whose `code` names the rule.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::observe;

/// Most users `POST /users/batch` accepts in one call (`maxItems` in the spec).
pub const MAX_BATCH: usize = 100;

/// A user (`#/components/schemas/User`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// `usr_000001`, assigned by the server in creation order.
    pub id: String,
    /// The address given at creation.
    pub email: String,
    /// The display name given at creation.
    pub name: String,
    /// RFC 3339 time of creation.
    pub created_at: String,
}

/// The body of `POST /users` (`#/components/schemas/NewUser`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUser {
    /// Must contain an `@` with text on both sides.
    pub email: String,
    /// Must not be blank.
    pub name: String,
}

/// The body of `POST /users/batch`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct NewUsers {
    /// One to [`MAX_BATCH`] users, created all or none.
    pub users: Vec<NewUser>,
}

/// An order (`#/components/schemas/Order`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    /// `ord_000001`, assigned by the server in creation order.
    pub id: String,
    /// The user who placed the order.
    pub user_id: String,
    /// Amount in the currency's smallest unit; at least 1.
    pub amount_cents: i64,
    /// Currency of `amount_cents`.
    pub currency: Currency,
    /// `pending` at creation, `paid` after [`super::ServerState::pay_order`].
    pub status: OrderStatus,
    /// RFC 3339 time of creation.
    pub created_at: String,
}

/// The body of `POST /orders` (`#/components/schemas/NewOrder`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewOrder {
    /// Must name an existing user.
    pub user_id: String,
    /// At least 1.
    pub amount_cents: i64,
    /// One of `usd`, `eur`, `gbp`; anything else is rejected while decoding.
    pub currency: Currency,
}

/// Currencies the API accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Currency {
    /// US dollar.
    Usd,
    /// Euro.
    Eur,
    /// Pound sterling.
    Gbp,
}

/// Life cycle of an order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OrderStatus {
    /// Created, not paid yet.
    Pending,
    /// Paid; an `order.paid` event was emitted.
    Paid,
}

/// The typed error body of every 4xx/5xx answer (`#/components/schemas/Error`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// Machine-readable reason, e.g. `invalid_request`, `not_found`, `rate_limited`.
    pub code: String,
    /// Human-readable explanation.
    pub message: String,
    /// The `X-Request-ID` of the answer, repeated so a logged body is enough to find the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

/// An error answer: a status and an [`ErrorBody`] carrying the current request id.
#[derive(Clone, Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl ApiError {
    /// An answer with `status`, machine code `code` and `message`.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    /// `422 invalid_request`: the body or a parameter breaks the spec.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request", message)
    }

    /// `404 not_found`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// The status this error answers with.
    pub fn status(&self) -> StatusCode {
        self.status
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            code: self.code.to_owned(),
            message: self.message,
            request_id: observe::current_request_id(),
        };
        (self.status, Json(body)).into_response()
    }
}

impl NewUser {
    /// Checks the rules the spec cannot express as types.
    ///
    /// # Errors
    ///
    /// `422 invalid_request` for an address without `@` or a blank name.
    pub fn validate(&self) -> Result<(), ApiError> {
        let (local, domain) = self.email.split_once('@').unwrap_or_default();
        if local.is_empty() || domain.is_empty() {
            return Err(ApiError::invalid(format!(
                "email {:?} is not an email address",
                self.email
            )));
        }
        if self.name.trim().is_empty() {
            return Err(ApiError::invalid("name must not be blank"));
        }
        Ok(())
    }
}

impl NewUsers {
    /// Checks `minItems: 1`, `maxItems: 100` and every user.
    ///
    /// # Errors
    ///
    /// `422 invalid_request` naming the first broken rule.
    pub fn validate(&self) -> Result<(), ApiError> {
        if self.users.is_empty() || self.users.len() > MAX_BATCH {
            return Err(ApiError::invalid(format!(
                "users must hold 1 to {MAX_BATCH} items, got {}",
                self.users.len()
            )));
        }
        self.users.iter().try_for_each(NewUser::validate)
    }
}

impl NewOrder {
    /// Checks `amount_cents >= 1` (the user's existence is checked against the store).
    ///
    /// # Errors
    ///
    /// `422 invalid_request` for an amount below 1.
    pub fn validate(&self) -> Result<(), ApiError> {
        if self.amount_cents < 1 {
            return Err(ApiError::invalid(format!(
                "amount_cents must be at least 1, got {}",
                self.amount_cents
            )));
        }
        Ok(())
    }
}
