//! The imports area's storage on both backends: a platform import's history
//! entry with its rejected rows, theme rules with their audit events, and
//! comments limited by the agent's team on the contact's day.

mod common;

use std::path::Path;

use common::TestDb;
use crewdeck_core::imports::connect::ConnectOptions;
use crewdeck_core::imports::themes::ThemeRule;
use crewdeck_core::people::{PersonFields, TeamFields};
use crewdeck_store::audit::{self, Actor};
use crewdeck_store::imports::comments::{self, CommentQuery};
use crewdeck_store::imports::{self, unlinked_agents};
use crewdeck_store::kpi::{self, ImportFile, ImportFormat, ImportOptions};
use crewdeck_store::{StoreError, people, teams};
use jiff::Timestamp;
use jiff::civil::date;

fn now() -> Timestamp {
    "2026-03-02T10:00:00Z".parse().expect("valid instant")
}

fn actor() -> Actor {
    Actor { user_id: None, label: "Test importer".into() }
}

async fn connect_import_keeps_history_and_rejected_rows(db: &TestDb) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/samples/connect/contact-records.ndjson");
    let file = std::fs::File::open(path).expect("sample");
    let clock = now;
    let mut progress = |_| {};
    let report = imports::import_connect(
        db,
        &actor(),
        file,
        "records.ndjson",
        &ConnectOptions::default(),
        &clock,
        &mut progress,
    )
    .await
    .expect("imported");
    assert_eq!((report.imported, report.rejected.len(), report.skipped_total()), (3, 1, 2));
    let page = imports::runs_page(db, 0, 10).await.expect("history");
    let entry = &page.entries[0];
    assert_eq!(entry.source.as_deref(), Some("connect"));
    assert_eq!((entry.imported, entry.rejected, entry.skipped), (3, 1, 2));
    assert_eq!(entry.duration_ms, Some(0));
    assert!(entry.rejections_kept && !page.has_more);
    let rejected = imports::rejections(db, entry.id).await.expect("rejections");
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0].line, 7);
    let unlinked = unlinked_agents(db, 10).await.expect("unlinked");
    let ids: Vec<&str> = unlinked.iter().map(|a| a.agent_id.as_str()).collect();
    assert_eq!(ids, ["agent.one@example.com", "agent.two@example.com"]);
    assert_eq!(unlinked[0].contacts, 1);
}

async fn theme_rules_are_kept_with_their_audit(db: &TestDb) {
    let rule = |name: &str, keywords: &str| ThemeRule::parse(name, keywords).expect("rule");
    let id = comments::create_theme(db, &actor(), &rule("Waiting", "on hold"), now()).await.expect("created");
    let clash = comments::create_theme(db, &actor(), &rule("WAITING", "hold"), now()).await;
    assert!(matches!(clash, Err(StoreError::Invalid(_))), "{clash:?}");
    comments::update_theme(db, &actor(), id, &rule("Waiting times", "on hold\nwaited"), now()).await.expect("updated");
    let themes = comments::themes(db).await.expect("themes");
    assert_eq!(themes.len(), 1);
    assert_eq!(themes[0].rule.keywords, ["on hold", "waited"]);
    comments::delete_theme(db, &actor(), id, now()).await.expect("deleted");
    assert!(comments::themes(db).await.expect("themes").is_empty());
    assert!(matches!(comments::delete_theme(db, &actor(), id, now()).await, Err(StoreError::NotFound(_))));
    let events = audit::list(db, Some(&format!("comment_theme:{id}")), 10, None).await.expect("audit");
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["comment_theme.delete", "comment_theme.update", "comment_theme.create"]);
}

fn person(name: &str, email: &str) -> crewdeck_core::people::PersonInput {
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
    .expect("person")
}

async fn comments_follow_the_agents_team_on_the_day(db: &TestDb) {
    let team = |name: &str| TeamFields { name: name.into(), ..Default::default() };
    let red = teams::create(db, &actor(), &team("Red").parse().expect("team"), now()).await.expect("red");
    let blue = teams::create(db, &actor(), &team("Blue").parse().expect("team"), now()).await.expect("blue");
    let ann = people::create(db, &actor(), &person("Ann", "ann@example.co.uk"), Some(red), now()).await.expect("ann");
    people::move_to_team(db, &actor(), ann.id, blue, date(2026, 1, 10), now()).await.expect("moved");
    kpi::link_agent(db, &actor(), "ag1", ann.id, now()).await.expect("linked");
    let contacts = "id,channel,queue,agent_id,customer_id,topic,arrived_at,answered_at,ended_at,wrap_seconds,outcome\n\
        c1,chat,q,ag1,k1,t,2026-01-05T09:00:00Z,2026-01-05T09:00:10Z,2026-01-05T09:05:00Z,0,resolved\n\
        c2,chat,q,ag1,k2,t,2026-01-20T09:00:00Z,2026-01-20T09:00:10Z,2026-01-20T09:05:00Z,0,resolved\n\
        c3,chat,q,ghost,k3,t,2026-01-21T09:00:00Z,2026-01-21T09:00:10Z,2026-01-21T09:05:00Z,0,resolved\n";
    let surveys = "interaction_id,responded_at,csat,nps,ces,comment\n\
        c1,2026-01-05T10:00:00Z,5,,,Kind and quick\n\
        c2,2026-01-20T10:00:00Z,2,,,Waited on hold\n\
        c3,2026-01-21T10:00:00Z,1,,,\n";
    let mut progress = |_| {};
    for (text, is_survey) in [(contacts, false), (surveys, true)] {
        let file = ImportFile { name: "t.csv".into(), format: ImportFormat::Csv, reader: text.as_bytes() };
        let result = if is_survey {
            kpi::import_surveys(db, &actor(), file, &ImportOptions::default(), now(), &mut progress).await
        } else {
            kpi::import_interactions(db, &actor(), file, &ImportOptions::default(), now(), &mut progress).await
        };
        assert!(result.expect("imported").rejected.is_empty());
    }
    let query =
        |teams: Option<Vec<i64>>| CommentQuery { from: date(2026, 1, 1), to: date(2026, 1, 31), teams, limit: 100 };
    let everyone = comments::comments(db, &query(None)).await.expect("comments");
    let texts: Vec<&str> = everyone.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(texts, ["Waited on hold", "Kind and quick"], "newest first; empty comments left out");
    assert_eq!(everyone[0].person_name.as_deref(), Some("Ann"));
    assert_eq!(everyone[0].csat, Some(2));
    let red_only = comments::comments(db, &query(Some(vec![red]))).await.expect("red");
    assert_eq!(red_only.iter().map(|c| c.interaction_id.as_str()).collect::<Vec<_>>(), ["c1"]);
    let blue_only = comments::comments(db, &query(Some(vec![blue]))).await.expect("blue");
    assert_eq!(blue_only.iter().map(|c| c.interaction_id.as_str()).collect::<Vec<_>>(), ["c2"]);
    assert!(comments::comments(db, &query(Some(vec![]))).await.expect("none").is_empty());
}

both_backends!(
    connect_import_keeps_history_and_rejected_rows,
    theme_rules_are_kept_with_their_audit,
    comments_follow_the_agents_team_on_the_day
);
