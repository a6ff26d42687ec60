//! Work items over the API: create, list, import, and pull the next item.

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use crewdeck_core::allocation::work::{WorkItemFields, WorkState};
use crewdeck_core::auth::policy::Access;
use crewdeck_core::auth::{Action, Subject};
use crewdeck_store::allocation::import::{self, WorkImportReport};
use crewdeck_store::allocation::pull::{self, Pulled};
use crewdeck_store::allocation::{WorkFilter, WorkItem, items};
use crewdeck_store::kpi::ImportFormat;
use crewdeck_store::teams;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, Problem};
use crate::session::Session;
use crate::state::AppState;

/// A new work item.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkItemBody {
    /// An id from another system (unique when given).
    #[serde(default)]
    pub external_id: Option<String>,
    /// `ticket`, `callback`, `booking_in_call`, `qa_spot_check` or `task`.
    pub kind: String,
    /// What needs doing.
    pub title: String,
    /// The channel it is worked on (`email`, `chat`, `voice`, ...).
    pub channel: String,
    /// Required skills by name with the level 1–5 each needs.
    #[schema(value_type = Object, example = json!({"Billing": 3}))]
    pub requires: std::collections::BTreeMap<String, i64>,
    /// `urgent`, `high`, `normal` or `low`.
    pub priority: String,
    /// RFC 3339 due time.
    #[serde(default)]
    pub due_at: Option<String>,
    /// Minutes of work expected (default 15).
    #[serde(default)]
    pub effort_minutes: Option<i64>,
    /// The team's id.
    pub team_id: i64,
    /// Date to check on progress, YYYY-MM-DD.
    #[serde(default)]
    pub check_in_on: Option<String>,
}

/// The teams whose work the caller may manage.
async fn managed_teams(state: &AppState, session: &Session) -> Result<Vec<i64>, ApiError> {
    let all = teams::list(&state.db, state.today()).await?;
    Ok(all.iter().map(|t| t.id).filter(|&id| session.may(Action::ManageWork, &Subject::Team { id })).collect())
}

/// Adds a work item to a team's queue.
#[utoipa::path(post, path = "/api/v1/work-items", tag = "work", request_body = WorkItemBody,
    responses((status = 201, description = "Created, open and unassigned", body = WorkItem),
              (status = 403, description = "Not your team", body = Problem),
              (status = 422, description = "Fields rejected", body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Json(body): Json<WorkItemBody>,
) -> Result<(StatusCode, Json<WorkItem>), ApiError> {
    session.require_api(Action::ManageWork, &Subject::Team { id: body.team_id })?;
    let fields = WorkItemFields {
        external_id: body.external_id.clone().unwrap_or_default(),
        kind: body.kind.clone(),
        title: body.title.clone(),
        channel: body.channel.clone(),
        requires: body.requires.iter().map(|(k, v)| format!("{k}:{v}")).collect::<Vec<_>>().join("; "),
        priority: body.priority.clone(),
        due_at: body.due_at.clone().unwrap_or_default(),
        effort_minutes: body.effort_minutes.map(|m| m.to_string()).unwrap_or_default(),
        team: body.team_id.to_string(),
        check_in_on: body.check_in_on.clone().unwrap_or_default(),
    };
    let input = fields.parse()?;
    let allowed = [body.team_id];
    let item = items::create(&state.db, &session.audit_actor(), &input, Some(&allowed), state.now()).await?;
    Ok((StatusCode::CREATED, Json(item)))
}

/// Filters for the work list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WorkQuery {
    /// Only this team's work.
    pub team: Option<i64>,
    /// Only items in this state: `open`, `assigned`, `in_progress` or `done`.
    pub state: Option<String>,
}

/// Lists work in the caller's reach: their own items (agents), their teams'
/// work (leaders), everything (operations managers).
#[utoipa::path(get, path = "/api/v1/work-items", tag = "work", params(WorkQuery),
    responses((status = 200, description = "Most urgent first, then earliest due", body = [WorkItem]),
              (status = 422, description = "Unknown state", body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Query(q): Query<WorkQuery>,
) -> Result<Json<Vec<WorkItem>>, ApiError> {
    let states = match q.state.as_deref() {
        None | Some("") => Vec::new(),
        Some(s) => vec![WorkState::from_stored(s).ok_or_else(|| {
            ApiError::from(crewdeck_core::fields::FieldErrors(vec![crewdeck_core::fields::FieldError::new(
                "state",
                "Use open, assigned, in_progress or done.",
            )]))
        })?],
    };
    let mut filter = WorkFilter { team_ids: q.team.map(|t| vec![t]), assignee: None, states };
    match session.access(Action::ViewWork) {
        Access::All => {}
        Access::Team => {
            let mine = managed_teams(&state, &session).await?;
            filter.team_ids = Some(match q.team {
                Some(t) if mine.contains(&t) => vec![t],
                Some(_) => Vec::new(),
                None => mine,
            });
        }
        _ => filter.assignee = Some(session.user.person_id.unwrap_or(0)),
    }
    Ok(Json(items::list(&state.db, &filter).await?))
}

/// The format of an import body.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// `csv` (default) or `ndjson`.
    pub format: Option<String>,
}

/// Imports work items from a CSV (with a header) or NDJSON body; rows for
/// teams the caller does not manage are rejected. See docs/allocation.md.
#[utoipa::path(post, path = "/api/v1/work-items/import", tag = "work", params(ImportQuery),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, description = "What was imported; rejected rows by line", body = WorkImportReport),
              (status = 422, description = "The file cannot be read", body = Problem)))]
pub async fn import_file(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Query(q): Query<ImportQuery>,
    body: Bytes,
) -> Result<Json<WorkImportReport>, ApiError> {
    let format = match q.format.as_deref() {
        None | Some("") => ImportFormat::Csv,
        Some(f) => ImportFormat::parse(f).map_err(|e| ApiError::from(crewdeck_core::fields::FieldErrors(vec![e])))?,
    };
    let allowed = managed_teams(&state, &session).await?;
    let report =
        import::import(&state.db, &session.audit_actor(), body.as_ref(), format, Some(&allowed), state.now()).await?;
    Ok(Json(report))
}

/// The answer to a pull.
#[derive(Debug, Serialize, ToSchema)]
pub struct PullReply {
    /// The item now assigned to the caller, if any.
    pub item: Option<WorkItem>,
    /// Why nothing was given, when nothing was.
    pub message: Option<String>,
}

/// Gives the caller the best open item of their team they may take (most
/// urgent, then earliest due), assigned atomically.
#[utoipa::path(post, path = "/api/v1/work-items/next", tag = "work",
    responses((status = 200, description = "The item given, or why none was", body = PullReply)))]
pub async fn next(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
) -> Result<Json<PullReply>, ApiError> {
    let Some(me) = session.user.person_id else {
        return Ok(Json(PullReply { item: None, message: Some("Your account is not linked to a person.".into()) }));
    };
    Ok(Json(match pull::next_item(&state.db, &session.audit_actor(), me, state.today(), state.now()).await? {
        Pulled::Given(item) => PullReply { item: Some(*item), message: None },
        Pulled::Nothing(why) => PullReply { item: None, message: Some(why) },
    }))
}
