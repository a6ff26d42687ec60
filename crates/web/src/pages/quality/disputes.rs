//! The disputes dashboard: open disputes first, each decided by a second
//! reviewer (never the evaluator who made the rating).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use crewdeck_core::auth::Action;
use crewdeck_store::quality::disputes::{self, Decision, DisputeRow};
use crewdeck_store::quality::evaluations;
use serde::Deserialize;

use super::{day_of, one_decimal, reach, require_for};
use crate::error::PageError;
use crate::pages::{Layout, render};
use crate::session::Session;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "quality/disputes.html")]
struct DisputesPage {
    layout: Layout,
    rows: Vec<DisputeRow>,
    me: Option<i64>,
}

impl DisputesPage {
    fn score(&self, value: &f64) -> String {
        one_decimal(*value)
    }
    fn day(&self, seconds: &i64) -> String {
        day_of(*seconds)
    }
    fn own(&self, row: &DisputeRow) -> bool {
        self.me.is_some() && row.evaluation.evaluator_person_id == self.me
    }
}

/// Query of the dashboard.
#[derive(Debug, Deserialize)]
pub struct ListQuery {
    notice: Option<String>,
}

/// `GET /quality/disputes`.
pub async fn list(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let people = reach(&state, &session, Action::DecideDisputes).await?;
    let page = DisputesPage {
        layout: Layout::new(&session, "Disputes", "/quality").with_notice(q.notice.as_deref()),
        rows: disputes::list(&state.db, people.as_deref()).await?,
        me: session.user.person_id,
    };
    render(&page)
}

/// The decision form.
#[derive(Debug, Deserialize)]
pub struct DecideForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    new_rating: String,
    #[serde(default)]
    note: String,
}

/// `POST /quality/disputes/{id}`: uphold (with the corrected rating) or reject.
pub async fn decide(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Form(form): Form<DecideForm>,
) -> Result<Response, PageError> {
    let dispute = disputes::get(&state.db, id).await?;
    let e = evaluations::header(&state.db, dispute.evaluation_id).await?;
    require_for(&state, &session, Action::DecideDisputes, &e).await?;
    let decision = match form.decision.as_str() {
        "uphold" => Decision::Uphold(disputes::parse_rating(&state.db, &dispute, &form.new_rating).await?),
        "reject" => Decision::Reject,
        _ => return Err(PageError::BadRequest("Choose to uphold or reject the dispute.".into())),
    };
    disputes::decide(&state.db, &session.audit_actor(), id, session.user.person_id, decision, &form.note, state.now())
        .await?;
    Ok(Redirect::to("/quality/disputes?notice=decided").into_response())
}
