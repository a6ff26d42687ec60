//! Administration: user accounts and the audit trail.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use crewdeck_core::fields::FieldErrors;
use crewdeck_core::people::{Email, Role, required_text};
use crewdeck_store::accounts::{self, User};
use crewdeck_store::audit::{self, AuditEvent};
use crewdeck_store::teams::Team;
use crewdeck_store::{StoreError, teams};
use serde::Deserialize;

use super::people::Choice;
use super::{FormErrors, Layout, render, render_status};
use crate::error::PageError;
use crate::session::Session;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    layout: Layout,
    users: Vec<User>,
    roles: Vec<Choice>,
    teams: Vec<Team>,
    errors: FormErrors,
    form: NewUserForm,
    issued: Option<(String, String)>,
}

/// The new-user form.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct NewUserForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    team_id: String,
}

fn role_choices() -> Vec<Choice> {
    Role::ALL.iter().map(|r| Choice { value: r.as_str().into(), label: r.label().into() }).collect()
}

async fn users_page(
    state: &AppState,
    session: &Session,
    errors: FormErrors,
    form: NewUserForm,
    issued: Option<(String, String)>,
) -> Result<UsersPage, PageError> {
    Ok(UsersPage {
        layout: Layout::new(session, "Users", "/admin/users"),
        users: accounts::list(&state.db).await?,
        roles: role_choices(),
        teams: teams::list(&state.db, state.today()).await?,
        errors,
        form,
        issued,
    })
}

/// `GET /admin/users`.
pub async fn users(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
) -> Result<Response, PageError> {
    render(
        &users_page(
            &state,
            &session,
            FormErrors::default(),
            NewUserForm { role: "agent".into(), ..Default::default() },
            None,
        )
        .await?,
    )
}

/// `POST /admin/users`: creates an account and shows its one-time password once.
pub async fn create_user(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Form(form): Form<NewUserForm>,
) -> Result<Response, PageError> {
    let mut errors = FieldErrors::default();
    let email = errors.check(Email::parse("email", &form.email));
    let name = errors.check(required_text("name", &form.name, 120));
    let role = errors.check(Role::parse("role", &form.role));
    let team = form.team_id.trim().parse::<i64>().ok();
    let result = match (email, name, role) {
        (Some(email), Some(name), Some(role)) if errors.is_empty() => {
            accounts::create(&state.db, &session.audit_actor(), &email, &name, role, team, state.today(), state.now())
                .await
        }
        _ => Err(StoreError::Invalid(errors)),
    };
    match result {
        Ok(account) => {
            let issued = Some((account.user.email.clone(), account.password));
            render(
                &users_page(
                    &state,
                    &session,
                    FormErrors::default(),
                    NewUserForm { role: "agent".into(), ..Default::default() },
                    issued,
                )
                .await?,
            )
        }
        Err(StoreError::Invalid(errors)) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &users_page(&state, &session, FormErrors(errors), form, None).await?,
        ),
        Err(e) => Err(e.into()),
    }
}

/// The role/active form.
#[derive(Debug, Deserialize)]
pub struct UpdateUserForm {
    #[serde(default)]
    role: String,
    #[serde(default)]
    active: Option<String>,
}

/// `POST /admin/users/{id}`.
pub async fn update_user(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Form(form): Form<UpdateUserForm>,
) -> Result<Response, PageError> {
    let role = Role::parse("role", &form.role).map_err(|e| PageError::BadRequest(e.message))?;
    let active = form.active.is_some();
    if id == session.user.id && (!active || role != Role::Admin) {
        return Err(PageError::Conflict(
            "You cannot remove your own administrator access. Ask another administrator to do it.".into(),
        ));
    }
    accounts::update(&state.db, &session.audit_actor(), id, role, active, state.now()).await?;
    Ok(Redirect::to("/admin/users").into_response())
}

/// `POST /admin/users/{id}/reset`.
pub async fn reset_password(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let password = accounts::reset_password(&state.db, &session.audit_actor(), id, state.now()).await?;
    let user = accounts::get(&state.db, id).await?;
    render(
        &users_page(
            &state,
            &session,
            FormErrors::default(),
            NewUserForm { role: "agent".into(), ..Default::default() },
            Some((user.email, password)),
        )
        .await?,
    )
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    layout: Layout,
    events: Vec<AuditEvent>,
    subject: String,
    older: Option<i64>,
    chain: String,
    chain_ok: bool,
}

/// Query of the audit page.
#[derive(Debug, Deserialize)]
pub struct AuditQuery {
    subject: Option<String>,
    before: Option<i64>,
}

const PAGE: i64 = 100;

/// `GET /admin/audit`.
pub async fn audit_trail(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Query(q): Query<AuditQuery>,
) -> Result<Response, PageError> {
    let subject = q.subject.unwrap_or_default().trim().to_string();
    let events = audit::list(&state.db, (!subject.is_empty()).then_some(subject.as_str()), PAGE, q.before).await?;
    let older = (events.len() as i64 == PAGE).then(|| events.last().map(|e| e.seq)).flatten();
    let (chain, chain_ok) = match audit::verify(&state.db).await {
        Ok(n) => (format!("All {n} events verified: the chain is intact."), true),
        Err(e) => (format!("The chain is broken: {e}. Restore from a backup and investigate."), false),
    };
    render(&AuditPage {
        layout: Layout::new(&session, "Audit trail", "/admin/audit"),
        events,
        subject,
        older,
        chain,
        chain_ok,
    })
}

#[derive(Template)]
#[template(path = "organisation.html")]
struct OrganisationPage {
    layout: Layout,
    name: String,
    time_zone: String,
    errors: FormErrors,
}

/// `GET /admin/organisation`.
pub async fn organisation(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    let org =
        crewdeck_store::org::get(&state.db).await?.ok_or_else(|| PageError::NotFound("The organisation".into()))?;
    render(&OrganisationPage {
        layout: Layout::new(&session, "Organisation", "/admin/organisation").with_notice(q.notice.as_deref()),
        name: org.name,
        time_zone: org.time_zone,
        errors: FormErrors::default(),
    })
}

/// Query carrying a confirmation code.
#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

/// The organisation form.
#[derive(Debug, Deserialize)]
pub struct OrganisationForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    time_zone: String,
}

/// `POST /admin/organisation`.
pub async fn save_organisation(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Form(form): Form<OrganisationForm>,
) -> Result<Response, PageError> {
    let mut errors = FieldErrors::default();
    let name = errors.check(required_text("name", &form.name, 120));
    let result = match name {
        Some(name) if errors.is_empty() => {
            crewdeck_store::org::update(&state.db, &session.audit_actor(), &name, form.time_zone.trim(), state.now())
                .await
        }
        _ => Err(StoreError::Invalid(errors)),
    };
    match result {
        Ok(()) => {
            if let Ok(tz) = jiff::tz::TimeZone::get(form.time_zone.trim()) {
                state.set_time_zone(tz);
            }
            Ok(Redirect::to("/admin/organisation?notice=saved").into_response())
        }
        Err(StoreError::Invalid(errors)) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &OrganisationPage {
                layout: Layout::new(&session, "Organisation", "/admin/organisation"),
                name: form.name,
                time_zone: form.time_zone,
                errors: FormErrors(errors),
            },
        ),
        Err(e) => Err(e.into()),
    }
}
