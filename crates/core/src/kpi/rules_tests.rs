use super::*;

fn fired(signals: &[Signal], rule: RuleId) -> Vec<Vec<usize>> {
    signals.iter().filter(|s| s.rule == rule).map(|s| s.points.clone()).collect()
}

#[test]
fn noise_raises_nothing() {
    let z = [0.3, -0.5, 0.8, -0.2, 0.1, -0.9, 0.4, -0.4, 1.2, -1.1];
    assert!(western_electric(&z).is_empty());
    assert!(nelson(&z).is_empty());
    assert!(western_electric(&[]).is_empty());
    assert!(nelson(&[]).is_empty());
}

#[test]
fn one_point_beyond_three_sigma() {
    let z = [0.0, 3.0, -3.01, 0.5, 3.5];
    let signals = western_electric(&z);
    assert_eq!(fired(&signals, RuleId::We1), [vec![2], vec![4]]);
    assert_eq!(fired(&nelson(&z), RuleId::N1), [vec![2], vec![4]]);
}

#[test]
fn two_of_three_beyond_two_sigma_on_one_side() {
    let z = [0.0, 2.1, 0.5, 2.2, 0.0, 0.0, -2.5, 2.5, 0.0];
    let signals = western_electric(&z);
    // Points 1 and 3 lie within a window of three; 6 and 7 are opposite sides.
    assert_eq!(fired(&signals, RuleId::We2), [vec![1, 3]]);
    assert_eq!(fired(&nelson(&z), RuleId::N5), [vec![1, 3]]);
    // At the very start two points suffice.
    assert_eq!(fired(&western_electric(&[-2.5, -2.1]), RuleId::We2), [vec![0, 1]]);
}

#[test]
fn four_of_five_beyond_one_sigma_merge_when_overlapping() {
    let z = [1.5, 1.2, 0.0, 1.1, 1.9, 1.3, 0.0, 0.0, 0.0, 0.0, 0.0];
    let signals = western_electric(&z);
    assert_eq!(fired(&signals, RuleId::We3), [vec![0, 1, 3, 4, 5]]);
    let three_only = [1.5, 1.2, 0.0, 1.1, 0.0];
    assert!(fired(&western_electric(&three_only), RuleId::We3).is_empty());
}

#[test]
fn runs_on_one_side() {
    let mut z = vec![0.5; 8];
    z.push(-0.1);
    let we = western_electric(&z);
    assert_eq!(fired(&we, RuleId::We4), [(0..8).collect::<Vec<_>>()]);
    // Eight is not enough for Nelson's nine.
    assert!(fired(&nelson(&z), RuleId::N2).is_empty());
    let mut nine = vec![-0.2; 9];
    nine.insert(4, 0.0); // a point on the centre line breaks the run
    assert!(fired(&nelson(&nine), RuleId::N2).is_empty());
    assert_eq!(fired(&nelson(&[-0.2; 9]), RuleId::N2), [(0..9).collect::<Vec<_>>()]);
}

#[test]
fn six_in_a_row_trending() {
    let up = [0.0, -0.5, -0.4, -0.3, 0.0, 0.2, 0.4, 0.3];
    assert_eq!(fired(&nelson(&up), RuleId::N3), [vec![1, 2, 3, 4, 5, 6]]);
    let five = [-0.4, -0.3, 0.0, 0.2, 0.4];
    assert!(fired(&nelson(&five), RuleId::N3).is_empty());
    let level = [0.1, 0.2, 0.3, 0.3, 0.4, 0.5, 0.6];
    assert!(fired(&nelson(&level), RuleId::N3).is_empty());
    let down = [0.9, 0.7, 0.5, 0.3, 0.1, -0.1];
    assert_eq!(fired(&nelson(&down), RuleId::N3), [vec![0, 1, 2, 3, 4, 5]]);
}

#[test]
fn fourteen_alternating() {
    let zigzag: Vec<f64> = (0..14).map(|i| if i % 2 == 0 { 0.5 } else { -0.5 }).collect();
    assert_eq!(fired(&nelson(&zigzag), RuleId::N4), [(0..14).collect::<Vec<_>>()]);
    assert!(fired(&nelson(&zigzag[..13]), RuleId::N4).is_empty());
    // Starting with a step down works the same.
    let mut shifted = vec![0.9];
    shifted.extend(zigzag.iter().skip(1));
    shifted.push(0.5);
    assert_eq!(fired(&nelson(&shifted), RuleId::N4), [(0..15).collect::<Vec<_>>()]);
}

#[test]
fn fifteen_hugging_the_centre() {
    let hug: Vec<f64> = (0..15).map(|i| if i % 3 == 0 { 1.0 } else { -0.3 }).collect();
    assert_eq!(fired(&nelson(&hug), RuleId::N7), [(0..15).collect::<Vec<_>>()]);
    assert!(fired(&nelson(&hug[..14]), RuleId::N7).is_empty());
}

#[test]
fn eight_avoiding_the_centre_on_both_sides() {
    let z = [1.5, -1.5, 1.2, -1.2, 1.1, -1.3, 1.4, -1.6];
    assert_eq!(fired(&nelson(&z), RuleId::N8), [(0..8).collect::<Vec<_>>()]);
    // All on one side is a different signal, not N8.
    assert!(fired(&nelson(&[1.5; 8]), RuleId::N8).is_empty());
    // Exactly 1σ counts as within.
    let touching = [1.5, -1.5, 1.2, -1.0, 1.1, -1.3, 1.4, -1.6];
    assert!(fired(&nelson(&touching), RuleId::N8).is_empty());
}

#[test]
fn ids_are_stable() {
    assert_eq!(RuleId::We2.as_str(), "WE2");
    assert_eq!(RuleId::N8.as_str(), "N8");
    assert!(RuleId::N3.description().contains("6 points"));
    assert_eq!(detect(RuleSet::Nelson, &[4.0])[0].rule, RuleId::N1);
}
