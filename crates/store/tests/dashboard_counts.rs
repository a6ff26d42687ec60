//! Dashboard day counts for a scope of agent spans equal a row-by-row count
//! of the same contacts: agents counted on every day of the period, on part
//! of it, in two separate spans, the unanswered contacts of owned queues, and
//! a queue or channel on top; on SQLite and on PostgreSQL.

mod common;

use std::collections::BTreeMap;

use common::TestDb;
use crewdeck_store::audit::Actor;
use crewdeck_store::dashboard::{self, AgentSpan, ContactScope};
use crewdeck_store::kpi::{self, ImportFile, ImportFormat, ImportOptions};
use crewdeck_store::org;
use jiff::Timestamp;
use jiff::civil::{Date, date};

const HEADER: &str = "id,channel,queue,agent_id,customer_id,topic,arrived_at,answered_at,ended_at,wrap_seconds,outcome";
const AGENTS: [&str; 5] = ["", "a1", "a2", "a3", "a4"];
const CHANNELS: [&str; 3] = ["voice", "chat", "email"];

fn now() -> Timestamp {
    "2026-03-02T10:00:00Z".parse().expect("instant")
}

/// One generated contact: day, agent, queue, channel, answered.
type Contact = (Date, &'static str, String, &'static str, bool);

/// Contacts spread over January 2026, from a fixed linear congruential sequence.
fn contacts() -> Vec<Contact> {
    let mut state: u64 = 7;
    let mut next = |n: u64| {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % n
    };
    (0..400)
        .map(|_| {
            let day = date(2026, 1, 1 + i8::try_from(next(31)).expect("small"));
            let agent = AGENTS[usize::try_from(next(5)).expect("small")];
            let queue = format!("q{}", next(3));
            let channel = CHANNELS[usize::try_from(next(3)).expect("small")];
            (day, agent, queue, channel, !agent.is_empty())
        })
        .collect()
}

fn span(agent: &str, from: Date, to: Option<Date>) -> AgentSpan {
    AgentSpan { agent_id: agent.into(), from, to }
}

/// Contacts and answered contacts per day, queue and channel.
type Counted = BTreeMap<(Date, String, String), (u64, u64)>;

fn tally(counted: &mut Counted, day: Date, queue: &str, channel: &str, answered: bool) {
    let slot = counted.entry((day, queue.to_string(), channel.to_string())).or_default();
    slot.0 += 1;
    slot.1 += u64::from(answered);
}

/// What the dashboards' reader counts for `scope`.
async fn counted(db: &TestDb, scope: &ContactScope, from: Date, to: Date) -> Counted {
    dashboard::day_counts(db, scope, from, to)
        .await
        .expect("day counts")
        .iter()
        .map(|d| ((d.day, d.queue.clone(), d.channel.clone()), (d.counts.contacts, d.counts.answered)))
        .collect()
}

async fn import(db: &TestDb, contacts: &[Contact]) {
    let mut text = format!("{HEADER}\n");
    for (i, (day, agent, queue, channel, answered)) in contacts.iter().enumerate() {
        let (answer, outcome) =
            if *answered { (format!("{day}T09:00:10Z"), "resolved") } else { (String::new(), "abandoned") };
        text.push_str(&format!(
            "{i},{channel},{queue},{agent},c{i},t,{day}T09:00:00Z,{answer},{day}T09:05:00Z,0,{outcome}\n"
        ));
    }
    let file = ImportFile { name: "t.csv".into(), format: ImportFormat::Csv, reader: text.as_bytes() };
    let report =
        kpi::import_interactions(db, &Actor::system("test"), file, &ImportOptions::default(), now(), &mut |_| {})
            .await
            .expect("import");
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
}

async fn day_counts_match_a_row_by_row_count(db: &TestDb) {
    org::create(db, &Actor::system("test"), "Test org", "UTC", now()).await.expect("org");
    let all = contacts();
    // Imported first elsewhere (other queue, channel and day), then moved by
    // a second import of the same ids: every rollup table must follow.
    let elsewhere: Vec<Contact> = all
        .iter()
        .map(|(day, agent, queue, channel, answered)| {
            let moved = if *channel == "voice" { "email" } else { "voice" };
            (day.tomorrow().expect("day"), *agent, format!("{queue}x"), moved, *answered)
        })
        .collect();
    import(db, &elsewhere).await;
    import(db, &all).await;

    let (from, to) = (date(2026, 1, 3), date(2026, 1, 28));
    let agents = vec![
        span("a1", Date::MIN, None),
        span("a2", date(2026, 1, 10), Some(date(2026, 1, 20))),
        span("a3", date(2025, 12, 1), Some(date(2026, 1, 5))),
        span("a3", date(2026, 1, 25), None),
    ];
    let covers = |agent: &str, day: Date| {
        agents.iter().any(|s| s.agent_id == agent && s.from <= day && s.to.is_none_or(|t| day <= t))
    };
    for (owned, queue, channel) in [
        (vec![], None, None),
        (vec!["q1".to_string()], None, None),
        (vec!["q0".to_string(), "q2".to_string()], Some("q2"), None),
        (vec!["q1".to_string()], None, Some(crewdeck_core::kpi::Channel::Chat)),
    ] {
        let scope = ContactScope {
            agents: Some(agents.clone()),
            unanswered_queues: owned.clone(),
            queue: queue.map(str::to_string),
            channel,
        };
        let mut want = Counted::new();
        for (day, agent, q, c, answered) in &all {
            let counted = if agent.is_empty() { owned.contains(q) } else { covers(agent, *day) };
            if *day < from
                || *day > to
                || !counted
                || queue.is_some_and(|x| x != q)
                || channel.is_some_and(|x| x.as_str() != *c)
            {
                continue;
            }
            tally(&mut want, *day, q, c, *answered);
        }
        let got = counted(db, &scope, from, to).await;
        assert_eq!(got, want, "owned {owned:?}, queue {queue:?}, channel {channel:?}");
    }
    // Every contact of a queue or channel (queue, channel and organisation dashboards).
    for (queue, channel) in [(None, None), (Some("q1"), None), (None, Some(crewdeck_core::kpi::Channel::Email))] {
        let scope = ContactScope { queue: queue.map(str::to_string), channel, ..ContactScope::default() };
        let mut want = Counted::new();
        for (day, _, q, c, answered) in &all {
            if *day < from || *day > to || queue.is_some_and(|x| x != q) || channel.is_some_and(|x| x.as_str() != *c) {
                continue;
            }
            tally(&mut want, *day, q, c, *answered);
        }
        let got = counted(db, &scope, from, to).await;
        assert_eq!(got, want, "every contact: queue {queue:?}, channel {channel:?}");
    }
    let (queues, channels) = dashboard::queues_and_channels(db, from, to).await.expect("index");
    assert_eq!(
        (queues, channels),
        (vec!["q0".to_string(), "q1".into(), "q2".into()], vec!["chat".to_string(), "email".into(), "voice".into()])
    );
    // Counts read once are not served stale after the next import.
    let a1 = ContactScope { agents: Some(vec![span("a1", Date::MIN, None)]), ..ContactScope::default() };
    let total = |days: std::sync::Arc<Vec<crewdeck_store::dashboard::DayCounts>>| {
        days.iter().map(|d| d.counts.contacts).sum::<u64>()
    };
    let before = total(dashboard::day_counts(db, &a1, from, to).await.expect("day counts"));
    let mut more = all.clone();
    more.push((date(2026, 1, 10), "a1", "q0".to_string(), "voice", true));
    import(db, &more).await;
    let after = total(dashboard::day_counts(db, &a1, from, to).await.expect("day counts"));
    assert_eq!(after, before + 1, "the new contact counts at once");
    let nobody = ContactScope { agents: Some(Vec::new()), ..ContactScope::default() };
    assert!(dashboard::day_counts(db, &nobody, from, to).await.expect("empty scope").is_empty());
}

both_backends!(day_counts_match_a_row_by_row_count);
