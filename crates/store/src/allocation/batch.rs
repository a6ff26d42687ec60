//! Batch mode: the engine proposes an allocation of a team's open work for a
//! day, kept as a draft with each line's rationale; the leader moves lines
//! (hard rules still checked, reason required), asks "why not X?", and
//! confirms, which assigns every line in one transaction.
//!
//! The draft keeps the engine's exact input (`work_batches.problem`), so
//! "why not" is answered from the same problem the proposal came from; the
//! engine is deterministic, so running it again gives the same proposal.

use std::collections::HashMap;

use crewdeck_core::allocation::adjust::{self, Burst};
use crewdeck_core::allocation::work::WorkState;
use crewdeck_core::allocation::{Problem, allocate, why_not as core_why_not};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use serde_json::{Value, json};
use sqlx::Row;

use super::assign::{self, Expect, Give, How, item_json};
use super::items::{self, WorkFilter, WorkItem};
use super::{instant_text, roster};
use crate::audit::{self, Actor};
use crate::db::Db;
use crate::error::{StoreError, StoreResult};

/// A person a line could be moved to.
#[derive(Debug, Clone, Serialize)]
pub struct Choice {
    /// The person.
    pub person_id: i64,
    /// Their name.
    pub name: String,
}

/// One line of a batch: an item and where it goes.
#[derive(Debug, Clone, Serialize)]
pub struct BatchLine {
    /// The item.
    pub item: WorkItem,
    /// Who it goes to; `None` when nobody may take it.
    pub person_id: Option<i64>,
    /// Their name.
    pub person_name: Option<String>,
    /// True for a development stretch.
    pub stretch: bool,
    /// Why this person, or why nobody.
    pub rationale: String,
    /// The leader's reason, when they moved the line.
    pub adjusted_reason: Option<String>,
    /// People the line may be moved to without breaking a hard rule.
    pub choices: Vec<Choice>,
}

/// A batch with its lines.
#[derive(Debug, Clone, Serialize)]
pub struct Batch {
    /// Identifier.
    pub id: i64,
    /// The team.
    pub team_id: i64,
    /// The day planned for, YYYY-MM-DD.
    pub plan_date: String,
    /// `draft`, `confirmed` or `superseded`.
    pub state: String,
    /// Who ran it.
    pub created_by: String,
    /// When, RFC 3339 UTC.
    pub created_at: String,
    /// One line per item.
    pub lines: Vec<BatchLine>,
    /// Members who cannot take work that day, and why.
    pub unavailable: Vec<String>,
    /// Burst warnings: people given more than the burst cap on a channel.
    pub bursts: Vec<String>,
}

impl Batch {
    /// True while the leader can still change and confirm it.
    pub fn is_draft(&self) -> bool {
        self.state == "draft"
    }

    /// Lines that give an item to someone.
    pub fn assigned_count(&self) -> usize {
        self.lines.iter().filter(|l| l.person_id.is_some()).count()
    }
}

/// What confirming did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Confirmed {
    /// Items assigned.
    pub assigned: usize,
    /// Lines not applied, and why.
    pub skipped: Vec<String>,
}

/// Runs the engine over `team_id`'s open items for `day` and keeps the proposal
/// as a draft (replacing the team's earlier draft). Returns the batch id.
pub async fn propose(db: &Db, actor: &Actor, team_id: i64, day: Date, now: Timestamp) -> StoreResult<i64> {
    let agents = roster::team(db, team_id, day).await?;
    let filter = WorkFilter { team_ids: Some(vec![team_id]), assignee: None, states: vec![WorkState::Open] };
    let open = items::list(db, &filter).await?;
    if open.is_empty() {
        return Err(StoreError::Conflict("There is no open work in this team's queue to allocate.".into()));
    }
    if agents.is_empty() {
        return Err(StoreError::Conflict(
            "This team has no members on that day, so there is nobody to allocate to.".into(),
        ));
    }
    let document = json!({
        "agents": agents.iter().map(roster::RosterAgent::to_json).collect::<Vec<_>>(),
        "items": open.iter().map(item_json).collect::<Vec<_>>(),
    });
    let problem = Problem::from_value(&document)
        .map_err(|e| StoreError::Corrupt(format!("the team's work cannot be read by the engine: {e}")))?;
    let allocation = allocate(&problem);
    let by_label: HashMap<&str, i64> = agents.iter().map(|a| (a.label.as_str(), a.person_id)).collect();
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE work_batches SET state = 'superseded' WHERE team_id = $1 AND state = 'draft'")
        .bind(team_id)
        .execute(&mut *tx)
        .await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO work_batches (team_id, plan_date, state, problem, created_by, created_at) \
         VALUES ($1, $2, 'draft', $3, $4, $5) RETURNING id",
    )
    .bind(team_id)
    .bind(day.to_string())
    .bind(document.to_string())
    .bind(&actor.label)
    .bind(now.as_second())
    .fetch_one(&mut *tx)
    .await?;
    for a in &allocation.assignments {
        let person = by_label.get(a.agent.as_str()).copied();
        insert_line(&mut tx, id, &a.item, person, a.stretch, &a.rationale).await?;
    }
    for u in &allocation.unassigned {
        insert_line(&mut tx, id, &u.item, None, false, &u.reason).await?;
    }
    let summary = format!(
        "{} open items for {day}: {} proposed, {} left unassigned",
        open.len(),
        allocation.assignments.len(),
        allocation.unassigned.len()
    );
    audit::record(&mut tx, actor, "work.batch.propose", &format!("team:{team_id}"), &summary, now).await?;
    tx.commit().await?;
    Ok(id)
}

async fn insert_line(
    tx: &mut crate::db::Tx,
    batch: i64,
    item: &str,
    person: Option<i64>,
    stretch: bool,
    rationale: &str,
) -> StoreResult<()> {
    let item: i64 =
        item.parse().map_err(|_| StoreError::Corrupt(format!("the engine named an unknown item {item}")))?;
    sqlx::query(
        "INSERT INTO work_batch_lines (batch_id, item_id, person_id, stretch, rationale) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(batch)
    .bind(item)
    .bind(person)
    .bind(i64::from(stretch))
    .bind(rationale)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A stored batch: the engine's input, parsed, with the person ids beside it.
struct Stored {
    team_id: i64,
    plan_date: String,
    state: String,
    created_by: String,
    created_at: i64,
    document: Value,
    problem: Problem,
    /// Person id per agent index.
    people: Vec<i64>,
    /// Item id per item index.
    item_ids: Vec<i64>,
}

impl Stored {
    fn agent_index(&self, person_id: i64) -> Option<usize> {
        self.people.iter().position(|&p| p == person_id)
    }

    fn item_index(&self, item_id: i64) -> Option<usize> {
        self.item_ids.iter().position(|&i| i == item_id)
    }
}

async fn load_stored(db: &Db, id: i64) -> StoreResult<Stored> {
    let row = sqlx::query(
        "SELECT team_id, plan_date, state, problem, created_by, created_at FROM work_batches WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    .ok_or_else(|| StoreError::NotFound(format!("Batch {id}")))?;
    let text: String = row.try_get("problem")?;
    let document: Value =
        serde_json::from_str(&text).map_err(|e| StoreError::Corrupt(format!("batch {id} input: {e}")))?;
    let problem = Problem::from_value(&document).map_err(|e| StoreError::Corrupt(format!("batch {id} input: {e}")))?;
    let ids = |key: &str, field: &str| -> Vec<i64> {
        document[key]
            .as_array()
            .map_or_else(Vec::new, |list| list.iter().map(|v| v[field].as_i64().unwrap_or(0)).collect())
    };
    Ok(Stored {
        team_id: row.try_get("team_id")?,
        plan_date: row.try_get("plan_date")?,
        state: row.try_get("state")?,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
        people: ids("agents", "person_id"),
        item_ids: ids("items", "item_id"),
        document,
        problem,
    })
}

/// The current lines of a batch: (item id, person id, stretch, rationale, reason).
type LineRow = (i64, Option<i64>, i64, String, Option<String>);

async fn line_rows(db: &Db, id: i64) -> StoreResult<Vec<LineRow>> {
    Ok(sqlx::query_as(
        "SELECT item_id, person_id, stretch, rationale, adjusted_reason FROM work_batch_lines WHERE batch_id = $1",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?)
}

/// Where each item of the stored problem goes now, in the engine's indices.
fn placement(stored: &Stored, rows: &[LineRow]) -> Vec<Option<(usize, bool)>> {
    let mut lines = vec![None; stored.item_ids.len()];
    for (item, person, stretch, _, _) in rows {
        if let (Some(i), Some(a)) = (stored.item_index(*item), person.and_then(|p| stored.agent_index(p))) {
            lines[i] = Some((a, *stretch != 0));
        }
    }
    lines
}

/// A batch with its lines (in queue order), the moves each line allows, the
/// members who cannot take work, and burst warnings.
pub async fn get(db: &Db, id: i64) -> StoreResult<Batch> {
    let stored = load_stored(db, id).await?;
    let rows = line_rows(db, id).await?;
    let lines = placement(&stored, &rows);
    let filter = WorkFilter { team_ids: Some(vec![stored.team_id]), assignee: None, states: Vec::new() };
    let mut items: HashMap<i64, WorkItem> = items::list(db, &filter).await?.into_iter().map(|i| (i.id, i)).collect();
    let agents = stored.problem.agents();
    let names: Vec<String> = stored.document["agents"]
        .as_array()
        .map_or_else(Vec::new, |list| list.iter().map(|a| a["id"].as_str().unwrap_or("?").to_string()).collect());
    let row_of: HashMap<i64, &LineRow> = rows.iter().map(|r| (r.0, r)).collect();
    let mut out = Vec::new();
    for (i, &item_id) in stored.item_ids.iter().enumerate() {
        let (Some(item), Some(row)) = (items.remove(&item_id), row_of.get(&item_id)) else { continue };
        let choices = (0..agents.len())
            .filter(|&a| lines[i].is_none_or(|(b, _)| b != a))
            .filter(|&a| adjust::may_take(&stored.problem, &lines, i, a).is_ok())
            .map(|a| Choice { person_id: stored.people[a], name: names[a].clone() })
            .collect();
        out.push(BatchLine {
            item,
            person_id: row.1,
            person_name: lines[i].map(|(a, _)| names[a].clone()),
            stretch: row.2 != 0,
            rationale: row.3.clone(),
            adjusted_reason: row.4.clone(),
            choices,
        });
    }
    let unavailable = stored.document["agents"].as_array().map_or_else(Vec::new, |list| {
        list.iter()
            .filter_map(|a| a["unavailable"].as_str().map(|why| format!("{}: {why}", a["id"].as_str().unwrap_or("?"))))
            .collect()
    });
    let bursts = adjust::bursts(&stored.problem, &lines)
        .into_iter()
        .map(|Burst { agent, channel, given, cap }| {
            format!("{} would get {given} new {channel} items, over the burst cap of {cap} for this run", names[agent])
        })
        .collect();
    Ok(Batch {
        id,
        team_id: stored.team_id,
        plan_date: stored.plan_date,
        state: stored.state,
        created_by: stored.created_by,
        created_at: instant_text(Some(stored.created_at)).unwrap_or_default(),
        lines: out,
        unavailable,
        bursts,
    })
}

/// The newest draft batch of a team, if any.
pub async fn latest_draft(db: &Db, team_id: i64) -> StoreResult<Option<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM work_batches WHERE team_id = $1 AND state = 'draft' ORDER BY created_at DESC, id DESC",
    )
    .bind(team_id)
    .fetch_optional(db.pool())
    .await?)
}

/// The team a batch belongs to (for permission checks).
pub async fn team_of(db: &Db, id: i64) -> StoreResult<i64> {
    sqlx::query_scalar("SELECT team_id FROM work_batches WHERE id = $1")
        .bind(id)
        .fetch_optional(db.pool())
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("Batch {id}")))
}

/// Moves one line of a draft to `person_id`, with the leader's reason. Hard
/// rules 1–4 are checked against the batch as it now stands.
pub async fn move_line(
    db: &Db,
    actor: &Actor,
    id: i64,
    item_id: i64,
    person_id: i64,
    reason: &str,
    now: Timestamp,
) -> StoreResult<()> {
    let stored = load_stored(db, id).await?;
    if stored.state != "draft" {
        return Err(StoreError::Conflict("This batch is no longer a draft; run a new one to change it.".into()));
    }
    let rows = line_rows(db, id).await?;
    let lines = placement(&stored, &rows);
    let item =
        stored.item_index(item_id).ok_or_else(|| StoreError::NotFound(format!("Item {item_id} in batch {id}")))?;
    let agent = stored
        .agent_index(person_id)
        .ok_or_else(|| StoreError::field("person_id", "Choose someone from this team."))?;
    let stretch =
        adjust::may_take(&stored.problem, &lines, item, agent).map_err(|why| StoreError::field("person_id", why))?;
    let to = stored.problem.agents()[agent].id().to_string();
    let from =
        lines[item].map_or_else(|| "unassigned".to_string(), |(a, _)| stored.problem.agents()[a].id().to_string());
    let by = actor.label.split(" <").next().unwrap_or(&actor.label);
    let rationale =
        format!("moved from {from} by {by}: {reason}{}", if stretch { "; a development stretch" } else { "" });
    let mut tx = db.begin().await?;
    sqlx::query(
        "UPDATE work_batch_lines SET person_id = $1, stretch = $2, rationale = $3, adjusted_reason = $4 \
         WHERE batch_id = $5 AND item_id = $6",
    )
    .bind(person_id)
    .bind(i64::from(stretch))
    .bind(&rationale)
    .bind(reason)
    .bind(id)
    .bind(item_id)
    .execute(&mut *tx)
    .await?;
    let summary = format!("item {item_id}: {from} \u{2192} {to}; reason: \u{201c}{reason}\u{201d}");
    audit::record(&mut tx, actor, "work.batch.adjust", &format!("batch:{id}"), &summary, now).await?;
    tx.commit().await?;
    Ok(())
}

/// "Why was this item not given to this person?", from the engine's own
/// explanation of the proposal (and the leader's move, when they made one).
pub async fn why_not(db: &Db, id: i64, item_id: i64, person_id: i64) -> StoreResult<String> {
    let stored = load_stored(db, id).await?;
    let Some(agent) = stored.agent_index(person_id) else {
        return Ok("That person was not in the team on the batch's day, so the batch did not consider them.".into());
    };
    if stored.item_index(item_id).is_none() {
        return Err(StoreError::NotFound(format!("Item {item_id} in batch {id}")));
    }
    let rows = line_rows(db, id).await?;
    if let Some((_, Some(p), _, _, Some(reason))) = rows.iter().find(|r| r.0 == item_id)
        && *p == person_id
    {
        return Ok(format!("The leader moved this item to them: {reason}."));
    }
    let allocation = allocate(&stored.problem);
    let label = stored.problem.agents()[agent].id().to_string();
    let mut answer = core_why_not(&stored.problem, &allocation, &item_id.to_string(), &label);
    if let Some(why) = stored.document["agents"][agent]["unavailable"].as_str() {
        answer.push_str(&format!(": {why}"));
    }
    Ok(answer)
}

/// Confirms a draft: every line that gives an item to someone is assigned, in
/// one transaction with its audit events. A line whose item was taken
/// meanwhile, or whose person has filled the channel since (by pulling), is
/// skipped and reported; the rest go ahead.
pub async fn confirm(db: &Db, actor: &Actor, id: i64, now: Timestamp) -> StoreResult<Confirmed> {
    let rows = line_rows(db, id).await?;
    let mut report = Confirmed::default();
    let mut tx = db.begin().await?;
    let done =
        sqlx::query("UPDATE work_batches SET state = 'confirmed', confirmed_at = $1 WHERE id = $2 AND state = 'draft'")
            .bind(now.as_second())
            .bind(id)
            .execute(&mut *tx)
            .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict("This batch was already confirmed or replaced by a newer one.".into()));
    }
    for (item_id, person, stretch, rationale, reason) in &rows {
        let Some(person) = *person else { continue };
        let (channel, name): (String, String) =
            sqlx::query_as("SELECT w.channel, p.name FROM work_items w, people p WHERE w.id = $1 AND p.id = $2")
                .bind(item_id)
                .bind(person)
                .fetch_one(&mut *tx)
                .await?;
        let capacity: Option<i64> =
            sqlx::query_scalar("SELECT capacity FROM capacities WHERE person_id = $1 AND channel = $2")
                .bind(person)
                .bind(&channel)
                .fetch_optional(&mut *tx)
                .await?;
        if super::load::of_in(&mut tx, person, &channel).await? >= capacity.unwrap_or(0) {
            report.skipped.push(format!("item {item_id}: {name}'s {channel} is full now"));
            continue;
        }
        let how = if reason.is_some() { How::Adjusted } else { How::Batch };
        let give = Give {
            item_id: *item_id,
            person_id: person,
            how,
            stretch: *stretch != 0,
            rationale,
            reason: reason.as_deref(),
        };
        if assign::give_in(&mut tx, actor, &give, Expect::Open, now).await? {
            report.assigned += 1;
        } else {
            report.skipped.push(format!("item {item_id} was taken or closed since the batch was run"));
        }
    }
    let summary = format!("{} assigned, {} skipped", report.assigned, report.skipped.len());
    audit::record(&mut tx, actor, "work.batch.confirm", &format!("batch:{id}"), &summary, now).await?;
    tx.commit().await?;
    Ok(report)
}
