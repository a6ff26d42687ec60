//! Pull mode: an agent asks for the next item and gets the best open item of
//! their team they may take (core's `pull::next_for_with`: most urgent, then
//! earliest due, then oldest), assigned atomically.
//!
//! Atomic: the assignment is an `UPDATE ... WHERE state = 'open'`, so when two
//! agents pull at once and the engine picks the same item for both, only one
//! update succeeds; the other agent's pull takes that item off its queue and
//! asks the engine again.

use std::collections::HashMap;

use crewdeck_core::allocation::pull::{ItemQueue, next_for_with};
use crewdeck_core::allocation::work::WorkState;
use crewdeck_core::allocation::{ChannelId, Problem};
use jiff::Timestamp;
use jiff::civil::Date;
use serde_json::json;

use super::assign::{self, Expect, Give, How};
use super::items::{self, WorkFilter, WorkItem};
use super::roster;
use crate::audit::Actor;
use crate::db::Db;
use crate::error::{StoreError, StoreResult};
use crate::people;

/// What a pull gave.
#[derive(Debug, Clone)]
pub enum Pulled {
    /// The item now assigned to the agent.
    Given(Box<WorkItem>),
    /// Nothing, and why, in words for the agent.
    Nothing(String),
}

/// Gives `person_id` the best open item of their team(s) they may take on `day`.
pub async fn next_item(db: &Db, actor: &Actor, person_id: i64, day: Date, now: Timestamp) -> StoreResult<Pulled> {
    let agent = roster::person(db, person_id, day).await?;
    if let Some(why) = &agent.unavailable {
        return Ok(Pulled::Nothing(format!("You are {why}, so no work is given out to you today.")));
    }
    let teams = people::team_ids_on(db, person_id, day).await?;
    if teams.is_empty() {
        return Ok(Pulled::Nothing("You are not in a team today, so there is no queue to take work from.".into()));
    }
    let filter = WorkFilter { team_ids: Some(teams), assignee: None, states: vec![WorkState::Open] };
    let open = items::list(db, &filter).await?;
    if open.is_empty() {
        return Ok(Pulled::Nothing("There is no open work in your team's queue right now.".into()));
    }
    // Hard rule 4 in pull form: one open stretch item per channel at a time.
    let stretching: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT channel FROM work_items WHERE assignee_id = $1 AND stretch = 1 AND state IN ('assigned', 'in_progress')",
    )
    .bind(person_id)
    .fetch_all(db.pool())
    .await?;
    let document = json!({
        "agents": [agent.to_json()],
        "items": open.iter().map(assign::item_json).collect::<Vec<_>>(),
    });
    let problem = Problem::from_value(&document)
        .map_err(|e| StoreError::Corrupt(format!("open work cannot be read by the engine: {e}")))?;
    let Some(me) = problem.agents().first() else {
        return Err(StoreError::Corrupt("the agent was lost building the pull".into()));
    };
    let mut queue = ItemQueue::new();
    let mut by_key = HashMap::new();
    for (item, stored) in problem.items().iter().zip(&open) {
        let due = stored.due_seconds().and_then(|s| Timestamp::from_second(s).ok());
        by_key.insert(queue.push(item.clone(), due), stored);
    }
    loop {
        let allowed = |c: ChannelId| !stretching.iter().any(|s| s == problem.channel_name(c));
        let Some(pull) = next_for_with(me, &queue, allowed) else {
            return Ok(Pulled::Nothing(
                "No open item in your team's queue matches your skills and free capacity right now.".into(),
            ));
        };
        let Some(&item) = by_key.get(&pull.key) else {
            return Err(StoreError::Corrupt("the pull chose an item it was not given".into()));
        };
        let rationale = match assign::check_one(item, &agent) {
            Ok((_, fit)) => {
                format!("pulled by {}: the most urgent, earliest-due item they may take; {fit}", agent.name)
            }
            Err(why) => return Err(StoreError::Corrupt(format!("the pull and the hard rules disagree: {why}"))),
        };
        let mut tx = db.begin().await?;
        let give = Give {
            item_id: item.id,
            person_id,
            how: How::Pull,
            stretch: pull.stretch,
            rationale: &rationale,
            reason: None,
        };
        if assign::give_in(&mut tx, actor, &give, Expect::Open, now).await? {
            tx.commit().await?;
            return Ok(Pulled::Given(Box::new(items::get(db, item.id).await?)));
        }
        // Someone else took it between the read and the update: drop it and ask again.
        tx.rollback().await?;
        queue.take(pull.key);
    }
}
