//! Teams, the skills catalogue and matrix, the caller, users and the audit trail.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use crewdeck_core::auth::policy::Access;
use crewdeck_core::auth::{Action, Subject};
use crewdeck_core::fields::FieldErrors;
use crewdeck_core::people::{Email, Role, SkillFields, TeamFields, required_text};
use crewdeck_store::accounts::{self, User};
use crewdeck_store::audit::{self, AuditEvent};
use crewdeck_store::skills::{Matrix, Skill};
use crewdeck_store::teams::Team;
use crewdeck_store::{skills, teams};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, Problem};
use crate::session::Session;
use crate::state::AppState;

/// The caller.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    /// The account.
    pub user: User,
    /// Teams the caller leads.
    pub led_team_ids: Vec<i64>,
}

/// Who the caller is.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", responses((status = 200, description = "The caller", body = Me), (status = 401, description = "Not logged in", body = Problem)))]
pub async fn me(Extension(session): Extension<Session>) -> Json<Me> {
    Json(Me { led_team_ids: session.actor.led_team_ids.clone(), user: session.user })
}

/// Teams the caller may see.
#[utoipa::path(get, path = "/api/v1/teams", tag = "teams", responses((status = 200, description = "Teams", body = [Team])))]
pub async fn list_teams(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
) -> Result<Json<Vec<Team>>, ApiError> {
    let own = match session.user.person_id {
        Some(id) => crewdeck_store::people::team_ids_on(&state.db, id, state.today()).await?,
        None => Vec::new(),
    };
    let all = teams::list(&state.db, state.today()).await?;
    let access = session.access(Action::ListTeams);
    Ok(Json(
        all.into_iter()
            .filter(|t| access == Access::All || own.contains(&t.id) || session.actor.led_team_ids.contains(&t.id))
            .collect(),
    ))
}

/// A team as sent to the API.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamBody {
    /// Name.
    pub name: String,
    /// What the team is for.
    #[serde(default)]
    pub purpose: Option<String>,
    /// Leader's person id.
    #[serde(default)]
    pub leader_id: Option<i64>,
    /// The site the team works from.
    #[serde(default)]
    pub site_id: Option<i64>,
}

/// Creates a team.
#[utoipa::path(post, path = "/api/v1/teams", tag = "teams", request_body = TeamBody,
    responses((status = 201, description = "Created", body = Team), (status = 422, description = "Fields rejected", body = Problem)))]
pub async fn create_team(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Json(body): Json<TeamBody>,
) -> Result<(StatusCode, Json<Team>), ApiError> {
    let fields = TeamFields {
        name: body.name,
        purpose: body.purpose.unwrap_or_default(),
        leader_id: body.leader_id.map(|l| l.to_string()).unwrap_or_default(),
        site_id: body.site_id.map(|s| s.to_string()).unwrap_or_default(),
    };
    let id = teams::create(&state.db, &session.audit_actor(), &fields.parse()?, state.now()).await?;
    Ok((StatusCode::CREATED, Json(teams::get(&state.db, id, state.today()).await?)))
}

/// One team.
#[utoipa::path(get, path = "/api/v1/teams/{id}", tag = "teams", params(("id" = i64, Path, description = "Team id")),
    responses((status = 200, description = "The team", body = Team), (status = 404, description = "No such team", body = Problem)))]
pub async fn get_team(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
) -> Result<Json<Team>, ApiError> {
    let team = teams::get(&state.db, id, state.today()).await?;
    let own = match session.user.person_id {
        Some(p) => crewdeck_store::people::team_ids_on(&state.db, p, state.today()).await?,
        None => Vec::new(),
    };
    if !(session.may(Action::ViewTeam, &Subject::Team { id }) || own.contains(&id)) {
        return Err(ApiError::Forbidden);
    }
    Ok(Json(team))
}

/// The skills catalogue.
#[utoipa::path(get, path = "/api/v1/skills", tag = "skills", responses((status = 200, description = "Skills by name", body = [Skill])))]
pub async fn list_skills(State(state): State<AppState>) -> Result<Json<Vec<Skill>>, ApiError> {
    Ok(Json(skills::list(&state.db).await?))
}

/// A skill as sent to the API.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SkillBody {
    /// Name.
    pub name: String,
    /// What it covers.
    pub description: String,
    /// Exactly five descriptors: what levels 1 to 5 look like.
    pub levels: Vec<String>,
}

/// Adds a skill to the catalogue.
#[utoipa::path(post, path = "/api/v1/skills", tag = "skills", request_body = SkillBody,
    responses((status = 201, description = "Created", body = Skill), (status = 422, description = "Fields rejected", body = Problem)))]
pub async fn create_skill(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Json(body): Json<SkillBody>,
) -> Result<(StatusCode, Json<Skill>), ApiError> {
    if body.levels.len() != 5 {
        return Err(crewdeck_store::StoreError::field(
            "levels",
            "Give exactly five level descriptors, for levels 1 to 5.",
        )
        .into());
    }
    let level = |i: usize| body.levels.get(i).cloned().unwrap_or_default();
    let fields = SkillFields {
        name: body.name.clone(),
        description: body.description.clone(),
        level_1: level(0),
        level_2: level(1),
        level_3: level(2),
        level_4: level(3),
        level_5: level(4),
    };
    let id = skills::create(&state.db, &session.audit_actor(), &fields.parse()?, state.now()).await?;
    Ok((StatusCode::CREATED, Json(skills::get(&state.db, id).await?)))
}

/// Matrix filter.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MatrixQuery {
    /// Only this team.
    pub team: Option<i64>,
}

/// People by skills, for the teams in the caller's reach.
#[utoipa::path(get, path = "/api/v1/skills/matrix", tag = "skills", params(MatrixQuery), responses((status = 200, description = "The matrix", body = Matrix)))]
pub async fn matrix(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Query(q): Query<MatrixQuery>,
) -> Result<Json<Matrix>, ApiError> {
    Ok(Json(crate::pages::skills::matrix_for(&state, &session, q.team).await?))
}

/// Every user account.
#[utoipa::path(get, path = "/api/v1/users", tag = "accounts", responses((status = 200, description = "Users", body = [User])))]
pub async fn list_users(State(state): State<AppState>) -> Result<Json<Vec<User>>, ApiError> {
    Ok(Json(accounts::list(&state.db).await?))
}

/// A new account as sent to the API.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserBody {
    /// Login email.
    pub email: String,
    /// Display name.
    pub name: String,
    /// `agent`, `team_leader`, `ops_manager`, `hr` or `admin`.
    pub role: String,
    /// Team name or id: agents join it, team leaders lead it.
    #[serde(default)]
    pub team: Option<String>,
}

/// A new account and its one-time password.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewUser {
    /// Login email.
    pub email: String,
    /// One-time password; the user must change it at first login.
    pub password: String,
}

/// Creates an account with a one-time password.
#[utoipa::path(post, path = "/api/v1/users", tag = "accounts", request_body = UserBody,
    responses((status = 201, description = "Created", body = NewUser), (status = 422, description = "Fields rejected", body = Problem)))]
pub async fn create_user(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Json(body): Json<UserBody>,
) -> Result<(StatusCode, Json<NewUser>), ApiError> {
    let mut errors = FieldErrors::default();
    let email = errors.check(Email::parse("email", &body.email));
    let name = errors.check(required_text("name", &body.name, 120));
    let role = errors.check(Role::parse("role", &body.role));
    let (Some(email), Some(name), Some(role)) = (email, name, role) else {
        return Err(errors.into());
    };
    let team = match body.team.as_deref() {
        Some(t) => Some(accounts::find_team(&state.db, t).await?),
        None => None,
    };
    let account =
        accounts::create(&state.db, &session.audit_actor(), &email, &name, role, team, state.today(), state.now())
            .await?;
    Ok((StatusCode::CREATED, Json(NewUser { email: account.user.email, password: account.password })))
}

/// Audit paging and filter.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only events about this subject, e.g. `person:12`.
    pub subject: Option<String>,
    /// Only events older than this sequence number.
    pub before: Option<i64>,
    /// At most this many (default 100, at most 1000).
    pub limit: Option<i64>,
}

/// The audit trail, newest first.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery), responses((status = 200, description = "Events", body = [AuditEvent])))]
pub async fn audit_trail(
    State(state): State<AppState>,
    Query(q): Query<AuditQuery>,
) -> Result<Json<Vec<AuditEvent>>, ApiError> {
    let limit = q.limit.unwrap_or(100).clamp(1, 1000);
    Ok(Json(audit::list(&state.db, q.subject.as_deref(), limit, q.before).await?))
}
