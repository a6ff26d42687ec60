//! The storage suite: every test runs on SQLite and on PostgreSQL.

mod common;

use common::TestDb;
use crewdeck_core::people::{AbsenceKind, Email, PersonFields, Role, SkillFields, SkillLevel, TeamFields};
use crewdeck_store::audit::{self, Actor, VerifyError};
use crewdeck_store::people::Scope;
use crewdeck_store::{StoreError, accounts, demo, org, people, skills, teams};
use jiff::civil::{Date, date};
use jiff::{Timestamp, ToSpan};

const TODAY: Date = date(2026, 3, 2);

fn now() -> Timestamp {
    "2026-03-02T10:00:00Z".parse().expect("valid instant")
}

fn actor() -> Actor {
    Actor { user_id: Some(1), label: "Test Leader <lead@example.co.uk>".into() }
}

fn person(name: &str, email: &str) -> crewdeck_core::people::PersonInput {
    PersonFields {
        name: name.into(),
        email: email.into(),
        job_role: "Customer service advisor".into(),
        start_date: "2025-01-06".into(),
        contracted_hours: "37.5".into(),
        working_pattern: String::new(),
        comm_channel: "email".into(),
        comm_style: "brief".into(),
    }
    .parse()
    .expect("valid person")
}

async fn team(db: &TestDb, name: &str) -> i64 {
    let input = TeamFields { name: name.into(), ..Default::default() }.parse().expect("valid team");
    teams::create(db, &actor(), &input, now()).await.expect("team created")
}

async fn skill(db: &TestDb, name: &str) -> i64 {
    let fields = SkillFields {
        name: name.into(),
        description: "d".into(),
        level_1: "1".into(),
        level_2: "2".into(),
        level_3: "3".into(),
        level_4: "4".into(),
        level_5: "5".into(),
    };
    skills::create(db, &actor(), &fields.parse().expect("valid skill"), now()).await.expect("skill created")
}

async fn migrations_are_idempotent(db: &TestDb) {
    assert_eq!(db.migrate().await.expect("second run"), 0);
    assert!(db.is_empty().await.expect("empty check"));
}

async fn one_organisation_only(db: &TestDb) {
    org::create(db, &actor(), "Acme", "Europe/London", now()).await.expect("created");
    assert!(matches!(org::create(db, &actor(), "Again", "Europe/London", now()).await, Err(StoreError::Conflict(_))));
    assert!(matches!(org::create(db, &actor(), "Bad", "Mars/Olympus", now()).await, Err(StoreError::Invalid(_))));
    assert_eq!(org::get(db).await.expect("read").map(|o| o.time_zone), Some("Europe/London".into()));
}

async fn people_are_created_updated_and_audited(db: &TestDb) {
    let created =
        people::create(db, &actor(), &person("Priya Shah", "priya@example.co.uk"), None, now()).await.expect("created");
    let mut changed = person("Priya Shah-Jones", "priya@example.co.uk");
    changed.contracted_hours = 30.0;
    let updated = people::update(db, &actor(), created.id, &changed, now()).await.expect("updated");
    assert_eq!(updated.name, "Priya Shah-Jones");
    assert_eq!(updated.contracted_hours, 30.0);
    let events = audit::list(db, Some(&format!("person:{}", created.id)), 10, None).await.expect("audit");
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].action, "person.update");
    assert!(events[0].summary.contains("Priya Shah-Jones"), "{}", events[0].summary);
    assert!(events[0].summary.contains("contracted hours"), "{}", events[0].summary);
    assert!(events[0].actor.contains("Test Leader"));
}

async fn duplicate_emails_are_refused_and_nothing_is_written(db: &TestDb) {
    people::create(db, &actor(), &person("A", "same@example.co.uk"), None, now()).await.expect("first");
    let err = people::create(db, &actor(), &person("B", "same@example.co.uk"), None, now())
        .await
        .expect_err("second refused");
    let StoreError::Invalid(errors) = err else { panic!("expected a field error") };
    assert!(errors.for_field("email").is_some());
    let all = people::list(db, &Scope::All, None, TODAY).await.expect("list");
    assert_eq!(all.len(), 1);
    audit::verify(db).await.expect("chain intact");
}

async fn membership_keeps_its_history(db: &TestDb) {
    let red = team(db, "Red").await;
    let blue = team(db, "Blue").await;
    let p = people::create(db, &actor(), &person("Sam", "sam@example.co.uk"), Some(red), now()).await.expect("created");
    people::move_to_team(db, &actor(), p.id, blue, date(2025, 6, 1), now()).await.expect("moved");
    let history = people::memberships(db, p.id).await.expect("history");
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].team_name, "Blue");
    assert_eq!(history[0].to_date, None);
    assert_eq!(history[1].team_name, "Red");
    assert_eq!(history[1].to_date.as_deref(), Some("2025-05-31"));
    assert_eq!(people::team_ids_on(db, p.id, date(2025, 5, 31)).await.expect("on"), vec![red]);
    assert_eq!(people::team_ids_on(db, p.id, TODAY).await.expect("on"), vec![blue]);
    let blue_list =
        people::list(db, &Scope::Teams { team_ids: vec![blue], own: None }, None, TODAY).await.expect("list");
    assert_eq!(blue_list.len(), 1);
    let red_list = people::list(db, &Scope::Teams { team_ids: vec![red], own: None }, None, TODAY).await.expect("list");
    assert!(red_list.is_empty());
}

async fn skills_matrix_shows_levels_and_learning(db: &TestDb) {
    let red = team(db, "Red").await;
    let billing = skill(db, "Billing").await;
    let returns = skill(db, "Returns").await;
    let p = people::create(db, &actor(), &person("Ann", "ann@example.co.uk"), Some(red), now()).await.expect("created");
    let three = SkillLevel::parse("level", 3).expect("valid");
    skills::set_level(db, &actor(), p.id, billing, three, None, Some("QA"), TODAY, now()).await.expect("set");
    let four = SkillLevel::parse("level", 4).expect("valid");
    skills::set_level(db, &actor(), p.id, billing, four, None, None, TODAY, now()).await.expect("upsert");
    skills::set_goal(db, &actor(), p.id, returns, three, TODAY, now()).await.expect("goal");
    let matrix = skills::matrix(db, &Scope::All, Some(red), TODAY).await.expect("matrix");
    assert_eq!(matrix.skills.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["Billing", "Returns"]);
    assert_eq!(matrix.rows.len(), 1);
    assert_eq!(matrix.rows[0].cells[0].level, Some(4));
    assert!(!matrix.rows[0].cells[0].learning);
    assert_eq!(matrix.rows[0].cells[1].level, None);
    assert!(matrix.rows[0].cells[1].learning);
    let held = skills::of_person(db, p.id).await.expect("skills");
    assert_eq!(held.len(), 1);
    skills::set_capacity(db, &actor(), p.id, "email", 8, now()).await.expect("capacity");
    assert_eq!(skills::capacities_of(db, p.id).await.expect("caps")[0].capacity, 8);
    let events = audit::list(db, Some(&format!("person:{}", p.id)), 20, None).await.expect("audit");
    assert!(events.iter().any(|e| e.summary.contains("Billing: level 3 \u{2192} 4")), "{events:?}");
}

async fn absences_need_a_sensible_period(db: &TestDb) {
    let p = people::create(db, &actor(), &person("Bo", "bo@example.co.uk"), None, now()).await.expect("created");
    let err = people::add_absence(
        db,
        &actor(),
        p.id,
        &people::NewAbsence { kind: AbsenceKind::Sickness, from: TODAY, to: TODAY - 1.days(), note: None },
        now(),
    )
    .await;
    assert!(matches!(err, Err(StoreError::Invalid(_))));
    people::add_absence(
        db,
        &actor(),
        p.id,
        &people::NewAbsence {
            kind: AbsenceKind::Sickness,
            from: TODAY,
            to: TODAY + 2.days(),
            note: Some("flu".into()),
        },
        now(),
    )
    .await
    .expect("added");
    assert_eq!(people::absent_on(db, TODAY + 1.days()).await.expect("absent"), vec![p.id]);
    let events = audit::list(db, Some(&format!("person:{}", p.id)), 5, None).await.expect("audit");
    assert!(!events[0].summary.contains("flu"), "health notes stay out of the audit trail");
}

async fn accounts_log_in_throttle_and_use_tokens(db: &TestDb) {
    let red = team(db, "Red").await;
    let email = Email::parse("email", "lead@example.co.uk").expect("valid");
    let account = accounts::create(db, &actor(), &email, "Lee Lead", Role::TeamLeader, Some(red), TODAY, now())
        .await
        .expect("created");
    assert!(account.user.must_change_password);
    assert_eq!(teams::led_by(db, account.user.person_id.expect("linked")).await.expect("led"), vec![red]);
    let user = accounts::authenticate(db, "LEAD@example.co.uk", &account.password, now()).await.expect("logs in");
    assert_eq!(user.id, account.user.id);
    for _ in 0..accounts::MAX_FAILURES {
        assert!(matches!(
            accounts::authenticate(db, "lead@example.co.uk", "wrong", now()).await,
            Err(accounts::LoginError::BadCredentials)
        ));
    }
    assert!(matches!(
        accounts::authenticate(db, "lead@example.co.uk", &account.password, now()).await,
        Err(accounts::LoginError::Throttled { .. })
    ));
    let later = now() + 16.minutes();
    accounts::authenticate(db, "lead@example.co.uk", &account.password, later)
        .await
        .expect("allowed again after the window");

    accounts::change_password(db, &user, &account.password, "a much longer passphrase", later).await.expect("changed");
    assert!(!accounts::get(db, user.id).await.expect("user").must_change_password);
    let short = accounts::change_password(db, &user, "a much longer passphrase", "short", later).await;
    assert!(matches!(short, Err(StoreError::Invalid(_))));

    let session = accounts::start_session(db, user.id, later).await.expect("session");
    let (found, csrf) = accounts::session_user(db, &session.id, later).await.expect("lookup").expect("live");
    assert_eq!((found.id, csrf), (user.id, session.csrf_token.clone()));
    let expired = later + (accounts::SESSION_HOURS + 1).hours();
    assert!(accounts::session_user(db, &session.id, expired).await.expect("lookup").is_none());
    accounts::end_session(db, &session.id).await.expect("ended");
    assert!(accounts::session_user(db, &session.id, later).await.expect("lookup").is_none());

    let token = accounts::create_token(db, &user, "scripts", later).await.expect("token");
    assert!(token.starts_with("cdk_"));
    assert_eq!(accounts::token_user(db, &token, later).await.expect("lookup").map(|u| u.id), Some(user.id));
    let info = accounts::tokens_of(db, user.id).await.expect("tokens");
    accounts::revoke_token(db, &user, info[0].id, later).await.expect("revoked");
    assert!(accounts::token_user(db, &token, later).await.expect("lookup").is_none());
}

async fn the_audit_chain_names_the_altered_event(db: &TestDb) {
    for i in 0..4 {
        people::create(db, &actor(), &person(&format!("P{i}"), &format!("p{i}@example.co.uk")), None, now())
            .await
            .expect("created");
    }
    assert_eq!(audit::verify(db).await.expect("intact"), 4);
    sqlx::query("UPDATE audit_events SET summary = 'name: \u{201c}Mallory\u{201d}' WHERE seq = 3")
        .execute(db.pool())
        .await
        .expect("tamper");
    match audit::verify(db).await {
        Err(VerifyError::Broken(e)) => assert!(e.to_string().contains("event 3"), "{e}"),
        other => panic!("expected a broken chain, got {other:?}"),
    }
}

async fn deleting_the_newest_event_is_noticed(db: &TestDb) {
    for i in 0..3 {
        people::create(db, &actor(), &person(&format!("P{i}"), &format!("p{i}@example.co.uk")), None, now())
            .await
            .expect("created");
    }
    sqlx::query("DELETE FROM audit_events WHERE seq = 3").execute(db.pool()).await.expect("tamper");
    assert!(matches!(audit::verify(db).await, Err(VerifyError::Truncated { last: 2, head: 3 })));
}

async fn concurrent_writers_keep_one_chain(db: &TestDb) {
    let mut handles = Vec::new();
    for i in 0..12 {
        let db = db.db.clone();
        handles.push(tokio::spawn(async move {
            people::create(&db, &actor(), &person(&format!("C{i}"), &format!("c{i}@example.co.uk")), None, now())
                .await
                .map(|_| ())
        }));
    }
    for h in handles {
        h.await.expect("joined").expect("created");
    }
    assert_eq!(audit::verify(db).await.expect("intact"), 12);
}

async fn the_demo_fills_an_empty_database_once(db: &TestDb) {
    let logins = demo::seed(db, 7, TODAY, now()).await.expect("seeded");
    assert_eq!(logins.iter().map(|l| l.role).collect::<Vec<_>>(), Role::ALL.to_vec());
    let everyone = people::list(db, &Scope::All, None, TODAY).await.expect("people");
    assert!((38..=48).contains(&everyone.len()), "{} people", everyone.len());
    assert_eq!(skills::list(db).await.expect("skills").len(), 15);
    assert_eq!(teams::list(db, TODAY).await.expect("teams").len(), 3);
    for login in &logins {
        accounts::authenticate(db, &login.email, &login.password, now()).await.expect("demo login works");
    }
    assert!(matches!(demo::seed(db, 7, TODAY, now()).await, Err(StoreError::Conflict(_))));
    audit::verify(db).await.expect("demo audit chain intact");
}

async fn cached_lists_follow_every_write(db: &TestDb) {
    let red = team(db, "Red").await;
    let p = people::create(db, &actor(), &person("Ann", "ann@example.co.uk"), Some(red), now()).await.expect("created");
    assert_eq!(people::list(db, &Scope::All, None, TODAY).await.expect("list")[0].name, "Ann");
    people::update(db, &actor(), p.id, &person("Ann Other", "ann@example.co.uk"), now()).await.expect("updated");
    assert_eq!(
        people::list(db, &Scope::All, None, TODAY).await.expect("list")[0].name,
        "Ann Other",
        "a rename shows at once"
    );
    let billing = skill(db, "Billing").await;
    let two = SkillLevel::parse("level", 2).expect("valid");
    skills::set_level(db, &actor(), p.id, billing, two, None, None, TODAY, now()).await.expect("set");
    let matrix = skills::matrix(db, &Scope::All, None, TODAY).await.expect("matrix");
    assert_eq!(matrix.rows[0].cells[0].level, Some(2), "the matrix follows a new level");
    let blue = team(db, "Blue").await;
    people::move_to_team(db, &actor(), p.id, blue, TODAY, now()).await.expect("moved");
    assert_eq!(people::list(db, &Scope::All, Some(blue), TODAY).await.expect("list").len(), 1);
    assert_eq!(
        people::list(db, &Scope::All, Some(red), TODAY - 1.days()).await.expect("list").len(),
        1,
        "another day is another key"
    );
}

both_backends!(
    cached_lists_follow_every_write,
    migrations_are_idempotent,
    one_organisation_only,
    people_are_created_updated_and_audited,
    duplicate_emails_are_refused_and_nothing_is_written,
    membership_keeps_its_history,
    skills_matrix_shows_levels_and_learning,
    absences_need_a_sensible_period,
    accounts_log_in_throttle_and_use_tokens,
    the_audit_chain_names_the_altered_event,
    deleting_the_newest_event_is_noticed,
    concurrent_writers_keep_one_chain,
    the_demo_fills_an_empty_database_once,
);
