//! Imports and the KPI report against the contract's rules, on small
//! hand-made files; every test runs on SQLite and on PostgreSQL.

mod common;

use common::TestDb;
use crewdeck_core::kpi::{Channel, GroupBy, KpiRow};
use crewdeck_core::people::{PersonFields, TeamFields};
use crewdeck_store::audit::Actor;
use crewdeck_store::kpi::{self, ImportFile, ImportFormat, ImportOptions, ImportReport, KpiGroupRow, KpiQuery};
use crewdeck_store::{org, people, teams};
use jiff::Timestamp;
use jiff::civil::{Date, date};

fn now() -> Timestamp {
    "2026-03-02T10:00:00Z".parse().expect("valid instant")
}

fn actor() -> Actor {
    Actor { user_id: None, label: "Test importer".into() }
}

const HEADER: &str = "id,channel,queue,agent_id,customer_id,topic,arrived_at,answered_at,ended_at,wrap_seconds,outcome";

async fn import(db: &TestDb, surveys: bool, text: &str, batch_size: usize) -> ImportReport {
    let file = ImportFile { name: "test.csv".into(), format: ImportFormat::Csv, reader: text.as_bytes() };
    let options = ImportOptions { batch_size, ..ImportOptions::default() };
    let mut progress = |_| {};
    let result = if surveys {
        kpi::import_surveys(db, &actor(), file, &options, now(), &mut progress).await
    } else {
        kpi::import_interactions(db, &actor(), file, &options, now(), &mut progress).await
    };
    result.expect("import runs")
}

async fn interactions(db: &TestDb, rows: &[&str]) -> ImportReport {
    import(db, false, &format!("{HEADER}\n{}\n", rows.join("\n")), 1000).await
}

async fn report(db: &TestDb, from: Date, to: Date, group_by: &str) -> Vec<KpiGroupRow> {
    let query = KpiQuery {
        from,
        to,
        group_by: if group_by.is_empty() { Vec::new() } else { GroupBy::parse_list(group_by).expect("valid list") },
        team: None,
        queue: None,
        channel: None,
    };
    kpi::report(db, &query).await.expect("report runs")
}

async fn total(db: &TestDb) -> KpiRow {
    let rows = report(db, date(2026, 1, 1), date(2026, 1, 31), "").await;
    assert_eq!(rows.len(), 1);
    rows[0].row
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-9)
}

async fn every_field_follows_the_contract(db: &TestDb) {
    let imported = interactions(
        db,
        &[
            "v1,voice,billing,a1,c1,refund,2026-01-05T09:00:00Z,2026-01-05T09:00:10Z,2026-01-05T09:01:50Z,20,resolved",
            "v2,VOICE,billing,a2,c2,refund,2026-01-05 10:00:00+00:00,2026-01-05T10:00:30Z,2026-01-05T10:03:50Z,,unresolved",
            "v3,voice,billing,,c3,refund,2026-01-05T11:00:00Z,,2026-01-05T11:00:03Z,,abandoned",
            "v4,voice,billing,,c4,refund,2026-01-05T11:00:00Z,,2026-01-05T11:00:40Z,,Abandoned",
            "v5,voice,billing,,c5,refund,2026-01-05T11:00:00Z,,,,abandoned",
            "e1,email,post,,c6,refund,2026-01-05T12:00:00Z,,,,unresolved",
        ],
    )
    .await;
    assert_eq!((imported.imported, imported.updated), (6, 0));
    assert!(imported.rejected.is_empty(), "{:?}", imported.rejected);
    let surveys = import(
        db,
        true,
        "interaction_id,responded_at,csat,nps,ces,comment\n\
         v1,2026-01-06T09:00:00Z,5,10,6,great\n\
         v1,2026-01-07T09:00:00Z,3,6,2,\n\
         v2,2026-01-06T09:00:00Z,4,8,,\n",
        1000,
    )
    .await;
    assert_eq!((surveys.imported, surveys.updated), (3, 0));
    let row = total(db).await;
    assert_eq!(row.contacts, 6);
    assert_eq!(row.short_abandons, 1);
    assert_eq!(row.offered, 5);
    assert_eq!(row.answered, 2);
    assert_eq!(row.abandoned, 2);
    assert!(close(row.service_level, 0.2), "{row:?}");
    assert!(close(row.asa_seconds, 20.0), "{row:?}");
    assert!(close(row.aht_seconds, 160.0), "{row:?}");
    assert!(close(row.abandon_rate, 0.4), "{row:?}");
    assert!(close(row.fcr, 0.5), "{row:?}");
    assert!(close(row.csat, 2.0 / 3.0), "{row:?}");
    assert_eq!(row.csat_responses, 3);
    assert!(close(row.nps, 0.0), "{row:?}");
    assert_eq!(row.nps_responses, 3);
    assert!(close(row.ces, 4.0), "{row:?}");

    let by_agent = report(db, date(2026, 1, 5), date(2026, 1, 5), "agent").await;
    let keys: Vec<Option<&str>> = by_agent.iter().map(|r| r.key(GroupBy::Agent)).collect();
    assert_eq!(keys, [None, Some("a1"), Some("a2")]);
    assert_eq!(by_agent[0].row.contacts, 4);
    let json = serde_json::to_value(&by_agent[0]).expect("serialises");
    assert_eq!(json["agent"], serde_json::Value::Null);
    assert_eq!(json["contacts"], 4);
    assert_eq!(json["fcr"], serde_json::Value::Null);
    let a1 = serde_json::to_value(&by_agent[1]).expect("serialises");
    assert_eq!(a1["agent"], "a1");
    assert_eq!(a1["csat_responses"], 2);

    let query = KpiQuery {
        from: date(2026, 1, 5),
        to: date(2026, 1, 5),
        group_by: vec![GroupBy::Queue, GroupBy::Week, GroupBy::Month, GroupBy::Day],
        team: None,
        queue: Some("post".into()),
        channel: Some(Channel::Email),
    };
    let rows = kpi::report(db, &query).await.expect("report");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].key(GroupBy::Week), Some("2026-W02"));
    assert_eq!(rows[0].key(GroupBy::Month), Some("2026-01"));
    assert_eq!(rows[0].key(GroupBy::Day), Some("2026-01-05"));
    assert_eq!((rows[0].row.contacts, rows[0].row.answered), (1, 0));
}

async fn bad_rows_are_reported_and_good_rows_kept(db: &TestDb) {
    for batch_size in [1, 1000] {
        let text = format!(
            "{HEADER}\n\
             a{batch_size},chat,q,x,c,t,2026-01-05T09:00:00Z,,,,unresolved\n\
             b{batch_size},fax,q,x,c,t,2026-01-05T09:00:00Z,,,,unresolved\n\
             a{batch_size},chat,q,x,c,t,2026-01-05T09:00:00Z,,,,resolved\n\
             c{batch_size},chat,q,x,c,t,2026-01-05T09:00:00,,,,resolved\n\
             d{batch_size},chat,q,x,c,t,2026-01-05T09:00:00Z,,,,unresolved\n"
        );
        let report = import(db, false, &text, batch_size).await;
        assert_eq!((report.imported, report.updated), (2, 0), "{report:?}");
        let lines: Vec<u64> = report.rejected.iter().map(|r| r.line).collect();
        assert_eq!(lines, [3, 4, 5]);
        assert!(report.rejected[0].reason.starts_with("channel: "));
        assert_eq!(report.rejected[1].reason, "duplicate id, first at line 2");
        assert!(report.rejected[2].reason.contains("arrived_at"));
    }
    assert_eq!(total(db).await.contacts, 4);
    let runs = kpi::import_runs(db, 10).await.expect("history");
    assert_eq!(runs.len(), 2);
    assert_eq!((runs[0].imported, runs[0].rejected), (2, 3));
    assert_eq!(runs[0].status, "completed");
    assert_eq!(runs[0].actor, "Test importer");

    let surveys = import(
        db,
        true,
        "interaction_id,responded_at,csat\nnope,2026-01-06T09:00:00Z,5\na1,2026-01-06T09:00:00Z,9\na1,2026-01-06T09:00:00Z,4\n",
        1000,
    )
    .await;
    assert_eq!(surveys.imported, 1);
    assert_eq!(surveys.rejected[0].line, 2);
    assert_eq!(surveys.rejected[0].reason, "unknown interaction");
    assert!(surveys.rejected[1].reason.starts_with("csat: "));
    assert_eq!(surveys.rejected.len(), 2);
}

async fn a_file_without_required_columns_writes_nothing(db: &TestDb) {
    let file =
        ImportFile { name: "x.csv".into(), format: ImportFormat::Csv, reader: "id,channel\n1,voice\n".as_bytes() };
    let err = kpi::import_interactions(db, &actor(), file, &ImportOptions::default(), now(), &mut |_| {})
        .await
        .expect_err("refused");
    assert!(err.to_string().contains("queue"), "{err}");
    assert!(kpi::import_runs(db, 10).await.expect("history").is_empty());
}

async fn reimport_updates_without_duplicating(db: &TestDb) {
    let rows = [
        "r1,chat,q,a1,c1,t,2026-01-05T09:00:00Z,2026-01-05T09:00:30Z,2026-01-05T09:05:00Z,0,resolved",
        "r2,chat,q,a2,c2,t,2026-01-05T09:00:00Z,2026-01-05T09:02:30Z,2026-01-05T09:05:00Z,0,unresolved",
    ];
    interactions(db, &rows).await;
    import(db, true, "interaction_id,responded_at,csat\nr1,2026-01-06T09:00:00Z,5\n", 1000).await;
    let before = report(db, date(2026, 1, 1), date(2026, 1, 31), "agent,day").await;
    let again = interactions(db, &rows).await;
    assert_eq!((again.imported, again.updated), (0, 2));
    assert_eq!(report(db, date(2026, 1, 1), date(2026, 1, 31), "agent,day").await, before);

    // r1 moves to another agent and day: its contact and its survey move too.
    interactions(
        db,
        &["r1,chat,q,a2,c1,t,2026-01-07T09:00:00Z,2026-01-07T09:00:30Z,2026-01-07T09:05:00Z,0,unresolved"],
    )
    .await;
    let after = report(db, date(2026, 1, 1), date(2026, 1, 31), "agent,day").await;
    assert_eq!(after.len(), 2, "{after:?}");
    assert_eq!(after[0].key(GroupBy::Day), Some("2026-01-05"));
    assert_eq!((after[0].row.contacts, after[0].row.csat_responses), (1, 0));
    assert_eq!(after[1].key(GroupBy::Day), Some("2026-01-07"));
    assert_eq!((after[1].row.contacts, after[1].row.csat_responses), (1, 1));
    assert_eq!(after[1].row.fcr, Some(0.0));
    let survey_again = import(db, true, "interaction_id,responded_at,csat\nr1,2026-01-06T09:00:00Z,2\n", 1000).await;
    assert_eq!((survey_again.imported, survey_again.updated), (0, 1));
    let row = total(db).await;
    assert_eq!((row.contacts, row.csat_responses, row.csat), (2, 1, Some(0.0)));
}

async fn a_later_repeat_turns_off_fcr(db: &TestDb) {
    let first = "f1,voice,q,a1,c1,t,2026-01-05T09:00:00Z,2026-01-05T09:00:05Z,2026-01-05T09:10:00Z,0,resolved";
    interactions(db, &[first]).await;
    let day5 = || async { report(db, date(2026, 1, 5), date(2026, 1, 5), "").await[0].row };
    assert_eq!(day5().await.fcr, Some(1.0));
    // Eight days later is outside the window; another topic does not count.
    interactions(
        db,
        &["f2,chat,q,,c1,t,2026-01-12T09:10:01Z,,,,abandoned", "f3,chat,q,,c1,other,2026-01-06T09:00:00Z,,,,abandoned"],
    )
    .await;
    assert_eq!(day5().await.fcr, Some(1.0));
    // Exactly 168 hours after the end is a repeat, even abandoned.
    interactions(db, &["f2,chat,q,,c1,t,2026-01-12T09:10:00Z,,,,abandoned"]).await;
    assert_eq!(day5().await.fcr, Some(0.0));
    // Moving the repeat away again restores first contact resolution.
    interactions(db, &["f2,chat,q,,c1,t,2026-01-20T09:00:00Z,,,,abandoned"]).await;
    assert_eq!(day5().await.fcr, Some(1.0));
    // A repeat arriving in the same file as the contact counts too.
    interactions(
        db,
        &[
            "g1,voice,q,a1,c9,t,2026-01-05T09:00:00Z,2026-01-05T09:00:05Z,,0,resolved",
            "g2,voice,q,a1,c9,t,2026-01-05T09:30:00Z,2026-01-05T09:30:05Z,,0,resolved",
        ],
    )
    .await;
    let row = day5().await;
    assert_eq!((row.answered, row.fcr), (3, Some(2.0 / 3.0)));
    // A contact handled for eight days: its window runs from its end, so a
    // repeat long after its arrival still counts.
    interactions(db, &["h1,email,q,a1,c7,t,2026-01-01T09:00:00Z,2026-01-01T10:00:00Z,2026-01-09T09:00:00Z,0,resolved"])
        .await;
    let day1 = || async { report(db, date(2026, 1, 1), date(2026, 1, 1), "").await[0].row };
    assert_eq!(day1().await.fcr, Some(1.0));
    interactions(db, &["h2,chat,q,,c7,t,2026-01-10T09:00:00Z,,,,abandoned"]).await;
    assert_eq!(day1().await.fcr, Some(0.0));
}

fn person_input(name: &str, email: &str) -> crewdeck_core::people::PersonInput {
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

/// Teams "Red" and "Blue": `ag1` is Ann (Red, then Blue from 10 January);
/// `bo@example.co.uk` is Bo by email (Blue throughout); `ghost` is nobody.
async fn two_teams(db: &TestDb) {
    let team = |name: &str| TeamFields { name: name.into(), ..Default::default() };
    let red = teams::create(db, &actor(), &team("Red").parse().expect("team"), now()).await.expect("red");
    let blue = teams::create(db, &actor(), &team("Blue").parse().expect("team"), now()).await.expect("blue");
    let ann =
        people::create(db, &actor(), &person_input("Ann", "ann@example.co.uk"), Some(red), now()).await.expect("ann");
    people::move_to_team(db, &actor(), ann.id, blue, date(2026, 1, 10), now()).await.expect("moved");
    people::create(db, &actor(), &person_input("Bo", "bo@example.co.uk"), Some(blue), now()).await.expect("bo");
    kpi::link_agent(db, &actor(), "ag1", ann.id, now()).await.expect("linked");
}

async fn team_follows_membership_on_the_date(db: &TestDb) {
    two_teams(db).await;
    interactions(
        db,
        &[
            "t1,chat,q,ag1,c1,t,2026-01-09T12:00:00Z,2026-01-09T12:00:05Z,,0,resolved",
            "t2,chat,q,ag1,c2,t,2026-01-10T12:00:00Z,2026-01-10T12:00:05Z,,0,resolved",
            "t3,chat,q,BO@example.co.uk,c3,t,2026-01-09T12:00:00Z,2026-01-09T12:00:05Z,,0,resolved",
            "t4,chat,q,ghost,c4,t,2026-01-09T12:00:00Z,2026-01-09T12:00:05Z,,0,resolved",
            "t5,chat,q,,c5,t,2026-01-09T12:00:00Z,,,,abandoned",
        ],
    )
    .await;
    let rows = report(db, date(2026, 1, 1), date(2026, 1, 31), "team").await;
    let got: Vec<(Option<&str>, u64)> = rows.iter().map(|r| (r.key(GroupBy::Team), r.row.contacts)).collect();
    assert_eq!(got, [(None, 2), (Some("Blue"), 2), (Some("Red"), 1)]);
    let query = KpiQuery {
        from: date(2026, 1, 1),
        to: date(2026, 1, 31),
        group_by: vec![GroupBy::Agent],
        team: Some("blue".into()),
        queue: None,
        channel: None,
    };
    let blue = kpi::report(db, &query).await.expect("report");
    let got: Vec<(Option<&str>, u64)> = blue.iter().map(|r| (r.key(GroupBy::Agent), r.row.contacts)).collect();
    assert_eq!(got, [(Some("BO@example.co.uk"), 1), (Some("ag1"), 1)]);
    let unknown = KpiQuery { team: Some("Green".into()), ..query };
    assert!(kpi::report(db, &unknown).await.is_err());
}

async fn no_data_gives_zero_counts_and_null_rates(db: &TestDb) {
    let rows = report(db, date(2026, 1, 1), date(2026, 1, 31), "").await;
    assert_eq!(rows.len(), 1);
    let json = serde_json::to_value(&rows[0]).expect("serialises");
    assert_eq!(json["contacts"], 0);
    assert_eq!(json["offered"], 0);
    for rate in ["service_level", "asa_seconds", "aht_seconds", "abandon_rate", "fcr", "csat", "nps", "ces"] {
        assert_eq!(json[rate], serde_json::Value::Null, "{rate}");
    }
    assert!(report(db, date(2026, 1, 1), date(2026, 1, 31), "agent").await.is_empty());
}

async fn days_are_local_to_the_organisation(db: &TestDb) {
    org::create(db, &actor(), "Acme", "America/New_York", now()).await.expect("org");
    interactions(db, &["n1,chat,q,a,c,t,2026-02-01T03:00:00Z,,,,unresolved"]).await;
    let rows = report(db, date(2026, 1, 1), date(2026, 2, 28), "day,week,month").await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].key(GroupBy::Day), Some("2026-01-31"));
    assert_eq!(rows[0].key(GroupBy::Week), Some("2026-W05"));
    assert_eq!(rows[0].key(GroupBy::Month), Some("2026-01"));
}

async fn ndjson_takes_the_same_keys(db: &TestDb) {
    let file = ImportFile {
        name: "x.ndjson".into(),
        format: ImportFormat::Ndjson,
        reader: concat!(
            r#"{"id": "j1", "channel": "chat", "queue": "q", "customer_id": "c", "topic": "t", "arrived_at": "2026-01-05T09:00:00Z", "answered_at": "2026-01-05T09:00:20.5Z", "wrap_seconds": 5, "outcome": "resolved", "agent_id": null}"#,
            "\n{\"id\": \"j2\"}\n"
        )
        .as_bytes(),
    };
    let report = kpi::import_interactions(db, &actor(), file, &ImportOptions::default(), now(), &mut |_| {})
        .await
        .expect("import");
    assert_eq!(report.imported, 1);
    assert_eq!(report.rejected[0].line, 2);
    assert!(report.rejected[0].reason.contains("channel"));
    assert!(close(total(db).await.asa_seconds, 20.5));
}

both_backends!(
    every_field_follows_the_contract,
    bad_rows_are_reported_and_good_rows_kept,
    a_file_without_required_columns_writes_nothing,
    reimport_updates_without_duplicating,
    a_later_repeat_turns_off_fcr,
    team_follows_membership_on_the_date,
    no_data_gives_zero_counts_and_null_rates,
    days_are_local_to_the_organisation,
    ndjson_takes_the_same_keys,
);
