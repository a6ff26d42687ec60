//! The history a forecast learns from: equally spaced interval values of one
//! queue, and the special days to leave out of it.

use std::collections::BTreeSet;

use jiff::civil::{Date, DateTime};

use crate::fields::FieldError;

/// The length of a forecasting interval: 15, 30 or 60 minutes.
///
/// Only lengths that divide a day evenly are offered, so that every day holds the
/// same number of intervals and a day or a week is a whole number of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IntervalMinutes {
    /// Quarter-hour intervals: 96 a day.
    Fifteen,
    /// Half-hour intervals: 48 a day.
    Thirty,
    /// Hourly intervals: 24 a day.
    Sixty,
}

impl IntervalMinutes {
    /// Accepts 15, 30 or 60 minutes.
    pub fn from_minutes(field: &str, minutes: u32) -> Result<Self, FieldError> {
        match minutes {
            15 => Ok(Self::Fifteen),
            30 => Ok(Self::Thirty),
            60 => Ok(Self::Sixty),
            other => Err(FieldError::new(
                field,
                format!("Forecasts use intervals of 15, 30 or 60 minutes (you entered {other})."),
            )),
        }
    }

    /// Accepts the text `15`, `30` or `60`.
    pub fn parse(field: &str, text: &str) -> Result<Self, FieldError> {
        let minutes = text
            .trim()
            .parse::<u32>()
            .map_err(|_| FieldError::new(field, format!("Enter 15, 30 or 60 minutes (you entered {text:?}).")))?;
        Self::from_minutes(field, minutes)
    }

    /// The length in minutes.
    pub fn minutes(self) -> u32 {
        match self {
            Self::Fifteen => 15,
            Self::Thirty => 30,
            Self::Sixty => 60,
        }
    }

    /// Intervals in one day.
    pub fn per_day(self) -> usize {
        (24 * 60 / self.minutes()) as usize
    }

    /// Intervals in one week.
    pub fn per_week(self) -> usize {
        7 * self.per_day()
    }
}

/// Days whose intervals are left out of fitting and scoring: bank holidays,
/// outages, campaign spikes. Their values are treated as unknown, never as zero.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpecialDays(BTreeSet<Date>);

impl SpecialDays {
    /// No special days.
    pub fn none() -> Self {
        Self::default()
    }

    /// Whether `date` is excluded.
    pub fn contains(&self, date: Date) -> bool {
        self.0.contains(&date)
    }

    /// The excluded dates, earliest first.
    pub fn dates(&self) -> impl Iterator<Item = Date> + '_ {
        self.0.iter().copied()
    }
}

impl FromIterator<Date> for SpecialDays {
    fn from_iter<I: IntoIterator<Item = Date>>(dates: I) -> Self {
        Self(dates.into_iter().collect())
    }
}

/// One queue's history of one quantity (contacts, or average handle time), one
/// value per interval from `start`, in the organisation's local wall-clock time.
///
/// A value may be missing (`None`): an interval with no contacts has no handle
/// time, and a gap in the data is not a zero. Missing values are skipped just as
/// special days are.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    start: DateTime,
    interval: IntervalMinutes,
    values: Vec<Option<f64>>,
}

impl Series {
    /// Accepts values that are finite and at least 0, from a start on an interval
    /// boundary (so that interval *i* of every day means the same time of day).
    pub fn new(start: DateTime, interval: IntervalMinutes, values: Vec<Option<f64>>) -> Result<Self, FieldError> {
        let minute_of_day = i32::from(start.hour()) * 60 + i32::from(start.minute());
        let aligned =
            start.second() == 0 && start.subsec_nanosecond() == 0 && minute_of_day % interval.minutes() as i32 == 0;
        if !aligned {
            return Err(FieldError::new(
                "start",
                format!("Start the series on a {}-minute boundary (you entered {start}).", interval.minutes()),
            ));
        }
        let series = Self { start, interval, values };
        for (index, value) in series.values.iter().enumerate() {
            if let Some(v) = value
                && (!v.is_finite() || *v < 0.0)
            {
                return Err(FieldError::new(
                    "values",
                    format!(
                        "The interval starting {} holds {v}; enter a number of 0 or more.",
                        series.interval_start(index)
                    ),
                ));
            }
        }
        Ok(series)
    }

    /// A series with a value in every interval.
    pub fn from_values(start: DateTime, interval: IntervalMinutes, values: &[f64]) -> Result<Self, FieldError> {
        Self::new(start, interval, values.iter().copied().map(Some).collect())
    }

    /// The start of the first interval.
    pub fn start(&self) -> DateTime {
        self.start
    }

    /// The interval length.
    pub fn interval(&self) -> IntervalMinutes {
        self.interval
    }

    /// The values, one per interval, `None` where missing.
    pub fn values(&self) -> &[Option<f64>] {
        &self.values
    }

    /// The number of intervals.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether the series holds no intervals.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The start of interval `index` (which may lie beyond the end, for forecasts).
    pub fn interval_start(&self, index: usize) -> DateTime {
        let minutes = index as i64 * i64::from(self.interval.minutes());
        // Saturating: a start at the very end of jiff's range has no later intervals
        // worth naming, and a message must never panic.
        self.start.checked_add(jiff::SignedDuration::from_mins(minutes)).unwrap_or(DateTime::MAX)
    }

    /// The values with special days and missing intervals as `None`: what the
    /// models fit and what the backtest scores.
    pub(super) fn observations(&self, special: &SpecialDays) -> Vec<Option<f64>> {
        let per_day = self.interval.per_day();
        // Hours and minutes of a civil time are never negative.
        let minute_of_day =
            self.start.hour().unsigned_abs() as usize * 60 + self.start.minute().unsigned_abs() as usize;
        let offset = minute_of_day / self.interval.minutes() as usize;
        let mut date = self.start.date();
        let mut excluded = special.contains(date);
        self.values
            .iter()
            .enumerate()
            .map(|(index, value)| {
                let position = offset + index;
                if index > 0 && position.is_multiple_of(per_day) {
                    date = date.tomorrow().unwrap_or(date);
                    excluded = special.contains(date);
                }
                if excluded { None } else { *value }
            })
            .collect()
    }
}

/// Describes a number of intervals as weeks, days and intervals, for messages.
pub(super) fn describe_span(intervals: usize, interval: IntervalMinutes) -> String {
    let per_day = interval.per_day();
    let weeks = intervals / (7 * per_day);
    let days = intervals % (7 * per_day) / per_day;
    let rest = intervals % per_day;
    let mut parts = Vec::new();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    if weeks > 0 {
        parts.push(plural(weeks, "week"));
    }
    if days > 0 {
        parts.push(plural(days, "day"));
    }
    if rest > 0 || parts.is_empty() {
        parts.push(plural(rest, &format!("{}-minute interval", interval.minutes())));
    }
    parts.join(", ")
}
