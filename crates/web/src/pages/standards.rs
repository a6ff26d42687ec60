//! Service standards (operations manager) and a team's own targets (its
//! leader or an operations manager), each write audited by the store.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use crewdeck_core::auth::{Action, Subject};
use crewdeck_core::fields::FieldErrors;
use crewdeck_core::kpi::{Channel, Comparison, Kpi, Standard, StandardFields, ValueFormat};
use crewdeck_store::standards::{self, TargetChange, TargetLevel};
use crewdeck_store::{StoreError, teams};
use serde::Deserialize;

use super::{FormErrors, Layout, render, render_status};
use crate::error::PageError;
use crate::session::Session;
use crate::state::AppState;

/// Query carrying a confirmation code.
#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

/// A choice in a select.
struct Choice {
    value: &'static str,
    label: String,
}

fn kpi_choices() -> Vec<Choice> {
    Kpi::ALL.iter().map(|k| Choice { value: k.as_str(), label: k.label().to_string() }).collect()
}

fn channel_choices() -> Vec<Choice> {
    Channel::ALL
        .iter()
        .map(|c| Choice { value: c.as_str(), label: super::dashboards::channel_label(c.as_str()) })
        .collect()
}

/// A value in display units for a form: 0.85 → "85".
fn display_value(kpi: Kpi, value: f64) -> String {
    let shown = match kpi.format() {
        ValueFormat::Percent => value * 100.0,
        _ => value,
    };
    let text = format!("{:.2}", shown);
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn unit_hint(kpi: Kpi) -> &'static str {
    match kpi.format() {
        ValueFormat::Percent => "%",
        ValueFormat::Seconds => "seconds",
        ValueFormat::Number => "points",
    }
}

struct StandardRow {
    id: i64,
    name: String,
    rule: String,
    amber: String,
    /// The values in the row's form: stored, or as typed when it failed.
    f: StandardFields,
    /// The row's form errors.
    e: FormErrors,
    /// True when the row's form failed, so it shows open.
    open: bool,
    /// Prefix for the row's field ids.
    prefix: String,
}

fn fields_of(s: &Standard) -> StandardFields {
    let kpi = s.input.kpi;
    StandardFields {
        name: s.input.name.clone(),
        kpi: kpi.as_str().to_string(),
        channel: s.input.channel.map(|c| c.as_str().to_string()).unwrap_or_default(),
        queue: s.input.queue.clone().unwrap_or_default(),
        threshold: display_value(kpi, s.input.threshold),
        comparison: s.input.comparison.as_str().to_string(),
        amber_band: display_value(kpi, s.input.amber_band),
    }
}

#[derive(Template)]
#[template(path = "standards.html")]
struct StandardsPage {
    layout: Layout,
    rows: Vec<StandardRow>,
    kpis: Vec<Choice>,
    channels: Vec<Choice>,
    /// The new-standard form's values and errors.
    new_f: StandardFields,
    new_e: FormErrors,
    min_responses: String,
    min_error: String,
}

async fn standards_page(state: &AppState, session: &Session) -> Result<StandardsPage, PageError> {
    let rows = standards::list(&state.db)
        .await?
        .iter()
        .map(|s| StandardRow {
            id: s.id,
            name: s.input.name.clone(),
            e: FormErrors::default(),
            open: false,
            prefix: format!("s{}", s.id),
            rule: s.rule(),
            amber: if s.input.amber_band > 0.0 {
                format!("amber within {} of the target", s.input.kpi.show(s.input.amber_band))
            } else {
                "no amber band".to_string()
            },
            f: fields_of(s),
        })
        .collect();
    Ok(StandardsPage {
        layout: Layout::new(session, "Service standards", "/dashboards"),
        rows,
        kpis: kpi_choices(),
        channels: channel_choices(),
        new_f: StandardFields::default(),
        new_e: FormErrors::default(),
        min_responses: standards::min_responses(&state.db).await?.0.to_string(),
        min_error: String::new(),
    })
}

/// `GET /standards`.
pub async fn list(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    let mut page = standards_page(&state, &session).await?;
    page.layout = page.layout.with_notice(q.notice.as_deref());
    render(&page)
}

async fn failed(
    state: &AppState,
    session: &Session,
    id: Option<i64>,
    form: StandardFields,
    errors: FieldErrors,
) -> Result<Response, PageError> {
    let mut page = standards_page(state, session).await?;
    match page.rows.iter_mut().find(|r| Some(r.id) == id) {
        Some(row) => {
            row.f = form;
            row.e = FormErrors(errors);
            row.open = true;
        }
        None => {
            page.new_f = form;
            page.new_e = FormErrors(errors);
        }
    }
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

/// `POST /standards`.
pub async fn create(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Form(form): Form<StandardFields>,
) -> Result<Response, PageError> {
    let result = match form.parse() {
        Ok(input) => standards::create(&state.db, &session.audit_actor(), &input, state.now()).await.map(|_| ()),
        Err(errors) => Err(StoreError::Invalid(errors)),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/standards?notice=created").into_response()),
        Err(StoreError::Invalid(errors)) => failed(&state, &session, None, form, errors).await,
        Err(e) => Err(e.into()),
    }
}

/// `POST /standards/{id}`.
pub async fn update(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Form(form): Form<StandardFields>,
) -> Result<Response, PageError> {
    let result = match form.parse() {
        Ok(input) => standards::update(&state.db, &session.audit_actor(), id, &input, state.now()).await,
        Err(errors) => Err(StoreError::Invalid(errors)),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/standards?notice=saved").into_response()),
        Err(StoreError::Invalid(errors)) => failed(&state, &session, Some(id), form, errors).await,
        Err(e) => Err(e.into()),
    }
}

/// The small-sample setting form.
#[derive(Debug, Deserialize)]
pub struct MinResponsesForm {
    #[serde(default)]
    min_responses: String,
}

/// `POST /standards/settings`.
pub async fn save_settings(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Form(form): Form<MinResponsesForm>,
) -> Result<Response, PageError> {
    let result = match form.min_responses.trim().parse::<u64>() {
        Ok(value) => standards::set_min_responses(&state.db, &session.audit_actor(), value, state.now()).await,
        Err(_) => Err(StoreError::field("min_responses", "enter a whole number of responses, like 30")),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/standards?notice=saved#settings").into_response()),
        Err(StoreError::Invalid(errors)) => {
            let mut page = standards_page(&state, &session).await?;
            page.min_responses = form.min_responses;
            page.min_error = errors.for_field("min_responses").unwrap_or_default().to_string();
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e.into()),
    }
}

struct TargetRow {
    standard_id: i64,
    standard: String,
    provenance: String,
    has_team_target: bool,
    threshold: String,
    amber_band: String,
    unit: &'static str,
    sign: &'static str,
    error: String,
}

#[derive(Template)]
#[template(path = "team_targets.html")]
struct TargetsPage {
    layout: Layout,
    team_id: i64,
    team_name: String,
    rows: Vec<TargetRow>,
}

async fn targets_page(
    state: &AppState,
    session: &Session,
    team_id: i64,
    failed: Option<(i64, &TargetForm, String)>,
) -> Result<TargetsPage, PageError> {
    let team = teams::get(&state.db, team_id, state.today()).await?;
    session.require_page(Action::ManageTeamTargets, &Subject::Team { id: team_id })?;
    let rows = standards::applied_for_team(&state.db, Some(team_id))
        .await?
        .into_iter()
        .map(|applied| {
            let kpi = applied.standard.input.kpi;
            let target = applied.target();
            let mut row = TargetRow {
                standard_id: applied.standard.id,
                standard: applied.standard.rule(),
                provenance: applied.provenance(),
                has_team_target: applied.team.is_some(),
                threshold: display_value(kpi, target.target),
                amber_band: display_value(kpi, target.amber_band),
                unit: unit_hint(kpi),
                sign: match applied.standard.input.comparison {
                    Comparison::AtLeast => "≥",
                    Comparison::AtMost => "≤",
                },
                error: String::new(),
            };
            if let Some((id, form, error)) = &failed
                && *id == row.standard_id
            {
                row.threshold = form.threshold.clone();
                row.amber_band = form.amber_band.clone();
                row.error = error.clone();
            }
            row
        })
        .collect();
    Ok(TargetsPage {
        layout: Layout::new(session, format!("Targets for {}", team.name), "/dashboards"),
        team_id,
        team_name: team.name,
        rows,
    })
}

/// `GET /teams/{id}/targets`.
pub async fn team_targets(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    let mut page = targets_page(&state, &session, id, None).await?;
    page.layout = page.layout.with_notice(q.notice.as_deref());
    render(&page)
}

/// The team-target form: set a level, or clear it with `clear=1`.
#[derive(Debug, Deserialize)]
pub struct TargetForm {
    #[serde(default)]
    standard_id: String,
    #[serde(default)]
    threshold: String,
    #[serde(default)]
    amber_band: String,
    #[serde(default)]
    clear: Option<String>,
}

/// `POST /teams/{id}/targets`.
pub async fn set_team_target(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Form(form): Form<TargetForm>,
) -> Result<Response, PageError> {
    teams::get(&state.db, id, state.today()).await?;
    session.require_page(Action::ManageTeamTargets, &Subject::Team { id })?;
    let standard_id: i64 = form
        .standard_id
        .trim()
        .parse()
        .map_err(|_| PageError::BadRequest("Choose a standard from the list.".into()))?;
    let standard = standards::get(&state.db, standard_id).await?;
    let actor = session.audit_actor();
    let result = if form.clear.is_some() {
        standards::clear_team_target(&state.db, &actor, id, standard_id, state.now()).await
    } else {
        let kpi = standard.input.kpi;
        let mut errors = FieldErrors::default();
        let threshold = errors.check(kpi.parse_display("threshold", &form.threshold));
        let band = errors.check(kpi.parse_band("amber_band", &form.amber_band));
        match (threshold, band) {
            (Some(threshold), Some(amber_band)) if errors.is_empty() => {
                let change = TargetChange {
                    team_id: id,
                    standard_id,
                    level: TargetLevel { threshold, amber_band },
                    set_by: session.user.name.clone(),
                    today: state.today(),
                };
                standards::set_team_target(&state.db, &actor, &change, state.now()).await
            }
            _ => Err(StoreError::Invalid(errors)),
        }
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/teams/{id}/targets?notice=saved")).into_response()),
        Err(StoreError::Invalid(errors)) => {
            let page = targets_page(&state, &session, id, Some((standard_id, &form, errors.to_string()))).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e.into()),
    }
}
