//! Logging in and out, and the caller's own account: password and API tokens.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use crewdeck_store::StoreError;
use crewdeck_store::accounts::{self, LoginError, TokenInfo};
use serde::Deserialize;

use super::{FormErrors, Layout, render, render_status};
use crate::error::PageError;
use crate::session::{self, Session};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    email: String,
    next: String,
    error: Option<String>,
}

/// Query of the login page.
#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

/// The login form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// Only local paths are followed after login, so a link cannot bounce a user elsewhere.
fn safe_next(next: &str) -> String {
    if next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\") {
        next.to_string()
    } else {
        "/".to_string()
    }
}

/// `GET /login`.
pub async fn login_page(Query(query): Query<LoginQuery>) -> Result<Response, PageError> {
    render(&LoginPage {
        layout: Layout::public("Log in"),
        email: String::new(),
        next: safe_next(query.next.as_deref().unwrap_or("/")),
        error: None,
    })
}

/// `POST /login`.
pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, PageError> {
    let next = safe_next(&form.next);
    let page = |error: String| LoginPage {
        layout: Layout::public("Log in"),
        email: form.email.clone(),
        next: next.clone(),
        error: Some(error),
    };
    if let (Some(origin), Some(host)) = (headers.get(header::ORIGIN), headers.get(header::HOST)) {
        let same = origin
            .to_str()
            .ok()
            .and_then(|o| o.split_once("://"))
            .is_some_and(|(_, rest)| Some(rest) == host.to_str().ok());
        if !same {
            return Err(PageError::BadRequest("This login came from another site, so it was refused.".into()));
        }
    }
    match accounts::authenticate(&state.db, &form.email, &form.password, state.now()).await {
        Ok(user) => {
            let new_session = accounts::start_session(&state.db, user.id, state.now()).await?;
            let target = if user.must_change_password { "/account?first=1".to_string() } else { next };
            let mut response = Redirect::to(&target).into_response();
            let cookie = session::session_set_cookie(&new_session.id, state.settings.secure_cookies);
            response
                .headers_mut()
                .insert(header::SET_COOKIE, cookie.parse().map_err(|_| PageError::Internal("cookie".into()))?);
            Ok(response)
        }
        Err(LoginError::BadCredentials) => {
            render_status(StatusCode::UNAUTHORIZED, &page(LoginError::BadCredentials.to_string()))
        }
        Err(e @ LoginError::Throttled { .. }) => render_status(StatusCode::TOO_MANY_REQUESTS, &page(e.to_string())),
        Err(LoginError::Store(e)) => Err(e.into()),
    }
}

/// `POST /logout`.
pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, PageError> {
    if let Some(id) = session::session_cookie(&headers) {
        accounts::end_session(&state.db, &id).await?;
    }
    let mut response = Redirect::to("/login").into_response();
    let cookie = session::session_clear_cookie(state.settings.secure_cookies);
    response
        .headers_mut()
        .insert(header::SET_COOKIE, cookie.parse().map_err(|_| PageError::Internal("cookie".into()))?);
    Ok(response)
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    layout: Layout,
    first: bool,
    errors: FormErrors,
    tokens: Vec<TokenRow>,
    new_token: Option<String>,
    token_error: String,
}

struct TokenRow {
    info: TokenInfo,
    created: String,
    last_used: String,
}

fn when(seconds: Option<i64>) -> String {
    seconds
        .and_then(|s| jiff::Timestamp::from_second(s).ok())
        .map_or_else(|| "never".to_string(), |t| t.strftime("%Y-%m-%d %H:%M UTC").to_string())
}

async fn account_page(state: &AppState, session: &Session, first: bool) -> Result<AccountPage, PageError> {
    let tokens = accounts::tokens_of(&state.db, session.user.id)
        .await?
        .into_iter()
        .map(|info| TokenRow { created: when(Some(info.created_at)), last_used: when(info.last_used_at), info })
        .collect();
    Ok(AccountPage {
        layout: Layout::new(session, "Your account", "/account"),
        first: first || session.user.must_change_password,
        errors: FormErrors::default(),
        tokens,
        new_token: None,
        token_error: String::new(),
    })
}

/// Query of the account page.
#[derive(Debug, Deserialize)]
pub struct AccountQuery {
    first: Option<String>,
    notice: Option<String>,
}

/// `GET /account`.
pub async fn show(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Query(q): Query<AccountQuery>,
) -> Result<Response, PageError> {
    let mut page = account_page(&state, &session, q.first.is_some()).await?;
    page.layout = page.layout.with_notice(q.notice.as_deref());
    render(&page)
}

/// The password form.
#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
}

/// `POST /account/password`.
pub async fn change_password(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Form(form): Form<PasswordForm>,
) -> Result<Response, PageError> {
    let result = if form.new_password != form.confirm_password {
        Err(StoreError::field("confirm_password", "The two new passwords do not match. Type the same password twice."))
    } else {
        accounts::change_password(&state.db, &session.user, &form.current_password, &form.new_password, state.now())
            .await
    };
    match result {
        Ok(()) => Ok(Redirect::to("/account?notice=password").into_response()),
        Err(StoreError::Invalid(errors)) => {
            let mut page = account_page(&state, &session, false).await?;
            page.errors = FormErrors(errors);
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e.into()),
    }
}

/// The new-token form.
#[derive(Debug, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    name: String,
}

/// `POST /account/tokens`: shows the new token once.
pub async fn create_token(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Form(form): Form<TokenForm>,
) -> Result<Response, PageError> {
    let name = form.name.trim();
    if name.is_empty() || name.chars().count() > 60 {
        let mut page = account_page(&state, &session, false).await?;
        page.token_error =
            "Give the token a name of up to 60 characters, such as \u{201c}Nightly import\u{201d}.".into();
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let token = accounts::create_token(&state.db, &session.user, name, state.now()).await?;
    let mut page = account_page(&state, &session, false).await?;
    page.new_token = Some(token);
    render(&page)
}

/// `POST /account/tokens/{id}/revoke`.
pub async fn revoke_token(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    accounts::revoke_token(&state.db, &session.user, id, state.now()).await?;
    Ok(Redirect::to("/account?notice=revoked").into_response())
}
