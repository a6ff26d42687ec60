//! Backtesting on held-out weeks, choosing a method and explaining the choice.

use super::*;

fn options(methods: Vec<Method>) -> BacktestOptions {
    BacktestOptions { methods, ..BacktestOptions::default() }
}

#[test]
fn defaults_hold_out_two_weeks_and_compare_every_method() {
    let options = BacktestOptions::default();
    assert_eq!(options.held_out_weeks.get(), 2);
    assert_eq!(options.methods.len(), 5);
    assert_eq!(options.methods[0], Method::SeasonalNaive);
    assert_eq!(options.methods[1], average(4));
}

#[test]
fn a_pure_weekly_pattern_keeps_the_baseline() {
    let series = hourly(&weeks_of(8, pattern));
    let result = backtest(&series, &SpecialDays::none(), &BacktestOptions::default()).unwrap();
    let naive = result.results[0].outcome.clone().unwrap();
    assert_eq!(naive.wape(), Some(0.0));
    assert_eq!(naive.intervals, 2 * 168);
    let choice = choose_best(&result).unwrap();
    // Every method is perfect here; the tie goes to the simplest.
    assert_eq!(choice.method, Method::SeasonalNaive);
    assert!(
        choice.explanation.starts_with(
            "Seasonal naive chosen: WAPE 0.0% on the two weeks held out; no other method beat this baseline"
        ),
        "{}",
        choice.explanation
    );
    // Multiplicative Holt-Winters cannot take the zero-volume nights.
    assert!(
        choice.explanation.contains(
            "Not assessed: Holt-Winters (multiplicative, weekly) cannot be used: it needs every value above 0"
        )
    );
}

#[test]
fn holt_winters_is_chosen_on_a_trend_and_says_why() {
    let series = hourly(&weeks_of(8, |t| 20.0 + 0.05 * t as f64 + pattern(t)));
    let methods = vec![Method::SeasonalNaive, average(4), Method::HoltWinters(Seasonality::Additive)];
    let result = backtest(&series, &SpecialDays::none(), &options(methods)).unwrap();
    let choice = choose_best(&result).unwrap();
    assert_eq!(choice.method, Method::HoltWinters(Seasonality::Additive));
    let naive = result.results[0].outcome.clone().unwrap();
    // The trend adds 8.4 contacts a week that seasonal naive always misses.
    assert!((naive.bias().unwrap() + 8.4 * 336.0 / naive.actual_total).abs() < 1e-9);
    let expected = format!(
        "Holt-Winters (additive, weekly) chosen: WAPE 0.0% on the two weeks held out \
         against {:.1}% for seasonal naive and ",
        naive.wape().unwrap() * 100.0
    );
    assert!(choice.explanation.starts_with(&expected), "{}", choice.explanation);
    assert!(choice.explanation.contains("for 4-week average."));
}

#[test]
fn too_little_history_is_reported_per_method() {
    // Three weeks: two held out leaves one week before them.
    let series = hourly(&weeks_of(3, pattern));
    let result = backtest(&series, &SpecialDays::none(), &BacktestOptions::default()).unwrap();
    let hw = result.results[2].outcome.clone().unwrap_err();
    assert_eq!(
        hw.to_string(),
        "Holt-Winters (additive, weekly) needs at least 2 weeks of history to set up its \
         weekly season, before the two weeks held out, but there is only 1 week."
    );
    // Seasonal naive still runs, a day back, and is chosen.
    let choice = choose_best(&result).unwrap();
    assert_eq!(choice.method, Method::SeasonalNaive);
    assert!(choice.explanation.contains("Not assessed: The 4-week average needs"));
}

#[test]
fn a_series_shorter_than_the_held_out_weeks_is_refused() {
    let series = hourly(&weeks_of(2, pattern));
    let error = backtest(&series, &SpecialDays::none(), &BacktestOptions::default()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "The backtest needs at least 2 weeks, 1 day of history to hold out two weeks and fit \
         on at least a day before, but there is only 2 weeks."
    );
}

#[test]
fn nothing_to_choose_from_names_every_reason() {
    let series = hourly(&weeks_of(3, pattern));
    let methods = vec![Method::HoltWinters(Seasonality::Additive), Method::DoubleSeasonal];
    let result = backtest(&series, &SpecialDays::none(), &options(methods)).unwrap();
    let ForecastError::NothingAssessed { reasons } = choose_best(&result).unwrap_err() else {
        panic!("expected NothingAssessed");
    };
    assert_eq!(reasons.len(), 2);
}

#[test]
fn excluding_an_outlier_day_changes_nothing_for_the_simple_methods() {
    let clean = weeks_of(8, pattern);
    let mut spiked = clean.clone();
    // A campaign tripled one Wednesday in the history and one in the held-out weeks.
    for day_index in [30, 51] {
        for v in &mut spiked[day_index * 24..(day_index + 1) * 24] {
            *v *= 3.0;
        }
    }
    let special = [day(30), day(51)].into_iter().collect::<SpecialDays>();
    let methods = vec![Method::SeasonalNaive, average(4)];
    for method in methods.clone() {
        let a = forecast(&hourly(&clean), &SpecialDays::none(), method, 336).unwrap();
        let b = forecast(&hourly(&spiked), &special, method, 336).unwrap();
        assert_eq!(a.values, b.values, "{method}");
        // Without the exclusion the spike leaks into the forecast or the score.
        let c = forecast(&hourly(&spiked), &SpecialDays::none(), method, 336).unwrap();
        let spiked_test = backtest(&hourly(&spiked), &SpecialDays::none(), &options(vec![method]));
        assert!(a.values != c.values || spiked_test.unwrap().results[0].outcome.clone().unwrap().wape() != Some(0.0));
    }
    let a = backtest(&hourly(&clean), &SpecialDays::none(), &options(methods.clone())).unwrap();
    let b = backtest(&hourly(&spiked), &special, &options(methods)).unwrap();
    for (a, b) in a.results.iter().zip(&b.results) {
        let (a, b) = (a.outcome.clone().unwrap(), b.outcome.clone().unwrap());
        assert_eq!(a.wape(), Some(0.0));
        assert_eq!(b.wape(), Some(0.0));
        // The excluded day is not scored.
        assert_eq!(b.intervals, a.intervals - 24);
    }
}

#[test]
fn forecast_best_forecasts_with_the_chosen_method() {
    let series = hourly(&weeks_of(6, pattern));
    let best = forecast_best(&series, &SpecialDays::none(), &BacktestOptions::default(), 96).unwrap();
    assert_eq!(best.forecast.method, best.choice.method);
    assert_eq!(best.forecast.values.len(), 96);
    assert_eq!(best.forecast.values, (6 * 168..6 * 168 + 96).map(pattern).collect::<Vec<_>>());
}
