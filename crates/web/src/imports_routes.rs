//! The routes of the imports area: uploads, their progress, the import
//! history and rejected rows.

use axum::http::Method;
use crewdeck_core::auth::Action;

use crate::pages::imports;
use crate::routes::Routes;

/// Paths whose `multipart/form-data` bodies stream to disk: the general
/// request size limit does not apply to them, and their CSRF token travels
/// in the `x-csrf-token` header or the `_csrf` query parameter so the body
/// need not be read first.
pub const STREAMED_UPLOADS: &[&str] = &["/imports"];

/// Registers the imports area's routes.
pub fn imports_routes(r: Routes) -> Routes {
    r.page(Method::GET, "/imports", Action::ImportData, imports::show)
        .page(Method::POST, "/imports", Action::ImportData, imports::upload)
        .page(Method::GET, "/imports/jobs/{id}", Action::ImportData, imports::job)
        .page(Method::GET, "/imports/jobs/{id}/progress", Action::ImportData, imports::progress)
        .page(Method::GET, "/imports/history", Action::ImportData, imports::history)
        .page(Method::GET, "/imports/runs/{id}/rejected.csv", Action::ImportData, imports::rejected_csv)
}
