//! A queue's forecast: every method backtested on held-out weeks for contacts
//! and for handle time, the best of each chosen with the reason, and the next
//! week forecast per interval.

use std::num::NonZeroUsize;

use crewdeck_core::staffing::forecast::{
    BacktestOptions, ForecastError, IntervalMinutes, Method, QueueForecast, Seasonality, Series, SpecialDays,
    forecast_best,
};
use jiff::ToSpan;
use jiff::civil::Date;
use serde::Serialize;

use super::{history, special_days};
use crate::db::Db;
use crate::error::{StoreError, StoreResult};

/// What to forecast from.
#[derive(Debug, Clone, PartialEq)]
pub struct ForecastOptions {
    /// Interval length.
    pub interval: IntervalMinutes,
    /// First day of history; default: `history_weeks` before `to`, or the queue's first day.
    pub from: Option<Date>,
    /// Last day of history; default: the queue's last day with contacts, but never today or later.
    pub to: Option<Date>,
    /// Weeks of history to use when `from` is not given.
    pub history_weeks: u32,
    /// Weeks held out for the backtest.
    pub held_out_weeks: NonZeroUsize,
    /// Leave the special days out.
    pub exclude_special: bool,
}

impl Default for ForecastOptions {
    fn default() -> Self {
        Self {
            interval: IntervalMinutes::Thirty,
            from: None,
            to: None,
            history_weeks: 12,
            held_out_weeks: NonZeroUsize::MIN.saturating_add(1),
            exclude_special: true,
        }
    }
}

/// A queue's forecast, ready to show or print as JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ForecastReport {
    /// The queue.
    pub queue: String,
    /// Interval length in minutes.
    pub interval_minutes: u32,
    /// First day of history used, local.
    pub history_from: String,
    /// Last day of history used, local.
    pub history_to: String,
    /// Days left out as special, earliest first.
    pub excluded_days: Vec<String>,
    /// Weeks held out for the backtest.
    pub held_out_weeks: usize,
    /// How each method did for contacts, and the choice.
    pub volume: ModelChoice,
    /// How each method did for average handle time, and the choice.
    pub aht: ModelChoice,
    /// The forecast week, one entry per interval, local times.
    pub intervals: Vec<ForecastInterval>,
}

/// Every method's backtest for one quantity, and the one chosen.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelChoice {
    /// One row per method, simplest first.
    pub backtest: Vec<MethodScore>,
    /// The chosen method's id.
    pub chosen: String,
    /// Why, in plain English.
    pub reason: String,
}

/// One method's accuracy on the held-out weeks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MethodScore {
    /// A stable id: `seasonal-naive`, `week-average`, `holt-winters-additive`,
    /// `holt-winters-multiplicative`, `holt-winters-double-seasonal`.
    pub method: String,
    /// The name a planner reads.
    pub name: String,
    /// Σ|actual − forecast| ÷ Σ actual; `null` when not assessed or nothing happened.
    pub wape: Option<f64>,
    /// Σ(forecast − actual) ÷ Σ actual; positive means too high.
    pub bias: Option<f64>,
    /// Intervals scored.
    pub intervals: usize,
    /// Why the method could not be assessed, if it could not.
    pub not_assessed: Option<String>,
    /// True for the method chosen.
    pub chosen: bool,
}

/// One forecast interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ForecastInterval {
    /// Start, local wall-clock time (`2026-12-07T09:30:00`).
    pub interval_start: String,
    /// Contacts forecast.
    pub contacts: f64,
    /// Average handle time forecast, seconds.
    pub aht_seconds: f64,
}

/// The id of a method, stable for scripts.
pub fn method_id(method: Method) -> &'static str {
    match method {
        Method::SeasonalNaive => "seasonal-naive",
        Method::WeekAverage { .. } => "week-average",
        Method::HoltWinters(Seasonality::Additive) => "holt-winters-additive",
        Method::HoltWinters(Seasonality::Multiplicative) => "holt-winters-multiplicative",
        Method::DoubleSeasonal => "holt-winters-double-seasonal",
    }
}

/// Everything a forecast needs from the database.
#[derive(Debug, Clone)]
pub struct ForecastInputs {
    history: history::QueueHistory,
    special: SpecialDays,
    held_out_weeks: NonZeroUsize,
}

/// Reads the queue's history and special days (the database part of a forecast).
pub async fn inputs(db: &Db, queue: &str, options: &ForecastOptions, today: Date) -> StoreResult<ForecastInputs> {
    let Some((first, last)) = history::days_with_contacts(db, queue).await? else {
        let known = history::queues(db).await?.into_iter().map(|q| q.queue).collect::<Vec<_>>();
        let hint = if known.is_empty() {
            "There are no contacts at all yet: import interactions first.".to_owned()
        } else {
            format!("Queues with contacts: {}.", known.join(", "))
        };
        return Err(StoreError::field("queue", format!("The queue \u{201c}{queue}\u{201d} has no contacts. {hint}")));
    };
    let yesterday = today.yesterday().unwrap_or(today);
    let to = options.to.unwrap_or(last.min(yesterday));
    let from = match options.from {
        Some(from) => from,
        None => {
            let weeks = i64::from(options.history_weeks.max(1));
            to.checked_sub((7 * weeks - 1).days()).unwrap_or(first).max(first)
        }
    };
    let history = history::load(db, queue, options.interval, from, to).await?;
    let special = if options.exclude_special { special_days::for_queue(db, queue).await? } else { SpecialDays::none() };
    Ok(ForecastInputs { history, special, held_out_weeks: options.held_out_weeks })
}

/// Backtests, chooses and forecasts the week after the history (CPU work:
/// run it off the async executor in a server).
pub fn compute(inputs: &ForecastInputs) -> StoreResult<ForecastReport> {
    let history = &inputs.history;
    let options = BacktestOptions { held_out_weeks: inputs.held_out_weeks, ..BacktestOptions::default() };
    let horizon = history.volume.interval().per_week();
    let volume = best("contacts", &history.volume, &inputs.special, &options, horizon)?;
    let aht = best("handle time", &history.aht, &inputs.special, &options, horizon)?;
    let excluded_days =
        inputs.special.dates().filter(|d| (history.from..=history.to).contains(d)).map(|d| d.to_string()).collect();
    let intervals = volume
        .forecast
        .values
        .iter()
        .zip(&aht.forecast.values)
        .enumerate()
        .map(|(i, (contacts, aht))| ForecastInterval {
            interval_start: history.volume.interval_start(history.volume.len() + i).to_string(),
            contacts: *contacts,
            aht_seconds: *aht,
        })
        .collect();
    Ok(ForecastReport {
        queue: history.queue.clone(),
        interval_minutes: history.volume.interval().minutes(),
        history_from: history.from.to_string(),
        history_to: history.to.to_string(),
        excluded_days,
        held_out_weeks: inputs.held_out_weeks.get(),
        volume: choice(&volume),
        aht: choice(&aht),
        intervals,
    })
}

/// Reads and computes in one go (for the command line).
pub async fn queue_forecast(
    db: &Db,
    queue: &str,
    options: &ForecastOptions,
    today: Date,
) -> StoreResult<ForecastReport> {
    compute(&inputs(db, queue, options, today).await?)
}

fn best(
    what: &str,
    series: &Series,
    special: &SpecialDays,
    options: &BacktestOptions,
    horizon: usize,
) -> StoreResult<QueueForecast> {
    forecast_best(series, special, options, horizon).map_err(|e| match e {
        ForecastError::Field(f) => StoreError::from(f),
        other => StoreError::field("history", format!("Cannot forecast {what}: {other}")),
    })
}

fn choice(forecast: &QueueForecast) -> ModelChoice {
    let backtest = forecast
        .backtest
        .results
        .iter()
        .map(|r| {
            let (accuracy, not_assessed) = match &r.outcome {
                Ok(a) => (Some(*a), None),
                Err(e) => (None, Some(e.to_string())),
            };
            MethodScore {
                method: method_id(r.method).to_owned(),
                name: r.method.name(),
                wape: accuracy.and_then(|a| a.wape()),
                bias: accuracy.and_then(|a| a.bias()),
                intervals: accuracy.map_or(0, |a| a.intervals),
                not_assessed,
                chosen: r.method == forecast.choice.method,
            }
        })
        .collect();
    ModelChoice {
        backtest,
        chosen: method_id(forecast.choice.method).to_owned(),
        reason: forecast.choice.explanation.clone(),
    }
}

/// Forecast reports of one data version, by queue.
type QueueReports = std::sync::Mutex<std::collections::HashMap<String, std::sync::Arc<ForecastReport>>>;

/// The queue's forecast, computed once per data version (any audited write,
/// imports included, moves it) and day, off the async executor.
pub async fn cached(
    db: &Db,
    queue: &str,
    options: &ForecastOptions,
    today: Date,
) -> StoreResult<std::sync::Arc<ForecastReport>> {
    let version = db.data_version().await?;
    let key = format!(
        "{today}/{}/{:?}/{:?}/{}/{}/{}",
        options.interval.minutes(),
        options.from,
        options.to,
        options.history_weeks,
        options.held_out_weeks,
        options.exclude_special
    );
    let reports =
        db.cache().get_or_load("staffing.forecast", version, key, || async { Ok(QueueReports::default()) }).await?;
    if let Some(hit) = reports.lock().ok().and_then(|m| m.get(queue).cloned()) {
        return Ok(hit);
    }
    let inputs = inputs(db, queue, options, today).await?;
    let report = tokio::task::spawn_blocking(move || compute(&inputs))
        .await
        .map_err(|e| StoreError::Corrupt(format!("the forecast stopped unexpectedly: {e}")))??;
    let report = std::sync::Arc::new(report);
    if let Ok(mut map) = reports.lock() {
        map.insert(queue.to_owned(), report.clone());
    }
    Ok(report)
}
