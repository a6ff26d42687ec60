//! Teams: the list, one team with its members and history, and the team form.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use crewdeck_core::auth::policy::Access;
use crewdeck_core::auth::{Action, Subject};
use crewdeck_core::fields::FieldErrors;
use crewdeck_core::people::TeamFields;
use crewdeck_core::people::{optional_text, required_text};
use crewdeck_store::people::{PersonSummary, Scope};
use crewdeck_store::sites::Site;
use crewdeck_store::teams::{Team, TeamMembership};
use crewdeck_store::{StoreError, people, sites, teams};
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
    sites: Vec<Site>,
    can_manage: bool,
    site_errors: FormErrors,
    site_name: String,
    site_address: String,
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
        sites: sites::list(&state.db).await?,
        can_manage: session.access(Action::ManageTeams) != Access::None,
        site_errors: FormErrors::default(),
        site_name: String::new(),
        site_address: String::new(),
    })
}

/// The new-site form.
#[derive(Debug, Deserialize)]
pub struct SiteForm {
    #[serde(default)]
    site_name: String,
    #[serde(default)]
    site_address: String,
}

/// `POST /sites`.
pub async fn create_site(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Form(form): Form<SiteForm>,
) -> Result<Response, PageError> {
    let mut errors = FieldErrors::default();
    let name = errors.check(required_text("site_name", &form.site_name, 80));
    let address = errors.check(optional_text("site_address", &form.site_address, 200));
    let result = match (name, address) {
        (Some(name), Some(address)) if errors.is_empty() => {
            sites::create(&state.db, &session.audit_actor(), &name, address.as_deref(), state.now()).await.map(|_| ())
        }
        _ => Err(StoreError::Invalid(errors)),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/teams?notice=created#sites").into_response()),
        Err(StoreError::Invalid(errors)) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &TeamsPage {
                layout: Layout::new(&session, "Teams", "/teams"),
                teams: teams::list(&state.db, state.today()).await?,
                sites: sites::list(&state.db).await?,
                can_manage: true,
                site_errors: FormErrors(errors),
                site_name: form.site_name,
                site_address: form.site_address,
            },
        ),
        Err(e) => Err(e.into()),
    }
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
            people::team_ids_on(&state.db, person, state.today()).await?.contains(&id)
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
    sites: Vec<Site>,
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
        sites: sites::list(&state.db).await?,
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
            &form_page(&state, &session, "Create a team".into(), "/teams/new".into(), fields, FormErrors(errors))
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
        site_id: team.site_id.map(|s| s.to_string()).unwrap_or_default(),
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
        Ok(input) => teams::update(&state.db, &session.audit_actor(), id, &input, state.now()).await,
        Err(errors) => Err(StoreError::Invalid(errors)),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/teams/{id}?notice=saved")).into_response()),
        Err(StoreError::Invalid(errors)) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_page(&state, &session, "Edit team".into(), format!("/teams/{id}/edit"), fields, FormErrors(errors))
                .await?,
        ),
        Err(e) => Err(e.into()),
    }
}
