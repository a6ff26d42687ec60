//! Agent ids of contact platforms linked to people, and the import history.

use jiff::Timestamp;
use serde::Serialize;
use sqlx::Row;

use crate::audit::{self, Actor};
use crate::db::Db;
use crate::error::{StoreError, StoreResult};

/// Records that the platform agent id `agent_id` is the person `person_id`,
/// replacing any earlier link of that agent id.
///
/// Without a link, an agent id equal to a person's email (ignoring letter
/// case) is taken to be that person. Either way, the person's team on a
/// contact's date decides the contact's `team` in KPI reports.
pub async fn link_agent(db: &Db, actor: &Actor, agent_id: &str, person_id: i64, now: Timestamp) -> StoreResult<()> {
    let agent_id = agent_id.trim();
    if agent_id.is_empty() {
        return Err(StoreError::field("agent_id", "Enter the agent id as the contact platform shows it."));
    }
    let mut tx = db.begin().await?;
    let found: Option<i64> =
        sqlx::query_scalar("SELECT id FROM people WHERE id = $1").bind(person_id).fetch_optional(&mut *tx).await?;
    if found.is_none() {
        return Err(StoreError::field("person_id", "Choose the person from the list."));
    }
    sqlx::query(
        "INSERT INTO agent_ids (agent_id, person_id) VALUES ($1, $2) \
         ON CONFLICT (agent_id) DO UPDATE SET person_id = excluded.person_id",
    )
    .bind(agent_id)
    .bind(person_id)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        actor,
        "agent_id.link",
        &format!("person:{person_id}"),
        &format!("agent id: \u{201c}{agent_id}\u{201d}"),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// One import in the history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportRun {
    /// Identifier.
    pub id: i64,
    /// `interactions` or `surveys`.
    pub kind: String,
    /// The file's name as given.
    pub file_name: String,
    /// Who ran it.
    pub actor: String,
    /// When it started, Unix seconds.
    pub started_at: i64,
    /// When it finished, Unix seconds; `None` while running or if it was
    /// interrupted.
    pub finished_at: Option<i64>,
    /// `running` or `completed`.
    pub status: String,
    /// New records.
    pub imported: i64,
    /// Records updated.
    pub updated: i64,
    /// Rows rejected.
    pub rejected: i64,
}

/// The newest imports first.
pub async fn import_runs(db: &Db, limit: i64) -> StoreResult<Vec<ImportRun>> {
    let rows = sqlx::query(
        "SELECT id, kind, file_name, actor, started_at, finished_at, status, imported, updated, rejected \
         FROM import_runs ORDER BY id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ImportRun {
                id: r.try_get("id")?,
                kind: r.try_get("kind")?,
                file_name: r.try_get("file_name")?,
                actor: r.try_get("actor")?,
                started_at: r.try_get("started_at")?,
                finished_at: r.try_get("finished_at")?,
                status: r.try_get("status")?,
                imported: r.try_get("imported")?,
                updated: r.try_get("updated")?,
                rejected: r.try_get("rejected")?,
            })
        })
        .collect()
}
