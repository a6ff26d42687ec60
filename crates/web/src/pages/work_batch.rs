//! Batch allocation pages: run a proposal for a team and day, read each
//! line's rationale, ask "why not" for any item and person, move lines with a
//! reason, and confirm.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use crewdeck_core::allocation::work::parse_reason;
use crewdeck_core::auth::{Action, Subject};
use crewdeck_core::fields::{FieldError, FieldErrors};
use crewdeck_core::people::parse_date;
use crewdeck_store::StoreError;
use crewdeck_store::allocation::batch::{self, Batch, Choice};
use crewdeck_store::allocation::roster;
use serde::Deserialize;

use super::work::{chosen, teams_for};
use super::{FormErrors, Layout, render_status};
use crate::error::PageError;
use crate::session::Session;
use crate::state::AppState;

/// The form that runs a batch.
#[derive(Debug, Deserialize)]
pub struct ProposeForm {
    #[serde(default)]
    team: String,
    #[serde(default)]
    plan_date: String,
}

/// `POST /work/batches`: runs the engine and shows the draft.
pub async fn propose(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Form(form): Form<ProposeForm>,
) -> Result<Response, PageError> {
    let teams = teams_for(&state, &session, Action::AllocateWork).await?;
    let Some(team) = chosen(&teams, form.team.trim().parse().ok()) else {
        return Err(PageError::NotFound("You do not lead a team yet, so there is nothing to allocate.".into()));
    };
    let day = if form.plan_date.trim().is_empty() {
        state.today()
    } else {
        parse_date("plan_date", &form.plan_date).map_err(|e| PageError::BadRequest(e.message))?
    };
    match batch::propose(&state.db, &session.audit_actor(), team.id, day, state.now()).await {
        Ok(id) => Ok(Redirect::to(&format!("/work/batches/{id}")).into_response()),
        Err(StoreError::Conflict(_)) => {
            Ok(Redirect::to(&format!("/work?team={}&notice=nothing_to_allocate", team.id)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "work_batch.html")]
struct BatchPage {
    layout: Layout,
    batch: Batch,
    team_name: String,
    members: Vec<Choice>,
    why: Option<WhyAnswer>,
    failed_item: i64,
    errors: FormErrors,
    skipped: Vec<String>,
}

/// A "why not" question and its answer, shown at the top of the page.
struct WhyAnswer {
    item: i64,
    person_id: i64,
    person: String,
    answer: String,
}

impl BatchPage {
    /// True for the item of the question just asked, so the form keeps it.
    fn asked_item(&self, item: &i64) -> bool {
        self.why.as_ref().is_some_and(|w| w.item == *item)
    }

    /// True for the person of the question just asked.
    fn asked_person(&self, person: &i64) -> bool {
        self.why.as_ref().is_some_and(|w| w.person_id == *person)
    }

    fn errors_for(&self, item: &i64) -> FormErrors {
        if *item == self.failed_item { self.errors.clone() } else { FormErrors::default() }
    }
}

/// Loads a batch the caller may allocate for; others' batches answer 404.
async fn load(state: &AppState, session: &Session, id: i64) -> Result<Batch, PageError> {
    let team = batch::team_of(&state.db, id).await?;
    if !session.may(Action::AllocateWork, &Subject::Team { id: team }) {
        return Err(PageError::NotFound(format!("Batch {id}")));
    }
    Ok(batch::get(&state.db, id).await?)
}

async fn page(
    state: &AppState,
    session: &Session,
    batch: Batch,
    why: Option<WhyAnswer>,
    failure: Option<(i64, FieldErrors)>,
    skipped: Vec<String>,
) -> Result<BatchPage, PageError> {
    let day = parse_date("plan_date", &batch.plan_date).unwrap_or_else(|_| state.today());
    let members = roster::team(&state.db, batch.team_id, day)
        .await?
        .into_iter()
        .map(|a| Choice { person_id: a.person_id, name: a.name })
        .collect();
    let team_name = crewdeck_store::teams::get(&state.db, batch.team_id, state.today()).await?.name;
    let (failed_item, errors) = failure.unwrap_or((0, FieldErrors::default()));
    Ok(BatchPage {
        layout: Layout::new(session, format!("Allocation for {}", batch.plan_date), "/work"),
        team_name,
        members,
        why,
        failed_item,
        errors: FormErrors(errors),
        skipped,
        batch,
    })
}

/// Query of the batch page: an optional "why not" question.
#[derive(Debug, Deserialize)]
pub struct BatchQuery {
    why_item: Option<i64>,
    why_person: Option<i64>,
}

/// `GET /work/batches/{id}`: the proposal, with the answer to "why not" when asked.
pub async fn show(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Query(q): Query<BatchQuery>,
) -> Result<Response, PageError> {
    let batch = load(&state, &session, id).await?;
    let why = match (q.why_item, q.why_person) {
        (Some(item), Some(person)) => {
            let answer = batch::why_not(&state.db, id, item, person).await?;
            let name = crewdeck_store::people::get(&state.db, person).await?.name;
            Some(WhyAnswer { item, person_id: person, person: name, answer })
        }
        _ => None,
    };
    render_status(StatusCode::OK, &page(&state, &session, batch, why, None, Vec::new()).await?)
}

/// The form that moves one line.
#[derive(Debug, Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    item_id: String,
    #[serde(default)]
    person_id: String,
    #[serde(default)]
    reason: String,
}

/// `POST /work/batches/{id}/move`: moves a line to another person, with a reason.
pub async fn move_line(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Form(form): Form<MoveForm>,
) -> Result<Response, PageError> {
    load(&state, &session, id).await?;
    let mut errors = FieldErrors::default();
    let item = form.item_id.trim().parse::<i64>().unwrap_or(0);
    let person = errors.check(
        form.person_id.trim().parse::<i64>().map_err(|_| FieldError::new("person_id", "Choose someone from the list.")),
    );
    let reason = errors.check(parse_reason("reason", &form.reason));
    let result = match (person, reason) {
        (Some(person), Some(reason)) => {
            batch::move_line(&state.db, &session.audit_actor(), id, item, person, &reason, state.now()).await
        }
        _ => Err(StoreError::Invalid(errors)),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/work/batches/{id}#item-{item}")).into_response()),
        Err(StoreError::Invalid(errors)) => {
            let batch = batch::get(&state.db, id).await?;
            let p = page(&state, &session, batch, None, Some((item, errors)), Vec::new()).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &p)
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /work/batches/{id}/confirm`: assigns every line in one transaction.
pub async fn confirm(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let batch = load(&state, &session, id).await?;
    let report = batch::confirm(&state.db, &session.audit_actor(), id, state.now()).await?;
    if report.skipped.is_empty() {
        return Ok(Redirect::to(&format!("/work?team={}&notice=confirmed", batch.team_id)).into_response());
    }
    let batch = batch::get(&state.db, id).await?;
    render_status(StatusCode::OK, &page(&state, &session, batch, None, None, report.skipped).await?)
}
