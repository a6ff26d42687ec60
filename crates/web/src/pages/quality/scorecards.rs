//! Scorecards: the list of forms and versions, one version with its criteria
//! and the team's comments and proposals, the editor (drafts only; a
//! published version is edited by making a new version) and publishing.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use crewdeck_core::auth::policy::Access;
use crewdeck_core::auth::{Action, Subject};
use crewdeck_core::fields::FieldErrors;
use crewdeck_core::quality::{format_sections, parse_sections};
use crewdeck_store::StoreError;
use crewdeck_store::quality::scorecards::{self, Proposal, ScorecardVersion};
use serde::Deserialize;

use super::day_of;
use crate::error::PageError;
use crate::pages::{FormErrors, Layout, render, render_status};
use crate::session::Session;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "quality/scorecards.html")]
struct ListPage {
    layout: Layout,
    cards: Vec<ScorecardVersion>,
    can_manage: bool,
}

impl ListPage {
    fn count(&self, card: &ScorecardVersion) -> usize {
        card.sections.iter().map(|s| s.criteria.len()).sum()
    }
}

/// Query with a notice.
#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

/// `GET /quality/scorecards`.
pub async fn list(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    render(&ListPage {
        layout: Layout::new(&session, "Scorecards", "/quality").with_notice(q.notice.as_deref()),
        cards: scorecards::list(&state.db).await?,
        can_manage: session.access(Action::ManageScorecards) != Access::None,
    })
}

#[derive(Template)]
#[template(path = "quality/scorecard.html")]
struct DetailPage {
    layout: Layout,
    card: ScorecardVersion,
    proposals: Vec<Proposal>,
    can_manage: bool,
    can_comment: bool,
}

impl DetailPage {
    fn day(&self, seconds: &i64) -> String {
        day_of(*seconds)
    }
    fn scale(&self, scale: &crewdeck_core::quality::Scale) -> &'static str {
        match scale {
            crewdeck_core::quality::Scale::YesNo => "Yes / no",
            crewdeck_core::quality::Scale::OneToFour => "1 to 4",
            crewdeck_core::quality::Scale::OneToFive => "1 to 5",
        }
    }
}

/// `GET /quality/scorecards/{id}`.
pub async fn show(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    let card = scorecards::get(&state.db, id).await?;
    render(&DetailPage {
        layout: Layout::new(&session, card.name.clone(), "/quality").with_notice(q.notice.as_deref()),
        proposals: scorecards::proposals(&state.db, &card.form_key).await?,
        card,
        can_manage: session.access(Action::ManageScorecards) != Access::None,
        can_comment: session.may(Action::CommentOnScorecards, &Subject::Any),
    })
}

#[derive(Template)]
#[template(path = "quality/scorecard_form.html")]
struct FormPage {
    layout: Layout,
    heading: String,
    action: String,
    is_new: bool,
    form_key: String,
    name: String,
    criteria: String,
    errors: FormErrors,
}

const EXAMPLE: &str = "## Opening\n\
greet | Greeted the customer and gave their name | yes_no | 1 | na | assurance | Call control\n\
idv | Verified identity before discussing the account | yes_no | 2 | critical | assurance | Data protection and ID&V\n\n\
## Resolution\n\
resolve | Resolved the customer's need, or set a clear next step | 1-5 | 3 | - | reliability | Call control\n";

/// `GET /quality/scorecards/new`.
pub async fn new_form(
    State(_state): State<AppState>,
    Extension(session): Extension<Session>,
) -> Result<Response, PageError> {
    render(&FormPage {
        layout: Layout::new(&session, "New scorecard", "/quality"),
        heading: "New scorecard".into(),
        action: "/quality/scorecards/new".into(),
        is_new: true,
        form_key: String::new(),
        name: String::new(),
        criteria: EXAMPLE.into(),
        errors: FormErrors::default(),
    })
}

/// The scorecard form.
#[derive(Debug, Deserialize)]
pub struct CardForm {
    #[serde(default)]
    form_key: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    criteria: String,
}

fn failed(
    session: &Session,
    heading: &str,
    action: String,
    is_new: bool,
    form: CardForm,
    errors: FieldErrors,
) -> Result<Response, PageError> {
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &FormPage {
            layout: Layout::new(session, heading.to_string(), "/quality"),
            heading: heading.into(),
            action,
            is_new,
            form_key: form.form_key,
            name: form.name,
            criteria: form.criteria,
            errors: FormErrors(errors),
        },
    )
}

/// Moves core's `sections[..]` errors onto the one text box people edit.
fn on_criteria(errors: FieldErrors) -> FieldErrors {
    let messages: Vec<String> = errors
        .0
        .iter()
        .filter(|e| e.field.starts_with("sections") || e.field == "criteria")
        .map(|e| if e.field == "criteria" { e.message.clone() } else { format!("{}: {}", e.field, e.message) })
        .collect();
    let mut out: Vec<_> =
        errors.0.into_iter().filter(|e| !e.field.starts_with("sections") && e.field != "criteria").collect();
    if !messages.is_empty() {
        out.push(crewdeck_core::fields::FieldError::new("criteria", messages.join(" ")));
    }
    FieldErrors(out)
}

/// `POST /quality/scorecards/new`.
pub async fn create(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Form(form): Form<CardForm>,
) -> Result<Response, PageError> {
    let result = match parse_sections("criteria", &form.criteria) {
        Ok(sections) => {
            scorecards::create(&state.db, &session.audit_actor(), &form.form_key, &form.name, &sections, state.now())
                .await
        }
        Err(errors) => Err(StoreError::Invalid(errors)),
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/quality/scorecards/{id}?notice=created")).into_response()),
        Err(StoreError::Invalid(errors)) => {
            failed(&session, "New scorecard", "/quality/scorecards/new".into(), true, form, on_criteria(errors))
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /quality/scorecards/{id}/edit`: drafts only.
pub async fn edit_form(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let card = scorecards::get(&state.db, id).await?;
    if !card.is_draft() {
        return Err(PageError::Conflict(format!(
            "Version {} is {} and cannot change. Use \u{201c}Make a new version\u{201d} on the scorecard to edit it.",
            card.version, card.status
        )));
    }
    render(&FormPage {
        layout: Layout::new(&session, format!("Edit {}", card.name), "/quality"),
        heading: format!("Edit {} version {}", card.name, card.version),
        action: format!("/quality/scorecards/{id}/edit"),
        is_new: false,
        form_key: card.form_key.clone(),
        name: card.name.clone(),
        criteria: format_sections(&card.sections),
        errors: FormErrors::default(),
    })
}

/// `POST /quality/scorecards/{id}/edit`.
pub async fn update(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Form(form): Form<CardForm>,
) -> Result<Response, PageError> {
    let result = match parse_sections("criteria", &form.criteria) {
        Ok(sections) => {
            scorecards::save_draft(&state.db, &session.audit_actor(), id, &form.name, &sections, state.now()).await
        }
        Err(errors) => Err(StoreError::Invalid(errors)),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/quality/scorecards/{id}?notice=saved")).into_response()),
        Err(StoreError::Invalid(errors)) => failed(
            &session,
            "Edit scorecard",
            format!("/quality/scorecards/{id}/edit"),
            false,
            form,
            on_criteria(errors),
        ),
        Err(e) => Err(e.into()),
    }
}

/// `POST /quality/scorecards/{id}/new-version`: a draft copy to edit.
pub async fn new_version(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let draft = scorecards::new_version(&state.db, &session.audit_actor(), id, state.now()).await?;
    Ok(Redirect::to(&format!("/quality/scorecards/{draft}/edit")).into_response())
}

/// `POST /quality/scorecards/{id}/publish`.
pub async fn publish(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    scorecards::publish(&state.db, &session.audit_actor(), id, state.now()).await?;
    Ok(Redirect::to(&format!("/quality/scorecards/{id}?notice=published")).into_response())
}

/// A comment or proposal.
#[derive(Debug, Deserialize)]
pub struct ProposalForm {
    #[serde(default)]
    criterion_id: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    body: String,
}

/// `POST /quality/scorecards/{id}/proposals`.
pub async fn propose(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Form(form): Form<ProposalForm>,
) -> Result<Response, PageError> {
    scorecards::propose(
        &state.db,
        &session.audit_actor(),
        session.user.person_id,
        id,
        &form.criterion_id,
        &form.kind,
        &form.body,
        state.now(),
    )
    .await?;
    Ok(Redirect::to(&format!("/quality/scorecards/{id}?notice=proposed#proposals")).into_response())
}

/// The leader's decision on a proposal.
#[derive(Debug, Deserialize)]
pub struct ProposalDecisionForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    scorecard_id: i64,
}

/// `POST /quality/proposals/{id}/decide`.
pub async fn decide_proposal(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Form(form): Form<ProposalDecisionForm>,
) -> Result<Response, PageError> {
    let accepted = match form.decision.as_str() {
        "accept" => true,
        "decline" => false,
        _ => return Err(PageError::BadRequest("Choose to accept or decline the proposal.".into())),
    };
    scorecards::decide_proposal(&state.db, &session.audit_actor(), id, accepted, &form.note, state.now()).await?;
    Ok(Redirect::to(&format!("/quality/scorecards/{}?notice=saved#proposals", form.scorecard_id)).into_response())
}
