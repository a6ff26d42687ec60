//! Properties for any history: forecasts are finite and never negative.

use proptest::prelude::*;

use super::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn forecasts_are_finite_and_not_negative(
        weeks in 2usize..4,
        scale in 0.0f64..500.0,
        noise in proptest::collection::vec(0.0f64..1.0, 168),
        gaps in proptest::collection::vec(any::<bool>(), 168),
        excluded_day in proptest::option::of(0i64..14),
        horizon in 1usize..400,
    ) {
        // Random shapes, some zero, some missing, with a random level.
        let values = (0..weeks * 168)
            .map(|t| {
                let v = scale * noise[(t * 31 + t / 168) % 168] * noise[t % 168];
                (!gaps[(t * 7) % 168]).then_some(v)
            })
            .collect::<Vec<_>>();
        let series = Series::new(monday(), IntervalMinutes::Sixty, values).unwrap();
        let special = excluded_day.map(day).into_iter().collect::<SpecialDays>();
        for method in Method::all(NonZeroUsize::new(2).unwrap()) {
            match forecast(&series, &special, method, horizon) {
                Ok(f) => {
                    prop_assert_eq!(f.values.len(), horizon);
                    prop_assert!(f.values.iter().all(|v| v.is_finite() && *v >= 0.0), "{}", method);
                }
                // Refusals must say why in words, never panic.
                Err(e) => prop_assert!(!e.to_string().is_empty()),
            }
        }
    }
}
