//! Quality assurance pages: the QA home ("My evaluations" for agents), the
//! spot-check queue, the evaluation form and view, disputes, scorecards,
//! sampling, calibration and the QA numbers.

pub mod calibration;
pub mod disputes;
pub mod evaluate;
pub mod evaluation;
pub mod home;
pub mod numbers;
pub mod sampling;
pub mod scorecards;

use crewdeck_core::auth::policy::Access;
use crewdeck_core::auth::{Action, Subject};
use crewdeck_store::people::{self, Scope};
use crewdeck_store::quality::evaluations::EvaluationSummary;

use super::people::person_subject;
use crate::error::PageError;
use crate::session::Session;
use crate::state::AppState;

/// The people whose QA records `action` lets the caller reach: `None` for
/// everyone, otherwise the list (their own person for agents, the members of
/// their teams for team leaders).
pub async fn reach(state: &AppState, session: &Session, action: Action) -> Result<Option<Vec<i64>>, PageError> {
    let scope = match session.access(action) {
        Access::All => return Ok(None),
        Access::None => return Ok(Some(Vec::new())),
        Access::Own => return Ok(Some(session.actor.person_id.into_iter().collect())),
        Access::Team => Scope::Teams { team_ids: session.actor.led_team_ids.clone(), own: None },
    };
    Ok(Some(people::list(&state.db, &scope, None, state.today()).await?.into_iter().map(|p| p.id).collect()))
}

/// Fails with 403 unless the caller may perform `action` on the evaluated person's record.
pub async fn require_for(
    state: &AppState,
    session: &Session,
    action: Action,
    evaluation: &EvaluationSummary,
) -> Result<(), PageError> {
    // Calibration scores are evaluator material, never shown through the evaluation pages.
    if evaluation.calibration_session_id.is_some() && session.access(Action::ViewCalibration) == Access::None {
        return Err(PageError::NotFound(format!("Evaluation {}", evaluation.id)));
    }
    let subject = person_subject(state, evaluation.agent_person_id).await?;
    if session.may(action, &subject) {
        Ok(())
    } else if session.may(Action::ViewEvaluations, &subject) {
        Err(PageError::Forbidden)
    } else {
        // Do not confirm that someone else's evaluation exists.
        Err(PageError::NotFound(format!("Evaluation {}", evaluation.id)))
    }
}

/// Whether the caller may act on `person_id`'s records for `action`.
pub async fn may_for(state: &AppState, session: &Session, action: Action, person_id: i64) -> Result<bool, PageError> {
    if session.access(action) == Access::None {
        return Ok(false);
    }
    let subject: Subject = person_subject(state, person_id).await?;
    Ok(session.may(action, &subject))
}

/// A score as pages show it: one decimal place.
pub fn one_decimal(value: f64) -> String {
    format!("{value:.1}")
}

/// A date from Unix seconds, YYYY-MM-DD (UTC).
pub fn day_of(seconds: i64) -> String {
    jiff::Timestamp::from_second(seconds).map_or_else(|_| String::new(), |t| t.strftime("%Y-%m-%d").to_string())
}
