//! Every route of the application, registered with the policy action that
//! guards it. The table this builds is what the route-by-role test walks, so a
//! route cannot be added without a permission decision.

use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::handler::Handler;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter, on};
use crewdeck_core::auth::Action;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use utoipa::openapi::OpenApi;
use utoipa_axum::router::UtoipaMethodRouter;

use crate::error::Problem;
use crate::state::AppState;

/// Who may reach a route before its handler runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteAccess {
    /// Anyone, logged in or not (login page, health, assets).
    Public,
    /// Logged-in callers whose role has some access to the action.
    Guarded(Action),
}

/// One registered route.
#[derive(Debug, Clone)]
pub struct RouteInfo {
    /// HTTP method.
    pub method: Method,
    /// Path template, e.g. `/people/{id}`.
    pub path: String,
    /// The guard.
    pub access: RouteAccess,
}

/// Builds the router and the route table together.
pub struct Routes {
    state: AppState,
    router: Router<AppState>,
    openapi: OpenApi,
    table: Vec<RouteInfo>,
}

fn filter(method: &Method) -> MethodFilter {
    match *method {
        Method::POST => MethodFilter::POST,
        Method::PUT => MethodFilter::PUT,
        Method::PATCH => MethodFilter::PATCH,
        Method::DELETE => MethodFilter::DELETE,
        _ => MethodFilter::GET,
    }
}

impl Routes {
    /// An empty set of routes over `state`, with the base OpenAPI document.
    pub fn new(state: AppState, openapi: OpenApi) -> Self {
        Self { state, router: Router::new(), openapi, table: Vec::new() }
    }

    /// A route anyone may reach.
    pub fn public<H, T>(mut self, method: Method, path: &str, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.router = self.router.route(path, on(filter(&method), handler));
        self.table.push(RouteInfo { method, path: path.to_string(), access: RouteAccess::Public });
        self
    }

    /// An HTML route guarded by `action`.
    pub fn page<H, T>(mut self, method: Method, path: &str, action: Action, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let route = self.guarded(on(filter(&method), handler), action);
        self.router = self.router.route(path, route);
        self.table.push(RouteInfo { method, path: path.to_string(), access: RouteAccess::Guarded(action) });
        self
    }

    /// A JSON route guarded by `action`, documented by its `#[utoipa::path]`.
    pub fn api(mut self, action: Action, (schemas, paths, route): UtoipaMethodRouter<AppState>) -> Self {
        for (path, item) in &paths.paths {
            let operations = [
                (Method::GET, item.get.is_some()),
                (Method::POST, item.post.is_some()),
                (Method::PUT, item.put.is_some()),
                (Method::PATCH, item.patch.is_some()),
                (Method::DELETE, item.delete.is_some()),
            ];
            for (method, present) in operations {
                if present {
                    self.table.push(RouteInfo { method, path: path.clone(), access: RouteAccess::Guarded(action) });
                }
            }
            let guarded = self.guarded(route.clone(), action);
            self.router = self.router.route(path, guarded);
        }
        let components = self.openapi.components.get_or_insert_with(Default::default);
        components.schemas.extend(schemas);
        for (path, item) in paths.paths {
            match self.openapi.paths.paths.get_mut(&path) {
                Some(existing) => existing.merge_operations(item),
                None => {
                    self.openapi.paths.paths.insert(path, item);
                }
            }
        }
        self
    }

    fn guarded(&self, route: MethodRouter<AppState>, action: Action) -> MethodRouter<AppState> {
        route.route_layer(middleware::from_fn_with_state((self.state.clone(), action), crate::session::guard))
    }

    /// The finished application with its cross-cutting layers, the route table and the API document.
    pub fn finish(self) -> (Router, Vec<RouteInfo>, OpenApi) {
        let state = self.state.clone();
        let router = self
            .router
            .fallback(not_found)
            .layer(middleware::from_fn(problem_for_api_errors))
            .layer(middleware::from_fn(limit_body))
            .layer(CompressionLayer::new())
            .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, Duration::from_secs(30)))
            .layer(security_header(header::CONTENT_SECURITY_POLICY, CSP))
            .layer(security_header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
            .layer(security_header(header::X_FRAME_OPTIONS, "DENY"))
            .layer(security_header(header::REFERRER_POLICY, "same-origin"))
            .layer(security_header(
                header::HeaderName::from_static("permissions-policy"),
                "camera=(), microphone=(), geolocation=()",
            ))
            .layer(middleware::from_fn_with_state(state.clone(), observe))
            .with_state(state);
        (router, self.table, self.openapi)
    }
}

/// The largest request body accepted, except streamed uploads.
const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// Limits request bodies to [`MAX_BODY_BYTES`]; streamed uploads
/// (`imports_routes::STREAMED_UPLOADS`) go to disk as they arrive and are
/// not limited here.
async fn limit_body(req: Request, next: Next) -> Response {
    if crate::imports_routes::STREAMED_UPLOADS.contains(&req.uri().path()) {
        return next.run(req).await;
    }
    let declared =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES) {
        return (StatusCode::PAYLOAD_TOO_LARGE, "The request is too large. Send less data at once.").into_response();
    }
    next.run(req.map(|body| axum::body::Body::new(http_body_util::Limited::new(body, MAX_BODY_BYTES)))).await
}

/// No inline script or style anywhere: everything comes from `/assets`.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
    connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

fn security_header(name: header::HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}

async fn not_found(req: Request) -> Response {
    let detail = "There is nothing at this address. Check the link, or start again from the home page.";
    if req.uri().path().starts_with("/api/") {
        Problem::new(StatusCode::NOT_FOUND, detail).into_response()
    } else {
        crate::pages::error_page(StatusCode::NOT_FOUND, detail)
    }
}

/// Extractor rejections (malformed JSON, wrong types, oversize bodies, bad path
/// parameters) come out of axum as plain text. On JSON routes this turns every
/// error that is not already a problem document into one, so clients only ever
/// parse one error shape.
async fn problem_for_api_errors(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let response = next.run(req).await;
    let status = response.status();
    if !api || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/problem+json"));
    if is_problem {
        return response;
    }
    let body = axum::body::to_bytes(response.into_body(), 64 * 1024).await.unwrap_or_default();
    let text = String::from_utf8_lossy(&body).trim().to_string();
    let detail = if text.is_empty() { status.canonical_reason().unwrap_or("Error").to_string() } else { text };
    Problem::new(status, detail).into_response()
}

/// Counts each request by route template and status, and traces it without
/// query strings (which could hold personal data).
async fn observe(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().as_str().to_string();
    let route =
        req.extensions().get::<MatchedPath>().map_or_else(|| "(unmatched)".to_string(), |p| p.as_str().to_string());
    let response = next.run(req).await;
    let status = response.status().as_u16();
    let elapsed = started.elapsed();
    state.metrics.observe(&method, &route, status, elapsed);
    tracing::debug!(method, route, status, elapsed_ms = elapsed.as_secs_f64() * 1000.0, "request");
    response
}
