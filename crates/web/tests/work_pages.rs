//! Work allocation through the web: a leader previews, asks "why not", moves
//! a line with a reason and confirms; the agent then sees the item. And the
//! work API: create, list by reach, pull.

mod common;

use axum::http::{Method, StatusCode, header};
use common::TestApp;
use crewdeck_core::people::Role;
use crewdeck_store::allocation::{batch, load};
use crewdeck_store::{accounts, people, teams};

#[tokio::test]
async fn a_leader_previews_adjusts_and_confirms_and_the_agent_sees_the_work() {
    let app = TestApp::demo().await;
    let agent = app.caller(Role::Agent).await;
    let me = agent.user.person_id.unwrap();
    // The leader of the agent's own team (the demo has one leader account per team).
    let team = people::team_ids_on(&app.db, me, common::TODAY).await.unwrap()[0];
    let leader_person = teams::get(&app.db, team, common::TODAY).await.unwrap().leader_id.unwrap();
    let leader_email = people::get(&app.db, leader_person).await.unwrap().email;
    let leader = app.caller_for(accounts::by_email(&app.db, &leader_email).await.unwrap().unwrap()).await;
    let team = team.to_string();

    let queue = app.get("/work", Some(&leader)).await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(queue.body.contains("Preview allocation"), "the queue offers a batch run");

    // A Wednesday, so every demo working pattern works that day.
    let proposed = app.post_form("/work/batches", &leader, &[("team", &team), ("plan_date", "2026-03-04")]).await;
    assert_eq!(proposed.status, StatusCode::SEE_OTHER);
    let location = proposed.headers[header::LOCATION].to_str().unwrap().to_string();
    let id: i64 = location.trim_start_matches("/work/batches/").parse().unwrap();
    let page = app.get(&location, Some(&leader)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("chosen over") || page.body.contains("the only eligible"), "rationales are shown");

    let b = batch::get(&app.db, id).await.unwrap();
    let line = b.lines.iter().find(|l| l.choices.iter().any(|c| c.person_id == me)).expect("a line the agent may take");
    let item = line.item.id.to_string();
    let who = me.to_string();

    let why = app.get(&format!("{location}?why_item={item}&why_person={who}"), Some(&leader)).await;
    assert!(why.body.contains("id=\"why-answer\""), "the why-not answer is shown");

    let move_path = format!("/work/batches/{id}/move");
    let refused = app.post_form(&move_path, &leader, &[("item_id", &item), ("person_id", &who), ("reason", " ")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Say why"), "a move needs a reason");
    let reason = "Developing this skill with Dawn";
    let moved =
        app.post_form(&move_path, &leader, &[("item_id", &item), ("person_id", &who), ("reason", reason)]).await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER);
    assert!(app.get(&location, Some(&leader)).await.body.contains("moved by you"));

    // Agents cannot open batches.
    assert_eq!(app.get(&location, Some(&agent)).await.status, StatusCode::FORBIDDEN);

    let confirmed = app.post_form(&format!("/work/batches/{id}/confirm"), &leader, &[]).await;
    assert_eq!(confirmed.status, StatusCode::SEE_OTHER);
    let mine = app.get("/work", Some(&agent)).await;
    assert!(mine.body.contains(&format!("data-item=\"{item}\"")), "the agent sees the item in My work");
    assert_eq!(load::counters(&app.db).await.unwrap(), load::recount(&app.db).await.unwrap());

    let detail = app.get(&format!("/work/items/{item}"), Some(&agent)).await;
    assert!(detail.body.contains(reason), "the agent reads why the item came to them");
}

#[tokio::test]
async fn the_work_api_creates_lists_by_reach_and_pulls() {
    let app = TestApp::demo().await;
    let leader = app.caller(Role::TeamLeader).await;
    let led = teams::led_by(&app.db, leader.user.person_id.unwrap()).await.unwrap()[0];
    let other = teams::list(&app.db, common::TODAY).await.unwrap().into_iter().find(|t| t.id != led).unwrap().id;
    let token = app.token(Role::TeamLeader).await;
    let body = |team: i64| {
        format!(
            r#"{{"kind": "callback", "title": "Call back about a quote", "channel": "voice",
                "requires": {{"Service bookings": 1}}, "priority": "urgent", "team_id": {team},
                "due_at": "2026-03-02T11:00:00Z"}}"#
        )
    };
    let created = app.api(Method::POST, "/api/v1/work-items", &token, Some(&body(led))).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(created.json()["state"], "open");
    let refused = app.api(Method::POST, "/api/v1/work-items", &token, Some(&body(other))).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "leaders add work only to their own teams");
    let bad = app.api(Method::POST, "/api/v1/work-items", &token, Some(&body(led).replace("urgent", "soonish"))).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("priority"), "{}", bad.body);

    let listed = app.api(Method::GET, "/api/v1/work-items", &token, None).await.json();
    assert!(listed.as_array().unwrap().iter().all(|i| i["team_id"] == led), "a leader lists only their teams' work");

    let agent_token = app.token(Role::Agent).await;
    let pulled = app.api(Method::POST, "/api/v1/work-items/next", &agent_token, None).await;
    assert_eq!(pulled.status, StatusCode::OK, "{}", pulled.body);
    let agent = app.caller(Role::Agent).await.user.person_id.unwrap();
    let reply = pulled.json();
    if let Some(item) = reply["item"].as_object() {
        assert_eq!(item["assignee_id"], agent);
    } else {
        assert!(reply["message"].is_string());
    }
    let own = app.api(Method::GET, "/api/v1/work-items", &agent_token, None).await.json();
    assert!(own.as_array().unwrap().iter().all(|i| i["assignee_id"] == agent), "agents list only their own work");
    let teams_of_agent = people::team_ids_on(&app.db, agent, common::TODAY).await.unwrap();
    assert!(!teams_of_agent.is_empty());
}

#[tokio::test]
async fn the_fairness_view_shows_each_persons_qa_score_beside_their_stretch_work() {
    let app = TestApp::demo().await;
    let agent = app.caller(Role::Agent).await;
    let me = agent.user.person_id.unwrap();
    let team = people::team_ids_on(&app.db, me, common::TODAY).await.unwrap()[0];
    let leader_person = teams::get(&app.db, team, common::TODAY).await.unwrap().leader_id.unwrap();
    let leader_email = people::get(&app.db, leader_person).await.unwrap().email;
    let leader = app.caller_for(accounts::by_email(&app.db, &leader_email).await.unwrap().unwrap()).await;
    let page = app.get(&format!("/work/fairness?team={team}&from=2025-11-01&to=2026-03-02"), Some(&leader)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains(r#"<th scope="col">QA score</th>"#), "the QA column is shown to a leader");
    assert!(page.body.contains("(n = "), "someone in the demo team has evaluations in the period");
}
