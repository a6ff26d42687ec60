//! Bad input on the JSON API always gets a problem+json 4xx, never a 5xx, and
//! the API behaves as documented for good input.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::TestApp;
use crewdeck_core::people::Role;

fn assert_problem(reply: &common::Reply, status: StatusCode, what: &str) {
    assert_eq!(reply.status, status, "{what}: {}", reply.body);
    assert!(
        reply.content_type().starts_with("application/problem+json"),
        "{what}: content type {}",
        reply.content_type()
    );
    let doc = reply.json();
    assert_eq!(doc["status"].as_u64(), Some(u64::from(status.as_u16())), "{what}");
    assert!(doc["detail"].as_str().is_some_and(|d| !d.is_empty()), "{what}: a detail says what to do");
}

const GOOD_PERSON: &str = r#"{"name":"Nia Adeyemi","email":"nia@example.co.uk","job_role":"Customer service advisor","start_date":"2026-02-02","contracted_hours":37.5,"comm_channel":"chat","comm_style":"brief"}"#;

#[tokio::test]
async fn malformed_unknown_wrong_and_oversize_bodies_are_problems() {
    let app = TestApp::demo().await;
    let token = app.token(Role::OpsManager).await;
    let cases: [(&str, StatusCode, &str); 5] = [
        ("{\"name\": ", StatusCode::BAD_REQUEST, "malformed JSON"),
        ("[1,2,3]", StatusCode::UNPROCESSABLE_ENTITY, "an array instead of an object"),
        (
            r#"{"name":"A","email":"a@example.co.uk","job_role":"x","start_date":"2026-01-01","contracted_hours":37.5,"comm_channel":"chat","comm_style":"brief","salary":1}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "an unknown field",
        ),
        (
            r#"{"name":"A","email":"a@example.co.uk","job_role":"x","start_date":"2026-01-01","contracted_hours":"lots","comm_channel":"chat","comm_style":"brief"}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "a wrong type",
        ),
        (
            r#"{"name":"","email":"nope","job_role":"x","start_date":"01/02/2026","contracted_hours":99,"comm_channel":"pigeon","comm_style":"brief"}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid values",
        ),
    ];
    for (body, status, what) in cases {
        let reply = app.api(Method::POST, "/api/v1/people", &token, Some(body)).await;
        assert_problem(&reply, status, what);
    }
    let invalid = app.api(Method::POST, "/api/v1/people", &token, Some(cases[4].0)).await.json();
    let fields: Vec<&str> =
        invalid["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    for field in ["name", "email", "start_date", "contracted_hours", "comm_channel"] {
        assert!(fields.contains(&field), "{field} is named among {fields:?}");
    }

    let huge = format!("{{\"name\": \"{}\"}}", "x".repeat(5 * 1024 * 1024));
    let reply = app.api(Method::POST, "/api/v1/people", &token, Some(&huge)).await;
    assert_problem(&reply, StatusCode::PAYLOAD_TOO_LARGE, "an oversize body");

    let no_type = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/people")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::from(GOOD_PERSON))
        .unwrap();
    assert_problem(&app.send(no_type).await, StatusCode::UNSUPPORTED_MEDIA_TYPE, "no content type");

    assert_problem(
        &app.api(Method::GET, "/api/v1/people/abc", &token, None).await,
        StatusCode::BAD_REQUEST,
        "a non-numeric id",
    );
    assert_problem(
        &app.api(Method::GET, "/api/v1/people/999999", &token, None).await,
        StatusCode::NOT_FOUND,
        "a missing person",
    );
    assert_problem(
        &app.api(Method::GET, "/api/v1/nothing-here", &token, None).await,
        StatusCode::NOT_FOUND,
        "an unknown route",
    );
    assert_problem(
        &app.api(Method::DELETE, "/api/v1/people", &token, None).await,
        StatusCode::METHOD_NOT_ALLOWED,
        "a wrong method",
    );
    assert_problem(
        &app.api(Method::PUT, "/api/v1/people/1/skills/1", &token, Some(r#"{"level": 9}"#)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a level out of range",
    );
}

#[tokio::test]
async fn tokens_authenticate_and_good_requests_work() {
    let app = TestApp::demo().await;
    assert_problem(
        &app.api(Method::GET, "/api/v1/people", "cdk_not-a-token", None).await,
        StatusCode::UNAUTHORIZED,
        "a bad token",
    );
    let anonymous = app.send(Request::builder().uri("/api/v1/me").body(Body::empty()).unwrap()).await;
    assert_problem(&anonymous, StatusCode::UNAUTHORIZED, "no credentials");

    let token = app.token(Role::OpsManager).await;
    let created = app.api(Method::POST, "/api/v1/people", &token, Some(GOOD_PERSON)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.json()["id"].as_i64().unwrap();
    let skill = app
        .api(
            Method::PUT,
            &format!("/api/v1/people/{id}/skills/2"),
            &token,
            Some(r#"{"level": 3, "evidence": "Shadowed for a week"}"#),
        )
        .await;
    assert_eq!(skill.status, StatusCode::OK, "{}", skill.body);
    let detail = app.api(Method::GET, &format!("/api/v1/people/{id}"), &token, None).await.json();
    assert_eq!(detail["skills"][0]["level"], 3);
    assert_eq!(detail["name"], "Nia Adeyemi");
    let me = app.api(Method::GET, "/api/v1/me", &token, None).await.json();
    assert_eq!(me["user"]["role"], "ops_manager");

    let admin = app.token(Role::Admin).await;
    let events = app.api(Method::GET, &format!("/api/v1/audit?subject=person:{id}"), &admin, None).await.json();
    let actions: Vec<&str> = events.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["person.skill.set", "person.create"]);
}

#[tokio::test]
async fn the_openapi_document_lists_every_api_route() {
    let app = TestApp::demo().await;
    let reply = app.get("/api/openapi.json", None).await;
    assert_eq!(reply.status, StatusCode::OK);
    let doc = reply.json();
    assert_eq!(doc["openapi"].as_str().map(|v| v.starts_with("3.1")), Some(true));
    for route in app.app.routes.iter().filter(|r| r.path.starts_with("/api/v1/")) {
        let op = &doc["paths"][&route.path][route.method.as_str().to_lowercase()];
        assert!(op.is_object(), "{} {} is in the OpenAPI document", route.method, route.path);
    }
    let mut summary: Vec<String> = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            summary.push(format!("{} {path}", method.to_uppercase()));
        }
    }
    summary.sort();
    insta::assert_json_snapshot!("openapi_operations", summary);
    insta::assert_json_snapshot!("openapi_document", doc);
}

#[tokio::test]
async fn the_people_list_comes_in_pages() {
    let app = TestApp::demo().await;
    let token = app.token(Role::OpsManager).await;
    let first = app.api(Method::GET, "/api/v1/people?limit=10", &token, None).await;
    assert_eq!(first.status, StatusCode::OK);
    let total: usize = first.headers["x-total-count"].to_str().unwrap().parse().unwrap();
    assert!(total > 20, "{total}");
    assert_eq!(first.json().as_array().unwrap().len(), 10);
    assert_eq!(first.headers[header::LINK], "</api/v1/people?offset=10&limit=10>; rel=\"next\"");
    let last = app.api(Method::GET, &format!("/api/v1/people?limit=10&offset={}", total - 3), &token, None).await;
    assert_eq!(last.json().as_array().unwrap().len(), 3);
    assert!(!last.headers.contains_key(header::LINK), "no next page after the last");
    let all = app.api(Method::GET, "/api/v1/people?limit=5000", &token, None).await;
    assert_eq!(all.json().as_array().unwrap().len(), total.min(1000), "pages are capped at 1000");
    assert_problem(
        &app.api(Method::GET, "/api/v1/people?limit=-1", &token, None).await,
        StatusCode::BAD_REQUEST,
        "a negative limit",
    );
}

#[tokio::test]
async fn hr_exports_everything_held_about_a_person_and_the_export_is_audited() {
    let app = TestApp::demo().await;
    let leader_token = app.token(Role::TeamLeader).await;
    let me = app.api(Method::GET, "/api/v1/me", &leader_token, None).await.json();
    let person = me["user"]["person_id"].as_i64().unwrap();
    assert_problem(
        &app.api(Method::GET, &format!("/api/v1/people/{person}/export"), &leader_token, None).await,
        StatusCode::FORBIDDEN,
        "a team leader",
    );
    let hr = app.token(Role::Hr).await;
    let reply = app.api(Method::GET, &format!("/api/v1/people/{person}/export"), &hr, None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(reply.headers[header::CONTENT_DISPOSITION].to_str().unwrap().starts_with("attachment"));
    let doc = reply.json();
    assert_eq!(doc["person"]["id"], person);
    assert!(doc["account"]["email"].is_string());
    assert!(!reply.body.contains("argon2"), "no password hash");
    assert!(doc["skills"].as_array().is_some_and(|s| !s.is_empty()));
    assert!(doc["audit_events"].as_array().is_some_and(|e| e.len() >= 2));
    let admin = app.token(Role::Admin).await;
    let events =
        app.api(Method::GET, &format!("/api/v1/audit?subject=person:{person}&limit=1"), &admin, None).await.json();
    assert_eq!(events[0]["action"], "person.export");
}
