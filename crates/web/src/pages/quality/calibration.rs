//! Calibration sessions: evaluators score the same contacts blind, the
//! scores are revealed, a calibrated score is agreed, and the report shows
//! Krippendorff's alpha, each evaluator's severity or leniency and the
//! criteria to rewrite. Agents never see any of it.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use crewdeck_core::auth::Action;
use crewdeck_core::auth::policy::Access;
use crewdeck_core::fields::FieldErrors;
use crewdeck_core::quality::{Alpha, CalibrationReport, RELIABLE_ALPHA, TENTATIVE_ALPHA};
use crewdeck_store::StoreError;
use crewdeck_store::quality::calibration::{self, Session as CalSession};
use crewdeck_store::quality::evaluations::{self, EvaluationSummary, InteractionDetails};
use crewdeck_store::quality::scorecards::{self, ScorecardVersion};
use serde::Deserialize;

use super::evaluate::{FormCriterion, form_criteria, read_ratings};
use super::{day_of, one_decimal};
use crate::error::PageError;
use crate::pages::{FormErrors, Layout, render, render_status};
use crate::session::Session;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "quality/calibrations.html")]
struct ListPage {
    layout: Layout,
    sessions: Vec<CalSession>,
    cards: Vec<ScorecardVersion>,
    can_manage: bool,
}

impl ListPage {
    fn day(&self, seconds: &i64) -> String {
        day_of(*seconds)
    }
}

/// Query with a notice.
#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

/// `GET /quality/calibration`.
pub async fn list(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    render(&ListPage {
        layout: Layout::new(&session, "Calibration", "/quality").with_notice(q.notice.as_deref()),
        sessions: calibration::list(&state.db).await?,
        cards: scorecards::published(&state.db).await?,
        can_manage: session.access(Action::ManageCalibration) != Access::None,
    })
}

/// The new-session form.
#[derive(Debug, Deserialize)]
pub struct CreateForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    scorecard_id: i64,
    #[serde(default)]
    contacts: String,
}

/// `POST /quality/calibration`.
pub async fn create(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Form(form): Form<CreateForm>,
) -> Result<Response, PageError> {
    let ids: Vec<String> = form.contacts.split(|c: char| c == ',' || c.is_whitespace()).map(str::to_string).collect();
    let id = calibration::create(&state.db, &session.audit_actor(), form.scorecard_id, &form.title, &ids, state.now())
        .await?;
    Ok(Redirect::to(&format!("/quality/calibration/{id}?notice=created")).into_response())
}

/// One contact row of the session page.
struct ContactRow {
    id: String,
    agreed: Option<f64>,
    scores: Vec<EvaluationSummary>,
    mine: bool,
}

#[derive(Template)]
#[template(path = "quality/calibration.html")]
struct SessionPage {
    layout: Layout,
    s: CalSession,
    card: ScorecardVersion,
    rows: Vec<ContactRow>,
    report: Option<CalibrationReport>,
    can_manage: bool,
    can_score: bool,
}

impl SessionPage {
    fn score(&self, value: &f64) -> String {
        one_decimal(*value)
    }
    fn alpha(&self, a: &Option<Alpha>) -> String {
        match a.and_then(|a| a.alpha) {
            Some(v) => format!("{v:.3}"),
            None => "not computable".into(),
        }
    }
    fn verdict(&self, a: &Option<Alpha>) -> &'static str {
        match a.and_then(|a| a.alpha) {
            Some(v) if v >= RELIABLE_ALPHA => "reliable",
            Some(v) if v >= TENTATIVE_ALPHA => "tentative",
            Some(_) => "unreliable",
            None => "too little data",
        }
    }
    fn signed(&self, value: &f64) -> String {
        format!("{value:+.1}")
    }
}

/// `GET /quality/calibration/{id}`.
pub async fn show(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    let s = calibration::get(&state.db, id).await?;
    let scores = calibration::scores(&state.db, &s, session.user.person_id).await?;
    let rows = s
        .contacts
        .iter()
        .map(|(c, agreed)| {
            let scores: Vec<EvaluationSummary> =
                scores.iter().filter(|e| e.interaction_id.as_deref() == Some(c.as_str())).cloned().collect();
            let mine = scores
                .iter()
                .any(|e| e.evaluator_person_id.is_some() && e.evaluator_person_id == session.user.person_id);
            ContactRow { id: c.clone(), agreed: *agreed, scores, mine }
        })
        .collect();
    let report = if s.revealed() { Some(calibration::report(&state.db, &s).await?) } else { None };
    render(&SessionPage {
        layout: Layout::new(&session, s.title.clone(), "/quality").with_notice(q.notice.as_deref()),
        card: scorecards::get(&state.db, s.scorecard_id).await?,
        s,
        rows,
        report,
        can_manage: session.access(Action::ManageCalibration) != Access::None,
        can_score: session.access(Action::Evaluate) != Access::None && session.user.person_id.is_some(),
    })
}

#[derive(Template)]
#[template(path = "quality/calibration_score.html")]
struct ScorePage {
    layout: Layout,
    s: CalSession,
    card: ScorecardVersion,
    criteria: Vec<FormCriterion>,
    interaction: InteractionDetails,
    values: HashMap<String, String>,
    errors: FormErrors,
}

impl ScorePage {
    fn value(&self, field: &str) -> String {
        self.values.get(field).cloned().unwrap_or_default()
    }
    fn chosen(&self, field: &str, option: &str) -> bool {
        self.values.get(field).is_some_and(|v| v == option)
    }
    fn rating_field(&self, id: &str) -> String {
        format!("r.{id}")
    }
    fn comment_field(&self, id: &str) -> String {
        format!("c.{id}")
    }
}

/// Query of the blind scoring form.
#[derive(Debug, Deserialize)]
pub struct ScoreQuery {
    contact: String,
}

async fn score_page(
    state: &AppState,
    session: &Session,
    id: i64,
    contact: &str,
    values: HashMap<String, String>,
    errors: FieldErrors,
) -> Result<ScorePage, PageError> {
    let s = calibration::get(&state.db, id).await?;
    let card = scorecards::get(&state.db, s.scorecard_id).await?;
    Ok(ScorePage {
        layout: Layout::new(session, format!("Score {contact}"), "/quality"),
        criteria: form_criteria(&card),
        interaction: evaluations::interaction(&state.db, contact).await?,
        s,
        card,
        values,
        errors: FormErrors(errors),
    })
}

/// `GET /quality/calibration/{id}/score?contact=…`.
pub async fn score_form(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Query(q): Query<ScoreQuery>,
) -> Result<Response, PageError> {
    render(&score_page(&state, &session, id, &q.contact, HashMap::new(), FieldErrors::default()).await?)
}

/// `POST /quality/calibration/{id}/score`.
pub async fn score(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let values: HashMap<String, String> = fields.into_iter().collect();
    let contact = values.get("contact").cloned().unwrap_or_default();
    let s = calibration::get(&state.db, id).await?;
    let card = scorecards::get(&state.db, s.scorecard_id).await?;
    let mut errors = FieldErrors::default();
    let ratings = read_ratings(&card, &values, &mut errors);
    let result = if errors.is_empty() {
        calibration::submit(
            &state.db,
            &session.audit_actor(),
            id,
            session.user.person_id,
            &contact,
            ratings,
            state.now(),
        )
        .await
    } else {
        Err(StoreError::Invalid(errors))
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/quality/calibration/{id}?notice=saved")).into_response()),
        Err(StoreError::Invalid(errors)) => {
            let p = score_page(&state, &session, id, &contact, values, errors).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &p)
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /quality/calibration/{id}/reveal`.
pub async fn reveal(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    calibration::reveal(&state.db, &session.audit_actor(), id, state.now()).await?;
    Ok(Redirect::to(&format!("/quality/calibration/{id}?notice=revealed")).into_response())
}

/// The agreed-score form.
#[derive(Debug, Deserialize)]
pub struct AgreeForm {
    #[serde(default)]
    contact: String,
    #[serde(default)]
    score: String,
}

/// `POST /quality/calibration/{id}/agree`.
pub async fn agree(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Form(form): Form<AgreeForm>,
) -> Result<Response, PageError> {
    let score: f64 = form
        .score
        .trim()
        .parse()
        .map_err(|_| StoreError::field("agreed_score", "Enter the agreed score as a number from 0 to 100."))?;
    calibration::agree(&state.db, &session.audit_actor(), id, &form.contact, score, state.now()).await?;
    Ok(Redirect::to(&format!("/quality/calibration/{id}?notice=saved")).into_response())
}
