//! The HTML side: login, CSRF, security headers, forms with errors beside
//! their fields, and the audit trail those forms leave.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::TestApp;
use crewdeck_core::people::Role;
use crewdeck_store::people::{self, Scope};
use crewdeck_store::{accounts, audit, teams};

#[tokio::test]
async fn logging_in_sets_a_safe_cookie_and_bad_passwords_are_refused() {
    let app = TestApp::demo().await;
    let form = |email: &str, password: &str| {
        Request::builder()
            .method(Method::POST)
            .uri("/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(
                serde_urlencoded::to_string([("email", email), ("password", password), ("next", "//evil.example")])
                    .unwrap(),
            ))
            .unwrap()
    };
    let ok = app.send(form("dawn.whitaker@example.co.uk", "demo-team-leader-0001")).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert_eq!(ok.headers[header::LOCATION], "/", "an off-site next is not followed");
    let cookie = ok.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    let bad = app.send(form("dawn.whitaker@example.co.uk", "wrong")).await;
    assert_eq!(bad.status, StatusCode::UNAUTHORIZED);
    assert!(bad.body.contains("do not match"), "a kind, clear message");
}

#[tokio::test]
async fn pages_carry_security_headers_and_anonymous_visitors_go_to_login() {
    let app = TestApp::demo().await;
    let reply = app.get("/people", None).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.headers[header::LOCATION], "/login?next=%2Fpeople");
    let login = app.get("/login", None).await;
    let csp = login.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(
        csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(login.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert!(!login.body.contains("<script>") && !login.body.contains(" style="), "no inline script or style");
}

#[tokio::test]
async fn forms_without_the_csrf_token_or_from_other_sites_are_refused() {
    let app = TestApp::demo().await;
    let leader = app.caller(Role::TeamLeader).await;
    let member = people::list(
        &app.db,
        &Scope::Teams { team_ids: leader.actor_teams(&app).await, own: None },
        None,
        common::TODAY,
    )
    .await
    .unwrap()[0]
        .id;
    let post = |csrf: &str, origin: &str| {
        Request::builder()
            .method(Method::POST)
            .uri(format!("/people/{member}/skills"))
            .header(header::HOST, "crewdeck.test")
            .header(header::ORIGIN, origin)
            .header(header::COOKIE, &leader.cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("skill_id=1&level=3&_csrf={csrf}")))
            .unwrap()
    };
    assert_eq!(app.send(post("forged", "http://crewdeck.test")).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.send(post(&leader.csrf, "http://evil.example")).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.send(post(&leader.csrf, "http://crewdeck.test")).await.status, StatusCode::SEE_OTHER);
}

trait LeaderTeams {
    async fn actor_teams(&self, app: &TestApp) -> Vec<i64>;
}

impl LeaderTeams for common::Caller {
    async fn actor_teams(&self, app: &TestApp) -> Vec<i64> {
        teams::led_by(&app.db, self.user.person_id.expect("a leader has a person")).await.expect("led teams")
    }
}

#[tokio::test]
async fn a_bad_skill_level_shows_beside_the_field_and_a_good_one_is_audited() {
    let app = TestApp::demo().await;
    let leader = app.caller(Role::TeamLeader).await;
    let member = people::list(
        &app.db,
        &Scope::Teams { team_ids: leader.actor_teams(&app).await, own: None },
        None,
        common::TODAY,
    )
    .await
    .unwrap()[0]
        .id;
    let before = audit::list(&app.db, None, 1, None).await.unwrap()[0].seq;

    let bad = app
        .post_form(&format!("/people/{member}/skills"), &leader, &[("skill_id", "3"), ("level", "9"), ("evidence", "")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains(r#"id="level-error""#) && bad.body.contains("Enter a level from 1 to 5 (you entered 9)."),
        "the message sits beside the level field"
    );
    assert!(bad.body.contains(r#"aria-describedby="level-error""#));
    assert!(bad.body.contains(r#"value="9""#), "what was typed is kept");
    assert_eq!(audit::list(&app.db, None, 1, None).await.unwrap()[0].seq, before, "nothing was written");

    let good = app
        .post_form(
            &format!("/people/{member}/skills"),
            &leader,
            &[("skill_id", "3"), ("level", "4"), ("evidence", "Observed at 1:1")],
        )
        .await;
    assert_eq!(good.status, StatusCode::SEE_OTHER);
    let event = &audit::list(&app.db, Some(&format!("person:{member}")), 1, None).await.unwrap()[0];
    assert_eq!(event.action, "person.skill.set");
    assert!(event.summary.contains("\u{2192} 4") && event.actor.contains(&leader.user.name), "{event:?}");
    let profile = app.get(&format!("/people/{member}"), Some(&leader)).await;
    assert!(profile.body.contains("Observed at 1:1"));
}

#[tokio::test]
async fn a_one_time_password_must_be_changed_first() {
    let app = TestApp::demo().await;
    let email = crewdeck_core::people::Email::parse("email", "new.starter@example.co.uk").unwrap();
    let account = accounts::create(
        &app.db,
        &crewdeck_store::audit::Actor::system("test"),
        &email,
        "New Starter",
        Role::Agent,
        None,
        common::TODAY,
        common::now(),
    )
    .await
    .unwrap();
    let caller = app.caller_for(account.user).await;
    let home = app.get("/", Some(&caller)).await;
    assert_eq!(home.status, StatusCode::SEE_OTHER);
    assert_eq!(home.headers[header::LOCATION], "/account?first=1");
    let changed = app
        .post_form(
            "/account/password",
            &caller,
            &[
                ("current_password", &account.password),
                ("new_password", "correct horse battery"),
                ("confirm_password", "correct horse battery"),
            ],
        )
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER);
    let caller = app.caller_for(accounts::by_email(&app.db, "new.starter@example.co.uk").await.unwrap().unwrap()).await;
    assert_eq!(app.get("/", Some(&caller)).await.status, StatusCode::OK);
}

#[tokio::test]
async fn every_page_a_role_may_open_renders() {
    let app = TestApp::demo().await;
    for role in Role::ALL {
        let caller = app.caller(role).await;
        for path in [
            "/",
            "/people",
            "/teams",
            "/skills",
            "/skills/matrix",
            "/admin/users",
            "/admin/audit",
            "/account",
            "/api/docs",
        ] {
            let reply = app.get(path, Some(&caller)).await;
            assert!(
                reply.status == StatusCode::OK || reply.status == StatusCode::FORBIDDEN,
                "{path} as {role}: {}",
                reply.status
            );
            if reply.status == StatusCode::OK {
                assert!(reply.body.contains("</html>"), "{path} as {role} renders a whole page");
            }
        }
    }
    let metrics = app.get("/metrics", None).await;
    assert!(
        metrics.body.contains("crewdeck_http_requests_total{method=\"GET\",route=\"/people\""),
        "metrics count routes by template"
    );
}

#[tokio::test]
async fn administrators_do_not_see_skill_levels() {
    let app = TestApp::demo().await;
    let leader = app.caller(Role::TeamLeader).await;
    let member = people::list(
        &app.db,
        &Scope::Teams { team_ids: leader.actor_teams(&app).await, own: None },
        None,
        common::TODAY,
    )
    .await
    .expect("members")[0]
        .id;
    let as_leader = app.get(&format!("/people/{member}"), Some(&leader)).await;
    assert!(as_leader.body.contains(r#"id="skills""#), "the leader sees the skills section");
    let admin = app.caller(Role::Admin).await;
    let as_admin = app.get(&format!("/people/{member}"), Some(&admin)).await;
    assert_eq!(as_admin.status, StatusCode::OK);
    assert!(
        !as_admin.body.contains(r#"id="skills""#) && !as_admin.body.contains(r#"id="goals""#),
        "no performance content for admins"
    );
    let token = app.token(Role::Admin).await;
    let detail = app.api(Method::GET, &format!("/api/v1/people/{member}"), &token, None).await.json();
    assert_eq!(detail["skills"], serde_json::json!([]));
}
