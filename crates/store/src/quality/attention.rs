//! What is waiting in quality assurance for some people: the figures a team
//! leader's home page shows so that nothing sits unnoticed.

use sqlx::Row;

use crate::db::Db;
use crate::error::StoreResult;

/// Quality work waiting for a group of people.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Waiting {
    /// Spot checks drawn for them and not yet evaluated.
    pub spot_checks: u64,
    /// Disputes they raised that nobody has decided yet.
    pub open_disputes: u64,
    /// Evaluations of them they have not acknowledged.
    pub unacknowledged: u64,
}

impl Waiting {
    /// True when nothing is waiting.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// What is waiting for the evaluated people in `people`. Calibration
/// evaluations are practice, not feedback to the agent, so they are left out.
pub async fn waiting_for(db: &Db, people: &[i64]) -> StoreResult<Waiting> {
    if people.is_empty() {
        return Ok(Waiting::default());
    }
    let list = people.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let row = sqlx::query(&format!(
        "SELECT \
           (SELECT COUNT(*) FROM qa_spot_checks WHERE evaluation_id IS NULL AND agent_person_id IN ({list})) AS spot_checks, \
           (SELECT COUNT(*) FROM qa_disputes d JOIN qa_evaluations e ON e.id = d.evaluation_id \
              WHERE d.decision IS NULL AND e.agent_person_id IN ({list})) AS open_disputes, \
           (SELECT COUNT(*) FROM qa_evaluations WHERE acknowledged_at IS NULL \
              AND calibration_session_id IS NULL AND agent_person_id IN ({list})) AS unacknowledged"
    ))
    .fetch_one(db.pool())
    .await?;
    let count = |column: &str| -> StoreResult<u64> { Ok(u64::try_from(row.try_get::<i64, _>(column)?).unwrap_or(0)) };
    Ok(Waiting {
        spot_checks: count("spot_checks")?,
        open_disputes: count("open_disputes")?,
        unacknowledged: count("unacknowledged")?,
    })
}
