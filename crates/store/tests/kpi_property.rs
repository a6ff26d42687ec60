//! The rollup-based KPI report equals a straightforward row-by-row
//! computation on random data: several imports with re-imported ids, moved
//! contacts and re-scored surveys, small random batches, an organisation
//! time zone half an hour off the hour, and team histories; on SQLite and on
//! PostgreSQL.

mod common;

use std::collections::{BTreeMap, HashMap};

use common::TestDb;
use crewdeck_core::kpi::{Ces, Csat, Nps};
use crewdeck_core::kpi::{
    Channel, GroupBy, Interaction, InteractionParts, KpiCounts, KpiSettings, Outcome, Survey, local_date,
    resolved_first_time,
};
use crewdeck_core::people::{PersonFields, TeamFields};
use crewdeck_store::audit::Actor;
use crewdeck_store::kpi::{self, ImportFile, ImportFormat, ImportOptions, KpiQuery};
use crewdeck_store::{org, people, teams};
use jiff::civil::{Date, date};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn now() -> Timestamp {
    "2026-03-02T10:00:00Z".parse().expect("valid instant")
}

fn actor() -> Actor {
    Actor::system("property test")
}

const AGENTS: [&str; 5] = ["", "a1", "a2", "p3@example.co.uk", "a4"];

/// Which team each agent is in on a day, written out plainly.
fn team_on(agent: &str, day: Date) -> Option<&'static str> {
    match agent {
        "a1" => Some("A"),
        "a2" if day < date(2026, 1, 14) => Some("A"),
        "a2" => Some("B"),
        "p3@example.co.uk" if day >= date(2026, 1, 10) => Some("B"),
        _ => None,
    }
}

async fn set_up_teams(db: &TestDb) {
    let team = |name: &str| TeamFields { name: name.into(), ..Default::default() }.parse().expect("team");
    let a = teams::create(db, &actor(), &team("A"), now()).await.expect("A");
    let b = teams::create(db, &actor(), &team("B"), now()).await.expect("B");
    let person = |name: &str, email: &str| {
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
    };
    let p1 = people::create(db, &actor(), &person("One", "one@example.co.uk"), Some(a), now()).await.expect("p1");
    let p2 = people::create(db, &actor(), &person("Two", "two@example.co.uk"), Some(a), now()).await.expect("p2");
    people::move_to_team(db, &actor(), p2.id, b, date(2026, 1, 14), now()).await.expect("move");
    let p3 = people::create(db, &actor(), &person("Three", "p3@example.co.uk"), None, now()).await.expect("p3");
    people::move_to_team(db, &actor(), p3.id, b, date(2026, 1, 10), now()).await.expect("join");
    kpi::link_agent(db, &actor(), "a1", p1.id, now()).await.expect("a1");
    kpi::link_agent(db, &actor(), "a2", p2.id, now()).await.expect("a2");
}

fn random_time(rng: &mut ChaCha8Rng, base: Timestamp, max_seconds: i64) -> Timestamp {
    let nanos = if rng.random_bool(0.3) { rng.random_range(0..1_000_000_000) } else { 0 };
    base + SignedDuration::new(rng.random_range(0..max_seconds), nanos)
}

fn random_interaction(rng: &mut ChaCha8Rng, id: &str) -> Interaction {
    let base: Timestamp = "2026-01-01T00:00:00Z".parse().expect("base");
    let arrived = random_time(rng, base, 30 * 86_400);
    let outcome = Outcome::ALL[rng.random_range(0..4)];
    let answered = (outcome != Outcome::Abandoned && rng.random_bool(0.85)).then(|| random_time(rng, arrived, 90));
    let ended = rng.random_bool(0.8).then(|| random_time(rng, answered.unwrap_or(arrived), 900));
    let agent = if answered.is_some() || rng.random_bool(0.1) { AGENTS[rng.random_range(0..AGENTS.len())] } else { "" };
    Interaction::new(InteractionParts {
        id: id.to_string(),
        channel: Channel::ALL[rng.random_range(0..Channel::ALL.len())],
        queue: format!("q{}", rng.random_range(0..3)),
        agent_id: Some(agent.to_string()).filter(|a| !a.is_empty()),
        customer_id: format!("c{}", rng.random_range(0..6)),
        topic: format!("t{}", rng.random_range(0..2)),
        arrived_at: arrived,
        answered_at: answered,
        ended_at: ended,
        wrap_seconds: rng.random_range(0..60),
        outcome,
    })
    .expect("consistent by construction")
}

fn text(t: Option<Timestamp>) -> String {
    t.map(|t| t.to_string()).unwrap_or_default()
}

fn interactions_file(records: &[Interaction], ndjson: bool) -> String {
    let mut out = String::new();
    if !ndjson {
        out.push_str(
            "outcome,id,channel,queue,agent_id,customer_id,topic,arrived_at,answered_at,ended_at,wrap_seconds\n",
        );
    }
    for i in records {
        if ndjson {
            let value = serde_json::json!({
                "id": i.id(), "channel": i.channel().as_str(), "queue": i.queue(),
                "agent_id": i.agent_id(), "customer_id": i.customer_id(), "topic": i.topic(),
                "arrived_at": text(Some(i.arrived_at())), "answered_at": text(i.answered_at()),
                "ended_at": text(i.ended_at()), "wrap_seconds": i.wrap_seconds(),
                "outcome": i.outcome().as_str(),
            });
            out.push_str(&format!("{value}\n"));
        } else {
            out.push_str(&format!(
                "{},{},{},{},{},{},{},{},{},{},{}\n",
                i.outcome(),
                i.id(),
                i.channel(),
                i.queue(),
                i.agent_id().unwrap_or(""),
                i.customer_id(),
                i.topic(),
                text(Some(i.arrived_at())),
                text(i.answered_at()),
                text(i.ended_at()),
                i.wrap_seconds()
            ));
        }
    }
    out
}

fn random_survey(rng: &mut ChaCha8Rng, interaction_id: &str) -> Survey {
    let base: Timestamp = "2026-02-01T00:00:00Z".parse().expect("base");
    Survey {
        interaction_id: interaction_id.to_string(),
        responded_at: base + SignedDuration::from_secs(rng.random_range(0..3) * 3600),
        csat: rng.random_bool(0.8).then(|| Csat::new(rng.random_range(1..=5))).flatten(),
        nps: rng.random_bool(0.7).then(|| Nps::new(rng.random_range(0..=10))).flatten(),
        ces: rng.random_bool(0.5).then(|| Ces::new(rng.random_range(1..=7))).flatten(),
        comment: None,
    }
}

fn surveys_file(records: &[Survey]) -> String {
    let score = |s: Option<u8>| s.map(|v| v.to_string()).unwrap_or_default();
    let mut out = String::from("csat,nps,ces,interaction_id,responded_at\n");
    for s in records {
        out.push_str(&format!(
            "{},{},{},{},{}\n",
            score(s.csat.map(|v| v.get())),
            score(s.nps.map(|v| v.get())),
            score(s.ces.map(|v| v.get())),
            s.interaction_id,
            s.responded_at
        ));
    }
    out
}

async fn import(db: &TestDb, text: &str, surveys: bool, ndjson: bool, batch_size: usize) {
    let file = ImportFile {
        name: "random".into(),
        format: if ndjson { ImportFormat::Ndjson } else { ImportFormat::Csv },
        reader: text.as_bytes(),
    };
    let options = ImportOptions { batch_size, ..ImportOptions::default() };
    let report = if surveys {
        kpi::import_surveys(db, &actor(), file, &options, now(), &mut |_| {}).await
    } else {
        kpi::import_interactions(db, &actor(), file, &options, now(), &mut |_| {}).await
    }
    .expect("import runs");
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
}

/// The keys of one interaction for a grouping, as the report names them.
fn key(i: &Interaction, by: GroupBy, tz: &TimeZone) -> Option<String> {
    let day = local_date(i.arrived_at(), tz);
    match by {
        GroupBy::Agent => i.agent_id().map(str::to_string),
        GroupBy::Team => team_on(i.agent_id().unwrap_or(""), day).map(str::to_string),
        GroupBy::Queue => Some(i.queue().to_string()),
        GroupBy::Channel => Some(i.channel().to_string()),
        GroupBy::Topic => Some(i.topic().to_string()),
        period => period.period_key(day),
    }
}

async fn rollups_equal_a_row_by_row_computation(db: &TestDb) {
    set_up_teams(db).await;
    // Local days differ from UTC days for contacts late in the evening.
    let zone = "Asia/Kolkata";
    org::create(db, &actor(), "Acme", zone, now()).await.expect("org");
    let tz = TimeZone::get(zone).expect("zone");
    let settings = KpiSettings::default();
    // Each seed adds to the same database, so later seeds import on top of a
    // non-empty history; the expected state is the union of all seeds.
    let mut final_state: HashMap<String, Interaction> = HashMap::new();
    let mut final_surveys: HashMap<(String, Timestamp), Survey> = HashMap::new();
    for seed in 0..4u64 {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let prefix = format!("s{seed}-");
        for round in 0..4 {
            let count = rng.random_range(20..60);
            let mut records: Vec<Interaction> = Vec::new();
            let mut ids: Vec<String> = (0..count).map(|_| format!("{prefix}{}", rng.random_range(0..80))).collect();
            ids.sort();
            ids.dedup();
            for id in ids {
                records.push(random_interaction(&mut rng, &id));
            }
            let batch = rng.random_range(1..25);
            import(db, &interactions_file(&records, round % 2 == 1), false, round % 2 == 1, batch).await;
            for record in records {
                final_state.insert(record.id().to_string(), record);
            }
            let known: Vec<String> = final_state.keys().filter(|k| k.starts_with(&prefix)).cloned().collect();
            let mut surveys: HashMap<(String, Timestamp), Survey> = HashMap::new();
            for _ in 0..rng.random_range(0..30) {
                let id = &known[rng.random_range(0..known.len())];
                let survey = random_survey(&mut rng, id);
                surveys.insert((id.clone(), survey.responded_at), survey);
            }
            let surveys: Vec<Survey> = surveys.into_values().collect();
            import(db, &surveys_file(&surveys), true, false, rng.random_range(1..25)).await;
            for s in surveys {
                final_surveys.insert((s.interaction_id.clone(), s.responded_at), s);
            }
        }
        check(db, seed, &final_state, &final_surveys, &settings, &tz).await;
    }
}

/// Compares the report, for several groupings and filters, with counts
/// computed row by row from the final records.
async fn check(
    db: &TestDb,
    seed: u64,
    records: &HashMap<String, Interaction>,
    surveys: &HashMap<(String, Timestamp), Survey>,
    settings: &KpiSettings,
    tz: &TimeZone,
) {
    let list: Vec<&Interaction> = records.values().collect();
    let flags = resolved_first_time(&list, settings.fcr_window());
    // A Saturday to a Sunday (whole weeks inside, days at both ends) and a
    // Wednesday to a Tuesday (days at both ends of one whole week).
    for (from, to) in [(date(2026, 1, 3), date(2026, 1, 25)), (date(2026, 1, 7), date(2026, 1, 20))] {
        check_period(db, seed, from, to, &list, &flags, surveys, settings, tz).await;
    }
}

/// [`check`] over one period.
#[expect(clippy::too_many_arguments, reason = "the test's state, passed through")]
async fn check_period(
    db: &TestDb,
    seed: u64,
    from: Date,
    to: Date,
    list: &[&Interaction],
    flags: &[bool],
    surveys: &HashMap<(String, Timestamp), Survey>,
    settings: &KpiSettings,
    tz: &TimeZone,
) {
    // Groupings without a queue, channel or topic read the per-agent rollups.
    let groupings =
        ["", "agent", "team", "agent,week", "agent,month", "day,channel", "month,queue,topic", "team,day", "day"];
    for grouping in groupings {
        let group_by = if grouping.is_empty() { Vec::new() } else { GroupBy::parse_list(grouping).expect("list") };
        for (team, queue, channel) in
            [(None, None, None), (Some("A"), None, None), (None, Some("q1"), Some(Channel::Voice))]
        {
            let mut expected: BTreeMap<Vec<Option<String>>, KpiCounts> = BTreeMap::new();
            for (i, &flag) in list.iter().zip(flags) {
                let day = local_date(i.arrived_at(), tz);
                if day < from || day > to {
                    continue;
                }
                if team.is_some() && team_on(i.agent_id().unwrap_or(""), day) != team {
                    continue;
                }
                if queue.is_some_and(|q| q != i.queue()) || channel.is_some_and(|c| c != i.channel()) {
                    continue;
                }
                let group: Vec<Option<String>> = group_by.iter().map(|&by| key(i, by, tz)).collect();
                let counts = expected.entry(group).or_default();
                counts.add(i, flag, settings);
                for s in surveys.values().filter(|s| s.interaction_id == i.id()) {
                    counts.add_survey(s);
                }
            }
            if group_by.is_empty() {
                expected.entry(Vec::new()).or_default();
            }
            let query = KpiQuery {
                from,
                to,
                group_by: group_by.clone(),
                team: team.map(str::to_string),
                queue: queue.map(str::to_string),
                channel,
            };
            let got = kpi::report(db, &query).await.expect("report");
            let got: Vec<(Vec<Option<String>>, _)> =
                got.into_iter().map(|r| (r.keys.0.into_iter().map(|(_, v)| v).collect(), r.row)).collect();
            let want: Vec<(Vec<Option<String>>, _)> = expected.into_iter().map(|(k, c)| (k, c.derive())).collect();
            assert_eq!(
                got, want,
                "seed {seed}, {from} to {to}, group by {grouping:?}, filters {team:?} {queue:?} {channel:?}"
            );
        }
    }
}

both_backends!(rollups_equal_a_row_by_row_computation);
