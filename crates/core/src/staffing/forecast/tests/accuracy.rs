//! WAPE and bias on small examples worked by hand.

use super::*;

#[test]
fn wape_and_bias_on_a_hand_example() {
    // Errors (forecast − actual): +2, −5, skipped, 0. Σ|e| = 7, Σe = −3, Σ actual = 60.
    let a = Accuracy::measure(&[Some(10.0), Some(20.0), None, Some(30.0)], &[12.0, 15.0, 100.0, 30.0]);
    assert_eq!(a.intervals, 3);
    assert_eq!(a.actual_total, 60.0);
    assert_eq!(a.absolute_error_total, 7.0);
    assert_eq!(a.error_total, -3.0);
    assert_eq!(a.wape(), Some(7.0 / 60.0));
    assert_eq!(a.bias(), Some(-0.05));
    assert_eq!(a.mean_absolute_error(), Some(7.0 / 3.0));
}

#[test]
fn over_forecasting_is_positive_bias() {
    // Errors +10 and +30 on 200 contacts.
    let a = Accuracy::measure(&[Some(100.0), Some(100.0)], &[110.0, 130.0]);
    assert_eq!(a.wape(), Some(0.2));
    assert_eq!(a.bias(), Some(0.2));
    // Errors of opposite sign cancel in the bias but not in WAPE.
    let b = Accuracy::measure(&[Some(100.0), Some(100.0)], &[110.0, 90.0]);
    assert_eq!(b.wape(), Some(0.1));
    assert_eq!(b.bias(), Some(0.0));
}

#[test]
fn combining_weeks_pools_their_intervals() {
    let first = Accuracy::measure(&[Some(10.0)], &[15.0]);
    let second = Accuracy::measure(&[Some(90.0)], &[90.0]);
    let both = first.combine(second);
    // Pooled: 5 / 100, not the mean of 50% and 0%.
    assert_eq!(both.wape(), Some(0.05));
    assert_eq!(both.intervals, 2);
}

#[test]
fn nothing_happened_means_no_percentage() {
    let a = Accuracy::measure(&[Some(0.0), Some(0.0)], &[1.0, 0.0]);
    assert_eq!(a.wape(), None);
    assert_eq!(a.bias(), None);
    assert_eq!(a.absolute_error_total, 1.0);
    assert_eq!(Accuracy::measure(&[None], &[1.0]).mean_absolute_error(), None);
}
