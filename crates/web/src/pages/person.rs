//! A person's profile: details, team history, skills, learning goals, channel
//! capacity and absences, with the forms that record each.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use crewdeck_core::auth::{Action, Subject};
use crewdeck_core::fields::{FieldError, FieldErrors};
use crewdeck_core::people::{AbsenceKind, SkillLevel, optional_text, parse_capacity, parse_channel, parse_date};
use crewdeck_store::people::{Absence, Membership, Person};
use crewdeck_store::skills::{Capacity, LearningGoal, PersonSkill, Skill};
use crewdeck_store::teams::Team;
use crewdeck_store::{StoreError, people, skills, teams};
use serde::Deserialize;

use super::people::{Choice, person_subject};
use super::{FormErrors, Layout, render, render_status};
use crate::error::PageError;
use crate::session::Session;
use crate::state::AppState;

/// Which form on the profile page failed, with its values and errors.
#[derive(Default)]
struct Failed {
    form: &'static str,
    errors: FormErrors,
    values: std::collections::HashMap<String, String>,
}

impl Failed {
    fn value(&self, form: &str, field: &str) -> String {
        if self.form == form { self.values.get(field).cloned().unwrap_or_default() } else { String::new() }
    }
}

#[derive(Template)]
#[template(path = "person.html")]
struct PersonPage {
    layout: Layout,
    person: Person,
    memberships: Vec<Membership>,
    skills: Vec<PersonSkill>,
    goals: Vec<LearningGoal>,
    capacities: Vec<Capacity>,
    absences: Vec<Absence>,
    catalogue: Vec<Skill>,
    teams: Vec<Team>,
    absence_kinds: Vec<Choice>,
    can_edit: bool,
    can_edit_skills: bool,
    can_manage_absence: bool,
    can_move: bool,
    can_export: bool,
    can_see_skills: bool,
    show_absence_notes: bool,
    failed: Failed,
    today: String,
}

impl PersonPage {
    fn errors(&self, form: &str) -> FormErrors {
        if self.failed.form == form { self.failed.errors.clone() } else { FormErrors::default() }
    }

    fn value(&self, form: &str, field: &str) -> String {
        self.failed.value(form, field)
    }

    fn level_label(&self, level: &i64) -> &'static str {
        match level {
            1 => "Aware",
            2 => "Developing",
            3 => "Competent",
            4 => "Proficient",
            _ => "Expert",
        }
    }

    fn kind_label(&self, kind: &str) -> &'static str {
        AbsenceKind::parse("kind", kind).map_or("Other", AbsenceKind::label)
    }
}

async fn page(state: &AppState, session: &Session, id: i64, failed: Failed) -> Result<PersonPage, PageError> {
    let subject = person_subject(state, id).await?;
    session.require_page(Action::ViewPerson, &subject)?;
    let person = people::get(&state.db, id).await?;
    let can_manage_absence = session.may(Action::ManageAbsence, &subject);
    let is_self = session.user.person_id == Some(id);
    Ok(PersonPage {
        layout: Layout::new(session, person.name.clone(), "/people"),
        memberships: people::memberships(&state.db, id).await?,
        skills: skills::of_person(&state.db, id).await?,
        goals: skills::goals_of(&state.db, id).await?,
        capacities: skills::capacities_of(&state.db, id).await?,
        absences: people::absences(&state.db, id).await?,
        catalogue: skills::list(&state.db).await?,
        teams: teams::list(&state.db, state.today()).await?,
        absence_kinds: AbsenceKind::ALL
            .iter()
            .map(|k| Choice { value: k.as_str().into(), label: k.label().into() })
            .collect(),
        can_edit: session.may(Action::EditPerson, &subject),
        can_edit_skills: session.may(Action::EditPersonSkills, &subject),
        can_manage_absence,
        can_move: session.may(Action::ManageTeams, &Subject::Any),
        can_export: session.may(Action::ExportPersonalData, &subject),
        can_see_skills: session.may(Action::ViewPersonSkills, &subject),
        show_absence_notes: can_manage_absence || is_self,
        failed,
        today: state.today().to_string(),
        person,
    })
}

/// Query of the profile page.
#[derive(Debug, Deserialize)]
pub struct ShowQuery {
    notice: Option<String>,
}

/// `GET /people/{id}`.
pub async fn show(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, PageError> {
    let mut p = page(&state, &session, id, Failed::default()).await?;
    p.layout = p.layout.with_notice(q.notice.as_deref());
    render(&p)
}

/// Re-renders the profile with one form's errors beside its fields, or redirects on success.
async fn finish(
    state: &AppState,
    session: &Session,
    id: i64,
    form: &'static str,
    values: Vec<(&str, &str)>,
    result: Result<(), StoreError>,
    notice: &str,
) -> Result<Response, PageError> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/people/{id}?notice={notice}#{form}")).into_response()),
        Err(StoreError::Invalid(errors)) => {
            let values = values.into_iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
            let p = page(state, session, id, Failed { form, errors: FormErrors(errors), values }).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &p)
        }
        Err(e) => Err(e.into()),
    }
}

fn skill_id(field: &str, text: &str) -> Result<i64, FieldError> {
    text.trim().parse().map_err(|_| FieldError::new(field, "Choose a skill from the list."))
}

/// The skill-level form.
#[derive(Debug, Deserialize)]
pub struct SkillForm {
    #[serde(default)]
    skill_id: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    evidence: String,
}

/// `POST /people/{id}/skills`: records a level, with who assessed it and on what evidence.
pub async fn set_skill(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Form(form): Form<SkillForm>,
) -> Result<Response, PageError> {
    session.require_page(Action::EditPersonSkills, &person_subject(&state, id).await?)?;
    let mut errors = FieldErrors::default();
    let skill = errors.check(skill_id("skill_id", &form.skill_id));
    let level = errors.check(SkillLevel::parse_text("level", &form.level));
    let evidence = errors.check(optional_text("evidence", &form.evidence, 300));
    let result = match (skill, level, evidence) {
        (Some(skill), Some(level), Some(evidence)) if errors.is_empty() => {
            skills::set_level(
                &state.db,
                &session.audit_actor(),
                id,
                skill,
                level,
                session.user.person_id,
                evidence.as_deref(),
                state.today(),
                state.now(),
            )
            .await
        }
        _ => Err(StoreError::Invalid(errors)),
    };
    let values = vec![
        ("skill_id", form.skill_id.as_str()),
        ("level", form.level.as_str()),
        ("evidence", form.evidence.as_str()),
    ];
    finish(&state, &session, id, "skills", values, result, "skill").await
}

/// The learning-goal form.
#[derive(Debug, Deserialize)]
pub struct GoalForm {
    #[serde(default)]
    skill_id: String,
    #[serde(default)]
    target_level: String,
}

/// `POST /people/{id}/goals`.
pub async fn set_goal(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Form(form): Form<GoalForm>,
) -> Result<Response, PageError> {
    session.require_page(Action::EditPersonSkills, &person_subject(&state, id).await?)?;
    let mut errors = FieldErrors::default();
    let skill = errors.check(skill_id("goal_skill_id", &form.skill_id));
    let target = errors.check(SkillLevel::parse_text("target_level", &form.target_level));
    let result = match (skill, target) {
        (Some(skill), Some(target)) if errors.is_empty() => {
            skills::set_goal(&state.db, &session.audit_actor(), id, skill, target, state.today(), state.now()).await
        }
        _ => Err(StoreError::Invalid(errors)),
    };
    let values = vec![("goal_skill_id", form.skill_id.as_str()), ("target_level", form.target_level.as_str())];
    finish(&state, &session, id, "goals", values, result, "goal").await
}

/// `POST /people/{id}/goals/{skill_id}/remove`.
pub async fn remove_goal(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path((id, skill)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    session.require_page(Action::EditPersonSkills, &person_subject(&state, id).await?)?;
    skills::remove_goal(&state.db, &session.audit_actor(), id, skill, state.now()).await?;
    Ok(Redirect::to(&format!("/people/{id}?notice=goal#goals")).into_response())
}

/// The capacity form.
#[derive(Debug, Deserialize)]
pub struct CapacityForm {
    #[serde(default)]
    channel: String,
    #[serde(default)]
    capacity: String,
}

/// `POST /people/{id}/capacity`.
pub async fn set_capacity(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Form(form): Form<CapacityForm>,
) -> Result<Response, PageError> {
    session.require_page(Action::EditPersonSkills, &person_subject(&state, id).await?)?;
    let mut errors = FieldErrors::default();
    let channel = errors.check(parse_channel("channel", &form.channel));
    let capacity = errors.check(parse_capacity("capacity", &form.capacity));
    let result = match (channel, capacity) {
        (Some(channel), Some(capacity)) if errors.is_empty() => {
            skills::set_capacity(&state.db, &session.audit_actor(), id, &channel, capacity, state.now()).await
        }
        _ => Err(StoreError::Invalid(errors)),
    };
    let values = vec![("channel", form.channel.as_str()), ("capacity", form.capacity.as_str())];
    finish(&state, &session, id, "capacity", values, result, "capacity").await
}

/// The absence form.
#[derive(Debug, Deserialize)]
pub struct AbsenceForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    from_date: String,
    #[serde(default)]
    to_date: String,
    #[serde(default)]
    note: String,
}

/// `POST /people/{id}/absences`.
pub async fn add_absence(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Form(form): Form<AbsenceForm>,
) -> Result<Response, PageError> {
    session.require_page(Action::ManageAbsence, &person_subject(&state, id).await?)?;
    let mut errors = FieldErrors::default();
    let kind = errors.check(AbsenceKind::parse("kind", &form.kind));
    let from = errors.check(parse_date("from_date", &form.from_date));
    let to = errors.check(parse_date("to_date", &form.to_date));
    let note = errors.check(optional_text("note", &form.note, 500));
    let result = match (kind, from, to, note) {
        (Some(kind), Some(from), Some(to), Some(note)) if errors.is_empty() => people::add_absence(
            &state.db,
            &session.audit_actor(),
            id,
            &people::NewAbsence { kind, from, to, note },
            state.now(),
        )
        .await
        .map(|_| ()),
        _ => Err(StoreError::Invalid(errors)),
    };
    let values = vec![
        ("kind", form.kind.as_str()),
        ("from_date", form.from_date.as_str()),
        ("to_date", form.to_date.as_str()),
        ("note", form.note.as_str()),
    ];
    finish(&state, &session, id, "absences", values, result, "absence").await
}

/// The team-move form.
#[derive(Debug, Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    team_id: String,
    #[serde(default)]
    from_date: String,
}

/// `POST /people/{id}/team`.
pub async fn move_team(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Form(form): Form<MoveForm>,
) -> Result<Response, PageError> {
    session.require_page(Action::ManageTeams, &Subject::Any)?;
    let mut errors = FieldErrors::default();
    let team = errors.check(
        form.team_id.trim().parse::<i64>().map_err(|_| FieldError::new("team_id", "Choose a team from the list.")),
    );
    let from = errors.check(parse_date("move_from_date", &form.from_date));
    let result = match (team, from) {
        (Some(team), Some(from)) if errors.is_empty() => {
            people::move_to_team(&state.db, &session.audit_actor(), id, team, from, state.now()).await
        }
        _ => Err(StoreError::Invalid(errors)),
    };
    let values = vec![("team_id", form.team_id.as_str()), ("move_from_date", form.from_date.as_str())];
    finish(&state, &session, id, "team", values, result, "moved").await
}
