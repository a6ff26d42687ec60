//! Demo contingency plans: two or three per demo team, on its voice queue,
//! and one review of the first team's surge plan.

use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};

use crate::audit::Actor;
use crate::db::Db;
use crate::error::StoreResult;
use crate::staffing::contingency::{self, PlanForm, ReviewForm};

/// Team index, queue, name, owner, trigger kind, threshold, intervals, actions.
type DemoPlan = (
    usize,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

const PLANS: &[DemoPlan] = &[
    (
        0,
        "bookings-voice",
        "Monday surge",
        "Team leader on shift",
        "forecast_exceeded",
        "15",
        "",
        &[("offer_callbacks", "20"), ("overtime", "6")],
    ),
    (
        0,
        "bookings-voice",
        "Service level slipping",
        "Team leader on shift",
        "service_level_below",
        "0.7",
        "3",
        &[("skill_widening", "2"), ("defer_back_office", "4")],
    ),
    (
        0,
        "bookings-voice",
        "Winter sickness",
        "Operations manager",
        "absence_above",
        "12",
        "",
        &[("overtime", "8"), ("skill_widening", "3")],
    ),
    (
        1,
        "service-voice",
        "Recall day",
        "Team leader on shift",
        "forecast_exceeded",
        "25",
        "",
        &[("skill_widening", "3"), ("offer_callbacks", "15")],
    ),
    (1, "service-voice", "Absence spike", "Operations manager", "absence_above", "15", "", &[("overtime", "6")]),
    (
        2,
        "retail-voice",
        "Sale weekend",
        "Team leader on shift",
        "forecast_exceeded",
        "20",
        "",
        &[("defer_back_office", "6"), ("offer_callbacks", "10")],
    ),
    (
        2,
        "retail-voice",
        "Service level slipping",
        "Team leader on shift",
        "service_level_below",
        "0.75",
        "2",
        &[("skill_widening", "2")],
    ),
];

/// Saves the demo plans and one review dated a week before `today`.
pub(super) async fn seed(db: &Db, system: &Actor, team_ids: &[i64], today: Date, now: Timestamp) -> StoreResult<()> {
    let mut first = None;
    for &(team, queue, name, owner, kind, threshold, intervals, actions) in PLANS {
        let Some(&team_id) = team_ids.get(team) else { continue };
        let action =
            |k: usize| actions.get(k).map(|&(kind, amount)| (kind.to_owned(), amount.to_owned())).unwrap_or_default();
        let form = PlanForm {
            name: name.into(),
            queue: queue.into(),
            owner: owner.into(),
            trigger_kind: kind.into(),
            threshold: threshold.into(),
            intervals: intervals.into(),
            action1_kind: action(0).0,
            action1_amount: action(0).1,
            action2_kind: action(1).0,
            action2_amount: action(1).1,
            action3_kind: action(2).0,
            action3_amount: action(2).1,
        };
        let plan = form.parse(&[queue.to_owned()]).map_err(crate::error::StoreError::Invalid)?;
        let id = contingency::create(db, system, team_id, &plan, now).await?;
        first.get_or_insert((team_id, id));
    }
    if let Some((team_id, plan_id)) = first {
        let review = ReviewForm {
            held_on: (today - 7.days()).to_string(),
            trigger_fired: "Contacts ran 18% above forecast by 10:00 after a price change email.".into(),
            actions_taken: "Callbacks offered from 10:15; two people worked an extra hour each.".into(),
            outcome: "Service level back above 80% by 11:30; 64 callbacks made the same day.".into(),
            lessons: "Ask marketing for send times so the surge can be planned, not met.".into(),
        }
        .parse()
        .map_err(crate::error::StoreError::Invalid)?;
        contingency::record_review(db, system, team_id, plan_id, &review, now).await?;
    }
    Ok(())
}
