//! The scorecard of the worked examples in `docs/quality.md`.

use crate::quality::{
    CriterionDraft, Rating, Scale, Scorecard, ScorecardDraft, SectionDraft, SectionFail, ServqualDimension,
};

pub fn criterion(
    id: &str,
    scale: Scale,
    weight: f64,
    allows_na: bool,
    critical: bool,
    dimension: ServqualDimension,
    skill: &str,
) -> CriterionDraft {
    CriterionDraft {
        id: id.into(),
        text: format!("Question {id}"),
        scale,
        weight,
        allows_na,
        critical,
        dimension,
        skills: vec![skill.into()],
    }
}

pub fn draft() -> ScorecardDraft {
    use Scale::*;
    use ServqualDimension::*;
    ScorecardDraft {
        id: "contact-qa".into(),
        version: 1,
        sections: vec![
            SectionDraft {
                name: "Opening".into(),
                fail: SectionFail::Never,
                criteria: vec![
                    criterion("greet", YesNo, 1.0, false, false, Assurance, "call-handling"),
                    criterion("idv", YesNo, 2.0, true, true, Reliability, "compliance"),
                ],
            },
            SectionDraft {
                name: "Resolution".into(),
                fail: SectionFail::AnyAtMinimum,
                criteria: vec![
                    criterion("accuracy", OneToFive, 3.0, false, false, Reliability, "product-knowledge"),
                    criterion("ownership", OneToFour, 2.0, false, false, Responsiveness, "ownership"),
                ],
            },
            SectionDraft {
                name: "Manner".into(),
                fail: SectionFail::Never,
                criteria: vec![
                    criterion("empathy", OneToFour, 2.0, true, false, Empathy, "empathy"),
                    criterion("writing", OneToFive, 1.0, true, false, Tangibles, "writing"),
                ],
            },
        ],
    }
}

pub fn scorecard() -> Scorecard {
    Scorecard::parse(draft()).unwrap()
}

/// Ratings in form order: greet, idv, accuracy, ownership, empathy, writing;
/// `None` is N/A.
pub fn ratings(values: [Option<u8>; 6]) -> Vec<(String, Rating)> {
    ["greet", "idv", "accuracy", "ownership", "empathy", "writing"]
        .iter()
        .zip(values)
        .map(|(id, v)| (id.to_string(), v.map_or(Rating::NotApplicable, Rating::Value)))
        .collect()
}
