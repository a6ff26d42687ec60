//! The people list and the forms that create and edit a person.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use crewdeck_core::auth::policy::Access;
use crewdeck_core::auth::{Action, Subject};
use crewdeck_core::people::{CommunicationStyle, PersonFields, PreferredChannel};
use crewdeck_store::people::PersonSummary;
use crewdeck_store::teams::Team;
use crewdeck_store::{StoreError, people, teams};
use serde::Deserialize;

use super::home::people_scope;
use super::{FormErrors, Layout, render, render_status};
use crate::error::PageError;
use crate::session::Session;
use crate::state::AppState;

/// One option of a select.
pub struct Choice {
    /// Submitted value.
    pub value: String,
    /// Shown text.
    pub label: String,
}

fn channel_choices() -> Vec<Choice> {
    PreferredChannel::ALL.iter().map(|c| Choice { value: c.as_str().into(), label: c.label().into() }).collect()
}

fn style_choices() -> Vec<Choice> {
    CommunicationStyle::ALL.iter().map(|c| Choice { value: c.as_str().into(), label: c.label().into() }).collect()
}

#[derive(Template)]
#[template(path = "people.html")]
struct PeoplePage {
    layout: Layout,
    people: Vec<PersonSummary>,
    teams: Vec<Team>,
    team: Option<i64>,
    can_create: bool,
}

#[derive(Template)]
#[template(path = "people_table.html")]
struct PeopleTable {
    people: Vec<PersonSummary>,
}

/// Query of the people list.
#[derive(Debug, Deserialize)]
pub struct ListQuery {
    team: Option<String>,
    notice: Option<String>,
}

/// Teams the caller may filter by.
pub async fn visible_teams(state: &AppState, session: &Session) -> Result<Vec<Team>, PageError> {
    Ok(teams::list(&state.db, state.today())
        .await?
        .into_iter()
        .filter(|t| {
            session.may(Action::ViewTeam, &Subject::Team { id: t.id })
                || session.access(Action::ListPeople) == Access::All
        })
        .collect())
}

/// `GET /people`: the whole page, or just the table for an htmx filter change.
pub async fn list(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let team = q.team.as_deref().and_then(|t| t.parse::<i64>().ok());
    let people = people::list(&state.db, &people_scope(&session), team, state.today()).await?;
    if headers.contains_key("hx-request") {
        return render(&PeopleTable { people });
    }
    render(&PeoplePage {
        layout: Layout::new(&session, "People", "/people").with_notice(q.notice.as_deref()),
        people,
        teams: visible_teams(&state, &session).await?,
        team,
        can_create: session.access(Action::CreatePerson) != Access::None,
    })
}

#[derive(Template)]
#[template(path = "person_form.html")]
struct PersonFormPage {
    layout: Layout,
    heading: String,
    action: String,
    fields: PersonFields,
    errors: FormErrors,
    channels: Vec<Choice>,
    styles: Vec<Choice>,
    teams: Vec<Team>,
    team_id: String,
    is_new: bool,
}

/// The person form with the optional starting team.
#[derive(Debug, Deserialize)]
pub struct PersonForm {
    #[serde(flatten)]
    fields: PersonFields,
    #[serde(default)]
    team_id: String,
}

/// `GET /people/new`.
pub async fn new_form(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
) -> Result<Response, PageError> {
    let fields = PersonFields {
        start_date: state.today().to_string(),
        contracted_hours: "37.5".into(),
        comm_channel: "email".into(),
        comm_style: "brief".into(),
        ..Default::default()
    };
    render(&PersonFormPage {
        layout: Layout::new(&session, "Add a person", "/people"),
        heading: "Add a person".into(),
        action: "/people/new".into(),
        fields,
        errors: FormErrors::default(),
        channels: channel_choices(),
        styles: style_choices(),
        teams: visible_teams(&state, &session).await?,
        team_id: String::new(),
        is_new: true,
    })
}

/// `POST /people/new`.
pub async fn create(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Form(form): Form<PersonForm>,
) -> Result<Response, PageError> {
    let team_id = form.team_id.trim().parse::<i64>().ok();
    let result = match form.fields.parse() {
        Ok(input) => people::create(&state.db, &session.audit_actor(), &input, team_id, state.now()).await,
        Err(errors) => Err(StoreError::Invalid(errors)),
    };
    match result {
        Ok(person) => Ok(Redirect::to(&format!("/people/{}?notice=created", person.id)).into_response()),
        Err(StoreError::Invalid(errors)) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &PersonFormPage {
                layout: Layout::new(&session, "Add a person", "/people"),
                heading: "Add a person".into(),
                action: "/people/new".into(),
                fields: form.fields,
                errors: FormErrors(errors),
                channels: channel_choices(),
                styles: style_choices(),
                teams: visible_teams(&state, &session).await?,
                team_id: form.team_id,
                is_new: true,
            },
        ),
        Err(e) => Err(e.into()),
    }
}

/// Loads a person's subject (with today's teams) for a policy check.
pub async fn person_subject(state: &AppState, id: i64) -> Result<Subject, PageError> {
    people::get(&state.db, id).await?;
    Ok(Subject::Person { id, team_ids: people::team_ids_on(&state.db, id, state.today()).await? })
}

/// `GET /people/{id}/edit`.
pub async fn edit_form(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    session.require_page(Action::EditPerson, &person_subject(&state, id).await?)?;
    let p = people::get(&state.db, id).await?;
    let fields = PersonFields {
        name: p.name.clone(),
        email: p.email,
        job_role: p.job_role,
        start_date: p.start_date,
        contracted_hours: p.contracted_hours.to_string(),
        working_pattern: p.working_pattern.unwrap_or_default(),
        comm_channel: p.comm_channel,
        comm_style: p.comm_style,
    };
    render(&PersonFormPage {
        layout: Layout::new(&session, format!("Edit {}", p.name), "/people"),
        heading: format!("Edit {}", p.name),
        action: format!("/people/{id}/edit"),
        fields,
        errors: FormErrors::default(),
        channels: channel_choices(),
        styles: style_choices(),
        teams: Vec::new(),
        team_id: String::new(),
        is_new: false,
    })
}

/// `POST /people/{id}/edit`.
pub async fn update(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Form(form): Form<PersonForm>,
) -> Result<Response, PageError> {
    session.require_page(Action::EditPerson, &person_subject(&state, id).await?)?;
    let result = match form.fields.parse() {
        Ok(input) => people::update(&state.db, &session.audit_actor(), id, &input, state.now()).await.map(|_| ()),
        Err(errors) => Err(StoreError::Invalid(errors)),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/people/{id}?notice=saved")).into_response()),
        Err(StoreError::Invalid(errors)) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &PersonFormPage {
                layout: Layout::new(&session, "Edit a person", "/people"),
                heading: "Edit a person".into(),
                action: format!("/people/{id}/edit"),
                fields: form.fields,
                errors: FormErrors(errors),
                channels: channel_choices(),
                styles: style_choices(),
                teams: Vec::new(),
                team_id: String::new(),
                is_new: false,
            },
        ),
        Err(e) => Err(e.into()),
    }
}
