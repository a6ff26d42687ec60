//! `crewdeck import zendesk` and `crewdeck import connect` driven as a user
//! would, on the sample files of docs/samples (built from the platforms'
//! public documentation), against SQLite and PostgreSQL.
//!
//! PostgreSQL is required: `CREWDECK_TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`); each test gets its own schema.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_crewdeck");

/// A database for one test: a SQLite file or a fresh PostgreSQL schema.
struct TestDb {
    url: String,
    _dir: tempfile::TempDir,
}

fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().expect("temporary folder");
    let url = format!("sqlite://{}", dir.path().join("x.db").display());
    TestDb { url, _dir: dir }
}

fn postgres() -> TestDb {
    let base = std::env::var("CREWDECK_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string());
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    let schema = format!("cli_{:x}{nanos:x}", std::process::id());
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    runtime.block_on(async {
        use sqlx::Connection;
        let mut conn = sqlx::PgConnection::connect(&base)
            .await
            .unwrap_or_else(|e| panic!("PostgreSQL is required for these tests ({base}): {e}"));
        sqlx::query(&format!("CREATE SCHEMA {schema}")).execute(&mut conn).await.expect("schema created");
        conn.close().await.expect("closed");
    });
    let sep = if base.contains('?') { '&' } else { '?' };
    TestDb { url: format!("{base}{sep}options=-c%20search_path%3D{schema}"), _dir: tempfile::tempdir().expect("dir") }
}

fn crewdeck(db: &TestDb, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("--database")
        .arg(&db.url)
        .args(args)
        .env_remove("CREWDECK_DATABASE_URL")
        .output()
        .expect("crewdeck runs")
}

fn json(output: &Output) -> Value {
    let text = String::from_utf8(output.stdout.clone()).expect("UTF-8 stdout");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("one JSON document ({e}): {text}"))
}

fn samples(platform: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/samples").join(platform)
}

fn kpi(db: &TestDb) -> Value {
    let output = crewdeck(db, &["kpi", "--from", "2026-03-01", "--to", "2026-03-31", "--json"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    json(&output)[0].clone()
}

fn zendesk_folder_imports_tickets_and_ratings(db: &TestDb) {
    let folder = samples("zendesk");
    let folder = folder.to_str().expect("UTF-8 path");
    let output = crewdeck(db, &["import", "zendesk", folder, "--json"]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let report = json(&output);
    let tickets = &report["interactions"];
    assert_eq!(tickets["imported"], 3, "{report}");
    assert_eq!(tickets["updated"], 0);
    assert_eq!(tickets["skipped"]["deleted tickets"], 1);
    assert_eq!(tickets["rejected"][0]["line"], 4);
    let reason = tickets["rejected"][0]["reason"].as_str().expect("text");
    assert!(reason.starts_with("ticket 35439: created_at"), "{reason}");
    let ratings = &report["surveys"];
    assert_eq!(ratings["imported"], 2, "{report}");
    assert_eq!(ratings["skipped"]["ratings offered but not answered"], 1);
    let reason = ratings["rejected"][0]["reason"].as_str().expect("text");
    assert!(reason.starts_with("satisfaction rating 35124: ") && reason.contains("unknown interaction"), "{reason}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("2 records rejected"), "{stderr}");

    let row = kpi(db);
    assert_eq!(row["contacts"], 3);
    assert_eq!(row["csat_responses"], 2);
    assert_eq!(row["csat"], 0.5);
    assert_eq!(row["nps_responses"], 0);

    // Running the same export again updates, never duplicates.
    let again = json(&crewdeck(db, &["import", "zendesk", folder, "--json"]));
    assert_eq!(again["interactions"]["imported"], 0);
    assert_eq!(again["interactions"]["updated"], 3);
    assert_eq!(again["surveys"]["updated"], 2);
    assert_eq!(kpi(db)["contacts"], 3);

    let bad = crewdeck(db, &["import", "zendesk", "nowhere"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("nowhere"));
    let bad = crewdeck(db, &["import", "zendesk", folder, "--topic-from", "subject"]);
    assert_eq!(bad.status.code(), Some(2));
}

fn a_page_that_is_not_zendesk_changes_nothing(db: &TestDb) {
    let dir = tempfile::tempdir().expect("folder");
    let page = samples("zendesk").join("tickets-page-2.json");
    std::fs::copy(&page, dir.path().join("a.json")).expect("copied");
    std::fs::write(dir.path().join("b.json"), "{\"users\": []}").expect("written");
    let output = crewdeck(db, &["import", "zendesk", dir.path().to_str().expect("path"), "--json"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("b.json"), "{stderr}");
    assert!(output.stdout.is_empty());
    assert_eq!(kpi(db)["contacts"], 0);
}

fn connect_records_become_interactions(db: &TestDb) {
    let file = samples("connect").join("contact-records.ndjson");
    let output = crewdeck(db, &["import", "connect", file.to_str().expect("path"), "--json"]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let report = json(&output);
    assert_eq!(report["imported"], 3, "{report}");
    assert_eq!(report["skipped"]["tasks (back-office work, not customer contacts)"], 1);
    assert_eq!(report["skipped"]["contacts that never reached a queue"], 1);
    assert_eq!(report["rejected"].as_array().map(Vec::len), Some(1));
    assert_eq!(report["rejected"][0]["line"], 7);
    let row = kpi(db);
    assert_eq!(row["contacts"], 3);
    assert_eq!(row["answered"], 2);
    assert_eq!(row["abandoned"], 1);
    assert_eq!(row["asa_seconds"], 22.5);

    let by_agent =
        crewdeck(db, &["kpi", "--from", "2026-03-01", "--to", "2026-03-31", "--group-by", "agent", "--json"]);
    let rows = json(&by_agent);
    let agents: Vec<&str> = rows.as_array().expect("rows").iter().filter_map(|r| r["agent"].as_str()).collect();
    assert_eq!(agents, ["agent.one@example.com", "agent.two@example.com"]);

    let again = json(&crewdeck(db, &["import", "connect", file.to_str().expect("path"), "--json"]));
    assert_eq!((again["imported"].as_u64(), again["updated"].as_u64()), (Some(0), Some(3)));
}

macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $( #[test] fn $name() { super::$name(&super::sqlite()); } )*
        }
        mod on_postgres {
            $( #[test] fn $name() { super::$name(&super::postgres()); } )*
        }
    };
}

both_backends!(
    zendesk_folder_imports_tickets_and_ratings,
    a_page_that_is_not_zendesk_changes_nothing,
    connect_records_become_interactions
);
