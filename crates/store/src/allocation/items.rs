//! Work items: creation (one transaction with its audit event), reads, and the
//! agent's own moves (start, done), progress notes and check-in dates.

use std::collections::HashMap;

use crewdeck_core::allocation::work::{WorkItemInput, WorkKind, WorkState};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use utoipa::ToSchema;

use super::{PRIORITY_RANK, assign, instant_text};
use crate::audit::{self, Actor};
use crate::db::{Db, Tx};
use crate::error::{StoreError, StoreResult};

/// A skill an item needs, at a level.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RequiredSkill {
    /// The skill.
    pub skill_id: i64,
    /// Its name.
    pub skill_name: String,
    /// The level needed, 1 to 5.
    pub level: i64,
}

/// A work item with its requirements and who has it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WorkItem {
    /// Identifier.
    pub id: i64,
    /// The id in the system it came from, if any.
    pub external_id: Option<String>,
    /// `ticket`, `callback`, `booking_in_call`, `qa_spot_check` or `task`.
    pub kind: String,
    /// What the work is.
    pub title: String,
    /// The channel it arrives on.
    pub channel: String,
    /// `urgent`, `high`, `normal` or `low`.
    pub priority: String,
    /// When it is due, RFC 3339 UTC.
    pub due_at: Option<String>,
    /// Minutes of work expected.
    pub effort_minutes: i64,
    /// The team whose work it is.
    pub team_id: i64,
    /// The team's name.
    pub team_name: String,
    /// `open`, `assigned`, `in_progress` or `done`.
    pub state: String,
    /// Who has it.
    pub assignee_id: Option<i64>,
    /// Their name.
    pub assignee_name: Option<String>,
    /// True when it was given as a development stretch.
    pub stretch: bool,
    /// Why it went to its assignee.
    pub rationale: Option<String>,
    /// When to check on progress, YYYY-MM-DD.
    pub check_in_on: Option<String>,
    /// When it was created, RFC 3339 UTC.
    pub created_at: String,
    /// Skills it needs.
    pub requires: Vec<RequiredSkill>,
    #[serde(skip)]
    #[schema(ignore)]
    pub(crate) due_seconds: Option<i64>,
}

impl WorkItem {
    /// The kind in words.
    pub fn kind_label(&self) -> &'static str {
        WorkKind::parse("kind", &self.kind).map_or("Work", WorkKind::label)
    }

    /// The state in words.
    pub fn state_label(&self) -> &'static str {
        WorkState::from_stored(&self.state).map_or("Unknown", WorkState::label)
    }

    /// The state, parsed.
    pub fn work_state(&self) -> Option<WorkState> {
        WorkState::from_stored(&self.state)
    }

    /// Requirements as `Billing 3, Returns 1`.
    pub fn requires_text(&self) -> String {
        self.requires.iter().map(|r| format!("{} {}", r.skill_name, r.level)).collect::<Vec<_>>().join(", ")
    }

    /// The due time as `2026-12-02 14:00 UTC`, or empty.
    pub fn due_text(&self) -> String {
        self.due_at
            .as_deref()
            .map(|d| d.replace('T', " ").trim_end_matches(":00Z").to_string() + " UTC")
            .unwrap_or_default()
    }

    /// Due time in Unix seconds.
    pub fn due_seconds(&self) -> Option<i64> {
        self.due_seconds
    }
}

/// A progress note on an item.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WorkNote {
    /// Who wrote it.
    pub author: String,
    /// When, RFC 3339 UTC.
    pub at: String,
    /// What it says.
    pub body: String,
}

/// Which items to list.
#[derive(Debug, Clone, Default)]
pub struct WorkFilter {
    /// Only these teams (`None`: every team).
    pub team_ids: Option<Vec<i64>>,
    /// Only this person's items.
    pub assignee: Option<i64>,
    /// Only these states (empty: every state).
    pub states: Vec<WorkState>,
}

impl WorkFilter {
    fn where_clause(&self) -> String {
        let mut parts = vec!["1 = 1".to_string()];
        // Ids and states are numbers and fixed words, never user text, so they
        // are written into the statement rather than bound one by one.
        if let Some(teams) = &self.team_ids {
            let ids: Vec<String> = teams.iter().map(i64::to_string).collect();
            parts.push(if ids.is_empty() { "1 = 0".into() } else { format!("w.team_id IN ({})", ids.join(", ")) });
        }
        if let Some(person) = self.assignee {
            parts.push(format!("w.assignee_id = {person}"));
        }
        if !self.states.is_empty() {
            let states: Vec<String> = self.states.iter().map(|s| format!("'{}'", s.as_str())).collect();
            parts.push(format!("w.state IN ({})", states.join(", ")));
        }
        parts.join(" AND ")
    }
}

const ITEM_COLUMNS: &str = "w.id, w.external_id, w.kind, w.title, w.channel, w.priority, w.due_at, w.effort_minutes, \
     w.team_id, t.name AS team_name, w.state, w.assignee_id, p.name AS assignee_name, w.stretch, w.rationale, \
     w.check_in_on, w.created_at";
const ITEM_FROM: &str = "FROM work_items w JOIN teams t ON t.id = w.team_id LEFT JOIN people p ON p.id = w.assignee_id";

fn item_from_row(row: &AnyRow) -> Result<WorkItem, sqlx::Error> {
    let due: Option<i64> = row.try_get("due_at")?;
    let created: i64 = row.try_get("created_at")?;
    Ok(WorkItem {
        id: row.try_get("id")?,
        external_id: row.try_get("external_id")?,
        kind: row.try_get("kind")?,
        title: row.try_get("title")?,
        channel: row.try_get("channel")?,
        priority: row.try_get("priority")?,
        due_at: instant_text(due),
        effort_minutes: row.try_get("effort_minutes")?,
        team_id: row.try_get("team_id")?,
        team_name: row.try_get("team_name")?,
        state: row.try_get("state")?,
        assignee_id: row.try_get("assignee_id")?,
        assignee_name: row.try_get("assignee_name")?,
        stretch: row.try_get::<i64, _>("stretch")? != 0,
        rationale: row.try_get("rationale")?,
        check_in_on: row.try_get("check_in_on")?,
        created_at: instant_text(Some(created)).unwrap_or_default(),
        requires: Vec::new(),
        due_seconds: due,
    })
}

/// Items matching `filter`, most urgent first, then earliest due, then oldest.
pub async fn list(db: &Db, filter: &WorkFilter) -> StoreResult<Vec<WorkItem>> {
    list_where(db, &filter.where_clause()).await
}

/// These items, whatever their state (a batch's lines), in queue order.
pub async fn by_ids(db: &Db, ids: &[i64]) -> StoreResult<Vec<WorkItem>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    // Numbers only, so they are written into the statement.
    let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
    list_where(db, &format!("w.id IN ({})", ids.join(", "))).await
}

async fn list_where(db: &Db, clause: &str) -> StoreResult<Vec<WorkItem>> {
    let rows = sqlx::query(&format!(
        "SELECT {ITEM_COLUMNS} {ITEM_FROM} WHERE {clause} \
         ORDER BY {PRIORITY_RANK}, CASE WHEN w.due_at IS NULL THEN 1 ELSE 0 END, w.due_at, w.id"
    ))
    .fetch_all(db.pool())
    .await?;
    let mut items: Vec<WorkItem> = rows.iter().map(item_from_row).collect::<Result<_, _>>()?;
    if items.is_empty() {
        return Ok(items);
    }
    // By the ids just read, not by `clause` again: a pull may assign an item
    // between the two reads, and re-applying "state = 'open'" would then
    // return the item without its required skills.
    let ids: Vec<String> = items.iter().map(|i| i.id.to_string()).collect();
    let skills: Vec<(i64, i64, String, i64)> = sqlx::query_as(&format!(
        "SELECT wis.item_id, s.id, s.name, wis.level FROM work_item_skills wis JOIN skills s ON s.id = wis.skill_id \
         WHERE wis.item_id IN ({}) ORDER BY wis.item_id, s.name",
        ids.join(", ")
    ))
    .fetch_all(db.pool())
    .await?;
    let mut by_item: HashMap<i64, Vec<RequiredSkill>> = HashMap::new();
    for (item_id, skill_id, skill_name, level) in skills {
        by_item.entry(item_id).or_default().push(RequiredSkill { skill_id, skill_name, level });
    }
    for item in &mut items {
        item.requires = by_item.remove(&item.id).unwrap_or_default();
    }
    Ok(items)
}

/// One item.
pub async fn get(db: &Db, id: i64) -> StoreResult<WorkItem> {
    let row = sqlx::query(&format!("SELECT {ITEM_COLUMNS} {ITEM_FROM} WHERE w.id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("Work item {id}")))?;
    let mut item = item_from_row(&row)?;
    let skills: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT s.id, s.name, wis.level FROM work_item_skills wis JOIN skills s ON s.id = wis.skill_id \
         WHERE wis.item_id = $1 ORDER BY s.name",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?;
    item.requires =
        skills.into_iter().map(|(skill_id, skill_name, level)| RequiredSkill { skill_id, skill_name, level }).collect();
    Ok(item)
}

/// Creates an item (open, unassigned) with its audit event. With
/// `allowed_teams`, an item for any other team is refused.
pub async fn create(
    db: &Db,
    actor: &Actor,
    input: &WorkItemInput,
    allowed_teams: Option<&[i64]>,
    now: Timestamp,
) -> StoreResult<WorkItem> {
    let mut tx = db.begin().await?;
    let id = create_in(&mut tx, actor, input, allowed_teams, now).await.map_err(|e| match e {
        Rejected::Field(field, message) => StoreError::field(field, message),
        Rejected::Store(e) => e,
    })?;
    tx.commit().await?;
    get(db, id).await
}

/// Why one item could not be created: a field the user can fix, or a database failure.
pub(crate) enum Rejected {
    /// The field and what to do about it.
    Field(&'static str, String),
    /// The database failed.
    Store(StoreError),
}

impl From<StoreError> for Rejected {
    fn from(e: StoreError) -> Self {
        Self::Store(e)
    }
}

impl From<sqlx::Error> for Rejected {
    fn from(e: sqlx::Error) -> Self {
        Self::Store(e.into())
    }
}

/// Creates an item inside the caller's transaction: matches the team and the
/// skills, checks the external id, writes the item and its audit event.
pub(crate) async fn create_in(
    tx: &mut Tx,
    actor: &Actor,
    input: &WorkItemInput,
    allowed_teams: Option<&[i64]>,
    now: Timestamp,
) -> Result<i64, Rejected> {
    let team_id = resolve_team(tx, &input.team).await?;
    if allowed_teams.is_some_and(|allowed| !allowed.contains(&team_id)) {
        return Err(Rejected::Field("team", "You can add work only for the teams you lead.".into()));
    }
    let mut skills = Vec::with_capacity(input.requires.len());
    for requirement in &input.requires {
        let found: Option<i64> = sqlx::query_scalar("SELECT id FROM skills WHERE LOWER(name) = LOWER($1)")
            .bind(&requirement.skill)
            .fetch_optional(&mut **tx)
            .await?;
        match found {
            Some(id) => skills.push((id, i64::from(requirement.level))),
            None => {
                return Err(Rejected::Field(
                    "requires",
                    format!("There is no skill called \u{201c}{}\u{201d} in the catalogue.", requirement.skill),
                ));
            }
        }
    }
    if let Some(external) = &input.external_id {
        let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM work_items WHERE external_id = $1")
            .bind(external)
            .fetch_optional(&mut **tx)
            .await?;
        if let Some(other) = taken {
            return Err(Rejected::Field(
                "external_id",
                format!("Work item {other} already has the id \u{201c}{external}\u{201d}."),
            ));
        }
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO work_items (external_id, kind, title, channel, priority, due_at, effort_minutes, team_id, state, \
         check_in_on, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', $9, $10, $10) RETURNING id",
    )
    .bind(input.external_id.as_deref())
    .bind(input.kind.as_str())
    .bind(&input.title)
    .bind(&input.channel)
    .bind(input.priority.as_str())
    .bind(input.due_at.map(|t| t.as_second()))
    .bind(input.effort_minutes)
    .bind(team_id)
    .bind(input.check_in_on.map(|d| d.to_string()))
    .bind(now.as_second())
    .fetch_one(&mut **tx)
    .await?;
    for (skill_id, level) in skills {
        sqlx::query("INSERT INTO work_item_skills (item_id, skill_id, level) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(skill_id)
            .bind(level)
            .execute(&mut **tx)
            .await?;
    }
    let summary = format!(
        "{} on {}, {} priority: \u{201c}{}\u{201d}",
        input.kind.label(),
        input.channel,
        input.priority,
        input.title
    );
    audit::record(tx, actor, "work.create", &format!("work:{id}"), &summary, now).await?;
    Ok(id)
}

/// A team by id or by name (without regard to case).
async fn resolve_team(tx: &mut Tx, team: &str) -> Result<i64, Rejected> {
    let by_id = match team.trim().parse::<i64>() {
        Ok(id) => sqlx::query_scalar("SELECT id FROM teams WHERE id = $1").bind(id).fetch_optional(&mut **tx).await?,
        Err(_) => None,
    };
    let found: Option<i64> = match by_id {
        Some(id) => Some(id),
        None => {
            sqlx::query_scalar("SELECT id FROM teams WHERE LOWER(name) = LOWER($1)")
                .bind(team.trim())
                .fetch_optional(&mut **tx)
                .await?
        }
    };
    found.ok_or_else(|| Rejected::Field("team", format!("There is no team \u{201c}{}\u{201d}.", team.trim())))
}

/// The agent starts an item given to them.
pub async fn start(db: &Db, actor: &Actor, id: i64, person_id: i64, now: Timestamp) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    let done = sqlx::query(
        "UPDATE work_items SET state = 'in_progress', started_at = $1, updated_at = $1 \
         WHERE id = $2 AND assignee_id = $3 AND state = 'assigned'",
    )
    .bind(now.as_second())
    .bind(id)
    .bind(person_id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict("Only an item assigned to you and not yet started can be started.".into()));
    }
    audit::record(&mut tx, actor, "work.start", &format!("work:{id}"), "started", now).await?;
    tx.commit().await?;
    Ok(())
}

/// Marks an item done: it leaves its assignee's open load in the same transaction.
pub async fn complete(db: &Db, actor: &Actor, id: i64, now: Timestamp) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    assign::complete_in(&mut tx, actor, id, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Adds a progress note.
pub async fn add_note(db: &Db, actor: &Actor, id: i64, body: &str, now: Timestamp) -> StoreResult<()> {
    let body = body.trim();
    if body.is_empty() {
        return Err(StoreError::field("note", "Write the note before saving it."));
    }
    if body.chars().count() > 2000 {
        return Err(StoreError::field("note", "Keep a note to 2,000 characters or fewer."));
    }
    get(db, id).await?;
    let mut tx = db.begin().await?;
    sqlx::query("INSERT INTO work_notes (item_id, author, at, body) VALUES ($1, $2, $3, $4)")
        .bind(id)
        .bind(&actor.label)
        .bind(now.as_second())
        .bind(body)
        .execute(&mut *tx)
        .await?;
    // The note itself may mention customers, so the trail records only that one was added.
    audit::record(&mut tx, actor, "work.note", &format!("work:{id}"), "progress note added", now).await?;
    tx.commit().await?;
    Ok(())
}

/// The notes on an item, oldest first.
pub async fn notes(db: &Db, id: i64) -> StoreResult<Vec<WorkNote>> {
    let rows = sqlx::query("SELECT author, at, body FROM work_notes WHERE item_id = $1 ORDER BY at, id")
        .bind(id)
        .fetch_all(db.pool())
        .await?;
    rows.iter()
        .map(|r| {
            let at: i64 = r.try_get(1)?;
            Ok(WorkNote { author: r.try_get(0)?, at: instant_text(Some(at)).unwrap_or_default(), body: r.try_get(2)? })
        })
        .collect()
}

/// Sets (or clears) the date to check on an item's progress.
pub async fn set_check_in(db: &Db, actor: &Actor, id: i64, on: Option<Date>, now: Timestamp) -> StoreResult<()> {
    let old = get(db, id).await?;
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE work_items SET check_in_on = $1, updated_at = $2 WHERE id = $3")
        .bind(on.map(|d| d.to_string()))
        .bind(now.as_second())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let summary = format!(
        "check-in: {} \u{2192} {}",
        old.check_in_on.unwrap_or_else(|| "none".into()),
        on.map_or_else(|| "none".to_string(), |d| d.to_string())
    );
    audit::record(&mut tx, actor, "work.check_in", &format!("work:{id}"), &summary, now).await?;
    tx.commit().await?;
    Ok(())
}
