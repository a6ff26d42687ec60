//! The live open load: items assigned or in progress per person and channel,
//! kept as counters in `work_load`.
//!
//! Only [`super::assign`] changes the counters, always in the transaction that
//! changes the item, so the counters equal a recount at every commit
//! ([`recount`] exists to check exactly that).

use std::collections::BTreeMap;

use crate::db::{Db, Tx};
use crate::error::StoreResult;

/// Open items per (person, channel).
pub type Loads = BTreeMap<(i64, String), i64>;

/// Adds `delta` to a person's open load on a channel.
pub(crate) async fn adjust(tx: &mut Tx, person_id: i64, channel: &str, delta: i64) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO work_load (person_id, channel, open_items) VALUES ($1, $2, $3) \
         ON CONFLICT (person_id, channel) DO UPDATE SET open_items = work_load.open_items + excluded.open_items",
    )
    .bind(person_id)
    .bind(channel)
    .bind(delta)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// One person's open load on one channel, inside a transaction.
pub(crate) async fn of_in(tx: &mut Tx, person_id: i64, channel: &str) -> StoreResult<i64> {
    let value: Option<i64> =
        sqlx::query_scalar("SELECT open_items FROM work_load WHERE person_id = $1 AND channel = $2")
            .bind(person_id)
            .bind(channel)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(value.unwrap_or(0))
}

/// Every non-zero counter.
pub async fn counters(db: &Db) -> StoreResult<Loads> {
    let rows: Vec<(i64, String, i64)> =
        sqlx::query_as("SELECT person_id, channel, open_items FROM work_load WHERE open_items <> 0")
            .fetch_all(db.pool())
            .await?;
    Ok(rows.into_iter().map(|(p, c, n)| ((p, c), n)).collect())
}

/// The open load counted from the items themselves: what [`counters`] must equal.
pub async fn recount(db: &Db) -> StoreResult<Loads> {
    let rows: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT assignee_id, channel, COUNT(*) FROM work_items \
         WHERE assignee_id IS NOT NULL AND state IN ('assigned', 'in_progress') GROUP BY assignee_id, channel",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(rows.into_iter().map(|(p, c, n)| ((p, c), n)).collect())
}
