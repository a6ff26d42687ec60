//! Sampling plans per team, the draw (with its recorded seed) and each
//! evaluator's spot-check queue.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use crewdeck_core::auth::policy::Access;
use crewdeck_core::auth::{Action, Subject};
use crewdeck_core::people::{Role, parse_date};
use crewdeck_store::quality::sampling::{self, Plan, PlanInput, SpotCheck};
use crewdeck_store::quality::scorecards::{self, ScorecardVersion};
use crewdeck_store::teams::{self, Team};
use crewdeck_store::{StoreError, accounts};
use serde::Deserialize;

use crate::error::PageError;
use crate::pages::{Layout, render};
use crate::session::Session;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "quality/queue.html")]
struct QueuePage {
    layout: Layout,
    checks: Vec<SpotCheck>,
}

/// `GET /quality/queue`: the caller's spot checks still to do.
pub async fn queue(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
) -> Result<Response, PageError> {
    let checks = match session.user.person_id {
        Some(me) => sampling::queue(&state.db, Some(me)).await?,
        None => Vec::new(),
    };
    render(&QueuePage { layout: Layout::new(&session, "Your spot checks", "/quality"), checks })
}

#[derive(Template)]
#[template(path = "quality/sampling.html")]
struct SamplingPage {
    layout: Layout,
    plans: Vec<Plan>,
    teams: Vec<Team>,
    cards: Vec<ScorecardVersion>,
    evaluators: Vec<(i64, String)>,
    today: String,
    month_ago: String,
}

/// Query of the sampling page.
#[derive(Debug, Deserialize)]
pub struct SamplingQuery {
    notice: Option<String>,
}

fn team_in_reach(session: &Session, team_id: i64) -> bool {
    session.may(Action::ManageSampling, &Subject::Team { id: team_id })
}

/// `GET /quality/sampling`.
pub async fn show(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Query(q): Query<SamplingQuery>,
) -> Result<Response, PageError> {
    let teams: Vec<Team> =
        teams::list(&state.db, state.today()).await?.into_iter().filter(|t| team_in_reach(&session, t.id)).collect();
    let plans = sampling::plans(&state.db).await?.into_iter().filter(|p| team_in_reach(&session, p.team_id)).collect();
    let evaluators = accounts::list(&state.db)
        .await?
        .into_iter()
        .filter(|u| u.active && matches!(u.role, Role::TeamLeader | Role::OpsManager))
        .filter_map(|u| u.person_id.map(|p| (p, u.name)))
        .collect();
    let today = state.today();
    let page = SamplingPage {
        layout: Layout::new(&session, "Sampling plans", "/quality").with_notice(q.notice.as_deref()),
        plans,
        teams,
        cards: scorecards::published(&state.db).await?,
        evaluators,
        month_ago: today.checked_sub(jiff::Span::new().days(28)).unwrap_or(today).to_string(),
        today: today.to_string(),
    };
    render(&page)
}

fn number(field: &str, text: &str) -> Result<i64, StoreError> {
    text.trim().parse().map_err(|_| StoreError::field(field, "Enter a whole number."))
}

/// The plan form.
#[derive(Debug, Deserialize)]
pub struct PlanForm {
    #[serde(default)]
    team_id: String,
    #[serde(default)]
    scorecard_id: String,
    #[serde(default)]
    per_agent_weekly: String,
    #[serde(default)]
    top_up_low_csat: String,
    #[serde(default)]
    top_up_complaint: String,
    #[serde(default)]
    top_up_new_starter: String,
    #[serde(default)]
    precision_margin: String,
}

/// `POST /quality/sampling/plans`.
pub async fn create_plan(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Form(form): Form<PlanForm>,
) -> Result<Response, PageError> {
    let input = PlanInput {
        team_id: number("team_id", &form.team_id)?,
        scorecard_id: number("scorecard_id", &form.scorecard_id)?,
        per_agent_weekly: number("per_agent_weekly", &form.per_agent_weekly)?,
        top_up_low_csat: number("top_up_low_csat", &form.top_up_low_csat)?,
        top_up_complaint: number("top_up_complaint", &form.top_up_complaint)?,
        top_up_new_starter: number("top_up_new_starter", &form.top_up_new_starter)?,
        precision_margin: match form.precision_margin.trim() {
            "" => None,
            text => Some(text.parse().map_err(|_| {
                StoreError::field("precision_margin", "Enter the margin in points, such as 5, or leave it empty.")
            })?),
        },
    };
    if !team_in_reach(&session, input.team_id) {
        return Err(PageError::Forbidden);
    }
    sampling::create_plan(&state.db, &session.audit_actor(), input, state.now()).await?;
    Ok(Redirect::to("/quality/sampling?notice=created").into_response())
}

/// The draw form.
#[derive(Debug, Deserialize)]
pub struct DrawForm {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    seed: String,
    #[serde(default)]
    evaluators: Vec<String>,
}

/// `POST /quality/sampling/plans/{id}/draw`: draws and queues spot checks.
pub async fn draw(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let mut form = DrawForm { from: String::new(), to: String::new(), seed: String::new(), evaluators: Vec::new() };
    for (k, v) in pairs {
        match k.as_str() {
            "from" => form.from = v,
            "to" => form.to = v,
            "seed" => form.seed = v,
            "evaluators" => form.evaluators.push(v),
            _ => {}
        }
    }
    let plan = sampling::plans(&state.db)
        .await?
        .into_iter()
        .find(|p| p.id == id)
        .ok_or_else(|| PageError::NotFound(format!("Sampling plan {id}")))?;
    if !team_in_reach(&session, plan.team_id) {
        // Another team's plan: do not confirm it exists.
        return Err(PageError::NotFound(format!("Sampling plan {id}")));
    }
    let from = parse_date("from", &form.from).map_err(StoreError::from)?;
    let to = parse_date("to", &form.to).map_err(StoreError::from)?;
    // An empty seed draws a fresh one; it is recorded either way so the draw can be repeated.
    let seed: u64 = match form.seed.trim() {
        "" => rand::random(),
        text => text
            .parse()
            .map_err(|_| StoreError::field("seed", "Enter the seed as a whole number, or leave it empty."))?,
    };
    let evaluators: Vec<i64> = form.evaluators.iter().filter_map(|e| e.parse().ok()).collect();
    if evaluators.is_empty() && session.access(Action::Evaluate) != Access::None {
        return Err(PageError::BadRequest("Choose at least one evaluator to share the spot checks among.".into()));
    }
    let result =
        sampling::draw(&state.db, &session.audit_actor(), id, from, to, seed, &evaluators, state.now()).await?;
    Ok(Redirect::to(&format!("/quality/sampling?notice=drawn&seed={}&queued={}", result.seed, result.queued))
        .into_response())
}
