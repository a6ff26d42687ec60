//! Quality pages over the demo: roles see what the policy says, agents see only
//! their own evaluations and never calibration, and the spot-check → acknowledge
//! → dispute → uphold flow changes the score with an audit event naming who.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use crewdeck_core::people::Role;
use crewdeck_store::quality::{calibration, disputes, evaluations, sampling};
use crewdeck_store::{accounts, people, teams};

fn location(reply: &common::Reply) -> String {
    reply.headers.get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
}

#[tokio::test]
async fn agents_see_only_their_own_evaluations_and_no_calibration() {
    let app = TestApp::demo().await;
    let agent = app.caller(Role::Agent).await;
    let me = agent.user.person_id.expect("the demo agent is a person");
    let all = evaluations::list(&app.db, None).await.expect("evaluations");
    let mine = all.iter().find(|e| e.agent_person_id == me).expect("the demo agent has evaluations");
    let other = all.iter().find(|e| e.agent_person_id != me).expect("someone else has evaluations");

    let home = app.get("/quality", Some(&agent)).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("My evaluations"), "agents land on My evaluations");
    assert!(home.body.contains(&format!("/quality/evaluations/{}", mine.id)));
    assert!(!home.body.contains(&format!("/quality/evaluations/{}\"", other.id)));
    assert!(!home.body.contains(&other.agent_name), "no one else's evaluations are listed");

    assert_eq!(app.get(&format!("/quality/evaluations/{}", mine.id), Some(&agent)).await.status, StatusCode::OK);
    let theirs = app.get(&format!("/quality/evaluations/{}", other.id), Some(&agent)).await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND, "someone else's evaluation is not even confirmed to exist");

    let sessions = calibration::list(&app.db).await.expect("sessions");
    let session = sessions.first().expect("the demo has a calibration session");
    for path in ["/quality/calibration".to_string(), format!("/quality/calibration/{}", session.id)] {
        assert_eq!(app.get(&path, Some(&agent)).await.status, StatusCode::FORBIDDEN, "{path}");
    }
    // A calibration score is never reachable through the evaluation pages by an agent.
    let scores = calibration::scores(&app.db, session, None).await.expect("scores");
    let blind = scores.first().expect("calibration scores");
    assert_ne!(app.get(&format!("/quality/evaluations/{}", blind.id), Some(&agent)).await.status, StatusCode::OK);
    assert!(!app.get("/quality", Some(&agent)).await.body.contains("Calibration"));

    // HR and administrators do not read QA content.
    for role in [Role::Hr, Role::Admin] {
        let caller = app.caller(role).await;
        assert_eq!(app.get("/quality", Some(&caller)).await.status, StatusCode::FORBIDDEN, "{role}");
    }
}

#[tokio::test]
async fn spot_check_dispute_and_uphold_change_the_score() {
    let app = TestApp::demo().await;
    let agent = app.caller(Role::Agent).await;
    let ops = app.caller(Role::OpsManager).await;
    let me = agent.user.person_id.expect("person");
    // The agent's own team leader, whose queue the demo fills.
    let team = people::team_ids_on(&app.db, me, common::TODAY).await.expect("teams")[0];
    let lead_person = teams::get(&app.db, team, common::TODAY).await.expect("team").leader_id.expect("a leader");
    let lead_user = accounts::list(&app.db)
        .await
        .expect("users")
        .into_iter()
        .find(|u| u.person_id == Some(lead_person))
        .expect("the leader has an account");
    let leader = app.caller_for(lead_user).await;
    let queue = sampling::queue(&app.db, leader.user.person_id).await.expect("queue");
    let spot = queue.iter().find(|c| c.agent_person_id == me).expect("the agent has a spot check in the queue");

    let page = app.get("/quality/queue", Some(&leader)).await;
    assert!(page.body.contains(&format!("/quality/evaluate?spot={}", spot.id)));
    let form = app.get(&format!("/quality/evaluate?spot={}", spot.id), Some(&leader)).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body.contains(&spot.interaction_id) && form.body.contains("Outcome"),
        "contact details beside the form"
    );

    // A missing rating is named beside its criterion and nothing is saved.
    let spot_id = spot.id.to_string();
    let mut answers = vec![
        ("spot", spot_id.as_str()),
        ("r.greet", "no"),
        ("r.idv", "yes"),
        ("r.listen", "4"),
        ("r.knowledge", "4"),
        ("r.resolve", "4"),
        ("r.expect", "3"),
        ("r.recap", "yes"),
    ];
    let missing = app.post_form("/quality/evaluate", &leader, &answers).await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(missing.body.contains("Choose a rating."));
    answers.push(("r.written", "n/a"));
    let saved = app.post_form("/quality/evaluate", &leader, &answers).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let id: i64 = location(&saved)
        .trim_start_matches("/quality/evaluations/")
        .split('?')
        .next()
        .and_then(|s| s.parse().ok())
        .expect("redirect to the evaluation");
    let before = evaluations::header(&app.db, id).await.expect("saved").score;

    // The leader is not the agent: acknowledging and disputing are the agent's.
    let path = format!("/quality/evaluations/{id}/acknowledge");
    assert_eq!(app.post_form(&path, &leader, &[]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.post_form(&path, &agent, &[]).await.status, StatusCode::SEE_OTHER);
    let dispute_path = format!("/quality/evaluations/{id}/disputes");
    let empty = app.post_form(&dispute_path, &agent, &[("criterion_id", "greet"), ("reason", "")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let raised =
        app.post_form(&dispute_path, &agent, &[("criterion_id", "greet"), ("reason", "I greeted them by name")]).await;
    assert_eq!(raised.status, StatusCode::SEE_OTHER);
    let dispute = disputes::of_evaluation(&app.db, id).await.expect("disputes")[0].clone();

    // The evaluator cannot decide it; the operations manager upholds it.
    let decide = format!("/quality/disputes/{}", dispute.id);
    let own = app.post_form(&decide, &leader, &[("decision", "uphold"), ("new_rating", "yes")]).await;
    assert_eq!(own.status, StatusCode::CONFLICT);
    let board = app.get("/quality/disputes", Some(&ops)).await;
    assert!(board.body.contains(&format!("data-dispute=\"{}\"", dispute.id)));
    let upheld =
        app.post_form(&decide, &ops, &[("decision", "uphold"), ("new_rating", "yes"), ("note", "Heard it")]).await;
    assert_eq!(upheld.status, StatusCode::SEE_OTHER, "{}", upheld.body);
    let after = evaluations::header(&app.db, id).await.expect("read back").score;
    assert!(after > before, "{before} → {after}");

    let admin = app.caller(Role::Admin).await;
    let audit = app.get("/admin/audit", Some(&admin)).await;
    assert!(audit.body.contains("dispute.upheld"), "the audit trail shows the change");
    assert!(audit.body.contains(&ops.user.name), "and who made it");
}

#[tokio::test]
async fn a_sampling_plan_can_target_a_precision_and_a_bad_margin_is_named() {
    let app = TestApp::demo().await;
    let ops = app.caller(Role::OpsManager).await;
    let team = teams::list(&app.db, common::TODAY).await.expect("teams")[0].id.to_string();
    let card = sampling::plans(&app.db).await.expect("plans")[0].scorecard_id.to_string();
    let form = |margin: &'static str| {
        [
            ("team_id", team.as_str()),
            ("scorecard_id", card.as_str()),
            ("per_agent_weekly", "1"),
            ("top_up_low_csat", "0"),
            ("top_up_complaint", "0"),
            ("top_up_new_starter", "0"),
            ("precision_margin", margin),
        ]
    };
    let before = sampling::plans(&app.db).await.expect("plans").len();
    let refused = app.post_form("/quality/sampling/plans", &ops, &form("lots")).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert!(refused.body.contains("margin in points"), "the field is named: {}", refused.body);
    let saved = app.post_form("/quality/sampling/plans", &ops, &form("4")).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let plans = sampling::plans(&app.db).await.expect("plans");
    assert_eq!(plans.len(), before + 1);
    assert_eq!(plans[0].precision_margin, Some(4.0));
    let page = app.get("/quality/sampling", Some(&ops)).await;
    assert!(page.body.contains("known within ±4 points"), "the plan's precision target is shown");
}
