//! The customer comments page on the demo data: themes with counts, a
//! trend chart, filtering by theme, team leaders limited to their teams, and
//! theme rules edited through the form.

#![expect(clippy::unwrap_used, reason = "fixture set-up in a test: a panic is the right failure")]

mod common;

use axum::http::StatusCode;
use common::TestApp;
use crewdeck_core::people::Role;
use crewdeck_store::imports::comments;

/// The number in "N comments from" on the page.
fn total(body: &str) -> usize {
    let at = body.find(" comments from ").unwrap();
    let start = body[..at].rfind('>').unwrap() + 1;
    body[start..at].trim().parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn comments_are_grouped_by_theme_and_filtered() {
    let app = TestApp::demo().await;
    let leader = app.caller(Role::TeamLeader).await;
    let page = app.get("/comments?from=2025-09-01&to=2026-03-02", Some(&leader)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Waiting times") && page.body.contains("<svg"), "{}", page.body);
    assert!(page.body.contains("href=\"/interactions/"), "comments link to their interaction");
    let leader_total = total(&page.body);
    assert!(leader_total > 0);

    let manager = app.caller(Role::OpsManager).await;
    let all = app.get("/comments?from=2025-09-01&to=2026-03-02", Some(&manager)).await;
    assert!(total(&all.body) > leader_total, "a team leader sees only their teams' comments");

    let themes = comments::themes(&app.db).await.unwrap();
    let waiting = themes.iter().find(|t| t.rule.name == "Waiting times").unwrap();
    let filtered =
        app.get(&format!("/comments?theme={}&from=2025-09-01&to=2026-03-02", waiting.id), Some(&manager)).await;
    assert!(filtered.body.contains("Comments in “Waiting times”"), "{}", filtered.body);
    let list = &filtered.body[filtered.body.find("id=\"comment-list\"").unwrap()..];
    let list = &list[..list.find("</section>").unwrap()];
    assert!(list.matches("<tr>").count() > 1);
    assert!(!list.contains("Really helpful and friendly"), "only comments of the theme are listed");

    let agent = app.caller(Role::Agent).await;
    assert_eq!(app.get("/comments", Some(&agent)).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn theme_rules_are_edited_through_the_form() {
    let app = TestApp::demo().await;
    let leader = app.caller(Role::TeamLeader).await;
    let created =
        app.post_form("/comments/themes", &leader, &[("name", "Website"), ("keywords", "website, online")]).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let duplicate = app.post_form("/comments/themes", &leader, &[("name", "website"), ("keywords", "web")]).await;
    assert_eq!(duplicate.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(duplicate.body.contains("already a theme"), "{}", duplicate.body);
    let empty = app.post_form("/comments/themes", &leader, &[("name", "Empty"), ("keywords", " , ")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);

    let themes = comments::themes(&app.db).await.unwrap();
    let website = themes.iter().find(|t| t.rule.name == "Website").unwrap();
    assert_eq!(website.rule.keywords, ["website", "online"]);
    let path = format!("/comments/themes/{}", website.id);
    let updated = app.post_form(&path, &leader, &[("name", "Website and app"), ("keywords", "website\napp")]).await;
    assert_eq!(updated.status, StatusCode::SEE_OTHER);
    let page = app.get("/comments?from=2025-09-01&to=2026-03-02", Some(&leader)).await;
    assert!(page.body.contains("Website and app"), "{}", page.body);
    let deleted = app.post_form(&format!("{path}/delete"), &leader, &[]).await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER);
    assert!(comments::themes(&app.db).await.unwrap().iter().all(|t| t.id != website.id));
}
