//! The storage error policy, written once.
//!
//! Input that breaks a rule becomes [`StoreError::Invalid`] with every field at
//! fault; a missing record is [`StoreError::NotFound`]; a uniqueness clash the user
//! can fix is [`StoreError::Conflict`]. Database failures stay
//! [`StoreError::Database`] and are never shown to users verbatim.

use crewdeck_core::fields::{FieldError, FieldErrors};

/// Everything that can go wrong in the storage layer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// One or more fields were rejected; nothing was written.
    #[error("{0}")]
    Invalid(FieldErrors),
    /// The record does not exist (or the caller may not know that it does).
    #[error("{0} was not found")]
    NotFound(String),
    /// The change clashes with existing data in a way the user can fix.
    #[error("{0}")]
    Conflict(String),
    /// The caller is not allowed to do this.
    #[error("you do not have permission to do that")]
    Forbidden,
    /// The database could not be reached or refused the statement.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// Stored data could not be read back as a valid value.
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
}

impl StoreError {
    /// A single rejected field.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid(FieldErrors(vec![FieldError::new(field, message)]))
    }
}

impl From<FieldErrors> for StoreError {
    fn from(errors: FieldErrors) -> Self {
        Self::Invalid(errors)
    }
}

impl From<FieldError> for StoreError {
    fn from(error: FieldError) -> Self {
        Self::Invalid(FieldErrors(vec![error]))
    }
}

/// The result type of the storage layer.
pub type StoreResult<T> = Result<T, StoreError>;
