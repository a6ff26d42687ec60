//! The organisation: its name and time zone.

use jiff::Timestamp;
use serde::Serialize;
use sqlx::Row;
use utoipa::ToSchema;

use crate::audit::{self, Actor};
use crate::db::Db;
use crate::error::{StoreError, StoreResult};

/// The organisation using this crewdeck.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Organisation {
    /// Its name.
    pub name: String,
    /// IANA time zone in which dates and reporting periods are read.
    pub time_zone: String,
}

/// The organisation, or `None` in an empty database.
pub async fn get(db: &Db) -> StoreResult<Option<Organisation>> {
    let row =
        sqlx::query("SELECT name, time_zone FROM organisation ORDER BY id LIMIT 1").fetch_optional(db.pool()).await?;
    row.map(|r| Ok(Organisation { name: r.try_get("name")?, time_zone: r.try_get("time_zone")? })).transpose()
}

/// Creates the organisation; there is only ever one.
pub async fn create(db: &Db, actor: &Actor, name: &str, time_zone: &str, now: Timestamp) -> StoreResult<()> {
    if jiff::tz::TimeZone::get(time_zone).is_err() {
        return Err(StoreError::field(
            "time_zone",
            format!("Use an IANA time zone such as Europe/London (got \u{201c}{time_zone}\u{201d})."),
        ));
    }
    let mut tx = db.begin().await?;
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM organisation").fetch_one(&mut *tx).await?;
    if existing > 0 {
        return Err(StoreError::Conflict("This database already holds an organisation.".into()));
    }
    sqlx::query("INSERT INTO organisation (name, time_zone, created_at) VALUES ($1, $2, $3)")
        .bind(name)
        .bind(time_zone)
        .bind(now.as_second())
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        actor,
        "organisation.create",
        "organisation",
        &format!("name: \u{201c}{name}\u{201d}; time zone: {time_zone}"),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Changes the organisation's name or time zone.
pub async fn update(db: &Db, actor: &Actor, name: &str, time_zone: &str, now: Timestamp) -> StoreResult<()> {
    if jiff::tz::TimeZone::get(time_zone).is_err() {
        return Err(StoreError::field(
            "time_zone",
            format!("Use an IANA time zone such as Europe/London (got \u{201c}{time_zone}\u{201d})."),
        ));
    }
    let old = get(db).await?.ok_or_else(|| StoreError::NotFound("The organisation".into()))?;
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE organisation SET name = $1, time_zone = $2")
        .bind(name)
        .bind(time_zone)
        .execute(&mut *tx)
        .await?;
    let summary = crate::audit::diff_summary(&[
        ("name", old.name, name.to_string()),
        ("time zone", old.time_zone, time_zone.to_string()),
    ]);
    audit::record(&mut tx, actor, "organisation.update", "organisation", &summary, now).await?;
    tx.commit().await?;
    Ok(())
}
