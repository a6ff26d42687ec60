//! Uncertainty of survey KPIs: Wilson intervals, the NPS standard error, and
//! the "too few responses" flag (kpis.md §1, §2, §12).

use serde::{Deserialize, Serialize};

/// z for a two-sided 95% interval.
pub const Z_95: f64 = 1.96;

/// A proportion with its 95% interval and sample size.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Proportion {
    /// successes / n, as a fraction.
    pub value: f64,
    /// Lower end of the interval.
    pub lower: f64,
    /// Upper end of the interval.
    pub upper: f64,
    /// The denominator.
    pub n: u64,
}

/// The Wilson score interval for `successes` out of `n` at z = 1.96; `None`
/// when `n` is 0. Unlike p ± z·√(p(1−p)/n) it stays inside [0, 1] and is honest
/// at small n and at 0% or 100%.
pub fn wilson(successes: u64, n: u64) -> Option<Proportion> {
    if n == 0 {
        return None;
    }
    let nf = n as f64;
    let p = successes.min(n) as f64 / nf;
    let z2 = Z_95 * Z_95;
    let denominator = 1.0 + z2 / nf;
    let centre = (p + z2 / (2.0 * nf)) / denominator;
    let half = Z_95 * (p * (1.0 - p) / nf + z2 / (4.0 * nf * nf)).sqrt() / denominator;
    Some(Proportion { value: p, lower: (centre - half).max(0.0), upper: (centre + half).min(1.0), n })
}

/// An NPS with its standard error and 95% interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct NpsEstimate {
    /// 100 × (promoters − detractors) / n, from −100 to 100.
    pub nps: f64,
    /// Standard error in NPS points: 100 × √(s² / n), s² = p + d − (p − d)².
    pub standard_error: f64,
    /// nps − 1.96 × SE, no lower than −100.
    pub lower: f64,
    /// nps + 1.96 × SE, no higher than 100.
    pub upper: f64,
    /// Responses with an NPS score.
    pub n: u64,
}

/// Two NPS results compared, as in kpis.md §2.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct NpsComparison {
    /// This period's NPS minus the other's.
    pub difference: f64,
    /// √(SE₁² + SE₂²).
    pub standard_error: f64,
    /// difference / standard_error (0 when both are exact).
    pub z: f64,
    /// |z| > 1.96: a real change at the 5% level rather than noise.
    pub significant: bool,
}

impl NpsEstimate {
    /// The estimate for `promoters` and `detractors` out of `n` responses;
    /// `None` when `n` is 0.
    pub fn new(promoters: u64, detractors: u64, n: u64) -> Option<Self> {
        if n == 0 {
            return None;
        }
        let nf = n as f64;
        let p = promoters as f64 / nf;
        let d = detractors as f64 / nf;
        // Each response scores +1, 0 or −1; this is that score's variance.
        let s2 = (p + d - (p - d).powi(2)).max(0.0);
        let nps = 100.0 * (p - d);
        let standard_error = 100.0 * (s2 / nf).sqrt();
        Some(Self {
            nps,
            standard_error,
            lower: (nps - Z_95 * standard_error).max(-100.0),
            upper: (nps + Z_95 * standard_error).min(100.0),
            n,
        })
    }

    /// Whether the change from `earlier` to this one is more than noise.
    pub fn compare(&self, earlier: &NpsEstimate) -> NpsComparison {
        let difference = self.nps - earlier.nps;
        let standard_error = self.standard_error.hypot(earlier.standard_error);
        let z = if standard_error > 0.0 { difference / standard_error } else { 0.0 };
        NpsComparison { difference, standard_error, z, significant: z.abs() > Z_95 }
    }
}

/// The sample size below which a survey KPI is shown as "too few responses"
/// rather than as a number anyone should act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MinResponses(pub u64);

impl Default for MinResponses {
    /// 30, as kpis.md advises.
    fn default() -> Self {
        Self(30)
    }
}

impl MinResponses {
    /// True when `n` is below the threshold.
    pub fn too_few(self, n: u64) -> bool {
        n < self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(got: f64, want: f64, tolerance: f64) {
        assert!((got - want).abs() <= tolerance, "got {got}, want {want}");
    }

    #[test]
    fn csat_worked_examples() {
        // Scores 1..5 counted [10, 15, 25, 80, 70]: 150 of 200 are 4 or 5.
        let big = wilson(80 + 70, 200).unwrap();
        close(big.value, 0.75, 1e-12);
        close(big.lower * 100.0, 68.6, 0.05);
        close(big.upper * 100.0, 80.5, 0.05);
        let small = wilson(9, 10).unwrap();
        close(small.value, 0.9, 1e-12);
        close(small.lower * 100.0, 59.6, 0.05);
        close(small.upper * 100.0, 98.2, 0.05);
        assert!(MinResponses::default().too_few(small.n));
        assert!(!MinResponses::default().too_few(big.n));
        assert!(MinResponses(5).too_few(4) && !MinResponses(5).too_few(5));
    }

    #[test]
    fn wilson_stays_in_bounds() {
        assert_eq!(wilson(0, 0), None);
        let none = wilson(0, 20).unwrap();
        assert_eq!(none.lower, 0.0);
        assert!(none.upper > 0.1);
        let all = wilson(20, 20).unwrap();
        assert_eq!(all.upper, 1.0);
        assert!(all.lower < 0.9);
    }

    #[test]
    fn nps_worked_examples() {
        let first = NpsEstimate::new(200, 80, 400).unwrap();
        close(first.nps, 30.0, 1e-9);
        close(first.standard_error, 3.91, 0.005);
        close(first.lower, 22.3, 0.05);
        close(first.upper, 37.7, 0.05);
        let second = NpsEstimate::new(161, 84, 350).unwrap();
        close(second.nps, 22.0, 1e-9);
        close(second.standard_error, 4.31, 0.005);
        let change = second.compare(&first);
        close(change.difference, -8.0, 1e-9);
        close(change.standard_error, 5.82, 0.005);
        close(change.z, -1.37, 0.005);
        assert!(!change.significant);
        assert_eq!(NpsEstimate::new(0, 0, 0), None);
    }

    #[test]
    fn worst_case_nps_margin() {
        // Half promoters, half detractors: s² = 1, margin 196/√n.
        let e = NpsEstimate::new(50, 50, 100).unwrap();
        close(Z_95 * e.standard_error, 19.6, 1e-9);
        let exact = NpsEstimate::new(10, 0, 10).unwrap();
        assert_eq!((exact.standard_error, exact.compare(&exact).z), (0.0, 0.0));
    }
}
