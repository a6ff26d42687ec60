//! Giving an item to a person, taking it back, and finishing it: the only
//! code that changes the open-load counters, each time in the transaction that
//! changes the item, with the assignment history and the audit event.

use crewdeck_core::allocation::{Problem, allocate, why_not};
use jiff::Timestamp;
use jiff::civil::Date;
use serde_json::json;

use super::items::{self, WorkItem};
use super::load;
use super::roster::{self, RosterAgent};
use crate::audit::{self, Actor};
use crate::db::{Db, Tx};
use crate::error::{StoreError, StoreResult};

/// How an item came to its assignee; kept in the assignment history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    /// Proposed by the engine in a batch and confirmed as proposed.
    Batch,
    /// Proposed in a batch, moved by the leader before confirming.
    Adjusted,
    /// The agent asked for the next item.
    Pull,
    /// A leader gave an open item to someone by hand.
    Manual,
    /// A leader moved an item someone already had.
    Override,
}

impl How {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Batch => "batch",
            Self::Adjusted => "adjusted",
            Self::Pull => "pull",
            Self::Manual => "manual",
            Self::Override => "override",
        }
    }
}

/// What state the item must be in for the assignment to go ahead; checked in
/// the `UPDATE` itself, so two writers can never both win.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Expect {
    /// Open and unassigned (pull, batch confirm, manual).
    Open,
    /// Held by this person, assigned or in progress (override).
    HeldBy(i64),
}

/// One assignment to make.
pub(crate) struct Give<'a> {
    pub item_id: i64,
    pub person_id: i64,
    pub how: How,
    pub stretch: bool,
    pub rationale: &'a str,
    pub reason: Option<&'a str>,
}

/// Gives an item to a person inside the caller's transaction. Returns false,
/// writing nothing, when the item is no longer as `expect` says (someone else
/// took it first).
pub(crate) async fn give_in(
    tx: &mut Tx,
    actor: &Actor,
    give: &Give<'_>,
    expect: Expect,
    now: Timestamp,
) -> StoreResult<bool> {
    let current: Option<(String, String, Option<i64>)> =
        sqlx::query_as("SELECT channel, state, assignee_id FROM work_items WHERE id = $1")
            .bind(give.item_id)
            .fetch_optional(&mut **tx)
            .await?;
    let Some((channel, _, previous)) = current else {
        return Err(StoreError::NotFound(format!("Work item {}", give.item_id)));
    };
    let condition = match expect {
        Expect::Open => "state = 'open'".to_string(),
        Expect::HeldBy(person) => format!("state IN ('assigned', 'in_progress') AND assignee_id = {person}"),
    };
    let done = sqlx::query(&format!(
        "UPDATE work_items SET state = 'assigned', assignee_id = $1, stretch = $2, rationale = $3, assigned_at = $4, \
         started_at = NULL, updated_at = $4 WHERE id = $5 AND {condition}"
    ))
    .bind(give.person_id)
    .bind(i64::from(give.stretch))
    .bind(give.rationale)
    .bind(now.as_second())
    .bind(give.item_id)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    if let (Expect::HeldBy(_), Some(previous)) = (expect, previous) {
        load::adjust(tx, previous, &channel, -1).await?;
        end_assignment(tx, give.item_id, now).await?;
    }
    load::adjust(tx, give.person_id, &channel, 1).await?;
    sqlx::query(
        "INSERT INTO work_assignments (item_id, person_id, how, stretch, reason, at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(give.item_id)
    .bind(give.person_id)
    .bind(give.how.as_str())
    .bind(i64::from(give.stretch))
    .bind(give.reason)
    .bind(now.as_second())
    .execute(&mut **tx)
    .await?;
    let name: String =
        sqlx::query_scalar("SELECT name FROM people WHERE id = $1").bind(give.person_id).fetch_one(&mut **tx).await?;
    let mut summary = format!("to {name} ({}{})", give.how.as_str(), if give.stretch { ", stretch" } else { "" });
    if let Some(reason) = give.reason {
        summary.push_str(&format!("; reason: \u{201c}{reason}\u{201d}"));
    }
    let action = match give.how {
        How::Override => "work.override",
        _ => "work.assign",
    };
    audit::record(tx, actor, action, &format!("work:{}", give.item_id), &summary, now).await?;
    Ok(true)
}

async fn end_assignment(tx: &mut Tx, item_id: i64, now: Timestamp) -> StoreResult<()> {
    sqlx::query("UPDATE work_assignments SET ended_at = $1 WHERE item_id = $2 AND ended_at IS NULL")
        .bind(now.as_second())
        .bind(item_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Marks an item done inside the caller's transaction; its assignee's open
/// load falls by one.
pub(crate) async fn complete_in(tx: &mut Tx, actor: &Actor, item_id: i64, now: Timestamp) -> StoreResult<()> {
    let current: Option<(String, Option<i64>)> =
        sqlx::query_as("SELECT channel, assignee_id FROM work_items WHERE id = $1")
            .bind(item_id)
            .fetch_optional(&mut **tx)
            .await?;
    let Some((channel, assignee)) = current else {
        return Err(StoreError::NotFound(format!("Work item {item_id}")));
    };
    let done = sqlx::query(
        "UPDATE work_items SET state = 'done', done_at = $1, updated_at = $1 \
         WHERE id = $2 AND state IN ('assigned', 'in_progress')",
    )
    .bind(now.as_second())
    .bind(item_id)
    .execute(&mut **tx)
    .await?;
    let Some(assignee) = assignee.filter(|_| done.rows_affected() > 0) else {
        return Err(StoreError::Conflict(
            "Only an item someone has (assigned or in progress) can be marked done.".into(),
        ));
    };
    load::adjust(tx, assignee, &channel, -1).await?;
    end_assignment(tx, item_id, now).await?;
    audit::record(tx, actor, "work.done", &format!("work:{item_id}"), "done", now).await?;
    Ok(())
}

/// An item in the engine's input shape, with its database id as the engine's id.
pub(crate) fn item_json(item: &WorkItem) -> serde_json::Value {
    let requires: serde_json::Map<String, serde_json::Value> =
        item.requires.iter().map(|r| (r.skill_name.clone(), json!(r.level))).collect();
    json!({
        "id": item.id.to_string(),
        "item_id": item.id,
        "channel": item.channel,
        "requires": requires,
        "priority": item.priority,
        "due_at": item.due_at,
        "effort_minutes": item.effort_minutes,
    })
}

/// Checks hard rules 1–3 for giving `item` to `agent` alone: `Ok` with whether
/// it is a stretch and the rationale, or `Err` with the reason it may not.
pub(crate) fn check_one(item: &WorkItem, agent: &RosterAgent) -> Result<(bool, String), String> {
    if let Some(why) = &agent.unavailable {
        return Err(format!("{} is {why}, so cannot be given work that day.", agent.name));
    }
    let document = json!({"agents": [agent.to_json()], "items": [item_json(item)]});
    let problem = Problem::from_value(&document).map_err(|e| format!("the item cannot be checked: {e}"))?;
    let allocation = allocate(&problem);
    match allocation.assignments.first() {
        Some(a) => {
            let rationale = a.rationale.trim_end_matches("; the only eligible available agent").to_string();
            Ok((a.stretch, rationale))
        }
        None => Err(why_not(&problem, &allocation, &item.id.to_string(), &agent.label)),
    }
}

/// A leader gives an item to `person_id` by hand, with a reason: an open item
/// is assigned, an item someone has is moved (an override). Hard rules 1–3 are
/// checked against the person's live load on `day`; nothing is written when
/// they would be broken.
pub async fn assign_by_hand(
    db: &Db,
    actor: &Actor,
    item_id: i64,
    person_id: i64,
    reason: &str,
    day: Date,
    now: Timestamp,
) -> StoreResult<WorkItem> {
    let item = items::get(db, item_id).await?;
    let agent = roster::person(db, person_id, day).await?;
    if item.assignee_id == Some(person_id) && item.work_state().is_some_and(|s| s.counts_as_load()) {
        return Err(StoreError::field("person_id", format!("{} already has this item.", agent.name)));
    }
    let (stretch, fit) = check_one(&item, &agent).map_err(|why| StoreError::field("person_id", why))?;
    let (how, expect) = match (item.work_state(), item.assignee_id) {
        (Some(s), Some(holder)) if s.counts_as_load() => (How::Override, Expect::HeldBy(holder)),
        (Some(crewdeck_core::allocation::work::WorkState::Open), _) => (How::Manual, Expect::Open),
        _ => return Err(StoreError::Conflict("This item is done; it cannot be given to anyone.".into())),
    };
    let by = actor.label.split(" <").next().unwrap_or(&actor.label);
    let rationale = format!("{reason} (by {by}); {fit}");
    let mut tx = db.begin().await?;
    let give = Give { item_id, person_id, how, stretch, rationale: &rationale, reason: Some(reason) };
    if !give_in(&mut tx, actor, &give, expect, now).await? {
        return Err(StoreError::Conflict("Someone changed this item a moment ago; look again and retry.".into()));
    }
    tx.commit().await?;
    items::get(db, item_id).await
}
