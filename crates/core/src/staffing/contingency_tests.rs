//! Contingencies: triggers against today's figures, and each action's effect
//! through the requirements model.

use std::num::NonZeroU32;

use jiff::civil::date;

use super::*;
use crate::staffing::inputs::{OccupancyCap, ServiceLevelTarget};
use crate::staffing::requirements::{ShrinkageSplit, Workload};

fn voice() -> QueueSettings {
    QueueSettings {
        workload: Workload::Queue { concurrency: NonZeroU32::MIN, patience: None, max_occupancy: OccupancyCap::FULL },
        service_level: ServiceLevelTarget::parse("sl", "0.8").unwrap(),
        answer_within_seconds: 20,
        shrinkage: ShrinkageSplit::parse("0", "0.3").unwrap(),
    }
}

/// Example 6's half hours: 160, 240 and 320 calls at 240 s need 26, 37 and 49 agents.
fn day() -> Vec<IntervalDemand> {
    [160.0, 240.0, 320.0]
        .iter()
        .enumerate()
        .map(|(k, v)| IntervalDemand {
            start: date(2026, 1, 5).at(9 + k as i8, 0, 0, 0),
            volume: *v,
            aht_seconds: 240.0,
        })
        .collect()
}

const PLANNED: [u32; 3] = [26, 37, 49];

#[test]
fn forecast_exceeded_fires_only_above_its_percentage() {
    let trigger = Trigger::ForecastExceeded { percent: 10.0 };
    let contacts = [(100.0, 108.0), (100.0, 104.0)];
    let state = trigger.check(&Observed { contacts: &contacts, ..Observed::default() });
    assert!(!state.firing);
    assert_eq!(state.reading, "Contacts 6% above forecast so far");
    let contacts = [(100.0, 115.0), (100.0, 110.0)];
    assert!(trigger.check(&Observed { contacts: &contacts, ..Observed::default() }).firing);
    assert!(!trigger.check(&Observed::default()).firing);
}

#[test]
fn service_level_needs_the_run_to_be_consecutive() {
    let trigger = Trigger::ServiceLevelBelow { share: 0.8, intervals: 3 };
    let broken = [Some(0.7), Some(0.6), Some(0.9), Some(0.5), Some(0.7)];
    assert!(!trigger.check(&Observed { service_levels: &broken, ..Observed::default() }).firing);
    // A quiet interval (no contacts) neither breaks nor extends the run.
    let run = [Some(0.7), None, Some(0.6), Some(0.75)];
    let state = trigger.check(&Observed { service_levels: &run, ..Observed::default() });
    assert!(state.firing, "{state:?}");
    assert!(state.reading.contains("3 intervals"));
}

#[test]
fn absence_fires_above_and_is_quiet_when_unknown() {
    let trigger = Trigger::AbsenceAbove { percent: 12.0 };
    assert!(trigger.check(&Observed { absence: Some(0.15), ..Observed::default() }).firing);
    assert!(!trigger.check(&Observed { absence: Some(0.12), ..Observed::default() }).firing);
    assert!(!trigger.check(&Observed::default()).firing);
}

#[test]
fn skill_widening_adds_agents_and_lifts_service_level_at_the_worst_interval() {
    let trigger = Trigger::ForecastExceeded { percent: 10.0 };
    let e = effect(&trigger, &Action::SkillWidening { agents: 5 }, &day(), &PLANNED, IntervalMinutes::Thirty, &voice())
        .unwrap();
    // 10% more calls: the busiest hour (352 calls) is the furthest short.
    assert_eq!(e.worst_interval, 2);
    assert_eq!(e.before.available, 49);
    assert_eq!(e.after.available, 54);
    assert_eq!(e.before.needed, e.after.needed);
    assert!(e.before.needed > 0);
    let (sl_before, sl_after) = (e.before.service_level.unwrap(), e.after.service_level.unwrap());
    assert!(sl_after > sl_before, "{sl_before} → {sl_after}");
    assert!(e.before.needed > 49 && e.after.short_hours < e.before.short_hours);
}

#[test]
fn overtime_hours_go_where_the_day_is_shortest_and_never_beyond_need() {
    // Absence of 20% leaves 11, 15 and 20 of the 14, 19 and 25 planned.
    let trigger = Trigger::AbsenceAbove { percent: 20.0 };
    let settings = voice();
    let half_hour_day: Vec<_> = day().into_iter().map(|d| IntervalDemand { volume: d.volume / 2.0, ..d }).collect();
    let planned = [14u32, 19, 25];
    let none = effect(
        &trigger,
        &Action::Overtime { hours: 0.0 },
        &half_hour_day,
        &planned,
        IntervalMinutes::Thirty,
        &settings,
    )
    .unwrap();
    let short = none.before.short_hours;
    assert!(short > 0.0);
    assert_eq!(none.after, none.before);
    let some = effect(
        &trigger,
        &Action::Overtime { hours: 1.0 },
        &half_hour_day,
        &planned,
        IntervalMinutes::Thirty,
        &settings,
    )
    .unwrap();
    // Two half-hour slots: one agent-hour less short.
    assert!((some.after.short_hours - (short - 1.0)).abs() < 1e-9);
    let plenty = effect(
        &trigger,
        &Action::DeferBackOffice { hours: 500.0 },
        &half_hour_day,
        &planned,
        IntervalMinutes::Thirty,
        &settings,
    )
    .unwrap();
    assert_eq!(plenty.after.short_hours, 0.0);
    assert_eq!(plenty.after.available, plenty.after.needed);
}

#[test]
fn callbacks_lower_the_agents_needed() {
    let trigger = Trigger::ServiceLevelBelow { share: 0.8, intervals: 2 };
    let e =
        effect(&trigger, &Action::OfferCallbacks { percent: 20.0 }, &day(), &PLANNED, IntervalMinutes::Sixty, &voice())
            .unwrap();
    assert!(e.after.needed < e.before.needed);
    assert!(e.after.scheduled_needed < e.before.scheduled_needed);
    assert_eq!(e.after.available, e.before.available);
}

#[test]
fn parsing_names_the_field_at_fault() {
    assert_eq!(parse_trigger("absence_above", "12", "").unwrap(), Trigger::AbsenceAbove { percent: 12.0 });
    assert_eq!(
        parse_trigger("service_level_below", "0.7", "3").unwrap(),
        Trigger::ServiceLevelBelow { share: 0.7, intervals: 3 }
    );
    let errors = parse_trigger("service_level_below", "70", "x").unwrap_err();
    assert!(errors.for_field("threshold").is_some() && errors.for_field("intervals").is_some());
    assert!(parse_trigger("moon", "1", "").unwrap_err().for_field("trigger_kind").is_some());
    assert_eq!(parse_action("amount", "skill_widening", "4").unwrap(), Action::SkillWidening { agents: 4 });
    assert_eq!(parse_action("amount", "offer_callbacks", "15%").unwrap(), Action::OfferCallbacks { percent: 15.0 });
    assert!(parse_action("amount", "skill_widening", "2.5").unwrap_err().message.contains("whole number"));
    assert!(parse_action("amount", "overtime", "-3").unwrap_err().message.contains("above 0"));
}
