//! Special days: bank holidays, campaigns and outages, whose contacts are left
//! out of forecasting so that one odd day does not bend next week's plan.

use crewdeck_core::staffing::forecast::SpecialDays;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use sqlx::Row;

use crate::audit::{self, Actor};
use crate::db::Db;
use crate::error::{StoreError, StoreResult};

/// What kind of day it is.
pub const KINDS: [(&str, &str); 4] =
    [("bank_holiday", "Bank holiday"), ("campaign", "Campaign"), ("outage", "Outage"), ("other", "Other")];

/// A day left out of forecasting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpecialDay {
    /// The local date, YYYY-MM-DD.
    pub day: String,
    /// The queue it applies to; empty for every queue.
    pub queue: String,
    /// `bank_holiday`, `campaign`, `outage` or `other`.
    pub kind: String,
    /// What happened, for the planner.
    pub label: String,
}

/// A special day as typed, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSpecialDay {
    day: Date,
    queue: String,
    kind: &'static str,
    label: String,
}

impl NewSpecialDay {
    /// Accepts a date (YYYY-MM-DD), a queue (empty for every queue), a kind
    /// from [`KINDS`] and a label of 1 to 200 characters.
    pub fn parse(day: &str, queue: &str, kind: &str, label: &str) -> StoreResult<Self> {
        let mut errors = crewdeck_core::fields::FieldErrors::default();
        let parsed_day = day.trim().parse::<Date>().ok();
        if parsed_day.is_none() {
            errors.push(crewdeck_core::fields::FieldError::new(
                "day",
                format!(
                    "Enter the date as YYYY-MM-DD, such as 2026-12-25 (you entered \u{201c}{}\u{201d}).",
                    day.trim()
                ),
            ));
        }
        let kind = KINDS.iter().find(|(k, _)| *k == kind.trim()).map(|(k, _)| *k);
        if kind.is_none() {
            errors.push(crewdeck_core::fields::FieldError::new(
                "kind",
                "Choose bank holiday, campaign, outage or other.",
            ));
        }
        let label = label.trim();
        if label.is_empty() || label.chars().count() > 200 {
            errors.push(crewdeck_core::fields::FieldError::new(
                "label",
                "Say in up to 200 characters what happened that day, such as \u{201c}Boxing Day\u{201d}.",
            ));
        }
        match (parsed_day, kind) {
            (Some(day), Some(kind)) if errors.is_empty() => {
                Ok(Self { day, queue: queue.trim().to_owned(), kind, label: label.to_owned() })
            }
            _ => Err(StoreError::Invalid(errors)),
        }
    }
}

/// The special days, latest first; only those for `queue` (and every queue) when given.
pub async fn list(db: &Db, queue: Option<&str>) -> StoreResult<Vec<SpecialDay>> {
    let rows = match queue {
        Some(queue) => {
            sqlx::query(
                "SELECT day, queue, kind, label FROM staffing_special_days WHERE queue = '' OR queue = $1 \
                 ORDER BY day DESC, queue",
            )
            .bind(queue)
            .fetch_all(db.pool())
            .await?
        }
        None => {
            sqlx::query("SELECT day, queue, kind, label FROM staffing_special_days ORDER BY day DESC, queue")
                .fetch_all(db.pool())
                .await?
        }
    };
    rows.iter()
        .map(|r| {
            Ok(SpecialDay {
                day: r.try_get("day")?,
                queue: r.try_get("queue")?,
                kind: r.try_get("kind")?,
                label: r.try_get("label")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

/// The days to leave out of `queue`'s forecast.
pub async fn for_queue(db: &Db, queue: &str) -> StoreResult<SpecialDays> {
    Ok(list(db, Some(queue)).await?.iter().filter_map(|d| d.day.parse::<Date>().ok()).collect())
}

/// Adds a special day, or replaces the one for the same day and queue.
pub async fn save(db: &Db, actor: &Actor, day: &NewSpecialDay, now: Timestamp) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM staffing_special_days WHERE day = $1 AND queue = $2")
        .bind(day.day.to_string())
        .bind(&day.queue)
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO staffing_special_days (day, queue, kind, label) VALUES ($1, $2, $3, $4)")
        .bind(day.day.to_string())
        .bind(&day.queue)
        .bind(day.kind)
        .bind(&day.label)
        .execute(&mut *tx)
        .await?;
    let queue = if day.queue.is_empty() { "every queue".to_owned() } else { format!("queue {}", day.queue) };
    audit::record(
        &mut tx,
        actor,
        "staffing.special_day.save",
        &format!("special_day:{}", day.day),
        &format!("{} ({}) for {queue}: \u{201c}{}\u{201d}", day.day, day.kind, day.label),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Removes a special day, so its contacts count again.
pub async fn remove(db: &Db, actor: &Actor, day: Date, queue: &str, now: Timestamp) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    let removed = sqlx::query("DELETE FROM staffing_special_days WHERE day = $1 AND queue = $2")
        .bind(day.to_string())
        .bind(queue)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if removed == 0 {
        return Err(StoreError::NotFound(format!("The special day {day}")));
    }
    audit::record(&mut tx, actor, "staffing.special_day.remove", &format!("special_day:{day}"), "removed", now).await?;
    tx.commit().await?;
    Ok(())
}
