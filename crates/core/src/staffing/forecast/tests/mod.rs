//! Tests of forecasting: each method on synthetic series whose answer is known,
//! the accuracy measures on hand-worked examples, the backtest and the choice,
//! special days, and properties that hold for any history.

mod accuracy;
mod choice;
mod models;
mod properties;

use jiff::civil::{Date, DateTime, date};

use super::*;

/// Monday 5 January 2026, midnight: the start of every test series.
fn monday() -> DateTime {
    date(2026, 1, 5).at(0, 0, 0, 0)
}

/// The date `days` after the first Monday.
fn day(days: i64) -> Date {
    monday().date().checked_add(jiff::Span::new().days(days)).unwrap()
}

/// A weekly pattern of hourly volumes: quiet nights, a busy morning, busier
/// Mondays, quiet weekends. Exactly periodic with period one week (168 hours).
fn pattern(t: usize) -> f64 {
    const DAY: [f64; 7] = [1.4, 1.1, 1.0, 1.0, 0.9, 0.5, 0.3];
    const HOUR: [f64; 24] = [
        0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 4.0, 20.0, 40.0, 45.0, 42.0, 35.0, 38.0, 40.0, 36.0, 30.0, 22.0, 12.0, 6.0,
        3.0, 1.0, 0.0, 0.0,
    ];
    DAY[(t / 24) % 7] * HOUR[t % 24]
}

fn hourly(values: &[f64]) -> Series {
    Series::from_values(monday(), IntervalMinutes::Sixty, values).unwrap()
}

fn weeks_of(weeks: usize, value: impl Fn(usize) -> f64) -> Vec<f64> {
    (0..weeks * 168).map(value).collect()
}

fn average(weeks: usize) -> Method {
    Method::WeekAverage { weeks: NonZeroUsize::new(weeks).unwrap() }
}
