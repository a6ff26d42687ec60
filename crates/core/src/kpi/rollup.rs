//! Additive KPI counts and the report row derived from them.
//!
//! Every field of [`KpiCounts`] is a plain integer sum, so counts kept per agent
//! per day per queue/channel/topic can be added up into any grouping and the
//! derived rates come out exactly as if computed from the raw rows (ratio of
//! sums, never a mean of percentages). Durations are summed in whole
//! milliseconds: timestamps may carry fractional seconds, and whole seconds
//! would bias a mean by up to half a second per contact. Each contact's
//! duration is truncated to the millisecond before summing, which moves a mean
//! by less than a millisecond. Classification (short abandon, within T) uses
//! the exact durations.

use jiff::SignedDuration;
use serde::{Deserialize, Serialize};

use super::records::{Interaction, Outcome, Survey};
use super::service_level::SlCounts;
use super::settings::KpiSettings;

/// Additive counts for one group of interactions and their surveys.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KpiCounts {
    /// Interactions.
    pub contacts: u64,
    /// Abandoned with a wait shorter than the short-abandon limit.
    pub short_abandons: u64,
    /// Interactions with an `answered_at`; also the FCR denominator.
    pub answered: u64,
    /// Answered with wait ≤ T of their channel.
    pub answered_within_t: u64,
    /// Abandoned, short abandons excluded.
    pub abandoned: u64,
    /// Abandoned (short ones included) with wait ≤ T; feeds SL variants F1 and F4.
    pub abandoned_within_t: u64,
    /// Sum of answer waits of answered interactions, in milliseconds.
    pub wait_ms: u64,
    /// Answered interactions with an `ended_at`: the AHT denominator.
    pub handled: u64,
    /// Sum of handle times of `handled` interactions, in milliseconds.
    pub handle_ms: u64,
    /// Answered interactions resolved first time (the FCR numerator).
    pub fcr_resolved: u64,
    /// Surveys with a CSAT score.
    pub csat_responses: u64,
    /// Surveys with CSAT 4 or 5.
    pub csat_satisfied: u64,
    /// Surveys with an NPS score.
    pub nps_responses: u64,
    /// Surveys with NPS 9 or 10.
    pub nps_promoters: u64,
    /// Surveys with NPS 0 to 6.
    pub nps_detractors: u64,
    /// Surveys with a CES score.
    pub ces_responses: u64,
    /// Sum of CES scores.
    pub ces_sum: u64,
}

/// The contract's KPI fields for one group: counts as integers, rates as
/// `Option<f64>` that are `None` when their denominator is 0.
///
/// Serialises with exactly the contract's field names; a rate of `None`
/// becomes `null`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct KpiRow {
    /// Interactions in the group.
    pub contacts: u64,
    /// Abandoned with wait below the short-abandon limit.
    pub short_abandons: u64,
    /// `contacts − short_abandons`.
    pub offered: u64,
    /// Interactions with an `answered_at`.
    pub answered: u64,
    /// Abandoned, short abandons excluded.
    pub abandoned: u64,
    /// Answered within T / offered, as a fraction.
    pub service_level: Option<f64>,
    /// Mean answer wait of answered interactions, in seconds.
    pub asa_seconds: Option<f64>,
    /// Mean handle time of answered interactions with an `ended_at`, in seconds.
    pub aht_seconds: Option<f64>,
    /// Abandoned / offered, as a fraction.
    pub abandon_rate: Option<f64>,
    /// Resolved first time / answered, as a fraction.
    pub fcr: Option<f64>,
    /// CSAT 4–5 / surveys with a CSAT, as a fraction.
    pub csat: Option<f64>,
    /// Surveys with a CSAT.
    pub csat_responses: u64,
    /// 100 × (promoters − detractors) / surveys with an NPS, −100 to 100.
    pub nps: Option<f64>,
    /// Surveys with an NPS.
    pub nps_responses: u64,
    /// Mean CES score.
    pub ces: Option<f64>,
}

impl KpiCounts {
    /// Counts one interaction.
    ///
    /// `resolved_first_time` is this interaction's flag from
    /// [`resolved_first_time`](super::fcr::resolved_first_time); it only counts
    /// for an answered interaction whose outcome is `resolved`.
    pub fn add(&mut self, interaction: &Interaction, resolved_first_time: bool, settings: &KpiSettings) {
        let threshold = settings.service_level_threshold(interaction.channel());
        self.contacts += 1;
        if interaction.outcome() == Outcome::Abandoned {
            // Without an `ended_at` the wait is unknown: neither short nor within T.
            let wait = interaction.abandon_wait();
            if wait.is_some_and(|w| w < settings.short_abandon()) {
                self.short_abandons += 1;
            } else {
                self.abandoned += 1;
            }
            if wait.is_some_and(|w| w <= threshold) {
                self.abandoned_within_t += 1;
            }
        }
        if let Some(wait) = interaction.answer_wait() {
            self.answered += 1;
            self.wait_ms += millis(wait);
            if wait <= threshold {
                self.answered_within_t += 1;
            }
            if resolved_first_time && interaction.outcome() == Outcome::Resolved {
                self.fcr_resolved += 1;
            }
        }
        if let Some(handle) = interaction.handle_time() {
            self.handled += 1;
            self.handle_ms += millis(handle);
        }
    }

    /// Counts one survey. It belongs to the group of its interaction; finding
    /// that group is the caller's job.
    pub fn add_survey(&mut self, survey: &Survey) {
        if let Some(csat) = survey.csat {
            self.csat_responses += 1;
            self.csat_satisfied += u64::from(csat.is_satisfied());
        }
        if let Some(nps) = survey.nps {
            self.nps_responses += 1;
            self.nps_promoters += u64::from(nps.is_promoter());
            self.nps_detractors += u64::from(nps.is_detractor());
        }
        if let Some(ces) = survey.ces {
            self.ces_responses += 1;
            self.ces_sum += u64::from(ces.get());
        }
    }

    /// Adds another group's counts to these.
    pub fn merge(&mut self, other: &KpiCounts) {
        self.zip_with(other, |a, b| Some(a + b));
    }

    /// These counts less `other`'s, for taking back a contribution that was
    /// added earlier (a re-imported interaction). `None` if any count would go
    /// below zero, which means `other` was never part of these counts.
    pub fn checked_sub(&self, other: &KpiCounts) -> Option<KpiCounts> {
        let mut out = *self;
        out.zip_with(other, u64::checked_sub).then_some(out)
    }

    /// Applies `op` field by field; false if it failed for any field.
    fn zip_with(&mut self, other: &KpiCounts, op: impl Fn(u64, u64) -> Option<u64>) -> bool {
        let mut mine = self.to_array();
        for (field, value) in mine.iter_mut().zip(other.to_array()) {
            match op(*field, value) {
                Some(result) => *field = result,
                None => return false,
            }
        }
        *self = Self::from_array(mine);
        true
    }

    /// The field names, in the order of [`KpiCounts::to_array`]; storage uses
    /// them as column names, so one table drives arithmetic and persistence.
    pub const FIELDS: [&'static str; 17] = [
        "contacts",
        "short_abandons",
        "answered",
        "answered_within_t",
        "abandoned",
        "abandoned_within_t",
        "wait_ms",
        "handled",
        "handle_ms",
        "fcr_resolved",
        "csat_responses",
        "csat_satisfied",
        "nps_responses",
        "nps_promoters",
        "nps_detractors",
        "ces_responses",
        "ces_sum",
    ];

    /// The counts in [`KpiCounts::FIELDS`] order.
    pub fn to_array(&self) -> [u64; 17] {
        // Destructured in full so that a new field cannot be forgotten here.
        let KpiCounts {
            contacts,
            short_abandons,
            answered,
            answered_within_t,
            abandoned,
            abandoned_within_t,
            wait_ms,
            handled,
            handle_ms,
            fcr_resolved,
            csat_responses,
            csat_satisfied,
            nps_responses,
            nps_promoters,
            nps_detractors,
            ces_responses,
            ces_sum,
        } = *self;
        [
            contacts,
            short_abandons,
            answered,
            answered_within_t,
            abandoned,
            abandoned_within_t,
            wait_ms,
            handled,
            handle_ms,
            fcr_resolved,
            csat_responses,
            csat_satisfied,
            nps_responses,
            nps_promoters,
            nps_detractors,
            ces_responses,
            ces_sum,
        ]
    }

    /// Counts from an array in [`KpiCounts::FIELDS`] order.
    pub fn from_array(values: [u64; 17]) -> KpiCounts {
        let [
            contacts,
            short_abandons,
            answered,
            answered_within_t,
            abandoned,
            abandoned_within_t,
            wait_ms,
            handled,
            handle_ms,
            fcr_resolved,
            csat_responses,
            csat_satisfied,
            nps_responses,
            nps_promoters,
            nps_detractors,
            ces_responses,
            ces_sum,
        ] = values;
        KpiCounts {
            contacts,
            short_abandons,
            answered,
            answered_within_t,
            abandoned,
            abandoned_within_t,
            wait_ms,
            handled,
            handle_ms,
            fcr_resolved,
            csat_responses,
            csat_satisfied,
            nps_responses,
            nps_promoters,
            nps_detractors,
            ces_responses,
            ces_sum,
        }
    }

    /// The contract's fields, derived as ratios of these sums.
    pub fn derive(&self) -> KpiRow {
        // Saturating because counts may come back from storage; a consistent
        // rollup never has more short abandons than contacts.
        let offered = self.contacts.saturating_sub(self.short_abandons);
        let nps_net = self.nps_promoters as f64 - self.nps_detractors as f64;
        KpiRow {
            contacts: self.contacts,
            short_abandons: self.short_abandons,
            offered,
            answered: self.answered,
            abandoned: self.abandoned,
            service_level: ratio(self.answered_within_t, offered),
            asa_seconds: ratio(self.wait_ms, self.answered).map(|ms| ms / 1000.0),
            aht_seconds: ratio(self.handle_ms, self.handled).map(|ms| ms / 1000.0),
            abandon_rate: ratio(self.abandoned, offered),
            fcr: ratio(self.fcr_resolved, self.answered),
            csat: ratio(self.csat_satisfied, self.csat_responses),
            csat_responses: self.csat_responses,
            nps: (self.nps_responses > 0).then(|| 100.0 * nps_net / self.nps_responses as f64),
            nps_responses: self.nps_responses,
            ces: ratio(self.ces_sum, self.ces_responses),
        }
    }

    /// The inputs of the service-level variants F1–F6 (kpis.md §6), where
    /// abandons include short ones.
    pub fn sl_counts(&self) -> SlCounts {
        SlCounts {
            answered: self.answered,
            abandoned: self.abandoned + self.short_abandons,
            answered_within_t: self.answered_within_t,
            abandoned_within_t: self.abandoned_within_t,
            short_abandons: self.short_abandons,
        }
    }
}

/// `numerator / denominator`, or `None` when there is no denominator.
pub(super) fn ratio(numerator: u64, denominator: u64) -> Option<f64> {
    (denominator > 0).then(|| numerator as f64 / denominator as f64)
}

/// Whole milliseconds of a duration that is zero or more by the invariants of
/// [`Interaction`].
fn millis(duration: SignedDuration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(0)
}

#[cfg(test)]
#[path = "rollup_tests.rs"]
mod tests;
