//! The two simple methods: seasonal naive (the baseline every other method must
//! beat) and the multi-week same-interval average.

use super::{ForecastError, History, Season};

/// Seasonal naive: each future interval repeats the latest usable value at the
/// same point of the season (FPP3: ŷ_{T+h} = y_{T+h−m(k+1)}).
///
/// The season is a week once there are two weeks of history, otherwise a day.
/// With less than two weeks, copying the only week copies its accidents wholesale
/// and leaves nothing to stand in for an excluded day, so yesterday is the safer
/// guide. Where the value a season back is excluded or missing, the one a season
/// before that is used, and failing any at that point of the week, the same
/// interval on the latest usable day.
pub(super) fn seasonal_naive(history: &History<'_>, horizon: usize) -> Result<(Vec<f64>, Season), ForecastError> {
    let n = history.obs.len();
    let (per_day, per_week) = (history.interval.per_day(), history.interval.per_week());
    if n < per_day {
        return Err(history.too_short("Seasonal naive", per_day, "to copy a day from"));
    }
    let season = if n >= 2 * per_week { Season::Week } else { Season::Day };
    let length = match season {
        Season::Week => per_week,
        Season::Day => per_day,
    };
    (n..n + horizon)
        .map(|t| {
            latest_at(history.obs, t, length)
                .or_else(|| latest_at(history.obs, t, per_day))
                .ok_or_else(|| history.no_usable("Seasonal naive", t))
        })
        .collect::<Result<Vec<_>, _>>()
        .map(|values| (values, season))
}

/// The latest usable value at or before the end of `obs` whose index is
/// congruent to `t` modulo `step`.
fn latest_at(obs: &[Option<f64>], t: usize, step: usize) -> Option<f64> {
    let n = obs.len();
    if n == 0 {
        return None;
    }
    // The last index below n at the same phase as t.
    let first = n.checked_sub(1 + (n - 1 + step - t % step) % step)?;
    (0..=first / step).find_map(|k| obs[first - k * step])
}

/// The mean of the same interval over the last `weeks` weeks that have a usable
/// value there: an excluded bank holiday is replaced by the week before it, so
/// every point of the week is an average of the same number of ordinary weeks
/// wherever history allows.
pub(super) fn week_average(history: &History<'_>, weeks: usize, horizon: usize) -> Result<Vec<f64>, ForecastError> {
    let n = history.obs.len();
    let per_week = history.interval.per_week();
    let name = format!("The {weeks}-week average");
    if n < weeks * per_week {
        return Err(history.too_short(&name, weeks * per_week, "to average over"));
    }
    (n..n + horizon)
        .map(|t| {
            let first = n - 1 - (n - 1 + per_week - t % per_week) % per_week;
            let usable = (0..=first / per_week)
                .filter_map(|k| history.obs[first - k * per_week])
                .take(weeks)
                .collect::<Vec<_>>();
            if usable.is_empty() {
                Err(history.no_usable(&name, t))
            } else {
                Ok(usable.iter().sum::<f64>() / usable.len() as f64)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latest_at_finds_the_same_phase_before_the_end() {
        let obs = [Some(0.0), Some(1.0), Some(2.0), Some(3.0), Some(4.0)];
        // Step 3: t = 5 has phase 2, the latest such index below 5 is 2.
        assert_eq!(latest_at(&obs, 5, 3), Some(2.0));
        assert_eq!(latest_at(&obs, 6, 3), Some(3.0));
        assert_eq!(latest_at(&obs, 7, 3), Some(4.0));
        // Far ahead: phase of 10 is 1, latest index 4.
        assert_eq!(latest_at(&obs, 10, 3), Some(4.0));
        let gappy = [Some(0.0), None, Some(2.0), Some(3.0), None];
        assert_eq!(latest_at(&gappy, 7, 3), None);
        assert_eq!(latest_at(&gappy, 6, 3), Some(3.0));
        let skip = [Some(9.0), Some(1.0), Some(2.0), None];
        assert_eq!(latest_at(&skip, 6, 3), Some(9.0));
    }
}
