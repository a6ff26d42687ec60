//! Six months of demo contacts and surveys for the demo teams, imported through
//! the same path as a customer's files so that rollups, first contact
//! resolution and the import history are exactly what a real import gives.
//!
//! The shape is chosen so the dashboards have something to say: weekly and
//! daily seasonality, repeat contacts, abandons that grow with the wait, a dip
//! in Retail eight to twelve weeks ago (longer waits and handle times, lower
//! satisfaction) and its recovery, and survey comments in several themes plus a
//! few frequent phrases no theme covers yet.

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::io::Cursor;

use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::audit::Actor;
use crate::db::Db;
use crate::error::{StoreError, StoreResult};
use crate::kpi::{ImportFile, ImportFormat, ImportOptions, import_interactions, import_surveys};

/// How many days of history the demo holds.
pub const DAYS: i64 = 182;

/// A queue of the demo and what its traffic looks like.
struct QueuePlan {
    team: usize,
    name: &'static str,
    channel: &'static str,
    /// Contacts on an ordinary Wednesday.
    weekday_volume: f64,
    /// Mean seconds to answer on a normal day (email: hours in seconds).
    mean_wait: f64,
    /// Mean seconds a caller waits before giving up (0: nobody abandons).
    mean_patience: f64,
    /// Mean talk or chat time in seconds.
    mean_handle: f64,
    open_weekends: bool,
}

const QUEUES: &[QueuePlan] = &[
    QueuePlan {
        team: 0,
        name: "bookings-voice",
        channel: "voice",
        weekday_volume: 80.0,
        mean_wait: 22.0,
        mean_patience: 110.0,
        mean_handle: 330.0,
        open_weekends: true,
    },
    QueuePlan {
        team: 0,
        name: "bookings-email",
        channel: "email",
        weekday_volume: 30.0,
        mean_wait: 5.0 * 3600.0,
        mean_patience: 0.0,
        mean_handle: 420.0,
        open_weekends: false,
    },
    QueuePlan {
        team: 0,
        name: "bookings-chat",
        channel: "chat",
        weekday_volume: 24.0,
        mean_wait: 35.0,
        mean_patience: 200.0,
        mean_handle: 540.0,
        open_weekends: true,
    },
    QueuePlan {
        team: 1,
        name: "service-voice",
        channel: "voice",
        weekday_volume: 55.0,
        mean_wait: 28.0,
        mean_patience: 120.0,
        mean_handle: 420.0,
        open_weekends: true,
    },
    QueuePlan {
        team: 1,
        name: "warranty-email",
        channel: "email",
        weekday_volume: 22.0,
        mean_wait: 8.0 * 3600.0,
        mean_patience: 0.0,
        mean_handle: 600.0,
        open_weekends: false,
    },
    QueuePlan {
        team: 2,
        name: "retail-chat",
        channel: "chat",
        weekday_volume: 85.0,
        mean_wait: 30.0,
        mean_patience: 180.0,
        mean_handle: 480.0,
        open_weekends: true,
    },
    QueuePlan {
        team: 2,
        name: "retail-email",
        channel: "email",
        weekday_volume: 50.0,
        mean_wait: 6.0 * 3600.0,
        mean_patience: 0.0,
        mean_handle: 360.0,
        open_weekends: true,
    },
    QueuePlan {
        team: 2,
        name: "retail-voice",
        channel: "voice",
        weekday_volume: 35.0,
        mean_wait: 25.0,
        mean_patience: 100.0,
        mean_handle: 300.0,
        open_weekends: false,
    },
];

const TOPICS: [&[&str]; 3] = [
    &["service booking", "MOT", "repair", "recall", "booking change"],
    &["work in progress", "warranty claim", "parts", "advisory", "collection"],
    &["order tracking", "returns", "refund", "billing", "complaint", "product question"],
];

/// Comments a satisfied customer leaves, by team.
const PRAISE: [&[&str]; 3] = [
    &[
        "Booking the MOT was quick and the slot suited me.",
        "Really helpful and friendly, sorted in one go.",
        "Got an appointment for the service the same week, thank you.",
        "Polite and kept me updated about the booking.",
        "Very helpful, and they offered a courtesy car.",
    ],
    &[
        "Kept me updated while the car was in, really helpful.",
        "Warranty claim sorted without any fuss.",
        "Friendly advisor who explained the invoice clearly.",
        "The loan car was ready when I arrived, great service.",
        "Fixed first time and collected on time.",
    ],
    &[
        "Refund was sorted quickly, very kind and helpful.",
        "Friendly chat, parcel tracked down in minutes.",
        "Return was easy and the refund arrived in two days.",
        "Polite and helpful, resolved first time.",
        "Delivery rearranged with no fuss, thank you.",
    ],
];

/// Comments a dissatisfied customer leaves, by team.
const COMPLAINTS: [&[&str]; 3] = [
    &[
        "Waited ages on hold before anyone answered.",
        "No courtesy car available and nobody called back.",
        "Had to call back twice to change the booking.",
        "The service slot I was given was weeks away.",
        "Took ages to get through and the website crashed when I tried online.",
    ],
    &[
        "Still not resolved, had to call back about the warranty claim.",
        "Nobody called back with an update on the car.",
        "Charged for parts I did not expect on the invoice.",
        "Waited on hold for a long time, no loan car offered.",
        "Expensive and the advisory was not explained.",
    ],
    &[
        "Courier lost my parcel and the refund took weeks.",
        "Waited ages in the chat queue.",
        "Still not resolved, I have had to email three times.",
        "Delivery was late and nobody kept me updated.",
        "The app kept logging me out so I could not track the order.",
        "Rude on the phone and the return is still not sorted.",
        "Charged twice and the refund is still not resolved.",
        "Website crashed at checkout and I was charged anyway.",
    ],
];

/// A demo team's agents (their emails, which map agent ids to people) and
/// anyone who joined it part-way, from the day they joined.
pub struct DemoTeam {
    /// Emails of the agents in the team for the whole period.
    pub agents: Vec<String>,
    /// Agents who moved into the team, with the day they moved.
    pub joined: Vec<(String, Date)>,
    /// Agents who moved out, with the day they left.
    pub left: Vec<(String, Date)>,
}

impl DemoTeam {
    fn roster_on(&self, day: Date) -> Vec<&str> {
        let mut roster: Vec<&str> = self
            .agents
            .iter()
            .filter(|a| !self.left.iter().any(|(who, from)| who == *a && day >= *from))
            .map(String::as_str)
            .collect();
        roster.extend(self.joined.iter().filter(|(_, from)| day >= *from).map(|(who, _)| who.as_str()));
        roster
    }
}

fn exponential(rng: &mut ChaCha8Rng, mean: f64) -> f64 {
    let u: f64 = rng.random_range(f64::EPSILON..1.0);
    -u.ln() * mean
}

fn normal(rng: &mut ChaCha8Rng) -> f64 {
    // Irwin–Hall: the sum of twelve uniforms less six is close enough to a
    // standard normal for demo noise, and needs no extra crate.
    (0..12).map(|_| rng.random_range(0.0..1.0)).sum::<f64>() - 6.0
}

fn weekday_factor(day: Weekday) -> f64 {
    match day {
        Weekday::Monday => 1.3,
        Weekday::Tuesday => 1.1,
        Weekday::Wednesday => 1.0,
        Weekday::Thursday => 0.95,
        Weekday::Friday => 0.9,
        Weekday::Saturday => 0.5,
        Weekday::Sunday => 0.3,
    }
}

/// How far into Retail's rough patch a day is: 0 outside it, up to 1 at its
/// worst (staff shortage ten weeks ago, recovered by six weeks ago).
fn dip(team: usize, days_ago: i64) -> f64 {
    if team != 2 {
        return 0.0;
    }
    match days_ago {
        70..=84 => 1.0 - (days_ago - 70) as f64 / 14.0 * 0.4,
        56..=69 => 1.0 - (70 - days_ago) as f64 / 14.0 * 0.9,
        _ => 0.0,
    }
}

/// A seconds-since-midnight arrival for a queue: twin peaks mid-morning and
/// early afternoon within opening hours; email arrives around the clock.
fn arrival_second(rng: &mut ChaCha8Rng, channel: &str) -> i64 {
    if channel == "email" && rng.random_bool(0.25) {
        return rng.random_range(0..86_400);
    }
    let peak = if rng.random_bool(0.55) { 10.5 } else { 14.5 };
    let hour = (peak + normal(rng) * 2.0).clamp(8.0, 17.99);
    (hour * 3600.0) as i64
}

struct Generated {
    interactions: String,
    surveys: String,
    contacts: usize,
}

fn timestamp(at: Timestamp) -> String {
    at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn generate(seed: u64, teams: &[DemoTeam], today: Date, now: Timestamp, tz: &TimeZone) -> StoreResult<Generated> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x1A7E_4AC7);
    let mut interactions = String::from(
        "id,channel,queue,agent_id,customer_id,topic,arrived_at,answered_at,ended_at,wrap_seconds,outcome\n",
    );
    let mut surveys = String::from("interaction_id,responded_at,csat,nps,ces,comment\n");
    let mut contacts = 0usize;
    // Recent cases per team, so some customers come back about the same thing.
    let mut recent: Vec<VecDeque<(String, &str, Date)>> = vec![VecDeque::new(); teams.len()];
    let mut next_customer = 0u64;
    let corrupt = |e: jiff::Error| StoreError::Corrupt(format!("demo contact time: {e}"));
    for days_ago in (0..DAYS).rev() {
        let day = today - days_ago.days();
        let midnight = day.to_zoned(tz.clone()).map_err(corrupt)?.timestamp();
        for queue in QUEUES {
            let Some(team) = teams.get(queue.team) else { continue };
            let roster = team.roster_on(day);
            if roster.is_empty() {
                continue;
            }
            let weekend = matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday);
            if weekend && !queue.open_weekends {
                continue;
            }
            // Retail grows into the Christmas peak over the last month.
            let growth = if queue.team == 2 && days_ago < 30 { 1.0 + (30 - days_ago) as f64 / 60.0 } else { 1.0 };
            let mean = queue.weekday_volume * weekday_factor(day.weekday()) * growth;
            let volume = (mean * (1.0 + 0.08 * normal(&mut rng))).round().max(0.0) as usize;
            let strain = dip(queue.team, days_ago);
            let topics = TOPICS[queue.team];
            for _ in 0..volume {
                let arrived = midnight + SignedDuration::from_secs(arrival_second(&mut rng, queue.channel));
                if arrived > now {
                    continue;
                }
                contacts += 1;
                let cases = &mut recent[queue.team];
                while cases.front().is_some_and(|(_, _, d)| (day - *d).get_days() > 6) {
                    cases.pop_front();
                }
                let repeat = !cases.is_empty() && rng.random_bool(0.13 + 0.1 * strain);
                let (customer, topic) = if repeat {
                    let (c, t, _) = &cases[rng.random_range(0..cases.len())];
                    (c.clone(), *t)
                } else {
                    next_customer += 1;
                    let c = format!("C{:06}", next_customer);
                    let t = *topics.choose(&mut rng).unwrap_or(&topics[0]);
                    cases.push_back((c.clone(), t, day));
                    (c, t)
                };
                let id = format!("D{contacts:07}");
                let wait = exponential(&mut rng, queue.mean_wait * (1.0 + 2.5 * strain));
                let patience =
                    if queue.mean_patience > 0.0 { exponential(&mut rng, queue.mean_patience) } else { f64::MAX };
                if patience < wait {
                    let gone = arrived + SignedDuration::from_secs_f64(patience.max(1.0));
                    let _ = writeln!(
                        interactions,
                        "{id},{},{},,{customer},{topic},{},,{},0,abandoned",
                        queue.channel,
                        queue.name,
                        timestamp(arrived),
                        timestamp(gone)
                    );
                    continue;
                }
                let agent_index = rng.random_range(0..roster.len());
                let agent = roster[agent_index];
                let answered = arrived + SignedDuration::from_secs_f64(wait);
                let handle = queue.mean_handle * (0.4 + exponential(&mut rng, 0.6)) * (1.0 + 0.3 * strain);
                let ended = answered + SignedDuration::from_secs_f64(handle);
                if ended > now {
                    continue;
                }
                let wrap = if queue.channel == "email" { 0 } else { rng.random_range(15..90) };
                let unresolved = rng.random_bool(0.06 + 0.08 * strain);
                let outcome = if unresolved {
                    "unresolved"
                } else if rng.random_bool(0.04) {
                    "transferred"
                } else {
                    "resolved"
                };
                let _ = writeln!(
                    interactions,
                    "{id},{},{},{agent},{customer},{topic},{},{},{},{wrap},{outcome}",
                    queue.channel,
                    queue.name,
                    timestamp(arrived),
                    timestamp(answered),
                    timestamp(ended)
                );
                let response_rate = if queue.channel == "email" { 0.12 } else { 0.2 };
                if !rng.random_bool(response_rate) {
                    continue;
                }
                let responded = ended + SignedDuration::from_secs(rng.random_range(600..108_000));
                if responded > now {
                    continue;
                }
                // Satisfaction falls with long waits, repeat contacts, an
                // unresolved outcome and the rough patch; each agent has a
                // steady personal touch so the person views differ.
                let personal = ((agent.len() * 7 + agent.as_bytes()[0] as usize) % 7) as f64 / 10.0 - 0.3;
                let long_wait = if queue.channel == "email" { wait > 24.0 * 3600.0 } else { wait > 60.0 };
                let base = 4.35 + personal
                    - if long_wait { 0.7 } else { 0.0 }
                    - if repeat { 0.6 } else { 0.0 }
                    - if outcome == "unresolved" { 1.3 } else { 0.0 }
                    - 0.9 * strain;
                let csat = (base + 0.8 * normal(&mut rng)).round().clamp(1.0, 5.0) as i64;
                let nps = match csat {
                    5 => rng.random_range(9..=10),
                    4 => rng.random_range(7..=9),
                    3 => rng.random_range(5..=7),
                    2 => rng.random_range(2..=5),
                    _ => rng.random_range(0..=3),
                };
                let ces = if rng.random_bool(0.6) {
                    (csat + 2 + rng.random_range(-1..=1)).clamp(1, 7).to_string()
                } else {
                    String::new()
                };
                let comment = if rng.random_bool(0.45) {
                    let pool = if csat >= 4 { PRAISE[queue.team] } else { COMPLAINTS[queue.team] };
                    pool.choose(&mut rng).copied().unwrap_or("")
                } else {
                    ""
                };
                let _ = writeln!(surveys, "{id},{},{csat},{nps},{ces},\"{comment}\"", timestamp(responded));
            }
        }
    }
    Ok(Generated { interactions, surveys, contacts })
}

/// Generates and imports the demo's contacts and surveys; returns how many
/// contacts were imported.
pub async fn seed(
    db: &Db,
    system: &Actor,
    seed: u64,
    teams: &[DemoTeam],
    today: Date,
    now: Timestamp,
) -> StoreResult<usize> {
    let tz = crate::kpi::org_time_zone(db).await?;
    let generated = generate(seed, teams, today, now, &tz)?;
    let options = ImportOptions { batch_size: 100_000, ..ImportOptions::default() };
    let mut quiet = |_: u64| {};
    let files = [("demo-interactions.csv", generated.interactions), ("demo-surveys.csv", generated.surveys)];
    for (k, (name, text)) in files.into_iter().enumerate() {
        let file = ImportFile { name: name.to_string(), format: ImportFormat::Csv, reader: Cursor::new(text) };
        let report = if k == 0 {
            import_interactions(db, system, file, &options, now, &mut quiet).await?
        } else {
            import_surveys(db, system, file, &options, now, &mut quiet).await?
        };
        if let Some(first) = report.rejected.first() {
            return Err(StoreError::Corrupt(format!(
                "demo file {name} has a bad row at line {}: {}",
                first.line, first.reason
            )));
        }
    }
    Ok(generated.contacts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn teams() -> Vec<DemoTeam> {
        (0..3)
            .map(|t| DemoTeam {
                agents: (0..10).map(|a| format!("agent{t}{a}@example.co.uk")).collect(),
                joined: Vec::new(),
                left: Vec::new(),
            })
            .collect()
    }

    #[test]
    fn the_same_seed_gives_the_same_contacts() {
        let today = Date::constant(2026, 11, 25);
        let now: Timestamp = "2026-11-25T12:00:00Z".parse().unwrap();
        let a = generate(1, &teams(), today, now, &TimeZone::UTC).unwrap();
        let b = generate(1, &teams(), today, now, &TimeZone::UTC).unwrap();
        assert_eq!(a.interactions, b.interactions);
        assert_eq!(a.surveys, b.surveys);
        assert!(a.contacts > 20_000, "six months should hold tens of thousands of contacts, got {}", a.contacts);
    }

    #[test]
    fn nothing_happens_after_now() {
        let today = Date::constant(2026, 11, 25);
        let now: Timestamp = "2026-11-25T09:00:00Z".parse().unwrap();
        let generated = generate(3, &teams(), today, now, &TimeZone::UTC).unwrap();
        let latest = generated
            .interactions
            .lines()
            .skip(1)
            .flat_map(|line| line.split(',').skip(6).take(3).filter(|s| !s.is_empty()).collect::<Vec<_>>())
            .max()
            .unwrap();
        assert!(latest <= "2026-11-25T09:00:00Z", "latest time {latest}");
    }

    #[test]
    fn retail_is_less_satisfied_during_its_dip() {
        let today = Date::constant(2026, 11, 25);
        let now: Timestamp = "2026-11-25T18:00:00Z".parse().unwrap();
        let generated = generate(5, &teams(), today, now, &TimeZone::UTC).unwrap();
        let retail_ids: std::collections::HashMap<&str, &str> = generated
            .interactions
            .lines()
            .skip(1)
            .filter(|l| l.contains(",retail-"))
            .map(|l| (l.split(',').next().unwrap(), l.split(',').nth(6).unwrap()))
            .collect();
        let dip_start = (today - 84.days()).to_string();
        let dip_end = (today - 56.days()).to_string();
        let (mut in_dip, mut outside) = ((0.0, 0.0), (0.0, 0.0));
        for line in generated.surveys.lines().skip(1) {
            let mut parts = line.split(',');
            let id = parts.next().unwrap();
            let csat: f64 = parts.nth(1).unwrap().parse().unwrap();
            let Some(arrived) = retail_ids.get(id) else { continue };
            let day = &arrived[..10];
            let bucket = if day >= dip_start.as_str() && day <= dip_end.as_str() { &mut in_dip } else { &mut outside };
            bucket.0 += csat;
            bucket.1 += 1.0;
        }
        assert!(in_dip.0 / in_dip.1 + 0.3 < outside.0 / outside.1, "dip {in_dip:?} outside {outside:?}");
    }
}
