//! Calibration sessions: alpha per criterion, severity and leniency, ranking.

use super::fixtures::{ratings, scorecard};
use crate::quality::{CalibrationRating, Metric, TENTATIVE_ALPHA, calibrate, score};

fn session(rows: &[(&str, &str, [Option<u8>; 6])]) -> Vec<CalibrationRating> {
    let card = scorecard();
    rows.iter()
        .map(|(contact, evaluator, r)| CalibrationRating {
            contact_id: (*contact).into(),
            evaluator: (*evaluator).into(),
            evaluation: score(&card, &ratings(*r)).unwrap(),
        })
        .collect()
}

#[test]
fn calibration_report() {
    // Three evaluators, three contacts. They agree on greet, idv and
    // accuracy; on empathy Cara always gives 4 whatever the others say.
    let s = session(&[
        ("c1", "ana", [Some(1), Some(1), Some(5), Some(4), Some(1), None]),
        ("c1", "ben", [Some(1), Some(1), Some(5), Some(4), Some(1), None]),
        ("c1", "cara", [Some(1), Some(1), Some(5), Some(4), Some(4), None]),
        ("c2", "ana", [Some(1), Some(1), Some(3), Some(2), Some(2), None]),
        ("c2", "ben", [Some(1), Some(1), Some(3), Some(3), Some(2), None]),
        ("c2", "cara", [Some(1), Some(1), Some(3), Some(2), Some(4), None]),
        ("c3", "ana", [Some(0), Some(1), Some(2), Some(2), Some(4), None]),
        ("c3", "ben", [Some(0), Some(1), Some(2), Some(2), Some(4), None]),
        ("c3", "cara", [Some(0), Some(1), Some(2), Some(2), Some(4), None]),
    ]);
    let report = calibrate(&scorecard(), &s, &[], TENTATIVE_ALPHA).unwrap();
    let find = |id: &str| report.criteria.iter().find(|c| c.criterion_id == id).unwrap();
    assert_eq!(find("greet").metric, Metric::Nominal);
    assert_eq!(find("greet").alpha.unwrap().alpha, Some(1.0));
    assert_eq!(find("accuracy").metric, Metric::Ordinal);
    assert_eq!(find("accuracy").alpha.unwrap().alpha, Some(1.0));
    // idv: everyone said yes everywhere; no variation, so no alpha.
    assert_eq!(find("idv").alpha.unwrap().alpha, None);
    assert!(find("empathy").high_disagreement);
    assert!(!find("greet").high_disagreement);
    // writing was N/A throughout: no pairable values.
    assert_eq!(find("writing").alpha, None);
    // Most disagreement first: empathy, then ownership.
    assert_eq!(report.criteria[0].criterion_id, "empathy");
    assert_eq!(report.criteria[1].criterion_id, "ownership");
    let ordered: Vec<f64> = report.criteria.iter().filter_map(|c| c.alpha.and_then(|a| a.alpha)).collect();
    assert!(ordered.windows(2).all(|w| w[0] <= w[1]));
    // Cara is the most lenient; deviations sum to zero against the mean.
    let total: f64 = report.evaluators.iter().map(|e| e.mean_deviation).sum();
    assert!(total.abs() < 1e-9);
    let cara = report.evaluators.iter().find(|e| e.evaluator == "cara").unwrap();
    assert!(report.evaluators.iter().all(|e| e.mean_deviation <= cara.mean_deviation));
    assert_eq!(cara.contacts, 3);
    assert!(report.overall.unwrap().alpha.is_some());
    assert!(report.items.unwrap().alpha.unwrap() < 1.0);
}

#[test]
fn agreed_scores_set_the_reference() {
    let s = session(&[
        ("c1", "ana", [Some(1), Some(1), Some(5), Some(4), Some(4), None]),
        ("c1", "ben", [Some(0), Some(1), Some(5), Some(4), Some(4), None]),
    ]);
    let ana = s[0].evaluation.score;
    let ben = s[1].evaluation.score;
    let report = calibrate(&scorecard(), &s, &[("c1".into(), ana)], TENTATIVE_ALPHA).unwrap();
    let dev = |name: &str| report.evaluators.iter().find(|e| e.evaluator == name).unwrap().mean_deviation;
    assert!(dev("ana").abs() < 1e-12);
    assert!((dev("ben") - (ben - ana)).abs() < 1e-12);
    assert!(dev("ben") < 0.0, "ben is severe");
}

#[test]
fn bad_sessions_are_rejected() {
    let mut s = session(&[
        ("c1", "ana", [Some(1), Some(1), Some(5), Some(4), Some(4), None]),
        ("c1", "ana", [Some(1), Some(1), Some(5), Some(4), Some(4), None]),
    ]);
    s[0].evaluation.scorecard_version = 2;
    let errors = calibrate(&scorecard(), &s, &[], TENTATIVE_ALPHA).unwrap_err();
    assert!(errors.for_field("ratings[0]").unwrap().contains("version 2"));
    assert!(errors.for_field("ratings[1]").unwrap().contains("more than once"));
}
