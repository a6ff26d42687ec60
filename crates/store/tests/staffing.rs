//! Staffing storage on both backends: queue settings and special days with
//! their audit events, and a queue's history read back as interval series
//! from aggregated SQL (including the spring daylight-saving gap).

mod common;

use std::io::Cursor;

use crewdeck_core::staffing::forecast::IntervalMinutes;
use crewdeck_store::audit::{self, Actor};
use crewdeck_store::kpi::{ImportFile, ImportFormat, ImportOptions, import_interactions};
use crewdeck_store::staffing::settings::{self, SettingsForm};
use crewdeck_store::staffing::special_days::{self, NewSpecialDay};
use crewdeck_store::staffing::{forecast, history};
use crewdeck_store::{Db, StoreError, org};
use jiff::Timestamp;
use jiff::civil::date;

fn now() -> Timestamp {
    Timestamp::from_second(1_790_000_000).expect("valid")
}

const HEADER: &str = "id,channel,queue,agent_id,customer_id,topic,arrived_at,answered_at,ended_at,wrap_seconds,outcome";

async fn import(db: &Db, rows: &[&str]) {
    let text = format!("{HEADER}\n{}\n", rows.join("\n"));
    let file =
        ImportFile { name: "contacts.csv".into(), format: ImportFormat::Csv, reader: Cursor::new(text.into_bytes()) };
    let report = import_interactions(db, &Actor::system("test"), file, &ImportOptions::default(), now(), &mut |_| {})
        .await
        .expect("imported");
    assert_eq!(report.imported, rows.len() as u64, "{report:?}");
}

async fn settings_are_checked_saved_and_audited(db: &Db) {
    import(db, &["c1,chat,web-chat,a1,x1,t,2026-03-02T09:00:00Z,2026-03-02T09:00:10Z,2026-03-02T09:05:10Z,0,resolved"])
        .await;
    let defaults = settings::get(db, "web-chat").await.expect("defaults");
    assert!(!defaults.saved);
    assert_eq!((defaults.workload.as_str(), defaults.concurrency, defaults.answer_within_seconds), ("queue", 2, 60));
    assert!(matches!(settings::get(db, "nope").await, Err(StoreError::NotFound(_))));

    let bad = SettingsForm {
        workload: "queue".into(),
        service_level: "1.5".into(),
        answer_within_seconds: "20".into(),
        patience_seconds: String::new(),
        concurrency: "0".into(),
        response_window_minutes: "480".into(),
        shrinkage_planned: "0.7".into(),
        shrinkage_unplanned: "0.4".into(),
    };
    let errors = bad.parse("web-chat", None).expect_err("rejected");
    for field in ["service_level", "concurrency", "shrinkage_planned"] {
        assert!(errors.for_field(field).is_some(), "{field}: {errors:?}");
    }
    let good =
        SettingsForm { service_level: "0.9".into(), concurrency: "3".into(), shrinkage_planned: "0.15".into(), ..bad };
    let parsed = good.parse("web-chat", None).expect("valid");
    settings::save(db, &Actor::system("test"), &parsed, now()).await.expect("saved");
    let stored = settings::get(db, "web-chat").await.expect("stored");
    assert_eq!(stored, parsed);
    let events = audit::list(db, Some("queue:web-chat"), 10, None).await.expect("events");
    assert_eq!(events.len(), 1);
    assert!(
        events[0].summary.contains("service level: \u{201c}0.8\u{201d} \u{2192} \u{201c}0.9\u{201d}"),
        "{}",
        events[0].summary
    );
    assert_eq!(settings::list(db).await.expect("list").len(), 1);
}

async fn special_days_are_saved_listed_removed_and_audited(db: &Db) {
    let actor = Actor::system("test");
    assert!(NewSpecialDay::parse("25/12/2026", "", "holiday", "").is_err());
    let everyone = NewSpecialDay::parse("2026-12-25", "", "bank_holiday", "Christmas Day").expect("valid");
    let one = NewSpecialDay::parse("2026-11-27", "retail-chat", "campaign", "Black Friday").expect("valid");
    special_days::save(db, &actor, &everyone, now()).await.expect("saved");
    special_days::save(db, &actor, &one, now()).await.expect("saved");
    let for_chat: Vec<_> = special_days::for_queue(db, "retail-chat").await.expect("read").dates().collect();
    assert_eq!(for_chat, [date(2026, 11, 27), date(2026, 12, 25)]);
    let for_voice: Vec<_> = special_days::for_queue(db, "retail-voice").await.expect("read").dates().collect();
    assert_eq!(for_voice, [date(2026, 12, 25)]);
    special_days::remove(db, &actor, date(2026, 11, 27), "retail-chat", now()).await.expect("removed");
    assert!(matches!(
        special_days::remove(db, &actor, date(2026, 11, 27), "retail-chat", now()).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(special_days::list(db, None).await.expect("list").len(), 1);
    let events = audit::list(db, Some("special_day:2026-11-27"), 10, None).await.expect("events");
    assert_eq!(events.len(), 2);
}

async fn history_adds_quarter_hours_into_local_intervals(db: &Db) {
    org::create(db, &Actor::system("test"), "Org", "Europe/London", now()).await.expect("org");
    // 29 March 2026: the clocks go forward at 01:00 UTC, so local 01:00–02:00 does not exist.
    import(
        db,
        &[
            // Local 00:10 and 00:40 (GMT): one hourly interval, two contacts, handle 100 s and 200 s.
            "h1,voice,q,a1,x1,t,2026-03-29T00:10:00Z,2026-03-29T00:10:05Z,2026-03-29T00:11:35Z,10,resolved",
            "h2,voice,q,a1,x2,t,2026-03-29T00:40:00Z,2026-03-29T00:40:05Z,2026-03-29T00:43:15Z,10,resolved",
            // 01:30 UTC is 02:30 BST: the 02:00 interval. Abandoned: a contact with no handle time.
            "h3,voice,q,,x3,t,2026-03-29T01:30:00Z,,2026-03-29T01:31:00Z,,abandoned",
            // The next day, 09:15 BST.
            "h4,voice,q,a1,x4,t,2026-03-30T08:15:00Z,2026-03-30T08:15:10Z,2026-03-30T08:20:10Z,0,resolved",
        ],
    )
    .await;
    let h = history::load(db, "q", IntervalMinutes::Sixty, date(2026, 3, 29), date(2026, 3, 30)).await.expect("loaded");
    assert_eq!(h.volume.len(), 48);
    let volume = h.volume.values();
    assert_eq!(volume[0], Some(2.0));
    assert_eq!(volume[1], None, "01:00 on the spring-forward day does not exist");
    assert_eq!(volume[2], Some(1.0));
    assert_eq!(volume[3], Some(0.0));
    assert_eq!(volume[24 + 9], Some(1.0));
    // (100 + 200) / 2 = 150 s; the abandoned interval takes the mean of all
    // handled contacts ((100 + 200 + 300) / 3 = 200 s).
    assert_eq!(h.aht.values()[0], Some(150.0));
    assert_eq!(h.aht.values()[2], Some(200.0));
    assert_eq!(h.mean_aht_seconds, Some(200.0));
    let (first, last) = history::days_with_contacts(db, "q").await.expect("read").expect("some");
    assert_eq!((first, last), (date(2026, 3, 29), date(2026, 3, 30)));
    // Two days are not enough to backtest: the message says what is needed.
    let options = forecast::ForecastOptions { interval: IntervalMinutes::Sixty, ..Default::default() };
    match forecast::queue_forecast(db, "q", &options, date(2026, 4, 1)).await {
        Err(StoreError::Invalid(errors)) => {
            let message = errors.for_field("history").expect("history");
            assert!(message.contains("needs at least 2 weeks, 1 day"), "{message}");
        }
        other => panic!("expected a field error, got {other:?}"),
    }
}

async fn today_so_far_is_set_against_forecast_and_plan(db: &Db) {
    use crewdeck_store::staffing::forecast::{ForecastInterval, ForecastReport, ModelChoice};
    use crewdeck_store::staffing::intraday;
    // Hourly forecast for Monday 2 March 2026 (UTC, no organisation): 10
    // contacts of 180 s from 09:00 to 12:00, nothing otherwise.
    let choice = || ModelChoice { backtest: Vec::new(), chosen: "seasonal-naive".into(), reason: String::new() };
    let intervals = (0..7 * 24)
        .map(|i| ForecastInterval {
            interval_start: (date(2026, 3, 2).at(0, 0, 0, 0) + jiff::SignedDuration::from_hours(i)).to_string(),
            contacts: if (9..12).contains(&(i % 24)) { 10.0 } else { 0.0 },
            aht_seconds: 180.0,
        })
        .collect();
    let report = ForecastReport {
        queue: "q".into(),
        interval_minutes: 60,
        history_from: "2026-02-02".into(),
        history_to: "2026-03-01".into(),
        excluded_days: Vec::new(),
        held_out_weeks: 2,
        volume: choice(),
        aht: choice(),
        intervals,
    };
    // 09:00–10:00 got 20 contacts (double), all answered in 10 s, AHT 240 s.
    let rows: Vec<String> = (0..20)
        .map(|k| {
            format!("t{k},voice,q,a1,x{k},t,2026-03-02T09:{k:02}:00Z,2026-03-02T09:{k:02}:10Z,2026-03-02T09:{:02}:10Z,0,resolved", k + 4)
        })
        .collect();
    import(db, &rows.iter().map(String::as_str).collect::<Vec<_>>()).await;
    let mut settings = settings::get(db, "q").await.expect("defaults");
    settings.shrinkage_planned = "0".into();
    settings.shrinkage_unplanned = "0".into();
    let now = date(2026, 3, 2).at(10, 20, 0, 0).to_zoned(jiff::tz::TimeZone::UTC).expect("valid").timestamp();
    let day = intraday::today(db, &settings, &report, date(2026, 3, 2), now).await.expect("today");
    assert_eq!(day.rows.len(), 24);
    assert_eq!(day.volume_ratio, 2.0);
    assert!((day.aht_ratio - 240.0 / 180.0).abs() < 1e-9);
    let nine = &day.rows[9];
    assert!(nine.complete && !day.rows[10].complete);
    assert_eq!((nine.actual_contacts, nine.actual_aht_seconds, nine.service_level), (20.0, Some(240.0), Some(1.0)));
    // 10 contacts of 180 s per hour: 0.5 Erlangs, 2 agents for 80/20; the
    // rest of the day is now 20 contacts of 240 s: 1.33 Erlangs, more agents.
    assert_eq!(day.rows[10].planned_agents, 2);
    assert_eq!(day.rows[10].expected_contacts, 20.0);
    assert!(day.rows[10].agents_needed > day.rows[10].planned_agents, "{:?}", day.rows[10]);
    assert_eq!(day.rows[12].agents_needed, 0);
    // Another day is not in this forecast.
    assert!(matches!(
        intraday::today(db, &settings, &report, date(2026, 3, 20), now).await,
        Err(StoreError::Invalid(_))
    ));
}

both_backends!(
    today_so_far_is_set_against_forecast_and_plan,
    settings_are_checked_saved_and_audited,
    special_days_are_saved_listed_removed_and_audited,
    history_adds_quarter_hours_into_local_intervals,
);
