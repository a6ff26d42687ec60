//! Who is asking: the session cookie or API token behind a request, checked
//! against the policy before any handler runs.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use crewdeck_core::auth::policy::{self, Access};
use crewdeck_core::auth::{Action, Actor, Subject};
use crewdeck_store::accounts::{self, User};
use crewdeck_store::{audit, teams};

use crate::error::{ApiError, PageError};
use crate::state::AppState;

/// The session cookie's name.
pub const COOKIE: &str = "crewdeck_session";
/// The form field and header that carry the CSRF token.
pub const CSRF_FIELD: &str = "_csrf";
/// The header htmx sends the CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Largest form body the guard will read to find the CSRF token.
const MAX_FORM_BYTES: usize = 2 * 1024 * 1024;

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct Session {
    /// The account.
    pub user: User,
    /// The account as the policy sees it.
    pub actor: Actor,
    /// The token forms must carry (empty for API-token callers, who need none).
    pub csrf: String,
}

impl Session {
    /// Whether the caller may perform `action` on `subject`.
    pub fn may(&self, action: Action, subject: &Subject) -> bool {
        policy::allows(&self.actor, action, subject)
    }

    /// Fails with 403 unless the caller may perform `action` on `subject`.
    pub fn require_page(&self, action: Action, subject: &Subject) -> Result<(), PageError> {
        if self.may(action, subject) { Ok(()) } else { Err(PageError::Forbidden) }
    }

    /// Fails with a 403 problem unless the caller may perform `action` on `subject`.
    pub fn require_api(&self, action: Action, subject: &Subject) -> Result<(), ApiError> {
        if self.may(action, subject) { Ok(()) } else { Err(ApiError::Forbidden) }
    }

    /// How the caller appears in the audit trail.
    pub fn audit_actor(&self) -> audit::Actor {
        self.user.actor()
    }

    /// How far the caller's role reaches for `action`.
    pub fn access(&self, action: Action) -> Access {
        policy::role_access(self.actor.role, action)
    }
}

fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ").map(str::trim)
}

/// Looks up the caller, if any. The second value is true for API-token callers.
pub async fn resolve(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<(Session, bool)>, crewdeck_store::StoreError> {
    let now = state.now();
    let (user, csrf, via_token) = if let Some(token) = bearer(headers) {
        match accounts::token_user(&state.db, token, now).await? {
            Some(user) => (user, String::new(), true),
            None => return Ok(None),
        }
    } else if let Some(id) = cookie_value(headers, COOKIE) {
        match accounts::session_user(&state.db, id, now).await? {
            Some((user, csrf)) => (user, csrf, false),
            None => return Ok(None),
        }
    } else {
        return Ok(None);
    };
    let led_team_ids = match user.person_id {
        Some(person_id) if user.role == crewdeck_core::people::Role::TeamLeader => {
            teams::led_by(&state.db, person_id).await?
        }
        _ => Vec::new(),
    };
    let actor = Actor { role: user.role, person_id: user.person_id, led_team_ids };
    Ok(Some((Session { user, actor, csrf }, via_token)))
}

/// The raw session id from the cookie, for logout.
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    cookie_value(headers, COOKIE).map(str::to_string)
}

fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

fn deny(api: bool, status: StatusCode, detail: &str) -> Response {
    if api {
        crate::error::Problem::new(status, detail).into_response()
    } else {
        crate::pages::error_page(status, detail)
    }
}

/// Runs before every guarded route: finds the caller, checks the route's action
/// against the policy, enforces CSRF on cookie-authenticated writes, and sends
/// users with a one-time password to change it first.
pub async fn guard(State((state, action)): State<(AppState, Action)>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let api = is_api(&path);
    let resolved = match resolve(&state, req.headers()).await {
        Ok(r) => r,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let Some((session, via_token)) = resolved else {
        if api {
            return ApiError::Unauthorized.into_response();
        }
        if req.method() == Method::GET {
            let next_path = req.uri().path_and_query().map_or("/", |p| p.as_str());
            return Redirect::to(&format!("/login?next={}", urlencode(next_path))).into_response();
        }
        return deny(
            false,
            StatusCode::UNAUTHORIZED,
            "Your session has ended. Log in again, then repeat what you were doing.",
        );
    };
    if session.user.must_change_password && action != Action::ManageOwnAccount {
        return if api {
            deny(true, StatusCode::FORBIDDEN, "Change your one-time password at /account before using the API.")
        } else {
            Redirect::to("/account?first=1").into_response()
        };
    }
    if session.access(action) == Access::None {
        let detail = "You do not have permission to do that. Ask an administrator if you need access.";
        return if api {
            deny(true, StatusCode::FORBIDDEN, detail)
        } else {
            crate::pages::error_page_for(&session, StatusCode::FORBIDDEN, detail)
        };
    }
    let mut req = req;
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if unsafe_method && !via_token {
        if !same_origin(req.headers()) {
            return deny(api, StatusCode::FORBIDDEN, "This request came from another site, so it was refused.");
        }
        // area: imports — a file upload streams to disk, so its body is not
        // read here: its token comes in the header or the query string.
        if is_streamed_upload(&req) {
            let presented = streamed_upload_token(&req).unwrap_or_default();
            if session.csrf.is_empty() || !constant_time_eq(presented.as_bytes(), session.csrf.as_bytes()) {
                return deny(api, StatusCode::FORBIDDEN, "This form has expired. Reload the page and try again.");
            }
            req.extensions_mut().insert(session.clone());
            return next.run(req).await;
        }
        let (parts, body) = req.into_parts();
        let bytes = match to_bytes(body, MAX_FORM_BYTES).await {
            Ok(b) => b,
            Err(_) => {
                return deny(api, StatusCode::PAYLOAD_TOO_LARGE, "The form is too large. Send less data at once.");
            }
        };
        let header_token = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()).map(str::to_string);
        let form_token = form_field(&bytes, CSRF_FIELD);
        let presented = header_token.or(form_token).unwrap_or_default();
        if session.csrf.is_empty() || !constant_time_eq(presented.as_bytes(), session.csrf.as_bytes()) {
            return deny(api, StatusCode::FORBIDDEN, "This form has expired. Reload the page and try again.");
        }
        req = Request::from_parts(parts, Body::from(bytes));
    }
    req.extensions_mut().insert(session.clone());
    let response = next.run(req).await;
    // Error pages rendered without the caller (from PageError) are drawn again
    // with the caller's navigation, so a refusal never strands them.
    match response.extensions().get::<crate::pages::ErrorPageInfo>().cloned() {
        Some(info) if !api => crate::pages::error_page_for(&session, response.status(), &info.message),
        _ => response,
    }
}

/// A `multipart/form-data` POST to one of the streamed upload paths.
fn is_streamed_upload(req: &Request) -> bool {
    let multipart = req
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("multipart/form-data"));
    multipart && crate::imports_routes::STREAMED_UPLOADS.contains(&req.uri().path())
}

/// The CSRF token of a streamed upload: the header, else `_csrf` in the query.
fn streamed_upload_token(req: &Request) -> Option<String> {
    let header = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()).map(str::to_string);
    header.or_else(|| form_field(req.uri().query().unwrap_or("").as_bytes(), CSRF_FIELD))
}

fn form_field(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// A browser always sends Origin on cross-site form posts; when present it must
/// name this host.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let Some(host) = headers.get(header::HOST).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    origin.split_once("://").is_some_and(|(_, rest)| rest == host)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Percent-encodes a value for a query string.
pub fn urlencode(value: &str) -> String {
    serde_urlencoded::to_string([("v", value)]).map(|s| s[2..].to_string()).unwrap_or_default()
}

/// The `Set-Cookie` value that starts a session.
pub fn session_set_cookie(id: &str, secure: bool) -> String {
    format!(
        "{COOKIE}={id}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        accounts::session_seconds(),
        if secure { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value that ends a session.
pub fn session_clear_cookie(secure: bool) -> String {
    format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}", if secure { "; Secure" } else { "" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_cookies_among_several() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, "a=1; crewdeck_session=abc; b=2".parse().unwrap());
        assert_eq!(cookie_value(&headers, COOKIE), Some("abc"));
    }

    #[test]
    fn cross_site_posts_are_refused() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, "127.0.0.1:8080".parse().unwrap());
        headers.insert(header::ORIGIN, "http://evil.example".parse().unwrap());
        assert!(!same_origin(&headers));
        headers.insert(header::ORIGIN, "http://127.0.0.1:8080".parse().unwrap());
        assert!(same_origin(&headers));
    }

    #[test]
    fn csrf_field_is_read_from_forms() {
        assert_eq!(form_field(b"name=x&_csrf=tok", CSRF_FIELD).as_deref(), Some("tok"));
        assert!(!constant_time_eq(b"abc", b"abd"));
    }
}
