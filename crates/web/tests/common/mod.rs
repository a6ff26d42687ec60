//! `TestApp`: the whole application over a fresh demo database, driven in
//! process with `oneshot`, with a session per role.

#![allow(dead_code, missing_docs)]

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use crewdeck_core::people::Role;
use crewdeck_store::accounts::{self, User};
use crewdeck_store::{Db, demo};
use crewdeck_web::{App, AppState, Clock, WebSettings};
use http_body_util::BodyExt;
use jiff::Timestamp;
use jiff::civil::{Date, date};
use tower::ServiceExt;

pub const TODAY: Date = date(2026, 3, 2);

pub fn now() -> Timestamp {
    "2026-03-02T10:00:00Z".parse().expect("valid instant")
}

pub struct TestApp {
    pub app: App,
    pub db: Db,
    _dir: tempfile::TempDir,
}

pub struct Caller {
    pub user: User,
    pub cookie: String,
    pub csrf: String,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
    pub fn content_type(&self) -> &str {
        self.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("")
    }
}

impl TestApp {
    pub async fn demo() -> Self {
        let dir = tempfile::tempdir().expect("temporary folder");
        let db = Db::connect(&format!("sqlite://{}", dir.path().join("web.db").display())).await.expect("connects");
        db.migrate().await.expect("migrates");
        demo::seed(&db, 1, TODAY, now()).await.expect("demo seeds");
        let state = AppState::new(db.clone(), Clock::fixed(now()), WebSettings::default());
        Self { app: crewdeck_web::build(state), db, _dir: dir }
    }

    pub fn router(&self) -> Router {
        self.app.router.clone()
    }

    /// A fresh session for the demo account with this role.
    pub async fn caller(&self, role: Role) -> Caller {
        let users = accounts::list(&self.db).await.expect("users");
        let user = users.into_iter().find(|u| u.role == role).expect("a demo user per role");
        self.caller_for(user).await
    }

    pub async fn caller_for(&self, user: User) -> Caller {
        let session = accounts::start_session(&self.db, user.id, now()).await.expect("session");
        Caller { user, cookie: format!("crewdeck_session={}", session.id), csrf: session.csrf_token }
    }

    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response = self.router().oneshot(request).await.expect("infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.expect("body").to_bytes();
        Reply { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }

    pub async fn get(&self, path: &str, caller: Option<&Caller>) -> Reply {
        let mut builder = Request::builder().method(Method::GET).uri(path).header(header::HOST, "crewdeck.test");
        if let Some(c) = caller {
            builder = builder.header(header::COOKIE, &c.cookie);
        }
        self.send(builder.body(Body::empty()).expect("request")).await
    }

    /// A form post from the caller's browser, with the CSRF token.
    pub async fn post_form(&self, path: &str, caller: &Caller, form: &[(&str, &str)]) -> Reply {
        let mut pairs: Vec<(&str, &str)> = form.to_vec();
        pairs.push(("_csrf", &caller.csrf));
        let body = serde_urlencoded::to_string(&pairs).expect("form");
        let request = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::HOST, "crewdeck.test")
            .header(header::ORIGIN, "http://crewdeck.test")
            .header(header::COOKIE, &caller.cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .expect("request");
        self.send(request).await
    }

    /// A JSON call with a bearer token.
    pub async fn api(&self, method: Method, path: &str, token: &str, body: Option<&str>) -> Reply {
        let mut builder =
            Request::builder().method(method).uri(path).header(header::AUTHORIZATION, format!("Bearer {token}"));
        if body.is_some() {
            builder = builder.header(header::CONTENT_TYPE, "application/json");
        }
        self.send(builder.body(body.map_or_else(Body::empty, |b| Body::from(b.to_string()))).expect("request")).await
    }

    pub async fn token(&self, role: Role) -> String {
        let users = accounts::list(&self.db).await.expect("users");
        let user = users.into_iter().find(|u| u.role == role).expect("a demo user per role");
        accounts::create_token(&self.db, &user, "test", now()).await.expect("token")
    }
}
