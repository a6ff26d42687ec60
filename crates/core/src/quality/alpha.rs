//! Krippendorff's alpha by the coincidence-matrix method (Krippendorff,
//! "Computing Krippendorff's Alpha-Reliability", 2011), with missing values.
//!
//! α = 1 − (n − 1) · Σ o_ck δ²_ck / Σ n_c n_k δ²_ck, where o is the coincidence
//! matrix of the pairable values (units with at least two values, each pair in
//! a unit of m values counting 1/(m − 1)), n_c its margins and n the number of
//! pairable values.

use serde::{Deserialize, Serialize};

/// How far apart two values are taken to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Categories: same or different.
    Nominal,
    /// Ranks: the distance grows with how many values lie between the two.
    Ordinal,
    /// Numbers: squared difference.
    Interval,
}

/// Alpha and the parts it is made of.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Alpha {
    /// 1 − D_o / D_e; `None` when the pairable values do not vary (D_e = 0),
    /// where agreement cannot be told apart from chance.
    pub alpha: Option<f64>,
    /// Observed disagreement D_o: mean δ² between values of the same unit.
    pub observed: f64,
    /// Expected disagreement D_e: mean δ² between any two pairable values.
    pub expected: f64,
    /// Pairable values n.
    pub pairable: usize,
    /// Units with at least two values.
    pub units: usize,
}

/// Alpha for `data`, one row per unit and one column per coder; `None` in a
/// cell is a missing value, and so is a value that is not finite. Returns
/// `None` when no unit has two values.
pub fn krippendorff_alpha(data: &[Vec<Option<f64>>], metric: Metric) -> Option<Alpha> {
    let units: Vec<Vec<f64>> = data
        .iter()
        .map(|row| row.iter().flatten().copied().filter(|v| v.is_finite()).collect::<Vec<_>>())
        .filter(|values| values.len() >= 2)
        .collect();
    if units.is_empty() {
        return None;
    }
    let mut values: Vec<f64> = units.iter().flatten().copied().collect();
    values.sort_by(f64::total_cmp);
    values.dedup();
    let index = |v: f64| values.partition_point(|&x| x < v);
    let size = values.len();
    let mut coincidences = vec![vec![0.0_f64; size]; size];
    for unit in &units {
        let share = 1.0 / (unit.len() as f64 - 1.0);
        for (i, &a) in unit.iter().enumerate() {
            for (j, &b) in unit.iter().enumerate() {
                if i != j {
                    coincidences[index(a)][index(b)] += share;
                }
            }
        }
    }
    let margins: Vec<f64> = coincidences.iter().map(|row| row.iter().sum()).collect();
    let n: f64 = margins.iter().sum();
    // Prefix sums of the margins make each ordinal distance O(1).
    let mut below = vec![0.0; size + 1];
    for c in 0..size {
        below[c + 1] = below[c] + margins[c];
    }
    let distance = |c: usize, k: usize| -> f64 {
        match metric {
            Metric::Nominal => f64::from(u8::from(c != k)),
            Metric::Ordinal => {
                let (low, high) = (c.min(k), c.max(k));
                let between = below[high + 1] - below[low] - (margins[low] + margins[high]) / 2.0;
                between * between
            }
            Metric::Interval => (values[c] - values[k]).powi(2),
        }
    };
    let mut observed = 0.0;
    let mut expected = 0.0;
    for c in 0..size {
        for k in 0..size {
            let d = distance(c, k);
            observed += coincidences[c][k] * d;
            expected += margins[c] * margins[k] * d;
        }
    }
    let observed = observed / n;
    let expected = expected / (n * (n - 1.0));
    Some(Alpha {
        alpha: (expected > 0.0).then(|| 1.0 - observed / expected),
        observed,
        expected,
        pairable: n.round() as usize,
        units: units.len(),
    })
}
