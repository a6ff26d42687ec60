//! Control charts (kpis.md §11): the p-chart for proportions with varying n,
//! and the XmR chart for one value per period.
//!
//! Both can be built on a baseline and then applied to later data, so limits
//! stay frozen until a confirmed shift justifies recomputing them. Signals come
//! from [`super::rules`] applied to each point's z-score.

use serde::Serialize;

use super::rules::{RuleSet, Signal, detect};

/// XmR constant: natural process limits are X̄ ± 2.66 × mR̄ (3 / 1.128).
pub const XMR_E2: f64 = 2.66;
/// XmR constant: the upper range limit is 3.268 × mR̄ (3.267 in some tables).
pub const XMR_D4: f64 = 3.268;
/// d₂ for ranges of two: σ̂ = mR̄ / 1.128.
pub const XMR_D2: f64 = 1.128;

/// One period of a p-chart.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PChartPoint {
    /// Successes.
    pub x: u64,
    /// Trials.
    pub n: u64,
    /// x / n; `None` when n is 0, and then the point has no limits either.
    pub p: Option<f64>,
    /// Lower control limit, at least 0.
    pub lower: Option<f64>,
    /// Upper control limit, at most 1.
    pub upper: Option<f64>,
    /// (p − p̄) / σᵢ with σᵢ = √(p̄(1 − p̄)/nᵢ).
    pub z: Option<f64>,
}

/// A p-chart: centre line and per-point limits.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PChart {
    /// p̄ = Σx / Σn of the baseline.
    pub centre: f64,
    /// The charted points, in the order given.
    pub points: Vec<PChartPoint>,
}

/// Control limits `p̄ ± 3√(p̄(1 − p̄)/n)` clamped to [0, 1]; `None` when n is 0.
pub fn p_chart_limits(centre: f64, n: u64) -> Option<(f64, f64)> {
    let sigma = p_sigma(centre, n)?;
    Some(((centre - 3.0 * sigma).max(0.0), (centre + 3.0 * sigma).min(1.0)))
}

fn p_sigma(centre: f64, n: u64) -> Option<f64> {
    (n > 0).then(|| (centre * (1.0 - centre) / n as f64).sqrt())
}

impl PChart {
    /// A chart whose centre is computed from the points themselves, given as
    /// (successes, trials) per period; `None` when there are no trials at all.
    pub fn new(points: &[(u64, u64)]) -> Option<Self> {
        let x: u64 = points.iter().map(|p| p.0).sum();
        let n: u64 = points.iter().map(|p| p.1).sum();
        (n > 0).then(|| Self::with_centre(x as f64 / n as f64, points))
    }

    /// A chart against a frozen centre line from a baseline.
    pub fn with_centre(centre: f64, points: &[(u64, u64)]) -> Self {
        let points = points
            .iter()
            .map(|&(x, n)| {
                let p = (n > 0).then(|| x as f64 / n as f64);
                let limits = p_chart_limits(centre, n);
                let z = p.zip(p_sigma(centre, n)).map(|(p, sigma)| {
                    // With p̄ at 0 or 1 there is no variation to measure
                    // against: a point on the centre line is z = 0, any other
                    // point is infinitely far out.
                    if sigma > 0.0 {
                        (p - centre) / sigma
                    } else if p == centre {
                        0.0
                    } else {
                        f64::INFINITY.copysign(p - centre)
                    }
                });
                PChartPoint { x, n, p, lower: limits.map(|l| l.0), upper: limits.map(|l| l.1), z }
            })
            .collect();
        Self { centre, points }
    }

    /// Rule signals; point indices refer to [`PChart::points`]. Points with
    /// n = 0 are left out of the runs, as if the period did not exist.
    pub fn signals(&self, rules: RuleSet) -> Vec<Signal> {
        let (index, z): (Vec<usize>, Vec<f64>) =
            self.points.iter().enumerate().filter_map(|(i, p)| p.z.map(|z| (i, z))).unzip();
        let mut signals = detect(rules, &z);
        for signal in &mut signals {
            for point in &mut signal.points {
                *point = index[*point];
            }
        }
        signals
    }
}

/// Limits of an individuals (XmR) chart.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct XmrLimits {
    /// X̄, the mean of the baseline values.
    pub centre: f64,
    /// mR̄, the mean moving range |xᵢ − xᵢ₋₁|.
    pub mean_moving_range: f64,
    /// X̄ − 2.66 mR̄.
    pub lower: f64,
    /// X̄ + 2.66 mR̄.
    pub upper: f64,
    /// Upper range limit 3.268 mR̄: a moving range above it is a signal.
    pub upper_range_limit: f64,
    /// σ̂ = mR̄ / 1.128.
    pub sigma: f64,
}

impl XmrLimits {
    /// Limits from baseline values, in time order; `None` with fewer than two
    /// values (there is no moving range). Five or six values give usable
    /// limits; more make them firmer.
    pub fn new(values: &[f64]) -> Option<Self> {
        if values.len() < 2 {
            return None;
        }
        let centre = values.iter().sum::<f64>() / values.len() as f64;
        let ranges = moving_ranges(values);
        let mean_moving_range = ranges.iter().sum::<f64>() / ranges.len() as f64;
        Some(Self {
            centre,
            mean_moving_range,
            lower: centre - XMR_E2 * mean_moving_range,
            upper: centre + XMR_E2 * mean_moving_range,
            upper_range_limit: XMR_D4 * mean_moving_range,
            sigma: mean_moving_range / XMR_D2,
        })
    }

    /// z-scores of `values` against these limits. With no variation in the
    /// baseline (σ̂ = 0), a value on the centre line is 0 and any other is
    /// infinitely far out.
    pub fn z_scores(&self, values: &[f64]) -> Vec<f64> {
        values
            .iter()
            .map(|&x| {
                if self.sigma > 0.0 {
                    (x - self.centre) / self.sigma
                } else if x == self.centre {
                    0.0
                } else {
                    f64::INFINITY.copysign(x - self.centre)
                }
            })
            .collect()
    }

    /// Rule signals for `values`; indices refer to `values`.
    pub fn signals(&self, values: &[f64], rules: RuleSet) -> Vec<Signal> {
        detect(rules, &self.z_scores(values))
    }

    /// Indices `i` (from 1) whose moving range |xᵢ − xᵢ₋₁| exceeds the upper
    /// range limit: a sudden jump between two periods.
    pub fn range_signals(&self, values: &[f64]) -> Vec<usize> {
        moving_ranges(values)
            .iter()
            .enumerate()
            .filter(|(_, r)| **r > self.upper_range_limit)
            .map(|(i, _)| i + 1)
            .collect()
    }
}

/// |xᵢ − xᵢ₋₁| for each consecutive pair.
pub fn moving_ranges(values: &[f64]) -> Vec<f64> {
    values.windows(2).map(|w| (w[1] - w[0]).abs()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kpi::rules::RuleId;

    fn close(got: f64, want: f64, tolerance: f64) {
        assert!((got - want).abs() <= tolerance, "got {got}, want {want}");
    }

    #[test]
    fn p_chart_worked_example() {
        // 144 of 200 in total: p̄ = 0.72.
        let chart = PChart::new(&[(108, 150), (36, 50), (0, 0)]).unwrap();
        close(chart.centre, 0.72, 1e-12);
        let first = chart.points[0];
        close(first.lower.unwrap(), 0.610, 0.0005);
        close(first.upper.unwrap(), 0.830, 0.0005);
        close(first.z.unwrap(), 0.0, 1e-9);
        let (lower, upper) = p_chart_limits(0.72, 60).unwrap();
        close(lower, 0.546, 0.0005);
        close(upper, 0.894, 0.0005);
        assert_eq!(chart.points[2].p, None);
        assert_eq!(chart.points[2].lower, None);
        assert_eq!(PChart::new(&[(0, 0)]), None);
        // Limits are clamped to [0, 1].
        assert_eq!(p_chart_limits(0.99, 5).unwrap().1, 1.0);
    }

    #[test]
    fn p_chart_signals_map_back_to_points() {
        // A frozen centre of 0.5; the day with no responses is skipped.
        let chart = PChart::with_centre(0.5, &[(50, 100), (0, 0), (90, 100)]);
        let signals = chart.signals(RuleSet::WesternElectric);
        assert_eq!(signals.len(), 1);
        assert_eq!(signals[0].rule, RuleId::We1);
        assert_eq!(signals[0].points, [2]);
    }

    #[test]
    fn xmr_worked_example() {
        let aht = [312.0, 298.0, 305.0, 321.0, 290.0, 301.0, 315.0, 309.0, 296.0, 330.0, 302.0, 307.0];
        let limits = XmrLimits::new(&aht).unwrap();
        close(limits.centre, 307.2, 0.05);
        close(limits.mean_moving_range, 16.27, 0.005);
        close(limits.lower, 263.9, 0.05);
        close(limits.upper, 350.5, 0.05);
        close(limits.upper_range_limit, 53.2, 0.05);
        close(limits.sigma, 16.27 / 1.128, 0.01);
        assert!(limits.signals(&aht, RuleSet::Nelson).is_empty());
        assert!(limits.range_signals(&aht).is_empty());
        assert_eq!(limits.range_signals(&[300.0, 360.0, 355.0]), [1]);
        assert_eq!(XmrLimits::new(&[1.0]), None);
    }

    #[test]
    fn flat_baseline_has_no_spread() {
        let limits = XmrLimits::new(&[5.0, 5.0, 5.0]).unwrap();
        assert_eq!(limits.z_scores(&[5.0, 6.0, 4.0]), [0.0, f64::INFINITY, f64::NEG_INFINITY]);
    }
}
