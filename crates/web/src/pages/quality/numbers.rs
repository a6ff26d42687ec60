//! QA in the numbers: the mean score per agent and for the group over a
//! period with its 95% interval, "not yet reliable" below the sample
//! threshold, criterion failure rates and the skills gaps they point to.

use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::response::Response;
use crewdeck_core::auth::Action;
use crewdeck_core::auth::policy::Access;
use crewdeck_core::quality::{CriterionFailureRate, QaSummary};
use crewdeck_store::people::{self, Scope};
use crewdeck_store::quality::numbers::{self, Numbers};
use crewdeck_store::teams::{self, Team};
use jiff::ToSpan;
use jiff::civil::Date;
use serde::Deserialize;

use super::reach;
use crate::error::PageError;
use crate::pages::{Layout, render};
use crate::session::Session;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "quality/numbers.html")]
struct NumbersPage {
    layout: Layout,
    n: Numbers,
    from: String,
    to: String,
    teams: Vec<Team>,
    team: Option<i64>,
    is_agent_view: bool,
}

impl NumbersPage {
    fn mean(&self, s: &Option<QaSummary>) -> String {
        s.map_or_else(|| "—".into(), |s| format!("{:.1}", s.mean))
    }
    fn interval(&self, s: &Option<QaSummary>) -> String {
        match s.and_then(|s| s.lower.zip(s.upper)) {
            Some((l, u)) => format!("{l:.1} to {u:.1}"),
            None => "—".into(),
        }
    }
    fn count(&self, s: &Option<QaSummary>) -> usize {
        s.map_or(0, |s| s.n)
    }
    fn reliable(&self, s: &Option<QaSummary>) -> bool {
        s.is_some_and(|s| s.reliable)
    }
    fn is_team(&self, id: &i64) -> bool {
        self.team == Some(*id)
    }
    fn rate(&self, r: &CriterionFailureRate) -> String {
        match r.rate {
            Some(p) => format!("{:.0}% ({:.0}–{:.0}%)", p.value * 100.0, p.lower * 100.0, p.upper * 100.0),
            None => "—".into(),
        }
    }
}

/// Query of the numbers page.
#[derive(Debug, Deserialize)]
pub struct NumbersQuery {
    from: Option<String>,
    to: Option<String>,
    team: Option<String>,
}

fn day_seconds(state: &AppState, day: Date) -> i64 {
    day.to_zoned(state.time_zone()).map_or(0, |z| z.timestamp().as_second())
}

/// `GET /quality/numbers`.
pub async fn show(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Query(q): Query<NumbersQuery>,
) -> Result<Response, PageError> {
    let today = state.today();
    let to = q.to.as_deref().and_then(|t| t.parse::<Date>().ok()).unwrap_or(today);
    let from = q
        .from
        .as_deref()
        .and_then(|t| t.parse::<Date>().ok())
        .unwrap_or_else(|| to.checked_sub(90.days()).unwrap_or(to));
    let team = q.team.as_deref().and_then(|t| t.parse::<i64>().ok());
    let mut people_ids = reach(&state, &session, Action::ViewEvaluations).await?;
    let teams: Vec<Team> = match session.access(Action::ViewEvaluations) {
        Access::All => teams::list(&state.db, today).await?,
        Access::Team => teams::list(&state.db, today)
            .await?
            .into_iter()
            .filter(|t| session.actor.led_team_ids.contains(&t.id))
            .collect(),
        _ => Vec::new(),
    };
    if let Some(team) = team.filter(|t| teams.iter().any(|x| x.id == *t)) {
        let members: Vec<i64> =
            people::list(&state.db, &Scope::All, Some(team), today).await?.into_iter().map(|p| p.id).collect();
        people_ids = Some(match people_ids {
            None => members,
            Some(ids) => ids.into_iter().filter(|i| members.contains(i)).collect(),
        });
    }
    let end = to.checked_add(1.day()).unwrap_or(to);
    let n =
        numbers::numbers(&state.db, people_ids.as_deref(), day_seconds(&state, from), day_seconds(&state, end)).await?;
    render(&NumbersPage {
        layout: Layout::new(&session, "QA numbers", "/quality"),
        n,
        from: from.to_string(),
        to: to.to_string(),
        teams,
        team,
        is_agent_view: session.access(Action::ViewEvaluations) == Access::Own,
    })
}
