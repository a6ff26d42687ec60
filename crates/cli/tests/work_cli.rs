//! `crewdeck work import` as a user runs it: good rows kept, bad rows named by
//! line and field, exit 2 when any row was rejected.

use std::path::Path;
use std::process::{Command, Output};

use crewdeck_core::people::{SkillFields, TeamFields};
use crewdeck_store::audit::Actor;
use crewdeck_store::{Db, skills, teams};
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

/// A database with the team "Retail" and the skill "Billing".
fn prepared(db: &Path) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let db = Db::connect(&format!("sqlite://{}", db.display())).await.expect("connects");
        db.migrate().await.expect("migrates");
        let actor = Actor::system("test");
        let now = jiff::Timestamp::now();
        let team = TeamFields { name: "Retail".into(), ..Default::default() }.parse().expect("team");
        teams::create(&db, &actor, &team, now).await.expect("team created");
        let skill = SkillFields {
            name: "Billing".into(),
            description: "Invoices".into(),
            level_1: "1".into(),
            level_2: "2".into(),
            level_3: "3".into(),
            level_4: "4".into(),
            level_5: "5".into(),
        };
        skills::create(&db, &actor, &skill.parse().expect("skill"), now).await.expect("skill created");
        db.close().await;
    });
}

#[test]
fn bad_rows_are_named_good_rows_kept_and_the_exit_code_is_2() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let db = dir.path().join("w.db");
    prepared(&db);
    let file = dir.path().join("items.csv");
    std::fs::write(
        &file,
        "id,kind,title,channel,requires,priority,team\n\
         A1,ticket,Refund,email,Billing:2,high,Retail\n\
         A2,ticket,Refund,email,Billing:9,high,Retail\n\
         A3,callback,Call back,voice,Billing:1,urgent,Retail\n",
    )
    .expect("file written");
    let out = crewdeck(&db, &["work", "import", file.to_str().expect("path"), "--json"]);
    assert_eq!(out.status.code(), Some(2), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(report["imported"], 2);
    assert_eq!(report["rejected"][0]["line"], 3);
    assert!(report["rejected"][0]["reason"].as_str().is_some_and(|r| r.starts_with("requires:")), "{report}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 3"), "stderr names the line");

    let again = crewdeck(&db, &["work", "import", file.to_str().expect("path"), "--json"]);
    let report: Value = serde_json::from_slice(&again.stdout).expect("one JSON document");
    assert_eq!(report["imported"], 0, "the same file adds nothing the second time");

    let headless = dir.path().join("bad.csv");
    std::fs::write(&headless, "kind,title\nticket,x\n").expect("file written");
    let out = crewdeck(&db, &["work", "import", headless.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "nothing printed on stdout for a file that cannot be read");
}
