//! One evaluation: the ratings with comments, the score, coaching actions and
//! disputes; the agent acknowledges it here and disputes single criteria.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use crewdeck_core::auth::Action;
use crewdeck_core::fields::FieldErrors;
use crewdeck_store::StoreError;
use crewdeck_store::quality::disputes;
use crewdeck_store::quality::evaluations::{self, EvaluationDetails};
use serde::Deserialize;

use super::{day_of, may_for, one_decimal, require_for};
use crate::error::PageError;
use crate::pages::{FormErrors, Layout, render, render_status};
use crate::session::Session;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "quality/evaluation.html")]
struct EvaluationPage {
    layout: Layout,
    e: EvaluationDetails,
    is_agent: bool,
    can_coach: bool,
    can_decide: bool,
    errors: FormErrors,
    failed_criterion: String,
    reason: String,
}

impl EvaluationPage {
    fn score(&self, value: &f64) -> String {
        one_decimal(*value)
    }
    fn points(&self, value: &Option<f64>) -> String {
        value.map_or_else(|| "—".to_string(), one_decimal)
    }
    fn day(&self, seconds: &i64) -> String {
        day_of(*seconds)
    }
    fn open_dispute(&self, criterion: &str) -> bool {
        self.e.disputes.iter().any(|d| d.criterion_id == criterion && d.decision.is_none())
    }
    fn new_section(&self, index: &usize) -> bool {
        *index == 0
            || self.e.criteria.get(index - 1).map(|c| &c.section) != self.e.criteria.get(*index).map(|c| &c.section)
    }
    fn is_failed(&self, criterion: &str) -> bool {
        self.failed_criterion == criterion
    }
}

async fn page(
    state: &AppState,
    session: &Session,
    id: i64,
    errors: FieldErrors,
    failed_criterion: String,
    reason: String,
) -> Result<EvaluationPage, PageError> {
    let e = evaluations::get(&state.db, id).await?;
    require_for(state, session, Action::ViewEvaluations, &e.summary).await?;
    let is_agent =
        session.user.person_id == Some(e.summary.agent_person_id) && e.summary.calibration_session_id.is_none();
    let can_coach = may_for(state, session, Action::Evaluate, e.summary.agent_person_id).await?;
    let can_decide = may_for(state, session, Action::DecideDisputes, e.summary.agent_person_id).await?;
    Ok(EvaluationPage {
        layout: Layout::new(session, format!("Evaluation of {}", e.summary.agent_name), "/quality"),
        e,
        is_agent,
        can_coach,
        can_decide,
        errors: FormErrors(errors),
        failed_criterion,
        reason,
    })
}

/// Query of the evaluation page.
#[derive(Debug, Deserialize)]
pub struct ShowQuery {
    notice: Option<String>,
}

/// `GET /quality/evaluations/{id}`.
pub async fn show(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, PageError> {
    let mut p = page(&state, &session, id, FieldErrors::default(), String::new(), String::new()).await?;
    p.layout = p.layout.with_notice(q.notice.as_deref());
    render(&p)
}

/// `POST /quality/evaluations/{id}/acknowledge`: the agent has read it.
pub async fn acknowledge(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let e = evaluations::header(&state.db, id).await?;
    require_for(&state, &session, Action::DisputeEvaluation, &e).await?;
    evaluations::acknowledge(&state.db, &session.audit_actor(), id, session.user.person_id, state.now()).await?;
    Ok(Redirect::to(&format!("/quality/evaluations/{id}?notice=acknowledged")).into_response())
}

/// The dispute form.
#[derive(Debug, Deserialize)]
pub struct DisputeForm {
    #[serde(default)]
    criterion_id: String,
    #[serde(default)]
    reason: String,
}

/// `POST /quality/evaluations/{id}/disputes`: the agent disputes one criterion.
pub async fn dispute(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Form(form): Form<DisputeForm>,
) -> Result<Response, PageError> {
    let e = evaluations::header(&state.db, id).await?;
    require_for(&state, &session, Action::DisputeEvaluation, &e).await?;
    let result = disputes::raise(
        &state.db,
        &session.audit_actor(),
        id,
        session.user.person_id,
        &form.criterion_id,
        &form.reason,
        state.now(),
    )
    .await;
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/quality/evaluations/{id}?notice=disputed")).into_response()),
        Err(StoreError::Invalid(errors)) => {
            let p = page(&state, &session, id, errors, form.criterion_id, form.reason).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &p)
        }
        Err(e) => Err(e.into()),
    }
}

/// The coaching form.
#[derive(Debug, Deserialize)]
pub struct CoachingForm {
    #[serde(default)]
    action: String,
}

/// `POST /quality/evaluations/{id}/coaching`: raises a coaching action.
pub async fn coaching(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Form(form): Form<CoachingForm>,
) -> Result<Response, PageError> {
    let e = evaluations::header(&state.db, id).await?;
    require_for(&state, &session, Action::Evaluate, &e).await?;
    evaluations::add_coaching(&state.db, &session.audit_actor(), id, &form.action, state.now()).await?;
    Ok(Redirect::to(&format!("/quality/evaluations/{id}?notice=saved#coaching")).into_response())
}
