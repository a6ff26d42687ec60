//! Every route of the router, for every role: the guard lets through exactly
//! the roles the policy allows, and out-of-reach records are refused.

#![expect(clippy::unwrap_used, reason = "fixture set-up in a test: a panic is the right failure")]

mod common;

use std::collections::HashMap;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::{Caller, TestApp};
use crewdeck_core::auth::policy::{Access, role_access};
use crewdeck_core::people::Role;
use crewdeck_store::people::{self, Scope};
use crewdeck_store::{accounts, teams};
use crewdeck_web::RouteAccess;

/// Record ids each role can reach, to fill path parameters.
struct Fixtures {
    own_person: HashMap<Role, i64>,
    team_member: i64,
    led_team: i64,
    agent_team: i64,
    other_person: i64,
    other_team: i64,
    target_user: i64,
}

async fn fixtures(app: &TestApp) -> Fixtures {
    let users = accounts::list(&app.db).await.unwrap();
    let own_person = Role::ALL
        .iter()
        .map(|r| (*r, users.iter().find(|u| u.role == *r).unwrap().person_id.unwrap()))
        .collect::<HashMap<_, _>>();
    let leader = own_person[&Role::TeamLeader];
    let led_team = teams::led_by(&app.db, leader).await.unwrap()[0];
    let everyone = people::list(&app.db, &Scope::All, None, common::TODAY).await.unwrap();
    let team_member =
        everyone.iter().find(|p| p.team_id == Some(led_team) && p.id != own_person[&Role::Agent]).unwrap().id;
    let agent_team = people::team_ids_on(&app.db, own_person[&Role::Agent], common::TODAY).await.unwrap()[0];
    let other = everyone
        .iter()
        .find(|p| p.team_id.is_some() && p.team_id != Some(led_team) && p.team_id != Some(agent_team))
        .unwrap();
    // A separate account for routes that change a user, so no caller loses its session.
    let email = crewdeck_core::people::Email::parse("email", "target@example.co.uk").unwrap();
    let actor = crewdeck_store::audit::Actor::system("test");
    let target =
        accounts::create(&app.db, &actor, &email, "Target User", Role::Agent, None, common::TODAY, common::now())
            .await
            .unwrap();
    Fixtures {
        own_person,
        team_member,
        led_team,
        agent_team,
        other_person: other.id,
        other_team: other.team_id.unwrap(),
        target_user: target.user.id,
    }
}

/// Fills `{id}`-style parameters with a record the role may reach.
fn in_reach(path: &str, role: Role, f: &Fixtures, token_id: i64) -> String {
    let person = match role {
        Role::TeamLeader => f.team_member,
        Role::Agent => f.own_person[&Role::Agent],
        _ => f.other_person,
    };
    let team = match role {
        Role::TeamLeader => f.led_team,
        Role::Agent => f.agent_team,
        _ => f.other_team,
    };
    fill(path, person, team, f.target_user, token_id)
}

fn fill(path: &str, person: i64, team: i64, user: i64, token: i64) -> String {
    let out = if path.starts_with("/people") || path.starts_with("/api/v1/people") {
        path.replace("{id}", &person.to_string())
    } else if path.starts_with("/teams") || path.starts_with("/api/v1/teams") || path.starts_with("/dashboards/team/") {
        path.replace("{id}", &team.to_string())
    } else if path.starts_with("/admin/users") {
        path.replace("{id}", &user.to_string())
    } else if path.starts_with("/account/tokens") {
        path.replace("{id}", &token.to_string())
    } else {
        path.replace("{id}", "1")
    };
    out.replace("{skill_id}", "1").replace("{file}", "app.css")
}

async fn call(app: &TestApp, method: &Method, path: &str, caller: Option<&Caller>) -> StatusCode {
    let mut builder = Request::builder().method(method.clone()).uri(path).header(header::HOST, "crewdeck.test");
    if let Some(c) = caller {
        builder = builder
            .header(header::COOKIE, &c.cookie)
            .header("x-csrf-token", &c.csrf)
            .header(header::ORIGIN, "http://crewdeck.test");
    }
    let body = if path.starts_with("/api/") && *method != Method::GET {
        builder = builder.header(header::CONTENT_TYPE, "application/json");
        Body::from("{}")
    } else {
        builder = builder.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        Body::empty()
    };
    app.send(builder.body(body).unwrap()).await.status
}

#[tokio::test]
async fn every_route_answers_each_role_as_the_policy_says() {
    let app = TestApp::demo().await;
    let f = fixtures(&app).await;
    let mut checked = 0;
    for route in &app.app.routes {
        match route.access {
            RouteAccess::Public => {
                let path = fill(&route.path, 1, 1, 1, 1);
                let status = call(&app, &route.method, &path, None).await;
                // A public route is never refused by the guard (an empty login form is
                // still a failed login, 401, which is the handler's answer).
                assert!(
                    status != StatusCode::FORBIDDEN && status != StatusCode::SEE_OTHER && !status.is_server_error(),
                    "{} {path}: public route answered {status}",
                    route.method
                );
                checked += 1;
            }
            RouteAccess::Guarded(action) => {
                let path = fill(&route.path, f.other_person, f.other_team, f.target_user, 0);
                let anonymous = call(&app, &route.method, &path, None).await;
                assert!(
                    anonymous == StatusCode::UNAUTHORIZED || anonymous == StatusCode::SEE_OTHER,
                    "{} {path}: anonymous got {anonymous}",
                    route.method
                );
                for role in Role::ALL {
                    let caller = app.caller(role).await;
                    let token = accounts::create_token(&app.db, &caller.user, "t", common::now()).await.unwrap();
                    let token_id = accounts::tokens_of(&app.db, caller.user.id).await.unwrap()[0].id;
                    drop(token);
                    let path = in_reach(&route.path, role, &f, token_id);
                    let status = call(&app, &route.method, &path, Some(&caller)).await;
                    let allowed = role_access(role, action) != Access::None;
                    assert!(!status.is_server_error(), "{} {path} as {role}: server error {status}", route.method);
                    if allowed {
                        assert!(
                            status != StatusCode::FORBIDDEN && status != StatusCode::UNAUTHORIZED,
                            "{} {path} as {role}: allowed by policy but got {status}",
                            route.method
                        );
                    } else {
                        assert_eq!(
                            status,
                            StatusCode::FORBIDDEN,
                            "{} {path} as {role}: denied by policy",
                            route.method
                        );
                    }
                    checked += 1;
                }
            }
        }
    }
    let guarded = app.app.routes.iter().filter(|r| matches!(r.access, RouteAccess::Guarded(_))).count();
    let public = app.app.routes.len() - guarded;
    assert_eq!(checked, guarded * Role::ALL.len() + public, "every route × role was exercised");
    assert!(guarded >= 50, "the table lists every guarded route ({guarded})");
}

#[tokio::test]
async fn records_outside_a_role_s_reach_are_refused() {
    let app = TestApp::demo().await;
    let f = fixtures(&app).await;
    let agent = app.caller(Role::Agent).await;
    let leader = app.caller(Role::TeamLeader).await;
    let cases = [
        (&agent, format!("/people/{}", f.team_member)),
        (&agent, format!("/teams/{}", f.other_team)),
        (&leader, format!("/people/{}", f.other_person)),
        (&leader, format!("/people/{}/edit", f.other_person)),
        (&leader, format!("/teams/{}", f.other_team)),
        (&leader, format!("/skills/matrix?team={}", f.other_team)),
    ];
    for (caller, path) in cases {
        let reply = app.get(&path, Some(caller)).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{path} as {}", caller.user.role);
    }
    let denied = app
        .post_form(&format!("/people/{}/skills", f.other_person), &leader, &[("skill_id", "1"), ("level", "3")])
        .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    let token = app.token(Role::TeamLeader).await;
    let api = app.api(Method::GET, &format!("/api/v1/people/{}", f.other_person), &token, None).await;
    assert_eq!(api.status, StatusCode::FORBIDDEN);
    let listed = app.api(Method::GET, "/api/v1/people", &token, None).await.json();
    let ids: Vec<i64> = listed.as_array().unwrap().iter().map(|p| p["id"].as_i64().unwrap()).collect();
    assert!(ids.contains(&f.team_member) && !ids.contains(&f.other_person), "a team leader lists only their teams");
}
