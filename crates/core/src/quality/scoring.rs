//! Scoring one evaluation: the rule written in `docs/quality.md`.

use std::collections::BTreeMap;

use serde::Serialize;

use super::scorecard::{Rating, Scorecard, SectionFail, ServqualDimension};
use crate::fields::{FieldError, FieldErrors};

/// The outcome of one criterion in one evaluation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CriterionResult {
    /// The criterion's id.
    pub id: String,
    /// The section it sits in.
    pub section: String,
    /// Its SERVQUAL dimension.
    pub dimension: ServqualDimension,
    /// The skills it evidences, copied so that failure rates need no scorecard.
    pub skills: Vec<String>,
    /// Whether it is critical.
    pub critical: bool,
    /// Its weight.
    pub weight: f64,
    /// The rating given.
    pub rating: Rating,
    /// The rating on 0–100, or `None` for N/A. A failed section does not
    /// change this; it changes only how the criterion counts in the totals.
    pub score: Option<f64>,
    /// Rated at the scale's minimum (no, or 1): a failure.
    pub failed: bool,
}

/// A section's score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SectionScore {
    /// The section's name.
    pub name: String,
    /// Weighted mean on 0–100 of its applicable criteria; 0 when the section
    /// failed; `None` when every criterion in it was N/A.
    pub score: Option<f64>,
    /// The section-fail rule fired.
    pub failed: bool,
}

/// A SERVQUAL dimension's score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DimensionScore {
    /// The dimension.
    pub dimension: ServqualDimension,
    /// Weighted mean on 0–100 of its applicable criteria, counting criteria of a
    /// failed section as 0.
    pub score: f64,
}

/// A scored evaluation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    /// The scorecard's id.
    pub scorecard_id: String,
    /// The scorecard's version.
    pub scorecard_version: u32,
    /// The QA score on 0–100: `raw_score`, or 0 when a critical criterion failed.
    pub score: f64,
    /// The weighted mean before the critical rule, so a coach can see how the
    /// rest of the contact went.
    pub raw_score: f64,
    /// A critical criterion failed.
    pub critical_failed: bool,
    /// The ids of the critical criteria that failed.
    pub failed_critical: Vec<String>,
    /// Weighted share (0–100) of the applicable critical criteria that passed;
    /// `None` when no critical criterion applied.
    pub compliance: Option<f64>,
    /// Per section, in form order.
    pub sections: Vec<SectionScore>,
    /// Per dimension with at least one applicable criterion, in
    /// [`ServqualDimension::ALL`] order.
    pub dimensions: Vec<DimensionScore>,
    /// Per criterion, in form order.
    pub criteria: Vec<CriterionResult>,
}

/// Weighted sum and total weight.
#[derive(Default, Clone, Copy)]
struct Tally {
    sum: f64,
    weight: f64,
}

impl Tally {
    fn add(&mut self, weight: f64, score: f64) {
        self.sum += weight * score;
        self.weight += weight;
    }
    fn mean(self) -> Option<f64> {
        (self.weight > 0.0).then(|| self.sum / self.weight)
    }
}

/// Scores `ratings` (criterion id, rating) on `scorecard`.
///
/// Every criterion needs exactly one rating (N/A where allowed). Errors name
/// the field `ratings.<criterion id>` for a missing, unknown, repeated or
/// out-of-scale rating, and `ratings` when everything was N/A.
pub fn score(scorecard: &Scorecard, ratings: &[(String, Rating)]) -> Result<Evaluation, FieldErrors> {
    let mut errors = FieldErrors::default();
    let mut given: BTreeMap<&str, Rating> = BTreeMap::new();
    for (id, rating) in ratings {
        let field = format!("ratings.{id}");
        let Some(criterion) = scorecard.criterion(id) else {
            errors.push(FieldError::new(field, format!("There is no criterion {id:?} on this scorecard.")));
            continue;
        };
        if given.contains_key(id.as_str()) {
            errors.push(FieldError::new(field, format!("{id:?} is rated twice.")));
            continue;
        }
        if let Some(rating) = errors.check(rating.check(&field, criterion)) {
            given.insert(id, rating);
        }
    }
    let mut criteria = Vec::new();
    let mut sections = Vec::new();
    let mut overall = Tally::default();
    let mut compliance = Tally::default();
    let mut dimensions: BTreeMap<ServqualDimension, Tally> = BTreeMap::new();
    let mut failed_critical = Vec::new();
    for section in scorecard.sections() {
        let mut results = Vec::new();
        for criterion in section.criteria() {
            let Some(&rating) = given.get(criterion.id()) else {
                if !errors.0.iter().any(|e| e.field == format!("ratings.{}", criterion.id())) {
                    errors.push(FieldError::new(
                        format!("ratings.{}", criterion.id()),
                        format!(
                            "Rate {:?}{}.",
                            criterion.id(),
                            if criterion.allows_na() { " or mark it N/A" } else { "" }
                        ),
                    ));
                }
                continue;
            };
            let scale = criterion.scale();
            let failed = rating.value() == Some(scale.min());
            results.push(CriterionResult {
                id: criterion.id().to_owned(),
                section: section.name().to_owned(),
                dimension: criterion.dimension(),
                skills: criterion.skills().to_vec(),
                critical: criterion.critical(),
                weight: criterion.weight(),
                rating,
                score: rating.value().map(|v| scale.normalise(v)),
                failed,
            });
        }
        let section_failed = section.fail() == SectionFail::AnyAtMinimum && results.iter().any(|r| r.failed);
        let mut tally = Tally::default();
        for result in &results {
            let Some(score) = result.score else { continue };
            // A failed section counts every applicable criterion in it as 0.
            let counted = if section_failed { 0.0 } else { score };
            tally.add(result.weight, counted);
            overall.add(result.weight, counted);
            dimensions.entry(result.dimension).or_default().add(result.weight, counted);
            if result.critical {
                compliance.add(result.weight, if result.failed { 0.0 } else { 100.0 });
                if result.failed {
                    failed_critical.push(result.id.clone());
                }
            }
        }
        sections.push(SectionScore { name: section.name().to_owned(), score: tally.mean(), failed: section_failed });
        criteria.extend(results);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let Some(raw_score) = overall.mean() else {
        return Err(FieldErrors(vec![FieldError::new(
            "ratings",
            "Every criterion is marked N/A; rate at least one, or do not evaluate this contact.",
        )]));
    };
    let critical_failed = !failed_critical.is_empty();
    Ok(Evaluation {
        scorecard_id: scorecard.id().to_owned(),
        scorecard_version: scorecard.version(),
        score: if critical_failed { 0.0 } else { raw_score },
        raw_score,
        critical_failed,
        failed_critical,
        compliance: compliance.mean(),
        sections,
        dimensions: dimensions
            .into_iter()
            .filter_map(|(dimension, tally)| tally.mean().map(|score| DimensionScore { dimension, score }))
            .collect(),
        criteria,
    })
}
