//! The inputs of a staffing calculation, each a type that can only hold a valid
//! value (parse, don't validate).

use std::cmp::Ordering;

use super::exact::{Decimal, checked_product, compare_products, smallest_from_guess};
use crate::fields::FieldError;

/// The largest traffic accepted, in Erlangs. Erlang C is verified to 100,000
/// Erlangs; beyond a million the answer is no longer a useful plan for one queue.
pub const MAX_TRAFFIC_ERLANGS: u64 = 1_000_000;

fn out_of_range(field: &str, advice: &str, value: Decimal) -> FieldError {
    FieldError::new(field, format!("{advice} (you entered {value})."))
}

/// The length of an interval, in minutes: more than zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntervalLength(Decimal);

impl IntervalLength {
    /// Accepts a decimal number of minutes greater than zero.
    pub fn parse_minutes(field: &str, text: &str) -> Result<Self, FieldError> {
        let minutes = Decimal::parse(field, text)?;
        if minutes.is_zero() {
            return Err(out_of_range(field, "Enter an interval length of more than 0 minutes", minutes));
        }
        Ok(Self(minutes))
    }

    /// The length in minutes, exactly as given.
    pub fn minutes(self) -> Decimal {
        self.0
    }
}

/// The contacts of one interval: volume, average handle time and interval length.
///
/// Holds the offered traffic, volume × AHT / interval length, exactly as a ratio
/// of whole numbers, so that thresholds on it are decided without rounding. The
/// factors sit in fixed arrays (no heap). Their products are taken once, in
/// `u128`, when they fit (every realistic input), so that an exact test costs a
/// multiplication or two; otherwise the tests multiply the factors without
/// overflow (see [`compare_products`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntervalLoad {
    volume: Decimal,
    aht_seconds: Decimal,
    length: IntervalLength,
    traffic_numerator: [u64; 3],
    traffic_denominator: [u64; 4],
    /// The products of the two lists, when both fit in `u128`.
    traffic_ratio: Option<(u128, u128)>,
}

impl IntervalLoad {
    /// Combines the three inputs; fails, naming `volume_field`, when the traffic
    /// exceeds [`MAX_TRAFFIC_ERLANGS`].
    pub fn new(
        volume_field: &str,
        volume: Decimal,
        aht_seconds: Decimal,
        length: IntervalLength,
    ) -> Result<Self, FieldError> {
        // traffic = (v / 10^a)(h / 10^b) / (60 m / 10^c) = v·h·10^c / (60·m·10^a·10^b)
        let minutes = length.minutes();
        let traffic_numerator = [volume.mantissa(), aht_seconds.mantissa(), minutes.denominator()];
        let traffic_denominator = [60, minutes.mantissa(), volume.denominator(), aht_seconds.denominator()];
        let traffic_ratio = checked_product(&traffic_numerator).zip(checked_product(&traffic_denominator));
        let load = Self { volume, aht_seconds, length, traffic_numerator, traffic_denominator, traffic_ratio };
        if !load.traffic_at_most(MAX_TRAFFIC_ERLANGS, 1) {
            return Err(FieldError::new(
                volume_field,
                format!(
                    "The traffic (volume × handle time ÷ interval length) is {:.0} Erlangs; \
                     crewdeck plans at most {MAX_TRAFFIC_ERLANGS} Erlangs for one queue.",
                    load.traffic_erlangs()
                ),
            ));
        }
        Ok(load)
    }

    /// Contacts offered in the interval.
    pub fn volume(&self) -> Decimal {
        self.volume
    }

    /// Average handle time in seconds.
    pub fn aht_seconds(&self) -> Decimal {
        self.aht_seconds
    }

    /// The interval length.
    pub fn length(&self) -> IntervalLength {
        self.length
    }

    /// Offered traffic in Erlangs, to the nearest `f64`.
    pub fn traffic_erlangs(&self) -> f64 {
        let product = |factors: &[u64]| factors.iter().map(|&f| f as f64).product::<f64>();
        product(&self.traffic_numerator) / product(&self.traffic_denominator)
    }

    /// True when no work arrives: no contacts, or contacts that take no time.
    pub fn traffic_is_zero(&self) -> bool {
        self.volume.is_zero() || self.aht_seconds.is_zero()
    }

    /// The factors of traffic × `extra_denominator` (left) and of the traffic's
    /// denominator × `extra_numerator` (right), for comparing traffic with
    /// `extra_numerator / extra_denominator`.
    fn cross_factors(&self, extra_denominator: [u64; 1], extra_numerator: [u64; 2]) -> ([u64; 4], [u64; 6]) {
        let [n0, n1, n2] = self.traffic_numerator;
        let [d0, d1, d2, d3] = self.traffic_denominator;
        let [e0] = extra_denominator;
        let [f0, f1] = extra_numerator;
        ([n0, n1, n2, e0], [d0, d1, d2, d3, f0, f1])
    }

    /// Exactly compares traffic × `extra_denominator` with the traffic's
    /// denominator × `extra_numerator[0]` × `extra_numerator[1]`: the product of
    /// [`IntervalLoad::cross_factors`]' two lists, in a few `u128`
    /// multiplications when they fit (the usual case).
    fn compare_cross(&self, extra_denominator: u64, extra_numerator: [u64; 2]) -> Ordering {
        let [f0, f1] = extra_numerator;
        if let Some((p, q)) = self.traffic_ratio
            && let Some(left) = p.checked_mul(u128::from(extra_denominator))
            && let Some(right) = q.checked_mul(u128::from(f0)).and_then(|r| r.checked_mul(u128::from(f1)))
        {
            return left.cmp(&right);
        }
        let (left, right) = self.cross_factors([extra_denominator], extra_numerator);
        compare_products(&left, &right)
    }

    /// Exactly: traffic ≤ numerator / denominator.
    fn traffic_at_most(&self, numerator: u64, denominator: u64) -> bool {
        self.compare_cross(denominator, [numerator, 1]) != Ordering::Greater
    }

    /// Exactly: traffic < `agents` (the queue has a steady state under Erlang C).
    pub fn is_stable_with(&self, agents: u64) -> bool {
        self.compare_cross(1, [agents, 1]) == Ordering::Less
    }

    /// Exactly: traffic / `agents` ≤ `cap` (the offered-load occupancy test).
    pub fn occupancy_within(&self, agents: u64, cap: OccupancyCap) -> bool {
        let cap = cap.share();
        self.compare_cross(cap.denominator(), [agents, cap.mantissa()]) != Ordering::Greater
    }

    /// The smallest whole number of agents greater than the traffic.
    pub fn min_stable_agents(&self) -> u64 {
        // traffic = p / q with q > 0 (every factor of q is positive), so the
        // smallest N with p < q·N is floor(p / q) + 1: one integer division.
        if let Some((p, q)) = self.traffic_ratio
            && let Ok(floor) = u64::try_from(p / q)
        {
            return floor + 1;
        }
        smallest_from_guess(self.traffic_erlangs().floor() + 1.0, |n| self.is_stable_with(n))
    }

    /// The smallest whole number of agents whose offered-load occupancy is within `cap`.
    pub fn min_agents_within(&self, cap: OccupancyCap) -> u64 {
        // traffic / N ≤ c_m / c_d  ⇔  N ≥ (p·c_d) / (q·c_m): the exact integer
        // ceiling of that ratio (q·c_m > 0, as the cap is positive).
        let cap_share = cap.share();
        if let Some((p, q)) = self.traffic_ratio
            && let Some(scaled_traffic) = p.checked_mul(u128::from(cap_share.denominator()))
            && let Some(scaled_cap) = q.checked_mul(u128::from(cap_share.mantissa()))
            && let Ok(agents) = u64::try_from(scaled_traffic.div_ceil(scaled_cap))
        {
            return agents;
        }
        let guess = (self.traffic_erlangs() / cap_share.to_f64()).ceil();
        smallest_from_guess(guess, |n| self.occupancy_within(n, cap))
    }
}

/// A service-level target: a share strictly between 0 and 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ServiceLevelTarget(f64);

impl ServiceLevelTarget {
    /// Accepts a decimal share such as `0.8`, greater than 0 and less than 1.
    pub fn parse(field: &str, text: &str) -> Result<Self, FieldError> {
        let share = Decimal::parse(field, text)?;
        if share.is_zero() || share >= Decimal::ONE {
            return Err(out_of_range(
                field,
                "Enter a service-level target between 0 and 1, such as 0.8 for 80%; 0 and 1 themselves are not allowed",
                share,
            ));
        }
        Ok(Self(share.to_f64()))
    }

    /// The share, for example 0.8.
    pub fn share(self) -> f64 {
        self.0
    }
}

/// A most-allowed occupancy: a share greater than 0 and at most 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OccupancyCap(Decimal);

impl OccupancyCap {
    /// No cap beyond the natural one: agents cannot be busy more than all the time.
    pub const FULL: OccupancyCap = OccupancyCap(Decimal::ONE);

    /// Accepts a decimal share such as `0.85`, greater than 0 and at most 1.
    pub fn parse(field: &str, text: &str) -> Result<Self, FieldError> {
        let share = Decimal::parse(field, text)?;
        if share.is_zero() || share > Decimal::ONE {
            return Err(out_of_range(
                field,
                "Enter a maximum occupancy greater than 0 and at most 1, such as 0.85",
                share,
            ));
        }
        Ok(Self(share))
    }

    /// The share, exactly as given.
    pub fn share(self) -> Decimal {
        self.0
    }
}

/// Shrinkage: the share of paid time not available for contacts, from 0 up to
/// but not including 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shrinkage(Decimal);

impl Shrinkage {
    /// No shrinkage: everyone scheduled is available.
    pub const NONE: Shrinkage = Shrinkage(Decimal::ZERO);

    /// Accepts a decimal share such as `0.3`, at least 0 and less than 1.
    pub fn parse(field: &str, text: &str) -> Result<Self, FieldError> {
        let share = Decimal::parse(field, text)?;
        if share >= Decimal::ONE {
            return Err(out_of_range(
                field,
                "Enter a shrinkage of at least 0 and less than 1, such as 0.3 for 30%",
                share,
            ));
        }
        Ok(Self(share))
    }

    /// The share, exactly as given.
    pub fn share(self) -> Decimal {
        self.0
    }

    /// The people to schedule so that `agents` are available: ceil(agents / (1 − s)),
    /// computed exactly (21 at 0.3 gives 30, not the 31 that `f64` would give).
    ///
    /// Saturates at `u64::MAX`, which only a shrinkage within 10⁻⁹ of 1 can reach.
    pub fn scheduled(self, agents: u32) -> u64 {
        // s = m / d, so agents / (1 − s) = agents·d / (d − m), with d − m ≥ 1.
        let d = u128::from(self.0.denominator());
        let available = d - u128::from(self.0.mantissa());
        let needed = u128::from(agents) * d;
        u64::try_from(needed.div_ceil(available)).unwrap_or(u64::MAX)
    }
}

/// A length of time in seconds greater than zero: an ASA target or a patience.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PositiveSeconds(f64);

impl PositiveSeconds {
    /// Accepts a decimal number of seconds greater than zero.
    pub fn parse(field: &str, text: &str) -> Result<Self, FieldError> {
        let seconds = Decimal::parse(field, text)?;
        if seconds.is_zero() {
            return Err(out_of_range(field, "Enter a number of seconds greater than 0", seconds));
        }
        Ok(Self(seconds.to_f64()))
    }

    /// The number of seconds.
    pub fn seconds(self) -> f64 {
        self.0
    }
}

/// What the staffing must achieve in every interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Targets {
    /// Least share of contacts answered within `answer_within_seconds`.
    pub service_level: ServiceLevelTarget,
    /// The service-level threshold in seconds (0 or more).
    pub answer_within_seconds: f64,
    /// Most-allowed occupancy ([`OccupancyCap::FULL`] when none is given).
    pub max_occupancy: OccupancyCap,
    /// Longest acceptable average speed of answer, if any.
    pub max_asa: Option<PositiveSeconds>,
}

/// The queueing model used.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Model {
    /// Erlang C: nobody abandons.
    ErlangC,
    /// Erlang A: waiting contacts abandon after an exponential patience with
    /// this mean.
    ErlangA {
        /// Mean patience of a waiting contact.
        patience: PositiveSeconds,
    },
}

impl Model {
    /// The name used in output: `erlang-c` or `erlang-a`.
    pub fn name(self) -> &'static str {
        match self {
            Model::ErlangC => "erlang-c",
            Model::ErlangA { .. } => "erlang-a",
        }
    }
}

/// Everything one staffing calculation needs.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffingRequest {
    /// The interval's contacts.
    pub load: IntervalLoad,
    /// What the staffing must achieve.
    pub targets: Targets,
    /// Shrinkage for the scheduling uplift.
    pub shrinkage: Shrinkage,
    /// Erlang C or Erlang A.
    pub model: Model,
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::staffing::exact::BigNat;

    /// `mantissa / 10^scale` as a decimal, through its text.
    fn decimal(mantissa: u64, scale: u32) -> Decimal {
        let digits = format!("{mantissa:0>width$}", width = scale as usize + 1);
        let (whole, fraction) = digits.split_at(digits.len() - scale as usize);
        Decimal::parse("x", &format!("{whole}.{fraction}")).unwrap()
    }

    proptest! {
        /// The products taken once give the same answers as multiplying every
        /// factor without overflow, small inputs and huge ones alike.
        #[test]
        fn exact_tests_agree_with_big_numbers(
            volume in prop_oneof![0u64..5000, any::<u64>()],
            volume_scale in 0u32..=18,
            aht in prop_oneof![0u64..5000, any::<u64>()],
            aht_scale in 0u32..=18,
            minutes in prop_oneof![1u64..120, 1..=u64::MAX],
            minutes_scale in 0u32..=18,
            agents in prop_oneof![0u64..5000, any::<u64>()],
            cap in 1u64..=1000,
        ) {
            let length = IntervalLength::parse_minutes("m", &decimal(minutes, minutes_scale).to_string());
            prop_assume!(length.is_ok());
            let (volume, aht) = (decimal(volume, volume_scale), decimal(aht, aht_scale));
            let Ok(load) = IntervalLoad::new("v", volume, aht, length.unwrap()) else {
                return Ok(());
            };
            let cap = OccupancyCap::parse("c", &decimal(cap, 3).to_string()).unwrap();
            let big = |extra_denominator: u64, extra_numerator: [u64; 2]| {
                let (left, right) = load.cross_factors([extra_denominator], extra_numerator);
                BigNat::product(&left).cmp(&BigNat::product(&right))
            };
            prop_assert_eq!(load.is_stable_with(agents), big(1, [agents, 1]) == Ordering::Less);
            prop_assert_eq!(
                load.occupancy_within(agents, cap),
                big(cap.share().denominator(), [agents, cap.share().mantissa()]) != Ordering::Greater
            );
            prop_assert_eq!(load.traffic_at_most(agents, 7), big(7, [agents, 1]) != Ordering::Greater);
        }
    }
}
