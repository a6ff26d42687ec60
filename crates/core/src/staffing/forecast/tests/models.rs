//! Each method on a series whose right answer is known.

use super::*;

#[test]
fn seasonal_naive_repeats_a_pure_weekly_pattern_exactly() {
    let series = hourly(&weeks_of(3, pattern));
    let f = forecast(&series, &SpecialDays::none(), Method::SeasonalNaive, 2 * 168).unwrap();
    assert_eq!(f.fitted, Fitted::SeasonalNaive(Season::Week));
    let expected = (3 * 168..5 * 168).map(pattern).collect::<Vec<_>>();
    assert_eq!(f.values, expected);
    assert_eq!(f.start, date(2026, 1, 26).at(0, 0, 0, 0));
}

#[test]
fn seasonal_naive_uses_yesterday_with_under_two_weeks() {
    // Ten days: day d holds the value d in every interval, so the season shows.
    let values = (0..10 * 24).map(|t| (t / 24) as f64).collect::<Vec<_>>();
    let f = forecast(&hourly(&values), &SpecialDays::none(), Method::SeasonalNaive, 30).unwrap();
    assert_eq!(f.fitted, Fitted::SeasonalNaive(Season::Day));
    assert!(f.values.iter().all(|v| *v == 9.0), "{:?}", f.values);
}

#[test]
fn seasonal_naive_steps_over_an_excluded_day_to_the_week_before() {
    let mut values = weeks_of(3, pattern);
    // Week 3's Monday (days 14) was a bank holiday with almost nothing.
    for v in &mut values[14 * 24..15 * 24] {
        *v = 0.5;
    }
    let special = [day(14)].into_iter().collect::<SpecialDays>();
    let f = forecast(&hourly(&values), &special, Method::SeasonalNaive, 24).unwrap();
    assert_eq!(f.values, (0..24).map(pattern).collect::<Vec<_>>());
}

#[test]
fn week_average_is_the_mean_of_the_same_interval() {
    // Week w holds the value 10·(w + 1) everywhere: the last two weeks average 25.
    let values = weeks_of(3, |t| 10.0 * (t / 168 + 1) as f64);
    let series = hourly(&values);
    let two = forecast(&series, &SpecialDays::none(), average(2), 168).unwrap();
    assert!(two.values.iter().all(|v| *v == 25.0));
    let three = forecast(&series, &SpecialDays::none(), average(3), 5).unwrap();
    assert!(three.values.iter().all(|v| *v == 20.0));
    // An excluded day in the last week is replaced by the week before it.
    let special = [day(20)].into_iter().collect::<SpecialDays>();
    let skipped = forecast(&series, &special, average(2), 168).unwrap();
    assert_eq!(skipped.values[6 * 24], 15.0);
    assert_eq!(skipped.values[5 * 24], 25.0);
}

#[test]
fn week_average_needs_its_weeks_and_says_so() {
    let error = forecast(&hourly(&weeks_of(3, pattern)), &SpecialDays::none(), average(4), 1).unwrap_err();
    assert_eq!(
        error.to_string(),
        "The 4-week average needs at least 4 weeks of history to average over, \
         but there is only 3 weeks."
    );
}

#[test]
fn week_average_names_an_interval_with_nothing_to_go_on() {
    // Every Sunday excluded: the average has no Sunday to average.
    let special = [day(6), day(13)].into_iter().collect::<SpecialDays>();
    let error = forecast(&hourly(&weeks_of(2, pattern)), &special, average(2), 168).unwrap_err();
    assert_eq!(
        error,
        ForecastError::NoUsableHistory { method: "The 2-week average".into(), at: date(2026, 1, 25).at(0, 0, 0, 0) }
    );
    // Seasonal naive falls back to the same time on the latest usable day.
    let f = forecast(&hourly(&weeks_of(2, pattern)), &special, Method::SeasonalNaive, 168).unwrap();
    assert_eq!(f.values[6 * 24 + 10], pattern(5 * 24 + 10));
}

/// Weekly pattern on a level rising by 0.05 contacts an hour (8.4 a week).
fn trending(t: usize) -> f64 {
    20.0 + 0.05 * t as f64 + pattern(t)
}

/// The same with deterministic noise of up to ±2 contacts.
fn noisy_trending(t: usize) -> f64 {
    trending(t) + ((t * 7919 % 101) as f64 / 100.0 - 0.5) * 4.0
}

#[test]
fn holt_winters_follows_trend_and_season() {
    let history = weeks_of(6, noisy_trending);
    let series = hourly(&history);
    let f = forecast(&series, &SpecialDays::none(), Method::HoltWinters(Seasonality::Additive), 168).unwrap();
    let actual = (6 * 168..7 * 168).map(|t| Some(noisy_trending(t))).collect::<Vec<_>>();
    let hw = Accuracy::measure(&actual, &f.values).wape().unwrap();
    let naive = forecast(&series, &SpecialDays::none(), Method::SeasonalNaive, 168).unwrap();
    let naive = Accuracy::measure(&actual, &naive.values).wape().unwrap();
    assert!(hw < 0.03, "Holt-Winters WAPE {hw}");
    assert!(naive > 2.0 * hw, "seasonal naive WAPE {naive} against {hw}");
    let Fitted::HoltWinters(s) = f.fitted else { panic!("{:?}", f.fitted) };
    for p in [s.alpha, s.beta, s.weekly] {
        assert!((0.0..=1.0).contains(&p));
    }
}

#[test]
fn multiplicative_holt_winters_needs_positive_values() {
    let error = forecast(
        &hourly(&weeks_of(3, pattern)),
        &SpecialDays::none(),
        Method::HoltWinters(Seasonality::Multiplicative),
        1,
    )
    .unwrap_err();
    assert!(matches!(error, ForecastError::NotApplicable { .. }), "{error}");
}

#[test]
fn multiplicative_holt_winters_scales_the_season_with_the_level() {
    // Season swings grow with a level that rises 2% a week.
    let value = |t: usize| (1.0 + 0.02 * t as f64 / 168.0) * (10.0 + pattern(t));
    let series = hourly(&weeks_of(6, value));
    let method = Method::HoltWinters(Seasonality::Multiplicative);
    let f = forecast(&series, &SpecialDays::none(), method, 168).unwrap();
    let actual = (6 * 168..7 * 168).map(|t| Some(value(t))).collect::<Vec<_>>();
    let wape = Accuracy::measure(&actual, &f.values).wape().unwrap();
    assert!(wape < 0.01, "multiplicative WAPE {wape}");
}

#[test]
fn double_seasonal_follows_trend_and_both_seasons() {
    let series = hourly(&weeks_of(6, noisy_trending));
    let f = forecast(&series, &SpecialDays::none(), Method::DoubleSeasonal, 168).unwrap();
    let actual = (6 * 168..7 * 168).map(|t| Some(noisy_trending(t))).collect::<Vec<_>>();
    let wape = Accuracy::measure(&actual, &f.values).wape().unwrap();
    assert!(wape < 0.04, "double seasonal WAPE {wape}");
    assert!(matches!(f.fitted, Fitted::HoltWinters(Smoothing { daily: Some(_), .. })));
}

#[test]
fn holt_winters_needs_two_weeks_and_says_how_much_it_has() {
    let series = hourly(&(0..10 * 24 + 5).map(pattern).collect::<Vec<_>>());
    let error = forecast(&series, &SpecialDays::none(), Method::HoltWinters(Seasonality::Additive), 1).unwrap_err();
    assert_eq!(
        error.to_string(),
        "Holt-Winters (additive, weekly) needs at least 2 weeks of history to set up its \
         weekly season, but there is only 1 week, 3 days, 5 60-minute intervals."
    );
}

#[test]
fn a_falling_trend_is_clipped_at_zero() {
    let falling = |t: usize| (200.0 - 0.5 * t as f64 + pattern(t) / 4.0).max(0.0);
    let series = hourly(&weeks_of(2, falling));
    for method in [Method::HoltWinters(Seasonality::Additive), Method::DoubleSeasonal] {
        let f = forecast(&series, &SpecialDays::none(), method, 2 * 168).unwrap();
        assert!(f.values.iter().all(|v| *v >= 0.0));
        assert!(f.values.iter().filter(|v| **v == 0.0).count() > 100, "{method}");
    }
}

#[test]
fn series_accepts_only_sound_values_and_aligned_starts() {
    let bad = Series::from_values(monday(), IntervalMinutes::Fifteen, &[1.0, -2.0]).unwrap_err();
    assert_eq!(bad.field, "values");
    assert!(bad.message.contains("2026-01-05T00:15:00"), "{}", bad.message);
    assert!(Series::from_values(monday(), IntervalMinutes::Fifteen, &[f64::NAN]).is_err());
    let late = date(2026, 1, 5).at(9, 10, 0, 0);
    assert_eq!(Series::from_values(late, IntervalMinutes::Fifteen, &[1.0]).unwrap_err().field, "start");
    assert_eq!(IntervalMinutes::parse("interval", "30").unwrap().per_day(), 48);
    assert_eq!(IntervalMinutes::parse("interval", "15").unwrap().per_week(), 672);
    assert!(IntervalMinutes::parse("interval", "20").is_err());
    assert!(IntervalMinutes::parse("interval", "x").is_err());
}

#[test]
fn special_days_follow_the_calendar_from_a_mid_day_start() {
    // Starting at 22:00 on Monday, intervals 2.. fall on Tuesday.
    let start = date(2026, 1, 5).at(22, 0, 0, 0);
    let series = Series::from_values(start, IntervalMinutes::Sixty, &[1.0; 30]).unwrap();
    let special = [day(1)].into_iter().collect::<SpecialDays>();
    let obs = series.observations(&special);
    assert_eq!(obs[..2], [Some(1.0), Some(1.0)]);
    assert!(obs[2..26].iter().all(Option::is_none));
    assert_eq!(obs[26], Some(1.0));
}
