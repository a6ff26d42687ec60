//! `GET /quality`: agents land on "My evaluations"; evaluators see their
//! queue, disputes waiting and recent evaluations of the people they lead.

use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::response::Response;
use crewdeck_core::auth::Action;
use crewdeck_core::auth::policy::Access;
use crewdeck_store::quality::evaluations::{self, EvaluationSummary};
use crewdeck_store::quality::{disputes, sampling};
use serde::Deserialize;

use super::{one_decimal, reach};
use crate::error::PageError;
use crate::pages::{Layout, render};
use crate::session::Session;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "quality/home.html")]
struct HomePage {
    layout: Layout,
    is_agent_view: bool,
    evaluations: Vec<EvaluationSummary>,
    queue_len: usize,
    open_disputes: usize,
    can_evaluate: bool,
    can_decide: bool,
    can_calibrate: bool,
    can_sample: bool,
    can_scorecards: bool,
}

impl HomePage {
    fn score(&self, value: &f64) -> String {
        one_decimal(*value)
    }
}

/// Query of the QA home.
#[derive(Debug, Deserialize)]
pub struct HomeQuery {
    notice: Option<String>,
}

/// `GET /quality`.
pub async fn show(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Query(q): Query<HomeQuery>,
) -> Result<Response, PageError> {
    let people = reach(&state, &session, Action::ViewEvaluations).await?;
    let is_agent_view = session.access(Action::ViewEvaluations) == Access::Own;
    let mut list = evaluations::list(&state.db, people.as_deref()).await?;
    if !is_agent_view {
        list.truncate(30);
    }
    let can_evaluate = session.access(Action::Evaluate) != Access::None;
    let can_decide = session.access(Action::DecideDisputes) != Access::None;
    let queue_len = match (can_evaluate, session.user.person_id) {
        (true, Some(me)) => sampling::queue(&state.db, Some(me)).await?.len(),
        _ => 0,
    };
    let open_disputes = if can_decide {
        let reach_d = reach(&state, &session, Action::DecideDisputes).await?;
        disputes::list(&state.db, reach_d.as_deref()).await?.iter().filter(|d| d.dispute.decision.is_none()).count()
    } else {
        0
    };
    let title = if is_agent_view { "My evaluations" } else { "Quality" };
    let page = HomePage {
        layout: Layout::new(&session, title, "/quality").with_notice(q.notice.as_deref()),
        is_agent_view,
        evaluations: list,
        queue_len,
        open_disputes,
        can_evaluate,
        can_decide,
        can_calibrate: session.access(Action::ViewCalibration) != Access::None,
        can_sample: session.access(Action::ManageSampling) != Access::None,
        can_scorecards: session.access(Action::ViewScorecards) != Access::None,
    };
    render(&page)
}
