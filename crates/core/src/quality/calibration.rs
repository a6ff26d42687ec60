//! Calibration: several evaluators score the same contacts blind; how far do
//! they agree, who is harsh or lenient, and which criteria need rewriting.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::alpha::{Alpha, Metric, krippendorff_alpha};
use super::scorecard::Scorecard;
use super::scoring::Evaluation;
use crate::fields::{FieldError, FieldErrors};

/// Below this alpha a criterion is a candidate to rewrite: Krippendorff's
/// lowest bound for drawing even tentative conclusions.
pub const TENTATIVE_ALPHA: f64 = 0.667;

/// At or above this alpha the ratings are reliable.
pub const RELIABLE_ALPHA: f64 = 0.800;

/// One evaluator's blind evaluation of one calibration contact.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CalibrationRating {
    /// The contact.
    pub contact_id: String,
    /// Who evaluated it.
    pub evaluator: String,
    /// The scored evaluation, on the session's scorecard.
    pub evaluation: Evaluation,
}

/// Agreement on one criterion.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CriterionAgreement {
    /// The criterion.
    pub criterion_id: String,
    /// The metric used: nominal for yes/no, ordinal for 1–4 and 1–5.
    pub metric: Metric,
    /// Alpha over the contacts, N/A counting as missing; `None` when fewer
    /// than two evaluators rated any contact.
    pub alpha: Option<Alpha>,
    /// Alpha is below the rewrite threshold.
    pub high_disagreement: bool,
}

/// How one evaluator scores against the calibrated score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvaluatorDeviation {
    /// The evaluator.
    pub evaluator: String,
    /// Contacts they scored.
    pub contacts: usize,
    /// Mean of (their score − the calibrated score), in QA points: below 0 is
    /// severe, above 0 lenient.
    pub mean_deviation: f64,
}

/// The result of a calibration session.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CalibrationReport {
    /// Interval alpha on the overall 0–100 scores, contacts as units.
    pub overall: Option<Alpha>,
    /// Interval alpha on every (contact, criterion) rating normalised to 0–100,
    /// which has many more units than `overall` when the session is small.
    pub items: Option<Alpha>,
    /// Per criterion, most disagreement first (lowest alpha; criteria without
    /// an alpha last, in form order).
    pub criteria: Vec<CriterionAgreement>,
    /// Per evaluator, by name.
    pub evaluators: Vec<EvaluatorDeviation>,
}

/// Analyses a calibration session on `scorecard`.
///
/// `agreed` holds the calibrated score of each contact that the group settled
/// after discussion; a contact without one is calibrated to the mean of the
/// evaluators' scores. Criteria with alpha below `rewrite_below` (commonly
/// [`TENTATIVE_ALPHA`]) are flagged. Errors name `ratings[i]` for an
/// evaluation on another scorecard or version, or a second evaluation of the
/// same contact by the same evaluator.
pub fn calibrate(
    scorecard: &Scorecard,
    ratings: &[CalibrationRating],
    agreed: &[(String, f64)],
    rewrite_below: f64,
) -> Result<CalibrationReport, FieldErrors> {
    let mut errors = FieldErrors::default();
    let mut seen = BTreeSet::new();
    for (i, rating) in ratings.iter().enumerate() {
        let e = &rating.evaluation;
        if e.scorecard_id != scorecard.id() || e.scorecard_version != scorecard.version() {
            errors.push(FieldError::new(
                format!("ratings[{i}]"),
                format!(
                    "This evaluation is on {} version {}, not {} version {}.",
                    e.scorecard_id,
                    e.scorecard_version,
                    scorecard.id(),
                    scorecard.version()
                ),
            ));
        }
        if !seen.insert((&rating.contact_id, &rating.evaluator)) {
            errors.push(FieldError::new(
                format!("ratings[{i}]"),
                format!("{} evaluated {} more than once; keep one evaluation.", rating.evaluator, rating.contact_id),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let contacts: Vec<&str> = ordered(ratings.iter().map(|r| r.contact_id.as_str()));
    let evaluators: Vec<&str> = ordered(ratings.iter().map(|r| r.evaluator.as_str()));
    let cell: BTreeMap<(&str, &str), &Evaluation> =
        ratings.iter().map(|r| ((r.contact_id.as_str(), r.evaluator.as_str()), &r.evaluation)).collect();
    // One matrix per question: rows are units (contacts), columns evaluators.
    let matrix = |value: &dyn Fn(&Evaluation) -> Option<f64>| -> Vec<Vec<Option<f64>>> {
        contacts
            .iter()
            .map(|c| evaluators.iter().map(|ev| cell.get(&(*c, *ev)).and_then(|e| value(e))).collect())
            .collect()
    };
    let overall = krippendorff_alpha(&matrix(&|e| Some(e.score)), Metric::Interval);
    let mut item_rows = Vec::new();
    let mut criteria = Vec::new();
    for (_, criterion) in scorecard.criteria() {
        let id = criterion.id();
        let result = |e: &Evaluation| e.criteria.iter().find(|r| r.id == id).map(|r| r.rating);
        let raw = matrix(&|e| result(e).and_then(|r| r.value()).map(f64::from));
        item_rows.extend(matrix(&|e| result(e).and_then(|r| r.value()).map(|v| criterion.scale().normalise(v))));
        let metric = criterion.scale().alpha_metric();
        let alpha = krippendorff_alpha(&raw, metric);
        criteria.push(CriterionAgreement {
            criterion_id: id.to_owned(),
            metric,
            alpha,
            high_disagreement: alpha.and_then(|a| a.alpha).is_some_and(|a| a < rewrite_below),
        });
    }
    // Stable sort keeps form order among equals and among those without alpha.
    criteria.sort_by(|a, b| {
        let key = |c: &CriterionAgreement| c.alpha.and_then(|a| a.alpha).unwrap_or(f64::INFINITY);
        key(a).total_cmp(&key(b))
    });
    let agreed: BTreeMap<&str, f64> = agreed.iter().map(|(c, s)| (c.as_str(), *s)).collect();
    let calibrated: BTreeMap<&str, f64> = contacts
        .iter()
        .map(|&c| {
            let score = agreed.get(c).copied().unwrap_or_else(|| {
                let scores: Vec<f64> =
                    ratings.iter().filter(|r| r.contact_id == c).map(|r| r.evaluation.score).collect();
                scores.iter().sum::<f64>() / scores.len() as f64
            });
            (c, score)
        })
        .collect();
    let evaluators = evaluators
        .iter()
        .map(|&ev| {
            let deviations: Vec<f64> = ratings
                .iter()
                .filter(|r| r.evaluator == ev)
                .map(|r| {
                    r.evaluation.score - calibrated.get(r.contact_id.as_str()).copied().unwrap_or(r.evaluation.score)
                })
                .collect();
            EvaluatorDeviation {
                evaluator: ev.to_owned(),
                contacts: deviations.len(),
                mean_deviation: deviations.iter().sum::<f64>() / deviations.len() as f64,
            }
        })
        .collect();
    Ok(CalibrationReport { overall, items: krippendorff_alpha(&item_rows, Metric::Interval), criteria, evaluators })
}

/// Distinct values, sorted, so that the matrices do not depend on input order.
fn ordered<'a>(values: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    values.collect::<BTreeSet<_>>().into_iter().collect()
}
