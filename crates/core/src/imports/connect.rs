//! Amazon Connect contact records (formerly contact trace records, CTR), one
//! JSON object per line as the contact record export stream delivers them.
//!
//! Mapping (see `docs/imports.md` for the table):
//! - `ContactId` is the interaction id; `Channel` VOICE → voice, CHAT → chat,
//!   EMAIL → email; TASK records are back-office work, not customer
//!   contacts, and are skipped, as are supervisor MONITOR records and
//!   contacts that never reached a queue (they ended in self-service);
//! - arrived = `Queue.EnqueueTimestamp` (the wait starts in the queue, not in
//!   the IVR), answered = `Agent.ConnectedToAgentTimestamp`, ended =
//!   `DisconnectTimestamp`, wrap = `Agent.AfterContactWorkDuration`;
//! - enqueued but never connected to an agent is abandoned, ended at
//!   `Queue.DequeueTimestamp` (or the disconnect);
//! - connected contacts are transferred when the record shows a completed
//!   transfer, otherwise resolved: contact records carry no resolution, so
//!   crewdeck's first contact resolution rests on repeat contacts alone;
//! - the customer is `CustomerEndpoint.Address` (a phone number or chat
//!   id) kept only as a one-way hash, enough to find repeat contacts without
//!   storing the number.

use std::collections::HashMap;

use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::rows::{InteractionRow, Mapped, NONE, text_of, time};
use crate::kpi::{Channel, Outcome};

/// Which agent field is the agent id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AgentKey {
    /// `Agent.Username`, the login (default): readable, and equal to the
    /// person's email where logins are emails.
    #[default]
    Username,
    /// `Agent.ARN`, stable when logins are renamed.
    Arn,
}

/// How contact records are mapped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectOptions {
    /// The contact attribute that names the topic (`topic` by default).
    pub topic_attribute: String,
    /// Which agent field identifies the agent.
    pub agent: AgentKey,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        Self { topic_attribute: "topic".to_string(), agent: AgentKey::Username }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ContactRecord {
    contact_id: String,
    channel: Option<String>,
    initiation_method: Option<String>,
    initiation_timestamp: Option<String>,
    disconnect_timestamp: Option<String>,
    transfer_completed_timestamp: Option<String>,
    queue: Option<Queue>,
    agent: Option<Agent>,
    customer_endpoint: Option<Endpoint>,
    #[serde(default)]
    attributes: Option<HashMap<String, Value>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Queue {
    name: Option<String>,
    enqueue_timestamp: Option<String>,
    dequeue_timestamp: Option<String>,
    duration: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Agent {
    username: Option<String>,
    #[serde(rename = "ARN")]
    arn: Option<String>,
    connected_to_agent_timestamp: Option<String>,
    after_contact_work_duration: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Endpoint {
    address: Option<String>,
}

/// The customer id of an endpoint address: a one-way hash, the same for
/// the same address, from which the address cannot be read back.
pub fn customer_id(address: &str) -> String {
    let digest = Sha256::digest(address.trim().as_bytes());
    format!("connect:{}", hex::encode(&digest[..12]))
}

fn present(text: Option<&String>) -> Option<&str> {
    text.map(|s| s.trim()).filter(|s| !s.is_empty())
}

/// Maps one line of a contact record export.
pub fn map_line(line: &str, options: &ConnectOptions) -> Mapped<InteractionRow> {
    let value: Value = match serde_json::from_str(line) {
        Ok(value) => value,
        Err(e) => return Mapped::Reject(format!("the line is not a JSON contact record: {e}")),
    };
    map_record(&value, options)
}

/// Maps one contact record.
pub fn map_record(value: &Value, options: &ConnectOptions) -> Mapped<InteractionRow> {
    let record = match ContactRecord::deserialize(value) {
        Ok(record) => record,
        Err(e) => {
            let which = value
                .get("ContactId")
                .and_then(Value::as_str)
                .map_or_else(|| "contact record".to_string(), |id| format!("contact {id}"));
            return Mapped::Reject(format!("{which}: {e}"));
        }
    };
    match map(&record, options) {
        Ok(mapped) => mapped,
        Err(reason) => Mapped::Reject(format!("contact {}: {reason}", record.contact_id)),
    }
}

fn optional_time(field: &str, text: Option<&String>) -> Result<Option<Timestamp>, String> {
    present(text).map(|t| time(field, t)).transpose()
}

fn map(record: &ContactRecord, options: &ConnectOptions) -> Result<Mapped<InteractionRow>, String> {
    let channel = match record.channel.as_deref().map(str::to_ascii_uppercase).as_deref() {
        Some("VOICE") => Channel::Voice,
        Some("CHAT") => Channel::Chat,
        Some("EMAIL") => Channel::Email,
        Some("TASK") => return Ok(Mapped::Skip("tasks (back-office work, not customer contacts)")),
        other => {
            return Err(format!("Channel must be VOICE, CHAT, EMAIL or TASK (it was {})", other.unwrap_or("missing")));
        }
    };
    if record.initiation_method.as_deref().is_some_and(|m| m.eq_ignore_ascii_case("MONITOR")) {
        return Ok(Mapped::Skip("supervisor monitoring records"));
    }
    let Some(queue) = record.queue.as_ref().filter(|q| present(q.name.as_ref()).is_some()) else {
        return Ok(Mapped::Skip("contacts that never reached a queue"));
    };
    let enqueued = optional_time("Queue.EnqueueTimestamp", queue.enqueue_timestamp.as_ref())?;
    let initiated = optional_time("InitiationTimestamp", record.initiation_timestamp.as_ref())?;
    let arrived_at = enqueued.or(initiated).ok_or("Queue.EnqueueTimestamp and InitiationTimestamp are both missing")?;
    let disconnected = optional_time("DisconnectTimestamp", record.disconnect_timestamp.as_ref())?;
    let agent = record.agent.as_ref();
    let connected =
        optional_time("Agent.ConnectedToAgentTimestamp", agent.and_then(|a| a.connected_to_agent_timestamp.as_ref()))?;
    let topic = record
        .attributes
        .as_ref()
        .and_then(|a| a.get(&options.topic_attribute))
        .and_then(text_of)
        .unwrap_or_else(|| NONE.to_string());
    let customer_id = present(record.customer_endpoint.as_ref().and_then(|e| e.address.as_ref()))
        .map_or_else(|| format!("connect:contact:{}", record.contact_id), customer_id);
    let queue_name = present(queue.name.as_ref()).unwrap_or(NONE).to_string();
    let row = match connected {
        Some(answered) => {
            let agent_id = agent.and_then(|a| match options.agent {
                AgentKey::Username => present(a.username.as_ref()),
                AgentKey::Arn => present(a.arn.as_ref()),
            });
            let transferred = present(record.transfer_completed_timestamp.as_ref()).is_some();
            let wrap = agent.and_then(|a| a.after_contact_work_duration).unwrap_or(0);
            InteractionRow {
                id: record.contact_id.clone(),
                channel,
                queue: queue_name,
                agent_id: agent_id.map(str::to_string),
                customer_id,
                topic,
                arrived_at,
                answered_at: Some(answered),
                ended_at: disconnected,
                wrap_seconds: u64::try_from(wrap).map_err(|_| "Agent.AfterContactWorkDuration is negative")?,
                outcome: if transferred { Outcome::Transferred } else { Outcome::Resolved },
            }
        }
        None => {
            let dequeued = optional_time("Queue.DequeueTimestamp", queue.dequeue_timestamp.as_ref())?;
            let by_duration =
                queue.duration.and_then(|s| enqueued.and_then(|at| at.checked_add(SignedDuration::from_secs(s)).ok()));
            InteractionRow {
                id: record.contact_id.clone(),
                channel,
                queue: queue_name,
                agent_id: None,
                customer_id,
                topic,
                arrived_at,
                answered_at: None,
                ended_at: dequeued.or(by_duration).or(disconnected),
                wrap_seconds: 0,
                outcome: Outcome::Abandoned,
            }
        }
    };
    Ok(Mapped::Row(row))
}
