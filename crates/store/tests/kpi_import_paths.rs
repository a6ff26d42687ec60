//! The import paths that the faster import relies on, on SQLite and on
//! PostgreSQL: neighbours found through the stored anchor-lag bound, and
//! repeated ids within one batch whatever their order in the file.

mod common;

use common::TestDb;
use crewdeck_store::audit::Actor;
use crewdeck_store::kpi::{self, ImportFile, ImportFormat, ImportOptions, ImportReport, KpiQuery};
use jiff::Timestamp;
use jiff::civil::date;

const HEADER: &str = "id,channel,queue,agent_id,customer_id,topic,arrived_at,answered_at,ended_at,wrap_seconds,outcome";

async fn import(db: &TestDb, rows: &[&str], batch_size: usize) -> ImportReport {
    let text = format!("{HEADER}\n{}\n", rows.join("\n"));
    let file = ImportFile { name: "paths.csv".into(), format: ImportFormat::Csv, reader: text.as_bytes() };
    let options = ImportOptions { batch_size, ..ImportOptions::default() };
    let now: Timestamp = "2026-03-02T10:00:00Z".parse().expect("instant");
    kpi::import_interactions(db, &Actor::system("paths test"), file, &options, now, &mut |_| {})
        .await
        .expect("import runs")
}

async fn fcr_on_first_of_january(db: &TestDb) -> Option<f64> {
    let query = KpiQuery {
        from: date(2026, 1, 1),
        to: date(2026, 1, 1),
        group_by: Vec::new(),
        team: None,
        queue: None,
        channel: None,
    };
    kpi::report(db, &query).await.expect("report")[0].row.fcr
}

/// A contact whose end moves ten days after its arrival (an update, in a
/// later import) must still be found when a repeat arrives two days after
/// that end, although it arrived long before the repeat's window.
async fn an_updated_long_handling_time_still_finds_its_repeat(db: &TestDb) {
    let short = "e1,email,q,a1,c1,t,2026-01-01T09:00:00Z,2026-01-01T10:00:00Z,2026-01-01T11:00:00Z,0,resolved";
    import(db, &[short], 1000).await;
    assert_eq!(fcr_on_first_of_january(db).await, Some(1.0));
    let long = "e1,email,q,a1,c1,t,2026-01-01T09:00:00Z,2026-01-01T10:00:00Z,2026-01-11T09:00:00Z,0,resolved";
    let updated = import(db, &[long], 1000).await;
    assert_eq!((updated.imported, updated.updated), (0, 1));
    assert_eq!(fcr_on_first_of_january(db).await, Some(1.0));
    // Two days after the end, twelve after the arrival, in a later batch.
    let repeat = "e2,chat,q,,c1,t,2026-01-13T09:00:00Z,,,,abandoned";
    let other = "e3,chat,q,,c2,t,2026-01-13T09:00:00Z,,,,abandoned";
    import(db, &[other, repeat], 1).await;
    assert_eq!(fcr_on_first_of_january(db).await, Some(0.0));
    // Moved out of the window again: resolved first time once more.
    import(db, &["e2,chat,q,,c1,t,2026-01-19T09:00:00Z,,,,abandoned"], 1000).await;
    assert_eq!(fcr_on_first_of_january(db).await, Some(1.0));
}

/// Repeats of an id are rejected against the first line with that id, in
/// line order, however the ids are ordered in the file.
async fn repeated_ids_name_their_first_line(db: &TestDb) {
    let row = |id: &str, outcome: &str| format!("{id},chat,q,a1,c1,t,2026-01-01T09:00:00Z,,,,{outcome}");
    let rows = [
        row("z", "resolved"),
        row("a", "resolved"),
        row("z", "unresolved"),
        row("m", "resolved"),
        row("a", "abandoned"),
    ];
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    let report = import(db, &rows, 1000).await;
    assert_eq!((report.imported, report.updated), (3, 0));
    let rejected: Vec<(u64, &str)> = report.rejected.iter().map(|r| (r.line, r.reason.as_str())).collect();
    assert_eq!(rejected, [(4, "duplicate id, first at line 2"), (6, "duplicate id, first at line 3")]);
}

both_backends!(an_updated_long_handling_time_still_finds_its_repeat, repeated_ids_name_their_first_line);
