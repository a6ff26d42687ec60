//! Today so far: actual contacts, handle time and service level per interval
//! against the forecast and the plan, and the rest of the day re-forecast
//! (`crewdeck_core::staffing::intraday`).

use crewdeck_core::staffing::forecast::IntervalMinutes;
use crewdeck_core::staffing::intraday::{IntervalSoFar, reforecast};
use crewdeck_core::staffing::requirements::{IntervalDemand, WhatIf, requirements};
use jiff::civil::{Date, DateTime};
use jiff::{SignedDuration, Timestamp};
use sqlx::Row;

use super::forecast::ForecastReport;
use super::history::time_zone;
use super::plan::{demand, queue_requirements};
use super::settings::StaffingSettings;
use crate::db::Db;
use crate::error::{StoreError, StoreResult};

/// One interval of today.
#[derive(Debug, Clone, PartialEq)]
pub struct IntradayRow {
    /// Local start.
    pub start: DateTime,
    /// True once the interval has ended.
    pub complete: bool,
    /// Contacts forecast.
    pub forecast_contacts: f64,
    /// Contacts that arrived (so far, for the interval in progress).
    pub actual_contacts: f64,
    /// Handle time forecast, seconds.
    pub forecast_aht_seconds: f64,
    /// Average handle time of contacts handled, if any were.
    pub actual_aht_seconds: Option<f64>,
    /// Share of contacts answered within the threshold (queued work with contacts).
    pub service_level: Option<f64>,
    /// Agents the plan gives the interval.
    pub planned_agents: u32,
    /// People the plan schedules.
    pub planned_scheduled: u64,
    /// Contacts expected now: actual when complete, the re-forecast after.
    pub expected_contacts: f64,
    /// Agents needed for what is now expected.
    pub agents_needed: u32,
}

/// A queue's day so far.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueIntraday {
    /// The queue.
    pub queue: String,
    /// Σ actual ÷ Σ forecast over completed intervals, bounded to [¼, 4].
    pub volume_ratio: f64,
    /// The same for handle time.
    pub aht_ratio: f64,
    /// Every interval of today.
    pub rows: Vec<IntradayRow>,
}

/// Today for `settings`' queue, against `report` (which must cover today), at `now`.
pub async fn today(
    db: &Db,
    settings: &StaffingSettings,
    report: &ForecastReport,
    today: Date,
    now: Timestamp,
) -> StoreResult<QueueIntraday> {
    let interval = IntervalMinutes::from_minutes("interval_minutes", report.interval_minutes)?;
    let week = demand(report)?;
    let first = week.iter().position(|d| d.start.date() == today).ok_or_else(|| {
        StoreError::field(
            "today",
            format!(
                "The forecast for {} covers {} onwards, not today: import today's contacts first.",
                settings.queue, report.history_to
            ),
        )
    })?;
    let per_day = interval.per_day();
    let day = &week[first..(first + per_day).min(week.len())];
    let plan = queue_requirements(report, settings, &WhatIf::default())?;
    let planned = &plan.rows[first..first + day.len()];
    let actual = actuals(db, &settings.queue, interval, today, settings.answer_within_seconds).await?;
    let tz = time_zone(db).await?;
    let length = SignedDuration::from_mins(i64::from(interval.minutes()));
    let complete = day
        .iter()
        .take_while(|d| {
            d.start
                .checked_add(length)
                .ok()
                .and_then(|end| end.to_zoned(tz.clone()).ok())
                .is_some_and(|end| end.timestamp() <= now)
        })
        .count();
    let so_far: Vec<IntervalSoFar> = day
        .iter()
        .zip(&actual)
        .map(|(d, a)| IntervalSoFar {
            forecast_contacts: d.volume,
            forecast_aht_seconds: d.aht_seconds,
            actual_contacts: a.contacts,
            actual_aht_seconds: a.aht_seconds,
        })
        .collect();
    let again = reforecast(&so_far, complete);
    let expected: Vec<IntervalDemand> = day
        .iter()
        .enumerate()
        .map(|(k, d)| IntervalDemand { start: d.start, volume: again.contacts[k], aht_seconds: again.aht_seconds[k] })
        .collect();
    let needed = requirements(&expected, interval, &plan.settings)?;
    let backlog = settings.workload == "backlog";
    let rows = day
        .iter()
        .enumerate()
        .map(|(k, d)| IntradayRow {
            start: d.start,
            complete: k < complete,
            forecast_contacts: d.volume,
            actual_contacts: actual[k].contacts,
            forecast_aht_seconds: d.aht_seconds,
            actual_aht_seconds: actual[k].aht_seconds,
            service_level: if backlog { None } else { actual[k].service_level },
            planned_agents: planned[k].heads.agents,
            planned_scheduled: planned[k].heads.scheduled,
            expected_contacts: again.contacts[k],
            agents_needed: needed[k].heads.agents,
        })
        .collect();
    Ok(QueueIntraday {
        queue: settings.queue.clone(),
        volume_ratio: again.volume_ratio,
        aht_ratio: again.aht_ratio,
        rows,
    })
}

/// What happened in one interval.
#[derive(Debug, Clone, Copy, Default)]
struct Actual {
    contacts: f64,
    aht_seconds: Option<f64>,
    service_level: Option<f64>,
}

/// Today's contacts per local interval, aggregated per quarter hour in SQL as
/// [`super::history`] does, with the contacts answered within the threshold.
async fn actuals(
    db: &Db,
    queue: &str,
    interval: IntervalMinutes,
    day: Date,
    answer_within_seconds: i64,
) -> StoreResult<Vec<Actual>> {
    const QUARTER_HOUR_NS: i64 = 15 * 60 * 1_000_000_000;
    let tz = time_zone(db).await?;
    let bound = |d: Date| -> StoreResult<i64> {
        let zoned = d.to_zoned(tz.clone()).map_err(|e| StoreError::Corrupt(format!("{d} has no start: {e}")))?;
        i64::try_from(zoned.timestamp().as_nanosecond())
            .map_err(|_| StoreError::Corrupt(format!("{d} is outside the range of stored instants")))
    };
    let next = day.tomorrow().map_err(|e| StoreError::field("today", e.to_string()))?;
    let rows = sqlx::query(
        "SELECT arrived_at / $2 AS bucket, COUNT(*) AS contacts, \
         CAST(SUM(CASE WHEN answered_at IS NOT NULL AND ended_at IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS handled, \
         CAST(SUM(CASE WHEN answered_at IS NOT NULL AND ended_at IS NOT NULL \
              THEN (ended_at - answered_at) / 1000000 + wrap_seconds * 1000 ELSE 0 END) AS BIGINT) AS handle_ms, \
         CAST(SUM(CASE WHEN answered_at IS NOT NULL AND answered_at - arrived_at <= $5 THEN 1 ELSE 0 END) AS BIGINT) AS within \
         FROM interactions WHERE queue = $1 AND arrived_at >= $3 AND arrived_at < $4 \
         GROUP BY bucket ORDER BY bucket",
    )
    .bind(queue)
    .bind(QUARTER_HOUR_NS)
    .bind(bound(day)?)
    .bind(bound(next)?)
    .bind(answer_within_seconds.saturating_mul(1_000_000_000))
    .fetch_all(db.pool())
    .await?;
    let per_day = interval.per_day();
    let mut sums = vec![(0i64, 0i64, 0i64, 0i64); per_day];
    let start = day.at(0, 0, 0, 0);
    for row in &rows {
        let bucket: i64 = row.try_get("bucket")?;
        let at = Timestamp::from_second(bucket * 15 * 60)
            .map_err(|e| StoreError::Corrupt(format!("a stored arrival time is out of range: {e}")))?;
        let index = tz.to_datetime(at).duration_since(start).as_mins().div_euclid(i64::from(interval.minutes()));
        let Some(sum) = usize::try_from(index).ok().and_then(|i| sums.get_mut(i)) else { continue };
        sum.0 += row.try_get::<i64, _>("contacts")?;
        sum.1 += row.try_get::<i64, _>("handled")?;
        sum.2 += row.try_get::<i64, _>("handle_ms")?;
        sum.3 += row.try_get::<i64, _>("within")?;
    }
    Ok(sums
        .into_iter()
        .map(|(contacts, handled, handle_ms, within)| Actual {
            contacts: contacts as f64,
            aht_seconds: (handled > 0).then(|| handle_ms as f64 / handled as f64 / 1000.0),
            service_level: (contacts > 0).then(|| within as f64 / contacts as f64),
        })
        .collect())
}
