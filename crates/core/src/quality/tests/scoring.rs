//! Scorecard parsing and the scoring rule, with the worked examples of
//! `docs/quality.md`.

use proptest::prelude::*;

use super::fixtures::{draft, ratings, scorecard};
use crate::quality::{Rating, Scale, Scorecard, ServqualDimension, score};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn example_a_weighted_mean_with_na() {
    // greet yes, idv yes, accuracy 4 (75), ownership 3 (66.7), empathy 4 (100), writing N/A.
    let e = score(&scorecard(), &ratings([Some(1), Some(1), Some(4), Some(3), Some(4), None])).unwrap();
    // (1·100 + 2·100 + 3·75 + 2·66.67 + 2·100) / (1 + 2 + 3 + 2 + 2) = 858.33 / 10.
    assert!(close(e.score, 2575.0 / 30.0), "{}", e.score);
    assert!(close(e.raw_score, e.score));
    assert!(!e.critical_failed);
    assert_eq!(e.compliance, Some(100.0));
    let sections: Vec<_> = e.sections.iter().map(|s| s.score.unwrap()).collect();
    assert!(close(sections[0], 100.0));
    assert!(close(sections[1], (225.0 + 400.0 / 3.0) / 5.0));
    assert!(close(sections[2], 100.0));
    let reliability = e.dimensions.iter().find(|d| d.dimension == ServqualDimension::Reliability).unwrap();
    assert!(close(reliability.score, 85.0));
    assert!(e.dimensions.iter().all(|d| d.dimension != ServqualDimension::Tangibles));
    assert_eq!(e.criteria[5].score, None);
}

#[test]
fn example_b_critical_failure_zeroes_the_score() {
    let e = score(&scorecard(), &ratings([Some(1), Some(0), Some(5), Some(4), Some(3), Some(5)])).unwrap();
    assert_eq!(e.score, 0.0);
    assert!(e.critical_failed);
    assert_eq!(e.failed_critical, vec!["idv".to_string()]);
    // (100 + 0 + 300 + 200 + 133.33 + 100) / 11.
    assert!(close(e.raw_score, (2500.0 / 3.0) / 11.0), "{}", e.raw_score);
    assert_eq!(e.compliance, Some(0.0));
}

#[test]
fn example_c_section_fail_counts_the_section_as_zero() {
    let e = score(&scorecard(), &ratings([Some(1), None, Some(5), Some(1), None, Some(4)])).unwrap();
    // greet 100 (w1), accuracy and ownership 0 (w3, w2: the section failed), writing 75 (w1).
    assert!(close(e.score, 175.0 / 7.0), "{}", e.score);
    assert!(e.sections[1].failed);
    assert_eq!(e.sections[1].score, Some(0.0));
    assert_eq!(e.criteria[2].score, Some(100.0));
    assert_eq!(e.compliance, None);
    assert!(!e.critical_failed);
}

#[test]
fn normalisation() {
    assert_eq!(Scale::YesNo.normalise(1), 100.0);
    assert_eq!(Scale::YesNo.normalise(0), 0.0);
    assert!(close(Scale::OneToFour.normalise(2), 100.0 / 3.0));
    assert_eq!(Scale::OneToFive.normalise(4), 75.0);
    assert_eq!(Scale::OneToFive.normalise(1), 0.0);
}

#[test]
fn rating_errors_name_the_criterion() {
    let card = scorecard();
    let mut r = ratings([Some(1), Some(1), Some(4), Some(3), Some(4), None]);
    r.remove(0);
    r.push(("tone".into(), Rating::Value(1)));
    r.push(("accuracy".into(), Rating::Value(2)));
    r[3].1 = Rating::Value(5); // empathy is 1-4
    let errors = score(&card, &r).unwrap_err();
    assert!(errors.for_field("ratings.greet").unwrap().contains("Rate"));
    assert!(errors.for_field("ratings.tone").unwrap().contains("no criterion"));
    assert!(errors.for_field("ratings.accuracy").unwrap().contains("twice"));
    assert!(errors.for_field("ratings.empathy").unwrap().contains("1 to 4"));
    let mut na = ratings([None, Some(1), Some(4), Some(3), Some(4), None]);
    na.truncate(6);
    let errors = score(&card, &na).unwrap_err();
    assert!(errors.for_field("ratings.greet").unwrap().contains("N/A is not allowed"));
}

#[test]
fn all_na_is_an_error() {
    let mut d = draft();
    d.sections.truncate(1);
    d.sections[0].criteria.remove(0);
    let card = Scorecard::parse(d).unwrap();
    let errors = score(&card, &[("idv".into(), Rating::NotApplicable)]).unwrap_err();
    assert!(errors.for_field("ratings").is_some());
}

#[test]
fn rating_parse_follows_the_scale() {
    let card = scorecard();
    let idv = card.criterion("idv").unwrap();
    let accuracy = card.criterion("accuracy").unwrap();
    assert_eq!(Rating::parse("f", idv, " Yes "), Ok(Rating::Value(1)));
    assert_eq!(Rating::parse("f", idv, "no"), Ok(Rating::Value(0)));
    assert_eq!(Rating::parse("f", idv, "N/A"), Ok(Rating::NotApplicable));
    assert!(Rating::parse("f", idv, "3").is_err());
    assert_eq!(Rating::parse("f", accuracy, "5"), Ok(Rating::Value(5)));
    assert!(Rating::parse("f", accuracy, "0").is_err());
    assert!(Rating::parse("f", accuracy, "6").is_err());
    assert_eq!(Rating::parse("f", accuracy, "na").unwrap_err().field, "f");
    assert!(Rating::parse("f", accuracy, "yes").is_err());
}

#[test]
fn invalid_scorecards_are_rejected_with_fields() {
    let mut d = draft();
    d.id = " ".into();
    d.version = 0;
    d.sections[0].criteria[0].weight = 0.0;
    d.sections[0].criteria[1].weight = f64::NAN;
    d.sections[1].criteria[0].id = "greet".into();
    d.sections[2].name = "Opening".into();
    d.sections[2].criteria[0].skills.push("  ".into());
    let errors = Scorecard::parse(d).unwrap_err();
    for field in [
        "id",
        "version",
        "sections[0].criteria[0].weight",
        "sections[0].criteria[1].weight",
        "sections[1].criteria[0].id",
        "sections[2].name",
        "sections[2].criteria[0].skills[1]",
    ] {
        assert!(errors.for_field(field).is_some(), "{field}: {errors}");
    }
    let mut empty = draft();
    empty.sections[1].criteria.clear();
    assert!(Scorecard::parse(empty).unwrap_err().for_field("sections[1].criteria").is_some());
    let mut none = draft();
    none.sections.clear();
    assert!(Scorecard::parse(none).unwrap_err().for_field("sections").is_some());
}

#[test]
fn scale_and_dimension_parse() {
    assert_eq!(Scale::parse("s", "1-4"), Ok(Scale::OneToFour));
    assert_eq!(Scale::parse("s", "YES_NO"), Ok(Scale::YesNo));
    assert!(Scale::parse("s", "1-10").is_err());
    assert_eq!(ServqualDimension::parse("d", "Empathy"), Ok(ServqualDimension::Empathy));
    assert!(ServqualDimension::parse("d", "speed").is_err());
}

fn any_rating(scale: Scale, allows_na: bool) -> BoxedStrategy<Rating> {
    let values = (scale.min()..=scale.max()).prop_map(Rating::Value);
    if allows_na { prop_oneof![1 => Just(Rating::NotApplicable), 4 => values].boxed() } else { values.boxed() }
}

fn any_ratings() -> impl Strategy<Value = Vec<(String, Rating)>> {
    let card = scorecard();
    let strategies: Vec<_> = card
        .criteria()
        .map(|(_, c)| {
            let id = c.id().to_owned();
            any_rating(c.scale(), c.allows_na()).prop_map(move |r| (id.clone(), r))
        })
        .collect();
    strategies
}

proptest! {
    #[test]
    fn scores_are_bounded_and_order_free(r in any_ratings(), rotate in 0usize..6) {
        let card = scorecard();
        let e = score(&card, &r).unwrap();
        prop_assert!((0.0..=100.0).contains(&e.score));
        prop_assert!((0.0..=100.0).contains(&e.raw_score));
        prop_assert!(!e.critical_failed || e.score == 0.0);
        prop_assert_eq!(e.critical_failed, r[1].1 == Rating::Value(0));
        let mut turned = r.clone();
        turned.rotate_left(rotate);
        prop_assert_eq!(score(&card, &turned).unwrap(), e.clone());
        // Without a failed section, the raw score lies between the lowest and
        // highest applicable criterion scores.
        if !e.sections.iter().any(|s| s.failed) {
            let applicable: Vec<f64> = e.criteria.iter().filter_map(|c| c.score).collect();
            let low = applicable.iter().copied().fold(f64::INFINITY, f64::min);
            let high = applicable.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            prop_assert!(e.raw_score >= low - 1e-9 && e.raw_score <= high + 1e-9);
        }
    }

    #[test]
    fn na_drops_out(r in any_ratings()) {
        // Rating writing N/A equals the weighted mean of the other criteria.
        let card = scorecard();
        let mut without = r.clone();
        without[5].1 = Rating::NotApplicable;
        let e = score(&card, &without).unwrap();
        if !e.sections.iter().any(|s| s.failed) {
            let (sum, weight) = e.criteria.iter().filter_map(|c| c.score.map(|s| (s * c.weight, c.weight)))
                .fold((0.0, 0.0), |(a, b), (s, w)| (a + s, b + w));
            prop_assert!((e.raw_score - sum / weight).abs() < 1e-9);
        }
    }
}
