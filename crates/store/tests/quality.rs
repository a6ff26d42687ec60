//! Quality assurance storage: scorecard versions, evaluations and their
//! scores, acknowledgement, disputes with a second reviewer, the spot-check
//! draw and calibration; every test runs on SQLite and on PostgreSQL.

mod common;

use common::TestDb;
use crewdeck_core::people::{PersonFields, TeamFields};
use crewdeck_core::quality::{CriterionDraft, Rating, Scale, SectionDraft, SectionFail, ServqualDimension};
use crewdeck_store::audit::Actor;
use crewdeck_store::kpi::{self, ImportFile, ImportFormat, ImportOptions};
use crewdeck_store::quality::disputes::{self, Decision};
use crewdeck_store::quality::evaluations::{self, ContactKind, ContactRef, EvaluationInput, RatingInput};
use crewdeck_store::quality::{attention, calibration, numbers, sampling, scorecards};
use crewdeck_store::{StoreError, people, teams};
use jiff::Timestamp;
use jiff::civil::date;

fn now() -> Timestamp {
    "2026-03-02T10:00:00Z".parse().expect("valid instant")
}

fn actor(label: &str) -> Actor {
    Actor { user_id: None, label: label.into() }
}

fn criterion(id: &str, scale: Scale, critical: bool) -> CriterionDraft {
    CriterionDraft {
        id: id.into(),
        text: format!("Did the advisor {id}?"),
        scale,
        weight: 1.0,
        allows_na: true,
        critical,
        dimension: ServqualDimension::Assurance,
        skills: vec!["Call control".into()],
    }
}

fn sections() -> Vec<SectionDraft> {
    vec![SectionDraft {
        name: "Call".into(),
        fail: SectionFail::Never,
        criteria: vec![
            criterion("greet", Scale::YesNo, false),
            criterion("resolve", Scale::OneToFive, false),
            criterion("idv", Scale::YesNo, true),
        ],
    }]
}

struct World {
    team: i64,
    ann: i64,
    bo: i64,
    lead: i64,
    ops: i64,
    card: i64,
}

fn person(name: &str, email: &str) -> crewdeck_core::people::PersonInput {
    PersonFields {
        name: name.into(),
        email: email.into(),
        job_role: "Advisor".into(),
        start_date: "2025-01-06".into(),
        contracted_hours: "37.5".into(),
        working_pattern: String::new(),
        comm_channel: "email".into(),
        comm_style: "brief".into(),
    }
    .parse()
    .expect("valid person")
}

/// A team with agents Ann and Bo, leader Lee, manager Ola; a published
/// scorecard; contacts c1–c8 handled by Ann and Bo in January 2026.
async fn world(db: &TestDb) -> World {
    let a = actor("setup");
    let team =
        teams::create(db, &a, &TeamFields { name: "Red".into(), ..Default::default() }.parse().expect("team"), now())
            .await
            .expect("team");
    let ann = people::create(db, &a, &person("Ann", "ann@example.co.uk"), Some(team), now()).await.expect("ann").id;
    let bo = people::create(db, &a, &person("Bo", "bo@example.co.uk"), Some(team), now()).await.expect("bo").id;
    let lead = people::create(db, &a, &person("Lee", "lee@example.co.uk"), None, now()).await.expect("lee").id;
    let ops = people::create(db, &a, &person("Ola", "ola@example.co.uk"), None, now()).await.expect("ola").id;
    let mut csv = String::from(
        "id,channel,queue,agent_id,customer_id,topic,arrived_at,answered_at,ended_at,wrap_seconds,outcome\n",
    );
    for i in 1..=8 {
        let agent = if i % 2 == 1 { "ann@example.co.uk" } else { "bo@example.co.uk" };
        let channel = if i <= 4 { "voice" } else { "email" };
        csv.push_str(&format!(
            "c{i},{channel},q,{agent},cust{i},billing,2026-01-{:02}T09:00:00Z,2026-01-{:02}T09:00:10Z,2026-01-{:02}T09:05:00Z,10,resolved\n",
            i + 4,
            i + 4,
            i + 4
        ));
    }
    let file = ImportFile { name: "c.csv".into(), format: ImportFormat::Csv, reader: csv.as_bytes() };
    let report =
        kpi::import_interactions(db, &a, file, &ImportOptions::default(), now(), &mut |_| {}).await.expect("import");
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    let card = scorecards::create(db, &a, "call", "Call form", &sections(), now()).await.expect("card");
    scorecards::publish(db, &a, card, now()).await.expect("published");
    World { team, ann, bo, lead, ops, card }
}

fn ratings(greet: u8, resolve: u8, idv: u8) -> Vec<RatingInput> {
    [("greet", greet), ("resolve", resolve), ("idv", idv)]
        .into_iter()
        .map(|(id, v)| RatingInput { criterion_id: id.into(), rating: Rating::Value(v), comment: None })
        .collect()
}

fn on_contact(card: i64, id: &str, ratings: Vec<RatingInput>) -> EvaluationInput {
    EvaluationInput {
        scorecard_id: card,
        contact: ContactRef::Interaction(id.into()),
        ratings,
        summary: Some("Good call".into()),
        coaching: vec!["Practise the ID&V script".into()],
        spot_check_id: None,
        calibration_session_id: None,
    }
}

async fn audit_actions(db: &TestDb) -> Vec<(String, String, String)> {
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("SELECT actor, action, summary FROM audit_events ORDER BY seq")
            .fetch_all(db.pool())
            .await
            .expect("audit");
    rows
}

async fn published_versions_never_change(db: &TestDb) {
    let w = world(db).await;
    let err =
        scorecards::save_draft(db, &actor("x"), w.card, "Call form", &sections(), now()).await.expect_err("rejected");
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    let v2 = scorecards::new_version(db, &actor("x"), w.card, now()).await.expect("v2");
    assert_ne!(v2, w.card);
    assert_eq!(scorecards::new_version(db, &actor("x"), w.card, now()).await.expect("same draft"), v2);
    let mut changed = sections();
    changed[0].criteria[0].text = "Did the advisor greet by name?".into();
    scorecards::save_draft(db, &actor("x"), v2, "Call form", &changed, now()).await.expect("draft edits");
    let mut bad = sections();
    bad[0].criteria[1].weight = 0.0;
    let err = scorecards::save_draft(db, &actor("x"), v2, "Call form", &bad, now()).await.expect_err("rejected");
    let StoreError::Invalid(errors) = err else { panic!("expected field errors") };
    assert!(errors.for_field("sections[0].criteria[1].weight").is_some(), "{errors:?}");
    scorecards::publish(db, &actor("x"), v2, now()).await.expect("publish v2");
    let v1 = scorecards::get(db, w.card).await.expect("v1");
    let v2 = scorecards::get(db, v2).await.expect("v2");
    assert_eq!((v1.status.as_str(), v2.status.as_str(), v2.version), ("retired", "published", 2));
    assert_eq!(v1.sections, sections(), "the old version keeps its criteria");
    // Team members comment and propose; the leader decides.
    let p = scorecards::propose(
        db,
        &actor("Ann"),
        Some(w.ann),
        v2.id,
        "greet",
        "proposal",
        "Allow a brief greeting on chat",
        now(),
    )
    .await
    .expect("proposal");
    scorecards::decide_proposal(db, &actor("Lee"), p, false, "Chat greetings stay full", now()).await.expect("decided");
    let list = scorecards::proposals(db, "call").await.expect("list");
    assert_eq!(list[0].decision.as_deref(), Some("declined"));
    assert!(scorecards::decide_proposal(db, &actor("Lee"), p, true, "again", now()).await.is_err());
}

async fn evaluation_scores_and_is_audited(db: &TestDb) {
    let w = world(db).await;
    let id = evaluations::create(db, &actor("Lee"), Some(w.lead), &on_contact(w.card, "c1", ratings(1, 3, 1)), now())
        .await
        .expect("evaluated");
    let e = evaluations::get(db, id).await.expect("read back");
    assert_eq!(e.summary.agent_person_id, w.ann);
    // greet 100, resolve (3 on 1–5) 50, idv 100: mean 83.3.
    assert!((e.summary.score - 250.0 / 3.0).abs() < 1e-9, "{}", e.summary.score);
    assert_eq!(e.coaching.len(), 1);
    // A critical failure sets the score to 0.
    let id2 = evaluations::create(db, &actor("Lee"), Some(w.lead), &on_contact(w.card, "c3", ratings(1, 5, 0)), now())
        .await
        .expect("evaluated");
    let e2 = evaluations::header(db, id2).await.expect("header");
    assert!(e2.critical_failed && e2.score == 0.0);
    // Nobody evaluates their own contact; a rating off the scale names the criterion.
    let own =
        evaluations::create(db, &actor("Ann"), Some(w.ann), &on_contact(w.card, "c5", ratings(1, 3, 1)), now()).await;
    assert!(matches!(own, Err(StoreError::Invalid(_))));
    let bad =
        evaluations::create(db, &actor("Lee"), Some(w.lead), &on_contact(w.card, "c5", ratings(1, 9, 1)), now()).await;
    let Err(StoreError::Invalid(errors)) = bad else { panic!("expected field errors") };
    assert!(errors.for_field("ratings.resolve").is_some(), "{errors:?}");
    // Off-system: a mystery shopper call.
    let input = EvaluationInput {
        contact: ContactRef::OffSystem {
            kind: ContactKind::MysteryCall,
            agent_person_id: w.bo,
            at: now(),
            note: "Asked about a service plan".into(),
        },
        ..on_contact(w.card, "", ratings(0, 2, 1))
    };
    evaluations::create(db, &actor("Lee"), Some(w.lead), &input, now()).await.expect("mystery call");
    assert_eq!(evaluations::list(db, Some(&[w.ann])).await.expect("list").len(), 2);
    assert_eq!(evaluations::list(db, Some(&[w.bo])).await.expect("list").len(), 1);
    let audit = audit_actions(db).await;
    let created = audit.iter().filter(|(_, a, _)| a == "evaluation.create").count();
    assert_eq!(created, 3, "one event per evaluation; failed ones write nothing");
    let stored: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM qa_evaluations").fetch_one(db.pool()).await.expect("count");
    assert_eq!(stored, 3);
}

async fn upheld_dispute_changes_the_score(db: &TestDb) {
    let w = world(db).await;
    let id = evaluations::create(db, &actor("Lee"), Some(w.lead), &on_contact(w.card, "c1", ratings(0, 5, 1)), now())
        .await
        .expect("evaluated");
    let before = evaluations::header(db, id).await.expect("header").score;
    // Only the agent acknowledges and disputes.
    assert!(matches!(
        evaluations::acknowledge(db, &actor("Bo"), id, Some(w.bo), now()).await,
        Err(StoreError::Forbidden)
    ));
    evaluations::acknowledge(db, &actor("Ann"), id, Some(w.ann), now()).await.expect("acknowledged");
    assert!(evaluations::acknowledge(db, &actor("Ann"), id, Some(w.ann), now()).await.is_err());
    let empty = disputes::raise(db, &actor("Ann"), id, Some(w.ann), "greet", " ", now()).await;
    assert!(matches!(empty, Err(StoreError::Invalid(_))));
    let d = disputes::raise(db, &actor("Ann"), id, Some(w.ann), "greet", "I greeted by name at 00:04", now())
        .await
        .expect("disputed");
    assert!(disputes::raise(db, &actor("Ann"), id, Some(w.ann), "greet", "again", now()).await.is_err());
    // The evaluator may not decide their own evaluation's dispute.
    let own = disputes::decide(db, &actor("Lee"), d, Some(w.lead), Decision::Uphold(Rating::Value(1)), "", now()).await;
    assert!(matches!(own, Err(StoreError::Conflict(_))));
    disputes::decide(db, &actor("Ola"), d, Some(w.ops), Decision::Uphold(Rating::Value(1)), "Heard it", now())
        .await
        .expect("upheld");
    let after = evaluations::get(db, id).await.expect("read back");
    assert!(
        (before - 200.0 / 3.0).abs() < 1e-9 && (after.summary.score - 100.0).abs() < 1e-9,
        "{before} {}",
        after.summary.score
    );
    assert_eq!(after.criteria[0].rating, Rating::Value(1));
    assert_eq!(after.disputes[0].decision.as_deref(), Some("upheld"));
    let audit = audit_actions(db).await;
    let (who, _, summary) = audit.iter().find(|(_, a, _)| a == "dispute.upheld").expect("audited");
    assert!(who.contains("Ola"), "{who}");
    assert!(summary.contains("0 \u{2192} 1") && summary.contains("66.7 \u{2192} 100.0"), "{summary}");
    // A rejected dispute leaves the score alone.
    let d2 = disputes::raise(db, &actor("Ann"), id, Some(w.ann), "resolve", "Fine", now()).await.expect("disputed");
    disputes::decide(db, &actor("Ola"), d2, Some(w.ops), Decision::Reject, "Stands", now()).await.expect("rejected");
    assert!((evaluations::header(db, id).await.expect("h").score - 100.0).abs() < 1e-9);
    assert_eq!(disputes::list(db, Some(&[w.bo])).await.expect("list").len(), 0);
    assert_eq!(disputes::list(db, None).await.expect("list").len(), 2);
}

/// A sampling plan of one contact per agent a week, no top-ups.
async fn one_a_week_plan(db: &TestDb, w: &World) -> i64 {
    sampling::create_plan(db, &actor("Lee"), weekly(w, 1), now()).await.expect("plan")
}

fn weekly(w: &World, per_agent_weekly: i64) -> sampling::PlanInput {
    sampling::PlanInput {
        team_id: w.team,
        scorecard_id: w.card,
        per_agent_weekly,
        top_up_low_csat: 0,
        top_up_complaint: 0,
        top_up_new_starter: 0,
        precision_margin: None,
    }
}

async fn draw_is_reproducible_and_fills_queues(db: &TestDb) {
    let w = world(db).await;
    let plan = one_a_week_plan(db, &w).await;
    let bad = sampling::create_plan(db, &actor("Lee"), weekly(&w, 0), now()).await;
    assert!(matches!(bad, Err(StoreError::Invalid(_))));
    // Two weeks: two contacts per agent.
    let first =
        sampling::draw(db, &actor("Lee"), plan, date(2026, 1, 1), date(2026, 1, 14), 42, &[w.lead, w.ops], now())
            .await
            .expect("draw");
    assert_eq!(first.queued, 4);
    let a: Vec<String> = sampling::queue(db, None).await.expect("q").into_iter().map(|c| c.interaction_id).collect();
    let mut unique = a.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 4, "never the same contact twice");
    let lee = sampling::queue(db, Some(w.lead)).await.expect("q");
    let ola = sampling::queue(db, Some(w.ops)).await.expect("q");
    assert_eq!((lee.len(), ola.len()), (2, 2), "balanced queues");
    let second =
        sampling::draw(db, &actor("Lee"), plan, date(2026, 1, 1), date(2026, 1, 14), 42, &[w.lead, w.ops], now())
            .await
            .expect("draw");
    let b: Vec<String> = sampling::queue(db, None)
        .await
        .expect("q")
        .into_iter()
        .filter(|c| c.seed == "42")
        .map(|c| c.interaction_id)
        .collect();
    assert_eq!(second.seed, 42);
    let mut a_sorted = a.clone();
    a_sorted.sort();
    let mut b_half: Vec<String> = b.clone();
    b_half.sort();
    b_half.dedup();
    assert_eq!(a_sorted, b_half, "the same seed draws the same contacts");
    // Completing a spot check takes it off the queue.
    let spot = &lee[0];
    let input =
        EvaluationInput { spot_check_id: Some(spot.id), ..on_contact(w.card, &spot.interaction_id, ratings(1, 4, 1)) };
    evaluations::create(db, &actor("Lee"), Some(w.lead), &input, now()).await.expect("done");
    assert_eq!(sampling::queue(db, Some(w.lead)).await.expect("q").len(), 3);
    assert!(evaluations::create(db, &actor("Lee"), Some(w.lead), &input, now()).await.is_err(), "done once only");
    let audit = audit_actions(db).await;
    assert!(audit.iter().any(|(_, a, s)| a == "sampling.draw" && s.contains("seed 42")));
}

async fn a_precision_plan_draws_enough_for_the_target_margin(db: &TestDb) {
    let w = world(db).await;
    let plan = |margin: f64| sampling::PlanInput { precision_margin: Some(margin), ..weekly(&w, 1) };
    let bad = sampling::create_plan(db, &actor("Lee"), plan(0.1), now()).await;
    assert!(matches!(bad, Err(StoreError::Invalid(_))), "a margin under half a point is refused");
    // ±100 points: two evaluations (the floor) leave t(0.975, 1)·15/√2 ≈ 135
    // points of doubt, three bring it to 37, so three each.
    let loose = sampling::create_plan(db, &actor("Lee"), plan(100.0), now()).await.expect("plan");
    assert_eq!(sampling::plans(db).await.expect("plans")[0].precision_margin, Some(100.0));
    let drawn =
        sampling::draw(db, &actor("Lee"), loose, date(2026, 1, 1), date(2026, 1, 14), 7, &[w.lead, w.ops], now())
            .await
            .expect("draw");
    assert_eq!(drawn.queued, 6);
    // ±2 points with no history (assumed spread 15) needs 217 each: every
    // contact is drawn, and both agents are reported short.
    let tight = sampling::create_plan(db, &actor("Lee"), plan(2.0), now()).await.expect("plan");
    let drawn =
        sampling::draw(db, &actor("Lee"), tight, date(2026, 1, 1), date(2026, 1, 14), 7, &[w.lead, w.ops], now())
            .await
            .expect("draw");
    assert_eq!(drawn.queued, 8);
    assert_eq!(drawn.short.len(), 2);
}

async fn calibration_is_blind_until_revealed(db: &TestDb) {
    let w = world(db).await;
    let ids: Vec<String> = vec!["c1".into(), "c2".into(), "c3".into()];
    let s = calibration::create(db, &actor("Ola"), w.card, "January calibration", &ids, now()).await.expect("session");
    for (who, person, base) in [("Lee", w.lead, 5u8), ("Ola", w.ops, 4u8)] {
        for (i, c) in ids.iter().enumerate() {
            let r = ratings(1, base - u8::try_from(i).expect("small"), 1);
            calibration::submit(db, &actor(who), s, Some(person), c, r, now()).await.expect("scored");
        }
    }
    let again = calibration::submit(db, &actor("Lee"), s, Some(w.lead), "c1", ratings(1, 1, 1), now()).await;
    assert!(matches!(again, Err(StoreError::Conflict(_))));
    let session = calibration::get(db, s).await.expect("session");
    assert_eq!(calibration::scores(db, &session, Some(w.lead)).await.expect("own").len(), 3, "only their own");
    assert!(calibration::agree(db, &actor("Ola"), s, "c1", 80.0, now()).await.is_err(), "not before the reveal");
    calibration::reveal(db, &actor("Ola"), s, now()).await.expect("revealed");
    let session = calibration::get(db, s).await.expect("session");
    assert_eq!(calibration::scores(db, &session, Some(w.lead)).await.expect("all").len(), 6);
    calibration::agree(db, &actor("Ola"), s, "c1", 100.0, now()).await.expect("agreed");
    let session = calibration::get(db, s).await.expect("session");
    let report = calibration::report(db, &session).await.expect("report");
    let lee = report.evaluators.iter().find(|e| e.evaluator == "Lee").expect("Lee");
    let ola = report.evaluators.iter().find(|e| e.evaluator == "Ola").expect("Ola");
    assert!(lee.mean_deviation > ola.mean_deviation, "Lee rates higher than Ola");
    assert_eq!(report.criteria.len(), 3);
    // Calibration scores are not anyone's evaluations.
    assert!(evaluations::list(db, None).await.expect("list").is_empty());
    let n = numbers::numbers(db, None, 0, i64::MAX).await.expect("numbers");
    assert!(n.overall.is_none());
}

async fn numbers_flag_small_samples(db: &TestDb) {
    let w = world(db).await;
    for (c, r) in [("c1", ratings(1, 5, 1)), ("c3", ratings(0, 3, 1)), ("c5", ratings(0, 1, 1))] {
        evaluations::create(db, &actor("Lee"), Some(w.lead), &on_contact(w.card, c, r), now())
            .await
            .expect("evaluated");
    }
    let n = numbers::numbers(db, Some(&[w.ann, w.bo]), 0, i64::MAX).await.expect("numbers");
    let ann = n.agents.iter().find(|a| a.person_id == w.ann).expect("Ann");
    let summary = ann.summary.expect("summary");
    assert_eq!(summary.n, 3);
    assert!(!summary.reliable, "three evaluations are not yet reliable");
    assert!(summary.lower.is_some_and(|l| l < summary.mean));
    let greet = ann.failures.iter().find(|f| f.criterion_id == "greet").expect("greet");
    assert_eq!((greet.failed, greet.applicable), (2, 3));
    assert_eq!(ann.failures[0].criterion_id, "greet", "worst first");
}

async fn waiting_work_is_counted_until_done(db: &TestDb) {
    let w = world(db).await;
    let both = [w.ann, w.bo];
    assert!(attention::waiting_for(db, &both).await.expect("waiting").is_empty());
    let id = evaluations::create(db, &actor("Lee"), Some(w.lead), &on_contact(w.card, "c1", ratings(0, 5, 1)), now())
        .await
        .expect("evaluated");
    let waiting = attention::waiting_for(db, &both).await.expect("waiting");
    assert_eq!((waiting.unacknowledged, waiting.open_disputes, waiting.spot_checks), (1, 0, 0));
    assert!(attention::waiting_for(db, &[w.bo]).await.expect("waiting").is_empty(), "only Ann's");
    evaluations::acknowledge(db, &actor("Ann"), id, Some(w.ann), now()).await.expect("acknowledged");
    let d = disputes::raise(db, &actor("Ann"), id, Some(w.ann), "greet", "I greeted by name", now())
        .await
        .expect("disputed");
    let waiting = attention::waiting_for(db, &both).await.expect("waiting");
    assert_eq!((waiting.unacknowledged, waiting.open_disputes), (0, 1));
    disputes::decide(db, &actor("Ola"), d, Some(w.ops), Decision::Reject, "Stands", now()).await.expect("decided");
    assert!(attention::waiting_for(db, &both).await.expect("waiting").is_empty());
    let plan = one_a_week_plan(db, &w).await;
    let drawn = sampling::draw(db, &actor("Lee"), plan, date(2026, 1, 1), date(2026, 1, 14), 7, &[w.lead], now())
        .await
        .expect("draw");
    let waiting = attention::waiting_for(db, &both).await.expect("waiting");
    assert!(drawn.queued > 0);
    assert_eq!(waiting.spot_checks, drawn.queued as u64);
    assert!(attention::waiting_for(db, &[]).await.expect("nobody").is_empty());
}

both_backends!(
    published_versions_never_change,
    evaluation_scores_and_is_audited,
    upheld_dispute_changes_the_score,
    draw_is_reproducible_and_fills_queues,
    a_precision_plan_draws_enough_for_the_target_margin,
    calibration_is_blind_until_revealed,
    numbers_flag_small_samples,
    waiting_work_is_counted_until_done,
);
