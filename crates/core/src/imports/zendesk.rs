//! Zendesk Support: tickets from the incremental ticket export, ticket
//! metrics, and satisfaction ratings.
//!
//! A page of the export is a JSON object; what it holds is told by its keys:
//! `tickets` (with `metric_sets` when exported with `include=metric_sets`),
//! `ticket_metrics`, or `satisfaction_ratings`. Each record is kept as a raw
//! JSON value until it is mapped, so that one malformed ticket is rejected on
//! its own instead of failing its whole page.
//!
//! Mapping (see `docs/imports.md` for the table):
//! - a ticket becomes an interaction `zendesk:<id>`; its times come from its
//!   metrics: answered = created + first reply time, ended = solved time;
//! - a rating `good` becomes CSAT 5 and `bad` CSAT 1 (Zendesk asks a yes/no
//!   question, so there is nothing in between); `offered` and `unoffered`
//!   are not responses and are skipped. Zendesk ratings give no NPS or CES.

use std::collections::HashMap;

use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;
use serde_json::Value;

use super::rows::{InteractionRow, Mapped, NONE, SurveyRow, text_of, time};
use crate::kpi::{Channel, Outcome};

/// The CSAT a `good` rating counts as: the top of the 1–5 scale, so it is
/// "satisfied" (≥ 4) under contracts.md.
pub const GOOD_CSAT: u8 = 5;
/// The CSAT a `bad` rating counts as: the bottom of the scale, "not satisfied".
pub const BAD_CSAT: u8 = 1;

/// The prefix of interaction ids made from Zendesk tickets, so that ticket
/// numbers cannot collide with other sources' ids.
pub const ID_PREFIX: &str = "zendesk:";

/// The interaction id of a ticket.
pub fn interaction_id(ticket_id: u64) -> String {
    format!("{ID_PREFIX}{ticket_id}")
}

/// Which ticket field fills a crewdeck column (the queue or the topic).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TicketField {
    /// `group_id`.
    Group,
    /// `brand_id`.
    Brand,
    /// `ticket_form_id`.
    Form,
    /// `type` (question, incident, problem, task).
    Type,
    /// `priority`.
    Priority,
    /// The first of `tags`.
    Tags,
    /// The first tag starting with this prefix, without the prefix
    /// (`tag:topic_` reads `topic_billing` as `billing`).
    TagPrefix(String),
    /// The value of the custom field with this id.
    CustomField(u64),
}

impl TicketField {
    /// Parses `group`, `brand`, `form`, `type`, `priority`, `tags`,
    /// `tag:PREFIX` or `field:ID`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let simple = match text.to_ascii_lowercase().as_str() {
            "group" | "group_id" => Some(Self::Group),
            "brand" | "brand_id" => Some(Self::Brand),
            "form" | "ticket_form_id" => Some(Self::Form),
            "type" => Some(Self::Type),
            "priority" => Some(Self::Priority),
            "tags" => Some(Self::Tags),
            _ => None,
        };
        if let Some(field) = simple {
            return Ok(field);
        }
        if let Some(prefix) = text.strip_prefix("tag:").filter(|p| !p.is_empty()) {
            return Ok(Self::TagPrefix(prefix.to_string()));
        }
        if let Some(id) = text.strip_prefix("field:").and_then(|id| id.trim().parse().ok()) {
            return Ok(Self::CustomField(id));
        }
        Err(format!(
            "expected group, brand, form, type, priority, tags, tag:PREFIX or field:ID (you entered \u{201c}{text}\u{201d})"
        ))
    }

    fn value(&self, ticket: &Ticket) -> Option<String> {
        let id = |v: Option<u64>| v.map(|v| v.to_string());
        match self {
            Self::Group => id(ticket.group_id),
            Self::Brand => id(ticket.brand_id),
            Self::Form => id(ticket.ticket_form_id),
            Self::Type => ticket.r#type.clone(),
            Self::Priority => ticket.priority.clone(),
            Self::Tags => ticket.tags.first().cloned(),
            Self::TagPrefix(prefix) => {
                ticket.tags.iter().find_map(|t| t.strip_prefix(prefix.as_str())).map(str::to_string)
            }
            Self::CustomField(wanted) => {
                ticket.custom_fields.iter().find(|f| f.id == *wanted).and_then(|f| text_of(&f.value))
            }
        }
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
    }
}

/// How tickets are mapped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZendeskOptions {
    /// The field that names the queue; `group_id` by default.
    pub queue: TicketField,
    /// The field that names the topic; the first tag by default.
    pub topic: TicketField,
}

impl Default for ZendeskOptions {
    fn default() -> Self {
        Self { queue: TicketField::Group, topic: TicketField::Tags }
    }
}

/// One page (or file) of a Zendesk export, records still raw.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Page {
    /// Tickets of the incremental ticket export.
    pub tickets: Option<Vec<Value>>,
    /// Ticket metrics sideloaded with `include=metric_sets`.
    pub metric_sets: Option<Vec<Value>>,
    /// Ticket metrics from the ticket metrics endpoint.
    pub ticket_metrics: Option<Vec<Value>>,
    /// Satisfaction ratings.
    pub satisfaction_ratings: Option<Vec<Value>>,
}

impl Page {
    /// Reads a page; fails when it is not JSON or holds none of the keys
    /// above.
    pub fn parse(bytes: &[u8]) -> Result<Self, String> {
        let page: Page = serde_json::from_slice(bytes)
            .map_err(|e| format!("this is not a Zendesk export page (a JSON object): {e}"))?;
        if page.tickets.is_none()
            && page.metric_sets.is_none()
            && page.ticket_metrics.is_none()
            && page.satisfaction_ratings.is_none()
        {
            return Err("this JSON holds none of tickets, ticket_metrics, metric_sets or satisfaction_ratings; \
                        export tickets with the incremental ticket export, or ratings with the satisfaction \
                        ratings endpoint"
                .to_string());
        }
        Ok(page)
    }

    /// The metrics of this page, from either key.
    pub fn metrics(&self) -> impl Iterator<Item = &Value> {
        self.metric_sets.iter().chain(self.ticket_metrics.iter()).flatten()
    }
}

#[derive(Debug, Deserialize)]
struct Ticket {
    id: u64,
    created_at: Option<String>,
    status: Option<String>,
    via: Option<Via>,
    group_id: Option<u64>,
    brand_id: Option<u64>,
    ticket_form_id: Option<u64>,
    assignee_id: Option<u64>,
    requester_id: Option<u64>,
    r#type: Option<String>,
    priority: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    custom_fields: Vec<CustomField>,
}

#[derive(Debug, Deserialize)]
struct Via {
    channel: Option<Value>,
}

#[derive(Debug, Deserialize)]
struct CustomField {
    id: u64,
    #[serde(default)]
    value: Value,
}

#[derive(Debug, Deserialize)]
struct RawMetrics {
    ticket_id: u64,
    reply_time_in_minutes: Option<Duration>,
    reply_time_in_seconds: Option<Duration>,
    full_resolution_time_in_minutes: Option<Duration>,
    solved_at: Option<String>,
}

/// Zendesk reports each duration twice: in calendar time and within
/// business hours. crewdeck's waits are calendar time.
#[derive(Debug, Deserialize)]
struct Duration {
    calendar: Option<i64>,
}

/// What crewdeck keeps of a ticket's metrics until the ticket is mapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TicketMetrics {
    /// Calendar seconds from creation to the first public agent reply.
    pub first_reply_seconds: Option<i64>,
    /// When the ticket was last solved.
    pub solved_at: Option<Timestamp>,
    /// Calendar minutes from creation to the last solve, used when
    /// `solved_at` is missing.
    pub full_resolution_minutes: Option<i64>,
}

/// Reads one metrics record into the ticket it belongs to and what crewdeck
/// keeps of it.
pub fn parse_metrics(value: &Value) -> Result<(u64, TicketMetrics), String> {
    let raw = RawMetrics::deserialize(value).map_err(|e| format!("ticket metrics: {e}"))?;
    let ticket = raw.ticket_id;
    let solved_at = match raw.solved_at.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(text) => Some(time("solved_at", text).map_err(|e| format!("metrics of ticket {ticket}: {e}"))?),
        None => None,
    };
    let seconds = raw.reply_time_in_seconds.and_then(|d| d.calendar);
    let minutes = raw.reply_time_in_minutes.and_then(|d| d.calendar).map(|m| m.saturating_mul(60));
    let metrics = TicketMetrics {
        first_reply_seconds: seconds.or(minutes),
        solved_at,
        full_resolution_minutes: raw.full_resolution_time_in_minutes.and_then(|d| d.calendar),
    };
    Ok((ticket, metrics))
}

/// The crewdeck channel of a `via.channel` (a via type such as `email`,
/// `web`, `chat`, `native_messaging`, `voice`, `whatsapp`, `facebook`).
/// Anything not recognised, including numeric via ids, is an asynchronous
/// ticket and counts as email.
pub fn channel(via: Option<&str>) -> Channel {
    match via.map(str::to_ascii_lowercase).as_deref() {
        Some("voice" | "phone_call_inbound" | "phone_call_outbound" | "voicemail" | "phone") => Channel::Voice,
        Some("chat" | "chat_transcript" | "native_messaging" | "messaging" | "web_messaging") => Channel::Chat,
        Some(
            "sms"
            | "whatsapp"
            | "line"
            | "wechat"
            | "telegram"
            | "viber"
            | "kakaotalk"
            | "apple_business_chat"
            | "apple_messages_for_business"
            | "google_rcs"
            | "google_business_messages"
            | "any_channel",
        ) => Channel::Messaging,
        Some(
            "twitter" | "twitter_dm" | "twitter_favorite" | "facebook" | "facebook_post" | "facebook_message"
            | "instagram_dm",
        ) => Channel::Social,
        _ => Channel::Email,
    }
}

/// Maps one ticket. Deleted tickets are skipped. `metrics` are the ticket's
/// metrics when the export holds them; without them the ticket has no
/// answered or ended time.
pub fn map_ticket(
    value: &Value,
    metrics: &HashMap<u64, TicketMetrics>,
    options: &ZendeskOptions,
) -> Mapped<InteractionRow> {
    let ticket = match Ticket::deserialize(value) {
        Ok(ticket) => ticket,
        Err(e) => {
            let which =
                value.get("id").map_or_else(|| "a ticket without an id".to_string(), |id| format!("ticket {id}"));
            return Mapped::Reject(format!("{which}: {e}"));
        }
    };
    let id = ticket.id;
    let status = ticket.status.as_deref().unwrap_or("").to_ascii_lowercase();
    if status == "deleted" {
        return Mapped::Skip("deleted tickets");
    }
    let Some(created) = ticket.created_at.as_deref().filter(|s| !s.trim().is_empty()) else {
        return Mapped::Reject(format!(
            "ticket {id}: created_at is missing; export tickets with the incremental ticket export"
        ));
    };
    let arrived_at = match time("created_at", created) {
        Ok(at) => at,
        Err(e) => return Mapped::Reject(format!("ticket {id}: {e}")),
    };
    let found = metrics.get(&id).copied().unwrap_or_default();
    let answered_at = match found.first_reply_seconds.map(|s| arrived_at.checked_add(SignedDuration::from_secs(s))) {
        Some(Ok(at)) => Some(at),
        Some(Err(_)) => return Mapped::Reject(format!("ticket {id}: reply_time is out of range")),
        None => None,
    };
    let solved = matches!(status.as_str(), "solved" | "closed");
    let ended_at = if solved {
        match (found.solved_at, found.full_resolution_minutes) {
            (Some(at), _) => Some(at),
            (None, Some(minutes)) => arrived_at.checked_add(SignedDuration::from_mins(minutes)).ok(),
            (None, None) => None,
        }
    } else {
        None
    };
    let via = ticket.via.as_ref().and_then(|v| v.channel.as_ref()).and_then(|c| c.as_str());
    Mapped::Row(InteractionRow {
        id: interaction_id(id),
        channel: channel(via),
        queue: options.queue.value(&ticket).unwrap_or_else(|| NONE.to_string()),
        agent_id: ticket.assignee_id.map(|a| a.to_string()),
        customer_id: ticket.requester_id.map_or_else(|| format!("{ID_PREFIX}{id}"), |r| r.to_string()),
        topic: options.topic.value(&ticket).unwrap_or_else(|| NONE.to_string()),
        arrived_at,
        answered_at,
        ended_at,
        wrap_seconds: 0,
        outcome: if solved { Outcome::Resolved } else { Outcome::Unresolved },
    })
}

#[derive(Debug, Deserialize)]
struct Rating {
    id: Option<u64>,
    ticket_id: Option<u64>,
    score: Option<String>,
    comment: Option<String>,
    created_at: Option<String>,
}

/// Maps one satisfaction rating: `good` → CSAT [`GOOD_CSAT`], `bad` → CSAT
/// [`BAD_CSAT`], with the comment; `offered` and `unoffered` are skipped.
/// The survey is identified by its ticket and `created_at`, so a customer who
/// changes their rating updates the same survey.
pub fn map_rating(value: &Value) -> Mapped<SurveyRow> {
    let rating = match Rating::deserialize(value) {
        Ok(rating) => rating,
        Err(e) => return Mapped::Reject(format!("satisfaction rating: {e}")),
    };
    let which = rating.id.map_or_else(|| "satisfaction rating".to_string(), |id| format!("satisfaction rating {id}"));
    let csat = match rating.score.as_deref().map(str::to_ascii_lowercase).as_deref() {
        Some("good" | "good_with_comment") => GOOD_CSAT,
        Some("bad" | "bad_with_comment") => BAD_CSAT,
        Some("offered" | "unoffered") => return Mapped::Skip("ratings offered but not answered"),
        other => {
            return Mapped::Reject(format!(
                "{which}: score must be good, bad, offered or unoffered (it was {})",
                other.unwrap_or("missing")
            ));
        }
    };
    let Some(ticket) = rating.ticket_id else {
        return Mapped::Reject(format!("{which}: ticket_id is missing"));
    };
    let Some(created) = rating.created_at.as_deref().filter(|s| !s.trim().is_empty()) else {
        return Mapped::Reject(format!("{which}: created_at is missing"));
    };
    let responded_at = match time("created_at", created) {
        Ok(at) => at,
        Err(e) => return Mapped::Reject(format!("{which}: {e}")),
    };
    Mapped::Row(SurveyRow {
        interaction_id: interaction_id(ticket),
        responded_at,
        csat: Some(csat),
        nps: None,
        ces: None,
        comment: rating.comment.map(|c| c.trim().to_string()).filter(|c| !c.is_empty()),
    })
}
