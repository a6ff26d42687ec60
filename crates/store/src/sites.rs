//! Sites: the places teams work from.

use jiff::Timestamp;
use serde::Serialize;
use sqlx::Row;
use utoipa::ToSchema;

use crate::audit::{self, Actor};
use crate::db::Db;
use crate::error::{StoreError, StoreResult};

/// A site.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Site {
    /// Identifier.
    pub id: i64,
    /// Name, e.g. "Leeds contact centre".
    pub name: String,
    /// Postal address.
    pub address: Option<String>,
    /// How many teams work from it.
    pub teams: i64,
}

/// Every site, by name.
pub async fn list(db: &Db) -> StoreResult<Vec<Site>> {
    let rows = sqlx::query(
        "SELECT s.id, s.name, s.address, (SELECT COUNT(*) FROM teams t WHERE t.site_id = s.id) AS teams FROM sites s ORDER BY s.name",
    )
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Site {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                address: r.try_get("address")?,
                teams: r.try_get("teams")?,
            })
        })
        .collect()
}

async fn ensure_name_free(db: &Db, name: &str, except: Option<i64>) -> StoreResult<()> {
    let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM sites WHERE LOWER(name) = LOWER($1)")
        .bind(name)
        .fetch_optional(db.pool())
        .await?;
    match taken {
        Some(other) if Some(other) != except => {
            Err(StoreError::field("site_name", "Another site already has this name."))
        }
        _ => Ok(()),
    }
}

/// Adds a site.
pub async fn create(db: &Db, actor: &Actor, name: &str, address: Option<&str>, now: Timestamp) -> StoreResult<i64> {
    ensure_name_free(db, name, None).await?;
    let mut tx = db.begin().await?;
    let id: i64 = sqlx::query_scalar("INSERT INTO sites (name, address) VALUES ($1, $2) RETURNING id")
        .bind(name)
        .bind(address)
        .fetch_one(&mut *tx)
        .await?;
    audit::record(&mut tx, actor, "site.create", &format!("site:{id}"), &format!("name: \u{201c}{name}\u{201d}"), now)
        .await?;
    tx.commit().await?;
    Ok(id)
}
