//! Work: an agent's "My work" (with "Get next item"), a leader's team queue,
//! one item with its notes, and the new-item form.
//!
//! An item out of the caller's reach answers 404, not 403, so that ids do not
//! reveal which work exists in other teams.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use crewdeck_core::allocation::work::{WorkItemFields, WorkKind, WorkState, parse_reason};
use crewdeck_core::auth::policy::Access;
use crewdeck_core::auth::{Action, Subject};
use crewdeck_core::fields::{FieldError, FieldErrors};
use crewdeck_core::people::parse_date;
use crewdeck_store::allocation::pull::Pulled;
use crewdeck_store::allocation::{WorkFilter, WorkItem, WorkNote, assign, items, pull, roster};
use crewdeck_store::teams::Team;
use crewdeck_store::{StoreError, teams};
use serde::Deserialize;

use super::people::Choice;
use super::{FormErrors, Layout, render, render_status};
use crate::error::PageError;
use crate::session::Session;
use crate::state::AppState;

/// The teams whose work the caller may handle with `action`, by name.
pub(crate) async fn teams_for(state: &AppState, session: &Session, action: Action) -> Result<Vec<Team>, PageError> {
    let all = teams::list(&state.db, state.today()).await?;
    Ok(all.into_iter().filter(|t| session.may(action, &Subject::Team { id: t.id })).collect())
}

/// The team asked for, if in reach, else the first in reach.
pub(crate) fn chosen(teams: &[Team], asked: Option<i64>) -> Option<&Team> {
    asked.and_then(|id| teams.iter().find(|t| t.id == id)).or_else(|| teams.first())
}

#[derive(Template)]
#[template(path = "work_mine.html")]
struct MinePage {
    layout: Layout,
    items: Vec<WorkItem>,
    done: Vec<WorkItem>,
    can_pull: bool,
    message: Option<String>,
}

#[derive(Template)]
#[template(path = "work_queue.html")]
struct QueuePage {
    layout: Layout,
    teams: Vec<Team>,
    team: Team,
    open: Vec<WorkItem>,
    held: Vec<WorkItem>,
    can_allocate: bool,
    today: String,
}

/// Query of the work page.
#[derive(Debug, Deserialize)]
pub struct WorkQuery {
    team: Option<i64>,
    notice: Option<String>,
}

/// `GET /work`: the team queue for leaders, "My work" for agents.
pub async fn show(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Query(q): Query<WorkQuery>,
) -> Result<Response, PageError> {
    if session.access(Action::ManageWork) != Access::None {
        return queue(&state, &session, q).await;
    }
    mine(&state, &session, q.notice.as_deref(), None, StatusCode::OK).await
}

async fn mine(
    state: &AppState,
    session: &Session,
    notice: Option<&str>,
    message: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let Some(me) = session.user.person_id else {
        return Err(PageError::NotFound("Your account is not linked to a person, so it has no work.".into()));
    };
    let filter =
        WorkFilter { team_ids: None, assignee: Some(me), states: vec![WorkState::Assigned, WorkState::InProgress] };
    let done_filter = WorkFilter { team_ids: None, assignee: Some(me), states: vec![WorkState::Done] };
    let page = MinePage {
        layout: Layout::new(session, "My work", "/work").with_notice(notice),
        items: items::list(&state.db, &filter).await?,
        done: items::list(&state.db, &done_filter).await?.into_iter().take(10).collect(),
        can_pull: session.access(Action::PullWork) != Access::None,
        message,
    };
    render_status(status, &page)
}

async fn queue(state: &AppState, session: &Session, q: WorkQuery) -> Result<Response, PageError> {
    let teams = teams_for(state, session, Action::ManageWork).await?;
    let Some(team) = chosen(&teams, q.team).cloned() else {
        return Err(PageError::NotFound("You do not lead a team yet, so there is no queue to show.".into()));
    };
    let filter = |states: Vec<WorkState>| WorkFilter { team_ids: Some(vec![team.id]), assignee: None, states };
    let page = QueuePage {
        layout: Layout::new(session, format!("Work: {}", team.name), "/work").with_notice(q.notice.as_deref()),
        open: items::list(&state.db, &filter(vec![WorkState::Open])).await?,
        held: items::list(&state.db, &filter(vec![WorkState::Assigned, WorkState::InProgress])).await?,
        can_allocate: session.may(Action::AllocateWork, &Subject::Team { id: team.id }),
        today: state.today().to_string(),
        teams,
        team,
    };
    render(&page)
}

/// `POST /work/pull`: "Get next item".
pub async fn pull_next(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
) -> Result<Response, PageError> {
    let Some(me) = session.user.person_id else {
        return Err(PageError::NotFound("Your account is not linked to a person, so it has no work.".into()));
    };
    session.require_page(Action::PullWork, &Subject::Person { id: me, team_ids: Vec::new() })?;
    match pull::next_item(&state.db, &session.audit_actor(), me, state.today(), state.now()).await? {
        Pulled::Given(item) => Ok(Redirect::to(&format!("/work/items/{}?notice=pulled", item.id)).into_response()),
        Pulled::Nothing(why) => mine(&state, &session, None, Some(why), StatusCode::OK).await,
    }
}

/// What the caller may do with one item.
struct Reach {
    assignee: bool,
    manage: bool,
}

async fn reach(session: &Session, item: &WorkItem) -> Result<Reach, PageError> {
    let team = Subject::Team { id: item.team_id };
    let assignee = session.user.person_id.is_some() && session.user.person_id == item.assignee_id;
    let manage = session.may(Action::ManageWork, &team);
    if !(assignee || manage || session.may(Action::ViewWork, &team)) {
        return Err(PageError::NotFound(format!("Work item {}", item.id)));
    }
    Ok(Reach { assignee, manage })
}

#[derive(Template)]
#[template(path = "work_item.html")]
struct ItemPage {
    layout: Layout,
    item: WorkItem,
    notes: Vec<WorkNote>,
    is_assignee: bool,
    can_manage: bool,
    members: Vec<Choice>,
    errors: FormErrors,
    reason: String,
}

async fn item_page(
    state: &AppState,
    session: &Session,
    id: i64,
    notice: Option<&str>,
    errors: FormErrors,
    reason: String,
) -> Result<ItemPage, PageError> {
    let item = items::get(&state.db, id).await?;
    let r = reach(session, &item).await?;
    let members = if r.manage {
        roster::team(&state.db, item.team_id, state.today())
            .await?
            .into_iter()
            .filter(|a| Some(a.person_id) != item.assignee_id)
            .map(|a| {
                let label = match &a.unavailable {
                    Some(why) => format!("{} ({why})", a.name),
                    None => a.name.clone(),
                };
                Choice { value: a.person_id.to_string(), label }
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(ItemPage {
        layout: Layout::new(session, item.title.clone(), "/work").with_notice(notice),
        notes: items::notes(&state.db, id).await?,
        is_assignee: r.assignee,
        can_manage: r.manage,
        members,
        errors,
        reason,
        item,
    })
}

/// Query with a confirmation code.
#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

/// `GET /work/items/{id}`.
pub async fn item(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    render(&item_page(&state, &session, id, q.notice.as_deref(), FormErrors::default(), String::new()).await?)
}

fn back(id: i64, notice: &str) -> Response {
    Redirect::to(&format!("/work/items/{id}?notice={notice}")).into_response()
}

/// `POST /work/items/{id}/start`: the assignee starts the item.
pub async fn start(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let item = items::get(&state.db, id).await?;
    let r = reach(&session, &item).await?;
    let Some(me) = session.user.person_id.filter(|_| r.assignee) else {
        return Err(PageError::Conflict("Only the person this item is assigned to can start it.".into()));
    };
    items::start(&state.db, &session.audit_actor(), id, me, state.now()).await?;
    Ok(back(id, "started"))
}

/// `POST /work/items/{id}/done`: the assignee (or a leader) marks it done.
pub async fn done(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let item = items::get(&state.db, id).await?;
    let r = reach(&session, &item).await?;
    if !(r.assignee || r.manage) {
        return Err(PageError::NotFound(format!("Work item {id}")));
    }
    items::complete(&state.db, &session.audit_actor(), id, state.now()).await?;
    Ok(back(id, "work_done"))
}

/// The progress-note form.
#[derive(Debug, Deserialize)]
pub struct NoteForm {
    #[serde(default)]
    note: String,
}

/// `POST /work/items/{id}/notes`.
pub async fn add_note(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Form(form): Form<NoteForm>,
) -> Result<Response, PageError> {
    let item = items::get(&state.db, id).await?;
    let r = reach(&session, &item).await?;
    if !(r.assignee || r.manage) {
        return Err(PageError::NotFound(format!("Work item {id}")));
    }
    let result = items::add_note(&state.db, &session.audit_actor(), id, &form.note, state.now()).await;
    answer_item_form(&state, &session, id, result, "note", String::new()).await
}

/// After a form on an item's page: back to the item with `notice`, or the page
/// again (422) with the fields at fault and the reason the person typed.
async fn answer_item_form(
    state: &AppState,
    session: &Session,
    id: i64,
    result: Result<(), StoreError>,
    notice: &str,
    reason: String,
) -> Result<Response, PageError> {
    match result {
        Ok(()) => Ok(back(id, notice)),
        Err(StoreError::Invalid(errors)) => {
            let page = item_page(state, session, id, None, FormErrors(errors), reason).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e.into()),
    }
}

/// The assign / override form.
#[derive(Debug, Deserialize)]
pub struct AssignForm {
    #[serde(default)]
    person_id: String,
    #[serde(default)]
    reason: String,
}

/// `POST /work/items/{id}/assign`: a leader gives the item to someone, with a reason.
pub async fn assign_to(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Form(form): Form<AssignForm>,
) -> Result<Response, PageError> {
    let item = items::get(&state.db, id).await?;
    if !reach(&session, &item).await?.manage {
        return Err(PageError::NotFound(format!("Work item {id}")));
    }
    let mut errors = FieldErrors::default();
    let person = errors.check(
        form.person_id.trim().parse::<i64>().map_err(|_| FieldError::new("person_id", "Choose someone from the list.")),
    );
    let reason = errors.check(parse_reason("reason", &form.reason));
    let result = match (person, reason) {
        (Some(person), Some(reason)) => {
            assign::assign_by_hand(&state.db, &session.audit_actor(), id, person, &reason, state.today(), state.now())
                .await
                .map(|_| ())
        }
        _ => Err(StoreError::Invalid(errors)),
    };
    answer_item_form(&state, &session, id, result, "assigned", form.reason.clone()).await
}

/// The check-in form.
#[derive(Debug, Deserialize)]
pub struct CheckInForm {
    #[serde(default)]
    check_in_on: String,
}

/// `POST /work/items/{id}/check-in`: sets or clears the date to check on progress.
pub async fn check_in(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Form(form): Form<CheckInForm>,
) -> Result<Response, PageError> {
    let item = items::get(&state.db, id).await?;
    if !reach(&session, &item).await?.manage {
        return Err(PageError::NotFound(format!("Work item {id}")));
    }
    let on = if form.check_in_on.trim().is_empty() {
        Ok(None)
    } else {
        parse_date("check_in_on", &form.check_in_on).map(Some)
    };
    let result = match on {
        Ok(on) => items::set_check_in(&state.db, &session.audit_actor(), id, on, state.now()).await,
        Err(error) => Err(StoreError::Invalid(FieldErrors(vec![error]))),
    };
    answer_item_form(&state, &session, id, result, "check_in", String::new()).await
}

#[derive(Template)]
#[template(path = "work_form.html")]
struct FormPage {
    layout: Layout,
    teams: Vec<Team>,
    kinds: Vec<Choice>,
    form: NewItemForm,
    errors: FormErrors,
}

/// The new-item form.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct NewItemForm {
    #[serde(default)]
    pub(crate) kind: String,
    #[serde(default)]
    pub(crate) title: String,
    #[serde(default)]
    pub(crate) channel: String,
    #[serde(default)]
    pub(crate) requires: String,
    #[serde(default)]
    pub(crate) priority: String,
    #[serde(default)]
    pub(crate) due_at: String,
    #[serde(default)]
    pub(crate) effort_minutes: String,
    #[serde(default)]
    pub(crate) team: String,
    #[serde(default)]
    pub(crate) check_in_on: String,
}

async fn form_page(
    state: &AppState,
    session: &Session,
    form: NewItemForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, PageError> {
    let page = FormPage {
        layout: Layout::new(session, "New work item", "/work"),
        teams: teams_for(state, session, Action::ManageWork).await?,
        kinds: WorkKind::ALL.iter().map(|k| Choice { value: k.as_str().into(), label: k.label().into() }).collect(),
        form,
        errors,
    };
    render_status(status, &page)
}

/// `GET /work/new`.
pub async fn new_form(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
) -> Result<Response, PageError> {
    let form = NewItemForm { priority: "normal".into(), kind: "ticket".into(), ..NewItemForm::default() };
    form_page(&state, &session, form, FormErrors::default(), StatusCode::OK).await
}

/// `POST /work/new`.
pub async fn create(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Form(form): Form<NewItemForm>,
) -> Result<Response, PageError> {
    let allowed: Vec<i64> = teams_for(&state, &session, Action::ManageWork).await?.iter().map(|t| t.id).collect();
    let fields = WorkItemFields {
        external_id: String::new(),
        kind: form.kind.clone(),
        title: form.title.clone(),
        channel: form.channel.clone(),
        requires: form.requires.clone(),
        priority: form.priority.clone(),
        // The browser's datetime-local field has no offset: times are read as UTC.
        due_at: if form.due_at.trim().len() == 16 {
            format!("{}:00Z", form.due_at.trim())
        } else {
            form.due_at.clone()
        },
        effort_minutes: form.effort_minutes.clone(),
        team: form.team.clone(),
        check_in_on: form.check_in_on.clone(),
    };
    let result = match fields.parse() {
        Ok(input) => items::create(&state.db, &session.audit_actor(), &input, Some(&allowed), state.now()).await,
        Err(errors) => Err(StoreError::Invalid(errors)),
    };
    match result {
        Ok(item) => Ok(Redirect::to(&format!("/work?team={}&notice=created", item.team_id)).into_response()),
        Err(StoreError::Invalid(errors)) => {
            form_page(&state, &session, form, FormErrors(errors), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}
