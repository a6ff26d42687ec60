//! Platform agent ids and the people they belong to, for the agent mapping
//! page: which ids in the imported data match nobody yet, and which are
//! linked.

use serde::Serialize;
use sqlx::Row;

use crate::db::Db;
use crate::error::StoreResult;

/// An agent id seen in imported contacts that matches no person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnlinkedAgent {
    /// The id as the platform gives it.
    pub agent_id: String,
    /// Contacts recorded against it.
    pub contacts: i64,
    /// The last day (organisation time) it handled a contact.
    pub last_day: String,
}

/// A link from an agent id to a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LinkedAgent {
    /// The id as the platform gives it.
    pub agent_id: String,
    /// The person.
    pub person_id: i64,
    /// Their name.
    pub person_name: String,
}

/// Agent ids in the imported contacts that match nobody: no link and no
/// person with that email. Busiest first, at most `limit`. Read from the
/// per-agent daily rollups (a row per agent per day), so the cost does not
/// grow with the number of contacts.
pub async fn unlinked_agents(db: &Db, limit: i64) -> StoreResult<Vec<UnlinkedAgent>> {
    let rows = sqlx::query(
        "SELECT r.agent_id, CAST(SUM(r.contacts) AS BIGINT) AS contacts, MAX(r.day) AS last_day FROM kpi_rollups_agent_daily r \
         WHERE r.agent_id <> '' \
           AND NOT EXISTS (SELECT 1 FROM agent_ids a WHERE a.agent_id = r.agent_id) \
           AND NOT EXISTS (SELECT 1 FROM people p WHERE LOWER(p.email) = LOWER(r.agent_id)) \
         GROUP BY r.agent_id ORDER BY SUM(r.contacts) DESC, r.agent_id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(UnlinkedAgent {
                agent_id: r.try_get("agent_id")?,
                contacts: r.try_get::<Option<i64>, _>("contacts")?.unwrap_or(0),
                last_day: r.try_get("last_day")?,
            })
        })
        .collect()
}

/// Every agent id linked to a person, by agent id.
pub async fn linked_agents(db: &Db) -> StoreResult<Vec<LinkedAgent>> {
    let rows = sqlx::query(
        "SELECT a.agent_id, a.person_id, p.name FROM agent_ids a JOIN people p ON p.id = a.person_id ORDER BY a.agent_id",
    )
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(LinkedAgent {
                agent_id: r.try_get("agent_id")?,
                person_id: r.try_get("person_id")?,
                person_name: r.try_get("name")?,
            })
        })
        .collect()
}
