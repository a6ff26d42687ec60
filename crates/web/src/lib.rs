//! The HTTP layer of crewdeck: routing, sessions, policy checks, the JSON API
//! (documented by OpenAPI 3.1) and the server-rendered pages.
//!
//! Handlers hold no business rules: each parses its input, asks the policy,
//! calls one store function and renders.

pub mod api;
pub mod assets;
pub mod error;
pub mod imports_routes;
pub mod metrics;
pub mod pages;
pub mod routes;
pub mod session;
pub mod state;

use std::sync::Arc;

use axum::http::{HeaderValue, Method, header};
use axum::response::IntoResponse;
use axum::{Extension, Json, Router};
use crewdeck_core::auth::Action;
use utoipa::OpenApi;
use utoipa_axum::routes;

pub use routes::{RouteAccess, RouteInfo};
pub use state::{AppState, Clock, WebSettings};

use pages::apidocs::ApiDocument;

/// The application: its router, the table of every route, and the API document.
pub struct App {
    /// The router, ready to serve.
    pub router: Router,
    /// Every route with its guard, for tests and documentation.
    pub routes: Vec<RouteInfo>,
    /// The OpenAPI 3.1 document.
    pub openapi: Arc<utoipa::openapi::OpenApi>,
}

/// Builds the whole application over `state`.
pub fn build(state: AppState) -> App {
    let r = routes::Routes::new(state.clone(), api::ApiDoc::openapi());
    // Each area registers its own routes, so areas grow without touching
    // one another's lines.
    let r = foundation_routes(r);
    // area: kpi
    let r = pages::kpi_area::kpi_routes(r);
    // area: imports
    let r = imports_routes::imports_routes(r);
    // area: quality
    let r = quality_routes(r);
    // area: allocation
    let r = allocation_routes(r);
    // area: staffing
    let r = staffing_routes(r);
    let (router, routes, openapi) = r.finish();
    let openapi = Arc::new(openapi);
    let router = router.layer(Extension(ApiDocument(openapi.clone())));
    App { router, routes, openapi }
}

/// People, teams, skills, accounts, administration and the service routes.
fn foundation_routes(r: routes::Routes) -> routes::Routes {
    use pages::{account, admin, apidocs, home, people, person, skills, teams};
    r.public(Method::GET, "/healthz", healthz)
        .public(Method::GET, "/login", account::login_page)
        .public(Method::POST, "/login", account::login)
        .public(Method::GET, "/assets/{file}", assets::serve)
        .page(Method::POST, "/logout", Action::ManageOwnAccount, account::logout)
        .page(Method::GET, "/", Action::ViewHome, home::show)
        .page(Method::GET, "/account", Action::ManageOwnAccount, account::show)
        .page(Method::POST, "/account/password", Action::ManageOwnAccount, account::change_password)
        .page(Method::POST, "/account/tokens", Action::ManageOwnAccount, account::create_token)
        .page(Method::POST, "/account/tokens/{id}/revoke", Action::ManageOwnAccount, account::revoke_token)
        .page(Method::GET, "/people", Action::ListPeople, people::list)
        .page(Method::GET, "/people/new", Action::CreatePerson, people::new_form)
        .page(Method::POST, "/people/new", Action::CreatePerson, people::create)
        .page(Method::GET, "/people/{id}", Action::ViewPerson, person::show)
        .page(Method::GET, "/people/{id}/edit", Action::EditPerson, people::edit_form)
        .page(Method::POST, "/people/{id}/edit", Action::EditPerson, people::update)
        .page(Method::POST, "/people/{id}/skills", Action::EditPersonSkills, person::set_skill)
        .page(Method::POST, "/people/{id}/goals", Action::EditPersonSkills, person::set_goal)
        .page(Method::POST, "/people/{id}/goals/{skill_id}/remove", Action::EditPersonSkills, person::remove_goal)
        .page(Method::POST, "/people/{id}/capacity", Action::EditPersonSkills, person::set_capacity)
        .page(Method::POST, "/people/{id}/absences", Action::ManageAbsence, person::add_absence)
        .page(Method::POST, "/people/{id}/team", Action::ManageTeams, person::move_team)
        .page(Method::GET, "/teams", Action::ListTeams, teams::list)
        .page(Method::GET, "/teams/new", Action::ManageTeams, teams::new_form)
        .page(Method::POST, "/teams/new", Action::ManageTeams, teams::create)
        .page(Method::GET, "/teams/{id}", Action::ViewTeam, teams::show)
        .page(Method::GET, "/teams/{id}/edit", Action::ManageTeams, teams::edit_form)
        .page(Method::POST, "/teams/{id}/edit", Action::ManageTeams, teams::update)
        .page(Method::GET, "/skills", Action::ViewSkills, skills::list)
        .page(Method::GET, "/skills/new", Action::ManageSkills, skills::new_form)
        .page(Method::POST, "/skills/new", Action::ManageSkills, skills::create)
        .page(Method::GET, "/skills/{id}/edit", Action::ManageSkills, skills::edit_form)
        .page(Method::POST, "/skills/{id}/edit", Action::ManageSkills, skills::update)
        .page(Method::GET, "/skills/matrix", Action::ViewSkillsMatrix, skills::matrix)
        .page(Method::GET, "/admin/users", Action::ManageUsers, admin::users)
        .page(Method::POST, "/admin/users", Action::ManageUsers, admin::create_user)
        .page(Method::POST, "/admin/users/{id}", Action::ManageUsers, admin::update_user)
        .page(Method::POST, "/admin/users/{id}/reset", Action::ManageUsers, admin::reset_password)
        .page(Method::GET, "/admin/audit", Action::ViewAudit, admin::audit_trail)
        .page(Method::GET, "/admin/organisation", Action::ManageSettings, admin::organisation)
        .page(Method::POST, "/admin/organisation", Action::ManageSettings, admin::save_organisation)
        .page(Method::POST, "/sites", Action::ManageTeams, teams::create_site)
        .page(Method::GET, "/api/docs", Action::ViewHome, apidocs::show)
        .api(Action::ViewHome, routes!(api::directory::me))
        .api(Action::ListPeople, routes!(api::people::list))
        .api(Action::CreatePerson, routes!(api::people::create))
        .api(Action::ViewPerson, routes!(api::people::get))
        .api(Action::EditPerson, routes!(api::people::update))
        .api(Action::EditPersonSkills, routes!(api::people::set_skill))
        .api(Action::ExportPersonalData, routes!(api::people::export))
        .api(Action::ListTeams, routes!(api::directory::list_teams))
        .api(Action::ManageTeams, routes!(api::directory::create_team))
        .api(Action::ViewTeam, routes!(api::directory::get_team))
        .api(Action::ViewSkills, routes!(api::directory::list_skills))
        .api(Action::ManageSkills, routes!(api::directory::create_skill))
        .api(Action::ViewSkillsMatrix, routes!(api::directory::matrix))
        .api(Action::ManageUsers, routes!(api::directory::list_users))
        .api(Action::ManageUsers, routes!(api::directory::create_user))
        .api(Action::ViewAudit, routes!(api::directory::audit_trail))
        .public(Method::GET, "/api/openapi.json", openapi_json)
        .public(Method::GET, "/metrics", metrics)
}

async fn healthz() -> &'static str {
    "ok"
}

async fn openapi_json(Extension(doc): Extension<ApiDocument>) -> impl IntoResponse {
    Json(doc.0.as_ref().clone())
}

async fn metrics(axum::extract::State(state): axum::extract::State<AppState>) -> impl IntoResponse {
    let mut response = state.metrics.render().into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"));
    response
}

/// Staffing: plans, forecasts, what-ifs, the printable plan and queue settings.
fn staffing_routes(r: routes::Routes) -> routes::Routes {
    use pages::staffing;
    r.page(Method::GET, "/staffing", Action::ViewStaffing, staffing::index)
        .page(Method::GET, "/teams/{id}/staffing", Action::ViewStaffing, staffing::team_plan)
        .page(Method::GET, "/teams/{id}/staffing/what-if", Action::ViewStaffing, staffing::what_if)
        .page(Method::GET, "/teams/{id}/staffing/plan", Action::ViewStaffing, staffing::print_plan)
        .page(Method::GET, "/teams/{id}/staffing/today", Action::ViewStaffing, pages::staffing_today::show)
        .page(
            Method::GET,
            "/teams/{id}/staffing/contingencies",
            Action::ViewStaffing,
            pages::staffing_contingency::show,
        )
        .page(
            Method::POST,
            "/teams/{id}/staffing/contingencies",
            Action::ManageStaffing,
            pages::staffing_contingency::create,
        )
        .page(
            Method::POST,
            "/teams/{id}/staffing/contingencies/reviews",
            Action::ManageStaffing,
            pages::staffing_contingency::review,
        )
        .page(Method::GET, "/staffing/queues/{id}", Action::ManageStaffing, staffing::queue_settings)
        .page(Method::POST, "/staffing/queues/{id}", Action::ManageStaffing, staffing::save_queue_settings)
        .page(Method::POST, "/staffing/special-days", Action::ManageStaffing, staffing::save_special_day)
        .page(Method::POST, "/staffing/special-days/remove", Action::ManageStaffing, staffing::remove_special_day)
}

/// Work allocation: the work pages, batches, follow-up, fairness and the work API.
fn allocation_routes(r: routes::Routes) -> routes::Routes {
    use pages::{work, work_batch, work_review};
    r.page(Method::GET, "/work", Action::ViewWork, work::show)
        .page(Method::POST, "/work/pull", Action::PullWork, work::pull_next)
        .page(Method::GET, "/work/new", Action::ManageWork, work::new_form)
        .page(Method::POST, "/work/new", Action::ManageWork, work::create)
        .page(Method::GET, "/work/items/{id}", Action::ViewWork, work::item)
        .page(Method::POST, "/work/items/{id}/start", Action::ViewWork, work::start)
        .page(Method::POST, "/work/items/{id}/done", Action::ViewWork, work::done)
        .page(Method::POST, "/work/items/{id}/notes", Action::ViewWork, work::add_note)
        .page(Method::POST, "/work/items/{id}/assign", Action::ManageWork, work::assign_to)
        .page(Method::POST, "/work/items/{id}/check-in", Action::ManageWork, work::check_in)
        .page(Method::GET, "/work/follow-up", Action::ManageWork, work_review::follow_up)
        .page(Method::GET, "/work/fairness", Action::ManageWork, work_review::fairness_view)
        .page(Method::POST, "/work/batches", Action::AllocateWork, work_batch::propose)
        .page(Method::GET, "/work/batches/{id}", Action::AllocateWork, work_batch::show)
        .page(Method::POST, "/work/batches/{id}/move", Action::AllocateWork, work_batch::move_line)
        .page(Method::POST, "/work/batches/{id}/confirm", Action::AllocateWork, work_batch::confirm)
        .api(Action::ViewWork, routes!(api::work::list))
        .api(Action::ManageWork, routes!(api::work::create))
        .api(Action::ManageWork, routes!(api::work::import_file))
        .api(Action::PullWork, routes!(api::work::next))
}

/// Quality assurance: evaluations, disputes, scorecards, sampling, calibration, numbers.
fn quality_routes(r: routes::Routes) -> routes::Routes {
    use pages::quality::{calibration, disputes, evaluate, evaluation, home, numbers, sampling, scorecards};
    r.page(Method::GET, "/quality", Action::ViewEvaluations, home::show)
        .page(Method::GET, "/quality/numbers", Action::ViewEvaluations, numbers::show)
        .page(Method::GET, "/quality/evaluations/{id}", Action::ViewEvaluations, evaluation::show)
        .page(Method::POST, "/quality/evaluations/{id}/acknowledge", Action::DisputeEvaluation, evaluation::acknowledge)
        .page(Method::POST, "/quality/evaluations/{id}/disputes", Action::DisputeEvaluation, evaluation::dispute)
        .page(Method::POST, "/quality/evaluations/{id}/coaching", Action::Evaluate, evaluation::coaching)
        .page(Method::GET, "/quality/queue", Action::Evaluate, sampling::queue)
        .page(Method::GET, "/quality/evaluate", Action::Evaluate, evaluate::form)
        .page(Method::POST, "/quality/evaluate", Action::Evaluate, evaluate::submit)
        .page(Method::GET, "/quality/disputes", Action::DecideDisputes, disputes::list)
        .page(Method::POST, "/quality/disputes/{id}", Action::DecideDisputes, disputes::decide)
        .page(Method::GET, "/quality/scorecards", Action::ViewScorecards, scorecards::list)
        .page(Method::GET, "/quality/scorecards/new", Action::ManageScorecards, scorecards::new_form)
        .page(Method::POST, "/quality/scorecards/new", Action::ManageScorecards, scorecards::create)
        .page(Method::GET, "/quality/scorecards/{id}", Action::ViewScorecards, scorecards::show)
        .page(Method::GET, "/quality/scorecards/{id}/edit", Action::ManageScorecards, scorecards::edit_form)
        .page(Method::POST, "/quality/scorecards/{id}/edit", Action::ManageScorecards, scorecards::update)
        .page(Method::POST, "/quality/scorecards/{id}/new-version", Action::ManageScorecards, scorecards::new_version)
        .page(Method::POST, "/quality/scorecards/{id}/publish", Action::ManageScorecards, scorecards::publish)
        .page(Method::POST, "/quality/scorecards/{id}/proposals", Action::CommentOnScorecards, scorecards::propose)
        .page(Method::POST, "/quality/proposals/{id}/decide", Action::ManageScorecards, scorecards::decide_proposal)
        .page(Method::GET, "/quality/sampling", Action::ManageSampling, sampling::show)
        .page(Method::POST, "/quality/sampling/plans", Action::ManageSampling, sampling::create_plan)
        .page(Method::POST, "/quality/sampling/plans/{id}/draw", Action::ManageSampling, sampling::draw)
        .page(Method::GET, "/quality/calibration", Action::ViewCalibration, calibration::list)
        .page(Method::POST, "/quality/calibration", Action::ManageCalibration, calibration::create)
        .page(Method::GET, "/quality/calibration/{id}", Action::ViewCalibration, calibration::show)
        .page(Method::GET, "/quality/calibration/{id}/score", Action::Evaluate, calibration::score_form)
        .page(Method::POST, "/quality/calibration/{id}/score", Action::Evaluate, calibration::score)
        .page(Method::POST, "/quality/calibration/{id}/reveal", Action::ManageCalibration, calibration::reveal)
        .page(Method::POST, "/quality/calibration/{id}/agree", Action::ManageCalibration, calibration::agree)
}
