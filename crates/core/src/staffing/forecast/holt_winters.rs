//! Holt-Winters exponential smoothing (FPP3 §8.3) with a weekly season, additive
//! or multiplicative, and Taylor's double-seasonal variant (daily and weekly
//! seasons, additive).
//!
//! Every method starts from the first two weeks: the level and trend from the
//! line through the two weekly means, the seasonal indices from the values'
//! deviations from that line. The smoothing parameters minimise the one-step
//! squared error over the whole history (see [`super::fit`]). An excluded or
//! missing interval is stepped over as if it had come in exactly as forecast:
//! the level moves on by the trend and the seasonal index stays, which is how a
//! state-space model treats a missing observation.

use super::fit::minimise;
use super::{ForecastError, History, Seasonality, Smoothing};

const ALPHA: &[f64] = &[0.05, 0.2, 0.5, 0.8];
const BETA: &[f64] = &[0.0, 0.01, 0.05, 0.2];
const GAMMA: &[f64] = &[0.05, 0.2, 0.5, 0.8];
/// The double-seasonal method has four parameters: three starting values each
/// keep its grid at 81 points.
const ALPHA_2: &[f64] = &[0.05, 0.3, 0.7];
const BETA_2: &[f64] = &[0.0, 0.01, 0.1];
const SEASON_2: &[f64] = &[0.05, 0.3, 0.7];

/// A divisor this small means the multiplicative model has broken down.
const TINY: f64 = 1e-9;

/// The straight line through the means of the first two weeks, at the middle of
/// each: `value(t)` is the de-seasonalised level it implies at interval t.
struct Line {
    first_mean: f64,
    slope: f64,
    centre: f64,
}

impl Line {
    fn fit(history: &History<'_>, name: &str) -> Result<Self, ForecastError> {
        let m = history.interval.per_week();
        let mean = |range: std::ops::Range<usize>| {
            let usable = history.obs[range].iter().flatten().collect::<Vec<_>>();
            (!usable.is_empty()).then(|| usable.iter().copied().sum::<f64>() / usable.len() as f64)
        };
        match (mean(0..m), mean(m..2 * m)) {
            (Some(first), Some(second)) => {
                Ok(Self { first_mean: first, slope: (second - first) / m as f64, centre: (m as f64 - 1.0) / 2.0 })
            }
            _ => Err(ForecastError::NotApplicable {
                method: name.to_owned(),
                reason: "each of the first two weeks needs at least one usable value to start from".to_owned(),
            }),
        }
    }

    fn value(&self, t: f64) -> f64 {
        self.first_mean + self.slope * (t - self.centre)
    }
}

/// Mean deviation from the line (difference, or ratio when multiplicative) of
/// the usable values of the first two weeks at each phase modulo `period`.
fn initial_season(
    obs: &[Option<f64>],
    line: &Line,
    period: usize,
    span: usize,
    deviation: impl Fn(f64, f64) -> Option<f64>,
    neutral: f64,
) -> Vec<f64> {
    let mut sums = vec![0.0; period];
    let mut counts = vec![0usize; period];
    for (t, y) in obs[..span].iter().enumerate() {
        if let Some(d) = y.and_then(|y| deviation(y, line.value(t as f64))) {
            sums[t % period] += d;
            counts[t % period] += 1;
        }
    }
    let mut season =
        sums.iter().zip(&counts).map(|(s, c)| if *c == 0 { neutral } else { s / *c as f64 }).collect::<Vec<_>>();
    // Normalise (sum 0, or mean 1) so that the level carries the whole level.
    let mean = season.iter().sum::<f64>() / period as f64;
    for s in &mut season {
        if neutral == 0.0 {
            *s -= mean;
        } else if mean > TINY {
            *s /= mean;
        }
    }
    season
}

/// Holt-Winters with a weekly season; forecasts the next `horizon` intervals.
pub(super) fn weekly(
    history: &History<'_>,
    seasonality: Seasonality,
    horizon: usize,
) -> Result<(Vec<f64>, Smoothing), ForecastError> {
    let name = super::Method::HoltWinters(seasonality).name();
    let m = history.interval.per_week();
    if history.obs.len() < 2 * m {
        return Err(history.too_short(&name, 2 * m, "to set up its weekly season"));
    }
    let multiplicative = seasonality == Seasonality::Multiplicative;
    if multiplicative && history.obs.iter().flatten().any(|y| *y <= 0.0) {
        return Err(ForecastError::NotApplicable {
            method: name,
            reason: "it needs every value above 0, and some intervals have none".to_owned(),
        });
    }
    let line = Line::fit(history, &name)?;
    let season = if multiplicative {
        initial_season(history.obs, &line, m, 2 * m, |y, l| (l > TINY).then(|| y / l), 1.0)
    } else {
        initial_season(history.obs, &line, m, 2 * m, |y, l| Some(y - l), 0.0)
    };
    let run = |p: &[f64], horizon: usize| run_weekly(history.obs, &line, &season, p, multiplicative, horizon);
    let (p, _) = minimise(&[ALPHA, BETA, GAMMA], |p| run(p, 0).0);
    let (_, forecasts) = run(&p, horizon);
    Ok((forecasts, Smoothing { alpha: p[0], beta: p[1], daily: None, weekly: p[2] }))
}

/// Runs the weekly recursions; returns the one-step squared error and the
/// forecasts for `horizon` intervals after the end.
fn run_weekly(
    obs: &[Option<f64>],
    line: &Line,
    initial: &[f64],
    p: &[f64],
    multiplicative: bool,
    horizon: usize,
) -> (f64, Vec<f64>) {
    let (alpha, beta, gamma) = (p[0], p[1], p[2]);
    let m = initial.len();
    let mut season = initial.to_vec();
    let mut level = line.value(-1.0);
    let mut trend = line.slope;
    let mut sse = 0.0;
    for (t, y) in obs.iter().enumerate() {
        let s = season[t % m];
        let base = level + trend;
        let Some(y) = *y else {
            level = base;
            continue;
        };
        if multiplicative {
            if s.abs() < TINY || base.abs() < TINY {
                return (f64::INFINITY, Vec::new());
            }
            sse += (y - base * s).powi(2);
            level = alpha * (y / s) + (1.0 - alpha) * base;
            season[t % m] = gamma * (y / base) + (1.0 - gamma) * s;
        } else {
            sse += (y - base - s).powi(2);
            level = alpha * (y - s) + (1.0 - alpha) * base;
            season[t % m] = gamma * (y - base) + (1.0 - gamma) * s;
        }
        trend = beta * (level - (base - trend)) + (1.0 - beta) * trend;
    }
    let n = obs.len();
    let forecasts = (1..=horizon)
        .map(|h| {
            let s = season[(n + h - 1) % m];
            let base = level + h as f64 * trend;
            if multiplicative { base * s } else { base + s }
        })
        .collect();
    (sse, forecasts)
}

/// Taylor's double-seasonal Holt-Winters (additive): a daily season, updated
/// every day, and a weekly season holding what distinguishes each weekday.
/// The daily season learns seven times as fast as a weekly one can, which
/// matters when the shape of the day drifts.
pub(super) fn double_seasonal(history: &History<'_>, horizon: usize) -> Result<(Vec<f64>, Smoothing), ForecastError> {
    let name = super::Method::DoubleSeasonal.name();
    let (d, w) = (history.interval.per_day(), history.interval.per_week());
    if history.obs.len() < 2 * w {
        return Err(history.too_short(&name, 2 * w, "to set up its daily and weekly seasons"));
    }
    let line = Line::fit(history, &name)?;
    let daily = initial_season(history.obs, &line, d, 2 * w, |y, l| Some(y - l), 0.0);
    let adjusted =
        history.obs[..2 * w].iter().enumerate().map(|(t, y)| y.map(|y| y - daily[t % d])).collect::<Vec<_>>();
    let weekly = initial_season(&adjusted, &line, w, 2 * w, |y, l| Some(y - l), 0.0);
    let run = |p: &[f64], horizon: usize| run_double(history.obs, &line, (&daily, &weekly), p, horizon);
    let (p, _) = minimise(&[ALPHA_2, BETA_2, SEASON_2, SEASON_2], |p| run(p, 0).0);
    let (_, forecasts) = run(&p, horizon);
    Ok((forecasts, Smoothing { alpha: p[0], beta: p[1], daily: Some(p[2]), weekly: p[3] }))
}

fn run_double(
    obs: &[Option<f64>],
    line: &Line,
    (daily, weekly): (&[f64], &[f64]),
    p: &[f64],
    horizon: usize,
) -> (f64, Vec<f64>) {
    let (alpha, beta, delta, omega) = (p[0], p[1], p[2], p[3]);
    let (d, w) = (daily.len(), weekly.len());
    let mut daily = daily.to_vec();
    let mut weekly = weekly.to_vec();
    let mut level = line.value(-1.0);
    let mut trend = line.slope;
    let mut sse = 0.0;
    for (t, y) in obs.iter().enumerate() {
        let (ds, ws) = (daily[t % d], weekly[t % w]);
        let base = level + trend;
        let Some(y) = *y else {
            level = base;
            continue;
        };
        sse += (y - base - ds - ws).powi(2);
        let previous = level;
        level = alpha * (y - ds - ws) + (1.0 - alpha) * base;
        trend = beta * (level - previous) + (1.0 - beta) * trend;
        daily[t % d] = delta * (y - level - ws) + (1.0 - delta) * ds;
        weekly[t % w] = omega * (y - level - ds) + (1.0 - omega) * ws;
    }
    let n = obs.len();
    let forecasts = (1..=horizon)
        .map(|h| {
            let t = n + h - 1;
            level + h as f64 * trend + daily[t % d] + weekly[t % w]
        })
        .collect();
    (sse, forecasts)
}
