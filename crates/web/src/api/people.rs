//! People, their skill levels and learning goals.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use crewdeck_core::auth::policy::Access;
use crewdeck_core::auth::{Action, Subject};
use crewdeck_core::fields::FieldErrors;
use crewdeck_core::people::{PersonFields, SkillLevel, optional_text};
use crewdeck_store::people::{Person, PersonSummary, Scope};
use crewdeck_store::skills::{LearningGoal, PersonSkill};
use crewdeck_store::{people, skills};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, Problem};
use crate::session::Session;
use crate::state::AppState;

/// A person as sent to the API.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonBody {
    /// Full name.
    pub name: String,
    /// Work email.
    pub email: String,
    /// Job title.
    pub job_role: String,
    /// First day, YYYY-MM-DD.
    pub start_date: String,
    /// Contracted hours per week (0–60).
    pub contracted_hours: f64,
    /// Working pattern in words.
    #[serde(default)]
    pub working_pattern: Option<String>,
    /// `in_person`, `email`, `chat` or `call`.
    pub comm_channel: String,
    /// `brief`, `detailed`, `written_first` or `talk_first`.
    pub comm_style: String,
    /// Team to join from the start date (create only).
    #[serde(default)]
    pub team_id: Option<i64>,
}

impl PersonBody {
    fn fields(&self) -> PersonFields {
        PersonFields {
            name: self.name.clone(),
            email: self.email.clone(),
            job_role: self.job_role.clone(),
            start_date: self.start_date.clone(),
            contracted_hours: self.contracted_hours.to_string(),
            working_pattern: self.working_pattern.clone().unwrap_or_default(),
            comm_channel: self.comm_channel.clone(),
            comm_style: self.comm_style.clone(),
        }
    }
}

/// A person with their skills and goals.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonDetail {
    /// Directory details.
    #[serde(flatten)]
    pub person: Person,
    /// Current team ids.
    pub team_ids: Vec<i64>,
    /// Assessed skills.
    pub skills: Vec<PersonSkill>,
    /// Learning goals.
    pub learning_goals: Vec<LearningGoal>,
}

/// Filters for the people list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeopleQuery {
    /// Only people in this team today.
    pub team: Option<i64>,
    /// How many to return (default 100, at most 1000).
    pub limit: Option<usize>,
    /// How many to skip, for the next page (default 0).
    pub offset: Option<usize>,
}

/// The default page size of list routes.
pub const DEFAULT_PAGE: usize = 100;
/// The largest page a caller may ask for.
pub const MAX_PAGE: usize = 1000;

fn scope(session: &Session) -> Scope {
    match session.access(Action::ListPeople) {
        Access::All => Scope::All,
        Access::Team => Scope::Teams { team_ids: session.actor.led_team_ids.clone(), own: session.actor.person_id },
        _ => Scope::Only(session.actor.person_id),
    }
}

async fn subject(state: &AppState, id: i64) -> Result<Subject, ApiError> {
    people::get(&state.db, id).await?;
    Ok(Subject::Person { id, team_ids: people::team_ids_on(&state.db, id, state.today()).await? })
}

/// Lists the people the caller may see.
#[utoipa::path(get, path = "/api/v1/people", tag = "people", params(PeopleQuery),
    responses((status = 200, description = "People in the caller's reach, by name, one page at a time: `X-Total-Count` gives the total and `Link: rel=\"next\"` the next page", body = [PersonSummary]),
               (status = 401, description = "Not logged in", body = Problem), (status = 403, description = "Not allowed", body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Query(q): Query<PeopleQuery>,
) -> Result<Response, ApiError> {
    let limit = q.limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE);
    let offset = q.offset.unwrap_or(0);
    let scope = scope(&session);
    let everyone = people::directory(&state.db, state.today()).await?;
    let matching = || everyone.iter().filter(|p| scope.includes(p) && q.team.is_none_or(|t| p.team_id == Some(t)));
    let total = matching().count();
    let page: Vec<&PersonSummary> = matching().skip(offset).take(limit).collect();
    let mut response = Json(page).into_response();
    let headers = response.headers_mut();
    headers.insert("x-total-count", HeaderValue::from(total));
    if offset + limit < total {
        let team = q.team.map_or(String::new(), |t| format!("&team={t}"));
        let link = format!("</api/v1/people?offset={}&limit={limit}{team}>; rel=\"next\"", offset + limit);
        if let Ok(value) = HeaderValue::from_str(&link) {
            headers.insert(header::LINK, value);
        }
    }
    Ok(response)
}

/// Adds a person.
#[utoipa::path(post, path = "/api/v1/people", tag = "people", request_body = PersonBody,
    responses((status = 201, description = "Created", body = Person), (status = 422, description = "Fields rejected", body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Json(body): Json<PersonBody>,
) -> Result<(StatusCode, Json<Person>), ApiError> {
    let input = body.fields().parse()?;
    let person = people::create(&state.db, &session.audit_actor(), &input, body.team_id, state.now()).await?;
    Ok((StatusCode::CREATED, Json(person)))
}

/// One person, with skills and learning goals.
#[utoipa::path(get, path = "/api/v1/people/{id}", tag = "people", params(("id" = i64, Path, description = "Person id")),
    responses((status = 200, description = "The person", body = PersonDetail), (status = 404, description = "No such person", body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
) -> Result<Json<PersonDetail>, ApiError> {
    let subject = subject(&state, id).await?;
    session.require_api(Action::ViewPerson, &subject)?;
    let team_ids = match subject {
        Subject::Person { team_ids, .. } => team_ids,
        _ => Vec::new(),
    };
    // Skills are performance data: only those who may see them get them.
    let see_skills = session.may(Action::ViewPersonSkills, &Subject::Person { id, team_ids: team_ids.clone() });
    Ok(Json(PersonDetail {
        person: people::get(&state.db, id).await?,
        team_ids,
        skills: if see_skills { skills::of_person(&state.db, id).await? } else { Vec::new() },
        learning_goals: if see_skills { skills::goals_of(&state.db, id).await? } else { Vec::new() },
    }))
}

/// Replaces a person's directory details.
#[utoipa::path(put, path = "/api/v1/people/{id}", tag = "people", params(("id" = i64, Path, description = "Person id")), request_body = PersonBody,
    responses((status = 200, description = "Updated", body = Person), (status = 422, description = "Fields rejected", body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Json(body): Json<PersonBody>,
) -> Result<Json<Person>, ApiError> {
    session.require_api(Action::EditPerson, &subject(&state, id).await?)?;
    let input = body.fields().parse()?;
    Ok(Json(people::update(&state.db, &session.audit_actor(), id, &input, state.now()).await?))
}

/// A skill level as sent to the API.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SkillLevelBody {
    /// 1 (aware) to 5 (expert).
    pub level: i64,
    /// What the assessment rests on.
    #[serde(default)]
    pub evidence: Option<String>,
}

/// Records a person's level in a skill; the caller is recorded as assessor.
#[utoipa::path(put, path = "/api/v1/people/{id}/skills/{skill_id}", tag = "people",
    params(("id" = i64, Path, description = "Person id"), ("skill_id" = i64, Path, description = "Skill id")), request_body = SkillLevelBody,
    responses((status = 200, description = "The person's skills after the change", body = [PersonSkill]), (status = 422, description = "Fields rejected", body = Problem)))]
pub async fn set_skill(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path((id, skill_id)): Path<(i64, i64)>,
    Json(body): Json<SkillLevelBody>,
) -> Result<Json<Vec<PersonSkill>>, ApiError> {
    session.require_api(Action::EditPersonSkills, &subject(&state, id).await?)?;
    let mut errors = FieldErrors::default();
    let level = errors.check(SkillLevel::parse("level", body.level));
    let evidence = errors.check(optional_text("evidence", body.evidence.as_deref().unwrap_or(""), 300));
    let (Some(level), Some(evidence)) = (level, evidence) else {
        return Err(errors.into());
    };
    skills::set_level(
        &state.db,
        &session.audit_actor(),
        id,
        skill_id,
        level,
        session.user.person_id,
        evidence.as_deref(),
        state.today(),
        state.now(),
    )
    .await?;
    Ok(Json(skills::of_person(&state.db, id).await?))
}

/// Everything held about a person, for a subject access request. Recorded in the audit trail.
#[utoipa::path(get, path = "/api/v1/people/{id}/export", tag = "people", params(("id" = i64, Path, description = "Person id")),
    responses((status = 200, description = "The person's data as a JSON download", body = crewdeck_store::subject_access::SubjectAccessExport),
               (status = 404, description = "No such person", body = Problem)))]
pub async fn export(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    session.require_api(Action::ExportPersonalData, &subject(&state, id).await?)?;
    let doc = crewdeck_store::subject_access::export(&state.db, &session.audit_actor(), id, state.now()).await?;
    let mut response = Json(doc).into_response();
    let disposition = format!("attachment; filename=\"crewdeck-person-{id}.json\"");
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        response.headers_mut().insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}
