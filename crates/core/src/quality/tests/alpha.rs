//! Krippendorff's alpha against his published worked examples, an independent
//! pairwise implementation of the definition, and known properties.

use proptest::prelude::*;

use crate::quality::{Metric, krippendorff_alpha};

/// Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section
/// C: four observers, twelve units, values 1–5, with missing data. Written as
/// in the paper (observers × units) and transposed to units × coders.
fn published_matrix() -> Vec<Vec<Option<f64>>> {
    const M: i32 = 0;
    let observers: [[i32; 12]; 4] = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, M, M, M],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, M, 3],
        [M, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, M],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, M],
    ];
    (0..12).map(|u| observers.iter().map(|o| (o[u] != M).then(|| f64::from(o[u]))).collect()).collect()
}

#[test]
fn krippendorff_published_example() {
    // Exact values, derived by hand from the coincidence matrix and checked
    // with Python's `fractions`. Unit 12 has one value and drops out, leaving
    // n = 40 pairable values with margins n_1..n_5 = 9, 13, 10, 5, 3, and
    // α = 1 − (n − 1) · Σ o_ck δ_ck / Σ n_c n_k δ_ck:
    //   nominal:  Σ oδ = 8,       Σ nnδ = 1216    → 1 − 39·8/1216      = 113/152       ≈ 0.743
    //   ordinal:  Σ oδ = 1891,    Σ nnδ = 399480  → 1 − 39·1891/399480 = 108577/133160 ≈ 0.815
    //   interval: Σ oδ = 52/3,    Σ nnδ = 4480    → 1 − 39·(52/3)/4480 = 951/1120      ≈ 0.849
    // matching the paper's α_nominal = 0.743, α_ordinal = 0.815, α_interval = 0.849.
    let data = published_matrix();
    let cases = [
        (Metric::Nominal, 113.0 / 152.0),
        (Metric::Ordinal, 108_577.0 / 133_160.0),
        (Metric::Interval, 951.0 / 1120.0),
    ];
    for (metric, expected) in cases {
        let a = krippendorff_alpha(&data, metric).unwrap();
        assert_eq!(a.pairable, 40);
        assert_eq!(a.units, 11);
        let alpha = a.alpha.unwrap();
        assert!((alpha - expected).abs() < 1e-9, "{metric:?}: {alpha} vs {expected}");
        assert!((alpha - brute_force(&data, metric).unwrap()).abs() < 1e-9);
    }
}

#[test]
fn krippendorff_binary_example() {
    // Section A of the same paper: two observers, ten units, binary data,
    // α = 0.095. Four units disagree, so Σ oδ = 8; n = 20 with n_0 = 14,
    // n_1 = 6, so Σ nnδ = 2·14·6 = 168, and α = 1 − 19·8/168 = 2/21 exactly.
    let a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0];
    let b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0];
    let data: Vec<Vec<Option<f64>>> =
        a.iter().zip(b).map(|(&x, y)| vec![Some(f64::from(x)), Some(f64::from(y))]).collect();
    let alpha = krippendorff_alpha(&data, Metric::Nominal).unwrap().alpha.unwrap();
    assert!((alpha - 2.0 / 21.0).abs() < 1e-9, "{alpha}");
}

#[test]
fn perfect_agreement_is_one_and_systematic_disagreement_is_negative() {
    let agree: Vec<Vec<Option<f64>>> = (1..=5).map(|v| vec![Some(f64::from(v)); 3]).collect();
    for metric in [Metric::Nominal, Metric::Ordinal, Metric::Interval] {
        assert_eq!(krippendorff_alpha(&agree, metric).unwrap().alpha, Some(1.0));
    }
    // Two coders who always give opposite answers.
    let opposite: Vec<Vec<Option<f64>>> =
        (0..6).map(|i| if i % 2 == 0 { vec![Some(1.0), Some(0.0)] } else { vec![Some(0.0), Some(1.0)] }).collect();
    for metric in [Metric::Nominal, Metric::Ordinal, Metric::Interval] {
        assert!(krippendorff_alpha(&opposite, metric).unwrap().alpha.unwrap() < 0.0);
    }
}

#[test]
fn no_variation_or_no_pairs() {
    let same = vec![vec![Some(2.0), Some(2.0)], vec![Some(2.0), None]];
    let a = krippendorff_alpha(&same, Metric::Interval).unwrap();
    assert_eq!(a.alpha, None);
    assert_eq!(a.observed, 0.0);
    let lonely = vec![vec![Some(1.0), None], vec![None, Some(2.0)], vec![Some(f64::NAN), Some(3.0)]];
    assert_eq!(krippendorff_alpha(&lonely, Metric::Nominal), None);
    assert_eq!(krippendorff_alpha(&[], Metric::Nominal), None);
}

/// The definition, written pair by pair without a coincidence matrix:
/// D_o = (1/n) Σ_units 1/(m_u − 1) Σ_{i≠j in u} δ(v_i, v_j) and
/// D_e = 1/(n(n − 1)) Σ_{i≠j among all pairable values} δ(v_i, v_j), where the
/// ordinal δ counts, from the list of pairable values itself, those ranked
/// from one value to the other less half of each end.
fn brute_force(data: &[Vec<Option<f64>>], metric: Metric) -> Option<f64> {
    let units: Vec<Vec<f64>> =
        data.iter().map(|r| r.iter().flatten().copied().collect::<Vec<_>>()).filter(|u| u.len() > 1).collect();
    let all: Vec<f64> = units.iter().flatten().copied().collect();
    let n = all.len() as f64;
    let count = |v: f64| all.iter().filter(|&&x| x == v).count() as f64;
    let delta = |a: f64, b: f64| -> f64 {
        match metric {
            Metric::Nominal => {
                if a == b {
                    0.0
                } else {
                    1.0
                }
            }
            Metric::Interval => (a - b) * (a - b),
            Metric::Ordinal => {
                let (low, high) = if a < b { (a, b) } else { (b, a) };
                let inside = all.iter().filter(|&&x| x >= low && x <= high).count() as f64;
                let d = inside - (count(low) + count(high)) / 2.0;
                d * d
            }
        }
    };
    let mut observed = 0.0;
    for u in &units {
        let m = u.len() as f64;
        for i in 0..u.len() {
            for j in 0..u.len() {
                if i != j {
                    observed += delta(u[i], u[j]) / (m - 1.0);
                }
            }
        }
    }
    let mut expected = 0.0;
    for i in 0..all.len() {
        for j in 0..all.len() {
            if i != j {
                expected += delta(all[i], all[j]);
            }
        }
    }
    let (observed, expected) = (observed / n, expected / (n * (n - 1.0)));
    (expected > 0.0).then(|| 1.0 - observed / expected)
}

fn reliability_data() -> impl Strategy<Value = Vec<Vec<Option<f64>>>> {
    (2usize..5).prop_flat_map(|coders| {
        prop::collection::vec(
            prop::collection::vec(prop::option::weighted(0.8, (1u8..=5).prop_map(f64::from)), coders),
            1..12,
        )
    })
}

proptest! {
    #[test]
    fn agrees_with_the_pairwise_definition(data in reliability_data()) {
        for metric in [Metric::Nominal, Metric::Ordinal, Metric::Interval] {
            let fast = krippendorff_alpha(&data, metric).and_then(|a| a.alpha);
            let slow = brute_force(&data, metric);
            match (fast, slow) {
                (Some(a), Some(b)) => prop_assert!((a - b).abs() < 1e-9, "{:?} {} {}", metric, a, b),
                (None, None) => {}
                other => prop_assert!(false, "{:?}: {:?}", metric, other),
            }
            if let Some(a) = fast {
                prop_assert!(a <= 1.0 + 1e-12);
            }
        }
    }

    #[test]
    fn coder_order_does_not_matter(data in reliability_data()) {
        let flipped: Vec<Vec<Option<f64>>> = data.iter().map(|r| r.iter().rev().copied().collect()).collect();
        for metric in [Metric::Nominal, Metric::Ordinal, Metric::Interval] {
            let a = krippendorff_alpha(&data, metric).and_then(|a| a.alpha);
            let b = krippendorff_alpha(&flipped, metric).and_then(|a| a.alpha);
            prop_assert_eq!(a.map(|x| (x * 1e9).round()), b.map(|x| (x * 1e9).round()));
        }
    }
}
