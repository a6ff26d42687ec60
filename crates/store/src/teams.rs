//! Teams and their leaders.

use crewdeck_core::people::TeamInput;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use sqlx::Row;
use utoipa::ToSchema;

use crate::audit::{self, Actor, diff_summary};
use crate::db::Db;
use crate::error::{StoreError, StoreResult};

/// A team.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Team {
    /// Identifier.
    pub id: i64,
    /// Name.
    pub name: String,
    /// What the team is for.
    pub purpose: Option<String>,
    /// The leader's person id.
    pub leader_id: Option<i64>,
    /// The leader's name.
    pub leader_name: Option<String>,
    /// How many people are in the team today.
    pub members: i64,
    /// The site it works from.
    pub site_id: Option<i64>,
    /// The site's name.
    pub site_name: Option<String>,
}

/// Teams, sorted by name, with today's member counts.
pub async fn list(db: &Db, day: Date) -> StoreResult<Vec<Team>> {
    let rows = sqlx::query(
        "SELECT t.id, t.name, t.purpose, t.leader_id, p.name AS leader_name, t.site_id, s.name AS site_name, \
         (SELECT COUNT(*) FROM team_memberships m WHERE m.team_id = t.id AND m.from_date <= $1 AND (m.to_date IS NULL OR m.to_date >= $1)) AS members \
         FROM teams t LEFT JOIN people p ON p.id = t.leader_id LEFT JOIN sites s ON s.id = t.site_id ORDER BY t.name",
    )
    .bind(day.to_string())
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Team {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                purpose: r.try_get("purpose")?,
                leader_id: r.try_get("leader_id")?,
                leader_name: r.try_get("leader_name")?,
                members: r.try_get("members")?,
                site_id: r.try_get("site_id")?,
                site_name: r.try_get("site_name")?,
            })
        })
        .collect()
}

/// One team.
pub async fn get(db: &Db, id: i64, day: Date) -> StoreResult<Team> {
    list(db, day).await?.into_iter().find(|t| t.id == id).ok_or_else(|| StoreError::NotFound(format!("Team {id}")))
}

/// The teams a person leads.
pub async fn led_by(db: &Db, person_id: i64) -> StoreResult<Vec<i64>> {
    Ok(sqlx::query_scalar("SELECT id FROM teams WHERE leader_id = $1 ORDER BY id")
        .bind(person_id)
        .fetch_all(db.pool())
        .await?)
}

async fn ensure_name_free(db: &Db, name: &str, except: Option<i64>) -> StoreResult<()> {
    let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM teams WHERE LOWER(name) = LOWER($1)")
        .bind(name)
        .fetch_optional(db.pool())
        .await?;
    match taken {
        Some(other) if Some(other) != except => {
            Err(StoreError::field("name", "Another team already has this name. Choose a different one."))
        }
        _ => Ok(()),
    }
}

async fn ensure_site_exists(db: &Db, site_id: Option<i64>) -> StoreResult<()> {
    if let Some(id) = site_id {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT id FROM sites WHERE id = $1").bind(id).fetch_optional(db.pool()).await?;
        if found.is_none() {
            return Err(StoreError::field("site_id", "Choose the site from the list."));
        }
    }
    Ok(())
}

async fn ensure_leader_exists(db: &Db, leader_id: Option<i64>) -> StoreResult<()> {
    if let Some(id) = leader_id {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT id FROM people WHERE id = $1").bind(id).fetch_optional(db.pool()).await?;
        if found.is_none() {
            return Err(StoreError::field("leader_id", "Choose the team leader from the list."));
        }
    }
    Ok(())
}

/// Creates a team.
pub async fn create(db: &Db, actor: &Actor, input: &TeamInput, now: Timestamp) -> StoreResult<i64> {
    ensure_name_free(db, &input.name, None).await?;
    ensure_leader_exists(db, input.leader_id).await?;
    ensure_site_exists(db, input.site_id).await?;
    let mut tx = db.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO teams (name, purpose, leader_id, site_id, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(&input.name)
    .bind(input.purpose.as_deref())
    .bind(input.leader_id)
    .bind(input.site_id)
    .bind(now.as_second())
    .fetch_one(&mut *tx)
    .await?;
    let summary = format!(
        "name: \u{201c}{}\u{201d}; leader: {}; site: {}",
        input.name,
        input.leader_id.map_or("none".to_string(), |l| format!("person:{l}")),
        input.site_id.map_or("none".to_string(), |s| format!("site:{s}"))
    );
    audit::record(&mut tx, actor, "team.create", &format!("team:{id}"), &summary, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// Changes a team's name, purpose or leader.
pub async fn update(db: &Db, actor: &Actor, id: i64, input: &TeamInput, now: Timestamp) -> StoreResult<()> {
    let old = get(db, id, now.to_zoned(jiff::tz::TimeZone::UTC).date()).await?;
    ensure_name_free(db, &input.name, Some(id)).await?;
    ensure_leader_exists(db, input.leader_id).await?;
    ensure_site_exists(db, input.site_id).await?;
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE teams SET name = $1, purpose = $2, leader_id = $3, site_id = $4 WHERE id = $5")
        .bind(&input.name)
        .bind(input.purpose.as_deref())
        .bind(input.leader_id)
        .bind(input.site_id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let leader = |l: Option<i64>| l.map_or(String::new(), |l| format!("person:{l}"));
    let summary = diff_summary(&[
        ("name", old.name, input.name.clone()),
        ("purpose", old.purpose.unwrap_or_default(), input.purpose.clone().unwrap_or_default()),
        ("leader", leader(old.leader_id), leader(input.leader_id)),
        (
            "site",
            old.site_id.map_or(String::new(), |s| format!("site:{s}")),
            input.site_id.map_or(String::new(), |s| format!("site:{s}")),
        ),
    ]);
    audit::record(&mut tx, actor, "team.update", &format!("team:{id}"), &summary, now).await?;
    tx.commit().await?;
    Ok(())
}

/// A period someone spent in a team.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TeamMembership {
    /// The person.
    pub person_id: i64,
    /// Their name.
    pub person_name: String,
    /// First day in the team.
    pub from_date: String,
    /// Last day, or `None` while current.
    pub to_date: Option<String>,
}

/// Everyone who has been in a team, current members first, then by start date.
pub async fn history(db: &Db, team_id: i64) -> StoreResult<Vec<TeamMembership>> {
    let rows = sqlx::query(
        "SELECT m.person_id, p.name, m.from_date, m.to_date FROM team_memberships m JOIN people p ON p.id = m.person_id \
         WHERE m.team_id = $1 ORDER BY CASE WHEN m.to_date IS NULL THEN 0 ELSE 1 END, p.name, m.from_date",
    )
    .bind(team_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(TeamMembership {
                person_id: r.try_get(0)?,
                person_name: r.try_get(1)?,
                from_date: r.try_get(2)?,
                to_date: r.try_get(3)?,
            })
        })
        .collect()
}
