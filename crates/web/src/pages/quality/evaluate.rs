//! The evaluation form, with the contact's details beside it: a spot check
//! from the queue, any recorded contact, or an off-system contact (mystery
//! shopper visit or call, observed face-to-face service).

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use crewdeck_core::auth::Action;
use crewdeck_core::fields::{FieldError, FieldErrors};
use crewdeck_core::people::{optional_text, parse_date};
use crewdeck_core::quality::{Rating, Scale};
use crewdeck_store::StoreError;
use crewdeck_store::people::PersonSummary;
use crewdeck_store::quality::evaluations::{
    self, ContactKind, ContactRef, EvaluationInput, InteractionDetails, RatingInput,
};
use crewdeck_store::quality::sampling::{self, SpotCheck};
use crewdeck_store::quality::scorecards::{self, ScorecardVersion};
use serde::Deserialize;

use super::{may_for, reach};
use crate::error::PageError;
use crate::pages::{FormErrors, Layout, render, render_status};
use crate::session::Session;
use crate::state::AppState;

/// One criterion on the form.
pub struct FormCriterion {
    /// Section name, shown when it changes.
    pub section: String,
    /// First criterion of its section.
    pub section_start: bool,
    /// Id.
    pub id: String,
    /// Question.
    pub text: String,
    /// The answers offered: (value, label).
    pub options: Vec<(String, String)>,
    /// Critical.
    pub critical: bool,
    /// Skills evidenced.
    pub skills: String,
}

/// The criteria of `card` as form rows.
pub fn form_criteria(card: &ScorecardVersion) -> Vec<FormCriterion> {
    let mut rows = Vec::new();
    for section in &card.sections {
        for (i, c) in section.criteria.iter().enumerate() {
            let mut options: Vec<(String, String)> = match c.scale {
                Scale::YesNo => vec![("yes".into(), "Yes".into()), ("no".into(), "No".into())],
                scale => (scale.min()..=scale.max()).map(|v| (v.to_string(), v.to_string())).collect(),
            };
            if c.allows_na {
                options.push(("n/a".into(), "N/A".into()));
            }
            rows.push(FormCriterion {
                section: section.name.clone(),
                section_start: i == 0,
                id: c.id.clone(),
                text: c.text.clone(),
                options,
                critical: c.critical,
                skills: c.skills.join(", "),
            });
        }
    }
    rows
}

/// Reads `r.<id>` and `c.<id>` fields against the card's criteria.
pub fn read_ratings(
    card: &ScorecardVersion,
    values: &HashMap<String, String>,
    errors: &mut FieldErrors,
) -> Vec<RatingInput> {
    let Ok(checked) = card.checked() else { return Vec::new() };
    let mut out = Vec::new();
    for (_, c) in checked.criteria() {
        let field = format!("r.{}", c.id());
        let text = values.get(&field).map(String::as_str).unwrap_or_default();
        if text.trim().is_empty() {
            errors.push(FieldError::new(&field, "Choose a rating."));
            continue;
        }
        let Some(rating) = errors.check(Rating::parse(&field, c, text)) else { continue };
        let comment = errors.check(optional_text(
            &format!("c.{}", c.id()),
            values.get(&format!("c.{}", c.id())).map(String::as_str).unwrap_or_default(),
            1000,
        ));
        out.push(RatingInput { criterion_id: c.id().to_string(), rating, comment: comment.flatten() });
    }
    out
}

#[derive(Template)]
#[template(path = "quality/evaluate.html")]
struct EvaluatePage {
    layout: Layout,
    card: ScorecardVersion,
    cards: Vec<ScorecardVersion>,
    criteria: Vec<FormCriterion>,
    spot: Option<SpotCheck>,
    interaction: Option<InteractionDetails>,
    kind: String,
    kinds: Vec<(String, String)>,
    people: Vec<PersonSummary>,
    values: HashMap<String, String>,
    errors: FormErrors,
    today: String,
}

impl EvaluatePage {
    fn value(&self, field: &str) -> String {
        self.values.get(field).cloned().unwrap_or_default()
    }
    fn chosen(&self, field: &str, option: &str) -> bool {
        self.values.get(field).is_some_and(|v| v == option)
    }
    fn is_kind(&self, value: &str) -> bool {
        self.kind == value
    }
    fn rating_field(&self, id: &str) -> String {
        format!("r.{id}")
    }
    fn comment_field(&self, id: &str) -> String {
        format!("c.{id}")
    }
}

/// Query of the evaluation form.
#[derive(Debug, Default, Deserialize)]
pub struct EvaluateQuery {
    spot: Option<i64>,
    interaction: Option<String>,
    kind: Option<String>,
    scorecard: Option<i64>,
}

/// The published version of the form `card` belongs to.
async fn current_version(state: &AppState, card_id: i64) -> Result<ScorecardVersion, PageError> {
    let card = scorecards::get(&state.db, card_id).await?;
    let published = scorecards::published(&state.db).await?;
    published.into_iter().find(|c| c.form_key == card.form_key).ok_or_else(|| {
        PageError::Conflict(format!("{} has no published version; publish one before evaluating.", card.name))
    })
}

async fn page(
    state: &AppState,
    session: &Session,
    q: &EvaluateQuery,
    values: HashMap<String, String>,
    errors: FieldErrors,
) -> Result<EvaluatePage, PageError> {
    let cards = scorecards::published(&state.db).await?;
    let spot = match q.spot {
        Some(id) => {
            let spot = sampling::spot_check(&state.db, id).await?;
            if !may_for(state, session, Action::Evaluate, spot.agent_person_id).await? {
                return Err(PageError::NotFound(format!("Spot check {id}")));
            }
            Some(spot)
        }
        None => None,
    };
    let interaction_id = spot.as_ref().map(|s| s.interaction_id.clone()).or_else(|| q.interaction.clone());
    let interaction = match interaction_id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(id) => {
            let details = evaluations::interaction(&state.db, id).await?;
            if let Some(agent) = details.agent_person_id
                && !may_for(state, session, Action::Evaluate, agent).await?
            {
                return Err(PageError::NotFound(format!("Contact {id}")));
            }
            Some(details)
        }
        None => None,
    };
    let card = match (spot.as_ref(), q.scorecard) {
        (_, Some(id)) => current_version(state, id).await?,
        (Some(s), None) => current_version(state, s.scorecard_id).await?,
        (None, None) => cards
            .first()
            .cloned()
            .ok_or_else(|| PageError::Conflict("Publish a scorecard before evaluating.".into()))?,
    };
    let kind = if interaction.is_some() {
        ContactKind::Interaction
    } else {
        q.kind.as_deref().and_then(|k| ContactKind::parse("kind", k).ok()).unwrap_or(ContactKind::MysteryCall)
    };
    let people = match reach(state, session, Action::Evaluate).await? {
        None => {
            crewdeck_store::people::list(&state.db, &crewdeck_store::people::Scope::All, None, state.today()).await?
        }
        Some(ids) => crewdeck_store::people::list(&state.db, &crewdeck_store::people::Scope::All, None, state.today())
            .await?
            .into_iter()
            .filter(|p| ids.contains(&p.id))
            .collect(),
    };
    let people = people.into_iter().filter(|p| Some(p.id) != session.user.person_id).collect();
    Ok(EvaluatePage {
        layout: Layout::new(session, "Evaluate a contact", "/quality"),
        criteria: form_criteria(&card),
        card,
        cards,
        spot,
        interaction,
        kind: kind.as_str().to_string(),
        kinds: ContactKind::ALL[1..].iter().map(|k| (k.as_str().to_string(), k.label().to_string())).collect(),
        people,
        values,
        errors: FormErrors(errors),
        today: state.today().to_string(),
    })
}

/// `GET /quality/evaluate`.
pub async fn form(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Query(q): Query<EvaluateQuery>,
) -> Result<Response, PageError> {
    let p = page(&state, &session, &q, HashMap::new(), FieldErrors::default()).await?;
    render(&p)
}

/// `POST /quality/evaluate`: records the evaluation and opens it.
pub async fn submit(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let values: HashMap<String, String> = fields.into_iter().collect();
    let get = |k: &str| values.get(k).map(String::as_str).unwrap_or_default();
    let q = EvaluateQuery {
        spot: get("spot").parse().ok(),
        interaction: Some(get("interaction").to_string()).filter(|s| !s.is_empty()),
        kind: Some(get("kind").to_string()).filter(|s| !s.is_empty()),
        scorecard: get("scorecard").parse().ok(),
    };
    let p = page(&state, &session, &q, values.clone(), FieldErrors::default()).await?;
    let mut errors = FieldErrors::default();
    let ratings = read_ratings(&p.card, &values, &mut errors);
    let summary = errors.check(optional_text("summary", get("summary"), 2000)).flatten();
    let coaching: Vec<String> =
        get("coaching").lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect();
    let contact = if let Some(i) = &p.interaction {
        Some(ContactRef::Interaction(i.id.clone()))
    } else {
        let kind = errors.check(ContactKind::parse("kind", get("kind")));
        let person = match get("person").parse::<i64>() {
            Ok(id) if p.people.iter().any(|x| x.id == id) => Some(id),
            _ => {
                errors.push(FieldError::new("person", "Choose the person who was evaluated."));
                None
            }
        };
        let day = errors.check(parse_date("day", get("day")));
        let note = get("note").trim().to_string();
        if note.is_empty() {
            errors.push(FieldError::new("note", "Describe the contact briefly: where, when and the scenario."));
        }
        match (kind, person, day) {
            (Some(kind), Some(agent_person_id), Some(day)) if !note.is_empty() => {
                let at = day.to_zoned(state.time_zone()).map_err(|e| PageError::BadRequest(e.to_string()))?.timestamp();
                Some(ContactRef::OffSystem { kind, agent_person_id, at, note })
            }
            _ => None,
        }
    };
    let result = match contact {
        Some(contact) if errors.is_empty() => {
            let input = EvaluationInput {
                scorecard_id: p.card.id,
                contact,
                ratings,
                summary,
                coaching,
                spot_check_id: p.spot.as_ref().map(|s| s.id),
                calibration_session_id: None,
            };
            evaluations::create(&state.db, &session.audit_actor(), session.user.person_id, &input, state.now()).await
        }
        _ => Err(StoreError::Invalid(errors)),
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/quality/evaluations/{id}?notice=evaluated")).into_response()),
        Err(StoreError::Invalid(errors)) => {
            let p = page(&state, &session, &q, values, errors).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &p)
        }
        Err(e) => Err(e.into()),
    }
}
