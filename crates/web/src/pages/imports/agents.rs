//! The agent mapping page: platform agent ids that match nobody, linked to
//! people so their contacts count for the person's team.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use crewdeck_core::auth::policy::Access;
use crewdeck_core::auth::{Action, Subject};
use crewdeck_core::fields::{FieldError, FieldErrors};
use crewdeck_store::StoreError;
use crewdeck_store::imports::{self, LinkedAgent, UnlinkedAgent};
use crewdeck_store::kpi::link_agent;
use crewdeck_store::people::{self, PersonSummary, Scope};
use serde::Deserialize;

use super::super::{FormErrors, Layout, render_status};
use crate::error::PageError;
use crate::session::Session;
use crate::state::AppState;

/// Unlinked ids shown at once, busiest first.
const SHOWN: i64 = 200;

#[derive(Template)]
#[template(path = "import_agents.html")]
struct AgentsPage {
    layout: Layout,
    unlinked: Vec<UnlinkedAgent>,
    linked: Vec<LinkedAgent>,
    people: Vec<PersonSummary>,
    errors: FormErrors,
    failed_agent: String,
}

/// A confirmation code.
#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

fn scope(session: &Session) -> Scope {
    match session.access(Action::LinkAgentIds) {
        Access::All => Scope::All,
        _ => Scope::Teams { team_ids: session.actor.led_team_ids.clone(), own: None },
    }
}

async fn page(
    state: &AppState,
    session: &Session,
    status: StatusCode,
    notice: Option<&str>,
    errors: FormErrors,
    failed_agent: String,
) -> Result<Response, PageError> {
    render_status(
        status,
        &AgentsPage {
            layout: Layout::new(session, "Agent ids", "/imports").with_notice(notice),
            unlinked: imports::unlinked_agents(&state.db, SHOWN).await?,
            linked: imports::linked_agents(&state.db).await?,
            people: people::list(&state.db, &scope(session), None, state.today()).await?,
            errors,
            failed_agent,
        },
    )
}

/// `GET /imports/agents`.
pub async fn show(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    page(&state, &session, StatusCode::OK, q.notice.as_deref(), FormErrors::default(), String::new()).await
}

/// The link form.
#[derive(Debug, Deserialize)]
pub struct LinkForm {
    #[serde(default)]
    agent_id: String,
    #[serde(default)]
    person_id: String,
}

/// `POST /imports/agents`: links one agent id to a person in the caller's reach.
pub async fn link(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Form(form): Form<LinkForm>,
) -> Result<Response, PageError> {
    let Ok(person_id) = form.person_id.trim().parse::<i64>() else {
        let errors = FormErrors(FieldErrors(vec![FieldError::new("person_id", "Choose the person from the list.")]));
        return page(&state, &session, StatusCode::UNPROCESSABLE_ENTITY, None, errors, form.agent_id).await;
    };
    let team_ids = people::team_ids_on(&state.db, person_id, state.today()).await?;
    session.require_page(Action::LinkAgentIds, &Subject::Person { id: person_id, team_ids })?;
    match link_agent(&state.db, &session.audit_actor(), &form.agent_id, person_id, state.now()).await {
        Ok(()) => Ok(Redirect::to("/imports/agents?notice=linked").into_response()),
        Err(StoreError::Invalid(errors)) => {
            page(&state, &session, StatusCode::UNPROCESSABLE_ENTITY, None, FormErrors(errors), form.agent_id).await
        }
        Err(e) => Err(e.into()),
    }
}
