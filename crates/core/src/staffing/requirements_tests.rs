//! Requirements: the worked examples of shared/domain/staffing.md through the
//! per-interval path, the shrinkage split, the SLA-window model and what-ifs.

use std::num::NonZeroU32;

use jiff::civil::date;

use super::*;

fn at(hour: i8, minute: i8) -> DateTime {
    date(2026, 1, 5).at(hour, minute, 0, 0)
}

fn voice(planned: &str, unplanned: &str) -> QueueSettings {
    QueueSettings {
        workload: Workload::Queue { concurrency: NonZeroU32::MIN, patience: None, max_occupancy: OccupancyCap::FULL },
        service_level: ServiceLevelTarget::parse("sl", "0.8").unwrap(),
        answer_within_seconds: 20,
        shrinkage: ShrinkageSplit::parse(planned, unplanned).unwrap(),
    }
}

fn demand(volume: f64, aht: f64) -> IntervalDemand {
    IntervalDemand { start: at(9, 0), volume, aht_seconds: aht }
}

#[test]
fn example_6_rows_give_the_agents_and_heads_of_the_table() {
    // 1,600 calls a day in seven half hours, AHT 240 s, 80/20, 30% shrinkage
    // (all unplanned here): N and scheduled as in §3 Ex 6.
    let settings = voice("0", "0.3");
    let rows = [(160.0, 26, 38), (240.0, 37, 53), (320.0, 49, 70), (192.0, 31, 45), (128.0, 21, 30)];
    let demand: Vec<_> = rows.iter().map(|(v, _, _)| demand(*v, 240.0)).collect();
    let got = requirements(&demand, IntervalMinutes::Thirty, &settings).unwrap();
    for (r, (_, agents, scheduled)) in got.iter().zip(rows) {
        assert_eq!(r.heads.agents, agents);
        assert_eq!(r.heads.scheduled, scheduled, "{r:?}");
        assert_eq!(r.heads.for_planned, 0);
        assert_eq!(r.heads.for_unplanned, scheduled - u64::from(agents));
        assert!(r.service_level.unwrap() >= 0.8);
    }
}

#[test]
fn shrinkage_split_is_exact_and_its_parts_add_up() {
    // 21 agents at 0.2 + 0.1 = 30% total: exactly 30 (f64 would say 31).
    let split = ShrinkageSplit::parse("0.2", "0.1").unwrap();
    let heads = split.heads(21);
    assert_eq!(heads.scheduled, 30);
    // 21 / 0.9 = 23.33 → 24 for unplanned; the other 6 for planned.
    assert_eq!((heads.for_unplanned, heads.for_planned), (3, 6));
    assert_eq!(u64::from(heads.agents) + heads.for_unplanned + heads.for_planned, heads.scheduled);
    assert_eq!(ShrinkageSplit::NONE.heads(14).scheduled, 14);
}

#[test]
fn shrinkage_that_leaves_nobody_is_refused_naming_the_field() {
    let errors = ShrinkageSplit::parse("0.6", "0.4").unwrap_err();
    assert!(errors.for_field("shrinkage_planned").unwrap().contains("below 1"));
    let errors = ShrinkageSplit::parse("x", "1.2").unwrap_err();
    assert!(errors.for_field("shrinkage_planned").is_some());
    assert!(errors.for_field("shrinkage_unplanned").is_some());
}

#[test]
fn chat_concurrency_divides_the_handle_time() {
    // Two chats at once at 360 s each staff like one contact of 180 s: Ex 1's 14.
    let mut settings = voice("0", "0");
    settings.workload =
        Workload::Queue { concurrency: NonZeroU32::new(2).unwrap(), patience: None, max_occupancy: OccupancyCap::FULL };
    let got = requirements(&[demand(100.0, 360.0)], IntervalMinutes::Thirty, &settings).unwrap();
    assert_eq!(got[0].heads.agents, 14);
    assert_eq!(settings.workload.model_name(), "Erlang C with concurrency");
}

#[test]
fn known_patience_switches_to_erlang_a() {
    // §4: with 120 s patience Ex 1 needs 12 agents, and about 6% abandon.
    let mut settings = voice("0", "0");
    settings.workload = Workload::Queue {
        concurrency: NonZeroU32::MIN,
        patience: Some(PositiveSeconds::parse("patience", "120").unwrap()),
        max_occupancy: OccupancyCap::FULL,
    };
    let got = requirements(&[demand(100.0, 180.0)], IntervalMinutes::Thirty, &settings).unwrap();
    assert_eq!(got[0].heads.agents, 12);
    let abandon = got[0].abandon_rate.unwrap();
    assert!((0.055..0.07).contains(&abandon), "{abandon}");
}

#[test]
fn an_empty_interval_needs_nobody() {
    let got = requirements(&[demand(0.0, 300.0)], IntervalMinutes::Fifteen, &voice("0.2", "0.1")).unwrap();
    assert_eq!(got[0].heads, Heads::default());
    assert_eq!(got[0].service_level, None);
}

#[test]
fn backlog_spreads_the_window_s_work_and_wraps_round_the_week() {
    let settings = QueueSettings {
        workload: Workload::Backlog { window_minutes: NonZeroU32::new(120).unwrap() },
        ..voice("0", "0")
    };
    // Hourly intervals, a two-hour window: 30 items of 240 s in the first hour
    // is 7,200 s of work over 7,200 s, one agent in that hour and the next.
    let demand = [demand(30.0, 240.0), demand(0.0, 0.0), demand(0.0, 0.0), demand(61.0, 240.0)];
    let got = requirements(&demand, IntervalMinutes::Sixty, &settings).unwrap();
    let agents: Vec<u32> = got.iter().map(|r| r.heads.agents).collect();
    // Hour 3: 61 × 240 = 14,640 s over 7,200 s → 3; hour 0 also sees hour 3 of
    // the week before (the week repeats): 7,200 + 14,640 → 4.
    assert_eq!(agents, vec![4, 1, 0, 3]);
    assert_eq!(settings.workload.model_name(), "SLA window");
}

#[test]
fn what_if_moves_volume_handle_time_and_shrinkage() {
    let settings = voice("0", "0.3");
    let base = [demand(100.0, 180.0)];
    let what_if = WhatIf {
        volume_percent: 10.0,
        aht_percent: -50.0,
        shrinkage: Some(ShrinkageSplit::parse("0.1", "0.25").unwrap()),
        ..WhatIf::default()
    };
    let (demand, changed) = what_if.apply(&base, &settings);
    assert!((demand[0].volume - 110.0).abs() < 1e-9);
    assert!((demand[0].aht_seconds - 90.0).abs() < 1e-9);
    let before = requirements(&base, IntervalMinutes::Thirty, &settings).unwrap();
    let after = requirements(&demand, IntervalMinutes::Thirty, &changed).unwrap();
    assert_eq!(before[0].heads.scheduled, 20);
    assert!(after[0].heads.agents < before[0].heads.agents);
    assert_eq!(after[0].heads.scheduled, changed.shrinkage.heads(after[0].heads.agents).scheduled);
    assert_eq!(WhatIf::parse_percent("volume", " 12.5% ").unwrap(), 12.5);
    assert!(WhatIf::parse_percent("volume", "-150").is_err());
    assert_eq!(WhatIf::parse_percent("volume", "").unwrap(), 0.0);
}

#[test]
fn summary_sums_hours_and_finds_peaks() {
    let rows =
        requirements(&[demand(100.0, 180.0), demand(0.0, 0.0)], IntervalMinutes::Thirty, &voice("0", "0.3")).unwrap();
    let summary = Summary::of(&rows, IntervalMinutes::Thirty);
    assert_eq!((summary.peak_agents, summary.peak_scheduled), (14, 20));
    assert!((summary.agent_hours - 7.0).abs() < 1e-9);
    assert!((summary.scheduled_hours - 10.0).abs() < 1e-9);
}

#[test]
fn what_if_form_keeps_the_queue_s_own_figures_where_empty_and_names_bad_fields() {
    let settings = voice("0.2", "0.1");
    let fields = WhatIfFields { shrinkage_unplanned: "0.15".to_owned(), ..WhatIfFields::default() };
    let change = WhatIf::parse(&fields, &settings).unwrap();
    let split = change.shrinkage.unwrap();
    assert_eq!((split.planned().to_string(), split.unplanned().to_string()), ("0.2".to_owned(), "0.15".to_owned()));
    assert_eq!(change.volume_percent, 0.0);
    assert_eq!(WhatIf::parse(&WhatIfFields::default(), &settings).unwrap(), WhatIf::default());
    let bad = WhatIfFields {
        volume_percent: "lots".to_owned(),
        service_level: "80".to_owned(),
        shrinkage_planned: "0.95".to_owned(),
        ..WhatIfFields::default()
    };
    let errors = WhatIf::parse(&bad, &settings).unwrap_err();
    for field in ["volume_percent", "service_level", "shrinkage_planned"] {
        assert!(errors.for_field(field).is_some(), "{field}: {errors:?}");
    }
}
