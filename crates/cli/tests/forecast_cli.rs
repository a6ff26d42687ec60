//! `crewdeck forecast` driven through the built binary on SQLite and on
//! PostgreSQL: interactions imported as a customer would, a special day saved
//! through the store, and the backtest, choice and forecast read back as JSON.
//!
//! The history is three weeks of hourly contacts that repeat exactly from week
//! to week, so seasonal naive must score a WAPE of 0 and be chosen (the
//! simplest method wins ties), and its forecast must repeat the pattern. One
//! Wednesday of the second week has a spike: left out as a special day it
//! disturbs nothing; kept in, it spoils the backtest.

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_crewdeck");
const HEADER: &str = "id,channel,queue,agent_id,customer_id,topic,arrived_at,answered_at,ended_at,wrap_seconds,outcome";

fn crewdeck(database: &str, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("--database")
        .arg(database)
        .args(args)
        .env_remove("CREWDECK_DATABASE_URL")
        .output()
        .expect("crewdeck runs")
}

fn json(output: &Output) -> Value {
    assert!(output.status.success(), "exit {:?}: {}", output.status.code(), String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("stdout is one JSON document")
}

/// Contacts in hour `hour` of day `day` (0 = Monday 2026-01-05): a weekly pattern.
fn contacts(day: usize, hour: usize) -> usize {
    if !(9..17).contains(&hour) {
        return 0;
    }
    let weekday = day % 7;
    let usual = 2 + weekday + hour % 3;
    // The spike: Wednesday of the second week, a campaign.
    if day == 9 { usual * 4 } else { usual }
}

fn write_history(dir: &Path) -> String {
    let mut csv = format!("{HEADER}\n");
    let mut n = 0;
    for day in 0..21 {
        let date = jiff::civil::date(2026, 1, 5) + jiff::ToSpan::days(day as i64);
        for hour in 0..24 {
            for k in 0..contacts(day, hour) {
                n += 1;
                let minute = (k * 7) % 56;
                let at = |second: usize| format!("{date}T{hour:02}:{:02}:{:02}Z", minute, second);
                // Answered after 10 s, talk 180 s, wrap 10 s: AHT 190 s.
                let ended = format!("{date}T{hour:02}:{:02}:10Z", minute + 3);
                writeln!(csv, "c{n},voice,bookings,a1,cust{n},booking,{},{},{ended},10,resolved", at(0), at(10))
                    .expect("written");
            }
        }
    }
    let file = dir.join("history.csv");
    std::fs::write(&file, csv).expect("history written");
    file.to_str().expect("UTF-8 path").to_owned()
}

fn forecast(database: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "forecast",
        "--queue",
        "bookings",
        "--interval-minutes",
        "60",
        "--from",
        "2026-01-05",
        "--to",
        "2026-01-25",
        "--held-out-weeks",
        "1",
    ];
    args.extend_from_slice(extra);
    crewdeck(database, &args)
}

fn exercise(database: &str) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let file = write_history(dir.path());
    let imported = crewdeck(database, &["import", "interactions", &file, "--json"]);
    assert_eq!(imported.status.code(), Some(0), "{}", String::from_utf8_lossy(&imported.stderr));

    // The spike is left out once it is named.
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let db = crewdeck_store::Db::connect(database).await.expect("opens");
        let day = crewdeck_store::staffing::special_days::NewSpecialDay::parse(
            "2026-01-14",
            "bookings",
            "campaign",
            "Winter service offer",
        )
        .expect("valid");
        let actor = crewdeck_store::audit::Actor::system("test");
        crewdeck_store::staffing::special_days::save(&db, &actor, &day, jiff::Timestamp::now()).await.expect("saved");
        db.close().await;
    });

    let report = json(&forecast(database, &["--json"]));
    assert_eq!(report["queue"], "bookings");
    assert_eq!(report["interval_minutes"], 60);
    assert_eq!(report["excluded_days"], serde_json::json!(["2026-01-14"]));
    let volume = &report["volume"];
    assert_eq!(volume["chosen"], "seasonal-naive", "{volume}");
    let naive = &volume["backtest"][0];
    assert_eq!(naive["method"], "seasonal-naive");
    assert_eq!(naive["wape"].as_f64(), Some(0.0));
    assert_eq!(naive["chosen"], true);
    assert_eq!(naive["intervals"], 7 * 24);
    assert_eq!(volume["backtest"].as_array().map(Vec::len), Some(5));
    let reason = volume["reason"].as_str().expect("a reason");
    assert!(reason.starts_with("Seasonal naive chosen: WAPE 0.0%"), "{reason}");

    // Next week repeats the pattern, hour by hour, from Monday 26 January.
    let intervals = report["intervals"].as_array().expect("intervals");
    assert_eq!(intervals.len(), 7 * 24);
    assert_eq!(intervals[0]["interval_start"], "2026-01-26T00:00:00");
    for (i, interval) in intervals.iter().enumerate() {
        let expected = contacts(21 + i / 24, i % 24) as f64;
        assert_eq!(interval["contacts"].as_f64(), Some(expected), "interval {i}");
        let aht = interval["aht_seconds"].as_f64().expect("a number");
        assert!((aht - 190.0).abs() < 1e-6, "interval {i}: {aht}");
    }

    // Kept in, the spike spoils seasonal naive's score.
    let kept = json(&forecast(database, &["--exclude-special", "false", "--json"]));
    assert_eq!(kept["excluded_days"], serde_json::json!([]));
    let wape = kept["volume"]["backtest"][0]["wape"].as_f64().expect("assessed");
    assert!(wape > 0.1, "{wape}");

    // The table form says what was chosen and why.
    let table = forecast(database, &[]);
    assert!(table.status.success());
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(text.contains("Seasonal naive chosen") && text.contains("2026-01-26T09:00:00"), "{text}");

    // An unknown queue exits 2, naming the queues there are.
    let missing = crewdeck(database, &["forecast", "--queue", "nope", "--json"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(missing.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert!(stderr.contains("--queue") && stderr.contains("bookings"), "{stderr}");
    let bad = crewdeck(database, &["forecast", "--queue", "bookings", "--interval-minutes", "20"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("15, 30 or 60"));
}

#[test]
fn forecast_on_sqlite() {
    let dir = tempfile::tempdir().expect("temporary folder");
    exercise(&format!("sqlite://{}", dir.path().join("x.db").display()));
}

#[test]
fn forecast_on_postgres() {
    let base = std::env::var("CREWDECK_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let schema = format!("f_{:x}{nanos:x}", std::process::id());
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let admin = crewdeck_store::Db::connect(&base).await.expect("PostgreSQL is required for this test");
        sqlx::query(&format!("CREATE SCHEMA {schema}")).execute(admin.pool()).await.expect("schema");
        admin.close().await;
    });
    let sep = if base.contains('?') { '&' } else { '?' };
    exercise(&format!("{base}{sep}options=-c%20search_path%3D{schema}"));
}
