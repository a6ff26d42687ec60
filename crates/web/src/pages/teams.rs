//! Teams: the list, one team with its members and history, and the team form.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use crewdeck_core::auth::policy::Access;
use crewdeck_core::auth::{Action, Subject};
use crewdeck_core::people::TeamFields;
use crewdeck_store::people::{PersonSummary, Scope};
use crewdeck_store::teams::{Team, TeamMembership};
use crewdeck_store::{StoreError, people, teams};
use serde::Deserialize;

use super::{FormErrors, Layout, render, render_status};
use crate::error::PageError;
use crate::session::Session;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "teams.html")]
struct TeamsPage {
    layout: Layout,
    teams: Vec<Team>,
    can_manage: bool,
}

/// Query carrying a confirmation code.
#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

/// `GET /teams`.
pub async fn list(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    let own_teams = match session.user.person_id {
        Some(id) => people::team_ids_on(&state.db, id, state.today()).await?,
        None => Vec::new(),
    };
    let all = teams::list(&state.db, state.today()).await?;
    let teams = all
        .into_iter()
        .filter(|t| match session.access(Action::ListTeams) {
            Access::All => true,
            Access::Team => session.actor.led_team_ids.contains(&t.id) || own_teams.contains(&t.id),
            Access::Own => own_teams.contains(&t.id),
            Access::None => false,
        })
        .collect();
    render(&TeamsPage {
        layout: Layout::new(&session, "Teams", "/teams").with_notice(q.notice.as_deref()),
        teams,
        can_manage: session.access(Action::ManageTeams) != Access::None,
    })
}

#[derive(Template)]
#[template(path = "team.html")]
struct TeamPage {
    layout: Layout,
    team: Team,
    people: Vec<PersonSummary>,
    history: Vec<TeamMembership>,
    can_manage: bool,
    can_matrix: bool,
}

async fn may_view(state: &AppState, session: &Session, id: i64) -> Result<bool, PageError> {
    if session.may(Action::ViewTeam, &Subject::Team { id }) {
        return Ok(true);
    }
    // Members may see their own team.
    Ok(match session.user.person_id {
        Some(person) if session.access(Action::ViewTeam) != Access::None => {
            people::team_ids_on(&state.db, person, state.today())
                .await?
                .contains(&id)
        }
        _ => false,
    })
}

/// `GET /teams/{id}`.
pub async fn show(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    let team = teams::get(&state.db, id, state.today()).await?;
    if !may_view(&state, &session, id).await? {
        return Err(PageError::Forbidden);
    }
    let members = people::list(&state.db, &Scope::All, Some(id), state.today()).await?;
    let history = if session.access(Action::ListPeople) == Access::None {
        Vec::new()
    } else {
        teams::history(&state.db, id).await?
    };
    render(&TeamPage {
        layout: Layout::new(&session, team.name.clone(), "/teams").with_notice(q.notice.as_deref()),
        can_manage: session.access(Action::ManageTeams) != Access::None,
        can_matrix: session.may(Action::ViewSkillsMatrix, &Subject::Team { id }),
        team,
        people: members,
        history,
    })
}

#[derive(Template)]
#[template(path = "team_form.html")]
struct TeamFormPage {
    layout: Layout,
    heading: String,
    action: String,
    fields: TeamFields,
    errors: FormErrors,
    leaders: Vec<PersonSummary>,
}

async fn form_page(
    state: &AppState,
    session: &Session,
    heading: String,
    action: String,
    fields: TeamFields,
    errors: FormErrors,
) -> Result<TeamFormPage, PageError> {
    Ok(TeamFormPage {
        layout: Layout::new(session, heading.clone(), "/teams"),
        heading,
        action,
        fields,
        errors,
        leaders: people::list(&state.db, &Scope::All, None, state.today()).await?,
    })
}

/// `GET /teams/new`.
pub async fn new_form(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
) -> Result<Response, PageError> {
    render(
        &form_page(
            &state,
            &session,
            "Create a team".into(),
            "/teams/new".into(),
            TeamFields::default(),
            FormErrors::default(),
        )
        .await?,
    )
}

/// `POST /teams/new`.
pub async fn create(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Form(fields): Form<TeamFields>,
) -> Result<Response, PageError> {
    let result = match fields.parse() {
        Ok(input) => teams::create(&state.db, &session.audit_actor(), &input, state.now()).await,
        Err(errors) => Err(StoreError::Invalid(errors)),
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/teams/{id}?notice=created")).into_response()),
        Err(StoreError::Invalid(errors)) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_page(
                &state,
                &session,
                "Create a team".into(),
                "/teams/new".into(),
                fields,
                FormErrors(errors),
            )
            .await?,
        ),
        Err(e) => Err(e.into()),
    }
}

/// `GET /teams/{id}/edit`.
pub async fn edit_form(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let team = teams::get(&state.db, id, state.today()).await?;
    let fields = TeamFields {
        name: team.name.clone(),
        purpose: team.purpose.unwrap_or_default(),
        leader_id: team.leader_id.map(|l| l.to_string()).unwrap_or_default(),
    };
    render(
        &form_page(
            &state,
            &session,
            format!("Edit {}", team.name),
            format!("/teams/{id}/edit"),
            fields,
            FormErrors::default(),
        )
        .await?,
    )
}

/// `POST /teams/{id}/edit`.
pub async fn update(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Form(fields): Form<TeamFields>,
) -> Result<Response, PageError> {
    let result = match fields.parse() {
        Ok(input) => {
            teams::update(&state.db, &session.audit_actor(), id, &input, state.now()).await
        }
        Err(errors) => Err(StoreError::Invalid(errors)),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/teams/{id}?notice=saved")).into_response()),
        Err(StoreError::Invalid(errors)) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_page(
                &state,
                &session,
                "Edit team".into(),
                format!("/teams/{id}/edit"),
                fields,
                FormErrors(errors),
            )
            .await?,
        ),
        Err(e) => Err(e.into()),
    }
}
