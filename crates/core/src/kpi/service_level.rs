//! Service-level variants F1–F6 (kpis.md §6).
//!
//! The contract's `service_level` is answered within T / offered; these are the
//! published alternatives a queue may choose, each with a stable id so that a
//! report says which one it shows.

use serde::{Deserialize, Serialize};

use super::rollup::ratio;

/// Counts that the variants are built from. Abandons here include short ones.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlCounts {
    /// A: answered.
    pub answered: u64,
    /// Ab: abandoned, short abandons included.
    pub abandoned: u64,
    /// A_T: answered with wait ≤ T.
    pub answered_within_t: u64,
    /// Ab_T: abandoned with wait ≤ T.
    pub abandoned_within_t: u64,
    /// Ab_S: abandoned with wait < S (S ≤ T).
    pub short_abandons: u64,
}

/// A service-level formula.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SlVariant {
    /// (A_T + Ab_T) / (A + Ab): early abandons count as success.
    F1,
    /// A_T / A: ignores abandons (not recommended).
    F2,
    /// A_T / (A + Ab): every abandon counts against.
    F3,
    /// A_T / (A + Ab − Ab_T): abandons before T are neutral.
    F4,
    /// (A_T + Ab_S) / (A + Ab): short abandons count as success.
    F5,
    /// A_T / (A + Ab − Ab_S): short abandons removed.
    F6,
}

impl SlVariant {
    /// Every variant.
    pub const ALL: [SlVariant; 6] = [Self::F1, Self::F2, Self::F3, Self::F4, Self::F5, Self::F6];

    /// The definition id shown beside a result, like `SL_F3_T20`.
    pub fn id(self, threshold_seconds: u32) -> String {
        format!("SL_{self:?}_T{threshold_seconds}")
    }

    /// The service level as a fraction; `None` when the denominator is 0.
    pub fn compute(self, c: &SlCounts) -> Option<f64> {
        let offered = c.answered + c.abandoned;
        match self {
            Self::F1 => ratio(c.answered_within_t + c.abandoned_within_t, offered),
            Self::F2 => ratio(c.answered_within_t, c.answered),
            Self::F3 => ratio(c.answered_within_t, offered),
            Self::F4 => ratio(c.answered_within_t, offered.saturating_sub(c.abandoned_within_t)),
            Self::F5 => ratio(c.answered_within_t + c.short_abandons, offered),
            Self::F6 => ratio(c.answered_within_t, offered.saturating_sub(c.short_abandons)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worked_table_of_kpis_md() {
        let c = SlCounts {
            answered: 1000,
            abandoned: 60,
            answered_within_t: 860,
            abandoned_within_t: 20,
            short_abandons: 10,
        };
        let expected = [83.0, 86.0, 81.1, 82.7, 82.1, 81.9];
        for (variant, want) in SlVariant::ALL.into_iter().zip(expected) {
            let got = variant.compute(&c).unwrap() * 100.0;
            assert!((got - want).abs() < 0.05, "{variant:?}: {got} vs {want}");
        }
        assert_eq!(SlVariant::F3.id(20), "SL_F3_T20");
    }

    #[test]
    fn no_contacts_is_no_data() {
        for variant in SlVariant::ALL {
            assert_eq!(variant.compute(&SlCounts::default()), None);
        }
    }
}
