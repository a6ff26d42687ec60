//! The HTTP error policy, written once.
//!
//! JSON routes answer with `application/problem+json` (RFC 9457): a status, a
//! short title, a detail that says what to do, and for invalid input an `errors`
//! list naming each field. HTML routes answer with a friendly page. Database and
//! other internal failures are logged with their cause and shown to the user as
//! a generic 500, never verbatim. Bad input is always a 4xx, never a 5xx.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use crewdeck_core::fields::FieldErrors;
use crewdeck_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

/// A problem details document.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem (`about:blank` when the status says it all).
    #[serde(rename = "type")]
    pub kind: String,
    /// Short summary of the kind of problem.
    pub title: String,
    /// HTTP status.
    pub status: u16,
    /// What went wrong here and what to do about it.
    pub detail: String,
    /// For invalid input: each field at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<FieldErrorDoc>>)]
    pub errors: Option<FieldErrors>,
}

/// One rejected field in a problem document.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldErrorDoc {
    /// The field, as named in the request.
    pub field: String,
    /// What is wrong and what to send instead.
    pub message: String,
}

impl Problem {
    /// A problem with the given status and detail.
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Self {
            kind: "about:blank".into(),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail: detail.into(),
            errors: None,
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, axum::Json(self)).into_response();
        response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        response
    }
}

/// An error from a JSON route.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 401: no valid session or token.
    #[error("Log in, or send an API token as Authorization: Bearer TOKEN.")]
    Unauthorized,
    /// 403: the caller may not do this.
    #[error("You do not have permission to do that. Ask an administrator if you need access.")]
    Forbidden,
    /// 404: no such record.
    #[error("{0} was not found.")]
    NotFound(String),
    /// 400: the request could not be read.
    #[error("{0}")]
    BadRequest(String),
    /// 409: the change clashes with existing data.
    #[error("{0}")]
    Conflict(String),
    /// 422: fields were rejected.
    #[error("Some fields need correcting: {0}")]
    Invalid(FieldErrors),
    /// 500: something failed inside; the cause is logged, not shown.
    #[error("Something went wrong on our side. Try again; if it keeps happening, tell your administrator.")]
    Internal(String),
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Invalid(fields) => Self::Invalid(fields),
            StoreError::NotFound(what) => Self::NotFound(what),
            StoreError::Conflict(message) => Self::Conflict(message),
            StoreError::Forbidden => Self::Forbidden,
            other => Self::Internal(other.to_string()),
        }
    }
}

impl From<FieldErrors> for ApiError {
    fn from(fields: FieldErrors) -> Self {
        Self::Invalid(fields)
    }
}

impl ApiError {
    fn status(&self) -> StatusCode {
        match self {
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let Self::Internal(cause) = &self {
            tracing::error!(%cause, "request failed");
        }
        let mut problem = Problem::new(self.status(), self.to_string());
        if let Self::Invalid(fields) = self {
            problem.errors = Some(fields);
        }
        problem.into_response()
    }
}

/// An error from an HTML route, shown as a page.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    /// 403.
    #[error("You do not have permission to see this page.")]
    Forbidden,
    /// 404.
    #[error("{0} was not found.")]
    NotFound(String),
    /// 409 or a rule the user can fix.
    #[error("{0}")]
    Conflict(String),
    /// 400.
    #[error("{0}")]
    BadRequest(String),
    /// 500; the cause is logged, not shown.
    #[error("Something went wrong on our side. Try again; if it keeps happening, tell your administrator.")]
    Internal(String),
}

impl From<StoreError> for PageError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound(what) => Self::NotFound(what),
            StoreError::Conflict(message) => Self::Conflict(message),
            StoreError::Invalid(fields) => Self::BadRequest(fields.to_string()),
            StoreError::Forbidden => Self::Forbidden,
            other => Self::Internal(other.to_string()),
        }
    }
}

impl From<askama::Error> for PageError {
    fn from(error: askama::Error) -> Self {
        Self::Internal(format!("template failed: {error}"))
    }
}

impl PageError {
    /// The HTTP status for this error.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        if let Self::Internal(cause) = &self {
            tracing::error!(%cause, "page failed");
        }
        crate::pages::error_page(self.status(), &self.to_string())
    }
}
