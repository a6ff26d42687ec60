//! The imports pages in process: a multipart upload streams to the store
//! import, its progress finishes with the result, rejected rows download as
//! CSV, and the history lists the import.

#![expect(clippy::unwrap_used, reason = "fixture set-up in a test: a panic is the right failure")]

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::{Caller, TestApp};
use crewdeck_core::people::Role;

const CSV: &str = "id,channel,queue,agent_id,customer_id,topic,arrived_at,answered_at,ended_at,wrap_seconds,outcome\n\
up-1,chat,Upload queue,a1,c1,billing,2026-03-01T09:00:00Z,2026-03-01T09:00:20Z,2026-03-01T09:05:00Z,0,resolved\n\
up-2,chat,Upload queue,a1,c2,billing,2026-03-01T10:00:00Z,2026-03-01T10:00:20Z,2026-03-01T10:05:00Z,0,resolved\n\
up-3,chat,Upload queue,a1,c3,billing,yesterday,,,,resolved\n";

fn multipart(kind: &str, name: &str, content: &str) -> (String, String) {
    let boundary = "----crewdeckTestBoundary7";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n{kind}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
         Content-Type: text/csv\r\n\r\n{content}\r\n--{boundary}--\r\n"
    );
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(app: &TestApp, caller: &Caller, csrf: &str, kind: &str, name: &str, content: &str) -> common::Reply {
    let (content_type, body) = multipart(kind, name, content);
    let request = Request::builder()
        .method(Method::POST)
        .uri(format!("/imports?_csrf={csrf}"))
        .header(header::HOST, "crewdeck.test")
        .header(header::ORIGIN, "http://crewdeck.test")
        .header(header::COOKIE, &caller.cookie)
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .unwrap();
    app.send(request).await
}

/// Polls the progress fragment until it sends the browser to the result.
async fn wait_for_result(app: &TestApp, caller: &Caller, job: &str) -> String {
    for _ in 0..600 {
        let reply = app.get(&format!("{job}/progress"), Some(caller)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        if let Some(target) = reply.headers.get("hx-redirect") {
            return target.to_str().unwrap().to_string();
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the import did not finish");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_is_imported_with_its_rejected_rows_kept() {
    let app = TestApp::demo().await;
    let leader = app.caller(Role::TeamLeader).await;
    let page = app.get("/imports", Some(&leader)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Upload a file") && page.body.contains("Zendesk export page"), "{}", page.body);

    let reply = upload(&app, &leader, &leader.csrf, "interactions", "contacts.csv", CSV).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let job = reply.headers.get(header::LOCATION).unwrap().to_str().unwrap().to_string();
    assert!(job.starts_with("/imports/jobs/"), "{job}");
    assert_eq!(wait_for_result(&app, &leader, &job).await, job);

    let result = app.get(&job, Some(&leader)).await;
    assert_eq!(result.status, StatusCode::OK);
    assert!(result.body.contains("Import finished"), "{}", result.body);
    assert!(result.body.contains("Interactions (CSV)"), "{}", result.body);
    let link_start = result.body.find("/imports/runs/").unwrap();
    let link: String = result.body[link_start..].chars().take_while(|c| *c != '"').collect();
    assert!(link.ends_with("/rejected.csv"), "{link}");

    let csv = app.get(&link, Some(&leader)).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.content_type().starts_with("text/csv"));
    assert!(csv.headers.get(header::CONTENT_DISPOSITION).unwrap().to_str().unwrap().contains("attachment"));
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(lines.len(), 2, "{}", csv.body);
    assert_eq!(lines[0], "line,reason");
    assert!(lines[1].starts_with("4,\"arrived_at: "), "{}", lines[1]);

    let history = app.get("/imports/history", Some(&leader)).await;
    assert_eq!(history.status, StatusCode::OK);
    assert!(history.body.contains("contacts.csv"), "{}", history.body);

    // Only the uploader follows the job; others find it in the history.
    let manager = app.caller(Role::OpsManager).await;
    assert_eq!(app.get(&job, Some(&manager)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&format!("{job}/progress"), Some(&manager)).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_need_the_form_token_a_file_and_the_right_role() {
    let app = TestApp::demo().await;
    let leader = app.caller(Role::TeamLeader).await;
    let forged = upload(&app, &leader, "not-the-token", "interactions", "contacts.csv", CSV).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    let unnamed = upload(&app, &leader, &leader.csrf, "interactions", "", CSV).await;
    assert_eq!(unnamed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unnamed.body.contains("Choose a file"), "{}", unnamed.body);
    let unknown = upload(&app, &leader, &leader.csrf, "spreadsheet", "x.csv", CSV).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unknown.body.contains("Choose what the file holds"), "{}", unknown.body);

    let agent = app.caller(Role::Agent).await;
    assert_eq!(app.get("/imports", Some(&agent)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(upload(&app, &agent, &agent.csrf, "interactions", "c.csv", CSV).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_with_a_wrong_header_fails_with_advice() {
    let app = TestApp::demo().await;
    let leader = app.caller(Role::TeamLeader).await;
    let reply = upload(&app, &leader, &leader.csrf, "surveys", "wrong.csv", "name,score\nx,1\n").await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let job = reply.headers.get(header::LOCATION).unwrap().to_str().unwrap().to_string();
    wait_for_result(&app, &leader, &job).await;
    let page = app.get(&job, Some(&leader)).await;
    assert!(page.body.contains("could not be imported") && page.body.contains("interaction_id"), "{}", page.body);
}
