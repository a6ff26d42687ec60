//! QA statistics over many evaluations: the mean score with its interval and
//! small-sample flag, criterion failure rates, skills gaps, and the sample
//! size a target precision needs.

use std::collections::BTreeMap;

use serde::Serialize;

use super::scoring::Evaluation;
use super::tdist::t_quantile;
use crate::fields::FieldError;
use crate::kpi::{Proportion, Z_95, wilson};

/// The number of evaluations from which a mean QA score counts as reliable;
/// below it the score is shown as "not yet reliable" (kpis.md §10: a mean of
/// 2–3 evaluations is noise).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ReliableFrom(u32);

impl Default for ReliableFrom {
    fn default() -> Self {
        Self(5)
    }
}

impl ReliableFrom {
    /// Accepts 2 or more: with one evaluation there is no spread to judge by.
    pub fn parse(field: &str, value: u32) -> Result<Self, FieldError> {
        if value < 2 {
            return Err(FieldError::new(field, format!("Enter 2 or more evaluations (you entered {value}).")));
        }
        Ok(Self(value))
    }

    /// The threshold.
    pub fn get(self) -> u32 {
        self.0
    }
}

/// A mean QA score with its 95% confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct QaSummary {
    /// Evaluations.
    pub n: usize,
    /// Mean score, 0–100.
    pub mean: f64,
    /// Sample standard deviation (n − 1); `None` for one evaluation.
    pub sd: Option<f64>,
    /// Lower end of the 95% interval, mean − t(0.975, n − 1)·sd/√n, no lower
    /// than 0; `None` for one evaluation.
    pub lower: Option<f64>,
    /// Upper end, no higher than 100.
    pub upper: Option<f64>,
    /// n reached the [`ReliableFrom`] threshold.
    pub reliable: bool,
}

/// Summarises the scores of one agent, team or period; `None` for no scores.
/// Uses the t distribution because QA samples are small, where 1.96 would
/// understate the uncertainty (t = 2.78 at n = 5).
pub fn summarise(scores: &[f64], reliable_from: ReliableFrom) -> Option<QaSummary> {
    if scores.is_empty() {
        return None;
    }
    let n = scores.len();
    let nf = n as f64;
    let mean = scores.iter().sum::<f64>() / nf;
    let (sd, lower, upper) = if n >= 2 {
        let variance = scores.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / (nf - 1.0);
        let sd = variance.sqrt();
        let half = t_quantile(0.975, nf - 1.0) * sd / nf.sqrt();
        (Some(sd), Some((mean - half).max(0.0)), Some((mean + half).min(100.0)))
    } else {
        (None, None, None)
    };
    Some(QaSummary { n, mean, sd, lower, upper, reliable: n >= reliable_from.0 as usize })
}

/// How often one criterion failed (was rated at its scale's minimum).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CriterionFailureRate {
    /// The criterion.
    pub criterion_id: String,
    /// The skills it evidences (from the most recent evaluation given).
    pub skills: Vec<String>,
    /// Evaluations where it failed.
    pub failed: u64,
    /// Evaluations where it applied (not N/A).
    pub applicable: u64,
    /// failed / applicable with its Wilson interval; `None` when it never applied.
    pub rate: Option<Proportion>,
}

/// Failure rates per criterion over `evaluations` (one person's, a team's, a
/// period's: the caller chooses), sorted by criterion id.
pub fn failure_rates(evaluations: &[Evaluation]) -> Vec<CriterionFailureRate> {
    let mut rates: BTreeMap<&str, CriterionFailureRate> = BTreeMap::new();
    for result in evaluations.iter().flat_map(|e| &e.criteria) {
        let entry = rates.entry(&result.id).or_insert_with(|| CriterionFailureRate {
            criterion_id: result.id.clone(),
            skills: Vec::new(),
            failed: 0,
            applicable: 0,
            rate: None,
        });
        entry.skills.clone_from(&result.skills);
        if result.score.is_some() {
            entry.applicable += 1;
            entry.failed += u64::from(result.failed);
        }
    }
    rates
        .into_values()
        .map(|mut r| {
            r.rate = wilson(r.failed, r.applicable);
            r
        })
        .collect()
}

/// When repeated failures of a criterion count as a gap in the skills it evidences.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GapRule {
    min_evaluations: u64,
    threshold: f64,
}

impl Default for GapRule {
    /// At least 5 applicable evaluations and a failure rate above 20%.
    fn default() -> Self {
        Self { min_evaluations: 5, threshold: 0.2 }
    }
}

impl GapRule {
    /// `min_evaluations` from 1, `threshold` a fraction from 0 up to (not including) 1.
    pub fn new(min_evaluations: u64, threshold: f64) -> Result<Self, FieldError> {
        if min_evaluations == 0 {
            return Err(FieldError::new("min_evaluations", "Enter at least 1 evaluation."));
        }
        if !(0.0..1.0).contains(&threshold) {
            return Err(FieldError::new(
                "threshold",
                format!("Enter a failure rate from 0 to just under 1 (you entered {threshold})."),
            ));
        }
        Ok(Self { min_evaluations, threshold })
    }
}

/// A skill whose criteria keep failing, with the evidence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SkillGap {
    /// The skill.
    pub skill: String,
    /// The criteria tagged with the skill whose failure rate exceeded the threshold.
    pub criteria: Vec<String>,
    /// Failures over those criteria.
    pub failed: u64,
    /// Applicable ratings over those criteria.
    pub applicable: u64,
}

/// Skills gaps of one person from their evaluations: every criterion applicable
/// in at least `min_evaluations` evaluations whose failure rate exceeds the
/// threshold marks each of its skills. Sorted by skill.
pub fn skills_gaps(evaluations: &[Evaluation], rule: GapRule) -> Vec<SkillGap> {
    let mut gaps: BTreeMap<String, SkillGap> = BTreeMap::new();
    for rate in failure_rates(evaluations) {
        if rate.applicable < rule.min_evaluations || (rate.failed as f64) <= rule.threshold * rate.applicable as f64 {
            continue;
        }
        for skill in &rate.skills {
            let gap = gaps.entry(skill.clone()).or_insert_with(|| SkillGap {
                skill: skill.clone(),
                criteria: Vec::new(),
                failed: 0,
                applicable: 0,
            });
            gap.criteria.push(rate.criterion_id.clone());
            gap.failed += rate.failed;
            gap.applicable += rate.applicable;
        }
    }
    gaps.into_values().collect()
}

/// The margin of error a precision target asks for, in QA points (±).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Margin(f64);

impl Margin {
    /// Accepts 0.5 to 100 points: finer than half a point would ask for
    /// hundreds of thousands of evaluations.
    pub fn parse(field: &str, points: f64) -> Result<Self, FieldError> {
        if !(0.5..=100.0).contains(&points) {
            return Err(FieldError::new(
                field,
                format!("Enter a margin from 0.5 to 100 points (you entered {points})."),
            ));
        }
        Ok(Self(points))
    }

    /// The margin in points.
    pub fn points(self) -> f64 {
        self.0
    }
}

/// The number of evaluations for a 95% interval of ± `margin` when scores vary
/// with standard deviation `observed_sd`: the smallest n ≥ max(2, `minimum`)
/// with t(0.975, n − 1)·s/√n ≤ E. It starts from the normal-theory answer
/// ⌈(1.96·s/E)²⌉, which t can only raise. A standard deviation that is not a
/// number or negative counts as 0, and one above 100 (impossible on 0–100
/// scores) as 100.
pub fn sample_size_for_precision(observed_sd: f64, margin: Margin, minimum: u32) -> u32 {
    let sd = if observed_sd.is_nan() { 0.0 } else { observed_sd.clamp(0.0, 100.0) };
    let floor = minimum.max(2);
    let normal = (Z_95 * sd / margin.0).powi(2).ceil();
    // Bounded by (1.96·100/0.5)² ≈ 153,664, so the cast cannot overflow.
    let mut n = (normal as u32).max(floor);
    while t_quantile(0.975, f64::from(n) - 1.0) * sd / f64::from(n).sqrt() > margin.0 {
        n += 1;
    }
    n
}
