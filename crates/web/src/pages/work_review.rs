//! Follow-up and fairness for a leader: overdue, at-risk and check-in lists,
//! and each member's work over a period.

use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::response::Response;
use crewdeck_core::auth::Action;
use crewdeck_core::people::parse_date;
use crewdeck_store::allocation::fairness::{self, PersonWork};
use crewdeck_store::allocation::followup::{self, AT_RISK_HOURS, FollowUp};
use crewdeck_store::teams::Team;
use jiff::ToSpan;
use serde::Deserialize;

use super::work::{chosen, teams_for};
use super::{Layout, render};
use crate::error::PageError;
use crate::session::Session;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "work_followup.html")]
struct FollowUpPage {
    layout: Layout,
    teams: Vec<Team>,
    team: Team,
    lists: FollowUp,
    at_risk_hours: i64,
}

/// Query naming a team.
#[derive(Debug, Deserialize)]
pub struct TeamQuery {
    team: Option<i64>,
}

/// `GET /work/follow-up`.
pub async fn follow_up(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Query(q): Query<TeamQuery>,
) -> Result<Response, PageError> {
    let teams = teams_for(&state, &session, Action::ManageWork).await?;
    let Some(team) = chosen(&teams, q.team).cloned() else {
        return Err(PageError::NotFound("You do not lead a team yet, so there is nothing to follow up.".into()));
    };
    let lists = followup::lists(&state.db, Some(vec![team.id]), state.now(), state.today()).await?;
    render(&FollowUpPage {
        layout: Layout::new(&session, format!("Follow-up: {}", team.name), "/work"),
        teams,
        team,
        lists,
        at_risk_hours: AT_RISK_HOURS,
    })
}

#[derive(Template)]
#[template(path = "work_fairness.html")]
struct FairnessPage {
    layout: Layout,
    teams: Vec<Team>,
    team: Team,
    from: String,
    to: String,
    people: Vec<PersonWork>,
    /// Each person's QA score in the period, when the caller may see evaluations.
    qa: Option<std::collections::HashMap<i64, String>>,
    error: Option<String>,
}

impl FairnessPage {
    fn pairs(&self, map: &std::collections::BTreeMap<String, i64>) -> String {
        map.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(", ")
    }

    fn percent(&self, share: &f64) -> String {
        format!("{:.0}%", share * 100.0)
    }

    fn qa_of(&self, person_id: &i64) -> String {
        self.qa.as_ref().and_then(|qa| qa.get(person_id).cloned()).unwrap_or_else(|| "no evaluations".to_string())
    }
}

/// Query of the fairness view.
#[derive(Debug, Deserialize)]
pub struct FairnessQuery {
    team: Option<i64>,
    from: Option<String>,
    to: Option<String>,
}

/// `GET /work/fairness`: each member's work over a period (default the last 28 days).
pub async fn fairness_view(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Query(q): Query<FairnessQuery>,
) -> Result<Response, PageError> {
    let teams = teams_for(&state, &session, Action::ManageWork).await?;
    let Some(team) = chosen(&teams, q.team).cloned() else {
        return Err(PageError::NotFound("You do not lead a team yet, so there is nothing to show.".into()));
    };
    let today = state.today();
    let default_from = today.checked_sub(27.days()).unwrap_or(today);
    let parsed = |text: &Option<String>, field: &str, default| match text.as_deref().map(str::trim) {
        None | Some("") => Ok(default),
        Some(t) => parse_date(field, t),
    };
    let (from, to, error) = match (parsed(&q.from, "from", default_from), parsed(&q.to, "to", today)) {
        (Ok(from), Ok(to)) if from <= to => (from, to, None),
        (Ok(_), Ok(_)) => (default_from, today, Some("The period must start before it ends.".to_string())),
        (Err(e), _) | (_, Err(e)) => (default_from, today, Some(e.message)),
    };
    let people = fairness::period(&state.db, team.id, from, to, &state.time_zone()).await?;
    let qa = qa_scores(&state, &session, &people, from, to).await?;
    render(&FairnessPage {
        layout: Layout::new(&session, format!("Fairness: {}", team.name), "/work"),
        teams,
        team,
        from: from.to_string(),
        to: to.to_string(),
        people,
        qa,
        error,
    })
}

/// Each person's QA score over the period ("72.5 (n = 6, not yet reliable)"),
/// so development can be judged beside the stretch work taken; `None` when
/// the caller may not see evaluations.
async fn qa_scores(
    state: &AppState,
    session: &Session,
    people: &[PersonWork],
    from: jiff::civil::Date,
    to: jiff::civil::Date,
) -> Result<Option<std::collections::HashMap<i64, String>>, PageError> {
    if session.access(Action::ViewEvaluations) == crewdeck_core::auth::policy::Access::None {
        return Ok(None);
    }
    let ids: Vec<i64> = people.iter().map(|p| p.person_id).collect();
    let seconds = |day: jiff::civil::Date| day.to_zoned(state.time_zone()).map_or(0, |z| z.timestamp().as_second());
    let end = to.checked_add(1.day()).unwrap_or(to);
    let numbers = crewdeck_store::quality::numbers::numbers(&state.db, Some(&ids), seconds(from), seconds(end)).await?;
    Ok(Some(
        numbers
            .agents
            .into_iter()
            .filter_map(|a| {
                let s = a.summary?;
                let caveat = if s.reliable { "" } else { ", not yet reliable" };
                Some((a.person_id, format!("{:.1} (n = {}{caveat})", s.mean, s.n)))
            })
            .collect(),
    ))
}
