//! Contingency plans for a team: each plan's trigger checked against today,
//! each action's staffing effect, the form to add a plan and the form to
//! record a review. The same plans appear on the team's staffing page and in
//! the printable plan.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use crewdeck_core::auth::{Action, Subject};
use crewdeck_core::staffing::contingency::{Observed, effect};
use crewdeck_core::staffing::requirements::WhatIf;
use crewdeck_store::StoreError;
use crewdeck_store::staffing::contingency::{self, ACTION_KINDS, Plan, PlanForm, ReviewForm, TRIGGER_KINDS};
use crewdeck_store::staffing::forecast::{self, ForecastOptions};
use crewdeck_store::staffing::settings::StaffingSettings;
use crewdeck_store::staffing::{intraday, plan};
use crewdeck_store::teams::Team;
use serde::Deserialize;

use super::staffing::{team_in_reach, team_queues};
use super::staffing_view::percent;
use super::{FormErrors, Layout, render, render_status};
use crate::error::PageError;
use crate::session::Session;
use crate::state::AppState;

/// One action of a plan with its computed effect, as text.
#[derive(Debug, Clone)]
pub struct ActionView {
    /// The action in words.
    pub text: String,
    /// Its effect on the stressed day, or why there is none to show.
    pub effect: String,
}

/// A plan as the pages show it.
#[derive(Debug, Clone)]
pub struct PlanView {
    /// The plan's id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// The queue it guards.
    pub queue: String,
    /// Who decides to use it.
    pub owner: String,
    /// The trigger in words.
    pub trigger: String,
    /// Whether the trigger is firing today.
    pub firing: bool,
    /// Today's figure behind that.
    pub reading: String,
    /// The day the effects are worked out for, in words.
    pub stress: String,
    /// Actions with their effects.
    pub actions: Vec<ActionView>,
    /// Reviews, latest first.
    pub reviews: Vec<contingency::Review>,
}

fn sl(level: Option<f64>) -> String {
    level.map_or_else(|| "not measured".to_owned(), |l| percent(Some(l)))
}

/// The team's plans with today's trigger state and each action's effect.
pub(super) async fn plan_views(
    state: &AppState,
    team_id: i64,
    queues: &[StaffingSettings],
) -> Result<Vec<PlanView>, PageError> {
    let plans = contingency::list(&state.db, team_id).await?;
    let absence = contingency::absence_on(&state.db, team_id, state.today()).await?;
    let mut views = Vec::with_capacity(plans.len());
    for p in plans {
        views.push(plan_view(state, &p, queues, absence).await?);
    }
    Ok(views)
}

async fn plan_view(
    state: &AppState,
    p: &Plan,
    queues: &[StaffingSettings],
    absence: Option<f64>,
) -> Result<PlanView, PageError> {
    let mut view = PlanView {
        id: p.id,
        name: p.name.clone(),
        queue: p.queue.clone(),
        owner: p.owner.clone(),
        trigger: p.trigger.describe(),
        firing: false,
        reading: String::new(),
        stress: String::new(),
        actions: p
            .actions
            .iter()
            .map(|a| ActionView { text: a.describe(), effect: "No forecast for this queue yet.".into() })
            .collect(),
        reviews: p.reviews.clone(),
    };
    let Some(settings) = queues.iter().find(|q| q.queue == p.queue) else {
        view.reading = format!("The queue {} is no longer in this team's plan.", p.queue);
        return Ok(view);
    };
    let report = match forecast::cached(&state.db, &p.queue, &ForecastOptions::default(), state.today()).await {
        Ok(report) => report,
        Err(StoreError::Invalid(_)) => {
            view.reading = "No forecast yet, so the trigger cannot be checked.".into();
            return Ok(view);
        }
        Err(other) => return Err(other.into()),
    };
    // Today's figures: only completed intervals count towards a trigger.
    let (contacts, levels) = match intraday::today(&state.db, settings, &report, state.today(), state.now()).await {
        Ok(day) => {
            let done = day.rows.iter().filter(|r| r.complete);
            (
                done.clone().map(|r| (r.forecast_contacts, r.actual_contacts)).collect::<Vec<_>>(),
                done.map(|r| r.service_level).collect::<Vec<_>>(),
            )
        }
        Err(StoreError::Invalid(_)) => (Vec::new(), Vec::new()),
        Err(other) => return Err(other.into()),
    };
    let checked = p.trigger.check(&Observed { contacts: &contacts, service_levels: &levels, absence });
    view.firing = checked.firing;
    view.reading = checked.reading;
    let requirements = plan::queue_requirements(&report, settings, &WhatIf::default())?;
    // Effects are worked out for today when the forecast holds it, else its first day.
    let day = requirements
        .rows
        .iter()
        .map(|r| r.demand.start.date())
        .find(|d| *d == state.today())
        .or_else(|| requirements.rows.first().map(|r| r.demand.start.date()));
    let Some(day) = day else { return Ok(view) };
    let rows: Vec<_> = requirements.rows.iter().filter(|r| r.demand.start.date() == day).collect();
    let demand: Vec<_> = rows.iter().map(|r| r.demand).collect();
    let planned: Vec<_> = rows.iter().map(|r| r.heads.agents).collect();
    let (volume, lost) = p.trigger.stress();
    view.stress = format!(
        "{} as planned{}{}",
        day.strftime("%A %-d %B"),
        if volume > 0.0 { format!(", with {volume}% more contacts") } else { String::new() },
        if lost > 0.0 { format!(", with {}% of the planned agents absent", lost * 100.0) } else { String::new() },
    );
    for (action, shown) in p.actions.iter().zip(view.actions.iter_mut()) {
        shown.effect = match effect(
            &p.trigger,
            action,
            &demand,
            &planned,
            requirements.interval,
            &requirements.settings,
        ) {
            Ok(e) => {
                let at =
                    demand.get(e.worst_interval).map(|d| d.start.strftime("%H:%M").to_string()).unwrap_or_default();
                format!(
                    "At {at}: agents needed {} \u{2192} {}, available {} \u{2192} {} (scheduled heads needed {} \u{2192} {}); \
                     service level {} \u{2192} {}. Agent-hours short over the day: {:.1} \u{2192} {:.1}.",
                    e.before.needed,
                    e.after.needed,
                    e.before.available,
                    e.after.available,
                    e.before.scheduled_needed,
                    e.after.scheduled_needed,
                    sl(e.before.service_level),
                    sl(e.after.service_level),
                    e.before.short_hours,
                    e.after.short_hours,
                )
            }
            Err(error) => format!("The effect could not be worked out: {}", error.message),
        };
    }
    Ok(view)
}

#[derive(Template)]
#[template(path = "staffing_contingencies.html")]
struct ContingenciesPage {
    layout: Layout,
    team: Team,
    plans: Vec<PlanView>,
    queues: Vec<String>,
    can_manage: bool,
    trigger_kinds: &'static [(&'static str, &'static str)],
    action_kinds: &'static [(&'static str, &'static str)],
    plan_form: PlanForm,
    plan_errors: FormErrors,
    review_form: ReviewForm,
    review_plan: i64,
    review_errors: FormErrors,
}

async fn page(
    state: &AppState,
    session: &Session,
    team: Team,
    notice: Option<&str>,
) -> Result<ContingenciesPage, PageError> {
    let queues = team_queues(state, team.id).await?;
    let plans = plan_views(state, team.id, &queues).await?;
    Ok(ContingenciesPage {
        layout: Layout::new(session, format!("Contingencies: {}", team.name), "/staffing").with_notice(notice),
        can_manage: session.may(Action::ManageStaffing, &Subject::Team { id: team.id }),
        team,
        plans,
        queues: queues.into_iter().map(|q| q.queue).collect(),
        trigger_kinds: &TRIGGER_KINDS,
        action_kinds: &ACTION_KINDS,
        plan_form: PlanForm::default(),
        plan_errors: FormErrors::default(),
        review_form: ReviewForm { held_on: state.today().to_string(), ..ReviewForm::default() },
        review_plan: 0,
        review_errors: FormErrors::default(),
    })
}

/// Query carrying a confirmation code.
#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

/// `GET /teams/{id}/staffing/contingencies`.
pub async fn show(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    let team = team_in_reach(&state, &session, id).await?;
    render(&page(&state, &session, team, q.notice.as_deref()).await?)
}

/// `POST /teams/{id}/staffing/contingencies`: adds a plan.
pub async fn create(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Form(form): Form<PlanForm>,
) -> Result<Response, PageError> {
    let team = team_in_reach(&state, &session, id).await?;
    session.require_page(Action::ManageStaffing, &Subject::Team { id })?;
    let queues: Vec<String> = team_queues(&state, id).await?.into_iter().map(|q| q.queue).collect();
    let result = match form.parse(&queues) {
        Ok(plan) => contingency::create(&state.db, &session.audit_actor(), id, &plan, state.now()).await.map(|_| ()),
        Err(errors) => Err(StoreError::Invalid(errors)),
    };
    match result {
        Ok(()) => {
            Ok(Redirect::to(&format!("/teams/{id}/staffing/contingencies?notice=contingency-saved")).into_response())
        }
        Err(StoreError::Invalid(errors)) => {
            let mut shown = page(&state, &session, team, None).await?;
            shown.plan_form = form;
            shown.plan_errors = FormErrors(errors);
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &shown)
        }
        Err(other) => Err(other.into()),
    }
}

/// The review form with the plan it is for.
#[derive(Debug, Deserialize)]
pub struct ReviewPost {
    #[serde(default)]
    plan_id: String,
    #[serde(flatten)]
    fields: ReviewForm,
}

/// `POST /teams/{id}/staffing/contingencies/reviews`: records a review.
pub async fn review(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Form(form): Form<ReviewPost>,
) -> Result<Response, PageError> {
    let team = team_in_reach(&state, &session, id).await?;
    session.require_page(Action::ManageStaffing, &Subject::Team { id })?;
    let plan_id = form.plan_id.trim().parse::<i64>().unwrap_or(0);
    let result = match form.fields.parse() {
        Ok(review) => {
            contingency::record_review(&state.db, &session.audit_actor(), id, plan_id, &review, state.now()).await
        }
        Err(errors) => Err(StoreError::Invalid(errors)),
    };
    match result {
        Ok(()) => {
            Ok(Redirect::to(&format!("/teams/{id}/staffing/contingencies?notice=contingency-reviewed#plan-{plan_id}"))
                .into_response())
        }
        Err(StoreError::Invalid(errors)) => {
            let mut shown = page(&state, &session, team, None).await?;
            shown.review_form = form.fields;
            shown.review_plan = plan_id;
            shown.review_errors = FormErrors(errors);
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &shown)
        }
        Err(other) => Err(other.into()),
    }
}
