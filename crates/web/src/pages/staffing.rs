//! Staffing pages: the teams' plans, each queue's forecast backtest,
//! requirements heatmap and chart, the what-if form (a full page without
//! JavaScript, a fragment through htmx), the printable operational plan and
//! the queue settings form.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use crewdeck_core::auth::policy::Access;
use crewdeck_core::auth::{Action, Subject};
use crewdeck_core::fields::FieldErrors;
use crewdeck_core::staffing::requirements::{WhatIf, WhatIfFields};
use crewdeck_store::StoreError;
use crewdeck_store::staffing::forecast::{self, ForecastOptions};
use crewdeck_store::staffing::plan::{self, Resource};
use crewdeck_store::staffing::settings::{self, SettingsForm, StaffingSettings};
use crewdeck_store::staffing::{history, special_days};
use crewdeck_store::teams::{self, Team};
use serde::Deserialize;

use super::staffing_contingency::{PlanView, plan_views};
use super::staffing_view::{PlanLevels, QueueView, WhatIfView, plan_levels, queue_view, what_if_view};
use super::{FormErrors, Layout, render, render_status};
use crate::error::PageError;
use crate::session::Session;
use crate::state::AppState;

/// Teams the caller may plan for.
async fn visible_teams(state: &AppState, session: &Session) -> Result<Vec<Team>, PageError> {
    Ok(teams::list(&state.db, state.today())
        .await?
        .into_iter()
        .filter(|t| session.may(Action::ViewStaffing, &Subject::Team { id: t.id }))
        .collect())
}

/// One team's line on the staffing index.
struct TeamLine {
    team: Team,
    queues: Vec<StaffingSettings>,
}

#[derive(Template)]
#[template(path = "staffing_index.html")]
struct IndexPage {
    layout: Layout,
    teams: Vec<TeamLine>,
    unassigned: Vec<String>,
    can_manage_all: bool,
    special_days: Vec<special_days::SpecialDay>,
    kinds: &'static [(&'static str, &'static str)],
    day_errors: FormErrors,
    day_form: SpecialDayForm,
}

/// `GET /staffing`.
pub async fn index(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    let saved = settings::list(&state.db).await?;
    let teams = visible_teams(&state, &session).await?;
    let lines = teams
        .into_iter()
        .map(|team| {
            let queues = saved.iter().filter(|s| s.team_id == Some(team.id)).cloned().collect();
            TeamLine { team, queues }
        })
        .collect();
    let can_manage_all = session.access(Action::ManageStaffing) == Access::All;
    let unassigned = if can_manage_all {
        history::queues(&state.db)
            .await?
            .into_iter()
            .filter(|q| !saved.iter().any(|s| s.queue == q.queue && s.team_id.is_some()))
            .map(|q| q.queue)
            .collect()
    } else {
        Vec::new()
    };
    let layout = Layout::new(&session, "Staffing", "/staffing").with_notice(q.notice.as_deref());
    render(&IndexPage {
        layout,
        teams: lines,
        unassigned,
        can_manage_all,
        special_days: special_days::list(&state.db, None).await?,
        kinds: &special_days::KINDS,
        day_errors: FormErrors::default(),
        day_form: SpecialDayForm::default(),
    })
}

/// The special-day form.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SpecialDayForm {
    day: String,
    queue: String,
    kind: String,
    label: String,
}

/// Special days for every queue, or for a queue in nobody's plan, are the
/// operations manager's; a team leader names them for the team's own queues.
async fn may_name_day(state: &AppState, session: &Session, queue: &str) -> Result<bool, PageError> {
    if session.access(Action::ManageStaffing) == Access::All {
        return Ok(true);
    }
    if queue.trim().is_empty() {
        return Ok(false);
    }
    Ok(match settings::get(&state.db, queue.trim()).await {
        Ok(s) => s.team_id.is_some_and(|t| session.may(Action::ManageStaffing, &Subject::Team { id: t })),
        Err(StoreError::NotFound(_)) => false,
        Err(e) => return Err(e.into()),
    })
}

/// `POST /staffing/special-days`: names a day to leave out of forecasting.
pub async fn save_special_day(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Form(form): Form<SpecialDayForm>,
) -> Result<Response, PageError> {
    // The form is checked before the caller's reach, so a mistake is
    // explained whoever makes it.
    let result = match special_days::NewSpecialDay::parse(&form.day, &form.queue, &form.kind, &form.label) {
        Ok(day) => {
            if !may_name_day(&state, &session, &form.queue).await? {
                return Err(PageError::Forbidden);
            }
            special_days::save(&state.db, &session.audit_actor(), &day, state.now()).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/staffing?notice=special-day#special-days").into_response()),
        Err(StoreError::Invalid(errors)) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &IndexPage {
                layout: Layout::new(&session, "Staffing", "/staffing"),
                teams: Vec::new(),
                unassigned: Vec::new(),
                can_manage_all: session.access(Action::ManageStaffing) == Access::All,
                special_days: special_days::list(&state.db, None).await?,
                kinds: &special_days::KINDS,
                day_errors: FormErrors(errors),
                day_form: form,
            },
        ),
        Err(other) => Err(other.into()),
    }
}

/// `POST /staffing/special-days/remove`: the day's contacts count again.
pub async fn remove_special_day(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Form(form): Form<SpecialDayForm>,
) -> Result<Response, PageError> {
    let day = form
        .day
        .trim()
        .parse::<jiff::civil::Date>()
        .map_err(|_| PageError::from(StoreError::field("day", "Give the date as YYYY-MM-DD.")))?;
    if !may_name_day(&state, &session, &form.queue).await? {
        return Err(PageError::Forbidden);
    }
    special_days::remove(&state.db, &session.audit_actor(), day, form.queue.trim(), state.now()).await?;
    Ok(Redirect::to("/staffing?notice=special-day-removed#special-days").into_response())
}

/// Query carrying a confirmation code.
#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

/// The what-if query: the queue it is for and the changes.
#[derive(Debug, Default, Deserialize)]
pub struct WhatIfQuery {
    #[serde(default)]
    queue: String,
    #[serde(flatten)]
    fields: WhatIfFields,
}

#[derive(Template)]
#[template(path = "staffing_team.html")]
struct TeamPlanPage {
    layout: Layout,
    team: Team,
    queues: Vec<QueueView>,
    what_if: Option<WhatIfView>,
    can_manage: bool,
    plans: Vec<PlanView>,
}

#[derive(Template)]
#[template(path = "staffing_what_if.html")]
struct WhatIfFragment {
    what_if: Option<WhatIfView>,
}

pub(super) async fn team_in_reach(state: &AppState, session: &Session, id: i64) -> Result<Team, PageError> {
    let team = teams::get(&state.db, id, state.today()).await?;
    session.require_page(Action::ViewStaffing, &Subject::Team { id })?;
    Ok(team)
}

pub(super) async fn team_queues(state: &AppState, team_id: i64) -> Result<Vec<StaffingSettings>, PageError> {
    Ok(settings::list(&state.db).await?.into_iter().filter(|s| s.team_id == Some(team_id)).collect())
}

async fn queue_views(state: &AppState, queues: &[StaffingSettings]) -> Result<Vec<QueueView>, PageError> {
    let options = ForecastOptions::default();
    let excluded = special_days::list(&state.db, None).await?;
    let mut views = Vec::with_capacity(queues.len());
    for queue in queues {
        let report = forecast::cached(&state.db, &queue.queue, &options, state.today()).await;
        let report = match report {
            Ok(report) => Ok(report),
            Err(StoreError::Invalid(errors)) => Err(errors.to_string()),
            Err(other) => return Err(other.into()),
        };
        views.push(queue_view(queue, report, &excluded)?);
    }
    Ok(views)
}

/// The what-if for the queue named in the query, or for the team's first queue.
async fn what_if_for(
    state: &AppState,
    team_id: i64,
    queues: &[StaffingSettings],
    query: &WhatIfQuery,
) -> Result<Option<WhatIfView>, PageError> {
    let Some(queue) = queues.iter().find(|q| q.queue == query.queue).or_else(|| queues.first()) else {
        return Ok(None);
    };
    let report = match forecast::cached(&state.db, &queue.queue, &ForecastOptions::default(), state.today()).await {
        Ok(report) => report,
        Err(StoreError::Invalid(_)) => return Ok(None),
        Err(other) => return Err(other.into()),
    };
    let names = queues.iter().map(|q| q.queue.clone()).collect();
    Ok(Some(what_if_view(team_id, queue, &report, names, &query.fields)?))
}

/// `GET /teams/{id}/staffing`: the team's queues, and the what-if from the query.
pub async fn team_plan(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Query(query): Query<WhatIfQuery>,
    Query(notice): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    let team = team_in_reach(&state, &session, id).await?;
    let queues = team_queues(&state, id).await?;
    let views = queue_views(&state, &queues).await?;
    let what_if = what_if_for(&state, id, &queues, &query).await?;
    let plans = plan_views(&state, id, &queues).await?;
    render(&TeamPlanPage {
        layout: Layout::new(&session, format!("Staffing: {}", team.name), "/staffing")
            .with_notice(notice.notice.as_deref()),
        can_manage: session.may(Action::ManageStaffing, &Subject::Team { id }),
        team,
        queues: views,
        what_if,
        plans,
    })
}

/// `GET /teams/{id}/staffing/what-if`: the what-if result alone (for htmx),
/// or the whole page when asked without htmx.
pub async fn what_if(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Query(query): Query<WhatIfQuery>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    team_in_reach(&state, &session, id).await?;
    if !headers.contains_key("hx-request") {
        let target = format!(
            "/teams/{id}/staffing?{}",
            serde_urlencoded::to_string([
                ("queue", query.queue.as_str()),
                ("volume_percent", &query.fields.volume_percent),
                ("aht_percent", &query.fields.aht_percent),
                ("service_level", &query.fields.service_level),
                ("answer_within_seconds", &query.fields.answer_within_seconds),
                ("shrinkage_planned", &query.fields.shrinkage_planned),
                ("shrinkage_unplanned", &query.fields.shrinkage_unplanned),
            ])
            .unwrap_or_default()
        );
        return Ok(Redirect::to(&format!("{target}#what-if")).into_response());
    }
    let queues = team_queues(&state, id).await?;
    let what_if = what_if_for(&state, id, &queues, &query).await?;
    render(&WhatIfFragment { what_if })
}

#[derive(Template)]
#[template(path = "staffing_plan.html")]
struct PrintPlanPage {
    layout: Layout,
    team: Team,
    period: String,
    prepared: String,
    queues: Vec<QueueView>,
    levels: Vec<PlanLevels>,
    resources: Vec<Resource>,
    contracted_hours: String,
    scheduled_hours: String,
    plans: Vec<PlanView>,
}

/// `GET /teams/{id}/staffing/plan`: the operational plan, ready to print.
pub async fn print_plan(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let team = team_in_reach(&state, &session, id).await?;
    let queues = team_queues(&state, id).await?;
    let views = queue_views(&state, &queues).await?;
    let mut levels = Vec::new();
    let mut scheduled_hours = 0.0;
    let mut first_day = None;
    let mut last_day = None;
    for queue in &queues {
        let Ok(report) = forecast::cached(&state.db, &queue.queue, &ForecastOptions::default(), state.today()).await
        else {
            continue;
        };
        let requirements = plan::queue_requirements(&report, queue, &WhatIf::default())?;
        scheduled_hours += requirements.summary.scheduled_hours;
        first_day = first_day.or(requirements.rows.first().map(|r| r.demand.start.date()));
        last_day = last_day.or(requirements.rows.last().map(|r| r.demand.start.date()));
        levels.push(plan_levels(&requirements));
    }
    let resources = plan::resources(&state.db, id, state.today()).await?;
    let plans = plan_views(&state, id, &queues).await?;
    let contracted: f64 = resources.iter().map(|r| r.contracted_hours).sum();
    let period = match (first_day, last_day) {
        (Some(first), Some(last)) => {
            format!("{} to {}", first.strftime("%A %-d %B %Y"), last.strftime("%A %-d %B %Y"))
        }
        _ => "no forecast yet".to_owned(),
    };
    render(&PrintPlanPage {
        layout: Layout::new(&session, format!("Operational plan: {}", team.name), "/staffing"),
        team,
        period,
        prepared: state.today().strftime("%-d %B %Y").to_string(),
        queues: views,
        levels,
        resources,
        contracted_hours: format!("{contracted:.1}"),
        scheduled_hours: format!("{scheduled_hours:.1}"),
        plans,
    })
}

#[derive(Template)]
#[template(path = "staffing_queue.html")]
struct QueueSettingsPage {
    layout: Layout,
    settings: StaffingSettings,
    teams: Vec<Team>,
    can_assign: bool,
    errors: FormErrors,
}

async fn settings_in_reach(state: &AppState, session: &Session, queue: &str) -> Result<StaffingSettings, PageError> {
    let current = settings::get(&state.db, queue).await?;
    let allowed = match current.team_id {
        Some(team) => session.may(Action::ManageStaffing, &Subject::Team { id: team }),
        // A queue in nobody's plan is for the operations manager to place.
        None => session.access(Action::ManageStaffing) == Access::All,
    };
    if allowed { Ok(current) } else { Err(PageError::Forbidden) }
}

/// `GET /staffing/queues/{queue}`.
pub async fn queue_settings(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(queue): Path<String>,
) -> Result<Response, PageError> {
    let current = settings_in_reach(&state, &session, &queue).await?;
    render(&QueueSettingsPage {
        layout: Layout::new(&session, format!("Staffing settings: {queue}"), "/staffing"),
        settings: current,
        teams: teams::list(&state.db, state.today()).await?,
        can_assign: session.access(Action::ManageStaffing) == Access::All,
        errors: FormErrors::default(),
    })
}

/// The settings form: the fields, and the team for an operations manager.
#[derive(Debug, Deserialize)]
pub struct QueueSettingsForm {
    #[serde(flatten)]
    fields: SettingsForm,
    #[serde(default)]
    team_id: String,
}

/// `POST /staffing/queues/{queue}`.
pub async fn save_queue_settings(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(queue): Path<String>,
    Form(form): Form<QueueSettingsForm>,
) -> Result<Response, PageError> {
    let current = settings_in_reach(&state, &session, &queue).await?;
    let can_assign = session.access(Action::ManageStaffing) == Access::All;
    let team_id = if can_assign { form.team_id.trim().parse::<i64>().ok() } else { current.team_id };
    let parsed = form.fields.parse(&queue, team_id);
    let result = match &parsed {
        Ok(new) => settings::save(&state.db, &session.audit_actor(), new, state.now()).await,
        Err(errors) => Err(StoreError::Invalid(errors.clone())),
    };
    match result {
        Ok(()) => {
            let target = match team_id {
                Some(team) => format!("/teams/{team}/staffing?notice=staffing-saved"),
                None => "/staffing?notice=staffing-saved".to_owned(),
            };
            Ok(Redirect::to(&target).into_response())
        }
        Err(StoreError::Invalid(errors)) => {
            let shown = StaffingSettings {
                workload: form.fields.workload.clone(),
                service_level: form.fields.service_level.clone(),
                shrinkage_planned: form.fields.shrinkage_planned.clone(),
                shrinkage_unplanned: form.fields.shrinkage_unplanned.clone(),
                team_id,
                ..current
            };
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &QueueSettingsPage {
                    layout: Layout::new(&session, format!("Staffing settings: {queue}"), "/staffing"),
                    settings: shown,
                    teams: teams::list(&state.db, state.today()).await?,
                    can_assign,
                    errors: FormErrors(errors),
                },
            )
        }
        Err(other) => Err(other.into()),
    }
}

/// Field errors as page errors, for the rare stored setting that no longer parses.
pub(super) fn invalid(errors: FieldErrors) -> PageError {
    PageError::from(StoreError::Invalid(errors))
}
