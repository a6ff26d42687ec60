//! Server-rendered HTML pages: one askama struct per page, a shared layout, and
//! navigation built from the policy so each role sees only what it may use.

pub mod account;
pub mod admin;
pub mod apidocs;
pub mod home;
pub mod home_attention;
pub mod people;
pub mod person;
pub mod skills;
pub mod teams;
// area: kpi
mod charts;
mod csv_export;
pub mod dashboards;
pub mod interactions;
pub mod kpi_area;
pub mod kpi_scope;
pub mod standards;
// area: imports
pub mod comments;
pub mod imports;
// area: quality
pub mod quality;
// area: allocation
pub mod work;
pub mod work_batch;
pub mod work_review;
// area: staffing
pub mod staffing;
pub mod staffing_contingency;
pub mod staffing_today;
pub mod staffing_view;

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use crewdeck_core::auth::Action;
use crewdeck_core::auth::policy::Access;
use crewdeck_core::fields::FieldErrors;

use crate::error::PageError;
use crate::session::Session;

/// A link in the navigation bar.
#[derive(Debug, Clone)]
pub struct NavItem {
    /// Text.
    pub label: &'static str,
    /// Target.
    pub href: &'static str,
    /// True for the section the page belongs to.
    pub current: bool,
}

/// What every page's layout needs.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The browser title.
    pub title: String,
    /// Navigation for the caller's role (empty when logged out).
    pub nav: Vec<NavItem>,
    /// The caller's name, when logged in.
    pub user_name: Option<String>,
    /// The caller's role label.
    pub role_label: String,
    /// The CSRF token for forms on the page.
    pub csrf: String,
    /// A confirmation to show at the top, if any.
    pub notice: Option<String>,
}

const SECTIONS: &[(&str, &str, Action)] = &[
    ("Home", "/", Action::ViewHome),
    ("People", "/people", Action::ListPeople),
    ("Teams", "/teams", Action::ListTeams),
    ("Skills matrix", "/skills/matrix", Action::ViewSkillsMatrix),
    ("Skills", "/skills", Action::ViewSkills),
    // area: kpi
    ("Dashboards", "/dashboards", Action::ViewDashboards),
    // area: imports
    ("Imports", "/imports", Action::ImportData),
    ("Comments", "/comments", Action::ViewComments),
    // area: quality
    ("Quality", "/quality", Action::ViewEvaluations),
    // area: allocation
    ("Work", "/work", Action::ViewWork),
    // area: staffing
    ("Staffing", "/staffing", Action::ViewStaffing),
    ("Users", "/admin/users", Action::ManageUsers),
    ("Audit trail", "/admin/audit", Action::ViewAudit),
    ("Settings", "/admin/organisation", Action::ManageSettings),
    ("API", "/api/docs", Action::ViewHome),
];

impl Layout {
    /// The layout for a logged-in caller on the page at `current`.
    pub fn new(session: &Session, title: impl Into<String>, current: &str) -> Self {
        let nav = SECTIONS
            .iter()
            .filter(|(_, _, action)| session.access(*action) != Access::None)
            .map(|(label, href, _)| NavItem {
                label,
                href,
                current: if *href == "/" {
                    current == "/"
                } else {
                    current.starts_with(href) && !(href == &"/skills" && current.starts_with("/skills/matrix"))
                },
            })
            .collect();
        Self {
            title: title.into(),
            nav,
            user_name: Some(session.user.name.clone()),
            role_label: session.user.role.label().to_string(),
            csrf: session.csrf.clone(),
            notice: None,
        }
    }

    /// The layout for a logged-out visitor.
    pub fn public(title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            nav: Vec::new(),
            user_name: None,
            role_label: String::new(),
            csrf: String::new(),
            notice: None,
        }
    }

    /// Adds a confirmation message chosen by code (never echoing user text).
    pub fn with_notice(mut self, code: Option<&str>) -> Self {
        self.notice = code.and_then(notice_text).map(str::to_string);
        self
    }
}

fn notice_text(code: &str) -> Option<&'static str> {
    Some(match code {
        "saved" => "Saved. The change is in the audit trail.",
        "created" => "Created. The change is in the audit trail.",
        "skill" => "Skill level saved. The change is in the audit trail.",
        "goal" => "Learning goal saved.",
        "capacity" => "Capacity saved.",
        "absence" => "Absence recorded.",
        "moved" => "Team membership updated; the previous membership is kept in the history.",
        "password" => "Your password has been changed.",
        "revoked" => "The token has been revoked and can no longer be used.",
        // area: kpi
        // area: imports
        "linked" => "Agent id linked. Their contacts now count for that person's team.",
        "theme_saved" => {
            "Theme saved. Comments are grouped by the new rules at once; the change is in the audit trail."
        }
        "theme_deleted" => "Theme deleted. Its comments are unchanged; the change is in the audit trail.",
        // area: quality
        "evaluated" => "Evaluation saved. The agent can now read and acknowledge it.",
        "acknowledged" => "Thank you: you have acknowledged this evaluation.",
        "disputed" => "Dispute sent. A second reviewer will decide it; you will see the decision here.",
        "decided" => "Decision recorded. Any change to the rating and score is in the audit trail.",
        "published" => "Published. This version is now fixed; editing makes a new version.",
        "proposed" => "Thank you: your comment is recorded for the team leader.",
        "drawn" => "Spot checks drawn and queued. The seed is in the audit trail, so the draw can be repeated.",
        "revealed" => "Scores revealed. Agree a calibrated score for each contact to complete the report.",
        // area: allocation
        "pulled" => "This item is now yours. It was the most urgent one you can take.",
        "started" => "Started.",
        "work_done" => "Marked done; it no longer counts towards the open load.",
        "note" => "Note saved.",
        "assigned" => "Moved. The reason is kept with the assignment and in the audit trail.",
        "check_in" => "Check-in date saved.",
        "confirmed" => "Allocation confirmed: the items are assigned and everyone can see them in My work.",
        "nothing_to_allocate" => "There is no open work in this queue to allocate.",
        // area: staffing
        "contingency-saved" => "Contingency plan saved. The change is in the audit trail.",
        "contingency-reviewed" => "Review recorded. The change is in the audit trail.",
        "staffing-saved" => "Staffing settings saved. The change is in the audit trail.",
        "special-day" => "Special day saved: its contacts are left out of forecasts from now on.",
        "special-day-removed" => "Special day removed: its contacts count in forecasts again.",
        _ => return None,
    })
}

/// Field errors for a form, with helpers templates call.
#[derive(Debug, Clone, Default)]
pub struct FormErrors(pub FieldErrors);

impl FormErrors {
    /// The message for `field`, or an empty string.
    pub fn get(&self, field: &str) -> &str {
        self.0.for_field(field).unwrap_or("")
    }

    /// True when `field` was rejected.
    pub fn has(&self, field: &str) -> bool {
        self.0.for_field(field).is_some()
    }

    /// True when any field was rejected.
    pub fn any(&self) -> bool {
        !self.0.is_empty()
    }
}

/// Renders a page with status 200.
pub fn render<T: Template>(page: &T) -> Result<Response, PageError> {
    Ok(Html(page.render()?).into_response())
}

/// Renders a page with the given status (422 for a form with errors).
pub fn render_status<T: Template>(status: StatusCode, page: &T) -> Result<Response, PageError> {
    Ok((status, Html(page.render()?)).into_response())
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    status: u16,
    heading: String,
    message: String,
}

/// Marks a response as an error page, so the guard (which knows the caller)
/// can render it again inside the caller's own layout.
#[derive(Debug, Clone)]
pub struct ErrorPageInfo {
    /// The message shown.
    pub message: String,
}

fn heading_for(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => "Page not found",
        StatusCode::FORBIDDEN => "You do not have access to this",
        StatusCode::UNAUTHORIZED => "Please log in",
        s if s.is_server_error() => "Sorry, something went wrong",
        _ => "That did not work",
    }
}

/// A friendly error page for a known caller, with their navigation.
pub fn error_page_for(session: &Session, status: StatusCode, message: &str) -> Response {
    render_error(Layout::new(session, heading_for(status), ""), status, message)
}

/// A friendly error page; falls back to plain text if the template fails.
pub fn error_page(status: StatusCode, message: &str) -> Response {
    let mut response = render_error(Layout::public(heading_for(status)), status, message);
    response.extensions_mut().insert(ErrorPageInfo { message: message.to_string() });
    response
}

fn render_error(layout: Layout, status: StatusCode, message: &str) -> Response {
    let heading = heading_for(status);
    let page = ErrorPage { layout, status: status.as_u16(), heading: heading.into(), message: message.into() };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => {
            let mut response = (status, message.to_string()).into_response();
            response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
            response
        }
    }
}
