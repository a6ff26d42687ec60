//! A queue's contact history as forecasting series: contacts and average handle
//! time per interval of the organisation's local time.
//!
//! The database does the heavy part: one grouped query counts the queue's
//! contacts and sums their handle time per UTC quarter hour, so at most 96 rows
//! a day come back however many contacts there were. Every time zone offset in
//! use is a whole number of quarter hours, so each UTC quarter hour lies inside
//! exactly one local 15-, 30- or 60-minute interval, and the quarter hours are
//! added up into local intervals here.
//!
//! Daylight saving: in the autumn the repeated local hour holds both real
//! hours' contacts; in the spring the local hour that does not exist is a gap
//! (`None`), never a zero.

use crewdeck_core::staffing::forecast::{IntervalMinutes, Series};
use jiff::civil::{Date, DateTime};
use jiff::tz::{AmbiguousOffset, TimeZone};
use jiff::{SignedDuration, Timestamp, ToSpan};
use sqlx::Row;

use crate::db::Db;
use crate::error::{StoreError, StoreResult};
use crate::org;

/// Nanoseconds in a quarter hour: the unit the query groups by.
const QUARTER_HOUR_NS: i64 = 15 * 60 * 1_000_000_000;

/// One queue's history over whole local days.
#[derive(Debug, Clone)]
pub struct QueueHistory {
    /// The queue.
    pub queue: String,
    /// The first day, local.
    pub from: Date,
    /// The last day, local, inclusive.
    pub to: Date,
    /// Contacts offered per interval (abandoned ones included: they wanted an agent).
    pub volume: Series,
    /// Average handle time per interval in seconds. An interval with no handled
    /// contacts takes the queue's mean handle time over the whole history, so
    /// that quiet nights give every method something to go on.
    pub aht: Series,
    /// Mean handle time over the whole history, seconds (`None`: nothing handled).
    pub mean_aht_seconds: Option<f64>,
}

/// A queue that has contacts, and its channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueName {
    /// The queue.
    pub queue: String,
    /// Its channel (the first, if a queue mixes channels).
    pub channel: String,
}

/// Every queue with contacts, by name.
pub async fn queues(db: &Db) -> StoreResult<Vec<QueueName>> {
    let rows = sqlx::query("SELECT queue, MIN(channel) AS channel FROM interactions GROUP BY queue ORDER BY queue")
        .fetch_all(db.pool())
        .await?;
    rows.iter()
        .map(|r| Ok(QueueName { queue: r.try_get("queue")?, channel: r.try_get("channel")? }))
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

/// The first and last local day with contacts in `queue`, or `None` when it has none.
pub async fn days_with_contacts(db: &Db, queue: &str) -> StoreResult<Option<(Date, Date)>> {
    let row = sqlx::query("SELECT MIN(day) AS first, MAX(day) AS last FROM interactions WHERE queue = $1")
        .bind(queue)
        .fetch_one(db.pool())
        .await?;
    let first: Option<String> = row.try_get("first")?;
    let last: Option<String> = row.try_get("last")?;
    match (first, last) {
        (Some(first), Some(last)) => Ok(Some((parse_day(&first)?, parse_day(&last)?))),
        _ => Ok(None),
    }
}

fn parse_day(text: &str) -> StoreResult<Date> {
    text.parse().map_err(|e| StoreError::Corrupt(format!("the stored day {text} is not a date: {e}")))
}

/// The organisation's time zone.
pub async fn time_zone(db: &Db) -> StoreResult<TimeZone> {
    let name = org::get(db).await?.map_or_else(|| "UTC".to_owned(), |o| o.time_zone);
    TimeZone::get(&name)
        .map_err(|e| StoreError::Corrupt(format!("the organisation's time zone {name} is unknown: {e}")))
}

fn local_midnight(tz: &TimeZone, day: Date) -> StoreResult<i64> {
    let zoned = day
        .to_zoned(tz.clone())
        .map_err(|e| StoreError::Corrupt(format!("the start of {day} cannot be placed in time: {e}")))?;
    i64::try_from(zoned.timestamp().as_nanosecond())
        .map_err(|_| StoreError::Corrupt(format!("{day} is outside the range of stored instants")))
}

/// Contacts and handle time of `queue` per `interval` from `from` to `to`
/// (local days, inclusive).
pub async fn load(db: &Db, queue: &str, interval: IntervalMinutes, from: Date, to: Date) -> StoreResult<QueueHistory> {
    if to < from {
        return Err(StoreError::field("to", format!("The last day ({to}) is before the first ({from}).")));
    }
    let tz = time_zone(db).await?;
    let days = usize::try_from((to - from).get_days() + 1).unwrap_or(0);
    let len = days * interval.per_day();
    let start = from.at(0, 0, 0, 0);
    let end_day = to.checked_add(1.day()).map_err(|e| StoreError::field("to", e.to_string()))?;
    let rows = sqlx::query(
        "SELECT arrived_at / $2 AS bucket, COUNT(*) AS contacts, \
         CAST(SUM(CASE WHEN answered_at IS NOT NULL AND ended_at IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS handled, \
         CAST(SUM(CASE WHEN answered_at IS NOT NULL AND ended_at IS NOT NULL \
              THEN (ended_at - answered_at) / 1000000 + wrap_seconds * 1000 ELSE 0 END) AS BIGINT) AS handle_ms \
         FROM interactions WHERE queue = $1 AND arrived_at >= $3 AND arrived_at < $4 \
         GROUP BY bucket ORDER BY bucket",
    )
    .bind(queue)
    .bind(QUARTER_HOUR_NS)
    .bind(local_midnight(&tz, from)?)
    .bind(local_midnight(&tz, end_day)?)
    .fetch_all(db.pool())
    .await?;
    let mut contacts = vec![0.0; len];
    let mut handled = vec![0i64; len];
    let mut handle_ms = vec![0i64; len];
    let minutes = i64::from(interval.minutes());
    for row in &rows {
        let bucket: i64 = row.try_get("bucket")?;
        let at = Timestamp::from_second(bucket * 15 * 60)
            .map_err(|e| StoreError::Corrupt(format!("a stored arrival time is out of range: {e}")))?;
        let local = tz.to_datetime(at);
        let index = local.duration_since(start).as_mins().div_euclid(minutes);
        let Some(index) = usize::try_from(index).ok().filter(|i| *i < len) else { continue };
        contacts[index] += row.try_get::<i64, _>("contacts")? as f64;
        handled[index] += row.try_get::<i64, _>("handled")?;
        handle_ms[index] += row.try_get::<i64, _>("handle_ms")?;
    }
    let gaps = gaps(&tz, start, interval, len);
    let total_handled: i64 = handled.iter().sum();
    let mean_aht_seconds =
        (total_handled > 0).then(|| handle_ms.iter().sum::<i64>() as f64 / total_handled as f64 / 1000.0);
    let volume = (0..len).map(|i| (!gaps[i]).then_some(contacts[i])).collect();
    let aht = (0..len)
        .map(|i| {
            if gaps[i] {
                None
            } else if handled[i] > 0 {
                Some(handle_ms[i] as f64 / handled[i] as f64 / 1000.0)
            } else {
                mean_aht_seconds
            }
        })
        .collect();
    let series = |values| Series::new(start, interval, values).map_err(|e| StoreError::Corrupt(e.to_string()));
    Ok(QueueHistory { queue: queue.to_owned(), from, to, volume: series(volume)?, aht: series(aht)?, mean_aht_seconds })
}

/// Which intervals start at a local time that does not exist (the hour skipped
/// when the clocks go forward). Only days whose offset changes are checked.
fn gaps(tz: &TimeZone, start: DateTime, interval: IntervalMinutes, len: usize) -> Vec<bool> {
    let mut gaps = vec![false; len];
    let per_day = interval.per_day();
    for day in 0..len / per_day.max(1) {
        let midnight = start.checked_add(SignedDuration::from_hours(24 * day as i64)).unwrap_or(start);
        let next = midnight.checked_add(SignedDuration::from_hours(24)).unwrap_or(midnight);
        let offset = |dt: DateTime| tz.to_ambiguous_timestamp(dt).offset();
        if offset(midnight) == offset(next) {
            continue;
        }
        for i in 0..per_day {
            let at = midnight
                .checked_add(SignedDuration::from_mins(i as i64 * i64::from(interval.minutes())))
                .unwrap_or(midnight);
            if matches!(offset(at), AmbiguousOffset::Gap { .. }) {
                gaps[day * per_day + i] = true;
            }
        }
    }
    gaps
}
