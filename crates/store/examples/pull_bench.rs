//! The product's pull, end to end: 1,000 agents in 10 teams on SQLite, each
//! team with a constant queue of open items; a seeded random agent presses
//! "Get next item" over and over. Times `allocation::pull::next_item` — the
//! reads (roster, live counters, the team's open queue), the engine's decision
//! and the atomic assignment — and prints percentiles in milliseconds as JSON.
//!
//! ```text
//! cargo run --release -p crewdeck-store --example pull_bench -- [PULLS] [ITEMS_PER_TEAM] [SEED]
//! ```
//!
//! After each pull the item is marked done and a fresh copy is queued (neither
//! timed), so every pull sees the same queue size and the agents never fill up.

use std::time::{Duration, Instant};

use crewdeck_core::allocation::work::WorkItemFields;
use crewdeck_store::Db;
use crewdeck_store::allocation::items;
use crewdeck_store::allocation::pull::{self, Pulled};
use crewdeck_store::audit::Actor;
use jiff::Timestamp;
use jiff::civil::date;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const TEAMS: usize = 10;
const AGENTS_PER_TEAM: usize = 100;
const SKILLS: usize = 15;
const CHANNELS: [&str; 3] = ["email", "chat", "voice"];

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let pulls: usize = args.next().map_or(Ok(2_000), |s| s.parse())?;
    let per_team: usize = args.next().map_or(Ok(200), |s| s.parse())?;
    let seed: u64 = args.next().map_or(Ok(1), |s| s.parse())?;
    let dir = tempfile::tempdir()?;
    let db = Db::connect(&format!("sqlite://{}", dir.path().join("bench.db").display())).await?;
    db.migrate().await?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let now: Timestamp = "2026-03-04T10:00:00Z".parse()?;
    let day = date(2026, 3, 4);
    let actor = Actor::system("bench");

    // Set-up in bulk, straight into the tables: people, teams, skills, levels, capacity.
    let mut tx = db.pool().begin().await?;
    for s in 0..SKILLS {
        sqlx::query("INSERT INTO skills (id, name, description, level_1, level_2, level_3, level_4, level_5) VALUES ($1, $2, 'd', '1', '2', '3', '4', '5')")
            .bind(s as i64 + 1)
            .bind(format!("Skill {s}"))
            .execute(&mut *tx)
            .await?;
    }
    let mut agents = Vec::new();
    for t in 0..TEAMS {
        let team = t as i64 + 1;
        sqlx::query("INSERT INTO teams (id, name, created_at) VALUES ($1, $2, 0)")
            .bind(team)
            .bind(format!("Team {t}"))
            .execute(&mut *tx)
            .await?;
        for a in 0..AGENTS_PER_TEAM {
            let id = (t * AGENTS_PER_TEAM + a) as i64 + 1;
            sqlx::query(
                "INSERT INTO people (id, name, email, job_role, start_date, contracted_hours, comm_channel, comm_style, created_at, updated_at) \
                 VALUES ($1, $2, $3, 'Advisor', '2025-01-06', 37.5, 'email', 'brief', 0, 0)",
            )
            .bind(id)
            .bind(format!("Agent {id}"))
            .bind(format!("agent{id}@example.co.uk"))
            .execute(&mut *tx)
            .await?;
            sqlx::query("INSERT INTO team_memberships (person_id, team_id, from_date) VALUES ($1, $2, '2025-01-06')")
                .bind(id)
                .bind(team)
                .execute(&mut *tx)
                .await?;
            let held = rng.random_range(4..=8);
            let mut skills: Vec<usize> = (0..SKILLS).collect();
            for _ in 0..held {
                let s = skills.swap_remove(rng.random_range(0..skills.len()));
                sqlx::query("INSERT INTO person_skills (person_id, skill_id, level, assessed_on) VALUES ($1, $2, $3, '2026-01-01')")
                    .bind(id)
                    .bind(s as i64 + 1)
                    .bind(rng.random_range(1..=5i64))
                    .execute(&mut *tx)
                    .await?;
            }
            for (channel, capacity) in CHANNELS.iter().zip([8i64, 3, 1]) {
                sqlx::query("INSERT INTO capacities (person_id, channel, capacity) VALUES ($1, $2, $3)")
                    .bind(id)
                    .bind(*channel)
                    .bind(capacity)
                    .execute(&mut *tx)
                    .await?;
            }
            agents.push(id);
        }
    }
    tx.commit().await?;

    let item = |rng: &mut ChaCha8Rng, team: usize| -> WorkItemFields {
        let needs = rng.random_range(1..=2);
        let requires: Vec<String> = (0..needs)
            .map(|k| {
                format!("Skill {}:{}", (rng.random_range(0..SKILLS / 2) * 2 + k) % SKILLS, rng.random_range(1..=3))
            })
            .collect();
        WorkItemFields {
            kind: "ticket".into(),
            title: "Bench item".into(),
            channel: CHANNELS[rng.random_range(0..3)].into(),
            requires: requires.join("; "),
            priority: ["urgent", "high", "normal", "low"][rng.random_range(0..4)].into(),
            due_at: (now + jiff::SignedDuration::from_mins(rng.random_range(-60..2880))).to_string(),
            team: (team + 1).to_string(),
            ..WorkItemFields::default()
        }
    };
    for t in 0..TEAMS {
        for _ in 0..per_team {
            let input = item(&mut rng, t).parse().map_err(|e| e.to_string())?;
            items::create(&db, &actor, &input, None, now).await?;
        }
    }

    let mut times = Vec::with_capacity(pulls);
    let mut given = 0usize;
    for _ in 0..pulls {
        let who = agents[rng.random_range(0..agents.len())];
        let started = Instant::now();
        let outcome = pull::next_item(&db, &actor, who, day, now).await?;
        times.push(started.elapsed());
        if let Pulled::Given(taken) = outcome {
            given += 1;
            items::complete(&db, &actor, taken.id, now).await?;
            let team = usize::try_from(taken.team_id - 1)?;
            let input = item(&mut rng, team).parse().map_err(|e| e.to_string())?;
            items::create(&db, &actor, &input, None, now).await?;
        }
    }
    times.sort();
    let ms = |d: Duration| (d.as_secs_f64() * 1e5).round() / 100.0;
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    let mean = times.iter().sum::<Duration>() / u32::try_from(times.len().max(1))?;
    println!(
        "{{\"agents\": {}, \"open_items\": {}, \"pulls\": {pulls}, \"given\": {given}, \"p50_ms\": {}, \"p99_ms\": {}, \"max_ms\": {}, \"mean_ms\": {}}}",
        agents.len(),
        TEAMS * per_team,
        ms(at(0.5)),
        ms(at(0.99)),
        ms(at(1.0)),
        ms(mean)
    );
    db.close().await;
    Ok(())
}
