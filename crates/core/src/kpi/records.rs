//! Interaction and survey records: the imported rows, parsed into domain types.
//!
//! A row is read through a column lookup (`get("arrived_at")`), so the same
//! constructor serves CSV (by header) and NDJSON (by key). A missing column and
//! an empty one mean the same thing. Every error names the column at fault.

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use super::cells::{parse_optional_timestamp, parse_timestamp, parse_wrap_seconds, quote, required};
use super::score::{Ces, Csat, Nps};
use crate::fields::{FieldError, FieldErrors};

/// The channel a contact came in on. Parsed case-insensitively.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Telephone.
    Voice,
    /// Live web chat.
    Chat,
    /// Email.
    Email,
    /// Asynchronous messaging (WhatsApp, SMS, in-app).
    Messaging,
    /// Social media.
    Social,
    /// Face to face.
    InPerson,
}

impl Channel {
    /// Every channel, in the order the contract lists them.
    pub const ALL: [Channel; 6] = [Self::Voice, Self::Chat, Self::Email, Self::Messaging, Self::Social, Self::InPerson];

    /// The stable name used in files, URLs and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Voice => "voice",
            Self::Chat => "chat",
            Self::Email => "email",
            Self::Messaging => "messaging",
            Self::Social => "social",
            Self::InPerson => "in_person",
        }
    }

    /// Accepts a stable name in any letter case, surrounding spaces ignored.
    pub fn parse(field: &str, text: &str) -> Result<Self, FieldError> {
        let value = text.trim();
        Self::ALL.into_iter().find(|c| c.as_str().eq_ignore_ascii_case(value)).ok_or_else(|| {
            FieldError::new(
                field,
                format!(
                    "expected one of voice, chat, email, messaging, social or in_person (you entered {})",
                    quote(value)
                ),
            )
        })
    }
}

impl std::fmt::Display for Channel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a contact ended. Parsed case-insensitively.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The customer's need was met.
    Resolved,
    /// Handled, but the need was not met.
    Unresolved,
    /// Passed on to someone else.
    Transferred,
    /// The customer left before anyone answered.
    Abandoned,
}

impl Outcome {
    /// Every outcome, in the order the contract lists them.
    pub const ALL: [Outcome; 4] = [Self::Resolved, Self::Unresolved, Self::Transferred, Self::Abandoned];

    /// The stable name used in files and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Resolved => "resolved",
            Self::Unresolved => "unresolved",
            Self::Transferred => "transferred",
            Self::Abandoned => "abandoned",
        }
    }

    /// Accepts a stable name in any letter case, surrounding spaces ignored.
    pub fn parse(field: &str, text: &str) -> Result<Self, FieldError> {
        let value = text.trim();
        Self::ALL.into_iter().find(|o| o.as_str().eq_ignore_ascii_case(value)).ok_or_else(|| {
            FieldError::new(
                field,
                format!(
                    "expected one of resolved, unresolved, transferred or abandoned (you entered {})",
                    quote(value)
                ),
            )
        })
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The typed values of an interaction before the cross-field checks.
///
/// The storage layer fills this from database columns and calls
/// [`Interaction::new`]; imports go through [`Interaction::parse`], which builds
/// one from text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InteractionParts {
    /// Unique per interaction.
    pub id: String,
    /// The channel.
    pub channel: Channel,
    /// The queue the contact entered.
    pub queue: String,
    /// The agent who handled it; `None` when nobody did.
    pub agent_id: Option<String>,
    /// The customer, as the source system identifies them.
    pub customer_id: String,
    /// The reason for contact.
    pub topic: String,
    /// When the contact entered the queue.
    pub arrived_at: Timestamp,
    /// First answer or first response.
    pub answered_at: Option<Timestamp>,
    /// End of handling, or the moment of abandoning.
    pub ended_at: Option<Timestamp>,
    /// After-contact work in whole seconds.
    pub wrap_seconds: u32,
    /// How it ended.
    pub outcome: Outcome,
}

/// One customer contact, consistent in itself.
///
/// Guarantees, so that every duration derived from it is zero or more:
/// `arrived_at ≤ answered_at ≤ ended_at` where those are present,
/// `arrived_at ≤ ended_at` always, and an `abandoned` contact has no
/// `answered_at` (the contract defines abandoned as "never answered").
///
/// A contact that was never answered yet is not abandoned (an email closed
/// without a reply, say) is accepted: it counts in `contacts` and `offered`
/// but in neither `answered` nor `abandoned`. An `agent_id` on an unanswered
/// contact is kept as given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Interaction {
    id: String,
    channel: Channel,
    queue: String,
    agent_id: Option<String>,
    customer_id: String,
    topic: String,
    arrived_at: Timestamp,
    answered_at: Option<Timestamp>,
    ended_at: Option<Timestamp>,
    wrap_seconds: u32,
    outcome: Outcome,
}

impl Interaction {
    /// Builds an interaction from one imported row.
    ///
    /// `get` returns a column's text, or `None` when the row has no such column.
    /// Every column is trimmed. Required: `id`, `channel`, `queue`,
    /// `customer_id`, `topic`, `arrived_at`, `outcome`. May be empty:
    /// `agent_id`, `answered_at`, `ended_at`, `wrap_seconds` (empty means 0).
    /// All problems of the row are reported together.
    pub fn parse<'r>(get: impl Fn(&str) -> Option<&'r str>) -> Result<Self, FieldErrors> {
        let text = |column: &str| get(column).map(str::trim).unwrap_or("");
        let mut errors = FieldErrors::default();
        let id = errors.check(required("id", text("id")));
        let channel = errors.check(Channel::parse("channel", text("channel")));
        let queue = errors.check(required("queue", text("queue")));
        let agent_id = Some(text("agent_id")).filter(|a| !a.is_empty()).map(str::to_string);
        let customer_id = errors.check(required("customer_id", text("customer_id")));
        let topic = errors.check(required("topic", text("topic")));
        let arrived_at = errors.check(parse_timestamp("arrived_at", text("arrived_at")));
        let answered_at = errors.check(parse_optional_timestamp("answered_at", text("answered_at")));
        let ended_at = errors.check(parse_optional_timestamp("ended_at", text("ended_at")));
        let wrap_seconds = errors.check(parse_wrap_seconds(text("wrap_seconds")));
        let outcome = errors.check(Outcome::parse("outcome", text("outcome")));
        let (
            Some(id),
            Some(channel),
            Some(queue),
            Some(customer_id),
            Some(topic),
            Some(arrived_at),
            Some(answered_at),
            Some(ended_at),
            Some(wrap_seconds),
            Some(outcome),
        ) = (id, channel, queue, customer_id, topic, arrived_at, answered_at, ended_at, wrap_seconds, outcome)
        else {
            return Err(errors);
        };
        Self::new(InteractionParts {
            id,
            channel,
            queue,
            agent_id,
            customer_id,
            topic,
            arrived_at,
            answered_at,
            ended_at,
            wrap_seconds,
            outcome,
        })
    }

    /// Checks that the times and the outcome agree with each other.
    pub fn new(parts: InteractionParts) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let arrived = parts.arrived_at;
        if let Some(answered) = parts.answered_at {
            if answered < arrived {
                errors.push(FieldError::new(
                    "answered_at",
                    format!(
                        "{answered} is before arrived_at {arrived}; a contact cannot be answered before it arrives"
                    ),
                ));
            }
            if parts.outcome == Outcome::Abandoned {
                errors.push(FieldError::new(
                    "outcome",
                    "abandoned means never answered, but answered_at is filled in: clear answered_at or choose another outcome",
                ));
            }
        }
        if let Some(ended) = parts.ended_at {
            match parts.answered_at {
                Some(answered) if ended < answered => errors.push(FieldError::new(
                    "ended_at",
                    format!("{ended} is before answered_at {answered}; handling cannot end before it starts"),
                )),
                _ if ended < arrived => errors.push(FieldError::new(
                    "ended_at",
                    format!("{ended} is before arrived_at {arrived}; a contact cannot end before it arrives"),
                )),
                _ => {}
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Self {
            id: parts.id,
            channel: parts.channel,
            queue: parts.queue,
            agent_id: parts.agent_id,
            customer_id: parts.customer_id,
            topic: parts.topic,
            arrived_at: parts.arrived_at,
            answered_at: parts.answered_at,
            ended_at: parts.ended_at,
            wrap_seconds: parts.wrap_seconds,
            outcome: parts.outcome,
        })
    }

    /// The interaction's id.
    pub fn id(&self) -> &str {
        &self.id
    }
    /// The channel.
    pub fn channel(&self) -> Channel {
        self.channel
    }
    /// The queue.
    pub fn queue(&self) -> &str {
        &self.queue
    }
    /// The agent, if one is recorded.
    pub fn agent_id(&self) -> Option<&str> {
        self.agent_id.as_deref()
    }
    /// The customer.
    pub fn customer_id(&self) -> &str {
        &self.customer_id
    }
    /// The reason for contact.
    pub fn topic(&self) -> &str {
        &self.topic
    }
    /// When the contact entered the queue; it decides the contact's day.
    pub fn arrived_at(&self) -> Timestamp {
        self.arrived_at
    }
    /// First answer or response.
    pub fn answered_at(&self) -> Option<Timestamp> {
        self.answered_at
    }
    /// End of handling or of waiting.
    pub fn ended_at(&self) -> Option<Timestamp> {
        self.ended_at
    }
    /// After-contact work in seconds.
    pub fn wrap_seconds(&self) -> u32 {
        self.wrap_seconds
    }
    /// How it ended.
    pub fn outcome(&self) -> Outcome {
        self.outcome
    }

    /// True when the contact has an `answered_at`.
    pub fn is_answered(&self) -> bool {
        self.answered_at.is_some()
    }

    /// Queue wait of an answered contact: `answered_at − arrived_at`.
    pub fn answer_wait(&self) -> Option<SignedDuration> {
        self.answered_at.map(|a| a.duration_since(self.arrived_at))
    }

    /// Wait of an abandoned contact: `ended_at − arrived_at`; `None` when the
    /// contact is not abandoned or has no `ended_at`.
    pub fn abandon_wait(&self) -> Option<SignedDuration> {
        match (self.outcome, self.ended_at) {
            (Outcome::Abandoned, Some(ended)) => Some(ended.duration_since(self.arrived_at)),
            _ => None,
        }
    }

    /// Handle time of an answered contact with an `ended_at`:
    /// `ended_at − answered_at + wrap_seconds`.
    pub fn handle_time(&self) -> Option<SignedDuration> {
        let (answered, ended) = (self.answered_at?, self.ended_at?);
        Some(ended.duration_since(answered) + SignedDuration::from_secs(i64::from(self.wrap_seconds)))
    }

    /// The moment from which the FCR window runs: `ended_at`, or `answered_at`
    /// where `ended_at` is empty. `None` for an unanswered contact, which is
    /// outside the FCR denominator.
    pub fn fcr_anchor(&self) -> Option<Timestamp> {
        self.answered_at.map(|a| self.ended_at.unwrap_or(a))
    }
}

/// One survey response. Each score is optional; a response with none still
/// counts as received but adds to no score.
///
/// The fields can be public because each type holds only valid values; whether
/// the interaction exists is for the storage layer to check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Survey {
    /// The interaction surveyed.
    pub interaction_id: String,
    /// When the customer answered; with `interaction_id` it identifies the survey.
    pub responded_at: Timestamp,
    /// Satisfaction, 1 to 5.
    pub csat: Option<Csat>,
    /// Likelihood to recommend, 0 to 10.
    pub nps: Option<Nps>,
    /// Ease, 1 to 7 (higher is easier).
    pub ces: Option<Ces>,
    /// Free text; `None` when empty.
    pub comment: Option<String>,
}

impl Survey {
    /// Builds a survey from one imported row (columns `interaction_id`,
    /// `responded_at`, `csat`, `nps`, `ces`, `comment`). All problems of the
    /// row are reported together.
    pub fn parse<'r>(get: impl Fn(&str) -> Option<&'r str>) -> Result<Self, FieldErrors> {
        let text = |column: &str| get(column).map(str::trim).unwrap_or("");
        let mut errors = FieldErrors::default();
        let interaction_id = errors.check(required("interaction_id", text("interaction_id")));
        let responded_at = errors.check(parse_timestamp("responded_at", text("responded_at")));
        let csat = errors.check(Csat::parse_optional("csat", text("csat")));
        let nps = errors.check(Nps::parse_optional("nps", text("nps")));
        let ces = errors.check(Ces::parse_optional("ces", text("ces")));
        let comment = Some(text("comment")).filter(|c| !c.is_empty()).map(str::to_string);
        match (interaction_id, responded_at, csat, nps, ces) {
            (Some(interaction_id), Some(responded_at), Some(csat), Some(nps), Some(ces)) => {
                Ok(Self { interaction_id, responded_at, csat, nps, ces, comment })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
#[path = "records_tests.rs"]
mod tests;
