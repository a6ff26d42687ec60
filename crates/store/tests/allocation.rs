//! Work allocation in the store: items, import, live load counters, batches,
//! pull, follow-up and fairness. Every test runs on SQLite and PostgreSQL.

mod common;

use common::TestDb;
use crewdeck_core::allocation::work::{WorkItemFields, WorkState};
use crewdeck_core::people::{AbsenceKind, PersonFields, SkillFields, SkillLevel, TeamFields};
use crewdeck_store::StoreError;
use crewdeck_store::allocation::pull::Pulled;
use crewdeck_store::allocation::{WorkFilter, assign, batch, fairness, followup, import, items, load, pull};
use crewdeck_store::audit::{self, Actor};
use crewdeck_store::kpi::ImportFormat;
use crewdeck_store::{people, skills, teams};
use jiff::civil::{Date, date};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A Monday.
const TODAY: Date = date(2026, 3, 2);

fn now() -> Timestamp {
    "2026-03-02T10:00:00Z".parse().expect("valid instant")
}

fn actor() -> Actor {
    Actor { user_id: Some(1), label: "Test Leader <lead@example.co.uk>".into() }
}

struct Fixture {
    team: i64,
    /// ann (billing 4, email 3 chat 1), bob (billing 2 learning billing, email 2),
    /// cy (billing 5, absent today), dee (billing 3, works Tue–Sat).
    ann: i64,
    bob: i64,
    cy: i64,
    dee: i64,
}

async fn person(db: &TestDb, name: &str, pattern: &str, team: i64) -> i64 {
    let input = PersonFields {
        name: name.into(),
        email: format!("{}@example.co.uk", name.to_lowercase()),
        job_role: "Advisor".into(),
        start_date: "2025-01-06".into(),
        contracted_hours: "37.5".into(),
        working_pattern: pattern.into(),
        comm_channel: "email".into(),
        comm_style: "brief".into(),
    }
    .parse()
    .expect("valid person");
    people::create(db, &actor(), &input, Some(team), now()).await.expect("person created").id
}

async fn level(db: &TestDb, person: i64, skill: i64, level: i64) {
    let level = SkillLevel::parse("level", level).expect("level");
    skills::set_level(db, &actor(), person, skill, level, None, None, TODAY, now()).await.expect("level set");
}

async fn fixture(db: &TestDb) -> Fixture {
    let team_input = TeamFields { name: "Retail".into(), ..Default::default() }.parse().expect("valid team");
    let team = teams::create(db, &actor(), &team_input, now()).await.expect("team");
    let skill_fields = SkillFields {
        name: "Billing".into(),
        description: "d".into(),
        level_1: "1".into(),
        level_2: "2".into(),
        level_3: "3".into(),
        level_4: "4".into(),
        level_5: "5".into(),
    };
    let billing = skills::create(db, &actor(), &skill_fields.parse().expect("skill"), now()).await.expect("skill");
    let ann = person(db, "Ann", "Mon\u{2013}Fri 09:00\u{2013}17:00", team).await;
    let bob = person(db, "Bob", "", team).await;
    let cy = person(db, "Cy", "", team).await;
    let dee = person(db, "Dee", "Tue\u{2013}Sat", team).await;
    for (p, l) in [(ann, 4), (bob, 2), (cy, 5), (dee, 3)] {
        level(db, p, billing, l).await;
        skills::set_capacity(db, &actor(), p, "email", 3, now()).await.expect("capacity");
    }
    skills::set_capacity(db, &actor(), bob, "email", 2, now()).await.expect("capacity");
    skills::set_capacity(db, &actor(), ann, "chat", 1, now()).await.expect("capacity");
    let target = SkillLevel::parse("level", 3).expect("level");
    skills::set_goal(db, &actor(), bob, billing, target, TODAY, now()).await.expect("goal");
    let absence = people::NewAbsence { kind: AbsenceKind::AnnualLeave, from: TODAY, to: TODAY + 2.days(), note: None };
    people::add_absence(db, &actor(), cy, &absence, now()).await.expect("absence");
    Fixture { team, ann, bob, cy, dee }
}

fn fields(title: &str, channel: &str, requires: &str, priority: &str, team: i64) -> WorkItemFields {
    WorkItemFields {
        kind: "ticket".into(),
        title: title.into(),
        channel: channel.into(),
        requires: requires.into(),
        priority: priority.into(),
        team: team.to_string(),
        due_at: "2026-03-02T12:00:00Z".into(),
        ..WorkItemFields::default()
    }
}

async fn item(db: &TestDb, f: &Fixture, title: &str, requires: &str, priority: &str) -> i64 {
    let input = fields(title, "email", requires, priority, f.team).parse().expect("valid item");
    items::create(db, &actor(), &input, None, now()).await.expect("item created").id
}

async fn assert_counters_match(db: &TestDb) {
    let counters = load::counters(db).await.expect("counters");
    let recount = load::recount(db).await.expect("recount");
    assert_eq!(counters, recount, "the live load counters must equal a recount");
}

async fn items_are_created_with_requirements_and_audited(db: &TestDb) {
    let f = fixture(db).await;
    let id = item(db, &f, "Refund query", "billing:2", "high").await;
    let stored = items::get(db, id).await.expect("read back");
    assert_eq!(stored.state, "open");
    assert_eq!(stored.requires_text(), "Billing 2");
    assert_eq!(stored.due_at.as_deref(), Some("2026-03-02T12:00:00Z"));
    let events = audit::list(db, Some(&format!("work:{id}")), 5, None).await.expect("audit");
    assert_eq!(events.first().map(|e| e.action.as_str()), Some("work.create"));

    let unknown = fields("Odd", "email", "Juggling:2", "low", f.team).parse().expect("parses");
    match items::create(db, &actor(), &unknown, None, now()).await {
        Err(StoreError::Invalid(errors)) => assert!(errors.for_field("requires").is_some(), "{errors}"),
        other => panic!("an unknown skill must be rejected, got {other:?}"),
    }
    let listed = items::list(db, &WorkFilter::default()).await.expect("list");
    assert_eq!(listed.len(), 1, "the rejected item left nothing behind");
}

async fn import_keeps_valid_rows_and_names_bad_ones(db: &TestDb) {
    let f = fixture(db).await;
    let csv = format!(
        "external_id,kind,title,channel,requires,priority,team,due_at\n\
         T-1,ticket,Refund,email,Billing:2,high,{team},2026-03-02T12:00:00Z\n\
         T-2,letter,Odd,email,Billing:2,high,{team},\n\
         T-3,callback,Call back,voice,Billing:1,normal,Retail,\n\
         T-4,ticket,Nowhere,email,Billing:1,low,No Such Team,\n",
        team = f.team
    );
    let report =
        import::import(db, &actor(), csv.as_bytes(), ImportFormat::Csv, None, now()).await.expect("import runs");
    assert_eq!(report.imported, 2);
    let lines: Vec<u64> = report.rejected.iter().map(|r| r.line).collect();
    assert_eq!(lines, vec![3, 5]);
    assert!(report.rejected[0].reason.starts_with("kind:"), "{:?}", report.rejected);
    assert!(report.rejected[1].reason.starts_with("team:"), "{:?}", report.rejected);

    let again = import::import(db, &actor(), csv.as_bytes(), ImportFormat::Csv, None, now()).await.expect("again");
    assert_eq!(again.imported, 0, "external ids already imported are not duplicated");

    let ndjson = format!(
        "{{\"id\": \"N-1\", \"kind\": \"qa_spot_check\", \"title\": \"Check a call\", \"channel\": \"email\", \
         \"requires\": {{\"Billing\": 3}}, \"priority\": \"low\", \"team\": {team}}}\n\nnot json\n",
        team = f.team
    );
    let report =
        import::import(db, &actor(), ndjson.as_bytes(), ImportFormat::Ndjson, None, now()).await.expect("ndjson");
    assert_eq!(report.imported, 1);
    assert_eq!(report.rejected.iter().map(|r| r.line).collect::<Vec<_>>(), vec![3]);
    assert_eq!(items::list(db, &WorkFilter::default()).await.expect("list").len(), 3);

    let headless = "kind,title\nticket,x\n";
    assert!(matches!(
        import::import(db, &actor(), headless.as_bytes(), ImportFormat::Csv, None, now()).await,
        Err(StoreError::Invalid(_))
    ));
}

async fn counters_equal_a_recount_after_random_operations(db: &TestDb) {
    let f = fixture(db).await;
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let people = [f.ann, f.bob, f.dee];
    let mut ids = Vec::new();
    for step in 0..60 {
        match rng.random_range(0..5) {
            0 | 1 => {
                let requires = ["Billing:1", "Billing:2", "Billing:3"][rng.random_range(0..3)];
                ids.push(item(db, &f, &format!("Item {step}"), requires, "normal").await);
            }
            2 if !ids.is_empty() => {
                let id = ids[rng.random_range(0..ids.len())];
                let to = people[rng.random_range(0..people.len())];
                // Refusals (rules, done items) are part of the sequence too.
                let _ = assign::assign_by_hand(db, &actor(), id, to, "Balancing", TODAY, now()).await;
            }
            3 => {
                let who = people[rng.random_range(0..2)];
                pull::next_item(db, &actor(), who, TODAY, now()).await.expect("pull runs");
            }
            _ if !ids.is_empty() => {
                let id = ids[rng.random_range(0..ids.len())];
                let _ = items::complete(db, &actor(), id, now()).await;
            }
            _ => {}
        }
        assert_counters_match(db).await;
    }
    let held =
        items::list(db, &WorkFilter { states: vec![WorkState::Assigned], ..Default::default() }).await.expect("list");
    assert!(!held.is_empty(), "the sequence should leave some work assigned");
}

async fn batches_respect_absence_shifts_and_rules(db: &TestDb) {
    let f = fixture(db).await;
    let mut ids = Vec::new();
    for n in 0..4 {
        ids.push(item(db, &f, &format!("Refund {n}"), "Billing:3", if n == 0 { "urgent" } else { "normal" }).await);
    }
    let stretchy = item(db, &f, "Billing question", "Billing:3", "low").await;
    let id = batch::propose(db, &actor(), f.team, TODAY, now()).await.expect("proposed");
    let b = batch::get(db, id).await.expect("batch");
    assert!(b.is_draft());
    assert_eq!(b.lines.len(), 5);
    for line in &b.lines {
        assert!(line.person_id != Some(f.cy), "absent people are never assigned");
        assert!(line.person_id != Some(f.dee), "people off shift are never assigned");
        assert!(!line.rationale.is_empty());
    }
    assert!(b.unavailable.iter().any(|u| u.contains("Cy") && u.contains("absent")), "{:?}", b.unavailable);
    assert!(b.unavailable.iter().any(|u| u.contains("Dee") && u.contains("Monday")), "{:?}", b.unavailable);
    // ann takes 3 (capacity), bob stretches on one (billing 2, learning): one item is left over.
    assert_eq!(b.assigned_count(), 4);

    let why = batch::why_not(db, id, ids[0], f.cy).await.expect("why not");
    assert!(why.contains("not available") && why.contains("absent"), "{why}");

    let ann_line = b.lines.iter().find(|l| l.person_id == Some(f.ann)).expect("ann has a line");
    let refused = batch::move_line(db, &actor(), id, ann_line.item.id, f.dee, "Cover", now()).await;
    assert!(matches!(refused, Err(StoreError::Invalid(_))), "moving to someone off shift is refused");
    let open_line = b.lines.iter().find(|l| l.person_id.is_none()).expect("one line is unassigned");
    let full = batch::move_line(db, &actor(), id, open_line.item.id, f.ann, "Ann is quick", now()).await;
    match full {
        Err(StoreError::Invalid(errors)) => assert!(errors.to_string().contains("hard rule 2"), "{errors}"),
        other => panic!("ann is full: {other:?}"),
    }
    let bob_line = b.lines.iter().find(|l| l.person_id == Some(f.bob)).expect("bob stretches");
    assert!(bob_line.stretch);
    batch::move_line(db, &actor(), id, bob_line.item.id, f.ann, "Bob is in training today", now())
        .await
        .expect_err("ann is still full");

    let confirmed = batch::confirm(db, &actor(), id, now()).await.expect("confirmed");
    assert_eq!(confirmed.assigned, 4);
    assert!(confirmed.skipped.is_empty());
    assert_counters_match(db).await;
    let counters = load::counters(db).await.expect("counters");
    assert_eq!(counters.get(&(f.ann, "email".to_string())), Some(&3));
    assert!(matches!(batch::confirm(db, &actor(), id, now()).await, Err(StoreError::Conflict(_))));
    let _ = stretchy;
}

async fn overrides_need_a_reason_and_are_audited(db: &TestDb) {
    let f = fixture(db).await;
    let id = item(db, &f, "Refund", "Billing:2", "high").await;
    assign::assign_by_hand(db, &actor(), id, f.ann, "First come", TODAY, now()).await.expect("assigned");
    let moved = assign::assign_by_hand(db, &actor(), id, f.bob, "Ann is on a call", TODAY, now()).await.expect("moved");
    assert_eq!(moved.assignee_id, Some(f.bob));
    assert!(moved.rationale.as_deref().is_some_and(|r| r.starts_with("Ann is on a call")), "{:?}", moved.rationale);
    let events = audit::list(db, Some(&format!("work:{id}")), 5, None).await.expect("audit");
    assert_eq!(events[0].action, "work.override");
    assert!(events[0].summary.contains("Ann is on a call"), "{}", events[0].summary);
    let refused = assign::assign_by_hand(db, &actor(), id, f.cy, "Cy knows it", TODAY, now()).await;
    assert!(matches!(refused, Err(StoreError::Invalid(_))), "an absent person cannot be given work");
    assert_counters_match(db).await;
}

async fn two_pulls_never_get_the_same_item(db: &TestDb) {
    let f = fixture(db).await;
    item(db, &f, "Only one", "Billing:2", "urgent").await;
    let who = actor();
    let (a, b) =
        tokio::join!(pull::next_item(db, &who, f.ann, TODAY, now()), pull::next_item(db, &who, f.bob, TODAY, now()));
    let given =
        [a.expect("ann pulls"), b.expect("bob pulls")].into_iter().filter(|p| matches!(p, Pulled::Given(_))).count();
    assert_eq!(given, 1, "exactly one agent gets the item");
    assert_counters_match(db).await;
    match pull::next_item(db, &actor(), f.cy, TODAY, now()).await.expect("cy pulls") {
        Pulled::Nothing(why) => assert!(why.contains("absent"), "{why}"),
        Pulled::Given(_) => panic!("absent people are never given work"),
    }
}

async fn pull_takes_the_most_urgent_then_earliest_due(db: &TestDb) {
    let f = fixture(db).await;
    let mut late = fields("Late", "email", "Billing:1", "high", f.team);
    late.due_at = "2026-03-02T16:00:00Z".into();
    let mut early = late.clone();
    early.title = "Early".into();
    early.due_at = "2026-03-02T11:00:00Z".into();
    let low = fields("Low", "email", "Billing:1", "low", f.team);
    for input in [&late, &low, &early] {
        items::create(db, &actor(), &input.parse().expect("valid"), None, now()).await.expect("created");
    }
    let titles: Vec<String> = {
        let mut out = Vec::new();
        for _ in 0..3 {
            if let Pulled::Given(item) = pull::next_item(db, &actor(), f.ann, TODAY, now()).await.expect("pull") {
                out.push(item.title);
            }
        }
        out
    };
    assert_eq!(titles, vec!["Early", "Late", "Low"]);
}

async fn follow_up_and_fairness_lists(db: &TestDb) {
    let f = fixture(db).await;
    let overdue = item(db, &f, "Overdue", "Billing:1", "normal").await;
    let mut soon = fields("Soon", "email", "Billing:1", "normal", f.team);
    soon.due_at = "2026-03-02T11:30:00Z".into();
    soon.check_in_on = "2026-03-02".into();
    let soon = items::create(db, &actor(), &soon.parse().expect("valid"), None, now()).await.expect("created").id;
    let later: Timestamp = "2026-03-02T12:30:00Z".parse().expect("instant");
    assign::assign_by_hand(db, &actor(), soon, f.ann, "Ann has the context", TODAY, now()).await.expect("assigned");
    items::add_note(db, &actor(), soon, "Customer called back", later).await.expect("note");
    assert_eq!(items::notes(db, soon).await.expect("notes").len(), 1);
    let lists = followup::lists(db, Some(vec![f.team]), later, TODAY).await.expect("lists");
    assert_eq!(lists.overdue.iter().map(|i| i.id).collect::<Vec<_>>(), vec![soon, overdue]);
    let early: Timestamp = "2026-03-02T10:00:00Z".parse().expect("instant");
    let lists = followup::lists(db, Some(vec![f.team]), early, TODAY).await.expect("lists");
    assert!(lists.at_risk.iter().any(|i| i.id == soon), "due soon and not started");
    assert!(lists.check_ins.iter().any(|i| i.id == soon), "check-in date reached");

    let people = fairness::period(db, f.team, TODAY, TODAY, &TimeZone::UTC).await.expect("fairness");
    let ann = people.iter().find(|p| p.person_id == f.ann).expect("ann listed");
    assert_eq!(ann.total, 1);
    assert_eq!(ann.by_channel.get("email"), Some(&1));
    assert!(ann.load.iter().any(|l| l == "email 1/3"), "{:?}", ann.load);
}

both_backends!(
    items_are_created_with_requirements_and_audited,
    import_keeps_valid_rows_and_names_bad_ones,
    counters_equal_a_recount_after_random_operations,
    batches_respect_absence_shifts_and_rules,
    overrides_need_a_reason_and_are_audited,
    two_pulls_never_get_the_same_item,
    pull_takes_the_most_urgent_then_earliest_due,
    follow_up_and_fairness_lists,
);
