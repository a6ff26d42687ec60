//! Quality assurance: scorecards, scoring, QA statistics, calibration with
//! Krippendorff's alpha, and sampling plans. The rules for users are written
//! in `docs/quality.md`.
//!
//! Everything here is pure: the sampling draw takes its seed as an argument,
//! so the same seed and population always give the same sample.
//!
//! 1. [`Scorecard::parse`] checks a [`ScorecardDraft`]; [`Rating::parse`]
//!    reads an answer against its [`Criterion`].
//! 2. [`score`] turns ratings into an [`Evaluation`].
//! 3. [`summarise`], [`failure_rates`], [`skills_gaps`] and
//!    [`sample_size_for_precision`] work over many evaluations.
//! 4. [`krippendorff_alpha`] and [`calibrate`] measure agreement between evaluators.
//! 5. [`draw_sample`] picks contacts; [`assign_evaluators`] shares them out.

mod alpha;
mod calibration;
mod queue;
mod sampling;
mod scorecard;
mod scoring;
mod stats;
mod tdist;
mod text;

#[cfg(test)]
mod tests;

pub use alpha::{Alpha, Metric, krippendorff_alpha};
pub use calibration::{
    CalibrationRating, CalibrationReport, CriterionAgreement, EvaluatorDeviation, RELIABLE_ALPHA, TENTATIVE_ALPHA,
    calibrate,
};
pub use queue::{Assignment, assign_evaluators};
pub use sampling::{
    AgentHistory, Contact, Pick, PickReason, Population, Quota, RiskFlag, Sample, SamplingPlan, Shortfall, draw_sample,
    largest_remainder,
};
pub use scorecard::{
    Criterion, CriterionDraft, Rating, Scale, Scorecard, ScorecardDraft, Section, SectionDraft, SectionFail,
    ServqualDimension,
};
pub use scoring::{CriterionResult, DimensionScore, Evaluation, SectionScore, score};
pub use stats::{
    CriterionFailureRate, GapRule, Margin, QaSummary, ReliableFrom, SkillGap, failure_rates, sample_size_for_precision,
    skills_gaps, summarise,
};
pub use tdist::{t_cdf, t_quantile};
pub use text::{format_sections, parse_sections};
