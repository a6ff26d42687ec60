//! The rows a platform record becomes: the columns of contracts.md §3, ready
//! to be written as one NDJSON line each.

use jiff::Timestamp;
use serde::Serialize;

use crate::kpi::{Channel, Outcome};

/// One interaction, with exactly the columns of the interactions import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InteractionRow {
    /// Unique per interaction (platform-prefixed where the platform's ids are
    /// only unique within that platform).
    pub id: String,
    /// The channel.
    pub channel: Channel,
    /// The queue.
    pub queue: String,
    /// The agent who handled it, as the platform identifies them.
    pub agent_id: Option<String>,
    /// The customer, as the platform identifies them.
    pub customer_id: String,
    /// The reason for contact.
    pub topic: String,
    /// When the contact arrived in the queue.
    pub arrived_at: Timestamp,
    /// First answer or first response.
    pub answered_at: Option<Timestamp>,
    /// End of handling, or the moment of abandoning.
    pub ended_at: Option<Timestamp>,
    /// After-contact work in whole seconds.
    pub wrap_seconds: u64,
    /// How it ended.
    pub outcome: Outcome,
}

/// One survey response, with exactly the columns of the surveys import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SurveyRow {
    /// The interaction surveyed.
    pub interaction_id: String,
    /// When the customer answered.
    pub responded_at: Timestamp,
    /// Satisfaction, 1 to 5.
    pub csat: Option<u8>,
    /// Likelihood to recommend, 0 to 10.
    pub nps: Option<u8>,
    /// Ease, 1 to 7.
    pub ces: Option<u8>,
    /// Free text.
    pub comment: Option<String>,
}

/// What one platform record becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mapped<T> {
    /// A row to import.
    Row(T),
    /// Not a customer contact or response (a deleted ticket, a survey that
    /// was offered but never answered); counted under this reason, not
    /// rejected.
    Skip(&'static str),
    /// A record that cannot be mapped: what is wrong, naming the record and
    /// the platform's field.
    Reject(String),
}

/// Parses a platform time, naming the platform's field on failure.
pub(crate) fn time(field: &str, text: &str) -> Result<Timestamp, String> {
    crate::kpi::parse_timestamp(field, text).map_err(|e| e.to_string())
}

/// A JSON value as text: strings as they are, numbers and booleans as
/// written; `None` for null, empty text, arrays and objects.
pub(crate) fn text_of(value: &serde_json::Value) -> Option<String> {
    let text = match value {
        serde_json::Value::String(s) => s.trim().to_string(),
        serde_json::Value::Number(n) => n.to_string(),
        serde_json::Value::Bool(b) => b.to_string(),
        _ => return None,
    };
    (!text.is_empty()).then_some(text)
}

/// The queue or topic recorded when the platform gives none, so that the
/// required column is filled and the gap is visible in reports.
pub const NONE: &str = "(none)";
