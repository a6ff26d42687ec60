//! Re-forecasting the rest of today from how the day has gone so far.
//!
//! Method: the shape of the day is trusted, the level is not. The forecast for
//! the remaining intervals is scaled by how far the completed intervals ran
//! above or below their forecast (Σ actual ÷ Σ forecast so far), for contacts
//! and, weighted by contacts, for handle time. The ratio is bounded to
//! [¼, 4]: early in the day a handful of contacts should move the plan, not
//! multiply it by ten.

/// The most the level of the rest of the day may move, either way.
const MAX_RATIO: f64 = 4.0;

/// How the rest of the day was re-forecast.
#[derive(Debug, Clone, PartialEq)]
pub struct Reforecast {
    /// Σ actual ÷ Σ forecast contacts over the completed intervals (1 when
    /// nothing was forecast or nothing is complete).
    pub volume_ratio: f64,
    /// The same for handle time, weighted by actual contacts.
    pub aht_ratio: f64,
    /// Contacts for every interval of the day: actual where complete, the
    /// scaled forecast after.
    pub contacts: Vec<f64>,
    /// Handle time for every interval: actual where complete and any contact
    /// was handled, the scaled forecast otherwise.
    pub aht_seconds: Vec<f64>,
}

/// One interval of today: the forecast and what has happened.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IntervalSoFar {
    /// Contacts forecast.
    pub forecast_contacts: f64,
    /// Handle time forecast, seconds.
    pub forecast_aht_seconds: f64,
    /// Contacts that arrived.
    pub actual_contacts: f64,
    /// Average handle time of those handled, if any were.
    pub actual_aht_seconds: Option<f64>,
}

/// Re-forecasts `day` after its first `completed` intervals.
pub fn reforecast(day: &[IntervalSoFar], completed: usize) -> Reforecast {
    let done = &day[..completed.min(day.len())];
    let bounded = |r: f64| if r.is_finite() { r.clamp(1.0 / MAX_RATIO, MAX_RATIO) } else { 1.0 };
    let forecast: f64 = done.iter().map(|i| i.forecast_contacts).sum();
    let actual: f64 = done.iter().map(|i| i.actual_contacts).sum();
    let volume_ratio = if forecast > 0.0 && !done.is_empty() { bounded(actual / forecast) } else { 1.0 };
    let handled = done.iter().filter_map(|i| i.actual_aht_seconds.map(|a| (i, a))).collect::<Vec<_>>();
    let weight: f64 = handled.iter().map(|(i, _)| i.actual_contacts).sum();
    let aht_ratio = if weight > 0.0 {
        let actual: f64 = handled.iter().map(|(i, a)| i.actual_contacts * a).sum();
        let forecast: f64 = handled.iter().map(|(i, _)| i.actual_contacts * i.forecast_aht_seconds).sum();
        if forecast > 0.0 { bounded(actual / forecast) } else { 1.0 }
    } else {
        1.0
    };
    let contacts = day
        .iter()
        .enumerate()
        .map(|(k, i)| if k < done.len() { i.actual_contacts } else { i.forecast_contacts * volume_ratio })
        .collect();
    let aht_seconds = day
        .iter()
        .enumerate()
        .map(|(k, i)| match i.actual_aht_seconds {
            Some(actual) if k < done.len() => actual,
            _ => i.forecast_aht_seconds * aht_ratio,
        })
        .collect();
    Reforecast { volume_ratio, aht_ratio, contacts, aht_seconds }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn interval(forecast: f64, actual: f64, aht: Option<f64>) -> IntervalSoFar {
        IntervalSoFar {
            forecast_contacts: forecast,
            forecast_aht_seconds: 200.0,
            actual_contacts: actual,
            actual_aht_seconds: aht,
        }
    }

    #[test]
    fn a_busier_morning_raises_the_afternoon_by_the_same_share() {
        let day = [
            interval(10.0, 12.0, Some(220.0)),
            interval(20.0, 24.0, Some(220.0)),
            interval(30.0, 0.0, None),
            interval(10.0, 0.0, None),
        ];
        let r = reforecast(&day, 2);
        assert!((r.volume_ratio - 1.2).abs() < 1e-12);
        assert!((r.aht_ratio - 1.1).abs() < 1e-12);
        assert_eq!(r.contacts[..2], [12.0, 24.0]);
        assert!((r.contacts[2] - 36.0).abs() < 1e-9 && (r.contacts[3] - 12.0).abs() < 1e-9);
        assert!((r.aht_seconds[3] - 220.0).abs() < 1e-9);
    }

    #[test]
    fn nothing_complete_or_nothing_forecast_keeps_the_forecast() {
        let day = [interval(10.0, 0.0, None), interval(5.0, 0.0, None)];
        let r = reforecast(&day, 0);
        assert_eq!((r.volume_ratio, r.aht_ratio), (1.0, 1.0));
        assert_eq!(r.contacts, vec![10.0, 5.0]);
        let quiet = [interval(0.0, 3.0, Some(100.0)), interval(5.0, 0.0, None)];
        assert_eq!(reforecast(&quiet, 1).volume_ratio, 1.0);
    }

    #[test]
    fn the_ratio_is_bounded_both_ways() {
        let surge = [interval(1.0, 40.0, Some(200.0)), interval(10.0, 0.0, None)];
        assert_eq!(reforecast(&surge, 1).volume_ratio, 4.0);
        let lull = [interval(40.0, 1.0, Some(200.0)), interval(10.0, 0.0, None)];
        let r = reforecast(&lull, 1);
        assert_eq!(r.volume_ratio, 0.25);
        assert!((r.contacts[1] - 2.5).abs() < 1e-12);
        // More intervals complete than the day holds: everything is actual.
        assert_eq!(reforecast(&lull, 9).contacts, vec![1.0, 0.0]);
    }
}
