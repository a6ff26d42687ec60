//! Forecasting contacts and handle time per queue and interval.
//!
//! The caller builds one [`Series`] per queue and quantity (volume, and AHT
//! separately, as `shared/domain/staffing.md` §6 advises), names the
//! [`SpecialDays`] to leave out, and either asks one [`Method`] for a
//! [`forecast`], or lets [`forecast_best`] backtest every method on the last
//! held-out weeks, pick the one with the lowest WAPE and explain the choice.
//!
//! Methods: seasonal naive (the baseline), the average of the same interval over
//! the last k weeks, Holt-Winters with a weekly season (additive or
//! multiplicative), and Taylor's double-seasonal Holt-Winters (daily and weekly
//! seasons). Forecasts are never below zero.
//!
//! Pure: no clock, no I/O. Times are the organisation's local wall-clock times,
//! as the caller gives them.

mod accuracy;
mod backtest;
mod fit;
mod holt_winters;
mod naive;
mod series;

#[cfg(test)]
mod tests;

use std::fmt;
use std::num::NonZeroUsize;

use jiff::civil::DateTime;

pub use accuracy::Accuracy;
pub use backtest::{
    Backtest, BacktestOptions, Choice, MethodResult, QueueForecast, backtest, choose_best, forecast_best,
};
pub use series::{IntervalMinutes, Series, SpecialDays};

use crate::fields::FieldError;
use series::describe_span;

/// Why a forecast or backtest could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ForecastError {
    /// An input was not acceptable.
    #[error(transparent)]
    Field(#[from] FieldError),
    /// The history is shorter than the method needs.
    #[error("{method} needs at least {needed} of history {purpose}, but there is only {have}.")]
    TooShort {
        /// The method, as a planner would name it.
        method: String,
        /// The history needed, in weeks, days and intervals.
        needed: String,
        /// The history available.
        have: String,
        /// What the history is needed for.
        purpose: String,
    },
    /// Every earlier value at the same point of the day and week is excluded or missing.
    #[error(
        "{method} has nothing to go on for the interval starting {at}: every earlier \
         value at that time of day is on an excluded day or missing."
    )]
    NoUsableHistory {
        /// The method.
        method: String,
        /// The start of the interval that could not be forecast.
        at: DateTime,
    },
    /// The method does not suit this series.
    #[error("{method} cannot be used: {reason}.")]
    NotApplicable {
        /// The method.
        method: String,
        /// Why, in plain English.
        reason: String,
    },
    /// No method could be assessed, so none can be chosen.
    #[error("No forecasting method could be assessed: {}", .reasons.join(" "))]
    NothingAssessed {
        /// Each method's reason.
        reasons: Vec<String>,
    },
}

/// Additive seasons add a fixed number of contacts to an interval; multiplicative
/// ones scale with the level (busy Mondays get busier as the queue grows).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Seasonality {
    /// Seasonal indices in contacts, summing to about 0 over a week.
    Additive,
    /// Seasonal indices as factors, averaging about 1 over a week.
    Multiplicative,
}

/// A forecasting method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// Repeat the same interval a week ago (a day ago with under two weeks of history).
    SeasonalNaive,
    /// The mean of the same interval over the last `weeks` weeks.
    WeekAverage {
        /// How many weeks to average.
        weeks: NonZeroUsize,
    },
    /// Holt-Winters with a weekly season.
    HoltWinters(Seasonality),
    /// Taylor's double-seasonal Holt-Winters: additive daily and weekly seasons.
    DoubleSeasonal,
}

impl Method {
    /// Every method, seasonal naive first and simplest first, with a `weeks`-week
    /// average. On equal accuracy the earlier (simpler) method is chosen.
    pub fn all(weeks: NonZeroUsize) -> Vec<Self> {
        vec![
            Self::SeasonalNaive,
            Self::WeekAverage { weeks },
            Self::HoltWinters(Seasonality::Additive),
            Self::HoltWinters(Seasonality::Multiplicative),
            Self::DoubleSeasonal,
        ]
    }

    /// The method's name, as a planner reads it ("4-week average").
    pub fn name(self) -> String {
        match self {
            Self::SeasonalNaive => "Seasonal naive".to_owned(),
            Self::WeekAverage { weeks } => format!("{weeks}-week average"),
            Self::HoltWinters(Seasonality::Additive) => "Holt-Winters (additive, weekly)".to_owned(),
            Self::HoltWinters(Seasonality::Multiplicative) => "Holt-Winters (multiplicative, weekly)".to_owned(),
            Self::DoubleSeasonal => "Holt-Winters (double seasonal, daily and weekly)".to_owned(),
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

/// The season seasonal naive repeated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Season {
    /// The same interval a day earlier (under two weeks of history).
    Day,
    /// The same interval a week earlier.
    Week,
}

/// The smoothing parameters Holt-Winters settled on, each in [0, 1]: larger
/// means recent intervals count for more.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Smoothing {
    /// Level.
    pub alpha: f64,
    /// Trend.
    pub beta: f64,
    /// Daily season (double-seasonal method only).
    pub daily: Option<f64>,
    /// Weekly season (gamma).
    pub weekly: f64,
}

/// What the method learnt from the history, for the explanation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fitted {
    /// Seasonal naive, with the season it used.
    SeasonalNaive(Season),
    /// The week average.
    WeekAverage,
    /// A Holt-Winters method, with its parameters.
    HoltWinters(Smoothing),
}

/// A forecast of the intervals after the end of a series.
#[derive(Debug, Clone, PartialEq)]
pub struct Forecast {
    /// The method used.
    pub method: Method,
    /// What it learnt.
    pub fitted: Fitted,
    /// The start of the first forecast interval (the end of the history).
    pub start: DateTime,
    /// The interval length.
    pub interval: IntervalMinutes,
    /// One value per interval: finite and at least 0.
    pub values: Vec<f64>,
}

/// Forecasts the `horizon` intervals after the end of `series` with `method`,
/// leaving `special` days out of the fit.
pub fn forecast(
    series: &Series,
    special: &SpecialDays,
    method: Method,
    horizon: usize,
) -> Result<Forecast, ForecastError> {
    let obs = series.observations(special);
    let history = History { obs: &obs, interval: series.interval(), start: series.start() };
    let (values, fitted) = history.predict(method, horizon)?;
    Ok(Forecast { method, fitted, start: series.interval_start(series.len()), interval: series.interval(), values })
}

/// The usable part of a series, as the models see it.
struct History<'a> {
    /// Values with special days and gaps as `None`.
    obs: &'a [Option<f64>],
    interval: IntervalMinutes,
    start: DateTime,
}

impl History<'_> {
    /// Runs `method` and makes its forecasts fit for staffing: no negative
    /// contacts (a trend can carry a quiet night below zero) and nothing but
    /// finite numbers.
    fn predict(&self, method: Method, horizon: usize) -> Result<(Vec<f64>, Fitted), ForecastError> {
        let (raw, fitted) = match method {
            Method::SeasonalNaive => {
                let (values, season) = naive::seasonal_naive(self, horizon)?;
                (values, Fitted::SeasonalNaive(season))
            }
            Method::WeekAverage { weeks } => (naive::week_average(self, weeks.get(), horizon)?, Fitted::WeekAverage),
            Method::HoltWinters(seasonality) => {
                let (values, smoothing) = holt_winters::weekly(self, seasonality, horizon)?;
                (values, Fitted::HoltWinters(smoothing))
            }
            Method::DoubleSeasonal => {
                let (values, smoothing) = holt_winters::double_seasonal(self, horizon)?;
                (values, Fitted::HoltWinters(smoothing))
            }
        };
        if raw.iter().any(|v| !v.is_finite()) {
            return Err(ForecastError::NotApplicable {
                method: method.name(),
                reason: "its fit broke down on this history (the numbers ran out of range)".to_owned(),
            });
        }
        Ok((raw.into_iter().map(|v| v.max(0.0)).collect(), fitted))
    }

    fn too_short(&self, method: &str, needed: usize, purpose: &str) -> ForecastError {
        ForecastError::TooShort {
            method: method.to_owned(),
            needed: describe_span(needed, self.interval),
            have: describe_span(self.obs.len(), self.interval),
            purpose: purpose.to_owned(),
        }
    }

    fn no_usable(&self, method: &str, index: usize) -> ForecastError {
        let minutes = index as i64 * i64::from(self.interval.minutes());
        ForecastError::NoUsableHistory {
            method: method.to_owned(),
            at: self.start.checked_add(jiff::SignedDuration::from_mins(minutes)).unwrap_or(DateTime::MAX),
        }
    }
}
