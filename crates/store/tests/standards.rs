//! Service standards, team targets and dashboard scopes, on SQLite and
//! PostgreSQL.

#![expect(clippy::unwrap_used, reason = "fixture set-up in a test: a panic is the right failure")]

mod common;

use common::TestDb;
use crewdeck_core::kpi::{Kpi, Rag, StandardFields};
use crewdeck_core::people::{PersonFields, TeamFields};
use crewdeck_store::audit::Actor;
use crewdeck_store::dashboard::{self, ContactScope};
use crewdeck_store::interaction_views::{self, InteractionFilter};
use crewdeck_store::kpi::{self, ImportFile, ImportFormat, ImportOptions};
use crewdeck_store::standards::{self, TargetChange, TargetLevel};
use crewdeck_store::{StoreError, org, people, teams};
use jiff::Timestamp;
use jiff::civil::date;

fn now() -> Timestamp {
    "2026-03-02T10:00:00Z".parse().unwrap()
}

fn actor() -> Actor {
    Actor { user_id: None, label: "Test".into() }
}

fn csat_fields() -> StandardFields {
    StandardFields {
        name: "Customers satisfied".into(),
        kpi: "csat".into(),
        threshold: "85".into(),
        amber_band: "3".into(),
        ..StandardFields::default()
    }
}

async fn team(db: &TestDb, name: &str) -> i64 {
    let fields = TeamFields { name: name.into(), ..TeamFields::default() };
    teams::create(db, &actor(), &fields.parse().unwrap(), now()).await.unwrap()
}

async fn audit_actions(db: &TestDb) -> Vec<String> {
    sqlx::query_scalar("SELECT action FROM audit_events ORDER BY seq").fetch_all(db.pool()).await.unwrap()
}

async fn standards_and_targets_are_audited_and_only_tighten(db: &TestDb) {
    let id = standards::create(db, &actor(), &csat_fields().parse().unwrap(), now()).await.unwrap();
    let team_id = team(db, "Retail").await;
    let change = |threshold: f64| TargetChange {
        team_id,
        standard_id: id,
        level: TargetLevel { threshold, amber_band: 0.02 },
        set_by: "Jane Lee".into(),
        today: date(2026, 3, 3),
    };
    // Looser than the standard: refused, naming the field, nothing written.
    let looser = standards::set_team_target(db, &actor(), &change(0.8), now()).await.unwrap_err();
    assert!(matches!(&looser, StoreError::Invalid(e) if e.for_field("threshold").is_some()), "{looser}");
    standards::set_team_target(db, &actor(), &change(0.88), now()).await.unwrap();
    // Setting again replaces rather than duplicates.
    standards::set_team_target(db, &actor(), &change(0.9), now()).await.unwrap();
    let applied = standards::applied_for_team(db, Some(team_id)).await.unwrap();
    assert_eq!(applied.len(), 1);
    assert_eq!(
        applied[0].provenance(),
        "Team target: CSAT ≥ 90% (from the organisation standard CSAT ≥ 85%, tightened by Jane Lee on 3 March 2026)"
    );
    assert_eq!(applied[0].target().status(Some(0.87)).rag, Rag::Red);
    let org_wide = standards::applied_for_team(db, None).await.unwrap();
    assert_eq!(org_wide[0].provenance(), "Organisation standard: CSAT ≥ 85%");

    // Raising the standard above a team's target is refused until the team tightens.
    let stricter = StandardFields { threshold: "92".into(), ..csat_fields() }.parse().unwrap();
    let err = standards::update(db, &actor(), id, &stricter, now()).await.unwrap_err();
    assert!(matches!(&err, StoreError::Invalid(e) if e.for_field("threshold").is_some()), "{err}");
    standards::clear_team_target(db, &actor(), team_id, id, now()).await.unwrap();
    standards::update(db, &actor(), id, &stricter, now()).await.unwrap();
    assert_eq!(standards::get(db, id).await.unwrap().input.threshold, 0.92);
    assert!(standards::clear_team_target(db, &actor(), team_id, id, now()).await.is_err());

    assert_eq!(standards::min_responses(db).await.unwrap().0, 30);
    standards::set_min_responses(db, &actor(), 50, now()).await.unwrap();
    assert_eq!(standards::min_responses(db).await.unwrap().0, 50);
    assert!(standards::set_min_responses(db, &actor(), 0, now()).await.is_err());

    let actions = audit_actions(db).await;
    for expected in
        ["standard.create", "team_target.set", "team_target.clear", "standard.update", "dashboard_settings.update"]
    {
        assert!(actions.iter().any(|a| a == expected), "{expected} in {actions:?}");
    }
    assert_eq!(actions.iter().filter(|a| *a == "team_target.set").count(), 2, "the refused target left no event");
}

const HEADER: &str = "id,channel,queue,agent_id,customer_id,topic,arrived_at,answered_at,ended_at,wrap_seconds,outcome";

async fn team_scope_counts_members_and_the_queues_the_team_owns(db: &TestDb) {
    org::create(db, &actor(), "Test org", "UTC", now()).await.unwrap();
    let retail = team(db, "Retail").await;
    let person = PersonFields {
        name: "Ann Agent".into(),
        email: "ann@example.com".into(),
        job_role: "Advisor".into(),
        start_date: "2025-01-01".into(),
        contracted_hours: "37.5".into(),
        working_pattern: "Mon–Fri".into(),
        comm_channel: "email".into(),
        comm_style: "brief".into(),
    };
    let ann = people::create(db, &actor(), &person.parse().unwrap(), Some(retail), now()).await.unwrap();
    let rows = [
        "1,chat,retail-chat,ann@example.com,c1,order,2026-01-05T09:00:00Z,2026-01-05T09:00:10Z,2026-01-05T09:05:00Z,0,resolved",
        "2,chat,retail-chat,,c2,order,2026-01-05T09:10:00Z,,2026-01-05T09:12:00Z,0,abandoned",
        "3,voice,other-voice,bob@example.com,c3,order,2026-01-05T09:00:00Z,2026-01-05T09:00:05Z,2026-01-05T09:03:00Z,0,resolved",
        "4,voice,other-voice,,c4,order,2026-01-05T09:20:00Z,,2026-01-05T09:21:00Z,0,abandoned",
    ];
    let text = format!("{HEADER}\n{}\n", rows.join("\n"));
    let file = ImportFile { name: "t.csv".into(), format: ImportFormat::Csv, reader: text.as_bytes() };
    kpi::import_interactions(db, &actor(), file, &ImportOptions::default(), now(), &mut |_| {}).await.unwrap();
    let surveys = "interaction_id,responded_at,csat,nps,ces,comment\n1,2026-01-05T10:00:00Z,5,9,,Lovely help\n";
    let file = ImportFile { name: "s.csv".into(), format: ImportFormat::Csv, reader: surveys.as_bytes() };
    kpi::import_surveys(db, &actor(), file, &ImportOptions::default(), now(), &mut |_| {}).await.unwrap();

    let (from, to) = (date(2026, 1, 1), date(2026, 1, 31));
    let scope = dashboard::team_scope(db, &[retail], from, to).await.unwrap();
    assert_eq!(scope.unanswered_queues, ["retail-chat"]);
    let days = dashboard::day_counts(db, &scope, from, to).await.unwrap();
    let contacts: u64 = days.iter().map(|d| d.counts.contacts).sum();
    let abandoned: u64 = days.iter().map(|d| d.counts.abandoned).sum();
    assert_eq!((contacts, abandoned), (2, 1), "Ann's contact and the retail queue's abandon");
    let everyone = dashboard::day_counts(db, &ContactScope::default(), from, to).await.unwrap();
    assert_eq!(everyone.iter().map(|d| d.counts.contacts).sum::<u64>(), 4);

    let filter = |kpi| InteractionFilter { scope: scope.clone(), from, to, kpi };
    let (all, more) = interaction_views::list(db, &filter(None), 1, 50).await.unwrap();
    let mut ids: Vec<&str> = all.iter().map(|i| i.id.as_str()).collect();
    ids.sort_unstable();
    assert_eq!((ids, more), (vec!["1", "2"], false));
    let (surveyed, _) = interaction_views::list(db, &filter(Some(Kpi::Csat)), 1, 50).await.unwrap();
    assert_eq!(surveyed.len(), 1);
    assert_eq!((surveyed[0].csat, surveyed[0].comment.as_deref()), (Some(5), Some("Lovely help")));
    let (page_two, _) = interaction_views::list(db, &filter(None), 2, 1).await.unwrap();
    assert_eq!(page_two.len(), 1);
    let mut streamed = Vec::new();
    interaction_views::for_each(db, &filter(None), |item| {
        streamed.push(item.id);
        async { true }
    })
    .await
    .unwrap();
    assert_eq!(streamed, ["1", "2"]);

    let person_scope =
        ContactScope { agents: Some(dashboard::person_agents(db, ann.id).await.unwrap()), ..ContactScope::default() };
    let (own, _) = interaction_views::list(db, &InteractionFilter { scope: person_scope, from, to, kpi: None }, 1, 50)
        .await
        .unwrap();
    assert_eq!(own.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(), ["1"]);

    let detail = interaction_views::get(db, "1").await.unwrap();
    assert_eq!(detail.person, Some((ann.id, "Ann Agent".to_string())));
    assert_eq!(detail.surveys.len(), 1);
    assert_eq!(detail.item.arrived, "2026-01-05 09:00");
    assert_eq!(detail.item.wait_seconds, Some(10.0));
    assert!(matches!(interaction_views::get(db, "nope").await, Err(StoreError::NotFound(_))));

    // The scope is cached until the next audited write: a member added
    // afterwards is in it at once.
    let has_bob = |scope: &ContactScope| scope.agents.iter().flatten().any(|s| s.agent_id == "bob@example.com");
    assert!(!has_bob(&dashboard::team_scope(db, &[retail], from, to).await.unwrap()));
    let bob = PersonFields { name: "Bob Agent".into(), email: "bob@example.com".into(), ..person };
    people::create(db, &actor(), &bob.parse().unwrap(), Some(retail), now()).await.unwrap();
    assert!(has_bob(&dashboard::team_scope(db, &[retail], from, to).await.unwrap()));
}

both_backends!(
    standards_and_targets_are_audited_and_only_tighten,
    team_scope_counts_members_and_the_queues_the_team_owns
);
