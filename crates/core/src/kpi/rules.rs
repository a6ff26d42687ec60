//! Western Electric and Nelson rules on standardised values (kpis.md §11).
//!
//! Input is z-scores, zᵢ = (xᵢ − centre) / σᵢ, in time order. "Beyond kσ" means
//! |z| > k; "within 1σ" means |z| ≤ 1, so the two never overlap. A point
//! exactly on the centre line is on neither side.
//!
//! A rule that keeps firing over overlapping stretches reports one signal for
//! the whole stretch: runs are reported at their full length, and overlapping
//! "k of m" windows are merged. A signal's points are those that make the rule
//! fire (for "2 of 3 beyond 2σ", the points beyond 2σ).

use std::ops::Range;

use serde::Serialize;

/// Which family of rules to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum RuleSet {
    /// Western Electric rules 1–4 (1956).
    WesternElectric,
    /// Nelson rules 1–8 (1984).
    Nelson,
}

/// One rule, with a stable id for reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum RuleId {
    /// One point beyond 3σ.
    We1,
    /// Two of three consecutive points beyond 2σ on the same side.
    We2,
    /// Four of five consecutive points beyond 1σ on the same side.
    We3,
    /// Eight consecutive points on one side of the centre line.
    We4,
    /// One point beyond 3σ.
    N1,
    /// Nine points in a row on one side of the centre line.
    N2,
    /// Six points in a row steadily increasing or decreasing.
    N3,
    /// Fourteen points in a row alternating up and down.
    N4,
    /// Two of three points in a row beyond 2σ on the same side.
    N5,
    /// Four of five points in a row beyond 1σ on the same side.
    N6,
    /// Fifteen points in a row within 1σ (either side).
    N7,
    /// Eight points in a row none within 1σ, with points on both sides.
    N8,
}

impl RuleId {
    /// The id shown in reports: `WE1`–`WE4`, `N1`–`N8`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::We1 => "WE1",
            Self::We2 => "WE2",
            Self::We3 => "WE3",
            Self::We4 => "WE4",
            Self::N1 => "N1",
            Self::N2 => "N2",
            Self::N3 => "N3",
            Self::N4 => "N4",
            Self::N5 => "N5",
            Self::N6 => "N6",
            Self::N7 => "N7",
            Self::N8 => "N8",
        }
    }

    /// What the rule looks for, in plain words.
    pub fn description(self) -> &'static str {
        match self {
            Self::We1 | Self::N1 => "one point beyond 3 sigma",
            Self::We2 | Self::N5 => "2 of 3 points in a row beyond 2 sigma on the same side",
            Self::We3 | Self::N6 => "4 of 5 points in a row beyond 1 sigma on the same side",
            Self::We4 => "8 points in a row on one side of the centre line",
            Self::N2 => "9 points in a row on one side of the centre line",
            Self::N3 => "6 points in a row steadily increasing or decreasing",
            Self::N4 => "14 points in a row alternating up and down",
            Self::N7 => "15 points in a row within 1 sigma of the centre line",
            Self::N8 => "8 points in a row more than 1 sigma away, on both sides",
        }
    }
}

/// A rule that fired, and the points (indices into the input) involved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Signal {
    /// The rule.
    pub rule: RuleId,
    /// Indices of the points, ascending.
    pub points: Vec<usize>,
}

/// Applies a rule family; signals are ordered by rule, then by first point.
pub fn detect(rules: RuleSet, z: &[f64]) -> Vec<Signal> {
    match rules {
        RuleSet::WesternElectric => western_electric(z),
        RuleSet::Nelson => nelson(z),
    }
}

/// Western Electric rules 1–4.
pub fn western_electric(z: &[f64]) -> Vec<Signal> {
    let mut out = beyond_3_sigma(RuleId::We1, z);
    out.extend(k_of_m(RuleId::We2, z, 2, 3, 2.0));
    out.extend(k_of_m(RuleId::We3, z, 4, 5, 1.0));
    out.extend(same_side(RuleId::We4, z, 8));
    out
}

/// Nelson rules 1–8.
pub fn nelson(z: &[f64]) -> Vec<Signal> {
    let mut out = beyond_3_sigma(RuleId::N1, z);
    out.extend(same_side(RuleId::N2, z, 9));
    // Steps between neighbours: +1 up, −1 down, none when level.
    let steps: Vec<Option<i8>> = z.windows(2).map(|w| step(w[0], w[1])).collect();
    out.extend(step_runs(RuleId::N3, steps.iter().copied(), 6));
    // Flipping every other step turns an alternating zig-zag into a run of
    // equal keys, so the same run finder serves both rules.
    let flipped = steps.iter().enumerate().map(|(i, s)| s.map(|s| if i % 2 == 0 { s } else { -s }));
    out.extend(step_runs(RuleId::N4, flipped, 14));
    out.extend(k_of_m(RuleId::N5, z, 2, 3, 2.0));
    out.extend(k_of_m(RuleId::N6, z, 4, 5, 1.0));
    let within = z.iter().map(|v| (v.abs() <= 1.0).then_some(0));
    out.extend(signals_for(RuleId::N7, runs(within, 15)));
    let outside = z.iter().map(|v| (v.abs() > 1.0).then_some(0));
    let both_sides = |r: &Range<usize>| {
        let run = &z[r.clone()];
        run.iter().any(|v| *v > 0.0) && run.iter().any(|v| *v < 0.0)
    };
    let wide: Vec<Range<usize>> = runs(outside, 8).into_iter().filter(both_sides).collect();
    out.extend(signals_for(RuleId::N8, wide));
    out
}

fn beyond_3_sigma(rule: RuleId, z: &[f64]) -> Vec<Signal> {
    z.iter().enumerate().filter(|(_, v)| v.abs() > 3.0).map(|(i, _)| Signal { rule, points: vec![i] }).collect()
}

fn same_side(rule: RuleId, z: &[f64], length: usize) -> Vec<Signal> {
    let side = z.iter().map(|&v| sign(v));
    signals_for(rule, runs(side, length))
}

/// Runs of `points` points whose steps share a key; step i lies between
/// points i and i + 1.
fn step_runs(rule: RuleId, steps: impl Iterator<Item = Option<i8>>, points: usize) -> Vec<Signal> {
    let runs = runs(steps, points - 1).into_iter().map(|r| r.start..r.end + 1);
    signals_for(rule, runs)
}

/// At least `k` of any `m` consecutive points beyond `limit` on the same side.
/// Windows are cut short at the start of the series: k points beyond the limit
/// within a span of m qualify however many points follow.
fn k_of_m(rule: RuleId, z: &[f64], k: usize, m: usize, limit: f64) -> Vec<Signal> {
    let mut out = Vec::new();
    for side in [1.0, -1.0] {
        let mut current: Option<(Vec<usize>, usize)> = None;
        for end in 0..z.len() {
            let start = (end + 1).saturating_sub(m);
            let hits: Vec<usize> = (start..=end).filter(|&i| z[i] * side > limit).collect();
            if hits.len() < k {
                continue;
            }
            match &mut current {
                Some((points, last_end)) if start <= *last_end => {
                    points.extend(hits);
                    points.sort_unstable();
                    points.dedup();
                    *last_end = end;
                }
                _ => {
                    out.extend(current.take().map(|(points, _)| Signal { rule, points }));
                    current = Some((hits, end));
                }
            }
        }
        out.extend(current.map(|(points, _)| Signal { rule, points }));
    }
    out.sort_by_key(|s| s.points.first().copied());
    out
}

/// Maximal runs of consecutive equal `Some` keys at least `length` long.
fn runs(keys: impl Iterator<Item = Option<i8>>, length: usize) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut previous: Option<i8> = None;
    let mut count = 0;
    for (i, key) in keys.enumerate() {
        if key.is_none() || key != previous {
            if previous.is_some() && i - start >= length {
                out.push(start..i);
            }
            start = i;
        }
        previous = key;
        count = i + 1;
    }
    if previous.is_some() && count - start >= length {
        out.push(start..count);
    }
    out
}

fn signals_for(rule: RuleId, runs: impl IntoIterator<Item = Range<usize>>) -> Vec<Signal> {
    runs.into_iter().map(|r| Signal { rule, points: r.collect() }).collect()
}

fn sign(v: f64) -> Option<i8> {
    if v > 0.0 {
        Some(1)
    } else if v < 0.0 {
        Some(-1)
    } else {
        None
    }
}

fn step(from: f64, to: f64) -> Option<i8> {
    sign(to - from)
}

#[cfg(test)]
#[path = "rules_tests.rs"]
mod tests;
