//! Forecast accuracy: WAPE and bias, as defined in `shared/domain/staffing.md` §6.

/// The error totals of a forecast against what actually happened.
///
/// Totals rather than averages are kept so that the accuracy of several held-out
/// weeks is the accuracy of all their intervals together, not an average of
/// averages.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Accuracy {
    /// Intervals scored (special days and missing values are not).
    pub intervals: usize,
    /// Sum of the actual values.
    pub actual_total: f64,
    /// Sum of |actual − forecast|.
    pub absolute_error_total: f64,
    /// Sum of (forecast − actual): positive when the forecast was too high.
    pub error_total: f64,
}

impl Accuracy {
    /// Scores `forecast` against `actual`, interval by interval, skipping intervals
    /// whose actual value is `None`. Extra values on either side are ignored.
    pub fn measure(actual: &[Option<f64>], forecast: &[f64]) -> Self {
        let mut accuracy = Self::default();
        for (actual, forecast) in actual.iter().zip(forecast) {
            if let Some(actual) = actual {
                accuracy.intervals += 1;
                accuracy.actual_total += actual;
                accuracy.absolute_error_total += (actual - forecast).abs();
                accuracy.error_total += forecast - actual;
            }
        }
        accuracy
    }

    /// Adds the intervals of `other`.
    pub fn combine(self, other: Self) -> Self {
        Self {
            intervals: self.intervals + other.intervals,
            actual_total: self.actual_total + other.actual_total,
            absolute_error_total: self.absolute_error_total + other.absolute_error_total,
            error_total: self.error_total + other.error_total,
        }
    }

    /// Weighted absolute percentage error: Σ|actual − forecast| ÷ Σ actual, as a
    /// share (0.082 for 8.2%). `None` when nothing actually happened (Σ actual = 0),
    /// where a percentage has no meaning.
    pub fn wape(&self) -> Option<f64> {
        (self.actual_total > 0.0).then(|| self.absolute_error_total / self.actual_total)
    }

    /// Bias: Σ(forecast − actual) ÷ Σ actual, as a share. Positive means the
    /// forecast was too high on balance (over-staffing), negative too low.
    pub fn bias(&self) -> Option<f64> {
        (self.actual_total > 0.0).then(|| self.error_total / self.actual_total)
    }

    /// Mean absolute error per scored interval, in the series' own unit; `None`
    /// when no interval was scored.
    pub fn mean_absolute_error(&self) -> Option<f64> {
        (self.intervals > 0).then(|| self.absolute_error_total / self.intervals as f64)
    }
}
