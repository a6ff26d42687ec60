//! Contingency plans on both backends: checked, saved with their actions,
//! listed with reviews, every write audited, bad input kept out.

mod common;

use crewdeck_core::people::TeamFields;
use crewdeck_core::staffing::contingency::{Action, Trigger};
use crewdeck_store::audit::{self, Actor};
use crewdeck_store::staffing::contingency::{self, PlanForm, ReviewForm};
use crewdeck_store::teams;
use crewdeck_store::{Db, StoreError};
use jiff::Timestamp;

fn now() -> Timestamp {
    Timestamp::from_second(1_790_000_000).expect("valid")
}

fn surge() -> PlanForm {
    PlanForm {
        name: "Monday surge".into(),
        queue: "q-voice".into(),
        owner: "Shift lead".into(),
        trigger_kind: "service_level_below".into(),
        threshold: "0.7".into(),
        intervals: "3".into(),
        action1_kind: "offer_callbacks".into(),
        action1_amount: "20%".into(),
        action2_kind: "overtime".into(),
        action2_amount: "6".into(),
        ..PlanForm::default()
    }
}

async fn plans_are_saved_listed_reviewed_and_audited(db: &Db) {
    let actor = Actor::system("test");
    let team_fields = TeamFields { name: "Red".into(), ..Default::default() };
    let team = teams::create(db, &actor, &team_fields.parse().expect("team"), now()).await.expect("team");
    let queues = vec!["q-voice".to_owned()];

    let bad = PlanForm {
        queue: "elsewhere".into(),
        threshold: "70".into(),
        action1_amount: "-1".into(),
        action2_kind: "magic".into(),
        ..surge()
    };
    let errors = bad.parse(&queues).expect_err("rejected");
    for field in ["queue", "threshold", "action1_amount", "action2_amount"] {
        assert!(errors.for_field(field).is_some(), "{field}: {errors:?}");
    }
    let none = PlanForm {
        action1_kind: String::new(),
        action1_amount: String::new(),
        action2_kind: String::new(),
        action2_amount: String::new(),
        ..surge()
    };
    assert!(none.parse(&queues).expect_err("no actions").for_field("action1_amount").is_some());

    let plan = surge().parse(&queues).expect("valid");
    let id = contingency::create(db, &actor, team, &plan, now()).await.expect("saved");
    assert!(matches!(
        contingency::create(db, &actor, team, &plan, now()).await,
        Err(StoreError::Invalid(e)) if e.for_field("name").is_some()
    ));

    let review = ReviewForm {
        held_on: "2026-11-30".into(),
        trigger_fired: "SL 65% from 09:30".into(),
        actions_taken: "Callbacks".into(),
        outcome: "Recovered by 11:00".into(),
        lessons: "Start callbacks sooner".into(),
    };
    assert!(
        ReviewForm { held_on: "30/11".into(), ..review.clone() }
            .parse()
            .expect_err("date")
            .for_field("held_on")
            .is_some()
    );
    let review = review.parse().expect("valid");
    contingency::record_review(db, &actor, team, id, &review, now()).await.expect("recorded");
    assert!(matches!(
        contingency::record_review(db, &actor, team + 1, id, &review, now()).await,
        Err(StoreError::NotFound(_))
    ));

    let plans = contingency::list(db, team).await.expect("listed");
    assert_eq!(plans.len(), 1);
    let saved = &plans[0];
    assert_eq!(
        (saved.name.as_str(), saved.queue.as_str(), saved.owner.as_str()),
        ("Monday surge", "q-voice", "Shift lead")
    );
    assert_eq!(saved.trigger, Trigger::ServiceLevelBelow { share: 0.7, intervals: 3 });
    assert_eq!(saved.actions, vec![Action::OfferCallbacks { percent: 20.0 }, Action::Overtime { hours: 6.0 }]);
    assert_eq!(saved.reviews, vec![review]);
    assert!(contingency::list(db, team + 1).await.expect("other team").is_empty());

    let events = audit::list(db, Some(&format!("contingency_plan:{id}")), 10, None).await.expect("audit");
    let actions: Vec<_> = events.iter().map(|e| e.action.as_str()).collect();
    assert!(
        actions.contains(&"staffing.contingency.create") && actions.contains(&"staffing.contingency.review"),
        "{actions:?}"
    );
    assert_eq!(events.len(), 2);
}

both_backends!(plans_are_saved_listed_reviewed_and_audited);
