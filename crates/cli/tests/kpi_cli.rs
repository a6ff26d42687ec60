//! `crewdeck import` and `crewdeck kpi` driven as a user would: the built
//! binary, a SQLite file in a temporary folder, exit codes and stdout.
//!
//! The kill test imports `CREWDECK_KILL_TEST_ROWS` rows (default 200 000, so
//! that it stays near a minute in a debug build; set 1000000 for the full
//! size), kills the import with SIGKILL after a few batches, and checks that
//! only whole batches were kept and that running the import again gives the
//! same KPIs as a clean import.

use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_crewdeck");

fn crewdeck(db: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("--database")
        .arg(format!("sqlite://{}", db.display()))
        .args(args)
        .env_remove("CREWDECK_DATABASE_URL")
        .output()
        .expect("crewdeck runs")
}

fn json(output: &Output) -> Value {
    let text = String::from_utf8(output.stdout.clone()).expect("UTF-8 stdout");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("one JSON document ({e}): {text}"))
}

const HEADER: &str = "id,channel,queue,agent_id,customer_id,topic,arrived_at,answered_at,ended_at,wrap_seconds,outcome";

#[test]
fn a_bad_row_exits_2_and_keeps_the_good_rows() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let db = dir.path().join("x.db");
    let file = dir.path().join("contacts.csv");
    std::fs::write(
        &file,
        format!(
            "{HEADER}\n\
             g1,chat,q,a1,c1,t,2026-01-05T09:00:00Z,2026-01-05T09:00:20Z,2026-01-05T09:05:00Z,0,resolved\n\
             g2,chat,q,,c2,t,2026-01-05T09:00:00Z,,2026-01-05T09:00:02Z,,abandoned\n\
             b1,chat,q,a1,c3,t,not a time,,,,resolved\n\
             g3,email,q,a2,c4,t,2026-01-06T09:00:00Z,2026-01-06T10:00:00Z,,0,unresolved\n"
        ),
    )
    .expect("written");
    let file = file.to_str().expect("UTF-8 path");
    let output = crewdeck(&db, &["import", "interactions", file, "--json"]);
    assert_eq!(output.status.code(), Some(2));
    let document = json(&output);
    assert_eq!(document["imported"], 3);
    assert_eq!(document["updated"], 0);
    assert_eq!(document["rejected"][0]["line"], 4);
    let reason = document["rejected"][0]["reason"].as_str().expect("text");
    assert!(reason.starts_with("arrived_at: "), "{reason}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("contacts.csv") && stderr.contains("line 4"), "{stderr}");

    let output = crewdeck(&db, &["kpi", "--from", "2026-01-01", "--to", "2026-01-31", "--json"]);
    assert_eq!(output.status.code(), Some(0));
    let rows = json(&output);
    assert_eq!(rows[0]["contacts"], 3);
    assert_eq!(rows[0]["short_abandons"], 1);

    let missing = crewdeck(&db, &["import", "surveys", "nowhere.csv"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("nowhere.csv"));
    assert!(missing.stdout.is_empty());
}

#[test]
fn kpi_json_has_the_contract_shape() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let db = dir.path().join("x.db");
    let empty = crewdeck(&db, &["kpi", "--from", "2026-01-01", "--to", "2026-03-31", "--json"]);
    assert_eq!(empty.status.code(), Some(0));
    let rows = json(&empty);
    assert_eq!(rows.as_array().map(Vec::len), Some(1));
    assert_eq!(rows[0]["contacts"], 0);
    assert_eq!(rows[0]["service_level"], Value::Null);

    let file = dir.path().join("c.ndjson");
    std::fs::write(
        &file,
        concat!(
            r#"{"id":"n1","channel":"voice","queue":"q","agent_id":"a1","customer_id":"c","topic":"t","arrived_at":"2026-01-05T09:00:00Z","answered_at":"2026-01-05T09:00:05Z","ended_at":"2026-01-05T09:01:00Z","wrap_seconds":5,"outcome":"resolved"}"#,
            "\n",
            r#"{"id":"n2","channel":"voice","queue":"q","customer_id":"c2","topic":"t","arrived_at":"2026-01-13T09:00:00Z","ended_at":"2026-01-13T09:01:00Z","outcome":"abandoned"}"#,
            "\n"
        ),
    )
    .expect("written");
    let output = crewdeck(&db, &["import", "interactions", file.to_str().expect("path"), "--json"]);
    assert_eq!(output.status.code(), Some(0), "{:?}", output);
    assert_eq!(json(&output), serde_json::json!({"imported": 2, "updated": 0, "rejected": []}));

    let output =
        crewdeck(&db, &["kpi", "--from", "2026-01-01", "--to", "2026-01-31", "--group-by", "agent,week", "--json"]);
    assert_eq!(output.status.code(), Some(0));
    let rows = json(&output);
    let rows = rows.as_array().expect("array");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["agent"], Value::Null);
    assert_eq!(rows[0]["week"], "2026-W03");
    assert_eq!(rows[1]["agent"], "a1");
    assert_eq!(rows[1]["week"], "2026-W02");
    let fields = [
        "contacts",
        "short_abandons",
        "offered",
        "answered",
        "abandoned",
        "service_level",
        "asa_seconds",
        "aht_seconds",
        "abandon_rate",
        "fcr",
        "csat",
        "csat_responses",
        "nps",
        "nps_responses",
        "ces",
    ];
    for row in rows {
        let object = row.as_object().expect("object");
        assert_eq!(object.len(), fields.len() + 2, "{row}");
        for field in fields {
            assert!(object.contains_key(field), "{field} missing from {row}");
        }
    }
    assert_eq!(rows[1]["aht_seconds"], 60.0);
    assert_eq!(rows[0]["abandon_rate"], 1.0);

    let bad = crewdeck(&db, &["kpi", "--from", "2026-01-01", "--to", "2026-01-31", "--channel", "fax", "--json"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(bad.stdout.is_empty());
}

/// Writes `rows` interactions: customers repeat so FCR links contacts across
/// batches, a tenth are abandoned, times spread over two months.
fn write_big_file(path: &Path, rows: u64) {
    let file = std::fs::File::create(path).expect("file");
    let mut out = BufWriter::with_capacity(1 << 20, file);
    writeln!(out, "{HEADER}").expect("write");
    let base = jiff::Timestamp::from_second(1_767_225_600).expect("2026-01-01");
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    for i in 0..rows {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let arrived = base + jiff::SignedDuration::from_secs((x % (60 * 86_400)) as i64);
        let channel = ["voice", "chat", "email"][(i % 3) as usize];
        let customer = x % (rows / 4 + 1);
        let topic = (x >> 20) % 3;
        if i % 10 == 0 {
            let ended = arrived + jiff::SignedDuration::from_secs(((x >> 8) % 30) as i64);
            writeln!(out, "i{i},{channel},q{},,c{customer},t{topic},{arrived},,{ended},,abandoned", i % 4)
                .expect("write");
        } else {
            let answered = arrived + jiff::SignedDuration::from_secs(((x >> 8) % 120) as i64);
            let ended = answered + jiff::SignedDuration::from_secs(((x >> 16) % 900) as i64);
            let outcome = ["resolved", "resolved", "unresolved", "transferred"][((x >> 4) % 4) as usize];
            writeln!(
                out,
                "i{i},{channel},q{},a{},c{customer},t{topic},{arrived},{answered},{ended},{},{outcome}",
                i % 4,
                x % 150,
                (x >> 12) % 60
            )
            .expect("write");
        }
    }
    out.flush().expect("flush");
}

async fn counts(db: &Path) -> (i64, i64, String, i64) {
    let url = format!("sqlite://{}", db.display());
    let db = crewdeck_store::Db::connect(&url).await.expect("connects");
    let interactions: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM interactions").fetch_one(db.pool()).await.expect("count");
    let contacts: i64 = sqlx::query_scalar("SELECT CAST(COALESCE(SUM(contacts), 0) AS BIGINT) FROM kpi_rollups")
        .fetch_one(db.pool())
        .await
        .expect("sum");
    let run = crewdeck_store::kpi::import_runs(&db, 1).await.expect("history");
    db.close().await;
    (interactions, contacts, run[0].status.clone(), run[0].imported)
}

/// How many interactions the running import has committed, once it has
/// created its tables (`None` before that).
async fn committed(url: &str) -> Option<i64> {
    let db = crewdeck_store::Db::connect(url).await.ok()?;
    let runs = crewdeck_store::kpi::import_runs(&db, 1).await.ok();
    db.close().await;
    runs?.first().map(|r| r.imported)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_import_keeps_whole_batches_and_a_rerun_matches_a_clean_import() {
    let rows: u64 = std::env::var("CREWDECK_KILL_TEST_ROWS").ok().and_then(|v| v.parse().ok()).unwrap_or(200_000);
    let batch = crewdeck_store::kpi::DEFAULT_BATCH_SIZE as i64;
    let dir = tempfile::tempdir().expect("temporary folder");
    let file = dir.path().join("big.csv");
    write_big_file(&file, rows);
    let file = file.to_str().expect("path");
    let db = dir.path().join("killed.db");
    let url = format!("sqlite://{}", db.display());

    let mut child = Command::new(BIN)
        .args(["--database", &url, "import", "interactions", file, "--json"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("import starts");
    let started = Instant::now();
    loop {
        assert!(started.elapsed() < Duration::from_secs(300), "the import never got going");
        assert!(
            child.try_wait().expect("status").is_none(),
            "the import finished before it could be killed; raise CREWDECK_KILL_TEST_ROWS"
        );
        if committed(&url).await.unwrap_or(0) >= 2 * batch {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    child.kill().expect("SIGKILL sent");
    let status = child.wait().expect("reaped");
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(status.signal(), Some(9), "the import was killed, not finished: {status:?}");
    }

    let (interactions, contacts, status, imported) = counts(&db).await;
    assert_eq!(interactions % batch, 0, "only whole batches are kept");
    assert!(interactions >= 2 * batch && interactions < rows as i64, "{interactions}");
    assert_eq!(contacts, interactions, "rollups agree with the rows kept");
    assert_eq!((status.as_str(), imported), ("running", interactions));

    let rerun = crewdeck(&db, &["import", "interactions", file, "--json"]);
    assert_eq!(rerun.status.code(), Some(0), "{}", String::from_utf8_lossy(&rerun.stderr));
    let report = json(&rerun);
    assert_eq!(report["updated"], interactions);
    assert_eq!(report["imported"], rows as i64 - interactions);

    let clean = dir.path().join("clean.db");
    let output = crewdeck(&clean, &["import", "interactions", file, "--json"]);
    assert_eq!(output.status.code(), Some(0));

    for grouping in [None, Some("agent,week"), Some("queue,channel,day")] {
        let mut args = vec!["kpi", "--from", "2025-12-01", "--to", "2026-03-31", "--json"];
        if let Some(g) = grouping {
            args.extend(["--group-by", g]);
        }
        let after_kill = crewdeck(&db, &args);
        let fresh = crewdeck(&clean, &args);
        assert_eq!(after_kill.status.code(), Some(0));
        assert_eq!(json(&after_kill), json(&fresh), "group by {grouping:?}");
        if grouping.is_none() {
            assert_eq!(json(&fresh)[0]["contacts"], rows);
        }
    }
}
