//! The skills catalogue, the skill form and the people-by-skills matrix.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use crewdeck_core::auth::policy::Access;
use crewdeck_core::auth::{Action, Subject};
use crewdeck_core::people::SkillFields;
use crewdeck_store::people::Scope;
use crewdeck_store::skills::{Matrix, Skill};
use crewdeck_store::teams::Team;
use crewdeck_store::{StoreError, skills};
use serde::Deserialize;

use super::people::visible_teams;
use super::{FormErrors, Layout, render, render_status};
use crate::error::PageError;
use crate::session::Session;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "skills.html")]
struct SkillsPage {
    layout: Layout,
    skills: Vec<Skill>,
    can_manage: bool,
}

/// Query carrying a confirmation code.
#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

/// `GET /skills`.
pub async fn list(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    render(&SkillsPage {
        layout: Layout::new(&session, "Skills", "/skills").with_notice(q.notice.as_deref()),
        skills: skills::list(&state.db).await?,
        can_manage: session.access(Action::ManageSkills) != Access::None,
    })
}

#[derive(Template)]
#[template(path = "skill_form.html")]
struct SkillFormPage {
    layout: Layout,
    heading: String,
    action: String,
    fields: SkillFields,
    errors: FormErrors,
}

impl SkillFormPage {
    fn level_value(&self, n: &usize) -> &str {
        match n {
            1 => &self.fields.level_1,
            2 => &self.fields.level_2,
            3 => &self.fields.level_3,
            4 => &self.fields.level_4,
            _ => &self.fields.level_5,
        }
    }
}

fn form(session: &Session, heading: String, action: String, fields: SkillFields, errors: FormErrors) -> SkillFormPage {
    SkillFormPage { layout: Layout::new(session, heading.clone(), "/skills"), heading, action, fields, errors }
}

/// `GET /skills/new`.
pub async fn new_form(Extension(session): Extension<Session>) -> Result<Response, PageError> {
    render(&form(&session, "Add a skill".into(), "/skills/new".into(), SkillFields::default(), FormErrors::default()))
}

/// `POST /skills/new`.
pub async fn create(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Form(fields): Form<SkillFields>,
) -> Result<Response, PageError> {
    let result = match fields.parse() {
        Ok(input) => skills::create(&state.db, &session.audit_actor(), &input, state.now()).await.map(|_| ()),
        Err(errors) => Err(StoreError::Invalid(errors)),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/skills?notice=created").into_response()),
        Err(StoreError::Invalid(errors)) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form(&session, "Add a skill".into(), "/skills/new".into(), fields, FormErrors(errors)),
        ),
        Err(e) => Err(e.into()),
    }
}

/// `GET /skills/{id}/edit`.
pub async fn edit_form(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let skill = skills::get(&state.db, id).await?;
    let level = |i: usize| skill.levels.get(i).cloned().unwrap_or_default();
    let fields = SkillFields {
        name: skill.name.clone(),
        description: skill.description.clone(),
        level_1: level(0),
        level_2: level(1),
        level_3: level(2),
        level_4: level(3),
        level_5: level(4),
    };
    render(&form(&session, format!("Edit {}", skill.name), format!("/skills/{id}/edit"), fields, FormErrors::default()))
}

/// `POST /skills/{id}/edit`.
pub async fn update(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Form(fields): Form<SkillFields>,
) -> Result<Response, PageError> {
    let result = match fields.parse() {
        Ok(input) => skills::update(&state.db, &session.audit_actor(), id, &input, state.now()).await,
        Err(errors) => Err(StoreError::Invalid(errors)),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/skills?notice=saved").into_response()),
        Err(StoreError::Invalid(errors)) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form(&session, "Edit skill".into(), format!("/skills/{id}/edit"), fields, FormErrors(errors)),
        ),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "matrix.html")]
struct MatrixPage {
    layout: Layout,
    matrix: Matrix,
    teams: Vec<Team>,
    team: Option<i64>,
}

#[derive(Template)]
#[template(path = "matrix_table.html")]
struct MatrixTable {
    matrix: Matrix,
}

/// Query of the matrix page.
#[derive(Debug, Deserialize)]
pub struct MatrixQuery {
    team: Option<String>,
}

/// The matrix for the caller's reach, optionally one team.
pub async fn matrix_for(state: &AppState, session: &Session, team: Option<i64>) -> Result<Matrix, StoreError> {
    let scope = match session.access(Action::ViewSkillsMatrix) {
        Access::All => Scope::All,
        _ => Scope::Teams { team_ids: session.actor.led_team_ids.clone(), own: None },
    };
    if team.is_some_and(|id| !session.may(Action::ViewSkillsMatrix, &Subject::Team { id })) {
        return Err(StoreError::Forbidden);
    }
    skills::matrix(&state.db, &scope, team, state.today()).await
}

/// `GET /skills/matrix`: the whole page, or just the table for an htmx filter change.
pub async fn matrix(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    headers: HeaderMap,
    Query(q): Query<MatrixQuery>,
) -> Result<Response, PageError> {
    let team = q.team.as_deref().and_then(|t| t.parse::<i64>().ok());
    let matrix = matrix_for(&state, &session, team).await?;
    if headers.contains_key("hx-request") {
        return render(&MatrixTable { matrix });
    }
    let teams = visible_teams(&state, &session)
        .await?
        .into_iter()
        .filter(|t| session.may(Action::ViewSkillsMatrix, &Subject::Team { id: t.id }))
        .collect();
    render(&MatrixPage { layout: Layout::new(&session, "Skills matrix", "/skills/matrix"), matrix, teams, team })
}
