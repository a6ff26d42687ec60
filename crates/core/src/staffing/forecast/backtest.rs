//! Backtesting on held-out weeks, choosing the best method, and explaining why.

use std::num::NonZeroUsize;

use super::{
    Accuracy, Forecast, ForecastError, History, IntervalMinutes, Method, Series, SpecialDays, describe_span, forecast,
};

/// How to backtest.
#[derive(Debug, Clone, PartialEq)]
pub struct BacktestOptions {
    /// How many of the latest weeks to hold out and forecast (default 2).
    pub held_out_weeks: NonZeroUsize,
    /// The methods to compare, simplest first: on equal WAPE the earlier wins.
    pub methods: Vec<Method>,
}

impl Default for BacktestOptions {
    fn default() -> Self {
        Self {
            held_out_weeks: NonZeroUsize::MIN.saturating_add(1),
            methods: Method::all(NonZeroUsize::MIN.saturating_add(3)),
        }
    }
}

/// One method's backtest: its accuracy over the held-out weeks, or why it could
/// not be assessed.
#[derive(Debug, Clone, PartialEq)]
pub struct MethodResult {
    /// The method.
    pub method: Method,
    /// Its accuracy, or why there is none.
    pub outcome: Result<Accuracy, ForecastError>,
}

/// Every method's accuracy on the held-out weeks.
#[derive(Debug, Clone, PartialEq)]
pub struct Backtest {
    /// How many weeks were held out.
    pub held_out_weeks: usize,
    /// The interval length.
    pub interval: IntervalMinutes,
    /// One result per method, in the order asked for.
    pub results: Vec<MethodResult>,
}

/// Scores every method on the last held-out weeks of `series`.
///
/// Each held-out week is forecast from all the history before it, a week ahead,
/// just as next week's plan is made from this week's data; the accuracy is
/// over all held-out intervals together, skipping special days and gaps.
/// Fails only when the series cannot hold the held-out weeks and a day before
/// them; a method that needs more history is reported as not assessed.
pub fn backtest(series: &Series, special: &SpecialDays, options: &BacktestOptions) -> Result<Backtest, ForecastError> {
    let interval = series.interval();
    let week = interval.per_week();
    let held = options.held_out_weeks.get();
    let needed = held.saturating_mul(week).saturating_add(interval.per_day());
    if series.len() < needed {
        return Err(ForecastError::TooShort {
            method: "The backtest".to_owned(),
            needed: describe_span(needed, interval),
            have: describe_span(series.len(), interval),
            purpose: format!(
                "to hold out {} and fit on at least a day before",
                if held == 1 { "one week".to_owned() } else { weeks(held) }
            ),
        });
    }
    let obs = series.observations(special);
    let n = obs.len();
    let results = options
        .methods
        .iter()
        .map(|&method| {
            let outcome = (0..held).try_fold(Accuracy::default(), |total, j| {
                let origin = n - (held - j) * week;
                let history = History { obs: &obs[..origin], interval, start: series.start() };
                let (values, _) = history.predict(method, week)?;
                Ok(total.combine(Accuracy::measure(&obs[origin..origin + week], &values)))
            });
            let outcome = outcome.map_err(|error| match error {
                ForecastError::TooShort { method, needed, have, purpose } => ForecastError::TooShort {
                    method,
                    needed,
                    have,
                    purpose: format!("{purpose}, before the {} held out", weeks(held)),
                },
                other => other,
            });
            MethodResult { method, outcome }
        })
        .collect();
    Ok(Backtest { held_out_weeks: held, interval, results })
}

/// The chosen method, its backtest accuracy and the reason in plain English.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    /// The method with the lowest WAPE.
    pub method: Method,
    /// Its accuracy on the held-out weeks.
    pub accuracy: Accuracy,
    /// Why it was chosen, against what, and what could not be assessed.
    pub explanation: String,
}

/// Picks the method with the lowest WAPE on the held-out weeks (the earliest in
/// the list on a tie, so a fancier method must actually do better). When the
/// held-out weeks had no contacts at all, WAPE is undefined and the total
/// absolute error decides instead.
pub fn choose_best(backtest: &Backtest) -> Result<Choice, ForecastError> {
    let assessed =
        backtest.results.iter().filter_map(|r| r.outcome.as_ref().ok().map(|a| (r.method, *a))).collect::<Vec<_>>();
    let by_wape = assessed.iter().any(|(_, a)| a.wape().is_some());
    let score = |a: &Accuracy| {
        if by_wape { a.wape().unwrap_or(f64::INFINITY) } else { a.absolute_error_total }
    };
    let mut best: Option<(Method, Accuracy)> = None;
    for &(method, accuracy) in &assessed {
        if best.is_none_or(|(_, b)| score(&accuracy) < score(&b)) {
            best = Some((method, accuracy));
        }
    }
    let Some((method, accuracy)) = best else {
        return Err(ForecastError::NothingAssessed {
            reasons: backtest
                .results
                .iter()
                .filter_map(|r| r.outcome.as_ref().err().map(ToString::to_string))
                .collect(),
        });
    };
    let figure = |a: &Accuracy| match (by_wape, a.wape()) {
        (true, Some(w)) => format!("{:.1}%", w * 100.0),
        (true, None) => "undefined".to_owned(),
        (false, _) => format!("{:.1}", a.absolute_error_total),
    };
    let measure = if by_wape {
        "WAPE"
    } else {
        "total absolute error (the held-out weeks had no contacts, so WAPE is undefined)"
    };
    let others = assessed
        .iter()
        .filter(|(m, _)| *m != method)
        .map(|(m, a)| format!("{} for {}", figure(a), lower_first(&m.name())))
        .collect::<Vec<_>>();
    let held = weeks(backtest.held_out_weeks);
    let mut text = format!("{} chosen: {measure} {} on the {held} held out", method.name(), figure(&accuracy));
    if others.is_empty() {
        text.push_str(", the only method that could be assessed.");
    } else if method == Method::SeasonalNaive {
        text.push_str(&format!("; no other method beat this baseline ({}).", join(&others)));
    } else {
        text.push_str(&format!(" against {}.", join(&others)));
    }
    if let Some(bias) = accuracy.bias().filter(|b| b.abs() >= 0.0005) {
        let direction = if bias > 0.0 { "high" } else { "low" };
        text.push_str(&format!(" On balance it forecast {:.1}% too {direction}.", bias.abs() * 100.0));
    }
    for result in &backtest.results {
        if let Err(error) = &result.outcome {
            text.push_str(&format!(" Not assessed: {error}"));
        }
    }
    Ok(Choice { method, accuracy, explanation: text })
}

/// A queue's forecast with the backtest and choice behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueForecast {
    /// Every method's accuracy on the held-out weeks.
    pub backtest: Backtest,
    /// The method chosen and why.
    pub choice: Choice,
    /// The chosen method's forecast, fitted on the whole history.
    pub forecast: Forecast,
}

/// Backtests every method, chooses the best and forecasts the `horizon`
/// intervals after the end of `series` with it, fitted on the whole history.
pub fn forecast_best(
    series: &Series,
    special: &SpecialDays,
    options: &BacktestOptions,
    horizon: usize,
) -> Result<QueueForecast, ForecastError> {
    let backtest = backtest(series, special, options)?;
    let choice = choose_best(&backtest)?;
    let forecast = forecast(series, special, choice.method, horizon)?;
    Ok(QueueForecast { backtest, choice, forecast })
}

/// "the held-out week" reads better than "1 weeks"; small counts as words.
fn weeks(count: usize) -> String {
    const WORDS: [&str; 10] = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];
    match count {
        1 => "week".to_owned(),
        n if n < WORDS.len() => format!("{} weeks", WORDS[n]),
        n => format!("{n} weeks"),
    }
}

/// "Seasonal naive" inside a sentence is "seasonal naive"; names that start with
/// a proper noun or a number are left alone.
fn lower_first(name: &str) -> String {
    match name.strip_prefix("Seasonal") {
        Some(rest) => format!("seasonal{rest}"),
        None => name.to_owned(),
    }
}

fn join(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
