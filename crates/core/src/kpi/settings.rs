//! The organisation's KPI thresholds, with the contract's defaults.
//!
//! Rollups are counted under one set of settings (which contacts were short
//! abandons, which were answered within T): when an organisation changes them,
//! the rollups must be rebuilt from the interactions.

use jiff::SignedDuration;
use serde::{Deserialize, Serialize};

use super::records::Channel;

/// Thresholds that decide how contacts are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KpiSettings {
    /// An abandoned contact whose wait is shorter than this is a short abandon
    /// (strictly less). Default 5 s.
    pub short_abandon_seconds: u32,
    /// The service-level threshold T per channel: answered with wait ≤ T counts.
    pub service_level_seconds: ServiceLevelThresholds,
    /// A later contact of the same customer and topic within this many hours
    /// (inclusive) of a contact's end is a repeat. Default 168 (7 days).
    pub fcr_window_hours: u32,
}

impl Default for KpiSettings {
    fn default() -> Self {
        Self {
            short_abandon_seconds: 5,
            service_level_seconds: ServiceLevelThresholds::default(),
            fcr_window_hours: 168,
        }
    }
}

impl KpiSettings {
    /// The short-abandon limit as a duration.
    pub fn short_abandon(&self) -> SignedDuration {
        SignedDuration::from_secs(i64::from(self.short_abandon_seconds))
    }

    /// The service-level threshold T of a channel as a duration.
    pub fn service_level_threshold(&self, channel: Channel) -> SignedDuration {
        SignedDuration::from_secs(i64::from(self.service_level_seconds.get(channel)))
    }

    /// The FCR repeat window as a duration.
    pub fn fcr_window(&self) -> SignedDuration {
        SignedDuration::from_hours(i64::from(self.fcr_window_hours))
    }
}

/// Service-level threshold T in seconds, one per channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServiceLevelThresholds {
    /// Default 20 s.
    pub voice: u32,
    /// Default 60 s.
    pub chat: u32,
    /// Default 86 400 s (a day).
    pub email: u32,
    /// Default 900 s (15 minutes).
    pub messaging: u32,
    /// Default 3 600 s (an hour).
    pub social: u32,
    /// Default 300 s (5 minutes).
    pub in_person: u32,
}

impl Default for ServiceLevelThresholds {
    fn default() -> Self {
        Self { voice: 20, chat: 60, email: 86_400, messaging: 900, social: 3_600, in_person: 300 }
    }
}

impl ServiceLevelThresholds {
    /// T for one channel, in seconds.
    pub fn get(&self, channel: Channel) -> u32 {
        match channel {
            Channel::Voice => self.voice,
            Channel::Chat => self.chat,
            Channel::Email => self.email,
            Channel::Messaging => self.messaging,
            Channel::Social => self.social,
            Channel::InPerson => self.in_person,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_contracts() {
        let s = KpiSettings::default();
        assert_eq!(s.short_abandon(), SignedDuration::from_secs(5));
        assert_eq!(s.fcr_window(), SignedDuration::from_hours(168));
        let t: Vec<u32> = Channel::ALL.iter().map(|&c| s.service_level_seconds.get(c)).collect();
        assert_eq!(t, [20, 60, 86_400, 900, 3_600, 300]);
    }

    #[test]
    fn partial_configuration_keeps_other_defaults() {
        let s: KpiSettings = serde_json::from_str(r#"{"service_level_seconds": {"voice": 30}}"#).unwrap();
        assert_eq!(s.service_level_seconds.voice, 30);
        assert_eq!(s.service_level_seconds.chat, 60);
        assert_eq!(s.fcr_window_hours, 168);
        assert!(serde_json::from_str::<KpiSettings>(r#"{"fcr_hours": 24}"#).is_err());
    }
}
