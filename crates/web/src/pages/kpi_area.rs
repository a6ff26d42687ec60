//! The KPI area's routes: dashboards, interactions, service standards and
//! team targets, each with its policy action.

use axum::http::Method;
use crewdeck_core::auth::Action;

use super::{dashboards, interactions, standards};
use crate::routes::Routes;

/// Registers the KPI area's routes.
pub fn kpi_routes(r: Routes) -> Routes {
    r.page(Method::GET, "/dashboards", Action::ViewDashboards, dashboards::index)
        .page(Method::GET, "/dashboards/team/{id}", Action::ViewDashboards, dashboards::team)
        .page(Method::GET, "/dashboards/queues/{id}", Action::ViewDashboards, dashboards::queue)
        .page(Method::GET, "/dashboards/channels/{id}", Action::ViewDashboards, dashboards::channel)
        .page(Method::GET, "/people/{id}/dashboard", Action::ViewDashboards, dashboards::person)
        .page(Method::GET, "/interactions", Action::ViewInteractions, interactions::list)
        .page(Method::GET, "/interactions.csv", Action::ViewInteractions, interactions::csv)
        .page(Method::GET, "/interactions/{id}", Action::ViewInteractions, interactions::show)
        .page(Method::GET, "/standards", Action::ManageStandards, standards::list)
        .page(Method::POST, "/standards", Action::ManageStandards, standards::create)
        .page(Method::POST, "/standards/settings", Action::ManageStandards, standards::save_settings)
        .page(Method::POST, "/standards/{id}", Action::ManageStandards, standards::update)
        .page(Method::GET, "/teams/{id}/targets", Action::ManageTeamTargets, standards::team_targets)
        .page(Method::POST, "/teams/{id}/targets", Action::ManageTeamTargets, standards::set_team_target)
}
