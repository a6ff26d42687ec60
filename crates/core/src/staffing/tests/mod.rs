//! Tests of the staffing module: the worked examples of shared/domain/staffing.md,
//! agreement with exact and high-precision arithmetic, and monotonicity.

mod examples;
mod high_precision;
mod properties;
mod reference;

use super::*;

/// Builds a request from the flags' text, as the command line would.
pub(super) struct Build {
    volume: String,
    minutes: String,
    aht: String,
    service_level: String,
    within: String,
    max_occupancy: Option<String>,
    shrinkage: Option<String>,
    max_asa: Option<String>,
    patience: Option<String>,
}

pub(super) fn build(volume: &str, minutes: &str, aht: &str, sl: &str, within: &str) -> Build {
    Build {
        volume: volume.into(),
        minutes: minutes.into(),
        aht: aht.into(),
        service_level: sl.into(),
        within: within.into(),
        max_occupancy: None,
        shrinkage: None,
        max_asa: None,
        patience: None,
    }
}

impl Build {
    pub(super) fn occupancy(mut self, cap: &str) -> Self {
        self.max_occupancy = Some(cap.into());
        self
    }
    pub(super) fn shrinkage(mut self, share: &str) -> Self {
        self.shrinkage = Some(share.into());
        self
    }
    pub(super) fn asa(mut self, seconds: &str) -> Self {
        self.max_asa = Some(seconds.into());
        self
    }
    pub(super) fn patience(mut self, seconds: &str) -> Self {
        self.patience = Some(seconds.into());
        self
    }
    pub(super) fn request(&self) -> StaffingRequest {
        let length = IntervalLength::parse_minutes("minutes", &self.minutes).unwrap();
        let load = IntervalLoad::new(
            "volume",
            Decimal::parse("volume", &self.volume).unwrap(),
            Decimal::parse("aht", &self.aht).unwrap(),
            length,
        )
        .unwrap();
        StaffingRequest {
            load,
            targets: Targets {
                service_level: ServiceLevelTarget::parse("sl", &self.service_level).unwrap(),
                answer_within_seconds: Decimal::parse("t", &self.within).unwrap().to_f64(),
                max_occupancy: self
                    .max_occupancy
                    .as_deref()
                    .map_or(OccupancyCap::FULL, |c| OccupancyCap::parse("occ", c).unwrap()),
                max_asa: self.max_asa.as_deref().map(|a| PositiveSeconds::parse("asa", a).unwrap()),
            },
            shrinkage: self.shrinkage.as_deref().map_or(Shrinkage::NONE, |s| Shrinkage::parse("s", s).unwrap()),
            model: match &self.patience {
                None => Model::ErlangC,
                Some(p) => Model::ErlangA { patience: PositiveSeconds::parse("p", p).unwrap() },
            },
        }
    }
    pub(super) fn plan(&self) -> StaffingPlan {
        plan(&self.request()).unwrap()
    }
}

/// Asserts `actual` rounds to `expected` at the printed precision `half_unit`.
#[track_caller]
pub(super) fn near(actual: f64, expected: f64, half_unit: f64) {
    assert!((actual - expected).abs() <= half_unit + 1e-12, "expected {expected} ± {half_unit}, got {actual}");
}
