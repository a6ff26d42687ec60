//! Contingency pages: a bad plan is refused with the fields named and nothing
//! written; a good one is saved and audited; a review cannot be recorded
//! against another team's plan; an agent cannot add a plan.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use crewdeck_core::people::Role;
use crewdeck_store::staffing::contingency;
use crewdeck_store::{audit, teams};

#[tokio::test]
async fn plans_are_checked_saved_audited_and_kept_to_the_team() {
    let app = TestApp::demo().await;
    let leader = app.caller(Role::TeamLeader).await;
    let team = teams::led_by(&app.db, leader.user.person_id.expect("a leader has a person")).await.expect("led")[0];
    let path = format!("/teams/{team}/staffing/contingencies");
    let page = app.get(&path, Some(&leader)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("agents needed") && page.body.contains("Record a review"),
        "plans with effects and forms"
    );
    let before = audit::list(&app.db, None, 1, None).await.expect("audit")[0].seq;

    let bad = app
        .post_form(
            &path,
            &leader,
            &[
                ("name", "Storm"),
                ("queue", "not-ours"),
                ("owner", "Shift lead"),
                ("trigger_kind", "forecast_exceeded"),
                ("threshold", "lots"),
                ("action1_kind", "skill_widening"),
                ("action1_amount", "1.5"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    for message in ["Choose one of the team", "you entered \u{201c}lots\u{201d}", "whole number"] {
        assert!(bad.body.contains(message), "{message} is shown");
    }
    assert!(bad.body.contains(r#"value="Storm""#), "what was typed is kept");
    assert_eq!(audit::list(&app.db, None, 1, None).await.expect("audit")[0].seq, before, "nothing was written");

    let plans = contingency::list(&app.db, team).await.expect("plans");
    let queue = plans[0].queue.clone();
    let good = app
        .post_form(
            &path,
            &leader,
            &[
                ("name", "Storm"),
                ("queue", &queue),
                ("owner", "Shift lead"),
                ("trigger_kind", "absence_above"),
                ("threshold", "20"),
                ("action1_kind", "overtime"),
                ("action1_amount", "10"),
            ],
        )
        .await;
    assert_eq!(good.status, StatusCode::SEE_OTHER);
    let saved = contingency::list(&app.db, team).await.expect("plans");
    assert_eq!(saved.len(), plans.len() + 1);
    let event = &audit::list(&app.db, None, 1, None).await.expect("audit")[0];
    assert_eq!(event.action, "staffing.contingency.create");

    // Another team's plan id is not this team's to review.
    let other = teams::list(&app.db, common::TODAY)
        .await
        .expect("teams")
        .into_iter()
        .find(|t| t.id != team)
        .expect("two teams");
    let foreign = contingency::list(&app.db, other.id).await.expect("plans")[0].id;
    let id = foreign.to_string();
    let review = [
        ("plan_id", id.as_str()),
        ("held_on", "2026-03-01"),
        ("trigger_fired", "x"),
        ("actions_taken", "y"),
        ("outcome", "z"),
        ("lessons", "w"),
    ];
    assert_eq!(app.post_form(&format!("{path}/reviews"), &leader, &review).await.status, StatusCode::NOT_FOUND);

    let agent = app.caller(Role::Agent).await;
    let refused = app.post_form(&path, &agent, &[("name", "Mine")]).await;
    assert!(refused.status == StatusCode::FORBIDDEN || refused.status == StatusCode::NOT_FOUND, "{}", refused.status);
}
