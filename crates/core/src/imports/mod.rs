//! Imports from contact platforms: their exports mapped onto crewdeck's own
//! interaction and survey rows (contracts.md §3), record by record.
//!
//! Everything here is pure: a platform record (already read from a file by
//! the storage layer) goes in, a [`Mapped`] row comes out. The storage layer
//! writes the rows through the ordinary import, so batching, rejections and
//! idempotence are the same whatever the source. The field mappings, and what
//! each platform cannot give, are written down in `docs/imports.md`.

pub mod connect;
mod rows;
pub mod zendesk;

pub use rows::{InteractionRow, Mapped, SurveyRow};

#[cfg(test)]
mod tests;
