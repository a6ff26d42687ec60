//! The demo's service standards, and two teams' tighter targets, so every
//! dashboard tile has a target and a rule to show.

use crewdeck_core::kpi::StandardFields;
use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};

use crate::audit::Actor;
use crate::db::Db;
use crate::error::{StoreError, StoreResult};
use crate::standards::{self, TargetChange, TargetLevel};

/// (name, kpi, channel, threshold, amber band), in display units.
const STANDARDS: &[(&str, &str, &str, &str, &str)] = &[
    ("Calls answered within 20 seconds", "service_level", "voice", "80", "5"),
    ("Chats answered within a minute", "service_level", "chat", "80", "5"),
    ("Emails answered within 24 hours", "service_level", "email", "90", "5"),
    ("Callers rarely give up", "abandon_rate", "voice", "5", "2"),
    ("Issues resolved first time", "fcr", "", "70", "5"),
    ("Customers satisfied", "csat", "", "85", "3"),
    ("Customers recommend us", "nps", "", "20", "10"),
];

/// Records the standards; `team_ids` are the demo teams in plan order
/// (bookings, service, retail).
pub(super) async fn seed(db: &Db, system: &Actor, team_ids: &[i64], today: Date, now: Timestamp) -> StoreResult<()> {
    let mut ids = Vec::new();
    for (name, kpi, channel, threshold, amber_band) in STANDARDS {
        let fields = StandardFields {
            name: (*name).to_string(),
            kpi: (*kpi).to_string(),
            channel: (*channel).to_string(),
            threshold: (*threshold).to_string(),
            amber_band: (*amber_band).to_string(),
            ..StandardFields::default()
        };
        let input = fields.parse().map_err(|e| StoreError::Corrupt(format!("demo standard {name}: {e}")))?;
        ids.push(standards::create(db, system, &input, now).await?);
    }
    // Retail promised its customers more after its rough patch; bookings
    // answers calls faster than the group promises.
    let targets = [(2, 5, 0.88, 0.02, "Aisha Rahman", 40), (0, 0, 0.85, 0.05, "Dawn Whitaker", 120)];
    for (team, standard, threshold, amber_band, by, days_ago) in targets {
        let (Some(&team_id), Some(&standard_id)) = (team_ids.get(team), ids.get(standard)) else { continue };
        let change = TargetChange {
            team_id,
            standard_id,
            level: TargetLevel { threshold, amber_band },
            set_by: by.to_string(),
            today: today - days_ago.days(),
        };
        standards::set_team_target(db, system, &change, now).await?;
    }
    Ok(())
}
