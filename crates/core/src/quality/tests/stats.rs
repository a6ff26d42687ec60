//! QA statistics: intervals, the small-sample flag, failure rates, skills gaps
//! and sample sizes.

use proptest::prelude::*;

use super::fixtures::{ratings, scorecard};
use crate::quality::{
    Evaluation, GapRule, Margin, ReliableFrom, failure_rates, sample_size_for_precision, score, skills_gaps, summarise,
    t_quantile,
};

#[test]
fn summary_uses_t_and_flags_small_samples() {
    let s = summarise(&[80.0, 90.0, 70.0, 85.0, 75.0], ReliableFrom::default()).unwrap();
    assert_eq!(s.n, 5);
    assert!((s.mean - 80.0).abs() < 1e-12);
    let sd = 62.5_f64.sqrt();
    assert!((s.sd.unwrap() - sd).abs() < 1e-12);
    // t(0.975, 4) = 2.776445105197799.
    let half = 2.776_445_105_197_799 * sd / 5.0_f64.sqrt();
    assert!((s.lower.unwrap() - (80.0 - half)).abs() < 1e-9);
    assert!((s.upper.unwrap() - (80.0 + half)).abs() < 1e-9);
    assert!(s.reliable);
    assert!(!summarise(&[80.0, 90.0, 70.0, 85.0], ReliableFrom::default()).unwrap().reliable);
    let one = summarise(&[60.0], ReliableFrom::default()).unwrap();
    assert_eq!((one.sd, one.lower, one.upper, one.reliable), (None, None, None, false));
    assert_eq!(summarise(&[], ReliableFrom::default()), None);
    let wide = summarise(&[0.0, 100.0], ReliableFrom::parse("n", 2).unwrap()).unwrap();
    assert_eq!((wide.lower, wide.upper, wide.reliable), (Some(0.0), Some(100.0), true));
}

#[test]
fn parameters_are_checked() {
    assert!(ReliableFrom::parse("n", 1).is_err());
    assert!(Margin::parse("margin", 0.0).is_err());
    assert!(Margin::parse("margin", f64::NAN).is_err());
    assert!(GapRule::new(0, 0.2).is_err());
    assert!(GapRule::new(3, 1.0).is_err());
    assert!(GapRule::new(3, -0.1).is_err());
}

#[test]
fn sample_size_worked_example() {
    // s = 10, E = 5: normal theory gives ⌈(1.96·10/5)²⌉ = 16, but
    // t(0.975, 15)·10/4 = 5.33 and t(0.975, 16)·10/√17 = 5.14 are too wide;
    // t(0.975, 17)·10/√18 = 4.97 is the first within ±5.
    let m = Margin::parse("margin", 5.0).unwrap();
    assert_eq!(sample_size_for_precision(10.0, m, 5), 18);
    assert_eq!(sample_size_for_precision(0.0, m, 5), 5);
    assert_eq!(sample_size_for_precision(f64::NAN, m, 0), 2);
    assert_eq!(sample_size_for_precision(1.0, m, 30), 30);
}

proptest! {
    #[test]
    fn sample_size_is_the_smallest_that_meets_the_margin(sd in 0.0f64..50.0, margin in 1.0f64..20.0, minimum in 0u32..10) {
        let m = Margin::parse("margin", margin).unwrap();
        let n = sample_size_for_precision(sd, m, minimum);
        let width = |n: u32| t_quantile(0.975, f64::from(n) - 1.0) * sd / f64::from(n).sqrt();
        prop_assert!(n >= minimum.max(2));
        prop_assert!(width(n) <= margin);
        if n > minimum.max(2) {
            prop_assert!(width(n - 1) > margin);
        }
    }
}

fn evaluations(rows: &[[Option<u8>; 6]]) -> Vec<Evaluation> {
    let card = scorecard();
    rows.iter().map(|r| score(&card, &ratings(*r)).unwrap()).collect()
}

#[test]
fn failure_rates_and_skills_gaps() {
    // Empathy rated 1 (failed) in 3 of 5, N/A once; writing failed once in 6.
    let mut rows = vec![[Some(1), Some(1), Some(4), Some(3), Some(1), Some(5)]; 3];
    rows.push([Some(1), Some(1), Some(4), Some(3), Some(3), Some(1)]);
    rows.push([Some(1), Some(1), Some(4), Some(3), Some(4), Some(5)]);
    rows.push([Some(1), Some(1), Some(4), Some(3), None, Some(5)]);
    let evals = evaluations(&rows);
    let rates = failure_rates(&evals);
    let empathy = rates.iter().find(|r| r.criterion_id == "empathy").unwrap();
    assert_eq!((empathy.failed, empathy.applicable), (3, 5));
    assert!((empathy.rate.unwrap().value - 0.6).abs() < 1e-12);
    let writing = rates.iter().find(|r| r.criterion_id == "writing").unwrap();
    assert_eq!((writing.failed, writing.applicable), (1, 6));
    let gaps = skills_gaps(&evals, GapRule::default());
    assert_eq!(gaps.len(), 1);
    assert_eq!(gaps[0].skill, "empathy");
    assert_eq!(gaps[0].criteria, vec!["empathy".to_string()]);
    assert_eq!((gaps[0].failed, gaps[0].applicable), (3, 5));
    // Too few evaluations: no gap yet.
    assert!(skills_gaps(&evals, GapRule::new(6, 0.2).unwrap()).is_empty());
    // A lower threshold catches writing too (1/6 > 0.1).
    let gaps = skills_gaps(&evals, GapRule::new(5, 0.1).unwrap());
    assert_eq!(gaps.iter().map(|g| g.skill.as_str()).collect::<Vec<_>>(), ["empathy", "writing"]);
}
