//! Scorecards: versioned forms of sections and criteria, built only in a valid
//! shape, and the ratings an evaluator gives against them.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::fields::{FieldError, FieldErrors};

/// The answer scale of one criterion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scale {
    /// Yes (met) or no (not met).
    YesNo,
    /// 1 to 4: no neutral middle, so the evaluator has to lean one way.
    OneToFour,
    /// 1 to 5.
    OneToFive,
}

impl Scale {
    /// Accepts `yes_no`, `1-4` or `1-5` (also `one_to_four`, `one_to_five`),
    /// case-insensitively.
    pub fn parse(field: &str, text: &str) -> Result<Self, FieldError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "yes_no" | "yes/no" | "yesno" => Ok(Self::YesNo),
            "1-4" | "one_to_four" => Ok(Self::OneToFour),
            "1-5" | "one_to_five" => Ok(Self::OneToFive),
            _ => Err(FieldError::new(field, format!("Choose a scale of yes_no, 1-4 or 1-5 (you entered {text:?})."))),
        }
    }

    /// The lowest value: 0 (no) on yes/no, otherwise 1.
    pub fn min(self) -> u8 {
        match self {
            Self::YesNo => 0,
            Self::OneToFour | Self::OneToFive => 1,
        }
    }

    /// The highest value: 1 (yes), 4 or 5.
    pub fn max(self) -> u8 {
        match self {
            Self::YesNo => 1,
            Self::OneToFour => 4,
            Self::OneToFive => 5,
        }
    }

    /// The value on a 0–100 scale: (v − min) / (max − min) × 100, so yes = 100,
    /// no = 0, and 1–4 gives 0, 33.3, 66.7, 100.
    pub fn normalise(self, value: u8) -> f64 {
        let span = f64::from(self.max() - self.min());
        f64::from(value.saturating_sub(self.min())) / span * 100.0
    }

    /// The Krippendorff metric that suits the scale: nominal for yes/no (two
    /// categories carry no order worth measuring), ordinal for the 1–4 and 1–5
    /// rubrics, whose anchors are ranked but not evenly spaced.
    pub fn alpha_metric(self) -> super::Metric {
        match self {
            Self::YesNo => super::Metric::Nominal,
            Self::OneToFour | Self::OneToFive => super::Metric::Ordinal,
        }
    }
}

/// The SERVQUAL dimension a criterion evidences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServqualDimension {
    /// Doing what was promised, correctly.
    Reliability,
    /// Knowledge and courtesy that inspire trust.
    Assurance,
    /// What the customer sees and reads: written quality, tools, presentation.
    Tangibles,
    /// Individual care and attention.
    Empathy,
    /// Willingness and speed in helping.
    Responsiveness,
}

impl ServqualDimension {
    /// Every dimension, in the order reports list them.
    pub const ALL: [Self; 5] =
        [Self::Reliability, Self::Assurance, Self::Tangibles, Self::Empathy, Self::Responsiveness];

    /// The stable lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reliability => "reliability",
            Self::Assurance => "assurance",
            Self::Tangibles => "tangibles",
            Self::Empathy => "empathy",
            Self::Responsiveness => "responsiveness",
        }
    }

    /// Accepts the name of a dimension, case-insensitively.
    pub fn parse(field: &str, text: &str) -> Result<Self, FieldError> {
        let wanted = text.trim().to_ascii_lowercase();
        Self::ALL.into_iter().find(|d| d.as_str() == wanted).ok_or_else(|| {
            FieldError::new(
                field,
                format!(
                    "Choose reliability, assurance, tangibles, empathy or responsiveness \
                         (you entered {text:?})."
                ),
            )
        })
    }
}

/// When a section as a whole fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionFail {
    /// The section never fails as a whole; each criterion counts on its own.
    #[default]
    Never,
    /// Any criterion of the section rated at its scale's minimum fails the
    /// section: every applicable criterion in it then scores 0.
    AnyAtMinimum,
}

/// One criterion as entered, before it is checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CriterionDraft {
    /// Unique within the scorecard; ratings refer to it.
    pub id: String,
    /// The question the evaluator answers.
    pub text: String,
    /// The answer scale.
    pub scale: Scale,
    /// Relative weight, more than 0.
    pub weight: f64,
    /// Whether "not applicable" is an allowed answer.
    pub allows_na: bool,
    /// A failure (the scale's minimum) sets the whole evaluation to 0.
    pub critical: bool,
    /// The SERVQUAL dimension it evidences.
    pub dimension: ServqualDimension,
    /// The skills it evidences, by name.
    pub skills: Vec<String>,
}

/// One section as entered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SectionDraft {
    /// The section's name, unique within the scorecard.
    pub name: String,
    /// When the section fails as a whole.
    pub fail: SectionFail,
    /// Its criteria, in form order.
    pub criteria: Vec<CriterionDraft>,
}

/// A scorecard as entered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScorecardDraft {
    /// The form's identity, shared by all its versions.
    pub id: String,
    /// The version, from 1; an evaluation records the version it was made on.
    pub version: u32,
    /// The sections, in form order.
    pub sections: Vec<SectionDraft>,
}

/// A checked criterion.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Criterion {
    id: String,
    text: String,
    scale: Scale,
    weight: f64,
    allows_na: bool,
    critical: bool,
    dimension: ServqualDimension,
    skills: Vec<String>,
}

impl Criterion {
    /// Its identity within the scorecard.
    pub fn id(&self) -> &str {
        &self.id
    }
    /// The question.
    pub fn text(&self) -> &str {
        &self.text
    }
    /// The answer scale.
    pub fn scale(&self) -> Scale {
        self.scale
    }
    /// The weight, more than 0.
    pub fn weight(&self) -> f64 {
        self.weight
    }
    /// Whether N/A may be answered.
    pub fn allows_na(&self) -> bool {
        self.allows_na
    }
    /// Whether a failure zeroes the evaluation.
    pub fn critical(&self) -> bool {
        self.critical
    }
    /// The SERVQUAL dimension.
    pub fn dimension(&self) -> ServqualDimension {
        self.dimension
    }
    /// The skills it evidences.
    pub fn skills(&self) -> &[String] {
        &self.skills
    }
}

/// A checked section: at least one criterion.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    name: String,
    fail: SectionFail,
    criteria: Vec<Criterion>,
}

impl Section {
    /// The name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The section-fail rule.
    pub fn fail(&self) -> SectionFail {
        self.fail
    }
    /// The criteria, in form order.
    pub fn criteria(&self) -> &[Criterion] {
        &self.criteria
    }
}

/// A scorecard that can only exist in a valid shape: an identity, a version
/// from 1, at least one section, each with at least one criterion, unique
/// names and ids, and weights above 0.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scorecard {
    id: String,
    version: u32,
    sections: Vec<Section>,
}

impl Scorecard {
    /// Checks a draft, collecting every problem with the field that has it
    /// (`sections[1].criteria[0].weight`).
    pub fn parse(draft: ScorecardDraft) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let id = draft.id.trim().to_owned();
        if id.is_empty() {
            errors.push(FieldError::new("id", "Enter an identity for the scorecard."));
        }
        if draft.version == 0 {
            errors.push(FieldError::new("version", "Versions start at 1."));
        }
        if draft.sections.is_empty() {
            errors.push(FieldError::new("sections", "Add at least one section with one criterion."));
        }
        let mut names = BTreeSet::new();
        let mut ids = BTreeSet::new();
        let mut sections = Vec::with_capacity(draft.sections.len());
        for (s, section) in draft.sections.into_iter().enumerate() {
            let at = format!("sections[{s}]");
            let name = section.name.trim().to_owned();
            if name.is_empty() {
                errors.push(FieldError::new(format!("{at}.name"), "Name the section."));
            } else if !names.insert(name.clone()) {
                errors.push(FieldError::new(
                    format!("{at}.name"),
                    format!("Another section is already called {name:?}; use a different name."),
                ));
            }
            if section.criteria.is_empty() {
                errors.push(FieldError::new(format!("{at}.criteria"), "Add at least one criterion to the section."));
            }
            let mut criteria = Vec::with_capacity(section.criteria.len());
            for (c, draft) in section.criteria.into_iter().enumerate() {
                let at = format!("{at}.criteria[{c}]");
                if let Some(criterion) = check_criterion(&at, draft, &mut ids, &mut errors) {
                    criteria.push(criterion);
                }
            }
            sections.push(Section { name, fail: section.fail, criteria });
        }
        if errors.is_empty() { Ok(Self { id, version: draft.version, sections }) } else { Err(errors) }
    }

    /// The form's identity.
    pub fn id(&self) -> &str {
        &self.id
    }
    /// The version.
    pub fn version(&self) -> u32 {
        self.version
    }
    /// The sections, in form order.
    pub fn sections(&self) -> &[Section] {
        &self.sections
    }
    /// Every criterion with its section, in form order.
    pub fn criteria(&self) -> impl Iterator<Item = (&Section, &Criterion)> {
        self.sections.iter().flat_map(|s| s.criteria.iter().map(move |c| (s, c)))
    }
    /// The criterion with this id.
    pub fn criterion(&self, id: &str) -> Option<&Criterion> {
        self.criteria().map(|(_, c)| c).find(|c| c.id == id)
    }
}

fn check_criterion(
    at: &str,
    draft: CriterionDraft,
    ids: &mut BTreeSet<String>,
    errors: &mut FieldErrors,
) -> Option<Criterion> {
    let before = errors.0.len();
    let id = draft.id.trim().to_owned();
    if id.is_empty() {
        errors.push(FieldError::new(format!("{at}.id"), "Enter an id for the criterion."));
    } else if !ids.insert(id.clone()) {
        errors.push(FieldError::new(
            format!("{at}.id"),
            format!("Another criterion already has the id {id:?}; ids must be unique."),
        ));
    }
    let text = draft.text.trim().to_owned();
    if text.is_empty() {
        errors.push(FieldError::new(format!("{at}.text"), "Write the question the evaluator answers."));
    }
    // Not `> 0.0` alone: NaN compares false and infinity would swamp every other weight.
    if !(draft.weight.is_finite() && draft.weight > 0.0) {
        errors.push(FieldError::new(
            format!("{at}.weight"),
            format!("Enter a weight above 0 (you entered {}).", draft.weight),
        ));
    }
    let mut skills = Vec::with_capacity(draft.skills.len());
    for (k, skill) in draft.skills.iter().enumerate() {
        let skill = skill.trim();
        if skill.is_empty() {
            errors.push(FieldError::new(format!("{at}.skills[{k}]"), "Remove the empty skill or name it."));
        } else if !skills.iter().any(|s: &String| s == skill) {
            skills.push(skill.to_owned());
        }
    }
    (errors.0.len() == before).then_some(Criterion {
        id,
        text,
        scale: draft.scale,
        weight: draft.weight,
        allows_na: draft.allows_na,
        critical: draft.critical,
        dimension: draft.dimension,
        skills,
    })
}

/// One answer to one criterion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rating {
    /// Not applicable to this contact: drops out of the score.
    NotApplicable,
    /// A value on the criterion's scale: 0 or 1 on yes/no, otherwise 1 to its maximum.
    Value(u8),
}

impl Rating {
    /// Parses an answer against `criterion`: `yes`/`no` on yes/no, a whole
    /// number on the 1–4 and 1–5 scales, `n/a` (or `na`) where the criterion
    /// allows it. The error names `field`.
    pub fn parse(field: &str, criterion: &Criterion, text: &str) -> Result<Self, FieldError> {
        let answer = text.trim().to_ascii_lowercase();
        let rating = match (criterion.scale, answer.as_str()) {
            (_, "n/a" | "na") => Self::NotApplicable,
            (Scale::YesNo, "yes" | "y") => Self::Value(1),
            (Scale::YesNo, "no" | "n") => Self::Value(0),
            (Scale::YesNo, _) => {
                return Err(FieldError::new(field, format!("Answer yes or no (you entered {text:?}).")));
            }
            (scale, number) => match number.parse::<u8>() {
                Ok(value) => Self::Value(value),
                Err(_) => {
                    return Err(FieldError::new(
                        field,
                        format!("Enter a whole number from 1 to {} (you entered {text:?}).", scale.max()),
                    ));
                }
            },
        };
        rating.check(field, criterion)
    }

    /// Accepts the rating if it fits `criterion`: a value on its scale, or N/A
    /// where the criterion allows N/A.
    pub fn check(self, field: &str, criterion: &Criterion) -> Result<Self, FieldError> {
        let scale = criterion.scale;
        match self {
            Self::NotApplicable if !criterion.allows_na => {
                Err(FieldError::new(field, format!("{:?} must be rated; N/A is not allowed.", criterion.id)))
            }
            Self::Value(v) if v < scale.min() || v > scale.max() => Err(FieldError::new(
                field,
                format!("{:?} is rated from {} to {} (you entered {v}).", criterion.id, scale.min(), scale.max()),
            )),
            ok => Ok(ok),
        }
    }

    /// The value, or `None` for N/A.
    pub fn value(self) -> Option<u8> {
        match self {
            Self::NotApplicable => None,
            Self::Value(v) => Some(v),
        }
    }
}
